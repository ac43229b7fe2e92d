#!/usr/bin/env python3
"""Render a colour terminal capture (`tmux capture-pane -p -e`) to a PNG.

Usage: ansi_to_png.py CAPTURE.ans OUT.png [--cols N] [--rows N] [--title TEXT]

Understands the SGR sequences tmux emits (reset, bold, dim, underline, reverse, 8/16/256 and
24-bit colours). Cells are laid out on a fixed grid: East Asian wide characters and emoji take
two cells, as in the terminal. Glyphs come from DejaVu Sans Mono, then GNU Unifont (CJK), then
Noto Color Emoji, whichever font has the character.
"""
import argparse
import re
import sys
import unicodedata

from fontTools.ttLib import TTFont
from PIL import Image, ImageDraw, ImageFont

FONT_SIZE = 16
DEJAVU = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf"
DEJAVU_BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono-Bold.ttf"
UNIFONT = ["/usr/share/fonts/opentype/unifont/unifont.otf", "/usr/share/fonts/truetype/unifont/unifont.ttf"]
EMOJI = "/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf"

BG = (24, 26, 33)
FG = (220, 223, 228)
PALETTE = [
    (40, 42, 54), (235, 95, 95), (120, 200, 120), (230, 200, 100),
    (100, 150, 240), (200, 120, 220), (90, 200, 220), (220, 223, 228),
    (98, 102, 116), (255, 120, 120), (150, 230, 150), (250, 225, 130),
    (130, 175, 255), (225, 150, 240), (120, 225, 240), (255, 255, 255),
]


def xterm256(n):
    if n < 16:
        return PALETTE[n]
    if n < 232:
        n -= 16
        steps = [0, 95, 135, 175, 215, 255]
        return (steps[n // 36], steps[(n // 6) % 6], steps[n % 6])
    v = 8 + (n - 232) * 10
    return (v, v, v)


class Font:
    def __init__(self, path, size, index=0):
        self.path = path
        self.cmap = TTFont(path, fontNumber=index, lazy=True).getBestCmap() or {}
        self.font = ImageFont.truetype(path, size)

    def has(self, ch):
        return all(ord(c) in self.cmap for c in ch if unicodedata.category(c) not in ("Mn", "Me", "Cf"))


def load_fonts():
    import os
    fonts = {"regular": Font(DEJAVU, FONT_SIZE), "bold": Font(DEJAVU_BOLD, FONT_SIZE)}
    fonts["fallback"] = next((Font(p, FONT_SIZE) for p in UNIFONT if os.path.exists(p)), None)
    fonts["emoji"] = Font(EMOJI, 109) if os.path.exists(EMOJI) else None
    return fonts


def char_width(ch):
    base = ch[0]
    if unicodedata.category(base) in ("Mn", "Me"):
        return 0
    if unicodedata.east_asian_width(base) in ("W", "F"):
        return 2
    return 1


SGR = re.compile(r"\x1b\[([0-9;:]*)m")
OTHER = re.compile(r"\x1b(\[[0-9;?]*[A-Za-z]|\][^\x07]*\x07|[()][A-Z0-9])")


def parse(text, cols, rows):
    grid = [[(" ", 1, {}) for _ in range(cols)] for _ in range(rows)]
    style = {}
    for y, line in enumerate(text.split("\n")[:rows]):
        x = 0
        pos = 0
        while pos < len(line):
            m = SGR.match(line, pos)
            if m:
                style = apply_sgr(style, m.group(1))
                pos = m.end()
                continue
            m = OTHER.match(line, pos)
            if m:
                pos = m.end()
                continue
            ch = line[pos]
            pos += 1
            # Keep combining marks and variation selectors with their base character.
            while pos < len(line) and unicodedata.category(line[pos]) in ("Mn", "Me", "Cf") and line[pos] != "\x1b":
                ch += line[pos]
                pos += 1
            w = char_width(ch)
            if x + w > cols:
                break
            grid[y][x] = (ch, w, dict(style))
            if w == 2:
                grid[y][x + 1] = ("", 0, dict(style))
            x += max(1, w)
    return grid


def apply_sgr(style, params):
    codes = [int(p) if p.isdigit() else 0 for p in re.split("[;:]", params)] if params else [0]
    style = dict(style)
    i = 0
    while i < len(codes):
        c = codes[i]
        if c == 0:
            style = {}
        elif c == 1:
            style["bold"] = True
        elif c == 2:
            style["dim"] = True
        elif c == 4:
            style["underline"] = True
        elif c == 7:
            style["reverse"] = True
        elif c == 22:
            style.pop("bold", None); style.pop("dim", None)
        elif c == 24:
            style.pop("underline", None)
        elif c == 27:
            style.pop("reverse", None)
        elif 30 <= c <= 37:
            style["fg"] = PALETTE[c - 30]
        elif 90 <= c <= 97:
            style["fg"] = PALETTE[c - 90 + 8]
        elif 40 <= c <= 47:
            style["bg"] = PALETTE[c - 40]
        elif 100 <= c <= 107:
            style["bg"] = PALETTE[c - 100 + 8]
        elif c == 39:
            style.pop("fg", None)
        elif c == 49:
            style.pop("bg", None)
        elif c in (38, 48) and i + 1 < len(codes):
            key = "fg" if c == 38 else "bg"
            if codes[i + 1] == 5 and i + 2 < len(codes):
                style[key] = xterm256(codes[i + 2]); i += 2
            elif codes[i + 1] == 2 and i + 4 < len(codes):
                style[key] = tuple(codes[i + 2:i + 5]); i += 4
        i += 1
    return style


def render(grid, cols, rows, out, title=None):
    fonts = load_fonts()
    cw = round(fonts["regular"].font.getlength("M"))
    ch = FONT_SIZE + 4
    pad = 12
    top = pad + (28 if title else 0)
    img = Image.new("RGB", (cols * cw + 2 * pad, rows * ch + top + pad), BG)
    draw = ImageDraw.Draw(img)
    if title:
        draw.text((pad, pad), title, font=fonts["bold"].font, fill=(150, 155, 170))
    for y, row in enumerate(grid):
        for x, (text, w, st) in enumerate(row):
            if w == 0:
                continue
            fg = st.get("fg", FG)
            bg = st.get("bg", BG)
            if st.get("reverse"):
                fg, bg = (bg if "bg" in st else BG), (st.get("fg", FG))
            if st.get("dim"):
                fg = tuple((a + b) // 2 for a, b in zip(fg, bg))
            px, py = pad + x * cw, top + y * ch
            if bg != BG:
                draw.rectangle([px, py, px + w * cw - 1, py + ch - 1], fill=bg)
            if text.strip():
                draw_glyph(img, draw, fonts, text, px, py, w * cw, ch, fg, st.get("bold"))
            if st.get("underline"):
                draw.line([px, py + ch - 2, px + w * cw - 1, py + ch - 2], fill=fg)
    img.save(out)


def draw_glyph(img, draw, fonts, text, px, py, width, height, fg, bold):
    primary = fonts["bold"] if bold else fonts["regular"]
    for f in (primary, fonts["regular"], fonts["fallback"]):
        if f and f.has(text) and not (f is fonts["fallback"] and is_emoji(text)):
            draw.text((px, py + 1), text, font=f.font, fill=fg)
            return
    if fonts["emoji"] and fonts["emoji"].has(text):
        glyph = Image.new("RGBA", (136, 128), (0, 0, 0, 0))
        ImageDraw.Draw(glyph).text((0, 0), text, font=fonts["emoji"].font, embedded_color=True)
        box = glyph.getbbox()
        if box:
            glyph = glyph.crop(box)
            scale = min(width / glyph.width, (height - 2) / glyph.height)
            glyph = glyph.resize((max(1, int(glyph.width * scale)), max(1, int(glyph.height * scale))), Image.LANCZOS)
            img.paste(glyph, (px + (width - glyph.width) // 2, py + (height - glyph.height) // 2), glyph)
        return
    draw.text((px, py + 1), text, font=primary.font, fill=fg)  # .notdef box, visibly missing


def is_emoji(text):
    return any(0x1F000 <= ord(c) <= 0x1FAFF or 0x2600 <= ord(c) <= 0x27BF for c in text)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("capture")
    ap.add_argument("out")
    ap.add_argument("--cols", type=int, default=100)
    ap.add_argument("--rows", type=int, default=30)
    ap.add_argument("--title")
    args = ap.parse_args()
    with open(args.capture, encoding="utf-8", errors="replace") as f:
        text = f.read()
    render(parse(text, args.cols, args.rows), args.cols, args.rows, args.out, args.title)


if __name__ == "__main__":
    sys.exit(main())
