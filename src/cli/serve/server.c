/*
 * The HTTP side of glossalign serve on libmicrohttpd: a pool of threads,
 * request bodies bounded and collected, the security checks (Host, token,
 * Origin, content type) made before any body is read, the page and its
 * assets served from memory, and a clean stop on SIGINT/SIGTERM.
 */
#define _POSIX_C_SOURCE 200809L
#if defined(__linux__)
#define _GNU_SOURCE /* sched_getaffinity(), CPU_COUNT() */
#endif

#include "serve_assets.h"
#include "serve_int.h"

#include "cli.h"

#include <arpa/inet.h>
#include <errno.h>
#include <jansson.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

/* Per-request state kept between the calls MHD makes for one request. */
typedef struct conn_state {
    gla_buf body; /* request body so far */
    int too_big;  /* the body went past max_body: drop the rest */
    int answered; /* a response was queued on the first call */
} conn_state;

/* Largest query string (all arguments together) and one argument. */
#define MAX_QUERY_TOTAL 8192
#define MAX_QUERY_ARG 4096

int serve_utf8_ok(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < len) {
        unsigned c = p[i];
        size_t n;
        unsigned min;
        if (c == 0)
            return 0;
        if (c < 0x80) {
            i++;
            continue;
        } else if ((c & 0xe0) == 0xc0) {
            n = 1, min = 0x80, c &= 0x1f;
        } else if ((c & 0xf0) == 0xe0) {
            n = 2, min = 0x800, c &= 0x0f;
        } else if ((c & 0xf8) == 0xf0) {
            n = 3, min = 0x10000, c &= 0x07;
        } else {
            return 0;
        }
        if (len - i <= n)
            return 0;
        for (size_t k = 1; k <= n; k++) {
            if ((p[i + k] & 0xc0) != 0x80)
                return 0;
            c = (c << 6) | (p[i + k] & 0x3f);
        }
        if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
            return 0;
        i += n + 1;
    }
    return 1;
}

void serve_error(serve_resp *out, int status, const char *code, const char *fmt,
                 ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    /* Messages quote user input: keep them valid UTF-8 for the JSON. */
    if (!serve_utf8_ok(msg, strlen(msg)))
        snprintf(msg, sizeof msg, "%s (details not shown: not UTF-8)", code);
    json_t *o = json_pack("{s:s, s:s, s:i}", "error", code, "message", msg,
                          "status", status);
    free(out->data);
    out->data = o ? json_dumps(o, JSON_COMPACT) : NULL;
    json_decref(o);
    out->len = out->data ? strlen(out->data) : 0;
    out->status = status;
    out->type = "application/json; charset=utf-8";
    out->filename[0] = '\0';
}

const char *serve_arg(const serve_req *r, const char *name)
{
    return MHD_lookup_connection_value((struct MHD_Connection *)r->conn,
                                       MHD_GET_ARGUMENT_KIND, name);
}

static void common_headers(struct MHD_Response *resp)
{
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(resp, "X-Frame-Options", "DENY");
}

/* Queue `r` (its data becomes MHD's) on `c`. */
static enum MHD_Result send_resp(struct MHD_Connection *c, serve_resp *r)
{
    if (!r->data) {
        r->data = strdup("{\"error\":\"internal\",\"message\":\"out of "
                         "memory\",\"status\":500}");
        r->len = r->data ? strlen(r->data) : 0;
        r->status = 500;
        r->type = "application/json; charset=utf-8";
        if (!r->data)
            return MHD_NO;
    }
    struct MHD_Response *resp =
        MHD_create_response_from_buffer(r->len, r->data, MHD_RESPMEM_MUST_FREE);
    if (!resp) {
        free(r->data);
        r->data = NULL;
        return MHD_NO;
    }
    r->data = NULL;
    MHD_add_response_header(resp, "Content-Type", r->type);
    MHD_add_response_header(resp, "Cache-Control", "no-store");
    common_headers(resp);
    if (r->filename[0]) {
        char disp[128];
        snprintf(disp, sizeof disp, "attachment; filename=\"%s\"", r->filename);
        MHD_add_response_header(resp, "Content-Disposition", disp);
    }
    enum MHD_Result ok = MHD_queue_response(c, (unsigned)r->status, resp);
    MHD_destroy_response(resp);
    return ok;
}

static enum MHD_Result send_error(struct MHD_Connection *c, int status,
                                  const char *code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

static enum MHD_Result send_error(struct MHD_Connection *c, int status,
                                  const char *code, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    serve_resp r;
    memset(&r, 0, sizeof r);
    serve_error(&r, status, code, "%s", msg);
    return send_resp(c, &r);
}

static enum MHD_Result send_static(struct MHD_Connection *c, const void *data,
                                   size_t len, const char *type, int page)
{
    struct MHD_Response *resp = MHD_create_response_from_buffer(
        len, (void *)(uintptr_t)data, MHD_RESPMEM_PERSISTENT);
    if (!resp)
        return MHD_NO;
    MHD_add_response_header(resp, "Content-Type", type);
    MHD_add_response_header(resp, "Cache-Control", "no-cache");
    common_headers(resp);
    if (page)
        MHD_add_response_header(
            resp, "Content-Security-Policy",
            "default-src 'none'; script-src 'self'; style-src 'self'; "
            "connect-src 'self'; img-src 'self' data:; form-action 'self'; "
            "base-uri 'none'; frame-ancestors 'none'");
    enum MHD_Result ok = MHD_queue_response(c, MHD_HTTP_OK, resp);
    MHD_destroy_response(resp);
    return ok;
}

/* Compare without leaking where the first difference is. */
static int token_equal(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    unsigned char d = (unsigned char)(la != lb);
    for (size_t i = 0; i < la; i++)
        d |= (unsigned char)(a[i] ^ b[i % (lb ? lb : 1)]);
    return d == 0 && lb > 0;
}

static const char *header(struct MHD_Connection *c, const char *name)
{
    return MHD_lookup_connection_value(c, MHD_HEADER_KIND, name);
}

/* Requests that change the glossary (everything but reads and the POSTs
 * that only compute). */
static int is_write(const char *method, const char *url)
{
    if (strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0)
        return 0;
    if (strcmp(method, "POST") == 0 &&
        (strcmp(url, "/api/annotate") == 0 ||
         strcmp(url, "/api/resolve") == 0 || strcmp(url, "/api/lookup") == 0 ||
         strcmp(url, "/api/check") == 0))
        return 0;
    return 1;
}

typedef struct qcount {
    size_t total;   /* bytes of every argument */
    size_t longest; /* the longest value */
    int bad_utf8;   /* an argument that is not UTF-8 */
} qcount;

static enum MHD_Result count_arg(void *cls, enum MHD_ValueKind kind,
                                 const char *key, const char *value)
{
    (void)kind;
    qcount *q = cls;
    size_t kl = strlen(key), vl = value ? strlen(value) : 0;
    q->total += kl + vl + 2;
    if (vl > q->longest)
        q->longest = vl;
    if (!serve_utf8_ok(key, kl) || (value && !serve_utf8_ok(value, vl)))
        q->bad_utf8 = 1;
    return MHD_YES;
}

/* The checks made before any body is read. MHD_YES with *done = 0 lets the
 * request go on. */
static enum MHD_Result first_checks(serve_server *srv, struct MHD_Connection *c,
                                    const char *url, const char *method,
                                    int *done)
{
    *done = 1;
    const serve_config *cfg = srv->cfg;
    const char *host = header(c, "Host");
    if (srv->n_hosts && host) {
        int ok = 0;
        for (size_t i = 0; i < srv->n_hosts; i++)
            ok |= strcasecmp(host, srv->hosts[i]) == 0;
        if (!ok)
            return send_error(c, 403, "bad_host",
                              "this server answers to http://%s/ only "
                              "(Host was '%.100s')",
                              srv->hosts[0], host);
    }
    qcount q = {0, 0, 0};
    MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, count_arg, &q);
    if (q.total > MAX_QUERY_TOTAL || q.longest > MAX_QUERY_ARG)
        return send_error(c, 400, "query_too_long",
                          "the query string is %zu bytes; at most %d in all "
                          "and %d per argument",
                          q.total, MAX_QUERY_TOTAL, MAX_QUERY_ARG);
    if (q.bad_utf8)
        return send_error(c, 400, "bad_utf8",
                          "a query argument is not valid UTF-8 (or holds a "
                          "NUL byte)");
    int api = strncmp(url, "/api/", 5) == 0;
    int write = api && is_write(method, url);
    int has_body = strcmp(method, "POST") == 0 || strcmp(method, "PUT") == 0 ||
                   strcmp(method, "PATCH") == 0;
    if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0) {
        /* A browser always sends Origin on these: it must be this page. */
        const char *origin = header(c, "Origin");
        const char *site = header(c, "Sec-Fetch-Site");
        if (origin) {
            char want[160];
            snprintf(want, sizeof want, "http://%s", host ? host : "");
            if (!host || strcasecmp(origin, want) != 0)
                return send_error(c, 403, "bad_origin",
                                  "requests from '%.100s' are refused: only "
                                  "this server's own page may send them",
                                  origin);
        }
        if (site && strcmp(site, "same-origin") != 0 &&
            strcmp(site, "none") != 0)
            return send_error(c, 403, "bad_origin",
                              "cross-site requests are refused "
                              "(Sec-Fetch-Site: %.40s)",
                              site);
    }
    if (api && (write || !srv->loopback)) {
        const char *auth = header(c, "Authorization");
        const char *tok = header(c, "X-Glossalign-Token");
        if (auth && strncasecmp(auth, "Bearer ", 7) == 0)
            tok = auth + 7;
        if (!tok)
            return send_error(c, 401, "token_required",
                              "%s needs the server's token: send "
                              "'Authorization: Bearer TOKEN'",
                              write ? "a change to the glossary"
                                    : "this server (not on loopback)");
        if (!token_equal(tok, srv->token))
            return send_error(c, 401, "bad_token",
                              "the token sent is not this server's token");
    }
    if (write && cfg->read_only)
        return send_error(c, 403, "read_only",
                          "the server was started with --read-only: the "
                          "glossary cannot be changed");
    if (has_body) {
        const char *ct = header(c, "Content-Type");
        if (api && (!ct || strncasecmp(ct, "application/json", 16) != 0))
            return send_error(c, 415, "bad_content_type",
                              "send the body as JSON with 'Content-Type: "
                              "application/json' (got '%.60s')",
                              ct ? ct : "none");
        const char *cl = header(c, "Content-Length");
        if (cl) {
            char *end = NULL;
            errno = 0;
            unsigned long long n = strtoull(cl, &end, 10);
            if (errno || end == cl || n > cfg->max_body)
                return send_error(c, 413, "too_large",
                                  "the request body is %.30s bytes; at most "
                                  "%zu are accepted",
                                  cl, cfg->max_body);
        }
    }
    *done = 0;
    return MHD_YES;
}

static enum MHD_Result serve_static(serve_server *srv, struct MHD_Connection *c,
                                    const char *url, const char *method)
{
    int get = strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;
    if (strcmp(url, "/") == 0 || strcmp(url, "/index.html") == 0) {
        if (!get)
            return send_error(c, 405, "bad_method",
                              "%s / is not allowed; "
                              "use GET",
                              method);
        return send_static(c, srv->page, srv->page_len,
                           "text/html; charset=utf-8", 1);
    }
    for (size_t i = 0; i < serve_n_assets; i++) {
        if (strcmp(url, serve_assets[i].path) != 0 ||
            strcmp(url, "/assets/index.html") == 0)
            continue;
        if (!get)
            return send_error(c, 405, "bad_method",
                              "%s %s is not allowed; use GET", method, url);
        return send_static(c, serve_assets[i].data, serve_assets[i].len,
                           serve_assets[i].type, 0);
    }
    return send_error(c, 404, "not_found",
                      "no such page: '%.200s' (the API is under /api/, see "
                      "docs/API.md)",
                      url);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c,
                                  const char *url, const char *method,
                                  const char *version, const char *upload,
                                  size_t *upload_size, void **con_cls)
{
    (void)version;
    serve_server *srv = cls;
    conn_state *st = *con_cls;
    if (!st) {
        st = calloc(1, sizeof *st);
        if (!st)
            return MHD_NO;
        *con_cls = st;
        int done = 0;
        enum MHD_Result r = first_checks(srv, c, url, method, &done);
        if (done)
            st->answered = 1;
        return r;
    }
    if (st->answered) {
        *upload_size = 0;
        return MHD_YES;
    }
    if (*upload_size) {
        if (!st->too_big) {
            if (st->body.len + *upload_size > srv->cfg->max_body ||
                gla_buf_put(&st->body, upload, *upload_size) != GLA_OK) {
                st->too_big = 1;
                gla_buf_dispose(&st->body);
            }
        }
        *upload_size = 0;
        return MHD_YES;
    }
    st->answered = 1;
    if (st->too_big)
        return send_error(c, 413, "too_large",
                          "the request body is larger than %zu bytes",
                          srv->cfg->max_body);
    if (strncmp(url, "/api/", 5) != 0)
        return serve_static(srv, c, url, method);
    serve_req rq;
    rq.conn = c;
    rq.method = method;
    rq.path = url;
    rq.body = st->body.data ? st->body.data : "";
    rq.body_len = st->body.len;
    rq.author = header(c, "X-Author");
    serve_resp out;
    memset(&out, 0, sizeof out);
    serve_api(&out, srv, &rq);
    return send_resp(c, &out);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void)cls;
    (void)c;
    (void)toe;
    conn_state *st = *con_cls;
    if (st) {
        gla_buf_dispose(&st->body);
        free(st);
        *con_cls = NULL;
    }
}

static int make_token(char *out, size_t cap)
{
    unsigned char raw[24];
    FILE *f = fopen("/dev/urandom", "rb");
    if (!f)
        return -1;
    size_t n = fread(raw, 1, sizeof raw, f);
    fclose(f);
    if (n != sizeof raw || cap < 2 * sizeof raw + 1)
        return -1;
    for (size_t i = 0; i < sizeof raw; i++)
        snprintf(out + 2 * i, 3, "%02x", raw[i]);
    return 0;
}

/* index.html with the token of this run filled in (or left empty). */
static int make_page(serve_server *srv)
{
    const serve_asset *a = NULL;
    for (size_t i = 0; i < serve_n_assets; i++)
        if (strcmp(serve_assets[i].path, "/assets/index.html") == 0)
            a = &serve_assets[i];
    if (!a)
        return -1;
    static const char mark[] = "@@GLA_TOKEN@@";
    const char *tok = srv->token_generated ? srv->token : "";
    gla_buf b = GLA_BUF_INIT;
    const char *p = (const char *)a->data, *end = p + a->len;
    while (p < end) {
        const char *m = strstr(p, mark);
        if (!m || m >= end) {
            gla_buf_put(&b, p, (size_t)(end - p));
            break;
        }
        gla_buf_put(&b, p, (size_t)(m - p));
        gla_buf_puts(&b, tok);
        p = m + sizeof mark - 1;
    }
    if (!b.data)
        return -1;
    srv->page = b.data;
    srv->page_len = b.len;
    return 0;
}

/* The CPUs this process may run on (taskset, cgroup cpusets), not the
 * machine's: more polling threads than that only take turns on the same
 * cores, and a request waits for its thread's turn. */
static unsigned usable_cpus(void)
{
#if defined(__linux__)
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof set, &set) == 0) {
        int n = CPU_COUNT(&set);
        if (n > 0)
            return n < 64 ? (unsigned)n : 64;
    }
#endif
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 && n < 64 ? (unsigned)n : 2;
}

int serve_run(const serve_config *cfg)
{
    struct sockaddr_in sa4;
    struct sockaddr_in6 sa6;
    struct sockaddr *sa;
    int v6 = 0;
    memset(&sa4, 0, sizeof sa4);
    memset(&sa6, 0, sizeof sa6);
    const char *bind =
        strcmp(cfg->bind, "localhost") == 0 ? "127.0.0.1" : cfg->bind;
    serve_server srv;
    memset(&srv, 0, sizeof srv);
    srv.cfg = cfg;
    if (inet_pton(AF_INET, bind, &sa4.sin_addr) == 1) {
        sa4.sin_family = AF_INET;
        sa4.sin_port = htons((uint16_t)cfg->port);
        sa = (struct sockaddr *)&sa4;
        srv.loopback = (ntohl(sa4.sin_addr.s_addr) >> 24) == 127;
    } else if (inet_pton(AF_INET6, bind, &sa6.sin6_addr) == 1) {
        sa6.sin6_family = AF_INET6;
        sa6.sin6_port = htons((uint16_t)cfg->port);
        sa = (struct sockaddr *)&sa6;
        v6 = 1;
        srv.loopback = IN6_IS_ADDR_LOOPBACK(&sa6.sin6_addr);
    } else {
        return cli_usage_error("serve",
                               "--bind: '%s' is not a numeric IPv4 or IPv6 "
                               "address (or localhost)",
                               cfg->bind);
    }
    if (!srv.loopback && !cfg->token)
        return cli_usage_error("serve",
                               "--bind %s is not a loopback address: other "
                               "machines could reach the glossary, so "
                               "--token is required",
                               cfg->bind);
    if (cfg->token) {
        snprintf(srv.token, sizeof srv.token, "%s", cfg->token);
    } else {
        if (make_token(srv.token, sizeof srv.token) != 0) {
            cli_error("cannot read /dev/urandom to make a token: %s",
                      strerror(errno));
            return CLI_IO;
        }
        srv.token_generated = 1;
    }
    atomic_init(&srv.generation, 1u);
    atomic_init(&srv.stamp, 0ull);
    pthread_mutex_init(&srv.lock, NULL);
    pthread_rwlock_init(&srv.prefix_lock, NULL);
    if (make_page(&srv) != 0) {
        cli_error("out of memory");
        pthread_mutex_destroy(&srv.lock);
        serve_prefix_free(&srv);
        pthread_rwlock_destroy(&srv.prefix_lock);
        return CLI_IO;
    }
    if (serve_api_check(&srv) != 0) {
        serve_workers_free(&srv);
        free(srv.page);
        pthread_mutex_destroy(&srv.lock);
        serve_prefix_free(&srv);
        pthread_rwlock_destroy(&srv.prefix_lock);
        return CLI_DB;
    }

    /* The signals are taken by sigwait() below, so every thread MHD
     * starts inherits a mask that blocks them. */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    struct sigaction ign;
    memset(&ign, 0, sizeof ign);
    ign.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &ign, NULL);

    unsigned threads = cfg->threads ? cfg->threads : usable_cpus();
    unsigned flags =
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO | MHD_USE_TURBO;
    if (v6)
        flags |= MHD_USE_IPv6;
    struct MHD_Daemon *d = MHD_start_daemon(
        flags, (uint16_t)cfg->port, NULL, NULL, on_request, &srv,
        MHD_OPTION_SOCK_ADDR, sa, MHD_OPTION_THREAD_POOL_SIZE, threads,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned)1024,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)30,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(32 * 1024),
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, &srv, MHD_OPTION_END);
    if (!d) {
        cli_error("cannot listen on %s port %u: %s (is the port taken? try "
                  "--port 0 for a free one)",
                  cfg->bind, cfg->port, strerror(errno));
        serve_workers_free(&srv);
        free(srv.page);
        pthread_mutex_destroy(&srv.lock);
        serve_prefix_free(&srv);
        pthread_rwlock_destroy(&srv.prefix_lock);
        return CLI_IO;
    }
    const union MHD_DaemonInfo *info =
        MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    srv.port = info ? info->port : cfg->port;
    char hostport[80];
    if (v6)
        snprintf(hostport, sizeof hostport, "[%s]:%u", bind, srv.port);
    else
        snprintf(hostport, sizeof hostport, "%s:%u", bind, srv.port);
    if (srv.loopback) {
        /* A page on another site that points a name at 127.0.0.1 (DNS
         * rebinding) sends its own Host: refuse anything else. */
        snprintf(srv.hosts[srv.n_hosts++], sizeof srv.hosts[0], "%s", hostport);
        snprintf(srv.hosts[srv.n_hosts++], sizeof srv.hosts[0], "localhost:%u",
                 srv.port);
        if (strcmp(bind, "127.0.0.1") != 0)
            snprintf(srv.hosts[srv.n_hosts++], sizeof srv.hosts[0],
                     "127.0.0.1:%u", srv.port);
        if (!v6)
            snprintf(srv.hosts[srv.n_hosts++], sizeof srv.hosts[0], "[::1]:%u",
                     srv.port);
    }
    printf("listening on http://%s/\n", hostport);
    fflush(stdout);
    fprintf(stderr,
            "glossalign: note: serving %s%s with %u thread%s; Ctrl-C stops\n",
            cfg->db_path, cfg->read_only ? " (read-only)" : "", threads,
            threads == 1 ? "" : "s");

    int sig = 0;
    while (sigwait(&stop, &sig) != 0)
        ;
    fprintf(stderr, "glossalign: note: %s: finishing open requests\n",
            sig == SIGINT ? "interrupted" : "terminated");
    MHD_stop_daemon(d);
    serve_workers_free(&srv);
    free(srv.page);
    pthread_mutex_destroy(&srv.lock);
    serve_prefix_free(&srv);
    pthread_rwlock_destroy(&srv.prefix_lock);
    return cli_finish(CLI_OK);
}
