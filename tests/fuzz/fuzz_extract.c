/*
 * libFuzzer target over `extract --merge`: the reader of the counts format.
 * Any input either merges or fails with a documented code and a message
 * naming its line; what merged dumps again, and that dump merged into a
 * fresh extractor dumps to the same bytes (dump -> merge -> dump is the
 * identity), and its candidates are walked without trouble.
 */
#define _POSIX_C_SOURCE 200809L /* fmemopen, open_memstream */
#include <glossalign/extract.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond, what)                                                      \
    do {                                                                       \
        if (!(cond)) {                                                         \
            fprintf(stderr, "fuzz_extract: %s (%s:%d)\n", what, __FILE__,      \
                    __LINE__);                                                 \
            abort();                                                           \
        }                                                                      \
    } while (0)

static int on_candidate(void *ctx, const gla_candidate *c)
{
    size_t *n = ctx;
    CHECK(c->text != NULL, "candidate without text");
    CHECK(c->n_forms == 0 || c->forms != NULL, "forms missing");
    CHECK(c->n_contexts <= 3, "more than three contexts");
    (*n)++;
    return GLA_OK;
}

/* Merge `len` bytes into a fresh extractor; its dump in *out (malloc'd),
 * or NULL when the merge failed. */
static char *merge_dump(const char *in, size_t len, size_t *out_len, int *rc)
{
    gla_extract_opts o = GLA_EXTRACT_OPTS_INIT;
    gla_extractor *x = NULL;
    CHECK(gla_extractor_new(&x, &o) == GLA_OK, "new");
    FILE *f = len ? fmemopen((void *)in, len, "r") : fopen("/dev/null", "r");
    CHECK(f != NULL, "fmemopen");
    *rc = gla_extractor_merge(x, f, "fuzz");
    fclose(f);
    char *dump = NULL;
    *out_len = 0;
    if (*rc == GLA_OK) {
        size_t n = 0;
        CHECK(gla_extractor_results(x, on_candidate, &n) == GLA_OK, "results");
        FILE *m = open_memstream(&dump, out_len);
        CHECK(m != NULL, "open_memstream");
        CHECK(gla_extractor_dump(x, "fuzz", m) == GLA_OK, "dump");
        CHECK(fclose(m) == 0, "fclose");
    } else {
        CHECK(*rc == GLA_EPARSE || *rc == GLA_EINVAL || *rc == GLA_ENOMEM,
              "undocumented result code");
        const char *msg = gla_extractor_errmsg(x);
        CHECK(msg && strncmp(msg, "fuzz:", 5) == 0,
              "error message does not name the stream");
    }
    gla_extractor_free(x);
    return dump;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > (1u << 20))
        return 0;
    size_t n1 = 0, n2 = 0;
    int rc1 = 0, rc2 = 0;
    char *d1 = merge_dump((const char *)data, size, &n1, &rc1);
    if (!d1)
        return 0;
    char *d2 = merge_dump(d1, n1, &n2, &rc2);
    CHECK(rc2 == GLA_OK, "a dump does not merge back");
    CHECK(n1 == n2 && memcmp(d1, d2, n1) == 0,
          "dump -> merge -> dump changed the counts");
    free(d1);
    free(d2);
    return 0;
}
