#!/usr/bin/env python3
"""tests/report/check_reading.py - the workbook as a board member reads it (issue 15).

Usage: check_reading.py ENKAT

Builds small stores whose shares are known by construction, imports them with
ENKAT, writes the reports and reads them back with openpyxl. Checks:

1. The year: the report's title, page headers and document title name the
   report year, never another (the latest edition's title still ends in
   "2023" here, as a title someone forgot to edit would); a first-year
   report dates no trend "sedan" its own year.
2. The sentences: the phrase comes from the percent shown, so two shares that
   both show 69 % read alike; the phrases are those of the table in
   docs/statistics.md, section 12 (the independent source of the expected
   words); a significant change is told ("upp från 89 % förra året"), a
   change that is not is "ungefär som förra året"; no comparison with a
   hidden year; a question's predicate ends its sentence; a singular phrase
   ("var tredje") is not put before a plural predicate.
3. The marks: the change (▲ ▼) and the trend (↑ ↓) have marks and legend
   lines of their own; a year a question was not asked shows "." (SCB's
   "uppgift kan inte förekomma"), a hidden figure "..".
4. The Data sheet: the CSV's codes in the row above the table, a header in
   the report's language, flags as 1/0 shown as "ja"/"nej", the total under its name, an
   area's positive never above its n.
Prints one line per failed check and the number of checks; exits 1 on any
failure.
"""
import csv
import os
import subprocess
import sys
import tempfile

import openpyxl
from openpyxl.utils import get_column_letter

ENKAT = os.path.abspath(sys.argv[1])

QS = ["nojd", "skola", "tva", "tredje", "ny"]
TEXT = {"nojd": "Jag är nöjd med stödet",
        "skola": "Samarbetet med skolan fungerar bra",
        "tva": "Socialtjänsten svarar inom rimlig tid",
        "tredje": "Jag får den information jag behöver",
        "ny": "Jag blir tagen på allvar"}
# the 2024 edition adds "ny"; its title still ends in 2023
EDITIONS = {2023: ["nojd", "skola", "tva", "tredje"], 2024: QS}
# positive answers (5) of N respondents; the others answer 2
# Mellanby is there to be hidden beside Lillby in 2023 (secondary suppression:
# the total less Storby must not show Lillby's few answers)
N = {("Storby", 2023): 400, ("Storby", 2024): 400, ("Lillby", 2023): 3, ("Lillby", 2024): 30,
     ("Mellanby", 2023): 50, ("Mellanby", 2024): 50}
POS = {
    # 356/400 = 89 %, 380/400 = 95 %: z-test p = 0.0018, Holm x 4 still < 0.05
    ("Storby", 2023): {"nojd": 356, "skola": 280, "tva": 280, "tredje": 130},
    # 274/400 = 0.685 and 277/400 = 0.6925 both show 69 %; 132/400 = 33 %
    ("Storby", 2024): {"nojd": 380, "skola": 274, "tva": 277, "tredje": 132, "ny": 300},
    ("Lillby", 2023): {"nojd": 2, "skola": 2, "tva": 2, "tredje": 1},
    ("Lillby", 2024): {"nojd": 27, "skola": 20, "tva": 20, "tredje": 10, "ny": 20},
    ("Mellanby", 2023): {"nojd": 40, "skola": 30, "tva": 30, "tredje": 20},
    ("Mellanby", 2024): {"nojd": 40, "skola": 30, "tva": 30, "tredje": 20, "ny": 30},
}


def yaml(edition):
    qs = ""
    for q in EDITIONS[edition]:
        qs += f"""      - id: {q}
        type: scale
        scale: fem
        headline: true
        area: {"stod" if q in ("nojd", "tva") else "ovrigt"}
        text: {{sv: "{TEXT[q]}", en: "{TEXT[q]} (en)"}}
"""
        if q == "nojd":
            qs += '        predicate: {sv: är nöjda med stödet, en: are satisfied with the support}\n'
        if q == "tredje":
            qs += '        predicate: {sv: får den information de behöver, en: get the information they need}\n'
    return f"""survey: lasbar
edition: {edition}
languages: [sv, en]
title: {{sv: Enkät till familjehem 2023, en: Survey of foster homes 2023}}
scales:
  - id: fem
    points:
      - {{value: 1, label: {{sv: Stämmer inte alls, en: Not at all}}}}
      - {{value: 2, label: {{sv: Stämmer ganska dåligt, en: Hardly}}}}
      - {{value: 3, label: {{sv: Stämmer delvis, en: Partly}}}}
      - {{value: 4, label: {{sv: Stämmer ganska bra, en: Mostly}}}}
      - {{value: 5, label: {{sv: Stämmer helt, en: Fully}}}}
    positive: [4, 5]
areas:
  - id: stod
    label: {{sv: Stöd, en: Support}}
  - id: ovrigt
    label: {{sv: Övrigt, en: Other}}
sections:
  - id: s1
    title: {{sv: Frågor, en: Questions}}
    questions:
""" + qs


failures = []
checks = 0


def check(ok, msg):
    global checks
    checks += 1
    if not ok:
        failures.append(msg)
    return ok


def run(args):
    p = subprocess.run([ENKAT] + args, capture_output=True)
    if p.returncode != 0:
        sys.exit(f"enkat {' '.join(args)}: exit {p.returncode}: {p.stderr.decode()}")
    return p.stdout.decode()


def write_store(d, waves):
    os.makedirs(d)
    for ed in (2023, 2024):
        with open(os.path.join(d, f"q{ed}.yaml"), "w") as f:
            f.write(yaml(ed))
    with open(os.path.join(d, "manifest.csv"), "w", newline="") as m:
        mw = csv.writer(m, lineterminator="\n")
        mw.writerow(["unit", "year", "sent", "file", "edition"])
        for unit, year in waves:
            name = f"{unit.lower()}-{year}.csv"
            mw.writerow([unit, year, N[(unit, year)] + 10, name, year])
            qs = EDITIONS[year]
            with open(os.path.join(d, name), "w", newline="") as f:
                w = csv.writer(f, lineterminator="\n")
                w.writerow(["respondent", "date"] + qs)
                for i in range(N[(unit, year)]):
                    w.writerow([f"R{i + 1:03d}", f"{year}-10-01"] +
                               [5 if i < POS[(unit, year)][q] else 2 for q in qs])
    db = os.path.join(d, "s.db")
    eds = ["--questionnaire", os.path.join(d, "q2023.yaml")]
    if any(y == 2024 for _, y in waves):
        eds += ["--questionnaire", os.path.join(d, "q2024.yaml")]
    run(["import", "--db", db] + eds + ["--manifest", os.path.join(d, "manifest.csv")])
    return db


def report(db, path, *args):
    run(["report", "--db", db, "--created", "1700000000", "-o", path] + list(args))
    return openpyxl.load_workbook(path)


def texts(ws):
    return [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]


def sentence(ws, start):
    """The summary's sentence that starts with start (the question's words
    follow the phrase, so the phrase is checked with the whole start)."""
    found = [t for t in texts(ws) if t.startswith(start)]
    return found[0] if len(found) == 1 else None


def row_of(ws, label):
    for row in ws.iter_rows():
        if row[0].value == label:
            return [c.value for c in row]
    return None


def headers(wb):
    return [ws.oddHeader.left.text or "" for ws in wb.worksheets]


def check_year(wb, year, other, label):
    ws = wb.worksheets[0]
    check(ws["A1"].value == f"Enkät till familjehem {year}",
          f"{label}: title {ws['A1'].value!r}, want the report year {year}")
    for h in headers(wb):
        check(str(year) in h and str(other) not in h, f"{label}: page header {h!r}")
    check(wb.properties.title == f"Enkät till familjehem {year}",
          f"{label}: document title {wb.properties.title!r}")
    check(not any(str(other) in t for t in texts(ws)),
          f"{label}: the summary names {other}: {[t for t in texts(ws) if str(other) in t]}")


def main():
    work = tempfile.mkdtemp(prefix="enkat-reading-")
    both = write_store(os.path.join(work, "both"),
                       [(u, y) for u in ("Storby", "Mellanby", "Lillby") for y in (2023, 2024)])
    first = write_store(os.path.join(work, "first"), [("Storby", 2023)])

    # 1. the year
    wb = report(both, os.path.join(work, "storby.xlsx"), "--unit", "Storby")
    check_year(wb, 2024, 2023 + 2, "Storby 2024")
    check(any(str(t).startswith("Områden") for t in texts(wb.worksheets[0])),
          "Storby 2024: no areas section")
    # the edition's title says 2023: the 2024 report must not
    check(wb.worksheets[0]["A1"].value.count("2023") == 0, "Storby 2024: the edition's 2023 kept")
    wf = report(first, os.path.join(work, "first.xlsx"))
    check_year(wf, 2023, 2024, "first year")
    hdr = row_of(wf.worksheets[0], "Område / fråga")
    check(hdr is not None and not any("sedan" in str(v) for v in hdr),
          f"first year: a trend dated from its own year: {hdr}")

    # 2. the sentences (docs/statistics.md, section 12: 95 "fler än nio av
    # tio", 69 "knappt sju av tio", 33 "var tredje", 90 "nio av tio")
    ws = wb.worksheets[0]
    s = sentence(ws, "Fler än nio av tio (95 %) är nöjda med stödet")
    check(s == "Fler än nio av tio (95 %) är nöjda med stödet, upp från 89 % förra året",
          f"Storby: the predicate's sentence {s!r}")
    a = sentence(ws, "Knappt sju av tio (69 %) anser att samarbetet med skolan")
    b = sentence(ws, "Knappt sju av tio (69 %) anser att socialtjänsten svarar")
    check(a is not None and b is not None,
          f"Storby: 69 % worded two ways: {[t for t in texts(ws) if '(69 %)' in t]}")
    check(a is not None and a.endswith(", ungefär som förra året (70 %)"),
          f"Storby: a change that is not significant: {a!r}")
    t = sentence(ws, "33 % får den information de behöver")
    check(t is not None, "Storby: a singular phrase before a plural predicate: "
          f"{[x for x in texts(ws) if 'information' in x]}")
    ny = [x for x in texts(ws) if "tagen på allvar" in x and "(75 %)" in x]
    check(len(ny) == 1 and "förra året" not in ny[0] and "ungefär" not in ny[0],
          f"Storby: a question not asked last year compared: {ny}")
    en = report(both, os.path.join(work, "storby-en.xlsx"), "--unit", "Storby", "--lang", "en")
    s = sentence(en.worksheets[0], "More than nine in ten (95%) are satisfied with the support")
    check(s == "More than nine in ten (95%) are satisfied with the support, up from 89% last year",
          f"Storby (en): {s!r}")
    wl = report(both, os.path.join(work, "lillby.xlsx"), "--unit", "Lillby")
    s = sentence(wl.worksheets[0], "Nio av tio (90 %) är nöjda med stödet")
    check(s == "Nio av tio (90 %) är nöjda med stödet",
          f"Lillby: compared with a hidden year: {s!r}")

    # 3. the marks
    ws = wb.worksheets[0]
    hdr_row = None
    for r in range(1, ws.max_row + 1):
        if ws.cell(r, 1).value == "Område / fråga":
            hdr_row = r
    change_marks, trend_marks = set(), set()
    for r in range(hdr_row + 1, ws.max_row + 1):
        # the columns after "Alla enheter" (beside the total) and its mark
        change_marks.add(ws.cell(r, 10).value)
        trend_marks.add(ws.cell(r, 12).value)
    check(change_marks <= {None, "▲", "▼"} and "▲" in change_marks,
          f"Storby: change marks {change_marks}")
    check(trend_marks <= {None, "↑", "↓"}, f"Storby: trend marks {trend_marks}")
    legend = [x for x in texts(ws) if x.startswith(("▲", "↑", ".", "*"))]
    check(any(x.startswith("▲ ▼") and "↑" not in x for x in legend) and
          any(x.startswith("↑ ↓") and "▲" not in x for x in legend),
          f"Storby: change and trend under one legend line: {legend}")
    check(any(x.startswith(".  ") and "SCB" in x for x in legend),
          f"Storby: no legend line for '.': {legend}")
    ny = row_of(ws, TEXT["ny"])
    check(ny is not None and ny[7] == "." and ny[8] == ".",
          f"Storby: last year of a question not asked then: {ny and ny[7:9]}")
    nojd = row_of(wl.worksheets[0], TEXT["nojd"])
    check(nojd is not None and nojd[7] == ".." and nojd[8] == "..",
          f"Lillby: last year hidden: {nojd and nojd[7:9]}")
    tr = wb["Trender"]
    marks = {}
    for r in range(1, tr.max_row + 1):
        if tr.cell(r, 1).value == TEXT["ny"]:
            marks = {tr.cell(r + 1 + k, 1).value: tr.cell(r + 1 + k, 6).value for k in range(2)}
    check(marks.get(2023) == ".", f"Trender: the year 'ny' was not asked: {marks}")
    method = " ".join(texts(wb["Metod"]))
    check("SCB" in method and "knappt" in method and "drygt" in method,
          "Metod: the signs and the words are not explained")

    # 4. the Data sheet
    wa = report(both, os.path.join(work, "all.xlsx"), "--all-units")
    for w, label in ((wa, "all units"), (wb, "Storby")):
        d = w["Data"]
        codes = [c.value for c in d[1]]
        csv_head = run(["stats", "--db", both, "--all-units", "--format", "csv"]).splitlines()[0]
        check(codes == csv_head.split(","), f"{label}: Data codes {codes}")
        head = [c.value for c in d[2]]
        check(head[0] == "Enhet" and head[3] == "Antal svar (n)" and "Dold" in head,
              f"{label}: Data header {head}")
        col = {c: i for i, c in enumerate(codes)}
        rows = list(d.iter_rows(min_row=3, values_only=True))
        for name in ("significant", "suppressed", "is_area", "low_precision"):
            vals = {r[col[name]] for r in rows}
            check(vals <= {0, 1, None}, f"{label}: Data {name} written as {vals}")
            shown = {c.number_format for c in d[get_column_letter(col[name] + 1)][2:]
                     if c.value is not None}
            check(shown == {'"ja";"ja";"nej"'}, f"{label}: Data {name} shown as {shown}")
        for r in rows:
            if r[col["is_area"]] == 1 and r[col["positive"]] is not None:
                check(r[col["positive"]] <= r[col["n"]],
                      f"{label}: area {r[:3]} positive {r[col['positive']]} > n {r[col['n']]}")
        units = {r[0] for r in rows}
        check("*" not in units, f"{label}: the total named '*' in Data")
        if w is wa:
            check("Alla enheter (vägt)" in units, f"{label}: Data units {units}")

    print(f"{checks} checks, {len(failures)} failed")
    for f in failures:
        print("FAIL", f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
