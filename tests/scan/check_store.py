#!/usr/bin/env python3
"""tests/scan/check_store.py - scanned paper through the store: scan, review, responses.

usage: check_store.py ENKAT SOURCE_ROOT

The paper workflow end to end, checked against the simulator's truth
(tests/scan/simulate.py), never against enkat's own output:

  1. simulated scans (clean profile: every page readable) are read by
     `enkat scan --questionnaire` into a new store;
  2. `enkat status` counts the copies scanned, those waiting for review and
     the answers waiting; only copies with nothing to review are responses;
  3. the same files again: every copy is "scanned before", nothing doubles;
  4. `enkat review --export` lists exactly the answers the truth says need a
     person; the decisions filled in from the truth (the digits written, the
     intended answer) go back with `--import`;
  5. every copy is now a response (source scan) whose stored answers equal
     the truth, read straight from the SQLite file (big-endian int32 per
     question, survey/store.c);
  6. a page of the wrong edition makes the run fail and leaves the store as
     it was (the file's bytes unchanged).
"""
import csv
import shutil
import hashlib
import json
import os
import sqlite3
import struct
import subprocess
import sys
import tempfile

ENKAT, ROOT = os.path.realpath(sys.argv[1]), sys.argv[2]
Q = os.path.join(ROOT, "examples", "familjehem.yaml")
PY = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable
failures = 0


def check(cond, what):
    global failures
    if not cond:
        failures += 1
        print("FAIL " + what)
    else:
        print("ok   " + what)


def run(*args):
    return subprocess.run([ENKAT, *args], capture_output=True, text=True)


def status(db):
    r = run("status", "--db", db, "--format", "json")
    return json.loads(r.stdout)[0]


def digest(path):
    return hashlib.sha256(open(path, "rb").read()).hexdigest()


tmp = tempfile.mkdtemp(prefix="enkat-scanstore-")
scans = os.path.join(tmp, "scans")
subprocess.run([PY, os.path.join(ROOT, "tests", "scan", "simulate.py"), "--enkat", ENKAT,
                "--profile", "clean", "--copies", "5", "--seed", "3", "--dpi", "300",
                "--out", scans], check=True, capture_output=True)
truth = json.load(open(os.path.join(scans, "truth.json")))
files = sorted(os.path.join(scans, f["file"]) for f in truth["files"])
db = os.path.join(tmp, "s.db")
args = ["scan", "--db", db, "--year", "2021", "--unit", "Vetlanda", "--questionnaire", Q]

# 1-2: scan into a new store
r = run(*args, *files)
check(r.returncode == 0, "enkat scan stores the clean scans: " + r.stderr.strip()[-300:])
copies = truth["copies"]  # serial -> copy
need = {s: [q for q, a in c["answers"].items() if a["state"] == "review"]
        for s, c in copies.items()}
waiting = sum(1 for s in need if need[s])
st = status(db)
check(st.get("scanned") == len(copies), "status: %d copies scanned (%s)" % (len(copies), st))
check(st.get("scan_waiting") == waiting and
      st.get("scan_reviews") == sum(len(v) for v in need.values()),
      "status: copies and answers waiting as the truth says (%d, %d)"
      % (waiting, sum(len(v) for v in need.values())))
check(st["responses"] == len(copies) - waiting, "only copies with nothing to review are responses")

# 3: the same files again
before = st
r = run(*args, *files)
check(r.returncode == 0 and r.stderr.count("redan inskannat") == len(copies),
      "scanning again warns for every copy: " + r.stderr.strip()[-200:])
check(status(db) == before, "and nothing doubles")

# 4: review through the CSV
out = os.path.join(tmp, "beslut.csv")
r = run("review", "--db", db, "--export", out)
check(r.returncode == 0, "review --export: " + r.stderr.strip())
rows = list(csv.reader(open(out, encoding="utf-8-sig"), delimiter=";"))
head, body = rows[0], rows[1:]
col = {name: i for i, name in enumerate(head)}
listed = sorted((row[col["serial"]], row[col["question"]]) for row in body)
wanted = sorted((s, q) for s, qs in need.items() for q in qs)
check(listed == wanted, "the answers listed for review are the truth's (%d)" % len(wanted))
for row in body:
    # what the person reads on the paper: the digits written, or no answer
    # where the marks say nothing certain (two crosses)
    a = copies[row[col["serial"]]]["answers"][row[col["question"]]]
    row[col["decision"]] = "-" if a["value"] is None else str(a["value"])
with open(out, "w", encoding="utf-8", newline="") as f:
    w = csv.writer(f, delimiter=";")
    w.writerow(head)
    w.writerows(body)
r = run("review", "--db", db, "--import", out)
check(r.returncode == 0, "review --import: " + (r.stdout + r.stderr).strip())

# 5: every copy a response, its answers the truth's
con = sqlite3.connect(db)
qids = [q for (q,) in con.execute(
    "SELECT question_id FROM edition_questions q JOIN waves w ON w.edition_id = q.edition_id "
    "ORDER BY q.slot")]
got = {}
for serial, src, blob in con.execute(
        "SELECT c.serial, r.source, r.answers FROM scan_copies c "
        "JOIN responses r ON r.id = c.response_id"):
    got[serial] = (src, dict(zip(qids, struct.unpack(">%di" % (len(blob) // 4), blob))))
con.close()
check(sorted(got) == sorted(copies), "every copy is a response (%d)" % len(got))
MISSING = -2 ** 31
bad = []
for serial, (src, values) in got.items():
    if src != "scan":
        bad.append((serial, "source", src))
    for q, a in copies[serial]["answers"].items():
        if a["state"] == "certain":
            want = a["value"]
        elif a["state"] == "review" and a["reason"] != "skipped":
            want = a["value"]
        else:
            want = None  # empty, or an answer the skip logic drops
        have = values.get(q)
        if (MISSING if want is None else want) != have and not (
                want is None and have == MISSING):
            bad.append((serial, q, want, have))
check(not bad, "stored answers equal the truth: %s" % bad[:5])

# 6: a page of another edition: the run fails, the store is untouched
other = os.path.join(tmp, "other.pdf")
subprocess.run([ENKAT, "form", "--format", "pdf", "-o", other,
                os.path.join(ROOT, "examples", "familjehem-2014.yaml")], check=True)
run("status", "--db", db)  # a read; the log is checkpointed on close
d0 = digest(db)
r = run(*args, other, *files)
check(r.returncode == 1 and "familjehem 2014" in r.stderr, "a page of another edition is an "
      "error naming it: " + r.stderr.strip()[:200])
check(digest(db) == d0 and status(db) == status(db), "and the store is as it was")

shutil.rmtree(tmp, ignore_errors=True)
print("%d failed" % failures if failures else "all passed")
sys.exit(1 if failures else 0)
