/* survey/server.c - the collection server's life cycle.
 *
 * The module is split by concern (survey/server_internal.h lists the files):
 * this file loads the wave, starts and stops the parts, and holds the
 * helpers they share.
 *
 * Threads. libmicrohttpd runs a listening thread and one thread per
 * connection (server_http.c); a request's handler runs in its connection's
 * thread and may block. Reads of the store (the state of a code, a draft) go
 * through the reader handle behind read_lock. Every write is queued for the
 * one writer thread (q_lock, q_cond), which commits in batches; a checkpointer
 * thread with a handle of its own copies the write-ahead log into the store
 * file, pausing the writer through the gate (ckpt_lock, gate_cond) when the
 * log grows long (server_writer.c). The limiter's table is behind limit_lock
 * (server_limit.c), the list of open connections behind conns_lock
 * (server_http.c). The thread of enk_server_run only waits for
 * enk_server_stop and cuts off overdue requests.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "survey/server_internal.h"

double server_now(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

void server_report(enk_server *srv, enk_diags *diags)
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
        /* Checkpoints are the checkpointer thread's (server_writer.c);
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
        srv->title = enk_title_with_year(enk_text_get(&srv->q->title, srv->lang), srv->year,
                                         srv->title_buf, sizeof srv->title_buf);
        if ((st = enk_store_secret(srv->writer, "csrf", srv->secret, diags)))
                return st;
        /* From now on a store locked by another process is waited for by the
         * writer's loop (server_writer.c), which tries again this often. */
        enk_store_set_busy_timeout(srv->writer, RETRY_POLL_MS);
        return ENK_OK;
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
            (st = server_limit_init(srv)))
                goto out;
        if ((st = load(srv, opt, diags)) || (st = server_pages_init(srv)))
                goto out;
        if (pipe2(srv->pipe, O_CLOEXEC) < 0) {
                enk_error(diags, none, "cannot make a pipe: %s", strerror(errno));
                st = ENK_ERR_IO;
                goto out;
        }
        if ((st = server_listen(srv, opt->host ? opt->host : "127.0.0.1", opt->port, diags)) ||
            (st = server_writer_start(srv, diags)) || (st = server_http_start(srv, diags)))
                goto out;
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
        server_http_stop(srv);
        server_writer_stop(srv);
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
                server_http_reap(srv);
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
        server_limit_release(srv);
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
