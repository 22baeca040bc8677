"""tests/paper/pixels.py - checks a rendered page against the layout, pixel by pixel.

The page is rendered by pdftoppm (greyscale, antialiased). A box outline of
0.4 pt is under one pixel wide at 150 dpi and may be split over two pixels, so
an edge counts as drawn where the darkest pixel of a band +-1 px across it is
clearly not white (< DARK); a box's inside and the ring around it count as
empty when their pixels are near white. These are the same tests a scanner
makes to find an empty box, so the layout and the drawing cannot drift apart.
"""
from paperlib import mark_arms, zbar

DARK = 200   # an edge pixel darker than this is ink (white is 255)
WHITE = 215  # a pixel lighter than this is paper
SOLID = 110  # inside a 1 mm thick mark arm the ink is solid


def edge_samples(img, x0, y0, x1, y1):
    """For a horizontal (y0 == y1) or vertical edge, the darkest pixel of a +-1 px band
    across the edge at each pixel along it (corners left out)."""
    out = []
    inset = 0.6
    if abs(y1 - y0) < 1e-9:
        r = img.p(y0)
        for c in range(int(img.p(x0 + inset)), int(img.p(x1 - inset)) + 1):
            out.append(min(img.at(c, rr) for rr in range(int(r) - 2, int(r) + 2)))
    else:
        c = img.p(x0)
        for r in range(int(img.p(y0 + inset)), int(img.p(y1 - inset)) + 1):
            out.append(min(img.at(cc, r) for cc in range(int(c) - 2, int(c) + 2)))
    return out


def outline_problems(img, r, ring=True, inner=0.7, ring_from=0.7, ring_to=1.3):
    """What is wrong with the outlined square/rectangle r (mm) on img: [] when its four
    edges are drawn, its inside is empty and (ring) the space just around it is empty."""
    x0, y0, x1, y1 = r
    probs = []
    for name, e in (("top", (x0, y0, x1, y0)), ("bottom", (x0, y1, x1, y1)),
                    ("left", (x0, y0, x0, y1)), ("right", (x1, y0, x1, y1))):
        s = edge_samples(img, *e)
        dark = sum(1 for v in s if v < DARK)
        if not s or dark < 0.9 * len(s):
            probs.append(f"{name} edge drawn at {dark}/{len(s)} px")
    inside = img.region(x0 + inner, y0 + inner, x1 - inner, y1 - inner)
    ink = sum(1 for v in inside if v < WHITE)
    if ink:
        probs.append(f"{ink}/{len(inside)} px inked inside")
    if ring:
        # the ring: the pixels of the square ring_to out that are not in the one ring_from out
        outer = img.region(x0 - ring_to, y0 - ring_to, x1 + ring_to, y1 + ring_to)
        hole = img.region(x0 - ring_from, y0 - ring_from, x1 + ring_from, y1 + ring_from)
        ring_dark = sum(1 for v in outer if v < WHITE) - sum(1 for v in hole if v < WHITE)
        ring_n = len(outer) - len(hole)
        if ring_n <= 0 or ring_dark > 0.1 * ring_n:
            probs.append(f"{ring_dark}/{ring_n} px inked in the ring {ring_from}-{ring_to} mm around it")
    return probs


def lines_in(img, r):
    """The number of separate horizontal lines drawn across at least 80% of r's width."""
    x0, y0, x1, y1 = r
    c0, c1 = int(img.p(x0 + 0.5)), int(img.p(x1 - 0.5))
    count, inrun = 0, False
    for row in range(int(img.p(y0)) - 2, int(img.p(y1)) + 3):
        vals = [img.at(c, row) for c in range(c0, c1 + 1)]
        full = bool(vals) and sum(1 for v in vals if v < 235) >= 0.8 * len(vals)
        if full and not inrun:
            count += 1
        inrun = full
    return count


def mark_problems(img, mk):
    """What is wrong with the corner mark mk on img: its arms must be solid ink along
    their middle, and the paper just outside its corner, beyond its arms' ends and
    inside the L must be white."""
    probs = []
    for arm in mark_arms(mk):
        x0, y0, x1, y1 = arm
        if x1 - x0 > y1 - y0:  # along the middle line of the arm
            r = int(img.p((y0 + y1) / 2))
            vals = [img.at(c, r) for c in range(int(img.p(x0 + 0.5)), int(img.p(x1 - 0.5)) + 1)]
        else:
            c = int(img.p((x0 + x1) / 2))
            vals = [img.at(c, r) for r in range(int(img.p(y0 + 0.5)), int(img.p(y1 - 0.5)) + 1)]
        solid = sum(1 for v in vals if v < SOLID)
        if not vals or solid < 0.95 * len(vals):
            probs.append(f"arm {fmt(arm)} solid at {solid}/{len(vals)} px")
    x, y, a, t = mk["x"], mk["y"], mk["arm_mm"], mk["thickness_mm"]
    sx = 1 if mk["corner"][1] == "l" else -1
    sy = 1 if mk["corner"][0] == "t" else -1

    def white(px, py, what):  # a 1 mm square centred at (px, py)
        vals = img.region(px - 0.5, py - 0.5, px + 0.5, py + 0.5)
        ink = sum(1 for v in vals if v < WHITE)
        if ink > 0.1 * len(vals):
            probs.append(f"{what} at ({px:.1f},{py:.1f}) inked ({ink}/{len(vals)} px)")

    white(x - sx * 1.5, y - sy * 1.5, "outside the corner")
    white(x + sx * (a + 1.5), y + sy * t / 2, "beyond the horizontal arm")
    white(x + sx * t / 2, y + sy * (a + 1.5), "beyond the vertical arm")
    white(x + sx * (t + 2), y + sy * (t + 2), "inside the L")
    return probs


def qr_problems(img, q, want, tmpfile, qr_img=None):
    """What is wrong with the QR code at rectangle q: it must hold ink (about half its
    modules) and, cut out of the page (qr_img, a finer rendering of it, when given)
    with a 4 mm quiet zone, decode to want."""
    r = (q["x"], q["y"], q["x"] + q["w"], q["y"] + q["h"])
    vals = img.region(*r)
    ink = sum(1 for v in vals if v < 128)
    probs = []
    if not vals or not 0.25 <= ink / len(vals) <= 0.75:
        probs.append(f"QR rectangle {fmt(r)} is {ink}/{len(vals)} px dark, want 25-75%")
    (qr_img or img).crop_pgm(r[0] - 4, r[1] - 4, r[2] + 4, r[3] + 4, tmpfile)
    got = zbar(tmpfile)
    if got != [want]:
        probs.append(f"QR cut out at {fmt(r)} decodes to {got}, want [{want!r}]")
    return probs


def fmt(r):
    return "[%.1f,%.1f..%.1f,%.1f]" % r


def page_problems(img, page, rows_of, tmpfile, shift=(0.0, 0.0), what=("boxes", "digits", "text", "marks", "qr"),
                  qr_img=None):
    """Every problem of one rendered page against its layout page, the layout moved by
    shift (mm; the negative control); rows_of gives each text question's rows; the QR
    code is decoded from qr_img when given (zbar needs more than 150 dpi for a 12 mm
    code of level H). Returns (problems, number of things checked,
    number of boxes that failed)."""
    dx, dy = shift
    probs, checked, box_fail = [], 0, 0
    n = page["page"]

    def mv(e):
        return (e["x"] + dx, e["y"] + dy, e["x"] + e["w"] + dx, e["y"] + e["h"] + dy)

    if "boxes" in what:
        for b in page.get("boxes", []):
            checked += 1
            pr = outline_problems(img, mv(b))
            if pr:
                box_fail += 1
                probs.append(f"page {n}: box {b['question']}={b['kind']}:{b['value']} {fmt(mv(b))}: " + "; ".join(pr))
    if "digits" in what:
        for d in page.get("digits", []):
            checked += 1
            pr = outline_problems(img, mv(d), ring=False)
            if pr:
                probs.append(f"page {n}: digit {d['question']}#{d['position']} {fmt(mv(d))}: " + "; ".join(pr))
    if "text" in what:
        for t in page.get("text_areas", []):
            checked += 1
            want = rows_of.get(t["question"], 1)
            got = lines_in(img, mv(t))
            if got < want:
                probs.append(f"page {n}: text area {t['question']} {fmt(mv(t))}: {got} lines drawn, want at least {want}")
    if "marks" in what:
        for mk in page.get("marks", []):
            checked += 1
            m2 = dict(mk, x=mk["x"] + dx, y=mk["y"] + dy)
            pr = mark_problems(img, m2)
            if pr:
                probs.append(f"page {n}: mark {mk['corner']}: " + "; ".join(pr))
    if "qr" in what and page.get("qr"):
        checked += 1
        q = dict(page["qr"], x=page["qr"]["x"] + dx, y=page["qr"]["y"] + dy)
        pr = qr_problems(img, q, page["qr_text"], tmpfile, qr_img)
        if pr:
            probs.append(f"page {n}: " + "; ".join(pr))
    return probs, checked, box_fail
