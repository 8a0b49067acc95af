#!/usr/bin/env bash
# A 1 GiB single-line text streamed through a pipe (nothing written to disk)
# into convert, normalize and annotate: each finishes within its time limit,
# in bounded memory (peak RSS measured; address space capped with prlimit
# outside sanitizer builds), with the right exit code and output.
# Under AddressSanitizer the text is 64 MiB (ASan is several times slower
# and reserves terabytes of address space); $GLA_HOSTILE_MB overrides both.
set -u
bin=$1
root=${GLA_SOURCE_DIR:-.}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
[ -x /usr/bin/time ] || { echo "/usr/bin/time missing (package 'time', scripts/setup)"; exit 1; }

asan=0
if ldd "$bin" 2> /dev/null | grep -q 'libasan\|libclang_rt.asan' ||
   grep -qa '__asan_init' "$bin"; then
  asan=1
fi
mb=${GLA_HOSTILE_MB:-$([ $asan = 1 ] && echo 64 || echo 1024)}
limit=()
[ $asan = 0 ] && limit=(prlimit --as=$((1024 * 1024 * 1024)))
echo "stream size: $mb MiB (sanitizer build: $asan)"

rep='Le général arrive à Paris pour la réunion du conseil, '
replen=$(printf '%s' "$rep" | wc -c)
reps=$((mb * 1024 * 1024 / replen))
bytes=$((reps * replen))
gen() { yes "$rep" | tr -d '\n' | head -c "${1:-$bytes}"; }

# Peak RSS in KB of the last measured command.
peak() { tail -n 1 "$tmp/rss"; }
rss_ok() { # NAME MAX_MB
  local kb
  kb=$(peak)
  echo "$1: peak RSS $((kb / 1024)) MB"
  [ "$kb" -le $(($2 * 1024)) ] || fail "$1: peak RSS $((kb / 1024)) MB > $2 MB"
}

# convert: the bytes come out unchanged (the text is NFC already).
gen | /usr/bin/time -f '%M' -o "$tmp/rss" timeout 300 "${limit[@]}" \
  "$bin" convert - 2> "$tmp/err" | wc -c > "$tmp/n"
rc=${PIPESTATUS[1]}
[ "$rc" = 0 ] || fail "convert: exit $rc: $(head -3 "$tmp/err")"
[ "$(cat "$tmp/n")" = "$bytes" ] || fail "convert: $(cat "$tmp/n") bytes out, want $bytes"
rss_ok convert 64

# normalize: one line over its 64 MiB limit is refused with exit 3, the
# line and byte offset, before it is buffered whole.
gen | /usr/bin/time -f '%M' -o "$tmp/rss" timeout 300 "${limit[@]}" \
  "$bin" normalize --level k2 - > "$tmp/out" 2> "$tmp/err"
rc=${PIPESTATUS[1]}
if [ "$bytes" -gt $((64 * 1024 * 1024)) ]; then
  [ "$rc" = 3 ] || fail "normalize: exit $rc, want 3: $(head -3 "$tmp/err")"
  grep -q '^glossalign: error: <stdin>:1: line longer than 67108864 bytes at byte offset 0$' "$tmp/err" ||
    fail "normalize: message: $(head -3 "$tmp/err")"
  [ ! -s "$tmp/out" ] || fail "normalize: printed output for a refused line"
  rss_ok normalize 300
else
  # Below the limit the line is normalised whole: one output line.
  [ "$rc" = 0 ] || fail "normalize: exit $rc: $(head -3 "$tmp/err")"
  [ "$(wc -l < "$tmp/out")" = 1 ] || fail "normalize: want one output line"
  rss_ok normalize $((mb * 12 + 64))
fi
# Short lines (64 MiB of them) stream through in bounded memory.
gen $((64 * 1024 * 1024 / replen * replen)) | tr ',' '\n' | /usr/bin/time -f '%M' -o "$tmp/rss" timeout 300 "${limit[@]}" \
  "$bin" normalize --level k2 - 2> "$tmp/err" | tail -n 2 | tr '\n' '|' > "$tmp/last"
rc=${PIPESTATUS[2]}
[ "$rc" = 0 ] || fail "normalize (lines): exit $rc: $(head -3 "$tmp/err")"
[ "$(cat "$tmp/last")" = "le general arrive a paris pour la reunion du conseil||" ] ||
  fail "normalize (lines): last line '$(cat "$tmp/last")'"
rss_ok "normalize (lines)" 64

# annotate: every mention of the repeated sentence is found, the last one
# at its exact byte offset, in memory that does not grow with the line.
printf '%s%s' "$rep" "$rep" | "$bin" annotate --db "${GLA_BINARY_DIR:-build}/glossary.db" - \
  > "$tmp/small" 2> /dev/null || fail "annotate: sample run"
per=$(( ($(wc -l < "$tmp/small") - 1) / 2 ))
first=$(sed -n 2p "$tmp/small" | cut -f1,3)
[ "$per" -ge 1 ] || fail "annotate: the sample sentence has no mention"
gen | /usr/bin/time -f '%M' -o "$tmp/rss" timeout 300 "${limit[@]}" \
  "$bin" annotate --db "${GLA_BINARY_DIR:-build}/glossary.db" - 2> "$tmp/err" |
  awk -F'\t' 'NR > 1 { n++; last = $1 "\t" $3 } END { print n + 0; print last }' > "$tmp/sum"
rc=${PIPESTATUS[1]}
[ "$rc" = 0 ] || fail "annotate: exit $rc: $(head -3 "$tmp/err")"
want_n=$((reps * per))
[ "$(sed -n 1p "$tmp/sum")" = "$want_n" ] ||
  fail "annotate: $(sed -n 1p "$tmp/sum") mentions, want $want_n"
if [ "$per" = 1 ]; then
  want_last="$(( (reps - 1) * replen + ${first%%	*} ))	${first#*	}"
  [ "$(sed -n 2p "$tmp/sum")" = "$want_last" ] ||
    fail "annotate: last mention '$(sed -n 2p "$tmp/sum")', want '$want_last'"
fi
rss_ok annotate 128

[ $fails -eq 0 ] && echo "hostile big: all checks passed"
[ $fails -eq 0 ]
