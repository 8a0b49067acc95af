/*
 * Mojibake repair, one line at a time: UTF-8 read as CP1252/Latin-1
 * (sequence by sequence, a lost no-break space restored where a sequence
 * needs a continuation byte) and CP1258 read as CP1252 (word by word).
 * Every change must lower the badness score around it, so clean text --
 * including real "Ã" in Portuguese or "hòa" next to mojibake -- stays.
 */
#include "encoding_int.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

/* ------------------------------------------------------------ classes */

static int sloppy(int32_t c)
{
    return enc_sloppy_cp1252_byte(c);
}

/* Would this character be a UTF-8 continuation byte read as CP1252? */
static int is_cont(int32_t c)
{
    int b = sloppy(c);
    return b >= 0x80 && b <= 0xBF;
}

static int is_lead2(int32_t c)
{
    return c >= 0xC2 && c <= 0xDF;
}
static int is_lead3(int32_t c)
{
    return c >= 0xE0 && c <= 0xEF;
}
static int is_lead4(int32_t c)
{
    return c >= 0xF0 && c <= 0xF4;
}
static int is_mark(int32_t c)
{
    return c >= 0x0300 && c <= 0x036F;
}

static int is_letter(int32_t c)
{
    utf8proc_category_t cat = utf8proc_category(c);
    return cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO;
}

static int is_upper(int32_t c)
{
    return utf8proc_category(c) == UTF8PROC_CATEGORY_LU;
}

/* A Latin vowel, with or without marks. */
static int is_vowel(int32_t c)
{
    if (c >= 0x80) {
        utf8proc_int32_t d[4];
        int last = 0;
        if (utf8proc_decompose_char(c, d, 4, UTF8PROC_DECOMPOSE, &last) < 1)
            return 0;
        c = d[0];
        if (c >= 0x80)
            return 0;
    }
    return c && strchr("aeiouyAEIOUY", (int)c) != NULL;
}

/* CP1258's tone-mark bytes 0xCC 0xEC 0xD2 0xDE 0xF2 read as CP1252. */
static int is_cp1258_tone(int32_t c)
{
    return c == 0xCC || c == 0xEC || c == 0xD2 || c == 0xDE || c == 0xF2;
}

/* ------------------------------------------------------------ badness */

static int is_lower(int32_t c)
{
    return utf8proc_category(c) == UTF8PROC_CATEGORY_LL;
}

static int is_alnum(int32_t c)
{
    return is_letter(c) || (c >= '0' && c <= '9');
}

/*
 * Does x = c[i], followed by a space, look like the first half of a
 * character whose no-break space (UTF-8 ...A0 read as CP1252) turned into
 * a space? 2: surely -- Ã<space> inside a lowercase word ("HoÃ ng"; real
 * text writes ã there). 1: maybe, if the line shows other mojibake --
 * Ã<space> or Æ<space> ending a word (the lost space then stands before a
 * real one: "HÃ  Ná»™i", but also "MÃ   bảng"), Æ<space> inside a word of
 * one case, Â<space> (the no-break space itself). 0: no ("IRMÃ DE").
 */
static int lost_nbsp(int32_t x, int32_t prev, const int32_t *c, size_t i,
                     size_t n)
{
    int32_t after = i + 2 < n ? c[i + 2] : ' ';
    int word_end = !is_alnum(after);
    switch (x) {
    case 0xC2: return 1;
    case 0xC3: return is_lower(prev) && is_lower(after) ? 2 : word_end ? 1 : 0;
    case 0xC6:
        return word_end || (is_letter(prev) && is_letter(after) &&
                            is_upper(prev) == is_upper(after));
    default: return 0;
    }
}

/* Rule groups: the signs of each kind of mojibake; the signs of a repair
 * gone wrong (a mark on no vowel, IRMàDE) belong to both. */
#define BAD_UTF8 1u   /* UTF-8 read as CP1252/Latin-1 */
#define BAD_CP1258 2u /* CP1258 read as CP1252 */
#define BAD_WEAK 4u   /* the "maybe" lost no-break spaces too */
#define BAD_ALL 7u

static size_t badness_cps(const int32_t *c, size_t n, unsigned groups)
{
    size_t bad = 0;
    int u = (groups & BAD_UTF8) != 0, v = (groups & BAD_CP1258) != 0;
    int weak = (groups & BAD_WEAK) != 0;
    for (size_t i = 0; i < n; i++) {
        int32_t x = c[i];
        int32_t prev = i ? c[i - 1] : ' ';
        int32_t next = i + 1 < n ? c[i + 1] : ' ';
        if (u && x >= 0x80 && x <= 0x9F)
            bad++; /* C1 control */
        if (u && (is_lead2(x) || x == 0x0102) && i + 1 < n && is_cont(next))
            bad++; /* Ã© Æ° Ä‘ Ăˆ */
        if (u && is_lead3(x) && i + 2 < n && is_cont(next) &&
            (is_cont(c[i + 2]) ||
             (x == 0xE1 && (next == 0xBA || next == 0xBB) && c[i + 2] == ' ')))
            bad++; /* á»‡ â€™, and áº  (Ạ) with its no-break space lost */
        else if (u && x == 0xE2 && next == 0x20AC)
            bad++; /* â€ */
        if (u && is_lead4(x) && i + 2 < n && is_cont(next) && is_cont(c[i + 2]))
            bad++; /* ðŸ */
        if (u && i + 1 < n && next == ' ' &&
            lost_nbsp(x, prev, c, i, n) > (weak ? 0 : 1))
            bad++; /* HoÃ ng: a no-break space became a space */
        if (v && is_cp1258_tone(x) && i > 0 && is_vowel(prev))
            bad++; /* NguyêÞn: CP1258 read as CP1252 */
        if (is_mark(x)) {
            size_t j = i;
            while (j > 0 && is_mark(c[j - 1]))
                j--;
            if (j == 0 || !is_vowel(c[j - 1]))
                bad++; /* a tone mark on no vowel */
        }
        if (x >= 0xC0 && utf8proc_category(x) == UTF8PROC_CATEGORY_LL &&
            i > 0 && i + 1 < n && is_upper(prev) && is_upper(next))
            bad++; /* IRMàDE */
    }
    return bad;
}

/* Decode valid UTF-8 into code points; *n gets the count. NULL on
 * failure (invalid input or no memory). */
static int32_t *to_cps(const char *s, size_t len, size_t *n, int *rc)
{
    int32_t *c = malloc((len + 1) * sizeof *c);
    *n = 0;
    *rc = GLA_ENOMEM;
    if (!c)
        return NULL;
    size_t i = 0;
    while (i < len) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s + i,
                                              (utf8proc_ssize_t)(len - i), &cp);
        if (k <= 0) {
            free(c);
            *rc = GLA_EUTF8;
            return NULL;
        }
        c[(*n)++] = cp;
        i += (size_t)k;
    }
    *rc = GLA_OK;
    return c;
}

size_t gla_encoding_badness(const char *s, size_t len)
{
    size_t n;
    int rc;
    int32_t *c = to_cps(s, len, &n, &rc);
    if (!c)
        return 0;
    size_t b = badness_cps(c, n, BAD_UTF8 | BAD_CP1258);
    if (b)
        b = badness_cps(c, n, BAD_ALL);
    free(c);
    return b;
}

size_t enc_badness_utf8(const char *s, size_t len)
{
    size_t n;
    int rc;
    int32_t *c = to_cps(s, len, &n, &rc);
    if (!c)
        return 0;
    size_t b = badness_cps(c, n, BAD_UTF8);
    if (b)
        b = badness_cps(c, n, BAD_UTF8 | BAD_WEAK);
    free(c);
    return b;
}

/* ------------------------------------------------------------ UTF-8 */

/* Badness of a candidate's span (`len` characters at `span`, or the one
 * character `rep` when rep >= 0) between its neighbours (-1: none). */
static size_t local_badness(int32_t prev, const int32_t *span, size_t len,
                            int32_t rep, int32_t next, unsigned groups)
{
    int32_t w[8];
    size_t m = 0;
    if (prev >= 0)
        w[m++] = prev;
    if (rep < 0) {
        for (size_t i = 0; i < len; i++)
            w[m++] = span[i];
    } else {
        w[m++] = rep;
    }
    if (next >= 0)
        w[m++] = next;
    return badness_cps(w, m, groups);
}

/* One pass of UTF-8-read-as-CP1252 repair over c[0..*n), in place.
 * Returns the number of sequences repaired. */
static size_t pass_utf8(int32_t *c, size_t *n)
{
    size_t count = 0, o = 0, len = *n;
    /* The doubtful lost no-break spaces count once the line shows surer
     * signs of the same mojibake. */
    unsigned groups = BAD_UTF8;
    if (badness_cps(c, len, BAD_UTF8))
        groups |= BAD_WEAK;
    for (size_t i = 0; i < len;) {
        int b0 = sloppy(c[i]);
        int need = b0 >= 0xC2 && b0 <= 0xDF   ? 2
                   : b0 >= 0xE0 && b0 <= 0xEF ? 3
                   : b0 >= 0xF0 && b0 <= 0xF4 ? 4
                                              : 0;
        int32_t cp = -1;
        if (need && i + (size_t)need <= len) {
            uint32_t v = (uint32_t)b0 & (need == 2   ? 0x1F
                                         : need == 3 ? 0x0F
                                                     : 0x07);
            int ok = 1;
            for (int k = 1; k < need && ok; k++) {
                int32_t x = c[i + (size_t)k];
                int b = x == ' ' && k == need - 1 ? 0xA0 : sloppy(x);
                if (b < 0x80 || b > 0xBF)
                    ok = 0;
                else if (k == 1 &&
                         ((b0 == 0xE0 && b < 0xA0) ||
                          (b0 == 0xED && b > 0x9F) ||
                          (b0 == 0xF0 && b < 0x90) || (b0 == 0xF4 && b > 0x8F)))
                    ok = 0;
                v = v << 6 | ((uint32_t)b & 0x3F);
            }
            /* A space stands for a lost no-break space (0xA0) only where
             * that spells one of the characters that end in 0xA0 in our
             * scripts: NBSP à Ơ Ạ Ỡ. */
            if (ok && c[i + (size_t)need - 1] == ' ' && v != 0xA0 &&
                v != 0xE0 && v != 0x1A0 && v != 0x1EA0 && v != 0x1EE0)
                ok = 0;
            if (ok)
                cp = (int32_t)v;
        }
        /* Neighbours as they were: in a double encoding, fixing one layer
         * must not be judged against the next layer it reveals. (c[i-1]
         * is still the original: writes so far stopped before it, or
         * copied it.) */
        int32_t prev = i ? c[i - 1] : -1;
        int32_t next =
            cp >= 0 && i + (size_t)need < len ? c[i + (size_t)need] : -1;
        if (cp >= 0 &&
            local_badness(prev, c + i, (size_t)need, cp, next, groups) <
                local_badness(prev, c + i, (size_t)need, -1, next, groups)) {
            c[o++] = cp;
            i += (size_t)need;
            count++;
        } else {
            c[o++] = c[i++];
        }
    }
    *n = o;
    return count;
}

/* ------------------------------------------------------------ CP1258 */

/* CP1258's reading of a CP1252 character, where the two differ. */
static int32_t cp1258_of(int32_t c)
{
    switch (c) {
    case 0xC3: return 0x0102; /* Ã -> Ă */
    case 0xE3: return 0x0103; /* ã -> ă */
    case 0xD5: return 0x01A0; /* Õ -> Ơ */
    case 0xF5: return 0x01A1; /* õ -> ơ */
    case 0xDD: return 0x01AF; /* Ý -> Ư */
    case 0xFD: return 0x01B0; /* ý -> ư */
    case 0xD0: return 0x0110; /* Ð -> Đ */
    case 0xF0: return 0x0111; /* ð -> đ */
    case 0xFE: return 0x20AB; /* þ -> ₫ */
    case 0xCC: return 0x0300; /* Ì -> grave */
    case 0xEC: return 0x0301; /* ì -> acute */
    case 0xD2: return 0x0309; /* Ò -> hook above */
    case 0xDE: return 0x0303; /* Þ -> tilde */
    case 0xF2: return 0x0323; /* ò -> dot below */
    default: return 0;
    }
}

static int is_wordchar(int32_t c)
{
    utf8proc_category_t cat = utf8proc_category(c);
    return (cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO) ||
           (cat >= UTF8PROC_CATEGORY_MN && cat <= UTF8PROC_CATEGORY_ME);
}

static int syllable_of(const int32_t *w, size_t n)
{
    char buf[8 * 4 * 2];
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        if (m + 4 > sizeof buf)
            return 0;
        m += (size_t)utf8proc_encode_char(w[i], (utf8proc_uint8_t *)buf + m);
    }
    return enc_vn_syllable(buf, m);
}

/*
 * Word-by-word CP1258-read-as-CP1252 repair of c[0..n), in place (each
 * character maps to one). Three rounds:
 *  1. words holding a tone byte (Ì ì Ò Þ ò) that are not Vietnamese
 *     syllables but whose CP1258 reading is ("Thiò" -> "Thị"; "Boòng", a
 *     real word, stays);
 *  2. once round 1 has shown the line to be CP1258, tone-byte words whose
 *     CP1258 reading is a syllable too ("troòng" -> "trọng");
 *  3. then words that only hold letters CP1258 reads differently
 *     ("Ðoàn" -> "Đoàn", "tãng" -> "tăng").
 * Rounds 1 and 2 also need the badness to drop (the marks must land on
 * vowels).
 */
static size_t pass_cp1258(int32_t *c, size_t n)
{
    size_t count = 0;
    int32_t w[64];
    for (int round = 1; round <= 3; round++) {
        if (round > 1 && count == 0)
            break;
        for (size_t i = 0; i < n;) {
            if (!is_wordchar(c[i])) {
                i++;
                continue;
            }
            size_t j = i;
            int differs = 0, tone = 0;
            while (j < n && is_wordchar(c[j])) {
                if (cp1258_of(c[j]))
                    differs = 1;
                if (is_cp1258_tone(c[j]))
                    tone = 1;
                j++;
            }
            size_t wn = j - i;
            if (!differs || wn > 64 || tone != (round < 3)) {
                i = j;
                continue;
            }
            for (size_t k = 0; k < wn; k++) {
                int32_t m = cp1258_of(c[i + k]);
                w[k] = m ? m : c[i + k];
            }
            int take = syllable_of(w, wn);
            if (take && round == 1)
                take = !syllable_of(c + i, wn);
            if (take && round < 3)
                take = badness_cps(w, wn, BAD_CP1258) <
                       badness_cps(c + i, wn, BAD_CP1258);
            if (take) {
                memcpy(c + i, w, wn * sizeof *w);
                count++;
            }
            i = j;
        }
    }
    return count;
}

/* ------------------------------------------------------------ lines */

/* An ASCII vowel or a Latin-1 one (bytes C3 xx), ending just before p. */
static int vowel_before(const unsigned char *s, size_t p)
{
    if (p >= 1 && s[p - 1] < 0x80)
        return strchr("aeiouyAEIOUY", s[p - 1]) != NULL && s[p - 1];
    return p >= 2 && s[p - 2] == 0xC3 && is_vowel(0xC0 + (s[p - 1] & 0x3F));
}

/*
 * A quick byte-level test that a line may hold mojibake at all, so clean
 * lines cost one scan: a Latin-1 character that would be a UTF-8 lead byte
 * (U+00C2..U+00F4, bytes C3 82..C3 B4) followed by one that would be a
 * continuation byte (U+0080..U+00BF, bytes C2 xx, or CP1252 punctuation,
 * lead bytes C5 C6 CB E2) or by a space; a C1 control; or a CP1258 tone
 * byte read as CP1252 (Ì ì Ò Þ ò) after a vowel.
 */
static int maybe_mojibake(const unsigned char *s, size_t len)
{
    for (size_t i = 0; i + 1 < len; i++) {
        if (s[i] == 0xC2 && s[i + 1] >= 0x80 && s[i + 1] <= 0x9F)
            return 1;
        if (s[i] != 0xC3)
            continue;
        unsigned char b = s[i + 1];
        if (b == 0x8C || b == 0xAC || b == 0x92 || b == 0x9E || b == 0xB2) {
            if (vowel_before(s, i))
                return 1;
        }
        if (b < 0x82 || b > 0xB4 || i + 2 >= len)
            continue;
        unsigned char n = s[i + 2];
        if (n == 0xC2 || n == 0xC5 || n == 0xC6 || n == 0xCB || n == 0xE2 ||
            (n == ' ' && (b == 0x82 || b == 0x83 || b == 0x86)))
            return 1;
    }
    return 0;
}

int enc_repair_line(gla_buf *out, const char *s, size_t len, uint64_t *repairs,
                    unsigned *kinds)
{
    if (!maybe_mojibake((const unsigned char *)s, len))
        return gla_buf_put(out, s, len);
    size_t n;
    int rc;
    int32_t *c = to_cps(s, len, &n, &rc);
    if (!c)
        return rc;
    size_t fixed = 0;
    for (int round = 0; round < 3; round++) { /* double encodings too */
        size_t k = pass_utf8(c, &n);
        if (!k)
            break;
        fixed += k;
        *kinds |= GLA_REPAIR_UTF8_AS_CP1252;
    }
    size_t k = pass_cp1258(c, n);
    if (k) {
        fixed += k;
        *kinds |= GLA_REPAIR_CP1258_AS_CP1252;
    }
    if (!fixed) {
        free(c);
        return gla_buf_put(out, s, len);
    }
    *repairs += fixed;
    rc = gla_buf_grow(out, n * 4);
    for (size_t i = 0; i < n && !rc; i++) {
        utf8proc_ssize_t m = utf8proc_encode_char(
            c[i], (utf8proc_uint8_t *)out->data + out->len);
        out->len += (size_t)m;
    }
    if (!rc)
        out->data[out->len] = '\0';
    free(c);
    return rc;
}

int gla_encoding_repair(gla_buf *out, size_t *n_repairs, const char *s,
                        size_t len)
{
    if (enc_utf8_valid_prefix((const unsigned char *)s, len, 0) != len)
        return GLA_EUTF8;
    uint64_t repairs = 0;
    unsigned kinds = 0;
    size_t start = 0;
    int rc = GLA_OK;
    while (start < len && !rc) {
        const char *nl = memchr(s + start, '\n', len - start);
        size_t end = nl ? (size_t)(nl - s) : len;
        rc = enc_repair_line(out, s + start, end - start, &repairs, &kinds);
        if (!rc && nl)
            rc = gla_buf_put(out, "\n", 1);
        start = end + 1;
    }
    if (n_repairs)
        *n_repairs = (size_t)repairs;
    return rc;
}
