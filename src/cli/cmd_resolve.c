/*
 * glossalign resolve: map written names ("Bê Xuân Truong", "Xuan Chien
 * HOANG", "Yu. M. Staviskiy") to ranked glossary entries with the reason
 * for each. A thin layer over gla_names_*; queries come from the command
 * line or, one per line, from standard input.
 */
#define _POSIX_C_SOURCE 200809L

#include "commands.h"
#include "db_common.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char resolve_help[] =
    "usage: glossalign resolve [options] QUERY...\n"
    "       glossalign resolve [options] -        (one query per line)\n"
    "\n"
    "Resolve personal names (and place names) to glossary entries: ranked\n"
    "candidates with the entry, its Vietnamese, French and English forms,\n"
    "a score and the reasons (exact, diacritics, alias Hoàng~Huỳnh,\n"
    "transliteration, initials, partial name, surname, edit distance N,\n"
    "NOM Prénom order). A title in front (\"le général\", \"M.\") is set\n"
    "apart. The status says resolved, ambiguous (the best candidates are\n"
    "too close to call: never a silent pick), none, or family-alone (a\n"
    "family name alone is never resolved).\n"
    "\n"
    "  --limit N         at most N candidates per query (default 5)\n"
    "  --max-distance N  edit budget for misspellings, 0 to 2 (default 2)\n"
    "  --kinds all       resolve every kind of entry, not only persons and\n"
    "                    places\n"
    "  --names FILE      resolve against the names in FILE (one per line,\n"
    "                    or REF<TAB>NAME) instead of the glossary\n"
    "  --json            JSON Lines, one object per query\n"
    "  --stats           print the index size and queries/s on stderr\n"
    "  --no-cache        build the index from the glossary even when its\n"
    "                    cache file (next to the glossary, or in\n"
    "                    ~/.cache/glossalign) is current\n"
    "  --db PATH         the glossary (default: $GLOSSALIGN_DB, else the\n"
    "                    default glossary)\n"
    "  -h, --help        show this help\n"
    "\n"
    "TSV columns: query, rank, status, entry, kind, score, reasons, vi, fr,\n"
    "en, matched, title. A query with no candidate gets one row with rank\n"
    "0 and empty entry fields.\n"
    "Exit codes: 0 every query found a candidate, 1 some found none,\n"
    "2 usage, 3 invalid query (named by line and byte), 4 database, 5 I/O.\n";

typedef struct opts {
    int json;     /* JSON Lines */
    int stats;    /* figures on stderr */
    size_t limit; /* candidates per query */
} opts;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Processor time: what one core spent, whatever else the machine does. */
static double cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void print_span(FILE *out, const char *q, gla_span s, int json)
{
    if (s.end <= s.start) {
        fputs(json ? "null" : "", out);
        return;
    }
    char *t = malloc(s.end - s.start + 1);
    if (!t)
        return;
    memcpy(t, q + s.start, s.end - s.start);
    t[s.end - s.start] = '\0';
    if (json)
        cli_json_str(out, t);
    else
        cli_tsv_field(out, t);
    free(t);
}

static void print_tsv(const char *q, const gla_name_matches *m, gla_buf *why)
{
    const char *status = gla_name_status_name(m->status);
    if (m->n == 0) {
        cli_tsv_field(stdout, q);
        printf("\t0\t%s\t\t\t\t\t\t\t\t\t", status);
        print_span(stdout, q, m->query.title, 0);
        putchar('\n');
        return;
    }
    for (size_t i = 0; i < m->n; i++) {
        const gla_name_cand *c = &m->cands[i];
        gla_buf_clear(why);
        gla_name_reasons(why, c);
        cli_tsv_field(stdout, q);
        printf("\t%zu\t%s\t", i + 1, status);
        cli_tsv_field(stdout, c->ref);
        printf("\t%s\t%.2f\t", gla_kind_name(c->kind), c->score);
        cli_tsv_field(stdout, why->data);
        putchar('\t');
        cli_tsv_field(stdout, c->vi);
        putchar('\t');
        cli_tsv_field(stdout, c->fr);
        putchar('\t');
        cli_tsv_field(stdout, c->en);
        putchar('\t');
        cli_tsv_field(stdout, c->matched);
        putchar('\t');
        print_span(stdout, q, m->query.title, 0);
        putchar('\n');
    }
}

static void print_json(const char *q, const gla_name_matches *m, gla_buf *why)
{
    printf("{\"query\":");
    cli_json_str(stdout, q);
    printf(",\"key\":");
    cli_json_str(stdout, m->key);
    printf(",\"title\":");
    print_span(stdout, q, m->query.title, 1);
    printf(",\"status\":\"%s\",\"candidates\":[",
           gla_name_status_name(m->status));
    for (size_t i = 0; i < m->n; i++) {
        const gla_name_cand *c = &m->cands[i];
        gla_buf_clear(why);
        gla_name_reasons(why, c);
        printf(i ? ",{\"entry\":" : "{\"entry\":");
        cli_json_str(stdout, c->ref);
        printf(",\"id\":%lld,\"kind\":\"%s\",\"score\":%.2f,\"reasons\":",
               (long long)c->entry_id, gla_kind_name(c->kind), c->score);
        cli_json_str(stdout, why->data);
        printf(",\"vi\":");
        cli_json_str(stdout, c->vi);
        printf(",\"fr\":");
        cli_json_str(stdout, c->fr);
        printf(",\"en\":");
        cli_json_str(stdout, c->en);
        printf(",\"matched\":");
        cli_json_str(stdout, c->matched);
        if (c->reasons & GLA_NAME_R_EDIT)
            printf(",\"distance\":%d", c->distance);
        putchar('}');
    }
    printf("]}\n");
}

/* Resolve one query; *found cleared when it has no candidate. Returns
 * CLI_OK, or CLI_INPUT after a message (the query is skipped). */
static int one(gla_names *nm, const opts *o, const char *where, size_t line,
               const char *q, size_t len, int *found, gla_buf *why)
{
    gla_name_matches *m = NULL;
    int rc = gla_names_resolve(&m, nm, q, len, o->limit);
    if (rc == GLA_ENOMEM) {
        cli_error("out of memory");
        return CLI_DB;
    }
    if (rc != GLA_OK) {
        if (line)
            cli_error("%s:%zu: %s", where, line, gla_names_errmsg(nm));
        else
            cli_error("query '%s': %s", where, gla_names_errmsg(nm));
        return CLI_INPUT;
    }
    if (m->n == 0)
        *found = 0;
    if (o->json)
        print_json(q, m, why);
    else
        print_tsv(q, m, why);
    gla_name_matches_free(m);
    return CLI_OK;
}

/* A set from a plain list of names: REF<TAB>NAME or NAME per line. */
static int load_list(gla_names **out, const char *path, unsigned kinds,
                     int maxd)
{
    FILE *f = cli_open_input(path);
    if (!f)
        return CLI_IO;
    gla_names_opts no = GLA_NAMES_OPTS_INIT;
    no.kinds = kinds;
    no.max_distance = maxd;
    gla_names *nm = NULL;
    int rc = gla_names_new(&nm, &no);
    char *line = NULL, ref[32];
    size_t cap = 0, lineno = 0;
    ssize_t n;
    int code = CLI_OK;
    while (rc == GLA_OK && (n = getline(&line, &cap, f)) >= 0) {
        lineno++;
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = '\0';
        if (n == 0 || line[0] == '#')
            continue;
        char *name = line, *tab = strchr(line, '\t');
        const char *r = ref;
        if (tab) {
            *tab = '\0';
            r = line;
            name = tab + 1;
        } else {
            snprintf(ref, sizeof ref, "line.%zu", lineno);
        }
        gla_term t;
        memset(&t, 0, sizeof t);
        t.lang = (char *)"und";
        t.text = name;
        t.status = GLA_STATUS_PREFERRED;
        gla_entry e;
        memset(&e, 0, sizeof e);
        e.id = (int64_t)lineno;
        e.ref = (char *)r;
        e.kind = GLA_KIND_PERSON;
        e.terms = &t;
        e.n_terms = 1;
        rc = gla_names_add_entry(nm, &e);
        if (rc == GLA_EINVAL) {
            cli_error("%s:%zu: %s", cli_input_name(path), lineno,
                      gla_names_errmsg(nm));
            code = CLI_INPUT;
        }
    }
    int bad = ferror(f);
    free(line);
    cli_close_input(f);
    if (bad) {
        cli_error("cannot read '%s': %s", cli_input_name(path),
                  strerror(errno));
        code = CLI_IO;
    }
    if (rc == GLA_OK)
        rc = gla_names_build(nm);
    if (rc == GLA_ENOMEM) {
        cli_error("out of memory");
        code = CLI_IO;
    }
    if (code != CLI_OK) {
        gla_names_free(nm);
        return code;
    }
    *out = nm;
    return CLI_OK;
}

int cmd_resolve(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"limit", required_argument, NULL, 'n'},
        {"max-distance", required_argument, NULL, 'm'},
        {"kinds", required_argument, NULL, 'k'},
        {"names", required_argument, NULL, 'N'},
        {"json", no_argument, NULL, 'j'},
        {"stats", no_argument, NULL, 's'},
        {"no-cache", no_argument, NULL, 'C'},
        {"db", required_argument, NULL, 'd'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    opts o = {0, 0, 5};
    const char *db_opt = NULL, *names_file = NULL;
    unsigned kinds = GLA_NAMES_KINDS_NAMES;
    int maxd = 2, no_cache = 0, c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
        char *end;
        switch (c) {
        case 'n': {
            errno = 0;
            unsigned long v = strtoul(optarg, &end, 10);
            if (errno || *end || !*optarg || v == 0 || v > 1000 ||
                optarg[0] == '-')
                return cli_usage_error("resolve",
                                       "--limit: '%s' is not a number from "
                                       "1 to 1000",
                                       optarg);
            o.limit = (size_t)v;
            break;
        }
        case 'm':
            if (strlen(optarg) != 1 || optarg[0] < '0' || optarg[0] > '2')
                return cli_usage_error(
                    "resolve", "--max-distance: '%s' is not 0, 1 or 2", optarg);
            maxd = optarg[0] - '0';
            break;
        case 'k':
            if (strcmp(optarg, "all") == 0)
                kinds = GLA_NAMES_KINDS_ALL;
            else if (strcmp(optarg, "names") == 0)
                kinds = GLA_NAMES_KINDS_NAMES;
            else
                return cli_usage_error(
                    "resolve", "--kinds: '%s' is not 'names' or 'all'", optarg);
            break;
        case 'N': names_file = optarg; break;
        case 'j': o.json = 1; break;
        case 's': o.stats = 1; break;
        case 'C': no_cache = 1; break;
        case 'd': db_opt = optarg; break;
        case 'h': return cli_help_text(resolve_help);
        default: return cli_getopt_error("resolve", c, argv);
        }
    }
    if (optind >= argc)
        return cli_usage_error("resolve",
                               "what to resolve? (resolve QUERY... or "
                               "resolve - for one query per line)");
    int from_stdin = optind + 1 == argc && strcmp(argv[optind], "-") == 0;
    if (names_file && db_opt)
        return cli_usage_error("resolve",
                               "--names and --db exclude each other");

    double t0 = now(), c0 = cpu_now();
    gla_names *nm = NULL;
    int code;
    if (names_file) {
        code = load_list(&nm, names_file, kinds, maxd);
    } else {
        gla_db *db = NULL;
        code = cli_db_open(&db, db_opt, GLA_DB_READONLY, NULL);
        if (code != CLI_OK)
            return code;
        gla_names_opts no = GLA_NAMES_OPTS_INIT;
        no.kinds = kinds;
        no.max_distance = maxd;
        gla_buf err = GLA_BUF_INIT;
        int rc = no_cache ? gla_names_load(&nm, db, &no, &err)
                          : gla_names_open(&nm, db, cli_db_path(db_opt), &no,
                                           &err);
        if (rc == GLA_EDB) {
            code = cli_db_fail(db, rc);
        } else if (rc != GLA_OK) {
            cli_error("%s: %s", cli_db_path(db_opt),
                      err.data ? err.data : gla_strerror(rc));
            code = cli_db_exit(rc);
        }
        gla_buf_dispose(&err);
        gla_db_close(db);
    }
    if (code != CLI_OK)
        return code;
    double t1 = now(), c1 = cpu_now();

    if (!o.json)
        printf("query\trank\tstatus\tentry\tkind\tscore\treasons\tvi\tfr\ten\t"
               "matched\ttitle\n");
    int found = 1, bad = 0;
    size_t queries = 0;
    gla_buf why = GLA_BUF_INIT;
    if (from_stdin) {
        char *line = NULL;
        size_t cap = 0, lineno = 0;
        ssize_t n;
        while (code == CLI_OK && (n = getline(&line, &cap, stdin)) >= 0) {
            lineno++;
            while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
                line[--n] = '\0';
            if (n == 0)
                continue;
            if (memchr(line, '\0', (size_t)n)) {
                cli_error("<stdin>:%zu: a NUL byte in the query", lineno);
                bad = 1;
                continue;
            }
            int r =
                one(nm, &o, "<stdin>", lineno, line, (size_t)n, &found, &why);
            queries++;
            if (r == CLI_INPUT)
                bad = 1;
            else if (r != CLI_OK)
                code = r;
        }
        if (ferror(stdin)) {
            cli_error("cannot read standard input: %s", strerror(errno));
            code = CLI_IO;
        }
        free(line);
    } else {
        for (int i = optind; i < argc && code == CLI_OK; i++) {
            int r =
                one(nm, &o, argv[i], 0, argv[i], strlen(argv[i]), &found, &why);
            queries++;
            if (r == CLI_INPUT)
                bad = 1;
            else if (r != CLI_OK)
                code = r;
        }
    }
    double t2 = now(), c2 = cpu_now();
    if (o.stats) {
        double qs = t2 > t1 ? (double)queries / (t2 - t1) : 0;
        double cqs = c2 > c1 ? (double)queries / (c2 - c1) : 0;
        fprintf(stderr,
                "glossalign: note: %zu entries, %zu keys, index %.1f MiB, "
                "built in %.2f s (%.2f s CPU); %zu queries in %.3f s "
                "(%.0f queries/s; %.0f per CPU second)\n",
                gla_names_entry_count(nm), gla_names_key_count(nm),
                (double)gla_names_index_bytes(nm) / (1024.0 * 1024.0), t1 - t0,
                c1 - c0, queries, t2 - t1, qs, cqs);
    }
    gla_buf_dispose(&why);
    gla_names_free(nm);
    if (code == CLI_OK && bad)
        code = CLI_INPUT;
    if (code == CLI_OK && !found)
        code = CLI_FINDINGS;
    return cli_finish(code);
}
