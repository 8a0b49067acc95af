/*
 * glossalign/align.h - bilingual text: reading segment pairs from XLIFF
 * 1.2/2.x, TMX 1.4 and TSV; cutting French, English and Vietnamese text
 * into sentences; aligning a document with its translation sentence by
 * sentence; writing aligned pairs as TSV or TMX 1.4b.
 *
 * docs/WORKFLOW.md shows how check, align and extract fit together.
 */
#ifndef GLOSSALIGN_ALIGN_H
#define GLOSSALIGN_ALIGN_H

#include <glossalign/common.h>
#include <glossalign/match.h>

#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Reading segment pairs ------------------------------------------- */

typedef enum gla_bitext_format {
    GLA_BITEXT_AUTO = 0, /* from the file name, then the first bytes */
    GLA_BITEXT_XML,      /* XLIFF 1.2, XLIFF 2.x or TMX (root element) */
    GLA_BITEXT_TSV       /* [id TAB] source TAB target, one pair a line */
} gla_bitext_format;

/* Parse "auto" "xml" "xliff" "tmx" "tsv". GLA_OK or GLA_EINVAL. */
int gla_bitext_format_parse(gla_bitext_format *out, const char *name);

/*
 * One source/target pair, as the reader hands it over. Inline codes
 * (XLIFF <x/> <ph> <g> <pc> <sc/> ..., TMX <bpt> <ept> <ph> <it> <hi> ...)
 * are left out of the text; their positions are kept as byte offsets into
 * it. Everything is owned by the reader and valid during the callback.
 */
typedef struct gla_segpair {
    const char *id;          /* XLIFF 1.2 trans-unit id; XLIFF 2
                                "unit/segment" (segment id, else its number
                                from the second one on); TMX tuid; TSV
                                first column; else the ordinal */
    const char *src;         /* source text, UTF-8 */
    size_t src_len;          /* its length in bytes */
    const char *tgt;         /* target text, UTF-8; "" when there is none */
    size_t tgt_len;          /* its length in bytes */
    int has_tgt;             /* 0 when the unit has no target at all */
    const char *src_lang;    /* from the file, else the options; may be NULL */
    const char *tgt_lang;    /* from the file, else the options; may be NULL */
    size_t line;             /* line where the unit starts */
    const size_t *src_codes; /* offsets in src where inline codes stood */
    size_t n_src_codes;      /* how many */
    const size_t *tgt_codes; /* offsets in tgt where inline codes stood */
    size_t n_tgt_codes;      /* how many */
} gla_segpair;

/* Called once per pair in file order; any value but GLA_OK stops the read,
 * which returns that value. */
typedef int (*gla_segpair_fn)(void *ctx, const gla_segpair *p);

#define GLA_BITEXT_OPTS_VERSION 1

typedef struct gla_bitext_opts {
    unsigned version;         /* GLA_BITEXT_OPTS_VERSION */
    gla_bitext_format format; /* GLA_BITEXT_AUTO to detect */
    const char *src_lang;     /* TMX: which tuv is the source (primary
                                 subtag match); else the header's srclang.
                                 XLIFF/TSV: used when the file names none */
    const char *tgt_lang;     /* TMX: which tuv is the target; else the
                                 first other language */
    const char *name;         /* name in messages; NULL: the path */
} gla_bitext_opts;

#define GLA_BITEXT_OPTS_INIT                                                   \
    {GLA_BITEXT_OPTS_VERSION, GLA_BITEXT_AUTO, NULL, NULL, NULL}

/*
 * Read the segment pairs of `path` ("-" for stdin), calling `fn` for each.
 * XML is read with libxml2's streaming reader, without network access,
 * without loading a DTD and without expanding entities (a reference to a
 * declared entity is an error). `o` may be NULL.
 *
 * On failure "file:line: reason" is appended to `err` (may be NULL).
 *
 * @return GLA_OK; GLA_EPARSE (malformed or not XLIFF/TMX), GLA_EUTF8,
 *         GLA_ENOTFOUND, GLA_EIO, GLA_ENOMEM, GLA_EINVAL; or the
 *         callback's value.
 */
int gla_bitext_read_file(const char *path, const gla_bitext_opts *o,
                         gla_segpair_fn fn, void *ctx, gla_buf *err);

/* As gla_bitext_read_file(), from `len` bytes at `data` (not copied). */
int gla_bitext_read_mem(const char *data, size_t len,
                        const gla_bitext_opts *o, gla_segpair_fn fn,
                        void *ctx, gla_buf *err);

/* ---- Sentences --------------------------------------------------------- */

/* A growable array of spans owned by the caller: zero-initialise it
 * (GLA_SPANS_INIT), release it with gla_spans_dispose(). */
typedef struct gla_spans {
    gla_span *v; /* spans in text order */
    size_t n;    /* in use */
    size_t cap;  /* allocated */
} gla_spans;

#define GLA_SPANS_INIT {NULL, 0, 0}

/* Free the array; it is GLA_SPANS_INIT again. NULL is a no-op. */
void gla_spans_dispose(gla_spans *s);

/*
 * Cut `s` (`len` bytes of UTF-8 in language `lang`: "fr", "en", "vi";
 * NULL or another tag uses the rules common to all three) into sentences,
 * replacing what `out` held. Each span starts at the sentence's first
 * non-space byte and ends after its final punctuation (and closing quotes
 * or brackets). A blank line always ends a sentence; so does a line that
 * starts a list item ("- ", "• ", "1. ", "a) "). A full stop does not end
 * a sentence after a known abbreviation (M. Mme Dr St. etc. av. J.-C.
 * TP. ông ...), an initial ("Yu. M.", "J."), inside a number, or when the
 * next word starts in lower case.
 *
 * @return GLA_OK, GLA_EUTF8 (not UTF-8) or GLA_ENOMEM.
 */
int gla_sentences(gla_spans *out, const char *lang, const char *s,
                  size_t len);

/* ---- Alignment --------------------------------------------------------- */

/* One bead: n_src source sentences [src, src + n_src) aligned with n_tgt
 * target sentences [tgt, tgt + n_tgt); one of the counts may be 0. */
typedef struct gla_bead {
    size_t src;   /* first source sentence */
    size_t n_src; /* 0, 1 or 2 */
    size_t tgt;   /* first target sentence */
    size_t n_tgt; /* 0, 1 or 2 */
    double cost;  /* the bead's cost in the alignment (lower is surer) */
} gla_bead;

/* Beads in order; zero-initialise (GLA_BEADS_INIT), gla_beads_dispose(). */
typedef struct gla_beads {
    gla_bead *v; /* beads, covering both sides in order */
    size_t n;    /* in use */
    size_t cap;  /* allocated */
} gla_beads;

#define GLA_BEADS_INIT {NULL, 0, 0}

/* Free the array; it is GLA_BEADS_INIT again. NULL is a no-op. */
void gla_beads_dispose(gla_beads *b);

#define GLA_ALIGN_OPTS_VERSION 1

typedef struct gla_align_opts {
    unsigned version;         /* GLA_ALIGN_OPTS_VERSION */
    const gla_matcher *src_m; /* glossary anchors: source-side matcher
                                 (may be NULL: no concept anchors) */
    const gla_matcher *tgt_m; /* target-side matcher, built with the
                                 target language as its source language */
    double anchor_weight;     /* strong anchors (concepts, numbers, names):
                                 cost taken off per shared one, half of it
                                 added per unshared one; 0: 1.5 */
    double cognate_weight;    /* weak anchors (shared four-letter word
                                 starts, ? ! : quotes): at most this much
                                 off, by their Dice overlap; 0: 8 */
} gla_align_opts;

#define GLA_ALIGN_OPTS_INIT {GLA_ALIGN_OPTS_VERSION, NULL, NULL, 0.0, 0.0}

/*
 * Align the `ns` sentences `ss` of `src` with the `nt` sentences `ts` of
 * `tgt` (spans into each text, e.g. from gla_sentences()) by dynamic
 * programming over length ratios (Gale & Church, 1993), with beads 1-1,
 * 1-2, 2-1, 1-0 and 0-1, and cheaper beads where both sides share anchors:
 * the same glossary concept, the same number, the same capitalised name,
 * shared word starts; with 100 sentences or more a side, a second pass
 * adds word translations learnt from the first pass's 1-1 beads. When
 * segments hold several sentences (lines), beads whose sides hold
 * different numbers of sentences cost more.
 * The beads go to `out` (replacing its contents), covering every sentence
 * of both sides in order. `o` may be NULL for no glossary anchors.
 *
 * @return GLA_OK, GLA_EINVAL (a span outside its text), GLA_EUTF8 or
 *         GLA_ENOMEM.
 */
int gla_align(gla_beads *out, const char *src, size_t src_len,
              const gla_span *ss, size_t ns, const char *tgt, size_t tgt_len,
              const gla_span *ts, size_t nt, const gla_align_opts *o);

/*
 * Append one TMX 1.4b translation unit with `tuid` (may be NULL) holding
 * `src` in `src_lang` and `tgt` in `tgt_lang`, XML-escaped, to `out`.
 * gla_tmx_header() and gla_tmx_footer() frame the document.
 * GLA_OK, GLA_EUTF8 (text not UTF-8 or holding characters XML forbids) or
 * GLA_ENOMEM.
 */
int gla_tmx_unit(gla_buf *out, const char *tuid, const char *src,
                 size_t src_len, const char *src_lang, const char *tgt,
                 size_t tgt_len, const char *tgt_lang);
/* The XML declaration, <tmx version="1.4"> and its header naming
 * `src_lang` as srclang. GLA_OK or GLA_ENOMEM. */
int gla_tmx_header(gla_buf *out, const char *src_lang);
/* The closing tags. GLA_OK or GLA_ENOMEM. */
int gla_tmx_footer(gla_buf *out);

#ifdef __cplusplus
}
#endif
#endif
