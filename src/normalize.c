/*
 * Key levels K0-K3 with a byte map back to the source. The text is cut into
 * segments (a starter and the marks that attach to it), each segment is
 * normalised on its own so every key byte knows its source offset. K1
 * collects words so a Vietnamese syllable can trade its tone mark for a
 * digit; K2 and up need no such check and are written in one pass. Hot
 * paths avoid utf8proc: ASCII words are copied eight bytes at a time, and
 * a table built once holds every Latin code point's K0/K1/K2 result.
 */
#include "normalize_int.h"

#include <glossalign/normalize.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <threads.h>
#include <utf8proc.h>

/* Internal modes: the public levels plus plain NFC. */
enum { M_NFC = 0, M_K0, M_K1, M_K2, M_COMPACT, M_K3 };

struct gla_normalizer {
    char *out;          /* key bytes being built */
    uint32_t *map;      /* source offset of each key byte, plus one */
    size_t len;         /* key bytes in use */
    size_t cap;         /* entries allocated in out and in map */
    int32_t *seg;       /* scratch: one segment after normalisation */
    size_t seg_cap;     /* entries allocated in seg */
    int32_t *gat;       /* scratch: one segment's source code points */
    size_t gat_cap;     /* entries allocated in gat */
    int32_t *tok;       /* the current word's K1 code points */
    uint32_t *tok_off;  /* the source offset of each of them */
    size_t tok_len;     /* code points in the current word */
    size_t tok_cap;     /* entries allocated in tok and tok_off */
    int mode;           /* M_* of the current call */
    int space;          /* a separator run is pending */
    uint32_t space_off; /* source offset where that run began */
    size_t bad;         /* offset of the invalid byte, or SIZE_MAX */
    char err[160];      /* detail of the last failure */
};

/* ---------------------------------------------------------------------
 * Per code point facts
 * ------------------------------------------------------------------- */

/* The Latin table covers U+0000-U+024F and U+1E00-U+1EFF. */
#define LT_A_END 0x250
#define LT_B_START 0x1E00
#define LT_B_END 0x1F00
#define LT_SIZE (LT_A_END + (LT_B_END - LT_B_START))

enum {
    LF_BOUNDARY = 1, /* a segment may start here (ccc 0, no backward compose) */
    LF_WORD = 2,     /* letter or mark: part of a word */
    LF_DELETE = 4,   /* removed from K0 on (soft hyphen) */
    LF_SLOW = 8,     /* the single-code-point results below don't fit */
    LF_SPACE = 16,   /* whitespace */
    LF_K1WORD1 = 32  /* K1 is one letter or mark; k2 is its K2 */
};

typedef struct lt_entry {
    uint8_t flags; /* LF_* */
    uint8_t tone;  /* Vietnamese tone 1-5 of a lowercase letter, 0 none */
    char vcode;    /* Vietnamese letter code for syllable checks, 0 none */
    uint8_t k1_n;  /* code points in k1 */
    uint8_t k2_n;  /* bytes in k2 */
    char k2[7];    /* K2 of this code point alone, UTF-8 */
    int32_t k0;    /* K0 of this code point alone; -1 when deleted */
    int32_t k1[3]; /* K1 of this code point alone */
    int32_t vn;    /* the letter without its tone mark (ế -> ê) */
} lt_entry;

static lt_entry lt[LT_SIZE];
static int lt_ok;
static once_flag lt_once = ONCE_FLAG_INIT;

static inline int lt_index(int32_t cp)
{
    if (cp < LT_A_END)
        return cp;
    if (cp >= LT_B_START && cp < LT_B_END)
        return cp - LT_B_START + LT_A_END;
    return -1;
}

/* ASCII classes and lower case, filled with the Latin table. */
enum { AC_ALPHA = 1, AC_SPACE = 2, AC_SEP = 4 };
static unsigned char ascii_cls_tab[256];
static unsigned char lower_tab[256];

static inline unsigned char ascii_lower(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') ? (unsigned char)(c + 32) : c;
}

/* Vietnamese letter codes: one byte per toneless letter, so initials,
 * nuclei and finals can be spelt as C strings. */
static char ascii_vcode(int c)
{
    if (c >= 'a' && c <= 'z' && c != 'f' && c != 'j' && c != 'w' && c != 'z')
        return (char)c;
    return 0;
}

/* The K0 replacements of one code point: -1 deletes. */
static int32_t k0_premap(int32_t cp)
{
    if (cp < 0xA0)
        return cp;
    switch (cp) {
    case 0x00AD: /* soft hyphen */
    case 0x200B: /* zero width space */
    case 0xFEFF: /* byte order mark, zero width no-break space */ return -1;
    case 0x2019: /* right single quotation mark */
    case 0x2018: /* left single quotation mark */
    case 0x201B: /* single high-reversed-9 quotation mark */
    case 0x02BC: /* modifier letter apostrophe */ return '\'';
    case 0x2010: /* hyphen */
    case 0x2011: /* non-breaking hyphen */
    case 0x2012: /* figure dash */
    case 0x2013: /* en dash */
    case 0x2014: /* em dash */
    case 0x2015: /* horizontal bar */
    case 0x2212: /* minus sign */ return '-';
    case 0x00D0: /* eth, as French copy writes Đ */ return 0x0110;
    case 0x00F0: return 0x0111;
    }
    if (utf8proc_get_property(cp)->category == UTF8PROC_CATEGORY_ZS)
        return ' ';
    return cp;
}

static inline int ccc_of(int32_t cp)
{
    return utf8proc_get_property(cp)->combining_class;
}

static int is_mark_cat(int cat)
{
    return cat == UTF8PROC_CATEGORY_MN || cat == UTF8PROC_CATEGORY_MC ||
           cat == UTF8PROC_CATEGORY_ME;
}

/* Can a normalisation segment start at cp? Not when it is a combining mark,
 * can compose with what precedes it, or decomposes to such a thing. */
static int general_boundary(int32_t cp)
{
    const utf8proc_property_t *p = utf8proc_get_property(cp);
    if (p->combining_class)
        return 0;
    if (p->comb_index >= 0x8000 && p->comb_index != 0xFFFF)
        return 0;
    if ((cp >= 0x1161 && cp <= 0x1175) || (cp >= 0x11A8 && cp <= 0x11C2))
        return 0; /* Hangul vowel and trailing jamo */
    if (p->decomp_seqindex != 0xFFFF) {
        utf8proc_int32_t d[32];
        int bc = 0;
        utf8proc_ssize_t r =
            utf8proc_decompose_char(cp, d, 32, UTF8PROC_DECOMPOSE, &bc);
        if (r > 0 && r <= 32 && d[0] != cp)
            return general_boundary(d[0]);
    }
    return 1;
}

static int is_boundary(int32_t cp, int mode)
{
    int idx = lt_index(cp);
    if (idx >= 0) {
        unsigned f = lt[idx].flags;
        if ((f & LF_DELETE) && mode >= M_K0)
            return 0;
        return (f & LF_BOUNDARY) != 0;
    }
    if (mode >= M_K0 && (cp == 0x200B || cp == 0xFEFF))
        return 0; /* deleted: what follows attaches to the previous segment */
    return general_boundary(cp);
}

static int is_word_cp(int32_t cp)
{
    int idx = lt_index(cp);
    if (idx >= 0)
        return (lt[idx].flags & LF_WORD) != 0;
    int cat = utf8proc_get_property(cp)->category;
    return cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_ME;
}

static int is_space_cp(int32_t cp)
{
    int idx = lt_index(cp);
    if (idx >= 0)
        return (lt[idx].flags & LF_SPACE) != 0;
    if (cp == 0x2028 || cp == 0x2029)
        return 1;
    return utf8proc_get_property(cp)->category == UTF8PROC_CATEGORY_ZS;
}

/* ---------------------------------------------------------------------
 * Buffers
 * ------------------------------------------------------------------- */

static int grow_out(gla_normalizer *n, size_t need)
{
    size_t cap = n->cap ? n->cap : 256;
    while (cap < need) {
        if (cap > SIZE_MAX / 8)
            return GLA_ENOMEM;
        cap *= 2;
    }
    char *o = realloc(n->out, cap);
    if (!o)
        return GLA_ENOMEM;
    n->out = o;
    uint32_t *m = realloc(n->map, cap * sizeof *m);
    if (!m)
        return GLA_ENOMEM;
    n->map = m;
    n->cap = cap;
    return GLA_OK;
}

/* Room for `extra` more key bytes plus the NUL and map[len]. */
static inline int ensure(gla_normalizer *n, size_t extra)
{
    if (n->len + extra + 1 <= n->cap)
        return GLA_OK;
    return grow_out(n, n->len + extra + 1);
}

static int grow_i32(int32_t **p, size_t *cap, size_t need)
{
    if (need <= *cap)
        return GLA_OK;
    size_t c = *cap ? *cap : 64;
    while (c < need)
        c *= 2;
    int32_t *q = realloc(*p, c * sizeof *q);
    if (!q)
        return GLA_ENOMEM;
    *p = q;
    *cap = c;
    return GLA_OK;
}

static inline int emit_cp(gla_normalizer *n, int32_t cp, uint32_t off)
{
    if (ensure(n, 4))
        return GLA_ENOMEM;
    if (cp < 0x80) {
        n->out[n->len] = (char)cp;
        n->map[n->len++] = off;
        return GLA_OK;
    }
    int k = gla_utf8_encode(n->out + n->len, cp);
    for (int j = 0; j < k; j++)
        n->map[n->len++] = off;
    return GLA_OK;
}

/* ---------------------------------------------------------------------
 * One segment, the general way
 * ------------------------------------------------------------------- */

/* A long run of marks: a stable counting sort by combining class, so a
 * hostile text of a million marks on one letter stays linear. */
static int order_long_run(int32_t *b, size_t w)
{
    int32_t *tmp = malloc(w * sizeof *tmp);
    if (!tmp)
        return -1;
    size_t count[257] = {0};
    for (size_t k = 0; k < w; k++)
        count[ccc_of(b[k]) + 1]++;
    for (int c = 1; c <= 256; c++)
        count[c] += count[c - 1];
    for (size_t k = 0; k < w; k++)
        tmp[count[ccc_of(b[k])]++] = b[k];
    memcpy(b, tmp, w * sizeof *tmp);
    free(tmp);
    return 0;
}

/* Put each run of combining marks in canonical order (stable by class). */
static void canonical_order(int32_t *b, size_t w)
{
    size_t k = 0;
    while (k < w) {
        if (!ccc_of(b[k])) {
            k++;
            continue;
        }
        size_t e = k + 1;
        while (e < w && ccc_of(b[e]))
            e++;
        if (e - k > 32 && order_long_run(b + k, e - k) == 0) {
            k = e;
            continue;
        }
        for (size_t q = k + 1; q < e; q++) { /* insertion sort */
            int32_t c = b[q];
            int cc = ccc_of(c);
            size_t j = q;
            while (j > k && ccc_of(b[j - 1]) > cc) {
                b[j] = b[j - 1];
                j--;
            }
            b[j] = c;
        }
        k = e;
    }
}

/*
 * Normalise in[0..cnt) (one segment) at `mode` (M_NFC, M_K0 or, for every
 * higher level, the K1 form) into n->seg. Returns the number of code points
 * or GLA_ENOMEM.
 */
static long seg_general(gla_normalizer *n, int mode, const int32_t *in,
                        size_t cnt)
{
    size_t w = 0;
    utf8proc_option_t opts = UTF8PROC_DECOMPOSE;
    if (mode >= M_K1)
        opts |= UTF8PROC_CASEFOLD;
    for (size_t k = 0; k < cnt; k++) {
        int32_t c = in[k];
        for (;;) {
            if (grow_i32(&n->seg, &n->seg_cap, w + 8))
                return GLA_ENOMEM;
            int bc = 0;
            utf8proc_ssize_t r = utf8proc_decompose_char(
                c, n->seg + w, (utf8proc_ssize_t)(n->seg_cap - w), opts, &bc);
            if (r < 0) { /* cannot happen for a scalar value; keep it */
                n->seg[w++] = c;
                break;
            }
            if ((size_t)r <= n->seg_cap - w) {
                w += (size_t)r;
                break;
            }
            if (grow_i32(&n->seg, &n->seg_cap, w + (size_t)r))
                return GLA_ENOMEM;
        }
    }
    if (mode >= M_K0) {
        /* The K0 replacements, after case folding too (ŉ folds to ʼn). */
        size_t o = 0;
        for (size_t k = 0; k < w; k++) {
            int32_t c = k0_premap(n->seg[k]);
            if (c >= 0)
                n->seg[o++] = c;
        }
        w = o;
    }
    canonical_order(n->seg, w);
    utf8proc_ssize_t r = utf8proc_normalize_utf32(
        n->seg, (utf8proc_ssize_t)w, UTF8PROC_COMPOSE | UTF8PROC_STABLE);
    return r < 0 ? (long)w : (long)r;
}

/* The extra K2 folds utf8proc does not make. NULL when none applies. */
static const char *k2_extra(int32_t cp)
{
    switch (cp) {
    case 0x0111: return "d";  /* đ */
    case 0x0153: return "oe"; /* œ */
    case 0x00E6: return "ae"; /* æ */
    case 0x00F8: return "o";  /* ø */
    case 0x0142: return "l";  /* ł */
    case 0x0131: return "i";  /* dotless i */
    case 0x00DF: return "ss"; /* ß */
    case 0x1E9E: return "ss"; /* capital sharp s, should it survive */
    }
    return NULL;
}

/* K2 of one K1 code point: decompose, drop every mark, make the extra
 * folds, compose what is left. Writes UTF-8 to dst (room for 32 bytes). */
static size_t k2_general(char *dst, int32_t cp)
{
    const char *x = k2_extra(cp);
    if (x) {
        size_t l = strlen(x);
        memcpy(dst, x, l);
        return l;
    }
    utf8proc_int32_t d[8];
    int bc = 0;
    utf8proc_ssize_t r =
        utf8proc_decompose_char(cp, d, 8, UTF8PROC_DECOMPOSE, &bc);
    if (r <= 0 || r > 8) {
        d[0] = cp;
        r = 1;
    }
    utf8proc_ssize_t w = 0;
    for (utf8proc_ssize_t k = 0; k < r; k++)
        if (!is_mark_cat(utf8proc_get_property(d[k])->category))
            d[w++] = d[k];
    if (w > 1)
        w = utf8proc_normalize_utf32(d, w, UTF8PROC_COMPOSE | UTF8PROC_STABLE);
    size_t l = 0;
    for (utf8proc_ssize_t k = 0; k < w; k++) {
        x = k2_extra(d[k]);
        if (x) {
            memcpy(dst + l, x, strlen(x));
            l += strlen(x);
        } else {
            l += (size_t)gla_utf8_encode(dst + l, d[k]);
        }
    }
    return l;
}

/* ---------------------------------------------------------------------
 * The Latin table
 * ------------------------------------------------------------------- */

static void vn_facts(lt_entry *e, int32_t cp)
{
    /* Only lowercase letters: syllables are checked on K1 (case-folded). */
    if (cp < 0x80) {
        e->vcode = ascii_vcode(cp);
        e->vn = cp;
        return;
    }
    if (cp == 0x0111) {
        e->vcode = 'D';
        e->vn = cp;
        return;
    }
    utf8proc_int32_t d[8];
    int bc = 0;
    utf8proc_ssize_t r =
        utf8proc_decompose_char(cp, d, 8, UTF8PROC_DECOMPOSE, &bc);
    if (r < 2 || r > 3 || d[0] > 0x7F || !strchr("aeiouy", (int)d[0]))
        return;
    int32_t mod = 0;
    int tone = 0;
    for (utf8proc_ssize_t k = 1; k < r; k++) {
        switch (d[k]) {
        case 0x0306:
        case 0x0302:
        case 0x031B:
            if (mod)
                return;
            mod = d[k];
            break;
        case 0x0301: tone = tone ? -1 : 1; break;
        case 0x0300: tone = tone ? -1 : 2; break;
        case 0x0309: tone = tone ? -1 : 3; break;
        case 0x0303: tone = tone ? -1 : 4; break;
        case 0x0323: tone = tone ? -1 : 5; break;
        default: return;
        }
    }
    if (tone < 0)
        return;
    char code = 0;
    int32_t base = d[0];
    switch (mod) {
    case 0: code = (char)d[0]; break;
    case 0x0306:
        code = d[0] == 'a' ? 'A' : 0;
        base = 0x0103;
        break;
    case 0x0302:
        code = d[0] == 'a' ? 'B' : d[0] == 'e' ? 'E' : d[0] == 'o' ? 'O' : 0;
        base = d[0] == 'a' ? 0xE2 : d[0] == 'e' ? 0xEA : 0xF4;
        break;
    case 0x031B:
        code = d[0] == 'o' ? 'P' : d[0] == 'u' ? 'U' : 0;
        base = d[0] == 'o' ? 0x01A1 : 0x01B0;
        break;
    }
    if (!code)
        return;
    e->vcode = code;
    e->tone = (uint8_t)tone;
    e->vn = base;
}

static void vn_lists_build(void);

static void lt_build(void)
{
    gla_normalizer *s = calloc(1, sizeof *s);
    if (!s)
        return;
    for (int c = 0; c < 256; c++) {
        unsigned char v = 0;
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
            v |= AC_ALPHA;
        if (c == ' ' || (c >= 0x09 && c <= 0x0D))
            v |= AC_SPACE;
        if (c == '-' || c == '\'')
            v |= AC_SEP;
        ascii_cls_tab[c] = v;
        lower_tab[c] = (unsigned char)((c >= 'A' && c <= 'Z') ? c + 32 : c);
    }
    vn_lists_build();
    for (int idx = 0; idx < LT_SIZE; idx++) {
        int32_t cp = idx < LT_A_END ? idx : idx - LT_A_END + LT_B_START;
        lt_entry *e = &lt[idx];
        memset(e, 0, sizeof *e);
        int cat = utf8proc_get_property(cp)->category;
        if (general_boundary(cp))
            e->flags |= LF_BOUNDARY;
        if (cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_ME)
            e->flags |= LF_WORD;
        if (cp == 0x00AD)
            e->flags |= LF_DELETE;
        if (cat == UTF8PROC_CATEGORY_ZS || (cp >= 0x09 && cp <= 0x0D) ||
            cp == 0x85)
            e->flags |= LF_SPACE;
        long r = seg_general(s, M_NFC, &cp, 1);
        if (r != 1 || s->seg[0] != cp)
            e->flags |= LF_SLOW;
        r = seg_general(s, M_K0, &cp, 1);
        if (r < 0 || r > 1)
            e->flags |= LF_SLOW;
        e->k0 = r == 1 ? s->seg[0] : -1;
        r = seg_general(s, M_K1, &cp, 1);
        if (r < 0 || r > 3) {
            e->flags |= LF_SLOW;
        } else {
            e->k1_n = (uint8_t)r;
            for (long k = 0; k < r; k++)
                e->k1[k] = s->seg[k];
        }
        char b[32];
        int32_t k1c = cp;
        if (!(e->flags & LF_SLOW) && e->k1_n == 1) {
            int c1 = utf8proc_get_property(e->k1[0])->category;
            k1c = e->k1[0];
            if (c1 >= UTF8PROC_CATEGORY_LU && c1 <= UTF8PROC_CATEGORY_ME)
                e->flags |= LF_K1WORD1;
        }
        size_t l = k2_general(b, k1c);
        if (l > sizeof e->k2)
            e->flags |= LF_SLOW;
        else {
            memcpy(e->k2, b, l);
            e->k2_n = (uint8_t)l;
        }
        e->vn = cp;
        vn_facts(e, cp);
    }
    free(s->seg);
    free(s);
    lt_ok = 1;
}

/* ---------------------------------------------------------------------
 * Vietnamese syllables
 * ------------------------------------------------------------------- */

static const char *const vn_initials[] = {
    "ngh", "ng", "nh", "ch", "gh", "gi", "kh", "ph", "qu", "th",
    "tr",  "b",  "c",  "d",  "D",  "g",  "h",  "k",  "l",  "m",
    "n",   "p",  "r",  "s",  "t",  "v",  "x",  NULL};

/* Vowel clusters, toneless: A=ă B=â E=ê O=ô P=ơ U=ư. */
static const char *const vn_nuclei[] = {
    "a",   "A",   "B",   "e",   "E",   "i",   "o",   "O",   "P",   "u",
    "U",   "y",   "ai",  "ao",  "au",  "ay",  "Bu",  "By",  "eo",  "Eu",
    "ia",  "iE",  "iu",  "oa",  "oA",  "oe",  "oi",  "Oi",  "Pi",  "oo",
    "ua",  "uB",  "uE",  "ui",  "uO",  "uP",  "uy",  "Ua",  "Ui",  "UP",
    "Uu",  "yE",  "iEu", "oai", "oao", "oay", "oeo", "uBy", "uOi", "uya",
    "uyE", "uyu", "UPi", "UPu", "yEu", NULL};

static const char *const vn_finals[] = {"c",  "ch", "m", "n", "ng",
                                        "nh", "p",  "t", NULL};

/* The lists above, packed into integers (bytes and length) once, so a
 * syllable check is a few integer compares. */
static uint32_t vn_ini_p[32], vn_nuc_p[64], vn_fin_p[16];
static size_t vn_ini_n, vn_nuc_n, vn_fin_n;
static unsigned char vowel_tab[256];

static inline uint32_t pack(const char *s, size_t n)
{
    uint32_t v = (uint32_t)n << 24;
    for (size_t k = 0; k < n; k++)
        v |= (uint32_t)(unsigned char)s[k] << (8 * k);
    return v;
}

static size_t pack_list(uint32_t *dst, const char *const *list)
{
    size_t c = 0;
    for (; *list; list++)
        dst[c++] = pack(*list, strlen(*list));
    return c;
}

static void vn_lists_build(void)
{
    vn_ini_n = pack_list(vn_ini_p, vn_initials);
    vn_nuc_n = pack_list(vn_nuc_p, vn_nuclei);
    vn_fin_n = pack_list(vn_fin_p, vn_finals);
    for (const char *v = "aABeEioOPuUy"; *v; v++)
        vowel_tab[(unsigned char)*v] = 1;
}

static inline int in_packed(const uint32_t *list, size_t cnt, const char *s,
                            size_t n)
{
    if (n > 3)
        return 0;
    uint32_t v = pack(s, n);
    for (size_t k = 0; k < cnt; k++)
        if (list[k] == v)
            return 1;
    return 0;
}

/* Is code[0..n) one syllable: initial, one vowel cluster, final? On
 * success *ini is the initial's length and *nuc the end of the cluster. */
static int vn_analyse(const char *code, size_t n, size_t *ini, size_t *nuc)
{
    if (n == 0 || n > 8)
        return 0;
    size_t il = 0;
    for (size_t l = n < 3 ? n : 3; l > 0; l--)
        if (in_packed(vn_ini_p, vn_ini_n, code, l)) {
            il = l;
            break;
        }
    if (il == 2 && code[0] == 'g' && code[1] == 'i' &&
        (n == 2 || !vowel_tab[(unsigned char)code[2]]))
        il = 1; /* gì, gìn: the i is the vowel */
    size_t v = il;
    while (v < n && vowel_tab[(unsigned char)code[v]])
        v++;
    if (v == il || !in_packed(vn_nuc_p, vn_nuc_n, code + il, v - il))
        return 0;
    if (v < n && !in_packed(vn_fin_p, vn_fin_n, code + v, n - v))
        return 0;
    *ini = il;
    *nuc = v;
    return 1;
}

int gla_vn_iy_rule(const char *w, size_t n)
{
    char code[9];
    if (n < 2 || n > 8)
        return 0;
    for (size_t k = 0; k < n; k++)
        if (!(code[k] = ascii_vcode((unsigned char)w[k])))
            return 0;
    size_t ini, nuc;
    return vn_analyse(code, n, &ini, &nuc) && ini > 0 && nuc == n &&
           nuc == ini + 1 && code[ini] == 'y';
}

/* ---------------------------------------------------------------------
 * K1: words are collected, then checked for being one syllable
 * ------------------------------------------------------------------- */

static inline void flush_space(gla_normalizer *n)
{
    if (!n->space)
        return;
    n->space = 0;
    if (n->len == 0 || n->mode == M_COMPACT)
        return; /* no leading space; compact keys have none */
    /* ensure() was called by the emitter that follows, with slack */
    n->out[n->len] = ' ';
    n->map[n->len++] = n->space_off;
}

static inline void set_space(gla_normalizer *n, uint32_t off)
{
    if (!n->space) {
        n->space = 1;
        n->space_off = off;
    }
}

/* The K2 bytes of one K1 code point into dst (room for 32). */
static inline size_t k2_of(char *dst, int32_t cp)
{
    if (cp < 0x80) {
        dst[0] = (char)cp;
        return 1;
    }
    int idx = lt_index(cp);
    if (idx >= 0 && !(lt[idx].flags & LF_SLOW)) {
        memcpy(dst, lt[idx].k2, lt[idx].k2_n);
        return lt[idx].k2_n;
    }
    return k2_general(dst, cp);
}

static int push_tok(gla_normalizer *n, int32_t cp, uint32_t off)
{
    if (n->tok_len == n->tok_cap) {
        size_t c = n->tok_cap ? n->tok_cap * 2 : 32;
        int32_t *t = realloc(n->tok, c * sizeof *t);
        if (!t)
            return GLA_ENOMEM;
        n->tok = t;
        uint32_t *o = realloc(n->tok_off, c * sizeof *o);
        if (!o)
            return GLA_ENOMEM;
        n->tok_off = o;
        n->tok_cap = c;
    }
    n->tok[n->tok_len] = cp;
    n->tok_off[n->tok_len++] = off;
    return GLA_OK;
}

static int emit_tok(gla_normalizer *n, size_t tl, uint32_t end_off);

/* The word collected so far is complete (it ended at source offset
 * end_off): write it, as a toneless syllable plus tone digit when it is
 * one Vietnamese syllable, else as it is. */
static int flush_tok(gla_normalizer *n, uint32_t end_off)
{
    size_t tl = n->tok_len;
    if (!tl)
        return GLA_OK;
    n->tok_len = 0;
    if (ensure(n, 1))
        return GLA_ENOMEM;
    flush_space(n);
    return emit_tok(n, tl, end_off);
}

static int emit_tok(gla_normalizer *n, size_t tl, uint32_t end_off)
{
    char code[9];
    int tone = 0, tones = 0, vn = tl <= 8;
    for (size_t k = 0; vn && k < tl; k++) {
        int idx = lt_index(n->tok[k]);
        if (idx < 0 || !lt[idx].vcode) {
            vn = 0;
            break;
        }
        code[k] = lt[idx].vcode;
        if (lt[idx].tone) {
            tones++;
            tone = lt[idx].tone;
        }
    }
    size_t ini = 0, nuc = 0;
    if (vn && tones <= 1 && vn_analyse(code, tl, &ini, &nuc)) {
        int iy = ini > 0 && nuc == tl && nuc == ini + 1 && code[ini] == 'y';
        for (size_t k = 0; k < tl; k++) {
            int32_t cp = (iy && k == ini) ? 'i' : lt[lt_index(n->tok[k])].vn;
            if (emit_cp(n, cp, n->tok_off[k]))
                return GLA_ENOMEM;
        }
        if (tone)
            return emit_cp(n, '0' + tone, end_off);
        return GLA_OK;
    }
    for (size_t k = 0; k < tl; k++)
        if (emit_cp(n, n->tok[k], n->tok_off[k]))
            return GLA_ENOMEM;
    return GLA_OK;
}

/* One K1 code point of the stream, from source offset `off`. */
static int feed(gla_normalizer *n, int32_t cp, uint32_t off)
{
    if (is_word_cp(cp))
        return push_tok(n, cp, off);
    if (flush_tok(n, off))
        return GLA_ENOMEM;
    if (is_space_cp(cp)) {
        set_space(n, off);
        return GLA_OK;
    }
    if (ensure(n, 1))
        return GLA_ENOMEM;
    flush_space(n);
    return emit_cp(n, cp, off);
}

/* ---------------------------------------------------------------------
 * The driver
 * ------------------------------------------------------------------- */

static int next_is_boundary(const unsigned char *s, size_t len, size_t j,
                            int mode)
{
    if (j >= len || s[j] < 0x80)
        return 1;
    int32_t cp;
    if (!gla_utf8_decode(s, len, j, &cp))
        return 1; /* reported when the loop gets there */
    return is_boundary(cp, mode);
}

static int bad_utf8(gla_normalizer *n, const unsigned char *s, size_t i)
{
    snprintf(n->err, sizeof n->err,
             "invalid UTF-8 at byte offset %zu (byte 0x%02X)", i,
             (unsigned)s[i]);
    n->bad = i;
    return GLA_EUTF8;
}

/* Emit the result code points of one segment that started at `off`. */
static int emit_seg(gla_normalizer *n, const int32_t *c, size_t cnt,
                    uint32_t off)
{
    for (size_t k = 0; k < cnt; k++) {
        int rc = n->mode >= M_K1 ? feed(n, c[k], off) : emit_cp(n, c[k], off);
        if (rc)
            return rc;
    }
    return GLA_OK;
}

static int run(gla_normalizer *n, int mode, const unsigned char *s, size_t len)
{
    const unsigned char *cls = ascii_cls_tab;
    size_t i = 0;
    int rc;
    while (i < len) {
        unsigned b = s[i];
        if (b < 0x80) {
            if (mode >= M_K1) {
                if ((cls[b] & AC_ALPHA) && n->tok_len == 0) {
                    /* Copy the ASCII word lower-cased, after the pending
                     * space; keep it if ASCII (or the end) follows. */
                    if (n->len + (len - i) + 2 > n->cap &&
                        ensure(n, len - i + 1))
                        return GLA_ENOMEM;
                    size_t at = n->len + (n->space && n->len > 0);
                    char *o = n->out + at;
                    uint32_t *m = n->map + at;
                    size_t j = i;
                    while (j < len && (cls[s[j]] & AC_ALPHA)) {
                        o[j - i] = (char)lower_tab[s[j]];
                        m[j - i] = (uint32_t)j;
                        j++;
                    }
                    if (j == len || s[j] < 0x80) {
                        size_t wl = j - i;
                        flush_space(n);
                        n->len += wl;
                        if (o[wl - 1] == 'y' && wl >= 2 && wl <= 4 &&
                            gla_vn_iy_rule(o, wl))
                            o[wl - 1] = 'i';
                        i = j;
                        continue;
                    }
                    /* A non-ASCII letter or mark follows: the word goes on
                     * in the general path; only its last ASCII letter can
                     * take marks. */
                    for (; i + 1 < j; i++)
                        if (push_tok(n, lower_tab[s[i]], (uint32_t)i))
                            return GLA_ENOMEM;
                    b = s[i];
                }
                if (next_is_boundary(s, len, i + 1, mode)) {
                    unsigned c = cls[b];
                    if (c & AC_ALPHA) {
                        rc = push_tok(n, lower_tab[b], (uint32_t)i);
                    } else if (c & AC_SPACE) {
                        rc = n->tok_len ? flush_tok(n, (uint32_t)i) : GLA_OK;
                        set_space(n, (uint32_t)i);
                    } else {
                        rc = n->tok_len ? flush_tok(n, (uint32_t)i) : GLA_OK;
                        if (rc == GLA_OK && (rc = ensure(n, 2)) == GLA_OK) {
                            flush_space(n);
                            n->out[n->len] = (char)b;
                            n->map[n->len++] = (uint32_t)i;
                        }
                    }
                    if (rc)
                        return rc;
                    i++;
                    continue;
                }
            } else {
                size_t j = i;
                while (j < len && s[j] < 0x80)
                    j++;
                size_t stop = j;
                if (j < len && !next_is_boundary(s, len, j, mode))
                    stop = j - 1; /* the last one takes the marks */
                if (stop > i) {
                    size_t k = stop - i;
                    if (ensure(n, k))
                        return GLA_ENOMEM;
                    memcpy(n->out + n->len, s + i, k);
                    for (size_t q = 0; q < k; q++)
                        n->map[n->len + q] = (uint32_t)(i + q);
                    n->len += k;
                    i = stop;
                    continue;
                }
            }
        }
        /* The general path: one segment. */
        int32_t cp;
        int l = gla_utf8_decode(s, len, i, &cp);
        if (!l)
            return bad_utf8(n, s, i);
        size_t end = i + (size_t)l;
        size_t cnt = 1;
        if (grow_i32(&n->gat, &n->gat_cap, 8))
            return GLA_ENOMEM;
        n->gat[0] = cp;
        while (end < len) {
            int32_t c2;
            int l2 = gla_utf8_decode(s, len, end, &c2);
            if (!l2 || (s[end] < 0x80) || is_boundary(c2, mode))
                break;
            if (grow_i32(&n->gat, &n->gat_cap, cnt + 1))
                return GLA_ENOMEM;
            n->gat[cnt++] = c2;
            end += (size_t)l2;
        }
        uint32_t off = (uint32_t)i;
        int idx = cnt == 1 ? lt_index(cp) : -1;
        if (idx >= 0 && !(lt[idx].flags & LF_SLOW)) {
            const lt_entry *e = &lt[idx];
            if (mode == M_NFC)
                rc = emit_cp(n, cp, off);
            else if (mode == M_K0)
                rc = e->k0 < 0 ? GLA_OK : emit_cp(n, e->k0, off);
            else
                rc = emit_seg(n, e->k1, e->k1_n, off);
        } else if (cnt == 1 && cp >= 0x80 &&
                   utf8proc_get_property(cp)->decomp_seqindex == 0xFFFF &&
                   (mode < M_K1 ||
                    utf8proc_get_property(cp)->casefold_seqindex == 0xFFFF)) {
            int32_t c = mode >= M_K0 ? k0_premap(cp) : cp;
            rc = c < 0 ? GLA_OK : emit_seg(n, &c, 1, off);
        } else {
            long r = seg_general(n, mode, n->gat, cnt);
            if (r < 0)
                return GLA_ENOMEM;
            rc = emit_seg(n, n->seg, (size_t)r, off);
        }
        if (rc)
            return rc;
        i = end;
    }
    if (mode >= M_K1 && flush_tok(n, (uint32_t)len))
        return GLA_ENOMEM;
    n->out[n->len] = '\0';
    n->map[n->len] = (uint32_t)len;
    return GLA_OK;
}

/* ---------------------------------------------------------------------
 * K2, K2 compact and K3: one pass, no word buffer
 * ------------------------------------------------------------------- */

#define NO_WORD SIZE_MAX

/*
 * Copy the run of ASCII letters starting at s[j] lower-cased to o, and
 * their offsets to m (o[0] and m[0] are for s[j]); return where the run
 * ends. Eight bytes at a time where the compiler allows: a block is
 * written whole, and the bytes past the run's end are overwritten later,
 * so the caller leaves 8 bytes of slack.
 */
static inline size_t copy_letters(const unsigned char *s, size_t j, size_t len,
                                  char *o, uint32_t *m)
{
    size_t start = j;
#if defined(__GNUC__) && defined(__BYTE_ORDER__) &&                            \
    __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    const uint64_t hi = 0x8080808080808080ull;
    while (j + 8 <= len) {
        uint64_t v;
        memcpy(&v, s + j, 8);
        /* Lower-case every byte (low 7 bits only, so no carry crosses
         * bytes), then test 'a' <= b <= 'z' in the high bit of each. */
        uint64_t l = (v & 0x7F7F7F7F7F7F7F7Full) | 0x2020202020202020ull;
        uint64_t ok = (l + 0x1F1F1F1F1F1F1F1Full) &
                      ~(l + 0x0505050505050505ull) & ~v & hi;
        memcpy(o + (j - start), &l, 8);
        typedef uint32_t v4u32 __attribute__((vector_size(16)));
        const v4u32 step0 = {0, 1, 2, 3}, step4 = {4, 5, 6, 7};
        v4u32 base = {(uint32_t)j, (uint32_t)j, (uint32_t)j, (uint32_t)j};
        v4u32 m0 = base + step0, m4 = base + step4;
        memcpy(m + (j - start), &m0, sizeof m0);
        memcpy(m + (j - start) + 4, &m4, sizeof m4);
        if (ok != hi)
            return j + (size_t)(__builtin_ctzll(~ok & hi) >> 3);
        j += 8;
    }
#endif
    while (j < len && (ascii_cls_tab[s[j]] & AC_ALPHA)) {
        o[j - start] = (char)(s[j] | 0x20);
        m[j - start] = (uint32_t)j;
        j++;
    }
    return j;
}

/* A word of the K2 key ends: decide i/y on what was written. */
static inline void end_word(gla_normalizer *n, size_t *word)
{
    size_t w0 = *word;
    *word = NO_WORD;
    if (w0 == NO_WORD)
        return;
    size_t wl = n->len - w0;
    char *w = n->out + w0;
    if (wl < 2 || wl > 4 || w[wl - 1] != 'y')
        return;
    for (size_t k = 0; k < wl; k++)
        if (w[k] < 'a' || w[k] > 'z')
            return;
    if (gla_vn_iy_rule(w, wl))
        w[wl - 1] = 'i';
}

/* Write K2 bytes b[0..l) from source offset off, as part of a word or not.
 * The pending separator goes out only before bytes that are written. */
static inline int put_loose(gla_normalizer *n, const char *b, size_t l,
                            uint32_t off, int in_word, size_t *word)
{
    if (!l)
        return GLA_OK;
    if (ensure(n, l + 1))
        return GLA_ENOMEM;
    if (in_word) {
        if (*word == NO_WORD) {
            flush_space(n);
            *word = n->len;
        }
    } else {
        end_word(n, word);
        flush_space(n);
    }
    memcpy(n->out + n->len, b, l);
    for (size_t k = 0; k < l; k++)
        n->map[n->len++] = off;
    return GLA_OK;
}

/* One K1 code point of the stream, at K2. */
static int loose_cp(gla_normalizer *n, int32_t cp, uint32_t off, size_t *word)
{
    char b[32];
    if (is_word_cp(cp))
        return put_loose(n, b, k2_of(b, cp), off, 1, word);
    end_word(n, word);
    if (is_space_cp(cp) || cp == '-' || cp == '\'') {
        set_space(n, off);
        return GLA_OK;
    }
    return put_loose(n, b, k2_of(b, cp), off, 0, word);
}

/*
 * K2 and above need no syllable check: stripping a syllable's marks strips
 * its tone too, and the i/y rule is decided on each word as written, marks
 * gone ("Lÿ" -> "li"), which also keeps K2 idempotent. So K2 is written in
 * one pass, without collecting words.
 */
static int run_loose(gla_normalizer *n, int mode, const unsigned char *s,
                     size_t len)
{
    const unsigned char *cls = ascii_cls_tab;
    size_t word = NO_WORD;
    size_t i = 0;
    int rc;
    while (i < len) {
        unsigned b = s[i];
        if (b < 0x80) {
            unsigned c = cls[b];
            if (c & AC_ALPHA) {
                /* ASCII words, and the single spaces between them, in a
                 * tight loop: output never outgrows the input here. */
                if (n->len + (len - i) + 16 > n->cap && ensure(n, len - i + 16))
                    return GLA_ENOMEM;
                if (word == NO_WORD) {
                    flush_space(n);
                    word = n->len;
                }
                int marks = 0;
                /* Locals: stores through char * could alias n's fields. */
                char *out = n->out;
                uint32_t *map = n->map;
                size_t ol = n->len;
                for (;;) {
                    size_t j = copy_letters(s, i, len, out + ol, map + ol);
                    ol += j - i;
                    i = j;
                    if (j < len && s[j] >= 0x80) {
                        if (!next_is_boundary(s, len, j, mode)) {
                            ol--; /* the last letter takes marks */
                            i = j - 1;
                            marks = 1;
                            if (ol == word)
                                word = NO_WORD;
                        }
                        break; /* the word may go on, non-ASCII */
                    }
                    size_t wl = ol - word;
                    if (wl >= 2 && wl <= 4 && out[ol - 1] == 'y') {
                        n->len = ol;
                        end_word(n, &word);
                    }
                    word = NO_WORD;
                    if (j + 1 < len && s[j] == ' ' &&
                        (cls[s[j + 1]] & AC_ALPHA) && mode != M_COMPACT) {
                        out[ol] = ' ';
                        map[ol++] = (uint32_t)j;
                        word = ol;
                        i = j + 1;
                        continue;
                    }
                    break;
                }
                n->len = ol;
                if (!marks)
                    continue;
            } else if (next_is_boundary(s, len, i + 1, mode)) {
                end_word(n, &word);
                if (c & (AC_SPACE | AC_SEP)) {
                    set_space(n, (uint32_t)i);
                } else {
                    if (ensure(n, 2))
                        return GLA_ENOMEM;
                    flush_space(n);
                    n->out[n->len] = (char)b;
                    n->map[n->len++] = (uint32_t)i;
                }
                i++;
                continue;
            }
        }
        /* One segment the general way. */
        int32_t cp;
        int l = gla_utf8_decode(s, len, i, &cp);
        if (!l)
            return bad_utf8(n, s, i);
        size_t end = i + (size_t)l;
        size_t cnt = 1;
        n->gat[0] = cp;
        while (end < len && s[end] >= 0x80) {
            int32_t c2;
            int l2 = gla_utf8_decode(s, len, end, &c2);
            if (!l2 || is_boundary(c2, mode))
                break;
            if (grow_i32(&n->gat, &n->gat_cap, cnt + 1))
                return GLA_ENOMEM;
            n->gat[cnt++] = c2;
            end += (size_t)l2;
        }
        uint32_t off = (uint32_t)i;
        int idx = cnt == 1 ? lt_index(cp) : -1;
        if (idx >= 0 && (lt[idx].flags & LF_K1WORD1)) {
            rc = put_loose(n, lt[idx].k2, lt[idx].k2_n, off, 1, &word);
        } else if (idx >= 0 && !(lt[idx].flags & LF_SLOW)) {
            rc = GLA_OK;
            for (size_t k = 0; rc == GLA_OK && k < lt[idx].k1_n; k++)
                rc = loose_cp(n, lt[idx].k1[k], off, &word);
        } else if (cnt == 1 &&
                   utf8proc_get_property(cp)->decomp_seqindex == 0xFFFF &&
                   utf8proc_get_property(cp)->casefold_seqindex == 0xFFFF) {
            int32_t c = k0_premap(cp);
            rc = c < 0 ? GLA_OK : loose_cp(n, c, off, &word);
        } else {
            long r = seg_general(n, M_K1, n->gat, cnt);
            if (r < 0)
                return GLA_ENOMEM;
            rc = GLA_OK;
            for (long k = 0; rc == GLA_OK && k < r; k++)
                rc = loose_cp(n, n->seg[k], off, &word);
        }
        if (rc)
            return rc;
        i = end;
    }
    end_word(n, &word);
    if (mode == M_K3)
        n->len = gla_k3_rewrite(n->out, n->map, n->len);
    n->out[n->len] = '\0';
    n->map[n->len] = (uint32_t)len;
    return GLA_OK;
}

/* ---------------------------------------------------------------------
 * Public API
 * ------------------------------------------------------------------- */

static void lt_init(void)
{
    lt_build();
}

int gla_normalizer_new(gla_normalizer **out)
{
    *out = NULL;
    call_once(&lt_once, lt_init);
    if (!lt_ok)
        return GLA_ENOMEM;
    gla_normalizer *n = calloc(1, sizeof *n);
    if (!n)
        return GLA_ENOMEM;
    n->bad = SIZE_MAX;
    *out = n;
    return GLA_OK;
}

void gla_normalizer_free(gla_normalizer *n)
{
    if (!n)
        return;
    free(n->out);
    free(n->map);
    free(n->seg);
    free(n->gat);
    free(n->tok);
    free(n->tok_off);
    free(n);
}

size_t gla_normalizer_error_offset(const gla_normalizer *n)
{
    return n ? n->bad : SIZE_MAX;
}

const char *gla_normalizer_errmsg(const gla_normalizer *n)
{
    if (!n)
        return "no normaliser";
    return n->err;
}

static int run_public(gla_key *out, gla_normalizer *n, int mode, const char *s,
                      size_t len)
{
    if (!n || !out || (!s && len))
        return GLA_EINVAL;
    n->bad = SIZE_MAX;
    if (len > GLA_NORMALIZE_MAX) {
        snprintf(n->err, sizeof n->err,
                 "input of %zu bytes is longer than one call takes (%zu); "
                 "normalise it in pieces",
                 len, GLA_NORMALIZE_MAX);
        return GLA_EINVAL;
    }
    const unsigned char *u = (const unsigned char *)(s ? s : "");
    n->mode = mode;
    n->len = 0;
    n->tok_len = 0;
    n->space = 0;
    n->err[0] = '\0';
    int rc = GLA_ENOMEM;
    if (ensure(n, len + 16) == GLA_OK &&
        grow_i32(&n->gat, &n->gat_cap, 8) == GLA_OK)
        rc = mode >= M_K2 ? run_loose(n, mode, u, len) : run(n, mode, u, len);
    if (rc == GLA_ENOMEM && !n->err[0])
        snprintf(n->err, sizeof n->err, "out of memory normalising %zu bytes",
                 len);
    if (rc) {
        out->s = "";
        out->len = 0;
        out->map = NULL;
        return rc;
    }
    out->s = n->out;
    out->len = n->len;
    out->map = n->map;
    return GLA_OK;
}

int gla_normalize(gla_key *out, gla_normalizer *n, gla_level level,
                  const char *s, size_t len)
{
    int mode;
    switch (level) {
    case GLA_K0: mode = M_K0; break;
    case GLA_K1: mode = M_K1; break;
    case GLA_K2: mode = M_K2; break;
    case GLA_K2_COMPACT: mode = M_COMPACT; break;
    case GLA_K3: mode = M_K3; break;
    default:
        if (n)
            snprintf(n->err, sizeof n->err, "unknown key level %d", (int)level);
        return GLA_EINVAL;
    }
    return run_public(out, n, mode, s, len);
}

int gla_normalize_nfc(gla_key *out, gla_normalizer *n, const char *s,
                      size_t len)
{
    return run_public(out, n, M_NFC, s, len);
}

int gla_normalize_to_buf(gla_buf *out, gla_normalizer *n, gla_level level,
                         const char *s, size_t len)
{
    gla_normalizer *own = NULL;
    if (!out)
        return GLA_EINVAL;
    if (!n) {
        int rc = gla_normalizer_new(&own);
        if (rc)
            return rc;
        n = own;
    }
    gla_key k;
    int rc = gla_normalize(&k, n, level, s, len);
    if (rc == GLA_OK)
        rc = gla_buf_put(out, k.s, k.len);
    gla_normalizer_free(own);
    return rc;
}

int gla_level_parse(gla_level *out, const char *name)
{
    static const struct {
        const char *name;
        gla_level level;
    } names[] = {{"k0", GLA_K0},
                 {"k1", GLA_K1},
                 {"k2", GLA_K2},
                 {"compact", GLA_K2_COMPACT},
                 {"k2-compact", GLA_K2_COMPACT},
                 {"k2c", GLA_K2_COMPACT},
                 {"k3", GLA_K3}};
    if (!out || !name)
        return GLA_EINVAL;
    for (size_t k = 0; k < sizeof names / sizeof names[0]; k++) {
        const char *a = names[k].name, *b = name;
        while (*a && *b && (*a == (char)ascii_lower((unsigned char)*b))) {
            a++;
            b++;
        }
        if (!*a && !*b) {
            *out = names[k].level;
            return GLA_OK;
        }
    }
    return GLA_EINVAL;
}

const char *gla_level_name(gla_level level)
{
    switch (level) {
    case GLA_K0: return "k0";
    case GLA_K1: return "k1";
    case GLA_K2: return "k2";
    case GLA_K2_COMPACT: return "compact";
    case GLA_K3: return "k3";
    }
    return "unknown";
}
