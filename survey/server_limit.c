/* survey/server_limit.c - the collection server's limiter of wrong codes, and
 * the CSRF token.
 *
 * A client address may try LIMIT_WRONG wrong codes per LIMIT_WINDOW seconds
 * (then 429): a token bucket per address, in a table of LIMIT_TABLE addresses
 * in memory only (the oldest is evicted), never logged. An address is keyed
 * IPv4 whole, IPv6 by its /64 (one household's network).
 */
#include <arpa/inet.h>
#include <math.h>
#include <stdlib.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "survey/hash.h"
#include "survey/server_internal.h"

/* A client address's allowance of wrong codes: a token bucket holding up to
 * LIMIT_WRONG tokens that refills at LIMIT_WRONG per LIMIT_WINDOW. */
struct bucket {
        unsigned char key[LIMIT_KEY];
        bool used;
        double tokens;
        double last; /* monotonic seconds */
};

/* The client's address as a limiter key: IPv4 whole, IPv6 by its /64 (one
 * household's network), an IPv4-mapped IPv6 address as IPv4. false when the
 * address is unknown. */
static bool key_of(const struct sockaddr *sa, unsigned char key[LIMIT_KEY])
{
        memset(key, 0, LIMIT_KEY);
        if (!sa)
                return false;
        if (sa->sa_family == AF_INET) {
                key[0] = 4;
                memcpy(key + 1, &((const struct sockaddr_in *) sa)->sin_addr, 4);
                return true;
        }
        if (sa->sa_family == AF_INET6) {
                const struct in6_addr *a = &((const struct sockaddr_in6 *) sa)->sin6_addr;
                if (IN6_IS_ADDR_V4MAPPED(a)) {
                        key[0] = 4;
                        memcpy(key + 1, a->s6_addr + 12, 4);
                } else {
                        key[0] = 6;
                        memcpy(key + 1, a->s6_addr, 8);
                }
                return true;
        }
        return false;
}

static bool is_loopback(const unsigned char key[LIMIT_KEY])
{
        static const unsigned char v6lo[8] = {0};
        return (key[0] == 4 && key[1] == 127) || (key[0] == 6 && !memcmp(key + 1, v6lo, 8));
}

/* The last address of an X-Forwarded-For header (the one the proxy itself
 * added; earlier ones are whatever the client claimed). */
static bool forwarded_key(const char *xff, unsigned char key[LIMIT_KEY])
{
        const char *last = strrchr(xff, ',');
        last = last ? last + 1 : xff;
        while (*last == ' ' || *last == '\t')
                last++;
        char buf[64];
        size_t n = strcspn(last, " \t");
        if (n == 0 || n >= sizeof(buf))
                return false;
        memcpy(buf, last, n);
        buf[n] = '\0';
        struct sockaddr_in in4 = {.sin_family = AF_INET};
        struct sockaddr_in6 in6 = {.sin6_family = AF_INET6};
        if (inet_pton(AF_INET, buf, &in4.sin_addr) == 1)
                return key_of((struct sockaddr *) &in4, key);
        if (inet_pton(AF_INET6, buf, &in6.sin6_addr) == 1)
                return key_of((struct sockaddr *) &in6, key);
        return false;
}

void server_limit_key(const struct sockaddr *sa, const char *xff, unsigned char key[LIMIT_KEY])
{
        key_of(sa, key);
        if (xff && is_loopback(key)) {
                unsigned char fwd[LIMIT_KEY];
                if (forwarded_key(xff, fwd))
                        memcpy(key, fwd, LIMIT_KEY);
        }
}

enk_status server_limit_init(enk_server *srv)
{
        srv->buckets = calloc(LIMIT_TABLE, sizeof(*srv->buckets));
        return srv->buckets ? ENK_OK : ENK_ERR_NOMEM;
}

void server_limit_release(enk_server *srv)
{
        free(srv->buckets);
        srv->buckets = NULL;
}

/* The bucket of key, refilled to now; NULL when the address has none. */
static struct bucket *find_bucket(enk_server *srv, const unsigned char key[LIMIT_KEY], double now)
{
        for (size_t i = 0; i < LIMIT_TABLE; i++) {
                struct bucket *b = &srv->buckets[i];
                if (b->used && !memcmp(b->key, key, LIMIT_KEY)) {
                        b->tokens += (now - b->last) * LIMIT_WRONG / LIMIT_WINDOW;
                        if (b->tokens > LIMIT_WRONG)
                                b->tokens = LIMIT_WRONG;
                        b->last = now;
                        return b;
                }
        }
        return NULL;
}

int server_limit_wait(enk_server *srv, const unsigned char key[LIMIT_KEY])
{
        int wait = 0;
        pthread_mutex_lock(&srv->limit_lock);
        struct bucket *b = find_bucket(srv, key, server_now());
        if (b && b->tokens < 1.0)
                wait = (int) ceil((1.0 - b->tokens) * LIMIT_WINDOW / LIMIT_WRONG);
        pthread_mutex_unlock(&srv->limit_lock);
        return wait;
}

/* A new address takes a free slot, or the one of the address seen longest
 * ago, so the table's size stays bounded. */
void server_limit_fail(enk_server *srv, const unsigned char key[LIMIT_KEY])
{
        double now = server_now();
        pthread_mutex_lock(&srv->limit_lock);
        struct bucket *b = find_bucket(srv, key, now);
        if (!b) {
                b = &srv->buckets[0];
                for (size_t i = 0; i < LIMIT_TABLE; i++) {
                        struct bucket *c = &srv->buckets[i];
                        if (!c->used) {
                                b = c;
                                break;
                        }
                        if (c->last < b->last)
                                b = c;
                }
                memcpy(b->key, key, LIMIT_KEY);
                b->used = true;
                b->tokens = LIMIT_WRONG;
                b->last = now;
        }
        b->tokens -= 1.0;
        pthread_mutex_unlock(&srv->limit_lock);
}

/* ------------------------------------------------------------------ CSRF */

void server_csrf(const enk_server *srv, const char *hash, char token[ENK_HASH_HEX_SIZE])
{
        enk_hash_hmac_sha256_hex(srv->secret, hash, strlen(hash), token);
}
