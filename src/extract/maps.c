/*
 * The extract module's small containers: linear-probing hash maps keyed by
 * byte strings or 64-bit integers, stop-word lists and context snippets.
 * Sized for millions of distinct n-grams; nothing here is ever removed.
 */
#include "extract_int.h"

#include <glossalign/normalize.h>

#include <stdlib.h>
#include <string.h>

static uint64_t hash_bytes(const char *s, size_t n)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 0x100000001b3ull;
    }
    return h ^ (h >> 29);
}

char *gla_extract_dup(const char *s, size_t n)
{
    char *p = malloc(n + 1);
    if (p) {
        if (n)
            memcpy(p, s, n);
        p[n] = '\0';
    }
    return p;
}

char *gla_extract_surface(const char *s, size_t n)
{
    char *p = malloc(n + 1);
    if (!p)
        return NULL;
    size_t k = 0;
    int gap = 0;
    for (size_t i = 0; i < n; i++) {
        if ((unsigned char)s[i] <= 0x20) {
            gap = k > 0;
            continue;
        }
        if (gap)
            p[k++] = ' ';
        gap = 0;
        p[k++] = s[i];
    }
    p[k] = '\0';
    return p;
}

size_t gla_strmap_get(const gla_strmap *m, const char *k, size_t n)
{
    if (!m->cap)
        return SIZE_MAX;
    size_t mask = m->cap - 1;
    for (size_t i = hash_bytes(k, n) & mask;; i = (i + 1) & mask) {
        if (!m->keys[i])
            return SIZE_MAX;
        if (m->klen[i] == n && memcmp(m->keys[i], k, n) == 0)
            return m->vals[i];
    }
}

static int strmap_grow(gla_strmap *m)
{
    size_t cap = m->cap ? m->cap * 2 : 1024;
    char **keys = calloc(cap, sizeof *keys);
    size_t *klen = malloc(cap * sizeof *klen);
    size_t *vals = malloc(cap * sizeof *vals);
    if (!keys || !klen || !vals) {
        free(keys);
        free(klen);
        free(vals);
        return GLA_ENOMEM;
    }
    for (size_t i = 0; i < m->cap; i++) {
        if (!m->keys[i])
            continue;
        size_t j = hash_bytes(m->keys[i], m->klen[i]) & (cap - 1);
        while (keys[j])
            j = (j + 1) & (cap - 1);
        keys[j] = m->keys[i];
        klen[j] = m->klen[i];
        vals[j] = m->vals[i];
    }
    free(m->keys);
    free(m->klen);
    free(m->vals);
    m->keys = keys;
    m->klen = klen;
    m->vals = vals;
    m->cap = cap;
    return GLA_OK;
}

int gla_strmap_put(gla_strmap *m, const char *k, size_t n, size_t v)
{
    if ((m->n + 1) * 2 > m->cap && strmap_grow(m) != GLA_OK)
        return GLA_ENOMEM;
    size_t mask = m->cap - 1;
    size_t i = hash_bytes(k, n) & mask;
    for (; m->keys[i]; i = (i + 1) & mask)
        if (m->klen[i] == n && memcmp(m->keys[i], k, n) == 0) {
            m->vals[i] = v;
            return GLA_OK;
        }
    char *c = gla_extract_dup(k, n);
    if (!c)
        return GLA_ENOMEM;
    m->keys[i] = c;
    m->klen[i] = n;
    m->vals[i] = v;
    m->n++;
    return GLA_OK;
}

void gla_strmap_dispose(gla_strmap *m)
{
    for (size_t i = 0; i < m->cap; i++)
        free(m->keys[i]);
    free(m->keys);
    free(m->klen);
    free(m->vals);
    memset(m, 0, sizeof *m);
}

static size_t mix64(uint64_t k)
{
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdull;
    k ^= k >> 33;
    return (size_t)k;
}

int gla_u64map_add(gla_u64map *m, uint64_t k, size_t d)
{
    if ((m->n + 1) * 2 > m->cap) {
        size_t cap = m->cap ? m->cap * 2 : 1024;
        uint64_t *keys = calloc(cap, sizeof *keys);
        size_t *vals = malloc(cap * sizeof *vals);
        if (!keys || !vals) {
            free(keys);
            free(vals);
            return GLA_ENOMEM;
        }
        for (size_t i = 0; i < m->cap; i++) {
            if (!m->keys[i])
                continue;
            size_t j = mix64(m->keys[i]) & (cap - 1);
            while (keys[j])
                j = (j + 1) & (cap - 1);
            keys[j] = m->keys[i];
            vals[j] = m->vals[i];
        }
        free(m->keys);
        free(m->vals);
        m->keys = keys;
        m->vals = vals;
        m->cap = cap;
    }
    size_t mask = m->cap - 1;
    size_t i = mix64(k) & mask;
    while (m->keys[i] && m->keys[i] != k)
        i = (i + 1) & mask;
    if (!m->keys[i]) {
        m->keys[i] = k;
        m->vals[i] = 0;
        m->n++;
    }
    m->vals[i] += d;
    return GLA_OK;
}

size_t gla_u64map_get(const gla_u64map *m, uint64_t k)
{
    if (!m->cap)
        return 0;
    size_t mask = m->cap - 1;
    for (size_t i = mix64(k) & mask; m->keys[i]; i = (i + 1) & mask)
        if (m->keys[i] == k)
            return m->vals[i];
    return 0;
}

void gla_u64map_dispose(gla_u64map *m)
{
    free(m->keys);
    free(m->vals);
    memset(m, 0, sizeof *m);
}

/* K2 keys: no marks, lower case. */
static const char *const stop_fr[] = {
    "le", "la", "les", "l", "de", "des", "du", "d", "un", "une", "et", "a",
    "au", "aux", "en", "pour", "par", "sur", "dans", "avec", "ou", "ne",
    "pas", "que", "qui", "qu", "ce", "cette", "ces", "se", "sa", "son",
    "ses", "leur", "leurs", "il", "elle", "ils", "elles", "on", "nous",
    "vous", "est", "sont", "ont", "y", "plus", "tres", "entre", "lors",
    "comme", "mais", "donc", "s", "n", "c", "j", "m", "t", NULL};
static const char *const stop_en[] = {
    "the", "of", "and", "a", "an", "to", "in", "on", "at", "for", "by",
    "with", "from", "as", "is", "are", "was", "were", "be", "it", "its",
    "this", "that", "these", "those", "or", "not", "he", "she", "they",
    "we", "you", "his", "her", "their", "has", "have", "had", NULL};
/* Vietnamese: K1 keys, tones as digits (K2 would fold "rà" into "ra"). */
static const char *const stop_vi[] = {
    "cua3", "va2", "la2", "cac1", "nhưng4", "đươc5", "co1", "cho", "trong",
    "vơi1", "đa4", "se4", "nay2", "đo1", "môt5", "thi2", "ma2", "đê3", "khi",
    "tai5", "vê2", "tư2", "như", "cung4", "đang", "bi5", "ơ3", "ra", "vao2",
    "lên", "nhiêu2", "cung2", "đên1", "sau", "trên", "dươi1", NULL};

int gla_extract_stop_level(const char *lang)
{
    return lang && strncmp(lang, "vi", 2) == 0 ? GLA_K1 : GLA_K2;
}

int gla_extract_stopword(const char *lang, const char *k, size_t n)
{
    const char *const *l = stop_fr;
    if (lang && strncmp(lang, "en", 2) == 0)
        l = stop_en;
    else if (lang && strncmp(lang, "vi", 2) == 0)
        l = stop_vi;
    for (size_t i = 0; l[i]; i++)
        if (strlen(l[i]) == n && memcmp(l[i], k, n) == 0)
            return 1;
    return 0;
}

void gla_extract_context_span(const char *text, size_t len, size_t start,
                              size_t end, size_t *lo, size_t *hi)
{
    size_t a = start > 50 ? start - 50 : 0;
    size_t z = end + 50 < len ? end + 50 : len;
    while (a > 0 && a < start && ((unsigned char)text[a] & 0xC0) == 0x80)
        a++;
    while (z < len && z > end && ((unsigned char)text[z] & 0xC0) == 0x80)
        z--;
    *lo = a;
    *hi = z;
}
