/*
 * Message helpers and input plumbing shared by every command. The library
 * never prints; everything a person reads on stderr comes through here.
 */
#include "cli.h"

#include <errno.h>
#include <stdarg.h>
#include <string.h>

static void vmessage(const char *kind, const char *fmt, va_list ap)
{
    fprintf(stderr, "glossalign: %s: ", kind);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
}

void cli_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vmessage("error", fmt, ap);
    va_end(ap);
}

void cli_warn(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vmessage("warning", fmt, ap);
    va_end(ap);
}

void cli_note(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vmessage("note", fmt, ap);
    va_end(ap);
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vmessage("error", fmt, ap);
    va_end(ap);
    if (cmd)
        fprintf(stderr, "Try 'glossalign %s --help'.\n", cmd);
    else
        fprintf(stderr, "Try 'glossalign help'.\n");
    return CLI_USAGE;
}

int cli_exit_for(int rc)
{
    switch (rc) {
    case GLA_OK: return CLI_OK;
    case GLA_EINVAL: return CLI_USAGE;
    case GLA_EUTF8:
    case GLA_EENCODING:
    case GLA_EPARSE:
    case GLA_ENOTFOUND:
    case GLA_EEXISTS: return CLI_INPUT;
    case GLA_EDB: return CLI_DB;
    case GLA_EIO: return CLI_IO;
    default: return CLI_DB;
    }
}

int cli_finish(int code)
{
    if (fflush(stdout) != 0 || ferror(stdout)) {
        /* A closed pipe is the reader's choice, not our failure. */
        if (errno == EPIPE)
            return code;
        cli_error("cannot write to standard output: %s", strerror(errno));
        return CLI_IO;
    }
    return code;
}

const char *cli_input_name(const char *path)
{
    return (!path || strcmp(path, "-") == 0) ? "<stdin>" : path;
}

FILE *cli_open_input(const char *path)
{
    if (!path || strcmp(path, "-") == 0)
        return stdin;
    FILE *f = fopen(path, "rb");
    if (!f)
        cli_error("cannot open '%s': %s", path, strerror(errno));
    return f;
}

void cli_close_input(FILE *f)
{
    if (f && f != stdin)
        fclose(f);
}

int cli_read_all(gla_buf *out, const char *path)
{
    FILE *f = cli_open_input(path);
    if (!f)
        return CLI_IO;
    for (;;) {
        if (gla_buf_grow(out, 65536) != GLA_OK) {
            cli_error("%s: out of memory", cli_input_name(path));
            cli_close_input(f);
            return CLI_IO;
        }
        size_t n = fread(out->data + out->len, 1, out->cap - out->len - 1, f);
        out->len += n;
        out->data[out->len] = '\0';
        if (n == 0)
            break;
    }
    int bad = ferror(f);
    cli_close_input(f);
    if (bad) {
        cli_error("cannot read '%s': %s", cli_input_name(path), strerror(errno));
        return CLI_IO;
    }
    return CLI_OK;
}

int cli_help_text(const char *text)
{
    fputs(text, stdout);
    return cli_finish(CLI_OK);
}
