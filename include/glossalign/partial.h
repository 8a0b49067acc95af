/*
 * glossalign/partial.h - partial mentions of people next to a term
 * matcher: "le général Giang" after "le général Phan Van Giang", found in
 * a document read stretch by stretch, from the full mentions of persons
 * the matcher found. What annotate (CLI and web) reports as level
 * "partial".
 *
 * docs/NAMES.md ("Partial mentions in a document") describes the rules,
 * the pre-filter that keeps the pass cheap, and the figures.
 */
#ifndef GLOSSALIGN_PARTIAL_H
#define GLOSSALIGN_PARTIAL_H

#include <glossalign/common.h>
#include <glossalign/match.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The score annotate gives a partial mention. */
#define GLA_PARTIAL_SCORE 0.70
/* The level name and flag name annotate reports it with. */
#define GLA_PARTIAL_LEVEL_NAME "partial"
#define GLA_PARTIAL_FLAG_NAME "partial"
/* Other people listed with an ambiguous hit, at most. */
#define GLA_PARTIAL_MAX_ALT 8

/* One document's partial-mention finder; see gla_partial_new(). */
typedef struct gla_partial gla_partial;

/*
 * A finder over the matcher `m` (which must outlive it; not copied). The
 * titles it knows are the terms of `m`'s rank entries, read at the first
 * person met (so text that names nobody costs nothing); the people are
 * the persons recorded as the document goes. Nothing else of the glossary
 * is loaded. One finder serves one thread.
 *
 * @return GLA_OK, GLA_EINVAL (NULL argument) or GLA_ENOMEM.
 */
int gla_partial_new(gla_partial **out, const gla_matcher *m);

/* Free a finder; NULL is a no-op. */
void gla_partial_free(gla_partial *p);

/* Detail of the last failure on `p`; "" when there was none. */
const char *gla_partial_errmsg(const gla_partial *p);

/* Forget every person: a new document begins. */
void gla_partial_reset(gla_partial *p);

/* One partial mention found by gla_partial_feed(). */
typedef struct gla_partial_hit {
    gla_span span;     /* the name words ("Giang"), document offsets */
    gla_span title;    /* the title chain before them ("le général") */
    uint32_t entry;    /* the person, a concept index of the matcher */
    const char *ref;   /* its ref; owned by the matcher */
    double score;      /* GLA_PARTIAL_SCORE */
    int ambiguous;     /* several people fit equally: see alt */
    size_t n_alt;      /* the others, at most GLA_PARTIAL_MAX_ALT */
    uint32_t alt[GLA_PARTIAL_MAX_ALT]; /* their concept indexes */
} gla_partial_hit;

/*
 * Search the document bytes [base, base + len) for partial mentions; the
 * stretches of one document are fed in order. `text` points at document
 * offset `base` and holds `avail` >= len bytes (UTF-8): the stretch, and
 * past it the rest of any mention that runs over its end. `mentions` are
 * the matcher's mentions that start in the stretch (`n` of them, in order
 * of start; any kind): persons are recorded as full mentions, and every
 * mention masks the text it covers. The text up to each person mention
 * is searched against the people recorded so far, then that person is
 * recorded; the rest of the stretch is searched last. A stretch should
 * end at a sentence or line end, so that no "title Name" is cut in two.
 *
 * The hits (partial mentions whose name words overlap no mention given)
 * are then read with gla_partial_hits().
 *
 * @return GLA_OK (also for text that is not UTF-8: it names nobody);
 *         GLA_EINVAL (NULL argument, avail < len, a mention outside
 *         [base, base + avail) or with an entry the matcher lacks);
 *         GLA_ENOMEM.
 */
int gla_partial_feed(gla_partial *p, const char *text, size_t len,
                     size_t avail, size_t base, const gla_mention *mentions,
                     size_t n);

/*
 * The hits of the last gla_partial_feed(), in text order, `*n` of them;
 * owned by `p`, valid until its next feed, reset or free.
 */
const gla_partial_hit *gla_partial_hits(const gla_partial *p, size_t *n);

/* Number of people the document context holds now (at most 256). */
size_t gla_partial_people(const gla_partial *p);

#ifdef __cplusplus
}
#endif
#endif
