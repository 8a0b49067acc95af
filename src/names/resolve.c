/*
 * The resolver: a compact in-memory copy of the glossary's names (one
 * arena of strings, flat arrays of entries, terms and distinct K2 keys,
 * open-addressing maps from string hashes) and the ranked look-up that
 * tries exact keys, family aliases, transliteration, initials and the
 * fuzzy index in turn, keeping each entry's best reason.
 */
#include "names_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Scores: docs/NAMES.md explains the ladder. */
#define SC_EXACT 1.00
#define SC_DIACRITICS 0.95
#define SC_MARKS_DIFFER 0.85
#define SC_TRANSLIT 0.90
#define SC_ALIAS 0.80
#define SC_EDIT_BASE 0.90     /* minus 0.10 per edit */
#define SC_INITIALS 0.85      /* minus 0.05 per edit of the surname */
#define SC_SURNAME 0.60       /* minus 0.05 per edit */
#define SC_SUBSET 0.75        /* given names omitted; minus 0.05 per edit */
#define SC_ORDER_PENALTY 0.01 /* reordered on an ALL-CAPS family */
#define SC_GUESS_ORDER_PENALTY 0.03 /* reordered on the family list alone */
#define AMBIGUITY_GAP 0.02

/* ---- small helpers ------------------------------------------------------- */

void gla_nm_seterr(gla_names *nm, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(nm->errmsg, sizeof nm->errmsg, fmt, ap);
    va_end(ap);
}

const char *gla_names_errmsg(const gla_names *nm)
{
    return nm ? nm->errmsg : "no names set";
}

static int grow(void **p, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return GLA_OK;
    size_t c = *cap ? *cap : 16;
    while (c < need)
        c *= 2;
    void *q = realloc(*p, c * size);
    if (!q)
        return GLA_ENOMEM;
    *p = q;
    *cap = c;
    return GLA_OK;
}

int gla_nm_intern(gla_names *nm, uint32_t *off, const char *s, size_t len)
{
    if (nm->arena.len + len + 1 >= (size_t)UINT32_MAX)
        return GLA_ENOMEM;
    *off = (uint32_t)nm->arena.len;
    int rc = gla_buf_put(&nm->arena, s, len);
    if (rc == GLA_OK)
        rc = gla_buf_put(&nm->arena, "", 1);
    return rc;
}

/* ---- the hash map
 * ------------------------------------------------------------ */

static int map_grow(nm_map *m)
{
    size_t cap = m->cap ? m->cap * 2 : 64;
    uint64_t *h = calloc(cap, sizeof *h);
    uint32_t *v = calloc(cap, sizeof *v); /* saved whole in the cache */
    if (!h || !v) {
        free(h);
        free(v);
        return GLA_ENOMEM;
    }
    for (size_t i = 0; i < m->cap; i++) {
        if (!m->hash[i])
            continue;
        size_t p = m->hash[i] & (cap - 1);
        while (h[p])
            p = (p + 1) & (cap - 1);
        h[p] = m->hash[i];
        v[p] = m->val[i];
    }
    free(m->hash);
    free(m->val);
    m->hash = h;
    m->val = v;
    m->cap = cap;
    return GLA_OK;
}

int gla_nm_map_put(nm_map *m, uint64_t h, uint32_t val, uint32_t *old)
{
    if ((m->n + 1) * 4 > m->cap * 3) {
        int rc = map_grow(m);
        if (rc != GLA_OK)
            return rc;
    }
    size_t p = h & (m->cap - 1);
    while (m->hash[p] && m->hash[p] != h)
        p = (p + 1) & (m->cap - 1);
    if (old)
        *old = m->hash[p] ? m->val[p] : GLA_NM_NONE;
    if (!m->hash[p]) {
        m->hash[p] = h;
        m->n++;
    }
    m->val[p] = val;
    return GLA_OK;
}

uint32_t gla_nm_map_get(const nm_map *m, uint64_t h)
{
    if (!m->cap)
        return GLA_NM_NONE;
    size_t p = h & (m->cap - 1);
    while (m->hash[p]) {
        if (m->hash[p] == h)
            return m->val[p];
        p = (p + 1) & (m->cap - 1);
    }
    return GLA_NM_NONE;
}

void gla_nm_map_dispose(nm_map *m)
{
    free(m->hash);
    free(m->val);
    memset(m, 0, sizeof *m);
}

/* ---- life cycle
 * -------------------------------------------------------------- */

int gla_names_new(gla_names **out, const gla_names_opts *opts)
{
    if (!out)
        return GLA_EINVAL;
    *out = NULL;
    gla_names_opts o = GLA_NAMES_OPTS_INIT;
    if (opts) {
        if (opts->version != GLA_NAMES_OPTS_VERSION || opts->max_distance < 0 ||
            opts->max_distance > 2)
            return GLA_EINVAL;
        o = *opts;
    }
    gla_names *nm = calloc(1, sizeof *nm);
    if (!nm)
        return GLA_ENOMEM;
    nm->opts = o;
    int rc = gla_normalizer_new(&nm->norm);
    if (rc == GLA_OK)
        rc = gla_buf_put(&nm->arena, "", 1); /* offset 0: the empty string */
    if (rc != GLA_OK) {
        gla_names_free(nm);
        return rc;
    }
    *out = nm;
    return GLA_OK;
}

void gla_names_free(gla_names *nm)
{
    if (!nm)
        return;
    gla_buf_dispose(&nm->arena);
    free(nm->entries);
    free(nm->terms);
    free(nm->keys);
    free(nm->surs);
    free(nm->titles);
    gla_nm_map_dispose(&nm->key_map);
    gla_nm_map_dispose(&nm->k3_map);
    gla_nm_map_dispose(&nm->sur_map);
    gla_nm_map_dispose(&nm->ref_map);
    gla_nm_map_dispose(&nm->title_map);
    gla_fz_dispose(&nm->fz);
    gla_fz_dispose(&nm->fz_sur);
    gla_normalizer_free(nm->norm);
    free(nm->seen);
    free(nm->seen_sur);
    free(nm->ent_stamp);
    free(nm->ent_slot);
    free(nm);
}

size_t gla_names_entry_count(const gla_names *nm)
{
    return nm ? nm->n_entries : 0;
}

size_t gla_names_key_count(const gla_names *nm)
{
    return nm ? nm->n_keys : 0;
}

size_t gla_names_index_bytes(const gla_names *nm)
{
    if (!nm)
        return 0;
    return gla_fz_bytes(&nm->fz) + gla_fz_bytes(&nm->fz_sur) +
           (nm->key_map.cap + nm->k3_map.cap + nm->sur_map.cap +
            nm->ref_map.cap) *
               (sizeof(uint64_t) + sizeof(uint32_t)) +
           nm->n_keys * (sizeof(nm_key) + sizeof(uint32_t)) +
           nm->n_terms * sizeof(nm_term) + nm->n_entries * sizeof(nm_entry);
}

/* ---- adding entries
 * ------------------------------------------------------------ */

static int lang_is(const char *lang, const char *want)
{
    if (!lang)
        return 0;
    size_t l = strlen(want);
    return strncmp(lang, want, l) == 0 && (lang[l] == '\0' || lang[l] == '-');
}

static int add_title(gla_names *nm, const char *s, size_t len, uint32_t ref)
{
    nm_q q = NM_Q_INIT;
    gla_key k;
    int rc = gla_normalize(&k, nm->norm, GLA_K2, s, len);
    if (rc != GLA_OK)
        return rc;
    nm_tok toks[64];
    size_t n = gla_nm_tokens(toks, 64, &k, s, len);
    if (n == 0 || n == (size_t)-1)
        return GLA_OK; /* nothing usable, or absurdly long: not a title */
    for (size_t i = 0; i < n && rc == GLA_OK; i++) {
        if (i)
            rc = gla_buf_put(&q.key, " ", 1);
        if (rc == GLA_OK)
            rc = gla_buf_put(&q.key, toks[i].s, toks[i].len);
    }
    uint64_t h = rc == GLA_OK ? gla_nm_hash(q.key.data, q.key.len) : 0;
    if (rc == GLA_OK && gla_nm_map_get(&nm->title_map, h) == GLA_NM_NONE) {
        rc = grow((void **)&nm->titles, &nm->cap_titles, nm->n_titles + 1,
                  sizeof *nm->titles);
        nm_title *t = rc == GLA_OK ? &nm->titles[nm->n_titles] : NULL;
        if (t)
            rc = gla_nm_intern(nm, &t->key, q.key.data, q.key.len);
        if (rc == GLA_OK) {
            t->len = (uint32_t)q.key.len;
            t->ref = ref;
            rc =
                gla_nm_map_put(&nm->title_map, h, (uint32_t)nm->n_titles, NULL);
        }
        if (rc == GLA_OK) {
            nm->n_titles++;
            if (n > nm->title_max_tokens)
                nm->title_max_tokens = n;
        }
    }
    gla_nm_q_dispose(&q);
    return rc;
}

static int add_term(gla_names *nm, uint32_t entry, const gla_term *t,
                    int person)
{
    size_t len = strlen(t->text);
    nm_q q = NM_Q_INIT;
    gla_buf k3 = GLA_BUF_INIT;
    int rc = gla_nm_q_parse(&q, nm, t->text, len, 0);
    if (rc == GLA_ENOTFOUND || rc == GLA_EINVAL) {
        rc = GLA_OK; /* no name tokens, or too many: not a name */
        goto done;
    }
    if (rc != GLA_OK)
        goto done;
    rc = grow((void **)&nm->terms, &nm->cap_terms, nm->n_terms + 1,
              sizeof *nm->terms);
    if (rc != GLA_OK)
        goto done;
    uint32_t ti = (uint32_t)nm->n_terms;
    nm_term *term = &nm->terms[ti];
    memset(term, 0, sizeof *term);
    term->entry = entry;
    term->surname = GLA_NM_NONE;
    term->k3_next = GLA_NM_NONE;
    term->sur_next = GLA_NM_NONE;
    if ((rc = gla_nm_intern(nm, &term->text, t->text, len)) != GLA_OK)
        goto done;
    uint64_t h = gla_nm_hash(q.key.data, q.key.len);
    uint32_t ki = gla_nm_map_get(&nm->key_map, h);
    if (ki == GLA_NM_NONE) {
        rc = grow((void **)&nm->keys, &nm->cap_keys, nm->n_keys + 1,
                  sizeof *nm->keys);
        if (rc != GLA_OK)
            goto done;
        ki = (uint32_t)nm->n_keys;
        nm_key *k = &nm->keys[ki];
        if ((rc = gla_nm_intern(nm, &k->off, q.key.data, q.key.len)) != GLA_OK)
            goto done;
        k->len = (uint32_t)q.key.len;
        k->term = GLA_NM_NONE;
        if ((rc = gla_nm_map_put(&nm->key_map, h, ki, NULL)) != GLA_OK)
            goto done;
        nm->n_keys++;
    }
    term = &nm->terms[ti];
    term->key = ki;
    term->next = nm->keys[ki].term;
    nm->keys[ki].term = ti;
    /* The transliteration key of the whole name. */
    rc = gla_normalize_to_buf(&k3, nm->norm, GLA_K3, q.key.data, q.key.len);
    if (rc == GLA_OK)
        rc = gla_nm_intern(nm, &nm->terms[ti].k3, k3.data ? k3.data : "",
                           k3.len);
    if (rc != GLA_OK)
        goto done;
    /* Foreign persons are also found by surname (initials, "Beloussov"). */
    if (person && q.name.order == GLA_NAME_GIVEN_FIRST &&
        q.name.family[1] > q.name.family[0]) {
        const nm_tok *s = nm_q_tok(&q, q.name.family[0]);
        gla_buf_clear(&k3);
        rc = gla_normalize_to_buf(&k3, nm->norm, GLA_K3, s->s, s->len);
        if (rc != GLA_OK || k3.len == 0)
            goto done;
        uint64_t sh = gla_nm_hash(k3.data, k3.len);
        uint32_t si = gla_nm_map_get(&nm->sur_map, sh);
        if (si == GLA_NM_NONE) {
            rc = grow((void **)&nm->surs, &nm->cap_surs, nm->n_surs + 1,
                      sizeof *nm->surs);
            if (rc != GLA_OK)
                goto done;
            si = (uint32_t)nm->n_surs;
            nm_key *sk = &nm->surs[si];
            if ((rc = gla_nm_intern(nm, &sk->off, k3.data, k3.len)) != GLA_OK)
                goto done;
            sk->len = (uint32_t)k3.len;
            sk->term = GLA_NM_NONE;
            if ((rc = gla_nm_map_put(&nm->sur_map, sh, si, NULL)) != GLA_OK)
                goto done;
            nm->n_surs++;
        }
        nm->terms[ti].surname = si;
        nm->terms[ti].sur_next = nm->surs[si].term;
        nm->surs[si].term = ti;
    }
    nm->n_terms++;
done:
    gla_buf_dispose(&k3);
    gla_nm_q_dispose(&q);
    return rc;
}

int gla_names_add_entry(gla_names *nm, const gla_entry *e)
{
    if (!nm || !e)
        return GLA_EINVAL;
    if (nm->built) {
        gla_nm_seterr(nm, "entries must be added before gla_names_build()");
        return GLA_EINVAL;
    }
    int rc = GLA_OK;
    char idref[32];
    const char *ref = e->ref;
    if (!ref || !*ref) {
        snprintf(idref, sizeof idref, "#%lld", (long long)e->id);
        ref = idref;
    }
    if (e->kind == GLA_KIND_RANK) {
        uint32_t roff;
        if ((rc = gla_nm_intern(nm, &roff, ref, strlen(ref))) != GLA_OK)
            return rc;
        for (size_t i = 0; i < e->n_terms && rc == GLA_OK; i++) {
            const gla_term *t = &e->terms[i];
            if (!t->text || !*t->text)
                continue;
            rc = add_title(nm, t->text, strlen(t->text), roff);
            if (rc == GLA_EUTF8)
                gla_nm_seterr(nm, "%s: term %zu is not valid UTF-8", ref,
                              i + 1);
        }
        if (rc == GLA_EUTF8)
            rc = GLA_EINVAL;
        if (rc != GLA_OK || !(nm->opts.kinds & GLA_NAMES_KIND(e->kind)))
            return rc;
    }
    if (!(nm->opts.kinds & GLA_NAMES_KIND(e->kind)))
        return GLA_OK;
    rc = grow((void **)&nm->entries, &nm->cap_entries, nm->n_entries + 1,
              sizeof *nm->entries);
    if (rc != GLA_OK)
        return rc;
    uint32_t ei = (uint32_t)nm->n_entries;
    nm_entry *ent = &nm->entries[ei];
    memset(ent, 0, sizeof *ent);
    ent->id = e->id;
    ent->kind = (uint8_t)e->kind;
    ent->vi = ent->fr = ent->en = GLA_NM_NONE;
    if ((rc = gla_nm_intern(nm, &ent->ref, ref, strlen(ref))) != GLA_OK)
        return rc;
    /* Preferred term per language: a preferred one, else the first one
     * that is neither deprecated nor forbidden, else the first. */
    static const char *const langs[3] = {"vi", "fr", "en"};
    for (int l = 0; l < 3; l++) {
        const gla_term *best = NULL;
        int rank = 9;
        for (size_t i = 0; i < e->n_terms; i++) {
            const gla_term *t = &e->terms[i];
            if (!t->text || !*t->text || !lang_is(t->lang, langs[l]))
                continue;
            int r = t->status == GLA_STATUS_PREFERRED    ? 0
                    : (t->status == GLA_STATUS_ADMITTED) ? 1
                                                         : 2;
            if (r < rank) {
                rank = r;
                best = t;
            }
        }
        if (best) {
            uint32_t off;
            if ((rc = gla_nm_intern(nm, &off, best->text,
                                    strlen(best->text))) != GLA_OK)
                return rc;
            if (l == 0)
                nm->entries[ei].vi = off;
            else if (l == 1)
                nm->entries[ei].fr = off;
            else
                nm->entries[ei].en = off;
        }
    }
    size_t before = nm->n_terms;
    int person = e->kind == GLA_KIND_PERSON;
    for (size_t i = 0; i < e->n_terms && rc == GLA_OK; i++) {
        const gla_term *t = &e->terms[i];
        if (!t->text || !*t->text)
            continue;
        rc = add_term(nm, ei, t, person);
        if (rc == GLA_EUTF8) {
            gla_nm_seterr(nm, "%s: term %zu is not valid UTF-8", ref, i + 1);
            rc = GLA_EINVAL;
        }
    }
    if (rc != GLA_OK)
        return rc;
    if (nm->n_terms == before)
        return GLA_OK; /* no term made a name: nothing to resolve to */
    for (size_t i = before; i < nm->n_terms; i++)
        if (nm->terms[i].surname != GLA_NM_NONE)
            nm->entries[ei].foreign = 1;
    rc = gla_nm_map_put(&nm->ref_map, gla_nm_hash(ref, strlen(ref)), ei, NULL);
    if (rc == GLA_OK)
        nm->n_entries++;
    return rc;
}

/* ---- building
 * ----------------------------------------------------------------- */

static const char *key_of(void *ctx, uint32_t id, size_t *len)
{
    const gla_names *nm = ctx;
    *len = nm->keys[id].len;
    return nm->arena.data + nm->keys[id].off;
}

static const char *surname_of(void *ctx, uint32_t id, size_t *len)
{
    const gla_names *nm = ctx;
    *len = nm->surs[id].len;
    return nm->arena.data + nm->surs[id].off;
}

int gla_names_build(gla_names *nm)
{
    if (!nm)
        return GLA_EINVAL;
    if (nm->built)
        return GLA_OK;
    int maxd = nm->opts.max_distance;
    /* Transliteration chains. */
    for (size_t i = 0; i < nm->n_terms; i++) {
        const char *k3 = nm->arena.data + nm->terms[i].k3;
        uint32_t old;
        int rc = gla_nm_map_put(&nm->k3_map, gla_nm_hash(k3, strlen(k3)),
                                (uint32_t)i, &old);
        if (rc != GLA_OK)
            return rc;
        nm->terms[i].k3_next = old;
    }
    int rc = gla_fz_build(&nm->fz, nm->n_keys, key_of, nm, maxd);
    if (rc == GLA_OK)
        rc = gla_fz_build(&nm->fz_sur, nm->n_surs, surname_of, nm, maxd);
    if (rc != GLA_OK)
        return rc;
    nm->seen = calloc(nm->n_keys + 1, sizeof *nm->seen);
    nm->seen_sur = calloc(nm->n_surs + 1, sizeof *nm->seen_sur);
    nm->ent_stamp = calloc(nm->n_entries + 1, sizeof *nm->ent_stamp);
    nm->ent_slot = calloc(nm->n_entries + 1, sizeof *nm->ent_slot);
    if (!nm->seen || !nm->seen_sur || !nm->ent_stamp || !nm->ent_slot)
        return GLA_ENOMEM;
    nm->built = 1;
    return GLA_OK;
}

/* ---- results
 * ---------------------------------------------------------------------- */

const char *gla_name_status_name(gla_name_status s)
{
    switch (s) {
    case GLA_NAME_RESOLVED: return "resolved";
    case GLA_NAME_AMBIGUOUS: return "ambiguous";
    case GLA_NAME_NONE: return "none";
    case GLA_NAME_FAMILY_ALONE: return "family-alone";
    }
    return "?";
}

void gla_name_matches_free(gla_name_matches *m)
{
    if (!m)
        return;
    free(m->key);
    free(m->cands);
    free(m);
}

gla_name_matches *gla_nm_matches_new(const nm_q *q)
{
    gla_name_matches *m = calloc(1, sizeof *m);
    if (!m)
        return NULL;
    m->status = GLA_NAME_NONE;
    if (q) {
        m->query = q->name;
        m->key = malloc(q->key.len + 1);
        if (!m->key) {
            free(m);
            return NULL;
        }
        memcpy(m->key, q->key.data ? q->key.data : "", q->key.len);
        m->key[q->key.len] = '\0';
    }
    return m;
}

void gla_nm_result_begin(gla_names *nm)
{
    if (++nm->ent_cur == 0) {
        memset(nm->ent_stamp, 0, (nm->n_entries + 1) * sizeof *nm->ent_stamp);
        nm->ent_cur = 1;
    }
}

/* Candidates are kept one per entry, with their best reason; the entry's
 * slot in the result is found through per-entry stamps, not a scan. */
int gla_nm_matches_push(gla_names *nm, gla_name_matches *m,
                        const gla_name_cand *c, uint32_t entry)
{
    if (nm->ent_stamp[entry] == nm->ent_cur) {
        gla_name_cand *o = &m->cands[nm->ent_slot[entry]];
        /* A better score wins; at equal scores, the simpler reason. */
        if (c->score > o->score + 1e-9 ||
            (c->score > o->score - 1e-9 &&
             __builtin_popcount(c->reasons) < __builtin_popcount(o->reasons)))
            *o = *c;
        return GLA_OK;
    }
    /* Grow by powers of two; n is the only size kept. */
    if ((m->n & (m->n - 1)) == 0) {
        size_t cap = m->n ? m->n * 2 : 4;
        gla_name_cand *p = realloc(m->cands, cap * sizeof *p);
        if (!p)
            return GLA_ENOMEM;
        m->cands = p;
    }
    nm->ent_stamp[entry] = nm->ent_cur;
    nm->ent_slot[entry] = (uint32_t)m->n;
    m->cands[m->n++] = *c;
    return GLA_OK;
}

static int cand_cmp(const void *a, const void *b)
{
    const gla_name_cand *x = a, *y = b;
    if (x->score > y->score + 1e-9)
        return -1;
    if (x->score < y->score - 1e-9)
        return 1;
    return strcmp(x->ref, y->ref);
}

void gla_nm_matches_finish(gla_name_matches *m, size_t limit)
{
    if (m->n > 1)
        qsort(m->cands, m->n, sizeof *m->cands, cand_cmp);
    if (m->status == GLA_NAME_FAMILY_ALONE)
        return;
    if (m->n == 0)
        m->status = GLA_NAME_NONE;
    else if (m->n >= 2 &&
             m->cands[1].score >= m->cands[0].score - AMBIGUITY_GAP)
        m->status = GLA_NAME_AMBIGUOUS;
    else
        m->status = GLA_NAME_RESOLVED;
    if (limit && m->n > limit)
        m->n = limit;
}

void gla_nm_cand_entry(gla_name_cand *c, const gla_names *nm, uint32_t e)
{
    const nm_entry *ent = &nm->entries[e];
    c->entry_id = ent->id;
    c->ref = nm_str(nm, ent->ref);
    c->kind = (gla_kind)ent->kind;
    c->vi = nm_str(nm, ent->vi);
    c->fr = nm_str(nm, ent->fr);
    c->en = nm_str(nm, ent->en);
}

int gla_name_reasons(gla_buf *out, const gla_name_cand *c)
{
    int rc = GLA_OK;
    const char *sep = "";
#define ADD(...)                                                               \
    do {                                                                       \
        if (rc == GLA_OK)                                                      \
            rc = gla_buf_printf(out, "%s", sep);                               \
        if (rc == GLA_OK)                                                      \
            rc = gla_buf_printf(out, __VA_ARGS__);                             \
        sep = ", ";                                                            \
    } while (0)
    if (c->reasons & GLA_NAME_R_PARTIAL)
        ADD("partial mention of %s", c->partial_of ? c->partial_of : "?");
    if (c->reasons & GLA_NAME_R_EXACT)
        ADD("exact");
    if (c->reasons & GLA_NAME_R_DIACRITICS)
        ADD("diacritics");
    if (c->reasons & GLA_NAME_R_MARKS_DIFFER)
        ADD("diacritics differ");
    if (c->reasons & GLA_NAME_R_ALIAS)
        ADD("alias %s", c->alias ? c->alias : "family");
    if (c->reasons & GLA_NAME_R_TRANSLIT)
        ADD("transliteration");
    if (c->reasons & GLA_NAME_R_INITIALS)
        ADD("initials");
    if (c->reasons & GLA_NAME_R_SURNAME)
        ADD("surname");
    if (c->reasons & GLA_NAME_R_SUBSET)
        ADD("partial name");
    if (c->reasons & GLA_NAME_R_EDIT)
        ADD("edit distance %d", c->distance);
    if (c->reasons & GLA_NAME_R_ORDER)
        ADD("NOM Prénom order");
#undef ADD
    if (rc == GLA_OK && !out->data)
        rc = gla_buf_put(out, "", 0);
    return rc;
}

/* ---- resolving
 * -------------------------------------------------------------------- */

/* Do the marks written in the query agree with the term's? Tokens are
 * compared pairwise on K1: a query token written with marks must carry
 * the term's letters, and a tone digit must be the term's. */
static int marks_agree(const char *q, const char *t)
{
    for (;;) {
        size_t ql = strcspn(q, " "), tl = strcspn(t, " ");
        size_t qb = ql, tb = tl;
        char qd = 0, td = 0;
        if (qb && q[qb - 1] >= '1' && q[qb - 1] <= '5')
            qd = q[--qb];
        if (tb && t[tb - 1] >= '1' && t[tb - 1] <= '5')
            td = t[--tb];
        int marked = 0;
        for (size_t i = 0; i < qb; i++)
            if ((unsigned char)q[i] >= 0x80)
                marked = 1;
        if (marked && (qb != tb || memcmp(q, t, qb) != 0))
            return 0;
        if (qd && qd != td)
            return 0;
        q += ql;
        t += tl;
        if (!*q || !*t)
            return 1; /* the end, or token counts differ: no opinion */
        q++;
        t++;
    }
}

typedef struct rq {
    gla_names *nm;       /* the set */
    nm_q *q;             /* the parsed query */
    const char *src;     /* the query text */
    gla_name_matches *m; /* results */
    gla_buf qk1;         /* the query's canonical K1 */
    gla_buf tk1;         /* scratch: a term's canonical K1 */
    nm_q tq;             /* scratch: a term's parse */
    uint32_t *found;     /* fuzzy hits: key numbers */
    size_t n_found, cap_found;
    int maxd;             /* edit budget */
    int reordered;        /* the key is "Prénom NOM" put family first */
    int oom;              /* a callback ran out of memory */
    double order_penalty; /* what reordering costs a candidate */
} rq;

static int push(rq *r, uint32_t term, double score, unsigned reasons,
                int distance, const char *alias)
{
    gla_name_cand c;
    memset(&c, 0, sizeof c);
    const nm_term *t = &r->nm->terms[term];
    gla_nm_cand_entry(&c, r->nm, t->entry);
    c.matched = nm_str(r->nm, t->text);
    if (r->reordered) {
        reasons |= GLA_NAME_R_ORDER;
        score -= r->order_penalty;
    }
    c.score = score;
    c.reasons = reasons;
    c.distance = distance;
    c.alias = alias;
    return gla_nm_matches_push(r->nm, r->m, &c, t->entry);
}

/* The canonical K1 of term `ti`, into r->tk1. */
static int term_k1(rq *r, uint32_t ti)
{
    const char *text = nm_str(r->nm, r->nm->terms[ti].text);
    gla_buf_clear(&r->tk1);
    int rc = gla_nm_q_parse(&r->tq, r->nm, text, strlen(text), 0);
    if (rc != GLA_OK)
        return rc;
    return gla_nm_k1_canon(&r->tk1, r->nm, &r->tq, text);
}

static int try_exact(rq *r, const char *key, size_t len, unsigned extra,
                     const char *alias)
{
    gla_names *nm = r->nm;
    uint32_t ki = gla_nm_map_get(&nm->key_map, gla_nm_hash(key, len));
    if (ki == GLA_NM_NONE || nm->keys[ki].len != len ||
        memcmp(nm->arena.data + nm->keys[ki].off, key, len) != 0)
        return GLA_OK;
    for (uint32_t ti = nm->keys[ki].term; ti != GLA_NM_NONE;
         ti = nm->terms[ti].next) {
        int rc;
        if (alias) {
            rc = push(r, ti, SC_ALIAS, GLA_NAME_R_ALIAS | extra, 0, alias);
        } else {
            if ((rc = term_k1(r, ti)) != GLA_OK)
                return rc;
            if (strcmp(r->qk1.data, r->tk1.data) == 0)
                rc = push(r, ti, SC_EXACT, GLA_NAME_R_EXACT | extra, 0, NULL);
            else if (marks_agree(r->qk1.data, r->tk1.data))
                rc = push(r, ti, SC_DIACRITICS, GLA_NAME_R_DIACRITICS | extra,
                          0, NULL);
            else
                rc = push(r, ti, SC_MARKS_DIFFER,
                          GLA_NAME_R_DIACRITICS | GLA_NAME_R_MARKS_DIFFER |
                              extra,
                          0, NULL);
        }
        if (rc != GLA_OK)
            return rc;
    }
    return GLA_OK;
}

/* Hoàng~Huỳnh and Vũ~Võ: the family swapped, looked up exactly. */
static int try_alias(rq *r)
{
    static const struct {
        const char *a, *b, *label;
    } pairs[] = {{"hoang", "huynh", "Hoàng~Huỳnh"},
                 {"huynh", "hoang", "Hoàng~Huỳnh"},
                 {"vu", "vo", "Vũ~Võ"},
                 {"vo", "vu", "Vũ~Võ"}};
    const gla_name *n = &r->q->name;
    if (n->order == GLA_NAME_GIVEN_FIRST || n->n_tokens < 2)
        return GLA_OK;
    const nm_tok *f = nm_q_tok(r->q, 0);
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
        if (f->len != strlen(pairs[i].a) || memcmp(f->s, pairs[i].a, f->len))
            continue;
        gla_buf alt = GLA_BUF_INIT;
        int rc = gla_buf_puts(&alt, pairs[i].b);
        if (rc == GLA_OK)
            rc = gla_buf_put(&alt, r->q->key.data + f->len,
                             r->q->key.len - f->len);
        if (rc == GLA_OK)
            rc = try_exact(r, alt.data, alt.len, 0, pairs[i].label);
        gla_buf_dispose(&alt);
        return rc;
    }
    return GLA_OK;
}

static int try_translit(rq *r)
{
    gla_names *nm = r->nm;
    gla_buf k3 = GLA_BUF_INIT;
    int rc = gla_normalize_to_buf(&k3, nm->norm, GLA_K3, r->q->key.data,
                                  r->q->key.len);
    if (rc == GLA_OK && k3.len > 0) {
        uint32_t ti = gla_nm_map_get(&nm->k3_map, gla_nm_hash(k3.data, k3.len));
        for (; rc == GLA_OK && ti != GLA_NM_NONE; ti = nm->terms[ti].k3_next) {
            const nm_key *tk = &nm->keys[nm->terms[ti].key];
            if (strcmp(nm_str(nm, nm->terms[ti].k3), k3.data) != 0 ||
                (tk->len == r->q->key.len &&
                 memcmp(nm->arena.data + tk->off, r->q->key.data, tk->len) ==
                     0))
                continue; /* same K2 key: the exact step's business */
            if (!nm->entries[nm->terms[ti].entry].foreign)
                continue; /* Vietnamese names are not transliterated */
            rc = push(r, ti, SC_TRANSLIT, GLA_NAME_R_TRANSLIT, 0, NULL);
        }
    }
    gla_buf_dispose(&k3);
    return rc;
}

static int on_key(void *ctx, uint32_t id)
{
    rq *r = ctx;
    gla_names *nm = r->nm;
    if (nm->seen[id] == nm->stamp)
        return 0;
    nm->seen[id] = nm->stamp;
    if (r->n_found == r->cap_found) {
        size_t cap = r->cap_found ? r->cap_found * 2 : 64;
        uint32_t *p = realloc(r->found, cap * sizeof *p);
        if (!p) {
            r->oom = 1;
            return 1;
        }
        r->found = p;
        r->cap_found = cap;
    }
    r->found[r->n_found++] = id;
    return 0;
}

static void next_stamp(gla_names *nm)
{
    if (++nm->stamp == 0) {
        memset(nm->seen, 0, (nm->n_keys + 1) * sizeof *nm->seen);
        memset(nm->seen_sur, 0, (nm->n_surs + 1) * sizeof *nm->seen_sur);
        nm->stamp = 1;
    }
}

/* The best score found so far. */
static double best_score(const rq *r)
{
    double b = 0;
    for (size_t i = 0; i < r->m->n; i++)
        if (r->m->cands[i].score > b)
            b = r->m->cands[i].score;
    return b;
}

/* Verify and push the keys found by a stage. */
static int push_found(rq *r, size_t from)
{
    gla_names *nm = r->nm;
    for (size_t i = from; i < r->n_found; i++) {
        const nm_key *k = &nm->keys[r->found[i]];
        int d = gla_nm_osa(r->q->key.data, r->q->key.len,
                           nm->arena.data + k->off, k->len, r->maxd);
        if (d == 0 || d > r->maxd)
            continue;
        for (uint32_t ti = k->term; ti != GLA_NM_NONE;
             ti = nm->terms[ti].next) {
            int rc =
                push(r, ti, SC_EDIT_BASE - 0.10 * d, GLA_NAME_R_EDIT, d, NULL);
            if (rc != GLA_OK)
                return rc;
        }
    }
    return GLA_OK;
}

/*
 * Misspellings, in two stages. Keys within one edit all share a variant
 * with at most one deletion on each side: that stage is cheap (L + 1
 * probes, key variants with two deletions skipped). The rest (two edits)
 * costs about L^2 / 2 probes and runs only when it could change the
 * verdict: when nothing found so far scores clearly above what two edits
 * score.
 */
static int try_fuzzy(rq *r)
{
    gla_names *nm = r->nm;
    if (r->maxd <= 0)
        return GLA_OK;
    const char *q = r->q->key.data;
    size_t len = r->q->key.len;
    double d1 = SC_EDIT_BASE - 0.10, d2 = SC_EDIT_BASE - 0.20;
    if (best_score(r) > d1 + AMBIGUITY_GAP + 1e-9)
        return GLA_OK;
    next_stamp(nm);
    r->n_found = 0;
    int rc = gla_fz_query_stage(&nm->fz, q, len, 0, 1, 0, 1, on_key, r);
    if (rc == GLA_OK && r->oom)
        rc = GLA_ENOMEM;
    if (rc == GLA_OK)
        rc = push_found(r, 0);
    if (rc != GLA_OK || r->maxd < 2 ||
        best_score(r) > d2 + AMBIGUITY_GAP + 1e-9)
        return rc;
    size_t from = r->n_found;
    rc = gla_fz_query_stage(&nm->fz, q, len, 0, 1, 2, 2, on_key, r);
    if (rc == GLA_OK)
        rc = gla_fz_query_stage(&nm->fz, q, len, 2, 2, 0, 2, on_key, r);
    if (rc == GLA_OK && r->oom)
        rc = GLA_ENOMEM;
    if (rc == GLA_OK)
        rc = push_found(r, from);
    return rc;
}

/* Does initial `in` (K2, e.g. "yu" or "m") begin the given name `g`? */
static int initial_fits(gla_names *nm, const char *in, size_t inl,
                        const char *g, size_t gl)
{
    char a[16], b[64];
    if (inl == 0 || inl >= sizeof a)
        return 0;
    memcpy(a, in, inl);
    if (a[0] == 'y' || a[0] == 'j')
        a[0] = 'i';
    if (gl < inl)
        return 0;
    /* Compare on K2 and on K3 of the given name (Iouri -> iuri). */
    size_t bl = gl < sizeof b ? gl : sizeof b - 1;
    memcpy(b, g, bl);
    if (b[0] == 'y' || b[0] == 'j')
        b[0] = 'i';
    if (memcmp(a, b, inl) == 0)
        return 1;
    gla_buf k3 = GLA_BUF_INIT;
    int ok = 0;
    if (gla_normalize_to_buf(&k3, nm->norm, GLA_K3, g, gl) == GLA_OK &&
        k3.len >= inl) {
        if (k3.data[0] == 'y' || k3.data[0] == 'j')
            k3.data[0] = 'i';
        ok = memcmp(a, k3.data, inl) == 0;
    }
    gla_buf_dispose(&k3);
    return ok;
}

/* Equal transliteration keys? */
static int same_k3(gla_names *nm, const char *a, size_t al, const char *b,
                   size_t bl)
{
    if (al == bl && memcmp(a, b, al) == 0)
        return 1;
    gla_buf ka = GLA_BUF_INIT, kb = GLA_BUF_INIT;
    int same = gla_normalize_to_buf(&ka, nm->norm, GLA_K3, a, al) == GLA_OK &&
               gla_normalize_to_buf(&kb, nm->norm, GLA_K3, b, bl) == GLA_OK &&
               ka.len == kb.len && memcmp(ka.data, kb.data, ka.len) == 0;
    gla_buf_dispose(&ka);
    gla_buf_dispose(&kb);
    return same;
}

static int try_surname(rq *r)
{
    gla_names *nm = r->nm;
    const gla_name *n = &r->q->name;
    if (n->order != GLA_NAME_GIVEN_FIRST || n->family[1] <= n->family[0] ||
        nm->n_surs == 0)
        return GLA_OK;
    int initials = (n->flags & GLA_NAME_INITIALS) != 0;
    const nm_tok *s = nm_q_tok(r->q, n->family[0]);
    gla_buf k3 = GLA_BUF_INIT;
    int rc = gla_normalize_to_buf(&k3, nm->norm, GLA_K3, s->s, s->len);
    if (rc != GLA_OK || k3.len == 0)
        goto done;
    int maxd = r->maxd;
    if (k3.len < 6 && maxd > 1)
        maxd = 1;
    next_stamp(nm);
    /* Collect surname numbers with their distances. */
    uint32_t *hits = NULL;
    size_t n_hits = 0, cap_hits = 0;
    uint32_t exact = gla_nm_map_get(&nm->sur_map, gla_nm_hash(k3.data, k3.len));
    r->n_found = 0;
    /* on_key marks `seen`; surnames use their own stamp array. */
    uint32_t *keep = nm->seen;
    nm->seen = nm->seen_sur;
    if (maxd > 0)
        rc = gla_fz_query(&nm->fz_sur, k3.data, k3.len, maxd, on_key, r);
    else if (exact != GLA_NM_NONE)
        on_key(r, exact);
    nm->seen = keep;
    if (rc == GLA_OK && r->oom)
        rc = GLA_ENOMEM;
    if (rc != GLA_OK)
        goto done;
    hits = r->found;
    n_hits = r->n_found;
    cap_hits = r->cap_found;
    (void)cap_hits;
    for (size_t h = 0; rc == GLA_OK && h < n_hits; h++) {
        const nm_key *sk = &nm->surs[hits[h]];
        int d = gla_nm_osa(k3.data, k3.len, nm->arena.data + sk->off, sk->len,
                           maxd);
        if (d > maxd)
            continue;
        for (uint32_t ti = sk->term; rc == GLA_OK && ti != GLA_NM_NONE;
             ti = nm->terms[ti].sur_next) {
            unsigned why = 0;
            int same_k2 = 0;
            const char *text = nm_str(nm, nm->terms[ti].text);
            rc = gla_nm_q_parse(&r->tq, nm, text, strlen(text), 0);
            if (rc != GLA_OK) {
                rc = GLA_OK;
                continue;
            }
            const nm_tok *ts = nm_q_tok(&r->tq, r->tq.name.n_tokens - 1);
            same_k2 = ts->len == s->len && memcmp(ts->s, s->s, s->len) == 0;
            if (d == 0 && !same_k2)
                why |= GLA_NAME_R_TRANSLIT;
            if (d > 0)
                why |= GLA_NAME_R_EDIT;
            double score;
            if (n->n_tokens > 1) {
                /* The query's given names (initials or words) must meet
                 * the term's in order; the term may have more (a
                 * patronymic the query omits) and, after its last one,
                 * the query may carry initials the term lacks. */
                size_t qn = n->n_tokens - 1, tn = r->tq.name.n_tokens - 1;
                size_t qi = 0, tj = 0, matched = 0;
                int skipped = 0;
                while (qi < qn) {
                    const nm_tok *a = nm_q_tok(r->q, qi);
                    int is_init =
                        a->len == 1 || ((a->flags & NM_TOK_DOT) && a->len <= 3);
                    if (tj >= tn) {
                        if (!is_init)
                            break;
                        qi++;
                        continue;
                    }
                    const nm_tok *b = nm_q_tok(&r->tq, tj);
                    int fit = is_init
                                  ? initial_fits(nm, a->s, a->len, b->s, b->len)
                                  : same_k3(nm, a->s, a->len, b->s, b->len);
                    if (fit) {
                        matched++;
                        qi++;
                    } else {
                        skipped = 1;
                    }
                    tj++;
                }
                if (qi < qn || matched == 0)
                    continue;
                if (initials) {
                    why |= GLA_NAME_R_INITIALS;
                    score = SC_INITIALS - 0.05 * d;
                } else {
                    if (!skipped && tn == qn)
                        continue; /* same words: the key index's business */
                    why |= GLA_NAME_R_SUBSET;
                    score = SC_SUBSET - 0.05 * d;
                }
            } else {
                why |= GLA_NAME_R_SURNAME;
                score = SC_SURNAME - 0.05 * d;
            }
            rc = push(r, ti, score, why, d, NULL);
        }
    }
done:
    gla_buf_dispose(&k3);
    return rc;
}

/* Every way of matching the current key of r->q. */
static int run_tries(rq *r)
{
    int rc = gla_nm_k1_canon(&r->qk1, r->nm, r->q, r->src);
    if (rc == GLA_OK)
        rc = try_exact(r, r->q->key.data, r->q->key.len, 0, NULL);
    if (rc == GLA_OK)
        rc = try_alias(r);
    if (rc == GLA_OK)
        rc = try_translit(r);
    if (rc == GLA_OK)
        rc = try_surname(r);
    if (rc == GLA_OK)
        rc = try_fuzzy(r);
    return rc;
}

int gla_nm_resolve_q(gla_name_matches **out, gla_names *nm, nm_q *q,
                     const char *s, size_t len, size_t limit)
{
    (void)len;
    gla_name_matches *m = gla_nm_matches_new(q);
    if (!m)
        return GLA_ENOMEM;
    gla_nm_result_begin(nm);
    rq r;
    memset(&r, 0, sizeof r);
    r.nm = nm;
    r.q = q;
    r.src = s;
    r.m = m;
    r.maxd = nm->opts.max_distance;
    r.reordered = q->name.order == GLA_NAME_NOM_PRENOM;
    r.order_penalty = (q->name.flags & GLA_NAME_ALLCAPS)
                          ? SC_ORDER_PENALTY
                          : SC_GUESS_ORDER_PENALTY;
    int rc = GLA_OK;
    if (q->name.flags & GLA_NAME_FAMILY_ONLY) {
        m->status = GLA_NAME_FAMILY_ALONE;
        goto done;
    }
    if ((rc = run_tries(&r)) != GLA_OK)
        goto done;
    if (q->name.order == GLA_NAME_NOM_PRENOM) {
        /* The order was a reading, not a certainty: the name as written
         * is tried too, and the reordered key pays a little. */
        size_t keep[GLA_NAME_MAX_TOKENS];
        size_t n = q->name.n_tokens;
        memcpy(keep, q->order, n * sizeof *keep);
        gla_buf key = q->key;
        q->key = (gla_buf)GLA_BUF_INIT;
        for (size_t i = 0; i < n; i++)
            q->order[i] = q->first + i;
        for (size_t i = 0; rc == GLA_OK && i < n; i++) {
            const nm_tok *t = nm_q_tok(q, i);
            if (i)
                rc = gla_buf_put(&q->key, " ", 1);
            if (rc == GLA_OK)
                rc = gla_buf_put(&q->key, t->s, t->len);
        }
        r.reordered = 0;
        gla_buf_clear(&r.qk1);
        if (rc == GLA_OK)
            rc = run_tries(&r);
        gla_buf_dispose(&q->key);
        q->key = key;
        memcpy(q->order, keep, n * sizeof *keep);
    }
done:
    gla_buf_dispose(&r.qk1);
    gla_buf_dispose(&r.tk1);
    gla_nm_q_dispose(&r.tq);
    free(r.found);
    if (rc != GLA_OK) {
        gla_name_matches_free(m);
        return rc;
    }
    gla_nm_matches_finish(m, limit ? limit : 10);
    *out = m;
    return GLA_OK;
}

int gla_names_resolve(gla_name_matches **out, gla_names *nm, const char *s,
                      size_t len, size_t limit)
{
    if (!out || !nm || (!s && len))
        return GLA_EINVAL;
    *out = NULL;
    if (!nm->built) {
        gla_nm_seterr(nm, "gla_names_build() was not called");
        return GLA_EINVAL;
    }
    nm_q q = NM_Q_INIT;
    int rc = gla_nm_q_parse(&q, nm, s, len, 1);
    if (rc == GLA_ENOTFOUND) {
        /* A title alone, or nothing: no name to resolve. */
        gla_name_matches *m = gla_nm_matches_new(&q);
        gla_nm_q_dispose(&q);
        if (!m)
            return GLA_ENOMEM;
        m->query = q.name;
        *out = m;
        return GLA_OK;
    }
    if (rc == GLA_EINVAL)
        gla_nm_seterr(nm, "a name has at most %d tokens", GLA_NAME_MAX_TOKENS);
    else if (rc == GLA_EUTF8)
        gla_nm_seterr(nm, "%s", gla_normalizer_errmsg(nm->norm));
    if (rc == GLA_OK)
        rc = gla_nm_resolve_q(out, nm, &q, s, len, limit);
    gla_nm_q_dispose(&q);
    return rc;
}
