#!/usr/bin/env bash
# The glossary commands for real (the golden cases only dry-run them):
# init, add, edit, delete with the change log and its authors; import of
# every export format back into a fresh store giving the same glossary;
# re-import being a no-op; $GLOSSALIGN_DB selecting the store.
set -u
bin=$1
data=${GLA_SOURCE_DIR:-.}/tests/data/glossary
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
q() { sqlite3 "$db" "$1"; }

db=$tmp/g.db
"$bin" init --db "$db" 2> "$tmp/err" || fail "init"
grep -q "created an empty glossary (schema version 4)" "$tmp/err" || fail "init note"
[ "$(q 'PRAGMA journal_mode')" = wal ] || fail "init: not WAL"

# add, with the author from --author.
"$bin" add --db "$db" --author alice --entry person.nguyen-van-a \
  --kind person --term "vi:Nguyễn Văn A" --status preferred \
  --source seed:002 --term "fr:Nguyen Van A" --type transliteration \
  > "$tmp/out" || fail "add"
[ "$(wc -l < "$tmp/out")" = 3 ] || fail "add: output: $(cat "$tmp/out")"
"$bin" add --db "$db" --entry person.nguyen-van-a --term fr:x 2> "$tmp/err"
[ $? = 3 ] || fail "add twice: exit"
grep -q "already exists" "$tmp/err" || fail "add twice: message"

# lookup sees it at each level; no match exits 1.
GLOSSALIGN_DB=$db "$bin" lookup "nguyen van a" --lang vi > "$tmp/out" ||
  fail "lookup via GLOSSALIGN_DB"
grep -q "^diacritics	person.nguyen-van-a	person	vi	Nguyễn Văn A	preferred	fullForm	yes" "$tmp/out" ||
  fail "lookup: $(cat "$tmp/out")"
"$bin" lookup --db "$db" "Quux Zyzzyva" > /dev/null 2>&1
[ $? = 1 ] || fail "lookup without a match should exit 1"

# edit as bob ($USER), then delete a term and the entry.
USER=bob "$bin" edit person.nguyen-van-a --db "$db" --note "vice-ministre" \
  --term "fr:nguyen van a" --status deprecated --add-term "en:Nguyen Van A" \
  > /dev/null || fail "edit"
[ "$(q "SELECT status FROM terms WHERE lang = 'fr'")" = deprecated ] || fail "edit: status"
[ "$(q "SELECT note FROM entries")" = vice-ministre ] || fail "edit: note"
"$bin" delete person.nguyen-van-a --db "$db" --author carol --term "en:Nguyen Van A" 2> /dev/null ||
  fail "delete term"
[ "$(q 'SELECT count(*) FROM terms')" = 2 ] || fail "delete term: count"
"$bin" delete person.nguyen-van-a --db "$db" --author carol 2> /dev/null || fail "delete"
[ "$(q 'SELECT count(*) FROM entries') $(q 'SELECT count(*) FROM terms')" = "0 0" ] ||
  fail "delete: rows left"
want="alice|insert|entries
bob|update|entries
bob|update|terms
bob|insert|terms
carol|delete|terms
carol|delete|entries"
got=$(q "SELECT author, action, tbl FROM change_log ORDER BY id")
[ "$got" = "$want" ] || fail "change log: got
$got"
q "SELECT old FROM change_log WHERE action = 'delete' AND tbl = 'entries'" |
  grep -q '"text":"Nguyễn Văn A"' || fail "change log: deleted values kept"

# Every format round-trips the fixture (TSV, JSONL and TBX losslessly).
fixture=$data/fixture.sqlite
"$bin" export --db "$fixture" > "$tmp/ref.tsv" || fail "export"
for fmt in tsv jsonl tbx; do
  "$bin" export --db "$fixture" --format $fmt -o "$tmp/x.$fmt" || fail "export $fmt"
  rm -f "$tmp/rt.db"*
  "$bin" import --quiet --db "$tmp/rt.db" "$tmp/x.$fmt" || fail "import $fmt"
  "$bin" export --db "$tmp/rt.db" | cmp -s - "$tmp/ref.tsv" ||
    fail "$fmt round trip differs"
  # Importing it again changes nothing and logs nothing.
  before=$(sqlite3 "$tmp/rt.db" 'SELECT count(*) FROM change_log')
  "$bin" import --db "$tmp/rt.db" "$tmp/x.$fmt" 2> "$tmp/err" || fail "re-import $fmt"
  grep -q "0 added, 0 replaced, 5 unchanged" "$tmp/err" || fail "re-import $fmt: $(cat "$tmp/err")"
  [ "$(sqlite3 "$tmp/rt.db" 'SELECT count(*) FROM change_log')" = "$before" ] ||
    fail "re-import $fmt: logged"
done
ls "$tmp"/x.tsv.tmp* > /dev/null 2>&1 && fail "export -o left a temporary file"

# OmegaT: no ids; a re-import merges by the made-up ids.
"$bin" export --db "$fixture" --format omegat -o "$tmp/o.txt" || fail "export omegat"
rm -f "$tmp/o.db"*
"$bin" import --quiet --db "$tmp/o.db" --format omegat "$tmp/o.txt" || fail "import omegat"
n=$(sqlite3 "$tmp/o.db" 'SELECT count(*) FROM entries')
"$bin" import --quiet --db "$tmp/o.db" --format omegat "$tmp/o.txt" || fail "re-import omegat"
[ "$(sqlite3 "$tmp/o.db" 'SELECT count(*) FROM entries')" = "$n" ] || fail "omegat re-import duplicated"

# Read-only commands work on a read-only store file (as another user).
if [ "$(id -u)" != 0 ]; then
  cp "$fixture" "$tmp/ro.db" && chmod 444 "$tmp/ro.db"
  "$bin" lookup --db "$tmp/ro.db" MINUSS > /dev/null || fail "lookup read-only file"
  "$bin" add --db "$tmp/ro.db" --entry x --term fr:x 2> "$tmp/err"
  [ $? = 4 ] || fail "add to a read-only file: exit"
fi

[ $fails -eq 0 ] && echo "glossary commands: all checks passed"
[ $fails -eq 0 ]
