/*
 * Importing a stream of concepts in one transaction. The set of refs seen
 * lives in memory (a ref twice is an error naming both places); an import
 * into an empty store drops the key and change-log indexes and builds
 * them once at the end, faster than keeping them up to date row by row,
 * and writes its rows in batches (bulk.c).
 */
#include "glossary_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Page cache during an import, in KiB as SQLite's negative cache_size
 * (the default, restored after, is 2000 KiB). SQLite allocates it as
 * pages are used, so a small import stays small; a million-term load
 * peaks near 320 MB. The index builds at the end of a bulk load use a
 * small one instead (DB_SORT_CACHE_KB). */
#define DB_IMPORT_CACHE_KB "-262144"

/* Page cache for the index builds at the end of a bulk load (see
 * gla_db_import_commit). */
#define DB_SORT_CACHE_KB "-8192"

/* One ref seen in this import; strings are offsets into `names`. */
typedef struct seen_slot {
    uint64_t hash; /* 0: empty slot */
    size_t ref;    /* offset of the NUL-terminated ref */
    size_t where;  /* offset of its location, or SIZE_MAX */
} seen_slot;

struct db_import {
    int bulk;               /* the store was empty: key indexes dropped */
    int failed;             /* a put failed: only abort is possible */
    gla_db_import_stats st; /* counts so far */
    seen_slot *slots;       /* open-addressing table */
    size_t cap, n;          /* slots allocated and used */
    gla_buf names;          /* refs and locations */
    gla_buf ref;            /* a ref made for an entry without one */
};

void db_import_free(gla_db *db)
{
    db_bulk_free(db);
    if (!db->imp)
        return;
    sqlite3_exec(db->sql, "PRAGMA cache_size = -2000", NULL, NULL, NULL);
    sqlite3_exec(db->sql, "PRAGMA threads = 0", NULL, NULL, NULL);
    sqlite3_exec(db->sql, "PRAGMA ignore_check_constraints = OFF", NULL, NULL,
                 NULL);
    sqlite3_exec(db->sql, "PRAGMA foreign_keys = ON", NULL, NULL, NULL);
    free(db->imp->slots);
    gla_buf_dispose(&db->imp->names);
    gla_buf_dispose(&db->imp->ref);
    free(db->imp);
    db->imp = NULL;
}

static uint64_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ull;
    }
    return h ? h : 1;
}

static int seen_grow(db_import *imp)
{
    size_t cap = imp->cap ? imp->cap * 2 : 1024;
    seen_slot *v = calloc(cap, sizeof *v);
    if (!v)
        return GLA_ENOMEM;
    for (size_t i = 0; i < imp->cap; i++) {
        if (!imp->slots[i].hash)
            continue;
        size_t j = (size_t)imp->slots[i].hash & (cap - 1);
        while (v[j].hash)
            j = (j + 1) & (cap - 1);
        v[j] = imp->slots[i];
    }
    free(imp->slots);
    imp->slots = v;
    imp->cap = cap;
    return GLA_OK;
}

/* Record `ref`; when it was already there, *prev is its slot. */
static int seen_add(db_import *imp, const char *ref, const char *where,
                    const seen_slot **prev)
{
    *prev = NULL;
    if ((imp->n + 1) * 4 > imp->cap * 3 && seen_grow(imp) != GLA_OK)
        return GLA_ENOMEM;
    uint64_t h = hash_str(ref);
    size_t j = (size_t)h & (imp->cap - 1);
    while (imp->slots[j].hash) {
        if (imp->slots[j].hash == h &&
            strcmp(imp->names.data + imp->slots[j].ref, ref) == 0) {
            *prev = &imp->slots[j];
            return GLA_OK;
        }
        j = (j + 1) & (imp->cap - 1);
    }
    seen_slot s = {h, imp->names.len, SIZE_MAX};
    if (gla_buf_put(&imp->names, ref, strlen(ref) + 1) != GLA_OK)
        return GLA_ENOMEM;
    if (where) {
        s.where = imp->names.len;
        if (gla_buf_put(&imp->names, where, strlen(where) + 1) != GLA_OK)
            return GLA_ENOMEM;
    }
    imp->slots[j] = s;
    imp->n++;
    return GLA_OK;
}

static const seen_slot *seen_find(const db_import *imp, const char *ref)
{
    if (!imp->cap)
        return NULL;
    uint64_t h = hash_str(ref);
    size_t j = (size_t)h & (imp->cap - 1);
    while (imp->slots[j].hash) {
        if (imp->slots[j].hash == h &&
            strcmp(imp->names.data + imp->slots[j].ref, ref) == 0)
            return &imp->slots[j];
        j = (j + 1) & (imp->cap - 1);
    }
    return NULL;
}

/* A ref for an entry that came without one (OmegaT, TBX without ids):
 * "kind.slug-of-the-first-term", with -2, -3, ... when this import already
 * used it. The same file imported again yields the same refs, so it merges
 * instead of duplicating. */
static int make_ref(gla_db *db, gla_buf *out, const gla_entry *e)
{
    gla_buf_clear(out);
    gla_buf key = GLA_BUF_INIT;
    if (gla_buf_puts(out, gla_kind_name(e->kind)) != GLA_OK ||
        gla_buf_put(out, ".", 1) != GLA_OK)
        return GLA_ENOMEM;
    size_t base = out->len;
    const char *text = e->n_terms ? e->terms[0].text : NULL;
    if (text && gla_normalize_to_buf(&key, db->norm, GLA_K2, text,
                                     strlen(text)) == GLA_OK) {
        for (size_t i = 0; i < key.len && out->len - base < 60; i++) {
            char c = key.data[i];
            if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
                gla_buf_put(out, &c, 1);
            else if (out->len > base && out->data[out->len - 1] != '-')
                gla_buf_put(out, "-", 1);
        }
        while (out->len > base && out->data[out->len - 1] == '-')
            out->data[--out->len] = '\0';
    }
    gla_buf_dispose(&key);
    if (out->len == base && gla_buf_put(out, "x", 1) != GLA_OK)
        return GLA_ENOMEM;
    size_t stem = out->len;
    for (unsigned n = 2; seen_find(db->imp, out->data); n++) {
        out->len = stem;
        if (gla_buf_printf(out, "-%u", n) != GLA_OK)
            return GLA_ENOMEM;
    }
    return out->data ? GLA_OK : GLA_ENOMEM;
}

int gla_db_import_begin(gla_db *db)
{
    if (!db)
        return GLA_EINVAL;
    db_clear_err(db);
    if (db->readonly)
        return db_fail(db, GLA_EINVAL, "%s: opened read-only", db->path);
    if (db->imp || !sqlite3_get_autocommit(db->sql))
        return db_fail(db, GLA_EINVAL, "a transaction is already open");
    db->imp = calloc(1, sizeof *db->imp);
    if (!db->imp)
        return db_fail(db, GLA_ENOMEM, "out of memory");
    /* Room for the pages the import touches: fewer spills to the journal
     * before commit, and faster index builds. Restored by import_free. */
    sqlite3_exec(db->sql, "PRAGMA cache_size = " DB_IMPORT_CACHE_KB, NULL,
                 NULL, NULL);
    /* The index builds at commit may sort with a helper thread (SQLite's
     * own; the connection is still used by one thread at a time). Less
     * wall time on a multi-core machine, the same CPU time. Restored by
     * import_free. */
    sqlite3_exec(db->sql, "PRAGMA threads = 2", NULL, NULL, NULL);
    /* The change log's CHECK (action IN (...)) builds a temporary table
     * on every row it checks, a seventh of an import's instructions; the
     * library writes only its three literal actions. */
    sqlite3_exec(db->sql, "PRAGMA ignore_check_constraints = ON", NULL, NULL,
                 NULL);
    /* An import inserts terms only under the concept it has just inserted
     * or read, and deletes no concept: the foreign-key check of every term
     * row (a look-up in entries) proves nothing. Outside a transaction,
     * as SQLite requires; import_free() turns it back on. */
    sqlite3_exec(db->sql, "PRAGMA foreign_keys = OFF", NULL, NULL, NULL);
    int rc = db_exec(db, "BEGIN IMMEDIATE");
    if (rc != GLA_OK) {
        db_import_free(db);
        return rc;
    }
    sqlite3_stmt *st = NULL;
    int empty = 0;
    if (sqlite3_prepare_v2(db->sql, "SELECT NOT EXISTS (SELECT 1 FROM terms)",
                           -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        empty = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    if (empty) {
        char sql[64];
        for (int i = 0; i < DB_BULK_INDEXES && rc == GLA_OK; i++) {
            snprintf(sql, sizeof sql, "DROP INDEX IF EXISTS %s",
                     db_bulk_index_names[i]);
            rc = db_exec(db, sql);
        }
        db->imp->bulk = 1;
        if (rc == GLA_OK)
            rc = db_bulk_begin(db);
    }
    if (rc != GLA_OK) {
        sqlite3_exec(db->sql, "ROLLBACK", NULL, NULL, NULL);
        db_import_free(db);
    }
    return rc;
}

int gla_db_import_put(gla_db *db, const gla_entry *e, const char *where)
{
    if (!db)
        return GLA_EINVAL;
    db_clear_err(db);
    db_import *imp = db->imp;
    if (!imp)
        return db_fail(db, GLA_EINVAL, "no import is open");
    if (imp->failed)
        return db_fail(db, GLA_EINVAL,
                       "an earlier entry failed: abort the import");
    if (!e)
        return db_fail(db, GLA_EINVAL, "no entry given");
    gla_entry named;
    if (!e->ref) {
        if (make_ref(db, &imp->ref, e) != GLA_OK) {
            imp->failed = 1;
            return db_fail(db, GLA_ENOMEM, "out of memory");
        }
        named = *e;
        named.ref = imp->ref.data;
        e = &named;
    }
    const seen_slot *prev = NULL;
    int rc = seen_add(imp, e->ref, where, &prev);
    if (rc != GLA_OK) {
        imp->failed = 1;
        return db_fail(db, rc, "out of memory");
    }
    if (prev) {
        imp->failed = 1;
        if (prev->where != SIZE_MAX)
            return db_fail(db, GLA_EEXISTS,
                           "entry '%s' is defined twice in this import "
                           "(first at %s)",
                           e->ref, imp->names.data + prev->where);
        return db_fail(db, GLA_EEXISTS,
                       "entry '%s' is defined twice in this import", e->ref);
    }
    int changed = 0, added = 0;
    rc = db_merge_entry(db, e, imp->bulk, &changed, &added);
    if (rc != GLA_OK) {
        imp->failed = 1;
        return rc;
    }
    imp->st.terms += (int64_t)e->n_terms;
    if (added)
        imp->st.added++;
    else if (changed)
        imp->st.replaced++;
    else
        imp->st.unchanged++;
    return GLA_OK;
}

int gla_db_import_commit(gla_db *db, gla_db_import_stats *stats)
{
    if (!db)
        return GLA_EINVAL;
    db_clear_err(db);
    db_import *imp = db->imp;
    if (!imp)
        return db_fail(db, GLA_EINVAL, "no import is open");
    if (imp->failed)
        return db_fail(db, GLA_EINVAL,
                       "an entry failed: the import can only be aborted");
    int rc = GLA_OK;
    if (imp->bulk) {
        rc = db_bulk_finish(db);
        if (rc != GLA_OK)
            imp->failed = 1;
    }
    /* Write the loaded pages out (to the WAL) before the index builds: a
     * dirty page spilled in the middle of a statement is first copied to
     * the statement journal, which for a large load doubled the writes. */
    if (imp->bulk && rc == GLA_OK &&
        sqlite3_db_cacheflush(db->sql) != SQLITE_OK)
        rc = db_sqlfail(db, "writing the import");
    /* The index builds sort in pieces of at most the cache size. With the
     * import's large cache each sort fits in memory and runs on this
     * thread alone; with a small one SQLite sorts the pieces in its
     * helper threads (PRAGMA threads) while this one reads the table,
     * and merges them. The pages just written out are clean, so the
     * cache shrinks without writing anything. */
    if (imp->bulk && rc == GLA_OK)
        sqlite3_exec(db->sql, "PRAGMA cache_size = " DB_SORT_CACHE_KB, NULL,
                     NULL, NULL);
    if (imp->bulk)
        for (int i = 0; i < DB_BULK_INDEXES && rc == GLA_OK; i++)
            rc = db_exec(db, db_bulk_index_sql[i]);
    if (rc == GLA_OK)
        rc = db_exec(db, "COMMIT");
    if (rc != GLA_OK) {
        if (!sqlite3_get_autocommit(db->sql))
            sqlite3_exec(db->sql, "ROLLBACK", NULL, NULL, NULL);
        db_import_free(db);
        return rc;
    }
    if (stats)
        *stats = imp->st;
    int bulk = imp->bulk;
    db_import_free(db);
    /* A bulk load leaves a WAL as big as the file; fold it in now rather
     * than leave it to readers. Failure here loses nothing. */
    if (bulk)
        sqlite3_exec(db->sql, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL,
                     NULL);
    return GLA_OK;
}

int gla_db_import_abort(gla_db *db, gla_db_import_stats *stats)
{
    if (!db)
        return GLA_EINVAL;
    if (!db->imp)
        return GLA_OK;
    if (stats)
        *stats = db->imp->st;
    /* The bulk load's writer thread ends before the rollback. */
    db_bulk_free(db);
    if (!sqlite3_get_autocommit(db->sql))
        sqlite3_exec(db->sql, "ROLLBACK", NULL, NULL, NULL);
    db_import_free(db);
    return GLA_OK;
}
