/*
 * Internal pieces of the match module: the flat automaton layout shared by
 * in-memory automata and mapped images, the token dictionary, the image
 * writer, and the matcher's own structure.
 */
#ifndef GLA_MATCH_INT_H
#define GLA_MATCH_INT_H

#include <glossalign/match.h>
#include <glossalign/normalize.h>

#include <stdint.h>
#include <string.h>

#define AC_NONE UINT32_MAX

/*
 * A compiled automaton as flat arrays. The arrays live in malloc'd memory
 * (a gla_automaton) or inside a matcher image; either way nothing here
 * owns them. What a step reads of a state (its edges, failure link and
 * outputs) sits in one 16-byte record, and a state's ranges end where the
 * next record's begin, so a step touches one or two cache lines.
 */
typedef struct ac_state {
    uint32_t edges;    /* first edge; the next state's is one past last */
    uint32_t fail;     /* failure link */
    uint32_t outs;     /* first output; likewise */
    uint32_t out_link; /* nearest suffix state with outputs, or AC_NONE */
} ac_state;

typedef struct ac_view {
    uint32_t n_states;         /* states; 0 is the root */
    uint32_t n_root;           /* length of root_next; 0 when the root's
                                  edges are in `edges` like the others */
    uint32_t n_edges;          /* edges in `edges` */
    uint32_t n_outs;           /* entries in outs */
    const uint32_t *root_next; /* [n_root] root transitions, 0 = none */
    const ac_state *st;        /* [n_states + 1], the last a sentinel */
    const uint32_t *edges;     /* [2 n_edges] (token, next), by token */
    const uint32_t *outs;      /* [n_outs] payloads */
    const uint8_t *depth;      /* [n_states] tokens from the root */
} ac_view;

static inline uint32_t ac_goto(const ac_view *v, uint32_t s, uint32_t tok)
{
    if (s == 0 && v->n_root) {
        uint32_t n = tok < v->n_root ? v->root_next[tok] : 0;
        return n < v->n_states ? n : 0;
    }
    uint32_t lo = v->st[s].edges, hi = v->st[s + 1].edges;
    const uint32_t *e = v->edges;
    if (hi > v->n_edges || lo > hi) /* a damaged image: never read past */
        return s == 0 ? 0 : AC_NONE;
    while (hi - lo > 8) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (e[2 * mid] < tok)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (; lo < hi; lo++) {
        if (e[2 * lo] == tok)
            return e[2 * lo + 1] < v->n_states ? e[2 * lo + 1] : 0;
        if (e[2 * lo] > tok)
            break;
    }
    return s == 0 ? 0 : AC_NONE;
}

static inline uint32_t ac_step(const ac_view *v, uint32_t s, uint32_t tok)
{
    if (tok == 0 || v->n_states == 0)
        return 0;
    for (;;) {
        uint32_t n = ac_goto(v, s, tok);
        if (s == 0)
            return n;
        if (n != AC_NONE)
            return n;
        uint32_t f = v->st[s].fail;
        if (f >= v->n_states || v->depth[f] >= v->depth[s])
            return 0; /* a damaged image: stop rather than loop */
        s = f;
    }
}

/* First state on `s`'s suffix chain (s itself included) with outputs, or
 * AC_NONE. */
static inline uint32_t ac_first_out(const ac_view *v, uint32_t s)
{
    if (v->n_states == 0)
        return AC_NONE;
    uint32_t t = v->st[s].outs != v->st[s + 1].outs ? s : v->st[s].out_link;
    return t < v->n_states ? t : AC_NONE;
}

/* Next state with outputs after `t` on the suffix chain, or AC_NONE. */
static inline uint32_t ac_next_out(const ac_view *v, uint32_t t)
{
    uint32_t n = v->st[t].out_link;
    return n < v->n_states && v->depth[n] < v->depth[t] ? n : AC_NONE;
}

/* The outputs of state t: outs[*lo, *hi). */
static inline void ac_out_range(const ac_view *v, uint32_t t, uint32_t *lo,
                                uint32_t *hi)
{
    *lo = v->st[t].outs;
    *hi = v->st[t + 1].outs;
    if (*hi > v->n_outs)
        *hi = v->n_outs;
    if (*lo > *hi)
        *lo = *hi;
}

/* ---- image writer ---------------------------------------------------- */

/* Append `n` bytes at an 8-byte aligned offset of `b`; the offset goes to
 * *off. GLA_OK or GLA_ENOMEM. */
int gla__blob_put(gla_buf *b, size_t *off, const void *p, size_t n);

/* Sections an automaton occupies in an image, in this order: root table,
 * state records, edges, outputs, depths. */
#define AC_SECTIONS 5

/* Write the arrays of a compiled automaton into `b`, recording their
 * offsets and byte lengths in off[AC_SECTIONS], len[AC_SECTIONS]. */
int gla__ac_write(gla_buf *b, uint64_t *off, uint64_t *len, const ac_view *v);
/* Point `v` at arrays written by gla__ac_write() inside `base`. Checks
 * sizes and internal consistency; GLA_OK or GLA_EPARSE. */
int gla__ac_attach(ac_view *v, const unsigned char *base, size_t size,
                   const uint64_t *off, const uint64_t *len);

/* Build a compiled automaton from pattern data without a gla_automaton:
 * used by the matcher builder. `pat` holds, per pattern, its length then
 * its payload then its tokens. The arrays are malloc'd into *mem (free
 * it) and `v` points into them. */
int gla__ac_build(ac_view *v, void **mem, const uint32_t *pat, size_t n_pat,
                  size_t words, uint32_t max_tok);

/* ---- the matcher image ---------------------------------------------- */

/* Pattern classes: which automaton a term goes to, keyed by which level. */
enum {
    CLS_NAMES = 0,   /* persons and places: K3 symbols (translit) */
    CLS_INFLECT = 1, /* common-noun terms: stem symbols (inflection) */
    CLS_STRICT = 2,  /* acronyms, case-sensitive terms: K2 symbols */
    CLS_COUNT = 3
};

enum {
    SEC_STR = 0,    /* string pool, NUL-terminated strings */
    SEC_DSLOTS,     /* u32[dict_mask + 1]: dictionary hash slots, id or 0 */
    SEC_DKEYS,      /* img_dkey[n_dict + 1]: key string of each id */
    SEC_FORMS,      /* img_form[n_forms]: keys of pattern tokens */
    SEC_PATS,       /* img_pat[n_patterns] */
    SEC_PATFORMS,   /* u32: form index of every pattern token */
    SEC_ENTRIES,    /* img_entry[n_entries] */
    SEC_TERMS,      /* img_term[n_terms] */
    SEC_REFIDX,     /* u32[n_entries]: entry indexes in ref order */
    SEC_LOWSTART,   /* u32, ascending: the K3 ids with which some name
                       pattern starts whose first token has no capital;
                       a text token without one starting a name pattern
                       with any other id cannot match */
    SEC_AC0,        /* CLS_COUNT automata, AC_SECTIONS sections each */
    SEC_COUNT = SEC_AC0 + CLS_COUNT * AC_SECTIONS
};

#define IMG_MAGIC "GLAMATCH"
#define IMG_FORMAT 2u
#define IMG_ENDIAN 0x01020304u

typedef struct img_header {
    char magic[8];          /* IMG_MAGIC */
    uint32_t format;        /* IMG_FORMAT */
    uint32_t endian;        /* IMG_ENDIAN as written by this machine */
    uint64_t size;          /* bytes of the whole image */
    uint64_t stamp;         /* glossary version it was built from */
    uint64_t build;         /* library build identity */
    char lang[16];          /* source language, NUL-terminated */
    uint32_t n_entries;     /* concepts */
    uint32_t n_terms;       /* terms */
    uint32_t n_patterns;    /* patterns */
    uint32_t n_forms;       /* pattern token forms */
    uint32_t n_dict;        /* dictionary ids (1..n_dict) */
    uint32_t dict_mask;     /* dictionary slots - 1 */
    uint32_t max_len;       /* longest pattern, tokens */
    uint32_t skipped;       /* source terms that made no pattern */
    uint64_t off[SEC_COUNT]; /* section offsets */
    uint64_t len[SEC_COUNT]; /* section byte lengths */
    uint64_t check;         /* hash of the header bytes before it */
} img_header;

typedef struct img_dkey {
    uint32_t off;  /* key string in the pool */
    uint32_t len;  /* its length */
    uint32_t hash; /* low bits of its hash */
} img_dkey;

/* Key levels a token carries: the four of normalize.h, the stem (plural
 * rules, then Snowball) that the inflection automaton runs on, and the
 * light key (plural rules, then a feminine -e / -ne) that checks an
 * inflection match is one of number or gender, not of derivation. */
enum { KL_K0 = 0, KL_K1, KL_K2, KL_K3, KL_STEM, KL_LIGHT, KL_COUNT };

/* Token form flags above the TOKF_ byte. */
#define FORM_NONE 0xFFFFFFFFu /* an id no text token has */

typedef struct img_form {
    uint32_t id[KL_COUNT]; /* dictionary id per key level (KL_*) */
    uint32_t flags; /* TOKF_* */
} img_form;

/* Pattern flags. */
#define PF_CASE 0x01u       /* case-sensitive */
#define PF_DEPRECATED 0x02u /* deprecated, superseded or forbidden term */
#define PF_COMPACT 0x04u    /* the K2-compact form of a place name */
#define PF_SOURCE 0x08u     /* a term of the source language */

typedef struct img_pat {
    uint32_t entry; /* entry index */
    uint32_t term;  /* term index within the entry */
    uint32_t forms; /* first of its form indexes in SEC_PATFORMS */
    uint8_t n;      /* tokens */
    uint8_t cls;    /* CLS_* */
    uint8_t flags;  /* PF_* */
    uint8_t status; /* gla_status of the term */
} img_pat;

typedef struct img_entry {
    int64_t id;          /* row id in the store */
    uint32_t ref;        /* string offsets... */
    uint32_t canonical;  /* ...in the pool */
    uint32_t first_term; /* index in SEC_TERMS */
    uint32_t n_terms;    /* terms */
    uint32_t kind;       /* gla_kind */
    uint32_t flags;      /* 1 = homonym */
} img_entry;

typedef struct img_term {
    uint32_t lang;   /* string offsets in the pool */
    uint32_t text;
    uint8_t status;  /* gla_status */
    uint8_t type;    /* gla_term_type */
    uint8_t pad[2];  /* zero */
} img_term;

struct gla_matcher {
    const unsigned char *base; /* the image */
    size_t size;               /* its bytes */
    void *owned;               /* malloc'd image, or NULL */
    void *map;                 /* mmap'd image, or NULL */
    size_t map_len;            /* mapped bytes */
    const img_header *h;       /* header at base */
    const char *str;           /* string pool */
    size_t str_len;            /* its bytes */
    const uint32_t *dslots;    /* dictionary slots */
    const img_dkey *dkeys;     /* dictionary keys */
    const img_form *forms;     /* pattern token forms */
    const img_pat *pats;       /* patterns */
    const uint32_t *patforms;  /* form indexes */
    size_t n_patforms;         /* entries in patforms */
    const img_entry *entries;  /* concepts */
    const img_term *terms;     /* terms */
    const uint32_t *refidx;    /* entries by ref */
    const uint32_t *lowstart;  /* SEC_LOWSTART */
    size_t n_lowstart;         /* its entries */
    ac_view ac[CLS_COUNT];     /* the automata */
    char err[512];             /* last failure */
};

/* Point a matcher at an image; GLA_OK or GLA_EPARSE (reason in m->err). */
int gla__matcher_attach(gla_matcher *m, const unsigned char *base,
                        size_t size);
/* A string of the pool; "" for an offset out of range. */
static inline const char *gla__str(const gla_matcher *m, uint32_t off)
{
    return off < m->str_len ? m->str + off : "";
}
/* Can a text token without a capital and with K3 id `id` start a name
 * pattern (is `id` in SEC_LOWSTART)? */
int gla__low_start(const gla_matcher *m, uint32_t id);
/* Dictionary id of a key, 0 when no pattern token has it. */
uint32_t gla__dict_find(const gla_matcher *m, const char *s, size_t len);
/* The identity of this library build, stored in images. */
uint64_t gla__build_id(void);

/* ---- hashing --------------------------------------------------------- */

/* Up to 8 bytes as one little-endian word, zero-padded. */
static inline uint64_t gla__load_word(const unsigned char *s, size_t n)
{
    uint64_t w = 0;
    if (n >= 8) {
        memcpy(&w, s, 8);
        return w;
    }
    for (size_t k = 0; k < n; k++)
        w |= (uint64_t)s[k] << (8 * k);
    return w;
}

static inline uint64_t gla__mix(uint64_t h)
{
    h ^= h >> 32;
    h *= 0xd6e8feb86659fd93ull;
    h ^= h >> 32;
    return h;
}

static inline uint64_t gla__hash_bytes(const void *p, size_t n)
{
    /* A word at a time with a multiply-shift mix: tokens are short, so
     * the tail matters as much as the body. */
    const unsigned char *s = p;
    uint64_t h = 0x9e3779b97f4a7c15ull ^ ((uint64_t)n * 0xff51afd7ed558ccdull);
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        h = (h ^ gla__load_word(s + i, 8)) * 0xbf58476d1ce4e5b9ull;
        h ^= h >> 31;
    }
    if (i < n) {
        h = (h ^ gla__load_word(s + i, n - i)) * 0xbf58476d1ce4e5b9ull;
        h ^= h >> 31;
    }
    return gla__mix(h);
}

static inline uint64_t gla__hash_u64(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdull;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ull;
    x ^= x >> 33;
    return x;
}

#endif
