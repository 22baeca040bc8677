#!/usr/bin/env python3
"""tests/report/check_many_units.py - the all-units report of many units stays readable.

Usage: check_many_units.py ENKAT SOURCE_ROOT

Generates a store of UNITS units over two years with bench/gen.py (national
mode), one unit renamed to a long name, writes the all-units report, and reads
it back with openpyxl and the XML parts (check_workbook.py's readers):

- Jämförelse: a chart per headline question, one page wide, no wider than its
  tables, not cut by a page break, no repeated rows over it; with more units
  than can be named under their bars, no names on the category axis; the
  sorted table under each chart lists every unit once, by share;
- the unit columns (Jämförelse, Jämförelsetabell) hold the longest name whole;
- Trender: the drop-down lists every unit.
Prints one line per failed check and exits 1 when any failed.
"""
import csv
import os
import re
import subprocess
import sys
import tempfile

import openpyxl

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import check_workbook as cw  # noqa: E402 (its readers and checks)

UNITS = 45
LONG = "Exempelenhet 001 med ett långt namn: socialtjänsten i norra länsdelen"


def main():
    if len(sys.argv) != 3:
        print(__doc__)
        return 2
    enkat, root = sys.argv[1], sys.argv[2]
    with tempfile.TemporaryDirectory(prefix="enkat-many-") as tmp:
        data = os.path.join(tmp, "data")
        subprocess.run(["/usr/bin/python3", os.path.join(root, "bench", "gen.py"), "national",
                        "--out", data, "--units", str(UNITS), "--years", "2", "--jobs", "1"],
                       check=True, capture_output=True)
        manifest = os.path.join(data, "manifest.csv")
        with open(manifest, newline="", encoding="utf-8") as f:
            rows = list(csv.reader(f))
        for r in rows[1:]:
            if r[0] == "Exempelenhet 001":
                r[0] = LONG
        with open(manifest, "w", newline="", encoding="utf-8") as f:
            csv.writer(f, lineterminator="\n").writerows(rows)
        db = os.path.join(tmp, "store.db")
        subprocess.run([enkat, "import", "--db", db, "-q",
                        os.path.join(root, "examples", "familjehem.yaml"), "--manifest", manifest],
                       check=True, capture_output=True)
        path = os.path.join(tmp, "all.xlsx")
        subprocess.run([enkat, "report", "--db", db, "--all-units", "--created", "1736935200",
                        "-o", path], check=True, capture_output=True)
        wb = openpyxl.load_workbook(path)
        units = sorted({r[0] for r in rows[1:]})

        charts = cw.drawings(path, "Jämförelse")
        cw.check(len(charts) > 0, "Jämförelse has no charts")
        for x, *_ in charts:
            axis = re.search(r"<c:catAx>.*?</c:catAx>", x, re.S)
            cw.check(axis and '<c:tickLblPos val="none"/>' in axis.group(0),
                     f"{UNITS} units named under their bars")
        cw.check_pages(path, wb, "Jämförelse", "many")
        cw.check_fits_width(path, wb, "Jämförelse", "many")
        ws = wb["Jämförelse"]
        heads = [r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "Enhet"]
        cw.check(len(heads) == len(charts), f"{len(heads)} sorted tables for {len(charts)} charts")
        for h in heads:
            listed, shares = [], []
            r = h + 1
            while ws.cell(r, 1).value:
                listed.append(ws.cell(r, 1).value)
                shares.append(ws.cell(r, 2).value)
                r += 1
            cw.check(sorted(listed) == sorted(units + ["Alla enheter (vägt)"]),
                     f"the sorted table at row {h} lists {len(listed)} units")
            nums = [s for s in shares if isinstance(s, float)]
            cw.check(nums == sorted(nums, reverse=True), f"the sorted table at row {h} is not by share")
        for sheet in ("Jämförelse", "Jämförelsetabell"):
            if not cw.check(sheet in wb.sheetnames, f"no sheet {sheet}"):
                continue
            w = wb[sheet].column_dimensions["A"].width
            cw.check(w >= len(LONG), f"{sheet}: the unit column is {w} wide, the longest name {len(LONG)}")
        ws = wb["Trender"]
        dv = [d for d in ws.data_validations.dataValidation if "B3" in str(d.sqref)]
        if cw.check(len(dv) == 1, "Trender has no drop-down"):
            first, last = dv[0].formula1.replace("$", "").split(":")
            listed = [row[0].value for row in ws[first:last]]
            cw.check(listed == units, f"the drop-down lists {len(listed)} units, want {len(units)}")
    for f in cw.failures:
        print(f"FAIL {f}")
    print(f"{cw.checks[0]} checks, {len(cw.failures)} failed")
    return 1 if cw.failures else 0


if __name__ == "__main__":
    sys.exit(main())
