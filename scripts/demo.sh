#!/bin/sh
# scripts/demo.sh - the main job on the bundled example, from a fresh machine.
#
# Installs what is missing, builds, and runs the pipeline on examples/: checks
# the questionnaires, imports the example responses into out/enkat.db and
# lists what the store holds, then writes the report workbooks and the paper
# and web forms. Results go to out/.
set -eu
cd "$(dirname "$0")/.."
sh scripts/setup.sh
ENKAT=build/cli/enkat
mkdir -p out

$ENKAT check examples/familjehem.yaml
$ENKAT check examples/familjehem-2014.yaml

# Import every example file (both editions; the manifest says which file
# answers which) into a fresh store and show what it holds.
rm -f out/enkat.db out/enkat.db-wal out/enkat.db-shm
$ENKAT import --db out/enkat.db --questionnaire examples/familjehem-2014.yaml \
        --questionnaire examples/familjehem.yaml --manifest examples/data/manifest.csv
$ENKAT status --db out/enkat.db

# The report workbooks: one unit's, and every unit side by side with the
# weighted total.
$ENKAT report --db out/enkat.db --unit "Exempelkommun Norra" -o out/rapport.xlsx
$ENKAT report --db out/enkat.db --all-units -o out/rapport-alla.xlsx

# The forms of this year's edition: the paper form to print and post (A4 PDF,
# made to be scanned back), its layout (every box's place, for scanning), and
# the web form as one self-contained page (a preview; `enkat serve` serves it
# with one-time codes).
$ENKAT form --format pdf -o out/formular.pdf examples/familjehem.yaml
$ENKAT form --format layout -o out/formular-layout.json examples/familjehem.yaml
$ENKAT form --format html -o out/formular.html examples/familjehem.yaml
echo "rapporten: out/rapport.xlsx (alla enheter: out/rapport-alla.xlsx)"
echo "formulären: out/formular.pdf (papper), out/formular.html (webb)"
