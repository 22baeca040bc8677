#!/usr/bin/env python3
"""tests/paper/check_paper.py - tests of the paper form (`enkat form --format pdf|layout`).

Usage: check_paper.py TEST ENKAT        TEST: text golden qr pixels geometry long errors skips wave

  text      pdftotext of the example's PDF (sv and en) shows every text of the
            questionnaire (read from the YAML with PyYAML), "Sida k av N" on page
            k and the fill-in instruction; every font is embedded; each
            question's text is on the page of its boxes, each section's title on
            the page of its first question; each box stands by its own label (an
            option's first word right of it, a scale point's label in the column
            above it); no word lies in the 10 mm margin, within 1 mm of a box,
            digit, text area or QR code or 3 mm of a mark, or on another word
  golden    the sv layout JSON equals tests/paper/golden/familjehem-sv.layout.json
            byte for byte and is the same on a second run; the PDF has as many
            pages as the layout (ENKAT_UPDATE=1 rewrites the golden file: review
            the diff and the rendered pages before committing it)
  qr        every page's QR code decodes (zbarimg on a pdftoppm rendering at 200
            dpi, one page at a time) to its page id, also with --copies 3 (serials)
  pixels    every box, digit box, text area, corner mark and QR code of the
            layout is drawn where the layout says (pdftoppm -r 150 -gray; the QR
            code cut out of a 200 dpi rendering must decode); and the
            check fails when the layout is moved by 2 mm (negative control)
  geometry  the layout (sv and en) follows the scanning rules (tests/paper/rules.py)
            and has every question's boxes, counted from the YAML
  long      tests/paper/long.yaml (very long texts, many options, a 12-item grid)
            passes `enkat check`, and its form passes text, geometry and pixels
  skips     the example (sv and en): every answer of a yes/no or choice question
            that skips the question after it has "→ gå till fråga N" right of
            its box, N the first question it does not skip (worked out from the
            YAML's show_if), and no other box has an arrow; point labels are as
            large as the 8 pt footer; in a run of scale questions printed
            without their labels, every other row is shaded, the first one
            shaded; each instruction said once ("Flera svar möjliga" and no
            help saying the same); the example words "don't know" one way
  errors    bad questionnaire: exit 1 and its diagnostic; unknown --format,
            --lang, bad --copies: exit 2; unwritable -o or a write failing
            half-way (a file size limit): exit 1, no file, an old one kept
  wave      with --db --year --unit the first page names the wave's
            municipality, deadline and contact (set with enkat codes), clear
            of the margin and of everything scanned, and the boxes are where
            the plain layout says

Each test prints every problem it finds and exits 1 when there is one, 0 when
all is well, 77 (skipped) when poppler-utils or zbar-tools are missing.
"""
import json
import os
import re
import resource
import shutil
import signal
import sys
import tempfile

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import paperlib as pl  # noqa: E402
import pixels as px  # noqa: E402
import rules  # noqa: E402

GOLDEN = os.path.join(HERE, "golden", "familjehem-sv.layout.json")
LONG = os.path.join(HERE, "long.yaml")
PAGE_WORDS = {"sv": "Sida {k} av {n}", "en": "Page {k} of {n}"}
# The fill-in instruction (issue 8: "Sätt ett kryss i rutan"); English wording is
# the renderer's to choose, so any of the usual verbs with "box" will do.
INSTRUCTION = {"sv": [r"Sätt ett kryss"], "en": [r"\b(cross|tick|mark)\b", r"\bbox"]}


class Failures(list):
    def add(self, msgs, prefix=""):
        for m in msgs:
            self.append(prefix + m)


# ---------------------------------------------------------------------------
# Text


def text_problems(pdf, lay, m):
    """The PDF's text against the questionnaire m (see 'text' above)."""
    f = []
    npages = pl.pdf_pages(pdf)
    variants = [pl.pdf_text_pages(pdf), pl.pdf_text_pages(pdf, "-raw")]
    whole = ["\n".join(v) for v in variants]
    for what, s in pl.expected_strings(m):
        if not pl.contains(whole, s):
            f.append(f"{what} not found in the PDF text: {s!r}")
    for k in range(1, npages + 1):
        want = PAGE_WORDS[m["lang"]].format(k=k, n=npages)
        if not pl.contains([v[k - 1] for v in variants if len(v) >= k], want):
            f.append(f"page {k}: no {want!r}")
    flat = pl.squash(" ".join(whole[0].split()))
    for pat in INSTRUCTION[m["lang"]]:
        if not re.search(pat, " ".join(whole[0].split()), re.I) and not re.search(pl.squash(pat), flat, re.I):
            f.append(f"no fill-in instruction matching {pat!r}")
    f += font_problems(pdf)
    f += placement_problems(variants, lay, m)
    words = pl.pdf_words(pdf)
    f += word_problems(words, lay)
    f += label_problems(words, lay, m)
    return f


YESNO = {"sv": {1: "Ja", 0: "Nej"}, "en": {1: "Yes", 0: "No"}}


def label_problems(pages, lay, m):
    """Each box stands by its own label, so that a cross means what the respondent
    read: an option's or yes/no box has the first word of its label just right of
    it on the same line; a scale box has its point's label (or the not-applicable
    label) in the column above it, the nearest block of text there (a run of
    questions on one scale may share the labels printed above the first)."""
    f = []
    if len(pages) != len(lay["pages"]):
        return []  # word_problems reports it
    qs = {q["id"]: q for q in m["questions"]}
    for words, lp in zip(pages, lay["pages"]):
        n = lp["page"]
        byq = {}
        for b in lp.get("boxes", []):
            byq.setdefault(b["question"], []).append(b)
        for qid, boxes in byq.items():
            q = qs.get(qid)
            if q is None:
                continue
            if q["type"] in ("single", "multiple", "yesno"):
                labels = dict(q["options"]) if q["options"] else YESNO[m["lang"]]
                for b in boxes:
                    want = labels.get(b["value"], "?").split()[0]
                    mid = b["y"] + b["h"] / 2
                    right = [w for w in words if w[1] >= b["x"] + b["w"] - 0.1 and w[1] <= b["x"] + b["w"] + 10
                             and w[2] <= mid <= w[4]]
                    got = min(right, key=lambda w: w[1])[0] if right else None
                    if got is None or pl.squash(got, True) != pl.squash(want, True):
                        f.append(f"page {n}: box {qid}={b['value']}: the word right of it is {got!r}, "
                                 f"want {want!r} (its label)")
            elif q["type"] == "scale":
                labels = dict(q["points"])
                if q["na"]:
                    labels[q["na"][0]] = q["na"][1]
                xs = sorted(b["x"] for b in boxes)
                for b in boxes:
                    cx = b["x"] + b["w"] / 2
                    near = [abs(x - b["x"]) for x in xs if x != b["x"]]
                    half = min(min(near) / 2 if near else 10.0, 10.0)
                    above = sorted((w for w in words if abs((w[1] + w[3]) / 2 - cx) <= half and w[4] <= b["y"] + 0.1),
                                   key=lambda w: -w[4])
                    block, last = [], None
                    for w in above:  # the nearest block of lines above the box
                        if last is not None and last - w[4] > 3.0:
                            break
                        block.append(w)
                        last = w[2]
                    text = " ".join(w[0] for w in sorted(block, key=lambda w: (round(w[2], 1), w[1])))
                    want = labels.get(b["value"], "?")
                    if not pl.contains([text], want):
                        f.append(f"page {n}: box {qid}={b['kind']}:{b['value']}: the column above it reads "
                                 f"{text!r}, want its label {want!r}")
    return f


def font_problems(pdf):
    """A print-ready PDF embeds every font it uses, each with a Unicode map (so the
    printer needs nothing of its own and the text can be searched and read back)."""
    p = pl.run(["pdffonts", pdf])
    lines = p.stdout.splitlines()[2:]
    if p.returncode != 0 or not lines:
        return [f"pdffonts finds no fonts ({p.returncode}: {p.stderr.strip()})"]
    f = []
    for line in lines:
        cols = line.split()
        emb, uni = cols[-5], cols[-3]
        if emb != "yes" or uni != "yes":
            f.append(f"font {cols[0]}: embedded {emb}, Unicode map {uni}, want yes and yes")
    return f


def placement_problems(variants, lay, m):
    """Each question's text is on the page of its boxes (a question is never torn
    from its answers), a grid's lead text on the page of its first item, and a
    section's title on the page of its first question (no heading left alone at
    the foot of a page)."""
    f = []
    page_of = {}
    for p in lay["pages"]:
        for key in ("boxes", "digits", "text_areas"):
            for e in p.get(key, []):
                page_of.setdefault(e["question"], p["page"])

    def on(k, s):
        return pl.contains([v[k - 1] for v in variants if len(v) >= k], s)

    seen_sections, seen_grids = set(), set()
    for q in m["questions"]:
        k = page_of.get(q["id"])
        if k is None:
            continue  # check_complete reports it
        if not on(k, q["text"]):
            f.append(f"question {q['id']}: its text is not on page {k}, where its answer boxes are")
        if q["grid"] is not None and q["grid"] not in seen_grids:
            seen_grids.add(q["grid"])
            g = m["grids"][q["grid"]]
            if not on(k, g["text"]):
                f.append(f"grid {g['id']}: its lead text is not on page {k}, where its first item is")
        if q["section"] not in seen_sections:
            seen_sections.add(q["section"])
            s = m["sections"][q["section"]]
            if not on(k, s["title"]):
                f.append(f"section {s['id']}: its title is not on page {k}, where its first question is")
    return f


def word_problems(pages, lay):
    """Words printed outside the margin, on anything scanned, or on each other.
    pdftotext's word box spans the font's full ascent and descent, more than the ink,
    so it is narrowed by a fifth of its height at top and bottom first."""
    f = []
    W, H = lay["page"]["width_mm"], lay["page"]["height_mm"]
    margin = lay["page"]["margin_mm"]
    if len(pages) != len(lay["pages"]):
        return [f"pdftotext -bbox finds {len(pages)} pages, the layout has {len(lay['pages'])}"]
    for words, lp in zip(pages, lay["pages"]):
        n = lp["page"]
        boxes = []
        for (w, x0, y0, x1, y1) in words:
            t = (y1 - y0) * 0.2
            boxes.append((w, (x0 + 0.05, y0 + t, x1 - 0.05, y1 - t)))
        # Text keeps 1 mm clear of anything scanned (a scanner looks for ink just
        # around a box too) and 3 mm of the corner marks (so that a mark detector
        # finds the L alone).
        obstacles = [(name, r, 1.0) for name, r in rules.scanned(lp)] + \
            [(f"mark {mk['corner']}", a, 3.0) for mk in lp.get("marks", []) for a in pl.mark_arms(mk)]
        for w, r in boxes:
            if r[0] < margin or r[1] < margin or r[2] > W - margin or r[3] > H - margin:
                f.append(f"page {n}: word {w!r} at {rules.fmt(r)} is in the {margin:g} mm margin (cut off?)")
            for name, o, clear in obstacles:
                if pl.intersects(r, o, clear):
                    f.append(f"page {n}: word {w!r} at {rules.fmt(r)} is within {clear:g} mm of {name} {rules.fmt(o)}")
        for i in range(len(boxes)):
            a = boxes[i][1]
            for j in range(i + 1, len(boxes)):
                b = boxes[j][1]
                if pl.intersects(a, b):
                    ix = min(a[2], b[2]) - max(a[0], b[0])
                    iy = min(a[3], b[3]) - max(a[1], b[1])
                    small = min((a[2] - a[0]) * (a[3] - a[1]), (b[2] - b[0]) * (b[3] - b[1]))
                    if ix * iy > 0.1 * small:
                        f.append(f"page {n}: words {boxes[i][0]!r} {rules.fmt(a)} and {boxes[j][0]!r} "
                                 f"{rules.fmt(b)} overlap")
    return f


def test_text(enkat, tmp):
    f = Failures()
    for lang in ("sv", "en"):
        m = pl.load_model(pl.EXAMPLE, lang)
        pdf = pl.form(enkat, "pdf", os.path.join(tmp, f"f-{lang}.pdf"), pl.EXAMPLE, lang)
        lay = pl.load_layout(pl.form(enkat, "layout", os.path.join(tmp, f"f-{lang}.json"), pl.EXAMPLE, lang))
        f.add(text_problems(pdf, lay, m), f"{lang}: ")
        print(f"{lang}: {pl.pdf_pages(pdf)} pages, {len(pl.expected_strings(m))} texts looked for")
    return f


# ---------------------------------------------------------------------------
# Golden


def test_golden(enkat, tmp):
    f = Failures()
    out = pl.form(enkat, "layout", os.path.join(tmp, "a.json"), pl.EXAMPLE)
    again = pl.form(enkat, "layout", os.path.join(tmp, "b.json"), pl.EXAMPLE, "sv")
    got = open(out, "rb").read()
    if open(again, "rb").read() != got:
        f.append("the layout differs between two runs (or between no --lang and --lang sv)")
    pdf = pl.form(enkat, "pdf", os.path.join(tmp, "a.pdf"), pl.EXAMPLE)
    npages = pl.pdf_pages(pdf)
    lay = pl.load_layout(out)
    if npages != len(lay["pages"]):
        f.append(f"the PDF has {npages} pages, the layout {len(lay['pages'])}")
    if os.environ.get("ENKAT_UPDATE"):
        os.makedirs(os.path.dirname(GOLDEN), exist_ok=True)
        with open(GOLDEN, "wb") as g:
            g.write(got)
        print(f"rewrote {GOLDEN}: review the diff and the rendered pages before committing it")
        return f
    if not os.path.exists(GOLDEN):
        f.append(f"no golden file {GOLDEN} (ENKAT_UPDATE=1 writes it)")
        return f
    want = open(GOLDEN, "rb").read()
    if got != want:
        wl, gl = want.decode().splitlines(), got.decode().splitlines()
        shown = 0
        for i in range(max(len(wl), len(gl))):
            a = wl[i] if i < len(wl) else "<end>"
            b = gl[i] if i < len(gl) else "<end>"
            if a != b:
                f.append(f"layout line {i + 1}: got {b[:160]!r}, golden {a[:160]!r}")
                shown += 1
                if shown == 10:
                    break
        if not shown:
            f.append("layout differs from the golden file (bytes)")
        wp = len(json.loads(want)["pages"])
        if wp != len(lay["pages"]):
            f.append(f"the layout has {len(lay['pages'])} pages, the golden {wp}")
    print(f"layout: {len(lay['pages'])} pages, {sum(len(p.get('boxes', [])) for p in lay['pages'])} boxes")
    return f


# ---------------------------------------------------------------------------
# QR codes


def qr_decode_pages(pdf, tmp, dpi=200):
    """zbarimg on each page of pdf rendered on its own: a list of decoded lists."""
    out = []
    for k in range(1, pl.pdf_pages(pdf) + 1):
        pl.run(["pdftoppm", "-gray", "-r", str(dpi), "-f", str(k), "-l", str(k), "-singlefile",
                pdf, os.path.join(tmp, "qr")])
        out.append(pl.zbar(os.path.join(tmp, "qr.pgm")))
    return out


def test_qr(enkat, tmp):
    f = Failures()
    decoded = 0
    for lang, copies in (("sv", None), ("en", None), ("sv", 3)):
        m = pl.load_model(pl.EXAMPLE, lang)
        pdf = pl.form(enkat, "pdf", os.path.join(tmp, "q.pdf"), pl.EXAMPLE, lang, copies)
        lay = pl.load_layout(pl.form(enkat, "layout", os.path.join(tmp, "q.json"), pl.EXAMPLE, lang))
        P = len(lay["pages"])
        want = []
        for c in range(copies or 1):
            for k in range(1, P + 1):
                want.append(pl.qr_text(m, k, P, c + 1 if copies else None))
        got = qr_decode_pages(pdf, tmp, 200)
        at150 = sum(1 for g, w in zip(qr_decode_pages(pdf, tmp, 150), want) if g == [w]) if not copies else "-"
        tag = f"{lang}{' --copies ' + str(copies) if copies else ''}"
        if len(got) != len(want):
            f.append(f"{tag}: the PDF has {len(got)} pages, want {len(want)} ({copies or 1} x {P})")
        for i, (g, w) in enumerate(zip(got, want)):
            if g != [w]:
                f.append(f"{tag}: page {i + 1} QR at 200 dpi decodes to {g}, want [{w!r}]")
            else:
                decoded += 1
        print(f"{tag}: {len(got)} pages; at 150 dpi (information only) {at150} of them decode")
    print(f"{decoded} QR codes decoded to the right page id")
    return f


# ---------------------------------------------------------------------------
# Pixels


def render2(pdf, tmp):
    """The pages at 150 dpi (the pixel checks) and at 200 dpi (QR decoding)."""
    d150, d200 = os.path.join(tmp, "r150"), os.path.join(tmp, "r200")
    os.makedirs(d150, exist_ok=True)
    os.makedirs(d200, exist_ok=True)
    return pl.render(pdf, d150, 150), pl.render(pdf, d200, 200)


def pixel_problems(pdf, lay, m, tmp, negative=True):
    """Problems of every rendered page against the layout, and the negative control."""
    f = []
    imgs, fine = render2(pdf, tmp)
    if len(imgs) != len(lay["pages"]):
        return [f"rendered {len(imgs)} pages, the layout has {len(lay['pages'])}"], 0
    rows_of = {q["id"]: q["rows"] for q in m["questions"] if q["type"] == "text"}
    checked = 0
    tmpfile = os.path.join(tmp, "crop.pgm")
    for img, img2, page in zip(imgs, fine, lay["pages"]):
        probs, n, _ = px.page_problems(img, page, rows_of, tmpfile, qr_img=img2)
        f += probs
        checked += n
    if negative:
        for shift in ((2.0, 0.0), (0.0, 2.0), (-2.0, 0.0), (0.0, -2.0)):
            nboxes = failed = marks_ok = 0
            for img, page in zip(imgs, lay["pages"]):
                _, _, bf = px.page_problems(img, page, rows_of, tmpfile, shift, ("boxes",))
                nboxes += len(page.get("boxes", []))
                failed += bf
                for mk in page.get("marks", []):
                    if not px.mark_problems(img, dict(mk, x=mk["x"] + shift[0], y=mk["y"] + shift[1])):
                        marks_ok += 1
            if failed < 0.9 * nboxes:
                f.append(f"negative control: with the layout moved by {shift} mm only {failed}/{nboxes} "
                         f"boxes fail the check (want nearly all): the check cannot see a 2 mm error")
            if marks_ok:
                f.append(f"negative control: with the layout moved by {shift} mm {marks_ok} marks still pass")
    return f, checked


def test_pixels(enkat, tmp):
    f = Failures()
    total = 0
    for lang in ("sv", "en"):
        m = pl.load_model(pl.EXAMPLE, lang)
        pdf = pl.form(enkat, "pdf", os.path.join(tmp, "p.pdf"), pl.EXAMPLE, lang)
        lay = pl.load_layout(pl.form(enkat, "layout", os.path.join(tmp, "p.json"), pl.EXAMPLE, lang))
        probs, n = pixel_problems(pdf, lay, m, tmp, negative=(lang == "sv"))
        f.add(probs, f"{lang}: ")
        total += n
        print(f"{lang}: {n} boxes, digit boxes, text areas, marks and QR codes checked on {len(lay['pages'])} pages")
    # The second copy of --copies 2 is drawn like the first (only the serial differs).
    m = pl.load_model(pl.EXAMPLE, "sv")
    pdf = pl.form(enkat, "pdf", os.path.join(tmp, "c.pdf"), pl.EXAMPLE, "sv", 2)
    lay = pl.load_layout(pl.form(enkat, "layout", os.path.join(tmp, "c.json"), pl.EXAMPLE, "sv"))
    P = len(lay["pages"])
    imgs, fine = render2(pdf, tmp)
    rows_of = {q["id"]: q["rows"] for q in m["questions"] if q["type"] == "text"}
    if len(imgs) != 2 * P:
        f.append(f"--copies 2: {len(imgs)} pages, want {2 * P}")
    else:
        for k, page in enumerate(lay["pages"]):
            page2 = dict(page, qr_text=pl.qr_text(m, k + 1, P, 2))
            probs, n, _ = px.page_problems(imgs[P + k], page2, rows_of, os.path.join(tmp, "crop.pgm"),
                                           qr_img=fine[P + k])
            f.add(probs, "--copies 2, copy 2: ")
            total += n
    print(f"{total} pixel checks in all")
    return f


# ---------------------------------------------------------------------------
# Geometry


def test_geometry(enkat, tmp):
    f = Failures()
    for lang in ("sv", "en"):
        m = pl.load_model(pl.EXAMPLE, lang)
        lay = pl.load_layout(pl.form(enkat, "layout", os.path.join(tmp, f"g-{lang}.json"), pl.EXAMPLE, lang))
        pdf = pl.form(enkat, "pdf", os.path.join(tmp, f"g-{lang}.pdf"), pl.EXAMPLE, lang)
        f.add(rules.check_all(lay, m, pl.pdf_pages(pdf)), f"{lang}: ")
        w, h = pl.pdf_page_size_mm(pdf)
        if abs(w - 210) > 0.5 or abs(h - 297) > 0.5:
            f.append(f"{lang}: the PDF's pages are {w:.1f} x {h:.1f} mm, want A4")
        nb = sum(len(p.get("boxes", [])) for p in lay["pages"])
        print(f"{lang}: {len(lay['pages'])} pages, {nb} boxes, "
              f"{sum(len(p.get('digits', [])) for p in lay['pages'])} digit boxes, "
              f"{sum(len(p.get('text_areas', [])) for p in lay['pages'])} text areas")
    return f


# ---------------------------------------------------------------------------
# The torture questionnaire


def test_long(enkat, tmp):
    f = Failures()
    p = pl.run([enkat, "check", LONG])
    if p.returncode != 0:
        f.append(f"enkat check {LONG}: exit {p.returncode}: {p.stderr.strip()}")
        return f
    for lang in pl.load_model(LONG, "sv")["languages"]:
        m = pl.load_model(LONG, lang)
        pdf = pl.form(enkat, "pdf", os.path.join(tmp, f"l-{lang}.pdf"), LONG, lang)
        lay = pl.load_layout(pl.form(enkat, "layout", os.path.join(tmp, f"l-{lang}.json"), LONG, lang))
        f.add(rules.check_all(lay, m, pl.pdf_pages(pdf)), f"{lang}: ")
        f.add(text_problems(pdf, lay, m), f"{lang}: ")
        probs, n = pixel_problems(pdf, lay, m, tmp, negative=False)
        f.add(probs, f"{lang}: ")
        split = {g: pg for g, pg in rules.grid_pages(lay, m).items() if len(pg) > 1}
        print(f"{lang}: {len(lay['pages'])} pages, {sum(len(p.get('boxes', [])) for p in lay['pages'])} boxes, "
              f"{n} pixel checks; grids over more than one page: {split or 'none'}")
    return f


# ---------------------------------------------------------------------------
# Errors

BAD_YAML = """survey: paperfel
edition: 2020
languages: [sv]
title: Trasig enkät
sections:
  - id: a
    title: Avsnitt
    questions:
      - id: q1
        type: sliderr
        text: Fråga
"""


# ---------------------------------------------------------------------------
# Skip instructions, label size, runs, the example's wording

GOTO = {"sv": "→ gå till fråga {n}", "en": "→ go to question {n}"}
GOTO_END = {"sv": "→ gå till slutet av enkäten", "en": "→ go to the end of the form"}


def flat_questions(path):
    """The example's questions in order, grid items flattened, as dicts with id,
    type, show_if and num (the printed number: "6" for a grid, "6a" an item)."""
    with open(path, encoding="utf-8") as f:
        doc = yaml.safe_load(f)
    out, n = [], 0
    for s in doc["sections"]:
        for q in s["questions"]:
            n += 1
            if q["type"] == "grid":
                for k, it in enumerate(q["items"]):
                    out.append({"id": it["id"], "type": "scale", "num": f"{n}{chr(97 + k)}",
                                "grid_num": str(n) if k == 0 else None,
                                "show_if": it.get("show_if", q.get("show_if"))})
            else:
                out.append({"id": q["id"], "type": q["type"], "num": str(n), "grid_num": None,
                            "show_if": q.get("show_if")})
    return out, doc


def cond_values(c):
    if "equals" in c:
        v = c["equals"]
        return {1 if v is True else 0 if v is False else int(v)}
    return {int(v) for v in c["in"]}


def expected_goto(qs, i, v, lang):
    """The instruction answer v of question i should carry, or None."""
    skipped = set()
    j = i + 1
    while j < len(qs):
        c = qs[j]["show_if"]
        if not c:
            break
        on = next(k for k, q in enumerate(qs) if q["id"] == c["question"])
        if not ((on == i and v not in cond_values(c)) or on in skipped):
            break
        skipped.add(j)
        j += 1
    if j == i + 1:
        return None
    if j == len(qs):
        return GOTO_END[lang]
    return GOTO[lang].format(n=qs[j]["grid_num"] or qs[j]["num"])


def test_skips(enkat, tmp):
    f = Failures()
    qs, doc = flat_questions(pl.EXAMPLE)
    for lang in ("sv", "en"):
        pdf = pl.form(enkat, "pdf", os.path.join(tmp, f"s-{lang}.pdf"), pl.EXAMPLE, lang)
        lay = pl.load_layout(pl.form(enkat, "layout", os.path.join(tmp, f"s-{lang}.json"), pl.EXAMPLE, lang))
        pages = pl.pdf_words(pdf)
        imgs = pl.render(pdf, tmp, dpi=50)
        ngoto = 0
        for words, lp, img in zip(pages, lay["pages"], imgs):
            n = lp["page"]
            foot = [w for w in words if w[0] in ("Sida", "Page") and w[2] > 250]
            foot_h = foot[0][4] - foot[0][2] if foot else None
            compact = 0
            prev_q = None
            for b in lp.get("boxes", []):
                i = next(k for k, q in enumerate(qs) if q["id"] == b["question"])
                q = qs[i]
                mid = b["y"] + b["h"] / 2
                line = sorted((w for w in words if w[1] >= b["x"] + b["w"] and w[2] <= mid <= w[4]),
                              key=lambda w: w[1])
                # what stands right of the box, up to the next box on its line
                nxt = [o["x"] for o in lp["boxes"] if o is not b and abs(o["y"] - b["y"]) < 1 and o["x"] > b["x"]]
                line = [w for w in line if not nxt or w[3] <= min(nxt)]
                beside = " ".join(w[0] for w in line)
                if q["type"] in ("yesno", "single", "multiple"):
                    want = expected_goto(qs, i, b["value"], lang)
                    if want:
                        ngoto += 1
                    if want and want not in beside:
                        f.append(f"{lang} page {n}: {q['id']}={b['value']} skips to another question, "
                                 f"but right of its box stands {beside!r}, want {want!r}")
                    elif not want and "→" in beside:
                        f.append(f"{lang} page {n}: {q['id']}={b['value']} skips nothing, but reads {beside!r}")
                if q["type"] != "scale" or q["grid_num"] is not None:
                    continue
                if any(c.isalpha() for c in q["num"]) or q["id"] == prev_q:
                    continue
                prev_q = q["id"]
                # the point labels over this row: words in the 8 mm above its first box
                above = [w for w in words if b["y"] - 8.0 <= w[4] <= b["y"] + 0.1 and w[3] >= b["x"] - 6]
                for w in above:
                    if foot_h and w[4] - w[2] < foot_h - 0.02:
                        f.append(f"{lang} page {n}: point label {w[0]!r} over {q['id']} is "
                                 f"{w[4] - w[2]:.2f} mm high, smaller than the 8 pt footer ({foot_h:.2f} mm)")
                if above:
                    compact = 0
                    continue
                compact += 1
                px = img.region(18.8, mid - 0.5, 19.2, mid + 0.5)
                grey = min(px) < 245
                if grey != (compact % 2 == 1):
                    f.append(f"{lang} page {n}: {q['id']}, row {compact} of a run printed without "
                             f"labels, is {'shaded' if grey else 'white'}; want every other row shaded, "
                             f"the first one too")
        if ngoto == 0:
            f.append(f"{lang}: no answer of the example skips a question (the test reads nothing)")
    # the example: an instruction said once; "don't know" one way
    texts = pl.pdf_text_pages(os.path.join(tmp, "s-sv.pdf"))
    whole = " ".join(" ".join(t.split()) for t in texts)
    if re.search(r"flera alternativ|kan markera flera", whole, re.I):
        f.append("sv: a help text repeats \"Flera svar möjliga\"")
    dont_know = set()
    for node in re.findall(r"Vet [a-zåäö]+", open(pl.EXAMPLE, encoding="utf-8").read()):
        dont_know.add(node)
    if len(dont_know) != 1:
        f.append(f"the example words \"don't know\" in {len(dont_know)} ways: {sorted(dont_know)}")
    return f


def limit_size(nbytes):
    """A preexec_fn limiting the size of files the child writes (RLIMIT_FSIZE), with
    SIGXFSZ ignored so that a write past it fails with EFBIG as on a full disk."""
    def f():
        resource.setrlimit(resource.RLIMIT_FSIZE, (nbytes, nbytes))
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    return f


def test_errors(enkat, tmp):
    f = Failures()
    bad = os.path.join(tmp, "bad.yaml")
    with open(bad, "w", encoding="utf-8") as fh:
        fh.write(BAD_YAML)
    out = os.path.join(tmp, "out")
    os.mkdir(out)

    def expect(args, status, stderr_res=(), made=None):
        p = pl.run([enkat, "form"] + args)
        what = "enkat form " + " ".join(a.replace(tmp, "$TMP") for a in args)
        if p.returncode != status:
            f.append(f"{what}: exit {p.returncode}, want {status} (stderr: {p.stderr.strip()!r})")
        for r in stderr_res:
            if not re.search(r, p.stderr):
                f.append(f"{what}: stderr {p.stderr.strip()!r} does not match {r!r}")
        if status != 0:
            left = sorted(os.listdir(out))
            if left:
                f.append(f"{what}: left files behind in the output directory: {left}")
                for x in left:
                    path = os.path.join(out, x)
                    shutil.rmtree(path) if os.path.isdir(path) else os.remove(path)
        if made:
            if not os.path.exists(made):
                f.append(f"{what}: exit {p.returncode} but no {made}")
            else:
                os.remove(made)

    good = pl.EXAMPLE
    o = os.path.join(out, "f.pdf")
    # The bad questionnaire: line 10, column 15 is where 'sliderr' starts.
    for fmt in ("pdf", "layout"):
        expect(["--format", fmt, "-o", o, bad], 1, [re.escape(bad) + r":10:15: fel: .*'sliderr'"])
    expect(["--format", "pdf", "-o", o, os.path.join(tmp, "no-such.yaml")], 1, [r"no-such\.yaml"])
    expect(["--format", "docx", "-o", o, good], 2, [r"docx"])
    expect(["--format", "pdf", "--lang", "xx", "-o", o, good], 2, [r"xx"])
    expect(["--format", "pdf", "--lang", "", "-o", o, good], 2)
    for c in ("0", "-1", "abc", "3x", ""):
        expect(["--format", "pdf", "--copies", c, "-o", o, good], 2, [r"exemplar"])
    expect(["--format", "pdf", good], 2)                      # no -o
    expect(["--format", "pdf", "-o", o], 2)                   # no questionnaire
    expect(["--format", "pdf", "-o", o, good, good], 2)       # two questionnaires
    expect(["--frobnicate", "--format", "pdf", "-o", o, good], 2)
    # Unwritable outputs: a missing directory, a directory, a path under a file.
    for target in (os.path.join(out, "missing", "f.pdf"), out, os.path.join(bad, "f.pdf")):
        for fmt in ("pdf", "layout"):
            p = pl.run([enkat, "form", "--format", fmt, "-o", target, good])
            what = f"enkat form --format {fmt} -o {target.replace(tmp, '$TMP')}"
            if p.returncode != 1:
                f.append(f"{what}: exit {p.returncode}, want 1 (stderr {p.stderr.strip()!r})")
            if not p.stderr.strip():
                f.append(f"{what}: no message on stderr")
            if target != out and os.path.exists(target):
                f.append(f"{what}: {target} exists afterwards")
            if sorted(os.listdir(out)) or sorted(os.listdir(tmp)) != ["bad.yaml", "out"]:
                f.append(f"{what}: left files behind: {sorted(os.listdir(out))} {sorted(os.listdir(tmp))}")
    # A failing run must not clobber an existing file either.
    keep = os.path.join(out, "keep.pdf")
    with open(keep, "wb") as fh:
        fh.write(b"old")
    p = pl.run([enkat, "form", "--format", "pdf", "-o", keep, bad])
    now = open(keep, "rb").read()
    if p.returncode != 1 or now != b"old":
        f.append(f"a failed run over an existing -o file: exit {p.returncode}, file now "
                 f"{now[:20]!r}, want exit 1 and the file untouched")
    os.remove(keep)
    # A write that fails half-way (a full disk, here a file size limit): exit 1, a
    # message, and no half-written file; an older file of that name is kept.
    for fmt, limit in (("pdf", 40 * 1024), ("layout", 4 * 1024)):
        for existing in (False, True):
            target = os.path.join(out, "f." + fmt)
            if existing:
                with open(target, "wb") as fh:
                    fh.write(b"old")
            p = pl.run([enkat, "form", "--format", fmt, "-o", target, good], preexec_fn=limit_size(limit))
            what = f"enkat form --format {fmt} with files limited to {limit} bytes{' over an old file' if existing else ''}"
            if p.returncode != 1 or not p.stderr.strip():
                f.append(f"{what}: exit {p.returncode}, stderr {p.stderr.strip()!r}; want 1 and a message")
            left = sorted(os.listdir(out))
            if existing:
                now = open(target, "rb").read() if os.path.exists(target) else None
                if now != b"old":
                    f.append(f"{what}: the old file is now {now[:20] if now else now!r}, want it untouched")
                os.remove(target) if os.path.exists(target) else None
                left = sorted(os.listdir(out))
            if left:
                f.append(f"{what}: left {left} behind")
                for x in left:
                    os.remove(os.path.join(out, x))
    # An -o that is not a regular file (here a link to the program's stdout, a
    # pipe) is written to, not replaced by a renamed file: stdout then carries
    # what the same run writes to a regular file.
    link = os.path.join(tmp, "stdout-link")
    os.symlink("/proc/self/fd/1", link)
    for fmt in ("layout", "html"):
        expect(["--format", fmt, "-o", o, good], 0)
        want = open(o, encoding="utf-8").read() if os.path.exists(o) else None
        os.remove(o) if os.path.exists(o) else None
        p = pl.run([enkat, "form", "--format", fmt, "-o", link, good])
        what = f"enkat form --format {fmt} -o LINK-TO-/proc/self/fd/1"
        if p.returncode != 0 or not os.path.islink(link) or want is None or p.stdout != want:
            f.append(f"{what}: exit {p.returncode}, link kept {os.path.islink(link)}, "
                     f"{len(p.stdout)} characters on stdout; want 0, the link kept and "
                     f"{len(want or '')} characters, as written to a regular file")
        if not os.path.islink(link):
            os.remove(link)
            os.symlink("/proc/self/fd/1", link)
    os.remove(link)
    # The good cases still work (so the checks above fail for the right reason).
    expect(["--format", "pdf", "--copies", "2", "-o", o, good], 0, made=o)
    expect(["--format", "layout", "--lang", "en", "-o", o, good], 0, made=o)
    p = pl.run([enkat, "form", "--help"])
    if p.returncode != 0 or "--format" not in p.stdout + p.stderr:
        f.append(f"enkat form --help: exit {p.returncode}, want 0 and a usage naming --format")
    return f


# ---------------------------------------------------------------------------
# Who asks (the wave's details on the first page)


def test_wave(enkat, tmp):
    """The first page names the wave's municipality, deadline (in words) and
    contact, as set with `enkat codes`; no other page does; the words keep
    clear of the margin and of everything scanned; the boxes, marks and QR
    codes are drawn where the form's own layout says (it is the same with or
    without a wave)."""
    f = Failures()
    db = os.path.join(tmp, "w.db")
    contact = "Anna Berg, 0383-970 00, anna.berg@vetlanda.se"
    p = pl.run([enkat, "codes", "--db", db, "--year", "2026", "--unit", "Vetlanda", "--count", "1",
                "-q", pl.EXAMPLE, "-o", os.path.join(tmp, "k.csv"), "--deadline", "2026-03-31",
                "--municipality", "Vetlanda kommun", "--contact", contact])
    if p.returncode != 0:
        return [f"enkat codes: {p.stderr.strip()}"]
    want = {"sv": ["Vetlanda kommun", "Svara senast 31 mars 2026", "Frågor om enkäten: " + contact],
            "en": ["Vetlanda kommun", "Please answer by 31 March 2026",
                   "Questions about the survey: " + contact]}
    for lang in ("sv", "en"):
        pdf = os.path.join(tmp, f"w-{lang}.pdf")
        p = pl.run([enkat, "form", "--format", "pdf", "--lang", lang, "--db", db, "--year", "2026",
                    "--unit", "Vetlanda", "-o", pdf, pl.EXAMPLE])
        if p.returncode != 0:
            f.append(f"{lang}: enkat form --db: exit {p.returncode}: {p.stderr.strip()}")
            continue
        pages = [re.sub(r"\s+", " ", t) for t in pl.pdf_text_pages(pdf)]
        for w in want[lang]:
            if w not in pages[0]:
                f.append(f"{lang}: page 1 does not say {w!r}")
            for k, t in enumerate(pages[1:], 2):
                if w in t and w != "Vetlanda kommun":
                    f.append(f"{lang}: page {k} says {w!r} too")
        lay = pl.load_layout(pl.form(enkat, "layout", os.path.join(tmp, f"w-{lang}.json"), pl.EXAMPLE, lang))
        f.add(word_problems(pl.pdf_words(pdf), lay), f"{lang}: ")
        probs, n = pixel_problems(pdf, lay, pl.load_model(pl.EXAMPLE, lang), tmp, negative=False)
        f.add(probs, f"{lang}: ")
        print(f"{lang}: {len(want[lang])} texts on page 1, {n} pixel checks against the plain layout")
    p = pl.run([enkat, "form", "--format", "layout", "--db", db, "--year", "2026", "--unit", "Vetlanda",
                "-o", os.path.join(tmp, "x.json"), pl.EXAMPLE])
    if p.returncode != 2:
        f.append(f"enkat form --format layout --db: exit {p.returncode}, want 2 (a layout shows no wave)")
    return f


TESTS = {"text": test_text, "golden": test_golden, "qr": test_qr, "pixels": test_pixels,
         "geometry": test_geometry, "long": test_long, "errors": test_errors, "skips": test_skips,
         "wave": test_wave}


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in TESTS:
        print(__doc__)
        return 2
    for tool in ("pdftotext", "pdftoppm", "pdfinfo", "pdffonts", "zbarimg"):
        if not shutil.which(tool):
            print(f"{tool} not installed: skipped")
            return 77
    enkat = os.path.abspath(sys.argv[2])
    with tempfile.TemporaryDirectory(prefix="enkat-paper-") as tmp:
        try:
            f = TESTS[sys.argv[1]](enkat, tmp)
        except (RuntimeError, KeyError, ValueError, OSError) as e:
            f = [f"{type(e).__name__}: {e}"]
    for msg in f[:200]:
        print(msg)
    if len(f) > 200:
        print(f"... and {len(f) - 200} more")
    print(f"{sys.argv[1]}: {'FAILED, ' + str(len(f)) + ' problems' if f else 'ok'}")
    return 1 if f else 0


if __name__ == "__main__":
    sys.exit(main())
