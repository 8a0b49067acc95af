/*
 * Tests of the normalize module: every rule and vector of
 * docs/NORMALIZATION.md as table rows, the map invariants and idempotence
 * checked on every row, NFD = NFC, the Latin table against utf8proc, and
 * Unicode's NormalizationTest.txt for the NFC step.
 */
#define _POSIX_C_SOURCE 200809L
#include <glossalign/normalize.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <utf8proc.h>

typedef struct vec {
    gla_level level; /* key level */
    const char *in;  /* source text */
    const char *out; /* expected key */
} vec;

#define K0 GLA_K0
#define K1 GLA_K1
#define K2 GLA_K2
#define KC GLA_K2_COMPACT
#define K3 GLA_K3

static const vec vectors[] = {
    /* ---- K0 display ---- */
    {K0, "", ""},
    {K0, "plain ASCII, kept as is.", "plain ASCII, kept as is."},
    {K0, "Hoa\xCC\x80ng", "Ho\xC3\xA0ng"}, /* NFD -> NFC */
    {K0,
     "2\xC2\xA0"
     "000",
     "2 000"}, /* NBSP */
    {K0,
     "le\xE2\x80\xAF"
     "27",
     "le 27"}, /* U+202F */
    {K0,
     "a\xE2\x80\x89"
     "b\xE3\x80\x80"
     "c",
     "a b c"}, /* thin, ideographic */
    {K0,
     "l\xE2\x80\x99"
     "\xC3\x89tat",
     "l'\xC3\x89tat"}, /* ’ */
    {K0,
     "l\xCA\xBC"
     "a",
     "l'a"}, /* ʼ */
    {K0,
     "\xE2\x80\x98"
     "x",
     "'x"}, /* ‘ */
    {K0,
     "a\xE2\x80\x90"
     "b\xE2\x80\x91"
     "c",
     "a-b-c"}, /* ‐ ‑ */
    {K0,
     "a\xE2\x80\x93"
     "b\xE2\x80\x94"
     "c",
     "a-b-c"}, /* – — */
    {K0,
     "a\xE2\x88\x92"
     "b\xE2\x80\x95"
     "c",
     "a-b-c"}, /* − ― */
    {K0,
     "\xC3\x90\xE1\xBA\xB7ng \xC3\xB0"
     "a",
     "\xC4\x90\xE1\xBA\xB7ng \xC4\x91"
     "a"},
    {K0,
     "inter\xC2\xAD"
     "national",
     "international"}, /* soft hyphen */
    {K0,
     "a\xE2\x80\x8B"
     "b",
     "ab"}, /* ZWSP */
    {K0,
     "\xEF\xBB\xBF"
     "abc",
     "abc"},                               /* BOM */
    {K0, "e\xC2\xAD\xCC\x81", "\xC3\xA9"}, /* the mark crosses a SHY */
    {K0, "line one\nline\ttwo  ", "line one\nline\ttwo  "}, /* no folding */
    {K0, "o\xCC\x80\xCC\x9B", "\xE1\xBB\x9D"}, /* non-canonical order */
    {K0, "\xCC\x81", "\xCC\x81"},              /* lone mark */
    {K0, "HO\xC3\x80NG", "HO\xC3\x80NG"},      /* K0 keeps case */
    {K0,
     "\xC2\xAB"
     "x"
     "\xC2\xBB",
     "\xC2\xAB"
     "x"
     "\xC2\xBB"}, /* « » kept */

    /* ---- K1 exact ---- */
    {K1, "", ""},
    {K1, "ho\xC3\xA0", "hoa2"}, /* hoà */
    {K1,
     "h\xC3\xB2"
     "a",
     "hoa2"},                         /* hòa */
    {K1, "Thu\xC3\xBD", "thuy1"},     /* Thuý */
    {K1, "Th\xC3\xBAy", "thuy1"},     /* Thúy */
    {K1, "kho\xE1\xBA\xBB", "khoe3"}, /* khoẻ */
    {K1,
     "kh\xE1\xBB\x8F"
     "e",
     "khoe3"},                            /* khỏe */
    {K1, "u\xE1\xBB\xB7 ban", "uy3 ban"}, /* uỷ ban */
    {K1, "\xE1\xBB\xA7y ban", "uy3 ban"}, /* ủy ban */
    {K1, "Nguy\xE1\xBB\x85n",
     "nguy\xC3\xAAn"
     "4"}, /* Nguyễn */
    {K1,
     "\xC3\x90\xE1\xBA\xB7ng V\xC4\x83n \xC3\x90\xE1\xBB\xA9"
     "c",
     "\xC4\x91\xC4\x83ng5 v\xC4\x83n \xC4\x91\xC6\xB0"
     "c1"},                                         /* Ðặng Văn Ðức */
    {K1, "\xC3\xA9tat", "\xC3\xA9tat"},             /* état keeps marks */
    {K1, "\xC3\xA9t\xC3\xA9", "\xC3\xA9t\xC3\xA9"}, /* été */
    {K1, "Hano\xC3\xAF", "hano\xC3\xAF"},           /* Hanoï */
    {K1, "L\xC3\xBD", "li1"},                       /* Lý */
    {K1, "L\xC3\xAD", "li1"},                       /* Lí */
    {K1, "k\xE1\xBB\xB9", "ki4"},                   /* kỹ */
    {K1, "k\xC4\xA9", "ki4"},                       /* kĩ */
    {K1, "qu\xC3\xBD", "qui1"},                     /* quý */
    {K1, "qu\xC3\xAD", "qui1"},                     /* quí */
    {K1, "Th\xE1\xBB\xA5y", "thuy5"},               /* Thụy unchanged */
    {K1, "Ly", "li"},                               /* no tone, still i */
    {K1, "My Ky", "mi ki"},
    {K1, "ky\xCC\x83", "ki4"}, /* NFD kỹ */
    {K1, "Ho\xC3\xA0ng Xu\xC3\xA2n Chi\xC3\xAAn",
     "hoang2 xu\xC3\xA2n chi\xC3\xAAn"},
    {K1, "HO\xC3\x80NG XU\xC3\x82N CHI\xC3\x8AN",
     "hoang2 xu\xC3\xA2n chi\xC3\xAAn"},
    {K1, "NGUY\xE1\xBB\x84N V\xC4\x82N AN",
     "nguy\xC3\xAAn"
     "4 v\xC4\x83n an"},
    {K1, "hO\xC3\x80nG", "hoang2"}, /* mixed case */
    {K1, "o\xCC\x80\xCC\x9B",
     "\xC6\xA1"
     "2"}, /* ờ: ơ + huyền */
    {K1, "o\xCC\x9B\xCC\x80",
     "\xC6\xA1"
     "2"},
    {K1, "l\xE2\x80\x99\xC3\x89tat", "l'\xC3\xA9tat"},
    {K1, "  a \t\n b  ", "a b"}, /* whitespace folds */
    {K1, "\xC2\xA0x\xC2\xA0\xC2\xA0y", "x y"},
    {K1,
     "Stra\xC3\x9F"
     "e",
     "strasse"},                    /* full case folding */
    {K1, "\xC3\xA0", "a2"},         /* French à is a syllable */
    {K1, "o\xC3\xB9", "o\xC3\xB9"}, /* où is not ("ou") */
    {K1, "gi\xC3\xA0", "gia2"},
    {K1, "g\xC3\xAC", "gi2"}, /* gì: the i is the vowel */
    {K1, "gh\xC3\xA9p", "ghep1"},
    {K1, "ngh\xC3\xAA", "ngh\xC3\xAA"},
    {K1, "ngh\xE1\xBB\x87",
     "ngh\xC3\xAA"
     "5"},
    {K1, "Vi\xE1\xBB\x87t Nam", "vi\xC3\xAAt5 nam"},
    {K1, "tr\xC6\xB0\xE1\xBB\x9Dng", "tr\xC6\xB0\xC6\xA1ng2"},
    {K1,
     "h\xC3\xB3"
     "a\xCC\x80",
     "h\xC3\xB3\xC3\xA0"}, /* two tones: no */
    {K1,
     "b\xC3\xA1"
     "f",
     "b\xC3\xA1"
     "f"},                        /* f: not Vietnamese */
    {K1, "\xCC\x81", "\xCC\x81"}, /* lone mark */
    {K1,
     "ho\xC3\xA0"
     "2",
     "hoa22"}, /* digits are not letters */
    {K1, "18e", "18e"},
    {K1, "PCV", "pcv"},

    /* ---- K2 loose ---- */
    {K2, "Ho\xC3\xA0ng Xu\xC3\xA2n Chi\xC3\xAAn", "hoang xuan chien"},
    {K2, "HOANG Xuan Chien", "hoang xuan chien"},
    {K2, "Hoa\xCC\x80ng Xu\xC3\xA2n Chi\xC3\xAAn", "hoang xuan chien"},
    {K2, "Ph\xE1\xBA\xA1m V\xC4\x83n \xC4\x90\xE1\xBB\x93ng", "pham van dong"},
    {K2, "c\xC5\x93ur", "coeur"},
    {K2, "C\xC5\x92UR", "coeur"},
    {K2, "vice\xE2\x80\x91ministre", "vice ministre"},
    {K2, "vice-ministre", "vice ministre"},
    {K2, "l\xE2\x80\x99\xC3\xA9tat", "l etat"},
    {K2, "a - ' b", "a b"},
    {K2, "--a--", "a"},
    {K2, "B\xC3\xAA Xu\xC3\xA2n Truong", "be xuan truong"},
    {K2, "B\xE1\xBA\xBF Xu\xC3\xA2n Tr\xC6\xB0\xE1\xBB\x9Dng",
     "be xuan truong"},
    {K2, "Nguy\xC3\xAAn Nam Duong", "nguyen nam duong"},
    {K2, "Nguy\xE1\xBB\x85n Nam D\xC6\xB0\xC6\xA1ng", "nguyen nam duong"},
    {K2, "Ho\xC3\xA0ng Dinh C\xC3\xB4ng", "hoang dinh cong"},
    {K2, "Ho\xC3\xA0ng \xC4\x90\xC3\xACnh C\xC3\xB4ng", "hoang dinh cong"},
    {K2, "\xC4\x91\xC5\x93\xC3\xA6\xC3\xB8\xC5\x82\xC4\xB1\xC3\x9F",
     "doeaeoliss"},
    {K2, "L\xC3\xBD", "li"},
    {K2, "Ly", "li"},
    {K2, "Th\xE1\xBB\xA5y", "thuy"},
    {K2,
     "\xC3\x90\xE1\xBB\xA9"
     "c",
     "duc"},
    {K2, "\xC3\x85ngstr\xC3\xB6m", "angstrom"},
    {K2, "\xE2\x84\xAB", "a"}, /* Ångström sign */
    {K2, "Hano\xC3\xAF, le 27.", "hanoi, le 27."},
    {K2,
     "\xC2\xAB"
     "Vietnam\xC2\xBB",
     "\xC2\xAB"
     "vietnam\xC2\xBB"},
    {K2, "\xCC\x81", ""}, /* lone mark goes */
    {K2, "\xD0\x9C\xD0\xBE\xD1\x81\xD0\xBA\xD0\xB2\xD0\xB0",
     "\xD0\xBC\xD0\xBE\xD1\x81\xD0\xBA\xD0\xB2\xD0\xB0"},
    {K2, "\xD0\x99", "\xD0\xB8"}, /* Й -> и */
    {K2, "L\xC3\xBF", "li"},      /* Lÿ: i/y decided on what K2 writes */
    {K2, "a \xCC\x81 b", "a b"},  /* a vanished word leaves one space */
    {K2, "tab\tand\nnewline", "tab and newline"},

    /* ---- K2 compact ---- */
    {KC, "H\xC3\xA0 N\xE1\xBB\x99i", "hanoi"},
    {KC, "Hano\xC3\xAF", "hanoi"},
    {KC, "Hanoi", "hanoi"},
    {KC, "Ha Noi", "hanoi"},
    {KC, "Ho-Chi-Minh-Ville", "hochiminhville"},
    {KC, " \xC4\x90\xC3\xA0 N\xE1\xBA\xB5ng ", "danang"},
    {KC, "x y", "xy"}, /* not idempotent: "xy" read again is "xi" */

    /* ---- K3 transliteration ---- */
    {K3, "Beloussov", "belusov"},
    {K3, "Belousov", "belusov"},
    {K3, "Andre\xC3\xAF", "andrei"},
    {K3, "Andrey", "andrei"},
    {K3, "Sergue\xC3\xAF", "sergei"},
    {K3, "Sergey", "sergei"},
    {K3, "Cho\xC3\xAFgou", "coigu"},
    {K3, "Shoigu", "coigu"},
    {K3, "Khrouchtchev", "khrucev"},
    {K3, "Khrushchev", "khrucev"},
    {K3, "Poutine", "putin"},
    {K3, "Putin", "putin"},
    {K3, "Prigojine", "prigojin"},
    {K3, "Prigozhin", "prigojin"},
    {K3, "Belov", "belov"},
    {K3, "Ivanov", "ivanov"},
    {K3, "Ivanova", "ivanova"},
    {K3, "Stavitski", "staviski"},
    {K3, "Staviskiy", "staviski"},
    {K3, "Stavitsky", "staviski"},
    {K3, "Smirnoff", "smirnov"},
    {K3, "Tcha\xC3\xAFkovski", "caikovski"},
    {K3, "Tchaikovsky", "caikovski"},
    {K3, "Eltsine", "eltsin"},
    {K3, "Yeltsin", "eltsin"},
    {K3,
     "Sergue\xC3\xAF"
     "evitch",
     "sergeevic"},
    {K3, "Sergeyevich", "sergeevic"},
    {K3, "Dmitri", "dmitri"},
    {K3, "Dmitriy", "dmitri"},
    {K3, "Sergue\xC3\xAF Cho\xC3\xAFgou", "sergei coigu"},
    {K3, "Sergey Shoigu", "sergei coigu"},
    {K3, "Zhukov", "jukov"},
    {K3, "Joukov", "jukov"},
    {K3, "shy", "ci"}, /* sh -> c, then the i/y rule */
    {K3, "Ho\xC3\xA0ng Nguy\xE1\xBB\x85n", "hoang ngyen"},
};

/* ---- helpers ---------------------------------------------------------- */

static gla_normalizer *norm;

static int setup(void **state)
{
    (void)state;
    return gla_normalizer_new(&norm) == GLA_OK ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    gla_normalizer_free(norm);
    norm = NULL;
    return 0;
}

static void fail_key(const vec *v, const char *got)
{
    print_error("level %s, input \"%s\": got \"%s\", want \"%s\"\n",
                gla_level_name(v->level), v->in, got, v->out);
    fail();
}

/* Every map invariant of normalize.h, on one key of `src`. */
static void check_map(const gla_key *k, const char *src, size_t len)
{
    assert_non_null(k->map);
    assert_int_equal(k->s[k->len], '\0');
    assert_int_equal(k->map[k->len], len);
    for (size_t i = 0; i < k->len; i++) {
        assert_true(k->map[i] <= k->map[i + 1]);
        assert_true(k->map[i] <= len);
        /* on a character boundary of the source */
        if (k->map[i] < len)
            assert_true(((unsigned char)src[k->map[i]] & 0xC0) != 0x80);
    }
    /* the key is valid UTF-8 */
    utf8proc_int32_t cp;
    for (size_t i = 0; i < k->len;) {
        utf8proc_ssize_t l =
            utf8proc_iterate((const utf8proc_uint8_t *)k->s + i,
                             (utf8proc_ssize_t)(k->len - i), &cp);
        assert_true(l > 0);
        i += (size_t)l;
    }
}

static void test_vectors(void **state)
{
    (void)state;
    for (size_t t = 0; t < sizeof vectors / sizeof vectors[0]; t++) {
        const vec *v = &vectors[t];
        size_t len = strlen(v->in);
        gla_key k;
        assert_int_equal(gla_normalize(&k, norm, v->level, v->in, len), GLA_OK);
        if (k.len != strlen(v->out) || memcmp(k.s, v->out, k.len) != 0)
            fail_key(v, k.s);
        check_map(&k, v->in, len);
        if (v->level == GLA_K2_COMPACT) {
            /* compact is K2 without its spaces, map entries included */
            char *c = strdup(k.s);
            uint32_t *cm = malloc((k.len + 1) * sizeof *cm);
            memcpy(cm, k.map, (k.len + 1) * sizeof *cm);
            size_t cl = k.len, w = 0;
            assert_int_equal(gla_normalize(&k, norm, GLA_K2, v->in, len),
                             GLA_OK);
            for (size_t i = 0; i < k.len; i++) {
                if (k.s[i] == ' ')
                    continue;
                assert_true(w < cl);
                assert_int_equal(c[w], k.s[i]);
                assert_int_equal(cm[w], k.map[i]);
                w++;
            }
            assert_int_equal(w, cl);
            free(c);
            free(cm);
            continue;
        }
        /* idempotence: the key's key is the key */
        char *again = strdup(k.s);
        size_t alen = k.len;
        assert_int_equal(gla_normalize(&k, norm, v->level, again, alen),
                         GLA_OK);
        if (k.len != alen || memcmp(k.s, again, alen) != 0) {
            print_error("not idempotent at %s: \"%s\" -> \"%s\"\n",
                        gla_level_name(v->level), again, k.s);
            free(again);
            fail();
        }
        free(again);
    }
}

/* Pairs that must share a key at a level, and pairs that must not. */
typedef struct pair {
    gla_level level;
    const char *a, *b;
    int same;
} pair;

static const pair pairs[] = {
    {K1, "ho\xC3\xA0",
     "h\xC3\xB2"
     "a",
     1},
    {K1, "kho\xE1\xBA\xBB",
     "kh\xE1\xBB\x8F"
     "e",
     1},
    {K1, "Thu\xE1\xBB\xB7", "Th\xE1\xBB\xA7y", 1},
    {K1, "ho\xC3\xA0", "hoa", 0}, /* K1 keeps the tone */
    {K1, "ho\xC3\xA0", "ho\xC3\xA1", 0},
    {K1, "\xC3\xA9t\xC3\xA9", "ete", 0},
    {K2, "ho\xC3\xA0", "hoa", 1},
    {K2, "\xC3\xA9t\xC3\xA9", "ete", 1},
    {KC, "H\xC3\xA0 N\xE1\xBB\x99i", "Hano\xC3\xAF", 1},
    {K3, "Beloussov", "Belousov", 1},
    {K3, "Andre\xC3\xAF", "Andrey", 1},
    {K3, "Sergue\xC3\xAF", "Sergey", 1},
    {K3, "Cho\xC3\xAFgou", "Shoigu", 1},
    {K3, "Khrouchtchev", "Khrushchev", 1},
    {K3, "Poutine", "Putin", 1},
    {K3, "Prigojine", "Prigozhin", 1},
    {K3, "Stavitski", "Staviskiy", 1},
    {K3, "Belov", "Belousov", 0},
    {K3, "Ivanov", "Ivanova", 0},
    {K3, "Belov", "Beloussov", 0},
};

static char *key_dup(gla_level level, const char *s)
{
    gla_key k;
    assert_int_equal(gla_normalize(&k, norm, level, s, strlen(s)), GLA_OK);
    return strdup(k.s);
}

static void test_pairs(void **state)
{
    (void)state;
    for (size_t t = 0; t < sizeof pairs / sizeof pairs[0]; t++) {
        const pair *p = &pairs[t];
        char *a = key_dup(p->level, p->a);
        char *b = key_dup(p->level, p->b);
        if ((strcmp(a, b) == 0) != p->same) {
            print_error("%s: \"%s\" -> \"%s\", \"%s\" -> \"%s\": expected %s\n",
                        gla_level_name(p->level), p->a, a, p->b, b,
                        p->same ? "equal" : "different");
            free(a);
            free(b);
            fail();
        }
        free(a);
        free(b);
    }
}

/* NFD input gives the same key as NFC input, at every level. */
static const char *const nfd_texts[] = {
    "Ho\xC3\xA0ng Xu\xC3\xA2n Chi\xC3\xAAn",
    "Nguy\xE1\xBB\x85n Ph\xC3\xBA Tr\xE1\xBB\x8Dng",
    "\xC4\x90\xE1\xBA\xB7ng V\xC4\x83n \xC4\x90\xE1\xBB\xA9\x63",
    "NGUY\xE1\xBB\x84N TH\xE1\xBB\x8A TH\xE1\xBB\xA6Y",
    "l\xE2\x80\x99\xC3\x89tat, Hano\xC3\xAF, \xC3\xA9t\xC3\xA9, c\xC5\x93ur",
    "Tr\xC6\xB0\xE1\xBB\x9Dng Sa, Qu\xE1\xBA\xA3ng Tr\xE1\xBB\x8B",
    "\xE1\xBB\xA6y ban nh\xC3\xA2n d\xC3\xA2n",
};

static void test_nfd_equals_nfc(void **state)
{
    (void)state;
    for (size_t t = 0; t < sizeof nfd_texts / sizeof nfd_texts[0]; t++) {
        const char *nfc = nfd_texts[t];
        char *nfd = (char *)utf8proc_NFD((const utf8proc_uint8_t *)nfc);
        assert_non_null(nfd);
        assert_true(strcmp(nfd, nfc) != 0);
        for (int lv = GLA_K0; lv <= GLA_K3; lv++) {
            char *a = key_dup((gla_level)lv, nfc);
            char *b = key_dup((gla_level)lv, nfd);
            if (strcmp(a, b) != 0) {
                print_error("%s: NFC \"%s\" -> \"%s\" but NFD -> \"%s\"\n",
                            gla_level_name((gla_level)lv), nfc, a, b);
                fail();
            }
            gla_key k;
            assert_int_equal(
                gla_normalize(&k, norm, (gla_level)lv, nfd, strlen(nfd)),
                GLA_OK);
            check_map(&k, nfd, strlen(nfd));
            free(a);
            free(b);
        }
        free(nfd);
    }
}

/* Maps worked out by hand. */
typedef struct mapvec {
    gla_level level;
    const char *in;
    const char *out;
    uint32_t map[24]; /* len + 1 entries */
} mapvec;

static const mapvec mapvecs[] = {
    /* Hoàng: à is 2 bytes at 2; the tone digit maps to the syllable end */
    {K1, "Ho\xC3\xA0ng", "hoang2", {0, 1, 2, 4, 5, 6, 6}},
    {K2, "Ho\xC3\xA0ng", "hoang", {0, 1, 2, 4, 5, 6}},
    /* NFD: a + U+0300 is one segment of three bytes */
    {K2, "Hoa\xCC\x80ng", "hoang", {0, 1, 2, 5, 6, 7}},
    {K0, "Hoa\xCC\x80ng", "Ho\xC3\xA0ng", {0, 1, 2, 2, 5, 6, 7}},
    /* œ -> oe: both bytes from the one source character */
    {K2, "c\xC5\x93ur", "coeur", {0, 1, 1, 3, 4, 5}},
    /* separators: one space for the run, mapped to where the run began */
    {K2, "a - b", "a b", {0, 1, 4, 5}},
    /* leading and trailing white space dropped */
    {K1, "  ab  ", "ab", {2, 3, 6}},
    /* deleted soft hyphen: its bytes join the previous span */
    {K0,
     "a\xC2\xAD"
     "b",
     "ab",
     {0, 3, 4}},
    /* K3 rewrites keep offsets: Beloussov -> belusov */
    {K3, "Beloussov", "belusov", {0, 1, 2, 3, 5, 7, 8, 9}},
    /* tone digit before a following word */
    {K1, "L\xC3\xBD An", "li1 an", {0, 1, 3, 3, 4, 5, 6}},
};

static void test_maps(void **state)
{
    (void)state;
    for (size_t t = 0; t < sizeof mapvecs / sizeof mapvecs[0]; t++) {
        const mapvec *v = &mapvecs[t];
        gla_key k;
        assert_int_equal(
            gla_normalize(&k, norm, v->level, v->in, strlen(v->in)), GLA_OK);
        assert_string_equal(k.s, v->out);
        for (size_t i = 0; i <= k.len; i++) {
            if (k.map[i] != v->map[i]) {
                print_error("%s \"%s\": map[%zu] = %u, want %u\n",
                            gla_level_name(v->level), v->in, i, k.map[i],
                            v->map[i]);
                fail();
            }
        }
    }
}

/* Invalid UTF-8: the offset of the first bad byte, at every level. */
typedef struct badvec {
    const char *in;
    size_t len;
    size_t offset;
} badvec;

static const badvec bad[] = {
    {"caf\xE9", 4, 3},
    {"\x80", 1, 0},
    {"ab\xC0\xAF", 4, 2},          /* overlong '/' */
    {"x\xED\xA0\x80", 4, 1},       /* surrogate */
    {"\xE2\x82", 2, 0},            /* truncated */
    {"ok \xF4\x90\x80\x80", 7, 3}, /* above U+10FFFF */
    {"\xC3\xA9\xC3", 3, 2},
    {"a\xCC\x81\xFF", 4, 3}, /* after a segment with a mark */
    {"a\0b\xFE", 4, 3},      /* NUL is valid, 0xFE is not */
};

static void test_invalid_utf8(void **state)
{
    (void)state;
    for (size_t t = 0; t < sizeof bad / sizeof bad[0]; t++) {
        for (int lv = GLA_K0; lv <= GLA_K3; lv++) {
            gla_key k;
            int rc =
                gla_normalize(&k, norm, (gla_level)lv, bad[t].in, bad[t].len);
            assert_int_equal(rc, GLA_EUTF8);
            assert_int_equal(gla_normalizer_error_offset(norm), bad[t].offset);
            char want[64];
            snprintf(want, sizeof want, "byte offset %zu", bad[t].offset);
            assert_non_null(strstr(gla_normalizer_errmsg(norm), want));
        }
        gla_key k;
        assert_int_equal(gla_normalize_nfc(&k, norm, bad[t].in, bad[t].len),
                         GLA_EUTF8);
    }
    /* and the normaliser works again afterwards */
    gla_key k;
    assert_int_equal(gla_normalize(&k, norm, GLA_K2, "Ok", 2), GLA_OK);
    assert_string_equal(k.s, "ok");
    assert_int_equal(gla_normalizer_error_offset(norm), SIZE_MAX);
}

static void test_api(void **state)
{
    (void)state;
    gla_level l;
    static const struct {
        const char *name;
        int rc;
        gla_level level;
    } names[] = {{"k0", GLA_OK, GLA_K0},
                 {"K1", GLA_OK, GLA_K1},
                 {"k2", GLA_OK, GLA_K2},
                 {"compact", GLA_OK, GLA_K2_COMPACT},
                 {"COMPACT", GLA_OK, GLA_K2_COMPACT},
                 {"k3", GLA_OK, GLA_K3},
                 {"k4", GLA_EINVAL, GLA_K0},
                 {"", GLA_EINVAL, GLA_K0},
                 {"k", GLA_EINVAL, GLA_K0},
                 {"k22", GLA_EINVAL, GLA_K0}};
    for (size_t t = 0; t < sizeof names / sizeof names[0]; t++) {
        l = GLA_K0;
        assert_int_equal(gla_level_parse(&l, names[t].name), names[t].rc);
        if (names[t].rc == GLA_OK) {
            assert_int_equal(l, names[t].level);
            gla_level back;
            assert_int_equal(gla_level_parse(&back, gla_level_name(l)), GLA_OK);
            assert_int_equal(back, l);
        }
    }
    gla_key k;
    assert_int_equal(gla_normalize(&k, norm, (gla_level)9, "a", 1), GLA_EINVAL);
    assert_int_equal(gla_normalize(&k, norm, GLA_K1, NULL, 0), GLA_OK);
    assert_int_equal(k.len, 0);
    assert_int_equal(k.map[0], 0);
    assert_int_equal(gla_normalize(&k, norm, GLA_K1, NULL, 3), GLA_EINVAL);

    /* gla_normalize_to_buf appends, with or without a normaliser */
    gla_buf b = GLA_BUF_INIT;
    assert_int_equal(gla_buf_puts(&b, "["), GLA_OK);
    assert_int_equal(gla_normalize_to_buf(&b, NULL, GLA_K2, "Ho\xC3\xA0ng", 6),
                     GLA_OK);
    assert_int_equal(gla_normalize_to_buf(&b, norm, GLA_K1, " L\xC3\xBD", 4),
                     GLA_OK);
    assert_string_equal(b.data, "[hoangli1");
    assert_int_equal(gla_normalize_to_buf(&b, NULL, GLA_K1, "\xFF", 1),
                     GLA_EUTF8);
    gla_buf_dispose(&b);

    gla_normalizer_free(NULL);
}

/* Long input, many segments: buffers grow and the map stays right. */
static void test_long_input(void **state)
{
    (void)state;
    const char *piece = "Nguy\xE1\xBB\x85n V\xC4\x83n A\xCC\x80 l\xE2\x80\x99"
                        "\xC3\x89tat \xC5\x92uvre ";
    size_t pl = strlen(piece), reps = 5000;
    char *s = malloc(pl * reps + 1);
    for (size_t r = 0; r < reps; r++)
        memcpy(s + r * pl, piece, pl);
    s[pl * reps] = '\0';
    for (int lv = GLA_K0; lv <= GLA_K3; lv++) {
        gla_key k;
        assert_int_equal(gla_normalize(&k, norm, (gla_level)lv, s, pl * reps),
                         GLA_OK);
        check_map(&k, s, pl * reps);
    }
    gla_key k;
    assert_int_equal(gla_normalize(&k, norm, GLA_K2, s, pl * reps), GLA_OK);
    const char *one = "nguyen van a l etat oeuvre ";
    for (size_t r = 0; r + 1 < reps; r++)
        assert_memory_equal(k.s + r * strlen(one), one, strlen(one));
    free(s);
}

/* Every Latin letter's K2 against utf8proc's case fold + strip marks, plus
 * the folds utf8proc lacks: exercises the whole table. */
static void test_latin_table(void **state)
{
    (void)state;
    static const int32_t ranges[][2] = {{0x41, 0x250}, {0x1E00, 0x1F00}};
    char in[8], want[64];
    int checked = 0;
    for (size_t r = 0; r < 2; r++) {
        for (int32_t cp = ranges[r][0]; cp < ranges[r][1]; cp++) {
            const utf8proc_property_t *p = utf8proc_get_property(cp);
            if (p->category < UTF8PROC_CATEGORY_LU ||
                p->category > UTF8PROC_CATEGORY_LO)
                continue;
            utf8proc_ssize_t l =
                utf8proc_encode_char(cp, (utf8proc_uint8_t *)in);
            in[l] = '\0';
            utf8proc_uint8_t *ref = NULL;
            utf8proc_map((const utf8proc_uint8_t *)in, l, &ref,
                         UTF8PROC_STABLE | UTF8PROC_COMPOSE |
                             UTF8PROC_CASEFOLD | UTF8PROC_STRIPMARK);
            assert_non_null(ref);
            /* the extra folds, applied to utf8proc's result */
            size_t w = 0;
            for (const char *q = (const char *)ref; *q;) {
                static const struct {
                    const char *from, *to;
                } extra[] = {{"\xC4\x91", "d"},
                             {"\xC5\x93", "oe"},
                             {"\xC3\xA6", "ae"},
                             {"\xC3\xB8", "o"},
                             {"\xC5\x82", "l"},
                             {"\xC4\xB1", "i"},
                             {"\xC3\xB0", "d"},
                             /* ŉ folds to ʼn; K0 makes ʼ an apostrophe,
                              * which K2 turns into a separator */
                             {"\xCA\xBC", ""}};
                size_t e;
                for (e = 0; e < sizeof extra / sizeof extra[0]; e++) {
                    size_t fl = strlen(extra[e].from);
                    if (strncmp(q, extra[e].from, fl) == 0) {
                        memcpy(want + w, extra[e].to, strlen(extra[e].to));
                        w += strlen(extra[e].to);
                        q += fl;
                        break;
                    }
                }
                if (e == sizeof extra / sizeof extra[0])
                    want[w++] = *q++;
            }
            want[w] = '\0';
            free(ref);
            gla_key k;
            assert_int_equal(gla_normalize(&k, norm, GLA_K2, in, (size_t)l),
                             GLA_OK);
            if (strcmp(k.s, want) != 0) {
                print_error("U+%04X: K2 \"%s\", utf8proc + folds \"%s\"\n",
                            (unsigned)cp, k.s, want);
                fail();
            }
            /* and K0 is utf8proc's NFC */
            utf8proc_uint8_t *nfc = utf8proc_NFC((const utf8proc_uint8_t *)in);
            assert_int_equal(gla_normalize_nfc(&k, norm, in, (size_t)l),
                             GLA_OK);
            assert_string_equal(k.s, (const char *)nfc);
            free(nfc);
            checked++;
        }
    }
    assert_true(checked > 600);
}

/* ---- NormalizationTest.txt ------------------------------------------- */

static const char *const nt_paths[] = {
    "/usr/share/unicode/NormalizationTest.txt.bz2",
    "/usr/share/unicode-data/NormalizationTest.txt.bz2", NULL};

/* Parse one column of hex code points into UTF-8. */
static size_t parse_col(const char *s, char *out)
{
    size_t w = 0;
    while (*s && *s != ';') {
        char *end;
        long cp = strtol(s, &end, 16);
        if (end == s) {
            s++;
            continue;
        }
        w += (size_t)utf8proc_encode_char((utf8proc_int32_t)cp,
                                          (utf8proc_uint8_t *)out + w);
        s = end;
    }
    out[w] = '\0';
    return w;
}

static void expect_nfc(const char *in, size_t len, const char *want,
                       size_t wlen, long lineno)
{
    gla_key k;
    assert_int_equal(gla_normalize_nfc(&k, norm, in, len), GLA_OK);
    if (k.len != wlen || memcmp(k.s, want, wlen) != 0) {
        print_error("NormalizationTest.txt line %ld: NFC differs\n", lineno);
        fail();
    }
    check_map(&k, in, len);
}

static void test_normalization_txt(void **state)
{
    (void)state;
    const char *path = NULL;
    for (const char *const *p = nt_paths; *p; p++) {
        FILE *f = fopen(*p, "rb");
        if (f) {
            fclose(f);
            path = *p;
            break;
        }
    }
    if (!path) {
        print_message("NormalizationTest.txt.bz2 not found (Debian package "
                      "unicode-data): NFC conformance test skipped\n");
        skip();
        return;
    }
    char cmd[256];
    snprintf(cmd, sizeof cmd, "bzcat '%s'", path);
    FILE *f = popen(cmd, "r");
    assert_non_null(f);
    char line[2048];
    char c[5][512];
    size_t cl[5];
    long lineno = 0, cases = 0;
    while (fgets(line, sizeof line, f)) {
        lineno++;
        if (line[0] == '#' || line[0] == '@' || line[0] == '\n')
            continue;
        const char *s = line;
        for (int k = 0; k < 5; k++) {
            cl[k] = parse_col(s, c[k]);
            s = strchr(s, ';');
            assert_non_null(s);
            s++;
        }
        /* c2 == NFC(c1) == NFC(c2) == NFC(c3); c4 == NFC(c4) == NFC(c5) */
        for (int k = 0; k < 3; k++)
            expect_nfc(c[k], cl[k], c[1], cl[1], lineno);
        for (int k = 3; k < 5; k++)
            expect_nfc(c[k], cl[k], c[3], cl[3], lineno);
        cases++;
    }
    int status = pclose(f);
    if (cases == 0 && status != 0) {
        print_message("cannot run '%s' (is bzip2 installed?): NFC "
                      "conformance test skipped\n",
                      cmd);
        skip();
        return;
    }
    assert_int_equal(status, 0);
    print_message("NormalizationTest.txt: %ld lines checked\n", cases);
    assert_true(cases > 18000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vectors),
        cmocka_unit_test(test_pairs),
        cmocka_unit_test(test_nfd_equals_nfc),
        cmocka_unit_test(test_maps),
        cmocka_unit_test(test_invalid_utf8),
        cmocka_unit_test(test_api),
        cmocka_unit_test(test_long_input),
        cmocka_unit_test(test_latin_table),
        cmocka_unit_test(test_normalization_txt),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
