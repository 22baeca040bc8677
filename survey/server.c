/* survey/server.c - the collection server's life cycle.
 *
 * The module is split by concern (survey/server_internal.h lists the files):
 * this file loads the waves (one, or every open one), starts and stops the
 * parts, and holds the helpers they share.
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

/* The waves to serve, as enk_store_waves lists them. */
struct wave_list {
        enk_server *srv;
        int64_t unit_id; /* one wave: its unit (0: every open wave) */
        int year;
        bool all_open;
        size_t cap;
        enk_diags *diags;
};

/* A wave can be served when it has codes (test codes count: a wave may be
 * tried out before its letters are made); with --all-open, when a real code
 * is still unused, or, before the letters, a test code: a wave whose real
 * codes are all used is closed, whatever test codes are left. */
static bool wave_has_codes(const enk_store_wave_info *wi, bool unused)
{
        if (!unused)
                return wi->codes_issued > 0 || wi->tests_issued > 0;
        if (wi->codes_issued > 0)
                return wi->codes_issued > wi->codes_spent;
        return wi->tests_issued > wi->tests_spent;
}

static enk_status add_wave(void *ctx, const enk_store_wave_info *wi)
{
        struct wave_list *wl = ctx;
        enk_server *srv = wl->srv;
        if (wl->all_open ? !wave_has_codes(wi, true)
                         : wi->unit_id != wl->unit_id || wi->year != wl->year)
                return ENK_OK;
        if (!wl->all_open && !wave_has_codes(wi, false)) {
                enk_loc at = {enk_store_path(srv->writer), 0, 0};
                enk_error(wl->diags, at,
                          "no access codes issued for '%s' %d (make them with 'enkat codes')",
                          wi->unit, wi->year);
                return ENK_ERR_DATA;
        }
        if (srv->nwaves == wl->cap) {
                size_t cap = wl->cap ? 2 * wl->cap : 4;
                struct server_wave *w = realloc(srv->waves, cap * sizeof(*w));
                if (!w)
                        return ENK_ERR_NOMEM;
                srv->waves = w;
                wl->cap = cap;
        }
        struct server_wave *w = &srv->waves[srv->nwaves];
        *w =
            (struct server_wave){.id = wi->wave_id, .edition_id = wi->edition_id, .year = wi->year};
        if (!(w->unit = strdup(wi->unit)))
                return ENK_ERR_NOMEM;
        srv->nwaves++;
        return ENK_OK;
}

/* A copy of the detail s (NULL stays NULL) into *out; false: out of memory. */
static bool copy_detail(const char *s, char **out)
{
        *out = s ? strdup(s) : NULL;
        return !s || *out;
}

/* Reads the details of the wave w (who asks: municipality, deadline,
 * contact) into copies of its own, for its pages. */
static enk_status load_details(enk_server *srv, struct server_wave *w, enk_diags *diags)
{
        enk_store_wave_details d;
        enk_status st = enk_store_wave_details_get(srv->writer, w->id, &d, diags);
        if (st != ENK_OK)
                return st;
        if (!copy_detail(d.municipality, &w->municipality) ||
            !copy_detail(d.deadline, &w->deadline) || !copy_detail(d.contact, &w->contact))
                return ENK_ERR_NOMEM;
        w->about = (enk_webform_about){w->municipality, w->deadline, w->contact};
        return ENK_OK;
}

/* Loads each wave's edition and details (after the listing, whose callback
 * may only read) and chooses its default language: lang where the
 * questionnaire has it. */
static enk_status load_editions(enk_server *srv, const char *lang, bool all_open, enk_diags *diags)
{
        enk_loc at = {enk_store_path(srv->writer), 0, 0};
        bool found = false;
        for (size_t i = 0; i < srv->nwaves; i++) {
                struct server_wave *w = &srv->waves[i];
                enk_status st = enk_store_load_edition(srv->writer, w->edition_id, &w->q, diags);
                if (st == ENK_OK)
                        st = load_details(srv, w, diags);
                if (st != ENK_OK)
                        return st;
                w->lang = lang ? enk_questionnaire_lang(w->q, lang) : 0;
                found = found || w->lang >= 0;
                if (w->lang < 0 && all_open)
                        w->lang = 0;
                else if (w->lang < 0)
                        break;
        }
        if (!found) {
                if (all_open)
                        enk_error(diags, at, "no open wave's questionnaire has the language '%s'",
                                  lang);
                else
                        enk_error(diags, at, "the questionnaire of '%s' %d has no language '%s'",
                                  srv->waves[0].unit, srv->waves[0].year, lang);
                return ENK_ERR_NOTFOUND;
        }
        return ENK_OK;
}

/* The languages a respondent may choose, in the order the waves name them. */
static enk_status collect_langs(enk_server *srv)
{
        size_t n = 0;
        for (size_t i = 0; i < srv->nwaves; i++)
                n += srv->waves[i].q->nlanguages;
        if (!(srv->langs = calloc(n + 1, sizeof(*srv->langs))))
                return ENK_ERR_NOMEM;
        n = 0;
        for (size_t i = 0; i < srv->nwaves; i++)
                for (size_t k = 0; k < srv->waves[i].q->nlanguages; k++) {
                        const char *code = srv->waves[i].q->languages[k];
                        size_t j = 0;
                        while (j < n && strcmp(srv->langs[j], code))
                                j++;
                        if (j == n)
                                srv->langs[n++] = code;
                }
        return ENK_OK;
}

static enk_status load(enk_server *srv, const enk_server_options *opt, enk_diags *diags)
{
        enk_loc at = {opt->db, 0, 0};
        struct wave_list wl = {
            .srv = srv, .year = opt->year, .all_open = opt->all_open, .diags = diags};
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
        if (!opt->all_open) {
                int64_t wave_id, edition_id;
                if ((st = enk_store_find_unit(srv->writer, opt->unit, &wl.unit_id, diags)) ||
                    (st = enk_store_find_wave(srv->writer, wl.unit_id, opt->year, &wave_id,
                                              &edition_id, diags)))
                        return st;
        }
        enk_store_filter filter = {.unit_id = wl.unit_id, .year = opt->all_open ? 0 : opt->year};
        if ((st = enk_store_waves(srv->writer, &filter, add_wave, &wl, diags)))
                return st;
        if (srv->nwaves == 0) {
                enk_error(diags, at,
                          "no open wave: no wave of the store has access codes not yet used "
                          "(make them with 'enkat codes')");
                return ENK_ERR_DATA;
        }
        if ((st = load_editions(srv, opt->lang, opt->all_open, diags)) || (st = collect_langs(srv)))
                return st;
        const struct server_wave *w = &srv->waves[0];
        srv->home = (struct server_ask){.lang = w->lang, .lang_code = w->q->languages[w->lang]};
        srv->home.en = !strcmp(srv->home.lang_code, "en");
        int year = w->year;
        for (size_t i = 1; i < srv->nwaves; i++)
                if (srv->waves[i].year != year)
                        year = 0; /* a page before the code: no one year */
        srv->title = enk_title_with_year(enk_text_get(&w->q->title, w->lang), year, srv->title_buf,
                                         sizeof srv->title_buf);
        if ((st = enk_store_secret(srv->writer, "csrf", srv->secret, diags)))
                return st;
        /* From now on a store locked by another process is waited for by the
         * writer's loop (server_writer.c), which tries again this often. */
        enk_store_set_busy_timeout(srv->writer, RETRY_POLL_MS);
        return ENK_OK;
}

enk_status enk_server_new(const enk_server_options *opt, enk_server **out, enk_diags *diags)
{
        if (!opt || !out || !opt->db || (!opt->unit && !opt->all_open))
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
        srv->trust_proxy = opt->trust_proxy;
        srv->store_wait = opt->store_wait > 0 ? opt->store_wait : STORE_WAIT;
        srv->log = opt->log;
        srv->error = opt->error;
        srv->ctx = opt->ctx;
        enk_loc none = {NULL, 0, 0};
        enk_status st = ENK_ERR_NOMEM;
        if (!(srv->db = strdup(opt->db)) || (st = server_limit_init(srv)))
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
        for (size_t i = 0; i < srv->nwaves; i++) {
                enk_questionnaire_free(srv->waves[i].q);
                free(srv->waves[i].form);
                free(srv->waves[i].unit);
                free(srv->waves[i].municipality);
                free(srv->waves[i].deadline);
                free(srv->waves[i].contact);
        }
        free(srv->waves);
        free(srv->langs);
        free(srv->csp);
        free(srv->code_page);
        free(srv->thanks_page);
        server_limit_release(srv);
        free(srv->db);
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
