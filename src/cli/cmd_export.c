/*
 * glossalign export: write the whole glossary in an exchange format, one
 * concept at a time in ref order. With -o the file appears only once it is
 * complete (written aside, then renamed).
 */
#define _POSIX_C_SOURCE 200809L

#include "commands.h"
#include "db_common.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char export_help[] =
    "usage: glossalign export [options]\n"
    "\n"
    "Write every concept of the glossary, in entry-id order.\n"
    "\n"
    "  --db PATH         the glossary (default: $GLOSSALIGN_DB, else the\n"
    "                    default glossary)\n"
    "  --format FORMAT   tsv (the default; lossless, docs/TSV-FORMAT.md),\n"
    "                    omegat, csv, tbx or jsonl\n"
    "  --lang LANG       OmegaT/CSV source language (fr); TBX xml:lang\n"
    "  --target LANG     OmegaT/CSV target language (vi)\n"
    "  -o, --output FILE write FILE (complete or not at all) instead of\n"
    "                    standard output\n"
    "  -h, --help        show this help\n"
    "\n"
    "Exit codes: 0 ok, 2 usage, 3 a concept the format cannot hold,\n"
    "4 database, 5 I/O.\n";

int cmd_export(int argc, char **argv)
{
    static const struct option opts[] = {
        {"db", required_argument, NULL, 'd'},
        {"format", required_argument, NULL, 'f'},
        {"lang", required_argument, NULL, 'l'},
        {"target", required_argument, NULL, 't'},
        {"output", required_argument, NULL, 'o'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *db_opt = NULL, *output = NULL;
    gla_format fmt = GLA_FMT_TSV;
    gla_write_opts wo = GLA_WRITE_OPTS_INIT;
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":o:h", opts, NULL)) != -1) {
        switch (c) {
        case 'd': db_opt = optarg; break;
        case 'f':
            if (gla_format_parse(&fmt, optarg) != GLA_OK || fmt == GLA_FMT_AUTO)
                return cli_usage_error("export",
                                       "--format: '%s' is not tsv, omegat, "
                                       "csv, tbx or jsonl",
                                       optarg);
            break;
        case 'l': wo.src_lang = wo.xml_lang = optarg; break;
        case 't': wo.tgt_lang = optarg; break;
        case 'o': output = optarg; break;
        case 'h': return cli_help_text(export_help);
        default: return cli_getopt_error("export", c, argv);
        }
    }
    if (optind < argc)
        return cli_usage_error("export", "unexpected argument '%s'",
                               argv[optind]);

    gla_db *db = NULL;
    int code = cli_db_open(&db, db_opt, GLA_DB_READONLY, NULL);
    if (code != CLI_OK)
        return code;

    FILE *out = stdout;
    char tmp[4096] = "";
    if (output && strcmp(output, "-") != 0) {
        snprintf(tmp, sizeof tmp, "%s.tmp%ld", output, (long)getpid());
        out = fopen(tmp, "wb");
        if (!out) {
            cli_error("cannot create '%s': %s", tmp, strerror(errno));
            gla_db_close(db);
            return CLI_IO;
        }
    }
    gla_writer *w = NULL;
    gla_db_iter *it = NULL;
    gla_entry *e = NULL;
    int rc = gla_writer_new(&w, fmt, out, &wo);
    if (rc != GLA_OK) {
        cli_error("cannot write %s: %s", gla_format_name(fmt),
                  gla_strerror(rc));
        code = CLI_USAGE;
        goto done;
    }
    if ((rc = gla_db_iter_new(&it, db, GLA_DB_ORDER_REF)) != GLA_OK) {
        code = cli_db_fail(db, rc);
        goto done;
    }
    while ((rc = gla_db_iter_next(&e, it)) == GLA_OK) {
        rc = gla_writer_put(w, e);
        if (rc != GLA_OK) {
            cli_error("entry '%s': %s", e->ref, gla_writer_errmsg(w));
            code = rc == GLA_EIO      ? CLI_IO
                   : rc == GLA_ENOMEM ? CLI_DB
                                      : CLI_INPUT;
            break;
        }
        gla_entry_free(e);
        e = NULL;
    }
    if (rc == GLA_ITEROVER) {
        rc = gla_writer_finish(w);
        if (rc != GLA_OK) {
            cli_error("cannot write: %s", gla_writer_errmsg(w));
            code = CLI_IO;
        }
    } else if (code == CLI_OK) {
        code = cli_db_fail(db, rc);
    }
    if (code == CLI_OK) {
        const gla_write_stats *ws = gla_writer_stats(w);
        if (ws->lossy)
            cli_warn("%zu values could not be written in %s (see "
                     "docs/FORMATS.md); use --format tsv for a lossless "
                     "copy",
                     ws->lossy, gla_format_name(fmt));
    }
done:
    gla_entry_free(e);
    gla_db_iter_free(it);
    gla_writer_free(w);
    gla_db_close(db);
    if (out != stdout) {
        if (fclose(out) != 0 && code == CLI_OK) {
            cli_error("cannot write '%s': %s", tmp, strerror(errno));
            code = CLI_IO;
        }
        if (code == CLI_OK && rename(tmp, output) != 0) {
            cli_error("cannot rename '%s' to '%s': %s", tmp, output,
                      strerror(errno));
            code = CLI_IO;
        }
        if (code != CLI_OK)
            unlink(tmp);
        return code;
    }
    return cli_finish(code);
}
