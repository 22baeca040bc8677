/* survey/server_writer.c - the collection server's writer and checkpointer threads.
 *
 * The writer. A handler that has to write (a submission, a draft) queues a
 * job and waits on the job's condition variable (server_write); the writer
 * takes the whole queue, writes it in one transaction (each submission in a
 * savepoint of its own) and commits it durably, then marks the jobs done and
 * wakes their handlers, which reply only then. With 50 clients, up to 50
 * submissions share one disk sync. While another process (an import) holds
 * the store's write lock, the writer keeps the batch in memory and tries
 * again every RETRY_POLL_MS, up to each job's deadline (--store-wait); a job
 * given up is never written, and its handler gives the form back (503).
 *
 * Checkpoints. SQLite copies the write-ahead log back into the store file in
 * a checkpoint, which syncs the store file; by default it does so inside the
 * commit that makes the log reach 4 MB, and under load that commit, and
 * every submission waiting on it, then pays for copying and syncing the file
 * (a source of the slow tail in bench/bench_serve.sh). So the writer's handle
 * does not checkpoint: a checkpointer thread with a handle of its own runs a
 * passive checkpoint alongside the writer's commits, once the log has grown
 * by CKPT_BYTES (16 MB, counted in bytes: a store made by this enkat has
 * pages of 8 KiB, older ones of 4 KiB; submissions change the same pages
 * again and again, and a checkpoint copies each page once however often it
 * changed) or CKPT_IDLE_MS after a commit. The log starts again from its
 * beginning only at a transaction that begins with everything in it copied;
 * under load the writer has always begun its next batch before a passive
 * checkpoint ends, so the log would grow without end (over 300 MB in one
 * bench run). Hence, when the log is that long, the checkpointer follows
 * its passive checkpoint with a second one while it holds the writer back
 * between two batches (the gate): that one copies only what was committed
 * during the first (a commit or two), and the writer's next batch starts the
 * log again. The log then stays at about twice CKPT_BYTES (34 MB at most in
 * bench runs) however long the load lasts, unless another process keeps an
 * old snapshot open. On the way out, after the writer's last commit, a
 * truncating checkpoint leaves the log file empty.
 */
#include <stdio.h>
#include <time.h>

#include "survey/server_internal.h"

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
                        if (j->kind == JOB_SUBMIT) {
                                enk_response r = *j->response;
                                r.date = date;
                                j->result =
                                    enk_store_submit(srv->writer, j->wave_id, j->code, &r, jd);
                        } else {
                                j->result = enk_store_save_draft(srv->writer, j->wave_id, j->code,
                                                                 j->data, j->len, jd);
                        }
                        if (fatal(j->result)) {
                                st = j->result;
                                server_report(srv, jd);
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
                server_report(srv, diags);
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
        int64_t bytes = enk_store_wal_bytes(srv->writer);
        pthread_mutex_lock(&srv->ckpt_lock);
        /* A log that got shorter was started again from its beginning. */
        int64_t added = bytes >= srv->wal_bytes ? bytes - srv->wal_bytes : bytes;
        srv->wal_bytes = bytes;
        srv->bytes_since += added;
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
        double now = server_now();
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
                server_report(srv, diags);
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
                /* Wait for CKPT_BYTES of log, or CKPT_IDLE_MS after the
                 * first commit since the last checkpoint. */
                if (srv->bytes_since == 0 && !srv->ckpt_quit)
                        pthread_cond_wait(&srv->ckpt_cond, &srv->ckpt_lock);
                if (srv->ckpt_quit)
                        break;
                if (srv->bytes_since == 0)
                        continue;
                struct timespec until;
                clock_gettime(CLOCK_REALTIME, &until);
                until.tv_nsec += CKPT_IDLE_MS * 1000000L;
                until.tv_sec += until.tv_nsec / 1000000000L;
                until.tv_nsec %= 1000000000L;
                while (srv->bytes_since < CKPT_BYTES && !srv->ckpt_quit &&
                       pthread_cond_timedwait(&srv->ckpt_cond, &srv->ckpt_lock, &until) == 0)
                        ;
                if (srv->ckpt_quit)
                        break;
                srv->bytes_since = 0;
                pthread_mutex_unlock(&srv->ckpt_lock);

                int64_t log, copied;
                checkpoint(srv, false, &log, &copied);
                if (copied >= 0 && log >= CKPT_BYTES) {
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

/* ------------------------------------------------------------ for handlers */

enk_status server_write(enk_server *srv, struct job *j)
{
        j->done = false;
        j->busy = false;
        j->deadline = server_now() + srv->store_wait;
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

/* ------------------------------------------------------------- life cycle */

enk_status server_writer_start(enk_server *srv, enk_diags *diags)
{
        enk_loc none = {NULL, 0, 0};
        if (pthread_create(&srv->writer_thread, NULL, writer_main, srv) != 0) {
                enk_error(diags, none, "cannot start the writer thread");
                return ENK_ERR_IO;
        }
        srv->writer_started = true;
        if (pthread_create(&srv->ckpt_thread, NULL, checkpointer_main, srv) != 0) {
                enk_error(diags, none, "cannot start the checkpointer thread");
                return ENK_ERR_IO;
        }
        srv->ckpt_started = true;
        return ENK_OK;
}

/* Sets *quit under lock, wakes the thread waiting on cond and joins it. */
static void stop_thread(pthread_mutex_t *lock, pthread_cond_t *cond, bool *quit, pthread_t thread,
                        bool *started)
{
        if (!*started)
                return;
        pthread_mutex_lock(lock);
        *quit = true;
        pthread_cond_signal(cond);
        pthread_mutex_unlock(lock);
        pthread_join(thread, NULL);
        *started = false;
}

void server_writer_stop(enk_server *srv)
{
        stop_thread(&srv->q_lock, &srv->q_cond, &srv->quit, srv->writer_thread,
                    &srv->writer_started);
        /* After the writer: its last commit is then in the log the final
         * checkpoint empties. */
        stop_thread(&srv->ckpt_lock, &srv->ckpt_cond, &srv->ckpt_quit, srv->ckpt_thread,
                    &srv->ckpt_started);
}
