#!/usr/bin/env bash
# An import is one transaction: a bad row anywhere (in the middle of a file,
# in the second of two files, a concept defined twice) fails the whole
# import with file:line:column, exit 3, and the database is exactly as
# before; a failed import into a new file leaves no file.
set -u
bin=$1
data=${GLA_SOURCE_DIR:-.}/tests/data/glossary
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

db=$tmp/g.db
"$bin" import --quiet --db "$db" "$data/small.tsv" || fail "baseline import"
snapshot() {
  "$bin" export --db "$db" > "$tmp/$1.tsv" || fail "export $1"
  sqlite3 "$db" "SELECT count(*) FROM entries; SELECT count(*) FROM terms;
    SELECT count(*) FROM change_log; SELECT max(updated) FROM entries;" \
    >> "$tmp/$1.tsv"
}
snapshot before

# A large file whose bad row sits in the middle, after many good concepts
# (new ones and a change to an existing one).
{
  printf 'entry\tkind\tlang\tterm\tstatus\tsource\n'
  printf 'place.ha-noi\tplace\tvi\tHà Nội\tdeprecated\tx\n'
  for i in $(seq 1 2000); do
    printf 'term.gen-%d\tterm\tfr\tterme %d\tadmitted\tgen\n' "$i" "$i"
    printf 'term.gen-%d\tterm\ten\tterm %d\tpreferred\tgen\n' "$i" "$i"
  done
  printf 'term.bad\tterm\tfr\tmauvais\tapproved\tgen\n'
  for i in $(seq 2001 2100); do
    printf 'term.gen-%d\tterm\tfr\tterme %d\tadmitted\tgen\n' "$i" "$i"
  done
} > "$tmp/middle.tsv"
bad_line=$((2 + 2 * 2000 + 1))
"$bin" import --db "$db" "$tmp/middle.tsv" > "$tmp/out" 2> "$tmp/err"
code=$?
[ $code -eq 3 ] || fail "bad row: exit $code, want 3"
grep -q "middle.tsv:$bad_line:[0-9][0-9]*: .*approved" "$tmp/err" ||
  fail "bad row: message does not name middle.tsv:$bad_line:col: $(cat "$tmp/err")"
grep -q "unchanged" "$tmp/err" || fail "bad row: no note that nothing changed"
[ ! -s "$tmp/out" ] || fail "bad row: output on stdout"
snapshot after1
cmp -s "$tmp/before.tsv" "$tmp/after1.tsv" || fail "bad row: database changed"

printf 'entry\tlang\tterm\nterm.one\tfr\tun\n' > "$tmp/a.tsv"

# The bad file last: the other files' concepts are rolled back too.: the first file's concepts are rolled back too.
printf 'entry\tlang\tterm\tstatus\nterm.ok\tfr\tbien\t\nterm.ko\tfr\tmal\tbad\n' \
  > "$tmp/second.tsv"
"$bin" import --db "$db" "$data/small.tsv" "$tmp/a.tsv" "$tmp/second.tsv" \
  2> "$tmp/err"
code=$?
[ $code -eq 3 ] || fail "second file: exit $code, want 3"
grep -q "second.tsv:3:[0-9]*: .*status 'bad'" "$tmp/err" ||
  fail "second file: message: $(cat "$tmp/err")"
snapshot after2
cmp -s "$tmp/before.tsv" "$tmp/after2.tsv" || fail "second file: database changed"

# The same concept in two files names both places.
printf 'entry\tlang\tterm\nterm.one\tfr\tun\n' > "$tmp/a.tsv"
printf 'entry\tlang\tterm\n# comment\nterm.one\ten\tone\n' > "$tmp/b.tsv"
"$bin" import --db "$db" "$tmp/a.tsv" "$tmp/b.tsv" 2> "$tmp/err"
code=$?
[ $code -eq 3 ] || fail "twice: exit $code, want 3"
grep -q "b.tsv:3:1: entry 'term.one' is defined twice in this import (first at .*a.tsv:2)" "$tmp/err" ||
  fail "twice: message: $(cat "$tmp/err")"
snapshot after3
cmp -s "$tmp/before.tsv" "$tmp/after3.tsv" || fail "twice: database changed"

# A row the store refuses though the reader passes it (a tab, written
# \t, inside a term).
printf 'entry\tlang\tterm\nterm.tab\tfr\tun\\tdeux\n' > "$tmp/tab.tsv"
"$bin" import --db "$db" "$data/small.tsv" "$tmp/tab.tsv" 2> "$tmp/err"
code=$?
[ $code -eq 3 ] || fail "store refusal: exit $code, want 3"
grep -q "tab.tsv:2:1: entry 'term.tab': term 1 (fr): control character" "$tmp/err" ||
  fail "store refusal: message: $(cat "$tmp/err")"
snapshot after4
cmp -s "$tmp/before.tsv" "$tmp/after4.tsv" || fail "store refusal: database changed"

# A dry run writes nothing and says what it would do.
"$bin" import --dry-run --db "$db" "$data/small.tsv" "$tmp/a.tsv" 2> "$tmp/err" ||
  fail "dry run failed: $(cat "$tmp/err")"
grep -q "dry run: 6 concepts, 15 terms: 1 added, 0 replaced, 5 unchanged" "$tmp/err" ||
  fail "dry run: $(cat "$tmp/err")"
snapshot after5
cmp -s "$tmp/before.tsv" "$tmp/after5.tsv" || fail "dry run: database changed"

# A failed import into a new file leaves no file behind.
"$bin" import --db "$tmp/new.db" "$tmp/second.tsv" 2> /dev/null
[ $? -eq 3 ] || fail "new file: wrong exit"
ls "$tmp"/new.db* > /dev/null 2>&1 && fail "new file: left $(ls "$tmp"/new.db*)"
"$bin" import --dry-run --db "$tmp/new.db" "$data/small.tsv" 2> /dev/null ||
  fail "new file dry run"
ls "$tmp"/new.db* > /dev/null 2>&1 && fail "new file dry run: created a file"

# Integrity after all this.
[ "$(sqlite3 "$db" 'PRAGMA integrity_check')" = ok ] || fail "integrity"
[ "$(sqlite3 "$db" 'PRAGMA foreign_key_check' | wc -l)" = 0 ] || fail "foreign keys"

[ $fails -eq 0 ] && echo "import atomicity: all checks passed"
[ $fails -eq 0 ]
