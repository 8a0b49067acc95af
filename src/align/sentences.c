/*
 * Sentence boundaries of French, English and Vietnamese text. A boundary
 * is a terminator (. ! ? …) with closing quotes, then white space, then
 * something that can open a sentence; abbreviations, initials, ordinal list
 * markers and lower-case continuations veto it. Blank lines and list items
 * are hard boundaries.
 */
#include <glossalign/align.h>

#include <stdlib.h>
#include <string.h>

void gla_spans_dispose(gla_spans *s)
{
    if (!s)
        return;
    free(s->v);
    s->v = NULL;
    s->n = s->cap = 0;
}

static int spans_push(gla_spans *s, size_t a, size_t b)
{
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 32;
        gla_span *p = realloc(s->v, cap * sizeof *p);
        if (!p)
            return GLA_ENOMEM;
        s->v = p;
        s->cap = cap;
    }
    s->v[s->n].start = a;
    s->v[s->n].end = b;
    s->n++;
    return GLA_OK;
}

/* Decode one code point at s[i]; *k gets its length. Input is valid. */
static unsigned cp_at(const char *s, size_t n, size_t i, size_t *k)
{
    const unsigned char *u = (const unsigned char *)s;
    unsigned c = u[i];
    if (c < 0x80 || i + 1 >= n) {
        *k = 1;
        return c;
    }
    if (c < 0xE0) {
        *k = 2;
        return ((c & 0x1Fu) << 6) | (u[i + 1] & 0x3Fu);
    }
    if (c < 0xF0) {
        *k = 3;
        if (i + 2 >= n)
            return 0xFFFD;
        return ((c & 0x0Fu) << 12) | ((u[i + 1] & 0x3Fu) << 6) |
               (u[i + 2] & 0x3Fu);
    }
    *k = 4;
    if (i + 3 >= n)
        return 0xFFFD;
    return ((c & 0x07u) << 18) | ((u[i + 1] & 0x3Fu) << 12) |
           ((u[i + 2] & 0x3Fu) << 6) | (u[i + 3] & 0x3Fu);
}

static int valid_utf8(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    for (size_t i = 0; i < n;) {
        unsigned c = u[i];
        size_t k = c < 0x80 ? 1 : c >= 0xC2 && c <= 0xDF ? 2
                              : c >= 0xE0 && c <= 0xEF   ? 3
                              : c >= 0xF0 && c <= 0xF4   ? 4 : 0;
        if (!k || i + k > n)
            return 0;
        for (size_t j = 1; j < k; j++)
            if ((u[i + j] & 0xC0) != 0x80)
                return 0;
        if (k == 3 && ((c == 0xE0 && u[i + 1] < 0xA0) ||
                       (c == 0xED && u[i + 1] > 0x9F)))
            return 0;
        if (k == 4 && ((c == 0xF0 && u[i + 1] < 0x90) ||
                       (c == 0xF4 && u[i + 1] > 0x8F)))
            return 0;
        i += k;
    }
    return 1;
}

static int is_space(unsigned c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
           c == '\v' || c == 0xA0 || c == 0x202F || c == 0x2009 ||
           c == 0x2007 || c == 0x3000;
}

static int is_closer(unsigned c)
{
    return c == '"' || c == '\'' || c == ')' || c == ']' || c == 0xBB ||
           c == 0x201D || c == 0x2019 || c == 0x203A;
}

static int is_opener(unsigned c)
{
    return c == '"' || c == '(' || c == '[' || c == 0xAB || c == 0x201C ||
           c == 0x2018 || c == 0x2039 || c == '\'' || c == 0x2014 ||
           c == 0x2013 || c == '-' || c == 0x2022;
}

static int is_upper(unsigned c)
{
    if (c >= 'A' && c <= 'Z')
        return 1;
    if (c >= 0xC0 && c <= 0xDE && c != 0xD7)
        return 1;
    if (c >= 0x100 && c <= 0x24F)
        return (c & 1) == 0 && c != 0x138; /* Latin Extended-A/B pairs */
    if (c >= 0x1E00 && c <= 0x1EFF) /* Vietnamese: Latin Extended Additional */
        return (c & 1) == 0;
    if (c >= 0x391 && c <= 0x3A9)
        return 1;
    if (c >= 0x400 && c <= 0x42F)
        return 1;
    return 0;
}

static int is_lower(unsigned c)
{
    if (c >= 'a' && c <= 'z')
        return 1;
    if (c >= 0xDF && c <= 0xFF && c != 0xF7)
        return 1;
    if (c >= 0x100 && c <= 0x24F)
        return (c & 1) == 1;
    if (c >= 0x1E00 && c <= 0x1EFF)
        return (c & 1) == 1;
    if (c >= 0x3B1 && c <= 0x3C9)
        return 1;
    if (c >= 0x430 && c <= 0x44F)
        return 1;
    return 0;
}

static int is_digit(unsigned c)
{
    return c >= '0' && c <= '9';
}

/* Words that end in a full stop without ending a sentence. Compared with
 * the word before the stop, case-sensitively (so "Me." is the French
 * title, "me." a pronoun at a sentence end). */
static const char *const abbrev_common[] = {
    "Dr", "Drs", "St", "Ste", "Sts", "Mt", "Jr", "Sr", "Prof", "Gen", "Col",
    "Lt", "Capt", "Cpt", "Sgt", "Maj", "Adm", "Cdt", "Gal", "Cne", "Adj",
    "Yu", "Ya", "Zh", "Ch", "Sh", "Kh", "Ts", "Th", "Ph", "Yo", "Ye",
    "etc", "cf", "vs", "Vol", "vol", "No", "Nos", "no", "nos", "n°", "p",
    "pp", "fig", "Fig", "art", "Art", "al", "approx", "ca", "min", "max",
    "chap", "éd", "ed", "Ed", "eds", "Inc", "Ltd", "Co", "Corp", "Jan", "Feb",
    "Febr", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov",
    "Dec", "janv", "févr", "avr", "juil", "sept", "déc", "av", "apr", "env",
    "hab", "tél", "Tél", "bd", "boul", "Mgr", "Mme", "Mmes", "Mlle",
    "Mlles", "MM", "Me", "Pr", "Vve", "Rev", "Gov", "Sen", "Rep", "Hon",
    "Mr", "Mrs", "Ms", "TP", "Tp", "ThS", "TS", "PGS", "GS", "BS", "KS",
    "CN", "TT", "TX", "Q", "P", "v.v", "vv", "Sdt", "ĐT", "St-", NULL};

static int is_abbrev(const char *w, size_t n)
{
    for (size_t i = 0; abbrev_common[i]; i++)
        if (strlen(abbrev_common[i]) == n && memcmp(abbrev_common[i], w, n) == 0)
            return 1;
    return 0;
}

/* Start of the word that ends at `end` (exclusive): back over letters,
 * digits, marks, periods, hyphens and apostrophes. */
static size_t word_start(const char *s, size_t end)
{
    size_t i = end;
    while (i > 0) {
        size_t j = i - 1;
        while (j > 0 && ((unsigned char)s[j] & 0xC0) == 0x80)
            j--;
        size_t k;
        unsigned c = cp_at(s, end, j, &k);
        if (is_space(c) || c == '(' || c == '"' || c == 0xAB ||
            c == 0x201C || c == '[' || c == ',' || c == ';' || c == ':')
            break;
        i = j;
    }
    return i;
}

/* Whether the full stop at `dot` ends the sentence, given the word before
 * it and what follows. */
static int stop_is_final(const char *s, size_t dot, size_t line_start)
{
    size_t ws = word_start(s, dot);
    const char *w = s + ws;
    size_t wn = dot - ws;
    if (wn == 0)
        return 1;
    if (is_abbrev(w, wn))
        return 0;
    /* "J.-C.", "U.S.", "e.g.": an internal stop with short pieces */
    size_t k;
    unsigned first = cp_at(s, dot, ws, &k);
    if (memchr(w, '.', wn)) {
        size_t piece = 0, maxp = 0;
        for (size_t i = 0; i < wn; i++) {
            if (w[i] == '.' || w[i] == '-') {
                piece = 0;
                continue;
            }
            if (((unsigned char)w[i] & 0xC0) != 0x80)
                piece++;
            if (piece > maxp)
                maxp = piece;
        }
        if (maxp <= 2)
            return 0;
    }
    /* a single letter: an initial ("J. Smith", "M. Dupont") */
    if (k == wn && (is_upper(first) || is_lower(first)))
        return 0;
    /* "1." "12." "a." at the start of a line: a list marker */
    if (ws == line_start && wn <= 3) {
        int all_digits = 1;
        for (size_t i = 0; i < wn; i++)
            if (!is_digit((unsigned char)w[i]))
                all_digits = 0;
        if (all_digits)
            return 0;
    }
    return 1;
}

/* A list item starting at `i` (after indentation): "- " "• " "* " "1. "
 * "1) " "a) ". */
static int list_item_at(const char *s, size_t n, size_t i)
{
    size_t k;
    if (i >= n)
        return 0;
    unsigned c = cp_at(s, n, i, &k);
    if ((c == '-' || c == '*' || c == 0x2022 || c == 0x2013 || c == 0x2014) &&
        i + k < n && (s[i + k] == ' ' || s[i + k] == '\t'))
        return 1;
    size_t j = i;
    while (j < n && j - i < 3 && is_digit((unsigned char)s[j]))
        j++;
    if (j == i && j < n && s[j] >= 'a' && s[j] <= 'z')
        j++;
    if (j > i && j + 1 < n && (s[j] == ')' || (s[j] == '.' && j > i &&
                                                is_digit((unsigned char)s[i]))) &&
        (s[j + 1] == ' ' || s[j + 1] == '\t'))
        return 1;
    return 0;
}

int gla_sentences(gla_spans *out, const char *lang, const char *s, size_t len)
{
    (void)lang; /* the rules and the abbreviation list cover fr, en, vi */
    if (!out || (!s && len))
        return GLA_EINVAL;
    out->n = 0;
    if (!s)
        return GLA_OK;
    if (!valid_utf8(s, len))
        return GLA_EUTF8;
    size_t start = SIZE_MAX; /* first byte of the open sentence */
    size_t last = 0;         /* one past its last non-space byte */
    size_t line_start = 0;   /* first non-space byte of the current line */
    int rc;
    size_t i = 0;
    while (i < len) {
        size_t k;
        unsigned c = cp_at(s, len, i, &k);
        if (c == '\n') {
            /* a blank line or a list item ends the open sentence */
            size_t j = i + k;
            int blank = 0;
            while (j < len) {
                size_t kk;
                unsigned d = cp_at(s, len, j, &kk);
                if (d == '\n') {
                    blank = 1;
                    break;
                }
                if (!is_space(d))
                    break;
                j += kk;
            }
            if (start != SIZE_MAX && (blank || list_item_at(s, len, j))) {
                if ((rc = spans_push(out, start, last)) != GLA_OK)
                    return rc;
                start = SIZE_MAX;
            }
            line_start = j;
            i += k;
            continue;
        }
        if (is_space(c)) {
            i += k;
            continue;
        }
        if (start == SIZE_MAX)
            start = i;
        last = i + k;
        int term = c == '.' || c == '!' || c == '?' || c == 0x2026 ||
                   c == 0x3002 || c == 0xFF01 || c == 0xFF1F;
        if (!term) {
            i += k;
            continue;
        }
        /* the run of terminators, then closing quotes and brackets (French
         * puts a space before the closing guillemet) */
        size_t j = i + k;
        int only_dots = c == '.';
        while (j < len) {
            size_t kk;
            unsigned d = cp_at(s, len, j, &kk);
            if (d != '.' && d != '!' && d != '?' && d != 0x2026)
                break;
            if (d != '.')
                only_dots = 0;
            j += kk;
        }
        size_t end = j;
        for (;;) {
            size_t q = end, kk = 0;
            while (q < len) {
                unsigned d = cp_at(s, len, q, &kk);
                if (d != 0xA0 && d != 0x202F && d != ' ')
                    break;
                q += kk;
            }
            if (q >= len)
                break;
            unsigned d = cp_at(s, len, q, &kk);
            if (!is_closer(d))
                break;
            /* a space then a straight quote may open the next sentence */
            if (q != end && (d == '"' || d == '\''))
                break;
            end = q + kk;
        }
        /* white space must follow */
        if (end < len) {
            size_t kk;
            unsigned d = cp_at(s, len, end, &kk);
            if (!is_space(d)) {
                i = end > i + k ? end : i + k;
                last = i;
                continue;
            }
        }
        /* what comes next */
        size_t q = end;
        unsigned next = 0;
        while (q < len) {
            size_t kk;
            next = cp_at(s, len, q, &kk);
            if (!is_space(next))
                break;
            q += kk;
        }
        int final = 1;
        if (q >= len)
            final = 1;
        else if (is_lower(next))
            final = 0;
        else if (!is_upper(next) && !is_digit(next) && !is_opener(next) &&
                 next < 0x80 && next != '<')
            final = 0;
        if (final && only_dots && j == i + k)
            final = stop_is_final(s, i, line_start);
        last = end;
        if (final) {
            if ((rc = spans_push(out, start, end)) != GLA_OK)
                return rc;
            start = SIZE_MAX;
        }
        i = end;
    }
    if (start != SIZE_MAX && (rc = spans_push(out, start, last)) != GLA_OK)
        return rc;
    return GLA_OK;
}
