/*
 * Tests of check: the segment-pair readers (XLIFF 1.2/2.0, TMX, TSV, and
 * the refusals: entities, malformed XML, other roots) on fixtures in
 * tests/data/check/, and the checker's findings over a small in-memory
 * glossary, case by case.
 */
#include <glossalign/align.h>
#include <glossalign/check.h>

#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#define DATA "tests/data/check/"

/* ---- reading pairs --------------------------------------------------- */

#define MAXPAIRS 16

typedef struct got_pair {
    char id[64];
    char src[256];
    char tgt[256];
    int has_tgt;
    char sl[16], tl[16];
    size_t n_src_codes, n_tgt_codes;
    size_t src_codes[4];
    size_t line;
} got_pair;

typedef struct got {
    got_pair v[MAXPAIRS];
    size_t n;
    size_t total; /* also beyond MAXPAIRS */
} got;

static void copyz(char *dst, size_t cap, const char *s, size_t n)
{
    if (n >= cap)
        n = cap - 1;
    memcpy(dst, s, n);
    dst[n] = '\0';
}

static int collect(void *ctx, const gla_segpair *p)
{
    got *g = ctx;
    g->total++;
    assert_non_null(p->id);
    assert_true(p->src_len == 0 || p->src != NULL);
    for (size_t i = 0; i < p->n_src_codes; i++)
        assert_true(p->src_codes[i] <= p->src_len);
    for (size_t i = 0; i < p->n_tgt_codes; i++)
        assert_true(p->tgt_codes[i] <= p->tgt_len);
    if (g->n == MAXPAIRS)
        return GLA_OK;
    got_pair *d = &g->v[g->n++];
    copyz(d->id, sizeof d->id, p->id, strlen(p->id));
    copyz(d->src, sizeof d->src, p->src, p->src_len);
    copyz(d->tgt, sizeof d->tgt, p->tgt, p->tgt_len);
    d->has_tgt = p->has_tgt;
    copyz(d->sl, sizeof d->sl, p->src_lang ? p->src_lang : "",
          p->src_lang ? strlen(p->src_lang) : 0);
    copyz(d->tl, sizeof d->tl, p->tgt_lang ? p->tgt_lang : "",
          p->tgt_lang ? strlen(p->tgt_lang) : 0);
    d->n_src_codes = p->n_src_codes;
    d->n_tgt_codes = p->n_tgt_codes;
    for (size_t i = 0; i < p->n_src_codes && i < 4; i++)
        d->src_codes[i] = p->src_codes[i];
    d->line = p->line;
    return GLA_OK;
}

static void test_xliff12(void **state)
{
    (void)state;
    got g;
    memset(&g, 0, sizeof g);
    gla_buf err = GLA_BUF_INIT;
    assert_int_equal(gla_bitext_read_file(DATA "units-1.2.xlf", NULL, collect,
                                          &g, &err),
                     GLA_OK);
    assert_int_equal(g.n, 3); /* alt-trans is not a unit */
    assert_string_equal(g.v[0].id, "t1");
    assert_string_equal(g.v[0].src,
                        "Le ministère de la Défense a tenu 3 conférences.");
    assert_string_equal(g.v[0].tgt, "Bộ Quốc phòng đã tổ chức 3 hội nghị.");
    assert_string_equal(g.v[0].sl, "fr-FR");
    assert_string_equal(g.v[0].tl, "vi-VN");
    /* <g> opens and closes, <x/> stands alone: three code positions */
    assert_int_equal(g.v[0].n_src_codes, 3);
    assert_int_equal(g.v[0].src_codes[0], 3);
    assert_int_equal(g.v[0].src_codes[1], 3 + strlen("ministère de la Défense"));
    assert_int_equal(g.v[0].line, 5);
    /* native code inside <ph> is not text */
    assert_string_equal(g.v[1].src, "Le vice-ministre parle.");
    assert_int_equal(g.v[1].has_tgt, 0);
    assert_int_equal(g.v[1].n_src_codes, 2);
    /* character references and CDATA */
    assert_string_equal(g.v[2].src, "Tâches & orientations");
    assert_string_equal(g.v[2].tgt, "Nhiệm vụ & định hướng");
    gla_buf_dispose(&err);
}

static void test_xliff20(void **state)
{
    (void)state;
    got g;
    memset(&g, 0, sizeof g);
    assert_int_equal(gla_bitext_read_file(DATA "units-2.0.xlf", NULL, collect,
                                          &g, NULL),
                     GLA_OK);
    assert_int_equal(g.n, 3);
    assert_string_equal(g.v[0].id, "u1/s1");
    assert_string_equal(g.v[0].src, "Le général Phan Van Giang.");
    assert_string_equal(g.v[0].tgt, "Đại tướng Phan Văn Giang.");
    assert_string_equal(g.v[0].sl, "fr");
    assert_string_equal(g.v[0].tl, "vi");
    assert_int_equal(g.v[0].n_src_codes, 2);
    assert_string_equal(g.v[1].id, "u1/s2");
    assert_string_equal(g.v[1].src, "Il a parlé en 2024.");
    assert_int_equal(g.v[1].n_src_codes, 1);
    assert_int_equal(g.v[1].src_codes[0], strlen("Il a parlé"));
    assert_string_equal(g.v[2].id, "u2"); /* one segment: the unit id */
    assert_string_equal(g.v[2].tgt, "Một đoạn.");
}

static void test_tmx(void **state)
{
    (void)state;
    got g;
    memset(&g, 0, sizeof g);
    assert_int_equal(gla_bitext_read_file(DATA "memory.tmx", NULL, collect,
                                          &g, NULL),
                     GLA_OK);
    /* srclang fr-FR from the header; target: the first other language */
    assert_int_equal(g.n, 3);
    assert_string_equal(g.v[0].id, "42");
    assert_string_equal(g.v[0].src, "Le ministère de la Défense.");
    assert_string_equal(g.v[0].tgt, "The Ministry of Defence.");
    assert_string_equal(g.v[0].tl, "en-GB");
    assert_int_equal(g.v[1].has_tgt, 0);
    assert_string_equal(g.v[1].id, "2"); /* no tuid: the ordinal */

    gla_bitext_opts o = GLA_BITEXT_OPTS_INIT;
    o.tgt_lang = "vi";
    memset(&g, 0, sizeof g);
    assert_int_equal(gla_bitext_read_file(DATA "memory.tmx", &o, collect, &g,
                                          NULL),
                     GLA_OK);
    assert_string_equal(g.v[0].tgt, "Bộ Quốc phòng.");
    assert_string_equal(g.v[0].tl, "vi-VN");
    assert_string_equal(g.v[2].src, "Hoang Xuan Chien");
    assert_string_equal(g.v[2].tgt, "Hoàng Xuân Chiến");
}

static void test_tsv(void **state)
{
    (void)state;
    got g;
    memset(&g, 0, sizeof g);
    gla_bitext_opts o = GLA_BITEXT_OPTS_INIT;
    o.src_lang = "fr";
    o.tgt_lang = "vi";
    assert_int_equal(gla_bitext_read_file(DATA "pairs.tsv", &o, collect, &g,
                                          NULL),
                     GLA_OK);
    assert_int_equal(g.n, 3);
    assert_string_equal(g.v[0].id, "p1");
    assert_string_equal(g.v[0].tgt, "Bộ Quốc phòng.");
    assert_int_equal(g.v[0].line, 3);
    assert_string_equal(g.v[1].src, "Une\tcolonne");
    assert_string_equal(g.v[1].tgt, "Một\\cột");
    assert_string_equal(g.v[2].id, "3"); /* two columns: the ordinal */
    assert_string_equal(g.v[2].sl, "fr");

    gla_buf err = GLA_BUF_INIT;
    memset(&g, 0, sizeof g);
    assert_int_equal(gla_bitext_read_file(DATA "bad-fields.tsv", NULL,
                                          collect, &g, &err),
                     GLA_EPARSE);
    assert_non_null(strstr(err.data, "bad-fields.tsv:1:"));
    gla_buf_clear(&err);
    static const char bad[] = "a\tb\nc\t\xff\n";
    o.name = "mem.tsv";
    assert_int_equal(gla_bitext_read_mem(bad, sizeof bad - 1, &o, collect, &g,
                                         &err),
                     GLA_EUTF8);
    assert_non_null(strstr(err.data, "mem.tsv:2:3:"));
    gla_buf_dispose(&err);
}

/* Inputs that must be refused, and what the message must name. */
static void test_refusals(void **state)
{
    (void)state;
    static const struct {
        const char *file;
        int rc;
        const char *needle;
    } cases[] = {
        {"entity.xlf", GLA_EPARSE, "entity"},
        {"external.xlf", GLA_EPARSE, "entity"},
        {"malformed.xlf", GLA_EPARSE, "malformed.xlf:5:"},
        {"not-bitext.xml", GLA_EPARSE, "<html>"},
        {"no-such-file.xlf", GLA_ENOTFOUND, "no-such-file.xlf"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char path[256];
        snprintf(path, sizeof path, DATA "%s", cases[i].file);
        got g;
        memset(&g, 0, sizeof g);
        gla_buf err = GLA_BUF_INIT;
        int rc = gla_bitext_read_file(path, NULL, collect, &g, &err);
        if (rc != cases[i].rc || !err.data ||
            !strstr(err.data, cases[i].needle))
            fail_msg("%s: rc %d, message '%s'", cases[i].file, rc,
                     err.data ? err.data : "");
        /* nothing of the entity's text ever reaches the caller */
        for (size_t k = 0; k < g.n; k++)
            assert_null(strstr(g.v[k].src, "BOOM"));
        gla_buf_dispose(&err);
    }
}

static int stop_at_first(void *ctx, const gla_segpair *p)
{
    (void)p;
    (*(int *)ctx)++;
    return GLA_EEXISTS;
}

static void test_callback_stops(void **state)
{
    (void)state;
    int calls = 0;
    assert_int_equal(gla_bitext_read_file(DATA "units-1.2.xlf", NULL,
                                          stop_at_first, &calls, NULL),
                     GLA_EEXISTS);
    assert_int_equal(calls, 1);
}

/* OmegaT's XLIFF and TMX fixtures, read from the shared data only when
 * present: every file either reads or fails with a message. */
static void test_omegat_fixtures(void **state)
{
    (void)state;
    static const char *const dirs[] = {
        "/work/shared/data/formats/omegat/filters/xliff",
        "/work/shared/data/formats/omegat/tmx",
        "/work/shared/data/formats/omegat/autotmx",
        "/work/shared/data/formats/omegat/enforcetmx"};
    size_t files = 0, ok = 0, pairs = 0;
    for (size_t d = 0; d < sizeof dirs / sizeof dirs[0]; d++) {
        DIR *dir = opendir(dirs[d]);
        if (!dir)
            continue;
        struct dirent *de;
        while ((de = readdir(dir))) {
            size_t n = strlen(de->d_name);
            int want = n >= 4 && (strcmp(de->d_name + n - 4, ".tmx") == 0 ||
                                  strcmp(de->d_name + n - 4, ".xlf") == 0);
            if (n >= 6 && strcmp(de->d_name + n - 6, ".xliff") == 0)
                want = 1;
            if (!want)
                continue;
            char path[1024];
            snprintf(path, sizeof path, "%s/%s", dirs[d], de->d_name);
            got g;
            memset(&g, 0, sizeof g);
            gla_buf err = GLA_BUF_INIT;
            int rc = gla_bitext_read_file(path, NULL, collect, &g, &err);
            files++;
            if (rc == GLA_OK) {
                ok++;
                pairs += g.total;
            } else {
                assert_true(err.len > 0);
                assert_non_null(strstr(err.data, de->d_name));
            }
            gla_buf_dispose(&err);
        }
        closedir(dir);
    }
    if (!files)
        skip();
    print_message("OmegaT fixtures: %zu files, %zu read, %zu pairs\n", files,
                  ok, pairs);
    assert_true(ok * 2 >= files);
    assert_true(pairs > 0);
}

/* ---- the checker ------------------------------------------------------- */

typedef struct tterm {
    const char *lang, *text;
    gla_status status;
    gla_term_type type;
} tterm;

typedef struct tentry {
    const char *ref;
    gla_kind kind;
    tterm terms[6];
} tentry;

static const tentry glossary[] = {
    {"org.bo-quoc-phong",
     GLA_KIND_ORGANIZATION,
     {{"fr", "ministère de la Défense", GLA_STATUS_PREFERRED, 0},
      {"vi", "Bộ Quốc phòng", GLA_STATUS_PREFERRED, 0},
      {"vi", "Bộ Phòng thủ", GLA_STATUS_FORBIDDEN, 0},
      {"en", "Ministry of Defence", GLA_STATUS_PREFERRED, 0},
      {"en", "Defense Department", GLA_STATUS_SUPERSEDED, 0}}},
    {"person.hoang-xuan-chien",
     GLA_KIND_PERSON,
     {{"vi", "Hoàng Xuân Chiến", GLA_STATUS_PREFERRED, 0},
      {"fr", "Hoang Xuan Chien", GLA_STATUS_PREFERRED, 0},
      {"fr", "Hoàng Xuân Chiên", GLA_STATUS_ADMITTED, GLA_TYPE_VARIANT},
      {"en", "Hoang Xuan Chien", GLA_STATUS_PREFERRED, 0}}},
    {"term.maintien-de-la-paix",
     GLA_KIND_TERM,
     {{"fr", "maintien de la paix", GLA_STATUS_PREFERRED, 0},
      {"vi", "gìn giữ hòa bình", GLA_STATUS_PREFERRED, 0},
      {"vi", "duy trì hòa bình", GLA_STATUS_ADMITTED, 0},
      {"vi", "giữ gìn hòa bình", GLA_STATUS_DEPRECATED, 0},
      {"en", "peacekeeping", GLA_STATUS_PREFERRED, 0}}},
    {"term.conference",
     GLA_KIND_TERM,
     {{"fr", "conférence", GLA_STATUS_PREFERRED, 0},
      {"vi", "hội nghị", GLA_STATUS_PREFERRED, 0},
      {"en", "conference", GLA_STATUS_PREFERRED, 0}}},
    {"org.unmiss",
     GLA_KIND_ORGANIZATION,
     {{"fr", "MINUSS", GLA_STATUS_ADMITTED, GLA_TYPE_ACRONYM},
      {"vi", "Phái bộ Liên hợp quốc tại Nam Sudan", GLA_STATUS_PREFERRED, 0},
      {"vi", "UNMISS", GLA_STATUS_ADMITTED, GLA_TYPE_ACRONYM},
      {"en", "UNMISS", GLA_STATUS_PREFERRED, GLA_TYPE_ACRONYM}}},
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
        gla_term t[6];
        memset(t, 0, sizeof t);
        size_t n = 0;
        for (; n < 6 && glossary[i].terms[n].lang; n++) {
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

/* One expected finding: kind, severity, entry, and the text of its spans
 * ("" for no span). */
typedef struct want {
    gla_finding_kind kind;
    gla_severity sev;
    const char *entry;
    const char *src;
    const char *tgt;
    const char *expected;
} want;

typedef struct seen {
    gla_finding_kind kind;
    gla_severity sev;
    char entry[64];
    char src[128];
    char tgt[128];
    char expected[128];
    char segment[16];
} seen;

typedef struct sink {
    const char *src, *tgt;
    size_t src_len, tgt_len;
    seen v[16];
    size_t n;
} sink;

static void span_text(char *out, size_t cap, gla_span s, const char *text,
                      size_t len)
{
    if (s.start == SIZE_MAX) {
        out[0] = '\0';
        return;
    }
    assert_true(s.start <= s.end && s.end <= len);
    copyz(out, cap, text + s.start, s.end - s.start);
}

static int sink_fn(void *ctx, const gla_finding *f)
{
    sink *k = ctx;
    assert_true(k->n < 16);
    assert_non_null(f->message);
    assert_true(f->message[0] != '\0');
    seen *s = &k->v[k->n++];
    s->kind = f->kind;
    s->sev = f->severity;
    copyz(s->entry, sizeof s->entry, f->entry ? f->entry : "",
          f->entry ? strlen(f->entry) : 0);
    copyz(s->expected, sizeof s->expected, f->expected ? f->expected : "",
          f->expected ? strlen(f->expected) : 0);
    copyz(s->segment, sizeof s->segment, f->segment, strlen(f->segment));
    span_text(s->src, sizeof s->src, f->src, k->src, k->src_len);
    span_text(s->tgt, sizeof s->tgt, f->tgt, k->tgt, k->tgt_len);
    return GLA_OK;
}

typedef struct ccase {
    const char *name;
    const char *to;
    const char *src[2]; /* one or two segments, checked in order */
    const char *tgt[2];
    want w[4]; /* findings of the last segment, in order */
    size_t n;
} ccase;

static const ccase cases[] = {
    {"all approved, source inflected",
     "vi",
     {"Le ministère de la Défense a tenu 3 conférences."},
     {"Bộ Quốc phòng đã tổ chức 3 hội nghị."},
     {{0}},
     0},
    {"missing equivalent",
     "vi",
     {"Le ministère de la Défense a parlé."},
     {"Bộ đã phát biểu."},
     {{GLA_FIND_MISSING_TERM, GLA_SEV_ERROR, "org.bo-quoc-phong",
       "ministère de la Défense", "", "Bộ Quốc phòng"}},
     1},
    {"forbidden target term, no missing on top",
     "vi",
     {"Le ministère de la Défense a parlé."},
     {"Bộ Phòng thủ đã phát biểu."},
     {{GLA_FIND_FORBIDDEN_TERM, GLA_SEV_ERROR, "org.bo-quoc-phong", "",
       "Bộ Phòng thủ", "Bộ Quốc phòng"}},
     1},
    {"deprecated target term is a warning",
     "vi",
     {"Le maintien de la paix."},
     {"Việc giữ gìn hòa bình."},
     {{GLA_FIND_FORBIDDEN_TERM, GLA_SEV_WARNING, "term.maintien-de-la-paix",
       "", "giữ gìn hòa bình", "gìn giữ hòa bình"}},
     1},
    {"name without diacritics in Vietnamese",
     "vi",
     {"Hoang Xuan Chien est venu."},
     {"Hoang Xuan Chien đã đến."},
     {{GLA_FIND_NAME_FORM, GLA_SEV_ERROR, "person.hoang-xuan-chien", "",
       "Hoang Xuan Chien", "Hoàng Xuân Chiến"}},
     1},
    {"name with diacritics, upper case family",
     "vi",
     {"Hoàng Xuân Chiên est venu."},
     {"Ông HOÀNG Xuân Chiến đã đến."},
     {{0}},
     0},
    {"name written the English way in English",
     "en",
     {"Hoàng Xuân Chiên est venu."},
     {"Hoang Xuan Chien came."},
     {{0}},
     0},
    {"acronym equivalent accepted",
     "vi",
     {"La MINUSS a salué le travail."},
     {"UNMISS đánh giá cao công việc."},
     {{0}},
     0},
    {"numbers with other separators agree",
     "vi",
     {"Il y a 2 000 soldats et 1,5 million de civils."},
     {"Có 2.000 binh sĩ và 1,5 triệu dân thường."},
     {{0}},
     0},
    {"a number dropped",
     "vi",
     {"Une conférence en 2024 et 2025."},
     {"Hội nghị năm 2025."},
     {{GLA_FIND_NUMBER, GLA_SEV_WARNING, "", "2024", "", "2024"}},
     1},
    {"inconsistent across segments",
     "vi",
     {"Le maintien de la paix.", "Le maintien de la paix encore."},
     {"Gìn giữ hòa bình.", "Duy trì hòa bình nữa."},
     {{GLA_FIND_INCONSISTENT, GLA_SEV_WARNING, "term.maintien-de-la-paix",
       "maintien de la paix", "Duy trì hòa bình", "gìn giữ hòa bình"}},
     1},
    {"superseded English term",
     "en",
     {"Le ministère de la Défense a parlé."},
     {"The Defense Department spoke."},
     {{GLA_FIND_FORBIDDEN_TERM, GLA_SEV_WARNING, "org.bo-quoc-phong", "",
       "Defense Department", "Ministry of Defence"}},
     1},
};

static void test_findings(void **state)
{
    (void)state;
    gla_matcher *fr = build_matcher("fr");
    gla_matcher *vi = build_matcher("vi");
    gla_matcher *en = build_matcher("en");
    for (size_t ci = 0; ci < sizeof cases / sizeof cases[0]; ci++) {
        const ccase *cc = &cases[ci];
        gla_check_opts o = GLA_CHECK_OPTS_INIT;
        o.tgt_lang = cc->to;
        gla_checker *c = NULL;
        assert_int_equal(gla_checker_new(&c, fr,
                                         strcmp(cc->to, "vi") == 0 ? vi : en,
                                         &o),
                         GLA_OK);
        sink k;
        for (size_t s = 0; s < 2 && cc->src[s]; s++) {
            memset(&k, 0, sizeof k);
            k.src = cc->src[s];
            k.tgt = cc->tgt[s];
            k.src_len = strlen(k.src);
            k.tgt_len = strlen(k.tgt);
            char id[8];
            snprintf(id, sizeof id, "s%zu", s + 1);
            assert_int_equal(gla_checker_segment(c, id, k.src, k.src_len,
                                                 k.tgt, k.tgt_len, sink_fn,
                                                 &k),
                             GLA_OK);
        }
        if (k.n != cc->n) {
            for (size_t i = 0; i < k.n; i++)
                print_message("  got %s %s %s [%s] [%s]\n",
                              gla_finding_kind_name(k.v[i].kind),
                              gla_severity_name(k.v[i].sev), k.v[i].entry,
                              k.v[i].src, k.v[i].tgt);
            fail_msg("%s: %zu findings, expected %zu", cc->name, k.n, cc->n);
        }
        for (size_t i = 0; i < cc->n; i++) {
            const want *w = &cc->w[i];
            const seen *g = &k.v[i];
            if (g->kind != w->kind || g->sev != w->sev ||
                strcmp(g->entry, w->entry) || strcmp(g->src, w->src) ||
                strcmp(g->tgt, w->tgt) || strcmp(g->expected, w->expected))
                fail_msg("%s: got %s/%s %s [%s] [%s] expected '%s'", cc->name,
                         gla_finding_kind_name(g->kind),
                         gla_severity_name(g->sev), g->entry, g->src, g->tgt,
                         g->expected);
        }
        gla_checker_free(c);
    }
    gla_matcher_free(fr);
    gla_matcher_free(vi);
    gla_matcher_free(en);
}

static void test_options_and_errors(void **state)
{
    (void)state;
    gla_matcher *fr = build_matcher("fr");
    gla_matcher *vi = build_matcher("vi");
    gla_checker *c = NULL;
    assert_int_equal(gla_checker_new(&c, fr, NULL, NULL), GLA_EINVAL);
    assert_null(c);
    gla_check_opts o = GLA_CHECK_OPTS_INIT;
    o.no_numbers = 1;
    o.no_consistency = 1;
    assert_int_equal(gla_checker_new(&c, fr, vi, &o), GLA_OK);
    sink k;
    memset(&k, 0, sizeof k);
    static const char *src[] = {"Le maintien de la paix en 2024.",
                                "Le maintien de la paix."};
    static const char *tgt[] = {"Gìn giữ hòa bình.", "Duy trì hòa bình."};
    for (size_t i = 0; i < 2; i++) {
        k.src = src[i];
        k.tgt = tgt[i];
        k.src_len = strlen(src[i]);
        k.tgt_len = strlen(tgt[i]);
        assert_int_equal(gla_checker_segment(c, "x", src[i], k.src_len, tgt[i],
                                             k.tgt_len, sink_fn, &k),
                         GLA_OK);
    }
    assert_int_equal(k.n, 0);
    static const char bad[] = "Bộ \xC3 Quốc";
    assert_int_equal(gla_checker_segment(c, "b", "Le", 2, bad, sizeof bad - 1,
                                         sink_fn, &k),
                     GLA_EUTF8);
    assert_non_null(strstr(gla_checker_errmsg(c), "target"));
    assert_non_null(strstr(gla_checker_errmsg(c), "segment b"));
    gla_checker_free(c);

    gla_severity s;
    assert_int_equal(gla_severity_parse(&s, "warning"), GLA_OK);
    assert_int_equal(s, GLA_SEV_WARNING);
    assert_int_equal(gla_severity_parse(&s, "fatal"), GLA_EINVAL);
    assert_string_equal(gla_finding_kind_name(GLA_FIND_NAME_FORM),
                        "name-form");
    gla_matcher_free(fr);
    gla_matcher_free(vi);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_xliff12),
        cmocka_unit_test(test_xliff20),
        cmocka_unit_test(test_tmx),
        cmocka_unit_test(test_tsv),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_callback_stops),
        cmocka_unit_test(test_omegat_fixtures),
        cmocka_unit_test(test_findings),
        cmocka_unit_test(test_options_and_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
