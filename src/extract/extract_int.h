/*
 * Internal pieces shared by the extract module: an open-addressing map
 * from byte strings to indexes, one from 64-bit keys to counts, stop
 * words, and context snippets.
 */
#ifndef GLA_EXTRACT_INT_H
#define GLA_EXTRACT_INT_H

#include <glossalign/common.h>

#include <stddef.h>
#include <stdint.h>

/* Byte-string keys (copied) to size_t values. */
typedef struct gla_strmap {
    char **keys;    /* owned copies, NULL for an empty slot */
    size_t *klen;   /* key lengths */
    size_t *vals;   /* values */
    size_t cap;     /* slots, a power of two */
    size_t n;       /* keys in use */
} gla_strmap;

/* Find `k`; SIZE_MAX when absent. */
size_t gla_strmap_get(const gla_strmap *m, const char *k, size_t n);
/* Insert or overwrite. GLA_OK or GLA_ENOMEM. */
int gla_strmap_put(gla_strmap *m, const char *k, size_t n, size_t v);
void gla_strmap_dispose(gla_strmap *m);

/* 64-bit keys (not 0) to counts. */
typedef struct gla_u64map {
    uint64_t *keys; /* 0 for an empty slot */
    size_t *vals;   /* counts */
    size_t cap;     /* slots, a power of two */
    size_t n;       /* keys in use */
} gla_u64map;

/* Add `d` to the count of `k` (created at 0). GLA_OK or GLA_ENOMEM. */
int gla_u64map_add(gla_u64map *m, uint64_t k, size_t d);
size_t gla_u64map_get(const gla_u64map *m, uint64_t k);
void gla_u64map_dispose(gla_u64map *m);

/* Whether `k` is a function word of `lang`: a K2 key for "fr" and "en",
 * a K1 key for "vi" (see gla_extract_stop_level()). */
int gla_extract_stopword(const char *lang, const char *k, size_t n);
/* The key level gla_extract_stopword() wants for `lang`. */
int gla_extract_stop_level(const char *lang);

/* The bytes [*lo, *hi) of `text` around [start, end) kept as a context:
 * up to 50 bytes either side, cut at character boundaries. (The caller
 * turns control characters, line breaks, tabs, form feeds..., into
 * spaces.) */
void gla_extract_context_span(const char *text, size_t len, size_t start,
                              size_t end, size_t *lo, size_t *hi);

/* A NUL-terminated copy of `n` bytes. */
char *gla_extract_dup(const char *s, size_t n);
/* A NUL-terminated copy of the `n` bytes of a form taken from the text,
 * each run of white space and control characters (a line break, a form
 * feed inside a long form) made one space, none at either end. NULL when
 * out of memory. */
char *gla_extract_surface(const char *s, size_t n);

#endif
