#!/usr/bin/env python3
"""scripts/demo/images.py: the demo catalog's product pictures, drawn as PNG files.

    images.py CATALOG.json OUTDIR [--force]

For every product of CATALOG and each of its colors, writes OUTDIR/<file>.png (the
name product_image() gives): a flat silhouette of the product (t-shirt, hoodie,
sneaker, cap, bag...) filled with the color, on a light background, 400x400.
Only the standard library: shapes are rasterised row by row into spans, and the
PNG is written with zlib + struct. A file is drawn again only when it is missing
or older than this script or CATALOG (--force: always). Prints how many it drew.
"""
import json
import math
import os
import struct
import sys
import zlib

SIZE = 400                      # pixels; shapes are drawn in 0..100 units
SCALE = SIZE / 100.0
OUTLINE = 3                     # outline width in pixels

COLORS = {
    "blue": (37, 99, 235), "green": (22, 163, 74), "red": (220, 38, 38),
    "yellow": (250, 204, 21), "purple": (147, 51, 234), "orange": (249, 115, 22),
    "pink": (236, 72, 153), "brown": (146, 94, 58), "gray": (128, 128, 128),
    "black": (38, 38, 38), "white": (250, 250, 250),
}
BACKGROUND = (243, 244, 246)
SHADOW = (226, 228, 233)


def slugify(text):
    out, dash = [], False
    for ch in text.lower():
        if ch.isalnum() and ch.isascii():
            out.append(ch)
            dash = False
        elif not dash and out:
            out.append("-")
            dash = True
    return "".join(out).strip("-")


def product_image(product, color):
    """The file name of a product's picture in one color."""
    return "%s-%s.png" % (slugify(product["name"]), color)


# ---- palette: the roles a shape paints with, for one product color ---------------------

def mix(a, b, t):
    return tuple(int(round(x + (y - x) * t)) for x, y in zip(a, b))


def palette(color):
    c = COLORS[color]
    luma = 0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2]
    dark, light = luma < 70, luma > 225
    return {
        "c": c,                                                     # the color itself
        "d": mix(c, (255, 255, 255), 0.22) if dark else mix(c, (0, 0, 0), 0.22),
        "l": mix(c, (255, 255, 255), 0.35) if not light else (228, 228, 228),
        "o": (18, 18, 18) if dark else ((170, 170, 172) if light else mix(c, (0, 0, 0), 0.5)),
        "p": (40, 40, 40) if luma > 160 else (248, 248, 248),       # print / contrast
        "w": (214, 214, 216) if light else (250, 250, 250),         # white parts (soles)
        "k": (55, 55, 58) if not dark else (90, 90, 94),            # black parts
        "g": (168, 170, 176),                                       # metal
        "L": (44, 52, 66),                                          # dark glass
        "bg": BACKGROUND, "s": SHADOW,
    }


# ---- primitives (units 0..100) -> spans per pixel row --------------------------------

def poly(role, *pts):
    return (role, "poly", pts)


def ellipse(role, cx, cy, rx, ry=None):
    return (role, "ellipse", (cx, cy, rx, ry if ry is not None else rx))


def rrect(role, x0, y0, x1, y1, r=0.0):
    return (role, "rrect", (x0, y0, x1, y1, r))


def line(role, x0, y0, x1, y1, w=1.0):
    """A thick segment, as a quad."""
    dx, dy = x1 - x0, y1 - y0
    n = math.hypot(dx, dy) or 1.0
    ox, oy = -dy / n * w / 2, dx / n * w / 2
    return poly(role, (x0 + ox, y0 + oy), (x1 + ox, y1 + oy), (x1 - ox, y1 - oy), (x0 - ox, y0 - oy))


def arc(cx, cy, rx, ry, a0, a1, n=24):
    """Points along an ellipse from angle a0 to a1 (degrees; 90 points down)."""
    return [(cx + rx * math.cos(math.radians(a0 + (a1 - a0) * i / n)),
             cy + ry * math.sin(math.radians(a0 + (a1 - a0) * i / n))) for i in range(n + 1)]


def bbox(kind, a):
    if kind == "poly":
        return min(p[1] for p in a), max(p[1] for p in a)
    if kind == "ellipse":
        return a[1] - a[3], a[1] + a[3]
    return a[1], a[3]


def span_at(kind, a, v):
    """The [x0, x1) intervals (units) the primitive covers on the horizontal line y = v."""
    if kind == "poly":
        xs = []
        pts = a
        for i in range(len(pts)):
            (x0, y0), (x1, y1) = pts[i - 1], pts[i]
            if (y0 <= v < y1) or (y1 <= v < y0):
                xs.append(x0 + (v - y0) * (x1 - x0) / (y1 - y0))
        xs.sort()
        return [(xs[i], xs[i + 1]) for i in range(0, len(xs) - 1, 2)]
    if kind == "ellipse":
        cx, cy, rx, ry = a
        t = (v - cy) / ry
        if t * t >= 1:
            return []
        dx = rx * math.sqrt(1 - t * t)
        return [(cx - dx, cx + dx)]
    x0, y0, x1, y1, r = a
    if not (y0 <= v < y1):
        return []
    inset = 0.0
    t = max(y0 + r - v, v - (y1 - r), 0.0)
    if r > 0 and t > 0:
        inset = r - math.sqrt(max(r * r - t * t, 0.0))
    return [(x0 + inset, x1 - inset)]


def merge(spans):
    out = []
    for x0, x1 in sorted(spans):
        if out and x0 <= out[-1][1]:
            out[-1][1] = max(out[-1][1], x1)
        else:
            out.append([x0, x1])
    return out


def rasterise(prims):
    """Per pixel row, the (x0, x1, role) spans to paint in order: shadow, outline, shape."""
    rows = [[] for _ in range(SIZE)]
    solid = [[] for _ in range(SIZE)]           # pixel spans of everything but cut-outs
    for role, kind, a in prims:
        top, bottom = bbox(kind, a)
        for y in range(max(0, int(top * SCALE) - 1), min(SIZE, int(bottom * SCALE) + 2)):
            for x0, x1 in span_at(kind, a, (y + 0.5) / SCALE):
                p0, p1 = max(0, int(round(x0 * SCALE))), min(SIZE, int(round(x1 * SCALE)))
                if p1 > p0:
                    rows[y].append((p0, p1, role))
                    if role not in ("bg", "s"):
                        solid[y].append((p0, p1))
    # the outline: everything solid, dilated by a disc of radius OUTLINE
    reach = [int(math.sqrt(OUTLINE * OUTLINE - dy * dy)) for dy in range(-OUTLINE, OUTLINE + 1)]
    out = []
    for y in range(SIZE):
        grown = []
        for i, dy in enumerate(range(-OUTLINE, OUTLINE + 1)):
            if 0 <= y + dy < SIZE:
                grown.extend((x0 - reach[i], x1 + reach[i]) for x0, x1 in solid[y + dy])
        shadows = [s for s in rows[y] if s[2] == "s"]
        rest = [s for s in rows[y] if s[2] != "s"]
        out.append(shadows + [(max(0, a), min(SIZE, b), "o") for a, b in merge(grown)] + rest)
    return out


# ---- PNG -------------------------------------------------------------------------------

def png(rows, pal):
    """An indexed-color PNG (one byte a pixel, the palette = the roles)."""
    roles = sorted(pal)
    index = {role: bytes([i]) for i, role in enumerate(roles)}
    background = index["bg"] * SIZE
    done = {}
    raw = bytearray()
    for spans in rows:
        key = tuple(spans)
        line_ = done.get(key)
        if line_ is None:
            buf = bytearray(background)
            for x0, x1, role in spans:
                buf[x0:x1] = index[role] * (x1 - x0)
            line_ = done[key] = b"\x00" + bytes(buf)
        raw += line_

    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff))

    return (b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", struct.pack(">IIBBBBB", SIZE, SIZE, 8, 3, 0, 0, 0))
            + chunk(b"PLTE", b"".join(bytes(pal[role]) for role in roles))
            + chunk(b"IDAT", zlib.compress(bytes(raw), 6))
            + chunk(b"IEND", b""))


# ---- shapes (0..100 units, y down) -----------------------------------------------------

def shadow(cx=50, cy=91, rx=34, ry=3.5):
    return [ellipse("s", cx, cy, rx, ry)]


def top_body(long_sleeves, neck="round"):
    """A shirt seen from the front: body, sleeves and the neck opening."""
    if long_sleeves:
        left = [(25, 88), (25, 40), (19, 52), (15, 78), (5, 76), (9, 46), (20, 21)]
    else:
        left = [(25, 88), (25, 41), (15, 47), (6, 36), (20, 21)]
    if neck == "v":
        collar = [(36, 16), (50, 29), (64, 16)]
    elif neck == "none":
        collar = [(36, 16), (50, 15), (64, 16)]
    else:
        collar = arc(50, 16, 14, 7, 180, 0)
    right = [(100 - x, y) for x, y in reversed(left)]
    return left + collar + right


def shape_tshirt(detail):
    neck = "v" if detail == "vneck" else "round"
    p = shadow() + [poly("c", *top_body(False, neck))]
    if neck == "v":
        p.append(poly("d", (36, 16), (50, 29), (64, 16), (66.5, 17.5), (50, 33.5), (33.5, 17.5)))
    else:
        p.append(poly("p" if detail == "ringer" else "d",
                      *(arc(50, 16, 14, 7, 180, 0) + arc(50, 16, 17, 10, 0, 180))))
    if detail == "pocket":
        p += [rrect("d", 56, 38, 68, 51, 1.5), rrect("c", 57, 40.5, 67, 50, 1)]
    elif detail == "stripes":
        p += [rrect("d", 25, y, 75, y + 4.5) for y in (48, 59, 70, 81)]
        p += [line("d", 9.5, 32, 18.5, 43.5, 3)]
        p += [line("d", 90.5, 32, 81.5, 43.5, 3)]
    elif detail == "ringer":
        p += [poly("p", (6, 36), (15, 47), (17.5, 45.5), (8.4, 33.6)),
              poly("p", (94, 36), (85, 47), (82.5, 45.5), (91.6, 33.6))]
    elif detail == "print":
        p += [ellipse("p", 50, 48, 12), ellipse("c", 50, 48, 9), ellipse("p", 50, 48, 5.5),
              rrect("p", 36, 64, 64, 67, 1.5)]
    return p


def shape_longsleeve(detail):
    p = shadow() + [poly("c", *top_body(True)),
                    poly("d", *(arc(50, 16, 14, 7, 180, 0) + arc(50, 16, 17, 10, 0, 180))),
                    poly("d", (5.3, 73), (15.4, 75), (15, 78), (5, 76)),
                    poly("d", (94.7, 73), (84.6, 75), (85, 78), (95, 76))]
    if detail == "zip":
        p += [line("p", 50, 23, 50, 40, 1.6), rrect("p", 48.5, 39, 51.5, 44, 0.8)]
    return p


def shape_polo(detail):
    p = shadow() + [poly("c", *top_body(False, "none")),
                    rrect("d", 47, 16, 53, 36, 1),
                    poly("d", (36, 15), (50, 17), (44, 27)), poly("d", (64, 15), (50, 17), (56, 27))]
    p += [ellipse("p", 50, y, 1.1) for y in (22, 28, 33)]
    p += [poly("d", (6, 36), (15, 47), (17, 45.7), (8, 34.5)),
          poly("d", (94, 36), (85, 47), (83, 45.7), (92, 34.5))]
    return p


def shape_sweatshirt(detail):
    p = shape_longsleeve(detail) + [rrect("d", 25, 83, 75, 88)]
    return p


def shape_hoodie(detail):
    p = shadow() + [ellipse("c", 50, 17, 18, 13), poly("c", *top_body(True)),
                    ellipse("d", 50, 19, 11, 9.5), ellipse("k", 50, 20, 8, 7),
                    poly("d", (5.3, 73), (15.4, 75), (15, 78), (5, 76)),
                    poly("d", (94.7, 73), (84.6, 75), (85, 78), (95, 76)),
                    rrect("d", 25, 83, 75, 88)]
    if detail == "zip":
        p += [line("p", 50, 28, 50, 83, 1.4), rrect("p", 48.6, 30, 51.4, 35, 0.8),
              line("d", 32, 62, 36, 78, 1.2), line("d", 68, 62, 64, 78, 1.2)]
    else:
        p += [poly("d", (36, 60), (64, 60), (70, 80), (30, 80)),
              poly("c", (38, 62.5), (62, 62.5), (66.5, 77.5), (33.5, 77.5)),
              line("p", 45, 27, 44, 42, 1.2), line("p", 55, 27, 56, 42, 1.2)]
    return p


def shape_jacket(detail):
    p = shadow() + [poly("c", *top_body(True, "none")),
                    poly("d", (35, 14), (50, 30), (45, 33), (31, 19)),
                    poly("d", (65, 14), (50, 30), (55, 33), (69, 19)),
                    poly("d", (5.3, 73), (15.4, 75), (15, 78), (5, 76)),
                    poly("d", (94.7, 73), (84.6, 75), (85, 78), (95, 76))]
    if detail == "puffer":
        p += [rrect("d", 25, y, 75, y + 1.2) for y in (40, 51, 62, 73)]
        p += [line("d", 8.3, y, 20.5, y + 2, 1.2) for y in (50, 62)]
        p += [line("d", 91.7, y, 79.5, y + 2, 1.2) for y in (50, 62)]
        p += [line("p", 50, 30, 50, 88, 1.2)]
    elif detail == "buttons":
        p += [line("d", 50, 30, 50, 88, 1.0)]
        p += [ellipse("p", 53, y, 1.3) for y in (38, 50, 62, 74)]
        p += [rrect("d", 30, 36, 42, 46, 1), rrect("d", 58, 36, 70, 46, 1),
              rrect("d", 25, 82, 75, 88)]
    else:
        p += [line("p", 50, 30, 50, 88, 1.4), rrect("p", 48.6, 34, 51.4, 39, 0.8),
              line("d", 30, 62, 34, 76, 1.2), line("d", 70, 62, 66, 76, 1.2)]
    return p


def shape_pants(detail):
    legs = [(30, 12), (70, 12), (76, 90), (56, 90), (50, 38), (44, 90), (24, 90)]
    if detail == "joggers":
        legs = [(30, 12), (70, 12), (74, 84), (56, 84), (50, 38), (44, 84), (26, 84)]
    p = shadow() + [poly("c", *legs), rrect("d", 30, 12, 70, 18), line("d", 50, 18, 50, 36, 0.9),
                    line("d", 31, 24, 40, 19, 0.9), line("d", 69, 24, 60, 19, 0.9)]
    if detail == "joggers":
        p += [rrect("d", 26, 84, 44, 90, 1), rrect("d", 56, 84, 74, 90, 1),
              line("p", 48, 18, 46, 26, 0.9), line("p", 52, 18, 54, 26, 0.9)]
    elif detail == "jeans":
        p += [line("l", 33.5, 40, 31.5, 88, 0.6), line("l", 66.5, 40, 68.5, 88, 0.6),
              ellipse("g", 50, 15, 1.3)]
    return p


def shape_shorts(detail):
    p = shadow(cy=72, rx=32) + [poly("c", (28, 20), (72, 20), (78, 64), (54, 67), (50, 44),
                                     (46, 67), (22, 64)),
                                rrect("d", 28, 20, 72, 26), line("d", 50, 26, 50, 42, 0.9)]
    if detail == "cargo":
        p += [rrect("d", 22.5, 44, 33, 58, 1), rrect("d", 67, 44, 77.5, 58, 1),
              rrect("l", 22.5, 44, 33, 47), rrect("l", 67, 44, 77.5, 47)]
    else:
        p += [line("p", 48, 26, 46, 34, 0.9), line("p", 52, 26, 54, 34, 0.9)]
    return p


def shape_sneaker(detail):
    high = detail == "high"
    if high:
        top = [(10, 68), (10, 28), (24, 24), (38, 26), (44, 36)]
    else:
        top = [(10, 68), (10, 50), (15, 45), (30, 49), (40, 40), (48, 34), (55, 33)]
    upper = top + [(62, 40), (78, 49), (90, 56), (93, 66), (93, 68)]
    p = shadow(cy=81, rx=42) + [poly("c", *upper),
                                poly("d", (78, 49), (90, 56), (93, 66), (93, 68), (76, 68),
                                     (74, 54)),
                                rrect("w", 7, 66, 95, 77, 3), rrect("d", 7, 72.5, 95, 74)]
    if high:
        p += [rrect("d", 10, 24, 24, 30, 2), ellipse("w", 19, 50, 5.5), ellipse("c", 19, 50, 3.5)]
        p += [line("w", 37 + i * 4.5, 29 + i * 4, 48 + i * 4.5, 32 + i * 4, 1.6) for i in range(4)]
    else:
        p += [poly("k", (15, 45), (30, 49), (29, 51.5), (15, 48)),
              poly("d", (10, 50), (15, 45), (18, 46), (18, 66), (10, 66))]
        p += [line("w", 40 + i * 5, 39 + i * 3.2, 50 + i * 4.5, 39 + i * 3.6, 1.6)
              for i in range(3)]
    if detail == "stripes":
        p += [poly("w", (30, 63), (64, 49), (67, 51), (35, 64)),
              poly("w", (38, 64), (68, 52.5), (70, 55), (43, 65))]
    return p


def shape_boot(detail):
    p = shadow(cy=82, rx=40) + [poly("c", (20, 70), (20, 14), (46, 14), (48, 46), (70, 52),
                                     (86, 58), (88, 70)),
                                rrect("k", 18, 70, 90, 79, 2), rrect("k", 18, 68, 36, 79, 1.5)]
    if detail == "chelsea":
        p += [poly("k", (38, 16), (46, 16), (47.5, 42), (40, 42)), rrect("d", 22, 8, 30, 16, 1.5)]
    else:
        p += [rrect("d", 18, 12, 48, 17, 1.5)]
        p += [line("w", 35, y, 47, y + 1.5, 1.4) for y in (22, 28, 34, 40)]
        p += [rrect("d", 72, 54, 88, 70, 3), line("d", 20, 62, 88, 64, 1)]
    return p


def shape_loafer(detail):
    return shadow(cy=80, rx=42) + [
        poly("c", (10, 68), (10, 55), (18, 51), (34, 55), (46, 50), (66, 49), (82, 54), (91, 61),
             (93, 68)),
        poly("k", (18, 51), (34, 55), (33, 57.5), (18, 54)),
        rrect("k", 8, 68, 95, 75, 2.5), rrect("k", 8, 66, 24, 78, 1.5),
        poly("d", (46, 50), (66, 49), (69, 53), (48, 54)), rrect("d", 50, 55, 68, 59, 1),
        ellipse("k", 59, 57, 2.4, 1.2), line("d", 66, 49, 80, 66, 0.7), line("d", 46, 50, 44, 64, 0.7)]


def shape_sandal(detail):
    return shadow(cy=80, rx=44) + [
        ellipse("c", 36, 64, 12, 12), ellipse("bg", 36, 64, 7.5, 7),
        ellipse("c", 64, 64, 12, 10), ellipse("bg", 64, 64, 7.5, 5.5),
        rrect("g", 41, 54, 46, 58.5, 1), ellipse("bg", 43.5, 56.3, 1.2),
        rrect("c", 6, 63, 94, 70, 3.5), rrect("k", 6, 69, 94, 76, 2), rrect("l", 6, 63, 94, 64.8, 1)]


def shape_cap(detail):
    crown = arc(48, 62, 32, 34, 180, 360, 32)
    return shadow(cy=72, rx=40) + [
        poly("c", *crown), poly("d", (52, 58), (92, 58), (95, 63), (86, 67), (52, 64)),
        line("d", 48, 28, 32, 61, 1.0), line("d", 48, 28, 60, 61, 1.0),
        ellipse("d", 48, 28.5, 3), rrect("d", 16, 58, 80, 62)]


def shape_beanie(detail):
    dome = arc(50, 62, 30, 36, 180, 360, 32)
    p = shadow(cy=80, rx=34) + [poly("c", *dome), ellipse("l", 50, 22, 9),
                                rrect("d", 17, 58, 83, 76, 3)]
    p += [line("c", x, 60, x, 74, 1.6) for x in range(22, 80, 6)]
    return p


def shape_tote(detail):
    return shadow(rx=36) + [
        ellipse("d", 50, 36, 16, 20), ellipse("bg", 50, 36, 12, 16),
        poly("c", (22, 36), (78, 36), (84, 88), (16, 88)), rrect("d", 22, 36, 78, 40),
        rrect("p", 36, 56, 64, 60, 1.5), rrect("p", 40, 64, 60, 67, 1.5)]


def shape_backpack(detail):
    return shadow(rx=32) + [
        ellipse("k", 50, 18, 8, 7), ellipse("bg", 50, 18, 5, 4.5),
        rrect("c", 24, 20, 76, 88, 12), rrect("d", 32, 54, 68, 82, 6),
        rrect("c", 33.5, 58, 66.5, 80.5, 4.5), line("k", 34, 58, 66, 58, 1.2),
        line("k", 30, 36, 70, 36, 1.2), rrect("k", 62, 35, 66, 41, 1)]


def shape_socks(detail):
    return shadow(cx=60, rx=30) + [
        poly("c", (34, 12), (58, 12), (58, 56), (82, 66), (88, 74), (84, 84), (74, 88), (40, 80),
             (34, 70)),
        rrect("d", 34, 12, 58, 22), poly("d", (74, 64.5), (82, 66), (88, 74), (84, 84), (76, 88)),
        poly("d", (34, 66), (44, 62), (48, 74), (40, 80), (34, 70)),
        line("d", 38, 16, 38, 22, 1), line("d", 46, 16, 46, 22, 1), line("d", 54, 16, 54, 22, 1)]


def shape_belt(detail):
    p = shadow(cy=70, rx=44) + [rrect("c", 6, 44, 94, 58, 2), rrect("g", 14, 38, 34, 64, 2.5),
                                rrect("bg", 17.5, 41.5, 30.5, 60.5, 1.5),
                                rrect("c", 17.5, 44, 30.5, 58), line("g", 24, 51, 38, 51, 1.6)]
    p += [ellipse("d", x, 51, 1.4) for x in (58, 66, 74, 82)]
    return p


def shape_sunglasses(detail):
    return shadow(cy=76, rx=40) + [
        line("c", 14, 42, 4, 36, 2.5), line("c", 86, 42, 96, 36, 2.5),
        rrect("c", 12, 38, 47, 64, 9), rrect("c", 53, 38, 88, 64, 9),
        line("c", 46, 44, 54, 44, 3), rrect("L", 15.5, 41.5, 43.5, 60.5, 7),
        rrect("L", 56.5, 41.5, 84.5, 60.5, 7), line("l", 20, 46, 26, 44, 1.4),
        line("l", 61, 46, 67, 44, 1.4)]


def shape_watch(detail):
    p = shadow(cy=94, rx=20, ry=2.5) + [rrect("c", 41, 6, 59, 92, 4)]
    p += [ellipse("d", 50, y, 1.2) for y in (74, 80, 86)]
    p += [rrect("g", 66, 46, 71, 54, 1), ellipse("g", 50, 50, 18), ellipse("w", 50, 50, 14.5),
          line("k", 50, 50, 50, 39, 1.6), line("k", 50, 50, 58, 54, 1.6), ellipse("k", 50, 50, 1.6)]
    p += [ellipse("g", 50 + 12 * math.cos(math.radians(a)), 50 + 12 * math.sin(math.radians(a)), 0.9)
          for a in range(0, 360, 30)]
    return p


SHAPES = {name[6:]: fn for name, fn in globals().items() if name.startswith("shape_")}


def draw(product_image_spec, cache):
    """The rows of a shape "name" or "name/detail" (cached per spec)."""
    if product_image_spec not in cache:
        name, _, detail = product_image_spec.partition("/")
        if name not in SHAPES:
            raise SystemExit("images.py: unknown shape %r (have: %s)"
                             % (name, ", ".join(sorted(SHAPES))))
        cache[product_image_spec] = rasterise(SHAPES[name](detail))
    return cache[product_image_spec]


def main(argv):
    force = "--force" in argv
    args = [a for a in argv if a != "--force"]
    if len(args) != 2:
        raise SystemExit(__doc__)
    catalog_path, outdir = args
    with open(catalog_path, encoding="utf-8") as f:
        catalog = json.load(f)
    os.makedirs(outdir, mode=0o755, exist_ok=True)
    newest_input = max(os.path.getmtime(catalog_path), os.path.getmtime(__file__))
    cache, drawn = {}, 0
    for product in catalog["products"]:
        for color in product["colors"]:
            path = os.path.join(outdir, product_image(product, color))
            if not force and os.path.exists(path) and os.path.getmtime(path) >= newest_input:
                continue
            data = png(draw(product["image"], cache), palette(color))
            tmp = path + ".tmp"
            with open(tmp, "wb") as f:
                f.write(data)
            os.chmod(tmp, 0o644)
            os.replace(tmp, path)
            drawn += 1
    print(drawn)


if __name__ == "__main__":
    main(sys.argv[1:])
