#!/usr/bin/env python3
"""tests/scan/check_scan.py - the scanner read back from the paper form rendered two ways.

usage: check_scan.py ENKAT SCAN_DUMP SOURCE_ROOT

Writes the example questionnaire's paper form with `enkat form`, renders it
with pdftoppm and with Ghostscript at 150 and 300 dpi, fills and degrades
the pages (make_fixture.py: crosses, ticks, light pencil, filled boxes,
digits, text; rotation +-3 degrees, 94 % scale, upside down, a covered
corner mark, a blank page) and saves them as the scanners do: PNG, JPEG, a
multi-page black-and-white CCITT G4 TIFF and a multi-page PDF of page
images. scan_dump reads them; compare.py wants every page recognised as
drawn, a residual under 0.5 mm and every box read as drawn. Also the
unmarked form straight from Ghostscript's tiffg4 device (no false marks)
and enkat's own vector PDF (rendered by the scanner itself).
"""
import os
import subprocess
import sys
import tempfile

from PIL import Image

PY = "/usr/bin/python3"


def run(*args, **kw):
    return subprocess.run(list(args), check=True, **kw)


def main():
    enkat, dump, root = sys.argv[1:4]
    here = os.path.join(root, "tests", "scan")
    q = os.path.join(root, "examples", "familjehem.yaml")
    failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        pdf, layout = os.path.join(tmp, "form.pdf"), os.path.join(tmp, "form.json")
        run(enkat, "form", "--format", "pdf", "--copies", "2", "-o", pdf, q)
        run(enkat, "form", "--format", "layout", "-o", layout, q)
        one = os.path.join(tmp, "one.pdf")  # the first copy only
        run("gs", "-q", "-dBATCH", "-dNOPAUSE", "-dSAFER", "-sDEVICE=pdfwrite",
            "-dFirstPage=1", "-dLastPage=5", "-o", one, pdf)
        sets = []
        for renderer, dpi, save in (("pdftoppm", 150, "png"), ("pdftoppm", 300, "jpeg"),
                                    ("gs", 150, "pdf"), ("gs", 300, "tiffg4")):
            base = os.path.join(tmp, "%s%d" % (renderer, dpi))
            if renderer == "pdftoppm":
                run("pdftoppm", "-r", str(dpi), "-gray", "-png", one, base)
                pages = sorted(f for f in os.listdir(tmp) if f.startswith(os.path.basename(base) + "-"))
            else:
                run("gs", "-q", "-dBATCH", "-dNOPAUSE", "-dSAFER", "-sDEVICE=pnggray",
                    "-r%d" % dpi, "-dTextAlphaBits=4", "-dGraphicsAlphaBits=4",
                    "-o", base + "-%d.png", one)
                pages = sorted(f for f in os.listdir(tmp) if f.startswith(os.path.basename(base) + "-"))
            pages = [os.path.join(tmp, f) for f in pages]
            prefix = base + "-fx"
            run(PY, os.path.join(here, "make_fixture.py"), layout, str(dpi + len(sets)), prefix, *pages)
            sets.append((base, dpi, save, prefix))
        for base, dpi, save, prefix in sets:
            truth = prefix + ".json"
            for f in os.listdir(tmp):  # the pages made before the fixtures
                if f.startswith(os.path.basename(base) + "-") and "-fx" not in f:
                    os.remove(os.path.join(tmp, f))
            files = sorted((f for f in os.listdir(tmp) if f.startswith(os.path.basename(prefix) + "-")
                            and f.endswith(".png")), key=lambda f: int(f.rsplit("-", 1)[1][:-4]))
            files = [os.path.join(tmp, f) for f in files]
            if save == "png":
                rewrite(truth, {os.path.basename(f): (os.path.basename(f), 1) for f in files})
            elif save == "jpeg":
                out = []
                for f in files:
                    j = f[:-4] + ".jpg"
                    Image.open(f).save(j, quality=85, dpi=(dpi, dpi))
                    out.append(j)
                rewrite(truth, {os.path.basename(f): (os.path.basename(j), 1) for f, j in zip(files, out)})
                files = out
            elif save in ("tiffg4", "pdf"):
                imgs = [Image.open(f) for f in files]
                if save == "tiffg4":
                    imgs = [i.point(lambda v: 0 if v < 160 else 255).convert("1") for i in imgs]
                    out = prefix + ".tif"
                    imgs[0].save(out, save_all=True, append_images=imgs[1:], compression="group4",
                                 dpi=(dpi, dpi))
                else:
                    out = prefix + ".pdf"
                    imgs[0].save(out, save_all=True, append_images=imgs[1:], resolution=dpi)
                rewrite(truth, {os.path.basename(f): (os.path.basename(out), n + 1)
                                for n, f in enumerate(files)})
                files = [out]
            failed |= check(dump, q, files, truth, "%s at %d dpi as %s" % (os.path.basename(base)[:-3], dpi, save))
            if save == "tiffg4":
                failed |= check_g4_pdfs(dump, q, imgs, prefix, dpi, truth)

        # unmarked, straight from Ghostscript's G4 device, and the vector PDF
        g4 = os.path.join(tmp, "clean.tif")
        run("gs", "-q", "-dBATCH", "-dNOPAUSE", "-dSAFER", "-sDEVICE=tiffg4", "-r300", "-o", g4, pdf)
        failed |= check_clean(dump, q, [g4], 10, "gs tiffg4 300 dpi, 2 copies")
        failed |= check_clean(dump, q, [pdf], 10, "enkat's vector PDF, 2 copies")
    print("scan: %s" % ("FAILED" if failed else "all pages and boxes read as drawn"))
    return 1 if failed else 0


def check_g4_pdfs(dump, q, imgs, prefix, dpi, truth):
    """The same black-and-white pages as PDFs of CCITT G4 images, the way office
    scanners send them, in the two conventions of the filter's BlackIs1: PIL
    writes BlackIs1 true, Ghostscript's pdfwrite (re-encoding them) false.
    The scanner takes these streams as stored and decodes them with libtiff;
    a convention misread would turn every page over to white on black."""
    failed = 0
    pil = prefix + "-g4pil.pdf"
    imgs[0].save(pil, save_all=True, append_images=imgs[1:], resolution=dpi)
    gs = prefix + "-g4gs.pdf"
    run("gs", "-q", "-dBATCH", "-dNOPAUSE", "-dSAFER", "-sDEVICE=pdfwrite", "-o", gs, pil)
    before = prefix + ".tif"
    for out, parms in ((pil, b"/BlackIs1 true"), (gs, b"/K -1")):
        data = open(out, "rb").read()
        if b"/CCITTFaxDecode" not in data or parms not in data or \
                (out == gs and b"/BlackIs1 true" in data):
            print("%s: not the G4 PDF this test wants (%s)" % (out, parms.decode()))
            failed = 1
            continue
        rewrite(truth, {os.path.basename(before): (os.path.basename(out), None)})
        before = out
        failed |= check(dump, q, [out], truth, "the same pages as a G4 PDF (%s)" %
                        ("PIL, BlackIs1 true" if out == pil else "Ghostscript, BlackIs1 false"))
    return failed


def rewrite(truth, names):
    import json
    t = json.load(open(truth))
    for p in t["pages"]:
        file, page = names[os.path.basename(p["file"])]
        p["file"], p["page"] = file, page if page is not None else p["page"]
        if "qr" in p and not p["qr"].endswith(":00001"):
            p["qr"] += ":00001"  # the first of the two numbered copies
    json.dump(t, open(truth, "w"))


def check(dump, q, files, truth, what):
    out = truth[:-5] + ".jsonl"
    if not out.endswith(".jsonl") or out == truth:
        raise SystemExit("bad truth name " + truth)
    with open(out, "w") as f:
        subprocess.run([dump, q] + files, stdout=f, check=False)
    r = subprocess.run([PY, os.path.join(os.path.dirname(__file__), "compare.py"), truth, out],
                       capture_output=True, text=True)
    print("%s: %s" % (what, r.stdout.strip().replace("\n", "\n  ")))
    return r.returncode != 0


def check_clean(dump, q, files, npages, what):
    import json
    r = subprocess.run([dump, q] + files, capture_output=True, text=True)
    pages = [json.loads(line) for line in r.stdout.splitlines() if line.strip()]
    bad = [p for p in pages if p["status"] != "recognised" or p["residual_mm"] > 0.5
           or any(b[3] != "empty" for b in p["boxes"])]
    serials = sorted(p["qr"] for p in pages)
    ok = len(pages) == npages and not bad and serials[0].endswith(":00001") and serials[-1].endswith(":00002")
    print("%s: %d pages, %d with a problem%s" % (what, len(pages), len(bad), "" if ok else " FAILED"))
    for p in bad:
        print("  %s:%d %s %s" % (p["file"], p["page"], p["status"],
                                [b[:5] for b in p.get("boxes", []) if b[3] != "empty"][:5]))
    return not ok


if __name__ == "__main__":
    sys.exit(main())
