/*
 * Aho-Corasick over token ids. Built in one pass into flat arrays (sorted
 * edge lists per state, a dense table for the root), so that the same
 * layout serves a malloc'd automaton and a memory-mapped matcher image.
 */
#include "match_int.h"

#include <stdlib.h>
#include <string.h>

struct gla_automaton {
    uint32_t *pat;    /* per pattern: length, payload, tokens */
    size_t words;     /* used words of pat */
    size_t cap;       /* allocated words of pat */
    size_t n_pat;     /* patterns added */
    uint32_t max_tok; /* largest token id added */
    int compiled;     /* compile() done */
    void *mem;        /* the compiled arrays */
    ac_view v;        /* view over mem */
};

int gla_automaton_new(gla_automaton **out)
{
    if (!out)
        return GLA_EINVAL;
    *out = calloc(1, sizeof **out);
    return *out ? GLA_OK : GLA_ENOMEM;
}

void gla_automaton_free(gla_automaton *a)
{
    if (!a)
        return;
    free(a->pat);
    free(a->mem);
    free(a);
}

int gla_automaton_add(gla_automaton *a, const uint32_t *toks, size_t n,
                      uint32_t payload)
{
    if (!a || a->compiled || !toks || n == 0 || n > GLA_MATCH_MAX_TOKENS)
        return GLA_EINVAL;
    for (size_t i = 0; i < n; i++)
        if (toks[i] == 0 || toks[i] == AC_NONE)
            return GLA_EINVAL;
    if (a->words + n + 2 > a->cap) {
        size_t cap = a->cap ? a->cap * 2 : 256;
        while (cap < a->words + n + 2)
            cap *= 2;
        uint32_t *p = realloc(a->pat, cap * sizeof *p);
        if (!p)
            return GLA_ENOMEM;
        a->pat = p;
        a->cap = cap;
    }
    a->pat[a->words++] = (uint32_t)n;
    a->pat[a->words++] = payload;
    for (size_t i = 0; i < n; i++) {
        a->pat[a->words++] = toks[i];
        if (toks[i] > a->max_tok)
            a->max_tok = toks[i];
    }
    a->n_pat++;
    return GLA_OK;
}

int gla_automaton_compile(gla_automaton *a)
{
    if (!a)
        return GLA_EINVAL;
    if (a->compiled)
        return GLA_OK;
    int rc = gla__ac_build(&a->v, &a->mem, a->pat, a->n_pat, a->words,
                           a->max_tok);
    if (rc != GLA_OK)
        return rc;
    free(a->pat);
    a->pat = NULL;
    a->words = a->cap = 0;
    a->compiled = 1;
    return GLA_OK;
}

uint32_t gla_automaton_step(const gla_automaton *a, uint32_t state,
                            uint32_t tok)
{
    if (!a || !a->compiled)
        return GLA_AUTOMATON_ROOT;
    if (state >= a->v.n_states)
        state = GLA_AUTOMATON_ROOT;
    return ac_step(&a->v, state, tok);
}

size_t gla_automaton_outputs(const gla_automaton *a, uint32_t state,
                             gla_automaton_hit *hits, size_t cap)
{
    if (!a || !a->compiled || state >= a->v.n_states)
        return 0;
    const ac_view *v = &a->v;
    size_t n = 0;
    for (uint32_t t = ac_first_out(v, state); t != AC_NONE;
         t = ac_next_out(v, t)) {
        uint32_t lo, hi;
        ac_out_range(v, t, &lo, &hi);
        for (uint32_t i = lo; i < hi; i++) {
            if (hits && n < cap) {
                hits[n].payload = v->outs[i];
                hits[n].len = v->depth[t];
            }
            n++;
        }
    }
    return n;
}

size_t gla_automaton_states(const gla_automaton *a)
{
    return a && a->compiled ? a->v.n_states : 0;
}

/* ---- construction ---------------------------------------------------- */

/* The trie of one bucket of patterns (those sharing a first token) under
 * construction: an open-addressing map (parent, token) -> child. Keys are
 * never 0 because a token (never 0) is packed in the low half. The slots
 * used are listed, so clearing it for the next bucket costs what was put
 * in, not its capacity. */
typedef struct trie_map {
    uint64_t *keys;  /* (parent << 32) | token, 0 = empty */
    uint32_t *vals;  /* child state */
    uint32_t *used;  /* slots in use */
    size_t n_used;   /* how many */
    size_t mask;     /* capacity - 1 */
} trie_map;

static void trie_map_free(trie_map *m)
{
    free(m->keys);
    free(m->vals);
    free(m->used);
    memset(m, 0, sizeof *m);
}

/* Make the map empty and able to take `expect` keys at half load. */
static int trie_map_reset(trie_map *m, size_t expect)
{
    size_t cap = 64;
    while (cap < expect * 2)
        cap *= 2;
    if (m->keys && cap <= m->mask + 1) {
        for (size_t i = 0; i < m->n_used; i++)
            m->keys[m->used[i]] = 0;
        m->n_used = 0;
        return GLA_OK;
    }
    trie_map_free(m);
    m->keys = calloc(cap, sizeof *m->keys);
    m->vals = malloc(cap * sizeof *m->vals);
    m->used = malloc(cap * sizeof *m->used);
    m->mask = cap - 1;
    if (!m->keys || !m->vals || !m->used) {
        trie_map_free(m);
        return GLA_ENOMEM;
    }
    return GLA_OK;
}

/* Find or create the child of `parent` by `tok`; a new child gets id
 * *next_id (then incremented) and its parent and token are recorded. The
 * map never fills: it was sized for every token of the bucket. */
static uint32_t trie_child(trie_map *m, uint32_t parent, uint32_t tok,
                           uint32_t *next_id, uint32_t *parents,
                           uint32_t *toks)
{
    uint64_t key = ((uint64_t)parent << 32) | tok;
    size_t i = gla__hash_u64(key) & m->mask;
    while (m->keys[i]) {
        if (m->keys[i] == key)
            return m->vals[i];
        i = (i + 1) & m->mask;
    }
    m->keys[i] = key;
    m->vals[i] = *next_id;
    m->used[m->n_used++] = (uint32_t)i;
    parents[*next_id] = parent;
    toks[*next_id] = tok;
    return (*next_id)++;
}

static int cmp_edge(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* Byte sizes of the arrays, laid out one after another in one block. */
typedef struct ac_layout {
    size_t root, st, edges, outs, depth, total;
} ac_layout;

static size_t align8(size_t n)
{
    return (n + 7) & ~(size_t)7;
}

static void ac_layout_of(ac_layout *l, size_t n_states, size_t n_root,
                         size_t n_edges, size_t n_outs)
{
    size_t at = 0;
    l->root = at;
    at += align8(n_root * 4);
    l->st = at;
    at += align8((n_states + 1) * sizeof(ac_state));
    l->edges = at;
    at += align8(n_edges * 8);
    l->outs = at;
    at += align8(n_outs * 4);
    l->depth = at;
    at += align8(n_states);
    l->total = at ? at : 8;
}

int gla__ac_build(ac_view *v, void **mem, const uint32_t *pat, size_t n_pat,
                  size_t words, uint32_t max_tok)
{
    memset(v, 0, sizeof *v);
    *mem = NULL;
    int rc = GLA_ENOMEM;
    trie_map map = {0};
    uint32_t *end_state = NULL, *parent = NULL, *ptok = NULL;
    uint32_t *queue = NULL, *bstart = NULL, *order = NULL;
    size_t *poff = NULL;
    unsigned char *block = NULL;

    size_t approx = words > n_pat * 2 ? words - n_pat * 2 : 1;
    if (approx >= AC_NONE - 1 || max_tok >= AC_NONE - 1 ||
        n_pat >= AC_NONE)
        return GLA_ENOMEM; /* beyond what 32-bit ids can number */
    size_t np1 = n_pat ? n_pat : 1, nb = (size_t)max_tok + 1;
    end_state = malloc(np1 * sizeof *end_state);
    order = malloc(np1 * sizeof *order);
    poff = malloc(np1 * sizeof *poff);
    parent = malloc((approx + 1) * sizeof *parent);
    ptok = malloc((approx + 1) * sizeof *ptok);
    if (!end_state || !order || !poff || !parent || !ptok)
        goto done;

    /* 1. The trie, built one first token at a time: patterns are bucketed
     * by their first token (a counting sort), and each bucket's trie goes
     * through a map small enough to stay in cache, instead of one map the
     * size of the glossary that every insertion would miss. */
    size_t at = 0;
    for (size_t p = 0; p < n_pat; p++) {
        poff[p] = at;
        at += 2 + (size_t)pat[at];
    }
    /* order[]: patterns by first token, stable. A counting sort when the
     * ids are dense (the builder numbers tokens densely); a comparison
     * sort otherwise, since the API takes any id up to 2^32 - 2 and a
     * bucket per possible id would cost gigabytes. */
    if (nb <= 4 * np1 + ((size_t)1 << 16)) {
        bstart = calloc(nb + 1, sizeof *bstart);
        uint32_t *fill = calloc(nb, sizeof *fill);
        if (!bstart || !fill) {
            free(fill);
            goto done;
        }
        for (size_t p = 0; p < n_pat; p++)
            bstart[pat[poff[p] + 2] + 1]++;
        for (size_t t = 0; t < nb; t++)
            bstart[t + 1] += bstart[t];
        for (size_t p = 0; p < n_pat; p++) {
            uint32_t t = pat[poff[p] + 2];
            order[bstart[t] + fill[t]++] = (uint32_t)p;
        }
        free(fill);
    } else {
        uint64_t *key = malloc(np1 * sizeof *key);
        if (!key)
            goto done;
        for (size_t p = 0; p < n_pat; p++)
            key[p] = (uint64_t)pat[poff[p] + 2] << 32 | (uint64_t)p;
        qsort(key, n_pat, sizeof *key, cmp_u64);
        for (size_t p = 0; p < n_pat; p++)
            order[p] = (uint32_t)key[p];
        free(key);
    }
    parent[0] = AC_NONE;
    ptok[0] = 0;
    uint32_t n_states = 1;
    /* One bucket of order[] per first token; token 0 is never a
     * pattern's (gla_automaton_add refuses it). */
    for (uint32_t lo = 0, hi; lo < n_pat; lo = hi) {
        uint32_t t = pat[poff[order[lo]] + 2];
        for (hi = lo + 1; hi < n_pat && pat[poff[order[hi]] + 2] == t; hi++)
            ;
        if (t == 0)
            continue;
        size_t toks = 0;
        for (uint32_t k = lo; k < hi; k++)
            toks += pat[poff[order[k]]];
        if (trie_map_reset(&map, toks) != GLA_OK)
            goto done;
        uint32_t c = n_states++;
        parent[c] = 0;
        ptok[c] = t;
        for (uint32_t k = lo; k < hi; k++) {
            size_t o = poff[order[k]];
            uint32_t len = pat[o], s = c;
            for (uint32_t i = 1; i < len; i++)
                s = trie_child(&map, s, pat[o + 2 + i], &n_states, parent,
                               ptok);
            end_state[order[k]] = s;
        }
    }
    trie_map_free(&map);

    /* 2. Edge lists per state (the root's go to a dense table). A dense
     * root table only when ids are dense enough to afford it. */
    size_t n_root = nb, n_edges = 0;
    if (n_root > ((size_t)1 << 16) && n_root / 8 > n_states)
        n_root = 0;
    for (uint32_t c = 1; c < n_states; c++)
        if (parent[c] != 0 || !n_root)
            n_edges++;

    ac_layout l;
    ac_layout_of(&l, n_states, n_root, n_edges, n_pat);
    block = calloc(1, l.total);
    if (!block)
        goto done;
    uint32_t *root_next = (uint32_t *)(block + l.root);
    ac_state *st = (ac_state *)(block + l.st);
    uint32_t *edges = (uint32_t *)(block + l.edges);
    uint32_t *outs = (uint32_t *)(block + l.outs);
    uint8_t *depth = block + l.depth;
    /* Ranges are built in scratch arrays first (counting sorts), then
     * copied into the state records. */
    uint32_t *estart = calloc((size_t)n_states + 1, sizeof *estart);
    uint32_t *ostart = calloc((size_t)n_states + 1, sizeof *ostart);
    if (!estart || !ostart) {
        free(estart);
        free(ostart);
        goto done;
    }

    /* Counting sort of edges by parent. */
    for (uint32_t c = 1; c < n_states; c++) {
        if (parent[c] == 0 && n_root)
            root_next[ptok[c]] = c;
        else
            estart[parent[c] + 1]++;
    }
    for (uint32_t s = 0; s < n_states; s++)
        estart[s + 1] += estart[s];
    {
        /* fill positions: reuse ostart as a cursor, cleared after */
        for (uint32_t s = 0; s < n_states; s++)
            ostart[s] = estart[s];
        for (uint32_t c = 1; c < n_states; c++) {
            if (parent[c] == 0 && n_root)
                continue;
            uint32_t pos = ostart[parent[c]]++;
            edges[2 * pos] = ptok[c];
            edges[2 * pos + 1] = c;
        }
        memset(ostart, 0, (n_states + 1) * sizeof *ostart);
    }
    for (uint32_t s = 0; s < n_states; s++) {
        uint32_t k = estart[s + 1] - estart[s];
        if (k > 1)
            qsort(edges + 2 * estart[s], k, 8, cmp_edge);
    }

    /* 3. Outputs: counting sort of patterns by end state, in the order
     * they were added. */
    for (size_t p = 0; p < n_pat; p++)
        ostart[end_state[p] + 1]++;
    for (uint32_t s = 0; s < n_states; s++)
        ostart[s + 1] += ostart[s];
    {
        uint32_t *cur = parent; /* parent[] is no longer needed */
        for (uint32_t s = 0; s < n_states; s++)
            cur[s] = ostart[s];
        at = 0;
        for (size_t p = 0; p < n_pat; p++) {
            outs[cur[end_state[p]]++] = pat[at + 1];
            at += 2 + (size_t)pat[at];
        }
    }

    for (uint32_t s = 0; s <= n_states; s++) {
        st[s].edges = estart[s];
        st[s].outs = ostart[s];
        st[s].fail = 0;
        st[s].out_link = AC_NONE;
    }
    free(estart);
    free(ostart);
    v->n_states = n_states;
    v->n_root = (uint32_t)n_root;
    v->n_edges = (uint32_t)n_edges;
    v->n_outs = (uint32_t)n_pat;
    v->root_next = root_next;
    v->st = st;
    v->edges = edges;
    v->outs = outs;
    v->depth = depth;

    /* 4. Failure and output links, breadth first. */
    queue = malloc(n_states * sizeof *queue);
    if (!queue)
        goto done;
    size_t qh = 0, qt = 0;
    depth[0] = 0;
    for (uint32_t t = 0; t < n_root; t++) {
        uint32_t c = root_next[t];
        if (!c)
            continue;
        depth[c] = 1;
        queue[qt++] = c;
    }
    for (uint32_t e = st[0].edges; e < st[1].edges; e++) {
        uint32_t c = edges[2 * e + 1];
        depth[c] = 1;
        queue[qt++] = c;
    }
    while (qh < qt) {
        uint32_t s = queue[qh++];
        for (uint32_t e = st[s].edges; e < st[s + 1].edges; e++) {
            uint32_t tok = edges[2 * e], c = edges[2 * e + 1];
            uint32_t f = st[s].fail, n;
            for (;;) {
                n = ac_goto(v, f, tok);
                if (n != AC_NONE && n != 0)
                    break;
                if (f == 0) {
                    n = 0;
                    break;
                }
                f = st[f].fail;
            }
            st[c].fail = n;
            st[c].out_link = st[n].outs != st[n + 1].outs ? n : st[n].out_link;
            depth[c] = (uint8_t)(depth[s] + 1);
            queue[qt++] = c;
        }
    }
    *mem = block;
    block = NULL;
    rc = GLA_OK;
done:
    trie_map_free(&map);
    free(bstart);
    free(order);
    free(poff);
    free(end_state);
    free(parent);
    free(ptok);
    free(queue);
    free(block);
    if (rc != GLA_OK)
        memset(v, 0, sizeof *v);
    return rc;
}

/* ---- images ---------------------------------------------------------- */

int gla__blob_put(gla_buf *b, size_t *off, const void *p, size_t n)
{
    size_t pad = align8(b->len) - b->len;
    if (gla_buf_grow(b, pad + n) != GLA_OK)
        return GLA_ENOMEM;
    memset(b->data + b->len, 0, pad);
    b->len += pad;
    *off = b->len;
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    return GLA_OK;
}

int gla__ac_write(gla_buf *b, uint64_t *off, uint64_t *len, const ac_view *v)
{
    size_t ns = v->n_states;
    const void *ptr[AC_SECTIONS] = {v->root_next, v->st, v->edges, v->outs,
                                    v->depth};
    size_t sz[AC_SECTIONS] = {(size_t)v->n_root * 4,
                              ns ? (ns + 1) * sizeof(ac_state) : 0,
                              (size_t)v->n_edges * 8, (size_t)v->n_outs * 4,
                              ns};
    for (int i = 0; i < AC_SECTIONS; i++) {
        size_t o;
        if (gla__blob_put(b, &o, ptr[i], sz[i]) != GLA_OK)
            return GLA_ENOMEM;
        off[i] = o;
        len[i] = sz[i];
    }
    return GLA_OK;
}

int gla__ac_attach(ac_view *v, const unsigned char *base, size_t size,
                   const uint64_t *off, const uint64_t *len)
{
    memset(v, 0, sizeof *v);
    for (int i = 0; i < AC_SECTIONS; i++)
        if (off[i] > size || len[i] > size - off[i] || (off[i] & 7))
            return GLA_EPARSE;
    size_t ns = len[4];
    if (ns == 0 || ns >= AC_NONE || len[0] % 4 || len[2] % 8 || len[3] % 4 ||
        len[1] != (ns + 1) * sizeof(ac_state))
        return GLA_EPARSE;
    v->n_states = (uint32_t)ns;
    v->n_root = (uint32_t)(len[0] / 4);
    v->n_edges = (uint32_t)(len[2] / 8);
    v->n_outs = (uint32_t)(len[3] / 4);
    v->root_next = (const uint32_t *)(base + off[0]);
    v->st = (const ac_state *)(base + off[1]);
    v->edges = (const uint32_t *)(base + off[2]);
    v->outs = (const uint32_t *)(base + off[3]);
    v->depth = base + off[4];
    /* Cheap structural checks; ranges are bounded again where read. */
    if (v->st[0].edges != 0 || v->st[ns].edges != v->n_edges ||
        v->st[0].outs != 0 || v->st[ns].outs != v->n_outs) {
        memset(v, 0, sizeof *v);
        return GLA_EPARSE;
    }
    return GLA_OK;
}
