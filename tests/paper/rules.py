"""tests/paper/rules.py - the rules a scannable paper form's layout must follow.

Each check takes the layout JSON (what `enkat form --format layout` writes) and,
where it needs to know what should be there, the questionnaire as read by
paperlib.load_model, and returns a list of failure messages (empty: all good).
The numbers are issue 8's, taken from the optical mark reading systems it names
(SDAPS, queXF, auto-multiple-choice): checkboxes 3.5-5 mm with a thin outline
and at least 4 mm clear between them, L marks with ~20 mm arms 10-14 mm from
the paper edge, a QR code of 10-15 mm, nothing scanned within 10 mm of the edge.
"""
from paperlib import expected_digits, expected_marks, gap, intersects, mark_arms, qr_text, rect

A4 = (210.0, 297.0)
EPS = 0.01


def check_header(lay, m, npages_pdf=None):
    f = []
    want = {"format": "enkat-paper-layout", "version": 1, "survey": m["survey"],
            "edition": m["edition"], "lang": m["lang"]}
    for k, v in want.items():
        if lay.get(k) != v:
            f.append(f"layout '{k}' is {lay.get(k)!r}, want {v!r}")
    pg = lay.get("page", {})
    if (pg.get("width_mm"), pg.get("height_mm")) != A4:
        f.append(f"page is {pg.get('width_mm')} x {pg.get('height_mm')} mm, want A4 210 x 297")
    if not pg.get("margin_mm", 0) >= 10:
        f.append(f"margin_mm is {pg.get('margin_mm')}, want at least 10")
    if not 3.5 <= lay.get("box_size_mm", 0) <= 5:
        f.append(f"box_size_mm is {lay.get('box_size_mm')}, want 3.5-5")
    if not 0.3 <= lay.get("line_width_pt", 0) <= 0.5:
        f.append(f"line_width_pt is {lay.get('line_width_pt')}, want about 0.3-0.5")
    pages = lay.get("pages", [])
    if not pages:
        f.append("layout has no pages")
    for i, p in enumerate(pages):
        if p.get("page") != i + 1:
            f.append(f"pages[{i}] has page {p.get('page')}, want {i + 1}")
        want_qr = qr_text(m, i + 1, len(pages))
        if p.get("qr_text") != want_qr:
            f.append(f"page {i + 1}: qr_text {p.get('qr_text')!r}, want {want_qr!r}")
    if npages_pdf is not None and npages_pdf != len(pages):
        f.append(f"the PDF has {npages_pdf} pages, the layout {len(pages)}")
    return f


def check_marks_and_qr(lay):
    f = []
    W, H = lay["page"]["width_mm"], lay["page"]["height_mm"]
    for p in lay["pages"]:
        n = p["page"]
        corners = sorted(mk["corner"] for mk in p.get("marks", []))
        if corners != ["bl", "br", "tl", "tr"]:
            f.append(f"page {n}: marks at corners {corners}, want one each at tl, tr, bl, br")
        for mk in p.get("marks", []):
            dx = mk["x"] if mk["corner"][1] == "l" else W - mk["x"]
            dy = mk["y"] if mk["corner"][0] == "t" else H - mk["y"]
            for what, d in (("left/right", dx), ("top/bottom", dy)):
                if not 10 - EPS <= d <= 14 + EPS:
                    f.append(f"page {n}: mark {mk['corner']} is {d:.2f} mm from the {what} edge, want 10-14")
            if not 18 <= mk["arm_mm"] <= 22:
                f.append(f"page {n}: mark {mk['corner']} arm {mk['arm_mm']} mm, want about 20")
            if not 0.5 <= mk["thickness_mm"] <= 2:
                f.append(f"page {n}: mark {mk['corner']} thickness {mk['thickness_mm']} mm, want 0.5-2")
        q = p.get("qr")
        if not q:
            f.append(f"page {n}: no QR code")
            continue
        if abs(q["w"] - q["h"]) > EPS or not 10 - EPS <= q["w"] <= 15 + EPS:
            f.append(f"page {n}: QR code {q['w']} x {q['h']} mm, want a square of 10-15 mm")
    return f


def scanned(p):
    """Everything a scanner reads on page p, as (name, rect)."""
    out = []
    for b in p.get("boxes", []):
        out.append((f"box {b['question']}={b['kind']}:{b['value']}", rect(b)))
    for d in p.get("digits", []):
        out.append((f"digit {d['question']}#{d['position']}", rect(d)))
    for t in p.get("text_areas", []):
        out.append((f"text area {t['question']}", rect(t)))
    if p.get("qr"):
        out.append(("QR code", rect(p["qr"])))
    return out


def check_placement(lay, box_clear=4.0, mark_clear=2.0):
    """Squares of the right size, no overlaps, 4 mm between checkboxes, everything
    scanned away from the edge, off the marks and inside the square they span."""
    f = []
    W, H = lay["page"]["width_mm"], lay["page"]["height_mm"]
    margin = max(10.0, lay["page"].get("margin_mm", 10.0))
    for p in lay["pages"]:
        n = p["page"]
        for b in p.get("boxes", []):
            if abs(b["w"] - b["h"]) > EPS or not 3.5 - EPS <= b["w"] <= 5 + EPS:
                f.append(f"page {n}: box {b['question']}={b['value']} is {b['w']} x {b['h']} mm, want a square of 3.5-5")
            if b["kind"] not in ("scale", "single", "multiple", "yesno", "na"):
                f.append(f"page {n}: box {b['question']} has unknown kind {b['kind']!r}")
        for d in p.get("digits", []) + p.get("text_areas", []):
            if d["w"] <= 0 or d["h"] <= 0:
                f.append(f"page {n}: {d['question']} has an empty rectangle")
        items = scanned(p)
        arms = [(mk["corner"], r) for mk in p.get("marks", []) for r in mark_arms(mk)]
        xs = [mk["x"] for mk in p.get("marks", [])]
        ys = [mk["y"] for mk in p.get("marks", [])]
        inner = (min(xs), min(ys), max(xs), max(ys)) if xs else (margin, margin, W - margin, H - margin)
        for name, r in items:
            if r[0] < margin - EPS or r[1] < margin - EPS or r[2] > W - margin + EPS or r[3] > H - margin + EPS:
                f.append(f"page {n}: {name} at {fmt(r)} is within {margin:g} mm of the paper edge")
            if r[0] < inner[0] or r[1] < inner[1] or r[2] > inner[2] or r[3] > inner[3]:
                f.append(f"page {n}: {name} at {fmt(r)} is outside the corner marks {fmt(inner)}")
            for corner, a in arms:
                if intersects(r, a, mark_clear - EPS):
                    f.append(f"page {n}: {name} at {fmt(r)} is within {mark_clear:g} mm of the {corner} mark")
                    break
        for i in range(len(items)):
            for j in range(i + 1, len(items)):
                (na, ra), (nb, rb) = items[i], items[j]
                if intersects(ra, rb, -EPS):
                    f.append(f"page {n}: {na} {fmt(ra)} overlaps {nb} {fmt(rb)}")
        boxes = [(f"{b['question']}={b['kind']}:{b['value']}", rect(b)) for b in p.get("boxes", [])]
        for i in range(len(boxes)):
            for j in range(i + 1, len(boxes)):
                g = gap(boxes[i][1], boxes[j][1])
                if g < box_clear - EPS:
                    f.append(f"page {n}: boxes {boxes[i][0]} and {boxes[j][0]} are {g:.2f} mm apart, want at least {box_clear:g}")
    return f


def fmt(r):
    return "[%.1f,%.1f..%.1f,%.1f]" % r


def check_complete(lay, m, min_row_mm=5.0):
    """Every question has exactly the boxes, digits or text area it needs, all on one
    page, in the questionnaire's order; nothing belongs to an unknown question."""
    f = []
    qs = {q["id"]: q for q in m["questions"]}
    marks, digits, areas, page_of = {}, {}, {}, {}
    for p in lay["pages"]:
        n = p["page"]
        for kind, lst in (("box", p.get("boxes", [])), ("digit", p.get("digits", [])),
                          ("text area", p.get("text_areas", []))):
            for e in lst:
                qid = e["question"]
                if qid not in qs:
                    f.append(f"page {n}: {kind} of unknown question {qid!r}")
                    continue
                page_of.setdefault(qid, set()).add(n)
                if kind == "box":
                    marks.setdefault(qid, []).append((e["kind"], e["value"]))
                elif kind == "digit":
                    digits.setdefault(qid, []).append(e)
                else:
                    areas.setdefault(qid, []).append(e)
    last_page = 0
    for q in m["questions"]:
        qid = q["id"]
        want = sorted(expected_marks(q), key=repr)
        got = sorted(marks.get(qid, []), key=repr)
        if got != want:
            f.append(f"question {qid} ({q['type']}): boxes {got}, want {want}")
        if q["type"] == "number":
            ds = sorted(digits.get(qid, []), key=lambda d: d["position"])
            nd = expected_digits(q)
            if [d["position"] for d in ds] != list(range(nd)):
                f.append(f"question {qid} (number {q['min']}..{q['max']}): digit positions "
                         f"{[d['position'] for d in ds]}, want 0..{nd - 1}")
            for a, b in zip(ds, ds[1:]):
                if not (b["x"] > a["x"] and abs(b["y"] - a["y"]) < EPS):
                    f.append(f"question {qid}: digit {b['position']} is not right of digit {a['position']} on the same line")
        elif digits.get(qid):
            f.append(f"question {qid} ({q['type']}) has digit boxes")
        if q["type"] == "text":
            a = areas.get(qid, [])
            if len(a) != 1:
                f.append(f"question {qid} (text): {len(a)} text areas, want 1")
            elif a[0]["h"] < q["rows"] * min_row_mm - EPS:
                f.append(f"question {qid} (text, {q['rows']} rows): text area {a[0]['h']} mm high, "
                         f"want at least {q['rows'] * min_row_mm:g}")
        elif areas.get(qid):
            f.append(f"question {qid} ({q['type']}) has a text area")
        pages = sorted(page_of.get(qid, ()))
        if len(pages) > 1:
            f.append(f"question {qid} is split over pages {pages}")
        if pages:
            if pages[0] < last_page:
                f.append(f"question {qid} is on page {pages[0]}, before an earlier question (page {last_page})")
            last_page = max(last_page, pages[-1])
    return f


def grid_pages(lay, m):
    """{grid id: sorted pages its items are on}, to report grids split over pages."""
    page_of = {}
    for p in lay["pages"]:
        for b in p.get("boxes", []):
            page_of.setdefault(b["question"], set()).add(p["page"])
    out = {}
    for g in m["grids"]:
        out[g["id"]] = sorted(set().union(*(page_of.get(i, set()) for i in g["items"])))
    return out


def check_all(lay, m, npages_pdf=None):
    return check_header(lay, m, npages_pdf) + check_marks_and_qr(lay) + check_placement(lay) + check_complete(lay, m)

