/*
 * Target equivalents from aligned sentence pairs: every source concept that
 * lacks a target term is counted against every target n-gram (1 to 5
 * tokens) of the pairs it occurs in; Dice and Dunning's log-likelihood
 * rank the n-grams. Counts are keyed by integers, so memory grows with the
 * distinct n-grams, not with the corpus.
 */
#include <glossalign/extract.h>
#include <glossalign/normalize.h>
#include <glossalign/tokenize.h>

#include "extract_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct gla_proposer {
    const gla_matcher *m;   /* source-language glossary */
    gla_propose_opts o;     /* options */
    char tgt_lang[16];      /* target language */
    gla_scanner *sc;        /* source scan */
    gla_scanner *tsc;       /* target scan (o.tgt_m), or NULL */
    unsigned char *known;   /* per target token: inside a known term */
    size_t cap_known;       /* allocated */
    gla_tokenizer *tk;      /* target tokens */
    gla_tokens toks;        /* ... */
    gla_normalizer *nz;     /* keys */
    gla_strmap grams;       /* K1 n-gram -> id */
    char **gram_text;       /* id -> first surface */
    size_t *gram_count;     /* id -> pairs holding it */
    size_t *gram_len;       /* id -> tokens */
    size_t n_grams, cap_grams; /* used, allocated */
    size_t *concept_count;  /* concept -> pairs holding it */
    signed char *wanted;    /* concept -> 1 wanted, 0 not, -1 unknown */
    size_t n_concepts;      /* concepts in the matcher */
    gla_u64map joint;       /* (concept + 1) << 32 | gram id + 1 -> pairs */
    size_t pairs;           /* pairs fed */
    gla_buf tmp;            /* scratch */
    uint32_t *seen_c;       /* concepts of the current pair */
    size_t n_seen_c, cap_seen_c; /* used, allocated */
    size_t *seen_g;         /* n-gram ids of the current pair */
    size_t n_seen_g, cap_seen_g; /* used, allocated */
    char err[160];          /* last failure */
};

int gla_proposer_new(gla_proposer **out, const gla_matcher *src_m,
                     const gla_propose_opts *o)
{
    if (!out || !src_m || (o && o->version != GLA_PROPOSE_OPTS_VERSION))
        return GLA_EINVAL;
    *out = NULL;
    gla_proposer *p = calloc(1, sizeof *p);
    if (!p)
        return GLA_ENOMEM;
    static const gla_propose_opts def = GLA_PROPOSE_OPTS_INIT;
    p->o = o ? *o : def;
    snprintf(p->tgt_lang, sizeof p->tgt_lang, "%s",
             p->o.tgt_lang ? p->o.tgt_lang : "vi");
    p->o.tgt_lang = p->tgt_lang;
    if (!p->o.max_ngram || p->o.max_ngram > 5)
        p->o.max_ngram = 5;
    if (!p->o.min_joint)
        p->o.min_joint = 2;
    if (!p->o.per_concept)
        p->o.per_concept = 3;
    p->m = src_m;
    p->n_concepts = gla_matcher_entry_count(src_m);
    p->concept_count = calloc(p->n_concepts + 1, sizeof *p->concept_count);
    p->wanted = malloc(p->n_concepts + 1);
    int rc = p->concept_count && p->wanted ? GLA_OK : GLA_ENOMEM;
    if (rc == GLA_OK) {
        memset(p->wanted, -1, p->n_concepts + 1);
        rc = gla_scanner_new(&p->sc, src_m, NULL);
    }
    if (rc == GLA_OK)
        rc = gla_tokenizer_new(&p->tk);
    if (rc == GLA_OK)
        rc = gla_normalizer_new(&p->nz);
    if (rc == GLA_OK && p->o.tgt_m)
        rc = gla_scanner_new(&p->tsc, p->o.tgt_m, NULL);
    if (rc != GLA_OK) {
        gla_proposer_free(p);
        return rc;
    }
    *out = p;
    return GLA_OK;
}

void gla_proposer_free(gla_proposer *p)
{
    if (!p)
        return;
    gla_scanner_free(p->sc);
    gla_scanner_free(p->tsc);
    free(p->known);
    gla_tokenizer_free(p->tk);
    gla_tokens_dispose(&p->toks);
    gla_normalizer_free(p->nz);
    gla_strmap_dispose(&p->grams);
    for (size_t i = 0; i < p->n_grams; i++)
        free(p->gram_text[i]);
    free(p->gram_text);
    free(p->gram_count);
    free(p->gram_len);
    free(p->concept_count);
    free(p->wanted);
    gla_u64map_dispose(&p->joint);
    gla_buf_dispose(&p->tmp);
    free(p->seen_c);
    free(p->seen_g);
    free(p);
}

const char *gla_proposer_errmsg(const gla_proposer *p)
{
    return p ? p->err : "";
}

static int wanted(gla_proposer *p, uint32_t c)
{
    if (c >= p->n_concepts)
        return 0;
    if (p->wanted[c] < 0) {
        int w = 1;
        if (!p->o.all_concepts) {
            gla_buf_clear(&p->tmp);
            if (gla_matcher_targets(&p->tmp, p->m, c, p->tgt_lang) != GLA_OK)
                return 0;
            w = p->tmp.len == 0;
        }
        p->wanted[c] = (signed char)w;
    }
    return p->wanted[c] == 1;
}

static int push_gram(gla_proposer *p, size_t id)
{
    for (size_t i = 0; i < p->n_seen_g; i++)
        if (p->seen_g[i] == id)
            return GLA_OK;
    if (p->n_seen_g == p->cap_seen_g) {
        size_t cap = p->cap_seen_g ? p->cap_seen_g * 2 : 64;
        size_t *v = realloc(p->seen_g, cap * sizeof *v);
        if (!v)
            return GLA_ENOMEM;
        p->seen_g = v;
        p->cap_seen_g = cap;
    }
    p->seen_g[p->n_seen_g++] = id;
    return GLA_OK;
}

/* The id of an n-gram (created when new); SIZE_MAX on ENOMEM. */
static size_t gram_id(gla_proposer *p, const char *key, size_t kn,
                      const char *surface, size_t sn, size_t len)
{
    size_t id = gla_strmap_get(&p->grams, key, kn);
    if (id != SIZE_MAX)
        return id;
    if (p->n_grams == p->cap_grams) {
        size_t cap = p->cap_grams ? p->cap_grams * 2 : 1024;
        char **t = realloc(p->gram_text, cap * sizeof *t);
        if (!t)
            return SIZE_MAX;
        p->gram_text = t;
        size_t *c = realloc(p->gram_count, cap * sizeof *c);
        if (!c)
            return SIZE_MAX;
        p->gram_count = c;
        size_t *l = realloc(p->gram_len, cap * sizeof *l);
        if (!l)
            return SIZE_MAX;
        p->gram_len = l;
        p->cap_grams = cap;
    }
    char *s = gla_extract_surface(surface, sn);
    if (!s || gla_strmap_put(&p->grams, key, kn, p->n_grams) != GLA_OK) {
        free(s);
        return SIZE_MAX;
    }
    p->gram_text[p->n_grams] = s;
    p->gram_count[p->n_grams] = 0;
    p->gram_len[p->n_grams] = len;
    return p->n_grams++;
}

int gla_proposer_feed(gla_proposer *p, const char *src, size_t src_len,
                      const char *tgt, size_t tgt_len)
{
    if (!p || (!src && src_len) || (!tgt && tgt_len))
        return GLA_EINVAL;
    if (!src)
        src = "";
    if (!tgt)
        tgt = "";
    p->err[0] = '\0';
    int rc = gla_tokenize(&p->toks, p->tk, tgt, tgt_len);
    if (rc == GLA_EUTF8)
        snprintf(p->err, sizeof p->err, "target: %s",
                 gla_tokenizer_errmsg(p->tk));
    if (rc != GLA_OK)
        return rc;
    p->pairs++;
    /* concepts of the source */
    p->n_seen_c = 0;
    gla_scanner_reset(p->sc);
    if ((rc = gla_scanner_feed(p->sc, src, src_len, 1)) != GLA_OK)
        return rc;
    gla_mention mt;
    while (gla_scanner_next(&mt, p->sc) == GLA_OK) {
        int dup = 0;
        for (size_t i = 0; i < p->n_seen_c; i++)
            dup |= p->seen_c[i] == mt.entry;
        if (dup)
            continue;
        if (p->n_seen_c == p->cap_seen_c) {
            size_t cap = p->cap_seen_c ? p->cap_seen_c * 2 : 16;
            uint32_t *v = realloc(p->seen_c, cap * sizeof *v);
            if (!v)
                return GLA_ENOMEM;
            p->seen_c = v;
            p->cap_seen_c = cap;
        }
        p->seen_c[p->n_seen_c++] = mt.entry;
        if (mt.entry < p->n_concepts)
            p->concept_count[mt.entry]++;
    }
    gla_scanner_reset(p->sc);
    /* n-grams of the target: runs of words, cut by punctuation and
     * numbers; none may start or end with a function word */
    p->n_seen_g = 0;
    size_t nt = p->toks.n;
    if (nt + 1 > p->cap_known) {
        unsigned char *k = realloc(p->known, nt + 64);
        if (!k)
            return GLA_ENOMEM;
        p->known = k;
        p->cap_known = nt + 64;
    }
    memset(p->known, 0, nt + 1);
    if (p->tsc) {
        /* competitive linking: words already explained by a known term */
        gla_scanner_reset(p->tsc);
        if ((rc = gla_scanner_feed(p->tsc, tgt, tgt_len, 1)) != GLA_OK)
            return rc;
        size_t t = 0;
        while (gla_scanner_next(&mt, p->tsc) == GLA_OK) {
            /* only the translation of a concept of this source sentence
             * is explained: a known short term inside a longer unknown
             * one ("thư viện" in "thư viện dùng chung") is not */
            gla_match_entry te;
            uint32_t se;
            if (gla_matcher_entry(&te, p->o.tgt_m, mt.entry) != GLA_OK ||
                gla_matcher_find_ref(&se, p->m, te.ref) != GLA_OK)
                continue;
            int in_source = 0;
            for (size_t c = 0; c < p->n_seen_c; c++)
                in_source |= p->seen_c[c] == se;
            if (!in_source)
                continue;
            while (t < nt && p->toks.v[t].end <= mt.span.start)
                t++;
            for (size_t u = t; u < nt && p->toks.v[u].start < mt.span.end;
                 u++)
                p->known[u] = 1;
        }
        gla_scanner_reset(p->tsc);
    }
    for (size_t i = 0; i < nt; i++) {
        const gla_token *a = &p->toks.v[i];
        if (!(a->flags & GLA_TOK_WORD) || (a->flags & GLA_TOK_PART) ||
            p->known[i])
            continue;
        size_t words = 0;
        gla_buf_clear(&p->tmp);
        for (size_t j = i; j < nt && words < p->o.max_ngram; j++) {
            const gla_token *z = &p->toks.v[j];
            if (z->flags & GLA_TOK_PART)
                continue;
            if (!(z->flags & GLA_TOK_WORD) || p->known[j])
                break;
            words++;
            gla_key k;
            if ((rc = gla_token_key(&k, p->nz,
                                    (gla_level)gla_extract_stop_level(
                                        p->tgt_lang),
                                    tgt, z)) != GLA_OK)
                return rc;
            if (words == 1 && gla_extract_stopword(p->tgt_lang, k.s, k.len))
                break;
            if (gla_extract_stopword(p->tgt_lang, k.s, k.len))
                continue;
            gla_buf_clear(&p->tmp);
            if ((rc = gla_normalize_to_buf(&p->tmp, p->nz, GLA_K1,
                                           tgt + a->start,
                                           z->end - a->start)) != GLA_OK)
                return rc;
            if (!p->tmp.len)
                continue;
            size_t id = gram_id(p, p->tmp.data, p->tmp.len, tgt + a->start,
                                z->end - a->start, words);
            if (id == SIZE_MAX || push_gram(p, id) != GLA_OK)
                return GLA_ENOMEM;
        }
    }
    for (size_t g = 0; g < p->n_seen_g; g++)
        p->gram_count[p->seen_g[g]]++;
    for (size_t c = 0; c < p->n_seen_c; c++) {
        if (!wanted(p, p->seen_c[c]))
            continue;
        for (size_t g = 0; g < p->n_seen_g; g++) {
            uint64_t key = ((uint64_t)p->seen_c[c] + 1) << 32 |
                           ((uint64_t)p->seen_g[g] + 1);
            if (gla_u64map_add(&p->joint, key, 1) != GLA_OK)
                return GLA_ENOMEM;
        }
    }
    return GLA_OK;
}

static double xlogx(double k, double expect)
{
    return k > 0 && expect > 0 ? k * log(k / expect) : 0;
}

static double llr(double k11, double n1, double n2, double n)
{
    double k12 = n1 - k11, k21 = n2 - k11, k22 = n - n1 - n2 + k11;
    if (k22 < 0)
        k22 = 0;
    double r1 = n1, r2 = n - n1, c1 = n2, c2 = n - n2;
    return 2 * (xlogx(k11, r1 * c1 / n) + xlogx(k12, r1 * c2 / n) +
                xlogx(k21, r2 * c1 / n) + xlogx(k22, r2 * c2 / n));
}

typedef struct cand {
    uint32_t concept; /* source concept */
    const char *ref;  /* its ref, the first sort key */
    size_t gram;      /* n-gram id */
    size_t joint;     /* pairs with both */
    double dice;      /* rank keys */
    double llr;       /* ... */
    double score;     /* the first sort key: Dice */
} cand;

static int cmp_cand(const void *a, const void *b)
{
    const cand *x = a, *y = b;
    if (x->concept != y->concept) {
        int c = strcmp(x->ref, y->ref);
        if (c)
            return c;
        return x->concept < y->concept ? -1 : 1;
    }
    if (x->score != y->score)
        return x->score > y->score ? -1 : 1;
    if (x->dice != y->dice)
        return x->dice > y->dice ? -1 : 1;
    if (x->llr != y->llr)
        return x->llr > y->llr ? -1 : 1;
    return x->gram < y->gram ? -1 : x->gram > y->gram;
}

int gla_proposer_results(gla_proposer *p, gla_proposal_fn fn, void *ctx)
{
    if (!p || !fn)
        return GLA_EINVAL;
    size_t n = 0;
    cand *v = malloc((p->joint.n ? p->joint.n : 1) * sizeof *v);
    if (!v)
        return GLA_ENOMEM;
    for (size_t s = 0; s < p->joint.cap; s++) {
        uint64_t k = p->joint.keys[s];
        if (!k || p->joint.vals[s] < p->o.min_joint)
            continue;
        cand *c = &v[n++];
        c->concept = (uint32_t)((k >> 32) - 1);
        c->gram = (size_t)((k & 0xffffffffu) - 1);
        c->joint = p->joint.vals[s];
        gla_match_entry e;
        c->ref = gla_matcher_entry(&e, p->m, c->concept) == GLA_OK ? e.ref : "";
        double n1 = (double)p->concept_count[c->concept];
        double n2 = (double)p->gram_count[c->gram];
        c->dice = 2.0 * (double)c->joint / (n1 + n2);
        c->llr = llr((double)c->joint, n1, n2, (double)p->pairs);
        /* between an n-gram and its extension with equal counts, the
         * longer one wins the tie */
        c->dice += 1e-9 * (double)p->gram_len[c->gram];
        c->score = c->dice;
    }
    qsort(v, n, sizeof *v, cmp_cand);
    int rc = GLA_OK;
    size_t rank = 0;
    for (size_t i = 0; i < n && rc == GLA_OK; i++) {
        rank = i && v[i].concept == v[i - 1].concept ? rank + 1 : 1;
        if (rank > p->o.per_concept)
            continue;
        gla_match_entry e;
        if (gla_matcher_entry(&e, p->m, v[i].concept) != GLA_OK)
            continue;
        gla_proposal pr;
        pr.ref = e.ref;
        pr.source = e.canonical;
        pr.target = p->gram_text[v[i].gram];
        pr.rank = rank;
        pr.joint = v[i].joint;
        pr.n_source = p->concept_count[v[i].concept];
        pr.n_target = p->gram_count[v[i].gram];
        pr.dice = v[i].dice - 1e-9 * (double)p->gram_len[v[i].gram];
        pr.llr = v[i].llr;
        rc = fn(ctx, &pr);
    }
    free(v);
    return rc;
}
