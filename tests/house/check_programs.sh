#!/bin/sh
# tests/house/check_programs.sh - enkat and enkat-full (cli/main.c): enkat
# loads none of the libraries of the paper form, the scanner and the web
# server, hands their commands to enkat-full beside it, and says so when
# enkat-full is not to be found.
# Usage: sh check_programs.sh BUILD/cli/enkat
set -u
ENKAT=$1
fail=0
bad() { echo "check_programs.sh: $*"; fail=1; }

needed=$(readelf -d "$ENKAT" | grep NEEDED)
for lib in libcairo libpango libpoppler liblept libzbar libqpdf libtiff libmicrohttpd libqrencode; do
        case $needed in *"[$lib"*) bad "enkat loads $lib" ;; esac
done
case $(readelf -d "$(dirname "$ENKAT")/enkat-full" | grep NEEDED) in
*"[libpoppler-glib"*) ;;
*) bad "enkat-full does not load libpoppler-glib" ;;
esac

# The commands of enkat-full through enkat: the same help, the same exit.
for cmd in form serve scan review; do
        out=$(LANG=en "$ENKAT" "$cmd" --help) || bad "enkat $cmd --help failed"
        case $out in "usage: enkat $cmd"*) ;; *) bad "enkat $cmd --help: $out" ;; esac
done
out=$(LANG=en "$ENKAT" help scan --lang en) || bad "enkat help scan failed"
case $out in "usage: enkat scan"*) ;; *) bad "enkat help scan --lang en: $out" ;; esac
out=$("$ENKAT" help form --lang sv) || bad "enkat help form failed"
case $out in "användning: enkat form"*) ;; *) bad "enkat help form --lang sv: $out" ;; esac
LANG=en "$ENKAT" form --no-such-option 2>/dev/null
[ $? = 2 ] || bad "enkat form --no-such-option: exit status not 2"

# enkat alone: its own commands run, the others fail with a clear message.
# In a build tree of its own (TMP/build.ninja beside TMP/cli), so that it
# looks for enkat-full beside itself only, whatever is installed.
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
mkdir "$TMP/cli" && : >"$TMP/build.ninja"
cp "$ENKAT" "$TMP/cli/enkat"
LANG=en "$TMP/cli/enkat" stats --help >/dev/null || bad "enkat stats --help failed without enkat-full"
LANG=en "$TMP/cli/enkat" form --help >"$TMP/out" 2>"$TMP/err"
status=$?
[ $status = 1 ] || bad "enkat form without enkat-full: exit status $status, want 1"
grep -q "^enkat: error: cannot run '$TMP/cli/enkat-full': No such file or directory\$" "$TMP/err" ||
        bad "enkat form without enkat-full: $(cat "$TMP/err")"
[ -s "$TMP/out" ] && bad "enkat form without enkat-full wrote to stdout"
exit $fail
