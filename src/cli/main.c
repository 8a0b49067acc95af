/*
 * glossalign: the command table and dispatch. Each command lives in its
 * own file and uses only the public API; this file only routes.
 */
#include "cli.h"
#include "commands.h"

#include <string.h>

static const cli_command commands[] = {
    {"convert", cmd_convert, "decode any encoding to NFC UTF-8, repair mojibake"},
    {"normalize", cmd_normalize, "print the K0-K3 keys or tokens of a text"},
    {"init", cmd_init, "create an empty glossary database"},
    {"import", cmd_import, "merge glossary files into the database, atomically"},
    {"export", cmd_export, "write the glossary as TSV, OmegaT, CSV, TBX or JSONL"},
    {"add", cmd_add, "add a concept with its terms"},
    {"edit", cmd_edit, "change a concept or its terms"},
    {"delete", cmd_delete, "delete a concept or one of its terms"},
    {"lookup", cmd_lookup, "find a term or name and show its concept"},
    {"resolve", cmd_resolve, "resolve written names to ranked glossary entries"},
    {"annotate", cmd_annotate, "mark every glossary term and name in a text"},
    {"check", cmd_check, "check a translation against the glossary"},
    {"align", cmd_align, "align a document and its translation by sentence"},
    {"extract", cmd_extract, "propose new entries from a corpus or aligned text"},
    {"stats", cmd_stats, "count concepts and terms"},
    {"serve", cmd_serve, "local web app and JSON API for translators"},
};

static const size_t n_commands = sizeof commands / sizeof commands[0];

static void print_usage(FILE *out)
{
    fprintf(out, "usage: glossalign <command> [options] [args]\n\n"
                 "Commands:\n");
    for (size_t i = 0; i < n_commands; i++)
        fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fprintf(out, "\nglossalign help <command> shows a command's options.\n"
                 "Exit codes: 0 ok, 1 findings, 2 usage, 3 bad input, "
                 "4 database, 5 I/O.\n");
}

static const cli_command *find_command(const char *name)
{
    for (size_t i = 0; i < n_commands; i++)
        if (strcmp(commands[i].name, name) == 0)
            return &commands[i];
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        print_usage(stderr);
        return CLI_USAGE;
    }
    const char *name = argv[1];
    if (strcmp(name, "--version") == 0 || strcmp(name, "version") == 0) {
        printf("glossalign %s\n", gla_version());
        return cli_finish(CLI_OK);
    }
    if (strcmp(name, "help") == 0 || strcmp(name, "--help") == 0 ||
        strcmp(name, "-h") == 0) {
        if (argc > 2 && strcmp(name, "help") == 0) {
            const cli_command *c = find_command(argv[2]);
            if (!c) {
                fprintf(stderr,
                        "glossalign: '%s' is not a command. See 'glossalign "
                        "help'.\n",
                        argv[2]);
                return CLI_USAGE;
            }
            char *hargv[] = {(char *)c->name, (char *)"--help", NULL};
            return c->run(2, hargv);
        }
        print_usage(stdout);
        return cli_finish(CLI_OK);
    }
    const cli_command *c = find_command(name);
    if (!c) {
        fprintf(stderr,
                "glossalign: '%s' is not a command. See 'glossalign help'.\n",
                name);
        return CLI_USAGE;
    }
    return c->run(argc - 1, argv + 1);
}
