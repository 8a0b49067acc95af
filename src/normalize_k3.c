/*
 * K3, the transliteration key: ordered rewrite rules on each ASCII word of a
 * K2 key, so French, English and German spellings of one Russian name meet
 * (Khrouchtchev, Khrushchev). Every rule shortens or keeps a word, so the
 * rewrite happens in place, and the rules run until nothing changes, which
 * makes K3 idempotent.
 */
#include "normalize_int.h"

#include <string.h>

/* Longest ASCII word the rules rewrite. */
#define K3_MAX_WORD 64

typedef struct word {
    char *w;     /* the word's bytes, rewritten in place */
    uint32_t *m; /* their source offsets */
    size_t n;    /* current length */
    int changed; /* a rule fired in this pass */
} word;

static int is_vowel(char c)
{
    return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' || c == 'y';
}

static int is_cons(char c)
{
    return c >= 'a' && c <= 'z' && !is_vowel(c);
}

/* Replace w[pos, pos + mlen) by rep (no longer than mlen). Replacement
 * byte k takes the offset of matched byte min(k, mlen - 1), which keeps the
 * map non-decreasing. */
static void replace(word *x, size_t pos, size_t mlen, const char *rep)
{
    size_t rl = strlen(rep);
    for (size_t k = 0; k < rl; k++) {
        x->w[pos + k] = rep[k];
        x->m[pos + k] = x->m[pos + (k < mlen ? k : mlen - 1)];
    }
    size_t tail = x->n - pos - mlen;
    memmove(x->w + pos + rl, x->w + pos + mlen, tail);
    memmove(x->m + pos + rl, x->m + pos + mlen, tail * sizeof *x->m);
    x->n -= mlen - rl;
    x->changed = 1;
}

static int ends_with(const word *x, const char *suf)
{
    size_t l = strlen(suf);
    return x->n >= l && memcmp(x->w + x->n - l, suf, l) == 0;
}

/* Whether pat occurs at pos; compared byte by byte, so most positions are
 * settled by their first byte. */
static inline int at(const word *x, size_t pos, const char *pat)
{
    for (size_t k = 0; pat[k]; k++)
        if (pos + k >= x->n || x->w[pos + k] != pat[k])
            return 0;
    return 1;
}

static void one_pass(word *x)
{
    /* final ff -> v (Smirnoff) */
    if (x->n >= 3 && ends_with(x, "ff"))
        replace(x, x->n - 2, 2, "v");
    /* consonant + final ine -> in (Poutine, Prigojine) */
    if (x->n >= 4 && ends_with(x, "ine") && is_cons(x->w[x->n - 4]))
        replace(x, x->n - 3, 3, "in");
    /* consonant + final iy / ii / ij -> i (Russian -ий: Dmitriy, -skiy) */
    if (x->n >= 3 && x->w[x->n - 2] == 'i' &&
        (x->w[x->n - 1] == 'y' || x->w[x->n - 1] == 'i' ||
         x->w[x->n - 1] == 'j') &&
        is_cons(x->w[x->n - 3]))
        replace(x, x->n - 2, 2, "i");
    /* final sky -> ski */
    if (x->n >= 4 && ends_with(x, "sky"))
        replace(x, x->n - 3, 3, "ski");
    /* tsk -> sk (-цкий: Stavitski, Staviskiy) */
    for (size_t p = 0; p < x->n; p++)
        if (at(x, p, "tsk"))
            replace(x, p, 3, "sk");
    /* initial ye -> e (Yevgeny, Evgueni) */
    if (x->n >= 3 && x->w[0] == 'y' && x->w[1] == 'e')
        replace(x, 0, 2, "e");
    /* chtch | shch | tch | sch | ch | sh -> c */
    static const char *const hush[] = {"chtch", "shch", "tch", "sch",
                                       "ch",    "sh",   NULL};
    for (size_t p = 0; p < x->n; p++) {
        /* every pattern starts with c, s or t */
        char c = x->w[p];
        if (c != 'c' && c != 's' && c != 't')
            continue;
        for (const char *const *h = hush; *h; h++)
            if (at(x, p, *h)) {
                replace(x, p, strlen(*h), "c");
                break;
            }
    }
    /* zh -> j */
    for (size_t p = 0; p < x->n; p++)
        if (at(x, p, "zh"))
            replace(x, p, 2, "j");
    /* gu before e, i, y -> g (Sergueï) */
    for (size_t p = 0; p + 2 < x->n; p++)
        if (at(x, p, "gu") &&
            (x->w[p + 2] == 'e' || x->w[p + 2] == 'i' || x->w[p + 2] == 'y'))
            replace(x, p, 2, "g");
    /* ou -> u; back one step after each, so "oou" settles in one pass */
    for (size_t p = 0; p < x->n;) {
        if (at(x, p, "ou")) {
            replace(x, p, 2, "u");
            p = p ? p - 1 : 0;
        } else {
            p++;
        }
    }
    /* y after a vowel -> i (Andrey, Sergey) */
    for (size_t p = 1; p < x->n; p++)
        if (x->w[p] == 'y' && is_vowel(x->w[p - 1]) && x->w[p - 1] != 'y') {
            x->w[p] = 'i';
            x->changed = 1;
        }
    /* vowel + ie -> vowel + e (Sergueïevitch, Sergeyevich) */
    for (size_t p = 1; p + 1 < x->n;) {
        if (x->w[p] == 'i' && x->w[p + 1] == 'e' && is_vowel(x->w[p - 1])) {
            replace(x, p, 2, "e");
            p = p > 1 ? p - 1 : 1;
        } else {
            p++;
        }
    }
    /* double consonant -> single (Beloussov) */
    for (size_t p = 0; p + 1 < x->n;) {
        if (x->w[p] == x->w[p + 1] && is_cons(x->w[p])) {
            char one[2] = {x->w[p], '\0'};
            replace(x, p, 2, one);
        } else {
            p++;
        }
    }
    /* the K2 i/y rule again, for words the rules above made (shy -> cy) */
    if (x->n >= 2 && x->w[x->n - 1] == 'y' && gla_vn_iy_rule(x->w, x->n)) {
        x->w[x->n - 1] = 'i';
        x->changed = 1;
    }
}

/* Whether some rule of one_pass() could fire on the word: a cheap
 * superset of every rule's trigger (a y anywhere; one of the pairs ch, sh,
 * zh, ts, gu, ou, ie; a doubled letter; a final ine or ij). When it says
 * no, one_pass() would leave the word as it is, so the rewrite stops
 * without running the rules. */
static int may_fire(const char *w, size_t n)
{
    for (size_t p = 0; p < n; p++) {
        char c = w[p];
        if (c == 'y')
            return 1;
        if (p + 1 < n) {
            char d = w[p + 1];
            if (c == d || (d == 'h' && (c == 'c' || c == 's' || c == 'z')) ||
                (c == 't' && d == 's') || (c == 'g' && d == 'u') ||
                (c == 'o' && d == 'u') || (c == 'i' && d == 'e'))
                return 1;
        }
    }
    if (n >= 4 && memcmp(w + n - 3, "ine", 3) == 0)
        return 1;
    return n >= 3 && w[n - 2] == 'i' && w[n - 1] == 'j';
}

static size_t rewrite_word(char *w, uint32_t *m, size_t n)
{
    /* Every rule that fires shortens the word or turns a y into i, so
     * this loop ends; the bound only guards against a slip in a rule. */
    word x = {w, m, n, 0};
    for (size_t pass = 0; pass < 2 * n + 2; pass++) {
        if (!may_fire(x.w, x.n))
            break;
        x.changed = 0;
        one_pass(&x);
        if (!x.changed)
            break;
    }
    return x.n;
}

size_t gla_k3_rewrite(char *key, uint32_t *map, size_t len)
{
    size_t r = 0, w = 0;
    while (r < len) {
        char c = key[r];
        if (c < 'a' || c > 'z') {
            key[w] = c;
            map[w++] = map[r++];
            continue;
        }
        size_t e = r;
        while (e < len && key[e] >= 'a' && key[e] <= 'z')
            e++;
        size_t n = e - r;
        if (w != r) {
            memmove(key + w, key + r, n);
            memmove(map + w, map + r, n * sizeof *map);
        }
        /* Names are short; a longer run of letters is no name, and would
         * cost quadratic time, so it stays as K2 wrote it. */
        w += n <= K3_MAX_WORD ? rewrite_word(key + w, map + w, n) : n;
        r = e;
    }
    return w;
}
