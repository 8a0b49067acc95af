/*
 * Bulk load of new concepts during an import into an empty store: rows are
 * staged in memory and written with multi-row INSERTs of up to 64 rows, and
 * the change log's rows for them are written at the end with one
 * INSERT ... SELECT, instead of three statements per concept.
 */
#include "glossary_int.h"

#include <stdlib.h>
#include <string.h>

/* Rows per INSERT: the sizes of the cached statements, largest first. A
 * staged run is written with the largest statements that fit it. */
#define BULK_SIZES 7
static const size_t bulk_size[BULK_SIZES] = {64, 32, 16, 8, 4, 2, 1};

/* Write the staged rows once this many terms are waiting. */
#define BULK_FLUSH_TERMS 512

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

struct db_bulk {
    gla_buf arena;                         /* strings of the staged rows */
    bulk_entry *ents;                      /* staged concepts */
    size_t n_ents, cap_ents;               /* used and allocated */
    bulk_term *terms;                      /* staged terms */
    size_t n_terms, cap_terms;             /* used and allocated */
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
    db->bulk = b;
    int rc = next_id(db, "entries", &b->next_entry);
    if (rc == GLA_OK)
        rc = next_id(db, "terms", &b->next_term);
    b->first_entry = b->next_entry;
    return rc;
}

void db_bulk_free(gla_db *db)
{
    db_bulk *b = db->bulk;
    if (!b)
        return;
    for (int i = 0; i < BULK_SIZES; i++) {
        sqlite3_finalize(b->ins_entries[i]);
        sqlite3_finalize(b->ins_terms[i]);
    }
    gla_buf_dispose(&b->arena);
    free(b->ents);
    free(b->terms);
    free(b);
    db->bulk = NULL;
}

/* Copy (s, len) into the arena; NULL or "" become SQL NULL when `opt`. */
static int put_str(db_bulk *b, bulk_str *out, const char *s, size_t len,
                   int opt)
{
    if (opt && (!s || !len)) {
        out->off = 0;
        out->len = BULK_NULL;
        return GLA_OK;
    }
    out->off = b->arena.len;
    out->len = len;
    return gla_buf_put(&b->arena, s ? s : "", len);
}

static int put_cstr(db_bulk *b, bulk_str *out, const char *s, int opt)
{
    return put_str(b, out, s, s ? strlen(s) : 0, opt);
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
        db_fail(db, GLA_ENOMEM, "out of memory");
        return NULL;
    }
    if (sqlite3_prepare_v3(db->sql, sql.data, (int)sql.len,
                           SQLITE_PREPARE_PERSISTENT, &cache[which],
                           NULL) != SQLITE_OK) {
        cache[which] = NULL;
        db_sqlfail(db, "preparing a statement");
    }
    gla_buf_dispose(&sql);
    return cache[which];
}

static void bind_str(sqlite3_stmt *st, int i, const db_bulk *b,
                     const bulk_str *s)
{
    if (s->len == BULK_NULL)
        sqlite3_bind_null(st, i);
    else
        sqlite3_bind_text(st, i, b->arena.data + s->off, (int)s->len,
                          SQLITE_STATIC);
}

static void bind_entry_row(sqlite3_stmt *st, int base, const db_bulk *b,
                           const bulk_entry *e)
{
    sqlite3_bind_int64(st, base + 1, e->id);
    bind_str(st, base + 2, b, &e->ref);
    sqlite3_bind_text(st, base + 3, gla_kind_name(e->kind), -1, SQLITE_STATIC);
    bind_str(st, base + 4, b, &e->subject);
    bind_str(st, base + 5, b, &e->definition);
    bind_str(st, base + 6, b, &e->note);
    sqlite3_bind_int(st, base + 7, e->homonym);
    sqlite3_bind_int64(st, base + 8, e->now);
    sqlite3_bind_int64(st, base + 9, e->now);
}

static void bind_term_row(sqlite3_stmt *st, int base, const db_bulk *b,
                          const bulk_term *t)
{
    sqlite3_bind_int64(st, base + 1, t->id);
    sqlite3_bind_int64(st, base + 2, t->entry_id);
    bind_str(st, base + 3, b, &t->lang);
    bind_str(st, base + 4, b, &t->text);
    bind_str(st, base + 5, b, &t->k1);
    bind_str(st, base + 6, b, &t->k2);
    bind_str(st, base + 7, b, &t->k2c);
    bind_str(st, base + 8, b, &t->k3);
    sqlite3_bind_text(st, base + 9, gla_status_name(t->status), -1,
                      SQLITE_STATIC);
    sqlite3_bind_text(st, base + 10, gla_type_name(t->type), -1, SQLITE_STATIC);
    bind_str(st, base + 11, b, &t->pos);
    sqlite3_bind_text(st, base + 12, gla_case_name(t->case_mode), -1,
                      SQLITE_STATIC);
    bind_str(st, base + 13, b, &t->note);
    bind_str(st, base + 14, b, &t->source);
}

/* Write every staged row and empty the stage. */
static int bulk_flush(gla_db *db)
{
    db_bulk *b = db->bulk;
    int rc = GLA_OK;
    for (size_t at = 0; at < b->n_ents && rc == GLA_OK;) {
        int w = 0;
        while (bulk_size[w] > b->n_ents - at)
            w++;
        sqlite3_stmt *st = bulk_stmt(db, b->ins_entries, w, "entries",
                                     BULK_ENTRY_COLS, ENTRY_NCOLS);
        if (!st)
            return GLA_EDB;
        for (size_t r = 0; r < bulk_size[w]; r++)
            bind_entry_row(st, (int)r * ENTRY_NCOLS, b, &b->ents[at + r]);
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = db_sqlfail(db, "adding entries");
        sqlite3_reset(st);
        at += bulk_size[w];
    }
    for (size_t at = 0; at < b->n_terms && rc == GLA_OK;) {
        int w = 0;
        while (bulk_size[w] > b->n_terms - at)
            w++;
        sqlite3_stmt *st =
            bulk_stmt(db, b->ins_terms, w, "terms", BULK_TERM_COLS, TERM_NCOLS);
        if (!st)
            return GLA_EDB;
        for (size_t r = 0; r < bulk_size[w]; r++)
            bind_term_row(st, (int)r * TERM_NCOLS, b, &b->terms[at + r]);
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = db_sqlfail(db, "adding terms");
        sqlite3_reset(st);
        at += bulk_size[w];
    }
    b->n_ents = b->n_terms = 0;
    gla_buf_clear(&b->arena);
    return rc;
}

int db_bulk_stage(gla_db *db, const gla_entry *e)
{
    db_bulk *b = db->bulk;
    if (b->n_ents == b->cap_ents) {
        size_t cap = b->cap_ents ? b->cap_ents * 2 : 256;
        bulk_entry *v = realloc(b->ents, cap * sizeof *v);
        if (!v)
            return db_fail(db, GLA_ENOMEM, "out of memory");
        b->ents = v;
        b->cap_ents = cap;
    }
    if (b->n_terms + db->n_prep > b->cap_terms) {
        size_t cap = b->cap_terms ? b->cap_terms : 1024;
        while (cap < b->n_terms + db->n_prep)
            cap *= 2;
        bulk_term *v = realloc(b->terms, cap * sizeof *v);
        if (!v)
            return db_fail(db, GLA_ENOMEM, "out of memory");
        b->terms = v;
        b->cap_terms = cap;
    }
    bulk_entry *be = &b->ents[b->n_ents];
    memset(be, 0, sizeof *be);
    be->id = b->next_entry;
    be->now = db_now();
    be->kind = e->kind;
    be->homonym = e->homonym ? 1 : 0;
    int rc = GLA_OK;
    if (put_cstr(b, &be->ref, e->ref, 0) != GLA_OK ||
        put_cstr(b, &be->subject, e->subject, 1) != GLA_OK ||
        put_cstr(b, &be->definition, e->definition, 1) != GLA_OK ||
        put_cstr(b, &be->note, e->note, 1) != GLA_OK)
        rc = GLA_ENOMEM;
    const char *a = db->arena.data;
    for (size_t i = 0; i < db->n_prep && rc == GLA_OK; i++) {
        const db_prep_term *p = &db->prep[i];
        const gla_term *t = p->src;
        bulk_term *bt = &b->terms[b->n_terms + i];
        memset(bt, 0, sizeof *bt);
        bt->id = b->next_term + (int64_t)i;
        bt->entry_id = be->id;
        bt->status = t->status;
        bt->type = t->type;
        bt->case_mode = t->case_mode;
        if (put_cstr(b, &bt->lang, t->lang, 0) != GLA_OK ||
            put_str(b, &bt->text, a + p->text, p->text_len, 0) != GLA_OK ||
            put_str(b, &bt->k1, a + p->k1, p->k1_len, 0) != GLA_OK ||
            put_str(b, &bt->k2, a + p->k2, p->k2_len, 0) != GLA_OK ||
            put_str(b, &bt->k2c, a + p->k2c, p->k2c_len, 0) != GLA_OK ||
            put_str(b, &bt->k3, a + p->k3, p->k3_len, 0) != GLA_OK ||
            put_cstr(b, &bt->pos, t->pos, 1) != GLA_OK ||
            put_cstr(b, &bt->note, t->note, 1) != GLA_OK ||
            put_cstr(b, &bt->source, t->source, 1) != GLA_OK)
            rc = GLA_ENOMEM;
    }
    if (rc != GLA_OK)
        return db_fail(db, rc, "out of memory");
    b->n_ents++;
    b->next_entry++;
    b->n_terms += db->n_prep;
    b->next_term += (int64_t)db->n_prep;
    if (b->n_terms >= BULK_FLUSH_TERMS)
        return bulk_flush(db);
    return GLA_OK;
}

int db_bulk_finish(gla_db *db)
{
    db_bulk *b = db->bulk;
    int rc = bulk_flush(db);
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
