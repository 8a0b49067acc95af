/*
 * Sentence alignment: Gale & Church's length-based dynamic programme over
 * beads 1-1, 1-2, 2-1, 1-0, 0-1, restricted to a band around the diagonal,
 * with anchor terms (shared glossary concepts, numbers, capitalised names)
 * that lower the cost of beads whose two sides agree, and a cost for beads
 * whose sides hold different numbers of sentences.
 */
#include <glossalign/align.h>
#include <glossalign/normalize.h>
#include <glossalign/tokenize.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

void gla_beads_dispose(gla_beads *b)
{
    if (!b)
        return;
    free(b->v);
    b->v = NULL;
    b->n = b->cap = 0;
}

static int beads_push(gla_beads *b, size_t s, size_t ns, size_t t, size_t nt,
                      double cost)
{
    if (b->n == b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 64;
        gla_bead *p = realloc(b->v, cap * sizeof *p);
        if (!p)
            return GLA_ENOMEM;
        b->v = p;
        b->cap = cap;
    }
    b->v[b->n++] = (gla_bead){s, ns, t, nt, cost};
    return GLA_OK;
}

/* ---- anchors ----------------------------------------------------------- */

/* A sorted set of anchor hashes per sentence, all in one array. */
typedef struct anchors {
    uint64_t *h;  /* hashes, sentence after sentence, each run sorted */
    size_t *off;  /* n + 1 offsets into h */
    size_t n;     /* sentences */
    size_t cap;   /* allocated hashes */
    size_t len;   /* hashes in use */
} anchors;

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
    const unsigned char *u = p;
    for (size_t i = 0; i < n; i++) {
        h ^= u[i];
        h *= 0x100000001b3ull;
    }
    return h;
}

static int anch_add(anchors *a, uint64_t h)
{
    if (a->len == a->cap) {
        size_t cap = a->cap ? a->cap * 2 : 256;
        uint64_t *p = realloc(a->h, cap * sizeof *p);
        if (!p)
            return GLA_ENOMEM;
        a->h = p;
        a->cap = cap;
    }
    a->h[a->len++] = h;
    return GLA_OK;
}

static int cmp_u64(const void *x, const void *y)
{
    uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
    return a < b ? -1 : a > b;
}

/* Sort a sentence's run and drop duplicates. */
static void anch_close(anchors *a, size_t from)
{
    if (a->len - from < 2)
        return;
    qsort(a->h + from, a->len - from, sizeof *a->h, cmp_u64);
    size_t w = from;
    for (size_t i = from; i < a->len; i++)
        if (w == from || a->h[w - 1] != a->h[i])
            a->h[w++] = a->h[i];
    a->len = w;
}

typedef struct side {
    const char *text;     /* the document */
    size_t len;           /* its length */
    const gla_span *sent; /* sentences */
    size_t n;             /* how many */
    const gla_matcher *m; /* for concept anchors, or NULL */
} side;

/* Strong anchors (`a`): numbers of two digits or more, capitalised words
 * past the first (names), glossary concepts. Weak ones (`wk`): the first
 * four letters of longer words (cognates: parlement/parliament) and
 * question marks, exclamation marks, colons, quotes and brackets. */
static int side_anchors(anchors *a, anchors *wk, anchors *wd, const side *sd,
                        gla_tokenizer *tk, gla_tokens *toks,
                        gla_normalizer *nz, gla_scanner *sc)
{
    a->n = wk->n = wd->n = sd->n;
    a->off = malloc((sd->n + 1) * sizeof *a->off);
    wk->off = malloc((sd->n + 1) * sizeof *wk->off);
    wd->off = malloc((sd->n + 1) * sizeof *wd->off);
    if (!a->off || !wk->off || !wd->off)
        return GLA_ENOMEM;
    for (size_t i = 0; i < sd->n; i++) {
        a->off[i] = a->len;
        wk->off[i] = wk->len;
        wd->off[i] = wd->len;
        const char *s = sd->text + sd->sent[i].start;
        size_t n = sd->sent[i].end - sd->sent[i].start;
        int rc = gla_tokenize(toks, tk, s, n);
        if (rc != GLA_OK)
            return rc;
        for (size_t t = 0; t < toks->n; t++) {
            const gla_token *tok = &toks->v[t];
            if (tok->flags & GLA_TOK_PART)
                continue;
            if (tok->flags & GLA_TOK_NUMBER) {
                char d[40];
                size_t k = 0;
                for (size_t j = tok->start; j < tok->end && k < sizeof d; j++)
                    if (s[j] >= '0' && s[j] <= '9')
                        d[k++] = s[j];
                /* small numbers are spelt out as often as not */
                if (k >= 2 && (rc = anch_add(a, fnv(0xcbf29ce484222325ull ^ 'N',
                                                    d, k))) != GLA_OK)
                    return rc;
                continue;
            }
            if (tok->flags & GLA_TOK_PUNCT) {
                unsigned char ch = (unsigned char)s[tok->start];
                size_t pn = tok->end - tok->start;
                int cls = ch == '?' ? 1 : ch == '!' ? 2 : ch == ':' ? 3
                        : ch == '(' ? 4 : ch == '"' ? 5
                        : (pn == 2 && (memcmp(s + tok->start, "\xC2\xAB", 2) == 0 ||
                                       memcmp(s + tok->start, "\xC2\xBB", 2) == 0)) ? 5
                        : (pn == 3 && memcmp(s + tok->start, "\xE2\x80", 2) == 0 &&
                           ((unsigned char)s[tok->start + 2] == 0x9C ||
                            (unsigned char)s[tok->start + 2] == 0x9D)) ? 5
                        : 0;
                if (cls && (rc = anch_add(wk, fnv(0xcbf29ce484222325ull ^ 'P',
                                                   &cls, sizeof cls))) != GLA_OK)
                    return rc;
                continue;
            }
            if ((tok->flags & GLA_TOK_WORD) && !(tok->flags & GLA_TOK_ELISION)) {
                gla_key key;
                if (gla_token_key(&key, nz, GLA_K2, s, tok) != GLA_OK)
                    continue;
                if (key.len >= 5 &&
                    (rc = anch_add(wk, fnv(0xcbf29ce484222325ull ^ 'X', key.s,
                                           4))) != GLA_OK)
                    return rc;
                if ((rc = anch_add(wd, fnv(0xcbf29ce484222325ull ^ 'L', key.s,
                                           key.len))) != GLA_OK)
                    return rc;
            }
            /* capitalised words past the first: names */
            if (t == 0 || !(tok->flags & GLA_TOK_WORD) ||
                !(tok->flags & (GLA_TOK_CAPITALIZED | GLA_TOK_ALLCAPS)) ||
                tok->end - tok->start < 3)
                continue;
            gla_key key;
            if (gla_token_key(&key, nz, GLA_K2, s, tok) != GLA_OK)
                continue;
            if ((rc = anch_add(a, fnv(0xcbf29ce484222325ull ^ 'W', key.s,
                                      key.len))) != GLA_OK)
                return rc;
        }
        if (sc) {
            gla_scanner_reset(sc);
            if ((rc = gla_scanner_feed(sc, s, n, 1)) != GLA_OK)
                return rc;
            gla_mention m;
            while (gla_scanner_next(&m, sc) == GLA_OK) {
                gla_match_entry e;
                if (gla_matcher_entry(&e, sd->m, m.entry) != GLA_OK)
                    continue;
                rc = anch_add(a, fnv(0xcbf29ce484222325ull ^ 'C', e.ref,
                                     strlen(e.ref)));
                if (rc != GLA_OK)
                    return rc;
            }
        }
        anch_close(a, a->off[i]);
        anch_close(wk, wk->off[i]);
        anch_close(wd, wd->off[i]);
    }
    a->off[sd->n] = a->len;
    wk->off[sd->n] = wk->len;
    wd->off[sd->n] = wd->len;
    return GLA_OK;
}

/* The anchors of sentences [i, i+n) (n is 0, 1 or 2) as one sorted run,
 * duplicates kept, at most 512: a single sentence's run in place, two
 * merged into `buf`. */
static size_t anch_gather(const anchors *a, size_t i, size_t n, uint64_t *buf,
                          const uint64_t **out)
{
    if (n == 0) {
        *out = buf;
        return 0;
    }
    const uint64_t *x = a->h + a->off[i];
    size_t nx = a->off[i + 1] - a->off[i];
    if (n == 1) {
        *out = x;
        return nx < 512 ? nx : 512;
    }
    const uint64_t *y = a->h + a->off[i + 1];
    size_t ny = a->off[i + 2] - a->off[i + 1], k = 0, p = 0, q = 0;
    while (k < 512 && (p < nx || q < ny))
        buf[k++] = q == ny || (p < nx && x[p] <= y[q]) ? x[p++] : y[q++];
    *out = buf;
    return k;
}

/* Shared and total anchors of sentences [i, i+ni) and [j, j+nj): the size
 * of the multiset intersection and the sum of both sizes. */
static void anch_compare(const anchors *a, size_t i, size_t ni,
                         const anchors *b, size_t j, size_t nj,
                         size_t *shared, size_t *total)
{
    uint64_t ba[512], bb[512];
    const uint64_t *ua, *ub;
    size_t na = anch_gather(a, i, ni, ba, &ua);
    size_t nb = anch_gather(b, j, nj, bb, &ub);
    size_t sh = 0, x = 0, y = 0;
    while (x < na && y < nb) {
        if (ua[x] == ub[y]) {
            sh++;
            x++;
            y++;
        } else if (ua[x] < ub[y]) {
            x++;
        } else {
            y++;
        }
    }
    *shared = sh;
    *total = na + nb;
}

/* ---- the dynamic programme -------------------------------------------- */

/* Length of a span for the length model: its characters (code points)
 * but white space and combining marks, so that decomposed Vietnamese, or
 * text with a space before each tone mark, measures as its composed form. */
static size_t chars(const char *s, gla_span sp)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t n = 0;
    for (size_t i = sp.start; i < sp.end; i++) {
        unsigned c = u[i];
        if ((c & 0xC0) == 0x80 || c == ' ' || (c >= '\t' && c <= '\r'))
            continue;
        /* U+0300-U+036F: CC 80 - CD AF */
        if (c == 0xCC || (c == 0xCD && i + 1 < sp.end && u[i + 1] <= 0xAF))
            continue;
        /* U+00A0 no-break space, U+202F narrow no-break space */
        if ((c == 0xC2 && i + 1 < sp.end && u[i + 1] == 0xA0) ||
            (c == 0xE2 && i + 2 < sp.end && u[i + 1] == 0x80 &&
             u[i + 2] == 0xAF))
            continue;
        n++;
    }
    return n;
}

enum { B11, B12, B21, B10, B01, NBEAD };
static const int bead_ns[NBEAD] = {1, 1, 2, 1, 0};
static const int bead_nt[NBEAD] = {1, 2, 1, 0, 1};
/* -log of the bead priors. Gale & Church's (0.89 for 1-1, 0.089 for 1-2
 * and 2-1, 0.0099 for 1-0 and 0-1) undercount omissions, which news
 * translation has as often as merges; these are 0.86 for 1-1 and 0.035
 * for each of 1-2, 2-1, 1-0 and 0-1. */
static const double bead_prior[NBEAD] = {0.150823, 3.352407, 3.352407,
                                         3.352407, 3.352407};

static double length_cost(double l1, double l2, double ratio, double var)
{
    if (l1 == 0 && l2 == 0)
        return 0;
    double mean = (l1 + l2 / ratio) / 2;
    if (mean < 1)
        mean = 1;
    double delta = (l1 * ratio - l2) / sqrt(mean * var);
    double p = erfc(fabs(delta) / sqrt(2.0));
    if (p < 1e-300)
        p = 1e-300;
    return -log(p);
}

/* ---- a lexicon learnt from a first pass ---------------------------------- */

/* Co-occurrence of a source and a target word over 1-1 beads. */
typedef struct lexcell {
    uint64_t s, t; /* word hashes (s == 0: empty slot) */
    size_t n;      /* beads with both */
} lexcell;

typedef struct lexmap {
    lexcell *v; /* slots */
    size_t cap; /* a power of two */
    size_t n;   /* used */
} lexmap;

static size_t lex_slot(uint64_t s, uint64_t t, size_t mask)
{
    uint64_t h = s * 0x9E3779B97F4A7C15ull ^ (t + (t << 17));
    h ^= h >> 31;
    return (size_t)h & mask;
}

static int lex_add(lexmap *m, uint64_t s, uint64_t t)
{
    if ((m->n + 1) * 2 > m->cap) {
        size_t cap = m->cap ? m->cap * 2 : 4096;
        lexcell *v = calloc(cap, sizeof *v);
        if (!v)
            return GLA_ENOMEM;
        for (size_t i = 0; i < m->cap; i++) {
            if (!m->v[i].s)
                continue;
            size_t j = lex_slot(m->v[i].s, m->v[i].t, cap - 1);
            while (v[j].s)
                j = (j + 1) & (cap - 1);
            v[j] = m->v[i];
        }
        free(m->v);
        m->v = v;
        m->cap = cap;
    }
    size_t j = lex_slot(s, t, m->cap - 1);
    while (m->v[j].s && (m->v[j].s != s || m->v[j].t != t))
        j = (j + 1) & (m->cap - 1);
    if (!m->v[j].s) {
        m->v[j].s = s;
        m->v[j].t = t;
        m->n++;
    }
    m->v[j].n++;
    return GLA_OK;
}

/* In how many of the listed sentences each word occurs. */
typedef struct wcount {
    uint64_t h; /* word */
    size_t n;   /* sentences */
} wcount;

static int cmp_wcount(const void *x, const void *y)
{
    uint64_t a = ((const wcount *)x)->h, b = ((const wcount *)y)->h;
    return a < b ? -1 : a > b;
}

static size_t wc_find(const wcount *v, size_t n, uint64_t h)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (v[mid].h < h)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && v[lo].h == h ? v[lo].n : 0;
}

static int count_words(wcount **out, size_t *nout, const anchors *wd,
                       const size_t *rows, size_t nrows)
{
    size_t total = 0;
    for (size_t r = 0; r < nrows; r++)
        total += wd->off[rows[r] + 1] - wd->off[rows[r]];
    wcount *v = malloc((total ? total : 1) * sizeof *v);
    if (!v)
        return GLA_ENOMEM;
    size_t k = 0;
    for (size_t r = 0; r < nrows; r++)
        for (size_t i = wd->off[rows[r]]; i < wd->off[rows[r] + 1]; i++)
            v[k++] = (wcount){wd->h[i], 1};
    if (k > 1)
        qsort(v, k, sizeof *v, cmp_wcount);
    size_t w = 0;
    for (size_t i = 0; i < k; i++) {
        if (w && v[w - 1].h == v[i].h)
            v[w - 1].n++;
        else
            v[w++] = v[i];
    }
    *out = v;
    *nout = w;
    return GLA_OK;
}

/* A translation pair of the lexicon, seen from one side. */
typedef struct lexpair {
    uint64_t key; /* the word of this side */
    uint64_t id;  /* the pair's anchor hash */
} lexpair;

static int cmp_lexpair(const void *x, const void *y)
{
    uint64_t a = ((const lexpair *)x)->key, b = ((const lexpair *)y)->key;
    return a < b ? -1 : a > b;
}

/* Lexical anchors: each sentence gets the ids of the lexicon pairs whose
 * word it holds on its side. */
static int lex_anchors(anchors *out, const anchors *wd, const lexpair *lp,
                       size_t n)
{
    out->n = wd->n;
    out->off = malloc((wd->n + 1) * sizeof *out->off);
    if (!out->off)
        return GLA_ENOMEM;
    for (size_t i = 0; i < wd->n; i++) {
        out->off[i] = out->len;
        for (size_t k = wd->off[i]; k < wd->off[i + 1]; k++) {
            size_t lo = 0, hi = n;
            while (lo < hi) {
                size_t mid = (lo + hi) / 2;
                if (lp[mid].key < wd->h[k])
                    lo = mid + 1;
                else
                    hi = mid;
            }
            for (; lo < n && lp[lo].key == wd->h[k]; lo++)
                if (anch_add(out, lp[lo].id) != GLA_OK)
                    return GLA_ENOMEM;
        }
        anch_close(out, out->off[i]);
    }
    out->off[wd->n] = out->len;
    return GLA_OK;
}

/* Learn word translations from the 1-1 beads of a first pass (Dice of at
 * least 0.3 over three beads or more, neither word in more than 10% of
 * them) and turn them into anchors. Word
 * hashes are never 0 in practice; a 0 would only lose that word. */
static int learn_lexicon(anchors *xs, anchors *xt, const gla_beads *b,
                         const anchors *wds, const anchors *wdt)
{
    size_t *rs = calloc(b->n + 1, sizeof *rs);
    size_t *rt = calloc(b->n + 1, sizeof *rt);
    wcount *cs = NULL, *ct = NULL;
    size_t ncs = 0, nct = 0, nr = 0;
    lexmap m = {NULL, 0, 0};
    lexpair *ps = NULL, *pt = NULL;
    int rc = rs && rt ? GLA_OK : GLA_ENOMEM;
    for (size_t i = 0; rc == GLA_OK && i < b->n; i++)
        if (b->v[i].n_src == 1 && b->v[i].n_tgt == 1) {
            rs[nr] = b->v[i].src;
            rt[nr++] = b->v[i].tgt;
        }
    if (rc == GLA_OK)
        rc = count_words(&cs, &ncs, wds, rs, nr);
    if (rc == GLA_OK)
        rc = count_words(&ct, &nct, wdt, rt, nr);
    for (size_t r = 0; rc == GLA_OK && r < nr; r++)
        for (size_t i = wds->off[rs[r]];
             rc == GLA_OK && i < wds->off[rs[r] + 1]; i++)
            for (size_t j = wdt->off[rt[r]];
                 rc == GLA_OK && j < wdt->off[rt[r] + 1]; j++)
                if (wds->h[i])
                    rc = lex_add(&m, wds->h[i], wdt->h[j]);
    size_t np = 0;
    if (rc == GLA_OK) {
        ps = malloc((m.n + 1) * sizeof *ps);
        pt = malloc((m.n + 1) * sizeof *pt);
        if (!ps || !pt)
            rc = GLA_ENOMEM;
    }
    for (size_t i = 0; rc == GLA_OK && i < m.cap; i++) {
        const lexcell *c = &m.v[i];
        if (!c->s || c->n < 3)
            continue;
        double a = (double)wc_find(cs, ncs, c->s);
        double z = (double)wc_find(ct, nct, c->t);
        /* words in more than one sentence in ten are function words: they
         * pair with everything and slow every comparison. (French je /
         * Vietnamese tôi, at 5-10%, still tell sentences apart.) */
        if (a <= 0 || z <= 0 || a * 10 > (double)nr || z * 10 > (double)nr)
            continue;
        double dice = 2.0 * (double)c->n / (a + z);
        if (dice < 0.3)
            continue;
        uint64_t id = fnv(0xcbf29ce484222325ull ^ 'P', &c->s, sizeof c->s);
        id = fnv(id, &c->t, sizeof c->t);
        ps[np] = (lexpair){c->s, id};
        pt[np] = (lexpair){c->t, id};
        np++;
    }
    if (rc == GLA_OK) {
        if (np > 1) {
            qsort(ps, np, sizeof *ps, cmp_lexpair);
            qsort(pt, np, sizeof *pt, cmp_lexpair);
        }
        rc = lex_anchors(xs, wds, ps, np);
    }
    if (rc == GLA_OK)
        rc = lex_anchors(xt, wdt, pt, np);
    free(rs);
    free(rt);
    free(cs);
    free(ct);
    free(m.v);
    free(ps);
    free(pt);
    return rc;
}

/* ---- sentences per segment ----------------------------------------------- */

/* How many sentences each segment holds (at most 15), by the rules common
 * to all languages; *multi gets how many segments hold more than one.
 * Text that is not UTF-8 counts as one sentence. */
static int seg_sentences(unsigned char *cnt, size_t *multi, const char *text,
                         const gla_span *sp, size_t n)
{
    gla_spans v = GLA_SPANS_INIT;
    *multi = 0;
    for (size_t i = 0; i < n; i++) {
        int rc = gla_sentences(&v, NULL, text + sp[i].start,
                               sp[i].end - sp[i].start);
        if (rc == GLA_ENOMEM) {
            gla_spans_dispose(&v);
            return rc;
        }
        size_t k = rc == GLA_OK ? v.n : 1;
        cnt[i] = (unsigned char)(k < 1 ? 1 : k > 15 ? 15 : k);
        if (cnt[i] > 1)
            (*multi)++;
    }
    gla_spans_dispose(&v);
    return GLA_OK;
}

/* ---- the programme itself ------------------------------------------------ */

typedef struct dpin {
    size_t ns, nt;          /* sentences */
    const size_t *ls;       /* source lengths in characters */
    const size_t *lt;       /* target lengths */
    double ratio, var;      /* length model */
    const anchors *as, *at; /* strong anchors */
    const anchors *ws, *wt; /* weak anchors */
    const anchors *xs, *xt; /* lexical anchors, or NULL */
    const unsigned char *cs, *ct; /* sentences in each segment, or NULL */
    double cw;              /* cost per sentence of difference */
    double w, ww, xw;       /* their weights */
    const size_t *lo, *hi;  /* the band */
    size_t width;           /* its widest row */
    double *cost;           /* (ns + 1) * width */
    unsigned char *back;    /* (ns + 1) * width */
} dpin;

static int dp(gla_beads *out, const dpin *d)
{
    out->n = 0;
    size_t width = d->width;
    const size_t *lo = d->lo, *hi = d->hi;
    double *cost = d->cost;
    unsigned char *back = d->back;
#define CELL(i, j) ((i) * width + ((j) - lo[i]))
#define INBAND(i, j) ((j) >= lo[i] && (j) <= hi[i])
    for (size_t i = 0; i <= d->ns; i++) {
        for (size_t j = lo[i]; j <= hi[i]; j++) {
            double best = HUGE_VAL;
            unsigned char bb = 255;
            if (i == 0 && j == 0)
                best = 0;
            for (int b = 0; b < NBEAD; b++) {
                size_t di = (size_t)bead_ns[b], dj = (size_t)bead_nt[b];
                if (i < di || j < dj)
                    continue;
                size_t pi = i - di, pj = j - dj;
                if (!INBAND(pi, pj))
                    continue;
                double prev = cost[CELL(pi, pj)];
                if (prev == HUGE_VAL)
                    continue;
                double l1 = 0, l2 = 0;
                for (size_t k = pi; k < i; k++)
                    l1 += (double)d->ls[k];
                for (size_t k = pj; k < j; k++)
                    l2 += (double)d->lt[k];
                /* an omitted sentence costs its prior only: measured
                 * against an empty side, every long sentence would look
                 * impossible and be glued to a neighbour instead */
                double c = prev + bead_prior[b];
                if (di && dj)
                    c += length_cost(l1, l2, d->ratio, d->var);
                if (di && dj && d->cs) {
                    int n1 = 0, n2 = 0;
                    for (size_t k = pi; k < i; k++)
                        n1 += d->cs[k];
                    for (size_t k = pj; k < j; k++)
                        n2 += d->ct[k];
                    c += d->cw * (double)(n1 > n2 ? n1 - n2 : n2 - n1);
                }
                size_t sh, tot;
                anch_compare(d->as, pi, di, d->at, pj, dj, &sh, &tot);
                if (tot)
                    c += d->w * ((double)(tot - 2 * sh) / 2.0 - (double)sh);
                if (di && dj) {
                    anch_compare(d->ws, pi, di, d->wt, pj, dj, &sh, &tot);
                    if (tot)
                        c -= d->ww * 2.0 * (double)sh / (double)tot;
                    if (d->xs) {
                        anch_compare(d->xs, pi, di, d->xt, pj, dj, &sh,
                                     &tot);
                        if (tot)
                            c -= d->xw * 2.0 * (double)sh / (double)tot;
                    }
                }
                if (c < best) {
                    best = c;
                    bb = (unsigned char)b;
                }
            }
            cost[CELL(i, j)] = best;
            back[CELL(i, j)] = bb;
        }
    }
    if (!INBAND(d->ns, d->nt) || cost[CELL(d->ns, d->nt)] == HUGE_VAL)
        return GLA_EINTERNAL;
    size_t i = d->ns, j = d->nt;
    while (i > 0 || j > 0) {
        unsigned char b = back[CELL(i, j)];
        if (b >= NBEAD)
            return GLA_EINTERNAL;
        size_t pi = i - (size_t)bead_ns[b], pj = j - (size_t)bead_nt[b];
        double c = cost[CELL(i, j)] - cost[CELL(pi, pj)];
        int rc = beads_push(out, pi, (size_t)bead_ns[b], pj,
                            (size_t)bead_nt[b], c);
        if (rc != GLA_OK)
            return rc;
        i = pi;
        j = pj;
    }
#undef CELL
#undef INBAND
    for (size_t a = 0, z = out->n ? out->n - 1 : 0; a < z; a++, z--) {
        gla_bead t = out->v[a];
        out->v[a] = out->v[z];
        out->v[z] = t;
    }
    return GLA_OK;
}

/* Narrow the band to PATH_BAND columns either side of the path of `b`
 * (inside the band it had): the second pass only corrects the first one
 * locally, and is that much faster. The path itself stays inside, so the
 * corners are still joined. */
#define PATH_BAND 50

static void narrow_band(size_t *lo, size_t *hi, size_t ns,
                        const gla_beads *b)
{
    /* the columns the path takes in each row */
    size_t *plo = malloc((ns + 1) * sizeof *plo);
    size_t *phi = malloc((ns + 1) * sizeof *phi);
    if (!plo || !phi) {
        /* keep the wide band: slower, and the same path in practice */
        free(plo);
        free(phi);
        return;
    }
    for (size_t r = 0; r <= ns; r++) {
        plo[r] = SIZE_MAX;
        phi[r] = 0;
    }
    plo[0] = phi[0] = 0;
    size_t i = 0, j = 0;
    for (size_t k = 0; k < b->n; k++) {
        size_t i2 = i + b->v[k].n_src, j2 = j + b->v[k].n_tgt;
        /* a bead from (i, j) to (i2, j2) crosses rows i..i2 */
        for (size_t r = i; r <= i2; r++) {
            size_t a = r == i2 ? j2 : j, z = r == i ? j : j2;
            if (a < plo[r])
                plo[r] = a;
            if (z > phi[r])
                phi[r] = z;
        }
        i = i2;
        j = j2;
    }
    for (size_t r = 0; r <= ns; r++) {
        if (plo[r] == SIZE_MAX) /* every row is on the path */
            continue;
        size_t a = plo[r] > PATH_BAND ? plo[r] - PATH_BAND : 0;
        size_t z = phi[r] + PATH_BAND;
        if (a > lo[r])
            lo[r] = a;
        if (z < hi[r])
            hi[r] = z;
    }
    free(plo);
    free(phi);
}

int gla_align(gla_beads *out, const char *src, size_t src_len,
              const gla_span *ss, size_t ns, const char *tgt, size_t tgt_len,
              const gla_span *ts, size_t nt, const gla_align_opts *o)
{
    if (!out || (ns && (!ss || !src)) || (nt && (!ts || !tgt)) ||
        (o && o->version != GLA_ALIGN_OPTS_VERSION))
        return GLA_EINVAL;
    for (size_t i = 0; i < ns; i++)
        if (ss[i].start > ss[i].end || ss[i].end > src_len)
            return GLA_EINVAL;
    for (size_t i = 0; i < nt; i++)
        if (ts[i].start > ts[i].end || ts[i].end > tgt_len)
            return GLA_EINVAL;
    out->n = 0;

    int rc = GLA_OK;
    size_t *ls = malloc((ns + 1) * sizeof *ls);
    size_t *lt = malloc((nt + 1) * sizeof *lt);
    anchors as = {0}, at = {0}, ws = {0}, wt = {0}, ds = {0}, dt = {0};
    anchors xs = {0}, xt = {0};
    gla_tokenizer *tk = NULL;
    gla_normalizer *nz = NULL;
    gla_tokens toks = GLA_TOKENS_INIT;
    gla_scanner *scs = NULL, *sct = NULL;
    double *cost = NULL;
    unsigned char *back = NULL;
    unsigned char *cs = NULL, *ct = NULL;
    size_t *lo = NULL, *hi = NULL;
    if (!ls || !lt) {
        rc = GLA_ENOMEM;
        goto done;
    }
    double sum_s = 0, sum_t = 0;
    for (size_t i = 0; i < ns; i++)
        sum_s += (double)(ls[i] = chars(src, ss[i]));
    for (size_t i = 0; i < nt; i++)
        sum_t += (double)(lt[i] = chars(tgt, ts[i]));

    if ((rc = gla_tokenizer_new(&tk)) != GLA_OK ||
        (rc = gla_normalizer_new(&nz)) != GLA_OK)
        goto done;
    if (o && o->src_m && o->tgt_m) {
        if ((rc = gla_scanner_new(&scs, o->src_m, NULL)) != GLA_OK ||
            (rc = gla_scanner_new(&sct, o->tgt_m, NULL)) != GLA_OK)
            goto done;
    }
    side sa = {src, src_len, ss, ns, o ? o->src_m : NULL};
    side sb = {tgt, tgt_len, ts, nt, o ? o->tgt_m : NULL};
    if ((rc = side_anchors(&as, &ws, &ds, &sa, tk, &toks, nz, scs)) !=
            GLA_OK ||
        (rc = side_anchors(&at, &wt, &dt, &sb, tk, &toks, nz, sct)) != GLA_OK)
        goto done;

    /* the band: for row i, columns around i * nt / ns */
    size_t band = 50 + (ns > nt ? ns - nt : nt - ns);
    size_t big = ns > nt ? ns : nt;
    if (band < big / 10)
        band = big / 10;
    lo = malloc((ns + 1) * sizeof *lo);
    hi = malloc((ns + 1) * sizeof *hi);
    if (!lo || !hi) {
        rc = GLA_ENOMEM;
        goto done;
    }
    size_t width = 0;
    for (size_t i = 0; i <= ns; i++) {
        size_t c = ns ? (size_t)((double)i * (double)nt / (double)ns) : nt;
        lo[i] = c > band ? c - band : 0;
        hi[i] = c + band < nt ? c + band : nt;
    }
    /* rows 0 and ns must reach the corners */
    lo[0] = 0;
    hi[ns] = nt;
    for (size_t i = 0; i <= ns; i++)
        if (hi[i] - lo[i] + 1 > width)
            width = hi[i] - lo[i] + 1;
    if ((ns + 1) > SIZE_MAX / width / sizeof(double)) {
        rc = GLA_ENOMEM;
        goto done;
    }
    cost = malloc((ns + 1) * width * sizeof *cost);
    back = malloc((ns + 1) * width);
    if (!cost || !back) {
        rc = GLA_ENOMEM;
        goto done;
    }
    dpin d;
    d.ns = ns;
    d.nt = nt;
    d.ls = ls;
    d.lt = lt;
    d.ratio = sum_s > 0 && sum_t > 0 ? sum_t / sum_s : 1.0;
    d.var = 6.8 * d.ratio;
    d.as = &as;
    d.at = &at;
    d.ws = &ws;
    d.wt = &wt;
    d.xs = d.xt = NULL;
    d.w = o && o->anchor_weight > 0 ? o->anchor_weight : 1.5;
    d.ww = o && o->cognate_weight > 0 ? o->cognate_weight : 8.0;
    d.xw = 0;
    /* Segments (lines, units) may hold several sentences; a translation
     * keeps their number about nine times in ten (Europarl fr-en and TED
     * fr-vi both), so each sentence of difference across a bead costs
     * about -log(0.12). This is what tells a segment left untranslated
     * (1-0) from one whose neighbour's translation absorbed it (2-1). */
    d.cs = d.ct = NULL;
    d.cw = 0;
    {
        size_t ms = 0, mt = 0;
        cs = malloc(ns + 1);
        ct = malloc(nt + 1);
        if (!cs || !ct) {
            rc = GLA_ENOMEM;
            goto done;
        }
        if ((rc = seg_sentences(cs, &ms, src, ss, ns)) != GLA_OK ||
            (rc = seg_sentences(ct, &mt, tgt, ts, nt)) != GLA_OK)
            goto done;
        /* segments that are sentences already carry no such evidence */
        if ((ms && ms * 50 >= ns) || (mt && mt * 50 >= nt)) {
            d.cs = cs;
            d.ct = ct;
            d.cw = 2.0;
        }
    }
    d.lo = lo;
    d.hi = hi;
    d.width = width;
    d.cost = cost;
    d.back = back;
    rc = dp(out, &d);
    /* with enough text, a second pass with word translations learnt from
     * the first one's 1-1 beads */
    if (rc == GLA_OK && ns >= 100 && nt >= 100) {
        rc = learn_lexicon(&xs, &xt, out, &ds, &dt);
        if (rc == GLA_OK) {
            d.xs = &xs;
            d.xt = &xt;
            d.xw = 6.0;
            narrow_band(lo, hi, ns, out);
            d.width = 0;
            for (size_t i = 0; i <= ns; i++)
                if (hi[i] - lo[i] + 1 > d.width)
                    d.width = hi[i] - lo[i] + 1;
            rc = dp(out, &d);
        }
    }
done:
    free(ls);
    free(lt);
    anchors *all[] = {&as, &at, &ws, &wt, &ds, &dt, &xs, &xt};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
        free(all[i]->h);
        free(all[i]->off);
    }
    free(cost);
    free(back);
    free(cs);
    free(ct);
    free(lo);
    free(hi);
    gla_tokens_dispose(&toks);
    gla_tokenizer_free(tk);
    gla_normalizer_free(nz);
    gla_scanner_free(scs);
    gla_scanner_free(sct);
    if (rc != GLA_OK)
        out->n = 0;
    return rc;
}
