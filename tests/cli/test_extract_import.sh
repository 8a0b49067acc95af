#!/usr/bin/env bash
# What extract writes is what import reads: the corpus candidates and the
# --aligned proposals go through 'import --dry-run' (also from a pipe),
# then, after a review that deletes rows, through a real import that
# keeps every term the glossary already had.
set -u
bin=$1
src=${GLA_SOURCE_DIR:-.}
pairs=$src/tests/data/extract/pairs.tsv
corpus=$src/tests/data/extract/corpus.fr.txt
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

# A glossary with French-only concepts (one with an English term and a
# note that must survive) and one that already has its Vietnamese term.
db=$tmp/g.db
printf '%s\n' \
  "entry	kind	lang	term	status	note" \
  "term.deminage	term	fr	déminage	preferred	kept note" \
  "term.deminage	term	en	demining	admitted	" \
  "term.genie-militaire	term	fr	génie militaire	preferred	" \
  "org.ministere-defense	organization	fr	ministère de la Défense	preferred	" \
  "org.ministere-defense	organization	vi	Bộ Quốc phòng	preferred	" \
  > "$tmp/g.tsv"
"$bin" import -q --db "$db" "$tmp/g.tsv" || fail "setting up the glossary"

# --aligned: one concept per block, its own rows first, then proposals.
"$bin" extract --aligned --db "$db" "$pairs" > "$tmp/prop.tsv" \
  2> "$tmp/err" || fail "extract --aligned: exit $?: $(cat "$tmp/err")"
grep -q "^glossalign: note: 6 proposed terms for 2 concepts$" "$tmp/err" ||
  fail "extract --aligned: note: $(cat "$tmp/err")"
[ "$(grep -v '^#' "$tmp/prop.tsv" | head -1 | cut -f1,7,8,9,13,14)" = \
  "entry	lang	term	status	note	source" ] ||
  fail "extract --aligned: no TSV header: $(head -5 "$tmp/prop.tsv")"
want_rows=(
  "term.deminage	fr	déminage	preferred	kept note	"
  "term.deminage	en	demining	admitted		"
  "term.deminage	vi	rà phá bom mìn	admitted	proposed by extract --aligned: rank 1; in 4 of the 4 pairs holding \"déminage\" and 4 pairs in all; Dice 1.0000, LLR 9.56	extract --aligned: $pairs"
  "term.genie-militaire	fr	génie militaire	preferred		"
  "term.genie-militaire	vi	Công binh	admitted	proposed by extract --aligned: rank 1; in 3 of the 3 pairs holding \"génie militaire\" and 3 pairs in all; Dice 1.0000, LLR 9.56	extract --aligned: $pairs"
)
cut -f1,7,8,9,13,14 "$tmp/prop.tsv" > "$tmp/cols"
for row in "${want_rows[@]}"; do
  grep -qxF "$row" "$tmp/cols" || fail "extract --aligned: no row '$row'"
done
grep -q "^org.ministere-defense" "$tmp/cols" &&
  fail "extract --aligned: a concept with a vi term got proposals"

# Accepted as it stands, from a file and from a pipe.
"$bin" import --dry-run --db "$db" "$tmp/prop.tsv" 2> "$tmp/err" ||
  fail "import --dry-run of the proposals: $(cat "$tmp/err")"
grep -q "dry run: 2 concepts, 9 terms" "$tmp/err" ||
  fail "import --dry-run of the proposals: $(cat "$tmp/err")"
"$bin" extract --aligned --all-concepts --db "$db" "$pairs" 2> /dev/null |
  "$bin" import --dry-run --db "$db" - 2> "$tmp/err" ||
  fail "extract --aligned --all-concepts | import --dry-run -: $(cat "$tmp/err")"

# Review: keep only the first proposal of each concept, then import.
grep -v "rank [23];" "$tmp/prop.tsv" > "$tmp/reviewed.tsv"
"$bin" import -q --db "$db" "$tmp/reviewed.tsv" ||
  fail "import of the reviewed proposals"
"$bin" export --db "$db" | cut -f1,7,8,9,13 | sort > "$tmp/after"
want_after=(
  "org.ministere-defense	fr	ministère de la Défense	preferred	"
  "org.ministere-defense	vi	Bộ Quốc phòng	preferred	"
  "term.deminage	en	demining	admitted	"
  "term.deminage	fr	déminage	preferred	kept note"
  "term.genie-militaire	fr	génie militaire	preferred	"
)
for row in "${want_after[@]}"; do
  grep -qxF "$row" "$tmp/after" || fail "after import: lost '$row'"
done
grep -q "^term.deminage	vi	rà phá bom mìn	admitted	proposed by" "$tmp/after" ||
  fail "after import: no vi term for term.deminage"
grep -q "^term.genie-militaire	vi	Công binh	admitted	proposed by" "$tmp/after" ||
  fail "after import: no vi term for term.genie-militaire"
[ "$(grep -c "	vi	" "$tmp/after")" = 3 ] ||
  fail "after import: rejected proposals came in: $(cat "$tmp/after")"

# Corpus candidates: imported into a fresh glossary, every one of them.
"$bin" extract --no-glossary --min-count 2 "$corpus" > "$tmp/cand.tsv" \
  2> "$tmp/err" || fail "extract corpus: exit $?"
grep -q "note: 7 candidate entries" "$tmp/err" ||
  fail "extract corpus: $(cat "$tmp/err")"
"$bin" import --dry-run --db "$tmp/new.db" "$tmp/cand.tsv" 2> "$tmp/err" ||
  fail "import --dry-run of the candidates: $(cat "$tmp/err")"
"$bin" extract --no-glossary --min-count 2 "$corpus" 2> /dev/null |
  "$bin" import -q --db "$tmp/new.db" - || fail "extract | import -"
[ "$("$bin" export --db "$tmp/new.db" | grep -c '^cand\.')" = \
  "$(grep -c '^cand\.' "$tmp/cand.tsv")" ] ||
  fail "corpus candidates: not every row imported"
[ "$("$bin" export --db "$tmp/new.db" | cut -f1 | grep '^cand\.' | sort -u |
    wc -l)" = 7 ] || fail "corpus candidates: not 7 concepts"

# Control characters of the input (vertical tab, form feed, carriage
# return) reach the notes as spaces: the TSV cannot hold them, and one
# candidate must not make the whole output fail.
printf 'Le texte\vdit : la Force intérimaire de sécurité des Nations unies pour\fAbyei (FISNUA) est là.\r\nLa FISNUA reste.\n' \
  > "$tmp/ctl.txt"
"$bin" extract --no-glossary "$tmp/ctl.txt" > "$tmp/ctl.tsv" 2> "$tmp/err" ||
  fail "extract with control characters: exit $?: $(cat "$tmp/err")"
grep -q "^cand.acronym.force-interimaire" "$tmp/ctl.tsv" ||
  fail "extract with control characters: no acronym: $(cat "$tmp/ctl.tsv")"
LC_ALL=C grep -q "$(printf '[\v\f\r]')" "$tmp/ctl.tsv" &&
  fail "extract with control characters: they reached the output"
"$bin" import --dry-run --db "$tmp/new.db" "$tmp/ctl.tsv" 2> "$tmp/err" ||
  fail "import --dry-run with control characters: $(cat "$tmp/err")"

[ "$fails" = 0 ] && echo "ok: extract output imports" || exit 1
