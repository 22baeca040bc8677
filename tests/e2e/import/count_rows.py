# tests/e2e/import/count_rows.py - the expected `enkat status --format csv` of the
# example manifest, counted independently of enkat (run in examples/data; see README.md).
import csv
rows = list(csv.DictReader(open("manifest.csv", encoding="utf-8")))
print("unit,year,edition,responses,sent,response_rate,imports")
for m in sorted(rows, key=lambda m: (m["unit"], int(m["year"]))):
    semi = m["file"].startswith("exempelby") or m["file"] == "sodra-2019.csv"
    enc = "cp1252" if m["file"].startswith("exempelby") else "utf-8-sig"
    data = list(csv.reader(open(m["file"], encoding=enc, newline=""), delimiter=";" if semi else ","))
    n = sum(1 for r in data[1:] if any(c.strip() for c in r))
    s = int(m["sent"])
    print("%s,%s,%s,%d,%d,%.1f,1" % (m["unit"], m["year"], m["edition"], n, s, 100 * n / s))
