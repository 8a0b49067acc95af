/*
 * glossalign/names.h - personal names: parsing into family / middle / given
 * with titles set apart, ranked resolution of a written name to glossary
 * entries (diacritics restored, regional family-name aliases,
 * transliteration, initials, misspellings within edit distance 2), and
 * partial mentions ("le général Giang") resolved in document context.
 *
 * docs/NAMES.md describes the rules, the scores and the fuzzy index.
 */
#ifndef GLOSSALIGN_NAMES_H
#define GLOSSALIGN_NAMES_H

#include <glossalign/common.h>
#include <glossalign/glossary.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Parsing ---------------------------------------------------------- */

typedef enum gla_name_order {
    GLA_NAME_FAMILY_FIRST = 0, /* Vietnamese: family middle given */
    GLA_NAME_NOM_PRENOM,       /* French style: ALL-CAPS family moved first */
    GLA_NAME_GIVEN_FIRST       /* foreign: given [patronymic] family */
} gla_name_order;

/* gla_name.flags */
#define GLA_NAME_KNOWN_FAMILY 0x01u /* the family token is on the list */
#define GLA_NAME_VIETNAMESE 0x02u   /* every token is a Vietnamese syllable */
#define GLA_NAME_ALLCAPS 0x04u      /* an ALL-CAPS token marked the family */
#define GLA_NAME_HYPHEN 0x08u       /* hyphens joined tokens (Nguyen-Van) */
#define GLA_NAME_INITIALS 0x10u     /* given names written as initials */
#define GLA_NAME_FAMILY_ONLY 0x20u  /* one token, a Vietnamese family name */
#define GLA_NAME_LE_FAMILY 0x40u    /* a leading "Le" read as the name Lê */
#define GLA_NAME_TITLE 0x80u        /* a title or rank stood in front */

#define GLA_NAME_MAX_TOKENS 16

/*
 * A parsed name. Every span is a byte span of the caller's text. Tokens
 * are in canonical order: family first for Vietnamese names (also when the
 * text was "Prénom NOM"), as written for foreign names. `family`, `middle`
 * and `given` are token index ranges [first, last) into `tokens`.
 */
typedef struct gla_name {
    gla_span title;        /* title/rank words before the name, or {0, 0} */
    const char *title_ref; /* ref of the last rank entry in the title, or
                              NULL (none, or a built-in civility); owned by
                              the gla_names it came from */
    gla_span name;         /* the name itself, title excluded */
    gla_name_order order;  /* how the name was written */
    unsigned flags;        /* GLA_NAME_* */
    size_t n_tokens;       /* tokens used (at most GLA_NAME_MAX_TOKENS) */
    gla_span tokens[GLA_NAME_MAX_TOKENS]; /* name tokens, canonical order */
    size_t family[2]; /* family token range, empty when unknown */
    size_t middle[2]; /* middle tokens (patronymic for foreign names) */
    size_t given[2];  /* given-name tokens */
} gla_name;

/* A set of names and titles to resolve against; see below. */
typedef struct gla_names gla_names;

/*
 * Parse `s` (`len` bytes of UTF-8): split off a leading title (an article,
 * a civility such as "M." or "Mme", and the rank/title entries of `nm`;
 * `nm` may be NULL for the built-in civilities only; it lends its scratch
 * space, so one `nm` serves one thread), then classify the
 * remaining tokens. When `key` is not NULL, the name's K2 key in canonical
 * order ("hoang xuan chien" for "Xuan Chien HOANG") is appended to it.
 *
 * @return GLA_OK; GLA_ENOTFOUND when no name token is left (e.g. "le
 *         général" alone); GLA_EUTF8; GLA_EINVAL (more than
 *         GLA_NAME_MAX_TOKENS tokens); GLA_ENOMEM.
 */
int gla_name_parse(gla_name *out, gla_buf *key, gla_names *nm, const char *s,
                   size_t len);

/*
 * The share of the population (percent) carrying the Vietnamese family
 * name whose K2 key is `k2` ("nguyen", "hoang", ...), 0 when it is not
 * on the list; a name on the list with no published share gives 0.1.
 */
double gla_name_family_share(const char *k2, size_t len);

/* ---- Resolver --------------------------------------------------------- */

/* Kind mask bits for gla_names_opts.kinds. */
#define GLA_NAMES_KIND(k) (1u << (unsigned)(k))
#define GLA_NAMES_KINDS_NAMES                                                  \
    (GLA_NAMES_KIND(GLA_KIND_PERSON) | GLA_NAMES_KIND(GLA_KIND_PLACE))
#define GLA_NAMES_KINDS_ALL 0xffu

#define GLA_NAMES_OPTS_VERSION 1

typedef struct gla_names_opts {
    int version;      /* GLA_NAMES_OPTS_VERSION */
    unsigned kinds;   /* which entry kinds are resolvable (rank entries
                         always serve as titles) */
    int max_distance; /* edit budget for misspellings, 0..2 */
} gla_names_opts;

#define GLA_NAMES_OPTS_INIT                                                    \
    {                                                                          \
        GLA_NAMES_OPTS_VERSION, GLA_NAMES_KINDS_NAMES, 2                       \
    }

/*
 * Create an empty set. `opts` may be NULL for the defaults. Add entries,
 * then call gla_names_build() once before resolving.
 *
 * @return GLA_OK, GLA_EINVAL (bad options) or GLA_ENOMEM.
 */
int gla_names_new(gla_names **out, const gla_names_opts *opts);

/* Free a set and everything it owns; NULL is a no-op. */
void gla_names_free(gla_names *nm);

/* Detail of the last failure on `nm`; never NULL. */
const char *gla_names_errmsg(const gla_names *nm);

/*
 * Add a copy of what resolution needs from `e`: its id, ref, kind and
 * terms. Rank entries become titles; entries whose kind is not in
 * opts.kinds are skipped (GLA_OK). Must precede gla_names_build().
 *
 * @return GLA_OK; GLA_EINVAL (after build, or a term is not valid UTF-8:
 *         the ref is in gla_names_errmsg()); GLA_ENOMEM.
 */
int gla_names_add_entry(gla_names *nm, const gla_entry *e);

/*
 * Build the fuzzy index over everything added. Idempotent.
 *
 * @return GLA_OK or GLA_ENOMEM.
 */
int gla_names_build(gla_names *nm);

/*
 * Create a set from every entry of the glossary `db` and build it: rank
 * entries become titles, entries of opts.kinds (NULL opts: persons and
 * places) become resolvable. On failure *out is NULL and the message is
 * in gla_db_errmsg(db) (GLA_EDB) or names the entry at fault.
 *
 * @return GLA_OK, GLA_EDB, GLA_EINVAL (a bad term, message in errbuf when
 *         given), GLA_ENOMEM.
 */
int gla_names_load(gla_names **out, gla_db *db, const gla_names_opts *opts,
                   gla_buf *errbuf);

/*
 * The set of the glossary `db` (whose file is `db_path`), read from its
 * cache file when that is current, else loaded with gla_names_load() and
 * saved to the cache (a cache that cannot be written is not an error).
 * The cache lives where the match module keeps its own
 * (gla_matcher_cache_path()), with ".names" for ".match", and is tied to
 * gla_matcher_db_stamp() and to the options. `db_path` NULL or ":memory:"
 * means no cache.
 *
 * @return as gla_names_load().
 */
int gla_names_open(gla_names **out, gla_db *db, const char *db_path,
                   const gla_names_opts *opts, gla_buf *errbuf);

/*
 * Write a built set to `path` atomically (a temporary file, then rename),
 * tagged with the glossary version `stamp`.
 *
 * @return GLA_OK; GLA_EINVAL (not built); GLA_EIO (reason in
 *         gla_names_errmsg()); GLA_ENOMEM.
 */
int gla_names_save(gla_names *nm, const char *path, uint64_t stamp);

/*
 * Read a set written by gla_names_save(). Every index and offset is
 * checked before use. With `stamp` not 0 the file must carry it, and its
 * options must equal `opts` (NULL: the defaults).
 *
 * @return GLA_OK; GLA_ENOTFOUND (no file); GLA_EPARSE (not a names image,
 *         damaged, or from another format version); GLA_EEXISTS (a valid
 *         image of another glossary version or other options: stale);
 *         GLA_EIO; GLA_ENOMEM. *out is NULL on failure.
 */
int gla_names_load_file(gla_names **out, const char *path, uint64_t stamp,
                        const gla_names_opts *opts);

/* Resolvable entries and distinct K2 keys in the set. */
size_t gla_names_entry_count(const gla_names *nm);
size_t gla_names_key_count(const gla_names *nm);
/* Bytes held by the fuzzy index (tables only, not the strings). */
size_t gla_names_index_bytes(const gla_names *nm);

/* Why a candidate matched: bits of gla_name_cand.reasons. */
#define GLA_NAME_R_EXACT 0x001u        /* same K1 key as a term */
#define GLA_NAME_R_DIACRITICS 0x002u   /* same K2 key: marks restored */
#define GLA_NAME_R_MARKS_DIFFER 0x004u /* marks written that the term lacks */
#define GLA_NAME_R_ALIAS 0x008u    /* Hoàng~Huỳnh or Vũ~Võ family alias */
#define GLA_NAME_R_TRANSLIT 0x010u /* same K3 transliteration key */
#define GLA_NAME_R_EDIT 0x020u     /* within edit distance (see distance) */
#define GLA_NAME_R_PARTIAL 0x040u  /* partial mention of an earlier name */
#define GLA_NAME_R_INITIALS 0x080u /* initials match the given names */
#define GLA_NAME_R_SURNAME 0x100u  /* a foreign surname alone */
#define GLA_NAME_R_ORDER 0x200u    /* "Prénom NOM" reordered */
#define GLA_NAME_R_SUBSET 0x400u   /* some given names omitted */

/* One ranked candidate. Strings are owned by the gla_names (or, for
 * `partial_of`, the context) and valid while it lives. */
typedef struct gla_name_cand {
    int64_t entry_id;       /* the entry's id in the store (0 if none) */
    const char *ref;        /* the entry's ref; never NULL */
    gla_kind kind;          /* the entry's kind */
    const char *vi;         /* preferred Vietnamese term, or NULL */
    const char *fr;         /* preferred French term, or NULL */
    const char *en;         /* preferred English term, or NULL */
    const char *matched;    /* the term whose key matched */
    double score;           /* 0 < score <= 1, higher is better */
    unsigned reasons;       /* GLA_NAME_R_* */
    int distance;           /* edit distance on K2 (R_EDIT), else 0 */
    const char *alias;      /* "Hoàng~Huỳnh" or "Vũ~Võ" with R_ALIAS */
    const char *partial_of; /* the earlier full mention, with R_PARTIAL */
} gla_name_cand;

/* gla_name_matches.status */
typedef enum gla_name_status {
    GLA_NAME_RESOLVED = 0, /* one best candidate */
    GLA_NAME_AMBIGUOUS,    /* the top candidates are too close to call */
    GLA_NAME_NONE,         /* no candidate */
    GLA_NAME_FAMILY_ALONE  /* a family name alone: never resolved */
} gla_name_status;

/* What a resolution found; owned by the caller, gla_name_matches_free(). */
typedef struct gla_name_matches {
    gla_name query;         /* the parsed query (spans into the query) */
    char *key;              /* the query's canonical K2 key */
    gla_name_status status; /* the verdict */
    gla_name_cand *cands;   /* n candidates, best first */
    size_t n;               /* number of candidates */
} gla_name_matches;

/* Free a result; NULL is a no-op. */
void gla_name_matches_free(gla_name_matches *m);

/* "resolved" "ambiguous" "none" "family-alone". */
const char *gla_name_status_name(gla_name_status s);

/*
 * Resolve `s` (`len` bytes of UTF-8, one name, titles allowed) against the
 * built set: at most `limit` candidates (0 means 10), best first, at most
 * one per entry. The verdict is AMBIGUOUS when the second candidate scores
 * within 0.02 of the first: shared keys and equal edit distances are never
 * settled silently. Not thread-safe on one `nm` (it keeps scratch space).
 *
 * @return GLA_OK (also when nothing matched: status NONE); GLA_EINVAL
 *         (not built, or an unparsable query: see gla_names_errmsg());
 *         GLA_EUTF8; GLA_ENOMEM.
 */
int gla_names_resolve(gla_name_matches **out, gla_names *nm, const char *s,
                      size_t len, size_t limit);

/*
 * Append the reasons of `c` as text, comma-separated, e.g. "diacritics,
 * alias Hoàng~Huỳnh" or "edit distance 2".
 *
 * @return GLA_OK or GLA_ENOMEM.
 */
int gla_name_reasons(gla_buf *out, const gla_name_cand *c);

/* ---- Partial mentions in a document ----------------------------------- */

typedef struct gla_names_ctx gla_names_ctx;

/* A context for one document over `nm` (which must outlive it).
 * GLA_OK or GLA_ENOMEM. */
int gla_names_ctx_new(gla_names_ctx **out, gla_names *nm);
/* Free a context; NULL is a no-op. */
void gla_names_ctx_free(gla_names_ctx *ctx);
/* Forget every mention: a new document begins. */
void gla_names_ctx_reset(gla_names_ctx *ctx);
/*
 * Whether gla_names_ctx_scan() resolves every capitalised run of two or
 * more words against the whole set to record full mentions itself (on by
 * default). A caller that records the full mentions it found with
 * gla_names_ctx_add() (annotate feeds the matcher's person mentions)
 * turns it off: the scan then only looks for title + name mentions of the
 * people already recorded, which costs far less on long texts.
 */
void gla_names_ctx_set_detect_full(gla_names_ctx *ctx, int on);

/*
 * Record a full mention of a person in document order: `s` is the mention
 * as written (a title in front is allowed and remembered), `ref` the entry
 * it resolved to, or NULL to resolve it here (it is recorded only when it
 * resolves without ambiguity).
 *
 * @return GLA_OK; GLA_ENOTFOUND (ref unknown, or `s` did not resolve);
 *         GLA_EUTF8; GLA_ENOMEM.
 */
int gla_names_ctx_add(gla_names_ctx *ctx, const char *ref, const char *s,
                      size_t len);

/*
 * Resolve a mention such as "le général Giang" or "le ministre Beloussov"
 * against the full mentions recorded so far: a title (or civility)
 * followed by the given name (possibly with the middle name) of a
 * Vietnamese person, or the surname of a foreign one. A family name alone
 * never resolves (status FAMILY_ALONE); a mention that fits several
 * recorded people is AMBIGUOUS. Without a title the mention resolves only
 * when `bare` is non-zero.
 *
 * @return GLA_OK (status NONE when nothing fits), GLA_EUTF8, GLA_ENOMEM.
 */
int gla_names_ctx_resolve(gla_name_matches **out, gla_names_ctx *ctx,
                          const char *s, size_t len, int bare);

/* A partial mention found by gla_names_ctx_scan(). */
typedef struct gla_name_hit {
    gla_span span;       /* title and name, in the scanned text */
    gla_span name;       /* the name part alone */
    gla_name_matches *m; /* its resolution (status RESOLVED or AMBIGUOUS) */
} gla_name_hit;

/* Hits of one scan; owned by the caller, gla_name_hits_free(). */
typedef struct gla_name_hits {
    gla_name_hit *hits; /* in text order */
    size_t n;           /* number of hits */
} gla_name_hits;

/* Free scan results; NULL is a no-op. */
void gla_name_hits_free(gla_name_hits *h);

/*
 * Scan `text` for partial mentions: a title or civility followed by one or
 * two capitalised words that are not a full name, each resolved with
 * gla_names_ctx_resolve() against the mentions recorded so far. Full
 * mentions the scan meets (a title followed by a name that resolves
 * unambiguously) are recorded as it goes, so mentions earlier in `text`
 * count. Spans are byte offsets into `text`.
 *
 * @return GLA_OK, GLA_EUTF8 or GLA_ENOMEM.
 */
int gla_names_ctx_scan(gla_name_hits **out, gla_names_ctx *ctx,
                       const char *text, size_t len);

#ifdef __cplusplus
}
#endif
#endif
