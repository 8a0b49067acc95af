/*
 * glossalign align: a document and its translation, cut into sentences
 * (or one sentence a line) and aligned, printed as TSV pairs, bead indexes
 * or TMX 1.4b. Glossary concepts serve as anchors when a glossary is open.
 */
#include "commands.h"
#include "db_common.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static const char align_help[] =
    "usage: glossalign align [options] SOURCE TARGET\n"
    "\n"
    "Align the sentences of SOURCE with those of its translation TARGET\n"
    "(UTF-8 plain text; '-' for standard input, on one side only).\n"
    "Sentences are found by the rules for each language, or are the lines\n"
    "with --lines. Beads are 1-1, 1-2, 2-1, 1-0 (a source sentence left\n"
    "untranslated) and 0-1 (an added target sentence).\n"
    "\n"
    "  --from LANG      source language: fr (default), en, vi\n"
    "  --to LANG        target language: vi (default), en, fr\n"
    "  --lines          one sentence per line (blank lines are skipped)\n"
    "  --tmx            TMX 1.4b (1-0 and 0-1 beads are left out)\n"
    "  --beads          only the sentence numbers of each bead\n"
    "  --no-glossary    no glossary anchors (numbers and names still count)\n"
    "  --anchor-weight W  cost of an anchor found on one side only (half\n"
    "                   of W) or on both (minus W); 0 ignores anchors\n"
    "                   (default 1.5)\n"
    "  --db PATH        the glossary for anchors (default: $GLOSSALIGN_DB,\n"
    "                   else the default glossary)\n"
    "  -h, --help       show this help\n"
    "\n"
    "TSV columns: source_ids, target_ids (1-based sentence numbers, comma-\n"
    "separated, empty for none), cost, source, target.\n"
    "Exit codes: 0 ok, 2 usage, 3 bad input, 4 database, 5 I/O.\n";

static int line_spans(gla_spans *out, const char *s, size_t n)
{
    out->n = 0;
    size_t a = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i < n && s[i] != '\n')
            continue;
        size_t e = i;
        if (e > a && s[e - 1] == '\r')
            e--;
        size_t b = a;
        while (b < e && (s[b] == ' ' || s[b] == '\t'))
            b++;
        if (b < e) {
            if (out->n == out->cap) {
                size_t cap = out->cap ? out->cap * 2 : 64;
                gla_span *p = realloc(out->v, cap * sizeof *p);
                if (!p)
                    return GLA_ENOMEM;
                out->v = p;
                out->cap = cap;
            }
            out->v[out->n].start = b;
            out->v[out->n].end = e;
            out->n++;
        }
        a = i + 1;
    }
    return GLA_OK;
}

static void ids(size_t first, size_t n)
{
    for (size_t k = 0; k < n; k++)
        printf("%s%zu", k ? "," : "", first + k + 1);
}

static void tsv_text(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        switch (s[i]) {
        case '\t': fputs("\\t", stdout); break;
        case '\n': fputs("\\n", stdout); break;
        case '\r': fputs("\\r", stdout); break;
        case '\\': fputs("\\\\", stdout); break;
        default: putchar(s[i]);
        }
    }
}

/* The text of sentences [first, first + n), joined as written. */
static void side_text(const char **p, size_t *len, const char *doc,
                      const gla_spans *sp, size_t first, size_t n)
{
    if (!n) {
        *p = "";
        *len = 0;
        return;
    }
    *p = doc + sp->v[first].start;
    *len = sp->v[first + n - 1].end - sp->v[first].start;
}

static void lower_primary(char *out, size_t cap, const char *lang)
{
    size_t i = 0;
    for (; lang[i] && lang[i] != '-' && lang[i] != '_' && i + 1 < cap; i++)
        out[i] = (char)(lang[i] >= 'A' && lang[i] <= 'Z' ? lang[i] + 32
                                                         : lang[i]);
    out[i] = '\0';
}

int cmd_align(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"from", required_argument, NULL, 'f'},
        {"to", required_argument, NULL, 't'},
        {"lines", no_argument, NULL, 'l'},
        {"tmx", no_argument, NULL, 'T'},
        {"beads", no_argument, NULL, 'b'},
        {"no-glossary", no_argument, NULL, 'G'},
        {"anchor-weight", required_argument, NULL, 'w'},
        {"db", required_argument, NULL, 'd'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *from = "fr", *to = "vi", *db_opt = NULL;
    int lines = 0, tmx = 0, beads_only = 0, no_gloss = 0, c;
    double weight = 0;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
        switch (c) {
        case 'f': from = optarg; break;
        case 't': to = optarg; break;
        case 'l': lines = 1; break;
        case 'T': tmx = 1; break;
        case 'b': beads_only = 1; break;
        case 'G': no_gloss = 1; break;
        case 'w': {
            char *end;
            weight = strtod(optarg, &end);
            if (*end || end == optarg || !(weight >= 0) || weight > 100)
                return cli_usage_error("align",
                                       "--anchor-weight: '%s' is not a number "
                                       "from 0 to 100",
                                       optarg);
            if (weight == 0)
                weight = 1e-9; /* 0 would mean the default */
            break;
        }
        case 'd': db_opt = optarg; break;
        case 'h': return cli_help_text(align_help);
        default: return cli_getopt_error("align", c, argv);
        }
    }
    if (argc - optind != 2)
        return cli_usage_error("align", "align needs two files, SOURCE and "
                                        "TARGET");
    if (tmx && beads_only)
        return cli_usage_error("align", "--tmx and --beads exclude each other");
    const char *sp = argv[optind], *tp = argv[optind + 1];
    if (strcmp(sp, "-") == 0 && strcmp(tp, "-") == 0)
        return cli_usage_error("align", "only one side can be standard input");
    char sl[32], tl[32];
    lower_primary(sl, sizeof sl, from);
    lower_primary(tl, sizeof tl, to);
    if (!sl[0] || !tl[0])
        return cli_usage_error("align", "--from and --to need a language");

    gla_buf s = GLA_BUF_INIT, t = GLA_BUF_INIT, out = GLA_BUF_INIT;
    gla_spans ss = GLA_SPANS_INIT, ts = GLA_SPANS_INIT;
    gla_beads beads = GLA_BEADS_INIT;
    gla_db *db = NULL;
    gla_matcher *sm = NULL, *tm = NULL;
    int code = cli_read_all(&s, sp);
    if (code == CLI_OK)
        code = cli_read_all(&t, tp);
    if (code == CLI_OK && !no_gloss) {
        code = cli_db_open(&db, db_opt, GLA_DB_READONLY, NULL);
        gla_matcher_options mo = GLA_MATCHER_OPTIONS_INIT;
        const char *path = cli_db_path(db_opt);
        int rc = GLA_OK;
        if (code == CLI_OK) {
            mo.source_lang = sl;
            rc = gla_matcher_open(&sm, db, strcmp(sl, "fr") == 0 ? path : NULL,
                                  &mo);
        }
        if (code == CLI_OK && rc == GLA_OK) {
            mo.source_lang = tl;
            rc = gla_matcher_open(&tm, db, strcmp(tl, "fr") == 0 ? path : NULL,
                                  &mo);
        }
        if (code == CLI_OK && rc != GLA_OK) {
            const gla_matcher *bad = tm ? tm : sm;
            cli_error("%s", bad ? gla_matcher_errmsg(bad) : gla_strerror(rc));
            code = CLI_DB;
        }
    }
    const char *sd = s.data ? s.data : "", *td = t.data ? t.data : "";
    if (code == CLI_OK) {
        int rc = lines ? line_spans(&ss, sd, s.len)
                       : gla_sentences(&ss, sl, sd, s.len);
        if (rc == GLA_EUTF8) {
            cli_error("%s is not UTF-8; convert it with 'glossalign convert'",
                      cli_input_name(sp));
            code = CLI_INPUT;
        } else if (rc != GLA_OK) {
            code = CLI_IO;
        }
    }
    if (code == CLI_OK) {
        int rc = lines ? line_spans(&ts, td, t.len)
                       : gla_sentences(&ts, tl, td, t.len);
        if (rc == GLA_EUTF8) {
            cli_error("%s is not UTF-8; convert it with 'glossalign convert'",
                      cli_input_name(tp));
            code = CLI_INPUT;
        } else if (rc != GLA_OK) {
            code = CLI_IO;
        }
    }
    if (code == CLI_OK) {
        gla_align_opts ao = GLA_ALIGN_OPTS_INIT;
        ao.src_m = sm;
        ao.tgt_m = tm;
        ao.anchor_weight = weight;
        int rc = gla_align(&beads, sd, s.len, ss.v, ss.n, td, t.len, ts.v,
                           ts.n, &ao);
        if (rc == GLA_EUTF8) {
            cli_error("a side is not UTF-8; convert it with 'glossalign "
                      "convert'");
            code = CLI_INPUT;
        } else if (rc != GLA_OK) {
            cli_error("alignment failed: %s", gla_strerror(rc));
            code = rc == GLA_ENOMEM ? CLI_IO : CLI_DB;
        }
    }
    size_t skipped = 0;
    if (code == CLI_OK && tmx) {
        int rc = gla_tmx_header(&out, sl);
        for (size_t i = 0; rc == GLA_OK && i < beads.n; i++) {
            const gla_bead *b = &beads.v[i];
            if (!b->n_src || !b->n_tgt) {
                skipped++;
                continue;
            }
            const char *a, *z;
            size_t an, zn;
            side_text(&a, &an, sd, &ss, b->src, b->n_src);
            side_text(&z, &zn, td, &ts, b->tgt, b->n_tgt);
            char id[32];
            snprintf(id, sizeof id, "%zu", i + 1);
            rc = gla_tmx_unit(&out, id, a, an, sl, z, zn, tl);
            if (rc == GLA_EUTF8) {
                cli_error("bead %zu holds a character XML cannot carry", i + 1);
                code = CLI_INPUT;
            }
        }
        if (rc == GLA_OK)
            rc = gla_tmx_footer(&out);
        if (rc == GLA_OK)
            fwrite(out.data, 1, out.len, stdout);
        else if (code == CLI_OK)
            code = CLI_IO;
        if (skipped && code == CLI_OK)
            cli_note("%zu unpaired sentence(s) left out of the TMX", skipped);
    } else if (code == CLI_OK) {
        if (!beads_only)
            fputs("source_ids\ttarget_ids\tcost\tsource\ttarget\n", stdout);
        for (size_t i = 0; i < beads.n; i++) {
            const gla_bead *b = &beads.v[i];
            ids(b->src, b->n_src);
            putchar('\t');
            ids(b->tgt, b->n_tgt);
            if (!beads_only) {
                const char *a, *z;
                size_t an, zn;
                side_text(&a, &an, sd, &ss, b->src, b->n_src);
                side_text(&z, &zn, td, &ts, b->tgt, b->n_tgt);
                printf("\t%.2f\t", b->cost);
                tsv_text(a, an);
                putchar('\t');
                tsv_text(z, zn);
            }
            putchar('\n');
        }
    }
    gla_beads_dispose(&beads);
    gla_spans_dispose(&ss);
    gla_spans_dispose(&ts);
    gla_buf_dispose(&s);
    gla_buf_dispose(&t);
    gla_buf_dispose(&out);
    gla_matcher_free(sm);
    gla_matcher_free(tm);
    gla_db_close(db);
    return cli_finish(code);
}
