/*
 * libFuzzer target over every key level, plain NFC and the tokenizer. It
 * asserts what docs/NORMALIZATION.md promises: keys are valid UTF-8, every
 * level is idempotent, maps and token spans lie inside the input on
 * character boundaries and never go backwards, and invalid UTF-8 is
 * reported at the first bad byte.
 */
#include <glossalign/normalize.h>
#include <glossalign/tokenize.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond, what)                                                      \
    do {                                                                       \
        if (!(cond)) {                                                         \
            fprintf(stderr, "fuzz_normalize: %s (%s:%d)\n", what, __FILE__,    \
                    __LINE__);                                                 \
            abort();                                                           \
        }                                                                      \
    } while (0)

static int valid_utf8(const uint8_t *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t l =
            utf8proc_iterate(s + i, (utf8proc_ssize_t)(len - i), &cp);
        if (l <= 0)
            return 0;
        i += (size_t)l;
    }
    return 1;
}

static int boundary(const uint8_t *s, size_t len, size_t off)
{
    return off >= len || (s[off] & 0xC0) != 0x80;
}

static void check_key(const gla_key *k, const uint8_t *src, size_t len)
{
    CHECK(k->map != NULL, "no map");
    CHECK(k->s[k->len] == '\0', "key not NUL-terminated");
    CHECK(valid_utf8((const uint8_t *)k->s, k->len), "key is not UTF-8");
    CHECK(k->map[k->len] == len, "map[len] is not the source length");
    for (size_t i = 0; i < k->len; i++) {
        CHECK(k->map[i] <= k->map[i + 1], "map goes backwards");
        CHECK(k->map[i] <= len, "map outside the source");
        CHECK(boundary(src, len, k->map[i]), "map not on a character");
    }
}

/* Levels: the five public ones, then -1 for plain NFC. */
static int normalize_at(gla_key *k, gla_normalizer *n, int level, const char *s,
                        size_t len)
{
    if (level < 0)
        return gla_normalize_nfc(k, n, s, len);
    return gla_normalize(k, n, (gla_level)level, s, len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static gla_normalizer *n, *n2;
    static gla_tokenizer *t;
    static gla_tokens toks = GLA_TOKENS_INIT;
    if (!n && (gla_normalizer_new(&n) || gla_normalizer_new(&n2) ||
               gla_tokenizer_new(&t)))
        abort();
    const char *s = (const char *)data;
    int valid = valid_utf8(data, size);

    for (int level = -1; level <= GLA_K3; level++) {
        gla_key k;
        int rc = normalize_at(&k, n, level, s, size);
        if (!valid) {
            CHECK(rc == GLA_EUTF8, "invalid UTF-8 accepted");
            size_t bad = gla_normalizer_error_offset(n);
            CHECK(bad < size, "error offset outside the input");
            CHECK(valid_utf8(data, bad), "error offset after a bad byte");
            utf8proc_int32_t cp;
            CHECK(utf8proc_iterate(data + bad, (utf8proc_ssize_t)(size - bad),
                                   &cp) < 0,
                  "error offset on a good character");
            continue;
        }
        CHECK(rc == GLA_OK, "valid input refused");
        check_key(&k, data, size);
        gla_key k2;
        if (level == GLA_K2_COMPACT) {
            /* Not idempotent by design (re-reading glued words may apply
             * the i/y rule: "x y" -> "xy" -> "xi"); instead it is exactly
             * the K2 key without its spaces. */
            rc = gla_normalize(&k2, n2, GLA_K2, s, size);
            CHECK(rc == GLA_OK, "K2 refused");
            size_t w = 0;
            for (size_t i = 0; i < k2.len; i++) {
                if (k2.s[i] == ' ')
                    continue;
                CHECK(w < k.len && k.s[w] == k2.s[i] && k.map[w] == k2.map[i],
                      "compact is not K2 without spaces");
                w++;
            }
            CHECK(w == k.len, "compact is not K2 without spaces");
            continue;
        }
        /* Idempotence: the key of the key is the key. */
        rc = normalize_at(&k2, n2, level, k.s, k.len);
        CHECK(rc == GLA_OK, "key refused as input");
        if (k2.len != k.len || memcmp(k2.s, k.s, k.len) != 0) {
            fprintf(stderr, "level %d: \"%s\" -> \"%s\"\n", level, k.s, k2.s);
            CHECK(0, "not idempotent");
        }
    }

    int rc = gla_tokenize(&toks, t, s, size);
    if (!valid) {
        CHECK(rc == GLA_EUTF8, "tokenizer accepted invalid UTF-8");
        return 0;
    }
    CHECK(rc == GLA_OK, "tokenizer refused valid input");
    for (size_t i = 0; i < toks.n; i++) {
        const gla_token *tk = &toks.v[i];
        CHECK(tk->start < tk->end && tk->end <= size, "token span outside");
        CHECK(boundary(data, size, tk->start) && boundary(data, size, tk->end),
              "token span not on characters");
        CHECK(i == 0 || toks.v[i - 1].start <= tk->start,
              "tokens out of order");
        if (tk->flags & GLA_TOK_PART)
            CHECK(i > 0, "part without a compound");
        gla_key k;
        CHECK(gla_token_key(&k, n, GLA_K2, s, tk) == GLA_OK, "token key");
        check_key(&k, data + tk->start, tk->end - tk->start);
    }
    return 0;
}
