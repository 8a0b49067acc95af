/*
 * The fuzzy index behind misspelling look-ups: symmetric deletion (every
 * key stored under the hashes of its variants with up to two bytes
 * deleted; a query probes its own variants), so a look-up costs about
 * (L^2)/2 bucket reads plus the verification of what they return,
 * whatever the number of keys. Variant hashes come from prefix/suffix
 * polynomial hashes in O(1) each; postings are 6 bytes (key number, the
 * deletions that made the variant, a 16-bit fingerprint).
 */
#include "names/names_int.h"

#include <stdlib.h>
#include <string.h>

#define POLY_BASE 0x100000001b3ULL

static uint64_t mix64(uint64_t x)
{
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    x ^= x >> 31;
    return x;
}

/* The final hash of a string whose polynomial is `poly` and length `len`;
 * never 0, so 0 can mark empty slots. */
static uint64_t finish(uint64_t poly, size_t len)
{
    uint64_t h = mix64(poly ^ ((uint64_t)len * 0x9e3779b97f4a7c15ULL));
    return h ? h : 1;
}

uint64_t gla_nm_hash(const char *s, size_t len)
{
    uint64_t p = 0;
    for (size_t i = 0; i < len; i++)
        p = p * POLY_BASE + (unsigned char)s[i];
    return finish(p, len);
}

/* ---- bounded optimal string alignment distance ------------------------ */

#define OSA_STACK 128

int gla_nm_osa(const char *a, size_t alen, const char *b, size_t blen, int max)
{
    size_t diff = alen > blen ? alen - blen : blen - alen;
    if (diff > (size_t)max)
        return max + 1;
    if (alen == 0 || blen == 0)
        return (int)(alen + blen);
    int stack[3 * (OSA_STACK + 1)];
    int *buf = stack;
    if (blen > OSA_STACK) {
        buf = malloc(3 * (blen + 1) * sizeof *buf);
        if (!buf)
            return max + 1; /* treated as "too far": no false match */
    }
    int *pp = buf, *prev = buf + (blen + 1), *cur = buf + 2 * (blen + 1);
    for (size_t j = 0; j <= blen; j++)
        prev[j] = (int)j;
    int result;
    for (size_t i = 1; i <= alen; i++) {
        cur[0] = (int)i;
        int rowmin = cur[0];
        for (size_t j = 1; j <= blen; j++) {
            int cost = a[i - 1] == b[j - 1] ? 0 : 1;
            int v = prev[j - 1] + cost;
            if (prev[j] + 1 < v)
                v = prev[j] + 1;
            if (cur[j - 1] + 1 < v)
                v = cur[j - 1] + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
                a[i - 2] == b[j - 1] && pp[j - 2] + 1 < v)
                v = pp[j - 2] + 1;
            cur[j] = v;
            if (v < rowmin)
                rowmin = v;
        }
        if (rowmin > max) {
            result = max + 1;
            goto done;
        }
        int *t = pp;
        pp = prev;
        prev = cur;
        cur = t;
    }
    result = prev[blen] > max ? max + 1 : prev[blen];
done:
    if (buf != stack)
        free(buf);
    return result;
}

/* ---- variants ---------------------------------------------------------- */

size_t gla_fz_variant_count(size_t len, int maxd)
{
    size_t n = 1;
    if (maxd >= 1)
        n += len;
    if (maxd >= 2 && len >= 2)
        n += len * (len - 1) / 2;
    return n;
}

/* Effective deletions for a key: long keys get one, very long none. */
static int key_maxd(size_t len, int maxd)
{
    if (len > 4 * GLA_FZ_LONG)
        return 0;
    if (len > GLA_FZ_LONG && maxd > 1)
        return 1;
    return maxd;
}

typedef void (*variant_fn)(void *ctx, uint64_t h, int dels);

#define VAR_STACK 64

/* Call fn with the hash of every variant of s with mind to maxd
 * deletions. GLA_OK or GLA_ENOMEM. */
static int each_variant(const char *s, size_t n, int mind, int maxd,
                        variant_fn fn, void *ctx)
{
    uint64_t stack[3 * (VAR_STACK + 1)];
    uint64_t *buf = stack;
    if (n > VAR_STACK) {
        buf = malloc(3 * (n + 1) * sizeof *buf);
        if (!buf)
            return GLA_ENOMEM;
    }
    uint64_t *P = buf, *S = buf + (n + 1), *pw = buf + 2 * (n + 1);
    pw[0] = 1;
    P[0] = 0;
    for (size_t i = 0; i < n; i++) {
        pw[i + 1] = pw[i] * POLY_BASE;
        P[i + 1] = P[i] * POLY_BASE + (unsigned char)s[i];
    }
    S[n] = 0;
    for (size_t k = n; k-- > 0;)
        S[k] = (unsigned char)s[k] * pw[n - 1 - k] + S[k + 1];
    if (mind <= 0)
        fn(ctx, finish(P[n], n), 0);
    if (maxd >= 1 && mind <= 1) {
        for (size_t i = 0; i < n; i++)
            fn(ctx, finish(P[i] * pw[n - 1 - i] + S[i + 1], n - 1), 1);
    }
    if (maxd >= 2 && n >= 2) {
        for (size_t i = 0; i + 1 < n; i++) {
            uint64_t left = P[i] * pw[n - 2 - i];
            for (size_t k = i + 1; k < n; k++) {
                uint64_t mid = P[k] - P[i + 1] * pw[k - i - 1];
                fn(ctx, finish(left + mid * pw[n - 1 - k] + S[k + 1], n - 2),
                   2);
            }
        }
    }
    if (buf != stack)
        free(buf);
    return GLA_OK;
}

/* ---- the table ----------------------------------------------------------
 *
 * Postings grouped by bucket (the top bits of the variant hash) in one
 * array, with an offset per bucket: a probe reads one offset pair and one
 * short run of postings. Identical variants shared by thousands of keys
 * (two letters dropped from "nguyen van h...") sit in their own bucket
 * instead of lengthening every probe that passes by, as they would in an
 * open-addressing table. Built in two passes over the keys (count, then
 * place), each recomputing the O(1) variant hashes.
 */

#define FP_SHIFT 16 /* fingerprint: hash bits 16..31 */
#define ID_MASK 0x3fffffffu
#define MAX_KEYS ((size_t)ID_MASK)

/* Variants are handled in batches of several keys: their buckets are
 * prefetched together, so the random accesses of a build overlap. */
#define BATCH 4096

typedef struct batch {
    uint64_t h[BATCH];   /* variant hashes */
    uint32_t v[BATCH];   /* postings: key number | deletions << 30 */
    uint32_t pos[BATCH]; /* where each goes (placing pass) */
    size_t n;            /* gathered */
    uint32_t id;         /* key being gathered */
} batch;

static void batch_variant(void *vctx, uint64_t h, int dels)
{
    batch *b = vctx;
    b->h[b->n] = h;
    b->v[b->n++] = ((uint32_t)dels << 30) | b->id;
}

static void batch_flush(gla_fz *fz, batch *b, int place)
{
    for (size_t j = 0; j < b->n; j++)
        __builtin_prefetch(&fz->off[(b->h[j] >> fz->shift) + 1], 1);
    if (!place) {
        for (size_t j = 0; j < b->n; j++)
            fz->off[(b->h[j] >> fz->shift) + 1]++;
    } else {
        for (size_t j = 0; j < b->n; j++) {
            uint32_t pos = --fz->off[(b->h[j] >> fz->shift) + 1];
            b->pos[j] = pos;
            __builtin_prefetch(&fz->post[pos], 1);
            __builtin_prefetch(&fz->fp[pos], 1);
        }
        for (size_t j = 0; j < b->n; j++) {
            fz->post[b->pos[j]] = b->v[j];
            fz->fp[b->pos[j]] = (uint16_t)(b->h[j] >> FP_SHIFT);
        }
    }
    b->n = 0;
}

int gla_fz_build(gla_fz *fz, size_t n, gla_fz_key_fn key, void *ctx, int maxd)
{
    memset(fz, 0, sizeof *fz);
    fz->maxd = maxd;
    if (n > MAX_KEYS)
        return GLA_ENOMEM;
    size_t total = 0;
    for (size_t i = 0; i < n; i++) {
        size_t len;
        key(ctx, (uint32_t)i, &len);
        total += gla_fz_variant_count(len, key_maxd(len, maxd));
    }
    if (total >= (size_t)UINT32_MAX)
        return GLA_ENOMEM;
    /* About four postings per bucket. */
    int bits = 4;
    while (bits < 32 && ((size_t)1 << bits) < total / 4)
        bits++;
    fz->shift = 64 - bits;
    fz->n_buckets = (size_t)1 << bits;
    fz->off = calloc(fz->n_buckets + 1, sizeof *fz->off);
    fz->post = malloc((total ? total : 1) * sizeof *fz->post);
    fz->fp = malloc((total ? total : 1) * sizeof *fz->fp);
    if (!fz->off || !fz->post || !fz->fp) {
        gla_fz_dispose(fz);
        return GLA_ENOMEM;
    }
    batch *bt = malloc(sizeof *bt);
    if (!bt) {
        gla_fz_dispose(fz);
        return GLA_ENOMEM;
    }
    for (int place = 0; place < 2; place++) {
        bt->n = 0;
        for (size_t i = 0; i < n; i++) {
            size_t len;
            const char *k = key(ctx, (uint32_t)i, &len);
            int kd = key_maxd(len, maxd);
            if (bt->n + gla_fz_variant_count(len, kd) > BATCH)
                batch_flush(fz, bt, place);
            bt->id = (uint32_t)i;
            /* At most 1 + 160 variants past GLA_FZ_LONG, 821 below it:
             * a key always fits an empty batch. */
            if (each_variant(k, len, 0, kd, batch_variant, bt) != GLA_OK) {
                free(bt);
                gla_fz_dispose(fz);
                return GLA_ENOMEM;
            }
        }
        batch_flush(fz, bt, place);
        if (!place) {
            /* Counts to end offsets: off[b + 1] ends bucket b. Placing
             * walks it back to the bucket's start. */
            for (size_t b = 0; b < fz->n_buckets; b++)
                fz->off[b + 1] += fz->off[b];
            fz->used = fz->off[fz->n_buckets];
        }
    }
    free(bt);
    /* Now off[b + 1] starts bucket b: shift so that bucket b is
     * [off[b], off[b + 1]). */
    memmove(fz->off, fz->off + 1, fz->n_buckets * sizeof *fz->off);
    fz->off[fz->n_buckets] = (uint32_t)fz->used;
    return GLA_OK;
}

void gla_fz_dispose(gla_fz *fz)
{
    free(fz->off);
    free(fz->post);
    free(fz->fp);
    memset(fz, 0, sizeof *fz);
}

size_t gla_fz_bytes(const gla_fz *fz)
{
    return (fz->n_buckets + 1) * sizeof *fz->off +
           fz->used * (sizeof *fz->post + sizeof *fz->fp);
}

/* The variants of a query, gathered first so that their buckets can be
 * fetched from memory in parallel (prefetches) rather than one miss after
 * another. */
typedef struct gather_ctx {
    uint64_t *h;   /* hashes */
    uint8_t *dels; /* deletions of each */
    size_t n;      /* gathered */
} gather_ctx;

static void gather_variant(void *vctx, uint64_t h, int dels)
{
    gather_ctx *g = vctx;
    g->h[g->n] = h;
    g->dels[g->n++] = (uint8_t)dels;
}

#define GATHER_STACK 512

int gla_fz_query(const gla_fz *fz, const char *q, size_t len, int maxd,
                 gla_fz_fn fn, void *ctx)
{
    return gla_fz_query_stage(fz, q, len, 0, maxd, 0, maxd, fn, ctx);
}

int gla_fz_query_stage(const gla_fz *fz, const char *q, size_t len, int qmin,
                       int qmax, int kmin, int kmax, gla_fz_fn fn, void *ctx)
{
    if (!fz->off || fz->used == 0)
        return GLA_OK;
    int m = key_maxd(len, qmax);
    if (qmin > m)
        return GLA_OK;
    size_t cap = gla_fz_variant_count(len, m);
    uint64_t hs[GATHER_STACK];
    uint8_t ds[GATHER_STACK];
    gather_ctx g = {hs, ds, 0};
    if (cap > GATHER_STACK) {
        g.h = malloc(cap * sizeof *g.h);
        g.dels = malloc(cap);
        if (!g.h || !g.dels) {
            free(g.h);
            free(g.dels);
            return GLA_ENOMEM;
        }
    }
    int rc = each_variant(q, len, qmin, m, gather_variant, &g);
    for (size_t i = 0; rc == GLA_OK && i < g.n; i++)
        __builtin_prefetch(&fz->off[g.h[i] >> fz->shift]);
    for (size_t i = 0; rc == GLA_OK && i < g.n; i++) {
        uint32_t start = fz->off[g.h[i] >> fz->shift];
        __builtin_prefetch(&fz->fp[start]);
        __builtin_prefetch(&fz->post[start]);
    }
    int stop = 0;
    for (size_t i = 0; rc == GLA_OK && !stop && i < g.n; i++) {
        /* A variant met with dels deletions on the query side and kd on
         * the key side shows a distance of at least max(dels, kd), at
         * most their sum; the stage decides which kd it wants. */
        size_t bucket = (size_t)(g.h[i] >> fz->shift);
        uint16_t fp = (uint16_t)(g.h[i] >> FP_SHIFT);
        uint32_t end = fz->off[bucket + 1];
        for (uint32_t j = fz->off[bucket]; j < end; j++) {
            if (fz->fp[j] != fp)
                continue;
            int kd = (int)(fz->post[j] >> 30);
            if (kd < kmin || kd > kmax)
                continue;
            if (fn(ctx, fz->post[j] & ID_MASK)) {
                stop = 1;
                break;
            }
        }
    }
    if (g.h != hs) {
        free(g.h);
        free(g.dels);
    }
    return rc;
}
