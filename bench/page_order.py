#!/usr/bin/python3
"""bench/page_order.py - how much order of writing the page layout of one store copy keeps.

usage: python3 bench/page_order.py [N]   (default 2000)

Issue 18, point 8 (docs/web.md, "What a copy of the store tells"). Builds the
two tables a web submission writes to, as schema 3 has them (spent marks:
WITHOUT ROWID, a random 64-hex-digit key; responses: a random 62-bit id),
N submissions in commits of 50 with secure_delete, then reads the file's
B-tree leaf pages directly (the SQLite file format: cell pointer array in
key order, cell contents placed from the end of the page down). For every
pair of rows on one page it asks whether the row placed lower in the page
was written later; prints the share of pairs for which that guess is right.
50 % means the layout tells nothing about the order; ids counted up from 1
give 100 % (replace the random id by i + 1 to see it).
"""
import os, random, sqlite3, struct, sys
N = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
path = os.path.join(os.environ.get("TMPDIR", "/tmp"), "enkat-page-order.db")
for s in ("", "-wal"):
    if os.path.exists(path + s): os.remove(path + s)
db = sqlite3.connect(path, isolation_level=None)
db.execute("PRAGMA journal_mode=WAL"); db.execute("PRAGMA secure_delete=ON")
db.execute("CREATE TABLE spent (tag TEXT PRIMARY KEY, wave_id INTEGER NOT NULL) WITHOUT ROWID")
db.execute("CREATE TABLE responses (id INTEGER PRIMARY KEY, wave_id INTEGER, source TEXT, date TEXT, answers BLOB)")
order_tag, order_id = {}, {}
for i in range(N):
    if i % 50 == 0: db.execute("BEGIN")
    tag = os.urandom(32).hex(); rid = random.getrandbits(62) or 1
    db.execute("INSERT INTO spent VALUES (?, 1)", (tag,))
    db.execute("INSERT INTO responses VALUES (?, 1, 'web', '2025-05-01', ?)", (rid, os.urandom(120)))
    order_tag[tag.encode()] = i; order_id[rid] = i
    if i % 50 == 49: db.execute("COMMIT")
db.execute("PRAGMA wal_checkpoint(TRUNCATE)"); db.close()
data = open(path, "rb").read(); ps = struct.unpack(">H", data[16:18])[0]; ps = 65536 if ps == 1 else ps
def varint(b, p):
    v = 0
    for k in range(9):
        c = b[p + k]
        if k == 8: return (v << 8) | c, p + 9
        v = (v << 7) | (c & 0x7f)
        if c < 0x80: return v, p + k + 1
def pairs_in_page(pg, kind):
    off = 100 if pg == 0 else 0; page = data[pg * ps:(pg + 1) * ps]
    t = page[off]; n = struct.unpack(">H", page[off + 3:off + 5])[0]; out = []
    if (kind == "idx" and t != 0x0a) or (kind == "tab" and t != 0x0d): return None
    for c in range(n):
        cp = struct.unpack(">H", page[off + 8 + 2 * c:off + 10 + 2 * c])[0]
        if kind == "tab":
            _, p = varint(page, cp); rid, p = varint(page, p); key = order_id.get(rid)
        else:
            _, p = varint(page, cp); hl, q = varint(page, p); st, q = varint(page, q)
            key = order_tag.get(page[p + hl:p + hl + (st - 13) // 2])
        if key is not None: out.append((cp, key))
    return out
for kind, name in (("idx", "spent"), ("tab", "responses")):
    conc = disc = 0; pages = 0
    for pg in range(len(data) // ps):
        cells = pairs_in_page(pg, kind)
        if not cells or len(cells) < 2: continue
        pages += 1
        for a in range(len(cells)):
            for b in range(a + 1, len(cells)):
                (o1, k1), (o2, k2) = cells[a], cells[b]
                if (o1 < o2) == (k1 > k2): conc += 1   # lower offset = written later
                else: disc += 1
    tot = conc + disc
    print(f"{name}: {pages} leaf pages; pairs of rows on one page: {tot}; "
          f"offset order agrees with write order for {conc / tot:.1%} (50% = no information)")
