/* Entry points of the commands, one file each (src/cli/cmd_<name>.c). */
#ifndef GLA_CLI_COMMANDS_H
#define GLA_CLI_COMMANDS_H

int cmd_convert(int argc, char **argv);
int cmd_normalize(int argc, char **argv);
int cmd_init(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_add(int argc, char **argv);
int cmd_edit(int argc, char **argv);
int cmd_delete(int argc, char **argv);
int cmd_stats(int argc, char **argv);
int cmd_lookup(int argc, char **argv);
int cmd_resolve(int argc, char **argv);
int cmd_annotate(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_align(int argc, char **argv);
int cmd_extract(int argc, char **argv);
int cmd_serve(int argc, char **argv);

#endif
