#!/usr/bin/env python3
"""tests/web/check_html.py - the web form's pages checked by an independent HTML parser.

Usage: check_html.py ENKAT SOURCE_ROOT

Writes the example questionnaire's web form with `enkat form --format html` (in
Swedish and in English) and the pages of survey/webform.c that test_webform
writes (ENK_WEBFORM_DUMP, when the unit test binary is given as ENKAT_TEST_WEBFORM),
then reads each with Python's html.parser and checks what WCAG 2.1 / EN 301 549
and the collection server's Content-Security-Policy need of the markup:

  - <html lang> is sv or en, one <title>, a viewport meta, exactly one <h1>;
  - ids are unique; every aria-describedby / aria-labelledby / label for /
    in-page link points at an id that exists;
  - every visible input, textarea and select has a <label for=its id>; every
    radio and checkbox lies in a <fieldset> with a <legend> or in a table row
    with a row header (a grid), and its label names it fully;
  - radios of one name share one fieldset or one table row;
  - no style="" attribute, no on*="" handler, and no <script> with content
    unless the page is the self-contained file; exactly one <style>, whose
    text is templates/form.css byte for byte (the server's CSP hashes it);
  - no answer pre-selected in an empty form; every question id of the
    questionnaire (read with PyYAML) is a field name;
  - html5lib (the WHATWG parsing algorithm, Debian's python3-html5lib) meets
    no parse error;
  - `enkat form --format html` with an unwritable output, an unknown
    language and --help: exit status and message.
Exit status 0 when every check holds; else each failure is printed.
"""
import os
import subprocess
import sys
import tempfile
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
        "source", "track", "wbr"}


class Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack = []          # open elements: (tag, attrs)
        self.ids = {}
        self.dup_ids = []
        self.refs = []           # (attribute, id) pairs that must resolve
        self.inputs = []         # (tag, attrs, context) of form controls
        self.labels = {}         # for -> label text
        self.label_for = None
        self.label_text = []
        self.style_attrs = []
        self.handlers = []
        self.scripts = []        # (attrs, text)
        self.styles = []
        self.in_script = None
        self.in_style = None
        self.html_lang = None
        self.titles = 0
        self.h1 = 0
        self.viewport = False
        self.legend_text = {}    # id(fieldset) -> legend text
        self.cur_text = None

    def context(self):
        """The fieldset (with its legend state) or table row around here."""
        for tag, attrs, extra in reversed(self.stack):
            if tag == "fieldset":
                return ("fieldset", extra)
            if tag == "tr":
                return ("tr", extra)
        return (None, None)

    def handle_starttag(self, tag, attrs_list):
        attrs = dict(attrs_list)
        extra = {"key": len(self.inputs) + len(self.stack) * 100000 + id(attrs), "legend": False,
                 "rowheader": False}
        if "id" in attrs:
            if attrs["id"] in self.ids:
                self.dup_ids.append(attrs["id"])
            self.ids[attrs["id"]] = tag
        for name, value in attrs_list:
            if name == "style":
                self.style_attrs.append(tag)
            if name.startswith("on"):
                self.handlers.append((tag, name))
            if name in ("aria-describedby", "aria-labelledby") and value:
                for ref in value.split():
                    self.refs.append((name, ref))
            if name == "for":
                self.refs.append(("for", value))
        if tag == "a" and attrs.get("href", "").startswith("#") and len(attrs["href"]) > 1:
            self.refs.append(("href", attrs["href"][1:]))
        if tag == "html":
            self.html_lang = attrs.get("lang")
        if tag == "title":
            self.titles += 1
        if tag == "h1":
            self.h1 += 1
        if tag == "meta" and attrs.get("name") == "viewport":
            self.viewport = True
        if tag == "legend":
            for t, a, e in reversed(self.stack):
                if t == "fieldset":
                    e["legend"] = True
                    break
        if tag == "th" and attrs.get("scope") == "row":
            for t, a, e in reversed(self.stack):
                if t == "tr":
                    e["rowheader"] = True
                    break
        if tag in ("input", "textarea", "select"):
            kind, ctx = self.context()
            self.inputs.append((tag, attrs, kind, ctx))
        if tag == "label":
            self.label_for = attrs.get("for")
            self.label_text = []
        if tag == "script":
            self.in_script = (attrs, [])
        if tag == "style":
            self.in_style = []
        if tag not in VOID:
            self.stack.append((tag, attrs, extra))

    def handle_endtag(self, tag):
        if tag == "label" and self.label_for is not None:
            self.labels[self.label_for] = "".join(self.label_text).strip()
            self.label_for = None
        if tag == "script" and self.in_script is not None:
            self.scripts.append((self.in_script[0], "".join(self.in_script[1])))
            self.in_script = None
        if tag == "style" and self.in_style is not None:
            self.styles.append("".join(self.in_style))
            self.in_style = None
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                break

    def handle_data(self, data):
        if self.label_for is not None:
            self.label_text.append(data)
        if self.in_script is not None:
            self.in_script[1].append(data)
        if self.in_style is not None:
            self.in_style.append(data)


def check_page(path, css, self_contained, question_ids=None, empty=False):
    problems = []

    def fail(msg):
        problems.append(f"{os.path.basename(path)}: {msg}")

    with open(path, encoding="utf-8") as f:
        text = f.read()
    import html5lib  # Debian's python3-html5lib
    strict = html5lib.HTMLParser(strict=False)
    strict.parse(text)
    for err in strict.errors[:5]:
        fail(f"HTML parse error {err}")
    p = Page()
    p.feed(text)
    p.close()
    if p.html_lang not in ("sv", "en"):
        fail(f"html lang is {p.html_lang!r}")
    if p.titles != 1:
        fail(f"{p.titles} titles")
    if p.h1 != 1:
        fail(f"{p.h1} h1 elements")
    if not p.viewport:
        fail("no viewport meta")
    for d in p.dup_ids:
        fail(f"duplicate id {d!r}")
    for attr, ref in p.refs:
        if ref not in p.ids:
            fail(f"{attr} points at missing id {ref!r}")
    if p.style_attrs:
        fail(f"style attributes on {p.style_attrs[:3]}")
    if p.handlers:
        fail(f"inline event handlers {p.handlers[:3]}")
    if len(p.styles) != 1 or p.styles[0] != css:
        fail("the <style> element is not templates/form.css byte for byte")
    inline = [s for a, s in p.scripts if "src" not in a]
    if self_contained:
        if len(inline) != 1:
            fail(f"{len(inline)} inline scripts in the self-contained file, want 1")
    elif inline:
        fail("inline script in a server page (the CSP forbids it)")
    groups = {}
    for tag, attrs, kind, ctx in p.inputs:
        typ = attrs.get("type", "text") if tag == "input" else tag
        if typ in ("hidden", "submit", "button"):
            continue
        iid = attrs.get("id")
        if not iid:
            fail(f"{tag} name={attrs.get('name')!r} has no id")
            continue
        if iid not in p.labels:
            fail(f"{tag} {iid!r} has no <label for>")
        elif not p.labels[iid]:
            fail(f"{tag} {iid!r} has an empty label")
        if typ in ("radio", "checkbox"):
            if kind == "fieldset":
                if not ctx["legend"]:
                    fail(f"{iid!r} in a fieldset without legend")
            elif kind == "tr":
                if not ctx["rowheader"]:
                    fail(f"{iid!r} in a table row without row header")
                # In a grid the label must name the item too, not only the point.
                if " – " not in p.labels.get(iid, ""):
                    fail(f"grid radio {iid!r} label {p.labels.get(iid)!r} lacks the item")
            else:
                fail(f"{typ} {iid!r} in neither a fieldset nor a grid row")
            if typ == "radio":
                groups.setdefault(attrs.get("name"), set()).add(id(ctx))
            if empty and "checked" in attrs:
                fail(f"{iid!r} is pre-selected")
    for name, ctxs in groups.items():
        if len(ctxs) != 1:
            fail(f"radios named {name!r} are spread over {len(ctxs)} groups")
    if question_ids is not None:
        names = {attrs.get("name") for tag, attrs, kind, ctx in p.inputs}
        for qid in question_ids:
            if qid not in names:
                fail(f"no field for question {qid!r}")
    return problems


def question_ids(path):
    import yaml  # Debian's python3-yaml
    with open(path, encoding="utf-8") as f:
        doc = yaml.safe_load(f)
    ids = []
    for sec in doc["sections"]:
        for q in sec["questions"]:
            if q["type"] == "grid":
                ids.extend(item["id"] for item in q["items"])
            else:
                ids.append(q["id"])
    return ids


def check_cli(enkat, example, tmp):
    """`enkat form --format html` errors: exit status, message, nothing left behind."""
    problems = []
    d = os.path.join(tmp, "ro")
    os.mkdir(d)
    target = os.path.join(d, "missing-dir", "form.html")
    r = subprocess.run([enkat, "form", "--format", "html", "-o", target, example],
                       capture_output=True, text=True)
    # Swedish by default, the C library's own words too (Debian's libc-l10n).
    want = f"{target}: fel: kan inte skriva filen: Filen eller katalogen finns inte\n"
    if r.returncode != 1 or r.stderr != want:
        problems.append(f"unwritable output: status {r.returncode}, stderr {r.stderr!r}, want {want!r}")
    r = subprocess.run([enkat, "form", "--format", "html", "--lang", "de", "-o",
                        os.path.join(d, "x.html"), example], capture_output=True, text=True)
    if r.returncode != 2 or "okänt språk 'de'" not in r.stderr:  # a Swedish run
        problems.append(f"--lang de: status {r.returncode}, stderr {r.stderr!r}")
    r = subprocess.run([enkat, "form", "--help"], capture_output=True, text=True)
    if r.returncode != 0 or "--format html" not in r.stdout:
        problems.append(f"--help: status {r.returncode}, no '--format html' in it")
    if os.listdir(d):
        problems.append(f"files left behind: {os.listdir(d)}")
    return problems


def main(argv):
    if len(argv) != 3:
        sys.stderr.write(__doc__)
        return 2
    enkat, root = argv[1], argv[2]
    with open(os.path.join(root, "templates", "form.css"), encoding="utf-8") as f:
        css = f.read()
    example = os.path.join(root, "examples", "familjehem.yaml")
    ids = question_ids(example)
    problems = []
    checked = 0
    with tempfile.TemporaryDirectory(prefix="enkat-html-") as tmp:
        for lang in ("sv", "en"):
            out = os.path.join(tmp, f"form-{lang}.html")
            r = subprocess.run([enkat, "form", "--format", "html", "--lang", lang, "-o", out,
                                example], capture_output=True, text=True)
            if r.returncode != 0 or r.stdout or r.stderr:
                problems.append(f"enkat form --lang {lang}: status {r.returncode}, {r.stderr}")
                continue
            problems += check_page(out, css, True, ids, empty=True)
            checked += 1
        problems += check_cli(enkat, example, tmp)
        test = os.environ.get("ENKAT_TEST_WEBFORM")
        if test:
            env = dict(os.environ, ENK_WEBFORM_DUMP=tmp)
            r = subprocess.run([test], cwd=root, env=env, capture_output=True, text=True)
            if r.returncode != 0:
                problems.append(f"test_webform failed: {r.stdout[-2000:]}")
            for name in sorted(os.listdir(tmp)):
                if name.startswith("form-") or not name.endswith(".html"):
                    continue
                problems += check_page(os.path.join(tmp, name), css,
                                       name in ("empty.html", "errors.html", "en.html"),
                                       empty=name == "empty.html")
                checked += 1
    for p in problems:
        print(p)
    print(f"{checked} pages checked, {len(problems)} problems")
    return 1 if problems or checked == 0 else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
