#!/usr/bin/env bash
# The bundled glossary, built from glossary/*.tsv by the real binary exactly
# as the build target does (and, when the build made it, the build tree's
# glossary.db too), must hold: a source on every term; Vietnamese terms in
# NFC with their diacritics (acronyms, abbreviations, transliterations,
# foreign forms written as in another language of the concept and a short
# hand-checked list exempt); no
# two concepts sharing a K1 key in one language unless both are homonyms;
# at least 250 concepts; and a clean integrity check.
set -u
bin=$1
root=${GLA_SOURCE_DIR:-.}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
command -v python3 > /dev/null || { echo "python3 missing (scripts/setup)"; exit 1; }

shopt -s nullglob
sources=("$root"/glossary/*.tsv)
[ ${#sources[@]} -gt 0 ] || { echo "FAIL: no glossary/*.tsv"; exit 1; }
"$bin" init --quiet --no-wal --db "$tmp/glossary.db" || exit 1
"$bin" import --quiet --db "$tmp/glossary.db" --author test "${sources[@]}" ||
  { echo "FAIL: the bundled glossary does not import"; exit 1; }

dbs=("$tmp/glossary.db")
built=${GLA_BINARY_DIR:-}/glossary.db
[ -n "${GLA_BINARY_DIR:-}" ] && [ -f "$built" ] && dbs+=("$built")

status=0
for db in "${dbs[@]}"; do
  python3 - "$db" << 'PY' || status=1
import sqlite3, sys, unicodedata
path = sys.argv[1]
con = sqlite3.connect("file:%s?mode=ro" % path, uri=True)
# Vietnamese forms that are right without any mark: level-tone syllables
# (Nga, Nam Phi) and borrowed place names (Campuchia, Cu-ba), checked by
# hand; every other ASCII-only vi term is a name that lost its diacritics.
VI_ASCII_OK = {"Nga", "Nam Sudan", "Nam Phi", "Campuchia", "Cam-pu-chia",
               "Cu-ba"}
errors = []
def err(msg):
    errors.append(msg)

if con.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
    err("integrity_check failed")
if con.execute("PRAGMA journal_mode").fetchone()[0] == "wal":
    err("the bundled glossary must not be in WAL mode (read-only installs)")

entries = {eid: (ref, kind, hom) for eid, ref, kind, hom in
           con.execute("SELECT id, ref, kind, homonym FROM entries")}
terms = con.execute("SELECT id, entry_id, lower(lang), text, k1, type, "
                    "source FROM terms ORDER BY id").fetchall()
by_entry = {}
for t in terms:
    by_entry.setdefault(t[1], []).append(t)

if len(entries) < 250:
    err("only %d concepts (at least 250 expected)" % len(entries))

for tid, eid, lang, text, k1, ttype, source in terms:
    ref, kind, _ = entries[eid]
    where = "%s %s '%s'" % (ref, lang, text)
    if not source or not source.strip():
        err("%s: no source" % where)
    if not unicodedata.is_normalized("NFC", text):
        err("%s: not NFC" % where)
    if lang != "vi":
        continue
    if kind == "acronym" or ttype in ("acronym", "abbreviation",
                                      "transliteration"):
        continue
    if any(o[3] == text and o[2] != "vi" for o in by_entry[eid]):
        continue  # a foreign form used as is (a person's or body's name)
    if all(ord(c) < 128 for c in text) and text not in VI_ASCII_OK:
        err("%s: Vietnamese term without diacritics" % where)

seen = {}
for tid, eid, lang, text, k1, ttype, source in terms:
    seen.setdefault((lang, k1), set()).add(eid)
for (lang, k1), eids in sorted(seen.items()):
    if len(eids) < 2:
        continue
    bad = [entries[e][0] for e in sorted(eids) if not entries[e][2]]
    if bad:
        err("K1 key '%s' (%s) shared by %s; not marked homonym: %s" % (
            k1, lang, ", ".join(entries[e][0] for e in sorted(eids)),
            ", ".join(bad)))

for e in errors:
    print("FAIL: %s: %s" % (path, e))
print("%s: %d concepts, %d terms, %d problems" % (
    path, len(entries), len(terms), len(errors)))
sys.exit(1 if errors else 0)
PY
done
exit $status
