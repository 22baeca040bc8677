/* survey/server_http.c - the collection server's HTTP layer on libmicrohttpd.
 *
 * The only file of enkat that includes <microhttpd.h>. libmicrohttpd (MHD)
 * runs a listening thread and one thread per connection; on_request runs in
 * the connection's thread and may block (a submission waits for the writer,
 * server_writer.c). Here: the listening socket, the daemon, the connections
 * and their request deadline, the framing checks, routing, collecting the
 * body (at most MAX_BODY; decoded by server_form.c), sending the reply that
 * server_pages.c built, with the security headers, and the access log.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "survey/server_internal.h"
#include "survey/strbuf.h"

/* ------------------------------------------------------- the listening socket */

/* Binds the listening socket ourselves (rather than letting MHD do it) so that
 * "address in use" comes with its reason, and port 0 gives its real port. */
enk_status server_listen(enk_server *srv, const char *host, unsigned port, enk_diags *diags)
{
        return server_bind(host, port, &srv->listen_fd, &srv->port, diags);
}

enk_status server_bind(const char *host, unsigned port, int *fd_out, unsigned *port_out,
                       enk_diags *diags)
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
        *port_out = ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *) &ss)->sin6_port
                                                   : ((struct sockaddr_in *) &ss)->sin_port);
        *fd_out = fd;
        return ENK_OK;
}

/* ------------------------------------------------- the request deadline */

/* One TCP connection (MHD's socket context), in the server's list while it
 * is open. start is when the connection began to wait for its current request
 * (its opening, or the end of the previous reply), 0 once the request is read
 * whole; a request that is not read whole within REQUEST_DEADLINE of start is
 * cut off (server_http_reap). All fields are behind conns_lock. */
struct conn {
        int fd;
        double start;
        struct conn *prev, *next;
};

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
                k->start = server_now();
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
         * conns_lock server_http_reap never touches a descriptor number reused
         * since. */
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

void server_http_reap(enk_server *srv)
{
        double now = server_now();
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

/* Sends rp (its body is MHD's to free from here on) with the headers every
 * reply has, and logs it. */
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

static enum MHD_Result send_error(enk_server *srv, struct MHD_Connection *c, struct request *r,
                                  int status)
{
        struct reply rp;
        server_page_error(srv, status,
                          status == 405
                              ? (r->route == R_START || r->route == R_SVAR ? "POST" : "GET, HEAD")
                              : NULL,
                          &rp);
        return send_reply(srv, c, r, &rp);
}

static enum MHD_Result send_static(enk_server *srv, struct MHD_Connection *c, struct request *r,
                                   const char *body, size_t len, const char *type)
{
        struct reply rp = {
            .status = 200, .body = (char *) body, .len = len, .persistent = true, .type = type};
        return send_reply(srv, c, r, &rp);
}

/* ------------------------------------------------------------- requests */

/* The client's key for the limiter of wrong codes: its address, or behind a
 * trusted proxy on this machine the address the proxy says it forwards. */
static void client_key(enk_server *srv, struct MHD_Connection *c, unsigned char key[LIMIT_KEY])
{
        const union MHD_ConnectionInfo *ci =
            MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
        const char *xff = srv->trust_proxy
                              ? MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Forwarded-For")
                              : NULL;
        server_limit_key(ci ? ci->client_addr : NULL, xff, key);
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
        case R_TACK: {
                /* "?lang=en": the page in another of the server's languages */
                const char *lang = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "lang");
                struct reply rp;
                if (r->route == R_ROOT)
                        server_page_code(srv, lang, &rp);
                else
                        server_page_thanks(srv, lang, &rp);
                return send_reply(srv, c, r, &rp);
        }
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
        struct reply rp;
        if (r->route == R_START) {
                unsigned char key[LIMIT_KEY];
                client_key(srv, c, key);
                server_page_start(srv, key, &f, &rp);
        } else {
                server_page_svar(srv, &f, &rp);
        }
        enk_server_form_release(&f);
        return send_reply(srv, c, r, &rp);
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
        request_clock(srv, c, server_now());
        if (!r)
                return;
        enk_strbuf_release(&r->body);
        free(r);
        *con_cls = NULL;
        atomic_fetch_sub(&srv->inflight, 1);
}

/* ------------------------------------------------------------- the daemon */

enk_status server_http_start(enk_server *srv, enk_diags *diags)
{
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
            (unsigned) (srv->trust_proxy ? 0 : PER_ADDR_LIMIT), MHD_OPTION_UNESCAPE_CALLBACK,
            keep_escapes, NULL, MHD_OPTION_END);
        if (!srv->daemon) {
                enk_loc none = {NULL, 0, 0};
                enk_error(diags, none, "cannot start the HTTP server");
                return ENK_ERR_IO;
        }
        return ENK_OK;
}

void server_http_stop(enk_server *srv)
{
        if (!srv->daemon)
                return;
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

/* ------------------------------------------------ the local server (enkat review) */

/* A second, small front on the same library, for a page one person uses on
 * this machine (the review of scanned answers, server_review.c). It shares
 * the listening socket, the security headers and the same-origin check with
 * the collection server, and leaves out what a public server needs and a
 * local one does not (the request deadline, limits per address, the writer
 * thread). One thread, libmicrohttpd's own: requests are answered one at a
 * time, so the handler needs no lock. What a local server needs instead: a
 * page of any web site the person has open could send requests to it, so the
 * Host header must name the loopback address and port it listens on (a
 * rebound DNS name cannot) and a POST must come from its own pages. */

#define LOCAL_MAX_BODY 4096

struct server_local {
        struct MHD_Daemon *daemon;
        int fd;
        unsigned port;
        char *csp;
        server_local_fn fn;
        void *ctx;
        enk_server_log_fn log;
        void *log_ctx;
};

struct local_request {
        enk_strbuf body;
        bool too_big;
        bool replied;
        const char *path; /* for the log: the handler's route, or "-" */
};

static enum MHD_Result local_send(struct server_local *ls, struct MHD_Connection *c,
                                  struct local_request *r, const char *method,
                                  const struct reply *rp)
{
        struct MHD_Response *resp = MHD_create_response_from_buffer(
            rp->len, rp->body, rp->persistent ? MHD_RESPMEM_PERSISTENT : MHD_RESPMEM_MUST_FREE);
        if (!resp) {
                if (!rp->persistent)
                        free(rp->body);
                return MHD_NO;
        }
        MHD_add_response_header(resp, "Content-Type", rp->type ? rp->type : HTML_TYPE);
        MHD_add_response_header(resp, "Content-Security-Policy", ls->csp);
        MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
        MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
        MHD_add_response_header(resp, "Cache-Control", rp->cache ? rp->cache : "no-store");
        MHD_add_response_header(resp, "X-Frame-Options", "DENY");
        if (rp->location)
                MHD_add_response_header(resp, "Location", rp->location);
        if (rp->allow)
                MHD_add_response_header(resp, "Allow", rp->allow);
        enum MHD_Result ret = MHD_queue_response(c, (unsigned) rp->status, resp);
        MHD_destroy_response(resp);
        r->replied = true;
        if (ls->log)
                ls->log(ls->log_ctx, log_method(method), rp->log_path ? rp->log_path : "-",
                        rp->status, rp->len);
        return ret;
}

/* A plain-text refusal that says why. */
static enum MHD_Result local_refuse(struct server_local *ls, struct MHD_Connection *c,
                                    struct local_request *r, const char *method, int status,
                                    const char *why)
{
        struct reply rp = {.status = status,
                           .body = (char *) why,
                           .len = strlen(why),
                           .persistent = true,
                           .type = "text/plain; charset=utf-8"};
        return local_send(ls, c, r, method, &rp);
}

static bool local_host(const struct server_local *ls, const char *host)
{
        char want[64];
        if (!host)
                return false;
        snprintf(want, sizeof(want), "127.0.0.1:%u", ls->port);
        if (!strcmp(host, want))
                return true;
        snprintf(want, sizeof(want), "localhost:%u", ls->port);
        return !strcasecmp(host, want);
}

static enum MHD_Result local_request(void *cls, struct MHD_Connection *c, const char *url,
                                     const char *method, const char *version, const char *upload,
                                     size_t *upload_size, void **con_cls)
{
        (void) version;
        struct server_local *ls = cls;
        struct local_request *r = *con_cls;
        bool post = !strcmp(method, "POST");
        if (!r) {
                if (!(r = calloc(1, sizeof(*r))))
                        return MHD_NO;
                *con_cls = r;
                if (ambiguous_framing(c))
                        return local_refuse(ls, c, r, method, 400,
                                            "400 Bad Request: the body's length is given twice\n");
                if (!local_host(ls, MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Host")))
                        return local_refuse(ls, c, r, method, 421,
                                            "421 Misdirected Request: this server answers "
                                            "only to its own address (Host)\n");
                if (post && cross_site(c))
                        return local_refuse(ls, c, r, method, 403,
                                            "403 Forbidden: a form of another site\n");
                if (post &&
                    !form_type(MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type")))
                        return local_refuse(ls, c, r, method, 415,
                                            "415 Unsupported Media Type: want "
                                            "application/x-www-form-urlencoded\n");
                const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
                if (cl && strtoull(cl, NULL, 10) > LOCAL_MAX_BODY)
                        return local_refuse(ls, c, r, method, 413,
                                            "413 Content Too Large: at most 4096 bytes\n");
                if (post)
                        return MHD_YES;
        }
        if (r->replied) {
                *upload_size = 0;
                return MHD_YES;
        }
        if (*upload_size) {
                if (r->body.len + *upload_size > LOCAL_MAX_BODY)
                        r->too_big = true;
                else
                        enk_strbuf_add(&r->body, upload, *upload_size);
                *upload_size = 0;
                return r->body.nomem ? MHD_NO : MHD_YES;
        }
        if (r->too_big)
                return local_refuse(ls, c, r, method, 413,
                                    "413 Content Too Large: at most 4096 bytes\n");
        struct reply rp = {0};
        ls->fn(ls->ctx, method, url, r->body.s ? r->body.s : "", r->body.len, &rp);
        return local_send(ls, c, r, method, &rp);
}

static void local_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                            enum MHD_RequestTerminationCode toe)
{
        (void) cls;
        (void) c;
        (void) toe;
        struct local_request *r = *con_cls;
        if (!r)
                return;
        enk_strbuf_release(&r->body);
        free(r);
        *con_cls = NULL;
}

enk_status server_local_start(unsigned port, const char *csp, server_local_fn fn, void *ctx,
                              enk_server_log_fn log, void *log_ctx, struct server_local **out,
                              enk_diags *diags)
{
        struct server_local *ls = calloc(1, sizeof(*ls));
        if (!ls || !(ls->csp = strdup(csp))) {
                free(ls);
                return ENK_ERR_NOMEM;
        }
        ls->fn = fn;
        ls->ctx = ctx;
        ls->log = log;
        ls->log_ctx = log_ctx;
        enk_status st = server_bind("127.0.0.1", port, &ls->fd, &ls->port, diags);
        if (st == ENK_OK) {
                ls->daemon = MHD_start_daemon(
                    MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL, 0, NULL, NULL, local_request,
                    ls, MHD_OPTION_LISTEN_SOCKET, ls->fd, MHD_OPTION_NOTIFY_COMPLETED,
                    local_completed, ls, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned) CONN_TIMEOUT,
                    MHD_OPTION_UNESCAPE_CALLBACK, keep_escapes, NULL, MHD_OPTION_END);
                if (!ls->daemon) {
                        enk_loc none = {NULL, 0, 0};
                        enk_error(diags, none, "cannot start the HTTP server");
                        close(ls->fd);
                        st = ENK_ERR_IO;
                }
        }
        if (st != ENK_OK) {
                free(ls->csp);
                free(ls);
                return st;
        }
        *out = ls;
        return ENK_OK;
}

unsigned server_local_port(const struct server_local *ls)
{
        return ls->port;
}

void server_local_stop(struct server_local *ls)
{
        if (!ls)
                return;
        MHD_stop_daemon(ls->daemon); /* closes the listening socket */
        free(ls->csp);
        free(ls);
}
