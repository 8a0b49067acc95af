/*
 * Tests of the names module: parsing (order, titles, Le vs Lê, NOM
 * Prénom, hyphens), resolution against an in-memory glossary built from
 * gla_entry structs (the seed articles' real variants, aliases,
 * ambiguity, edit distances, transliteration, initials), the fuzzy index
 * against a brute-force scan, and partial mentions in document context.
 */
#define _POSIX_C_SOURCE 200809L

/* cmocka needs these first, in this order. */
// clang-format off
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
// clang-format on

#include <glossalign/names.h>
#include <glossalign/normalize.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "names/names_int.h"

/* ---- the test glossary ----------------------------------------------- */

typedef struct tterm {
    const char *lang; /* language */
    const char *text; /* term */
} tterm;

typedef struct tentry {
    const char *ref; /* entry ref */
    gla_kind kind;   /* kind */
    tterm terms[4];  /* terms, NULL-terminated */
} tentry;

static const tentry glossary[] = {
    {"person.phan-van-giang",
     GLA_KIND_PERSON,
     {{"vi", "Phan Văn Giang"}, {"fr", "Phan Van Giang"}}},
    {"person.le-van-giang", GLA_KIND_PERSON, {{"vi", "Lê Văn Giang"}}},
    {"person.hoang-xuan-chien",
     GLA_KIND_PERSON,
     {{"vi", "Hoàng Xuân Chiến"}, {"fr", "Hoang Xuan Chien"}}},
    {"person.be-xuan-truong", GLA_KIND_PERSON, {{"vi", "Bế Xuân Trường"}}},
    {"person.nguyen-nam-duong", GLA_KIND_PERSON, {{"vi", "Nguyễn Nam Dương"}}},
    {"person.hoang-dinh-cong", GLA_KIND_PERSON, {{"vi", "Hoàng Đình Công"}}},
    {"person.to-lam", GLA_KIND_PERSON, {{"vi", "Tô Lâm"}, {"fr", "To Lam"}}},
    {"person.le-hong-quang", GLA_KIND_PERSON, {{"vi", "Lê Hồng Quang"}}},
    {"person.le-thi-thu-hang", GLA_KIND_PERSON, {{"vi", "Lê Thị Thu Hằng"}}},
    {"person.le-khuong-duy", GLA_KIND_PERSON, {{"vi", "Lê Khương Duy"}}},
    {"person.huynh-van-tam", GLA_KIND_PERSON, {{"vi", "Huỳnh Văn Tâm"}}},
    {"person.vo-van-kiet", GLA_KIND_PERSON, {{"vi", "Võ Văn Kiệt"}}},
    {"person.nguyen-van-hung-1", GLA_KIND_PERSON, {{"vi", "Nguyễn Văn Hùng"}}},
    {"person.nguyen-van-hung-2", GLA_KIND_PERSON, {{"vi", "Nguyễn Văn Hưng"}}},
    {"person.bui-quang-huy-1", GLA_KIND_PERSON, {{"vi", "Bùi Quang Huy"}}},
    {"person.bui-quang-huy-2", GLA_KIND_PERSON, {{"vi", "Bùi Quang Huy"}}},
    {"person.nguyen-thi-thuy", GLA_KIND_PERSON, {{"vi", "Nguyễn Thị Thuý"}}},
    {"person.ly-van-sau", GLA_KIND_PERSON, {{"vi", "Lý Văn Sáu"}}},
    {"person.stavitski",
     GLA_KIND_PERSON,
     {{"fr", "Iouri Stavitski"}, {"en", "Yuri Stavitskiy"}}},
    {"person.belousov",
     GLA_KIND_PERSON,
     {{"fr", "Andreï Removitch Beloussov"},
      {"en", "Andrey Removich Belousov"}}},
    {"person.shoigu",
     GLA_KIND_PERSON,
     {{"fr", "Sergueï Choïgou"}, {"en", "Sergei Shoigu"}}},
    {"place.ha-noi",
     GLA_KIND_PLACE,
     {{"vi", "Hà Nội"}, {"fr", "Hanoï"}, {"en", "Hanoi"}}},
    {"rank.general", GLA_KIND_RANK, {{"fr", "général"}, {"en", "general"}}},
    {"rank.lieutenant-general-superieur",
     GLA_KIND_RANK,
     {{"fr", "lieutenant-général supérieur"}}},
    {"rank.general-de-corps-d-armee",
     GLA_KIND_RANK,
     {{"fr", "général de corps d'armée"}}},
    {"rank.general-de-division",
     GLA_KIND_RANK,
     {{"fr", "général de division"}}},
    {"rank.ambassador",
     GLA_KIND_RANK,
     {{"fr", "ambassadeur"}, {"fr", "ambassadrice"}, {"en", "ambassador"}}},
    {"rank.major", GLA_KIND_RANK, {{"fr", "major"}}},
    {"rank.capitaine", GLA_KIND_RANK, {{"fr", "capitaine"}}},
    {"rank.commandant", GLA_KIND_RANK, {{"fr", "commandant"}}},
    {"rank.ministre", GLA_KIND_RANK, {{"fr", "ministre"}}},
    {"rank.secretaire-general", GLA_KIND_RANK, {{"fr", "secrétaire général"}}},
    {"term.defense", GLA_KIND_TERM, {{"fr", "défense"}}},
};

static gla_names *build_set(int max_distance)
{
    gla_names_opts o = GLA_NAMES_OPTS_INIT;
    o.max_distance = max_distance;
    gla_names *nm = NULL;
    assert_int_equal(gla_names_new(&nm, &o), GLA_OK);
    for (size_t i = 0; i < sizeof glossary / sizeof glossary[0]; i++) {
        gla_entry e;
        memset(&e, 0, sizeof e);
        e.id = (int64_t)i + 1;
        e.ref = (char *)glossary[i].ref;
        e.kind = glossary[i].kind;
        for (size_t t = 0; t < 4 && glossary[i].terms[t].text; t++) {
            gla_term term;
            memset(&term, 0, sizeof term);
            term.lang = (char *)glossary[i].terms[t].lang;
            term.text = (char *)glossary[i].terms[t].text;
            term.status = t == 0 ? GLA_STATUS_PREFERRED : GLA_STATUS_ADMITTED;
            assert_int_equal(gla_entry_add_term(&e, &term), GLA_OK);
        }
        e.ref = NULL; /* gla_entry_clear() frees strings it owns only */
        gla_entry tmp = e;
        tmp.ref = (char *)glossary[i].ref;
        assert_int_equal(gla_names_add_entry(nm, &tmp), GLA_OK);
        gla_entry_clear(&e);
    }
    assert_int_equal(gla_names_build(nm), GLA_OK);
    return nm;
}

static int setup(void **state)
{
    *state = build_set(2);
    return 0;
}

static int teardown(void **state)
{
    gla_names_free(*state);
    return 0;
}

/* ---- parsing ------------------------------------------------------------ */

typedef struct parse_case {
    const char *in;       /* text */
    int rc;               /* expected result */
    const char *key;      /* canonical K2 key */
    gla_name_order order; /* expected order */
    unsigned flags_on;    /* flags that must be set */
    unsigned flags_off;   /* flags that must be clear */
    const char *title;    /* the title span's text, "" for none */
    const char *family;   /* the family token as written */
    const char *given;    /* the given-name token as written */
} parse_case;

static const parse_case parse_cases[] = {
    {"Hoàng Xuân Chiên", GLA_OK, "hoang xuan chien", GLA_NAME_FAMILY_FIRST,
     GLA_NAME_KNOWN_FAMILY | GLA_NAME_VIETNAMESE, GLA_NAME_TITLE, "", "Hoàng",
     "Chiên"},
    {"Xuan Chien HOANG", GLA_OK, "hoang xuan chien", GLA_NAME_NOM_PRENOM,
     GLA_NAME_ALLCAPS | GLA_NAME_KNOWN_FAMILY, 0, "", "HOANG", "Chien"},
    {"HOANG Xuan Chien", GLA_OK, "hoang xuan chien", GLA_NAME_FAMILY_FIRST,
     GLA_NAME_ALLCAPS, 0, "", "HOANG", "Chien"},
    {"Van Hung Nguyen", GLA_OK, "nguyen van hung", GLA_NAME_NOM_PRENOM,
     GLA_NAME_VIETNAMESE, GLA_NAME_ALLCAPS, "", "Nguyen", "Hung"},
    {"Nguyen-Van Hung", GLA_OK, "nguyen van hung", GLA_NAME_FAMILY_FIRST,
     GLA_NAME_HYPHEN, 0, "", "Nguyen", "Hung"},
    {"le général Phan Van Giang", GLA_OK, "phan van giang",
     GLA_NAME_FAMILY_FIRST, GLA_NAME_TITLE, 0, "le général", "Phan", "Giang"},
    {"le lieutenant-général supérieur Hoàng Xuân Chiên", GLA_OK,
     "hoang xuan chien", GLA_NAME_FAMILY_FIRST, GLA_NAME_TITLE, 0,
     "le lieutenant-général supérieur", "Hoàng", "Chiên"},
    {"l’ambassadrice Nguyên Thi Vân Anh", GLA_OK, "nguyen thi van anh",
     GLA_NAME_FAMILY_FIRST, GLA_NAME_TITLE, 0, "l’ambassadrice", "Nguyên",
     "Anh"},
    {"M. Nguyen Van A", GLA_OK, "nguyen van a", GLA_NAME_FAMILY_FIRST,
     GLA_NAME_TITLE, 0, "M.", "Nguyen", "A"},
    {"le général de corps d’armée Hoang Xuan Chien", GLA_OK, "hoang xuan chien",
     GLA_NAME_FAMILY_FIRST, GLA_NAME_TITLE, 0, "le général de corps d’armée",
     "Hoang", "Chien"},
    {"le général de division, commandant Yu. M. Staviskiy", GLA_OK,
     "yu m staviskiy", GLA_NAME_GIVEN_FIRST, GLA_NAME_TITLE | GLA_NAME_INITIALS,
     0, "le général de division, commandant", "Staviskiy", "Yu"},
    /* Le the family name, le the article. */
    {"Le Hong Quang", GLA_OK, "le hong quang", GLA_NAME_FAMILY_FIRST,
     GLA_NAME_LE_FAMILY | GLA_NAME_KNOWN_FAMILY, GLA_NAME_TITLE, "", "Le",
     "Quang"},
    {"Le Thi Thu Hang", GLA_OK, "le thi thu hang", GLA_NAME_FAMILY_FIRST,
     GLA_NAME_LE_FAMILY, GLA_NAME_TITLE, "", "Le", "Hang"},
    {"le Phan Van Giang", GLA_OK, "phan van giang", GLA_NAME_FAMILY_FIRST, 0,
     GLA_NAME_LE_FAMILY, "", "Phan", "Giang"},
    {"le général", GLA_ENOTFOUND, NULL, 0, 0, 0, NULL, NULL, NULL},
    {"", GLA_ENOTFOUND, NULL, 0, 0, 0, NULL, NULL, NULL},
    /* One token. */
    {"Nguyễn", GLA_OK, "nguyen", GLA_NAME_FAMILY_FIRST, GLA_NAME_FAMILY_ONLY, 0,
     "", "Nguyễn", NULL},
    {"Giang", GLA_OK, "giang", GLA_NAME_FAMILY_FIRST, GLA_NAME_FAMILY_ONLY, 0,
     "", "Giang", NULL},
    {"Chiên", GLA_OK, "chien", GLA_NAME_FAMILY_FIRST, 0, GLA_NAME_FAMILY_ONLY,
     "", NULL, "Chiên"},
    /* Foreign names. */
    {"Andreï Removitch Beloussov", GLA_OK, "andrei removitch beloussov",
     GLA_NAME_GIVEN_FIRST, 0, GLA_NAME_VIETNAMESE | GLA_NAME_INITIALS, "",
     "Beloussov", "Andreï"},
    {"Andreï BELOUSSOV", GLA_OK, "andrei beloussov", GLA_NAME_GIVEN_FIRST,
     GLA_NAME_ALLCAPS, 0, "", "BELOUSSOV", "Andreï"},
    {"Yu.M.Stavitski", GLA_OK, "yu m stavitski", GLA_NAME_GIVEN_FIRST,
     GLA_NAME_INITIALS, 0, "", "Stavitski", "Yu"},
    {"Lí Văn Sáu", GLA_OK, "li van sau", GLA_NAME_FAMILY_FIRST,
     GLA_NAME_KNOWN_FAMILY, 0, "", "Lí", "Sáu"},
};

static void span_is(const char *text, gla_span s, const char *want)
{
    if (!want)
        return;
    char got[256];
    size_t n = s.end - s.start;
    assert_true(n < sizeof got);
    memcpy(got, text + s.start, n);
    got[n] = '\0';
    assert_string_equal(got, want);
}

static void test_parse(void **state)
{
    gla_names *nm = *state;
    for (size_t i = 0; i < sizeof parse_cases / sizeof parse_cases[0]; i++) {
        const parse_case *c = &parse_cases[i];
        gla_name n;
        gla_buf key = GLA_BUF_INIT;
        print_message("parse: %s\n", c->in);
        int rc = gla_name_parse(&n, &key, nm, c->in, strlen(c->in));
        assert_int_equal(rc, c->rc);
        if (rc != GLA_OK) {
            gla_buf_dispose(&key);
            continue;
        }
        assert_string_equal(key.data, c->key);
        assert_int_equal(n.order, c->order);
        assert_int_equal(n.flags & c->flags_on, c->flags_on);
        assert_int_equal(n.flags & c->flags_off, 0);
        span_is(c->in, n.title, c->title);
        if (c->family) {
            assert_true(n.family[1] == n.family[0] + 1);
            span_is(c->in, n.tokens[n.family[0]], c->family);
        } else {
            assert_true(n.family[1] == n.family[0]);
        }
        if (c->given) {
            assert_true(n.given[1] == n.given[0] + 1);
            span_is(c->in, n.tokens[n.given[0]], c->given);
        }
        gla_buf_dispose(&key);
    }
}

static void test_parse_without_set(void **state)
{
    (void)state;
    gla_name n;
    gla_buf key = GLA_BUF_INIT;
    /* Civilities are built in; ranks need a glossary. */
    assert_int_equal(gla_name_parse(&n, &key, NULL, "Mme Nguyen Thi Van Anh",
                                    strlen("Mme Nguyen Thi Van Anh")),
                     GLA_OK);
    assert_string_equal(key.data, "nguyen thi van anh");
    assert_true(n.flags & GLA_NAME_TITLE);
    gla_buf_clear(&key);
    assert_int_equal(gla_name_parse(&n, &key, NULL, "caf\xE9", 4), GLA_EUTF8);
    gla_buf_dispose(&key);
    assert_true(gla_name_family_share("nguyen", 6) > 38.0);
    assert_true(gla_name_family_share("vu", 2) > 3.0);
    assert_true(gla_name_family_share("li", 2) > 0.4);
    assert_true(gla_name_family_share("xyz", 3) == 0);
}

/* ---- resolution --------------------------------------------------------- */

typedef struct resolve_case {
    const char *query;      /* as a translator would type it */
    gla_name_status status; /* verdict */
    const char *top;        /* the best candidate's ref, NULL for none */
    const char *reasons;    /* the top candidate's reasons text */
    const char *second;     /* the second candidate (ambiguity), or NULL */
} resolve_case;

static const resolve_case resolve_cases[] = {
    /* Seed article variants. */
    {"Hoàng Xuân Chiến", GLA_NAME_RESOLVED, "person.hoang-xuan-chien", "exact",
     NULL},
    {"Hoang Xuan Chien", GLA_NAME_RESOLVED, "person.hoang-xuan-chien", "exact",
     NULL},
    {"Hoàng Xuân Chiên", GLA_NAME_RESOLVED, "person.hoang-xuan-chien",
     "diacritics", NULL},
    {"Xuan Chien HOANG", GLA_NAME_RESOLVED, "person.hoang-xuan-chien",
     "exact, NOM Prénom order", NULL},
    {"le lieutenant-général supérieur Hoàng Xuân Chiên", GLA_NAME_RESOLVED,
     "person.hoang-xuan-chien", "diacritics", NULL},
    {"Bê Xuân Truong", GLA_NAME_RESOLVED, "person.be-xuan-truong", "diacritics",
     NULL},
    {"Nguyên Nam Duong", GLA_NAME_RESOLVED, "person.nguyen-nam-duong",
     "diacritics", NULL},
    {"L’ambassadeur Nguyên Nam Duong", GLA_NAME_RESOLVED,
     "person.nguyen-nam-duong", "diacritics", NULL},
    {"le major Hoàng Dinh Công", GLA_NAME_RESOLVED, "person.hoang-dinh-cong",
     "diacritics", NULL},
    {"To Lam", GLA_NAME_RESOLVED, "person.to-lam", "exact", NULL},
    {"Tô Lâm", GLA_NAME_RESOLVED, "person.to-lam", "exact", NULL},
    {"le capitaine Lê Khuong Duy", GLA_NAME_RESOLVED, "person.le-khuong-duy",
     "diacritics", NULL},
    {"le général Phan Van Giang", GLA_NAME_RESOLVED, "person.phan-van-giang",
     "exact", NULL},
    /* Le the family name. */
    {"Le Hong Quang", GLA_NAME_RESOLVED, "person.le-hong-quang", "diacritics",
     NULL},
    {"Le Thi Thu Hang", GLA_NAME_RESOLVED, "person.le-thi-thu-hang",
     "diacritics", NULL},
    /* Tone placement and i/y through K1. */
    {"Nguyễn Thị Thúy", GLA_NAME_RESOLVED, "person.nguyen-thi-thuy", "exact",
     NULL},
    {"Lí Văn Sáu", GLA_NAME_RESOLVED, "person.ly-van-sau", "exact", NULL},
    /* Marks that contradict the glossary still resolve, lower. */
    {"Lé Hồng Quang", GLA_NAME_RESOLVED, "person.le-hong-quang",
     "diacritics, diacritics differ", NULL},
    /* Regional aliases. */
    {"Hoàng Văn Tâm", GLA_NAME_RESOLVED, "person.huynh-van-tam",
     "alias Hoàng~Huỳnh", NULL},
    {"Vu Van Kiet", GLA_NAME_RESOLVED, "person.vo-van-kiet", "alias Vũ~Võ",
     NULL},
    /* Ambiguity: shared K2 keys are never settled silently. */
    {"Nguyen Van Hung", GLA_NAME_AMBIGUOUS, "person.nguyen-van-hung-1",
     "diacritics", "person.nguyen-van-hung-2"},
    {"Nguyễn Văn Hung", GLA_NAME_AMBIGUOUS, "person.nguyen-van-hung-1",
     "diacritics", "person.nguyen-van-hung-2"},
    {"Nguyễn Văn Hùng", GLA_NAME_RESOLVED, "person.nguyen-van-hung-1", "exact",
     NULL},
    {"Nguyễn Văn Hưng", GLA_NAME_RESOLVED, "person.nguyen-van-hung-2", "exact",
     NULL},
    {"Bùi Quang Huy", GLA_NAME_AMBIGUOUS, "person.bui-quang-huy-1", "exact",
     "person.bui-quang-huy-2"},
    /* Misspellings. */
    {"Phan Van Gaing", GLA_NAME_RESOLVED, "person.phan-van-giang",
     "edit distance 1", NULL},
    {"Phan Vn Giang", GLA_NAME_RESOLVED, "person.phan-van-giang",
     "edit distance 1", NULL},
    {"Phn Van Gian", GLA_NAME_RESOLVED, "person.phan-van-giang",
     "edit distance 2", NULL},
    {"Phan Van Giangxyz", GLA_NAME_NONE, NULL, NULL, NULL},
    {"Nguyen Nam Duongg", GLA_NAME_RESOLVED, "person.nguyen-nam-duong",
     "edit distance 1", NULL},
    /* A family name alone never resolves; a given name alone finds no
     * one without context. */
    {"Nguyễn", GLA_NAME_FAMILY_ALONE, NULL, NULL, NULL},
    {"Hoang", GLA_NAME_FAMILY_ALONE, NULL, NULL, NULL},
    {"le général Phan", GLA_NAME_FAMILY_ALONE, NULL, NULL, NULL},
    {"le général Giang", GLA_NAME_FAMILY_ALONE, NULL, NULL, NULL},
    {"Chiên", GLA_NAME_NONE, NULL, NULL, NULL},
    {"le général", GLA_NAME_NONE, NULL, NULL, NULL},
    /* Foreign names. */
    {"Andreï Removitch Beloussov", GLA_NAME_RESOLVED, "person.belousov",
     "exact", NULL},
    {"Andrey Removich Belousov", GLA_NAME_RESOLVED, "person.belousov", "exact",
     NULL},
    {"Andrei Removitch Belousov", GLA_NAME_RESOLVED, "person.belousov",
     "transliteration", NULL},
    {"Andreï Beloussov", GLA_NAME_RESOLVED, "person.belousov", "partial name",
     NULL},
    {"Beloussov", GLA_NAME_RESOLVED, "person.belousov", "surname", NULL},
    {"Choïgou", GLA_NAME_RESOLVED, "person.shoigu", "surname", NULL},
    {"Shoygu", GLA_NAME_RESOLVED, "person.shoigu", "transliteration, surname",
     NULL},
    {"Hanio", GLA_NAME_RESOLVED, "place.ha-noi", "edit distance 1", NULL},
    {"Sergueï Shoigu", GLA_NAME_RESOLVED, "person.shoigu", "transliteration",
     NULL},
    {"le général de division, commandant Yu. M. Staviskiy", GLA_NAME_RESOLVED,
     "person.stavitski", "transliteration, initials", NULL},
    {"Yu.M.Stavitski", GLA_NAME_RESOLVED, "person.stavitski", "initials", NULL},
    {"I. Stavitski", GLA_NAME_RESOLVED, "person.stavitski", "initials", NULL},
    {"A. Stavitski", GLA_NAME_NONE, NULL, NULL, NULL},
    /* Places are names too. */
    {"Ha Noi", GLA_NAME_RESOLVED, "place.ha-noi", "diacritics", NULL},
    {"Hanoi", GLA_NAME_RESOLVED, "place.ha-noi", "exact", NULL},
    /* Common-noun terms are not. */
    {"défense", GLA_NAME_NONE, NULL, NULL, NULL},
};

static void test_resolve(void **state)
{
    gla_names *nm = *state;
    for (size_t i = 0; i < sizeof resolve_cases / sizeof resolve_cases[0];
         i++) {
        const resolve_case *c = &resolve_cases[i];
        print_message("resolve: %s\n", c->query);
        gla_name_matches *m = NULL;
        assert_int_equal(
            gla_names_resolve(&m, nm, c->query, strlen(c->query), 5), GLA_OK);
        if (m->status != c->status)
            print_message("  got %s (%zu candidates, first %s)\n",
                          gla_name_status_name(m->status), m->n,
                          m->n ? m->cands[0].ref : "-");
        assert_int_equal(m->status, c->status);
        if (c->top) {
            assert_true(m->n >= 1);
            assert_string_equal(m->cands[0].ref, c->top);
            gla_buf why = GLA_BUF_INIT;
            assert_int_equal(gla_name_reasons(&why, &m->cands[0]), GLA_OK);
            assert_string_equal(why.data, c->reasons);
            gla_buf_dispose(&why);
            assert_true(m->cands[0].score > 0 && m->cands[0].score <= 1.0);
        } else if (c->status != GLA_NAME_AMBIGUOUS) {
            assert_int_equal(m->n, 0);
        }
        if (c->second) {
            assert_true(m->n >= 2);
            assert_string_equal(m->cands[1].ref, c->second);
        }
        /* Never two candidates for one entry; scores never increase. */
        for (size_t a = 0; a < m->n; a++) {
            if (a)
                assert_true(m->cands[a].score <= m->cands[a - 1].score);
            for (size_t b = a + 1; b < m->n; b++)
                assert_string_not_equal(m->cands[a].ref, m->cands[b].ref);
        }
        gla_name_matches_free(m);
    }
}

static void test_canonical_forms(void **state)
{
    gla_names *nm = *state;
    gla_name_matches *m = NULL;
    /* Diacritics come back from the glossary, every language. */
    assert_int_equal(gla_names_resolve(&m, nm, "To Lam", 6, 0), GLA_OK);
    assert_int_equal(m->status, GLA_NAME_RESOLVED);
    assert_string_equal(m->cands[0].vi, "Tô Lâm");
    assert_string_equal(m->cands[0].fr, "To Lam");
    assert_null(m->cands[0].en);
    assert_string_equal(m->key, "to lam");
    gla_name_matches_free(m);
    assert_int_equal(gla_names_resolve(&m, nm, "Bê Xuân Truong", 15, 0),
                     GLA_OK);
    assert_string_equal(m->cands[0].vi, "Bế Xuân Trường");
    assert_string_equal(m->cands[0].matched, "Bế Xuân Trường");
    gla_name_matches_free(m);
    /* The limit holds. */
    assert_int_equal(gla_names_resolve(&m, nm, "Bui Quang Huy", 13, 1), GLA_OK);
    assert_int_equal(m->status, GLA_NAME_AMBIGUOUS);
    assert_int_equal(m->n, 1);
    gla_name_matches_free(m);
    /* Bad input is refused cleanly. */
    assert_int_equal(gla_names_resolve(&m, nm, "Nguy\xC3", 5, 0), GLA_EUTF8);
    assert_null(m);
}

static void test_max_distance(void **state)
{
    (void)state;
    gla_names *nm = build_set(1);
    gla_name_matches *m = NULL;
    assert_int_equal(gla_names_resolve(&m, nm, "Phn Van Gian", 12, 0), GLA_OK);
    assert_int_equal(m->status, GLA_NAME_NONE);
    gla_name_matches_free(m);
    assert_int_equal(gla_names_resolve(&m, nm, "Phan Van Gaing", 14, 0),
                     GLA_OK);
    assert_int_equal(m->status, GLA_NAME_RESOLVED);
    gla_name_matches_free(m);
    gla_names_free(nm);
    nm = build_set(0);
    assert_int_equal(gla_names_resolve(&m, nm, "Phan Van Gaing", 14, 0),
                     GLA_OK);
    assert_int_equal(m->status, GLA_NAME_NONE);
    gla_name_matches_free(m);
    gla_names_free(nm);
    gla_names_opts o = GLA_NAMES_OPTS_INIT;
    o.max_distance = 3;
    assert_int_equal(gla_names_new(&nm, &o), GLA_EINVAL);
}

static void test_lifecycle(void **state)
{
    (void)state;
    gla_names *nm = NULL;
    gla_name_matches *m = NULL;
    assert_int_equal(gla_names_new(&nm, NULL), GLA_OK);
    assert_int_equal(gla_names_resolve(&m, nm, "x", 1, 0), GLA_EINVAL);
    assert_non_null(strstr(gla_names_errmsg(nm), "build"));
    assert_int_equal(gla_names_build(nm), GLA_OK);
    assert_int_equal(gla_names_resolve(&m, nm, "Phan Van Giang", 14, 0),
                     GLA_OK);
    assert_int_equal(m->status, GLA_NAME_NONE);
    gla_name_matches_free(m);
    gla_entry e;
    memset(&e, 0, sizeof e);
    e.ref = (char *)"person.x";
    e.kind = GLA_KIND_PERSON;
    assert_int_equal(gla_names_add_entry(nm, &e), GLA_EINVAL);
    gla_names_free(nm);
    gla_names_free(NULL);
    gla_name_matches_free(NULL);
}

/* ---- the fuzzy index against brute force -------------------------------- */

typedef struct collect {
    uint32_t *ids; /* hits */
    size_t n;      /* count */
} collect;

static int collect_fn(void *ctx, uint32_t id)
{
    collect *c = ctx;
    c->ids[c->n++] = id;
    return 0;
}

static void test_osa(void **state)
{
    (void)state;
    static const struct {
        const char *a, *b;
        int max, want;
    } cases[] = {
        {"giang", "giang", 2, 0}, {"giang", "gaing", 2, 1},
        {"giang", "gian", 2, 1},  {"giang", "giangg", 2, 1},
        {"giang", "jiang", 2, 1}, {"phan van giang", "phn van gian", 2, 2},
        {"abc", "cba", 2, 2},     {"abcdef", "badcfe", 2, 3},
        {"", "ab", 2, 2},         {"", "abc", 2, 3},
        {"ca", "abc", 3, 3},      {"stavitski", "staviskiy", 2, 2},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        assert_int_equal(gla_nm_osa(cases[i].a, strlen(cases[i].a), cases[i].b,
                                    strlen(cases[i].b), cases[i].max),
                         cases[i].want);
}

static const char *key_of(void *ctx, uint32_t id, size_t *len)
{
    const char(*keys)[13] = ctx;
    *len = strlen(keys[id]);
    return keys[id];
}

static void test_fuzzy_index_vs_brute_force(void **state)
{
    (void)state;
    enum { NKEYS = 3000, NQ = 400, LEN = 12 };
    static char keys[NKEYS][LEN + 1];
    static const char alpha[] = "aeinoughtv ";
    unsigned seed = 12345;
#define RND() (seed = seed * 1103515245u + 12345u, (seed >> 16) & 0x7fff)
    size_t total = 0;
    for (int i = 0; i < NKEYS; i++) {
        int len = 3 + RND() % (LEN - 3);
        for (int j = 0; j < len; j++)
            keys[i][j] = alpha[RND() % (sizeof alpha - 1)];
        keys[i][len] = '\0';
        total += gla_fz_variant_count((size_t)len, 2);
    }
    gla_fz fz;
    assert_int_equal(gla_fz_build(&fz, NKEYS, key_of, keys, 2), GLA_OK);
    assert_true(fz.used > NKEYS && fz.used <= total);
    uint32_t *ids = malloc(sizeof *ids * total * 2);
    char *mark = calloc(NKEYS, 1);
    assert_non_null(ids);
    assert_non_null(mark);
    size_t found_pairs = 0;
    for (int q = 0; q < NQ; q++) {
        /* A key with 0-2 random edits, or a random string. */
        char qs[LEN + 4];
        strcpy(qs, keys[RND() % NKEYS]);
        int edits = RND() % 3;
        for (int e = 0; e < edits; e++) {
            size_t l = strlen(qs);
            int op = RND() % 4;
            size_t p = l ? RND() % l : 0;
            if (op == 0 && l > 1) {
                memmove(qs + p, qs + p + 1, l - p);
            } else if (op == 1 && l < LEN + 2) {
                memmove(qs + p + 1, qs + p, l - p + 1);
                qs[p] = alpha[RND() % (sizeof alpha - 1)];
            } else if (op == 2 && l) {
                qs[p] = alpha[RND() % (sizeof alpha - 1)];
            } else if (l > 1 && p + 1 < l) {
                char t = qs[p];
                qs[p] = qs[p + 1];
                qs[p + 1] = t;
            }
        }
        /* maxd 3 stands for the staged search: stage 1 alone must find
         * every key within one edit, stage 1 + 2 every key within two. */
        for (int maxd = 0; maxd <= 4; maxd++) {
            collect c = {ids, 0};
            if (maxd <= 2) {
                assert_int_equal(
                    gla_fz_query(&fz, qs, strlen(qs), maxd, collect_fn, &c),
                    GLA_OK);
            } else {
                assert_int_equal(gla_fz_query_stage(&fz, qs, strlen(qs), 0, 1,
                                                    0, 1, collect_fn, &c),
                                 GLA_OK);
                if (maxd == 4) {
                    assert_int_equal(gla_fz_query_stage(&fz, qs, strlen(qs), 0,
                                                        1, 2, 2, collect_fn,
                                                        &c),
                                     GLA_OK);
                    assert_int_equal(gla_fz_query_stage(&fz, qs, strlen(qs), 2,
                                                        2, 0, 2, collect_fn,
                                                        &c),
                                     GLA_OK);
                }
            }
            int want = maxd == 3 ? 1 : maxd == 4 ? 2 : maxd;
            memset(mark, 0, NKEYS);
            for (size_t i = 0; i < c.n; i++)
                mark[c.ids[i]] = 1;
            for (int k = 0; k < NKEYS; k++) {
                int d =
                    gla_nm_osa(qs, strlen(qs), keys[k], strlen(keys[k]), want);
                if (d <= want) {
                    /* Every key within the budget comes back. */
                    if (!mark[k])
                        print_message("missed '%s' for '%s' (d=%d)\n", keys[k],
                                      qs, d);
                    assert_true(mark[k]);
                    found_pairs++;
                }
            }
        }
    }
    assert_true(found_pairs > NQ); /* the test did look at real matches */
    free(ids);
    free(mark);
    gla_fz_dispose(&fz);
#undef RND
}

/* ---- partial mentions ---------------------------------------------------- */

static void test_partial_mentions(void **state)
{
    gla_names *nm = *state;
    gla_names_ctx *ctx = NULL;
    gla_name_matches *m = NULL;
    assert_int_equal(gla_names_ctx_new(&ctx, nm), GLA_OK);

    /* Nothing recorded yet: nothing resolves (Giang is also a family
     * name, and says so). */
    const char *q = "le général Giang";
    assert_int_equal(gla_names_ctx_resolve(&m, ctx, q, strlen(q), 0), GLA_OK);
    assert_int_equal(m->status, GLA_NAME_FAMILY_ALONE);
    assert_int_equal(m->n, 0);
    gla_name_matches_free(m);
    q = "le général Kiet";
    assert_int_equal(gla_names_ctx_resolve(&m, ctx, q, strlen(q), 0), GLA_OK);
    assert_int_equal(m->status, GLA_NAME_NONE);
    gla_name_matches_free(m);

    const char *full = "le général Phan Van Giang";
    assert_int_equal(gla_names_ctx_add(ctx, NULL, full, strlen(full)), GLA_OK);
    const char *full2 = "Hoàng Xuân Chiên";
    assert_int_equal(
        gla_names_ctx_add(ctx, "person.hoang-xuan-chien", full2, strlen(full2)),
        GLA_OK);
    const char *full3 = "Andreï Removitch Beloussov";
    assert_int_equal(gla_names_ctx_add(ctx, NULL, full3, strlen(full3)),
                     GLA_OK);
    assert_int_equal(
        gla_names_ctx_add(ctx, "person.nobody", full3, strlen(full3)),
        GLA_ENOTFOUND);
    const char *amb = "Nguyen Van Hung";
    assert_int_equal(gla_names_ctx_add(ctx, NULL, amb, strlen(amb)),
                     GLA_ENOTFOUND);

    static const struct {
        const char *q;
        int bare;
        gla_name_status status;
        const char *ref;
        const char *reasons;
    } cases[] = {
        {"le général Giang", 0, GLA_NAME_RESOLVED, "person.phan-van-giang",
         "partial mention of Phan Van Giang"},
        {"le ministre Giang", 0, GLA_NAME_RESOLVED, "person.phan-van-giang",
         "partial mention of Phan Van Giang"},
        {"M. Giang", 0, GLA_NAME_RESOLVED, "person.phan-van-giang",
         "partial mention of Phan Van Giang"},
        {"Giang", 0, GLA_NAME_NONE, NULL, NULL},
        {"Giang", 1, GLA_NAME_RESOLVED, "person.phan-van-giang",
         "partial mention of Phan Van Giang"},
        {"le général Xuân Chiên", 0, GLA_NAME_RESOLVED,
         "person.hoang-xuan-chien", "partial mention of Hoàng Xuân Chiên"},
        {"le général Chien", 0, GLA_NAME_RESOLVED, "person.hoang-xuan-chien",
         "partial mention of Hoàng Xuân Chiên"},
        {"le général Phan", 0, GLA_NAME_FAMILY_ALONE, NULL, NULL},
        {"le général Hoàng", 0, GLA_NAME_FAMILY_ALONE, NULL, NULL},
        {"le général Nguyen", 0, GLA_NAME_FAMILY_ALONE, NULL, NULL},
        {"le ministre Beloussov", 0, GLA_NAME_RESOLVED, "person.belousov",
         "partial mention of Andreï Removitch Beloussov"},
        {"le ministre Belousov", 0, GLA_NAME_RESOLVED, "person.belousov",
         "partial mention of Andreï Removitch Beloussov"},
        {"le général Lam", 0, GLA_NAME_FAMILY_ALONE, NULL, NULL},
        {"le général Kiet", 0, GLA_NAME_NONE, NULL, NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        print_message("partial: %s\n", cases[i].q);
        assert_int_equal(gla_names_ctx_resolve(&m, ctx, cases[i].q,
                                               strlen(cases[i].q),
                                               cases[i].bare),
                         GLA_OK);
        if (m->status != cases[i].status)
            print_message("  got %s\n", gla_name_status_name(m->status));
        assert_int_equal(m->status, cases[i].status);
        if (cases[i].ref) {
            assert_string_equal(m->cands[0].ref, cases[i].ref);
            gla_buf why = GLA_BUF_INIT;
            assert_int_equal(gla_name_reasons(&why, &m->cands[0]), GLA_OK);
            assert_string_equal(why.data, cases[i].reasons);
            gla_buf_dispose(&why);
        } else {
            assert_int_equal(m->n, 0);
        }
        gla_name_matches_free(m);
    }

    /* Two people called Giang: ambiguous, unless the title settles it. */
    gla_names_ctx_reset(ctx);
    const char *a = "le général Phan Van Giang";
    const char *b = "M. Le Van Giang";
    assert_int_equal(gla_names_ctx_add(ctx, NULL, a, strlen(a)), GLA_OK);
    assert_int_equal(gla_names_ctx_add(ctx, NULL, b, strlen(b)), GLA_OK);
    q = "le général Giang";
    assert_int_equal(gla_names_ctx_resolve(&m, ctx, q, strlen(q), 0), GLA_OK);
    assert_int_equal(m->status, GLA_NAME_RESOLVED);
    assert_string_equal(m->cands[0].ref, "person.phan-van-giang");
    gla_name_matches_free(m);
    q = "M. Giang";
    assert_int_equal(gla_names_ctx_resolve(&m, ctx, q, strlen(q), 0), GLA_OK);
    assert_int_equal(m->status, GLA_NAME_RESOLVED);
    assert_string_equal(m->cands[0].ref, "person.le-van-giang");
    gla_name_matches_free(m);
    q = "le ministre Giang";
    assert_int_equal(gla_names_ctx_resolve(&m, ctx, q, strlen(q), 0), GLA_OK);
    assert_int_equal(m->status, GLA_NAME_AMBIGUOUS);
    assert_int_equal(m->n, 2);
    gla_name_matches_free(m);
    /* A new document forgets. */
    gla_names_ctx_reset(ctx);
    q = "le général Giang";
    assert_int_equal(gla_names_ctx_resolve(&m, ctx, q, strlen(q), 0), GLA_OK);
    assert_int_equal(m->n, 0);
    gla_name_matches_free(m);
    gla_names_ctx_free(ctx);
    gla_names_ctx_free(NULL);
}

/* A long document names many people: the context keeps the most recent
 * ones only (memory stays bounded), so the first of 300 people is
 * forgotten and the last still resolves. */
static void test_ctx_bounded(void **state)
{
    (void)state;
    static const char *mid[] = {"Văn", "Hữu", "Đức", "Minh", "Quang",
                                "Thanh", "Xuân", "Ngọc", "Công", "Đình",
                                "Hồng", "Kim", "Bá", "Trọng", "Tiến"};
    static const char *giv[] = {"An", "Bình", "Cường", "Dũng", "Giang",
                                "Hải", "Hùng", "Khánh", "Lâm", "Long",
                                "Nam", "Phong", "Quân", "Sơn", "Tâm",
                                "Thắng", "Toàn", "Trung", "Tuấn", "Vinh"};
    enum { N_PEOPLE = 300 };
    gla_names *nm = NULL;
    assert_int_equal(gla_names_new(&nm, NULL), GLA_OK);
    char name[64], ref[32];
    for (int i = 0; i < N_PEOPLE; i++) {
        snprintf(name, sizeof name, "Trần %s %s", mid[i % 15], giv[i / 15]);
        snprintf(ref, sizeof ref, "person.p%d", i);
        gla_term t;
        memset(&t, 0, sizeof t);
        t.lang = (char *)"vi";
        t.text = name;
        gla_entry e;
        memset(&e, 0, sizeof e);
        e.id = i + 1;
        e.ref = ref;
        e.kind = GLA_KIND_PERSON;
        e.terms = &t;
        e.n_terms = 1;
        assert_int_equal(gla_names_add_entry(nm, &e), GLA_OK);
    }
    assert_int_equal(gla_names_build(nm), GLA_OK);
    gla_names_ctx *ctx = NULL;
    assert_int_equal(gla_names_ctx_new(&ctx, nm), GLA_OK);
    for (int i = 0; i < N_PEOPLE; i++) {
        snprintf(name, sizeof name, "Tran %s %s", mid[i % 15], giv[i / 15]);
        snprintf(ref, sizeof ref, "person.p%d", i);
        assert_int_equal(gla_names_ctx_add(ctx, ref, name, strlen(name)),
                         GLA_OK);
    }
    gla_name_matches *m = NULL;
    snprintf(name, sizeof name, "M. %s %s", mid[(N_PEOPLE - 1) % 15],
             giv[(N_PEOPLE - 1) / 15]);
    assert_int_equal(gla_names_ctx_resolve(&m, ctx, name, strlen(name), 0),
                     GLA_OK);
    assert_int_equal(m->status, GLA_NAME_RESOLVED);
    assert_string_equal(m->cands[0].ref, "person.p299");
    gla_name_matches_free(m);
    snprintf(name, sizeof name, "M. %s %s", mid[0], giv[0]);
    assert_int_equal(gla_names_ctx_resolve(&m, ctx, name, strlen(name), 0),
                     GLA_OK);
    assert_int_equal(m->n, 0);
    gla_name_matches_free(m);
    gla_names_ctx_free(ctx);
    gla_names_free(nm);
}

static void test_scan(void **state)
{
    gla_names *nm = *state;
    gla_names_ctx *ctx = NULL;
    assert_int_equal(gla_names_ctx_new(&ctx, nm), GLA_OK);
    /* From the seed articles, shortened. */
    const char *text =
        "Le ministre vietnamien de la Défense, le général Phan Van Giang, "
        "s'est entretenu avec Andreï Removitch Beloussov. Lors de "
        "l'entrevue, le général Giang a apprécié la préparation. Le "
        "ministre Beloussov a souligné l'amitié. Le général Phan a "
        "parlé. Le général Lam aussi.";
    gla_name_hits *h = NULL;
    assert_int_equal(gla_names_ctx_scan(&h, ctx, text, strlen(text)), GLA_OK);
    assert_int_equal(h->n, 2);
    span_is(text, h->hits[0].span, "le général Giang");
    span_is(text, h->hits[0].name, "Giang");
    assert_int_equal(h->hits[0].m->status, GLA_NAME_RESOLVED);
    assert_string_equal(h->hits[0].m->cands[0].ref, "person.phan-van-giang");
    span_is(text, h->hits[1].span, "Le ministre Beloussov");
    assert_string_equal(h->hits[1].m->cands[0].ref, "person.belousov");
    gla_name_hits_free(h);
    /* A new document forgets. */
    gla_names_ctx_reset(ctx);
    const char *later = "Le général Giang est rentré.";
    assert_int_equal(gla_names_ctx_scan(&h, ctx, later, strlen(later)), GLA_OK);
    assert_int_equal(h->n, 0);
    gla_name_hits_free(h);
    gla_names_ctx_free(ctx);
}

/* ---- robustness: random text never breaks the invariants ----------------- */

static int on_boundary(const char *s, size_t len, size_t off)
{
    return off == len || ((unsigned char)s[off] & 0xC0) != 0x80;
}

static void test_random_input(void **state)
{
    gla_names *nm = *state;
    static const char *const pieces[] = {
        "Nguyễn", "Văn", "le", "Le", "général",  "M.",       " ",
        " ",      "-",   "’",  "'",  ",",        ".",        "HOANG",
        "Xuân",   "Yu.", "a",  "đ",  "\xCC\x81", "\xC2\xA0", "Giang",
        "(",      "ß",   "œ",  "Ω",  "\t"};
    unsigned seed = 99;
    gla_names_ctx *ctx = NULL;
    assert_int_equal(gla_names_ctx_new(&ctx, nm), GLA_OK);
    for (int round = 0; round < 3000; round++) {
        char buf[256];
        size_t len = 0;
        int parts = (int)((seed = seed * 1103515245u + 12345u) >> 16) % 12;
        for (int p = 0; p < parts; p++) {
            seed = seed * 1103515245u + 12345u;
            const char *x =
                pieces[(seed >> 16) % (sizeof pieces / sizeof pieces[0])];
            size_t xl = strlen(x);
            if (len + xl >= sizeof buf)
                break;
            memcpy(buf + len, x, xl);
            len += xl;
        }
        gla_name n;
        gla_buf key = GLA_BUF_INIT;
        int rc = gla_name_parse(&n, &key, nm, buf, len);
        assert_true(rc == GLA_OK || rc == GLA_ENOTFOUND || rc == GLA_EINVAL);
        if (rc == GLA_OK) {
            assert_true(n.n_tokens >= 1 && n.n_tokens <= GLA_NAME_MAX_TOKENS);
            for (size_t t = 0; t < n.n_tokens; t++) {
                assert_true(n.tokens[t].start < n.tokens[t].end);
                assert_true(n.tokens[t].end <= len);
                assert_true(on_boundary(buf, len, n.tokens[t].start));
                assert_true(on_boundary(buf, len, n.tokens[t].end));
            }
            assert_true(n.title.end <= n.name.start || n.title.end == 0);
            assert_true(n.name.end <= len);
        }
        gla_buf_dispose(&key);
        gla_name_matches *m = NULL;
        rc = gla_names_resolve(&m, nm, buf, len, 3);
        assert_true(rc == GLA_OK || rc == GLA_EINVAL);
        if (m) {
            assert_true(m->n <= 3);
            gla_name_matches_free(m);
        }
        rc = gla_names_ctx_resolve(&m, ctx, buf, len, round & 1);
        assert_int_equal(rc, GLA_OK);
        gla_name_matches_free(m);
        gla_name_hits *h = NULL;
        assert_int_equal(gla_names_ctx_scan(&h, ctx, buf, len), GLA_OK);
        for (size_t i = 0; i < h->n; i++)
            assert_true(h->hits[i].span.end <= len);
        gla_name_hits_free(h);
    }
    gla_names_ctx_free(ctx);
}

/* ---- loading from the store ---------------------------------------------- */

static void test_load_from_store(void **state)
{
    (void)state;
    gla_db *db = NULL;
    assert_int_equal(gla_db_open(&db, ":memory:", GLA_DB_CREATE), GLA_OK);
    for (size_t i = 0; i < sizeof glossary / sizeof glossary[0]; i++) {
        gla_entry e;
        memset(&e, 0, sizeof e);
        e.kind = glossary[i].kind;
        for (size_t t = 0; t < 4 && glossary[i].terms[t].text; t++) {
            gla_term term;
            memset(&term, 0, sizeof term);
            term.lang = (char *)glossary[i].terms[t].lang;
            term.text = (char *)glossary[i].terms[t].text;
            term.status = t == 0 ? GLA_STATUS_PREFERRED : GLA_STATUS_ADMITTED;
            assert_int_equal(gla_entry_add_term(&e, &term), GLA_OK);
        }
        e.ref = (char *)glossary[i].ref;
        int64_t id = 0;
        int rc = gla_db_entry_add(&id, db, &e);
        if (rc != GLA_OK)
            print_message("%s: %s\n", glossary[i].ref, gla_db_errmsg(db));
        assert_int_equal(rc, GLA_OK);
        assert_true(id > 0);
        e.ref = NULL;
        gla_entry_clear(&e);
    }
    gla_names *nm = NULL;
    assert_int_equal(gla_names_load(&nm, db, NULL, NULL), GLA_OK);
    /* Persons and places; ranks are titles, terms are skipped. */
    size_t persons = 0;
    for (size_t i = 0; i < sizeof glossary / sizeof glossary[0]; i++)
        persons += glossary[i].kind == GLA_KIND_PERSON ||
                   glossary[i].kind == GLA_KIND_PLACE;
    assert_int_equal(gla_names_entry_count(nm), persons);
    assert_true(gla_names_index_bytes(nm) > 0);
    const char *q = "le général de corps d’armée Hoang Xuan Chien";
    gla_name_matches *m = NULL;
    assert_int_equal(gla_names_resolve(&m, nm, q, strlen(q), 0), GLA_OK);
    assert_int_equal(m->status, GLA_NAME_RESOLVED);
    assert_string_equal(m->cands[0].ref, "person.hoang-xuan-chien");
    assert_true(m->cands[0].entry_id > 0);
    assert_string_equal(m->cands[0].vi, "Hoàng Xuân Chiến");
    gla_name_matches_free(m);
    gla_names_free(nm);
    gla_db_close(db);
}

/* ---- the cache file -------------------------------------------------------- */

/* The top candidates of a few queries, as one string, to compare sets. */
static void fingerprint(gla_buf *out, gla_names *nm)
{
    static const char *const qs[] = {
        "Bê Xuân Truong", "Nguyen Van Hung", "Phn Van Gian", "Yu.M.Stavitski",
        "Hoàng Văn Tâm", "le général de corps d'armée Hoang Xuan Chien",
        "Beloussov", "Nguyen"};
    for (size_t i = 0; i < sizeof qs / sizeof qs[0]; i++) {
        gla_name_matches *m = NULL;
        assert_int_equal(gla_names_resolve(&m, nm, qs[i], strlen(qs[i]), 3),
                         GLA_OK);
        gla_buf_printf(out, "%s:", gla_name_status_name(m->status));
        for (size_t k = 0; k < m->n; k++) {
            gla_buf_printf(out, "%s=%.2f,", m->cands[k].ref, m->cands[k].score);
            gla_name_reasons(out, &m->cands[k]);
            gla_buf_puts(out, ";");
        }
        gla_buf_puts(out, "\n");
        gla_name_matches_free(m);
    }
}

static void test_cache_file(void **state)
{
    gla_names *nm = *state;
    char path[] = "/tmp/test_names_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    assert_int_equal(gla_names_save(nm, path, 1234), GLA_OK);
    gla_names *back = NULL;
    assert_int_equal(gla_names_load_file(&back, path, 1234, NULL), GLA_OK);
    gla_buf a = GLA_BUF_INIT, b = GLA_BUF_INIT;
    fingerprint(&a, nm);
    fingerprint(&b, back);
    assert_string_equal(a.data, b.data);
    assert_int_equal(gla_names_entry_count(back), gla_names_entry_count(nm));
    /* Titles come back too. */
    gla_name n;
    assert_int_equal(gla_name_parse(&n, NULL, back, "le major Hoàng Dinh Công",
                                    strlen("le major Hoàng Dinh Công")),
                     GLA_OK);
    assert_true(n.flags & GLA_NAME_TITLE);
    assert_string_equal(n.title_ref, "rank.major");
    gla_names_free(back);
    /* Another version, other options: stale. */
    assert_int_equal(gla_names_load_file(&back, path, 99, NULL), GLA_EEXISTS);
    assert_null(back);
    gla_names_opts o = GLA_NAMES_OPTS_INIT;
    o.max_distance = 1;
    assert_int_equal(gla_names_load_file(&back, path, 1234, &o), GLA_EEXISTS);
    assert_int_equal(gla_names_load_file(&back, "/nonexistent/x", 0, NULL),
                     GLA_ENOTFOUND);

    /* Damage: every truncation, and flipped bytes, are refused or read
     * into a set that still answers without crashing. */
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *img = malloc((size_t)size);
    assert_non_null(img);
    assert_int_equal(fread(img, 1, (size_t)size, f), (size_t)size);
    fclose(f);
    unsigned seed = 7;
    for (int round = 0; round < 400; round++) {
        long len = size;
        char *copy = malloc((size_t)size);
        assert_non_null(copy);
        memcpy(copy, img, (size_t)size);
        seed = seed * 1103515245u + 12345u;
        if (round % 2 == 0) {
            len = (long)((seed >> 8) % (unsigned)size);
        } else {
            for (int k = 0; k < 4; k++) {
                seed = seed * 1103515245u + 12345u;
                copy[(seed >> 8) % (unsigned)size] ^= (char)(1 + (seed & 0x7f));
            }
        }
        f = fopen(path, "wb");
        assert_non_null(f);
        assert_int_equal(fwrite(copy, 1, (size_t)len, f), (size_t)len);
        fclose(f);
        free(copy);
        int rc = gla_names_load_file(&back, path, 0, NULL);
        if (round % 2 == 0)
            assert_int_equal(rc, GLA_EPARSE);
        else
            assert_true(rc == GLA_OK || rc == GLA_EPARSE || rc == GLA_EEXISTS);
        if (rc == GLA_OK) {
            gla_buf c = GLA_BUF_INIT;
            fingerprint(&c, back);
            gla_buf_dispose(&c);
            gla_names_free(back);
        }
        back = NULL;
    }
    free(img);
    remove(path);
    gla_buf_dispose(&a);
    gla_buf_dispose(&b);
}

static void test_open_with_cache(void **state)
{
    (void)state;
    char dir[] = "/tmp/test_names_dir_XXXXXX";
    assert_non_null(mkdtemp(dir));
    char db_path[64], cache[80];
    snprintf(db_path, sizeof db_path, "%s/g.db", dir);
    snprintf(cache, sizeof cache, "%s/g.db.names", dir);
    gla_db *db = NULL;
    assert_int_equal(gla_db_open(&db, db_path, GLA_DB_CREATE), GLA_OK);
    gla_entry e;
    memset(&e, 0, sizeof e);
    e.kind = GLA_KIND_PERSON;
    e.ref = (char *)"person.to-lam";
    gla_term t;
    memset(&t, 0, sizeof t);
    t.lang = (char *)"vi";
    t.text = (char *)"Tô Lâm";
    assert_int_equal(gla_entry_add_term(&e, &t), GLA_OK);
    assert_int_equal(gla_db_entry_add(NULL, db, &e), GLA_OK);
    gla_names *nm = NULL;
    assert_int_equal(gla_names_open(&nm, db, db_path, NULL, NULL), GLA_OK);
    assert_int_equal(gla_names_entry_count(nm), 1);
    gla_names_free(nm);
    assert_int_equal(access(cache, R_OK), 0);
    /* From the cache now. */
    assert_int_equal(gla_names_open(&nm, db, db_path, NULL, NULL), GLA_OK);
    assert_int_equal(gla_names_entry_count(nm), 1);
    gla_names_free(nm);
    /* A change to the glossary makes the cache stale. */
    e.ref = (char *)"person.luong-cuong";
    free(e.terms[0].text);
    e.terms[0].text = strdup("Lương Cường");
    assert_non_null(e.terms[0].text);
    assert_int_equal(gla_db_entry_add(NULL, db, &e), GLA_OK);
    assert_int_equal(gla_names_open(&nm, db, db_path, NULL, NULL), GLA_OK);
    assert_int_equal(gla_names_entry_count(nm), 2);
    gla_name_matches *m = NULL;
    assert_int_equal(gla_names_resolve(&m, nm, "Luong Cuong", 11, 0), GLA_OK);
    assert_int_equal(m->status, GLA_NAME_RESOLVED);
    gla_name_matches_free(m);
    gla_names_free(nm);
    e.ref = NULL; /* not the entry's own string */
    gla_entry_clear(&e);
    gla_db_close(db);
    remove(cache);
    char side[80];
    snprintf(side, sizeof side, "%s/g.db.match", dir);
    remove(side);
    snprintf(side, sizeof side, "%s/g.db-wal", dir);
    remove(side);
    snprintf(side, sizeof side, "%s/g.db-shm", dir);
    remove(side);
    remove(db_path);
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_parse, setup, teardown),
        cmocka_unit_test(test_parse_without_set),
        cmocka_unit_test_setup_teardown(test_resolve, setup, teardown),
        cmocka_unit_test_setup_teardown(test_canonical_forms, setup, teardown),
        cmocka_unit_test(test_max_distance),
        cmocka_unit_test(test_lifecycle),
        cmocka_unit_test(test_osa),
        cmocka_unit_test(test_fuzzy_index_vs_brute_force),
        cmocka_unit_test_setup_teardown(test_partial_mentions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_scan, setup, teardown),
        cmocka_unit_test(test_ctx_bounded),
        cmocka_unit_test(test_load_from_store),
        cmocka_unit_test_setup_teardown(test_random_input, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cache_file, setup, teardown),
        cmocka_unit_test(test_open_with_cache),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
