/*
 * glossalign/match.h - term spotting: every glossary mention in a text, as
 * a byte span with its entry, the key level that matched and a score.
 *
 * Three layers, each usable alone:
 *   - gla_automaton: Aho-Corasick over token ids (integers), with no notion
 *     of text; patterns are token-id sequences carrying a payload.
 *   - gla_matcher: a compiled glossary. Every term is cut into tokens, each
 *     token keyed at every level (K0 exact ... stem), and the key sequences
 *     go into automata. A matcher is one contiguous image: it can be saved
 *     to a cache file and mapped back without rebuilding anything.
 *   - gla_scanner: streams text through a matcher in chunks of any size
 *     with bounded memory and returns mentions in text order.
 *
 * docs/MATCHING.md describes the tokens, the levels, the glued-word rule
 * and the cache.
 */
#ifndef GLOSSALIGN_MATCH_H
#define GLOSSALIGN_MATCH_H

#include <glossalign/common.h>
#include <glossalign/glossary.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The longest term, in tokens, a matcher accepts (longer terms are skipped
 * and counted in gla_matcher_stats.skipped_terms). */
#define GLA_MATCH_MAX_TOKENS 32

/* How closely a mention agrees with the glossary term, best first. */
typedef enum gla_match_level {
    GLA_MATCH_EXACT = 0,      /* every token equal at K0 (display form) */
    GLA_MATCH_CASE = 1,       /* equal at K1: case, tone placement, i/y */
    GLA_MATCH_DIACRITICS = 2, /* equal at K2: no marks (or K2 compact) */
    GLA_MATCH_TRANSLIT = 3,   /* equal at K3: foreign names, persons/places */
    GLA_MATCH_INFLECTION = 4  /* equal after plural rules and the French
                                 stemmer: common-noun terms only */
} gla_match_level;

#define GLA_MATCH_LEVEL_COUNT 5
/* The bit of a level in a level set. */
#define GLA_MATCH_LEVEL_BIT(l) (1u << (unsigned)(l))
/* Every level. */
#define GLA_MATCH_LEVELS_ALL 0x1fu

/* "exact" "case" "diacritics" "translit" "inflection"; "?" otherwise. */
const char *gla_match_level_name(gla_match_level level);
/*
 * Parse a comma-separated list of level names ("exact,case,diacritics")
 * into a set of GLA_MATCH_LEVEL_BIT()s. "all" stands for every level.
 *
 * @return GLA_OK, or GLA_EINVAL for an empty list or an unknown name.
 */
int gla_match_levels_parse(unsigned *out, const char *s, size_t len);

/* Mention flags. */
#define GLA_MENTION_GLUED 0x01u      /* a token boundary was recovered from
                                        glued words ("desNations Unies") */
#define GLA_MENTION_DEPRECATED 0x02u /* the matched term is deprecated,
                                        superseded or forbidden */
#define GLA_MENTION_AMBIGUOUS 0x04u  /* other entries match the same span
                                        at the same level */
#define GLA_MENTION_OVERLAP 0x08u    /* (all-overlaps mode) overlaps another
                                        mention that is returned too */

/*
 * Append the names of `flags` to `out`, comma-separated ("glued,ambiguous"),
 * nothing for 0. GLA_OK or GLA_ENOMEM.
 */
int gla_mention_flags_to_buf(gla_buf *out, unsigned flags);

/* ------------------------------------------------------------------------
 * The token automaton
 *
 * Aho-Corasick over an integer alphabet. Token id 0 means "a token no
 * pattern uses": it sends every scan back to the start state. Patterns are
 * added, then compiled once; a compiled automaton is read-only and may be
 * shared by threads.
 * --------------------------------------------------------------------- */

typedef struct gla_automaton gla_automaton;

/* The start state. */
#define GLA_AUTOMATON_ROOT 0u

/* One pattern that ends at a state. */
typedef struct gla_automaton_hit {
    uint32_t payload; /* what the pattern was added with */
    uint32_t len;     /* its length in tokens */
} gla_automaton_hit;

/* Create an empty automaton. GLA_OK or GLA_ENOMEM. */
int gla_automaton_new(gla_automaton **out);
/* Free an automaton; NULL is a no-op. */
void gla_automaton_free(gla_automaton *a);

/*
 * Add the pattern `toks` (`n` token ids, each > 0, 1 <= n <=
 * GLA_MATCH_MAX_TOKENS) with `payload`. The same sequence may be added with
 * several payloads; each is reported. `toks` is copied.
 *
 * @return GLA_OK; GLA_EINVAL for a bad length, a zero id, or an automaton
 *         already compiled; GLA_ENOMEM.
 */
int gla_automaton_add(gla_automaton *a, const uint32_t *toks, size_t n,
                      uint32_t payload);

/*
 * Build the goto, failure and output functions. After this, add() is
 * refused and step() works. Compiling twice is a no-op.
 *
 * @return GLA_OK or GLA_ENOMEM.
 */
int gla_automaton_compile(gla_automaton *a);

/*
 * The state after reading token `tok` in `state` (GLA_AUTOMATON_ROOT to
 * begin; a state number out of range counts as the root). Any id is
 * accepted: ids no pattern uses lead back to the root. On an automaton not
 * yet compiled it returns the root.
 */
uint32_t gla_automaton_step(const gla_automaton *a, uint32_t state,
                            uint32_t tok);

/*
 * The patterns that end at `state`, longest first: up to `cap` of them go
 * to `hits`. Returns how many there are in all (more than `cap` means
 * `hits` was too short).
 */
size_t gla_automaton_outputs(const gla_automaton *a, uint32_t state,
                             gla_automaton_hit *hits, size_t cap);

/* Number of states (1 for an empty compiled automaton). */
size_t gla_automaton_states(const gla_automaton *a);

/* ------------------------------------------------------------------------
 * The matcher: a compiled glossary
 * --------------------------------------------------------------------- */

typedef struct gla_matcher gla_matcher;
typedef struct gla_matcher_builder gla_matcher_builder;

/* What a matcher is compiled for. */
typedef struct gla_matcher_options {
    unsigned version;        /* GLA_MATCHER_OPTIONS_VERSION */
    const char *source_lang; /* language of the texts; NULL means "fr" */
} gla_matcher_options;

#define GLA_MATCHER_OPTIONS_VERSION 1
#define GLA_MATCHER_OPTIONS_INIT {GLA_MATCHER_OPTIONS_VERSION, NULL}

/* Figures about a compiled matcher. */
typedef struct gla_matcher_stats {
    size_t entries;       /* concepts */
    size_t terms;         /* terms kept (every language) */
    size_t patterns;      /* token sequences in the automata */
    size_t skipped_terms; /* source terms with no token or too many tokens */
    size_t vocabulary;    /* distinct token keys */
    size_t states;        /* automaton states, all automata together */
    size_t image_bytes;   /* size of the compiled image */
    int mapped;           /* 1 when the image is a mapped cache file */
} gla_matcher_stats;

/*
 * A builder collects entries, then compiles them into a matcher.
 * `opt` may be NULL for the defaults. GLA_OK, GLA_EINVAL (bad options) or
 * GLA_ENOMEM.
 */
int gla_matcher_builder_new(gla_matcher_builder **out,
                            const gla_matcher_options *opt);
/* Free a builder; NULL is a no-op. */
void gla_matcher_builder_free(gla_matcher_builder *b);
/* Detail of the last failure on `b`; "" when there was none. */
const char *gla_matcher_builder_errmsg(const gla_matcher_builder *b);

/*
 * Add one concept. What the matcher needs of `e` (ref, kind, terms) is
 * copied; `e` stays the caller's. Source-language terms become patterns;
 * for persons and places, terms of every language do (names are written
 * alike across languages). Terms of other languages are kept as targets.
 *
 * @return GLA_OK; GLA_EINVAL (no ref, or `b` already built); GLA_EUTF8 for
 *         a term that is not UTF-8 (named in the errmsg); GLA_ENOMEM.
 */
int gla_matcher_builder_add(gla_matcher_builder *b, const gla_entry *e);

/*
 * Compile everything added so far into a new matcher. The builder is
 * spent afterwards (only free() is allowed). `stamp` is stored in the
 * image: a version of the glossary it was built from (0 when unknown).
 *
 * @return GLA_OK or GLA_ENOMEM; on failure *out is NULL.
 */
int gla_matcher_build(gla_matcher **out, gla_matcher_builder *b,
                      uint64_t stamp);

/* Free a matcher (unmapping its cache file); NULL is a no-op. */
void gla_matcher_free(gla_matcher *m);
/* Detail of the last failure on `m`; "" when there was none. */
const char *gla_matcher_errmsg(const gla_matcher *m);
/* Fill `out` with figures about `m`. */
void gla_matcher_stats_get(gla_matcher_stats *out, const gla_matcher *m);
/* The glossary version stamp the image was built with. */
uint64_t gla_matcher_stamp(const gla_matcher *m);
/* The source language the matcher was built for ("fr"). */
const char *gla_matcher_source_lang(const gla_matcher *m);

/*
 * Write the compiled image to `path` atomically (a temporary file in the
 * same directory, then rename), so readers see the old or the new image.
 *
 * @return GLA_OK, or GLA_EIO with the reason in gla_matcher_errmsg(m).
 */
int gla_matcher_save(gla_matcher *m, const char *path);

/*
 * Map a cache file written by gla_matcher_save(). Nothing is rebuilt: the
 * image is used in place. When `stamp` is not 0 the image must carry that
 * stamp, and `source_lang` (NULL for "fr") must match too.
 *
 * *out is set in every case but GLA_ENOMEM; on failure it only carries
 * the message for gla_matcher_errmsg(): free it.
 *
 * @return GLA_OK; GLA_ENOTFOUND (no such file); GLA_EPARSE (not an image,
 *         damaged, or built by another version of this library);
 *         GLA_EEXISTS (a valid image of another glossary version or
 *         language: stale); GLA_EIO; GLA_ENOMEM.
 */
int gla_matcher_load(gla_matcher **out, const char *path, uint64_t stamp,
                     const char *source_lang);

/*
 * The glossary's version stamp: changes whenever any entry or term of
 * `db` changes (it folds the change log's last id, the number of entries
 * and terms, and the file's identity).
 *
 * @return GLA_OK or GLA_EDB (message in gla_db_errmsg(db)).
 */
int gla_matcher_db_stamp(uint64_t *out, gla_db *db);

/*
 * Where the cache of the glossary at `db_path` lives: `db_path` +
 * ".match", or, when that directory is not writable,
 * $XDG_CACHE_HOME/glossalign/ (else ~/.cache/glossalign/) and a name
 * derived from the absolute path. Appended to `out`. GLA_OK or GLA_ENOMEM.
 */
int gla_matcher_cache_path(gla_buf *out, const char *db_path);

/*
 * The matcher of the glossary in `db` (whose file is `db_path`, used to
 * find the cache; NULL for no cache): mapped from the cache when it is
 * current, else compiled from every entry and saved to the cache (a
 * cache that cannot be written is not an error). `opt` may be NULL.
 *
 * *out is set in every case but GLA_ENOMEM; on failure it carries the
 * message for gla_matcher_errmsg(): free it.
 *
 * @return GLA_OK, GLA_EDB, GLA_EUTF8 (a bad term, named), GLA_ENOMEM.
 */
int gla_matcher_open(gla_matcher **out, gla_db *db, const char *db_path,
                     const gla_matcher_options *opt);

/* One concept of a matcher, as the image keeps it. */
typedef struct gla_match_entry {
    int64_t id;            /* row id in the store, 0 if built without one */
    const char *ref;       /* stable text id */
    gla_kind kind;         /* what the concept is */
    const char *canonical; /* preferred term of the source language (else
                              the first preferred term, else the first) */
    size_t n_terms;        /* terms, for gla_matcher_term() */
} gla_match_entry;

/* One term of a concept, as the image keeps it. */
typedef struct gla_match_term {
    const char *lang;     /* BCP 47 tag */
    const char *text;     /* as written, NFC */
    gla_status status;    /* administrative status */
    gla_term_type type;   /* term type */
} gla_match_term;

/* Number of concepts in `m`. */
size_t gla_matcher_entry_count(const gla_matcher *m);
/*
 * Concept number `idx` (as in gla_mention.entry). Strings are owned by `m`
 * and live as long as it. GLA_OK or GLA_EINVAL (no such index).
 */
int gla_matcher_entry(gla_match_entry *out, const gla_matcher *m,
                      uint32_t idx);
/* Term `i` of concept `idx`. GLA_OK or GLA_EINVAL. */
int gla_matcher_term(gla_match_term *out, const gla_matcher *m, uint32_t idx,
                     size_t i);
/* The concept whose ref is `ref` into *out. GLA_OK or GLA_ENOTFOUND. */
int gla_matcher_find_ref(uint32_t *out, const gla_matcher *m, const char *ref);

/*
 * Append the preferred term(s) of concept `idx` in `lang` to `out`,
 * separated by " | ": terms with status preferred, else the admitted
 * ones; never deprecated, superseded or forbidden ones. Nothing is
 * appended when there is none.
 *
 * @return GLA_OK, GLA_EINVAL (no such index) or GLA_ENOMEM.
 */
int gla_matcher_targets(gla_buf *out, const gla_matcher *m, uint32_t idx,
                        const char *lang);

/* ------------------------------------------------------------------------
 * Scanning text
 * --------------------------------------------------------------------- */

/* What to report. */
typedef struct gla_scan_options {
    unsigned version; /* GLA_SCAN_OPTIONS_VERSION */
    unsigned levels;  /* set of GLA_MATCH_LEVEL_BIT()s; 0 means all */
    int all;          /* 1: every mention, overlaps included; 0: longest
                         leftmost, non-overlapping */
} gla_scan_options;

#define GLA_SCAN_OPTIONS_VERSION 1
#define GLA_SCAN_OPTIONS_INIT {GLA_SCAN_OPTIONS_VERSION, 0, 0}

/* One mention. */
typedef struct gla_mention {
    gla_span span;         /* bytes of the document (all feeds together) */
    const char *surface;   /* span.end - span.start bytes of text, not NUL
                              terminated; owned by the scanner, valid until
                              its next feed */
    uint32_t entry;        /* concept index in the matcher */
    uint32_t term;         /* index of the matched term in that concept */
    gla_match_level level; /* how closely it matched */
    double score;          /* 0 < score <= 1, see docs/MATCHING.md */
    unsigned flags;        /* GLA_MENTION_* */
    size_t n_alt;          /* other concepts matching the same span at the
                              same level (GLA_MENTION_AMBIGUOUS); at most
                              8 are listed */
    const uint32_t *alt;   /* their indexes; owned by the scanner, valid
                              until its next call */
} gla_mention;

typedef struct gla_scanner gla_scanner;

/*
 * A scanner reads one document at a time through `m` (which must outlive
 * it). `opt` may be NULL. GLA_OK, GLA_EINVAL or GLA_ENOMEM.
 */
int gla_scanner_new(gla_scanner **out, const gla_matcher *m,
                    const gla_scan_options *opt);
/* Free a scanner; NULL is a no-op. */
void gla_scanner_free(gla_scanner *s);
/* Detail of the last failure on `s`; "" when there was none. */
const char *gla_scanner_errmsg(const gla_scanner *s);

/*
 * Append `len` bytes of the document (UTF-8; a chunk may end anywhere,
 * even inside a character) and scan as far as they allow. `last` = 1 ends
 * the document: everything pending is resolved. Mentions are then taken
 * with gla_scanner_next(). Memory stays bounded by the chunk size plus
 * the text of at most GLA_MATCH_MAX_TOKENS pending tokens.
 *
 * Bytes that are not UTF-8 never match anything and never fail the scan.
 *
 * @return GLA_OK; GLA_EINVAL (feeding after `last` without a reset);
 *         GLA_ENOMEM.
 */
int gla_scanner_feed(gla_scanner *s, const char *text, size_t len, int last);

/*
 * The next settled mention, in order of start (then of end). The strings
 * it points to stay valid until the next feed or reset.
 *
 * @return GLA_OK, or GLA_ITEROVER when no mention is settled yet.
 */
int gla_scanner_next(gla_mention *out, gla_scanner *s);

/*
 * The document offset up to which the text is settled: every mention
 * starting before it has been queued for gla_scanner_next(), and no
 * later one will start before it. After the last feed it is the document
 * length.
 */
size_t gla_scanner_settled(const gla_scanner *s);

/*
 * Point *out at the document bytes [start, end), which the scanner still
 * holds: any range from the settled offset before the latest feed (or the
 * start of the first mention not yet taken, if earlier) to the end of the
 * text fed.
 *
 * @return GLA_OK, or GLA_EINVAL when the range is no longer (or not yet)
 *         held.
 */
int gla_scanner_text(const char **out, const gla_scanner *s, size_t start,
                     size_t end);

/* Forget the document: the next feed starts a new one at offset 0. */
void gla_scanner_reset(gla_scanner *s);

#ifdef __cplusplus
}
#endif
#endif
