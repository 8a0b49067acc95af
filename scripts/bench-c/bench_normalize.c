/*
 * Throughput of the normaliser itself: reads a file once, then builds the
 * key (with its map) of every line at one level, several times, and prints
 * the best MB/s. Output is never written, so this measures the library.
 */
#define _POSIX_C_SOURCE 200809L
#include <glossalign/normalize.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double clock_s(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: bench_normalize LEVEL FILE [RUNS]\n");
        return 2;
    }
    gla_level level;
    if (gla_level_parse(&level, argv[1]) != GLA_OK) {
        fprintf(stderr, "bench_normalize: unknown level '%s'\n", argv[1]);
        return 2;
    }
    int runs = argc > 3 ? atoi(argv[3]) : 3;
    FILE *f = fopen(argv[2], "rb");
    if (!f) {
        perror(argv[2]);
        return 1;
    }
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *text = malloc((size_t)size + 1);
    if (!text || fread(text, 1, (size_t)size, f) != (size_t)size) {
        fprintf(stderr, "bench_normalize: cannot read %s\n", argv[2]);
        return 1;
    }
    fclose(f);
    gla_normalizer *n;
    if (gla_normalizer_new(&n) != GLA_OK)
        return 1;
    double best = 1e30, best_cpu = 1e30;
    size_t out_bytes = 0, lines = 0;
    for (int r = 0; r < runs; r++) {
        out_bytes = lines = 0;
        double t0 = clock_s(CLOCK_MONOTONIC);
        double c0 = clock_s(CLOCK_PROCESS_CPUTIME_ID);
        const char *p = text, *end = text + size;
        while (p < end) {
            const char *nl = memchr(p, '\n', (size_t)(end - p));
            size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
            gla_key k;
            if (gla_normalize(&k, n, level, p, len) != GLA_OK) {
                fprintf(stderr, "bench_normalize: %s\n",
                        gla_normalizer_errmsg(n));
                return 1;
            }
            out_bytes += k.len + k.map[k.len] / 4096; /* use the map too */
            lines++;
            p += len + 1;
        }
        double t = clock_s(CLOCK_MONOTONIC) - t0;
        double c = clock_s(CLOCK_PROCESS_CPUTIME_ID) - c0;
        if (t < best)
            best = t;
        if (c < best_cpu)
            best_cpu = c;
    }
    /* Wall clock first (what the goal is about); CPU time second, which a
     * busy shared machine disturbs less. */
    printf("%.1f MB/s (%s with offsets, %.1f MB, %zu lines, best of %d: "
           "%.3f s wall; %.1f MB/s by CPU time; %zu key bytes)\n",
           (double)size / 1e6 / best, gla_level_name(level), (double)size / 1e6,
           lines, runs, best, (double)size / 1e6 / best_cpu, out_bytes);
    gla_normalizer_free(n);
    free(text);
    return 0;
}
