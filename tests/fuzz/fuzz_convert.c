/*
 * libFuzzer target for the decoder: arbitrary bytes, detected or declared
 * as one of a few encodings, with and without repair, in random chunkings.
 * Invariants: decoding never fails outside strict mode, the output is valid
 * NFC UTF-8, and chunked decoding equals one-shot decoding byte for byte,
 * with the same decision and the same invalid-byte report.
 */
#include <glossalign.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const encodings[] = {
    NULL,     "UTF-8", "UTF-16", "UTF-32LE",   "CP1252",    "CP1258",
    "VISCII", "TCVN3", "VNI",    "TCVN5712-1", "SHIFT_JIS", "ISO-8859-1"};

#define CHECK(cond, what)                                                      \
    do {                                                                       \
        if (!(cond)) {                                                         \
            fprintf(stderr, "fuzz_convert: %s\n", what);                       \
            abort();                                                           \
        }                                                                      \
    } while (0)

static void check_nfc(const gla_buf *b)
{
    const utf8proc_uint8_t *s =
        (const utf8proc_uint8_t *)(b->data ? b->data : "");
    utf8proc_uint8_t *nfc = NULL;
    utf8proc_ssize_t n = utf8proc_map(s, (utf8proc_ssize_t)b->len, &nfc,
                                      UTF8PROC_STABLE | UTF8PROC_COMPOSE);
    CHECK(n >= 0, "output is not valid UTF-8");
    CHECK((size_t)n == b->len && memcmp(nfc, s, b->len) == 0,
          "output is not NFC");
    free(nfc);
}

static int run(gla_buf *out, gla_decode_info *info, const uint8_t *in,
               size_t len, const gla_decode_opts *o, uint32_t seed)
{
    gla_decoder *d;
    int rc = gla_decoder_new(&d, o);
    CHECK(rc == GLA_OK, "decoder_new failed on a known encoding");
    size_t i = 0;
    while (i < len && rc == GLA_OK) {
        size_t n = len - i;
        if (seed) { /* chunks of 1..97 bytes, from a little LCG */
            seed = seed * 1103515245u + 12345u;
            size_t c = 1 + (seed >> 16) % 97;
            n = n < c ? n : c;
        }
        rc = gla_decoder_feed(out, d, (const char *)in + i, n);
        i += n;
    }
    if (rc == GLA_OK)
        rc = gla_decoder_finish(out, d);
    *info = *gla_decoder_info(d);
    gla_decoder_free(d);
    return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    uint8_t flags = data[0], seed = data[1];
    data += 2;
    size -= 2;
    gla_decode_opts o = GLA_DECODE_OPTS_INIT;
    o.from =
        encodings[(flags & 0x0F) % (sizeof encodings / sizeof encodings[0])];
    o.repair = (flags & 0x10) != 0;
    if (flags & 0x20)
        o.detect_bytes = 4 + (flags >> 6) * 7; /* tiny windows too */
    if (o.from && gla_encoding_check(o.from) != GLA_OK)
        return 0; /* an iconv without SHIFT_JIS */

    gla_buf one = GLA_BUF_INIT, many = GLA_BUF_INIT;
    gla_decode_info i1, i2;
    CHECK(run(&one, &i1, data, size, &o, 0) == GLA_OK, "one-shot failed");
    check_nfc(&one);
    CHECK(run(&many, &i2, data, size, &o, 1u + seed) == GLA_OK,
          "chunked failed");
    CHECK(one.len == many.len &&
              (one.len == 0 || memcmp(one.data, many.data, one.len) == 0),
          "chunked output differs from one-shot");
    CHECK(strcmp(i1.encoding, i2.encoding) == 0, "decision differs");
    CHECK(i1.invalid == i2.invalid && i1.first_invalid == i2.first_invalid,
          "invalid-byte report differs");
    CHECK(i1.repairs == i2.repairs, "repair count differs");
    CHECK(i1.bytes_in == size && i1.bytes_out == one.len, "byte counts");

    /* Strict: fails exactly when bytes were replaced. */
    gla_decode_opts os = o;
    os.strict = 1;
    gla_buf strict = GLA_BUF_INIT;
    gla_decode_info is;
    int rc = run(&strict, &is, data, size, &os, 1u + seed);
    CHECK((rc == GLA_OK) == (i1.invalid == 0), "strict disagrees");
    CHECK(rc == GLA_OK || rc == GLA_EUTF8 || rc == GLA_EENCODING,
          "strict failed oddly");

    /* Repairing the output keeps it valid UTF-8. */
    gla_buf rep = GLA_BUF_INIT;
    size_t nrep;
    CHECK(gla_encoding_repair(&rep, &nrep, one.data ? one.data : "", one.len) ==
              GLA_OK,
          "repair refused decoder output");
    gla_buf_dispose(&one);
    gla_buf_dispose(&many);
    gla_buf_dispose(&strict);
    gla_buf_dispose(&rep);
    return 0;
}
