#!/usr/bin/env bash
# Crash safety of import: start `glossalign import` of a large generated
# file, SIGKILL it at several points, and check each time that the database
# passes PRAGMA integrity_check and holds either exactly what it held before
# or the complete import, never a part. Both import paths are exercised:
# into an empty store (key indexes dropped and rebuilt) and into a filled
# one (merge). The kill points are set by the size of the write-ahead log
# (a share of the largest size it reaches in an uninterrupted import,
# polled), so each kill lands while the transaction is being written
# whatever the speed of the machine.
set -u
bin=$1
data=${GLA_SOURCE_DIR:-.}/tests/data/glossary
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
command -v sqlite3 > /dev/null || { echo "sqlite3 shell missing (scripts/setup)"; exit 1; }

# Sanitizer builds import several times slower: a smaller file there (the
# kill points follow the WAL, so they stay mid-transaction at any size).
asan=0
if ldd "$bin" 2> /dev/null | grep -q 'libasan\|libclang_rt.asan' ||
   grep -qa '__asan_init' "$bin"; then
  asan=1
fi
n=${GLA_KILL_CONCEPTS:-$([ $asan = 1 ] && echo 4000 || echo 12000)}
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

wal_size() { stat -c %s "$1-wal" 2> /dev/null || echo 0; }

# The end states, and the largest write-ahead log of a full import here.
for base in empty filled; do
  db=$tmp/full-$base.db
  cp "$tmp/$base.db" "$db"
  "$bin" import --quiet --db "$db" "$tmp/big.tsv" &
  pid=$!
  max=0
  while kill -0 "$pid" 2> /dev/null; do
    s=$(wal_size "$db")
    [ "$s" -gt "$max" ] && max=$s
    sleep 0.005
  done
  wait "$pid" || fail "full import"
  eval "wal_$base=$max"
  eval "before_$base=\"$(counts "$tmp/$base.db")\""
  eval "after_$base=\"$(counts "$db")\""
done
echo "largest WAL of a full import: ${wal_empty} bytes into an empty store, ${wal_filled} into a filled one"
[ "$wal_empty" -gt 0 ] && [ "$wal_filled" -gt 0 ] || fail "no write-ahead log seen during the import"

killed=0
for pct in 1 50 90; do
  for base in empty filled; do
    eval "wal=\$wal_$base before=\$before_$base after=\$after_$base"
    db=$tmp/kill.db
    rm -f "$db" "$db-wal" "$db-shm" "$db-journal"
    cp "$tmp/$base.db" "$db"
    "$bin" import --quiet --db "$db" "$tmp/big.tsv" 2> /dev/null &
    pid=$!
    target=$(( wal * pct / 100 ))
    [ "$target" -gt 0 ] || target=1
    while kill -0 "$pid" 2> /dev/null && [ "$(wal_size "$db")" -lt "$target" ]; do
      sleep 0.002
    done
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
[ $killed -ge 4 ] || fail "only $killed imports were still running when killed"

[ $fails -eq 0 ] && echo "import kill: all checks passed"
[ $fails -eq 0 ]
