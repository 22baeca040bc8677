#!/usr/bin/env python3
"""tests/report/check_confidentiality.py - nothing derived from a hidden group, anywhere.

Usage: check_confidentiality.py ENKAT

Generates a store of four units over 2019-2022 whose small groups are known
by construction, imports it, and reads back every output an analyst or a
board member gets: `enkat stats --format csv` for all units and for each
unit, and the one-unit and all-units workbooks of 2020 and 2022 (openpyxl for
the cells; the XML parts for the charts). Two kinds of checks
(docs/statistics.md, section 11, is the rule):

1. Direct, for every cell: the expected counts are computed here from the
   generated answers, not read from enkat. A group with 1-4 answers is hidden;
   a hidden row shows no number but n; the row after a hidden year shows no
   previous share, difference, interval, p or verdict; an area is hidden when
   one of its questions with answers is; the hidden units of a year x question
   are none, or at least the threshold together, or all; a one-unit table hides
   what the all-units table hides; a trend equals the least-squares slope
   (plain arithmetic here) through the shown years only; a distribution that
   the rule hides has no number and no chart on the Fördelning sheet (for the
   total: when the hidden units' summed distribution would be hidden).
2. Non-interference: a second store equals the first except that answers are
   swapped between respondents of hidden groups (twins on every other question
   of the area, so that the total and every shown cell stay the same). Every
   output must then be byte-identical: anything that changes was derived from
   a hidden group.
Prints one line per failed check and the number of checks; exits 1 on any
failure.
"""
import csv
import io
import os
import random
import subprocess
import sys
import tempfile
import zipfile

import openpyxl

ENKAT = os.path.abspath(sys.argv[1])
MIN_N = 5
YEARS = [2019, 2020, 2021, 2022]
QUESTIONS = ["skola_a", "skola_b", "skola_c", "stod_a", "stod_b", "skola_varfor"]
# skola_varfor is asked only of those who answered 1 or 2 on skola_a: its
# n + na + missing counts skola_a's low answers
FOLLOW = {"skola_varfor": ("skola_a", (1, 2))}
AREA = {"skola_a": "skola", "skola_b": "skola", "skola_c": "skola", "stod_a": "stod",
        "stod_b": "stod", "skola_varfor": None}
# The 2021 edition renames skola_c (was: skola_c); Gamlby answered only the
# 2019 edition, so a table of Gamlby alone must still use the store's latest
# edition, as the all-units table does.
RENAMED = {"skola_c": "skola_hansyn"}
TEXT = {"skola_a": "Samarbetet med skolan fungerar bra",
        "skola_b": "Jag får veta det jag behöver om barnets skolgång",
        "skola_c": "Skolan tar hänsyn till barnets situation",
        "stod_a": "Familjehemssekreteraren är lätt att nå",
        "stod_b": "Jag får det stöd jag behöver",
        "skola_varfor": "Skolan har förklarat varför det inte fungerar"}
# responses per unit and year: Lillby and Småby are small on purpose
SIZES = {"Storby": [40, 38, 42, 41], "Mellanby": [25, 24, 26, 23],
         "Lillby": [4, 12, 7, 9], "Småby": [6, 6, 6, 3], "Gamlby": [30, 28, 0, 0]}
NA = 9

def yaml(edition):
    def qid(q):
        return RENAMED.get(q, q) if edition >= 2021 else q

    def question(q):
        text = f"""      - id: {qid(q)}
        type: scale
        scale: fem
        text: {TEXT[q]}
"""
        if AREA[q]:
            text += f"        area: {AREA[q]}\n"
        if q in FOLLOW:
            ctrl, vals = FOLLOW[q]
            text += f"        show_if: {{question: {qid(ctrl)}, in: [{', '.join(map(str, vals))}]}}\n"
        if edition >= 2021 and q in RENAMED:
            text += f"        was: {q}\n"
        return text

    return f"""survey: sekretess
edition: {edition}
languages: [sv]
title: Enkät till familjehem
scales:
  - id: fem
    points:
      - {{value: 1, label: Stämmer inte alls}}
      - {{value: 2, label: Stämmer ganska dåligt}}
      - {{value: 3, label: Stämmer delvis}}
      - {{value: 4, label: Stämmer ganska bra}}
      - {{value: 5, label: Stämmer helt}}
    positive: [4, 5]
    not_applicable: {{code: 9, label: Vet ej}}
areas:
  - id: skola
    label: Samarbete med skolan
  - id: stod
    label: Stöd från socialtjänsten
sections:
  - id: s1
    title: Frågor
    questions:
""" + "".join(question(q) for q in QUESTIONS)


def edition_of(year):
    return 2021 if year >= 2021 else 2019


def qname(q, year=2022):
    """The id a question has in the tables: the latest edition's."""
    return RENAMED.get(q, q)


failures = []
checks = 0


def check(ok, msg):
    global checks
    checks += 1
    if not ok:
        failures.append(msg)
    return ok


def generate():
    """answers[unit][year] = list of respondents, each a dict question -> value."""
    rnd = random.Random(12)
    data = {}
    for unit, sizes in SIZES.items():
        data[unit] = {}
        for y, n in zip(YEARS, sizes):
            if n == 0:
                continue
            rows = []
            for _ in range(n):
                mood = rnd.random()
                r = {q: min(5, max(1, round(1 + 4 * mood + rnd.gauss(0, 0.9))))
                     for q in QUESTIONS}
                for q, (ctrl, vals) in FOLLOW.items():
                    if r[ctrl] not in vals:
                        r[q] = None  # not asked
                rows.append(r)
            data[unit][y] = rows
    # Lillby 2021: only 3 of 7 answer skola_c on the scale (a question hidden
    # inside an area of 7 respondents)
    for r in data["Lillby"][2021][3:]:
        r["skola_c"] = NA
    return data


# The swaps of the second store: (year, question, unit a, unit b). Each pair is
# hidden in both units; respondent 0 of a and of b are made twins on the
# area's other questions (in both stores), a's answer positive, b's not.
SWAPS = [(2019, "skola_a", "Lillby", "Småby"),  # primary (4) and secondary (6)
         (2021, "skola_c", "Lillby", "Småby"),  # 3 answers, and the next smallest
         (2019, "stod_a", "Lillby", "Småby"),
         (2022, "stod_b", "Småby", "Lillby")]   # primary (3) and secondary (9)


def twins(data, swapped):
    for y, q, ua, ub in SWAPS:
        a, b = data[ua][y][0], data[ub][y][0]
        for other in QUESTIONS:
            if AREA[other] == AREA[q] and other != q and other not in FOLLOW:
                if a[other] == NA:
                    a[other] = 4
                b[other] = a[other]
        a[q], b[q] = (2, 5) if swapped else (5, 2)
        for f, (ctrl, vals) in FOLLOW.items():
            if ctrl == q:  # the follow-up's answer goes with the answer asking it
                a[f], b[f] = (3, None) if swapped else (None, 3)


def write_store(dirname, data):
    os.makedirs(dirname)
    for ed in (2019, 2021):
        with open(os.path.join(dirname, f"q{ed}.yaml"), "w") as f:
            f.write(yaml(ed))
    with open(os.path.join(dirname, "manifest.csv"), "w", newline="") as m:
        mw = csv.writer(m, lineterminator="\n")
        mw.writerow(["unit", "year", "sent", "file", "edition"])
        for unit in SIZES:
            for y in YEARS:
                if y not in data[unit]:
                    continue
                name = f"{unit.lower()}-{y}.csv"
                ed = edition_of(y)
                mw.writerow([unit, y, len(data[unit][y]) * 2, name, ed])
                ids = [RENAMED.get(q, q) if ed >= 2021 else q for q in QUESTIONS]
                with open(os.path.join(dirname, name), "w", newline="") as f:
                    w = csv.writer(f, lineterminator="\n")
                    w.writerow(["respondent", "date"] + ids)
                    for i, r in enumerate(data[unit][y]):
                        w.writerow([f"R{i + 1:03d}", f"{y}-10-01"] +
                                   ["" if r[q] is None else r[q] for q in QUESTIONS])
    db = os.path.join(dirname, "s.db")
    run(["import", "--db", db, "--questionnaire", os.path.join(dirname, "q2019.yaml"),
         "--questionnaire", os.path.join(dirname, "q2021.yaml"),
         "--manifest", os.path.join(dirname, "manifest.csv")])
    return db


def run(args):
    p = subprocess.run([ENKAT] + args, capture_output=True)
    if p.returncode != 0:
        sys.exit(f"enkat {' '.join(args)}: exit {p.returncode}: {p.stderr.decode()}")
    return p.stdout


def units_in(year):
    return [u for u in SIZES if SIZES[u][YEARS.index(year)] > 0]


def outputs(db, work):
    """Every output, by name: CSV text, or the workbook's XML parts."""
    out = {"stats-all": run(["stats", "--db", db, "--all-units", "--format", "csv"])}
    for unit in SIZES:
        out[f"stats-{unit}"] = run(["stats", "--db", db, "--unit", unit, "--format", "csv"])
    for y in (2020, 2022):
        for scope in ["--all-units"] + [f"--unit={u}" for u in units_in(y)]:
            path = os.path.join(work, f"r{y}{scope}.xlsx")
            run(["report", "--db", db, scope, "--year", str(y), "--created", "1700000000",
                 "-o", path])
            out[f"report {y} {scope}"] = path
    return out


def counts(data, unit, year, q):
    vals = [r[q] for r in data[unit].get(year, []) if r[q] not in (NA, None)]
    dist = [sum(1 for v in vals if v == p) for p in range(1, 6)]
    return sum(1 for v in vals if v >= 4), len(vals), dist


def dist_hidden(dist):
    """statistics.md: a group below the threshold, or below 20 with a cell of 1..threshold-1."""
    n = sum(dist)
    return n < MIN_N or (n < 20 and any(0 < c < MIN_N for c in dist))


def slope(points):
    """Least-squares slope of (year, 100·x/n), the years centred."""
    mx = sum(p[0] for p in points) / len(points)
    my = sum(p[1] for p in points) / len(points)
    return (sum((p[0] - mx) * (p[1] - my) for p in points) /
            sum((p[0] - mx) ** 2 for p in points))


DERIVED = ["prev_share", "diff", "diff_low", "diff_high", "diff_p", "diff_p_adj", "significant",
           "change"]
NUMBERS = ["positive", "share", "ci_low", "ci_high", "mean", "index", "trend_slope_pp",
           "trend_p"] + DERIVED


def check_stats(data, text, label, units):
    rows = {(r["unit"], int(r["year"]), r["question"], r["is_area"] == "1"): r
            for r in csv.DictReader(io.StringIO(text.decode()))}
    hidden = {k for k, r in rows.items() if r["suppressed"] == "1"}
    for unit in units:
        for i, y in enumerate(YEARS):
            for q in QUESTIONS:
                x, n, _ = counts(data, unit, y, q)
                r = rows.get((unit, y, qname(q), False))
                if r is None and n == 0 and y not in data[unit]:
                    continue  # a one-unit table has the unit's years only
                if not check(r is not None and (r["n"] == "" or int(r["n"]) == n),
                             f"{label}: {unit} {y} {q} n"):
                    continue
                # a follow-up of a hidden question, or of one whose distribution
                # is hidden, hides even its counts (they count the low answers)
                if q in FOLLOW and y in data[unit]:
                    ctrl = FOLLOW[q][0]
                    cr = rows[(unit, y, qname(ctrl), False)]
                    _, cn, cd = counts(data, unit, y, ctrl)
                    if cn > 0 and (cr["suppressed"] == "1" or dist_hidden(cd)):
                        check(r["suppressed"] == "1" and r["n"] == r["na"] == r["missing"] == "",
                              f"{label}: {unit} {y} {q} shows n={r['n']} na={r['na']} "
                              f"missing={r['missing']} though {ctrl} is hidden")
                if 0 < n < MIN_N:
                    check(r["suppressed"] == "1", f"{label}: {unit} {y} {q} n={n} not hidden")
                if r["suppressed"] == "1":
                    for c in NUMBERS:
                        check(r[c] == "", f"{label}: hidden {unit} {y} {q} shows {c}={r[c]}")
                # the row after a hidden year
                prev = rows.get((unit, YEARS[i - 1], qname(q), False)) if i else None
                if prev and prev["suppressed"] == "1" and counts(data, unit, YEARS[i - 1], q)[1] > 0:
                    for c in DERIVED:
                        check(r[c] == "", f"{label}: {unit} {y} {q} {c}={r[c]} after hidden "
                                          f"{YEARS[i - 1]}")
                # the trend through the shown years only (Python's arithmetic)
                if r["suppressed"] == "0":
                    pts = []
                    for py in YEARS[:i + 1]:
                        px, pn, _ = counts(data, unit, py, q)
                        if pn and rows[(unit, py, qname(q), False)]["suppressed"] == "0":
                            pts.append((py, 100 * px / pn))
                    want = slope(pts) if len(pts) >= 2 else None
                    got = float(r["trend_slope_pp"]) if r["trend_slope_pp"] else None
                    check((want is None and got is None) or
                          (want is not None and got is not None and abs(want - got) < 1e-7 * (1 + abs(want))),
                          f"{label}: {unit} {y} {q} trend {got}, shown years give {want}")
                # an area with a hidden question is hidden
                if n > 0 and r["suppressed"] == "1" and AREA[q]:
                    a = rows.get((unit, y, AREA[q], True))
                    check(a is not None and a["suppressed"] == "1",
                          f"{label}: {unit} {y} area {AREA[q]} shown with hidden {q}")
            for area in sorted(set(a for a in AREA.values() if a)):
                a = rows.get((unit, y, area, True))
                if a and a["suppressed"] == "1":
                    for c in NUMBERS:
                        check(a[c] == "", f"{label}: hidden area {unit} {y} {area} shows {c}")
    return rows, hidden


def check_secondary(data, rows):
    """The hidden units of a year x question are none, or at least the
    threshold together, or all (their n from the generated answers)."""
    for y in YEARS:
        for q in QUESTIONS:
            ns = [(counts(data, u, y, q)[1], rows[(u, y, qname(q), False)]["suppressed"])
                  for u in SIZES if counts(data, u, y, q)[1] > 0]
            hidden = sum(n for n, s in ns if s == "1")
            allhidden = all(s == "1" for _, s in ns)
            check(hidden == 0 or hidden >= MIN_N or allhidden,
                  f"stats-all: {y} {q}: hidden units sum to {hidden}, the total gives them away")


def sheet_rows(ws):
    return [[c.value for c in row] for row in ws.iter_rows()]


def check_workbook(data, path, label, unit, year, rows):
    wb = openpyxl.load_workbook(path)
    names = wb.sheetnames
    # the summary: a hidden previous year shows ".." for that year and the change
    summary = sheet_rows(wb[names[0]])
    head = next((r for r in summary if r and r[0] == "Fråga eller område"), None)
    i = YEARS.index(year)
    if unit and head:
        prev_col = head.index(f"Andel positiva {YEARS[i - 1]}")
        for q in QUESTIONS:
            prev = rows.get((unit, YEARS[i - 1], qname(q), False))
            line = next((r for r in summary if r and r[0] == TEXT[q]), None)
            if prev and prev["suppressed"] == "1" and counts(data, unit, YEARS[i - 1], q)[1] > 0 and line and \
                    rows[(unit, year, qname(q), False)]["suppressed"] == "0":
                check(line[prev_col] == ".." and line[prev_col + 1] == "..",
                      f"{label}: summary {q} shows {line[prev_col]!r} {line[prev_col + 1]!r} "
                      f"for hidden {YEARS[i - 1]}")
    # the distributions: a hidden one has no number
    dist = sheet_rows(wb["Fördelning"])
    drawn = 0
    for q in QUESTIONS:
        at = next((k for k, r in enumerate(dist) if r and r[0] == TEXT[q]), None)
        if not check(at is not None, f"{label}: no distribution block for {q}"):
            continue
        for r in dist[at + 2:at + 4]:
            if not isinstance(r[0], int):
                continue
            if unit:
                _, _, d = counts(data, unit, r[0], q)
                must_hide = dist_hidden(d) or rows[(unit, r[0], qname(q), False)]["suppressed"] == "1"
            else:
                # the total: shown units are known, so the hidden ones' sum shows
                rest = [0] * 5
                for u in SIZES:
                    _, _, d = counts(data, u, r[0], q)
                    if dist_hidden(d) or rows[(u, r[0], qname(q), False)]["suppressed"] == "1":
                        rest = [a + b for a, b in zip(rest, d)]
                must_hide = sum(rest) > 0 and dist_hidden(rest)
            nums = [v for v in r[1:6] if isinstance(v, (int, float))]
            if must_hide:
                check(not nums and r[1] == "..",
                      f"{label}: distribution {q} {r[0]} drawn ({r[1:6]}) though hidden")
            else:
                drawn += 1
    charts = [n for n in zipfile.ZipFile(path).namelist() if n.startswith("xl/charts/chart")]
    check(len(charts) > 0, f"{label}: no charts at all")
    return drawn


def parts(path):
    z = zipfile.ZipFile(path)
    return {n: z.read(n) for n in z.namelist()}


def main():
    tmp = tempfile.mkdtemp(prefix="enkat-conf-")
    base = generate()
    twins(base, False)
    other = generate()
    twins(other, True)
    db_a = write_store(os.path.join(tmp, "a"), base)
    db_b = write_store(os.path.join(tmp, "b"), other)
    out_a = outputs(db_a, os.path.join(tmp, "a"))
    out_b = outputs(db_b, os.path.join(tmp, "b"))

    # the swaps are between hidden cells only (else the test proves nothing)
    rows_all, hidden_all = check_stats(base, out_a["stats-all"], "stats-all", SIZES)
    for y, q, ua, ub in SWAPS:
        check((ua, y, qname(q), False) in hidden_all and (ub, y, qname(q), False) in hidden_all,
              f"swap {y} {q} {ua}/{ub} is not between hidden cells")
    check_secondary(base, rows_all)
    for unit in SIZES:
        rows_u, hidden_u = check_stats(base, out_a[f"stats-{unit}"], f"stats-{unit}", [unit])
        # the same cells hidden, over the years the unit answered (the
        # all-units table also lists its other years, empty)
        mine = {k for k in hidden_all if k[0] == unit and k[1] in base[unit]}
        check(hidden_u == mine and set(rows_u) <= set(rows_all),
              f"stats-{unit}: hides {sorted(hidden_u ^ mine)} unlike the all-units table, "
              f"or has rows it has not: {sorted(set(rows_u) - set(rows_all))[:4]}")
    drawn = 0
    for y in (2020, 2022):
        drawn += check_workbook(base, out_a[f"report {y} --all-units"], f"report {y} all", None, y,
                                rows_all)
        for unit in units_in(y):
            drawn += check_workbook(base, out_a[f"report {y} --unit={unit}"],
                                    f"report {y} {unit}", unit, y, rows_all)
    check(drawn > 10, f"only {drawn} distributions drawn: the check compared too little")

    # non-interference: nothing changes when only hidden answers change
    for name in out_a:
        a, b = out_a[name], out_b[name]
        if name.startswith("stats"):
            if not check(a == b, f"{name}: differs when only hidden answers change"):
                for la, lb in zip(a.decode().splitlines(), b.decode().splitlines()):
                    if la != lb:
                        failures.append(f"    {la}\n    {lb}")
        else:
            pa, pb = parts(a), parts(b)
            diff = sorted(n for n in set(pa) | set(pb) if pa.get(n) != pb.get(n))
            check(not diff, f"{name}: parts {diff} differ when only hidden answers change")
    print(f"hidden cells: {len(hidden_all)} of {len(rows_all)}; swaps: {len(SWAPS)}; "
          f"outputs compared: {len(out_a)}; distributions shown: {drawn}")
    for f in failures:
        print(f)
    print(f"{checks} checks, {len(failures)} failed")
    sys.exit(1 if failures else 0)


main()
