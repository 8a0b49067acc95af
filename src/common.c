/*
 * Result-code text, version and the growable buffer every module appends
 * to. Kept tiny: nothing here knows about text or glossaries.
 */
#include <glossalign/common.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef GLA_VERSION_STRING
#define GLA_VERSION_STRING "0.0.0"
#endif

const char *gla_strerror(int rc)
{
    switch (rc) {
    case GLA_OK: return "success";
    case GLA_ENOMEM: return "out of memory";
    case GLA_EINVAL: return "invalid argument";
    case GLA_EUTF8: return "invalid UTF-8";
    case GLA_EENCODING: return "unknown or unconvertible encoding";
    case GLA_ENOTFOUND: return "not found";
    case GLA_EEXISTS: return "already exists";
    case GLA_EBUFS: return "buffer too small";
    case GLA_EDB: return "database error";
    case GLA_EIO: return "input/output error";
    case GLA_EPARSE: return "malformed input";
    case GLA_EINTERNAL: return "internal error";
    case GLA_ITEROVER: return "end of iteration";
    default: return "unknown error";
    }
}

const char *gla_version(void) { return GLA_VERSION_STRING; }

int gla_buf_grow(gla_buf *b, size_t extra)
{
    if (extra > SIZE_MAX - b->len - 1)
        return GLA_ENOMEM;
    size_t need = b->len + extra + 1;
    if (need <= b->cap)
        return GLA_OK;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need)
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    char *p = realloc(b->data, cap);
    if (!p)
        return GLA_ENOMEM;
    b->data = p;
    b->cap = cap;
    return GLA_OK;
}

int gla_buf_put(gla_buf *b, const void *s, size_t len)
{
    int rc = gla_buf_grow(b, len);
    if (rc)
        return rc;
    if (len)
        memcpy(b->data + b->len, s, len);
    b->len += len;
    b->data[b->len] = '\0';
    return GLA_OK;
}

int gla_buf_puts(gla_buf *b, const char *s) { return gla_buf_put(b, s, strlen(s)); }

int gla_buf_printf(gla_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return GLA_EINVAL;
    int rc = gla_buf_grow(b, (size_t)n);
    if (rc)
        return rc;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
    return GLA_OK;
}

void gla_buf_clear(gla_buf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

void gla_buf_dispose(gla_buf *b)
{
    if (!b)
        return;
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

/* ---- JSON strings -------------------------------------------------------- */

const char *gla_json_escape(unsigned char c, char *tmp)
{
    static const char hex[] = "0123456789abcdef";
    if (c >= 0x20 && c != '"' && c != '\\')
        return NULL;
    switch (c) {
    case '"': return "\\\"";
    case '\\': return "\\\\";
    case '\n': return "\\n";
    case '\t': return "\\t";
    case '\r': return "\\r";
    case '\b': return "\\b";
    case '\f': return "\\f";
    default:
        memcpy(tmp, "\\u00", 4);
        tmp[4] = hex[c >> 4];
        tmp[5] = hex[c & 15];
        tmp[6] = '\0';
        return tmp;
    }
}

int gla_json_quote(gla_buf *b, const char *s, size_t len)
{
    char tmp[7];
    size_t run = 0;
    int rc = gla_buf_put(b, "\"", 1);
    for (size_t i = 0; i < len && rc == GLA_OK; i++) {
        const char *esc = gla_json_escape((unsigned char)s[i], tmp);
        if (!esc)
            continue;
        if ((rc = gla_buf_put(b, s + run, i - run)) == GLA_OK)
            rc = gla_buf_puts(b, esc);
        run = i + 1;
    }
    if (rc == GLA_OK)
        rc = gla_buf_put(b, s + run, len - run);
    if (rc == GLA_OK)
        rc = gla_buf_put(b, "\"", 1);
    return rc;
}

int gla_json_fquote(FILE *f, const char *s, size_t len)
{
    char tmp[7];
    size_t run = 0;
    int bad = putc('"', f) == EOF;
    for (size_t i = 0; i < len; i++) {
        const char *esc = gla_json_escape((unsigned char)s[i], tmp);
        if (!esc)
            continue;
        bad |= fwrite(s + run, 1, i - run, f) != i - run;
        bad |= fputs(esc, f) == EOF;
        run = i + 1;
    }
    bad |= fwrite(s + run, 1, len - run, f) != len - run;
    bad |= putc('"', f) == EOF;
    return bad ? EOF : 0;
}
