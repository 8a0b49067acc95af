/*
 * Tests of the match module: the token automaton against a brute-force
 * reference, level and flag names, and (further down) the matcher over
 * text built from in-memory entries.
 */
#define _XOPEN_SOURCE 700 /* mkdtemp */
#include <glossalign/match.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

/* ---- the automaton --------------------------------------------------- */

#define MAXP 64

typedef struct pat {
    uint32_t toks[8]; /* zero-terminated */
    uint32_t payload;
} pat;

typedef struct hit {
    size_t end;       /* token index one past the match */
    uint32_t len;     /* tokens */
    uint32_t payload; /* pattern payload */
} hit;

static size_t pat_len(const pat *p)
{
    size_t n = 0;
    while (n < 8 && p->toks[n])
        n++;
    return n;
}

static int cmp_hit(const void *a, const void *b)
{
    const hit *x = a, *y = b;
    if (x->end != y->end)
        return x->end < y->end ? -1 : 1;
    if (x->len != y->len)
        return x->len > y->len ? -1 : 1;
    return x->payload < y->payload ? -1 : x->payload > y->payload;
}

/* Every occurrence of every pattern, by direct comparison. */
static size_t brute(hit *out, size_t cap, const pat *ps, size_t np,
                    const uint32_t *text, size_t n)
{
    size_t k = 0;
    for (size_t end = 1; end <= n; end++) {
        for (size_t p = 0; p < np; p++) {
            size_t len = pat_len(&ps[p]);
            if (len > end)
                continue;
            if (memcmp(ps[p].toks, text + end - len, len * 4) != 0)
                continue;
            assert_true(k < cap);
            out[k].end = end;
            out[k].len = (uint32_t)len;
            out[k].payload = ps[p].payload;
            k++;
        }
    }
    qsort(out, k, sizeof *out, cmp_hit);
    return k;
}

static size_t run(hit *out, size_t cap, const gla_automaton *a,
                  const uint32_t *text, size_t n)
{
    size_t k = 0;
    uint32_t s = GLA_AUTOMATON_ROOT;
    gla_automaton_hit hs[MAXP];
    for (size_t i = 0; i < n; i++) {
        s = gla_automaton_step(a, s, text[i]);
        size_t m = gla_automaton_outputs(a, s, hs, MAXP);
        assert_true(m <= MAXP);
        for (size_t j = 0; j < m; j++) {
            if (j > 0) /* longest first */
                assert_true(hs[j].len <= hs[j - 1].len);
            assert_true(k < cap);
            out[k].end = i + 1;
            out[k].len = hs[j].len;
            out[k].payload = hs[j].payload;
            k++;
        }
    }
    qsort(out, k, sizeof *out, cmp_hit);
    return k;
}

static gla_automaton *make(const pat *ps, size_t np)
{
    gla_automaton *a = NULL;
    assert_int_equal(gla_automaton_new(&a), GLA_OK);
    for (size_t i = 0; i < np; i++)
        assert_int_equal(gla_automaton_add(a, ps[i].toks, pat_len(&ps[i]),
                                           ps[i].payload),
                         GLA_OK);
    assert_int_equal(gla_automaton_compile(a), GLA_OK);
    return a;
}

/* Fixed cases with their expected hits written out. */
typedef struct ac_case {
    const char *name;
    pat pats[6];
    size_t np;
    uint32_t text[16];
    size_t n;
    hit want[12]; /* sorted as cmp_hit sorts */
    size_t nwant;
} ac_case;

static const ac_case ac_cases[] = {
    /* he=1 2, she=3 1 2, his=1 4 3, hers=1 2 5 3 */
    {"classic he/she/his/hers",
     {{{1, 2}, 10}, {{3, 1, 2}, 11}, {{1, 4, 3}, 12}, {{1, 2, 5, 3}, 13}},
     4,
     {9, 3, 1, 2, 5, 3, 1, 4, 3},
     9,
     {{4, 3, 11}, {4, 2, 10}, {6, 4, 13}, {9, 3, 12}},
     4},
    {"token 0 breaks a match",
     {{{7, 8}, 1}},
     1,
     {7, 0, 8, 7, 8},
     5,
     {{5, 2, 1}},
     1},
    {"same sequence, two payloads",
     {{{5, 6, 7}, 1}, {{5, 6, 7}, 2}, {{6, 7}, 3}},
     3,
     {5, 6, 7},
     3,
     {{3, 3, 1}, {3, 3, 2}, {3, 2, 3}},
     3},
    {"nested and repeated",
     {{{1}, 1}, {{1, 1}, 2}, {{1, 1, 1}, 3}},
     3,
     {1, 1, 1},
     3,
     {{1, 1, 1}, {2, 2, 2}, {2, 1, 1}, {3, 3, 3}, {3, 2, 2}, {3, 1, 1}},
     6},
    {"failure into a shorter pattern's middle",
     {{{1, 2, 3, 4}, 1}, {{2, 3, 5}, 2}},
     2,
     {1, 2, 3, 5, 1, 2, 3, 4},
     8,
     {{4, 3, 2}, {8, 4, 1}},
     2},
    {"ids beyond every pattern",
     {{{2, 3}, 4}},
     1,
     {100000, 2, 3, 4000000000u},
     4,
     {{3, 2, 4}},
     1},
};

static void test_automaton_cases(void **state)
{
    (void)state;
    for (size_t c = 0; c < sizeof ac_cases / sizeof ac_cases[0]; c++) {
        const ac_case *k = &ac_cases[c];
        gla_automaton *a = make(k->pats, k->np);
        hit got[64], ref[64];
        size_t ng = run(got, 64, a, k->text, k->n);
        size_t nr = brute(ref, 64, k->pats, k->np, k->text, k->n);
        if (ng != k->nwant)
            fail_msg("%s: %zu hits, want %zu", k->name, ng, k->nwant);
        assert_int_equal(nr, k->nwant);
        for (size_t i = 0; i < ng; i++) {
            if (memcmp(&got[i], &k->want[i], sizeof got[i]) != 0 ||
                memcmp(&ref[i], &k->want[i], sizeof ref[i]) != 0)
                fail_msg("%s: hit %zu is (%zu,%u,%u), want (%zu,%u,%u)",
                         k->name, i, got[i].end, got[i].len, got[i].payload,
                         k->want[i].end, k->want[i].len, k->want[i].payload);
        }
        gla_automaton_free(a);
    }
}

static uint32_t rng_state = 12345;
static uint32_t rnd(uint32_t n)
{
    rng_state = rng_state * 1103515245u + 12345u;
    return (rng_state >> 8) % n;
}

/* Random patterns over a small alphabet (many shared prefixes and
 * suffixes) against the brute-force reference. */
static void test_automaton_random(void **state)
{
    (void)state;
    for (int round = 0; round < 200; round++) {
        pat ps[MAXP];
        size_t np = 1 + rnd(40);
        uint32_t alpha = 2 + rnd(5);
        memset(ps, 0, sizeof ps);
        for (size_t i = 0; i < np; i++) {
            size_t len = 1 + rnd(6);
            for (size_t j = 0; j < len; j++)
                ps[i].toks[j] = 1 + rnd(alpha);
            ps[i].payload = (uint32_t)i;
        }
        uint32_t text[200];
        size_t n = 1 + rnd(200);
        for (size_t i = 0; i < n; i++)
            text[i] = rnd(alpha + 2); /* includes 0 and unknown ids */
        gla_automaton *a = make(ps, np);
        static hit got[40000], ref[40000];
        size_t ng = run(got, 40000, a, text, n);
        size_t nr = brute(ref, 40000, ps, np, text, n);
        assert_int_equal(ng, nr);
        assert_memory_equal(got, ref, ng * sizeof *got);
        gla_automaton_free(a);
    }
}

/* Sparse ids far apart: the root falls back to a sorted edge list. */
static void test_automaton_sparse_ids(void **state)
{
    (void)state;
    pat ps[3] = {{{3000000000u, 7}, 1}, {{7, 3000000000u}, 2},
                 {{500000000u}, 3}};
    gla_automaton *a = make(ps, 3);
    uint32_t text[] = {7, 3000000000u, 7, 500000000u};
    hit got[8], ref[8];
    size_t ng = run(got, 8, a, text, 4);
    size_t nr = brute(ref, 8, ps, 3, text, 4);
    assert_int_equal(ng, 3);
    assert_int_equal(nr, 3);
    assert_memory_equal(got, ref, ng * sizeof *got);
    gla_automaton_free(a);
}

static void test_automaton_misuse(void **state)
{
    (void)state;
    gla_automaton *a = NULL;
    assert_int_equal(gla_automaton_new(&a), GLA_OK);
    uint32_t t[GLA_MATCH_MAX_TOKENS + 1];
    for (size_t i = 0; i < GLA_MATCH_MAX_TOKENS + 1; i++)
        t[i] = 1;
    assert_int_equal(gla_automaton_add(a, t, 0, 0), GLA_EINVAL);
    assert_int_equal(gla_automaton_add(a, t, GLA_MATCH_MAX_TOKENS + 1, 0),
                     GLA_EINVAL);
    assert_int_equal(gla_automaton_add(a, t, GLA_MATCH_MAX_TOKENS, 0),
                     GLA_OK);
    uint32_t z[2] = {1, 0};
    assert_int_equal(gla_automaton_add(a, z, 2, 0), GLA_EINVAL);
    /* not compiled yet: stepping stays at the root */
    assert_int_equal(gla_automaton_step(a, 0, 1), GLA_AUTOMATON_ROOT);
    assert_int_equal(gla_automaton_compile(a), GLA_OK);
    assert_int_equal(gla_automaton_compile(a), GLA_OK);
    assert_int_equal(gla_automaton_add(a, t, 1, 0), GLA_EINVAL);
    assert_int_equal(gla_automaton_states(a), GLA_MATCH_MAX_TOKENS + 1);
    /* a state number out of range is treated as the root */
    assert_int_equal(gla_automaton_step(a, 99999, 1), 1);
    gla_automaton_free(a);
    gla_automaton_free(NULL);

    /* an empty automaton compiles and matches nothing */
    assert_int_equal(gla_automaton_new(&a), GLA_OK);
    assert_int_equal(gla_automaton_compile(a), GLA_OK);
    assert_int_equal(gla_automaton_step(a, 0, 1), 0);
    assert_int_equal(gla_automaton_outputs(a, 0, NULL, 0), 0);
    gla_automaton_free(a);
}

/* ---- names ----------------------------------------------------------- */

static void test_level_names(void **state)
{
    (void)state;
    static const struct {
        const char *in;
        int rc;
        unsigned set;
    } cases[] = {
        {"exact", GLA_OK, 0x01},
        {"exact,case", GLA_OK, 0x03},
        {"diacritics, translit ,inflection", GLA_OK, 0x1c},
        {"all", GLA_OK, GLA_MATCH_LEVELS_ALL},
        {"", GLA_EINVAL, 0},
        {"exact,", GLA_OK, 0x01},
        {"Exact", GLA_EINVAL, 0},
        {"exact,fuzzy", GLA_EINVAL, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        unsigned set = 0xdead;
        int rc = gla_match_levels_parse(&set, cases[i].in,
                                        strlen(cases[i].in));
        if (rc != cases[i].rc)
            fail_msg("'%s': rc %d, want %d", cases[i].in, rc, cases[i].rc);
        if (rc == GLA_OK && set != cases[i].set)
            fail_msg("'%s': set %#x, want %#x", cases[i].in, set,
                     cases[i].set);
    }
    assert_string_equal(gla_match_level_name(GLA_MATCH_TRANSLIT), "translit");
    assert_string_equal(gla_match_level_name((gla_match_level)9), "?");

    gla_buf b = GLA_BUF_INIT;
    assert_int_equal(gla_mention_flags_to_buf(&b, 0), GLA_OK);
    assert_int_equal(b.len, 0);
    assert_int_equal(
        gla_mention_flags_to_buf(&b, GLA_MENTION_GLUED | GLA_MENTION_AMBIGUOUS),
        GLA_OK);
    assert_string_equal(b.data, "glued,ambiguous");
    gla_buf_dispose(&b);
}

/* ---- the matcher over text ----------------------------------------- */

typedef struct tterm {
    const char *lang;   /* language */
    const char *text;   /* term */
    gla_status status;  /* status */
    gla_term_type type; /* type */
} tterm;

typedef struct tentry {
    const char *ref; /* entry ref */
    gla_kind kind;   /* kind */
    tterm terms[4];  /* up to 4, NULL lang ends */
} tentry;

#define P GLA_STATUS_PREFERRED
#define A GLA_STATUS_ADMITTED
#define D GLA_STATUS_DEPRECATED
#define FULL GLA_TYPE_FULL_FORM
#define ACR GLA_TYPE_ACRONYM
#define VAR GLA_TYPE_VARIANT

static const tentry glossary[] = {
    {"person.hoang-xuan-chien", GLA_KIND_PERSON,
     {{"vi", "Hoàng Xuân Chiên", P, FULL}}},
    {"person.phan-van-giang", GLA_KIND_PERSON,
     {{"vi", "Phan Văn Giang", P, FULL}, {"fr", "Phan Van Giang", A, VAR}}},
    {"person.andrei-belousov", GLA_KIND_PERSON,
     {{"fr", "Andreï Beloussov", P, FULL}, {"en", "Andrey Belousov", P, FULL},
      {"vi", "Andrei Belousov", P, FULL}}},
    {"person.nguyen-thi-van-anh", GLA_KIND_PERSON,
     {{"vi", "Nguyễn Thị Vân Anh", P, FULL}}},
    {"person.luong-cuong", GLA_KIND_PERSON, {{"vi", "Lương Cường", P, FULL}}},
    {"person.luong-cuong-2", GLA_KIND_PERSON,
     {{"vi", "Lương Cường", P, FULL}}},
    {"person.ho-chi-minh", GLA_KIND_PERSON, {{"vi", "Hồ Chí Minh", P, FULL}}},
    {"place.ho-chi-minh-ville", GLA_KIND_PLACE,
     {{"fr", "Hô Chi Minh-Ville", P, FULL},
      {"vi", "Thành phố Hồ Chí Minh", P, FULL}}},
    {"place.hanoi", GLA_KIND_PLACE,
     {{"vi", "Hà Nội", P, FULL}, {"fr", "Hanoï", P, FULL}}},
    {"place.soudan-du-sud", GLA_KIND_PLACE,
     {{"fr", "Soudan du Sud", P, FULL}, {"fr", "Sud-Soudan", D, VAR},
      {"vi", "Nam Sudan", P, FULL}}},
    {"org.apv", GLA_KIND_ORGANIZATION,
     {{"fr", "Armée populaire du Vietnam", P, FULL},
      {"vi", "Quân đội nhân dân Việt Nam", P, FULL}}},
    {"org.onu", GLA_KIND_ORGANIZATION,
     {{"fr", "Nations unies", P, FULL}, {"fr", "ONU", P, ACR},
      {"vi", "Liên Hợp Quốc", P, FULL}, {"en", "United Nations", P, FULL}}},
    {"term.maintien-de-la-paix", GLA_KIND_TERM,
     {{"fr", "maintien de la paix", P, FULL},
      {"vi", "gìn giữ hòa bình", P, FULL}}},
    {"term.hopital-de-campagne", GLA_KIND_TERM,
     {{"fr", "hôpital de campagne", P, FULL},
      {"vi", "bệnh viện dã chiến", P, FULL}}},
    {"rank.thuong-tuong", GLA_KIND_RANK,
     {{"fr", "général de corps d'armée", P, FULL},
      {"fr", "lieutenant-général supérieur", A, VAR},
      {"vi", "Thượng tướng", P, FULL}}},
    {"rank.vice-ministre-defense", GLA_KIND_RANK,
     {{"fr", "vice-ministre de la Défense", P, FULL},
      {"vi", "Thứ trưởng Bộ Quốc phòng", P, FULL}}},
    {"rank.ministre-defense", GLA_KIND_RANK,
     {{"fr", "ministre de la Défense", P, FULL},
      {"vi", "Bộ trưởng Bộ Quốc phòng", P, FULL}}},
    {"org.commission-militaire-centrale", GLA_KIND_ORGANIZATION,
     {{"fr", "Commission militaire centrale", P, FULL},
      {"vi", "Quân ủy Trung ương", P, FULL}}},
    {"acronym.doc", GLA_KIND_ACRONYM,
     {{"fr", "DOC", P, ACR},
      {"fr", "Déclaration sur la conduite des parties en mer Orientale", P,
       FULL}}},
    {"org.an", GLA_KIND_ORGANIZATION,
     {{"fr", "AN", P, ACR}, {"fr", "Assemblée nationale", P, FULL},
      {"vi", "Quốc hội", P, FULL}}},
    {"term.yu", GLA_KIND_PERSON, {{"fr", "Yu. M. Staviskiy", P, FULL}}},
    {"term.integration", GLA_KIND_TERM,
     {{"fr", "intégration internationale", P, FULL}}},
    {"title.president", GLA_KIND_RANK, {{"fr", "président", P, FULL}}},
    {"place.khanh-hoa", GLA_KIND_PLACE, {{"vi", "Khánh Hòa", P, FULL}}},
    {"person.de-gaulle", GLA_KIND_PERSON, {{"fr", "de Gaulle", P, FULL}}},
    {"person.le-van-tam", GLA_KIND_PERSON, {{"vi", "Lê Văn Tám", P, FULL}}},
};

static gla_matcher *build_glossary(void)
{
    gla_matcher_builder *b = NULL;
    assert_int_equal(gla_matcher_builder_new(&b, NULL), GLA_OK);
    for (size_t i = 0; i < sizeof glossary / sizeof glossary[0]; i++) {
        const tentry *te = &glossary[i];
        gla_entry e;
        memset(&e, 0, sizeof e);
        e.id = (int64_t)i + 1;
        e.ref = (char *)te->ref;
        e.kind = te->kind;
        gla_term terms[4];
        memset(terms, 0, sizeof terms);
        size_t n = 0;
        for (; n < 4 && te->terms[n].lang; n++) {
            terms[n].lang = (char *)te->terms[n].lang;
            terms[n].text = (char *)te->terms[n].text;
            terms[n].status = te->terms[n].status;
            terms[n].type = te->terms[n].type;
        }
        e.terms = terms;
        e.n_terms = n;
        int rc = gla_matcher_builder_add(b, &e);
        if (rc != GLA_OK)
            fail_msg("%s: %s", te->ref, gla_matcher_builder_errmsg(b));
    }
    gla_matcher *m = NULL;
    assert_int_equal(gla_matcher_build(&m, b, 42), GLA_OK);
    gla_matcher_builder_free(b);
    return m;
}

/* Mentions as one line each: "surface|ref|level|flags". */
static void scan_to(gla_buf *out, const gla_matcher *m, const char *text,
                    const gla_scan_options *opt, size_t chunk)
{
    gla_scanner *s = NULL;
    assert_int_equal(gla_scanner_new(&s, m, opt), GLA_OK);
    size_t len = strlen(text), at = 0;
    size_t settled = 0;
    do {
        size_t n = chunk && len - at > chunk ? chunk : len - at;
        int last = at + n == len;
        assert_int_equal(gla_scanner_feed(s, text + at, n, last), GLA_OK);
        at += n;
        gla_mention mt;
        while (gla_scanner_next(&mt, s) == GLA_OK) {
            assert_true(mt.span.start >= settled);
            assert_true(mt.span.end <= at);
            assert_memory_equal(mt.surface, text + mt.span.start,
                                mt.span.end - mt.span.start);
            gla_match_entry e;
            assert_int_equal(gla_matcher_entry(&e, m, mt.entry), GLA_OK);
            gla_buf_printf(out, "%.*s|%s|%s|",
                           (int)(mt.span.end - mt.span.start), mt.surface,
                           e.ref, gla_match_level_name(mt.level));
            gla_mention_flags_to_buf(out, mt.flags);
            gla_buf_puts(out, "\n");
            assert_true(mt.score > 0 && mt.score <= 1);
        }
        size_t st = gla_scanner_settled(s);
        assert_true(st >= settled);
        assert_true(st <= at);
        settled = st;
    } while (at < len);
    assert_int_equal(gla_scanner_settled(s), len);
    gla_scanner_free(s);
}

typedef struct text_case {
    const char *name;  /* what it shows */
    const char *text;  /* input */
    unsigned levels;   /* 0 = all */
    int all;           /* --all */
    const char *want;  /* expected lines */
} text_case;

static const text_case text_cases[] = {
    {"exact name and title",
     "le vice-ministre de la Défense, Hoàng Xuân Chiên, a déclaré", 0, 0,
     "vice-ministre de la Défense|rank.vice-ministre-defense|exact|\n"
     "Hoàng Xuân Chiên|person.hoang-xuan-chien|exact|\n"},
    {"name without diacritics, family name in capitals",
     "HOANG Xuan Chien et Hoang Xuan Chien", 0, 0,
     "HOANG Xuan Chien|person.hoang-xuan-chien|diacritics|\n"
     "Hoang Xuan Chien|person.hoang-xuan-chien|diacritics|\n"},
    {"decomposed input is exact",
     "Hoa\xcc\x80ng Xu\xc3\xa2n Chi\xc3\xaan", 0, 0,
     "Hoa\xcc\x80ng Xu\xc3\xa2n Chi\xc3\xaan|person.hoang-xuan-chien|exact|\n"},
    {"tone placement is a case-level difference",
     "Lương Cường", 0, 0,
     "Lương Cường|person.luong-cuong|exact|ambiguous\n"},
    {"elision stays outside the span",
     "de l\xe2\x80\x99" "Armée populaire du Vietnam", 0, 0,
     "Armée populaire du Vietnam|org.apv|exact|\n"},
    {"case differs",
     "des Nations Unies", 0, 0, "Nations Unies|org.onu|case|\n"},
    {"NBSP and line break inside terms",
     "Nations\xc2\xa0unies, maintien de la\npaix", 0, 0,
     "Nations\xc2\xa0unies|org.onu|exact|\n"
     "maintien de la\npaix|term.maintien-de-la-paix|exact|\n"},
    {"glued: lower then upper case",
     "desNations Unies", 0, 0, "Nations Unies|org.onu|case|glued\n"},
    {"glued: function word before a term",
     "demaintien de la paix", 0, 0,
     "maintien de la paix|term.maintien-de-la-paix|exact|glued\n"},
    {"glued inside a term",
     "le général decorps d\xe2\x80\x99" "armée Nguyen", 0, 0,
     "général decorps d\xe2\x80\x99" "armée|rank.thuong-tuong|exact|glued\n"},
    {"glued word next to a term leaves it clean",
     "dela Commission militaire centrale", 0, 0,
     "Commission militaire centrale|org.commission-militaire-centrale|"
     "exact|\n"},
    {"acronyms are case-sensitive",
     "la DOC, un doc, l\xe2\x80\x99" "AN et un an, l'ONU et l'onu", 0, 0,
     "DOC|acronym.doc|exact|\n"
     "AN|org.an|exact|\n"
     "ONU|org.onu|exact|\n"},
    {"glued: two words of terms without a space",
     "l’intégrationinternationale, mais pas integrationnationale", 0, 0,
     "intégrationinternationale|term.integration|exact|glued\n"},
    {"number, not derivation; a one-word term keeps its gender",
     "la présidente, les présidents, la présidence, il préside", 0, 0,
     "présidents|title.president|inflection|\n"},
    {"gender inside a longer term",
     "les intégrations internationales", 0, 0,
     "intégrations internationales|term.integration|inflection|\n"},
    {"tone placement differs: case level",
     "Khánh Hoà et Khanh Hoa", 0, 0,
     "Khánh Hoà|place.khanh-hoa|case|\n"
     "Khanh Hoa|place.khanh-hoa|diacritics|\n"},
    {"plural of a common-noun term",
     "deux hôpitaux de campagne", 0, 0,
     "hôpitaux de campagne|term.hopital-de-campagne|inflection|\n"},
    {"transliteration of a foreign name",
     "Andrey Beloussov, Andreï Beloussov", 0, 0,
     "Andrey Beloussov|person.andrei-belousov|translit|\n"
     "Andreï Beloussov|person.andrei-belousov|exact|\n"},
    {"a capitalised name needs a capital in the text",
     "le président hanoi, ha noi; Ha noi", 0, 0,
     "président|title.president|exact|\n"},
    {"a name written without a capital in the glossary starts so in text",
     "le général de Gaulle, le général De Gaulle", 0, 0,
     "de Gaulle|person.de-gaulle|exact|\n"
     "De Gaulle|person.de-gaulle|case|\n"},
    {"lower-case le starts no name; the name after it still matches",
     "le Lê Văn Tám, le le van tam, le LE VAN TAM, leLê Văn Tám", 0, 0,
     "Lê Văn Tám|person.le-van-tam|exact|\n"
     "LE VAN TAM|person.le-van-tam|diacritics|\n"
     "Lê Văn Tám|person.le-van-tam|exact|glued\n"},
    {"places in one word or two",
     "Hanoi, Ha Noi, Hà Nội, Hanoï", 0, 0,
     "Hanoi|place.hanoi|diacritics|\n"
     "Ha Noi|place.hanoi|diacritics|\n"
     "Hà Nội|place.hanoi|exact|\n"
     "Hanoï|place.hanoi|exact|\n"},
    {"caption debris makes no match",
     "Nguyen Thi Van ảnh 1Le ministre de la Défense", 0, 0,
     "ministre de la Défense|rank.ministre-defense|exact|\n"},
    {"the same name not followed by a number",
     "Nguyen Thi Van Anh", 0, 0,
     "Nguyen Thi Van Anh|person.nguyen-thi-van-anh|diacritics|\n"},
    {"longest leftmost",
     "à Hô Chi Minh-Ville", 0, 0,
     "Hô Chi Minh-Ville|place.ho-chi-minh-ville|exact|\n"},
    {"deprecated term",
     "au Sud-Soudan", 0, 0,
     "Sud-Soudan|place.soudan-du-sud|exact|deprecated\n"},
    {"levels: exact only",
     "HOANG Xuan Chien, Hoàng Xuân Chiên", GLA_MATCH_LEVEL_BIT(0), 0,
     "Hoàng Xuân Chiên|person.hoang-xuan-chien|exact|\n"},
    {"all overlaps",
     "le vice-ministre de la Défense", 0, 1,
     "vice-ministre de la Défense|rank.vice-ministre-defense|exact|overlap\n"
     "ministre de la Défense|rank.ministre-defense|exact|overlap\n"},
    {"punctuation inside a term",
     "Yu. M. Staviskiy et Yu.M.Stavitski, mais pas Yu M Staviskiy", 0, 0,
     "Yu. M. Staviskiy|term.yu|exact|\n"
     "Yu.M.Stavitski|term.yu|translit|\n"},
    {"punctuation between words breaks a term",
     "maintien de la, paix", 0, 0, ""},
    {"paragraph break breaks a term",
     "Nations\n\nunies", 0, 0, ""},
    {"invalid bytes never match and never fail",
     "Nations \xff unies; ONU\xc3", 0, 0, "ONU|org.onu|exact|\n"},
};

static void test_matcher_text(void **state)
{
    (void)state;
    gla_matcher *m = build_glossary();
    for (size_t i = 0; i < sizeof text_cases / sizeof text_cases[0]; i++) {
        const text_case *c = &text_cases[i];
        gla_scan_options opt = GLA_SCAN_OPTIONS_INIT;
        opt.levels = c->levels;
        opt.all = c->all;
        /* whole, then in chunks of every small size: same answer */
        for (size_t chunk = 0; chunk <= 7; chunk++) {
            gla_buf got = GLA_BUF_INIT;
            scan_to(&got, m, c->text, &opt, chunk);
            const char *g = got.data ? got.data : "";
            if (strcmp(g, c->want) != 0)
                fail_msg("%s (chunk %zu):\n got:\n%s want:\n%s", c->name,
                         chunk, g, c->want);
            gla_buf_dispose(&got);
        }
    }
    gla_matcher_free(m);
}

/* ---- images, cache files and the store ------------------------------- */

static void scan_whole(gla_buf *out, const gla_matcher *m, const char *text)
{
    scan_to(out, m, text, NULL, 0);
}

static const char sample[] =
    "Le vice-ministre de la Défense HOANG Xuan Chien a reçu à Hanoi "
    "le général decorps d'armée; la DOC et les hôpitaux de campagne.";

static char tmpdir[64];

static int setup_tmp(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/test_match.XXXXXX");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown_tmp(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

static void test_image_roundtrip(void **state)
{
    (void)state;
    gla_matcher *m = build_glossary();
    char path[128];
    snprintf(path, sizeof path, "%s/image.match", tmpdir);
    assert_int_equal(gla_matcher_save(m, path), GLA_OK);

    gla_matcher *l = NULL;
    assert_int_equal(gla_matcher_load(&l, path, 42, "fr"), GLA_OK);
    gla_matcher_stats a, b;
    gla_matcher_stats_get(&a, m);
    gla_matcher_stats_get(&b, l);
    assert_int_equal(b.mapped, 1);
    assert_int_equal(a.mapped, 0);
    assert_int_equal(a.entries, b.entries);
    assert_int_equal(a.patterns, b.patterns);
    assert_int_equal(a.image_bytes, b.image_bytes);
    assert_int_equal(gla_matcher_stamp(l), 42);

    /* the mapped image finds exactly what the built one finds */
    gla_buf x = GLA_BUF_INIT, y = GLA_BUF_INIT;
    scan_whole(&x, m, sample);
    scan_whole(&y, l, sample);
    assert_non_null(x.data);
    assert_string_equal(x.data, y.data);
    gla_buf_dispose(&x);
    gla_buf_dispose(&y);

    /* concepts, terms, targets */
    uint32_t idx;
    assert_int_equal(gla_matcher_find_ref(&idx, l, "org.onu"), GLA_OK);
    gla_match_entry e;
    assert_int_equal(gla_matcher_entry(&e, l, idx), GLA_OK);
    assert_string_equal(e.ref, "org.onu");
    assert_string_equal(e.canonical, "Nations unies");
    assert_int_equal(e.n_terms, 4);
    gla_buf t = GLA_BUF_INIT;
    assert_int_equal(gla_matcher_targets(&t, l, idx, "vi"), GLA_OK);
    assert_string_equal(t.data, "Liên Hợp Quốc");
    gla_buf_clear(&t);
    assert_int_equal(gla_matcher_targets(&t, l, idx, "fr"), GLA_OK);
    assert_string_equal(t.data, "Nations unies | ONU");
    gla_buf_clear(&t);
    assert_int_equal(gla_matcher_find_ref(&idx, l, "place.soudan-du-sud"),
                     GLA_OK);
    assert_int_equal(gla_matcher_targets(&t, l, idx, "fr"), GLA_OK);
    assert_string_equal(t.data, "Soudan du Sud"); /* not the deprecated one */
    gla_buf_dispose(&t);
    assert_int_equal(gla_matcher_find_ref(&idx, l, "no.such"), GLA_ENOTFOUND);
    assert_int_equal(gla_matcher_entry(&e, l, 100000), GLA_EINVAL);

    /* stale stamp, other language, missing file */
    gla_matcher *z = NULL;
    assert_int_equal(gla_matcher_load(&z, path, 43, "fr"), GLA_EEXISTS);
    assert_true(strlen(gla_matcher_errmsg(z)) > 0);
    gla_matcher_free(z);
    assert_int_equal(gla_matcher_load(&z, path, 42, "vi"), GLA_EEXISTS);
    gla_matcher_free(z);
    char missing[160];
    snprintf(missing, sizeof missing, "%s/none.match", tmpdir);
    assert_int_equal(gla_matcher_load(&z, missing, 0, NULL), GLA_ENOTFOUND);
    gla_matcher_free(z);
    gla_matcher_free(l);
    gla_matcher_free(m);
}

/* Damaged cache files are refused with GLA_EPARSE, never crash. */
static void test_image_damaged(void **state)
{
    (void)state;
    gla_matcher *m = build_glossary();
    char path[128];
    snprintf(path, sizeof path, "%s/damaged.match", tmpdir);
    assert_int_equal(gla_matcher_save(m, path), GLA_OK);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    static unsigned char img[1 << 20];
    size_t n = fread(img, 1, sizeof img, f);
    fclose(f);
    assert_true(n > 1000 && n < sizeof img);

    struct {
        const char *what;
        size_t cut;     /* truncate to this size (0: keep) */
        size_t flip;    /* byte to flip (SIZE_MAX: none) */
        int rc;         /* expected */
    } cases[] = {
        {"empty", 1, SIZE_MAX, GLA_EPARSE},
        {"truncated", n - 8, SIZE_MAX, GLA_EPARSE},
        {"bad magic", 0, 0, GLA_EPARSE},
        {"header bit", 0, 40, GLA_EPARSE},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        unsigned char *copy = malloc(n);
        memcpy(copy, img, n);
        size_t len = cases[i].cut ? cases[i].cut - (cases[i].cut == 1) : n;
        if (cases[i].flip != SIZE_MAX)
            copy[cases[i].flip] ^= 0x5a;
        f = fopen(path, "wb");
        assert_non_null(f);
        assert_int_equal(fwrite(copy, 1, len, f), len);
        fclose(f);
        free(copy);
        gla_matcher *l = NULL;
        int rc = gla_matcher_load(&l, path, 0, NULL);
        if (rc != cases[i].rc)
            fail_msg("%s: rc %d, want %d", cases[i].what, rc, cases[i].rc);
        gla_matcher_free(l);
    }
    /* A body byte flipped is not detected, but scanning stays safe. */
    for (size_t at = 4096; at < n; at += 97) {
        unsigned char *copy = malloc(n);
        memcpy(copy, img, n);
        copy[at] ^= 0xff;
        f = fopen(path, "wb");
        fwrite(copy, 1, n, f);
        fclose(f);
        free(copy);
        gla_matcher *l = NULL;
        if (gla_matcher_load(&l, path, 0, NULL) == GLA_OK) {
            gla_scanner *s = NULL;
            assert_int_equal(gla_scanner_new(&s, l, NULL), GLA_OK);
            assert_int_equal(gla_scanner_feed(s, sample, strlen(sample), 1),
                             GLA_OK);
            gla_mention mt;
            while (gla_scanner_next(&mt, s) == GLA_OK) {
                assert_true(mt.span.end <= strlen(sample));
                gla_match_entry e;
                gla_matcher_entry(&e, l, mt.entry);
            }
            gla_scanner_free(s);
        }
        gla_matcher_free(l);
    }
    gla_matcher_free(m);
}

static int add_entry(gla_db *db, const char *ref, gla_kind kind,
                     const char *lang, const char *text)
{
    gla_entry e;
    memset(&e, 0, sizeof e);
    e.ref = (char *)ref;
    e.kind = kind;
    gla_term t;
    memset(&t, 0, sizeof t);
    t.lang = (char *)lang;
    t.text = (char *)text;
    t.status = GLA_STATUS_PREFERRED;
    e.terms = &t;
    e.n_terms = 1;
    return gla_db_entry_add(NULL, db, &e);
}

static void test_store_cache(void **state)
{
    (void)state;
    char path[128], cache[160];
    snprintf(path, sizeof path, "%s/g.db", tmpdir);
    gla_db *db = NULL;
    assert_int_equal(gla_db_open(&db, path, GLA_DB_CREATE), GLA_OK);
    assert_int_equal(add_entry(db, "term.maintien", GLA_KIND_TERM, "fr",
                               "maintien de la paix"),
                     GLA_OK);
    assert_int_equal(add_entry(db, "person.giang", GLA_KIND_PERSON, "vi",
                               "Phan Văn Giang"),
                     GLA_OK);
    uint64_t st1, st2;
    assert_int_equal(gla_matcher_db_stamp(&st1, db), GLA_OK);
    assert_int_equal(gla_matcher_db_stamp(&st2, db), GLA_OK);
    assert_true(st1 == st2 && st1 != 0);

    gla_buf cp = GLA_BUF_INIT;
    assert_int_equal(gla_matcher_cache_path(&cp, path), GLA_OK);
    snprintf(cache, sizeof cache, "%s.match", path);
    assert_string_equal(cp.data, cache);
    gla_buf_dispose(&cp);

    /* first open compiles and writes the cache; the second maps it */
    gla_matcher *m = NULL;
    assert_int_equal(gla_matcher_open(&m, db, path, NULL), GLA_OK);
    gla_matcher_stats s;
    gla_matcher_stats_get(&s, m);
    assert_int_equal(s.mapped, 0);
    assert_int_equal(s.entries, 2);
    gla_matcher_free(m);
    FILE *f = fopen(cache, "rb");
    assert_non_null(f);
    fclose(f);
    assert_int_equal(gla_matcher_open(&m, db, path, NULL), GLA_OK);
    gla_matcher_stats_get(&s, m);
    assert_int_equal(s.mapped, 1);
    gla_buf out = GLA_BUF_INIT;
    scan_whole(&out, m, "Phan Van Giang et le maintien de la paix");
    assert_string_equal(out.data,
                        "Phan Van Giang|person.giang|diacritics|\n"
                        "maintien de la paix|term.maintien|exact|\n");
    gla_buf_clear(&out);
    gla_matcher_free(m);

    /* a change to the glossary makes the cache stale: rebuilt */
    assert_int_equal(add_entry(db, "org.onu", GLA_KIND_ORGANIZATION, "fr",
                               "Nations unies"),
                     GLA_OK);
    assert_int_equal(gla_matcher_db_stamp(&st2, db), GLA_OK);
    assert_true(st2 != st1);
    assert_int_equal(gla_matcher_open(&m, db, path, NULL), GLA_OK);
    gla_matcher_stats_get(&s, m);
    assert_int_equal(s.mapped, 0);
    assert_int_equal(s.entries, 3);
    scan_whole(&out, m, "les Nations unies");
    assert_string_equal(out.data, "Nations unies|org.onu|exact|\n");
    gla_buf_clear(&out);
    gla_matcher_free(m);

    /* a cache file that is garbage is replaced, not trusted */
    f = fopen(cache, "wb");
    assert_non_null(f);
    fputs("garbage", f);
    fclose(f);
    assert_int_equal(gla_matcher_open(&m, db, path, NULL), GLA_OK);
    gla_matcher_stats_get(&s, m);
    assert_int_equal(s.mapped, 0);
    assert_int_equal(s.entries, 3);
    gla_matcher_free(m);
    assert_int_equal(gla_matcher_open(&m, db, path, NULL), GLA_OK);
    gla_matcher_stats_get(&s, m);
    assert_int_equal(s.mapped, 1);
    gla_matcher_free(m);

    /* another source language is another image */
    gla_matcher_options o = GLA_MATCHER_OPTIONS_INIT;
    o.source_lang = "vi";
    assert_int_equal(gla_matcher_open(&m, db, path, &o), GLA_OK);
    assert_string_equal(gla_matcher_source_lang(m), "vi");
    gla_matcher_stats_get(&s, m);
    assert_int_equal(s.mapped, 0);
    gla_matcher_free(m);
    gla_buf_dispose(&out);
    gla_db_close(db);
}

/* ---- streaming ------------------------------------------------------- */

/* A long document fed in uneven chunks: the same mentions as whole, and
 * the text held stays bounded. */
static void test_streaming_bounded(void **state)
{
    (void)state;
    gla_matcher *m = build_glossary();
    gla_buf doc = GLA_BUF_INIT, one = GLA_BUF_INIT;
    for (int i = 0; i < 2000; i++)
        gla_buf_printf(&doc, "%s paragraphe %d.\n\n", sample, i);
    scan_whole(&one, m, sample);
    size_t per = 0;
    for (const char *p = one.data; (p = strchr(p, '\n')); p++)
        per++;
    assert_true(per >= 5);

    gla_scanner *s = NULL;
    assert_int_equal(gla_scanner_new(&s, m, NULL), GLA_OK);
    size_t at = 0, count = 0, printed = 0, step = 1;
    while (at < doc.len) {
        size_t n = doc.len - at < step ? doc.len - at : step;
        int last = at + n == doc.len;
        assert_int_equal(gla_scanner_feed(s, doc.data + at, n, last), GLA_OK);
        at += n;
        step = step * 7 % 1013 + 1;
        gla_mention mt;
        while (gla_scanner_next(&mt, s) == GLA_OK) {
            count++;
            assert_true(mt.span.start >= printed);
            const char *p = NULL;
            assert_int_equal(gla_scanner_text(&p, s, printed, mt.span.end),
                             GLA_OK);
            assert_memory_equal(p, doc.data + printed, mt.span.end - printed);
            printed = mt.span.end;
        }
        size_t st = gla_scanner_settled(s);
        if (st > printed) {
            const char *p = NULL;
            assert_int_equal(gla_scanner_text(&p, s, printed, st), GLA_OK);
            printed = st;
        }
        /* what is held: at most a chunk and a few words beyond */
        const char *p = NULL;
        assert_int_equal(gla_scanner_text(&p, s, at, at), GLA_OK);
        if (at > 4000)
            assert_int_equal(gla_scanner_text(&p, s, 0, 1), GLA_EINVAL);
    }
    assert_int_equal(count, per * 2000);
    assert_int_equal(printed, doc.len);
    /* feeding after the end needs a reset */
    assert_int_equal(gla_scanner_feed(s, "x", 1, 1), GLA_EINVAL);
    gla_scanner_reset(s);
    assert_int_equal(gla_scanner_feed(s, sample, strlen(sample), 1), GLA_OK);
    size_t again = 0;
    gla_mention mt;
    while (gla_scanner_next(&mt, s) == GLA_OK)
        again++;
    assert_int_equal(again, per);
    gla_scanner_free(s);
    gla_buf_dispose(&doc);
    gla_buf_dispose(&one);
    gla_matcher_free(m);
}

static void test_builder_errors(void **state)
{
    (void)state;
    gla_matcher_builder *b = NULL;
    gla_matcher_options bad = GLA_MATCHER_OPTIONS_INIT;
    bad.source_lang = "";
    assert_int_equal(gla_matcher_builder_new(&b, &bad), GLA_EINVAL);
    assert_int_equal(gla_matcher_builder_new(&b, NULL), GLA_OK);
    gla_entry e;
    memset(&e, 0, sizeof e);
    gla_term t[2];
    memset(t, 0, sizeof t);
    e.terms = t;
    e.n_terms = 1;
    t[0].lang = "fr";
    t[0].text = "x";
    assert_int_equal(gla_matcher_builder_add(b, &e), GLA_EINVAL); /* no ref */
    e.ref = "term.bad";
    t[0].text = "caf\xe9";
    assert_int_equal(gla_matcher_builder_add(b, &e), GLA_EUTF8);
    assert_non_null(strstr(gla_matcher_builder_errmsg(b), "term.bad"));
    /* terms that cannot match are counted, not fatal */
    t[0].text = "...";
    e.ref = "term.punct";
    assert_int_equal(gla_matcher_builder_add(b, &e), GLA_OK);
    gla_buf longterm = GLA_BUF_INIT;
    for (int i = 0; i < GLA_MATCH_MAX_TOKENS + 1; i++)
        gla_buf_puts(&longterm, "mot ");
    t[0].text = longterm.data;
    e.ref = "term.long";
    assert_int_equal(gla_matcher_builder_add(b, &e), GLA_OK);
    t[0].text = "  ";
    e.ref = "term.blank";
    assert_int_equal(gla_matcher_builder_add(b, &e), GLA_OK);
    gla_matcher *m = NULL;
    assert_int_equal(gla_matcher_build(&m, b, 0), GLA_OK);
    gla_matcher_stats s;
    gla_matcher_stats_get(&s, m);
    assert_int_equal(s.entries, 3);
    assert_int_equal(s.skipped_terms, 2); /* the long one and the blank one */
    gla_matcher *m2 = NULL;
    assert_int_equal(gla_matcher_build(&m2, b, 0), GLA_EINVAL); /* spent */
    assert_null(m2);
    assert_int_equal(gla_matcher_builder_add(b, &e), GLA_EINVAL);
    gla_matcher_builder_free(b);
    gla_buf_dispose(&longterm);
    /* "..." is punctuation only: a pattern, and it matches */
    gla_buf out = GLA_BUF_INIT;
    scan_whole(&out, m, "et ... voilà");
    assert_string_equal(out.data, "...|term.punct|exact|\n");
    gla_buf_dispose(&out);
    gla_matcher_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_automaton_cases),
        cmocka_unit_test(test_automaton_random),
        cmocka_unit_test(test_automaton_sparse_ids),
        cmocka_unit_test(test_automaton_misuse),
        cmocka_unit_test(test_level_names),
        cmocka_unit_test(test_matcher_text),
        cmocka_unit_test(test_image_roundtrip),
        cmocka_unit_test(test_image_damaged),
        cmocka_unit_test(test_store_cache),
        cmocka_unit_test(test_streaming_bounded),
        cmocka_unit_test(test_builder_errors),
    };
    return cmocka_run_group_tests(tests, setup_tmp, teardown_tmp);
}
