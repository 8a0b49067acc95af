/*
 * Concepts and terms in and out of the store: validation (refs, language
 * tags, UTF-8, NFC), keys, the row-level change log, reads, look-ups,
 * iteration and statistics. Every write goes through apply_insert() or
 * apply_update(), so the change log sees all of them.
 */
#include "glossary_int.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

/* ---- small helpers ------------------------------------------------------ */

/* Optional strings: "" and NULL are the same thing (an empty TSV field). */
static const char *opt(const char *s)
{
    return (s && *s) ? s : NULL;
}

static int same_opt(const char *a, const char *b)
{
    a = opt(a);
    b = opt(b);
    if (!a || !b)
        return a == b;
    return strcmp(a, b) == 0;
}

static int ascii_lower(int c)
{
    return (c >= 'A' && c <= 'Z') ? c + 32 : c;
}

static int same_lang(const char *a, const char *b)
{
    for (;; a++, b++) {
        if (ascii_lower((unsigned char)*a) != ascii_lower((unsigned char)*b))
            return 0;
        if (!*a)
            return 1;
    }
}

static void bind_opt(sqlite3_stmt *st, int i, const char *s)
{
    s = opt(s);
    if (s)
        sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, i);
}

static int step_done(gla_db *db, sqlite3_stmt *st, const char *what)
{
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE)
        return db_sqlfail(db, what);
    return GLA_OK;
}

/* Length of the valid UTF-8 prefix of s (strict: no overlongs, surrogates
 * or code points past U+10FFFF). */
static size_t utf8_valid_prefix(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < len) {
        unsigned c = p[i];
        size_t n;
        unsigned min;
        if (c < 0x80) {
            i++;
            continue;
        } else if (c >= 0xC2 && c <= 0xDF) {
            n = 1, min = 0x80;
        } else if (c >= 0xE0 && c <= 0xEF) {
            n = 2, min = 0x800;
        } else if (c >= 0xF0 && c <= 0xF4) {
            n = 3, min = 0x10000;
        } else {
            return i;
        }
        if (len - i <= n)
            return i;
        unsigned cp = c & (0x3F >> n);
        for (size_t k = 1; k <= n; k++) {
            if ((p[i + k] & 0xC0) != 0x80)
                return i;
            cp = (cp << 6) | (p[i + k] & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return i;
        i += n + 1;
    }
    return i;
}

static int check_utf8(gla_db *db, const char *ref, const char *field,
                      const char *s)
{
    if (!s)
        return GLA_OK;
    size_t len = strlen(s);
    size_t ok = utf8_valid_prefix(s, len);
    if (ok != len)
        return db_fail(db, GLA_EUTF8,
                       "entry '%s': %s: invalid UTF-8 at byte %zu", ref, field,
                       ok);
    return GLA_OK;
}

/* [a-z0-9][a-z0-9._-]*, at most 200 bytes: refs end up in file names,
 * URLs and shell commands. */
static int valid_ref(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n == 0 || n > 200)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        int ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                 (i > 0 && (c == '.' || c == '_' || c == '-'));
        if (!ok)
            return 0;
    }
    return 1;
}

/* A BCP 47 tag in its simple shape: 2-8 letters, then -subtags of 1-8
 * letters or digits. */
static int valid_lang(const char *s)
{
    if (!s)
        return 0;
    size_t i = 0, run = 0;
    for (; s[i] && s[i] != '-'; i++) {
        char c = (char)ascii_lower((unsigned char)s[i]);
        if (c < 'a' || c > 'z')
            return 0;
        run++;
    }
    if (run < 2 || run > 8)
        return 0;
    while (s[i] == '-') {
        i++;
        run = 0;
        for (; s[i] && s[i] != '-'; i++) {
            char c = (char)ascii_lower((unsigned char)s[i]);
            if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')))
                return 0;
            run++;
        }
        if (run < 1 || run > 8)
            return 0;
    }
    return s[i] == '\0';
}

/* ---- preparing terms ----------------------------------------------------- */

static int prep_reserve(gla_db *db, size_t n)
{
    if (n <= db->cap_prep)
        return GLA_OK;
    size_t cap = db->cap_prep ? db->cap_prep : 8;
    while (cap < n)
        cap *= 2;
    db_prep_term *p = realloc(db->prep, cap * sizeof *p);
    if (!p)
        return db_fail(db, GLA_ENOMEM, "out of memory");
    db->prep = p;
    db->cap_prep = cap;
    return GLA_OK;
}

static const char *arena_at(const gla_db *db, size_t off)
{
    return db->arena.data + off;
}

/* Check one term and append its NFC text and keys to the arena. */
static int prep_term(gla_db *db, db_prep_term *p, const char *ref, size_t idx,
                     const gla_term *t)
{
    memset(p, 0, sizeof *p);
    p->src = t;
    p->id = t->id;
    if (!valid_lang(t->lang))
        return db_fail(db, GLA_EINVAL,
                       "entry '%s': term %zu: '%s' is not a language tag "
                       "(e.g. fr, vi, en)",
                       ref, idx + 1, t->lang ? t->lang : "");
    const char *s = t->text ? t->text : "";
    size_t len = strlen(s);
    size_t ok = utf8_valid_prefix(s, len);
    if (ok != len)
        return db_fail(db, GLA_EUTF8,
                       "entry '%s': term %zu (%s): invalid UTF-8 at byte %zu",
                       ref, idx + 1, t->lang, ok);
    /* One pass: control characters (C0, DEL, C1), blankness, and whether
     * every code point is one that is NFC whatever surrounds it (then the
     * text is NFC already and utf8proc need not copy it). */
    int is_nfc = 1, blank = 1;
    for (size_t i = 0; i < len;) {
        unsigned char c = (unsigned char)s[i];
        uint32_t cp = c;
        size_t n = 1;
        if (c >= 0xF0)
            cp = c & 0x07, n = 4;
        else if (c >= 0xE0)
            cp = c & 0x0F, n = 3;
        else if (c >= 0xC0)
            cp = c & 0x1F, n = 2;
        for (size_t k = 1; k < n; k++)
            cp = (cp << 6) | ((unsigned char)s[i + k] & 0x3F);
        if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0))
            return db_fail(db, GLA_EINVAL,
                           "entry '%s': term %zu (%s): control character at "
                           "byte %zu",
                           ref, idx + 1, t->lang, i);
        if (!db_nfc_stable_cp(cp))
            is_nfc = 0;
        if (cp != ' ')
            blank = 0;
        i += n;
    }
    if (blank)
        return db_fail(db, GLA_EINVAL, "entry '%s': term %zu (%s): empty text",
                       ref, idx + 1, t->lang);

    p->text = db->arena.len;
    if (is_nfc) {
        if (gla_buf_put(&db->arena, s, len) != GLA_OK)
            return db_fail(db, GLA_ENOMEM, "out of memory");
    } else {
        utf8proc_uint8_t *nfc = NULL;
        utf8proc_ssize_t n =
            utf8proc_map((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)len,
                         &nfc, UTF8PROC_STABLE | UTF8PROC_COMPOSE);
        if (n < 0) {
            free(nfc);
            return db_fail(db,
                           n == UTF8PROC_ERROR_NOMEM ? GLA_ENOMEM : GLA_EUTF8,
                           "entry '%s': term %zu (%s): %s", ref, idx + 1,
                           t->lang, utf8proc_errmsg(n));
        }
        int rc = gla_buf_put(&db->arena, nfc, (size_t)n);
        free(nfc);
        if (rc != GLA_OK)
            return db_fail(db, GLA_ENOMEM, "out of memory");
    }
    p->text_len = db->arena.len - p->text;
    /* Keys are built from the stored (NFC) text; copy it aside because the
     * arena may move while keys are appended. */
    size_t text_off = p->text, text_len = p->text_len;
    if (gla_buf_put(&db->arena, "", 1) != GLA_OK)
        return db_fail(db, GLA_ENOMEM, "out of memory");
    int rc = GLA_OK;
    char small[256];
    char *copy = text_len < sizeof small ? small : malloc(text_len + 1);
    if (!copy)
        return db_fail(db, GLA_ENOMEM, "out of memory");
    memcpy(copy, arena_at(db, text_off), text_len);
    rc = db_keys(db, p, copy, text_len);
    if (copy != small)
        free(copy);
    if (rc != GLA_OK)
        return db_fail(db, rc, "entry '%s': term %zu (%s): %s", ref, idx + 1,
                       t->lang, gla_db_errmsg(db));

    const char *fields[3] = {t->pos, t->note, t->source};
    const char *names[3] = {"pos", "note", "source"};
    for (int i = 0; i < 3; i++)
        if ((rc = check_utf8(db, ref, names[i], fields[i])) != GLA_OK)
            return rc;
    if ((unsigned)t->status > GLA_STATUS_FORBIDDEN ||
        (unsigned)t->type > GLA_TYPE_TRANSLITERATION ||
        (unsigned)t->case_mode > GLA_CASE_INSENSITIVE)
        return db_fail(db, GLA_EINVAL,
                       "entry '%s': term %zu (%s): status, type or case out "
                       "of range",
                       ref, idx + 1, t->lang);
    return GLA_OK;
}

static int same_text(const gla_db *db, const db_prep_term *a,
                     const db_prep_term *b)
{
    return a->text_len == b->text_len &&
           memcmp(arena_at(db, a->text), arena_at(db, b->text), a->text_len) ==
               0;
}

/* Check a whole entry and prepare its terms into db->prep. */
static int prep_entry(gla_db *db, const gla_entry *e)
{
    db->n_prep = 0;
    gla_buf_clear(&db->arena);
    if (!e)
        return db_fail(db, GLA_EINVAL, "no entry given");
    if (!valid_ref(e->ref))
        return db_fail(db, GLA_EINVAL,
                       "'%s' is not a valid entry id: use lower-case letters, "
                       "digits and . _ - (e.g. person.phan-van-giang)",
                       e->ref ? e->ref : "");
    if ((unsigned)e->kind > GLA_KIND_ACRONYM)
        return db_fail(db, GLA_EINVAL, "entry '%s': kind out of range", e->ref);
    int rc;
    if ((rc = check_utf8(db, e->ref, "subject", e->subject)) != GLA_OK ||
        (rc = check_utf8(db, e->ref, "definition", e->definition)) != GLA_OK ||
        (rc = check_utf8(db, e->ref, "note", e->note)) != GLA_OK)
        return rc;
    if (e->n_terms == 0)
        return db_fail(db, GLA_EINVAL, "entry '%s' has no term", e->ref);
    if ((rc = prep_reserve(db, e->n_terms)) != GLA_OK)
        return rc;
    for (size_t i = 0; i < e->n_terms; i++) {
        if ((rc = prep_term(db, &db->prep[i], e->ref, i, &e->terms[i])) !=
            GLA_OK)
            return rc;
        db->n_prep = i + 1;
    }
    for (size_t i = 0; i < db->n_prep; i++)
        for (size_t j = 0; j < i; j++)
            if (same_lang(e->terms[i].lang, e->terms[j].lang) &&
                same_text(db, &db->prep[i], &db->prep[j]))
                return db_fail(db, GLA_EINVAL,
                               "entry '%s': term %zu (%s '%s') repeats term "
                               "%zu",
                               e->ref, i + 1, e->terms[i].lang,
                               arena_at(db, db->prep[i].text), j + 1);
    return GLA_OK;
}

/* ---- JSON for the change log --------------------------------------------- */

static void json_str(gla_buf *b, const char *s, size_t len)
{
    gla_json_quote(b, s, len);
}

static void json_field(gla_buf *b, const char *key, const char *val)
{
    val = opt(val);
    if (!val)
        return;
    gla_buf_puts(b, ",\"");
    gla_buf_puts(b, key);
    gla_buf_puts(b, "\":");
    json_str(b, val, strlen(val));
}

/* A term as JSON; `text` overrides t->text (the NFC form) when not NULL. */
static void json_term(gla_buf *b, int64_t id, const gla_term *t,
                      const char *text, size_t text_len)
{
    gla_buf_printf(b, "{\"id\":%lld,\"lang\":", (long long)id);
    json_str(b, t->lang, strlen(t->lang));
    gla_buf_puts(b, ",\"text\":");
    if (text)
        json_str(b, text, text_len);
    else
        json_str(b, t->text, strlen(t->text));
    gla_buf_puts(b, ",\"status\":\"");
    gla_buf_puts(b, gla_status_name(t->status));
    gla_buf_puts(b, "\",\"type\":\"");
    gla_buf_puts(b, gla_type_name(t->type));
    gla_buf_puts(b, "\"");
    json_field(b, "pos", t->pos);
    if (t->case_mode != GLA_CASE_DEFAULT)
        gla_buf_printf(b, ",\"case\":\"%s\"", gla_case_name(t->case_mode));
    json_field(b, "note", t->note);
    json_field(b, "source", t->source);
    gla_buf_puts(b, "}");
}

/* The concept fields of an entry as a JSON object, left open so terms can
 * follow. */
static void json_entry_open(gla_buf *b, const gla_entry *e)
{
    gla_buf_puts(b, "{\"ref\":");
    json_str(b, e->ref, strlen(e->ref));
    gla_buf_puts(b, ",\"kind\":\"");
    gla_buf_puts(b, gla_kind_name(e->kind));
    gla_buf_puts(b, "\"");
    json_field(b, "subject", e->subject);
    json_field(b, "definition", e->definition);
    json_field(b, "note", e->note);
    if (e->homonym)
        gla_buf_puts(b, ",\"homonym\":true");
}

/* A stored entry (texts as stored) with its terms. */
static int json_entry_stored(gla_db *db, gla_buf *b, const gla_entry *e)
{
    gla_buf_clear(b);
    json_entry_open(b, e);
    gla_buf_puts(b, ",\"terms\":[");
    for (size_t i = 0; i < e->n_terms; i++) {
        if (i)
            gla_buf_puts(b, ",");
        json_term(b, e->terms[i].id, &e->terms[i], NULL, 0);
    }
    if (gla_buf_puts(b, "]}") != GLA_OK)
        return db_fail(db, GLA_ENOMEM, "out of memory");
    return GLA_OK;
}

static int log_change(gla_db *db, int64_t now, const char *action,
                      const char *table, int64_t row_id, const char *ref,
                      const gla_buf *old_json, const gla_buf *new_json)
{
    sqlite3_stmt *st = db_stmt(db, ST_LOG_INSERT);
    if (!st)
        return GLA_EDB;
    sqlite3_bind_int64(st, 1, now);
    sqlite3_bind_text(st, 2, db->author, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, action, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, table, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 5, row_id);
    sqlite3_bind_text(st, 6, ref, -1, SQLITE_STATIC);
    if (old_json)
        sqlite3_bind_text(st, 7, old_json->data, (int)old_json->len,
                          SQLITE_STATIC);
    if (new_json)
        sqlite3_bind_text(st, 8, new_json->data, (int)new_json->len,
                          SQLITE_STATIC);
    return step_done(db, st, "writing the change log");
}

/* ---- reading ------------------------------------------------------------- */

static int col_str(char **out, sqlite3_stmt *st, int col)
{
    const unsigned char *s = sqlite3_column_text(st, col);
    if (!s) {
        *out = NULL;
        return sqlite3_column_type(st, col) == SQLITE_NULL ? GLA_OK
                                                           : GLA_ENOMEM;
    }
    return gla_entry_set_str(out, (const char *)s,
                             (size_t)sqlite3_column_bytes(st, col));
}

/* Enum columns hold names; an unknown one (a newer writer's) reads as the
 * default rather than failing the whole read. */
static gla_kind col_kind(sqlite3_stmt *st, int col)
{
    gla_kind k = GLA_KIND_TERM;
    const char *s = (const char *)sqlite3_column_text(st, col);
    if (s)
        gla_kind_parse(&k, s, strlen(s));
    return k;
}

static int load_terms(gla_db *db, gla_entry *e)
{
    sqlite3_stmt *st = db_stmt(db, ST_TERMS_OF);
    if (!st)
        return GLA_EDB;
    sqlite3_bind_int64(st, 1, e->id);
    int s, rc = GLA_OK;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        gla_term t;
        memset(&t, 0, sizeof t);
        t.id = sqlite3_column_int64(st, 0);
        const char *v;
        if ((v = (const char *)sqlite3_column_text(st, 3)))
            gla_status_parse(&t.status, v, strlen(v));
        if ((v = (const char *)sqlite3_column_text(st, 4)))
            gla_type_parse(&t.type, v, strlen(v));
        if ((v = (const char *)sqlite3_column_text(st, 6)))
            gla_case_parse(&t.case_mode, v, strlen(v));
        /* gla_entry_add_term copies strings: point at SQLite's. */
        t.lang = (char *)sqlite3_column_text(st, 1);
        t.text = (char *)sqlite3_column_text(st, 2);
        t.pos = (char *)sqlite3_column_text(st, 5);
        t.note = (char *)sqlite3_column_text(st, 7);
        t.source = (char *)sqlite3_column_text(st, 8);
        if (!t.lang || !t.text || gla_entry_add_term(e, &t) != GLA_OK) {
            rc = db_fail(db, GLA_ENOMEM, "out of memory");
            break;
        }
    }
    if (rc == GLA_OK && s != SQLITE_DONE)
        rc = db_sqlfail(db, "reading terms");
    sqlite3_reset(st);
    return rc;
}

/* Build an entry from a row of ENTRY_COLS and load its terms. */
static int read_entry(gla_entry **out, gla_db *db, sqlite3_stmt *st)
{
    gla_entry *e = calloc(1, sizeof *e);
    if (!e)
        return db_fail(db, GLA_ENOMEM, "out of memory");
    e->id = sqlite3_column_int64(st, 0);
    e->kind = col_kind(st, 2);
    e->homonym = sqlite3_column_int(st, 6) != 0;
    e->created = sqlite3_column_int64(st, 7);
    e->updated = sqlite3_column_int64(st, 8);
    if (col_str(&e->ref, st, 1) || col_str(&e->subject, st, 3) ||
        col_str(&e->definition, st, 4) || col_str(&e->note, st, 5) || !e->ref) {
        gla_entry_free(e);
        return db_fail(db, GLA_ENOMEM, "out of memory");
    }
    int rc = load_terms(db, e);
    if (rc != GLA_OK) {
        gla_entry_free(e);
        return rc;
    }
    *out = e;
    return GLA_OK;
}

/* Fetch by id (ref NULL) or by ref. */
static int get_entry(gla_entry **out, gla_db *db, int64_t id, const char *ref)
{
    *out = NULL;
    sqlite3_stmt *st = db_stmt(db, ref ? ST_ENTRY_BY_REF : ST_ENTRY_BY_ID);
    if (!st)
        return GLA_EDB;
    if (ref)
        sqlite3_bind_text(st, 1, ref, -1, SQLITE_STATIC);
    else
        sqlite3_bind_int64(st, 1, id);
    int s = sqlite3_step(st);
    int rc;
    if (s == SQLITE_ROW)
        rc = read_entry(out, db, st);
    else if (s == SQLITE_DONE)
        rc = ref ? db_fail(db, GLA_ENOTFOUND, "no entry '%s'", ref)
                 : db_fail(db, GLA_ENOTFOUND, "no entry with id %lld",
                           (long long)id);
    else
        rc = db_sqlfail(db, "reading an entry");
    sqlite3_reset(st);
    return rc;
}

int gla_db_entry_get(gla_entry **out, gla_db *db, int64_t id)
{
    if (!out || !db)
        return GLA_EINVAL;
    db_clear_err(db);
    return get_entry(out, db, id, NULL);
}

int gla_db_entry_get_ref(gla_entry **out, gla_db *db, const char *ref)
{
    if (!out || !db || !ref)
        return GLA_EINVAL;
    db_clear_err(db);
    return get_entry(out, db, 0, ref);
}

/* ---- writing ------------------------------------------------------------- */

static void bind_term(gla_db *db, sqlite3_stmt *st, const db_prep_term *p)
{
    const gla_term *t = p->src;
    sqlite3_bind_text(st, 2, t->lang, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, arena_at(db, p->text), (int)p->text_len,
                      SQLITE_STATIC);
    sqlite3_bind_text(st, 4, arena_at(db, p->k1), (int)p->k1_len,
                      SQLITE_STATIC);
    sqlite3_bind_text(st, 5, arena_at(db, p->k2), (int)p->k2_len,
                      SQLITE_STATIC);
    sqlite3_bind_text(st, 6, arena_at(db, p->k2c), (int)p->k2c_len,
                      SQLITE_STATIC);
    sqlite3_bind_text(st, 7, arena_at(db, p->k3), (int)p->k3_len,
                      SQLITE_STATIC);
    sqlite3_bind_text(st, 8, gla_status_name(t->status), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 9, gla_type_name(t->type), -1, SQLITE_STATIC);
    bind_opt(st, 10, t->pos);
    sqlite3_bind_text(st, 11, gla_case_name(t->case_mode), -1, SQLITE_STATIC);
    bind_opt(st, 12, t->note);
    bind_opt(st, 13, t->source);
}

static int insert_term(gla_db *db, int64_t entry_id, db_prep_term *p)
{
    sqlite3_stmt *st = db_stmt(db, ST_TERM_INSERT);
    if (!st)
        return GLA_EDB;
    sqlite3_bind_int64(st, 1, entry_id);
    bind_term(db, st, p);
    int rc = step_done(db, st, "adding a term");
    if (rc == GLA_OK)
        p->id = sqlite3_last_insert_rowid(db->sql);
    return rc;
}

static void bind_entry(sqlite3_stmt *st, const gla_entry *e, int64_t now)
{
    sqlite3_bind_text(st, 1, e->ref, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, gla_kind_name(e->kind), -1, SQLITE_STATIC);
    bind_opt(st, 3, e->subject);
    bind_opt(st, 4, e->definition);
    bind_opt(st, 5, e->note);
    sqlite3_bind_int(st, 6, e->homonym ? 1 : 0);
    sqlite3_bind_int64(st, 7, now);
}

/* Insert the prepared entry `e` (db->prep holds its terms). */
static int apply_insert(int64_t *out_id, gla_db *db, const gla_entry *e,
                        int full_log)
{
    int64_t now = db_now();
    sqlite3_stmt *st = db_stmt(db, ST_ENTRY_INSERT);
    if (!st)
        return GLA_EDB;
    bind_entry(st, e, now);
    int rc = step_done(db, st, "adding an entry");
    if (rc == GLA_EEXISTS)
        return db_fail(db, GLA_EEXISTS, "entry '%s' already exists", e->ref);
    if (rc != GLA_OK)
        return rc;
    int64_t id = sqlite3_last_insert_rowid(db->sql);
    for (size_t i = 0; i < db->n_prep && rc == GLA_OK; i++)
        rc = insert_term(db, id, &db->prep[i]);
    if (rc != GLA_OK)
        return rc;

    /* An import logs its new concepts compactly: the row itself is the
     * value until a later update or delete logs it as `old`
     * (docs/GLOSSARY-STORE.md). */
    if (!full_log)
        return log_change(db, now, "insert", "entries", id, e->ref, NULL,
                          NULL);
    gla_buf *j = &db->json_new;
    gla_buf_clear(j);
    json_entry_open(j, e);
    gla_buf_puts(j, ",\"terms\":[");
    for (size_t i = 0; i < db->n_prep; i++) {
        if (i)
            gla_buf_puts(j, ",");
        json_term(j, db->prep[i].id, db->prep[i].src,
                  arena_at(db, db->prep[i].text), db->prep[i].text_len);
    }
    if (gla_buf_puts(j, "]}") != GLA_OK)
        return db_fail(db, GLA_ENOMEM, "out of memory");
    rc = log_change(db, now, "insert", "entries", id, e->ref, NULL, j);
    if (rc == GLA_OK && out_id)
        *out_id = id;
    return rc;
}

static int term_differs(const gla_db *db, const gla_term *old,
                        const db_prep_term *p)
{
    const gla_term *t = p->src;
    return strcmp(old->lang, t->lang) != 0 ||
           strlen(old->text) != p->text_len ||
           memcmp(old->text, arena_at(db, p->text), p->text_len) != 0 ||
           old->status != t->status || old->type != t->type ||
           old->case_mode != t->case_mode || !same_opt(old->pos, t->pos) ||
           !same_opt(old->note, t->note) || !same_opt(old->source, t->source);
}

static int concept_differs(const gla_entry *a, const gla_entry *b)
{
    return strcmp(a->ref, b->ref) != 0 || a->kind != b->kind ||
           !a->homonym != !b->homonym || !same_opt(a->subject, b->subject) ||
           !same_opt(a->definition, b->definition) ||
           !same_opt(a->note, b->note);
}

static void json_concept(gla_buf *b, const gla_entry *e)
{
    gla_buf_clear(b);
    json_entry_open(b, e);
    gla_buf_puts(b, "}");
}

/*
 * Turn stored entry `old` into `e` (prepared in db->prep, whose ids name
 * the old terms kept). Logs one row per changed term and one for changed
 * concept fields. *changed says whether anything was written.
 */
static int apply_update(gla_db *db, const gla_entry *old, const gla_entry *e,
                        int *changed)
{
    int64_t now = db_now();
    int rc = GLA_OK, any = 0;
    *changed = 0;

    /* Every kept id must be one of old's, once. */
    for (size_t i = 0; i < db->n_prep; i++) {
        int64_t id = db->prep[i].id;
        if (!id)
            continue;
        int found = 0;
        for (size_t k = 0; k < old->n_terms; k++)
            found |= old->terms[k].id == id;
        for (size_t k = 0; k < i; k++)
            if (db->prep[k].id == id)
                found = 0;
        if (!found)
            return db_fail(db, GLA_EINVAL,
                           "entry '%s': term id %lld is not one of its terms "
                           "(or is given twice)",
                           old->ref, (long long)id);
    }

    const char *ref = e->ref;
    /* Deleted terms. */
    for (size_t k = 0; k < old->n_terms && rc == GLA_OK; k++) {
        const gla_term *ot = &old->terms[k];
        int kept = 0;
        for (size_t i = 0; i < db->n_prep; i++)
            kept |= db->prep[i].id == ot->id;
        if (kept)
            continue;
        sqlite3_stmt *st = db_stmt(db, ST_TERM_DELETE);
        if (!st)
            return GLA_EDB;
        sqlite3_bind_int64(st, 1, ot->id);
        if ((rc = step_done(db, st, "deleting a term")) != GLA_OK)
            break;
        gla_buf_clear(&db->json_old);
        json_term(&db->json_old, ot->id, ot, NULL, 0);
        rc = log_change(db, now, "delete", "terms", ot->id, ref, &db->json_old,
                        NULL);
        any = 1;
    }
    /* Concept fields (before term inserts, so a new ref is in place). */
    int concept = concept_differs(old, e);
    if (rc == GLA_OK && concept) {
        sqlite3_stmt *st = db_stmt(db, ST_ENTRY_UPDATE);
        if (!st)
            return GLA_EDB;
        bind_entry(st, e, now);
        sqlite3_bind_int64(st, 8, old->id);
        rc = step_done(db, st, "updating an entry");
        if (rc == GLA_EEXISTS)
            return db_fail(db, GLA_EEXISTS, "entry '%s' already exists",
                           e->ref);
        if (rc == GLA_OK) {
            json_concept(&db->json_old, old);
            json_concept(&db->json_new, e);
            rc = log_change(db, now, "update", "entries", old->id, ref,
                            &db->json_old, &db->json_new);
        }
        any = 1;
    }
    /* Added and changed terms. */
    for (size_t i = 0; i < db->n_prep && rc == GLA_OK; i++) {
        db_prep_term *p = &db->prep[i];
        if (!p->id) {
            if ((rc = insert_term(db, old->id, p)) != GLA_OK)
                break;
            gla_buf_clear(&db->json_new);
            json_term(&db->json_new, p->id, p->src, arena_at(db, p->text),
                      p->text_len);
            rc = log_change(db, now, "insert", "terms", p->id, ref, NULL,
                            &db->json_new);
            any = 1;
            continue;
        }
        const gla_term *ot = NULL;
        for (size_t k = 0; k < old->n_terms; k++)
            if (old->terms[k].id == p->id)
                ot = &old->terms[k];
        if (!ot || !term_differs(db, ot, p))
            continue;
        sqlite3_stmt *st = db_stmt(db, ST_TERM_UPDATE);
        if (!st)
            return GLA_EDB;
        sqlite3_bind_int64(st, 1, p->id);
        bind_term(db, st, p);
        if ((rc = step_done(db, st, "updating a term")) != GLA_OK)
            break;
        gla_buf_clear(&db->json_old);
        json_term(&db->json_old, ot->id, ot, NULL, 0);
        gla_buf_clear(&db->json_new);
        json_term(&db->json_new, p->id, p->src, arena_at(db, p->text),
                  p->text_len);
        rc = log_change(db, now, "update", "terms", p->id, ref, &db->json_old,
                        &db->json_new);
        any = 1;
    }
    if (rc == GLA_OK && any && !concept) {
        sqlite3_stmt *st = db_stmt(db, ST_ENTRY_TOUCH);
        if (!st)
            return GLA_EDB;
        sqlite3_bind_int64(st, 1, now);
        sqlite3_bind_int64(st, 2, old->id);
        rc = step_done(db, st, "updating an entry");
    }
    if (rc == GLA_OK)
        *changed = any;
    return rc;
}

int gla_db_entry_add(int64_t *out_id, gla_db *db, const gla_entry *e)
{
    if (!db)
        return GLA_EINVAL;
    db_clear_err(db);
    int rc = prep_entry(db, e);
    if (rc != GLA_OK)
        return rc;
    if ((rc = db_op_begin(db)) != GLA_OK)
        return rc;
    return db_op_end(db, apply_insert(out_id, db, e, 1));
}

/* Update `old` to `e`, whose term ids are already resolved. */
static int update_to(gla_db *db, const gla_entry *old, const gla_entry *e)
{
    int rc = prep_entry(db, e);
    if (rc != GLA_OK)
        return rc;
    int changed = 0;
    if ((rc = db_op_begin(db)) != GLA_OK)
        return rc;
    return db_op_end(db, apply_update(db, old, e, &changed));
}

int gla_db_entry_update(gla_db *db, const gla_entry *e)
{
    if (!db || !e)
        return GLA_EINVAL;
    db_clear_err(db);
    gla_entry *old = NULL;
    int rc = e->id ? get_entry(&old, db, e->id, NULL)
                   : get_entry(&old, db, 0, e->ref ? e->ref : "");
    if (rc != GLA_OK)
        return rc;
    rc = update_to(db, old, e);
    gla_entry_free(old);
    return rc;
}

int gla_db_entry_delete(gla_db *db, int64_t id)
{
    if (!db)
        return GLA_EINVAL;
    db_clear_err(db);
    gla_entry *old = NULL;
    int rc = db_op_begin(db);
    if (rc != GLA_OK)
        return rc;
    if ((rc = get_entry(&old, db, id, NULL)) == GLA_OK &&
        (rc = json_entry_stored(db, &db->json_old, old)) == GLA_OK) {
        sqlite3_stmt *st = db_stmt(db, ST_ENTRY_DELETE);
        if (!st)
            rc = GLA_EDB;
        else {
            sqlite3_bind_int64(st, 1, id);
            rc = step_done(db, st, "deleting an entry");
        }
        if (rc == GLA_OK)
            rc = log_change(db, db_now(), "delete", "entries", id, old->ref,
                            &db->json_old, NULL);
    }
    gla_entry_free(old);
    return db_op_end(db, rc);
}

/* The entry a term belongs to. */
static int entry_of_term(gla_entry **out, gla_db *db, int64_t term_id,
                         size_t *index)
{
    *out = NULL;
    sqlite3_stmt *st = db_stmt(db, ST_TERM_BY_ID);
    if (!st)
        return GLA_EDB;
    sqlite3_bind_int64(st, 1, term_id);
    int s = sqlite3_step(st);
    int64_t entry_id = s == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_reset(st);
    if (s == SQLITE_DONE)
        return db_fail(db, GLA_ENOTFOUND, "no term with id %lld",
                       (long long)term_id);
    if (s != SQLITE_ROW)
        return db_sqlfail(db, "reading a term");
    int rc = get_entry(out, db, entry_id, NULL);
    if (rc != GLA_OK)
        return rc;
    for (size_t i = 0; i < (*out)->n_terms; i++)
        if ((*out)->terms[i].id == term_id)
            *index = i;
    return GLA_OK;
}

int gla_db_term_add(int64_t *out_id, gla_db *db, int64_t entry_id,
                    const gla_term *t)
{
    if (!db || !t)
        return GLA_EINVAL;
    db_clear_err(db);
    gla_entry *old = NULL, next;
    memset(&next, 0, sizeof next);
    int rc = get_entry(&old, db, entry_id, NULL);
    if (rc == GLA_OK && (rc = gla_entry_copy(&next, old)) != GLA_OK)
        db_fail(db, rc, "out of memory");
    if (rc == GLA_OK) {
        gla_term nt = *t;
        nt.id = 0;
        if ((rc = gla_entry_add_term(&next, &nt)) != GLA_OK)
            db_fail(db, rc, "out of memory");
    }
    if (rc == GLA_OK) {
        rc = update_to(db, old, &next);
        if (rc == GLA_EINVAL && strstr(gla_db_errmsg(db), " repeats term "))
            rc = GLA_EEXISTS;
    }
    if (rc == GLA_OK && out_id)
        *out_id = db->prep[db->n_prep - 1].id;
    gla_entry_free(old);
    gla_entry_clear(&next);
    return rc;
}

int gla_db_term_update(gla_db *db, const gla_term *t)
{
    if (!db || !t)
        return GLA_EINVAL;
    db_clear_err(db);
    gla_entry *old = NULL, next;
    memset(&next, 0, sizeof next);
    size_t at = 0;
    int rc = entry_of_term(&old, db, t->id, &at);
    if (rc == GLA_OK && (rc = gla_entry_copy(&next, old)) != GLA_OK)
        db_fail(db, rc, "out of memory");
    if (rc == GLA_OK) {
        /* Swap in a copy of the caller's term at the same place. */
        gla_entry one;
        memset(&one, 0, sizeof one);
        if ((rc = gla_entry_add_term(&one, t)) != GLA_OK) {
            db_fail(db, rc, "out of memory");
        } else {
            gla_term tmp = next.terms[at];
            next.terms[at] = one.terms[0];
            next.terms[at].id = t->id;
            one.terms[0] = tmp;
            gla_entry_clear(&one);
            rc = update_to(db, old, &next);
            if (rc == GLA_EINVAL && strstr(gla_db_errmsg(db), " repeats term "))
                rc = GLA_EEXISTS;
        }
    }
    gla_entry_free(old);
    gla_entry_clear(&next);
    return rc;
}

int gla_db_term_delete(gla_db *db, int64_t term_id)
{
    if (!db)
        return GLA_EINVAL;
    db_clear_err(db);
    gla_entry *old = NULL, next;
    memset(&next, 0, sizeof next);
    size_t at = 0;
    int rc = entry_of_term(&old, db, term_id, &at);
    if (rc == GLA_OK && old->n_terms == 1)
        rc = db_fail(db, GLA_EINVAL,
                     "entry '%s': cannot delete its only term; delete the "
                     "entry",
                     old->ref);
    if (rc == GLA_OK && (rc = gla_entry_copy(&next, old)) != GLA_OK)
        db_fail(db, rc, "out of memory");
    if (rc == GLA_OK) {
        gla_term tmp = next.terms[at];
        memmove(&next.terms[at], &next.terms[at + 1],
                (next.n_terms - at - 1) * sizeof tmp);
        next.terms[--next.n_terms] = tmp; /* freed by clear below */
        rc = update_to(db, old, &next);
        next.n_terms++;
    }
    gla_entry_free(old);
    gla_entry_clear(&next);
    return rc;
}

/* ---- import merge (called inside the import's transaction) --------------- */

int db_merge_entry(gla_db *db, const gla_entry *e, int known_new,
                   int *out_changed, int *out_added)
{
    *out_changed = *out_added = 0;
    int rc = prep_entry(db, e);
    if (rc != GLA_OK)
        return rc;
    gla_entry *old = NULL;
    if (known_new && db->bulk) {
        /* A load into an empty store: staged and written in batches. */
        rc = db_bulk_stage(db, e);
        if (rc == GLA_OK)
            *out_changed = *out_added = 1;
        return rc;
    }
    if (!known_new) {
        rc = get_entry(&old, db, 0, e->ref);
        if (rc == GLA_ENOTFOUND) {
            db_clear_err(db);
            rc = GLA_OK;
        }
        if (rc != GLA_OK)
            return rc;
    }
    if (!old) {
        rc = apply_insert(NULL, db, e, 0);
        if (rc == GLA_OK)
            *out_changed = *out_added = 1;
        return rc;
    }
    /* Match incoming terms to stored ones by language and NFC text. */
    for (size_t i = 0; i < db->n_prep; i++) {
        db_prep_term *p = &db->prep[i];
        p->id = 0;
        for (size_t k = 0; k < old->n_terms; k++) {
            const gla_term *ot = &old->terms[k];
            if (same_lang(ot->lang, e->terms[i].lang) &&
                strlen(ot->text) == p->text_len &&
                memcmp(ot->text, arena_at(db, p->text), p->text_len) == 0) {
                p->id = ot->id;
                break;
            }
        }
    }
    rc = apply_update(db, old, e, out_changed);
    gla_entry_free(old);
    return rc;
}

/* ---- look-up ------------------------------------------------------------- */

static int hits_push(gla_db_hits *h, int64_t entry_id, int64_t term_id,
                     gla_level level)
{
    if (h->n == h->cap) {
        size_t cap = h->cap ? h->cap * 2 : 8;
        gla_db_hit *v = realloc(h->v, cap * sizeof *v);
        if (!v)
            return GLA_ENOMEM;
        h->v = v;
        h->cap = cap;
    }
    h->v[h->n].entry_id = entry_id;
    h->v[h->n].term_id = term_id;
    h->v[h->n].level = level;
    h->n++;
    return GLA_OK;
}

int gla_db_lookup(gla_db_hits *out, gla_db *db, gla_level level,
                  const char *lang, const char *query, size_t len)
{
    if (!out || !db || (!query && len))
        return GLA_EINVAL;
    db_clear_err(db);
    int which;
    switch (level) {
    case GLA_K1: which = ST_LOOKUP_K1; break;
    case GLA_K2: which = ST_LOOKUP_K2; break;
    case GLA_K2_COMPACT: which = ST_LOOKUP_K2C; break;
    case GLA_K3: which = ST_LOOKUP_K3; break;
    default:
        return db_fail(db, GLA_EINVAL,
                       "look-up level must be k1, k2, compact or k3");
    }
    if (lang)
        which++; /* the _LANG variant follows each */
    gla_buf key = GLA_BUF_INIT;
    int rc =
        gla_normalize_to_buf(&key, db->norm, level, query ? query : "", len);
    if (rc != GLA_OK) {
        rc = db_fail(db, rc, "query: %s", gla_normalizer_errmsg(db->norm));
        gla_buf_dispose(&key);
        return rc;
    }
    if (key.len == 0) {
        gla_buf_dispose(&key);
        return GLA_OK;
    }
    sqlite3_stmt *st = db_stmt(db, which);
    if (!st) {
        gla_buf_dispose(&key);
        return GLA_EDB;
    }
    sqlite3_bind_text(st, 1, key.data, (int)key.len, SQLITE_STATIC);
    if (lang)
        sqlite3_bind_text(st, 2, lang, -1, SQLITE_STATIC);
    /* K2 is found through the K2 compact index (schema v4): the compact
     * key is K2 without its spaces, as db_keys() stores it. */
    gla_buf compact = GLA_BUF_INIT;
    if (level == GLA_K2) {
        if (gla_buf_grow(&compact, key.len) != GLA_OK) {
            sqlite3_reset(st);
            gla_buf_dispose(&key);
            return db_fail(db, GLA_ENOMEM, "out of memory");
        }
        for (size_t i = 0; i < key.len; i++)
            if (key.data[i] != ' ')
                compact.data[compact.len++] = key.data[i];
        compact.data[compact.len] = '\0';
        sqlite3_bind_text(st, 3, compact.data, (int)compact.len, SQLITE_STATIC);
    }
    size_t first = out->n;
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        if (hits_push(out, sqlite3_column_int64(st, 0),
                      sqlite3_column_int64(st, 1), level) != GLA_OK) {
            rc = db_fail(db, GLA_ENOMEM, "out of memory");
            break;
        }
    }
    if (rc == GLA_OK && s != SQLITE_DONE)
        rc = db_sqlfail(db, "looking up");
    sqlite3_reset(st);
    gla_buf_dispose(&key);
    gla_buf_dispose(&compact);
    /* Index order is by key; callers want concepts in a stable order. */
    for (size_t i = first + 1; i < out->n; i++) {
        gla_db_hit h = out->v[i];
        size_t j = i;
        while (j > first && (out->v[j - 1].entry_id > h.entry_id ||
                             (out->v[j - 1].entry_id == h.entry_id &&
                              out->v[j - 1].term_id > h.term_id))) {
            out->v[j] = out->v[j - 1];
            j--;
        }
        out->v[j] = h;
    }
    return rc;
}

void gla_db_hits_dispose(gla_db_hits *h)
{
    if (!h)
        return;
    free(h->v);
    h->v = NULL;
    h->n = h->cap = 0;
}

/* ---- iteration ------------------------------------------------------------
 */

struct gla_db_iter {
    gla_db *db;       /* the store */
    sqlite3_stmt *st; /* the walk over entries */
    int done;         /* GLA_ITEROVER reached */
};

int gla_db_iter_new(gla_db_iter **out, gla_db *db, gla_db_order order)
{
    if (!out || !db)
        return GLA_EINVAL;
    *out = NULL;
    db_clear_err(db);
    gla_db_iter *it = calloc(1, sizeof *it);
    if (!it)
        return db_fail(db, GLA_ENOMEM, "out of memory");
    it->db = db;
    const char *sql = order == GLA_DB_ORDER_ID ? "SELECT " ENTRY_COLS_SQL
                                                 " FROM entries ORDER BY id"
                                               : "SELECT " ENTRY_COLS_SQL
                                                 " FROM entries ORDER BY ref";
    if (sqlite3_prepare_v2(db->sql, sql, -1, &it->st, NULL) != SQLITE_OK) {
        free(it);
        return db_sqlfail(db, "listing entries");
    }
    *out = it;
    return GLA_OK;
}

int gla_db_iter_next(gla_entry **out, gla_db_iter *it)
{
    if (!out || !it)
        return GLA_EINVAL;
    *out = NULL;
    db_clear_err(it->db);
    if (it->done)
        return GLA_ITEROVER;
    int s = sqlite3_step(it->st);
    if (s == SQLITE_DONE) {
        it->done = 1;
        sqlite3_reset(it->st);
        return GLA_ITEROVER;
    }
    if (s != SQLITE_ROW)
        return db_sqlfail(it->db, "listing entries");
    return read_entry(out, it->db, it->st);
}

void gla_db_iter_free(gla_db_iter *it)
{
    if (!it)
        return;
    sqlite3_finalize(it->st);
    free(it);
}

/* ---- statistics ------------------------------------------------------------
 */

static int count_groups(gla_db *db, const char *sql, gla_db_count **out,
                        size_t *n_out, int with_lang)
{
    sqlite3_stmt *st = NULL;
    *out = NULL;
    *n_out = 0;
    if (sqlite3_prepare_v2(db->sql, sql, -1, &st, NULL) != SQLITE_OK)
        return db_sqlfail(db, "counting");
    size_t cap = 0;
    int s, rc = GLA_OK;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        if (*n_out == cap) {
            cap = cap ? cap * 2 : 8;
            gla_db_count *v = realloc(*out, cap * sizeof *v);
            if (!v) {
                rc = db_fail(db, GLA_ENOMEM, "out of memory");
                break;
            }
            *out = v;
        }
        gla_db_count *c = &(*out)[*n_out];
        memset(c, 0, sizeof *c);
        (*n_out)++;
        int col = 0;
        if (with_lang && col_str(&c->lang, st, col++) != GLA_OK) {
            rc = db_fail(db, GLA_ENOMEM, "out of memory");
            break;
        }
        if (col_str(&c->name, st, col++) != GLA_OK || !c->name) {
            rc = db_fail(db, GLA_ENOMEM, "out of memory");
            break;
        }
        c->n = sqlite3_column_int64(st, col);
    }
    if (rc == GLA_OK && s != SQLITE_DONE)
        rc = db_sqlfail(db, "counting");
    sqlite3_finalize(st);
    return rc;
}

static int count_one(gla_db *db, const char *sql, int64_t *out)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db->sql, sql, -1, &st, NULL) != SQLITE_OK)
        return db_sqlfail(db, "counting");
    int s = sqlite3_step(st);
    *out = s == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_finalize(st);
    return s == SQLITE_ROW ? GLA_OK : db_sqlfail(db, "counting");
}

int gla_db_stats_get(gla_db_stats **out, gla_db *db)
{
    if (!out || !db)
        return GLA_EINVAL;
    *out = NULL;
    db_clear_err(db);
    gla_db_stats *s = calloc(1, sizeof *s);
    if (!s)
        return db_fail(db, GLA_ENOMEM, "out of memory");
    s->schema_version = db->version;
    int rc;
    /* One read transaction, so the counts agree with each other. */
    int own = sqlite3_get_autocommit(db->sql);
    if (own && (rc = db_exec(db, "BEGIN")) != GLA_OK) {
        gla_db_stats_free(s);
        return rc;
    }
    if ((rc = count_one(db, "SELECT count(*) FROM entries", &s->entries)) ||
        (rc = count_one(db, "SELECT count(*) FROM terms", &s->terms)) ||
        (rc = count_one(db, "SELECT count(*) FROM change_log", &s->changes)) ||
        (rc = count_groups(db,
                           "SELECT kind, count(*) FROM entries GROUP BY kind "
                           "ORDER BY kind",
                           &s->kinds, &s->n_kinds, 0)) ||
        (rc = count_groups(db,
                           "SELECT lower(lang), count(*) FROM terms "
                           "GROUP BY 1 ORDER BY 1",
                           &s->langs, &s->n_langs, 0)) ||
        (rc = count_groups(db,
                           "SELECT lower(lang), status, count(*) FROM terms "
                           "GROUP BY 1, 2 ORDER BY 1, 2",
                           &s->statuses, &s->n_statuses, 1))) {
        if (own)
            sqlite3_exec(db->sql, "ROLLBACK", NULL, NULL, NULL);
        gla_db_stats_free(s);
        return rc;
    }
    if (own)
        sqlite3_exec(db->sql, "COMMIT", NULL, NULL, NULL);
    *out = s;
    return GLA_OK;
}

static void counts_free(gla_db_count *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(v[i].name);
        free(v[i].lang);
    }
    free(v);
}

void gla_db_stats_free(gla_db_stats *s)
{
    if (!s)
        return;
    counts_free(s->kinds, s->n_kinds);
    counts_free(s->langs, s->n_langs);
    counts_free(s->statuses, s->n_statuses);
    free(s);
}

/* ---- change log -------------------------------------------------------------
 */

int gla_db_changes(gla_db_change **out, size_t *n_out, gla_db *db,
                   int64_t after_id, size_t max, const char *ref)
{
    if (!out || !n_out || !db)
        return GLA_EINVAL;
    *out = NULL;
    *n_out = 0;
    db_clear_err(db);
    sqlite3_stmt *st = NULL;
    const char *sql =
        "SELECT id, at, author, action, tbl, row_id, entry_ref, old, new "
        "FROM change_log WHERE id > ?1 AND (?2 IS NULL OR entry_ref = ?2) "
        "ORDER BY id LIMIT ?3";
    if (sqlite3_prepare_v2(db->sql, sql, -1, &st, NULL) != SQLITE_OK)
        return db_sqlfail(db, "reading the change log");
    sqlite3_bind_int64(st, 1, after_id);
    if (ref)
        sqlite3_bind_text(st, 2, ref, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, max ? (int64_t)max : -1);
    size_t cap = 0;
    int s, rc = GLA_OK;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        if (*n_out == cap) {
            cap = cap ? cap * 2 : 16;
            gla_db_change *v = realloc(*out, cap * sizeof *v);
            if (!v) {
                rc = db_fail(db, GLA_ENOMEM, "out of memory");
                break;
            }
            *out = v;
        }
        gla_db_change *c = &(*out)[*n_out];
        memset(c, 0, sizeof *c);
        (*n_out)++;
        c->id = sqlite3_column_int64(st, 0);
        c->at = sqlite3_column_int64(st, 1);
        c->row_id = sqlite3_column_int64(st, 5);
        if (col_str(&c->author, st, 2) || col_str(&c->action, st, 3) ||
            col_str(&c->table, st, 4) || col_str(&c->entry_ref, st, 6) ||
            col_str(&c->old_json, st, 7) || col_str(&c->new_json, st, 8)) {
            rc = db_fail(db, GLA_ENOMEM, "out of memory");
            break;
        }
    }
    if (rc == GLA_OK && s != SQLITE_DONE)
        rc = db_sqlfail(db, "reading the change log");
    sqlite3_finalize(st);
    if (rc != GLA_OK) {
        gla_db_changes_free(*out, *n_out);
        *out = NULL;
        *n_out = 0;
    }
    return rc;
}

void gla_db_changes_free(gla_db_change *v, size_t n)
{
    if (!v)
        return;
    for (size_t i = 0; i < n; i++) {
        free(v[i].author);
        free(v[i].action);
        free(v[i].table);
        free(v[i].entry_ref);
        free(v[i].old_json);
        free(v[i].new_json);
    }
    free(v);
}
