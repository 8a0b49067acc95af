/*
 * The io front door: format names and detection, the byte source and line
 * layer every text reader stands on (BOM, UTF-16 via iconv, reused
 * buffers), the arena-backed entry handed to callbacks, and text checks.
 */
#include "io_int.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

/* ---- format names ---- */

static const char *const format_names[] = {"auto", "tsv", "omegat",
                                           "csv",  "tbx", "jsonl"};

int io_eq_ci(const char *s, size_t len, const char *name)
{
    size_t n = strlen(name);
    if (n != len)
        return 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char a = (unsigned char)s[i], b = (unsigned char)name[i];
        if (a >= 'A' && a <= 'Z')
            a = (unsigned char)(a + 32);
        if (b >= 'A' && b <= 'Z')
            b = (unsigned char)(b + 32);
        if (a != b)
            return 0;
    }
    return 1;
}

int gla_format_parse(gla_format *out, const char *name)
{
    if (!out || !name)
        return GLA_EINVAL;
    size_t len = strlen(name);
    for (size_t i = 0; i < sizeof format_names / sizeof *format_names; i++) {
        if (io_eq_ci(name, len, format_names[i])) {
            *out = (gla_format)i;
            return GLA_OK;
        }
    }
    if (io_eq_ci(name, len, "json") || io_eq_ci(name, len, "ndjson")) {
        *out = GLA_FMT_JSONL;
        return GLA_OK;
    }
    return GLA_EINVAL;
}

const char *gla_format_name(gla_format f)
{
    if ((unsigned)f < sizeof format_names / sizeof *format_names)
        return format_names[f];
    return "?";
}

/* ---- detection ---- */

static const char *extension(const char *name)
{
    if (!name)
        return "";
    const char *slash = strrchr(name, '/');
    const char *base = slash ? slash + 1 : name;
    const char *dot = strrchr(base, '.');
    return dot && dot != base ? dot + 1 : "";
}

static int ext_is(const char *ext, const char *want)
{
    return io_eq_ci(ext, strlen(ext), want);
}

/* Does this line look like a lossless TSV header? */
static int lossless_header(const char *s, size_t len)
{
    int have = 0;
    size_t i = 0;
    while (i <= len) {
        const char *tab = memchr(s + i, '\t', len - i);
        size_t end = tab ? (size_t)(tab - s) : len;
        size_t n = end - i;
        if (n && s[i + n - 1] == '\r')
            n--;
        if (n == 5 && memcmp(s + i, "entry", 5) == 0)
            have |= 1;
        else if (n == 4 && memcmp(s + i, "lang", 4) == 0)
            have |= 2;
        else if (n == 4 && memcmp(s + i, "term", 4) == 0)
            have |= 4;
        i = end + 1;
    }
    return have == 7;
}

gla_format gla_io_detect(const char *name, const char *head, size_t len)
{
    const char *ext = extension(name);
    if (ext_is(ext, "csv"))
        return GLA_FMT_CSV;
    if (ext_is(ext, "tbx"))
        return GLA_FMT_TBX;
    if (ext_is(ext, "jsonl") || ext_is(ext, "ndjson") || ext_is(ext, "json"))
        return GLA_FMT_JSONL;
    int text_ext = ext_is(ext, "tsv") || ext_is(ext, "tab") ||
                   ext_is(ext, "txt") || ext_is(ext, "utf8");

    /* An ASCII view of the head, whatever the Unicode encoding. */
    char view[4096];
    size_t n = 0;
    const unsigned char *h = (const unsigned char *)head;
    if (!head)
        len = 0;
    if (len >= 2 &&
        ((h[0] == 0xFF && h[1] == 0xFE) || (h[0] == 0xFE && h[1] == 0xFF))) {
        int le = h[0] == 0xFF;
        for (size_t i = 2; i + 1 < len && n < sizeof view; i += 2) {
            unsigned char lo = le ? h[i] : h[i + 1];
            unsigned char hi = le ? h[i + 1] : h[i];
            view[n++] = hi == 0 && lo < 0x80 ? (char)lo : '?';
        }
    } else {
        size_t skip = len >= 3 && h[0] == 0xEF && h[1] == 0xBB && h[2] == 0xBF;
        skip *= 3;
        n = len - skip < sizeof view ? len - skip : sizeof view;
        if (n)
            memcpy(view, head + skip, n);
    }

    size_t i = 0;
    while (i < n && (view[i] == ' ' || view[i] == '\t' || view[i] == '\r' ||
                     view[i] == '\n'))
        i++;
    if (i < n && view[i] == '<')
        return GLA_FMT_TBX;
    if (i < n && view[i] == '{')
        return GLA_FMT_JSONL;

    /* The first line that is neither blank nor a comment. */
    i = 0;
    while (i < n) {
        const char *nl = memchr(view + i, '\n', n - i);
        size_t end = nl ? (size_t)(nl - view) : n;
        const char *s = view + i;
        size_t l = end - i;
        size_t k = 0;
        while (k < l && (s[k] == ' ' || s[k] == '\t' || s[k] == '\r'))
            k++;
        if (k < l && s[0] != '#') {
            if (lossless_header(s, l))
                return GLA_FMT_TSV;
            if (text_ext)
                return GLA_FMT_OMEGAT;
            if (ext_is(ext, "xml"))
                return GLA_FMT_TBX;
            if (memchr(s, '\t', l))
                return GLA_FMT_OMEGAT;
            if (memchr(s, ',', l))
                return GLA_FMT_CSV;
            return GLA_FMT_OMEGAT;
        }
        i = end + 1;
    }
    if (text_ext)
        return ext_is(ext, "tsv") && n ? GLA_FMT_TSV : GLA_FMT_OMEGAT;
    if (ext_is(ext, "xml"))
        return GLA_FMT_TBX;
    return n ? GLA_FMT_OMEGAT : GLA_FMT_AUTO;
}

/* ---- messages ---- */

int io_fail(io_rd *r, int rc, size_t line, size_t col, const char *fmt, ...)
{
    if (!r->err)
        return rc;
    if (line)
        gla_buf_printf(r->err, "%s:%zu:%zu: ", r->name, line, col ? col : 1);
    else
        gla_buf_printf(r->err, "%s: ", r->name);
    va_list ap;
    va_start(ap, fmt);
    char tmp[512];
    vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    gla_buf_puts(r->err, tmp);
    return rc;
}

void io_warn(io_rd *r, size_t line, size_t col, const char *fmt, ...)
{
    r->st.warnings++;
    if (!r->warn)
        return;
    char tmp[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    gla_srcpos where = {r->name, line, col ? col : 1};
    r->warn(r->warn_ctx, &where, tmp);
}

/* ---- the byte source ---- */

/* Read more bytes into the window; 1 when some came, 0 at EOF, GLA_EIO or
 * GLA_ENOMEM. Unconsumed bytes move to the front of the buffer. */
static int src_more(io_src *s)
{
    if (s->eof || !s->fp) {
        s->eof = 1;
        return 0;
    }
    if (s->start) {
        memmove(s->buf, s->buf + s->start, s->end - s->start);
        s->base += s->start;
        s->end -= s->start;
        s->start = 0;
    }
    if (s->cap - s->end < IO_CHUNK) {
        size_t cap = s->cap ? s->cap * 2 : 2 * IO_CHUNK;
        while (cap - s->end < IO_CHUNK)
            cap *= 2;
        char *p = realloc(s->buf, cap);
        if (!p)
            return GLA_ENOMEM;
        s->buf = p;
        s->cap = cap;
        s->win = p;
    }
    size_t got = fread(s->buf + s->end, 1, s->cap - s->end, s->fp);
    if (got == 0) {
        if (ferror(s->fp)) {
            s->err_no = errno ? errno : EIO;
            return GLA_EIO;
        }
        s->eof = 1;
        return 0;
    }
    s->end += got;
    return 1;
}

int io_src_peek(io_src *s, size_t want)
{
    while (s->end - s->start < want && !s->eof) {
        int rc = src_more(s);
        if (rc < 0)
            return rc;
    }
    return GLA_OK;
}

size_t io_src_read(io_src *s, char *dst, size_t n)
{
    if (s->end == s->start && src_more(s) <= 0)
        return 0;
    size_t k = s->end - s->start < n ? s->end - s->start : n;
    memcpy(dst, s->win + s->start, k);
    s->start += k;
    return k;
}

static int src_error(io_rd *r, int rc)
{
    if (rc == GLA_ENOMEM)
        return io_fail(r, rc, 0, 0, "out of memory");
    return io_fail(r, GLA_EIO, 0, 0, "read error: %s",
                   strerror(r->src.err_no ? r->src.err_no : EIO));
}

/* ---- lines ---- */

int io_lines_begin(io_rd *r)
{
    io_src *s = &r->src;
    int rc = io_src_peek(s, 4);
    if (rc)
        return src_error(r, rc);
    const unsigned char *p = (const unsigned char *)s->win + s->start;
    size_t n = s->end - s->start;
    const char *from = NULL;
    if (n >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF) {
        s->start += 3;
        r->bom = 1;
    } else if (n >= 2 && p[0] == 0xFF && p[1] == 0xFE) {
        from = "UTF-16LE";
    } else if (n >= 2 && p[0] == 0xFE && p[1] == 0xFF) {
        from = "UTF-16BE";
    }
    if (from) {
        s->start += 2;
        r->bom = 1;
        r->cd = iconv_open("UTF-8", from);
        if (r->cd == (iconv_t)-1)
            return io_fail(r, GLA_EENCODING, 0, 0, "cannot convert from %s: %s",
                           from, strerror(errno));
        snprintf(r->charset, sizeof r->charset, "%s", from);
    }
    return GLA_OK;
}

int io_lines_set_charset(io_rd *r, const char *charset, size_t line)
{
    size_t n = strlen(charset);
    if (io_eq_ci(charset, n, "utf-8") || io_eq_ci(charset, n, "utf8"))
        return GLA_OK;
    if (r->cd != (iconv_t)-1)
        return GLA_OK; /* a BOM already said what the bytes are */
    r->cd = iconv_open("UTF-8", charset);
    if (r->cd == (iconv_t)-1)
        return io_fail(r, GLA_EENCODING, line, 1,
                       "unknown encoding '%s' in the coding comment", charset);
    snprintf(r->charset, sizeof r->charset, "%s", charset);
    gla_buf_clear(&r->dec);
    r->dstart = 0;
    return GLA_OK;
}

/* Convert more input into r->dec. 1 when bytes came, 0 at the end, or an
 * error already reported. */
static int dec_fill(io_rd *r)
{
    io_src *s = &r->src;
    if (r->dstart) {
        memmove(r->dec.data, r->dec.data + r->dstart, r->dec.len - r->dstart);
        r->dec.len -= r->dstart;
        r->dstart = 0;
    }
    int need_more = 0;
    for (;;) {
        size_t avail = s->end - s->start;
        if (avail == 0 || need_more) {
            if (s->eof) {
                if (avail)
                    return io_fail(r, GLA_EENCODING, r->lineno + 1, 1,
                                   "truncated %s character at byte offset "
                                   "%llu",
                                   r->charset,
                                   (unsigned long long)(s->base + s->start));
                r->dec_eof = 1;
                return 0;
            }
            int rc = src_more(s);
            if (rc < 0)
                return src_error(r, rc);
            need_more = 0;
            continue;
        }
        if (avail > IO_CHUNK)
            avail = IO_CHUNK;
        int rc = gla_buf_grow(&r->dec, avail * 4 + 8);
        if (rc)
            return io_fail(r, rc, 0, 0, "out of memory");
        char *in = (char *)s->win + s->start;
        size_t inleft = avail;
        char *out = r->dec.data + r->dec.len;
        size_t outleft = r->dec.cap - r->dec.len - 1;
        size_t k = iconv(r->cd, &in, &inleft, &out, &outleft);
        int e = errno;
        size_t produced = (size_t)(out - (r->dec.data + r->dec.len));
        s->start += avail - inleft;
        r->dec.len += produced;
        r->dec.data[r->dec.len] = '\0';
        if (k == (size_t)-1) {
            if (e == EILSEQ)
                return io_fail(r, GLA_EENCODING, r->lineno + 1, 1,
                               "invalid %s at byte offset %llu", r->charset,
                               (unsigned long long)(s->base + s->start));
            if (e == EINVAL && !produced)
                need_more = 1;
        }
        if (produced)
            return 1;
    }
}

int io_lines_get(io_rd *r, const char **line, size_t *len)
{
    int conv = r->cd != (iconv_t)-1;
    io_src *s = &r->src;
    size_t scanned = 0;
    for (;;) {
        const char *p;
        size_t n;
        if (conv) {
            p = r->dec.data ? r->dec.data + r->dstart : "";
            n = r->dec.len - r->dstart;
        } else {
            p = s->win + s->start;
            n = s->end - s->start;
        }
        const char *nl =
            n > scanned ? memchr(p + scanned, '\n', n - scanned) : NULL;
        size_t l;
        if (nl) {
            l = (size_t)(nl - p);
            if (conv)
                r->dstart += l + 1;
            else
                s->start += l + 1;
        } else if (conv ? r->dec_eof : s->eof) {
            if (n == 0)
                return GLA_ITEROVER;
            l = n;
            if (conv)
                r->dstart += n;
            else
                s->start += n;
        } else {
            scanned = n;
            if (n > IO_MAX_LINE)
                return io_fail(r, GLA_EPARSE, r->lineno + 1, 1,
                               "line longer than %u bytes", IO_MAX_LINE);
            int rc = conv ? dec_fill(r) : src_more(s);
            if (rc < 0)
                return conv ? rc : src_error(r, rc);
            continue;
        }
        if (l && p[l - 1] == '\r')
            l--;
        r->lineno++;
        r->st.lines++;
        *line = p;
        *len = l;
        return GLA_OK;
    }
}

/* ---- entries ---- */

void io_entry_reset(io_entry *b)
{
    gla_buf_clear(&b->arena);
    b->ref = b->subject = b->definition = b->note = IO_NONE;
    b->kind = GLA_KIND_TERM;
    b->homonym = 0;
    b->n_terms = 0;
}

void io_entry_dispose(io_entry *b)
{
    gla_buf_dispose(&b->arena);
    free(b->terms);
    free(b->view);
    memset(b, 0, sizeof *b);
}

int io_entry_add_term(io_entry *b, io_term **out)
{
    if (b->n_terms == b->cap_terms) {
        size_t cap = b->cap_terms ? b->cap_terms * 2 : 8;
        io_term *p = realloc(b->terms, cap * sizeof *p);
        if (!p)
            return GLA_ENOMEM;
        b->terms = p;
        b->cap_terms = cap;
    }
    io_term *t = &b->terms[b->n_terms++];
    t->lang = t->text = t->pos = t->note = t->source = IO_NONE;
    t->status = GLA_STATUS_ADMITTED;
    t->type = GLA_TYPE_FULL_FORM;
    t->case_mode = GLA_CASE_DEFAULT;
    t->line = 0;
    *out = t;
    return GLA_OK;
}

const char *io_str(const io_entry *b, size_t off)
{
    return off == IO_NONE ? NULL : b->arena.data + off;
}

int io_str_new(io_entry *b, size_t *slot, const char *s, size_t len)
{
    size_t off = b->arena.len;
    int rc = gla_buf_grow(&b->arena, len + 1);
    if (rc)
        return rc;
    if (len)
        memcpy(b->arena.data + off, s, len);
    b->arena.data[off + len] = '\0';
    b->arena.len = off + len + 1;
    *slot = off;
    return GLA_OK;
}

int io_str_join(io_entry *b, size_t *slot, const char *sep, const char *s,
                size_t len)
{
    if (*slot == IO_NONE)
        return io_str_new(b, slot, s, len);
    size_t old = *slot, oldlen = strlen(b->arena.data + old);
    size_t seplen = strlen(sep);
    size_t off = b->arena.len;
    int rc = gla_buf_grow(&b->arena, oldlen + seplen + len + 1);
    if (rc)
        return rc;
    char *d = b->arena.data + off;
    memcpy(d, b->arena.data + old, oldlen);
    memcpy(d + oldlen, sep, seplen);
    if (len)
        memcpy(d + oldlen + seplen, s, len);
    d[oldlen + seplen + len] = '\0';
    b->arena.len = off + oldlen + seplen + len + 1;
    *slot = off;
    return GLA_OK;
}

int io_str_nfc(io_entry *b, size_t off)
{
    utf8proc_uint8_t *dst = NULL;
    size_t len = b->arena.len - off - 1;
    utf8proc_ssize_t n = utf8proc_map(
        (const utf8proc_uint8_t *)b->arena.data + off, (utf8proc_ssize_t)len,
        &dst, UTF8PROC_STABLE | UTF8PROC_COMPOSE);
    if (n < 0)
        return n == UTF8PROC_ERROR_NOMEM ? GLA_ENOMEM : GLA_EUTF8;
    b->arena.len = off;
    int rc = gla_buf_grow(&b->arena, (size_t)n + 1);
    if (rc == GLA_OK) {
        memcpy(b->arena.data + off, dst, (size_t)n);
        b->arena.data[off + (size_t)n] = '\0';
        b->arena.len = off + (size_t)n + 1;
    }
    free(dst);
    return rc;
}

int io_entry_emit(io_rd *r, size_t line, size_t col)
{
    io_entry *b = &r->ent;
    if (b->n_terms > b->cap_view) {
        gla_term *p = realloc(b->view, b->n_terms * sizeof *p);
        if (!p)
            return io_fail(r, GLA_ENOMEM, 0, 0, "out of memory");
        b->view = p;
        b->cap_view = b->n_terms;
    }
    for (size_t i = 0; i < b->n_terms; i++) {
        const io_term *t = &b->terms[i];
        gla_term *v = &b->view[i];
        v->id = 0;
        v->lang = (char *)io_str(b, t->lang);
        v->text = (char *)io_str(b, t->text);
        v->status = t->status;
        v->type = t->type;
        v->pos = (char *)io_str(b, t->pos);
        v->case_mode = t->case_mode;
        v->note = (char *)io_str(b, t->note);
        v->source = (char *)io_str(b, t->source);
    }
    gla_entry e;
    memset(&e, 0, sizeof e);
    e.ref = (char *)io_str(b, b->ref);
    e.kind = b->kind;
    e.subject = (char *)io_str(b, b->subject);
    e.definition = (char *)io_str(b, b->definition);
    e.note = (char *)io_str(b, b->note);
    e.homonym = b->homonym;
    e.terms = b->n_terms ? b->view : NULL;
    e.n_terms = e.cap_terms = b->n_terms;
    gla_srcpos where = {r->name, line, col ? col : 1};
    r->st.entries++;
    r->st.terms += b->n_terms;
    int rc = r->fn ? r->fn(r->ctx, &e, &where) : GLA_OK;
    io_entry_reset(b);
    return rc;
}

/* ---- text checks ---- */

int io_text_check(const char *s, size_t len, int allow_tab_lf, size_t *bad,
                  int *needs_nfc)
{
    const unsigned char *p = (const unsigned char *)s;
    int nfc = 0;
    size_t i = 0;
    while (i < len) {
        unsigned c = p[i];
        if (c < 0x80) {
            if (c < 0x20 && !(allow_tab_lf && (c == '\t' || c == '\n'))) {
                *bad = i;
                return GLA_EPARSE;
            }
            i++;
            continue;
        }
        size_t n;
        uint32_t cp, min;
        if (c >= 0xC2 && c <= 0xDF) {
            n = 2;
            cp = c & 0x1F;
            min = 0x80;
        } else if (c >= 0xE0 && c <= 0xEF) {
            n = 3;
            cp = c & 0x0F;
            min = 0x800;
        } else if (c >= 0xF0 && c <= 0xF4) {
            n = 4;
            cp = c & 0x07;
            min = 0x10000;
        } else {
            *bad = i;
            return GLA_EUTF8;
        }
        if (len - i < n) {
            *bad = i;
            return GLA_EUTF8;
        }
        for (size_t k = 1; k < n; k++) {
            if ((p[i + k] & 0xC0) != 0x80) {
                *bad = i;
                return GLA_EUTF8;
            }
            cp = (cp << 6) | (p[i + k] & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
            *bad = i;
            return GLA_EUTF8;
        }
        /* Below U+0300 and in Latin Extended Additional (every precomposed
         * Vietnamese letter) nothing combines or decomposes under NFC. */
        if (cp >= 0x300 && !(cp >= 0x1E00 && cp <= 0x1EFF))
            nfc = 1;
        i += n;
    }
    if (needs_nfc)
        *needs_nfc = nfc;
    return GLA_OK;
}

static int text_problem(io_rd *r, int rc, const char *s, size_t bad,
                        size_t line, size_t col, const char *what)
{
    if (rc == GLA_EUTF8)
        return io_fail(r, rc, line, col + bad,
                       "invalid UTF-8 in %s (byte 0x%02X)", what,
                       (unsigned)(unsigned char)s[bad]);
    return io_fail(r, rc, line, col + bad, "control character U+%04X in %s",
                   (unsigned)s[bad], what);
}

int io_text_new(io_rd *r, size_t *slot, const char *s, size_t len, size_t line,
                size_t col, const char *what)
{
    size_t bad = 0;
    int nfc = 0;
    int rc = io_text_check(s, len, 1, &bad, &nfc);
    if (rc)
        return text_problem(r, rc, s, bad, line, col, what);
    rc = io_str_new(&r->ent, slot, s, len);
    if (rc == GLA_OK && nfc)
        rc = io_str_nfc(&r->ent, *slot);
    if (rc)
        return io_fail(r, rc, line, col, "%s", gla_strerror(rc));
    return GLA_OK;
}

int io_text_join(io_rd *r, size_t *slot, const char *sep, const char *s,
                 size_t len, size_t line, size_t col, const char *what)
{
    size_t part = 0;
    int rc = io_text_new(r, &part, s, len, line, col, what);
    if (rc)
        return rc;
    if (*slot == IO_NONE) {
        *slot = part;
        return GLA_OK;
    }
    /* Copy the part out first: joining may move the arena. */
    gla_buf_clear(&r->scratch);
    rc = gla_buf_put(&r->scratch, r->ent.arena.data + part,
                     r->ent.arena.len - part - 1);
    r->ent.arena.len = part; /* drop the part; it is re-added joined */
    if (rc == GLA_OK)
        rc =
            io_str_join(&r->ent, slot, sep,
                        r->scratch.data ? r->scratch.data : "", r->scratch.len);
    if (rc)
        return io_fail(r, rc, line, col, "%s", gla_strerror(rc));
    return GLA_OK;
}

int io_ref_valid(const char *s, size_t len)
{
    if (!len)
        return 0;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        int alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
        if (!alnum && (i == 0 || (c != '.' && c != '_' && c != '-')))
            return 0;
    }
    return 1;
}

static int is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

int io_lang_canon(char *out, const char *s, size_t len)
{
    if (!len || len >= IO_LANG_MAX)
        return -1;
    size_t i = 0, k = 0;
    int index = 0, private_use = 0;
    while (i <= len) {
        size_t j = i;
        while (j < len && s[j] != '-' && s[j] != '_')
            j++;
        size_t n = j - i;
        if (n < 1 || n > 8)
            return -1;
        int letters = 1;
        for (size_t m = i; m < j; m++) {
            char c = s[m];
            if (!is_alpha(c)) {
                letters = 0;
                if (!(c >= '0' && c <= '9'))
                    return -1;
            }
        }
        if (index == 0 && (!letters || (n == 1 && s[i] != 'x' && s[i] != 'X' &&
                                        s[i] != 'i' && s[i] != 'I')))
            return -1;
        for (size_t m = i; m < j; m++) {
            char c = s[m];
            int upper = 0;
            if (index > 0 && !private_use && letters) {
                if (n == 2)
                    upper = 1;
                else if (n == 4)
                    upper = m == i;
            }
            if (upper && c >= 'a' && c <= 'z')
                c = (char)(c - 32);
            else if (!upper && c >= 'A' && c <= 'Z')
                c = (char)(c + 32);
            out[k++] = c;
        }
        if (n == 1)
            private_use = 1;
        index++;
        if (j == len)
            break;
        if (j + 1 == len)
            return -1; /* a trailing separator */
        out[k++] = '-';
        i = j + 1;
    }
    out[k] = '\0';
    return 0;
}

static const char *const pos_names[] = {"noun",      "properNoun", "verb",
                                        "adjective", "adverb",     "other"};

const char *io_pos_canon(const char *s, size_t len)
{
    for (size_t i = 0; i < sizeof pos_names / sizeof *pos_names; i++)
        if (io_eq_ci(s, len, pos_names[i]))
            return pos_names[i];
    return NULL;
}

void io_trim(const char **s, size_t *len)
{
    const char *p = *s;
    size_t n = *len;
    while (n && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')) {
        p++;
        n--;
    }
    while (n && (p[n - 1] == ' ' || p[n - 1] == '\t' || p[n - 1] == '\r' ||
                 p[n - 1] == '\n'))
        n--;
    *s = p;
    *len = n;
}

/* ---- reading ---- */

static int read_run(io_rd *r, const gla_read_opts *o, const char *detect_name)
{
    int rc = GLA_OK;
    gla_format fmt = o ? o->format : GLA_FMT_AUTO;
    if (fmt == GLA_FMT_AUTO) {
        rc = io_src_peek(&r->src, 4096);
        if (rc)
            return src_error(r, rc);
        size_t n = r->src.end - r->src.start;
        fmt = gla_io_detect(detect_name, r->src.win + r->src.start, n);
        if (fmt == GLA_FMT_AUTO) {
            if (n == 0)
                return GLA_OK; /* nothing at all: no entries */
            return io_fail(r, GLA_EINVAL, 0, 0,
                           "cannot tell the format; name it (tsv, omegat, "
                           "csv, tbx, jsonl)");
        }
    }
    r->fmt = fmt;
    r->st.format = fmt;
    switch (fmt) {
    case GLA_FMT_TSV: return io_read_tsv(r);
    case GLA_FMT_OMEGAT: return io_read_omegat(r);
    case GLA_FMT_CSV: return io_read_csv(r);
    case GLA_FMT_TBX: return io_read_tbx(r);
    case GLA_FMT_JSONL: return io_read_jsonl(r);
    default: return io_fail(r, GLA_EINVAL, 0, 0, "unknown format %d", (int)fmt);
    }
}

static int read_setup(io_rd *r, const gla_read_opts *o, const char *name,
                      gla_io_entry_fn fn, void *ctx, gla_buf *err)
{
    memset(r, 0, sizeof *r);
    r->cd = (iconv_t)-1;
    r->name = o && o->name ? o->name : name;
    r->fn = fn;
    r->ctx = ctx;
    r->err = err;
    r->warn = o ? o->warn : NULL;
    r->warn_ctx = o ? o->warn_ctx : NULL;
    io_entry_reset(&r->ent);
    if (o && o->version < 1)
        return io_fail(r, GLA_EINVAL, 0, 0, "read options without version");
    if (o && (unsigned)o->format > GLA_FMT_JSONL)
        return io_fail(r, GLA_EINVAL, 0, 0, "unknown format %d",
                       (int)o->format);
    const char *sl = o && o->src_lang ? o->src_lang : "fr";
    const char *tl = o && o->tgt_lang ? o->tgt_lang : "vi";
    if (io_lang_canon(r->src_lang, sl, strlen(sl)))
        return io_fail(r, GLA_EINVAL, 0, 0, "bad source language '%s'", sl);
    if (io_lang_canon(r->tgt_lang, tl, strlen(tl)))
        return io_fail(r, GLA_EINVAL, 0, 0, "bad target language '%s'", tl);
    return GLA_OK;
}

static void read_cleanup(io_rd *r, const gla_read_opts *o)
{
    if (o && o->stats)
        *o->stats = r->st;
    if (r->cd != (iconv_t)-1)
        iconv_close(r->cd);
    gla_buf_dispose(&r->dec);
    gla_buf_dispose(&r->scratch);
    io_entry_dispose(&r->ent);
    if (r->src.close_fp && r->src.fp)
        fclose(r->src.fp);
    free(r->src.buf);
}

int gla_io_read_mem(const char *data, size_t len, const gla_read_opts *o,
                    gla_io_entry_fn fn, void *ctx, gla_buf *err)
{
    io_rd r;
    int rc = read_setup(&r, o, "<memory>", fn, ctx, err);
    if (rc == GLA_OK && !data && len)
        rc = io_fail(&r, GLA_EINVAL, 0, 0, "no data");
    if (rc == GLA_OK) {
        r.src.win = data ? data : "";
        r.src.end = data ? len : 0;
        r.src.eof = 1;
        rc = read_run(&r, o, o ? o->name : NULL);
    }
    read_cleanup(&r, o);
    return rc;
}

int gla_io_read_file(const char *path, const gla_read_opts *o,
                     gla_io_entry_fn fn, void *ctx, gla_buf *err)
{
    io_rd r;
    int is_stdin = path && strcmp(path, "-") == 0;
    int rc = read_setup(&r, o,
                        is_stdin ? "<stdin>"
                        : path   ? path
                                 : "?",
                        fn, ctx, err);
    if (rc == GLA_OK && !path)
        rc = io_fail(&r, GLA_EINVAL, 0, 0, "no file name");
    if (rc == GLA_OK) {
        if (is_stdin) {
            r.src.fp = stdin;
        } else {
            r.src.fp = fopen(path, "rb");
            if (!r.src.fp) {
                int e = errno;
                rc = io_fail(&r, e == ENOENT ? GLA_ENOTFOUND : GLA_EIO, 0, 0,
                             "cannot open: %s", strerror(e));
            }
            r.src.close_fp = 1;
        }
    }
    if (rc == GLA_OK) {
        r.src.win = "";
        rc = read_run(&r, o, o && o->name ? o->name : is_stdin ? NULL : path);
    }
    read_cleanup(&r, o);
    return rc;
}
