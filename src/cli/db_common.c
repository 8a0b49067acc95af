/*
 * Shared plumbing of the glossary commands (init, import, export, add,
 * edit, delete, lookup, stats): database selection and opening, error
 * mapping, and the small TSV and JSON writers their output needs.
 */
#include "db_common.h"

#include <getopt.h>
#include <string.h>

const char *cli_db_path(const char *opt)
{
    return (opt && *opt) ? opt : gla_db_default_path();
}

int cli_db_exit(int rc)
{
    switch (rc) {
    case GLA_OK: return CLI_OK;
    case GLA_EINVAL:
    case GLA_EUTF8:
    case GLA_EENCODING:
    case GLA_EPARSE:
    case GLA_ENOTFOUND:
    case GLA_EEXISTS: return CLI_INPUT;
    case GLA_EIO: return CLI_IO;
    default: return CLI_DB;
    }
}

int cli_db_fail(gla_db *db, int rc)
{
    const char *msg = gla_db_errmsg(db);
    cli_error("%s", *msg ? msg : gla_strerror(rc));
    return cli_db_exit(rc);
}

int cli_db_open(gla_db **out, const char *opt_path, unsigned flags,
                const char *author)
{
    const char *path = cli_db_path(opt_path);
    gla_db *db = NULL;
    int rc = gla_db_open(&db, path, flags);
    if (rc == GLA_OK && author)
        rc = gla_db_set_author(db, author);
    if (rc != GLA_OK) {
        cli_error("%s", db ? gla_db_errmsg(db) : "out of memory");
        if (rc == GLA_ENOTFOUND)
            cli_note("create it with 'glossalign init --db %s', or choose "
                     "another with --db or $GLOSSALIGN_DB",
                     path);
        gla_db_close(db);
        *out = NULL;
        return CLI_DB;
    }
    *out = db;
    return CLI_OK;
}

void cli_tsv_field(FILE *out, const char *s)
{
    if (!s)
        return;
    for (; *s; s++) {
        switch (*s) {
        case '\t': fputs("\\t", out); break;
        case '\n': fputs("\\n", out); break;
        case '\r': fputs("\\r", out); break;
        case '\\': fputs("\\\\", out); break;
        default: fputc(*s, out);
        }
    }
}

void cli_json_str(FILE *out, const char *s)
{
    if (!s)
        fputs("null", out);
    else
        gla_json_fquote(out, s, strlen(s));
}

int cli_split_term(char *arg, char **lang, char **text)
{
    char *colon = strchr(arg, ':');
    if (!colon)
        return -1;
    *colon = '\0';
    *lang = arg;
    *text = colon + 1;
    return 0;
}

const char *cli_term_option_name(int opt)
{
    switch (opt) {
    case OPT_STATUS: return "--status";
    case OPT_TYPE: return "--type";
    case OPT_POS: return "--pos";
    case OPT_CASE: return "--case";
    case OPT_TERM_NOTE: return "--term-note";
    case OPT_SOURCE: return "--source";
    default: return "a term option";
    }
}

int cli_term_option(const char *cmd, gla_term *t, int opt, const char *val)
{
    size_t len = strlen(val);
    switch (opt) {
    case OPT_STATUS:
        if (gla_status_parse(&t->status, val, len) != GLA_OK)
            return cli_usage_error(cmd,
                                   "--status: '%s' is not one of preferred, "
                                   "admitted, deprecated, superseded, "
                                   "forbidden",
                                   val);
        return CLI_OK;
    case OPT_TYPE:
        if (gla_type_parse(&t->type, val, len) != GLA_OK)
            return cli_usage_error(cmd,
                                   "--type: '%s' is not one of fullForm, "
                                   "acronym, abbreviation, shortForm, "
                                   "variant, transliteration",
                                   val);
        return CLI_OK;
    case OPT_CASE:
        if (gla_case_parse(&t->case_mode, val, len) != GLA_OK)
            return cli_usage_error(cmd,
                                   "--case: '%s' is not sensitive or "
                                   "insensitive (or empty for the default)",
                                   val);
        return CLI_OK;
    case OPT_POS:
        return gla_entry_set_str(&t->pos, *val ? val : NULL, len) == GLA_OK
                   ? CLI_OK
                   : CLI_DB;
    case OPT_TERM_NOTE:
        return gla_entry_set_str(&t->note, *val ? val : NULL, len) == GLA_OK
                   ? CLI_OK
                   : CLI_DB;
    case OPT_SOURCE:
        return gla_entry_set_str(&t->source, *val ? val : NULL, len) == GLA_OK
                   ? CLI_OK
                   : CLI_DB;
    default: return cli_usage_error(cmd, "unknown term option");
    }
}

int cli_print_entries(gla_entry *const *v, size_t n)
{
    gla_writer *w = NULL;
    int rc = gla_writer_new(&w, GLA_FMT_TSV, stdout, NULL);
    for (size_t i = 0; rc == GLA_OK && i < n; i++)
        rc = gla_writer_put(w, v[i]);
    if (rc == GLA_OK)
        rc = gla_writer_finish(w);
    if (rc != GLA_OK)
        cli_error("cannot print the entry: %s",
                  w ? gla_writer_errmsg(w) : gla_strerror(rc));
    gla_writer_free(w);
    return rc == GLA_OK ? CLI_OK : rc == GLA_EIO ? CLI_IO : CLI_INPUT;
}

int cli_getopt_error(const char *cmd, int opt, char **argv)
{
    const char *arg = argv[optind - 1];
    if (opt == ':')
        return cli_usage_error(cmd, "option '%s' needs a value", arg);
    return cli_usage_error(cmd, "unknown option '%s'", arg);
}

void cli_json_concept(const gla_entry *e,
                      int (*hit)(const void *ctx, const gla_term *t),
                      const void *ctx)
{
    printf("\"entry\":");
    cli_json_str(stdout, e->ref);
    printf(",\"kind\":\"%s\",\"subject\":", gla_kind_name(e->kind));
    cli_json_str(stdout, e->subject);
    printf(",\"definition\":");
    cli_json_str(stdout, e->definition);
    printf(",\"note\":");
    cli_json_str(stdout, e->note);
    printf(",\"homonym\":%s,\"terms\":[", e->homonym ? "true" : "false");
    for (size_t i = 0; i < e->n_terms; i++) {
        const gla_term *t = &e->terms[i];
        printf(i ? ",{\"lang\":" : "{\"lang\":");
        cli_json_str(stdout, t->lang);
        printf(",\"text\":");
        cli_json_str(stdout, t->text);
        printf(",\"status\":\"%s\",\"type\":\"%s\",\"pos\":",
               gla_status_name(t->status), gla_type_name(t->type));
        cli_json_str(stdout, t->pos);
        printf(",\"case\":\"%s\",\"note\":",
               gla_term_case_sensitive(t) ? "sensitive" : "insensitive");
        cli_json_str(stdout, t->note);
        printf(",\"source\":");
        cli_json_str(stdout, t->source);
        printf(",\"hit\":%s}", hit(ctx, t) ? "true" : "false");
    }
    printf("]}\n");
}
