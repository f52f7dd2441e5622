#!/usr/bin/env python3
"""Makes the neutral placeholder plates in manuscript/images/ (run once; the PNGs are committed).

The archival photographs are not part of this repository. Each plate is a grey panel that says so
and names the photograph; replacing the PNG file with the real picture is the only change needed.
Requires Pillow; uses only the fonts in fonts/.
"""
from PIL import Image, ImageDraw, ImageFont
import os

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
FONT = os.path.join(ROOT, "fonts", "EBGaramond-Regular.ttf")
ITALIC = os.path.join(ROOT, "fonts", "EBGaramond-Italic.ttf")

PLATES = [
    ("berlin-wall-1961.png", "The Berlin Wall under construction", "August 1961"),
    ("berlin-standoff-1961.png", "U.S. soldiers and East German police face off", "Berlin, fall 1961"),
    ("kennedy-thompson-1961.png", "President Kennedy with Ambassador Llewellyn Thompson", "1961"),
]

def plate(name, subject, when, w=1200, h=800):
    img = Image.new("L", (w, h), 0xD9)
    d = ImageDraw.Draw(img)
    d.rectangle([24, 24, w - 25, h - 25], outline=0x80, width=3)
    big = ImageFont.truetype(FONT, 52)
    mid = ImageFont.truetype(ITALIC, 40)
    small = ImageFont.truetype(FONT, 30)
    lines = [("PLACEHOLDER PLATE", small, 0x55), (subject, big, 0x22), (when, mid, 0x33),
             ("The archival photograph is not included in this edition.", small, 0x55),
             ("Replace " + "manuscript/images/" + name + " with the picture.", small, 0x55)]
    heights = [d.textbbox((0, 0), t, font=f)[3] for t, f, _ in lines]
    y = (h - sum(heights) - 40 * (len(lines) - 1)) // 2
    for (t, f, c), lh in zip(lines, heights):
        tw = d.textlength(t, font=f)
        d.text(((w - tw) / 2, y), t, font=f, fill=c)
        y += lh + 40
    img.save(os.path.join(ROOT, "manuscript", "images", name), optimize=True)

for p in PLATES:
    plate(*p)
