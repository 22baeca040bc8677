#!/usr/bin/env python3
"""tests/report/check_pdf.py - converts the fixture's report workbooks to PDF with LibreOffice.

Usage: check_pdf.py WRITE_FIXTURE

Runs WRITE_FIXTURE into a temporary directory and converts report-sv.xlsx and
report-en.xlsx with `libreoffice --headless --convert-to pdf` (a fresh profile
directory per run, so parallel runs do not clash), then checks that each
conversion exits 0, that the PDF exists, and that pdftotext finds every
sheet's name (printed in each page's header) and the summary's title, and that
the summary fits on one page. Skips (exit 77) when LibreOffice or pdftotext is
not installed.
"""
import os
import shutil
import subprocess
import sys
import tempfile

SHEETS = {
    "sv": ["Sammanfattning", "Trender", "Fördelning", "Jämförelse", "Frågor", "Metod", "Data"],
    "en": ["Summary", "Trends", "Distribution", "Comparison", "Questions", "Method", "Data"],
}
TITLE = {"sv": "Enkät till familjehem", "en": "Survey of foster homes"}


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
    for f in failures:
        print(f"FAIL {f}")
    print(f"{len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
