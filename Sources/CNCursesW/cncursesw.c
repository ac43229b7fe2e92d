#define _GNU_SOURCE 1
#include "cncursesw.h"

int cnc_lines(void) { return LINES; }
int cnc_cols(void) { return COLS; }
WINDOW *cnc_stdscr(void) { return stdscr; }

attr_t cnc_attr_bold(void) { return A_BOLD; }
attr_t cnc_attr_reverse(void) { return A_REVERSE; }
attr_t cnc_attr_underline(void) { return A_UNDERLINE; }
attr_t cnc_attr_dim(void) { return A_DIM; }
attr_t cnc_attr_normal(void) { return A_NORMAL; }

int cnc_put_wide(int y, int x, const wchar_t *text, int len, attr_t attrs, short pair) {
    attr_set(attrs, pair, NULL);
    int rc = mvaddnwstr(y, x, text, len);
    attr_set(A_NORMAL, 0, NULL);
    return rc;
}

int cnc_key_resize(void) { return KEY_RESIZE; }
int cnc_key_code_yes(void) { return KEY_CODE_YES; }
int cnc_err(void) { return ERR; }
int cnc_wcwidth(wchar_t c) { return wcwidth(c); }

int cnc_key_mouse(void) { return KEY_MOUSE; }

int cnc_mouse_enable(int on) {
    mmask_t wanted = on ? (BUTTON1_PRESSED | BUTTON4_PRESSED
#ifdef BUTTON5_PRESSED
                           | BUTTON5_PRESSED
#endif
                           ) : 0;
    mmask_t old = 0;
    mmask_t got = mousemask(wanted, &old);
    mouseinterval(0);  /* report presses at once: arty tells double clicks apart itself */
    return on ? (got != 0) : 1;
}

int cnc_get_mouse(int *x, int *y) {
    MEVENT e;
    if (getmouse(&e) != OK) return 0;
    *x = e.x;
    *y = e.y;
    if (e.bstate & BUTTON4_PRESSED) return 4;
#ifdef BUTTON5_PRESSED
    if (e.bstate & BUTTON5_PRESSED) return 5;
#endif
    if (e.bstate & (BUTTON1_PRESSED | BUTTON1_CLICKED)) return 1;
    return 0;
}
