#!/usr/bin/python3
"""tests/web/load.py - load test of `enkat serve`: 50 clients submit 2,000 responses.

usage: load.py ENKAT LOADGEN SOURCE_ROOT [COUNT] [CLIENTS]

Issues COUNT (2,000) codes for examples/familjehem.yaml into a fresh store,
runs `enkat serve` on a free loopback port and bench/loadgen with CLIENTS (50)
concurrent keep-alive clients in --check --resend mode: every code is opened
(POST /start), submitted (POST /svar, 303 to /tack) and submitted again (a
browser retry, which must give the same 303 and no second response). Then
SIGTERM must stop the server with status 0, and the store (read with SQLite,
independently of enkat) must hold:
  - exactly COUNT web responses and COUNT spent marks for COUNT codes, no draft;
  - the answers loadgen sent: its three varying answers tallied per value
    exactly as counted here from loadgen's documented rule (hemtyp = 1 + i % 3,
    stod_nojd = 1 + (i / 3) % 5, helhet_nojd = 1 + i % 5 for the i-th code),
    the fixed ones on every response;
  - response ids drawn at random (not a sequence that follows the codes).
The server's log must name no code and no answer. Prints "N passed, N failed".
"""
import collections
import os
import re
import select
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time

passed = failed = 0


def check(ok, what, detail=""):
    global passed, failed
    if ok:
        passed += 1
        print(f"ok - {what}")
    else:
        failed += 1
        print(f"not ok - {what}" + (f": {detail}" if detail else ""))
    return ok


def main():
    enkat, loadgen, root = sys.argv[1:4]
    count = int(sys.argv[4]) if len(sys.argv) > 4 else 2000
    clients = int(sys.argv[5]) if len(sys.argv) > 5 else 50
    tmp = tempfile.mkdtemp(prefix="enkat-load-")
    db = os.path.join(tmp, "load.db")
    csv = os.path.join(tmp, "codes.csv")
    unit, year = "Lastkommun", "2020"

    subprocess.run([enkat, "codes", "--db", db, "--year", year, "--unit", unit,
                    "--count", str(count), "-o", csv,
                    "-q", os.path.join(root, "examples", "familjehem.yaml")], check=True)
    with open(csv, encoding="utf-8") as f:
        rows = [line.rstrip("\r\n").split(",")[0].strip('"') for line in f][1:]
    check(len(rows) == count, f"{count} codes issued", f"{len(rows)}")
    check(len(set(rows)) == count, "the codes are distinct")

    log_path = os.path.join(tmp, "serve.log")
    log = open(log_path, "w+b")
    server = subprocess.Popen([enkat, "serve", "--db", db, "--year", year, "--unit", unit,
                               "--listen", "127.0.0.1:0"],
                              stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE)
    # Wait for the "listening" line, then keep draining stderr into the log
    # file so a chatty server never blocks on a full pipe.
    url, buf, deadline = None, b"", time.time() + 15
    while url is None and time.time() < deadline:
        r, _, _ = select.select([server.stderr], [], [], 0.5)
        if r:
            chunk = os.read(server.stderr.fileno(), 65536)
            if not chunk:
                break
            buf += chunk
            m = re.search(rb"enkat serve: listening on (http://\S+?/)", buf)
            if m:
                url = m.group(1).decode()
    log.write(buf)
    if not check(url is not None, "enkat serve starts", buf.decode(errors="replace")):
        server.kill()
        return
    drain = subprocess.Popen(["cat"], stdin=server.stderr, stdout=log)

    try:
        t0 = time.time()
        lg = subprocess.run([loadgen, "--clients", str(clients), "--check", "--resend", url, csv],
                            capture_output=True, text=True, timeout=600)
        took = time.time() - t0
        sys.stdout.write(lg.stdout)
        sys.stderr.write(lg.stderr)
        check(lg.returncode == 0, "loadgen: every submission and every resend gave 303 to /tack",
              f"exit {lg.returncode}")
        check(f"{count} ok, 0 errors" in lg.stdout, f"loadgen: {count} ok, 0 errors")
        print(f"# {count} submissions (and {count} resends) by {clients} clients in {took:.1f} s")
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            status = server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            status = "hung"
        drain.wait(timeout=10)
    check(status == 0, "enkat serve exits 0 on SIGTERM", f"{status}")

    log.seek(0)
    text = log.read().decode(errors="replace")
    plain = {c.replace("-", "") for c in rows}
    leaked = [c for c in rows if c in text] + [c for c in plain if c in text]
    check(not leaked, "the server log names no code", f"{len(leaked)} found")
    check("handledning" not in text and "csrf=" not in text, "the server log holds no field of a body")

    con = sqlite3.connect(db)
    q = lambda sql: con.execute(sql).fetchall()
    check(q("SELECT source, count(*) FROM responses GROUP BY source") == [("web", count)],
          f"the store holds exactly {count} responses, all from the web",
          f"{q('SELECT source, count(*) FROM responses GROUP BY source')}")
    # A code's row never changes; using it adds a spent mark (docs/store.md).
    check(q("SELECT (SELECT count(*) FROM codes), (SELECT count(*) FROM spent)") == [(count, count)],
          f"exactly {count} codes spent, none open",
          f"{q('SELECT (SELECT count(*) FROM codes), (SELECT count(*) FROM spent)')}")
    check(q("SELECT count(*) FROM drafts") == [(0,)], "no draft is left")
    check(q("SELECT count(*) FROM responses WHERE respondent_key IS NOT NULL") == [(0,)],
          "no response has a respondent key")

    # The tallies loadgen's rule gives, counted here.
    want = {"hemtyp": collections.Counter(1 + i % 3 for i in range(count)),
            "stod_nojd": collections.Counter(1 + (i // 3) % 5 for i in range(count)),
            "helhet_nojd": collections.Counter(1 + i % 5 for i in range(count))}
    for question, tally in want.items():
        got = dict(q(f"SELECT value, count(*) FROM answers_long WHERE question = '{question}' "
                     "GROUP BY value"))
        check(got == dict(tally), f"tally of {question} is what loadgen sent", f"{got} != {dict(tally)}")
    fixed = {"ar_som_familjehem": 7, "har_skolbarn": 1, "skola_information": 5,
             "handledning_hur_ofta": 3, "avlastning_fatt": 0, "utbildningar": 0b11}
    for question, value in fixed.items():
        got = q(f"SELECT value, count(*) FROM answers_long WHERE question = '{question}' "
                "GROUP BY value")
        check(got == [(value, count)], f"{question} = {value} on every response", f"{got}")
    got = q("SELECT not_applicable, count(*) FROM answers_long WHERE question = 'halso_bup' "
            "GROUP BY not_applicable")
    check(got == [(1, count)], "halso_bup 'na' stored as not applicable on every response", f"{got}")
    got = q("SELECT text, count(*) FROM answers_long WHERE question = 'forslag' GROUP BY text")
    check(got == [("Fler träffar med andra familjehem + mer handledning", count)],
          "the free text decoded exactly on every response", f"{got[:2]}")
    check(q("SELECT count(*) FROM answers_long WHERE question = 'ovrigt'") == [(0,)],
          "an empty free text is not stored")
    per = q("SELECT count(*) FROM answers_long GROUP BY response_id")
    check(set(n for (n,) in per) == {30}, "every response has the 30 answers sent",
          f"{collections.Counter(n for (n,) in per)}")
    # Random ids (store.h: drawn at random, so they do not follow the order in
    # which codes are spent): spread over a wide range, never consecutive.
    ids = [i for (i,) in q("SELECT id FROM responses ORDER BY id")]
    close = sum(1 for a, b in zip(ids, ids[1:]) if b - a < 1000)
    check(ids and ids[-1] > 2**40 and close == 0,
          "response ids are random, not a sequence", f"max {ids[-1] if ids else None}, {close} close")
    con.close()
    for name in os.listdir(tmp):
        os.remove(os.path.join(tmp, name))
    os.rmdir(tmp)


if __name__ == "__main__":
    try:
        main()
    except Exception as e:  # a crash is a failure, with its reason
        import traceback
        traceback.print_exc()
        failed += 1
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)
