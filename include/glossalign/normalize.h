/*
 * glossalign/normalize.h - the key levels every match stands on.
 *
 * K0 display form, K1 exact key, K2 loose key, K2 compact (places) and K3
 * transliteration key, as docs/NORMALIZATION.md specifies. Every key comes
 * with a map from each key byte back to the source bytes it came from, so a
 * match found in key space is reported as a span of the caller's text.
 */
#ifndef GLOSSALIGN_NORMALIZE_H
#define GLOSSALIGN_NORMALIZE_H

#include <glossalign/common.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum gla_level {
    GLA_K0 = 0,         /* display: NFC, unified spaces/apostrophes/dashes */
    GLA_K1 = 1,         /* exact: K0 case-folded, tone placement as digits */
    GLA_K2 = 2,         /* loose: K1 without any marks, đ→d œ→oe … */
    GLA_K2_COMPACT = 3, /* K2 without spaces: Hà Nội = Hanoï = Hanoi */
    GLA_K3 = 4          /* transliteration key for foreign names */
} gla_level;

/* Parse "k0" "k1" "k2" "compact" "k3" (case-insensitive). GLA_OK/GLA_EINVAL */
int gla_level_parse(gla_level *out, const char *name);
/* "k0" … "k3", "compact". */
const char *gla_level_name(gla_level level);

/* A reusable normaliser: owns the buffers keys are built in. */
typedef struct gla_normalizer gla_normalizer;

/*
 * A key made by gla_normalize(). `s` and `map` are owned by the normaliser
 * and valid until its next call.
 *
 * `map` has len + 1 entries, non-decreasing: map[i] is the byte offset in
 * the source of the character that produced key byte i, and map[len] is the
 * source length. The source span of key bytes [a, b) is [map[a], map[b]).
 * Offsets are 32-bit: one call takes at most GLA_NORMALIZE_MAX bytes, and
 * streaming callers normalise line by line or chunk by chunk.
 */
typedef struct gla_key {
    const char *s;       /* key bytes, UTF-8, NUL-terminated */
    size_t len;          /* key length in bytes */
    const uint32_t *map; /* len + 1 source offsets */
} gla_key;

#define GLA_NORMALIZE_MAX ((size_t)UINT32_MAX - 1)

/* Create a normaliser. GLA_OK or GLA_ENOMEM. */
int gla_normalizer_new(gla_normalizer **out);
/* Free a normaliser; NULL is a no-op. */
void gla_normalizer_free(gla_normalizer *n);
/* Detail of the last failure (e.g. the offset of an invalid byte). */
const char *gla_normalizer_errmsg(const gla_normalizer *n);
/* After GLA_EUTF8: the byte offset of the first invalid byte, relative to
 * the start of the text given to that call (callers that normalise a file
 * line by line add the line's offset). SIZE_MAX when the last call did not
 * fail on UTF-8. */
size_t gla_normalizer_error_offset(const gla_normalizer *n);

/*
 * Build the `level` key of `s` (`len` bytes of UTF-8, NFC or not).
 *
 * @return GLA_OK; GLA_EUTF8 when `s` is not valid UTF-8 (byte offset in
 *         gla_normalizer_errmsg()); GLA_EINVAL when len > GLA_NORMALIZE_MAX;
 *         GLA_ENOMEM.
 */
int gla_normalize(gla_key *out, gla_normalizer *n, gla_level level,
                  const char *s, size_t len);

/*
 * Plain Unicode NFC of `s`, with the same map as gla_normalize() and none
 * of K0's unifications (spaces, apostrophes, dashes stay as they are). For
 * decoders that must hand on NFC text, and for testing the NFC step.
 *
 * @return as gla_normalize().
 */
int gla_normalize_nfc(gla_key *out, gla_normalizer *n, const char *s,
                      size_t len);

/*
 * Convenience for one-off keys (glossary terms, queries): append the
 * `level` key of `s` to `out`, without a map. Uses a normaliser of its own
 * when `n` is NULL.
 */
int gla_normalize_to_buf(gla_buf *out, gla_normalizer *n, gla_level level,
                         const char *s, size_t len);

#ifdef __cplusplus
}
#endif
#endif
