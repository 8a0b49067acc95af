#!/usr/bin/env bash
# Precision and recall of `glossalign annotate` against the hand-made gold
# annotations of the five seed articles (tests/data/gold/); fails below
# 0.98 for either. Prints both, strict (primary entry) and lenient (the
# gold entry is the primary or one of the alternatives of an ambiguous
# mention), and every span that differs.
set -euo pipefail
bin=$1
src=${GLA_SOURCE_DIR:-.}
db=${GLA_BINARY_DIR:-build}/glossary.db
[ -f "$db" ] || { echo "no bundled glossary at $db (build target glossary-db)"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export GLA_GOLD_OUT=$tmp
for seed in "$src"/corpus/seeds/*.txt; do
  n=$(basename "$seed" | cut -c1-3)
  "$bin" annotate --db "$db" --format json "$seed" > "$tmp/$n.json"
done
python3 - "$src/tests/data/gold" "$tmp" <<'PY'
import json, os, sys
gold_dir, out_dir = sys.argv[1], sys.argv[2]
tot = dict(sys=0, gold=0, strict=0, lenient=0)
diffs = []
for name in sorted(os.listdir(gold_dir)):
    if not name.endswith('.tsv'):
        continue
    n = name[:3]
    gold = {}
    for line in open(os.path.join(gold_dir, name), encoding='utf-8'):
        if line.startswith('#') or line.startswith('start\t') or not line.strip():
            continue
        f = line.rstrip('\n').split('\t')
        gold[(int(f[0]), int(f[1]))] = (f[3], f[2])
    system = {}
    for line in open(os.path.join(out_dir, n + '.json'), encoding='utf-8'):
        m = json.loads(line)
        system[(m['start'], m['end'])] = (m['entry'], m['alternatives'], m['surface'])
    s_ok = l_ok = 0
    for span, (ref, alts, surf) in system.items():
        g = gold.get(span)
        if g and g[0] == ref:
            s_ok += 1
            l_ok += 1
        elif g and g[0] in alts:
            l_ok += 1
            diffs.append('%s %d-%d %r: %s, gold %s (an alternative)' % (n, span[0], span[1], surf, ref, g[0]))
        elif g:
            diffs.append('%s %d-%d %r: %s, gold %s' % (n, span[0], span[1], surf, ref, g[0]))
        else:
            diffs.append('%s %d-%d %r: %s, not in the gold' % (n, span[0], span[1], surf, ref))
    for span, (ref, surf) in gold.items():
        if span not in system:
            diffs.append('%s %d-%d %r: gold %s, not found' % (n, span[0], span[1], surf, ref))
    tot['sys'] += len(system); tot['gold'] += len(gold)
    tot['strict'] += s_ok; tot['lenient'] += l_ok
for d in sorted(diffs):
    print('  ' + d)
def pr(k):
    p = tot[k] / tot['sys'] if tot['sys'] else 0.0
    r = tot[k] / tot['gold'] if tot['gold'] else 0.0
    return p, r
sp, sr = pr('strict'); lp, lr = pr('lenient')
print('annotate vs gold: %d mentions found, %d in the gold' % (tot['sys'], tot['gold']))
print('  strict:  precision %.4f  recall %.4f' % (sp, sr))
print('  lenient: precision %.4f  recall %.4f' % (lp, lr))
if lp < 0.98 or lr < 0.98:
    print('FAIL: precision and recall must both be at least 0.98')
    sys.exit(1)
PY
