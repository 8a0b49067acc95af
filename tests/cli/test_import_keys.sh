#!/usr/bin/env bash
# The keys an import stores (k1, k2, k2c, k3) must be exactly what
# `glossalign normalize` prints for the stored text at each level: the
# import builds K2 compact and K3 from its K2 key instead of normalising the
# text again, and this checks that shortcut on every term of the bundled
# glossary, on transliterated Russian names (the K3 rules) and on terms
# like those of scripts/bench-import, through both import paths (an empty
# store, where the key indexes are rebuilt at the end, and a filled one).
set -u
bin=$1
root=${GLA_SOURCE_DIR:-.}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
command -v python3 > /dev/null || { echo "python3 missing (scripts/setup)"; exit 1; }

shopt -s nullglob
sources=("$root"/glossary/*.tsv)
[ ${#sources[@]} -gt 0 ] || { echo "FAIL: no glossary/*.tsv"; exit 1; }

# Names that fire the K3 rules, and generated bench-like terms.
python3 - "$tmp/extra.tsv" << 'PY'
import random, sys
names = ["Khrouchtchev", "Khrushchev", "Chtchoukine", "Shchukin", "Smirnoff",
         "Poutine", "Prigojine", "Dmitriy", "Dmitrii", "Dmitrij",
         "Stavitski", "Stavitskiy", "Yevgeny", "Evgueni", "Sergueï Choïgou",
         "Sergei Shoigu", "Sergueïevitch", "Sergeyevich", "Andrey",
         "Beloussov", "Belousov", "Zhukov", "Joukov", "Tchaïkovski",
         "Tschaikowsky", "Dostoïevski", "Dostoyevsky", "Lavrov",
         "Nguyễn Xuân Phúc", "Huỳnh Thúc Kháng", "Nhất Chi Mai",
         "ooouuu shchy tsktsk yeye gguee", "Voïevodski-Tchirkov 12"]
rnd = random.Random(7)
words = ("Nguyễn Trần Hoàng Huỳnh Quốc Thành Chiến Giang ministère défense "
         "général région état-major deputy navy staff cooperation").split()
with open(sys.argv[1], "w", encoding="utf-8") as f:
    f.write("entry\tkind\tlang\tterm\tstatus\tsource\n")
    for i, n in enumerate(names):
        f.write("person.k3-%d\tperson\tfr\t%s\tpreferred\ttest\n" % (i, n))
    for i in range(1500):
        text = " ".join(rnd.choice(words) for _ in range(rnd.randint(1, 5)))
        f.write("term.gen-%d\tterm\tvi\t%s %d\tpreferred\ttest\n" % (i, text, i))
PY

"$bin" init --quiet --no-wal --db "$tmp/empty.db" || exit 1
"$bin" import --quiet --db "$tmp/empty.db" "${sources[@]}" "$tmp/extra.tsv" ||
  { echo "FAIL: import into an empty store"; exit 1; }
"$bin" init --quiet --no-wal --db "$tmp/filled.db" || exit 1
"$bin" import --quiet --db "$tmp/filled.db" "$tmp/extra.tsv" ||
  { echo "FAIL: first import"; exit 1; }
"$bin" import --quiet --db "$tmp/filled.db" "${sources[@]}" ||
  { echo "FAIL: import into a filled store"; exit 1; }

status=0
for db in "$tmp/empty.db" "$tmp/filled.db"; do
  python3 - "$bin" "$db" << 'PY' || status=1
import sqlite3, subprocess, sys
binary, path = sys.argv[1], sys.argv[2]
con = sqlite3.connect("file:%s?mode=ro" % path, uri=True)
rows = [r for r in con.execute(
    "SELECT text, k1, k2, k2c, k3 FROM terms ORDER BY id")
    if "\n" not in r[0] and "\r" not in r[0]]
if len(rows) < 1000:
    print("FAIL: %s: only %d terms" % (path, len(rows)))
    sys.exit(1)
text = "".join(r[0] + "\n" for r in rows).encode("utf-8")
bad = 0
for col, level in enumerate(("k1", "k2", "compact", "k3"), start=1):
    out = subprocess.run([binary, "normalize", "--level", level, "-"],
                         input=text, capture_output=True, check=True).stdout
    want = out.decode("utf-8").split("\n")[:len(rows)]
    for r, w in zip(rows, want):
        if r[col] != w:
            bad += 1
            if bad <= 10:
                print("FAIL: %s: %r: stored %s %r, normalize says %r"
                      % (path, r[0], level, r[col], w))
if bad:
    print("FAIL: %s: %d keys differ" % (path, bad))
    sys.exit(1)
print("ok: %s: %d terms, 4 keys each" % (path, len(rows)))
PY
done
exit $status
