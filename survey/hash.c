/* survey/hash.c - SHA-256 digests and random bytes on libsodium. */
#include "survey/hash.h"

#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

static void to_hex(const unsigned char *digest, char hex[ENK_HASH_HEX_SIZE])
{
        /* sodium_bin2hex writes lower case and the NUL; 64 + 1 fits exactly. */
        sodium_bin2hex(hex, ENK_HASH_HEX_SIZE, digest, crypto_hash_sha256_BYTES);
}

void enk_hash_sha256_hex(const void *buf, size_t len, char hex[ENK_HASH_HEX_SIZE])
{
        static const unsigned char empty[1];
        unsigned char digest[crypto_hash_sha256_BYTES];

        /* crypto_hash_sha256 needs no sodium_init(): it has no runtime state. */
        crypto_hash_sha256(digest, buf ? buf : empty, len);
        to_hex(digest, hex);
}

void enk_hash_sha256_base64(const void *buf, size_t len, char b64[ENK_HASH_B64_SIZE])
{
        static const unsigned char empty[1];
        unsigned char digest[crypto_hash_sha256_BYTES];

        crypto_hash_sha256(digest, buf ? buf : empty, len);
        /* 32 bytes are 44 base64 characters with one '=' of padding; the
         * ORIGINAL variant is the alphabet CSP hash sources use. */
        sodium_bin2base64(b64, ENK_HASH_B64_SIZE, digest, sizeof(digest),
                          sodium_base64_VARIANT_ORIGINAL);
}

void enk_hash_hmac_sha256_hex(const unsigned char key[32], const void *msg, size_t len,
                              char hex[ENK_HASH_HEX_SIZE])
{
        static const unsigned char empty[1];
        unsigned char mac[crypto_auth_hmacsha256_BYTES];

        /* crypto_auth_hmacsha256 takes a key of exactly 32 bytes and, like the
         * plain hash, needs no sodium_init(). */
        crypto_auth_hmacsha256(mac, msg ? msg : empty, len, key);
        to_hex(mac, hex);
}

bool enk_hash_equal(const void *a, const void *b, size_t len)
{
        return sodium_memcmp(a, b, len) == 0;
}

enk_status enk_hash_file_sha256_hex(const char *path, char hex[ENK_HASH_HEX_SIZE], enk_diags *diags)
{
        enk_loc loc = {path, 0, 0};
        FILE *f = fopen(path, "rb");
        if (!f) {
                enk_error(diags, loc, "cannot read file: %s", strerror(errno));
                return ENK_ERR_IO;
        }
        crypto_hash_sha256_state st;
        crypto_hash_sha256_init(&st);
        unsigned char block[64 * 1024];
        size_t n;
        while ((n = fread(block, 1, sizeof(block), f)) > 0)
                crypto_hash_sha256_update(&st, block, n);
        int err = ferror(f) ? (errno ? errno : EIO) : 0;
        fclose(f);
        if (err) {
                enk_error(diags, loc, "cannot read file: %s", strerror(err));
                return ENK_ERR_IO;
        }
        unsigned char digest[crypto_hash_sha256_BYTES];
        crypto_hash_sha256_final(&st, digest);
        to_hex(digest, hex);
        return ENK_OK;
}

enk_status enk_hash_random(void *buf, size_t len, enk_diags *diags)
{
        /* sodium_init() is idempotent and thread-safe; it returns 1 when it ran
         * before, -1 only when the system generator cannot be opened. */
        if (sodium_init() < 0) {
                enk_error(diags, ((enk_loc){NULL, 0, 0}),
                          "cannot initialise the system's random number generator");
                return ENK_ERR_IO;
        }
        randombytes_buf(buf, len);
        return ENK_OK;
}
