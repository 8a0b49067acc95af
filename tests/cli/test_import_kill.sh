#!/usr/bin/env bash
# Crash safety of import: start `glossalign import` of a large generated
# file, SIGKILL it at several points, and check each time that the database
# passes PRAGMA integrity_check and holds either exactly what it held before
# or the complete import, never a part. Both import paths are exercised:
# into an empty store (key indexes dropped and rebuilt) and into a filled
# one (merge).
set -u
bin=$1
data=${GLA_SOURCE_DIR:-.}/tests/data/glossary
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
command -v sqlite3 > /dev/null || { echo "sqlite3 shell missing (scripts/setup)"; exit 1; }

n=${GLA_KILL_CONCEPTS:-40000}
awk -v n="$n" 'BEGIN {
  printf "entry\tkind\tlang\tterm\tstatus\tsource\n"
  for (i = 1; i <= n; i++) {
    printf "term.kill-%d\tterm\tfr\tterme numéro %d de la défense\tpreferred\tgen\n", i, i
    printf "term.kill-%d\tterm\tvi\tthuật ngữ số %d quốc phòng\tadmitted\tgen\n", i, i
  }
}' > "$tmp/big.tsv"

counts() {
  sqlite3 "$1" "SELECT (SELECT count(*) FROM entries) || ' ' ||
    (SELECT count(*) FROM terms) || ' ' || (SELECT count(*) FROM change_log)
    || ' ' || (SELECT count(*) FROM sqlite_master WHERE type = 'index')"
}

"$bin" init --quiet --db "$tmp/empty.db" || fail "init"
cp "$tmp/empty.db" "$tmp/filled.db"
"$bin" import --quiet --db "$tmp/filled.db" "$data/small.tsv" || fail "baseline"

# The end states, and how long a full import takes here.
for base in empty filled; do
  cp "$tmp/$base.db" "$tmp/full-$base.db"
  start=$(date +%s%N)
  "$bin" import --quiet --db "$tmp/full-$base.db" "$tmp/big.tsv" || fail "full import"
  end=$(date +%s%N)
  eval "ms_$base=$(( (end - start) / 1000000 ))"
  eval "before_$base=\"$(counts "$tmp/$base.db")\""
  eval "after_$base=\"$(counts "$tmp/full-$base.db")\""
done
echo "full import: ${ms_empty} ms into an empty store, ${ms_filled} ms into a filled one"

killed=0
for pct in 10 35 60 85; do
  for base in empty filled; do
    eval "ms=\$ms_$base before=\$before_$base after=\$after_$base"
    db=$tmp/kill.db
    rm -f "$db" "$db-wal" "$db-shm" "$db-journal"
    cp "$tmp/$base.db" "$db"
    "$bin" import --quiet --db "$db" "$tmp/big.tsv" 2> /dev/null &
    pid=$!
    delay=$(( ms * pct / 100 ))
    sleep "$(printf '%d.%03d' $((delay / 1000)) $((delay % 1000)))"
    if kill -KILL "$pid" 2> /dev/null; then
      killed=$((killed + 1))
    fi
    wait "$pid" 2> /dev/null
    check=$(sqlite3 "$db" 'PRAGMA integrity_check' 2>&1)
    [ "$check" = ok ] || fail "$base, killed at ${pct}%: integrity_check: $check"
    now=$(counts "$db")
    if [ "$now" != "$before" ] && [ "$now" != "$after" ]; then
      fail "$base, killed at ${pct}%: counts '$now', want '$before' or '$after'"
    fi
    # The store opens and a new import completes.
    "$bin" import --quiet --db "$db" "$tmp/big.tsv" 2> "$tmp/err" ||
      fail "$base, after kill at ${pct}%: import: $(cat "$tmp/err")"
    [ "$(counts "$db")" = "$after" ] || fail "$base, after kill at ${pct}%: re-import counts"
  done
done
echo "killed $killed imports mid-way"
[ $killed -ge 3 ] || fail "only $killed imports were still running when killed"

[ $fails -eq 0 ] && echo "import kill: all checks passed"
[ $fails -eq 0 ]
