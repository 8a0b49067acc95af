/*
 * Opening a glossary file: refusing what is not ours, creating and
 * migrating the schema step by step (each version's DDL is frozen here as
 * history), connection settings, and the helpers every store call uses.
 */
#define _POSIX_C_SOURCE 200809L

#include "glossary_int.h"
#include "../normalize_int.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#ifndef GLA_DEFAULT_DB
#define GLA_DEFAULT_DB "/usr/local/share/glossalign/glossary.db"
#endif
#ifndef GLA_BUILD_DB
#define GLA_BUILD_DB "glossary.db"
#endif

/* "GLA1": tells our files from other SQLite files that set user_version. */
#define GLA_APPLICATION_ID 0x474C4131

/* ---- errors ------------------------------------------------------------ */

int db_fail(gla_db *db, int rc, const char *fmt, ...)
{
    if (!db)
        return rc;
    /* Format aside first: the arguments may point into the old message. */
    gla_buf msg = GLA_BUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n >= 0 && gla_buf_grow(&msg, (size_t)n) == GLA_OK) {
        va_start(ap, fmt);
        vsnprintf(msg.data, (size_t)n + 1, fmt, ap);
        va_end(ap);
        msg.len = (size_t)n;
        gla_buf_dispose(&db->err);
        db->err = msg;
    }
    return rc;
}

int db_sqlfail(gla_db *db, const char *what)
{
    int code = sqlite3_extended_errcode(db->sql);
    int rc = GLA_EDB;
    if (code == SQLITE_CONSTRAINT_UNIQUE ||
        code == SQLITE_CONSTRAINT_PRIMARYKEY)
        rc = GLA_EEXISTS;
    else if (code == SQLITE_NOMEM)
        rc = GLA_ENOMEM;
    return db_fail(db, rc, "%s: %s: %s", db->path ? db->path : "glossary", what,
                   sqlite3_errmsg(db->sql));
}

void db_clear_err(gla_db *db)
{
    if (db)
        gla_buf_clear(&db->err);
}

const char *gla_db_errmsg(const gla_db *db)
{
    if (!db)
        return "out of memory";
    return db->err.data ? db->err.data : "";
}

/* ---- statements -------------------------------------------------------- */

#define TERM_COLS "id, lang, text, status, type, pos, case_mode, note, source"
#define ENTRY_COLS ENTRY_COLS_SQL

static const char *const stmt_sql[ST_COUNT] = {
    [ST_ENTRY_INSERT] = "INSERT INTO entries(ref, kind, subject, definition, "
                        "note, homonym, created, updated) "
                        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)",
    [ST_ENTRY_UPDATE] = "UPDATE entries SET ref = ?1, kind = ?2, subject = ?3,"
                        " definition = ?4, note = ?5, homonym = ?6, "
                        "updated = ?7 WHERE id = ?8",
    [ST_ENTRY_DELETE] = "DELETE FROM entries WHERE id = ?1",
    [ST_ENTRY_TOUCH] = "UPDATE entries SET updated = ?1 WHERE id = ?2",
    [ST_ENTRY_BY_ID] = "SELECT " ENTRY_COLS " FROM entries WHERE id = ?1",
    [ST_ENTRY_BY_REF] = "SELECT " ENTRY_COLS " FROM entries WHERE ref = ?1",
    [ST_ENTRY_ID_OF_REF] = "SELECT id FROM entries WHERE ref = ?1",
    [ST_TERMS_OF] =
        "SELECT " TERM_COLS " FROM terms WHERE entry_id = ?1 ORDER BY id",
    [ST_TERM_INSERT] = "INSERT INTO terms(entry_id, lang, text, k1, k2, k2c, "
                       "k3, status, type, pos, case_mode, note, source) "
                       "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11,"
                       " ?12, ?13)",
    [ST_TERM_UPDATE] = "UPDATE terms SET lang = ?2, text = ?3, k1 = ?4, "
                       "k2 = ?5, k2c = ?6, k3 = ?7, status = ?8, type = ?9, "
                       "pos = ?10, case_mode = ?11, note = ?12, source = ?13 "
                       "WHERE id = ?1",
    [ST_TERM_DELETE] = "DELETE FROM terms WHERE id = ?1",
    [ST_TERM_BY_ID] = "SELECT entry_id FROM terms WHERE id = ?1",
    [ST_LOG_INSERT] = "INSERT INTO change_log(at, author, action, tbl, row_id,"
                      " entry_ref, old, new) "
                      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    [ST_LOOKUP_K1] = "SELECT entry_id, id FROM terms WHERE k1 = ?1",
    [ST_LOOKUP_K1_LANG] =
        "SELECT entry_id, id FROM terms WHERE k1 = ?1 AND lang = ?2",
    /* No index on k2 (schema v4): K2 compact is K2 without its spaces,
     * so every term with the K2 key has the compact key too, and the
     * terms_k2c index finds them; comparing k2 keeps exactly those. */
    [ST_LOOKUP_K2] =
        "SELECT entry_id, id FROM terms WHERE k2c = ?3 AND k2 = ?1",
    [ST_LOOKUP_K2_LANG] = ("SELECT entry_id, id FROM terms WHERE k2c = ?3 "
                           "AND k2 = ?1 AND lang = ?2"),
    [ST_LOOKUP_K2C] = "SELECT entry_id, id FROM terms WHERE k2c = ?1",
    [ST_LOOKUP_K2C_LANG] =
        "SELECT entry_id, id FROM terms WHERE k2c = ?1 AND lang = ?2",
    [ST_LOOKUP_K3] = "SELECT entry_id, id FROM terms WHERE k3 = ?1",
    [ST_LOOKUP_K3_LANG] =
        "SELECT entry_id, id FROM terms WHERE k3 = ?1 AND lang = ?2",
};

sqlite3_stmt *db_stmt(gla_db *db, int which)
{
    sqlite3_stmt *st = db->st[which];
    if (!st) {
        if (sqlite3_prepare_v3(db->sql, stmt_sql[which], -1,
                               SQLITE_PREPARE_PERSISTENT, &st,
                               NULL) != SQLITE_OK) {
            db_sqlfail(db, "preparing a statement");
            return NULL;
        }
        db->st[which] = st;
    } else {
        sqlite3_reset(st);
        sqlite3_clear_bindings(st);
    }
    return st;
}

int db_exec(gla_db *db, const char *sql)
{
    char *msg = NULL;
    if (sqlite3_exec(db->sql, sql, NULL, NULL, &msg) != SQLITE_OK) {
        int code = sqlite3_extended_errcode(db->sql);
        int rc = code == SQLITE_NOMEM ? GLA_ENOMEM : GLA_EDB;
        db_fail(db, rc, "%s: %s", db->path, msg ? msg : sqlite3_errstr(code));
        sqlite3_free(msg);
        return rc;
    }
    return GLA_OK;
}

/* One integer from a query without parameters; GLA_OK or an error. */
static int query_int(gla_db *db, const char *sql, int64_t *out)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db->sql, sql, -1, &st, NULL) != SQLITE_OK)
        return db_sqlfail(db, "reading the schema");
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *out = sqlite3_column_int64(st, 0);
        rc = GLA_OK;
    } else if (rc == SQLITE_DONE) {
        *out = 0;
        rc = GLA_OK;
    } else {
        rc = db_sqlfail(db, "reading the schema");
    }
    sqlite3_finalize(st);
    return rc;
}

/* ---- time, author, default path ---------------------------------------- */

int64_t db_now(void)
{
    const char *sde = getenv("SOURCE_DATE_EPOCH");
    if (sde && *sde) {
        char *end = NULL;
        errno = 0;
        long long v = strtoll(sde, &end, 10);
        if (errno == 0 && end && *end == '\0' && v >= 0)
            return (int64_t)v;
    }
    return (int64_t)time(NULL);
}

int gla_db_set_author(gla_db *db, const char *author)
{
    if (!db)
        return GLA_EINVAL;
    db_clear_err(db);
    if (!author || !*author) {
        author = getenv("USER");
        if (!author || !*author)
            author = "unknown";
    }
    char *copy = NULL;
    if (gla_entry_set_str(&copy, author, strlen(author)) != GLA_OK)
        return db_fail(db, GLA_ENOMEM, "out of memory");
    free(db->author);
    db->author = copy;
    return GLA_OK;
}

static int file_exists(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0;
}

const char *gla_db_default_path(void)
{
    const char *env = getenv("GLOSSALIGN_DB");
    if (env && *env)
        return env;
    if (file_exists(GLA_DEFAULT_DB))
        return GLA_DEFAULT_DB;
    return GLA_BUILD_DB;
}

int gla_db_schema_version(const gla_db *db)
{
    return db ? db->version : 0;
}

/* ---- keys -------------------------------------------------------------- */

int db_keys(gla_db *db, db_prep_term *p, const char *s, size_t len)
{
    static const gla_level levels[2] = {GLA_K1, GLA_K2};
    size_t *off[2] = {&p->k1, &p->k2};
    size_t *n[2] = {&p->k1_len, &p->k2_len};
    gla_key key = {0};
    for (int i = 0; i < 2; i++) {
        int rc = gla_normalize(&key, db->norm, levels[i], s, len);
        if (rc == GLA_OK) {
            *off[i] = db->arena.len;
            rc = gla_buf_put(&db->arena, key.s, key.len);
        }
        if (rc != GLA_OK)
            return db_fail(db, rc, "cannot compute the %s key: %s",
                           gla_level_name(levels[i]),
                           rc == GLA_ENOMEM ? "out of memory"
                                            : gla_normalizer_errmsg(db->norm));
        *n[i] = db->arena.len - *off[i];
    }
    /* K3 is the transliteration rewrite of the K2 key (normalize.c runs
     * gla_k3_rewrite() on its K2 output), so it starts from the K2 just
     * made instead of normalising the text a third time. `key` still holds
     * K2 and its byte map. */
    if (db->k3map_cap < key.len + 1) {
        size_t cap = key.len + 1 > 256 ? key.len + 1 : 256;
        uint32_t *m = realloc(db->k3map, cap * sizeof *m);
        if (!m)
            return db_fail(db, GLA_ENOMEM, "out of memory");
        db->k3map = m;
        db->k3map_cap = cap;
    }
    if (key.len)
        memcpy(db->k3map, key.map, key.len * sizeof *db->k3map);
    p->k3 = db->arena.len;
    if (gla_buf_put(&db->arena, key.s, key.len) != GLA_OK)
        return db_fail(db, GLA_ENOMEM, "out of memory");
    p->k3_len = gla_k3_rewrite(db->arena.data + p->k3, db->k3map, key.len);
    db->arena.len = p->k3 + p->k3_len;
    db->arena.data[db->arena.len] = '\0';
    /* K2 compact is K2 without its spaces (docs/NORMALIZATION.md); making
     * it here saves a quarter of the key work of a bulk import. The tests
     * compare it with gla_normalize(GLA_K2_COMPACT). */
    if (gla_buf_grow(&db->arena, p->k2_len) != GLA_OK)
        return db_fail(db, GLA_ENOMEM, "out of memory");
    p->k2c = db->arena.len;
    const char *k2 = db->arena.data + p->k2;
    for (size_t i = 0; i < p->k2_len; i++)
        if (k2[i] != ' ')
            db->arena.data[db->arena.len++] = k2[i];
    db->arena.data[db->arena.len] = '\0';
    p->k2c_len = db->arena.len - p->k2c;
    return GLA_OK;
}

/* ---- schema history ------------------------------------------------------
 * Never edit a step once released: files in the wild were made by it. A
 * change is a new step and GLA_DB_SCHEMA_VERSION + 1. */

/* Version 1: concepts and terms with K1 and K2 keys. AUTOINCREMENT: an
 * id names one row forever, so the change log never mixes two up. */
static const char schema_v1[] =
    "PRAGMA application_id = 1196179761;\n" /* GLA_APPLICATION_ID */
    "CREATE TABLE entries (\n"
    "  id INTEGER PRIMARY KEY AUTOINCREMENT,\n"
    "  ref TEXT NOT NULL UNIQUE,\n"
    "  kind TEXT NOT NULL DEFAULT 'term',\n"
    "  subject TEXT,\n"
    "  definition TEXT,\n"
    "  note TEXT,\n"
    "  homonym INTEGER NOT NULL DEFAULT 0,\n"
    "  created INTEGER NOT NULL,\n"
    "  updated INTEGER NOT NULL\n"
    ");\n"
    "CREATE TABLE terms (\n"
    "  id INTEGER PRIMARY KEY AUTOINCREMENT,\n"
    "  entry_id INTEGER NOT NULL REFERENCES entries(id) ON DELETE CASCADE,\n"
    "  lang TEXT NOT NULL COLLATE NOCASE,\n"
    "  text TEXT NOT NULL,\n"
    "  k1 TEXT NOT NULL,\n"
    "  k2 TEXT NOT NULL,\n"
    "  status TEXT NOT NULL DEFAULT 'admitted',\n"
    "  type TEXT NOT NULL DEFAULT 'fullForm',\n"
    "  pos TEXT,\n"
    "  case_mode TEXT NOT NULL DEFAULT '',\n"
    "  note TEXT,\n"
    "  source TEXT\n"
    ");\n"
    "CREATE INDEX terms_entry ON terms(entry_id);\n"
    "CREATE INDEX terms_k1 ON terms(k1, lang);\n"
    "CREATE INDEX terms_k2 ON terms(k2, lang);\n";

/* Version 2: K2 compact (places) and K3 (transliteration) keys. The new
 * columns are filled by rekey_all(). */
static const char schema_v2[] =
    "ALTER TABLE terms ADD COLUMN k2c TEXT NOT NULL DEFAULT '';\n"
    "ALTER TABLE terms ADD COLUMN k3 TEXT NOT NULL DEFAULT '';\n";
static const char schema_v2_index[] =
    "CREATE INDEX terms_k2c ON terms(k2c, lang);\n"
    "CREATE INDEX terms_k3 ON terms(k3, lang);\n";

/* Version 3: the change log. */
static const char schema_v3[] =
    "CREATE TABLE change_log (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  at INTEGER NOT NULL,\n"
    "  author TEXT NOT NULL,\n"
    "  action TEXT NOT NULL CHECK (action IN ('insert', 'update', "
    "'delete')),\n"
    "  tbl TEXT NOT NULL,\n"
    "  row_id INTEGER NOT NULL,\n"
    "  entry_ref TEXT NOT NULL,\n"
    "  old TEXT,\n"
    "  new TEXT\n"
    ");\n"
    "CREATE INDEX change_log_ref ON change_log(entry_ref, id);\n";

/* Version 4: no index on k2, and the key indexes without the language.
 * K2 look-ups use terms_k2c (K2 compact is K2 without its spaces, so
 * equal K2 keys have equal compact keys) and compare k2; building the
 * fourth key index was an eighth of a large import. A look-up reads the
 * row for its entry_id anyway, so the language is compared there: in the
 * index it only made every entry longer and every sort compare it
 * without case. */
static const char schema_v4[] = "DROP INDEX IF EXISTS terms_k2;\n"
                                "DROP INDEX IF EXISTS terms_k1;\n"
                                "DROP INDEX IF EXISTS terms_k2c;\n"
                                "DROP INDEX IF EXISTS terms_k3;\n"
                                "CREATE INDEX terms_k1 ON terms(k1);\n"
                                "CREATE INDEX terms_k2c ON terms(k2c);\n"
                                "CREATE INDEX terms_k3 ON terms(k3);\n";

const char *const db_bulk_index_names[DB_BULK_INDEXES] = {
    "terms_k1", "terms_k2c", "terms_k3", "change_log_ref"};
const char *const db_bulk_index_sql[DB_BULK_INDEXES] = {
    "CREATE INDEX terms_k1 ON terms(k1)",
    "CREATE INDEX terms_k2c ON terms(k2c)",
    "CREATE INDEX terms_k3 ON terms(k3)",
    "CREATE INDEX change_log_ref ON change_log(entry_ref, id)",
};

/* Recompute every term's keys, in batches so no statement reads a table
 * another one is writing. */
static int rekey_all(gla_db *db)
{
    enum { BATCH = 512 };
    sqlite3_stmt *sel = NULL, *upd = NULL;
    int rc = GLA_OK;
    if (sqlite3_prepare_v2(db->sql,
                           "SELECT id, text FROM terms WHERE id > ?1 "
                           "ORDER BY id LIMIT 512",
                           -1, &sel, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db->sql,
                           "UPDATE terms SET k1 = ?2, k2 = ?3, k2c = ?4, "
                           "k3 = ?5 WHERE id = ?1",
                           -1, &upd, NULL) != SQLITE_OK) {
        rc = db_sqlfail(db, "migrating keys");
        goto done;
    }
    int64_t last = 0;
    for (;;) {
        int64_t ids[BATCH];
        size_t offs[BATCH], lens[BATCH];
        size_t n = 0;
        gla_buf texts = GLA_BUF_INIT;
        sqlite3_reset(sel);
        sqlite3_bind_int64(sel, 1, last);
        int s;
        while ((s = sqlite3_step(sel)) == SQLITE_ROW) {
            ids[n] = sqlite3_column_int64(sel, 0);
            const void *t = sqlite3_column_blob(sel, 1);
            lens[n] = (size_t)sqlite3_column_bytes(sel, 1);
            offs[n] = texts.len;
            if (gla_buf_put(&texts, t ? t : "", lens[n]) != GLA_OK) {
                gla_buf_dispose(&texts);
                rc = db_fail(db, GLA_ENOMEM, "out of memory");
                goto done;
            }
            n++;
        }
        if (s != SQLITE_DONE) {
            gla_buf_dispose(&texts);
            rc = db_sqlfail(db, "migrating keys");
            goto done;
        }
        sqlite3_reset(sel);
        for (size_t i = 0; i < n && rc == GLA_OK; i++) {
            db_prep_term p;
            gla_buf_clear(&db->arena);
            rc = db_keys(db, &p, texts.data + offs[i], lens[i]);
            if (rc != GLA_OK)
                break;
            sqlite3_reset(upd);
            sqlite3_bind_int64(upd, 1, ids[i]);
            sqlite3_bind_text(upd, 2, db->arena.data + p.k1, (int)p.k1_len,
                              SQLITE_STATIC);
            sqlite3_bind_text(upd, 3, db->arena.data + p.k2, (int)p.k2_len,
                              SQLITE_STATIC);
            sqlite3_bind_text(upd, 4, db->arena.data + p.k2c, (int)p.k2c_len,
                              SQLITE_STATIC);
            sqlite3_bind_text(upd, 5, db->arena.data + p.k3, (int)p.k3_len,
                              SQLITE_STATIC);
            if (sqlite3_step(upd) != SQLITE_DONE)
                rc = db_sqlfail(db, "migrating keys");
        }
        gla_buf_dispose(&texts);
        if (rc != GLA_OK || n < BATCH)
            break;
        last = ids[n - 1];
    }
done:
    sqlite3_finalize(sel);
    sqlite3_finalize(upd);
    return rc;
}

/* Bring the schema from `from` to GLA_DB_SCHEMA_VERSION inside the open
 * transaction. `from` 0 means a new, empty file. */
static int migrate(gla_db *db, int from)
{
    int rc = GLA_OK;
    for (int v = from; v < GLA_DB_SCHEMA_VERSION && rc == GLA_OK; v++) {
        switch (v) {
        case 0: rc = db_exec(db, schema_v1); break;
        case 1:
            rc = db_exec(db, schema_v2);
            if (rc == GLA_OK)
                rc = rekey_all(db);
            if (rc == GLA_OK)
                rc = db_exec(db, schema_v2_index);
            break;
        case 2: rc = db_exec(db, schema_v3); break;
        case 3: rc = db_exec(db, schema_v4); break;
        default:
            rc = db_fail(db, GLA_EINTERNAL, "no migration from version %d", v);
        }
        if (rc != GLA_OK)
            return db_fail(db, rc,
                           "%s: migrating the schema from version %d to %d "
                           "failed: %s",
                           db->path, v, v + 1, gla_db_errmsg(db));
    }
    char sql[64];
    snprintf(sql, sizeof sql, "PRAGMA user_version = %d",
             GLA_DB_SCHEMA_VERSION);
    return db_exec(db, sql);
}

/* ---- open and close ---------------------------------------------------- */

static int is_memory_path(const char *path)
{
    return strcmp(path, ":memory:") == 0 || path[0] == '\0';
}

/* Check what the file holds and create or migrate the schema. */
static int prepare_schema(gla_db *db, unsigned flags)
{
    int64_t version = 0, app = 0, objects = 0;
    int rc = query_int(db, "PRAGMA user_version", &version);
    if (rc != GLA_OK) {
        if (sqlite3_extended_errcode(db->sql) == SQLITE_NOTADB)
            return db_fail(db, GLA_EDB,
                           "%s: not a glossary: the file is not an SQLite "
                           "database",
                           db->path);
        return rc;
    }
    if ((rc = query_int(db, "PRAGMA application_id", &app)) != GLA_OK ||
        (rc = query_int(db, "SELECT count(*) FROM sqlite_master", &objects)) !=
            GLA_OK)
        return rc;

    if (version == 0 && objects == 0 && app == 0) {
        if (!(flags & GLA_DB_CREATE) || db->readonly)
            return db_fail(db, GLA_EDB,
                           "%s: empty database, not a glossary yet (create "
                           "it first)",
                           db->path);
    } else if (app != GLA_APPLICATION_ID) {
        return db_fail(db, GLA_EDB,
                       "%s: an SQLite database, but not a glossalign "
                       "glossary",
                       db->path);
    } else if (version > GLA_DB_SCHEMA_VERSION) {
        return db_fail(db, GLA_EDB,
                       "%s: schema version %lld is newer than this glossalign "
                       "reads (%d); use a newer glossalign",
                       db->path, (long long)version, GLA_DB_SCHEMA_VERSION);
    } else if (version < 1) {
        return db_fail(db, GLA_EDB,
                       "%s: glossary schema version %lld is not "
                       "valid",
                       db->path, (long long)version);
    }

    if (version == GLA_DB_SCHEMA_VERSION) {
        db->version = (int)version;
        return GLA_OK;
    }
    if (db->readonly)
        return db_fail(db, GLA_EDB,
                       "%s: schema version %lld needs migrating to %d; open "
                       "it once read-write",
                       db->path, (long long)version, GLA_DB_SCHEMA_VERSION);

    /* A new file gets its page size and journal mode before its first
     * table. 16 KiB pages (SQLite's default is 4 KiB): a quarter of the
     * pages to write, log and check point, which made the commit of a
     * million-term import 0.8 s shorter and its system time 1.2 s less;
     * a look-up reads a few pages either way. Older files keep theirs. */
    if (version == 0 &&
        (rc = db_exec(db, "PRAGMA page_size = 16384")) != GLA_OK)
        return rc;
    if (version == 0 && !(flags & GLA_DB_NO_WAL) && !is_memory_path(db->path)) {
        if ((rc = db_exec(db, "PRAGMA journal_mode = WAL")) != GLA_OK)
            return rc;
    }
    if ((rc = db_exec(db, "BEGIN IMMEDIATE")) != GLA_OK)
        return rc;
    /* Another process may have migrated while we waited for the lock. */
    if ((rc = query_int(db, "PRAGMA user_version", &version)) == GLA_OK &&
        version < GLA_DB_SCHEMA_VERSION)
        rc = migrate(db, (int)version);
    if (rc == GLA_OK)
        rc = db_exec(db, "COMMIT");
    if (rc != GLA_OK) {
        sqlite3_exec(db->sql, "ROLLBACK", NULL, NULL, NULL);
        return rc;
    }
    db->version = GLA_DB_SCHEMA_VERSION;
    return GLA_OK;
}

/* The size of PATH's write-ahead log, 0 when there is none, -1 when it
 * cannot be told. */
static long long wal_size(const char *path)
{
    size_t n = strlen(path);
    char *wal = malloc(n + 5);
    if (!wal)
        return -1;
    memcpy(wal, path, n);
    memcpy(wal + n, "-wal", 5);
    struct stat sb;
    long long size = 0;
    if (stat(wal, &sb) == 0)
        size = (long long)sb.st_size;
    else if (errno != ENOENT)
        size = -1;
    free(wal);
    return size;
}

/* A WAL database in a directory (or on a file system) we cannot write is
 * unreadable through the normal path: SQLite needs to create the -shm
 * index beside it. With no write-ahead log on disk nobody can be writing
 * (a writer would need to create one), so the file is, for as long as we
 * read it, immutable, and SQLite is told so: it then reads it without
 * shared memory or locks. Returns 1 when the reopen succeeded. */
static int reopen_immutable(gla_db *db, const char *path)
{
    int err = sqlite3_extended_errcode(db->sql);
    int prim = err & 0xff;
    if (prim != SQLITE_READONLY && prim != SQLITE_CANTOPEN)
        return 0;
    if (wal_size(path) != 0)
        return 0;
    gla_buf uri = GLA_BUF_INIT;
    int ok = gla_buf_puts(&uri, "file:") == GLA_OK;
    for (const char *p = path; ok && *p; p++) {
        if (*p == '%' || *p == '?' || *p == '#')
            ok = gla_buf_printf(&uri, "%%%02X", (unsigned)(unsigned char)*p) ==
                 GLA_OK;
        else
            ok = gla_buf_put(&uri, p, 1) == GLA_OK;
    }
    ok = ok && gla_buf_printf(&uri, "?immutable=1") == GLA_OK;
    sqlite3 *sql = NULL;
    if (ok && sqlite3_open_v2(uri.data, &sql,
                              SQLITE_OPEN_READONLY | SQLITE_OPEN_URI |
                                  SQLITE_OPEN_NOMUTEX,
                              NULL) == SQLITE_OK) {
        sqlite3_close_v2(db->sql);
        db->sql = sql;
        sqlite3_extended_result_codes(db->sql, 1);
        sqlite3_busy_timeout(db->sql, 5000);
    } else {
        sqlite3_close_v2(sql);
        ok = 0;
    }
    gla_buf_dispose(&uri);
    return ok;
}

int gla_db_open(gla_db **out, const char *path, unsigned flags)
{
    if (!out)
        return GLA_EINVAL;
    *out = NULL;
    gla_db *db = calloc(1, sizeof *db);
    if (!db)
        return GLA_ENOMEM;
    *out = db;
    if (!path)
        return db_fail(db, GLA_EINVAL, "no glossary path given");
    if (gla_entry_set_str(&db->path, path, strlen(path)) != GLA_OK ||
        gla_db_set_author(db, NULL) != GLA_OK ||
        gla_normalizer_new(&db->norm) != GLA_OK)
        return db_fail(db, GLA_ENOMEM, "out of memory");
    if ((flags & GLA_DB_READONLY) && (flags & GLA_DB_CREATE))
        return db_fail(db, GLA_EINVAL, "%s: cannot create a glossary read-only",
                       path);
    db->readonly = (flags & GLA_DB_READONLY) != 0;

    int memory = is_memory_path(path);
    if (!memory && !file_exists(path) && !(flags & GLA_DB_CREATE))
        return db_fail(db, GLA_ENOTFOUND, "%s: no such glossary file", path);

    int oflags = db->readonly
                     ? SQLITE_OPEN_READONLY
                     : SQLITE_OPEN_READWRITE |
                           ((flags & GLA_DB_CREATE) ? SQLITE_OPEN_CREATE : 0);
    /* One gla_db is used by one thread at a time (glossary.h): SQLite's
     * own mutexes would only cost time. */
    oflags |= SQLITE_OPEN_NOMUTEX;
    if (sqlite3_open_v2(path, &db->sql, oflags, NULL) != SQLITE_OK) {
        if (!db->sql)
            return db_fail(db, GLA_ENOMEM, "out of memory");
        return db_fail(db, GLA_EDB, "%s: cannot open: %s", path,
                       sqlite3_errmsg(db->sql));
    }
    sqlite3_extended_result_codes(db->sql, 1);
    sqlite3_busy_timeout(db->sql, 5000);

    if (!db->readonly && sqlite3_db_readonly(db->sql, "main") == 1)
        return db_fail(db, GLA_EDB,
                       "%s: the file is read-only (permissions); open it "
                       "read-only",
                       path);
    int rc = prepare_schema(db, flags);
    if (rc != GLA_OK && db->readonly && !memory && reopen_immutable(db, path)) {
        db_clear_err(db);
        rc = prepare_schema(db, flags);
    }
    if (rc != GLA_OK && db->readonly && !memory && wal_size(path) > 0)
        return db_fail(db, GLA_EDB,
                       "%s: cannot read it here: the database has changes "
                       "in its write-ahead log (%s-wal) and SQLite cannot "
                       "create %s-shm beside it (read-only directory or "
                       "file system); open it once where it can be written",
                       path, path, path);
    if (rc != GLA_OK)
        return rc;
    if ((rc = db_exec(db, "PRAGMA foreign_keys = ON")) != GLA_OK)
        return rc;
    if (!db->readonly) {
        /* WAL with synchronous=NORMAL survives a crash of the process and
         * of the machine alike with the database intact; only the last
         * transactions before a power cut may be lost. */
        if ((rc = db_exec(db, "PRAGMA synchronous = NORMAL")) != GLA_OK)
            return rc;
    }
    db_clear_err(db);
    return GLA_OK;
}

void gla_db_close(gla_db *db)
{
    if (!db)
        return;
    db_import_free(db);
    for (int i = 0; i < ST_COUNT; i++)
        sqlite3_finalize(db->st[i]);
    if (db->sql) {
        if (!sqlite3_get_autocommit(db->sql))
            sqlite3_exec(db->sql, "ROLLBACK", NULL, NULL, NULL);
        sqlite3_close_v2(db->sql);
    }
    gla_normalizer_free(db->norm);
    gla_buf_dispose(&db->err);
    gla_buf_dispose(&db->arena);
    free(db->k3map);
    gla_buf_dispose(&db->json_old);
    gla_buf_dispose(&db->json_new);
    free(db->prep);
    free(db->path);
    free(db->author);
    free(db);
}

/* ---- transactions ------------------------------------------------------ */

static int check_writable(gla_db *db)
{
    if (db->readonly)
        return db_fail(db, GLA_EINVAL, "%s: opened read-only", db->path);
    return GLA_OK;
}

int gla_db_begin(gla_db *db)
{
    if (!db)
        return GLA_EINVAL;
    db_clear_err(db);
    int rc = check_writable(db);
    if (rc != GLA_OK)
        return rc;
    if (!sqlite3_get_autocommit(db->sql) || db->imp)
        return db_fail(db, GLA_EINVAL, "a transaction is already open");
    return db_exec(db, "BEGIN IMMEDIATE");
}

int gla_db_commit(gla_db *db)
{
    if (!db)
        return GLA_EINVAL;
    db_clear_err(db);
    if (sqlite3_get_autocommit(db->sql) || db->imp)
        return db_fail(db, GLA_EINVAL, "no transaction is open");
    int rc = db_exec(db, "COMMIT");
    if (rc != GLA_OK)
        sqlite3_exec(db->sql, "ROLLBACK", NULL, NULL, NULL);
    return rc;
}

int gla_db_rollback(gla_db *db)
{
    if (!db)
        return GLA_EINVAL;
    db_clear_err(db);
    if (sqlite3_get_autocommit(db->sql) || db->imp)
        return db_fail(db, GLA_EINVAL, "no transaction is open");
    return db_exec(db, "ROLLBACK");
}

int db_op_begin(gla_db *db)
{
    int rc = check_writable(db);
    if (rc != GLA_OK)
        return rc;
    if (sqlite3_get_autocommit(db->sql)) {
        db->op_own = 1;
        return db_exec(db, "BEGIN IMMEDIATE");
    }
    db->op_own = 0;
    return db_exec(db, "SAVEPOINT gla_op");
}

int db_op_end(gla_db *db, int rc)
{
    if (db->op_own) {
        db->op_own = 0;
        if (rc == GLA_OK) {
            rc = db_exec(db, "COMMIT");
            if (rc == GLA_OK)
                return rc;
        }
        if (!sqlite3_get_autocommit(db->sql))
            sqlite3_exec(db->sql, "ROLLBACK", NULL, NULL, NULL);
        return rc;
    }
    if (rc == GLA_OK)
        return db_exec(db, "RELEASE gla_op");
    sqlite3_exec(db->sql, "ROLLBACK TO gla_op; RELEASE gla_op", NULL, NULL,
                 NULL);
    return rc;
}
