/* admin_client.h — kioskctl's connection to countyd's admin API.
 *
 * Owns the libcurl handle, the server URL and the admin token (from
 * --server/--token or KIOSKCTL_SERVER/KIOSKCTL_TOKEN, --ca-file or
 * KIOSKCTL_CA_FILE), and turns the protocol's JSON error answers into one
 * readable line.  TLS certificates are always verified. */
#ifndef KIOSKCTL_ADMIN_CLIENT_H
#define KIOSKCTL_ADMIN_CLIENT_H

#include <jansson.h>
#include <stddef.h>

#include "err.h"

typedef struct AdminClient AdminClient;

/* Reads the connection options out of argv (removing nothing; commands
 * skip them) and the environment. Prints a clear message on failure. */
AdminClient *admin_client_open(int argc, char **argv);
void admin_client_close(AdminClient *c);

/* Sends `body` (may be NULL) as JSON and parses the JSON answer into
 * *answer (may be NULL when the caller does not need it).  Returns 0 on a
 * 2xx answer; -1 otherwise, with Err holding "409 wrong_state: ...". */
int admin_call(AdminClient *c, const char *method, const char *path, json_t *body, json_t **answer, Err *err);
/* admin_client_open, then a GET of `path`: the client (the caller closes
 * it) and the answer, or NULL after printing why (the command exits 1). */
AdminClient *admin_get(int argc, char **argv, const char *path, json_t **answer);
/* GET of raw bytes (an image): *data malloc'd, *len bytes. */
int admin_get_bytes(AdminClient *c, const char *path, char **data, size_t *len, Err *err);
/* PUT of raw bytes with a content type. */
int admin_put_bytes(AdminClient *c, const char *path, const char *type, const void *data, size_t len, Err *err);

/* Percent-encodes text for a URL query; malloc'd. */
char *admin_escape(AdminClient *c, const char *text);

/* The value of "--name VALUE" in argv, else dflt. */
const char *admin_opt(int argc, char **argv, const char *name, const char *dflt);
/* Whether the flag "--name" is in argv. */
int admin_flag(int argc, char **argv, const char *name);
/* The n-th argument that is not an option or an option's value (options
 * with values are those in `valued`, a NULL-terminated list). */
const char *admin_arg(int argc, char **argv, int n, const char *const *valued);

/* The connection options every admin command takes, for its usage text. */
#define CONNECTION_HELP                                                                                                \
    "  [--server URL] [--token TOKEN] [--ca-file PEM]（或环境变量 "                                              \
    "KIOSKCTL_SERVER、KIOSKCTL_TOKEN、KIOSKCTL_CA_FILE）\n"

/* Prints "用法：kioskctl USAGE" and the connection options; returns 2. */
int admin_usage(const char *usage);

/* Prints the error, closes the client; returns 1 (a command's exit status). */
int admin_failed(AdminClient *c, const Err *err);

/* A string member of an answer, "" when it is missing or not a string. */
const char *admin_text(json_t *o, const char *key);

/* A feedback kind's Chinese name (满意度, 意见建议, 依申请公开, 举报); an
 * unknown word as it is. */
const char *admin_kind_label(const char *kind);

#endif
