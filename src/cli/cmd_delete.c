/*
 * glossalign delete: delete a concept with all its terms, or one term of
 * it. The change log keeps what was deleted.
 */
#include "commands.h"
#include "db_common.h"

#include <getopt.h>
#include <string.h>

static const char delete_help[] =
    "usage: glossalign delete ENTRY [--term LANG:TEXT] [options]\n"
    "\n"
    "Delete the concept ENTRY (its entry id) with all its terms, or with\n"
    "--term only that term (the exact text). The change log keeps the\n"
    "deleted values.\n"
    "\n"
    "  --term LANG:TEXT  delete this term only\n"
    "  --db PATH         the glossary (default: $GLOSSALIGN_DB, else the\n"
    "                    default glossary)\n"
    "  --author NAME     name in the change log (default: $USER)\n"
    "  --dry-run         report, delete nothing\n"
    "  -h, --help        show this help\n"
    "\n"
    "Exit codes: 0 ok, 2 usage, 3 no such entry or term, 4 database.\n";

int cmd_delete(int argc, char **argv)
{
    static const struct option opts[] = {
        {"term", required_argument, NULL, 't'},
        {"db", required_argument, NULL, 'd'},
        {"author", required_argument, NULL, 'a'},
        {"dry-run", no_argument, NULL, 'n'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *db_opt = NULL, *author = NULL;
    char *term = NULL;
    int dry = 0, c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (c) {
        case 't': term = optarg; break;
        case 'd': db_opt = optarg; break;
        case 'a': author = optarg; break;
        case 'n': dry = 1; break;
        case 'h': return cli_help_text(delete_help);
        default: return cli_getopt_error("delete", c, argv);
        }
    }
    if (optind >= argc)
        return cli_usage_error("delete", "which entry? (delete ENTRY)");
    if (optind + 1 < argc)
        return cli_usage_error("delete", "unexpected argument '%s'",
                               argv[optind + 1]);
    const char *ref = argv[optind];
    char *lang = NULL, *text = NULL;
    if (term && cli_split_term(term, &lang, &text) != 0)
        return cli_usage_error("delete", "--term: '%s' is not LANG:TEXT", term);

    gla_db *db = NULL;
    int code = cli_db_open(&db, db_opt, 0, author);
    if (code != CLI_OK)
        return code;
    gla_entry *e = NULL;
    int rc = gla_db_entry_get_ref(&e, db, ref);
    if (rc != GLA_OK) {
        code = cli_db_fail(db, rc);
        goto out;
    }
    int64_t term_id = 0;
    if (term) {
        for (size_t i = 0; i < e->n_terms && !term_id; i++) {
            const char *a = e->terms[i].lang, *b = lang;
            int same = 1;
            for (; *a || *b; a++, b++) {
                int x = (unsigned char)*a, y = (unsigned char)*b;
                x = (x >= 'A' && x <= 'Z') ? x + 32 : x;
                y = (y >= 'A' && y <= 'Z') ? y + 32 : y;
                if (x != y) {
                    same = 0;
                    break;
                }
            }
            if (same && strcmp(e->terms[i].text, text) == 0)
                term_id = e->terms[i].id;
        }
        if (!term_id) {
            cli_error("entry '%s' has no %s term '%s'", ref, lang, text);
            code = CLI_INPUT;
            goto out;
        }
    }
    rc = dry ? gla_db_begin(db) : GLA_OK;
    if (rc == GLA_OK)
        rc = term ? gla_db_term_delete(db, term_id)
                  : gla_db_entry_delete(db, e->id);
    if (rc != GLA_OK)
        code = cli_db_fail(db, rc); /* before rollback clears the message */
    if (dry)
        gla_db_rollback(db);
    if (rc != GLA_OK)
        goto out;
    if (term)
        cli_note("%sdeleted the %s term '%s' of entry '%s'",
                 dry ? "dry run: would have " : "", lang, text, ref);
    else
        cli_note("%sdeleted entry '%s' and its %zu terms",
                 dry ? "dry run: would have " : "", ref, e->n_terms);
out:
    gla_entry_free(e);
    gla_db_close(db);
    return cli_finish(code);
}
