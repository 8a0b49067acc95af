/*
 * glossalign edit: change a concept's fields, change, add or remove its
 * terms, all in one update (one transaction, logged row by row). Terms are
 * named LANG:TEXT, matched exactly or else by their K1 key.
 */
#include "commands.h"
#include "db_common.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static const char edit_help[] =
    "usage: glossalign edit ENTRY [options]\n"
    "\n"
    "Change the concept ENTRY (its entry id) and print it as TSV.\n"
    "Examples:\n"
    "  glossalign edit rank.thuong-tuong --term 'fr:lieutenant-général "
    "supérieur' \\\n"
    "    --status deprecated --term-note 'older press usage'\n"
    "  glossalign edit org.minuss --add-term en:UNMISS --type acronym\n"
    "\n"
    "Concept options (an empty value clears the field):\n"
    "  --kind KIND, --subject TEXT, --definition TEXT, --note TEXT\n"
    "  --homonym yes|no\n"
    "  --rename NEW-ID     change the entry id\n"
    "Terms:\n"
    "  --term LANG:TEXT        select a term to change (exact text, else the\n"
    "                          same K1 key: case and tone placement ignored)\n"
    "  --add-term LANG:TEXT    add a term\n"
    "  --remove-term LANG:TEXT remove a term\n"
    "Term options, for the --term or --add-term just before:\n"
    "  --text TEXT (--term only), --status S, --type T, --pos P, --case C,\n"
    "  --term-note TEXT, --source TEXT (see 'glossalign add --help')\n"
    "Other:\n"
    "  --db PATH, --author NAME, --dry-run (print, write nothing)\n"
    "  -h, --help          show this help\n"
    "\n"
    "Exit codes: 0 ok, 2 usage, 3 no such entry or term, invalid value,\n"
    "4 database.\n";

enum {
    OPT_KIND = OPT_DB_FIRST_FREE,
    OPT_SUBJECT,
    OPT_DEFINITION,
    OPT_NOTE,
    OPT_HOMONYM,
    OPT_RENAME,
    OPT_TERM,
    OPT_ADD_TERM,
    OPT_REMOVE_TERM,
    OPT_TEXT,
    OPT_DB,
    OPT_AUTHOR,
    OPT_DRY
};

/* Language tags compare without regard to ASCII case. */
static int strcasecmp_ascii(const char *a, const char *b)
{
    for (;; a++, b++) {
        int x = (unsigned char)*a, y = (unsigned char)*b;
        if (x >= 'A' && x <= 'Z')
            x += 32;
        if (y >= 'A' && y <= 'Z')
            y += 32;
        if (x != y || !x)
            return x - y;
    }
}

/* The index of the term LANG:TEXT in `e`: the same text, else the only one
 * with the same K1 key. -1 after a message when none or several. */
static long find_term(const gla_entry *e, const char *lang, const char *text)
{
    for (size_t i = 0; i < e->n_terms; i++)
        if (strcasecmp_ascii(e->terms[i].lang, lang) == 0 &&
            strcmp(e->terms[i].text, text) == 0)
            return (long)i;
    gla_buf want = GLA_BUF_INIT, key = GLA_BUF_INIT;
    long found = -1;
    int many = 0;
    if (gla_normalize_to_buf(&want, NULL, GLA_K1, text, strlen(text)) ==
        GLA_OK) {
        for (size_t i = 0; i < e->n_terms; i++) {
            gla_buf_clear(&key);
            if (strcasecmp_ascii(e->terms[i].lang, lang) != 0 ||
                gla_normalize_to_buf(&key, NULL, GLA_K1, e->terms[i].text,
                                     strlen(e->terms[i].text)) != GLA_OK ||
                key.len != want.len ||
                memcmp(key.data, want.data, key.len) != 0)
                continue;
            if (found >= 0)
                many = 1;
            found = (long)i;
        }
    }
    gla_buf_dispose(&want);
    gla_buf_dispose(&key);
    if (many) {
        cli_error("entry '%s': several %s terms match '%s'; give the exact "
                  "text",
                  e->ref, lang, text);
        return -1;
    }
    if (found < 0)
        cli_error("entry '%s' has no %s term '%s'", e->ref, lang, text);
    return found;
}

int cmd_edit(int argc, char **argv)
{
    static const struct option opts[] = {
        {"kind", required_argument, NULL, OPT_KIND},
        {"subject", required_argument, NULL, OPT_SUBJECT},
        {"definition", required_argument, NULL, OPT_DEFINITION},
        {"note", required_argument, NULL, OPT_NOTE},
        {"homonym", required_argument, NULL, OPT_HOMONYM},
        {"rename", required_argument, NULL, OPT_RENAME},
        {"term", required_argument, NULL, OPT_TERM},
        {"add-term", required_argument, NULL, OPT_ADD_TERM},
        {"remove-term", required_argument, NULL, OPT_REMOVE_TERM},
        {"text", required_argument, NULL, OPT_TEXT},
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
    const char *db_opt = NULL, *author = NULL;
    int dry = 0, c;
    /* First pass: only what is needed to open the store and find ENTRY. */
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        if (c == 'h')
            return cli_help_text(edit_help);
        if (c == OPT_DB)
            db_opt = optarg;
        else if (c == OPT_AUTHOR)
            author = optarg;
        else if (c == OPT_DRY)
            dry = 1;
        else if (c == '?' || c == ':')
            return cli_getopt_error("edit", c, argv);
    }
    if (optind >= argc)
        return cli_usage_error("edit", "which entry? (edit ENTRY [options])");
    if (optind + 1 < argc)
        return cli_usage_error("edit", "unexpected argument '%s'",
                               argv[optind + 1]);
    const char *ref = argv[optind];

    gla_db *db = NULL;
    int code = cli_db_open(&db, db_opt, 0, author);
    if (code != CLI_OK)
        return code;
    gla_entry *old = NULL;
    gla_entry e;
    memset(&e, 0, sizeof e);
    int rc = gla_db_entry_get_ref(&old, db, ref);
    if (rc != GLA_OK) {
        code = cli_db_fail(db, rc);
        goto out;
    }
    if (gla_entry_copy(&e, old) != GLA_OK) {
        code = cli_db_fail(db, GLA_ENOMEM);
        goto out;
    }

    /* Second pass: apply the changes in order. */
    long cur = -1; /* the term the term options apply to */
    int cur_added = 0;
    optind = 0;
    while (code == CLI_OK &&
           (c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        size_t len = optarg ? strlen(optarg) : 0;
        const char *val = (optarg && *optarg) ? optarg : NULL;
        char *lang, *text;
        switch (c) {
        case OPT_KIND:
            if (gla_kind_parse(&e.kind, optarg, len) != GLA_OK)
                code = cli_usage_error("edit", "--kind: '%s' is not a kind",
                                       optarg);
            break;
        case OPT_SUBJECT: gla_entry_set_str(&e.subject, val, len); break;
        case OPT_DEFINITION: gla_entry_set_str(&e.definition, val, len); break;
        case OPT_NOTE: gla_entry_set_str(&e.note, val, len); break;
        case OPT_HOMONYM:
            if (strcmp(optarg, "yes") == 0)
                e.homonym = 1;
            else if (strcmp(optarg, "no") == 0 || !*optarg)
                e.homonym = 0;
            else
                code = cli_usage_error("edit", "--homonym: yes or no");
            break;
        case OPT_RENAME: gla_entry_set_str(&e.ref, optarg, len); break;
        case OPT_TERM:
        case OPT_REMOVE_TERM:
        case OPT_ADD_TERM:
            if (cli_split_term(optarg, &lang, &text) != 0) {
                code = cli_usage_error("edit", "'%s' is not LANG:TEXT", optarg);
                break;
            }
            if (c == OPT_ADD_TERM) {
                gla_term t;
                memset(&t, 0, sizeof t);
                t.lang = lang;
                t.text = text;
                if (gla_entry_add_term(&e, &t) != GLA_OK)
                    code = CLI_DB;
                cur = (long)e.n_terms - 1;
                cur_added = 1;
                break;
            }
            cur = find_term(&e, lang, text);
            cur_added = 0;
            if (cur < 0) {
                code = CLI_INPUT;
                break;
            }
            if (c == OPT_REMOVE_TERM) {
                gla_term gone = e.terms[cur];
                memmove(&e.terms[cur], &e.terms[cur + 1],
                        (e.n_terms - (size_t)cur - 1) * sizeof gone);
                e.terms[e.n_terms - 1] = gone;
                /* Keep it allocated past n_terms; freed below. */
                e.n_terms--;
                free(gone.lang);
                free(gone.text);
                free(gone.pos);
                free(gone.note);
                free(gone.source);
                memset(&e.terms[e.n_terms], 0, sizeof gone);
                cur = -1;
            }
            break;
        case OPT_TEXT:
            if (cur < 0 || cur_added) {
                code = cli_usage_error("edit", "--text must follow a --term");
                break;
            }
            gla_entry_set_str(&e.terms[cur].text, optarg, len);
            break;
        case OPT_STATUS:
        case OPT_TYPE:
        case OPT_POS:
        case OPT_CASE:
        case OPT_TERM_NOTE:
        case OPT_SOURCE:
            if (cur < 0) {
                code = cli_usage_error("edit",
                                       "%s must follow a --term or --add-term",
                                       cli_term_option_name(c));
                break;
            }
            code = cli_term_option("edit", &e.terms[cur], c, optarg);
            break;
        default: break; /* handled in the first pass */
        }
    }
    if (code != CLI_OK)
        goto out;

    gla_entry *stored = NULL;
    rc = dry ? gla_db_begin(db) : GLA_OK;
    if (rc == GLA_OK)
        rc = gla_db_entry_update(db, &e);
    if (rc == GLA_OK)
        rc = gla_db_entry_get(&stored, db, old->id);
    if (rc != GLA_OK)
        code = cli_db_fail(db, rc); /* before rollback clears the message */
    if (dry)
        gla_db_rollback(db);
    if (rc == GLA_OK)
        code = cli_print_entries(&stored, 1);
    if (rc == GLA_OK && dry)
        cli_note("dry run: entry '%s' not changed", ref);
    gla_entry_free(stored);
out:
    gla_entry_free(old);
    gla_entry_clear(&e);
    gla_db_close(db);
    return cli_finish(code);
}
