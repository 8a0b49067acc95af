/*
 * glossalign/extract.h - candidates for new glossary entries.
 *
 * From a monolingual corpus: acronym and long-form pairs (Schwartz-Hearst,
 * adapted to French word order and to acronyms of another language),
 * Vietnamese-name-shaped sequences the glossary lacks, clusters of surface
 * forms sharing a K2 or K3 key, and frequent multi-word phrases not in the
 * glossary. From aligned sentence pairs: target-language equivalents
 * proposed for source terms that lack one, by co-occurrence (Dice and
 * log-likelihood over n-grams up to 5 tokens).
 *
 * docs/WORKFLOW.md shows the review loop: extract, edit, import.
 */
#ifndef GLOSSALIGN_EXTRACT_H
#define GLOSSALIGN_EXTRACT_H

#include <glossalign/common.h>
#include <glossalign/match.h>

#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum gla_cand_kind {
    GLA_CAND_ACRONYM = 0, /* an acronym with its long form */
    GLA_CAND_VI_NAME,     /* an unknown Vietnamese-name-shaped sequence */
    GLA_CAND_VARIANT,     /* surface forms folding to one K2 or K3 key */
    GLA_CAND_PHRASE       /* a frequent multi-word phrase */
} gla_cand_kind;

#define GLA_CAND_KIND_COUNT 4

/* "acronym" "vi-name" "variant" "phrase"; "?" otherwise. */
const char *gla_cand_kind_name(gla_cand_kind k);

/* One candidate. Everything is owned by the extractor and valid during
 * the callback. */
typedef struct gla_candidate {
    gla_cand_kind kind;        /* what it is */
    const char *text;          /* the form seen most often (the acronym for
                                  GLA_CAND_ACRONYM) */
    const char *long_form;     /* the long form (acronyms), else NULL */
    size_t count;              /* occurrences in the corpus */
    double score;              /* for ranking within a kind, higher first */
    const char *const *forms;  /* every distinct surface form (variants:
                                  the cluster; acronyms: long forms seen) */
    const size_t *form_counts; /* occurrences of each */
    size_t n_forms;            /* how many */
    const char *const *contexts; /* up to 3 example contexts */
    size_t n_contexts;           /* how many */
    const char *known_ref;     /* a glossary concept it already touches
                                  (e.g. the acronym is known but not this
                                  long form), or NULL */
    const char *note;          /* why it was proposed, one line */
} gla_candidate;

/* Called once per candidate; any value but GLA_OK stops the walk. */
typedef int (*gla_candidate_fn)(void *ctx, const gla_candidate *c);

#define GLA_EXTRACT_OPTS_VERSION 1

typedef struct gla_extract_opts {
    unsigned version;     /* GLA_EXTRACT_OPTS_VERSION */
    const char *lang;     /* the corpus language: "fr" (default), "en", "vi" */
    const gla_matcher *m; /* the glossary compiled for `lang`, so known
                             terms are left out; may be NULL */
    size_t min_count;     /* phrases and variants seen fewer times are left
                             out; 0 means 3 */
    size_t max_items;     /* distinct phrases remembered at most (beyond,
                             those seen once are dropped, and merged counts
                             may then differ from a single run: see the
                             counts below); 0 means 1,000,000 */
    unsigned kinds;       /* bit (1 << gla_cand_kind) per kind wanted; 0
                             means all */
} gla_extract_opts;

#define GLA_EXTRACT_OPTS_INIT {GLA_EXTRACT_OPTS_VERSION, NULL, NULL, 0, 0, 0}

typedef struct gla_extractor gla_extractor;

/* Create an extractor. `o` may be NULL. GLA_OK, GLA_EINVAL, GLA_ENOMEM. */
int gla_extractor_new(gla_extractor **out, const gla_extract_opts *o);
/* Free it; NULL is a no-op. */
void gla_extractor_free(gla_extractor *x);
/* Detail of the last failure; "" when there was none. */
const char *gla_extractor_errmsg(const gla_extractor *x);

/*
 * Read one document (or paragraph) of `len` bytes of UTF-8. Call as often
 * as there are documents; memory grows with the distinct items, not the
 * text.
 *
 * @return GLA_OK, GLA_EUTF8 (offset in the errmsg) or GLA_ENOMEM.
 */
int gla_extractor_feed(gla_extractor *x, const char *text, size_t len);

/*
 * Call `fn` for every candidate, kind by kind (acronyms, names, variants,
 * phrases), best first within a kind.
 *
 * @return GLA_OK, GLA_ENOMEM, or fn's value.
 */
int gla_extractor_results(gla_extractor *x, gla_candidate_fn fn, void *ctx);

/* ---- Counts: the extractor's state, to split a corpus --------------------
 *
 * A corpus cut at paragraph (document) boundaries can be read by several
 * extractors, each dumping what it counted; one extractor merging every
 * dump then gives the results a single extractor over the whole corpus
 * would give (docs/SCALE.md, "extract: map and reduce"). Every choice is
 * made by content, never by the order text arrives in: a form shown is
 * the byte-wise greatest surface of its K1 key, forms are ordered by count
 * then K1 key, the three contexts kept are the distinct ones with the
 * least 64-bit FNV-1a hash (then bytes), a known ref is the byte-wise
 * least, ties in rank go by text, and a phrase (almost) always seen inside
 * a longer one is left out whether or not that one is itself left out.
 * The one exception is max_items: once an extractor holds more distinct
 * phrases than that, it drops the phrases it has seen once, and what is
 * dropped depends on the split (none is dropped while every extractor
 * stays under max_items).
 *
 * The format, version GLA_EXTRACT_COUNTS_VERSION, is text, one record a
 * line, fields separated by tabs, backslash, tab, LF and CR escaped as
 * \\ \t \n \r:
 *   #glossalign-extract-counts  VERSION  LANG  SOURCE
 *   KIND KEY COUNT TEXT NTOK KNOWN_REF NFORMS {FORM_KEY SURFACE COUNT KNOWN}
 *        NCTX {CONTEXT}
 *   #end  N                     (N: the item lines of this dump)
 * Dumps may be concatenated, or their lines sorted byte-wise (the '#'
 * lines then come first, as after a Hadoop shuffle): an item line must
 * follow some header line of its stream, and at the end of a stream every
 * header must have its trailer and the item lines must add up to theirs.
 */

#define GLA_EXTRACT_COUNTS_VERSION 1

/*
 * Write everything counted so far to `f` in the counts format, items
 * sorted by kind and key. `source` (may be NULL) names the input in the
 * header; 'glossalign extract' gives the input names joined by spaces.
 * Before or after gla_extractor_results(); the counts are unchanged.
 *
 * @return GLA_OK, GLA_EINVAL, GLA_ENOMEM or GLA_EIO (a write failed).
 */
int gla_extractor_dump(gla_extractor *x, const char *source, FILE *f);

/*
 * Read one stream of counts (one or more dumps, concatenated or with their
 * lines sorted, see above) from `f` to its end and add them to the extractor:
 * counts are summed, forms, contexts and refs chosen as above. The dumps
 * must have been made with the extractor's language; items of kinds not
 * in its `kinds` are skipped. The extractor may also have been fed text.
 * `name` names the stream in messages (NULL: "<counts>"). On failure the
 * errmsg reads "NAME:LINE: what" and the extractor holds part of the
 * stream: free it.
 *
 * @return GLA_OK, GLA_EINVAL, GLA_EPARSE (not counts, another version or
 *         language, a bad or truncated line, bad counts, a dump without
 *         its trailer), GLA_EIO (a read failed) or GLA_ENOMEM.
 */
int gla_extractor_merge(gla_extractor *x, FILE *f, const char *name);

/* The distinct SOURCE fields of the headers merged so far, sorted
 * byte-wise and joined by spaces; "" before any. Owned by the extractor,
 * valid until the next merge or its free. */
const char *gla_extractor_sources(const gla_extractor *x);

/* ---- Equivalents from aligned text ------------------------------------- */

/* One proposed equivalent. Strings are owned by the proposer and valid
 * during the callback. */
typedef struct gla_proposal {
    const char *ref;       /* the source concept */
    const char *source;    /* its canonical source term */
    const char *target;    /* proposed target n-gram, as seen most often */
    size_t rank;           /* 1 for the best proposal of this concept */
    size_t joint;          /* aligned pairs holding both */
    size_t n_source;       /* pairs holding the concept */
    size_t n_target;       /* pairs holding the n-gram */
    double dice;           /* 2 joint / (n_source + n_target) */
    double llr;            /* Dunning's log-likelihood ratio */
} gla_proposal;

typedef int (*gla_proposal_fn)(void *ctx, const gla_proposal *p);

#define GLA_PROPOSE_OPTS_VERSION 1

typedef struct gla_propose_opts {
    unsigned version;     /* GLA_PROPOSE_OPTS_VERSION */
    const char *tgt_lang; /* the target language ("vi") */
    size_t max_ngram;     /* longest target n-gram in tokens; 0 means 5 */
    size_t min_joint;     /* fewest co-occurrences; 0 means 2 */
    size_t per_concept;   /* proposals per concept; 0 means 3 */
    int all_concepts;     /* 1: concepts that have a target term too */
    const gla_matcher *tgt_m; /* the glossary compiled for the target
                                 language, or NULL: target words that are
                                 known terms of any concept are taken as
                                 explained and never proposed */
} gla_propose_opts;

#define GLA_PROPOSE_OPTS_INIT                                                  \
    {GLA_PROPOSE_OPTS_VERSION, NULL, 0, 0, 0, 0, NULL}

typedef struct gla_proposer gla_proposer;

/*
 * A proposer over `src_m` (the glossary compiled for the source language;
 * it must outlive the proposer). Concepts found in source sentences that
 * have no approved `tgt_lang` term (all of them with all_concepts) get
 * proposals. GLA_OK, GLA_EINVAL or GLA_ENOMEM.
 */
int gla_proposer_new(gla_proposer **out, const gla_matcher *src_m,
                     const gla_propose_opts *o);
void gla_proposer_free(gla_proposer *p);
const char *gla_proposer_errmsg(const gla_proposer *p);

/*
 * Count one aligned sentence pair. GLA_OK, GLA_EUTF8 (the target is not
 * UTF-8) or GLA_ENOMEM.
 */
int gla_proposer_feed(gla_proposer *p, const char *src, size_t src_len,
                      const char *tgt, size_t tgt_len);

/*
 * Call `fn` with the proposals of each concept, concepts by ref, best
 * first (Dice, then log-likelihood, then the longer n-gram).
 *
 * @return GLA_OK, GLA_ENOMEM or fn's value.
 */
int gla_proposer_results(gla_proposer *p, gla_proposal_fn fn, void *ctx);

#ifdef __cplusplus
}
#endif
#endif
