#!/usr/bin/env bash
# The extract map/reduce of docs/SCALE.md: 'extract --counts' over shares
# of corpus/seeds/ cut by GNU parallel at blank lines, then 'extract
# --merge', must give byte for byte what one 'extract' over the whole
# corpus gives, whatever the block size, the number of jobs, the order
# the shares come back in, a combiner step in between, or a split by
# file; and a shard lost or counted twice must show.
set -u
bin=$1
src=${GLA_SOURCE_DIR:-.}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0 checks=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
command -v parallel > /dev/null || { echo "FAIL: GNU parallel missing (scripts/setup installs it)"; exit 1; }

# The corpus: the seeds, each file ending with a blank line.
for f in "$src"/corpus/seeds/*.txt; do cat "$f"; printf '\n\n'; done > "$tmp/corpus.txt"
paras=$(grep -c '^$' "$tmp/corpus.txt")

# A glossary, so that known terms are left out and known refs show.
db=$tmp/g.db
"$bin" init --quiet --db "$db" || exit 1
"$bin" import --quiet --db "$db" "$src/tests/data/check/glossary.tsv" || exit 1

same() { # NAME FILE: FILE equals the single run
  checks=$((checks + 1))
  cmp -s "$tmp/single.tsv" "$2" || { fail "$1: differs from the single run"; diff "$tmp/single.tsv" "$2" | head -10; }
}

for opts in "--min-count 2" "--no-glossary --min-count 2" "--kinds phrase,variant"; do
  # shellcheck disable=SC2086
  "$bin" extract --db "$db" $opts - < "$tmp/corpus.txt" > "$tmp/single.tsv" 2> "$tmp/err" \
    || { fail "single run ($opts)"; cat "$tmp/err"; continue; }
  n=$(tail -n +2 "$tmp/single.tsv" | wc -l)
  [ "$n" -ge 20 ] || fail "single run ($opts): only $n rows"
  for j in "1k 4" "3k 2" "10k 3" "1M 1"; do
    # shellcheck disable=SC2086
    set -- $j
    # shellcheck disable=SC2086
    parallel --will-cite --pipe --block "$1" --recend '\n\n' -j "$2" \
      "$bin" extract --db "$db" $opts --counts - < "$tmp/corpus.txt" > "$tmp/counts" \
      || { fail "map --block $1 -j $2 ($opts)"; continue; }
    shards=$(grep -c '^#glossalign-extract-counts' "$tmp/counts")
    [ "$1" != 1k ] || [ "$shards" -ge 10 ] || fail "--block 1k gave $shards shards"
    # shellcheck disable=SC2086
    "$bin" extract $opts --merge - < "$tmp/counts" > "$tmp/merged.tsv" 2> "$tmp/err" \
      || { fail "merge --block $1 ($opts)"; cat "$tmp/err"; }
    same "parallel --block $1 -j $2 ($opts)" "$tmp/merged.tsv"
    # the shards' lines sorted, as a Hadoop shuffle would hand them over
    LC_ALL=C sort "$tmp/counts" > "$tmp/sorted"
    # shellcheck disable=SC2086
    "$bin" extract $opts --merge "$tmp/sorted" > "$tmp/merged.tsv" 2> "$tmp/err" \
      || { fail "merge of sorted counts ($opts)"; cat "$tmp/err"; }
    same "sorted counts --block $1 ($opts)" "$tmp/merged.tsv"
  done
  # one file per shard, merged in reverse order, through a combiner
  # shellcheck disable=SC2086
  parallel --will-cite --pipe --block 2k --recend '\n\n' -j 2 \
    "'$bin' extract --db '$db' $opts --counts - > '$tmp'/part.{#}" < "$tmp/corpus.txt"
  mapfile -t nums < <(for f in "$tmp"/part.*; do echo "${f##*.}"; done | sort -n -r)
  parts=()
  for k in "${nums[@]}"; do parts+=("$tmp/part.$k"); done
  [ "${#parts[@]}" -ge 8 ] || fail "--block 2k gave ${#parts[@]} parts"
  half=$(( ${#parts[@]} / 2 ))
  # shellcheck disable=SC2086
  "$bin" extract $opts --merge --counts "${parts[@]:0:$half}" > "$tmp/combined" || fail "combiner ($opts)"
  # shellcheck disable=SC2086
  "$bin" extract $opts --merge "$tmp/combined" "${parts[@]:$half}" > "$tmp/merged.tsv" 2> "$tmp/err" \
    || { fail "merge after combiner ($opts)"; cat "$tmp/err"; }
  same "combiner, ${#parts[@]} parts reversed ($opts)" "$tmp/merged.tsv"
  # a part counted twice, or lost, must not go unnoticed
  # shellcheck disable=SC2086
  "$bin" extract $opts --merge "${parts[@]}" "${parts[0]}" > "$tmp/twice.tsv" 2> /dev/null
  checks=$((checks + 1))
  cmp -s "$tmp/single.tsv" "$tmp/twice.tsv" && fail "a part merged twice went unnoticed ($opts)"
  # shellcheck disable=SC2086
  "$bin" extract $opts --merge "${parts[@]:1}" > "$tmp/lost.tsv" 2> /dev/null
  checks=$((checks + 1))
  cmp -s "$tmp/single.tsv" "$tmp/lost.tsv" && fail "a lost part went unnoticed ($opts)"
  rm -f "$tmp"/part.*
done

# Split by file: the per-file counts merged give the run over the files
# (the source column lists the file names, sorted).
files=("$src"/corpus/seeds/*.txt)
"$bin" extract --db "$db" "${files[@]}" > "$tmp/single.tsv" 2> /dev/null || fail "single run over the files"
for f in "${files[@]}"; do
  "$bin" extract --db "$db" --counts "$f" > "$tmp/$(basename "$f").counts" || fail "counts of $f"
done
"$bin" extract --merge "$tmp"/*.counts > "$tmp/merged.tsv" 2> /dev/null || fail "merge of the files' counts"
same "split by file" "$tmp/merged.tsv"

# A truncated shard is an error naming the file and line, exit 3.
"$bin" extract --db "$db" --counts "$tmp/corpus.txt" > "$tmp/full.counts"
head -c $(( $(stat -c %s "$tmp/full.counts") / 2 )) "$tmp/full.counts" > "$tmp/cut.counts"
"$bin" extract --merge "$tmp/cut.counts" > /dev/null 2> "$tmp/err"
code=$?
checks=$((checks + 1))
[ "$code" = 3 ] || fail "truncated counts: exit $code, expected 3"
grep -q "cut.counts:[0-9]*: truncated line" "$tmp/err" || { fail "truncated counts: message"; cat "$tmp/err"; }
head -n 5 "$tmp/full.counts" > "$tmp/lines.counts"
"$bin" extract --merge "$tmp/lines.counts" > /dev/null 2> "$tmp/err"
code=$?
checks=$((checks + 1))
[ "$code" = 3 ] || fail "counts cut at a line end: exit $code, expected 3"
grep -q "lines.counts:5: incomplete" "$tmp/err" || { fail "counts cut at a line end: message"; cat "$tmp/err"; }

echo "extract map/reduce: $checks checks over $paras paragraphs, $fails failed"
[ "$fails" -eq 0 ]
