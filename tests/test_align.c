/*
 * Tests of align: sentence boundaries in French, English and Vietnamese
 * (table of texts and the sentences expected), alignment beads on texts
 * built with known omissions and merges, and TMX output read back through
 * the segment-pair reader.
 */
#include <glossalign/align.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

typedef struct scase {
    const char *lang;
    const char *text;
    const char *want[8]; /* the sentences, NULL-terminated */
} scase;

static const scase scases[] = {
    {"fr",
     "M. Dupont est arrivé. Il a parlé.",
     {"M. Dupont est arrivé.", "Il a parlé."}},
    {"fr",
     "Le Dr Martin, né en 1950, l’attendait ! Puis il est parti.",
     {"Le Dr Martin, né en 1950, l’attendait !", "Puis il est parti."}},
    {"fr",
     "Le vice-amiral Yu. M. Baturin a visité St. Pétersbourg. Il a signé.",
     {"Le vice-amiral Yu. M. Baturin a visité St. Pétersbourg.",
      "Il a signé."}},
    {"fr",
     "Il est 3.5 fois plus grand. La croissance atteint 1,5 %. Fin.",
     {"Il est 3.5 fois plus grand.", "La croissance atteint 1,5 %.",
      "Fin."}},
    {"fr",
     "Il a dit : « Nous viendrons. » Ensuite il est parti.",
     {"Il a dit : « Nous viendrons. »", "Ensuite il est parti."}},
    {"fr",
     "Né en 63 av. J.-C. à Rome. Mort en 14.",
     {"Né en 63 av. J.-C. à Rome.", "Mort en 14."}},
    {"fr",
     "Points clés :\n1. Coopération\n2. Formation\n\nNouvelle section sans point",
     {"Points clés :", "1. Coopération", "2. Formation",
      "Nouvelle section sans point"}},
    {"fr",
     "Est-ce vrai ? oui, dit-il. C'est vrai...",
     {"Est-ce vrai ? oui, dit-il.", "C'est vrai..."}},
    {"en",
     "Mr. Smith met Gen. Giang in the U.S. capital. They talked.",
     {"Mr. Smith met Gen. Giang in the U.S. capital.", "They talked."}},
    {"en",
     "\"It works.\" She smiled. (See p. 4.) Done.",
     {"\"It works.\"", "She smiled.", "(See p. 4.)", "Done."}},
    {"vi",
     "Đại tướng Phan Văn Giang đã đến TP. Hồ Chí Minh. Ông phát biểu.",
     {"Đại tướng Phan Văn Giang đã đến TP. Hồ Chí Minh.", "Ông phát biểu."}},
    {"vi",
     "Hội nghị diễn ra ngày 27/12. Ông Lê Hoài Trung chủ trì! Vì sao? Ổn.",
     {"Hội nghị diễn ra ngày 27/12.", "Ông Lê Hoài Trung chủ trì!",
      "Vì sao?", "Ổn."}},
    {"vi", "   ", {NULL}},
    {"vi", "Không có dấu chấm", {"Không có dấu chấm"}},
};

static void test_sentences(void **state)
{
    (void)state;
    gla_spans sp = GLA_SPANS_INIT;
    for (size_t i = 0; i < sizeof scases / sizeof scases[0]; i++) {
        const scase *c = &scases[i];
        size_t len = strlen(c->text);
        assert_int_equal(gla_sentences(&sp, c->lang, c->text, len), GLA_OK);
        size_t nw = 0;
        while (nw < 8 && c->want[nw])
            nw++;
        int bad = sp.n != nw;
        for (size_t k = 0; !bad && k < nw; k++) {
            size_t n = sp.v[k].end - sp.v[k].start;
            bad = n != strlen(c->want[k]) ||
                  memcmp(c->text + sp.v[k].start, c->want[k], n) != 0;
        }
        if (bad) {
            for (size_t k = 0; k < sp.n; k++)
                print_message("  [%.*s]\n",
                              (int)(sp.v[k].end - sp.v[k].start),
                              c->text + sp.v[k].start);
            fail_msg("case %zu (%s): %zu sentences, expected %zu", i, c->lang,
                     sp.n, nw);
        }
    }
    static const char bad[] = "Une phrase. \xE9t\xE9.";
    assert_int_equal(gla_sentences(&sp, "fr", bad, sizeof bad - 1),
                     GLA_EUTF8);
    gla_spans_dispose(&sp);
}

/* Lines of a text as spans. */
static size_t line_spans(gla_span *out, size_t cap, const char *s)
{
    size_t n = 0, a = 0, len = strlen(s);
    for (size_t i = 0; i <= len && n < cap; i++)
        if (i == len || s[i] == '\n') {
            if (i > a)
                out[n++] = (gla_span){a, i};
            a = i + 1;
        }
    return n;
}

typedef struct bead_want {
    size_t src, ns, tgt, nt;
} bead_want;

static void test_align_beads(void **state)
{
    (void)state;
    /* source sentence 3 has no translation; target 5 is sentences 6 and 7
     * of the source in one; numbers and names anchor the rest */
    static const char src[] =
        "Le ministre Phan Van Giang a reçu la délégation russe le 12 mars.\n"
        "Les deux parties ont passé en revue la coopération de défense depuis "
        "2019.\n"
        "Il a remercié ses hôtes.\n"
        "Le général Aleksandr Fomin a salué les progrès accomplis dans la "
        "formation des officiers.\n"
        "Les deux pays ont signé trois accords sur la recherche militaire.\n"
        "Ils coopéreront au déminage.\n"
        "Ils échangeront aussi des cadets.\n"
        "La prochaine réunion aura lieu à Moscou en 2025.\n";
    static const char tgt[] =
        "Đại tướng Phan Văn Giang đã tiếp đoàn đại biểu Nga ngày 12 tháng 3.\n"
        "Hai bên đã điểm lại hợp tác quốc phòng kể từ năm 2019.\n"
        "Thượng tướng Aleksandr Fomin đánh giá cao những tiến bộ trong đào "
        "tạo sĩ quan.\n"
        "Hai nước đã ký ba thỏa thuận về nghiên cứu quân sự.\n"
        "Họ sẽ hợp tác rà phá bom mìn và trao đổi học viên.\n"
        "Cuộc họp tiếp theo sẽ diễn ra tại Moskva vào năm 2025.\n";
    static const bead_want want[] = {{0, 1, 0, 1}, {1, 1, 1, 1}, {2, 1, 2, 0},
                                     {3, 1, 2, 1}, {4, 1, 3, 1}, {5, 2, 4, 1},
                                     {7, 1, 5, 1}};
    gla_span ss[16], ts[16];
    size_t ns = line_spans(ss, 16, src), nt = line_spans(ts, 16, tgt);
    assert_int_equal(ns, 8);
    assert_int_equal(nt, 6);
    gla_beads b = GLA_BEADS_INIT;
    assert_int_equal(gla_align(&b, src, sizeof src - 1, ss, ns, tgt,
                               sizeof tgt - 1, ts, nt, NULL),
                     GLA_OK);
    size_t nwant = sizeof want / sizeof want[0];
    int bad = b.n != nwant;
    for (size_t i = 0; !bad && i < nwant; i++)
        bad = b.v[i].src != want[i].src || b.v[i].n_src != want[i].ns ||
              (b.v[i].n_tgt && b.v[i].tgt != want[i].tgt) ||
              b.v[i].n_tgt != want[i].nt;
    if (bad) {
        for (size_t i = 0; i < b.n; i++)
            print_message("  bead %zu+%zu ~ %zu+%zu\n", b.v[i].src,
                          b.v[i].n_src, b.v[i].tgt, b.v[i].n_tgt);
        fail_msg("beads differ");
    }
    /* the beads cover both sides exactly once, in order */
    size_t si = 0, ti = 0;
    for (size_t i = 0; i < b.n; i++) {
        assert_int_equal(b.v[i].src, si);
        assert_int_equal(b.v[i].tgt, ti);
        si += b.v[i].n_src;
        ti += b.v[i].n_tgt;
    }
    assert_int_equal(si, ns);
    assert_int_equal(ti, nt);

    /* empty sides */
    assert_int_equal(gla_align(&b, src, sizeof src - 1, ss, ns, "", 0, NULL,
                               0, NULL),
                     GLA_OK);
    assert_int_equal(b.n, ns);
    for (size_t i = 0; i < b.n; i++)
        assert_int_equal(b.v[i].n_tgt, 0);
    assert_int_equal(gla_align(&b, "", 0, NULL, 0, "", 0, NULL, 0, NULL),
                     GLA_OK);
    assert_int_equal(b.n, 0);
    /* a span outside its text */
    gla_span wrong = {0, sizeof src + 10};
    assert_int_equal(gla_align(&b, src, sizeof src - 1, &wrong, 1, tgt,
                               sizeof tgt - 1, ts, nt, NULL),
                     GLA_EINVAL);
    gla_beads_dispose(&b);
}

/* Lines that hold several sentences: a short line left untranslated next
 * to a long one must come out 1-0 (not glued to its neighbour as 2-1),
 * while a line holding the translations of two lines is their 2-1 (or
 * 1-2) bead. Each document is aligned both ways. */
static const char seg_fr[] =
    "Le ministre a reçu la délégation russe au siège du ministère.\n"
    "Les deux parties ont passé en revue la coopération de défense.\n"
    "Il a remercié ses hôtes pour leur accueil chaleureux et pour le temps "
    "qu'ils ont consacré à la visite.\n"
    "Merci beaucoup.\n"
    "Le général a salué les progrès accomplis dans la formation des "
    "officiers.\n"
    "Les deux pays ont signé trois accords sur la recherche militaire.\n"
    "Ils coopéreront au déminage.\n"
    "Ils échangeront aussi des cadets.\n"
    "La prochaine réunion aura lieu à Moscou.\n"
    "Les journalistes ont posé quelques questions.\n"
    "La délégation est repartie le soir même.\n";
static const char seg_vi[] =
    "Bộ trưởng đã tiếp đoàn đại biểu Nga tại trụ sở Bộ.\n"
    "Hai bên đã điểm lại hợp tác quốc phòng.\n"
    "Ông cảm ơn các vị khách vì sự đón tiếp nồng hậu và vì thời gian họ đã "
    "dành cho chuyến thăm này, một chuyến thăm rất có ý nghĩa đối với quan "
    "hệ hai nước.\n"
    "Vị tướng đánh giá cao những tiến bộ trong đào tạo sĩ quan.\n"
    "Hai nước đã ký ba thỏa thuận về nghiên cứu quân sự.\n"
    "Họ sẽ hợp tác rà phá bom mìn. Họ cũng sẽ trao đổi học viên.\n"
    "Cuộc họp tiếp theo sẽ diễn ra tại Moskva.\n"
    "Các nhà báo đã đặt một vài câu hỏi.\n"
    "Đoàn đại biểu đã rời đi ngay trong tối hôm đó.\n";

typedef struct seg_case {
    const char *src, *tgt;
    bead_want want[12];
    size_t n;
} seg_case;

static const seg_case seg_cases[] = {
    {seg_fr, seg_vi,
     {{0, 1, 0, 1}, {1, 1, 1, 1}, {2, 1, 2, 1}, {3, 1, 3, 0}, {4, 1, 3, 1},
      {5, 1, 4, 1}, {6, 2, 5, 1}, {8, 1, 6, 1}, {9, 1, 7, 1},
      {10, 1, 8, 1}},
     10},
    {seg_vi, seg_fr,
     {{0, 1, 0, 1}, {1, 1, 1, 1}, {2, 1, 2, 1}, {3, 0, 3, 1}, {3, 1, 4, 1},
      {4, 1, 5, 1}, {5, 1, 6, 2}, {6, 1, 8, 1}, {7, 1, 9, 1},
      {8, 1, 10, 1}},
     10},
};

static void test_align_segments(void **state)
{
    (void)state;
    gla_beads b = GLA_BEADS_INIT;
    for (size_t c = 0; c < sizeof seg_cases / sizeof seg_cases[0]; c++) {
        const seg_case *k = &seg_cases[c];
        gla_span ss[16], ts[16];
        size_t ns = line_spans(ss, 16, k->src);
        size_t nt = line_spans(ts, 16, k->tgt);
        assert_int_equal(gla_align(&b, k->src, strlen(k->src), ss, ns, k->tgt,
                                   strlen(k->tgt), ts, nt, NULL),
                         GLA_OK);
        int bad = b.n != k->n;
        for (size_t i = 0; !bad && i < k->n; i++)
            bad = b.v[i].src != k->want[i].src ||
                  b.v[i].n_src != k->want[i].ns ||
                  b.v[i].tgt != k->want[i].tgt ||
                  b.v[i].n_tgt != k->want[i].nt;
        if (bad) {
            for (size_t i = 0; i < b.n; i++)
                print_message("  bead %zu+%zu ~ %zu+%zu\n", b.v[i].src,
                              b.v[i].n_src, b.v[i].tgt, b.v[i].n_tgt);
            fail_msg("case %zu: beads differ", c);
        }
    }
    gla_beads_dispose(&b);
}

/* A long synthetic document: every third target sentence is dropped from
 * a stretch, and the aligner must still pair the rest 1-1. */
static void test_align_long(void **state)
{
    (void)state;
    gla_buf s = GLA_BUF_INIT, t = GLA_BUF_INIT;
    gla_span ss[400], ts[400];
    size_t ns = 0, nt = 0;
    unsigned seed = 7;
    for (size_t i = 0; i < 400; i++) {
        seed = seed * 1103515245u + 12345u;
        size_t words = 4 + (seed >> 16) % 25;
        size_t a = s.len;
        for (size_t w = 0; w < words; w++)
            gla_buf_puts(&s, w ? " mot" : "Phrase");
        gla_buf_printf(&s, " %zu.", i * 7 + 10);
        ss[ns++] = (gla_span){a, s.len};
        gla_buf_puts(&s, "\n");
        if (i % 50 == 25)
            continue; /* omitted in the translation */
        a = t.len;
        for (size_t w = 0; w < words; w++)
            gla_buf_puts(&t, w ? " từ" : "Câu");
        gla_buf_printf(&t, " %zu.", i * 7 + 10);
        ts[nt++] = (gla_span){a, t.len};
        gla_buf_puts(&t, "\n");
    }
    gla_beads b = GLA_BEADS_INIT;
    assert_int_equal(gla_align(&b, s.data, s.len, ss, ns, t.data, t.len, ts,
                               nt, NULL),
                     GLA_OK);
    size_t ones = 0, omitted = 0;
    for (size_t i = 0; i < b.n; i++) {
        if (b.v[i].n_src == 1 && b.v[i].n_tgt == 1)
            ones++;
        if (b.v[i].n_src == 1 && b.v[i].n_tgt == 0) {
            assert_int_equal(b.v[i].src % 50, 25);
            omitted++;
        }
    }
    assert_int_equal(omitted, 8);
    assert_int_equal(ones, 392);
    gla_beads_dispose(&b);
    gla_buf_dispose(&s);
    gla_buf_dispose(&t);
}

typedef struct back {
    size_t n;
    char src[3][128];
    char tgt[3][128];
    char tl[3][8];
} back;

static int read_back(void *ctx, const gla_segpair *p)
{
    back *b = ctx;
    if (b->n < 3) {
        snprintf(b->src[b->n], 128, "%.*s", (int)p->src_len, p->src);
        snprintf(b->tgt[b->n], 128, "%.*s", (int)p->tgt_len, p->tgt);
        snprintf(b->tl[b->n], 8, "%s", p->tgt_lang ? p->tgt_lang : "");
    }
    b->n++;
    return GLA_OK;
}

static void test_tmx_roundtrip(void **state)
{
    (void)state;
    gla_buf out = GLA_BUF_INIT;
    assert_int_equal(gla_tmx_header(&out, "fr"), GLA_OK);
    static const char *const src[] = {"Le <ministère> & \"l'État\"",
                                      "Deux\tcolonnes"};
    static const char *const tgt[] = {"Bộ Quốc phòng & Nhà nước",
                                      "Hai cột"};
    for (size_t i = 0; i < 2; i++)
        assert_int_equal(gla_tmx_unit(&out, i ? NULL : "a&b", src[i],
                                      strlen(src[i]), "fr", tgt[i],
                                      strlen(tgt[i]), "vi"),
                         GLA_OK);
    /* a control character cannot go into XML: refused, nothing written */
    size_t before = out.len;
    assert_int_equal(gla_tmx_unit(&out, NULL, "a\x01", 2, "fr", "b", 1, "vi"),
                     GLA_EUTF8);
    assert_int_equal(out.len, before);
    assert_int_equal(gla_tmx_unit(&out, NULL, "a\xff", 2, "fr", "b", 1, "vi"),
                     GLA_EUTF8);
    assert_int_equal(gla_tmx_footer(&out), GLA_OK);
    back b;
    memset(&b, 0, sizeof b);
    gla_buf err = GLA_BUF_INIT;
    int rc = gla_bitext_read_mem(out.data, out.len, NULL, read_back, &b, &err);
    if (rc != GLA_OK)
        fail_msg("%s", err.data ? err.data : "?");
    assert_int_equal(b.n, 2);
    for (size_t i = 0; i < 2; i++) {
        assert_string_equal(b.src[i], src[i]);
        assert_string_equal(b.tgt[i], tgt[i]);
        assert_string_equal(b.tl[i], "vi");
    }
    gla_buf_dispose(&out);
    gla_buf_dispose(&err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sentences),
        cmocka_unit_test(test_align_beads),
        cmocka_unit_test(test_align_segments),
        cmocka_unit_test(test_align_long),
        cmocka_unit_test(test_tmx_roundtrip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
