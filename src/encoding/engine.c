/*
 * Byte decoders: bytes of one charset to UTF-8, fed chunk by chunk. UTF-8,
 * UTF-16 and UTF-32 are decoded here (exact offsets, maximal-subpart
 * U+FFFD), TCVN3 and VNI through our tables, everything else through
 * iconv. A sequence cut by a chunk end is carried to the next call.
 */
#include "encoding_int.h"

#include <ctype.h>
#include <errno.h>
#include <string.h>

/* ------------------------------------------------------------ charsets */

/* Upper-case `name` without '-', '_', ' ' and '.', for alias matching. */
static void squash(char *dst, size_t cap, const char *name)
{
    size_t n = 0;
    for (const char *p = name; *p && n + 1 < cap; p++) {
        if (*p == '-' || *p == '_' || *p == ' ' || *p == '.')
            continue;
        dst[n++] = (char)toupper((unsigned char)*p);
    }
    dst[n] = '\0';
}

static const struct {
    const char *squashed; /* alias, squashed */
    enc_kind kind;        /* decoder */
    const char *name;     /* canonical name */
} own_names[] = {
    {"UTF8", ENC_UTF8, "UTF-8"},          {"UTF16LE", ENC_UTF16LE, "UTF-16LE"},
    {"UTF16BE", ENC_UTF16BE, "UTF-16BE"}, {"UTF16", ENC_UTF16, "UTF-16"},
    {"UTF32LE", ENC_UTF32LE, "UTF-32LE"}, {"UTF32BE", ENC_UTF32BE, "UTF-32BE"},
    {"UTF32", ENC_UTF32, "UTF-32"},       {"TCVN3", ENC_TABLE, "TCVN3"},
    {"ABC", ENC_TABLE, "TCVN3"},          {"TCVNABC", ENC_TABLE, "TCVN3"},
    {"VN3", ENC_TABLE, "TCVN3"},          {"VNI", ENC_TABLE, "VNI"},
    {"VNIWIN", ENC_TABLE, "VNI"},         {"VNIWINDOWS", ENC_TABLE, "VNI"},
};

int enc_charset_lookup(enc_charset *cs, const char *name)
{
    memset(cs, 0, sizeof *cs);
    if (!name || !*name || strlen(name) >= GLA_ENCODING_NAME_MAX)
        return GLA_EENCODING;
    char sq[GLA_ENCODING_NAME_MAX];
    squash(sq, sizeof sq, name);
    for (size_t i = 0; i < sizeof own_names / sizeof own_names[0]; i++) {
        if (strcmp(sq, own_names[i].squashed) != 0)
            continue;
        cs->kind = own_names[i].kind;
        strcpy(cs->name, own_names[i].name);
        if (cs->kind == ENC_TABLE)
            cs->table = strcmp(cs->name, "VNI") == 0 ? &enc_table_vni
                                                     : &enc_table_tcvn3;
        return GLA_OK;
    }
    /* iconv's own names; "//" suffixes (//TRANSLIT, //IGNORE) are refused:
     * they lose or invent text silently. */
    if (strchr(name, '/'))
        return GLA_EENCODING;
    iconv_t cd = iconv_open("UTF-8", name);
    if (cd == (iconv_t)-1)
        return GLA_EENCODING;
    iconv_close(cd);
    cs->kind = ENC_ICONV;
    strcpy(cs->iconv_name, name);
    size_t i = 0;
    for (; name[i]; i++)
        cs->name[i] = (char)toupper((unsigned char)name[i]);
    cs->name[i] = '\0';
    return GLA_OK;
}

/* ------------------------------------------------------------ helpers */

static int put_cp(gla_buf *out, uint32_t cp)
{
    char b[4];
    size_t n;
    if (cp < 0x80) {
        b[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        b[0] = (char)(0xC0 | (cp >> 6));
        b[1] = (char)(0x80 | (cp & 0x3F));
        n = 2;
    } else if (cp < 0x10000) {
        b[0] = (char)(0xE0 | (cp >> 12));
        b[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        b[2] = (char)(0x80 | (cp & 0x3F));
        n = 3;
    } else {
        b[0] = (char)(0xF0 | (cp >> 18));
        b[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        b[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        b[3] = (char)(0x80 | (cp & 0x3F));
        n = 4;
    }
    return gla_buf_put(out, b, n);
}

static int invalid(enc_engine *e, gla_buf *out, uint64_t off,
                   const unsigned char *bytes, size_t n)
{
    e->invalid++;
    if (e->on_invalid) {
        int rc = e->on_invalid(e->ctx, off, bytes, n);
        if (rc)
            return rc;
    }
    return gla_buf_put(out, "\xEF\xBF\xBD", 3);
}

/* Bytes a UTF-8 lead byte announces, 0 for a byte that cannot lead. */
static int utf8_need(unsigned char c)
{
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF)
        return 2;
    if (c >= 0xE0 && c <= 0xEF)
        return 3;
    if (c >= 0xF0 && c <= 0xF4)
        return 4;
    return 0;
}

/* Is byte `c`, at position `i` (1..3) after lead `lead`, acceptable? */
static int utf8_cont_ok(unsigned char lead, int i, unsigned char c)
{
    if (i == 1) {
        switch (lead) {
        case 0xE0: return c >= 0xA0 && c <= 0xBF;
        case 0xED: return c >= 0x80 && c <= 0x9F;
        case 0xF0: return c >= 0x90 && c <= 0xBF;
        case 0xF4: return c >= 0x80 && c <= 0x8F;
        default: break;
        }
    }
    return c >= 0x80 && c <= 0xBF;
}

/* How many bytes of the sequence at s[0..avail) are well-formed (a maximal
 * subpart), and whether it is complete: returns the sequence length when
 * complete, or -k when only k bytes (k >= 1 lead included) fit; *cut is
 * set when it ran out of input rather than into a bad byte. */
static int utf8_seq(const unsigned char *s, size_t avail, int *cut)
{
    int need = utf8_need(s[0]);
    *cut = 0;
    if (need == 0)
        return -1;
    int k = 1;
    for (; k < need; k++) {
        if ((size_t)k >= avail) {
            *cut = 1;
            return -k;
        }
        if (!utf8_cont_ok(s[0], k, s[k]))
            return -k;
    }
    return need;
}

size_t enc_utf8_valid_prefix(const unsigned char *s, size_t len, int partial)
{
    size_t i = 0;
    while (i < len) {
        if (s[i] < 0x80) {
            i++;
            continue;
        }
        int cut;
        int n = utf8_seq(s + i, len - i, &cut);
        if (n < 0) {
            if (cut && partial)
                return len;
            return i;
        }
        i += (size_t)n;
    }
    return i;
}

/* ------------------------------------------------------------ UTF-8 */

static int dec_utf8(enc_engine *e, gla_buf *out, const unsigned char *s,
                    size_t len, uint64_t base, int final, size_t *used)
{
    size_t i = 0, run = 0; /* run: start of bytes to copy as they are */
    int rc;
    while (i < len) {
        if ((i = enc_ascii_end(s, i, len)) >= len)
            break;
        unsigned char c = s[i];
        /* The common two- and three-byte forms inline. */
        if (c >= 0xC2 && c <= 0xDF && i + 1 < len &&
            (s[i + 1] & 0xC0) == 0x80) {
            i += 2;
            continue;
        }
        if (c >= 0xE1 && c <= 0xEC && i + 2 < len &&
            (s[i + 1] & 0xC0) == 0x80 && (s[i + 2] & 0xC0) == 0x80) {
            i += 3;
            continue;
        }
        int cut;
        int n = utf8_seq(s + i, len - i, &cut);
        if (n > 0) {
            i += (size_t)n;
            continue;
        }
        if (cut && !final)
            break; /* keep the incomplete sequence for the next call */
        if ((rc = gla_buf_put(out, s + run, i - run)))
            return rc;
        if ((rc = invalid(e, out, base + i, s + i, (size_t)-n)))
            return rc;
        i += (size_t)-n;
        run = i;
    }
    if ((rc = gla_buf_put(out, s + run, i - run)))
        return rc;
    *used = i;
    return GLA_OK;
}

/* ------------------------------------------------------------ UTF-16/32 */

static int dec_utf16(enc_engine *e, gla_buf *out, const unsigned char *s,
                     size_t len, uint64_t base, int final, size_t *used)
{
    int be = e->kind == ENC_UTF16BE;
    size_t i = 0;
    int rc;
    if ((rc = gla_buf_grow(out, len / 2 * 3 + 4)))
        return rc;
    while (i + 2 <= len) {
        uint32_t u = be ? (uint32_t)(s[i] << 8 | s[i + 1])
                        : (uint32_t)(s[i + 1] << 8 | s[i]);
        if (u >= 0xD800 && u <= 0xDBFF) {
            if (i + 4 > len) {
                if (!final)
                    break;
                if ((rc = invalid(e, out, base + i, s + i, 2)))
                    return rc;
                i += 2;
                continue;
            }
            uint32_t u2 = be ? (uint32_t)(s[i + 2] << 8 | s[i + 3])
                             : (uint32_t)(s[i + 3] << 8 | s[i + 2]);
            if (u2 >= 0xDC00 && u2 <= 0xDFFF) {
                uint32_t cp = 0x10000 + ((u - 0xD800) << 10) + (u2 - 0xDC00);
                if ((rc = put_cp(out, cp)))
                    return rc;
                i += 4;
                continue;
            }
            if ((rc = invalid(e, out, base + i, s + i, 2)))
                return rc;
            i += 2;
            continue;
        }
        if (u >= 0xDC00 && u <= 0xDFFF) {
            if ((rc = invalid(e, out, base + i, s + i, 2)))
                return rc;
        } else if ((rc = put_cp(out, u))) {
            return rc;
        }
        i += 2;
    }
    if (final && i < len) { /* an odd byte at the end */
        if ((rc = invalid(e, out, base + i, s + i, len - i)))
            return rc;
        i = len;
    }
    *used = i;
    return GLA_OK;
}

static int dec_utf32(enc_engine *e, gla_buf *out, const unsigned char *s,
                     size_t len, uint64_t base, int final, size_t *used)
{
    int be = e->kind == ENC_UTF32BE;
    size_t i = 0;
    int rc;
    for (; i + 4 <= len; i += 4) {
        uint32_t cp = be ? (uint32_t)s[i] << 24 | (uint32_t)s[i + 1] << 16 |
                               (uint32_t)s[i + 2] << 8 | s[i + 3]
                         : (uint32_t)s[i + 3] << 24 | (uint32_t)s[i + 2] << 16 |
                               (uint32_t)s[i + 1] << 8 | s[i];
        if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            rc = invalid(e, out, base + i, s + i, 4);
        else
            rc = put_cp(out, cp);
        if (rc)
            return rc;
    }
    if (final && i < len) {
        if ((rc = invalid(e, out, base + i, s + i, len - i)))
            return rc;
        i = len;
    }
    *used = i;
    return GLA_OK;
}

/* ------------------------------------------------------------ tables */

static int dec_table(enc_engine *e, gla_buf *out, const unsigned char *s,
                     size_t len, uint64_t base, size_t *used)
{
    const enc_table *t = e->table;
    int rc;
    if ((rc = gla_buf_grow(out, len * 3)))
        return rc;
    for (size_t i = 0; i < len; i++) {
        unsigned char b = s[i];
        if (b < 0x80) {
            if ((rc = gla_buf_put(out, s + i, 1)))
                return rc;
            continue;
        }
        const uint16_t *cp = t->cp[b];
        if (cp[0] == 0) {
            rc = invalid(e, out, base + i, s + i, 1);
        } else {
            rc = put_cp(out, cp[0]);
            if (!rc && cp[1])
                rc = put_cp(out, cp[1]);
        }
        if (rc)
            return rc;
    }
    *used = len;
    return GLA_OK;
}

/* ------------------------------------------------------------ iconv */

/* Run iconv, growing `out` as needed. `in` NULL flushes the state (glibc's
 * CP1258 and TCVN hold back a letter that a tone mark may follow).
 * Returns 0, or the errno (EILSEQ, EINVAL) that stopped it; other errors
 * become EILSEQ. */
static int iconv_run(enc_engine *e, gla_buf *out, char **in, size_t *inleft,
                     int *rc)
{
    *rc = GLA_OK;
    for (;;) {
        size_t want = (inleft ? *inleft : 0) * 4 + 64;
        if ((*rc = gla_buf_grow(out, want)))
            return 0;
        char *op = out->data + out->len;
        size_t oleft = out->cap - out->len - 1;
        size_t r = iconv(e->cd, in, inleft, &op, &oleft);
        int err = r == (size_t)-1 ? errno : 0;
        out->len = (size_t)(op - out->data);
        out->data[out->len] = '\0';
        if (err == E2BIG)
            continue;
        if (err && err != EINVAL)
            err = EILSEQ;
        return err;
    }
}

static int dec_iconv(enc_engine *e, gla_buf *out, const unsigned char *s,
                     size_t len, uint64_t base, int final, size_t *used)
{
    char *ip = (char *)s;
    size_t left = len;
    int rc;
    while (left > 0) {
        int err = iconv_run(e, out, &ip, &left, &rc);
        if (rc)
            return rc;
        if (!err)
            break;
        size_t at = (size_t)((unsigned char *)ip - s);
        if (err == EINVAL && !final && left <= sizeof e->carry)
            break; /* incomplete sequence: wait for more */
        /* Emit what iconv holds back first, so U+FFFD lands in place. */
        iconv_run(e, out, NULL, NULL, &rc);
        if (rc)
            return rc;
        size_t n = err == EINVAL && final ? left : 1;
        if ((rc = invalid(e, out, base + at, s + at, n)))
            return rc;
        ip += n;
        left -= n;
    }
    if (final) {
        iconv_run(e, out, NULL, NULL, &rc);
        if (rc)
            return rc;
    }
    *used = (size_t)((unsigned char *)ip - s);
    return GLA_OK;
}

/* ------------------------------------------------------------ engine */

int enc_engine_open(enc_engine *e, const enc_charset *cs, uint64_t offset)
{
    memset(e, 0, sizeof *e);
    e->cd = (iconv_t)-1;
    e->kind = cs->kind;
    e->table = cs->table;
    e->offset = offset;
    if (cs->kind == ENC_ICONV) {
        e->cd = iconv_open("UTF-8", cs->iconv_name);
        if (e->cd == (iconv_t)-1)
            return errno == ENOMEM ? GLA_ENOMEM : GLA_EENCODING;
    }
    return GLA_OK;
}

void enc_engine_close(enc_engine *e)
{
    if (e->cd != (iconv_t)-1)
        iconv_close(e->cd);
    e->cd = (iconv_t)-1;
    gla_buf_dispose(&e->join);
}

int enc_engine_decode(enc_engine *e, gla_buf *out, const unsigned char *in,
                      size_t len, int final)
{
    const unsigned char *s = in;
    size_t n = len;
    uint64_t base = e->offset;
    int rc;
    if (e->ncarry) {
        gla_buf_clear(&e->join);
        if ((rc = gla_buf_put(&e->join, e->carry, e->ncarry)) ||
            (len && (rc = gla_buf_put(&e->join, in, len))))
            return rc;
        s = (const unsigned char *)e->join.data;
        n = e->join.len;
        base -= e->ncarry;
        e->ncarry = 0;
    }
    size_t used = 0;
    switch (e->kind) {
    case ENC_UTF8: rc = dec_utf8(e, out, s, n, base, final, &used); break;
    case ENC_UTF16LE:
    case ENC_UTF16BE: rc = dec_utf16(e, out, s, n, base, final, &used); break;
    case ENC_UTF32LE:
    case ENC_UTF32BE: rc = dec_utf32(e, out, s, n, base, final, &used); break;
    case ENC_TABLE: rc = dec_table(e, out, s, n, base, &used); break;
    case ENC_ICONV: rc = dec_iconv(e, out, s, n, base, final, &used); break;
    default: return GLA_EINTERNAL; /* ENC_UTF16/32 are resolved first */
    }
    if (rc)
        return rc;
    size_t rest = n - used;
    if (rest > sizeof e->carry)
        return GLA_EINTERNAL;
    memcpy(e->carry, s + used, rest);
    e->ncarry = rest;
    e->offset = base + n;
    return GLA_OK;
}
