/*
 * glossalign/encoding.h - bytes in any encoding to NFC UTF-8.
 *
 * A decoder decides what a byte stream is (a byte-order mark, a declared
 * name, valid UTF-8, or a ranked guess among the legacy encodings French
 * and Vietnamese text comes in), decodes it chunk by chunk in bounded
 * memory, replaces or rejects invalid bytes (always reporting their byte
 * offset), optionally repairs mojibake, and writes NFC UTF-8.
 *
 * Encodings: UTF-8, UTF-16LE/BE and UTF-32LE/BE (by BOM or declared), every
 * iconv charset by name (CP1252, ISO-8859-1, VISCII, TCVN5712-1, CP1258,
 * ...), and two that iconv lacks, implemented here: TCVN3 (the ABC font
 * encoding, alias ABC) and VNI (VNI-Windows). docs/ENCODINGS.md has the
 * details.
 */
#ifndef GLOSSALIGN_ENCODING_H
#define GLOSSALIGN_ENCODING_H

#include <glossalign/common.h>

#ifdef __cplusplus
extern "C" {
#endif

/* How the encoding of a stream was decided. */
typedef enum gla_encoding_how {
    GLA_ENCODING_DEFAULT = 0,    /* nothing to decide from (empty input) */
    GLA_ENCODING_BOM = 1,        /* a byte-order mark */
    GLA_ENCODING_DECLARED = 2,   /* gla_decode_opts.from */
    GLA_ENCODING_VALID_UTF8 = 3, /* the detection window is valid UTF-8 */
    GLA_ENCODING_GUESSED = 4     /* ranked guess among legacy encodings */
} gla_encoding_how;

/* "default", "bom", "declared", "valid UTF-8", "guessed"; never NULL. */
const char *gla_encoding_how_name(gla_encoding_how how);

#define GLA_ENCODING_NAME_MAX 64       /* bytes, NUL included */
#define GLA_ENCODING_MAX_ALTERNATIVES 10
#define GLA_DETECT_BYTES_DEFAULT 65536 /* detection window */

/* One ranked candidate of a guess. */
typedef struct gla_encoding_score {
    const char *name;  /* static string, e.g. "VISCII" */
    double confidence; /* 0..1: how plausible the decoding looks */
} gla_encoding_score;

/* What a decoder decided and met. Counters cover the whole stream. */
typedef struct gla_decode_info {
    char encoding[GLA_ENCODING_NAME_MAX]; /* decided, e.g. "UTF-8" "VISCII" */
    gla_encoding_how how;                 /* how it was decided */
    double confidence;                    /* 1 unless guessed */
    size_t n_alternatives;                /* entries in alternatives[] */
    /* guessed: the other candidates, best first */
    gla_encoding_score alternatives[GLA_ENCODING_MAX_ALTERNATIVES];
    size_t bom_len;                       /* bytes of BOM stripped, or 0 */
    uint64_t detect_offset;               /* where the detection window
                                             began (after leading ASCII) */
    uint64_t bytes_in;                    /* input bytes consumed */
    uint64_t bytes_out;                   /* UTF-8 bytes written */
    uint64_t invalid;                     /* U+FFFD substitutions made */
    uint64_t invalid_bytes;               /* input bytes they replaced */
    uint64_t first_invalid;               /* offset of the first one */
    uint64_t repairs;                     /* mojibake sequences repaired */
    uint64_t repaired_lines;              /* lines holding a repair */
    uint64_t first_repair_line;           /* 1-based, 0 when none */
    unsigned repair_kinds;                /* GLA_REPAIR_* bits seen */
    char error[256];                      /* gla_decode(): detail of a
                                             failure, "" otherwise */
} gla_decode_info;

/* Kinds of mojibake gla_decode_info.repair_kinds reports. */
#define GLA_REPAIR_UTF8_AS_CP1252 1u /* UTF-8 read as CP1252/Latin-1 */
#define GLA_REPAIR_CP1258_AS_CP1252 2u /* CP1258 read as CP1252 */

/* Decoder options. Start from GLA_DECODE_OPTS_INIT so new members get
 * their defaults. */
typedef struct gla_decode_opts {
    unsigned version;    /* GLA_DECODE_OPTS_VERSION */
    const char *from;    /* declared encoding, NULL or "" to detect; any
                            iconv name, "TCVN3"/"ABC", "VNI"; copied */
    int strict;          /* nonzero: fail at the first invalid byte */
    int repair;          /* nonzero: repair mojibake line by line */
    size_t detect_bytes; /* detection window, 0 = GLA_DETECT_BYTES_DEFAULT */
} gla_decode_opts;

#define GLA_DECODE_OPTS_VERSION 1
#define GLA_DECODE_OPTS_INIT {GLA_DECODE_OPTS_VERSION, NULL, 0, 0, 0}

/*
 * Is `name` an encoding a decoder accepts as gla_decode_opts.from?
 * Names are case-insensitive.
 *
 * @return GLA_OK, or GLA_EENCODING when neither iconv nor glossalign
 *         knows it.
 */
int gla_encoding_check(const char *name);

/* A streaming decoder. */
typedef struct gla_decoder gla_decoder;

/*
 * Create a decoder. `opts` may be NULL for the defaults.
 *
 * On GLA_EENCODING (unknown `from`) or GLA_EINVAL (bad options), *out is
 * still a decoder whose gla_decoder_errmsg() says what is wrong: free it.
 * On GLA_ENOMEM *out is NULL.
 */
int gla_decoder_new(gla_decoder **out, const gla_decode_opts *opts);

/* Free a decoder; NULL is a no-op. */
void gla_decoder_free(gla_decoder *d);

/* Make `d` ready for a new stream with the same options. */
void gla_decoder_reset(gla_decoder *d);

/*
 * Decode `len` bytes of `in`, the next chunk of the stream, appending NFC
 * UTF-8 to `out` (which the caller owns and may clear between calls).
 * Chunks may split any sequence anywhere. The decoder holds back at most
 * the detection window plus a few kilobytes (a line, when repairing).
 *
 * @return GLA_OK; GLA_EUTF8 or GLA_EENCODING in strict mode at the first
 *         invalid sequence (offset in gla_decoder_errmsg(); `out` holds the
 *         text decoded before it and the decoder accepts nothing more);
 *         GLA_ENOMEM; GLA_EINVAL after a failure.
 */
int gla_decoder_feed(gla_buf *out, gla_decoder *d, const char *in,
                     size_t len);

/*
 * End of stream: decide if still undecided, flush what is held back,
 * report a truncated final sequence. Same results as gla_decoder_feed().
 */
int gla_decoder_finish(gla_buf *out, gla_decoder *d);

/* What was decided and counted so far; owned by `d`, valid until the next
 * call on it. The encoding is "" until decided. */
const gla_decode_info *gla_decoder_info(const gla_decoder *d);

/* Detail of the last failure (byte offset and bytes, what to do), "" when
 * none; owned by `d`. */
const char *gla_decoder_errmsg(const gla_decoder *d);

/*
 * One-shot: decode `len` bytes of `in` as a decoder would, appending NFC
 * UTF-8 to `out`. `opts` and `info` may be NULL; on failure info->error
 * holds the detail.
 *
 * @return as gla_decoder_feed(), plus GLA_EENCODING for an unknown `from`.
 */
int gla_decode(gla_buf *out, gla_decode_info *info, const char *in,
               size_t len, const gla_decode_opts *opts);

/*
 * Decide the encoding of a buffer (the start of a stream) without decoding
 * it: fills info's encoding, how, confidence, alternatives, bom_len and
 * detect_offset. Only the first `opts->detect_bytes` non-ASCII-led bytes
 * are examined. `opts` may be NULL.
 *
 * @return GLA_OK, GLA_EENCODING (unknown `from`) or GLA_ENOMEM.
 */
int gla_encoding_detect(gla_decode_info *info, const char *in, size_t len,
                        const gla_decode_opts *opts);

/*
 * Repair mojibake in `s` (`len` bytes of valid UTF-8), line by line, and
 * append the result to `out`: UTF-8 read as CP1252 or Latin-1 (including
 * a no-break space turned into a space) and CP1258 read as CP1252. A
 * change is kept only where it lowers the badness score of its word, so
 * clean text comes out unchanged. `n_repairs` (may be NULL) receives the
 * number of sequences repaired.
 *
 * @return GLA_OK, GLA_EUTF8 (invalid `s`) or GLA_ENOMEM.
 */
int gla_encoding_repair(gla_buf *out, size_t *n_repairs, const char *s,
                        size_t len);

/*
 * The mojibake badness of `s` (`len` bytes of UTF-8): a count of
 * sequences that ordinary text does not contain, such as "â€", [ÂÃĂÄÆ]
 * followed by CP1252 punctuation, C1 controls, a vowel followed by a
 * CP1258 tone byte read as CP1252. 0 for clean text.
 */
size_t gla_encoding_badness(const char *s, size_t len);

#ifdef __cplusplus
}
#endif
#endif
