/*
 * glossalign normalize: print each line's key at one level, or its tokens
 * with their keys as TSV. Streams line by line, so memory stays bounded by
 * the longest line whatever the size of the file; a line longer than
 * NORMALIZE_LINE_MAX is refused before it is buffered whole.
 */
#include "cli.h"
#include "commands.h"

#include <stdlib.h>
#include <string.h>

/* Longest line accepted, in bytes: a key with its byte map takes about
 * six times the line (400 MB at worst); with --tokens every token costs
 * some 60 bytes more, so the limit is lower there (250 MB at worst). */
#define NORMALIZE_LINE_MAX ((size_t)64 << 20)
#define NORMALIZE_TOKENS_LINE_MAX ((size_t)8 << 20)

static const char normalize_help[] =
    "usage: glossalign normalize [--level LEVEL] [--tokens] [FILE|-]\n"
    "\n"
    "Print the key of every line of FILE (standard input when FILE is '-'\n"
    "or missing), one output line per input line.\n"
    "\n"
    "  --level LEVEL  k0 (display), k1 (exact), k2 (loose, the default),\n"
    "                 compact (k2 without spaces) or k3 (transliteration)\n"
    "  --tokens       print the tokens instead, as TSV with a header:\n"
    "                 start, end (byte offsets in the file), surface, key\n"
    "                 (at LEVEL), flags (comma-separated)\n"
    "  -h, --help     show this help\n"
    "\n"
    "The input must be UTF-8 (a CR before each LF is dropped); for any\n"
    "other encoding run 'glossalign convert' first. Exit codes: 0 ok,\n"
    "2 usage, 3 invalid UTF-8 (reported with line and byte offset), 5 I/O.\n";

typedef struct nctx {
    const char *path;  /* input name for messages */
    gla_level level;   /* key level to print */
    int tokens;        /* --tokens */
    gla_normalizer *n; /* builds the keys */
    gla_tokenizer *t;  /* cuts the tokens */
    gla_tokens toks;   /* tokens of the current line */
} nctx;

/* Write a TSV field: tab, newline, CR and backslash escaped as in
 * docs/TSV-FORMAT.md. */
static void put_field(const char *s, size_t len)
{
    size_t run = 0;
    for (size_t k = 0; k < len; k++) {
        const char *esc = NULL;
        switch (s[k]) {
        case '\t': esc = "\\t"; break;
        case '\n': esc = "\\n"; break;
        case '\r': esc = "\\r"; break;
        case '\\': esc = "\\\\"; break;
        }
        if (!esc)
            continue;
        fwrite(s + run, 1, k - run, stdout);
        fputs(esc, stdout);
        run = k + 1;
    }
    fwrite(s + run, 1, len - run, stdout);
}

static void put_flags(unsigned flags)
{
    int first = 1;
    for (unsigned bit = 1; bit && bit <= flags; bit <<= 1) {
        const char *name = (flags & bit) ? gla_token_flag_name(bit) : NULL;
        if (!name)
            continue;
        if (!first)
            fputc(',', stdout);
        fputs(name, stdout);
        first = 0;
    }
}

static int report_utf8(const nctx *c, size_t lineno, size_t line_off,
                       size_t rel, unsigned char byte)
{
    cli_error("%s:%zu: invalid UTF-8 at byte offset %zu (byte 0x%02X); the "
              "input must be UTF-8",
              cli_input_name(c->path), lineno, line_off + rel, byte);
    cli_note("run 'glossalign convert' first to decode other encodings");
    return CLI_INPUT;
}

static int do_line(nctx *c, const char *s, size_t len, size_t lineno,
                   size_t line_off)
{
    gla_key k;
    int rc;
    if (len > GLA_NORMALIZE_MAX) {
        cli_error("%s:%zu: line of %zu bytes is too long",
                  cli_input_name(c->path), lineno, len);
        return CLI_INPUT;
    }
    if (!c->tokens) {
        rc = gla_normalize(&k, c->n, c->level, s, len);
        if (rc == GLA_EUTF8) {
            size_t bad = gla_normalizer_error_offset(c->n);
            return report_utf8(c, lineno, line_off, bad, (unsigned char)s[bad]);
        }
        if (rc) {
            cli_error("%s:%zu: %s", cli_input_name(c->path), lineno,
                      gla_normalizer_errmsg(c->n));
            return rc == GLA_ENOMEM ? CLI_IO : cli_exit_for(rc);
        }
        fwrite(k.s, 1, k.len, stdout);
        fputc('\n', stdout);
        return CLI_OK;
    }
    rc = gla_tokenize(&c->toks, c->t, s, len);
    if (rc == GLA_EUTF8) {
        /* The normaliser finds the same byte and tells its offset. */
        if (gla_normalize(&k, c->n, GLA_K0, s, len) == GLA_EUTF8) {
            size_t bad = gla_normalizer_error_offset(c->n);
            return report_utf8(c, lineno, line_off, bad, (unsigned char)s[bad]);
        }
        cli_error("%s:%zu: %s", cli_input_name(c->path), lineno,
                  gla_tokenizer_errmsg(c->t));
        return CLI_INPUT;
    }
    if (rc) {
        cli_error("%s:%zu: %s", cli_input_name(c->path), lineno,
                  gla_strerror(rc));
        return CLI_IO;
    }
    for (size_t q = 0; q < c->toks.n; q++) {
        const gla_token *tk = &c->toks.v[q];
        rc = gla_token_key(&k, c->n, c->level, s, tk);
        if (rc) {
            cli_error("%s:%zu: %s", cli_input_name(c->path), lineno,
                      gla_normalizer_errmsg(c->n));
            return CLI_IO;
        }
        printf("%zu\t%zu\t", line_off + tk->start, line_off + tk->end);
        put_field(s + tk->start, tk->end - tk->start);
        fputc('\t', stdout);
        put_field(k.s, k.len);
        fputc('\t', stdout);
        put_flags(tk->flags);
        fputc('\n', stdout);
    }
    return CLI_OK;
}

/* Read FILE line by line and hand each line to do_line(). */
static int run_lines(nctx *c, FILE *f)
{
    gla_buf b = GLA_BUF_INIT;
    size_t pos = 0;      /* start of the unread part of b */
    size_t file_off = 0; /* file offset of b.data[0] */
    size_t lineno = 0;
    int eof = 0, code = CLI_OK;
    size_t max = c->tokens ? NORMALIZE_TOKENS_LINE_MAX : NORMALIZE_LINE_MAX;
    while (code == CLI_OK) {
        char *nl = b.len > pos ? memchr(b.data + pos, '\n', b.len - pos) : NULL;
        /* Refused as soon as that much is buffered, or once its end is
         * found (the last read may have brought the whole line in). */
        if ((nl ? (size_t)(nl - (b.data + pos)) : b.len - pos) > max) {
            cli_error("%s:%zu: line longer than %zu bytes at byte offset %zu",
                      cli_input_name(c->path), lineno + 1, max,
                      file_off + pos);
            cli_note("cut the text into lines (paragraphs) first");
            code = CLI_INPUT;
            break;
        }
        if (!nl && !eof) {
            /* Keep the partial line, read more. */
            if (pos > 0) {
                memmove(b.data, b.data + pos, b.len - pos);
                b.len -= pos;
                file_off += pos;
                pos = 0;
            }
            if (gla_buf_grow(&b, 65536) != GLA_OK) {
                cli_error("%s: out of memory", cli_input_name(c->path));
                code = CLI_IO;
                break;
            }
            size_t got = fread(b.data + b.len, 1, b.cap - b.len - 1, f);
            b.len += got;
            if (got == 0) {
                if (ferror(f)) {
                    cli_error("cannot read '%s'", cli_input_name(c->path));
                    code = CLI_IO;
                    break;
                }
                eof = 1;
            }
            continue;
        }
        size_t end = nl ? (size_t)(nl - b.data) : b.len;
        if (!nl && end == pos)
            break; /* end of input */
        size_t line_len = end - pos;
        if (line_len > 0 && b.data[pos + line_len - 1] == '\r')
            line_len--;
        lineno++;
        code = do_line(c, b.data + pos, line_len, lineno, file_off + pos);
        pos = nl ? end + 1 : end;
    }
    gla_buf_dispose(&b);
    return code;
}

int cmd_normalize(int argc, char **argv)
{
    nctx c = {NULL, GLA_K2, 0, NULL, NULL, GLA_TOKENS_INIT};
    int only_files = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!only_files && (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0))
            return cli_help_text(normalize_help);
        if (!only_files && strcmp(a, "--") == 0) {
            only_files = 1;
        } else if (!only_files && strcmp(a, "--tokens") == 0) {
            c.tokens = 1;
        } else if (!only_files && (strcmp(a, "--level") == 0 ||
                                   strncmp(a, "--level=", 8) == 0)) {
            const char *v = a[7] == '=' ? a + 8 : NULL;
            if (!v) {
                if (i + 1 >= argc)
                    return cli_usage_error("normalize",
                                           "--level needs a value");
                v = argv[++i];
            }
            if (gla_level_parse(&c.level, v) != GLA_OK)
                return cli_usage_error(
                    "normalize",
                    "unknown level '%s' (k0, k1, k2, compact or k3)", v);
        } else if (!only_files && a[0] == '-' && a[1] != '\0') {
            return cli_usage_error("normalize", "unknown option '%s'", a);
        } else if (c.path) {
            return cli_usage_error("normalize", "only one FILE, please");
        } else {
            c.path = a;
        }
    }
    if (gla_normalizer_new(&c.n) != GLA_OK ||
        gla_tokenizer_new(&c.t) != GLA_OK) {
        cli_error("out of memory");
        gla_normalizer_free(c.n);
        return CLI_IO;
    }
    FILE *f = cli_open_input(c.path);
    int code = CLI_IO;
    if (f) {
        if (c.tokens)
            fputs("start\tend\tsurface\tkey\tflags\n", stdout);
        code = run_lines(&c, f);
        cli_close_input(f);
    }
    gla_tokens_dispose(&c.toks);
    gla_tokenizer_free(c.t);
    gla_normalizer_free(c.n);
    return cli_finish(code);
}
