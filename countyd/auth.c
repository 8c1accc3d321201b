#include "auth.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <string.h>
#include <strings.h>

void auth_hex(const unsigned char *bytes, size_t len, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < len; i++) {
        out[2 * i] = digits[bytes[i] >> 4];
        out[2 * i + 1] = digits[bytes[i] & 15];
    }
    out[2 * len] = '\0';
}

void auth_hash(const char *token, char hash[AUTH_HASH_LEN + 1])
{
    unsigned char md[SHA256_DIGEST_LENGTH];
    SHA256((const unsigned char *)token, strlen(token), md);
    auth_hex(md, sizeof md, hash);
}

int auth_new_token(char token[AUTH_TOKEN_LEN + 1], char hash[AUTH_HASH_LEN + 1], Err *err)
{
    unsigned char raw[AUTH_TOKEN_LEN / 2];
    if (RAND_bytes(raw, sizeof raw) != 1) return err_set(err, "cannot get random bytes for a token");
    auth_hex(raw, sizeof raw, token);
    auth_hash(token, hash);
    OPENSSL_cleanse(raw, sizeof raw);
    return 0;
}

bool auth_token_matches(const char *token, const char *stored_hash)
{
    if (!token || !stored_hash || strlen(stored_hash) != AUTH_HASH_LEN) return false;
    char hash[AUTH_HASH_LEN + 1];
    auth_hash(token, hash);
    return CRYPTO_memcmp(hash, stored_hash, AUTH_HASH_LEN) == 0;
}

const char *auth_bearer(const char *header)
{
    if (!header || strncasecmp(header, "Bearer ", 7) != 0) return NULL;
    header += 7;
    while (*header == ' ') header++;
    return *header ? header : NULL;
}
