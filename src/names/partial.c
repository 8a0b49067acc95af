/*
 * Partial mentions next to a term matcher (glossalign/partial.h): a name
 * set holding only the matcher's rank titles and the persons the document
 * names, a document context over it, and the matcher's mentions fed in
 * order so that each stretch is searched against the people named before.
 */
#include "names_int.h"

#include <glossalign/partial.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct gla_partial {
    const gla_matcher *m;    /* the matcher (not owned) */
    gla_names *nm;           /* titles and people met; NULL before one */
    gla_names_ctx *ctx;      /* the people named so far */
    uint32_t *midx;          /* per entry of nm: its concept in m */
    size_t cap_midx;         /* allocated */
    uint32_t *nidx;          /* per concept of m: its entry in nm + 1 */
    gla_partial_hit *hits;   /* hits of the last feed */
    size_t n_hits, cap_hits; /* used, allocated */
    gla_span *skip;          /* mentions of a segment, relative to it */
    size_t cap_skip;         /* allocated */
    char errmsg[256];        /* last failure */
};

int gla_partial_new(gla_partial **out, const gla_matcher *m)
{
    if (!out || !m)
        return GLA_EINVAL;
    gla_partial *p = calloc(1, sizeof *p);
    if (!p)
        return GLA_ENOMEM;
    p->m = m;
    *out = p;
    return GLA_OK;
}

void gla_partial_free(gla_partial *p)
{
    if (!p)
        return;
    gla_names_ctx_free(p->ctx);
    gla_names_free(p->nm);
    free(p->midx);
    free(p->nidx);
    free(p->hits);
    free(p->skip);
    free(p);
}

const char *gla_partial_errmsg(const gla_partial *p)
{
    return p ? p->errmsg : "";
}

void gla_partial_reset(gla_partial *p)
{
    if (!p)
        return;
    gla_names_ctx_reset(p->ctx);
    p->n_hits = 0;
}

size_t gla_partial_people(const gla_partial *p)
{
    return p && p->ctx ? gla_nm_ctx_count(p->ctx) : 0;
}

const gla_partial_hit *gla_partial_hits(const gla_partial *p, size_t *n)
{
    if (n)
        *n = p ? p->n_hits : 0;
    return p ? p->hits : NULL;
}

/* Concept `idx` of the matcher as a store entry (strings borrowed). */
static int entry_of_matcher(gla_entry *e, gla_term **terms, size_t *cap,
                            const gla_matcher *m, uint32_t idx)
{
    gla_match_entry me;
    if (gla_matcher_entry(&me, m, idx) != GLA_OK)
        return GLA_EINVAL;
    if (me.n_terms > *cap) {
        gla_term *t = realloc(*terms, me.n_terms * sizeof *t);
        if (!t)
            return GLA_ENOMEM;
        *terms = t;
        *cap = me.n_terms;
    }
    memset(e, 0, sizeof *e);
    e->id = me.id;
    e->ref = (char *)me.ref;
    e->kind = me.kind;
    e->terms = *terms;
    for (size_t i = 0; i < me.n_terms; i++) {
        gla_match_term mt;
        gla_term *t = &e->terms[e->n_terms];
        if (gla_matcher_term(&mt, m, idx, i) != GLA_OK)
            continue;
        memset(t, 0, sizeof *t);
        t->lang = (char *)mt.lang;
        t->text = (char *)mt.text;
        t->status = mt.status;
        t->type = mt.type;
        e->n_terms++;
    }
    return GLA_OK;
}

/* At the first person: a name set of the matcher's rank titles alone. */
static int start(gla_partial *p)
{
    if (p->ctx)
        return GLA_OK;
    gla_names_opts o = GLA_NAMES_OPTS_INIT;
    o.kinds = GLA_NAMES_KIND(GLA_KIND_PERSON); /* added one by one */
    o.max_distance = 0;
    gla_names *nm = NULL;
    int rc = gla_names_new(&nm, &o);
    gla_term *terms = NULL;
    size_t cap = 0, n = gla_matcher_entry_count(p->m);
    for (uint32_t i = 0; rc == GLA_OK && i < n; i++) {
        gla_match_entry me;
        if (gla_matcher_entry(&me, p->m, i) != GLA_OK ||
            me.kind != GLA_KIND_RANK)
            continue;
        gla_entry e;
        rc = entry_of_matcher(&e, &terms, &cap, p->m, i);
        if (rc == GLA_OK)
            rc = gla_names_add_entry(nm, &e);
        if (rc == GLA_EINVAL)
            snprintf(p->errmsg, sizeof p->errmsg, "%s", gla_names_errmsg(nm));
    }
    free(terms);
    if (rc == GLA_OK)
        rc = gla_names_build(nm);
    gla_names_ctx *ctx = NULL;
    if (rc == GLA_OK)
        rc = gla_names_ctx_new(&ctx, nm);
    if (rc != GLA_OK) {
        gla_names_free(nm);
        return rc;
    }
    /* The caller's matcher finds the full mentions. */
    gla_names_ctx_set_detect_full(ctx, 0);
    gla_nm_ctx_set_lazy(ctx, 1);
    p->nidx = calloc(n + 1, sizeof *p->nidx);
    if (!p->nidx) {
        gla_names_ctx_free(ctx);
        gla_names_free(nm);
        return GLA_ENOMEM;
    }
    p->nm = nm;
    p->ctx = ctx;
    return GLA_OK;
}

/* The index of the set's entry with this ref, or GLA_NM_NONE. */
static uint32_t entry_of_ref(const gla_names *nm, const char *ref)
{
    uint32_t e = gla_nm_map_get(&nm->ref_map, gla_nm_hash(ref, strlen(ref)));
    if (e != GLA_NM_NONE && strcmp(nm_str(nm, nm->entries[e].ref), ref) != 0)
        return GLA_NM_NONE;
    return e;
}

/* Make concept `idx` (a person) an entry of the set, once; its index via
 * *out. The set is built: its per-entry scratch grows with it. */
static int add_person(gla_partial *p, uint32_t idx, const char *ref,
                      uint32_t *out)
{
    gla_names *nm = p->nm;
    if (p->nidx[idx]) {
        *out = p->nidx[idx] - 1;
        return GLA_OK;
    }
    size_t n = nm->n_entries;
    if (n + 1 >= UINT32_MAX - 1)
        return GLA_ENOMEM;
    if (n + 1 > nm->cap_entries) {
        size_t cap = nm->cap_entries ? nm->cap_entries * 2 : 64;
        nm_entry *v = realloc(nm->entries, cap * sizeof *v);
        if (!v)
            return GLA_ENOMEM;
        nm->entries = v;
        nm->cap_entries = cap;
    }
    if (n + 1 > p->cap_midx) {
        size_t cap = p->cap_midx ? p->cap_midx * 2 : 64;
        uint32_t *v = realloc(p->midx, cap * sizeof *v);
        uint32_t *st = realloc(nm->ent_stamp, (cap + 1) * sizeof *st);
        if (v)
            p->midx = v;
        if (st)
            nm->ent_stamp = st;
        uint32_t *sl = st ? realloc(nm->ent_slot, (cap + 1) * sizeof *sl)
                          : NULL;
        if (sl)
            nm->ent_slot = sl;
        if (!v || !st || !sl)
            return GLA_ENOMEM;
        memset(nm->ent_stamp + n, 0, (cap + 1 - n) * sizeof *st);
        memset(nm->ent_slot + n, 0, (cap + 1 - n) * sizeof *sl);
        p->cap_midx = cap;
    }
    /* What a candidate needs: id, ref and kind. Its preferred terms are
     * the matcher's business (gla_matcher_targets()). */
    gla_match_entry me;
    int rc = gla_matcher_entry(&me, p->m, idx);
    nm_entry ent;
    memset(&ent, 0, sizeof ent);
    ent.id = me.id;
    ent.kind = (uint8_t)GLA_KIND_PERSON;
    ent.vi = ent.fr = ent.en = GLA_NM_NONE;
    if (rc == GLA_OK)
        rc = gla_nm_intern(nm, &ent.ref, ref, strlen(ref));
    if (rc == GLA_OK)
        rc = gla_nm_map_put(&nm->ref_map, gla_nm_hash(ref, strlen(ref)),
                            (uint32_t)n, NULL);
    if (rc != GLA_OK)
        return rc;
    nm->entries[n] = ent;
    p->midx[n] = idx;
    p->nidx[idx] = (uint32_t)n + 1;
    *out = (uint32_t)n;
    nm->ent_stamp[n] = nm->ent_slot[n] = 0;
    nm->n_entries = n + 1;
    return GLA_OK;
}

static int hit_push(gla_partial *p, const gla_partial_hit *h)
{
    if (p->n_hits == p->cap_hits) {
        size_t cap = p->cap_hits ? p->cap_hits * 2 : 16;
        gla_partial_hit *v = realloc(p->hits, cap * sizeof *v);
        if (!v)
            return GLA_ENOMEM;
        p->hits = v;
        p->cap_hits = cap;
    }
    p->hits[p->n_hits++] = *h;
    return GLA_OK;
}

/* Search text[a, b) (document offset base + a) against the context;
 * mentions ms[lo, n) mask the text they cover (those before lo end by a;
 * they are in order of start). */
static int segment(gla_partial *p, const char *text, size_t a, size_t b,
                   size_t base, const gla_mention *ms, size_t lo, size_t n)
{
    if (b <= a || gla_nm_ctx_count(p->ctx) == 0)
        return GLA_OK;
    size_t ns = 0;
    for (size_t i = lo; i < n && ms[i].span.start - base < b; i++) {
        size_t s = ms[i].span.start - base, e = ms[i].span.end - base;
        if (e <= a)
            continue;
        if (ns == p->cap_skip) {
            size_t cap = p->cap_skip ? p->cap_skip * 2 : 64;
            gla_span *v = realloc(p->skip, cap * sizeof *v);
            if (!v)
                return GLA_ENOMEM;
            p->skip = v;
            p->cap_skip = cap;
        }
        p->skip[ns].start = (s > a ? s : a) - a;
        p->skip[ns++].end = e - a;
    }
    gla_name_hits *h = NULL;
    int rc = gla_nm_ctx_scan_quick(&h, p->ctx, text + a, b - a, p->skip, ns);
    if (rc == GLA_EUTF8)
        return GLA_OK; /* text that is not UTF-8 names nobody */
    if (rc != GLA_OK)
        return rc;
    for (size_t i = 0; i < h->n && rc == GLA_OK; i++) {
        const gla_name_hit *x = &h->hits[i];
        const gla_name_matches *res = x->m;
        if (!res || res->n == 0)
            continue;
        uint32_t e = entry_of_ref(p->nm, res->cands[0].ref);
        if (e == GLA_NM_NONE)
            continue;
        gla_partial_hit ph;
        memset(&ph, 0, sizeof ph);
        ph.span.start = base + a + x->name.start;
        ph.span.end = base + a + x->name.end;
        ph.title.start = base + a + res->query.title.start;
        ph.title.end = base + a + res->query.title.end;
        ph.entry = p->midx[e];
        gla_match_entry me;
        ph.ref = gla_matcher_entry(&me, p->m, ph.entry) == GLA_OK ? me.ref
                                                                  : "";
        ph.score = GLA_PARTIAL_SCORE;
        ph.ambiguous = res->status == GLA_NAME_AMBIGUOUS;
        for (size_t k = 1; k < res->n && ph.n_alt < GLA_PARTIAL_MAX_ALT; k++) {
            uint32_t ek = entry_of_ref(p->nm, res->cands[k].ref);
            if (ek != GLA_NM_NONE)
                ph.alt[ph.n_alt++] = p->midx[ek];
        }
        rc = hit_push(p, &ph);
    }
    gla_name_hits_free(h);
    return rc;
}

int gla_partial_feed(gla_partial *p, const char *text, size_t len,
                     size_t avail, size_t base, const gla_mention *mentions,
                     size_t n)
{
    if (!p || (!text && avail) || avail < len || (!mentions && n))
        return GLA_EINVAL;
    p->n_hits = 0;
    p->errmsg[0] = '\0';
    for (size_t i = 0; i < n; i++)
        if (mentions[i].span.start < base ||
            mentions[i].span.end < mentions[i].span.start ||
            mentions[i].span.start - base > avail) {
            snprintf(p->errmsg, sizeof p->errmsg,
                     "mention %zu [%zu, %zu) is outside the text [%zu, %zu)",
                     i, mentions[i].span.start, mentions[i].span.end, base,
                     base + avail);
            return GLA_EINVAL;
        }
    size_t pos = 0, lo = 0;
    int rc = GLA_OK;
    for (size_t i = 0; i < n && rc == GLA_OK; i++) {
        const gla_mention *mt = &mentions[i];
        gla_match_entry e;
        if (gla_matcher_entry(&e, p->m, mt->entry) != GLA_OK) {
            snprintf(p->errmsg, sizeof p->errmsg,
                     "mention %zu: no concept %u in the matcher", i,
                     (unsigned)mt->entry);
            return GLA_EINVAL;
        }
        if (e.kind != GLA_KIND_PERSON)
            continue;
        if ((rc = start(p)) != GLA_OK)
            break;
        size_t s = mt->span.start - base;
        size_t end = mt->span.end - base;
        if (end > avail)
            end = avail;
        if (s > pos) {
            while (lo < i && mentions[lo].span.end - base <= pos)
                lo++;
            if ((rc = segment(p, text, pos, s, base, mentions, lo, n)) !=
                GLA_OK)
                break;
            pos = s;
        }
        uint32_t ne;
        if ((rc = add_person(p, mt->entry, e.ref, &ne)) != GLA_OK)
            break;
        rc = gla_nm_ctx_add_entry(p->ctx, ne, text + s, end - s);
        if (rc != GLA_ENOMEM)
            rc = GLA_OK; /* a mention that does not parse as a name */
    }
    if (rc == GLA_OK && p->ctx) {
        while (lo < n && mentions[lo].span.end - base <= pos)
            lo++;
        rc = segment(p, text, pos, len, base, mentions, lo, n);
    }
    if (rc != GLA_OK) {
        p->n_hits = 0;
        if (!p->errmsg[0])
            snprintf(p->errmsg, sizeof p->errmsg, "%s", gla_strerror(rc));
    }
    return rc;
}
