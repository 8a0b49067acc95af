/*
 * glossalign stats: how many concepts and terms, by kind, language and
 * status, with the schema version. TSV with a header, or one JSON object.
 */
#include "commands.h"
#include "db_common.h"

#include <getopt.h>
#include <string.h>

static const char stats_help[] =
    "usage: glossalign stats [--db PATH] [--json]\n"
    "\n"
    "Count the glossary's concepts and terms. TSV columns: what (schema,\n"
    "entries, terms, changes, kind, lang, status), lang, name, count.\n"
    "\n"
    "  --db PATH   the glossary (default: $GLOSSALIGN_DB, else the default\n"
    "              glossary)\n"
    "  --json      one JSON object instead: schema_version, entries, terms,\n"
    "              changes, kinds {kind: n}, langs {lang: n},\n"
    "              statuses {lang: {status: n}}\n"
    "  -h, --help  show this help\n"
    "\n"
    "Exit codes: 0 ok, 2 usage, 4 database.\n";

static void print_tsv(const gla_db_stats *s)
{
    printf("what\tlang\tname\tcount\n");
    printf("schema\t\t\t%d\n", s->schema_version);
    printf("entries\t\t\t%lld\n", (long long)s->entries);
    printf("terms\t\t\t%lld\n", (long long)s->terms);
    printf("changes\t\t\t%lld\n", (long long)s->changes);
    for (size_t i = 0; i < s->n_kinds; i++) {
        printf("kind\t\t");
        cli_tsv_field(stdout, s->kinds[i].name);
        printf("\t%lld\n", (long long)s->kinds[i].n);
    }
    for (size_t i = 0; i < s->n_langs; i++) {
        printf("lang\t");
        cli_tsv_field(stdout, s->langs[i].name);
        printf("\t\t%lld\n", (long long)s->langs[i].n);
    }
    for (size_t i = 0; i < s->n_statuses; i++) {
        printf("status\t");
        cli_tsv_field(stdout, s->statuses[i].lang);
        putchar('\t');
        cli_tsv_field(stdout, s->statuses[i].name);
        printf("\t%lld\n", (long long)s->statuses[i].n);
    }
}

static void print_json(const gla_db_stats *s)
{
    printf("{\"schema_version\":%d,\"entries\":%lld,\"terms\":%lld,"
           "\"changes\":%lld,\"kinds\":{",
           s->schema_version, (long long)s->entries, (long long)s->terms,
           (long long)s->changes);
    for (size_t i = 0; i < s->n_kinds; i++) {
        printf(i ? "," : "");
        cli_json_str(stdout, s->kinds[i].name);
        printf(":%lld", (long long)s->kinds[i].n);
    }
    printf("},\"langs\":{");
    for (size_t i = 0; i < s->n_langs; i++) {
        printf(i ? "," : "");
        cli_json_str(stdout, s->langs[i].name);
        printf(":%lld", (long long)s->langs[i].n);
    }
    printf("},\"statuses\":{");
    for (size_t i = 0; i < s->n_statuses; i++) {
        const char *lang = s->statuses[i].lang;
        int first = i == 0 || strcmp(s->statuses[i - 1].lang, lang) != 0;
        if (first) {
            printf(i ? "}," : "");
            cli_json_str(stdout, lang);
            printf(":{");
        } else {
            printf(",");
        }
        cli_json_str(stdout, s->statuses[i].name);
        printf(":%lld", (long long)s->statuses[i].n);
    }
    printf(s->n_statuses ? "}}}\n" : "}}\n");
}

int cmd_stats(int argc, char **argv)
{
    static const struct option opts[] = {
        {"db", required_argument, NULL, 'd'},
        {"json", no_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *db_opt = NULL;
    int json = 0, c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (c) {
        case 'd': db_opt = optarg; break;
        case 'j': json = 1; break;
        case 'h': return cli_help_text(stats_help);
        default: return cli_getopt_error("stats", c, argv);
        }
    }
    if (optind < argc)
        return cli_usage_error("stats", "unexpected argument '%s'",
                               argv[optind]);
    gla_db *db = NULL;
    int code = cli_db_open(&db, db_opt, GLA_DB_READONLY, NULL);
    if (code != CLI_OK)
        return code;
    gla_db_stats *s = NULL;
    int rc = gla_db_stats_get(&s, db);
    if (rc != GLA_OK)
        code = cli_db_fail(db, rc);
    else if (json)
        print_json(s);
    else
        print_tsv(s);
    gla_db_stats_free(s);
    gla_db_close(db);
    return cli_finish(code);
}
