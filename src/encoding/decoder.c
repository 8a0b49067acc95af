/*
 * The streaming decoder: holds back a bounded window until the encoding is
 * decided (BOM, declared name, valid UTF-8, else a ranked guess), then
 * runs the chosen byte decoder, the optional line-by-line mojibake repair
 * and streaming NFC on each chunk. Leading plain ASCII is passed on at
 * once, so a long ASCII preamble does not use up the detection window.
 */
#include "encoding_int.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A line longer than this (no '\n') is repaired in pieces. */
#define REPAIR_LINE_MAX 65536

enum dec_state {
    ST_SNIFF,  /* filling the detection window */
    ST_ASCII,  /* all plain ASCII so far: passing it on, watching */
    ST_DECODE, /* decided: decoding */
    ST_FAILED, /* strict failure or out of memory: nothing more */
    ST_DONE    /* finished */
};

struct gla_decoder {
    gla_decode_opts opts;             /* as given, `from` copied below */
    char from[GLA_ENCODING_NAME_MAX]; /* declared name, "" when none */
    enc_charset declared;             /* resolved `from` */
    int has_declared;                 /* from was given */
    int unusable;                     /* gla_decoder_new() failed */
    size_t window;                    /* bytes to hold before deciding */
    enum dec_state state;             /* see above */
    gla_buf sniff;                    /* held bytes while deciding */
    uint64_t sniff_at;                /* stream offset of sniff.data[0] */
    uint64_t in_off;                  /* stream offset of the next byte */
    enc_engine eng;                   /* the byte decoder, once decided */
    int eng_open;                     /* eng needs closing */
    int finishing;                    /* inside gla_decoder_finish() */
    gla_buf line;                     /* repair: the current line */
    uint64_t line_no;                 /* repair: 1-based line of `line` */
    int line_counted;                 /* repair: line_no already counted */
    gla_buf text;                     /* decoded UTF-8 waiting for NFC */
    enc_nfc nfc;                      /* NFC work buffer */
    gla_decode_info info;             /* what gla_decoder_info() shows */
    char errmsg[256];                 /* last failure */
};

const char *gla_encoding_how_name(gla_encoding_how how)
{
    switch (how) {
    case GLA_ENCODING_BOM: return "bom";
    case GLA_ENCODING_DECLARED: return "declared";
    case GLA_ENCODING_VALID_UTF8: return "valid UTF-8";
    case GLA_ENCODING_GUESSED: return "guessed";
    default: return "default";
    }
}

int gla_encoding_check(const char *name)
{
    enc_charset cs;
    return enc_charset_lookup(&cs, name);
}

/* ------------------------------------------------------------ deciding */

/* What a detection window says. */
typedef struct choice {
    enc_charset cs;       /* the charset to decode with */
    size_t bom_len;       /* bytes of BOM to skip */
    gla_encoding_how how; /* how it was decided */
    double confidence;    /* 1 unless guessed */
    enc_guess guess;      /* guessed: every candidate ranked */
    int ascii_wait;       /* plain ASCII so far: decide later */
} choice;

static int plain_ascii(unsigned char c)
{
    return (c >= 0x20 && c < 0x7F) || c == '\n' || c == '\r' || c == '\t' ||
           c == '\f';
}

static size_t bom_of(const unsigned char *s, size_t n, enc_kind *kind)
{
    if (n >= 3 && s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF) {
        *kind = ENC_UTF8;
        return 3;
    }
    if (n >= 4 && s[0] == 0xFF && s[1] == 0xFE && s[2] == 0 && s[3] == 0) {
        *kind = ENC_UTF32LE;
        return 4;
    }
    if (n >= 4 && s[0] == 0 && s[1] == 0 && s[2] == 0xFE && s[3] == 0xFF) {
        *kind = ENC_UTF32BE;
        return 4;
    }
    if (n >= 2 && s[0] == 0xFF && s[1] == 0xFE) {
        *kind = ENC_UTF16LE;
        return 2;
    }
    if (n >= 2 && s[0] == 0xFE && s[1] == 0xFF) {
        *kind = ENC_UTF16BE;
        return 2;
    }
    return 0;
}

static const char *kind_name(enc_kind k)
{
    switch (k) {
    case ENC_UTF8: return "UTF-8";
    case ENC_UTF16LE: return "UTF-16LE";
    case ENC_UTF16BE: return "UTF-16BE";
    case ENC_UTF32LE: return "UTF-32LE";
    case ENC_UTF32BE: return "UTF-32BE";
    default: return "";
    }
}

static void set_own(enc_charset *cs, enc_kind k)
{
    memset(cs, 0, sizeof *cs);
    cs->kind = k;
    strcpy(cs->name, kind_name(k));
}

/*
 * Decide from `n` bytes at stream offset `base`. `final`: nothing follows.
 * `declared` may be NULL.
 */
static int decide(choice *c, const unsigned char *s, size_t n, uint64_t base,
                  int final, const enc_charset *declared)
{
    memset(c, 0, sizeof *c);
    c->confidence = 1.0;
    enc_kind bk = ENC_UTF8;
    size_t bom = base == 0 ? bom_of(s, n, &bk) : 0;
    if (declared) {
        c->how = GLA_ENCODING_DECLARED;
        c->cs = *declared;
        enc_kind k = declared->kind;
        if (k == ENC_UTF16 || k == ENC_UTF32) {
            /* The BOM gives the byte order; without one, big-endian
             * (RFC 2781 section 4.3). */
            int is16 = k == ENC_UTF16;
            enc_kind want = is16 ? ENC_UTF16BE : ENC_UTF32BE;
            if (bom && (is16 ? (bk == ENC_UTF16LE || bk == ENC_UTF16BE)
                             : (bk == ENC_UTF32LE || bk == ENC_UTF32BE))) {
                want = bk;
                c->bom_len = bom;
            }
            set_own(&c->cs, want);
        } else if (bom && k == bk && k != ENC_ICONV && k != ENC_TABLE) {
            c->bom_len = bom; /* a BOM matching the declared form */
        }
        return GLA_OK;
    }
    if (bom) {
        c->how = GLA_ENCODING_BOM;
        c->bom_len = bom;
        set_own(&c->cs, bk);
        return GLA_OK;
    }
    size_t i = 0;
    int high = 0;
    while (i < n && plain_ascii(s[i]))
        i++;
    if (i == n) {
        if (!final) {
            c->ascii_wait = 1;
            return GLA_OK;
        }
        c->how = n || base ? GLA_ENCODING_VALID_UTF8 : GLA_ENCODING_DEFAULT;
        set_own(&c->cs, ENC_UTF8);
        return GLA_OK;
    }
    /* A sequence cut by the window's end, or by the end of the input,
     * does not make the text less UTF-8 when complete sequences vouch for
     * it (a truncated file is then reported as such by the decoder); a lone
     * "caf\xE9" at the end is no such evidence. */
    size_t strict = enc_utf8_valid_prefix(s, n, 0);
    size_t valid = strict == n ? n : enc_utf8_valid_prefix(s, n, 1);
    for (size_t j = i; j < strict && !high; j++)
        high = s[j] >= 0x80;
    if (valid == n && high) {
        c->how = GLA_ENCODING_VALID_UTF8;
        set_own(&c->cs, ENC_UTF8);
        return GLA_OK;
    }
    /* UTF-8 competes too when some of it is: a UTF-8 file with a stray
     * Latin-1 byte is UTF-8 with one invalid byte, not Latin-1 mojibake. */
    int utf8_seen = valid == n;
    for (size_t j = 0; j < n && !utf8_seen; j++)
        utf8_seen = s[j] >= 0x80 && enc_utf8_valid_prefix(s + j, n - j, 0);
    int rc = enc_guess_rank(&c->guess, s, n, utf8_seen);
    if (rc)
        return rc;
    if (c->guess.n == 0)
        return GLA_EENCODING; /* iconv lacks every candidate */
    if (base > 0) {           /* UTF-16 cannot start mid-stream after ASCII */
        size_t o = 0;
        for (size_t j = 0; j < c->guess.n; j++)
            if (strncmp(c->guess.ranked[j].name, "UTF-16", 6) != 0)
                c->guess.ranked[o++] = c->guess.ranked[j];
        c->guess.n = o;
    }
    c->how = GLA_ENCODING_GUESSED;
    c->confidence = c->guess.ranked[0].confidence;
    return enc_charset_lookup(&c->cs, c->guess.ranked[0].name);
}

static void fill_info(gla_decode_info *info, const choice *c, uint64_t base)
{
    snprintf(info->encoding, sizeof info->encoding, "%s", c->cs.name);
    info->how = c->how;
    info->confidence = c->confidence;
    info->bom_len = c->bom_len;
    info->detect_offset = base;
    info->n_alternatives = 0;
    for (size_t i = 1;
         i < c->guess.n && info->n_alternatives < GLA_ENCODING_MAX_ALTERNATIVES;
         i++)
        info->alternatives[info->n_alternatives++] = c->guess.ranked[i];
}

/* ------------------------------------------------------------ errors */

static int fail(gla_decoder *d, int rc, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

static int fail(gla_decoder *d, int rc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(d->errmsg, sizeof d->errmsg, fmt, ap);
    va_end(ap);
    d->state = ST_FAILED;
    return rc;
}

static int on_invalid(void *ctx, uint64_t off, const unsigned char *b, size_t n)
{
    gla_decoder *d = ctx;
    if (d->info.invalid == 0)
        d->info.first_invalid = off;
    d->info.invalid++;
    d->info.invalid_bytes += n;
    if (!d->opts.strict)
        return 0;
    char hex[3 * 4 + 4] = "";
    size_t shown = n < 4 ? n : 4;
    for (size_t i = 0; i < shown; i++)
        snprintf(hex + 3 * i, 4, "%s%02X", i ? " " : "", b[i]);
    if (n > shown)
        strcat(hex, " ...");
    int utf8 = d->eng.kind == ENC_UTF8;
    int truncated = d->finishing && off + n == d->in_off;
    return fail(d, utf8 ? GLA_EUTF8 : GLA_EENCODING,
                "byte offset %" PRIu64 ": %s %s sequence (bytes %s)", off,
                truncated ? "truncated" : "invalid", d->info.encoding, hex);
}

/* ------------------------------------------------------------ stages */

/* Where the byte decoder writes: the line buffer when repairing. */
static gla_buf *front(gla_decoder *d)
{
    return d->opts.repair ? &d->line : &d->text;
}

static int repair_piece(gla_decoder *d, const char *s, size_t len)
{
    uint64_t before = d->info.repairs;
    int rc = enc_repair_line(&d->text, s, len, &d->info.repairs,
                             &d->info.repair_kinds);
    if (!rc && d->info.repairs > before && !d->line_counted) {
        d->line_counted = 1; /* a long line repaired in pieces is one */
        d->info.repaired_lines++;
        if (!d->info.first_repair_line)
            d->info.first_repair_line = d->line_no;
    }
    return rc;
}

/* Move repaired complete lines from `line` to `text`. */
static int stage_repair(gla_decoder *d, int final)
{
    gla_buf *l = &d->line;
    size_t start = 0;
    int rc = GLA_OK;
    while (start < l->len) {
        const char *nl = memchr(l->data + start, '\n', l->len - start);
        if (!nl)
            break;
        size_t end = (size_t)(nl - l->data);
        if ((rc = repair_piece(d, l->data + start, end - start)) ||
            (rc = gla_buf_put(&d->text, "\n", 1)))
            return rc;
        d->line_no++;
        d->line_counted = 0;
        start = end + 1;
    }
    size_t rest = l->len - start;
    if (rest && (final || rest > REPAIR_LINE_MAX)) {
        /* The last line, or an overlong one: cut after its last space, or
         * take it whole (the decoder only writes whole characters). */
        size_t cut = rest;
        if (!final) {
            const char *p = l->data + start;
            while (cut > 0 && p[cut - 1] != ' ')
                cut--;
            if (cut == 0)
                cut = rest;
        }
        if ((rc = repair_piece(d, l->data + start, cut)))
            return rc;
        start += cut;
    }
    if (start) {
        memmove(l->data, l->data + start, l->len - start);
        l->len -= start;
    }
    if (l->data)
        l->data[l->len] = '\0';
    return GLA_OK;
}

/* Run what the byte decoder produced through repair and NFC into `out`. */
static int stage(gla_decoder *d, gla_buf *out, int final)
{
    int rc;
    if (d->opts.repair && (rc = stage_repair(d, final)))
        return rc;
    gla_buf *t = &d->text;
    size_t used;
    if ((rc = enc_nfc_run(&d->nfc, out, t->data ? t->data : "", t->len, final,
                          &used)))
        return rc;
    if (used) {
        memmove(t->data, t->data + used, t->len - used);
        t->len -= used;
    }
    if (t->data)
        t->data[t->len] = '\0';
    return GLA_OK;
}

/* Pass plain ASCII on as text. */
static int pass_ascii(gla_decoder *d, gla_buf *out, const char *s, size_t n)
{
    int rc = gla_buf_put(front(d), s, n);
    return rc ? rc : stage(d, out, 0);
}

static int decode_chunk(gla_decoder *d, gla_buf *out, const unsigned char *s,
                        size_t n, int final)
{
    int rc = enc_engine_decode(&d->eng, front(d), s, n, final);
    if (rc)
        return rc;
    return stage(d, out, final);
}

/* Decide on the held window and decode it. */
static int settle(gla_decoder *d, gla_buf *out, int final)
{
    choice c;
    const unsigned char *s = (const unsigned char *)d->sniff.data;
    size_t n = d->sniff.len;
    int rc = decide(&c, s ? s : (const unsigned char *)"", n, d->sniff_at,
                    final, d->has_declared ? &d->declared : NULL);
    if (rc == GLA_EENCODING)
        return fail(d, rc, "no candidate encoding is available from iconv");
    if (rc)
        return rc;
    if (c.ascii_wait) {
        d->state = ST_ASCII;
        rc = pass_ascii(d, out, (const char *)s, n);
        gla_buf_clear(&d->sniff);
        return rc;
    }
    fill_info(&d->info, &c, d->sniff_at);
    if ((rc = enc_engine_open(&d->eng, &c.cs, d->sniff_at + c.bom_len))) {
        if (rc == GLA_EENCODING)
            return fail(d, rc, "iconv cannot decode %s", c.cs.name);
        return rc;
    }
    d->eng_open = 1;
    d->eng.on_invalid = on_invalid;
    d->eng.ctx = d;
    d->state = ST_DECODE;
    rc = decode_chunk(d, out, s ? s + c.bom_len : (const unsigned char *)"",
                      n - c.bom_len, final);
    gla_buf_clear(&d->sniff);
    return rc;
}

/* ------------------------------------------------------------ API */

static void init_state(gla_decoder *d)
{
    memset(&d->info, 0, sizeof d->info);
    d->state = ST_SNIFF;
    d->sniff_at = d->in_off = 0;
    d->line_no = 1;
    d->line_counted = 0;
    d->finishing = 0;
    d->errmsg[0] = '\0';
    gla_buf_clear(&d->sniff);
    gla_buf_clear(&d->line);
    gla_buf_clear(&d->text);
}

int gla_decoder_new(gla_decoder **out, const gla_decode_opts *opts)
{
    static const gla_decode_opts defaults = GLA_DECODE_OPTS_INIT;
    gla_decoder *d = calloc(1, sizeof *d);
    *out = d;
    if (!d)
        return GLA_ENOMEM;
    d->eng.cd = (iconv_t)-1;
    init_state(d);
    if (!opts)
        opts = &defaults;
    d->opts = *opts;
    d->opts.from = NULL;
    if (opts->version != GLA_DECODE_OPTS_VERSION) {
        d->unusable = 1;
        return fail(d, GLA_EINVAL,
                    "gla_decode_opts version %u, expected %u (start from "
                    "GLA_DECODE_OPTS_INIT)",
                    opts->version, GLA_DECODE_OPTS_VERSION);
    }
    d->window =
        opts->detect_bytes ? opts->detect_bytes : GLA_DETECT_BYTES_DEFAULT;
    if (d->window < 4)
        d->window = 4;
    if (opts->from && *opts->from) {
        if (enc_charset_lookup(&d->declared, opts->from) != GLA_OK) {
            d->unusable = 1;
            return fail(d, GLA_EENCODING,
                        "unknown encoding '%.64s': not an iconv charset (see "
                        "'iconv -l'), TCVN3/ABC or VNI",
                        opts->from);
        }
        snprintf(d->from, sizeof d->from, "%s", opts->from);
        d->opts.from = d->from;
        d->has_declared = 1;
        /* Only Unicode forms look for a BOM; the rest decide at once. */
        enc_kind k = d->declared.kind;
        d->window = (k == ENC_ICONV || k == ENC_TABLE) ? 0 : 4;
    }
    return GLA_OK;
}

void gla_decoder_free(gla_decoder *d)
{
    if (!d)
        return;
    if (d->eng_open)
        enc_engine_close(&d->eng);
    gla_buf_dispose(&d->sniff);
    gla_buf_dispose(&d->line);
    gla_buf_dispose(&d->text);
    enc_nfc_dispose(&d->nfc);
    free(d);
}

void gla_decoder_reset(gla_decoder *d)
{
    if (!d)
        return;
    if (d->eng_open)
        enc_engine_close(&d->eng);
    d->eng_open = 0;
    if (d->unusable)
        return; /* keeps its creation error */
    init_state(d);
}

static int feed(gla_decoder *d, gla_buf *out, const unsigned char *in,
                size_t len)
{
    int rc = GLA_OK;
    while (len > 0 && !rc) {
        switch (d->state) {
        case ST_SNIFF: {
            size_t want =
                d->window > d->sniff.len ? d->window - d->sniff.len : 0;
            size_t take = len < want ? len : want;
            if (take && (rc = gla_buf_put(&d->sniff, in, take)))
                break;
            in += take;
            len -= take;
            d->in_off += take;
            if (d->sniff.len >= d->window)
                rc = settle(d, out, 0);
            break;
        }
        case ST_ASCII: {
            size_t k = 0;
            while (k < len && plain_ascii(in[k]))
                k++;
            if ((rc = pass_ascii(d, out, (const char *)in, k)))
                break;
            in += k;
            len -= k;
            d->in_off += k;
            if (len) {
                d->state = ST_SNIFF;
                d->sniff_at = d->in_off;
            }
            break;
        }
        case ST_DECODE:
            d->in_off += len;
            rc = decode_chunk(d, out, in, len, 0);
            len = 0;
            break;
        default: return GLA_EINTERNAL;
        }
    }
    return rc;
}

static int check_usable(gla_decoder *d)
{
    if (d->state == ST_FAILED) {
        if (!d->errmsg[0])
            snprintf(d->errmsg, sizeof d->errmsg, "decoder failed earlier");
        return GLA_EINVAL;
    }
    if (d->state == ST_DONE) {
        snprintf(d->errmsg, sizeof d->errmsg,
                 "decoder already finished; reset it first");
        return GLA_EINVAL;
    }
    return GLA_OK;
}

int gla_decoder_feed(gla_buf *out, gla_decoder *d, const char *in, size_t len)
{
    if (!d || !out || (!in && len))
        return GLA_EINVAL;
    int rc = check_usable(d);
    if (rc)
        return rc;
    size_t out0 = out->len;
    rc = feed(d, out, (const unsigned char *)in, len);
    d->info.bytes_in = d->in_off;
    d->info.bytes_out += out->len - out0;
    if (rc && d->state != ST_FAILED) {
        if (!d->errmsg[0] || rc == GLA_ENOMEM)
            snprintf(d->errmsg, sizeof d->errmsg, "%s", gla_strerror(rc));
        d->state = ST_FAILED;
    }
    return rc;
}

int gla_decoder_finish(gla_buf *out, gla_decoder *d)
{
    if (!d || !out)
        return GLA_EINVAL;
    int rc = check_usable(d);
    if (rc)
        return rc;
    size_t out0 = out->len;
    d->finishing = 1;
    if (d->state == ST_SNIFF)
        rc = settle(d, out, 1);
    if (!rc && d->state == ST_ASCII) {
        /* Plain ASCII to the end: valid UTF-8. */
        choice c;
        memset(&c, 0, sizeof c);
        set_own(&c.cs, ENC_UTF8);
        c.how = GLA_ENCODING_VALID_UTF8;
        c.confidence = 1.0;
        fill_info(&d->info, &c, d->in_off);
        rc = stage(d, out, 1);
    } else if (!rc && d->state == ST_DECODE) {
        rc = decode_chunk(d, out, (const unsigned char *)"", 0, 1);
    }
    d->finishing = 0;
    d->info.bytes_in = d->in_off;
    d->info.bytes_out += out->len - out0;
    if (rc) {
        if (d->state != ST_FAILED) {
            snprintf(d->errmsg, sizeof d->errmsg, "%s", gla_strerror(rc));
            d->state = ST_FAILED;
        }
        return rc;
    }
    d->state = ST_DONE;
    return GLA_OK;
}

const gla_decode_info *gla_decoder_info(const gla_decoder *d)
{
    return &d->info;
}

const char *gla_decoder_errmsg(const gla_decoder *d)
{
    return d ? d->errmsg : "no decoder";
}

int gla_decode(gla_buf *out, gla_decode_info *info, const char *in, size_t len,
               const gla_decode_opts *opts)
{
    gla_decoder *d;
    int rc = gla_decoder_new(&d, opts);
    if (!rc)
        rc = gla_decoder_feed(out, d, in, len);
    if (!rc)
        rc = gla_decoder_finish(out, d);
    if (info) {
        if (d) {
            *info = d->info;
            snprintf(info->error, sizeof info->error, "%s",
                     rc ? d->errmsg : "");
        } else {
            memset(info, 0, sizeof *info);
            snprintf(info->error, sizeof info->error, "%s", gla_strerror(rc));
        }
    }
    gla_decoder_free(d);
    return rc;
}

int gla_encoding_detect(gla_decode_info *info, const char *in, size_t len,
                        const gla_decode_opts *opts)
{
    static const gla_decode_opts defaults = GLA_DECODE_OPTS_INIT;
    if (!info || (!in && len))
        return GLA_EINVAL;
    if (!opts)
        opts = &defaults;
    memset(info, 0, sizeof *info);
    enc_charset declared;
    int has_declared = opts->from && *opts->from;
    if (has_declared && enc_charset_lookup(&declared, opts->from)) {
        snprintf(info->error, sizeof info->error, "unknown encoding '%.64s'",
                 opts->from);
        return GLA_EENCODING;
    }
    size_t window =
        opts->detect_bytes ? opts->detect_bytes : GLA_DETECT_BYTES_DEFAULT;
    if (window < 4)
        window = 4;
    const unsigned char *s = (const unsigned char *)(in ? in : "");
    /* The same windows a decoder would use: the start, then (if that is
     * plain ASCII) from the first other byte. */
    size_t base = 0, n = len < window ? len : window;
    choice c;
    int rc = decide(&c, s, n, 0, n == len, has_declared ? &declared : NULL);
    if (!rc && c.ascii_wait) {
        base = n;
        while (base < len && plain_ascii(s[base]))
            base++;
        n = len - base < window ? len - base : window;
        rc = decide(&c, s + base, n, base, base + n == len, NULL);
        if (!rc && c.ascii_wait) /* cannot happen: s[base] is not ASCII */
            rc = GLA_EINTERNAL;
    }
    if (rc) {
        snprintf(info->error, sizeof info->error, "%s", gla_strerror(rc));
        return rc;
    }
    fill_info(info, &c, base);
    return GLA_OK;
}
