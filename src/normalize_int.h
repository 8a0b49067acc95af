/*
 * Internal helpers shared by the normalize and tokenize modules: a strict
 * UTF-8 decoder (the library's one definition of "valid UTF-8") and the K3
 * transliteration pass, which lives in its own file.
 */
#ifndef GLA_NORMALIZE_INT_H
#define GLA_NORMALIZE_INT_H

#include <stddef.h>
#include <stdint.h>

/*
 * Decode the code point starting at s[i] (i < len). Returns its length in
 * bytes (1-4), or 0 when the bytes there are not valid UTF-8: a stray
 * continuation byte, a truncated sequence, an overlong form, a surrogate or
 * a value above U+10FFFF.
 */
static inline int gla_utf8_decode(const unsigned char *s, size_t len, size_t i,
                                  int32_t *cp)
{
    unsigned b = s[i];
    if (b < 0x80) {
        *cp = (int32_t)b;
        return 1;
    }
    size_t left = len - i;
    if (b < 0xC2)
        return 0;
    if (b < 0xE0) {
        if (left < 2 || (s[i + 1] & 0xC0) != 0x80)
            return 0;
        *cp = (int32_t)(((b & 0x1Fu) << 6) | (s[i + 1] & 0x3Fu));
        return 2;
    }
    if (b < 0xF0) {
        if (left < 3 || (s[i + 1] & 0xC0) != 0x80 || (s[i + 2] & 0xC0) != 0x80)
            return 0;
        uint32_t c = ((b & 0x0Fu) << 12) | ((s[i + 1] & 0x3Fu) << 6) |
                     (s[i + 2] & 0x3Fu);
        if (c < 0x800 || (c >= 0xD800 && c <= 0xDFFF))
            return 0;
        *cp = (int32_t)c;
        return 3;
    }
    if (b < 0xF5) {
        if (left < 4 || (s[i + 1] & 0xC0) != 0x80 ||
            (s[i + 2] & 0xC0) != 0x80 || (s[i + 3] & 0xC0) != 0x80)
            return 0;
        uint32_t c = ((b & 0x07u) << 18) | ((s[i + 1] & 0x3Fu) << 12) |
                     ((s[i + 2] & 0x3Fu) << 6) | (s[i + 3] & 0x3Fu);
        if (c < 0x10000 || c > 0x10FFFF)
            return 0;
        *cp = (int32_t)c;
        return 4;
    }
    return 0;
}

/* Encode `cp` (a valid scalar value) into dst, which has room for 4 bytes.
 * Returns the number of bytes written. */
static inline int gla_utf8_encode(char *dst, int32_t cp)
{
    uint32_t c = (uint32_t)cp;
    if (c < 0x80) {
        dst[0] = (char)c;
        return 1;
    }
    if (c < 0x800) {
        dst[0] = (char)(0xC0 | (c >> 6));
        dst[1] = (char)(0x80 | (c & 0x3F));
        return 2;
    }
    if (c < 0x10000) {
        dst[0] = (char)(0xE0 | (c >> 12));
        dst[1] = (char)(0x80 | ((c >> 6) & 0x3F));
        dst[2] = (char)(0x80 | (c & 0x3F));
        return 3;
    }
    dst[0] = (char)(0xF0 | (c >> 18));
    dst[1] = (char)(0x80 | ((c >> 12) & 0x3F));
    dst[2] = (char)(0x80 | ((c >> 6) & 0x3F));
    dst[3] = (char)(0x80 | (c & 0x3F));
    return 4;
}

/*
 * The K3 pass: rewrite every run of ASCII letters of the K2 key in
 * key[0..len) by the ordered transliteration rules (docs/NORMALIZATION.md),
 * in place; map[] moves along with the bytes. Returns the new length
 * (never longer than len). map[len] is not touched.
 */
size_t gla_k3_rewrite(char *key, uint32_t *map, size_t len);

/*
 * The i/y rule on an ASCII lowercase word w[0..n): true when w is a valid
 * Vietnamese initial followed by a rime that is just "y" (ly, ky, quy), so
 * the y is written i in K1/K2 keys.
 */
int gla_vn_iy_rule(const char *w, size_t n);

#endif
