#!/usr/bin/python3
"""tests/scan/check_simulate.py - checks the scan simulator itself, without a scanner.

Usage: check_simulate.py ENKAT [WORKDIR]

The simulated scans are only worth something if their truth is true. This test
generates a few copies (tests/scan/simulate.py, profiles clean and degraded) and
reads them back with other tools than the ones that wrote them:

  pages     every (copy, form page) is in exactly one file once, except the
            missing pages the truth names; PDF pages are images at the file's
            dpi (pdfimages -list), black-and-white TIFFs are CCITT G4
  qr        every output page (PDF pages cut out by pdfimages) decodes with zbarimg
            to the QR text the truth gives it; a blank sheet decodes to nothing,
            a page of another language or edition to another survey text; on an
            upside-down page the QR code decodes from the top-left quarter of
            the image, on the others from the bottom-right quarter
  ink       clean profile (no degradation, page pixel = millimetre * dpi / 25.4):
            every box the truth calls marked has ink inside its outline, every
            filled box is mostly ink, every empty box none; written digit boxes
            and text areas have ink, empty ones none
  degraded  the same on the degraded pages, through the truth's mm_to_px
            homography: the marks survive rotation, blur, noise, contrast loss
            and thresholding (a truth that says "marked" over an erased mark
            would blame the reader for the generator's fault)
  answers   the truth agrees with itself: a certain single answer is its one
            marked box, a multiple answer the bitmask of its marked boxes, a
            "skipped" review is a question its show_if hides, every special case
            (multiple, skipped, correction, ambiguous, filled-alone, blank page,
            empty copy, missing page, upside-down, obscured corner) occurs
  seed      the same seed gives the same truth and the same files, byte for byte

Exits 1 naming every problem, 77 (skipped) when pdfimages, zbarimg, gs or PIL
is missing.
"""
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile

try:
    import numpy as np
    from PIL import Image
except ImportError:
    print("check_simulate.py: python3-pil or python3-numpy missing: skipped")
    sys.exit(77)

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import simulate  # noqa: E402

problems = []
MARGINAL = [0, 0]  # 150 dpi black-and-white form pages, and those zbar could not decode


def problem(msg):
    problems.append(msg)
    print("FAIL:", msg)


def gen(enkat, out, *args):
    cmd = [sys.executable, os.path.join(HERE, "simulate.py"), "--enkat", enkat, "--out", out,
           *args]
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"check_simulate.py: {' '.join(cmd)}: {p.stderr}")
    print(p.stdout.strip())
    with open(os.path.join(out, "truth.json"), encoding="utf-8") as f:
        return json.load(f)


def page_images(out, entry, tmp):
    """The page images of one output file, read by pdfimages for PDFs and PIL otherwise."""
    path = os.path.join(out, entry["file"])
    if entry["format"] == "pdf":
        d = tempfile.mkdtemp(dir=tmp)
        subprocess.run(["pdfimages", "-png", path, os.path.join(d, "p")], check=True)
        files = sorted(os.listdir(d))
        return [Image.open(os.path.join(d, f)) for f in files]
    im = Image.open(path)
    frames = []
    for i in range(getattr(im, "n_frames", 1)):
        im.seek(i)
        frames.append(im.copy())
    return frames


def zbar(img, tmp):
    path = os.path.join(tmp, "z.png")
    img.convert("L").save(path)
    p = subprocess.run(["zbarimg", "-q", "--raw", path], capture_output=True, text=True)
    return [ln[len("QR-Code:"):] if ln.startswith("QR-Code:") else ln
            for ln in p.stdout.splitlines() if ln]


def zbar_hard(img, tmp):
    """zbar on img as it is, then enlarged: at 150 dpi a module of the QR code is
    2.2-2.4 px, too few for zbar on a turned, blurred page (found by this test:
    3x bilinear or 4x nearest then decodes them)."""
    img = img.convert("L")
    got = []
    for f, how in ((1, Image.NEAREST), (3, Image.BILINEAR), (4, Image.NEAREST),
                   (2, Image.BICUBIC)):
        got = zbar(img.resize((img.width * f, img.height * f), how) if f > 1 else img, tmp)
        if got:
            break
    return got


def grey(img):
    return np.asarray(img.convert("L"), dtype=np.float32)


def ink_in(a, h, r, inset, thr):
    """The share of dark pixels inside rectangle r (mm) shrunk by inset, sampled on a
    0.1 mm grid mapped through the homography h (mm -> px)."""
    x0, y0, x1, y1 = r[0] + inset, r[1] + inset, r[2] - inset, r[3] - inset
    xs, ys = np.meshgrid(np.arange(x0, x1, 0.1), np.arange(y0, y1, 0.1))
    pts = np.stack([xs.ravel(), ys.ravel(), np.ones(xs.size)])
    u, v, w = h @ pts
    c = np.clip(np.round(u / w).astype(int), 0, a.shape[1] - 1)
    rr = np.clip(np.round(v / w).astype(int), 0, a.shape[0] - 1)
    return float(np.mean(a[rr, c] < thr))


def check_ink(truth, out, tmp, degraded):
    with open(os.path.join(out, truth["layout"]), encoding="utf-8") as f:
        layout = json.load(f)
    label = "degraded" if degraded else "ink"
    for entry in truth["files"]:
        imgs = page_images(out, entry, tmp)
        for pt, img in zip(entry["pages"], imgs):
            if pt["kind"] != "form":
                continue
            h = np.array(pt["mm_to_px"])
            if not degraded:
                k = entry["dpi"] / 25.4
                if not np.allclose(h, np.diag([k, k, 1]), atol=1e-6):
                    problem(f"{label}: {entry['file']} page {pt['page']} is not un-degraded")
            a = grey(img)
            thr = 0.7 * float(np.median(a))  # paper is the page's commonest shade
            where = f"{entry['file']} page {pt['page']} (copy {pt['serial']} p{pt['form_page']})"
            lp = layout["pages"][pt["form_page"] - 1]
            ans = truth["copies"][pt["serial"]]["answers"]
            for b in lp["boxes"]:
                st = ans[b["question"]]["boxes"][str(b["value"])]
                f = ink_in(a, h, simulate.rect(b), 0.9, thr)
                ok = {"empty": f < 0.01, "marked": f > 0.04, "filled": f > 0.6,
                      "ambiguous": 0.005 < f < 0.3}[st]
                if not ok:
                    problem(f"{label}: {where}: {b['question']}={b['value']} is {st} "
                            f"in the truth, ink {f:.3f}")
            for d in lp["digits"]:
                a_ = ans[d["question"]]
                digits = a_.get("digits", "")
                f = ink_in(a, h, simulate.rect(d), 0.9, thr)
                # right- or left-aligned: at least as many inked boxes as digits
                if not digits and f > 0.01:
                    problem(f"{label}: {where}: {d['question']} digit {d['position']} "
                            f"inked ({f:.3f}) but empty in the truth")
            for q in {d["question"] for d in lp["digits"]}:
                n = sum(1 for d in lp["digits"] if d["question"] == q and
                        ink_in(a, h, simulate.rect(d), 0.9, thr) > 0.02)
                if n != len(ans[q].get("digits", "")):
                    problem(f"{label}: {where}: {q}: {n} digit boxes inked, the truth has "
                            f"{ans[q].get('digits')!r}")
            for t in lp["text_areas"]:
                f = ink_in(a, h, simulate.rect(t), 0.5, thr)
                # the printed lines: 0.3 pt at 8 mm steps, a small share of the area
                base = ink_in(a, h, (t["x"], t["y"] + 1, t["x"] + t["w"], t["y"] + 7), 0.5, thr)
                written = ans[t["question"]]["state"] == "certain"
                if written != (base > 0.003):
                    problem(f"{label}: {where}: text {t['question']} written={written} but "
                            f"ink {base:.4f} on its first line ({f:.4f} overall)")


def check_pages_qr(truth, out, tmp):
    seen = {}
    for entry in truth["files"]:
        path = os.path.join(out, entry["file"])
        if entry["format"] == "pdf":
            lst = subprocess.run(["pdfimages", "-list", path], capture_output=True,
                                 text=True).stdout.splitlines()[2:]
            for ln in lst:
                f = ln.split()
                if int(f[12]) != entry["dpi"] or int(f[13]) != entry["dpi"]:
                    problem(f"pages: {entry['file']}: image at {f[12]}x{f[13]} ppi, "
                            f"the truth says {entry['dpi']}")
                if (entry["mode"] == "bw") != (f[8] == "ccitt"):
                    problem(f"pages: {entry['file']}: {entry['mode']} page encoded {f[8]}")
        if entry["format"] == "tiff" and entry["mode"] == "bw":
            im = Image.open(path)
            if im.info.get("compression") != "group4":
                problem(f"pages: {entry['file']}: compression {im.info.get('compression')}")
        imgs = page_images(out, entry, tmp)
        if len(imgs) != len(entry["pages"]):
            problem(f"pages: {entry['file']} has {len(imgs)} pages, truth {len(entry['pages'])}")
        for pt, img in zip(entry["pages"], imgs):
            where = f"{entry['file']} page {pt['page']}"
            if pt["kind"] == "form":
                key = (pt["serial"], pt["form_page"])
                if key in seen:
                    problem(f"pages: {key} in {seen[key]} and {where}")
                seen[key] = where
            w, h = img.size
            if pt["kind"] == "blank-sheet":
                got = zbar(img, tmp)
            elif pt["kind"] != "form":
                got = zbar_hard(img.crop((w // 2, h // 2, w, h)), tmp)
            if pt["kind"] == "blank-sheet":
                if got:
                    problem(f"qr: {where}: a blank sheet decodes to {got}")
                continue
            if pt["kind"] != "form":
                if len(got) != 1 or got[0].startswith(
                        f"enkat:{truth['survey']}:{truth['edition']}:{truth['lang']}:"):
                    problem(f"qr: {where}: {pt['kind']} page decodes to {got}")
                continue
            # the quarter where the QR code must be, read alone
            box = (0, 0, w // 2, h // 2) if pt["upside_down"] else (w // 2, h // 2, w, h)
            got = zbar_hard(img.crop(box), tmp)
            marginal = entry["dpi"] < 200 and entry["mode"] == "bw"
            MARGINAL[0] += marginal
            if got == [] and marginal:
                # 150 dpi black-and-white: a module of the 14 mm code is 2.2 px and a
                # threshold merges them; a reader says "no-qr" here too (counted below)
                MARGINAL[1] += 1
                print(f"note: qr: {where}: 150 dpi black-and-white, not decoded")
            elif got != [pt["qr"]]:
                problem(f"qr: {where}: the {'top-left' if pt['upside_down'] else 'bottom-right'}"
                        f" quarter (upside_down={pt['upside_down']}) decodes to {got}, "
                        f"the truth says {pt['qr']}")
    n = truth["pages_per_copy"]
    for serial, c in truth["copies"].items():
        for p in range(1, n + 1):
            if ((serial, p) in seen) == (p in c["missing"]):
                problem(f"pages: copy {serial} page {p}: in the files "
                        f"{(serial, p) in seen}, missing {p in c['missing']}")
        if (c["status"] == "missing-pages") != bool(c["missing"]):
            problem(f"pages: copy {serial} status {c['status']} missing {c['missing']}")


def check_answers(truth, qyaml, specials_wanted):
    _, questions = simulate.load_questions(qyaml)
    seen_specials = set()
    for serial, c in truth["copies"].items():
        concluded = {}
        seen_specials |= set(c["specials"])
        for q in questions:
            a = c["answers"].get(q["id"])
            where = f"answers: copy {serial} {q['id']}"
            if a is None:
                problem(f"{where}: not in the truth")
                continue
            st = a["state"]
            boxes = a.get("boxes", {})
            marked = sorted(int(v) for v, s in boxes.items() if s == "marked")
            filled = [v for v, s in boxes.items() if s == "filled"]
            if filled and st == "certain":
                seen_specials.add("correction-seen")
            if st == "missing":
                concluded[q["id"]] = None
                continue
            is_shown = simulate.shown(q, concluded)
            if st == "review" and a["reason"] == "skipped":
                if is_shown or not marked:
                    problem(f"{where}: skipped review but shown={is_shown}, marks {marked}")
                seen_specials.add("skipped-seen")
            elif q["type"] in ("single", "scale", "yesno") and st == "certain":
                if marked != [a["value"]]:
                    problem(f"{where}: certain {a['value']} but marked {marked}")
            elif q["type"] == "multiple" and st == "certain":
                if sum(1 << (v - 1) for v in marked) != a["value"]:
                    problem(f"{where}: certain {a['value']} but marked {marked}")
            elif st == "review" and a["reason"] == "multiple":
                if len(marked) < 2 or q["type"] == "multiple":
                    problem(f"{where}: multiple-marks review with marks {marked}")
                seen_specials.add("multiple-seen")
            elif st == "empty" and (marked or filled) or \
                    (st == "empty" and q["type"] == "number" and a.get("digits")):
                problem(f"{where}: empty but marked {marked} filled {filled}")
            elif st == "review" and q["type"] == "number" and a["reason"] != "digits":
                problem(f"{where}: a number in review for {a['reason']}")
            if st != "empty" and not is_shown and not (st == "review" and
                                                       a["reason"] == "skipped"):
                problem(f"{where}: {st} but not shown")
            if st == "certain" and q["type"] == "multiple":
                concluded[q["id"]] = tuple(v + 1 for v in range(30) if a["value"] >> v & 1)
            else:
                concluded[q["id"]] = a["value"] if st == "certain" else None
    pages = [p for f in truth["files"] for p in f["pages"]]
    if any(p.get("upside_down") for p in pages):
        seen_specials.add("upside-down")
    if any("obscured_corner" in p["degrade"] for p in pages):
        seen_specials.add("obscured-corner")
    if any("photocopy" in p["degrade"] for p in pages):
        seen_specials.add("photocopy")
    for want in specials_wanted:
        if want not in seen_specials:
            problem(f"answers: no copy shows the special case {want!r}")


def perfect_scan(truth):
    """What a perfect `enkat scan --json` would print for these files."""
    pages, copies = [], []
    for f in truth["files"]:
        for p in f["pages"]:
            d = {"file": f["file"], "page": p["page"], "status": p["expect_status"]}
            if p["kind"] == "form":
                d.update(qr=p["qr"], serial=p["serial"], form_page=p["form_page"],
                         rotated=p["upside_down"], residual_mm=0.1)
            pages.append(d)
    for serial, c in truth["copies"].items():
        ans = []
        for qid, a in c["answers"].items():
            if a["state"] == "missing":
                continue
            st = {"empty": "empty", "marked": "marked", "filled": "filled",
                  "ambiguous": "uncertain"}
            ans.append({"question": qid, "state": a["state"], "reason": a["reason"],
                        "value": a["value"],
                        "boxes": [{"value": int(v), "state": st[s], "ink": 0.3}
                                  for v, s in a.get("boxes", {}).items()]})
        copies.append({"serial": serial, "status": c["status"], "missing": c["missing"],
                       "answers": ans})
    return {"pages": pages, "copies": copies}


def check_confusion(truth, out, tmp):
    """confusion.py passes a perfect reading and fails each kind of wrong one."""
    tpath = os.path.join(out, "truth.json")

    def run(scan, *opts):
        path = os.path.join(tmp, "scan.json")
        with open(path, "w", encoding="utf-8") as f:
            json.dump(scan, f)
        p = subprocess.run([sys.executable, os.path.join(HERE, "confusion.py"), tpath, path,
                            *opts], capture_output=True, text=True)
        return p.returncode, p.stdout

    rc, txt = run(perfect_scan(truth))
    if rc != 0 or "answers wrong without a flag: 0;" not in txt:
        problem(f"confusion: a perfect reading exits {rc}:\n{txt}")
    cases = []
    s = perfect_scan(truth)  # a certain answer changed: wrong without a flag
    a = next(x for c in s["copies"] for x in c["answers"]
             if x["state"] == "certain" and isinstance(x["value"], int) and x["value"] > 1)
    a["value"] -= 1
    cases.append(("a wrong value", s, 1, "answers wrong without a flag: 1;"))
    s = perfect_scan(truth)  # a mark made up on an empty question
    a = next(x for c in s["copies"] for x in c["answers"] if x["state"] == "empty")
    a.update(state="certain", value=1)
    cases.append(("a made-up answer", s, 1, "answers wrong without a flag: 1;"))
    s = perfect_scan(truth)  # a "multiple" review read as one of the marks
    a = next((x for c in s["copies"] for x in c["answers"] if x["reason"] == "multiple"), None)
    if a:
        a.update(state="certain", reason=None, value=int(a["boxes"][0]["value"]))
        cases.append(("a guess on a multiple mark", s, 1, "answers wrong without a flag: 1;"))
    s = perfect_scan(truth)  # a page taken for another copy's
    p = next(x for x in s["pages"] if x.get("serial"))
    p["serial"] = "99999"
    cases.append(("a misidentified page", s, 1, "pages misidentified: 1;"))
    s = perfect_scan(truth)  # a blank sheet taken for a form page
    p = next((x for x in s["pages"] if x["status"] == "blank"), None)
    if p:
        p.update(status="ok", serial="00001", form_page=1)
        cases.append(("a blank sheet read as a page", s, 1, "pages misidentified: 1;"))
    s = perfect_scan(truth)  # a certain answer flagged: allowed, counted
    a = next(x for c in s["copies"] for x in c["answers"] if x["state"] == "certain")
    a.update(state="review", reason="uncertain")
    cases.append(("one flagged", s, 0, "flagged for review: 1 of"))
    cases.append(("one flagged, --max-flagged 0", s, 1, "flagged for review: 1 of",
                  "--max-flagged", "0"))
    for name, scan, want, text, *opts in cases:
        rc, txt = run(scan, *opts)
        if rc != want or text not in txt:
            problem(f"confusion: {name}: exit {rc} (want {want}), {text!r} not in:\n{txt}")


def digest(out):
    h = hashlib.sha256()
    for f in sorted(os.listdir(out)):
        if f.startswith("scan-") or f == "truth.json":
            with open(os.path.join(out, f), "rb") as fh:
                h.update(f.encode() + b"\0" + fh.read())
    return h.hexdigest()


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    for tool in ("pdfimages", "zbarimg", "gs", "pdftoppm"):
        if not shutil.which(tool):
            print(f"check_simulate.py: {tool} missing: skipped")
            return 77
    enkat = os.path.abspath(sys.argv[1])
    work = sys.argv[2] if len(sys.argv) > 2 else tempfile.mkdtemp(prefix="enkat-scan-sim-")
    qyaml = os.path.join(simulate.ROOT, "examples", "familjehem.yaml")
    tmp = os.path.join(work, "tmp")
    os.makedirs(tmp, exist_ok=True)
    try:
        clean = os.path.join(work, "clean")
        t = gen(enkat, clean, "--profile", "clean", "--copies", "4", "--seed", "3",
                "--dpi", "150,300")
        check_pages_qr(t, clean, tmp)
        check_ink(t, clean, tmp, degraded=False)
        check_answers(t, qyaml, ["correction-seen"])
        deg = os.path.join(work, "degraded")
        t = gen(enkat, deg, "--profile", "degraded", "--copies", str(len(simulate.SPECIALS)),
                "--seed", "5", "--dpi", "150")
        check_pages_qr(t, deg, tmp)
        check_ink(t, deg, tmp, degraded=True)
        check_answers(t, qyaml, simulate.SPECIALS + [
            "correction-seen", "skipped-seen", "multiple-seen", "upside-down",
            "obscured-corner", "photocopy"])
        check_confusion(t, deg, tmp)
        kinds = {p["kind"] for f in t["files"] for p in f["pages"]}
        for k in ("blank-sheet", "other-edition"):
            if k not in kinds:
                problem(f"pages: no {k} page in the degraded set")
        print(f"150 dpi black-and-white pages whose QR code zbar could not decode: "
              f"{MARGINAL[1]} of {MARGINAL[0]}")
        if MARGINAL[1] > 0.34 * MARGINAL[0]:
            problem("qr: more than a third of the 150 dpi black-and-white QR codes unreadable")
        formats = {(f["format"], f["mode"]) for f in t["files"]}
        print("formats:", sorted(formats))
        # the same seed again: the same bytes
        again = os.path.join(work, "again")
        d1 = digest(clean)
        gen(enkat, again, "--profile", "clean", "--copies", "4", "--seed", "3",
            "--dpi", "150,300", "--jobs", "1")
        if digest(again) != d1:
            problem("seed: the same seed gave other files or another truth")
    finally:
        if len(sys.argv) <= 2:
            shutil.rmtree(work, ignore_errors=True)
    print(f"check_simulate.py: {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
