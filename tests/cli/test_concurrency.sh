#!/usr/bin/env bash
# Readers during writes: `annotate` (two at once, sharing the matcher
# cache), `lookup` and `stats` run in loops while `import` rewrites the
# store again and again. No reader may fail, report a busy or locked
# database, or see a state that no committed import produced: every output
# must equal the output of the same command on one of the states the
# imports pass through, computed beforehand without concurrency.
set -u
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
root=$(cd "${GLA_SOURCE_DIR:-.}" && pwd)
article=$root/corpus/seeds/003-cooperation-vietnam-russie-2024.txt
tmp=$(mktemp -d)
trap 'kill $(jobs -p) 2> /dev/null; rm -rf "$tmp"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
cd "$tmp" || exit 1
n=${GLA_CONCURRENCY_CONCEPTS:-2000}
rounds=${GLA_CONCURRENCY_ROUNDS:-6}

# Two files over the same entry ids; B renames concept 1 to a word of the
# article, so annotate's output tells the states apart, and adds a concept.
gen() { # VARIANT
  awk -v n="$n" -v v="$1" 'BEGIN {
    printf "entry\tkind\tlang\tterm\tstatus\n"
    for (i = 1; i <= n; i++) {
      fr = (v == "B" && i == 1) ? "coopération militaire" : "zz terme numéro " i " " v
      printf "term.cc-%d\tterm\tfr\t%s\tpreferred\n", i, fr
      printf "term.cc-%d\tterm\tvi\tthuật ngữ %d %s\tadmitted\n", i, i, v
    }
    if (v == "B") printf "term.cc-extra\tterm\tfr\tzz en plus\tpreferred\n"
  }'
}
gen A > a.tsv
gen B > b.tsv

"$bin" init --quiet --db g.db && "$bin" import --quiet --db g.db "$root/tests/data/glossary/small.tsv" ||
  fail "setup"

# The outputs of each reader on each state: base, after A, after B.
readers() { # DB PREFIX
  "$bin" annotate --db "$1" "$article" > "$2.annotate" 2> /dev/null
  "$bin" lookup --db "$1" Hanoi > "$2.lookup" 2> /dev/null
  "$bin" stats --db "$1" | grep -E '^(entries|terms)' > "$2.stats"
}
cp g.db s.db
readers s.db base
"$bin" import --quiet --db s.db a.tsv || fail "import a (serial)"
readers s.db A
"$bin" import --quiet --db s.db b.tsv || fail "import b (serial)"
readers s.db B
"$bin" import --quiet --db s.db a.tsv || fail "import a again (serial)"
readers s.db A2
cmp -s base.stats A.stats && fail "states base and A count alike: the test cannot tell them apart"
cmp -s A.annotate B.annotate && fail "states A and B annotate alike: the test cannot tell them apart"
rm -f s.db*

# matches OUT PREFIX...: OUT equals one of the PREFIX files.
matches() {
  local out=$1 p
  shift
  for p in "$@"; do cmp -s "$out" "$p" && return 0; done
  return 1
}

reader() { # NAME
  local name=$1 i=0 rc
  while [ ! -e writer.done ]; do
    i=$((i + 1))
    case $name in
      annotate*) "$bin" annotate --db g.db "$article" > "$name.out" 2> "$name.err"; rc=$?
                 want="base.annotate A.annotate B.annotate A2.annotate" ;;
      lookup) "$bin" lookup --db g.db Hanoi > "$name.out" 2> "$name.err"; rc=$?
              want="base.lookup A.lookup B.lookup A2.lookup" ;;
      stats) "$bin" stats --db g.db > "$name.all" 2> "$name.err"; rc=$?
             grep -E '^(entries|terms)' "$name.all" > "$name.out"
             want="base.stats A.stats B.stats A2.stats" ;;
    esac
    if [ "$rc" != 0 ] || grep -qi 'busy\|locked\|error' "$name.err"; then
      echo "$name run $i: exit $rc: $(head -2 "$name.err")" >> failures
    elif ! matches "$name.out" $want; then
      cp "$name.out" "$name.bad.$i"
      echo "$name run $i: output matches no committed state (kept as $name.bad.$i)" >> failures
    fi
  done
  echo "$i" > "$name.runs"
}

: > failures
for r in annotate1 annotate2 lookup stats; do reader $r & done
sleep 0.2
for ((k = 0; k < rounds; k++)); do
  f=a.tsv
  [ $((k % 2)) = 1 ] && f=b.tsv
  "$bin" import --quiet --db g.db "$f" 2> writer.err || fail "import $f (round $k): $(head -2 writer.err)"
done
touch writer.done
wait

if [ -s failures ]; then
  fail "$(wc -l < failures) reader failures:"
  head -5 failures
fi
for r in annotate1 annotate2 lookup stats; do
  runs=$(cat "$r.runs" 2> /dev/null || echo 0)
  echo "$r: $runs runs during $rounds imports"
  [ "$runs" -ge 2 ] || fail "$r ran only $runs times: the readers did not overlap the imports"
done
[ "$(sqlite3 g.db 'PRAGMA integrity_check')" = ok ] || fail "integrity_check after the run"
# The last import was B when rounds is even, A otherwise; the final state
# must be that one.
readers g.db final
last=B
[ $((rounds % 2)) = 1 ] && last=A2
cmp -s final.annotate $last.annotate || fail "final annotate output is not state $last"
cmp -s final.stats $last.stats || fail "final stats are not state $last"

[ $fails -eq 0 ] && echo "concurrency: all checks passed"
[ $fails -eq 0 ]
