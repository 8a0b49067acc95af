/*
 * What server.c (HTTP, security, threads) and api.c (the JSON API over the
 * library) share: the server state, one request as the API sees it, and
 * the response it hands back. Only server.c talks to libmicrohttpd.
 */
#ifndef GLA_SERVE_INT_H
#define GLA_SERVE_INT_H

#include "serve.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>

typedef struct serve_worker serve_worker;

/* The running server, shared by every worker thread. */
typedef struct serve_server {
    const serve_config *cfg;      /* options */
    char token[260];              /* the secret API clients send */
    int token_generated;          /* made for this run: the page gets it */
    int loopback;                 /* bound to a loopback address */
    unsigned port;                /* the port actually bound */
    char hosts[4][96];            /* Host header values accepted */
    size_t n_hosts;               /* 0: any Host (non-loopback bind) */
    atomic_uint generation;       /* bumped by every write: caches reload */
    atomic_ullong stamp;          /* glossary version stamp last seen */
    pthread_mutex_t lock;         /* guards `workers` */
    serve_worker *workers;        /* every thread's state, for cleanup */
    pthread_rwlock_t prefix_lock; /* guards the prefix index below */
    struct serve_prefix *prefix;  /* term keys for search-as-you-type */
    char *page;                   /* index.html with the token filled in */
    size_t page_len;              /* its length */
} serve_server;

/* One API request, body complete. */
typedef struct serve_req {
    void *conn;         /* the MHD connection (for serve_arg) */
    const char *method; /* "GET", "POST", ... */
    const char *path;   /* URL path, "/api/..." */
    const char *body;   /* request body (NUL-terminated), or "" */
    size_t body_len;    /* its length */
    const char *author; /* X-Author header, or NULL */
} serve_req;

/* What the API answers; `data` is malloc'd and becomes the server's. */
typedef struct serve_resp {
    int status;        /* HTTP status */
    char *data;        /* body bytes */
    size_t len;        /* body length */
    const char *type;  /* Content-Type (static) */
    char filename[64]; /* when set: a download with this name */
} serve_resp;

/* A query-string argument of `r`, or NULL when absent. */
const char *serve_arg(const serve_req *r, const char *name);

/* Fill `out` with a JSON error {"error": code, "message": ...}. */
void serve_error(serve_resp *out, int status, const char *code, const char *fmt,
                 ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

/* 1 when `s` (`len` bytes) is valid UTF-8 without NUL bytes. */
int serve_utf8_ok(const char *s, size_t len);

/* Answer one /api/ request into `out`. */
void serve_api(serve_resp *out, serve_server *srv, const serve_req *r);

/* Open this thread's glossary once to check that it works (at start-up).
 * 0, or -1 after printing why. */
int serve_api_check(serve_server *srv);

/* Free the prefix index (after the daemon has stopped). */
void serve_prefix_free(serve_server *srv);

/* Free every worker's state after the daemon has stopped. */
void serve_workers_free(serve_server *srv);

#endif
