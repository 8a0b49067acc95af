/*
 * Tests of extract: acronym definitions (French order, another language's
 * order, already known), Vietnamese-name-shaped sequences with the "Le"
 * rule, variant clusters, frequent phrases, and equivalents proposed from
 * aligned pairs, each over small texts written for the test.
 */
#include <glossalign/extract.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

/* ---- a small glossary ------------------------------------------------- */

typedef struct tterm {
    const char *lang, *text;
    gla_status status;
    gla_term_type type;
} tterm;

typedef struct tentry {
    const char *ref;
    gla_kind kind;
    tterm terms[4];
} tentry;

static const tentry glossary[] = {
    {"org.unmiss",
     GLA_KIND_ORGANIZATION,
     {{"fr", "Mission des Nations unies au Soudan du Sud",
       GLA_STATUS_PREFERRED, 0},
      {"fr", "MINUSS", GLA_STATUS_ADMITTED, GLA_TYPE_ACRONYM},
      {"vi", "Phái bộ Liên hợp quốc tại Nam Sudan", GLA_STATUS_PREFERRED,
       0}}},
    {"person.phan-van-giang",
     GLA_KIND_PERSON,
     {{"fr", "Phan Van Giang", GLA_STATUS_PREFERRED, 0},
      {"vi", "Phan Văn Giang", GLA_STATUS_PREFERRED, 0}}},
    {"term.genie",
     GLA_KIND_TERM,
     {{"fr", "génie militaire", GLA_STATUS_PREFERRED, 0}}},
    {"term.deminage",
     GLA_KIND_TERM,
     {{"fr", "déminage", GLA_STATUS_PREFERRED, 0}}},
    {"term.hopital",
     GLA_KIND_TERM,
     {{"fr", "hôpital de campagne", GLA_STATUS_PREFERRED, 0},
      {"vi", "bệnh viện dã chiến", GLA_STATUS_PREFERRED, 0}}},
};

static gla_matcher *build_matcher(const char *lang)
{
    gla_matcher_options mo = GLA_MATCHER_OPTIONS_INIT;
    mo.source_lang = lang;
    gla_matcher_builder *b = NULL;
    assert_int_equal(gla_matcher_builder_new(&b, &mo), GLA_OK);
    for (size_t i = 0; i < sizeof glossary / sizeof glossary[0]; i++) {
        gla_entry e;
        memset(&e, 0, sizeof e);
        e.ref = (char *)glossary[i].ref;
        e.kind = glossary[i].kind;
        gla_term t[4];
        memset(t, 0, sizeof t);
        size_t n = 0;
        for (; n < 4 && glossary[i].terms[n].lang; n++) {
            t[n].lang = (char *)glossary[i].terms[n].lang;
            t[n].text = (char *)glossary[i].terms[n].text;
            t[n].status = glossary[i].terms[n].status;
            t[n].type = glossary[i].terms[n].type;
        }
        e.terms = t;
        e.n_terms = n;
        assert_int_equal(gla_matcher_builder_add(b, &e), GLA_OK);
    }
    gla_matcher *m = NULL;
    assert_int_equal(gla_matcher_build(&m, b, 0), GLA_OK);
    gla_matcher_builder_free(b);
    return m;
}

/* ---- collected candidates ------------------------------------------- */

typedef struct got {
    gla_cand_kind kind;
    char text[128];
    char long_form[128];
    size_t count;
    size_t n_forms;
    char forms[4][128];
    size_t n_contexts;
    char known[64];
} got;

typedef struct sink {
    got v[256];
    size_t n;
} sink;

static int collect(void *ctx, const gla_candidate *c)
{
    sink *s = ctx;
    assert_non_null(c->note);
    assert_true(c->n_contexts >= 1 && c->n_contexts <= 3);
    for (size_t i = 0; i < c->n_contexts; i++)
        assert_null(strchr(c->contexts[i], '\n'));
    if (s->n == 256)
        return GLA_OK;
    got *g = &s->v[s->n++];
    memset(g, 0, sizeof *g);
    g->kind = c->kind;
    snprintf(g->text, sizeof g->text, "%s", c->text);
    snprintf(g->long_form, sizeof g->long_form, "%s",
             c->long_form ? c->long_form : "");
    g->count = c->count;
    g->n_forms = c->n_forms;
    for (size_t i = 0; i < c->n_forms && i < 4; i++)
        snprintf(g->forms[i], sizeof g->forms[i], "%s", c->forms[i]);
    g->n_contexts = c->n_contexts;
    snprintf(g->known, sizeof g->known, "%s",
             c->known_ref ? c->known_ref : "");
    return GLA_OK;
}

static const got *find(const sink *s, gla_cand_kind k, const char *text)
{
    for (size_t i = 0; i < s->n; i++)
        if (s->v[i].kind == k && strcmp(s->v[i].text, text) == 0)
            return &s->v[i];
    return NULL;
}

static void run(sink *s, const gla_matcher *m, const char *const *docs,
                size_t n, size_t min_count)
{
    gla_extract_opts o = GLA_EXTRACT_OPTS_INIT;
    o.m = m;
    o.min_count = min_count;
    gla_extractor *x = NULL;
    assert_int_equal(gla_extractor_new(&x, &o), GLA_OK);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(gla_extractor_feed(x, docs[i], strlen(docs[i])),
                         GLA_OK);
    memset(s, 0, sizeof *s);
    assert_int_equal(gla_extractor_results(x, collect, s), GLA_OK);
    gla_extractor_free(x);
}

/* Acronyms: (acronym, long form expected or NULL for none). */
static void test_acronyms(void **state)
{
    (void)state;
    static const char *const docs[] = {
        "Le Vietnam a envoyé des officiers à la Force intérimaire de "
        "sécurité des Nations unies pour Abyei (FISNUA).",
        "Un hôpital de campagne a rejoint la Mission des Nations unies au "
        "Soudan du Sud (MINUSS) l'an dernier.",
        "Il a rencontré la représentante du Programme des Nations unies "
        "pour le développement (PNUD) à Hanoï.",
        "Le Haut-Commissariat des Nations unies pour les réfugiés (UNHCR) "
        "a salué l'accord.",
        "Le Parti communiste du Vietnam (PCV) et le Parti communiste "
        "chinois (PCC) ont signé.",
        "Il travaille avec le Parti communiste du Vietnam (PCV) depuis 2019.",
        "Cette phrase parle de (OK) sans définition.",
    };
    gla_matcher *m = build_matcher("fr");
    sink s;
    run(&s, m, docs, sizeof docs / sizeof docs[0], 3);
    static const struct {
        const char *acr, *long_form;
        size_t count;
    } want[] = {
        {"FISNUA",
         "Force intérimaire de sécurité des Nations unies pour Abyei", 1},
        {"PNUD", "Programme des Nations unies pour le développement", 1},
        {"UNHCR", "Haut-Commissariat des Nations unies pour les réfugiés", 1},
        {"PCV", "Parti communiste du Vietnam", 2},
        {"PCC", "Parti communiste chinois", 1},
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        const got *g = find(&s, GLA_CAND_ACRONYM, want[i].acr);
        if (!g)
            fail_msg("no candidate for %s", want[i].acr);
        if (strcmp(g->long_form, want[i].long_form) != 0)
            fail_msg("%s: long form '%s', expected '%s'", want[i].acr,
                     g->long_form, want[i].long_form);
        assert_int_equal(g->count, want[i].count);
    }
    /* known as one concept of the glossary: left out */
    assert_null(find(&s, GLA_CAND_ACRONYM, "MINUSS"));
    assert_null(find(&s, GLA_CAND_ACRONYM, "OK"));
    gla_matcher_free(m);
}

static void test_foreign_order(void **state)
{
    (void)state;
    /* UNMISS spells the English long form; the French one holds its
     * letters in another order */
    static const char *const docs[] = {
        "Des casques bleus de la Mission des Nations unies au Soudan du Sud "
        "(UNMISS) ont été déployés."};
    sink s;
    run(&s, NULL, docs, 1, 3);
    const got *g = find(&s, GLA_CAND_ACRONYM, "UNMISS");
    assert_non_null(g);
    assert_string_equal(g->long_form,
                        "Mission des Nations unies au Soudan du Sud");
}

static void test_vi_names(void **state)
{
    (void)state;
    static const char *const docs[] = {
        "Le général Phan Van Giang a reçu Le Hoai Trung et Nguyen Thi Van "
        "Anh. Le Vietnam et Le Caire ont parlé avec Paris.",
        "Le ministre Le Hoai Trung est arrivé. Nguyên Thi Vân Anh aussi.",
        "Le Duy est un mot. Madame Martin Dupont est venue.",
    };
    gla_matcher *m = build_matcher("fr");
    sink s;
    run(&s, m, docs, sizeof docs / sizeof docs[0], 3);
    const got *g = find(&s, GLA_CAND_VI_NAME, "Le Hoai Trung");
    assert_non_null(g);
    assert_int_equal(g->count, 2);
    g = find(&s, GLA_CAND_VI_NAME, "Nguyen Thi Van Anh");
    assert_non_null(g);
    assert_int_equal(g->count, 2);
    assert_int_equal(g->n_forms, 2); /* with and without marks */
    /* known to the glossary, not a syllable, or "Le" the article */
    static const char *const not_names[] = {"Phan Van Giang", "Le Vietnam",
                                            "Le Caire", "Vietnam", "Le Duy",
                                            "Duy", "Martin Dupont"};
    for (size_t i = 0; i < sizeof not_names / sizeof not_names[0]; i++)
        if (find(&s, GLA_CAND_VI_NAME, not_names[i]))
            fail_msg("'%s' proposed as a Vietnamese name", not_names[i]);
    gla_matcher_free(m);
}

static void test_variants_and_phrases(void **state)
{
    (void)state;
    static const char *const docs[] = {
        "Le commandant Staviskiy a visité le centre de formation. Le "
        "centre de formation est neuf.",
        "Selon Stavitski, le centre de formation accueille le génie "
        "militaire et le déminage humanitaire.",
        "Stavitski a parlé du déminage humanitaire à Hanoï.",
        "Le déminage humanitaire reste la priorité, dit-on à Hanoi.",
    };
    gla_matcher *m = build_matcher("fr");
    sink s;
    run(&s, m, docs, sizeof docs / sizeof docs[0], 3);
    const got *g = find(&s, GLA_CAND_VARIANT, "Stavitski");
    assert_non_null(g);
    assert_int_equal(g->count, 3);
    assert_int_equal(g->n_forms, 2);
    /* Hanoï/Hanoi: two forms, but only seen twice (min_count 3) */
    assert_null(find(&s, GLA_CAND_VARIANT, "Hanoï"));
    assert_null(find(&s, GLA_CAND_VARIANT, "Hanoi"));
    g = find(&s, GLA_CAND_PHRASE, "centre de formation");
    assert_non_null(g);
    assert_int_equal(g->count, 3);
    /* "déminage" is a glossary term: no phrase built on it */
    assert_null(find(&s, GLA_CAND_PHRASE, "déminage humanitaire"));
    assert_null(find(&s, GLA_CAND_PHRASE, "génie militaire"));
    gla_matcher_free(m);
}

/* Forms and contexts hold no control characters: the input's line
 * breaks, form feeds and vertical tabs inside a long form or a phrase are
 * one space in the form, a space in the context. */
static int has_control(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20)
            return 1;
    return 0;
}

static int check_clean(void *ctx, const gla_candidate *c)
{
    size_t *n = ctx;
    (*n)++;
    assert_false(has_control(c->text));
    assert_false(has_control(c->note));
    if (c->long_form)
        assert_false(has_control(c->long_form));
    for (size_t i = 0; i < c->n_forms; i++)
        assert_false(has_control(c->forms[i]));
    for (size_t i = 0; i < c->n_contexts; i++)
        assert_false(has_control(c->contexts[i]));
    return GLA_OK;
}

static void test_control_characters(void **state)
{
    (void)state;
    static const char *const docs[] = {
        "Le Vietnam a envoyé des officiers à la Force intérimaire de\v"
        "sécurité des Nations unies pour\f\fAbyei (FISNUA).\r\n",
        "Le centre\vde   formation accueille des cadets.\f",
        "Le centre de formation a ouvert.\r\nLe centre de formation ferme.",
    };
    static const struct {
        gla_cand_kind kind;
        const char *text, *long_form;
    } want[] = {
        {GLA_CAND_ACRONYM, "FISNUA",
         "Force intérimaire de sécurité des Nations unies pour Abyei"},
        {GLA_CAND_PHRASE, "centre de formation", ""},
    };
    sink s;
    run(&s, NULL, docs, sizeof docs / sizeof docs[0], 2);
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        const got *g = find(&s, want[i].kind, want[i].text);
        if (!g)
            fail_msg("no candidate '%s'", want[i].text);
        assert_string_equal(g->long_form, want[i].long_form);
    }
    gla_extract_opts o = GLA_EXTRACT_OPTS_INIT;
    o.min_count = 1;
    gla_extractor *x = NULL;
    assert_int_equal(gla_extractor_new(&x, &o), GLA_OK);
    for (size_t i = 0; i < sizeof docs / sizeof docs[0]; i++)
        assert_int_equal(gla_extractor_feed(x, docs[i], strlen(docs[i])),
                         GLA_OK);
    size_t n = 0;
    assert_int_equal(gla_extractor_results(x, check_clean, &n), GLA_OK);
    assert_true(n >= 2);
    gla_extractor_free(x);
}

static void test_bad_input(void **state)
{
    (void)state;
    gla_extractor *x = NULL;
    assert_int_equal(gla_extractor_new(&x, NULL), GLA_OK);
    static const char bad[] = "Texte \xC3 cassé";
    assert_int_equal(gla_extractor_feed(x, bad, sizeof bad - 1), GLA_EUTF8);
    assert_true(strlen(gla_extractor_errmsg(x)) > 0);
    assert_int_equal(gla_extractor_feed(x, "", 0), GLA_OK);
    gla_extractor_free(x);
}

/* ---- proposals -------------------------------------------------------- */

typedef struct prop {
    char ref[64];
    char target[128];
    size_t rank, joint;
    double dice;
} prop;

typedef struct psink {
    prop v[64];
    size_t n;
} psink;

static int collect_prop(void *ctx, const gla_proposal *p)
{
    psink *s = ctx;
    assert_true(p->dice > 0 && p->dice <= 1.0 + 1e-9);
    assert_true(p->joint <= p->n_source && p->joint <= p->n_target);
    if (s->n < 64) {
        prop *d = &s->v[s->n++];
        snprintf(d->ref, sizeof d->ref, "%s", p->ref);
        snprintf(d->target, sizeof d->target, "%s", p->target);
        d->rank = p->rank;
        d->joint = p->joint;
        d->dice = p->dice;
    }
    return GLA_OK;
}

static void test_proposals(void **state)
{
    (void)state;
    static const char *const pairs[][2] = {
        {"Le déminage a commencé hier.", "Công tác rà phá bom mìn đã bắt đầu "
                                         "hôm qua."},
        {"Le déminage coûte cher.", "Rà phá bom mìn rất tốn kém."},
        {"Ils financent le déminage au Laos.",
         "Họ tài trợ rà phá bom mìn ở Lào."},
        {"Le génie militaire et le déminage.",
         "Công binh và rà phá bom mìn."},
        {"Le génie militaire construit des ponts.",
         "Công binh xây dựng cầu."},
        {"Le génie militaire a un hôpital de campagne.",
         "Công binh có bệnh viện dã chiến."},
        {"Hier, il a plu.", "Hôm qua trời mưa."},
    };
    gla_matcher *m = build_matcher("fr");
    gla_propose_opts o = GLA_PROPOSE_OPTS_INIT;
    o.tgt_lang = "vi";
    o.per_concept = 1;
    gla_proposer *p = NULL;
    assert_int_equal(gla_proposer_new(&p, m, &o), GLA_OK);
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++)
        assert_int_equal(gla_proposer_feed(p, pairs[i][0],
                                           strlen(pairs[i][0]), pairs[i][1],
                                           strlen(pairs[i][1])),
                         GLA_OK);
    psink s;
    memset(&s, 0, sizeof s);
    assert_int_equal(gla_proposer_results(p, collect_prop, &s), GLA_OK);
    /* déminage and génie militaire lack a Vietnamese term; the field
     * hospital has one and gets no proposal */
    assert_int_equal(s.n, 2);
    assert_string_equal(s.v[0].ref, "term.deminage");
    assert_string_equal(s.v[0].target, "rà phá bom mìn");
    assert_int_equal(s.v[0].joint, 4);
    assert_true(s.v[0].dice > 0.99);
    assert_string_equal(s.v[1].ref, "term.genie");
    assert_string_equal(s.v[1].target, "Công binh");
    assert_int_equal(s.v[1].joint, 3);
    static const char bad[] = "\xff";
    assert_int_equal(gla_proposer_feed(p, "a", 1, bad, 1), GLA_EUTF8);
    gla_proposer_free(p);
    gla_matcher_free(m);
}


/* ---- counts: split, dump, merge ------------------------------------------ */

/* A corpus with every kind, several spellings and casings of one item,
 * contexts enough to choose from, and a tab, control characters and a
 * backslash for the escapes. */
static const char *const scale_docs[] = {
    "Le Vietnam a envoyé des officiers du génie à la Force intérimaire de "
    "sécurité des Nations unies pour Abyei (FISNUA). Le ministère de la "
    "Défense a salué leur travail.",
    "Selon le colonel Stavitski, le centre de formation accueille des "
    "officiers vietnamiens. Le centre de formation a ouvert en 2023.",
    "Le commandant Staviskiy a visité le centre de formation avec Nguyen "
    "Van Thanh et Le Hoai Trung.",
    "Une délégation de la Mission des Nations unies au Soudan du Sud "
    "(MINUSS) a rencontré Stavitski et Nguyên Van Thanh à Hanoï.",
    "Le Vietnam et Le Caire ont signé un accord. Le Hoai Trung a parlé du "
    "maintien de la paix.",
    "LE CENTRE DE FORMATION DU GÉNIE MILITAIRE ACCUEILLE NGUYEN VAN THANH.",
    "Centre de formation\tet hôpital de campagne : le colonel Stavitsky "
    "arrive.\r\nLe centre de formation ouvre ses portes au public.",
    "Un centre de formation \\ un autre centre de formation, puis la "
    "Force intérimaire de sécurité des Nations unies pour Abyei (FISNUA) "
    "encore.",
    "Les casques bleus vietnamiens du maintien de la paix saluent le "
    "maintien de la paix et les casques bleus vietnamiens.",
    "Le colonel Stavitski et les casques bleus vietnamiens visitent "
    "l'hôpital de campagne avec Phan Van Giang et Nguyen Van Thanh.",
    "Les casques bleus vietnamiens du centre de formation rentrent de la "
    "Mission onusienne au Soudan du Sud (MINUSS).",
    "Le commandant Staviskiy salue les casques bleus vietnamiens. La "
    "Mission onusienne au Soudan du Sud (MINUSS) les accueille.",
};
#define N_SCALE (sizeof scale_docs / sizeof scale_docs[0])

/* Everything a candidate carries, one line each. */
static int render(void *ctx, const gla_candidate *c)
{
    gla_buf *b = ctx;
    gla_buf_printf(b, "%s|%s|%s|%zu|%.6f|%s|%s", gla_cand_kind_name(c->kind),
                   c->text, c->long_form ? c->long_form : "-", c->count,
                   c->score, c->known_ref ? c->known_ref : "-", c->note);
    for (size_t i = 0; i < c->n_forms; i++)
        gla_buf_printf(b, "|f:%s=%zu", c->forms[i], c->form_counts[i]);
    for (size_t i = 0; i < c->n_contexts; i++)
        gla_buf_printf(b, "|c:%s", c->contexts[i]);
    gla_buf_puts(b, "\n");
    return GLA_OK;
}

static gla_extractor *new_x(const gla_matcher *m)
{
    gla_extract_opts o = GLA_EXTRACT_OPTS_INIT;
    o.m = m;
    o.min_count = 2;
    gla_extractor *x = NULL;
    assert_int_equal(gla_extractor_new(&x, &o), GLA_OK);
    return x;
}

static char *results_of(gla_extractor *x)
{
    gla_buf b = GLA_BUF_INIT;
    assert_int_equal(gla_extractor_results(x, render, &b), GLA_OK);
    gla_buf_puts(&b, "");
    return b.data; /* the caller frees it */
}

/* One shard's dump, as a rewound temporary file. */
static FILE *dump_shard(const gla_matcher *m, const size_t *docs, size_t n,
                        const char *source)
{
    gla_extractor *x = new_x(m);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(gla_extractor_feed(x, scale_docs[docs[i]],
                                            strlen(scale_docs[docs[i]])),
                         GLA_OK);
    FILE *f = tmpfile();
    assert_non_null(f);
    assert_int_equal(gla_extractor_dump(x, source, f), GLA_OK);
    rewind(f);
    gla_extractor_free(x);
    return f;
}

/* Splits: shard of each document (0..N_SCALE-1), -1 leaves it out, and
 * the order in which shards are merged. */
typedef struct split {
    const char *name;
    int shard[N_SCALE];
    int order[N_SCALE]; /* shard numbers, -1 ends */
    int same;           /* whether the merge must equal the single run */
} split;

static const split splits[] = {
    {"one shard", {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, {0, -1}, 1},
    {"halves", {0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1}, {0, 1, -1}, 1},
    {"halves reversed", {0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1}, {1, 0, -1}, 1},
    {"one per document", {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11},
     {11, 3, 7, 0, 5, 9, 1, 10, 2, 8, 4, 6}, 1},
    {"interleaved thirds", {0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2},
     {2, 0, 1, -1}, 1},
    {"uneven", {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 2}, {2, 1, 0, -1}, 1},
    /* must differ: a shard merged twice, a shard left out */
    {"shard twice", {0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1}, {0, 1, 1, -1}, 0},
    {"shard lost", {0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1}, {0, -1}, 0},
    {"document lost", {0, 0, 0, 0, 0, -1, 1, 1, 1, 1, 1, 1}, {0, 1, -1}, 0},
};

static char *single_run(const gla_matcher *m, int reverse)
{
    gla_extractor *x = new_x(m);
    for (size_t i = 0; i < N_SCALE; i++) {
        const char *d = scale_docs[reverse ? N_SCALE - 1 - i : i];
        assert_int_equal(gla_extractor_feed(x, d, strlen(d)), GLA_OK);
    }
    char *r = results_of(x);
    gla_extractor_free(x);
    return r;
}

static void test_counts_merge(void **state)
{
    (void)state;
    gla_matcher *m = build_matcher("fr");
    char *single = single_run(m, 0);
    /* every kind is there, so each is put to the test */
    for (int k = 0; k < GLA_CAND_KIND_COUNT; k++) {
        char head[32];
        snprintf(head, sizeof head, "\n%s|", gla_cand_kind_name(k));
        if (strncmp(single, head + 1, strlen(head + 1)) != 0 &&
            !strstr(single, head))
            fail_msg("no %s candidate in the single run:\n%s", head + 1,
                     single);
    }
    /* a candidate touches a known concept, so known refs are merged too */
    if (!strstr(single, "|term.") && !strstr(single, "|org.") &&
        !strstr(single, "|person."))
        fail_msg("no known ref in the single run:\n%s", single);
    /* the order of the documents does not matter either */
    char *rev = single_run(m, 1);
    assert_string_equal(single, rev);
    free(rev);

    for (size_t s = 0; s < sizeof splits / sizeof splits[0]; s++) {
        const split *sp = &splits[s];
        FILE *f[N_SCALE] = {NULL};
        for (int sh = 0; sh < (int)N_SCALE; sh++) {
            size_t docs[N_SCALE], n = 0;
            for (size_t i = 0; i < N_SCALE; i++)
                if (sp->shard[i] == sh)
                    docs[n++] = i;
            if (n)
                f[sh] = dump_shard(m, docs, n, "corpus");
        }
        gla_extractor *x = new_x(NULL); /* the reducer has no glossary */
        for (size_t k = 0; k < N_SCALE && sp->order[k] >= 0; k++) {
            FILE *g = f[sp->order[k]];
            assert_non_null(g);
            rewind(g);
            if (gla_extractor_merge(x, g, "shard") != GLA_OK)
                fail_msg("%s: %s", sp->name, gla_extractor_errmsg(x));
        }
        assert_string_equal(gla_extractor_sources(x), "corpus");
        char *merged = results_of(x);
        if (sp->same && strcmp(single, merged) != 0)
            fail_msg("%s: merged differs from the single run:\n%s\n---\n%s",
                     sp->name, single, merged);
        if (!sp->same && strcmp(single, merged) == 0)
            fail_msg("%s: merged equals the single run", sp->name);
        free(merged);
        gla_extractor_free(x);
        for (size_t i = 0; i < N_SCALE; i++)
            if (f[i])
                fclose(f[i]);
    }
    free(single);
    gla_matcher_free(m);
}

/* Two dumps in one stream, their items in reverse order, and a merge of
 * merges: the same results. */
static void test_counts_shuffled(void **state)
{
    (void)state;
    gla_matcher *m = build_matcher("fr");
    char *single = single_run(m, 0);
    size_t a[] = {0, 2, 4, 6, 8, 10}, b[] = {1, 3, 5, 7, 9, 11};
    FILE *fa = dump_shard(m, a, 6, "x"), *fb = dump_shard(m, b, 6, "y");
    /* all lines of both, in reverse order, into one stream */
    char *lines[512];
    size_t n = 0;
    char buf[8192];
    FILE *fs[2] = {fa, fb};
    for (int i = 0; i < 2; i++)
        while (fgets(buf, sizeof buf, fs[i])) {
            assert_true(n < 512);
            assert_non_null(strchr(buf, '\n'));
            lines[n] = malloc(strlen(buf) + 1);
            assert_non_null(lines[n]);
            strcpy(lines[n++], buf);
        }
    FILE *all = tmpfile();
    assert_non_null(all);
    /* the '#' lines first, as a byte-wise sort puts them, then the items
     * of both dumps interleaved in reverse order */
    for (size_t i = 0; i < n; i++)
        if (lines[i][0] == '#')
            fputs(lines[i], all);
    for (size_t i = n; i-- > 0;) {
        if (lines[i][0] != '#')
            fputs(lines[i], all);
        free(lines[i]);
    }
    rewind(all);
    gla_extractor *x = new_x(NULL);
    if (gla_extractor_merge(x, all, "all") != GLA_OK)
        fail_msg("%s", gla_extractor_errmsg(x));
    assert_string_equal(gla_extractor_sources(x), "x y");
    char *merged = results_of(x);
    assert_string_equal(single, merged);
    free(merged);
    gla_extractor_free(x);

    /* a combiner: a merges into counts, merged again with b */
    rewind(fa);
    rewind(fb);
    gla_extractor *c = new_x(NULL);
    assert_int_equal(gla_extractor_merge(c, fa, "a"), GLA_OK);
    FILE *fc = tmpfile();
    assert_non_null(fc);
    assert_int_equal(gla_extractor_dump(c, "x", fc), GLA_OK);
    rewind(fc);
    gla_extractor_free(c);
    x = new_x(NULL);
    assert_int_equal(gla_extractor_merge(x, fb, "b"), GLA_OK);
    assert_int_equal(gla_extractor_merge(x, fc, "c"), GLA_OK);
    merged = results_of(x);
    assert_string_equal(single, merged);
    free(merged);
    gla_extractor_free(x);
    fclose(fa);
    fclose(fb);
    fclose(fc);
    fclose(all);
    free(single);
    gla_matcher_free(m);
}

/* Bounded memory: with max_items under the distinct phrases, phrases seen
 * once are dropped, and a dump holds only what is kept. */
static void test_counts_max_items(void **state)
{
    (void)state;
    gla_extract_opts o = GLA_EXTRACT_OPTS_INIT;
    o.kinds = 1u << GLA_CAND_PHRASE;
    o.min_count = 1;
    gla_extractor *full = NULL, *small = NULL;
    assert_int_equal(gla_extractor_new(&full, &o), GLA_OK);
    o.max_items = 4;
    assert_int_equal(gla_extractor_new(&small, &o), GLA_OK);
    for (size_t i = 0; i < N_SCALE; i++) {
        const char *d = scale_docs[i];
        assert_int_equal(gla_extractor_feed(full, d, strlen(d)), GLA_OK);
        assert_int_equal(gla_extractor_feed(small, d, strlen(d)), GLA_OK);
    }
    char *a = results_of(full), *b = results_of(small);
    assert_true(strlen(b) < strlen(a));
    /* what is kept was seen more than once */
    assert_null(strstr(b, "seen 1 times"));
    assert_non_null(strstr(b, "centre de formation"));
    free(a);
    free(b);
    gla_extractor_free(full);
    gla_extractor_free(small);
}

/* Bad counts: each gives GLA_EPARSE and "NAME:LINE: what". */
static void test_counts_bad(void **state)
{
    (void)state;
#define HDR "#glossalign-extract-counts\t1\tfr\tx\n"
#define ITEM                                                                   \
    "phrase\tcentre de formation\t3\tcentre de formation\t3\t\t0\t1\tun "       \
    "centre\n"
    static const struct {
        const char *in, *want;
    } cases[] = {
        {"", "bad:0: no '#glossalign-extract-counts' header"},
        {"hello\n", "bad:1: not glossalign extract counts"},
        {"#glossalign-extract-counts\t2\tfr\tx\n#end\t0\n",
         "bad:1: counts format version '2'"},
        {"#glossalign-extract-counts\t1\tvi\tx\n#end\t0\n",
         "bad:1: counts of a 'vi' corpus"},
        {"#glossalign-extract-counts\t1\tfr\n", "bad:1: header: 3 fields"},
        {HDR "phrase\tcentre de formation\t3\tcentre", "bad:2: truncated line"},
        {HDR "phrase\tcentre de formation\t3\tcentre de formation\t3\n",
         "bad:2: 5 fields"},
        {HDR "phrase\tk\tx3\tk\t3\t\t0\t0\n#end\t1\n", "bad:2: bad count 'x3'"},
        {HDR "phrase\tk\t0\tk\t3\t\t0\t0\n#end\t1\n", "bad:2: bad count '0'"},
        {HDR "phrase\tk\t99999999999999999\tk\t3\t\t0\t0\n#end\t1\n",
         "bad:2: bad count"},
        {HDR "phrase\tk\t3\tk\t3\t\t0\t4\ta\tb\tc\td\n#end\t1\n",
         "bad:2: bad context count '4'"},
        {HDR "phrase\tk\t3\tk\t3\t\t0\t1\ta\tb\n#end\t1\n",
         "bad:2: 10 fields, expected 9"},
        {HDR "variant\tk\t3\tK\t1\t\t1\tk\tK\t2\t0\t0\n#end\t1\n",
         "bad:2: forms seen 2 times in all, the item 3"},
        {HDR "variant\tk\t3\tK\t1\t\t1\tk\tK\t3\t2\t0\n#end\t1\n",
         "bad:2: form 1: known flag '2'"},
        {HDR "thing\tk\t3\tk\t3\t\t0\t0\n#end\t1\n", "bad:2: unknown kind"},
        {HDR "phrase\tk\\q\t3\tk\t3\t\t0\t0\n#end\t1\n",
         "bad:2: field 2: a backslash"},
        {HDR "phrase\tk\xC3\t3\tk\t3\t\t0\t0\n#end\t1\n",
         "bad:2: field 2 is not UTF-8"},
        {HDR ITEM, "bad:2: incomplete: 1 header(s), 0 '#end'"},
        {HDR ITEM "#end\t2\n", "bad:3: incomplete"},
        {HDR ITEM "#end\tx\n", "bad:3: bad trailer"},
        {HDR "#comment\n", "bad:2: unknown line"},
        {"#end\t1\n" ITEM, "bad:2: not glossalign extract counts (no"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        FILE *f = tmpfile();
        assert_non_null(f);
        fputs(cases[i].in, f);
        rewind(f);
        gla_extractor *x = NULL;
        assert_int_equal(gla_extractor_new(&x, NULL), GLA_OK);
        int rc = gla_extractor_merge(x, f, "bad");
        if (rc != GLA_EPARSE ||
            strncmp(gla_extractor_errmsg(x), cases[i].want,
                    strlen(cases[i].want)) != 0)
            fail_msg("case %zu: rc %d, '%s', expected '%s'", i, rc,
                     gla_extractor_errmsg(x), cases[i].want);
        gla_extractor_free(x);
        fclose(f);
    }
    /* the good one, for contrast: the escapes come back */
    FILE *f = tmpfile();
    assert_non_null(f);
    fputs(HDR "phrase\tk\\t\\\\\t3\tk\\\\\t3\t\t0\t1\ta\\tb\n#end\t1\n", f);
    rewind(f);
    gla_extract_opts o = GLA_EXTRACT_OPTS_INIT;
    o.min_count = 1;
    gla_extractor *x = NULL;
    assert_int_equal(gla_extractor_new(&x, &o), GLA_OK);
    assert_int_equal(gla_extractor_merge(x, f, "good"), GLA_OK);
    char *r = results_of(x);
    assert_string_equal(r, "phrase|k\\|-|3|6.000000|-|frequent phrase (3 "
                           "words) not in the glossary|c:a b\n");
    free(r);
    gla_extractor_free(x);
    fclose(f);
#undef HDR
#undef ITEM
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_acronyms),
        cmocka_unit_test(test_foreign_order),
        cmocka_unit_test(test_vi_names),
        cmocka_unit_test(test_variants_and_phrases),
        cmocka_unit_test(test_control_characters),
        cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_proposals),
        cmocka_unit_test(test_counts_merge),
        cmocka_unit_test(test_counts_shuffled),
        cmocka_unit_test(test_counts_max_items),
        cmocka_unit_test(test_counts_bad),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
