/* commands.h — kioskctl subcommands that live in their own files.
 *
 * Each takes the arguments after its name (argv[0] is the first of them)
 * and returns the process exit status: 0 done, 1 failed, 2 bad usage.
 * main.c lists them in its command table. */
#ifndef KIOSKCTL_COMMANDS_H
#define KIOSKCTL_COMMANDS_H

/* kioskctl sync --config kiosk.conf [--once] [kiosk options]: cmd_sync.c */
int cmd_sync(int argc, char **argv);

#endif
