/* tests/unit/test_hash.c - SHA-256 of buffers and files, and random bytes. */
#include <stdlib.h>
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

int main(void)
{
        test_buffer();
        test_base64_hmac();
        test_file();
        test_random();
        return check_report();
}
