/*
 * glossalign extract: candidates for new glossary entries. Over a corpus,
 * acronyms, Vietnamese names, variant spellings and frequent phrases; over
 * aligned pairs, ranked target equivalents for source concepts that lack
 * one, written into those concepts. Both as lossless TSV to review and
 * import.
 */
#include "commands.h"
#include "db_common.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static const char extract_help[] =
    "usage: glossalign extract [options] FILE...\n"
    "       glossalign extract --aligned [options] PAIRS\n"
    "       glossalign extract --counts [options] FILE...\n"
    "       glossalign extract --merge [--counts] [options] COUNTS...\n"
    "\n"
    "Over a corpus (UTF-8 text files, '-' for standard input, read paragraph\n"
    "by paragraph), propose new entries: acronyms with their long form\n"
    "(\"Force intérimaire de sécurité des Nations unies pour Abyei\n"
    "(FISNUA)\"), Vietnamese names the glossary lacks, spellings of one name\n"
    "that fold to one key (\"Staviskiy\" / \"Stavitski\"), and frequent\n"
    "multi-word phrases not in the glossary. The output is the lossless TSV\n"
    "(docs/TSV-FORMAT.md) with refs cand.KIND.SLUG, counts and example\n"
    "contexts in the notes: review it, then 'glossalign import' it.\n"
    "\n"
    "With --aligned, PAIRS holds aligned sentence pairs (TSV, XLIFF or TMX,\n"
    "as 'glossalign check' reads them; 'glossalign align' makes them) and\n"
    "target n-grams (up to 5 tokens) are ranked for every source concept\n"
    "without a target term, by Dice then log-likelihood. The output is the\n"
    "same lossless TSV: each such concept as the glossary holds it, plus\n"
    "its best proposals as admitted target terms whose notes give rank,\n"
    "counts, Dice and log-likelihood. Delete the rows you reject, then\n"
    "'glossalign import' the file (import replaces a concept by the\n"
    "file's, so keep the concept's other rows).\n"
    "\n"
    "  --lang LANG      corpus language (default fr); with --aligned, the\n"
    "                   source language\n"
    "  --to LANG        --aligned: target language (default vi)\n"
    "  --kinds LIST     comma-separated: acronym, vi-name, variant, phrase\n"
    "                   (default: all)\n"
    "  --min-count N    fewest occurrences of a phrase or variant (default 3)\n"
    "  --top N          --aligned: proposals per concept (default 3)\n"
    "  --all-concepts   --aligned: concepts with a target term too\n"
    "  --no-glossary    do not leave out what the glossary knows\n"
    "  --counts         write the raw counts (a versioned TSV, see\n"
    "                   docs/SCALE.md) instead of candidates: the map step\n"
    "                   over one share of a corpus cut at blank lines\n"
    "  --merge          read counts files ('-' for standard input), sum\n"
    "                   them and write the candidates a single run over the\n"
    "                   whole corpus gives (with --counts: the summed\n"
    "                   counts); the glossary is not opened\n"
    "  --db PATH        the glossary (default: $GLOSSALIGN_DB, else the\n"
    "                   default glossary)\n"
    "  -h, --help       show this help\n"
    "\n"
    "Exit codes: 0 ok, 2 usage, 3 bad input, 4 database, 5 I/O.\n";

/* ---- monolingual ----------------------------------------------------- */

static void slug(gla_buf *out, const char *text)
{
    gla_buf k = GLA_BUF_INIT;
    gla_normalize_to_buf(&k, NULL, GLA_K2, text, strlen(text));
    int dash = 0;
    size_t start = out->len;
    for (size_t i = 0; k.data && i < k.len && out->len - start < 60; i++) {
        char c = k.data[i];
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
            if (dash && out->len > start)
                gla_buf_put(out, "-", 1);
            gla_buf_put(out, &c, 1);
            dash = 0;
        } else {
            dash = 1;
        }
    }
    if (out->len == start)
        gla_buf_puts(out, "x");
    gla_buf_dispose(&k);
}

/* The refs written so far, a hash set: a large corpus yields tens of
 * thousands of candidates, each checked before it is written. */
typedef struct refs {
    char **v;   /* open addressing slots, NULL when free */
    size_t n;   /* refs held */
    size_t cap; /* slots, a power of two (0 before the first) */
} refs;

static size_t ref_hash(const char *s)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 0x100000001b3ull;
    }
    return (size_t)(h ^ (h >> 32));
}

static int ref_taken(const refs *r, const char *s)
{
    if (!r->cap)
        return 0;
    for (size_t i = ref_hash(s) & (r->cap - 1); r->v[i];
         i = (i + 1) & (r->cap - 1))
        if (strcmp(r->v[i], s) == 0)
            return 1;
    return 0;
}

/* Take `s` (not yet in the set) into the set, which then owns it. */
static int ref_add(refs *r, char *s)
{
    if ((r->n + 1) * 2 > r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 256;
        char **v = calloc(cap, sizeof *v);
        if (!v)
            return GLA_ENOMEM;
        for (size_t i = 0; i < r->cap; i++) {
            if (!r->v[i])
                continue;
            size_t j = ref_hash(r->v[i]) & (cap - 1);
            while (v[j])
                j = (j + 1) & (cap - 1);
            v[j] = r->v[i];
        }
        free(r->v);
        r->v = v;
        r->cap = cap;
    }
    size_t j = ref_hash(s) & (r->cap - 1);
    while (r->v[j])
        j = (j + 1) & (r->cap - 1);
    r->v[j] = s;
    r->n++;
    return GLA_OK;
}

static void refs_dispose(refs *r)
{
    for (size_t i = 0; i < r->cap; i++)
        free(r->v[i]);
    free(r->v);
    memset(r, 0, sizeof *r);
}

typedef struct mctx {
    const char *lang;   /* corpus language */
    const char *source; /* where the forms come from */
    gla_writer *w;      /* TSV writer */
    refs used;          /* refs already written */
    size_t written;     /* entries */
    int failed;         /* a write failed */
} mctx;

static int add_term(gla_entry *e, const char *lang, const char *text,
                    gla_status st, gla_term_type ty, const char *note,
                    const char *source)
{
    for (size_t i = 0; i < e->n_terms; i++)
        if (strcmp(e->terms[i].text, text) == 0 &&
            strcmp(e->terms[i].lang, lang) == 0)
            return GLA_OK;
    gla_term t;
    memset(&t, 0, sizeof t);
    t.lang = (char *)lang;
    t.text = (char *)text;
    t.status = st;
    t.type = ty;
    t.note = (char *)note;
    t.source = (char *)source;
    return gla_entry_add_term(e, &t);
}

/* Text as a note or source can hold it: control characters (line breaks,
 * tabs, form feeds...) become spaces. */
static void put_context(gla_buf *note, const char *s)
{
    for (const char *p = s; *p;) {
        const char *q = p;
        while (*q && (unsigned char)*q >= 0x20)
            q++;
        gla_buf_put(note, p, (size_t)(q - p));
        if (!*q)
            break;
        gla_buf_put(note, " ", 1);
        p = q + 1;
    }
}

static int on_candidate(void *ctx, const gla_candidate *c)
{
    mctx *m = ctx;
    gla_buf ref = GLA_BUF_INIT, note = GLA_BUF_INIT;
    gla_buf_printf(&ref, "cand.%s.", gla_cand_kind_name(c->kind));
    slug(&ref, c->long_form ? c->long_form : c->text);
    if (!ref.data)
        return GLA_ENOMEM;
    if (ref_taken(&m->used, ref.data)) {
        size_t base = ref.len;
        for (int k = 2;; k++) {
            ref.len = base;
            gla_buf_printf(&ref, "-%d", k);
            if (!ref_taken(&m->used, ref.data))
                break;
        }
    }
    if (!ref.data || ref_add(&m->used, ref.data) != GLA_OK) {
        gla_buf_dispose(&ref);
        return GLA_ENOMEM;
    }
    /* ref.data is owned by m->used now */

    gla_buf_printf(&note, "%s; seen %zu times", c->note, c->count);
    if (c->known_ref)
        gla_buf_printf(&note, "; touches %s", c->known_ref);
    for (size_t i = 0; i < c->n_contexts; i++) {
        gla_buf_printf(&note, "%s\xC2\xAB", i ? " | " : "; e.g. ");
        put_context(&note, c->contexts[i]);
        gla_buf_puts(&note, "\xC2\xBB");
    }

    gla_entry e;
    memset(&e, 0, sizeof e);
    e.ref = ref.data;
    e.kind = c->kind == GLA_CAND_VI_NAME ? GLA_KIND_PERSON : GLA_KIND_TERM;
    e.note = note.data;
    int rc = GLA_OK;
    gla_buf tn = GLA_BUF_INIT;
    if (c->kind == GLA_CAND_ACRONYM) {
        rc = add_term(&e, m->lang, c->long_form ? c->long_form : c->text,
                      GLA_STATUS_PREFERRED, GLA_TYPE_FULL_FORM, NULL,
                      m->source);
        for (size_t i = 0; rc == GLA_OK && i < c->n_forms; i++) {
            gla_buf_clear(&tn);
            gla_buf_printf(&tn, "seen %zu times", c->form_counts[i]);
            rc = add_term(&e, m->lang, c->forms[i], GLA_STATUS_ADMITTED,
                          GLA_TYPE_VARIANT, tn.data, m->source);
        }
        if (rc == GLA_OK)
            rc = add_term(&e, m->lang, c->text, GLA_STATUS_ADMITTED,
                          GLA_TYPE_ACRONYM, NULL, m->source);
    } else {
        rc = add_term(&e, m->lang, c->text, GLA_STATUS_PREFERRED,
                      GLA_TYPE_FULL_FORM, NULL, m->source);
        for (size_t i = 0; rc == GLA_OK && i < c->n_forms; i++) {
            gla_buf_clear(&tn);
            gla_buf_printf(&tn, "seen %zu times", c->form_counts[i]);
            rc = add_term(&e, m->lang, c->forms[i], GLA_STATUS_ADMITTED,
                          GLA_TYPE_VARIANT, tn.data, m->source);
        }
    }
    if (rc == GLA_OK) {
        rc = gla_writer_put(m->w, &e);
        if (rc != GLA_OK)
            cli_error("cannot write candidate %s: %s", ref.data,
                      gla_writer_errmsg(m->w));
        else
            m->written++;
    }
    /* the strings belong to the caller: only the term array goes */
    for (size_t i = 0; i < e.n_terms; i++) {
        free(e.terms[i].lang);
        free(e.terms[i].text);
        free(e.terms[i].pos);
        free(e.terms[i].note);
        free(e.terms[i].source);
    }
    free(e.terms);
    gla_buf_dispose(&note);
    gla_buf_dispose(&tn);
    return rc;
}

/* Feed a file paragraph by paragraph (blank lines separate). */
static int feed_file(gla_extractor *x, const char *path)
{
    FILE *f = cli_open_input(path);
    if (!f)
        return CLI_IO;
    gla_buf para = GLA_BUF_INIT;
    char line[65536];
    size_t lineno = 0, para_line = 1;
    int code = CLI_OK;
    for (;;) {
        char *got = fgets(line, sizeof line, f);
        size_t n = got ? strlen(line) : 0;
        if (got)
            lineno++;
        int blank = got != NULL;
        for (size_t i = 0; got && i < n; i++)
            if (line[i] != ' ' && line[i] != '\t' && line[i] != '\n' &&
                line[i] != '\r')
                blank = 0;
        /* a paragraph past 1 MiB is cut at a line end (never inside a
         * character), so memory stays bounded */
        int long_para = para.len > (1u << 20) && para.data &&
                        para.data[para.len - 1] == '\n';
        if ((!got || blank || long_para) && para.len) {
            int rc = gla_extractor_feed(x, para.data, para.len);
            if (rc == GLA_EUTF8) {
                cli_error("%s: paragraph at line %zu: %s; convert it with "
                          "'glossalign convert'",
                          cli_input_name(path), para_line,
                          gla_extractor_errmsg(x));
                code = CLI_INPUT;
                break;
            }
            if (rc != GLA_OK) {
                cli_error("%s: %s", cli_input_name(path), gla_strerror(rc));
                code = CLI_IO;
                break;
            }
            gla_buf_clear(&para);
        }
        if (!got)
            break;
        if (!blank) {
            if (!para.len)
                para_line = lineno;
            if (gla_buf_put(&para, line, n) != GLA_OK) {
                code = CLI_IO;
                break;
            }
        }
    }
    if (code == CLI_OK && ferror(f)) {
        cli_error("cannot read '%s'", cli_input_name(path));
        code = CLI_IO;
    }
    cli_close_input(f);
    gla_buf_dispose(&para);
    return code;
}

static int parse_kinds(unsigned *out, const char *s)
{
    *out = 0;
    const char *p = s;
    while (*p) {
        const char *q = strchr(p, ',');
        size_t n = q ? (size_t)(q - p) : strlen(p);
        int found = 0;
        for (int k = 0; k < GLA_CAND_KIND_COUNT; k++) {
            const char *name = gla_cand_kind_name((gla_cand_kind)k);
            if (strlen(name) == n && strncmp(name, p, n) == 0) {
                *out |= 1u << k;
                found = 1;
            }
        }
        if (!found)
            return -1;
        p += n;
        if (*p == ',')
            p++;
    }
    return *out ? 0 : -1;
}

/* ---- aligned pairs ------------------------------------------------------ */

typedef struct actx {
    gla_proposer *p; /* the proposer */
    int code;        /* exit code after a failure */
} actx;

static int on_pair(void *ctx, const gla_segpair *sp)
{
    actx *a = ctx;
    if (!sp->has_tgt)
        return GLA_OK;
    int rc = gla_proposer_feed(a->p, sp->src, sp->src_len, sp->tgt,
                               sp->tgt_len);
    if (rc == GLA_EUTF8) {
        cli_error("pair %s (line %zu): %s", sp->id, sp->line,
                  gla_proposer_errmsg(a->p));
        a->code = CLI_INPUT;
        return GLA_EINTERNAL;
    }
    if (rc != GLA_OK) {
        a->code = CLI_IO;
        return GLA_EINTERNAL;
    }
    return GLA_OK;
}

/* The proposals of one concept are written as that concept, all its terms
 * as the glossary holds them (import replaces a concept by the file's, so
 * nothing may be left out), plus one admitted target term per proposal
 * with its figures in the note. */
typedef struct pctx {
    gla_db *db;         /* the glossary */
    gla_writer *w;      /* TSV writer */
    const char *lang;   /* source language */
    const char *to;     /* target language */
    const char *source; /* the source column of proposed terms */
    gla_entry *e;       /* the concept being filled, or NULL */
    gla_entry fresh;    /* used when the glossary lacks the ref */
    size_t concepts;    /* concepts written */
    size_t proposed;    /* proposed terms written */
    int code;           /* exit code after a failure */
} pctx;

static int flush_concept(pctx *pc)
{
    if (!pc->e)
        return GLA_OK;
    int rc = gla_writer_put(pc->w, pc->e);
    if (rc != GLA_OK) {
        cli_error("cannot write concept %s: %s", pc->e->ref,
                  gla_writer_errmsg(pc->w));
        pc->code = rc == GLA_EIO ? CLI_IO : CLI_INPUT;
    } else {
        pc->concepts++;
    }
    if (pc->e == &pc->fresh)
        gla_entry_clear(&pc->fresh);
    else
        gla_entry_free(pc->e);
    pc->e = NULL;
    return rc;
}

static int on_proposal(void *ctx, const gla_proposal *p)
{
    pctx *pc = ctx;
    int rc;
    if (pc->e && strcmp(pc->e->ref, p->ref) != 0 &&
        (rc = flush_concept(pc)) != GLA_OK)
        return rc;
    if (!pc->e) {
        rc = gla_db_entry_get_ref(&pc->e, pc->db, p->ref);
        if (rc == GLA_ENOTFOUND) {
            /* a concept of a compiled glossary the store no longer has */
            pc->e = &pc->fresh;
            rc = gla_entry_set_str(&pc->fresh.ref, p->ref, strlen(p->ref));
            if (rc == GLA_OK)
                rc = add_term(&pc->fresh, pc->lang, p->source,
                              GLA_STATUS_PREFERRED, GLA_TYPE_FULL_FORM, NULL,
                              NULL);
        } else if (rc != GLA_OK) {
            cli_error("%s: %s", p->ref, gla_db_errmsg(pc->db));
            pc->code = CLI_DB;
            pc->e = NULL;
            return rc;
        }
        if (rc != GLA_OK) {
            pc->code = CLI_IO;
            return rc;
        }
    }
    gla_buf note = GLA_BUF_INIT;
    gla_buf_printf(&note,
                   "proposed by extract --aligned: rank %zu; in %zu of the "
                   "%zu pairs holding \"%s\" and %zu pairs in all; Dice "
                   "%.4f, LLR %.2f",
                   p->rank, p->joint, p->n_source, p->source, p->n_target,
                   p->dice, p->llr);
    size_t before = pc->e->n_terms;
    rc = note.data ? add_term(pc->e, pc->to, p->target, GLA_STATUS_ADMITTED,
                              GLA_TYPE_FULL_FORM, note.data, pc->source)
                   : GLA_ENOMEM;
    gla_buf_dispose(&note);
    if (rc != GLA_OK) {
        pc->code = CLI_IO;
        return rc;
    }
    pc->proposed += pc->e->n_terms - before;
    return GLA_OK;
}

static int open_matcher(gla_matcher **out, gla_db *db, const char *db_opt,
                        const char *lang)
{
    gla_matcher_options mo = GLA_MATCHER_OPTIONS_INIT;
    mo.source_lang = lang;
    const char *path = cli_db_path(db_opt);
    int rc = gla_matcher_open(out, db, strcmp(lang, "fr") == 0 ? path : NULL,
                              &mo);
    if (rc != GLA_OK) {
        cli_error("%s", *out ? gla_matcher_errmsg(*out) : gla_strerror(rc));
        gla_matcher_free(*out);
        *out = NULL;
        return CLI_DB;
    }
    return CLI_OK;
}

static int write_proposals(gla_proposer *p, gla_db *db, const char *lang,
                           const char *to, const char *path)
{
    pctx pc;
    memset(&pc, 0, sizeof pc);
    pc.db = db;
    pc.lang = lang;
    pc.to = to;
    gla_buf source = GLA_BUF_INIT;
    gla_buf_puts(&source, "extract --aligned: ");
    put_context(&source, cli_input_name(path));
    if (!source.data) {
        cli_error("out of memory");
        return CLI_IO;
    }
    pc.source = source.data;
    fputs("# Target terms proposed from aligned pairs: each concept as the\n"
          "# glossary holds it, plus admitted terms noted \"proposed by "
          "extract\n"
          "# --aligned\". Delete the rows you reject, then 'glossalign "
          "import'.\n",
          stdout);
    int rc = gla_writer_new(&pc.w, GLA_FMT_TSV, stdout, NULL);
    if (rc == GLA_OK)
        rc = gla_proposer_results(p, on_proposal, &pc);
    if (rc == GLA_OK)
        rc = flush_concept(&pc);
    if (rc == GLA_OK)
        rc = gla_writer_finish(pc.w);
    int code = CLI_OK;
    if (rc != GLA_OK) {
        code = pc.code ? pc.code : rc == GLA_ENOMEM || rc == GLA_EIO
                                       ? CLI_IO
                                       : CLI_INPUT;
        if (!pc.code)
            cli_error("cannot write the proposals: %s", gla_strerror(rc));
    } else {
        cli_note("%zu proposed terms for %zu concepts", pc.proposed,
                 pc.concepts);
    }
    if (pc.e == &pc.fresh)
        gla_entry_clear(&pc.fresh);
    else
        gla_entry_free(pc.e);
    gla_writer_free(pc.w);
    gla_buf_dispose(&source);
    return code;
}

/* The candidates as lossless TSV; `names` the inputs, for the source
 * column. */
static int write_candidates(gla_extractor *x, const char *lang,
                            const char *names)
{
    gla_buf source = GLA_BUF_INIT;
    gla_buf_printf(&source, "extract: %s", names ? names : "");
    if (!source.data) {
        cli_error("out of memory");
        return CLI_IO;
    }
    mctx mc;
    memset(&mc, 0, sizeof mc);
    mc.lang = lang;
    mc.source = source.data;
    int code = CLI_OK;
    int rc = gla_writer_new(&mc.w, GLA_FMT_TSV, stdout, NULL);
    if (rc == GLA_OK)
        rc = gla_extractor_results(x, on_candidate, &mc);
    if (rc == GLA_OK)
        rc = gla_writer_finish(mc.w);
    if (rc != GLA_OK)
        code = rc == GLA_EIO ? CLI_IO : CLI_INPUT;
    else
        cli_note("%zu candidate entries", mc.written);
    gla_writer_free(mc.w);
    refs_dispose(&mc.used);
    gla_buf_dispose(&source);
    return code;
}

static int write_counts(gla_extractor *x, const char *names)
{
    int rc = gla_extractor_dump(x, names ? names : "", stdout);
    if (rc == GLA_OK)
        return CLI_OK;
    cli_error("cannot write the counts: %s", rc == GLA_EIO
                                                 ? gla_extractor_errmsg(x)
                                                 : gla_strerror(rc));
    return CLI_IO;
}

/* extract --merge: the reduce step over counts files. */
static int run_merge(int n, char **paths, const char *lang, size_t min_count,
                     unsigned kinds, int counts)
{
    gla_extract_opts eo = GLA_EXTRACT_OPTS_INIT;
    eo.lang = lang;
    eo.min_count = min_count;
    eo.kinds = kinds;
    gla_extractor *x = NULL;
    if (gla_extractor_new(&x, &eo) != GLA_OK) {
        cli_error("out of memory");
        return cli_finish(CLI_IO);
    }
    int code = CLI_OK;
    for (int i = 0; code == CLI_OK && i < n; i++) {
        FILE *f = cli_open_input(paths[i]);
        if (!f) {
            code = CLI_IO;
            break;
        }
        int rc = gla_extractor_merge(x, f, cli_input_name(paths[i]));
        cli_close_input(f);
        if (rc != GLA_OK) {
            cli_error("%s", gla_extractor_errmsg(x)[0]
                                ? gla_extractor_errmsg(x)
                                : gla_strerror(rc));
            code = rc == GLA_EPARSE ? CLI_INPUT : CLI_IO;
        }
    }
    if (code == CLI_OK)
        code = counts ? write_counts(x, gla_extractor_sources(x))
                      : write_candidates(x, lang, gla_extractor_sources(x));
    gla_extractor_free(x);
    return cli_finish(code);
}

int cmd_extract(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"lang", required_argument, NULL, 'l'},
        {"to", required_argument, NULL, 't'},
        {"aligned", no_argument, NULL, 'a'},
        {"kinds", required_argument, NULL, 'k'},
        {"min-count", required_argument, NULL, 'c'},
        {"top", required_argument, NULL, 'n'},
        {"all-concepts", no_argument, NULL, 'A'},
        {"no-glossary", no_argument, NULL, 'G'},
        {"db", required_argument, NULL, 'd'},
        {"counts", no_argument, NULL, 'C'},
        {"merge", no_argument, NULL, 'M'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *lang = "fr", *to = "vi", *db_opt = NULL;
    int aligned = 0, all = 0, no_gloss = 0, counts = 0, merge = 0, c;
    unsigned kinds = 0;
    size_t min_count = 0, top = 0;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
        char *end;
        switch (c) {
        case 'l': lang = optarg; break;
        case 't': to = optarg; break;
        case 'a': aligned = 1; break;
        case 'k':
            if (parse_kinds(&kinds, optarg) != 0)
                return cli_usage_error("extract",
                                       "--kinds: '%s' is not a list of "
                                       "acronym, vi-name, variant, phrase",
                                       optarg);
            break;
        case 'c':
        case 'n': {
            unsigned long v = strtoul(optarg, &end, 10);
            if (*end || !*optarg || optarg[0] == '-' || v == 0 || v > 1000000)
                return cli_usage_error("extract",
                                       "--%s: '%s' is not a number from 1",
                                       c == 'c' ? "min-count" : "top",
                                       optarg);
            if (c == 'c')
                min_count = v;
            else
                top = v;
            break;
        }
        case 'A': all = 1; break;
        case 'G': no_gloss = 1; break;
        case 'C': counts = 1; break;
        case 'M': merge = 1; break;
        case 'd': db_opt = optarg; break;
        case 'h': return cli_help_text(extract_help);
        default: return cli_getopt_error("extract", c, argv);
        }
    }
    if (optind >= argc)
        return cli_usage_error("extract", "what to read? (extract FILE... or "
                                          "extract --aligned PAIRS)");
    if (aligned && argc - optind != 1)
        return cli_usage_error("extract", "--aligned reads one file of pairs");
    if (aligned && no_gloss)
        return cli_usage_error("extract",
                               "--aligned needs the glossary's concepts");
    if (aligned && (counts || merge))
        return cli_usage_error("extract", "--%s is for a corpus, not with "
                                          "--aligned",
                               merge ? "merge" : "counts");
    if (merge)
        return run_merge(argc - optind, argv + optind, lang, min_count,
                         kinds, counts);

    gla_db *db = NULL;
    gla_matcher *m = NULL;
    int code = CLI_OK;
    if (!no_gloss) {
        code = cli_db_open(&db, db_opt, GLA_DB_READONLY, NULL);
        if (code == CLI_OK)
            code = open_matcher(&m, db, db_opt, lang);
    }
    gla_matcher *tm = NULL;
    if (code == CLI_OK && aligned)
        code = open_matcher(&tm, db, db_opt, to);
    if (code == CLI_OK && aligned) {
        gla_propose_opts po = GLA_PROPOSE_OPTS_INIT;
        po.tgt_m = tm;
        po.tgt_lang = to;
        po.per_concept = top;
        po.all_concepts = all;
        actx a = {NULL, CLI_OK};
        if (gla_proposer_new(&a.p, m, &po) != GLA_OK) {
            cli_error("out of memory");
            code = CLI_IO;
        } else {
            gla_bitext_opts bo = GLA_BITEXT_OPTS_INIT;
            bo.src_lang = lang;
            bo.tgt_lang = to;
            gla_buf err = GLA_BUF_INIT;
            int rc = gla_bitext_read_file(argv[optind], &bo, on_pair, &a, &err);
            if (rc == GLA_EINTERNAL && a.code) {
                code = a.code;
            } else if (rc != GLA_OK) {
                cli_error("%s", err.len ? err.data : gla_strerror(rc));
                code = rc == GLA_ENOTFOUND || rc == GLA_EIO || rc == GLA_ENOMEM
                           ? CLI_IO
                           : CLI_INPUT;
            }
            gla_buf_dispose(&err);
            if (code == CLI_OK)
                code = write_proposals(a.p, db, lang, to, argv[optind]);
            gla_proposer_free(a.p);
        }
    } else if (code == CLI_OK) {
        gla_extract_opts eo = GLA_EXTRACT_OPTS_INIT;
        eo.lang = lang;
        eo.m = m;
        eo.min_count = min_count;
        eo.kinds = kinds;
        gla_extractor *x = NULL;
        if (gla_extractor_new(&x, &eo) != GLA_OK) {
            cli_error("out of memory");
            code = CLI_IO;
        }
        gla_buf names = GLA_BUF_INIT;
        for (int i = optind; code == CLI_OK && i < argc; i++) {
            gla_buf_printf(&names, "%s%s", i > optind ? " " : "",
                           cli_input_name(argv[i]));
            code = feed_file(x, argv[i]);
        }
        if (code == CLI_OK)
            code = counts ? write_counts(x, names.data)
                          : write_candidates(x, lang, names.data);
        gla_buf_dispose(&names);
        gla_extractor_free(x);
    }
    gla_matcher_free(m);
    gla_matcher_free(tm);
    gla_db_close(db);
    return cli_finish(code);
}
