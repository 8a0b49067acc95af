/*
 * glossalign serve: a local web app and JSON API over the glossary. This
 * file only reads the options; the server lives in src/cli/serve/ and is
 * compiled in when libmicrohttpd and jansson were found at build time.
 */
#include "commands.h"
#include "db_common.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#ifdef GLA_HAVE_SERVE
#include "serve.h"
#endif

static const char serve_help[] =
    "usage: glossalign serve [options]\n"
    "\n"
    "Serve a web page for translators (look up, resolve, annotate, edit,\n"
    "export, check translations) and its JSON API (docs/API.md) until\n"
    "interrupted (Ctrl-C, SIGTERM). The page needs no network access.\n"
    "\n"
    "  --db PATH        the glossary (default: $GLOSSALIGN_DB, else the\n"
    "                   default glossary)\n"
    "  --bind ADDR      address to listen on (default 127.0.0.1); any\n"
    "                   address other than loopback needs --token\n"
    "  --port N         TCP port (default 8737; 0 picks a free one)\n"
    "  --token TOKEN    secret that API clients send as 'Authorization:\n"
    "                   Bearer TOKEN'; writes always need it. Without it a\n"
    "                   token is made for this run and given to the page.\n"
    "  --read-only      open the glossary read-only; refuse every change\n"
    "  --threads N      worker threads (default: one per CPU)\n"
    "  --max-body BYTES largest request body (default 4194304)\n"
    "  -h, --help       show this help\n"
    "\n"
    "The address actually listened on is printed on stdout as\n"
    "'listening on http://ADDR:PORT/'.\n"
    "Exit codes: 0 stopped by a signal, 2 usage, 4 database, 5 I/O (the\n"
    "port is taken, ...).\n";

static int parse_uint(unsigned long *out, const char *s, unsigned long max)
{
    char *end = NULL;
    if (!*s || *s == '-' || *s == '+')
        return -1;
    unsigned long v = strtoul(s, &end, 10);
    if (*end || v > max)
        return -1;
    *out = v;
    return 0;
}

int cmd_serve(int argc, char **argv)
{
    static const struct option opts[] = {
        {"db", required_argument, NULL, 'd'},
        {"bind", required_argument, NULL, 'b'},
        {"port", required_argument, NULL, 'p'},
        {"token", required_argument, NULL, 't'},
        {"read-only", no_argument, NULL, 'r'},
        {"threads", required_argument, NULL, 'T'},
        {"max-body", required_argument, NULL, 'm'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *db_opt = NULL, *bind = "127.0.0.1", *token = NULL;
    unsigned long port = 8737, threads = 0, max_body = 4u << 20;
    int read_only = 0, c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (c) {
        case 'd': db_opt = optarg; break;
        case 'b': bind = optarg; break;
        case 'p':
            if (parse_uint(&port, optarg, 65535) != 0)
                return cli_usage_error("serve",
                                       "--port: '%s' is not a port number "
                                       "(0-65535)",
                                       optarg);
            break;
        case 't': token = optarg; break;
        case 'r': read_only = 1; break;
        case 'T':
            if (parse_uint(&threads, optarg, 256) != 0 || threads == 0)
                return cli_usage_error("serve",
                                       "--threads: '%s' is not a number "
                                       "from 1 to 256",
                                       optarg);
            break;
        case 'm':
            if (parse_uint(&max_body, optarg, 1ul << 30) != 0 ||
                max_body < 1024)
                return cli_usage_error("serve",
                                       "--max-body: '%s' is not a size from "
                                       "1024 to 1073741824 bytes",
                                       optarg);
            break;
        case 'h': return cli_help_text(serve_help);
        default: return cli_getopt_error("serve", c, argv);
        }
    }
    if (optind < argc)
        return cli_usage_error("serve", "unexpected argument '%s'",
                               argv[optind]);
    if (token && (strlen(token) < 16 || strlen(token) > 256))
        return cli_usage_error("serve",
                               "--token: use 16 to 256 characters (got %zu)",
                               strlen(token));
    for (const char *p = token; p && *p; p++)
        if (*p <= ' ' || *p >= 0x7f)
            return cli_usage_error("serve", "--token: printable ASCII without "
                                            "spaces only");
#ifdef GLA_HAVE_SERVE
    serve_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.db_path = cli_db_path(db_opt);
    cfg.bind = bind;
    cfg.port = (unsigned)port;
    cfg.token = token;
    cfg.read_only = read_only;
    cfg.threads = (unsigned)threads;
    cfg.max_body = max_body;
    return serve_run(&cfg);
#else
    (void)db_opt;
    (void)read_only;
    cli_error("this glossalign was built without libmicrohttpd and jansson, "
              "so it cannot serve; install them (scripts/setup) and rebuild");
    return CLI_IO;
#endif
}
