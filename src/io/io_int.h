/*
 * Internals shared by the io readers and writers: the byte source and line
 * layer (BOM, UTF-16 through iconv), the arena-backed entry every reader
 * fills, text checks (UTF-8, control characters, NFC) and messages.
 */
#ifndef GLA_IO_INT_H
#define GLA_IO_INT_H

#include <glossalign/io.h>

#include <iconv.h>
#include <stdint.h>

#define IO_NONE ((size_t)-1)     /* an absent string in an io_entry */
#define IO_CHUNK (64 * 1024)     /* bytes read from a file at a time */
#define IO_MAX_LINE (256u << 20) /* longest line (or CSV record) accepted */
#define IO_LANG_MAX 64           /* longest language tag, with the NUL */

/* A byte source: a FILE or a memory block, read through a window. */
typedef struct io_src {
    FILE *fp;        /* file input, or NULL for memory */
    int close_fp;    /* fp was opened here */
    char *buf;       /* owned buffer for file input */
    size_t cap;      /* bytes allocated in buf */
    const char *win; /* buf, or the caller's memory */
    size_t start;    /* first unconsumed byte of win */
    size_t end;      /* one past the last valid byte of win */
    int eof;         /* nothing more will come */
    int err_no;      /* errno of a failed read, else 0 */
    uint64_t base;   /* stream offset of win[0] */
} io_src;

/* One term while an entry is built: strings are offsets into the arena. */
typedef struct io_term {
    size_t lang, text, pos, note, source; /* arena offsets or IO_NONE */
    gla_status status;                    /* administrative status */
    gla_term_type type;                   /* term type */
    gla_case case_mode;                   /* case sensitivity */
    size_t line;                          /* where the term was read */
} io_term;

/* The entry a reader builds; handed to the callback as a gla_entry view
 * whose strings point into the arena (no allocation per field). */
typedef struct io_entry {
    gla_buf arena;                         /* NUL-terminated strings */
    size_t ref, subject, definition, note; /* arena offsets or IO_NONE */
    gla_kind kind;                         /* concept kind */
    int homonym;                           /* homonym flag */
    io_term *terms;                        /* terms so far */
    size_t n_terms;                        /* terms in use */
    size_t cap_terms;                      /* terms allocated */
    gla_term *view;                        /* gla_term array for the view */
    size_t cap_view;                       /* view entries allocated */
} io_entry;

/* A read in progress. */
typedef struct io_rd {
    const char *name;           /* file name in messages */
    gla_format fmt;             /* the format being read */
    char src_lang[IO_LANG_MAX]; /* OmegaT source language */
    char tgt_lang[IO_LANG_MAX]; /* OmegaT target language */
    gla_io_entry_fn fn;         /* entry callback */
    void *ctx;                  /* its context */
    gla_io_warn_fn warn;        /* warning callback or NULL */
    void *warn_ctx;             /* its context */
    gla_buf *err;               /* where the failure message goes, or NULL */
    gla_read_stats st;          /* counts */
    io_src src;                 /* the bytes */
    iconv_t cd;                 /* conversion to UTF-8, or (iconv_t)-1 */
    char charset[32];           /* name of the converted encoding */
    gla_buf dec;                /* converted bytes */
    size_t dstart;              /* first unconsumed byte in dec */
    int dec_eof;                /* the source is drained into dec */
    size_t lineno;              /* number of the line last returned */
    int bom;                    /* a byte-order mark was skipped */
    io_entry ent;               /* entry being built */
    gla_buf scratch;            /* reusable bytes for any reader */
} io_rd;

/* ---- source and lines (io.c) ---- */

/* Ensure up to `want` unconsumed bytes are in the window (fewer at EOF).
 * GLA_OK, GLA_EIO or GLA_ENOMEM. */
int io_src_peek(io_src *s, size_t want);
/* Copy up to n bytes out (refilling); returns the count, 0 at EOF or on a
 * read error (s->err_no set). */
size_t io_src_read(io_src *s, char *dst, size_t n);

/* Look at the first bytes for a BOM, skip it and set up UTF-16 decoding.
 * GLA_OK or an error already reported. */
int io_lines_begin(io_rd *r);
/* Convert the rest of the input from `charset` (a magic comment). */
int io_lines_set_charset(io_rd *r, const char *charset, size_t line);
/* The next line without its LF (and CR before it), valid until the next
 * call. GLA_OK, GLA_ITEROVER at the end, or an error already reported. */
int io_lines_get(io_rd *r, const char **line, size_t *len);

/* ---- messages ---- */

/* Append "name:line:col: msg" to r->err; returns rc. */
int io_fail(io_rd *r, int rc, size_t line, size_t col, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;
/* Count a warning and pass it to the warning callback. */
void io_warn(io_rd *r, size_t line, size_t col, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

/* ---- entries ---- */

void io_entry_reset(io_entry *b);
void io_entry_dispose(io_entry *b);
/* Append a term with defaults; *out valid until the next add. */
int io_entry_add_term(io_entry *b, io_term **out);
/* The string at `off` (NULL for IO_NONE). */
const char *io_str(const io_entry *b, size_t off);
/* Copy bytes as a new arena string; *slot gets its offset. */
int io_str_new(io_entry *b, size_t *slot, const char *s, size_t len);
/* Replace *slot by old + sep + s (or s alone when *slot is absent). */
int io_str_join(io_entry *b, size_t *slot, const char *sep, const char *s,
                size_t len);
/* Normalise the arena's last string (starting at `off`) to NFC. */
int io_str_nfc(io_entry *b, size_t off);
/* Build the gla_entry view, call back, count, reset. */
int io_entry_emit(io_rd *r, size_t line, size_t col);

/* ---- text checks ---- */

/*
 * Check `s` is UTF-8 without C0 control characters other than tab and LF
 * (`allow_tab_lf`: else those are refused too). *bad gets the byte offset
 * of the problem; *needs_nfc whether NFC could change the text.
 * GLA_OK, GLA_EUTF8 or GLA_EPARSE (control character).
 */
int io_text_check(const char *s, size_t len, int allow_tab_lf, size_t *bad,
                  int *needs_nfc);
/* Checked, NFC copy into a new arena string; errors reported at line/col
 * (+ offset of the problem) naming `what`. */
int io_text_new(io_rd *r, size_t *slot, const char *s, size_t len, size_t line,
                size_t col, const char *what);
/* As io_text_new, joined to an existing string with `sep`. */
int io_text_join(io_rd *r, size_t *slot, const char *sep, const char *s,
                 size_t len, size_t line, size_t col, const char *what);
/* `[a-z0-9][a-z0-9._-]*` */
int io_ref_valid(const char *s, size_t len);
/* Validate a BCP 47 tag (also with '_') and write its canonical casing to
 * out (IO_LANG_MAX bytes). 0 or -1. */
int io_lang_canon(char *out, const char *s, size_t len);
/* The canonical name of a part of speech, or NULL if not one of ours. */
const char *io_pos_canon(const char *s, size_t len);
/* ASCII case-insensitive equality of (s, len) with a C string. */
int io_eq_ci(const char *s, size_t len, const char *name);
/* Trim XML white space (space, tab, CR, LF) at both ends. */
void io_trim(const char **s, size_t *len);

/* ---- readers, one per format ---- */
int io_read_tsv(io_rd *r);
int io_read_omegat(io_rd *r);
int io_read_csv(io_rd *r);
int io_read_tbx(io_rd *r);
int io_read_jsonl(io_rd *r);

/* ---- writers ---- */

struct gla_writer {
    gla_format fmt;             /* output format */
    FILE *fp;                   /* output file, or NULL */
    gla_buf own;                /* staging buffer for fp output */
    gla_buf *out;               /* &own or the caller's buffer */
    char src_lang[IO_LANG_MAX]; /* OmegaT/CSV source language */
    char tgt_lang[IO_LANG_MAX]; /* OmegaT/CSV target language */
    char xml_lang[IO_LANG_MAX]; /* TBX document language */
    char *title;                /* TBX description, owned */
    gla_write_stats st;         /* counts */
    gla_buf msg;                /* last failure */
    int begun;                  /* header written */
    int finished;               /* trailer written */
    int oom;                    /* an append failed since the last check */
    gla_buf tmp;                /* scratch */
};

/* Record a failure message; returns rc. */
int io_w_fail(gla_writer *w, int rc, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
/* Append to the output; a failure is remembered in w->oom, so format
 * code can write without checking each call. */
void io_w_put(gla_writer *w, const void *s, size_t n);
void io_w_puts(gla_writer *w, const char *s);
void io_w_printf(gla_writer *w, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* Check every string of e is UTF-8 (and kinds/statuses in range). */
int io_w_check_entry(gla_writer *w, const gla_entry *e);

int io_tsv_begin(gla_writer *w);
int io_tsv_put(gla_writer *w, const gla_entry *e);
int io_omegat_put(gla_writer *w, const gla_entry *e);
int io_csv_put(gla_writer *w, const gla_entry *e);
int io_jsonl_put(gla_writer *w, const gla_entry *e);
int io_tbx_begin(gla_writer *w);
int io_tbx_put(gla_writer *w, const gla_entry *e);
int io_tbx_finish(gla_writer *w);

#endif
