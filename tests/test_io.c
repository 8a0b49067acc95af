/*
 * Tests of the io module: every reader on small fixtures (tests/data/io/),
 * every error path with its file:line:col message, writers byte for byte,
 * round trips (TSV, TBX, JSONL) and the XML attacks, with a time limit.
 */
#define _POSIX_C_SOURCE 200809L
#include <glossalign/io.h>

#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

/* ---- helpers ---- */

/* Entries collected from a read, deep-copied. */
typedef struct coll {
    gla_entry *v;  /* entries */
    size_t *lines; /* where each started */
    size_t n;      /* count */
    size_t cap;    /* allocated */
    int stop_at;   /* return stop_rc on this entry (1-based), 0: never */
    int stop_rc;   /* value returned to stop */
} coll;

static char *dup_s(const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s);
    char *p = malloc(n + 1);
    assert_non_null(p);
    memcpy(p, s, n + 1);
    return p;
}

static int collect(void *ctx, const gla_entry *e, const gla_srcpos *where)
{
    coll *c = ctx;
    if (c->n == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 16;
        c->v = realloc(c->v, c->cap * sizeof *c->v);
        c->lines = realloc(c->lines, c->cap * sizeof *c->lines);
        assert_non_null(c->v);
        assert_non_null(c->lines);
    }
    gla_entry *d = &c->v[c->n];
    memset(d, 0, sizeof *d);
    d->ref = dup_s(e->ref);
    d->kind = e->kind;
    d->subject = dup_s(e->subject);
    d->definition = dup_s(e->definition);
    d->note = dup_s(e->note);
    d->homonym = e->homonym;
    for (size_t i = 0; i < e->n_terms; i++)
        assert_int_equal(gla_entry_add_term(d, &e->terms[i]), GLA_OK);
    assert_non_null(where);
    assert_non_null(where->file);
    c->lines[c->n] = where->line;
    c->n++;
    if (c->stop_at && (int)c->n == c->stop_at)
        return c->stop_rc;
    return GLA_OK;
}

static void coll_free(coll *c)
{
    for (size_t i = 0; i < c->n; i++)
        gla_entry_clear(&c->v[i]);
    free(c->v);
    free(c->lines);
    memset(c, 0, sizeof *c);
}

static int str_eq(const char *a, const char *b)
{
    if (!a || !b)
        return a == b;
    return strcmp(a, b) == 0;
}

static int term_eq(const gla_term *a, const gla_term *b)
{
    return str_eq(a->lang, b->lang) && str_eq(a->text, b->text) &&
           a->status == b->status && a->type == b->type &&
           str_eq(a->pos, b->pos) && a->case_mode == b->case_mode &&
           str_eq(a->note, b->note) && str_eq(a->source, b->source);
}

/* Equal entries; with `any_order`, terms may come in another order. */
static int entry_eq(const gla_entry *a, const gla_entry *b, int any_order)
{
    if (!str_eq(a->ref, b->ref) || a->kind != b->kind ||
        !str_eq(a->subject, b->subject) ||
        !str_eq(a->definition, b->definition) || !str_eq(a->note, b->note) ||
        a->homonym != b->homonym || a->n_terms != b->n_terms)
        return 0;
    for (size_t i = 0; i < a->n_terms; i++) {
        if (!any_order) {
            if (!term_eq(&a->terms[i], &b->terms[i]))
                return 0;
            continue;
        }
        int found = 0;
        for (size_t j = 0; j < b->n_terms && !found; j++)
            found = term_eq(&a->terms[i], &b->terms[j]);
        if (!found)
            return 0;
    }
    return 1;
}

static void assert_colls_equal(const coll *a, const coll *b, int any_order)
{
    assert_int_equal(a->n, b->n);
    for (size_t i = 0; i < a->n; i++) {
        if (!entry_eq(&a->v[i], &b->v[i], any_order)) {
            print_error("entry %zu ('%s') differs after the round trip\n", i,
                        a->v[i].ref ? a->v[i].ref : "(none)");
            fail();
        }
    }
}

static const char *data_dir(void)
{
    static char dir[2048];
    const char *src = getenv("GLA_SOURCE_DIR");
    int n = snprintf(dir, sizeof dir, "%s/tests/data/io", src ? src : ".");
    assert_true(n > 0 && (size_t)n < sizeof dir);
    return dir;
}

static const char *data_path(const char *name)
{
    static char path[4096];
    int n = snprintf(path, sizeof path, "%s/%s", data_dir(), name);
    assert_true(n > 0 && (size_t)n < sizeof path);
    return path;
}

/* Read a whole fixture file (any format, detected) into c. */
static int read_path(coll *c, const char *path, gla_format f, gla_buf *err,
                     gla_read_stats *st)
{
    gla_read_opts o = GLA_READ_OPTS_INIT;
    o.format = f;
    o.stats = st;
    return gla_io_read_file(path, &o, collect, c, err);
}

static int read_mem(coll *c, gla_format f, const char *name, const char *data,
                    size_t len, gla_buf *err, gla_read_stats *st)
{
    gla_read_opts o = GLA_READ_OPTS_INIT;
    o.format = f;
    o.name = name;
    o.stats = st;
    return gla_io_read_mem(data, len, &o, collect, c, err);
}

/* Write every entry of c in format f into out. */
static void write_all(const coll *c, gla_format f, gla_buf *out,
                      gla_write_stats *st)
{
    gla_writer *w = NULL;
    assert_int_equal(gla_writer_new_buf(&w, f, out, NULL), GLA_OK);
    for (size_t i = 0; i < c->n; i++) {
        int rc = gla_writer_put(w, &c->v[i]);
        if (rc)
            print_error("put: %s\n", gla_writer_errmsg(w));
        assert_int_equal(rc, GLA_OK);
    }
    assert_int_equal(gla_writer_finish(w), GLA_OK);
    if (st)
        *st = *gla_writer_stats(w);
    gla_writer_free(w);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void assert_has(const char *hay, const char *needle)
{
    if (!hay || !strstr(hay, needle)) {
        print_error("expected '%s' in '%s'\n", needle, hay ? hay : "(null)");
        fail();
    }
}

/* ---- format names and detection ---- */

static void test_format_names(void **state)
{
    (void)state;
    static const struct {
        const char *name;
        int rc;
        gla_format f;
    } cases[] = {
        {"auto", GLA_OK, GLA_FMT_AUTO},     {"tsv", GLA_OK, GLA_FMT_TSV},
        {"OmegaT", GLA_OK, GLA_FMT_OMEGAT}, {"csv", GLA_OK, GLA_FMT_CSV},
        {"TBX", GLA_OK, GLA_FMT_TBX},       {"jsonl", GLA_OK, GLA_FMT_JSONL},
        {"json", GLA_OK, GLA_FMT_JSONL},    {"ndjson", GLA_OK, GLA_FMT_JSONL},
        {"xlsx", GLA_EINVAL, GLA_FMT_AUTO}, {"", GLA_EINVAL, GLA_FMT_AUTO},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        gla_format f = GLA_FMT_AUTO;
        assert_int_equal(gla_format_parse(&f, cases[i].name), cases[i].rc);
        if (cases[i].rc == GLA_OK)
            assert_int_equal(f, cases[i].f);
    }
    for (int f = GLA_FMT_AUTO; f <= GLA_FMT_JSONL; f++) {
        gla_format back;
        assert_int_equal(gla_format_parse(&back, gla_format_name(f)), GLA_OK);
        assert_int_equal(back, f);
    }
    assert_string_equal(gla_format_name((gla_format)99), "?");
    assert_int_equal(gla_format_parse(NULL, "tsv"), GLA_EINVAL);
}

static void test_detect(void **state)
{
    (void)state;
    static const struct {
        const char *name;
        const char *head;
        size_t len;
        gla_format want;
    } cases[] = {
        {"g.tbx", "", 0, GLA_FMT_TBX},
        {"g.CSV", "a\tb", 3, GLA_FMT_CSV},
        {"g.jsonl", "", 0, GLA_FMT_JSONL},
        {NULL, "<?xml version=\"1.0\"?>", 21, GLA_FMT_TBX},
        {NULL, "\xEF\xBB\xBF  <martif>", 14, GLA_FMT_TBX},
        {NULL, "{\"entry\":null}", 14, GLA_FMT_JSONL},
        {NULL, "# c\n\nentry\tlang\tterm\n", 20, GLA_FMT_TSV},
        {"x.txt", "term\tentry\tlang\r\n", 17, GLA_FMT_TSV},
        {"x.txt", "a\tb\n", 4, GLA_FMT_OMEGAT},
        {"x.tsv", "a\tb\n", 4, GLA_FMT_OMEGAT},
        {NULL, "a\tb", 3, GLA_FMT_OMEGAT},
        {NULL, "a,b", 3, GLA_FMT_CSV},
        {"glossary.xml", "a", 1, GLA_FMT_TBX},
        {NULL, "", 0, GLA_FMT_AUTO},
        {"x.tab", "", 0, GLA_FMT_OMEGAT},
        {NULL,
         "\xFF\xFE"
         "e\0n\0t\0r\0y\0\t\0l\0a\0n\0g\0\t\0t\0e\0r\0m\0",
         32, GLA_FMT_TSV},
        {NULL, "\xFE\xFF\0<\0t\0b\0x", 10, GLA_FMT_TBX},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        gla_format got =
            gla_io_detect(cases[i].name, cases[i].head, cases[i].len);
        if (got != cases[i].want)
            print_error("case %zu: got %s, want %s\n", i, gla_format_name(got),
                        gla_format_name(cases[i].want));
        assert_int_equal(got, cases[i].want);
    }
}

/* ---- lossless TSV ---- */

static void test_tsv_fixture(void **state)
{
    (void)state;
    coll c = {0};
    gla_buf err = GLA_BUF_INIT;
    gla_read_stats st;
    int rc = read_path(&c, data_path("glossary.tsv"), GLA_FMT_AUTO, &err, &st);
    if (rc)
        print_error("%s\n", err.data);
    assert_int_equal(rc, GLA_OK);
    assert_int_equal(st.format, GLA_FMT_TSV);
    assert_int_equal(st.entries, 4);
    assert_int_equal(st.terms, 13);
    assert_int_equal(c.n, 4);
    static const size_t lines[] = {5, 10, 13, 17};
    for (size_t i = 0; i < 4; i++)
        assert_int_equal(c.lines[i], lines[i]);

    const gla_entry *e = &c.v[0];
    assert_string_equal(e->ref, "rank.thuong-tuong");
    assert_int_equal(e->kind, GLA_KIND_RANK);
    assert_string_equal(e->subject, "defence");
    assert_string_equal(e->definition,
                        "Rank above colonel general\tand below general.");
    assert_string_equal(e->note, "Vietnamese People's Army rank");
    assert_int_equal(e->n_terms, 4);
    assert_string_equal(e->terms[0].text, "Thượng tướng");
    assert_string_equal(e->terms[0].pos, "noun");
    assert_string_equal(e->terms[0].source,
                        "vi.wikipedia: Quân hàm Quân đội nhân dân Việt Nam");
    assert_int_equal(e->terms[2].type, GLA_TYPE_VARIANT);
    assert_int_equal(e->terms[2].status, GLA_STATUS_ADMITTED);
    assert_string_equal(e->terms[2].note,
                        "Seen once.\nA backslash: \\ and C:\\path kept.");
    assert_null(e->terms[1].note);

    e = &c.v[1];
    assert_int_equal(e->kind, GLA_KIND_PERSON);
    assert_int_equal(e->terms[0].case_mode, GLA_CASE_SENSITIVE);
    assert_string_equal(e->terms[0].pos, "properNoun");
    assert_int_equal(e->terms[1].type, GLA_TYPE_TRANSLITERATION);

    e = &c.v[2];
    assert_int_equal(e->kind, GLA_KIND_ORGANIZATION);
    assert_int_equal(e->terms[0].type, GLA_TYPE_ACRONYM);
    assert_int_equal(e->terms[2].case_mode, GLA_CASE_INSENSITIVE);
    assert_int_equal(e->terms[3].status, GLA_STATUS_FORBIDDEN);

    e = &c.v[3];
    assert_int_equal(e->homonym, 1);
    assert_null(e->subject);
    /* Decomposed in the file, NFC once read. */
    assert_string_equal(e->terms[0].text, "H\xC3\xA0 N\xE1\xBB\x99i");
    assert_int_equal(e->terms[2].status, GLA_STATUS_DEPRECATED);
    coll_free(&c);
    gla_buf_dispose(&err);
}

static void test_tsv_bom_crlf(void **state)
{
    (void)state;
    coll c = {0};
    gla_buf err = GLA_BUF_INIT;
    assert_int_equal(
        read_path(&c, data_path("glossary-crlf.tsv"), GLA_FMT_TSV, &err, NULL),
        GLA_OK);
    assert_int_equal(c.n, 1);
    assert_string_equal(c.v[0].ref, "org.mod-vn");
    assert_int_equal(c.v[0].n_terms, 3);
    assert_string_equal(c.v[0].terms[0].text, "Bộ Quốc phòng");
    assert_string_equal(c.v[0].terms[0].lang, "vi");
    assert_int_equal(c.v[0].terms[0].status, GLA_STATUS_PREFERRED);
    assert_int_equal(c.v[0].terms[1].status, GLA_STATUS_ADMITTED);
    assert_string_equal(c.v[0].terms[2].text, "Ministry of National Defence");
    coll_free(&c);
    gla_buf_dispose(&err);
}

/* read -> write -> read is identity, and writing again gives the same
 * bytes. */
static void roundtrip(const char *fixture, gla_format in, gla_format out,
                      int any_order)
{
    coll a = {0}, b = {0}, c2 = {0};
    gla_buf err = GLA_BUF_INIT, t1 = GLA_BUF_INIT, t2 = GLA_BUF_INIT;
    int rc = read_path(&a, data_path(fixture), in, &err, NULL);
    if (rc)
        print_error("%s\n", err.data);
    assert_int_equal(rc, GLA_OK);
    assert_true(a.n > 0);
    write_all(&a, out, &t1, NULL);
    rc = read_mem(&b, out, "t1", t1.data, t1.len, &err, NULL);
    if (rc)
        print_error("%s\n%s\n", err.data, t1.data);
    assert_int_equal(rc, GLA_OK);
    assert_colls_equal(&a, &b, any_order);
    write_all(&b, out, &t2, NULL);
    assert_int_equal(t1.len, t2.len);
    assert_memory_equal(t1.data, t2.data, t1.len);
    assert_int_equal(read_mem(&c2, out, "t2", t2.data, t2.len, &err, NULL),
                     GLA_OK);
    assert_colls_equal(&b, &c2, 0);
    coll_free(&a);
    coll_free(&b);
    coll_free(&c2);
    gla_buf_dispose(&err);
    gla_buf_dispose(&t1);
    gla_buf_dispose(&t2);
}

static void test_tsv_roundtrip(void **state)
{
    (void)state;
    roundtrip("glossary.tsv", GLA_FMT_TSV, GLA_FMT_TSV, 0);
    roundtrip("glossary-crlf.tsv", GLA_FMT_TSV, GLA_FMT_TSV, 0);
    roundtrip("tbx3-dca.tbx", GLA_FMT_TBX, GLA_FMT_TSV, 0);
    roundtrip("tbx2008.tbx", GLA_FMT_TBX, GLA_FMT_TSV, 0);
}

static void test_tsv_write_exact(void **state)
{
    (void)state;
    gla_term terms[2] = {
        {0, "vi", "Đại tướng", GLA_STATUS_PREFERRED, GLA_TYPE_FULL_FORM, "noun",
         GLA_CASE_DEFAULT, "tab\there\nnew line \\ back", "seed:001"},
        {0, "FR", "général d'armée", GLA_STATUS_ADMITTED, GLA_TYPE_VARIANT,
         NULL, GLA_CASE_SENSITIVE, NULL, NULL},
    };
    gla_entry e = {0};
    e.ref = "rank.dai-tuong";
    e.kind = GLA_KIND_RANK;
    e.subject = "defence";
    e.homonym = 1;
    e.terms = terms;
    e.n_terms = 2;
    gla_buf out = GLA_BUF_INIT;
    gla_writer *w;
    assert_int_equal(gla_writer_new_buf(&w, GLA_FMT_TSV, &out, NULL), GLA_OK);
    assert_int_equal(gla_writer_put(w, &e), GLA_OK);
    assert_int_equal(gla_writer_finish(w), GLA_OK);
    assert_int_equal(gla_writer_stats(w)->records, 2);
    gla_writer_free(w);
    assert_string_equal(
        out.data,
        "entry\tkind\tsubject\tdefinition\tentry_note\thomonym\tlang\tterm\t"
        "status\ttype\tpos\tcase\tnote\tsource\n"
        "rank.dai-tuong\trank\tdefence\t\t\tyes\tvi\tĐại tướng\tpreferred\t"
        "fullForm\tnoun\t\ttab\\there\\nnew line \\\\ back\tseed:001\n"
        "rank.dai-tuong\trank\tdefence\t\t\tyes\tfr\tgénéral d'armée\t"
        "admitted\tvariant\t\tsensitive\t\t\n");
    coll c = {0};
    gla_buf err = GLA_BUF_INIT;
    assert_int_equal(
        read_mem(&c, GLA_FMT_AUTO, NULL, out.data, out.len, &err, NULL),
        GLA_OK);
    assert_int_equal(c.n, 1);
    assert_string_equal(c.v[0].terms[0].note, "tab\there\nnew line \\ back");
    assert_string_equal(c.v[0].terms[1].lang, "fr");
    coll_free(&c);
    gla_buf_dispose(&out);
    gla_buf_dispose(&err);
}

typedef struct err_case {
    gla_format fmt;   /* format to read as */
    const char *name; /* file name in messages */
    const char *in;   /* input */
    size_t len;       /* 0: strlen(in) */
    int rc;           /* expected result */
    const char *msg;  /* expected in the message */
} err_case;

static void run_err_cases(const err_case *cases, size_t n)
{
    int failed = 0;
    for (size_t i = 0; i < n; i++) {
        coll c = {0};
        gla_buf err = GLA_BUF_INIT;
        size_t len = cases[i].len ? cases[i].len : strlen(cases[i].in);
        int rc = read_mem(&c, cases[i].fmt, cases[i].name, cases[i].in, len,
                          &err, NULL);
        if (rc != cases[i].rc || !err.data || !strstr(err.data, cases[i].msg)) {
            print_error("case %zu: rc %d (want %d), message '%s' (want '%s')\n",
                        i, rc, cases[i].rc, err.data ? err.data : "",
                        cases[i].msg);
            failed++;
        } else {
            assert_null(strchr(err.data, '\n'));
        }
        coll_free(&c);
        gla_buf_dispose(&err);
    }
    assert_int_equal(failed, 0);
}

#define H "entry\tlang\tterm\n"

static void test_tsv_errors(void **state)
{
    (void)state;
    static const err_case cases[] = {
        {GLA_FMT_TSV, "t.tsv", "entry\tlang\tterm\tstatuss\n", 0, GLA_EPARSE,
         "t.tsv:1:17: unknown column 'statuss'"},
        {GLA_FMT_TSV, "t.tsv", "# c\nentry\tlang\n", 0, GLA_EPARSE,
         "t.tsv:2:1: the header has no 'term' column"},
        {GLA_FMT_TSV, "t.tsv", "entry\tlang\tterm\tlang\n", 0, GLA_EPARSE,
         "t.tsv:1:17: column 'lang' appears twice"},
        {GLA_FMT_TSV, "t.tsv", "entry\tlang\tterm\t\n", 0, GLA_EPARSE,
         "t.tsv:1:17: unknown column ''"},
        {GLA_FMT_TSV, "t.tsv",
         "entry\tlang\tterm\tstatus\nx\tfr\tle\tprefered\n", 0, GLA_EPARSE,
         "t.tsv:2:9: bad status 'prefered'"},
        {GLA_FMT_TSV, "t.tsv", "entry\tkind\tlang\tterm\nx\tpersn\tfr\tle\n", 0,
         GLA_EPARSE, "t.tsv:2:3: bad kind 'persn'"},
        {GLA_FMT_TSV, "t.tsv", "entry\tlang\tterm\ttype\nx\tfr\tle\tfull\n", 0,
         GLA_EPARSE, "t.tsv:2:9: bad type 'full'"},
        {GLA_FMT_TSV, "t.tsv", "entry\tlang\tterm\tcase\nx\tfr\tle\tupper\n", 0,
         GLA_EPARSE, "t.tsv:2:9: bad case 'upper'"},
        {GLA_FMT_TSV, "t.tsv", "entry\tlang\tterm\tpos\nx\tfr\tle\tarticle\n",
         0, GLA_EPARSE, "t.tsv:2:9: bad pos 'article'"},
        {GLA_FMT_TSV, "t.tsv", "entry\tlang\tterm\thomonym\nx\tfr\tle\tno\n", 0,
         GLA_EPARSE, "t.tsv:2:9: bad homonym value 'no'"},
        {GLA_FMT_TSV, "t.tsv", H "Person.X\tfr\tle\n", 0, GLA_EPARSE,
         "t.tsv:2:1: bad entry id 'Person.X'"},
        {GLA_FMT_TSV, "t.tsv", H "\tfr\tle\n", 0, GLA_EPARSE,
         "t.tsv:2:1: empty entry id"},
        {GLA_FMT_TSV, "t.tsv", H "x\tfr\t\n", 0, GLA_EPARSE,
         "t.tsv:2:6: empty term"},
        {GLA_FMT_TSV, "t.tsv", H "x\t\tle\n", 0, GLA_EPARSE,
         "t.tsv:2:3: empty lang"},
        {GLA_FMT_TSV, "t.tsv", H "x\tf r\tle\n", 0, GLA_EPARSE,
         "t.tsv:2:3: bad language tag 'f r'"},
        {GLA_FMT_TSV, "t.tsv", H "x\tfr\tle\textra\n", 0, GLA_EPARSE,
         "t.tsv:2:9: more fields than the header's 3 columns"},
        {GLA_FMT_TSV, "t.tsv", H "x\tfr\tl\xC3\n", 0, GLA_EUTF8,
         "t.tsv:2:7: invalid UTF-8 in term"},
        {GLA_FMT_TSV, "t.tsv",
         H "x\tfr\tl\x01"
           "e\n",
         0, GLA_EPARSE, "t.tsv:2:7: control character U+0001 in term"},
        {GLA_FMT_TSV, "t.tsv", H "x\tfr\tl\re\n", 0, GLA_EPARSE,
         "t.tsv:2:7: control character U+000D in term"},
        {GLA_FMT_TSV, "t.tsv",
         "entry\tkind\tlang\tterm\nx\tperson\tfr\tA\nx\tplace\tvi\tB\n", 0,
         GLA_EPARSE,
         "t.tsv:3:3: kind 'place' differs from the one given for entry 'x' at "
         "line 2"},
        {GLA_FMT_TSV, "t.tsv",
         "entry\tsubject\tlang\tterm\nx\tdefence\tfr\tA\nx\tdéfense\tvi\tB\n",
         0, GLA_EPARSE,
         "t.tsv:3:3: subject differs from the one given for entry 'x' at line "
         "2"},
        {GLA_FMT_TSV, "t.tsv", H "a\tfr\tA\nb\tfr\tB\n\na\tvi\tC\n", 0,
         GLA_EPARSE,
         "t.tsv:5:1: entry 'a' appears again; its rows (from line 2) must be "
         "contiguous"},
        {GLA_FMT_TSV, "t.tsv", H "a\tfr\tle\na\tFR\tle\n", 0, GLA_EPARSE,
         "t.tsv:3:6: term 'le' (fr) of entry 'a' repeats line 2"},
        {GLA_FMT_TSV, "u16.tsv",
         "\xFF\xFE"
         "e\0\0\xD8"
         "a\0",
         8, GLA_EENCODING, "u16.tsv:1:1: invalid UTF-16LE"},
        {GLA_FMT_TSV, "u16.tsv",
         "\xFF\xFE"
         "e\0n",
         5, GLA_EENCODING, "truncated UTF-16LE character"},
    };
    run_err_cases(cases, sizeof cases / sizeof *cases);
}

static void test_tsv_defaults_and_canon(void **state)
{
    (void)state;
    const char *in = "# only the required columns\n"
                     "lang\tentry\tterm\tkind\n"
                     "EN-gb\tx.1\tcolour\t\n"
                     "zh_hant_tw\tx.1\t顏色\tTerm\n"
                     "\t\t\t\n" /* tabs only: blank */
                     "sr-latn\tx.2\tboja\n";
    coll c = {0};
    gla_buf err = GLA_BUF_INIT;
    int rc = read_mem(&c, GLA_FMT_TSV, "d.tsv", in, strlen(in), &err, NULL);
    if (rc)
        print_error("%s\n", err.data);
    assert_int_equal(rc, GLA_OK);
    assert_int_equal(c.n, 2);
    assert_string_equal(c.v[0].terms[0].lang, "en-GB");
    assert_string_equal(c.v[0].terms[1].lang, "zh-Hant-TW");
    assert_string_equal(c.v[1].terms[0].lang, "sr-Latn");
    assert_int_equal(c.v[0].kind, GLA_KIND_TERM);
    assert_int_equal(c.v[0].terms[0].status, GLA_STATUS_ADMITTED);
    assert_int_equal(c.v[0].terms[0].type, GLA_TYPE_FULL_FORM);
    assert_int_equal(c.v[0].terms[0].case_mode, GLA_CASE_DEFAULT);
    assert_null(c.v[0].terms[0].pos);
    assert_null(c.v[0].subject);
    assert_int_equal(c.lines[1], 6);
    coll_free(&c);
    /* A header alone, or nothing at all: no entries, no error. */
    assert_int_equal(
        read_mem(&c, GLA_FMT_TSV, "h.tsv", H, strlen(H), &err, NULL), GLA_OK);
    assert_int_equal(c.n, 0);
    assert_int_equal(read_mem(&c, GLA_FMT_AUTO, NULL, "", 0, &err, NULL),
                     GLA_OK);
    assert_int_equal(c.n, 0);
    coll_free(&c);
    gla_buf_dispose(&err);
}

static void test_callback_stops(void **state)
{
    (void)state;
    const char *in = H "a\tfr\tA\nb\tfr\tB\nc\tfr\tC\n";
    coll c = {0};
    c.stop_at = 2;
    c.stop_rc = GLA_EEXISTS;
    gla_buf err = GLA_BUF_INIT;
    gla_read_stats st;
    assert_int_equal(
        read_mem(&c, GLA_FMT_TSV, "s.tsv", in, strlen(in), &err, &st),
        GLA_EEXISTS);
    assert_int_equal(c.n, 2);
    assert_int_equal(st.entries, 2);
    assert_int_equal(err.len, 0);
    coll_free(&c);
    gla_buf_dispose(&err);
}

/* A file larger than the read chunk, with a line longer than a chunk:
 * the streaming path must give what the memory path gives. */
static void test_tsv_large_file(void **state)
{
    (void)state;
    char path[] = "/tmp/gla_test_io_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "wb");
    assert_non_null(f);
    fputs("entry\tlang\tterm\tnote\n", f);
    const size_t n = 30000;
    for (size_t i = 0; i < n; i++) {
        fprintf(f, "e.%zu\tvi\tThượng tướng %zu\t\n", i, i);
        fprintf(f, "e.%zu\tfr\tgénéral %zu\t", i, i);
        if (i == 777)
            for (int k = 0; k < 30000; k++)
                fputs("ab\\t", f);
        fputs("\n", f);
    }
    fclose(f);
    coll c = {0};
    gla_buf err = GLA_BUF_INIT;
    gla_read_stats st;
    int rc = read_path(&c, path, GLA_FMT_AUTO, &err, &st);
    if (rc)
        print_error("%s\n", err.data);
    assert_int_equal(rc, GLA_OK);
    assert_int_equal(c.n, n);
    assert_int_equal(st.terms, 2 * n);
    assert_int_equal(st.lines, 2 * n + 1);
    assert_string_equal(c.v[n - 1].terms[1].text, "général 29999");
    assert_int_equal(strlen(c.v[777].terms[1].note), 90000);
    assert_int_equal(c.lines[n - 1], 2 * n);
    coll_free(&c);
    unlink(path);
    gla_buf_dispose(&err);
}

static void test_file_errors(void **state)
{
    (void)state;
    coll c = {0};
    gla_buf err = GLA_BUF_INIT;
    assert_int_equal(
        read_path(&c, "/nonexistent/g.tsv", GLA_FMT_AUTO, &err, NULL),
        GLA_ENOTFOUND);
    assert_has(err.data, "/nonexistent/g.tsv: cannot open");
    gla_buf_clear(&err);
    gla_read_opts o = GLA_READ_OPTS_INIT;
    o.src_lang = "not a tag";
    assert_int_equal(gla_io_read_mem("a", 1, &o, collect, &c, &err),
                     GLA_EINVAL);
    assert_has(err.data, "bad source language");
    gla_buf_clear(&err);
    o = (gla_read_opts)GLA_READ_OPTS_INIT;
    o.version = 0;
    assert_int_equal(gla_io_read_mem("a", 1, &o, collect, &c, &err),
                     GLA_EINVAL);
    assert_int_equal(c.n, 0);
    gla_buf_dispose(&err);
}

/* ---- OmegaT ---- */

static void check_pair(const gla_entry *e, const char *src, const char *tgt,
                       const char *note)
{
    assert_null(e->ref);
    assert_int_equal(e->n_terms, tgt ? 2 : 1);
    assert_string_equal(e->terms[0].lang, "fr");
    assert_string_equal(e->terms[0].text, src);
    if (tgt) {
        assert_string_equal(e->terms[1].lang, "vi");
        assert_string_equal(e->terms[1].text, tgt);
    }
    if (note)
        assert_string_equal(e->note, note);
    else
        assert_null(e->note);
}

static void test_omegat_bom_comments(void **state)
{
    (void)state;
    coll c = {0};
    gla_buf err = GLA_BUF_INIT;
    gla_read_stats st;
    assert_int_equal(
        read_path(&c, data_path("omegat-bom.txt"), GLA_FMT_AUTO, &err, &st),
        GLA_OK);
    assert_int_equal(st.format, GLA_FMT_OMEGAT);
    assert_int_equal(c.n, 4);
    check_pair(&c.v[0], "Thượng tướng", "Thượng tướng",
               "Vietnamese rank kept as is");
    check_pair(&c.v[1], "général de corps d'armée", "Thượng tướng", NULL);
    check_pair(&c.v[2], "ministère de la Défense", "Bộ Quốc phòng",
               "comment with \"quotes\", commas");
    check_pair(&c.v[3], "Hanoï", NULL, NULL);
    assert_int_equal(c.lines[0], 4);
    assert_int_equal(c.lines[3], 7);
    coll_free(&c);
    gla_buf_dispose(&err);
}

static void test_omegat_utf16(void **state)
{
    (void)state;
    static const char *const files[] = {"omegat-utf16le.txt",
                                        "omegat-utf16be.txt"};
    for (size_t i = 0; i < 2; i++) {
        coll c = {0};
        gla_buf err = GLA_BUF_INIT;
        int rc = read_path(&c, data_path(files[i]), GLA_FMT_AUTO, &err, NULL);
        if (rc)
            print_error("%s\n", err.data);
        assert_int_equal(rc, GLA_OK);
        assert_int_equal(c.n, 2);
        check_pair(&c.v[0], "général", "Đại tướng", "grade");
        check_pair(&c.v[1], "ministre de la Défense", "Bộ trưởng Bộ Quốc phòng",
                   NULL);
        assert_int_equal(c.lines[1], 3);
        coll_free(&c);
        gla_buf_dispose(&err);
    }
}

/* UTF-16 through the file path, across many read chunks. */
static void test_omegat_utf16_large(void **state)
{
    (void)state;
    gla_buf text = GLA_BUF_INIT;
    const size_t n = 20000;
    for (size_t i = 0; i < n; i++)
        gla_buf_printf(&text, "général %zu\tĐại tướng %zu\tđ\r\n", i, i);
    /* UTF-8 -> UTF-16LE by hand (BMP only here). */
    gla_buf u16 = GLA_BUF_INIT;
    gla_buf_put(&u16, "\xFF\xFE", 2);
    const unsigned char *p = (const unsigned char *)text.data;
    for (size_t i = 0; i < text.len;) {
        unsigned cp;
        if (p[i] < 0x80)
            cp = p[i++];
        else if (p[i] < 0xE0) {
            cp = ((p[i] & 0x1Fu) << 6) | (p[i + 1] & 0x3Fu);
            i += 2;
        } else {
            cp = ((p[i] & 0x0Fu) << 12) | ((p[i + 1] & 0x3Fu) << 6) |
                 (p[i + 2] & 0x3Fu);
            i += 3;
        }
        char u[2] = {(char)(cp & 0xFF), (char)(cp >> 8)};
        gla_buf_put(&u16, u, 2);
    }
    char path[] = "/tmp/gla_test_io16_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "wb");
    assert_int_equal(fwrite(u16.data, 1, u16.len, f), u16.len);
    fclose(f);
    coll c = {0};
    gla_buf err = GLA_BUF_INIT;
    int rc = read_path(&c, path, GLA_FMT_OMEGAT, &err, NULL);
    if (rc)
        print_error("%s\n", err.data);
    assert_int_equal(rc, GLA_OK);
    assert_int_equal(c.n, n);
    check_pair(&c.v[n - 1], "général 19999", "Đại tướng 19999", "đ");
    coll_free(&c);
    unlink(path);
    gla_buf_dispose(&err);
    gla_buf_dispose(&text);
    gla_buf_dispose(&u16);
}

static void test_csv_fixture(void **state)
{
    (void)state;
    coll c = {0};
    gla_buf err = GLA_BUF_INIT;
    gla_read_stats st;
    assert_int_equal(
        read_path(&c, data_path("omegat.csv"), GLA_FMT_AUTO, &err, &st),
        GLA_OK);
    assert_int_equal(st.format, GLA_FMT_CSV);
    assert_int_equal(c.n, 8);
    check_pair(&c.v[0], "kde", "csv kde", NULL);
    check_pair(&c.v[1], "kde, qu", "comma inside quotes", NULL);
    check_pair(&c.v[2], "\"kde\",\"q\"", "doubled quotes", NULL);
    check_pair(&c.v[3], "\"\"k", "k", NULL);
    check_pair(&c.v[4], "zz\"zz", "unquoted quote kept", NULL);
    check_pair(&c.v[5], "ligne un\nligne deux", "Đại tướng", "a comment");
    check_pair(&c.v[6], "#not a comment", "vi", NULL);
    check_pair(&c.v[7], "Việt Nam", "Việt Nam",
               "note, with \"quotes\"\nand a newline");
    assert_int_equal(c.lines[5], 7);
    coll_free(&c);
    gla_buf_dispose(&err);
}

static void test_omegat_errors(void **state)
{
    (void)state;
    static const err_case cases[] = {
        {GLA_FMT_OMEGAT, "g.txt", "a\tb\tc\td\n", 0, GLA_EPARSE,
         "g.txt:1:7: more than 3 columns"},
        {GLA_FMT_OMEGAT, "g.txt", "ok\tfine\n \tb\n", 0, GLA_EPARSE,
         "g.txt:2:1: empty source term"},
        {GLA_FMT_OMEGAT, "g.txt", "a\tb\xFF\n", 0, GLA_EUTF8,
         "g.txt:1:4: invalid UTF-8 in the target term"},
        {GLA_FMT_OMEGAT, "g.txt", "a\0b\tc", 5, GLA_EPARSE,
         "g.txt:1:2: control character U+0000"},
        {GLA_FMT_OMEGAT, "g.txt", "# -*- coding: no-such-charset -*-\na\tb\n",
         0, GLA_EENCODING, "g.txt:1:1: unknown encoding 'no-such-charset'"},
        {GLA_FMT_CSV, "g.csv", "a,b\n\"abc,d\n", 0, GLA_EPARSE,
         "g.csv:2:1: quoted field never closed"},
        {GLA_FMT_CSV, "g.csv", "\"a\"b,c\n", 0, GLA_EPARSE,
         "g.csv:1:4: unexpected character after a closing quote"},
        {GLA_FMT_CSV, "g.csv", "a,b,c,d\n", 0, GLA_EPARSE,
         "g.csv:1:7: more than 3 fields"},
        {GLA_FMT_CSV, "g.csv", ",b\n", 0, GLA_EPARSE,
         "g.csv:1:1: empty source term"},
    };
    run_err_cases(cases, sizeof cases / sizeof *cases);
}

static void test_omegat_magic_comment(void **state)
{
    (void)state;
    /* Latin-1 declared by the coding comment. */
    const char in[] = "# -*- coding: ISO-8859-1 -*-\ng\xE9n\xE9ral\tgeneral\n";
    coll c = {0};
    gla_buf err = GLA_BUF_INIT;
    int rc =
        read_mem(&c, GLA_FMT_OMEGAT, "l1.tab", in, sizeof in - 1, &err, NULL);
    if (rc)
        print_error("%s\n", err.data);
    assert_int_equal(rc, GLA_OK);
    assert_int_equal(c.n, 1);
    check_pair(&c.v[0], "général", "general", NULL);
    coll_free(&c);
    gla_buf_dispose(&err);
}

static void test_omegat_languages(void **state)
{
    (void)state;
    gla_read_opts o = GLA_READ_OPTS_INIT;
    o.format = GLA_FMT_OMEGAT;
    o.src_lang = "EN";
    o.tgt_lang = "fr_ca";
    coll c = {0};
    gla_buf err = GLA_BUF_INIT;
    assert_int_equal(gla_io_read_mem("a\tb\n", 4, &o, collect, &c, &err),
                     GLA_OK);
    assert_string_equal(c.v[0].terms[0].lang, "en");
    assert_string_equal(c.v[0].terms[1].lang, "fr-CA");
    coll_free(&c);
    gla_buf_dispose(&err);
}

/* OmegaT fixtures shipped with OmegaT, when the machine has them. */
static void test_omegat_upstream_fixtures(void **state)
{
    (void)state;
    const char *dir = getenv("GLA_OMEGAT_FIXTURES");
    if (!dir)
        dir = "/work/shared/data/formats/omegat/glossaries";
    struct stat sb;
    if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
        print_message("OmegaT fixtures not found in %s; skipped\n", dir);
        skip();
    }
    static const struct {
        const char *file;
        size_t entries;
        const char *src0, *tgt0, *note0; /* first entry */
    } cases[] = {
        {"test.tab", 4, "kde", "koo moo", NULL},
        {"testUTF16LE.txt", 2, "UTF", "Unicode Transformation Format",
         "Comment #1"},
        {"test.csv", 7, "kde", "csv kde", NULL},
        {"test-magiccomment.tab", 0, NULL, NULL, NULL},
        {"test-magiccomment-bom.tab", 0, NULL, NULL, NULL},
        {"empty.txt", 0, NULL, NULL, NULL},
        {"sampleTBXfile.tbx", 1, NULL, NULL, NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char path[4096];
        int pn = snprintf(path, sizeof path, "%s/%s", dir, cases[i].file);
        assert_true(pn > 0 && (size_t)pn < sizeof path);
        if (stat(path, &sb) != 0)
            continue;
        coll c = {0};
        gla_buf err = GLA_BUF_INIT;
        int rc = read_path(&c, path, GLA_FMT_AUTO, &err, NULL);
        if (rc)
            print_error("%s: %s\n", cases[i].file, err.data);
        assert_int_equal(rc, GLA_OK);
        assert_int_equal(c.n, cases[i].entries);
        if (cases[i].src0)
            check_pair(&c.v[0], cases[i].src0, cases[i].tgt0, cases[i].note0);
        if (i == 2) { /* the CSV quoting cases */
            check_pair(&c.v[3], "kde, qu", "comma dot", NULL);
            check_pair(&c.v[4], "\"kde\",\"q\"", "cdk", NULL);
            check_pair(&c.v[5], "\"\"k", "k", NULL);
            check_pair(&c.v[6], "zz\"zz", "zz", NULL);
        }
        if (i == 0)
            check_pair(&c.v[2], "地球システム", "System Terre",
                       "https://fr.wikipedia.org/wiki/"
                       "Science_du_syst%C3%A8me_Terre");
        if (i == 6) {
            assert_string_equal(c.v[0].ref, "eid-oracle-67");
            assert_string_equal(c.v[0].subject, "manufacturing");
            assert_int_equal(c.v[0].n_terms, 2);
            assert_string_equal(c.v[0].terms[1].lang, "hu");
            assert_string_equal(c.v[0].terms[0].pos, "noun");
        }
        coll_free(&c);
        gla_buf_dispose(&err);
    }
}

static void test_omegat_write(void **state)
{
    (void)state;
    const char *in = "entry\tlang\tterm\tstatus\tnote\tentry_note\tdefinition\n"
                     "a\tfr\tgénéral\tpreferred\t\tgrade\t\n"
                     "a\tfr\tgal\tdeprecated\t\t\t\n"
                     "a\tvi\tĐại tướng\tpreferred\tvi note\t\t\n"
                     "a\tvi\tĐại tướng cũ\tsuperseded\t\t\t\n"
                     "a\ten\tGeneral\t\t\t\t\n"
                     "b\tfr\tvirgule, \"guillemets\"\t\t\t\tdef\n"
                     "b\tvi\tline\\nbreak\t\t\t\t\n"
                     "c\tvi\tchỉ tiếng Việt\t\t\t\t\n"
                     "d\tfr\t#hash\t\t\t\t\n"
                     "d\tvi\tx\t\t\t\t\n"
                     "e\tfr\tseul\t\t\t\t\n"
                     "f\tfr\trejeté\t\t\t\t\n"
                     "f\tvi\tbị cấm\tforbidden\t\t\t\n";
    coll c = {0};
    gla_buf err = GLA_BUF_INIT;
    assert_int_equal(
        read_mem(&c, GLA_FMT_TSV, "w.tsv", in, strlen(in), &err, NULL), GLA_OK);
    assert_int_equal(c.n, 6);
    gla_buf out = GLA_BUF_INIT;
    gla_write_stats st;
    write_all(&c, GLA_FMT_OMEGAT, &out, &st);
    assert_string_equal(out.data, "général\tĐại tướng\tgrade | vi note\n"
                                  "gal\tĐại tướng\tgrade | vi note\n"
                                  "virgule, \"guillemets\"\tline break\tdef\n"
                                  "seul\n");
    assert_int_equal(st.entries, 6);
    assert_int_equal(st.records, 4);
    /* line break replaced, c has no French, #hash, f has no usable target */
    assert_int_equal(st.lossy, 4);
    gla_buf_clear(&out);
    write_all(&c, GLA_FMT_CSV, &out, &st);
    assert_string_equal(out.data,
                        "général,Đại tướng,grade | vi note\n"
                        "gal,Đại tướng,grade | vi note\n"
                        "\"virgule, \"\"guillemets\"\"\",\"line\nbreak\",def\n"
                        "\"#hash\",x\n"
                        "seul\n");
    assert_int_equal(st.lossy, 2);
    /* What the CSV writer wrote reads back as the same pairs. */
    coll back = {0};
    assert_int_equal(
        read_mem(&back, GLA_FMT_CSV, "w.csv", out.data, out.len, &err, NULL),
        GLA_OK);
    assert_int_equal(back.n, 5);
    check_pair(&back.v[2], "virgule, \"guillemets\"", "line\nbreak", "def");
    check_pair(&back.v[3], "#hash", "x", NULL);
    check_pair(&back.v[4], "seul", NULL, NULL);
    coll_free(&back);
    coll_free(&c);
    gla_buf_dispose(&out);
    gla_buf_dispose(&err);
}

static void test_omegat_roundtrip(void **state)
{
    (void)state;
    roundtrip("omegat-bom.txt", GLA_FMT_OMEGAT, GLA_FMT_OMEGAT, 0);
    roundtrip("omegat.csv", GLA_FMT_CSV, GLA_FMT_CSV, 0);
    roundtrip("omegat.csv", GLA_FMT_CSV, GLA_FMT_JSONL, 0);
}

/* ---- TBX ---- */

static void test_tbx2008(void **state)
{
    (void)state;
    coll c = {0};
    gla_buf err = GLA_BUF_INIT;
    gla_read_stats st;
    int rc = read_path(&c, data_path("tbx2008.tbx"), GLA_FMT_AUTO, &err, &st);
    if (rc)
        print_error("%s\n", err.data);
    assert_int_equal(rc, GLA_OK);
    assert_int_equal(st.format, GLA_FMT_TBX);
    assert_int_equal(c.n, 2);
    /* transacGrp skipped, id case folded, unknown status, unknown category */
    assert_int_equal(st.warnings, 4);
    const gla_entry *e = &c.v[0];
    assert_string_equal(e->ref, "rank.dai-tuong");
    assert_int_equal(c.lines[0], 17);
    assert_string_equal(e->subject, "defence");
    assert_string_equal(
        e->definition,
        "Highest general officer rank of the Vietnam People's Army.");
    assert_string_equal(e->note, "source: vi.wikipedia");
    assert_int_equal(e->n_terms, 5);
    static const struct {
        const char *lang, *text;
        gla_status status;
        gla_term_type type;
        const char *pos, *note, *source;
    } want[] = {
        {"vi", "Đại tướng", GLA_STATUS_PREFERRED, GLA_TYPE_FULL_FORM, "noun",
         "context: Đại tướng Phan Văn Giang, Bộ trưởng Bộ Quốc phòng.",
         "Quân đội nhân dân"},
        {"fr", "général d'armée", GLA_STATUS_ADMITTED, GLA_TYPE_FULL_FORM, NULL,
         "Équivalent approché.", NULL},
        {"fr", "général quatre étoiles", GLA_STATUS_DEPRECATED,
         GLA_TYPE_FULL_FORM, NULL, NULL, NULL},
        {"en", "General", GLA_STATUS_ADMITTED, GLA_TYPE_FULL_FORM, NULL,
         "administrativeStatus: Translation needed: No", NULL},
        {"en", "Gen.", GLA_STATUS_SUPERSEDED, GLA_TYPE_ABBREVIATION, NULL, NULL,
         NULL},
    };
    for (size_t i = 0; i < 5; i++) {
        const gla_term *t = &e->terms[i];
        assert_string_equal(t->lang, want[i].lang);
        assert_string_equal(t->text, want[i].text);
        assert_int_equal(t->status, want[i].status);
        assert_int_equal(t->type, want[i].type);
        assert_true(str_eq(t->pos, want[i].pos));
        assert_true(str_eq(t->note, want[i].note));
        assert_true(str_eq(t->source, want[i].source));
    }
    e = &c.v[1];
    assert_string_equal(e->ref, "eid-oracle-67");
    assert_int_equal(e->terms[0].status, GLA_STATUS_SUPERSEDED);
    assert_int_equal(e->terms[1].status, GLA_STATUS_ADMITTED);
    assert_string_equal(e->terms[1].note, "administrativeStatus: somethingOdd\n"
                                          "grammaticalGender: neuter");
    coll_free(&c);
    gla_buf_dispose(&err);
}

static void test_tbx3_dca(void **state)
{
    (void)state;
    coll c = {0};
    gla_buf err = GLA_BUF_INIT;
    gla_read_stats st;
    int rc = read_path(&c, data_path("tbx3-dca.tbx"), GLA_FMT_AUTO, &err, &st);
    if (rc)
        print_error("%s\n", err.data);
    assert_int_equal(rc, GLA_OK);
    assert_int_equal(c.n, 3);
    assert_int_equal(st.warnings, 0);
    const gla_entry *e = &c.v[0];
    assert_string_equal(e->ref, "person.phan-van-giang");
    assert_int_equal(e->kind, GLA_KIND_PERSON);
    assert_string_equal(e->note, "Name order: family, middle, given.");
    assert_string_equal(e->definition, "Vietnamese general, Minister of "
                                       "National Defence since 2021.");
    assert_int_equal(e->terms[0].case_mode, GLA_CASE_SENSITIVE);
    assert_string_equal(e->terms[0].pos, "properNoun");
    assert_string_equal(e->terms[0].source, "vi.wikipedia: Phan Văn Giang");
    assert_string_equal(e->terms[0].note,
                        "context: Đại tướng Phan Văn Giang tiếp Bộ trưởng "
                        "Quốc phòng Pháp.\nHọ Phan, tên Giang.");
    assert_int_equal(e->terms[1].type, GLA_TYPE_TRANSLITERATION);
    assert_int_equal(e->terms[2].status, GLA_STATUS_FORBIDDEN);
    assert_null(e->terms[2].note);
    e = &c.v[1];
    assert_int_equal(e->kind, GLA_KIND_ORGANIZATION);
    assert_int_equal(e->homonym, 1);
    assert_string_equal(e->subject, "diplomacy & peacekeeping");
    assert_string_equal(e->terms[0].note, "Force intérimaire de sécurité des "
                                          "Nations unies pour Abyei <UNISFA>");
    assert_string_equal(e->terms[1].text,
                        "Lực lượng An ninh Lâm thời Liên hợp quốc tại Abyei");
    e = &c.v[2];
    assert_string_equal(e->ref, "2024.tet");
    assert_string_equal(e->terms[0].text, "Tết Nguyên Đán");
    coll_free(&c);
    gla_buf_dispose(&err);
}

static void test_tbx3_dct(void **state)
{
    (void)state;
    coll c = {0};
    gla_buf err = GLA_BUF_INIT;
    gla_read_stats st;
    int rc = read_path(&c, data_path("tbx3-dct.tbx"), GLA_FMT_AUTO, &err, &st);
    if (rc)
        print_error("%s\n", err.data);
    assert_int_equal(rc, GLA_OK);
    assert_int_equal(c.n, 1);
    assert_int_equal(st.warnings, 1); /* grammaticalGender kept as a note */
    const gla_entry *e = &c.v[0];
    assert_string_equal(e->ref, "place.hue");
    assert_string_equal(e->subject, "geography");
    assert_string_equal(e->definition,
                        "Thành phố ở miền Trung Việt Nam, cố đô triều Nguyễn.");
    assert_string_equal(e->terms[0].text, "Huế");
    assert_string_equal(e->terms[0].pos, "properNoun");
    assert_int_equal(e->terms[0].status, GLA_STATUS_PREFERRED);
    assert_string_equal(e->terms[0].source, "vi.wikipedia: Huế");
    assert_string_equal(
        e->terms[0].note,
        "context: Cố đô Huế nằm bên bờ sông Hương.\nKinh đô cũ.");
    assert_int_equal(e->terms[1].status, GLA_STATUS_PREFERRED);
    assert_string_equal(e->terms[1].note, "grammaticalGender: masculine");
    assert_int_equal(e->terms[2].status, GLA_STATUS_DEPRECATED);
    coll_free(&c);
    gla_buf_dispose(&err);
}

static void test_tbx_roundtrip(void **state)
{
    (void)state;
    roundtrip("tbx2008.tbx", GLA_FMT_TBX, GLA_FMT_TBX, 0);
    roundtrip("tbx3-dca.tbx", GLA_FMT_TBX, GLA_FMT_TBX, 0);
    roundtrip("tbx3-dct.tbx", GLA_FMT_TBX, GLA_FMT_TBX, 0);
    /* Everything the lossless TSV holds survives TBX (terms regrouped by
     * language). */
    roundtrip("glossary.tsv", GLA_FMT_TSV, GLA_FMT_TBX, 1);
}

static void test_tbx_write_exact(void **state)
{
    (void)state;
    gla_term terms[3] = {
        {0, "fr", "MINUSS", GLA_STATUS_PREFERRED, GLA_TYPE_ACRONYM, NULL,
         GLA_CASE_DEFAULT, NULL, "seed:003"},
        {0, "vi", "Phái bộ <LHQ> & Nam Sudan", GLA_STATUS_FORBIDDEN,
         GLA_TYPE_FULL_FORM, "noun", GLA_CASE_INSENSITIVE,
         "a\ncontext: Phái bộ \"UNMISS\"\nb", NULL},
        {0, "fr", "MINUS", GLA_STATUS_DEPRECATED, GLA_TYPE_ACRONYM, NULL,
         GLA_CASE_DEFAULT, NULL, NULL},
    };
    gla_entry e = {0};
    e.ref = "3.org";
    e.kind = GLA_KIND_ORGANIZATION;
    e.definition = "UN mission";
    e.note = "n";
    e.homonym = 1;
    e.terms = terms;
    e.n_terms = 3;
    gla_buf out = GLA_BUF_INIT;
    gla_writer *w;
    gla_write_opts o = GLA_WRITE_OPTS_INIT;
    o.title = "Test & co";
    o.xml_lang = "fr";
    assert_int_equal(gla_writer_new_buf(&w, GLA_FMT_TBX, &out, &o), GLA_OK);
    assert_int_equal(gla_writer_put(w, &e), GLA_OK);
    assert_int_equal(gla_writer_finish(w), GLA_OK);
    gla_writer_free(w);
    const char *body = strstr(out.data, "      <conceptEntry");
    assert_non_null(body);
    assert_has(out.data, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<tbx "
                         "style=\"dca\" type=\"TBX-Basic\" xml:lang=\"fr\" "
                         "xmlns=\"urn:iso:std:iso:30042:ed-2\">\n"
                         "  <tbxHeader>\n    <fileDesc>\n      <titleStmt>\n"
                         "        <title>Test &amp; co</title>\n");
    assert_string_equal(
        body,
        "      <conceptEntry id=\"_3.org\">\n"
        "        <descrip type=\"definition\">UN mission</descrip>\n"
        "        <note>glossalign:kind=organization</note>\n"
        "        <note>glossalign:homonym=yes</note>\n"
        "        <note>n</note>\n"
        "        <langSec xml:lang=\"fr\">\n"
        "          <termSec>\n"
        "            <term>MINUSS</term>\n"
        "            <termNote "
        "type=\"administrativeStatus\">preferredTerm-admn-sts</termNote>\n"
        "            <termNote type=\"termType\">acronym</termNote>\n"
        "            <admin type=\"source\">seed:003</admin>\n"
        "          </termSec>\n"
        "          <termSec>\n"
        "            <term>MINUS</term>\n"
        "            <termNote "
        "type=\"administrativeStatus\">deprecatedTerm-admn-sts</termNote>\n"
        "            <termNote type=\"termType\">acronym</termNote>\n"
        "          </termSec>\n"
        "        </langSec>\n"
        "        <langSec xml:lang=\"vi\">\n"
        "          <termSec>\n"
        "            <term>Phái bộ &lt;LHQ&gt; &amp; Nam Sudan</term>\n"
        "            <termNote "
        "type=\"administrativeStatus\">deprecatedTerm-admn-sts</termNote>\n"
        "            <termNote type=\"termType\">fullForm</termNote>\n"
        "            <termNote type=\"partOfSpeech\">noun</termNote>\n"
        "            <note>glossalign:status=forbidden</note>\n"
        "            <note>glossalign:case=insensitive</note>\n"
        "            <note>a</note>\n"
        "            <descrip type=\"context\">Phái bộ \"UNMISS\"</descrip>\n"
        "            <note>b</note>\n"
        "          </termSec>\n"
        "        </langSec>\n"
        "      </conceptEntry>\n"
        "    </body>\n"
        "  </text>\n"
        "</tbx>\n");
    coll c = {0};
    gla_buf err = GLA_BUF_INIT;
    assert_int_equal(
        read_mem(&c, GLA_FMT_AUTO, NULL, out.data, out.len, &err, NULL),
        GLA_OK);
    assert_int_equal(c.n, 1);
    gla_entry want = e;
    gla_term regrouped[3] = {terms[0], terms[2], terms[1]};
    want.terms = regrouped;
    assert_true(entry_eq(&c.v[0], &want, 0));
    coll_free(&c);
    /* An empty export is a valid document with no entries. */
    gla_buf_clear(&out);
    assert_int_equal(gla_writer_new_buf(&w, GLA_FMT_TBX, &out, NULL), GLA_OK);
    assert_int_equal(gla_writer_finish(w), GLA_OK);
    gla_writer_free(w);
    assert_int_equal(
        read_mem(&c, GLA_FMT_TBX, "e.tbx", out.data, out.len, &err, NULL),
        GLA_OK);
    assert_int_equal(c.n, 0);
    gla_buf_dispose(&out);
    gla_buf_dispose(&err);
}

#define TBX_OPEN "<tbx xmlns=\"urn:iso:std:iso:30042:ed-2\"><text><body>\n"
#define TBX_CLOSE "</body></text></tbx>\n"

static void test_tbx_errors(void **state)
{
    (void)state;
    static const err_case cases[] = {
        {GLA_FMT_TBX, "s.tbx",
         TBX_OPEN "<conceptEntry id=\"a\">\n<langSec xml:lang=\"fr\">\n"
                  "<term>x</term></langSec></conceptEntry>" TBX_CLOSE,
         0, GLA_EPARSE,
         "s.tbx:4:1: element <term> at line 4 is outside <termSec> (or "
         "<tig>)"},
        {GLA_FMT_TBX, "s.tbx",
         TBX_OPEN
         "<conceptEntry id=\"a\">\n\n  <langSec>\n"
         "<termSec><term>x</term></termSec></langSec></conceptEntry>" TBX_CLOSE,
         0, GLA_EPARSE,
         "s.tbx:4:1: element <langSec> at line 4 has no xml:lang"},
        {GLA_FMT_TBX, "s.tbx",
         TBX_OPEN
         "<conceptEntry id=\"a\"><langSec xml:lang=\"f r\">"
         "<termSec><term>x</term></termSec></langSec></conceptEntry>" TBX_CLOSE,
         0, GLA_EPARSE, "has a bad xml:lang 'f r'"},
        {GLA_FMT_TBX, "s.tbx",
         TBX_OPEN
         "<conceptEntry id=\"a\">\n<langSec xml:lang=\"fr\">"
         "<termSec><term>x</termSec></term></langSec></conceptEntry>" TBX_CLOSE,
         0, GLA_EPARSE, "s.tbx:3:"},
        {GLA_FMT_TBX, "s.tbx",
         TBX_OPEN
         "<conceptEntry id=\"a\">\n<langSec xml:lang=\"fr\">"
         "<termSec><term>x</term></termSec>\n</conceptEntry>" TBX_CLOSE,
         0, GLA_EPARSE, "Opening and ending tag mismatch: langSec line 3"},
        {GLA_FMT_TBX, "s.tbx", "<html>\n<body/></html>", 0, GLA_EPARSE,
         "s.tbx:1:1: element <html> at line 1 is not a TBX document element"},
        {GLA_FMT_TBX, "s.tbx",
         TBX_OPEN
         "<conceptEntry id=\"a\"><langSec xml:lang=\"fr\">\n"
         "<termSec><note>n</note></termSec></langSec></conceptEntry>" TBX_CLOSE,
         0, GLA_EPARSE, "s.tbx:3:1: element <termSec> at line 3 has no <term>"},
        {GLA_FMT_TBX, "s.tbx",
         TBX_OPEN
         "<conceptEntry id=\"a\"><note>n</note></conceptEntry>" TBX_CLOSE,
         0, GLA_EPARSE, "element <conceptEntry> at line 2 has no terms"},
        {GLA_FMT_TBX, "s.tbx",
         TBX_OPEN
         "<conceptEntry id=\"a\"><langSec xml:lang=\"fr\">"
         "<termSec><term> </term></termSec></langSec></conceptEntry>" TBX_CLOSE,
         0, GLA_EPARSE, "element <term> at line 2 is empty"},
        {GLA_FMT_TBX, "s.tbx",
         TBX_OPEN "<conceptEntry id=\"a\"><langSec xml:lang=\"fr\">"
                  "<termSec><term>x</term><term>y</term></termSec></langSec>"
                  "</conceptEntry>" TBX_CLOSE,
         0, GLA_EPARSE, "is a second <term> in one term section"},
        {GLA_FMT_TBX, "s.tbx", TBX_OPEN "<div/>" TBX_CLOSE, 0, GLA_EPARSE,
         "element <div> at line 2 is out of place in <body>"},
        {GLA_FMT_TBX, "s.tbx",
         TBX_OPEN "<conceptEntry id=\"a\"><termSec><term>x</term></termSec>"
                  "</conceptEntry>" TBX_CLOSE,
         0, GLA_EPARSE,
         "element <termSec> at line 2 is outside <langSec> (or <langSet>)"},
        {GLA_FMT_TBX, "s.tbx",
         TBX_OPEN "<conceptEntry id=\"a\"><langSec xml:lang=\"fr\">"
                  "<termSec><term>x",
         0, GLA_EPARSE, "s.tbx:2:"},
        {GLA_FMT_TBX, "s.tbx",
         TBX_OPEN "<conceptEntry id=\"a\"><langSec xml:lang=\"fr\">"
                  "<termSec><term>a&#1;b</term></termSec></langSec>"
                  "</conceptEntry>" TBX_CLOSE,
         0, GLA_EPARSE, "s.tbx:2:"},
        {GLA_FMT_TBX, "s.tbx", "kde\tkoo\n", 0, GLA_EPARSE, "s.tbx:1:1: "},
        {GLA_FMT_TBX, "s.tbx", "", 0, GLA_EPARSE, "s.tbx:"},
    };
    run_err_cases(cases, sizeof cases / sizeof *cases);
}

/* Each attack must fail cleanly, quickly, without reading the file. */
static void attack(const char *name, const char *data, size_t len,
                   const char *msg)
{
    coll c = {0};
    gla_buf err = GLA_BUF_INIT;
    double t0 = now();
    int rc;
    if (data)
        rc = read_mem(&c, GLA_FMT_AUTO, name, data, len, &err, NULL);
    else
        rc = read_path(&c, data_path(name), GLA_FMT_AUTO, &err, NULL);
    double dt = now() - t0;
    if (rc != GLA_EPARSE || !err.data || !strstr(err.data, msg))
        print_error("%s: rc %d, '%s' (want '%s')\n", name, rc,
                    err.data ? err.data : "", msg);
    assert_int_equal(rc, GLA_EPARSE);
    assert_has(err.data, msg);
    assert_int_equal(c.n, 0);
    assert_null(strstr(err.data, "root:")); /* nothing of /etc/passwd */
    if (dt >= 0.5)
        print_error("%s took %.3f s\n", name, dt);
    assert_true(dt < 0.5);
    coll_free(&c);
    gla_buf_dispose(&err);
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    gla_buf b = GLA_BUF_INIT;
    char tmp[4096];
    size_t n;
    while ((n = fread(tmp, 1, sizeof tmp, f)) > 0)
        gla_buf_put(&b, tmp, n);
    fclose(f);
    *len = b.len;
    return b.data;
}

static void test_xml_attacks(void **state)
{
    (void)state;
    alarm(20); /* a hang fails the test instead of stalling ctest */
    attack("billion-laughs.tbx", NULL, 0,
           "billion-laughs.tbx:2:1: <!DOCTYPE> with an internal subset is "
           "not accepted");
    attack("xxe.tbx", NULL, 0,
           "xxe.tbx:2:1: <!DOCTYPE> with an internal subset is not accepted");
    attack("xxe-external.tbx", NULL, 0, "xxe-external.tbx:9:");

    size_t len;
    char *bl = slurp(data_path("billion-laughs.tbx"), &len);
    /* The same in UTF-16LE: the prolog check sees through the encoding. */
    gla_buf u16 = GLA_BUF_INIT;
    gla_buf_put(&u16, "\xFF\xFE", 2);
    for (size_t i = 0; i < len; i++) {
        char u[2] = {bl[i], 0};
        gla_buf_put(&u16, u, 2);
    }
    attack("bl16.tbx", u16.data, u16.len, "<!DOCTYPE> with an internal subset");
    /* Past the prolog check's window: libxml2's own limits and the reader's
     * checks still stop it. */
    gla_buf hidden = GLA_BUF_INIT;
    const char *nl = strchr(bl, '\n');
    gla_buf_put(&hidden, bl, (size_t)(nl - bl) + 1);
    gla_buf_puts(&hidden, "<!--");
    for (int i = 0; i < 70000; i++)
        gla_buf_put(&hidden, "x", 1);
    gla_buf_puts(&hidden, "-->\n");
    gla_buf_puts(&hidden, nl + 1);
    attack("hidden.tbx", hidden.data, hidden.len, "hidden.tbx:");
    /* Quadratic blowup behind the window: one big entity used many times. */
    gla_buf quad = GLA_BUF_INIT;
    gla_buf_puts(&quad, "<?xml version=\"1.0\"?>\n<!--");
    for (int i = 0; i < 70000; i++)
        gla_buf_put(&quad, "x", 1);
    gla_buf_puts(&quad, "-->\n<!DOCTYPE tbx [<!ENTITY a \"");
    for (int i = 0; i < 50000; i++)
        gla_buf_put(&quad, "a", 1);
    gla_buf_puts(&quad, "\">]>\n<tbx><text><body><conceptEntry id=\"c\">"
                        "<langSec xml:lang=\"en\"><termSec><term>");
    for (int i = 0; i < 50000; i++)
        gla_buf_puts(&quad, "&a;");
    gla_buf_puts(&quad, "</term></termSec></langSec></conceptEntry></body>"
                        "</text></tbx>\n");
    attack("quad.tbx", quad.data, quad.len, "quad.tbx:");
    alarm(0);
    free(bl);
    gla_buf_dispose(&u16);
    gla_buf_dispose(&hidden);
    gla_buf_dispose(&quad);
}

/* ---- JSON Lines ---- */

static void test_jsonl_write_exact(void **state)
{
    (void)state;
    gla_term terms[1] = {{0, "vi", "Hà Nội \"thủ đô\"", GLA_STATUS_PREFERRED,
                          GLA_TYPE_FULL_FORM, NULL, GLA_CASE_SENSITIVE,
                          "a\x01"
                          "b\tc\\d\ne\x1F\x7F",
                          NULL}};
    gla_entry e = {0};
    e.kind = GLA_KIND_PLACE;
    e.definition = "€ 𝄞";
    e.homonym = 1;
    e.terms = terms;
    e.n_terms = 1;
    gla_buf out = GLA_BUF_INIT;
    gla_writer *w;
    assert_int_equal(gla_writer_new_buf(&w, GLA_FMT_JSONL, &out, NULL), GLA_OK);
    assert_int_equal(gla_writer_put(w, &e), GLA_OK);
    assert_int_equal(gla_writer_finish(w), GLA_OK);
    gla_writer_free(w);
    assert_string_equal(
        out.data,
        "{\"entry\":null,\"kind\":\"place\",\"subject\":null,\"definition\":"
        "\"€ 𝄞\",\"note\":null,\"homonym\":true,\"terms\":[{\"lang\":\"vi\","
        "\"term\":\"Hà Nội \\\"thủ đô\\\"\",\"status\":\"preferred\",\"type\":"
        "\"fullForm\",\"pos\":null,\"case\":\"sensitive\",\"note\":"
        "\"a\\u0001b\\tc\\\\d\\ne\\u001f\x7F\",\"source\":null}]}\n");
    gla_buf_dispose(&out);
}

static void test_jsonl_read(void **state)
{
    (void)state;
    coll c = {0};
    gla_buf err = GLA_BUF_INIT;
    gla_read_stats st;
    assert_int_equal(
        read_path(&c, data_path("entries.jsonl"), GLA_FMT_AUTO, &err, &st),
        GLA_OK);
    assert_int_equal(st.format, GLA_FMT_JSONL);
    assert_int_equal(c.n, 2);
    assert_int_equal(c.lines[1], 3);
    assert_string_equal(c.v[0].note,
                        "Minister of National Defence\tsince 2021");
    assert_string_equal(c.v[0].terms[1].note, "quote \" and backslash \\");
    assert_int_equal(c.v[0].terms[0].case_mode, GLA_CASE_SENSITIVE);
    assert_null(c.v[1].ref);
    assert_int_equal(c.v[1].homonym, 1);
    assert_string_equal(c.v[1].terms[0].text, "Hà Nội");
    coll_free(&c);
    gla_buf_dispose(&err);
    roundtrip("entries.jsonl", GLA_FMT_JSONL, GLA_FMT_JSONL, 0);
    roundtrip("glossary.tsv", GLA_FMT_TSV, GLA_FMT_JSONL, 0);
    roundtrip("tbx2008.tbx", GLA_FMT_TBX, GLA_FMT_JSONL, 0);
}

#define JT "\"terms\":[{\"lang\":\"fr\",\"term\":\"x\"}]"

static void test_jsonl_errors(void **state)
{
    (void)state;
    static const err_case cases[] = {
        {GLA_FMT_JSONL, "j", "{" JT ",\"colour\":1}", 0, GLA_EPARSE,
         "j:1:37: unknown key 'colour'"},
        {GLA_FMT_JSONL, "j", "{\"kind\":\"x\"," JT "}", 0, GLA_EPARSE,
         "j:1:9: bad kind"},
        {GLA_FMT_JSONL, "j", "{\"kind\":\"person\"}", 0, GLA_EPARSE,
         "an entry needs \"terms\""},
        {GLA_FMT_JSONL, "j", "\n{" JT "} x", 0, GLA_EPARSE,
         "j:2:38: expected the end of the line"},
        {GLA_FMT_JSONL, "j", "{\"note\":\"a\\qb\"," JT "}", 0, GLA_EPARSE,
         "j:1:11: bad escape"},
        {GLA_FMT_JSONL, "j", "{\"note\":\"\\ud800\"," JT "}", 0, GLA_EPARSE,
         "unpaired surrogate"},
        {GLA_FMT_JSONL, "j", "{\"terms\":[{\"term\":\"x\"}]}", 0, GLA_EPARSE,
         "a term needs \"lang\" and \"term\""},
        {GLA_FMT_JSONL, "j", "{" JT "," JT "}", 0, GLA_EPARSE,
         "key 'terms' given twice"},
        {GLA_FMT_JSONL, "j", "{\"note\":\"a\tb\"," JT "}", 0, GLA_EPARSE,
         "j:1:11: control character in a string"},
        {GLA_FMT_JSONL, "j", "{\"note\":\"a\xC3\"," JT "}", 0, GLA_EUTF8,
         "j:1:11: invalid UTF-8"},
        {GLA_FMT_JSONL, "j", "{\"note\":\"\\u0001\"," JT "}", 0, GLA_EPARSE,
         "control character U+0001 in note"},
        {GLA_FMT_JSONL, "j", "{\"entry\":\"A B\"," JT "}", 0, GLA_EPARSE,
         "j:1:10: bad \"entry\" id"},
        {GLA_FMT_JSONL, "j", "{\"homonym\":1," JT "}", 0, GLA_EPARSE,
         "j:1:12: expected a string, null, true or false"},
        {GLA_FMT_JSONL, "j",
         "{\"terms\":[{\"lang\":\"fr\",\"term\":\"x\"},{\"lang\":\"fr\","
         "\"term\":\"x\"}]}",
         0, GLA_EPARSE, "term 'x' (fr) appears twice"},
        {GLA_FMT_JSONL, "j", "{\"terms\":[{\"lang\":\"fr\",\"term\":\"\"}]}", 0,
         GLA_EPARSE, "empty term"},
        {GLA_FMT_JSONL, "j", "[1]", 0, GLA_EPARSE, "j:1:1: expected '{'"},
    };
    run_err_cases(cases, sizeof cases / sizeof *cases);
}

/* ---- writer refusals ---- */

static void test_writer_refusals(void **state)
{
    (void)state;
    gla_term t = {0,
                  "fr",
                  "x",
                  GLA_STATUS_ADMITTED,
                  GLA_TYPE_FULL_FORM,
                  NULL,
                  GLA_CASE_DEFAULT,
                  NULL,
                  NULL};
    gla_entry ok = {0};
    ok.ref = "ok";
    ok.terms = &t;
    ok.n_terms = 1;
    gla_buf out = GLA_BUF_INIT;
    gla_writer *w;
    assert_int_equal(gla_writer_new_buf(&w, GLA_FMT_TSV, &out, NULL), GLA_OK);
    assert_int_equal(gla_writer_put(w, &ok), GLA_OK);
    size_t len = out.len;

    gla_entry e = ok;
    e.ref = NULL;
    assert_int_equal(gla_writer_put(w, &e), GLA_EINVAL);
    assert_has(gla_writer_errmsg(w), "no valid id");
    e.ref = "Bad Id";
    assert_int_equal(gla_writer_put(w, &e), GLA_EINVAL);
    e = ok;
    e.n_terms = 0;
    assert_int_equal(gla_writer_put(w, &e), GLA_EINVAL);
    assert_has(gla_writer_errmsg(w), "no terms");
    gla_term t2 = t;
    t2.note = "carriage\rreturn";
    e = ok;
    e.terms = &t2;
    assert_int_equal(gla_writer_put(w, &e), GLA_EINVAL);
    assert_has(gla_writer_errmsg(w), "U+000D in note");
    t2 = t;
    t2.text = "caf\xC3";
    assert_int_equal(gla_writer_put(w, &e), GLA_EUTF8);
    t2 = t;
    t2.pos = "article";
    assert_int_equal(gla_writer_put(w, &e), GLA_EINVAL);
    t2 = t;
    t2.status = (gla_status)42;
    assert_int_equal(gla_writer_put(w, &e), GLA_EINVAL);
    gla_term two[2] = {t, t};
    two[1].lang = "FR";
    e.terms = two;
    e.n_terms = 2;
    assert_int_equal(gla_writer_put(w, &e), GLA_EINVAL);
    assert_has(gla_writer_errmsg(w), "twice");
    /* Nothing of the refused entries was written. */
    assert_int_equal(out.len, len);
    assert_int_equal(gla_writer_stats(w)->entries, 1);
    assert_int_equal(gla_writer_finish(w), GLA_OK);
    assert_int_equal(gla_writer_put(w, &ok), GLA_EINVAL);
    gla_writer_free(w);

    assert_int_equal(gla_writer_new_buf(&w, GLA_FMT_TBX, &out, NULL), GLA_OK);
    t2 = t;
    t2.text = "a\x02";
    e = ok;
    e.terms = &t2;
    e.n_terms = 1;
    assert_int_equal(gla_writer_put(w, &e), GLA_EINVAL);
    assert_has(gla_writer_errmsg(w), "cannot be written to XML");
    gla_writer_free(w);

    gla_write_opts o = GLA_WRITE_OPTS_INIT;
    o.src_lang = "?";
    assert_int_equal(gla_writer_new_buf(&w, GLA_FMT_OMEGAT, &out, &o),
                     GLA_EINVAL);
    assert_null(w);
    assert_int_equal(gla_writer_new_buf(&w, GLA_FMT_AUTO, &out, NULL),
                     GLA_EINVAL);
    assert_int_equal(gla_writer_new(&w, GLA_FMT_TSV, NULL, NULL), GLA_EINVAL);
    gla_writer_free(NULL);
    gla_buf_dispose(&out);
}

/* A writer on a FILE flushes everything by finish. */
static void test_writer_file(void **state)
{
    (void)state;
    coll c = {0};
    gla_buf err = GLA_BUF_INIT;
    assert_int_equal(
        read_path(&c, data_path("glossary.tsv"), GLA_FMT_TSV, &err, NULL),
        GLA_OK);
    FILE *f = tmpfile();
    assert_non_null(f);
    gla_writer *w;
    assert_int_equal(gla_writer_new(&w, GLA_FMT_TSV, f, NULL), GLA_OK);
    for (int k = 0; k < 2000; k++)
        for (size_t i = 0; i < c.n; i++) {
            gla_entry e = c.v[i];
            char ref[64];
            snprintf(ref, sizeof ref, "%s.%d", c.v[i].ref, k);
            e.ref = ref;
            assert_int_equal(gla_writer_put(w, &e), GLA_OK);
        }
    assert_int_equal(gla_writer_finish(w), GLA_OK);
    gla_writer_free(w);
    rewind(f);
    gla_buf text = GLA_BUF_INIT;
    char tmp[8192];
    size_t n;
    while ((n = fread(tmp, 1, sizeof tmp, f)) > 0)
        gla_buf_put(&text, tmp, n);
    fclose(f);
    coll back = {0};
    assert_int_equal(
        read_mem(&back, GLA_FMT_TSV, "f.tsv", text.data, text.len, &err, NULL),
        GLA_OK);
    assert_int_equal(back.n, 2000 * c.n);
    assert_string_equal(back.v[back.n - 1].ref, "place.ha-noi.1999");
    coll_free(&back);
    coll_free(&c);
    gla_buf_dispose(&text);
    gla_buf_dispose(&err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_format_names),
        cmocka_unit_test(test_detect),
        cmocka_unit_test(test_tsv_fixture),
        cmocka_unit_test(test_tsv_bom_crlf),
        cmocka_unit_test(test_tsv_roundtrip),
        cmocka_unit_test(test_tsv_write_exact),
        cmocka_unit_test(test_tsv_errors),
        cmocka_unit_test(test_tsv_defaults_and_canon),
        cmocka_unit_test(test_callback_stops),
        cmocka_unit_test(test_tsv_large_file),
        cmocka_unit_test(test_file_errors),
        cmocka_unit_test(test_omegat_bom_comments),
        cmocka_unit_test(test_omegat_utf16),
        cmocka_unit_test(test_omegat_utf16_large),
        cmocka_unit_test(test_csv_fixture),
        cmocka_unit_test(test_omegat_errors),
        cmocka_unit_test(test_omegat_magic_comment),
        cmocka_unit_test(test_omegat_languages),
        cmocka_unit_test(test_omegat_upstream_fixtures),
        cmocka_unit_test(test_omegat_write),
        cmocka_unit_test(test_omegat_roundtrip),
        cmocka_unit_test(test_tbx2008),
        cmocka_unit_test(test_tbx3_dca),
        cmocka_unit_test(test_tbx3_dct),
        cmocka_unit_test(test_tbx_roundtrip),
        cmocka_unit_test(test_tbx_write_exact),
        cmocka_unit_test(test_tbx_errors),
        cmocka_unit_test(test_xml_attacks),
        cmocka_unit_test(test_jsonl_write_exact),
        cmocka_unit_test(test_jsonl_read),
        cmocka_unit_test(test_jsonl_errors),
        cmocka_unit_test(test_writer_refusals),
        cmocka_unit_test(test_writer_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
