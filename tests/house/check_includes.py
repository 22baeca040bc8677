#!/usr/bin/env python3
"""tests/house/check_includes.py - the one-library-per-module rule, checked.

Each external library is wrapped by one module (docs/architecture.md, "The
modules"): only that module's files may include the library's headers, and no
public header includes any of them. This reads every .c and .h under survey/,
analysis/, cli/, bench/ and tests/ and fails, naming FILE:LINE, when

  - a file includes a library's header outside the files that own it;
  - a public header (not *_internal.h) includes a library's header;
  - a file includes an <...> header that is neither the C library / POSIX
    (SYSTEM below) nor a library listed in LIBRARIES: a new dependency needs
    its row here, naming the one module that wraps it.

usage: check_includes.py [SOURCE_ROOT]   (default: the repository of this file)
"""

import fnmatch
import os
import re
import sys

# library: (header patterns, files that may include them). Patterns are
# fnmatch patterns over the name between the brackets; owners are fnmatch
# patterns over the path from the repository root.
LIBRARIES = {
    "SQLite": (["sqlite3.h", "sqlite3ext.h"],
               ["survey/store*.c", "survey/store_internal.h",
                # reads the store's file raw, to check what store.c wrote
                "tests/unit/test_store.c"]),
    "libyaml": (["yaml.h"], ["survey/yml.c"]),
    "libcsv": (["csv.h"], ["survey/csv.c"]),
    "iconv": (["iconv.h"], ["survey/csv.c"]),
    "GSL": (["gsl/*"],
            ["analysis/stats.c",
             # turns GSL's abort handler off itself, as enk_stats_init() does
             "tests/unit/test_stats.c"]),
    "libxlsxwriter": (["xlsxwriter.h", "xlsxwriter/*"],
                      ["analysis/report*.c", "analysis/report_internal.h",
                       # the keying workbook (enkat form --format xlsx)
                       "survey/keysheet.c"]),
    "libzip": (["zip.h", "zipconf.h"], ["survey/xlsxin.c"]),
    "expat": (["expat.h", "expat_external.h"], ["survey/xlsxin.c"]),
    "libmicrohttpd": (["microhttpd.h"], ["survey/server_http.c"]),
    "libsodium": (["sodium.h", "sodium/*"], ["survey/hash.c"]),
    "ICU": (["unicode/*"], ["survey/collate.c"]),
    "cairo": (["cairo.h", "cairo-*.h", "cairo/*"],
              ["survey/paper_pdf.c", "survey/paper_text.c",
               # poppler renders a vector PDF page onto a cairo surface
               "survey/scan_image.c"]),
    "Pango": (["pango/*", "pango*.h"], ["survey/paper_text.c"]),
    # GLib comes with Pango; only the font code touches its objects.
    "GLib": (["glib.h", "glib/*", "glib-object.h", "gobject/*"],
             ["survey/paper_text.c",
              # poppler-glib's documents are GObjects
              "survey/scan_image.c"]),
    "libqrencode": (["qrencode.h"], ["survey/paper_pdf.c"]),
    "ReadStat": (["readstat.h"], ["survey/export.c"]),
    "Leptonica": (["leptonica/*"],
                  ["survey/scan_image.c", "survey/scan_page.c", "survey/scan_marks.c",
                   "survey/scan_internal.h"]),
    "zbar": (["zbar.h", "zbar/*"], ["survey/scan_page.c"]),
    "poppler": (["poppler.h", "poppler/*", "poppler-*.h"], ["survey/scan_image.c"]),
    # the JPEG page images of scanned PDFs, taken as stored (poppler's own
    # decoding of them is ten times slower)
    "qpdf": (["qpdf/*"], ["survey/scan_image.c"]),
    # the CCITT Group 4 page images of scanned PDFs, decoded as a fax TIFF's
    # strip (poppler's own decoding of them takes 300 ms a page)
    "libtiff": (["tiffio.h", "tiff.h"], ["survey/scan_image.c"]),
    "utf8proc": (["utf8proc.h"], ["survey/csvin*.c", "survey/csvin_internal.h"]),
    # GNU gettext (glibc's libintl): the diagnostics translate their formats,
    # the CLI chooses the run's language (survey/diag.h).
    "gettext": (["libintl.h"], ["survey/diag.c", "cli/util.c"]),
    # the dynamic linker: the report passes libxlsxwriter's zip call on to
    # minizip at another level (analysis/report_zip.c says why)
    "dlfcn": (["dlfcn.h"], ["analysis/report_zip.c"]),
    # a file's SHA-256 (the processor's SHA extensions where it has them)
    "Nettle": (["nettle/*"], ["survey/hash.c"]),
}

# The C library and POSIX: anyone may include these.
SYSTEM = {
    "assert.h", "ctype.h", "errno.h", "float.h", "inttypes.h", "limits.h",
    "locale.h", "math.h", "setjmp.h", "signal.h", "stdalign.h", "stdarg.h",
    "stdatomic.h", "stdbool.h", "stddef.h", "stdint.h", "stdio.h",
    "stdlib.h", "stdnoreturn.h", "string.h", "threads.h", "time.h",
    "wchar.h", "wctype.h",
    "dirent.h", "fcntl.h", "fnmatch.h", "getopt.h", "glob.h", "libgen.h",
    "malloc.h", "netdb.h", "poll.h", "pthread.h", "sched.h", "semaphore.h",
    "strings.h",
    "syslog.h", "termios.h", "unistd.h",
    "arpa/inet.h", "netinet/in.h", "netinet/tcp.h", "sys/file.h",
    "sys/mman.h", "sys/random.h", "sys/resource.h", "sys/select.h",
    "sys/socket.h", "sys/stat.h", "sys/time.h", "sys/types.h", "sys/uio.h",
    "sys/un.h", "sys/wait.h",
}

FOLDERS = ["survey", "analysis", "cli", "bench", "tests"]
SKIP_DIRS = {"node_modules", "corpus", "__pycache__"}
INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]')


def library_of(header):
    for name, (patterns, owners) in LIBRARIES.items():
        if any(fnmatch.fnmatchcase(header, p) for p in patterns):
            return name, owners
    return None, None


def sources(root):
    for folder in FOLDERS:
        for top, dirs, files in os.walk(os.path.join(root, folder)):
            dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS)
            for f in sorted(files):
                if f.endswith((".c", ".h")):
                    path = os.path.join(top, f)
                    yield os.path.relpath(path, root).replace(os.sep, "/")


def is_public_header(rel):
    folder, _, name = rel.partition("/")
    return (folder in ("survey", "analysis", "cli") and "/" not in name
            and name.endswith(".h") and not name.endswith("_internal.h"))


def code_lines(text):
    """The lines of a C file with its comments blanked, numbered from 1 (an
    #include inside a comment is no include)."""
    out, i, n = [], 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("/*", i):
            end = text.find("*/", i + 2)
            end = n if end < 0 else end + 2
            out.append("".join("\n" if ch == "\n" else " " for ch in text[i:end]))
            i = end
        elif text.startswith("//", i):
            end = text.find("\n", i)
            end = n if end < 0 else end
            out.append(" " * (end - i))
            i = end
        elif c in "\"'":
            j = i + 1
            while j < n and text[j] != c and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            out.append(text[i:j + 1])
            i = j + 1
        else:
            out.append(c)
            i += 1
    return enumerate("".join(out).split("\n"), 1)


def check(root):
    problems = []
    for rel in sources(root):
        with open(os.path.join(root, rel), encoding="utf-8") as f:
            text = f.read()
        for n, line in code_lines(text):
            m = INCLUDE.match(line)
            if not m:
                continue
            quote, header = m.groups()
            if quote == '"' and (
                    os.path.exists(os.path.join(root, header)) or
                    os.path.exists(os.path.join(root, os.path.dirname(rel), header))):
                continue  # one of ours
            lib, owners = library_of(header)
            where = f"{rel}:{n}"
            if lib is None:
                if quote == "<" and header not in SYSTEM:
                    problems.append(f"{where}: <{header}> is not a library this "
                                    "project knows: give it a row in LIBRARIES "
                                    "(tests/house/check_includes.py) naming the "
                                    "one module that wraps it")
                continue
            if is_public_header(rel):
                problems.append(f"{where}: public header includes {lib}'s "
                                f"<{header}>: a library's types stay inside "
                                "the module that wraps it")
            elif not any(fnmatch.fnmatchcase(rel, o) for o in owners):
                problems.append(f"{where}: <{header}> is {lib}'s, which only "
                                f"{', '.join(owners)} may include")
    return problems


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "..")
    problems = check(root)
    for p in problems:
        print(p)
    if problems:
        print(f"{len(problems)} include(s) break the one-library-per-module rule")
        return 1
    print("every library header is included by its own module only")
    return 0


if __name__ == "__main__":
    sys.exit(main())
