#!/usr/bin/python3
"""tests/scan/simulate.py - simulated scans of the example paper form, with the truth.

Usage: simulate.py [--copies N] [--seed S] [--dpi 150,300] [--profile clean|degraded|bench]
                   [--out DIR] [--jobs J] [--enkat PATH] [--questionnaire Q.yaml] [--lang sv]

Prints the paper form with the project's own binary (`enkat form --format pdf
--copies N`, and `--format layout` for where every box is), renders its pages
with pdftoppm and Ghostscript (alternating per copy, so that a reader is not
tuned to one renderer), fills them in with known answers in the styles people
use, degrades them as printers, photocopiers and scanners do, shuffles the pages
across files of the formats office scanners write, and writes DIR/truth.json:
what a perfect reader must conclude, per copy and question, and what every page
of every file is. Everything follows from --seed: the same options give the same
files and the same truth (the work is shared by --jobs processes, which changes
nothing but the time).

Profiles:
  clean     no degradation; pen crosses, ticks, slashes and pencil, corrections,
            digits and handwriting; no deliberately contradictory answers
  degraded  every style and every degradation (README.md lists them), the
            special cases spread over the copies so that a few copies show them
            all; blank duplex backs and pages of another language and edition
  bench     as degraded but cheap: each form page rendered once per renderer
            and dpi (each copy's own QR code is cut from a pdftoppm rendering of
            its page and pasted in), one affine/perspective resampling per page,
            300 dpi, multi-page TIFF (CCITT G4) and PDF files of 20-50 pages

The truth format is described in README.md next to this file.
"""
import argparse
import io
import json
import math
import multiprocessing
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time

import numpy as np
import yaml
from PIL import Image, ImageDraw, ImageFilter

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
PAGE_W, PAGE_H = 210.0, 297.0

# ---------------------------------------------------------------------------
# The questionnaire: what can be answered, and when a question is shown


def yes_no(v):
    if isinstance(v, bool):
        return 1 if v else 0
    s = str(v).lower()
    if s in ("yes", "ja", "true", "1"):
        return 1
    if s in ("no", "nej", "false", "0"):
        return 0
    return int(v)


def load_questions(path):
    """The questions in order (grid items flattened): id, type, the box values,
    na, min, max, rows, and the show_if condition as (question id, set of values)."""
    with open(path, encoding="utf-8") as f:
        doc = yaml.safe_load(f)
    scales = {s["id"]: s for s in doc.get("scales", [])}
    types = {}
    out = []

    def cond_of(node):
        c = node.get("show_if")
        if not c:
            return None
        qid = c["question"]
        vals = c["in"] if "in" in c else [c["equals"]]
        qt = types[qid]
        res = set()
        for v in vals:
            if qt["type"] == "yesno":
                res.add(yes_no(v))
            elif str(v).lower() == "na":
                res.add(qt["na"])
            else:
                res.add(int(v))
        return (qid, res)

    def scale_q(qid, scale_id, cond, required):
        sc = scales[scale_id]
        na = sc["not_applicable"]["code"] if "not_applicable" in sc else None
        pts = [p["value"] for p in sc["points"]]
        return {"id": qid, "type": "scale", "values": pts + ([na] if na is not None else []),
                "points": pts, "na": na, "show_if": cond, "required": required}

    for sec in doc["sections"]:
        for q in sec["questions"]:
            t = q["type"]
            req = bool(q.get("required", False))
            if t == "grid":
                gcond = cond_of(q)
                for it in q["items"]:
                    qq = scale_q(it["id"], q["scale"], gcond or cond_of(it),
                                 bool(it.get("required", req)))
                    out.append(qq)
                    types[qq["id"]] = qq
                continue
            if t == "scale":
                qq = scale_q(q["id"], q["scale"], cond_of(q), req)
            else:
                qq = {"id": q["id"], "type": t, "show_if": cond_of(q), "required": req}
                if t in ("single", "multiple"):
                    qq["values"] = [o["value"] for o in q["options"]]
                elif t == "yesno":
                    qq["values"] = [1, 0]
                elif t == "number":
                    qq["min"], qq["max"] = int(q.get("min", 0)), int(q["max"])
                elif t == "text":
                    qq["rows"] = int(q.get("rows", 3))
            out.append(qq)
            types[qq["id"]] = qq
    conditions = {q["show_if"][0] for q in out if q["show_if"]}
    for q in out:
        q["is_condition"] = q["id"] in conditions
    return doc, out


def shown(q, concluded):
    """Whether q is asked given the concluded values of earlier questions (None
    when empty or not certain), as enk_question_shown does."""
    if not q["show_if"]:
        return True
    qid, vals = q["show_if"]
    v = concluded.get(qid)
    if v is None:
        return False
    if isinstance(v, tuple):  # multiple choice: the set of chosen options
        return bool(set(v) & vals)
    return v in vals


# ---------------------------------------------------------------------------
# Respondents: per copy, the answers and how each box is marked

INKS = {  # grey level on a grey scan, colour on a colour scan
    "black": (28, (25, 25, 30)),
    "blue": (70, (30, 50, 150)),
    "pencil": (118, (112, 112, 118)),
}
MARKS = ["cross", "cross", "cross", "cross", "tick", "tick", "slash", "bigcross"]

# Special cases; in the degraded and bench profiles copy k is given SPECIALS[k % len]
# besides the random ones, so that a handful of copies shows every one.
SPECIALS = ["multiple", "skipped", "correction", "ambiguous", "filled-alone", "blank-page",
            "stray", "pencil", "empty-copy", "missing-page", "multiple-choice-correction"]


class Copy:
    def __init__(self, serial, questions, layout, profile, rng, forced):
        self.serial = serial
        self.rng = rng
        self.specials = set(forced)
        r = rng
        self.ink = r.choices(["black", "blue", "pencil"], [0.55, 0.35, 0.10])[0]
        if "pencil" in self.specials:
            self.ink = "pencil"
        self.mark = r.choice(MARKS)
        degr = profile != "clean"
        if degr:
            for name, p in (("multiple", 0.04), ("skipped", 0.10), ("correction", 0.10),
                            ("ambiguous", 0.02), ("stray", 0.3), ("blank-page", 0.03),
                            ("filled-alone", 0.01)):
                if r.random() < p:
                    self.specials.add(name)
        elif r.random() < 0.15:
            self.specials.add("correction")
        self.page_of = {}
        for pg in layout["pages"]:
            for b in pg["boxes"] + pg["digits"] + pg["text_areas"]:
                self.page_of[b["question"]] = pg["page"]
        npages = len(layout["pages"])
        self.missing = []
        if "missing-page" in self.specials:
            # a page whose questions no other page's skip logic depends on
            cands = [p for p in range(2, npages + 1)
                     if not any(q["is_condition"] and self.page_of[q["id"]] == p
                                for q in questions)]
            self.missing = [r.choice(cands)] if cands else []
        self.blank_page = None
        if "blank-page" in self.specials:
            self.blank_page = r.choice([p for p in range(2, npages + 1) if p not in self.missing])
        self.answers = {}  # question id -> truth entry
        self.ops = {p: [] for p in range(1, npages + 1)}  # page -> drawing operations
        self.plan(questions, layout, degr)

    # -- the answers -------------------------------------------------------
    def plan(self, questions, layout, degr):
        r = self.rng
        concluded = {}
        boxes = {}
        digits = {}
        areas = {}
        for pg in layout["pages"]:
            for b in pg["boxes"]:
                boxes.setdefault(b["question"], []).append(b)
            for d in pg["digits"]:
                digits.setdefault(d["question"], []).append(d)
            for t in pg["text_areas"]:
                areas[t["question"]] = t
        # one question of each special kind per copy that has it, from a place in the
        # questionnaire drawn at random (the first fitting question from there on)
        todo = set(self.specials) & {"multiple", "skipped", "correction", "ambiguous",
                                     "filled-alone", "multiple-choice-correction"}
        start = {name: r.randrange(len(questions)) for name in todo if name != "skipped"}
        empty_copy = "empty-copy" in self.specials
        for q in questions:
            qid, t = q["id"], q["type"]
            page = self.page_of[qid]
            ent = {"page": page, "type": t}
            self.answers[qid] = ent
            if page in self.missing:
                ent.update(state="missing", reason=None, value=None)
                if t in ("scale", "single", "multiple", "yesno"):
                    ent["boxes"] = {str(b["value"]): "empty" for b in boxes[qid]}
                concluded[qid] = None
                continue
            is_shown = shown(q, concluded)
            answering = (not empty_copy and page != self.blank_page and is_shown
                         and r.random() < (0.98 if q["required"] else 0.9))
            if t in ("scale", "single", "yesno", "multiple"):
                now = {name for name in todo if start.get(name, 0) <= questions.index(q)}
                left = set(now)
                self.plan_boxes(q, ent, boxes[qid], is_shown, answering, left, concluded, degr)
                todo -= now - left  # the ones this question used
            elif t == "number":
                if answering:
                    v = r.randint(q["min"], min(q["max"], 30) if r.random() < 0.9 else q["max"])
                    ent.update(state="review", reason="digits", value=v, digits=str(v))
                    ds = sorted(digits[qid], key=lambda d: d["position"])
                    s = str(v)
                    off = len(ds) - len(s) if r.random() < 0.7 else 0  # right- or left-aligned
                    for i, ch in enumerate(s):
                        self.ops[page].append(("digit", rect(ds[off + i]), ch, self.ink))
                else:
                    ent.update(state="empty", reason=None, value=None)
                concluded[qid] = ent["value"]
            elif t == "text":
                if answering and r.random() < 0.5:
                    a = areas[qid]
                    nlines = r.randint(1, max(1, int(a["h"] // 8)))
                    ent.update(state="certain", reason=None, value=1, lines=nlines)
                    self.ops[page].append(("writing", rect(a), nlines, self.ink))
                else:
                    ent.update(state="empty", reason=None, value=None)
        if "stray" in self.specials or (degr and r.random() < 0.2):
            for p in self.ops:
                if p not in self.missing and r.random() < 0.5:
                    for _ in range(r.randint(1, 3)):
                        self.ops[p].append(("stray", None, r.random(), self.ink))

    def choose(self, q):
        r = self.rng
        if q["type"] == "scale":
            if q["na"] is not None and r.random() < 0.06:
                return q["na"]
            return r.choices(q["points"], [1, 2, 3, 5, 4][:len(q["points"])] +
                             [3] * max(0, len(q["points"]) - 5))[0]
        return r.choice(q["values"])

    def plan_boxes(self, q, ent, qboxes, is_shown, answering, todo, concluded, degr):
        r = self.rng
        qid = q["id"]
        page = ent["page"]
        vals = [b["value"] for b in qboxes]
        state = {v: "empty" for v in vals}
        styles = {}
        by_value = {b["value"]: b for b in qboxes}

        def mark(v, style=None):
            state[v] = "marked"
            styles[v] = style or self.box_style()

        def fill(v):
            state[v] = "filled"
            styles[v] = "filled"

        can_contradict = degr and not q["is_condition"]
        if answering and q["is_condition"] and q["type"] == "yesno" and "skipped" in todo:
            # answer "no", so that the questions that follow are skipped (and one answered)
            mark(0)
            ent.update(state="certain", reason=None, value=0)
            concluded[qid] = 0
            ent["boxes"] = {str(v): state[v] for v in vals}
            ent["styles"] = {"0": styles[0]}
            self.ops[page].append((styles[0], rect(by_value[0]), None, self.ink))
            return
        if not is_shown and "skipped" in todo and can_contradict and \
                self.blank_page != page and "empty-copy" not in self.specials:
            # the respondent answers a question the skip logic skips
            todo.discard("skipped")
            mark(self.choose(q))
            ent.update(state="review", reason="skipped", value=None)
        elif not answering:
            if "filled-alone" in todo and can_contradict and is_shown and \
                    q["type"] != "multiple":
                # a box blackened and no cross: "not this one", or the respondent's way
                # of marking? Only a person can tell.
                todo.discard("filled-alone")
                fill(r.choice(vals))
                ent.update(state="review", reason="uncertain", value=None, why="filled-alone")
            else:
                ent.update(state="empty", reason=None, value=None)
        elif q["type"] == "multiple":
            n = r.choices([1, 2, 3], [0.5, 0.35, 0.15])[0]
            opts = [v for v in vals if v != vals[-1]]  # the last: "none of these"
            chosen = sorted(r.sample(opts, min(n, len(opts)))) if r.random() < 0.9 \
                else [vals[-1]]
            for v in chosen:
                mark(v)
            if ("multiple-choice-correction" in todo or
                    ("correction" in todo and r.random() < 0.5)) and len(chosen) < len(vals):
                todo.discard("multiple-choice-correction")
                todo.discard("correction")
                fill(r.choice([v for v in vals if v not in chosen]))
            ent.update(state="certain", reason=None, value=sum(1 << (v - 1) for v in chosen))
            concluded[qid] = tuple(chosen)
        else:
            v = self.choose(q)
            if "multiple" in todo and can_contradict:
                todo.discard("multiple")
                w = r.choice([x for x in vals if x != v])
                mark(v)
                mark(w)
                ent.update(state="review", reason="multiple", value=None)
            elif "ambiguous" in todo and can_contradict:
                # a short faint stroke in one box: neither a mark nor nothing
                todo.discard("ambiguous")
                state[v] = "ambiguous"
                styles[v] = "ambiguous"
                ent.update(state="review", reason="uncertain", value=None, why="ambiguous")
            else:
                mark(v)
                if "correction" in todo or (r.random() < 0.01 and degr):
                    todo.discard("correction")
                    fill(r.choice([x for x in vals if x != v]))
                ent.update(state="certain", reason=None, value=v)
                concluded[qid] = v
        ent["boxes"] = {str(v): state[v] for v in vals}
        if styles:
            ent["styles"] = {str(v): s for v, s in styles.items()}
        for v, s in styles.items():
            self.ops[page].append((s, rect(by_value[v]), None, self.ink))

    def box_style(self):
        r = self.rng
        if r.random() < 0.8:
            return self.mark
        return r.choice(MARKS)


def rect(d):
    return (d["x"], d["y"], d["x"] + d["w"], d["y"] + d["h"])


# ---------------------------------------------------------------------------
# Drawing by hand (in page millimetres, on an image of the page at k px/mm)


class Pen:
    def __init__(self, img, k, ink, rng, colour):
        self.d = ImageDraw.Draw(img)
        self.k = k
        self.rng = rng
        grey, rgb = INKS[ink]
        self.grey = grey
        self.fill = rgb if colour else grey
        self.width_mm = 0.42 if ink == "pencil" else rng.uniform(0.38, 0.6)

    def stroke(self, pts, width_mm=None, fill=None, wobble=0.12):
        """A hand-drawn polyline through pts (mm): each segment bowed a little and
        every point jittered."""
        r, k = self.rng, self.k
        out = []
        for i in range(len(pts) - 1):
            (x0, y0), (x1, y1) = pts[i], pts[i + 1]
            n = max(2, int(math.hypot(x1 - x0, y1 - y0) / 0.6))
            bow = r.gauss(0, wobble)
            nx, ny = -(y1 - y0), (x1 - x0)
            ln = math.hypot(nx, ny) or 1
            for j in range(n + (i == len(pts) - 2)):
                t = j / n
                b = bow * math.sin(math.pi * t)
                out.append(((x0 + (x1 - x0) * t + nx / ln * b + r.gauss(0, 0.03)) * k,
                            (y0 + (y1 - y0) * t + ny / ln * b + r.gauss(0, 0.03)) * k))
        w = max(1, int(round((width_mm or self.width_mm) * k)))
        self.d.line(out, fill=self.fill if fill is None else fill, width=w, joint="curve")


def draw_box_mark(pen, style, r, rng):
    x0, y0, x1, y1 = r
    cx, cy = (x0 + x1) / 2 + rng.gauss(0, 0.25), (y0 + y1) / 2 + rng.gauss(0, 0.25)
    h = (x1 - x0) / 2
    if style in ("cross", "bigcross"):
        f = rng.uniform(0.65, 0.95) if style == "cross" else rng.uniform(1.05, 1.3)
        a = math.radians(rng.uniform(-12, 12))
        for ang in (a + math.pi / 4, a + 3 * math.pi / 4):
            dx, dy = math.cos(ang) * h * f * 1.3, math.sin(ang) * h * f * 1.3
            pen.stroke([(cx - dx + rng.gauss(0, 0.15), cy - dy + rng.gauss(0, 0.15)),
                        (cx + dx + rng.gauss(0, 0.15), cy + dy + rng.gauss(0, 0.15))])
    elif style == "tick":
        f = rng.uniform(0.8, 1.1)
        pen.stroke([(cx - 0.75 * h * f, cy), (cx - 0.2 * h * f, cy + 0.7 * h * f),
                    (cx + 0.9 * h * f, cy - 1.05 * h * f)])
    elif style == "slash":
        f = rng.uniform(0.7, 1.0)
        pen.stroke([(cx - h * f * 0.8, cy + h * f), (cx + h * f * 0.8, cy - h * f)])
    elif style == "filled":
        # back-and-forth strokes that blacken the whole inside, a little over the edge
        step = pen.width_mm * 0.7
        y = y0 + 0.05
        pts = []
        while y < y1:
            pts += [(x0 - rng.uniform(0, 0.3), y), (x1 + rng.uniform(0, 0.3), y + step / 2)]
            y += step
        pen.stroke(pts, width_mm=max(pen.width_mm, 0.55), wobble=0.05)
        pen.d.rectangle([(x0 + 0.3) * pen.k, (y0 + 0.3) * pen.k, (x1 - 0.3) * pen.k,
                         (y1 - 0.3) * pen.k], fill=pen.fill)
    elif style == "ambiguous":
        # a short hesitant stroke, about a third of the box, in half-strength ink
        ln = rng.uniform(1.1, 1.5)
        a = rng.uniform(0, math.pi)
        faint = 150 if isinstance(pen.fill, int) else (150, 150, 160)
        pen.stroke([(cx - math.cos(a) * ln / 2, cy - math.sin(a) * ln / 2),
                    (cx + math.cos(a) * ln / 2, cy + math.sin(a) * ln / 2)],
                   width_mm=0.35, fill=faint)


DIGITS = {  # one-stroke digits in a unit box, y downwards
    "0": [(0.5, 0.05), (0.2, 0.2), (0.12, 0.5), (0.2, 0.82), (0.5, 0.95), (0.8, 0.82),
          (0.88, 0.5), (0.8, 0.18), (0.5, 0.05)],
    "1": [(0.3, 0.25), (0.58, 0.05), (0.55, 0.95)],
    "2": [(0.15, 0.25), (0.3, 0.07), (0.6, 0.05), (0.82, 0.2), (0.75, 0.45), (0.15, 0.95),
          (0.88, 0.95)],
    "3": [(0.15, 0.15), (0.5, 0.05), (0.8, 0.2), (0.75, 0.4), (0.45, 0.5), (0.8, 0.6),
          (0.85, 0.8), (0.5, 0.95), (0.15, 0.85)],
    "4": [(0.62, 0.95), (0.62, 0.05), (0.1, 0.65), (0.9, 0.65)],
    "5": [(0.8, 0.05), (0.25, 0.05), (0.2, 0.45), (0.55, 0.4), (0.8, 0.55), (0.8, 0.8),
          (0.5, 0.95), (0.15, 0.88)],
    "6": [(0.75, 0.08), (0.4, 0.15), (0.2, 0.5), (0.25, 0.85), (0.5, 0.95), (0.78, 0.8),
          (0.75, 0.6), (0.5, 0.5), (0.22, 0.62)],
    "7": [(0.15, 0.05), (0.85, 0.05), (0.4, 0.95)],
    "8": [(0.5, 0.5), (0.22, 0.3), (0.5, 0.05), (0.78, 0.3), (0.5, 0.5), (0.18, 0.75),
          (0.5, 0.95), (0.82, 0.75), (0.5, 0.5)],
    "9": [(0.78, 0.4), (0.5, 0.5), (0.22, 0.35), (0.35, 0.08), (0.7, 0.1), (0.78, 0.4),
          (0.7, 0.95)],
}


def draw_digit(pen, r, ch, rng):
    x0, y0, x1, y1 = r
    w, h = (x1 - x0) - 2.0, (y1 - y0) - 2.2
    ox, oy = x0 + 1.0 + rng.gauss(0, 0.2), y0 + 1.1 + rng.gauss(0, 0.2)
    slant = rng.uniform(0, 0.25)
    pts = [(ox + (u + slant * (1 - v)) * w * 0.85, oy + v * h) for u, v in DIGITS[ch]]
    pen.stroke(pts, wobble=0.15)


def draw_writing(pen, r, nlines, rng):
    """Cursive-like words on the first nlines lines of a text area (lines 8 mm apart)."""
    x0, y0, x1, y1 = r
    for ln in range(nlines):
        base = y0 + 8 * (ln + 1) - 1.2
        x = x0 + rng.uniform(1, 4)
        end = x1 - rng.uniform(2, 40) if ln < nlines - 1 else x0 + rng.uniform(30, x1 - x0 - 5)
        while x < end:
            wl = rng.uniform(4, 20)
            pts = []
            t = 0.0
            while t < wl:
                hgt = rng.choice([1.6, 1.8, 2.0, 2.2, 4.0]) if rng.random() < 0.9 else 4.5
                pts.append((x + t, base - hgt * (0.5 + 0.5 * math.sin(t * 3.1))))
                pts.append((x + t + 0.35, base - rng.uniform(0, 0.3)))
                t += rng.uniform(0.6, 1.0)
            pen.stroke(pts, wobble=0.05)
            x += wl + rng.uniform(2, 4)


def draw_stray(pen, layout_page, u, rng):
    """A mark outside every box: an underline, a note, a dot, a tick beside a text.
    It keeps 3 mm from every box, digit box and text area, 6 mm from the marks and
    the QR code."""
    keep = [rect(b) for b in layout_page["boxes"] + layout_page["digits"] +
            layout_page["text_areas"]]
    far = [rect(layout_page["qr"])] + [(m["x"] - 22, m["y"] - 22, m["x"] + 22, m["y"] + 22)
                                       for m in layout_page["marks"]]
    for _ in range(200):
        kind = rng.choice(["underline", "note", "dot", "tick", "scribble"])
        w = {"underline": rng.uniform(15, 45), "note": rng.uniform(12, 30), "dot": 0.6,
             "tick": 4.0, "scribble": 6.0}[kind]
        hgt = {"underline": 1.0, "note": 4.0, "dot": 0.6, "tick": 4.0, "scribble": 5.0}[kind]
        x, y = rng.uniform(14, PAGE_W - 14 - w), rng.uniform(25, 262 - hgt)
        bb = (x, y, x + w, y + hgt)
        if any(overlap(bb, k, 3.0) for k in keep) or any(overlap(bb, f, 6.0) for f in far):
            continue
        if kind == "underline":
            pen.stroke([(x, y + 0.5), (x + w, y + 0.5 + rng.gauss(0, 0.4))], wobble=0.3)
        elif kind == "note":
            draw_writing(pen, (x, y - 4.8, x + w, y + 3.2), 1, rng)
        elif kind == "dot":
            pen.stroke([(x, y), (x + 0.3, y + 0.3)], width_mm=0.7)
        elif kind == "tick":
            draw_box_mark(pen, "tick", bb, rng)
        else:
            pts = [(x + rng.uniform(0, w), y + rng.uniform(0, hgt)) for _ in range(6)]
            pen.stroke(pts, wobble=0.4)
        return
    # no free place found: leave the page as it is


def overlap(a, b, clear):
    return not (a[2] + clear <= b[0] or b[2] + clear <= a[0] or
                a[3] + clear <= b[1] or b[3] + clear <= a[1])


# ---------------------------------------------------------------------------
# Degradation: geometry as a homography from page millimetres to output pixels


def homography(src, dst):
    """The 3x3 matrix that maps the four points src onto dst."""
    a, b = [], []
    for (x, y), (u, v) in zip(src, dst):
        a.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        b.append(u)
        a.append([0, 0, 0, x, y, 1, -v * x, -v * y])
        b.append(v)
    h = np.linalg.solve(np.array(a, float), np.array(b, float))
    return np.append(h, 1.0).reshape(3, 3)


def apply_h(h, x, y):
    u, v, w = h @ np.array([x, y, 1.0])
    return u / w, v / w


def page_geometry(rng, k, degrade, upside_down):
    """The mm -> output px homography of one page, and what was done."""
    W, H = PAGE_W * k, PAGE_H * k
    info = {}
    if degrade:
        s = rng.uniform(0.94, 1.0)
        sx, sy = s * rng.uniform(0.997, 1.003), s * rng.uniform(0.997, 1.003)
        rot = rng.uniform(-3.0, 3.0)
        dx, dy = rng.uniform(-4, 4), rng.uniform(-4, 4)
        persp = rng.uniform(0, 1.5)
        info.update(scale_x=round(sx, 4), scale_y=round(sy, 4), rotation_deg=round(rot, 3),
                    shift_mm=[round(dx, 2), round(dy, 2)], perspective_mm=round(persp, 2))
    else:
        sx = sy = 1.0
        rot = dx = dy = persp = 0.0
    c, sn = math.cos(math.radians(rot)), math.sin(math.radians(rot))
    corners = [(0, 0), (PAGE_W, 0), (PAGE_W, PAGE_H), (0, PAGE_H)]
    dst = []
    for (x, y) in corners:
        x1, y1 = (x - PAGE_W / 2) * sx, (y - PAGE_H / 2) * sy
        x2, y2 = c * x1 - sn * y1 + PAGE_W / 2 + dx, sn * x1 + c * y1 + PAGE_H / 2 + dy
        x2 += rng.uniform(-persp, persp)
        y2 += rng.uniform(-persp, persp)
        if upside_down:
            x2, y2 = PAGE_W - x2, PAGE_H - y2
        dst.append((x2 * k, y2 * k))
    info["upside_down"] = upside_down
    return homography(corners, dst), (int(round(W)), int(round(H))), info


_NOISE = {}


def noise_field(shape, seed):
    """A seeded field of Gaussian noise (sigma 1), made once per process and shape
    and then cut at a random offset: noise for every page without the cost."""
    key = (shape, seed)
    if key not in _NOISE:
        g = np.random.default_rng(seed)
        _NOISE.clear()
        _NOISE[key] = g.standard_normal((shape[0] + 64, shape[1] + 64)).astype(np.float32)
    return _NOISE[key]


def degrade(img, k, rng, profile, mode, plan):
    """Resample the filled page img (rendered at k px/mm, page mm -> px = k*mm) into
    the scan: geometry, blur, noise, contrast loss, threshold. Returns the image in
    its file mode and the truth's description of what was done."""
    upside = plan.get("upside_down", False)
    h_mm, size, info = page_geometry(rng, k, profile != "clean", upside)
    # output px <- render px: inverse of (h_mm . diag(1/k))
    h_px = h_mm @ np.diag([1 / k, 1 / k, 1.0])
    inv = np.linalg.inv(h_px)
    inv /= inv[2, 2]
    identity = np.allclose(h_px, np.eye(3), atol=1e-9)
    if not identity:
        resample = Image.BILINEAR  # bicubic costs twice the time and looks the same
        fill = (255, 255, 255) if img.mode == "RGB" else 255
        img = img.transform(size, Image.PERSPECTIVE, tuple(inv.flatten()[:8]), resample,
                            fillcolor=fill)
    elif img.size != size:  # a renderer's page a pixel larger or smaller
        canvas = Image.new(img.mode, size, (255, 255, 255) if img.mode == "RGB" else 255)
        canvas.paste(img, (0, 0))
        img = canvas
    if profile != "clean":
        # in px at 300 dpi; at 150 dpi a QR module is only 2.3 px and a blur of more
        # than 0.4 px with noise and a threshold merges them (check_simulate.py found it)
        blur = min(rng.choice([0, 0, 0.5, 0.8, 1.1]) * k / 11.8, 0.4 if k < 8 else 1.1)
        if profile == "bench":
            blur = 0
        if blur > 0.15:
            img = img.filter(ImageFilter.GaussianBlur(blur))
            info["blur_px"] = round(blur, 2)
        copier = plan.get("photocopy", False)
        # a scanner's noise is slight (and bloats every JPEG); a photocopy's is more
        sigma = rng.uniform(1, 3) if profile == "bench" else rng.uniform(1.5, 6 if k > 8 else 4)
        a = np.asarray(img, dtype=np.float32)
        if copier:  # contrast loss: black goes grey, white goes grey
            lo, hi = rng.uniform(45, 80), rng.uniform(200, 232)
            a = lo + a * (hi - lo) / 255.0
            info["photocopy"] = {"black": round(lo), "white": round(hi)}
        nf = noise_field((size[1], size[0]), 7)
        oy, ox = rng.randrange(64), rng.randrange(64)
        n = nf[oy:oy + size[1], ox:ox + size[0]] * sigma
        if a.ndim == 3:
            n = n[:, :, None]
        a = np.clip(a + n, 0, 255).astype(np.uint8)
        img = Image.fromarray(a)
        info["noise_sigma"] = round(sigma, 1)
    if mode == "bw":
        lo, hi = 0.0, 255.0
        if "photocopy" in info:
            lo, hi = info["photocopy"]["black"], info["photocopy"]["white"]
        # between the lightest pencil (grey 140 at most after blur) and paper
        thr = lo + (hi - lo) * rng.uniform(0.66, 0.74)
        if img.mode != "L":
            img = img.convert("L")
        img = img.point(lambda v, t=thr: 255 if v > t else 0).convert("1", dither=Image.NONE)
        info["threshold"] = round(thr)
    elif mode == "gray" and img.mode != "L":
        img = img.convert("L")
    elif mode == "rgb" and img.mode != "RGB":
        img = img.convert("RGB")
    return img, h_mm, info


# ---------------------------------------------------------------------------
# Rendering


def render(pdf, page, dpi, renderer, tmp):
    """Page `page` (1-based) of pdf at dpi, greyscale, as a PIL image."""
    base = os.path.join(tmp, f"r{os.getpid()}")
    if renderer == "pdftoppm":
        subprocess.run(["pdftoppm", "-gray", "-r", str(dpi), "-f", str(page), "-l", str(page),
                        "-singlefile", pdf, base], check=True)
        path = base + ".pgm"
    else:
        path = base + ".pgm"
        subprocess.run(["gs", "-q", "-dNOPAUSE", "-dBATCH", "-dSAFER", "-sDEVICE=pgmraw",
                        f"-r{dpi}", "-dTextAlphaBits=4", "-dGraphicsAlphaBits=4",
                        f"-dFirstPage={page}", f"-dLastPage={page}", f"-sOutputFile={path}",
                        pdf], check=True)
    img = Image.open(path)
    img.load()
    os.unlink(path)
    return img


_TEMPLATES = {}


def bench_page(job, page_item, dpi, tmp):
    """A form page for the bench profile: copy 1's rendering of the page (cached per
    process) with this copy's QR code pasted in from the pdftoppm crop."""
    key = (page_item["form_page"], page_item["renderer"], dpi)
    if key not in _TEMPLATES:
        _TEMPLATES[key] = render(job["form_pdf"], page_item["form_page"], dpi,
                                 page_item["renderer"], tmp)
    img = _TEMPLATES[key].copy()
    k = dpi / 25.4
    qr = Image.open(job["qr_files"][dpi][page_item["pdf_page"]])
    img.paste(qr, (int(QR_CROP[0] * k), int(QR_CROP[1] * k)))
    return img


QR_CROP = (174.0, 264.0, 192.0, 282.0)  # mm: the QR code and most of its quiet zone


def make_page(job, fjob, page_item, tmp):
    """One page of a file: rendered, filled in, degraded. Returns (image, truth)."""
    dpi, mode = fjob["dpi"], fjob["mode"]
    k = dpi / 25.4
    rng = random.Random(page_item["seed"])
    kind = page_item["kind"]
    if kind == "blank-sheet":
        img = Image.new("L", (int(round(PAGE_W * k)), int(round(PAGE_H * k))), 255)
        if rng.random() < 0.5:  # show-through of the other side, faintly
            d = ImageDraw.Draw(img)
            for _ in range(30):
                x, y = rng.uniform(20, 190) * k, rng.uniform(20, 270) * k
                d.rectangle([x, y, x + rng.uniform(20, 80) * k, y + 1.5 * k], fill=238)
    elif job["profile"] == "bench" and kind == "form":
        img = bench_page(job, page_item, dpi, tmp)
    else:
        img = render(page_item["pdf"], page_item["pdf_page"], dpi, page_item["renderer"], tmp)
    colour = mode == "rgb"
    if colour:
        img = img.convert("RGB")
    ops = page_item.get("ops", [])
    if ops:
        lay = job["layout"]["pages"][page_item["form_page"] - 1]
        pen = Pen(img, k, page_item["ink"], rng, colour)
        for op, r, arg, ink in ops:
            if op == "digit":
                draw_digit(pen, r, arg, rng)
            elif op == "writing":
                draw_writing(pen, r, arg, rng)
            elif op == "stray":
                draw_stray(pen, lay, rng, rng)
            else:
                draw_box_mark(pen, op, r, rng)
    if page_item.get("obscure"):
        obscure_corner(img, k, page_item["obscure"], rng)
    out, h_mm, info = degrade(img, k, rng, job["profile"], mode, page_item)
    if page_item.get("obscure"):
        info["obscured_corner"] = page_item["obscure"]
    truth = {key: page_item[key] for key in
             ("kind", "expect_status", "serial", "form_page", "qr", "renderer")
             if page_item.get(key) is not None}
    truth["upside_down"] = page_item.get("upside_down", False)
    truth["filled"] = bool(ops)
    truth["degrade"] = info
    truth["mm_to_px"] = [[round(float(v), 6) for v in row] for row in h_mm]
    return out, truth


def obscure_corner(img, k, how, rng):
    """A corner mark lost: white over the whole L (a photocopy that cut it off) or a
    dark triangle (a folded corner over the scanner's black lid)."""
    corner, style = how
    d = ImageDraw.Draw(img)
    white = (255, 255, 255) if img.mode == "RGB" else 255
    dark = (40, 40, 40) if img.mode == "RGB" else 40
    x0 = 0 if corner[1] == "l" else PAGE_W
    y0 = 0 if corner[0] == "t" else PAGE_H
    sx = 1 if corner[1] == "l" else -1
    sy = 1 if corner[0] == "t" else -1
    if style == "white":
        ext = rng.uniform(33, 36)
        pts = [(x0, y0), (x0 + sx * ext, y0), (x0 + sx * ext, y0 + sy * ext), (x0, y0 + sy * ext)]
        d.polygon([(x * k, y * k) for x, y in pts], fill=white)
    else:
        leg = rng.uniform(26, 32)
        pts = [(x0, y0), (x0 + sx * leg, y0), (x0, y0 + sy * leg)]
        d.polygon([(x * k, y * k) for x, y in pts], fill=dark)


def make_file(args):
    """Worker: writes one output file and returns its truth entry."""
    job, fjob = args
    tmp = tempfile.mkdtemp(prefix="sim", dir=job["tmp"])
    try:
        imgs, pages = [], []
        for n, item in enumerate(fjob["items"], 1):
            img, t = make_page(job, fjob, item, tmp)
            t = {"page": n, **t}
            imgs.append(img)
            pages.append(t)
        path = os.path.join(job["out"], fjob["file"])
        dpi = fjob["dpi"]
        fmt = fjob["format"]
        if fmt == "pdf":
            imgs[0].save(path, "PDF", save_all=True, append_images=imgs[1:], resolution=dpi,
                         quality=fjob.get("quality", 75), creationDate=time.gmtime(0),
                         modDate=time.gmtime(0), producer="enkat tests/scan/simulate.py")
        elif fmt == "tiff":
            comp = "group4" if fjob["mode"] == "bw" else "tiff_lzw"
            imgs[0].save(path, "TIFF", save_all=True, append_images=imgs[1:],
                         compression=comp, dpi=(dpi, dpi))
        elif fmt == "png":
            imgs[0].save(path, "PNG", dpi=(dpi, dpi))
        else:
            imgs[0].save(path, "JPEG", quality=fjob.get("quality", 75), dpi=(dpi, dpi))
        entry = {key: fjob[key] for key in ("file", "format", "mode", "dpi") if key in fjob}
        if fmt in ("jpeg",) or (fmt == "pdf" and fjob["mode"] != "bw"):
            entry["jpeg_quality"] = fjob.get("quality", 75)
        if fmt == "tiff":
            entry["compression"] = "group4" if fjob["mode"] == "bw" else "lzw"
        entry["pages"] = pages
        return entry
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


# ---------------------------------------------------------------------------
# The plan: copies, pages, files


def run(cmd):
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"simulate.py: {' '.join(cmd)} failed ({p.returncode}): {p.stderr.strip()}")
    return p


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--copies", type=int, default=None,
                    help="copies of the form (default 12; bench 400 = 2000 pages)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--dpi", default=None, help="comma-separated (default 150,300; bench 300)")
    ap.add_argument("--profile", choices=["clean", "degraded", "bench"], default="degraded")
    ap.add_argument("--out", default="scan-sim")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--enkat", default=os.path.join(ROOT, "build", "cli", "enkat"))
    ap.add_argument("--questionnaire", default=os.path.join(ROOT, "examples", "familjehem.yaml"))
    ap.add_argument("--other-edition", default=os.path.join(ROOT, "examples",
                                                            "familjehem-2014.yaml"))
    ap.add_argument("--lang", default="sv")
    ap.add_argument("--complete", action="store_true",
                    help="no copy with a page missing, so that the set can be stored "
                         "(bench/bench_scan.sh times the store writes too)")
    a = ap.parse_args(argv)
    t0 = time.time()
    profile = a.profile
    copies = a.copies or (400 if profile == "bench" else 12)
    dpis = [int(x) for x in (a.dpi or ("300" if profile == "bench" else "150,300")).split(",")]
    out = os.path.abspath(a.out)
    os.makedirs(out, exist_ok=True)
    for f in os.listdir(out):
        if f.startswith("scan-"):
            os.unlink(os.path.join(out, f))
    work = os.path.join(out, "work")
    os.makedirs(work, exist_ok=True)
    form_pdf = os.path.join(work, "form.pdf")
    layout_path = os.path.join(work, "layout.json")
    run([a.enkat, "form", "--format", "pdf", "--lang", a.lang, "--copies", str(copies),
         "-o", form_pdf, a.questionnaire])
    run([a.enkat, "form", "--format", "layout", "--lang", a.lang, "-o", layout_path,
         a.questionnaire])
    with open(layout_path, encoding="utf-8") as f:
        layout = json.load(f)
    _, questions = load_questions(a.questionnaire)
    npages = len(layout["pages"])
    rng = random.Random(a.seed)
    degr = profile != "clean"

    # the copies and their answers
    copy_objs = []
    for i in range(copies):
        serial = f"{i + 1:05d}"
        specials = [x for x in SPECIALS if not (a.complete and x == "missing-page")]
        forced = [specials[i % len(specials)]] if degr and i < 3 * len(specials) else \
            ["correction"] if i == 0 else []
        copy_objs.append(Copy(serial, questions, layout, profile,
                              random.Random(f"{a.seed}:copy:{serial}"), forced))

    # the pages, each with what it gets
    items = []
    page_specials = ["upside_down", "obscure", "photocopy"]
    n_form = 0
    for ci, c in enumerate(copy_objs):
        renderer = "pdftoppm" if ci % 2 == 0 else "gs"
        for p in range(1, npages + 1):
            if p in c.missing:
                continue
            pr = random.Random(f"{a.seed}:page:{c.serial}:{p}")
            it = {"kind": "form", "expect_status": "ok", "serial": c.serial, "form_page": p,
                  "qr": f"{layout['pages'][p - 1]['qr_text']}:{c.serial}",
                  "renderer": renderer, "pdf": form_pdf, "pdf_page": ci * npages + p,
                  "ops": c.ops[p], "ink": c.ink, "seed": f"{a.seed}:draw:{c.serial}:{p}"}
            if degr:
                forced = page_specials[n_form % len(page_specials)] if n_form < 9 else None
                if forced == "upside_down" or pr.random() < 0.03:
                    it["upside_down"] = True
                if forced == "obscure" or pr.random() < 0.03:
                    it["obscure"] = (pr.choice(["tl", "tr", "bl"]),
                                     pr.choice(["white", "white", "dark"]))
                if forced == "photocopy" or pr.random() < 0.08:
                    it["photocopy"] = True
            n_form += 1
            items.append(it)
    extras = []
    if degr and profile != "bench" and copies >= 3:
        # a duplex scan's empty backs, and a page of another edition. (A page
        # of the questionnaire's other language is no stray: the wave may have
        # copies printed in each of its languages, numbered apart.)
        other = [("other-edition", a.other_edition, a.lang, "other-edition")]
        for name, yml, lang, status in other:
            pdf = os.path.join(work, f"{name}.pdf")
            run([a.enkat, "form", "--format", "pdf", "--lang", lang, "--copies", "1",
                 "-o", pdf, yml])
            extras.append({"kind": name, "expect_status": status, "renderer": "pdftoppm",
                           "pdf": pdf, "pdf_page": 2, "form_page": 2,
                           "seed": f"{a.seed}:{name}"})
        for j in range(2):
            # a duplex scan's empty back: blank (a note), its specks of noise and
            # faint show-through are not ink
            extras.append({"kind": "blank-sheet", "expect_status": "blank",
                           "seed": f"{a.seed}:blank:{j}"})
    rng.shuffle(items)
    for e in extras:
        items.insert(rng.randrange(len(items) + 1), e)

    # the files
    files = []
    i = 0
    nfile = 0
    while i < len(items):
        nfile += 1
        if profile == "bench":
            fmt = ["tiff", "pdf"][nfile % 2]
            size = rng.randint(20, 50)
            mode = "bw" if fmt == "tiff" else rng.choice(["gray", "gray", "bw"])
        else:
            fmt = rng.choices(["pdf", "tiff", "png", "jpeg"], [0.35, 0.3, 0.2, 0.15])[0]
            size = rng.randint(2, 12) if fmt in ("pdf", "tiff") else 1
            if profile == "clean":
                mode = "gray" if fmt != "tiff" else rng.choice(["gray", "bw"])
            else:
                mode = {"pdf": ["gray", "rgb", "bw"], "tiff": ["bw", "bw", "gray"],
                        "png": ["gray", "bw", "rgb"], "jpeg": ["gray", "rgb"]}[fmt]
                mode = rng.choice(mode)
        dpi = dpis[nfile % len(dpis)]
        ext = {"pdf": "pdf", "tiff": "tif", "png": "png", "jpeg": "jpg"}[fmt]
        fj = {"file": f"scan-{nfile:04d}.{ext}", "format": fmt, "mode": mode, "dpi": dpi,
              "items": items[i:i + size]}
        if fmt == "jpeg" or (fmt == "pdf" and mode != "bw"):
            fj["quality"] = rng.choice([45, 60, 75, 90]) if degr else 90
        files.append(fj)
        i += size

    job = {"profile": profile, "layout": layout, "out": out, "tmp": work, "form_pdf": form_pdf}
    if profile == "bench":
        # every page's QR code, cut from one pdftoppm run per dpi
        for dpi in set(f["dpi"] for f in files):
            k = dpi / 25.4
            qd = os.path.join(work, f"qr{dpi}")
            os.makedirs(qd, exist_ok=True)
            x0, y0 = int(QR_CROP[0] * k), int(QR_CROP[1] * k)
            run(["pdftoppm", "-gray", "-r", str(dpi), "-x", str(x0), "-y", str(y0),
                 "-W", str(int((QR_CROP[2] - QR_CROP[0]) * k)),
                 "-H", str(int((QR_CROP[3] - QR_CROP[1]) * k)), form_pdf,
                 os.path.join(qd, "qr")])
            # pdftoppm numbers its files qr-1.pgm or qr-0001.pgm, as the page count needs
            job.setdefault("qr_files", {})[dpi] = {
                int(f[3:-4]): os.path.join(qd, f) for f in os.listdir(qd) if f.endswith(".pgm")}
    t_plan = time.time()
    if a.jobs > 1:
        with multiprocessing.Pool(a.jobs) as pool:
            entries = pool.map(make_file, [(job, f) for f in files], chunksize=1)
    else:
        entries = [make_file((job, f)) for f in files]

    truth = {
        "format": "enkat-scan-truth", "version": 1,
        "generator": {"profile": profile, "seed": a.seed, "copies": copies, "dpi": dpis,
                      "questionnaire": os.path.relpath(a.questionnaire, ROOT)},
        "survey": layout["survey"], "edition": layout["edition"], "lang": layout["lang"],
        "pages_per_copy": npages,
        "layout": os.path.relpath(layout_path, out), "form_pdf": os.path.relpath(form_pdf, out),
        "files": entries,
        "copies": {},
    }
    for c in copy_objs:
        truth["copies"][c.serial] = {
            "status": "missing-pages" if c.missing else "complete", "missing": c.missing,
            "ink": c.ink, "mark": c.mark, "specials": sorted(c.specials),
            "answers": c.answers}
    with open(os.path.join(out, "truth.json"), "w", encoding="utf-8") as f:
        json.dump(truth, f, indent=1, sort_keys=False)
        f.write("\n")
    npg = sum(len(e["pages"]) for e in entries)
    nbox = sum(len(ans.get("boxes", {})) for c in copy_objs for ans in c.answers.values()
               if ans["state"] != "missing")
    dt = time.time() - t0
    print(f"simulate.py: {npg} pages in {len(entries)} files, {copies} copies, {nbox} boxes, "
          f"profile {profile}, in {dt:.1f} s (plan and QR {t_plan - t0:.1f} s, "
          f"{npg / max(dt, 1e-9):.1f} pages/s, {a.jobs} jobs) -> {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
