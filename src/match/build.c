/*
 * The matcher builder: cuts every term into tokens, keys each distinct
 * token once (K0-K3 and stem, interned in one dictionary), sorts terms
 * into the three automata by kind, and writes the whole matcher as one
 * relocatable image that a cache file can hold as is.
 */
#include "tokens.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- a string-keyed hash map over an arena ----------------------------- */

typedef struct smap_ent {
    uint64_t hash; /* of the key bytes */
    uint32_t off;  /* key bytes in the arena */
    uint32_t len;  /* key length */
    uint32_t val;  /* the value */
} smap_ent;

typedef struct smap {
    uint32_t *slots; /* entry index + 1, 0 = empty */
    size_t mask;     /* slots - 1 */
    smap_ent *e;     /* entries */
    size_t n;        /* entries used */
    size_t cap;      /* entries allocated */
} smap;

static void smap_free(smap *m)
{
    free(m->slots);
    free(m->e);
    memset(m, 0, sizeof *m);
}

static int smap_rehash(smap *m, size_t nslots)
{
    uint32_t *slots = calloc(nslots, sizeof *slots);
    if (!slots)
        return GLA_ENOMEM;
    for (size_t i = 0; i < m->n; i++) {
        size_t j = m->e[i].hash & (nslots - 1);
        while (slots[j])
            j = (j + 1) & (nslots - 1);
        slots[j] = (uint32_t)(i + 1);
    }
    free(m->slots);
    m->slots = slots;
    m->mask = nslots - 1;
    return GLA_OK;
}

/* Find the key s[0, len) whose bytes live in `arena`; on a miss, *found
 * is 0 and nothing is added. Returns the entry index or SIZE_MAX. */
static size_t smap_find(const smap *m, const char *arena, const char *s,
                        size_t len, uint64_t h)
{
    if (!m->slots)
        return SIZE_MAX;
    size_t j = h & m->mask;
    while (m->slots[j]) {
        const smap_ent *e = &m->e[m->slots[j] - 1];
        if (e->hash == h && e->len == len &&
            (len == 0 || memcmp(arena + e->off, s, len) == 0))
            return m->slots[j] - 1;
        j = (j + 1) & m->mask;
    }
    return SIZE_MAX;
}

/* Add an entry known to be absent. GLA_OK or GLA_ENOMEM. */
static int smap_add(smap *m, uint64_t h, uint32_t off, uint32_t len,
                    uint32_t val)
{
    if (m->n == m->cap) {
        size_t cap = m->cap ? m->cap * 2 : 1024;
        smap_ent *e = realloc(m->e, cap * sizeof *e);
        if (!e)
            return GLA_ENOMEM;
        m->e = e;
        m->cap = cap;
    }
    if (!m->slots || (m->n + 1) * 4 > (m->mask + 1) * 3) {
        size_t ns = m->slots ? (m->mask + 1) * 2 : 2048;
        if (smap_rehash(m, ns) != GLA_OK)
            return GLA_ENOMEM;
    }
    m->e[m->n] = (smap_ent){h, off, len, val};
    size_t j = h & m->mask;
    while (m->slots[j])
        j = (j + 1) & m->mask;
    m->slots[j] = (uint32_t)(m->n + 1);
    m->n++;
    return GLA_OK;
}

/* ---- the builder -------------------------------------------------------- */

#define VEC(T)                                                                 \
    struct {                                                                   \
        T *v;                                                                  \
        size_t n, cap;                                                         \
    }

#define VEC_PUSH(vec, item, rc)                                                \
    do {                                                                       \
        if ((vec).n == (vec).cap) {                                            \
            size_t c_ = (vec).cap ? (vec).cap * 2 : 256;                       \
            void *p_ = realloc((vec).v, c_ * sizeof *(vec).v);                 \
            if (!p_) {                                                         \
                (rc) = GLA_ENOMEM;                                             \
                break;                                                         \
            }                                                                  \
            (vec).v = p_;                                                      \
            (vec).cap = c_;                                                    \
        }                                                                      \
        (vec).v[(vec).n++] = (item);                                           \
        (rc) = GLA_OK;                                                         \
    } while (0)

struct gla_matcher_builder {
    char lang[16];            /* source language */
    keyer k;                  /* token keys */
    gla_buf pool;             /* string pool of the image */
    smap pool_map;            /* dedupes pool strings (val = offset) */
    smap dict;                /* key string -> id (keys live in pool) */
    VEC(uint32_t) dict_off;   /* pool offset of each id's key, [0] unused */
    VEC(uint32_t) dict_len;   /* its length */
    gla_buf raw;              /* raw pattern token bytes */
    smap raw_map;             /* raw token -> form index */
    VEC(img_form) forms;      /* token forms */
    VEC(img_pat) pats;        /* patterns */
    VEC(uint32_t) patforms;   /* form index per pattern token */
    VEC(img_entry) entries;   /* concepts */
    VEC(img_term) terms;      /* terms */
    tk *toks;                 /* scratch tokens */
    size_t toks_cap;          /* allocated */
    size_t skipped;           /* terms that made no pattern */
    uint32_t max_len;         /* longest pattern */
    int spent;                /* built already */
    char err[512];            /* last failure */
};

int gla_matcher_builder_new(gla_matcher_builder **out,
                            const gla_matcher_options *opt)
{
    if (!out)
        return GLA_EINVAL;
    *out = NULL;
    const char *lang = opt && opt->source_lang ? opt->source_lang : "fr";
    if ((opt && opt->version != GLA_MATCHER_OPTIONS_VERSION) || !*lang ||
        strlen(lang) >= 16)
        return GLA_EINVAL;
    gla_matcher_builder *b = calloc(1, sizeof *b);
    if (!b)
        return GLA_ENOMEM;
    memcpy(b->lang, lang, strlen(lang) + 1);
    if (gla__keyer_init(&b->k) != GLA_OK ||
        gla_buf_put(&b->pool, "", 1) != GLA_OK) {
        gla_matcher_builder_free(b);
        return GLA_ENOMEM;
    }
    int rc;
    VEC_PUSH(b->dict_off, 0, rc);
    if (rc == GLA_OK)
        VEC_PUSH(b->dict_len, 0, rc);
    if (rc != GLA_OK) {
        gla_matcher_builder_free(b);
        return GLA_ENOMEM;
    }
    *out = b;
    return GLA_OK;
}

void gla_matcher_builder_free(gla_matcher_builder *b)
{
    if (!b)
        return;
    gla__keyer_free(&b->k);
    gla_buf_dispose(&b->pool);
    smap_free(&b->pool_map);
    smap_free(&b->dict);
    free(b->dict_off.v);
    free(b->dict_len.v);
    gla_buf_dispose(&b->raw);
    smap_free(&b->raw_map);
    free(b->forms.v);
    free(b->pats.v);
    free(b->patforms.v);
    free(b->entries.v);
    free(b->terms.v);
    free(b->toks);
    free(b);
}

const char *gla_matcher_builder_errmsg(const gla_matcher_builder *b)
{
    return b ? b->err : "";
}

/* Offset of a copy of s[0, len) in the pool (deduplicated). */
static int intern(gla_matcher_builder *b, uint32_t *off, const char *s,
                  size_t len)
{
    if (len == 0) {
        *off = 0;
        return GLA_OK;
    }
    uint64_t h = gla__hash_bytes(s, len);
    size_t i = smap_find(&b->pool_map, b->pool.data, s, len, h);
    if (i != SIZE_MAX) {
        *off = b->pool_map.e[i].val;
        return GLA_OK;
    }
    if (b->pool.len + len + 1 >= UINT32_MAX)
        return GLA_ENOMEM;
    uint32_t at = (uint32_t)b->pool.len;
    if (gla_buf_put(&b->pool, s, len) != GLA_OK ||
        gla_buf_put(&b->pool, "", 1) != GLA_OK)
        return GLA_ENOMEM;
    if (smap_add(&b->pool_map, h, at, (uint32_t)len, at) != GLA_OK)
        return GLA_ENOMEM;
    *off = at;
    return GLA_OK;
}

/* Offset of a copy of s[0, len) appended to the pool: refs and term texts
 * seldom repeat, so they skip the deduplicating map. */
static int append_str(gla_matcher_builder *b, uint32_t *off, const char *s,
                      size_t len)
{
    if (len == 0) {
        *off = 0;
        return GLA_OK;
    }
    if (b->pool.len + len + 1 >= UINT32_MAX)
        return GLA_ENOMEM;
    *off = (uint32_t)b->pool.len;
    if (gla_buf_put(&b->pool, s, len) != GLA_OK ||
        gla_buf_put(&b->pool, "", 1) != GLA_OK)
        return GLA_ENOMEM;
    return GLA_OK;
}

/* Dictionary id of a key, interning it. An empty key gets FORM_NONE. */
static int dict_id(gla_matcher_builder *b, uint32_t *id, const char *s,
                   size_t len)
{
    if (len == 0) {
        *id = FORM_NONE;
        return GLA_OK;
    }
    uint64_t h = gla__hash_bytes(s, len);
    size_t i = smap_find(&b->dict, b->pool.data, s, len, h);
    if (i != SIZE_MAX) {
        *id = b->dict.e[i].val;
        return GLA_OK;
    }
    uint32_t off;
    int rc = intern(b, &off, s, len);
    if (rc != GLA_OK)
        return rc;
    if (b->dict_off.n >= FORM_NONE - 1)
        return GLA_ENOMEM;
    uint32_t nid = (uint32_t)b->dict_off.n;
    VEC_PUSH(b->dict_off, off, rc);
    if (rc == GLA_OK)
        VEC_PUSH(b->dict_len, (uint32_t)len, rc);
    if (rc == GLA_OK)
        rc = smap_add(&b->dict, h, off, (uint32_t)len, nid);
    *id = nid;
    return rc;
}

/* Form index of one raw pattern token. */
static int form_of(gla_matcher_builder *b, uint32_t *out, const char *raw,
                   size_t len, int kind)
{
    uint64_t h = gla__hash_bytes(raw, len) ^ (uint64_t)kind;
    size_t i = smap_find(&b->raw_map, b->raw.data, raw, len, h);
    if (i != SIZE_MAX) {
        *out = b->raw_map.e[i].val;
        return GLA_OK;
    }
    unsigned flags;
    int rc = gla__keyer_run(&b->k, raw, len, kind, &flags);
    if (rc != GLA_OK)
        return rc;
    img_form f;
    memset(&f, 0, sizeof f);
    f.flags = flags;
    for (int l = 0; l < KL_COUNT; l++) {
        rc = dict_id(b, &f.id[l], b->k.keys[l].data, b->k.keys[l].len);
        if (rc != GLA_OK)
            return rc;
    }
    uint32_t at = (uint32_t)b->raw.len;
    if (b->raw.len + len >= UINT32_MAX ||
        gla_buf_put(&b->raw, raw, len) != GLA_OK)
        return GLA_ENOMEM;
    uint32_t idx = (uint32_t)b->forms.n;
    VEC_PUSH(b->forms, f, rc);
    if (rc != GLA_OK)
        return rc;
    rc = smap_add(&b->raw_map, h, at, (uint32_t)len, idx);
    *out = idx;
    return rc;
}

/* Symbol level of each class. */
static const int cls_level[CLS_COUNT] = {KL_K3, KL_STEM, KL_K2};

static int is_names_kind(gla_kind k)
{
    return k == GLA_KIND_PERSON || k == GLA_KIND_PLACE;
}

static int deprecated_status(gla_status s)
{
    return s == GLA_STATUS_DEPRECATED || s == GLA_STATUS_SUPERSEDED ||
           s == GLA_STATUS_FORBIDDEN;
}

/* Turn one term into its pattern(s). Terms that cannot be matched are
 * counted in b->skipped. */
static int add_patterns(gla_matcher_builder *b, uint32_t entry, uint32_t term,
                        gla_kind kind, const gla_term *t)
{
    size_t len = strlen(t->text);
    size_t need = len + TK_MAX_UNIT + 8;
    if (need > b->toks_cap) {
        tk *p = realloc(b->toks, need * sizeof *p);
        if (!p)
            return GLA_ENOMEM;
        b->toks = p;
        b->toks_cap = need;
    }
    tk_state st = {0, 0, 0};
    size_t pos = 0, n = 0;
    gla__tokenize(&st, t->text, len, &pos, 1, b->toks, b->toks_cap, &n);
    int bad = n == 0 || n > GLA_MATCH_MAX_TOKENS;
    for (size_t i = 0; i < n && !bad; i++)
        if (b->toks[i].kind == TK_BREAK)
            bad = 1;
    if (bad) {
        b->skipped++;
        return GLA_OK;
    }

    uint32_t fidx[GLA_MATCH_MAX_TOKENS];
    int letters_upper = 1, letters = 0, has_punct = 0;
    for (size_t i = 0; i < n; i++) {
        int rc = form_of(b, &fidx[i], t->text + b->toks[i].start,
                         b->toks[i].end - b->toks[i].start, b->toks[i].kind);
        if (rc == GLA_EUTF8) {
            snprintf(b->err, sizeof b->err,
                     "entry %s: %s term is not valid UTF-8",
                     b->pool.data + b->entries.v[entry].ref, t->lang);
            return rc;
        }
        if (rc != GLA_OK)
            return rc;
        unsigned f = b->forms.v[fidx[i]].flags;
        if (f & TOKF_LOWER)
            letters_upper = 0;
        if (b->toks[i].kind == TK_WORD || b->toks[i].kind == TK_ELISION)
            letters += (int)(b->toks[i].end - b->toks[i].start);
        if (b->toks[i].kind == TK_PUNCT)
            has_punct = 1;
    }

    unsigned pf = 0;
    int cls;
    if (gla_term_case_sensitive(t) ||
        (t->case_mode == GLA_CASE_DEFAULT && letters_upper && letters >= 2))
        pf |= PF_CASE;
    if (deprecated_status(t->status))
        pf |= PF_DEPRECATED;
    if (strcmp(t->lang, b->lang) == 0)
        pf |= PF_SOURCE;
    if (pf & PF_CASE)
        cls = CLS_STRICT;
    else if (is_names_kind(kind))
        cls = CLS_NAMES;
    else if (kind == GLA_KIND_ACRONYM || t->type == GLA_TYPE_ACRONYM ||
             t->type == GLA_TYPE_ABBREVIATION)
        cls = CLS_STRICT;
    else
        cls = CLS_INFLECT;

    for (size_t i = 0; i < n; i++)
        if (b->forms.v[fidx[i]].id[cls_level[cls]] == FORM_NONE) {
            b->skipped++; /* a token with an empty key */
            return GLA_OK;
        }

    int rc;
    img_pat p = {entry, term, (uint32_t)b->patforms.n, (uint8_t)n,
                 (uint8_t)cls, (uint8_t)pf, (uint8_t)t->status};
    for (size_t i = 0; i < n; i++) {
        VEC_PUSH(b->patforms, fidx[i], rc);
        if (rc != GLA_OK)
            return rc;
    }
    VEC_PUSH(b->pats, p, rc);
    if (rc != GLA_OK)
        return rc;
    if (n > b->max_len)
        b->max_len = (uint32_t)n;

    /* Places also match written as one word: Hà Nội = Hanoi. */
    if (kind == GLA_KIND_PLACE && n >= 2 && !has_punct && !(pf & PF_CASE)) {
        gla_buf key = GLA_BUF_INIT, k3 = GLA_BUF_INIT;
        rc = gla_normalize_to_buf(&key, b->k.norm, GLA_K2_COMPACT, t->text,
                                  len);
        if (rc == GLA_OK)
            rc = gla_normalize_to_buf(&k3, b->k.norm, GLA_K3, key.data,
                                      key.len);
        img_form f;
        memset(&f, 0, sizeof f);
        f.flags = b->forms.v[fidx[0]].flags & TOKF_CAP;
        f.id[KL_K0] = f.id[KL_K1] = f.id[KL_STEM] = f.id[KL_LIGHT] = FORM_NONE;
        if (rc == GLA_OK)
            rc = dict_id(b, &f.id[KL_K2], key.data, key.len);
        if (rc == GLA_OK)
            rc = dict_id(b, &f.id[KL_K3], k3.data, k3.len);
        gla_buf_dispose(&key);
        gla_buf_dispose(&k3);
        if (rc != GLA_OK)
            return rc;
        if (f.id[KL_K3] == FORM_NONE)
            return GLA_OK;
        uint32_t fi = (uint32_t)b->forms.n;
        VEC_PUSH(b->forms, f, rc);
        if (rc == GLA_OK)
            VEC_PUSH(b->patforms, fi, rc);
        if (rc != GLA_OK)
            return rc;
        img_pat c = {entry, term, (uint32_t)b->patforms.n - 1, 1, CLS_NAMES,
                     (uint8_t)(pf | PF_COMPACT), (uint8_t)t->status};
        VEC_PUSH(b->pats, c, rc);
        if (rc != GLA_OK)
            return rc;
    }
    return GLA_OK;
}

static int status_rank(gla_status s)
{
    switch (s) {
    case GLA_STATUS_PREFERRED: return 0;
    case GLA_STATUS_ADMITTED: return 1;
    case GLA_STATUS_SUPERSEDED: return 2;
    case GLA_STATUS_DEPRECATED: return 3;
    default: return 4;
    }
}

/* The term that names the concept in the source language. */
static size_t pick_canonical(const gla_entry *e, const char *lang)
{
    size_t best = SIZE_MAX;
    int best_rank = 99;
    for (int pass = 0; pass < 2 && best == SIZE_MAX; pass++) {
        for (size_t i = 0; i < e->n_terms; i++) {
            const gla_term *t = &e->terms[i];
            if (pass == 0 && strcmp(t->lang, lang) != 0)
                continue;
            int r = status_rank(t->status) +
                    (t->type == GLA_TYPE_FULL_FORM ? 0 : 5);
            if (r < best_rank) {
                best_rank = r;
                best = i;
            }
        }
    }
    return best == SIZE_MAX ? 0 : best;
}

static int valid_utf8(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    /* One pass, no strlen: a NUL inside a sequence fails its continuation
     * check, so the loop never reads past the terminator. */
    for (size_t i = 0; p[i];) {
        unsigned c = p[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t k = c >= 0xC2 && c < 0xE0   ? 2
                   : c >= 0xE0 && c < 0xF0 ? 3
                   : c >= 0xF0 && c < 0xF5 ? 4
                                           : 0;
        if (!k)
            return 0;
        for (size_t j = 1; j < k; j++)
            if ((p[i + j] & 0xC0) != 0x80)
                return 0;
        if (k == 3) {
            unsigned v = ((c & 0xFu) << 12) | ((p[i + 1] & 0x3Fu) << 6);
            if (v < 0x800 || (v >= 0xD800 && v <= 0xDFFF))
                return 0;
        }
        if (k == 4) {
            unsigned v = ((c & 7u) << 18) | ((p[i + 1] & 0x3Fu) << 12);
            if (v < 0x10000 || v > 0x10FFFF)
                return 0;
        }
        i += k;
    }
    return 1;
}

int gla_matcher_builder_add(gla_matcher_builder *b, const gla_entry *e)
{
    if (!b || !e)
        return GLA_EINVAL;
    b->err[0] = '\0';
    if (b->spent) {
        snprintf(b->err, sizeof b->err, "the builder was already built");
        return GLA_EINVAL;
    }
    if (!e->ref || !*e->ref) {
        snprintf(b->err, sizeof b->err, "an entry has no ref");
        return GLA_EINVAL;
    }
    if (!valid_utf8(e->ref)) {
        snprintf(b->err, sizeof b->err, "an entry ref is not valid UTF-8");
        return GLA_EUTF8;
    }
    for (size_t i = 0; i < e->n_terms; i++) {
        const gla_term *t = &e->terms[i];
        if (!t->lang || !t->text) {
            snprintf(b->err, sizeof b->err,
                     "entry %s: term %zu has no language or no text", e->ref,
                     i + 1);
            return GLA_EINVAL;
        }
        if (!valid_utf8(t->text) || !valid_utf8(t->lang)) {
            snprintf(b->err, sizeof b->err,
                     "entry %s: term %zu is not valid UTF-8", e->ref, i + 1);
            return GLA_EUTF8;
        }
    }
    if (b->entries.n >= UINT32_MAX - 1 ||
        b->terms.n + e->n_terms >= UINT32_MAX - 1)
        return GLA_ENOMEM;

    int rc;
    img_entry ie;
    memset(&ie, 0, sizeof ie);
    ie.id = e->id;
    ie.kind = (uint32_t)e->kind;
    ie.flags = e->homonym ? 1u : 0u;
    ie.first_term = (uint32_t)b->terms.n;
    ie.n_terms = (uint32_t)e->n_terms;
    if ((rc = append_str(b, &ie.ref, e->ref, strlen(e->ref))) != GLA_OK)
        return rc;
    uint32_t entry = (uint32_t)b->entries.n;
    VEC_PUSH(b->entries, ie, rc);
    if (rc != GLA_OK)
        return rc;
    for (size_t i = 0; i < e->n_terms; i++) {
        const gla_term *t = &e->terms[i];
        img_term it;
        memset(&it, 0, sizeof it);
        it.status = (uint8_t)t->status;
        it.type = (uint8_t)t->type;
        if ((rc = intern(b, &it.lang, t->lang, strlen(t->lang))) != GLA_OK ||
            (rc = append_str(b, &it.text, t->text, strlen(t->text))) !=
                GLA_OK)
            return rc;
        VEC_PUSH(b->terms, it, rc);
        if (rc != GLA_OK)
            return rc;
        if (strcmp(t->lang, b->lang) == 0 || is_names_kind(e->kind)) {
            rc = add_patterns(b, entry, (uint32_t)i, e->kind, t);
            if (rc != GLA_OK)
                return rc;
        }
    }
    if (e->n_terms) /* the canonical form is one of the texts just stored */
        b->entries.v[entry].canonical =
            b->terms.v[ie.first_term + pick_canonical(e, b->lang)].text;
    return GLA_OK;
}

/* ---- writing the image -------------------------------------------------- */

static const char *sort_pool; /* qsort has no context argument */
static const img_entry *sort_entries;

static int cmp_ref(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return strcmp(sort_pool + sort_entries[x].ref,
                  sort_pool + sort_entries[y].ref);
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

uint64_t gla__build_id(void)
{
#ifndef GLA_VERSION_STRING
#define GLA_VERSION_STRING "dev"
#endif
    /* Bump the suffix whenever token cutting or keys change. */
    static const char id[] = "glossalign-match " GLA_VERSION_STRING " t7";
    return gla__hash_bytes(id, sizeof id - 1);
}

int gla_matcher_build(gla_matcher **out, gla_matcher_builder *b,
                      uint64_t stamp)
{
    if (!out)
        return GLA_EINVAL;
    *out = NULL;
    if (!b || b->spent)
        return GLA_EINVAL;
    b->spent = 1;
    int rc = GLA_ENOMEM;
    gla_buf img = GLA_BUF_INIT;
    void *acmem[CLS_COUNT] = {NULL, NULL, NULL};
    uint32_t *words = NULL, *slots = NULL, *refidx = NULL, *low = NULL;
    size_t n_low = 0;
    img_dkey *dkeys = NULL;
    gla_matcher *m = NULL;
    ac_view av[CLS_COUNT];
    memset(av, 0, sizeof av);

    /* The automata. */
    size_t nw = 0;
    for (size_t i = 0; i < b->pats.n; i++)
        nw += 2 + (size_t)b->pats.v[i].n;
    words = malloc((nw ? nw : 1) * sizeof *words);
    if (!words)
        goto done;
    uint32_t n_dict = (uint32_t)(b->dict_off.n - 1);
    for (int c = 0; c < CLS_COUNT; c++) {
        size_t w = 0, np = 0;
        for (size_t i = 0; i < b->pats.n; i++) {
            const img_pat *p = &b->pats.v[i];
            if (p->cls != c)
                continue;
            words[w++] = p->n;
            words[w++] = (uint32_t)i;
            for (uint32_t j = 0; j < p->n; j++)
                words[w++] =
                    b->forms.v[b->patforms.v[p->forms + j]].id[cls_level[c]];
            np++;
        }
        rc = gla__ac_build(&av[c], &acmem[c], words, np, w, n_dict);
        if (rc != GLA_OK)
            goto done;
    }
    free(words);
    words = NULL;
    rc = GLA_ENOMEM;

    /* First K3 ids of name patterns whose first token has no capital. */
    low = malloc((b->pats.n ? b->pats.n : 1) * sizeof *low);
    if (!low)
        goto done;
    for (size_t i = 0; i < b->pats.n; i++) {
        const img_pat *p = &b->pats.v[i];
        const img_form *f = &b->forms.v[b->patforms.v[p->forms]];
        if (p->cls == CLS_NAMES && p->n && !(f->flags & TOKF_CAP))
            low[n_low++] = f->id[KL_K3];
    }
    qsort(low, n_low, sizeof *low, cmp_u32);
    {
        size_t k = 0;
        for (size_t i = 0; i < n_low; i++)
            if (k == 0 || low[k - 1] != low[i])
                low[k++] = low[i];
        n_low = k;
    }

    /* The dictionary's final table. */
    size_t nslots = 1024;
    while (nslots < (size_t)n_dict * 2)
        nslots *= 2;
    slots = calloc(nslots, sizeof *slots);
    dkeys = calloc((size_t)n_dict + 1, sizeof *dkeys);
    if (!slots || !dkeys)
        goto done;
    for (uint32_t id = 1; id <= n_dict; id++) {
        uint32_t off = b->dict_off.v[id], len = b->dict_len.v[id];
        uint64_t h = gla__hash_bytes(b->pool.data + off, len);
        dkeys[id] = (img_dkey){off, len, (uint32_t)h};
        size_t j = h & (nslots - 1);
        while (slots[j])
            j = (j + 1) & (nslots - 1);
        slots[j] = id;
    }

    /* Entries in ref order. */
    refidx = malloc((b->entries.n ? b->entries.n : 1) * sizeof *refidx);
    if (!refidx)
        goto done;
    for (size_t i = 0; i < b->entries.n; i++)
        refidx[i] = (uint32_t)i;
    sort_pool = b->pool.data;
    sort_entries = b->entries.v;
    qsort(refidx, b->entries.n, sizeof *refidx, cmp_ref);

    /* The image: header, then sections. */
    img_header h;
    memset(&h, 0, sizeof h);
    memcpy(h.magic, IMG_MAGIC, 8);
    h.format = IMG_FORMAT;
    h.endian = IMG_ENDIAN;
    h.stamp = stamp;
    h.build = gla__build_id();
    memcpy(h.lang, b->lang, strlen(b->lang) + 1);
    h.n_entries = (uint32_t)b->entries.n;
    h.n_terms = (uint32_t)b->terms.n;
    h.n_patterns = (uint32_t)b->pats.n;
    h.n_forms = (uint32_t)b->forms.n;
    h.n_dict = n_dict;
    h.dict_mask = (uint32_t)(nslots - 1);
    h.max_len = b->max_len;
    h.skipped = (uint32_t)(b->skipped > UINT32_MAX ? UINT32_MAX : b->skipped);
    if (gla_buf_put(&img, &h, sizeof h) != GLA_OK)
        goto done;
    struct {
        const void *p;
        size_t n;
    } sec[SEC_AC0] = {
        {b->pool.data, b->pool.len},
        {slots, nslots * sizeof *slots},
        {dkeys, ((size_t)n_dict + 1) * sizeof *dkeys},
        {b->forms.v, b->forms.n * sizeof *b->forms.v},
        {b->pats.v, b->pats.n * sizeof *b->pats.v},
        {b->patforms.v, b->patforms.n * sizeof *b->patforms.v},
        {b->entries.v, b->entries.n * sizeof *b->entries.v},
        {b->terms.v, b->terms.n * sizeof *b->terms.v},
        {refidx, b->entries.n * sizeof *refidx},
        {low, n_low * sizeof *low},
    };
    for (int i = 0; i < SEC_AC0; i++) {
        size_t off;
        if (gla__blob_put(&img, &off, sec[i].p, sec[i].n) != GLA_OK)
            goto done;
        h.off[i] = off;
        h.len[i] = sec[i].n;
    }
    for (int c = 0; c < CLS_COUNT; c++) {
        if (gla__ac_write(&img, &h.off[SEC_AC0 + c * AC_SECTIONS],
                          &h.len[SEC_AC0 + c * AC_SECTIONS], &av[c]) != GLA_OK)
            goto done;
        free(acmem[c]);
        acmem[c] = NULL;
    }
    size_t pad;
    if (gla__blob_put(&img, &pad, NULL, 0) != GLA_OK)
        goto done;
    h.size = img.len;
    h.check = gla__hash_bytes(&h, offsetof(img_header, check));
    memcpy(img.data, &h, sizeof h);

    m = calloc(1, sizeof *m);
    if (!m)
        goto done;
    if (gla__matcher_attach(m, (const unsigned char *)img.data, img.len) !=
        GLA_OK) {
        rc = GLA_EINTERNAL;
        snprintf(b->err, sizeof b->err, "the image just built is invalid: %.400s",
                 m->err);
        goto done;
    }
    m->owned = img.data;
    img.data = NULL;
    *out = m;
    m = NULL;
    rc = GLA_OK;
done:
    free(words);
    free(slots);
    free(dkeys);
    free(refidx);
    free(low);
    for (int c = 0; c < CLS_COUNT; c++)
        free(acmem[c]);
    gla_buf_dispose(&img);
    free(m);
    if (rc == GLA_ENOMEM)
        snprintf(b->err, sizeof b->err, "out of memory building the matcher");
    return rc;
}
