/* survey/server.h - the collection server: the web form over HTTP, submissions into the store.
 *
 * `enkat serve` publishes one wave (a unit's year) of the store on the web,
 * or every open wave of it at once (cooperating municipalities, one server):
 * a respondent enters the one-time code from the letter, which names its
 * own wave, and chooses the language on the page; fills in the form
 * (survey/webform.h), may save a draft and come back, and submits once. This
 * is the only module that uses libmicrohttpd; docs/web.md describes the HTTP
 * protocol (paths, fields, statuses), the limits and what is and is not
 * linkable.
 *
 * Design. libmicrohttpd runs one thread per connection (50 keep-alive clients
 * are 50 threads; a slow client holds only its own, at most 64 connections per
 * client address, and each request must arrive whole within 20 s). Reads of the store (the
 * state of a code, a draft) go through one read-only handle behind a mutex;
 * every write (a submission, a draft) is handed to ONE writer thread, which
 * takes everything queued, writes it in one transaction (each submission in a
 * savepoint of its own, so one failing fails alone), commits durably and only
 * then wakes the waiting requests, which reply. While another process (an
 * import) holds the store's write lock, the writes wait in memory for up to
 * options.store_wait seconds; one given up is never written, and the
 * respondent gets the form back filled in (503). A submission that got its
 * "303 See Other" has therefore survived the commit: it outlives a kill -9 the
 * moment after. Many submissions share one disk sync (group commit), which is
 * how the server gets past the ~2,300 syncs a second this disk allows. The
 * writer's handle never checkpoints the write-ahead log itself: a third
 * thread with a handle of its own copies the log into the database file
 * (passive checkpoints, which never block the writer), pauses the writer
 * briefly only when the log passes 4000 pages so that it restarts from the
 * beginning, and empties it on the way out (docs/web.md, "Checkpoints").
 *
 * Anonymity. The server never hands a code, an answer or a client address to
 * the access log: a log line is method, path, status and body size, and the
 * path of an unknown page is not given (a respondent may type a code into the
 * address bar). Client addresses are used only in memory, by the limiter of
 * wrong codes (10 per 10 minutes per address, then 429).
 *
 * Ownership. enk_server_new copies what it needs from the options; the server
 * owns its store handles and questionnaire until enk_server_free.
 */
#ifndef ENK_SERVER_H
#define ENK_SERVER_H

#include <stdbool.h>
#include <stddef.h>

#include "survey/diag.h"
#include "survey/lang.h"
#include "survey/webform.h"

typedef struct enk_server enk_server;

/* One line of the access log: the request's method, its path without the
 * query string ("-" for a path the server does not know), the status sent and
 * the size of the body in bytes. No client address, no time, no code, no
 * field of the body. Called from the server's threads, possibly at the same
 * time; the strings are valid only during the call. */
typedef void (*enk_server_log_fn)(void *ctx, const char *method, const char *path, int status,
                                  size_t bytes);

/* A problem while running that the operator should see (the store failed: disk
 * full, locked, damaged). message is a formatted diagnostic without codes or
 * answers; called from the server's threads. */
typedef void (*enk_server_error_fn)(void *ctx, const char *message);

typedef struct enk_server_options {
        const char *db;   /* the store's path (must exist) */
        const char *unit; /* the unit's name */
        int year;         /* the wave's year */
        /* Instead of unit and year: every open wave of the store (one with
         * access codes not yet used); a code finds its own wave. */
        bool all_open;
        /* The pages' default language, "sv", "en", ...: a language of the
         * edition (with all_open: of at least one; the others use their
         * first); NULL the first. A respondent may switch to any language
         * of the questionnaires on the page. */
        const char *lang;
        const char *host; /* address to listen on, numeric ("127.0.0.1", "::1"); NULL: 127.0.0.1 */
        unsigned port;    /* 0: any free port (enk_server_port says which) */
        /* Behind a reverse proxy on the same machine: take the client address
         * for the limiter of wrong codes from the last X-Forwarded-For entry,
         * but only on connections from 127.0.0.1 or ::1. */
        bool trust_proxy;
        /* Seconds a submission or draft waits for a store that another
         * process (an import) holds locked, before the respondent gets the
         * form back with a 503; 0: 30. */
        int store_wait;
        enk_server_log_fn log;     /* may be NULL */
        enk_server_error_fn error; /* may be NULL */
        void *ctx;                 /* passed to log and error */
} enk_server_options;

/* Opens the store, finds the unit and the wave of year (or every open
 * wave), loads each wave's edition, checks that codes were issued for it,
 * binds the listening socket and starts serving. On success *out is the
 * running server (to be freed with enk_server_free). Fails with
 *   ENK_ERR_NOTFOUND  no such store, unit or wave, or the edition has no
 *                     language lang;
 *   ENK_ERR_DATA      no access codes were issued for the wave (all_open:
 *                     no wave has codes not yet used);
 *   ENK_ERR_STORE     the store cannot be opened or read;
 *   ENK_ERR_IO        the address cannot be used (bad address, in use, no
 *                     permission) or the HTTP server cannot start;
 *   ENK_ERR_USAGE     NULL arguments;
 * with a diagnostic saying which. */
enk_status enk_server_new(const enk_server_options *opt, enk_server **out, enk_diags *diags);

/* The port the server listens on (the real one when 0 was asked for). */
unsigned enk_server_port(const enk_server *srv);

/* Serves until enk_server_stop is called, then stops accepting connections,
 * lets the requests in flight finish (up to 10 s), writes everything queued,
 * and returns ENK_OK. Call it once. */
enk_status enk_server_run(enk_server *srv);

/* Asks enk_server_run to stop. Async-signal-safe (it sets a flag and writes one
 * byte to a pipe), so a SIGTERM handler may call it; calling it again is
 * harmless. */
void enk_server_stop(enk_server *srv);

/* Stops the server if it is still running and frees it. NULL is a no-op. */
void enk_server_free(enk_server *srv);

/* ------------------------------------------ the review of scanned answers (server_review.c) */

/* `enkat review`: a page on 127.0.0.1 that shows the answers of scanned
 * paper forms waiting for a person (survey/review.h) one after another: the
 * crop of the question from the scan, the question and its answers with a
 * key each, the scanner's reading chosen beforehand and the reason in plain
 * words. One key and Enter decide; Backspace or the left arrow goes back.
 * docs/scan.md ("The review") describes the page, its keys and its paths.
 * Only this machine can reach it: it listens on 127.0.0.1, answers only
 * requests whose Host is that address (no DNS rebinding) and takes a
 * decision only from its own pages (no other site can post one). */

typedef struct enk_server_review enk_server_review;

typedef struct enk_server_review_options {
        const char *db;            /* the store (must exist) */
        unsigned port;             /* 0: any free port (enk_server_review_port says which) */
        enk_lang lang;             /* the page's own words */
        enk_server_log_fn log;     /* may be NULL */
        enk_server_error_fn error; /* may be NULL: a decision that could not be stored */
        void *ctx;
} enk_server_review_options;

/* Opens the store's review queue (enk_review_open) and starts serving.
 * ENK_ERR_NOTFOUND no store; ENK_ERR_IO the port cannot be used; the store's
 * statuses. */
enk_status enk_server_review_new(const enk_server_review_options *opt, enk_server_review **out,
                                 enk_diags *diags);
unsigned enk_server_review_port(const enk_server_review *srv);
/* Answers in the queue, and of them still undecided. */
size_t enk_server_review_count(const enk_server_review *srv);
size_t enk_server_review_waiting(const enk_server_review *srv);
/* Serves until enk_server_review_stop, then stops and turns the copies whose
 * reviews are all decided into responses. *finished (may be NULL): the
 * copies turned into responses during the whole run. */
enk_status enk_server_review_run(enk_server_review *srv, size_t *finished, enk_diags *diags);
/* Async-signal-safe, like enk_server_stop. */
void enk_server_review_stop(enk_server_review *srv);
void enk_server_review_free(enk_server_review *srv);

/* ---------------------------------------------- the body's encoding (public for its tests) */

/* A decoded application/x-www-form-urlencoded body: n fields (names may
 * repeat), all strings in one block owned by the form. */
typedef struct enk_server_form {
        size_t n;
        enk_webform_field *fields; /* point into block */
        char *block;
} enk_server_form;

/* Decodes len bytes of body into form (emptied first; release it with
 * enk_server_form_release). Strict: '+' is a space, "%XY" needs two hex digits,
 * a decoded name or value must be valid UTF-8 without NUL, and an empty pair
 * ("a=1&&b=2", a trailing '&') is skipped. ENK_ERR_SYNTAX for a malformed body,
 * ENK_ERR_DATA for more than max_fields fields, ENK_ERR_NOMEM. */
enk_status enk_server_form_decode(const char *body, size_t len, size_t max_fields,
                                  enk_server_form *form);
void enk_server_form_release(enk_server_form *form);

/* Encodes n name/value pairs as a body that enk_server_form_decode reads back
 * (every byte but A-Z a-z 0-9 - . _ ~ as %XY) into a new malloc'ed,
 * NUL-terminated string (*out, *len). ENK_ERR_NOMEM. */
enk_status enk_server_form_encode(const enk_webform_field *fields, size_t n, char **out,
                                  size_t *len);

#endif
