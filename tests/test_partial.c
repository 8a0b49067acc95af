/*
 * Tests of glossalign/partial.h: partial mentions of people found from a
 * matcher's full mentions, table-driven (after a full mention, family
 * name alone, namesakes, before any full mention, foreign surnames on
 * K3, the y/i fold, stretches), and a differential test against the full
 * scan of the names context on generated text full of near misses.
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

#include <glossalign/match.h>
#include <glossalign/names.h>
#include <glossalign/partial.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "names/names_int.h"

/* ---- the test glossary ----------------------------------------------- */

typedef struct tentry {
    const char *ref;       /* entry ref */
    gla_kind kind;         /* kind */
    const char *terms[4];  /* "lang:text", NULL-terminated */
} tentry;

static const tentry glossary[] = {
    {"person.phan-van-giang", GLA_KIND_PERSON,
     {"vi:Phan Văn Giang", "fr:Phan Van Giang"}},
    {"person.nguyen-van-giang", GLA_KIND_PERSON, {"vi:Nguyễn Văn Giang"}},
    {"person.hoang-xuan-chien", GLA_KIND_PERSON,
     {"vi:Hoàng Xuân Chiến", "fr:Hoang Xuan Chien"}},
    {"person.tran-thi-ly", GLA_KIND_PERSON, {"vi:Trần Thị Lý"}},
    {"person.andrei-belousov", GLA_KIND_PERSON,
     {"fr:Andreï Beloussov", "en:Andrey Belousov"}},
    {"person.sergei-shoigu", GLA_KIND_PERSON,
     {"fr:Sergueï Choïgou", "en:Sergei Shoigu"}},
    {"rank.dai-tuong", GLA_KIND_RANK,
     {"vi:Đại tướng", "fr:général d'armée", "fr:général"}},
    {"rank.bo-truong", GLA_KIND_RANK, {"vi:Bộ trưởng", "fr:ministre"}},
    {"rank.thuong-tuong", GLA_KIND_RANK,
     {"vi:Thượng tướng", "fr:général de corps d'armée"}},
    {"term.cooperation", GLA_KIND_TERM, {"fr:coopération", "vi:hợp tác"}},
};
#define N_GLOSSARY (sizeof glossary / sizeof glossary[0])

static int add_entry(const tentry *te, int (*fn)(void *, const gla_entry *),
                     void *obj, int64_t id)
{
    gla_entry e;
    gla_term terms[4];
    char langs[4][8];
    memset(&e, 0, sizeof e);
    memset(terms, 0, sizeof terms);
    e.id = id;
    e.ref = (char *)te->ref;
    e.kind = te->kind;
    e.terms = terms;
    for (size_t i = 0; i < 4 && te->terms[i]; i++) {
        const char *c = strchr(te->terms[i], ':');
        snprintf(langs[i], sizeof langs[i], "%.*s", (int)(c - te->terms[i]),
                 te->terms[i]);
        terms[i].lang = langs[i];
        terms[i].text = (char *)c + 1;
        terms[i].status = GLA_STATUS_PREFERRED;
        e.n_terms++;
    }
    return fn(obj, &e);
}

static int add_to_builder(void *b, const gla_entry *e)
{
    return gla_matcher_builder_add(b, e);
}

static int add_to_names(void *nm, const gla_entry *e)
{
    return gla_names_add_entry(nm, e);
}

static gla_matcher *matcher(void)
{
    gla_matcher_builder *b = NULL;
    assert_int_equal(gla_matcher_builder_new(&b, NULL), GLA_OK);
    for (size_t i = 0; i < N_GLOSSARY; i++)
        assert_int_equal(add_entry(&glossary[i], add_to_builder, b,
                                   (int64_t)i + 1),
                         GLA_OK);
    gla_matcher *m = NULL;
    assert_int_equal(gla_matcher_build(&m, b, 0), GLA_OK);
    gla_matcher_builder_free(b);
    return m;
}

/* Every mention of the matcher in text, in order. */
static gla_mention *mentions_of(const gla_matcher *m, const char *text,
                                size_t len, size_t *n)
{
    gla_scanner *s = NULL;
    assert_int_equal(gla_scanner_new(&s, m, NULL), GLA_OK);
    assert_int_equal(gla_scanner_feed(s, text, len, 1), GLA_OK);
    size_t cap = 16;
    gla_mention *v = malloc(cap * sizeof *v);
    assert_non_null(v);
    *n = 0;
    gla_mention mt;
    while (gla_scanner_next(&mt, s) == GLA_OK) {
        if (*n == cap) {
            cap *= 2;
            v = realloc(v, cap * sizeof *v);
            assert_non_null(v);
        }
        mt.alt = NULL;
        mt.n_alt = 0;
        mt.surface = NULL;
        v[(*n)++] = mt;
    }
    gla_scanner_free(s);
    return v;
}

/* The hits of one document as "surface=ref[~alt...][?]" joined by "; "
 * ("?" marks an ambiguous hit). `cut` (0: none) splits the text into
 * two stretches fed one after the other. */
static void hits_of(char *out, size_t cap, const gla_matcher *m,
                    gla_partial *p, const char *text, size_t cut)
{
    size_t len = strlen(text), n = 0, used = 0;
    gla_mention *ms = mentions_of(m, text, len, &n);
    out[0] = '\0';
    size_t from = 0, i = 0;
    gla_partial_reset(p);
    for (int part = 0; part < 2; part++) {
        size_t to = part == 0 && cut ? cut : len;
        if (part == 1 && !cut)
            break;
        size_t j = i;
        while (j < n && ms[j].span.start < to)
            j++;
        assert_int_equal(gla_partial_feed(p, text + from, to - from,
                                          len - from, from, ms + i, j - i),
                         GLA_OK);
        size_t nh = 0;
        const gla_partial_hit *h = gla_partial_hits(p, &nh);
        for (size_t k = 0; k < nh; k++) {
            gla_match_entry e;
            assert_int_equal(gla_matcher_entry(&e, m, h[k].entry), GLA_OK);
            assert_string_equal(e.ref, h[k].ref);
            assert_true(h[k].score > 0.69 && h[k].score < 0.71);
            assert_true(h[k].title.end <= h[k].span.start);
            used += (size_t)snprintf(out + used, cap - used, "%s%.*s=%s",
                                     used ? "; " : "",
                                     (int)(h[k].span.end - h[k].span.start),
                                     text + h[k].span.start, h[k].ref);
            for (size_t a = 0; a < h[k].n_alt; a++) {
                assert_int_equal(gla_matcher_entry(&e, m, h[k].alt[a]),
                                 GLA_OK);
                used += (size_t)snprintf(out + used, cap - used, "~%s", e.ref);
            }
            if (h[k].ambiguous)
                used += (size_t)snprintf(out + used, cap - used, "?");
            assert_true(used < cap);
        }
        from = to;
        i = j;
    }
    free(ms);
}

/* ---- table-driven cases ---------------------------------------------- */

typedef struct pcase {
    const char *what; /* the case */
    const char *text; /* the document */
    const char *want; /* the hits, as hits_of() writes them */
} pcase;

static const pcase cases[] = {
    {"partial after a full mention",
     "Le ministre de la Défense, le général Phan Van Giang, a reçu son "
     "homologue. Le général Giang a souligné la coopération.",
     "Giang=person.phan-van-giang"},
    {"a family name alone never resolves",
     "Le général Phan Van Giang est arrivé. Le général Phan a parlé.", ""},
    {"before any full mention: nothing",
     "Le général Giang a parlé. Plus tard, le général Phan Van Giang est "
     "arrivé.",
     ""},
    {"two people sharing a given name: ambiguous",
     "Le général Phan Van Giang et le ministre Nguyen Van Giang sont là. "
     "Le général Giang a parlé.",
     "Giang=person.nguyen-van-giang~person.phan-van-giang?"},
    {"no title: nothing",
     "Le général Phan Van Giang est arrivé. Giang a parlé.", ""},
    {"middle and given name",
     "Le général Hoàng Xuân Chiến est arrivé. Le général Xuân Chiến a "
     "parlé.",
     "Xuân Chiến=person.hoang-xuan-chien"},
    {"given name without diacritics, in capitals, after a no-break space",
     "Le général Hoàng Xuân Chiến est arrivé. Le général\xc2\xa0"
     "CHIEN a parlé, puis M. Chien.",
     "CHIEN=person.hoang-xuan-chien; Chien=person.hoang-xuan-chien"},
    {"the y/i rule: Lý written Li or Ly",
     "Mme Trần Thị Lý est arrivée. Mme Li a parlé, puis Mme Lý et Mme Ly.",
     "Li=person.tran-thi-ly; Lý=person.tran-thi-ly; Ly=person.tran-thi-ly"},
    {"a foreign surname on K3, spelt another way",
     "Le ministre russe Andreï Beloussov est arrivé. M. Belousov a "
     "parlé, puis le ministre Beloussov.",
     "Belousov=person.andrei-belousov; Beloussov=person.andrei-belousov"},
    {"foreign surname with hushing consonants",
     "Sergueï Choïgou est venu. M. Shoigu a parlé.",
     "Shoigu=person.sergei-shoigu"},
    {"decomposed marks",
     "Le général Hoa\xcc\x80ng Xua\xcc\x82n Chie\xcc\x82\xcc\x81n est "
     "arrivé. Le général Chie\xcc\x82\xcc\x81n a parlé.",
     "Chie\xcc\x82\xcc\x81n=person.hoang-xuan-chien"},
    {"a long title chain and a run of capitals",
     "Le général de corps d'armée Phan Van Giang. Le ministre le général "
     "Giang a parlé. Le Général Giang Paris Hanoi.",
     "Giang=person.phan-van-giang"},
    {"guillemets and quotes around the name",
     "Le général Phan Van Giang. Le général \xc2\xab Giang \xc2\xbb et "
     "le général \xe2\x80\x9cGiang\xe2\x80\x9d.",
     ""},
};

static void test_cases(void **state)
{
    (void)state;
    gla_matcher *m = matcher();
    gla_partial *p = NULL;
    assert_int_equal(gla_partial_new(&p, m), GLA_OK);
    char got[2048];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        hits_of(got, sizeof got, m, p, cases[i].text, 0);
        if (strcmp(got, cases[i].want) != 0)
            fail_msg("%s: got \"%s\", want \"%s\"", cases[i].what, got,
                     cases[i].want);
    }
    gla_partial_free(p);
    gla_matcher_free(m);
}

/* A stretch boundary between the full mention and the partial one, and
 * the context carried over; a reset forgets it. */
static void test_stretches(void **state)
{
    (void)state;
    gla_matcher *m = matcher();
    gla_partial *p = NULL;
    assert_int_equal(gla_partial_new(&p, m), GLA_OK);
    const char *t = "Le général Phan Van Giang est arrivé.\nLe général Giang "
                    "a parlé.\n";
    size_t cut = strchr(t, '\n') + 1 - t;
    char got[512];
    hits_of(got, sizeof got, m, p, t, cut);
    assert_string_equal(got, "Giang=person.phan-van-giang");
    assert_int_equal(gla_partial_people(p), 1);
    gla_partial_reset(p);
    assert_int_equal(gla_partial_people(p), 0);
    /* The second stretch alone: nobody is known. */
    size_t n = 0;
    gla_mention *ms = mentions_of(m, t + cut, strlen(t + cut), &n);
    assert_int_equal(gla_partial_feed(p, t + cut, strlen(t + cut),
                                      strlen(t + cut), 0, ms, n),
                     GLA_OK);
    gla_partial_hits(p, &n);
    assert_int_equal(n, 0);
    free(ms);
    /* Bad arguments. */
    gla_mention bad;
    memset(&bad, 0, sizeof bad);
    bad.span.start = 5;
    bad.span.end = 9;
    bad.entry = 99999;
    assert_int_equal(gla_partial_feed(p, "abcdefghij", 10, 10, 0, &bad, 1),
                     GLA_EINVAL);
    assert_true(strlen(gla_partial_errmsg(p)) > 0);
    bad.entry = 0;
    assert_int_equal(gla_partial_feed(p, "abcdefghij", 10, 10, 6, &bad, 1),
                     GLA_EINVAL);
    assert_int_equal(gla_partial_feed(p, "abc", 5, 3, 0, NULL, 0),
                     GLA_EINVAL);
    assert_int_equal(gla_partial_new(NULL, m), GLA_EINVAL);
    gla_partial_free(p);
    gla_partial_free(NULL);
    gla_matcher_free(m);
}

/* ---- differential: the quick scan against the full one --------------- */

/* Words and separators that make near misses for the pre-filter. */
static const char *const words[] = {
    "Le",        "le",      "général",   "Général",  "ministre", "M.",
    "Mme",       "la",      "de",        "corps",    "d'armée",  "Giang",
    "GIANG",     "Giàng",   "Gianq",     "Phan",     "Van",      "Văn",
    "Nguyen",    "Chien",   "Chiến",     "Xuân",     "Xuan",     "Lý",
    "Li",        "Ly",      "Belousov",  "Beloussov", "Bélousov", "Shoigu",
    "Choïgou",   "Sergei",  "a",         "parlé",    "Paris",    "et",
    "dit",       "Hoàng",   "Andreï",    "Trần",     "Thị",      "Đại",
    "tướng",     "x2",      "Giang2",    "Đức",      "ÉTAT",     "été",
    "Phan Van Giang",       "Nguyen Van Giang",      "Hoang Xuan Chien",
    "Andreï Beloussov",     "Trần Thị Lý",           "Sergueï Choïgou",
    "Phan Van Giang",       "Hoang Xuan Chien",      "Andreï Beloussov",
    "Trần Thị Lý",          "le général Giang",      "le général Chien",
    "M. Belousov",          "Mme Li",                "le ministre Xuân Chiến",
    "le général Phan",      "M. Shoigu",             "Général Giang",
    "le général\xc2\xa0Giang", "M. Beloussov",       "Mme Lý",
    "le général de corps d'armée Chiến"};
static const char *const seps[] = {
    " ", " ", " ", " ", ", ", ". ", "\n", "\xc2\xa0", " \xc2\xab ",
    " \xc2\xbb ", "\xe2\x80\x99", " \xe2\x80\x93 ", "-", " (", ") ", "; ",
    "\xe2\x82\xac", "'"};

static unsigned long rnd_state = 12345;
static unsigned rnd(unsigned n)
{
    rnd_state = rnd_state * 6364136223846793005ul + 1442695040888963407ul;
    return (unsigned)((rnd_state >> 33) % n);
}

/* The reference: the whole names index, a context fed person by person,
 * and gla_names_ctx_scan() over each stretch between them, hits that
 * overlap a mention dropped (what annotate did before the quick scan). */
static void reference(char *out, size_t cap, const gla_matcher *m,
                      gla_names *nm, const char *text)
{
    size_t len = strlen(text), n = 0, used = 0, pos = 0;
    gla_mention *ms = mentions_of(m, text, len, &n);
    gla_names_ctx *ctx = NULL;
    assert_int_equal(gla_names_ctx_new(&ctx, nm), GLA_OK);
    gla_names_ctx_set_detect_full(ctx, 0);
    out[0] = '\0';
    for (size_t i = 0; i <= n; i++) {
        gla_match_entry e;
        size_t end = len;
        if (i < n) {
            assert_int_equal(gla_matcher_entry(&e, m, ms[i].entry), GLA_OK);
            if (e.kind != GLA_KIND_PERSON)
                continue;
            end = ms[i].span.start;
        }
        if (end > pos) {
            gla_name_hits *h = NULL;
            assert_int_equal(
                gla_names_ctx_scan(&h, ctx, text + pos, end - pos), GLA_OK);
            for (size_t k = 0; k < h->n; k++) {
                gla_span sp = h->hits[k].name;
                sp.start += pos;
                sp.end += pos;
                int clash = 0;
                for (size_t t = 0; t < n; t++)
                    clash |= ms[t].span.start < sp.end &&
                             sp.start < ms[t].span.end;
                const gla_name_matches *r = h->hits[k].m;
                if (clash || r->n == 0)
                    continue;
                used += (size_t)snprintf(out + used, cap - used, "%s%.*s=%s",
                                         used ? "; " : "",
                                         (int)(sp.end - sp.start),
                                         text + sp.start, r->cands[0].ref);
                for (size_t a = 1; a < r->n && a <= GLA_PARTIAL_MAX_ALT; a++)
                    used += (size_t)snprintf(out + used, cap - used, "~%s",
                                             r->cands[a].ref);
                if (r->status == GLA_NAME_AMBIGUOUS)
                    used += (size_t)snprintf(out + used, cap - used, "?");
                assert_true(used < cap);
            }
            gla_name_hits_free(h);
            pos = end;
        }
        if (i < n)
            gla_names_ctx_add(ctx, e.ref, text + ms[i].span.start,
                              ms[i].span.end - ms[i].span.start);
    }
    gla_names_ctx_free(ctx);
    free(ms);
}

static void test_differential(void **state)
{
    (void)state;
    gla_matcher *m = matcher();
    gla_names *nm = NULL;
    assert_int_equal(gla_names_new(&nm, NULL), GLA_OK);
    for (size_t i = 0; i < N_GLOSSARY; i++)
        assert_int_equal(
            add_entry(&glossary[i], add_to_names, nm, (int64_t)i + 1),
            GLA_OK);
    assert_int_equal(gla_names_build(nm), GLA_OK);
    gla_partial *p = NULL;
    assert_int_equal(gla_partial_new(&p, m), GLA_OK);
    size_t cap = 1 << 16;
    char *text = malloc(cap), *want = malloc(cap), *got = malloc(cap);
    assert_non_null(text);
    assert_non_null(want);
    assert_non_null(got);
    size_t total_hits = 0;
    for (int doc = 0; doc < 300; doc++) {
        size_t used = 0;
        int nw = 20 + (int)rnd(200);
        for (int w = 0; w < nw; w++) {
            const char *a = words[rnd(sizeof words / sizeof words[0])];
            const char *b = seps[rnd(sizeof seps / sizeof seps[0])];
            used += (size_t)snprintf(text + used, cap - used, "%s%s", a, b);
        }
        reference(want, cap, m, nm, text);
        hits_of(got, cap, m, p, text, 0);
        if (strcmp(want, got) != 0)
            fail_msg("document %d differs:\n%s\nwant: %s\ngot:  %s", doc, text,
                     want, got);
        for (const char *s = want; (s = strchr(s, '=')) != NULL; s++)
            total_hits++;
    }
    /* The generator must make real hits, or the comparison proves
     * nothing. */
    if (total_hits < 300)
        fail_msg("only %zu hits in all", total_hits);
    free(text);
    free(want);
    free(got);
    gla_partial_free(p);
    gla_names_free(nm);
    gla_matcher_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cases),
        cmocka_unit_test(test_stretches),
        cmocka_unit_test(test_differential),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
