#!/usr/bin/env python3
"""Draws DMA Scope's PNG icons (no image library needed): shapes are rasterised at 4x and
averaged down for anti-aliasing. Run from the repository root:
    python3 releng/icons/make_icons.py bundles/org.dmascope.ui/icons
"""
import math
import os
import struct
import sys
import zlib

SS = 4  # supersampling factor


class Canvas:
    def __init__(self, size):
        self.size = size
        self.n = size * SS
        self.px = [[(0, 0, 0, 0)] * self.n for _ in range(self.n)]

    def _blend(self, x, y, rgba):
        if 0 <= x < self.n and 0 <= y < self.n:
            r, g, b, a = rgba
            R, G, B, A = self.px[y][x]
            af = a / 255.0
            na = af + A / 255.0 * (1 - af)
            if na == 0:
                return
            mix = lambda c, C: int((c * af + C * (A / 255.0) * (1 - af)) / na)
            self.px[y][x] = (mix(r, R), mix(g, G), mix(b, B), int(na * 255))

    def fill(self, inside, rgba):
        """inside(u, v) with u, v in icon units (0..size)."""
        for y in range(self.n):
            v = (y + 0.5) / SS
            for x in range(self.n):
                u = (x + 0.5) / SS
                if inside(u, v):
                    self._blend(x, y, rgba)

    def rounded_rect(self, x0, y0, x1, y1, r, rgba):
        def inside(u, v):
            if not (x0 <= u <= x1 and y0 <= v <= y1):
                return False
            cx = min(max(u, x0 + r), x1 - r)
            cy = min(max(v, y0 + r), y1 - r)
            return (u - cx) ** 2 + (v - cy) ** 2 <= r * r
        self.fill(inside, rgba)

    def circle(self, cx, cy, r, rgba):
        self.fill(lambda u, v: (u - cx) ** 2 + (v - cy) ** 2 <= r * r, rgba)

    def ring(self, cx, cy, r0, r1, a0, a1, rgba):
        def inside(u, v):
            d = math.hypot(u - cx, v - cy)
            if not (r0 <= d <= r1):
                return False
            ang = math.degrees(math.atan2(v - cy, u - cx)) % 360
            return (ang - a0) % 360 <= (a1 - a0) % 360
        self.fill(inside, rgba)

    def line(self, x0, y0, x1, y1, w, rgba):
        dx, dy = x1 - x0, y1 - y0
        ll = dx * dx + dy * dy
        def inside(u, v):
            t = max(0.0, min(1.0, ((u - x0) * dx + (v - y0) * dy) / ll)) if ll else 0.0
            return math.hypot(u - (x0 + t * dx), v - (y0 + t * dy)) <= w / 2
        self.fill(inside, rgba)

    def polygon(self, pts, rgba):
        def inside(u, v):
            c = False
            j = len(pts) - 1
            for i in range(len(pts)):
                xi, yi = pts[i]
                xj, yj = pts[j]
                if (yi > v) != (yj > v) and u < (xj - xi) * (v - yi) / (yj - yi) + xi:
                    c = not c
                j = i
            return c
        self.fill(inside, rgba)

    def png(self, path):
        rows = []
        for y in range(self.size):
            row = bytearray([0])
            for x in range(self.size):
                acc = [0, 0, 0, 0]
                for sy in range(SS):
                    for sx in range(SS):
                        r, g, b, a = self.px[y * SS + sy][x * SS + sx]
                        acc[0] += r * a
                        acc[1] += g * a
                        acc[2] += b * a
                        acc[3] += a
                if acc[3]:
                    row += bytes([acc[0] // acc[3], acc[1] // acc[3], acc[2] // acc[3], acc[3] // (SS * SS)])
                else:
                    row += bytes(4)
            rows.append(bytes(row))
        raw = b"".join(rows)
        def chunk(kind, data):
            c = kind + data
            return struct.pack(">I", len(data)) + c + struct.pack(">I", zlib.crc32(c) & 0xffffffff)
        ihdr = struct.pack(">IIBBBBB", self.size, self.size, 8, 6, 0, 0, 0)
        with open(path, "wb") as f:
            f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(raw, 9))
                    + chunk(b"IEND", b""))


NAVY = (28, 52, 94, 255)
CHIP = (226, 232, 240, 255)
PIN = (160, 174, 192, 255)
ORANGE = (242, 140, 40, 255)
BLUE = (52, 120, 200, 255)
GREEN = (46, 160, 90, 255)
YELLOW = (235, 190, 60, 255)
GREY = (110, 110, 110, 255)


def app_icon(size):
    c = Canvas(size)
    s = size / 16.0
    c.rounded_rect(0.5 * s, 0.5 * s, 15.5 * s, 15.5 * s, 3 * s, NAVY)
    for i in range(3):  # pins
        y = (5 + 2.5 * i) * s
        c.line(2.2 * s, y, 4 * s, y, 0.9 * s, PIN)
    c.rounded_rect(3.5 * s, 3.5 * s, 9.5 * s, 12.5 * s, 1 * s, CHIP)
    c.line(9 * s, 8 * s, 12.5 * s, 8 * s, 1.6 * s, ORANGE)
    c.polygon([(11.5 * s, 5.2 * s), (14.6 * s, 8 * s), (11.5 * s, 10.8 * s)], ORANGE)
    return c


def topology_icon():
    c = Canvas(16)
    c.line(8, 4, 4, 12, 1.3, GREY)
    c.line(8, 4, 12, 12, 1.3, GREY)
    c.circle(8, 4, 2.6, BLUE)
    c.circle(4, 12, 2.4, GREEN)
    c.circle(12, 12, 2.4, ORANGE)
    return c


def open_icon():
    c = Canvas(16)
    c.polygon([(1, 4), (6, 4), (7.5, 5.5), (15, 5.5), (15, 13.5), (1, 13.5)], (200, 150, 40, 255))
    c.polygon([(2.5, 7.5), (15.5, 7.5), (14, 13.5), (1, 13.5)], YELLOW)
    return c


def live_icon():
    c = Canvas(16)
    c.ring(8, 8, 5.2, 6.6, 300, 60, GREEN)
    c.ring(8, 8, 5.2, 6.6, 120, 240, GREEN)
    c.circle(8, 8, 3, GREEN)
    return c


def refresh_icon():
    c = Canvas(16)
    c.ring(8, 8, 4.2, 6, 40, 340, BLUE)
    c.polygon([(12.2, 1.8), (14.8, 7.2), (9.4, 6.4)], BLUE)
    return c


def progress_icon():
    c = Canvas(16)
    c.rounded_rect(1, 5.5, 15, 10.5, 1.5, (200, 205, 212, 255))
    c.rounded_rect(1, 5.5, 10, 10.5, 1.5, GREEN)
    return c


def magnifier(sign):
    c = Canvas(16)
    c.ring(6.5, 6.5, 3.6, 5.2, 0, 359.9, NAVY)
    c.line(10.2, 10.2, 14.5, 14.5, 2.2, NAVY)
    c.line(4.3, 6.5, 8.7, 6.5, 1.3, NAVY)
    if sign == "+":
        c.line(6.5, 4.3, 6.5, 8.7, 1.3, NAVY)
    return c


def fit_icon():
    c = Canvas(16)
    for (x0, y0, dx, dy) in ((1.5, 1.5, 1, 1), (14.5, 1.5, -1, 1), (1.5, 14.5, 1, -1), (14.5, 14.5, -1, -1)):
        c.line(x0, y0, x0 + 4 * dx, y0, 1.4, NAVY)
        c.line(x0, y0, x0, y0 + 4 * dy, 1.4, NAVY)
    c.rounded_rect(5, 5, 11, 11, 1, BLUE)
    return c


def clear_icon():
    c = Canvas(16)
    c.line(3.5, 3.5, 12.5, 12.5, 2.2, (200, 50, 50, 255))
    c.line(12.5, 3.5, 3.5, 12.5, 2.2, (200, 50, 50, 255))
    return c


def swap_icon():
    c = Canvas(16)
    c.line(2, 5, 11, 5, 1.5, NAVY)
    c.polygon([(10, 2), (14.5, 5), (10, 8)], NAVY)
    c.line(5, 11, 14, 11, 1.5, ORANGE)
    c.polygon([(6, 8), (1.5, 11), (6, 14)], ORANGE)
    return c


def filter_icon():
    c = Canvas(16)
    c.polygon([(1.5, 2.5), (14.5, 2.5), (9.5, 8.5), (9.5, 14), (6.5, 12.5), (6.5, 8.5)], BLUE)
    return c


def matrix_icon():
    c = Canvas(16)
    colours = [GREEN, BLUE, ORANGE, BLUE, GREEN, YELLOW, ORANGE, YELLOW, GREEN]
    for i in range(3):
        for j in range(3):
            c.rounded_rect(1 + 5 * j, 1 + 5 * i, 5 + 5 * j, 5 + 5 * i, 0.8, colours[3 * i + j])
    return c


def tree_icon():
    c = Canvas(16)
    c.line(3, 3, 3, 13, 1.2, GREY)
    c.line(3, 8, 7, 8, 1.2, GREY)
    c.line(3, 13, 7, 13, 1.2, GREY)
    c.rounded_rect(1, 1, 6, 5, 1, BLUE)
    c.rounded_rect(7, 6, 14, 10, 1, GREEN)
    c.rounded_rect(7, 11, 14, 15, 1, ORANGE)
    return c


def main(out):
    os.makedirs(out, exist_ok=True)
    for size in (16, 32, 48, 64, 128):
        app_icon(size).png(os.path.join(out, "dmascope%d.png" % size))
    topology_icon().png(os.path.join(out, "topology16.png"))
    open_icon().png(os.path.join(out, "open16.png"))
    live_icon().png(os.path.join(out, "live16.png"))
    refresh_icon().png(os.path.join(out, "refresh16.png"))
    progress_icon().png(os.path.join(out, "progress16.png"))
    magnifier("+").png(os.path.join(out, "zoomin16.png"))
    magnifier("-").png(os.path.join(out, "zoomout16.png"))
    fit_icon().png(os.path.join(out, "fit16.png"))
    clear_icon().png(os.path.join(out, "clear16.png"))
    swap_icon().png(os.path.join(out, "swap16.png"))
    filter_icon().png(os.path.join(out, "filter16.png"))
    matrix_icon().png(os.path.join(out, "matrix16.png"))
    tree_icon().png(os.path.join(out, "tree16.png"))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "icons")
