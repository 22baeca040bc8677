/* survey/hash.h - SHA-256 digests and cryptographic random bytes (libsodium).
 *
 * The store identifies a questionnaire edition and an imported file by the
 * SHA-256 of its bytes, written as 64 lower-case hex digits; the collection
 * server's one-time access codes need unpredictable random bytes. This is the
 * only module that uses libsodium, so its types never leave hash.c.
 *
 * Every function may be called from several threads at once.
 */
#ifndef ENK_HASH_H
#define ENK_HASH_H

#include <stdbool.h>
#include <stddef.h>

#include "survey/diag.h"

/* Size of a SHA-256 digest in hex, including the terminating NUL. */
#define ENK_HASH_HEX_SIZE 65

/* Writes the SHA-256 of the len bytes at buf to hex as 64 lower-case hex
 * digits and a NUL. buf may be NULL when len is 0. Cannot fail. */
void enk_hash_sha256_hex(const void *buf, size_t len, char hex[ENK_HASH_HEX_SIZE]);

/* Size of a SHA-256 digest in base64 (44 characters with padding), with the NUL. */
#define ENK_HASH_B64_SIZE 45

/* Writes the SHA-256 of the len bytes at buf to b64 in standard base64 with
 * padding and a NUL, as a Content-Security-Policy 'sha256-...' source needs.
 * Cannot fail. */
void enk_hash_sha256_base64(const void *buf, size_t len, char b64[ENK_HASH_B64_SIZE]);

/* Writes HMAC-SHA256 of the len bytes at msg under the 32-byte key to hex as 64
 * lower-case hex digits and a NUL (the collection server's CSRF tokens).
 * Cannot fail. */
void enk_hash_hmac_sha256_hex(const unsigned char key[32], const void *msg, size_t len,
                              char hex[ENK_HASH_HEX_SIZE]);

/* Whether the len bytes at a and b are equal, in a time that does not depend
 * on where they differ (for comparing secrets and tokens). */
bool enk_hash_equal(const void *a, const void *b, size_t len);

/* Writes the SHA-256 of the whole file at path to hex, reading it in blocks
 * (memory use does not grow with the file). On failure returns ENK_ERR_IO,
 * appends "PATH: error: cannot read file: REASON" to diags and leaves hex
 * untouched. */
enk_status enk_hash_file_sha256_hex(const char *path, char hex[ENK_HASH_HEX_SIZE],
                                    enk_diags *diags);

/* Fills the len bytes at buf with bytes from the operating system's
 * cryptographically secure generator (for access codes and secrets). Returns
 * ENK_OK, or ENK_ERR_IO (and a diagnostic) when the generator cannot be
 * initialised; buf is then untouched. */
enk_status enk_hash_random(void *buf, size_t len, enk_diags *diags);

#endif
