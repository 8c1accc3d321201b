/* auth.h — secret tokens for kiosks and admins.
 *
 * Owns how tokens are made (random, from libcrypto) and kept: the server
 * stores only the SHA-256 of a token, so a copied database does not let
 * anyone act as a kiosk or an admin. */
#ifndef COUNTYD_AUTH_H
#define COUNTYD_AUTH_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"

#define AUTH_TOKEN_LEN 64 /* hex digits of 32 random bytes */
#define AUTH_HASH_LEN 64

/* A new token (AUTH_TOKEN_LEN + 1 bytes) and its hash. */
int auth_new_token(char token[AUTH_TOKEN_LEN + 1], char hash[AUTH_HASH_LEN + 1], Err *err);
void auth_hash(const char *token, char hash[AUTH_HASH_LEN + 1]);
/* Compares a presented token with a stored hash in constant time. */
bool auth_token_matches(const char *token, const char *stored_hash);
/* The token from "Authorization: Bearer TOKEN", or NULL. */
const char *auth_bearer(const char *header);

/* Lowercase hex of bytes (out holds 2*len + 1). */
void auth_hex(const unsigned char *bytes, size_t len, char *out);

#endif
