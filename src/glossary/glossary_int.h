/*
 * Internals of the glossary store shared by its files: the connection
 * struct, the cache of prepared statements and the error helpers.
 */
#ifndef GLA_GLOSSARY_INT_H
#define GLA_GLOSSARY_INT_H

#include <glossalign/glossary.h>

#include <sqlite3.h>

/* The columns read_entry() expects, in order. */
#define ENTRY_COLS_SQL                                                         \
    "id, ref, kind, subject, definition, note, homonym, created, updated"

/* Prepared statements, made once per connection and reused. */
enum {
    ST_ENTRY_INSERT,
    ST_ENTRY_UPDATE,
    ST_ENTRY_DELETE,
    ST_ENTRY_TOUCH,
    ST_ENTRY_BY_ID,
    ST_ENTRY_BY_REF,
    ST_ENTRY_ID_OF_REF,
    ST_TERMS_OF,
    ST_TERM_INSERT,
    ST_TERM_UPDATE,
    ST_TERM_DELETE,
    ST_TERM_BY_ID,
    ST_LOG_INSERT,
    ST_LOOKUP_K1,
    ST_LOOKUP_K1_LANG,
    ST_LOOKUP_K2,
    ST_LOOKUP_K2_LANG,
    ST_LOOKUP_K2C,
    ST_LOOKUP_K2C_LANG,
    ST_LOOKUP_K3,
    ST_LOOKUP_K3_LANG,
    ST_COUNT
};

/* A term checked and made ready to store: NFC text and its keys, as
 * offsets into the connection's arena (pointers would move as it grows). */
typedef struct db_prep_term {
    const gla_term *src;   /* the caller's term */
    int64_t id;            /* row id once known, else 0 */
    size_t text, text_len; /* NFC text */
    size_t k1, k1_len;     /* K1 key */
    size_t k2, k2_len;     /* K2 key */
    size_t k2c, k2c_len;   /* K2 compact key */
    size_t k3, k3_len;     /* K3 key */
} db_prep_term;

typedef struct db_import db_import;
typedef struct db_bulk db_bulk;

struct gla_db {
    sqlite3 *sql;               /* the connection */
    char *path;                 /* as given to gla_db_open() */
    int readonly;               /* opened with GLA_DB_READONLY */
    int version;                /* schema version after open */
    int op_own;                 /* the current write op began the txn */
    char *author;               /* for the change log */
    gla_normalizer *norm;       /* builds keys */
    gla_buf err;                /* last error message */
    gla_buf arena;              /* NFC texts and keys of the op at hand */
    uint32_t *k3map;            /* scratch byte map for the K3 rewrite */
    size_t k3map_cap;           /* its allocated entries */
    gla_buf json_old;           /* change-log values */
    gla_buf json_new;           /* change-log values */
    db_prep_term *prep;         /* prepared terms of the op at hand */
    size_t n_prep, cap_prep;    /* used and allocated */
    sqlite3_stmt *st[ST_COUNT]; /* lazily prepared statements */
    db_import *imp;             /* the open import, or NULL */
    db_bulk *bulk;              /* its bulk load (empty store), or NULL */
};

/* Code points that are NFC in any context: no canonical decomposition
 * that NFC would keep apart, combining class 0, and never the second
 * element of a composition. Basic Latin to IPA (below U+0300) and Latin
 * Extended Additional (Vietnamese letters with their tone marks) qualify;
 * tests/test_glossary.c checks every one of them against utf8proc. */
static inline int db_nfc_stable_cp(uint32_t cp)
{
    return cp < 0x300 || (cp >= 0x1E00 && cp < 0x1F00);
}

/* Record a message on `db` and return `rc`. */
int db_fail(gla_db *db, int rc, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
/* Record SQLite's message after `what` failed; GLA_EDB (GLA_EEXISTS for a
 * uniqueness violation, GLA_ENOMEM when SQLite ran out of memory). */
int db_sqlfail(gla_db *db, const char *what);
/* Forget the last message (each public call starts with it). */
void db_clear_err(gla_db *db);

/* The cached statement `which`, reset with bindings cleared; NULL after
 * recording an error. */
sqlite3_stmt *db_stmt(gla_db *db, int which);
/* Run SQL without results. GLA_OK or an error recorded on `db`. */
int db_exec(gla_db *db, const char *sql);

/* Unix seconds, or $SOURCE_DATE_EPOCH when set (reproducible builds). */
int64_t db_now(void);

/* Start and end one write operation: its own IMMEDIATE transaction when
 * none is open, else a savepoint; op_end commits or rolls back after
 * `rc` and returns the final result. */
int db_op_begin(gla_db *db);
int db_op_end(gla_db *db, int rc);

/* Compute every key of `s` into the arena. */
int db_keys(gla_db *db, db_prep_term *p, const char *s, size_t len);

/* The indexes dropped and rebuilt around a bulk load into an empty store
 * (the three key indexes and the change log's), as the schema defines
 * them. */
#define DB_BULK_INDEXES 4
extern const char *const db_bulk_index_names[DB_BULK_INDEXES];
extern const char *const db_bulk_index_sql[DB_BULK_INDEXES];

/* Import: merge one entry without opening an op (the import's transaction
 * covers it). Defined in store.c. */
int db_merge_entry(gla_db *db, const gla_entry *e, int known_new,
                   int *out_changed, int *out_added);

/* Bulk load of an import into an empty store (bulk.c): begin finds the
 * next row ids; stage takes the entry just prepared by prep_entry() (in
 * db->prep) as a new concept and hands full batches to a writer thread,
 * which runs the INSERTs (the connection is then the writer's until the
 * next hand-over or finish); finish writes the rest and the change-log
 * rows of every concept loaded; free stops the writer (call it before any
 * other use of the connection, e.g. a ROLLBACK) and releases the state
 * (also after a failure). GLA_OK or an error recorded on `db`. */
int db_bulk_begin(gla_db *db);
int db_bulk_stage(gla_db *db, const gla_entry *e);
int db_bulk_finish(gla_db *db);
void db_bulk_free(gla_db *db);

/* Free the import state (import.c). */
void db_import_free(gla_db *db);

#endif
