/* survey/hash.c - SHA-256 digests, random bytes, derived keys and sealed boxes on libsodium;
 * a file's SHA-256 on Nettle. */
#include "survey/hash.h"

#include <errno.h>
#include <nettle/sha2.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
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

/* A file's SHA-256 is Nettle's: an import hashes every file it reads (27 MB
 * for the national set), and libsodium's SHA-256 is portable C (78 ms of
 * the reading thread's CPU); Debian's Nettle is built "fat" and uses the
 * processor's SHA extensions where it has them (27 ms), its portable code
 * elsewhere. The same digest (tests/unit/test_hash.c, FIPS 180-2). */

enk_status enk_hash_file_sha256_hex(const char *path, char hex[ENK_HASH_HEX_SIZE], enk_diags *diags)
{
        enk_loc loc = {path, 0, 0};
        FILE *f = fopen(path, "rb");
        if (!f) {
                enk_error(diags, loc, "cannot read file: %s", strerror(errno));
                return ENK_ERR_IO;
        }
        struct sha256_ctx c;
        sha256_init(&c);
        unsigned char block[64 * 1024];
        size_t n;
        while ((n = fread(block, 1, sizeof(block), f)) > 0)
                sha256_update(&c, n, block);
        int err = ferror(f) ? (errno ? errno : EIO) : 0;
        fclose(f);
        if (err) {
                enk_error(diags, loc, "cannot read file: %s", strerror(err));
                return ENK_ERR_IO;
        }
        unsigned char digest[SHA256_DIGEST_SIZE];
        sha256_digest(&c, sizeof digest, digest);
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

void enk_hash_derive(const char *context, const void *secret, size_t len, unsigned char out[32])
{
        /* The NUL ends the context, so no context is a prefix of another's
         * input with a different secret. crypto_generichash (BLAKE2b) has no
         * runtime state and needs no sodium_init(). */
        crypto_generichash_state st;
        crypto_generichash_init(&st, NULL, 0, 32);
        crypto_generichash_update(&st, (const unsigned char *) context, strlen(context) + 1);
        if (len)
                crypto_generichash_update(&st, secret, len);
        crypto_generichash_final(&st, out, 32);
}

_Static_assert(ENK_HASH_SEAL_OVERHEAD == crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES,
               "a box is the nonce, the authenticator and the padded text");

enk_status enk_hash_seal(const unsigned char key[32], const void *plain, size_t len,
                         unsigned char **box, size_t *box_len, enk_diags *diags)
{
        enk_loc loc = {NULL, 0, 0};
        if (len > SIZE_MAX / 2) {
                enk_error(diags, loc, "out of memory");
                return ENK_ERR_NOMEM;
        }
        /* sodium_pad always adds at least one byte (0x80), so a text of
         * exactly a block takes two. */
        size_t cap = (len / ENK_HASH_SEAL_BLOCK + 1) * ENK_HASH_SEAL_BLOCK;
        unsigned char *padded = malloc(cap);
        unsigned char *out = malloc(ENK_HASH_SEAL_OVERHEAD + cap);
        size_t padded_len = 0;
        enk_status status = ENK_OK;
        if (!padded || !out) {
                enk_error(diags, loc, "out of memory");
                status = ENK_ERR_NOMEM;
                goto out;
        }
        if (len)
                memcpy(padded, plain, len);
        if (sodium_pad(&padded_len, padded, len, ENK_HASH_SEAL_BLOCK, cap) != 0) {
                enk_error(diags, loc, "cannot pad a box");
                status = ENK_ERR_NOMEM;
                goto out;
        }
        if ((status = enk_hash_random(out, crypto_secretbox_NONCEBYTES, diags)) != ENK_OK)
                goto out;
        crypto_secretbox_easy(out + crypto_secretbox_NONCEBYTES, padded, padded_len, out, key);
        *box = out;
        *box_len = crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + padded_len;
        out = NULL;
out:
        if (padded)
                sodium_memzero(padded, cap);
        free(padded);
        free(out);
        return status;
}

enk_status enk_hash_open(const unsigned char key[32], const void *box, size_t box_len, void **plain,
                         size_t *plain_len, enk_diags *diags)
{
        const unsigned char *b = box;
        if (sodium_init() < 0) /* idempotent; picks the fastest implementation */
                return ENK_ERR_DATA;
        if (!b || box_len < ENK_HASH_SEAL_OVERHEAD + 1)
                return ENK_ERR_DATA;
        size_t padded_len = box_len - ENK_HASH_SEAL_OVERHEAD;
        unsigned char *out = malloc(padded_len + 1);
        if (!out) {
                enk_error(diags, ((enk_loc){NULL, 0, 0}), "out of memory");
                return ENK_ERR_NOMEM;
        }
        size_t len = 0;
        if (crypto_secretbox_open_easy(out, b + crypto_secretbox_NONCEBYTES,
                                       box_len - crypto_secretbox_NONCEBYTES, b, key) != 0 ||
            sodium_unpad(&len, out, padded_len, ENK_HASH_SEAL_BLOCK) != 0) {
                sodium_memzero(out, padded_len);
                free(out);
                return ENK_ERR_DATA;
        }
        out[len] = '\0';
        *plain = out;
        *plain_len = len;
        return ENK_OK;
}

void enk_hash_wipe(void *buf, size_t len)
{
        sodium_memzero(buf, len);
}
