/*
 * glossalign lookup: find the concepts a term or name belongs to, trying
 * the exact key (K1) first, then looser ones, and show each concept with
 * all its terms and which level matched. Exits 1 when nothing matched, as
 * grep does, so scripts can test the result.
 */
#include "commands.h"
#include "db_common.h"
#include "lookup_fuzzy.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static const char lookup_help[] =
    "usage: glossalign lookup [options] QUERY\n"
    "\n"
    "Find the concepts with a term equal to QUERY at the first level that\n"
    "finds any: k1 (match 'exact': case and tone placement ignored), k2\n"
    "('diacritics': accents ignored too), compact ('spacing': spaces\n"
    "ignored too), k3 ('transliteration': Choïgou = Shoigu). Every concept\n"
    "found is printed with all its terms, one row per term, and the 'hit'\n"
    "column marks the terms that matched. When no level finds anything\n"
    "(and --level is not given), the closest names by spelling are shown\n"
    "with match 'fuzzy'.\n"
    "\n"
    "  --lang LANG    match terms of this language only (all terms of the\n"
    "                 concepts found are shown)\n"
    "  --level LEVEL  k1, k2, compact or k3: that level only; all: every\n"
    "                 level, each concept at the best level it matches\n"
    "  --json         JSON Lines, one concept per line\n"
    "  --db PATH      the glossary (default: $GLOSSALIGN_DB, else the\n"
    "                 default glossary)\n"
    "  -h, --help     show this help\n"
    "\n"
    "TSV columns: match, entry, kind, lang, term, status, type, hit, note,\n"
    "source, entry_note.\n"
    "Exit codes: 0 found, 1 nothing matched (with a note on stderr),\n"
    "2 usage, 3 invalid query, 4 database.\n";

static const char *match_name(gla_level level)
{
    switch (level) {
    case GLA_K1: return "exact";
    case GLA_K2: return "diacritics";
    case GLA_K2_COMPACT: return "spacing";
    case GLA_K3: return "transliteration";
    default: return "?";
    }
}

static int is_hit(const gla_db_hits *h, size_t from, int64_t entry_id,
                  int64_t term_id)
{
    for (size_t i = from; i < h->n; i++)
        if (h->v[i].entry_id == entry_id && h->v[i].term_id == term_id)
            return 1;
    return 0;
}

static void print_tsv(const gla_entry *e, gla_level level, const gla_db_hits *h,
                      size_t from)
{
    for (size_t i = 0; i < e->n_terms; i++) {
        const gla_term *t = &e->terms[i];
        printf("%s\t", match_name(level));
        cli_tsv_field(stdout, e->ref);
        printf("\t%s\t", gla_kind_name(e->kind));
        cli_tsv_field(stdout, t->lang);
        putchar('\t');
        cli_tsv_field(stdout, t->text);
        printf("\t%s\t%s\t%s\t", gla_status_name(t->status),
               gla_type_name(t->type),
               is_hit(h, from, e->id, t->id) ? "yes" : "");
        cli_tsv_field(stdout, t->note);
        putchar('\t');
        cli_tsv_field(stdout, t->source);
        putchar('\t');
        cli_tsv_field(stdout, e->note);
        putchar('\n');
    }
}

/* What the shared concept printer needs to mark the matched terms. */
typedef struct lookup_hit_ctx {
    const gla_db_hits *h; /* the hits of the level that matched */
    size_t from;          /* first hit of this concept */
    int64_t entry;        /* the concept's id */
} lookup_hit_ctx;

static int lookup_hit(const void *ctx, const gla_term *t)
{
    const lookup_hit_ctx *c = ctx;
    return is_hit(c->h, c->from, c->entry, t->id);
}

static void print_json(const gla_entry *e, gla_level level,
                       const gla_db_hits *h, size_t from)
{
    printf("{\"match\":\"%s\",\"level\":\"%s\",", match_name(level),
           gla_level_name(level));
    lookup_hit_ctx c = {h, from, e->id};
    cli_json_concept(e, lookup_hit, &c);
}

int cmd_lookup(int argc, char **argv)
{
    static const struct option opts[] = {
        {"lang", required_argument, NULL, 'l'},
        {"level", required_argument, NULL, 'L'},
        {"json", no_argument, NULL, 'j'},
        {"db", required_argument, NULL, 'd'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *db_opt = NULL, *lang = NULL, *level_opt = NULL;
    int json = 0, c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (c) {
        case 'l': lang = optarg; break;
        case 'L': level_opt = optarg; break;
        case 'j': json = 1; break;
        case 'd': db_opt = optarg; break;
        case 'h': return cli_help_text(lookup_help);
        default: return cli_getopt_error("lookup", c, argv);
        }
    }
    static const gla_level cascade[] = {GLA_K1, GLA_K2, GLA_K2_COMPACT, GLA_K3};
    size_t first = 0, last = 4; /* levels tried: cascade[first..last) */
    int all = 0;
    if (level_opt) {
        gla_level lv;
        if (strcmp(level_opt, "all") == 0) {
            all = 1;
        } else if (gla_level_parse(&lv, level_opt) != GLA_OK || lv == GLA_K0) {
            return cli_usage_error("lookup",
                                   "--level: '%s' is not k1, k2, compact, k3 "
                                   "or all",
                                   level_opt);
        } else {
            for (size_t i = 0; i < 4; i++)
                if (cascade[i] == lv)
                    first = i, last = i + 1;
        }
    }
    if (optind >= argc)
        return cli_usage_error("lookup", "what to look up? (lookup QUERY)");
    if (optind + 1 < argc)
        return cli_usage_error("lookup",
                               "one QUERY only; quote a query with spaces");
    const char *query = argv[optind];

    gla_db *db = NULL;
    int code = cli_db_open(&db, db_opt, GLA_DB_READONLY, NULL);
    if (code != CLI_OK)
        return code;
    gla_db_hits h = GLA_DB_HITS_INIT;
    /* Concepts already shown, so --level all prints each once. */
    int64_t *shown = NULL;
    size_t n_shown = 0;
    int found = 0;
    if (!json)
        printf("match\tentry\tkind\tlang\tterm\tstatus\ttype\thit\tnote\t"
               "source\tentry_note\n");
    for (size_t li = first; li < last && code == CLI_OK; li++) {
        size_t from = h.n;
        int rc = gla_db_lookup(&h, db, cascade[li], lang, query, strlen(query));
        if (rc != GLA_OK) {
            code = cli_db_fail(db, rc);
            break;
        }
        for (size_t i = from; i < h.n && code == CLI_OK; i++) {
            int64_t id = h.v[i].entry_id;
            int seen = 0;
            for (size_t k = 0; k < n_shown; k++)
                seen |= shown[k] == id;
            if (seen)
                continue;
            int64_t *grown = realloc(shown, (n_shown + 1) * sizeof *shown);
            if (!grown) {
                code = cli_db_fail(db, GLA_ENOMEM);
                break;
            }
            shown = grown;
            shown[n_shown++] = id;
            gla_entry *e = NULL;
            rc = gla_db_entry_get(&e, db, id);
            if (rc != GLA_OK) {
                code = cli_db_fail(db, rc);
                break;
            }
            if (json)
                print_json(e, cascade[li], &h, from);
            else
                print_tsv(e, cascade[li], &h, from);
            gla_entry_free(e);
            found = 1;
        }
        if (found && !all)
            break;
    }
    /* No key level matched: the name resolver's fuzzy search (edit
     * distance, aliases, initials) says what comes closest, and says so. */
    if (code == CLI_OK && !found && !level_opt)
        code = cli_lookup_fuzzy(db, query, lang, json, &found);
    if (code == CLI_OK && !found) {
        cli_note("no match for '%s'%s%s", query, lang ? " in " : "",
                 lang ? lang : "");
        code = CLI_FINDINGS;
    }
    free(shown);
    gla_db_hits_dispose(&h);
    gla_db_close(db);
    return cli_finish(code);
}
