/*
 * glossalign/tokenize.h - words, numbers and punctuation of a French,
 * Vietnamese or English text, as byte spans of the caller's text.
 *
 * The tokenizer works on the source text (any normalisation form), so a
 * token's span is directly a span of what the user sees. To look a token up
 * in a glossary, take its key with gla_token_key(): it normalises just the
 * token's bytes at the level asked, and the key's map says which source
 * bytes each key byte came from.
 *
 * What a token is:
 * - A word: letters, combining marks and digits, with soft hyphens and
 *   zero-width characters inside it, and an apostrophe (' ’ ʼ) between two
 *   letters ("aujourd’hui"). French elision is split off: a word part that
 *   is one of l m t n s j d c qu jusqu lorsqu puisqu quoiqu (any case)
 *   followed by an apostrophe becomes its own token, flagged
 *   GLA_TOK_ELISION and spanning the apostrophe ("l’" + "État").
 * - A hyphenated compound (- ‐ ‑ between two word parts, no spaces):
 *   one GLA_TOK_COMPOUND token for the whole ("vice-ministre"), followed
 *   at once by one GLA_TOK_PART token per part ("vice", "ministre").
 *   Code that wants plain words skips COMPOUND tokens; code that wants
 *   whole compounds skips PART tokens. Parts without any letter
 *   ("2019-2020") make no compound: number, punctuation, number.
 * - A number: digits, with "," or "." between digits and NBSP, U+202F or
 *   U+2009 between groups of three ("1,5", "3.14", "2 000"). With an
 *   ordinal suffix (e er re ère ème eme è es ers nd nde st rd th) it is an
 *   ordinal: "18e", "1er", "70e"; so is a Roman numeral with one
 *   ("XIVe", "Ier").
 * - Punctuation: every other character that is not white space is a
 *   token of its own (GLA_TOK_PUNCT). White space makes no token.
 */
#ifndef GLOSSALIGN_TOKENIZE_H
#define GLOSSALIGN_TOKENIZE_H

#include <glossalign/common.h>
#include <glossalign/normalize.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Token flags: one kind bit (WORD, NUMBER or PUNCT), then properties. */
enum {
    GLA_TOK_WORD = 1 << 0,        /* contains a letter */
    GLA_TOK_NUMBER = 1 << 1,      /* digits (and an ordinal suffix) */
    GLA_TOK_PUNCT = 1 << 2,       /* one punctuation or symbol character */
    GLA_TOK_ELISION = 1 << 3,     /* French elided article/pronoun: l' qu' */
    GLA_TOK_COMPOUND = 1 << 4,    /* a whole hyphenated compound */
    GLA_TOK_PART = 1 << 5,        /* one part of the compound before it */
    GLA_TOK_ORDINAL = 1 << 6,     /* 18e, 1er, XIVe */
    GLA_TOK_CAPITALIZED = 1 << 7, /* first letter upper case, not all caps */
    GLA_TOK_ALLCAPS = 1 << 8,     /* two or more letters, all upper case */
    GLA_TOK_ACRONYM = 1 << 9,     /* ALLCAPS without diacritics: PCV, DOC */
    GLA_TOK_CASESPLIT = 1 << 10,  /* a lower-case letter followed by an
                                     upper-case one: "desNations" */
    GLA_TOK_DIACRITIC = 1 << 11,  /* a letter carries a mark: "Hoàng" */
    GLA_TOK_DIGIT = 1 << 12       /* a word that also holds digits: "F16" */
};

/* One token: a half-open byte span of the tokenised text. */
typedef struct gla_token {
    size_t start;   /* first byte */
    size_t end;     /* one past the last byte */
    unsigned flags; /* GLA_TOK_* bits */
    size_t split;   /* GLA_TOK_CASESPLIT: offset of the first upper-case
                       letter after a lower-case one ("N" of desNations);
                       0 otherwise */
} gla_token;

/* A growable array of tokens owned by the caller: zero-initialise it
 * (GLA_TOKENS_INIT), pass it to gla_tokenize() as often as you like, and
 * release it with gla_tokens_dispose(). */
typedef struct gla_tokens {
    gla_token *v; /* tokens in text order */
    size_t n;     /* tokens in use */
    size_t cap;   /* tokens allocated */
} gla_tokens;

#define GLA_TOKENS_INIT                                                        \
    {                                                                          \
        NULL, 0, 0                                                             \
    }

/* Free the array; it is GLA_TOKENS_INIT again. NULL is a no-op. */
void gla_tokens_dispose(gla_tokens *toks);

/* A reusable tokenizer: holds the detail of the last failure. */
typedef struct gla_tokenizer gla_tokenizer;

/* Create a tokenizer. GLA_OK or GLA_ENOMEM. */
int gla_tokenizer_new(gla_tokenizer **out);
/* Free a tokenizer; NULL is a no-op. */
void gla_tokenizer_free(gla_tokenizer *t);
/* Detail of the last failure (the offset of an invalid byte). */
const char *gla_tokenizer_errmsg(const gla_tokenizer *t);

/*
 * Tokenise `s` (`len` bytes of UTF-8) into `out`, replacing what it held.
 * Spans are byte offsets into `s`, in order of `start` (a COMPOUND token
 * comes before its PART tokens, which share its bytes).
 *
 * @return GLA_OK; GLA_EUTF8 when `s` is not valid UTF-8 (byte offset in
 *         gla_tokenizer_errmsg(); `out` is then empty); GLA_ENOMEM.
 */
int gla_tokenize(gla_tokens *out, gla_tokenizer *t, const char *s, size_t len);

/*
 * The `level` key of token `tok` of `text` (the text it was cut from),
 * built by `n`: the key of text[tok->start, tok->end). The key is owned by
 * `n` and valid until its next call. Its map is relative to tok->start:
 * key bytes [a, b) come from text[tok->start + map[a], tok->start + map[b]).
 * An elision token's K2 key is "l", "qu"…; a compound's K2 key has spaces
 * where its hyphens were ("vice ministre").
 *
 * @return as gla_normalize().
 */
int gla_token_key(gla_key *out, gla_normalizer *n, gla_level level,
                  const char *text, const gla_token *tok);

/* The name of one flag bit ("word", "elision", …), NULL for a bit that is
 * not a flag. */
const char *gla_token_flag_name(unsigned flag);

#ifdef __cplusplus
}
#endif
#endif
