/*
 * Token cutting and token keys for matching. Terms and text go through the
 * same code, so a term matches text exactly when their token keys agree;
 * the cutting is resumable at any byte so text can stream in chunks.
 */
#include "tokens.h"
#include "tokens_fast.h"

#include <libstemmer.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

static int classify_cp(int32_t c)
{
    switch (c) {
    case 0x00A0: case 0x1680: case 0x202F: case 0x205F: case 0x3000:
        return CL_SPACE;
    case 0x0085: case 0x2028: return CL_NL;
    case 0x2029: return CL_PARA;
    case 0x2018: case 0x2019: case 0x02BC: case 0x2032: case 0xFF07:
        return CL_APOS;
    case 0x2010: case 0x2011: case 0x2012: case 0x2013: case 0x2014:
    case 0x2015: case 0x2212: case 0xFE58: case 0xFE63: case 0xFF0D:
        return CL_DASH;
    case 0x00AD: case 0x200B: case 0x200C: case 0x200D: case 0x2060:
    case 0xFEFF:
        return CL_IGNORE;
    default: break;
    }
    if (c >= 0x2000 && c <= 0x200A)
        return CL_SPACE;
    switch (utf8proc_category(c)) {
    case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT: case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
        return CL_LETTER;
    case UTF8PROC_CATEGORY_MN: case UTF8PROC_CATEGORY_MC:
    case UTF8PROC_CATEGORY_ME:
        return CL_MARK;
    case UTF8PROC_CATEGORY_ND: return CL_DIGIT;
    case UTF8PROC_CATEGORY_ZS: case UTF8PROC_CATEGORY_CC:
        return CL_SPACE;
    case UTF8PROC_CATEGORY_ZL: return CL_NL;
    case UTF8PROC_CATEGORY_ZP: return CL_PARA;
    case UTF8PROC_CATEGORY_CF: return CL_IGNORE;
    default: return CL_PUNCT; /* symbols, unassigned, private use */
    }
}

/* Class of the non-ASCII character at s[i]. */
static int classify_multi(const unsigned char *s, size_t len, size_t i, int *n,
                          int32_t *cp)
{
    unsigned b = s[i];
    int need = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC2 ? 2 : 0;
    if (need == 0 || b > 0xF4) {
        *n = 1;
        return CL_INVALID;
    }
    size_t left = len - i;
    for (int k = 1; k < need; k++) {
        if ((size_t)k >= left) {
            *n = (int)left;
            return CL_INCOMPLETE;
        }
        if ((s[i + k] & 0xC0) != 0x80) {
            *n = 1;
            return CL_INVALID;
        }
    }
    utf8proc_int32_t c;
    utf8proc_ssize_t r = utf8proc_iterate(s + i, need, &c);
    if (r != need) {
        *n = 1;
        return CL_INVALID;
    }
    *n = need;
    *cp = c;
    return classify_cp(c);
}

/* Class of the character at s[i]; its length goes to *n (1 for invalid
 * bytes). ASCII and Latin letters stay inline: they are most of any French
 * or Vietnamese text. */
static inline int classify(const unsigned char *s, size_t len, size_t i,
                           int *n, int32_t *cp)
{
    unsigned b = s[i];
    if (b < 0x80) {
        *n = 1;
        *cp = (int32_t)b;
        return ascii_class[b];
    }
    int cls, k = latin_letter(s, len, i, &cls);
    if (k) {
        *n = k;
        *cp = k == 2 ? (int32_t)(((b & 0x1Fu) << 6) | (s[i + 1] & 0x3Fu))
                     : (int32_t)(((b & 0x0Fu) << 12) |
                                 ((s[i + 1] & 0x3Fu) << 6) |
                                 (s[i + 2] & 0x3Fu));
        return cls;
    }
    return classify_multi(s, len, i, n, cp);
}

static int is_word_class(int c)
{
    return c == CL_LETTER || c == CL_DIGIT || c == CL_MARK;
}

static unsigned char lower_ascii(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') ? (unsigned char)(c + 32) : c;
}

/* Case-insensitive (ASCII, plus À/à) equality of raw[0, n) and word. */
static int same_word(const char *raw, size_t n, const char *word)
{
    size_t w = strlen(word);
    if (n != w)
        return 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char a = (unsigned char)raw[i], b = (unsigned char)word[i];
        if (i > 0 && (unsigned char)raw[i - 1] == 0xC3 && a == 0x80)
            a = 0xA0; /* À -> à */
        if (lower_ascii(a) != b)
            return 0;
    }
    return 1;
}

static const char *const elision_words[] = {
    "l", "m", "t", "qu", "n", "s", "j", "d", "c",
    "jusqu", "lorsqu", "puisqu", "quoiqu"};

/* Function words that glue onto a neighbour in copied text, longest
 * first so "des" wins over "de". */
static const char *const func_words[] = {
    "aux", "des", "les", "du", "de", "la", "le", "au", "en", "et", "\xC3\xA0"};

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

int gla__is_func_word(const char *raw, size_t len)
{
    for (size_t i = 0; i < N_OF(func_words); i++)
        if (same_word(raw, len, func_words[i]))
            return 1;
    return 0;
}

size_t gla__func_prefix(const char *raw, size_t len, int suffix)
{
    for (size_t i = 0; i < N_OF(func_words); i++) {
        size_t w = strlen(func_words[i]);
        if (w >= len)
            continue;
        const char *at = suffix ? raw + len - w : raw;
        if (same_word(at, w, func_words[i]))
            return w;
    }
    return 0;
}

size_t gla__camel_split(const char *raw, size_t len)
{
    const unsigned char *s = (const unsigned char *)raw;
    int prev_lower = 0;
    size_t i = 0;
    while (i < len) {
        int n;
        int32_t cp;
        int c = classify(s, len, i, &n, &cp);
        if (c == CL_LETTER) {
            if (prev_lower && utf8proc_isupper(cp))
                return i;
            prev_lower = utf8proc_islower(cp);
        } else if (c != CL_MARK && c != CL_IGNORE) {
            prev_lower = 0;
        }
        i += (size_t)n;
    }
    return 0;
}

/* ---- cutting ----------------------------------------------------------- */

static void put(tk *out, size_t *n, size_t start, size_t end, int kind,
                int glued)
{
    out[*n].start = start;
    out[*n].end = end;
    out[*n].kind = (uint8_t)kind;
    out[*n].glued = (uint8_t)glued;
    (*n)++;
}

/* Split one word unit s[a, b) (letters, digits, marks, ignorables and inner
 * apostrophes) into tokens. */
static void cut_unit(const unsigned char *s, size_t a, size_t b, tk *out,
                     size_t *n)
{
    size_t ps = a;        /* start of the piece being read */
    int pkind = 0;        /* TK_WORD or TK_NUM once known */
    size_t i = a;
    while (i < b) {
        int len;
        int32_t cp;
        int c = classify(s, b, i, &len, &cp);
        if (c == CL_APOS) {
            /* only inside letters: the unit scanner guarantees a letter
             * follows */
            const char *left = (const char *)s + ps;
            size_t ln = i - ps;
            size_t after = i + (size_t)len;
            int done = 0;
            if (pkind == TK_WORD) {
                for (size_t k = 0; k < N_OF(elision_words) && !done; k++) {
                    if (same_word(left, ln, elision_words[k])) {
                        put(out, n, ps, after, TK_ELISION, 0);
                        done = 1;
                    }
                }
                if (!done && same_word(left, ln, "aujourd")) {
                    i = after; /* one word: aujourd'hui */
                    continue;
                }
                if (!done && ln >= 2 &&
                    (lower_ascii((unsigned char)left[ln - 1]) == 'l' ||
                     lower_ascii((unsigned char)left[ln - 1]) == 'd') &&
                    gla__is_func_word(left, ln - 1)) {
                    /* "del'armée": de + l' */
                    put(out, n, ps, i - 1, TK_WORD, 1);
                    put(out, n, i - 1, after, TK_ELISION, 1);
                    done = 1;
                }
                if (!done)
                    put(out, n, ps, i, TK_WORD, 0);
            } else if (pkind == TK_NUM) {
                put(out, n, ps, i, TK_NUM, 0);
            }
            ps = after;
            pkind = 0;
            i = after;
            continue;
        }
        int k = c == CL_DIGIT ? TK_NUM : c == CL_LETTER ? TK_WORD : 0;
        if (k && pkind && k != pkind) {
            put(out, n, ps, i, pkind, 0);
            ps = i;
        }
        if (k)
            pkind = k;
        i += (size_t)len;
    }
    if (ps < b)
        put(out, n, ps, b, pkind ? pkind : TK_WORD, 0);
}

/* Length of the apostrophe ' or ’ at s[j] (all of it in the buffer), or 0
 * (the other apostrophes take the general path). */
static inline size_t apos_len(const unsigned char *s, size_t j, size_t len)
{
    if (s[j] == '\'')
        return 1;
    if (s[j] == 0xE2 && j + 2 < len && s[j + 1] == 0x80 && s[j + 2] == 0x99)
        return 3;
    return 0;
}

/* Is w[0, n), letters only, one of elision_words (any case)? */
static int elision_ascii(const unsigned char *w, size_t n)
{
    static const char *const by_len[7] = {
        NULL, "lmtnsjdc", "qu", NULL, NULL, "jusqu", "lorsqu puisqu quoiqu"};
    if (n == 0 || n > 6 || !by_len[n])
        return 0;
    if (n == 1) {
        unsigned c = w[0] | 0x20u;
        return c < 0x80 && strchr(by_len[1], (int)c) != NULL;
    }
    for (const char *p = by_len[n]; *p; p += n + (p[n] == ' ')) {
        size_t k = 0;
        while (k < n && (w[k] | 0x20u) == (unsigned char)p[k])
            k++;
        if (k == n)
            return 1;
    }
    return 0;
}

int gla__tokenize(tk_state *st, const char *buf, size_t len, size_t *pos,
                  int last, tk *out, size_t cap, size_t *nout)
{
    size_t nv = *nout;      /* tokens in out[], kept in a register */
    const unsigned char *s = (const unsigned char *)buf;
    size_t i = *pos;
    while (i < len) {
        if (cap - nv < TK_MAX_UNIT + 2) {
            *pos = i;
            *nout = nv;
            return 1;
        }
        unsigned b0 = s[i];
        if (b0 == ' ') {
            i++;
            continue;
        }
        /* The common cases first: a word of letters (ASCII, Latin,
         * Vietnamese, combining marks) ended by white space or ASCII
         * punctuation, or such a word after an elided article or pronoun
         * ("l'armée", "d’un"). Anything else takes the general path
         * below, which cuts these the same way. */
        {
            size_t j = plain_run(s, i, len, st->padded);
            if (j > i && j < len) {
                if (plain_end(s, j) && j - i <= TK_MAX_UNIT) {
                    put(out, &nv, i, j, TK_WORD, 0);
                    st->nl = 0;
                    st->broke = 0;
                    i = j + (s[j] == ' '); /* and the space after it */
                    continue;
                }
                size_t a = apos_len(s, j, len);
                if (a && elision_ascii(s + i, j - i)) {
                    size_t k = plain_run(s, j + a, len, st->padded);
                    if (k > j + a && k < len && plain_end(s, k) &&
                        k - i <= TK_MAX_UNIT) {
                        put(out, &nv, i, j + a, TK_ELISION, 0);
                        put(out, &nv, j + a, k, TK_WORD, 0);
                        st->nl = 0;
                        st->broke = 0;
                        i = k + (s[k] == ' ');
                        continue;
                    }
                }
            }
        }
        int clen;
        int32_t cp;
        int c = classify(s, len, i, &clen, &cp);
        if (c == CL_INCOMPLETE) {
            if (!last)
                break;
            put(out, &nv, i, len, TK_BREAK, 0);
            st->nl = 0;
            st->broke = 0;
            i = len;
            break;
        }
        switch (c) {
        case CL_NL:
        case CL_PARA:
            st->nl += c == CL_PARA ? 2 : 1;
            if (st->nl >= 2 && !st->broke) {
                put(out, &nv, i, i + (size_t)clen, TK_BREAK, 0);
                st->broke = 1;
            }
            i += (size_t)clen;
            continue;
        case CL_SPACE:
        case CL_DASH:
        case CL_APOS:
        case CL_IGNORE:
            i += (size_t)clen;
            continue;
        case CL_INVALID: {
            size_t j = i + 1;
            while (j < len && s[j] >= 0x80) {
                int l2;
                int32_t c2;
                int k2 = classify(s, len, j, &l2, &c2);
                if (k2 != CL_INVALID)
                    break;
                j++;
            }
            put(out, &nv, i, j, TK_BREAK, 0);
            st->nl = 0;
            st->broke = 0;
            i = j;
            continue;
        }
        case CL_PUNCT:
            put(out, &nv, i, i + (size_t)clen, TK_PUNCT, 0);
            st->nl = 0;
            st->broke = 0;
            i += (size_t)clen;
            continue;
        default:
            break;
        }
        /* A word unit. */
        size_t j = i;
        int prev = CL_SPACE, cut = 0, plain = 1;
        while (j < len) {
            unsigned b = s[j];
            if (b < 0x80) {
                if (ascii_class[b] == CL_LETTER) {
                    prev = CL_LETTER;
                    j++;
                    continue;
                }
            } else {
                int lc, lk = latin_letter(s, len, j, &lc);
                if (lk) {
                    prev = lc;
                    j += (size_t)lk;
                    continue;
                }
            }
            int l2;
            int32_t c2;
            int k2 = classify(s, len, j, &l2, &c2);
            if (k2 == CL_INCOMPLETE) {
                cut = 1;
                break;
            }
            if (is_word_class(k2) || k2 == CL_IGNORE) {
                if (k2 != CL_LETTER && k2 != CL_MARK)
                    plain = 0; /* digits or ignorables: cut_unit decides */
                prev = k2 == CL_IGNORE ? prev : k2;
                j += (size_t)l2;
                continue;
            }
            if (k2 == CL_APOS && (prev == CL_LETTER || prev == CL_MARK)) {
                size_t after = j + (size_t)l2;
                if (after >= len) {
                    cut = 1;
                    break;
                }
                int l3;
                int32_t c3;
                int k3 = classify(s, len, after, &l3, &c3);
                if (k3 == CL_INCOMPLETE) {
                    cut = 1;
                    break;
                }
                if (k3 == CL_LETTER) {
                    prev = CL_APOS;
                    plain = 0;
                    j = after;
                    continue;
                }
            }
            break;
        }
        if ((j >= len || cut) && !last) {
            if (j - i <= TK_MAX_UNIT * 16)
                break; /* wait for the rest of the word */
        }
        if (j - i > TK_MAX_UNIT) {
            put(out, &nv, i, j, TK_BREAK, 0);
        } else if (plain) {
            put(out, &nv, i, j, TK_WORD, 0); /* letters and marks only */
        } else {
            cut_unit(s, i, j, out, &nv);
        }
        st->nl = 0;
        st->broke = 0;
        i = j;
    }
    *pos = i;
    *nout = nv;
    return 0;
}

/* ---- keys -------------------------------------------------------------- */

int gla__keyer_init(keyer *k)
{
    memset(k, 0, sizeof *k);
    if (gla_normalizer_new(&k->norm) != GLA_OK)
        return GLA_ENOMEM;
    k->sb = sb_stemmer_new("french", NULL);
    if (!k->sb) {
        gla_normalizer_free(k->norm);
        k->norm = NULL;
        return GLA_ENOMEM;
    }
    return GLA_OK;
}

void gla__keyer_free(keyer *k)
{
    if (!k)
        return;
    gla_normalizer_free(k->norm);
    if (k->sb)
        sb_stemmer_delete(k->sb);
    for (int i = 0; i < KL_COUNT; i++)
        gla_buf_dispose(&k->keys[i]);
    gla_buf_dispose(&k->tmp);
    memset(k, 0, sizeof *k);
}

/* The plural rules of docs/NORMALIZATION.md on w[0, n): -aux -> -al unless
 * after e, else drop a final x or s. Returns the new length. */
static size_t plural_rules(char *w, size_t n)
{
    if (n > 4 && memcmp(w + n - 3, "aux", 3) == 0 && w[n - 4] != 'e') {
        w[n - 2] = 'l'; /* -aux -> -al */
        return n - 1;
    }
    if (w[n - 1] == 'x' || w[n - 1] == 's')
        return n - 1;
    return n;
}

static int plain_word(const char *k2, size_t len)
{
    if (len < 4 || len > TK_MAX_UNIT)
        return 0;
    for (size_t i = 0; i < len; i++)
        if (k2[i] < 'a' || k2[i] > 'z')
            return 0;
    return 1;
}

int gla__light_key(gla_buf *out, const char *k2, size_t len, int *fem)
{
    *fem = 0;
    if (!plain_word(k2, len))
        return gla_buf_put(out, k2, len);
    char w[TK_MAX_UNIT + 4];
    memcpy(w, k2, len);
    size_t n = plural_rules(w, len);
    if (n > 4 && memcmp(w + n - 3, "nne", 3) == 0) {
        n -= 2; /* vietnamienne -> vietnamien */
        *fem = 1;
    } else if (n > 3 && w[n - 1] == 'e') {
        n--; /* présidente -> président, armée -> arme */
        *fem = 1;
    }
    return gla_buf_put(out, w, n);
}

int gla__stem_key(gla_buf *out, keyer *k, const char *k2, size_t len)
{
    if (!plain_word(k2, len))
        return gla_buf_put(out, k2, len);
    char w[TK_MAX_UNIT + 4];
    memcpy(w, k2, len);
    size_t n = plural_rules(w, len);
    const sb_symbol *r = sb_stemmer_stem(k->sb, (const sb_symbol *)w, (int)n);
    if (!r)
        return GLA_ENOMEM;
    return gla_buf_put(out, r, (size_t)sb_stemmer_length(k->sb));
}

/* Trim spaces the normaliser may leave around a key of one token. */
static void trim(gla_buf *b)
{
    size_t a = 0, e = b->len;
    while (a < e && b->data[a] == ' ')
        a++;
    while (e > a && b->data[e - 1] == ' ')
        e--;
    if (a)
        memmove(b->data, b->data + a, e - a);
    b->len = e - a;
    if (b->data)
        b->data[b->len] = '\0';
}

int gla__keyer_run(keyer *k, const char *raw, size_t len, int kind,
                   unsigned *flags)
{
    static const gla_level lv[4] = {GLA_K0, GLA_K1, GLA_K2, GLA_K3};
    for (int l = 0; l < 4; l++) {
        gla_buf_clear(&k->keys[l]);
        int rc = gla_normalize_to_buf(&k->keys[l], k->norm, lv[l], raw, len);
        if (rc != GLA_OK) {
            snprintf(k->err, sizeof k->err, "%s",
                     gla_normalizer_errmsg(k->norm));
            return rc;
        }
        trim(&k->keys[l]);
    }
    gla_buf_clear(&k->keys[KL_STEM]);
    gla_buf_clear(&k->keys[KL_LIGHT]);
    int rc;
    const gla_buf *k2 = &k->keys[KL_K2];
    int fem = 0;
    if (kind == TK_WORD) {
        rc = gla__stem_key(&k->keys[KL_STEM], k, k2->data, k2->len);
        if (rc == GLA_OK)
            rc = gla__light_key(&k->keys[KL_LIGHT], k2->data, k2->len, &fem);
    } else {
        rc = gla_buf_put(&k->keys[KL_STEM], k2->data, k2->len);
        if (rc == GLA_OK)
            rc = gla_buf_put(&k->keys[KL_LIGHT], k2->data, k2->len);
    }
    if (rc != GLA_OK)
        return rc;

    unsigned f = 0;
    int upper = 0, lower = 0, digits = 1, first = 1;
    const unsigned char *s = (const unsigned char *)raw;
    for (size_t i = 0; i < len;) {
        int n;
        int32_t cp;
        int c = classify(s, len, i, &n, &cp);
        if (c == CL_LETTER) {
            if (utf8proc_isupper(cp) ||
                utf8proc_category(cp) == UTF8PROC_CATEGORY_LT) {
                upper = 1;
                if (first)
                    f |= TOKF_CAP;
            } else if (utf8proc_islower(cp)) {
                lower = 1;
            }
            first = 0;
        }
        if (c != CL_DIGIT)
            digits = 0;
        i += (size_t)(n > 0 ? n : 1);
    }
    if (upper && !lower)
        f |= TOKF_UPPER;
    if (lower)
        f |= TOKF_LOWER;
    if (digits && len)
        f |= TOKF_NUM;
    if (kind == TK_PUNCT)
        f |= TOKF_PUNCT;
    if (fem)
        f |= TOKF_FEM;
    if (kind == TK_WORD && gla__is_func_word(raw, len))
        f |= TOKF_FUNC;
    if (k->keys[KL_K1].len == 4 && memcmp(k->keys[KL_K1].data, "anh3", 4) == 0)
        f |= TOKF_DEBRIS;
    *flags = f;
    return GLA_OK;
}
