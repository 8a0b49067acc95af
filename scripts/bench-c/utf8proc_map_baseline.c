/*
 * The baseline the normaliser is measured against: utf8proc_map() with
 * STABLE|COMPOSE|CASEFOLD|STRIPMARK on every line (a fresh allocation per
 * line, no offsets), best of several runs, in MB/s.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <utf8proc.h>

static double clock_s(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: utf8proc_map_baseline FILE [RUNS]\n");
        return 2;
    }
    int runs = argc > 2 ? atoi(argv[2]) : 3;
    FILE *f = fopen(argv[1], "rb");
    if (!f) {
        perror(argv[1]);
        return 1;
    }
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *text = malloc((size_t)size + 1);
    if (!text || fread(text, 1, (size_t)size, f) != (size_t)size)
        return 1;
    fclose(f);
    double best = 1e30, best_cpu = 1e30;
    size_t out_bytes = 0;
    for (int r = 0; r < runs; r++) {
        out_bytes = 0;
        double t0 = clock_s(CLOCK_MONOTONIC);
        double c0 = clock_s(CLOCK_PROCESS_CPUTIME_ID);
        const char *p = text, *end = text + size;
        while (p < end) {
            const char *nl = memchr(p, '\n', (size_t)(end - p));
            size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
            utf8proc_uint8_t *out = NULL;
            utf8proc_ssize_t r2 = utf8proc_map(
                (const utf8proc_uint8_t *)p, (utf8proc_ssize_t)len, &out,
                UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD |
                    UTF8PROC_STRIPMARK);
            if (r2 < 0) {
                fprintf(stderr, "utf8proc_map: %s\n", utf8proc_errmsg(r2));
                return 1;
            }
            out_bytes += (size_t)r2;
            free(out);
            p += len + 1;
        }
        double t = clock_s(CLOCK_MONOTONIC) - t0;
        double c = clock_s(CLOCK_PROCESS_CPUTIME_ID) - c0;
        if (t < best)
            best = t;
        if (c < best_cpu)
            best_cpu = c;
    }
    printf("%.1f MB/s (utf8proc_map per line, best of %d: %.3f s wall; "
           "%.1f MB/s by CPU time; %zu bytes out)\n",
           (double)size / 1e6 / best, runs, best, (double)size / 1e6 / best_cpu,
           out_bytes);
    free(text);
    return 0;
}
