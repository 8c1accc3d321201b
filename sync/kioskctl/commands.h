/* commands.h — the kioskctl subcommands that live in files of their own.
 *
 * Each is `int cmd_NAME(int argc, char **argv)` with argv after the command
 * word, returning the process exit status (0 ok, 1 failed, 2 bad usage);
 * main.c lists them in its command table. */
#ifndef KIOSKCTL_COMMANDS_H
#define KIOSKCTL_COMMANDS_H

/* kioskctl feed DIR [-o FILE] [--revision N]: an authoring folder to a
 * feed snapshot (cmd_feed.c). */
int cmd_feed(int argc, char **argv);

#endif
