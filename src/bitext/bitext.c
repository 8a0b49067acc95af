/*
 * Segment pairs from XLIFF 1.2, XLIFF 2.x and TMX (libxml2's streaming
 * reader, no network, no DTD, no entity expansion) and from a TSV of pairs.
 * One state machine serves the three XML dialects: it follows element
 * depths, captures the text of source/target/seg and steps over inline codes.
 */
#include <glossalign/align.h>

#include <libxml/xmlreader.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int gla_bitext_format_parse(gla_bitext_format *out, const char *name)
{
    if (!out || !name)
        return GLA_EINVAL;
    static const struct {
        const char *n;
        gla_bitext_format f;
    } t[] = {{"auto", GLA_BITEXT_AUTO}, {"xml", GLA_BITEXT_XML},
             {"xliff", GLA_BITEXT_XML}, {"xlf", GLA_BITEXT_XML},
             {"tmx", GLA_BITEXT_XML},   {"tsv", GLA_BITEXT_TSV}};
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
        if (strcmp(name, t[i].n) == 0) {
            *out = t[i].f;
            return GLA_OK;
        }
    return GLA_EINVAL;
}

/* Length of the valid UTF-8 prefix of s. */
static size_t utf8_valid_prefix(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;
    while (i < n) {
        unsigned c = u[i];
        size_t k;
        if (c < 0x80) {
            i++;
            continue;
        } else if (c >= 0xC2 && c <= 0xDF)
            k = 2;
        else if (c >= 0xE0 && c <= 0xEF)
            k = 3;
        else if (c >= 0xF0 && c <= 0xF4)
            k = 4;
        else
            return i;
        if (i + k > n)
            return i;
        for (size_t j = 1; j < k; j++)
            if ((u[i + j] & 0xC0) != 0x80)
                return i;
        if ((c == 0xE0 && u[i + 1] < 0xA0) || (c == 0xED && u[i + 1] > 0x9F) ||
            (c == 0xF0 && u[i + 1] < 0x90) || (c == 0xF4 && u[i + 1] > 0x8F))
            return i;
        i += k;
    }
    return n;
}

/* ---- growable offset lists -------------------------------------------- */

typedef struct offs {
    size_t *v;  /* offsets */
    size_t n;   /* in use */
    size_t cap; /* allocated */
} offs;

static int offs_push(offs *o, size_t v)
{
    if (o->n == o->cap) {
        size_t cap = o->cap ? o->cap * 2 : 8;
        size_t *p = realloc(o->v, cap * sizeof *p);
        if (!p)
            return GLA_ENOMEM;
        o->v = p;
        o->cap = cap;
    }
    o->v[o->n++] = v;
    return GLA_OK;
}

/* ---- the XML reader ---------------------------------------------------- */

enum { DIALECT_NONE, DIALECT_XLIFF1, DIALECT_XLIFF2, DIALECT_TMX };

/* One variant of a TMX unit. */
typedef struct tuv {
    char *lang;  /* xml:lang */
    gla_buf txt; /* seg text */
    offs codes;  /* inline code offsets */
    int has_seg; /* a seg element was seen */
} tuv;

typedef struct xrd {
    xmlTextReaderPtr x;      /* the libxml2 reader */
    const char *name;        /* file name in messages */
    const gla_bitext_opts *o; /* options */
    gla_segpair_fn fn;       /* callback */
    void *ctx;               /* its context */
    gla_buf *err;            /* messages */
    char xmlerr[512];        /* first libxml2 error */
    size_t xmlerr_line;      /* its line */
    int dialect;             /* DIALECT_* */
    char *src_lang;          /* XLIFF file/root source language */
    char *tgt_lang;          /* XLIFF file/root target language */
    char *tmx_srclang;       /* TMX header srclang */
    gla_buf unit_id;         /* current unit id */
    gla_buf seg_id;          /* XLIFF 2 segment id */
    size_t unit_line;        /* line of the unit */
    int unit_depth;          /* depth of the unit element, -1 outside */
    int seg_depth;           /* XLIFF 2 segment / TMX tuv depth, -1 */
    size_t seg_count;        /* XLIFF 2 segments in this unit so far */
    int ignore_depth;        /* inside alt-trans/ignorable/originalData */
    int capture;             /* 0 none, 1 source, 2 target */
    int capture_depth;       /* depth of the captured element */
    int skip_depth;          /* inside an inline code's native data */
    gla_buf src, tgt;        /* captured texts */
    offs src_codes, tgt_codes; /* inline code offsets */
    int has_src, has_tgt;    /* the elements were present */
    tuv *tuvs;               /* TMX variants of the unit */
    size_t n_tuvs, cap_tuvs; /* used, allocated */
    size_t ordinal;          /* units emitted so far */
} xrd;

static void xml_error_cb(void *arg, xmlErrorPtr e)
{
    xrd *r = arg;
    if (r->xmlerr[0] || !e)
        return;
    const char *m = e->message ? e->message : "malformed XML";
    size_t n = strlen(m);
    while (n && (m[n - 1] == '\n' || m[n - 1] == ' '))
        n--;
    snprintf(r->xmlerr, sizeof r->xmlerr, "%.*s", (int)n, m);
    r->xmlerr_line = e->line > 0 ? (size_t)e->line : 0;
}

/* The line of the current node (the parser itself may have read ahead). */
static size_t cur_line(xrd *r)
{
    xmlNodePtr nd = xmlTextReaderCurrentNode(r->x);
    long l = nd ? xmlGetLineNo(nd) : -1;
    while (l <= 0 && nd && nd->parent && nd->parent->type == XML_ELEMENT_NODE) {
        nd = nd->parent; /* entity references carry no line of their own */
        l = xmlGetLineNo(nd);
    }
    if (l <= 0)
        l = xmlTextReaderGetParserLineNumber(r->x);
    return l > 0 ? (size_t)l : 0;
}

static int fail(xrd *r, int rc, size_t line, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

static int fail(xrd *r, int rc, size_t line, const char *fmt, ...)
{
    if (r->err) {
        char msg[600];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof msg, fmt, ap);
        va_end(ap);
        gla_buf_printf(r->err, "%s:%zu: %s", r->name, line, msg);
    }
    return rc;
}

static char *attr(xrd *r, const char *name)
{
    return (char *)xmlTextReaderGetAttribute(r->x, (const xmlChar *)name);
}

static int set_buf_attr(xrd *r, gla_buf *b, const char *name)
{
    gla_buf_clear(b);
    char *v = attr(r, name);
    int rc = gla_buf_puts(b, v ? v : "");
    xmlFree(v);
    return rc;
}

static void replace_str(char **dst, char *v)
{
    if (*dst)
        xmlFree(*dst);
    *dst = v;
}

/* Inline elements whose content is native code, not text. */
static int is_native_code(const char *n)
{
    static const char *const t[] = {"ph", "bpt", "ept", "it", "ut", "sub",
                                    "x", "bx", "ex", "sc", "ec", "sm", "em",
                                    NULL};
    for (size_t i = 0; t[i]; i++)
        if (strcmp(n, t[i]) == 0)
            return 1;
    return 0;
}

/* Paired formatting codes: their content is text, their tags are codes. */
static int is_paired_code(const char *n)
{
    return strcmp(n, "g") == 0 || strcmp(n, "pc") == 0 ||
           strcmp(n, "hi") == 0;
}

static gla_buf *cap_text(xrd *r)
{
    return r->capture == 1 ? &r->src : &r->tgt;
}

static offs *cap_codes(xrd *r)
{
    if (r->dialect == DIALECT_TMX)
        return &r->tuvs[r->n_tuvs - 1].codes;
    return r->capture == 1 ? &r->src_codes : &r->tgt_codes;
}

static gla_buf *cap_buf(xrd *r)
{
    if (r->dialect == DIALECT_TMX)
        return &r->tuvs[r->n_tuvs - 1].txt;
    return cap_text(r);
}

static void reset_unit(xrd *r)
{
    gla_buf_clear(&r->src);
    gla_buf_clear(&r->tgt);
    r->src_codes.n = r->tgt_codes.n = 0;
    r->has_src = r->has_tgt = 0;
}

/* Primary subtags equal: "fr-FR" matches "fr". */
static int lang_match(const char *a, const char *b)
{
    if (!a || !b)
        return 0;
    size_t i = 0;
    for (;; i++) {
        char x = a[i], y = b[i];
        int ex = x == '\0' || x == '-' || x == '_';
        int ey = y == '\0' || y == '-' || y == '_';
        if (ex || ey)
            return ex && ey;
        if ((x | 0x20) != (y | 0x20))
            return 0;
    }
}

static int emit(xrd *r, const char *id, const gla_buf *s, const offs *sc,
                const gla_buf *t, const offs *tc, int has_tgt,
                const char *sl, const char *tl)
{
    gla_segpair p;
    memset(&p, 0, sizeof p);
    char ord[32];
    r->ordinal++;
    if (!id || !*id) {
        snprintf(ord, sizeof ord, "%zu", r->ordinal);
        id = ord;
    }
    p.id = id;
    p.src = s->data ? s->data : "";
    p.src_len = s->len;
    p.tgt = has_tgt && t->data ? t->data : "";
    p.tgt_len = has_tgt ? t->len : 0;
    p.has_tgt = has_tgt;
    p.src_lang = sl ? sl : r->o->src_lang;
    p.tgt_lang = tl ? tl : r->o->tgt_lang;
    p.line = r->unit_line;
    p.src_codes = sc->v;
    p.n_src_codes = sc->n;
    p.tgt_codes = has_tgt ? tc->v : NULL;
    p.n_tgt_codes = has_tgt ? tc->n : 0;
    return r->fn(r->ctx, &p);
}

static int emit_xliff(xrd *r)
{
    if (!r->has_src)
        return GLA_OK; /* a unit without source carries nothing to check */
    const char *id = r->unit_id.data ? r->unit_id.data : "";
    gla_buf full = GLA_BUF_INIT;
    if (r->dialect == DIALECT_XLIFF2 && (r->seg_id.len || r->seg_count > 1)) {
        if (gla_buf_printf(&full, "%s/", id) != GLA_OK)
            return GLA_ENOMEM;
        if (r->seg_id.len)
            gla_buf_put(&full, r->seg_id.data, r->seg_id.len);
        else
            gla_buf_printf(&full, "%zu", r->seg_count);
        if (!full.data) {
            gla_buf_dispose(&full);
            return GLA_ENOMEM;
        }
        id = full.data;
    }
    int rc = emit(r, id, &r->src, &r->src_codes, &r->tgt, &r->tgt_codes,
                  r->has_tgt, r->src_lang, r->tgt_lang);
    gla_buf_dispose(&full);
    return rc;
}

static int emit_tmx(xrd *r)
{
    const char *want_src = r->o->src_lang;
    if (!want_src && r->tmx_srclang && strcmp(r->tmx_srclang, "*all*") != 0)
        want_src = r->tmx_srclang;
    size_t si = SIZE_MAX, ti = SIZE_MAX;
    for (size_t i = 0; i < r->n_tuvs && si == SIZE_MAX; i++)
        if (r->tuvs[i].has_seg &&
            (!want_src || lang_match(r->tuvs[i].lang, want_src)))
            si = i;
    if (si == SIZE_MAX)
        return GLA_OK; /* no variant in the source language: not a pair */
    for (size_t i = 0; i < r->n_tuvs && ti == SIZE_MAX; i++) {
        if (i == si || !r->tuvs[i].has_seg)
            continue;
        if (r->o->tgt_lang ? lang_match(r->tuvs[i].lang, r->o->tgt_lang)
                           : !lang_match(r->tuvs[i].lang, r->tuvs[si].lang))
            ti = i;
    }
    static const gla_buf empty = GLA_BUF_INIT;
    static const offs none = {NULL, 0, 0};
    const tuv *s = &r->tuvs[si];
    const tuv *t = ti != SIZE_MAX ? &r->tuvs[ti] : NULL;
    return emit(r, r->unit_id.data, &s->txt, &s->codes, t ? &t->txt : &empty,
                t ? &t->codes : &none, t != NULL, s->lang,
                t ? t->lang : r->o->tgt_lang);
}

static int start_root(xrd *r, const char *ln)
{
    if (strcmp(ln, "xliff") == 0) {
        char *v = attr(r, "version");
        int two = v && v[0] == '2';
        int one = !v || v[0] == '1';
        xmlFree(v);
        if (two) {
            r->dialect = DIALECT_XLIFF2;
            replace_str(&r->src_lang, attr(r, "srcLang"));
            replace_str(&r->tgt_lang, attr(r, "trgLang"));
        } else if (one) {
            r->dialect = DIALECT_XLIFF1;
        } else {
            return fail(r, GLA_EPARSE, cur_line(r),
                        "unsupported XLIFF version (1.2 and 2.x are read)");
        }
        return GLA_OK;
    }
    if (strcmp(ln, "tmx") == 0) {
        r->dialect = DIALECT_TMX;
        return GLA_OK;
    }
    return fail(r, GLA_EPARSE, cur_line(r),
                "root element <%s> is neither XLIFF nor TMX", ln);
}

static int start_capture(xrd *r, int which, int depth)
{
    r->capture = which;
    r->capture_depth = depth;
    if (r->dialect == DIALECT_TMX)
        return GLA_OK;
    if (which == 1)
        r->has_src = 1;
    else
        r->has_tgt = 1;
    return GLA_OK;
}

static int on_start(xrd *r, const char *ln, int depth)
{
    if (depth == 0)
        return start_root(r, ln);
    if (r->ignore_depth >= 0 || r->skip_depth >= 0)
        return GLA_OK;
    if (r->capture) {
        if (is_native_code(ln) || is_paired_code(ln)) {
            gla_buf *b = cap_buf(r);
            if (offs_push(cap_codes(r), b->len) != GLA_OK)
                return GLA_ENOMEM;
            if (is_native_code(ln))
                r->skip_depth = depth;
        } else if (strcmp(ln, "cp") == 0) {
            /* XLIFF 2 <cp hex="..."/> stands for a character XML cannot
             * carry: kept as a code position, not as text */
            if (offs_push(cap_codes(r), cap_buf(r)->len) != GLA_OK)
                return GLA_ENOMEM;
        }
        return GLA_OK;
    }
    switch (r->dialect) {
    case DIALECT_XLIFF1:
        if (strcmp(ln, "file") == 0) {
            replace_str(&r->src_lang, attr(r, "source-language"));
            replace_str(&r->tgt_lang, attr(r, "target-language"));
        } else if (strcmp(ln, "trans-unit") == 0) {
            if (set_buf_attr(r, &r->unit_id, "id") != GLA_OK)
                return GLA_ENOMEM;
            r->unit_depth = depth;
            r->unit_line = cur_line(r);
            reset_unit(r);
        } else if (strcmp(ln, "alt-trans") == 0) {
            r->ignore_depth = depth;
        } else if (r->unit_depth >= 0 && depth == r->unit_depth + 1) {
            if (strcmp(ln, "source") == 0)
                return start_capture(r, 1, depth);
            if (strcmp(ln, "target") == 0)
                return start_capture(r, 2, depth);
        }
        break;
    case DIALECT_XLIFF2:
        if (strcmp(ln, "unit") == 0) {
            if (set_buf_attr(r, &r->unit_id, "id") != GLA_OK)
                return GLA_ENOMEM;
            r->unit_depth = depth;
            r->unit_line = cur_line(r);
            r->seg_count = 0;
        } else if (strcmp(ln, "ignorable") == 0 ||
                   strcmp(ln, "originalData") == 0 ||
                   strcmp(ln, "notes") == 0) {
            r->ignore_depth = depth;
        } else if (strcmp(ln, "segment") == 0 && r->unit_depth >= 0) {
            if (set_buf_attr(r, &r->seg_id, "id") != GLA_OK)
                return GLA_ENOMEM;
            r->seg_depth = depth;
            r->seg_count++;
            r->unit_line = cur_line(r);
            reset_unit(r);
        } else if (r->seg_depth >= 0 && depth == r->seg_depth + 1) {
            if (strcmp(ln, "source") == 0)
                return start_capture(r, 1, depth);
            if (strcmp(ln, "target") == 0)
                return start_capture(r, 2, depth);
        }
        break;
    case DIALECT_TMX:
        if (strcmp(ln, "header") == 0) {
            replace_str(&r->tmx_srclang, attr(r, "srclang"));
        } else if (strcmp(ln, "tu") == 0) {
            if (set_buf_attr(r, &r->unit_id, "tuid") != GLA_OK)
                return GLA_ENOMEM;
            r->unit_depth = depth;
            r->unit_line = cur_line(r);
            for (size_t i = 0; i < r->n_tuvs; i++) {
                xmlFree(r->tuvs[i].lang);
                gla_buf_dispose(&r->tuvs[i].txt);
                free(r->tuvs[i].codes.v);
            }
            r->n_tuvs = 0;
        } else if (strcmp(ln, "tuv") == 0 && r->unit_depth >= 0) {
            if (r->n_tuvs == r->cap_tuvs) {
                size_t cap = r->cap_tuvs ? r->cap_tuvs * 2 : 4;
                tuv *p = realloc(r->tuvs, cap * sizeof *p);
                if (!p)
                    return GLA_ENOMEM;
                r->tuvs = p;
                r->cap_tuvs = cap;
            }
            tuv *t = &r->tuvs[r->n_tuvs++];
            memset(t, 0, sizeof *t);
            t->lang = (char *)xmlTextReaderGetAttributeNs(
                r->x, (const xmlChar *)"lang", XML_XML_NAMESPACE);
            if (!t->lang)
                t->lang = attr(r, "lang"); /* TMX 1.1 */
            r->seg_depth = depth;
        } else if (strcmp(ln, "seg") == 0 && r->seg_depth >= 0 &&
                   depth == r->seg_depth + 1 && r->n_tuvs) {
            r->tuvs[r->n_tuvs - 1].has_seg = 1;
            return start_capture(r, 1, depth);
        }
        break;
    default:
        break;
    }
    return GLA_OK;
}

static int on_end(xrd *r, const char *ln, int depth)
{
    if (r->skip_depth >= 0) {
        if (depth == r->skip_depth)
            r->skip_depth = -1;
        return GLA_OK;
    }
    if (r->ignore_depth >= 0) {
        if (depth == r->ignore_depth)
            r->ignore_depth = -1;
        return GLA_OK;
    }
    if (r->capture) {
        if (depth == r->capture_depth) {
            r->capture = 0;
            return GLA_OK;
        }
        if (is_paired_code(ln) &&
            offs_push(cap_codes(r), cap_buf(r)->len) != GLA_OK)
            return GLA_ENOMEM;
        return GLA_OK;
    }
    switch (r->dialect) {
    case DIALECT_XLIFF1:
        if (depth == r->unit_depth && strcmp(ln, "trans-unit") == 0) {
            r->unit_depth = -1;
            return emit_xliff(r);
        }
        break;
    case DIALECT_XLIFF2:
        if (depth == r->seg_depth && strcmp(ln, "segment") == 0) {
            r->seg_depth = -1;
            return emit_xliff(r);
        }
        if (depth == r->unit_depth && strcmp(ln, "unit") == 0)
            r->unit_depth = -1;
        break;
    case DIALECT_TMX:
        if (depth == r->seg_depth && strcmp(ln, "tuv") == 0)
            r->seg_depth = -1;
        if (depth == r->unit_depth && strcmp(ln, "tu") == 0) {
            r->unit_depth = -1;
            return emit_tmx(r);
        }
        break;
    default:
        break;
    }
    return GLA_OK;
}

static int on_text(xrd *r)
{
    if (!r->capture || r->skip_depth >= 0 || r->ignore_depth >= 0)
        return GLA_OK;
    const char *v = (const char *)xmlTextReaderConstValue(r->x);
    if (!v)
        return GLA_OK;
    return gla_buf_puts(cap_buf(r), v);
}

static int run_xml(xrd *r)
{
    int rc = GLA_OK, ret;
    while (rc == GLA_OK && (ret = xmlTextReaderRead(r->x)) == 1) {
        int type = xmlTextReaderNodeType(r->x);
        int depth = xmlTextReaderDepth(r->x);
        const char *ln = (const char *)xmlTextReaderConstLocalName(r->x);
        if (!ln)
            ln = "";
        switch (type) {
        case XML_READER_TYPE_ELEMENT: {
            int empty = xmlTextReaderIsEmptyElement(r->x);
            rc = on_start(r, ln, depth);
            if (rc == GLA_OK && empty == 1)
                rc = on_end(r, ln, depth);
            break;
        }
        case XML_READER_TYPE_END_ELEMENT:
            rc = on_end(r, ln, depth);
            break;
        case XML_READER_TYPE_TEXT:
        case XML_READER_TYPE_CDATA:
        case XML_READER_TYPE_WHITESPACE:
        case XML_READER_TYPE_SIGNIFICANT_WHITESPACE:
            rc = on_text(r);
            break;
        case XML_READER_TYPE_ENTITY_REFERENCE:
            rc = fail(r, GLA_EPARSE, cur_line(r),
                      "entity reference &%s; is not expanded (entities are "
                      "refused for safety; write the characters instead)",
                      ln);
            break;
        default:
            break;
        }
        if (rc == GLA_ENOMEM)
            return rc;
    }
    if (rc != GLA_OK)
        return rc;
    if (ret < 0 || r->xmlerr[0])
        return fail(r, GLA_EPARSE, r->xmlerr_line ? r->xmlerr_line
                                                  : cur_line(r),
                    "%s", r->xmlerr[0] ? r->xmlerr : "malformed XML");
    if (r->dialect == DIALECT_NONE)
        return fail(r, GLA_EPARSE, 1, "no root element");
    return GLA_OK;
}

static void xrd_free(xrd *r)
{
    if (r->x)
        xmlFreeTextReader(r->x);
    replace_str(&r->src_lang, NULL);
    replace_str(&r->tgt_lang, NULL);
    replace_str(&r->tmx_srclang, NULL);
    gla_buf_dispose(&r->unit_id);
    gla_buf_dispose(&r->seg_id);
    gla_buf_dispose(&r->src);
    gla_buf_dispose(&r->tgt);
    free(r->src_codes.v);
    free(r->tgt_codes.v);
    for (size_t i = 0; i < r->n_tuvs; i++) {
        xmlFree(r->tuvs[i].lang);
        gla_buf_dispose(&r->tuvs[i].txt);
        free(r->tuvs[i].codes.v);
    }
    free(r->tuvs);
}

/* No network, no DTD loading, no entity substitution. */
#define XML_OPTS (XML_PARSE_NONET | XML_PARSE_NOWARNING | XML_PARSE_NOERROR)

static int read_xml(const char *path, const char *data, size_t len,
                    const gla_bitext_opts *o, const char *name,
                    gla_segpair_fn fn, void *ctx, gla_buf *err)
{
    xrd r;
    memset(&r, 0, sizeof r);
    r.name = name;
    r.o = o;
    r.fn = fn;
    r.ctx = ctx;
    r.err = err;
    r.unit_depth = r.seg_depth = r.ignore_depth = r.skip_depth = -1;
    if (path)
        r.x = xmlReaderForFile(path, NULL, XML_OPTS);
    else if (len > (size_t)0x7fffffff)
        return fail(&r, GLA_EINVAL, 0, "input too large for XML");
    else
        r.x = xmlReaderForMemory(data, (int)len, NULL, NULL, XML_OPTS);
    if (!r.x)
        return fail(&r, GLA_EIO, 0, "cannot read XML");
    xmlTextReaderSetStructuredErrorHandler(r.x, xml_error_cb, &r);
    int rc = run_xml(&r);
    xrd_free(&r);
    return rc;
}

/* ---- TSV --------------------------------------------------------------- */

/* Undo the TSV escapes \t \n \r \\ in place; other backslashes stay. */
static size_t tsv_unescape(char *s, size_t n)
{
    size_t w = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\\' && i + 1 < n) {
            char c = s[i + 1];
            char rep = c == 't' ? '\t' : c == 'n' ? '\n' : c == 'r' ? '\r'
                                                     : c == '\\' ? '\\' : 0;
            if (rep) {
                s[w++] = rep;
                i++;
                continue;
            }
        }
        s[w++] = s[i];
    }
    return w;
}

static int read_tsv(const char *data, size_t len, const gla_bitext_opts *o,
                    const char *name, gla_segpair_fn fn, void *ctx,
                    gla_buf *err)
{
    size_t valid = utf8_valid_prefix(data, len);
    if (valid < len) {
        size_t line = 1, col = 1;
        for (size_t i = 0; i < valid; i++) {
            if (data[i] == '\n') {
                line++;
                col = 1;
            } else {
                col++;
            }
        }
        if (err)
            gla_buf_printf(err, "%s:%zu:%zu: invalid UTF-8 (byte offset %zu)",
                           name, line, col, valid);
        return GLA_EUTF8;
    }
    size_t pos = 0;
    if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
        pos = 3;
    gla_buf line = GLA_BUF_INIT, id = GLA_BUF_INIT;
    gla_buf s = GLA_BUF_INIT, t = GLA_BUF_INIT;
    static const offs none = {NULL, 0, 0};
    int rc = GLA_OK, first = 1;
    size_t lineno = 0, ordinal = 0;
    while (pos < len && rc == GLA_OK) {
        lineno++;
        const char *nl = memchr(data + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - data) : len;
        size_t n = end - pos;
        const char *l = data + pos;
        pos = nl ? end + 1 : len;
        if (n && l[n - 1] == '\r')
            n--;
        if (n == 0 || l[0] == '#')
            continue;
        const char *f[4];
        size_t fl[4], nf = 0;
        size_t a = 0;
        for (size_t i = 0; i <= n && nf < 4; i++)
            if (i == n || l[i] == '\t') {
                f[nf] = l + a;
                fl[nf++] = i - a;
                a = i + 1;
            }
        if (first) {
            first = 0;
            size_t k = nf == 3 ? 1 : 0;
            if ((nf == 2 || nf == 3) && fl[k] == 6 &&
                memcmp(f[k], "source", 6) == 0 && fl[k + 1] == 6 &&
                memcmp(f[k + 1], "target", 6) == 0)
                continue; /* a header row */
        }
        if (nf < 2 || nf > 3) {
            if (err)
                gla_buf_printf(err,
                               "%s:%zu: expected 2 or 3 tab-separated fields "
                               "([id] source target), found %zu",
                               name, lineno, nf > 3 ? (size_t)4 : nf);
            rc = GLA_EPARSE;
            break;
        }
        size_t k = nf == 3 ? 1 : 0;
        gla_buf_clear(&id);
        gla_buf_clear(&s);
        gla_buf_clear(&t);
        ordinal++;
        if (nf == 3)
            rc = gla_buf_put(&id, f[0], fl[0]);
        else
            rc = gla_buf_printf(&id, "%zu", ordinal);
        if (rc == GLA_OK)
            rc = gla_buf_put(&s, f[k], fl[k]);
        if (rc == GLA_OK)
            rc = gla_buf_put(&t, f[k + 1], fl[k + 1]);
        if (rc != GLA_OK)
            break;
        id.len = tsv_unescape(id.data, id.len);
        s.len = tsv_unescape(s.data, s.len);
        t.len = tsv_unescape(t.data, t.len);
        id.data[id.len] = s.data[s.len] = t.data[t.len] = '\0';
        gla_segpair p;
        memset(&p, 0, sizeof p);
        p.id = id.data;
        p.src = s.data;
        p.src_len = s.len;
        p.tgt = t.data;
        p.tgt_len = t.len;
        p.has_tgt = 1;
        p.src_lang = o->src_lang;
        p.tgt_lang = o->tgt_lang;
        p.line = lineno;
        p.src_codes = p.tgt_codes = none.v;
        rc = fn(ctx, &p);
    }
    gla_buf_dispose(&line);
    gla_buf_dispose(&id);
    gla_buf_dispose(&s);
    gla_buf_dispose(&t);
    return rc;
}

/* ---- entry points ------------------------------------------------------ */

static int ends_with(const char *s, const char *suf)
{
    size_t n = strlen(s), m = strlen(suf);
    if (n < m)
        return 0;
    for (size_t i = 0; i < m; i++)
        if ((s[n - m + i] | 0x20) != suf[i])
            return 0;
    return 1;
}

static gla_bitext_format detect(const char *name, const char *head,
                                size_t len)
{
    if (name) {
        if (ends_with(name, ".xlf") || ends_with(name, ".xliff") ||
            ends_with(name, ".tmx") || ends_with(name, ".xml"))
            return GLA_BITEXT_XML;
        if (ends_with(name, ".tsv") || ends_with(name, ".tab"))
            return GLA_BITEXT_TSV;
    }
    size_t i = 0;
    if (len >= 3 && memcmp(head, "\xEF\xBB\xBF", 3) == 0)
        i = 3;
    while (i < len && (head[i] == ' ' || head[i] == '\t' || head[i] == '\r' ||
                       head[i] == '\n'))
        i++;
    if (i < len && head[i] == '<')
        return GLA_BITEXT_XML;
    if (len >= 2 && ((unsigned char)head[0] == 0xFF ||
                     (unsigned char)head[0] == 0xFE))
        return GLA_BITEXT_XML; /* UTF-16 with BOM: only XML declares it */
    return GLA_BITEXT_TSV;
}

int gla_bitext_read_mem(const char *data, size_t len,
                        const gla_bitext_opts *o, gla_segpair_fn fn,
                        void *ctx, gla_buf *err)
{
    static const gla_bitext_opts def = GLA_BITEXT_OPTS_INIT;
    if (!o)
        o = &def;
    if ((!data && len) || !fn || o->version != GLA_BITEXT_OPTS_VERSION)
        return GLA_EINVAL;
    if (!data)
        data = "";
    const char *name = o->name ? o->name : "<memory>";
    gla_bitext_format f = o->format;
    if (f == GLA_BITEXT_AUTO)
        f = detect(o->name, data, len < 512 ? len : 512);
    if (f == GLA_BITEXT_XML)
        return read_xml(NULL, data, len, o, name, fn, ctx, err);
    return read_tsv(data, len, o, name, fn, ctx, err);
}

int gla_bitext_read_file(const char *path, const gla_bitext_opts *o,
                         gla_segpair_fn fn, void *ctx, gla_buf *err)
{
    static const gla_bitext_opts def = GLA_BITEXT_OPTS_INIT;
    if (!o)
        o = &def;
    if (!path || !fn || o->version != GLA_BITEXT_OPTS_VERSION)
        return GLA_EINVAL;
    int is_stdin = strcmp(path, "-") == 0;
    const char *name = o->name ? o->name : is_stdin ? "<stdin>" : path;
    FILE *fp = is_stdin ? stdin : fopen(path, "rb");
    if (!fp) {
        int e = errno;
        if (err)
            gla_buf_printf(err, "%s: %s", name, strerror(e));
        return e == ENOENT ? GLA_ENOTFOUND : GLA_EIO;
    }
    gla_bitext_opts oo = *o;
    oo.name = name;
    if (!is_stdin) {
        /* a named XML file streams through libxml2 itself: memory stays
         * bounded by the largest unit, not the file */
        char head[512];
        size_t hn = fread(head, 1, sizeof head, fp);
        int bad = ferror(fp);
        fclose(fp);
        if (bad) {
            if (err)
                gla_buf_printf(err, "%s: read error", name);
            return GLA_EIO;
        }
        if (oo.format == GLA_BITEXT_AUTO)
            oo.format = detect(path, head, hn);
        if (oo.format == GLA_BITEXT_XML)
            return read_xml(path, NULL, 0, &oo, name, fn, ctx, err);
        fp = fopen(path, "rb");
        if (!fp) {
            int e = errno;
            if (err)
                gla_buf_printf(err, "%s: %s", name, strerror(e));
            return e == ENOENT ? GLA_ENOTFOUND : GLA_EIO;
        }
    }
    gla_buf all = GLA_BUF_INIT;
    int rc = GLA_OK;
    char chunk[65536];
    size_t got;
    while ((got = fread(chunk, 1, sizeof chunk, fp)) > 0)
        if (gla_buf_put(&all, chunk, got) != GLA_OK) {
            rc = GLA_ENOMEM;
            break;
        }
    if (rc == GLA_OK && ferror(fp)) {
        if (err)
            gla_buf_printf(err, "%s: read error", name);
        rc = GLA_EIO;
    }
    if (!is_stdin)
        fclose(fp);
    if (rc == GLA_OK) {
        if (oo.format == GLA_BITEXT_AUTO)
            oo.format = detect(is_stdin ? NULL : path,
                               all.data ? all.data : "",
                               all.len < 512 ? all.len : 512);
        rc = gla_bitext_read_mem(all.data ? all.data : "", all.len, &oo, fn,
                                 ctx, err);
    }
    gla_buf_dispose(&all);
    return rc;
}
