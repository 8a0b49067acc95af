/*
 * glossalign/glossary.h - the glossary store: concepts (entries) and their
 * terms per language in one SQLite file, with keys at every level, a change
 * log and a versioned schema.
 *
 * Entries and terms are plain structs the caller fills or reads; strings in
 * structs returned by the store are owned by the returned object and freed
 * with it.
 */
#ifndef GLOSSALIGN_GLOSSARY_H
#define GLOSSALIGN_GLOSSARY_H

#include <glossalign/common.h>
#include <glossalign/normalize.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum gla_kind {
    GLA_KIND_TERM = 0, /* a common-noun term (the default) */
    GLA_KIND_PERSON,
    GLA_KIND_ORGANIZATION,
    GLA_KIND_PLACE,
    GLA_KIND_RANK, /* rank or title */
    GLA_KIND_UNIT, /* military unit */
    GLA_KIND_EVENT,
    GLA_KIND_ACRONYM /* an acronym with no long form */
} gla_kind;

typedef enum gla_status {
    GLA_STATUS_ADMITTED = 0, /* the default */
    GLA_STATUS_PREFERRED,
    GLA_STATUS_DEPRECATED,
    GLA_STATUS_SUPERSEDED,
    GLA_STATUS_FORBIDDEN
} gla_status;

typedef enum gla_term_type {
    GLA_TYPE_FULL_FORM = 0, /* the default */
    GLA_TYPE_ACRONYM,
    GLA_TYPE_ABBREVIATION,
    GLA_TYPE_SHORT_FORM,
    GLA_TYPE_VARIANT,
    GLA_TYPE_TRANSLITERATION
} gla_term_type;

typedef enum gla_case {
    GLA_CASE_DEFAULT = 0, /* sensitive for acronyms, else insensitive */
    GLA_CASE_SENSITIVE,
    GLA_CASE_INSENSITIVE
} gla_case;

/* Names as written in files ("person", "preferred", "fullForm", …) and
 * back. Parsers return GLA_OK or GLA_EINVAL. */
const char *gla_kind_name(gla_kind k);
int gla_kind_parse(gla_kind *out, const char *s, size_t len);
const char *gla_status_name(gla_status s);
int gla_status_parse(gla_status *out, const char *s, size_t len);
const char *gla_type_name(gla_term_type t);
int gla_type_parse(gla_term_type *out, const char *s, size_t len);
const char *gla_case_name(gla_case c); /* "" for the default */
int gla_case_parse(gla_case *out, const char *s, size_t len);

/* One term of a concept, in one language. */
typedef struct gla_term {
    int64_t id;          /* row id in the store; 0 for a new term */
    char *lang;          /* BCP 47 tag, e.g. "fr", "vi", "en" */
    char *text;          /* as written, NFC */
    gla_status status;   /* administrative status */
    gla_term_type type;  /* term type */
    char *pos;           /* part of speech, or NULL */
    gla_case case_mode;  /* case sensitivity */
    char *note;          /* or NULL */
    char *source;        /* where the form comes from, or NULL */
} gla_term;

/* One concept with all its terms. */
typedef struct gla_entry {
    int64_t id;         /* row id in the store; 0 for a new entry */
    char *ref;          /* stable text id, e.g. "person.phan-van-giang" */
    gla_kind kind;      /* what the concept is */
    char *subject;      /* subject field, or NULL */
    char *definition;   /* or NULL */
    char *note;         /* concept-level note, or NULL */
    int homonym;        /* may share a K1 key with another concept */
    int64_t created;    /* unix seconds, set by the store */
    int64_t updated;    /* unix seconds, set by the store */
    gla_term *terms;    /* n_terms terms */
    size_t n_terms;     /* number of terms */
    size_t cap_terms;   /* allocated terms */
} gla_entry;

/* Free every string and the term array of `e` (not `e` itself) and zero
 * it. Safe on a zeroed entry. */
void gla_entry_clear(gla_entry *e);
/* Free an entry returned by the store; NULL is a no-op. */
void gla_entry_free(gla_entry *e);
/* Append a copy of `t`'s strings as a new term of `e`. GLA_OK/GLA_ENOMEM. */
int gla_entry_add_term(gla_entry *e, const gla_term *t);
/* The effective case sensitivity of a term (resolves GLA_CASE_DEFAULT). */
int gla_term_case_sensitive(const gla_term *t);
/* Deep-copy `src` into `dst` (which must be zeroed or cleared first); ids
 * and times are copied too. GLA_OK or GLA_ENOMEM (then `dst` is zeroed). */
int gla_entry_copy(gla_entry *dst, const gla_entry *src);
/* Replace `*field` (a string member of an entry or term) by a copy of the
 * `len` bytes at `s`, or by NULL when `s` is NULL. GLA_OK or GLA_ENOMEM
 * (then the field is unchanged). */
int gla_entry_set_str(char **field, const char *s, size_t len);

/* ------------------------------------------------------------------------
 * The store
 *
 * One SQLite file holds the glossary; docs/GLOSSARY-STORE.md describes the
 * schema. A gla_db is one connection: use it from one thread at a time.
 * Several processes may open the same file; writers wait up to 5 s for
 * each other.
 * --------------------------------------------------------------------- */

typedef struct gla_db gla_db;

/* The schema version this library writes; older files are migrated on a
 * read-write open, newer ones are refused. */
#define GLA_DB_SCHEMA_VERSION 4

enum {
    GLA_DB_CREATE = 1u << 0,   /* create the file and schema if missing */
    GLA_DB_READONLY = 1u << 1, /* never write; writes fail with GLA_EINVAL */
    GLA_DB_NO_WAL = 1u << 2    /* when creating: rollback journal instead of
                                  WAL, for files later read from read-only
                                  places (the installed glossary) */
};

/*
 * Open the glossary at `path` (":memory:" for a private in-memory one).
 * A read-write open migrates an older schema forward in one transaction.
 * Refused with GLA_EDB: a file that is not SQLite, an SQLite file that is
 * not a glossary, a schema newer than GLA_DB_SCHEMA_VERSION, an older schema
 * opened read-only; GLA_ENOTFOUND when the file is missing and
 * GLA_DB_CREATE was not given.
 *
 * *out is set in every case but GLA_ENOMEM (then NULL): on failure it
 * carries the message for gla_db_errmsg(). Always gla_db_close() it.
 */
int gla_db_open(gla_db **out, const char *path, unsigned flags);
/* Close; an open transaction is rolled back. NULL is a no-op. */
void gla_db_close(gla_db *db);
/* What the last failing call on `db` was about, with the file, line or
 * entry it concerns; "" when there was none. Valid until the next call. */
const char *gla_db_errmsg(const gla_db *db);
/* The schema version of the open file (after migration). */
int gla_db_schema_version(const gla_db *db);
/* The name written to the change log as the author of later changes;
 * NULL restores the default ($USER, else "unknown"). GLA_OK/GLA_ENOMEM. */
int gla_db_set_author(gla_db *db, const char *author);

/*
 * The glossary used when none is named: $GLOSSALIGN_DB when set and not
 * empty; else the installed ${datadir}/glossalign/glossary.db when it
 * exists; else the build tree's glossary.db. Static or environment storage:
 * do not free.
 */
const char *gla_db_default_path(void);

/* Explicit transactions: every call between begin and commit becomes
 * visible at once or not at all. Without them each write call is its own
 * transaction. They do not nest: begin inside one is GLA_EINVAL. */
int gla_db_begin(gla_db *db);
int gla_db_commit(gla_db *db);
int gla_db_rollback(gla_db *db);

/*
 * Add a concept with its terms. Text is checked (valid UTF-8, a ref of
 * [a-z0-9][a-z0-9._-]*, a lang tag and non-empty text on every term, no
 * two identical terms) and stored NFC; keys K1, K2, K2 compact and K3 are
 * computed for every term. `e->id`, term ids and times are ignored. The id
 * of the new entry goes to *out_id unless it is NULL.
 *
 * @return GLA_OK; GLA_EEXISTS when the ref is taken; GLA_EINVAL or
 *         GLA_EUTF8 for a bad field (named in gla_db_errmsg()); GLA_EDB.
 */
int gla_db_entry_add(int64_t *out_id, gla_db *db, const gla_entry *e);
/*
 * Replace the concept `e->id` (or, when it is 0, the one whose ref is
 * `e->ref`) by `e`: concept fields are overwritten (the ref may change);
 * terms whose id is one of the entry's are updated, terms with id 0 are
 * added, the entry's other terms are deleted. Nothing is written and no
 * change is logged when nothing differs.
 *
 * @return GLA_OK, GLA_ENOTFOUND, GLA_EEXISTS (new ref taken), GLA_EINVAL,
 *         GLA_EUTF8, GLA_EDB.
 */
int gla_db_entry_update(gla_db *db, const gla_entry *e);
/* Delete an entry and its terms. GLA_OK, GLA_ENOTFOUND, GLA_EDB. */
int gla_db_entry_delete(gla_db *db, int64_t id);

/* Add a term to entry `entry_id`; its id goes to *out_id unless NULL.
 * GLA_OK, GLA_ENOTFOUND, GLA_EEXISTS (same lang and text), GLA_EINVAL,
 * GLA_EUTF8, GLA_EDB. */
int gla_db_term_add(int64_t *out_id, gla_db *db, int64_t entry_id,
                    const gla_term *t);
/* Overwrite term `t->id` (its entry stays). Same results. */
int gla_db_term_update(gla_db *db, const gla_term *t);
/* Delete one term. GLA_OK, GLA_ENOTFOUND, GLA_EDB. */
int gla_db_term_delete(gla_db *db, int64_t term_id);

/* Read one concept with its terms (in the order they were added) by id or
 * by ref. *out is the caller's, freed with gla_entry_free().
 * GLA_OK, GLA_ENOTFOUND, GLA_ENOMEM, GLA_EDB. */
int gla_db_entry_get(gla_entry **out, gla_db *db, int64_t id);
int gla_db_entry_get_ref(gla_entry **out, gla_db *db, const char *ref);

/* Walk every concept. */
typedef struct gla_db_iter gla_db_iter;
typedef enum gla_db_order {
    GLA_DB_ORDER_REF = 0, /* by ref, byte order */
    GLA_DB_ORDER_ID       /* by id: the order entries were added */
} gla_db_order;
/* Start a walk; the iterator must be freed before `db` is closed. */
int gla_db_iter_new(gla_db_iter **out, gla_db *db, gla_db_order order);
/* The next concept in *out (the caller's, gla_entry_free()), or
 * GLA_ITEROVER at the end; GLA_ENOMEM or GLA_EDB on failure. */
int gla_db_iter_next(gla_entry **out, gla_db_iter *it);
/* NULL is a no-op. */
void gla_db_iter_free(gla_db_iter *it);

/* One key look-up result. */
typedef struct gla_db_hit {
    int64_t entry_id; /* the concept */
    int64_t term_id;  /* the term whose key equals the query's */
    gla_level level;  /* the level that matched */
} gla_db_hit;

/* Look-up results; zero-initialise, free with gla_db_hits_dispose(). */
typedef struct gla_db_hits {
    gla_db_hit *v; /* hits, by entry id then term id */
    size_t n;      /* number of hits */
    size_t cap;    /* allocated */
} gla_db_hits;

#define GLA_DB_HITS_INIT {NULL, 0, 0}

/*
 * Append to `out` every term whose `level` key (GLA_K1, GLA_K2,
 * GLA_K2_COMPACT or GLA_K3) equals that of `query` (`len` bytes), in
 * language `lang` or in any when `lang` is NULL. Finding nothing is GLA_OK
 * with no hit added.
 *
 * @return GLA_OK, GLA_EINVAL (level GLA_K0), GLA_EUTF8, GLA_ENOMEM, GLA_EDB.
 */
int gla_db_lookup(gla_db_hits *out, gla_db *db, gla_level level,
                  const char *lang, const char *query, size_t len);
/* Free the hits; the struct is GLA_DB_HITS_INIT again. NULL is a no-op. */
void gla_db_hits_dispose(gla_db_hits *h);

/* One counted group in the statistics. */
typedef struct gla_db_count {
    char *name;  /* kind, lang, or status */
    char *lang;  /* for terms by status: their language; else NULL */
    int64_t n;   /* how many */
} gla_db_count;

typedef struct gla_db_stats {
    int schema_version;       /* PRAGMA user_version */
    int64_t entries;          /* concepts */
    int64_t terms;            /* terms in all languages */
    int64_t changes;          /* rows in the change log */
    gla_db_count *kinds;      /* entries by kind, by name */
    size_t n_kinds;           /* number of kinds */
    gla_db_count *langs;      /* terms by language, by name */
    size_t n_langs;           /* number of languages */
    gla_db_count *statuses;   /* terms by language and status */
    size_t n_statuses;        /* number of (lang, status) pairs */
} gla_db_stats;

/* Count. *out is the caller's, freed with gla_db_stats_free().
 * GLA_OK, GLA_ENOMEM, GLA_EDB. */
int gla_db_stats_get(gla_db_stats **out, gla_db *db);
/* NULL is a no-op. */
void gla_db_stats_free(gla_db_stats *s);

/* One row of the change log: every insert, update and delete made through
 * this API, with the values before and after as JSON objects. */
typedef struct gla_db_change {
    int64_t id;      /* log row id, increasing */
    int64_t at;      /* unix seconds */
    char *author;    /* gla_db_set_author() at the time */
    char *action;    /* "insert", "update" or "delete" */
    char *table;     /* "entries" or "terms" */
    int64_t row_id;  /* id of the entry or term changed */
    char *entry_ref; /* ref of the concept concerned */
    char *old_json;  /* the row before (entries: with its terms), or NULL */
    char *new_json;  /* the row after, or NULL (a delete; a concept added
                        by an import: its values are its rows, see
                        docs/GLOSSARY-STORE.md) */
} gla_db_change;

/*
 * Read change-log rows with id > `after_id`, oldest first, at most `max`
 * (0: no limit), only those of concept `ref` unless it is NULL. *out is an
 * array of *n_out rows, the caller's, freed with gla_db_changes_free().
 * GLA_OK, GLA_ENOMEM, GLA_EDB.
 */
int gla_db_changes(gla_db_change **out, size_t *n_out, gla_db *db,
                   int64_t after_id, size_t max, const char *ref);
/* NULL is a no-op. */
void gla_db_changes_free(gla_db_change *v, size_t n);

/* ------------------------------------------------------------------------
 * Import: a stream of concepts applied in one transaction
 *
 * Merge policy: a concept whose ref is not in the store is added; one
 * whose ref is there is replaced by the incoming one (concept fields
 * overwritten; its terms matched by lang and text keep their ids and are
 * updated; the others are added or deleted), and left untouched when
 * nothing differs. Concepts the stream does not name are left alone. The
 * same ref twice in one import is an error (GLA_EEXISTS naming both
 * places). An entry without a ref (OmegaT, TBX without ids) gets
 * "kind.slug" made from its first term's K2 key, e.g.
 * "term.ministere-de-la-defense", with -2, -3, ... when this import already
 * made that one; importing the same file again so merges rather than
 * duplicates. Nothing is visible to other connections before commit; abort,
 * an error or a crash leaves the file exactly as it was.
 * --------------------------------------------------------------------- */

/* What an import did (or would do). */
typedef struct gla_db_import_stats {
    int64_t added;     /* new concepts */
    int64_t replaced;  /* existing concepts that changed */
    int64_t unchanged; /* existing concepts identical to the incoming */
    int64_t terms;     /* terms read */
} gla_db_import_stats;

/* Start an import (a write transaction). GLA_EINVAL when a transaction or
 * import is already open or the store is read-only; GLA_EDB. */
int gla_db_import_begin(gla_db *db);
/*
 * Merge one concept. `where` ("file:line", may be NULL) is remembered to
 * name both places when the same ref comes again. On failure the import
 * stays open and must be aborted.
 *
 * @return GLA_OK, GLA_EEXISTS, GLA_EINVAL, GLA_EUTF8, GLA_ENOMEM, GLA_EDB.
 */
int gla_db_import_put(gla_db *db, const gla_entry *e, const char *where);
/* Make the import durable; counts go to *stats unless NULL. */
int gla_db_import_commit(gla_db *db, gla_db_import_stats *stats);
/* Undo everything since begin; counts so far go to *stats unless NULL.
 * A no-op without an open import. */
int gla_db_import_abort(gla_db *db, gla_db_import_stats *stats);

#ifdef __cplusplus
}
#endif
#endif
