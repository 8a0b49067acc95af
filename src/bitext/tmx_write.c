/*
 * TMX 1.4b output of aligned pairs: a header naming the source language,
 * one <tu> per pair, text XML-escaped. Characters XML 1.0 cannot carry are
 * refused rather than dropped.
 */
#include <glossalign/align.h>

#include <string.h>

/* Append `s` escaped for XML text or attribute values. */
static int put_escaped(gla_buf *out, const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t a = 0;
    for (size_t i = 0; i < n;) {
        unsigned c = u[i];
        const char *rep = NULL;
        size_t k = 1;
        if (c == '&')
            rep = "&amp;";
        else if (c == '<')
            rep = "&lt;";
        else if (c == '>')
            rep = "&gt;";
        else if (c == '"')
            rep = "&quot;";
        else if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
            return GLA_EUTF8;
        else if (c >= 0x80) {
            k = c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3
                : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
            if (!k || i + k > n)
                return GLA_EUTF8;
            for (size_t j = 1; j < k; j++)
                if ((u[i + j] & 0xC0) != 0x80)
                    return GLA_EUTF8;
            if ((c == 0xE0 && u[i + 1] < 0xA0) ||
                (c == 0xED && u[i + 1] > 0x9F) ||
                (c == 0xF0 && u[i + 1] < 0x90) ||
                (c == 0xF4 && u[i + 1] > 0x8F))
                return GLA_EUTF8;
            /* U+FFFE and U+FFFF are not XML characters */
            if (c == 0xEF && u[i + 1] == 0xBF && u[i + 2] >= 0xBE)
                return GLA_EUTF8;
        }
        if (rep) {
            if (gla_buf_put(out, s + a, i - a) != GLA_OK ||
                gla_buf_puts(out, rep) != GLA_OK)
                return GLA_ENOMEM;
            a = i + 1;
        }
        i += k;
    }
    return gla_buf_put(out, s + a, n - a);
}

int gla_tmx_header(gla_buf *out, const char *src_lang)
{
    if (!out)
        return GLA_EINVAL;
    int rc = gla_buf_puts(out,
                          "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                          "<tmx version=\"1.4\">\n"
                          "  <header creationtool=\"glossalign\" "
                          "creationtoolversion=\"");
    if (rc == GLA_OK)
        rc = gla_buf_puts(out, gla_version());
    if (rc == GLA_OK)
        rc = gla_buf_puts(out, "\" segtype=\"sentence\" o-tmf=\"glossalign\" "
                               "adminlang=\"en\" srclang=\"");
    if (rc == GLA_OK) {
        const char *l = src_lang ? src_lang : "*all*";
        rc = put_escaped(out, l, strlen(l));
    }
    if (rc == GLA_OK)
        rc = gla_buf_puts(out, "\" datatype=\"plaintext\"/>\n  <body>\n");
    return rc == GLA_EUTF8 ? GLA_EINVAL : rc;
}

int gla_tmx_footer(gla_buf *out)
{
    if (!out)
        return GLA_EINVAL;
    return gla_buf_puts(out, "  </body>\n</tmx>\n");
}

static int put_tuv(gla_buf *out, const char *lang, const char *s, size_t n)
{
    int rc = gla_buf_puts(out, "      <tuv xml:lang=\"");
    if (rc == GLA_OK)
        rc = put_escaped(out, lang ? lang : "und", strlen(lang ? lang : "und"));
    if (rc == GLA_OK)
        rc = gla_buf_puts(out, "\"><seg>");
    if (rc == GLA_OK)
        rc = put_escaped(out, s, n);
    if (rc == GLA_OK)
        rc = gla_buf_puts(out, "</seg></tuv>\n");
    return rc;
}

int gla_tmx_unit(gla_buf *out, const char *tuid, const char *src,
                 size_t src_len, const char *src_lang, const char *tgt,
                 size_t tgt_len, const char *tgt_lang)
{
    if (!out || (!src && src_len) || (!tgt && tgt_len))
        return GLA_EINVAL;
    size_t mark = out->len;
    int rc = gla_buf_puts(out, "    <tu");
    if (rc == GLA_OK && tuid) {
        rc = gla_buf_puts(out, " tuid=\"");
        if (rc == GLA_OK)
            rc = put_escaped(out, tuid, strlen(tuid));
        if (rc == GLA_OK)
            rc = gla_buf_puts(out, "\"");
    }
    if (rc == GLA_OK)
        rc = gla_buf_puts(out, ">\n");
    if (rc == GLA_OK)
        rc = put_tuv(out, src_lang, src ? src : "", src_len);
    if (rc == GLA_OK)
        rc = put_tuv(out, tgt_lang, tgt ? tgt : "", tgt_len);
    if (rc == GLA_OK)
        rc = gla_buf_puts(out, "    </tu>\n");
    if (rc != GLA_OK && out->data) {
        out->len = mark; /* no half unit */
        out->data[mark] = '\0';
    }
    return rc;
}
