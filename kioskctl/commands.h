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

/* kioskctl import FILE [--db DB] [--cache DIR]: a feed file into a kiosk's
 * database by hand (cmd_import.c). */
int cmd_import(int argc, char **argv);

/* kioskctl sync [--config kiosk.conf] [--server URL] [--once]: the kiosk's
 * sync without a screen (cmd_sync.c). */
int cmd_sync(int argc, char **argv);

/* Admin commands, talking to countyd (cmd_admin.c; docs/ADMIN.md). */
int cmd_kiosk_add(int argc, char **argv);
int cmd_kiosks(int argc, char **argv);
int cmd_kiosk_set(int argc, char **argv);
int cmd_resync(int argc, char **argv);
int cmd_kiosk_screenshot(int argc, char **argv);
int cmd_publish(int argc, char **argv);
int cmd_update(int argc, char **argv);
int cmd_items(int argc, char **argv);
int cmd_review(int argc, char **argv);
int cmd_approve(int argc, char **argv);
int cmd_withdraw(int argc, char **argv);
int cmd_notice_add(int argc, char **argv);
int cmd_notice_delete(int argc, char **argv);
int cmd_feedback(int argc, char **argv);
int cmd_feedback_export(int argc, char **argv);
int cmd_reply(int argc, char **argv);
int cmd_audit(int argc, char **argv);

/* Organisations, admins and kiosk moves (cmd_orgs.c). */
int cmd_orgs(int argc, char **argv);
int cmd_org_add(int argc, char **argv);
int cmd_org_set(int argc, char **argv);
int cmd_admins(int argc, char **argv);
int cmd_admin_add(int argc, char **argv);
int cmd_kiosk_move(int argc, char **argv);

/* The catalog and the overdue list (cmd_catalog.c). */
int cmd_catalog(int argc, char **argv);
int cmd_catalog_add(int argc, char **argv);
int cmd_catalog_delete(int argc, char **argv);
int cmd_overdue(int argc, char **argv);

/* Feedback cases and the 满意率 (cmd_cases.c). */
int cmd_cases(int argc, char **argv);
int cmd_cases_overdue(int argc, char **argv); /* kioskctl overdue --cases */
int cmd_case(int argc, char **argv);
int cmd_satisfaction(int argc, char **argv);

/* The tamper-evident record and the yearly archive (cmd_archive.c). */
int cmd_audit_verify(int argc, char **argv);
int cmd_archive(int argc, char **argv);

#endif
