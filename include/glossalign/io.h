/*
 * glossalign/io.h - glossary exchange formats: the lossless header-driven
 * TSV, OmegaT glossaries (TSV and CSV), TBX (2008 and v3, DCA and DCT) and
 * JSON Lines, read as a stream of entries and written entry by entry.
 *
 * Readers never hold a whole file: they call back once per complete
 * concept. Writers take entries one at a time. Neither touches a database;
 * docs/FORMATS.md has the mapping tables and what each format loses.
 */
#ifndef GLOSSALIGN_IO_H
#define GLOSSALIGN_IO_H

#include <glossalign/common.h>
#include <glossalign/glossary.h>

#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum gla_format {
    GLA_FMT_AUTO = 0, /* read: detect from the name and the first bytes */
    GLA_FMT_TSV,      /* the lossless header-driven TSV (docs/TSV-FORMAT.md) */
    GLA_FMT_OMEGAT,   /* OmegaT glossary: source, target, comment (TSV) */
    GLA_FMT_CSV,      /* OmegaT glossary as CSV */
    GLA_FMT_TBX,      /* read: TBX 2008 and v3; write: TBX v3 TBX-Basic DCA */
    GLA_FMT_JSONL     /* one JSON object per entry */
} gla_format;

/* Parse "auto" "tsv" "omegat" "csv" "tbx" "jsonl" (case-insensitive;
 * "json" and "ndjson" mean jsonl). GLA_OK or GLA_EINVAL. */
int gla_format_parse(gla_format *out, const char *name);
/* "auto" "tsv" "omegat" "csv" "tbx" "jsonl"; never NULL. */
const char *gla_format_name(gla_format f);

/*
 * Guess the format of a file from its name (extension; may be NULL) and its
 * first `len` bytes (`head`, may be NULL when len is 0). A lossless TSV is
 * recognised by its header (`entry`, `lang` and `term` columns).
 *
 * @return the format, or GLA_FMT_AUTO when neither says anything.
 */
gla_format gla_io_detect(const char *name, const char *head, size_t len);

/* Where a parsed entry starts, or where an error is. Lines and columns are
 * 1-based; a column counts bytes of the line as UTF-8. */
typedef struct gla_srcpos {
    const char *file; /* name used in messages; never NULL */
    size_t line;      /* line of the entry's first row or element */
    size_t column;    /* byte column in that line */
} gla_srcpos;

/*
 * Called once per complete concept, in file order. `e` and every string in
 * it are owned by the reader and valid during the call only (copy what you
 * keep). Entries from files without identifiers (OmegaT, TBX without id)
 * have e->ref == NULL. Return GLA_OK to go on; any other value stops the
 * read, which returns that value unchanged (and leaves `err` alone).
 */
typedef int (*gla_io_entry_fn)(void *ctx, const gla_entry *e,
                               const gla_srcpos *where);

/* Called for a recoverable oddity (an unknown TBX status mapped to
 * admitted, an element skipped, ...); `msg` is valid during the call. */
typedef void (*gla_io_warn_fn)(void *ctx, const gla_srcpos *where,
                               const char *msg);

/* What a read saw; filled when gla_read_opts.stats is not NULL. */
typedef struct gla_read_stats {
    gla_format format; /* the format read (after detection) */
    size_t entries;    /* entries passed to the callback */
    size_t terms;      /* terms in those entries */
    size_t lines;      /* lines read (text formats) */
    size_t warnings;   /* oddities reported (see gla_io_warn_fn) */
} gla_read_stats;

#define GLA_READ_OPTS_VERSION 1

typedef struct gla_read_opts {
    unsigned version;      /* GLA_READ_OPTS_VERSION */
    gla_format format;     /* GLA_FMT_AUTO to detect */
    const char *src_lang;  /* OmegaT source column language; NULL: "fr" */
    const char *tgt_lang;  /* OmegaT target column language; NULL: "vi" */
    const char *name;      /* name in messages; NULL: the path, "<stdin>"
                              or "<memory>" */
    gla_io_warn_fn warn;   /* may be NULL */
    void *warn_ctx;        /* passed to warn */
    gla_read_stats *stats; /* filled when not NULL */
} gla_read_opts;

#define GLA_READ_OPTS_INIT                                                     \
    {                                                                          \
        GLA_READ_OPTS_VERSION, GLA_FMT_AUTO, NULL, NULL, NULL, NULL, NULL,     \
            NULL                                                               \
    }

/*
 * Read a whole file (`path`, or "-" for stdin) in format o->format (`o` may
 * be NULL for all defaults), calling `fn` once per entry. The file is
 * streamed: memory use grows with the largest entry, not the file (the
 * lossless TSV also remembers each entry id to catch non-contiguous rows).
 *
 * On failure a one-line message "file:line:column: reason" (XML problems
 * also name the element and its line) is appended to `err` (caller-owned,
 * may be NULL).
 *
 * @return GLA_OK; GLA_EPARSE (malformed input), GLA_EUTF8 (invalid UTF-8),
 *         GLA_EENCODING (undecodable UTF-16 or declared encoding),
 *         GLA_ENOTFOUND (no such file), GLA_EIO, GLA_ENOMEM, GLA_EINVAL
 *         (bad options or undetectable format); or the callback's value.
 */
int gla_io_read_file(const char *path, const gla_read_opts *o,
                     gla_io_entry_fn fn, void *ctx, gla_buf *err);

/* As gla_io_read_file(), from `len` bytes at `data` (not copied). */
int gla_io_read_mem(const char *data, size_t len, const gla_read_opts *o,
                    gla_io_entry_fn fn, void *ctx, gla_buf *err);

/* What a writer did; see gla_writer_stats(). */
typedef struct gla_write_stats {
    size_t entries; /* entries written */
    size_t records; /* rows (TSV, OmegaT, CSV), concepts (TBX), lines */
    size_t lossy;   /* values dropped or altered because the format cannot
                       hold them (OmegaT and CSV only; see FORMATS.md) */
} gla_write_stats;

#define GLA_WRITE_OPTS_VERSION 1

typedef struct gla_write_opts {
    unsigned version;     /* GLA_WRITE_OPTS_VERSION */
    const char *src_lang; /* OmegaT/CSV source column language; NULL: "fr" */
    const char *tgt_lang; /* OmegaT/CSV target column language; NULL: "vi" */
    const char *xml_lang; /* TBX document language; NULL: "en" */
    const char *title;    /* TBX header description; NULL: a default */
} gla_write_opts;

#define GLA_WRITE_OPTS_INIT                                                    \
    {                                                                          \
        GLA_WRITE_OPTS_VERSION, NULL, NULL, NULL, NULL                         \
    }

/* A writer of one output document. */
typedef struct gla_writer gla_writer;

/*
 * Open a writer of format `f` (not GLA_FMT_AUTO) on `fp` (not closed by the
 * writer; its errors are reported). `o` may be NULL. Nothing is written
 * before the first put or finish, so an empty export is still a valid
 * document after finish.
 *
 * @return GLA_OK, GLA_EINVAL or GLA_ENOMEM.
 */
int gla_writer_new(gla_writer **out, gla_format f, FILE *fp,
                   const gla_write_opts *o);
/* As gla_writer_new(), appending to the caller's `buf` instead. */
int gla_writer_new_buf(gla_writer **out, gla_format f, gla_buf *buf,
                       const gla_write_opts *o);
/*
 * Write one entry. The lossless TSV needs e->ref and refuses text it cannot
 * hold (control characters other than tab and newline).
 *
 * @return GLA_OK; GLA_EINVAL (entry not representable, detail in
 *         gla_writer_errmsg()), GLA_EUTF8, GLA_EIO or GLA_ENOMEM.
 */
int gla_writer_put(gla_writer *w, const gla_entry *e);
/* Write the trailer (TBX closing tags) and flush. Does not close the FILE.
 * After finish, put fails with GLA_EINVAL. GLA_OK, GLA_EIO, GLA_ENOMEM. */
int gla_writer_finish(gla_writer *w);
/* Counts so far; owned by `w`. */
const gla_write_stats *gla_writer_stats(const gla_writer *w);
/* Detail of the last failure, "" if none; owned by `w`, valid until the
 * next call on it. */
const char *gla_writer_errmsg(const gla_writer *w);
/* Free a writer (without finishing it); NULL is a no-op. */
void gla_writer_free(gla_writer *w);

#ifdef __cplusplus
}
#endif
#endif
