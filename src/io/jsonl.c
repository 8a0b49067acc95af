/*
 * JSON Lines: one object per entry, keys in a fixed order, both ways. The
 * reader is a small strict JSON parser for exactly this schema (our own
 * export), so an unknown key is an error rather than silently dropped.
 */
#include "io_int.h"

#include <string.h>

/* ---- writer ---- */

static void put_json_str(gla_writer *w, const char *s)
{
    if (!s)
        io_w_puts(w, "null");
    else if (gla_json_quote(w->out, s, strlen(s)) != GLA_OK)
        w->oom = 1;
}

int io_jsonl_put(gla_writer *w, const gla_entry *e)
{
    io_w_puts(w, "{\"entry\":");
    put_json_str(w, e->ref);
    io_w_puts(w, ",\"kind\":");
    put_json_str(w, gla_kind_name(e->kind));
    io_w_puts(w, ",\"subject\":");
    put_json_str(w, e->subject);
    io_w_puts(w, ",\"definition\":");
    put_json_str(w, e->definition);
    io_w_puts(w, ",\"note\":");
    put_json_str(w, e->note);
    io_w_puts(w, e->homonym ? ",\"homonym\":true" : ",\"homonym\":false");
    io_w_puts(w, ",\"terms\":[");
    for (size_t i = 0; i < e->n_terms; i++) {
        const gla_term *t = &e->terms[i];
        io_w_puts(w, i ? ",{\"lang\":" : "{\"lang\":");
        put_json_str(w, t->lang);
        io_w_puts(w, ",\"term\":");
        put_json_str(w, t->text);
        io_w_puts(w, ",\"status\":");
        put_json_str(w, gla_status_name(t->status));
        io_w_puts(w, ",\"type\":");
        put_json_str(w, gla_type_name(t->type));
        io_w_puts(w, ",\"pos\":");
        put_json_str(w, t->pos);
        io_w_puts(w, ",\"case\":");
        put_json_str(w, t->case_mode == GLA_CASE_DEFAULT
                            ? NULL
                            : gla_case_name(t->case_mode));
        io_w_puts(w, ",\"note\":");
        put_json_str(w, t->note);
        io_w_puts(w, ",\"source\":");
        put_json_str(w, t->source);
        io_w_puts(w, "}");
    }
    w->st.records++;
    io_w_puts(w, "]}\n");
    return GLA_OK;
}

/* ---- reader ---- */

typedef struct jp {
    io_rd *r;      /* the read */
    const char *s; /* the line */
    size_t len;    /* its length */
    size_t i;      /* position */
    size_t line;   /* line number */
} jp;

enum { J_STRING, J_NULL, J_TRUE, J_FALSE };

static int jfail(jp *p, const char *what)
{
    if (p->i >= p->len)
        return io_fail(p->r, GLA_EPARSE, p->line, p->i + 1,
                       "%s, found the end of the line", what);
    return io_fail(p->r, GLA_EPARSE, p->line, p->i + 1, "%s, found '%c'", what,
                   (unsigned char)p->s[p->i] >= 0x20 &&
                           (unsigned char)p->s[p->i] < 0x7F
                       ? p->s[p->i]
                       : '?');
}

static void ws(jp *p)
{
    while (p->i < p->len &&
           (p->s[p->i] == ' ' || p->s[p->i] == '\t' || p->s[p->i] == '\r'))
        p->i++;
}

static int expect(jp *p, char c, const char *what)
{
    ws(p);
    if (p->i < p->len && p->s[p->i] == c) {
        p->i++;
        return GLA_OK;
    }
    return jfail(p, what);
}

static int hex4(const char *s, unsigned *out)
{
    unsigned v = 0;
    for (int k = 0; k < 4; k++) {
        char c = s[k];
        v <<= 4;
        if (c >= '0' && c <= '9')
            v |= (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f')
            v |= (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            v |= (unsigned)(c - 'A' + 10);
        else
            return -1;
    }
    *out = v;
    return 0;
}

static int put_utf8(gla_buf *b, unsigned cp)
{
    char u[4];
    size_t n;
    if (cp < 0x80) {
        u[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        u[0] = (char)(0xC0 | (cp >> 6));
        u[1] = (char)(0x80 | (cp & 0x3F));
        n = 2;
    } else if (cp < 0x10000) {
        u[0] = (char)(0xE0 | (cp >> 12));
        u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[2] = (char)(0x80 | (cp & 0x3F));
        n = 3;
    } else {
        u[0] = (char)(0xF0 | (cp >> 18));
        u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        u[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[3] = (char)(0x80 | (cp & 0x3F));
        n = 4;
    }
    return gla_buf_put(b, u, n);
}

/* A string (decoded into out), null, true or false. *col gets where it
 * starts. */
static int value(jp *p, int *kind, gla_buf *out, size_t *col)
{
    ws(p);
    *col = p->i + 1;
    gla_buf_clear(out);
    if (p->i < p->len && p->s[p->i] != '"') {
        static const struct {
            const char *word;
            int kind;
        } words[] = {{"null", J_NULL}, {"true", J_TRUE}, {"false", J_FALSE}};
        for (size_t k = 0; k < 3; k++) {
            size_t n = strlen(words[k].word);
            if (p->len - p->i >= n &&
                memcmp(p->s + p->i, words[k].word, n) == 0) {
                p->i += n;
                *kind = words[k].kind;
                return GLA_OK;
            }
        }
        return jfail(p, "expected a string, null, true or false");
    }
    if (p->i >= p->len)
        return jfail(p, "expected a value");
    p->i++;
    size_t from = p->i;
    for (;;) {
        if (p->i >= p->len)
            return io_fail(p->r, GLA_EPARSE, p->line, *col,
                           "string never closed");
        unsigned char c = (unsigned char)p->s[p->i];
        if (c == '"' || c == '\\' || c < 0x20) {
            size_t bad = 0;
            int rc = io_text_check(p->s + from, p->i - from, 0, &bad, NULL);
            if (rc)
                return io_fail(p->r, GLA_EUTF8, p->line, from + bad + 1,
                               "invalid UTF-8 in a string");
            if (gla_buf_put(out, p->s + from, p->i - from))
                return io_fail(p->r, GLA_ENOMEM, p->line, *col,
                               "out of memory");
        }
        if (c == '"') {
            p->i++;
            break;
        }
        if (c < 0x20)
            return jfail(p, "control character in a string (escape it)");
        if (c != '\\') {
            p->i++;
            continue;
        }
        if (p->i + 1 >= p->len)
            return jfail(p, "bad escape");
        char e = p->s[p->i + 1];
        const char *simple = strchr("\"\\/bfnrt", e);
        if (e && simple) {
            static const char map[] = "\"\\/\b\f\n\r\t";
            if (gla_buf_put(out, &map[simple - "\"\\/bfnrt"], 1))
                return io_fail(p->r, GLA_ENOMEM, p->line, *col,
                               "out of memory");
            p->i += 2;
        } else if (e == 'u') {
            unsigned cp, lo;
            if (p->len - p->i < 6 || hex4(p->s + p->i + 2, &cp))
                return jfail(p, "bad \\u escape");
            p->i += 6;
            if (cp >= 0xD800 && cp <= 0xDBFF) {
                if (p->len - p->i < 6 || p->s[p->i] != '\\' ||
                    p->s[p->i + 1] != 'u' || hex4(p->s + p->i + 2, &lo) ||
                    lo < 0xDC00 || lo > 0xDFFF)
                    return jfail(p, "unpaired surrogate in a \\u escape");
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                p->i += 6;
            } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
                return jfail(p, "unpaired surrogate in a \\u escape");
            }
            if (put_utf8(out, cp))
                return io_fail(p->r, GLA_ENOMEM, p->line, *col,
                               "out of memory");
        } else {
            return jfail(p, "bad escape");
        }
        from = p->i;
    }
    if (!out->data && gla_buf_grow(out, 1))
        return io_fail(p->r, GLA_ENOMEM, p->line, *col, "out of memory");
    *kind = J_STRING;
    return GLA_OK;
}

/* A key; returns its index in `names` or fails naming it. */
static int key(jp *p, const char *const *names, size_t n, unsigned *seen,
               int *out)
{
    int kind;
    size_t col;
    gla_buf *k = &p->r->scratch;
    int rc = value(p, &kind, k, &col);
    if (rc)
        return rc;
    if (kind != J_STRING)
        return io_fail(p->r, GLA_EPARSE, p->line, col, "expected a key");
    for (size_t i = 0; i < n; i++) {
        if (strlen(names[i]) == k->len &&
            memcmp(k->data, names[i], k->len) == 0) {
            if (*seen & (1u << i))
                return io_fail(p->r, GLA_EPARSE, p->line, col,
                               "key '%s' given twice", names[i]);
            *seen |= 1u << i;
            *out = (int)i;
            return expect(p, ':', "expected ':'");
        }
    }
    size_t bad;
    if (io_text_check(k->data, k->len, 0, &bad, NULL))
        return io_fail(p->r, GLA_EPARSE, p->line, col, "unknown key");
    return io_fail(p->r, GLA_EPARSE, p->line, col, "unknown key '%.*s'",
                   (int)(k->len > 80 ? 80 : k->len), k->data);
}

/* A string or null into an arena slot. */
static int opt_str(jp *p, size_t *slot, const char *what, int required)
{
    int kind;
    size_t col;
    gla_buf *v = &p->r->scratch;
    int rc = value(p, &kind, v, &col);
    if (rc)
        return rc;
    if (kind == J_NULL && !required)
        return GLA_OK;
    if (kind != J_STRING)
        return io_fail(p->r, GLA_EPARSE, p->line, col, "%s must be a string%s",
                       what, required ? "" : " or null");
    if (!v->len) {
        if (required)
            return io_fail(p->r, GLA_EPARSE, p->line, col, "empty %s", what);
        return GLA_OK;
    }
    return io_text_new(p->r, slot, v->data, v->len, p->line, col, what);
}

/* A string or null naming an enum value, parsed by `parse`. */
static int enum_val(jp *p, const char *what, const char *allowed, int *out,
                    int (*parse)(int *out, const char *s, size_t len))
{
    int kind;
    size_t col;
    gla_buf *v = &p->r->scratch;
    int rc = value(p, &kind, v, &col);
    if (rc)
        return rc;
    if (kind == J_NULL || (kind == J_STRING && v->len == 0))
        return GLA_OK;
    if (kind != J_STRING || parse(out, v->data, v->len))
        return io_fail(p->r, GLA_EPARSE, p->line, col,
                       "bad %s; expected one of: %s", what, allowed);
    return GLA_OK;
}

static int p_kind(int *o, const char *s, size_t n)
{
    gla_kind v;
    int rc = gla_kind_parse(&v, s, n);
    if (!rc)
        *o = (int)v;
    return rc;
}
static int p_status(int *o, const char *s, size_t n)
{
    gla_status v;
    int rc = gla_status_parse(&v, s, n);
    if (!rc)
        *o = (int)v;
    return rc;
}
static int p_type(int *o, const char *s, size_t n)
{
    gla_term_type v;
    int rc = gla_type_parse(&v, s, n);
    if (!rc)
        *o = (int)v;
    return rc;
}
static int p_case(int *o, const char *s, size_t n)
{
    gla_case v;
    int rc = gla_case_parse(&v, s, n);
    if (!rc)
        *o = (int)v;
    return rc;
}

static const char *const term_keys[] = {"lang", "term", "status", "type",
                                        "pos",  "case", "note",   "source"};

static int term_obj(jp *p)
{
    io_rd *r = p->r;
    io_entry *b = &r->ent;
    io_term *t;
    size_t start = p->i + 1;
    if (io_entry_add_term(b, &t))
        return io_fail(r, GLA_ENOMEM, p->line, start, "out of memory");
    size_t ti = b->n_terms - 1;
    t->line = p->line;
    int rc = expect(p, '{', "expected a term object");
    unsigned seen = 0;
    ws(p);
    if (rc == GLA_OK && p->i < p->len && p->s[p->i] == '}') {
        p->i++;
        return io_fail(r, GLA_EPARSE, p->line, start,
                       "a term needs \"lang\" and \"term\"");
    }
    while (rc == GLA_OK) {
        int k = 0, v = 0, kind;
        size_t col;
        if ((rc = key(p, term_keys, 8, &seen, &k)))
            return rc;
        t = &b->terms[ti];
        switch (k) {
        case 0: {
            rc = value(p, &kind, &r->scratch, &col);
            if (rc)
                return rc;
            char lang[IO_LANG_MAX];
            if (kind != J_STRING ||
                io_lang_canon(lang, r->scratch.data, r->scratch.len))
                return io_fail(r, GLA_EPARSE, p->line, col,
                               "bad \"lang\"; expected a BCP 47 tag such as "
                               "fr, vi, en");
            rc = io_str_new(b, &b->terms[ti].lang, lang, strlen(lang));
            break;
        }
        case 1: rc = opt_str(p, &b->terms[ti].text, "term", 1); break;
        case 2:
            v = (int)t->status;
            rc = enum_val(p, "status",
                          "preferred admitted deprecated superseded forbidden",
                          &v, p_status);
            b->terms[ti].status = (gla_status)v;
            break;
        case 3:
            v = (int)t->type;
            rc = enum_val(p, "type",
                          "fullForm acronym abbreviation shortForm variant "
                          "transliteration",
                          &v, p_type);
            b->terms[ti].type = (gla_term_type)v;
            break;
        case 4: {
            rc = value(p, &kind, &r->scratch, &col);
            if (rc || kind == J_NULL)
                break;
            const char *pos =
                kind == J_STRING ? io_pos_canon(r->scratch.data, r->scratch.len)
                                 : NULL;
            if (!pos)
                return io_fail(r, GLA_EPARSE, p->line, col,
                               "bad \"pos\"; expected one of: noun "
                               "properNoun verb adjective adverb other");
            rc = io_str_new(b, &b->terms[ti].pos, pos, strlen(pos));
            break;
        }
        case 5:
            v = (int)t->case_mode;
            rc = enum_val(p, "case", "sensitive insensitive", &v, p_case);
            b->terms[ti].case_mode = (gla_case)v;
            break;
        case 6: rc = opt_str(p, &b->terms[ti].note, "note", 0); break;
        default: rc = opt_str(p, &b->terms[ti].source, "source", 0); break;
        }
        if (rc)
            return rc;
        ws(p);
        if (p->i < p->len && p->s[p->i] == ',') {
            p->i++;
            continue;
        }
        rc = expect(p, '}', "expected ',' or '}'");
        break;
    }
    if (rc)
        return rc;
    if (!(seen & 3))
        return io_fail(r, GLA_EPARSE, p->line, start,
                       "a term needs \"lang\" and \"term\"");
    t = &b->terms[ti];
    if (t->lang == IO_NONE || t->text == IO_NONE)
        return io_fail(r, GLA_EPARSE, p->line, start,
                       "a term needs \"lang\" and \"term\"");
    for (size_t j = 0; j < ti; j++) {
        const io_term *o = &b->terms[j];
        if (strcmp(io_str(b, o->lang), io_str(b, t->lang)) == 0 &&
            strcmp(io_str(b, o->text), io_str(b, t->text)) == 0)
            return io_fail(r, GLA_EPARSE, p->line, start,
                           "term '%s' (%s) appears twice in the entry",
                           io_str(b, t->text), io_str(b, t->lang));
    }
    return GLA_OK;
}

static const char *const entry_keys[] = {
    "entry", "kind", "subject", "definition", "note", "homonym", "terms"};

static int entry_obj(jp *p)
{
    io_rd *r = p->r;
    io_entry *b = &r->ent;
    int rc = expect(p, '{', "expected '{'");
    unsigned seen = 0;
    ws(p);
    if (rc == GLA_OK && p->i < p->len && p->s[p->i] == '}') {
        p->i++;
        rc = io_fail(r, GLA_EPARSE, p->line, p->i, "an entry needs \"terms\"");
    }
    while (rc == GLA_OK) {
        int k = 0, v = 0, kind;
        size_t col;
        if ((rc = key(p, entry_keys, 7, &seen, &k)))
            return rc;
        switch (k) {
        case 0:
            rc = value(p, &kind, &r->scratch, &col);
            if (rc || kind == J_NULL)
                break;
            if (kind != J_STRING ||
                !io_ref_valid(r->scratch.data, r->scratch.len))
                return io_fail(r, GLA_EPARSE, p->line, col,
                               "bad \"entry\" id; expected null or "
                               "[a-z0-9][a-z0-9._-]*");
            rc = io_str_new(b, &b->ref, r->scratch.data, r->scratch.len);
            break;
        case 1:
            v = (int)b->kind;
            rc = enum_val(p, "kind",
                          "term person organization place rank unit event "
                          "acronym",
                          &v, p_kind);
            b->kind = (gla_kind)v;
            break;
        case 2: rc = opt_str(p, &b->subject, "subject", 0); break;
        case 3: rc = opt_str(p, &b->definition, "definition", 0); break;
        case 4: rc = opt_str(p, &b->note, "note", 0); break;
        case 5:
            rc = value(p, &kind, &r->scratch, &col);
            if (rc)
                break;
            if (kind != J_TRUE && kind != J_FALSE)
                return io_fail(r, GLA_EPARSE, p->line, col,
                               "\"homonym\" must be true or false");
            b->homonym = kind == J_TRUE;
            break;
        default:
            if ((rc = expect(p, '[', "expected '[' (the terms)")))
                return rc;
            ws(p);
            if (p->i < p->len && p->s[p->i] == ']') {
                p->i++;
                break;
            }
            for (;;) {
                if ((rc = term_obj(p)))
                    return rc;
                ws(p);
                if (p->i < p->len && p->s[p->i] == ',') {
                    p->i++;
                    continue;
                }
                rc = expect(p, ']', "expected ',' or ']'");
                break;
            }
            break;
        }
        if (rc)
            return rc;
        ws(p);
        if (p->i < p->len && p->s[p->i] == ',') {
            p->i++;
            continue;
        }
        rc = expect(p, '}', "expected ',' or '}'");
        break;
    }
    if (rc)
        return rc;
    ws(p);
    if (p->i < p->len)
        return jfail(p, "expected the end of the line after the entry");
    if (!(seen & (1u << 6)))
        return io_fail(r, GLA_EPARSE, p->line, 1, "an entry needs \"terms\"");
    return GLA_OK;
}

int io_read_jsonl(io_rd *r)
{
    int rc = io_lines_begin(r);
    const char *line;
    size_t len;
    while (rc == GLA_OK && (rc = io_lines_get(r, &line, &len)) == GLA_OK) {
        jp p = {r, line, len, 0, r->lineno};
        ws(&p);
        if (p.i == len)
            continue;
        rc = entry_obj(&p);
        if (rc == GLA_OK)
            rc = io_entry_emit(r, r->lineno, 1);
        else
            io_entry_reset(&r->ent);
    }
    return rc == GLA_ITEROVER ? GLA_OK : rc;
}
