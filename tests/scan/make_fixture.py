#!/usr/bin/env python3
"""tests/scan/make_fixture.py - rendered paper-form pages filled in with known marks and degraded.

usage: make_fixture.py LAYOUT.json SEED OUT_PREFIX PAGE.png...

Reads the rendered pages of one copy (page i of the layout = the i-th PNG),
draws answers into them with PIL in several styles, degrades each page in
its own way and writes OUT_PREFIX-<n>.png plus OUT_PREFIX.json, the truth:
for every page what it should read as and every box's state. The styles and
the page's degradation are chosen from SEED, so a run is repeatable.

  styles: cross, tick, light pencil cross (grey), filled box (the form's
  correction), empty; a written digit; a scribbled line of text; a stray
  pen line in the margin
  pages:  i % 5 == 0 as rendered; 1 rotated +3 degrees and shifted;
  2 printed at 94 % and rotated -3 degrees; 3 upside down; 4 a corner mark
  half covered and rotated 1.5 degrees; plus one blank page at the end

Deliberately small: tests/scan/simulate.py (another part of issue 14) makes
the full simulated scans. This only has to say exactly what was drawn.
"""
import json
import random
import sys

from PIL import Image, ImageDraw, ImageFont

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


def main():
    layout_path, seed, prefix = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    pngs = sys.argv[4:]
    layout = json.load(open(layout_path))
    rng = random.Random(seed)
    truth = {"pages": []}
    dark = dict(black=True)
    for i, path in enumerate(pngs):
        page = layout["pages"][i]
        img = Image.open(path).convert("L")
        k = img.width / 210.0  # pixels per mm
        d = ImageDraw.Draw(img)
        boxes = {}

        def P(x, y):
            return (x * k, y * k)

        def line(pts, width_mm, ink):
            d.line([P(x, y) for x, y in pts], fill=ink, width=max(1, round(width_mm * k)),
                   joint="curve")

        for b in page["boxes"]:
            x, y, w, h = b["x"], b["y"], b["w"], b["h"]
            style = rng.choice(["empty"] * 6 + ["cross", "cross", "tick", "pencil", "fill"])
            j = lambda: rng.uniform(-0.3, 0.3)
            if style == "cross":
                line([(x + 0.5 + j(), y + 0.5 + j()), (x + w - 0.5 + j(), y + h - 0.5 + j())], 0.5, 25)
                line([(x + w - 0.5 + j(), y + 0.5 + j()), (x + 0.5 + j(), y + h - 0.5 + j())], 0.5, 25)
            elif style == "tick":
                line([(x + 0.8, y + 2.2 + j()), (x + 1.7, y + 3.3), (x + 3.7 + j(), y + 0.3)], 0.5, 30)
            elif style == "pencil":
                line([(x + 0.7, y + 0.7), (x + w - 0.7, y + h - 0.7)], 0.35, 150)
                line([(x + w - 0.7, y + 0.7), (x + 0.7, y + h - 0.7)], 0.35, 150)
            elif style == "fill":
                d.rectangle([P(x + 0.15, y + 0.15), P(x + w - 0.15, y + h - 0.15)], fill=30)
            state = {"empty": "empty", "fill": "filled"}.get(style, "marked")
            boxes["box|%s|%d" % (b["question"], b["value"])] = state
        font = ImageFont.truetype(FONT, max(8, round(6 * k)))
        for g in page["digits"]:
            written = rng.random() < 0.5
            if written:
                d.text(P(g["x"] + 1.2, g["y"] + 0.6), str(rng.randint(0, 9)), fill=20, font=font)
            boxes["digit|%s|%d" % (g["question"], g["position"])] = "written" if written else "empty"
        for a in page["text_areas"]:
            written = rng.random() < 0.6
            if written:
                x, y = a["x"] + 3, a["y"] + 7.2
                for word in range(rng.randint(2, 5)):
                    pts = [(x + t * 0.8, y - (2.5 if t % 2 else 0.3)) for t in range(rng.randint(4, 9))]
                    line(pts, 0.4, 40)
                    x = pts[-1][0] + 3
            boxes["area|%s|0" % a["question"]] = "written" if written else "empty"
        if i == 1:
            line([(15, 100), (16, 140)], 0.6, 30)  # a stray line in the margin

        kind = i % 5
        turned = False
        if kind == 1:
            img = shift(img.rotate(3, resample=Image.BICUBIC, fillcolor=255), 2 * k, -1.5 * k)
        elif kind == 2:
            small = img.resize((round(img.width * 0.94), round(img.height * 0.94)), Image.BILINEAR)
            canvas = Image.new("L", img.size, 255)
            canvas.paste(small, ((img.width - small.width) // 2, (img.height - small.height) // 2))
            img = canvas.rotate(-3, resample=Image.BICUBIC, fillcolor=255)
        elif kind == 3:
            img = img.rotate(180)
            turned = True
        elif kind == 4:
            ImageDraw.Draw(img).rectangle([P(5, 250), P(22, 292)], fill=255)  # half the bl mark
            img = img.rotate(1.5, resample=Image.BICUBIC, fillcolor=255)
        out = "%s-%d.png" % (prefix, i + 1)
        img.save(out, dpi=(round(k * 25.4), round(k * 25.4)))
        truth["pages"].append({"file": out, "status": "recognised", "qr": page["qr_text"],
                               "turned": turned, "marks": 11 if kind == 4 else 15,
                               "boxes": boxes})
    blank = Image.effect_noise(img.size, 6).point(lambda v: 255 if v > 120 else 250)
    out = "%s-%d.png" % (prefix, len(pngs) + 1)
    blank.save(out)
    truth["pages"].append({"file": out, "status": "blank page", "boxes": {}})
    json.dump(truth, open(prefix + ".json", "w"), indent=1)


def shift(img, dx, dy):
    canvas = Image.new("L", img.size, 255)
    canvas.paste(img, (round(dx), round(dy)))
    return canvas


if __name__ == "__main__":
    main()
