/*
 * The writer handle shared by every output format: options, a staging
 * buffer flushed to the FILE between entries (so a refused entry leaves
 * no partial row behind), counts and the last error message.
 */
#include "io_int.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define FLUSH_AT (64 * 1024)

int io_w_fail(gla_writer *w, int rc, const char *fmt, ...)
{
    gla_buf_clear(&w->msg);
    char tmp[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    gla_buf_puts(&w->msg, tmp);
    return rc;
}

void io_w_put(gla_writer *w, const void *s, size_t n)
{
    if (gla_buf_put(w->out, s, n))
        w->oom = 1;
}

void io_w_puts(gla_writer *w, const char *s)
{
    io_w_put(w, s, strlen(s));
}

void io_w_printf(gla_writer *w, const char *fmt, ...)
{
    char tmp[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof tmp) {
        w->oom = 1; /* only short, fixed texts go through here */
        return;
    }
    io_w_put(w, tmp, (size_t)n);
}

static int check_str(gla_writer *w, const char *s, const char *what,
                     const char *ref)
{
    if (!s)
        return GLA_OK;
    size_t bad = 0;
    int rc = io_text_check(s, strlen(s), 1, &bad, NULL);
    if (rc == GLA_EUTF8)
        return io_w_fail(w, rc, "entry '%s': invalid UTF-8 in %s at byte %zu",
                         ref, what, bad);
    return GLA_OK; /* control characters: each format decides */
}

int io_w_check_entry(gla_writer *w, const gla_entry *e)
{
    const char *ref = e->ref ? e->ref : "(no id)";
    if ((unsigned)e->kind > GLA_KIND_ACRONYM)
        return io_w_fail(w, GLA_EINVAL, "entry '%s': bad kind %d", ref,
                         (int)e->kind);
    if (e->n_terms && !e->terms)
        return io_w_fail(w, GLA_EINVAL, "entry '%s': no term array", ref);
    int rc;
    if ((rc = check_str(w, e->ref, "id", ref)) ||
        (rc = check_str(w, e->subject, "subject", ref)) ||
        (rc = check_str(w, e->definition, "definition", ref)) ||
        (rc = check_str(w, e->note, "note", ref)))
        return rc;
    for (size_t i = 0; i < e->n_terms; i++) {
        const gla_term *t = &e->terms[i];
        if ((unsigned)t->status > GLA_STATUS_FORBIDDEN ||
            (unsigned)t->type > GLA_TYPE_TRANSLITERATION ||
            (unsigned)t->case_mode > GLA_CASE_INSENSITIVE)
            return io_w_fail(w, GLA_EINVAL,
                             "entry '%s': term %zu has an out-of-range "
                             "status, type or case",
                             ref, i + 1);
        if (!t->lang || !t->text)
            return io_w_fail(w, GLA_EINVAL,
                             "entry '%s': term %zu has no language or text",
                             ref, i + 1);
        if ((rc = check_str(w, t->lang, "language", ref)) ||
            (rc = check_str(w, t->text, "term", ref)) ||
            (rc = check_str(w, t->pos, "part of speech", ref)) ||
            (rc = check_str(w, t->note, "term note", ref)) ||
            (rc = check_str(w, t->source, "source", ref)))
            return rc;
    }
    return GLA_OK;
}

static int set_lang(gla_writer *w, char *dst, const char *tag, const char *dflt,
                    const char *what)
{
    const char *s = tag ? tag : dflt;
    if (io_lang_canon(dst, s, strlen(s)))
        return io_w_fail(w, GLA_EINVAL, "bad %s language '%s'", what, s);
    return GLA_OK;
}

static int writer_new(gla_writer **out, gla_format f, FILE *fp, gla_buf *buf,
                      const gla_write_opts *o)
{
    if (!out)
        return GLA_EINVAL;
    *out = NULL;
    if (f <= GLA_FMT_AUTO || f > GLA_FMT_JSONL || (!fp && !buf))
        return GLA_EINVAL;
    if (o && o->version < 1)
        return GLA_EINVAL;
    gla_writer *w = calloc(1, sizeof *w);
    if (!w)
        return GLA_ENOMEM;
    w->fmt = f;
    w->fp = fp;
    w->out = buf ? buf : &w->own;
    if (set_lang(w, w->src_lang, o ? o->src_lang : NULL, "fr", "source") ||
        set_lang(w, w->tgt_lang, o ? o->tgt_lang : NULL, "vi", "target") ||
        set_lang(w, w->xml_lang, o ? o->xml_lang : NULL, "en", "document")) {
        gla_writer_free(w);
        return GLA_EINVAL;
    }
    if (o && o->title) {
        size_t n = strlen(o->title), bad = 0;
        w->title = malloc(n + 1);
        if (!w->title) {
            gla_writer_free(w);
            return GLA_ENOMEM;
        }
        memcpy(w->title, o->title, n + 1);
        if (io_text_check(w->title, n, 1, &bad, NULL)) {
            gla_writer_free(w);
            return GLA_EINVAL;
        }
    }
    *out = w;
    return GLA_OK;
}

int gla_writer_new(gla_writer **out, gla_format f, FILE *fp,
                   const gla_write_opts *o)
{
    if (!fp)
        return GLA_EINVAL;
    return writer_new(out, f, fp, NULL, o);
}

int gla_writer_new_buf(gla_writer **out, gla_format f, gla_buf *buf,
                       const gla_write_opts *o)
{
    if (!buf)
        return GLA_EINVAL;
    return writer_new(out, f, NULL, buf, o);
}

static int flush(gla_writer *w, int force)
{
    if (!w->fp || w->own.len == 0 || (!force && w->own.len < FLUSH_AT))
        return GLA_OK;
    size_t n = fwrite(w->own.data, 1, w->own.len, w->fp);
    int bad = n != w->own.len;
    gla_buf_clear(&w->own);
    if (!bad && force && fflush(w->fp) != 0)
        bad = 1;
    if (bad || ferror(w->fp))
        return io_w_fail(w, GLA_EIO, "write error: %s",
                         strerror(errno ? errno : EIO));
    return GLA_OK;
}

static int begin(gla_writer *w)
{
    if (w->begun)
        return GLA_OK;
    w->begun = 1;
    switch (w->fmt) {
    case GLA_FMT_TSV: return io_tsv_begin(w);
    case GLA_FMT_TBX: return io_tbx_begin(w);
    default: return GLA_OK;
    }
}

int gla_writer_put(gla_writer *w, const gla_entry *e)
{
    if (!w || !e)
        return GLA_EINVAL;
    if (w->finished)
        return io_w_fail(w, GLA_EINVAL, "writer already finished");
    gla_buf_clear(&w->msg);
    int rc = io_w_check_entry(w, e);
    if (rc)
        return rc;
    w->oom = 0;
    rc = begin(w);
    size_t mark = w->out->len;
    size_t records = w->st.records, lossy = w->st.lossy;
    if (rc == GLA_OK) {
        switch (w->fmt) {
        case GLA_FMT_TSV: rc = io_tsv_put(w, e); break;
        case GLA_FMT_OMEGAT: rc = io_omegat_put(w, e); break;
        case GLA_FMT_CSV: rc = io_csv_put(w, e); break;
        case GLA_FMT_TBX: rc = io_tbx_put(w, e); break;
        case GLA_FMT_JSONL: rc = io_jsonl_put(w, e); break;
        default: rc = GLA_EINVAL; break;
        }
    }
    if (rc == GLA_OK && w->oom)
        rc = GLA_ENOMEM;
    if (rc) {
        /* Leave nothing of a refused entry behind. */
        w->out->len = mark;
        if (w->out->data)
            w->out->data[mark] = '\0';
        w->st.records = records;
        w->st.lossy = lossy;
        if (rc == GLA_ENOMEM && !w->msg.len)
            io_w_fail(w, rc, "out of memory");
        return rc;
    }
    w->st.entries++;
    return flush(w, 0);
}

int gla_writer_finish(gla_writer *w)
{
    if (!w)
        return GLA_EINVAL;
    if (w->finished)
        return GLA_OK;
    w->oom = 0;
    int rc = begin(w);
    if (rc == GLA_OK && w->fmt == GLA_FMT_TBX)
        rc = io_tbx_finish(w);
    if (rc == GLA_OK && w->oom)
        rc = GLA_ENOMEM;
    w->finished = 1;
    if (rc)
        return rc == GLA_ENOMEM ? io_w_fail(w, rc, "out of memory") : rc;
    return flush(w, 1);
}

const gla_write_stats *gla_writer_stats(const gla_writer *w)
{
    static const gla_write_stats none = {0, 0, 0};
    return w ? &w->st : &none;
}

const char *gla_writer_errmsg(const gla_writer *w)
{
    return w && w->msg.data ? w->msg.data : "";
}

void gla_writer_free(gla_writer *w)
{
    if (!w)
        return;
    gla_buf_dispose(&w->own);
    gla_buf_dispose(&w->msg);
    gla_buf_dispose(&w->tmp);
    free(w->title);
    free(w);
}
