/*
 * Tests of the encoding module: detection and exact decoding of every
 * corpus/encodings file, the NORMALIZATION.md decoding and mojibake
 * vectors, invalid bytes and truncation (with offsets) under any chunking,
 * BOMs, streaming NFC, and cross-checks against glibc's charmaps, GNU
 * recode and uchardet's samples when those are installed.
 */
#define _POSIX_C_SOURCE 200809L /* popen, strtok_r */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
/* cmocka needs the four above first */
#include <cmocka.h>

#include <glossalign.h>

#include "encoding/encoding_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

/* ------------------------------------------------------------ helpers */

static const char *src_dir(void)
{
    const char *d = getenv("GLA_SOURCE_DIR");
    return d && *d ? d : ".";
}

/* shared/data (third-party cross-check data, never in the repository):
 * $GLA_SHARED_DATA, else beside the checkout, else the workstation's. */
static const char *shared_dir(void)
{
    static char buf[1024];
    const char *d = getenv("GLA_SHARED_DATA");
    if (d && *d)
        return d;
    snprintf(buf, sizeof buf, "%s/../shared/data", src_dir());
    FILE *f = fopen(buf, "r");
    if (f) {
        fclose(f);
        return buf;
    }
    return "/work/shared/data";
}

/* Read a whole file; 0 on success. */
static int slurp(gla_buf *b, const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    char tmp[65536];
    size_t n;
    while ((n = fread(tmp, 1, sizeof tmp, f)) > 0)
        if (gla_buf_put(b, tmp, n)) {
            fclose(f);
            return -1;
        }
    fclose(f);
    if (!b->data)
        gla_buf_put(b, "", 0);
    return 0;
}

static void slurp_src(gla_buf *b, const char *rel)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", src_dir(), rel);
    if (slurp(b, path) != 0)
        fail_msg("cannot read %s", path);
}

static void assert_bytes(const char *got, size_t glen, const char *want,
                         size_t wlen, const char *what)
{
    if (glen == wlen && memcmp(got, want, glen) == 0)
        return;
    size_t i = 0;
    while (i < glen && i < wlen && got[i] == want[i])
        i++;
    fail_msg("%s: output differs at byte %zu (got %zu bytes, want %zu)\n"
             "  got:  %.60s\n  want: %.60s",
             what, i, glen, wlen, got + (i > 20 ? i - 20 : 0),
             want + (i > 20 ? i - 20 : 0));
}

/* Decode `in` feeding `chunk` bytes at a time (0: all at once). */
static int decode_chunked(gla_buf *out, gla_decode_info *info, const char *in,
                          size_t len, const gla_decode_opts *opts, size_t chunk,
                          char *err, size_t errcap)
{
    gla_decoder *d;
    int rc = gla_decoder_new(&d, opts);
    if (rc) {
        if (err)
            snprintf(err, errcap, "%s", d ? gla_decoder_errmsg(d) : "");
        gla_decoder_free(d);
        return rc;
    }
    if (chunk == 0)
        chunk = len ? len : 1;
    for (size_t i = 0; i < len && !rc; i += chunk) {
        size_t n = len - i < chunk ? len - i : chunk;
        rc = gla_decoder_feed(out, d, in + i, n);
    }
    if (!rc)
        rc = gla_decoder_finish(out, d);
    if (info)
        *info = *gla_decoder_info(d);
    if (err)
        snprintf(err, errcap, "%s", gla_decoder_errmsg(d));
    gla_decoder_free(d);
    return rc;
}

static const size_t chunkings[] = {0, 1, 2, 3, 7, 64, 4093};
#define N_CHUNKINGS (sizeof chunkings / sizeof chunkings[0])

static int is_nfc_utf8(const char *s, size_t len)
{
    if (enc_utf8_valid_prefix((const unsigned char *)s, len, 0) != len)
        return 0;
    utf8proc_uint8_t *nfc = NULL;
    utf8proc_ssize_t n =
        utf8proc_map((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)len, &nfc,
                     UTF8PROC_STABLE | UTF8PROC_COMPOSE);
    int ok = n >= 0 && (size_t)n == len && memcmp(nfc, s, len) == 0;
    free(nfc);
    return ok;
}

/* ------------------------------------------------------------ corpus */

typedef struct manifest_row {
    char file[128];     /* in corpus/encodings/ */
    char encoding[64];  /* what detection must say */
    char expected[128]; /* UTF-8 reference, relative to corpus/encodings/ */
    int repair;         /* a mojibake copy */
} manifest_row;

static size_t read_manifest(manifest_row *rows, size_t cap)
{
    gla_buf m = GLA_BUF_INIT;
    slurp_src(&m, "corpus/encodings/MANIFEST.tsv");
    size_t n = 0;
    char *save = NULL;
    char *line = strtok_r(m.data, "\n", &save);
    for (line = strtok_r(NULL, "\n", &save); line && n < cap;
         line = strtok_r(NULL, "\n", &save)) {
        char rep[8];
        if (sscanf(line, "%127[^\t]\t%63[^\t]\t%127[^\t]\t%7[^\t]",
                   rows[n].file, rows[n].encoding, rows[n].expected, rep) != 4)
            fail_msg("bad MANIFEST.tsv line: %s", line);
        rows[n].repair = strcmp(rep, "yes") == 0;
        n++;
    }
    gla_buf_dispose(&m);
    return n;
}

static void corpus_file(gla_buf *b, const char *name)
{
    char rel[300];
    snprintf(rel, sizeof rel, "corpus/encodings/%.200s", name);
    slurp_src(b, rel);
}

static void test_corpus_detect_and_decode(void **state)
{
    (void)state;
    manifest_row rows[32];
    size_t n = read_manifest(rows, 32);
    assert_true(n >= 12);
    for (size_t r = 0; r < n; r++) {
        gla_buf in = GLA_BUF_INIT, want = GLA_BUF_INIT;
        corpus_file(&in, rows[r].file);
        corpus_file(&want, rows[r].expected);
        gla_decode_opts o = GLA_DECODE_OPTS_INIT;
        o.repair = rows[r].repair;

        /* Detection ranks the right encoding first. */
        gla_decode_info info;
        assert_int_equal(gla_encoding_detect(&info, in.data, in.len, &o),
                         GLA_OK);
        if (strcmp(info.encoding, rows[r].encoding) != 0)
            fail_msg("%s: detected %s, expected %s", rows[r].file,
                     info.encoding, rows[r].encoding);
        if (info.how == GLA_ENCODING_GUESSED) {
            assert_true(info.n_alternatives >= 1);
            assert_true(info.confidence >= info.alternatives[0].confidence);
            assert_true(info.confidence > 0.5);
        }

        /* Exact decoding, however the bytes arrive. */
        for (size_t c = 0; c < N_CHUNKINGS; c++) {
            gla_buf out = GLA_BUF_INIT;
            gla_decode_info di;
            char what[300];
            snprintf(what, sizeof what, "%.200s (chunk %zu)", rows[r].file,
                     chunkings[c]);
            assert_int_equal(decode_chunked(&out, &di, in.data, in.len, &o,
                                            chunkings[c], NULL, 0),
                             GLA_OK);
            assert_bytes(out.data, out.len, want.data, want.len, what);
            assert_string_equal(di.encoding, rows[r].encoding);
            assert_int_equal(di.invalid, 0);
            assert_int_equal(di.bytes_in, in.len);
            assert_int_equal(di.bytes_out, out.len);
            if (rows[r].repair)
                assert_true(di.repairs > 0);
            gla_buf_dispose(&out);
        }

        if (rows[r].repair) {
            /* Without --repair the mojibake passes through untouched, and
             * the badness score sees it. */
            gla_buf out = GLA_BUF_INIT;
            assert_int_equal(gla_decode(&out, NULL, in.data, in.len, NULL),
                             GLA_OK);
            assert_bytes(out.data, out.len, in.data, in.len, rows[r].file);
            assert_true(gla_encoding_badness(in.data, in.len) > 10);
            assert_int_equal(gla_encoding_badness(want.data, want.len), 0);
            gla_buf_dispose(&out);
        } else {
            /* Declared, the same text. */
            gla_decode_opts od = GLA_DECODE_OPTS_INIT;
            od.from = rows[r].encoding;
            gla_buf out = GLA_BUF_INIT;
            gla_decode_info di;
            assert_int_equal(gla_decode(&out, &di, in.data, in.len, &od),
                             GLA_OK);
            assert_int_equal(di.how, GLA_ENCODING_DECLARED);
            assert_bytes(out.data, out.len, want.data, want.len, rows[r].file);
            gla_buf_dispose(&out);
        }
        gla_buf_dispose(&in);
        gla_buf_dispose(&want);
    }
}

/* A clean UTF-8 text goes through --repair unchanged. */
static void test_corpus_clean_unchanged(void **state)
{
    (void)state;
    static const char *const files[] = {
        "corpus/encodings/vi-news.utf8.txt",
        "corpus/seeds/000-bilan-diplomatie-defense-2024.txt",
        "corpus/seeds/001-reunion-diplomatie-defense-2021.txt",
        "corpus/seeds/002-liens-defense-vietnam-2019.txt",
        "corpus/seeds/003-cooperation-vietnam-russie-2024.txt",
        "corpus/seeds/004-maintien-paix-russie-vietnam.txt",
    };
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        gla_buf in = GLA_BUF_INIT, out = GLA_BUF_INIT;
        slurp_src(&in, files[i]);
        gla_decode_opts o = GLA_DECODE_OPTS_INIT;
        o.repair = 1;
        gla_decode_info di;
        assert_int_equal(gla_decode(&out, &di, in.data, in.len, &o), GLA_OK);
        assert_bytes(out.data, out.len, in.data, in.len, files[i]);
        assert_int_equal(di.repairs, 0);
        assert_int_equal(gla_encoding_badness(in.data, in.len), 0);
        gla_buf_dispose(&in);
        gla_buf_dispose(&out);
    }
}

/* One mojibake line in a clean file: that line is fixed, the rest kept. */
static void test_mixed_lines(void **state)
{
    (void)state;
    gla_buf in = GLA_BUF_INIT, want = GLA_BUF_INIT;
    slurp_src(&in, "tests/data/encoding/mixed-lines.txt");
    slurp_src(&want, "tests/data/encoding/mixed-lines.expected.txt");
    gla_decode_opts o = GLA_DECODE_OPTS_INIT;
    o.repair = 1;
    for (size_t c = 0; c < N_CHUNKINGS; c++) {
        gla_buf out = GLA_BUF_INIT;
        gla_decode_info di;
        assert_int_equal(decode_chunked(&out, &di, in.data, in.len, &o,
                                        chunkings[c], NULL, 0),
                         GLA_OK);
        assert_bytes(out.data, out.len, want.data, want.len, "mixed-lines");
        assert_int_equal(di.repaired_lines, 1);
        assert_int_equal(di.first_repair_line, 3);
        assert_int_equal(di.repair_kinds, GLA_REPAIR_UTF8_AS_CP1252);
        gla_buf_dispose(&out);
    }
    gla_buf_dispose(&in);
    gla_buf_dispose(&want);
}

/* ------------------------------------------------------------ vectors */

typedef struct vector {
    const char *name; /* what it checks */
    const char *in;   /* input bytes */
    size_t len;       /* 0: strlen(in) */
    const char *from; /* declared encoding or NULL */
    int repair;       /* --repair */
    const char *want; /* expected NFC UTF-8 */
    const char *enc;  /* expected decided encoding, NULL: any */
} vector;

/* docs/NORMALIZATION.md "Decoding" 1-5 and "Mojibake repair" 6-10. */
static const vector vectors[] = {
    /* 1: one invalid byte must not sink the file; a legacy guess. */
    {"1 caf\\xE9 guessed", "caf\xE9", 0, NULL, 0, "café", "ISO-8859-1"},
    {"1 BOM stripped",
     "\xEF\xBB\xBF"
     "café",
     0, NULL, 0, "café", "UTF-8"},
    {"1 UTF-16LE BOM",
     "\xFF\xFE"
     "c\0a\0f\0\xE9\0",
     10, NULL, 0, "café", "UTF-16LE"},
    /* 2: iconv charsets by name */
    {"2 VISCII declared", "Vi\xAEt", 0, "VISCII", 0, "Việt", "VISCII"},
    {"2 TCVN is VN1", "Vi\xD6t", 0, "TCVN", 0, "Việt", "TCVN"},
    {"2 VNI ours", "Vie\xE4t Nam", 0, "VNI", 0, "Việt Nam", "VNI"},
    {"2 TCVN3 ours", "Vi\xD6t \xAE\xB9i", 0, "ABC", 0, "Việt đại", "TCVN3"},
    /* 3: CP1258 is decomposed; always NFC after decoding */
    {"3 CP1258 6F 65 D2", "\x6F\x65\xD2", 0, "CP1258", 0, "oẻ", "CP1258"},
    {"3 CP1258 composed", "Vi\xEA\xF2t Nam", 0, "CP1258", 0, "Việt Nam", NULL},
    {"3 NFD UTF-8 to NFC", "Hoa\xCC\x80ng", 0, NULL, 0, "Hoàng", "UTF-8"},
    {"3 marks reordered", "o\xCC\x80\xCC\x9B", 0, NULL, 0, "ờ", "UTF-8"},
    /* 4: VISCII letters in C0 bytes survive */
    {"4 VISCII C0 letters", "\x02\x05\x06\x14\x19\x1E", 0, "VISCII", 0,
     "ẲẴẪỶỸỴ", NULL},
    {"4 VN1 C0 letters", "\x01\x02\x11\x15", 0, "TCVN5712-1", 0, "ÚỤỨỸ", NULL},
    /* 6: UTF-8 read as CP1252 */
    {"6 Hoàng Xuân Chiên",
     "Ho\xC3\x83\xC2\xA0ng Xu\xC3\x83\xC2\xA2n "
     "Chi\xC3\x83\xC2\xAAn",
     0, NULL, 1, "Hoàng Xuân Chiên", NULL},
    {"6 Nguyễn", "Nguy\xC3\xA1\xC2\xBB\xE2\x80\xA6n", 0, NULL, 1, "Nguyễn",
     NULL},
    {"6 ơ ư", "\xC3\x86\xC2\xA1 \xC3\x86\xC2\xB0", 0, NULL, 1, "ơ ư", NULL},
    {"6 â€™",
     "l\xC3\xA2\xE2\x82\xAC\xE2\x84\xA2"
     "Etat",
     0, NULL, 1, "l’Etat", NULL},
    {"6 Latin-1 reading (C1)", "\xC3\x83\xC2\x89tat", 0, NULL, 1, "État", NULL},
    /* 7: the five bytes CP1252 leaves undefined */
    {"7 Đ ọ ỏ ờ Á",
     "\xC3\x84\xC2\x90 \xC3\xA1\xC2\xBB\xC2\x8D "
     "\xC3\xA1\xC2\xBB\xC2\x8F \xC3\xA1\xC2\xBB\xC2\x9D "
     "\xC3\x83\xC2\x81",
     0, NULL, 1, "Đ ọ ỏ ờ Á", NULL},
    /* 8: the NBSP after Ã became a space */
    {"8 HoÃ ng", "Ho\xC3\x83 ng", 0, NULL, 1, "Hoàng", NULL},
    {"8 HÃ  Ná»™i", "H\xC3\x83  N\xC3\xA1\xC2\xBB\xE2\x84\xA2i", 0, NULL, 1,
     "Hà Nội", NULL},
    {"8 Ã  la", "dit \xC3\x83  la conf\xC3\x83\xC2\xA9rence", 0, NULL, 1,
     "dit à la conférence", NULL},
    {"8 Ã  alone", "dit \xC3\x83  la", 0, NULL, 1, "dit \xC3\x83  la", NULL},
    {"8 áº  (Ạ)", "\xC3\xA1\xC2\xBA i", 0, NULL, 1, "Ại", NULL},
    {"8 10Â 000", "10\xC3\x82 000 \xC3\x83\xC2\xA9lus", 0, NULL, 1,
     "10\xC2\xA0"
     "000 élus",
     NULL},
    /* 9: CP1258 read as CP1252 */
    {"9 Đặng Nguyễn Thị",
     "\xC3\x90\xC3\xA3\xC3\xB2ng Nguy\xC3\xAA\xC3\x9En "
     "Thi\xC3\xB2",
     0, NULL, 1, "Đặng Nguyễn Thị", NULL},
    /* 10: double encoding; genuine text left alone */
    {"10 double",
     "\xC3\x83\xC6\x92\xC3\x82\xC2\xA9t\xC3\x83\xC6\x92\xC3\x82"
     "\xC2\xA9",
     0, NULL, 1, "été", NULL},
    {"10 SÃO PAULO", "SÃO PAULO", 0, NULL, 1, "SÃO PAULO", NULL},
    {"10 IRMÃ DE", "IRMÃ DE JOÃO", 0, NULL, 1, "IRMÃ DE JOÃO", NULL},
    {"10 MÃ b", "--from-code=MÃ bảng mã", 0, NULL, 1, "--from-code=MÃ bảng mã",
     NULL},
    {"10 MÃ   b", "--from-code=MÃ      bảng mã", 0, NULL, 1,
     "--from-code=MÃ      bảng mã", NULL},
    {"10 hòa", "hòa bình, Boòng, Xã Ia Boòng", 0, NULL, 1,
     "hòa bình, Boòng, Xã Ia Boòng", NULL},
    {"10 été…", "été… 10 000 €", 0, NULL, 1, "été… 10 000 €", NULL},
    {"10 Ð as Đ", "Ðặng Văn Ðức", 0, NULL, 1, "Ðặng Văn Ðức", NULL},
    {"10 São Paulo", "São Paulo e Brasília, Müller, Ñandú", 0, NULL, 1,
     "São Paulo e Brasília, Müller, Ñandú", NULL},
};

static void test_vectors(void **state)
{
    (void)state;
    for (size_t v = 0; v < sizeof vectors / sizeof vectors[0]; v++) {
        const vector *t = &vectors[v];
        size_t len = t->len ? t->len : strlen(t->in);
        gla_decode_opts o = GLA_DECODE_OPTS_INIT;
        o.from = t->from;
        o.repair = t->repair;
        for (size_t c = 0; c < N_CHUNKINGS; c++) {
            gla_buf out = GLA_BUF_INIT;
            gla_decode_info di;
            char err[256];
            int rc = decode_chunked(&out, &di, t->in, len, &o, chunkings[c],
                                    err, sizeof err);
            if (rc)
                fail_msg("%s: rc %d (%s)", t->name, rc, err);
            assert_bytes(out.data ? out.data : "", out.len, t->want,
                         strlen(t->want), t->name);
            if (t->enc && strcmp(di.encoding, t->enc) != 0)
                fail_msg("%s: decided %s, expected %s", t->name, di.encoding,
                         t->enc);
            assert_int_equal(di.invalid, 0);
            gla_buf_dispose(&out);
        }
    }
}

/* 2 and 5: names iconv has, names it lacks, names we refuse. */
static void test_encoding_names(void **state)
{
    (void)state;
    static const struct {
        const char *name;
        int rc;
    } names[] = {
        {"UTF-8", GLA_OK},
        {"utf8", GLA_OK},
        {"UTF-16", GLA_OK},
        {"utf-32le", GLA_OK},
        {"CP1252", GLA_OK},
        {"windows-1252", GLA_OK},
        {"ISO-8859-1", GLA_OK},
        {"latin1", GLA_OK},
        {"VISCII", GLA_OK},
        {"TCVN", GLA_OK},
        {"TCVN5712-1", GLA_OK},
        {"CP1258", GLA_OK},
        {"TCVN3", GLA_OK},
        {"abc", GLA_OK},
        {"VNI", GLA_OK},
        {"VNI-Windows", GLA_OK},
        {"VIQR", GLA_EENCODING},
        {"VPS", GLA_EENCODING},
        {"NO-SUCH", GLA_EENCODING},
        {"", GLA_EENCODING},
        {"ASCII//TRANSLIT", GLA_EENCODING},
        {"UTF-8//IGNORE", GLA_EENCODING},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        int rc = gla_encoding_check(names[i].name);
        if (rc != names[i].rc)
            fail_msg("gla_encoding_check(\"%s\") = %d, expected %d",
                     names[i].name, rc, names[i].rc);
    }
    /* An unknown name: a clear message on a handle that refuses work. */
    gla_decode_opts o = GLA_DECODE_OPTS_INIT;
    o.from = "VIQR";
    gla_decoder *d;
    assert_int_equal(gla_decoder_new(&d, &o), GLA_EENCODING);
    assert_non_null(d);
    assert_non_null(strstr(gla_decoder_errmsg(d), "VIQR"));
    gla_buf out = GLA_BUF_INIT;
    assert_int_equal(gla_decoder_feed(&out, d, "x", 1), GLA_EINVAL);
    gla_decoder_reset(d);
    assert_int_equal(gla_decoder_feed(&out, d, "x", 1), GLA_EINVAL);
    gla_decoder_free(d);
    gla_buf_dispose(&out);
}

/* ------------------------------------------------------------ invalid */

typedef struct bad_case {
    const char *name;       /* what it checks */
    const char *in;         /* input bytes */
    size_t len;             /* 0: strlen(in) */
    const char *from;       /* declared or NULL */
    const char *want;       /* output with U+FFFD */
    uint64_t invalid;       /* substitutions */
    uint64_t first;         /* offset of the first */
    int strict_rc;          /* result with strict */
    const char *strict_msg; /* in the strict error message */
} bad_case;

#define R "\xEF\xBF\xBD" /* U+FFFD */

static const bad_case bad_cases[] = {
    {"UTF-8 lone lead", "ab\xC3(cd", 0, "UTF-8", "ab" R "(cd", 1, 2, GLA_EUTF8,
     "byte offset 2: invalid UTF-8 sequence (bytes C3)"},
    {"UTF-8 maximal subparts",
     "a\xF0\x9F\x98"
     "b\xED\xA0\x80"
     "c",
     0, "UTF-8", "a" R "b" R R R "c", 4, 1, GLA_EUTF8, "byte offset 1"},
    {"UTF-8 overlong",
     "\xC0\xAF"
     "x",
     0, "UTF-8", R R "x", 2, 0, GLA_EUTF8, "byte offset 0"},
    {"UTF-8 above U+10FFFF", "\xF4\x90\x80\x80", 0, "UTF-8", R R R R, 4, 0,
     GLA_EUTF8, "byte offset 0"},
    {"UTF-8 truncated at EOF", "caf\xC3", 0, "UTF-8", "caf" R, 1, 3, GLA_EUTF8,
     "byte offset 3: truncated UTF-8 sequence (bytes C3)"},
    {"UTF-8 truncated 3 of 4", "x\xF0\x9F\x98", 0, "UTF-8", "x" R, 1, 1,
     GLA_EUTF8, "truncated"},
    {"UTF-8 after valid window", "Việt \xFF", 0, NULL, "Việt " R, 1, 7,
     GLA_EUTF8, "byte offset 7"},
    {"UTF-16LE odd byte at EOF",
     "\xFF\xFE"
     "a\0b",
     5, NULL, "a" R, 1, 4, GLA_EENCODING, "byte offset 4: truncated UTF-16LE"},
    {"UTF-16LE lone high at EOF",
     "\xFF\xFE"
     "a\0\x3D\xD8",
     6, NULL, "a" R, 1, 4, GLA_EENCODING, "truncated UTF-16LE"},
    {"UTF-16LE unpaired low",
     "\xFF\xFE\x00\xDC"
     "a\0",
     6, NULL, R "a", 1, 2, GLA_EENCODING, "byte offset 2: invalid UTF-16LE"},
    {"UTF-16BE high then BMP",
     "\xFE\xFF\xD8\x3D\x00"
     "a",
     6, NULL, R "a", 1, 2, GLA_EENCODING, "byte offset 2"},
    {"UTF-16 pair split", "\xFF\xFE\x3D\xD8\x4D\xDC", 6, NULL, "👍", 0, 0,
     GLA_OK, NULL},
    {"UTF-32LE out of range",
     "\xFF\xFE\0\0\0\0\x11\0"
     "a\0\0\0",
     12, NULL, R "a", 1, 4, GLA_EENCODING, "byte offset 4"},
    {"CP1252 undefined 0x81",
     "a\x81"
     "b",
     0, "CP1252", "a" R "b", 1, 1, GLA_EENCODING,
     "byte offset 1: invalid CP1252 sequence (bytes 81)"},
    {"CP1258 undefined 0x8A",
     "a\xCC"
     "b\x8A",
     0, "CP1258", "àb" R, 1, 3, GLA_EENCODING, "byte offset 3"},
    {"TCVN3 undefined 0x9D", "\xAE\x9D", 0, "TCVN3", "đ" R, 1, 1, GLA_EENCODING,
     "byte offset 1: invalid TCVN3"},
    {"VNI undefined 0x8D", "Vie\xE4t\x8D", 0, "VNI", "Việt" R, 1, 5,
     GLA_EENCODING, "byte offset 5"},
    {"Shift_JIS truncated", "a\x82", 0, "SHIFT_JIS", "a" R, 1, 1, GLA_EENCODING,
     "truncated"},
};

static void test_invalid_bytes(void **state)
{
    (void)state;
    for (size_t b = 0; b < sizeof bad_cases / sizeof bad_cases[0]; b++) {
        const bad_case *t = &bad_cases[b];
        size_t len = t->len ? t->len : strlen(t->in);
        gla_decode_opts o = GLA_DECODE_OPTS_INIT;
        o.from = t->from;
        for (size_t c = 0; c < N_CHUNKINGS; c++) {
            gla_buf out = GLA_BUF_INIT;
            gla_decode_info di;
            char err[256];
            int rc = decode_chunked(&out, &di, t->in, len, &o, chunkings[c],
                                    err, sizeof err);
            if (rc)
                fail_msg("%s: rc %d (%s)", t->name, rc, err);
            assert_bytes(out.data ? out.data : "", out.len, t->want,
                         strlen(t->want), t->name);
            if (di.invalid != t->invalid ||
                (t->invalid && di.first_invalid != t->first))
                fail_msg("%s (chunk %zu): %llu invalid, first at %llu; "
                         "expected %llu at %llu",
                         t->name, chunkings[c], (unsigned long long)di.invalid,
                         (unsigned long long)di.first_invalid,
                         (unsigned long long)t->invalid,
                         (unsigned long long)t->first);
            assert_true(is_nfc_utf8(out.data ? out.data : "", out.len));
            gla_buf_dispose(&out);

            /* Strict: fails at the first, saying where. */
            gla_decode_opts os = o;
            os.strict = 1;
            rc = decode_chunked(&out, &di, t->in, len, &os, chunkings[c], err,
                                sizeof err);
            if (rc != t->strict_rc)
                fail_msg("%s strict (chunk %zu): rc %d, expected %d (%s)",
                         t->name, chunkings[c], rc, t->strict_rc, err);
            if (t->strict_msg && !strstr(err, t->strict_msg))
                fail_msg("%s strict: message \"%s\" lacks \"%s\"", t->name, err,
                         t->strict_msg);
            /* What came before the bad byte was delivered, nothing after. */
            if (rc)
                assert_null(strstr(out.data ? out.data : "", R));
            gla_buf_dispose(&out);
        }
    }
}

/* ------------------------------------------------------------ BOMs */

static void test_bom(void **state)
{
    (void)state;
    static const struct {
        const char *name;
        const char *in;
        size_t len;
        const char *from;
        const char *want;
        const char *enc;
        size_t bom;
    } cases[] = {
        {"UTF-8 BOM", "\xEF\xBB\xBFx", 4, NULL, "x", "UTF-8", 3},
        {"UTF-8 BOM only", "\xEF\xBB\xBF", 3, NULL, "", "UTF-8", 3},
        {"UTF-16BE BOM", "\xFE\xFF\0x\x01\x02", 6, NULL, "xĂ", "UTF-16BE", 2},
        {"UTF-32LE BOM", "\xFF\xFE\0\0x\0\0\0", 8, NULL, "x", "UTF-32LE", 4},
        {"UTF-32BE BOM", "\0\0\xFE\xFFx", 4, NULL, "", "UTF-32BE", 4},
        {"declared UTF-16 + LE BOM", "\xFF\xFEx\0", 4, "UTF-16", "x",
         "UTF-16LE", 2},
        {"declared UTF-16, no BOM: BE", "\0x", 2, "UTF-16", "x", "UTF-16BE", 0},
        {"declared UTF-8 + BOM", "\xEF\xBB\xBFx", 4, "UTF-8", "x", "UTF-8", 3},
        {"declared CP1252 keeps BOM bytes", "\xEF\xBB\xBFx", 4, "CP1252",
         "ï»¿x", "CP1252", 0},
        {"BOM later is text", "x\xEF\xBB\xBF", 4, NULL, "x\xEF\xBB\xBF",
         "UTF-8", 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        gla_decode_opts o = GLA_DECODE_OPTS_INIT;
        o.from = cases[i].from;
        for (size_t c = 0; c < N_CHUNKINGS; c++) {
            gla_buf out = GLA_BUF_INIT;
            gla_decode_info di;
            assert_int_equal(decode_chunked(&out, &di, cases[i].in,
                                            cases[i].len, &o, chunkings[c],
                                            NULL, 0),
                             GLA_OK);
            assert_bytes(out.data ? out.data : "", out.len, cases[i].want,
                         strlen(cases[i].want), cases[i].name);
            if (strcmp(di.encoding, cases[i].enc) != 0 ||
                di.bom_len != cases[i].bom)
                fail_msg("%s: %s with %zu BOM bytes", cases[i].name,
                         di.encoding, di.bom_len);
            gla_buf_dispose(&out);
        }
    }
}

/* ------------------------------------------------------------ NFC */

/* Decomposed text split at every byte: NFC output identical. */
static void test_nfc_split_everywhere(void **state)
{
    (void)state;
    static const struct {
        const char *from;
        const char *in;
        const char *want;
    } cases[] = {
        {"UTF-8", "Nguy\xC3\xAA\xCC\x83n Vi\xC3\xAA\xCC\xA3t a\xCC\x81",
         "Nguyễn Việt á"},
        {"CP1258", "Vi\xEA\xF2t Nam \xD0\xE3\xF2ng o\xEC", "Việt Nam Đặng ó"},
        {"VNI",
         "Nguye\xE3n \xD1"
         "a\xEBng VIE\xC4T",
         "Nguyễn Đặng VIỆT"},
        {"TCVN5712-1", "a\xB3 o\xB0", "á ò"},
        {"UTF-16LE", "a\0\x01\x03", "á"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        gla_decode_opts o = GLA_DECODE_OPTS_INIT;
        o.from = cases[i].from;
        size_t len = strlen(cases[i].in);
        if (strcmp(cases[i].from, "UTF-16LE") == 0)
            len = 4;
        for (size_t cut = 1; cut < len; cut++) {
            gla_decoder *d;
            assert_int_equal(gla_decoder_new(&d, &o), GLA_OK);
            gla_buf out = GLA_BUF_INIT;
            assert_int_equal(gla_decoder_feed(&out, d, cases[i].in, cut),
                             GLA_OK);
            assert_int_equal(
                gla_decoder_feed(&out, d, cases[i].in + cut, len - cut),
                GLA_OK);
            assert_int_equal(gla_decoder_finish(&out, d), GLA_OK);
            assert_bytes(out.data, out.len, cases[i].want,
                         strlen(cases[i].want), cases[i].from);
            gla_decoder_free(d);
            gla_buf_dispose(&out);
        }
    }
}

/* The stream-cutting rule against the Unicode data, for every code point:
 * a boundary must have NFC_Quick_Check=Yes and combining class 0. */
static void test_nfc_boundary_exhaustive(void **state)
{
    (void)state;
    const char *path = "/usr/share/unicode/DerivedNormalizationProps.txt";
    FILE *f = fopen(path, "r");
    if (!f) {
        print_message("skipped: %s not installed (unicode-data)\n", path);
        skip();
    }
    static char qc[0x110000];
    memset(qc, 0, sizeof qc);
    char line[512];
    while (fgets(line, sizeof line, f)) {
        unsigned a, b;
        char v;
        if (!strstr(line, "; NFC_QC;"))
            continue;
        if (sscanf(line, "%x..%x ; NFC_QC; %c", &a, &b, &v) != 3) {
            if (sscanf(line, "%x ; NFC_QC; %c", &a, &v) != 2)
                continue;
            b = a;
        }
        for (unsigned c = a; c <= b && c < 0x110000; c++)
            qc[c] = v;
    }
    fclose(f);
    size_t boundaries = 0;
    for (int32_t cp = 0; cp < 0x110000; cp++) {
        if (cp >= 0xD800 && cp <= 0xDFFF)
            continue;
        if (!enc_nfc_boundary(cp))
            continue;
        boundaries++;
        if (qc[cp] || utf8proc_get_property(cp)->combining_class)
            fail_msg("U+%04X is no safe NFC boundary", (unsigned)cp);
    }
    assert_true(boundaries > 1000000);
}

/* ------------------------------------------------------------ tables */

/* TCVN3 shares VN1's positions from 0xA0 up; glibc's TCVN5712-1 is VN1. */
static void test_tcvn3_against_vn1(void **state)
{
    (void)state;
    gla_decode_opts o3 = GLA_DECODE_OPTS_INIT, o1 = GLA_DECODE_OPTS_INIT;
    o3.from = "TCVN3";
    o1.from = "TCVN5712-1";
    for (int b = 0xA0; b <= 0xFF; b++) {
        char in[2] = {(char)b, 0};
        gla_buf a = GLA_BUF_INIT, v = GLA_BUF_INIT;
        assert_int_equal(gla_decode(&a, NULL, in, 1, &o3), GLA_OK);
        assert_int_equal(gla_decode(&v, NULL, in, 1, &o1), GLA_OK);
        if (a.len != v.len || memcmp(a.data, v.data, a.len) != 0)
            fail_msg("TCVN3 byte %02X differs from VN1", b);
        gla_buf_dispose(&a);
        gla_buf_dispose(&v);
    }
    /* 0x80-0x9F are CP1252 punctuation in TCVN3, capitals in VN1. */
    gla_buf a = GLA_BUF_INIT;
    assert_int_equal(gla_decode(&a, NULL, "\x93\xAE\x94", 3, &o3), GLA_OK);
    assert_string_equal(a.data, "“đ”");
    gla_buf_dispose(&a);
}

/* Every single-byte entry of glibc's charmaps, when they are installed
 * under shared/data: decoding that byte gives that character. */
static void test_glibc_charmaps(void **state)
{
    (void)state;
    static const char *const maps[] = {"VISCII", "CP1258", "TCVN5712-1"};
    int seen = 0;
    for (size_t m = 0; m < 3; m++) {
        char cmd[2048];
        snprintf(cmd, sizeof cmd,
                 "gzip -dc '%s/encodings/glibc_charmaps/%s.gz' 2>/dev/null",
                 shared_dir(), maps[m]);
        FILE *p = popen(cmd, "r");
        if (!p)
            continue;
        char line[256];
        int entries = 0;
        gla_decode_opts o = GLA_DECODE_OPTS_INIT;
        o.from = maps[m];
        while (fgets(line, sizeof line, p)) {
            unsigned cp, byte;
            int pos = 0;
            if (sscanf(line, "<U%x> /x%2x%n", &cp, &byte, &pos) != 2 ||
                line[pos] == '/')
                continue; /* not a single-byte entry */
            char in = (char)byte;
            gla_buf out = GLA_BUF_INIT;
            assert_int_equal(gla_decode(&out, NULL, &in, 1, &o), GLA_OK);
            utf8proc_uint8_t want[4];
            utf8proc_ssize_t wn = utf8proc_encode_char((int32_t)cp, want);
            if (out.len != (size_t)wn || memcmp(out.data, want, out.len))
                fail_msg("%s byte %02X: expected U+%04X", maps[m], byte, cp);
            gla_buf_dispose(&out);
            entries++;
        }
        pclose(p);
        if (entries) {
            assert_true(entries >= 200);
            seen++;
        }
    }
    if (!seen) {
        print_message("skipped: no glibc charmaps under %s\n", shared_dir());
        skip();
    }
}

/* VNI against GNU recode's VNI, when recode is installed. */
static void test_vni_against_recode(void **state)
{
    (void)state;
    if (system("command -v recode >/dev/null 2>&1") != 0) {
        print_message("skipped: recode not installed\n");
        skip();
    }
    char path[1024], cmd[2100];
    snprintf(path, sizeof path, "%s/corpus/encodings/vi-news.utf8.txt",
             src_dir());
    snprintf(cmd, sizeof cmd, "recode -f utf8..VNI < '%s'", path);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    gla_buf vni = GLA_BUF_INIT, want = GLA_BUF_INIT, out = GLA_BUF_INIT;
    char tmp[4096];
    size_t n;
    while ((n = fread(tmp, 1, sizeof tmp, p)) > 0)
        gla_buf_put(&vni, tmp, n);
    assert_int_equal(pclose(p), 0);
    slurp(&want, path);
    /* recode's bytes are ours, byte for byte ... */
    gla_buf ours = GLA_BUF_INIT;
    corpus_file(&ours, "vi-news.vni.txt");
    assert_bytes(vni.data, vni.len, ours.data, ours.len, "recode VNI");
    /* ... and decode back to the text. */
    gla_decode_opts o = GLA_DECODE_OPTS_INIT;
    o.from = "VNI";
    assert_int_equal(gla_decode(&out, NULL, vni.data, vni.len, &o), GLA_OK);
    assert_bytes(out.data, out.len, want.data, want.len, "VNI from recode");
    gla_buf_dispose(&vni);
    gla_buf_dispose(&want);
    gla_buf_dispose(&out);
    gla_buf_dispose(&ours);
}

/* Every Vietnamese letter, both cases, through recode's VNI and back. */
static void test_vni_all_letters_against_recode(void **state)
{
    (void)state;
    if (system("command -v recode >/dev/null 2>&1") != 0) {
        print_message("skipped: recode not installed\n");
        skip();
    }
    static const char *const bases[] = {
        "a", "a\xCC\x86", "a\xCC\x82", "e", "e\xCC\x82", "i",
        "o", "o\xCC\x82", "o\xCC\x9B", "u", "u\xCC\x9B", "y"};
    static const char *const tones[] = {"",         "\xCC\x80", "\xCC\x81",
                                        "\xCC\x83", "\xCC\x89", "\xCC\xA3"};
    gla_buf text = GLA_BUF_INIT;
    for (int upper = 0; upper < 2; upper++) {
        gla_buf_puts(&text, upper ? "\xC4\x90 " : "\xC4\x91 "); /* Đ đ */
        for (size_t b = 0; b < 12; b++)
            for (size_t t = 0; t < 6; t++) {
                char nfd[16];
                snprintf(nfd, sizeof nfd, "%c%s%s",
                         upper ? bases[b][0] - 32 : bases[b][0], bases[b] + 1,
                         tones[t]);
                utf8proc_uint8_t *nfc = utf8proc_NFC((utf8proc_uint8_t *)nfd);
                gla_buf_puts(&text, (const char *)nfc);
                gla_buf_puts(&text, " ");
                free(nfc);
            }
        gla_buf_puts(&text, "\n");
    }
    char path[] = "/tmp/gla-vni-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "wb");
    fwrite(text.data, 1, text.len, f);
    fclose(f);
    char cmd[256];
    snprintf(cmd, sizeof cmd, "recode -f utf8..VNI < '%s'", path);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    gla_buf vni = GLA_BUF_INIT, out = GLA_BUF_INIT;
    char tmp[4096];
    size_t n;
    while ((n = fread(tmp, 1, sizeof tmp, p)) > 0)
        gla_buf_put(&vni, tmp, n);
    assert_int_equal(pclose(p), 0);
    remove(path);
    /* recode 3.6 swaps uppercase Ắ and Ằ (A+0xC8 / A+0xC9): every other
     * uppercase mark byte is its lowercase byte (ắ = a+0xE9, ằ = a+0xE8)
     * minus 0x20, and other published VNI tables (xvnkb's vni.h) give
     * Ắ = "AÉ" (0xC9), Ằ = "AÈ" (0xC8), as ours does. Undo the swap. */
    size_t swapped = 0;
    for (size_t i = 1; i < vni.len; i++) {
        unsigned char *b = (unsigned char *)vni.data + i;
        if (b[-1] == 'A' && (b[0] == 0xC8 || b[0] == 0xC9)) {
            b[0] = b[0] == 0xC8 ? 0xC9 : 0xC8;
            swapped++;
        }
    }
    assert_int_equal(swapped, 2);
    gla_decode_opts o = GLA_DECODE_OPTS_INIT;
    o.from = "VNI";
    assert_int_equal(gla_decode(&out, NULL, vni.data, vni.len, &o), GLA_OK);
    assert_bytes(out.data, out.len, text.data, text.len, "VNI letters");
    /* and undeclared, the guess finds VNI */
    gla_decode_info di;
    assert_int_equal(gla_encoding_detect(&di, vni.data, vni.len, NULL), GLA_OK);
    assert_string_equal(di.encoding, "VNI");
    gla_buf_dispose(&text);
    gla_buf_dispose(&vni);
    gla_buf_dispose(&out);
}

/* uchardet's samples, when present under shared/data. */
static void test_uchardet_samples(void **state)
{
    (void)state;
    static const struct {
        const char *file;
        const char *enc;  /* expected decision */
        const char *enc2; /* also right (identical decoding), or NULL */
        const char *same; /* decodes to this UTF-8 sample, or NULL */
    } cases[] = {
        {"vi/viscii.txt", "VISCII", NULL, "vi/utf-8.txt"},
        {"vi/windows-1258.txt", "CP1258", NULL, "vi/utf-8.txt"},
        {"vi/utf-8.txt", "UTF-8", NULL, NULL},
        {"fr/iso-8859-1.txt", "ISO-8859-1", "CP1252", NULL},
        {"fr/windows-1252.txt", "CP1252", NULL, NULL},
        {"fr/utf-8.txt", "UTF-8", NULL, NULL},
        {"fr/utf-16.be", "UTF-16BE", NULL, NULL},
        {"fr/utf-32.le", "UTF-32LE", NULL, NULL},
    };
    int seen = 0;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char path[2048];
        snprintf(path, sizeof path, "%s/encodings/uchardet_samples/%s",
                 shared_dir(), cases[i].file);
        gla_buf in = GLA_BUF_INIT, out = GLA_BUF_INIT;
        if (slurp(&in, path) != 0)
            continue;
        seen++;
        gla_decode_info di;
        assert_int_equal(gla_decode(&out, &di, in.data, in.len, NULL), GLA_OK);
        if (strcmp(di.encoding, cases[i].enc) != 0 &&
            !(cases[i].enc2 && strcmp(di.encoding, cases[i].enc2) == 0))
            fail_msg("%s: decided %s", cases[i].file, di.encoding);
        assert_int_equal(di.invalid, 0);
        assert_true(is_nfc_utf8(out.data, out.len));
        if (cases[i].same) {
            gla_buf want = GLA_BUF_INIT;
            snprintf(path, sizeof path, "%s/encodings/uchardet_samples/%s",
                     shared_dir(), cases[i].same);
            assert_int_equal(slurp(&want, path), 0);
            assert_bytes(out.data, out.len, want.data, want.len, cases[i].file);
            gla_buf_dispose(&want);
        }
        gla_buf_dispose(&in);
        gla_buf_dispose(&out);
    }
    if (!seen) {
        print_message("skipped: no uchardet samples under %s\n", shared_dir());
        skip();
    }
}

/* ------------------------------------------------------------ detection */

static void test_detect_api(void **state)
{
    (void)state;
    gla_decode_info di;
    assert_int_equal(gla_encoding_detect(&di, "", 0, NULL), GLA_OK);
    assert_int_equal(di.how, GLA_ENCODING_DEFAULT);
    assert_string_equal(di.encoding, "UTF-8");
    assert_int_equal(gla_encoding_detect(&di, "plain", 5, NULL), GLA_OK);
    assert_int_equal(di.how, GLA_ENCODING_VALID_UTF8);
    assert_int_equal(gla_encoding_detect(&di, "Việt", strlen("Việt"), NULL),
                     GLA_OK);
    assert_int_equal(di.how, GLA_ENCODING_VALID_UTF8);
    assert_true(di.confidence == 1.0);

    /* A long ASCII preamble does not use up the window. */
    gla_buf in = GLA_BUF_INIT, viscii = GLA_BUF_INIT, want = GLA_BUF_INIT;
    for (int i = 0; i < 2000; i++)
        gla_buf_puts(&in, "plain ASCII preamble, line after line.\n");
    size_t pre = in.len;
    corpus_file(&viscii, "vi-news.viscii.txt");
    gla_buf_put(&in, viscii.data, viscii.len);
    assert_true(pre > GLA_DETECT_BYTES_DEFAULT);
    assert_int_equal(gla_encoding_detect(&di, in.data, in.len, NULL), GLA_OK);
    assert_string_equal(di.encoding, "VISCII");
    assert_int_equal(di.how, GLA_ENCODING_GUESSED);
    assert_int_equal(di.detect_offset, pre + 1); /* "K" is ASCII */
    gla_buf out = GLA_BUF_INIT;
    gla_decode_info d2;
    assert_int_equal(
        decode_chunked(&out, &d2, in.data, in.len, NULL, 4096, NULL, 0),
        GLA_OK);
    assert_string_equal(d2.encoding, "VISCII");
    assert_int_equal(d2.detect_offset, di.detect_offset);
    assert_int_equal(memcmp(out.data, in.data, pre), 0);
    corpus_file(&want, "vi-news.utf8.txt");
    assert_bytes(out.data + pre, out.len - pre, want.data, want.len,
                 "VISCII after ASCII");

    /* UTF-16 without a BOM, from its NUL bytes. */
    static const char u16[] = "L\0a\0 \0c\0o\0o\0p\0\xE9\0r\0a\0t\0i\0o\0n\0";
    assert_int_equal(gla_encoding_detect(&di, u16, sizeof u16 - 1, NULL),
                     GLA_OK);
    assert_string_equal(di.encoding, "UTF-16LE");

    /* UTF-8 with a stray Latin-1 byte stays UTF-8. */
    static const char stray[] = "Hoàng Xuân Chiên, Phan Văn Giang, caf\xE9.";
    assert_int_equal(gla_encoding_detect(&di, stray, strlen(stray), NULL),
                     GLA_OK);
    assert_string_equal(di.encoding, "UTF-8");
    assert_int_equal(di.how, GLA_ENCODING_GUESSED);

    /* Declared wins. */
    gla_decode_opts o = GLA_DECODE_OPTS_INIT;
    o.from = "cp1258";
    assert_int_equal(gla_encoding_detect(&di, "abc", 3, &o), GLA_OK);
    assert_int_equal(di.how, GLA_ENCODING_DECLARED);
    assert_string_equal(di.encoding, "CP1258");
    o.from = "no-such-thing";
    assert_int_equal(gla_encoding_detect(&di, "abc", 3, &o), GLA_EENCODING);
    gla_buf_dispose(&in);
    gla_buf_dispose(&viscii);
    gla_buf_dispose(&want);
    gla_buf_dispose(&out);
}

/* ------------------------------------------------------------ repair */

static void test_badness(void **state)
{
    (void)state;
    static const struct {
        const char *s;
        size_t min; /* badness at least */
        size_t max; /* and at most */
    } cases[] = {
        {"Hoàng Xuân Chiên, l’État, SÃO PAULO, été…", 0, 0},
        {"Ðặng Văn Ðức, hòa bình", 0, 0},
        {"Boòng", 1, 1}, /* real, but CP1258-like: repair leaves it */
        {"l\xC3\xA2\xE2\x82\xAC\xE2\x84\xA2"
         "Etat",
         1, 3},
        {"Nguy\xC3\xA1\xC2\xBB\xE2\x80\xA6n", 1, 2},
        {"\xC2\x85", 1, 1},
        {"Ho\xC3\x83 ng", 1, 1},
        {"\xC3\x90\xC3\xA3\xC3\xB2ng Nguy\xC3\xAA\xC3\x9En", 2, 2},
        {"h\xCC\xA3"
         "a",
         1, 1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t b = gla_encoding_badness(cases[i].s, strlen(cases[i].s));
        if (b < cases[i].min || b > cases[i].max)
            fail_msg("badness(\"%s\") = %zu, expected %zu..%zu", cases[i].s, b,
                     cases[i].min, cases[i].max);
    }
    /* Repair lowers it to zero on the vectors, and refuses bad UTF-8. */
    gla_buf out = GLA_BUF_INIT;
    size_t n = 0;
    const char *moji = "Ho\xC3\x83\xC2\xA0ng l\xC3\xA2\xE2\x82\xAC\xE2\x84\xA2";
    assert_int_equal(gla_encoding_repair(&out, &n, moji, strlen(moji)), GLA_OK);
    assert_string_equal(out.data, "Hoàng l’");
    assert_int_equal(n, 2);
    assert_int_equal(gla_encoding_badness(out.data, out.len), 0);
    gla_buf_clear(&out);
    assert_int_equal(gla_encoding_repair(&out, &n, "a\xFF", 2), GLA_EUTF8);
    gla_buf_dispose(&out);
}

static void test_syllables(void **state)
{
    (void)state;
    static const char *const yes[] = {
        "Nguyễn", "nghiêng", "được", "người", "quốc",  "Việt", "khuyến",
        "giữ",    "gìn",     "hoặc", "thuở",  "Quỳnh", "Đắk",  "KỶ",
        "ĐỊNH",   "Boòng",   "oẻ",   "ý",     "khoẻ",  "Thuý"};
    static const char *const no[] = {
        "état", "Hanoï", "phoìng", "ýng",  "Vieät", "NÕi",  "ViÖt", "caf",
        "tiếc̀", "bát́",   "sàc",    "mạnh̀", "Ðặng",  "café", "naïve"};
    for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++)
        if (!enc_vn_syllable(yes[i], strlen(yes[i])))
            fail_msg("\"%s\" should be a syllable", yes[i]);
    for (size_t i = 0; i < sizeof no / sizeof no[0]; i++)
        if (enc_vn_syllable(no[i], strlen(no[i])))
            fail_msg("\"%s\" should not be a syllable", no[i]);
}

/* A line far longer than the repair's piece size: repaired throughout,
 * counted once. */
static void test_repair_long_line(void **state)
{
    (void)state;
    gla_buf in = GLA_BUF_INIT, want = GLA_BUF_INIT, out = GLA_BUF_INIT;
    for (int i = 0; i < 20000; i++) {
        gla_buf_puts(&in, "Ho\xC3\x83 ng Xu\xC3\x83\xC2\xA2n ");
        gla_buf_puts(&want, "Hoàng Xuân ");
    }
    gla_buf_puts(&in, "fin\nConf\xC3\x83\xC2\xA9rence\n");
    gla_buf_puts(&want, "fin\nConférence\n");
    gla_decode_opts o = GLA_DECODE_OPTS_INIT;
    o.repair = 1;
    gla_decode_info di;
    assert_int_equal(
        decode_chunked(&out, &di, in.data, in.len, &o, 65536, NULL, 0), GLA_OK);
    assert_bytes(out.data, out.len, want.data, want.len, "long line");
    assert_int_equal(di.repairs, 40001);
    assert_int_equal(di.repaired_lines, 2);
    assert_int_equal(di.first_repair_line, 1);
    gla_buf_dispose(&in);
    gla_buf_dispose(&want);
    gla_buf_dispose(&out);
}

/* ------------------------------------------------------------ streaming */

/* Megabytes through 64 KiB chunks: output keeps pace with input (nothing
 * is held back beyond the window), and equals the one-shot result. */
static void test_stream_bounded(void **state)
{
    (void)state;
    gla_buf unit = GLA_BUF_INIT, want1 = GLA_BUF_INIT;
    corpus_file(&unit, "vi-news.viscii.txt");
    corpus_file(&want1, "vi-news.utf8.txt");
    const size_t copies = 3000; /* about 3 MB */
    gla_decoder *d;
    gla_decode_opts o = GLA_DECODE_OPTS_INIT;
    o.repair = 1; /* the line stage too */
    assert_int_equal(gla_decoder_new(&d, &o), GLA_OK);
    gla_buf chunk = GLA_BUF_INIT, out = GLA_BUF_INIT;
    uint64_t fed = 0, produced = 0;
    size_t mismatches = 0;
    for (size_t i = 0; i < copies; i++) {
        gla_buf_put(&chunk, unit.data, unit.len);
        if (chunk.len < 65536 && i + 1 < copies)
            continue;
        assert_int_equal(gla_decoder_feed(&out, d, chunk.data, chunk.len),
                         GLA_OK);
        fed += chunk.len;
        gla_buf_clear(&chunk);
        /* every input byte yields at least one output byte */
        if (fed > (uint64_t)GLA_DETECT_BYTES_DEFAULT + 65536 &&
            produced + out.len + GLA_DETECT_BYTES_DEFAULT + 65536 < fed)
            fail_msg("held back too much: %llu in, %llu out",
                     (unsigned long long)fed,
                     (unsigned long long)(produced + out.len));
        /* compare as we go, then forget */
        size_t whole = (out.len / want1.len) * want1.len;
        for (size_t k = 0; k + want1.len <= whole; k += want1.len)
            mismatches += memcmp(out.data + k, want1.data, want1.len) != 0;
        produced += whole;
        memmove(out.data, out.data + whole, out.len - whole);
        out.len -= whole;
    }
    assert_int_equal(gla_decoder_finish(&out, d), GLA_OK);
    for (size_t k = 0; k + want1.len <= out.len; k += want1.len)
        mismatches += memcmp(out.data + k, want1.data, want1.len) != 0;
    produced += out.len;
    assert_int_equal(mismatches, 0);
    assert_int_equal(produced, copies * want1.len);
    const gla_decode_info *di = gla_decoder_info(d);
    assert_string_equal(di->encoding, "VISCII");
    assert_int_equal(di->bytes_in, copies * unit.len);
    assert_int_equal(di->repairs, 0);
    gla_decoder_free(d);
    gla_buf_dispose(&unit);
    gla_buf_dispose(&want1);
    gla_buf_dispose(&chunk);
    gla_buf_dispose(&out);
}

/* ------------------------------------------------------------ API */

static void test_api_misuse(void **state)
{
    (void)state;
    gla_decoder *d;
    gla_buf out = GLA_BUF_INIT;
    assert_int_equal(gla_decoder_new(&d, NULL), GLA_OK);
    assert_string_equal(gla_decoder_info(d)->encoding, "");
    assert_int_equal(gla_decoder_feed(&out, d, "caf\xE9", 4), GLA_OK);
    assert_int_equal(gla_decoder_finish(&out, d), GLA_OK);
    assert_string_equal(out.data, "café");
    assert_int_equal(gla_decoder_feed(&out, d, "x", 1), GLA_EINVAL);
    assert_non_null(strstr(gla_decoder_errmsg(d), "reset"));
    /* reset: a new stream, same options, decided afresh */
    gla_decoder_reset(d);
    gla_buf_clear(&out);
    assert_int_equal(gla_decoder_feed(&out, d, "Vi\xC3\xAA\xCC\xA3t", 7),
                     GLA_OK);
    assert_int_equal(gla_decoder_finish(&out, d), GLA_OK);
    assert_string_equal(out.data, "Việt");
    assert_string_equal(gla_decoder_info(d)->encoding, "UTF-8");
    gla_decoder_free(d);
    gla_decoder_free(NULL);

    /* A strict failure ends the stream. */
    gla_decode_opts o = GLA_DECODE_OPTS_INIT;
    o.from = "UTF-8";
    o.strict = 1;
    assert_int_equal(gla_decoder_new(&d, &o), GLA_OK);
    gla_buf_clear(&out);
    assert_int_equal(gla_decoder_feed(&out, d, "ok \xFF", 4), GLA_EUTF8);
    assert_int_equal(gla_decoder_feed(&out, d, "more", 4), GLA_EINVAL);
    assert_int_equal(gla_decoder_finish(&out, d), GLA_EINVAL);
    assert_non_null(strstr(gla_decoder_errmsg(d), "byte offset 3"));
    gla_decoder_free(d);

    /* Options from a future version are refused, with a reason. */
    gla_decode_opts bad = GLA_DECODE_OPTS_INIT;
    bad.version = 99;
    assert_int_equal(gla_decoder_new(&d, &bad), GLA_EINVAL);
    assert_non_null(strstr(gla_decoder_errmsg(d), "GLA_DECODE_OPTS_INIT"));
    gla_decoder_free(d);

    /* One-shot failure detail lands in info. */
    gla_decode_info di;
    assert_int_equal(gla_decode(&out, &di, "\xFF", 1, &o), GLA_EUTF8);
    assert_non_null(strstr(di.error, "byte offset 0"));
    gla_buf_dispose(&out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_corpus_detect_and_decode),
        cmocka_unit_test(test_corpus_clean_unchanged),
        cmocka_unit_test(test_mixed_lines),
        cmocka_unit_test(test_vectors),
        cmocka_unit_test(test_encoding_names),
        cmocka_unit_test(test_invalid_bytes),
        cmocka_unit_test(test_bom),
        cmocka_unit_test(test_nfc_split_everywhere),
        cmocka_unit_test(test_nfc_boundary_exhaustive),
        cmocka_unit_test(test_tcvn3_against_vn1),
        cmocka_unit_test(test_glibc_charmaps),
        cmocka_unit_test(test_vni_against_recode),
        cmocka_unit_test(test_vni_all_letters_against_recode),
        cmocka_unit_test(test_uchardet_samples),
        cmocka_unit_test(test_detect_api),
        cmocka_unit_test(test_badness),
        cmocka_unit_test(test_syllables),
        cmocka_unit_test(test_repair_long_line),
        cmocka_unit_test(test_stream_bounded),
        cmocka_unit_test(test_api_misuse),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
