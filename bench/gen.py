#!/usr/bin/python3
"""bench/gen.py - generates synthetic responses to the familjehem questionnaire.

Usage:
  /usr/bin/python3 bench/gen.py examples [--out examples/data] [--seed 1]
  /usr/bin/python3 bench/gen.py national [--out bench/data/national] [--seed 1]
                                         [--units 290] [--years 10] [--jobs N]

`examples` writes the example responses committed in examples/data: three
clearly fictitious units (Exempelkommun Norra, Exempelkommun Södra, Exempelby),
every year 2014-2020, 40-150 responses per unit and year, answering the 2014
edition (examples/familjehem-2014.yaml) in 2014-2016 and the 2020 edition
(examples/familjehem.yaml) in 2017-2020. Some files are written the way other
tools write them (see FORMATS below), so an importer meets them all.

`national` writes a national-size set for benchmarks: UNITS units x YEARS years
(ending 2020), about 100 responses per unit and year with variation (290 x 10
gives about 300,000 responses and 9 million cells), all on the 2020 edition,
in plain UTF-8 CSV. Rows are streamed; the unit-years are shared out over
--jobs worker processes.

Both modes write one CSV file per unit and year plus OUT/manifest.csv with the
columns unit,year,sent,file,edition (UTF-8, comma, LF): the unit's name, the
year, the number of questionnaires sent out (so the response rate, 40-90 %,
can be computed), the file name relative to the manifest, and the edition
(year) of the questionnaire the file answers.

The response CSV format (what `enkat import` reads):
  - a header row; columns `respondent` (an anonymous key, R0001 ...), `date`
    (YYYY-MM-DD), then one column per question id in questionnaire order, grid
    items by their item id (grid ids themselves have no column);
  - scale, single-choice and number answers as their integer code, yes/no as
    1/0, the scale's "Vet ej / ej aktuellt" answer as its code 9, no answer as
    an empty cell, a multiple-choice answer as the chosen option values in one
    cell separated by ';' (`1;3`), free text as text; cells are quoted as
    RFC 4180 says when they hold the separator, a quote or a line break (free
    text may span lines);
  - a question skipped by its show_if (the school questions when there is no
    placed child of school age, ...) is an empty cell.
FORMATS of the example files (all other files: UTF-8 without BOM, ',', LF):
  - exempelby-*.csv: as Swedish Excel saves "CSV (semikolonavgränsad)":
    Windows-1252 (cp1252), ';' separator, CRLF line ends, no BOM;
  - sodra-2018.csv: scale answers written as their Swedish labels
    ("Stämmer ganska bra", "Vet ej / ej aktuellt") instead of codes;
  - sodra-2019.csv: as Excel saves "CSV UTF-8": UTF-8 with a BOM, ';', CRLF.

Everything is deterministic from --seed: each unit-year draws from its own
random.Random seeded with a string of the seed, the mode, the unit and the
year, so the output is the same on every run and for any --jobs.

How answers are drawn (the patterns are documented in bench/README.md): every
respondent has a mood (one of five classes, a discretized normal latent) that
loads 0.6 on every scale item, so answers of one respondent hang together;
each scale item has, per unit and year, a target share positive (4 or 5), a
share of "Vet ej" and a share of missing answers; the distribution over the
points comes from cutting a normal latent at those shares. Background
questions drive the skip logic (no placed child of school age: the school
questions are empty; no regular supervision: its follow-ups are empty; no
training: the training benefit question is empty).

Only the standard library is used. The question list of both editions is
written out below; at start the generator checks it against the YAML files
(the ids, in order) when those are found next to it, and stops on a mismatch.
"""
import argparse
import bisect
import csv
import math
import multiprocessing
import os
import random
import re
import sys
import time
from datetime import date, timedelta
from statistics import NormalDist

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# ---------------------------------------------------------------- the editions

# The 2020 edition's questions in order (grid items flattened); the generator
# fills a row in this order and an edition picks its columns from it.
Q2020 = [
    "hemtyp", "ar_som_familjehem", "antal_placerade", "har_skolbarn",
    "skola_samarbete", "skola_information", "skola_moten", "skola_overlamning",
    "stod_nojd", "stod_anpassat", "stod_na", "stod_svar", "stod_allvar",
    "handledning_far", "handledning_hur_ofta", "handledning_nytta",
    "avlastning_fatt", "avlastning_behov",
    "utbildningar", "utbildning_nytta", "utbildning_erbjuds",
    "barnsekr_kontakt", "barnsekr_traffar", "barnsekr_information",
    "halso_samarbete", "halso_bup",
    "helhet_nojd", "helhet_rekommendera", "fortsatta", "forslag", "ovrigt",
]
# 2014: skola_samarbete was called samarbete_skola; skola_overlamning and
# halso_bup did not exist.
RENAMED_2014 = {"skola_samarbete": "samarbete_skola"}
ABSENT_2014 = {"skola_overlamning", "halso_bup"}

EDITIONS = {
    2020: {"yaml": "examples/familjehem.yaml",
           "columns": [(q, q) for q in Q2020]},
    2014: {"yaml": "examples/familjehem-2014.yaml",
           "columns": [(RENAMED_2014.get(q, q), q) for q in Q2020 if q not in ABSENT_2014]},
}
GRID_IDS = {"skola_grid", "stod_grid"}
IX = {q: i for i, q in enumerate(Q2020)}

# The scale items: id, group (whose share they follow), logit offset from the
# group's share, share "Vet ej" (9), share missing. Required items never miss.
SCALE_ITEMS = [
    ("skola_samarbete", "skola", 0.0, 0.03, 0.01),
    ("skola_information", "skola", -0.3, 0.06, 0.02),
    ("skola_moten", "skola", -0.1, 0.08, 0.02),
    ("skola_overlamning", "skola", -0.4, 0.30, 0.03),
    ("stod_nojd", "stod", 0.0, 0.01, 0.0),
    ("stod_anpassat", "stod", -0.15, 0.03, 0.02),
    ("stod_na", "tillg", 0.0, 0.02, 0.015),
    ("stod_svar", "tillg", -0.15, 0.02, 0.02),
    ("stod_allvar", "tillg", 0.25, 0.03, 0.02),
    ("handledning_nytta", "handl", 0.0, 0.03, 0.02),
    ("avlastning_behov", "avl", 0.0, 0.22, 0.03),
    ("utbildning_nytta", "utb", 0.5, 0.04, 0.02),
    ("utbildning_erbjuds", "utb", -0.2, 0.08, 0.02),
    ("barnsekr_kontakt", "barnsekr", 0.0, 0.04, 0.02),
    ("barnsekr_traffar", "barnsekr", -0.25, 0.07, 0.02),
    ("barnsekr_information", "barnsekr", -0.4, 0.06, 0.02),
    ("halso_samarbete", "halso", 0.0, 0.10, 0.02),
    ("halso_bup", "halso", -0.6, 0.35, 0.03),
    ("helhet_nojd", "helhet", 0.0, 0.01, 0.0),
    ("helhet_rekommendera", "helhet", -0.2, 0.05, 0.02),
]
SI = {s[0]: i for i, s in enumerate(SCALE_ITEMS)}

# A typical share positive per group (the headline item of its area).
DEFAULT_SHARE = {"skola": 0.75, "stod": 0.67, "tillg": 0.74, "handl": 0.72,
                 "avl": 0.50, "utb": 0.72, "barnsekr": 0.62, "halso": 0.66,
                 "helhet": 0.80}

SCALE_LABELS = ["", "Vet ej / ej aktuellt", "Stämmer inte alls", "Stämmer ganska dåligt",
                "Stämmer delvis", "Stämmer ganska bra", "Stämmer helt"]
SCALE_CODES = ["", "9", "1", "2", "3", "4", "5"]

# Invented, harmless free-text answers (all encodable in cp1252). Some hold a
# comma, a semicolon, quotes or a line break, as real answers do.
FORSLAG = [
    "Det vore bra med fler träffar med andra familjehem.",
    "Jag önskar att familjehemssekreteraren hörde av sig lite oftare.",
    "Mer utbildning om barnens skolsituation, tack.",
    "Bra stöd, men svårt att nå er under semestrarna.",
    "Tydligare information innan placeringen börjar.",
    "Gärna handledning på kvällstid eftersom vi båda arbetar dagtid.",
    "Fler temakvällar, gärna tillsammans med grannkommunerna.",
    "Snabbare svar på mejl skulle underlätta mycket.",
    "Det har varit många byten av socialsekreterare; det gör det svårt för barnet.",
    "Avlastning en helg i månaden skulle göra stor skillnad för oss.",
    'Barnet sa "äntligen någon som lyssnar" efter mötet med skolan. Mer sådant!',
    "Bättre samordning med BUP, vi får ofta vänta länge.",
    "Fortsätt med skolmötena.\nDe har hjälpt oss mycket i år.",
]
OVRIGT = [
    "Tack för att ni frågar!",
    "Enkäten var lätt att fylla i.",
    "Inget att tillägga just nu.",
    "Vi har varit familjehem i många år och trivs med uppdraget.",
    "Vi är mycket nöjda, fortsätt som ni gör!",
]

# -------------------------------------------------------------- drawing answers

ND = NormalDist()
MOOD = (-1.40, -0.53, 0.0, 0.53, 1.40)   # class means of the quintiles of N(0, 1)
LOAD = 0.6
SD = math.sqrt(1.0 - LOAD * LOAD * sum(z * z for z in MOOD) / len(MOOD))


def logit(p):
    return math.log(p / (1.0 - p))


def expit(x):
    return 1.0 / (1.0 + math.exp(-x))


def scale_tables(p, na, miss):
    """Per mood class, the cumulative probabilities of the outcomes [missing,
    9, 1, 2, 3, 4, 5] without the last (bisect_right of a uniform number gives
    the outcome's index). Marginally: share positive p of the answers on the
    scale, half of them 5; of the rest half 3, 3 in 10 2, 2 in 10 1."""
    p = min(max(p, 0.02), 0.98)
    q = 1.0 - p
    cuts = [ND.inv_cdf(0.2 * q), ND.inv_cdf(0.5 * q), ND.inv_cdf(q), ND.inv_cdf(1.0 - 0.5 * p)]
    rest = 1.0 - na - miss
    tables = []
    for z in MOOD:
        d = NormalDist(LOAD * z, SD)
        tables.append([miss, miss + na] + [miss + na + rest * d.cdf(c) for c in cuts])
    return tables


class UnitYear:
    """Everything needed to draw one unit-year's respondents."""

    def __init__(self, shares, year, handledning_yes=0.8, avlastning_yes=0.35):
        self.year = year
        self.tables = []
        for sid, group, off, na, miss in SCALE_ITEMS:
            self.tables.append(scale_tables(expit(logit(shares[group]) + off), na, miss))
        self.handledning_yes = handledning_yes
        self.avlastning_yes = avlastning_yes
        # "Ett hem att växa i" has spread: about 35 % had taken it in 2011, 70 % in 2020.
        self.p_ehvi = min(0.35 + 0.04 * max(0, year - 2011), 0.75)


def choose(r, cum, values):
    return values[bisect.bisect_right(cum, r)]


HEMTYP_CUM = [0.72, 0.87]                      # 1 familjehem, 2 jourhem, 3 nätverkshem
ANTAL = {1: ([0.03, 0.58, 0.88, 0.97], [0, 1, 2, 3, 4]),
         2: ([0.25, 0.70, 0.90], [0, 1, 2, 3]),
         3: ([0.75, 0.95], [1, 2, 3])}
YEARS_MEAN = {1: 7.0, 2: 4.0, 3: 3.0}
OFTA = {1: ([0.08, 0.32, 0.85], [1, 2, 3, 4]),
        2: ([0.25, 0.60, 0.92], [1, 2, 3, 4]),
        3: ([0.05, 0.25, 0.80], [1, 2, 3, 4])}


def respondent(rng, uy, out):
    """One respondent's row, in Q2020 order, as strings; out maps scale
    outcome indexes to cells (codes or labels)."""
    rnd = rng.random
    row = [""] * len(Q2020)
    mood = int(rnd() * 5)
    tabs = uy.tables

    def scale(item):
        return out[bisect.bisect_right(tabs[SI[item]][mood], rnd())]

    hemtyp = 1 + bisect.bisect_right(HEMTYP_CUM, rnd())
    row[0] = str(hemtyp)
    if rnd() > 0.02:
        row[1] = str(min(int(rng.expovariate(1.0 / YEARS_MEAN[hemtyp])), 50))
    antal = choose(rnd(), *ANTAL[hemtyp])
    if rnd() > 0.02:
        row[2] = str(antal)
    skolbarn = antal > 0 and rnd() < (0.45 if hemtyp == 2 else 0.65)
    row[3] = "1" if skolbarn else "0"
    if skolbarn:
        for i in range(4, 8):
            row[i] = scale(Q2020[i])
    for i in range(8, 13):
        row[i] = scale(Q2020[i])

    r = rnd()
    if r < 0.02:
        handl = None
    else:
        handl = r < 0.02 + 0.98 * uy.handledning_yes
        row[13] = "1" if handl else "0"
    if handl:
        if rnd() > 0.03:
            row[14] = str(choose(rnd(), *OFTA[hemtyp]))
        row[15] = scale("handledning_nytta")
    r = rnd()
    if r >= 0.02:
        row[16] = "1" if r < 0.02 + 0.98 * uy.avlastning_yes else "0"
    row[17] = scale("avlastning_behov")

    if rnd() > 0.03:
        chosen = []
        if rnd() < uy.p_ehvi:
            chosen.append(1)
        if rnd() < 0.25:
            chosen.append(2)
        if rnd() < (0.70 if hemtyp == 2 else 0.05):
            chosen.append(3)
        if rnd() < 0.40:
            chosen.append(4)
        if rnd() < 0.10:
            chosen.append(5)
        if chosen:
            row[18] = ";".join(map(str, chosen))
            row[19] = scale("utbildning_nytta")
        elif rnd() < 0.85:
            row[18] = "6"
    row[20] = scale("utbildning_erbjuds")
    for i in range(21, 28):
        row[i] = scale(Q2020[i])

    r = rnd()
    if r >= 0.02:
        if mood == 0:
            row[28] = "1" if r < 0.66 else ("2" if r < 0.80 else "3")
        else:
            row[28] = "1" if r < 0.87 else ("2" if r < 0.91 else "3")
    if rnd() < 0.12:
        row[29] = FORSLAG[int(rnd() * len(FORSLAG))]
    if rnd() < 0.05:
        row[30] = OVRIGT[int(rnd() * len(OVRIGT))]
    return row


def write_wave(path, edition, rng, uy, n, fmt):
    """Writes n respondents of one unit-year to path; returns the number of
    non-empty answer cells."""
    enc, sep, eol = fmt.get("encoding", "utf-8"), fmt.get("sep", ","), fmt.get("eol", "\n")
    out = SCALE_LABELS if fmt.get("labels") else SCALE_CODES
    cols = EDITIONS[edition]["columns"]
    pick = [IX[src] for _, src in cols]
    start = date(uy.year, 9, 14) + timedelta(days=rng.randrange(7))
    days = sorted(min(int(rng.expovariate(1.0 / 7.0)), 45) for _ in range(n))
    answers = 0
    with open(path, "w", encoding=enc, newline="") as f:
        w = csv.writer(f, delimiter=sep, lineterminator=eol)
        w.writerow(["respondent", "date"] + [c for c, _ in cols])
        width = max(4, len(str(n)))
        for k in range(n):
            row = respondent(rng, uy, out)
            cells = [row[i] for i in pick]
            answers += len(cells) - cells.count("")
            w.writerow(["R%0*d" % (width, k + 1), (start + timedelta(days=days[k])).isoformat()]
                       + cells)
    return answers


# ----------------------------------------------------------- checking the model

def check_against_yaml():
    """Stops when the question ids written out above differ from the YAML
    files' (when those are there): a plain scan of `- id:` lines below
    `sections:`, leaving out sections (indent 2) and grids."""
    for edition, ed in EDITIONS.items():
        path = os.path.join(ROOT, ed["yaml"])
        if not os.path.exists(path):
            continue
        ids, in_sections = [], False
        with open(path, encoding="utf-8") as f:
            for line in f:
                if line.startswith("sections:"):
                    in_sections = True
                m = re.match(r"^( *)- id: ([a-z0-9_]+)\s*$", line)
                if in_sections and m and len(m.group(1)) > 2 and m.group(2) not in GRID_IDS:
                    ids.append(m.group(2))
        want = [c for c, _ in ed["columns"]]
        if ids != want:
            sys.exit("gen.py: the questions of %s differ from the generator's list:\n  yaml: %s\n"
                     "  gen:  %s" % (ed["yaml"], " ".join(ids), " ".join(want)))


# --------------------------------------------------------------------- examples

EXAMPLE_UNITS = [
    # name, file prefix, responses (min, max)
    ("Exempelkommun Norra", "norra", (110, 150)),
    ("Exempelkommun Södra", "sodra", (70, 100)),
    ("Exempelby", "exempelby", (40, 60)),
]
EXCEL_SV = {"encoding": "cp1252", "sep": ";", "eol": "\r\n"}
EXCEL_UTF8 = {"encoding": "utf-8-sig", "sep": ";", "eol": "\r\n"}


def example_shares(prefix, year, rng):
    s = dict(DEFAULT_SHARE)
    t = year - 2014
    if prefix == "norra":
        # Years of work with the schools: from about two in three to over nine in ten.
        s["skola"] = expit(logit(0.64) + (logit(0.955) - logit(0.64)) * t / 6)
        s["stod"] = 0.66
        s["tillg"] = 0.78
        s["helhet"] = 0.84
    elif prefix == "sodra":
        s["skola"] = 0.74
        # A dip in support and availability in 2018 (staff turnover), then recovery.
        s["stod"] = {2018: 0.48, 2019: 0.56}.get(year, 0.63)
        s["tillg"] = {2018: 0.55, 2019: 0.64}.get(year, 0.70)
        s["barnsekr"] = 0.55
    else:
        s["skola"] = expit(logit(0.68) + 0.05 * t)
        s["stod"] = 0.70
        s["avl"] = 0.38
    # Year-to-year noise on everything but the designed patterns above.
    for g in s:
        if not (prefix == "norra" and g == "skola"):
            s[g] = expit(logit(s[g]) + rng.gauss(0.0, 0.08))
    return s


def gen_examples(out, seed):
    os.makedirs(out, exist_ok=True)
    manifest = []
    total_n = total_a = 0
    for name, prefix, (lo, hi) in EXAMPLE_UNITS:
        for year in range(2014, 2021):
            rng = random.Random("enkat-examples:%d:%s:%d" % (seed, prefix, year))
            edition = 2014 if year <= 2016 else 2020
            uy = UnitYear(example_shares(prefix, year, rng), year,
                          handledning_yes={"norra": 0.85, "sodra": 0.75}.get(prefix, 0.70))
            n = rng.randint(lo, hi)
            sent = math.ceil(n / rng.uniform(0.45, 0.85))
            fmt = {}
            if prefix == "exempelby":
                fmt = EXCEL_SV
            elif prefix == "sodra" and year == 2018:
                fmt = {"labels": True}
            elif prefix == "sodra" and year == 2019:
                fmt = EXCEL_UTF8
            fname = "%s-%d.csv" % (prefix, year)
            total_a += write_wave(os.path.join(out, fname), edition, rng, uy, n, fmt)
            total_n += n
            manifest.append((name, year, sent, fname, edition))
    write_manifest(out, manifest)
    return len(manifest), total_n, total_a


def write_manifest(out, rows):
    with open(os.path.join(out, "manifest.csv"), "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["unit", "year", "sent", "file", "edition"])
        w.writerows(rows)


# --------------------------------------------------------------------- national

def national_unit(seed, u):
    """A unit's baseline shares, trends and size, from its own generator."""
    rng = random.Random("enkat-national:%d:unit:%d" % (seed, u))
    base = {g: logit(p) + rng.gauss(0.0, 0.35) for g, p in DEFAULT_SHARE.items()}
    trend = {g: rng.gauss(0.04, 0.05) for g in DEFAULT_SHARE}
    size = min(max(rng.lognormvariate(math.log(90.0), 0.45), 25.0), 600.0)
    handl = rng.uniform(0.6, 0.9)
    return base, trend, size, handl


def national_wave(task):
    out, seed, u, year, first_year = task
    base, trend, size, handl = national_unit(seed, u)
    rng = random.Random("enkat-national:%d:%d:%d" % (seed, u, year))
    shares = {g: expit(base[g] + trend[g] * (year - first_year) + rng.gauss(0.0, 0.1))
              for g in base}
    uy = UnitYear(shares, year, handledning_yes=handl)
    n = max(10, round(size * rng.uniform(0.85, 1.15)))
    sent = math.ceil(n / rng.uniform(0.45, 0.85))
    fname = "enhet%03d-%d.csv" % (u, year)
    answers = write_wave(os.path.join(out, fname), 2020, rng, uy, n, {})
    return ("Exempelenhet %03d" % u, year, sent, fname, 2020), n, answers


def gen_national(out, seed, units, years, jobs):
    os.makedirs(out, exist_ok=True)
    first = 2021 - years
    tasks = [(out, seed, u, y, first) for u in range(1, units + 1) for y in range(first, 2021)]
    if jobs > 1:
        with multiprocessing.Pool(jobs) as pool:
            results = pool.map(national_wave, tasks, chunksize=8)
    else:
        results = [national_wave(t) for t in tasks]
    write_manifest(out, [r[0] for r in results])
    return len(results), sum(r[1] for r in results), sum(r[2] for r in results)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0].split(" - ")[1],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("mode", choices=["examples", "national"])
    ap.add_argument("--out", help="output directory (examples/data or bench/data/national)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--units", type=int, default=290, help="national: number of units")
    ap.add_argument("--years", type=int, default=10, help="national: years, ending 2020")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                    help="national: worker processes")
    a = ap.parse_args()
    check_against_yaml()
    t0 = time.monotonic()
    if a.mode == "examples":
        files, n, answers = gen_examples(a.out or os.path.join(ROOT, "examples/data"), a.seed)
    else:
        if a.units < 1 or not 1 <= a.years <= 100:
            ap.error("--units must be at least 1 and --years 1-100")
        files, n, answers = gen_national(a.out or os.path.join(ROOT, "bench/data/national"),
                                         a.seed, a.units, a.years, max(1, a.jobs))
    print("gen.py: %d files, %d responses, %d answers in %.1f s"
          % (files, n, answers, time.monotonic() - t0), file=sys.stderr)


if __name__ == "__main__":
    main()
