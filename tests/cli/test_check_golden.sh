#!/usr/bin/env bash
# Golden cases of 'glossalign check', 'align' and 'extract' that need a
# glossary: one is built from tests/data/check/glossary.tsv, named by
# $GLOSSALIGN_DB, and the cases under tests/data/check/golden/ run through
# tests/cli/run-golden (GLA_REGENERATE=1 rewrites their expectations).
# Then what extract proposes must import cleanly into a glossary.
set -u
bin=$1
root=${GLA_SOURCE_DIR:-.}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$bin" init --quiet --db "$tmp/check.db" || exit 1
"$bin" import --quiet --db "$tmp/check.db" "$root/tests/data/check/glossary.tsv" || exit 1
cd "$root" || exit 1
GLOSSALIGN_DB="$tmp/check.db" bash tests/cli/run-golden "$bin" tests/data/check/golden || exit 1

# extract -> import round trip: every candidate becomes a new concept
"$bin" extract --db "$tmp/check.db" --min-count 2 tests/data/extract/corpus.fr.txt \
  > "$tmp/cand.tsv" 2> "$tmp/err" || { cat "$tmp/err"; exit 1; }
n=$(cut -f1 "$tmp/cand.tsv" | tail -n +2 | sort -u | wc -l)
[ "$n" -ge 5 ] || { echo "FAIL extract: only $n candidates"; exit 1; }
"$bin" import --quiet --db "$tmp/check.db" "$tmp/cand.tsv" || { echo "FAIL import of extract output"; exit 1; }
got=$("$bin" lookup --db "$tmp/check.db" FISNUA | grep -c "cand.acronym" || true)
[ "$got" -ge 1 ] || { echo "FAIL: imported acronym not found by lookup"; exit 1; }
echo "extract -> import: $n candidates imported"
