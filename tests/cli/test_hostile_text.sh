#!/usr/bin/env bash
# Broken text for convert, normalize, annotate and import: NUL bytes,
# truncated UTF-8 and UTF-16, a lone UTF-16 surrogate, and TSV/CSV files
# with a million columns. Each gets its documented exit code and a message
# naming the file and the byte offset (or line:column), within a time and
# memory bound.
set -u
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
root=${GLA_SOURCE_DIR:-.}
data=$root/tests/data/hostile
db=$(cd "${GLA_BINARY_DIR:-build}" && pwd)/glossary.db
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

asan=0
if ldd "$bin" 2> /dev/null | grep -q 'libasan\|libclang_rt.asan' ||
   grep -qa '__asan_init' "$bin"; then
  asan=1
fi
limit=()
[ $asan = 0 ] && limit=(prlimit --as=$((512 * 1024 * 1024)))

# run EXPECTED_EXIT STDERR_REGEX ARGS...: exit code and a stderr line.
run() {
  local want=$1 re=$2 rc
  shift 2
  timeout 20 "${limit[@]}" "$bin" "$@" > "$tmp/out" 2> "$tmp/err"
  rc=$?
  [ "$rc" = "$want" ] || { fail "$*: exit $rc, want $want: $(head -2 "$tmp/err")"; return; }
  [ -z "$re" ] || grep -Eq -- "$re" "$tmp/err" ||
    fail "$*: stderr lacks /$re/: $(head -3 "$tmp/err")"
}
cd "$data" || exit 1

# NUL is a valid character (U+0000): passed through by convert, even
# --strict; offsets after it stay right in annotate.
run 0 '' convert nul-byte.txt
cmp -s "$tmp/out" nul-byte.txt || fail "convert nul-byte.txt: output differs from input"
run 0 '' convert --strict nul-byte.txt
run 0 '' normalize --level k2 nul-byte.txt
[ "$(tr -d '\000' < "$tmp/out")" = "le genral arrive a hanoi" ] ||
  fail "normalize nul-byte.txt: '$(tr -d '\000' < "$tmp/out")'"
run 0 '' annotate --db "$db" nul-byte.txt
grep -q $'^22\t27\tHanoi\tplace.ha-noi\t' "$tmp/out" ||
  fail "annotate nul-byte.txt: no Hanoi at 22-27: $(cat "$tmp/out")"

# Truncated UTF-8: C3 at byte 7 ends the file.
run 3 'truncated-utf8\.txt: byte offset 7: truncated UTF-8' convert --strict --from UTF-8 truncated-utf8.txt
run 3 'truncated-utf8\.txt: byte offset 7' convert --strict truncated-utf8.txt
run 0 'truncated-utf8\.txt: .*byte offset 7' convert truncated-utf8.txt
[ "$(od -An -tx1 "$tmp/out" | tr -d ' \n')" = "4c652067c3a96eefbfbd" ] ||
  fail "convert truncated-utf8.txt: want the bad byte as U+FFFD, got $(od -An -tx1 "$tmp/out")"
run 3 'truncated-utf8\.txt:1: invalid UTF-8 at byte offset 7 \(byte 0xC3\)' normalize truncated-utf8.txt
run 3 'truncated-utf8\.txt:1: invalid UTF-8 at byte offset 7' normalize --tokens truncated-utf8.txt
run 0 'truncated-utf8\.txt: .*byte 7' annotate --db "$db" truncated-utf8.txt
# An unknown encoding name is a usage error.
run 2 'UTF-8-bogus' annotate --db "$db" --encoding UTF-8-bogus truncated-utf8.txt

# Truncated UTF-16LE (BOM, then a half code unit at byte 10) and a lone
# high surrogate at byte 10.
run 3 'truncated-utf16le\.txt: byte offset 10: truncated UTF-16' convert --strict truncated-utf16le.txt
run 0 'truncated-utf16le\.txt: .*byte offset 10' convert truncated-utf16le.txt
[ "$(cat "$tmp/out")" = "Le g�" ] || fail "convert truncated-utf16le.txt: '$(cat "$tmp/out")'"
run 3 'lone-surrogate-utf16le\.txt: byte offset 10' convert --strict lone-surrogate-utf16le.txt
run 0 'lone-surrogate-utf16le\.txt: .*byte offset 10' convert lone-surrogate-utf16le.txt
run 3 'truncated-utf16le\.txt:1: invalid UTF-8 at byte offset 0' normalize truncated-utf16le.txt
run 0 'truncated-utf16le\.txt: .*byte 10' annotate --db "$db" truncated-utf16le.txt
cd "$OLDPWD" || exit 1

# A million columns: in a TSV header, in a TSV row, in an OmegaT row and
# on one CSV line. Refused with file:line:col, the store unchanged.
"$bin" init --quiet --db "$tmp/g.db" || fail "init"
cols() { awk -v n=1000000 -v s="$1" 'BEGIN { for (i = 0; i < n; i++) printf "%s%s", s, "x"; }'; }
{ printf 'entry\tkind\tlang\tterm'; cols $'\t'; echo; } > "$tmp/wide-header.tsv"
{ printf 'entry\tkind\tlang\tterm\nterm.a\tterm\tfr\tabc'; cols $'\t'; echo; } > "$tmp/wide-row.tsv"
{ printf 'général\tđại tướng'; cols $'\t'; echo; } > "$tmp/wide.omegat.txt"
{ printf 'fr,vi\ngénéral,đại tướng'; cols ','; echo; } > "$tmp/wide.csv"
run 3 'wide-header\.tsv:1:[0-9]+: unknown column' import --db "$tmp/g.db" "$tmp/wide-header.tsv"
run 3 'wide-row\.tsv:2:[0-9]+: more fields' import --db "$tmp/g.db" "$tmp/wide-row.tsv"
run 3 'wide\.omegat\.txt:1:[0-9]+: ' import --db "$tmp/g.db" --format omegat "$tmp/wide.omegat.txt"
run 3 'wide\.csv:2:[0-9]+: ' import --db "$tmp/g.db" --format csv "$tmp/wide.csv"
[ "$(sqlite3 "$tmp/g.db" 'SELECT count(*) FROM terms')" = 0 ] || fail "wide files: terms were imported"
# normalize and annotate take a million tabs on one line in their stride.
run 0 '' normalize --tokens "$tmp/wide-row.tsv"
[ "$(wc -l < "$tmp/out")" -ge 1000000 ] || fail "normalize --tokens wide-row.tsv: $(wc -l < "$tmp/out") lines"
run 0 '' annotate --db "$db" "$tmp/wide-header.tsv"

# normalize refuses a line over 64 MiB (here the second line, after a
# short first one) as soon as it has read that much, naming line and offset.
{ echo 'première ligne'; head -c $((64 * 1024 * 1024 + 1)) /dev/zero | tr '\0' 'a'; echo; echo fin; } |
  /usr/bin/time -f '%M' -o "$tmp/rss" timeout 60 "$bin" normalize - > "$tmp/out" 2> "$tmp/err"
rc=${PIPESTATUS[1]}
[ "$rc" = 3 ] || fail "normalize, 64 MiB + 1 line: exit $rc, want 3: $(head -2 "$tmp/err")"
grep -q '^glossalign: error: <stdin>:2: line longer than 67108864 bytes at byte offset 16$' "$tmp/err" ||
  fail "normalize, 64 MiB + 1 line: message: $(head -2 "$tmp/err")"
[ "$(cat "$tmp/out")" = "premiere ligne" ] || fail "normalize, 64 MiB + 1 line: first line '$(head -c 80 "$tmp/out")'"
[ "$(tail -n 1 "$tmp/rss")" -lt $((400 * 1024)) ] || fail "normalize, 64 MiB + 1 line: RSS $(tail -n 1 "$tmp/rss") KB"
# With --tokens the limit is 8 MiB (each token costs memory too).
{ echo 'première ligne'; yes a | tr '\n' ' ' | head -c $((8 * 1024 * 1024 + 1)); echo; } |
  /usr/bin/time -f '%M' -o "$tmp/rss" timeout 60 "$bin" normalize --tokens - > "$tmp/out" 2> "$tmp/err"
rc=${PIPESTATUS[1]}
[ "$rc" = 3 ] || fail "normalize --tokens, 8 MiB + 1 line: exit $rc, want 3: $(head -2 "$tmp/err")"
grep -q '^glossalign: error: <stdin>:2: line longer than 8388608 bytes at byte offset 16$' "$tmp/err" ||
  fail "normalize --tokens, 8 MiB + 1 line: message: $(head -2 "$tmp/err")"
[ "$(wc -l < "$tmp/out")" = 3 ] || fail "normalize --tokens, 8 MiB + 1 line: want header and 2 tokens"
# A line just under the limit still goes through.
{ head -c $((1024 * 1024)) /dev/zero | tr '\0' 'b'; echo; } | "$bin" normalize - > "$tmp/out" 2> "$tmp/err" ||
  fail "normalize, 1 MiB line: $(head -2 "$tmp/err")"
[ "$(wc -c < "$tmp/out")" = $((1024 * 1024 + 1)) ] || fail "normalize, 1 MiB line: $(wc -c < "$tmp/out") bytes out"

[ $fails -eq 0 ] && echo "hostile text: all checks passed"
[ $fails -eq 0 ]
