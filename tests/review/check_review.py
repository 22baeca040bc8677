#!/usr/bin/python3
"""tests/review/check_review.py - `enkat review` over HTTP and through its decisions CSV.

usage: check_review.py ENKAT REVIEW_FIXTURE SOURCE_ROOT

Renders the example paper form (`enkat form --format pdf`, pdftoppm at 100
dpi) as the scans, makes a store with 8 answers waiting for review (4 copies,
tests/review/review_fixture.c) and checks:
  - HTTP (server suite style: loopback, statuses, bad input refused with a
    reason): / sends to the first answer; a crop is a PNG of the size of the
    crop rectangle from the store plus its margin; a wrong Host (421), a
    cross-site POST (403), a body of another type (415) or too large (413),
    an unknown path (404), a wrong method (405, with Allow), an answer the
    question does not allow (400, said on the page) are refused and store
    nothing; a decision stored goes on to the next answer (303); the last
    answer of a copy stays changeable until a decision on another copy, and
    then its copy is a response; SIGTERM finishes the complete copies;
  - the CSV: --export writes the waiting answers (their ids from the store);
    --import with one wrong decision names its line and column and stores
    nothing; with every decision right stores them all and turns the copies
    into responses; an existing file of another kind is not overwritten.
Expected values come from the store (read with sqlite3) and from what this
script sent. Exits 1 when any check failed.
"""
import http.client
import os
import re
import sqlite3
import struct
import subprocess
import sys
import tempfile

ENKAT, FIXTURE, ROOT = (os.path.abspath(a) for a in sys.argv[1:4])
QUESTIONNAIRE = os.path.join(ROOT, "examples", "familjehem.yaml")
DPI = 100

failures = 0


def check(cond, what):
    global failures
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failures += 1
    return cond


tmp = tempfile.mkdtemp(prefix="enkat-review-")
subprocess.run([ENKAT, "form", "--format", "pdf", "-o", os.path.join(tmp, "form.pdf"),
                QUESTIONNAIRE], check=True)
subprocess.run(["pdftoppm", "-r", str(DPI), "-gray", "-png", os.path.join(tmp, "form.pdf"),
                os.path.join(tmp, "page")], check=True)
PAGES = sorted(os.path.join(tmp, f) for f in os.listdir(tmp) if re.match(r"page-\d+\.png$", f))


def make_store(name, n):
    db = os.path.join(tmp, name)
    subprocess.run([FIXTURE, db, QUESTIONNAIRE, "Vetlanda", "2025", str(DPI), str(n)] + PAGES,
                   check=True)
    return db


def rows(db, sql, args=()):
    con = sqlite3.connect(db)
    try:
        return con.execute(sql, args).fetchall()
    finally:
        con.close()


def responses(db):
    return rows(db, "SELECT count(*) FROM responses")[0][0]


# ------------------------------------------------------------------ HTTP

db = make_store("http.db", 8)
reviews = rows(db, "SELECT r.id, r.copy_id, r.page, r.crop_w, r.crop_h, q.question_id "
                   "FROM scan_reviews r JOIN scan_copies c ON c.id = r.copy_id "
                   "JOIN waves w ON w.id = c.wave_id "
                   "JOIN edition_questions q ON q.edition_id = w.edition_id AND q.slot = r.slot "
                   "ORDER BY r.copy_id, r.slot")
check(len(reviews) == 8, "the fixture made 8 reviews")

proc = subprocess.Popen([ENKAT, "review", "--db", db, "--port", "0"], stderr=subprocess.PIPE,
                        text=True)
line = proc.stderr.readline()
m = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
check(m is not None and "8 svar väntar" in line, "started: " + line.strip())
PORT = int(m.group(1))


def request(method, path, body=None, headers=None):
    c = http.client.HTTPConnection("127.0.0.1", PORT, timeout=10)
    h = {"Host": "127.0.0.1:%d" % PORT}
    if body is not None:
        h["Content-Type"] = "application/x-www-form-urlencoded"
    h.update(headers or {})
    c.request(method, path, body=body, headers=h)
    r = c.getresponse()
    data = r.read()
    c.close()
    return r.status, dict((k.lower(), v) for k, v in r.getheaders()), data


st, h, _ = request("GET", "/")
check(st == 303 and h.get("location") == "/r/1", "/ sends to the first answer: %d %s"
      % (st, h.get("location")))
st, h, page = request("GET", "/r/1")
text = page.decode()
check(st == 200 and "1 av 8" in text, "the first answer's page: %d" % st)
check("default-src 'none'" in h.get("content-security-policy", "") and "<script>" not in text
      and "style=" not in text, "a CSP and nothing inline")
check(reviews[0][5] in text, "the page names the question %s" % reviews[0][5])

st, h, png = request("GET", "/crop/1.png")
ok = st == 200 and png[:8] == b"\x89PNG\r\n\x1a\n"
check(ok and h.get("content-type") == "image/png", "the crop is a PNG")
if ok:
    w, hh = struct.unpack(">II", png[16:24])
    margin = round(DPI / 25.4 * 2)
    check((w, hh) == (reviews[0][3] + 2 * margin, reviews[0][4] + 2 * margin),
          "the crop is the store's rectangle and its margin: %dx%d" % (w, hh))

# refused, with a reason, storing nothing
st, _, body = request("GET", "/r/1", headers={"Host": "evil.example:%d" % PORT})
check(st == 421 and b"Host" in body, "another Host: 421 (%d)" % st)
st, _, body = request("POST", "/r/1", "v=1", {"Origin": "http://evil.example"})
check(st == 403, "a POST from another site: 403 (%d)" % st)
st, _, body = request("POST", "/r/1", "v=1", {"Content-Type": "text/plain"})
check(st == 415, "a body of another type: 415 (%d)" % st)
st, _, body = request("POST", "/r/1", "v=" + "1" * 5000)
check(st == 413, "a body too large: 413 (%d)" % st)
st, _, _ = request("GET", "/r/9")
check(st == 404, "an answer beyond the queue: 404 (%d)" % st)
st, _, _ = request("GET", "/r/01")
check(st == 404, "a number written otherwise: 404 (%d)" % st)
st, h, _ = request("DELETE", "/r/1")
check(st == 405 and "POST" in h.get("allow", ""), "a wrong method: 405 with Allow (%d)" % st)
st, _, body = request("POST", "/r/1", "v=77")
check(st == 400 and "Det svaret finns inte" in body.decode(), "an answer not allowed: 400 (%d)" % st)
check(rows(db, "SELECT count(*) FROM scan_reviews WHERE decision IS NOT NULL")[0][0] == 0,
      "nothing was stored by the refused requests")

# decisions
first_copy = reviews[0][1]
st, h, _ = request("POST", "/r/1", "v=-", {"Origin": "http://127.0.0.1:%d" % PORT,
                                           "Sec-Fetch-Site": "same-origin"})
check(st == 303 and h.get("location") == "/r/2", "a decision goes on to the next (%d %s)"
      % (st, h.get("location")))
st, _, body = request("GET", "/r/2")
digits = 'type="text"' in body.decode()
answer = "3" if digits else re.search(r'name="(?:v|o)" value="(\d+)"', body.decode()).group(1)
field = "o" if 'type="checkbox" name="o"' in body.decode() else "v"
st, h, _ = request("POST", "/r/2", "%s=%s" % (field, answer))
check(st == 303, "the copy's last answer stored (%d)" % st)
check(responses(db) == 0, "the copy is not a response while its last answer may change")
st, h, _ = request("POST", "/r/2", "%s=%s" % (field, answer))
check(st == 303, "and it can be changed (%d)" % st)
st, _, body = request("GET", "/r/3")
b3 = body.decode()
f3 = "o" if 'type="checkbox" name="o"' in b3 else "v"
a3 = "2" if 'type="text"' in b3 else re.search(r'name="(?:v|o)" value="(\d+)"', b3).group(1)
st, h, _ = request("POST", "/r/3", "%s=%s" % (f3, a3))
check(st == 303 and responses(db) == 1, "a decision on the next copy makes the first a response")
check(rows(db, "SELECT response_id IS NOT NULL FROM scan_copies WHERE id = ?",
           (first_copy,))[0][0] == 1, "that is the first copy")
st, _, body = request("POST", "/r/1", "v=-")
check(st == 409, "a stored copy's answer cannot change: 409 (%d)" % st)
st, _, body = request("GET", "/r/1")
check("kan inte ändras" in body.decode() and 'id="decide"' not in body.decode(),
      "its page says so and has no form")
st, h, _ = request("POST", "/r/4", "v=-")
proc.send_signal(15)
proc.wait(timeout=10)
check(proc.returncode == 0, "SIGTERM stops it, exit 0 (%s)" % proc.returncode)
check(responses(db) == 2, "on the way out the complete copy became a response (%d)"
      % responses(db))

# ------------------------------------------------------------------ CSV

db = make_store("csv.db", 6)
out = os.path.join(tmp, "beslut.csv")
r = subprocess.run([ENKAT, "review", "--db", db, "--export", out], capture_output=True, text=True)
check(r.returncode == 0 and "6 svar skrivna" in r.stdout, "--export: " + r.stdout.strip())
with open(out, encoding="utf-8-sig") as f:
    lines = f.read().splitlines()
check(lines[0] == "review;unit;year;serial;question;text;reason;reading;decision",
      "the header: " + lines[0])
ids = [int(l.split(";")[0]) for l in lines[1:]]
want = [i for (i,) in rows(db, "SELECT id FROM scan_reviews ORDER BY copy_id, slot")]
check(ids == want, "one row per waiting review, their ids: %s" % ids)
qtypes = {}
for l in lines[1:]:
    cells = l.split(";")
    qtypes[int(cells[0])] = cells[4]


def answer_for(qid):
    """A right answer for the question qid: its first point or option or its minimum."""
    y = open(QUESTIONNAIRE, encoding="utf-8").read()
    block = y[y.index("id: " + qid):]
    if "type: number" in block.split("- id:")[0]:
        return "1"
    if "type: multiple" in block.split("- id:")[0]:
        return "1|2"
    return "1"


filled = [lines[0]]
for k, l in enumerate(lines[1:]):
    cells = l.split(";")
    cells[-1] = answer_for(cells[4])
    filled.append(";".join(cells))
bad = list(filled)
cells = bad[3].split(";")
cells[-1] = "77"
bad[3] = ";".join(cells)
with open(out, "w", encoding="utf-8") as f:
    f.write("\n".join(bad) + "\n")
r = subprocess.run([ENKAT, "review", "--db", db, "--import", out, "--lang", "en"],
                   capture_output=True, text=True)
check(r.returncode == 1 and ("%s:4:9: error: '77' is no answer" % out) in r.stderr,
      "a wrong decision is named by line and column: " + r.stderr.strip().splitlines()[0])
check(rows(db, "SELECT count(*) FROM scan_reviews WHERE decision IS NOT NULL")[0][0] == 0
      and responses(db) == 0, "and nothing is stored")
bad = list(filled)
cells = bad[2].split(";")
cells[0] = "999999"
bad[2] = ";".join(cells)
with open(out, "w", encoding="utf-8") as f:
    f.write("\n".join(bad) + "\n")
r = subprocess.run([ENKAT, "review", "--db", db, "--import", out], capture_output=True, text=True)
check(r.returncode == 1 and ("%s:3:1: fel: ingen granskning '999999'" % out) in r.stderr,
      "an unknown review is named by line and column")
with open(out, "w", encoding="utf-8") as f:
    f.write("\n".join(filled) + "\n")
r = subprocess.run([ENKAT, "review", "--db", db, "--import", out], capture_output=True, text=True)
check(r.returncode == 0 and "6 beslut sparade; 3 exemplar blev svar" in r.stdout,
      "--import stores every decision: " + (r.stdout + r.stderr).strip())
check(responses(db) == 3, "every copy is a response (%d)" % responses(db))
other = os.path.join(tmp, "annat.csv")
with open(other, "w") as f:
    f.write("namn;adress\n")
db2 = make_store("csv2.db", 2)
r = subprocess.run([ENKAT, "review", "--db", db2, "--export", other, "--lang", "en"],
                   capture_output=True, text=True)
check(r.returncode == 1 and open(other).read() == "namn;adress\n"
      and "is not an enkat review decisions CSV" in r.stderr,
      "--export does not overwrite a file of another kind: " + r.stderr.strip())

print("%s" % ("all passed" if not failures else "%d failed" % failures))
sys.exit(1 if failures else 0)
