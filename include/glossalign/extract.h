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
    size_t max_items;     /* distinct phrases remembered at most (the rarest
                             are pruned beyond); 0 means 1,000,000 */
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
