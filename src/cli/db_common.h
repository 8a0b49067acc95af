/*
 * What the glossary commands share: choosing and opening the database
 * (--db, $GLOSSALIGN_DB, the default), reporting library errors with the
 * right exit code, TSV and JSON output of concepts, and term options.
 */
#ifndef GLA_CLI_DB_COMMON_H
#define GLA_CLI_DB_COMMON_H

#include "cli.h"

/* The path a command uses: `opt` (--db) when given, else the default. */
const char *cli_db_path(const char *opt);

/* Open the glossary for a command; on failure print why and return the
 * exit code (the handle is closed). `author` (--author) may be NULL. */
int cli_db_open(gla_db **out, const char *opt_path, unsigned flags,
                const char *author);

/* Print gla_db_errmsg() as an error and return the exit code for `rc`:
 * 3 for bad input (invalid, exists, not found), 4 for the database. */
int cli_db_fail(gla_db *db, int rc);

/* Exit code for a library result about user input (3) or the store (4). */
int cli_db_exit(int rc);

/* Write `s` as a TSV field (\t \n \r \\ escaped), "" for NULL. */
void cli_tsv_field(FILE *out, const char *s);
/* Write `s` as a JSON string, or null for NULL. */
void cli_json_str(FILE *out, const char *s);

/* Print a concept as the rest of a lookup JSON line: from "entry" to the
 * closing brace and newline. `hit(ctx, t)` says whether term `t` is the one
 * the query matched. */
void cli_json_concept(const gla_entry *e,
                      int (*hit)(const void *ctx, const gla_term *t),
                      const void *ctx);

/* Split "LANG:TEXT" into a language and a text (pointers into `arg`, the
 * colon replaced by a NUL). 0 on success, -1 when there is no colon. */
int cli_split_term(char *arg, char **lang, char **text);

/* The term options shared by add and edit; each applies to `t`. Returns
 * CLI_OK or CLI_USAGE after a message naming the option. */
int cli_term_option(const char *cmd, gla_term *t, int opt, const char *val);

/* "--status" for OPT_STATUS, and so on. */
const char *cli_term_option_name(int opt);

/* getopt values of the term options. */
enum {
    OPT_STATUS = 0x100,
    OPT_TYPE,
    OPT_POS,
    OPT_CASE,
    OPT_TERM_NOTE,
    OPT_SOURCE,
    OPT_DB_FIRST_FREE /* first value free for a command's own options */
};

/* Print concepts as the lossless TSV (docs/TSV-FORMAT.md) on stdout,
 * with its header, through the io writer. CLI_OK or an exit code after a
 * message. */
int cli_print_entries(gla_entry *const *v, size_t n);

/* Report an unknown option or a missing argument the getopt way, for
 * commands that set opterr = 0. Returns CLI_USAGE. */
int cli_getopt_error(const char *cmd, int opt, char **argv);

#endif
