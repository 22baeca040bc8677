#!/usr/bin/env python3
"""tests/report/check_pdf.py - converts the fixture's report workbooks to PDF with LibreOffice.

Usage: check_pdf.py WRITE_FIXTURE

Runs WRITE_FIXTURE into a temporary directory and converts report-sv.xlsx and
report-en.xlsx with `libreoffice --headless --convert-to pdf` (a fresh profile
directory per run, so parallel runs do not clash), then checks that each
conversion exits 0, that the PDF exists, and that pdftotext finds every
sheet's name (printed in each page's header) and the summary's title, and that
the summary fits on one page. Then it chooses Valdemarsvik in the Trender
sheet's drop-down (B3 rewritten in the sheet's XML), has LibreOffice
recalculate and save the workbook, and checks that the chosen unit's column
holds Valdemarsvik's shares, with #N/A (a gap in the chart) for its
suppressed one. Skips (exit 77) when LibreOffice or pdftotext is not
installed.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile

import openpyxl

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import check_workbook as cw  # noqa: E402 (the fixture's counts)

SHEETS = {
    "sv": ["Sammanfattning", "Trender", "Fördelning", "Jämförelse", "Jämförelsetabell", "Frågor",
           "Metod", "Data"],
    "en": ["Summary", "Trends", "Distribution", "Comparison", "Comparison table", "Questions",
           "Method", "Data"],
}
TITLE = {"sv": "Enkät till familjehem", "en": "Survey of foster homes"}


# LibreOffice recalculates a workbook it did not write only when told to
RECALC = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
 xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode"
 oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


def choose(office, tmp, xlsx, unit, failures):
    """The workbook with `unit` in Trender!B3, recalculated and saved by LibreOffice;
    checks its chosen-unit column against the fixture's shares."""
    chosen = os.path.join(tmp, "chosen.xlsx")
    with zipfile.ZipFile(xlsx) as zin, zipfile.ZipFile(chosen, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/worksheets/sheet2.xml":
                text, n = re.subn(r'<c r="B3"([^>]*?) t="s"><v>\d+</v></c>',
                                  rf'<c r="B3"\1 t="inlineStr"><is><t>{unit}</t></is></c>', data.decode())
                if n != 1:
                    failures.append(f"Trender!B3 not found as a text cell ({n})")
                    return
                data = text.encode()
            zout.writestr(item, data)
    profile = os.path.join(tmp, "profile-recalc")
    os.makedirs(os.path.join(profile, "user"), exist_ok=True)
    with open(os.path.join(profile, "user", "registrymodifications.xcu"), "w") as f:
        f.write(RECALC)
    out = os.path.join(tmp, "recalc")
    cmd = [office, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "xlsx",
           "--outdir", out, chosen]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    path = os.path.join(out, "chosen.xlsx")
    if r.returncode != 0 or not os.path.exists(path):
        failures.append(f"recalculation failed ({r.returncode}): {r.stderr}")
        return
    ws = openpyxl.load_workbook(path, data_only=True)["Trender"]
    got = {}
    item = None
    for row in range(1, ws.max_row + 1):
        a = ws.cell(row, 1).value
        if a in cw.TEXT_SV.values():
            item = next(k for k, v in cw.TEXT_SV.items() if v == a)
        elif isinstance(a, int) and item:
            got[(item, a)] = ws.cell(row, 7).value
        elif a == "Nyckel":
            break
    if ws["B3"].value != unit:
        failures.append(f"B3 is {ws['B3'].value!r} after the choice")
    for item in cw.TEXT_SV:
        for year in cw.YEARS:
            v = got.get((item, year))
            if (unit, year, item) in cw.SUPPRESSED:
                if v != "#N/A":
                    failures.append(f"chosen {unit} {item} {year}: {v!r}, want #N/A (suppressed)")
            elif not cw.near(v, cw.share(unit, year, item), 1e-9):
                failures.append(f"chosen {unit} {item} {year}: {v!r}, want {cw.share(unit, year, item)}")


def main():
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    office = shutil.which("libreoffice") or shutil.which("soffice")
    if not office or not shutil.which("pdftotext"):
        print("libreoffice or pdftotext not installed: skipped")
        return 77
    failures = []
    with tempfile.TemporaryDirectory(prefix="enkat-report-pdf-") as tmp:
        p = subprocess.run([sys.argv[1], tmp], capture_output=True, text=True)
        if p.returncode != 0:
            print(f"write_fixture failed ({p.returncode}): {p.stderr}")
            return 1
        for lang in ("sv", "en"):
            xlsx = os.path.join(tmp, f"report-{lang}.xlsx")
            profile = os.path.join(tmp, f"profile-{lang}")
            cmd = [office, f"-env:UserInstallation=file://{profile}", "--headless",
                   "--convert-to", "pdf", "--outdir", tmp, xlsx]
            try:
                r = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
            except subprocess.TimeoutExpired:
                failures.append(f"{lang}: libreoffice timed out")
                continue
            pdf = os.path.join(tmp, f"report-{lang}.pdf")
            if r.returncode != 0 or not os.path.exists(pdf):
                failures.append(f"{lang}: conversion failed ({r.returncode}): {r.stdout} {r.stderr}")
                continue
            text = subprocess.run(["pdftotext", "-layout", pdf, "-"], capture_output=True,
                                  text=True).stdout
            pages = text.split("\f")
            for name in SHEETS[lang]:
                if name not in text:
                    failures.append(f"{lang}: sheet {name!r} not in the PDF")
            if TITLE[lang] not in pages[0]:
                failures.append(f"{lang}: the first page lacks the title {TITLE[lang]!r}")
            # the summary is one page: the second page is already the trends
            if len(pages) < 2 or SHEETS[lang][1] not in pages[1]:
                failures.append(f"{lang}: the summary does not fit on one page")
        choose(office, tmp, os.path.join(tmp, "report-sv.xlsx"), "Valdemarsvik", failures)
    for f in failures:
        print(f"FAIL {f}")
    print(f"{len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
