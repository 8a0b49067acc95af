/* Entry points of the commands, one file each (src/cli/cmd_<name>.c). */
#ifndef GLA_CLI_COMMANDS_H
#define GLA_CLI_COMMANDS_H

int cmd_convert(int argc, char **argv);
int cmd_normalize(int argc, char **argv);

#endif
