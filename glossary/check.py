#!/usr/bin/env python3
"""Validate the bundled glossary sources (glossary/*.tsv) and the seed
coverage checklist (tests/data/glossary-coverage.tsv).

Checks, per docs/TSV-FORMAT.md and glossary/README.md:
  - header: known column names only, entry/lang/term present, no duplicates;
  - values: entry id syntax, kind, status, type, pos, case, homonym, lang tag;
  - concept-level columns (kind, subject, definition, homonym) agree within
    an entry, across rows and files;
  - every row has a source; seed:NNN sources name an existing seed, and the
    term really occurs in that seed (case-insensitive, apostrophes and dashes
    unified; a match found only by ignoring spaces is reported);
  - Vietnamese terms are NFC and carry diacritics, unless they are acronyms,
    abbreviations, transliterations, the same foreign form as another
    language of the entry, or in the short hand-checked list below;
  - no duplicate (entry, lang, term); exactly one preferred term per
    (entry, lang);
  - rough K2 clash check: terms of different entries that fold to the same
    key (no diacritics, case-folded, spaces/-/' unified) in one language
    must both be marked homonym=yes;
  - coverage: every surface occurs verbatim in its seed, every entry exists,
    and the surface folds (with light French plural stripping) to a term of
    that entry.

Usage: python3 glossary/check.py [--root DIR]   (exit 1 on any error)
Standard library only.
"""
import argparse
import collections
import glob
import os
import re
import sys
import unicodedata

# entry_note is not in docs/TSV-FORMAT.md yet, but `glossalign export`
# writes it (a concept-level note), so a re-imported export stays valid.
COLUMNS = ['entry', 'kind', 'subject', 'definition', 'entry_note', 'homonym',
           'lang', 'term', 'status', 'type', 'pos', 'case', 'note', 'source']
CONCEPT_COLS = ['kind', 'subject', 'definition', 'entry_note', 'homonym']
COVERAGE_COLUMNS = ['seed', 'surface', 'entry']
KINDS = {'person', 'organization', 'place', 'rank', 'unit', 'event', 'term', 'acronym'}
STATUSES = {'preferred', 'admitted', 'deprecated', 'superseded', 'forbidden'}
TYPES = {'fullForm', 'acronym', 'abbreviation', 'shortForm', 'variant', 'transliteration'}
POSES = {'noun', 'properNoun', 'verb', 'adjective', 'adverb', 'other'}
CASES = {'sensitive', 'insensitive'}
ENTRY_RE = re.compile(r'^[a-z0-9][a-z0-9._-]*$')
LANG_RE = re.compile(r'^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$')
SEED_RE = re.compile(r'seed:(\d{3})')

# Vietnamese terms that are Vietnamese words yet need no diacritics; each one
# was checked by hand against the cited source.
# An ASCII word shaped like a Vietnamese syllable (initial, vowel cluster,
# final): a Vietnamese word written without its diacritics, unless listed.
VI_SYLLABLE = re.compile(r'^(?:ngh|ng|gh|gi|kh|nh|ph|qu|th|tr|ch|[bcdghklmnprstvx])?'
                         r'[aeiouy]{1,3}(?:ng|nh|ch|[cmnpt])?$', re.IGNORECASE)
VI_ASCII_OK = {'Nga', 'Nam Sudan', 'Nam Phi', 'Campuchia', 'Cam-pu-chia', 'Cu-ba'}

FOLD_EXTRA = {'đ': 'd', 'Đ': 'd', 'œ': 'oe', 'Œ': 'oe', 'æ': 'ae', 'Æ': 'ae',
              'ø': 'o', 'Ø': 'o', 'ł': 'l', 'Ł': 'l', 'ı': 'i', 'ß': 'ss',
              'ð': 'd', 'Ð': 'd'}
APOS = dict.fromkeys(map(ord, '\u2019\u2018\u02bc'), "'")
DASH = dict.fromkeys(map(ord, '\u2010\u2011\u2012\u2013\u2014\u2015\u2212'), '-')


def k0(s):
    """NFC, typographic apostrophes/dashes/spaces unified."""
    s = unicodedata.normalize('NFC', s)
    s = s.translate(APOS).translate(DASH)
    s = s.replace('\u00a0', ' ').replace('\u202f', ' ')
    return s


def k2(s):
    """Loose key: no marks, extra folds, case-folded, spaces/-/' collapsed."""
    s = k0(s)
    s = ''.join(FOLD_EXTRA.get(c, c) for c in s)
    s = unicodedata.normalize('NFD', s)
    s = ''.join(c for c in s if unicodedata.category(c) != 'Mn')
    s = s.casefold()
    s = re.sub(r"[\s\-']+", ' ', s).strip()
    return s


def stem_fr(key):
    """Light French plural stripping on a K2 key (per word)."""
    out = []
    for w in key.split(' '):
        if len(w) > 3 and w.endswith('aux') and not w.endswith('eaux'):
            w = w[:-3] + 'al'
        elif len(w) > 2 and w[-1] in 'sx':
            w = w[:-1]
        out.append(w)
    return ' '.join(out)


def unescape(field):
    out, i = [], 0
    while i < len(field):
        c = field[i]
        if c == '\\' and i + 1 < len(field) and field[i + 1] in 'tn\\':
            out.append({'t': '\t', 'n': '\n', '\\': '\\'}[field[i + 1]])
            i += 2
            continue
        out.append(c)
        i += 1
    return ''.join(out)


def seed_occurrence(term, lang, seed_text):
    """Where term occurs in a seed: 'exact' (case-insensitive, K0-unified),
    'spacing' (only when all spaces are ignored), 'inflected' (French plural
    on a word-by-word loose key), or '' when it does not occur."""
    hay = k0(seed_text).casefold()
    needle = k0(term).casefold()
    if needle in hay:
        return 'exact'
    if re.sub(r'\s+', '', needle) in re.sub(r'\s+', '', hay):
        return 'spacing'
    if lang == 'fr':
        words = ' ' + stem_fr(k2(seed_text)) + ' '
        if ' ' + stem_fr(k2(term)) + ' ' in words:
            return 'inflected'
    return ''


class Report:
    def __init__(self):
        self.errors = []
        self.warnings = []
        self.infos = []

    def err(self, where, msg):
        self.errors.append(f'{where}: {msg}')

    def warn(self, where, msg):
        self.warnings.append(f'{where}: {msg}')


def read_tsv(path, rep, columns=COLUMNS, required=('entry', 'lang', 'term')):
    rows = []
    with open(path, 'rb') as fh:
        data = fh.read()
    if data.startswith(b'\xef\xbb\xbf'):
        data = data[3:]
    try:
        text = data.decode('utf-8')
    except UnicodeDecodeError as e:
        rep.err(path, f'not UTF-8 at byte {e.start}')
        return [], []
    header = None
    for ln, line in enumerate(text.split('\n'), 1):
        line = line.rstrip('\r')
        if not line.strip() or line.startswith('#'):
            continue
        fields = line.split('\t')
        if header is None:
            header = fields
            unknown = [h for h in header if h not in columns]
            if unknown:
                rep.err(f'{path}:{ln}', f'unknown column(s) {unknown}')
            for req in required:
                if req not in header:
                    rep.err(f'{path}:{ln}', f'missing required column {req!r}')
            dups = [h for h, n in collections.Counter(header).items() if n > 1]
            if dups:
                rep.err(f'{path}:{ln}', f'duplicate column(s) {dups}')
            continue
        if len(fields) != len(header):
            rep.err(f'{path}:{ln}', f'{len(fields)} fields, header has {len(header)}')
            continue
        row = {h: unescape(v) for h, v in zip(header, fields)}
        row['_where'] = f'{os.path.relpath(path)}:{ln}'
        row['_file'] = os.path.basename(path)
        rows.append(row)
    return header or [], rows


def load_seeds(root):
    seeds = {}
    for p in sorted(glob.glob(os.path.join(root, 'corpus', 'seeds', '*.txt'))):
        num = os.path.basename(p)[:3]
        with open(p, encoding='utf-8') as fh:
            seeds[num] = fh.read()
    return seeds


def check_rows(rows, seeds, rep):
    concepts = {}
    seen_terms = set()
    by_entry_lang = collections.defaultdict(list)
    for r in rows:
        w = r['_where']
        entry, lang, term = r.get('entry', ''), r.get('lang', ''), r.get('term', '')
        if not ENTRY_RE.match(entry):
            rep.err(w, f'bad entry id {entry!r}')
        if not LANG_RE.match(lang):
            rep.err(w, f'bad lang tag {lang!r}')
        if not term.strip():
            rep.err(w, 'empty term')
        if term != term.strip() or '  ' in term:
            rep.err(w, f'stray spaces in term {term!r}')
        if unicodedata.normalize('NFC', term) != term:
            rep.err(w, f'term not NFC: {term!r}')
        kind = r.get('kind', '')
        if kind and kind not in KINDS:
            rep.err(w, f'bad kind {kind!r}')
        st = r.get('status', '') or 'admitted'
        if st not in STATUSES:
            rep.err(w, f'bad status {st!r}')
        ty = r.get('type', '') or 'fullForm'
        if ty not in TYPES:
            rep.err(w, f'bad type {ty!r}')
        pos = r.get('pos', '')
        if pos and pos not in POSES:
            rep.err(w, f'bad pos {pos!r}')
        case = r.get('case', '')
        if case and case not in CASES:
            rep.err(w, f'bad case {case!r}')
        hom = r.get('homonym', '')
        if hom not in ('', 'yes'):
            rep.err(w, f'bad homonym {hom!r}')
        if ty == 'acronym' and case == 'insensitive':
            rep.warn(w, f'acronym {term!r} marked case-insensitive')
        # concept-level agreement
        c = concepts.setdefault(entry, {'rows': [], 'cols': {}})
        c['rows'].append(r)
        for col in CONCEPT_COLS:
            v = r.get(col, '')
            if v == '':
                continue
            prev = c['cols'].get(col)
            if prev is None:
                c['cols'][col] = (v, w)
            elif prev[0] != v:
                rep.err(w, f'{col} {v!r} disagrees with {prev[0]!r} at {prev[1]}')
        # duplicates
        key = (entry, lang, term)
        if key in seen_terms:
            rep.err(w, f'duplicate (entry, lang, term) {key}')
        seen_terms.add(key)
        by_entry_lang[(entry, lang)].append(r)
        # source
        src = r.get('source', '')
        if not src.strip():
            rep.err(w, 'no source')
        for part in [x.strip() for x in src.split(';')]:
            if not part.startswith('seed:'):
                continue
            m = SEED_RE.fullmatch(part)
            if not m:
                rep.err(w, f'malformed seed source {part!r} (want seed:NNN)')
                continue
            num = m.group(1)
            if num not in seeds:
                rep.err(w, f'source names unknown seed:{num}')
                continue
            found = seed_occurrence(term, lang, seeds[num])
            if found == 'spacing':
                rep.infos.append(f'{w}: {term!r} occurs in seed:{num} only with '
                                 'different spacing (the seed has missing spaces)')
            elif found == 'inflected':
                rep.infos.append(f'{w}: {term!r} occurs in seed:{num} only inflected (plural)')
            elif not found:
                rep.err(w, f'{term!r} does not occur in seed:{num}')
    # entry-level: kind present; one preferred per (entry, lang)
    for entry, c in concepts.items():
        if 'kind' not in c['cols']:
            rep.warn(c['rows'][0]['_where'], f'{entry}: no kind given (defaults to term)')
    for (entry, lang), rs in by_entry_lang.items():
        pref = [r for r in rs if (r.get('status') or 'admitted') == 'preferred']
        if len(pref) != 1:
            rep.err(rs[0]['_where'], f'{entry} [{lang}]: {len(pref)} preferred terms (want 1)')
    # Vietnamese diacritics
    for entry, c in concepts.items():
        other = {r['term'] for r in c['rows'] if r['lang'] != 'vi'}
        for r in c['rows']:
            if r['lang'] != 'vi':
                continue
            t = r['term']
            if any(ord(ch) > 127 for ch in t):
                continue
            ty = r.get('type') or 'fullForm'
            if ty in ('acronym', 'abbreviation', 'transliteration'):
                continue
            words = [x for x in re.split(r"[\s\-.']+", t) if x]
            if not all(VI_SYLLABLE.match(x) for x in words) and t in other:
                continue  # a foreign form, spelt as in the other languages
            if t in VI_ASCII_OK:
                rep.infos.append(f"{r['_where']}: vi {t!r} is ASCII-only (hand-checked list)")
                continue
            rep.err(r['_where'], f'vi term {t!r} has no diacritics and is not a foreign form '
                    'of this entry')
    return concepts


def check_clashes(concepts, rep):
    index = collections.defaultdict(set)
    where = {}
    for entry, c in concepts.items():
        for r in c['rows']:
            k = (r['lang'], k2(r['term']))
            index[k].add(entry)
            where.setdefault((k, entry), r['_where'])
    declared = []
    for (lang, key), entries in sorted(index.items()):
        if len(entries) < 2:
            continue
        hom = [e for e in entries if concepts[e]['cols'].get('homonym', ('',))[0] == 'yes']
        names = ', '.join(sorted(entries))
        if len(hom) == len(entries):
            declared.append(f'[{lang}] {key!r}: {names}')
        else:
            missing = sorted(set(entries) - set(hom))
            rep.err(where[((lang, key), missing[0])],
                    f'[{lang}] K2 clash {key!r} between {names}; homonym=yes missing on {missing}')
    return declared


def check_coverage(path, concepts, seeds, rep):
    if not os.path.exists(path):
        rep.err(path, 'coverage checklist missing')
        return 0
    _, rows = read_tsv(path, rep, COVERAGE_COLUMNS, COVERAGE_COLUMNS)
    seen = set()
    for r in rows:
        w = r['_where']
        seed, surface, entry = r.get('seed', ''), r.get('surface', ''), r.get('entry', '')
        num = seed.replace('seed:', '')
        if num not in seeds:
            rep.err(w, f'unknown seed {seed!r}')
            continue
        if surface not in seeds[num]:
            rep.err(w, f'surface {surface!r} does not occur verbatim in {seed}')
        if entry not in concepts:
            rep.err(w, f'entry {entry!r} not in the glossary')
            continue
        if (seed, surface, entry) in seen:
            rep.err(w, f'duplicate row {(seed, surface, entry)}')
        seen.add((seed, surface, entry))
        sk = k2(surface)
        keys = {k2(t['term']) for t in concepts[entry]['rows']}
        if sk in keys or stem_fr(sk) in {stem_fr(k) for k in keys}:
            continue
        rep.err(w, f'surface {surface!r} folds to no term of {entry}')
    return len(rows)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--root', default=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    args = ap.parse_args()
    root = args.root
    rep = Report()
    seeds = load_seeds(root)
    files = sorted(glob.glob(os.path.join(root, 'glossary', '*.tsv')))
    if not files:
        print('no glossary/*.tsv found', file=sys.stderr)
        return 1
    all_rows = []
    per_file = {}
    for p in files:
        _, rows = read_tsv(p, rep)
        per_file[os.path.basename(p)] = rows
        all_rows.extend(rows)
    concepts = check_rows(all_rows, seeds, rep)
    declared = check_clashes(concepts, rep)

    cov_path = os.path.join(root, 'tests', 'data', 'glossary-coverage.tsv')
    ncov = check_coverage(cov_path, concepts, seeds, rep)

    # summary
    print('glossary check')
    print(f'  files: {len(files)}, rows (terms): {len(all_rows)}, concepts: {len(concepts)}')
    for name, rows in per_file.items():
        ents = collections.OrderedDict()
        for r in rows:
            ents.setdefault(r['entry'], r.get('kind') or 'term')
        kinds = collections.Counter(ents.values())
        langs = collections.Counter(r['lang'] for r in rows)
        print(f'  {name}: {len(ents)} concepts, {len(rows)} terms; kinds '
              + ', '.join(f'{k} {n}' for k, n in sorted(kinds.items()))
              + '; langs ' + ', '.join(f'{k} {n}' for k, n in sorted(langs.items())))
    for lang in ('vi', 'fr', 'en'):
        missing = sorted(e for e, c in concepts.items()
                         if not any(r['lang'] == lang for r in c['rows']))
        print(f'  concepts without a {lang} term: {len(missing)}'
              + (f" ({', '.join(missing)})" if missing else ''))
    print(f'  coverage rows: {ncov}')
    print(f'  declared homonym clashes (K2): {len(declared)}')
    for d in declared:
        print('    ' + d)
    for i in rep.infos:
        print('  info: ' + i)
    for wmsg in rep.warnings:
        print('  warning: ' + wmsg)
    for e in rep.errors:
        print('  ERROR: ' + e)
    print(f'  {len(rep.errors)} error(s), {len(rep.warnings)} warning(s)')
    return 1 if rep.errors else 0


if __name__ == '__main__':
    sys.exit(main())
