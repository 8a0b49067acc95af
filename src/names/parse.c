/*
 * Name parsing: K2 tokens with their source spans and case facts, a title
 * chain stripped from the front (articles, civilities, rank entries), then
 * the order decided from the family-name list, ALL-CAPS tokens and the
 * Vietnamese syllable shape. Everything works on K2 tokens so that the
 * glossary's terms and the queries go through the very same rules.
 */
#include "names_int.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

/* ---- family names ------------------------------------------------------ */

/* K2 forms; shares in percent from NORMALIZATION.md, 0.1 for the rest. */
static const struct {
    const char *k2;
    double share;
} families[] = {
    {"nguyen", 38.4}, {"tran", 11.0},  {"le", 9.5},    {"pham", 7.1},
    {"huynh", 5.1},   {"hoang", 5.1},  {"phan", 4.5},  {"vu", 3.9},
    {"vo", 3.9},      {"dang", 2.1},   {"bui", 2.0},   {"do", 1.4},
    {"ho", 1.3},      {"ngo", 1.3},    {"duong", 1.0}, {"li", 0.5},
    {"ly", 0.5},      {"trinh", 0.1},  {"dinh", 0.1},  {"doan", 0.1},
    {"luong", 0.1},   {"mai", 0.1},    {"to", 0.1},    {"truong", 0.1},
    {"cao", 0.1},     {"lam", 0.1},    {"ha", 0.1},    {"vuong", 0.1},
    {"thai", 0.1},    {"chu", 0.1},    {"ta", 0.1},    {"kieu", 0.1},
    {"quach", 0.1},   {"be", 0.1},     {"nong", 0.1},  {"lo", 0.1},
    {"trieu", 0.1},   {"luu", 0.1},    {"tang", 0.1},  {"dao", 0.1},
    {"lai", 0.1},     {"chau", 0.1},   {"mac", 0.1},   {"dam", 0.1},
    {"giang", 0.1},   {"hua", 0.1},    {"phung", 0.1}, {"tong", 0.1},
    {"khuc", 0.1},    {"khong", 0.1},  {"ong", 0.1},   {"tu", 0.1},
    {"than", 0.1},    {"thach", 0.1},  {"lieu", 0.1},  {"luc", 0.1},
    {"au", 0.1},      {"kim", 0.1},    {"hau", 0.1},   {"tieu", 0.1},
    {"diep", 0.1},    {"ton", 0.1},    {"quan", 0.1},  {"ung", 0.1},
    {"la", 0.1},      {"nghiem", 0.1}, {"ninh", 0.1},  {"tiet", 0.1},
};

double gla_name_family_share(const char *k2, size_t len)
{
    if (!k2 || len < 2 || len > 6)
        return 0; /* every name on the list has 2 to 6 letters */
    for (size_t i = 0; i < sizeof families / sizeof families[0]; i++)
        if (families[i].k2[0] == k2[0] &&
            strncmp(families[i].k2, k2, len) == 0 &&
            families[i].k2[len] == '\0')
            return families[i].share;
    return 0;
}

int gla_nm_is_family(const char *s, size_t len)
{
    return gla_name_family_share(s, len) > 0;
}

/* ---- the syllable shape ------------------------------------------------ */

static int is_vowel(char c)
{
    return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' || c == 'y';
}

static int rest_ok(const char *s, size_t len)
{
    size_t v = 0;
    while (v < len && is_vowel(s[v]))
        v++;
    if (v == 0 || v > 3)
        return 0;
    const char *f = s + v;
    size_t fl = len - v;
    static const char *const finals[] = {"",   "c",  "ch", "m", "n",
                                         "ng", "nh", "p",  "t"};
    for (size_t i = 0; i < sizeof finals / sizeof finals[0]; i++)
        if (strlen(finals[i]) == fl && memcmp(finals[i], f, fl) == 0)
            return 1;
    return 0;
}

int gla_nm_is_syllable(const char *s, size_t len)
{
    static const char *const initials[] = {
        "ngh", "ng", "nh", "ch", "gh", "gi", "kh", "ph", "qu",
        "th",  "tr", "b",  "c",  "d",  "g",  "h",  "k",  "l",
        "m",   "n",  "p",  "r",  "s",  "t",  "v",  "x",  ""};
    if (len == 0 || len > 8)
        return 0;
    for (size_t i = 0; i < len; i++)
        if (s[i] < 'a' || s[i] > 'z')
            return 0;
    for (size_t i = 0; i < sizeof initials / sizeof initials[0]; i++) {
        size_t il = strlen(initials[i]);
        if (il < len && memcmp(initials[i], s, il) == 0 &&
            rest_ok(s + il, len - il))
            return 1;
    }
    return 0;
}

/* ---- tokens -------------------------------------------------------------- */

static int is_sep(unsigned char c)
{
    return c < 0x80 && !((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                         (c >= '0' && c <= '9'));
}

/* Case and mark facts of a source span. */
static unsigned span_flags(const char *src, size_t a, size_t b)
{
    size_t upper = 0, lower = 0, letters = 0, other = 0, first = 1;
    unsigned flags = 0;
    size_t i = a;
    while (i < b) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)src + i,
                                              (utf8proc_ssize_t)(b - i), &cp);
        if (k <= 0) {
            i++;
            continue;
        }
        if (cp >= 0x80)
            flags |= NM_TOK_MARKS;
        utf8proc_category_t cat = utf8proc_category(cp);
        if (cat == UTF8PROC_CATEGORY_LU || cat == UTF8PROC_CATEGORY_LT) {
            upper++;
            letters++;
            if (first)
                flags |= NM_TOK_CAP;
        } else if (cat == UTF8PROC_CATEGORY_LL || cat == UTF8PROC_CATEGORY_LO ||
                   cat == UTF8PROC_CATEGORY_LM) {
            lower += cat == UTF8PROC_CATEGORY_LL;
            letters++;
        } else if (cat != UTF8PROC_CATEGORY_MN && cat != UTF8PROC_CATEGORY_MC) {
            other++;
        }
        first = 0;
        i += (size_t)k;
    }
    if (upper >= 2 && lower == 0)
        flags |= NM_TOK_UPPER;
    /* "Chien" or "chien": the shape of given names in "Prénom NOM". */
    if ((upper == 1 && (flags & NM_TOK_CAP)) || (upper == 0 && lower > 0))
        flags |= NM_TOK_PLAIN;
    if (letters > 0 && other == 0)
        flags |= NM_TOK_LETTERS;
    return flags;
}

size_t gla_nm_tokens(nm_tok *toks, size_t cap, const gla_key *k,
                     const char *src, size_t srclen)
{
    size_t n = 0, i = 0;
    while (i < k->len) {
        while (i < k->len && is_sep((unsigned char)k->s[i]))
            i++;
        if (i >= k->len)
            break;
        size_t j = i;
        while (j < k->len && !is_sep((unsigned char)k->s[j]))
            j++;
        if (n == cap)
            return (size_t)-1;
        nm_tok *t = &toks[n++];
        t->s = k->s + i;
        t->len = j - i;
        t->src.start = k->map[i];
        t->src.end = k->map[j];
        if (t->src.end > srclen)
            t->src.end = srclen;
        /* The source span ends where the separator's character starts;
         * trim trailing separators the map may have kept. */
        while (t->src.end > t->src.start &&
               is_sep((unsigned char)src[t->src.end - 1]))
            t->src.end--;
        t->flags = span_flags(src, t->src.start, t->src.end);
        /* What follows in the source, up to the next token. */
        size_t e = t->src.end;
        t->dot_end = e < srclen && src[e] == '.' ? e + 1 : e;
        size_t stop = srclen;
        size_t jj = j;
        while (jj < k->len && is_sep((unsigned char)k->s[jj]))
            jj++;
        if (jj < k->len)
            stop = k->map[jj];
        for (size_t p = e; p < stop && p < srclen; p++) {
            unsigned char c = (unsigned char)src[p];
            if (c == '.')
                t->flags |= NM_TOK_DOT;
            else if (c == ',' || c == ';' || c == ':' || c == '(' || c == ')')
                t->flags |= NM_TOK_COMMA;
            else if (c == '-')
                t->flags |= NM_TOK_HYPHEN;
            else if (c == 0xE2 && p + 2 < srclen &&
                     (unsigned char)src[p + 1] == 0x80 &&
                     ((unsigned char)src[p + 2] == 0x90 ||
                      (unsigned char)src[p + 2] == 0x91))
                t->flags |= NM_TOK_HYPHEN; /* U+2010, U+2011 */
        }
        i = j;
    }
    return n;
}

/* ---- titles ---------------------------------------------------------------
 */

static int tok_is(const nm_tok *t, const char *w)
{
    size_t l = strlen(w);
    return t->len == l && memcmp(t->s, w, l) == 0;
}

static int is_article(const nm_tok *t)
{
    return tok_is(t, "le") || tok_is(t, "la") || tok_is(t, "les") ||
           tok_is(t, "l") || tok_is(t, "the");
}

/* Civilities known without a glossary; abbreviations need their dot. */
static size_t civility_at(const nm_tok *t, size_t n)
{
    static const char *const abbrev[] = {"m",  "mm",  "mme", "mmes", "mlle",
                                         "mr", "mrs", "ms",  "dr",   "pr"};
    static const char *const words[] = {"monsieur", "madame", "mademoiselle",
                                        "messieurs", "mesdames"};
    if (n == 0)
        return 0;
    for (size_t i = 0; i < sizeof abbrev / sizeof abbrev[0]; i++)
        if (tok_is(t, abbrev[i]) &&
            ((t->flags & NM_TOK_DOT) || strlen(abbrev[i]) > 1))
            return 1;
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (tok_is(t, words[i]))
            return 1;
    return 0;
}

size_t gla_nm_chain_words(const char *const **out, int articles)
{
    /* The articles of is_article() and the civilities of civility_at(). */
    static const char *const art[] = {"le", "la", "les", "l", "the"};
    static const char *const civ[] = {
        "m",  "mm",       "mme",    "mmes",         "mlle",      "mr",
        "mrs", "ms",      "dr",     "pr",           "monsieur",  "madame",
        "mademoiselle",   "messieurs", "mesdames"};
    if (articles) {
        *out = art;
        return sizeof art / sizeof art[0];
    }
    *out = civ;
    return sizeof civ / sizeof civ[0];
}

/* The longest rank title at toks[0..n); its index via *title. */
static size_t rank_at(const gla_names *nm, const nm_tok *t, size_t n,
                      uint32_t *title)
{
    if (!nm || nm->n_titles == 0)
        return 0;
    size_t max = nm->title_max_tokens < n ? nm->title_max_tokens : n;
    char buf[512];
    for (size_t l = max; l >= 1; l--) {
        size_t len = 0;
        int fits = 1;
        for (size_t i = 0; i < l; i++) {
            if (len + t[i].len + 1 > sizeof buf) {
                fits = 0;
                break;
            }
            if (i)
                buf[len++] = ' ';
            memcpy(buf + len, t[i].s, t[i].len);
            len += t[i].len;
        }
        if (!fits)
            continue;
        uint32_t v = gla_nm_map_get(&nm->title_map, gla_nm_hash(buf, len));
        if (v != GLA_NM_NONE) {
            const nm_title *tt = &nm->titles[v];
            if (tt->len == len &&
                memcmp(nm->arena.data + tt->key, buf, len) == 0) {
                *title = v;
                return l;
            }
        }
    }
    return 0;
}

size_t gla_nm_title_chain(const gla_names *nm, const nm_tok *t, size_t n,
                          uint32_t *ref)
{
    size_t i = 0;
    *ref = GLA_NM_NONE;
    for (;;) {
        size_t j = i;
        if (j < n && is_article(&t[j]))
            j++;
        uint32_t title = GLA_NM_NONE;
        size_t m = rank_at(nm, t + j, n - j, &title);
        size_t c = civility_at(t + j, n - j);
        if (m == 0 && c == 0)
            break;
        if (m >= c) {
            *ref = nm->titles[title].ref;
            j += m;
        } else {
            j += c;
        }
        i = j;
        if (i >= n)
            break;
    }
    return i;
}

/* ---- order ------------------------------------------------------------------
 */

static void set_range(size_t r[2], size_t a, size_t b)
{
    r[0] = a;
    r[1] = b;
}

int gla_nm_parse_tokens(gla_name *out, size_t *order, const nm_tok *toks,
                        size_t n, const gla_names *titles, size_t *first,
                        int guess_order)
{
    memset(out, 0, sizeof *out);
    uint32_t ref = GLA_NM_NONE;
    size_t t0 = titles ? gla_nm_title_chain(titles, toks, n, &ref) : 0;
    if (t0 > 0) {
        out->flags |= GLA_NAME_TITLE;
        out->title.start = toks[0].src.start;
        out->title.end = toks[t0 - 1].dot_end;
        out->title_ref = titles ? nm_str(titles, ref) : NULL;
    }
    /* A lowercase article before a family name ("le Phan Van Giang") is
     * the article; "Le Hong Quang" is the family name Lê. */
    if (t0 + 2 < n && is_article(&toks[t0]) && !(toks[t0].flags & NM_TOK_CAP) &&
        (gla_nm_is_family(toks[t0 + 1].s, toks[t0 + 1].len) ||
         !gla_nm_is_syllable(toks[t0 + 1].s, toks[t0 + 1].len)) &&
        (toks[t0 + 1].flags & NM_TOK_CAP))
        t0++;
    if (first)
        *first = t0;
    size_t m = n - t0;
    if (m == 0)
        return GLA_ENOTFOUND;
    if (m > GLA_NAME_MAX_TOKENS)
        return GLA_EINVAL;
    const nm_tok *t = toks + t0;
    out->name.start = t[0].src.start;
    out->name.end = t[m - 1].src.end;

    int viet = 1;
    size_t n_upper = 0, upper_at = 0;
    for (size_t i = 0; i < m; i++) {
        if (!gla_nm_is_syllable(t[i].s, t[i].len))
            viet = 0;
        if (t[i].flags & NM_TOK_UPPER) {
            n_upper++;
            upper_at = i;
        }
        if (i + 1 < m && (t[i].flags & NM_TOK_HYPHEN))
            out->flags |= GLA_NAME_HYPHEN;
    }
    if (viet)
        out->flags |= GLA_NAME_VIETNAMESE;
    if (m >= 2 && tok_is(&t[0], "le") && viet)
        out->flags |= GLA_NAME_LE_FAMILY;

    for (size_t i = 0; i < m; i++)
        order[i] = t0 + i;
    out->order = GLA_NAME_FAMILY_FIRST;

    int others_viet = 1, others_plain = 1;
    for (size_t i = 0; i < m; i++) {
        if (i != upper_at && !gla_nm_is_syllable(t[i].s, t[i].len))
            others_viet = 0;
        if (i != upper_at && !(t[i].flags & NM_TOK_PLAIN))
            others_plain = 0;
    }

    if (m >= 2 && n_upper == 1 && others_plain) {
        out->flags |= GLA_NAME_ALLCAPS;
        if (upper_at == 0) {
            out->order = GLA_NAME_FAMILY_FIRST;
        } else if (others_viet) {
            /* "Xuan Chien HOANG": the family goes first. */
            out->order = GLA_NAME_NOM_PRENOM;
            order[0] = t0 + upper_at;
            size_t k = 1;
            for (size_t i = 0; i < m; i++)
                if (i != upper_at)
                    order[k++] = t0 + i;
        } else {
            out->order = GLA_NAME_GIVEN_FIRST;
        }
    } else if (viet) {
        double s0 = gla_name_family_share(t[0].s, t[0].len);
        double sl = gla_name_family_share(t[m - 1].s, t[m - 1].len);
        if (guess_order && m >= 2 && s0 == 0 && sl >= 1.0) {
            /* "Chien Hoang": a common family name last, none first. */
            out->order = GLA_NAME_NOM_PRENOM;
            order[0] = t0 + m - 1;
            for (size_t i = 0; i + 1 < m; i++)
                order[i + 1] = t0 + i;
        }
    } else {
        out->order = GLA_NAME_GIVEN_FIRST;
    }

    out->n_tokens = m;
    for (size_t i = 0; i < m; i++)
        out->tokens[i] = toks[order[i]].src;

    if (out->order == GLA_NAME_GIVEN_FIRST) {
        if (m == 1) {
            set_range(out->family, 0, 1);
        } else {
            set_range(out->given, 0, 1);
            set_range(out->middle, 1, m - 1);
            set_range(out->family, m - 1, m);
            for (size_t i = 0; i + 1 < m; i++) {
                const nm_tok *x = &toks[order[i]];
                if ((x->flags & NM_TOK_DOT) && x->len <= 3)
                    out->flags |= GLA_NAME_INITIALS;
                else if (x->len == 1)
                    out->flags |= GLA_NAME_INITIALS;
            }
        }
    } else {
        const nm_tok *f = &toks[order[0]];
        int known = gla_nm_is_family(f->s, f->len);
        if (known)
            out->flags |= GLA_NAME_KNOWN_FAMILY;
        if (m == 1) {
            if (known) {
                out->flags |= GLA_NAME_FAMILY_ONLY;
                set_range(out->family, 0, 1);
            } else {
                set_range(out->given, 0, 1);
            }
        } else {
            set_range(out->family, 0, 1);
            set_range(out->middle, 1, m - 1);
            set_range(out->given, m - 1, m);
        }
    }
    return GLA_OK;
}

/* ---- the public parser ------------------------------------------------------
 */

void gla_nm_q_dispose(nm_q *q)
{
    gla_buf_dispose(&q->k2);
    gla_buf_dispose(&q->key);
}

int gla_nm_q_parse(nm_q *q, gla_names *nm, const char *s, size_t len,
                   int titles)
{
    gla_buf_clear(&q->k2);
    gla_buf_clear(&q->key);
    q->n_toks = 0;
    q->first = 0;
    gla_key k;
    int rc = gla_normalize(&k, nm->norm, GLA_K2, s ? s : "", len);
    if (rc != GLA_OK)
        return rc;
    size_t n =
        gla_nm_tokens(q->toks, sizeof q->toks / sizeof q->toks[0], &k, s, len);
    if (n == (size_t)-1)
        return GLA_EINVAL;
    /* The normaliser's buffer is reused by its next call: keep a copy. */
    if ((rc = gla_buf_put(&q->k2, k.s, k.len)) != GLA_OK)
        return rc;
    for (size_t i = 0; i < n; i++)
        q->toks[i].s = q->k2.data + (q->toks[i].s - k.s);
    q->n_toks = n;
    rc = gla_nm_parse_tokens(&q->name, q->order, q->toks, n, titles ? nm : NULL,
                             &q->first, titles);
    for (size_t i = 0; rc == GLA_OK && i < q->name.n_tokens; i++) {
        const nm_tok *t = nm_q_tok(q, i);
        if (i)
            rc = gla_buf_put(&q->key, " ", 1);
        if (rc == GLA_OK)
            rc = gla_buf_put(&q->key, t->s, t->len);
    }
    if (rc == GLA_OK && !q->key.data)
        rc = gla_buf_put(&q->key, "", 0);
    return rc;
}

int gla_nm_k1_canon(gla_buf *out, gla_names *nm, const nm_q *q, const char *src)
{
    int rc = GLA_OK;
    for (size_t i = 0; rc == GLA_OK && i < q->name.n_tokens; i++) {
        const nm_tok *t = nm_q_tok(q, i);
        if (i)
            rc = gla_buf_put(out, " ", 1);
        if (rc == GLA_OK)
            rc = gla_normalize_to_buf(out, nm->norm, GLA_K1, src + t->src.start,
                                      t->src.end - t->src.start);
    }
    if (rc == GLA_OK && !out->data)
        rc = gla_buf_put(out, "", 0);
    return rc;
}

int gla_name_parse(gla_name *out, gla_buf *key, gla_names *nm, const char *s,
                   size_t len)
{
    if (!out || (!s && len))
        return GLA_EINVAL;
    gla_names *own = NULL;
    int rc;
    if (!nm) {
        if ((rc = gla_names_new(&own, NULL)) != GLA_OK)
            return rc;
        nm = own;
    }
    nm_q q = NM_Q_INIT;
    rc = gla_nm_q_parse(&q, nm, s, len, 1);
    if (rc == GLA_OK || rc == GLA_ENOTFOUND)
        *out = q.name;
    if (rc == GLA_OK && key)
        rc = gla_buf_put(key, q.key.data, q.key.len);
    gla_nm_q_dispose(&q);
    gla_names_free(own);
    return rc;
}
