/*
 * The matcher of a glossary store: mapped from its cache file when the
 * cache carries the store's current version stamp, else compiled from
 * every entry and cached for the next run. The stamp is read straight
 * from SQLite (a few index look-ups), so checking it costs nothing.
 */
#define _XOPEN_SOURCE 700 /* realpath */
#include "tokens.h"

#include "glossary/glossary_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Hash the text of every row of `sql` into *h. */
static int hash_rows(gla_db *db, const char *sql, uint64_t *h)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db->sql, sql, -1, &st, NULL) != SQLITE_OK)
        return GLA_EDB;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        for (int c = 0; c < sqlite3_column_count(st); c++) {
            const unsigned char *t = sqlite3_column_text(st, c);
            int n = sqlite3_column_bytes(st, c);
            *h = gla__hash_u64(*h ^ gla__hash_bytes(t ? (const char *)t : "",
                                                    (size_t)n)) +
                 (uint64_t)c;
        }
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? GLA_OK : GLA_EDB;
}

int gla_matcher_db_stamp(uint64_t *out, gla_db *db)
{
    if (!out || !db || !db->sql)
        return GLA_EINVAL;
    /* Ids only grow (AUTOINCREMENT), and every change through the API is
     * logged: together they move whenever the content does. The file's
     * identity tells a rebuilt file from an edited one. */
    uint64_t h = 0x676c6f7373616c69ull;
    static const char *const queries[] = {
        "SELECT name, seq FROM sqlite_sequence ORDER BY name",
        "SELECT max(id) FROM change_log",
        "PRAGMA user_version",
    };
    for (size_t i = 0; i < sizeof queries / sizeof queries[0]; i++) {
        if (hash_rows(db, queries[i], &h) != GLA_OK) {
            db_fail(db, GLA_EDB, "cannot read the glossary version: %s",
                    sqlite3_errmsg(db->sql));
            return GLA_EDB;
        }
    }
    struct stat st;
    if (db->path && strcmp(db->path, ":memory:") != 0 &&
        stat(db->path, &st) == 0) {
        uint64_t id[5] = {(uint64_t)st.st_dev, (uint64_t)st.st_ino,
                          (uint64_t)st.st_size, (uint64_t)st.st_mtim.tv_sec,
                          (uint64_t)st.st_mtim.tv_nsec};
        h ^= gla__hash_bytes(id, sizeof id);
    }
    *out = h ? h : 1; /* 0 means "unknown" to gla_matcher_load() */
    return GLA_OK;
}

int gla_matcher_cache_path(gla_buf *out, const char *db_path)
{
    if (!out || !db_path || !*db_path)
        return GLA_EINVAL;
    /* Next to the database when its directory is writable. */
    const char *slash = strrchr(db_path, '/');
    gla_buf dir = GLA_BUF_INIT;
    int rc = slash ? gla_buf_put(&dir, db_path,
                                 slash == db_path ? 1 : (size_t)(slash - db_path))
                   : gla_buf_puts(&dir, ".");
    if (rc != GLA_OK)
        return rc;
    int writable = access(dir.data, W_OK) == 0;
    gla_buf_dispose(&dir);
    if (writable)
        return gla_buf_printf(out, "%s.match", db_path);

    /* Else the user's cache directory, named after the absolute path. */
    char *abs = realpath(db_path, NULL);
    const char *key = abs ? abs : db_path;
    uint64_t h = gla__hash_bytes(key, strlen(key));
    const char *base = strrchr(key, '/');
    base = base ? base + 1 : key;
    const char *xdg = getenv("XDG_CACHE_HOME");
    const char *home = getenv("HOME");
    if (xdg && *xdg == '/')
        rc = gla_buf_printf(out, "%s/glossalign/%s-%016llx.match", xdg, base,
                            (unsigned long long)h);
    else if (home && *home)
        rc = gla_buf_printf(out, "%s/.cache/glossalign/%s-%016llx.match",
                            home, base, (unsigned long long)h);
    else
        rc = gla_buf_printf(out, "/tmp/glossalign-%s-%016llx.match", base,
                            (unsigned long long)h);
    free(abs);
    return rc;
}

/* mkdir -p of the directory part of `path`; failures are left to the
 * write that follows. */
static void make_parent_dirs(const char *path)
{
    size_t n = strlen(path);
    char *p = malloc(n + 1);
    if (!p)
        return;
    memcpy(p, path, n + 1);
    for (size_t i = 1; i < n; i++) {
        if (p[i] != '/')
            continue;
        p[i] = '\0';
        if (mkdir(p, 0755) != 0 && errno != EEXIST) {
            free(p);
            return;
        }
        p[i] = '/';
    }
    free(p);
}

/* Every concept with its terms, each entry handed to the builder as soon
 * as its last term is read: two ordered scans merged here (entries by id,
 * terms by the terms_entry index), which reads each table once instead of
 * seeking the index once per entry as a join does. It reads the store's
 * tables directly because walking a million entries one query each
 * (gla_db_iter) costs several seconds; when a query does not prepare
 * (another schema) it returns GLA_ENOTFOUND and the caller walks. */
static int load_by_join(gla_matcher_builder *b, gla_db *db, char *msg,
                        size_t cap)
{
    static const char sql_e[] =
        "SELECT id, ref, kind, homonym FROM entries ORDER BY id";
    static const char sql_t[] =
        "SELECT entry_id, lang, text, status, type, case_mode FROM terms "
        "ORDER BY entry_id, id";
    sqlite3_stmt *se = NULL, *stt = NULL;
    if (sqlite3_prepare_v2(db->sql, sql_e, -1, &se, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db->sql, sql_t, -1, &stt, NULL) != SQLITE_OK) {
        sqlite3_finalize(se);
        sqlite3_finalize(stt);
        return GLA_ENOTFOUND;
    }
    gla_entry e;
    gla_buf strs = GLA_BUF_INIT; /* the current entry's strings */
    size_t *offs = NULL, n_offs = 0, cap_offs = 0; /* lang, text per term */
    gla_term *terms = NULL;
    int rc = GLA_OK, step, tstep = sqlite3_step(stt);
    gla_buf ref = GLA_BUF_INIT;
    while ((step = sqlite3_step(se)) == SQLITE_ROW) {
        memset(&e, 0, sizeof e);
        e.id = sqlite3_column_int64(se, 0);
        gla_buf_clear(&ref);
        const char *r = (const char *)sqlite3_column_text(se, 1);
        const char *k = (const char *)sqlite3_column_text(se, 2);
        if (gla_buf_puts(&ref, r ? r : "") != GLA_OK) {
            rc = GLA_ENOMEM;
            break;
        }
        if (!k || gla_kind_parse(&e.kind, k, strlen(k)) != GLA_OK)
            e.kind = GLA_KIND_TERM;
        e.homonym = sqlite3_column_int(se, 3) != 0;
        gla_buf_clear(&strs);
        n_offs = 0;
        /* this entry's terms; terms of no entry (written behind the
         * store's back) are passed over */
        for (; tstep == SQLITE_ROW; tstep = sqlite3_step(stt)) {
            int64_t owner = sqlite3_column_int64(stt, 0);
            if (owner > e.id)
                break;
            if (owner < e.id || sqlite3_column_type(stt, 2) == SQLITE_NULL)
                continue;
            if (n_offs + 2 > cap_offs) {
                size_t c = cap_offs ? cap_offs * 2 : 32;
                size_t *p = realloc(offs, c * sizeof *p);
                if (p)
                    offs = p;
                gla_term *q = p ? realloc(terms, (c / 2) * sizeof *q) : NULL;
                if (q)
                    terms = q;
                if (!p || !q) {
                    rc = GLA_ENOMEM;
                    break;
                }
                cap_offs = c;
            }
            gla_term *t = &terms[n_offs / 2];
            memset(t, 0, sizeof *t);
            const char *lang = (const char *)sqlite3_column_text(stt, 1);
            const char *text = (const char *)sqlite3_column_text(stt, 2);
            const char *sta = (const char *)sqlite3_column_text(stt, 3);
            const char *typ = (const char *)sqlite3_column_text(stt, 4);
            const char *cas = (const char *)sqlite3_column_text(stt, 5);
            offs[n_offs++] = strs.len;
            if (gla_buf_put(&strs, lang ? lang : "",
                            lang ? strlen(lang) + 1 : 1))
                rc = GLA_ENOMEM;
            offs[n_offs++] = strs.len;
            if (gla_buf_put(&strs, text ? text : "",
                            text ? strlen(text) + 1 : 1))
                rc = GLA_ENOMEM;
            if (rc != GLA_OK)
                break;
            if (!sta ||
                gla_status_parse(&t->status, sta, strlen(sta)) != GLA_OK)
                t->status = GLA_STATUS_ADMITTED;
            if (!typ || gla_type_parse(&t->type, typ, strlen(typ)) != GLA_OK)
                t->type = GLA_TYPE_FULL_FORM;
            if (!cas ||
                gla_case_parse(&t->case_mode, cas, strlen(cas)) != GLA_OK)
                t->case_mode = GLA_CASE_DEFAULT;
        }
        if (rc != GLA_OK)
            break;
        if (tstep != SQLITE_ROW && tstep != SQLITE_DONE) {
            step = tstep;
            break;
        }
        /* hand the entry over */
        size_t nt = n_offs / 2;
        for (size_t i = 0; i < nt; i++) {
            terms[i].lang = strs.data + offs[2 * i];
            terms[i].text = strs.data + offs[2 * i + 1];
        }
        e.terms = terms;
        e.n_terms = nt;
        e.ref = ref.data;
        rc = gla_matcher_builder_add(b, &e);
        if (rc != GLA_OK) {
            snprintf(msg, cap, "%s", gla_matcher_builder_errmsg(b));
            break;
        }
    }
    if (rc == GLA_OK && step != SQLITE_DONE) {
        snprintf(msg, cap, "reading the glossary: %s",
                 sqlite3_errmsg(db->sql));
        rc = GLA_EDB;
    }
    sqlite3_finalize(se);
    sqlite3_finalize(stt);
    gla_buf_dispose(&strs);
    gla_buf_dispose(&ref);
    free(offs);
    free(terms);
    return rc;
}

static int open_fail(gla_matcher **out, int rc, const char *msg)
{
    gla_matcher *m = calloc(1, sizeof *m);
    *out = m;
    if (!m)
        return GLA_ENOMEM;
    snprintf(m->err, sizeof m->err, "%s", msg);
    return rc;
}

int gla_matcher_open(gla_matcher **out, gla_db *db, const char *db_path,
                     const gla_matcher_options *opt)
{
    if (!out)
        return GLA_EINVAL;
    *out = NULL;
    if (!db)
        return open_fail(out, GLA_EINVAL, "no glossary");
    const char *lang = opt && opt->source_lang ? opt->source_lang : "fr";
    uint64_t stamp;
    int rc = gla_matcher_db_stamp(&stamp, db);
    if (rc != GLA_OK)
        return open_fail(out, rc, gla_db_errmsg(db));

    gla_buf cache = GLA_BUF_INIT;
    if (db_path && strcmp(db_path, ":memory:") != 0) {
        if (gla_matcher_cache_path(&cache, db_path) != GLA_OK) {
            gla_buf_dispose(&cache);
            return open_fail(out, GLA_ENOMEM, "out of memory");
        }
        gla_matcher *m = NULL;
        rc = gla_matcher_load(&m, cache.data, stamp, lang);
        if (rc == GLA_OK) {
            gla_buf_dispose(&cache);
            *out = m;
            return GLA_OK;
        }
        gla_matcher_free(m);
        if (rc == GLA_ENOMEM) {
            gla_buf_dispose(&cache);
            return GLA_ENOMEM;
        }
    }

    /* Compile from the store. */
    gla_matcher_builder *b = NULL;
    gla_matcher_options o = GLA_MATCHER_OPTIONS_INIT;
    o.source_lang = lang;
    rc = gla_matcher_builder_new(&b, &o);
    if (rc != GLA_OK) {
        gla_buf_dispose(&cache);
        return open_fail(out, rc, rc == GLA_EINVAL ? "bad source language"
                                                   : "out of memory");
    }
    char msg[600] = "";
    rc = load_by_join(b, db, msg, sizeof msg);
    if (rc == GLA_OK) {
        rc = GLA_ITEROVER;
    } else if (rc == GLA_ENOTFOUND) {
        gla_db_iter *it = NULL;
        rc = gla_db_iter_new(&it, db, GLA_DB_ORDER_ID);
        while (rc == GLA_OK) {
            gla_entry *e = NULL;
            rc = gla_db_iter_next(&e, it);
            if (rc != GLA_OK)
                break;
            rc = gla_matcher_builder_add(b, e);
            if (rc != GLA_OK)
                snprintf(msg, sizeof msg, "%.580s",
                         gla_matcher_builder_errmsg(b));
            gla_entry_free(e);
        }
        gla_db_iter_free(it);
    }
    if (rc != GLA_ITEROVER) {
        if (!msg[0])
            snprintf(msg, sizeof msg, "reading the glossary: %.560s",
                     gla_db_errmsg(db));
        gla_matcher_builder_free(b);
        gla_buf_dispose(&cache);
        return open_fail(out, rc, msg);
    }
    gla_matcher *m = NULL;
    rc = gla_matcher_build(&m, b, stamp);
    if (rc != GLA_OK) {
        snprintf(msg, sizeof msg, "%.580s", gla_matcher_builder_errmsg(b));
        gla_matcher_builder_free(b);
        gla_buf_dispose(&cache);
        return open_fail(out, rc, msg);
    }
    gla_matcher_builder_free(b);
    if (cache.len) {
        make_parent_dirs(cache.data);
        if (gla_matcher_save(m, cache.data) != GLA_OK)
            m->err[0] = '\0'; /* no cache this time: not an error */
    }
    gla_buf_dispose(&cache);
    *out = m;
    return GLA_OK;
}
