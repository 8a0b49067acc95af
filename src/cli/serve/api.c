/*
 * The JSON API of glossalign serve: each route reads its arguments, calls
 * the public library and writes JSON through jansson. Every worker thread
 * keeps its own glossary connection, name resolver and matchers (none of
 * them may be shared between threads), rebuilt lazily after any write.
 */
#define _POSIX_C_SOURCE 200809L

#include "serve_int.h"

#include "cli.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_MATCHERS 4
#define MAX_QUERY 512 /* bytes of a lookup or resolve query */

/* A concept's JSON, written once and copied into every answer that shows
 * it; slots are found by open addressing on the id. */
typedef struct ecache_slot {
    int64_t id; /* the concept */
    char *json; /* its JSON text (NULL: the slot is free) */
    size_t len; /* its length */
} ecache_slot;

/* One worker thread's handles; reached through tl_worker. */
struct serve_worker {
    serve_worker *next; /* in serve_server.workers */
    gla_db *db;         /* this thread's connection */
    unsigned gen;       /* server generation the caches are of */
    gla_names *names;   /* name resolver, built on first use */
    struct {
        char lang[16];    /* source language */
        gla_matcher *m;   /* its matcher */
    } mt[MAX_MATCHERS];   /* matchers, built on first use */
    size_t n_mt;          /* matchers in use */
    gla_normalizer *norm; /* for query keys */
    time_t stamp_at;      /* when the file's stamp was last checked */
    ecache_slot *ecache;  /* concepts' JSON by id, or NULL */
    size_t n_ecache;      /* entries cached */
};

/* Slots of the entry cache: a power of two; emptied when half full. */
#define ECACHE_SLOTS 8192u

/* Every term's K2 key, sorted, for search-as-you-type: shared by the
 * workers, rebuilt by the first one to notice a write. */
typedef struct prefix_key {
    char *key;     /* K2 key of the term */
    int64_t entry; /* its concept */
} prefix_key;

struct serve_prefix {
    unsigned gen;  /* server generation it was built at */
    prefix_key *v; /* keys, sorted by byte order */
    size_t n;      /* number of keys */
};

static _Thread_local serve_worker *tl_worker;

static void ecache_clear(serve_worker *w)
{
    if (w->ecache && w->n_ecache)
        for (size_t i = 0; i < ECACHE_SLOTS; i++) {
            free(w->ecache[i].json);
            w->ecache[i].json = NULL;
        }
    w->n_ecache = 0;
}

static void worker_drop_caches(serve_worker *w)
{
    ecache_clear(w);
    gla_names_free(w->names);
    w->names = NULL;
    for (size_t i = 0; i < w->n_mt; i++)
        gla_matcher_free(w->mt[i].m);
    w->n_mt = 0;
}

void serve_workers_free(serve_server *srv)
{
    pthread_mutex_lock(&srv->lock);
    serve_worker *w = srv->workers;
    srv->workers = NULL;
    pthread_mutex_unlock(&srv->lock);
    while (w) {
        serve_worker *next = w->next;
        worker_drop_caches(w);
        gla_normalizer_free(w->norm);
        free(w->ecache);
        gla_db_close(w->db);
        free(w);
        w = next;
    }
    tl_worker = NULL;
}

/* This thread's worker, its connection open and its caches current; NULL
 * after filling `out` with the error. */
static serve_worker *worker(serve_server *srv, serve_resp *out)
{
    serve_worker *w = tl_worker;
    if (!w) {
        w = calloc(1, sizeof *w);
        if (!w) {
            serve_error(out, 500, "internal", "out of memory");
            return NULL;
        }
        int rc = gla_db_open(&w->db, srv->cfg->db_path,
                             srv->cfg->read_only ? GLA_DB_READONLY : 0);
        if (rc != GLA_OK) {
            serve_error(out, 500, "database", "cannot open the glossary %s: %s",
                        srv->cfg->db_path,
                        w->db ? gla_db_errmsg(w->db) : gla_strerror(rc));
            gla_db_close(w->db);
            free(w);
            return NULL;
        }
        if (gla_normalizer_new(&w->norm) != GLA_OK) {
            serve_error(out, 500, "internal", "out of memory");
            gla_db_close(w->db);
            free(w);
            return NULL;
        }
        w->gen = atomic_load(&srv->generation);
        pthread_mutex_lock(&srv->lock);
        w->next = srv->workers;
        srv->workers = w;
        pthread_mutex_unlock(&srv->lock);
        tl_worker = w;
    }
    /* Another process may change the file too: look at its version stamp
     * at most once a second, and make every cache reload when it moved. */
    time_t now = time(NULL);
    if (now != w->stamp_at) {
        uint64_t stamp = 0;
        w->stamp_at = now;
        unsigned long long seen = atomic_load(&srv->stamp);
        if (gla_matcher_db_stamp(&stamp, w->db) == GLA_OK && stamp != seen &&
            atomic_compare_exchange_strong(&srv->stamp, &seen, stamp) && seen)
            atomic_fetch_add(&srv->generation, 1u);
    }
    unsigned g = atomic_load(&srv->generation);
    if (g != w->gen) {
        worker_drop_caches(w);
        w->gen = g;
    }
    return w;
}

int serve_api_check(serve_server *srv)
{
    serve_resp r;
    memset(&r, 0, sizeof r);
    if (worker(srv, &r))
        return 0;
    json_t *j = r.data ? json_loads(r.data, 0, NULL) : NULL;
    const char *msg =
        j ? json_string_value(json_object_get(j, "message")) : NULL;
    cli_error("%s", msg ? msg : "cannot open the glossary");
    json_decref(j);
    free(r.data);
    return -1;
}

/* ---- JSON helpers -------------------------------------------------------- */

static json_t *jstr(const char *s)
{
    if (!s)
        return json_null();
    json_t *j = json_string(s);
    return j ? j : json_null();
}

static json_t *jstrn(const char *s, size_t n)
{
    json_t *j = json_stringn(s, n);
    return j ? j : json_null();
}

static void send_json(serve_resp *out, int status, json_t *j)
{
    free(out->data);
    out->data = j ? json_dumps(j, JSON_COMPACT | JSON_REAL_PRECISION(6)) : NULL;
    json_decref(j);
    if (!out->data) {
        serve_error(out, 500, "internal", "out of memory");
        return;
    }
    out->len = strlen(out->data);
    out->status = status;
    out->type = "application/json; charset=utf-8";
}

/* A library failure as an HTTP error, with the store's detail. */
static void db_fail(serve_resp *out, serve_worker *w, int rc, const char *what)
{
    const char *detail = w && w->db ? gla_db_errmsg(w->db) : "";
    if (!detail || !*detail)
        detail = gla_strerror(rc);
    switch (rc) {
    case GLA_ENOTFOUND:
        serve_error(out, 404, "not_found", "%s: %s", what, detail);
        break;
    case GLA_EEXISTS:
        serve_error(out, 409, "exists", "%s: %s", what, detail);
        break;
    case GLA_EINVAL:
    case GLA_EUTF8:
    case GLA_EPARSE:
        serve_error(out, 400, "invalid", "%s: %s", what, detail);
        break;
    default:
        serve_error(out, 500, rc == GLA_EDB ? "database" : "internal", "%s: %s",
                    what, detail);
    }
}

static json_t *term_json(const gla_term *t)
{
    return json_pack("{s:I, s:o, s:o, s:s, s:s, s:o, s:s, s:o, s:o}", "id",
                     (json_int_t)t->id, "lang", jstr(t->lang), "text",
                     jstr(t->text), "status", gla_status_name(t->status),
                     "type", gla_type_name(t->type), "pos", jstr(t->pos),
                     "case", gla_case_name(t->case_mode), "note", jstr(t->note),
                     "source", jstr(t->source));
}

static json_t *entry_json(const gla_entry *e)
{
    json_t *terms = json_array();
    for (size_t i = 0; i < e->n_terms; i++)
        json_array_append_new(terms, term_json(&e->terms[i]));
    return json_pack("{s:I, s:o, s:s, s:o, s:o, s:o, s:b, s:I, s:I, s:o}", "id",
                     (json_int_t)e->id, "ref", jstr(e->ref), "kind",
                     gla_kind_name(e->kind), "subject", jstr(e->subject),
                     "definition", jstr(e->definition), "note", jstr(e->note),
                     "homonym", e->homonym != 0, "created",
                     (json_int_t)e->created, "updated", (json_int_t)e->updated,
                     "terms", terms);
}

/* A string member: absent leaves *field alone, null clears it. */
static int set_field(char **field, json_t *o, const char *key, char *err,
                     size_t cap)
{
    json_t *v = json_object_get(o, key);
    if (!v)
        return 0;
    if (json_is_null(v))
        return gla_entry_set_str(field, NULL, 0) == GLA_OK ? 0 : -1;
    if (!json_is_string(v)) {
        snprintf(err, cap, "'%s' must be a string or null", key);
        return -1;
    }
    if (memchr(json_string_value(v), 0, json_string_length(v))) {
        snprintf(err, cap, "'%s' holds a NUL character", key);
        return -1;
    }
    if (gla_entry_set_str(field, json_string_value(v), json_string_length(v)) !=
        GLA_OK) {
        snprintf(err, cap, "out of memory");
        return -1;
    }
    return 0;
}

static int check_keys(json_t *o, const char *const *allowed, const char *what,
                      char *err, size_t cap)
{
    const char *key;
    json_t *v;
    json_object_foreach(o, key, v)
    {
        int ok = 0;
        for (size_t i = 0; allowed[i]; i++)
            ok |= strcmp(key, allowed[i]) == 0;
        if (!ok) {
            snprintf(err, cap, "unknown field '%.60s' in %s", key, what);
            return -1;
        }
    }
    return 0;
}

/* Parse an enum-valued string member with `parse`. */
static int set_enum(int *out, json_t *o, const char *key,
                    int (*parse)(void *, const char *, size_t), char *err,
                    size_t cap)
{
    json_t *v = json_object_get(o, key);
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_string(v) ||
        parse(out, json_string_value(v), json_string_length(v)) != GLA_OK) {
        snprintf(err, cap, "'%s': '%.60s' is not a known value", key,
                 json_is_string(v) ? json_string_value(v) : "(not a string)");
        return -1;
    }
    return 0;
}

static int p_kind(void *o, const char *s, size_t n)
{
    gla_kind k;
    int rc = gla_kind_parse(&k, s, n);
    *(int *)o = (int)k;
    return rc;
}
static int p_status(void *o, const char *s, size_t n)
{
    gla_status k;
    int rc = gla_status_parse(&k, s, n);
    *(int *)o = (int)k;
    return rc;
}
static int p_type(void *o, const char *s, size_t n)
{
    gla_term_type k;
    int rc = gla_type_parse(&k, s, n);
    *(int *)o = (int)k;
    return rc;
}
static int p_case(void *o, const char *s, size_t n)
{
    gla_case k = GLA_CASE_DEFAULT;
    int rc = n ? gla_case_parse(&k, s, n) : GLA_OK;
    *(int *)o = (int)k;
    return rc;
}

/* Fill `e` (zeroed) from a JSON concept. */
static int entry_from_json(gla_entry *e, json_t *j, char *err, size_t cap)
{
    static const char *const ekeys[] = {
        "id",      "ref",   "kind",    "subject", "definition", "note",
        "homonym", "terms", "created", "updated", "author",     NULL};
    static const char *const tkeys[] = {"id",  "lang", "text", "status", "type",
                                        "pos", "case", "note", "source", NULL};
    if (!json_is_object(j)) {
        snprintf(err, cap, "the body must be a JSON object (a concept)");
        return -1;
    }
    if (check_keys(j, ekeys, "the concept", err, cap) != 0)
        return -1;
    int kind = (int)GLA_KIND_TERM;
    if (set_field(&e->ref, j, "ref", err, cap) ||
        set_field(&e->subject, j, "subject", err, cap) ||
        set_field(&e->definition, j, "definition", err, cap) ||
        set_field(&e->note, j, "note", err, cap) ||
        set_enum(&kind, j, "kind", p_kind, err, cap))
        return -1;
    e->kind = (gla_kind)kind;
    json_t *h = json_object_get(j, "homonym");
    if (h && !json_is_boolean(h) && !json_is_null(h)) {
        snprintf(err, cap, "'homonym' must be true or false");
        return -1;
    }
    e->homonym = h && json_is_true(h);
    json_t *terms = json_object_get(j, "terms");
    if (!json_is_array(terms) || json_array_size(terms) == 0) {
        snprintf(err, cap, "'terms' must be an array of at least one term");
        return -1;
    }
    size_t i;
    json_t *tj;
    json_array_foreach(terms, i, tj)
    {
        char where[48];
        snprintf(where, sizeof where, "terms[%zu]", i);
        if (!json_is_object(tj)) {
            snprintf(err, cap, "%s must be an object", where);
            return -1;
        }
        if (check_keys(tj, tkeys, where, err, cap) != 0)
            return -1;
        gla_term t;
        memset(&t, 0, sizeof t);
        int st = (int)GLA_STATUS_ADMITTED, ty = (int)GLA_TYPE_FULL_FORM,
            cs = (int)GLA_CASE_DEFAULT;
        char sub[200];
        int bad = set_field(&t.lang, tj, "lang", sub, sizeof sub) ||
                  set_field(&t.text, tj, "text", sub, sizeof sub) ||
                  set_field(&t.pos, tj, "pos", sub, sizeof sub) ||
                  set_field(&t.note, tj, "note", sub, sizeof sub) ||
                  set_field(&t.source, tj, "source", sub, sizeof sub) ||
                  set_enum(&st, tj, "status", p_status, sub, sizeof sub) ||
                  set_enum(&ty, tj, "type", p_type, sub, sizeof sub) ||
                  set_enum(&cs, tj, "case", p_case, sub, sizeof sub);
        json_t *id = json_object_get(tj, "id");
        if (!bad && id && !json_is_null(id) && !json_is_integer(id)) {
            snprintf(sub, sizeof sub, "'id' must be an integer");
            bad = 1;
        }
        if (!bad && (!t.lang || !*t.lang || !t.text || !*t.text)) {
            snprintf(sub, sizeof sub, "'lang' and 'text' are required");
            bad = 1;
        }
        if (!bad) {
            t.id = id && json_is_integer(id) ? json_integer_value(id) : 0;
            t.status = (gla_status)st;
            t.type = (gla_term_type)ty;
            t.case_mode = (gla_case)cs;
            if (gla_entry_add_term(e, &t) != GLA_OK) {
                snprintf(sub, sizeof sub, "out of memory");
                bad = 1;
            }
        }
        free(t.lang);
        free(t.text);
        free(t.pos);
        free(t.note);
        free(t.source);
        if (bad) {
            snprintf(err, cap, "%s: %s", where, sub);
            return -1;
        }
    }
    return 0;
}

/* The whole body as a JSON value, or NULL after an error response. */
static json_t *body_json(serve_resp *out, const serve_req *r)
{
    if (r->body_len == 0) {
        serve_error(out, 400, "bad_json", "the request needs a JSON body");
        return NULL;
    }
    json_error_t je;
    json_t *j = json_loadb(r->body, r->body_len, JSON_REJECT_DUPLICATES, &je);
    if (!j) {
        int utf8 = json_error_code(&je) == json_error_invalid_utf8;
        serve_error(out, 400, utf8 ? "bad_utf8" : "bad_json",
                    "the body is not valid JSON: %s at byte %d (line %d, "
                    "column %d)",
                    je.text, je.position, je.line, je.column);
        return NULL;
    }
    return j;
}

/* A short text argument: present, UTF-8 (checked by server.c), bounded. */
static const char *text_arg(serve_resp *out, const serve_req *r,
                            const char *name, int required, size_t max)
{
    const char *v = serve_arg(r, name);
    if (!v || !*v) {
        if (required)
            serve_error(out, 400, "missing_argument",
                        "the query argument '%s' is required", name);
        return NULL;
    }
    if (strlen(v) > max) {
        serve_error(out, 400, "argument_too_long",
                    "'%s' is %zu bytes; at most %zu are accepted", name,
                    strlen(v), max);
        return NULL;
    }
    return v;
}

static int uint_arg(serve_resp *out, const serve_req *r, const char *name,
                    long *val, long max)
{
    const char *v = serve_arg(r, name);
    if (!v)
        return 0;
    char *end = NULL;
    long n = strtol(v, &end, 10);
    if (!*v || *end || n < 0 || n > max) {
        serve_error(out, 400, "bad_argument",
                    "'%s' must be a whole number from 0 to %ld", name, max);
        return -1;
    }
    *val = n;
    return 0;
}

/* Language tags: letters, digits and '-', 1..15 bytes. */
static int lang_ok(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 15)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
              (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
            return 0;
    return 1;
}

/* ---- Routes ---------------------------------------------------------------
 */

static void api_config(serve_resp *out, serve_server *srv)
{
    const char *base = strrchr(srv->cfg->db_path, '/');
    json_t *j = json_pack("{s:s, s:s, s:b, s:b, s:I}", "version", gla_version(),
                          "glossary", base ? base + 1 : srv->cfg->db_path,
                          "read_only", srv->cfg->read_only != 0,
                          "token_in_page", srv->token_generated != 0,
                          "max_body", (json_int_t)srv->cfg->max_body);
    send_json(out, 200, j);
}

static const char *match_name(gla_level level)
{
    switch (level) {
    case GLA_K1: return "exact";
    case GLA_K2: return "diacritics";
    case GLA_K2_COMPACT: return "spacing";
    case GLA_K3: return "transliteration";
    default: return "?";
    }
}

/* The concept `id` as JSON text, from this worker's cache when it is
 * there. *out stays valid until the next call (which may empty the
 * cache). GLA_OK or the store's code. */
static int entry_text_cached(const char **out, size_t *out_len, serve_worker *w,
                             int64_t id)
{
    size_t mask = ECACHE_SLOTS - 1;
    size_t h = (size_t)((uint64_t)id * 0x9e3779b97f4a7c15u >> 32) & mask;
    if (w->ecache) {
        for (size_t i = h; w->ecache[i].json; i = (i + 1) & mask)
            if (w->ecache[i].id == id) {
                *out = w->ecache[i].json;
                *out_len = w->ecache[i].len;
                return GLA_OK;
            }
    }
    gla_entry *e = NULL;
    int rc = gla_db_entry_get(&e, w->db, id);
    if (rc != GLA_OK)
        return rc;
    json_t *j = entry_json(e);
    gla_entry_free(e);
    char *text =
        j ? json_dumps(j, JSON_COMPACT | JSON_REAL_PRECISION(6)) : NULL;
    json_decref(j);
    if (!text)
        return GLA_ENOMEM;
    if (!w->ecache)
        w->ecache = calloc(ECACHE_SLOTS, sizeof *w->ecache);
    if (!w->ecache) {
        free(text);
        return GLA_ENOMEM;
    }
    if (w->n_ecache >= ECACHE_SLOTS / 2)
        ecache_clear(w);
    size_t i = h;
    while (w->ecache[i].json)
        i = (i + 1) & mask;
    w->ecache[i].id = id;
    w->ecache[i].json = text;
    w->ecache[i].len = strlen(text);
    w->n_ecache++;
    *out = text;
    *out_len = w->ecache[i].len;
    return GLA_OK;
}

static void prefix_free(struct serve_prefix *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->n; i++)
        free(p->v[i].key);
    free(p->v);
    free(p);
}

void serve_prefix_free(serve_server *srv)
{
    prefix_free(srv->prefix);
    srv->prefix = NULL;
}

static int cmp_prefix_key(const void *a, const void *b)
{
    const prefix_key *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    return c ? c : (x->entry > y->entry) - (x->entry < y->entry);
}

/* Build the index from `w`'s connection. GLA_OK or a library code. */
static int prefix_build(struct serve_prefix **out, serve_worker *w,
                        unsigned gen)
{
    struct serve_prefix *p = calloc(1, sizeof *p);
    if (!p)
        return GLA_ENOMEM;
    p->gen = gen;
    size_t cap = 0;
    gla_db_iter *it = NULL;
    gla_buf key = GLA_BUF_INIT;
    int rc = gla_db_iter_new(&it, w->db, GLA_DB_ORDER_ID);
    gla_entry *e = NULL;
    while (rc == GLA_OK && (rc = gla_db_iter_next(&e, it)) == GLA_OK) {
        for (size_t i = 0; i < e->n_terms && rc == GLA_OK; i++) {
            gla_buf_clear(&key);
            const char *t = e->terms[i].text;
            if (gla_normalize_to_buf(&key, w->norm, GLA_K2, t, strlen(t)) !=
                    GLA_OK ||
                !key.len)
                continue;
            if (p->n == cap) {
                size_t nc = cap ? 2 * cap : 1024;
                prefix_key *nv = realloc(p->v, nc * sizeof *nv);
                if (!nv) {
                    rc = GLA_ENOMEM;
                    break;
                }
                p->v = nv;
                cap = nc;
            }
            p->v[p->n].key = strdup(key.data);
            if (!p->v[p->n].key) {
                rc = GLA_ENOMEM;
                break;
            }
            p->v[p->n++].entry = e->id;
        }
        gla_entry_free(e);
        e = NULL;
    }
    gla_db_iter_free(it);
    gla_buf_dispose(&key);
    if (rc != GLA_ITEROVER) {
        prefix_free(p);
        return rc == GLA_OK ? GLA_EINTERNAL : rc;
    }
    if (p->n)
        qsort(p->v, p->n, sizeof *p->v, cmp_prefix_key);
    *out = p;
    return GLA_OK;
}

/* Up to `max` concepts (not in `skip`) with a term whose K2 key starts
 * with `q`'s, in key order, into ids. The index is rebuilt first when a
 * write made it stale. Returns how many, or -1 after an error response. */
static long prefix_search(serve_resp *out, serve_server *srv, serve_worker *w,
                          const char *q, int64_t *ids, size_t max)
{
    gla_buf qk = GLA_BUF_INIT;
    if (gla_normalize_to_buf(&qk, w->norm, GLA_K2, q, strlen(q)) != GLA_OK) {
        gla_buf_dispose(&qk);
        serve_error(out, 400, "bad_utf8", "the query is not UTF-8");
        return -1;
    }
    unsigned gen = atomic_load(&srv->generation);
    pthread_rwlock_rdlock(&srv->prefix_lock);
    while (!srv->prefix || srv->prefix->gen != gen) {
        pthread_rwlock_unlock(&srv->prefix_lock);
        pthread_rwlock_wrlock(&srv->prefix_lock);
        if (!srv->prefix || srv->prefix->gen != gen) {
            struct serve_prefix *p = NULL;
            int rc = prefix_build(&p, w, gen);
            if (rc != GLA_OK) {
                pthread_rwlock_unlock(&srv->prefix_lock);
                gla_buf_dispose(&qk);
                db_fail(out, w, rc, "search index");
                return -1;
            }
            prefix_free(srv->prefix);
            srv->prefix = p;
        }
        pthread_rwlock_unlock(&srv->prefix_lock);
        pthread_rwlock_rdlock(&srv->prefix_lock);
    }
    const struct serve_prefix *p = srv->prefix;
    size_t lo = 0, hi = p->n, n = 0;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(p->v[mid].key, qk.data ? qk.data : "") < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (size_t i = lo; i < p->n && n < max; i++) {
        if (qk.len && strncmp(p->v[i].key, qk.data, qk.len) != 0)
            break;
        int seen = 0;
        for (size_t k = 0; k < n && !seen; k++)
            seen = ids[k] == p->v[i].entry;
        if (!seen)
            ids[n++] = p->v[i].entry;
    }
    pthread_rwlock_unlock(&srv->prefix_lock);
    gla_buf_dispose(&qk);
    return (long)n;
}

static void api_resolve(serve_resp *out, serve_server *srv, const serve_req *r)
{
    const char *q = text_arg(out, r, "q", 1, MAX_QUERY);
    if (!q)
        return;
    long limit = 10;
    if (uint_arg(out, r, "limit", &limit, 50) != 0)
        return;
    serve_worker *w = worker(srv, out);
    if (!w)
        return;
    if (!w->names) {
        gla_buf err = GLA_BUF_INIT;
        int rc = gla_names_load(&w->names, w->db, NULL, &err);
        if (rc != GLA_OK) {
            serve_error(out, 500, "database", "cannot load names: %s",
                        err.len ? err.data : gla_db_errmsg(w->db));
            gla_buf_dispose(&err);
            return;
        }
        gla_buf_dispose(&err);
    }
    gla_name_matches *m = NULL;
    int rc = gla_names_resolve(&m, w->names, q, strlen(q), (size_t)limit);
    if (rc == GLA_EINVAL || rc == GLA_EUTF8) {
        serve_error(out, 400, "invalid", "cannot resolve '%s': %s", q,
                    gla_names_errmsg(w->names));
        return;
    }
    if (rc != GLA_OK) {
        serve_error(out, 500, "internal", "%s", gla_strerror(rc));
        return;
    }
    json_t *cands = json_array();
    gla_buf why = GLA_BUF_INIT;
    for (size_t i = 0; i < m->n; i++) {
        const gla_name_cand *c = &m->cands[i];
        gla_buf_clear(&why);
        gla_name_reasons(&why, c);
        json_array_append_new(
            cands,
            json_pack("{s:s, s:I, s:s, s:o, s:o, s:o, s:o, s:f, s:s, s:i}",
                      "entry", c->ref, "entry_id", (json_int_t)c->entry_id,
                      "kind", gla_kind_name(c->kind), "vi", jstr(c->vi), "fr",
                      jstr(c->fr), "en", jstr(c->en), "matched",
                      jstr(c->matched), "score", c->score, "reasons",
                      why.data ? why.data : "", "distance", c->distance));
    }
    gla_buf_dispose(&why);
    json_t *j = json_pack("{s:s, s:o, s:s, s:o}", "query", q, "key",
                          jstr(m->key), "status",
                          gla_name_status_name(m->status), "candidates", cands);
    gla_name_matches_free(m);
    send_json(out, 200, j);
}

/* This worker's matcher for source language `lang`, compiled (or mapped
 * from the cache) on first use; `keep` is one the caller holds, never
 * evicted to make room. */
static gla_matcher *matcher_for(serve_resp *out, serve_server *srv,
                                serve_worker *w, const char *lang,
                                const gla_matcher *keep)
{
    for (size_t i = 0; i < w->n_mt; i++)
        if (strcmp(w->mt[i].lang, lang) == 0)
            return w->mt[i].m;
    if (w->n_mt == MAX_MATCHERS) {
        size_t victim = w->mt[0].m == keep ? 1 : 0;
        gla_matcher_free(w->mt[victim].m);
        w->mt[victim] = w->mt[MAX_MATCHERS - 1];
        w->n_mt--;
    }
    gla_matcher_options mo = GLA_MATCHER_OPTIONS_INIT;
    mo.source_lang = lang;
    gla_matcher *m = NULL;
    /* The cache file holds one language, the French matcher that
     * `glossalign annotate` maps too: other languages (the target side of
     * a check) are compiled in memory rather than overwrite it. */
    const char *cache = strcmp(lang, "fr") == 0 ? srv->cfg->db_path : NULL;
    int rc = gla_matcher_open(&m, w->db, cache, &mo);
    if (rc != GLA_OK) {
        serve_error(out, 500, "database", "cannot compile the glossary: %s",
                    m ? gla_matcher_errmsg(m) : "out of memory");
        gla_matcher_free(m);
        return NULL;
    }
    snprintf(w->mt[w->n_mt].lang, sizeof w->mt[0].lang, "%s", lang);
    w->mt[w->n_mt++].m = m;
    return m;
}

/* UTF-16 code units in s[from, to): what JavaScript string offsets count. */
static size_t u16_units(const char *s, size_t from, size_t to)
{
    size_t n = 0;
    for (size_t i = from; i < to; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c & 0xc0) != 0x80)
            n += c >= 0xf0 ? 2 : 1;
    }
    return n;
}

static const char *text_member(json_t *j, const char *key, size_t *len)
{
    json_t *v = json_object_get(j, key);
    if (!json_is_string(v))
        return NULL;
    if (len)
        *len = json_string_length(v);
    return json_string_value(v);
}

/* ---- JSON written directly (large answers) ------------------------------ */

typedef struct jb {
    gla_buf b;  /* the text so far */
    int failed; /* an append ran out of memory */
} jb;

static void jb_put(jb *o, const char *s, size_t n)
{
    if (gla_buf_put(&o->b, s, n) != GLA_OK)
        o->failed = 1;
}

static void jb_puts(jb *o, const char *s)
{
    jb_put(o, s, strlen(s));
}

static void jb_printf(jb *o, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

static void jb_printf(jb *o, const char *fmt, ...)
{
    char tmp[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof tmp)
        o->failed = 1;
    else
        jb_put(o, tmp, (size_t)n);
}

/* `n` bytes of UTF-8 as a JSON string. */
static void jb_str(jb *o, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    size_t run = 0;
    jb_put(o, "\"", 1);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        jb_put(o, s + run, i - run);
        run = i + 1;
        char esc[7] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15], 0};
        switch (c) {
        case '"': jb_puts(o, "\\\""); break;
        case '\\': jb_puts(o, "\\\\"); break;
        case '\n': jb_puts(o, "\\n"); break;
        case '\r': jb_puts(o, "\\r"); break;
        case '\t': jb_puts(o, "\\t"); break;
        default: jb_puts(o, esc); break;
        }
    }
    jb_put(o, s + run, n - run);
    jb_put(o, "\"", 1);
}

static void jb_strz(jb *o, const char *s)
{
    if (s)
        jb_str(o, s, strlen(s));
    else
        jb_puts(o, "null");
}

/* ---- lookup -------------------------------------------------------------- */

/* One result of a lookup, pointing into the hits it came from. */
typedef struct lk_result {
    int64_t entry;     /* the concept */
    const char *match; /* "exact", ..., "prefix" */
    const char *level; /* "k1", ... */
    size_t from, to;   /* its hits' range in the gla_db_hits */
} lk_result;

/* The answer is written straight into a buffer from concepts cached as
 * JSON text: a lookup is the hottest route (search as you type), and
 * building and dumping a tree of JSON values for every keystroke cost
 * more than the look-up itself. */
static void api_lookup(serve_resp *out, serve_server *srv, const serve_req *r)
{
    const char *q = text_arg(out, r, "q", 1, MAX_QUERY);
    if (!q)
        return;
    const char *lang = serve_arg(r, "lang");
    if (lang && !*lang)
        lang = NULL;
    if (lang && !lang_ok(lang)) {
        serve_error(out, 400, "bad_argument", "'lang' is not a language tag");
        return;
    }
    long limit = 20;
    if (uint_arg(out, r, "limit", &limit, 200) != 0)
        return;
    static const gla_level cascade[] = {GLA_K1, GLA_K2, GLA_K2_COMPACT, GLA_K3};
    size_t first = 0, last = 4;
    int all = 0;
    const char *lv = serve_arg(r, "level");
    if (lv && *lv) {
        gla_level l;
        if (strcmp(lv, "all") == 0)
            all = 1;
        else if (gla_level_parse(&l, lv) != GLA_OK || l == GLA_K0) {
            serve_error(out, 400, "bad_argument",
                        "'level' must be k1, k2, compact, k3 or all");
            return;
        } else {
            for (size_t i = 0; i < 4; i++)
                if (cascade[i] == l)
                    first = i, last = i + 1;
        }
    }
    serve_worker *w = worker(srv, out);
    if (!w)
        return;
    gla_db_hits h = GLA_DB_HITS_INIT;
    lk_result res[200];
    size_t n = 0;
    const char *found_level = NULL;
    int rc = GLA_OK;
    for (size_t li = first; li < last; li++) {
        size_t from = h.n;
        rc = gla_db_lookup(&h, w->db, cascade[li], lang, q, strlen(q));
        if (rc == GLA_EUTF8) {
            serve_error(out, 400, "bad_utf8", "the query is not UTF-8");
            break;
        }
        if (rc != GLA_OK) {
            db_fail(out, w, rc, "lookup");
            break;
        }
        /* Hits come sorted by concept: one result per concept not seen at
         * an earlier level. */
        for (size_t i = from; i < h.n;) {
            size_t end = i + 1;
            while (end < h.n && h.v[end].entry_id == h.v[i].entry_id)
                end++;
            int seen = 0;
            for (size_t k = 0; k < n && !seen; k++)
                seen = res[k].entry == h.v[i].entry_id;
            if (!seen && n < (size_t)limit) {
                res[n].entry = h.v[i].entry_id;
                res[n].match = match_name(cascade[li]);
                res[n].level = gla_level_name(cascade[li]);
                res[n].from = i;
                res[n].to = end;
                if (!found_level)
                    found_level = res[n].match;
                n++;
            }
            i = end;
        }
        if (n && !all)
            break;
    }
    if (rc != GLA_OK) {
        gla_db_hits_dispose(&h);
        return;
    }
    const char *pf = serve_arg(r, "prefix");
    if (!n && pf && strcmp(pf, "1") == 0 && limit) {
        /* Search as you type: concepts whose terms begin like `q`. */
        int64_t ids[200];
        long np = prefix_search(out, srv, w, q, ids, (size_t)limit);
        if (np < 0) {
            gla_db_hits_dispose(&h);
            return;
        }
        for (long i = 0; i < np; i++) {
            res[n].entry = ids[i];
            res[n].match = "prefix";
            res[n].level = "k2";
            res[n].from = res[n].to = 0;
            n++;
        }
        if (np)
            found_level = "prefix";
    }
    int prefix = found_level && strcmp(found_level, "prefix") == 0;
    jb o = {GLA_BUF_INIT, 0};
    jb_puts(&o, "{\"query\":");
    jb_strz(&o, q);
    jb_puts(&o, ",\"match\":");
    jb_strz(&o, found_level);
    jb_printf(&o, ",\"count\":%zu,\"ambiguous\":%s,\"results\":[", n,
              n > 1 && !prefix ? "true" : "false");
    for (size_t i = 0; i < n && rc == GLA_OK; i++) {
        const char *ej = NULL;
        size_t ejl = 0;
        rc = entry_text_cached(&ej, &ejl, w, res[i].entry);
        if (rc != GLA_OK)
            break;
        jb_printf(&o, "%s{\"match\":\"%s\",\"level\":\"%s\",\"hits\":[",
                  i ? "," : "", res[i].match, res[i].level);
        for (size_t k = res[i].from; k < res[i].to; k++)
            jb_printf(&o, "%s%lld", k > res[i].from ? "," : "",
                      (long long)h.v[k].term_id);
        jb_puts(&o, "],\"entry\":");
        jb_put(&o, ej, ejl);
        jb_puts(&o, "}");
    }
    jb_puts(&o, "]}");
    gla_db_hits_dispose(&h);
    if (rc != GLA_OK) {
        gla_buf_dispose(&o.b);
        db_fail(out, w, rc, "lookup");
        return;
    }
    if (o.failed || !o.b.data) {
        gla_buf_dispose(&o.b);
        serve_error(out, 500, "internal", "out of memory");
        return;
    }
    free(out->data);
    out->data = o.b.data;
    out->len = o.b.len;
    out->status = 200;
    out->type = "application/json; charset=utf-8";
}

/* The preferred term(s) of concept `idx` in `to`, or null. */
static void jb_target(jb *o, const gla_matcher *m, uint32_t idx, const char *to,
                      gla_buf *tmp)
{
    gla_buf_clear(tmp);
    if (gla_matcher_targets(tmp, m, idx, to) != GLA_OK || !tmp->len)
        jb_puts(o, "null");
    else
        jb_str(o, tmp->data, tmp->len);
}

/* A concept mentioned in an annotated text. */
typedef struct seen_concept {
    uint32_t entry; /* index in the matcher */
    size_t first;   /* its first mention */
    size_t count;   /* how many mentions */
} seen_concept;

static int cmp_seen_entry(const void *a, const void *b)
{
    const seen_concept *x = a, *y = b;
    if (x->entry != y->entry)
        return x->entry < y->entry ? -1 : 1;
    return (x->first > y->first) - (x->first < y->first);
}

static int cmp_seen_first(const void *a, const void *b)
{
    const seen_concept *x = a, *y = b;
    return (x->first > y->first) - (x->first < y->first);
}

static void api_annotate(serve_resp *out, serve_server *srv, const serve_req *r)
{
    static const char *const keys[] = {"text", "from",    "to", "levels",
                                       "all",  "partial", NULL};
    json_t *j = body_json(out, r);
    if (!j)
        return;
    char err[256];
    size_t len = 0;
    const char *text = NULL;
    if (!json_is_object(j) ||
        check_keys(j, keys, "the request", err, sizeof err) != 0) {
        serve_error(out, 400, "invalid", "%s",
                    json_is_object(j) ? err
                                      : "the body must be an object "
                                        "{\"text\": ...}");
        goto done;
    }
    text = text_member(j, "text", &len);
    if (!text) {
        serve_error(out, 400, "invalid", "'text' (a string) is required");
        goto done;
    }
    json_t *fj = json_object_get(j, "from"), *tj = json_object_get(j, "to");
    const char *from = json_is_string(fj) ? json_string_value(fj) : "fr";
    const char *to = json_is_string(tj)        ? json_string_value(tj)
                     : strcmp(from, "vi") == 0 ? "fr"
                                               : "vi";
    if ((fj && !json_is_string(fj)) || (tj && !json_is_string(tj)) ||
        !lang_ok(from) || !lang_ok(to)) {
        serve_error(out, 400, "invalid",
                    "'from' and 'to' must be language tags (fr, vi, en)");
        goto done;
    }
    gla_scan_options so = GLA_SCAN_OPTIONS_INIT;
    const char *lv = text_member(j, "levels", NULL);
    json_t *lvj = json_object_get(j, "levels");
    if ((lvj && !json_is_string(lvj)) ||
        (lv && gla_match_levels_parse(&so.levels, lv, strlen(lv)) != GLA_OK)) {
        serve_error(out, 400, "invalid",
                    "'levels': a comma-separated list of exact, case, "
                    "diacritics, translit, inflection, or all");
        goto done;
    }
    json_t *aj = json_object_get(j, "all");
    if (aj && !json_is_boolean(aj)) {
        serve_error(out, 400, "invalid", "'all' must be true or false");
        goto done;
    }
    so.all = aj && json_is_true(aj);
    json_t *pj = json_object_get(j, "partial");
    if (pj && !json_is_boolean(pj)) {
        serve_error(out, 400, "invalid", "'partial' must be true or false");
        goto done;
    }
    int partial = !pj || json_is_true(pj);
    serve_worker *w = worker(srv, out);
    if (!w)
        goto done;
    gla_matcher *m = matcher_for(out, srv, w, from, NULL);
    if (!m)
        goto done;
    gla_scanner *s = NULL;
    if (gla_scanner_new(&s, m, &so) != GLA_OK) {
        serve_error(out, 500, "internal", "out of memory");
        goto done;
    }
    if (gla_scanner_feed(s, text, len, 1) != GLA_OK) {
        serve_error(out, 500, "internal", "cannot scan: %s",
                    gla_scanner_errmsg(s));
        gla_scanner_free(s);
        goto done;
    }
    /* The matcher's mentions first (with copies of their alternatives),
     * then the partial mentions of people found from them: the two lists
     * are merged in order of start, a mention before a partial one that
     * starts with it. */
    typedef struct ann_m {
        gla_mention m;               /* the mention; alt points into alt */
        uint32_t alt[8];             /* its alternatives (at most 8) */
        int partial;                 /* a partial mention of a person */
    } ann_m;
    ann_m *am = NULL;
    size_t n_am = 0, cap_am = 0;
    gla_mention *ms = NULL;
    int failed = 0;
    gla_mention mt;
    while (gla_scanner_next(&mt, s) == GLA_OK) {
        if (n_am == cap_am) {
            size_t nc = cap_am ? 2 * cap_am : 64;
            ann_m *nv = realloc(am, nc * sizeof *nv);
            if (!nv) {
                failed = 1;
                break;
            }
            am = nv;
            cap_am = nc;
        }
        ann_m *x = &am[n_am++];
        x->m = mt;
        x->m.n_alt = mt.n_alt < 8 ? mt.n_alt : 8;
        for (size_t i = 0; i < x->m.n_alt; i++)
            x->alt[i] = mt.alt[i];
        x->partial = 0;
    }
    size_t n_scan = n_am;
    gla_partial *pm = NULL;
    if (!failed && partial && n_scan) {
        ms = malloc(n_scan * sizeof *ms);
        int prc = ms ? gla_partial_new(&pm, m) : GLA_ENOMEM;
        for (size_t i = 0; prc == GLA_OK && i < n_scan; i++)
            ms[i] = am[i].m;
        if (prc == GLA_OK)
            prc = gla_partial_feed(pm, text, len, len, 0, ms, n_scan);
        size_t nh = 0;
        const gla_partial_hit *hits =
            prc == GLA_OK ? gla_partial_hits(pm, &nh) : NULL;
        if (nh && n_am + nh > cap_am) {
            ann_m *nv = realloc(am, (n_am + nh) * sizeof *nv);
            if (nv) {
                am = nv;
                cap_am = n_am + nh;
            } else {
                prc = GLA_ENOMEM;
            }
        }
        for (size_t i = 0; prc == GLA_OK && i < nh; i++) {
            ann_m *x = &am[n_am++];
            memset(&x->m, 0, sizeof x->m);
            x->m.span = hits[i].span;
            x->m.surface = text + hits[i].span.start;
            x->m.entry = hits[i].entry;
            x->m.score = hits[i].score;
            x->m.flags = hits[i].ambiguous ? GLA_MENTION_AMBIGUOUS : 0u;
            x->m.n_alt = hits[i].n_alt;
            for (size_t k = 0; k < hits[i].n_alt; k++)
                x->alt[k] = hits[i].alt[k];
            x->partial = 1;
        }
        if (prc == GLA_ENOMEM)
            failed = 1;
        gla_partial_free(pm);
        free(ms);
    }
    /* The answer can hold thousands of mentions: it is written straight
     * into a buffer rather than built as a tree of JSON values. */
    jb o = {GLA_BUF_INIT, failed};
    gla_buf tmp = GLA_BUF_INIT;
    seen_concept *sc = NULL;
    size_t n_sc = 0, cap_sc = 0, n_m = 0;
    size_t cur_b = 0, cur_u = 0;
    jb_puts(&o, "{\"from\":");
    jb_strz(&o, from);
    jb_puts(&o, ",\"to\":");
    jb_strz(&o, to);
    jb_printf(&o, ",\"length\":%zu,\"ulength\":%zu,\"mentions\":[", len,
              u16_units(text, 0, len));
    for (size_t ia = 0, ih = n_scan; !failed && (ia < n_scan || ih < n_am);) {
        ann_m *x;
        if (ih == n_am ||
            (ia < n_scan && am[ia].m.span.start <= am[ih].m.span.start))
            x = &am[ia++];
        else
            x = &am[ih++];
        mt = x->m;
        mt.alt = x->alt;
        gla_match_entry e;
        if (gla_matcher_entry(&e, m, mt.entry) != GLA_OK)
            continue;
        if (mt.span.start >= cur_b)
            cur_u += u16_units(text, cur_b, mt.span.start);
        else
            cur_u -= u16_units(text, mt.span.start, cur_b);
        cur_b = mt.span.start;
        size_t uend = cur_u + u16_units(text, mt.span.start, mt.span.end);
        jb_printf(&o,
                  "%s{\"start\":%zu,\"end\":%zu,\"ustart\":%zu,\"uend\":%zu,"
                  "\"surface\":",
                  n_m ? "," : "", mt.span.start, mt.span.end, cur_u, uend);
        jb_str(&o, mt.surface, mt.span.end - mt.span.start);
        jb_puts(&o, ",\"entry\":");
        jb_strz(&o, e.ref);
        jb_printf(&o, ",\"entry_id\":%lld,\"kind\":\"%s\",\"canonical\":",
                  (long long)e.id, gla_kind_name(e.kind));
        jb_strz(&o, e.canonical);
        jb_printf(&o, ",\"level\":\"%s\",\"score\":%.6g,\"flags\":[",
                  x->partial ? GLA_PARTIAL_LEVEL_NAME
                             : gla_match_level_name(mt.level),
                  mt.score);
        gla_buf_clear(&tmp);
        gla_mention_flags_to_buf(&tmp, mt.flags);
        if (x->partial)
            gla_buf_printf(&tmp, "%s%s", tmp.len ? "," : "",
                           GLA_PARTIAL_FLAG_NAME);
        for (char *p = tmp.data; p && *p;) {
            char *c = strchr(p, ',');
            size_t n = c ? (size_t)(c - p) : strlen(p);
            jb_puts(&o, p == tmp.data ? "" : ",");
            jb_str(&o, p, n);
            p = c ? c + 1 : p + n;
        }
        jb_puts(&o, "],\"target\":");
        jb_target(&o, m, mt.entry, to, &tmp);
        jb_puts(&o, ",\"alternatives\":[");
        for (size_t i = 0; i < mt.n_alt; i++) {
            gla_match_entry ae;
            if (gla_matcher_entry(&ae, m, mt.alt[i]) != GLA_OK)
                continue;
            jb_puts(&o, i ? ",{\"entry\":" : "{\"entry\":");
            jb_strz(&o, ae.ref);
            jb_printf(
                &o, ",\"kind\":\"%s\",\"canonical\":", gla_kind_name(ae.kind));
            jb_strz(&o, ae.canonical);
            jb_puts(&o, ",\"target\":");
            jb_target(&o, m, mt.alt[i], to, &tmp);
            jb_puts(&o, "}");
        }
        jb_puts(&o, "]}");
        if (n_sc == cap_sc) {
            size_t nc = cap_sc ? 2 * cap_sc : 64;
            seen_concept *nv = realloc(sc, nc * sizeof *nv);
            if (!nv) {
                o.failed = 1;
                break;
            }
            sc = nv;
            cap_sc = nc;
        }
        sc[n_sc].entry = mt.entry;
        sc[n_sc].first = n_m;
        sc[n_sc++].count = 1;
        n_m++;
    }
    free(am);
    gla_scanner_free(s);
    /* The concepts, each once with its count, in order of first mention. */
    size_t n_u = 0;
    if (n_sc) {
        qsort(sc, n_sc, sizeof *sc, cmp_seen_entry);
        for (size_t i = 0; i < n_sc; i++) {
            if (n_u && sc[n_u - 1].entry == sc[i].entry)
                sc[n_u - 1].count++;
            else
                sc[n_u++] = sc[i];
        }
        qsort(sc, n_u, sizeof *sc, cmp_seen_first);
    }
    jb_puts(&o, "],\"concepts\":[");
    for (size_t i = 0; i < n_u; i++) {
        gla_match_entry e;
        if (gla_matcher_entry(&e, m, sc[i].entry) != GLA_OK)
            continue;
        jb_puts(&o, i ? ",{\"entry\":" : "{\"entry\":");
        jb_strz(&o, e.ref);
        jb_printf(&o, ",\"entry_id\":%lld,\"kind\":\"%s\",\"canonical\":",
                  (long long)e.id, gla_kind_name(e.kind));
        jb_strz(&o, e.canonical);
        jb_puts(&o, ",\"target\":");
        jb_target(&o, m, sc[i].entry, to, &tmp);
        jb_printf(&o, ",\"count\":%zu}", sc[i].count);
    }
    jb_puts(&o, "]}");
    free(sc);
    gla_buf_dispose(&tmp);
    if (o.failed || !o.b.data) {
        gla_buf_dispose(&o.b);
        serve_error(out, 500, "internal", "out of memory");
        goto done;
    }
    free(out->data);
    out->data = o.b.data;
    out->len = o.b.len;
    out->status = 200;
    out->type = "application/json; charset=utf-8";
done:
    json_decref(j);
}

/* ---- check ------------------------------------------------------------ */

typedef struct check_ctx {
    json_t *findings; /* array being filled */
    const char *src;  /* the segment's source text */
    const char *tgt;  /* and its target */
    size_t index;     /* the segment's position in the request, from 0 */
} check_ctx;

static json_t *span_json(gla_span sp, const char *text)
{
    if (sp.start == SIZE_MAX)
        return json_null();
    return json_pack("{s:I, s:I, s:I, s:I, s:o}", "start", (json_int_t)sp.start,
                     "end", (json_int_t)sp.end, "ustart",
                     (json_int_t)u16_units(text, 0, sp.start), "uend",
                     (json_int_t)u16_units(text, 0, sp.end), "text",
                     jstrn(text + sp.start, sp.end - sp.start));
}

static int on_finding(void *ctx, const gla_finding *f)
{
    check_ctx *c = ctx;
    json_array_append_new(
        c->findings,
        json_pack("{s:o, s:I, s:s, s:s, s:o, s:o, s:o, s:o, s:o}", "segment",
                  jstr(f->segment), "index", (json_int_t)c->index, "severity",
                  gla_severity_name(f->severity), "kind",
                  gla_finding_kind_name(f->kind), "source",
                  span_json(f->src, c->src), "target",
                  span_json(f->tgt, c->tgt), "entry", jstr(f->entry),
                  "expected", jstr(f->expected), "message", jstr(f->message)));
    return GLA_OK;
}

/* One segment of a check request: {"id"?, "source", "target"}. */
static int segment_parts(json_t *seg, size_t i, const char **id,
                         const char **src, size_t *src_len, const char **tgt,
                         size_t *tgt_len, char *idbuf, size_t cap, char *err,
                         size_t errcap)
{
    static const char *const keys[] = {"id", "source", "target", NULL};
    char where[40];
    snprintf(where, sizeof where, "segments[%zu]", i);
    if (!json_is_object(seg)) {
        snprintf(err, errcap, "%s must be an object", where);
        return -1;
    }
    if (check_keys(seg, keys, where, err, errcap) != 0)
        return -1;
    *src = text_member(seg, "source", src_len);
    *tgt = text_member(seg, "target", tgt_len);
    if (!*src || !*tgt) {
        snprintf(err, errcap,
                 "%s: 'source' and 'target' (strings) are "
                 "required",
                 where);
        return -1;
    }
    json_t *idj = json_object_get(seg, "id");
    if (json_is_string(idj)) {
        *id = json_string_value(idj);
    } else if (!idj || json_is_null(idj)) {
        snprintf(idbuf, cap, "%zu", i + 1);
        *id = idbuf;
    } else {
        snprintf(err, errcap, "%s: 'id' must be a string", where);
        return -1;
    }
    return 0;
}

/* The language tag `lang` reduced to its primary subtag, lower-cased
 * ("fr-FR" -> "fr"); "" when that is empty or too long. */
static void primary_lang(char *out, size_t cap, const char *lang)
{
    size_t i = 0;
    for (; lang && lang[i] && lang[i] != '-' && lang[i] != '_'; i++) {
        if (i + 1 >= cap) {
            i = 0;
            break;
        }
        out[i] =
            (char)(lang[i] >= 'A' && lang[i] <= 'Z' ? lang[i] + 32 : lang[i]);
    }
    out[i] = '\0';
}

/* A check in progress: the matchers and checker are made at the first
 * segment pair, when a document's own languages are known. */
typedef struct check_run {
    serve_resp *out;   /* filled on failure */
    serve_server *srv; /* the server */
    serve_worker *w;   /* this thread's handles */
    const char *from;  /* source language asked for, or NULL */
    const char *to;    /* target language asked for, or NULL */
    char src_lang[16]; /* source language in use */
    char tgt_lang[16]; /* target language in use */
    gla_check_opts co; /* checker options */
    gla_checker *ck;   /* the checker, once started */
    check_ctx cc;      /* findings so far */
    json_t *pairs;     /* a document's pairs as read, or NULL */
    size_t segments;   /* pairs seen */
    int failed;        /* `out` holds the error */
} check_run;

/* Start the checker for source language `sl` and target `tl` (either may
 * be NULL: the request's, else fr, else the other of fr/vi). */
static int check_start(check_run *cr, const char *sl, const char *tl)
{
    primary_lang(cr->src_lang, sizeof cr->src_lang,
                 cr->from ? cr->from
                 : sl     ? sl
                          : "fr");
    const char *dflt = strcmp(cr->src_lang, "vi") == 0 ? "fr" : "vi";
    primary_lang(cr->tgt_lang, sizeof cr->tgt_lang,
                 cr->to ? cr->to
                 : tl   ? tl
                        : dflt);
    if (!lang_ok(cr->src_lang) || !lang_ok(cr->tgt_lang) ||
        strcmp(cr->src_lang, cr->tgt_lang) == 0) {
        serve_error(cr->out, 400, "invalid",
                    "the source and target languages must be two different "
                    "language tags (got '%s' and '%s'); set 'from' and 'to'",
                    cr->src_lang, cr->tgt_lang);
        cr->failed = 1;
        return -1;
    }
    gla_matcher *sm = matcher_for(cr->out, cr->srv, cr->w, cr->src_lang, NULL);
    gla_matcher *tm =
        sm ? matcher_for(cr->out, cr->srv, cr->w, cr->tgt_lang, sm) : NULL;
    if (!sm || !tm) {
        cr->failed = 1;
        return -1;
    }
    cr->co.tgt_lang = cr->tgt_lang;
    if (gla_checker_new(&cr->ck, sm, tm, &cr->co) != GLA_OK) {
        serve_error(cr->out, 500, "internal", "cannot start the check: %s",
                    cr->ck ? gla_checker_errmsg(cr->ck) : "out of memory");
        cr->failed = 1;
        return -1;
    }
    return 0;
}

/* Check one pair; `line` is where a document's unit starts (0: none). */
static int check_pair(check_run *cr, const char *id, const char *src, size_t sl,
                      const char *tgt, size_t tl, size_t line)
{
    cr->cc.src = src;
    cr->cc.tgt = tgt;
    cr->cc.index = cr->segments - 1;
    int rc =
        gla_checker_segment(cr->ck, id, src, sl, tgt, tl, on_finding, &cr->cc);
    if (rc == GLA_OK)
        return 0;
    char where[48] = "";
    if (line)
        snprintf(where, sizeof where, " (line %zu)", line);
    serve_error(cr->out, rc == GLA_EUTF8 ? 400 : 500,
                rc == GLA_EUTF8 ? "bad_utf8" : "internal",
                "segment '%.60s'%s: %s", id, where, gla_checker_errmsg(cr->ck));
    cr->failed = 1;
    return -1;
}

static int on_doc_pair(void *ctx, const gla_segpair *p)
{
    check_run *cr = ctx;
    if (!cr->ck && check_start(cr, p->src_lang, p->tgt_lang) != 0)
        return GLA_EINTERNAL;
    cr->segments++;
    json_array_append_new(cr->pairs,
                          json_pack("{s:o, s:I, s:o, s:o, s:b}", "id",
                                    jstr(p->id), "line", (json_int_t)p->line,
                                    "source", jstrn(p->src, p->src_len),
                                    "target", jstrn(p->tgt, p->tgt_len),
                                    "translated", p->has_tgt != 0));
    if (!p->has_tgt)
        return GLA_OK; /* untranslated: nothing to check */
    return check_pair(cr, p->id, p->src, p->src_len, p->tgt, p->tgt_len,
                      p->line) == 0
               ? GLA_OK
               : GLA_EINTERNAL;
}

/* Check a whole XLIFF, TMX or TSV document sent as the string `doc`. */
static void check_document(check_run *cr, json_t *j, json_t *doc)
{
    gla_bitext_opts bo = GLA_BITEXT_OPTS_INIT;
    json_t *fmt = json_object_get(j, "format"),
           *nm = json_object_get(j, "name");
    if ((fmt && !json_is_string(fmt)) || (nm && !json_is_string(nm)) ||
        (fmt && gla_bitext_format_parse(&bo.format, json_string_value(fmt)) !=
                    GLA_OK)) {
        serve_error(cr->out, 400, "invalid",
                    "'format' must be auto, xliff, tmx, xml or tsv, and "
                    "'name' a file name");
        cr->failed = 1;
        return;
    }
    /* The name only picks the format and shows in messages: keep it a
     * short printable base name. */
    char name[80] = "document";
    if (nm) {
        const char *s = json_string_value(nm), *slash = strrchr(s, '/');
        size_t n = 0;
        for (s = slash ? slash + 1 : s; *s && n + 1 < sizeof name; s++)
            if ((unsigned char)*s >= 0x20 && *s != 0x7f)
                name[n++] = *s;
        if (n)
            name[n] = '\0';
    }
    bo.name = name;
    bo.src_lang = cr->from;
    bo.tgt_lang = cr->to;
    cr->pairs = json_array();
    gla_buf err = GLA_BUF_INIT;
    int rc =
        gla_bitext_read_mem(json_string_value(doc), json_string_length(doc),
                            &bo, on_doc_pair, cr, &err);
    if (rc != GLA_OK && !cr->failed) {
        int input = rc == GLA_EPARSE || rc == GLA_EUTF8 || rc == GLA_EINVAL;
        serve_error(cr->out, input ? 400 : 500,
                    input ? "bad_document" : "internal", "%s",
                    err.len ? err.data : gla_strerror(rc));
        cr->failed = 1;
    } else if (rc == GLA_OK && !cr->ck) {
        serve_error(cr->out, 400, "bad_document",
                    "%s: no segment pair in it (XLIFF trans-units or units, "
                    "TMX tus, or TSV lines)",
                    name);
        cr->failed = 1;
    }
    gla_buf_dispose(&err);
}

static void api_check(serve_resp *out, serve_server *srv, const serve_req *r)
{
    static const char *const keys[] = {
        "segments", "source",      "target",   "id",     "from", "to",
        "numbers",  "consistency", "document", "format", "name", NULL};
    json_t *j = body_json(out, r);
    if (!j)
        return;
    char err[256];
    check_run cr;
    memset(&cr, 0, sizeof cr);
    cr.out = out;
    cr.srv = srv;
    json_t *segs = NULL, *one = NULL, *doc = NULL;
    if (!json_is_object(j) ||
        check_keys(j, keys, "the request", err, sizeof err) != 0) {
        serve_error(out, 400, "invalid", "%s",
                    json_is_object(j) ? err
                                      : "the body must be an object "
                                        "{\"source\": ..., \"target\": ...}");
        goto done;
    }
    doc = json_object_get(j, "document");
    segs = json_object_get(j, "segments");
    if (doc) {
        if (!json_is_string(doc) || segs || json_object_get(j, "source") ||
            json_object_get(j, "target") || json_object_get(j, "id")) {
            serve_error(out, 400, "invalid",
                        "'document' is the text of an XLIFF, TMX or TSV "
                        "file, sent instead of 'segments' or "
                        "'source'/'target'");
            goto done;
        }
    } else if (json_object_get(j, "format") || json_object_get(j, "name")) {
        serve_error(out, 400, "invalid",
                    "'format' and 'name' go with a 'document'");
        goto done;
    } else if (!segs) {
        one = json_array();
        json_t *o = json_object();
        const char *k[] = {"id", "source", "target"};
        for (size_t i = 0; i < 3; i++)
            if (json_object_get(j, k[i]))
                json_object_set(o, k[i], json_object_get(j, k[i]));
        json_array_append_new(one, o);
        segs = one;
    }
    if (!doc && (!json_is_array(segs) || json_array_size(segs) == 0)) {
        serve_error(out, 400, "invalid",
                    "'segments' must be a non-empty array of {id, source, "
                    "target}");
        goto done;
    }
    json_t *fj = json_object_get(j, "from"), *tj = json_object_get(j, "to");
    if ((fj && !json_is_string(fj) && !json_is_null(fj)) ||
        (tj && !json_is_string(tj) && !json_is_null(tj)) ||
        (json_is_string(fj) && !lang_ok(json_string_value(fj))) ||
        (json_is_string(tj) && !lang_ok(json_string_value(tj)))) {
        serve_error(out, 400, "invalid",
                    "'from' and 'to' must be two different language tags");
        goto done;
    }
    cr.from = json_is_string(fj) ? json_string_value(fj) : NULL;
    cr.to = json_is_string(tj) ? json_string_value(tj) : NULL;
    json_t *nj = json_object_get(j, "numbers"),
           *cj = json_object_get(j, "consistency");
    if ((nj && !json_is_boolean(nj)) || (cj && !json_is_boolean(cj))) {
        serve_error(out, 400, "invalid",
                    "'numbers' and 'consistency' must be true or false");
        goto done;
    }
    gla_check_opts co = GLA_CHECK_OPTS_INIT;
    co.no_numbers = nj && json_is_false(nj);
    co.no_consistency = cj && json_is_false(cj);
    cr.co = co;
    cr.w = worker(srv, out);
    if (!cr.w)
        goto done;
    cr.cc.findings = json_array();
    if (doc) {
        check_document(&cr, j, doc);
    } else if (check_start(&cr, NULL, NULL) == 0) {
        size_t i;
        json_t *seg;
        json_array_foreach(segs, i, seg)
        {
            const char *id = NULL, *src = NULL, *tgt = NULL;
            size_t sl = 0, tl = 0;
            char idbuf[24];
            if (segment_parts(seg, i, &id, &src, &sl, &tgt, &tl, idbuf,
                              sizeof idbuf, err, sizeof err) != 0) {
                serve_error(out, 400, "invalid", "%s", err);
                cr.failed = 1;
                break;
            }
            cr.segments++;
            if (check_pair(&cr, id, src, sl, tgt, tl, 0) != 0)
                break;
        }
    }
    if (!cr.failed) {
        size_t n = json_array_size(cr.cc.findings);
        json_t *res =
            json_pack("{s:s, s:s, s:I, s:I, s:O}", "from", cr.src_lang, "to",
                      cr.tgt_lang, "segments", (json_int_t)cr.segments, "count",
                      (json_int_t)n, "findings", cr.cc.findings);
        if (res && cr.pairs)
            json_object_set(res, "pairs", cr.pairs);
        send_json(out, 200, res);
    }
done:
    json_decref(cr.cc.findings);
    json_decref(cr.pairs);
    gla_checker_free(cr.ck);
    json_decref(one);
    json_decref(j);
}

/* The concept named by a path segment: digits are an id, else a ref. */
static int get_entry(gla_entry **e, serve_resp *out, serve_worker *w,
                     const char *key, size_t keylen)
{
    char buf[256];
    if (keylen == 0 || keylen >= sizeof buf) {
        serve_error(out, 400, "bad_argument",
                    "an entry is named by its id or ref (1-255 bytes)");
        return -1;
    }
    memcpy(buf, key, keylen);
    buf[keylen] = '\0';
    if (!serve_utf8_ok(buf, keylen)) {
        serve_error(out, 400, "bad_utf8", "the entry name is not UTF-8");
        return -1;
    }
    int digits = 1;
    for (size_t i = 0; i < keylen; i++)
        digits &= buf[i] >= '0' && buf[i] <= '9';
    int rc = digits && keylen < 19
                 ? gla_db_entry_get(e, w->db, strtoll(buf, NULL, 10))
                 : gla_db_entry_get_ref(e, w->db, buf);
    if (rc == GLA_ENOTFOUND) {
        serve_error(out, 404, "not_found", "no concept '%s' in the glossary",
                    buf);
        return -1;
    }
    if (rc != GLA_OK) {
        db_fail(out, w, rc, "read");
        return -1;
    }
    return 0;
}

static json_t *change_json(const gla_db_change *c)
{
    json_t *old = c->old_json ? json_loads(c->old_json, 0, NULL) : NULL;
    json_t *nw = c->new_json ? json_loads(c->new_json, 0, NULL) : NULL;
    if (c->old_json && !old)
        old = jstr(c->old_json);
    if (c->new_json && !nw)
        nw = jstr(c->new_json);
    return json_pack("{s:I, s:I, s:o, s:o, s:o, s:I, s:o, s:o, s:o}", "id",
                     (json_int_t)c->id, "at", (json_int_t)c->at, "author",
                     jstr(c->author), "action", jstr(c->action), "table",
                     jstr(c->table), "row_id", (json_int_t)c->row_id, "entry",
                     jstr(c->entry_ref), "old", old ? old : json_null(), "new",
                     nw ? nw : json_null());
}

static void api_history(serve_resp *out, serve_worker *w, const serve_req *r,
                        const gla_entry *e)
{
    long limit = 100, after = 0;
    if (uint_arg(out, r, "limit", &limit, 1000) != 0 ||
        uint_arg(out, r, "after", &after, 0x7fffffffL) != 0)
        return;
    gla_db_change *v = NULL;
    size_t n = 0;
    int rc = gla_db_changes(&v, &n, w->db, after, (size_t)limit, e->ref);
    if (rc != GLA_OK) {
        db_fail(out, w, rc, "history");
        return;
    }
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, change_json(&v[i]));
    gla_db_changes_free(v, n);
    send_json(out, 200,
              json_pack("{s:s, s:I, s:o}", "entry", e->ref, "id",
                        (json_int_t)e->id, "changes", arr));
}

/* The author of a change: X-Author, else the body's "author", else "web". */
static int set_author(serve_resp *out, serve_worker *w, const serve_req *r,
                      json_t *body)
{
    const char *a = r->author;
    if (!a && body)
        a = text_member(body, "author", NULL);
    if (!a)
        a = serve_arg(r, "author");
    if (!a || !*a)
        a = "web";
    size_t n = strlen(a);
    int ok = n <= 100 && serve_utf8_ok(a, n);
    for (size_t i = 0; i < n && ok; i++)
        ok = (unsigned char)a[i] >= 0x20 && a[i] != 0x7f;
    if (!ok) {
        serve_error(out, 400, "bad_author",
                    "the author must be 1-100 bytes of UTF-8 text without "
                    "control characters");
        return -1;
    }
    if (gla_db_set_author(w->db, a) != GLA_OK) {
        serve_error(out, 500, "internal", "out of memory");
        return -1;
    }
    return 0;
}

static void reply_entry(serve_resp *out, serve_worker *w, int64_t id,
                        int status)
{
    gla_entry *e = NULL;
    int rc = gla_db_entry_get(&e, w->db, id);
    if (rc != GLA_OK) {
        db_fail(out, w, rc, "read back");
        return;
    }
    send_json(out, status, entry_json(e));
    gla_entry_free(e);
}

/* After a write through `w`: every cache reloads, and the new stamp is
 * known so that no worker takes the write for another process's. */
static void wrote(serve_server *srv, serve_worker *w)
{
    uint64_t stamp = 0;
    if (gla_matcher_db_stamp(&stamp, w->db) == GLA_OK)
        atomic_store(&srv->stamp, stamp);
    atomic_fetch_add(&srv->generation, 1u);
}

static void api_entries(serve_resp *out, serve_server *srv, const serve_req *r)
{
    const char *rest = r->path + strlen("/api/entries");
    if (*rest == '/')
        rest++;
    const char *slash = strchr(rest, '/');
    size_t keylen = slash ? (size_t)(slash - rest) : strlen(rest);
    const char *sub = slash ? slash + 1 : NULL;
    const char *method = r->method;
    int get = strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;
    if (sub && strcmp(sub, "history") != 0) {
        serve_error(out, 404, "not_found", "no such route: %s %.200s", method,
                    r->path);
        return;
    }
    if (keylen == 0 && strcmp(method, "POST") != 0) {
        serve_error(out, 405, "bad_method",
                    "use POST /api/entries to create, or name a concept: "
                    "/api/entries/REF");
        return;
    }
    if (keylen &&
        !(get || strcmp(method, "PUT") == 0 || strcmp(method, "DELETE") == 0)) {
        serve_error(out, 405, "bad_method",
                    "%s is not allowed on a concept; use GET, PUT or DELETE",
                    method);
        return;
    }
    if (sub && !get) {
        serve_error(out, 405, "bad_method", "the history is read with GET");
        return;
    }
    serve_worker *w = worker(srv, out);
    if (!w)
        return;
    char err[300];
    if (keylen == 0) { /* POST: create */
        json_t *j = body_json(out, r);
        if (!j)
            return;
        gla_entry e;
        memset(&e, 0, sizeof e);
        if (entry_from_json(&e, j, err, sizeof err) != 0) {
            serve_error(out, 400, "invalid", "%s", err);
        } else if (!e.ref) {
            serve_error(out, 400, "invalid",
                        "'ref' is required, e.g. \"term.my-term\"");
        } else if (set_author(out, w, r, j) == 0) {
            int64_t id = 0;
            int rc = gla_db_entry_add(&id, w->db, &e);
            if (rc != GLA_OK) {
                db_fail(out, w, rc, "cannot add the concept");
            } else {
                wrote(srv, w);
                reply_entry(out, w, id, 201);
            }
        }
        gla_entry_clear(&e);
        json_decref(j);
        return;
    }
    gla_entry *cur = NULL;
    if (get_entry(&cur, out, w, rest, keylen) != 0)
        return;
    if (sub) {
        api_history(out, w, r, cur);
    } else if (get) {
        send_json(out, 200, entry_json(cur));
    } else if (strcmp(method, "DELETE") == 0) {
        if (set_author(out, w, r, NULL) == 0) {
            int rc = gla_db_entry_delete(w->db, cur->id);
            if (rc != GLA_OK) {
                db_fail(out, w, rc, "cannot delete the concept");
            } else {
                wrote(srv, w);
                send_json(out, 200,
                          json_pack("{s:s, s:I}", "deleted", cur->ref, "id",
                                    (json_int_t)cur->id));
            }
        }
    } else { /* PUT: replace */
        json_t *j = body_json(out, r);
        if (j) {
            gla_entry e;
            memset(&e, 0, sizeof e);
            if (entry_from_json(&e, j, err, sizeof err) != 0) {
                serve_error(out, 400, "invalid", "%s", err);
            } else if (!e.ref &&
                       gla_entry_set_str(&e.ref, cur->ref, strlen(cur->ref)) !=
                           GLA_OK) {
                serve_error(out, 500, "internal", "out of memory");
            } else if (set_author(out, w, r, j) == 0) {
                e.id = cur->id;
                int rc = gla_db_entry_update(w->db, &e);
                if (rc != GLA_OK) {
                    db_fail(out, w, rc, "cannot update the concept");
                } else {
                    wrote(srv, w);
                    reply_entry(out, w, cur->id, 200);
                }
            }
            gla_entry_clear(&e);
            json_decref(j);
        }
    }
    gla_entry_free(cur);
}

static void api_export(serve_resp *out, serve_server *srv, const serve_req *r)
{
    const char *fname = serve_arg(r, "format");
    gla_format f;
    if (!fname || gla_format_parse(&f, fname) != GLA_OK || f == GLA_FMT_AUTO) {
        serve_error(out, 400, "bad_argument",
                    "'format' must be tbx, tsv, jsonl, omegat or csv");
        return;
    }
    serve_worker *w = worker(srv, out);
    if (!w)
        return;
    gla_buf b = GLA_BUF_INIT;
    gla_writer *wr = NULL;
    gla_db_iter *it = NULL;
    int rc = gla_writer_new_buf(&wr, f, &b, NULL);
    if (rc == GLA_OK)
        rc = gla_db_iter_new(&it, w->db, GLA_DB_ORDER_REF);
    gla_entry *e = NULL;
    while (rc == GLA_OK && (rc = gla_db_iter_next(&e, it)) == GLA_OK) {
        rc = gla_writer_put(wr, e);
        if (rc != GLA_OK)
            serve_error(out, 500, "export", "entry '%s': %s", e->ref,
                        gla_writer_errmsg(wr));
        gla_entry_free(e);
        e = NULL;
    }
    if (rc == GLA_ITEROVER) {
        rc = gla_writer_finish(wr);
        if (rc != GLA_OK)
            serve_error(out, 500, "export", "%s", gla_writer_errmsg(wr));
    } else if (rc != GLA_OK && !out->data) {
        db_fail(out, w, rc, "export");
    }
    gla_db_iter_free(it);
    gla_writer_free(wr);
    if (rc != GLA_OK) {
        gla_buf_dispose(&b);
        return;
    }
    static const struct {
        gla_format f;
        const char *ext, *type;
    } types[] = {
        {GLA_FMT_TSV, "tsv", "text/tab-separated-values; charset=utf-8"},
        {GLA_FMT_OMEGAT, "omegat.txt", "text/plain; charset=utf-8"},
        {GLA_FMT_CSV, "csv", "text/csv; charset=utf-8"},
        {GLA_FMT_TBX, "tbx", "application/x-tbx+xml; charset=utf-8"},
        {GLA_FMT_JSONL, "jsonl", "application/x-ndjson; charset=utf-8"},
    };
    free(out->data);
    out->data = b.data ? b.data : strdup("");
    out->len = b.len;
    out->status = 200;
    out->type = "application/octet-stream";
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
        if (types[i].f == f) {
            out->type = types[i].type;
            snprintf(out->filename, sizeof out->filename, "glossary.%s",
                     types[i].ext);
        }
}

static json_t *counts_json(const gla_db_count *v, size_t n)
{
    json_t *o = json_object();
    for (size_t i = 0; i < n; i++)
        json_object_set_new(o, v[i].name ? v[i].name : "",
                            json_integer(v[i].n));
    return o;
}

static void api_stats(serve_resp *out, serve_server *srv)
{
    serve_worker *w = worker(srv, out);
    if (!w)
        return;
    gla_db_stats *s = NULL;
    int rc = gla_db_stats_get(&s, w->db);
    if (rc != GLA_OK) {
        db_fail(out, w, rc, "stats");
        return;
    }
    json_t *st = json_array();
    for (size_t i = 0; i < s->n_statuses; i++)
        json_array_append_new(st, json_pack("{s:o, s:o, s:I}", "lang",
                                            jstr(s->statuses[i].lang), "status",
                                            jstr(s->statuses[i].name), "n",
                                            (json_int_t)s->statuses[i].n));
    json_t *j =
        json_pack("{s:i, s:I, s:I, s:I, s:o, s:o, s:o}", "schema_version",
                  s->schema_version, "entries", (json_int_t)s->entries, "terms",
                  (json_int_t)s->terms, "changes", (json_int_t)s->changes,
                  "kinds", counts_json(s->kinds, s->n_kinds), "langs",
                  counts_json(s->langs, s->n_langs), "statuses", st);
    gla_db_stats_free(s);
    send_json(out, 200, j);
}

void serve_api(serve_resp *out, serve_server *srv, const serve_req *r)
{
    const char *p = r->path, *m = r->method;
    int get = strcmp(m, "GET") == 0 || strcmp(m, "HEAD") == 0;
    struct {
        const char *path;
        int want_get; /* 1: GET, 0: POST */
    } const simple[] = {
        {"/api/config", 1},   {"/api/lookup", 1}, {"/api/resolve", 1},
        {"/api/annotate", 0}, {"/api/export", 1}, {"/api/stats", 1},
        {"/api/check", 0},
    };
    for (size_t i = 0; i < sizeof simple / sizeof simple[0]; i++) {
        if (strcmp(p, simple[i].path) != 0)
            continue;
        int ok = simple[i].want_get ? get : strcmp(m, "POST") == 0;
        if (!ok) {
            serve_error(out, 405, "bad_method", "%s %s is not allowed; use %s",
                        m, p, simple[i].want_get ? "GET" : "POST");
            return;
        }
        switch (i) {
        case 0: api_config(out, srv); return;
        case 1: api_lookup(out, srv, r); return;
        case 2: api_resolve(out, srv, r); return;
        case 3: api_annotate(out, srv, r); return;
        case 4: api_export(out, srv, r); return;
        case 5: api_stats(out, srv); return;
        default: api_check(out, srv, r); return;
        }
    }
    if (strcmp(p, "/api/entries") == 0 ||
        strncmp(p, "/api/entries/", 13) == 0) {
        api_entries(out, srv, r);
        return;
    }
    serve_error(out, 404, "not_found",
                "no such API route: %s %.200s (see docs/API.md)", m, p);
}
