/*
 * glossalign import: merge glossary files into the database in one
 * transaction. Any bad row stops the import with file:line:column and the
 * database is left exactly as it was; a new database file that ends up
 * unused is removed again.
 */
#define _POSIX_C_SOURCE 200809L

#include "commands.h"
#include "db_common.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char import_help[] =
    "usage: glossalign import [options] FILE...\n"
    "\n"
    "Merge the concepts of every FILE ('-' for standard input) into the\n"
    "glossary, all files in one transaction: either everything is imported\n"
    "or, at the first bad row, nothing, and the error names\n"
    "file:line:column. A concept whose entry id is already in the glossary\n"
    "is replaced by the file's (terms matched by language and text keep\n"
    "their ids); concepts the files do not name are left alone. The\n"
    "database is created when missing.\n"
    "\n"
    "  --db PATH         the glossary (default: $GLOSSALIGN_DB, else the\n"
    "                    default glossary)\n"
    "  --format FORMAT   auto (the default: by extension and content), tsv,\n"
    "                    omegat, csv, tbx or jsonl\n"
    "  --lang LANG       language of the OmegaT/CSV source column (fr)\n"
    "  --target LANG     language of the OmegaT/CSV target column (vi)\n"
    "  --dry-run         check everything and report what would change,\n"
    "                    write nothing\n"
    "  --author NAME     name in the change log (default: $USER)\n"
    "  -q, --quiet       no summary\n"
    "  -h, --help        show this help\n"
    "\n"
    "Concepts without an entry id (OmegaT, TBX without ids) get one made\n"
    "from their kind and first term, e.g. term.ministere-de-la-defense.\n"
    "Exit codes: 0 ok, 2 usage, 3 bad input, 4 database, 5 I/O.\n";

typedef struct import_ctx {
    gla_db *db;     /* the store */
    gla_buf msg;    /* the failure, "file:line:col: why" */
    gla_buf where;  /* scratch for "file:line" */
    size_t entries; /* concepts so far */
    int progress;   /* print progress (stderr is a terminal) */
} import_ctx;

static int on_entry(void *ctx, const gla_entry *e, const gla_srcpos *pos)
{
    import_ctx *c = ctx;
    /* Once per concept: cheaper than printf on a million-row import. */
    char digits[24];
    size_t nd = 0, line = pos->line;
    do
        digits[sizeof digits - ++nd] = (char)('0' + line % 10);
    while ((line /= 10) && nd < sizeof digits);
    gla_buf_clear(&c->where);
    gla_buf_puts(&c->where, pos->file);
    gla_buf_put(&c->where, ":", 1);
    gla_buf_put(&c->where, digits + sizeof digits - nd, nd);
    int rc = gla_db_import_put(c->db, e, c->where.data);
    if (rc != GLA_OK) {
        gla_buf_printf(&c->msg, "%s:%zu:%zu: %s", pos->file, pos->line,
                       pos->column, gla_db_errmsg(c->db));
        return rc;
    }
    c->entries++;
    if (c->progress && c->entries % 10000 == 0) {
        fprintf(stderr, "\rglossalign: importing: %zu concepts", c->entries);
        fflush(stderr);
    }
    return GLA_OK;
}

static void on_warning(void *ctx, const gla_srcpos *pos, const char *msg)
{
    import_ctx *c = ctx;
    if (c->progress)
        fputc('\n', stderr);
    cli_warn("%s:%zu:%zu: %s", pos->file, pos->line, pos->column, msg);
}

/* Remove a database file this run created and did not fill. */
static void remove_db_files(const char *path)
{
    static const char *const suffixes[] = {"", "-wal", "-shm", "-journal"};
    char name[4096];
    for (size_t i = 0; i < 4; i++) {
        snprintf(name, sizeof name, "%s%s", path, suffixes[i]);
        unlink(name);
    }
}

int cmd_import(int argc, char **argv)
{
    static const struct option opts[] = {
        {"db", required_argument, NULL, 'd'},
        {"format", required_argument, NULL, 'f'},
        {"lang", required_argument, NULL, 'l'},
        {"target", required_argument, NULL, 't'},
        {"dry-run", no_argument, NULL, 'n'},
        {"author", required_argument, NULL, 'a'},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *db_opt = NULL, *author = NULL;
    gla_read_opts ro = GLA_READ_OPTS_INIT;
    int dry = 0, quiet = 0, c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":qh", opts, NULL)) != -1) {
        switch (c) {
        case 'd': db_opt = optarg; break;
        case 'f':
            if (gla_format_parse(&ro.format, optarg) != GLA_OK)
                return cli_usage_error("import",
                                       "--format: '%s' is not auto, tsv, "
                                       "omegat, csv, tbx or jsonl",
                                       optarg);
            break;
        case 'l': ro.src_lang = optarg; break;
        case 't': ro.tgt_lang = optarg; break;
        case 'n': dry = 1; break;
        case 'a': author = optarg; break;
        case 'q': quiet = 1; break;
        case 'h': return cli_help_text(import_help);
        default: return cli_getopt_error("import", c, argv);
        }
    }
    if (optind >= argc)
        return cli_usage_error("import", "no file to import");

    const char *path = cli_db_path(db_opt);
    struct stat sb;
    int existed = stat(path, &sb) == 0;
    gla_db *db = NULL;
    /* A dry run never creates anything: check against an empty store. */
    int code = cli_db_open(&db, (dry && !existed) ? ":memory:" : db_opt,
                           GLA_DB_CREATE, author);
    if (code != CLI_OK)
        return code;

    import_ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.db = db;
    ctx.progress = !quiet && isatty(STDERR_FILENO);
    ro.warn = on_warning;
    ro.warn_ctx = &ctx;

    int rc = gla_db_import_begin(db);
    if (rc != GLA_OK) {
        code = cli_db_fail(db, rc);
        goto out;
    }
    for (int i = optind; i < argc && rc == GLA_OK; i++) {
        gla_buf err = GLA_BUF_INIT;
        gla_buf_clear(&ctx.msg);
        rc = gla_io_read_file(argv[i], &ro, on_entry, &ctx, &err);
        if (rc != GLA_OK) {
            if (ctx.progress)
                fputc('\n', stderr);
            if (ctx.msg.len) {
                cli_error("%s", ctx.msg.data);
                code = cli_db_exit(rc);
            } else {
                cli_error("%s", err.len ? err.data : gla_strerror(rc));
                code = (rc == GLA_EIO || rc == GLA_ENOTFOUND) ? CLI_IO
                       : rc == GLA_ENOMEM                     ? CLI_DB
                       : rc == GLA_EINVAL                     ? CLI_USAGE
                                                              : CLI_INPUT;
            }
        }
        gla_buf_dispose(&err);
    }
    gla_db_import_stats st;
    memset(&st, 0, sizeof st);
    if (rc != GLA_OK) {
        gla_db_import_abort(db, NULL);
        cli_note("nothing imported: %s is unchanged", path);
    } else if (dry) {
        gla_db_import_abort(db, &st);
    } else if ((rc = gla_db_import_commit(db, &st)) != GLA_OK) {
        /* Every row was read and stored; what failed is writing them out
         * (a full disk, an I/O error). Say how far the input got. */
        const char *msg = gla_db_errmsg(db);
        cli_error("%s, while committing the import of %zu concepts (input "
                  "read to the end, last concept at %s)",
                  *msg ? msg : gla_strerror(rc), ctx.entries,
                  ctx.where.len ? ctx.where.data : argv[argc - 1]);
        cli_note("nothing imported: %s is unchanged", path);
        code = cli_db_exit(rc);
    }
    if (ctx.progress && ctx.entries >= 10000)
        fputc('\n', stderr);
    if (rc == GLA_OK && !quiet)
        cli_note("%s%lld concepts, %lld terms: %lld added, %lld replaced, "
                 "%lld unchanged%s",
                 dry ? "dry run: " : "",
                 (long long)(st.added + st.replaced + st.unchanged),
                 (long long)st.terms, (long long)st.added,
                 (long long)st.replaced, (long long)st.unchanged,
                 dry ? "; nothing written" : "");
out:
    gla_db_close(db);
    if (!existed && !dry && code != CLI_OK)
        remove_db_files(path);
    gla_buf_dispose(&ctx.msg);
    gla_buf_dispose(&ctx.where);
    return code == CLI_OK ? cli_finish(CLI_OK) : code;
}
