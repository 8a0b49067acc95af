/*
 * Bulk load of new concepts during an import into an empty store: rows are
 * staged in memory and written with multi-row INSERTs of up to 64 rows, and
 * the change log's rows for them are written at the end with one
 * INSERT ... SELECT, instead of three statements per concept. A writer
 * thread runs those INSERTs while the caller's thread reads, checks and
 * normalises the next batch (two stages, handed over in turn).
 */
#include "glossary_int.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Rows per INSERT: the sizes of the cached statements, largest first. A
 * staged run is written with the largest statements that fit it. */
#define BULK_SIZES 7
static const size_t bulk_size[BULK_SIZES] = {64, 32, 16, 8, 4, 2, 1};

/* Hand the staged rows to the writer once this many terms are waiting. */
#define BULK_FLUSH_TERMS 2048

/* A string in the staging arena; len BULK_NULL stands for SQL NULL. */
#define BULK_NULL SIZE_MAX
typedef struct bulk_str {
    size_t off; /* offset in db_bulk.arena */
    size_t len; /* bytes, or BULK_NULL */
} bulk_str;

typedef struct bulk_entry {
    int64_t id;          /* the row id given to the concept */
    int64_t now;         /* created and updated */
    bulk_str ref;        /* the concept's ref */
    bulk_str subject;    /* or NULL */
    bulk_str definition; /* or NULL */
    bulk_str note;       /* or NULL */
    gla_kind kind;       /* stored by name */
    int homonym;         /* 0 or 1 */
} bulk_entry;

typedef struct bulk_term {
    int64_t id;               /* the row id given to the term */
    int64_t entry_id;         /* its concept */
    bulk_str lang;            /* tag as written */
    bulk_str text;            /* NFC text */
    bulk_str k1, k2, k2c, k3; /* keys */
    bulk_str pos;             /* or NULL */
    bulk_str note;            /* or NULL */
    bulk_str source;          /* or NULL */
    gla_status status;        /* stored by name */
    gla_term_type type;       /* stored by name */
    gla_case case_mode;       /* stored by name */
} bulk_term;

/* One batch of rows: filled by the caller's thread, written by the
 * writer; never both at once. */
typedef struct bulk_stage {
    gla_buf arena;             /* strings of the staged rows */
    bulk_entry *ents;          /* staged concepts */
    size_t n_ents, cap_ents;   /* used and allocated */
    bulk_term *terms;          /* staged terms */
    size_t n_terms, cap_terms; /* used and allocated */
} bulk_stage;

struct db_bulk {
    bulk_stage stage[2];                   /* filled and written in turn */
    int cur;                               /* the stage being filled */
    pthread_t thread;                      /* the writer */
    int started;                           /* the writer thread runs */
    pthread_mutex_t lock;                  /* guards the four fields below */
    pthread_cond_t cond;                   /* signalled on each change */
    bulk_stage *todo;                      /* handed to the writer, or NULL */
    int quit;                              /* the writer is to end */
    int wrc;                               /* the writer's first error */
    gla_buf werr;                          /* its message */
    int64_t first_entry;                   /* id of the first concept loaded */
    int64_t next_entry, next_term;         /* ids to give next */
    sqlite3_stmt *ins_entries[BULK_SIZES]; /* by bulk_size index */
    sqlite3_stmt *ins_terms[BULK_SIZES];   /* by bulk_size index */
};

/* The next id of `table`: past both its largest row and what
 * sqlite_sequence remembers (ids of deleted rows are never given again). */
static int next_id(gla_db *db, const char *table, int64_t *out)
{
    sqlite3_stmt *st = NULL;
    int rc = GLA_OK;
    const char *sql = strcmp(table, "entries") == 0
                          ? "SELECT max(coalesce((SELECT seq FROM "
                            "sqlite_sequence WHERE name = 'entries'), 0), "
                            "coalesce((SELECT max(id) FROM entries), 0))"
                          : "SELECT max(coalesce((SELECT seq FROM "
                            "sqlite_sequence WHERE name = 'terms'), 0), "
                            "coalesce((SELECT max(id) FROM terms), 0))";
    if (sqlite3_prepare_v2(db->sql, sql, -1, &st, NULL) != SQLITE_OK ||
        sqlite3_step(st) != SQLITE_ROW)
        rc = db_sqlfail(db, "starting the import");
    else
        *out = sqlite3_column_int64(st, 0) + 1;
    sqlite3_finalize(st);
    return rc;
}

int db_bulk_begin(gla_db *db)
{
    db_bulk *b = calloc(1, sizeof *b);
    if (!b)
        return db_fail(db, GLA_ENOMEM, "out of memory");
    if (pthread_mutex_init(&b->lock, NULL) != 0) {
        free(b);
        return db_fail(db, GLA_ENOMEM, "cannot start the import's writer");
    }
    if (pthread_cond_init(&b->cond, NULL) != 0) {
        pthread_mutex_destroy(&b->lock);
        free(b);
        return db_fail(db, GLA_ENOMEM, "cannot start the import's writer");
    }
    db->bulk = b;
    int rc = next_id(db, "entries", &b->next_entry);
    if (rc == GLA_OK)
        rc = next_id(db, "terms", &b->next_term);
    b->first_entry = b->next_entry;
    return rc;
}

/* Wait until the writer has nothing in hand. */
static void writer_wait(db_bulk *b)
{
    pthread_mutex_lock(&b->lock);
    while (b->todo)
        pthread_cond_wait(&b->cond, &b->lock);
    pthread_mutex_unlock(&b->lock);
}

/* Stop the writer thread (after the batch it is writing, if any). */
static void writer_stop(db_bulk *b)
{
    if (!b->started)
        return;
    pthread_mutex_lock(&b->lock);
    b->quit = 1;
    pthread_cond_broadcast(&b->cond);
    pthread_mutex_unlock(&b->lock);
    pthread_join(b->thread, NULL);
    b->started = 0;
}

void db_bulk_free(gla_db *db)
{
    db_bulk *b = db->bulk;
    if (!b)
        return;
    /* Before anything else uses the connection (a ROLLBACK, the close). */
    writer_stop(b);
    for (int i = 0; i < BULK_SIZES; i++) {
        sqlite3_finalize(b->ins_entries[i]);
        sqlite3_finalize(b->ins_terms[i]);
    }
    for (int i = 0; i < 2; i++) {
        gla_buf_dispose(&b->stage[i].arena);
        free(b->stage[i].ents);
        free(b->stage[i].terms);
    }
    gla_buf_dispose(&b->werr);
    pthread_cond_destroy(&b->cond);
    pthread_mutex_destroy(&b->lock);
    free(b);
    db->bulk = NULL;
}

/* Copy (s, len) into the arena; NULL or "" become SQL NULL when `opt`. */
static int put_str(bulk_stage *g, bulk_str *out, const char *s, size_t len,
                   int opt)
{
    if (opt && (!s || !len)) {
        out->off = 0;
        out->len = BULK_NULL;
        return GLA_OK;
    }
    out->off = g->arena.len;
    out->len = len;
    return gla_buf_put(&g->arena, s ? s : "", len);
}

static int put_cstr(bulk_stage *g, bulk_str *out, const char *s, int opt)
{
    return put_str(g, out, s, s ? strlen(s) : 0, opt);
}

/* "INSERT OR FAIL INTO table(cols) VALUES (?, ...), ..." for `rows` rows.
 * OR FAIL: a failing row does not undo the rows before it in the same
 * statement, so SQLite keeps no statement journal; a failed flush fails
 * the import, which then only rolls back as a whole. */
static int insert_sql(gla_buf *sql, const char *table, const char *cols,
                      int ncols, size_t rows)
{
    gla_buf_clear(sql);
    gla_buf_printf(sql, "INSERT OR FAIL INTO %s(%s) VALUES ", table, cols);
    for (size_t r = 0; r < rows; r++) {
        gla_buf_puts(sql, r ? ",(" : "(");
        for (int c = 0; c < ncols; c++)
            gla_buf_puts(sql, c ? ",?" : "?");
        gla_buf_puts(sql, ")");
    }
    return sql->data ? GLA_OK : GLA_ENOMEM;
}

#define ENTRY_NCOLS 9
#define BULK_ENTRY_COLS                                                        \
    "id, ref, kind, subject, definition, note, homonym, created, updated"
#define TERM_NCOLS 14
#define BULK_TERM_COLS                                                         \
    "id, entry_id, lang, text, k1, k2, k2c, k3, status, type, pos, "           \
    "case_mode, note, source"

/* The writer's failure, kept on the bulk state (not on `db`, whose
 * message the caller's thread may be writing meanwhile) until the
 * caller's thread collects it (writer_result). */
static int writer_fail(gla_db *db, int rc, const char *what)
{
    db_bulk *b = db->bulk;
    if (b->wrc != GLA_OK)
        return b->wrc;
    if (rc == GLA_EDB) {
        int code = sqlite3_extended_errcode(db->sql);
        if (code == SQLITE_CONSTRAINT_UNIQUE ||
            code == SQLITE_CONSTRAINT_PRIMARYKEY)
            rc = GLA_EEXISTS;
        else if (code == SQLITE_NOMEM)
            rc = GLA_ENOMEM;
        gla_buf_clear(&b->werr);
        gla_buf_printf(&b->werr, "%s: %s: %s", db->path ? db->path : "glossary",
                       what, sqlite3_errmsg(db->sql));
    } else {
        gla_buf_clear(&b->werr);
        gla_buf_puts(&b->werr, what);
    }
    b->wrc = rc;
    return rc;
}

static sqlite3_stmt *bulk_stmt(gla_db *db, sqlite3_stmt **cache, int which,
                               const char *table, const char *cols, int ncols)
{
    if (cache[which]) {
        sqlite3_reset(cache[which]);
        return cache[which];
    }
    gla_buf sql = GLA_BUF_INIT;
    if (insert_sql(&sql, table, cols, ncols, bulk_size[which]) != GLA_OK) {
        gla_buf_dispose(&sql);
        writer_fail(db, GLA_ENOMEM, "out of memory");
        return NULL;
    }
    if (sqlite3_prepare_v3(db->sql, sql.data, (int)sql.len,
                           SQLITE_PREPARE_PERSISTENT, &cache[which],
                           NULL) != SQLITE_OK) {
        cache[which] = NULL;
        writer_fail(db, GLA_EDB, "preparing a statement");
    }
    gla_buf_dispose(&sql);
    return cache[which];
}

static void bind_str(sqlite3_stmt *st, int i, const bulk_stage *g,
                     const bulk_str *s)
{
    if (s->len == BULK_NULL)
        sqlite3_bind_null(st, i);
    else
        sqlite3_bind_text(st, i, g->arena.data + s->off, (int)s->len,
                          SQLITE_STATIC);
}

static void bind_entry_row(sqlite3_stmt *st, int base, const bulk_stage *g,
                           const bulk_entry *e)
{
    sqlite3_bind_int64(st, base + 1, e->id);
    bind_str(st, base + 2, g, &e->ref);
    sqlite3_bind_text(st, base + 3, gla_kind_name(e->kind), -1, SQLITE_STATIC);
    bind_str(st, base + 4, g, &e->subject);
    bind_str(st, base + 5, g, &e->definition);
    bind_str(st, base + 6, g, &e->note);
    sqlite3_bind_int(st, base + 7, e->homonym);
    sqlite3_bind_int64(st, base + 8, e->now);
    sqlite3_bind_int64(st, base + 9, e->now);
}

static void bind_term_row(sqlite3_stmt *st, int base, const bulk_stage *g,
                          const bulk_term *t)
{
    sqlite3_bind_int64(st, base + 1, t->id);
    sqlite3_bind_int64(st, base + 2, t->entry_id);
    bind_str(st, base + 3, g, &t->lang);
    bind_str(st, base + 4, g, &t->text);
    bind_str(st, base + 5, g, &t->k1);
    bind_str(st, base + 6, g, &t->k2);
    bind_str(st, base + 7, g, &t->k2c);
    bind_str(st, base + 8, g, &t->k3);
    sqlite3_bind_text(st, base + 9, gla_status_name(t->status), -1,
                      SQLITE_STATIC);
    sqlite3_bind_text(st, base + 10, gla_type_name(t->type), -1, SQLITE_STATIC);
    bind_str(st, base + 11, g, &t->pos);
    sqlite3_bind_text(st, base + 12, gla_case_name(t->case_mode), -1,
                      SQLITE_STATIC);
    bind_str(st, base + 13, g, &t->note);
    bind_str(st, base + 14, g, &t->source);
}

/* Write the rows of stage `g` and empty it. Runs on the writer thread, or
 * on the caller's while the writer is idle; failures go to writer_fail().
 * After a failure nothing more is written. */
static void bulk_write(gla_db *db, bulk_stage *g)
{
    db_bulk *b = db->bulk;
    for (size_t at = 0; at < g->n_ents && b->wrc == GLA_OK;) {
        int w = 0;
        while (bulk_size[w] > g->n_ents - at)
            w++;
        sqlite3_stmt *st = bulk_stmt(db, b->ins_entries, w, "entries",
                                     BULK_ENTRY_COLS, ENTRY_NCOLS);
        if (!st)
            break;
        for (size_t r = 0; r < bulk_size[w]; r++)
            bind_entry_row(st, (int)r * ENTRY_NCOLS, g, &g->ents[at + r]);
        if (sqlite3_step(st) != SQLITE_DONE)
            writer_fail(db, GLA_EDB, "adding entries");
        sqlite3_reset(st);
        at += bulk_size[w];
    }
    for (size_t at = 0; at < g->n_terms && b->wrc == GLA_OK;) {
        int w = 0;
        while (bulk_size[w] > g->n_terms - at)
            w++;
        sqlite3_stmt *st =
            bulk_stmt(db, b->ins_terms, w, "terms", BULK_TERM_COLS, TERM_NCOLS);
        if (!st)
            break;
        for (size_t r = 0; r < bulk_size[w]; r++)
            bind_term_row(st, (int)r * TERM_NCOLS, g, &g->terms[at + r]);
        if (sqlite3_step(st) != SQLITE_DONE)
            writer_fail(db, GLA_EDB, "adding terms");
        sqlite3_reset(st);
        at += bulk_size[w];
    }
    g->n_ents = g->n_terms = 0;
    gla_buf_clear(&g->arena);
}

/* The writer thread: writes each stage handed to it, in the order given.
 * The connection is only used by one thread at a time: the caller's
 * thread touches it again only after writer_wait(). */
static void *writer_main(void *arg)
{
    gla_db *db = arg;
    db_bulk *b = db->bulk;
    pthread_mutex_lock(&b->lock);
    for (;;) {
        while (!b->todo && !b->quit)
            pthread_cond_wait(&b->cond, &b->lock);
        if (!b->todo)
            break;
        bulk_stage *g = b->todo;
        pthread_mutex_unlock(&b->lock);
        bulk_write(db, g);
        pthread_mutex_lock(&b->lock);
        b->todo = NULL;
        pthread_cond_broadcast(&b->cond);
    }
    pthread_mutex_unlock(&b->lock);
    return NULL;
}

/* With the writer idle: its failure, if any, recorded on `db`. */
static int writer_result(gla_db *db)
{
    db_bulk *b = db->bulk;
    if (b->wrc == GLA_OK)
        return GLA_OK;
    return db_fail(db, b->wrc, "%s", b->werr.data ? b->werr.data : "");
}

/* Hand the stage being filled to the writer and fill the other one. When
 * no thread can be started, write it here. */
static int bulk_handoff(gla_db *db)
{
    db_bulk *b = db->bulk;
    writer_wait(b);
    int rc = writer_result(db);
    if (rc != GLA_OK)
        return rc;
    bulk_stage *g = &b->stage[b->cur];
    if (!b->started && pthread_create(&b->thread, NULL, writer_main, db) == 0)
        b->started = 1;
    if (!b->started) {
        bulk_write(db, g);
        return writer_result(db);
    }
    pthread_mutex_lock(&b->lock);
    b->todo = g;
    pthread_cond_broadcast(&b->cond);
    pthread_mutex_unlock(&b->lock);
    b->cur ^= 1;
    return GLA_OK;
}

int db_bulk_stage(gla_db *db, const gla_entry *e)
{
    db_bulk *b = db->bulk;
    bulk_stage *g = &b->stage[b->cur];
    if (g->n_ents == g->cap_ents) {
        size_t cap = g->cap_ents ? g->cap_ents * 2 : 256;
        bulk_entry *v = realloc(g->ents, cap * sizeof *v);
        if (!v)
            return db_fail(db, GLA_ENOMEM, "out of memory");
        g->ents = v;
        g->cap_ents = cap;
    }
    if (g->n_terms + db->n_prep > g->cap_terms) {
        size_t cap = g->cap_terms ? g->cap_terms : 1024;
        while (cap < g->n_terms + db->n_prep)
            cap *= 2;
        bulk_term *v = realloc(g->terms, cap * sizeof *v);
        if (!v)
            return db_fail(db, GLA_ENOMEM, "out of memory");
        g->terms = v;
        g->cap_terms = cap;
    }
    bulk_entry *be = &g->ents[g->n_ents];
    memset(be, 0, sizeof *be);
    be->id = b->next_entry;
    be->now = db_now();
    be->kind = e->kind;
    be->homonym = e->homonym ? 1 : 0;
    int rc = GLA_OK;
    if (put_cstr(g, &be->ref, e->ref, 0) != GLA_OK ||
        put_cstr(g, &be->subject, e->subject, 1) != GLA_OK ||
        put_cstr(g, &be->definition, e->definition, 1) != GLA_OK ||
        put_cstr(g, &be->note, e->note, 1) != GLA_OK)
        rc = GLA_ENOMEM;
    const char *a = db->arena.data;
    for (size_t i = 0; i < db->n_prep && rc == GLA_OK; i++) {
        const db_prep_term *p = &db->prep[i];
        const gla_term *t = p->src;
        bulk_term *bt = &g->terms[g->n_terms + i];
        memset(bt, 0, sizeof *bt);
        bt->id = b->next_term + (int64_t)i;
        bt->entry_id = be->id;
        bt->status = t->status;
        bt->type = t->type;
        bt->case_mode = t->case_mode;
        if (put_cstr(g, &bt->lang, t->lang, 0) != GLA_OK ||
            put_str(g, &bt->text, a + p->text, p->text_len, 0) != GLA_OK ||
            put_str(g, &bt->k1, a + p->k1, p->k1_len, 0) != GLA_OK ||
            put_str(g, &bt->k2, a + p->k2, p->k2_len, 0) != GLA_OK ||
            put_str(g, &bt->k2c, a + p->k2c, p->k2c_len, 0) != GLA_OK ||
            put_str(g, &bt->k3, a + p->k3, p->k3_len, 0) != GLA_OK ||
            put_cstr(g, &bt->pos, t->pos, 1) != GLA_OK ||
            put_cstr(g, &bt->note, t->note, 1) != GLA_OK ||
            put_cstr(g, &bt->source, t->source, 1) != GLA_OK)
            rc = GLA_ENOMEM;
    }
    if (rc != GLA_OK)
        return db_fail(db, rc, "out of memory");
    g->n_ents++;
    b->next_entry++;
    g->n_terms += db->n_prep;
    b->next_term += (int64_t)db->n_prep;
    if (g->n_terms >= BULK_FLUSH_TERMS)
        return bulk_handoff(db);
    return GLA_OK;
}

int db_bulk_finish(gla_db *db)
{
    db_bulk *b = db->bulk;
    writer_wait(b);
    writer_stop(b);
    int rc = writer_result(db);
    if (rc != GLA_OK)
        return rc;
    bulk_write(db, &b->stage[b->cur]);
    rc = writer_result(db);
    if (rc != GLA_OK || b->next_entry == b->first_entry)
        return rc;
    /* Write the loaded pages out first: a dirty page spilled in the middle
     * of the INSERT ... SELECT below would be copied to its statement
     * journal first. */
    if (sqlite3_db_cacheflush(db->sql) != SQLITE_OK)
        return db_sqlfail(db, "writing the import");
    /* One change-log row per concept loaded, exactly what apply_insert()
     * writes for an imported concept (its time is the concept's creation
     * time), in id order. */
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db->sql,
                           "INSERT OR FAIL INTO change_log(at, author, "
                           "action, tbl, row_id, entry_ref) SELECT created, "
                           "?1, 'insert', 'entries', id, ref FROM entries "
                           "WHERE id >= ?2 ORDER BY id",
                           -1, &st, NULL) != SQLITE_OK)
        return db_sqlfail(db, "writing the change log");
    sqlite3_bind_text(st, 1, db->author, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, b->first_entry);
    if (sqlite3_step(st) != SQLITE_DONE)
        rc = db_sqlfail(db, "writing the change log");
    sqlite3_finalize(st);
    return rc;
}
