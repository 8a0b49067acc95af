#!/usr/bin/env bash
# Hostile TBX for `glossalign import`: billion laughs, external entities
# (general, parameter, external DTD) and 10,000-deep element nesting. Each
# must be refused with exit 3 and a file:line:col message, quickly, in
# bounded memory, without reading the file an entity points at, and leave
# the database unchanged.
set -u
bin=$1
root=${GLA_SOURCE_DIR:-.}
data=$root/tests/data/hostile
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
command -v sqlite3 > /dev/null || { echo "sqlite3 shell missing (scripts/setup)"; exit 1; }

asan=0
if ldd "$bin" 2> /dev/null | grep -q 'libasan\|libclang_rt.asan' ||
   grep -qa '__asan_init' "$bin"; then
  asan=1
fi
limit=()
[ $asan = 0 ] && limit=(prlimit --as=$((512 * 1024 * 1024)))

"$bin" init --quiet --db "$tmp/g.db" || fail "init"
"$bin" import --quiet --db "$tmp/g.db" "$root/tests/data/glossary/small.tsv" || fail "baseline import"
state() { sqlite3 "$tmp/g.db" "SELECT count(*) FROM entries; SELECT count(*) FROM terms;
  SELECT count(*) FROM change_log; SELECT group_concat(text, '|') FROM terms;" | tr '\n' ' '; }
before=$(state)

# The deep documents: 10,000 nested elements where TBX allows free
# markup (a definition, a term) and as the whole document.
head='<?xml version="1.0"?><tbx type="TBX-Basic" style="dca" xml:lang="fr" xmlns="urn:iso:std:iso:30042:ed-2"><text><body><conceptEntry id="c1">'
deep() { # OPEN CLOSE COUNT
  local i
  for ((i = 0; i < $3; i++)); do printf '%s' "$1"; done
  printf 'x'
  for ((i = 0; i < $3; i++)); do printf '%s' "$2"; done
}
{ printf '%s<descrip type="definition">' "$head"; deep '<hi>' '</hi>' 10000
  printf '</descrip><langSec xml:lang="fr"><termSec><term>a</term></termSec></langSec></conceptEntry></body></text></tbx>\n'
} > "$tmp/deep-definition.tbx"
{ printf '%s<langSec xml:lang="fr"><termSec><term>' "$head"; deep '<hi>' '</hi>' 10000
  printf '</term></termSec></langSec></conceptEntry></body></text></tbx>\n'
} > "$tmp/deep-term.tbx"
{ printf '<?xml version="1.0"?>\n'; deep '<tbx>' '</tbx>' 10000; echo; } > "$tmp/deep-root.tbx"
{ printf '%s' "${head%<conceptEntry id=\"c1\">}"; deep '<conceptEntry>' '</conceptEntry>' 10000
  printf '</body></text></tbx>\n'; } > "$tmp/deep-entries.tbx"

# file | what the message must say (an extended regex after file:line:col)
cases="$data/billion-laughs.tbx|DOCTYPE.*internal subset
$data/external-entity.tbx|DOCTYPE.*internal subset
$data/parameter-entity.tbx|DOCTYPE.*internal subset
$data/external-dtd.tbx|[Ee]ntity 'foo' not defined
$tmp/deep-definition.tbx|[Ee]xcessive depth|depth
$tmp/deep-term.tbx|[Ee]xcessive depth|depth
$tmp/deep-root.tbx|.
$tmp/deep-entries.tbx|."
while IFS='|' read -r file want; do
  name=$(basename "$file")
  for fmt in auto tbx; do
    start=$(date +%s%N)
    timeout 20 "${limit[@]}" "$bin" import --db "$tmp/g.db" --format "$fmt" "$file" \
      > "$tmp/out" 2> "$tmp/err"
    rc=$?
    ms=$(( ($(date +%s%N) - start) / 1000000 ))
    [ "$rc" = 3 ] || fail "$name ($fmt): exit $rc, want 3: $(head -2 "$tmp/err")"
    grep -Eq "^glossalign: error: [^ ]*$name:[0-9]+:[0-9]+: .*($want)" "$tmp/err" ||
      fail "$name ($fmt): message does not name file:line:col and '$want': $(head -2 "$tmp/err")"
    grep -q 'nothing imported' "$tmp/err" || fail "$name ($fmt): no 'nothing imported' note"
    ! grep -q 'root:' "$tmp/err" "$tmp/out" || fail "$name ($fmt): /etc/passwd leaked into the output"
    [ "$ms" -lt 10000 ] || fail "$name ($fmt): took $ms ms"
    [ "$(state)" = "$before" ] || fail "$name ($fmt): the database changed"
  done
done <<< "$cases"

# The parsed store never holds an expanded entity or a passwd line.
! sqlite3 "$tmp/g.db" "SELECT text FROM terms" | grep -q 'lollol\|root:' ||
  fail "an entity was expanded into the store"
# Dry runs refuse them too.
"$bin" import --dry-run --db "$tmp/g.db" "$data/billion-laughs.tbx" > /dev/null 2>&1
[ $? = 3 ] || fail "billion-laughs --dry-run: want exit 3"

[ $fails -eq 0 ] && echo "hostile xml: all checks passed"
[ $fails -eq 0 ]
