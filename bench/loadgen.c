/* bench/loadgen.c - load generator for `enkat serve`: many respondents at once.
 *
 * usage: loadgen [--clients C] [--count N] [--check] [--resend] URL CODES.csv
 *
 * Reads the access codes from CODES.csv (what `enkat codes` writes: a header
 * row, the code in the first column) and runs C client threads (default 50)
 * against URL (http://HOST:PORT/, loopback only). Each client keeps one
 * HTTP/1.1 keep-alive connection and takes the next unused code until N codes
 * (default: all) are done; for each it plays one respondent:
 *
 *   POST /start kod=CODE           -> 200, the form; read its hidden "csrf"
 *   POST /svar  answers+kod+csrf+action=skicka -> 303, Location: /tack
 *
 * The answers are a complete valid set for examples/familjehem.yaml (every
 * question answered, shown ones only; the dependent questions' conditions
 * hold). Three answers vary with the code's position i in the file (0-based),
 * so that a test can check the stored tallies against a count made here and
 * not read from the store:
 *   hemtyp = 1 + i % 3,  stod_nojd = 1 + (i / 3) % 5,  helhet_nojd = 1 + i % 5.
 *
 * It measures the latency of every POST /svar (the durable submission) and of
 * the pair, and prints the submissions per second over the whole run (first
 * connect to last reply), p50, p99 and the maximum of both, and the errors.
 * --resend posts every /svar a second time (a browser retry) and expects the
 * same 303 again; the repeat is not timed. --check makes any error fatal
 * (exit 1), for the test suite; without it errors are counted and reported.
 *
 * Plain POSIX sockets and pthreads, no HTTP library: the client's own cost
 * is small and known, and it runs on the same 2 cores as the server.
 * Exit status: 0 no errors, 1 errors (or an unreadable file), 2 usage.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#define MAX_REPORTED 10 /* errors described on stderr; the rest only counted */

static double now(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

/* ------------------------------------------------------------ run settings */

static struct {
        char host[256];
        char port[16];
        struct sockaddr_storage addr;
        socklen_t addrlen;
        char **codes;
        size_t ncodes;
        size_t count;
        bool resend;
        atomic_size_t next;   /* the next code to take */
        atomic_size_t errors; /* submissions that failed */
        double *svar_ms;      /* per code: latency of POST /svar, <0 on error */
        double *pair_ms;      /* per code: /start + /svar */
        pthread_mutex_t report_lock;
        size_t reported;
} run = {.report_lock = PTHREAD_MUTEX_INITIALIZER};

static void report(size_t i, const char *fmt, ...)
{
        pthread_mutex_lock(&run.report_lock);
        if (run.reported++ < MAX_REPORTED) {
                va_list ap;
                va_start(ap, fmt);
                fprintf(stderr, "loadgen: code %zu: ", i + 1);
                vfprintf(stderr, fmt, ap);
                fputc('\n', stderr);
                va_end(ap);
        }
        pthread_mutex_unlock(&run.report_lock);
}

/* ------------------------------------------------------------------- codes */

/* The first field of every row after the header, unquoted. */
static int read_codes(const char *path)
{
        FILE *f = fopen(path, "r");
        if (!f) {
                fprintf(stderr, "loadgen: cannot open '%s': %s\n", path, strerror(errno));
                return -1;
        }
        char line[1024];
        size_t cap = 0;
        bool header = true;
        while (fgets(line, sizeof line, f)) {
                if (header) {
                        header = false;
                        continue;
                }
                char *s = line, *e;
                if (*s == '"') {
                        s++;
                        e = strchr(s, '"');
                } else {
                        e = s + strcspn(s, ",;\r\n");
                }
                if (!e || e == s)
                        continue;
                *e = '\0';
                if (run.ncodes == cap) {
                        cap = cap ? 2 * cap : 1024;
                        char **c = realloc(run.codes, cap * sizeof *c);
                        if (!c)
                                abort();
                        run.codes = c;
                }
                run.codes[run.ncodes] = strdup(s);
                if (!run.codes[run.ncodes])
                        abort();
                run.ncodes++;
        }
        fclose(f);
        if (run.ncodes == 0) {
                fprintf(stderr, "loadgen: no codes in '%s'\n", path);
                return -1;
        }
        return 0;
}

/* ------------------------------------------------------------- the answers */

/* Everything but the three varying answers, kod and csrf: built once. The
 * free text has UTF-8 and a '+' to exercise the decoding. */
static const char answers_fixed[] =
    "ar_som_familjehem=7&antal_placerade=2&har_skolbarn=ja"
    "&skola_samarbete=4&skola_information=5&skola_moten=3&skola_overlamning=na"
    "&stod_anpassat=4&stod_na=4&stod_svar=3&stod_allvar=5"
    "&handledning_far=ja&handledning_hur_ofta=3&handledning_nytta=4"
    "&avlastning_fatt=nej&avlastning_behov=2"
    "&utbildningar=1&utbildningar=2&utbildning_nytta=4&utbildning_erbjuds=3"
    "&barnsekr_kontakt=4&barnsekr_traffar=3&barnsekr_information=4"
    "&halso_samarbete=4&halso_bup=na&helhet_rekommendera=5&fortsatta=1"
    "&forslag=Fler+tr%C3%A4ffar+med+andra+familjehem+%2B+mer+handledning&ovrigt="
    "&action=skicka";

/* Appends s to dst (capacity cap, NUL-terminated) percent-encoded. */
static size_t urlencode(char *dst, size_t cap, size_t len, const char *s)
{
        static const char hex[] = "0123456789ABCDEF";
        for (; *s && len + 4 < cap; s++) {
                unsigned char c = (unsigned char) *s;
                if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_' || c == '.' || c == '~') {
                        dst[len++] = (char) c;
                } else {
                        dst[len++] = '%';
                        dst[len++] = hex[c >> 4];
                        dst[len++] = hex[c & 15];
                }
        }
        dst[len] = '\0';
        return len;
}

/* -------------------------------------------------------------------- HTTP */

struct conn {
        int fd;
        char *buf; /* the reply being read */
        size_t len, cap;
        /* the last reply */
        int status;
        char location[256];
        const char *body;
        size_t body_len;
        bool close; /* the server said Connection: close */
};

static int conn_open(struct conn *c)
{
        c->fd = socket(run.addr.ss_family, SOCK_STREAM, 0);
        if (c->fd < 0)
                return -1;
        int one = 1;
        setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        /* A server that stops answering fails the run instead of hanging it. */
        struct timeval tv = {30, 0};
        setsockopt(c->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        setsockopt(c->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
        if (connect(c->fd, (struct sockaddr *) &run.addr, run.addrlen) < 0) {
                close(c->fd);
                c->fd = -1;
                return -1;
        }
        return 0;
}

static void conn_close(struct conn *c)
{
        if (c->fd >= 0)
                close(c->fd);
        c->fd = -1;
}

static int send_all(int fd, const char *p, size_t n)
{
        while (n > 0) {
                ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
                if (w < 0 && errno == EINTR)
                        continue;
                if (w <= 0)
                        return -1;
                p += w;
                n -= (size_t) w;
        }
        return 0;
}

/* Reads more bytes into c->buf; 0 at end of stream, -1 on error. */
static ssize_t fill(struct conn *c)
{
        if (c->cap - c->len < 16384) {
                size_t cap = c->cap ? 2 * c->cap : 65536;
                char *b = realloc(c->buf, cap + 1);
                if (!b)
                        abort();
                c->buf = b;
                c->cap = cap;
        }
        ssize_t r;
        do
                r = recv(c->fd, c->buf + c->len, c->cap - c->len, 0);
        while (r < 0 && errno == EINTR);
        if (r > 0) {
                c->len += (size_t) r;
                c->buf[c->len] = '\0';
        }
        return r;
}

/* The value of header name in the header block [h, end), or NULL; its length
 * in *n. */
static const char *header(const char *h, const char *end, const char *name, size_t *n)
{
        size_t nl = strlen(name);
        for (const char *p = h; p < end;) {
                const char *eol = memchr(p, '\n', (size_t) (end - p));
                if (!eol)
                        eol = end;
                if ((size_t) (eol - p) > nl + 1 && strncasecmp(p, name, nl) == 0 && p[nl] == ':') {
                        const char *v = p + nl + 1;
                        while (v < eol && (*v == ' ' || *v == '\t'))
                                v++;
                        const char *ve = eol;
                        while (ve > v && (ve[-1] == '\r' || ve[-1] == ' '))
                                ve--;
                        *n = (size_t) (ve - v);
                        return v;
                }
                p = eol + 1;
        }
        return NULL;
}

/* Decodes a chunked body in place; returns its length, or -1 when incomplete. */
static long dechunk(char *b, size_t n)
{
        size_t in = 0, out = 0;
        for (;;) {
                char *eol = memchr(b + in, '\n', n - in);
                if (!eol)
                        return -1;
                unsigned long size = strtoul(b + in, NULL, 16);
                in = (size_t) (eol - b) + 1;
                if (size == 0)
                        return (long) out; /* trailers are not used by the server */
                if (n - in < size + 2)
                        return -1;
                memmove(b + out, b + in, size);
                out += size;
                in += size + 2;
        }
}

/* Sends one request and reads the whole reply into c. Returns 0, or -1 when
 * the connection failed (*fresh then tells whether a stale keep-alive
 * connection may simply be reopened: nothing at all came back). */
static int exchange(struct conn *c, const char *req, size_t reqlen, bool *fresh)
{
        *fresh = false;
        c->len = 0;
        if (send_all(c->fd, req, reqlen) < 0) {
                *fresh = true;
                return -1;
        }
        char *hend = NULL;
        for (;;) {
                ssize_t r = fill(c);
                if (r <= 0) {
                        *fresh = c->len == 0 && r == 0;
                        return -1;
                }
                if ((hend = strstr(c->buf, "\r\n\r\n")) != NULL)
                        break;
        }
        size_t hlen = (size_t) (hend - c->buf) + 4;
        if (c->len < 12 || strncmp(c->buf, "HTTP/1.", 7) != 0)
                return -1;
        c->status = atoi(c->buf + 9);
        size_t n;
        const char *v = header(c->buf, hend, "Connection", &n);
        c->close = v && n == 5 && strncasecmp(v, "close", 5) == 0;
        c->location[0] = '\0';
        if ((v = header(c->buf, hend, "Location", &n)) != NULL && n < sizeof c->location) {
                memcpy(c->location, v, n);
                c->location[n] = '\0';
        }
        v = header(c->buf, hend, "Transfer-Encoding", &n);
        if (v && n == 7 && strncasecmp(v, "chunked", 7) == 0) {
                long blen;
                for (;;) {
                        /* dechunk works on a copy: a partial body must stay intact */
                        size_t have = c->len - hlen;
                        char *copy = malloc(have + 1);
                        if (!copy)
                                abort();
                        memcpy(copy, c->buf + hlen, have);
                        blen = dechunk(copy, have);
                        if (blen >= 0) {
                                memcpy(c->buf + hlen, copy, (size_t) blen);
                                c->buf[hlen + (size_t) blen] = '\0';
                                free(copy);
                                break;
                        }
                        free(copy);
                        if (fill(c) <= 0)
                                return -1;
                }
                c->body = c->buf + hlen;
                c->body_len = (size_t) blen;
                return 0;
        }
        size_t clen = 0;
        if ((v = header(c->buf, hend, "Content-Length", &n)) != NULL) {
                clen = strtoul(v, NULL, 10);
        } else if (c->status >= 200 && c->status != 204 && c->status != 304) {
                /* no length: the body runs to the end of the connection */
                while (fill(c) > 0)
                        ;
                clen = c->len - hlen;
                c->close = true;
        }
        while (c->len - hlen < clen)
                if (fill(c) <= 0)
                        return -1;
        c->body = c->buf + hlen;
        c->body_len = clen;
        return 0;
}

/* exchange() that reopens a keep-alive connection the server had closed. */
static int request(struct conn *c, const char *req, size_t reqlen)
{
        for (int attempt = 0; attempt < 2; attempt++) {
                if (c->fd < 0 && conn_open(c) < 0)
                        return -1;
                bool fresh;
                if (exchange(c, req, reqlen, &fresh) == 0) {
                        if (c->close)
                                conn_close(c);
                        return 0;
                }
                conn_close(c);
                if (!fresh)
                        return -1;
        }
        return -1;
}

static size_t build_post(char *req, size_t cap, const char *path, const char *body, size_t blen)
{
        int n = snprintf(req, cap,
                         "POST %s HTTP/1.1\r\nHost: %s:%s\r\nOrigin: http://%s:%s\r\n"
                         "Content-Type: application/x-www-form-urlencoded\r\n"
                         "Content-Length: %zu\r\n\r\n",
                         path, run.host, run.port, run.host, run.port, blen);
        if (n < 0 || (size_t) n + blen >= cap)
                return 0;
        memcpy(req + n, body, blen);
        return (size_t) n + blen;
}

/* The value of the hidden field name="csrf" in the form page, or false. */
static bool find_csrf(const char *body, size_t len, char *out, size_t cap)
{
        const char *end = body + len;
        const char *p = memmem(body, len, "name=\"csrf\"", 11);
        if (!p)
                return false;
        const char *lt = p, *gt = memchr(p, '>', (size_t) (end - p));
        while (lt > body && *lt != '<')
                lt--;
        if (!gt)
                return false;
        const char *v = memmem(lt, (size_t) (gt - lt), "value=\"", 7);
        if (!v)
                return false;
        v += 7;
        const char *ve = memchr(v, '"', (size_t) (gt - v));
        if (!ve || (size_t) (ve - v) >= cap || ve == v)
                return false;
        memcpy(out, v, (size_t) (ve - v));
        out[ve - v] = '\0';
        return true;
}

/* ----------------------------------------------------------------- clients */

static void fail(size_t i, const char *fmt, ...)
{
        char msg[512];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof msg, fmt, ap);
        va_end(ap);
        report(i, "%s", msg);
        run.svar_ms[i] = -1;
        atomic_fetch_add(&run.errors, 1);
}

static void *client(void *arg)
{
        (void) arg;
        struct conn c = {.fd = -1};
        char body[4096], req[8192], csrf[256];
        for (;;) {
                size_t i = atomic_fetch_add(&run.next, 1);
                if (i >= run.count)
                        break;
                double t0 = now();

                memcpy(body, "kod=", 4);
                size_t blen = urlencode(body, sizeof body, 4, run.codes[i]);
                size_t rlen = build_post(req, sizeof req, "/start", body, blen);
                if (request(&c, req, rlen) < 0) {
                        fail(i, "POST /start: connection failed");
                        continue;
                }
                if (c.status != 200) {
                        fail(i, "POST /start: status %d, want 200", c.status);
                        continue;
                }
                if (!find_csrf(c.body, c.body_len, csrf, sizeof csrf)) {
                        fail(i, "POST /start: no hidden field 'csrf' in the form");
                        continue;
                }

                blen = (size_t) snprintf(body, sizeof body,
                                         "hemtyp=%zu&stod_nojd=%zu&helhet_nojd=%zu&", 1 + i % 3,
                                         1 + (i / 3) % 5, 1 + i % 5);
                memcpy(body + blen, answers_fixed, sizeof answers_fixed - 1);
                blen += sizeof answers_fixed - 1;
                blen += (size_t) snprintf(body + blen, sizeof body - blen, "&kod=");
                blen = urlencode(body, sizeof body, blen, run.codes[i]);
                blen += (size_t) snprintf(body + blen, sizeof body - blen, "&csrf=");
                blen = urlencode(body, sizeof body, blen, csrf);
                rlen = build_post(req, sizeof req, "/svar", body, blen);

                double t1 = now();
                int rc = request(&c, req, rlen);
                double t2 = now();
                if (rc < 0) {
                        fail(i, "POST /svar: connection failed");
                        continue;
                }
                if (c.status != 303 || strstr(c.location, "/tack") == NULL) {
                        fail(i, "POST /svar: status %d, Location '%s', want 303 to /tack", c.status,
                             c.location);
                        continue;
                }
                run.svar_ms[i] = (t2 - t1) * 1e3;
                run.pair_ms[i] = (t2 - t0) * 1e3;

                if (run.resend) {
                        if (request(&c, req, rlen) < 0) {
                                fail(i, "POST /svar again: connection failed");
                                continue;
                        }
                        if (c.status != 303 || strstr(c.location, "/tack") == NULL) {
                                fail(i, "POST /svar again: status %d, want 303 to /tack", c.status);
                                continue;
                        }
                }
        }
        conn_close(&c);
        free(c.buf);
        return NULL;
}

/* ------------------------------------------------------------------ report */

static int cmp_double(const void *a, const void *b)
{
        double x = *(const double *) a, y = *(const double *) b;
        return (x > y) - (x < y);
}

/* The q-quantile of the n sorted values (nearest rank). */
static double quantile(const double *v, size_t n, double q)
{
        size_t k = (size_t) (q * (double) n + 0.999999);
        if (k < 1)
                k = 1;
        if (k > n)
                k = n;
        return v[k - 1];
}

static void summary(const char *what, const double *all, size_t n)
{
        double *v = malloc((n ? n : 1) * sizeof *v);
        size_t m = 0;
        if (!v)
                abort();
        for (size_t i = 0; i < n; i++)
                if (all[i] >= 0)
                        v[m++] = all[i];
        if (m == 0) {
                printf("%-12s no successful submissions\n", what);
        } else {
                qsort(v, m, sizeof *v, cmp_double);
                printf("%-12s p50 %.2f ms  p99 %.2f ms  max %.2f ms\n", what, quantile(v, m, 0.50),
                       quantile(v, m, 0.99), v[m - 1]);
        }
        free(v);
}

static int usage(void)
{
        fprintf(stderr,
                "usage: loadgen [--clients C] [--count N] [--check] [--resend] URL CODES.csv\n"
                "  URL is http://HOST:PORT/ of `enkat serve`; CODES.csv as `enkat codes` "
                "writes it\n");
        return 2;
}

int main(int argc, char **argv)
{
        long clients = 50, count = -1;
        bool check = false;
        const char *url = NULL, *csv = NULL;
        for (int a = 1; a < argc; a++) {
                if (strcmp(argv[a], "--clients") == 0 && a + 1 < argc)
                        clients = strtol(argv[++a], NULL, 10);
                else if (strcmp(argv[a], "--count") == 0 && a + 1 < argc)
                        count = strtol(argv[++a], NULL, 10);
                else if (strcmp(argv[a], "--check") == 0)
                        check = true;
                else if (strcmp(argv[a], "--resend") == 0)
                        run.resend = true;
                else if (argv[a][0] == '-')
                        return usage();
                else if (!url)
                        url = argv[a];
                else if (!csv)
                        csv = argv[a];
                else
                        return usage();
        }
        if (!url || !csv || clients < 1 || clients > 1000 || count == 0)
                return usage();

        /* http://HOST:PORT/ */
        const char *h = strncmp(url, "http://", 7) == 0 ? url + 7 : url;
        const char *colon = strrchr(h, ':');
        if (!colon || (size_t) (colon - h) >= sizeof run.host)
                return usage();
        memcpy(run.host, h, (size_t) (colon - h));
        run.host[colon - h] = '\0';
        snprintf(run.port, sizeof run.port, "%.*s", (int) strcspn(colon + 1, "/"), colon + 1);
        struct addrinfo hints = {.ai_socktype = SOCK_STREAM}, *ai;
        int gai = getaddrinfo(run.host, run.port, &hints, &ai);
        if (gai != 0) {
                fprintf(stderr, "loadgen: '%s': %s\n", url, gai_strerror(gai));
                return 1;
        }
        memcpy(&run.addr, ai->ai_addr, ai->ai_addrlen);
        run.addrlen = ai->ai_addrlen;
        freeaddrinfo(ai);

        if (read_codes(csv) < 0)
                return 1;
        run.count = count < 0 || (size_t) count > run.ncodes ? run.ncodes : (size_t) count;
        if (count > 0 && (size_t) count > run.ncodes)
                fprintf(stderr, "loadgen: only %zu codes in '%s'\n", run.ncodes, csv);
        run.svar_ms = calloc(run.count, sizeof *run.svar_ms);
        run.pair_ms = calloc(run.count, sizeof *run.pair_ms);
        pthread_t *tid = calloc((size_t) clients, sizeof *tid);
        if (!run.svar_ms || !run.pair_ms || !tid)
                abort();

        double t0 = now();
        long started = 0;
        for (; started < clients; started++)
                if (pthread_create(&tid[started], NULL, client, NULL) != 0)
                        break;
        for (long t = 0; t < started; t++)
                pthread_join(tid[t], NULL);
        double wall = now() - t0;

        size_t errors = atomic_load(&run.errors), ok = run.count - errors;
        printf("loadgen: %ld clients, %zu submissions in %.3f s: %zu ok, %zu errors\n", started,
               run.count, wall, ok, errors);
        printf("throughput   %.0f submissions/s\n", (double) ok / wall);
        summary("POST /svar", run.svar_ms, run.count);
        for (size_t i = 0; i < run.count; i++)
                if (run.svar_ms[i] < 0)
                        run.pair_ms[i] = -1;
        summary("start+svar", run.pair_ms, run.count);

        for (size_t i = 0; i < run.ncodes; i++)
                free(run.codes[i]);
        free(run.codes);
        free(run.svar_ms);
        free(run.pair_ms);
        free(tid);
        if (started < clients) {
                fprintf(stderr, "loadgen: could start only %ld client threads\n", started);
                return 1;
        }
        return errors && (check || ok == 0) ? 1 : 0;
}
