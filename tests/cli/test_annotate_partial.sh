#!/usr/bin/env bash
# `glossalign annotate` reports partial mentions of people ("le général
# Giang" after "le général Phan Van Giang") with level and flag partial,
# in every format, only after a full mention, never for a family name
# alone, across input chunks, and forgets them between --jsonl documents.
# Runs against a copy of the bundled glossary so that the caches land in
# a temporary directory.
set -euo pipefail
bin=$1
db0=${GLA_BINARY_DIR:-build}/glossary.db
[ -f "$db0" ] || { echo "no bundled glossary at $db0 (build target glossary-db)"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp "$db0" "$tmp/g.db"
db=$tmp/g.db
fail=0
check() { # description, then a command that must succeed
  local what=$1
  shift
  if "$@"; then echo "ok   $what"; else echo "FAIL $what"; fail=1; fi
}
ann() { "$bin" annotate --db "$db" "$@"; }
# Rows of a TSV output whose level is partial: start, end, surface, entry,
# score, flags.
partials() { awk -F'\t' 'NR > 1 && $6 == "partial" { print $1, $2, $3, $4, $7, $8 }'; }
# The byte offset of the Nth (1-based) occurrence of a string in a file.
offset() {
  python3 -c 'import sys
b = open(sys.argv[1], "rb").read(); s = sys.argv[2].encode(); n = int(sys.argv[3]); i = -1
for _ in range(n): i = b.find(s, i + 1)
print(i)' "$1" "$2" "$3"
}

printf '%s\n' \
  "Le ministre de la Défense, le général Phan Van Giang, a reçu mardi son homologue laotien." \
  "Le général Giang a souligné la qualité de la coopération entre les deux armées." \
  > "$tmp/full.txt"
printf '%s\n' \
  "Le général Phan a souligné la qualité de la coopération." > "$tmp/family.txt"
printf '%s\n' \
  "Le général Giang a souligné la qualité de la coopération." \
  "Plus tard, le général Phan Van Giang a reçu la délégation." > "$tmp/before.txt"

# The second mention resolves through the first.
s=$(offset "$tmp/full.txt" Giang 2)
e=$((s + 5))
ann "$tmp/full.txt" > "$tmp/full.tsv"
check "tsv: 'Le général Giang' is a partial mention of person.phan-van-giang" \
  test "$(partials < "$tmp/full.tsv")" = "$s $e Giang person.phan-van-giang 0.70 partial"
check "tsv: the full mention is still an exact one" \
  grep -qP "^\d+\t\d+\tPhan Van Giang\tperson.phan-van-giang\tperson\texact\t" "$tmp/full.tsv"
check "tsv: one partial row in all" test "$(grep -c partial "$tmp/full.tsv")" = 1
# Besides the partial row, the output is the one without partial mentions.
ann --no-partial "$tmp/full.txt" > "$tmp/full-np.tsv"
check "--no-partial: no partial mention" test "$(partials < "$tmp/full-np.tsv")" = ""
check "--no-partial: the other rows are unchanged" \
  diff <(awk -F'\t' '$6 != "partial"' "$tmp/full.tsv") "$tmp/full-np.tsv"

# A family name alone, and a given name before any full mention.
check "a family name alone resolves nobody" \
  test "$(ann "$tmp/family.txt" | partials)" = ""
check "a given name before the full mention resolves nobody" \
  test "$(ann "$tmp/before.txt" | partials)" = ""

# A foreign person is called by the surname.
printf '%s\n' \
  "Le ministre russe de la Défense, Andreï Beloussov, a reçu la délégation." \
  "M. Beloussov a souligné les liens entre les deux armées." > "$tmp/foreign.txt"
b=$(offset "$tmp/foreign.txt" Beloussov 2)
check "a foreign surname after the full name is a partial mention" \
  test "$(ann "$tmp/foreign.txt" | partials)" \
       = "$b $((b + 9)) Beloussov person.andrei-belousov 0.70 partial"

# JSON Lines, inline and HTML carry the level and the flag.
ann --format json "$tmp/full.txt" > "$tmp/full.json"
check "json: level, score, flags and entry" python3 - "$tmp/full.json" "$s" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1], encoding='utf-8')]
p = [r for r in rows if r['level'] == 'partial']
ok = (len(p) == 1 and p[0]['start'] == int(sys.argv[2]) and p[0]['surface'] == 'Giang'
      and p[0]['entry'] == 'person.phan-van-giang' and p[0]['flags'] == ['partial']
      and p[0]['score'] == 0.7 and p[0]['target']['terms'] == ['Phan Văn Giang'])
sys.exit(0 if ok else 1)
PY
ann --format inline "$tmp/full.txt" > "$tmp/full.inline"
check "inline: the partial mark" \
  grep -q "Le général⟦vi: Đại tướng⟧ Giang⟦vi (partial): Phan Văn Giang⟧ a souligné" "$tmp/full.inline"
check "inline: the text is intact" \
  diff <(sed 's/⟦[^⟧]*⟧//g' "$tmp/full.inline") "$tmp/full.txt"
ann --format html "$tmp/full.txt" > "$tmp/full.html"
check "html: the mark has level and class partial" \
  grep -q '<mark class="m k-person lv-partial partial" data-i="[0-9]*" [^>]*>Giang</mark> a souligné' "$tmp/full.html"
check "html: the concept counts both mentions" \
  grep -q '<td>person.phan-van-giang</td><td>Phan Văn Giang</td><td class="n">2</td>' "$tmp/full.html"

# --jsonl: the context is reset between documents.
python3 - "$tmp/full.txt" "$tmp/docs.jsonl" <<'PY'
import json, sys
text = open(sys.argv[1], encoding='utf-8').read()
second = text.splitlines()[1]
with open(sys.argv[2], 'w', encoding='utf-8') as f:
    f.write(json.dumps({"id": "a", "text": text}, ensure_ascii=False) + "\n")
    f.write(json.dumps({"id": "b", "text": second}, ensure_ascii=False) + "\n")
    f.write(json.dumps({"id": "c", "text": text}, ensure_ascii=False) + "\n")
PY
ann --jsonl "$tmp/docs.jsonl" > "$tmp/docs.out"
check "jsonl: partial in a and c, not in b (the context was reset)" \
  python3 - "$tmp/docs.out" "$s" <<'PY'
import json, sys
docs = {d['id']: d for d in map(json.loads, open(sys.argv[1], encoding='utf-8'))}
def partial(i):
    return [(m['start'], m['entry'], m['flags']) for m in docs[i]['mentions']
            if m['level'] == 'partial']
want = [(int(sys.argv[2]), 'person.phan-van-giang', ['partial'])]
sys.exit(0 if partial('a') == want and partial('b') == [] and partial('c') == want
         else 1)
PY
ann --jsonl --format tsv "$tmp/docs.jsonl" > "$tmp/docs.tsv"
check "jsonl tsv: one partial row for a and one for c" \
  test "$(awk -F'\t' '$7 == "partial" { print $1, $5, $9 }' "$tmp/docs.tsv" | tr '\n' ';')" \
       = '"a" person.phan-van-giang partial;"c" person.phan-van-giang partial;'
ann --jsonl --format inline "$tmp/docs.jsonl" > "$tmp/docs.inline"
check "jsonl inline: the partial mark in a and c only" \
  test "$(grep -c '(partial)' "$tmp/docs.inline")" = 2

# A long input is read in chunks: the context carries over, and a
# mention cut by a chunk boundary is still found.
python3 - "$tmp/long.txt" <<'PY'
import sys
fill = "La coopération entre les deux pays progresse depuis des années. "
n = len(fill.encode())
s = "Le ministre de la Défense, le général Phan Van Giang, a reçu la délégation.\n"
s += fill * ((262144 - 300 - len(s.encode())) // n + 1)
pad = 262144 - len(s.encode()) - len("Le général Gi".encode())
s += "x" * (pad - 1) + " Le général Giang a souligné. "
s += fill * ((3 * 262144 - len(s.encode())) // n + 1)
s += "\nLe général Giang a conclu.\n"
open(sys.argv[1], 'w', encoding='utf-8').write(s)
PY
s1=$(offset "$tmp/long.txt" Giang 2)
s2=$(offset "$tmp/long.txt" Giang 3)
check "long input: the mention across the first chunk boundary sits on it" \
  test "$s1" -lt 262144 -a "$((s1 + 5))" -gt 262144
check "long input: both partial mentions, chunks apart" \
  test "$(ann "$tmp/long.txt" | partials | tr '\n' ';')" \
       = "$s1 $((s1 + 5)) Giang person.phan-van-giang 0.70 partial;$s2 $((s2 + 5)) Giang person.phan-van-giang 0.70 partial;"
check "long input, inline: the text is intact" \
  diff <(ann --format inline "$tmp/long.txt" | sed 's/⟦[^⟧]*⟧//g') "$tmp/long.txt"
check "long input, inline: two partial marks" \
  test "$(ann --format inline "$tmp/long.txt" | grep -o '(partial)' | wc -l)" = 2

# Partial mentions need only the rank titles and the people named, read
# from the compiled glossary: annotate never loads or writes the names
# index (DB.names).
rm -f "$db.names"
printf 'La coopération entre les deux armées progresse.\n' > "$tmp/nobody.txt"
ann "$tmp/nobody.txt" > /dev/null
check "no person mentioned: no names index" test ! -e "$db.names"
ann "$tmp/full.txt" > /dev/null
check "a person mentioned: still no names index" test ! -e "$db.names"
check "--no-cache still finds the partial mention" \
  test "$("$bin" annotate --no-cache --db "$db" "$tmp/full.txt" | partials)" \
       = "$s $e Giang person.phan-van-giang 0.70 partial"
check "--help documents --no-partial and the level" \
  sh -c '"$1" annotate --help | grep -q -- "--no-partial" && "$1" annotate --help | grep -q "level partial"' _ "$bin"

exit $fail
