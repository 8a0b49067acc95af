/*
 * Internal pieces of the names module shared by its files: the
 * symmetric-deletion fuzzy index, the bounded edit distance, the string
 * hash and the resolver's in-memory layout.
 */
#ifndef GLA_NAMES_INT_H
#define GLA_NAMES_INT_H

#include <glossalign/names.h>
#include <glossalign/normalize.h>

#include <stdint.h>

/* ---- hashing ---------------------------------------------------------- */

uint64_t gla_nm_hash(const char *s, size_t len);

/* ---- bounded restricted Damerau-Levenshtein (optimal string alignment) */

/* Distance between a and b when it is <= max, else max + 1. */
int gla_nm_osa(const char *a, size_t alen, const char *b, size_t blen, int max);

/* ---- symmetric-deletion index ----------------------------------------- */

/*
 * Keys are byte strings numbered 0..n-1 by the caller, which keeps them.
 * The index holds the 64-bit hash of every variant of each key with up to
 * `maxd` bytes deleted (1 for keys longer than GLA_FZ_LONG, none past four
 * times that), as postings grouped in buckets by the hash's top bits.
 */
#define GLA_FZ_LONG 40

typedef struct gla_fz {
    uint32_t *off;    /* n_buckets + 1 offsets into post/fp */
    uint32_t *post;   /* key number | deletions << 30 */
    uint16_t *fp;     /* 16 more bits of each variant's hash */
    size_t n_buckets; /* a power of two */
    size_t used;      /* postings */
    int shift;        /* 64 - log2(n_buckets) */
    int maxd;         /* deletions indexed */
} gla_fz;

/* Upper bound of the variants a key of `len` bytes adds. */
size_t gla_fz_variant_count(size_t len, int maxd);
/* Key number `id` and its length, for gla_fz_build(). */
typedef const char *(*gla_fz_key_fn)(void *ctx, uint32_t id, size_t *len);
/* Build over keys 0..n-1. GLA_OK or GLA_ENOMEM (fz is then empty). */
int gla_fz_build(gla_fz *fz, size_t n, gla_fz_key_fn key, void *ctx, int maxd);
void gla_fz_dispose(gla_fz *fz);
/* Bytes held. */
size_t gla_fz_bytes(const gla_fz *fz);

/* Called with each key number whose variants meet the query's; the same
 * number may come several times. Return non-zero to stop. */
typedef int (*gla_fz_fn)(void *ctx, uint32_t id);
/* Probe every variant of `q` with up to `maxd` deletions. GLA_OK or
 * GLA_ENOMEM (very long queries need scratch space). */
int gla_fz_query(const gla_fz *fz, const char *q, size_t len, int maxd,
                 gla_fz_fn fn, void *ctx);
/* The same, restricted to query variants with qmin..qmax deletions and
 * key variants with kmin..kmax: keys within distance 1 all meet with at
 * most one deletion on each side, so a search can stop there when that
 * settles the answer, and go on later with the other pairs. */
int gla_fz_query_stage(const gla_fz *fz, const char *q, size_t len, int qmin,
                       int qmax, int kmin, int kmax, gla_fz_fn fn, void *ctx);

/* ---- the resolver's layout -------------------------------------------- */

#define GLA_NM_NONE UINT32_MAX

typedef struct nm_entry {
    int64_t id;      /* store id */
    uint32_t ref;    /* arena offset of the ref */
    uint32_t vi;     /* arena offset of the preferred vi term, or NONE */
    uint32_t fr;     /* same for fr */
    uint32_t en;     /* same for en */
    uint8_t kind;    /* gla_kind */
    uint8_t foreign; /* its names read given-first */
} nm_entry;

typedef struct nm_term {
    uint32_t entry;    /* index into entries */
    uint32_t text;     /* arena offset of the term as written */
    uint32_t key;      /* index into keys (distinct K2) */
    uint32_t next;     /* next term with the same K2 key, or NONE */
    uint32_t k3;       /* arena offset of its K3 key */
    uint32_t k3_next;  /* next term with the same K3 hash, or NONE */
    uint32_t surname;  /* index into surnames (foreign persons), or NONE */
    uint32_t sur_next; /* next term with the same surname, or NONE */
} nm_term;

typedef struct nm_key {
    uint32_t off;  /* arena offset of the K2 key */
    uint32_t len;  /* bytes */
    uint32_t term; /* first term with this key */
} nm_key;

/* An open-addressing map from a string hash to a chain head (uint32). */
typedef struct nm_map {
    uint64_t *hash; /* cap hashes, 0 = empty */
    uint32_t *val;  /* cap values */
    size_t cap;     /* power of two */
    size_t n;       /* filled */
} nm_map;

/* A title: a K2 token sequence (space-separated) from a rank entry. */
typedef struct nm_title {
    uint32_t key; /* arena offset of the K2 form */
    uint32_t len; /* bytes */
    uint32_t ref; /* arena offset of the ref, or NONE (built-in) */
} nm_title;

struct gla_names {
    gla_names_opts opts; /* as given */
    gla_buf arena;       /* every string, NUL-terminated */
    nm_entry *entries;   /* resolvable entries */
    size_t n_entries, cap_entries;
    nm_term *terms; /* their name terms */
    size_t n_terms, cap_terms;
    nm_key *keys; /* distinct K2 keys */
    size_t n_keys, cap_keys;
    nm_map key_map; /* K2 hash -> key index */
    nm_map k3_map;  /* K3 hash -> first term (chain: k3_next) */
    nm_key *surs;   /* distinct K3 surnames (term: chain head) */
    size_t n_surs, cap_surs;
    nm_map sur_map;   /* surname hash -> surname index */
    nm_map ref_map;   /* ref hash -> entry index */
    gla_fz fz;        /* fuzzy index over keys */
    gla_fz fz_sur;    /* fuzzy index over surnames */
    nm_title *titles; /* rank and built-in titles */
    size_t n_titles, cap_titles;
    nm_map title_map;        /* title K2 hash -> title index */
    size_t title_max_tokens; /* longest title in tokens */
    int built;               /* gla_names_build() done */
    gla_normalizer *norm;    /* scratch normaliser */
    uint32_t *seen;          /* per key: stamp of the last query */
    uint32_t *seen_sur;      /* per surname: the same */
    uint32_t stamp;          /* current query stamp */
    uint32_t *ent_stamp;     /* per entry: stamp of the result holding it */
    uint32_t *ent_slot;      /* per entry: its index in that result */
    uint32_t ent_cur;        /* current result stamp */
    char errmsg[256];        /* last failure */
};

/* Strings in the arena. */
static inline const char *nm_str(const gla_names *nm, uint32_t off)
{
    return off == GLA_NM_NONE ? NULL : nm->arena.data + off;
}

int gla_nm_map_put(nm_map *m, uint64_t h, uint32_t val, uint32_t *old);
/* The value stored for h, or GLA_NM_NONE. */
uint32_t gla_nm_map_get(const nm_map *m, uint64_t h);
void gla_nm_map_dispose(nm_map *m);

/* Append a NUL-terminated string to the arena; offset via *off. */
int gla_nm_intern(gla_names *nm, uint32_t *off, const char *s, size_t len);

void gla_nm_seterr(gla_names *nm, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* A K2 token sequence matching a title at token `i` of `toks`; returns
 * the number of tokens consumed (0 for none) and the title via *t. */
typedef struct nm_tok {
    const char *s;  /* K2 token bytes (not NUL-terminated) */
    size_t len;     /* bytes */
    gla_span src;   /* source span */
    size_t dot_end; /* src.end, or past a '.' that follows at once */
    unsigned flags; /* NM_TOK_* */
} nm_tok;

#define NM_TOK_DOT 0x01u     /* followed by '.' in the source */
#define NM_TOK_COMMA 0x02u   /* followed by ',' in the source */
#define NM_TOK_UPPER 0x04u   /* ALL-CAPS with two letters or more */
#define NM_TOK_CAP 0x08u     /* starts with a capital */
#define NM_TOK_MARKS 0x10u   /* carries a diacritic in the source */
#define NM_TOK_HYPHEN 0x20u  /* joined to the next token by a hyphen */
#define NM_TOK_LETTERS 0x40u /* made of letters only */
#define NM_TOK_PLAIN 0x80u   /* "Chien" or "chien": capital first at most */

/* Split a K2 key with its map into tokens (at most `cap`); returns the
 * count or (size_t)-1 when there are more than `cap`. `src` is the text
 * the key was built from. */
size_t gla_nm_tokens(nm_tok *toks, size_t cap, const gla_key *k,
                     const char *src, size_t srclen);

/* Length in tokens of the title chain (articles, civilities, ranks) at
 * the front of toks[0..n); the last rank's ref offset via *ref
 * (GLA_NM_NONE when none). */
size_t gla_nm_title_chain(const gla_names *nm, const nm_tok *t, size_t n,
                          uint32_t *ref);

/* The K2 articles (articles != 0) or civilities a title chain may hold:
 * the lists of is_article() and civility_at() in parse.c, kept in step
 * with them. */
size_t gla_nm_chain_words(const char *const **out, int articles);

/* gla_names_ctx_scan() for a context fed by the caller (detect_full off)
 * that gives the same hits, less those whose name overlaps a span of
 * `skip` (sorted by start, spans relative to `text`), at a fraction of
 * the cost: only the stretches around a word that may end a partial
 * mention of someone in the context are normalised and parsed (see
 * context.c). GLA_OK, GLA_EINVAL (detect_full on, or not built),
 * GLA_EUTF8, GLA_ENOMEM. */
int gla_nm_ctx_scan_quick(gla_name_hits **out, gla_names_ctx *ctx,
                          const char *text, size_t len, const gla_span *skip,
                          size_t n_skip);

/* gla_names_ctx_add() with the ref's entry index e already known.
 * GLA_EINVAL for an index out of range. */
int gla_nm_ctx_add_entry(gla_names_ctx *ctx, uint32_t e, const char *s,
                         size_t len);
/* People a context holds. */
size_t gla_nm_ctx_count(const gla_names_ctx *ctx);
/* Whether gla_names_ctx_add() with a ref may keep a plain full name
 * unparsed until a resolution needs it (off by default). The context
 * then resolves exactly as if every mention had been parsed at once. */
void gla_nm_ctx_set_lazy(gla_names_ctx *ctx, int on);

/* Is the K2 token a Vietnamese syllable (initial, vowels, final)? */
int gla_nm_is_syllable(const char *s, size_t len);
/* Is the K2 token a Vietnamese family name? */
int gla_nm_is_family(const char *s, size_t len);

/* Parse from already-split tokens; fills `out` and the canonical token
 * order in `order` (indexes into toks). `titles` enables title stripping;
 * `guess_order` lets a common family name written last move first (for
 * queries: glossary terms are taken as written). */
int gla_nm_parse_tokens(gla_name *out, size_t *order, const nm_tok *toks,
                        size_t n, const gla_names *titles, size_t *first,
                        int guess_order);

/* A parsed query or term with its own copy of the K2 text. */
typedef struct nm_q {
    gla_name name;                        /* the parse */
    nm_tok toks[GLA_NAME_MAX_TOKENS * 2]; /* every token, title included */
    size_t n_toks;                        /* tokens in toks */
    size_t first;                         /* first name token in toks */
    size_t order[GLA_NAME_MAX_TOKENS];    /* canonical order into toks */
    gla_buf k2;  /* the K2 text the tokens point into */
    gla_buf key; /* canonical K2 key */
} nm_q;

#define NM_Q_INIT                                                              \
    {                                                                          \
        0                                                                      \
    }

void gla_nm_q_dispose(nm_q *q);
/* Parse `s`; a query when `titles` is non-zero (titles stripped, order
 * guessed), else a glossary term. GLA_OK,
 * GLA_ENOTFOUND (no name token), GLA_EINVAL (too many tokens), GLA_EUTF8,
 * GLA_ENOMEM. */
int gla_nm_q_parse(nm_q *q, gla_names *nm, const char *s, size_t len,
                   int titles);
/* Canonical token i of a parse. */
static inline const nm_tok *nm_q_tok(const nm_q *q, size_t i)
{
    return &q->toks[q->order[i]];
}
/* The canonical K1 form of a parse of `src` (tokens joined by spaces). */
int gla_nm_k1_canon(gla_buf *out, gla_names *nm, const nm_q *q,
                    const char *src);

/* Resolve an already parsed query (spans into s). */
int gla_nm_resolve_q(gla_name_matches **out, gla_names *nm, nm_q *q,
                     const char *s, size_t len, size_t limit);
/* A new, empty result for a parse. */
gla_name_matches *gla_nm_matches_new(const nm_q *q);
/* Start a result: candidates pushed from now on are deduplicated per
 * entry within it. */
void gla_nm_result_begin(gla_names *nm);
/* Append a candidate for entry index `entry` to a result, or improve the
 * one it has. GLA_OK or GLA_ENOMEM. */
int gla_nm_matches_push(gla_names *nm, gla_name_matches *m,
                        const gla_name_cand *c, uint32_t entry);
/* Sort candidates, keep `limit`, set the verdict. */
void gla_nm_matches_finish(gla_name_matches *m, size_t limit);
/* Fill a candidate's entry fields from entry index `e`. */
void gla_nm_cand_entry(gla_name_cand *c, const gla_names *nm, uint32_t e);

#endif
