#!/usr/bin/env python3
"""tests/scan/compare.py - scan_dump's lines compared with make_fixture.py's truth.

usage: compare.py TRUTH.json DUMP.jsonl [--max-residual MM]
Prints one line per misread page or box and a confusion table (correct,
flagged = uncertain, wrong); exits 1 on anything but all correct.
"""
import json
import os
import sys


def main():
    truth = json.load(open(sys.argv[1]))
    pages = [json.loads(line) for line in open(sys.argv[2]) if line.strip()]
    max_res = float(sys.argv[sys.argv.index("--max-residual") + 1]) if "--max-residual" in sys.argv else 0.5
    got = {(os.path.basename(p["file"]), p["page"]): p for p in pages}
    correct = flagged = wrong = 0
    bad = []
    for t in truth["pages"]:
        p = got.get((os.path.basename(t["file"]), t.get("page", 1)))
        if p is None:
            bad.append("%s: page not read" % t["file"])
            continue
        where = "%s:%d" % (p["file"], p["page"])
        if p["status"] != t["status"]:
            bad.append("%s: status %r, want %r" % (where, p["status"], t["status"]))
            continue
        for key in ("qr", "turned", "marks"):
            if key in t and p.get(key) != t[key]:
                bad.append("%s: %s %r, want %r" % (where, key, p.get(key), t[key]))
        if "residual_mm" in p and p["residual_mm"] > max_res:
            bad.append("%s: residual %.3f mm over %.2f" % (where, p["residual_mm"], max_res))
        read = {"%s|%s|%d" % (b[0], b[1], b[2]): b for b in p.get("boxes", [])}
        if set(read) != set(t["boxes"]):
            bad.append("%s: boxes %d, want %d" % (where, len(read), len(t["boxes"])))
        for key, want in t["boxes"].items():
            b = read.get(key)
            if b is None:
                continue
            if b[3] == want:
                correct += 1
            elif b[3] == "uncertain":
                flagged += 1
                bad.append("%s: %s flagged (ink %.3f), drawn %s" % (where, key, b[4], want))
            else:
                wrong += 1
                bad.append("%s: %s read %s (ink %.3f), drawn %s" % (where, key, b[3], b[4], want))
    for line in bad:
        print(line)
    print("boxes: %d correct, %d flagged, %d wrong" % (correct, flagged, wrong))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
