/*
 * Fuzz target for the io readers: the same bytes go through every reader
 * (no crash, no leak) and every writer; for the lossless formats (TSV and
 * JSON Lines) read -> write -> read must give the same entries and bytes.
 */
#include <glossalign/io.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct coll {
    gla_entry *v; /* deep copies */
    size_t n;     /* count */
    size_t cap;   /* allocated */
} coll;

static void check(int ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "fuzz_import: invariant broken: %s\n", what);
        abort();
    }
}

static char *dup_s(const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s);
    char *p = malloc(n + 1);
    check(p != NULL, "out of memory");
    memcpy(p, s, n + 1);
    return p;
}

static int collect(void *ctx, const gla_entry *e, const gla_srcpos *where)
{
    coll *c = ctx;
    check(where && where->file && where->line > 0, "entry position");
    if (c->n == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 8;
        c->v = realloc(c->v, c->cap * sizeof *c->v);
        check(c->v != NULL, "out of memory");
    }
    gla_entry *d = &c->v[c->n++];
    memset(d, 0, sizeof *d);
    d->ref = dup_s(e->ref);
    d->kind = e->kind;
    d->subject = dup_s(e->subject);
    d->definition = dup_s(e->definition);
    d->note = dup_s(e->note);
    d->homonym = e->homonym;
    for (size_t i = 0; i < e->n_terms; i++) {
        check(e->terms[i].lang && e->terms[i].text && *e->terms[i].text,
              "every term has a language and a text");
        check(gla_entry_add_term(d, &e->terms[i]) == GLA_OK, "add term");
    }
    return GLA_OK;
}

static void coll_free(coll *c)
{
    for (size_t i = 0; i < c->n; i++)
        gla_entry_clear(&c->v[i]);
    free(c->v);
    memset(c, 0, sizeof *c);
}

static int str_eq(const char *a, const char *b)
{
    return (!a || !b) ? a == b : strcmp(a, b) == 0;
}

static int entry_eq(const gla_entry *a, const gla_entry *b)
{
    if (!str_eq(a->ref, b->ref) || a->kind != b->kind ||
        !str_eq(a->subject, b->subject) ||
        !str_eq(a->definition, b->definition) || !str_eq(a->note, b->note) ||
        a->homonym != b->homonym || a->n_terms != b->n_terms)
        return 0;
    for (size_t i = 0; i < a->n_terms; i++) {
        const gla_term *x = &a->terms[i], *y = &b->terms[i];
        if (!str_eq(x->lang, y->lang) || !str_eq(x->text, y->text) ||
            x->status != y->status || x->type != y->type ||
            !str_eq(x->pos, y->pos) || x->case_mode != y->case_mode ||
            !str_eq(x->note, y->note) || !str_eq(x->source, y->source))
            return 0;
    }
    return 1;
}

static int read_as(coll *c, gla_format f, const char *data, size_t len)
{
    gla_read_opts o = GLA_READ_OPTS_INIT;
    o.format = f;
    o.name = "fuzz";
    gla_buf err = GLA_BUF_INIT;
    int rc = gla_io_read_mem(data, len, &o, collect, c, &err);
    check(rc == GLA_OK || (err.data && strncmp(err.data, "fuzz", 4) == 0),
          "a failed read says where");
    gla_buf_dispose(&err);
    return rc;
}

/* Write every entry; returns how many were refused. */
static size_t write_as(const coll *c, gla_format f, gla_buf *out)
{
    gla_writer *w = NULL;
    check(gla_writer_new_buf(&w, f, out, NULL) == GLA_OK, "writer");
    size_t refused = 0;
    for (size_t i = 0; i < c->n; i++) {
        size_t before = out->len;
        if (gla_writer_put(w, &c->v[i]) != GLA_OK) {
            refused++;
            /* The first put may write the document header. */
            check(out->len == before || i == 0,
                  "a refused entry leaves nothing");
        }
    }
    check(gla_writer_finish(w) == GLA_OK, "finish");
    gla_writer_free(w);
    return refused;
}

/* read(write(entries)) == entries, and writing again gives the same bytes. */
static void lossless(const coll *a, gla_format f)
{
    gla_buf t1 = GLA_BUF_INIT, t2 = GLA_BUF_INIT;
    size_t refused = write_as(a, f, &t1);
    if (f == GLA_FMT_JSONL)
        check(refused == 0, "JSON Lines takes every entry read");
    if (refused) { /* TSV needs ids: entries read from JSONL may lack one */
        gla_buf_dispose(&t1);
        return;
    }
    coll b = {0};
    check(read_as(&b, f, t1.data ? t1.data : "", t1.len) == GLA_OK,
          "what the writer wrote reads back");
    check(b.n == a->n, "as many entries back");
    for (size_t i = 0; i < a->n; i++)
        check(entry_eq(&a->v[i], &b.v[i]), "the same entries back");
    write_as(&b, f, &t2);
    check(t1.len == t2.len &&
              (t1.len == 0 || memcmp(t1.data, t2.data, t1.len) == 0),
          "the same bytes when written again");
    coll_free(&b);
    gla_buf_dispose(&t1);
    gla_buf_dispose(&t2);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    static const gla_format formats[] = {GLA_FMT_AUTO,   GLA_FMT_TSV,
                                         GLA_FMT_OMEGAT, GLA_FMT_CSV,
                                         GLA_FMT_TBX,    GLA_FMT_JSONL};
    for (size_t k = 0; k < sizeof formats / sizeof *formats; k++) {
        coll c = {0};
        int rc = read_as(&c, formats[k], s, size);
        if (rc == GLA_OK) {
            if (formats[k] == GLA_FMT_TSV || formats[k] == GLA_FMT_JSONL) {
                lossless(&c, GLA_FMT_TSV);
                lossless(&c, GLA_FMT_JSONL);
            }
            for (int f = GLA_FMT_TSV; f <= GLA_FMT_JSONL; f++) {
                gla_buf out = GLA_BUF_INIT;
                write_as(&c, (gla_format)f, &out);
                gla_buf_dispose(&out);
            }
        }
        coll_free(&c);
    }
    return 0;
}
