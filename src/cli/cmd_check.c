/*
 * glossalign check: a translation (XLIFF, TMX, a TSV of pairs, or two
 * plain files aligned sentence by sentence) checked against the glossary.
 * Findings go out as TSV, JSON Lines or an HTML report; the exit code says
 * whether one reached --fail-on.
 */
#include "commands.h"
#include "db_common.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static const char check_help[] =
    "usage: glossalign check [options] FILE\n"
    "       glossalign check [options] SOURCE.txt TARGET.txt\n"
    "\n"
    "Check a translation against the glossary. FILE is XLIFF 1.2 or 2.x,\n"
    "TMX 1.4, or a TSV of segment pairs ([id TAB] source TAB target, an\n"
    "optional header row 'source TAB target'). With two files, each is plain\n"
    "text and they are aligned sentence by sentence first (see 'glossalign\n"
    "align').\n"
    "\n"
    "Findings: missing-term (no approved equivalent of a source term in the\n"
    "target), forbidden-term (a forbidden, deprecated or superseded target\n"
    "term), inconsistent (a concept translated otherwise than earlier),\n"
    "name-form (a name written otherwise than the glossary's target form),\n"
    "number (a source number missing from the target).\n"
    "\n"
    "  --from LANG      source language (default: from the file, else fr)\n"
    "  --to LANG        target language (default: from the file, else vi)\n"
    "  --format FMT     input format: auto (default), xml, tsv\n"
    "  --json           JSON Lines, one finding per line\n"
    "  --html           one self-contained HTML report\n"
    "  --fail-on SEV    exit 1 when a finding reaches SEV: info, warning,\n"
    "                   error (default), never\n"
    "  --no-numbers     do not check numbers\n"
    "  --no-consistency do not compare segments with each other\n"
    "  --db PATH        the glossary (default: $GLOSSALIGN_DB, else the\n"
    "                   default glossary)\n"
    "  -h, --help       show this help\n"
    "\n"
    "TSV columns: segment, severity, kind, src_start, src_end, source,\n"
    "tgt_start, tgt_end, target, entry, expected, message. Offsets are bytes\n"
    "of the segment text (inline codes left out); empty when the finding\n"
    "has no span on that side.\n"
    "Exit codes: 0 ok, 1 findings at --fail-on, 2 usage, 3 bad input,\n"
    "4 database, 5 I/O.\n";

enum { OUT_TSV, OUT_JSON, OUT_HTML };

/* A finding kept for the HTML report. */
typedef struct kept {
    gla_finding f;  /* spans, severity, kind */
    char *entry;    /* copies of the strings */
    char *expected; /* ... */
    char *message;  /* ... */
} kept;

typedef struct run {
    int out;                  /* OUT_* */
    const char *from, *to;    /* languages asked for */
    char src_lang[32];        /* language of the matchers */
    char tgt_lang[32];        /* ... */
    gla_db *db;               /* the glossary */
    const char *db_path;      /* its file */
    gla_matcher *sm, *tm;     /* compiled for each side */
    gla_checker *chk;         /* the checker */
    gla_check_opts co;        /* its options */
    int fail_on;              /* severity that fails, 3 = never */
    int worst;                /* worst severity met, -1 none */
    size_t findings;          /* counted */
    size_t segments;          /* read */
    int code;                 /* exit code when a callback fails */
    const gla_segpair *cur;   /* the pair being checked */
    kept *keep;               /* HTML: findings of the current segment */
    size_t n_keep, cap_keep;  /* used, allocated */
} run;

static char *dupz(const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s) + 1;
    char *p = malloc(n);
    if (p)
        memcpy(p, s, n);
    return p;
}

/* The primary language subtag, lower case. */
static void primary(char *out, size_t cap, const char *lang)
{
    size_t i = 0;
    for (; lang && lang[i] && lang[i] != '-' && lang[i] != '_' && i + 1 < cap;
         i++)
        out[i] = (char)(lang[i] >= 'A' && lang[i] <= 'Z' ? lang[i] + 32
                                                         : lang[i]);
    out[i] = '\0';
}

static int open_matcher(gla_matcher **out, run *r, const char *lang)
{
    gla_matcher_options mo = GLA_MATCHER_OPTIONS_INIT;
    mo.source_lang = lang;
    /* the cache holds the French matcher annotate uses; other languages
     * are compiled in memory rather than overwrite it */
    const char *cache = strcmp(lang, "fr") == 0 ? r->db_path : NULL;
    int rc = gla_matcher_open(out, r->db, cache, &mo);
    if (rc != GLA_OK) {
        cli_error("%s", *out ? gla_matcher_errmsg(*out) : gla_strerror(rc));
        gla_matcher_free(*out);
        *out = NULL;
        return rc == GLA_EUTF8 ? CLI_INPUT : CLI_DB;
    }
    return CLI_OK;
}

static int setup(run *r, const char *src_lang, const char *tgt_lang)
{
    primary(r->src_lang, sizeof r->src_lang,
            r->from ? r->from : src_lang ? src_lang : "fr");
    primary(r->tgt_lang, sizeof r->tgt_lang,
            r->to ? r->to : tgt_lang ? tgt_lang : "vi");
    if (!r->src_lang[0] || !r->tgt_lang[0]) {
        cli_error("source or target language is empty");
        return CLI_INPUT;
    }
    if (strcmp(r->src_lang, r->tgt_lang) == 0)
        cli_warn("source and target are both '%s'; use --from/--to",
                 r->src_lang);
    int code = open_matcher(&r->sm, r, r->src_lang);
    if (code == CLI_OK)
        code = open_matcher(&r->tm, r, r->tgt_lang);
    if (code != CLI_OK)
        return code;
    r->co.tgt_lang = r->tgt_lang;
    if (gla_checker_new(&r->chk, r->sm, r->tm, &r->co) != GLA_OK) {
        cli_error("out of memory");
        return CLI_IO;
    }
    if (r->out == OUT_TSV)
        fputs("segment\tseverity\tkind\tsrc_start\tsrc_end\tsource\t"
              "tgt_start\ttgt_end\ttarget\tentry\texpected\tmessage\n",
              stdout);
    return CLI_OK;
}

/* ---- output ----------------------------------------------------------- */

static void tsv_bytes(const char *s, size_t n)
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

static void json_bytes(const char *s, size_t n)
{
    gla_json_fquote(stdout, s, n);
}

static void html_bytes(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        switch (s[i]) {
        case '&': fputs("&amp;", stdout); break;
        case '<': fputs("&lt;", stdout); break;
        case '>': fputs("&gt;", stdout); break;
        case '"': fputs("&quot;", stdout); break;
        default: putchar(s[i]);
        }
    }
}

static int has(gla_span s, size_t len)
{
    return s.start != SIZE_MAX && s.end <= len && s.start <= s.end;
}

static void print_tsv(const run *r, const gla_finding *f)
{
    const gla_segpair *p = r->cur;
    tsv_bytes(f->segment, strlen(f->segment));
    printf("\t%s\t%s\t", gla_severity_name(f->severity),
           gla_finding_kind_name(f->kind));
    if (has(f->src, p->src_len)) {
        printf("%zu\t%zu\t", f->src.start, f->src.end);
        tsv_bytes(p->src + f->src.start, f->src.end - f->src.start);
    } else {
        fputs("\t\t", stdout);
    }
    putchar('\t');
    if (has(f->tgt, p->tgt_len)) {
        printf("%zu\t%zu\t", f->tgt.start, f->tgt.end);
        tsv_bytes(p->tgt + f->tgt.start, f->tgt.end - f->tgt.start);
    } else {
        fputs("\t\t", stdout);
    }
    putchar('\t');
    if (f->entry)
        tsv_bytes(f->entry, strlen(f->entry));
    putchar('\t');
    if (f->expected)
        tsv_bytes(f->expected, strlen(f->expected));
    putchar('\t');
    tsv_bytes(f->message, strlen(f->message));
    putchar('\n');
}

static void json_span(const char *key, gla_span s, const char *text,
                      size_t len)
{
    printf(",\"%s\":", key);
    if (!has(s, len)) {
        fputs("null", stdout);
        return;
    }
    printf("{\"start\":%zu,\"end\":%zu,\"text\":", s.start, s.end);
    json_bytes(text + s.start, s.end - s.start);
    putchar('}');
}

static void json_z(const char *s)
{
    if (s)
        json_bytes(s, strlen(s));
    else
        fputs("null", stdout);
}

static void print_json(const run *r, const gla_finding *f)
{
    const gla_segpair *p = r->cur;
    fputs("{\"segment\":", stdout);
    json_z(f->segment);
    printf(",\"severity\":\"%s\",\"kind\":\"%s\"",
           gla_severity_name(f->severity), gla_finding_kind_name(f->kind));
    json_span("source", f->src, p->src, p->src_len);
    json_span("target", f->tgt, p->tgt, p->tgt_len);
    fputs(",\"entry\":", stdout);
    json_z(f->entry);
    fputs(",\"expected\":", stdout);
    json_z(f->expected);
    fputs(",\"message\":", stdout);
    json_z(f->message);
    fputs("}\n", stdout);
}

/* One side of a segment with its finding spans marked. */
static void html_side(const char *text, size_t len, const kept *k, size_t n,
                      int target)
{
    size_t at = 0;
    while (at < len) {
        /* the next marked span starting at or after `at` */
        size_t best = SIZE_MAX, bend = 0, bi = 0;
        for (size_t i = 0; i < n; i++) {
            gla_span s = target ? k[i].f.tgt : k[i].f.src;
            if (!has(s, len) || s.start < at || s.start >= best)
                continue;
            best = s.start;
            bend = s.end;
            bi = i;
        }
        if (best == SIZE_MAX) {
            html_bytes(text + at, len - at);
            break;
        }
        html_bytes(text + at, best - at);
        printf("<mark class=\"%s\" title=\"", gla_severity_name(k[bi].f.severity));
        html_bytes(k[bi].message, strlen(k[bi].message));
        fputs("\">", stdout);
        html_bytes(text + best, bend - best);
        fputs("</mark>", stdout);
        at = bend > best ? bend : best + 1;
    }
}

static void flush_html_segment(run *r)
{
    if (!r->n_keep)
        return;
    const gla_segpair *p = r->cur;
    fputs("<tr><td>", stdout);
    html_bytes(p->id, strlen(p->id));
    fputs("</td><td>", stdout);
    html_side(p->src, p->src_len, r->keep, r->n_keep, 0);
    fputs("</td><td>", stdout);
    html_side(p->tgt, p->tgt_len, r->keep, r->n_keep, 1);
    fputs("</td><td><ul>", stdout);
    for (size_t i = 0; i < r->n_keep; i++) {
        kept *k = &r->keep[i];
        printf("<li class=\"%s\"><b>%s</b> %s: ",
               gla_severity_name(k->f.severity),
               gla_severity_name(k->f.severity),
               gla_finding_kind_name(k->f.kind));
        html_bytes(k->message, strlen(k->message));
        if (k->entry) {
            fputs(" <code>", stdout);
            html_bytes(k->entry, strlen(k->entry));
            fputs("</code>", stdout);
        }
        fputs("</li>", stdout);
        free(k->entry);
        free(k->expected);
        free(k->message);
    }
    fputs("</ul></td></tr>\n", stdout);
    r->n_keep = 0;
}

static int on_finding(void *ctx, const gla_finding *f)
{
    run *r = ctx;
    r->findings++;
    if ((int)f->severity > r->worst)
        r->worst = (int)f->severity;
    if (r->out == OUT_TSV) {
        print_tsv(r, f);
    } else if (r->out == OUT_JSON) {
        print_json(r, f);
    } else {
        if (r->n_keep == r->cap_keep) {
            size_t cap = r->cap_keep ? r->cap_keep * 2 : 8;
            kept *p = realloc(r->keep, cap * sizeof *p);
            if (!p)
                return GLA_ENOMEM;
            r->keep = p;
            r->cap_keep = cap;
        }
        kept *k = &r->keep[r->n_keep++];
        k->f = *f;
        k->entry = dupz(f->entry);
        k->expected = dupz(f->expected);
        k->message = dupz(f->message);
        if (!k->message || (f->entry && !k->entry) ||
            (f->expected && !k->expected))
            return GLA_ENOMEM;
    }
    return GLA_OK;
}

static int on_pair(void *ctx, const gla_segpair *p)
{
    run *r = ctx;
    if (!r->chk) {
        int code = setup(r, p->src_lang, p->tgt_lang);
        if (code != CLI_OK) {
            r->code = code;
            return GLA_EINTERNAL;
        }
    }
    r->segments++;
    if (!p->has_tgt)
        return GLA_OK; /* untranslated: nothing to check */
    r->cur = p;
    int rc = gla_checker_segment(r->chk, p->id, p->src, p->src_len, p->tgt,
                                 p->tgt_len, on_finding, r);
    if (r->out == OUT_HTML)
        flush_html_segment(r);
    if (rc == GLA_EUTF8) {
        cli_error("line %zu: %s", p->line, gla_checker_errmsg(r->chk));
        r->code = CLI_INPUT;
        return GLA_EINTERNAL;
    }
    if (rc != GLA_OK) {
        cli_error("%s", gla_strerror(rc));
        r->code = CLI_IO;
        return GLA_EINTERNAL;
    }
    return GLA_OK;
}

static void html_head(const char *title)
{
    fputs("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">\n<title>"
          "glossalign check: ",
          stdout);
    html_bytes(title, strlen(title));
    fputs("</title>\n<style>\n"
          "body{font-family:sans-serif;margin:1em}\n"
          "table{border-collapse:collapse;width:100%}\n"
          "td,th{border:1px solid #ccc;padding:.3em;vertical-align:top}\n"
          "mark.error{background:#f99}mark.warning{background:#fd6}\n"
          "mark.info{background:#cef}li.error b{color:#a00}\n"
          "li.warning b{color:#a60}li.info b{color:#06a}\n"
          "</style></head><body>\n<h1>Check of ",
          stdout);
    html_bytes(title, strlen(title));
    fputs("</h1>\n<table><tr><th>segment</th><th>source</th><th>target</th>"
          "<th>findings</th></tr>\n",
          stdout);
}

/* ---- plain files ------------------------------------------------------ */

static int check_plain(run *r, const char *src_path, const char *tgt_path)
{
    gla_buf s = GLA_BUF_INIT, t = GLA_BUF_INIT;
    int code = cli_read_all(&s, src_path);
    if (code == CLI_OK)
        code = cli_read_all(&t, tgt_path);
    if (code == CLI_OK)
        code = setup(r, NULL, NULL);
    gla_spans ss = GLA_SPANS_INIT, ts = GLA_SPANS_INIT;
    gla_beads beads = GLA_BEADS_INIT;
    int rc = GLA_OK;
    if (code == CLI_OK) {
        const char *sd = s.data ? s.data : "", *td = t.data ? t.data : "";
        rc = gla_sentences(&ss, r->src_lang, sd, s.len);
        if (rc == GLA_OK)
            rc = gla_sentences(&ts, r->tgt_lang, td, t.len);
        gla_align_opts ao = GLA_ALIGN_OPTS_INIT;
        ao.src_m = r->sm;
        ao.tgt_m = r->tm;
        if (rc == GLA_OK)
            rc = gla_align(&beads, sd, s.len, ss.v, ss.n, td, t.len, ts.v,
                           ts.n, &ao);
        if (rc == GLA_EUTF8) {
            cli_error("%s or %s is not UTF-8 (convert it with 'glossalign "
                      "convert')",
                      src_path, tgt_path);
            code = CLI_INPUT;
        } else if (rc != GLA_OK) {
            cli_error("%s", gla_strerror(rc));
            code = CLI_IO;
        }
        for (size_t i = 0; code == CLI_OK && i < beads.n; i++) {
            const gla_bead *b = &beads.v[i];
            if (!b->n_src || !b->n_tgt)
                continue;
            size_t s0 = ss.v[b->src].start;
            size_t s1 = ss.v[b->src + b->n_src - 1].end;
            size_t t0 = ts.v[b->tgt].start;
            size_t t1 = ts.v[b->tgt + b->n_tgt - 1].end;
            char id[64];
            if (b->n_src == 1)
                snprintf(id, sizeof id, "%zu", b->src + 1);
            else
                snprintf(id, sizeof id, "%zu-%zu", b->src + 1,
                         b->src + b->n_src);
            gla_segpair p;
            memset(&p, 0, sizeof p);
            p.id = id;
            p.src = sd + s0;
            p.src_len = s1 - s0;
            p.tgt = td + t0;
            p.tgt_len = t1 - t0;
            p.has_tgt = 1;
            if (on_pair(r, &p) != GLA_OK)
                code = r->code ? r->code : CLI_IO;
        }
    }
    gla_beads_dispose(&beads);
    gla_spans_dispose(&ss);
    gla_spans_dispose(&ts);
    gla_buf_dispose(&s);
    gla_buf_dispose(&t);
    return code;
}

int cmd_check(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"from", required_argument, NULL, 'f'},
        {"to", required_argument, NULL, 't'},
        {"format", required_argument, NULL, 'F'},
        {"json", no_argument, NULL, 'j'},
        {"html", no_argument, NULL, 'H'},
        {"fail-on", required_argument, NULL, 'x'},
        {"no-numbers", no_argument, NULL, 'N'},
        {"no-consistency", no_argument, NULL, 'C'},
        {"db", required_argument, NULL, 'd'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    run r;
    memset(&r, 0, sizeof r);
    r.worst = -1;
    r.fail_on = GLA_SEV_ERROR;
    gla_check_opts co = GLA_CHECK_OPTS_INIT;
    r.co = co;
    gla_bitext_opts bo = GLA_BITEXT_OPTS_INIT;
    const char *db_opt = NULL;
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
        switch (c) {
        case 'f': r.from = optarg; break;
        case 't': r.to = optarg; break;
        case 'F':
            if (gla_bitext_format_parse(&bo.format, optarg) != GLA_OK)
                return cli_usage_error("check",
                                       "--format: '%s' is not auto, xml or "
                                       "tsv",
                                       optarg);
            break;
        case 'j': r.out = OUT_JSON; break;
        case 'H': r.out = OUT_HTML; break;
        case 'x': {
            gla_severity sev;
            if (strcmp(optarg, "never") == 0)
                r.fail_on = 3;
            else if (gla_severity_parse(&sev, optarg) == GLA_OK)
                r.fail_on = (int)sev;
            else
                return cli_usage_error("check",
                                       "--fail-on: '%s' is not info, "
                                       "warning, error or never",
                                       optarg);
            break;
        }
        case 'N': r.co.no_numbers = 1; break;
        case 'C': r.co.no_consistency = 1; break;
        case 'd': db_opt = optarg; break;
        case 'h': return cli_help_text(check_help);
        default: return cli_getopt_error("check", c, argv);
        }
    }
    int nfiles = argc - optind;
    if (nfiles < 1 || nfiles > 2)
        return cli_usage_error("check", nfiles < 1
                                            ? "what to check? (check FILE, "
                                              "or check SOURCE TARGET)"
                                            : "at most two files");
    bo.src_lang = r.from;
    bo.tgt_lang = r.to;
    r.db_path = cli_db_path(db_opt);
    int code = cli_db_open(&r.db, db_opt, GLA_DB_READONLY, NULL);
    if (code != CLI_OK)
        return code;
    const char *first = argv[optind];
    if (r.out == OUT_HTML)
        html_head(cli_input_name(first));
    if (nfiles == 2) {
        code = check_plain(&r, first, argv[optind + 1]);
    } else {
        gla_buf err = GLA_BUF_INIT;
        int rc = gla_bitext_read_file(first, &bo, on_pair, &r, &err);
        if (rc == GLA_EINTERNAL && r.code) {
            code = r.code;
        } else if (rc != GLA_OK) {
            cli_error("%s", err.len ? err.data : gla_strerror(rc));
            code = rc == GLA_ENOTFOUND || rc == GLA_EIO ? CLI_IO
                   : rc == GLA_ENOMEM                   ? CLI_IO
                                                        : CLI_INPUT;
        } else if (!r.chk) {
            code = setup(&r, NULL, NULL); /* no pair: still a valid run */
        }
        gla_buf_dispose(&err);
    }
    if (r.out == OUT_HTML) {
        fputs("</table>\n", stdout);
        printf("<p>%zu segments, %zu findings.</p>\n</body></html>\n",
               r.segments, r.findings);
    }
    for (size_t i = 0; i < r.n_keep; i++) {
        free(r.keep[i].entry);
        free(r.keep[i].expected);
        free(r.keep[i].message);
    }
    free(r.keep);
    gla_checker_free(r.chk);
    gla_matcher_free(r.sm);
    gla_matcher_free(r.tm);
    gla_db_close(r.db);
    if (code == CLI_OK && r.worst >= r.fail_on)
        code = CLI_FINDINGS;
    return cli_finish(code);
}
