/* survey/hash.h - SHA-256 digests and cryptographic random bytes (libsodium;
 * a file's SHA-256 with Nettle, which uses the processor's SHA extensions).
 *
 * The store identifies a questionnaire edition and an imported file by the
 * SHA-256 of its bytes, written as 64 lower-case hex digits; the collection
 * server's one-time access codes need unpredictable random bytes, and what is
 * filed under a code (a draft, a spent mark) needs keys derived from the code
 * and sealed boxes. This is the only module that uses libsodium, so its types
 * never leave hash.c.
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

/* Overwrites the len bytes at buf with zeros in a way the compiler cannot
 * leave out (for keys and codes no longer needed). */
void enk_hash_wipe(void *buf, size_t len);

/* Writes to out 32 bytes derived from the len bytes at secret for the purpose
 * named by context (a short string): BLAKE2b-256 of the context, a NUL and the
 * secret. Values for different contexts are unrelated: none tells anything
 * about the secret or about the value for another context, so one secret (an
 * access code) can give a lookup key, a mark and an encryption key that
 * cannot be matched with each other without it. Cannot fail. */
void enk_hash_derive(const char *context, const void *secret, size_t len, unsigned char out[32]);

/* Sealed boxes: authenticated encryption (XSalsa20-Poly1305, libsodium's
 * crypto_secretbox) under a 32-byte key with a random 24-byte nonce. The
 * plain text is padded to a multiple of ENK_HASH_SEAL_BLOCK bytes first, so
 * that the size of a box tells its text's length only to within a block. */
#define ENK_HASH_SEAL_BLOCK 256
/* Bytes a box adds to its padded text: the nonce and the authenticator. */
#define ENK_HASH_SEAL_OVERHEAD 40

/* Seals the len bytes at plain (NULL when len is 0) under key into a new
 * malloc'ed box (*box, *box_len; the caller frees it). Returns ENK_OK;
 * ENK_ERR_NOMEM or ENK_ERR_IO (the random generator) with a diagnostic, and
 * *box untouched, on failure. */
enk_status enk_hash_seal(const unsigned char key[32], const void *plain, size_t len,
                         unsigned char **box, size_t *box_len, enk_diags *diags);

/* Opens a box made by enk_hash_seal under key into a new malloc'ed buffer
 * (*plain, *plain_len; NUL-terminated beyond plain_len; the caller frees it).
 * ENK_ERR_DATA, without a diagnostic and *plain untouched, when the box was
 * not sealed under this key or was altered; ENK_ERR_NOMEM with one. */
enk_status enk_hash_open(const unsigned char key[32], const void *box, size_t box_len, void **plain,
                         size_t *plain_len, enk_diags *diags);

#endif
