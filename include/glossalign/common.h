/*
 * glossalign/common.h - result codes, growable buffers and version, shared
 * by every module.
 *
 * Functions return int: GLA_OK (0) on success, a negative GLA_E* code on
 * failure. gla_strerror() gives static text for a code; the detail (file,
 * line, byte offset, what to do) lives on the handle that failed.
 */
#ifndef GLOSSALIGN_COMMON_H
#define GLOSSALIGN_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

#define GLA_VERSION_MAJOR 0
#define GLA_VERSION_MINOR 1
#define GLA_VERSION_PATCH 0

enum {
    GLA_OK = 0,
    GLA_ENOMEM = -1,     /* out of memory */
    GLA_EINVAL = -2,     /* invalid argument */
    GLA_EUTF8 = -3,      /* invalid UTF-8 */
    GLA_EENCODING = -4,  /* unknown or unconvertible encoding */
    GLA_ENOTFOUND = -5,  /* no such entry, term or file */
    GLA_EEXISTS = -6,    /* already exists */
    GLA_EBUFS = -7,      /* caller buffer too small */
    GLA_EDB = -8,        /* database error */
    GLA_EIO = -9,        /* read or write failed */
    GLA_EPARSE = -10,    /* malformed input */
    GLA_EINTERNAL = -11, /* a bug: an invariant did not hold */
    GLA_ITEROVER = -100  /* end of iteration, not an error */
};

/* Static English text for a result code; never NULL. */
const char *gla_strerror(int rc);

/* The library's version, "MAJOR.MINOR.PATCH". */
const char *gla_version(void);

/*
 * A growable byte buffer owned by the caller. Zero-initialise it
 * (GLA_BUF_INIT), let functions append to it, release it with
 * gla_buf_dispose(). `data` is always NUL-terminated once allocated, but
 * may hold NUL bytes before `len`.
 */
typedef struct gla_buf {
    char *data; /* bytes, NUL-terminated after len; NULL until first grow */
    size_t len; /* bytes in use */
    size_t cap; /* bytes allocated */
} gla_buf;

#define GLA_BUF_INIT {NULL, 0, 0}

/* Make room for `extra` more bytes (plus the NUL). GLA_OK or GLA_ENOMEM. */
int gla_buf_grow(gla_buf *b, size_t extra);
/* Append `len` bytes. GLA_OK or GLA_ENOMEM. */
int gla_buf_put(gla_buf *b, const void *s, size_t len);
/* Append a NUL-terminated string. GLA_OK or GLA_ENOMEM. */
int gla_buf_puts(gla_buf *b, const char *s);
/* Append printf-formatted text. GLA_OK, GLA_ENOMEM or GLA_EINVAL. */
int gla_buf_printf(gla_buf *b, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* Forget the contents but keep the memory. */
void gla_buf_clear(gla_buf *b);
/* Free the memory; the buffer is GLA_BUF_INIT again. NULL is a no-op. */
void gla_buf_dispose(gla_buf *b);

/* JSON string escaping, one rule for every JSON the project writes: '"',
 * '\\' and the control characters below U+0020 are escaped (\n \t \r \b \f
 * by name, the rest as \u00XX); every other byte, UTF-8 included, stands
 * for itself. */

/* The escape for byte `c`, or NULL when `c` needs none. `tmp` (at least 7
 * bytes) holds the \u00XX forms; the result may point into it. */
const char *gla_json_escape(unsigned char c, char *tmp);
/* Append `len` bytes of `s` as a JSON string literal, quotes included.
 * GLA_OK or GLA_ENOMEM. */
int gla_json_quote(gla_buf *b, const char *s, size_t len);
/* Write `len` bytes of `s` to `f` as a JSON string literal, quotes
 * included. 0, or EOF on a write error (as fputs). */
int gla_json_fquote(FILE *f, const char *s, size_t len);

/* A half-open byte span [start, end) into a caller's text. */
typedef struct gla_span {
    size_t start; /* first byte */
    size_t end;   /* one past the last byte */
} gla_span;

#ifdef __cplusplus
}
#endif
#endif
