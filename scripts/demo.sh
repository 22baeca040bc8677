#!/bin/sh
# scripts/demo.sh - the main job on the bundled example, from a fresh machine.
#
# Installs what is missing, builds, and runs the pipeline on examples/: checks
# the questionnaires. Results go to out/.
set -eu
cd "$(dirname "$0")/.."
sh scripts/setup.sh
ENKAT=build/cli/enkat
mkdir -p out

$ENKAT check examples/familjehem.yaml
$ENKAT check examples/familjehem-2014.yaml
