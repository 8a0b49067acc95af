/*
 * OmegaT glossaries, tab-separated (.txt/.tab/.utf8) and CSV: source term,
 * target term, comment; one row is one concept. The format has no place
 * for ids, kinds or statuses, so writing it is lossy by design.
 */
#include "io_int.h"

#include <string.h>

#define OMEGAT_FIELDS 3

/* A field collected into r->scratch. */
typedef struct ofield {
    size_t off;  /* offset in scratch */
    size_t len;  /* bytes */
    size_t line; /* line it starts on */
    size_t col;  /* column it starts at */
} ofield;

static void trim_spaces(const char **s, size_t *len)
{
    const char *p = *s;
    size_t n = *len;
    while (n && *p == ' ') {
        p++;
        n--;
    }
    while (n && p[n - 1] == ' ')
        n--;
    *s = p;
    *len = n;
}

/* Build and emit the concept of one row. */
static int omegat_entry(io_rd *r, const char *base, const ofield *f, size_t n)
{
    const char *src = base + f[0].off, *tgt = n > 1 ? base + f[1].off : "";
    size_t slen = f[0].len, tlen = n > 1 ? f[1].len : 0;
    trim_spaces(&src, &slen);
    trim_spaces(&tgt, &tlen);
    if (!slen)
        return io_fail(r, GLA_EPARSE, f[0].line, f[0].col, "empty source term");
    io_entry *b = &r->ent;
    io_term *t;
    int rc;
    if (io_entry_add_term(b, &t))
        return io_fail(r, GLA_ENOMEM, f[0].line, 1, "out of memory");
    t->line = f[0].line;
    if ((rc = io_str_new(b, &t->lang, r->src_lang, strlen(r->src_lang))))
        return io_fail(r, rc, f[0].line, 1, "out of memory");
    size_t slot = IO_NONE;
    size_t scol = f[0].col + (size_t)(src - (base + f[0].off));
    if ((rc = io_text_new(r, &slot, src, slen, f[0].line, scol,
                          "the source term")))
        return rc;
    b->terms[b->n_terms - 1].text = slot;
    if (tlen) {
        if (io_entry_add_term(b, &t))
            return io_fail(r, GLA_ENOMEM, f[1].line, 1, "out of memory");
        t->line = f[1].line;
        if ((rc = io_str_new(b, &t->lang, r->tgt_lang, strlen(r->tgt_lang))))
            return io_fail(r, rc, f[1].line, 1, "out of memory");
        slot = IO_NONE;
        size_t tcol = f[1].col + (size_t)(tgt - (base + f[1].off));
        if ((rc = io_text_new(r, &slot, tgt, tlen, f[1].line, tcol,
                              "the target term")))
            return rc;
        b->terms[b->n_terms - 1].text = slot;
    }
    if (n > 2 && f[2].len &&
        (rc = io_text_new(r, &b->note, base + f[2].off, f[2].len, f[2].line,
                          f[2].col, "the comment")))
        return rc;
    return io_entry_emit(r, f[0].line, 1);
}

/* "-*- coding: NAME -*-" (or "coding=NAME") in a first-line comment. */
static int magic_comment(io_rd *r, const char *s, size_t len)
{
    for (size_t i = 0; i + 7 <= len; i++) {
        if (memcmp(s + i, "coding", 6) != 0 ||
            (s[i + 6] != ':' && s[i + 6] != '='))
            continue;
        size_t j = i + 7;
        while (j < len && s[j] == ' ')
            j++;
        char name[32];
        size_t k = 0;
        while (j < len && k + 1 < sizeof name &&
               ((s[j] >= 'a' && s[j] <= 'z') || (s[j] >= 'A' && s[j] <= 'Z') ||
                (s[j] >= '0' && s[j] <= '9') || s[j] == '-' || s[j] == '_' ||
                s[j] == '.' || s[j] == ':'))
            name[k++] = s[j++];
        while (k && name[k - 1] == '-')
            k--; /* "utf-8-*-" written without a space */
        name[k] = '\0';
        if (!k)
            return GLA_OK;
        return io_lines_set_charset(r, name, r->lineno);
    }
    return GLA_OK;
}

int io_read_omegat(io_rd *r)
{
    int rc = io_lines_begin(r);
    const char *line;
    size_t len;
    while (rc == GLA_OK && (rc = io_lines_get(r, &line, &len)) == GLA_OK) {
        if (!len)
            continue;
        if (line[0] == '#') {
            if (r->lineno == 1)
                rc = magic_comment(r, line, len);
            continue;
        }
        ofield f[OMEGAT_FIELDS];
        size_t n = 0, i = 0;
        for (;;) {
            const char *tab = memchr(line + i, '\t', len - i);
            size_t end = tab ? (size_t)(tab - line) : len;
            if (n == OMEGAT_FIELDS) {
                rc = io_fail(r, GLA_EPARSE, r->lineno, i + 1,
                             "more than 3 columns; OmegaT glossaries have "
                             "source, target and comment");
                break;
            }
            f[n].off = i;
            f[n].len = end - i;
            f[n].line = r->lineno;
            f[n].col = i + 1;
            n++;
            if (!tab)
                break;
            i = end + 1;
        }
        if (rc == GLA_OK)
            rc = omegat_entry(r, line, f, n);
    }
    return rc == GLA_ITEROVER ? GLA_OK : rc;
}

/* ---- CSV ---- */

int io_read_csv(io_rd *r)
{
    int rc = io_lines_begin(r);
    const char *line;
    size_t len;
    gla_buf *sb = &r->scratch;
    while (rc == GLA_OK && (rc = io_lines_get(r, &line, &len)) == GLA_OK) {
        if (!len || line[0] == '#')
            continue;
        size_t start_line = r->lineno;
        ofield f[OMEGAT_FIELDS];
        size_t n = 0, i = 0;
        gla_buf_clear(sb);
        /* One record, maybe over several lines inside quotes. */
        for (;;) {
            if (n == OMEGAT_FIELDS) {
                rc = io_fail(r, GLA_EPARSE, r->lineno, i + 1,
                             "more than 3 fields; OmegaT glossaries have "
                             "source, target and comment");
                break;
            }
            ofield *fd = &f[n++];
            fd->off = sb->len;
            fd->line = r->lineno;
            fd->col = i + 1;
            if (i < len && line[i] == '"') {
                size_t qline = r->lineno, qcol = i + 1;
                i++;
                for (;;) {
                    const char *q = memchr(line + i, '"', len - i);
                    if (!q) {
                        if (gla_buf_put(sb, line + i, len - i)) {
                            rc = io_fail(r, GLA_ENOMEM, qline, qcol,
                                         "out of memory");
                            break;
                        }
                        rc = io_lines_get(r, &line, &len);
                        if (rc == GLA_ITEROVER)
                            rc = io_fail(r, GLA_EPARSE, qline, qcol,
                                         "quoted field never closed");
                        if (rc)
                            break;
                        if (sb->len - fd->off > IO_MAX_LINE) {
                            rc = io_fail(r, GLA_EPARSE, qline, qcol,
                                         "quoted field longer than %u bytes",
                                         IO_MAX_LINE);
                            break;
                        }
                        if (gla_buf_put(sb, "\n", 1)) {
                            rc = io_fail(r, GLA_ENOMEM, qline, qcol,
                                         "out of memory");
                            break;
                        }
                        i = 0;
                        continue;
                    }
                    size_t qi = (size_t)(q - line);
                    if (gla_buf_put(sb, line + i, qi - i) ||
                        (qi + 1 < len && line[qi + 1] == '"' &&
                         gla_buf_put(sb, "\"", 1))) {
                        rc = io_fail(r, GLA_ENOMEM, qline, qcol,
                                     "out of memory");
                        break;
                    }
                    if (qi + 1 < len && line[qi + 1] == '"') {
                        i = qi + 2;
                        continue;
                    }
                    i = qi + 1;
                    break;
                }
                if (rc)
                    break;
                if (i < len && line[i] != ',') {
                    rc = io_fail(r, GLA_EPARSE, r->lineno, i + 1,
                                 "unexpected character after a closing "
                                 "quote (double a quote inside quotes)");
                    break;
                }
            } else {
                const char *c = memchr(line + i, ',', len - i);
                size_t end = c ? (size_t)(c - line) : len;
                if (gla_buf_put(sb, line + i, end - i)) {
                    rc = io_fail(r, GLA_ENOMEM, r->lineno, i + 1,
                                 "out of memory");
                    break;
                }
                i = end;
            }
            fd->len = sb->len - fd->off;
            if (i >= len)
                break;
            i++; /* the comma */
        }
        if (rc == GLA_OK && !sb->data && gla_buf_grow(sb, 1))
            rc = io_fail(r, GLA_ENOMEM, start_line, 1, "out of memory");
        if (rc == GLA_OK)
            rc = omegat_entry(r, sb->data, f, n);
    }
    return rc == GLA_ITEROVER ? GLA_OK : rc;
}

/* ---- writers ---- */

static int rejected(gla_status s)
{
    return s == GLA_STATUS_DEPRECATED || s == GLA_STATUS_SUPERSEDED ||
           s == GLA_STATUS_FORBIDDEN;
}

static int same_lang(const char *tag, const char *canon)
{
    char c[IO_LANG_MAX];
    return tag && !io_lang_canon(c, tag, strlen(tag)) && strcmp(c, canon) == 0;
}

/* The comment column: definition, concept note and target note. */
static void make_comment(gla_writer *w, const gla_entry *e, const gla_term *t)
{
    gla_buf_clear(&w->tmp);
    const char *parts[3] = {e->definition, e->note, t ? t->note : NULL};
    for (int i = 0; i < 3; i++) {
        if (!parts[i] || !*parts[i])
            continue;
        if ((w->tmp.len && gla_buf_puts(&w->tmp, " | ")) ||
            gla_buf_puts(&w->tmp, parts[i]))
            w->oom = 1;
    }
    if (!w->tmp.data && gla_buf_grow(&w->tmp, 1))
        w->oom = 1;
}

/* TSV field: tabs and line breaks become spaces (counted as lossy). */
static void put_plain(gla_writer *w, const char *s, size_t len)
{
    int changed = 0;
    size_t from = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '\t' || s[i] == '\n' || s[i] == '\r' ||
            (unsigned char)s[i] < 0x20) {
            io_w_put(w, s + from, i - from);
            io_w_put(w, " ", 1);
            from = i + 1;
            changed = 1;
        }
    }
    io_w_put(w, s + from, len - from);
    w->st.lossy += changed;
}

/* CSV field, quoted when it has to be. */
static void put_csv(gla_writer *w, const char *s, size_t len)
{
    int quote =
        len && (s[0] == '#' || s[0] == ' ' || s[len - 1] == ' ' || s[0] == '"');
    for (size_t i = 0; i < len && !quote; i++)
        if (s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r')
            quote = 1;
    if (!quote) {
        io_w_put(w, s, len);
        return;
    }
    io_w_put(w, "\"", 1);
    size_t from = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '"') {
            io_w_put(w, s + from, i + 1 - from);
            io_w_put(w, "\"", 1);
            from = i + 1;
        } else if (s[i] == '\r') {
            /* A CR would not survive the reader's line ends. */
            io_w_put(w, s + from, i - from);
            from = i + 1;
            w->st.lossy++;
        }
    }
    io_w_put(w, s + from, len - from);
    io_w_put(w, "\"", 1);
}

static int put_rows(gla_writer *w, const gla_entry *e, int csv)
{
    size_t rows = 0;
    int have_target = 0, hashed = 0;
    for (size_t j = 0; j < e->n_terms; j++)
        if (same_lang(e->terms[j].lang, w->tgt_lang))
            have_target = 1;
    for (size_t i = 0; i < e->n_terms; i++) {
        const gla_term *s = &e->terms[i];
        if (!same_lang(s->lang, w->src_lang))
            continue;
        if (!csv && s->text[0] == '#') {
            w->st.lossy++; /* would read back as a comment */
            hashed = 1;
            continue;
        }
        for (size_t j = 0; j <= e->n_terms; j++) {
            const gla_term *t = NULL;
            if (j < e->n_terms) {
                t = &e->terms[j];
                if (!same_lang(t->lang, w->tgt_lang) || rejected(t->status))
                    continue;
            } else if (have_target) {
                break;
            }
            make_comment(w, e, t);
            if (csv) {
                put_csv(w, s->text, strlen(s->text));
                if (t || w->tmp.len) {
                    io_w_put(w, ",", 1);
                    if (t)
                        put_csv(w, t->text, strlen(t->text));
                }
                if (w->tmp.len) {
                    io_w_put(w, ",", 1);
                    put_csv(w, w->tmp.data, w->tmp.len);
                }
            } else {
                put_plain(w, s->text, strlen(s->text));
                if (t || w->tmp.len) {
                    io_w_put(w, "\t", 1);
                    if (t)
                        put_plain(w, t->text, strlen(t->text));
                }
                if (w->tmp.len) {
                    io_w_put(w, "\t", 1);
                    put_plain(w, w->tmp.data, w->tmp.len);
                }
            }
            io_w_put(w, "\n", 1);
            rows++;
        }
    }
    if (!rows && !hashed)
        w->st.lossy++; /* nothing in the source language, or no usable
                          target: the entry is left out */
    w->st.records += rows;
    return GLA_OK;
}

int io_omegat_put(gla_writer *w, const gla_entry *e)
{
    return put_rows(w, e, 0);
}

int io_csv_put(gla_writer *w, const gla_entry *e)
{
    return put_rows(w, e, 1);
}
