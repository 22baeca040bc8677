/* survey/server_internal.h - what the files of the collection server share.
 *
 * The server (survey/server.h) is one module in six files, one concern each:
 *
 *   server.c         the life cycle: enk_server_new (load the waves, start the
 *                    parts), enk_server_run, _stop, _free
 *   server_http.c    HTTP on libmicrohttpd, the only file that includes its
 *                    header: the listening socket, the daemon, the
 *                    connections and their request deadline, framing checks,
 *                    routing, body collection, sending a reply, the access log
 *   server_pages.c   what each request gets: the code page, the form, a
 *                    draft, a submission, the error pages, in Swedish and
 *                    English; it builds a struct reply, never a libmicrohttpd call
 *   server_writer.c  the writer thread (batches, group commit, a store locked
 *                    by another process) and the checkpointer thread
 *   server_limit.c   the limiter of wrong codes and the CSRF token
 *   server_form.c    the body's encoding (enk_server_form_*, public for tests)
 *
 * Everything here is internal to those files: names carry the prefix
 * server_ (file-local helpers are static and unprefixed). The threads and
 * which lock guards what are described at the head of server.c.
 */
#ifndef ENK_SERVER_INTERNAL_H
#define ENK_SERVER_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "survey/codes.h"
#include "survey/diag.h"
#include "survey/hash.h"
#include "survey/questionnaire.h"
#include "survey/server.h"
#include "survey/store.h"
#include "survey/webform.h"

/* ------------------------------------------------------ limits (docs/web.md) */

#define MAX_BODY         (64 * 1024)
#define MAX_FIELDS       1000
#define MAX_DISCARD      (1024 * 1024) /* a chunked body this far over: close */
#define LIMIT_WRONG      10            /* wrong codes allowed per address ... */
#define LIMIT_WINDOW     600.0         /* ... per this many seconds */
#define LIMIT_TABLE      4096          /* addresses remembered (oldest evicted) */
#define LIMIT_KEY        17            /* family byte + address (an IPv6 /64) */
#define CONN_TIMEOUT     30            /* seconds an idle connection is kept */
#define STORE_WAIT       30            /* seconds a write waits for a locked store */
#define RETRY_POLL_MS    200           /* ... trying again at least this often */
#define RETRY_AFTER      30            /* Retry-After of a 503 (seconds) */
#define CONN_LIMIT       1000          /* connections at once ... */
#define PER_ADDR_LIMIT   64            /* ... and from one address */
#define REQUEST_DEADLINE 20            /* seconds to send a whole request */
#define SHUTDOWN_WAIT_MS 10000         /* in-flight requests get this long */
#define CKPT_BYTES       (16L << 20)   /* checkpoint after this many bytes of log ... */
#define CKPT_IDLE_MS     100           /* ... or this long after a commit */

#define HTML_TYPE "text/html; charset=utf-8"

/* ------------------------------------------------------------------ types */

enum job_kind { JOB_SUBMIT, JOB_DRAFT };

/* One write for the writer thread; lives on the waiting handler's stack. */
struct job {
        enum job_kind kind;
        int64_t wave_id;                      /* the code's wave */
        char code[ENK_CODES_NORMALIZED_SIZE]; /* normalised */
        const enk_response *response;         /* JOB_SUBMIT; its date is the writer's */
        const char *data;                     /* JOB_DRAFT */
        size_t len;
        double deadline; /* monotonic: give up waiting for a locked store */
        enk_status result;
        bool busy; /* not written: the store stayed locked until the deadline */
        bool done;
        pthread_cond_t cond; /* signalled when done */
        struct job *next;
};

/* What a request gets, built by server_pages.c and sent by server_http.c. */
struct reply {
        int status;
        char *body; /* malloc'ed (freed once sent) unless persistent */
        size_t len;
        bool persistent;
        const char *type;
        const char *location;
        const char *allow;
        int retry_after;
        const char *cache;    /* Cache-Control (the local server); NULL: no-store */
        char where[48];       /* room for a location made for this reply */
        const char *log_path; /* the path for the access log (the local server) */
};

struct conn;       /* an open connection (server_http.c) */
struct bucket;     /* an address's allowance of wrong codes (server_limit.c) */
struct MHD_Daemon; /* libmicrohttpd's, used in server_http.c only */
struct sockaddr;

/* One wave being served: its questionnaire and the empty form in its
 * default language, rendered at start (server_pages.c). */
struct server_wave {
        int64_t id, edition_id;
        char *unit;
        int year;
        enk_questionnaire *q;
        int lang;   /* the default language: an index into q->languages */
        char *form; /* the empty form with placeholders, or NULL (render each) */
        size_t form_len, form_kod, form_csrf; /* where the hidden values go */
        /* Who asks, on the wave's pages: its details, read at start (copies,
         * owned; about points into them). */
        char *municipality, *deadline, *contact;
        enk_webform_about about;
};

/* What one request is about: the wave its code belongs to (NULL before a
 * code is known) and the language of its page. */
struct server_ask {
        const struct server_wave *w;
        int lang;              /* index into w->q->languages (with w) */
        const char *lang_code; /* the page's language ("sv", "en", ...) */
        bool en;               /* the server's own words in English */
};

struct enk_server {
        char *db;
        bool trust_proxy;
        double store_wait; /* seconds a write waits for a locked store */
        enk_server_log_fn log;
        enk_server_error_fn error;
        void *ctx;

        enk_store *reader; /* read-only, behind read_lock */
        pthread_mutex_t read_lock;
        enk_store *writer;         /* the writer thread's alone once it runs */
        enk_store *ckpt;           /* the checkpointer thread's */
        struct server_wave *waves; /* every wave served; a code names its own */
        size_t nwaves;
        /* The languages a respondent may choose: every language of the
         * waves' questionnaires, NULL-terminated, borrowed from them. */
        const char **langs;
        struct server_ask home; /* the default: the first wave's default language */
        const char *title;      /* title_buf */
        /* the first wave's title in that language, with the waves' year when
         * they all have one year (enk_title_with_year) */
        char title_buf[ENK_TITLE_YEAR_CAP];
        unsigned char secret[32];
        char *csp;
        char *code_page, *thanks_page;
        size_t code_len, thanks_len;

        struct MHD_Daemon *daemon;
        int listen_fd;
        unsigned port;
        int pipe[2];
        atomic_int stopping;
        atomic_int inflight;
        bool ran;

        pthread_t writer_thread;
        bool writer_started;
        bool lock_told; /* the operator knows the store is locked (writer's) */
        pthread_mutex_t q_lock;
        pthread_cond_t q_cond; /* the writer waits for work */
        struct job *head, **tail;
        bool quit;

        /* The gate: the writer holds it while it writes a batch, the
         * checkpointer to catch up with the writer paused. A mutex would
         * do, but not fairly: the writer, unlocking and locking again a
         * moment later, could keep the checkpointer out for many batches. */
        enum { GATE_FREE, GATE_WRITER, GATE_CKPT } gate;
        bool gate_wanted;         /* the checkpointer waits for it */
        pthread_cond_t gate_cond; /* (with ckpt_lock) the gate was released */
        pthread_t ckpt_thread;
        bool ckpt_started;
        pthread_mutex_t ckpt_lock;
        pthread_cond_t ckpt_cond; /* the checkpointer waits for the log to grow */
        int64_t wal_bytes;        /* the log after the writer's last commit */
        int64_t bytes_since;      /* log bytes written since the last checkpoint */
        bool ckpt_quit;
        bool ckpt_failing; /* the last checkpoint failed (reported once) */

        pthread_mutex_t limit_lock;
        struct bucket *buckets;

        pthread_mutex_t conns_lock;
        struct conn *conns; /* every open connection */
};

/* ------------------------------------------------------- server.c */

/* Monotonic seconds. */
double server_now(void);

/* Hands every diagnostic in diags to the operator's error callback. */
void server_report(enk_server *srv, enk_diags *diags);

/* ------------------------------------------------------- server_http.c */

/* Binds and listens on host:port (numeric); srv->listen_fd and srv->port on
 * success. ENK_ERR_IO with a diagnostic naming the address. */
enk_status server_listen(enk_server *srv, const char *host, unsigned port, enk_diags *diags);
/* The same for any listener: the socket in *fd, the port bound in *port_out. */
enk_status server_bind(const char *host, unsigned port, int *fd, unsigned *port_out,
                       enk_diags *diags);

/* Starts libmicrohttpd on srv->listen_fd. ENK_ERR_IO. */
enk_status server_http_start(enk_server *srv, enk_diags *diags);

/* Cuts off every connection whose request is overdue (REQUEST_DEADLINE). */
void server_http_reap(enk_server *srv);

/* Stops accepting, lets the requests in flight finish (up to
 * SHUTDOWN_WAIT_MS), stops libmicrohttpd. Harmless when it never started. */
void server_http_stop(enk_server *srv);

/* The local server (enkat review): 127.0.0.1 only, one request at a time.
 * The handler answers a request whose Host is the server's own address and
 * whose POST (a form body of at most 4096 bytes) comes from its own pages;
 * path is as sent, body NUL-terminated. It fills rp (body malloc'ed unless
 * persistent). */
typedef void (*server_local_fn)(void *ctx, const char *method, const char *path, const char *body,
                                size_t len, struct reply *rp);
struct server_local;
enk_status server_local_start(unsigned port, const char *csp, server_local_fn fn, void *ctx,
                              enk_server_log_fn log, void *log_ctx, struct server_local **out,
                              enk_diags *diags);
unsigned server_local_port(const struct server_local *ls);
/* Stops it (a request being answered is finished first) and frees it. NULL
 * is a no-op. */
void server_local_stop(struct server_local *ls);

/* ------------------------------------------------------- server_pages.c */

/* Renders what every request shares: the Content-Security-Policy, the code
 * page, the thanks page and the empty form's template. */
enk_status server_pages_init(enk_server *srv);

/* An error page of status (400, 403, ..., 500) with its message in the
 * server's language; allow is the Allow header of a 405 (else NULL). */
void server_page_error(const enk_server *srv, int status, const char *allow, struct reply *rp);

/* GET /: the code page in the language lang asks for (its "lang" query
 * value; NULL or one not offered: the default). */
void server_page_code(const enk_server *srv, const char *lang, struct reply *rp);

/* GET /tack: the thanks page in the language lang (as above). */
void server_page_thanks(const enk_server *srv, const char *lang, struct reply *rp);

/* POST /start: the code typed on the code page (field "kod") from the client
 * whose limiter key is key. */
void server_page_start(enk_server *srv, const unsigned char key[LIMIT_KEY],
                       const enk_server_form *f, struct reply *rp);

/* POST /svar: a submission or a draft (field "action"). */
void server_page_svar(enk_server *srv, const enk_server_form *f, struct reply *rp);

/* ------------------------------------------------------- server_writer.c */

/* Starts the writer and the checkpointer threads. ENK_ERR_IO. */
enk_status server_writer_start(enk_server *srv, enk_diags *diags);

/* Writes what is queued, then stops the writer and, after it, the
 * checkpointer (which empties the log). Harmless when they never started. */
void server_writer_stop(enk_server *srv);

/* Hands j to the writer and waits until it is committed (or failed, or given
 * up: j->busy). Returns j's result. */
enk_status server_write(enk_server *srv, struct job *j);

/* ------------------------------------------------------- server_limit.c */

/* The limiter key of a client at sa (NULL: unknown). Behind a trusted proxy
 * (xff not NULL: its X-Forwarded-For header), a loopback client is keyed by
 * the last address of xff instead. */
void server_limit_key(const struct sockaddr *sa, const char *xff, unsigned char key[LIMIT_KEY]);

/* Allocates (ENK_ERR_NOMEM) and frees the table of addresses. */
enk_status server_limit_init(enk_server *srv);
void server_limit_release(enk_server *srv);

/* Seconds until key may try another code, 0 when it may now. */
int server_limit_wait(enk_server *srv, const unsigned char key[LIMIT_KEY]);

/* Counts a wrong code against key. */
void server_limit_fail(enk_server *srv, const unsigned char key[LIMIT_KEY]);

/* The CSRF token of a code (its hash): an HMAC with the store's secret. */
void server_csrf(const enk_server *srv, const char *hash, char token[ENK_HASH_HEX_SIZE]);

#endif
