/*
 * Tests of the tokenize module: each row is a text and its tokens written
 * as "surface[flag,flag]" in order, so a row reads like the expected
 * output; plus spans, token keys and invalid input.
 */
#include <glossalign/tokenize.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

typedef struct tvec {
    const char *in;   /* text */
    const char *want; /* its tokens, "surface[flags]" separated by spaces */
} tvec;

static const tvec tvecs[] = {
    {"", ""},
    {"   \t\n ", ""},
    {"le ministre", "le[word] ministre[word]"},
    /* elision, both apostrophes, every prefix */
    {"l'\xC3\x89tat",
     "l'[word,elision] \xC3\x89tat[word,capitalized,diacritic]"},
    {"l\xE2\x80\x99\xC3\xA9tat",
     "l\xE2\x80\x99[word,elision] \xC3\xA9tat[word,diacritic]"},
    {"L'arm\xC3\xA9"
     "e",
     "L'[word,elision,capitalized] arm\xC3\xA9"
     "e[word,diacritic]"},
    {"qu'en d'autres n'est s'il j'ai m'a t'es c'est",
     "qu'[word,elision] en[word] d'[word,elision] autres[word] "
     "n'[word,elision] est[word] s'[word,elision] il[word] "
     "j'[word,elision] ai[word] m'[word,elision] a[word] "
     "t'[word,elision] es[word] c'[word,elision] est[word]"},
    {"jusqu\xE2\x80\x99\xC3\xA0 lorsqu'il puisqu'on quoiqu'elle",
     "jusqu\xE2\x80\x99[word,elision] \xC3\xA0[word,diacritic] "
     "lorsqu'[word,elision] il[word] puisqu'[word,elision] on[word] "
     "quoiqu'[word,elision] elle[word]"},
    {"aujourd\xE2\x80\x99hui", "aujourd\xE2\x80\x99hui[word]"},
    {"aujourd'hui", "aujourd'hui[word]"},
    {"qu'aujourd'hui", "qu'[word,elision] aujourd'hui[word]"},
    {"l'", "l[word] '[punct]"}, /* no letter after: no elision */
    {"les soldats' ", "les[word] soldats[word] '[punct]"},
    {"O'Neill", "O'Neill[word,capitalized]"},
    /* compounds: whole, then parts */
    {"vice-ministre",
     "vice-ministre[word,compound] vice[word,part] ministre[word,part]"},
    {"lieutenant-g\xC3\xA9n\xC3\xA9ral sup\xC3\xA9rieur",
     "lieutenant-g\xC3\xA9n\xC3\xA9ral[word,compound,diacritic] "
     "lieutenant[word,part] g\xC3\xA9n\xC3\xA9ral[word,part,diacritic] "
     "sup\xC3\xA9rieur[word,diacritic]"},
    {"Nguyen-Van",
     "Nguyen-Van[word,compound,capitalized] Nguyen[word,part,capitalized] "
     "Van[word,part,capitalized]"},
    {"c'est-\xC3\xA0-dire",
     "c'[word,elision] est-\xC3\xA0-dire[word,compound,diacritic] "
     "est[word,part] \xC3\xA0[word,part,diacritic] dire[word,part]"},
    {"vice\xE2\x80\x91ministre",
     "vice\xE2\x80\x91ministre[word,compound] vice[word,part] "
     "ministre[word,part]"},
    {"a - b", "a[word] -[punct] b[word]"},
    {"fin-", "fin[word] -[punct]"},
    {"2019-2020", "2019[number] -[punct] 2020[number]"},
    {"F-16", "F-16[word,compound,capitalized,digit] F[word,part,capitalized] "
             "16[number,part]"},
    {"A \xE2\x80\x93 B",
     "A[word,capitalized] \xE2\x80\x93[punct] B[word,capitalized]"},
    /* numbers and ordinals */
    {"le 27 d\xC3\xA9"
     "cembre 2024",
     "le[word] 27[number] d\xC3\xA9"
     "cembre[word,diacritic] 2024[number]"},
    {"18e 1er 1re 70e 2nde 3\xC3\xA8me XIVe Ier Ve",
     "18e[number,ordinal] 1er[number,ordinal] 1re[number,ordinal] "
     "70e[number,ordinal] 2nde[number,ordinal] 3\xC3\xA8me[number,ordinal] "
     "XIVe[number,ordinal] Ier[number,ordinal] Ve[number,ordinal]"},
    {"Le Ce Me",
     "Le[word,capitalized] Ce[word,capitalized] Me[word,capitalized]"},
    {"1,5 3.14 2\xC2\xA0"
     "000 10\xE2\x80\xAF"
     "000\xE2\x80\xAF"
     "000",
     "1,5[number] 3.14[number] 2\xC2\xA0"
     "000[number] 10\xE2\x80\xAF"
     "000\xE2\x80\xAF"
     "000[number]"},
    {"1.", "1[number] .[punct]"},
    {"F16 G7", "F16[word,capitalized,digit] G7[word,capitalized,digit]"},
    /* acronyms and case */
    {"PCV MINUSS VECONAC DOC AN",
     "PCV[word,allcaps,acronym] MINUSS[word,allcaps,acronym] "
     "VECONAC[word,allcaps,acronym] DOC[word,allcaps,acronym] "
     "AN[word,allcaps,acronym]"},
    {"HO\xC3\x80NG Xu\xC3\xA2n", "HO\xC3\x80NG[word,allcaps,diacritic] "
                                 "Xu\xC3\xA2n[word,capitalized,diacritic]"},
    {"desNations", "desNations[word,casesplit]"},
    {"Vi\xE1\xBB\x87tNam",
     "Vi\xE1\xBB\x87tNam[word,capitalized,casesplit,diacritic]"},
    {"A", "A[word,capitalized]"},
    /* punctuation */
    {"(Hanoi), \xC2\xAB"
     "oui\xC2\xBB !",
     "([punct] Hanoi[word,capitalized] )[punct] ,[punct] "
     "\xC2\xAB[punct] oui[word] \xC2\xBB[punct] ![punct]"},
    /* marks, NFD, format characters */
    {"Hoa\xCC\x80ng", "Hoa\xCC\x80ng[word,capitalized,diacritic]"},
    {"inter\xC2\xAD"
     "national",
     "inter\xC2\xAD"
     "national[word]"},
    {"\xEF\xBB\xBF"
     "abc",
     "abc[word]"},
    {"\xCC\x81", "\xCC\x81[punct]"},
    {"x\xE2\x80\x8B", "x[word]"},
    {"\xD0\x9C\xD0\xBE\xD1\x81\xD0\xBA\xD0\xB2\xD0\xB0",
     "\xD0\x9C\xD0\xBE\xD1\x81\xD0\xBA\xD0\xB2\xD0\xB0[word,capitalized]"},
};

static gla_tokenizer *tk;
static gla_normalizer *norm;

static int setup(void **state)
{
    (void)state;
    if (gla_tokenizer_new(&tk) || gla_normalizer_new(&norm))
        return -1;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    gla_tokenizer_free(tk);
    gla_normalizer_free(norm);
    return 0;
}

static void format(char *out, size_t cap, const char *s, const gla_tokens *t)
{
    size_t w = 0;
    out[0] = '\0';
    for (size_t i = 0; i < t->n; i++) {
        const gla_token *k = &t->v[i];
        w += (size_t)snprintf(out + w, cap - w, "%s%.*s[", i ? " " : "",
                              (int)(k->end - k->start), s + k->start);
        int first = 1;
        for (unsigned bit = 1; bit <= GLA_TOK_DIGIT; bit <<= 1) {
            if (!(k->flags & bit))
                continue;
            w += (size_t)snprintf(out + w, cap - w, "%s%s", first ? "" : ",",
                                  gla_token_flag_name(bit));
            first = 0;
        }
        w += (size_t)snprintf(out + w, cap - w, "]");
        assert_true(w < cap);
    }
}

/* Spans inside the text, on character boundaries, in order of start. */
static void check_spans(const char *s, size_t len, const gla_tokens *t)
{
    for (size_t i = 0; i < t->n; i++) {
        const gla_token *k = &t->v[i];
        assert_true(k->start < k->end);
        assert_true(k->end <= len);
        assert_true(((unsigned char)s[k->start] & 0xC0) != 0x80);
        assert_true(k->end == len || ((unsigned char)s[k->end] & 0xC0) != 0x80);
        if (i)
            assert_true(t->v[i - 1].start <= k->start);
        if (k->flags & GLA_TOK_CASESPLIT)
            assert_true(k->split > k->start && k->split < k->end);
    }
}

static void test_tokens(void **state)
{
    (void)state;
    gla_tokens t = GLA_TOKENS_INIT;
    char got[2048];
    for (size_t i = 0; i < sizeof tvecs / sizeof tvecs[0]; i++) {
        const char *s = tvecs[i].in;
        assert_int_equal(gla_tokenize(&t, tk, s, strlen(s)), GLA_OK);
        format(got, sizeof got, s, &t);
        if (strcmp(got, tvecs[i].want) != 0) {
            print_error("tokens of \"%s\":\n  got  %s\n  want %s\n", s, got,
                        tvecs[i].want);
            fail();
        }
        check_spans(s, strlen(s), &t);
    }
    gla_tokens_dispose(&t);
    gla_tokens_dispose(&t); /* twice is fine */
    gla_tokens_dispose(NULL);
}

static void test_split_offset(void **state)
{
    (void)state;
    gla_tokens t = GLA_TOKENS_INIT;
    const char *s = "les desNations unies";
    assert_int_equal(gla_tokenize(&t, tk, s, strlen(s)), GLA_OK);
    assert_int_equal(t.n, 3);
    assert_int_equal(t.v[1].start, 4);
    assert_int_equal(t.v[1].split, 7);
    assert_int_equal(t.v[0].split, 0);
    gla_tokens_dispose(&t);
}

/* Token keys: the key of the token's bytes, map relative to its start. */
typedef struct kvec {
    const char *in;
    gla_level level;
    const char *keys; /* keys of all tokens, separated by '|' */
} kvec;

static const kvec kvecs[] = {
    {"l\xE2\x80\x99\xC3\x89tat vietnamien", GLA_K2, "l|etat|vietnamien"},
    {"l\xE2\x80\x99\xC3\x89tat", GLA_K1, "l'|\xC3\xA9tat"},
    {"Ho\xC3\xA0ng Xu\xC3\xA2n Chi\xC3\xAAn", GLA_K1,
     "hoang2|xu\xC3\xA2n|chi\xC3\xAAn"},
    {"vice-ministre", GLA_K2, "vice ministre|vice|ministre"},
    {"Nguy\xE1\xBB\x85n-V\xC4\x83n", GLA_K2, "nguyen van|nguyen|van"},
    {"H\xC3\xA0 N\xE1\xBB\x99i", GLA_K2_COMPACT, "ha|noi"},
};

static void test_token_keys(void **state)
{
    (void)state;
    gla_tokens t = GLA_TOKENS_INIT;
    char got[512];
    for (size_t i = 0; i < sizeof kvecs / sizeof kvecs[0]; i++) {
        const char *s = kvecs[i].in;
        assert_int_equal(gla_tokenize(&t, tk, s, strlen(s)), GLA_OK);
        size_t w = 0;
        got[0] = '\0';
        for (size_t q = 0; q < t.n; q++) {
            gla_key k;
            assert_int_equal(
                gla_token_key(&k, norm, kvecs[i].level, s, &t.v[q]), GLA_OK);
            w += (size_t)snprintf(got + w, sizeof got - w, "%s%s", q ? "|" : "",
                                  k.s);
            /* the map is relative to the token */
            assert_int_equal(k.map[k.len], t.v[q].end - t.v[q].start);
        }
        if (strcmp(got, kvecs[i].keys) != 0) {
            print_error("keys of \"%s\": got %s, want %s\n", s, got,
                        kvecs[i].keys);
            fail();
        }
    }
    gla_tokens_dispose(&t);
}

static void test_invalid(void **state)
{
    (void)state;
    gla_tokens t = GLA_TOKENS_INIT;
    assert_int_equal(gla_tokenize(&t, tk, "ok caf\xE9", 7), GLA_EUTF8);
    assert_int_equal(t.n, 0);
    assert_non_null(strstr(gla_tokenizer_errmsg(tk), "byte offset 6"));
    assert_int_equal(gla_tokenize(&t, tk, NULL, 0), GLA_OK);
    assert_int_equal(t.n, 0);
    assert_int_equal(gla_tokenize(&t, tk, NULL, 1), GLA_EINVAL);
    assert_null(gla_token_flag_name(1u << 20));
    assert_string_equal(gla_token_flag_name(GLA_TOK_ELISION), "elision");
    gla_tokens_dispose(&t);
    gla_tokenizer_free(NULL);
}

static void test_many_tokens(void **state)
{
    (void)state;
    gla_tokens t = GLA_TOKENS_INIT;
    size_t reps = 3000;
    const char *piece = "l'Arm\xC3\xA9"
                        "e vice-ministre 18e, ";
    size_t pl = strlen(piece);
    char *s = malloc(pl * reps);
    for (size_t r = 0; r < reps; r++)
        memcpy(s + r * pl, piece, pl);
    assert_int_equal(gla_tokenize(&t, tk, s, pl * reps), GLA_OK);
    assert_int_equal(t.n, 7 * reps);
    check_spans(s, pl * reps, &t);
    free(s);
    gla_tokens_dispose(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tokens),      cmocka_unit_test(test_split_offset),
        cmocka_unit_test(test_token_keys),  cmocka_unit_test(test_invalid),
        cmocka_unit_test(test_many_tokens),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
