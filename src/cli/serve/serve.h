/*
 * glossalign serve: the web server behind `glossalign serve`, split from
 * the command (src/cli/cmd_serve.c) so the command file stays a thin
 * option parser. server.c owns the HTTP side (threads, limits, security,
 * static page); api.c answers the JSON API over the public library.
 */
#ifndef GLA_SERVE_H
#define GLA_SERVE_H

#include <stddef.h>

/* What `glossalign serve` was asked for. */
typedef struct serve_config {
    const char *db_path; /* the glossary file (never NULL) */
    const char *bind;    /* numeric address or "localhost" */
    unsigned port;       /* TCP port; 0 picks a free one */
    const char *token;   /* --token, or NULL to make one for this run */
    int read_only;       /* refuse every write */
    unsigned threads;    /* worker threads; 0 = one per CPU */
    size_t max_body;     /* largest request body accepted, bytes */
} serve_config;

/* Serve until SIGINT or SIGTERM. Returns a CLI_* exit code after printing
 * what went wrong. */
int serve_run(const serve_config *cfg);

#endif
