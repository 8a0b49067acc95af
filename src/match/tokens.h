/*
 * The match module's tokens: the same cutting for glossary terms and for
 * text, streaming-friendly (a chunk may end anywhere), and the keys every
 * token carries at each level.
 */
#ifndef GLA_MATCH_TOKENS_H
#define GLA_MATCH_TOKENS_H

#include "match_int.h"

#include <glossalign/normalize.h>

/* Token kinds. */
enum {
    TK_WORD = 1,    /* letters (with marks), may hold an inner apostrophe */
    TK_NUM = 2,     /* digits */
    TK_PUNCT = 3,   /* one punctuation or symbol character */
    TK_ELISION = 4, /* French elided article or pronoun with its
                       apostrophe: l' d' qu' jusqu' ... */
    TK_BREAK = 5    /* a paragraph break, invalid bytes or an over-long
                       word: nothing matches across it */
};

/* Longest word unit (bytes) taken as words; longer runs become a break. */
#define TK_MAX_UNIT 256

typedef struct tk {
    size_t start;  /* byte offset in the buffer tokenized */
    size_t end;    /* one past the last byte */
    uint8_t kind;  /* TK_* */
    uint8_t glued; /* a piece of glued words ("del'armée" gives "de" and
                      "l'", both glued) */
} tk;

/* What carries from one chunk to the next. */
typedef struct tk_state {
    unsigned nl;    /* newlines in the separator run being read */
    int broke;      /* a break was emitted for that run already */
    int padded;     /* set by the caller: 16 readable bytes follow the
                       buffer, so runs of letters are read 16 at a time */
} tk_state;

/*
 * Cut buf[*pos, len) into tokens, appending at most `cap` (>= TK_MAX_UNIT)
 * to out[*n]. Unless `last`, a unit touching the end of the buffer (a
 * word, an incomplete character) is left for the next call. *pos advances
 * past what was consumed. Returns 1 when it stopped because `out` is full.
 */
int gla__tokenize(tk_state *st, const char *buf, size_t len, size_t *pos,
                  int last, tk *out, size_t cap, size_t *n);

/* Token flags (the low byte of a form's flags). */
#define TOKF_UPPER 0x01u  /* has an upper-case letter and no lower-case */
#define TOKF_LOWER 0x02u  /* has a lower-case letter */
#define TOKF_NUM 0x04u    /* all digits */
#define TOKF_FUNC 0x08u   /* a French function word (de, la, les, ...) */
#define TOKF_DEBRIS 0x10u /* "ảnh", the caption word of copied photos */
#define TOKF_PUNCT 0x20u  /* punctuation */
#define TOKF_FEM 0x40u    /* the light key dropped a feminine -e or -ne */
#define TOKF_CAP 0x80u    /* the first letter is upper or title case */


/* Computes the keys of one token. */
typedef struct keyer {
    gla_normalizer *norm;  /* builds K0-K3 */
    struct sb_stemmer *sb; /* the French Snowball stemmer */
    gla_buf keys[KL_COUNT]; /* the keys of the last token */
    gla_buf tmp;            /* scratch */
    char err[200];          /* detail of the last failure */
} keyer;

int gla__keyer_init(keyer *k);
void gla__keyer_free(keyer *k);

/*
 * The keys of the token raw[0, len) of kind `kind` into k->keys[], and
 * its TOKF_* flags. An empty key (a token of ignorable characters only)
 * stays empty. GLA_OK, GLA_EUTF8 or GLA_ENOMEM.
 */
int gla__keyer_run(keyer *k, const char *raw, size_t len, int kind,
                   unsigned *flags);

/*
 * The stem key of a K2 key: the light French plural rules, then the
 * Snowball French stemmer; words under 4 bytes are left alone.
 * Appended to `out`.
 */
int gla__stem_key(gla_buf *out, keyer *k, const char *k2, size_t len);

/* The light key of a K2 key: the plural rules, then a final feminine -e
 * (-nne -> -n), which sets *fem; words under 4 bytes are left alone.
 * Appended to `out`. */
int gla__light_key(gla_buf *out, const char *k2, size_t len, int *fem);

/*
 * If raw[0, len) starts with a French function word (de des du la le les
 * au aux en et à) followed by more letters, the byte length of the
 * longest such word, else 0. `suffix` asks the same about the end.
 */
size_t gla__func_prefix(const char *raw, size_t len, int suffix);

/* Is raw[0, len) (any case) one of the function words? */
int gla__is_func_word(const char *raw, size_t len);

/* Byte offset of the first lower-to-upper case change in raw[0, len)
 * (the start of the upper-case letter), or 0 when there is none. */
size_t gla__camel_split(const char *raw, size_t len);

#endif
