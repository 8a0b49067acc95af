/*
 * glossalign convert: any encoding in, NFC UTF-8 out. A thin loop over
 * gla_decoder in 64 KiB chunks, so memory stays flat whatever the file
 * size; what was decided, replaced and repaired is told on stderr.
 */
#include "cli.h"
#include "commands.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#define CHUNK 65536

static const char convert_help[] =
    "usage: glossalign convert [options] [FILE|-]\n"
    "\n"
    "Decode FILE (default: standard input) and write it to standard output\n"
    "as NFC UTF-8.\n"
    "\n"
    "Options:\n"
    "  -f, --from ENC  the input encoding: any iconv name (CP1252, VISCII,\n"
    "                  CP1258, TCVN5712-1, ...), TCVN3 (alias ABC) or VNI;\n"
    "                  default: detect\n"
    "  -r, --repair    repair mojibake line by line: UTF-8 read as CP1252 or\n"
    "                  Latin-1, CP1258 read as CP1252\n"
    "  -s, --strict    stop at the first invalid byte (exit 3) instead of\n"
    "                  writing U+FFFD for it\n"
    "  -q, --quiet     no notes on stderr (warnings and errors remain)\n"
    "  -h, --help      show this help\n"
    "\n"
    "Detection: a byte-order mark (UTF-8, UTF-16, UTF-32), else valid UTF-8,\n"
    "else the most plausible of ISO-8859-1, CP1252, CP1258, VISCII, TCVN3,\n"
    "TCVN5712-1 and VNI, judged on the first 64 KiB that are not plain ASCII.\n"
    "A note on stderr says what was decided and how sure it is.\n"
    "\n"
    "Exit codes: 0 ok (invalid bytes replaced are reported), 2 usage or\n"
    "unknown encoding, 3 invalid input with --strict, 5 read or write error.\n";

static void note_decision(const char *name, const gla_decode_info *in)
{
    switch (in->how) {
    case GLA_ENCODING_DEFAULT: return; /* empty input */
    case GLA_ENCODING_GUESSED: {
        char from[48] = "";
        if (in->detect_offset)
            snprintf(from, sizeof from, " from byte offset %" PRIu64,
                     in->detect_offset);
        char next[96] = "";
        if (in->n_alternatives)
            snprintf(next, sizeof next, "; next: %s %.2f",
                     in->alternatives[0].name, in->alternatives[0].confidence);
        cli_note("%s: decoded as %s (guessed%s, confidence %.2f%s)", name,
                 in->encoding, from, in->confidence, next);
        return;
    }
    case GLA_ENCODING_BOM:
        cli_note("%s: decoded as %s (byte-order mark)", name, in->encoding);
        return;
    default:
        cli_note("%s: decoded as %s (%s)", name, in->encoding,
                 gla_encoding_how_name(in->how));
        return;
    }
}

static void report(const char *name, const gla_decode_info *in, int quiet)
{
    if (in->invalid)
        cli_warn("%s: replaced %" PRIu64 " invalid byte sequence%s (%" PRIu64
                 " byte%s) with U+FFFD, the first at byte offset %" PRIu64,
                 name, in->invalid, in->invalid == 1 ? "" : "s",
                 in->invalid_bytes, in->invalid_bytes == 1 ? "" : "s",
                 in->first_invalid);
    if (in->repairs && !quiet) {
        const char *kind = in->repair_kinds == GLA_REPAIR_UTF8_AS_CP1252
                               ? "UTF-8 read as CP1252"
                           : in->repair_kinds == GLA_REPAIR_CP1258_AS_CP1252
                               ? "CP1258 read as CP1252"
                               : "UTF-8 and CP1258 read as CP1252";
        cli_note("%s: repaired %" PRIu64 " mojibake sequence%s (%s) on %" PRIu64
                 " line%s, the first on line %" PRIu64,
                 name, in->repairs, in->repairs == 1 ? "" : "s", kind,
                 in->repaired_lines, in->repaired_lines == 1 ? "" : "s",
                 in->first_repair_line);
    }
}

/* Write and forget `out`; 0, or the errno of a failed write. */
static int write_out(gla_buf *out)
{
    if (out->len && fwrite(out->data, 1, out->len, stdout) != out->len)
        return errno ? errno : EIO;
    gla_buf_clear(out);
    return 0;
}

int cmd_convert(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"from", required_argument, NULL, 'f'},
        {"repair", no_argument, NULL, 'r'},
        {"strict", no_argument, NULL, 's'},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    gla_decode_opts opts = GLA_DECODE_OPTS_INIT;
    int quiet = 0, c;
    opterr = 0;
    optind = 0;
    while ((c = getopt_long(argc, argv, "+:f:rsqh", longopts, NULL)) != -1) {
        switch (c) {
        case 'f': opts.from = optarg; break;
        case 'r': opts.repair = 1; break;
        case 's': opts.strict = 1; break;
        case 'q': quiet = 1; break;
        case 'h': return cli_help_text(convert_help);
        case ':':
            return cli_usage_error("convert", "option '%s' needs an argument",
                                   argv[optind - 1]);
        default:
            if (optopt)
                return cli_usage_error("convert", "unknown option '-%c'",
                                       optopt);
            return cli_usage_error("convert", "unknown option '%s'",
                                   argv[optind - 1]);
        }
    }
    if (argc - optind > 1)
        return cli_usage_error("convert", "one input at a time, got %d",
                               argc - optind);
    if (opts.from && !*opts.from)
        return cli_usage_error("convert", "--from needs an encoding name");
    const char *path = optind < argc ? argv[optind] : "-";
    const char *name = cli_input_name(path);

    gla_decoder *d = NULL;
    int rc = gla_decoder_new(&d, &opts);
    if (rc) {
        int code = rc == GLA_ENOMEM ? (cli_error("out of memory"), CLI_IO)
                                    : cli_usage_error("convert", "%s",
                                                      gla_decoder_errmsg(d));
        gla_decoder_free(d);
        return code;
    }
    FILE *f = cli_open_input(path);
    char *chunk = malloc(CHUNK);
    if (!f || !chunk) {
        if (!chunk)
            cli_error("out of memory");
        free(chunk);
        cli_close_input(f);
        gla_decoder_free(d);
        return CLI_IO;
    }
    gla_buf out = GLA_BUF_INIT;
    int code = CLI_OK, wfail = 0;
    for (;;) {
        size_t n = fread(chunk, 1, CHUNK, f);
        if (n == 0)
            break;
        rc = gla_decoder_feed(&out, d, chunk, n);
        if ((wfail = write_out(&out)))
            break;
        if (rc)
            break;
    }
    int read_errno = ferror(f) ? (errno ? errno : EIO) : 0;
    if (!rc && !wfail && !read_errno) {
        rc = gla_decoder_finish(&out, d);
        wfail = write_out(&out);
    }
    const gla_decode_info *info = gla_decoder_info(d);
    if (!quiet && info->encoding[0])
        note_decision(name, info);
    if (read_errno) {
        cli_error("cannot read '%s': %s", name, strerror(read_errno));
        code = CLI_IO;
    } else if ((rc == GLA_EUTF8 || rc == GLA_EENCODING) && info->invalid) {
        cli_error("%s: %s; name the encoding with --from, or drop --strict to "
                  "replace invalid bytes with U+FFFD",
                  name, gla_decoder_errmsg(d));
        code = CLI_INPUT;
    } else if (rc == GLA_ENOMEM) {
        cli_error("%s: out of memory", name);
        code = CLI_IO;
    } else if (rc) {
        cli_error("%s: %s", name, gla_decoder_errmsg(d));
        code = cli_exit_for(rc);
    } else {
        report(name, info, quiet);
    }
    gla_buf_dispose(&out);
    free(chunk);
    cli_close_input(f);
    gla_decoder_free(d);
    if (wfail) {
        /* A closed pipe is the reader's choice, not our failure. */
        if (wfail == EPIPE)
            return code;
        cli_error("cannot write to standard output: %s", strerror(wfail));
        return CLI_IO;
    }
    return cli_finish(code);
}
