/*
 * Shared pieces of the command line: exit codes, the three message helpers,
 * option-parsing conventions and input helpers. Commands include this and
 * <glossalign.h>, nothing else of the library.
 */
#ifndef GLA_CLI_H
#define GLA_CLI_H

#include <glossalign.h>
#include <stdio.h>

enum {
    CLI_OK = 0,       /* success */
    CLI_FINDINGS = 1, /* ran, and found something (check) */
    CLI_USAGE = 2,    /* bad command line */
    CLI_INPUT = 3,    /* bad input, reported with file:line:col or offset */
    CLI_DB = 4,       /* database error */
    CLI_IO = 5        /* read or write failure */
};

/* One command: `glossalign NAME ...`. */
typedef struct cli_command {
    const char *name;    /* as typed */
    int (*run)(int argc, char **argv); /* argv[0] is the command name */
    const char *summary; /* one line for `glossalign help` */
} cli_command;

#if defined(__GNUC__)
#define CLI_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define CLI_PRINTF(a, b)
#endif

/* "glossalign: error: ..." on stderr. */
void cli_error(const char *fmt, ...) CLI_PRINTF(1, 2);
/* "glossalign: warning: ..." on stderr. */
void cli_warn(const char *fmt, ...) CLI_PRINTF(1, 2);
/* "glossalign: note: ..." on stderr. */
void cli_note(const char *fmt, ...) CLI_PRINTF(1, 2);
/* An error, then "Try 'glossalign CMD --help'."; returns CLI_USAGE. */
int cli_usage_error(const char *cmd, const char *fmt, ...) CLI_PRINTF(2, 3);

/* Map a library result code to an exit code. */
int cli_exit_for(int rc);

/* Flush stdout and report a write failure (full disk, closed pipe): the
 * exit code to use, `code` when all is well. */
int cli_finish(int code);

/* Open FILE for reading, "-" or NULL meaning stdin. NULL on failure, after
 * printing an error naming the file. */
FILE *cli_open_input(const char *path);
/* Close what cli_open_input() opened (never stdin). */
void cli_close_input(FILE *f);
/* The name to use in messages for an input path. */
const char *cli_input_name(const char *path);

/* Read a whole file (or stdin) into `out`. CLI_OK or an exit code, after
 * printing an error. */
int cli_read_all(gla_buf *out, const char *path);

/* Print the help text of a command and return CLI_OK. */
int cli_help_text(const char *text);

#endif
