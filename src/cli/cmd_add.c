/*
 * glossalign add: add one concept with its terms from the command line.
 * Term options (--status, --source, ...) apply to the --term before them,
 * so a whole concept fits in one command.
 */
#include "commands.h"
#include "db_common.h"

#include <getopt.h>
#include <string.h>

static const char add_help[] =
    "usage: glossalign add --entry ID [concept options]\n"
    "                      --term LANG:TEXT [term options] [--term ...]\n"
    "\n"
    "Add a concept and print it as TSV. Example:\n"
    "  glossalign add --entry person.nguyen-van-a --kind person \\\n"
    "    --term vi:'Nguyễn Văn A' --status preferred --source 'seed:002' \\\n"
    "    --term fr:'Nguyen Van A' --type transliteration\n"
    "\n"
    "Concept options:\n"
    "  --entry ID          the entry id: [a-z0-9][a-z0-9._-]* (required)\n"
    "  --kind KIND         term (default), person, organization, place,\n"
    "                      rank, unit, event, acronym\n"
    "  --subject TEXT      subject field\n"
    "  --definition TEXT   definition\n"
    "  --note TEXT         note on the concept\n"
    "  --homonym           may share a key with another concept\n"
    "Term options, for the --term just before:\n"
    "  --status S          preferred, admitted (default), deprecated,\n"
    "                      superseded, forbidden\n"
    "  --type T            fullForm (default), acronym, abbreviation,\n"
    "                      shortForm, variant, transliteration\n"
    "  --pos P             part of speech\n"
    "  --case C            sensitive or insensitive (default: sensitive for\n"
    "                      acronyms)\n"
    "  --term-note TEXT    note on the term\n"
    "  --source TEXT       where the form comes from\n"
    "Other:\n"
    "  --db PATH           the glossary (default: $GLOSSALIGN_DB, else the\n"
    "                      default glossary)\n"
    "  --author NAME       name in the change log (default: $USER)\n"
    "  --dry-run           check and print, write nothing\n"
    "  -h, --help          show this help\n"
    "\n"
    "Exit codes: 0 ok, 2 usage, 3 bad or duplicate entry, 4 database.\n";

enum {
    OPT_ENTRY = OPT_DB_FIRST_FREE,
    OPT_KIND,
    OPT_SUBJECT,
    OPT_DEFINITION,
    OPT_NOTE,
    OPT_HOMONYM,
    OPT_TERM,
    OPT_DB,
    OPT_AUTHOR,
    OPT_DRY
};

int cmd_add(int argc, char **argv)
{
    static const struct option opts[] = {
        {"entry", required_argument, NULL, OPT_ENTRY},
        {"kind", required_argument, NULL, OPT_KIND},
        {"subject", required_argument, NULL, OPT_SUBJECT},
        {"definition", required_argument, NULL, OPT_DEFINITION},
        {"note", required_argument, NULL, OPT_NOTE},
        {"homonym", no_argument, NULL, OPT_HOMONYM},
        {"term", required_argument, NULL, OPT_TERM},
        {"status", required_argument, NULL, OPT_STATUS},
        {"type", required_argument, NULL, OPT_TYPE},
        {"pos", required_argument, NULL, OPT_POS},
        {"case", required_argument, NULL, OPT_CASE},
        {"term-note", required_argument, NULL, OPT_TERM_NOTE},
        {"source", required_argument, NULL, OPT_SOURCE},
        {"db", required_argument, NULL, OPT_DB},
        {"author", required_argument, NULL, OPT_AUTHOR},
        {"dry-run", no_argument, NULL, OPT_DRY},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    gla_entry e;
    memset(&e, 0, sizeof e);
    const char *db_opt = NULL, *author = NULL;
    int dry = 0, c, code = CLI_OK;
    opterr = 0;
    while (code == CLI_OK &&
           (c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        size_t len = optarg ? strlen(optarg) : 0;
        const char *val = (optarg && *optarg) ? optarg : NULL;
        switch (c) {
        case OPT_ENTRY: gla_entry_set_str(&e.ref, optarg, len); break;
        case OPT_KIND:
            if (gla_kind_parse(&e.kind, optarg, len) != GLA_OK)
                code = cli_usage_error("add",
                                       "--kind: '%s' is not term, person, "
                                       "organization, place, rank, unit, "
                                       "event or acronym",
                                       optarg);
            break;
        case OPT_SUBJECT: gla_entry_set_str(&e.subject, val, len); break;
        case OPT_DEFINITION: gla_entry_set_str(&e.definition, val, len); break;
        case OPT_NOTE: gla_entry_set_str(&e.note, val, len); break;
        case OPT_HOMONYM: e.homonym = 1; break;
        case OPT_TERM: {
            char *lang, *text;
            gla_term t;
            memset(&t, 0, sizeof t);
            if (cli_split_term(optarg, &lang, &text) != 0) {
                code = cli_usage_error("add",
                                       "--term: '%s' is not LANG:TEXT (e.g. "
                                       "vi:Hà Nội)",
                                       optarg);
                break;
            }
            t.lang = lang;
            t.text = text;
            if (gla_entry_add_term(&e, &t) != GLA_OK)
                code = CLI_DB;
            break;
        }
        case OPT_STATUS:
        case OPT_TYPE:
        case OPT_POS:
        case OPT_CASE:
        case OPT_TERM_NOTE:
        case OPT_SOURCE:
            if (e.n_terms == 0) {
                code = cli_usage_error("add", "%s must follow a --term",
                                       cli_term_option_name(c));
                break;
            }
            code = cli_term_option("add", &e.terms[e.n_terms - 1], c, optarg);
            break;
        case OPT_DB: db_opt = optarg; break;
        case OPT_AUTHOR: author = optarg; break;
        case OPT_DRY: dry = 1; break;
        case 'h': gla_entry_clear(&e); return cli_help_text(add_help);
        default: code = cli_getopt_error("add", c, argv);
        }
    }
    if (code == CLI_OK && optind < argc)
        code = cli_usage_error("add", "unexpected argument '%s'", argv[optind]);
    if (code == CLI_OK && !e.ref)
        code = cli_usage_error("add", "--entry ID is required");
    if (code == CLI_OK && e.n_terms == 0)
        code = cli_usage_error("add", "at least one --term LANG:TEXT is "
                                      "required");
    if (code != CLI_OK) {
        gla_entry_clear(&e);
        return code;
    }

    gla_db *db = NULL;
    code = cli_db_open(&db, db_opt, 0, author);
    if (code != CLI_OK) {
        gla_entry_clear(&e);
        return code;
    }
    int64_t id = 0;
    gla_entry *stored = NULL;
    int rc = dry ? gla_db_begin(db) : GLA_OK;
    if (rc == GLA_OK)
        rc = gla_db_entry_add(&id, db, &e);
    if (rc == GLA_OK)
        rc = gla_db_entry_get(&stored, db, id);
    if (rc != GLA_OK)
        code = cli_db_fail(db, rc); /* before rollback clears the message */
    if (dry)
        gla_db_rollback(db);
    if (rc == GLA_OK) {
        code = cli_print_entries(&stored, 1);
        if (dry)
            cli_note("dry run: entry '%s' not added", e.ref);
    }
    gla_entry_free(stored);
    gla_entry_clear(&e);
    gla_db_close(db);
    return cli_finish(code);
}
