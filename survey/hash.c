/* survey/hash.c - SHA-256 digests, random bytes, derived keys and sealed boxes on libsodium. */
#include "survey/hash.h"

#include <errno.h>
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <cpuid.h>
#include <immintrin.h>
#define HAVE_SHA_NI 1
#endif

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

/* ------------------------------------------- SHA-256 with the SHA extensions */

/* An import hashes every file it reads (32 MB for the national set), and
 * libsodium's SHA-256 is portable C: 0.28 s of the reading thread's 0.8 s.
 * Processors with Intel's SHA extensions (SHA-NI: most x86-64 since 2017)
 * compute the rounds in hardware, about ten times faster. Used for files
 * when the processor has them (asked once, at run time); libsodium
 * otherwise, and for everything else. The two give the same digest
 * (tests/unit/test_hash.c compares them on every length up to 300 bytes
 * and on FIPS 180-2's vectors). */

#ifdef HAVE_SHA_NI
struct sha256 {
        uint32_t h[8];
        uint64_t bytes; /* hashed so far */
        unsigned char block[64];
        size_t held; /* bytes of block not yet hashed */
};

static const uint32_t sha256_k[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

/* Whether the processor has the SHA extensions (CPUID leaf 7, EBX bit 29)
 * and SSSE3 and SSE4.1 (leaf 1, ECX bits 9 and 19), which the rounds use. */
static bool sha_ni(void)
{
        static int known; /* 0 not asked yet, 1 yes, 2 no; racing threads agree */
        int k = __atomic_load_n(&known, __ATOMIC_RELAXED);
        if (!k) {
                unsigned a, b, c, d;
                bool yes = __get_cpuid(1, &a, &b, &c, &d) && (c & (1u << 9)) && (c & (1u << 19)) &&
                           __get_cpuid_max(0, NULL) >= 7;
                if (yes) {
                        __cpuid_count(7, 0, a, b, c, d);
                        yes = (b & (1u << 29)) != 0;
                }
                k = yes ? 1 : 2;
                __atomic_store_n(&known, k, __ATOMIC_RELAXED);
        }
        return k == 1;
}

/* Hashes n blocks of 64 bytes at p into h (Intel's "SHA extensions" paper:
 * the state as ABEF and CDGH, two rounds per sha256rnds2, the schedule by
 * sha256msg1 and sha256msg2). */
__attribute__((target("sha,ssse3,sse4.1"))) static void
sha_ni_blocks(uint32_t h[8], const unsigned char *p, size_t n)
{
        const __m128i bswap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
        __m128i t = _mm_loadu_si128((const __m128i *) (const void *) &h[0]);
        __m128i s1 = _mm_loadu_si128((const __m128i *) (const void *) &h[4]);
        t = _mm_shuffle_epi32(t, 0xB1);         /* CDAB */
        s1 = _mm_shuffle_epi32(s1, 0x1B);       /* EFGH */
        __m128i s0 = _mm_alignr_epi8(t, s1, 8); /* ABEF */
        s1 = _mm_blend_epi16(s1, t, 0xF0);      /* CDGH */
        for (; n; n--, p += 64) {
                __m128i abef = s0, cdgh = s1, w[4];
                for (int g = 0; g < 16; g++) {
                        __m128i x;
                        if (g < 4) {
                                x = _mm_shuffle_epi8(
                                    _mm_loadu_si128((const __m128i *) (const void *) (p + 16 * g)),
                                    bswap);
                        } else {
                                /* W[t-16] + s0(W[t-15]) + W[t-7], then + s1(W[t-2]) */
                                x = _mm_sha256msg1_epu32(w[g & 3], w[(g + 1) & 3]);
                                x = _mm_add_epi32(
                                    x, _mm_alignr_epi8(w[(g + 3) & 3], w[(g + 2) & 3], 4));
                                x = _mm_sha256msg2_epu32(x, w[(g + 3) & 3]);
                        }
                        w[g & 3] = x;
                        __m128i m = _mm_add_epi32(
                            x, _mm_loadu_si128((const __m128i *) (const void *) &sha256_k[4 * g]));
                        s1 = _mm_sha256rnds2_epu32(s1, s0, m);
                        s0 = _mm_sha256rnds2_epu32(s0, s1, _mm_shuffle_epi32(m, 0x0E));
                }
                s0 = _mm_add_epi32(s0, abef);
                s1 = _mm_add_epi32(s1, cdgh);
        }
        t = _mm_shuffle_epi32(s0, 0x1B);   /* FEBA */
        s1 = _mm_shuffle_epi32(s1, 0xB1);  /* DCHG */
        s0 = _mm_blend_epi16(t, s1, 0xF0); /* DCBA */
        s1 = _mm_alignr_epi8(s1, t, 8);    /* HGFE */
        _mm_storeu_si128((__m128i *) (void *) &h[0], s0);
        _mm_storeu_si128((__m128i *) (void *) &h[4], s1);
}

static void sha256_init(struct sha256 *c)
{
        static const uint32_t iv[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                       0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
        memcpy(c->h, iv, sizeof(iv));
        c->bytes = 0;
        c->held = 0;
}

static void sha256_update(struct sha256 *c, const unsigned char *p, size_t n)
{
        c->bytes += n;
        if (c->held) {
                size_t take = 64 - c->held < n ? 64 - c->held : n;
                memcpy(c->block + c->held, p, take);
                c->held += take;
                p += take;
                n -= take;
                if (c->held < 64)
                        return;
                sha_ni_blocks(c->h, c->block, 1);
                c->held = 0;
        }
        if (n >= 64) {
                sha_ni_blocks(c->h, p, n / 64);
                p += n / 64 * 64;
                n %= 64;
        }
        memcpy(c->block, p, n);
        c->held = n;
}

/* The padding (a one bit, zeros, the length in bits, big-endian) and the digest. */
static void sha256_final(struct sha256 *c, unsigned char digest[32])
{
        uint64_t bits = c->bytes * 8;
        unsigned char pad[72] = {0x80};
        size_t npad = (c->held < 56 ? 56 : 120) - c->held;
        for (int i = 0; i < 8; i++)
                pad[npad + i] = (unsigned char) (bits >> (56 - 8 * i));
        sha256_update(c, pad, npad + 8);
        for (int i = 0; i < 8; i++) {
                digest[4 * i] = (unsigned char) (c->h[i] >> 24);
                digest[4 * i + 1] = (unsigned char) (c->h[i] >> 16);
                digest[4 * i + 2] = (unsigned char) (c->h[i] >> 8);
                digest[4 * i + 3] = (unsigned char) c->h[i];
        }
}
#endif

enk_status enk_hash_file_sha256_hex(const char *path, char hex[ENK_HASH_HEX_SIZE], enk_diags *diags)
{
        enk_loc loc = {path, 0, 0};
        FILE *f = fopen(path, "rb");
        if (!f) {
                enk_error(diags, loc, "cannot read file: %s", strerror(errno));
                return ENK_ERR_IO;
        }
#ifdef HAVE_SHA_NI
        bool ni = sha_ni();
        struct sha256 c;
        if (ni)
                sha256_init(&c);
#else
        const bool ni = false;
#endif
        crypto_hash_sha256_state st;
        if (!ni)
                crypto_hash_sha256_init(&st);
        unsigned char block[64 * 1024];
        size_t n;
        while ((n = fread(block, 1, sizeof(block), f)) > 0) {
#ifdef HAVE_SHA_NI
                if (ni) {
                        sha256_update(&c, block, n);
                        continue;
                }
#endif
                crypto_hash_sha256_update(&st, block, n);
        }
        int err = ferror(f) ? (errno ? errno : EIO) : 0;
        fclose(f);
        if (err) {
                enk_error(diags, loc, "cannot read file: %s", strerror(err));
                return ENK_ERR_IO;
        }
        unsigned char digest[crypto_hash_sha256_BYTES];
#ifdef HAVE_SHA_NI
        if (ni)
                sha256_final(&c, digest);
#endif
        if (!ni)
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
