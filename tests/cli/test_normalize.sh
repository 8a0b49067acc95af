#!/usr/bin/env bash
# glossalign normalize on the real seed articles: one output line per input
# line at every level, every token's start/end points at its surface in the
# file, and an invalid byte deep in a file is reported at its file offset.
# $1 is the glossalign binary; run from the project root.
set -euo pipefail
bin=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

for f in corpus/seeds/*.txt; do
  lines=$(awk 'END { print NR }' "$f") # counts a last line without LF
  for level in k0 k1 k2 compact k3; do
    "$bin" normalize --level "$level" "$f" > "$tmp/out" || fail "$level $f: exit $?"
    got=$(wc -l < "$tmp/out")
    [ "$got" -eq "$lines" ] || fail "$level $f: $got lines out for $lines in"
  done
  # K2 keys are lower case and hold no apostrophe, dash or double space.
  "$bin" normalize --level k2 "$f" > "$tmp/k2"
  if grep -q "[A-Z'’-]" "$tmp/k2" || grep -q '  ' "$tmp/k2"; then
    fail "k2 $f: upper case, apostrophe, dash or double space left"
  fi
  # Every token's [start, end) is its surface (no escapes in these texts).
  "$bin" normalize --tokens "$f" > "$tmp/tok"
  [ "$(head -1 "$tmp/tok")" = "$(printf 'start\tend\tsurface\tkey\tflags')" ] ||
    fail "tokens $f: header"
  python3 - "$f" "$tmp/tok" <<'PY' || fail "tokens $f: spans"
import sys
data = open(sys.argv[1], "rb").read()
rows = open(sys.argv[2], "rb").read().split(b"\n")[1:-1]
assert rows, "no tokens"
for r in rows:
    start, end, surface, key, flags = r.split(b"\t")
    if data[int(start):int(end)] != surface:
        sys.exit("token %r at %s-%s is %r in the file"
                 % (surface, start, end, data[int(start):int(end)]))
print(len(rows), "tokens checked in", sys.argv[1])
PY
done

# An invalid byte after 100 000 good lines: reported at its file offset.
python3 - "$tmp/big.txt" <<'PY'
import sys
with open(sys.argv[1], "wb") as f:
    for i in range(100000):
        f.write(("Hoàng Xuân Chiên, ligne %d\n" % i).encode())
    f.write(b"caf\xe9\n")
PY
size=$(stat -c %s "$tmp/big.txt")
offset=$((size - 2))
set +e
"$bin" normalize "$tmp/big.txt" > "$tmp/out" 2> "$tmp/err"
code=$?
set -e
[ "$code" -eq 3 ] || fail "invalid UTF-8: exit $code, expected 3"
grep -q ":100001: invalid UTF-8 at byte offset $offset (byte 0xE9)" "$tmp/err" ||
  fail "invalid UTF-8: message: $(cat "$tmp/err")"
grep -q "glossalign convert" "$tmp/err" || fail "invalid UTF-8: no hint"
[ "$(wc -l < "$tmp/out")" -eq 100000 ] || fail "invalid UTF-8: lines before it"
echo "normalize: all checks passed"
