"""tests/paper/paperlib.py - shared helpers of the paper form's tests (check_paper.py).

The tests never take an expected value from the output they check: what must be
on the form is read here from the questionnaire's YAML with PyYAML (an
independent reader of the same file), the rules a scannable page must follow
are written out below (issue 8: SDAPS/queXF/auto-multiple-choice practice), and
the PDF is read back by poppler (pdftotext, pdftoppm) and zbar (zbarimg).
Standard library and PyYAML only: pdftoppm writes PGM, which is parsed here.
"""
import glob
import html
import json
import os
import re
import subprocess
import unicodedata

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
EXAMPLE = os.path.join(ROOT, "examples", "familjehem.yaml")
MM_PER_PT = 25.4 / 72.0

# ---------------------------------------------------------------------------
# The questionnaire, read independently of enkat


def _text(value, lang, where):
    """A YAML text: a mapping language -> string, or a plain string (one language)."""
    if isinstance(value, dict):
        value = value[lang]
    if isinstance(value, bool) or value is None:
        raise ValueError(f"{where}: text {value!r} is not a string (quote it in the YAML)")
    return str(value)


def _opt_text(node, key, lang, where):
    return _text(node[key], lang, f"{where}.{key}") if key in node else None


def load_model(path, lang):
    """Reads a questionnaire with PyYAML into a plain dict of what a form in lang shows.

    Returns {survey, edition, title, intro, closing, sections: [{id, title, intro}],
    questions: [{id, type, text, help, section, grid, points, na, options, min, max,
    unit, rows}], grids: [{id, text, items, scale}]} where a grid's items are
    questions of type scale (as the model and the layout have them)."""
    with open(path, encoding="utf-8") as f:
        doc = yaml.safe_load(f)
    scales = {}
    for s in doc.get("scales", []):
        points = [(int(p["value"]), _text(p["label"], lang, f"scale {s['id']}")) for p in s["points"]]
        na = None
        if "not_applicable" in s:
            n = s["not_applicable"]
            na = (int(n["code"]), _text(n["label"], lang, f"scale {s['id']} na"))
        scales[s["id"]] = {"points": points, "na": na}
    m = {
        "survey": doc["survey"], "edition": int(doc["edition"]), "lang": lang,
        "languages": list(doc["languages"]),
        "title": _text(doc["title"], lang, "title"),
        "intro": _opt_text(doc, "intro", lang, "top"),
        "closing": _opt_text(doc, "closing", lang, "top"),
        "sections": [], "questions": [], "grids": [],
    }

    def question(q, section, grid=None, scale=None):
        qtype = "scale" if grid is not None else q["type"]
        where = f"question {q['id']}"
        d = {"id": q["id"], "type": qtype, "text": _text(q["text"], lang, where),
             "help": _opt_text(q, "help", lang, where), "section": section, "grid": grid,
             "points": None, "na": None, "options": None, "min": None, "max": None,
             "unit": None, "rows": None}
        if qtype == "scale":
            sc = scales[scale if scale is not None else q["scale"]]
            d["points"], d["na"] = sc["points"], sc["na"]
        elif qtype in ("single", "multiple"):
            d["options"] = [(int(o["value"]), _text(o["label"], lang, where)) for o in q["options"]]
        elif qtype == "number":
            d["min"], d["max"] = int(q["min"]), int(q["max"])
            d["unit"] = _opt_text(q, "unit", lang, where)
        elif qtype == "text":
            d["rows"] = int(q.get("rows", 4))
        return d

    for si, s in enumerate(doc["sections"]):
        m["sections"].append({"id": s["id"], "title": _text(s["title"], lang, f"section {s['id']}"),
                              "intro": _opt_text(s, "intro", lang, f"section {s['id']}")})
        for q in s["questions"]:
            if q["type"] == "grid":
                gi = len(m["grids"])
                items = [question(it, si, gi, q["scale"]) for it in q["items"]]
                m["grids"].append({"id": q["id"], "text": _text(q["text"], lang, f"grid {q['id']}"),
                                   "scale": q["scale"], "items": [it["id"] for it in items]})
                m["questions"].extend(items)
            else:
                m["questions"].append(question(q, si))
    return m


def expected_marks(q):
    """The (kind, value) pairs of the checkboxes question q must have on paper."""
    t = q["type"]
    if t == "scale":
        out = [("scale", v) for v, _ in q["points"]]
        if q["na"]:
            out.append(("na", q["na"][0]))
        return out
    if t in ("single", "multiple"):
        return [(t, v) for v, _ in q["options"]]
    if t == "yesno":
        return [("yesno", 1), ("yesno", 0)]
    return []


def expected_digits(q):
    """How many digit boxes a number question needs: enough to write its largest
    magnitude (a negative minimum would need a sign, which no form here uses)."""
    return len(str(max(abs(q["min"]), abs(q["max"]))))


def expected_strings(m):
    """Every text of the questionnaire a form in m's language must show, as
    (what, text) pairs (the order of the file)."""
    out = [("title", m["title"])]
    if m["intro"]:
        out.append(("intro", m["intro"]))
    if m["closing"]:
        out.append(("closing", m["closing"]))
    grids_done = set()
    for s in m["sections"]:
        out.append((f"section {s['id']} title", s["title"]))
        if s["intro"]:
            out.append((f"section {s['id']} intro", s["intro"]))
    for q in m["questions"]:
        if q["grid"] is not None and q["grid"] not in grids_done:
            grids_done.add(q["grid"])
            g = m["grids"][q["grid"]]
            out.append((f"grid {g['id']} lead text", g["text"]))
        out.append((f"question {q['id']} text", q["text"]))
        if q["help"]:
            out.append((f"question {q['id']} help", q["help"]))
        for v, label in q["points"] or []:
            out.append((f"question {q['id']} scale point {v}", label))
        if q["na"]:
            out.append((f"question {q['id']} not-applicable label", q["na"][1]))
        for v, label in q["options"] or []:
            out.append((f"question {q['id']} option {v}", label))
        if q["unit"]:
            out.append((f"question {q['id']} unit", q["unit"]))
    return out


# ---------------------------------------------------------------------------
# Running enkat


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, timeout=300, **kw)


def form(enkat, fmt, out, yaml_path, lang=None, copies=None):
    """Runs `enkat form --format FMT [--lang] [--copies] -o OUT YAML`; raises on failure."""
    cmd = [enkat, "form", "--format", fmt]
    if lang:
        cmd += ["--lang", lang]
    if copies:
        cmd += ["--copies", str(copies)]
    cmd += ["-o", out, yaml_path]
    p = run(cmd)
    if p.returncode != 0 or not os.path.exists(out):
        raise RuntimeError(f"{' '.join(cmd)} failed ({p.returncode}): {p.stderr.strip()}")
    return out


def load_layout(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


# ---------------------------------------------------------------------------
# Reading the PDF back


def pdf_pages(pdf):
    p = run(["pdfinfo", pdf])
    mo = re.search(r"^Pages:\s+(\d+)", p.stdout, re.M)
    if not mo:
        raise RuntimeError(f"pdfinfo {pdf}: {p.stderr.strip()}")
    return int(mo.group(1))


def pdf_page_size_mm(pdf):
    p = run(["pdfinfo", pdf])
    mo = re.search(r"^Page size:\s+([\d.]+) x ([\d.]+) pts", p.stdout, re.M)
    return float(mo.group(1)) * MM_PER_PT, float(mo.group(2)) * MM_PER_PT


def pdf_text_pages(pdf, mode=None):
    """pdftotext of the whole PDF, split into pages (mode: None, '-raw' or '-layout')."""
    cmd = ["pdftotext", "-enc", "UTF-8"] + ([mode] if mode else []) + [pdf, "-"]
    p = run(cmd)
    if p.returncode != 0:
        raise RuntimeError(f"pdftotext {pdf}: {p.stderr.strip()}")
    pages = p.stdout.split("\f")
    if pages and pages[-1].strip() == "":
        pages.pop()
    return pages


def pdf_words(pdf):
    """Every word of the PDF with its box in mm from the page's top-left:
    a list per page of (word, x0, y0, x1, y1), from `pdftotext -bbox`."""
    p = run(["pdftotext", "-bbox", pdf, "-"])
    pages = []
    for mo in re.finditer(r"<page [^>]*>(.*?)</page>", p.stdout, re.S):
        words = []
        for w in re.finditer(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>',
                             mo.group(1), re.S):
            x0, y0, x1, y1 = (float(w.group(i)) * MM_PER_PT for i in range(1, 5))
            words.append((unescape(w.group(5)), x0, y0, x1, y1))
        pages.append(words)
    return pages


def unescape(s):
    return html.unescape(s)


HYPHENS = "-\u00ad\u2010\u2011"


def squash(s, drop_hyphens=False):
    """Text compared without regard to line breaks: NFKC (ligatures), no whitespace,
    and optionally no hyphens (a word hyphenated at a line end)."""
    s = unicodedata.normalize("NFKC", s)
    s = re.sub(r"\s+", "", s)
    s = s.replace("\u2019", "'")
    if drop_hyphens:
        s = "".join(c for c in s if c not in HYPHENS)
    return s


def contains(hay_variants, needle):
    """Whether needle is in one of the extracted texts, across line breaks and hyphenation."""
    for drop in (False, True):
        n = squash(needle, drop)
        if any(n in squash(h, drop) for h in hay_variants):
            return True
    return False


class Gray:
    """A greyscale page image (PGM from pdftoppm -gray); 0 black .. 255 white."""

    def __init__(self, path, dpi):
        with open(path, "rb") as f:
            data = f.read()
        fields, pos = [], 0
        while len(fields) < 4:
            while data[pos:pos + 1].isspace():
                pos += 1
            if data[pos:pos + 1] == b"#":
                while data[pos:pos + 1] not in (b"\n", b""):
                    pos += 1
                continue
            start = pos
            while not data[pos:pos + 1].isspace():
                pos += 1
            fields.append(data[start:pos])
        if fields[0] != b"P5" or int(fields[3]) != 255:
            raise ValueError(f"{path}: not an 8-bit PGM")
        self.w, self.h = int(fields[1]), int(fields[2])
        self.px = data[pos + 1:pos + 1 + self.w * self.h]
        self.dpi = dpi

    def p(self, mm):
        return mm * self.dpi / 25.4

    def at(self, c, r):
        if 0 <= c < self.w and 0 <= r < self.h:
            return self.px[r * self.w + c]
        return 255

    def region(self, x0, y0, x1, y1):
        """The pixel values whose centres lie inside the mm rectangle [x0,x1]x[y0,y1]."""
        c0, c1 = int(self.p(x0) + 0.5), int(self.p(x1) - 0.5)
        r0, r1 = int(self.p(y0) + 0.5), int(self.p(y1) - 0.5)
        return [self.at(c, r) for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)]

    def crop_pgm(self, x0, y0, x1, y1, path):
        c0, c1 = max(0, int(self.p(x0))), min(self.w, int(self.p(x1)) + 1)
        r0, r1 = max(0, int(self.p(y0))), min(self.h, int(self.p(y1)) + 1)
        with open(path, "wb") as f:
            f.write(b"P5\n%d %d\n255\n" % (c1 - c0, r1 - r0))
            for r in range(r0, r1):
                f.write(self.px[r * self.w + c0:r * self.w + c1])


def render(pdf, outdir, dpi=150, first=None, last=None):
    """Renders pages with pdftoppm -gray; returns the Gray images in page order."""
    prefix = os.path.join(outdir, "page")
    for old in glob.glob(prefix + "-*.pgm"):
        os.remove(old)
    cmd = ["pdftoppm", "-gray", "-r", str(dpi)]
    if first:
        cmd += ["-f", str(first), "-l", str(last or first)]
    p = run(cmd + [pdf, prefix])
    if p.returncode != 0:
        raise RuntimeError(f"pdftoppm {pdf}: {p.stderr.strip()}")
    files = sorted(glob.glob(prefix + "-*.pgm"), key=lambda s: int(re.search(r"-(\d+)\.pgm$", s).group(1)))
    return [Gray(f, dpi) for f in files]


def zbar(path):
    """The texts of every QR code zbarimg finds in an image file."""
    p = run(["zbarimg", "--raw", "-q", path])
    return [line for line in p.stdout.splitlines() if line]


def qr_text(m, page, pages, serial=None):
    """The page id every page's QR code must carry (issue 8 and the layout contract)."""
    s = f"enkat:{m['survey']}:{m['edition']}:{m['lang']}:{page}/{pages}"
    return s + (f":{serial:05d}" if serial is not None else "")


# ---------------------------------------------------------------------------
# Rectangles


def rect(d):
    return (d["x"], d["y"], d["x"] + d["w"], d["y"] + d["h"])


def intersects(a, b, clear=0.0):
    """Whether rectangles (x0,y0,x1,y1) a and b come closer than clear (mm) to each other."""
    return a[0] < b[2] + clear and b[0] < a[2] + clear and a[1] < b[3] + clear and b[1] < a[3] + clear


def gap(a, b):
    """The clear space between two rectangles: 0 when they touch or overlap, else the
    larger of the horizontal and vertical gaps (the space a pen stroke has between them)."""
    dx = max(b[0] - a[2], a[0] - b[2], 0.0)
    dy = max(b[1] - a[3], a[1] - b[3], 0.0)
    return max(dx, dy)


def mark_arms(mk):
    """The two arms of a corner L mark as rectangles (mm); x,y is its outer corner."""
    x, y, a, t = mk["x"], mk["y"], mk["arm_mm"], mk["thickness_mm"]
    sx = 1 if mk["corner"][1] == "l" else -1  # arms point into the page
    sy = 1 if mk["corner"][0] == "t" else -1

    def r(x0, y0, x1, y1):
        return (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))

    return [r(x, y, x + sx * a, y + sy * t), r(x, y, x + sx * t, y + sy * a)]
