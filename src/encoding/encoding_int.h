/*
 * encoding_int.h - the pieces of the encoding module shared between its
 * files: charset descriptions, the byte decoders ("engines"), streaming NFC,
 * the guesser's scorer and the mojibake repair. Not a public header.
 */
#ifndef GLA_ENCODING_INT_H
#define GLA_ENCODING_INT_H

#include <glossalign/encoding.h>

#include <iconv.h>
#include <stdint.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* The first byte of s[i, len) that is not ASCII, or len: sixteen bytes
 * at a time where SSE2 is there, else eight. */
static inline size_t enc_ascii_end(const unsigned char *s, size_t i,
                                   size_t len)
{
#if defined(__SSE2__) && defined(__GNUC__)
    while (i + 16 <= len) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
        unsigned m = (unsigned)_mm_movemask_epi8(v);
        if (m)
            return i + (size_t)__builtin_ctz(m);
        i += 16;
    }
#endif
    while (i + 8 <= len) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        if (w & UINT64_C(0x8080808080808080))
            break;
        i += 8;
    }
    while (i < len && s[i] < 0x80)
        i++;
    return i;
}

/* How a charset is decoded. */
typedef enum enc_kind {
    ENC_UTF8,    /* own validator */
    ENC_UTF16LE, /* own decoder */
    ENC_UTF16BE,
    ENC_UTF16, /* declared without endianness: BOM, else big-endian */
    ENC_UTF32LE,
    ENC_UTF32BE,
    ENC_UTF32, /* declared without endianness: BOM, else big-endian */
    ENC_TABLE, /* one of our byte tables (TCVN3, VNI) */
    ENC_ICONV  /* glibc iconv by name */
} enc_kind;

/* A byte table: each byte decodes to one or two code points (VNI's
 * diacritic bytes carry two combining marks). cp[0] == 0 for a byte other
 * than 0x00 means "invalid". */
typedef struct enc_table {
    const char *name;    /* canonical name, e.g. "TCVN3" */
    uint16_t cp[256][2]; /* code points, second 0 when single */
} enc_table;

extern const enc_table enc_table_tcvn3;
extern const enc_table enc_table_vni;

/* Sloppy CP1252 byte for code point `cp`: the CP1252 byte, or the byte
 * itself for U+0080..U+00FF (so C1 controls and the five bytes CP1252
 * leaves undefined pass through); -1 when CP1252 has no such byte. */
int enc_sloppy_cp1252_byte(int32_t cp);
/* CP1252 code point of byte `b`, 0 for the five undefined bytes. */
uint16_t enc_cp1252_cp(unsigned char b);

/* A charset resolved from a name. */
typedef struct enc_charset {
    enc_kind kind;                          /* decoder to use */
    const enc_table *table;                 /* ENC_TABLE only */
    char name[GLA_ENCODING_NAME_MAX];       /* canonical or as declared */
    char iconv_name[GLA_ENCODING_NAME_MAX]; /* ENC_ICONV: name for iconv */
} enc_charset;

/* Resolve `name` (case-insensitive; our aliases first, then iconv).
 * GLA_OK or GLA_EENCODING. */
int enc_charset_lookup(enc_charset *cs, const char *name);

/* Called for each invalid sequence: `off` is its stream offset, `bytes`
 * (`n` of them, n >= 1) what it was. Nonzero stops the engine, which
 * returns that value. */
typedef int (*enc_invalid_fn)(void *ctx, uint64_t off,
                              const unsigned char *bytes, size_t n);

/* A byte decoder producing UTF-8 (not yet NFC), U+FFFD for invalid input. */
typedef struct enc_engine {
    enc_kind kind;             /* after ENC_UTF16/32 resolution */
    const enc_table *table;    /* ENC_TABLE */
    iconv_t cd;                /* ENC_ICONV, (iconv_t)-1 otherwise */
    unsigned char carry[16];   /* incomplete sequence held for more input */
    size_t ncarry;             /* bytes in carry */
    uint64_t offset;           /* stream offset of the next input byte */
    gla_buf join;              /* carry + input, when a carry exists */
    enc_invalid_fn on_invalid; /* may be NULL: just count */
    void *ctx;                 /* for on_invalid */
    uint64_t invalid;          /* U+FFFD substitutions */
} enc_engine;

/* Set up `e` for `cs` starting at stream offset `offset`.
 * GLA_OK, GLA_EENCODING (iconv refuses) or GLA_ENOMEM. */
int enc_engine_open(enc_engine *e, const enc_charset *cs, uint64_t offset);
/* Decode `len` bytes, appending UTF-8 to `out`; with `final`, also flush
 * and report a truncated last sequence. GLA_OK, GLA_ENOMEM, or what
 * on_invalid returned. */
int enc_engine_decode(enc_engine *e, gla_buf *out, const unsigned char *in,
                      size_t len, int final);
void enc_engine_close(enc_engine *e);

/* Length of the longest valid UTF-8 prefix of `s`; when `partial` is set,
 * an incomplete sequence at the very end counts as valid. */
size_t enc_utf8_valid_prefix(const unsigned char *s, size_t len, int partial);

/* Streaming NFC: holds back the text after the last safe boundary. */
typedef struct enc_nfc {
    int32_t *ucs;   /* work buffer for utf8proc */
    size_t ucs_cap; /* code points it holds */
} enc_nfc;

/* Normalise the complete prefix of `in` (valid UTF-8) to NFC, appending
 * to `out`; returns through *used how many bytes were consumed (all of
 * them when `final`). GLA_OK or GLA_ENOMEM. */
int enc_nfc_run(enc_nfc *n, gla_buf *out, const char *in, size_t len, int final,
                size_t *used);
void enc_nfc_dispose(enc_nfc *n);
/* Is `cp` a code point NFC leaves alone and that never combines with what
 * precedes it (a safe place to cut a stream)? */
int enc_nfc_boundary(int32_t cp);

/* Scores of the legacy candidates for a detection window, best first. */
typedef struct enc_guess {
    /* every candidate scored, best first */
    gla_encoding_score ranked[GLA_ENCODING_MAX_ALTERNATIVES + 1];
    size_t n; /* entries in ranked */
} enc_guess;

/* Rank the legacy candidates (and UTF-8 when `with_utf8`) for `len` bytes
 * starting a stream (or a non-ASCII stretch of one). GLA_OK/GLA_ENOMEM. */
int enc_guess_rank(enc_guess *g, const unsigned char *s, size_t len,
                   int with_utf8);

/* Plausibility in [0,1] of decoded text (valid UTF-8, NFC): the share of
 * its non-ASCII words that are Vietnamese syllables or French words,
 * against controls, U+FFFD and implausible letter sequences. */
double enc_score_text(const char *s, size_t len);

/* Does `s` (NFC UTF-8, one word) spell one Vietnamese syllable? */
int enc_vn_syllable(const char *s, size_t len);

/* The UTF-8-read-as-CP1252 part of gla_encoding_badness(). */
size_t enc_badness_utf8(const char *s, size_t len);

/* Repair one line (no '\n' inside; valid UTF-8), appending to `out`.
 * Counts go to *repairs; *kinds gets GLA_REPAIR_* bits. */
int enc_repair_line(gla_buf *out, const char *s, size_t len, uint64_t *repairs,
                    unsigned *kinds);

#endif
