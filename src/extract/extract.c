/*
 * Monolingual candidates: acronym definitions, Vietnamese-name-shaped
 * sequences, variant clusters and frequent phrases. Each document is
 * tokenised once and scanned once against the glossary; items are counted
 * in one map keyed by kind and key, so a corpus streams through.
 */
#include <glossalign/extract.h>
#include <glossalign/names.h>
#include <glossalign/normalize.h>
#include <glossalign/tokenize.h>

#include "extract_int.h"

#include <math.h>
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
    char *ctx[3];       /* first contexts */
    size_t n_ctx;       /* how many */
    char *known_ref;    /* a concept already touched */
    int dropped;        /* subsumed or pruned */
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
    char err[160];         /* last failure */
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
    free(x);
}

const char *gla_extractor_errmsg(const gla_extractor *x)
{
    return x ? x->err : "";
}

/* ---- items ------------------------------------------------------------- */

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
        return i;
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

/* Count one form of an item (forms are told apart by their K1 key). */
static int item_form(gla_extractor *x, item *it, const char *s, size_t n,
                     int known)
{
    gla_buf_clear(&x->tmp);
    int rc = gla_normalize_to_buf(&x->tmp, x->nz, GLA_K1, s, n);
    if (rc != GLA_OK)
        return rc;
    const char *k = x->tmp.data ? x->tmp.data : "";
    for (size_t i = 0; i < it->n_forms; i++)
        if (strcmp(it->form_keys[i], k) == 0) {
            it->fcount[i]++;
            if (known)
                it->fknown[i] = 1;
            return GLA_OK;
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
    it->fcount[it->n_forms] = 1;
    it->fknown[it->n_forms] = (unsigned char)(known != 0);
    it->n_forms++;
    return GLA_OK;
}

static int item_context(item *it, const char *text, size_t len, size_t a,
                        size_t b)
{
    if (it->n_ctx >= 3)
        return GLA_OK;
    char *c = gla_extract_context(text, len, a, b);
    if (!c)
        return GLA_ENOMEM;
    it->ctx[it->n_ctx++] = c;
    return GLA_OK;
}

static int item_known(item *it, const gla_matcher *m, uint32_t entry1)
{
    if (!entry1 || it->known_ref || !m)
        return GLA_OK;
    gla_match_entry e;
    if (gla_matcher_entry(&e, m, entry1 - 1) != GLA_OK)
        return GLA_OK;
    it->known_ref = gla_extract_dup(e.ref, strlen(e.ref));
    return it->known_ref ? GLA_OK : GLA_ENOMEM;
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
        rc = item_context(it, d->s, d->len, t0->start, ta->end);
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
                    rc = item_context(it, d->s, d->len, a->start, z->end);
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
                    if (rc == GLA_OK && it->n_ctx < 3 &&
                        (it->n_ctx == 0 || it->n_forms > it->n_ctx))
                        rc = item_context(it, d->s, d->len, a->start, z->end);
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
            it->ntok = len;
            if (it->n_ctx < 3 &&
                (rc = item_context(it, d->s, d->len, a->start, z->end)) !=
                    GLA_OK)
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
    size_t i;     /* item */
    double score; /* rank */
} ranked;

static int cmp_ranked(const void *a, const void *b)
{
    const ranked *x = a, *y = b;
    if (x->score != y->score)
        return x->score > y->score ? -1 : 1;
    return x->i < y->i ? -1 : x->i > y->i;
}

/* Phrases whose count is (almost) all inside one longer phrase are parts
 * of it: "Nations unies pour" inside "Force ... des Nations unies pour
 * Abyei". */
static void subsume(gla_extractor *x)
{
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
                x->items[j].dropped = 1;
        }
        if (sp2 > k + 1 && n + 3 < sizeof key) {
            int m = snprintf(key, sizeof key, "%d:%.*s", (int)GLA_CAND_PHRASE,
                             (int)(sp2 - 1 - k), k);
            size_t j = gla_strmap_get(&x->map, key, (size_t)m);
            if (j != SIZE_MAX && x->items[j].count * 9 <= it->count * 10)
                x->items[j].dropped = 1;
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
            if ((int)it->kind != kind || it->dropped)
                continue;
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
