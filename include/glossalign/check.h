/*
 * glossalign/check.h - quality assurance of a translation against the
 * glossary, segment by segment: missing approved equivalents, forbidden or
 * deprecated target terms, one concept translated differently across the
 * document, names written in another form than the glossary's, numbers
 * dropped.
 *
 * docs/WORKFLOW.md lists the findings and their severities.
 */
#ifndef GLOSSALIGN_CHECK_H
#define GLOSSALIGN_CHECK_H

#include <glossalign/common.h>
#include <glossalign/match.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum gla_severity {
    GLA_SEV_INFO = 0,    /* worth a look */
    GLA_SEV_WARNING = 1, /* probably wrong */
    GLA_SEV_ERROR = 2    /* wrong by the glossary */
} gla_severity;

/* "info" "warning" "error"; "?" otherwise. */
const char *gla_severity_name(gla_severity s);
/* Parse a severity name. GLA_OK or GLA_EINVAL. */
int gla_severity_parse(gla_severity *out, const char *s);

typedef enum gla_finding_kind {
    GLA_FIND_MISSING_TERM = 0, /* a source term's approved equivalents are
                                  all absent from the target */
    GLA_FIND_FORBIDDEN_TERM,   /* a forbidden, deprecated or superseded
                                  target term is used */
    GLA_FIND_INCONSISTENT,     /* a concept translated otherwise than in an
                                  earlier segment */
    GLA_FIND_NAME_FORM,        /* a name (or term) in the target written in
                                  another form than the glossary's */
    GLA_FIND_NUMBER            /* a number of the source missing from the
                                  target */
} gla_finding_kind;

/* "missing-term" "forbidden-term" "inconsistent" "name-form" "number". */
const char *gla_finding_kind_name(gla_finding_kind k);

/* One finding. Strings are owned by the checker and valid during the
 * callback only. A side without a span has start == end == SIZE_MAX. */
typedef struct gla_finding {
    const char *segment;     /* the segment's id */
    gla_severity severity;   /* how bad */
    gla_finding_kind kind;   /* what */
    gla_span src;            /* bytes of the source segment, or none */
    gla_span tgt;            /* bytes of the target segment, or none */
    const char *entry;       /* ref of the concept concerned, or NULL */
    const char *expected;    /* what the target should have (the preferred
                                term(s), " | "-separated), or NULL */
    const char *message;     /* one line of English for a person */
} gla_finding;

/* Called once per finding, in segment order; a value other than GLA_OK
 * stops gla_checker_segment(), which returns it. */
typedef int (*gla_finding_fn)(void *ctx, const gla_finding *f);

#define GLA_CHECK_OPTS_VERSION 1

typedef struct gla_check_opts {
    unsigned version;     /* GLA_CHECK_OPTS_VERSION */
    const char *tgt_lang; /* target language ("vi"); NULL: the target
                             matcher's source language */
    int no_numbers;       /* 1: do not check numbers */
    int no_consistency;   /* 1: do not check consistency across segments */
} gla_check_opts;

#define GLA_CHECK_OPTS_INIT {GLA_CHECK_OPTS_VERSION, NULL, 0, 0}

typedef struct gla_checker gla_checker;

/*
 * A checker for one document. `src_m` is the glossary compiled for the
 * source language, `tgt_m` the same glossary compiled with the target
 * language as its source language (gla_matcher_options.source_lang), so
 * that multi-word, inflected and deprecated target terms are found; both
 * must outlive the checker. `o` may be NULL.
 *
 * @return GLA_OK, GLA_EINVAL or GLA_ENOMEM.
 */
int gla_checker_new(gla_checker **out, const gla_matcher *src_m,
                    const gla_matcher *tgt_m, const gla_check_opts *o);
/* Free a checker; NULL is a no-op. */
void gla_checker_free(gla_checker *c);
/* Detail of the last failure; "" when there was none. */
const char *gla_checker_errmsg(const gla_checker *c);

/*
 * Check one segment pair: `src` (`src_len` bytes) and its translation
 * `tgt`, both UTF-8, calling `fn` for each finding. Segments must come in
 * document order: consistency findings compare with earlier segments.
 *
 * @return GLA_OK; GLA_EUTF8 (a side is not UTF-8; which one and the
 *         offset in gla_checker_errmsg()); GLA_ENOMEM; or fn's value.
 */
int gla_checker_segment(gla_checker *c, const char *id, const char *src,
                        size_t src_len, const char *tgt, size_t tgt_len,
                        gla_finding_fn fn, void *ctx);

/* Forget the document (consistency memory): a new one begins. */
void gla_checker_reset(gla_checker *c);

#ifdef __cplusplus
}
#endif
#endif
