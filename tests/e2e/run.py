#!/usr/bin/env python3
"""tests/e2e/run.py - runs a directory of end-to-end cases of the enkat program.

Usage: run.py ENKAT CASES_DIR [CASE ...]

Each subdirectory of CASES_DIR is one case. It is copied to a fresh temporary
directory, which becomes the working directory, and then one of:
  args    one line: the arguments to enkat (split like a shell would; $ROOT is
          the repository root, $TMP the case's temporary directory), or
  script  a sh script (run with `sh -e`), with enkat on PATH and $ROOT, $TMP set;
with `stdin` fed to it when present. Expected results, each compared when
its file exists:
  status  the exit status (required: a case without it is an error)
  stdout  standard output, exactly
  stderr  standard error, exactly
  expect/ files that must exist afterwards in the working directory, each
          compared exactly (binary)
  absent  names of files (one per line) that must not exist afterwards
  filter  lines "REGEX<TAB>REPLACEMENT" applied to stdout and stderr before
          comparing (for times and other values that vary from run to run)
Set ENKAT_UPDATE=1 to rewrite the expected stdout, stderr, status and expect/ files from what
the program does; review the diff before committing it.
"""
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def read(path, mode="r"):
    with open(path, mode) as f:
        return f.read()


def apply_filter(case, text):
    fpath = os.path.join(case, "filter")
    if not os.path.exists(fpath):
        return text
    for line in read(fpath).splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        pat, _, rep = line.partition("\t")
        text = re.sub(pat, rep, text)
    return text


def run_case(enkat, case, update):
    name = os.path.basename(case)
    if not os.path.exists(os.path.join(case, "status")) and not update:
        return [f"{name}: no 'status' file"]
    tmp = tempfile.mkdtemp(prefix="enkat-e2e-")
    try:
        work = os.path.join(tmp, "w")
        shutil.copytree(case, work, ignore=shutil.ignore_patterns("expect", "stdout", "stderr", "status"))
        env = dict(os.environ)
        env["ROOT"] = ROOT
        env["TMP"] = tmp
        env["PATH"] = os.path.dirname(os.path.abspath(enkat)) + os.pathsep + env.get("PATH", "")
        env["LC_ALL"] = "C.UTF-8"
        env.pop("ENKAT_UPDATE", None)
        stdin = read(os.path.join(case, "stdin"), "rb") if os.path.exists(os.path.join(case, "stdin")) else b""
        if os.path.exists(os.path.join(case, "args")):
            line = read(os.path.join(case, "args")).strip().replace("$ROOT", ROOT).replace("$TMP", tmp)
            cmd = [os.path.abspath(enkat)] + shlex.split(line)
        elif os.path.exists(os.path.join(case, "script")):
            cmd = ["sh", "-e", os.path.join(work, "script")]
        else:
            return [f"{name}: neither 'args' nor 'script'"]
        p = subprocess.run(cmd, cwd=work, env=env, input=stdin, capture_output=True, timeout=240)
        out = apply_filter(case, p.stdout.decode("utf-8", "replace"))
        err = apply_filter(case, p.stderr.decode("utf-8", "replace"))
        if update:
            with open(os.path.join(case, "status"), "w") as f:
                f.write(f"{p.returncode}\n")
            for fname, text in (("stdout", out), ("stderr", err)):
                if text or os.path.exists(os.path.join(case, fname)):
                    with open(os.path.join(case, fname), "w") as f:
                        f.write(text)
            # the expected files there are, as written now (review the diff)
            for dirpath, _, files in os.walk(os.path.join(case, "expect")):
                for fn in files:
                    rel = os.path.relpath(os.path.join(dirpath, fn), os.path.join(case, "expect"))
                    if os.path.exists(os.path.join(work, rel)):
                        shutil.copyfile(os.path.join(work, rel), os.path.join(dirpath, fn))
            return []
        problems = []
        want_status = int(read(os.path.join(case, "status")).strip())
        if p.returncode != want_status:
            problems.append(f"{name}: exit status {p.returncode}, want {want_status}")
        for fname, got in (("stdout", out), ("stderr", err)):
            path = os.path.join(case, fname)
            if os.path.exists(path):
                want = read(path)
                if got != want:
                    problems.append(f"{name}: {fname} differs\n--- want\n{want}--- got\n{got}---")
        expect = os.path.join(case, "expect")
        if os.path.isdir(expect):
            for dirpath, _, files in os.walk(expect):
                for fn in files:
                    rel = os.path.relpath(os.path.join(dirpath, fn), expect)
                    got_path = os.path.join(work, rel)
                    if not os.path.exists(got_path):
                        problems.append(f"{name}: expected file '{rel}' was not written")
                    elif read(got_path, "rb") != read(os.path.join(dirpath, fn), "rb"):
                        problems.append(f"{name}: file '{rel}' differs from expect/{rel}")
        absent = os.path.join(case, "absent")
        if os.path.exists(absent):
            for fn in read(absent).split():
                if os.path.exists(os.path.join(work, fn)):
                    problems.append(f"{name}: file '{fn}' must not exist")
        return problems
    except subprocess.TimeoutExpired:
        return [f"{name}: timed out"]
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main():
    if len(sys.argv) < 3:
        print(__doc__)
        return 2
    enkat, cases_dir = sys.argv[1], sys.argv[2]
    only = set(sys.argv[3:])
    update = os.environ.get("ENKAT_UPDATE") == "1"
    cases = sorted(d for d in os.listdir(cases_dir)
                   if os.path.isdir(os.path.join(cases_dir, d)) and (not only or d in only))
    if not cases:
        print(f"no cases in {cases_dir}")
        return 1
    failed = 0
    for c in cases:
        problems = run_case(enkat, os.path.join(cases_dir, c), update)
        print(("FAIL " if problems else "ok   ") + c)
        for p in problems:
            print("  " + p.replace("\n", "\n  "))
        failed += bool(problems)
    print(f"{len(cases) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
