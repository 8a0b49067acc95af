/*
 * glossalign init: create an empty glossary database, or bring an existing
 * one to the current schema. Safe to run twice.
 */
#include "commands.h"
#include "db_common.h"

#include <getopt.h>
#include <string.h>
#include <sys/stat.h>

static const char init_help[] =
    "usage: glossalign init [--db PATH] [--no-wal] [--quiet]\n"
    "\n"
    "Create an empty glossary at PATH (default: $GLOSSALIGN_DB, else the\n"
    "default glossary). An existing glossary is left as it is, migrated to\n"
    "the current schema if it is older; any other file is refused.\n"
    "\n"
    "  --db PATH   the glossary file\n"
    "  --no-wal    use a rollback journal instead of write-ahead logging, for\n"
    "              a file that will be read from a read-only place\n"
    "  -q, --quiet no message on success\n"
    "  -h, --help  show this help\n"
    "\n"
    "Exit codes: 0 ok, 2 usage, 4 database error.\n";

int cmd_init(int argc, char **argv)
{
    static const struct option opts[] = {
        {"db", required_argument, NULL, 'd'},
        {"no-wal", no_argument, NULL, 'W'},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *db_path = NULL;
    unsigned flags = GLA_DB_CREATE;
    int quiet = 0, c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":qh", opts, NULL)) != -1) {
        switch (c) {
        case 'd': db_path = optarg; break;
        case 'W': flags |= GLA_DB_NO_WAL; break;
        case 'q': quiet = 1; break;
        case 'h': return cli_help_text(init_help);
        default: return cli_getopt_error("init", c, argv);
        }
    }
    if (optind < argc)
        return cli_usage_error("init", "unexpected argument '%s'",
                               argv[optind]);
    const char *path = cli_db_path(db_path);
    struct stat sb;
    int existed = stat(path, &sb) == 0 && sb.st_size > 0;
    gla_db *db = NULL;
    int code = cli_db_open(&db, db_path, flags, NULL);
    if (code != CLI_OK)
        return code;
    if (!quiet) {
        if (existed)
            cli_note("%s: already a glossary (schema version %d)", path,
                     gla_db_schema_version(db));
        else
            cli_note("%s: created an empty glossary (schema version %d)", path,
                     gla_db_schema_version(db));
    }
    gla_db_close(db);
    return cli_finish(CLI_OK);
}
