/*
 * The scanner: text in chunks -> tokens -> token ids (through a cache, so
 * each distinct word is normalised once) -> three automata in step ->
 * candidates checked level by level -> longest-leftmost resolution over a
 * window of GLA_MATCH_MAX_TOKENS tokens, so memory never depends on the
 * document's length.
 */
#include "tokens.h"
#include "tokens_fast.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RING 64                 /* tokens kept: > 2 GLA_MATCH_MAX_TOKENS */
#define CACHE_MAX (1u << 19)    /* cached distinct tokens before a reset */
#define ARENA_MAX (32u << 20)   /* cached token bytes before a reset */
#define MAX_ALT 8               /* alternatives kept per mention */
#define MAX_PIECES 4            /* pieces a glued word is cut into */
#define TK_BATCH (TK_MAX_UNIT + 2) /* tokens per tokenizer call: one
                                      unit's */

static const int cls_level[CLS_COUNT] = {KL_K3, KL_STEM, KL_K2};

/* A cache entry flag above the TOKF_ byte: no pattern of any class starts
 * with this token, and it is neither glued nor caption debris, so between
 * matches it only has to be written into the token window. */
#define CE_QUIET 0x10000u
static const double level_score[GLA_MATCH_LEVEL_COUNT] = {1.0, 0.95, 0.9,
                                                          0.85, 0.8};

/* A token as the automata see it. */
typedef struct stok {
    uint64_t start;       /* document bytes */
    uint64_t end;
    uint32_t ids[KL_COUNT]; /* dictionary ids, 0 = unknown */
    uint32_t flags;       /* TOKF_* */
    uint8_t glued;        /* a piece of glued words */
} stok;

/* One piece of a glued word, relative to the word. */
typedef struct piece {
    uint16_t start, end;    /* bytes in the word */
    uint32_t ids[KL_COUNT]; /* its ids */
    uint32_t flags;         /* its TOKF_* */
} piece;

typedef struct centry {
    uint64_t hash;          /* of kind and bytes */
    uint64_t w0, w1;        /* the first 16 bytes, zero-padded */
    uint32_t off;           /* bytes in the arena */
    uint32_t lk;            /* byte length | TK_* kind << 16 */
    uint32_t ids[KL_COUNT]; /* ids of the whole token */
    uint32_t flags;         /* TOKF_* */
    uint32_t pieces;        /* first piece in the pool when npieces */
    uint32_t root[CLS_COUNT]; /* state of each automaton after this token
                                 from the root (0: no pattern starts so) */
    uint8_t npieces;        /* 0: used whole */
} centry;

typedef struct cand {
    uint64_t tstart, tend;  /* tokens [tstart, tend) */
    uint64_t bstart, bend;  /* document bytes */
    uint32_t entry;         /* concept */
    uint32_t term;          /* term within it */
    uint32_t rank;          /* lower is better among equal spans */
    uint8_t level;          /* gla_match_level */
    uint8_t glued;          /* a glued piece inside */
    uint8_t deprecated;     /* the term is deprecated */
    uint8_t overlap;        /* --all: overlaps another */
    uint32_t n_alt;         /* alternatives (at most MAX_ALT kept) */
    uint32_t alt[MAX_ALT];  /* their concepts */
} cand;

struct gla_scanner {
    const gla_matcher *m;     /* what we match against */
    unsigned levels;          /* levels reported */
    int all;                  /* overlaps too */
    uint32_t maxlen;          /* longest pattern */
    keyer k;                  /* keys for cache misses */
    /* token cache */
    uint32_t *slots;          /* entry index + 1, 0 = empty */
    size_t mask;              /* slots - 1 */
    centry *ce;               /* entries */
    size_t nce, cap_ce;       /* used, allocated */
    gla_buf arena;            /* token bytes */
    piece *pool;              /* pieces of glued words */
    size_t npool, cap_pool;   /* used, allocated */
    /* text */
    gla_buf buf;              /* document bytes held */
    uint64_t base;            /* document offset of buf.data[0] */
    uint64_t tpos;            /* tokenizing resumes here */
    tk_state tks;             /* tokenizer carry-over */
    tk *tkv;                  /* tokenizer output */
    /* tokens and automata */
    stok ring[RING];          /* the last tokens (of one that no pattern
                                 starts, met between matches, only the
                                 start is set) */
    uint64_t ntok;            /* tokens pushed */
    uint32_t state[CLS_COUNT]; /* automaton states */
    int have_held;            /* a caption word waits for its successor */
    stok held;                /* that word */
    /* candidates */
    cand *pend;               /* unresolved, sorted */
    size_t npend, cap_pend;
    uint64_t next_free;       /* first token not under a chosen mention */
    uint64_t max_emitted_end; /* --all: furthest end emitted */
    cand *q;                  /* settled mentions */
    size_t qhead, qn, cap_q;
    uint64_t settled;         /* see gla_scanner_settled() */
    int ended;                /* the last chunk was fed */
    char err[256];            /* last failure */
};

static int cache_reset(gla_scanner *s)
{
    size_t ns = 1u << 12;
    if (!s->slots || s->mask + 1 != ns) {
        free(s->slots);
        s->slots = calloc(ns, sizeof *s->slots);
        if (!s->slots)
            return GLA_ENOMEM;
        s->mask = ns - 1;
    } else {
        memset(s->slots, 0, ns * sizeof *s->slots);
    }
    s->nce = 0;
    s->npool = 0;
    gla_buf_clear(&s->arena);
    return GLA_OK;
}

int gla_scanner_new(gla_scanner **out, const gla_matcher *m,
                    const gla_scan_options *opt)
{
    if (!out)
        return GLA_EINVAL;
    *out = NULL;
    if (!m || !m->h || (opt && opt->version != GLA_SCAN_OPTIONS_VERSION))
        return GLA_EINVAL;
    gla_scanner *s = calloc(1, sizeof *s);
    if (!s)
        return GLA_ENOMEM;
    s->m = m;
    s->levels = opt && opt->levels ? opt->levels & GLA_MATCH_LEVELS_ALL
                                   : GLA_MATCH_LEVELS_ALL;
    s->all = opt ? opt->all != 0 : 0;
    s->maxlen = m->h->max_len ? m->h->max_len : 1;
    s->tkv = malloc(TK_BATCH * sizeof *s->tkv);
    if (!s->tkv || gla__keyer_init(&s->k) != GLA_OK ||
        cache_reset(s) != GLA_OK) {
        gla_scanner_free(s);
        return GLA_ENOMEM;
    }
    *out = s;
    return GLA_OK;
}

void gla_scanner_free(gla_scanner *s)
{
    if (!s)
        return;
    gla__keyer_free(&s->k);
    free(s->slots);
    free(s->ce);
    gla_buf_dispose(&s->arena);
    free(s->pool);
    gla_buf_dispose(&s->buf);
    free(s->tkv);
    free(s->pend);
    free(s->q);
    free(s);
}

const char *gla_scanner_errmsg(const gla_scanner *s)
{
    return s ? s->err : "";
}

void gla_scanner_reset(gla_scanner *s)
{
    if (!s)
        return;
    gla_buf_clear(&s->buf);
    s->base = s->tpos = 0;
    s->tks.nl = 0;
    s->tks.broke = 0;
    s->ntok = 0;
    for (int c = 0; c < CLS_COUNT; c++)
        s->state[c] = 0;
    s->have_held = 0;
    s->npend = 0;
    s->next_free = 0;
    s->max_emitted_end = 0;
    s->qhead = s->qn = 0;
    s->settled = 0;
    s->ended = 0;
    s->err[0] = '\0';
}

/* ---- token ids ---------------------------------------------------------- */

/* Ids and flags of raw[0, len), computed (not cached). */
static int compute_ids(gla_scanner *s, const char *raw, size_t len, int kind,
                       uint32_t *ids, uint32_t *flags)
{
    unsigned f = 0;
    int rc = gla__keyer_run(&s->k, raw, len, kind, &f);
    if (rc == GLA_EUTF8 || rc == GLA_EINVAL) {
        /* cannot happen for tokens cut from checked text; never match */
        memset(ids, 0, KL_COUNT * sizeof *ids);
        *flags = 0;
        return GLA_OK;
    }
    if (rc != GLA_OK)
        return rc;
    for (int l = 0; l < KL_COUNT; l++)
        ids[l] = gla__dict_find(s->m, s->k.keys[l].data, s->k.keys[l].len);
    *flags = f;
    return GLA_OK;
}

static int ids_known(const uint32_t *ids)
{
    return ids[KL_K2] || ids[KL_K3] || ids[KL_STEM];
}

/* Can raw[a, b) stand as a piece of a glued word: a function word, or a
 * token some term uses (3 bytes or more)? */
static int piece_ok(gla_scanner *s, const char *raw, size_t a, size_t b,
                    piece *out, int *rc)
{
    out->start = (uint16_t)a;
    out->end = (uint16_t)b;
    *rc = compute_ids(s, raw + a, b - a, TK_WORD, out->ids, &out->flags);
    if (*rc != GLA_OK)
        return 0;
    if (out->flags & TOKF_FUNC)
        return 1;
    return b - a >= 3 && ids_known(out->ids);
}

/* A cut of the unknown word raw[a, b) into two words that terms use, each
 * of 4 bytes or more: "intégrationinternationale". Found on the word's K2
 * key, one dictionary look-up per side and position, so no word list is
 * searched. 0 when there is none. */
static size_t known_pair_cut(gla_scanner *s, const char *raw, size_t a,
                             size_t b)
{
    gla_key k;
    if (b - a < 8 ||
        gla_normalize(&k, s->k.norm, GLA_K2, raw + a, b - a) != GLA_OK ||
        k.len < 8)
        return 0;
    for (size_t i = 4; i + 4 <= k.len; i++) {
        if (k.s[i - 1] == ' ' || k.s[i] == ' ' || k.map[i - 1] == k.map[i])
            continue;
        if (gla__dict_find(s->m, k.s, i) &&
            gla__dict_find(s->m, k.s + i, k.len - i)) {
            size_t cut = a + k.map[i];
            if (cut > a && cut < b)
                return cut;
        }
    }
    return 0;
}

/* Cut the unknown word raw[a, b) into known pieces: at a lower-to-upper
 * case change, or a function word off its start or end. At most `room`
 * pieces, at most `depth` more cuts. Returns the number of pieces, 0 when
 * no cut works. */
static int split_word(gla_scanner *s, const char *raw, size_t a, size_t b,
                      int depth, piece *out, int room, int *rc)
{
    if (depth == 0 || room < 2)
        return 0;
    /* candidate cut points, best first */
    size_t cuts[4];
    int ncut = 0;
    size_t c = gla__camel_split(raw + a, b - a);
    if (c)
        cuts[ncut++] = a + c;
    size_t f = gla__func_prefix(raw + a, b - a, 0);
    if (f)
        cuts[ncut++] = a + f;
    f = gla__func_prefix(raw + a, b - a, 1);
    if (f)
        cuts[ncut++] = b - f;
    if (depth == 3) {
        size_t k = known_pair_cut(s, raw, a, b);
        if (k)
            cuts[ncut++] = k;
    }
    for (int i = 0; i < ncut; i++) {
        size_t m = cuts[i];
        if (m <= a || m >= b)
            continue;
        piece left[MAX_PIECES], right[MAX_PIECES];
        int nl = 0, nr = 0;
        if (piece_ok(s, raw, a, m, &left[0], rc))
            nl = 1;
        else if (*rc == GLA_OK)
            nl = split_word(s, raw, a, m, depth - 1, left, room - 1, rc);
        if (*rc != GLA_OK)
            return 0;
        if (!nl)
            continue;
        if (piece_ok(s, raw, m, b, &right[0], rc))
            nr = 1;
        else if (*rc == GLA_OK)
            nr = split_word(s, raw, m, b, depth - 1, right, room - nl, rc);
        if (*rc != GLA_OK)
            return 0;
        if (!nr || nl + nr > room)
            continue;
        /* a cut made only of function words is no evidence of glue */
        int content = 0;
        for (int j = 0; j < nl; j++)
            content |= !(left[j].flags & TOKF_FUNC);
        for (int j = 0; j < nr; j++)
            content |= !(right[j].flags & TOKF_FUNC);
        if (!content && depth == 3)
            continue;
        memcpy(out, left, (size_t)nl * sizeof *out);
        memcpy(out + nl, right, (size_t)nr * sizeof *out);
        return nl + nr;
    }
    return 0;
}

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
/* The bytes of a token of n < 16 bytes within its first two words: a
 * table rather than variable shifts, since lookup() runs once per token. */
#define LOW(n) ((UINT64_C(1) << (8 * (n))) - 1)
static const uint64_t tok_mask[16][2] = {
    {0, 0},           {LOW(1), 0},      {LOW(2), 0},      {LOW(3), 0},
    {LOW(4), 0},      {LOW(5), 0},      {LOW(6), 0},      {LOW(7), 0},
    {~UINT64_C(0), 0}, {~UINT64_C(0), LOW(1)}, {~UINT64_C(0), LOW(2)},
    {~UINT64_C(0), LOW(3)}, {~UINT64_C(0), LOW(4)}, {~UINT64_C(0), LOW(5)},
    {~UINT64_C(0), LOW(6)}, {~UINT64_C(0), LOW(7)}};
#undef LOW
#endif

#if defined(__GNUC__)
#define NOINLINE __attribute__((noinline))
#else
#define NOINLINE
#endif

/* The cache key of raw[0, len) of kind `kind`: its first 16 bytes as two
 * words (zero-padded), length and kind in *lk, and the hash. Tokens of up
 * to 16 bytes (nearly all) are hashed and compared as the two words,
 * without touching the arena. raw lies in s->buf, which has 16 readable
 * bytes past the text. */
static inline uint64_t tok_key(const char *raw, size_t len, int kind,
                               uint64_t *pw0, uint64_t *pw1, uint32_t *lk)
{
    const unsigned char *u = (const unsigned char *)raw;
    uint64_t w0, w1;
    memcpy(&w0, u, 8);
    memcpy(&w1, u + 8, 8);
    if (len < 16) {
        /* keep the token's bytes only */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
        w0 &= tok_mask[len][0];
        w1 &= tok_mask[len][1];
#else
        unsigned char m[16];
        memset(m, 0xff, 16);
        memset(m + len, 0, 16 - len);
        uint64_t m0, m1;
        memcpy(&m0, m, 8);
        memcpy(&m1, m + 8, 8);
        w0 &= m0;
        w1 &= m1;
#endif
    }
    /* a token looked up is at most TK_MAX_UNIT bytes (longer words are
     * breaks), so its length fits in 16 bits */
    *lk = (uint32_t)len | (uint32_t)kind << 16;
    *pw0 = w0;
    *pw1 = w1;
    uint64_t h;
    if (len <= 16) {
        /* the two words, length and kind say all: two multiplies */
        h = (w0 + *lk) * 0xbf58476d1ce4e5b9ull ^ w1 * 0x94d049bb133111ebull;
        h ^= h >> 32;
    } else {
        h = gla__hash_bytes(raw, len) + (uint64_t)kind;
    }
    return h;
}

/* The cache entry of raw[0, len) of kind `kind`, computed on a miss; its
 * index goes to *out. */
static NOINLINE int lookup(gla_scanner *s, const char *raw, size_t len,
                           int kind, size_t *out)
{
    uint64_t w0, w1;
    uint32_t lk;
    uint64_t h = tok_key(raw, len, kind, &w0, &w1, &lk);
    size_t j = h & s->mask;
    while (s->slots[j]) {
        centry *e = &s->ce[s->slots[j] - 1];
        if (e->w0 == w0 && e->w1 == w1 && e->lk == lk &&
            (len <= 16 ||
             (e->hash == h &&
              memcmp(s->arena.data + e->off, raw, len) == 0))) {
            *out = s->slots[j] - 1;
            return GLA_OK;
        }
        j = (j + 1) & s->mask;
    }
    if (s->nce >= CACHE_MAX || s->arena.len + len > ARENA_MAX) {
        if (cache_reset(s) != GLA_OK)
            return GLA_ENOMEM;
        return lookup(s, raw, len, kind, out);
    }
    centry e;
    memset(&e, 0, sizeof e);
    e.hash = h;
    e.w0 = w0;
    e.w1 = w1;
    e.lk = lk;
    int rc = compute_ids(s, raw, len, kind, e.ids, &e.flags);
    if (rc != GLA_OK)
        return rc;
    int quiet = 1;
    for (int c = 0; c < CLS_COUNT; c++)
        e.root[c] = ac_step(&s->m->ac[c], 0, e.ids[cls_level[c]]);
    /* "le" starts the name Lê only with a capital: verify() would turn
     * down every candidate, so the names automaton is not started */
    if (e.root[CLS_NAMES] && !(e.flags & TOKF_CAP) &&
        !gla__low_start(s->m, e.ids[KL_K3]))
        e.root[CLS_NAMES] = 0;
    for (int c = 0; c < CLS_COUNT; c++)
        if (e.root[c] != 0)
            quiet = 0;
    if (kind == TK_WORD && !ids_known(e.ids)) {
        piece pc[MAX_PIECES];
        int np = split_word(s, raw, 0, len, 3, pc, MAX_PIECES, &rc);
        if (rc != GLA_OK)
            return rc;
        if (np > 1) {
            if (s->npool + (size_t)np > s->cap_pool) {
                size_t cap = s->cap_pool ? s->cap_pool * 2 : 256;
                piece *p = realloc(s->pool, cap * sizeof *p);
                if (!p)
                    return GLA_ENOMEM;
                s->pool = p;
                s->cap_pool = cap;
            }
            memcpy(s->pool + s->npool, pc, (size_t)np * sizeof *pc);
            e.pieces = (uint32_t)s->npool;
            e.npieces = (uint8_t)np;
            s->npool += (size_t)np;
            quiet = 0;
        }
    }
    if (quiet && !(e.flags & TOKF_DEBRIS))
        e.flags |= CE_QUIET;
    if (s->nce == s->cap_ce) {
        size_t cap = s->cap_ce ? s->cap_ce * 2 : 1024;
        centry *p = realloc(s->ce, cap * sizeof *p);
        if (!p)
            return GLA_ENOMEM;
        s->ce = p;
        s->cap_ce = cap;
    }
    if ((s->nce + 1) * 2 > s->mask + 1) {
        size_t ns = (s->mask + 1) * 2;
        uint32_t *slots = calloc(ns, sizeof *slots);
        if (!slots)
            return GLA_ENOMEM;
        for (size_t i = 0; i < s->nce; i++) {
            size_t k = s->ce[i].hash & (ns - 1);
            while (slots[k])
                k = (k + 1) & (ns - 1);
            slots[k] = (uint32_t)(i + 1);
        }
        free(s->slots);
        s->slots = slots;
        s->mask = ns - 1;
    }
    e.off = (uint32_t)s->arena.len;
    if (gla_buf_put(&s->arena, raw, len) != GLA_OK)
        return GLA_ENOMEM;
    s->ce[s->nce] = e;
    j = h & s->mask;
    while (s->slots[j])
        j = (j + 1) & s->mask;
    s->slots[j] = (uint32_t)(s->nce + 1);
    *out = s->nce++;
    return GLA_OK;
}

/* ---- candidates ---------------------------------------------------------- */

static int status_rank(unsigned st)
{
    switch (st) {
    case GLA_STATUS_PREFERRED: return 0;
    case GLA_STATUS_ADMITTED: return 1;
    case GLA_STATUS_SUPERSEDED: return 2;
    case GLA_STATUS_DEPRECATED: return 3;
    default: return 4;
    }
}

/* The level at which the tokens ending at ring index `last` match pattern
 * `p`, or -1. */
static int verify(const gla_scanner *s, const img_pat *p, uint64_t first,
                  int *glued)
{
    const gla_matcher *m = s->m;
    if ((uint64_t)p->forms + p->n > m->n_patforms)
        return -1;
    int level = 0;
    *glued = 0;
    for (uint32_t i = 0; i < p->n; i++) {
        uint32_t fi = m->patforms[p->forms + i];
        if (fi >= m->h->n_forms)
            return -1;
        const img_form *f = &m->forms[fi];
        const stok *t = &s->ring[(first + i) % RING];
        int l;
        /* A name written with a capital needs one in the text: "lao" in
         * "le président lao" is an adjective, not Lào. */
        if (p->cls == CLS_NAMES && (f->flags & TOKF_CAP) &&
            !(t->flags & TOKF_CAP))
            return -1;
        if (p->flags & PF_CASE) {
            if (t->ids[KL_K0] == f->id[KL_K0])
                l = GLA_MATCH_EXACT;
            else if (t->ids[KL_K2] == f->id[KL_K2] &&
                     !(t->flags & TOKF_LOWER) && !(f->flags & TOKF_LOWER))
                l = GLA_MATCH_DIACRITICS;
            else
                return -1;
        } else if (t->ids[KL_K0] == f->id[KL_K0]) {
            l = GLA_MATCH_EXACT;
        } else if (t->ids[KL_K1] == f->id[KL_K1]) {
            l = GLA_MATCH_CASE;
        } else if (t->ids[KL_K2] == f->id[KL_K2]) {
            l = GLA_MATCH_DIACRITICS;
        } else if (p->cls == CLS_NAMES && t->ids[KL_K3] == f->id[KL_K3]) {
            l = GLA_MATCH_TRANSLIT;
        } else if (p->cls == CLS_INFLECT &&
                   t->ids[KL_STEM] == f->id[KL_STEM] &&
                   t->ids[KL_LIGHT] == f->id[KL_LIGHT] &&
                   (p->n > 1 ||
                    !((t->flags ^ f->flags) & TOKF_FEM))) {
            /* a one-word term changes in number only: "générale" in
             * "Assemblée générale" is not the rank "général" */
            l = GLA_MATCH_INFLECTION;
        } else {
            return -1;
        }
        if (l > level)
            level = l;
        if (t->glued)
            *glued = 1;
    }
    return level;
}

static int cand_before(const cand *a, const cand *b, int all)
{
    if (a->tstart != b->tstart)
        return a->tstart < b->tstart;
    /* longest first for the greedy choice; shortest first in --all so
     * mentions come out by (start, end) */
    return all ? a->tend < b->tend : a->tend > b->tend;
}

/* Add a verified candidate, merging it with one of the same span. */
static int add_cand(gla_scanner *s, const cand *c)
{
    for (size_t i = 0; i < s->npend; i++) {
        cand *o = &s->pend[i];
        if (o->tstart != c->tstart || o->tend != c->tend)
            continue;
        if (o->entry == c->entry) {
            if (c->rank < o->rank) {
                uint32_t n_alt = o->n_alt, alt[MAX_ALT];
                memcpy(alt, o->alt, sizeof alt);
                *o = *c;
                o->n_alt = n_alt;
                memcpy(o->alt, alt, sizeof alt);
            }
            return GLA_OK;
        }
        for (uint32_t a = 0; a < o->n_alt && a < MAX_ALT; a++) {
            if (o->alt[a] == c->entry)
                return GLA_OK; /* seen at a level no better */
        }
        if (c->level < o->level) {
            *o = *c; /* the better level wins outright */
            o->n_alt = 0;
            return GLA_OK;
        }
        if (c->level > o->level)
            return GLA_OK;
        /* same level, another concept: ambiguous */
        uint32_t loser = c->entry;
        if (c->rank < o->rank) {
            loser = o->entry;
            uint32_t n_alt = o->n_alt, alt[MAX_ALT];
            memcpy(alt, o->alt, sizeof alt);
            *o = *c;
            o->n_alt = n_alt;
            memcpy(o->alt, alt, sizeof alt);
        }
        if (o->n_alt < MAX_ALT)
            o->alt[o->n_alt] = loser;
        o->n_alt++;
        return GLA_OK;
    }
    if (s->npend == s->cap_pend) {
        size_t cap = s->cap_pend ? s->cap_pend * 2 : 64;
        cand *p = realloc(s->pend, cap * sizeof *p);
        if (!p)
            return GLA_ENOMEM;
        s->pend = p;
        s->cap_pend = cap;
    }
    size_t i = s->npend;
    while (i > 0 && cand_before(c, &s->pend[i - 1], s->all)) {
        s->pend[i] = s->pend[i - 1];
        i--;
    }
    s->pend[i] = *c;
    s->npend++;
    return GLA_OK;
}

static int emit(gla_scanner *s, const cand *c)
{
    if (s->qn == s->cap_q) {
        if (s->qhead > 0) {
            memmove(s->q, s->q + s->qhead, (s->qn - s->qhead) * sizeof *s->q);
            s->qn -= s->qhead;
            s->qhead = 0;
        }
        if (s->qn == s->cap_q) {
            size_t cap = s->cap_q ? s->cap_q * 2 : 64;
            cand *p = realloc(s->q, cap * sizeof *p);
            if (!p)
                return GLA_ENOMEM;
            s->q = p;
            s->cap_q = cap;
        }
    }
    s->q[s->qn++] = *c;
    return GLA_OK;
}

static void drop_front(gla_scanner *s, size_t k)
{
    memmove(s->pend, s->pend + k, (s->npend - k) * sizeof *s->pend);
    s->npend -= k;
}

/* Settle what no later token can change: candidates starting before
 * token `limit` (every candidate when `final`). */
static int resolve(gla_scanner *s, uint64_t limit, int final)
{
    if (!s->all) {
        while (s->npend && (final || s->pend[0].tstart < limit)) {
            cand c = s->pend[0];
            size_t k = 1;
            while (k < s->npend && s->pend[k].tstart == c.tstart)
                k++;
            drop_front(s, k);
            if (c.tstart < s->next_free)
                continue; /* under a mention already chosen */
            if (emit(s, &c) != GLA_OK)
                return GLA_ENOMEM;
            s->next_free = c.tend;
        }
        return GLA_OK;
    }
    while (s->npend && (final || s->pend[0].tend <= limit)) {
        cand c = s->pend[0];
        drop_front(s, 1);
        c.overlap = c.tstart < s->max_emitted_end;
        for (size_t i = 0; i < s->npend && !c.overlap; i++)
            if (s->pend[i].tstart < c.tend)
                c.overlap = 1;
        if (c.tend > s->max_emitted_end)
            s->max_emitted_end = c.tend;
        if (emit(s, &c) != GLA_OK)
            return GLA_ENOMEM;
    }
    return GLA_OK;
}

/* Settle what token T has made final (resolve() with its limit), if
 * anything: most tokens settle nothing, so the test comes first. */
static inline int settle(gla_scanner *s, uint64_t T)
{
    if (!s->npend)
        return GLA_OK;
    uint64_t limit = T + 2 > s->maxlen ? T + 2 - s->maxlen : 0;
    if (s->all ? s->pend[0].tend > limit : s->pend[0].tstart >= limit)
        return GLA_OK;
    return resolve(s, limit, 0);
}

/* ---- the token stream ----------------------------------------------------- */

/* Candidates of the outputs of state st of class automaton v, the token
 * t (number T) ending them. Kept out of push_raw() so that its usual
 * path, with no output, stays short. */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static int outputs(gla_scanner *s, const ac_view *v, uint32_t st, uint64_t T,
                   const stok *t)
{
    const gla_matcher *m = s->m;
    for (uint32_t o = ac_first_out(v, st); o != AC_NONE;
         o = ac_next_out(v, o)) {
        uint32_t d = v->depth[o];
        if (d == 0 || d > T + 1 || d > GLA_MATCH_MAX_TOKENS)
            continue;
        uint64_t first = T + 1 - d;
        uint32_t lo, hi;
        ac_out_range(v, o, &lo, &hi);
        for (uint32_t i = lo; i < hi; i++) {
            uint32_t pi = v->outs[i];
            if (pi >= m->h->n_patterns)
                continue;
            const img_pat *p = &m->pats[pi];
            if (p->n != d || p->entry >= m->h->n_entries)
                continue;
            int glued;
            int level = verify(s, p, first, &glued);
            if (level < 0 || !(s->levels & GLA_MATCH_LEVEL_BIT(level)))
                continue;
            cand cd;
            memset(&cd, 0, sizeof cd);
            cd.tstart = first;
            cd.tend = T + 1;
            cd.bstart = s->ring[first % RING].start;
            cd.bend = t->end;
            cd.entry = p->entry;
            cd.term = p->term;
            cd.level = (uint8_t)level;
            cd.glued = (uint8_t)glued;
            cd.deprecated = (p->flags & PF_DEPRECATED) != 0;
            cd.rank = (uint32_t)(level * 64 + cd.deprecated * 32 +
                                 status_rank(p->status) * 4 +
                                 ((p->flags & PF_SOURCE) ? 0 : 2) +
                                 ((p->flags & PF_COMPACT) ? 1 : 0));
            if (add_cand(s, &cd) != GLA_OK)
                return GLA_ENOMEM;
        }
    }
    return GLA_OK;
}

/* ac_step() from state `from`, not the root, where `at_root` is the state
 * the token leads to from the root (centry.root): a failure chain that
 * ends at the root takes it instead of reading the root table again. */
static inline uint32_t step_from(const ac_view *v, uint32_t from, uint32_t sym,
                                 uint32_t at_root)
{
    if (sym == 0 || v->n_states == 0)
        return 0;
    uint32_t s = from;
    while (s != 0) {
        uint32_t n = ac_goto(v, s, sym);
        if (n != AC_NONE)
            return n;
        uint32_t f = v->st[s].fail;
        if (f >= v->n_states || v->depth[f] >= v->depth[s])
            return 0; /* a damaged image: stop rather than loop */
        s = f;
    }
    return at_root;
}

/* Step the automata with token T, already in the window. `root`, when
 * not NULL, holds each automaton's state after it from the root (see
 * centry), saving those steps. */
static NOINLINE int step(gla_scanner *s, uint64_t T, const uint32_t *root)
{
    const gla_matcher *m = s->m;
    const stok *t = &s->ring[T % RING];
    if (!(t->ids[KL_K3] | t->ids[KL_STEM] | t->ids[KL_K2] | s->state[0] |
          s->state[1] | s->state[2]))
        goto settle; /* a word no term has, between matches: most words */
    for (int c = 0; c < CLS_COUNT; c++) {
        const ac_view *v = &m->ac[c];
        uint32_t sym = t->ids[cls_level[c]], st;
        if (s->state[c] == 0) {
            if (root)
                st = root[c];
            else if (sym == 0)
                continue; /* a word no term has, between matches */
            else
                st = ac_step(v, 0, sym);
        } else if (root) {
            st = step_from(v, s->state[c], sym, root[c]);
        } else {
            st = ac_step(v, s->state[c], sym);
        }
        s->state[c] = st;
        if (st == 0)
            continue; /* the root has no outputs */
        if (ac_first_out(v, st) != AC_NONE &&
            outputs(s, v, st, T, t) != GLA_OK)
            return GLA_ENOMEM;
    }
settle:
    return settle(s, T);
}

/* Write token t into the window and step the automata with it. */
static int push_raw(gla_scanner *s, const stok *t, const uint32_t *root)
{
    uint64_t T = s->ntok++;
    s->ring[T % RING] = *t;
    return step(s, T, root);
}

/* Hold the caption word "ảnh" until the next token says whether it is
 * caption debris ("ảnh 1"): then neither takes part in any match. */
static int push_tok(gla_scanner *s, const stok *t, const uint32_t *root)
{
    if (s->have_held) {
        s->have_held = 0;
        if (t->flags & TOKF_NUM) {
            stok a = s->held, b = *t;
            memset(a.ids, 0, sizeof a.ids);
            memset(b.ids, 0, sizeof b.ids);
            int rc = push_raw(s, &a, NULL);
            return rc != GLA_OK ? rc : push_raw(s, &b, NULL);
        }
        int rc = push_raw(s, &s->held, NULL);
        if (rc != GLA_OK)
            return rc;
    }
    if (t->flags & TOKF_DEBRIS) {
        s->held = *t;
        s->have_held = 1;
        return GLA_OK;
    }
    return push_raw(s, t, root);
}

/* Token t, whatever it is (take() handles the common case); e is its
 * cache entry when the caller found it, else NULL. */
static NOINLINE int process(gla_scanner *s, const tk *t, const centry *e)
{
    stok st;
    st.start = s->base + t->start;
    st.end = s->base + t->end;
    if (t->kind == TK_BREAK) {
        memset(st.ids, 0, sizeof st.ids);
        st.flags = 0;
        st.glued = 0;
        return push_tok(s, &st, NULL);
    }
    int rc;
    if (!e) {
        size_t idx;
        rc = lookup(s, s->buf.data + t->start, t->end - t->start, t->kind,
                    &idx);
        if (rc != GLA_OK)
            return rc;
        e = &s->ce[idx];
    }
    if ((e->flags & CE_QUIET) &&
        !(s->state[0] | s->state[1] | s->state[2] | s->have_held)) {
        /* no pattern starts here and none is under way: what push_tok()
         * would do, without the copies and automaton steps */
        uint64_t T = s->ntok++;
        stok *r = &s->ring[T % RING];
        r->start = st.start;
        r->end = st.end;
        memcpy(r->ids, e->ids, sizeof r->ids);
        r->flags = e->flags;
        r->glued = t->glued;
        return settle(s, T);
    }
    if (!e->npieces) {
        memcpy(st.ids, e->ids, sizeof st.ids);
        st.flags = e->flags;
        st.glued = t->glued;
        return push_tok(s, &st, e->root);
    }
    uint32_t first = e->pieces, np = e->npieces;
    for (uint32_t i = 0; i < np; i++) {
        const piece *p = &s->pool[first + i];
        stok ps;
        memset(&ps, 0, sizeof ps);
        ps.start = s->base + t->start + p->start;
        ps.end = s->base + t->start + p->end;
        memcpy(ps.ids, p->ids, sizeof ps.ids);
        ps.flags = p->flags;
        ps.glued = 1;
        rc = push_tok(s, &ps, NULL);
        if (rc != GLA_OK)
            return rc;
    }
    return GLA_OK;
}

/* Feed token t (offsets in s->buf) to the automata. A token found in the
 * cache, neither held, glued nor caption debris, is written into the
 * window here and steps the automata if it must; any other goes through
 * process(). */
static inline int take(gla_scanner *s, const tk *t)
{
    size_t len = t->end - t->start;
    const centry *e = NULL;
    if (t->kind != TK_BREAK && len <= 16) {
        uint64_t w0, w1;
        uint32_t lk;
        uint64_t h =
            tok_key(s->buf.data + t->start, len, t->kind, &w0, &w1, &lk);
        size_t mask = s->mask;
        const uint32_t *slots = s->slots;
        for (size_t j = h & mask; slots[j]; j = (j + 1) & mask) {
            const centry *c = &s->ce[slots[j] - 1];
            if (c->w0 == w0 && c->w1 == w1 && c->lk == lk) {
                e = c;
                break;
            }
        }
    }
    if (!e || (e->npieces | s->have_held | (e->flags & TOKF_DEBRIS)))
        return process(s, t, e);
    /* what push_tok() would do, without the copies */
    uint64_t T = s->ntok++;
    stok *r = &s->ring[T % RING];
    r->start = s->base + t->start;
    if ((e->flags & CE_QUIET) && !(s->state[0] | s->state[1] | s->state[2])) {
        /* no pattern starts here and none is under way, so no candidate
         * will hold this token: of it, only its start is ever read
         * (update_settled()) */
        return s->npend ? settle(s, T) : GLA_OK;
    }
    r->end = s->base + t->end;
    memcpy(r->ids, e->ids, sizeof r->ids);
    r->flags = e->flags;
    r->glued = t->glued;
    return step(s, T, e->root);
}

/*
 * Cut s->buf from s->tpos and feed the tokens to the automata. Spaces,
 * plain words (letters and marks ended by a space or ASCII punctuation)
 * and ASCII punctuation are cut here, as gla__tokenize() would cut them;
 * anything else goes through gla__tokenize() one unit at a time. On
 * failure *at is the failing token's byte offset in the buffer.
 */
static NOINLINE int scan_buf(gla_scanner *s, int last, size_t *at)
{
    /* s->buf holds 16 zero bytes past its text */
    const unsigned char *u = (const unsigned char *)s->buf.data;
    size_t len = s->buf.len, i = (size_t)(s->tpos - s->base);
    int rc = GLA_OK;
    while (i < len) {
        unsigned b0 = u[i];
        if (b0 == ' ') {
            i++;
            continue;
        }
        tk t;
        t.start = i;
        t.glued = 0;
        if (b0 < 0x80 && ascii_class[b0] == CL_PUNCT) {
            t.end = i + 1;
            t.kind = TK_PUNCT;
        } else {
            size_t j = plain_run(u, i, len, 1);
            if (j == i || j >= len || j - i > 16 || !plain_end(u, j)) {
                /* the general case, one unit */
                size_t n = 0;
                int full = gla__tokenize(&s->tks, (const char *)u, len, &i,
                                         last, s->tkv, TK_BATCH, &n);
                for (size_t k = 0; k < n && rc == GLA_OK; k++) {
                    rc = take(s, &s->tkv[k]);
                    if (rc != GLA_OK)
                        *at = s->tkv[k].start;
                }
                if (rc != GLA_OK || !full)
                    break;
                continue;
            }
            t.end = j;
            t.kind = TK_WORD;
        }
        s->tks.nl = 0;
        s->tks.broke = 0;
        rc = take(s, &t);
        if (rc != GLA_OK) {
            *at = i;
            break;
        }
        i = t.end + (u[t.end] == ' ');
    }
    s->tpos = s->base + i;
    return rc;
}

static void update_settled(gla_scanner *s)
{
    uint64_t st;
    uint64_t lim = s->ntok + 1 > s->maxlen ? s->ntok + 1 - s->maxlen : 0;
    if (!s->all) {
        st = lim > s->next_free ? lim : s->next_free;
    } else {
        st = lim;
        if (s->npend && s->pend[0].tstart < st)
            st = s->pend[0].tstart;
    }
    uint64_t off = st < s->ntok ? s->ring[st % RING].start : s->tpos;
    if (s->have_held && s->held.start < off)
        off = s->held.start;
    if (off > s->settled)
        s->settled = off;
}

int gla_scanner_feed(gla_scanner *s, const char *text, size_t len, int last)
{
    if (!s || (!text && len))
        return GLA_EINVAL;
    if (s->ended) {
        snprintf(s->err, sizeof s->err,
                 "the document already ended; reset the scanner first");
        return GLA_EINVAL;
    }
    s->err[0] = '\0';
    /* Keep what the caller may still look at; drop the rest. */
    uint64_t keep = s->settled;
    if (s->qhead < s->qn && s->q[s->qhead].bstart < keep)
        keep = s->q[s->qhead].bstart;
    if (s->qhead == s->qn)
        s->qhead = s->qn = 0;
    if (keep > s->base) {
        size_t drop = (size_t)(keep - s->base);
        if (drop > s->buf.len)
            drop = s->buf.len;
        memmove(s->buf.data, s->buf.data + drop, s->buf.len - drop);
        s->buf.len -= drop;
        s->base += drop;
    }
    /* 16 zero bytes stay after the text, so lookup() can read tokens a
     * word at a time */
    if (gla_buf_grow(&s->buf, len + 16) != GLA_OK)
        return GLA_ENOMEM;
    if (len)
        memcpy(s->buf.data + s->buf.len, text, len);
    s->buf.len += len;
    memset(s->buf.data + s->buf.len, 0, 16);
    s->tks.padded = 1;
    size_t at = 0;
    int rc = scan_buf(s, last, &at);
    if (rc != GLA_OK) {
        snprintf(s->err, sizeof s->err, "out of memory at byte %llu",
                 (unsigned long long)(s->base + at));
        return rc;
    }
    if (last) {
        if (s->have_held) {
            s->have_held = 0;
            if (push_raw(s, &s->held, NULL) != GLA_OK)
                return GLA_ENOMEM;
        }
        if (resolve(s, UINT64_MAX, 1) != GLA_OK)
            return GLA_ENOMEM;
        s->settled = s->base + s->buf.len;
        s->ended = 1;
        return GLA_OK;
    }
    update_settled(s);
    return GLA_OK;
}

int gla_scanner_next(gla_mention *out, gla_scanner *s)
{
    if (!out || !s)
        return GLA_EINVAL;
    if (s->qhead >= s->qn)
        return GLA_ITEROVER;
    const cand *c = &s->q[s->qhead++];
    memset(out, 0, sizeof *out);
    out->span.start = (size_t)c->bstart;
    out->span.end = (size_t)c->bend;
    out->surface = c->bstart >= s->base && c->bend <= s->base + s->buf.len
                       ? s->buf.data + (c->bstart - s->base)
                       : "";
    out->entry = c->entry;
    out->term = c->term;
    out->level = (gla_match_level)c->level;
    out->n_alt = c->n_alt < MAX_ALT ? c->n_alt : MAX_ALT;
    out->alt = c->alt;
    out->flags = (c->glued ? GLA_MENTION_GLUED : 0) |
                 (c->deprecated ? GLA_MENTION_DEPRECATED : 0) |
                 (c->n_alt ? GLA_MENTION_AMBIGUOUS : 0) |
                 (c->overlap ? GLA_MENTION_OVERLAP : 0);
    double sc = level_score[c->level < GLA_MATCH_LEVEL_COUNT ? c->level : 4];
    if (c->glued)
        sc *= 0.9;
    sc /= 1.0 + (double)c->n_alt;
    out->score = sc;
    return GLA_OK;
}

size_t gla_scanner_settled(const gla_scanner *s)
{
    return s ? (size_t)s->settled : 0;
}

int gla_scanner_text(const char **out, const gla_scanner *s, size_t start,
                     size_t end)
{
    if (!out || !s || start > end || start < s->base ||
        end > s->base + s->buf.len)
        return GLA_EINVAL;
    *out = s->buf.len ? s->buf.data + (start - s->base) : "";
    return GLA_OK;
}
