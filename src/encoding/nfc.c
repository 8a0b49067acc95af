/*
 * Streaming NFC over valid UTF-8. Text is copied as it is up to the first
 * code point NFC might change; only the stretch between the safe
 * boundaries around it goes through utf8proc, in a reused buffer. The
 * tail after the last safe boundary waits for the next chunk, since a
 * combining mark there may still arrive.
 */
#include "encoding_int.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

/* Past this many bytes without a safe boundary (only combining marks,
 * say), the held text is normalised as it stands. */
#define NFC_HOLD_MAX 65536

/* Does NFC map `cp` to itself? (Decompose fully, then compose.) */
static int nfc_stable(int32_t cp)
{
    utf8proc_int32_t buf[8];
    int last = 0;
    utf8proc_ssize_t n =
        utf8proc_decompose_char(cp, buf, 8, UTF8PROC_DECOMPOSE, &last);
    if (n < 1 || n > 8)
        return 0;
    n = utf8proc_normalize_utf32(buf, n, UTF8PROC_COMPOSE);
    return n == 1 && buf[0] == cp;
}

/*
 * A safe boundary: NFC_Quick_Check=Yes and canonical combining class 0,
 * so no character before it can compose with it or reorder past it. Checked
 * against DerivedNormalizationProps.txt for every code point by
 * tests/test_encoding.c (it is stricter only for Hangul jamo).
 */
int enc_nfc_boundary(int32_t cp)
{
    if (cp < 0x300 || (cp >= 0x1E00 && cp <= 0x1EFF))
        return 1; /* Latin-1, Latin Extended, Vietnamese precomposed */
    const utf8proc_property_t *p = utf8proc_get_property(cp);
    if (p->combining_class)
        return 0;
    if (p->comb_index != UINT16_MAX && p->comb_index >= 0x8000)
        return 0; /* second member of a composition pair */
    if ((cp >= 0x1100 && cp <= 0x11FF) || (cp >= 0xA960 && cp <= 0xA97F) ||
        (cp >= 0xD7B0 && cp <= 0xD7FF))
        return 0; /* Hangul jamo compose algorithmically */
    if (p->decomp_seqindex != UINT16_MAX && p->decomp_type == 0)
        return !p->comp_exclusion && nfc_stable(cp);
    return 1;
}

/* Decode the code point at s[0..] (valid UTF-8). */
static inline int32_t cp_at(const unsigned char *s, size_t *k)
{
    unsigned char c = s[0];
    if (c < 0xE0) {
        *k = 2;
        return (int32_t)((c & 0x1F) << 6 | (s[1] & 0x3F));
    }
    if (c < 0xF0) {
        *k = 3;
        return (int32_t)((c & 0x0F) << 12 | (s[1] & 0x3F) << 6 | (s[2] & 0x3F));
    }
    *k = 4;
    return (int32_t)((c & 0x07) << 18 | (s[1] & 0x3F) << 12 |
                     (s[2] & 0x3F) << 6 | (s[3] & 0x3F));
}

static int normalize_segment(enc_nfc *n, gla_buf *out, const unsigned char *s,
                             size_t len)
{
    for (;;) {
        utf8proc_ssize_t r = utf8proc_decompose_custom(
            s, (utf8proc_ssize_t)len, n->ucs, (utf8proc_ssize_t)n->ucs_cap,
            UTF8PROC_STABLE | UTF8PROC_COMPOSE, NULL, NULL);
        if (r < 0)
            return GLA_EINTERNAL; /* the engines only emit valid UTF-8 */
        if ((size_t)r <= n->ucs_cap) {
            r = utf8proc_reencode(n->ucs, r,
                                  UTF8PROC_STABLE | UTF8PROC_COMPOSE);
            if (r < 0)
                return GLA_EINTERNAL;
            return gla_buf_put(out, n->ucs, (size_t)r);
        }
        size_t cap = (size_t)r + 64;
        int32_t *p = realloc(n->ucs, cap * sizeof *p);
        if (!p)
            return GLA_ENOMEM;
        n->ucs = p;
        n->ucs_cap = cap;
    }
}

int enc_nfc_run(enc_nfc *n, gla_buf *out, const char *in, size_t len, int final,
                size_t *used)
{
    const unsigned char *s = (const unsigned char *)in;
    size_t cut = len;
    int rc;
    *used = 0;
    if (!final) {
        /* Cut before the last safe boundary. */
        size_t p = len;
        cut = 0;
        while (p > 0) {
            p--;
            if ((s[p] & 0xC0) == 0x80)
                continue;
            size_t k;
            if (s[p] < 0x80 || enc_nfc_boundary(cp_at(s + p, &k))) {
                cut = p;
                break;
            }
        }
        if (cut == 0 && len >= NFC_HOLD_MAX)
            cut = len;
    }
    size_t i = 0, copied = 0;
    while (i < cut) {
        if ((i = enc_ascii_end(s, i, cut)) >= cut)
            break;
        size_t k;
        int32_t cp = cp_at(s + i, &k);
        if (cp < 0x300 || (cp >= 0x1E00 && cp <= 0x1EFF) ||
            enc_nfc_boundary(cp)) {
            i += k;
            continue;
        }
        /* The stretch [b, j) between safe boundaries goes through
         * utf8proc: b is the character before (the letter a mark belongs
         * to; a boundary, or we would be inside a stretch already). */
        size_t b = i;
        if (b > copied) {
            b--;
            while (b > copied && (s[b] & 0xC0) == 0x80)
                b--;
        }
        size_t j = i + k;
        while (j < cut) {
            if (s[j] < 0x80)
                break;
            size_t k2;
            if (enc_nfc_boundary(cp_at(s + j, &k2)))
                break;
            j += k2;
        }
        if ((rc = gla_buf_put(out, s + copied, b - copied)) ||
            (rc = normalize_segment(n, out, s + b, j - b)))
            return rc;
        copied = i = j;
    }
    if ((rc = gla_buf_put(out, s + copied, cut - copied)))
        return rc;
    *used = cut;
    return GLA_OK;
}

void enc_nfc_dispose(enc_nfc *n)
{
    free(n->ucs);
    n->ucs = NULL;
    n->ucs_cap = 0;
}
