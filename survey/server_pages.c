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

/* The title of a's page: its wave's questionnaire's, or before a code is
 * known the first wave's, in a's language where it has it. */
static const char *title(const enk_server *srv, const struct server_ask *a)
{
        const struct server_wave *w = a->w ? a->w : &srv->waves[0];
        int lang = a->w ? a->lang : enk_questionnaire_lang(w->q, a->lang_code);
        return enk_text_get(&w->q->title, lang >= 0 ? lang : w->lang);
}

/* Who asks on a's page: its wave's details, or before a code is known the
 * one wave's when one is served (with several they would name one
 * municipality for all: nothing is said). */
static const enk_webform_about *about(const enk_server *srv, const struct server_ask *a)
{
        if (a->w)
                return &a->w->about;
        return srv->nwaves == 1 ? &srv->waves[0].about : NULL;
}

/* A page of the webform module with status, in a's language; a plain
 * fallback when it cannot be rendered (out of memory). A code page offers
 * the server's languages. */
static void page(const enk_server *srv, const struct server_ask *a, int status,
                 enk_webform_page which, const char *message, const char *typed, const char *allow,
                 int retry_after, struct reply *rp)
{
        *rp = (struct reply){
            .status = status, .type = HTML_TYPE, .allow = allow, .retry_after = retry_after};
        bool code = which == ENK_PAGE_CODE || which == ENK_PAGE_CODE_UNKNOWN;
        if (enk_webform_wave_page_render(which, title(srv, a), a->lang_code, message, typed,
                                         "/start", code ? srv->langs : NULL, about(srv, a),
                                         &rp->body, &rp->len) != ENK_OK) {
                static char fallback[] = "<!DOCTYPE html><title>enkat</title><p>Fel / Error";
                rp->body = fallback;
                rp->len = sizeof(fallback) - 1;
                rp->persistent = true;
        }
}

/* The error pages' wording, Swedish and English. */
static const char *message(bool en, int status)
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
                        return en ? m[i].en : m[i].sv;
        return en ? "Something went wrong." : "Något gick fel.";
}

static void error_page(const enk_server *srv, const struct server_ask *a, int status,
                       struct reply *rp)
{
        page(srv, a, status, ENK_PAGE_ERROR, message(a->en, status), NULL, NULL, 0, rp);
}

void server_page_error(const enk_server *srv, int status, const char *allow, struct reply *rp)
{
        page(srv, &srv->home, status, ENK_PAGE_ERROR, message(srv->home.en, status), NULL, allow, 0,
             rp);
}

/* The page's language: code when the server offers it, else the default.
 * The code is the respondent's text: only the server's own copy is kept. */
static struct server_ask ask_lang(const enk_server *srv, const char *code)
{
        struct server_ask a = srv->home;
        for (size_t i = 0; code && srv->langs[i]; i++)
                if (!strcmp(srv->langs[i], code)) {
                        a.lang_code = srv->langs[i];
                        a.en = !strcmp(a.lang_code, "en");
                }
        return a;
}

/* a for the wave w: its questionnaire's language a.lang_code, or its
 * default when it has not that one. */
static struct server_ask ask_wave(struct server_ask a, const struct server_wave *w)
{
        int lang = enk_questionnaire_lang(w->q, a.lang_code);
        a.w = w;
        a.lang = lang >= 0 ? lang : w->lang;
        a.lang_code = w->q->languages[a.lang];
        a.en = !strcmp(a.lang_code, "en");
        return a;
}

void server_page_code(const enk_server *srv, const char *lang, struct reply *rp)
{
        struct server_ask a = ask_lang(srv, lang);
        if (!strcmp(a.lang_code, srv->home.lang_code))
                *rp = (struct reply){.status = 200,
                                     .body = srv->code_page,
                                     .len = srv->code_len,
                                     .persistent = true,
                                     .type = HTML_TYPE};
        else
                page(srv, &a, 200, ENK_PAGE_CODE, NULL, NULL, NULL, 0, rp);
}

void server_page_thanks(const enk_server *srv, const char *lang, struct reply *rp)
{
        struct server_ask a = ask_lang(srv, lang);
        if (!strcmp(a.lang_code, srv->home.lang_code))
                *rp = (struct reply){.status = 200,
                                     .body = srv->thanks_page,
                                     .len = srv->thanks_len,
                                     .persistent = true,
                                     .type = HTML_TYPE};
        else
                page(srv, &a, 200, ENK_PAGE_THANKS, NULL, NULL, NULL, 0, rp);
}

/* 303 to the thanks page, in a's language when it is not the default. */
static void see_other(const enk_server *srv, const struct server_ask *a, struct reply *rp)
{
        *rp = (struct reply){.status = 303,
                             .body = (char *) "",
                             .persistent = true,
                             .type = HTML_TYPE,
                             .location = "/tack"};
        if (strcmp(a->lang_code, srv->home.lang_code)) {
                snprintf(rp->where, sizeof(rp->where), "/tack?lang=%s", a->lang_code);
                rp->location = rp->where;
        }
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
        return !strcmp(name, "kod") || !strcmp(name, "csrf") || !strcmp(name, "action") ||
               !strcmp(name, "lang");
}

/* The state of the normalised code norm in the wave it belongs to (*w; NULL
 * and unknown when none of the waves served). A code is issued for one
 * wave; the store answers for one wave at a time, so each is asked in turn
 * (a few indexed reads for the waves a server publishes). */
static enk_status code_state(enk_server *srv, const char *norm, const struct server_wave **w,
                             enk_code_state *state, bool *has_draft)
{
        enk_diags *diags = enk_diags_new(8);
        enk_status st = ENK_OK;
        *w = NULL;
        *state = ENK_CODE_UNKNOWN;
        pthread_mutex_lock(&srv->read_lock);
        for (size_t i = 0; i < srv->nwaves && st == ENK_OK && !*w; i++) {
                st = enk_store_code_state(srv->reader, srv->waves[i].id, norm, state, has_draft,
                                          diags);
                if (st == ENK_OK && *state != ENK_CODE_UNKNOWN)
                        *w = &srv->waves[i];
        }
        pthread_mutex_unlock(&srv->read_lock);
        if (st != ENK_OK)
                server_report(srv, diags);
        enk_diags_free(diags);
        return st;
}

/* The questionnaire page for the open code (normalised norm, hash), showing
 * input (NULL: empty) with or without its errors. */
static void form_page(enk_server *srv, const struct server_ask *a, int status, const char *norm,
                      const char *hash, const enk_webform_input *input, bool show_errors,
                      const char *notice, int retry_after, struct reply *rp)
{
        const struct server_wave *w = a->w;
        char grouped[ENK_CODES_GROUPED_SIZE], token[ENK_HASH_HEX_SIZE];
        enk_codes_format(norm, grouped);
        server_csrf(srv, hash, token);
        enk_webform_field hidden[3] = {{"kod", grouped}, {"csrf", token}, {"lang", a->lang_code}};
        enk_webform_options o = {.lang = a->lang,
                                 .year = w->year,
                                 .action = "/svar",
                                 .hidden = hidden,
                                 .nhidden = 3,
                                 .script_src = "/form.js",
                                 .input = input,
                                 .show_errors = show_errors,
                                 .notice = notice,
                                 .about = &w->about,
                                 .lang_switch = true};
        *rp = (struct reply){.status = status, .type = HTML_TYPE, .retry_after = retry_after};
        if (!input && !notice && w->form && a->lang == w->lang) {
                /* The empty form differs from code to code only in the two
                 * hidden values, of fixed length: copy the page rendered at
                 * start and put them in (a 50 KB render costs more than the
                 * durable submission it leads to). */
                if (!(rp->body = malloc(w->form_len))) {
                        error_page(srv, a, 500, rp);
                        return;
                }
                memcpy(rp->body, w->form, w->form_len);
                memcpy(rp->body + w->form_kod, grouped, ENK_CODES_GROUPED_SIZE - 1);
                memcpy(rp->body + w->form_csrf, token, ENK_HASH_HEX_SIZE - 1);
                rp->len = w->form_len;
        } else if (enk_webform_render(w->q, &o, &rp->body, &rp->len) != ENK_OK) {
                error_page(srv, a, 500, rp);
        }
}

/* The answer to a submission or a draft that could not be written: the form
 * again, filled in with everything the respondent sent (in, or read from f
 * when NULL; freed here), and a notice that nothing was saved. busy: the store
 * stayed locked by another process (503, try again shortly); otherwise the
 * store failed (500). A respondent never loses what was typed. */
static void unsaved(enk_server *srv, const struct server_ask *a, bool busy, const char *norm,
                    const char *hash, const enk_server_form *f, enk_webform_input *in,
                    struct reply *rp)
{
        if (!in && enk_webform_read(a->w->q, a->lang, f->fields, f->n, &in) != ENK_OK)
                in = NULL;
        const char *notice =
            busy ? (a->en ? "Your answers have NOT been saved yet: the server is busy saving "
                            "other data. Everything you entered is still below; send it again "
                            "in a minute."
                          : "Dina svar har INTE sparats ännu: servern är upptagen med att spara "
                            "annat. Allt du har fyllt i finns kvar nedan; skicka igen om en "
                            "minut.")
                 : message(a->en, 500);
        if (in) {
                form_page(srv, a, busy ? 503 : 500, norm, hash, in, false, notice,
                          busy ? RETRY_AFTER : 0, rp);
        } else {
                page(srv, a, busy ? 503 : 500, ENK_PAGE_ERROR, notice, NULL, NULL,
                     busy ? RETRY_AFTER : 0, rp);
        }
        enk_webform_input_free(in);
}

/* The form filled in from the code's draft, or empty when the draft is gone or
 * cannot be read (it was written by this server, so that is unexpected). */
static void resumed(enk_server *srv, const struct server_ask *a, const char *norm, const char *hash,
                    struct reply *rp)
{
        void *data = NULL;
        size_t len = 0;
        pthread_mutex_lock(&srv->read_lock);
        enk_status st = enk_store_load_draft(srv->reader, a->w->id, norm, &data, &len, NULL);
        pthread_mutex_unlock(&srv->read_lock);
        enk_server_form f = {0};
        enk_webform_input *in = NULL;
        if (st == ENK_OK && enk_server_form_decode(data, len, SIZE_MAX, &f) == ENK_OK)
                enk_webform_read(a->w->q, a->lang, f.fields, f.n, &in);
        free(data);
        form_page(
            srv, a, 200, norm, hash, in, false,
            in ? (a->en ? "Your saved answers are filled in." : "Dina sparade svar är ifyllda.")
               : NULL,
            0, rp);
        enk_webform_input_free(in);
        enk_server_form_release(&f);
}

/* ------------------------------------------------------------ POST /start */

void server_page_start(enk_server *srv, const unsigned char key[LIMIT_KEY],
                       const enk_server_form *f, struct reply *rp)
{
        struct server_ask a = ask_lang(srv, field(f, "lang"));
        int wait = server_limit_wait(srv, key);
        if (wait > 0) {
                /* How long, in whole minutes rounded up: "a while" sent
                 * people back at once, to be refused again. */
                char text[160];
                int minutes = (wait + 59) / 60;
                if (minutes == 1)
                        snprintf(text, sizeof(text), "%s",
                                 a.en ? "Too many wrong codes. Wait a minute and then try "
                                        "again."
                                      : "För många felaktiga koder. Vänta en minut och försök "
                                        "sedan igen.");
                else
                        snprintf(text, sizeof(text),
                                 a.en ? "Too many wrong codes. Wait %d minutes and then try "
                                        "again."
                                      : "För många felaktiga koder. Vänta %d minuter och "
                                        "försök sedan igen.",
                                 minutes);
                page(srv, &a, 429, ENK_PAGE_ERROR, text, NULL, NULL, wait, rp);
                return;
        }
        const char *typed = field(f, "kod");
        char norm[13], hash[ENK_HASH_HEX_SIZE];
        bool blank = !typed || !typed[strspn(typed, " \t-")];
        if (blank) {
                page(srv, &a, 400, ENK_PAGE_CODE,
                     a.en ? "Enter the code from the letter." : "Skriv in koden från brevet.", NULL,
                     NULL, 0, rp);
                return;
        }
        enk_code_state state = ENK_CODE_UNKNOWN;
        bool has_draft = false;
        const struct server_wave *w = NULL;
        if (enk_codes_normalize(typed, norm)) {
                enk_codes_hash(norm, hash);
                if (code_state(srv, norm, &w, &state, &has_draft) != ENK_OK) {
                        error_page(srv, &a, 500, rp);
                        return;
                }
        }
        if (state == ENK_CODE_UNKNOWN) {
                server_limit_fail(srv, key);
                page(srv, &a, 400, ENK_PAGE_CODE,
                     a.en ? "There is no such code. Check that you copied it "
                            "correctly from the letter."
                          : "Koden finns inte. Kontrollera att du har skrivit av "
                            "den rätt från brevet.",
                     typed, NULL, 0, rp);
                return;
        }
        a = ask_wave(a, w);
        if (state == ENK_CODE_SPENT)
                page(srv, &a, 409, ENK_PAGE_CODE_USED, NULL, NULL, NULL, 0, rp);
        else if (has_draft)
                resumed(srv, &a, norm, hash, rp);
        else
                form_page(srv, &a, 200, norm, hash, NULL, false, NULL, 0, rp);
}

/* ------------------------------------------------------------- POST /svar */

/* The answer when j was not written (st): a code spent meanwhile (a double
 * click) goes to the thanks page, one unknown is refused, and otherwise the
 * respondent gets the form back (unsaved; in is freed). */
static void not_written(enk_server *srv, const struct server_ask *a, enk_status st,
                        const struct job *j, const char *hash, const enk_server_form *f,
                        enk_webform_input *in, struct reply *rp)
{
        if (st == ENK_ERR_EXISTS || st == ENK_ERR_NOTFOUND) {
                enk_webform_input_free(in);
                if (st == ENK_ERR_EXISTS)
                        see_other(srv, a, rp);
                else
                        error_page(srv, a, 403, rp);
                return;
        }
        unsaved(srv, a, j->busy, j->code, hash, f, in, rp);
}

/* A draft: the answer fields as sent, encoded again; the code, token and
 * language are not part of it. */
static void save_draft(enk_server *srv, const struct server_ask *a, const enk_server_form *f,
                       struct job *j, const char *hash, struct reply *rp)
{
        enk_webform_field *keep = malloc((f->n ? f->n : 1) * sizeof(*keep));
        size_t n = 0;
        char *data = NULL;
        if (!keep) {
                error_page(srv, a, 500, rp);
                return;
        }
        for (size_t i = 0; i < f->n; i++)
                if (!own_field(f->fields[i].name))
                        keep[n++] = f->fields[i];
        enk_status st = enk_server_form_encode(keep, n, &data, &j->len);
        free(keep);
        if (st != ENK_OK) {
                error_page(srv, a, 500, rp);
                return;
        }
        j->data = data;
        st = server_write(srv, j);
        free(data);
        if (st == ENK_OK)
                page(srv, a, 200, ENK_PAGE_SAVED, NULL, NULL, NULL, 0, rp);
        else
                not_written(srv, a, st, j, hash, f, NULL, rp);
}

/* A submission: read and checked against the questionnaire (422 with the
 * errors shown), then written once; 303 to the thanks page. */
static void submit(enk_server *srv, const struct server_ask *a, const enk_server_form *f,
                   struct job *j, const char *hash, struct reply *rp)
{
        enk_webform_input *in = NULL;
        if (enk_webform_read(a->w->q, a->lang, f->fields, f->n, &in) != ENK_OK) {
                error_page(srv, a, 500, rp);
                return;
        }
        if (enk_webform_nerrors(in)) {
                form_page(srv, a, 422, j->code, hash, in, true, NULL, 0, rp);
                enk_webform_input_free(in);
                return;
        }
        j->response = enk_webform_response(in);
        enk_status st = server_write(srv, j);
        if (st == ENK_OK) {
                enk_webform_input_free(in);
                see_other(srv, a, rp);
                return;
        }
        not_written(srv, a, st, j, hash, f, in, rp);
}

/* The form again in the language the respondent switched to, everything
 * entered so far filled in; nothing is stored or checked. */
static void switch_lang(enk_server *srv, const struct server_ask *a, const enk_server_form *f,
                        const char *norm, const char *hash, struct reply *rp)
{
        enk_webform_input *in = NULL;
        if (enk_webform_read(a->w->q, a->lang, f->fields, f->n, &in) != ENK_OK) {
                error_page(srv, a, 500, rp);
                return;
        }
        form_page(srv, a, 200, norm, hash, in, false, NULL, 0, rp);
        enk_webform_input_free(in);
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
        const char *action = field(f, "action");
        /* "sprak-CODE": the same form in another language */
        const char *to = action && !strncmp(action, "sprak-", 6) ? action + 6 : NULL;
        struct server_ask a = ask_lang(srv, to ? to : field(f, "lang"));
        if (!token_ok(srv, f, norm, hash)) {
                error_page(srv, &a, 403, rp);
                return;
        }
        bool draft = action && !strcmp(action, "spara");
        if (action && !draft && !to && strcmp(action, "skicka")) {
                error_page(srv, &a, 400, rp);
                return;
        }
        enk_code_state state;
        const struct server_wave *w = NULL;
        if (code_state(srv, norm, &w, &state, NULL) != ENK_OK) {
                error_page(srv, &a, 500, rp);
                return;
        }
        if (state == ENK_CODE_UNKNOWN) {
                error_page(srv, &a, 403, rp);
                return;
        }
        a = ask_wave(a, w);
        if (state == ENK_CODE_SPENT) {
                see_other(srv, &a, rp); /* a resent POST: never twice */
                return;
        }
        if (to) {
                switch_lang(srv, &a, f, norm, hash, rp);
                return;
        }
        struct job j = {.kind = draft ? JOB_DRAFT : JOB_SUBMIT, .wave_id = w->id};
        memcpy(j.code, norm, sizeof(j.code));
        if (draft)
                save_draft(srv, &a, f, &j, hash, rp);
        else
                submit(srv, &a, f, &j, hash, rp);
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

/* Renders the empty form of w in its default language once, with
 * placeholders of the hidden values' exact lengths; a questionnaire whose
 * text happens to contain a placeholder just gets its form rendered for
 * every request. */
static enk_status form_template(struct server_wave *w)
{
        char kod[ENK_CODES_GROUPED_SIZE], csrf[ENK_HASH_HEX_SIZE];
        memset(kod, '~', sizeof(kod) - 1);
        memcpy(kod, "~KOD~", 5);
        kod[sizeof(kod) - 1] = '\0';
        memset(csrf, '~', sizeof(csrf) - 1);
        memcpy(csrf, "~CSRF~", 6);
        csrf[sizeof(csrf) - 1] = '\0';
        enk_webform_field hidden[3] = {
            {"kod", kod}, {"csrf", csrf}, {"lang", w->q->languages[w->lang]}};
        enk_webform_options o = {.lang = w->lang,
                                 .year = w->year,
                                 .action = "/svar",
                                 .hidden = hidden,
                                 .nhidden = 3,
                                 .script_src = "/form.js",
                                 .about = &w->about,
                                 .lang_switch = true};
        enk_status st = enk_webform_render(w->q, &o, &w->form, &w->form_len);
        if (st != ENK_OK)
                return st;
        long k = once(w->form, w->form_len, kod, sizeof(kod) - 1);
        long t = once(w->form, w->form_len, csrf, sizeof(csrf) - 1);
        if (k < 0 || t < 0) {
                free(w->form);
                w->form = NULL;
                return ENK_OK;
        }
        w->form_kod = (size_t) k;
        w->form_csrf = (size_t) t;
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
        struct server_ask home = srv->home;
        enk_status st = enk_webform_wave_page_render(
            ENK_PAGE_CODE, srv->title, home.lang_code, NULL, NULL, "/start", srv->langs,
            about(srv, &home), &srv->code_page, &srv->code_len);
        if (st == ENK_OK)
                st = enk_webform_wave_page_render(ENK_PAGE_THANKS, srv->title, home.lang_code, NULL,
                                                  NULL, NULL, NULL, about(srv, &home),
                                                  &srv->thanks_page, &srv->thanks_len);
        for (size_t i = 0; i < srv->nwaves && st == ENK_OK; i++)
                st = form_template(&srv->waves[i]);
        return st;
}
