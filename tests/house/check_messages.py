#!/usr/bin/env python3
"""tests/house/check_messages.py - every message has its Swedish (survey/diag.h).

Messages are written in English in the code and translated by GNU gettext
from po/sv.po. This fails, naming the message and its place, when

  - po/POTFILES misses a .c or .h file of survey/, analysis/ or cli/ (its
    messages would never be extracted);
  - xgettext, run over po/POTFILES with po/keywords, finds a message id that
    po/sv.po has no (or only a fuzzy) translation for: a new message would
    otherwise stay English in a Swedish run (msgcmp);
  - a translation's printf conversions differ from its message id's
    (msgfmt --check).

usage: check_messages.py [SOURCE_ROOT]   (default: the repository of this file)
"""

import glob
import os
import subprocess
import sys
import tempfile


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(
        os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    po = os.path.join(root, "po")
    problems = []
    listed = {l.strip() for l in open(os.path.join(po, "POTFILES")) if l.strip()}
    for folder in ("survey", "analysis", "cli"):
        for path in sorted(glob.glob(os.path.join(root, folder, "*.[ch]"))):
            rel = os.path.relpath(path, root)
            if rel not in listed:
                problems.append(f"po/POTFILES: {rel} is not listed")
    keywords = [k.strip() for k in open(os.path.join(po, "keywords"))
                if k.strip() and not k.startswith("#")]
    with tempfile.TemporaryDirectory() as tmp:
        pot = os.path.join(tmp, "enkat.pot")
        subprocess.run(["xgettext", "--from-code=UTF-8", "--keyword"]
                       + ["--keyword=" + k for k in keywords]
                       + ["-f", os.path.join(po, "POTFILES"), "-o", pot],
                       cwd=root, check=True)
        r = subprocess.run(["msgcmp", os.path.join(po, "sv.po"), pot],
                           capture_output=True, text=True)
        if r.returncode != 0:
            problems.append("po/sv.po lacks a Swedish translation (msgcmp):\n" + r.stderr.strip())
        r = subprocess.run(["msgfmt", "--check", "-o", os.devnull, os.path.join(po, "sv.po")],
                           capture_output=True, text=True)
        if r.returncode != 0:
            problems.append("po/sv.po does not compile cleanly (msgfmt --check):\n"
                            + r.stderr.strip())
    for p in problems:
        print(p)
    if problems:
        print(f"{len(problems)} problem(s): add the Swedish to po/sv.po "
              "(ninja -C build enkat-update-po merges new message ids in)")
        return 1
    print(f"every message of {len(listed)} files has its Swedish in po/sv.po")
    return 0


if __name__ == "__main__":
    sys.exit(main())
