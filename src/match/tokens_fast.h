/*
 * The byte classes of the match tokenizer and its fast path for plain
 * words, shared by the tokenizer (tokens.c) and the scanner (scan.c), which
 * takes plain words without a call to the tokenizer.
 */
#ifndef GLA_MATCH_TOKENS_FAST_H
#define GLA_MATCH_TOKENS_FAST_H

#include <stddef.h>

#if defined(__SSE2__) && defined(__GNUC__)
#include <emmintrin.h>
#endif

/* Character classes. */
enum {
    CL_SPACE,
    CL_NL,
    CL_PARA,
    CL_LETTER,
    CL_DIGIT,
    CL_MARK,
    CL_IGNORE,
    CL_APOS,
    CL_DASH,
    CL_PUNCT,
    CL_INVALID,
    CL_INCOMPLETE /* a sequence cut by the end of the buffer */
};

/* Classes of ASCII bytes: letters, digits, white space and controls,
 * the apostrophe and the hyphen; the rest is punctuation. */
#define LT CL_LETTER
#define DG CL_DIGIT
#define NL CL_NL
#define SP CL_SPACE
#define AP CL_APOS
#define DA CL_DASH
#define PU CL_PUNCT
static const unsigned char ascii_class[128] = {
    SP, SP, SP, SP, SP, SP, SP, SP,
    SP, SP, NL, SP, SP, SP, SP, SP,
    SP, SP, SP, SP, SP, SP, SP, SP,
    SP, SP, SP, SP, SP, SP, SP, SP,
    SP, PU, PU, PU, PU, PU, PU, AP,
    PU, PU, PU, PU, PU, DA, PU, PU,
    DG, DG, DG, DG, DG, DG, DG, DG,
    DG, DG, PU, PU, PU, PU, PU, PU,
    PU, LT, LT, LT, LT, LT, LT, LT,
    LT, LT, LT, LT, LT, LT, LT, LT,
    LT, LT, LT, LT, LT, LT, LT, LT,
    LT, LT, LT, PU, PU, PU, PU, PU,
    PU, LT, LT, LT, LT, LT, LT, LT,
    LT, LT, LT, LT, LT, LT, LT, LT,
    LT, LT, LT, LT, LT, LT, LT, LT,
    LT, LT, LT, PU, PU, PU, PU, SP,
};
#undef LT
#undef DG
#undef NL
#undef SP
#undef AP
#undef DA
#undef PU

/* Letters and marks of French and Vietnamese text without a table
 * look-up: U+00C0-U+024F but × and ÷ (letters), U+0300-U+036F (marks),
 * U+1E00-U+1EFF (letters). Returns the length, or 0 when it does not know
 * the character. */
static inline int latin_letter(const unsigned char *s, size_t len, size_t i,
                               int *cls)
{
    unsigned b = s[i];
    if (b >= 0xC3 && b <= 0xCD) {
        if (i + 1 >= len || (s[i + 1] & 0xC0) != 0x80)
            return 0;
        unsigned c = s[i + 1];
        if (b == 0xC3 && (c < 0x80 || c == 0x97 || c == 0xB7))
            return 0;
        if (b <= 0xC9) {
            *cls = CL_LETTER;
            return 2;
        }
        if (b == 0xCC || (b == 0xCD && c < 0xB0)) {
            *cls = CL_MARK;
            return 2;
        }
        return 0;
    }
    if (b == 0xE1 && i + 2 < len && s[i + 1] >= 0xB8 && s[i + 1] <= 0xBB &&
        (s[i + 2] & 0xC0) == 0x80) {
        *cls = CL_LETTER;
        return 3;
    }
    return 0;
}

/* End of the run of ASCII letters at s[j]: the first byte at or after j
 * that is not one. With `padded`, 16 bytes past `len` may be read (they
 * are no letters, so the run never passes len). */
static inline size_t ascii_run(const unsigned char *s, size_t j, size_t len,
                               int padded)
{
#if defined(__SSE2__) && defined(__GNUC__)
    if (padded) {
        /* a letter, folded to lower case, moved to -128..-103 */
        const __m128i fold = _mm_set1_epi8(0x20);
        const __m128i shift = _mm_set1_epi8((char)(0x80 - 'a'));
        const __m128i top = _mm_set1_epi8((char)(0x80 + 26));
        for (;;) {
            __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + j));
            v = _mm_add_epi8(_mm_or_si128(v, fold), shift);
            unsigned m =
                (unsigned)_mm_movemask_epi8(_mm_cmplt_epi8(v, top)) ^ 0xFFFFu;
            if (m)
                return j + (size_t)__builtin_ctz(m);
            j += 16;
        }
    }
#else
    (void)padded;
#endif
    while (j < len && s[j] < 0x80 && ascii_class[s[j]] == CL_LETTER)
        j++;
    return j;
}

/* End of the run of letters and marks (ASCII, Latin, Vietnamese) at
 * s[i], which must open with a letter; i when there is none. */
static inline size_t plain_run(const unsigned char *s, size_t i, size_t len,
                               int padded)
{
    size_t j = i;
    for (;;) {
        j = ascii_run(s, j, len, padded);
        if (j >= len || s[j] < 0x80)
            return j;
        int lc, lk = latin_letter(s, len, j, &lc);
        if (!lk || (j == i && lc != CL_LETTER))
            return j;
        j += (size_t)lk;
    }
}

/* Does the byte s[j] end a word unit there (ASCII, but no apostrophe or
 * digit, which a unit may hold)? */
static inline int plain_end(const unsigned char *s, size_t j)
{
    return s[j] < 0x80 && s[j] != '\'' && ascii_class[s[j]] != CL_DIGIT;
}

#endif
