/*
 * Tests of the common helpers: the growable buffer and the one JSON string
 * escaper every writer uses. Each escaping row is an input and the exact
 * literal expected, checked through the buffer and the FILE* forms alike.
 */
#define _POSIX_C_SOURCE 200809L /* open_memstream */
#include <glossalign/common.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

typedef struct jvec {
    const char *in;   /* bytes (length: len, or strlen when len is 0) */
    size_t len;       /* for inputs holding NUL */
    const char *want; /* the JSON literal */
} jvec;

static const jvec jvecs[] = {
    {"", 0, "\"\""},
    {"Hà Nội", 0, "\"Hà Nội\""},
    {"say \"hi\"", 0, "\"say \\\"hi\\\"\""},
    {"a\\b", 0, "\"a\\\\b\""},
    {"l1\nl2\tx\ry", 0, "\"l1\\nl2\\tx\\ry\""},
    {"\b\f", 0, "\"\\b\\f\""},
    {"\x01\x1f", 0, "\"\\u0001\\u001f\""},
    {"a\0b", 3, "\"a\\u0000b\""},
    {"\x7f/</", 0, "\"\x7f/</\""},
    /* bytes of UTF-8 (and invalid ones) stand for themselves */
    {"\xE2\x80\x99\xFF", 0, "\"\xE2\x80\x99\xFF\""},
};

static void test_json_quote(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof jvecs / sizeof jvecs[0]; i++) {
        const jvec *v = &jvecs[i];
        size_t len = v->len ? v->len : strlen(v->in);
        gla_buf b = GLA_BUF_INIT;
        gla_buf_puts(&b, "x");
        assert_int_equal(gla_json_quote(&b, v->in, len), GLA_OK);
        assert_non_null(b.data);
        if (strcmp(b.data + 1, v->want) != 0)
            fail_msg("row %zu: got %s, want %s", i, b.data + 1, v->want);
        assert_int_equal(b.len, 1 + strlen(v->want));
        gla_buf_dispose(&b);

        char *mem = NULL;
        size_t memlen = 0;
        FILE *f = open_memstream(&mem, &memlen);
        assert_non_null(f);
        assert_int_equal(gla_json_fquote(f, v->in, len), 0);
        assert_int_equal(fclose(f), 0);
        assert_string_equal(mem, v->want);
        free(mem);
    }
}

static void test_json_escape(void **state)
{
    (void)state;
    char tmp[7];
    for (unsigned c = 0; c < 256; c++) {
        const char *e = gla_json_escape((unsigned char)c, tmp);
        int needs = c < 0x20 || c == '"' || c == '\\';
        if (!needs) {
            assert_null(e);
            continue;
        }
        assert_non_null(e);
        assert_true(e[0] == '\\');
        assert_true(strlen(e) == 2 || strlen(e) == 6);
    }
}

static void test_buf(void **state)
{
    (void)state;
    gla_buf b = GLA_BUF_INIT;
    for (int i = 0; i < 1000; i++)
        assert_int_equal(gla_buf_printf(&b, "%d,", i), GLA_OK);
    assert_int_equal(b.len, 10 * 2 + 90 * 3 + 900 * 4);
    assert_memory_equal(b.data + b.len - 4, "999,", 4);
    assert_int_equal(b.data[b.len], '\0');
    gla_buf_clear(&b);
    assert_int_equal(b.len, 0);
    assert_int_equal(gla_buf_put(&b, "ab\0c", 4), GLA_OK);
    assert_int_equal(b.len, 4);
    gla_buf_dispose(&b);
    assert_null(b.data);
    gla_buf_dispose(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_json_quote),
        cmocka_unit_test(test_json_escape),
        cmocka_unit_test(test_buf),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
