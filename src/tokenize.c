/*
 * The tokenizer: words (with French elision split off and hyphenated
 * compounds kept whole and in parts), numbers and ordinals, punctuation.
 * It decodes the text once into code points with classes and offsets held
 * by the handle, then cuts tokens from that array, so look-ahead (is the
 * apostrophe followed by a letter?) is a plain index.
 */
#include "normalize_int.h"

#include <glossalign/tokenize.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

/* Character classes. */
enum {
    C_LETTER = 1, /* category L* */
    C_MARK,       /* combining mark */
    C_DIGIT,      /* decimal digit */
    C_APOS,       /* ' ’ ʼ */
    C_HYPHEN,     /* - ‐ ‑ */
    C_SPACE,      /* white space */
    C_FORMAT,     /* soft hyphen, zero-width characters: glue inside words */
    C_OTHER       /* punctuation, symbols, controls */
};

struct gla_tokenizer {
    int32_t *cp;   /* the text's code points, plus a sentinel */
    size_t *off;   /* byte offset of each, plus the text length */
    uint8_t *cls;  /* C_* of each, plus a sentinel */
    size_t n;      /* code points in use */
    size_t cap;    /* entries allocated */
    char err[160]; /* detail of the last failure */
};

int gla_tokenizer_new(gla_tokenizer **out)
{
    *out = calloc(1, sizeof **out);
    return *out ? GLA_OK : GLA_ENOMEM;
}

void gla_tokenizer_free(gla_tokenizer *t)
{
    if (!t)
        return;
    free(t->cp);
    free(t->off);
    free(t->cls);
    free(t);
}

const char *gla_tokenizer_errmsg(const gla_tokenizer *t)
{
    return t ? t->err : "no tokenizer";
}

void gla_tokens_dispose(gla_tokens *toks)
{
    if (!toks)
        return;
    free(toks->v);
    toks->v = NULL;
    toks->n = toks->cap = 0;
}

static int classify(int32_t cp)
{
    if (cp < 0x80) {
        if ((cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z'))
            return C_LETTER;
        if (cp >= '0' && cp <= '9')
            return C_DIGIT;
        if (cp == ' ' || (cp >= 0x09 && cp <= 0x0D))
            return C_SPACE;
        if (cp == '\'')
            return C_APOS;
        if (cp == '-')
            return C_HYPHEN;
        return C_OTHER;
    }
    switch (cp) {
    case 0x2019:
    case 0x02BC: return C_APOS;
    case 0x2010:
    case 0x2011: return C_HYPHEN;
    case 0x00AD:
    case 0x200B:
    case 0x200C:
    case 0x200D:
    case 0x2060:
    case 0xFEFF: return C_FORMAT;
    case 0x0085:
    case 0x2028:
    case 0x2029: return C_SPACE;
    }
    int cat = utf8proc_get_property(cp)->category;
    if (cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO)
        return C_LETTER;
    if (cat >= UTF8PROC_CATEGORY_MN && cat <= UTF8PROC_CATEGORY_ME)
        return C_MARK;
    if (cat == UTF8PROC_CATEGORY_ND)
        return C_DIGIT;
    if (cat == UTF8PROC_CATEGORY_ZS)
        return C_SPACE;
    return C_OTHER;
}

static int decode_all(gla_tokenizer *t, const unsigned char *s, size_t len)
{
    t->n = 0;
    if (len + 1 > t->cap) {
        size_t c = len + 1;
        int32_t *cp = realloc(t->cp, c * sizeof *cp);
        if (cp)
            t->cp = cp;
        size_t *off = realloc(t->off, c * sizeof *off);
        if (off)
            t->off = off;
        uint8_t *cls = realloc(t->cls, c);
        if (cls)
            t->cls = cls;
        if (!cp || !off || !cls)
            return GLA_ENOMEM;
        t->cap = c;
    }
    size_t i = 0;
    while (i < len) {
        int32_t c;
        int l = gla_utf8_decode(s, len, i, &c);
        if (!l) {
            snprintf(t->err, sizeof t->err,
                     "invalid UTF-8 at byte offset %zu (byte 0x%02X)", i,
                     (unsigned)s[i]);
            return GLA_EUTF8;
        }
        t->cp[t->n] = c;
        t->off[t->n] = i;
        t->cls[t->n++] = (uint8_t)classify(c);
        i += (size_t)l;
    }
    t->cp[t->n] = 0;
    t->off[t->n] = len;
    t->cls[t->n] = 0;
    return GLA_OK;
}

static int push(gla_tokens *out, size_t start, size_t end, unsigned flags,
                size_t split)
{
    if (out->n == out->cap) {
        size_t c = out->cap ? out->cap * 2 : 64;
        gla_token *v = realloc(out->v, c * sizeof *v);
        if (!v)
            return GLA_ENOMEM;
        out->v = v;
        out->cap = c;
    }
    gla_token *k = &out->v[out->n++];
    k->start = start;
    k->end = end;
    k->flags = flags;
    k->split = split;
    return GLA_OK;
}

static int is_wordish(int c)
{
    return c == C_LETTER || c == C_MARK || c == C_DIGIT;
}

static int32_t lower_ascii(int32_t c)
{
    return (c >= 'A' && c <= 'Z') ? c + 32 : c;
}

/* Are cp[a, b) (letters only) one of the French elision prefixes? */
static int is_elision(const gla_tokenizer *t, size_t a, size_t b)
{
    static const char *const pre[] = {
        "l", "m",  "t",     "n",      "s",      "j",      "d",
        "c", "qu", "jusqu", "lorsqu", "puisqu", "quoiqu", NULL};
    size_t n = b - a;
    if (n == 0 || n > 7)
        return 0;
    char w[8];
    for (size_t k = 0; k < n; k++) {
        int32_t c = lower_ascii(t->cp[a + k]);
        if (c < 'a' || c > 'z')
            return 0;
        w[k] = (char)c;
    }
    w[n] = '\0';
    for (const char *const *p = pre; *p; p++)
        if (strcmp(*p, w) == 0)
            return 1;
    return 0;
}

/* Number separators: "," or "." between digits, and a narrow or no-break
 * space before a group of exactly three digits; only inside a part made of
 * digits and such separators so far (`numeric`). */
static int number_sep(const gla_tokenizer *t, size_t j, int numeric)
{
    if (!numeric || t->cls[j - 1] != C_DIGIT)
        return 0;
    int32_t c = t->cp[j];
    if (c == ',' || c == '.')
        return t->cls[j + 1] == C_DIGIT;
    if (c == 0xA0 || c == 0x202F || c == 0x2009)
        return j + 3 <= t->n && t->cls[j + 1] == C_DIGIT &&
               t->cls[j + 2] == C_DIGIT && t->cls[j + 3] == C_DIGIT &&
               (j + 4 > t->n || t->cls[j + 4] != C_DIGIT);
    return 0;
}

/* The end of the word part starting at k. */
static size_t part_end(const gla_tokenizer *t, size_t k)
{
    size_t j = k;
    int numeric = 1; /* digits and number separators only, so far */
    while (j < t->n) {
        int c = t->cls[j];
        if (is_wordish(c) || c == C_FORMAT) {
            numeric &= c == C_DIGIT;
            j++;
        } else if (c == C_APOS && j > k &&
                   (t->cls[j - 1] == C_LETTER || t->cls[j - 1] == C_MARK) &&
                   t->cls[j + 1] == C_LETTER) {
            numeric = 0;
            j++;
        } else if (j > k && number_sep(t, j, numeric)) {
            j++;
        } else {
            break;
        }
    }
    while (j > k && t->cls[j - 1] == C_FORMAT)
        j--;
    return j;
}

/* Does a hyphen at j join the word part before it to one after it? */
static int joins(const gla_tokenizer *t, size_t j)
{
    return j < t->n && t->cls[j] == C_HYPHEN && is_wordish(t->cls[j + 1]) &&
           t->cls[j + 1] != C_MARK;
}

static int has_diacritic(int32_t cp)
{
    if (cp < 0xC0)
        return 0;
    const utf8proc_property_t *p = utf8proc_get_property(cp);
    if (p->decomp_seqindex == 0xFFFF || p->decomp_type != 0)
        return 0; /* no canonical decomposition: no mark */
    return 1;
}

static int is_ordinal_suffix(const gla_tokenizer *t, size_t a, size_t b)
{
    static const char *const suf[] = {
        "e",   "er",   "re",  "\xC3\xA8re",  "\xC3\xA8me", "eme", "\xC3\xA8",
        "es",  "ers",  "res", "\xC3\xA8mes", "emes",       "nd",  "nde",
        "nds", "ndes", "st",  "rd",          "th",         NULL};
    char w[16];
    size_t l = 0;
    for (size_t k = a; k < b; k++) {
        if (l + 4 >= sizeof w || t->cls[k] != C_LETTER)
            return 0;
        l += (size_t)gla_utf8_encode(w + l, t->cp[k]);
    }
    w[l] = '\0';
    for (const char *const *p = suf; *p; p++)
        if (strcmp(*p, w) == 0)
            return 1;
    return 0;
}

/* Flags of the token made of code points [a, b). */
static unsigned token_flags(const gla_tokenizer *t, size_t a, size_t b,
                            size_t *split)
{
    size_t letters = 0, upper = 0, lower = 0, digits = 0;
    int diacritic = 0, first_upper = -1, prev_lower = 0;
    *split = 0;
    for (size_t k = a; k < b; k++) {
        int c = t->cls[k];
        if (c == C_DIGIT) {
            digits++;
            prev_lower = 0;
            continue;
        }
        if (c == C_MARK) {
            diacritic = 1;
            continue;
        }
        if (c != C_LETTER) {
            prev_lower = 0;
            continue;
        }
        int32_t cp = t->cp[k];
        int cat = utf8proc_get_property(cp)->category;
        int up = cat == UTF8PROC_CATEGORY_LU || cat == UTF8PROC_CATEGORY_LT;
        int lo = cat == UTF8PROC_CATEGORY_LL;
        if (first_upper < 0 && (up || lo))
            first_upper = up;
        if (up && prev_lower && !*split)
            *split = t->off[k];
        letters++;
        upper += (size_t)up;
        lower += (size_t)lo;
        prev_lower = lo;
        diacritic |= has_diacritic(cp);
    }
    unsigned f = 0;
    if (letters == 0)
        return digits ? GLA_TOK_NUMBER : GLA_TOK_PUNCT;
    f |= GLA_TOK_WORD;
    if (digits)
        f |= GLA_TOK_DIGIT;
    if (diacritic)
        f |= GLA_TOK_DIACRITIC;
    if (*split)
        f |= GLA_TOK_CASESPLIT;
    if (upper >= 2 && lower == 0) {
        f |= GLA_TOK_ALLCAPS;
        if (!diacritic)
            f |= GLA_TOK_ACRONYM;
    } else if (first_upper == 1) {
        f |= GLA_TOK_CAPITALIZED;
    }
    /* Ordinals: digits + suffix (18e, 1er), Roman numeral + suffix (XIVe). */
    size_t d = a;
    while (d < b && t->cls[d] == C_DIGIT)
        d++;
    if (d > a && d < b && is_ordinal_suffix(t, d, b))
        return GLA_TOK_NUMBER | GLA_TOK_ORDINAL;
    size_t r = a;
    while (r < b && t->cp[r] < 0x80 && strchr("IVXLC", (int)t->cp[r]))
        r++;
    if (r > a && r < b &&
        (r - a > 1 || t->cp[a] == 'I' || t->cp[a] == 'V' || t->cp[a] == 'X') &&
        t->cp[r] >= 'a' && is_ordinal_suffix(t, r, b))
        return GLA_TOK_NUMBER | GLA_TOK_ORDINAL;
    return f;
}

static int push_span(gla_tokens *out, const gla_tokenizer *t, size_t a,
                     size_t b, unsigned extra)
{
    size_t split;
    unsigned f = token_flags(t, a, b, &split);
    return push(out, t->off[a], t->off[b], f | extra, split);
}

int gla_tokenize(gla_tokens *out, gla_tokenizer *t, const char *s, size_t len)
{
    if (!out || !t || (!s && len))
        return GLA_EINVAL;
    out->n = 0;
    t->err[0] = '\0';
    int rc = decode_all(t, (const unsigned char *)(s ? s : ""), len);
    if (rc)
        return rc;
    size_t k = 0;
    while (k < t->n) {
        int c = t->cls[k];
        if (c == C_SPACE || c == C_FORMAT) {
            k++;
            continue;
        }
        if (!is_wordish(c)) {
            size_t e = k + 1;
            while (e < t->n && t->cls[e] == C_MARK)
                e++; /* marks on punctuation stay with it */
            if ((rc = push(out, t->off[k], t->off[e], GLA_TOK_PUNCT, 0)))
                return rc;
            k = e;
            continue;
        }
        /* Elisions at the start of a word: l’, qu’, d’ … */
        for (;;) {
            size_t p = k;
            while (p < t->n && t->cls[p] == C_LETTER)
                p++;
            if (p < t->n && t->cls[p] == C_APOS && t->cls[p + 1] == C_LETTER &&
                is_elision(t, k, p)) {
                if ((rc = push_span(out, t, k, p + 1, GLA_TOK_ELISION)))
                    return rc;
                out->v[out->n - 1].flags &= ~(unsigned)GLA_TOK_PUNCT;
                out->v[out->n - 1].flags |= GLA_TOK_WORD;
                k = p + 1;
                continue;
            }
            break;
        }
        /* A word, or a compound of word parts joined by hyphens. */
        size_t e = part_end(t, k);
        size_t last = e, np = 1;
        while (joins(t, last)) {
            last = part_end(t, last + 1);
            np++;
        }
        if (np == 1) {
            if ((rc = push_span(out, t, k, e, 0)))
                return rc;
        } else {
            if ((rc = push_span(out, t, k, last, GLA_TOK_COMPOUND)))
                return rc;
            if (!(out->v[out->n - 1].flags & GLA_TOK_WORD)) {
                /* No letter at all (2019-2020): numbers and a dash. */
                out->n--;
                if ((rc = push_span(out, t, k, e, 0)))
                    return rc;
                k = e;
                continue;
            }
            /* The parts, walked again. */
            for (size_t a = k;;) {
                size_t b = part_end(t, a);
                if ((rc = push_span(out, t, a, b, GLA_TOK_PART)))
                    return rc;
                if (!joins(t, b))
                    break;
                a = b + 1;
            }
        }
        k = last;
    }
    return GLA_OK;
}

int gla_token_key(gla_key *out, gla_normalizer *n, gla_level level,
                  const char *text, const gla_token *tok)
{
    if (!tok || !text || tok->end < tok->start)
        return GLA_EINVAL;
    return gla_normalize(out, n, level, text + tok->start,
                         tok->end - tok->start);
}

const char *gla_token_flag_name(unsigned flag)
{
    switch (flag) {
    case GLA_TOK_WORD: return "word";
    case GLA_TOK_NUMBER: return "number";
    case GLA_TOK_PUNCT: return "punct";
    case GLA_TOK_ELISION: return "elision";
    case GLA_TOK_COMPOUND: return "compound";
    case GLA_TOK_PART: return "part";
    case GLA_TOK_ORDINAL: return "ordinal";
    case GLA_TOK_CAPITALIZED: return "capitalized";
    case GLA_TOK_ALLCAPS: return "allcaps";
    case GLA_TOK_ACRONYM: return "acronym";
    case GLA_TOK_CASESPLIT: return "casesplit";
    case GLA_TOK_DIACRITIC: return "diacritic";
    case GLA_TOK_DIGIT: return "digit";
    }
    return NULL;
}
