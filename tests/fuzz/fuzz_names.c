/*
 * libFuzzer target over the names module: parsing, resolution, partial
 * mentions and the running-text scan, against a small fixed set. It
 * asserts that every span lies inside the input, candidates are unique
 * per entry and sorted, and nothing but the documented codes comes back.
 */
#include <glossalign/names.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond, what)                                                      \
    do {                                                                       \
        if (!(cond)) {                                                         \
            fprintf(stderr, "fuzz_names: %s (%s:%d)\n", what, __FILE__,        \
                    __LINE__);                                                 \
            abort();                                                           \
        }                                                                      \
    } while (0)

static gla_names *set(void)
{
    static gla_names *nm;
    if (nm)
        return nm;
    static const struct {
        const char *ref;
        gla_kind kind;
        const char *lang, *text;
    } rows[] = {
        {"person.phan-van-giang", GLA_KIND_PERSON, "vi", "Phan Văn Giang"},
        {"person.hoang-xuan-chien", GLA_KIND_PERSON, "vi", "Hoàng Xuân Chiến"},
        {"person.le-hong-quang", GLA_KIND_PERSON, "vi", "Lê Hồng Quang"},
        {"person.hung-1", GLA_KIND_PERSON, "vi", "Nguyễn Văn Hùng"},
        {"person.hung-2", GLA_KIND_PERSON, "vi", "Nguyễn Văn Hưng"},
        {"person.stavitski", GLA_KIND_PERSON, "fr", "Iouri Stavitski"},
        {"person.belousov", GLA_KIND_PERSON, "fr", "Andreï Removitch Beloussov"},
        {"place.ha-noi", GLA_KIND_PLACE, "vi", "Hà Nội"},
        {"rank.general", GLA_KIND_RANK, "fr", "général"},
        {"rank.ambassador", GLA_KIND_RANK, "fr", "ambassadrice"},
    };
    if (gla_names_new(&nm, NULL) != GLA_OK)
        abort();
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        gla_term t;
        memset(&t, 0, sizeof t);
        t.lang = (char *)rows[i].lang;
        t.text = (char *)rows[i].text;
        gla_entry e;
        memset(&e, 0, sizeof e);
        e.id = (int64_t)i + 1;
        e.ref = (char *)rows[i].ref;
        e.kind = rows[i].kind;
        e.terms = &t;
        e.n_terms = 1;
        if (gla_names_add_entry(nm, &e) != GLA_OK)
            abort();
    }
    if (gla_names_build(nm) != GLA_OK)
        abort();
    return nm;
}

static void check_matches(const gla_name_matches *m, size_t len)
{
    for (size_t i = 0; i < m->n; i++) {
        CHECK(m->cands[i].ref != NULL, "candidate without ref");
        CHECK(m->cands[i].score > 0 && m->cands[i].score <= 1.0,
              "score out of range");
        if (i)
            CHECK(m->cands[i].score <= m->cands[i - 1].score, "not sorted");
        for (size_t k = i + 1; k < m->n; k++)
            CHECK(strcmp(m->cands[i].ref, m->cands[k].ref) != 0,
                  "entry twice");
    }
    CHECK(m->status != GLA_NAME_AMBIGUOUS || m->n >= 1, "ambiguous of none");
    for (size_t t = 0; t < m->query.n_tokens; t++)
        CHECK(m->query.tokens[t].start < m->query.tokens[t].end &&
                  m->query.tokens[t].end <= len,
              "token span outside the input");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    gla_names *nm = set();
    const char *s = (const char *)data;
    gla_name n;
    gla_buf key = GLA_BUF_INIT;
    int rc = gla_name_parse(&n, &key, nm, s, size);
    CHECK(rc == GLA_OK || rc == GLA_ENOTFOUND || rc == GLA_EINVAL ||
              rc == GLA_EUTF8,
          "unexpected parse result");
    if (rc == GLA_OK)
        CHECK(n.name.end <= size && n.title.end <= size, "span outside");
    gla_buf_dispose(&key);

    gla_name_matches *m = NULL;
    rc = gla_names_resolve(&m, nm, s, size, 4);
    CHECK(rc == GLA_OK || rc == GLA_EINVAL || rc == GLA_EUTF8,
          "unexpected resolve result");
    if (m) {
        CHECK(m->n <= 4, "limit ignored");
        check_matches(m, size);
        gla_name_matches_free(m);
    }

    gla_names_ctx *ctx = NULL;
    CHECK(gla_names_ctx_new(&ctx, nm) == GLA_OK, "ctx");
    const char *full = "le général Phan Van Giang";
    CHECK(gla_names_ctx_add(ctx, NULL, full, strlen(full)) == GLA_OK, "add");
    rc = gla_names_ctx_resolve(&m, ctx, s, size, 1);
    CHECK(rc == GLA_OK || rc == GLA_EUTF8, "unexpected ctx result");
    if (m) {
        check_matches(m, size);
        gla_name_matches_free(m);
    }
    gla_name_hits *h = NULL;
    rc = gla_names_ctx_scan(&h, ctx, s, size);
    CHECK(rc == GLA_OK || rc == GLA_EUTF8, "unexpected scan result");
    for (size_t i = 0; h && i < h->n; i++) {
        CHECK(h->hits[i].span.start <= h->hits[i].name.start &&
                  h->hits[i].name.end <= h->hits[i].span.end &&
                  h->hits[i].span.end <= size,
              "hit span outside the input");
        if (i)
            CHECK(h->hits[i].span.start >= h->hits[i - 1].span.end,
                  "hits out of order");
    }
    gla_name_hits_free(h);
    gla_names_ctx_free(ctx);
    return 0;
}
