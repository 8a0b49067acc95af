/*
 * TBX reader: TBX 2008 (martif/termEntry/langSet/tig|ntig) and TBX v3
 * (tbx/conceptEntry/langSec/termSec), DCA and DCT styles, through libxml2's
 * streaming reader with no entity expansion, no DTD loading, no network,
 * and a prolog check that refuses internal DTD subsets before parsing.
 */
#include "io_int.h"

#include <libxml/parser.h>
#include <libxml/xmlreader.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH 256 /* deeper nesting is refused */
#define PRESCAN (64 * 1024)
#define MAX_VALUE (16u << 20) /* longest text of one element */

/* What an open element is to us. */
typedef enum frame_kind {
    F_ROOT,    /* martif or tbx */
    F_TEXT,    /* text */
    F_BODY,    /* body */
    F_ENTRY,   /* termEntry or conceptEntry */
    F_LANG,    /* langSet or langSec */
    F_TERMC,   /* tig, ntig or termSec */
    F_TERMGRP, /* termGrp inside ntig */
    F_GRP,     /* descripGrp, adminGrp, termNoteGrp: transparent */
    F_VALUE,   /* an element whose text we collect */
    F_INLINE,  /* markup inside a value: text kept */
    F_IGNORE   /* header, transactions, cross references: skipped */
} frame_kind;

/* What a value element means. */
typedef enum cat {
    CAT_TERM,
    CAT_STATUS,
    CAT_TYPE,
    CAT_POS,
    CAT_DEFINITION,
    CAT_SUBJECT,
    CAT_CONTEXT,
    CAT_NOTE,
    CAT_SOURCE,
    CAT_OTHER /* folded into a note as "label: text" */
} cat;

/* Where a value lands. */
typedef enum level { LV_ENTRY, LV_LANG, LV_TERM } level;

typedef struct frame {
    frame_kind kind; /* see frame_kind */
    level lvl;       /* for F_GRP and F_VALUE */
    cat c;           /* for F_VALUE */
    char label[48];  /* data category name, for folding and messages */
    char name[32];   /* element name as written (local name) */
    size_t line;     /* line of the start tag */
} frame;

typedef struct tbx_rd {
    io_rd *r;                 /* the read */
    xmlTextReaderPtr xr;      /* libxml2 reader */
    frame stack[MAX_DEPTH];   /* open elements */
    size_t depth;             /* elements open */
    char lang[IO_LANG_MAX];   /* language of the open langSec */
    size_t term;              /* index of the open term, or IO_NONE */
    int term_has_text;        /* the open term has its <term> */
    int status_set;           /* a status was given for the open term */
    int status_forced;        /* glossalign:status overrides the termNote */
    int type_set;             /* a termType was given */
    int pos_set;              /* a partOfSpeech was given */
    size_t entry_line;        /* line of the open entry */
    gla_buf val;              /* text of the open value */
    int xml_err;              /* libxml2 reported an error */
    char xml_msg[256];        /* its message */
    size_t xml_line, xml_col; /* and position */
} tbx_rd;

/* ---- libxml2 plumbing ---- */

static int read_cb(void *ctx, char *buf, int len)
{
    io_src *s = ctx;
    if (len <= 0)
        return 0;
    size_t n = io_src_read(s, buf, (size_t)len);
    if (n == 0 && s->err_no)
        return -1;
    return (int)n;
}

#if LIBXML_VERSION >= 21200
static void error_cb(void *ctx, const xmlError *e)
#else
static void error_cb(void *ctx, xmlErrorPtr e)
#endif
{
    tbx_rd *t = ctx;
    if (!e || e->level < XML_ERR_ERROR || t->xml_err)
        return;
    t->xml_err = 1;
    t->xml_line = e->line > 0 ? (size_t)e->line : 0;
    t->xml_col = e->int2 > 0 ? (size_t)e->int2 : 1;
    const char *m = e->message ? e->message : "malformed XML";
    size_t n = strlen(m);
    while (n && (m[n - 1] == '\n' || m[n - 1] == ' '))
        n--;
    snprintf(t->xml_msg, sizeof t->xml_msg, "%.*s", (int)n, m);
}

/* libxml2 reports some problems (encoding conversion) on its per-thread
 * generic channel, which prints; during a read they come here instead. */
static void generic_cb(void *ctx, const char *msg, ...)
{
    (void)ctx;
    (void)msg;
}

/* ---- the prolog check ---- */

/* Refuse a DOCTYPE with an internal subset before libxml2 sees it: that
 * is where entity declarations (billion laughs, external entities) live. */
static int scan_prolog(io_rd *r, const char *view, size_t n);

static int prescan(io_rd *r)
{
    int rc = io_src_peek(&r->src, PRESCAN);
    if (rc)
        return io_fail(r, rc, 0, 0, "read error");
    const unsigned char *h = (const unsigned char *)r->src.win + r->src.start;
    size_t len = r->src.end - r->src.start;
    if (len > PRESCAN)
        len = PRESCAN;
    /* An ASCII view, whatever the Unicode encoding form. */
    size_t step = 1, off = 0;
    if (len >= 2 && h[0] == 0xFF && h[1] == 0xFE) {
        step = 2, off = 2;
    } else if (len >= 2 && h[0] == 0xFE && h[1] == 0xFF) {
        step = 2, off = 3;
    } else if (len >= 3 && h[0] == 0xEF && h[1] == 0xBB && h[2] == 0xBF) {
        off = 3;
    }
    char *view = malloc(len ? len : 1);
    if (!view)
        return io_fail(r, GLA_ENOMEM, 0, 0, "out of memory");
    size_t n = 0;
    for (size_t i = off; i < len; i += step)
        view[n++] = (char)h[i];
    rc = scan_prolog(r, view, n);
    free(view);
    return rc;
}

static int scan_prolog(io_rd *r, const char *view, size_t n)
{
    size_t i = 0, line = 1;
    for (;;) {
        while (i < n && (view[i] == ' ' || view[i] == '\t' || view[i] == '\r' ||
                         view[i] == '\n')) {
            line += view[i] == '\n';
            i++;
        }
        if (i + 2 <= n && memcmp(view + i, "<?", 2) == 0) {
            const char *e = NULL;
            for (size_t j = i + 2; j + 1 < n; j++)
                if (view[j] == '?' && view[j + 1] == '>') {
                    e = view + j;
                    break;
                }
            if (!e)
                return GLA_OK;
            for (; i < (size_t)(e - view) + 2; i++)
                line += view[i] == '\n';
        } else if (i + 4 <= n && memcmp(view + i, "<!--", 4) == 0) {
            size_t j = i + 4;
            while (j + 2 < n && memcmp(view + j, "-->", 3) != 0)
                j++;
            if (j + 2 >= n)
                return GLA_OK;
            for (; i < j + 3; i++)
                line += view[i] == '\n';
        } else if (i + 9 <= n && memcmp(view + i, "<!DOCTYPE", 9) == 0) {
            size_t start_line = line;
            char quote = 0;
            size_t j = i + 9;
            for (; j < n; j++) {
                char c = view[j];
                line += c == '\n';
                if (quote) {
                    if (c == quote)
                        quote = 0;
                } else if (c == '"' || c == '\'') {
                    quote = c;
                } else if (c == '[') {
                    return io_fail(r, GLA_EPARSE, start_line, 1,
                                   "<!DOCTYPE> with an internal subset is "
                                   "not accepted: its entity declarations "
                                   "could expand without bound or read "
                                   "local files");
                } else if (c == '>') {
                    break;
                }
            }
            if (j >= n)
                return GLA_OK;
            i = j + 1;
        } else {
            return GLA_OK;
        }
    }
}

/* ---- element classification ---- */

static int eq(const char *a, const char *b)
{
    return strcmp(a, b) == 0;
}

/* A data category name (DCA type attribute or DCT element name). */
static int category(const char *name, cat *out)
{
    static const struct {
        const char *name;
        cat c;
    } map[] = {
        {"administrativeStatus", CAT_STATUS},
        {"normativeAuthorization", CAT_STATUS},
        {"termType", CAT_TYPE},
        {"partOfSpeech", CAT_POS},
        {"definition", CAT_DEFINITION},
        {"subjectField", CAT_SUBJECT},
        {"context", CAT_CONTEXT},
        {"source", CAT_SOURCE},
        {"note", CAT_NOTE},
    };
    for (size_t i = 0; i < sizeof map / sizeof *map; i++)
        if (eq(name, map[i].name)) {
            *out = map[i].c;
            return 1;
        }
    return 0;
}

static int skipped_element(const char *n)
{
    static const char *const names[] = {
        "transac",     "transacGrp", "transacNote",  "date",
        "xref",        "ref",        "termCompList", "termComp",
        "termCompGrp", "back",       "refObjectSec", "refObjectList",
        "front",       "hi",         "foreign",      "admin",
        "descrip",     "termNote"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (eq(n, names[i]))
            return 1;
    return 0;
}

/* ---- values ---- */

static int fail_at(tbx_rd *t, const frame *f, const char *what)
{
    return io_fail(t->r, GLA_EPARSE, f->line, 1, "element <%s> at line %zu %s",
                   f->name, f->line, what);
}

/* Status names, TBX picklists and what real files write. */
static int map_status(const char *s, size_t n, gla_status *out, int *keep)
{
    static const struct {
        const char *name;
        gla_status st;
        int keep; /* also keep the value in the note */
    } map[] = {
        {"preferredTerm-admn-sts", GLA_STATUS_PREFERRED, 0},
        {"preferredTerm", GLA_STATUS_PREFERRED, 0},
        {"preferred", GLA_STATUS_PREFERRED, 0},
        {"standardizedTerm", GLA_STATUS_PREFERRED, 1},
        {"standardizedTerm-admn-sts", GLA_STATUS_PREFERRED, 1},
        {"admittedTerm-admn-sts", GLA_STATUS_ADMITTED, 0},
        {"admittedTerm", GLA_STATUS_ADMITTED, 0},
        {"admitted", GLA_STATUS_ADMITTED, 0},
        {"deprecatedTerm-admn-sts", GLA_STATUS_DEPRECATED, 0},
        {"deprecatedTerm", GLA_STATUS_DEPRECATED, 0},
        {"deprecated", GLA_STATUS_DEPRECATED, 0},
        {"notRecommended", GLA_STATUS_DEPRECATED, 0},
        {"supersededTerm-admn-sts", GLA_STATUS_SUPERSEDED, 0},
        {"supersededTerm", GLA_STATUS_SUPERSEDED, 0},
        {"superseded", GLA_STATUS_SUPERSEDED, 0},
        {"obsolete", GLA_STATUS_SUPERSEDED, 0},
        {"forbidden", GLA_STATUS_FORBIDDEN, 0},
        {"forbiddenTerm", GLA_STATUS_FORBIDDEN, 0},
        {"forbiddenTerm-admn-sts", GLA_STATUS_FORBIDDEN, 0},
    };
    for (size_t i = 0; i < sizeof map / sizeof *map; i++)
        if (io_eq_ci(s, n, map[i].name)) {
            *out = map[i].st;
            *keep = map[i].keep;
            return 1;
        }
    /* "Translation needed: No/Yes" (an export field, not a status). */
    if (n >= 19 && io_eq_ci(s, 19, "Translation needed:")) {
        *out = GLA_STATUS_ADMITTED;
        *keep = 1;
        return 1;
    }
    return 0;
}

static int map_type(const char *s, size_t n, gla_term_type *out, int *keep)
{
    static const struct {
        const char *name;
        gla_term_type ty;
        int keep;
    } map[] = {
        {"fullForm", GLA_TYPE_FULL_FORM, 0},
        {"acronym", GLA_TYPE_ACRONYM, 0},
        {"abbreviation", GLA_TYPE_ABBREVIATION, 0},
        {"shortForm", GLA_TYPE_SHORT_FORM, 0},
        {"variant", GLA_TYPE_VARIANT, 0},
        {"transliteration", GLA_TYPE_TRANSLITERATION, 0},
        {"initialism", GLA_TYPE_ACRONYM, 1},
        {"clippedTerm", GLA_TYPE_SHORT_FORM, 1},
        {"transcribedForm", GLA_TYPE_TRANSLITERATION, 1},
        {"romanizedForm", GLA_TYPE_TRANSLITERATION, 1},
    };
    for (size_t i = 0; i < sizeof map / sizeof *map; i++)
        if (io_eq_ci(s, n, map[i].name)) {
            *out = map[i].ty;
            *keep = map[i].keep;
            return 1;
        }
    return 0;
}

/* Append "label: text" (or "label (lang): text") to a note slot. */
static int fold(tbx_rd *t, size_t *slot, const char *label, const char *lang,
                const char *s, size_t n, size_t line)
{
    gla_buf *b = &t->r->scratch;
    gla_buf_clear(b);
    gla_buf_puts(b, label);
    if (lang)
        gla_buf_printf(b, " (%s)", lang);
    gla_buf_puts(b, ": ");
    if (gla_buf_put(b, s, n))
        return io_fail(t->r, GLA_ENOMEM, line, 1, "out of memory");
    /* scratch is reused by io_text_join: hand it a copy. */
    gla_buf tmp = GLA_BUF_INIT;
    int rc = gla_buf_put(&tmp, b->data, b->len);
    if (rc)
        return io_fail(t->r, rc, line, 1, "out of memory");
    rc = io_text_join(t->r, slot, "\n", tmp.data, tmp.len, line, 1, label);
    gla_buf_dispose(&tmp);
    return rc;
}

/* A glossalign:key=value note; 1 when it was one and was applied. */
static int own_note(tbx_rd *t, level lvl, const char *s, size_t n)
{
    io_entry *b = &t->r->ent;
    if (n < 12 || memcmp(s, "glossalign:", 11) != 0)
        return 0;
    const char *eqp = memchr(s, '=', n);
    if (!eqp)
        return 0;
    const char *k = s + 11, *v = eqp + 1;
    size_t kn = (size_t)(eqp - k), vn = n - (size_t)(v - s);
    if (lvl == LV_ENTRY && kn == 4 && memcmp(k, "kind", 4) == 0) {
        gla_kind kind;
        if (gla_kind_parse(&kind, v, vn))
            return 0;
        b->kind = kind;
        return 1;
    }
    if (lvl == LV_ENTRY && kn == 7 && memcmp(k, "homonym", 7) == 0 &&
        io_eq_ci(v, vn, "yes")) {
        b->homonym = 1;
        return 1;
    }
    if (lvl == LV_TERM && t->term != IO_NONE) {
        io_term *tm = &b->terms[t->term];
        if (kn == 4 && memcmp(k, "case", 4) == 0)
            return gla_case_parse(&tm->case_mode, v, vn) == GLA_OK &&
                   tm->case_mode != GLA_CASE_DEFAULT;
        if (kn == 6 && memcmp(k, "status", 6) == 0 &&
            gla_status_parse(&tm->status, v, vn) == GLA_OK) {
            t->status_forced = 1;
            return 1;
        }
    }
    return 0;
}

/* A value element has ended: put its text where it belongs. */
static int value_end(tbx_rd *t, const frame *f)
{
    io_rd *r = t->r;
    io_entry *b = &r->ent;
    const char *s = t->val.data ? t->val.data : "";
    size_t n = t->val.len;
    const char *ts = s;
    size_t tn = n;
    io_trim(&ts, &tn);
    const char *lang = f->lvl == LV_LANG ? t->lang : NULL;
    io_term *tm =
        f->lvl == LV_TERM && t->term != IO_NONE ? &b->terms[t->term] : NULL;
    int keep = 0, rc = GLA_OK;
    switch (f->c) {
    case CAT_TERM:
        if (!tm)
            return fail_at(t, f, "is outside <termSec> (or <tig>)");
        if (t->term_has_text)
            return fail_at(t, f, "is a second <term> in one term section");
        if (!tn)
            return fail_at(t, f, "is empty");
        t->term_has_text = 1;
        return io_text_new(r, &tm->text, ts, tn, f->line, 1, "<term>");
    case CAT_STATUS:
        if (!tm)
            break;
        if (t->status_set) {
            io_warn(r, f->line, 1,
                    "a second administrativeStatus kept as a "
                    "note");
            return fold(t, &tm->note, f->label, NULL, ts, tn, f->line);
        }
        t->status_set = 1;
        {
            gla_status st;
            if (!map_status(ts, tn, &st, &keep)) {
                io_warn(r, f->line, 1,
                        "unknown administrativeStatus '%.*s' read as "
                        "admitted (kept in the term note)",
                        (int)(tn > 60 ? 60 : tn), ts);
                st = GLA_STATUS_ADMITTED;
                keep = 1;
            }
            if (!t->status_forced)
                tm->status = st;
        }
        return keep ? fold(t, &tm->note, f->label, NULL, ts, tn, f->line)
                    : GLA_OK;
    case CAT_TYPE:
        if (!tm)
            break;
        if (t->type_set) {
            io_warn(r, f->line, 1, "a second termType kept as a note");
            return fold(t, &tm->note, f->label, NULL, ts, tn, f->line);
        }
        t->type_set = 1;
        if (!map_type(ts, tn, &tm->type, &keep)) {
            io_warn(r, f->line, 1,
                    "unknown termType '%.*s' read as fullForm (kept in the "
                    "term note)",
                    (int)(tn > 60 ? 60 : tn), ts);
            tm->type = GLA_TYPE_FULL_FORM;
            keep = 1;
        }
        return keep ? fold(t, &tm->note, f->label, NULL, ts, tn, f->line)
                    : GLA_OK;
    case CAT_POS: {
        if (!tm)
            break;
        const char *pos = io_pos_canon(ts, tn);
        if (!pos && io_eq_ci(ts, tn, "proper noun"))
            pos = "properNoun";
        if (t->pos_set || !pos) {
            io_warn(r, f->line, 1, "partOfSpeech '%.*s' kept in the term note",
                    (int)(tn > 60 ? 60 : tn), ts);
            if (!t->pos_set) {
                t->pos_set = 1;
                if ((rc = io_str_new(b, &tm->pos, "other", 5)))
                    return io_fail(r, rc, f->line, 1, "out of memory");
            }
            return fold(t, &b->terms[t->term].note, f->label, NULL, ts, tn,
                        f->line);
        }
        t->pos_set = 1;
        if ((rc = io_str_new(b, &tm->pos, pos, strlen(pos))))
            return io_fail(r, rc, f->line, 1, "out of memory");
        return GLA_OK;
    }
    case CAT_SUBJECT:
        if (!tn)
            return GLA_OK;
        return io_text_join(r, &b->subject, "; ", ts, tn, f->line, 1,
                            "subjectField");
    case CAT_DEFINITION:
        if (!tn)
            return GLA_OK;
        if (!tm && b->definition == IO_NONE)
            return io_text_new(r, &b->definition, s, n, f->line, 1,
                               "definition");
        if (tm)
            return fold(t, &tm->note, "definition", NULL, s, n, f->line);
        return fold(t, &b->note, "definition", lang, s, n, f->line);
    case CAT_SOURCE:
        if (!tn)
            return GLA_OK;
        if (tm)
            return io_text_join(r, &tm->source, "; ", ts, tn, f->line, 1,
                                "source");
        return fold(t, &b->note, "source", lang, ts, tn, f->line);
    case CAT_CONTEXT:
        if (tm)
            return fold(t, &tm->note, "context", NULL, s, n, f->line);
        return fold(t, &b->note, "context", lang, s, n, f->line);
    case CAT_NOTE:
        if (own_note(t, f->lvl, ts, tn))
            return GLA_OK;
        if (tm)
            return io_text_join(r, &tm->note, "\n", s, n, f->line, 1, "note");
        if (lang)
            return fold(t, &b->note, "note", lang, s, n, f->line);
        return io_text_join(r, &b->note, "\n", s, n, f->line, 1, "note");
    case CAT_OTHER:
        io_warn(r, f->line, 1, "data category '%s' kept as a note", f->label);
        if (tm)
            return fold(t, &tm->note, f->label, NULL, ts, tn, f->line);
        return fold(t, &b->note, f->label, lang, ts, tn, f->line);
    }
    /* A term-level category outside a term. */
    io_warn(r, f->line, 1, "%s outside a term section kept as a note",
            f->label);
    return fold(t, &b->note, f->label, lang, ts, tn, f->line);
}

/* ---- structure ---- */

static frame *push(tbx_rd *t, frame_kind k, const char *name, size_t line)
{
    frame *f = &t->stack[t->depth++];
    memset(f, 0, sizeof *f);
    f->kind = k;
    f->line = line;
    snprintf(f->name, sizeof f->name, "%s", name);
    return f;
}

static int open_value(tbx_rd *t, const char *name, size_t line, level lvl,
                      cat c, const char *label)
{
    frame *f = push(t, F_VALUE, name, line);
    f->lvl = lvl;
    f->c = c;
    snprintf(f->label, sizeof f->label, "%s", label);
    gla_buf_clear(&t->val);
    return GLA_OK;
}

static int entry_begin(tbx_rd *t, size_t line)
{
    io_rd *r = t->r;
    io_entry *b = &r->ent;
    io_entry_reset(b);
    t->entry_line = line;
    xmlChar *id = xmlTextReaderGetAttribute(t->xr, BAD_CAST "id");
    if (!id)
        return GLA_OK;
    const char *s = (const char *)id;
    size_t n = strlen(s);
    gla_buf_clear(&r->scratch);
    int rc = gla_buf_grow(&r->scratch, n + 1);
    if (rc) {
        xmlFree(id);
        return io_fail(r, rc, line, 1, "out of memory");
    }
    char *ref = r->scratch.data;
    /* TBX ids are XML names: fold case, map other characters to '-', and
     * drop what cannot begin an id (the writer's "_" before a digit). */
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c + 32);
        int ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                 (k && (c == '.' || c == '_' || c == '-'));
        if (!ok && !k)
            continue;
        ref[k++] = ok ? c : '-';
    }
    if (k && (n != k || memcmp(s, ref, k) != 0) && !(n == k + 1 && s[0] == '_'))
        io_warn(r, line, 1, "id '%.60s' read as '%.*s'", s, (int)k, ref);
    rc = k ? io_str_new(b, &b->ref, ref, k) : GLA_OK;
    if (!k)
        io_warn(r, line, 1, "id '%.60s' cannot be an entry id; ignored", s);
    xmlFree(id);
    if (rc)
        return io_fail(r, rc, line, 1, "out of memory");
    return GLA_OK;
}

static int lang_begin(tbx_rd *t, frame *f)
{
    xmlChar *l = xmlTextReaderGetAttribute(t->xr, BAD_CAST "xml:lang");
    if (!l)
        return fail_at(t, f, "has no xml:lang");
    int bad = io_lang_canon(t->lang, (const char *)l, strlen((const char *)l));
    if (bad) {
        char v[64];
        snprintf(v, sizeof v, "%.40s", (const char *)l);
        xmlFree(l);
        char what[96];
        snprintf(what, sizeof what, "has a bad xml:lang '%s'", v);
        return fail_at(t, f, what);
    }
    xmlFree(l);
    return GLA_OK;
}

static int term_begin(tbx_rd *t, size_t line)
{
    io_entry *b = &t->r->ent;
    io_term *tm;
    if (io_entry_add_term(b, &tm))
        return io_fail(t->r, GLA_ENOMEM, line, 1, "out of memory");
    tm->line = line;
    t->term = b->n_terms - 1;
    t->term_has_text = t->status_set = t->status_forced = 0;
    t->type_set = t->pos_set = 0;
    int rc = io_str_new(b, &b->terms[t->term].lang, t->lang, strlen(t->lang));
    if (rc)
        return io_fail(t->r, rc, line, 1, "out of memory");
    return GLA_OK;
}

/* The level an element inside frame `p` describes. */
static int level_of(const frame *p, level *out)
{
    switch (p->kind) {
    case F_ENTRY: *out = LV_ENTRY; return 1;
    case F_LANG: *out = LV_LANG; return 1;
    case F_TERMC:
    case F_TERMGRP: *out = LV_TERM; return 1;
    case F_GRP: *out = p->lvl; return 1;
    default: return 0;
    }
}

static int misplaced(tbx_rd *t, const frame *f, const frame *parent)
{
    char what[96];
    snprintf(what, sizeof what, "is out of place in <%s>", parent->name);
    return fail_at(t, f, what);
}

static int start_element(tbx_rd *t, const char *name, const char *prefix,
                         size_t line)
{
    io_rd *r = t->r;
    if (t->depth == MAX_DEPTH)
        return io_fail(r, GLA_EPARSE, line, 1,
                       "element <%s> at line %zu: nesting deeper than %d", name,
                       line, MAX_DEPTH);
    frame *p = t->depth ? &t->stack[t->depth - 1] : NULL;
    frame tmp = {0};
    tmp.line = line;
    snprintf(tmp.name, sizeof tmp.name, "%s", name);

    if (!p) {
        if (!eq(name, "martif") && !eq(name, "tbx"))
            return fail_at(t, &tmp,
                           "is not a TBX document element (expected <tbx> or "
                           "<martif>)");
        push(t, F_ROOT, name, line);
        return GLA_OK;
    }
    switch (p->kind) {
    case F_IGNORE: push(t, F_IGNORE, name, line); return GLA_OK;
    case F_VALUE:
    case F_INLINE: push(t, F_INLINE, name, line); return GLA_OK;
    case F_ROOT:
        if (eq(name, "text"))
            push(t, F_TEXT, name, line);
        else if (eq(name, "martifHeader") || eq(name, "tbxHeader"))
            push(t, F_IGNORE, name, line);
        else
            return fail_at(t, &tmp,
                           "is out of place (expected the header "
                           "or <text>)");
        return GLA_OK;
    case F_TEXT:
        if (eq(name, "body")) {
            push(t, F_BODY, name, line);
        } else if (eq(name, "back") || eq(name, "front")) {
            io_warn(r, line, 1, "<%s> skipped", name);
            push(t, F_IGNORE, name, line);
        } else {
            return fail_at(t, &tmp, "is out of place in <text>");
        }
        return GLA_OK;
    case F_BODY:
        if (!eq(name, "termEntry") && !eq(name, "conceptEntry"))
            return fail_at(t, &tmp,
                           "is out of place in <body> (expected "
                           "<conceptEntry> or <termEntry>)");
        push(t, F_ENTRY, name, line);
        return entry_begin(t, line);
    default: break;
    }

    /* Inside an entry. */
    int is_lang = eq(name, "langSec") || eq(name, "langSet");
    int is_termc = eq(name, "termSec") || eq(name, "tig") || eq(name, "ntig");
    if (p->kind == F_ENTRY && is_lang) {
        frame *f = push(t, F_LANG, name, line);
        return lang_begin(t, f);
    }
    if (p->kind == F_LANG && is_termc) {
        push(t, F_TERMC, name, line);
        return term_begin(t, line);
    }
    if (is_lang)
        return misplaced(t, &tmp, p);
    if (is_termc)
        return fail_at(t, &tmp, "is outside <langSec> (or <langSet>)");
    if (eq(name, "term")) {
        if (p->kind != F_TERMC && p->kind != F_TERMGRP)
            return fail_at(t, &tmp, "is outside <termSec> (or <tig>)");
        return open_value(t, name, line, LV_TERM, CAT_TERM, "term");
    }
    if (eq(name, "termGrp")) {
        if (p->kind != F_TERMC)
            return fail_at(t, &tmp, "is outside <ntig>");
        push(t, F_TERMGRP, name, line);
        return GLA_OK;
    }
    level lvl;
    if (!level_of(p, &lvl))
        return misplaced(t, &tmp, p);
    if (eq(name, "descripGrp") || eq(name, "adminGrp") ||
        eq(name, "termNoteGrp")) {
        frame *f = push(t, F_GRP, name, line);
        f->lvl = lvl;
        return GLA_OK;
    }
    if (eq(name, "termNote") || eq(name, "descrip") || eq(name, "admin")) {
        xmlChar *type = xmlTextReaderGetAttribute(t->xr, BAD_CAST "type");
        if (!type) {
            io_warn(r, line, 1, "<%s> without a type skipped", name);
            push(t, F_IGNORE, name, line);
            return GLA_OK;
        }
        cat c;
        char label[48];
        snprintf(label, sizeof label, "%s", (const char *)type);
        if (!category((const char *)type, &c) || c == CAT_NOTE)
            c = CAT_OTHER;
        xmlFree(type);
        return open_value(t, name, line, lvl, c, label);
    }
    if (eq(name, "note"))
        return open_value(t, name, line, lvl, CAT_NOTE, "note");
    cat c;
    if (category(name, &c))
        return open_value(t, name, line, lvl, c, name); /* DCT style */
    if (prefix && !skipped_element(name))
        return open_value(t, name, line, lvl, CAT_OTHER, name);
    io_warn(r, line, 1, "<%s> skipped", name);
    push(t, F_IGNORE, name, line);
    return GLA_OK;
}

static int end_element(tbx_rd *t)
{
    if (!t->depth)
        return GLA_OK;
    frame f = t->stack[--t->depth];
    io_rd *r = t->r;
    switch (f.kind) {
    case F_VALUE: return value_end(t, &f);
    case F_TERMC:
        if (!t->term_has_text)
            return fail_at(t, &f, "has no <term>");
        t->term = IO_NONE;
        return GLA_OK;
    case F_ENTRY:
        if (!r->ent.n_terms)
            return fail_at(t, &f, "has no terms");
        return io_entry_emit(r, t->entry_line, 1);
    default: return GLA_OK;
    }
}

static int xml_error(tbx_rd *t)
{
    io_rd *r = t->r;
    if (r->src.err_no)
        return io_fail(r, GLA_EIO, 0, 0, "read error: %s",
                       strerror(r->src.err_no));
    const frame *open = t->depth ? &t->stack[t->depth - 1] : NULL;
    const char *msg = t->xml_err ? t->xml_msg : "malformed XML";
    if (open)
        return io_fail(r, GLA_EPARSE, t->xml_line, t->xml_col,
                       "%s (inside element <%s> at line %zu)", msg, open->name,
                       open->line);
    return io_fail(r, GLA_EPARSE, t->xml_line, t->xml_col, "%s", msg);
}

int io_read_tbx(io_rd *r)
{
    int rc = prescan(r);
    if (rc)
        return rc;
    xmlInitParser();
    tbx_rd *t = calloc(1, sizeof *t);
    if (!t)
        return io_fail(r, GLA_ENOMEM, 0, 0, "out of memory");
    t->r = r;
    t->term = IO_NONE;
    xmlStructuredErrorFunc old_s = xmlStructuredError;
    void *old_sctx = xmlStructuredErrorContext;
    xmlGenericErrorFunc old_g = xmlGenericError;
    void *old_gctx = xmlGenericErrorContext;
    xmlSetStructuredErrorFunc(t, error_cb);
    xmlSetGenericErrorFunc(t, generic_cb);
    /* No XML_PARSE_NOENT (entities stay references), no DTD loading or
     * validation, no network, default size limits (no XML_PARSE_HUGE). */
    t->xr = xmlReaderForIO(read_cb, NULL, &r->src, NULL, NULL,
                           XML_PARSE_NONET | XML_PARSE_NOCDATA);
    if (!t->xr) {
        xmlSetStructuredErrorFunc(old_sctx, old_s);
        xmlSetGenericErrorFunc(old_gctx, old_g);
        free(t);
        return io_fail(r, GLA_ENOMEM, 0, 0, "cannot start the XML reader");
    }
    xmlTextReaderSetStructuredErrorHandler(t->xr, error_cb, t);
    int root_seen = 0;
    for (;;) {
        int k = xmlTextReaderRead(t->xr);
        if (k == 0)
            break;
        if (k < 0 || t->xml_err) {
            rc = xml_error(t);
            break;
        }
        int type = xmlTextReaderNodeType(t->xr);
        xmlNodePtr node = xmlTextReaderCurrentNode(t->xr);
        size_t line = node && xmlGetLineNo(node) > 0
                          ? (size_t)xmlGetLineNo(node)
                          : (size_t)xmlTextReaderGetParserLineNumber(t->xr);
        if (type == XML_READER_TYPE_ELEMENT) {
            const char *name = (const char *)xmlTextReaderConstLocalName(t->xr);
            const char *prefix = (const char *)xmlTextReaderConstPrefix(t->xr);
            if (!t->depth && root_seen)
                break;
            root_seen = 1;
            int empty = xmlTextReaderIsEmptyElement(t->xr);
            rc = start_element(t, name ? name : "?", prefix, line);
            if (rc == GLA_OK && t->depth &&
                t->stack[t->depth - 1].kind == F_VALUE)
                gla_buf_clear(&t->val);
            if (rc == GLA_OK && empty)
                rc = end_element(t);
        } else if (type == XML_READER_TYPE_END_ELEMENT) {
            rc = end_element(t);
        } else if (type == XML_READER_TYPE_TEXT ||
                   type == XML_READER_TYPE_CDATA ||
                   type == XML_READER_TYPE_SIGNIFICANT_WHITESPACE ||
                   type == XML_READER_TYPE_WHITESPACE) {
            frame_kind fk = t->depth ? t->stack[t->depth - 1].kind : F_IGNORE;
            if (fk == F_VALUE || fk == F_INLINE) {
                const char *v = (const char *)xmlTextReaderConstValue(t->xr);
                if (v && gla_buf_puts(&t->val, v))
                    rc = io_fail(r, GLA_ENOMEM, line, 1, "out of memory");
                else if (t->val.len > MAX_VALUE)
                    rc =
                        io_fail(r, GLA_EPARSE, line, 1,
                                "element text longer than %u bytes", MAX_VALUE);
            } else if (type == XML_READER_TYPE_TEXT ||
                       type == XML_READER_TYPE_CDATA) {
                const char *v = (const char *)xmlTextReaderConstValue(t->xr);
                const char *s = v ? v : "";
                size_t n = strlen(s);
                io_trim(&s, &n);
                if (n && fk != F_IGNORE && t->depth)
                    io_warn(r, line, 1, "text directly inside <%s> ignored",
                            t->stack[t->depth - 1].name);
            }
        } else if (type == XML_READER_TYPE_DOCUMENT_TYPE) {
            /* Past the prescan window: the same rule, checked on the DTD
             * node (no document is kept for it). */
            if (node && node->type == XML_DTD_NODE &&
                (((xmlDtdPtr)node)->entities || ((xmlDtdPtr)node)->pentities ||
                 ((xmlDtdPtr)node)->children))
                rc = io_fail(r, GLA_EPARSE, 0, 0,
                             "<!DOCTYPE> with an internal subset is not "
                             "accepted: its entity declarations could expand "
                             "without bound or read local files");
        } else if (type == XML_READER_TYPE_ENTITY_REFERENCE) {
            const char *name = (const char *)xmlTextReaderConstName(t->xr);
            rc = io_fail(r, GLA_EPARSE, line, 1,
                         "entity reference &%.60s; is not expanded (entities "
                         "are not accepted)",
                         name ? name : "?");
        }
        if (rc)
            break;
    }
    if (rc == GLA_OK && !root_seen)
        rc = io_fail(r, GLA_EPARSE, 1, 1, "no TBX document element");
    else if (rc == GLA_OK && t->depth)
        rc = io_fail(r, GLA_EPARSE, t->stack[t->depth - 1].line, 1,
                     "element <%s> at line %zu is never closed",
                     t->stack[t->depth - 1].name, t->stack[t->depth - 1].line);
    xmlFreeTextReader(t->xr);
    xmlSetStructuredErrorFunc(old_sctx, old_s);
    xmlSetGenericErrorFunc(old_gctx, old_g);
    gla_buf_dispose(&t->val);
    free(t);
    return rc;
}
