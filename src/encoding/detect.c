/*
 * The legacy-encoding guess: decode the detection window with every
 * candidate and score how much each decoding looks like French or
 * Vietnamese text (words that are Vietnamese syllables or French words,
 * against controls, U+FFFD and letters in impossible places). Scoring
 * whole decodings, not byte statistics, is what tells VISCII from TCVN3.
 */
#include "encoding_int.h"

#include <string.h>
#include <utf8proc.h>

/* ------------------------------------------------------------ syllables */

enum { MOD_NONE = 0, MOD_CIRC, MOD_BREVE, MOD_HORN, MOD_STROKE };

/* Vowel symbols: a ă â e ê i o ô ơ u ư y -> a A B e E i o O P u U y. */
static char vowel_symbol(char base, int mod)
{
    switch (mod) {
    case MOD_NONE: return base;
    case MOD_CIRC:
        return base == 'a' ? 'B' : base == 'e' ? 'E' : base == 'o' ? 'O' : 0;
    case MOD_BREVE: return base == 'a' ? 'A' : 0;
    case MOD_HORN: return base == 'o' ? 'P' : base == 'u' ? 'U' : 0;
    default: return 0;
    }
}

static int is_vowel_symbol(char c)
{
    return c && strchr("aABeEioOPuUy", c);
}

/* Vowel clusters, in the symbols above: those that may take a final
 * consonant, and those that end in a glide (or are y) and may not. */
static const char *const nuclei_open[] = {
    "a",  "A",  "B",  "e",  "E",  "i",  "o",  "O",  "P",  "u",  "U",  "iE",
    "oa", "oA", "oe", "oo", "uB", "uE", "uO", "uP", "uy", "UP", "yE", "uyE"};
static const char *const nuclei_closed[] = {
    "y",   "ai",  "ao",  "au",  "ay",  "Bu",  "By",  "eo",  "Eu",
    "ia",  "iu",  "oi",  "Oi",  "Pi",  "ua",  "ui",  "Ua",  "Ui",
    "Uu",  "iEu", "oai", "oay", "oao", "oeo", "uBy", "uOi", "uya",
    "uyu", "UPi", "UPu", "yEu", "uPi", "uPu"};

static const char *const onsets[] = {
    "ngh", "ng", "nh", "ch", "gh", "gi", "kh", "ph", "qu", "th",
    "tr",  "b",  "c",  "d",  "D",  "g",  "h",  "k",  "l",  "m",
    "n",   "p",  "q",  "r",  "s",  "t",  "v",  "x",  ""};

/* k as a final appears in Central Highlands names (Đắk Lắk). */
static const char *const codas[] = {"ng", "nh", "ch", "c", "k",
                                    "m",  "n",  "p",  "t", ""};

static int in_list(const char *s, size_t n, const char *const *list,
                   size_t count)
{
    for (size_t i = 0; i < count; i++)
        if (strlen(list[i]) == n && memcmp(list[i], s, n) == 0)
            return 1;
    return 0;
}

#define COUNT(a) (sizeof a / sizeof a[0])

/* Parse onset + nucleus + coda; stop codas need sắc or nặng. */
static int parse_syllable(const char *sym, size_t n, int32_t tone)
{
    for (size_t o = 0; o < COUNT(onsets); o++) {
        size_t on = strlen(onsets[o]);
        if (on > n || memcmp(sym, onsets[o], on) != 0)
            continue;
        for (size_t c = 0; c < COUNT(codas); c++) {
            size_t cn = strlen(codas[c]);
            if (on + cn >= n || memcmp(sym + n - cn, codas[c], cn) != 0)
                continue;
            const char *nu = sym + on;
            size_t nn = n - on - cn;
            if (!in_list(nu, nn, nuclei_open, COUNT(nuclei_open)) &&
                (cn || !in_list(nu, nn, nuclei_closed, COUNT(nuclei_closed))))
                continue;
            int stop = cn && strchr("ckpt", codas[c][0]);
            if (stop && tone != 0x0301 && tone != 0x0323)
                continue;
            return 1;
        }
    }
    return 0;
}

/* Case shape of a word: all lower, Capitalised, or ALL UPPER. */
static int case_ok(const int32_t *cps, size_t n)
{
    size_t upper = 0, lower = 0, letters = 0;
    int first_upper = 0;
    for (size_t i = 0; i < n; i++) {
        utf8proc_category_t cat = utf8proc_category(cps[i]);
        if (cat == UTF8PROC_CATEGORY_LU || cat == UTF8PROC_CATEGORY_LT) {
            if (letters == 0)
                first_upper = 1;
            upper++;
            letters++;
        } else if (cat == UTF8PROC_CATEGORY_LL) {
            lower++;
            letters++;
        }
    }
    if (upper == 0 || lower == 0)
        return 1;
    return upper == 1 && first_upper;
}

#define WORD_MAX 32 /* code points looked at per word */

static size_t word_cps(int32_t *cps, const char *s, size_t len)
{
    size_t n = 0, i = 0;
    while (i < len && n < WORD_MAX) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s + i,
                                              (utf8proc_ssize_t)(len - i), &cp);
        if (k <= 0)
            return 0;
        cps[n++] = cp;
        i += (size_t)k;
    }
    return i < len ? 0 : n;
}

static int syllable_cps(const int32_t *cps, size_t n)
{
    if (n == 0 || n > 8 || !case_ok(cps, n))
        return 0;
    char sym[16];
    size_t m = 0;
    int32_t tone = 0;
    for (size_t i = 0; i < n; i++) {
        int32_t c = cps[i];
        if (c == 0x0110 || c == 0x0111) { /* Đ đ */
            sym[m++] = 'D';
            continue;
        }
        utf8proc_int32_t d[4];
        int last = 0;
        utf8proc_ssize_t k =
            utf8proc_decompose_char(c, d, 4, UTF8PROC_DECOMPOSE, &last);
        if (k < 1 || k > 3)
            return 0;
        size_t j = 0;
        if (utf8proc_get_property(d[0])->combining_class == 0) {
            int32_t b = utf8proc_tolower(d[0]);
            if (b < 'a' || b > 'z' || strchr("fjwz", (int)b))
                return 0;
            if (m >= sizeof sym - 1)
                return 0;
            sym[m++] = (char)b;
            j = 1;
        } else if (m == 0) {
            return 0; /* a mark with nothing to sit on */
        }
        for (; j < (size_t)k; j++) {
            int mod = MOD_NONE;
            switch (d[j]) {
            case 0x0300:
            case 0x0301:
            case 0x0303:
            case 0x0309:
            case 0x0323:
                if (tone)
                    return 0;
                tone = d[j];
                if (!is_vowel_symbol(sym[m - 1]))
                    return 0;
                continue;
            case 0x0302: mod = MOD_CIRC; break;
            case 0x0306: mod = MOD_BREVE; break;
            case 0x031B: mod = MOD_HORN; break;
            default: return 0;
            }
            char v =
                strchr("aeou", sym[m - 1]) ? vowel_symbol(sym[m - 1], mod) : 0;
            if (!v)
                return 0;
            sym[m - 1] = v;
        }
    }
    return parse_syllable(sym, m, tone);
}

int enc_vn_syllable(const char *s, size_t len)
{
    int32_t cps[WORD_MAX];
    size_t n = word_cps(cps, s, len);
    return n && syllable_cps(cps, n);
}

/* French letters beyond ASCII (no ä ö: VNI's mark bytes read as CP1252
 * produce them, French does not; no ÿ, kept for a few place names). */
static int french_letter(int32_t c)
{
    static const int32_t fr[] = {
        0xE0, 0xE2, 0xE7, 0xE8,  0xE9, 0xEA, 0xEB, 0xEE, 0xEF,  0xF4,
        0xF9, 0xFB, 0xFC, 0x153, 0xE6, 0xC0, 0xC2, 0xC7, 0xC8,  0xC9,
        0xCA, 0xCB, 0xCE, 0xCF,  0xD4, 0xD9, 0xDB, 0xDC, 0x152, 0xC6};
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
        return 1;
    for (size_t i = 0; i < COUNT(fr); i++)
        if (fr[i] == c)
            return 1;
    return 0;
}

static int french_cps(const int32_t *cps, size_t n)
{
    if (n == 0 || !case_ok(cps, n))
        return 0;
    for (size_t i = 0; i < n; i++) {
        if (!french_letter(cps[i]))
            return 0;
        /* ù only in "où" */
        if ((cps[i] == 0xF9 || cps[i] == 0xD9) &&
            (i == 0 || (cps[i - 1] | 0x20) != 'o'))
            return 0;
    }
    return 1;
}

/* ------------------------------------------------------------ scoring */

typedef struct score_acc {
    double good; /* plausible non-ASCII words */
    double bad;  /* implausible words and bad characters */
} score_acc;

static void score_word(score_acc *a, const char *s, size_t len)
{
    int ascii = 1;
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)s[i] >= 0x80)
            ascii = 0;
    if (ascii)
        return;
    int32_t cps[WORD_MAX];
    size_t n = word_cps(cps, s, len);
    if (n && (syllable_cps(cps, n) || french_cps(cps, n)))
        a->good += 1;
    else
        a->bad += 1;
}

static int is_wordchar(utf8proc_category_t cat)
{
    return (cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO) ||
           (cat >= UTF8PROC_CATEGORY_MN && cat <= UTF8PROC_CATEGORY_ME);
}

/* Joiners that may stand between letters in real text. */
static int joiner_ok(int32_t c)
{
    return c < 0x80 || c == 0x2019 || c == 0x00B7 || c == 0x2010 ||
           c == 0x2011 || c == 0x00A0 || c == 0x202F;
}

double enc_score_text(const char *s, size_t len)
{
    score_acc a = {0, 0};
    size_t i = 0, wstart = 0;
    int in_word = 0;
    int32_t prev = ' ';
    int prev_letter = 0, pending_joiner = 0;
    while (i < len) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s + i,
                                              (utf8proc_ssize_t)(len - i), &cp);
        if (k <= 0) { /* not expected: decoders emit valid UTF-8 */
            a.bad += 2;
            i++;
            continue;
        }
        utf8proc_category_t cat = utf8proc_category(cp);
        int w = is_wordchar(cat);
        if (w && !in_word) {
            in_word = 1;
            wstart = i;
            if (pending_joiner)
                a.bad += 1; /* letter, odd symbol, letter */
        } else if (!w && in_word) {
            score_word(&a, s + wstart, i - wstart);
            in_word = 0;
        }
        if (w || joiner_ok(cp))
            pending_joiner = 0;
        if (!w) {
            if (cp == 0xFFFD)
                a.bad += 1;
            else if (cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r' &&
                     cp != '\f')
                a.bad += 2;
            else if (cp >= 0x7F && cp < 0xA0)
                a.bad += 2;
            /* a run of odd symbols inside a word: "Vi¸t", "Viá»‡t" */
            if ((prev_letter || pending_joiner) && !joiner_ok(cp))
                pending_joiner = 1;
        }
        prev_letter = w;
        prev = cp;
        i += (size_t)k;
    }
    (void)prev;
    if (in_word)
        score_word(&a, s + wstart, len - wstart);
    /* UTF-8 read as a legacy charset shows itself as mojibake. */
    a.bad += (double)enc_badness_utf8(s, len);
    return a.good / (a.good + a.bad + 1.0);
}

/* ------------------------------------------------------------ ranking */

typedef struct candidate {
    const char *name;  /* reported name */
    const char *iconv; /* iconv name, or NULL for our own decoder */
} candidate;

/* In order of preference when two decodings score the same (Latin-1 and
 * CP1252 agree on a text without 0x80-0x9F, TCVN3 and VN1 on one without
 * toned capitals). */
static const candidate legacy[] = {
    {"ISO-8859-1", "ISO-8859-1"},
    {"CP1252", "CP1252"},
    {"CP1258", "CP1258"},
    {"VISCII", "VISCII"},
    {"TCVN3", NULL},
    {"TCVN5712-1", "TCVN5712-1"},
    {"VNI", NULL},
};

static int decode_as(gla_buf *out, gla_buf *tmp, enc_nfc *nfc, const char *name,
                     const unsigned char *s, size_t len)
{
    enc_charset cs;
    enc_engine e;
    int rc = enc_charset_lookup(&cs, name);
    if (rc)
        return rc;
    if ((rc = enc_engine_open(&e, &cs, 0)))
        return rc;
    gla_buf_clear(tmp);
    gla_buf_clear(out);
    rc = enc_engine_decode(&e, tmp, s, len, 0);
    enc_engine_close(&e);
    size_t used;
    if (!rc)
        rc = enc_nfc_run(nfc, out, tmp->data ? tmp->data : "", tmp->len, 1,
                         &used);
    return rc;
}

int enc_guess_rank(enc_guess *g, const unsigned char *s, size_t len,
                   int with_utf8)
{
    const char *names[GLA_ENCODING_MAX_ALTERNATIVES + 1];
    size_t n = 0;
    if (with_utf8)
        names[n++] = "UTF-8";
    for (size_t i = 0; i < COUNT(legacy); i++)
        names[n++] = legacy[i].name;
    /* UTF-16 without a BOM only when NUL bytes say so. */
    size_t zeros_even = 0, zeros_odd = 0;
    for (size_t i = 0; i < len; i++)
        if (s[i] == 0)
            (i & 1) ? zeros_odd++ : zeros_even++;
    if ((zeros_even + zeros_odd) * 10 >= len && len >= 2) {
        names[n++] = zeros_odd >= zeros_even ? "UTF-16LE" : "UTF-16BE";
        names[n++] = zeros_odd >= zeros_even ? "UTF-16BE" : "UTF-16LE";
    }

    gla_buf out = GLA_BUF_INIT, tmp = GLA_BUF_INIT;
    enc_nfc nfc = {NULL, 0};
    int rc = GLA_OK;
    g->n = 0;
    for (size_t i = 0; i < n && !rc; i++) {
        rc = decode_as(&out, &tmp, &nfc, names[i], s, len);
        if (rc == GLA_EENCODING) { /* an iconv without this charset */
            rc = GLA_OK;
            continue;
        }
        if (rc)
            break;
        double sc = enc_score_text(out.data ? out.data : "", out.len);
        /* insertion sort, stable: earlier candidates win ties */
        size_t j = g->n;
        while (j > 0 && g->ranked[j - 1].confidence < sc) {
            g->ranked[j] = g->ranked[j - 1];
            j--;
        }
        g->ranked[j].name = names[i];
        g->ranked[j].confidence = sc;
        g->n++;
    }
    gla_buf_dispose(&out);
    gla_buf_dispose(&tmp);
    enc_nfc_dispose(&nfc);
    return rc;
}
