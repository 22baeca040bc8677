/* survey/server.c - the collection server on libmicrohttpd.
 *
 * Threads. libmicrohttpd (MHD) runs a listening thread and one thread per
 * connection; the handler below runs in the connection's thread and may block.
 * A handler that has to write (a submission, a draft) queues a job for the one
 * writer thread and waits on a condition variable; the writer takes the whole
 * queue, writes it in one transaction and commits it durably, then marks the
 * jobs done and wakes their handlers, which reply only then. With 50 clients,
 * up to 50 submissions share one disk sync. While another process (an import)
 * holds the store's write lock, the writer keeps the batch in memory and tries
 * again every RETRY_POLL_MS, up to each job's deadline (--store-wait); a job
 * given up is never written, and its handler gives the form back (503).
 *
 * Checkpoints. SQLite copies the write-ahead log back into the store file in
 * a checkpoint, which syncs the store file; by default it does so inside the
 * commit that makes the log reach 1000 pages, and under load that commit, and
 * every submission waiting on it, then pays for copying and syncing the file
 * (a source of the slow tail in bench/bench_serve.sh). So the writer's handle
 * does not checkpoint: a checkpointer thread with a handle of its own runs a
 * passive checkpoint alongside the writer's commits, once the log has grown
 * by CKPT_PAGES pages (16 MB; submissions change the same pages again and
 * again, and a checkpoint copies each page once however often it changed) or
 * CKPT_IDLE_MS after a commit. The log starts again from its beginning only at a
 * transaction that begins with everything in it copied; under load the writer
 * has always begun its next batch before a passive checkpoint ends, so the
 * log would grow without end (over 300 MB in one bench run). Hence, when the
 * log is that long, the checkpointer follows its passive checkpoint with a
 * second one while it holds the writer back between two batches (the gate):
 * that one copies only what was committed during the first (a commit or two),
 * and the writer's next batch starts the log again. The log then stays at
 * about twice CKPT_PAGES (34 MB at most in bench runs) however long the load
 * lasts, unless another process keeps an old snapshot open. On the way out,
 * after the writer's last commit, a truncating checkpoint leaves the log file
 * empty.
 *
 * Reading the body. We collect the body ourselves (at most 64 KiB) and decode
 * it with a strict decoder instead of MHD's post processor, because the post
 * processor passes a malformed escape ("%zz") through unchanged, and the
 * protocol (docs/web.md) answers a malformed body with 400. The same decoder
 * reads back a saved draft, which is the submitted fields encoded again.
 */
#include "survey/server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <microhttpd.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "survey/codes.h"
#include "survey/hash.h"
#include "survey/questionnaire.h"
#include "survey/store.h"
#include "survey/strbuf.h"
#include "survey/webform.h"

/* Limits (docs/web.md). */
#define MAX_BODY         (64 * 1024)
#define MAX_FIELDS       1000
#define MAX_DISCARD      (1024 * 1024) /* a chunked body this far over: close */
#define LIMIT_WRONG      10            /* wrong codes allowed per address ... */
#define LIMIT_WINDOW     600.0         /* ... per this many seconds */
#define LIMIT_TABLE      4096          /* addresses remembered (oldest evicted) */
#define CONN_TIMEOUT     30            /* seconds an idle connection is kept */
#define STORE_WAIT       30            /* seconds a write waits for a locked store */
#define RETRY_POLL_MS    200           /* ... trying again at least this often */
#define RETRY_AFTER      30            /* Retry-After of a 503 (seconds) */
#define CONN_LIMIT       1000          /* connections at once ... */
#define PER_ADDR_LIMIT   64            /* ... and from one address */
#define REQUEST_DEADLINE 20            /* seconds to send a whole request */
#define SHUTDOWN_WAIT_MS 10000         /* in-flight requests get this long */
#define CKPT_PAGES       4000          /* checkpoint after this many pages of log ... */
#define CKPT_IDLE_MS     100           /* ... or this long after a commit */

/* ------------------------------------------------------------ form encoding */

static int hexval(int c)
{
        if (c >= '0' && c <= '9')
                return c - '0';
        if (c >= 'a' && c <= 'f')
                return c - 'a' + 10;
        if (c >= 'A' && c <= 'F')
                return c - 'A' + 10;
        return -1;
}

/* Whether the n bytes at s are valid UTF-8 (no overlong forms, no surrogates,
 * nothing above U+10FFFF) without NUL. */
static bool utf8_ok(const unsigned char *s, size_t n)
{
        size_t i = 0;
        while (i < n) {
                unsigned c = s[i];
                if (c == 0)
                        return false;
                if (c < 0x80) {
                        i++;
                        continue;
                }
                size_t len;
                unsigned cp;
                if (c >= 0xC2 && c <= 0xDF)
                        len = 2, cp = c & 0x1F;
                else if (c >= 0xE0 && c <= 0xEF)
                        len = 3, cp = c & 0x0F;
                else if (c >= 0xF0 && c <= 0xF4)
                        len = 4, cp = c & 0x07;
                else
                        return false;
                if (n - i < len)
                        return false;
                for (size_t k = 1; k < len; k++) {
                        if ((s[i + k] & 0xC0) != 0x80)
                                return false;
                        cp = (cp << 6) | (s[i + k] & 0x3F);
                }
                if ((len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
                    (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
                        return false;
                i += len;
        }
        return true;
}

/* Decodes s[0..n) into out (which has room for n bytes and a NUL); returns the
 * decoded length or -1 for a malformed escape or bad UTF-8. */
static long unescape(const char *s, size_t n, char *out)
{
        size_t o = 0;
        for (size_t i = 0; i < n; i++) {
                if (s[i] == '+') {
                        out[o++] = ' ';
                } else if (s[i] == '%') {
                        if (n - i < 3)
                                return -1;
                        int hi = hexval((unsigned char) s[i + 1]);
                        int lo = hexval((unsigned char) s[i + 2]);
                        if (hi < 0 || lo < 0)
                                return -1;
                        out[o++] = (char) (hi * 16 + lo);
                        i += 2;
                } else {
                        out[o++] = s[i];
                }
        }
        out[o] = '\0';
        if (!utf8_ok((const unsigned char *) out, o))
                return -1;
        return (long) o;
}

void enk_server_form_release(enk_server_form *form)
{
        if (!form)
                return;
        free(form->fields);
        free(form->block);
        *form = (enk_server_form){0};
}

enk_status enk_server_form_decode(const char *body, size_t len, size_t max_fields,
                                  enk_server_form *form)
{
        if (!form || (!body && len))
                return ENK_ERR_USAGE;
        *form = (enk_server_form){0};
        /* Every pair decodes to at most its own length plus a NUL for the name
         * and one for the value, so len + 2 * pairs bounds the block. */
        size_t pairs = 1;
        for (size_t i = 0; i < len; i++)
                pairs += body[i] == '&';
        char *block = malloc(len + 2 * pairs + 1);
        enk_webform_field *fields = NULL;
        if (!block)
                return ENK_ERR_NOMEM;
        enk_status st = ENK_OK;
        size_t n = 0, cap = 0, at = 0;
        for (size_t i = 0; i <= len;) {
                size_t end = i;
                while (end < len && body[end] != '&')
                        end++;
                if (end > i) {
                        if (n == max_fields) {
                                st = ENK_ERR_DATA;
                                goto out;
                        }
                        size_t eq = i;
                        while (eq < end && body[eq] != '=')
                                eq++;
                        char *name = block + at;
                        long nl = unescape(body + i, eq - i, name);
                        if (nl < 0) {
                                st = ENK_ERR_SYNTAX;
                                goto out;
                        }
                        at += (size_t) nl + 1;
                        char *value = block + at;
                        long vl = eq < end ? unescape(body + eq + 1, end - eq - 1, value)
                                           : unescape("", 0, value);
                        if (vl < 0) {
                                st = ENK_ERR_SYNTAX;
                                goto out;
                        }
                        at += (size_t) vl + 1;
                        if (n == cap) {
                                cap = cap ? 2 * cap : 16;
                                enk_webform_field *f = realloc(fields, cap * sizeof(*f));
                                if (!f) {
                                        st = ENK_ERR_NOMEM;
                                        goto out;
                                }
                                fields = f;
                        }
                        fields[n++] = (enk_webform_field){name, value};
                }
                i = end + 1;
        }
        form->n = n;
        form->fields = fields;
        form->block = block;
        return ENK_OK;
out:
        free(fields);
        free(block);
        return st;
}

static void escape(const char *s, char *out, size_t *o)
{
        static const char hex[] = "0123456789ABCDEF";
        for (; *s; s++) {
                unsigned char c = (unsigned char) *s;
                if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '.' || c == '_' || c == '~') {
                        out[(*o)++] = (char) c;
                } else {
                        out[(*o)++] = '%';
                        out[(*o)++] = hex[c >> 4];
                        out[(*o)++] = hex[c & 15];
                }
        }
}

enk_status enk_server_form_encode(const enk_webform_field *fields, size_t n, char **out,
                                  size_t *len)
{
        if (!out || !len || (!fields && n))
                return ENK_ERR_USAGE;
        size_t size = 1;
        for (size_t i = 0; i < n; i++)
                size += 3 * (strlen(fields[i].name) + strlen(fields[i].value)) + 2;
        char *buf = malloc(size);
        if (!buf)
                return ENK_ERR_NOMEM;
        size_t o = 0;
        for (size_t i = 0; i < n; i++) {
                if (i)
                        buf[o++] = '&';
                escape(fields[i].name, buf, &o);
                buf[o++] = '=';
                escape(fields[i].value, buf, &o);
        }
        buf[o] = '\0';
        *out = buf;
        *len = o;
        return ENK_OK;
}

/* ------------------------------------------------------------------ server */

enum job_kind { JOB_SUBMIT, JOB_DRAFT };

/* One write for the writer thread; lives on the waiting handler's stack. */
struct job {
        enum job_kind kind;
        char code[ENK_CODES_NORMALIZED_SIZE]; /* normalised */
        const int32_t *values;
        size_t nvalues;
        const enk_store_text *texts;
        size_t ntexts;
        const char *data; /* JOB_DRAFT */
        size_t len;
        double deadline; /* monotonic: give up waiting for a locked store */
        enk_status result;
        bool busy; /* not written: the store stayed locked until the deadline */
        bool done;
        pthread_cond_t cond; /* signalled when done */
        struct job *next;
};

/* One TCP connection (MHD's socket context), in the server's list while it
 * is open. start is when the connection began to wait for its current request
 * (its opening, or the end of the previous reply), 0 once the request is read
 * whole; a request that is not read whole within REQUEST_DEADLINE of start is
 * cut off (reap). All fields are behind conns_lock. */
struct conn {
        int fd;
        double start;
        struct conn *prev, *next;
};

/* A client address's allowance of wrong codes: a token bucket holding up to
 * LIMIT_WRONG tokens that refills at LIMIT_WRONG per LIMIT_WINDOW. */
struct bucket {
        unsigned char key[17]; /* family byte + address (an IPv6 /64) */
        bool used;
        double tokens;
        double last; /* monotonic seconds */
};

struct enk_server {
        char *db, *unit;
        int year;
        bool trust_proxy;
        double store_wait; /* seconds a write waits for a locked store */
        enk_server_log_fn log;
        enk_server_error_fn error;
        void *ctx;

        enk_store *reader; /* read-only, behind read_lock */
        pthread_mutex_t read_lock;
        enk_store *writer; /* the writer thread's alone once it runs */
        enk_store *ckpt;   /* the checkpointer thread's */
        enk_questionnaire *q;
        int lang;
        const char *lang_code; /* borrowed from q */
        const char *title;     /* borrowed from q */
        bool en;
        int64_t wave_id;
        unsigned char secret[32];
        char *csp;
        char *code_page, *thanks_page;
        char *form; /* the empty form with placeholders, or NULL (render each) */
        size_t form_len, form_kod, form_csrf; /* where the hidden values go */
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
        pthread_cond_t ckpt_cond; /* the checkpointer waits for pages */
        int64_t wal_pages;        /* the log after the writer's last commit */
        int64_t pages_since;      /* pages written since the last checkpoint */
        bool ckpt_quit;
        bool ckpt_failing; /* the last checkpoint failed (reported once) */

        pthread_mutex_t limit_lock;
        struct bucket *buckets;

        pthread_mutex_t conns_lock;
        struct conn *conns; /* every open connection */
};

static double now_mono(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

static void report(enk_server *srv, enk_diags *diags)
{
        if (!srv->error || !diags)
                return;
        for (size_t i = 0; i < enk_diags_count(diags); i++) {
                char *m = enk_diag_format(enk_diags_get(diags, i));
                if (m)
                        srv->error(srv->ctx, m);
                free(m);
        }
}

/* --------------------------------------------------------- the writer thread */

/* Whether a job's failure means the store itself failed, so that the whole
 * transaction is suspect (SQLite may have abandoned it). */
static bool fatal(enk_status st)
{
        return st == ENK_ERR_STORE || st == ENK_ERR_IO || st == ENK_ERR_NOMEM;
}

static void today(char date[11])
{
        /* The server's local date (set TZ for the municipality's): a date and
         * nothing finer, so that a response cannot be matched to a moment. */
        time_t t = time(NULL);
        struct tm tm;
        localtime_r(&t, &tm);
        strftime(date, 11, "%Y-%m-%d", &tm);
}

/* Writes the batch in one transaction and sets each job's result. Returns
 * false, having written nothing and set no result, when another process holds
 * the store's write lock (enk_store_begin_busy): the jobs are then to be
 * tried again. */
static bool run_batch(enk_server *srv, struct job *batch)
{
        enk_diags *diags = enk_diags_new(32);
        char date[11];
        today(date);
        enk_status st = enk_store_begin(srv->writer, diags);
        if (st != ENK_OK && enk_store_begin_busy(srv->writer)) {
                if (!srv->lock_told && srv->error)
                        srv->error(srv->ctx, "warning: the store is locked by another process "
                                             "(an import?); submissions wait for it");
                srv->lock_told = true;
                enk_diags_free(diags);
                return false;
        }
        if (st == ENK_OK && srv->lock_told) {
                if (srv->error)
                        srv->error(srv->ctx, "note: the store is free again; the waiting "
                                             "submissions are being written");
                srv->lock_told = false;
        }
        if (st == ENK_OK) {
                for (struct job *j = batch; j; j = j->next) {
                        /* A job's own diagnostics are shown only when the
                         * store failed (disk full, I/O): those name the file,
                         * while an unknown or spent code's would name its
                         * hash, which stays out of every log. */
                        enk_diags *jd = enk_diags_new(8);
                        if (j->kind == JOB_SUBMIT)
                                j->result = enk_store_submit(srv->writer, srv->wave_id, j->code,
                                                             date, j->values, j->nvalues, j->texts,
                                                             j->ntexts, jd);
                        else
                                j->result = enk_store_save_draft(srv->writer, srv->wave_id, j->code,
                                                                 j->data, j->len, jd);
                        if (fatal(j->result)) {
                                st = j->result;
                                report(srv, jd);
                        }
                        enk_diags_free(jd);
                        if (st != ENK_OK)
                                break;
                }
                if (st == ENK_OK)
                        st = enk_store_commit(srv->writer, diags);
                else
                        enk_store_rollback(srv->writer);
        }
        if (st != ENK_OK) {
                /* Nothing of the batch is stored: every handler answers 500
                 * with the form filled in, and the respondent may send again. */
                if (!enk_diags_count(diags) && srv->error)
                        srv->error(srv->ctx, "error: the store failed to write a batch of "
                                             "submissions; none of them was stored");
                report(srv, diags);
                for (struct job *j = batch; j; j = j->next)
                        j->result = st;
        }
        enk_diags_free(diags);
        return true;
}

/* Waits for the gate and takes it for who (GATE_WRITER, GATE_CKPT). The
 * writer lets a waiting checkpointer go first. */
static void gate_take(enk_server *srv, int who)
{
        pthread_mutex_lock(&srv->ckpt_lock);
        if (who == GATE_CKPT)
                srv->gate_wanted = true;
        while (srv->gate != GATE_FREE || (who == GATE_WRITER && srv->gate_wanted))
                pthread_cond_wait(&srv->gate_cond, &srv->ckpt_lock);
        if (who == GATE_CKPT)
                srv->gate_wanted = false;
        srv->gate = who;
        pthread_mutex_unlock(&srv->ckpt_lock);
}

static void gate_release(enk_server *srv)
{
        pthread_mutex_lock(&srv->ckpt_lock);
        srv->gate = GATE_FREE;
        pthread_cond_broadcast(&srv->gate_cond);
        pthread_mutex_unlock(&srv->ckpt_lock);
}

/* Tells the checkpointer how far the log has grown. */
static void wrote(enk_server *srv)
{
        int64_t pages = enk_store_wal_pages(srv->writer);
        pthread_mutex_lock(&srv->ckpt_lock);
        /* A log that got shorter was started again from its beginning. */
        int64_t added = pages >= srv->wal_pages ? pages - srv->wal_pages : pages;
        srv->wal_pages = pages;
        srv->pages_since += added;
        if (added > 0)
                pthread_cond_signal(&srv->ckpt_cond);
        pthread_mutex_unlock(&srv->ckpt_lock);
}

/* Takes the jobs of a batch that cannot wait any longer for a locked store
 * (their deadline passed, or the server is stopping) out of *batch and wakes
 * their handlers, which give the respondent the form back. Called with
 * q_lock held. */
static void expire(enk_server *srv, struct job **batch)
{
        double now = now_mono();
        bool stopping = atomic_load(&srv->stopping);
        size_t n = 0;
        for (struct job **p = batch; *p;) {
                struct job *j = *p;
                if (!stopping && now < j->deadline) {
                        p = &j->next;
                        continue;
                }
                *p = j->next;
                j->result = ENK_ERR_STORE;
                j->busy = true;
                j->done = true;
                pthread_cond_signal(&j->cond);
                n++;
        }
        if (n && srv->error) {
                char m[200];
                snprintf(m, sizeof(m),
                         "error: %s: store is locked by another process; %zu %s not stored "
                         "(the respondent got the form back, 503)",
                         srv->db, n, n == 1 ? "submission was" : "submissions were");
                srv->error(srv->ctx, m);
        }
}

/* The writer. A batch that finds the store locked by another process (an
 * import holds it for seconds) stays in memory and is tried again, with the
 * jobs queued meanwhile, each attempt waiting up to the handle's busy timeout;
 * a job that has waited store_wait seconds is given up unwritten. A job is
 * thus either written once or not at all, and its handler knows which. */
static void *writer_main(void *arg)
{
        enk_server *srv = arg;
        struct job *batch = NULL; /* taken from the queue, not yet written */
        pthread_mutex_lock(&srv->q_lock);
        for (;;) {
                while (!srv->head && !batch && !srv->quit)
                        pthread_cond_wait(&srv->q_cond, &srv->q_lock);
                if (!srv->head && !batch)
                        break;
                struct job **end = &batch;
                while (*end)
                        end = &(*end)->next;
                *end = srv->head;
                srv->head = NULL;
                srv->tail = &srv->head;
                pthread_mutex_unlock(&srv->q_lock);
                gate_take(srv, GATE_WRITER);
                bool written = run_batch(srv, batch);
                gate_release(srv);
                if (written)
                        wrote(srv);
                pthread_mutex_lock(&srv->q_lock);
                if (!written) {
                        expire(srv, &batch);
                        continue;
                }
                /* Wake each handler alone (no herd of 50 on one condition);
                 * j may vanish once the lock is released. */
                for (struct job *j = batch; j;) {
                        struct job *next = j->next;
                        j->done = true;
                        pthread_cond_signal(&j->cond);
                        j = next;
                }
                batch = NULL;
        }
        pthread_mutex_unlock(&srv->q_lock);
        return NULL;
}

/* ----------------------------------------------------- the checkpointer thread */

static void checkpoint(enk_server *srv, bool truncate, int64_t *log, int64_t *copied)
{
        enk_diags *diags = enk_diags_new(4);
        enk_status st = enk_store_checkpoint(srv->ckpt, truncate, log, copied, diags);
        /* Nothing is lost when a checkpoint fails (the log keeps it all), but
         * the log then grows: the operator should know, once. */
        if (st != ENK_OK && !srv->ckpt_failing) {
                report(srv, diags);
                if (srv->error)
                        srv->error(srv->ctx, "warning: the store's write-ahead log could not be "
                                             "copied into the store file; it will grow until "
                                             "this is fixed (no submission is lost)");
        }
        srv->ckpt_failing = st != ENK_OK;
        if (st != ENK_OK)
                *log = *copied = -1;
        enk_diags_free(diags);
}

static void *checkpointer_main(void *arg)
{
        enk_server *srv = arg;
        pthread_mutex_lock(&srv->ckpt_lock);
        for (;;) {
                /* Wait for CKPT_PAGES pages, or CKPT_IDLE_MS after the first
                 * commit since the last checkpoint. */
                if (srv->pages_since == 0 && !srv->ckpt_quit)
                        pthread_cond_wait(&srv->ckpt_cond, &srv->ckpt_lock);
                if (srv->ckpt_quit)
                        break;
                if (srv->pages_since == 0)
                        continue;
                struct timespec until;
                clock_gettime(CLOCK_REALTIME, &until);
                until.tv_nsec += CKPT_IDLE_MS * 1000000L;
                until.tv_sec += until.tv_nsec / 1000000000L;
                until.tv_nsec %= 1000000000L;
                while (srv->pages_since < CKPT_PAGES && !srv->ckpt_quit &&
                       pthread_cond_timedwait(&srv->ckpt_cond, &srv->ckpt_lock, &until) == 0)
                        ;
                if (srv->ckpt_quit)
                        break;
                srv->pages_since = 0;
                pthread_mutex_unlock(&srv->ckpt_lock);

                int64_t log, copied;
                checkpoint(srv, false, &log, &copied);
                if (copied >= 0 && log >= CKPT_PAGES) {
                        /* The writer committed while we copied, so its next
                         * commit appends again: copy what it added with the
                         * writer paused, and that commit starts the log
                         * again from its beginning. */
                        gate_take(srv, GATE_CKPT);
                        checkpoint(srv, false, &log, &copied);
                        gate_release(srv);
                }
                pthread_mutex_lock(&srv->ckpt_lock);
        }
        pthread_mutex_unlock(&srv->ckpt_lock);
        /* The writer has stopped: leave an empty log behind. */
        int64_t log, copied;
        checkpoint(srv, true, &log, &copied);
        return NULL;
}

/* Hands j to the writer and waits until it is committed (or failed). */
static enk_status write_job(enk_server *srv, struct job *j)
{
        j->done = false;
        j->busy = false;
        j->deadline = now_mono() + srv->store_wait;
        j->next = NULL;
        pthread_cond_init(&j->cond, NULL);
        pthread_mutex_lock(&srv->q_lock);
        *srv->tail = j;
        srv->tail = &j->next;
        pthread_cond_signal(&srv->q_cond);
        while (!j->done)
                pthread_cond_wait(&j->cond, &srv->q_lock);
        pthread_mutex_unlock(&srv->q_lock);
        pthread_cond_destroy(&j->cond);
        return j->result;
}

/* ---------------------------------------------------- the wrong-code limiter */

/* The client's address as a limiter key: IPv4 whole, IPv6 by its /64 (one
 * household's network), an IPv4-mapped IPv6 address as IPv4. false when the
 * address is unknown. */
static bool key_of(const struct sockaddr *sa, unsigned char key[17])
{
        memset(key, 0, 17);
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

static bool is_loopback(const unsigned char key[17])
{
        static const unsigned char v6lo[8] = {0};
        return (key[0] == 4 && key[1] == 127) || (key[0] == 6 && !memcmp(key + 1, v6lo, 8));
}

/* The last address of an X-Forwarded-For header (the one the proxy itself
 * added; earlier ones are whatever the client claimed). */
static bool forwarded_key(const char *xff, unsigned char key[17])
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

static void client_key(enk_server *srv, struct MHD_Connection *c, unsigned char key[17])
{
        const union MHD_ConnectionInfo *ci =
            MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
        key_of(ci ? ci->client_addr : NULL, key);
        if (srv->trust_proxy && is_loopback(key)) {
                const char *xff =
                    MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Forwarded-For");
                unsigned char fwd[17];
                if (xff && forwarded_key(xff, fwd))
                        memcpy(key, fwd, 17);
        }
}

/* The bucket of key, refilled to now; NULL when the address has none. */
static struct bucket *find_bucket(enk_server *srv, const unsigned char key[17], double now)
{
        for (size_t i = 0; i < LIMIT_TABLE; i++) {
                struct bucket *b = &srv->buckets[i];
                if (b->used && !memcmp(b->key, key, 17)) {
                        b->tokens += (now - b->last) * LIMIT_WRONG / LIMIT_WINDOW;
                        if (b->tokens > LIMIT_WRONG)
                                b->tokens = LIMIT_WRONG;
                        b->last = now;
                        return b;
                }
        }
        return NULL;
}

/* Seconds until key may try another code, 0 when it may now. */
static int limit_wait(enk_server *srv, const unsigned char key[17])
{
        int wait = 0;
        pthread_mutex_lock(&srv->limit_lock);
        struct bucket *b = find_bucket(srv, key, now_mono());
        if (b && b->tokens < 1.0)
                wait = (int) ceil((1.0 - b->tokens) * LIMIT_WINDOW / LIMIT_WRONG);
        pthread_mutex_unlock(&srv->limit_lock);
        return wait;
}

/* Counts a wrong code against key. A new address takes a free slot, or the one
 * of the address seen longest ago, so the table's size stays bounded. */
static void limit_fail(enk_server *srv, const unsigned char key[17])
{
        double now = now_mono();
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
                memcpy(b->key, key, 17);
                b->used = true;
                b->tokens = LIMIT_WRONG;
                b->last = now;
        }
        b->tokens -= 1.0;
        pthread_mutex_unlock(&srv->limit_lock);
}

/* ------------------------------------------------- the request deadline */

/* MHD's own timeout (CONN_TIMEOUT) counts from the last byte received, so a
 * client that sends a byte every few seconds keeps a connection, and its
 * thread, for ever; a thousand of them fill the server. So each connection
 * also has a deadline for the whole request, headers and body: the server
 * loop (enk_server_run) shuts down the socket of any connection whose request
 * is not read whole REQUEST_DEADLINE seconds after it began to wait for it.
 * The connection's own thread then sees the socket closed and ends it as MHD
 * does for any client that goes away. Once a POST's body is read whole, the
 * clock stops: a submission waiting for a locked store is never cut off. A
 * request answered at once (a GET, an error before the body) keeps its clock
 * until the reply is sent, so an early reply cannot be used to trickle a body
 * past the deadline either. */

static void on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
                          enum MHD_ConnectionNotificationCode toe)
{
        enk_server *srv = cls;
        if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
                const union MHD_ConnectionInfo *ci =
                    MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
                struct conn *k = calloc(1, sizeof(*k));
                if (!k || !ci) {
                        free(k); /* no deadline for it; MHD's timeout still holds */
                        return;
                }
                k->fd = ci->connect_fd;
                k->start = now_mono();
                pthread_mutex_lock(&srv->conns_lock);
                k->next = srv->conns;
                if (srv->conns)
                        srv->conns->prev = k;
                srv->conns = k;
                pthread_mutex_unlock(&srv->conns_lock);
                *socket_context = k;
                return;
        }
        /* Closed. MHD closes the socket only after this returns, so under
         * conns_lock reap never touches a descriptor number reused since. */
        struct conn *k = *socket_context;
        if (!k)
                return;
        pthread_mutex_lock(&srv->conns_lock);
        if (k->prev)
                k->prev->next = k->next;
        else
                srv->conns = k->next;
        if (k->next)
                k->next->prev = k->prev;
        pthread_mutex_unlock(&srv->conns_lock);
        free(k);
        *socket_context = NULL;
}

/* Starts (now) or stops (0) the clock of c's request. */
static void request_clock(enk_server *srv, struct MHD_Connection *c, double start)
{
        const union MHD_ConnectionInfo *ci =
            MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
        struct conn *k = ci ? ci->socket_context : NULL;
        if (!k)
                return;
        pthread_mutex_lock(&srv->conns_lock);
        k->start = start;
        pthread_mutex_unlock(&srv->conns_lock);
}

/* Cuts off every connection whose request is overdue. */
static void reap(enk_server *srv)
{
        double now = now_mono();
        pthread_mutex_lock(&srv->conns_lock);
        for (struct conn *k = srv->conns; k; k = k->next)
                if (k->start > 0 && now - k->start > REQUEST_DEADLINE) {
                        shutdown(k->fd, SHUT_RDWR);
                        k->start = 0;
                }
        pthread_mutex_unlock(&srv->conns_lock);
}

/* ---------------------------------------------------------------- replies */

enum route { R_NONE, R_ROOT, R_START, R_SVAR, R_TACK, R_JS };

static const struct {
        const char *path;
        enum route route;
        bool post;
} routes[] = {
    {"/", R_ROOT, false},     {"/start", R_START, true}, {"/svar", R_SVAR, true},
    {"/tack", R_TACK, false}, {"/form.js", R_JS, false},
};

/* One request in progress: MHD's con_cls. */
struct request {
        enum route route;
        const char *path; /* for the log: a constant, "-" when unknown */
        const char *method;
        enk_strbuf body;  /* at most MAX_BODY bytes */
        size_t discarded; /* bytes beyond MAX_BODY */
        bool replied;
        bool close; /* close the connection after the reply */
};

static const char *log_method(const char *m)
{
        /* The method is the client's text too: log only the known ones. */
        static const char *known[] = {"GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH"};
        for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
                if (!strcmp(m, known[i]))
                        return known[i];
        return "-";
}

struct reply {
        int status;
        char *body; /* malloc'ed (freed by MHD) unless persistent */
        size_t len;
        bool persistent;
        const char *type;
        const char *location;
        const char *allow;
        int retry_after;
};

static enum MHD_Result send_reply(enk_server *srv, struct MHD_Connection *c, struct request *r,
                                  const struct reply *rp)
{
        struct MHD_Response *resp = MHD_create_response_from_buffer(
            rp->len, rp->body, rp->persistent ? MHD_RESPMEM_PERSISTENT : MHD_RESPMEM_MUST_FREE);
        if (!resp) {
                if (!rp->persistent)
                        free(rp->body);
                return MHD_NO;
        }
        MHD_add_response_header(resp, "Content-Type", rp->type);
        MHD_add_response_header(resp, "Content-Security-Policy", srv->csp);
        MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
        MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
        MHD_add_response_header(resp, "Cache-Control", "no-store");
        MHD_add_response_header(resp, "X-Frame-Options", "DENY");
        if (rp->location)
                MHD_add_response_header(resp, "Location", rp->location);
        if (rp->allow)
                MHD_add_response_header(resp, "Allow", rp->allow);
        if (rp->retry_after > 0) {
                char s[16];
                snprintf(s, sizeof(s), "%d", rp->retry_after);
                MHD_add_response_header(resp, "Retry-After", s);
        }
        if (atomic_load(&srv->stopping) || r->close)
                MHD_add_response_header(resp, "Connection", "close");
        enum MHD_Result ret = MHD_queue_response(c, (unsigned) rp->status, resp);
        MHD_destroy_response(resp);
        r->replied = true;
        if (srv->log)
                srv->log(srv->ctx, log_method(r->method), r->path, rp->status, rp->len);
        return ret;
}

static const char html_type[] = "text/html; charset=utf-8";

/* A page of the webform module with status; a plain fallback when it cannot
 * be rendered (out of memory). */
static enum MHD_Result send_page(enk_server *srv, struct MHD_Connection *c, struct request *r,
                                 int status, enk_webform_page page, const char *message,
                                 const char *typed, const char *allow, int retry_after)
{
        struct reply rp = {
            .status = status, .type = html_type, .allow = allow, .retry_after = retry_after};
        if (enk_webform_code_page_render(page, srv->title, srv->lang_code, message, typed, "/start",
                                         &rp.body, &rp.len) != ENK_OK) {
                static char fallback[] = "<!DOCTYPE html><title>enkat</title><p>Fel / Error";
                rp.body = fallback;
                rp.len = sizeof(fallback) - 1;
                rp.persistent = true;
        }
        return send_reply(srv, c, r, &rp);
}

/* The error pages' wording, Swedish and English. */
static const char *message(const enk_server *srv, int status)
{
        static const struct {
                int status;
                const char *sv, *en;
        } m[] = {
            {400, "Begäran kunde inte läsas. Gå tillbaka och försök igen.",
             "The request could not be read. Go back and try again."},
            {403,
             "Formuläret kunde inte tas emot. Gå till startsidan och ange koden från brevet "
             "igen.",
             "The form could not be accepted. Go to the start page and enter the code from the "
             "letter again."},
            {404, "Sidan finns inte.", "There is no such page."},
            {405, "Sidan kan inte användas på det sättet.", "This page cannot be used that way."},
            {413, "Svaret är för stort för att tas emot.", "The answer is too large to accept."},
            {415, "Formuläret skickades i ett format som inte stöds.",
             "The form was sent in a format that is not supported."},
            {429, "För många felaktiga koder. Vänta en stund och försök sedan igen.",
             "Too many wrong codes. Wait a while and then try again."},
            {500,
             "Ett fel uppstod på servern och dina svar har inte sparats. Försök igen om en "
             "stund.",
             "An error occurred on the server and your answers were not saved. Try again in a "
             "while."},
        };
        for (size_t i = 0; i < sizeof(m) / sizeof(m[0]); i++)
                if (m[i].status == status)
                        return srv->en ? m[i].en : m[i].sv;
        return srv->en ? "Something went wrong." : "Något gick fel.";
}

static enum MHD_Result send_error(enk_server *srv, struct MHD_Connection *c, struct request *r,
                                  int status)
{
        return send_page(srv, c, r, status, ENK_PAGE_ERROR, message(srv, status), NULL,
                         status == 405
                             ? (r->route == R_START || r->route == R_SVAR ? "POST" : "GET, HEAD")
                             : NULL,
                         0);
}

static enum MHD_Result send_static(enk_server *srv, struct MHD_Connection *c, struct request *r,
                                   const char *body, size_t len, const char *type)
{
        struct reply rp = {
            .status = 200, .body = (char *) body, .len = len, .persistent = true, .type = type};
        return send_reply(srv, c, r, &rp);
}

static enum MHD_Result send_see_other(enk_server *srv, struct MHD_Connection *c, struct request *r)
{
        struct reply rp = {.status = 303,
                           .body = (char *) "",
                           .persistent = true,
                           .type = html_type,
                           .location = "/tack"};
        return send_reply(srv, c, r, &rp);
}

/* ------------------------------------------------------------ the handlers */

static const char *field(const enk_server_form *f, const char *name)
{
        for (size_t i = 0; i < f->n; i++)
                if (!strcmp(f->fields[i].name, name))
                        return f->fields[i].value;
        return NULL;
}

static bool own_field(const char *name)
{
        return !strcmp(name, "kod") || !strcmp(name, "csrf") || !strcmp(name, "action");
}

static void csrf_of(const enk_server *srv, const char *hash, char token[ENK_HASH_HEX_SIZE])
{
        enk_hash_hmac_sha256_hex(srv->secret, hash, strlen(hash), token);
}

static enk_status code_state(enk_server *srv, const char *norm, enk_code_state *state,
                             bool *has_draft)
{
        enk_diags *diags = enk_diags_new(8);
        pthread_mutex_lock(&srv->read_lock);
        enk_status st =
            enk_store_code_state(srv->reader, srv->wave_id, norm, state, has_draft, diags);
        pthread_mutex_unlock(&srv->read_lock);
        if (st != ENK_OK)
                report(srv, diags);
        enk_diags_free(diags);
        return st;
}

/* The questionnaire page for the open code (normalised norm, hash), showing
 * input (NULL: empty) with or without its errors. */
static enum MHD_Result send_form(enk_server *srv, struct MHD_Connection *c, struct request *r,
                                 int status, const char *norm, const char *hash,
                                 const enk_webform_input *input, bool show_errors,
                                 const char *notice, int retry_after)
{
        char grouped[ENK_CODES_GROUPED_SIZE], token[ENK_HASH_HEX_SIZE];
        enk_codes_format(norm, grouped);
        csrf_of(srv, hash, token);
        enk_webform_field hidden[2] = {{"kod", grouped}, {"csrf", token}};
        enk_webform_options o = {.lang = srv->lang,
                                 .action = "/svar",
                                 .hidden = hidden,
                                 .nhidden = 2,
                                 .script_src = "/form.js",
                                 .input = input,
                                 .show_errors = show_errors,
                                 .notice = notice};
        struct reply rp = {.status = status, .type = html_type, .retry_after = retry_after};
        if (!input && !notice && srv->form) {
                /* The empty form differs from code to code only in the two
                 * hidden values, of fixed length: copy the page rendered at
                 * start and put them in (a 50 KB render costs more than the
                 * durable submission it leads to). */
                if (!(rp.body = malloc(srv->form_len)))
                        return send_error(srv, c, r, 500);
                memcpy(rp.body, srv->form, srv->form_len);
                memcpy(rp.body + srv->form_kod, grouped, ENK_CODES_GROUPED_SIZE - 1);
                memcpy(rp.body + srv->form_csrf, token, ENK_HASH_HEX_SIZE - 1);
                rp.len = srv->form_len;
        } else if (enk_webform_render(srv->q, &o, &rp.body, &rp.len) != ENK_OK) {
                return send_error(srv, c, r, 500);
        }
        return send_reply(srv, c, r, &rp);
}

/* The answer to a submission or a draft that could not be written: the form
 * again, filled in with everything the respondent sent (in, or read from f
 * when NULL; freed here), and a notice that nothing was saved. busy: the store
 * stayed locked by another process (503, try again shortly); otherwise the
 * store failed (500). A respondent never loses what was typed. */
static enum MHD_Result send_unsaved(enk_server *srv, struct MHD_Connection *c, struct request *r,
                                    bool busy, const char *norm, const char *hash,
                                    const enk_server_form *f, enk_webform_input *in)
{
        if (!in && enk_webform_read(srv->q, srv->lang, f->fields, f->n, &in) != ENK_OK)
                in = NULL;
        const char *notice =
            busy ? (srv->en ? "Your answers have NOT been saved yet: the server is busy saving "
                              "other data. Everything you entered is still below; send it again "
                              "in a minute."
                            : "Dina svar har INTE sparats ännu: servern är upptagen med att spara "
                              "annat. Allt du har fyllt i finns kvar nedan; skicka igen om en "
                              "minut.")
                 : message(srv, 500);
        enum MHD_Result ret;
        if (in) {
                ret = send_form(srv, c, r, busy ? 503 : 500, norm, hash, in, false, notice,
                                busy ? RETRY_AFTER : 0);
        } else {
                ret = send_page(srv, c, r, busy ? 503 : 500, ENK_PAGE_ERROR, notice, NULL, NULL,
                                busy ? RETRY_AFTER : 0);
        }
        enk_webform_input_free(in);
        return ret;
}

/* The form filled in from the code's draft, or empty when the draft is gone or
 * cannot be read (it was written by this server, so that is unexpected). */
static enum MHD_Result send_resumed(enk_server *srv, struct MHD_Connection *c, struct request *r,
                                    const char *norm, const char *hash)
{
        void *data = NULL;
        size_t len = 0;
        pthread_mutex_lock(&srv->read_lock);
        enk_status st = enk_store_load_draft(srv->reader, srv->wave_id, norm, &data, &len, NULL);
        pthread_mutex_unlock(&srv->read_lock);
        enk_server_form f = {0};
        enk_webform_input *in = NULL;
        if (st == ENK_OK && enk_server_form_decode(data, len, SIZE_MAX, &f) == ENK_OK)
                enk_webform_read(srv->q, srv->lang, f.fields, f.n, &in);
        free(data);
        enum MHD_Result ret = send_form(
            srv, c, r, 200, norm, hash, in, false,
            in ? (srv->en ? "Your saved answers are filled in." : "Dina sparade svar är ifyllda.")
               : NULL,
            0);
        enk_webform_input_free(in);
        enk_server_form_release(&f);
        return ret;
}

static enum MHD_Result handle_start(enk_server *srv, struct MHD_Connection *c, struct request *r,
                                    const enk_server_form *f)
{
        unsigned char key[17];
        client_key(srv, c, key);
        int wait = limit_wait(srv, key);
        if (wait > 0)
                return send_page(srv, c, r, 429, ENK_PAGE_ERROR, message(srv, 429), NULL, NULL,
                                 wait);

        const char *typed = field(f, "kod");
        char norm[13], hash[ENK_HASH_HEX_SIZE];
        bool blank = !typed || !typed[strspn(typed, " \t-")];
        if (blank)
                return send_page(srv, c, r, 400, ENK_PAGE_CODE,
                                 srv->en ? "Enter the code from the letter."
                                         : "Skriv in koden från brevet.",
                                 NULL, NULL, 0);
        enk_code_state state = ENK_CODE_UNKNOWN;
        bool has_draft = false;
        if (enk_codes_normalize(typed, norm)) {
                enk_codes_hash(norm, hash);
                if (code_state(srv, norm, &state, &has_draft) != ENK_OK)
                        return send_error(srv, c, r, 500);
        }
        if (state == ENK_CODE_UNKNOWN) {
                limit_fail(srv, key);
                return send_page(srv, c, r, 400, ENK_PAGE_CODE,
                                 srv->en ? "There is no such code. Check that you copied it "
                                           "correctly from the letter."
                                         : "Koden finns inte. Kontrollera att du har skrivit av "
                                           "den rätt från brevet.",
                                 typed, NULL, 0);
        }
        if (state == ENK_CODE_SPENT)
                return send_page(srv, c, r, 409, ENK_PAGE_CODE_USED, NULL, NULL, NULL, 0);
        if (has_draft)
                return send_resumed(srv, c, r, norm, hash);
        return send_form(srv, c, r, 200, norm, hash, NULL, false, NULL, 0);
}

static enum MHD_Result handle_svar(enk_server *srv, struct MHD_Connection *c, struct request *r,
                                   const enk_server_form *f)
{
        const char *typed = field(f, "kod"), *token = field(f, "csrf");
        const char *action = field(f, "action");
        char norm[13], hash[ENK_HASH_HEX_SIZE], want[ENK_HASH_HEX_SIZE];
        if (!typed || !token || !enk_codes_normalize(typed, norm))
                return send_error(srv, c, r, 403);
        enk_codes_hash(norm, hash);
        csrf_of(srv, hash, want);
        if (strlen(token) != ENK_HASH_HEX_SIZE - 1 ||
            !enk_hash_equal(token, want, ENK_HASH_HEX_SIZE - 1))
                return send_error(srv, c, r, 403);
        bool draft = action && !strcmp(action, "spara");
        if (action && !draft && strcmp(action, "skicka"))
                return send_error(srv, c, r, 400);

        enk_code_state state;
        if (code_state(srv, norm, &state, NULL) != ENK_OK)
                return send_error(srv, c, r, 500);
        if (state == ENK_CODE_UNKNOWN)
                return send_error(srv, c, r, 403);
        if (state == ENK_CODE_SPENT)
                return send_see_other(srv, c, r); /* a resent POST: never twice */

        struct job j = {.kind = draft ? JOB_DRAFT : JOB_SUBMIT};
        memcpy(j.code, norm, sizeof(j.code));
        enk_status st;
        enk_webform_input *in = NULL;
        if (draft) {
                /* The draft is the answer fields as sent, encoded again; the
                 * code and token are not part of it. */
                enk_webform_field *keep = malloc((f->n ? f->n : 1) * sizeof(*keep));
                size_t n = 0;
                char *data = NULL;
                if (!keep)
                        return send_error(srv, c, r, 500);
                for (size_t i = 0; i < f->n; i++)
                        if (!own_field(f->fields[i].name))
                                keep[n++] = f->fields[i];
                st = enk_server_form_encode(keep, n, &data, &j.len);
                free(keep);
                if (st != ENK_OK)
                        return send_error(srv, c, r, 500);
                j.data = data;
                st = write_job(srv, &j);
                free(data);
                if (st == ENK_OK)
                        return send_page(srv, c, r, 200, ENK_PAGE_SAVED, NULL, NULL, NULL, 0);
        } else {
                if (enk_webform_read(srv->q, srv->lang, f->fields, f->n, &in) != ENK_OK)
                        return send_error(srv, c, r, 500);
                if (enk_webform_nerrors(in)) {
                        enum MHD_Result ret =
                            send_form(srv, c, r, 422, norm, hash, in, true, NULL, 0);
                        enk_webform_input_free(in);
                        return ret;
                }
                j.values = enk_webform_values(in);
                j.nvalues = srv->q->nquestions;
                j.texts = enk_webform_texts(in, &j.ntexts);
                st = write_job(srv, &j);
                if (st == ENK_OK) {
                        enk_webform_input_free(in);
                        return send_see_other(srv, c, r);
                }
        }
        if (st == ENK_ERR_EXISTS || st == ENK_ERR_NOTFOUND) {
                enk_webform_input_free(in);
                /* EXISTS: spent meanwhile (a double click). */
                return st == ENK_ERR_EXISTS ? send_see_other(srv, c, r)
                                            : send_error(srv, c, r, 403);
        }
        return send_unsaved(srv, c, r, j.busy, norm, hash, f, in);
}

/* Whether a POST comes from a page of another site. Sec-Fetch-Site, when
 * present, decides: no page can forge it. Without it, an Origin that is not
 * the Host the request was sent to is cross-site. "Origin: null" proves
 * nothing either way: under our "Referrer-Policy: no-referrer" browsers send
 * it even for same-origin form posts (Fetch: serializing a request origin).
 * Requests with neither header (old browsers, scripts) are left to the CSRF
 * token, which every answer needs. */
static bool cross_site(struct MHD_Connection *c)
{
        const char *sfs = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Sec-Fetch-Site");
        if (sfs)
                return strcmp(sfs, "same-origin") != 0 && strcmp(sfs, "none") != 0;
        const char *origin = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Origin");
        if (!origin || !strcmp(origin, "null"))
                return false;
        const char *host = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Host");
        if (!strncasecmp(origin, "http://", 7))
                origin += 7;
        else if (!strncasecmp(origin, "https://", 8))
                origin += 8;
        else
                return true; /* another scheme */
        return !host || strcasecmp(origin, host) != 0;
}

static bool form_type(const char *ct)
{
        static const char want[] = "application/x-www-form-urlencoded";
        if (!ct || strncasecmp(ct, want, sizeof(want) - 1))
                return false;
        ct += sizeof(want) - 1;
        while (*ct == ' ' || *ct == '\t')
                ct++;
        return *ct == '\0' || *ct == ';';
}

struct framing {
        unsigned lengths, encodings;
};

static enum MHD_Result count_framing(void *cls, enum MHD_ValueKind kind, const char *key,
                                     const char *value)
{
        (void) kind;
        (void) value;
        struct framing *fr = cls;
        if (!strcasecmp(key, "Content-Length"))
                fr->lengths++;
        else if (!strcasecmp(key, "Transfer-Encoding"))
                fr->encodings++;
        return MHD_YES;
}

/* Whether the request says in more than one way where its body ends: two
 * Content-Length headers, or Content-Length and Transfer-Encoding (RFC 9112,
 * 6.3). libmicrohttpd 0.9.75 picks one reading; a proxy in front may pick
 * another and take the rest of the body for a second request (request
 * smuggling), so such a request is refused whole. */
static bool ambiguous_framing(struct MHD_Connection *c)
{
        struct framing fr = {0, 0};
        MHD_get_connection_values(c, MHD_HEADER_KIND, count_framing, &fr);
        return fr.lengths > 1 || fr.encodings > 1 || (fr.lengths && fr.encodings);
}

/* The first call of a request: route it and refuse what can be refused before
 * the body is read. */
static enum MHD_Result first_call(enk_server *srv, struct MHD_Connection *c, struct request *r,
                                  const char *url, const char *method)
{
        if (ambiguous_framing(c)) {
                /* Where this request ends is unknown, so nothing after it on
                 * the connection can be trusted either. */
                r->close = true;
                return send_error(srv, c, r, 400);
        }
        for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]); i++)
                if (!strcmp(url, routes[i].path)) {
                        r->route = routes[i].route;
                        r->path = routes[i].path;
                }
        if (r->route == R_NONE)
                return send_error(srv, c, r, 404);
        bool post = r->route == R_START || r->route == R_SVAR;
        bool get = !strcmp(method, "GET") || !strcmp(method, "HEAD");
        if (post ? strcmp(method, "POST") != 0 : !get)
                return send_error(srv, c, r, 405);
        switch (r->route) {
        case R_ROOT:
                return send_static(srv, c, r, srv->code_page, srv->code_len, html_type);
        case R_TACK:
                return send_static(srv, c, r, srv->thanks_page, srv->thanks_len, html_type);
        case R_JS: {
                const char *js = enk_webform_script();
                return send_static(srv, c, r, js, strlen(js),
                                   "application/javascript; charset=utf-8");
        }
        default:
                break;
        }
        if (!form_type(MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type")))
                return send_error(srv, c, r, 415);
        const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
        if (cl && strtoull(cl, NULL, 10) > MAX_BODY)
                return send_error(srv, c, r, 413);
        if (cross_site(c))
                return send_error(srv, c, r, 403);
        return MHD_YES;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *upload,
                                  size_t *upload_size, void **con_cls)
{
        (void) version;
        enk_server *srv = cls;
        struct request *r = *con_cls;
        if (!r) {
                r = calloc(1, sizeof(*r));
                if (!r)
                        return MHD_NO;
                r->path = "-";
                r->method = method;
                *con_cls = r;
                atomic_fetch_add(&srv->inflight, 1);
                return first_call(srv, c, r, url, method);
        }
        if (r->replied) {
                *upload_size = 0;
                return MHD_YES;
        }
        if (*upload_size) {
                size_t n = *upload_size;
                *upload_size = 0;
                if (r->discarded || r->body.len + n > MAX_BODY) {
                        /* A chunked body gives no length up front: count it,
                         * keep none of it, answer 413 at its end, and give
                         * up on the connection when it goes on and on. */
                        r->discarded += n;
                        return r->discarded > MAX_DISCARD ? MHD_NO : MHD_YES;
                }
                enk_strbuf_add(&r->body, upload, n);
                return r->body.nomem ? MHD_NO : MHD_YES;
        }
        /* The request is read whole: however long the reply takes (a store
         * locked by an import), the deadline no longer applies. */
        request_clock(srv, c, 0);
        if (r->discarded)
                return send_error(srv, c, r, 413);
        enk_server_form f;
        enk_status st = enk_server_form_decode(r->body.s, r->body.len, MAX_FIELDS, &f);
        if (st != ENK_OK)
                return send_error(srv, c, r,
                                  st == ENK_ERR_DATA     ? 413
                                  : st == ENK_ERR_SYNTAX ? 400
                                                         : 500);
        enum MHD_Result ret =
            r->route == R_START ? handle_start(srv, c, r, &f) : handle_svar(srv, c, r, &f);
        enk_server_form_release(&f);
        return ret;
}

/* MHD would decode "%2e" and "%00" in the path; our paths have no escapes,
 * so the path is compared exactly as sent ("/%2e%2e/" and "/form.js%00" are
 * simply unknown) and no decoded NUL can shorten it. */
static size_t keep_escapes(void *cls, struct MHD_Connection *c, char *s)
{
        (void) cls;
        (void) c;
        return strlen(s);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
        (void) toe;
        enk_server *srv = cls;
        struct request *r = *con_cls;
        /* A kept-alive connection now waits for its next request. */
        request_clock(srv, c, now_mono());
        if (!r)
                return;
        enk_strbuf_release(&r->body);
        free(r);
        *con_cls = NULL;
        atomic_fetch_sub(&srv->inflight, 1);
}

/* ------------------------------------------------------------- life cycle */

struct codes_count {
        int64_t wave_id, issued;
};

static enk_status count_codes(void *ctx, const enk_store_wave_info *w)
{
        struct codes_count *cc = ctx;
        if (w->wave_id == cc->wave_id)
                cc->issued = w->codes_issued;
        return ENK_OK;
}

/* Binds the listening socket ourselves (rather than letting MHD do it) so that
 * "address in use" comes with its reason, and port 0 gives its real port. */
static enk_status listen_on(enk_server *srv, const char *host, unsigned port, enk_diags *diags)
{
        /* The address is the place of its diagnostics, as written on the
         * command line ("[::1]:8080" for IPv6). */
        char where[300], ports[16];
        snprintf(where, sizeof(where), strchr(host, ':') ? "[%s]:%u" : "%s:%u", host, port);
        enk_loc loc = {where, 0, 0};
        snprintf(ports, sizeof(ports), "%u", port);
        struct addrinfo hints = {.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE,
                                 .ai_socktype = SOCK_STREAM};
        struct addrinfo *ai = NULL;
        if (port > 65535 || getaddrinfo(host, ports, &hints, &ai) != 0 || !ai) {
                enk_error(diags, loc,
                          "bad listen address '%s' (want a numeric address such as 127.0.0.1 "
                          "or ::1)",
                          host);
                return ENK_ERR_IO;
        }
        int fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
        int one = 1;
        if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
            bind(fd, ai->ai_addr, ai->ai_addrlen) < 0 || listen(fd, 511) < 0) {
                int err = errno;
                if (err == EADDRINUSE)
                        enk_error(diags, loc, "cannot listen: the address is already in use");
                else if (err == EACCES)
                        enk_error(diags, loc,
                                  "cannot listen: permission denied (ports below "
                                  "1024 need privileges)");
                else if (err == EADDRNOTAVAIL)
                        enk_error(diags, loc,
                                  "cannot listen: the address is not one of this machine's");
                else
                        enk_error(diags, loc, "cannot listen: %s", strerror(err));
                if (fd >= 0)
                        close(fd);
                freeaddrinfo(ai);
                return ENK_ERR_IO;
        }
        freeaddrinfo(ai);
        struct sockaddr_storage ss;
        socklen_t sl = sizeof(ss);
        getsockname(fd, (struct sockaddr *) &ss, &sl);
        srv->port = ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *) &ss)->sin6_port
                                                   : ((struct sockaddr_in *) &ss)->sin_port);
        srv->listen_fd = fd;
        return ENK_OK;
}

static enk_status load(enk_server *srv, const enk_server_options *opt, enk_diags *diags)
{
        enk_loc at = {opt->db, 0, 0};
        int64_t unit_id, edition_id;
        enk_status st = enk_store_open(opt->db, 0, &srv->writer, diags);
        if (st == ENK_OK)
                st = enk_store_open(opt->db, ENK_STORE_READONLY, &srv->reader, diags);
        if (st == ENK_OK)
                st = enk_store_open(opt->db, 0, &srv->ckpt, diags);
        if (st != ENK_OK)
                return st;
        /* Checkpoints are the checkpointer thread's (the head of this file);
         * at exit it waits this long for other processes' readers. */
        enk_store_set_autocheckpoint(srv->writer, 0);
        enk_store_set_busy_timeout(srv->ckpt, 2000);
        if (st == ENK_OK && (st = enk_store_find_unit(srv->writer, opt->unit, &unit_id, diags)))
                return st;
        if (st == ENK_OK)
                st = enk_store_find_wave(srv->writer, unit_id, opt->year, &srv->wave_id,
                                         &edition_id, diags);
        if (st == ENK_OK)
                st = enk_store_load_edition(srv->writer, edition_id, &srv->q, diags);
        if (st != ENK_OK)
                return st;
        struct codes_count cc = {srv->wave_id, 0};
        enk_store_filter filter = {.unit_id = unit_id, .year = opt->year};
        if ((st = enk_store_waves(srv->writer, &filter, count_codes, &cc, diags)))
                return st;
        if (cc.issued == 0) {
                enk_error(diags, at,
                          "no access codes issued for '%s' %d (make them with 'enkat codes')",
                          opt->unit, opt->year);
                return ENK_ERR_DATA;
        }
        srv->lang = 0;
        if (opt->lang && (srv->lang = enk_questionnaire_lang(srv->q, opt->lang)) < 0) {
                enk_error(diags, at, "the questionnaire of '%s' %d has no language '%s'", opt->unit,
                          opt->year, opt->lang);
                return ENK_ERR_NOTFOUND;
        }
        srv->lang_code = srv->q->languages[srv->lang];
        srv->en = !strcmp(srv->lang_code, "en");
        srv->title = enk_text_get(&srv->q->title, srv->lang);
        if ((st = enk_store_secret(srv->writer, "csrf", srv->secret, diags)))
                return st;
        /* From now on a store locked by another process is waited for by the
         * writer's loop (writer_main), which tries again this often. */
        enk_store_set_busy_timeout(srv->writer, RETRY_POLL_MS);
        return ENK_OK;
}

/* The one offset of needle (n bytes) in the page, or -1 when it occurs not
 * once. */
static long once(const char *page, size_t len, const char *needle, size_t n)
{
        const char *at = memmem(page, len, needle, n);
        if (!at || memmem(at + 1, len - (size_t) (at + 1 - page), needle, n))
                return -1;
        return at - page;
}

/* Renders the empty form once, with placeholders of the hidden values' exact
 * lengths; a questionnaire whose text happens to contain a placeholder just
 * gets its form rendered for every request. */
static enk_status form_template(enk_server *srv)
{
        char kod[ENK_CODES_GROUPED_SIZE], csrf[ENK_HASH_HEX_SIZE];
        memset(kod, '~', sizeof(kod) - 1);
        memcpy(kod, "~KOD~", 5);
        kod[sizeof(kod) - 1] = '\0';
        memset(csrf, '~', sizeof(csrf) - 1);
        memcpy(csrf, "~CSRF~", 6);
        csrf[sizeof(csrf) - 1] = '\0';
        enk_webform_field hidden[2] = {{"kod", kod}, {"csrf", csrf}};
        enk_webform_options o = {.lang = srv->lang,
                                 .action = "/svar",
                                 .hidden = hidden,
                                 .nhidden = 2,
                                 .script_src = "/form.js"};
        enk_status st = enk_webform_render(srv->q, &o, &srv->form, &srv->form_len);
        if (st != ENK_OK)
                return st;
        long k = once(srv->form, srv->form_len, kod, sizeof(kod) - 1);
        long t = once(srv->form, srv->form_len, csrf, sizeof(csrf) - 1);
        if (k < 0 || t < 0) {
                free(srv->form);
                srv->form = NULL;
                return ENK_OK;
        }
        srv->form_kod = (size_t) k;
        srv->form_csrf = (size_t) t;
        return ENK_OK;
}

static enk_status pages(enk_server *srv)
{
        char b64[ENK_HASH_B64_SIZE];
        const char *css = enk_webform_css();
        enk_hash_sha256_base64(css, strlen(css), b64);
        const char *fmt = "default-src 'none'; script-src 'self'; style-src 'sha256-%s'; "
                          "img-src 'self'; form-action 'self'; frame-ancestors 'none'; "
                          "base-uri 'none'";
        size_t n = strlen(fmt) + sizeof(b64);
        if (!(srv->csp = malloc(n)))
                return ENK_ERR_NOMEM;
        snprintf(srv->csp, n, fmt, b64);
        enk_status st = enk_webform_page_render(ENK_PAGE_CODE, srv->title, srv->lang_code, NULL,
                                                "/start", &srv->code_page, &srv->code_len);
        if (st == ENK_OK)
                st = enk_webform_page_render(ENK_PAGE_THANKS, srv->title, srv->lang_code, NULL,
                                             NULL, &srv->thanks_page, &srv->thanks_len);
        if (st == ENK_OK)
                st = form_template(srv);
        return st;
}

enk_status enk_server_new(const enk_server_options *opt, enk_server **out, enk_diags *diags)
{
        if (!opt || !out || !opt->db || !opt->unit)
                return ENK_ERR_USAGE;
        enk_server *srv = calloc(1, sizeof(*srv));
        if (!srv)
                return ENK_ERR_NOMEM;
        srv->listen_fd = -1;
        srv->pipe[0] = srv->pipe[1] = -1;
        srv->tail = &srv->head;
        pthread_mutex_init(&srv->read_lock, NULL);
        pthread_mutex_init(&srv->q_lock, NULL);
        pthread_mutex_init(&srv->limit_lock, NULL);
        pthread_mutex_init(&srv->conns_lock, NULL);
        pthread_cond_init(&srv->q_cond, NULL);
        pthread_cond_init(&srv->gate_cond, NULL);
        pthread_mutex_init(&srv->ckpt_lock, NULL);
        pthread_cond_init(&srv->ckpt_cond, NULL);
        srv->year = opt->year;
        srv->trust_proxy = opt->trust_proxy;
        srv->store_wait = opt->store_wait > 0 ? opt->store_wait : STORE_WAIT;
        srv->log = opt->log;
        srv->error = opt->error;
        srv->ctx = opt->ctx;
        enk_loc none = {NULL, 0, 0};
        enk_status st = ENK_ERR_NOMEM;
        if (!(srv->db = strdup(opt->db)) || !(srv->unit = strdup(opt->unit)) ||
            !(srv->buckets = calloc(LIMIT_TABLE, sizeof(*srv->buckets))))
                goto out;
        if ((st = load(srv, opt, diags)) || (st = pages(srv)))
                goto out;
        if (pipe2(srv->pipe, O_CLOEXEC) < 0) {
                enk_error(diags, none, "cannot make a pipe: %s", strerror(errno));
                st = ENK_ERR_IO;
                goto out;
        }
        if ((st = listen_on(srv, opt->host ? opt->host : "127.0.0.1", opt->port, diags)))
                goto out;
        if (pthread_create(&srv->writer_thread, NULL, writer_main, srv) != 0) {
                enk_error(diags, none, "cannot start the writer thread");
                st = ENK_ERR_IO;
                goto out;
        }
        srv->writer_started = true;
        if (pthread_create(&srv->ckpt_thread, NULL, checkpointer_main, srv) != 0) {
                enk_error(diags, none, "cannot start the checkpointer thread");
                st = ENK_ERR_IO;
                goto out;
        }
        srv->ckpt_started = true;
        /* One thread per connection, polled with poll() (no FD_SETSIZE
         * limit); ITC so that MHD_quiesce_daemon works. Behind a proxy
         * (--trust-proxy) every connection comes from the proxy, which must
         * then limit connections per client itself (docs/web.md): a limit
         * per address here would limit the proxy. */
        srv->daemon = MHD_start_daemon(
            MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL |
                MHD_USE_ITC,
            0, NULL, NULL, on_request, srv, MHD_OPTION_LISTEN_SOCKET, srv->listen_fd,
            MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv, MHD_OPTION_NOTIFY_CONNECTION,
            on_connection, srv, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned) CONN_TIMEOUT,
            MHD_OPTION_CONNECTION_LIMIT, (unsigned) CONN_LIMIT, MHD_OPTION_PER_IP_CONNECTION_LIMIT,
            (unsigned) (opt->trust_proxy ? 0 : PER_ADDR_LIMIT), MHD_OPTION_UNESCAPE_CALLBACK,
            keep_escapes, NULL, MHD_OPTION_END);
        if (!srv->daemon) {
                enk_error(diags, none, "cannot start the HTTP server");
                st = ENK_ERR_IO;
                goto out;
        }
        *out = srv;
        return ENK_OK;
out:
        enk_server_free(srv);
        return st;
}

unsigned enk_server_port(const enk_server *srv)
{
        return srv ? srv->port : 0;
}

void enk_server_stop(enk_server *srv)
{
        if (!srv)
                return;
        atomic_store(&srv->stopping, 1);
        if (srv->pipe[1] >= 0) {
                int saved = errno; /* a signal handler must not change errno */
                ssize_t w = write(srv->pipe[1], "x", 1);
                (void) w;
                errno = saved;
        }
}

/* Stops accepting, lets the requests in flight finish (their submissions are
 * committed before their handlers return), then stops MHD and the writer. */
static void shutdown_server(enk_server *srv)
{
        if (srv->daemon) {
                MHD_socket fd = MHD_quiesce_daemon(srv->daemon);
                if (fd != MHD_INVALID_SOCKET) {
                        close(fd);
                        srv->listen_fd = -1;
                }
                for (int waited = 0; atomic_load(&srv->inflight) > 0 && waited < SHUTDOWN_WAIT_MS;
                     waited += 10) {
                        struct timespec ts = {0, 10 * 1000 * 1000};
                        nanosleep(&ts, NULL);
                }
                MHD_stop_daemon(srv->daemon);
                srv->daemon = NULL;
                srv->listen_fd = -1; /* closed by MHD when it was not quiesced */
        }
        if (srv->writer_started) {
                pthread_mutex_lock(&srv->q_lock);
                srv->quit = true;
                pthread_cond_signal(&srv->q_cond);
                pthread_mutex_unlock(&srv->q_lock);
                pthread_join(srv->writer_thread, NULL);
                srv->writer_started = false;
        }
        /* After the writer: its last commit is then in the log the final
         * checkpoint empties. */
        if (srv->ckpt_started) {
                pthread_mutex_lock(&srv->ckpt_lock);
                srv->ckpt_quit = true;
                pthread_cond_signal(&srv->ckpt_cond);
                pthread_mutex_unlock(&srv->ckpt_lock);
                pthread_join(srv->ckpt_thread, NULL);
                srv->ckpt_started = false;
        }
}

enk_status enk_server_run(enk_server *srv)
{
        if (!srv || srv->ran)
                return ENK_ERR_USAGE;
        srv->ran = true;
        while (!atomic_load(&srv->stopping)) {
                struct pollfd p = {.fd = srv->pipe[0], .events = POLLIN};
                if (poll(&p, 1, 500) < 0 && errno != EINTR)
                        break;
                reap(srv);
        }
        shutdown_server(srv);
        return ENK_OK;
}

void enk_server_free(enk_server *srv)
{
        if (!srv)
                return;
        shutdown_server(srv);
        if (srv->listen_fd >= 0)
                close(srv->listen_fd);
        for (int i = 0; i < 2; i++)
                if (srv->pipe[i] >= 0)
                        close(srv->pipe[i]);
        enk_store_free(srv->reader);
        enk_store_free(srv->writer);
        enk_store_free(srv->ckpt);
        enk_questionnaire_free(srv->q);
        free(srv->csp);
        free(srv->code_page);
        free(srv->form);
        free(srv->thanks_page);
        free(srv->buckets);
        free(srv->db);
        free(srv->unit);
        pthread_mutex_destroy(&srv->read_lock);
        pthread_mutex_destroy(&srv->q_lock);
        pthread_mutex_destroy(&srv->limit_lock);
        pthread_mutex_destroy(&srv->conns_lock);
        pthread_cond_destroy(&srv->q_cond);
        pthread_cond_destroy(&srv->gate_cond);
        pthread_mutex_destroy(&srv->ckpt_lock);
        pthread_cond_destroy(&srv->ckpt_cond);
        free(srv);
}
