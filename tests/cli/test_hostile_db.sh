#!/usr/bin/env bash
# Hostile databases: a file that is not SQLite (text, random bytes, a
# truncated copy), an empty file, a store from a newer schema, a read-only
# file, a read-only directory, a read-only file system and a full disk.
# Every command fails with exit 4 and a message naming the file, never
# crashes or hangs, and a failed write leaves the store as it was.
# The read-only cases run as 'nobody' (setpriv) when run as root, since
# root ignores permissions; the file-system cases need root to mount a
# tmpfs and are skipped with a message otherwise.
set -u
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
root=$(cd "${GLA_SOURCE_DIR:-.}" && pwd)
small=$root/tests/data/glossary/small.tsv
article=$root/corpus/seeds/000-bilan-diplomatie-defense-2024.txt
tmp=$(mktemp -d)
chmod 755 "$tmp"
mounts=()
cleanup() {
  local m
  for m in "${mounts[@]}"; do umount "$m" 2> /dev/null; done
  chmod -R u+w "$tmp" 2> /dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
command -v sqlite3 > /dev/null || { echo "sqlite3 shell missing (scripts/setup)"; exit 1; }
cd "$tmp" || exit 1
# A copy 'nobody' can read whatever the permissions of the checkout.
cp "$article" article.txt && chmod 644 article.txt && article=$tmp/article.txt

as=()
if [ "$(id -u)" = 0 ]; then
  if setpriv --reuid=nobody --regid=nogroup --clear-groups true 2> /dev/null; then
    as=(setpriv --reuid=nobody --regid=nogroup --clear-groups)
  else
    as=(none)
  fi
fi

# expect CODE DBNAME_REGEX ARGS...: exit code, and stderr names the file.
expect() {
  local want=$1 re=$2 rc
  shift 2
  timeout 30 "$@" > out 2> err
  rc=$?
  [ "$rc" = "$want" ] || { fail "$*: exit $rc, want $want: $(head -2 err)"; return 1; }
  grep -Eq "^glossalign: error: .*$re" err || { fail "$*: stderr does not name /$re/: $(head -2 err)"; return 1; }
  return 0
}
counts() { sqlite3 "$1" "SELECT (SELECT count(*) FROM terms) || ' ' || (SELECT count(*) FROM change_log)"; }
# Every command that opens the store, against DB.
all_commands() { # CODE REGEX DB [RUNNER...]
  local want=$1 re=$2 db=$3
  shift 3
  expect "$want" "$re" "$@" "$bin" lookup --db "$db" Hanoi
  expect "$want" "$re" "$@" "$bin" annotate --db "$db" --no-cache "$article"
  expect "$want" "$re" "$@" "$bin" export --db "$db"
  expect "$want" "$re" "$@" "$bin" stats --db "$db"
  expect "$want" "$re" "$@" "$bin" import --db "$db" "$small"
  expect "$want" "$re" "$@" "$bin" add --db "$db" --entry term.essai --kind term --term fr:essai --term vi:thử
}

"$bin" init --quiet --db good.db && "$bin" import --quiet --db good.db "$small" || fail "setup"
good=$(counts good.db)

# Not SQLite, empty, truncated.
printf 'entry\tkind\tlang\tterm\nthis is a TSV, not a database\n' > text.db
head -c 65536 /dev/urandom > random.db
: > empty.db
head -c 8192 good.db > trunc.db
for f in text random; do
  all_commands 4 "$f\\.db: .*not an SQLite database" "$f.db"
done
[ "$(head -c 9 text.db)" = "$(printf 'entry\tkin')" ] || fail "text.db was overwritten"
all_commands 4 'trunc\.db: ' trunc.db
expect 4 'empty\.db: ' "$bin" lookup --db empty.db Hanoi
expect 4 'empty\.db: ' "$bin" annotate --db empty.db "$article"

# A newer schema: refused by readers and writers, left untouched.
cp good.db newer.db
sqlite3 newer.db 'PRAGMA user_version = 999'
all_commands 4 'newer\.db: schema version 999 is newer' newer.db
[ "$(sqlite3 newer.db 'PRAGMA user_version')" = 999 ] || fail "newer.db: user_version changed"
[ "$(counts newer.db)" = "$good" ] || fail "newer.db: content changed"

# Read-only file in a writable directory, and a read-only directory.
if [ "${as[0]:-}" = none ]; then
  echo "SKIP: read-only file/directory cases: root cannot drop to 'nobody' here"
else
  mkdir rofile rodir
  cp good.db rofile/g.db && chmod 444 rofile/g.db && chmod 777 rofile
  cp good.db rodir/g.db && chmod 666 rodir/g.db && chmod 555 rodir
  for db in rofile/g.db rodir/g.db; do
    re=$(printf '%s' "$db" | sed 's/\./\\./g')
    expect 4 "$re: " "${as[@]}" "$bin" import --db "$db" "$small"
    expect 4 "$re: " "${as[@]}" "$bin" add --db "$db" --entry term.essai --kind term --term fr:essai --term vi:thử
    [ "$(counts "$db")" = "$good" ] || fail "$db: content changed"
    # Readers work: a WAL store whose directory cannot be written is read
    # as immutable when no write-ahead log is pending.
    for cmd in lookup annotate annotate-cached; do
      case $cmd in
        lookup) args=(lookup Hanoi) ;;
        annotate) args=(annotate --no-cache "$article") ;;
        *) args=(annotate "$article") ;;
      esac
      timeout 30 "${as[@]}" "$bin" "${args[@]}" --db "$db" > out 2> err
      rc=$?
      [ $rc = 0 ] || fail "$cmd on read-only $db: exit $rc: $(head -2 err)"
      grep -q 'Hanoi\|Hà Nội\|Bộ Quốc phòng' out || fail "$cmd on $db: exit 0 without a result"
    done
  done
  # A pending write-ahead log that cannot be indexed beside it: a clear
  # error, not a wrong read.
  mkdir walpend
  cp good.db walpend/g.db
  python3 - walpend/g.db << 'PY'
import os, sqlite3, sys
c = sqlite3.connect(sys.argv[1])
c.execute("PRAGMA journal_mode=WAL")
c.execute("PRAGMA wal_autocheckpoint=0")
c.execute("UPDATE entries SET note = 'pending' WHERE id = (SELECT min(id) FROM entries)")
c.commit()
os._exit(0)   # no checkpoint: the change stays in g.db-wal
PY
  rm -f walpend/g.db-shm
  [ -s walpend/g.db-wal ] || fail "walpend: no pending write-ahead log was left"
  chmod 666 walpend/g.db walpend/g.db-wal && chmod 555 walpend
  expect 4 'walpend/g\.db: .*write-ahead log' "${as[@]}" "$bin" lookup --db walpend/g.db Hanoi
  mkdir nodir && chmod 555 nodir
  expect 4 'nodir/new\.db: ' "${as[@]}" "$bin" init --db nodir/new.db
  [ ! -e nodir/new.db ] || fail "nodir/new.db was created"
fi

# Read-only file system and full disk: tmpfs mounts (root only).
if [ "$(id -u)" = 0 ] && mkdir ro full && mount -t tmpfs -o size=4m tmpfs ro 2> /dev/null; then
  mounts+=("$tmp/ro")
  cp good.db ro/g.db
  mount -o remount,ro "$tmp/ro" || fail "remount ro"
  expect 4 'ro/g\.db: ' "$bin" import --db ro/g.db "$small"
  expect 4 'ro/new\.db: ' "$bin" init --db ro/new.db
  timeout 30 "$bin" lookup --db ro/g.db Hanoi > out 2> err
  rc=$?
  [ $rc = 0 ] || fail "lookup on a read-only file system: exit $rc: $(head -2 err)"
  grep -q 'Hanoi' out || fail "lookup on ro/g.db: exit 0 without a result"
  [ "$(counts "file:ro/g.db?immutable=1")" = "$good" ] || fail "ro/g.db: content changed"

  mount -t tmpfs -o size=512k tmpfs full && mounts+=("$tmp/full")
  cp good.db full/g.db
  awk 'BEGIN { printf "entry\tkind\tlang\tterm\n"
    for (i = 0; i < 20000; i++) printf "term.x-%d\tterm\tfr\tterme numéro %d de la défense\n", i, i }' > big.tsv
  expect 4 'full/g\.db: .*(full|space)' "$bin" import --db full/g.db big.tsv
  # The error says how far the input got (file:line), and that nothing
  # was imported.
  grep -Eq 'big\.tsv:[0-9]+' err || fail "full disk: the error names no input position: $(head -1 err)"
  grep -q 'nothing imported: full/g.db is unchanged' err || fail "full disk: no 'nothing imported' note: $(head -2 err)"
  [ "$(sqlite3 full/g.db 'PRAGMA integrity_check')" = ok ] || fail "full/g.db: integrity_check"
  [ "$(counts full/g.db)" = "$good" ] || fail "full/g.db: content changed"
  # Once there is room again, the same import goes through.
  rm -f full/g.db-wal full/g.db-shm
  mount -o remount,size=64m "$tmp/full" || fail "remount bigger"
  "$bin" import --quiet --db full/g.db big.tsv || fail "import after freeing space"
  [ "$(sqlite3 full/g.db 'SELECT count(*) FROM terms')" = $(( ${good%% *} + 20000 )) ] ||
    fail "import after freeing space: wrong term count"
else
  echo "SKIP: read-only file system and full disk: cannot mount a tmpfs (needs root)"
fi

[ $fails -eq 0 ] && echo "hostile db: all checks passed"
[ $fails -eq 0 ]
