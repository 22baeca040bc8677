/* survey/server_pages.c - what each request of the collection server gets.
 *
 * The code page, the questionnaire form (empty, resumed from a draft, filled
 * in again with its errors or after a failed write), the saved and thanks
 * pages and the error pages, with their wording in Swedish and English. Each
 * answer is built into a struct reply that server_http.c sends; nothing here
 * knows HTTP beyond a status and a header or two.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "survey/server_internal.h"

/* ---------------------------------------------------------------- replies */

/* A page of the webform module with status; a plain fallback when it cannot
 * be rendered (out of memory). */
static void page(const enk_server *srv, int status, enk_webform_page which, const char *message,
                 const char *typed, const char *allow, int retry_after, struct reply *rp)
{
        *rp = (struct reply){
            .status = status, .type = HTML_TYPE, .allow = allow, .retry_after = retry_after};
        if (enk_webform_wave_page_render(which, srv->title, srv->lang_code, message, typed,
                                         "/start", &srv->about, &rp->body, &rp->len) != ENK_OK) {
                static char fallback[] = "<!DOCTYPE html><title>enkat</title><p>Fel / Error";
                rp->body = fallback;
                rp->len = sizeof(fallback) - 1;
                rp->persistent = true;
        }
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

void server_page_error(const enk_server *srv, int status, const char *allow, struct reply *rp)
{
        page(srv, status, ENK_PAGE_ERROR, message(srv, status), NULL, allow, 0, rp);
}

static void see_other(struct reply *rp)
{
        *rp = (struct reply){.status = 303,
                             .body = (char *) "",
                             .persistent = true,
                             .type = HTML_TYPE,
                             .location = "/tack"};
}

/* ------------------------------------------------------------------ forms */

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

static enk_status code_state(enk_server *srv, const char *norm, enk_code_state *state,
                             bool *has_draft)
{
        enk_diags *diags = enk_diags_new(8);
        pthread_mutex_lock(&srv->read_lock);
        enk_status st =
            enk_store_code_state(srv->reader, srv->wave_id, norm, state, has_draft, diags);
        pthread_mutex_unlock(&srv->read_lock);
        if (st != ENK_OK)
                server_report(srv, diags);
        enk_diags_free(diags);
        return st;
}

/* The questionnaire page for the open code (normalised norm, hash), showing
 * input (NULL: empty) with or without its errors. */
static void form_page(enk_server *srv, int status, const char *norm, const char *hash,
                      const enk_webform_input *input, bool show_errors, const char *notice,
                      int retry_after, struct reply *rp)
{
        char grouped[ENK_CODES_GROUPED_SIZE], token[ENK_HASH_HEX_SIZE];
        enk_codes_format(norm, grouped);
        server_csrf(srv, hash, token);
        enk_webform_field hidden[2] = {{"kod", grouped}, {"csrf", token}};
        enk_webform_options o = {.lang = srv->lang,
                                 .year = srv->year,
                                 .action = "/svar",
                                 .hidden = hidden,
                                 .nhidden = 2,
                                 .script_src = "/form.js",
                                 .input = input,
                                 .show_errors = show_errors,
                                 .notice = notice,
                                 .about = &srv->about};
        *rp = (struct reply){.status = status, .type = HTML_TYPE, .retry_after = retry_after};
        if (!input && !notice && srv->form) {
                /* The empty form differs from code to code only in the two
                 * hidden values, of fixed length: copy the page rendered at
                 * start and put them in (a 50 KB render costs more than the
                 * durable submission it leads to). */
                if (!(rp->body = malloc(srv->form_len))) {
                        server_page_error(srv, 500, NULL, rp);
                        return;
                }
                memcpy(rp->body, srv->form, srv->form_len);
                memcpy(rp->body + srv->form_kod, grouped, ENK_CODES_GROUPED_SIZE - 1);
                memcpy(rp->body + srv->form_csrf, token, ENK_HASH_HEX_SIZE - 1);
                rp->len = srv->form_len;
        } else if (enk_webform_render(srv->q, &o, &rp->body, &rp->len) != ENK_OK) {
                server_page_error(srv, 500, NULL, rp);
        }
}

/* The answer to a submission or a draft that could not be written: the form
 * again, filled in with everything the respondent sent (in, or read from f
 * when NULL; freed here), and a notice that nothing was saved. busy: the store
 * stayed locked by another process (503, try again shortly); otherwise the
 * store failed (500). A respondent never loses what was typed. */
static void unsaved(enk_server *srv, bool busy, const char *norm, const char *hash,
                    const enk_server_form *f, enk_webform_input *in, struct reply *rp)
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
        if (in) {
                form_page(srv, busy ? 503 : 500, norm, hash, in, false, notice,
                          busy ? RETRY_AFTER : 0, rp);
        } else {
                page(srv, busy ? 503 : 500, ENK_PAGE_ERROR, notice, NULL, NULL,
                     busy ? RETRY_AFTER : 0, rp);
        }
        enk_webform_input_free(in);
}

/* The form filled in from the code's draft, or empty when the draft is gone or
 * cannot be read (it was written by this server, so that is unexpected). */
static void resumed(enk_server *srv, const char *norm, const char *hash, struct reply *rp)
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
        form_page(
            srv, 200, norm, hash, in, false,
            in ? (srv->en ? "Your saved answers are filled in." : "Dina sparade svar är ifyllda.")
               : NULL,
            0, rp);
        enk_webform_input_free(in);
        enk_server_form_release(&f);
}

/* ------------------------------------------------------------ POST /start */

void server_page_start(enk_server *srv, const unsigned char key[LIMIT_KEY],
                       const enk_server_form *f, struct reply *rp)
{
        int wait = server_limit_wait(srv, key);
        if (wait > 0) {
                /* How long, in whole minutes rounded up: "a while" sent
                 * people back at once, to be refused again. */
                char text[160];
                int minutes = (wait + 59) / 60;
                if (minutes == 1)
                        snprintf(text, sizeof(text), "%s",
                                 srv->en ? "Too many wrong codes. Wait a minute and then try "
                                           "again."
                                         : "För många felaktiga koder. Vänta en minut och försök "
                                           "sedan igen.");
                else
                        snprintf(text, sizeof(text),
                                 srv->en ? "Too many wrong codes. Wait %d minutes and then try "
                                           "again."
                                         : "För många felaktiga koder. Vänta %d minuter och "
                                           "försök sedan igen.",
                                 minutes);
                page(srv, 429, ENK_PAGE_ERROR, text, NULL, NULL, wait, rp);
                return;
        }
        const char *typed = field(f, "kod");
        char norm[13], hash[ENK_HASH_HEX_SIZE];
        bool blank = !typed || !typed[strspn(typed, " \t-")];
        if (blank) {
                page(srv, 400, ENK_PAGE_CODE,
                     srv->en ? "Enter the code from the letter." : "Skriv in koden från brevet.",
                     NULL, NULL, 0, rp);
                return;
        }
        enk_code_state state = ENK_CODE_UNKNOWN;
        bool has_draft = false;
        if (enk_codes_normalize(typed, norm)) {
                enk_codes_hash(norm, hash);
                if (code_state(srv, norm, &state, &has_draft) != ENK_OK) {
                        server_page_error(srv, 500, NULL, rp);
                        return;
                }
        }
        if (state == ENK_CODE_UNKNOWN) {
                server_limit_fail(srv, key);
                page(srv, 400, ENK_PAGE_CODE,
                     srv->en ? "There is no such code. Check that you copied it "
                               "correctly from the letter."
                             : "Koden finns inte. Kontrollera att du har skrivit av "
                               "den rätt från brevet.",
                     typed, NULL, 0, rp);
        } else if (state == ENK_CODE_SPENT) {
                page(srv, 409, ENK_PAGE_CODE_USED, NULL, NULL, NULL, 0, rp);
        } else if (has_draft) {
                resumed(srv, norm, hash, rp);
        } else {
                form_page(srv, 200, norm, hash, NULL, false, NULL, 0, rp);
        }
}

/* ------------------------------------------------------------- POST /svar */

/* The answer when j was not written (st): a code spent meanwhile (a double
 * click) goes to the thanks page, one unknown is refused, and otherwise the
 * respondent gets the form back (unsaved; in is freed). */
static void not_written(enk_server *srv, enk_status st, const struct job *j, const char *norm,
                        const char *hash, const enk_server_form *f, enk_webform_input *in,
                        struct reply *rp)
{
        if (st == ENK_ERR_EXISTS || st == ENK_ERR_NOTFOUND) {
                enk_webform_input_free(in);
                if (st == ENK_ERR_EXISTS)
                        see_other(rp);
                else
                        server_page_error(srv, 403, NULL, rp);
                return;
        }
        unsaved(srv, j->busy, norm, hash, f, in, rp);
}

/* A draft: the answer fields as sent, encoded again; the code and token are
 * not part of it. */
static void save_draft(enk_server *srv, const enk_server_form *f, struct job *j, const char *hash,
                       struct reply *rp)
{
        enk_webform_field *keep = malloc((f->n ? f->n : 1) * sizeof(*keep));
        size_t n = 0;
        char *data = NULL;
        if (!keep) {
                server_page_error(srv, 500, NULL, rp);
                return;
        }
        for (size_t i = 0; i < f->n; i++)
                if (!own_field(f->fields[i].name))
                        keep[n++] = f->fields[i];
        enk_status st = enk_server_form_encode(keep, n, &data, &j->len);
        free(keep);
        if (st != ENK_OK) {
                server_page_error(srv, 500, NULL, rp);
                return;
        }
        j->data = data;
        st = server_write(srv, j);
        free(data);
        if (st == ENK_OK)
                page(srv, 200, ENK_PAGE_SAVED, NULL, NULL, NULL, 0, rp);
        else
                not_written(srv, st, j, j->code, hash, f, NULL, rp);
}

/* A submission: read and checked against the questionnaire (422 with the
 * errors shown), then written once; 303 to the thanks page. */
static void submit(enk_server *srv, const enk_server_form *f, struct job *j, const char *hash,
                   struct reply *rp)
{
        enk_webform_input *in = NULL;
        if (enk_webform_read(srv->q, srv->lang, f->fields, f->n, &in) != ENK_OK) {
                server_page_error(srv, 500, NULL, rp);
                return;
        }
        if (enk_webform_nerrors(in)) {
                form_page(srv, 422, j->code, hash, in, true, NULL, 0, rp);
                enk_webform_input_free(in);
                return;
        }
        j->response = enk_webform_response(in);
        enk_status st = server_write(srv, j);
        if (st == ENK_OK) {
                enk_webform_input_free(in);
                see_other(rp);
                return;
        }
        not_written(srv, st, j, j->code, hash, f, in, rp);
}

/* Whether the code and CSRF token of f are those of one code: its normalised
 * form into norm, its hash into hash. */
static bool token_ok(const enk_server *srv, const enk_server_form *f, char norm[13],
                     char hash[ENK_HASH_HEX_SIZE])
{
        const char *typed = field(f, "kod"), *token = field(f, "csrf");
        char want[ENK_HASH_HEX_SIZE];
        if (!typed || !token || !enk_codes_normalize(typed, norm))
                return false;
        enk_codes_hash(norm, hash);
        server_csrf(srv, hash, want);
        return strlen(token) == ENK_HASH_HEX_SIZE - 1 &&
               enk_hash_equal(token, want, ENK_HASH_HEX_SIZE - 1);
}

void server_page_svar(enk_server *srv, const enk_server_form *f, struct reply *rp)
{
        char norm[13], hash[ENK_HASH_HEX_SIZE];
        if (!token_ok(srv, f, norm, hash)) {
                server_page_error(srv, 403, NULL, rp);
                return;
        }
        const char *action = field(f, "action");
        bool draft = action && !strcmp(action, "spara");
        if (action && !draft && strcmp(action, "skicka")) {
                server_page_error(srv, 400, NULL, rp);
                return;
        }
        enk_code_state state;
        if (code_state(srv, norm, &state, NULL) != ENK_OK) {
                server_page_error(srv, 500, NULL, rp);
                return;
        }
        if (state == ENK_CODE_UNKNOWN) {
                server_page_error(srv, 403, NULL, rp);
                return;
        }
        if (state == ENK_CODE_SPENT) {
                see_other(rp); /* a resent POST: never twice */
                return;
        }
        struct job j = {.kind = draft ? JOB_DRAFT : JOB_SUBMIT};
        memcpy(j.code, norm, sizeof(j.code));
        if (draft)
                save_draft(srv, f, &j, hash, rp);
        else
                submit(srv, f, &j, hash, rp);
}

/* ---------------------------------------------------- rendered at start */

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
                                 .year = srv->year,
                                 .action = "/svar",
                                 .hidden = hidden,
                                 .nhidden = 2,
                                 .script_src = "/form.js",
                                 .about = &srv->about};
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

enk_status server_pages_init(enk_server *srv)
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
        enk_store_wave_details w;
        enk_diags *diags = enk_diags_new(8);
        enk_status st = enk_store_wave_details_get(srv->reader, srv->wave_id, &w, diags);
        if (st != ENK_OK)
                server_report(srv, diags);
        enk_diags_free(diags);
        if (st != ENK_OK)
                return st;
        srv->about = (enk_webform_about){w.municipality, w.deadline, w.contact};
        st = enk_webform_wave_page_render(ENK_PAGE_CODE, srv->title, srv->lang_code, NULL, NULL,
                                          "/start", &srv->about, &srv->code_page, &srv->code_len);
        if (st == ENK_OK)
                st = enk_webform_wave_page_render(ENK_PAGE_THANKS, srv->title, srv->lang_code, NULL,
                                                  NULL, NULL, &srv->about, &srv->thanks_page,
                                                  &srv->thanks_len);
        if (st == ENK_OK)
                st = form_template(srv);
        return st;
}
