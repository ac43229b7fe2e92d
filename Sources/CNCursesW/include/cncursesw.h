// ncursesw access for Swift: the wide-character API and the macros/globals Swift cannot import.
#ifndef ARTY_CNCURSESW_H
#define ARTY_CNCURSESW_H
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1
#endif
#define NCURSES_WIDECHAR 1
#define _XOPEN_SOURCE_EXTENDED 1
#include <locale.h>
#include <wchar.h>
#include <ncursesw/curses.h>

/// Screen size of stdscr, in cells.
int cnc_lines(void);
int cnc_cols(void);
WINDOW *cnc_stdscr(void);

/// Attribute bits (A_* macros do not import into Swift).
attr_t cnc_attr_bold(void);
attr_t cnc_attr_reverse(void);
attr_t cnc_attr_underline(void);
attr_t cnc_attr_dim(void);
attr_t cnc_attr_normal(void);

/// Writes `len` wide characters at (y, x) with the given attributes and colour pair.
int cnc_put_wide(int y, int x, const wchar_t *text, int len, attr_t attrs, short pair);

/// Key codes.
int cnc_key_resize(void);
int cnc_key_code_yes(void);
int cnc_err(void);

/// The mouse: KEY_MOUSE; turning reports of left presses and the wheel on or off (returns 0 when
/// the terminal has no mouse); reading the pending event: 1 left press, 4 wheel up, 5 wheel down,
/// 0 anything else, with the cell in *x, *y.
int cnc_key_mouse(void);
int cnc_mouse_enable(int on);
int cnc_get_mouse(int *x, int *y);

/// Display width of one character, as wcwidth(3) in the current locale.
int cnc_wcwidth(wchar_t c);

#endif
