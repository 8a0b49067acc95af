#!/usr/bin/env bash
# `annotate --format html` in headless Chromium: after the page's scripts
# ran, every mention is a highlighted <mark> of its kind, the concept
# table counts them, and opening the page with #select=<entry> fills the
# panel with that concept (all languages, statuses, notes). Keeps a
# screenshot in tests/artifacts/annotate.png.
set -euo pipefail
bin=$1
db=tests/data/match/fixture.sqlite
command -v chromium >/dev/null ||
  { echo "chromium is not installed (scripts/setup installs it)"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
check() { # description, then a command that must succeed
  local what=$1
  shift
  if "$@"; then echo "ok   $what"; else echo "FAIL $what"; fail=1; fi
}

cat > "$tmp/in.txt" <<'TXT'
Le général de corps d’armée HOANG Xuan Chien, vice-ministre de la Défense,
a reçu à Hanoi Andrey Belousov & <Andreï Beloussov>.

La DOC ; les hôpitaux de campagne des Nations unies ; le président.
TXT
"$bin" annotate --no-cache --db "$db" --format html --title 'Essai <html>' \
  "$tmp/in.txt" > "$tmp/page.html"
"$bin" annotate --no-cache --db "$db" "$tmp/in.txt" | tail -n +2 > "$tmp/mentions.tsv"
n_mentions=$(wc -l < "$tmp/mentions.tsv")

chrome() { # output options..., then the URL
  timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-quic \
    --no-first-run --disable-background-networking --disable-component-update \
    --disable-sync --user-data-dir="$(mktemp -d -p "$tmp")" "$@" 2>/dev/null
}
chrome --dump-dom "file://$tmp/page.html" > "$tmp/dom.html"
chrome --dump-dom "file://$tmp/page.html#select=person.hoang-xuan-chien" \
  > "$tmp/dom-select.html"
mkdir -p tests/artifacts
rm -f tests/artifacts/annotate.png
chrome --screenshot=tests/artifacts/annotate.png --window-size=1280,900 \
  "file://$tmp/page.html#select=person.hoang-xuan-chien" > /dev/null

python3 - "$tmp" "$n_mentions" <<'PY' || fail=1
import html.parser, sys
tmp, n_mentions = sys.argv[1], int(sys.argv[2])

class Dom(html.parser.HTMLParser):
    """The elements we look at, with their attributes and text."""
    def __init__(self):
        super().__init__()
        self.stack, self.marks, self.rows, self.panel = [], [], [], None
        self.body = {}
        self.cur = None
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == 'body':
            self.body = a
        el = {'tag': tag, 'attrs': a, 'text': ''}
        if tag == 'mark':
            self.marks.append(el)
        if tag == 'tr' and 'data-i' in a:
            self.rows.append(el)
        if tag == 'aside' and a.get('id') == 'panel':
            self.panel = el
        self.stack.append(el)
    def handle_endtag(self, tag):
        while self.stack:
            if self.stack.pop()['tag'] == tag:
                break
    def handle_data(self, data):
        for el in self.stack:
            el['text'] += data

def parse(name):
    d = Dom()
    d.feed(open('%s/%s' % (tmp, name), encoding='utf-8').read())
    return d

ok = True
def check(what, cond):
    global ok
    print(('ok   ' if cond else 'FAIL ') + what)
    ok &= bool(cond)

d = parse('dom.html')
check('the page script ran', d.body.get('data-ready') == '1')
check('one <mark> per mention (%d)' % n_mentions, len(d.marks) == n_mentions)
want = {l.split('\t')[2]: l.split('\t')[4] for l in
        open(tmp + '/mentions.tsv', encoding='utf-8')}
kinds = {}
for m in d.marks:
    cls = m['attrs'].get('class', '').split()
    kinds[m['text']] = [c[2:] for c in cls if c.startswith('k-')]
for surface, kind in want.items():
    check('"%s" highlighted as %s' % (surface, kind),
          kinds.get(surface) == [kind])
check('levels and glue marked in classes',
      any('lv-inflection' in m['attrs'].get('class', '') for m in d.marks))
check('the panel is hidden until asked', d.panel is not None and
      'hidden' in d.panel['attrs'])
counts = {r['attrs']['class'].split()[0]: r['text'] for r in d.rows}
check('the concept table has a row per concept',
      len(d.rows) == len({l.split('\t')[3] for l in
                          open(tmp + '/mentions.tsv', encoding='utf-8')}))
check('the table counts Andrei Belousov twice', any(
    'person.andrei-belousov' in r['text'] and r['text'].rstrip().endswith('2')
    for r in d.rows))
page = open(tmp + '/page.html', encoding='utf-8').read()
check('self-contained: no http(s) reference', 'http:' not in page and
      'https:' not in page and '<link' not in page and ' src=' not in page)
check('text and title escaped', 'Beloussov</mark>&gt;' in page and
      '&lt;<mark' in page and 'Essai &lt;html&gt;' in page and
      '<html>' not in page.split('<body>')[1])

s = parse('dom-select.html')
p = s.panel
check('#select opens the panel', p is not None and 'hidden' not in p['attrs']
      and p['attrs'].get('data-entry') == 'person.hoang-xuan-chien')
text = p['text'] if p else ''
for piece in ('Hoang Xuan Chien', 'Hoàng Xuân Chiến', 'person.hoang-xuan-chien',
              'preferred', 'vi', 'fr'):
    check('panel shows %r' % piece, piece in text)
sel = [m for m in s.marks if 'selected' in m['attrs'].get('class', '')]
check('an ambiguous mention lists its alternatives', any(
    m['text'] == 'président' and m['attrs'].get('data-alt') for m in d.marks))
check('the first mention is selected', len(sel) == 1 and
      sel[0]['text'] == 'HOANG Xuan Chien')
sys.exit(0 if ok else 1)
PY
check "screenshot kept in tests/artifacts/annotate.png" \
  test -s tests/artifacts/annotate.png
[ "$(head -c 8 tests/artifacts/annotate.png | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] ||
  { echo "FAIL the screenshot is not a PNG"; fail=1; }
exit $fail
