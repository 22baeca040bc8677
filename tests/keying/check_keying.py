#!/usr/bin/env python3
"""tests/keying/check_keying.py - the keying workbook, written and read back.

Usage: check_keying.py ENKAT

`enkat form --format xlsx` on the example questionnaire, checked with openpyxl
against the YAML (read with PyYAML, not through enkat):
  - the first sheet is the instructions, naming every column and the import
    command; the answer sheet's header is `löpnummer`, then one column per
    question (a grid's items one each, a multiple-choice question one
    ID_VALUE column per option), frozen with the first column;
  - each column checks what is typed: a scale, single choice or yes/no column
    a list (on the hidden sheet) of exactly its codes and labels; a number
    column a whole number between the question's min and max; an option
    column 1 or 0;
  - filled with openpyxl (codes and labels, answers only where the skip
    logic asks), imported with `enkat import --source paper`, the export
    holds exactly what was keyed; the same workbook saved by LibreOffice
    (`--convert-to xlsx`) imports to the same export;
  - a bad cell is an error at its row and column (`bad.xlsx:4:2 (hemtyp)`),
    exit 1, nothing stored; a file that is not a workbook is refused.
Exit 0 when all is well, 1 with each problem printed, 77 when openpyxl or
LibreOffice is missing.
"""
import csv
import os
import random
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
EXAMPLE = os.path.join(ROOT, "examples", "familjehem.yaml")

try:
    import openpyxl
    import yaml
except ImportError:
    print("openpyxl or PyYAML missing: skipped")
    sys.exit(77)


def model():
    """The example's columns: (header, question dict, kind, option value)."""
    with open(EXAMPLE, encoding="utf-8") as f:
        doc = yaml.safe_load(f)
    scales = {s["id"]: s for s in doc["scales"]}
    cols = []
    for s in doc["sections"]:
        for q in s["questions"]:
            if q["type"] == "grid":
                for it in q["items"]:
                    d = dict(it, type="scale", scale=q["scale"], show_if=it.get("show_if", q.get("show_if")))
                    cols.append((it["id"], d, "scale", None))
            elif q["type"] == "multiple":
                for o in q["options"]:
                    cols.append((f"{q['id']}_{o['value']}", q, "option", int(o["value"])))
            else:
                cols.append((q["id"], q, q["type"], None))
    return cols, scales


def answers(q, scales):
    """code -> Swedish label of a scale, single or yes/no question."""
    if q["type"] == "scale":
        sc = scales[q["scale"]]
        out = {int(p["value"]): p["label"]["sv"] for p in sc["points"]}
        if "not_applicable" in sc:
            out[int(sc["not_applicable"]["code"])] = sc["not_applicable"]["label"]["sv"]
        return out
    if q["type"] == "single":
        return {int(o["value"]): o["label"]["sv"] for o in q["options"]}
    if q["type"] == "yesno":
        return {1: "Ja", 0: "Nej"}
    return {}


def run(args):
    return subprocess.run(args, capture_output=True, text=True)


def structure(path, cols, scales, f):
    wb = openpyxl.load_workbook(path)
    if wb.sheetnames[:2] != ["Instruktioner", "Svar"]:
        f.append(f"sheets {wb.sheetnames}, want Instruktioner then Svar first")
        return
    notes = " ".join(str(c.value) for row in wb["Instruktioner"].iter_rows() for c in row if c.value)
    if "enkat import --source paper" not in notes:
        f.append("the instructions do not give the import command")
    for h, _, _, _ in cols:
        if h not in notes:
            f.append(f"the instructions do not name column {h}")
    ws = wb["Svar"]
    header = [c.value for c in ws[1]]
    want = ["löpnummer"] + [h for h, _, _, _ in cols]
    if header != want:
        f.append(f"header {header}, want {want}")
        return
    if ws.freeze_panes != "B2":
        f.append(f"frozen at {ws.freeze_panes}, want B2 (the header row and löpnummer)")
    dvs = {}
    for dv in ws.data_validations.dataValidation:
        for rng in str(dv.sqref).split():
            dvs[openpyxl.utils.cell.range_boundaries(rng)[0]] = (dv, rng)
    for i, (h, q, kind, _) in enumerate(cols, start=2):
        dv, rng = dvs.get(i, (None, None))
        if dv is None:
            f.append(f"column {h}: no check")
            continue
        if not rng.endswith("5001"):
            f.append(f"column {h}: checked in {rng}, want rows 2 to 5001")
        if kind in ("scale", "single", "yesno"):
            sheet, cells = dv.formula1.lstrip("=").split("!")
            got = {c.value for row in wb[sheet][cells.replace("$", "")] for c in row}
            codes = answers(q, scales)
            want_set = set(codes) | set(codes.values())
            if dv.type != "list" or got != want_set:
                f.append(f"column {h}: list {sorted(map(str, got))}, want {sorted(map(str, want_set))}")
        elif kind == "number":
            if dv.type != "whole" or (dv.formula1, dv.formula2) != (str(q["min"]), str(q["max"])):
                f.append(f"column {h}: {dv.type} {dv.formula1}..{dv.formula2}, want whole {q['min']}..{q['max']}")
        elif kind == "option":
            if dv.type != "list" or dv.formula1 != '"1,0"':
                f.append(f"column {h}: {dv.type} {dv.formula1}, want the list 1,0")


def shown(q, keyed):
    c = q.get("show_if")
    if not c:
        return True
    v = keyed.get(c["question"])
    if v is None:
        return False
    want = {1 if c["equals"] is True else 0 if c["equals"] is False else int(c["equals"])} \
        if "equals" in c else {int(x) for x in c["in"]}
    return bool(set(v) & want) if isinstance(v, set) else v in want


def fill(path, out, cols, scales, rows=12, seed=7):
    """Fills the workbook; returns the expected export rows by respondent."""
    rnd = random.Random(seed)
    wb = openpyxl.load_workbook(path)
    ws = wb["Svar"]
    expected = {}
    for r in range(rows):
        keyed, exp = {}, {}
        ws.cell(row=2 + r, column=1, value=100 + r)
        qids_done = set()
        for i, (h, q, kind, opt) in enumerate(cols, start=2):
            blank = rnd.random() < 0.15 and not q.get("required")
            if not shown(q, keyed) or blank:
                if kind != "option":
                    exp[h] = ""
                    continue
            if kind in ("scale", "single", "yesno"):
                code = rnd.choice(sorted(answers(q, scales)))
                cell = answers(q, scales)[code] if rnd.random() < 0.5 else code
                keyed[q["id"]] = code
                exp[h] = str(code)
            elif kind == "number":
                code = rnd.randint(q["min"], q["max"])
                cell, exp[h] = code, str(code)
                keyed[q["id"]] = code
            elif kind == "text":
                cell = f"rad {r}: {q['id']} å ä ö"
                exp[h] = cell
            else:  # one option of a multiple-choice question
                first = q["id"] not in qids_done
                qids_done.add(q["id"])
                if first:
                    keyed[q["id"]] = {o["value"] for o in q["options"] if rnd.random() < 0.4} \
                        if shown(q, keyed) else set()
                ticked = opt in keyed[q["id"]]
                cell = 1 if ticked else None
                exp[h] = "1" if ticked else "0" if keyed[q["id"]] else ""
            if cell is not None:
                ws.cell(row=2 + r, column=i, value=cell)
        expected[str(100 + r)] = exp
    wb.save(out)
    return expected


def export(enkat, db, tmp):
    out = os.path.join(tmp, os.path.basename(db) + ".csv")
    p = run([enkat, "export", "--db", db, "--format", "csv", "-o", out])
    if p.returncode != 0:
        raise RuntimeError(f"export {db}: {p.stderr}")
    with open(out, encoding="utf-8") as f:
        return {row["respondent"]: row for row in csv.DictReader(f)}


def imp(enkat, db, path):
    return run([enkat, "import", "--db", db, "-q", EXAMPLE, "--unit", "Norra", "--year", "2024",
                "--source", "paper", path])


def round_trip(enkat, tmp, path, cols, scales, f):
    filled = os.path.join(tmp, "filled.xlsx")
    expected = fill(path, filled, cols, scales)
    variants = [("openpyxl", filled)]
    if shutil.which("libreoffice"):
        lo = os.path.join(tmp, "lo")
        os.makedirs(lo)
        p = run(["timeout", "300", "libreoffice", f"-env:UserInstallation=file://{tmp}/lo-profile",
                 "--headless", "--convert-to", "xlsx", "--outdir", lo, filled])
        saved = os.path.join(lo, "filled.xlsx")
        if not os.path.exists(saved):
            f.append(f"libreoffice did not convert the workbook: {p.stderr.strip()}")
        else:
            variants.append(("LibreOffice", saved))
    else:
        f.append("libreoffice not installed: the LibreOffice round trip did not run")
    for name, x in variants:
        db = os.path.join(tmp, name + ".db")
        p = imp(enkat, db, x)
        if p.returncode != 0:
            f.append(f"{name}: import failed ({p.returncode}): {p.stderr.strip()}")
            continue
        got = export(enkat, db, tmp)
        if set(got) != set(expected):
            f.append(f"{name}: respondents {sorted(got)}, want {sorted(expected)}")
            continue
        for key, exp in expected.items():
            for h, v in exp.items():
                if got[key][h] != v:
                    f.append(f"{name}: respondent {key} {h} = {got[key][h]!r}, keyed {v!r}")
        if got[key]["source"] != "paper":
            f.append(f"{name}: source {got[key]['source']!r}, want paper")
    return filled


def bad_cells(enkat, tmp, filled, cols, f):
    wb = openpyxl.load_workbook(filled)
    ws = wb["Svar"]
    ws.cell(row=4, column=2, value=7)  # hemtyp has options 1-3
    num = next(i for i, c in enumerate(cols, start=2) if c[2] == "number")
    ws.cell(row=6, column=num, value="tre")
    bad = os.path.join(tmp, "bad.xlsx")
    wb.save(bad)
    db = os.path.join(tmp, "bad.db")
    p = run([enkat, "import", "--lang", "en", "--db", db, "-q", EXAMPLE, "--unit", "Norra",
             "--year", "2024", "--source", "paper", bad])
    want = [f"{bad}:4:2 (hemtyp): error: 7 is not one of the options",
            f"{bad}:6:{num} ({cols[num - 2][0]}): error: "]
    if p.returncode != 1:
        f.append(f"bad cell: exit {p.returncode}, want 1")
    for w in want:
        if not any(line.startswith(w) for line in p.stderr.splitlines()):
            f.append(f"bad cell: no line starting {w!r} in:\n{p.stderr}")
    if os.path.exists(db):
        p = run(["sqlite3", db, "select count(*) from responses"])
        if p.stdout.strip() not in ("", "0"):
            f.append(f"bad cell: {p.stdout.strip()} responses stored, want none")
    junk = os.path.join(tmp, "junk.xlsx")
    with open(junk, "w") as fp:
        fp.write("hemtyp\n1\n")
    p = imp(enkat, os.path.join(tmp, "junk.db"), junk)
    if p.returncode != 1 or not p.stderr.startswith(f"{junk}: fel: "):
        f.append(f"not a workbook: exit {p.returncode}, stderr {p.stderr!r}")


def main():
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    enkat = os.path.abspath(sys.argv[1])
    f = []
    cols, scales = model()
    with tempfile.TemporaryDirectory(prefix="enkat-keying-") as tmp:
        path = os.path.join(tmp, "keying.xlsx")
        p = run([enkat, "form", "--format", "xlsx", "-o", path, EXAMPLE])
        if p.returncode != 0:
            print(f"enkat form --format xlsx: exit {p.returncode}: {p.stderr}")
            return 1
        structure(path, cols, scales, f)
        filled = round_trip(enkat, tmp, path, cols, scales, f)
        bad_cells(enkat, tmp, filled, cols, f)
    for msg in f[:100]:
        print(msg)
    print(f"keying: {'FAILED, ' + str(len(f)) + ' problems' if f else 'ok'}")
    return 1 if f else 0


if __name__ == "__main__":
    sys.exit(main())
