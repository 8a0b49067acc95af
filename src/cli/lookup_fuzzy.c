/*
 * lookup's fall-back to the name resolver. Kept apart from cmd_lookup.c so
 * that the look-up by key stays as it is; the rows printed here have the
 * same columns, with match "fuzzy" and the resolver's score and reasons.
 */
#include "lookup_fuzzy.h"
#include "db_common.h"

#include <string.h>

static void print_rows(const gla_entry *e, const gla_name_cand *c,
                       const char *why)
{
    for (size_t i = 0; i < e->n_terms; i++) {
        const gla_term *t = &e->terms[i];
        int hit = c->matched && strcmp(t->text, c->matched) == 0;
        printf("fuzzy\t");
        cli_tsv_field(stdout, e->ref);
        printf("\t%s\t", gla_kind_name(e->kind));
        cli_tsv_field(stdout, t->lang);
        putchar('\t');
        cli_tsv_field(stdout, t->text);
        printf("\t%s\t%s\t%s\t", gla_status_name(t->status),
               gla_type_name(t->type), hit ? "yes" : "");
        /* The resolver's verdict goes where a person reads the hit. */
        if (hit) {
            printf("score %.2f: ", c->score);
            cli_tsv_field(stdout, why);
            if (t->note)
                fputs("; ", stdout);
        }
        cli_tsv_field(stdout, t->note);
        putchar('\t');
        cli_tsv_field(stdout, t->source);
        putchar('\t');
        cli_tsv_field(stdout, e->note);
        putchar('\n');
    }
}

static int fuzzy_hit(const void *ctx, const gla_term *t)
{
    const gla_name_cand *c = ctx;
    return c->matched && strcmp(t->text, c->matched) == 0;
}

static void print_json(const gla_entry *e, const gla_name_cand *c,
                       const char *why)
{
    printf("{\"match\":\"fuzzy\",\"level\":null,\"score\":%.2f,\"reasons\":",
           c->score);
    cli_json_str(stdout, why);
    printf(",");
    cli_json_concept(e, fuzzy_hit, c);
}

int cli_lookup_fuzzy(gla_db *db, const char *query, const char *lang, int json,
                     int *found)
{
    (void)lang; /* names are written alike across languages */
    *found = 0;
    gla_names_opts o = GLA_NAMES_OPTS_INIT;
    o.kinds = GLA_NAMES_KINDS_ALL;
    gla_names *nm = NULL;
    gla_buf err = GLA_BUF_INIT;
    int rc = gla_names_load(&nm, db, &o, &err);
    if (rc != GLA_OK) {
        int code = rc == GLA_EDB ? cli_db_fail(db, rc) : CLI_DB;
        if (rc != GLA_EDB)
            cli_error("%s", err.data ? err.data : gla_strerror(rc));
        gla_buf_dispose(&err);
        return code;
    }
    gla_buf_dispose(&err);
    gla_name_matches *m = NULL;
    rc = gla_names_resolve(&m, nm, query, strlen(query), 5);
    if (rc != GLA_OK) {
        cli_error("%s", gla_names_errmsg(nm));
        gla_names_free(nm);
        return cli_exit_for(rc);
    }
    int code = CLI_OK;
    if (m->n > 0) {
        cli_note("no exact match for '%s'; %s by the name resolver (see "
                 "'glossalign resolve')",
                 query,
                 m->status == GLA_NAME_AMBIGUOUS
                     ? "ambiguous: several close entries found"
                     : "closest entries found");
    }
    gla_buf why = GLA_BUF_INIT;
    for (size_t i = 0; i < m->n && code == CLI_OK; i++) {
        gla_entry *e = NULL;
        rc = gla_db_entry_get_ref(&e, db, m->cands[i].ref);
        if (rc != GLA_OK) {
            code = cli_db_fail(db, rc);
            break;
        }
        gla_buf_clear(&why);
        gla_name_reasons(&why, &m->cands[i]);
        if (json)
            print_json(e, &m->cands[i], why.data);
        else
            print_rows(e, &m->cands[i], why.data);
        gla_entry_free(e);
        *found = 1;
    }
    gla_buf_dispose(&why);
    gla_name_matches_free(m);
    gla_names_free(nm);
    return code;
}
