/*
 * Monolingual candidates: acronym definitions, Vietnamese-name-shaped
 * sequences, variant clusters and frequent phrases. Each document is
 * tokenised once and scanned once against the glossary; items are counted
 * in one map keyed by kind and key, so a corpus streams through. The counts
 * dump to a versioned text format and merge back, every choice made by
 * content, so a corpus split over processes gives the single-run results.
 */
#include <glossalign/extract.h>
#include <glossalign/names.h>
#include <glossalign/normalize.h>
#include <glossalign/tokenize.h>

#include "extract_int.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *gla_cand_kind_name(gla_cand_kind k)
{
    switch (k) {
    case GLA_CAND_ACRONYM: return "acronym";
    case GLA_CAND_VI_NAME: return "vi-name";
    case GLA_CAND_VARIANT: return "variant";
    case GLA_CAND_PHRASE: return "phrase";
    }
    return "?";
}

/* One counted item. */
typedef struct item {
    gla_cand_kind kind; /* what */
    char *text;         /* first surface (acronym: the acronym) */
    size_t count;       /* occurrences */
    size_t ntok;        /* phrases: tokens */
    char **forms;       /* distinct forms (by K1) */
    char **form_keys;   /* their K1 keys */
    size_t *fcount;     /* occurrences of each */
    unsigned char *fknown; /* form found in the glossary */
    size_t n_forms, cap_forms; /* used, allocated */
    char *ctx[3];       /* kept contexts, by (hash, bytes) ascending */
    uint64_t ctx_h[3];  /* their FNV-1a hashes */
    size_t n_ctx;       /* how many */
    char *known_ref;    /* the least concept ref touched, or NULL */
    int dropped;        /* pruned (rare phrase beyond max_items) */
    int subsumed;       /* part of a longer phrase, this results() call */
} item;

struct gla_extractor {
    gla_extract_opts o;    /* options */
    char lang[16];         /* corpus language */
    gla_strmap map;        /* "kind:key" -> item index */
    item *items;           /* items */
    size_t n_items, cap_items; /* used, allocated */
    size_t n_phrases;      /* phrase items alive */
    gla_tokenizer *tk;     /* tokenizer */
    gla_tokens toks;       /* tokens of the document */
    gla_normalizer *nz;    /* keys */
    gla_scanner *sc;       /* glossary scan, when o.m */
    gla_buf keys;          /* K2 keys of the document's tokens */
    size_t *koff;          /* offset of each token's K2 key in keys */
    size_t *k1off;         /* ... K1 key in keys */
    uint32_t *cover;       /* per token: concept + 1 covering it, or 0 */
    unsigned char *stop;   /* per token: a function word of the language */
    size_t cap_tok;        /* allocated per-token arrays */
    gla_buf tmp, tmp2;     /* scratch */
    gla_buf cbuf;          /* scratch: a context */
    char **sources;        /* merge: distinct header sources */
    size_t n_sources, cap_sources; /* used, allocated */
    gla_buf srcjoin;       /* merge: the sources sorted, joined */
    char err[256];         /* last failure */
};

int gla_extractor_new(gla_extractor **out, const gla_extract_opts *o)
{
    if (!out || (o && o->version != GLA_EXTRACT_OPTS_VERSION))
        return GLA_EINVAL;
    *out = NULL;
    gla_extractor *x = calloc(1, sizeof *x);
    if (!x)
        return GLA_ENOMEM;
    static const gla_extract_opts def = GLA_EXTRACT_OPTS_INIT;
    x->o = o ? *o : def;
    snprintf(x->lang, sizeof x->lang, "%s", x->o.lang ? x->o.lang : "fr");
    x->o.lang = x->lang;
    if (!x->o.min_count)
        x->o.min_count = 3;
    if (!x->o.max_items)
        x->o.max_items = 1000000;
    if (!x->o.kinds)
        x->o.kinds = (1u << GLA_CAND_KIND_COUNT) - 1;
    int rc = gla_tokenizer_new(&x->tk);
    if (rc == GLA_OK)
        rc = gla_normalizer_new(&x->nz);
    if (rc == GLA_OK && x->o.m)
        rc = gla_scanner_new(&x->sc, x->o.m, NULL);
    if (rc != GLA_OK) {
        gla_extractor_free(x);
        return rc;
    }
    *out = x;
    return GLA_OK;
}

static void item_free(item *it)
{
    free(it->text);
    for (size_t i = 0; i < it->n_forms; i++) {
        free(it->forms[i]);
        free(it->form_keys[i]);
    }
    free(it->forms);
    free(it->form_keys);
    free(it->fcount);
    free(it->fknown);
    for (size_t i = 0; i < it->n_ctx; i++)
        free(it->ctx[i]);
    free(it->known_ref);
}

void gla_extractor_free(gla_extractor *x)
{
    if (!x)
        return;
    for (size_t i = 0; i < x->n_items; i++)
        item_free(&x->items[i]);
    free(x->items);
    gla_strmap_dispose(&x->map);
    gla_tokenizer_free(x->tk);
    gla_tokens_dispose(&x->toks);
    gla_normalizer_free(x->nz);
    gla_scanner_free(x->sc);
    gla_buf_dispose(&x->keys);
    free(x->koff);
    free(x->k1off);
    free(x->cover);
    free(x->stop);
    gla_buf_dispose(&x->tmp);
    gla_buf_dispose(&x->tmp2);
    gla_buf_dispose(&x->cbuf);
    for (size_t i = 0; i < x->n_sources; i++)
        free(x->sources[i]);
    free(x->sources);
    gla_buf_dispose(&x->srcjoin);
    free(x);
}

const char *gla_extractor_errmsg(const gla_extractor *x)
{
    return x ? x->err : "";
}

/* ---- items ------------------------------------------------------------- */

/* strcmp() of `s` (`n` bytes) collapsed as gla_extract_surface() does
 * (runs of bytes up to 0x20 one space, none at either end) with `t`,
 * without making the copy. */
static int surface_cmp(const char *s, size_t n, const char *t)
{
    const unsigned char *u = (const unsigned char *)t;
    size_t j = 0;
    int gap = 0, any = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c <= 0x20) {
            gap = any;
            continue;
        }
        if (gap) {
            if (u[j] != ' ')
                return u[j] && u[j] > ' ' ? -1 : 1;
            j++;
            gap = 0;
        }
        if (u[j] != c)
            return u[j] && u[j] > c ? -1 : 1;
        j++;
        any = 1;
    }
    return u[j] ? -1 : 0;
}

/* Surfaces folding to one key: the byte-wise greatest is kept (lower case
 * wins over capitals at the first place they differ), so the choice does
 * not depend on the order the text arrives in. */
static int keep_greatest(char **dst, const char *s, size_t n)
{
    if (*dst && surface_cmp(s, n, *dst) <= 0)
        return GLA_OK;
    char *c = gla_extract_surface(s, n);
    if (!c)
        return GLA_ENOMEM;
    free(*dst);
    *dst = c;
    return GLA_OK;
}

static uint64_t fnv1a(const char *s, size_t n)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 0x100000001b3ull;
    }
    return h;
}

/* Whether context (h, s) sorts before context (g, t). */
static int ctx_before(uint64_t h, const char *s, uint64_t g, const char *t)
{
    return h != g ? h < g : strcmp(s, t) < 0;
}

/* Offer one context of `n` bytes: an item keeps the three distinct
 * contexts with the least (FNV-1a hash, bytes), a sample that does not
 * depend on the order or the split of the corpus. */
static int offer_context(item *it, const char *s, size_t n)
{
    uint64_t h = fnv1a(s, n);
    for (size_t i = 0; i < it->n_ctx; i++)
        if (it->ctx_h[i] == h && strcmp(it->ctx[i], s) == 0)
            return GLA_OK;
    if (it->n_ctx == 3 && !ctx_before(h, s, it->ctx_h[2], it->ctx[2]))
        return GLA_OK;
    char *c = gla_extract_dup(s, n);
    if (!c)
        return GLA_ENOMEM;
    size_t at;
    if (it->n_ctx < 3) {
        at = it->n_ctx++;
    } else {
        at = 2; /* the greatest goes */
        free(it->ctx[2]);
    }
    while (at > 0 && ctx_before(h, c, it->ctx_h[at - 1], it->ctx[at - 1])) {
        it->ctx[at] = it->ctx[at - 1];
        it->ctx_h[at] = it->ctx_h[at - 1];
        at--;
    }
    it->ctx[at] = c;
    it->ctx_h[at] = h;
    return GLA_OK;
}

/* The item for `key` of `kind`, created when new; SIZE_MAX on ENOMEM. */
static size_t item_at(gla_extractor *x, gla_cand_kind kind, const char *key,
                      size_t n, const char *surface, size_t sn, int *fresh)
{
    /* the map key: the kind's digit, ':', the key */
    char head[2] = {(char)('0' + (int)kind), ':'};
    gla_buf_clear(&x->tmp2);
    if (gla_buf_put(&x->tmp2, head, 2) != GLA_OK ||
        gla_buf_put(&x->tmp2, key, n) != GLA_OK)
        return SIZE_MAX;
    size_t i = gla_strmap_get(&x->map, x->tmp2.data, x->tmp2.len);
    *fresh = 0;
    if (i != SIZE_MAX)
        return keep_greatest(&x->items[i].text, surface, sn) == GLA_OK
                   ? i
                   : SIZE_MAX;
    if (x->n_items == x->cap_items) {
        size_t cap = x->cap_items ? x->cap_items * 2 : 256;
        item *p = realloc(x->items, cap * sizeof *p);
        if (!p)
            return SIZE_MAX;
        x->items = p;
        x->cap_items = cap;
    }
    item *it = &x->items[x->n_items];
    memset(it, 0, sizeof *it);
    it->kind = kind;
    it->text = gla_extract_surface(surface, sn);
    if (!it->text ||
        gla_strmap_put(&x->map, x->tmp2.data, x->tmp2.len, x->n_items) !=
            GLA_OK) {
        free(it->text);
        return SIZE_MAX;
    }
    if (kind == GLA_CAND_PHRASE)
        x->n_phrases++;
    *fresh = 1;
    return x->n_items++;
}

/* Add `count` sightings of the form with K1 key `k` and surface `s` (`n`
 * bytes, collapsed as gla_extract_surface() does) to an item. */
static int form_add(item *it, const char *k, const char *s, size_t n,
                    size_t count, int known)
{
    for (size_t i = 0; i < it->n_forms; i++)
        if (strcmp(it->form_keys[i], k) == 0) {
            it->fcount[i] += count;
            if (known)
                it->fknown[i] = 1;
            return keep_greatest(&it->forms[i], s, n);
        }
    if (it->n_forms == it->cap_forms) {
        size_t cap = it->cap_forms ? it->cap_forms * 2 : 2;
        char **f = realloc(it->forms, cap * sizeof *f);
        if (!f)
            return GLA_ENOMEM;
        it->forms = f;
        char **fk = realloc(it->form_keys, cap * sizeof *fk);
        if (!fk)
            return GLA_ENOMEM;
        it->form_keys = fk;
        size_t *fc = realloc(it->fcount, cap * sizeof *fc);
        if (!fc)
            return GLA_ENOMEM;
        it->fcount = fc;
        unsigned char *kn = realloc(it->fknown, cap);
        if (!kn)
            return GLA_ENOMEM;
        it->fknown = kn;
        it->cap_forms = cap;
    }
    char *a = gla_extract_surface(s, n), *b = gla_extract_dup(k, strlen(k));
    if (!a || !b) {
        free(a);
        free(b);
        return GLA_ENOMEM;
    }
    it->forms[it->n_forms] = a;
    it->form_keys[it->n_forms] = b;
    it->fcount[it->n_forms] = count;
    it->fknown[it->n_forms] = (unsigned char)(known != 0);
    it->n_forms++;
    return GLA_OK;
}

/* Count one form of an item (forms are told apart by their K1 key). */
static int item_form(gla_extractor *x, item *it, const char *s, size_t n,
                     int known)
{
    gla_buf_clear(&x->tmp);
    int rc = gla_normalize_to_buf(&x->tmp, x->nz, GLA_K1, s, n);
    if (rc != GLA_OK)
        return rc;
    return form_add(it, x->tmp.data ? x->tmp.data : "", s, n, 1, known);
}

/* The context of bytes [a, b) of the text (gla_extract_context_span(),
 * control characters made spaces), offered to the item. Hashed in place
 * first: an item that holds three contexts already rarely takes a new
 * one, and then nothing is copied. */
static int item_context(gla_extractor *x, item *it, const char *text,
                        size_t len, size_t a, size_t b)
{
    size_t lo, hi;
    gla_extract_context_span(text, len, a, b, &lo, &hi);
    /* a NUL inside the text ends the context (it is a C string); control
     * characters (line breaks, tabs...) are spaces */
    uint64_t h = 0xcbf29ce484222325ull;
    size_t z = lo;
    for (; z < hi && text[z]; z++) {
        unsigned char c = (unsigned char)text[z];
        h ^= c < 0x20 ? ' ' : c;
        h *= 0x100000001b3ull;
    }
    if (it->n_ctx == 3 && h > it->ctx_h[2])
        return GLA_OK;
    if (z == lo)
        return offer_context(it, "", 0);
    gla_buf_clear(&x->cbuf);
    if (gla_buf_put(&x->cbuf, text + lo, z - lo) != GLA_OK)
        return GLA_ENOMEM;
    for (size_t i = 0; i < x->cbuf.len; i++)
        if ((unsigned char)x->cbuf.data[i] < 0x20)
            x->cbuf.data[i] = ' ';
    return offer_context(it, x->cbuf.data, x->cbuf.len);
}

/* Remember the byte-wise least concept ref an item touches. */
static int known_offer(item *it, const char *ref)
{
    if (it->known_ref && strcmp(ref, it->known_ref) >= 0)
        return GLA_OK;
    char *c = gla_extract_dup(ref, strlen(ref));
    if (!c)
        return GLA_ENOMEM;
    free(it->known_ref);
    it->known_ref = c;
    return GLA_OK;
}

static int item_known(item *it, const gla_matcher *m, uint32_t entry1)
{
    if (!entry1 || !m)
        return GLA_OK;
    gla_match_entry e;
    if (gla_matcher_entry(&e, m, entry1 - 1) != GLA_OK)
        return GLA_OK;
    return known_offer(it, e.ref);
}

/* ---- per-document token data -------------------------------------------- */

typedef struct doc {
    const char *s;   /* text */
    size_t len;      /* its length */
    size_t *w;       /* indexes (in x->toks) of the tokens kept */
    size_t n;        /* how many */
    unsigned char *brk; /* a break (punctuation) before kept token i */
} doc;

static const char *k2(const gla_extractor *x, size_t t, size_t *n)
{
    *n = x->koff[t + 1] - x->koff[t] - 1; /* each key ends with a NUL */
    return x->keys.data + x->koff[t];
}

static int prepare(gla_extractor *x, doc *d)
{
    size_t nt = x->toks.n;
    if (nt + 1 > x->cap_tok) {
        size_t cap = nt + 64;
        size_t *a = realloc(x->koff, (cap + 1) * sizeof *a);
        if (!a)
            return GLA_ENOMEM;
        x->koff = a;
        size_t *b = realloc(x->k1off, (cap + 1) * sizeof *b);
        if (!b)
            return GLA_ENOMEM;
        x->k1off = b;
        uint32_t *c = realloc(x->cover, cap * sizeof *c);
        if (!c)
            return GLA_ENOMEM;
        x->cover = c;
        unsigned char *st = realloc(x->stop, cap);
        if (!st)
            return GLA_ENOMEM;
        x->stop = st;
        x->cap_tok = cap;
    }
    gla_buf_clear(&x->keys);
    for (size_t t = 0; t < nt; t++) {
        x->koff[t] = x->keys.len;
        gla_key k;
        int rc = gla_token_key(&k, x->nz, GLA_K2, d->s, &x->toks.v[t]);
        if (rc == GLA_OK)
            rc = gla_buf_put(&x->keys, k.s, k.len);
        if (rc == GLA_OK)
            rc = gla_buf_put(&x->keys, "", 1);
        if (rc != GLA_OK)
            return rc;
        x->cover[t] = 0;
        int lvl = gla_extract_stop_level(x->lang);
        if (lvl == GLA_K2) {
            x->stop[t] = (unsigned char)gla_extract_stopword(
                x->lang, x->keys.data + x->koff[t],
                x->keys.len - x->koff[t] - 1);
        } else {
            gla_key k1;
            rc = gla_token_key(&k1, x->nz, (gla_level)lvl, d->s,
                               &x->toks.v[t]);
            if (rc != GLA_OK)
                return rc;
            x->stop[t] = (unsigned char)gla_extract_stopword(x->lang, k1.s,
                                                             k1.len);
        }
    }
    x->koff[nt] = x->keys.len;
    if (x->sc) {
        gla_scanner_reset(x->sc);
        int rc = gla_scanner_feed(x->sc, d->s, d->len, 1);
        if (rc != GLA_OK)
            return rc;
        gla_mention m;
        size_t t = 0;
        while (gla_scanner_next(&m, x->sc) == GLA_OK) {
            while (t < nt && x->toks.v[t].end <= m.span.start)
                t++;
            for (size_t u = t; u < nt && x->toks.v[u].start < m.span.end; u++)
                x->cover[u] = m.entry + 1;
        }
        gla_scanner_reset(x->sc);
    }
    return GLA_OK;
}

/* A kept token: words and numbers, compounds whole. */
static int is_word(const gla_token *t)
{
    return (t->flags & GLA_TOK_WORD) && !(t->flags & GLA_TOK_PART);
}

static int is_cap(const gla_token *t)
{
    return (t->flags & (GLA_TOK_CAPITALIZED | GLA_TOK_ALLCAPS)) != 0;
}

/* ---- acronyms ------------------------------------------------------------ */

/* Schwartz & Hearst: the acronym's letters matched right to left in the
 * long form, the first one at a word start. `lf` is the window of K2
 * words joined by single spaces; returns the byte where the long form
 * starts, or SIZE_MAX. */
static size_t sh_match(const char *acr, size_t an, const char *lf, size_t ln)
{
    if (!an || !ln)
        return SIZE_MAX;
    long s = (long)an - 1, l = (long)ln - 1;
    while (s >= 0) {
        char c = acr[s];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) {
            s--;
            continue;
        }
        while (l >= 0 && (lf[l] != c || (s == 0 && l > 0 && lf[l - 1] != ' ')))
            l--;
        if (l < 0)
            return SIZE_MAX;
        l--;
        s--;
    }
    while (l >= 0 && lf[l] != ' ')
        l--;
    return (size_t)(l + 1);
}

/* Record acronym `a` (token index) with long form tokens [lf0, lf1]. */
static int add_acronym(gla_extractor *x, const doc *d, size_t a, size_t lf0,
                       size_t lf1, int foreign)
{
    const gla_token *ta = &x->toks.v[a];
    const gla_token *t0 = &x->toks.v[lf0], *t1 = &x->toks.v[lf1];
    /* already known: both the acronym and the long form are glossary terms
     * of one concept */
    uint32_t ca = x->cover[a], cl = x->cover[lf0];
    int long_known = cl && x->cover[lf1] == cl;
    if (ca && long_known && ca == cl)
        return GLA_OK;
    int fresh;
    size_t i = item_at(x, GLA_CAND_ACRONYM, d->s + ta->start,
                       ta->end - ta->start, d->s + ta->start,
                       ta->end - ta->start, &fresh);
    if (i == SIZE_MAX)
        return GLA_ENOMEM;
    item *it = &x->items[i];
    it->count++;
    if (foreign)
        it->ntok = 1; /* remembered: matched out of order */
    int rc = item_form(x, it, d->s + t0->start, t1->end - t0->start,
                       long_known);
    if (rc == GLA_OK)
        rc = item_context(x, it, d->s, d->len, t0->start, ta->end);
    if (rc == GLA_OK)
        rc = item_known(it, x->o.m, ca ? ca : long_known ? cl : 0);
    return rc;
}

/* Long-form window for the acronym at `a`: kept-token positions [lo, hi)
 * of d->w; tries Schwartz-Hearst, then content-word initials in any
 * order (acronyms of another language: MINUSS for "Mission des Nations
 * unies au Soudan du Sud" is ordered, UNMISS is not). */
static int try_long_form(gla_extractor *x, const doc *d, size_t a, size_t lo,
                         size_t hi)
{
    size_t an;
    const char *ak = k2(x, a, &an);
    size_t letters = 0;
    for (size_t i = 0; i < an; i++)
        if ((ak[i] >= 'a' && ak[i] <= 'z') || (ak[i] >= '0' && ak[i] <= '9'))
            letters++;
    if (letters < 2 || letters > 12 || hi <= lo)
        return GLA_OK;
    size_t maxw = letters + 5 < letters * 2 ? letters + 5 : letters * 2;
    if (hi - lo > maxw)
        lo = hi - maxw;
    /* the window as K2 words joined by spaces, with word starts */
    gla_buf_clear(&x->tmp);
    size_t starts[32];
    size_t nw = 0;
    for (size_t k = lo; k < hi && nw < 32; k++) {
        size_t n;
        const char *s = k2(x, d->w[k], &n);
        if (x->tmp.len)
            gla_buf_put(&x->tmp, " ", 1);
        starts[nw++] = x->tmp.len;
        if (gla_buf_put(&x->tmp, s, n) != GLA_OK)
            return GLA_ENOMEM;
    }
    if (!x->tmp.data)
        return GLA_OK;
    size_t at = sh_match(ak, an, x->tmp.data, x->tmp.len);
    if (at != SIZE_MAX) {
        size_t w0 = 0;
        while (w0 + 1 < nw && starts[w0 + 1] <= at)
            w0++;
        /* a long form does not start with a function word */
        while (w0 + 1 < nw) {
            if (!x->stop[d->w[lo + w0]])
                break;
            w0++;
        }
        if (nw - w0 >= 2 || letters <= 2)
            return add_acronym(x, d, a, d->w[lo + w0], d->w[hi - 1], 0);
    }
    /* initials of content words, in any order */
    int used[32] = {0};
    size_t best_start = SIZE_MAX, matched = 0;
    for (size_t w0 = nw; w0-- > 0;) {
        size_t n;
        const char *s = k2(x, d->w[lo + w0], &n);
        if (!n || x->stop[d->w[lo + w0]])
            continue;
        /* this word's initial must be an unused letter of the acronym */
        int hit = 0;
        for (size_t i = 0; i < an && i < 32; i++)
            if (!used[i] && ak[i] == s[0]) {
                used[i] = 1;
                hit = 1;
                break;
            }
        if (!hit)
            break;
        matched++;
        best_start = w0;
    }
    if (best_start != SIZE_MAX && matched >= 2 &&
        matched * 4 >= letters * 3 && matched <= letters)
        return add_acronym(x, d, a, d->w[lo + best_start], d->w[hi - 1], 1);
    return GLA_OK;
}

static int find_acronyms(gla_extractor *x, const doc *d)
{
    const gla_tokens *tk = &x->toks;
    for (size_t k = 0; k < d->n; k++) {
        size_t t = d->w[k];
        const gla_token *tok = &tk->v[t];
        if (!(tok->flags & (GLA_TOK_ACRONYM | GLA_TOK_ALLCAPS)) ||
            t == 0 || t + 1 >= tk->n)
            continue;
        const gla_token *open = &tk->v[t - 1], *close = &tk->v[t + 1];
        if (!(open->flags & GLA_TOK_PUNCT) || d->s[open->start] != '(' ||
            !(close->flags & GLA_TOK_PUNCT) || d->s[close->start] != ')')
            continue;
        /* "Long form (ACR)": the words before the bracket, back to a
         * break (the first word after it included) */
        if (k == 0)
            continue;
        size_t hi = k, lo = k - 1;
        while (lo > 0 && !d->brk[lo] && k - lo < 24)
            lo--;
        int rc = try_long_form(x, d, t, lo, hi);
        if (rc != GLA_OK)
            return rc;
    }
    return GLA_OK;
}

/* ---- Vietnamese names ---------------------------------------------------- */

/* Whether a K2 key has the shape of one Vietnamese syllable: an onset from
 * the Vietnamese list, one to three vowels, a coda from the list. */
static int vi_syllable(const char *s, size_t n)
{
    static const char *const onsets[] = {
        "ngh", "ng", "nh", "ch", "gh", "gi", "kh", "ph", "qu", "th", "tr",
        "b", "c", "d", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v",
        "x", "", NULL};
    static const char *const codas[] = {"ng", "nh", "ch", "c", "m", "n", "p",
                                        "t", "", NULL};
    if (n == 0 || n > 7)
        return 0;
    for (size_t o = 0; onsets[o]; o++) {
        size_t on = strlen(onsets[o]);
        if (on > n || memcmp(s, onsets[o], on) != 0)
            continue;
        size_t v = on;
        while (v < n && strchr("aeiouy", s[v]))
            v++;
        size_t nv = v - on;
        /* "gi" and "qu" lend their vowel: "gia", "qua" */
        if (nv == 0 && on == 2 && (s[0] == 'g' || s[0] == 'q'))
            nv = 1;
        if (nv < 1 || nv > 3)
            continue;
        for (size_t c = 0; codas[c]; c++)
            if (strlen(codas[c]) == n - v &&
                memcmp(s + v, codas[c], n - v) == 0)
                return 1;
    }
    return 0;
}

static int find_vi_names(gla_extractor *x, const doc *d)
{
    const gla_tokens *tk = &x->toks;
    for (size_t k = 0; k < d->n;) {
        size_t t = d->w[k];
        if (!is_cap(&tk->v[t]) || (tk->v[t].flags & GLA_TOK_COMPOUND)) {
            k++;
            continue;
        }
        /* a run of capitalised syllable-shaped words */
        size_t e = k;
        while (e < d->n && (e == k || !d->brk[e])) {
            const gla_token *u = &tk->v[d->w[e]];
            size_t n;
            const char *s = k2(x, d->w[e], &n);
            if (!is_cap(u) || (u->flags & (GLA_TOK_COMPOUND | GLA_TOK_DIGIT)) ||
                !vi_syllable(s, n))
                break;
            e++;
        }
        size_t run = e - k;
        if (run == 0) {
            k++;
            continue;
        }
        size_t first = k;
        size_t n0;
        const char *s0 = k2(x, d->w[first], &n0);
        /* "Le" is the article unless two more syllables follow it (Lê
         * Hoài Trung); the article before a name is skipped */
        if (n0 == 2 && memcmp(s0, "le", 2) == 0 && run < 3 && run >= 2) {
            first++;
            run--;
            s0 = k2(x, d->w[first], &n0);
        }
        if (run >= 2 && run <= 4 && gla_name_family_share(s0, n0) > 0) {
            /* known to the glossary? */
            uint32_t c = x->cover[d->w[first]];
            int known = c != 0;
            for (size_t j = first; j < first + run; j++)
                if (x->cover[d->w[j]] != c)
                    known = 0;
            if (!known) {
                const gla_token *a = &tk->v[d->w[first]];
                const gla_token *z = &tk->v[d->w[first + run - 1]];
                gla_buf_clear(&x->tmp);
                for (size_t j = first; j < first + run; j++) {
                    size_t n;
                    const char *s = k2(x, d->w[j], &n);
                    if (j > first)
                        gla_buf_put(&x->tmp, " ", 1);
                    gla_buf_put(&x->tmp, s, n);
                }
                if (!x->tmp.data)
                    return GLA_ENOMEM;
                char key[128];
                snprintf(key, sizeof key, "%s", x->tmp.data);
                int fresh;
                size_t i = item_at(x, GLA_CAND_VI_NAME, key, strlen(key),
                                   d->s + a->start, z->end - a->start, &fresh);
                if (i == SIZE_MAX)
                    return GLA_ENOMEM;
                item *it = &x->items[i];
                it->count++;
                int rc = item_form(x, it, d->s + a->start, z->end - a->start,
                                   0);
                if (rc == GLA_OK)
                    rc = item_context(x, it, d->s, d->len, a->start, z->end);
                if (rc != GLA_OK)
                    return rc;
            }
        }
        k = e > k ? e : k + 1;
    }
    return GLA_OK;
}

/* ---- variants ------------------------------------------------------------ */

static int find_variants(gla_extractor *x, const doc *d)
{
    const gla_tokens *tk = &x->toks;
    for (size_t k = 0; k < d->n;) {
        size_t t = d->w[k];
        if (!is_cap(&tk->v[t]) || (tk->v[t].flags & GLA_TOK_ACRONYM)) {
            k++;
            continue;
        }
        size_t e = k + 1;
        while (e < d->n && e - k < 4 && !d->brk[e] &&
               is_cap(&tk->v[d->w[e]]) &&
               !(tk->v[d->w[e]].flags & GLA_TOK_ACRONYM))
            e++;
        size_t first = k;
        /* a capitalised function word opening a sentence is not a name */
        while (first < e) {
            size_t n;
            const char *s = k2(x, d->w[first], &n);
            if (!x->stop[d->w[first]] && !gla_extract_stopword("en", s, n))
                break;
            first++;
        }
        /* a sentence's first word is capitalised anyway ("Selon
         * Stavitski"): left out of a longer run unless it is a family
         * name */
        if (first == k && e - first >= 2 && d->brk[k]) {
            size_t n;
            const char *s = k2(x, d->w[first], &n);
            size_t prev = d->w[first];
            int sentence_start = prev == 0;
            for (size_t q = prev; q-- > 0;) {
                const gla_token *pt = &tk->v[q];
                if (pt->flags & GLA_TOK_PUNCT) {
                    char pc = d->s[pt->start];
                    sentence_start = pc == '.' || pc == '!' || pc == '?' ||
                                     pc == ':' || pc == '"';
                }
                break;
            }
            if (sentence_start && gla_name_family_share(s, n) <= 0)
                first++;
        }
        /* Vietnamese names have their own kind */
        int vi_name = e - first >= 2;
        for (size_t j = first; vi_name && j < e; j++) {
            size_t n;
            const char *s = k2(x, d->w[j], &n);
            vi_name = vi_syllable(s, n) &&
                      (j > first || gla_name_family_share(s, n) > 0);
        }
        if (first < e && !vi_name) {
            const gla_token *a = &tk->v[d->w[first]];
            const gla_token *z = &tk->v[d->w[e - 1]];
            if (z->end - a->start >= 4) {
                gla_buf_clear(&x->tmp);
                int rc = gla_normalize_to_buf(&x->tmp, x->nz, GLA_K3,
                                              d->s + a->start,
                                              z->end - a->start);
                if (rc != GLA_OK)
                    return rc;
                if (x->tmp.len) {
                    char key[256];
                    snprintf(key, sizeof key, "%s", x->tmp.data);
                    uint32_t c = x->cover[d->w[first]];
                    int known = c != 0;
                    for (size_t j = first; j < e; j++)
                        if (x->cover[d->w[j]] != c)
                            known = 0;
                    int fresh;
                    size_t i = item_at(x, GLA_CAND_VARIANT, key, strlen(key),
                                       d->s + a->start, z->end - a->start,
                                       &fresh);
                    if (i == SIZE_MAX)
                        return GLA_ENOMEM;
                    item *it = &x->items[i];
                    it->count++;
                    rc = item_form(x, it, d->s + a->start, z->end - a->start,
                                   known);
                    if (rc == GLA_OK)
                        rc = item_context(x, it, d->s, d->len, a->start,
                                          z->end);
                    if (rc == GLA_OK && known)
                        rc = item_known(it, x->o.m, c);
                    if (rc != GLA_OK)
                        return rc;
                }
            }
        }
        k = e;
    }
    return GLA_OK;
}

/* ---- phrases ------------------------------------------------------------- */

/* Drop phrases seen once when there are too many. */
static int prune(gla_extractor *x)
{
    gla_strmap fresh = {0};
    size_t alive = 0;
    for (size_t i = 0; i < x->n_items; i++) {
        item *it = &x->items[i];
        if (it->kind == GLA_CAND_PHRASE && !it->dropped && it->count <= 1) {
            it->dropped = 1;
            continue;
        }
        if (it->kind == GLA_CAND_PHRASE && !it->dropped)
            alive++;
    }
    /* rebuild the map without the dropped phrases */
    for (size_t s = 0; s < x->map.cap; s++) {
        if (!x->map.keys[s])
            continue;
        size_t v = x->map.vals[s];
        if (x->items[v].dropped)
            continue;
        if (gla_strmap_put(&fresh, x->map.keys[s], x->map.klen[s], v) !=
            GLA_OK) {
            gla_strmap_dispose(&fresh);
            return GLA_ENOMEM;
        }
    }
    gla_strmap_dispose(&x->map);
    x->map = fresh;
    x->n_phrases = alive;
    return GLA_OK;
}

static int find_phrases(gla_extractor *x, const doc *d)
{
    const gla_tokens *tk = &x->toks;
    for (size_t k = 0; k < d->n; k++) {
        if (!(tk->v[d->w[k]].flags & GLA_TOK_WORD) ||
            x->stop[d->w[k]] || x->cover[d->w[k]])
            continue;
        int all_caps = is_cap(&tk->v[d->w[k]]);
        for (size_t len = 2; len <= 5 && k + len <= d->n; len++) {
            size_t e = k + len - 1;
            if (d->brk[e] || !(tk->v[d->w[e]].flags & GLA_TOK_WORD) ||
                x->cover[d->w[e]])
                break;
            all_caps = all_caps && is_cap(&tk->v[d->w[e]]);
            if (all_caps)
                continue; /* a run of capitalised words is a name */
            if (x->stop[d->w[e]])
                continue;
            const gla_token *a = &tk->v[d->w[k]], *z = &tk->v[d->w[e]];
            gla_buf_clear(&x->tmp);
            int rc = gla_normalize_to_buf(&x->tmp, x->nz, GLA_K1,
                                          d->s + a->start, z->end - a->start);
            if (rc != GLA_OK)
                return rc;
            if (!x->tmp.len)
                continue;
            char key[512];
            if (x->tmp.len >= sizeof key)
                continue;
            memcpy(key, x->tmp.data, x->tmp.len + 1);
            int fresh;
            size_t i = item_at(x, GLA_CAND_PHRASE, key, strlen(key),
                               d->s + a->start, z->end - a->start, &fresh);
            if (i == SIZE_MAX)
                return GLA_ENOMEM;
            item *it = &x->items[i];
            it->count++;
            if (len > it->ntok)
                it->ntok = len; /* keys of different lengths: the longest */
            rc = item_context(x, it, d->s, d->len, a->start, z->end);
            if (rc != GLA_OK)
                return rc;
        }
    }
    if (x->n_phrases > x->o.max_items)
        return prune(x);
    return GLA_OK;
}

int gla_extractor_feed(gla_extractor *x, const char *text, size_t len)
{
    if (!x || (!text && len))
        return GLA_EINVAL;
    if (!text)
        return GLA_OK;
    x->err[0] = '\0';
    int rc = gla_tokenize(&x->toks, x->tk, text, len);
    if (rc == GLA_EUTF8)
        snprintf(x->err, sizeof x->err, "%s", gla_tokenizer_errmsg(x->tk));
    if (rc != GLA_OK)
        return rc;
    doc d = {text, len, NULL, 0, NULL};
    if ((rc = prepare(x, &d)) != GLA_OK)
        return rc;
    d.w = malloc((x->toks.n + 1) * sizeof *d.w);
    d.brk = malloc(x->toks.n + 1);
    if (!d.w || !d.brk) {
        free(d.w);
        free(d.brk);
        return GLA_ENOMEM;
    }
    int pending_break = 1;
    for (size_t t = 0; t < x->toks.n; t++) {
        const gla_token *tok = &x->toks.v[t];
        if (tok->flags & GLA_TOK_PUNCT) {
            char c = text[tok->start];
            /* hyphens and apostrophes stay inside a phrase */
            if (c != '-' && c != '\'')
                pending_break = 1;
            continue;
        }
        if (!is_word(tok) && !(tok->flags & GLA_TOK_NUMBER))
            continue;
        if (tok->flags & GLA_TOK_NUMBER)
            pending_break = 1; /* numbers cut phrases and names */
        /* a line break cuts too */
        if (d.n && memchr(text + x->toks.v[d.w[d.n - 1]].end, '\n',
                          tok->start - x->toks.v[d.w[d.n - 1]].end))
            pending_break = 1;
        d.brk[d.n] = (unsigned char)pending_break;
        d.w[d.n++] = t;
        pending_break = (tok->flags & GLA_TOK_NUMBER) != 0;
    }
    unsigned k = x->o.kinds;
    if (rc == GLA_OK && (k & (1u << GLA_CAND_ACRONYM)))
        rc = find_acronyms(x, &d);
    if (rc == GLA_OK && (k & (1u << GLA_CAND_VI_NAME)))
        rc = find_vi_names(x, &d);
    if (rc == GLA_OK && (k & (1u << GLA_CAND_VARIANT)))
        rc = find_variants(x, &d);
    if (rc == GLA_OK && (k & (1u << GLA_CAND_PHRASE)))
        rc = find_phrases(x, &d);
    free(d.w);
    free(d.brk);
    return rc;
}

/* ---- results ------------------------------------------------------------- */

typedef struct ranked {
    size_t i;         /* item */
    double score;     /* rank */
    const char *text; /* ties: by this text, byte-wise */
} ranked;

static int cmp_ranked(const void *a, const void *b)
{
    const ranked *x = a, *y = b;
    if (x->score != y->score)
        return x->score > y->score ? -1 : 1;
    int c = strcmp(x->text, y->text);
    if (c)
        return c;
    return x->i < y->i ? -1 : x->i > y->i;
}

/* An item's forms, most seen first, ties by K1 key: the first is the one
 * shown. Insertion sort: items have few forms. */
static void sort_forms(item *it)
{
    for (size_t i = 1; i < it->n_forms; i++) {
        char *f = it->forms[i], *k = it->form_keys[i];
        size_t c = it->fcount[i];
        unsigned char kn = it->fknown[i];
        size_t j = i;
        while (j > 0 && (it->fcount[j - 1] < c ||
                         (it->fcount[j - 1] == c &&
                          strcmp(it->form_keys[j - 1], k) > 0))) {
            it->forms[j] = it->forms[j - 1];
            it->form_keys[j] = it->form_keys[j - 1];
            it->fcount[j] = it->fcount[j - 1];
            it->fknown[j] = it->fknown[j - 1];
            j--;
        }
        it->forms[j] = f;
        it->form_keys[j] = k;
        it->fcount[j] = c;
        it->fknown[j] = kn;
    }
}

/* Phrases whose count is (almost) all inside one longer phrase are parts
 * of it: "Nations unies pour" inside "Force ... des Nations unies pour
 * Abyei". */
static void subsume(gla_extractor *x)
{
    for (size_t i = 0; i < x->n_items; i++)
        x->items[i].subsumed = 0;
    for (size_t i = 0; i < x->n_items; i++) {
        item *it = &x->items[i];
        if (it->kind != GLA_CAND_PHRASE || it->dropped || it->ntok < 3 ||
            it->count < x->o.min_count)
            continue;
        /* its two sub-phrases one token shorter: split the K1 key at the
         * first and the last space */
        gla_buf_clear(&x->tmp);
        if (gla_normalize_to_buf(&x->tmp, x->nz, GLA_K1, it->text,
                                 strlen(it->text)) != GLA_OK ||
            !x->tmp.data)
            continue;
        const char *k = x->tmp.data;
        size_t n = x->tmp.len;
        const char *sp1 = memchr(k, ' ', n);
        const char *sp2 = k + n;
        while (sp2 > k && sp2[-1] != ' ')
            sp2--;
        char key[600];
        if (sp1 && n + 3 < sizeof key) {
            int m = snprintf(key, sizeof key, "%d:%s", (int)GLA_CAND_PHRASE,
                             sp1 + 1);
            size_t j = gla_strmap_get(&x->map, key, (size_t)m);
            if (j != SIZE_MAX && x->items[j].count * 9 <= it->count * 10)
                x->items[j].subsumed = 1;
        }
        if (sp2 > k + 1 && n + 3 < sizeof key) {
            int m = snprintf(key, sizeof key, "%d:%.*s", (int)GLA_CAND_PHRASE,
                             (int)(sp2 - 1 - k), k);
            size_t j = gla_strmap_get(&x->map, key, (size_t)m);
            if (j != SIZE_MAX && x->items[j].count * 9 <= it->count * 10)
                x->items[j].subsumed = 1;
        }
    }
}

int gla_extractor_results(gla_extractor *x, gla_candidate_fn fn, void *ctx)
{
    if (!x || !fn)
        return GLA_EINVAL;
    subsume(x);
    ranked *r = malloc((x->n_items ? x->n_items : 1) * sizeof *r);
    if (!r)
        return GLA_ENOMEM;
    int rc = GLA_OK;
    gla_buf note = GLA_BUF_INIT;
    for (int kind = 0; kind < GLA_CAND_KIND_COUNT && rc == GLA_OK; kind++) {
        size_t n = 0;
        for (size_t i = 0; i < x->n_items; i++) {
            item *it = &x->items[i];
            if ((int)it->kind != kind || it->dropped || it->subsumed)
                continue;
            sort_forms(it);
            double sc = (double)it->count;
            if (kind == GLA_CAND_VARIANT) {
                size_t unknown = 0;
                for (size_t f = 0; f < it->n_forms; f++)
                    unknown += !it->fknown[f];
                if (it->n_forms < 2 || !unknown ||
                    it->count < x->o.min_count)
                    continue;
                sc = (double)it->count * (double)it->n_forms;
            } else if (kind == GLA_CAND_PHRASE) {
                if (it->count < x->o.min_count)
                    continue;
                sc = (double)it->count * log2((double)it->ntok + 1);
            } else if (kind == GLA_CAND_ACRONYM) {
                sc = (double)it->count * (it->ntok ? 0.5 : 1.0);
            }
            r[n].i = i;
            r[n].score = sc;
            r[n].text = (kind == GLA_CAND_VARIANT ||
                         kind == GLA_CAND_VI_NAME) && it->n_forms
                            ? it->forms[0]
                            : it->text;
            n++;
        }
        qsort(r, n, sizeof *r, cmp_ranked);
        for (size_t k = 0; k < n && rc == GLA_OK; k++) {
            item *it = &x->items[r[k].i];
            gla_candidate c;
            memset(&c, 0, sizeof c);
            c.kind = it->kind;
            c.text = it->text;
            c.count = it->count;
            c.score = r[k].score;
            c.forms = (const char *const *)it->forms;
            c.form_counts = it->fcount;
            c.n_forms = it->n_forms;
            c.contexts = (const char *const *)it->ctx;
            c.n_contexts = it->n_ctx;
            c.known_ref = it->known_ref;
            gla_buf_clear(&note);
            if (it->kind == GLA_CAND_ACRONYM) {
                size_t best = 0;
                for (size_t f = 1; f < it->n_forms; f++)
                    if (it->fcount[f] > it->fcount[best])
                        best = f;
                c.long_form = it->n_forms ? it->forms[best] : NULL;
                gla_buf_printf(&note, "acronym defined in the text%s",
                               it->ntok ? " (letters in another order: "
                                          "another language's acronym?)"
                                        : "");
            } else if (it->kind == GLA_CAND_VI_NAME) {
                size_t best = 0;
                for (size_t f = 1; f < it->n_forms; f++)
                    if (it->fcount[f] > it->fcount[best])
                        best = f;
                if (it->n_forms)
                    c.text = it->forms[best];
                gla_buf_puts(&note, "Vietnamese name not in the glossary; "
                                    "restore its diacritics");
            } else if (it->kind == GLA_CAND_VARIANT) {
                size_t best = 0;
                for (size_t f = 1; f < it->n_forms; f++)
                    if (it->fcount[f] > it->fcount[best])
                        best = f;
                c.text = it->forms[best];
                gla_buf_printf(&note, "%zu spellings of one name fold to one "
                                      "key",
                               it->n_forms);
            } else {
                gla_buf_printf(&note, "frequent phrase (%zu words) not in the "
                                      "glossary",
                               it->ntok);
            }
            c.note = note.data ? note.data : "";
            rc = fn(ctx, &c);
        }
    }
    gla_buf_dispose(&note);
    free(r);
    return rc;
}

/* ---- counts: dump and merge ---------------------------------------------- */

static const char counts_magic[] = "#glossalign-extract-counts";

/* Append `s` with backslash, tab, line feed and carriage return escaped. */
static int put_escaped(gla_buf *b, const char *s)
{
    for (const char *p = s; *p;) {
        const char *q = p;
        while (*q && *q != '\\' && *q != '\t' && *q != '\n' && *q != '\r')
            q++;
        if (gla_buf_put(b, p, (size_t)(q - p)) != GLA_OK)
            return GLA_ENOMEM;
        if (!*q)
            break;
        const char *e = *q == '\\' ? "\\\\" : *q == '\t' ? "\\t"
                        : *q == '\n' ? "\\n" : "\\r";
        if (gla_buf_put(b, e, 2) != GLA_OK)
            return GLA_ENOMEM;
        p = q + 1;
    }
    return GLA_OK;
}

typedef struct dkey {
    const char *k; /* map key: kind digit, ':', key */
    size_t n;      /* its length */
    size_t i;      /* the item */
} dkey;

static int cmp_dkey(const void *a, const void *b)
{
    const dkey *x = a, *y = b;
    size_t n = x->n < y->n ? x->n : y->n;
    int c = memcmp(x->k, y->k, n);
    return c ? c : (x->n > y->n) - (x->n < y->n);
}

static int dump_item(gla_buf *b, const item *it, const char *key, size_t kn)
{
    int rc = gla_buf_puts(b, gla_cand_kind_name(it->kind));
    gla_buf_put(b, "\t", 1);
    /* the key holds no NUL: it came from a C string */
    char *k = gla_extract_dup(key, kn);
    if (!k)
        return GLA_ENOMEM;
    rc |= put_escaped(b, k);
    free(k);
    rc |= gla_buf_printf(b, "\t%zu\t", it->count);
    rc |= put_escaped(b, it->text);
    rc |= gla_buf_printf(b, "\t%zu\t", it->ntok);
    rc |= put_escaped(b, it->known_ref ? it->known_ref : "");
    rc |= gla_buf_printf(b, "\t%zu", it->n_forms);
    for (size_t f = 0; f < it->n_forms; f++) {
        rc |= gla_buf_put(b, "\t", 1);
        rc |= put_escaped(b, it->form_keys[f]);
        rc |= gla_buf_put(b, "\t", 1);
        rc |= put_escaped(b, it->forms[f]);
        rc |= gla_buf_printf(b, "\t%zu\t%d", it->fcount[f],
                             it->fknown[f] ? 1 : 0);
    }
    rc |= gla_buf_printf(b, "\t%zu", it->n_ctx);
    for (size_t c = 0; c < it->n_ctx; c++) {
        rc |= gla_buf_put(b, "\t", 1);
        rc |= put_escaped(b, it->ctx[c]);
    }
    rc |= gla_buf_put(b, "\n", 1);
    return rc ? GLA_ENOMEM : GLA_OK;
}

int gla_extractor_dump(gla_extractor *x, const char *source, FILE *f)
{
    if (!x || !f)
        return GLA_EINVAL;
    x->err[0] = '\0';
    dkey *v = malloc((x->map.n ? x->map.n : 1) * sizeof *v);
    if (!v)
        return GLA_ENOMEM;
    size_t n = 0;
    for (size_t s = 0; s < x->map.cap; s++) {
        if (!x->map.keys[s] || x->items[x->map.vals[s]].dropped)
            continue;
        v[n].k = x->map.keys[s];
        v[n].n = x->map.klen[s];
        v[n].i = x->map.vals[s];
        n++;
    }
    qsort(v, n, sizeof *v, cmp_dkey);
    gla_buf b = GLA_BUF_INIT;
    int rc = gla_buf_printf(&b, "%s\t%d\t", counts_magic,
                            GLA_EXTRACT_COUNTS_VERSION);
    if (rc == GLA_OK)
        rc = put_escaped(&b, x->lang);
    if (rc == GLA_OK)
        rc = gla_buf_put(&b, "\t", 1);
    if (rc == GLA_OK)
        rc = put_escaped(&b, source ? source : "");
    if (rc == GLA_OK)
        rc = gla_buf_put(&b, "\n", 1);
    for (size_t k = 0; rc == GLA_OK && k < n; k++) {
        rc = dump_item(&b, &x->items[v[k].i], v[k].k + 2, v[k].n - 2);
        if (rc == GLA_OK && b.len >= 65536) {
            if (fwrite(b.data, 1, b.len, f) != b.len)
                rc = GLA_EIO;
            gla_buf_clear(&b);
        }
    }
    if (rc == GLA_OK)
        rc = gla_buf_printf(&b, "#end\t%zu\n", n);
    if (rc == GLA_OK && b.len && fwrite(b.data, 1, b.len, f) != b.len)
        rc = GLA_EIO;
    if (rc == GLA_OK && fflush(f) != 0)
        rc = GLA_EIO;
    if (rc == GLA_EIO)
        snprintf(x->err, sizeof x->err, "cannot write the counts");
    gla_buf_dispose(&b);
    free(v);
    return rc;
}

/* Well-formed UTF-8 (no overlong forms, surrogates or values past
 * U+10FFFF). */
static int utf8_ok(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned c = s[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 ? 2 : 0;
        if (!len || c > 0xF4 || i + len > n)
            return 0;
        for (size_t k = 1; k < len; k++)
            if ((s[i + k] & 0xC0) != 0x80)
                return 0;
        if ((c == 0xE0 && s[i + 1] < 0xA0) || (c == 0xED && s[i + 1] > 0x9F) ||
            (c == 0xF0 && s[i + 1] < 0x90) || (c == 0xF4 && s[i + 1] > 0x8F))
            return 0;
        i += len;
    }
    return 1;
}

/* Undo put_escaped() in place; the length, or SIZE_MAX on a bad escape or
 * a NUL. */
static size_t unescape(char *s)
{
    size_t k = 0;
    for (size_t i = 0; s[i]; i++) {
        if (s[i] != '\\') {
            s[k++] = s[i];
            continue;
        }
        char c = s[++i];
        if (c == '\\')
            s[k++] = '\\';
        else if (c == 't')
            s[k++] = '\t';
        else if (c == 'n')
            s[k++] = '\n';
        else if (c == 'r')
            s[k++] = '\r';
        else
            return SIZE_MAX;
    }
    s[k] = '\0';
    return k;
}

/* A count: decimal digits, at most 10^15. */
static int parse_count(const char *s, size_t *out)
{
    size_t v = 0, n = 0;
    for (; s[n]; n++) {
        if (s[n] < '0' || s[n] > '9' || n >= 15)
            return -1;
        v = v * 10 + (size_t)(s[n] - '0');
    }
    if (!n)
        return -1;
    *out = v;
    return 0;
}

typedef struct mstate {
    const char *name; /* the stream's name for messages */
    size_t line;      /* current line, from 1 */
    size_t headers;   /* header lines read */
    size_t ends;      /* trailer lines read */
    size_t expect;    /* items the trailers announce */
    size_t items;     /* item lines read */
} mstate;

#if defined(__GNUC__)
static int merr(gla_extractor *x, const mstate *ms, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
#endif

static int merr(gla_extractor *x, const mstate *ms, const char *fmt, ...)
{
    int k = snprintf(x->err, sizeof x->err, "%s:%zu: ", ms->name, ms->line);
    if (k < 0 || (size_t)k >= sizeof x->err)
        return GLA_EPARSE;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(x->err + k, sizeof x->err - (size_t)k, fmt, ap);
    va_end(ap);
    return GLA_EPARSE;
}

static int add_source(gla_extractor *x, const char *s)
{
    for (size_t i = 0; i < x->n_sources; i++)
        if (strcmp(x->sources[i], s) == 0)
            return GLA_OK;
    if (x->n_sources == x->cap_sources) {
        size_t cap = x->cap_sources ? x->cap_sources * 2 : 8;
        char **v = realloc(x->sources, cap * sizeof *v);
        if (!v)
            return GLA_ENOMEM;
        x->sources = v;
        x->cap_sources = cap;
    }
    char *c = gla_extract_dup(s, strlen(s));
    if (!c)
        return GLA_ENOMEM;
    x->sources[x->n_sources++] = c;
    return GLA_OK;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* One line (NUL-terminated, its line end removed) split at tabs. */
static int merge_line(gla_extractor *x, mstate *ms, char *line, char ***fv,
                      size_t *fcap)
{
    size_t nf = 0;
    for (char *p = line;;) {
        if (nf == *fcap) {
            size_t cap = *fcap ? *fcap * 2 : 64;
            char **v = realloc(*fv, cap * sizeof *v);
            if (!v)
                return GLA_ENOMEM;
            *fv = v;
            *fcap = cap;
        }
        (*fv)[nf++] = p;
        char *t = strchr(p, '\t');
        if (!t)
            break;
        *t = '\0';
        p = t + 1;
    }
    char **f = *fv;
    for (size_t i = 0; i < nf; i++) {
        if (unescape(f[i]) == SIZE_MAX)
            return merr(x, ms, "field %zu: a backslash not followed by "
                               "\\, t, n or r", i + 1);
        if (!utf8_ok((const unsigned char *)f[i], strlen(f[i])))
            return merr(x, ms, "field %zu is not UTF-8", i + 1);
    }
    if (f[0][0] == '#') {
        if (strcmp(f[0], counts_magic) == 0) {
            if (nf != 4)
                return merr(x, ms, "header: %zu fields, expected 4", nf);
            if (strcmp(f[1], "1") != 0)
                return merr(x, ms, "counts format version '%.20s'; this "
                                   "glossalign reads version %d",
                            f[1], GLA_EXTRACT_COUNTS_VERSION);
            if (strcmp(f[2], x->lang) != 0)
                return merr(x, ms, "counts of a '%.15s' corpus, merged as "
                                   "'%s' (give the same --lang)",
                            f[2], x->lang);
            ms->headers++;
            return add_source(x, f[3]);
        }
        if (strcmp(f[0], "#end") == 0) {
            size_t n;
            if (nf != 2 || parse_count(f[1], &n) != 0)
                return merr(x, ms, "bad trailer (expected '#end<TAB>N')");
            ms->ends++;
            ms->expect += n;
            return GLA_OK;
        }
        return merr(x, ms, "unknown line '%.40s'", f[0]);
    }
    if (!ms->headers)
        return merr(x, ms, "not glossalign extract counts (no '%s' header "
                           "line before it)", counts_magic);
    int kind = -1;
    for (int k = 0; k < GLA_CAND_KIND_COUNT; k++)
        if (strcmp(f[0], gla_cand_kind_name((gla_cand_kind)k)) == 0)
            kind = k;
    if (kind < 0)
        return merr(x, ms, "unknown kind '%.40s'", f[0]);
    size_t count, ntok, nforms, nctx;
    if (nf < 8)
        return merr(x, ms, "%zu fields, an item has at least 8 (truncated "
                           "line?)", nf);
    if (!f[1][0] || !f[3][0])
        return merr(x, ms, "empty key or text");
    if (parse_count(f[2], &count) != 0 || count == 0)
        return merr(x, ms, "bad count '%.20s'", f[2]);
    if (parse_count(f[4], &ntok) != 0 || ntok > 64)
        return merr(x, ms, "bad token count '%.20s'", f[4]);
    if (parse_count(f[6], &nforms) != 0 || nforms > (nf - 8) / 4)
        return merr(x, ms, "bad form count '%.20s' (truncated line?)", f[6]);
    size_t at = 7 + 4 * nforms;
    if (parse_count(f[at], &nctx) != 0 || nctx > 3)
        return merr(x, ms, "bad context count '%.20s'", f[at]);
    if (nf != at + 1 + nctx)
        return merr(x, ms, "%zu fields, expected %zu for %zu forms and %zu "
                           "contexts (truncated line?)",
                    nf, at + 1 + nctx, nforms, nctx);
    if ((kind == GLA_CAND_PHRASE) != (nforms == 0))
        return merr(x, ms, "%s with %zu forms", f[0], nforms);
    size_t sum = 0;
    for (size_t k = 0; k < nforms; k++) {
        size_t c;
        char **g = f + 7 + 4 * k;
        if (!g[0][0] || !g[1][0])
            return merr(x, ms, "form %zu: empty key or surface", k + 1);
        if (parse_count(g[2], &c) != 0 || c == 0)
            return merr(x, ms, "form %zu: bad count '%.20s'", k + 1, g[2]);
        if ((g[3][0] != '0' && g[3][0] != '1') || g[3][1])
            return merr(x, ms, "form %zu: known flag '%.20s', expected 0 or "
                               "1", k + 1, g[3]);
        sum += c;
    }
    if (nforms && sum != count)
        return merr(x, ms, "forms seen %zu times in all, the item %zu",
                    sum, count);
    ms->items++;
    if (!(x->o.kinds & (1u << kind)))
        return GLA_OK;
    int fresh;
    size_t i = item_at(x, (gla_cand_kind)kind, f[1], strlen(f[1]), f[3],
                       strlen(f[3]), &fresh);
    if (i == SIZE_MAX)
        return GLA_ENOMEM;
    item *it = &x->items[i];
    if (it->count > ((size_t)1 << 60) - count)
        return merr(x, ms, "counts overflow");
    it->count += count;
    if (ntok > it->ntok)
        it->ntok = ntok;
    int rc = f[5][0] ? known_offer(it, f[5]) : GLA_OK;
    for (size_t k = 0; rc == GLA_OK && k < nforms; k++) {
        char **g = f + 7 + 4 * k;
        size_t c = 0;
        parse_count(g[2], &c); /* checked above */
        rc = form_add(it, g[0], g[1], strlen(g[1]), c, g[3][0] == '1');
    }
    for (size_t k = 0; rc == GLA_OK && k < nctx; k++) {
        /* contexts hold no control characters */
        for (char *p = f[at + 1 + k]; *p; p++)
            if ((unsigned char)*p < 0x20)
                *p = ' ';
        rc = offer_context(it, f[at + 1 + k], strlen(f[at + 1 + k]));
    }
    return rc;
}

int gla_extractor_merge(gla_extractor *x, FILE *f, const char *name)
{
    if (!x || !f)
        return GLA_EINVAL;
    x->err[0] = '\0';
    mstate ms = {name ? name : "<counts>", 0, 0, 0, 0, 0};
    gla_buf line = GLA_BUF_INIT;
    char **fv = NULL;
    size_t fcap = 0;
    char chunk[65536];
    int rc = GLA_OK;
    for (;;) {
        gla_buf_clear(&line);
        int got = 0, ended = 0;
        while (fgets(chunk, sizeof chunk, f)) {
            size_t n = strlen(chunk);
            got = 1;
            if (gla_buf_put(&line, chunk, n) != GLA_OK) {
                rc = GLA_ENOMEM;
                break;
            }
            if (n && chunk[n - 1] == '\n') {
                ended = 1;
                break;
            }
        }
        if (rc != GLA_OK || !got)
            break;
        ms.line++;
        if (!ended) {
            rc = merr(x, &ms, "truncated line (no line end)");
            break;
        }
        line.data[--line.len] = '\0';
        if (line.len && line.data[line.len - 1] == '\r')
            line.data[--line.len] = '\0';
        if (strlen(line.data) != line.len) {
            rc = merr(x, &ms, "a NUL byte in the line");
            break;
        }
        if (ms.line == 1 && strncmp(line.data, "#", 1) != 0) {
            rc = merr(x, &ms, "not glossalign extract counts (the first "
                              "line is not a '%s' header)", counts_magic);
            break;
        }
        rc = merge_line(x, &ms, line.data, &fv, &fcap);
        if (rc != GLA_OK)
            break;
    }
    if (rc == GLA_OK && ferror(f)) {
        snprintf(x->err, sizeof x->err, "%s: cannot read", ms.name);
        rc = GLA_EIO;
    }
    if (rc == GLA_OK && !ms.headers)
        rc = merr(x, &ms, "no '%s' header: empty or not counts",
                  counts_magic);
    if (rc == GLA_OK && (ms.ends != ms.headers || ms.items != ms.expect))
        rc = merr(x, &ms, "incomplete: %zu header(s), %zu '#end' "
                          "trailer(s), %zu items where the trailers announce "
                          "%zu (truncated or cut?)",
                  ms.headers, ms.ends, ms.items, ms.expect);
    if (rc == GLA_OK && x->n_phrases > x->o.max_items)
        rc = prune(x);
    if (rc == GLA_OK) {
        qsort(x->sources, x->n_sources, sizeof *x->sources, cmp_str);
        gla_buf_clear(&x->srcjoin);
        for (size_t i = 0; rc == GLA_OK && i < x->n_sources; i++) {
            if (i && gla_buf_put(&x->srcjoin, " ", 1) != GLA_OK)
                rc = GLA_ENOMEM;
            if (rc == GLA_OK && gla_buf_puts(&x->srcjoin, x->sources[i]) !=
                                    GLA_OK)
                rc = GLA_ENOMEM;
        }
    }
    if (rc == GLA_ENOMEM && !x->err[0])
        snprintf(x->err, sizeof x->err, "%s:%zu: out of memory", ms.name,
                 ms.line);
    free(fv);
    gla_buf_dispose(&line);
    return rc;
}

const char *gla_extractor_sources(const gla_extractor *x)
{
    return x && x->srcjoin.data ? x->srcjoin.data : "";
}
