/* tests/unit/test_hash.c - SHA-256 of buffers and files, and random bytes. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "survey/hash.h"
#include "tests/unit/check.h"

/* Expected digests are the test vectors of FIPS 180-2, appendix B
 * ("abc", the 448-bit message, one million 'a') and the well-known digest of
 * the empty string (`printf '' | sha256sum`). */
#define SHA_EMPTY   "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
#define SHA_ABC     "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
#define SHA_448     "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
#define SHA_MILLION "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"

static void test_buffer(void)
{
        char hex[ENK_HASH_HEX_SIZE];
        enk_hash_sha256_hex(NULL, 0, hex);
        CHECK_STR(hex, SHA_EMPTY);
        enk_hash_sha256_hex("abc", 3, hex);
        CHECK_STR(hex, SHA_ABC);
        const char *m = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
        enk_hash_sha256_hex(m, strlen(m), hex);
        CHECK_STR(hex, SHA_448);
}

/* sha256("abc") in base64: the FIPS 180-2 digest above, re-encoded by
 * `printf abc | openssl dgst -sha256 -binary | base64`. */
#define B64_ABC "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0="
/* RFC 4231, test case 2 (key "Jefe"): HMAC zero-pads a short key to the block
 * size, so "Jefe" followed by 28 zero bytes is the same key. */
#define HMAC_JEFE "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"

static void test_base64_hmac(void)
{
        char b64[ENK_HASH_B64_SIZE];
        enk_hash_sha256_base64("abc", 3, b64);
        CHECK_STR(b64, B64_ABC);

        unsigned char key[32] = {'J', 'e', 'f', 'e'};
        const char *m = "what do ya want for nothing?";
        char hex[ENK_HASH_HEX_SIZE];
        enk_hash_hmac_sha256_hex(key, m, strlen(m), hex);
        CHECK_STR(hex, HMAC_JEFE);

        CHECK(enk_hash_equal("abcdef", "abcdef", 6));
        CHECK(!enk_hash_equal("abcdef", "abcdeg", 6));
        CHECK(!enk_hash_equal("xbcdef", "abcdef", 6));
}

static void test_file(void)
{
        char path[] = "/tmp/enk_test_hash_XXXXXX";
        int fd = mkstemp(path);
        CHECK(fd >= 0);
        if (fd < 0)
                return;
        /* One million 'a' spans several of the reader's 64 KiB blocks. */
        char *a = malloc(1000000);
        memset(a, 'a', 1000000);
        CHECK_INT(write(fd, a, 1000000), 1000000);
        close(fd);
        free(a);

        enk_diags *d = enk_diags_new(0);
        char hex[ENK_HASH_HEX_SIZE] = "untouched";
        CHECK_INT(enk_hash_file_sha256_hex(path, hex, d), ENK_OK);
        CHECK_STR(hex, SHA_MILLION);
        unlink(path);

        /* A missing file: ENK_ERR_IO, the path as the place, hex untouched. */
        char keep[ENK_HASH_HEX_SIZE] = "untouched";
        CHECK_INT(enk_hash_file_sha256_hex(path, keep, d), ENK_ERR_IO);
        CHECK_STR(keep, "untouched");
        CHECK_INT(enk_diags_errors(d), 1);
        const enk_diag *e = enk_diags_get(d, 0);
        CHECK(e && e->file && !strcmp(e->file, path));
        CHECK(e && strstr(e->message, "cannot read file") != NULL);
        enk_diags_free(d);
}

/* Writes len bytes of buf to a new temporary file, its path in path. */
static bool temp_file(char path[32], const void *buf, size_t len)
{
        strcpy(path, "/tmp/enk_test_hash_XXXXXX");
        int fd = mkstemp(path);
        if (fd < 0)
                return false;
        bool ok = write(fd, buf, len) == (ssize_t) len;
        close(fd);
        return ok;
}

/* Files are hashed with Nettle (the processor's SHA extensions where it
 * has them), buffers with libsodium: the two must agree on every length, above
 * all around the padding's edges (55, 56, 63, 64 bytes and each block on),
 * and on a length that is no multiple of the file reader's 64 KiB. The
 * FIPS 180-2 vectors check the file path on its own. */
static void test_file_lengths(void)
{
        size_t big = 65536 * 2 + 77;
        unsigned char *b = malloc(big);
        CHECK(b != NULL);
        if (!b)
                return;
        uint32_t x = 12345;
        for (size_t i = 0; i < big; i++) {
                x = x * 1103515245u + 12345u;
                b[i] = (unsigned char) (x >> 16);
        }
        enk_diags *d = enk_diags_new(0);
        char path[32], want[ENK_HASH_HEX_SIZE], got[ENK_HASH_HEX_SIZE];
        size_t lens[302];
        for (size_t n = 0; n <= 300; n++)
                lens[n] = n;
        lens[301] = big;
        for (size_t t = 0; t < 302; t++) {
                CHECK(temp_file(path, b, lens[t]));
                enk_hash_sha256_hex(b, lens[t], want);
                strcpy(got, "unset");
                CHECK_INT(enk_hash_file_sha256_hex(path, got, d), ENK_OK);
                if (strcmp(got, want))
                        fprintf(stderr, "length %zu:\n", lens[t]);
                CHECK_STR(got, want);
                unlink(path);
        }
        const char *vec[] = {"", "abc", "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"};
        const char *sha[] = {SHA_EMPTY, SHA_ABC, SHA_448};
        for (int t = 0; t < 3; t++) {
                CHECK(temp_file(path, vec[t], strlen(vec[t])));
                CHECK_INT(enk_hash_file_sha256_hex(path, got, d), ENK_OK);
                CHECK_STR(got, sha[t]);
                unlink(path);
        }
        CHECK_INT(enk_diags_count(d), 0);
        enk_diags_free(d);
        free(b);
}

static void test_random(void)
{
        unsigned char a[32] = {0}, b[32] = {0};
        CHECK_INT(enk_hash_random(a, sizeof(a), NULL), ENK_OK);
        CHECK_INT(enk_hash_random(b, sizeof(b), NULL), ENK_OK);
        /* Two 256-bit draws are equal, or all zero, with probability 2^-256. */
        CHECK(memcmp(a, b, sizeof(a)) != 0);
        unsigned char zero[32] = {0};
        CHECK(memcmp(a, zero, sizeof(a)) != 0);
        /* Every byte value turns up in 64 KiB of output (a stuck or short-range
         * generator would miss some; a good one misses one with p < 1e-100). */
        unsigned char *big = malloc(65536);
        CHECK_INT(enk_hash_random(big, 65536, NULL), ENK_OK);
        int seen[256] = {0};
        for (size_t i = 0; i < 65536; i++)
                seen[big[i]] = 1;
        int distinct = 0;
        for (int i = 0; i < 256; i++)
                distinct += seen[i];
        CHECK_INT(distinct, 256);
        free(big);
}

/* hashlib.blake2b(b"ctx\x00K7QM4XPA93TR", digest_size=32) and, with no
 * secret, hashlib.blake2b(b"ctx\x00", digest_size=32) (Python). */
static void test_derive(void)
{
        unsigned char out[32];
        char hex[65];
        enk_hash_derive("ctx", "K7QM4XPA93TR", 12, out);
        for (int i = 0; i < 32; i++)
                snprintf(hex + 2 * i, 3, "%02x", out[i]);
        CHECK_STR(hex, "c5d98ded37fc9263cfe551d25806cb0dafe56075c6b0b47abd24247680f3727c");
        enk_hash_derive("ctx", NULL, 0, out);
        for (int i = 0; i < 32; i++)
                snprintf(hex + 2 * i, 3, "%02x", out[i]);
        CHECK_STR(hex, "2a32ca90154bc8d435d6facb9532c9ea96bfc691f018983f7257012becb7ddb5");
}

static void test_seal(void)
{
        unsigned char key[32], other[32];
        memset(key, 7, 32);
        memset(other, 8, 32);
        enk_diags *d = enk_diags_new(0);
        /* Lengths 0, 1, a block less one, a block, two blocks and a bit: the
         * box is the nonce, the MAC and whole blocks, one more than fit. */
        const size_t lens[] = {0, 1, 255, 256, 600};
        const size_t boxes[] = {296, 296, 296, 552, 808};
        char text[600];
        for (int i = 0; i < 600; i++)
                text[i] = (char) ('a' + i % 26);
        for (int t = 0; t < 5; t++) {
                unsigned char *box = NULL, *box2 = NULL;
                size_t blen = 0, blen2 = 0;
                CHECK_INT(enk_hash_seal(key, lens[t] ? text : NULL, lens[t], &box, &blen, d),
                          ENK_OK);
                CHECK_INT(blen, boxes[t]);
                /* The text is not in the box; a second box differs (new nonce). */
                bool found = false;
                for (size_t i = 0; lens[t] >= 16 && i + 16 <= blen && !found; i++)
                        found = memcmp(box + i, text, 16) == 0;
                CHECK(!found);
                CHECK_INT(enk_hash_seal(key, text, lens[t], &box2, &blen2, d), ENK_OK);
                CHECK(blen2 == blen && memcmp(box, box2, blen) != 0);
                void *plain = NULL;
                size_t plen = 99;
                CHECK_INT(enk_hash_open(key, box, blen, &plain, &plen, d), ENK_OK);
                CHECK_INT(plen, lens[t]);
                CHECK(plain && memcmp(plain, text, lens[t]) == 0 &&
                      ((char *) plain)[lens[t]] == '\0');
                free(plain);
                /* Another key, an altered byte, a cut box: not opened. */
                plain = NULL;
                CHECK_INT(enk_hash_open(other, box, blen, &plain, &plen, d), ENK_ERR_DATA);
                box[blen / 2] ^= 1;
                CHECK_INT(enk_hash_open(key, box, blen, &plain, &plen, d), ENK_ERR_DATA);
                CHECK_INT(enk_hash_open(key, box2, 40, &plain, &plen, d), ENK_ERR_DATA);
                CHECK_INT(enk_hash_open(key, box2, blen2 - 1, &plain, &plen, d), ENK_ERR_DATA);
                CHECK(plain == NULL);
                free(box);
                free(box2);
        }
        CHECK_INT(enk_diags_count(d), 0);
        enk_diags_free(d);
}

int main(void)
{
        test_buffer();
        test_base64_hmac();
        test_file();
        test_file_lengths();
        test_random();
        test_derive();
        test_seal();
        return check_report();
}
