/*
 * The lossless header-driven TSV (docs/TSV-FORMAT.md), both ways. The
 * reader is on the bulk import path: one reused line buffer, fields found
 * with memchr, strings copied once into the entry's arena.
 */
#include "io_int.h"

#include <stdlib.h>
#include <string.h>

enum {
    C_ENTRY,
    C_KIND,
    C_SUBJECT,
    C_DEFINITION,
    C_ENTRY_NOTE,
    C_HOMONYM,
    C_LANG,
    C_TERM,
    C_STATUS,
    C_TYPE,
    C_POS,
    C_CASE,
    C_NOTE,
    C_SOURCE,
    N_COLS
};

/* Column names in the order the writer puts them. */
static const char *const col_names[N_COLS] = {
    "entry",   "kind", "subject", "definition", "entry_note",
    "homonym", "lang", "term",    "status",     "type",
    "pos",     "case", "note",    "source"};

#define MAX_FIELDS 64 /* header columns accepted (there are 14 names) */

/* ---- the set of entry ids seen, to catch non-contiguous rows ---- */

typedef struct ref_slot {
    uint64_t hash; /* hash of the id */
    size_t off;    /* offset of the id in names, plus one; 0 = empty */
    size_t line;   /* first line of the entry */
} ref_slot;

typedef struct ref_set {
    ref_slot *slots; /* open addressing, power-of-two size */
    size_t cap;      /* slots allocated */
    size_t n;        /* slots used */
    gla_buf names;   /* NUL-terminated ids */
} ref_set;

static uint64_t hash_bytes(const char *s, size_t len)
{
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ULL;
    }
    return h ^ (h >> 29);
}

static int set_grow(ref_set *set)
{
    size_t cap = set->cap ? set->cap * 2 : 1024;
    ref_slot *slots = calloc(cap, sizeof *slots);
    if (!slots)
        return GLA_ENOMEM;
    for (size_t i = 0; i < set->cap; i++) {
        ref_slot *o = &set->slots[i];
        if (!o->off)
            continue;
        size_t j = (size_t)o->hash & (cap - 1);
        while (slots[j].off)
            j = (j + 1) & (cap - 1);
        slots[j] = *o;
    }
    free(set->slots);
    set->slots = slots;
    set->cap = cap;
    return GLA_OK;
}

/* Insert `ref`; when it is already there, *seen gets its first line. */
static int set_add(ref_set *set, const char *ref, size_t len, size_t line,
                   size_t *seen)
{
    *seen = 0;
    if ((set->n + 1) * 4 > set->cap * 3) {
        int rc = set_grow(set);
        if (rc)
            return rc;
    }
    uint64_t h = hash_bytes(ref, len);
    size_t j = (size_t)h & (set->cap - 1);
    while (set->slots[j].off) {
        ref_slot *s = &set->slots[j];
        const char *name = set->names.data + s->off - 1;
        if (s->hash == h && strlen(name) == len &&
            memcmp(name, ref, len) == 0) {
            *seen = s->line;
            return GLA_OK;
        }
        j = (j + 1) & (set->cap - 1);
    }
    size_t off = set->names.len;
    int rc = gla_buf_put(&set->names, ref, len);
    if (rc == GLA_OK)
        rc = gla_buf_put(&set->names, "", 1);
    if (rc)
        return rc;
    set->slots[j].hash = h;
    set->slots[j].off = off + 1;
    set->slots[j].line = line;
    set->n++;
    return GLA_OK;
}

static void set_dispose(ref_set *set)
{
    free(set->slots);
    gla_buf_dispose(&set->names);
    memset(set, 0, sizeof *set);
}

/* ---- reader ---- */

typedef struct tsv_rd {
    io_rd *r;                 /* the read */
    int map[MAX_FIELDS];      /* header position -> column id */
    size_t n_fields;          /* header columns */
    int have[N_COLS];         /* column present in the header */
    ref_set seen;             /* entry ids met so far */
    int open;                 /* an entry is being built */
    size_t first_line;        /* its first row */
    size_t given[N_COLS];     /* line a concept-level value came from */
    size_t given_col[N_COLS]; /* and its column */
} tsv_rd;

/* A field of the current row. */
typedef struct field {
    const char *s; /* bytes in the line */
    size_t len;    /* length */
    size_t col;    /* 1-based byte column */
} field;

/* Copy a field into the arena, decoding \t \n \\ and normalising to NFC. */
static int put_field(io_rd *r, size_t *slot, const field *f, size_t line,
                     const char *what)
{
    size_t bad = 0;
    int nfc = 0;
    int rc = io_text_check(f->s, f->len, 0, &bad, &nfc);
    if (rc == GLA_EUTF8)
        return io_fail(r, rc, line, f->col + bad,
                       "invalid UTF-8 in %s (byte 0x%02X)", what,
                       (unsigned)(unsigned char)f->s[bad]);
    if (rc)
        return io_fail(r, rc, line, f->col + bad,
                       "control character U+%04X in %s", (unsigned)f->s[bad],
                       what);
    io_entry *b = &r->ent;
    if (!memchr(f->s, '\\', f->len)) {
        rc = io_str_new(b, slot, f->s, f->len);
    } else {
        size_t off = b->arena.len;
        rc = gla_buf_grow(&b->arena, f->len + 1);
        if (rc == GLA_OK) {
            char *d = b->arena.data + off;
            size_t k = 0;
            for (size_t i = 0; i < f->len; i++) {
                char c = f->s[i];
                if (c == '\\' && i + 1 < f->len) {
                    char n = f->s[i + 1];
                    if (n == 't' || n == 'n' || n == '\\') {
                        c = n == 't' ? '\t' : n == 'n' ? '\n' : '\\';
                        i++;
                    }
                }
                d[k++] = c;
            }
            d[k] = '\0';
            b->arena.len = off + k + 1;
            *slot = off;
        }
    }
    if (rc == GLA_OK && nfc)
        rc = io_str_nfc(b, *slot);
    if (rc)
        return io_fail(r, rc, line, f->col, "%s", gla_strerror(rc));
    return GLA_OK;
}

static int parse_header(tsv_rd *t, const char *s, size_t len, size_t line)
{
    io_rd *r = t->r;
    size_t i = 0;
    t->n_fields = 0;
    for (;;) {
        const char *tab = memchr(s + i, '\t', len - i);
        size_t end = tab ? (size_t)(tab - s) : len;
        const char *name = s + i;
        size_t n = end - i;
        if (t->n_fields == MAX_FIELDS)
            return io_fail(r, GLA_EPARSE, line, i + 1,
                           "more than %d columns in the header", MAX_FIELDS);
        int id = -1;
        for (int c = 0; c < N_COLS; c++)
            if (io_eq_ci(name, n, col_names[c]))
                id = c;
        if (id < 0) {
            size_t bad = 0;
            if (io_text_check(name, n, 0, &bad, NULL))
                return io_fail(r, GLA_EPARSE, line, i + 1,
                               "unknown column (not valid text) in the "
                               "header");
            return io_fail(r, GLA_EPARSE, line, i + 1,
                           "unknown column '%.*s' (columns: entry kind "
                           "subject definition entry_note homonym lang term "
                           "status type pos case note source)",
                           (int)(n > 80 ? 80 : n), name);
        }
        if (t->have[id])
            return io_fail(r, GLA_EPARSE, line, i + 1,
                           "column '%s' appears twice in the header",
                           col_names[id]);
        t->have[id] = 1;
        t->map[t->n_fields++] = id;
        if (!tab)
            break;
        i = end + 1;
    }
    static const int required[] = {C_ENTRY, C_LANG, C_TERM};
    for (size_t k = 0; k < 3; k++)
        if (!t->have[required[k]])
            return io_fail(r, GLA_EPARSE, line, 1,
                           "the header has no '%s' column (required)",
                           col_names[required[k]]);
    return GLA_OK;
}

static int bad_value(io_rd *r, size_t line, const field *f, const char *what,
                     const char *allowed)
{
    size_t bad = 0;
    if (io_text_check(f->s, f->len, 0, &bad, NULL))
        return io_fail(r, GLA_EPARSE, line, f->col,
                       "bad %s (not valid text; expected %s)", what, allowed);
    return io_fail(r, GLA_EPARSE, line, f->col, "bad %s '%.*s' (expected %s)",
                   what, (int)(f->len > 80 ? 80 : f->len), f->s, allowed);
}

static int flush(tsv_rd *t)
{
    if (!t->open)
        return GLA_OK;
    t->open = 0;
    return io_entry_emit(t->r, t->first_line, 1);
}

/* A concept-level string given again must agree with the first. */
static int concept_str(tsv_rd *t, int col, size_t *slot, const field *f,
                       size_t line)
{
    io_rd *r = t->r;
    if (*slot == IO_NONE) {
        t->given[col] = line;
        t->given_col[col] = f->col;
        return put_field(r, slot, f, line, col_names[col]);
    }
    size_t mark = r->ent.arena.len, tmp;
    int rc = put_field(r, &tmp, f, line, col_names[col]);
    if (rc)
        return rc;
    int same = strcmp(r->ent.arena.data + tmp, r->ent.arena.data + *slot) == 0;
    r->ent.arena.len = mark;
    if (!same)
        return io_fail(r, GLA_EPARSE, line, f->col,
                       "%s differs from the one given for entry '%s' at line "
                       "%zu",
                       col_names[col], io_str(&r->ent, r->ent.ref),
                       t->given[col]);
    return GLA_OK;
}

static int concept_enum(tsv_rd *t, int col, int *cur, int value, size_t line,
                        const field *f)
{
    if (!t->given[col]) {
        t->given[col] = line;
        *cur = value;
        return GLA_OK;
    }
    if (*cur != value)
        return io_fail(t->r, GLA_EPARSE, line, f->col,
                       "%s '%.*s' differs from the one given for entry '%s' "
                       "at line %zu",
                       col_names[col], (int)(f->len > 80 ? 80 : f->len), f->s,
                       io_str(&t->r->ent, t->r->ent.ref), t->given[col]);
    return GLA_OK;
}

static int tsv_row(tsv_rd *t, const char *s, size_t len, size_t line)
{
    io_rd *r = t->r;
    field fv[N_COLS];
    memset(fv, 0, sizeof fv);
    size_t i = 0, k = 0;
    for (;;) {
        const char *tab = memchr(s + i, '\t', len - i);
        size_t end = tab ? (size_t)(tab - s) : len;
        if (k == t->n_fields)
            return io_fail(r, GLA_EPARSE, line, i + 1,
                           "more fields than the header's %zu columns",
                           t->n_fields);
        field *f = &fv[t->map[k]];
        f->s = s + i;
        f->len = end - i;
        f->col = i + 1;
        k++;
        if (!tab)
            break;
        i = end + 1;
    }
    for (int c = 0; c < N_COLS; c++)
        if (!fv[c].s)
            fv[c].col = len + 1;

    /* The entry id, and whether a new entry begins. */
    const field *fe = &fv[C_ENTRY];
    if (!fe->len)
        return io_fail(r, GLA_EPARSE, line, fe->col, "empty entry id");
    if (!io_ref_valid(fe->s, fe->len))
        return bad_value(r, line, fe, "entry id",
                         "[a-z0-9][a-z0-9._-]*, e.g. "
                         "person.phan-van-giang");
    io_entry *b = &r->ent;
    const char *cur = t->open ? io_str(b, b->ref) : NULL;
    if (!cur || strlen(cur) != fe->len || memcmp(cur, fe->s, fe->len) != 0) {
        int rc = flush(t);
        if (rc)
            return rc;
        size_t seen = 0;
        rc = set_add(&t->seen, fe->s, fe->len, line, &seen);
        if (rc)
            return io_fail(r, rc, line, fe->col, "%s", gla_strerror(rc));
        if (seen)
            return io_fail(r, GLA_EPARSE, line, fe->col,
                           "entry '%.*s' appears again; its rows (from line "
                           "%zu) must be contiguous",
                           (int)fe->len, fe->s, seen);
        t->open = 1;
        t->first_line = line;
        memset(t->given, 0, sizeof t->given);
        rc = io_str_new(b, &b->ref, fe->s, fe->len);
        if (rc)
            return io_fail(r, rc, line, 1, "%s", gla_strerror(rc));
    }

    /* Concept-level columns. */
    int rc;
    const field *f = &fv[C_KIND];
    if (f->len) {
        gla_kind kind;
        if (gla_kind_parse(&kind, f->s, f->len))
            return bad_value(r, line, f, "kind",
                             "term, person, organization, place, rank, "
                             "unit, event or acronym");
        int v = (int)b->kind;
        rc = concept_enum(t, C_KIND, &v, (int)kind, line, f);
        if (rc)
            return rc;
        b->kind = (gla_kind)v;
    }
    f = &fv[C_HOMONYM];
    if (f->len) {
        if (!io_eq_ci(f->s, f->len, "yes"))
            return bad_value(r, line, f, "homonym value",
                             "yes or an empty field");
        rc = concept_enum(t, C_HOMONYM, &b->homonym, 1, line, f);
        if (rc)
            return rc;
    }
    if (fv[C_SUBJECT].len &&
        (rc = concept_str(t, C_SUBJECT, &b->subject, &fv[C_SUBJECT], line)))
        return rc;
    if (fv[C_DEFINITION].len &&
        (rc = concept_str(t, C_DEFINITION, &b->definition, &fv[C_DEFINITION],
                          line)))
        return rc;
    if (fv[C_ENTRY_NOTE].len &&
        (rc = concept_str(t, C_ENTRY_NOTE, &b->note, &fv[C_ENTRY_NOTE], line)))
        return rc;

    /* The term. */
    io_term *term;
    if (io_entry_add_term(b, &term))
        return io_fail(r, GLA_ENOMEM, line, 1, "out of memory");
    term->line = line;
    f = &fv[C_LANG];
    char lang[IO_LANG_MAX];
    if (!f->len)
        return io_fail(r, GLA_EPARSE, line, f->col, "empty lang");
    if (io_lang_canon(lang, f->s, f->len))
        return bad_value(r, line, f, "language tag",
                         "a BCP 47 tag such as fr, vi, en-GB");
    if ((rc = io_str_new(b, &term->lang, lang, strlen(lang))))
        return io_fail(r, rc, line, f->col, "%s", gla_strerror(rc));
    f = &fv[C_TERM];
    if (!f->len)
        return io_fail(r, GLA_EPARSE, line, f->col, "empty term");
    if ((rc = put_field(r, &term->text, f, line, "term")))
        return rc;
    f = &fv[C_STATUS];
    if (f->len && gla_status_parse(&term->status, f->s, f->len))
        return bad_value(r, line, f, "status",
                         "preferred, admitted, deprecated, "
                         "superseded or forbidden");
    f = &fv[C_TYPE];
    if (f->len && gla_type_parse(&term->type, f->s, f->len))
        return bad_value(r, line, f, "type",
                         "fullForm, acronym, abbreviation, shortForm, "
                         "variant or transliteration");
    f = &fv[C_CASE];
    if (f->len && gla_case_parse(&term->case_mode, f->s, f->len))
        return bad_value(r, line, f, "case", "sensitive or insensitive");
    f = &fv[C_POS];
    if (f->len) {
        const char *pos = io_pos_canon(f->s, f->len);
        if (!pos)
            return bad_value(r, line, f, "pos",
                             "noun, properNoun, verb, adjective, adverb "
                             "or other");
        if ((rc = io_str_new(b, &term->pos, pos, strlen(pos))))
            return io_fail(r, rc, line, f->col, "%s", gla_strerror(rc));
    }
    if (fv[C_NOTE].len &&
        (rc = put_field(r, &term->note, &fv[C_NOTE], line, "note")))
        return rc;
    if (fv[C_SOURCE].len &&
        (rc = put_field(r, &term->source, &fv[C_SOURCE], line, "source")))
        return rc;

    /* The same form twice in one language would be merged silently. */
    const char *tl = io_str(b, term->lang), *tt = io_str(b, term->text);
    for (size_t j = 0; j + 1 < b->n_terms; j++) {
        const io_term *o = &b->terms[j];
        if (strcmp(io_str(b, o->lang), tl) == 0 &&
            strcmp(io_str(b, o->text), tt) == 0)
            return io_fail(r, GLA_EPARSE, line, fv[C_TERM].col,
                           "term '%s' (%s) of entry '%s' repeats line %zu", tt,
                           tl, io_str(b, b->ref), o->line);
    }
    return GLA_OK;
}

static int blank(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (s[i] != ' ' && s[i] != '\t')
            return 0;
    return 1;
}

int io_read_tsv(io_rd *r)
{
    tsv_rd t;
    memset(&t, 0, sizeof t);
    t.r = r;
    int rc = io_lines_begin(r);
    int header = 0;
    const char *line;
    size_t len;
    while (rc == GLA_OK && (rc = io_lines_get(r, &line, &len)) == GLA_OK) {
        if (blank(line, len) || line[0] == '#')
            continue;
        if (!header) {
            rc = parse_header(&t, line, len, r->lineno);
            header = 1;
        } else {
            rc = tsv_row(&t, line, len, r->lineno);
        }
    }
    if (rc == GLA_ITEROVER)
        rc = flush(&t);
    set_dispose(&t.seen);
    return rc;
}

/* ---- writer ---- */

int io_tsv_begin(gla_writer *w)
{
    for (int c = 0; c < N_COLS; c++) {
        if (c)
            io_w_put(w, "\t", 1);
        io_w_puts(w, col_names[c]);
    }
    io_w_put(w, "\n", 1);
    return GLA_OK;
}

/* Put one field, escaped; refuses what the format cannot hold. */
static int put_esc(gla_writer *w, const char *s, const char *what)
{
    if (!s)
        return GLA_OK;
    size_t len = strlen(s), bad = 0;
    int rc = io_text_check(s, len, 1, &bad, NULL);
    if (rc == GLA_EUTF8)
        return io_w_fail(w, rc, "invalid UTF-8 in %s at byte %zu", what, bad);
    if (rc)
        return io_w_fail(w, GLA_EINVAL,
                         "control character U+%04X in %s cannot be written "
                         "to TSV",
                         (unsigned)s[bad], what);
    size_t from = 0;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (c != '\t' && c != '\n' && c != '\\')
            continue;
        io_w_put(w, s + from, i - from);
        io_w_puts(w, c == '\t' ? "\\t" : c == '\n' ? "\\n" : "\\\\");
        from = i + 1;
    }
    io_w_put(w, s + from, len - from);
    return GLA_OK;
}

int io_tsv_put(gla_writer *w, const gla_entry *e)
{
    if (!e->ref || !io_ref_valid(e->ref, strlen(e->ref)))
        return io_w_fail(w, GLA_EINVAL,
                         "entry %s%s%s has no valid id for TSV "
                         "([a-z0-9][a-z0-9._-]*)",
                         e->ref ? "'" : "", e->ref ? e->ref : "(none)",
                         e->ref ? "'" : "");
    if (!e->n_terms)
        return io_w_fail(w, GLA_EINVAL,
                         "entry '%s' has no terms; TSV has one row per term",
                         e->ref);
    for (size_t i = 0; i < e->n_terms; i++) {
        const gla_term *t = &e->terms[i];
        char lang[IO_LANG_MAX];
        if (!t->lang || io_lang_canon(lang, t->lang, strlen(t->lang)))
            return io_w_fail(w, GLA_EINVAL, "entry '%s': bad language tag",
                             e->ref);
        if (!t->text || !*t->text)
            return io_w_fail(w, GLA_EINVAL, "entry '%s': empty term", e->ref);
        if (t->pos && *t->pos && !io_pos_canon(t->pos, strlen(t->pos)))
            return io_w_fail(w, GLA_EINVAL,
                             "entry '%s': part of speech '%s' is not one of "
                             "noun, properNoun, verb, adjective, adverb "
                             "or other",
                             e->ref, t->pos);
        for (size_t j = 0; j < i; j++) {
            char other[IO_LANG_MAX];
            const gla_term *o = &e->terms[j];
            if (o->lang && !io_lang_canon(other, o->lang, strlen(o->lang)) &&
                strcmp(other, lang) == 0 && o->text &&
                strcmp(o->text, t->text) == 0)
                return io_w_fail(w, GLA_EINVAL,
                                 "entry '%s': term '%s' (%s) twice", e->ref,
                                 t->text, lang);
        }
    }
    int rc = GLA_OK;
    for (size_t i = 0; i < e->n_terms && rc == GLA_OK; i++) {
        const gla_term *t = &e->terms[i];
        char lang[IO_LANG_MAX];
        io_lang_canon(lang, t->lang, strlen(t->lang));
        io_w_puts(w, e->ref);
        io_w_put(w, "\t", 1);
        io_w_puts(w, gla_kind_name(e->kind));
        io_w_put(w, "\t", 1);
        if ((rc = put_esc(w, e->subject, "subject")))
            break;
        io_w_put(w, "\t", 1);
        if ((rc = put_esc(w, e->definition, "definition")))
            break;
        io_w_put(w, "\t", 1);
        if ((rc = put_esc(w, e->note, "entry note")))
            break;
        io_w_put(w, "\t", 1);
        io_w_puts(w, e->homonym ? "yes" : "");
        io_w_put(w, "\t", 1);
        io_w_puts(w, lang);
        io_w_put(w, "\t", 1);
        if ((rc = put_esc(w, t->text, "term")))
            break;
        io_w_put(w, "\t", 1);
        io_w_puts(w, gla_status_name(t->status));
        io_w_put(w, "\t", 1);
        io_w_puts(w, gla_type_name(t->type));
        io_w_put(w, "\t", 1);
        if (t->pos && *t->pos)
            io_w_puts(w, io_pos_canon(t->pos, strlen(t->pos)));
        io_w_put(w, "\t", 1);
        io_w_puts(w, gla_case_name(t->case_mode));
        io_w_put(w, "\t", 1);
        if ((rc = put_esc(w, t->note, "note")))
            break;
        io_w_put(w, "\t", 1);
        if ((rc = put_esc(w, t->source, "source")))
            break;
        io_w_put(w, "\n", 1);
        w->st.records++;
    }
    return rc;
}
