#!/usr/bin/python3
"""tests/server/test_server.py - `enkat serve` with a plain HTTP client: every bad input.

usage: test_server.py ENKAT SOURCE_ROOT

Makes a store with `enkat codes` (examples/familjehem.yaml), starts
`enkat serve --listen 127.0.0.1:0`, reads the port from its stderr and sends
requests with http.client or raw sockets. A second store of three waves is
served with --all-open: each code's answers must be filed under its own wave,
and the language switch (?lang=, action=sprak-CODE) must keep the form. Expected values come from the
protocol (docs/web.md), not from the server's output: the code hash is
computed here (SHA-256 of the normalised code), the CSRF token is computed
here from the secret in the store (HMAC-SHA256), the CSP style hash from the
<style> element of the page, and the stored answers are decoded from the
store's BLOB with the edition's slots (docs/store.md).

Each check prints a line; the script exits 1 when any check failed.
"""
import base64
import collections
import csv
import hashlib
import hmac
import html.parser
import http.client
import os
import re
import signal
import socket
import sqlite3
import struct
import subprocess
import sys
import tempfile
import threading
import time

ENKAT = os.path.abspath(sys.argv[1])
ROOT = os.path.abspath(sys.argv[2])
QUESTIONNAIRE = os.path.join(ROOT, "examples", "familjehem.yaml")
UNIT, YEAR = "Provkommun", 2020

failures = 0
checks = 0


def check(cond, what):
    global failures, checks
    checks += 1
    if cond:
        print("ok   " + what)
    else:
        failures += 1
        print("FAIL " + what)
    return cond


# ------------------------------------------------------------------ codes

CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def normalise(code):
    """The protocol's normalisation: case-insensitive, spaces and dashes
    ignored, O -> 0, I and L -> 1."""
    s = code.upper().replace(" ", "").replace("-", "")
    return s.replace("O", "0").replace("I", "1").replace("L", "1")


def code_hash(code):
    return hashlib.sha256(normalise(code).encode()).hexdigest()


def code_key(context, code):
    """A key derived from the code (docs/store.md, "Anonymity"): BLAKE2b-256
    of the context, a NUL and the normalised code, as 64 hex digits."""
    return hashlib.blake2b(context.encode() + b"\0" + normalise(code).encode(),
                           digest_size=32).hexdigest()


def spent_mark(code):
    return code_key("enkat spent mark v1", code)


def draft_row(code):
    return code_key("enkat draft row v1", code)


# ----------------------------------------------------------------- server

class Server:
    """One `enkat serve` process; its stderr is read by a thread."""

    def __init__(self, db, log, extra=(), wave=None):
        self.log = log
        wave = wave if wave is not None else ["--year", str(YEAR), "--unit", UNIT]
        self.proc = subprocess.Popen(
            [ENKAT, "serve", "--db", db] + wave +
            ["--listen", "127.0.0.1:0", "--access-log", log] + list(extra),
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.stderr = []
        self.port = None
        ready = threading.Event()

        def read():
            for line in self.proc.stderr:
                self.stderr.append(line)
                m = re.match(r"enkat serve: listening on http://127\.0\.0\.1:(\d+)/$", line)
                if m:
                    self.port = int(m.group(1))
                    ready.set()
            ready.set()

        self.reader = threading.Thread(target=read, daemon=True)
        self.reader.start()
        ready.wait(20)
        if not self.port:
            raise RuntimeError("server did not start: " + "".join(self.stderr))

    def request(self, method, path, body=None, headers=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=20)
        h = dict(headers or {})
        if body is not None and "Content-Type" not in h:
            h["Content-Type"] = "application/x-www-form-urlencoded"
        if isinstance(body, str):
            body = body.encode()
        conn.request(method, path, body=body, headers=h)
        r = conn.getresponse()
        data = r.read()
        conn.close()
        resp = (r.status, {k.lower(): v for k, v in r.getheaders()}, data.decode("utf-8", "replace"))
        all_replies.append((method, path, resp))
        return resp

    def raw(self, data, read_all=True, timeout=20):
        """Sends bytes as they are; returns the status and the whole reply
        (what came before the server closed the connection, or before
        timeout seconds without a byte)."""
        s = socket.create_connection(("127.0.0.1", self.port), timeout=timeout)
        s.sendall(data)
        chunks = []
        while True:
            try:
                c = s.recv(65536)
            except (ConnectionResetError, TimeoutError):
                break
            if not c:
                break
            chunks.append(c)
            if not read_all:
                break
        s.close()
        reply = b"".join(chunks).decode("utf-8", "replace")
        m = re.match(r"HTTP/1\.[01] (\d{3})", reply)
        return (int(m.group(1)) if m else None), reply

    def stop(self, sig=signal.SIGTERM):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            rc = self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            rc = self.proc.wait()
        self.reader.join(5)
        return rc


all_replies = []


class Form(html.parser.HTMLParser):
    """The controls of a page: inputs (name, type, value, checked), textareas
    and their text, the <style> text, the <title>."""

    def __init__(self, text):
        super().__init__(convert_charrefs=True)
        self.inputs, self.textareas, self.style, self.title = [], {}, None, ""
        self._in = None
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "input":
            self.inputs.append(a)
        elif tag in ("textarea", "style", "title"):
            self._in = (tag, a.get("name"))
            if tag == "textarea":
                self.textareas[a.get("name")] = ""
            elif tag == "style":
                self.style = ""

    def handle_endtag(self, tag):
        if self._in and self._in[0] == "textarea":
            # HTML drops one line break right after <textarea> (the spec's
            # parsing rules); html.parser does not.
            name = self._in[1]
            if self.textareas[name].startswith("\n"):
                self.textareas[name] = self.textareas[name][1:]
        self._in = None

    def handle_data(self, data):
        if not self._in:
            return
        tag, name = self._in
        if tag == "textarea":
            self.textareas[name] += data
        elif tag == "style":
            self.style += data
        elif tag == "title":
            self.title += data

    def value(self, name):
        for a in self.inputs:
            if a.get("name") == name and a.get("type") in ("hidden", "text", None):
                return a.get("value")
        return None

    def checked(self, name):
        return sorted(a.get("value") for a in self.inputs
                      if a.get("name") == name and "checked" in a)


def enc(pairs):
    from urllib.parse import urlencode
    return urlencode(pairs)


# A complete valid answer set for examples/familjehem.yaml: the four required
# questions, with har_skolbarn = no so that the school questions are skipped.
VALID = [("hemtyp", "2"), ("ar_som_familjehem", "7"), ("har_skolbarn", "nej"),
         ("stod_nojd", "4"), ("helhet_nojd", "5")]


def main():
    tmp = tempfile.mkdtemp(prefix="enk_server_test_")
    db = os.path.join(tmp, "web.db")
    codes_csv = os.path.join(tmp, "codes.csv")
    r = subprocess.run([ENKAT, "codes", "--db", db, "--year", str(YEAR), "--unit", UNIT,
                        "--count", "40", "-q", QUESTIONNAIRE, "-o", codes_csv],
                       capture_output=True, text=True)
    if not check(r.returncode == 0, "enkat codes makes the store (%s)" % r.stderr.strip()):
        return
    with open(codes_csv, newline="") as f:
        rows = list(csv.reader(f))
    codes = [row[0] for row in rows[1:]]
    check(len(codes) == 40, "40 codes written")
    store = sqlite3.connect(db)
    secret = store.execute("SELECT value FROM secrets WHERE name = 'csrf'").fetchone()
    store.close()

    log = os.path.join(tmp, "access.log")
    srv = Server(db, log)
    try:
        run_checks(srv, db, codes, tmp)
        store_copies(srv, db, codes, tmp)
    finally:
        rc = srv.stop()
    check(rc == 0, "SIGTERM: the server exits 0 (got %s)" % rc)
    check_log(log, codes)
    check_security_headers()

    kill_after_reply(db, codes[30], tmp)
    sigterm_in_flight(db, codes[31], tmp)
    rate_limit(db, codes[32], tmp)
    store_locked(db, codes[33], tmp)
    framing(db, codes[37], tmp)
    slow_clients(db, codes[38], tmp)
    cli_errors(db, tmp)
    wave_details(tmp)
    several_waves(tmp)
    several_waves_details(tmp)
    test_codes_only(tmp)
    print("%d checks, %d failed" % (checks, failures))


# ------------------------------------------------------------------ checks

def csrf_for(db, code):
    store = sqlite3.connect(db)
    secret = store.execute("SELECT value FROM secrets WHERE name = 'csrf'").fetchone()[0]
    store.close()
    return hmac.new(secret, code_hash(code).encode(), hashlib.sha256).hexdigest()


def stored(db, code):
    """(spent, has_draft, responses in the wave) as the store holds them."""
    s = sqlite3.connect(db)
    row = s.execute("SELECT spent FROM codes WHERE hash = ?", (code_hash(code),)).fetchone()
    mark = s.execute("SELECT count(*) FROM spent WHERE tag = ?", (spent_mark(code),)).fetchone()[0]
    draft = s.execute("SELECT count(*) FROM drafts WHERE tag = ?", (draft_row(code),)).fetchone()[0]
    n = s.execute("SELECT count(*) FROM responses r JOIN waves w ON w.id = r.wave_id "
                  "JOIN units u ON u.id = w.unit_id WHERE u.name = ? AND w.year = ?",
                  (UNIT, YEAR)).fetchone()[0]
    s.close()
    return (None if row is None else int(bool(row[0] or mark))), draft, n


def answers(db):
    """Every web response of the wave as {question id: value}, decoded from
    the 4-byte big-endian slots (docs/store.md)."""
    s = sqlite3.connect(db)
    out = []
    for rid, blob, edition, source, date in s.execute(
            "SELECT r.id, r.answers, w.edition_id, r.source, r.date FROM responses r "
            "JOIN waves w ON w.id = r.wave_id"):
        slots = dict(s.execute("SELECT slot, question_id FROM edition_questions "
                               "WHERE edition_id = ?", (edition,)).fetchall())
        vals = struct.unpack(">%di" % (len(blob) // 4), blob)
        d = {slots[i]: v for i, v in enumerate(vals)}
        d["_id"], d["_source"], d["_date"] = rid, source, date
        d["_texts"] = dict(s.execute("SELECT question_id, text FROM texts WHERE response_id = ?",
                                     (rid,)).fetchall())
        out.append(d)
    s.close()
    return out


def run_checks(srv, db, codes, tmp):
    code = codes[0]

    # --- the pages
    st, h, body = srv.request("GET", "/")
    check(st == 200 and 'action="/start"' in body and 'name="kod"' in body,
          "GET / is the code page posting kod to /start")
    check(srv.request("HEAD", "/")[0] == 200, "HEAD / is 200")
    st, h, body = srv.request("GET", "/tack")
    check(st == 200, "GET /tack is 200")
    st, h, body = srv.request("GET", "/form.js")
    check(st == 200 and "javascript" in h.get("content-type", ""), "GET /form.js is the script")

    # --- opening a code
    st, h, body = srv.request("POST", "/start", enc([("kod", code)]))
    f = Form(body)
    check(st == 200, "POST /start with a valid code: 200 (got %d)" % st)
    check(f.value("csrf") == csrf_for(db, code),
          "the form's csrf is HMAC-SHA256(secret 'csrf', code hash)")
    check(f.value("kod") and normalise(f.value("kod")) == normalise(code),
          "the form carries the code (%s)" % f.value("kod"))
    style = f.style or ""
    want = "'sha256-%s'" % base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
    csp = h.get("content-security-policy", "")
    check(style and want in csp, "CSP style-src is the hash of the page's <style> element")
    check("'unsafe-inline'" not in csp and "script-src 'self'" in csp,
          "CSP allows no inline script: %s" % csp)
    check('<script src="/form.js"' in body and not re.search(r"<script>(?!</script>)", body),
          "the form loads /form.js and inlines no script")
    typed = code.lower().replace("-", " ")
    check(srv.request("POST", "/start", enc([("kod", typed)]))[0] == 200,
          "a code typed in lower case with spaces is accepted")

    # --- unknown code, blank code
    st, h, body = srv.request("POST", "/start", enc([("kod", "0000-0000-0000")]))
    check(st == 400 and 'name="kod"' in body, "unknown code: 400 and the code page again")
    check('value="0000-0000-0000"' in body, "the mistyped code stays in the field")
    st, h, body = srv.request("POST", "/start", enc([("kod", 'X"><b>')]))
    check(st == 400 and 'value="X&quot;&gt;&lt;b&gt;"' in body and "<b>" not in body,
          "a typed code is shown again escaped")
    st, h, body = srv.request("POST", "/start", enc([("kod", "")]))
    check(st == 400 and 'name="kod"' in body, "blank code: 400 and the code page again")

    # --- bad bodies
    token = csrf_for(db, code)
    st, _, _ = srv.request("POST", "/start", "kod=" + "A" * (64 * 1024 + 10))
    check(st == 413, "body over 64 KiB: 413 (got %s)" % st)
    st, _, _ = srv.request("POST", "/start", "kod=" + "A" * (64 * 1024 - 4))
    check(st == 400, "body of exactly 64 KiB is read (unknown code: 400, got %s)" % st)
    conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=20)
    conn.request("POST", "/svar", body=iter([b"kod=", b"B" * 50000, b"C" * 50000]),
                 headers={"Content-Type": "application/x-www-form-urlencoded"},
                 encode_chunked=True)
    st = conn.getresponse().status
    conn.close()
    check(st == 413, "chunked body over 64 KiB: 413 (got %s)" % st)
    for bad in ("kod=%zz", "kod=%4", "kod=abc%", "kod=%ff%fe", "k%00d=1", "kod=%C0%AF"):
        st, _, body = srv.request("POST", "/start", bad)
        check(st == 400, "malformed urlencoding %r: 400 (got %s)" % (bad, st))
    for ct in ("multipart/form-data; boundary=x", "text/plain", "application/json",
               "application/x-www-form-urlencodedx"):
        st, _, _ = srv.request("POST", "/start", "kod=" + code, {"Content-Type": ct})
        check(st == 415, "content type %r: 415 (got %s)" % (ct, st))
    st, _ = srv.raw(("POST /start HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n"
                     "Connection: close\r\n\r\nkod=%s" % (4 + len(code), code)).encode())
    check(st == 415, "no content type: 415 (got %s)" % st)
    st, _, _ = srv.request("POST", "/start", "kod=" + code,
                           {"Content-Type": "application/x-www-form-urlencoded; charset=UTF-8"})
    check(st == 200, "form content type with a charset: 200 (got %s)" % st)
    many = "&".join("f%d=1" % i for i in range(1001))
    st, _, _ = srv.request("POST", "/svar", many)
    check(st == 413, "1001 fields: 413 (got %s)" % st)
    st, _, _ = srv.request("POST", "/svar", "&".join("f%d=1" % i for i in range(1000)))
    check(st == 403, "1000 fields are read (no code: 403, got %s)" % st)

    # --- CSRF and cross-site
    base = VALID + [("kod", code), ("action", "skicka")]
    st, _, _ = srv.request("POST", "/svar", enc(base))
    check(st == 403, "no csrf: 403 (got %s)" % st)
    st, _, _ = srv.request("POST", "/svar", enc(base + [("csrf", "0" * 64)]))
    check(st == 403, "wrong csrf: 403 (got %s)" % st)
    st, _, _ = srv.request("POST", "/svar", enc(base + [("csrf", csrf_for(db, codes[1]))]))
    check(st == 403, "another code's csrf: 403 (got %s)" % st)
    st, _, _ = srv.request("POST", "/svar", enc(base + [("csrf", token[:-1])]))
    check(st == 403, "truncated csrf: 403 (got %s)" % st)
    st, _, _ = srv.request("POST", "/svar", enc(VALID + [("action", "skicka"), ("csrf", token)]))
    check(st == 403, "csrf without code: 403 (got %s)" % st)
    st, _, _ = srv.request("POST", "/start", enc([("kod", code)]),
                           {"Origin": "http://evil.example"})
    check(st == 403, "Origin of another site: 403 (got %s)" % st)
    st, _, _ = srv.request("POST", "/start", enc([("kod", code)]), {"Sec-Fetch-Site": "cross-site"})
    check(st == 403, "Sec-Fetch-Site cross-site: 403 (got %s)" % st)
    st, _, _ = srv.request("POST", "/start", enc([("kod", code)]),
                           {"Origin": "http://127.0.0.1:%d" % srv.port,
                            "Sec-Fetch-Site": "same-origin"})
    check(st == 200, "same Origin: 200 (got %s)" % st)
    st, _, _ = srv.request("POST", "/start", enc([("kod", code)]),
                           {"Origin": "http://127.0.0.1:%d" % srv.port,
                            "Sec-Fetch-Site": "same-site"})
    check(st == 403, "Sec-Fetch-Site same-site (a sibling host): 403 (got %s)" % st)
    st, _, _ = srv.request("POST", "/start", enc([("kod", code)]),
                           {"Origin": "http://127.0.0.1:%d" % srv.port})
    check(st == 200, "same Origin without fetch metadata: 200 (got %s)" % st)
    # What Chromium really sends for a same-origin form post under
    # Referrer-Policy: no-referrer (Fetch standard, "serialize a request
    # origin": the origin is "null"); Sec-Fetch-Site decides.
    st, _, _ = srv.request("POST", "/start", enc([("kod", code)]),
                           {"Origin": "null", "Sec-Fetch-Site": "same-origin"})
    check(st == 200, "Origin null with Sec-Fetch-Site same-origin: 200 (got %s)" % st)
    st, _, _ = srv.request("POST", "/start", enc([("kod", code)]),
                           {"Origin": "null", "Sec-Fetch-Site": "cross-site"})
    check(st == 403, "Origin null with Sec-Fetch-Site cross-site: 403 (got %s)" % st)
    # A browser without fetch metadata (e.g. Safari before 16.4) may send
    # "null" for its own same-origin posts too: not refused, the CSRF token of
    # /svar protects the answers (checked above).
    st, _, _ = srv.request("POST", "/start", enc([("kod", code)]), {"Origin": "null"})
    check(st == 200, "Origin null without fetch metadata: left to the token, 200 (got %s)" % st)
    st, _, _ = srv.request("POST", "/svar", enc(VALID + [("kod", code), ("action", "skicka")]),
                           {"Origin": "null"})
    check(st == 403, "Origin null on /svar without the token: 403 (got %s)" % st)
    check(stored(db, code)[0] == 0, "the code is still open after the refused posts")

    # --- validation errors keep what was typed
    post = [("hemtyp", "3"), ("ar_som_familjehem", "12"), ("forslag", "Mer <b>stöd</b> & tid"),
            ("kod", code), ("csrf", token), ("action", "skicka")]
    st, _, body = srv.request("POST", "/svar", enc(post))
    f = Form(body)
    check(st == 422, "required answers missing: 422 (got %s)" % st)
    check('class="error-summary"' in body and f.title.startswith("Fel: "),
          "the error summary is shown and the title starts with 'Fel: '")
    # the wave's year after the questionnaire's title, which has none (issue 15)
    check(f.title == "Fel: Enkät till familjehem och jourhem %d" % YEAR,
          "the page's title names the wave's year (got %r)" % f.title)
    check(f.checked("hemtyp") == ["3"] and f.value("ar_som_familjehem") == "12" and
          f.textareas.get("forslag") == "Mer <b>stöd</b> & tid",
          "everything typed is kept (radio, number, text)")
    check("<b>stöd</b>" not in body, "typed text is escaped")
    check(f.value("csrf") == token and normalise(f.value("kod") or "") == normalise(code),
          "the page with errors keeps code and csrf")
    for field, value, what in (("ar_som_familjehem", "99", "number out of range"),
                               ("ar_som_familjehem", "sju", "number that is not a number"),
                               ("hemtyp", "9", "unknown option value"),
                               ("har_skolbarn", "kanske", "unknown yes/no value"),
                               ("stod_nojd", "6", "scale point out of range")):
        p = [(k, value if k == field else v) for k, v in VALID]
        st, _, body = srv.request("POST", "/svar", enc(p + [("kod", code), ("csrf", token),
                                                             ("action", "skicka")]))
        f = Form(body)
        kept = f.value(field) == value if field == "ar_som_familjehem" else True
        check(st == 422 and 'class="error-summary"' in body and kept,
              "%s (%s=%s): 422 with the error summary (got %s)" % (what, field, value, st))
    st, _, _ = srv.request("POST", "/svar", enc(VALID + [("kod", code), ("csrf", token),
                                                         ("action", "radera")]))
    check(st == 400, "unknown action: 400 (got %s)" % st)
    check(stored(db, code)[:2] == (0, 0) and stored(db, code)[2] == 0,
          "nothing stored by the refused submissions")

    # --- save a draft, resume it
    draft = [("hemtyp", "1"), ("ar_som_familjehem", "3"), ("utbildningar", "1"),
             ("utbildningar", "3"), ("ovrigt", "Å & = % + ; \"citat\"\nrad två")]
    st, _, body = srv.request("POST", "/svar", enc(draft + [("kod", code), ("csrf", token),
                                                            ("action", "spara")]))
    check(st == 200, "action=spara: 200 (got %s)" % st)
    check(stored(db, code)[:2] == (0, 1), "the draft is kept and the code stays open")
    st, _, body = srv.request("POST", "/start", enc([("kod", code)]))
    f = Form(body)
    check(st == 200 and "Dina sparade svar är ifyllda" in body,
          "resume: 200 with the notice 'Dina sparade svar är ifyllda'")
    check(f.checked("hemtyp") == ["1"] and f.value("ar_som_familjehem") == "3" and
          f.checked("utbildningar") == ["1", "3"],
          "resume: the saved radio, number and checkboxes are filled in")
    check(f.textareas.get("ovrigt", "").replace("\r\n", "\n") == "Å & = % + ; \"citat\"\nrad två",
          "resume: the saved text comes back byte for byte")
    check('class="error-summary"' not in body, "resume shows no errors")

    # --- submit, resend, reuse
    full = VALID + [("ovrigt", "Hemligt svar 4711")]
    sub = enc(full + [("kod", code), ("csrf", token), ("action", "skicka")])
    st, h, _ = srv.request("POST", "/svar", sub)
    check(st == 303 and h.get("location") == "/tack", "valid submission: 303 to /tack (got %s)" % st)
    check(stored(db, code) == (1, 0, 1), "stored: the code spent, the draft gone, one response")
    rs = answers(db)
    check(len(rs) == 1 and rs[0]["hemtyp"] == 2 and rs[0]["ar_som_familjehem"] == 7 and
          rs[0]["har_skolbarn"] == 0 and rs[0]["stod_nojd"] == 4 and rs[0]["helhet_nojd"] == 5 and
          rs[0]["antal_placerade"] == -2**31 and rs[0]["utbildningar"] == -2**31,
          "the stored answers are the submitted ones, unanswered ones missing (not the draft's)")
    check(len(rs) == 1 and rs[0]["_texts"] == {"ovrigt": "Hemligt svar 4711"} and
          rs[0]["_source"] == "web" and re.fullmatch(r"\d{4}-\d\d-\d\d", rs[0]["_date"] or ""),
          "the text, source web and a date without time")
    st, h, _ = srv.request("POST", "/svar", sub)
    check(st == 303 and h.get("location") == "/tack", "the same POST again: 303 to /tack")
    st, h, _ = srv.request("POST", "/svar", enc(VALID + [("kod", code), ("csrf", token),
                                                         ("action", "spara")]))
    check(st == 303, "saving a draft of a spent code: 303 to /tack (got %s)" % st)
    check(stored(db, code) == (1, 0, 1), "still exactly one response and no draft")
    st, _, body = srv.request("POST", "/start", enc([("kod", code)]))
    check(st == 409, "reused code on /start: 409 (got %s)" % st)

    # double click: two identical submissions at once
    c2 = codes[2]
    sub2 = enc(VALID + [("kod", c2), ("csrf", csrf_for(db, c2)), ("action", "skicka")])
    res = []
    ts = [threading.Thread(target=lambda: res.append(srv.request("POST", "/svar", sub2)[0]))
          for _ in range(4)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    check(res == [303] * 4 and stored(db, c2)[0] == 1 and stored(db, c2)[2] == 2,
          "four identical submissions at once: all 303, one response (%s)" % res)

    # --- paths and methods
    for path in ("/x", "/index.html", "//", "/start/", "/tack/", "/form.js/", "/FORM.JS",
                 "/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/..%2f..%2fetc%2fpasswd",
                 "/templates/form.css", "/%2e%2e/survey/server.c", "/./form.js",
                 "/form.js%00.html"):
        st, reply = srv.raw(("GET %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                             % path).encode())
        check(st == 404 and "root:" not in reply and "#include" not in reply,
              "GET %s: 404, never a file (got %s)" % (path, st))
    for method, path, allow in (("GET", "/start", "POST"), ("GET", "/svar", "POST"),
                                ("POST", "/", "GET, HEAD"), ("PUT", "/tack", "GET, HEAD"),
                                ("DELETE", "/svar", "POST"), ("POST", "/form.js", "GET, HEAD")):
        st, h, body = srv.request(method, path, "" if method in ("POST", "PUT") else None)
        check(st == 405 and h.get("allow") == allow,
              "%s %s: 405 with Allow: %s (got %s, %s)" % (method, path, allow, st, h.get("allow")))


def check_security_headers():
    want = {"x-content-type-options": "nosniff", "referrer-policy": "no-referrer",
            "cache-control": "no-store", "x-frame-options": "DENY"}
    bad = []
    statuses = set()
    for method, path, (st, h, _) in all_replies:
        statuses.add(st)
        csp = h.get("content-security-policy", "")
        ok = all(h.get(k) == v for k, v in want.items())
        ok = ok and csp.startswith("default-src 'none'; script-src 'self'; style-src 'sha256-")
        ok = ok and csp.endswith("'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; "
                                 "base-uri 'none'")
        if not ok:
            bad.append("%s %s %s" % (method, path, st))
    check(not bad and len(all_replies) > 50,
          "security headers on all %d replies, statuses %s (missing on %s)"
          % (len(all_replies), sorted(statuses), bad[:5]))


def check_log(log, codes):
    with open(log, encoding="utf-8") as f:
        text = f.read()
    lines = text.splitlines()
    check(len(lines) >= len(all_replies), "the access log has a line per request (%d)" % len(lines))
    check(all(re.fullmatch(r"(GET|HEAD|POST|PUT|DELETE|-) (/[a-z.]*|-) \d{3} \d+", l)
              for l in lines), "every log line is METHOD PATH STATUS BYTES")
    forms = set()
    for c in codes:
        n = normalise(c)
        forms |= {c, n, n.lower(), code_hash(c), n[:4] + "-" + n[4:8] + "-" + n[8:]}
    check(not any(x in text for x in forms), "the access log holds no code or code hash")
    check("Hemligt" not in text and "4711" not in text and "127.0.0.1" not in text and
          "etc" not in text and "passwd" not in text,
          "the access log holds no answer, no address, no unknown path")


def copy_store(db, tmp, name):
    """The store as a backup taken now would have it: the file and its
    write-ahead log, copied byte for byte while the server runs. Returns the
    copy's path and the bytes of both files."""
    d = os.path.join(tmp, name)
    os.mkdir(d)
    raw = b""
    for suffix in ("", "-wal"):
        if os.path.exists(db + suffix):
            with open(db + suffix, "rb") as f:
                data = f.read()
            with open(os.path.join(d, "web.db" + suffix), "wb") as f:
                f.write(data)
            raw += data
    return os.path.join(d, "web.db"), raw


def holders(path, value):
    """The (table, column) pairs of the store at path whose cells hold value."""
    s = sqlite3.connect(path)
    out = []
    for (table,) in s.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall():
        for col in [r[1] for r in s.execute("PRAGMA table_info(%s)" % table)]:
            n = s.execute('SELECT count(*) FROM %s WHERE "%s" = ? OR CAST("%s" AS TEXT) = ?'
                          % (table, col, col), (value, value)).fetchone()[0]
            if n:
                out.append((table, col))
    s.close()
    return out


def store_copies(srv, db, codes, tmp):
    """Issue 18, point 8: what one or two copies of the store tell about
    which code gave which answers (docs/web.md, "What a copy of the store
    tells")."""
    # One copy while a draft exists: its text is not in the file or the log,
    # and no row but the code's own names the code's hash.
    a = codes[34]
    secret_text = "KopieraMigEj9f3a"
    st, _, _ = srv.request("POST", "/svar", enc([("hemtyp", "1"), ("ovrigt", secret_text),
                                                 ("kod", a), ("csrf", csrf_for(db, a)),
                                                 ("action", "spara")]))
    check(st == 200 and stored(db, a)[:2] == (0, 1), "copies: a draft is saved (got %s)" % st)
    copy1, raw1 = copy_store(db, tmp, "copy1")
    check(len(raw1) > 0 and secret_text.encode() not in raw1,
          "copies: a copy of the store and its log taken while a draft exists does not "
          "hold the draft's text")
    check(holders(copy1, code_hash(a)) == [("codes", "hash")],
          "copies: only the code's own row names its hash (got %s)" % holders(copy1, code_hash(a)))

    # Two copies around three submissions (one of them the draft's code).
    subs = [a, codes[35], codes[36]]
    answers_ = [(k, "1" if k == "hemtyp" else v) for k, v in VALID]  # apart from the others'
    for i, c in enumerate(subs):
        st, _, _ = srv.request("POST", "/svar", enc(answers_ + [
            ("ovrigt", "svar %d" % i), ("kod", c), ("csrf", csrf_for(db, c)),
            ("action", "skicka")]))
        check(st == 303, "copies: submission %d: 303 (got %s)" % (i + 1, st))
    copy2, raw2 = copy_store(db, tmp, "copy2")
    check(secret_text.encode() not in raw2, "copies: the second copy does not hold the draft's text")
    rows = []
    for path in (copy1, copy2):
        s = sqlite3.connect(path)
        rows.append(s.execute("SELECT hash, wave_id, spent FROM codes ORDER BY hash").fetchall())
        s.close()
    check(len(rows[0]) == 40 and rows[0] == rows[1],
          "copies: every row of codes is the same in both copies, so their difference "
          "does not show which codes were used")
    leaked = [(c, t) for c in codes for t in holders(copy2, code_hash(c)) if t != ("codes", "hash")]
    check(leaked == [], "copies: no row of the second copy but the codes' own names a code's "
          "hash (got %s)" % leaked[:3])
    # What the two copies do show: three more responses and three more
    # spent marks, the number docs/web.md says a copy pair reveals; and,
    # to whoever has the codes (the CSV for the letters), which codes those
    # are (a reminder needs that) but not which of the three responses each
    # gave.
    counts = []
    for path in (copy1, copy2):
        s = sqlite3.connect(path)
        counts.append((s.execute("SELECT count(*) FROM responses").fetchone()[0],
                       s.execute("SELECT count(*) FROM spent").fetchone()[0],
                       {t for (t,) in s.execute("SELECT tag FROM spent")}))
        s.close()
    check(counts[1][0] - counts[0][0] == 3 and counts[1][1] - counts[0][1] == 3,
          "copies: they differ by 3 responses and 3 spent marks")
    check(counts[1][2] - counts[0][2] == {spent_mark(c) for c in subs},
          "copies: with the codes in hand, the new spent marks are those of the 3 codes used")


def kill_after_reply(db, code, tmp):
    srv = Server(db, os.path.join(tmp, "kill.log"))
    body = enc(VALID + [("kod", code), ("csrf", csrf_for(db, code)), ("action", "skicka")])
    s = socket.create_connection(("127.0.0.1", srv.port), timeout=20)
    s.sendall(("POST /svar HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded"
               "\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body)).encode())
    reply = s.recv(4096).decode()
    srv.proc.send_signal(signal.SIGKILL)  # the moment the status line is in
    s.close()
    srv.proc.wait()
    check(reply.startswith("HTTP/1.1 303"), "kill -9 test: the submission got its 303")
    check(srv.proc.returncode == -signal.SIGKILL, "the server was killed by SIGKILL")
    spent, draft, _ = stored(db, code)
    check(spent == 1, "after kill -9 the code is spent and its response is in the store")
    check(sum(1 for r in answers(db) if r["hemtyp"] == 2) == 3,
          "after kill -9 the store holds the three submitted responses")


def sigterm_in_flight(db, code, tmp):
    srv = Server(db, os.path.join(tmp, "term.log"))
    before = stored(db, code)[2]
    body = enc(VALID + [("kod", code), ("csrf", csrf_for(db, code)), ("action", "skicka")])
    s = socket.create_connection(("127.0.0.1", srv.port), timeout=20)
    half = len(body) // 2
    s.sendall(("POST /svar HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded"
               "\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body[:half])).encode())
    time.sleep(0.5)
    srv.proc.send_signal(signal.SIGTERM)
    refused = False
    for _ in range(100):  # the signal, then the listening socket closes
        try:
            socket.create_connection(("127.0.0.1", srv.port), timeout=2).close()
        except OSError:
            refused = True
            break
        time.sleep(0.1)
    check(refused, "SIGTERM: new connections are refused")
    check(srv.proc.poll() is None, "SIGTERM: the server waits for the request in flight")
    s.sendall(body[half:].encode())
    reply = s.recv(4096).decode()
    s.close()
    rc = srv.proc.wait(20)
    check(reply.startswith("HTTP/1.1 303"), "SIGTERM: the request in flight got its 303")
    check(rc == 0, "SIGTERM: exit status 0 (got %s)" % rc)
    check(stored(db, code)[0] == 1 and stored(db, code)[2] == before + 1,
          "SIGTERM: the submission in flight is stored")


def rate_limit(db, code, tmp):
    srv = Server(db, os.path.join(tmp, "limit.log"))
    try:
        sts = [srv.request("POST", "/start", enc([("kod", "ZZZZ-ZZZZ-%04d" % i)]))[0]
               for i in range(10)]
        check(sts == [400] * 10, "ten wrong codes: 400 each (%s)" % sts)
        st, h, body = srv.request("POST", "/start", enc([("kod", "ZZZZ-ZZZZ-9999")]))
        ra = h.get("retry-after", "")
        check(st == 429 and ra.isdigit() and 0 < int(ra) <= 600,
              "the eleventh wrong code: 429 with Retry-After (%s, %r)" % (st, ra))
        st, _, _ = srv.request("POST", "/start", enc([("kod", code)]))
        check(st == 429, "then even a right code waits: 429 (got %s)" % st)
        st, _, _ = srv.request("POST", "/start", enc([("kod", code)]),
                               {"X-Forwarded-For": "198.51.100.9"})
        check(st == 429, "without --trust-proxy X-Forwarded-For is ignored: 429 (got %s)" % st)
        st, _, _ = srv.request("GET", "/")
        check(st == 200, "the code page is still served")
    finally:
        srv.stop()
    # Behind a proxy: the address comes from X-Forwarded-For, on loopback only.
    srv = Server(db, os.path.join(tmp, "limit2.log"), ["--trust-proxy"])
    try:
        for i in range(10):
            srv.request("POST", "/start", enc([("kod", "ZZZZ-ZZZZ-%04d" % i)]),
                        {"X-Forwarded-For": "203.0.113.7"})
        st, _, _ = srv.request("POST", "/start", enc([("kod", "ZZZZ")]),
                               {"X-Forwarded-For": "203.0.113.7"})
        check(st == 429, "--trust-proxy: the forwarded address is limited (got %s)" % st)
        st, _, _ = srv.request("POST", "/start", enc([("kod", code)]),
                               {"X-Forwarded-For": "203.0.113.7, 198.51.100.2"})
        check(st == 200, "--trust-proxy: another forwarded address is not (got %s)" % st)
        st, _, _ = srv.request("POST", "/start", enc([("kod", "ZZZZ")]),
                               {"X-Forwarded-For": "203.0.113.7"})
        check(st == 429, "203.0.113.7 is still limited (got %s)" % st)
        # The table is bounded: 4096 other addresses with a wrong code each
        # push the oldest one, 203.0.113.7, out (its slate is then clean).
        conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=20)
        sts = set()
        for i in range(4096):
            conn.request("POST", "/start", body="kod=ZZZZ",
                         headers={"Content-Type": "application/x-www-form-urlencoded",
                                  "X-Forwarded-For": "10.%d.%d.1" % (i // 256, i % 256)})
            r = conn.getresponse()
            r.read()
            sts.add(r.status)
        conn.close()
        check(sts == {400}, "4096 other addresses: one wrong code each, 400 (%s)" % sts)
        st, _, _ = srv.request("POST", "/start", enc([("kod", "ZZZZ")]),
                               {"X-Forwarded-For": "203.0.113.7"})
        check(st == 400, "then the oldest address is forgotten: 400 again (got %s)" % st)
    finally:
        srv.stop()


def framing(db, code, tmp):
    """A request that says in two ways where its body ends (two Content-Length
    headers, or Content-Length and Transfer-Encoding) is refused with 400 and
    the connection closed, so that nothing after it is read as a request
    (docs/web.md, "Bodies"); a single Content-Length is read as before."""
    srv = Server(db, os.path.join(tmp, "framing.log"))
    try:
        body = "kod=" + code
        head = "POST /start HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
        chunked = "%x\r\n%s\r\n0\r\n\r\n" % (len(body), body)
        cases = [
            ("two equal Content-Length",
             "Content-Length: %d\r\nContent-Length: %d\r\n\r\n%s" % (len(body), len(body), body)),
            ("two different Content-Length",
             "Content-Length: %d\r\nContent-Length: 4\r\n\r\n%s" % (len(body), body)),
            ("Content-Length and chunked",
             "Content-Length: %d\r\nTransfer-Encoding: chunked\r\n\r\n%s"
             % (len(chunked), chunked)),
            ("chunked and Content-Length",
             "Transfer-Encoding: chunked\r\nContent-Length: %d\r\n\r\n%s"
             % (len(chunked), chunked)),
            ("content-length in other cases",
             "content-length: %d\r\nCONTENT-LENGTH: %d\r\n\r\n%s" % (len(body), len(body), body)),
        ]
        for what, rest in cases:
            st, reply = srv.raw((head + rest).encode(), timeout=3)
            check(st == 400 and "connection: close" in reply.lower(),
                  "%s: 400 and the connection closed (got %s)" % (what, st))
        st, reply = srv.raw(("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n"
                             "Content-Length: 0\r\n\r\n").encode(), timeout=3)
        check(st == 400, "GET with two Content-Length: 400 (got %s)" % st)
        # A body that a proxy reading Content-Length would take as a whole,
        # and one reading chunked as an empty body followed by a second
        # request: never a second reply.
        smuggled = "0\r\n\r\nGET /tack HTTP/1.1\r\nHost: x\r\n\r\n"
        st, reply = srv.raw((head + "Content-Length: %d\r\nTransfer-Encoding: chunked\r\n\r\n%s"
                             % (len(smuggled), smuggled)).encode(), timeout=3)
        check(st == 400 and reply.count("HTTP/1.1 ") == 1,
              "a smuggled request after Content-Length and chunked gets no reply (%d replies)"
              % reply.count("HTTP/1.1 "))
        st, _ = srv.raw((head + "Content-Length: %d\r\nConnection: close\r\n\r\n%s"
                         % (len(body), body)).encode())
        check(st == 200, "one Content-Length: read as before (got %s)" % st)
        st, _ = srv.raw((head + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n%s"
                         % chunked).encode())
        check(st == 200, "chunked alone: read as before (got %s)" % st)
    finally:
        srv.stop()


def slow_clients(db, code, tmp):
    """Slow clients cannot crowd others out (docs/web.md, "Timeouts and
    connections"): at most 64 connections from one address, the rest closed at
    once; another address is still served; and a client that sends a byte every
    second, which resets the idle timer each time, is cut off 20 s after it
    connected, however busy it keeps its connection. Loopback only: the
    tricklers come from 127.0.0.1, the other client from 127.0.0.2."""
    limit, deadline, n = 64, 20, 100
    srv = Server(db, os.path.join(tmp, "slow.log"))

    def gone(s):
        """Whether the server closed s (FIN or reset), without waiting."""
        try:
            return s.recv(4096, socket.MSG_DONTWAIT) == b""
        except BlockingIOError:
            return False
        except OSError:
            return True

    def get_from(addr):
        s = socket.socket()
        s.settimeout(5)
        s.bind((addr, 0))
        try:
            s.connect(("127.0.0.1", srv.port))
            s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            data = s.recv(64)
        except OSError:
            data = b""
        s.close()
        m = re.match(rb"HTTP/1\.1 (\d{3})", data)
        return int(m.group(1)) if m else None

    socks, started = [], []
    try:
        for i in range(n):
            s = socket.create_connection(("127.0.0.1", srv.port), timeout=5)
            s.sendall(b"POST /start HTTP/1.1\r\nHost: x\r\nX-Slow: ")
            s.setblocking(False)
            socks.append(s)
            started.append(time.monotonic())
        time.sleep(1.5)
        closed = [gone(s) for s in socks]
        check(closed.count(False) == limit,
              "%d slow connections from one address: %d kept, the rest closed at once (kept %d)"
              % (n, limit, closed.count(False)))
        t0 = time.monotonic()
        st = get_from("127.0.0.2")
        check(st == 200 and time.monotonic() - t0 < 3,
              "meanwhile another address is served at once (got %s)" % st)
        check(get_from("127.0.0.1") is None,
              "a new connection from the crowding address is closed (limit reached)")
        live = [(s, t) for s, t, c in zip(socks, started, closed) if not c]
        cut = {}
        while live and time.monotonic() - started[0] < deadline + 8:
            time.sleep(1)
            for s, t in live:
                if id(s) in cut:
                    continue
                if gone(s):
                    cut[id(s)] = time.monotonic() - t
                    continue
                try:
                    s.send(b"a")  # one byte a second: never idle
                except OSError:
                    cut[id(s)] = time.monotonic() - t
            if len(cut) == len(live):
                break
        ages = sorted(cut.values())
        check(len(cut) == len(live) and ages and deadline - 0.5 <= ages[0] and
              ages[-1] <= deadline + 3,
              "every trickling connection is cut off %d s after it opened (%d of %d, "
              "after %s s)" % (deadline, len(cut), len(live),
                               "%.1f-%.1f" % (ages[0], ages[-1]) if ages else "-"))
        check(get_from("127.0.0.1") == 200, "then the address is served again")
        # A request sent slowly but whole within the deadline is answered.
        s = socket.create_connection(("127.0.0.1", srv.port), timeout=20)
        body = enc([("kod", code)])
        req = ("POST /start HTTP/1.1\r\nHost: x\r\nContent-Type: "
               "application/x-www-form-urlencoded\r\nContent-Length: %d\r\n"
               "Connection: close\r\n\r\n%s" % (len(body), body)).encode()
        for i in range(0, len(req), len(req) // 8 + 1):
            s.sendall(req[i:i + len(req) // 8 + 1])
            time.sleep(0.5)
        reply = s.recv(64)
        s.close()
        check(reply.startswith(b"HTTP/1.1 200"),
              "a request trickled over 4 s is answered (%r)" % reply[:20])
    finally:
        for s in socks:
            s.close()
        check(srv.stop() == 0, "slow clients: the server still exits 0")


def store_locked(db, code, tmp):
    """Another process (an import) holds the store's write lock. Held for
    longer than SQLite's usual busy timeout (5 s) but less than the server's
    store wait (30 s by default), a submission and a draft wait and are
    stored exactly once when the lock goes; held past the store wait
    (--store-wait 3 here), the answer is 503 with Retry-After and the form
    again with everything typed, nothing is stored, the operator is told on
    stderr, and the same POST later is stored (docs/web.md, "Exactly once")."""
    text = 'Mitt svar <b>&amp; "citat"</b>\nrad två'
    typed = [("hemtyp", "3"), ("ar_som_familjehem", "12"), ("har_skolbarn", "nej"),
             ("stod_nojd", "2"), ("helhet_nojd", "1"), ("utbildningar", "2"),
             ("utbildningar", "4"), ("ovrigt", text)]

    def post(c, action):
        return enc(typed + [("kod", c), ("csrf", csrf_for(db, c)), ("action", action)])

    def lock_for(seconds):
        lock = sqlite3.connect(db, isolation_level=None, check_same_thread=False)
        lock.execute("BEGIN IMMEDIATE")
        t = threading.Timer(seconds, lambda: (lock.execute("ROLLBACK"), lock.close()))
        t.start()
        return t

    def in_thread(srv, body):
        out = {}

        def run():
            t0 = time.monotonic()
            out["reply"] = srv.request("POST", "/svar", body)
            out["secs"] = time.monotonic() - t0
        th = threading.Thread(target=run)
        th.start()
        return th, out

    def filled(page):
        f = Form(page)
        return (f.checked("hemtyp") == ["3"] and f.value("ar_som_familjehem") == "12" and
                f.checked("har_skolbarn") == ["nej"] and f.checked("stod_nojd") == ["2"] and
                f.checked("helhet_nojd") == ["1"] and f.checked("utbildningar") == ["2", "4"] and
                f.textareas.get("ovrigt", "").replace("\r\n", "\n") == text and
                'action="/svar"' in page and f.value("csrf") is not None and
                f.value("kod") is not None)

    # --- held 7 s, less than the default store wait: both wait and are stored
    c_send, c_save = extra_codes(db, 2)
    srv = Server(db, os.path.join(tmp, "locked.log"))
    try:
        before = stored(db, c_send)[2]
        t = lock_for(7)
        th1, r1 = in_thread(srv, post(c_send, "skicka"))
        th2, r2 = in_thread(srv, post(c_save, "spara"))
        time.sleep(5.5)
        check(th1.is_alive() and th2.is_alive(),
              "store locked 5.5 s: the submission and the draft are still waiting")
        th1.join(30)
        th2.join(30)
        t.join()
        st1, h1, _ = r1.get("reply", (None, {}, ""))
        st2, _, page2 = r2.get("reply", (None, {}, ""))
        check(st1 == 303 and h1.get("location") == "/tack" and r1["secs"] >= 6.5,
              "lock released after 7 s: the submission is stored, 303 (got %s after %.1f s)"
              % (st1, r1.get("secs", -1)))
        check(st2 == 200 and "Dina svar är sparade" in page2,
              "lock released after 7 s: the draft is saved, 200 (got %s)" % st2)
        check(stored(db, c_send) == (1, 0, before + 1),
              "the waiting submission is stored exactly once")
        check(stored(db, c_save)[:2] == (0, 1), "the waiting draft is stored, its code open")
        rs = [a for a in answers(db) if a["_texts"].get("ovrigt") == text]
        check(len(rs) == 1 and rs[0]["hemtyp"] == 3 and rs[0]["ar_som_familjehem"] == 12,
              "the stored response holds the typed answers (%d found)" % len(rs))
    finally:
        check(srv.stop() == 0, "store locked: the server still exits 0")

    # --- held past --store-wait 3: 503 and the form filled in
    srv = Server(db, os.path.join(tmp, "locked2.log"), ["--store-wait", "3"])
    try:
        before = stored(db, code)
        draft_before = stored(db, c_save)
        t = lock_for(6)
        th1, r1 = in_thread(srv, post(code, "skicka"))
        th2, r2 = in_thread(srv, post(c_save, "spara"))
        th1.join(30)
        th2.join(30)
        st1, h1, page1 = r1.get("reply", (None, {}, ""))
        st2, h2, page2 = r2.get("reply", (None, {}, ""))
        check(st1 == 503 and h1.get("retry-after", "").isdigit() and
              h1.get("cache-control") == "no-store" and
              "default-src 'none'" in h1.get("content-security-policy", ""),
              "store locked past the wait: 503 with Retry-After and the security headers "
              "(got %s, %r)" % (st1, h1.get("retry-after")))
        check(3 <= r1.get("secs", 0) < 5.5, "the 503 comes after the store wait of 3 s (%.1f s)"
              % r1.get("secs", -1))
        check(filled(page1), "the 503 page is the form with everything typed (send)")
        check("INTE sparats" in page1, "the 503 page says the answers were not saved")
        check(st2 == 503 and filled(page2), "a draft past the wait: 503 and the form filled in "
              "(got %s)" % st2)
        check(stored(db, code) == before and stored(db, c_save) == draft_before,
              "store locked past the wait: nothing stored, the code still open")
        t.join()
        time.sleep(0.2)
        check(any("locked" in l for l in srv.stderr), "store locked: the operator is told on stderr")
        time.sleep(1)
        check(stored(db, code) == before, "lock gone: the given-up submission is not written later")
        st, h, _ = srv.request("POST", "/svar", post(code, "skicka"))
        check(st == 303 and stored(db, code)[0] == 1 and stored(db, code)[2] == before[2] + 1,
              "lock gone: the same POST is stored once (303)")
    finally:
        check(srv.stop() == 0, "store locked: the server still exits 0")


def text_of(body):
    """The page's text, tags dropped and white space collapsed, entities as
    characters (so that an escaped contact reads as typed)."""
    import html as h
    return re.sub(r"\s+", " ", h.unescape(re.sub(r"<[^>]+>", " ", body)))


def wave_details(tmp):
    """Who asks, on every page (docs/web.md): the wave's municipality and
    deadline under the title and its contact in the footer, as set with
    `enkat codes`; the used-code page names the contact; the code page says
    what the municipality can and cannot know; a test code's answers are
    checked and never stored; the reminder leaves out a code used on the
    web; the 429 page says how long to wait (from Retry-After)."""
    db = os.path.join(tmp, "details.db")
    letters, tests = os.path.join(tmp, "brev.csv"), os.path.join(tmp, "test.csv")
    contact = "Anna Berg & Co, 0383-970 00"
    r = subprocess.run([ENKAT, "codes", "--db", db, "--year", str(YEAR), "--unit", UNIT,
                        "--count", "3", "-q", QUESTIONNAIRE, "-o", letters, "--sent",
                        "--url", "https://enkat.prov.se", "--deadline", "2026-03-31",
                        "--municipality", "Provkommunen", "--contact", contact],
                       capture_output=True, text=True)
    r2 = subprocess.run([ENKAT, "codes", "--db", db, "--year", str(YEAR), "--unit", UNIT,
                         "--count", "1", "--test", "-o", tests], capture_output=True, text=True)
    if not check(r.returncode == 0 and r2.returncode == 0,
                 "codes with details and a test code (%s%s)" % (r.stderr, r2.stderr)):
        return
    with open(letters, newline="") as f:
        codes = [row[0] for row in list(csv.reader(f))[1:]]
    with open(tests, newline="") as f:
        test_code = list(csv.reader(f))[1][0]
    about = ("Provkommunen", "Svara senast 31 mars 2026", "Frågor om enkäten: " + contact)

    def says_who(body):
        t = text_of(body)
        return all(a in t for a in about)

    srv = Server(db, os.path.join(tmp, "details.log"))
    try:
        st, _, body = srv.request("GET", "/")
        check(st == 200 and says_who(body), "code page: municipality, deadline, contact")
        t = text_of(body)
        check("Kommunen kan se om koden har använts" in t
              and "så kommunen kan inte se vad du har svarat" in t
              and "ingen kan se vem som har svarat" not in t,
              "code page: what the municipality can know (used or not) and cannot (answers)")
        st, _, body = srv.request("POST", "/start", enc([("kod", codes[0])]))
        check(st == 200 and says_who(body), "form: municipality, deadline, contact")
        for path, want in (("/tack", 200), ("/nope", 404)):
            st, _, body = srv.request("GET", path)
            check(st == want and says_who(body), "%s (%d): municipality, deadline, contact"
                  % (path, want))
        st, _, body = srv.request("POST", "/start", enc([("kod", "ZZZZ-ZZZZ-0000")]))
        check(st == 400 and says_who(body), "unknown code: municipality, deadline, contact")

        # A real answer and a test answer: the test one is never stored.
        before = stored(db, codes[1])[2]
        for c in (codes[1], test_code):
            st, h, _ = srv.request("POST", "/svar", enc(VALID + [
                ("kod", c), ("csrf", csrf_for(db, c)), ("action", "skicka")]))
            check(st == 303, "submission with %s code: 303 (got %s)"
                  % ("a test" if c == test_code else "a", st))
        check(stored(db, codes[1])[2] == before + 1,
              "one response stored for the two submissions: the test one is not")
        s = sqlite3.connect(db)
        check(s.execute("SELECT count(*) FROM spent WHERE tag = ? AND test = 1",
                        (spent_mark(test_code),)).fetchone()[0] == 1,
              "the test code is used (its spent mark is marked test)")
        s.close()
        st, _, body = srv.request("POST", "/start", enc([("kod", test_code)]))
        t = text_of(body)
        check(st == 409 and "Om du inte har skickat några svar, kontakta %s." % contact in t,
              "used-code page names the contact")

        # The reminder: the letters whose codes are unused, the web's used one left out.
        out = os.path.join(tmp, "paminnelse.csv")
        r = subprocess.run([ENKAT, "codes", "--db", db, "--year", str(YEAR), "--unit", UNIT,
                            "--unused", letters, "-o", out], capture_output=True, text=True)
        with open(out, newline="") as f:
            left = [row[0] for row in list(csv.reader(f))[1:]]
        check(r.returncode == 0 and left == [codes[0], codes[2]],
              "reminder: the two unused codes, not the one answered (%s)" % r.stderr)
        # The deadline moved after the letters: the reminder's line and
        # deadline say the new day; what the letters had besides stays.
        r = subprocess.run([ENKAT, "codes", "--db", db, "--year", str(YEAR), "--unit", UNIT,
                            "--deadline", "2026-04-15"], capture_output=True, text=True)
        out2 = os.path.join(tmp, "paminnelse-2.csv")
        r2 = subprocess.run([ENKAT, "codes", "--db", db, "--year", str(YEAR), "--unit", UNIT,
                             "--unused", letters, "-o", out2], capture_output=True, text=True)
        with open(letters, newline="") as f:
            before = {d["kod"]: d for d in csv.DictReader(f)}
        with open(out2, newline="") as f:
            now = list(csv.DictReader(f))
        check(r.returncode == 0 and r2.returncode == 0 and len(now) == 2
              and all(d["svara_senast"] == "15 april 2026"
                      and d["rad"].endswith("Svara senast 15 april 2026.")
                      and d["kod"] in d["rad"]
                      and {k: v for k, v in d.items() if k not in ("rad", "svara_senast")}
                      == {k: v for k, v in before[d["kod"]].items()
                          if k not in ("rad", "svara_senast")}
                      and before[d["kod"]]["svara_senast"] == "31 mars 2026"
                      for d in now),
              "reminder after a moved deadline: the new day in rad and svara_senast (%s%s)"
              % (r.stderr, r2.stderr))

        for i in range(10):
            srv.request("POST", "/start", enc([("kod", "ZZZZ-ZZZZ-%04d" % i)]))
        st, h, body = srv.request("POST", "/start", enc([("kod", "ZZZZ-ZZZZ-9999")]))
        minutes = -(-int(h.get("retry-after", "0")) // 60)
        want = "Vänta en minut" if minutes == 1 else "Vänta %d minuter" % minutes
        check(st == 429 and minutes > 0 and want in text_of(body) and says_who(body),
              "too many wrong codes: 429 says how long to wait (%r)" % want)
    finally:
        srv.stop()
    s = sqlite3.connect(db)
    n, sent = s.execute("SELECT (SELECT count(*) FROM responses), sent FROM waves").fetchone()
    s.close()
    check((n, sent) == (1, 3), "the store: one response, 3 sent (test codes not counted)")


def extra_codes(db, n):
    """n more codes for the wave, made with `enkat codes` (appended)."""
    out = tempfile.mktemp(suffix=".csv")
    r = subprocess.run([ENKAT, "codes", "--db", db, "--year", str(YEAR), "--unit", UNIT,
                        "--count", str(n), "-q", QUESTIONNAIRE, "-o", out],
                       capture_output=True, text=True)
    with open(out, newline="") as f:
        return [row[0] for row in list(csv.reader(f))[1:]]


def cli_errors(db, tmp):
    def run(args):
        return subprocess.run([ENKAT, "serve"] + args, capture_output=True, text=True, timeout=20)

    base = ["--db", db, "--year", str(YEAR), "--unit", UNIT]
    r = run(["--db", db, "--year", "2021", "--unit", UNIT, "--listen", "127.0.0.1:0"])
    check(r.returncode == 1 and "2021" in r.stderr, "no such wave: exit 1 (%s)" % r.stderr.strip())
    r = run(["--db", db, "--year", str(YEAR), "--unit", "Ingenstans", "--listen", "127.0.0.1:0"])
    check(r.returncode == 1 and "Ingenstans" in r.stderr,
          "no such unit: exit 1 (%s)" % r.stderr.strip())
    r = run(["--db", os.path.join(tmp, "none.db")] + base[2:])
    check(r.returncode == 1 and not os.path.exists(os.path.join(tmp, "none.db")),
          "no such store: exit 1, nothing created (%s)" % r.stderr.strip())
    for bad in ("localhost:8080", "127.0.0.1", "127.0.0.1:99999", "1.2.3.4.5:80", "[::1:80"):
        r = run(base + ["--listen", bad])
        # the messages are Swedish by default (no --lang en)
        check(r.returncode == 1 and "adress" in r.stderr,
              "bad listen address %r: exit 1 (%s)" % (bad, r.stderr.strip()))
    busy = socket.socket()
    busy.bind(("127.0.0.1", 0))
    busy.listen(1)
    r = run(base + ["--listen", "127.0.0.1:%d" % busy.getsockname()[1]])
    busy.close()
    check(r.returncode == 1 and "används" in r.stderr, "port in use: exit 1 (%s)" % r.stderr.strip())
    nocodes = os.path.join(tmp, "nocodes.db")
    s = sqlite3.connect(db)
    s.execute("VACUUM INTO ?", (nocodes,))
    s.close()
    s = sqlite3.connect(nocodes)
    s.execute("DELETE FROM drafts")
    s.execute("DELETE FROM codes")
    s.commit()
    s.close()
    r = run(["--db", nocodes] + base[2:] + ["--listen", "127.0.0.1:0"])
    check(r.returncode == 1 and "codes" in r.stderr, "no codes issued: exit 1 (%s)"
          % r.stderr.strip())
    for args in (["--year", str(YEAR), "--unit", UNIT], ["--db", db, "--unit", UNIT],
                 ["--db", db, "--year", str(YEAR)], base + ["--lang", "fi"], base + ["extra"],
                 base + ["--bogus"]):
        r = run(args)
        check(r.returncode == 2, "usage error %s: exit 2 (got %d)" % (args, r.returncode))
    r = run(["--help", "--lang", "en"])
    check(r.returncode == 0 and "usage: enkat serve" in r.stdout, "--help --lang en: exit 0")
    r = run(["--help"])
    check(r.returncode == 0 and "användning: enkat serve" in r.stdout, "--help in Swedish: exit 0")


# ------------------------------------------------- several waves, languages

def html_lang(body):
    m = re.search(r'<html lang="([^"]*)"', body)
    return m.group(1) if m else None


def wave_of_responses(db):
    """(unit, year) of every response, as the store files them."""
    s = sqlite3.connect(db)
    rows = s.execute("SELECT u.name, w.year FROM responses r JOIN waves w ON w.id = r.wave_id "
                     "JOIN units u ON u.id = w.unit_id").fetchall()
    s.close()
    return rows


def several_waves(tmp):
    """`enkat serve --all-open`: one server for the open waves of a store; a
    code opens the form of its own wave and its answers are filed there; the
    pages switch language without a second server."""
    db = os.path.join(tmp, "waves.db")
    waves = [("Alby", 2020), ("Borby", 2020), ("Borby", 2021)]
    codes = {}
    for unit, year in waves:
        out = os.path.join(tmp, "codes-%s-%d.csv" % (unit, year))
        r = subprocess.run([ENKAT, "codes", "--db", db, "--year", str(year), "--unit", unit,
                            "--count", "3", "-q", QUESTIONNAIRE, "-o", out],
                           capture_output=True, text=True)
        check(r.returncode == 0, "codes for %s %d (%s)" % (unit, year, r.stderr.strip()))
        with open(out, newline="") as f:
            codes[(unit, year)] = [row[0] for row in list(csv.reader(f))[1:]]
    try:
        srv = Server(db, os.path.join(tmp, "waves.log"), wave=["--all-open"])
    except RuntimeError as e:
        check(False, "--all-open: the server starts (%s)" % e)
        return
    try:
        # Each code opens a form, and its submission lands in its own wave,
        # whichever order the waves are tried in.
        for unit, year in [waves[2], waves[0], waves[1]]:
            code = codes[(unit, year)][0]
            st, h, body = srv.request("POST", "/start", enc([("kod", code)]))
            check(st == 200 and 'name="csrf"' in body,
                  "--all-open: a code of %s %d opens the form (%d)" % (unit, year, st))
            f = Form(body)
            before = wave_of_responses(db)
            st, h, body = srv.request("POST", "/svar", enc(
                VALID + [("kod", code), ("csrf", f.value("csrf")), ("action", "skicka")]))
            check(st == 303, "--all-open: a submission with a code of %s %d is stored (%d)"
                  % (unit, year, st))
            added = collections.Counter(wave_of_responses(db)) - collections.Counter(before)
            check(added == collections.Counter([(unit, year)]),
                  "--all-open: the answers are filed under %s %d (%s)" % (unit, year, dict(added)))
        st, h, body = srv.request("POST", "/start", enc([("kod", codes[("Alby", 2020)][0])]))
        check(st == 409, "--all-open: a spent code is refused as used (%d)" % st)
        st, h, body = srv.request("POST", "/start", enc([("kod", "ABCD-EFGH-JKMN")]))
        check(st == 400, "--all-open: a code of no wave is unknown (%d)" % st)

        # The language: the code page in each, a switch that keeps the form.
        st, h, body = srv.request("GET", "/")
        check(html_lang(body) == "sv" and 'href="./?lang=en"' in body,
              "the code page is Swedish and links to the English one")
        st, h, body = srv.request("GET", "/?lang=en")
        check(st == 200 and html_lang(body) == "en" and 'href="./?lang=sv"' in body and
              'name="lang" value="en"' in body,
              "GET /?lang=en: the English code page, linking back to Swedish")
        st, h, body = srv.request("GET", "/?lang=xx")
        check(st == 200 and html_lang(body) == "sv", "GET /?lang=xx: an unknown language is the default")
        code = codes[("Borby", 2021)][1]
        st, h, body = srv.request("POST", "/start", enc([("kod", code), ("lang", "en")]))
        f = Form(body)
        check(st == 200 and html_lang(body) == "en" and f.value("lang") == "en" and
              'value="sprak-sv"' in body,
              "a code entered on the English page opens the English form, with a switch to Swedish")
        st, h, body = srv.request("POST", "/svar", enc(
            [("hemtyp", "2"), ("ar_som_familjehem", "7"), ("kod", code),
             ("csrf", f.value("csrf")), ("lang", "en"), ("action", "sprak-sv")]))
        f = Form(body)
        check(st == 200 and html_lang(body) == "sv" and f.value("lang") == "sv",
              "the switch to Swedish shows the Swedish form (%d)" % st)
        check(f.checked("hemtyp") == ["2"] and f.value("ar_som_familjehem") == "7",
              "the switch keeps what was entered (%s, %s)"
              % (f.checked("hemtyp"), f.value("ar_som_familjehem")))
        check(stored(db, code)[:2] == (0, 0), "the switch stores nothing: the code is open, no draft")
        check("Fel" not in f.title, "the switch shows no errors (%s)" % f.title)
        st, h, body = srv.request("POST", "/svar", enc(
            VALID + [("kod", code), ("csrf", f.value("csrf")), ("lang", "en"),
                     ("action", "skicka")]))
        check(st == 303 and h.get("location") == "/tack?lang=en",
              "submitted from the English form: to the English thanks page (%s)"
              % h.get("location"))
        st, h, body = srv.request("GET", "/tack?lang=en")
        check(st == 200 and html_lang(body) == "en", "GET /tack?lang=en is English")
    finally:
        rc = srv.stop()
    check(rc == 0, "--all-open: SIGTERM, exit 0 (got %s)" % rc)
    r = subprocess.run([ENKAT, "serve", "--db", db, "--all-open", "--unit", "Alby"],
                       capture_output=True, text=True, timeout=20)
    check(r.returncode == 2 and "--all-open" in r.stderr,
          "--all-open with --unit: usage error, exit 2 (%s)" % r.stderr.strip())
    spent = os.path.join(tmp, "spent.db")
    s = sqlite3.connect(db)
    s.execute("VACUUM INTO ?", (spent,))
    s.close()
    s = sqlite3.connect(spent)
    s.execute("UPDATE codes SET spent = 1")
    s.commit()
    s.close()
    r = subprocess.run([ENKAT, "serve", "--db", spent, "--all-open", "--listen", "127.0.0.1:0"],
                       capture_output=True, text=True, timeout=20)
    check(r.returncode == 1 and "--all-open" not in r.stderr and r.stderr.strip(),
          "--all-open with no code left to use: exit 1 (%s)" % r.stderr.strip())


def test_codes_only(tmp):
    """A wave with test codes only (tried out before the letters are made,
    as `enkat codes --test` suggests) is served: alone and with --all-open;
    its test code opens the form and nothing is stored."""
    db = os.path.join(tmp, "tests-only.db")
    out = os.path.join(tmp, "tests-only.csv")
    r = subprocess.run([ENKAT, "codes", "--db", db, "--year", str(YEAR), "--unit", UNIT,
                        "--count", "2", "--test", "-q", QUESTIONNAIRE, "-o", out],
                       capture_output=True, text=True)
    if not check(r.returncode == 0, "test codes only: made (%s)" % r.stderr.strip()):
        return
    with open(out, newline="") as f:
        code = list(csv.reader(f))[1][0]
    for wave in (None, ["--all-open"]):
        name = "--all-open" if wave else "one wave"
        try:
            srv = Server(db, os.path.join(tmp, "tests-only.log"), wave=wave)
        except RuntimeError as e:
            check(False, "test codes only, %s: the server starts (%s)" % (name, e))
            continue
        try:
            st, _, body = srv.request("POST", "/start", enc([("kod", code)]))
            check(st == 200 and "<form" in body,
                  "test codes only, %s: the test code opens the form (%d)" % (name, st))
        finally:
            rc = srv.stop()
        check(rc == 0, "test codes only, %s: SIGTERM, exit 0 (got %s)" % (name, rc))
    s = sqlite3.connect(db)
    n = s.execute("SELECT count(*) FROM responses").fetchone()[0]
    s.close()
    check(n == 0, "test codes only: no response stored (%d)" % n)
    # The letters' codes made and all used: the wave is closed for
    # --all-open, whatever test code is left.
    r = subprocess.run([ENKAT, "codes", "--db", db, "--year", str(YEAR), "--unit", UNIT,
                        "--count", "1", "-o", os.path.join(tmp, "tests-then-real.csv")],
                       capture_output=True, text=True)
    s = sqlite3.connect(db)
    s.execute("UPDATE codes SET spent = 1 WHERE test = 0")
    s.commit()
    left = s.execute("SELECT count(*) FROM codes WHERE test = 1 AND spent = 0").fetchone()[0]
    s.close()
    r2 = subprocess.run([ENKAT, "serve", "--db", db, "--all-open", "--listen", "127.0.0.1:0"],
                        capture_output=True, text=True, timeout=20)
    check(r.returncode == 0 and left > 0 and r2.returncode == 1,
          "letters' codes all used, a test code left: --all-open has no open wave, exit 1 (%s%s)"
          % (r.stderr.strip(), r2.stderr.strip()))


def several_waves_details(tmp):
    """`enkat serve --all-open` with two waves of different municipalities:
    each code's pages (the form, the used-code page) say its own wave's
    municipality, deadline and contact and not the other's; the code page,
    before a code is known, names no municipality; a test code of the
    second wave opens its form, its answers are checked and never stored."""
    db = os.path.join(tmp, "waves-details.db")
    waves = {
        ("Alby", 2020): ("Alby kommun", "2020-03-31", "Eva Ek, 0470-100 00",
                         "Svara senast 31 mars 2020"),
        ("Borby", 2021): ("Borby kommun", "2021-04-15", "Per Berg & Son, 0380-200 00",
                          "Svara senast 15 april 2021"),
    }
    codes = {}
    for (unit, year), (muni, deadline, contact, _) in waves.items():
        out = os.path.join(tmp, "details-%s-%d.csv" % (unit, year))
        r = subprocess.run([ENKAT, "codes", "--db", db, "--year", str(year), "--unit", unit,
                            "--count", "2", "-q", QUESTIONNAIRE, "-o", out,
                            "--deadline", deadline, "--municipality", muni, "--contact", contact],
                           capture_output=True, text=True)
        if not check(r.returncode == 0, "codes with details for %s %d (%s)"
                     % (unit, year, r.stderr.strip())):
            return
        with open(out, newline="") as f:
            codes[(unit, year)] = [row[0] for row in list(csv.reader(f))[1:]]
    tests = os.path.join(tmp, "details-test.csv")
    r = subprocess.run([ENKAT, "codes", "--db", db, "--year", "2021", "--unit", "Borby",
                        "--count", "1", "--test", "-o", tests], capture_output=True, text=True)
    if not check(r.returncode == 0, "a test code for Borby 2021 (%s)" % r.stderr.strip()):
        return
    with open(tests, newline="") as f:
        test_code = list(csv.reader(f))[1][0]

    def about(key):
        muni, _, contact, day = waves[key]
        return (muni, day, "Frågor om enkäten: " + contact)

    def says(body, key):
        t = text_of(body)
        other = [k for k in waves if k != key][0]
        return (all(a in t for a in about(key))
                and not any(a in t for a in about(other)))

    def responses():
        s = sqlite3.connect(db)
        n = s.execute("SELECT count(*) FROM responses").fetchone()[0]
        s.close()
        return n

    try:
        srv = Server(db, os.path.join(tmp, "waves-details.log"), wave=["--all-open"])
    except RuntimeError as e:
        check(False, "--all-open with details: the server starts (%s)" % e)
        return
    try:
        st, _, body = srv.request("GET", "/")
        t = text_of(body)
        check(st == 200 and not any(m in t for m in ("Alby kommun", "Borby kommun")),
              "--all-open, two waves: the code page names no municipality")
        for key in waves:
            st, _, body = srv.request("POST", "/start", enc([("kod", codes[key][0])]))
            check(st == 200 and 'name="csrf"' in body and says(body, key),
                  "--all-open: the form of %s %d says its own municipality, deadline and "
                  "contact, not the other wave's (%d)" % (key + (st,)))
        borby = ("Borby", 2021)
        st, _, body = srv.request("POST", "/start", enc([("kod", test_code)]))
        check(st == 200 and says(body, borby),
              "--all-open: a test code of Borby 2021 opens Borby's form (%d)" % st)
        csrf = Form(body).value("csrf")
        before = responses()
        st, h, body = srv.request("POST", "/svar", enc(
            [("hemtyp", "2"), ("kod", test_code), ("csrf", csrf), ("action", "skicka")]))
        check(st == 422 and says(body, borby),
              "--all-open: the test code's answers are checked (422, Borby's page) (%d)" % st)
        st, h, body = srv.request("POST", "/svar", enc(
            VALID + [("kod", test_code), ("csrf", csrf), ("action", "skicka")]))
        check(st == 303, "--all-open: a test code's submission: 303 (%d)" % st)
        check(responses() == before, "--all-open: the test code's answers are not stored")
        s = sqlite3.connect(db)
        n = s.execute("SELECT count(*) FROM spent WHERE tag = ? AND test = 1",
                      (spent_mark(test_code),)).fetchone()[0]
        s.close()
        check(n == 1, "--all-open: the test code is used (its spent mark is marked test)")
        st, _, body = srv.request("POST", "/start", enc([("kod", test_code)]))
        check(st == 409 and "kontakta %s." % waves[borby][2] in text_of(body)
              and says(body, borby),
              "--all-open: the used test code's page names Borby's contact (%d)" % st)
    finally:
        rc = srv.stop()
    check(rc == 0, "--all-open with details: SIGTERM, exit 0 (got %s)" % rc)
    check(responses() == 0, "--all-open with details: the store holds no response")


if __name__ == "__main__":
    main()
    sys.exit(1 if failures or not checks else 0)
