/*
 * libFuzzer target over the XLIFF / TMX / segment-pair readers behind
 * `check` and `align`. It asserts that every pair handed over is valid
 * UTF-8, that inline-code offsets lie inside their text in order, and that
 * only the documented result codes come back.
 */
#include <glossalign/align.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond, what)                                                      \
    do {                                                                       \
        if (!(cond)) {                                                         \
            fprintf(stderr, "fuzz_bitext: %s (%s:%d)\n", what, __FILE__,       \
                    __LINE__);                                                 \
            abort();                                                           \
        }                                                                      \
    } while (0)

static int valid_utf8(const char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        utf8proc_int32_t c;
        utf8proc_ssize_t n = utf8proc_iterate((const utf8proc_uint8_t *)s + i,
                                              (utf8proc_ssize_t)(len - i), &c);
        if (n <= 0)
            return 0;
        i += (size_t)n;
    }
    return 1;
}

static void check_codes(const size_t *v, size_t n, size_t len)
{
    for (size_t i = 0; i < n; i++) {
        CHECK(v[i] <= len, "inline code offset past the text");
        CHECK(i == 0 || v[i - 1] <= v[i], "inline code offsets out of order");
    }
}

static int on_pair(void *ctx, const gla_segpair *p)
{
    size_t *count = ctx;
    CHECK(p->id != NULL, "pair without an id");
    CHECK(p->src != NULL && p->tgt != NULL, "pair without text");
    CHECK(valid_utf8(p->src, p->src_len), "source is not UTF-8");
    CHECK(valid_utf8(p->tgt, p->tgt_len), "target is not UTF-8");
    check_codes(p->src_codes, p->n_src_codes, p->src_len);
    check_codes(p->tgt_codes, p->n_tgt_codes, p->tgt_len);
    (*count)++;
    return GLA_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const gla_bitext_format formats[] = {GLA_BITEXT_AUTO, GLA_BITEXT_XML,
                                                GLA_BITEXT_TSV};
    for (size_t f = 0; f < sizeof formats / sizeof formats[0]; f++) {
        gla_bitext_opts o = GLA_BITEXT_OPTS_INIT;
        o.format = formats[f];
        o.name = "fuzz";
        o.src_lang = "fr";
        o.tgt_lang = "vi";
        gla_buf err = GLA_BUF_INIT;
        size_t count = 0;
        int rc = gla_bitext_read_mem((const char *)data, size, &o, on_pair,
                                     &count, &err);
        CHECK(rc == GLA_OK || rc == GLA_EPARSE || rc == GLA_EUTF8 ||
                  rc == GLA_EINVAL || rc == GLA_ENOMEM,
              "unexpected result code");
        if (rc != GLA_OK)
            CHECK(err.len > 0, "failure without a message");
        gla_buf_dispose(&err);
    }
    return 0;
}
