#!/bin/sh
# scripts/demo.sh - the main job on the bundled example, from a fresh machine.
#
# Installs what is missing, builds, and runs the pipeline on examples/: checks
# the questionnaires, imports the example responses into out/enkat.db and
# lists what the store holds. Results go to out/.
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
