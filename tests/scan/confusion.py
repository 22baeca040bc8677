#!/usr/bin/python3
"""tests/scan/confusion.py - what `enkat scan` read, against the simulator's truth.

Usage: confusion.py TRUTH.json SCAN.json [--max-flagged PCT] [--show N]

TRUTH.json is tests/scan/simulate.py's truth; SCAN.json what `enkat scan
--dry-run --json` printed (its shape: tests/scan/README.md). Prints

  pages    per page of every file: located and identified right, not located
           (a status other than ok; reported, so not silent), or MISIDENTIFIED
           (another copy or page than the truth's, or a blank sheet or another
           survey's page taken for a form page); upside-down pages turned
  copies   complete / missing pages as the truth says
  answers  per question type and per what the truth says (a value, empty, or
           review for a reason): correct, flagged (the scanner asks a person),
           WRONG (a certain answer that is not the truth's, an answer made up
           on an empty question, or a certain answer where the truth says only a
           person can decide); answers of pages that were not located are "not
           read"
  boxes    the truth's box states (empty, marked, filled, ambiguous) against
           the scanner's (empty, marked, filled, uncertain)

and exits 1 when any answer is WRONG or any page MISIDENTIFIED, or (with
--max-flagged) when more than PCT % of the answers the truth calls certain or
empty were flagged for review; 0 otherwise; 2 on a usage error or an unreadable
file. --show N lists up to N of the wrong answers and pages (default 20).
"""
import argparse
import collections
import json
import os
import sys


def load(path):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError) as e:
        print(f"confusion.py: {path}: {e}", file=sys.stderr)
        sys.exit(2)


def table(title, rows, cols):
    """rows: {row name: Counter}; prints a table with a total column."""
    names = list(rows)
    w = max([len(title)] + [len(n) for n in names]) + 2
    print(f"{title:<{w}}" + "".join(f"{c:>12}" for c in cols) + f"{'total':>10}")
    tot = collections.Counter()
    for n in names:
        r = rows[n]
        tot.update(r)
        print(f"{n:<{w}}" + "".join(f"{r.get(c, 0):>12}" for c in cols) +
              f"{sum(r.get(c, 0) for c in cols):>10}")
    print(f"{'all':<{w}}" + "".join(f"{tot.get(c, 0):>12}" for c in cols) +
          f"{sum(tot.get(c, 0) for c in cols):>10}")
    print()
    return tot


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("truth")
    ap.add_argument("scan")
    ap.add_argument("--max-flagged", type=float, default=None, metavar="PCT")
    ap.add_argument("--show", type=int, default=20)
    a = ap.parse_args()
    truth, scan = load(a.truth), load(a.scan)
    failures = []

    # ---- pages
    got_pages = {}
    for p in scan.get("pages", []):
        got_pages[(os.path.basename(p.get("file", "")), p.get("page"))] = p
    prow = collections.defaultdict(collections.Counter)
    located = set()  # (serial, form page) the scanner read
    for f in truth["files"]:
        for tp in f["pages"]:
            where = f"{f['file']} page {tp['page']}"
            sp = got_pages.pop((f["file"], tp["page"]), None)
            kind = tp["kind"] + (" upside-down" if tp.get("upside_down") else "")
            if sp is None:
                prow[kind]["not reported"] += 1
                failures.append(f"page {where}: not in the scanner's output")
                continue
            st = sp.get("status")
            if tp["kind"] == "form":
                if st != "ok":
                    prow[kind]["not located"] += 1
                    continue
                if sp.get("serial") != tp["serial"] or sp.get("form_page") != tp["form_page"]:
                    prow[kind]["MISIDENTIFIED"] += 1
                    failures.append(f"page {where}: read as copy {sp.get('serial')} page "
                                    f"{sp.get('form_page')}, is copy {tp['serial']} page "
                                    f"{tp['form_page']}")
                    continue
                if bool(sp.get("rotated")) != bool(tp.get("upside_down")):
                    prow[kind]["MISIDENTIFIED"] += 1
                    failures.append(f"page {where}: rotated={sp.get('rotated')}, truth "
                                    f"upside_down={tp.get('upside_down')}")
                    continue
                prow[kind]["correct"] += 1
                located.add((tp["serial"], tp["form_page"]))
            else:
                if st == "ok":
                    prow[kind]["MISIDENTIFIED"] += 1
                    failures.append(f"page {where}: a {tp['kind']} page read as copy "
                                    f"{sp.get('serial')} page {sp.get('form_page')}")
                elif st == tp["expect_status"]:
                    prow[kind]["correct"] += 1
                else:
                    prow[kind]["other status"] += 1
    for (fn, pg), sp in got_pages.items():
        prow["(not in truth)"]["extra"] += 1
    ptot = table("pages", prow, ["correct", "not located", "other status", "MISIDENTIFIED",
                                 "not reported"])
    wrong_pages = ptot["MISIDENTIFIED"]

    # ---- copies, answers, boxes
    scopies = {c.get("serial"): c for c in scan.get("copies", [])}
    crow = collections.defaultdict(collections.Counter)
    arow = collections.defaultdict(collections.Counter)
    brow = collections.defaultdict(collections.Counter)
    box_diff = collections.Counter()
    blank_false = 0
    wrong_answers = []
    filled_pages = {}
    for f in truth["files"]:
        for tp in f["pages"]:
            if tp["kind"] == "form":
                filled_pages[(tp["serial"], tp["form_page"])] = tp["filled"]
    for serial, tc in truth["copies"].items():
        sc = scopies.get(serial)
        if sc is None:
            crow[tc["status"]]["not reported"] += 1
        elif sc.get("status") == tc["status"] and \
                sorted(sc.get("missing") or []) == sorted(tc["missing"]):
            crow[tc["status"]]["correct"] += 1
        else:
            crow[tc["status"]]["other"] += 1
        sans = {x.get("question"): x for x in (sc or {}).get("answers", [])}
        for qid, ta in tc["answers"].items():
            if ta["state"] == "missing":
                continue
            row = f"{ta['type']:<8} " + (
                "value" if ta["state"] == "certain" else
                "empty" if ta["state"] == "empty" else
                f"review:{ta.get('why') or ta['reason']}")
            if (serial, ta["page"]) not in located:
                arow[row]["not read"] += 1
                continue
            sa = sans.get(qid)
            if sa is None:
                arow[row]["not read"] += 1
                continue
            st, val = sa.get("state"), sa.get("value")
            if st == "review":
                verdict = "correct" if ta["state"] == "review" else "flagged"
                if ta["state"] == "review" and sa.get("reason") != ta["reason"]:
                    arow[row]["other reason"] += 1
            elif ta["state"] == "certain" and st == "certain" and val == ta["value"]:
                verdict = "correct"
            elif ta["state"] == "empty" and st == "empty":
                verdict = "correct"
            else:
                verdict = "WRONG"
                wrong_answers.append(f"copy {serial} {qid}: read {st} {val}, truth "
                                     f"{ta['state']} {ta['value']}"
                                     + (f" ({ta['reason']})" if ta.get("reason") else ""))
                if ta["state"] == "empty" and not filled_pages.get((serial, ta["page"]), True):
                    blank_false += 1
            arow[row][verdict] += 1
            # boxes; a box read otherwise than drawn is wrong unless its
            # answer waits for a person (flagged) or comes out right anyway
            # (a stray stroke into an empty box beside the mark)
            sboxes = {str(b.get("value")): b for b in sa.get("boxes", [])}
            for v, tst in ta.get("boxes", {}).items():
                sb = sboxes.get(v)
                got = sb.get("state") if sb else "(none)"
                brow[tst][got] += 1
                if got != tst and not (tst == "ambiguous" and got == "uncertain"):
                    if st == "review":
                        box_diff["flagged"] += 1
                    elif verdict == "correct":
                        box_diff["answer right"] += 1
                    else:
                        box_diff["WRONG"] += 1
    table("copies", crow, ["correct", "other", "not reported"])
    atot = table("answers", dict(sorted(arow.items())),
                 ["correct", "flagged", "WRONG", "not read", "other reason"])
    table("boxes (truth \\ scan)", brow, ["empty", "marked", "filled", "uncertain", "(none)"])
    print(f"boxes read otherwise than drawn: {box_diff['flagged']} in answers flagged for "
          f"review, {box_diff['answer right']} in answers read right all the same, "
          f"{box_diff['WRONG']} in answers read wrong")

    # the share of answers the truth calls certain or empty that were flagged
    plain = collections.Counter()
    for r, c in arow.items():
        if "review" not in r:
            plain.update(c)
    nplain = plain["correct"] + plain["flagged"] + plain["WRONG"]
    pct = 100.0 * plain["flagged"] / nplain if nplain else 0.0
    print(f"answers wrong without a flag: {atot['WRONG']}; false marks on pages left blank: "
          f"{blank_false}; pages misidentified: {wrong_pages}; pages not located: "
          f"{ptot['not located'] + ptot['not reported']}")
    print(f"flagged for review: {plain['flagged']} of {nplain} certain or empty answers "
          f"({pct:.2f} %)")
    for msg in (failures + wrong_answers)[:a.show]:
        print("  " + msg)
    bad = atot["WRONG"] > 0 or wrong_pages > 0
    if a.max_flagged is not None and pct > a.max_flagged:
        print(f"confusion.py: {pct:.2f} % flagged, more than --max-flagged {a.max_flagged} %")
        bad = True
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
