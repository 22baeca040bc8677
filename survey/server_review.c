/* survey/server_review.c - `enkat review`: the page on which a person decides the scanned answers.
 *
 * The queue, the crops and the decisions are survey/review.c's; this file
 * is the page and its paths, served by server_http.c's local server (one
 * request at a time, so no lock):
 *
 *   GET  /             303 to the first undecided answer (or /klart)
 *   GET  /r/N          the N-th answer of the queue (1-based)
 *   POST /r/N          its decision (field v: an answer as the decisions CSV
 *                      writes it, "-" no answer; a multiple choice's options
 *                      as fields o), then 303 to the next undecided one
 *   GET  /crop/N.png   the crop of the N-th answer
 *   GET  /klart        all decided
 *   GET  /review.js, /review.css, /favicon.ico (204: none)
 *
 * The page works without its script (radio buttons and a button); the script
 * gives every answer a key and Enter, and fetches the next page in place of
 * loading it, so a decision costs no page load. Nothing inline: the CSP
 * allows scripts and styles from the server's own paths only.
 */
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "survey/review.h"
#include "survey/server_internal.h"
#include "survey/strbuf.h"
#include "survey/utf8.h"

struct enk_server_review {
        enk_review *rv;
        enk_lang lang;
        struct server_local *http;
        enk_server_error_fn error;
        void *ctx;
        int pipe[2];
        volatile sig_atomic_t stopping;
};

/* ------------------------------------------------------------ words */

enum word {
        W_TITLE,
        W_PROGRESS,
        W_COPY,
        W_REASON,
        W_READING,
        W_READ_NOTHING,
        W_READ_MARK,
        W_DECIDED,
        W_NO_ANSWER,
        W_DONT_KNOW,
        W_YES,
        W_NO,
        W_SAVE,
        W_PREV,
        W_NEXT,
        W_KEYS_CHOICE,
        W_KEYS_MULTIPLE,
        W_KEYS_DIGITS,
        W_DIGITS_LABEL,
        W_CROP_ALT,
        W_FINISHED,
        W_DONE_TITLE,
        W_DONE_TEXT,
        W_NONE_TITLE,
        W_BAD_VALUE,
        W_BAD_DIGITS,
        W_NOT_FOUND,
        W_STORE_FAILED,
        W_NO_CROP,
        NWORDS
};

static const enk_lang_pair words[NWORDS] = {
    [W_TITLE] = {"Granska skannade svar", "Review scanned answers"},
    [W_PROGRESS] = {"%zu av %zu", "%zu of %zu"},
    [W_COPY] = {"Exemplar %s · %s %d · sidan %u", "Copy %s · %s %d · page %u"},
    [W_REASON] = {"Skäl:", "Reason:"},
    [W_READING] = {"Skannern läste:", "The scanner read:"},
    [W_READ_NOTHING] = {"inget säkert svar", "no certain answer"},
    [W_READ_MARK] = {"skannerns läsning", "the scanner's reading"},
    [W_DECIDED] = {"Sparat beslut:", "Decision stored:"},
    [W_NO_ANSWER] = {"Inget svar", "No answer"},
    [W_DONT_KNOW] = {"Vet ej", "Don't know"},
    [W_YES] = {"Ja", "Yes"},
    [W_NO] = {"Nej", "No"},
    [W_SAVE] = {"Spara och gå vidare", "Save and go on"},
    [W_PREV] = {"Föregående", "Previous"},
    [W_NEXT] = {"Nästa", "Next"},
    [W_KEYS_CHOICE] = {"Tryck på svarets tangent och Enter. Enter direkt behåller det markerade. "
                       "Backspace eller ← går tillbaka.",
                       "Press the answer's key, then Enter. Enter alone keeps the one chosen. "
                       "Backspace or ← goes back."},
    [W_KEYS_MULTIPLE] = {"Tryck på alternativens tangenter för att markera eller avmarkera, sedan "
                         "Enter. 0 tar bort alla (inget svar). Backspace eller ← går tillbaka.",
                         "Press the options' keys to tick or untick them, then Enter. 0 clears "
                         "them all (no answer). Backspace or ← goes back."},
    [W_KEYS_DIGITS] = {"Skriv talet och tryck Enter; - och Enter för inget svar. Backspace i en "
                       "tom ruta eller ← går tillbaka.",
                       "Type the number and press Enter; - and Enter for no answer. Backspace "
                       "in an empty box or ← goes back."},
    [W_DIGITS_LABEL] = {"Talet (%d–%d)", "The number (%d–%d)"},
    [W_CROP_ALT] = {"Frågan som den ser ut på den skannade sidan",
                    "The question as it looks on the scanned page"},
    [W_FINISHED] = {"Exemplaret är redan sparat som svar och kan inte ändras här.",
                    "The copy has been stored as a response and cannot be changed here."},
    [W_DONE_TITLE] = {"Alla svar är granskade", "All answers are reviewed"},
    [W_DONE_TEXT] = {"%zu svar granskade; %zu exemplar har blivit svar. Du kan stänga sidan och "
                     "avsluta enkat review med Ctrl-C.",
                     "%zu answers reviewed; %zu copies have become responses. You may close "
                     "the page and end enkat review with Ctrl-C."},
    [W_NONE_TITLE] = {"Inga svar väntar på granskning", "No answers wait for review"},
    [W_BAD_VALUE] = {"Det svaret finns inte för frågan. Välj ett av svaren nedan.",
                     "That is no answer to the question. Choose one of the answers below."},
    [W_BAD_DIGITS] = {"Skriv ett heltal mellan %d och %d, eller - för inget svar.",
                      "Type a whole number from %d to %d, or - for no answer."},
    [W_NOT_FOUND] = {"Sidan finns inte.", "No such page."},
    [W_STORE_FAILED] = {"Beslutet kunde inte sparas: %s", "The decision could not be stored: %s"},
    [W_NO_CROP] = {"Bilden kunde inte läsas: %s", "The image could not be read: %s"},
};

static const char *w(const enk_server_review *s, enum word k)
{
        return enk_lang_pick(s->lang, words[k]);
}

/* ------------------------------------------------------------ assets */

static const char css[] =
    "body{font:18px/1.4 system-ui,sans-serif;margin:0 auto;max-width:60rem;padding:1rem;"
    "color:#111;background:#fff}\n"
    "header{display:flex;justify-content:space-between;align-items:baseline;"
    "border-bottom:2px solid #333;margin-bottom:.6rem}\n"
    ".progress{font-size:1.6rem;font-weight:bold}\n"
    ".copy{color:#444}\n"
    ".reason{font-size:1.2rem;margin:.4rem 0}\n"
    ".reason strong{background:#ffe08a;padding:0 .3rem}\n"
    ".crop{display:block;max-width:100%;border:2px solid #333;margin:.4rem 0;"
    "background:#fff}\n"
    "fieldset{border:0;padding:0;margin:.6rem 0}\n"
    "legend{font-weight:bold;font-size:1.15rem;padding:0;margin-bottom:.4rem}\n"
    ".lead{color:#444;margin:0}\n"
    ".qid{color:#666;font-weight:normal;font-size:.85rem}\n"
    "label.a{display:block;padding:.3rem .5rem;margin:.15rem 0;border:2px solid #ccc;"
    "border-radius:.3rem;cursor:pointer}\n"
    "label.a:has(input:checked){border-color:#0a58ca;background:#e7f0ff;font-weight:bold}\n"
    "label.a input{margin-right:.5rem}\n"
    ".read{font-size:.8rem;background:#ffe08a;padding:0 .3rem;margin-left:.5rem}\n"
    "kbd{display:inline-block;min-width:1.3em;text-align:center;border:1px solid #555;"
    "border-bottom-width:3px;border-radius:.25rem;padding:0 .25rem;margin-right:.4rem;"
    "font:bold .95rem monospace;background:#f4f4f4}\n"
    "input[type=text]{font-size:1.6rem;width:8em}\n"
    "button{font-size:1.1rem;padding:.4rem 1rem}\n"
    ".error{border-left:6px solid #b00;padding:.3rem .6rem;color:#b00;font-weight:bold}\n"
    ".note{border-left:6px solid #555;padding:.3rem .6rem}\n"
    "nav{display:flex;justify-content:space-between;margin-top:.8rem}\n"
    ".keys{color:#444;font-size:.95rem}\n";

/* Keys: a digit, '-' (as 0) or v picks the answer of that key (a radio
 * button) or ticks and unticks it (a check box; 0 clears them all); Enter
 * saves; Backspace or the left arrow goes back, the right arrow on. Saving
 * and moving fetch the next page and put its body in place of this one, so
 * no page is loaded; without fetch (or when it fails) the form and links
 * work as they are. */
static const char js[] =
    "(function(){\n"
    "'use strict';\n"
    "function show(r){return r.text().then(function(t){\n"
    " var d=new DOMParser().parseFromString(t,'text/html');\n"
    " document.body.replaceWith(d.body);document.title=d.title;\n"
    " if(r.url&&r.url!==location.href)history.pushState(null,'',r.url);\n"
    " var f=document.querySelector('input[type=text]');if(f)f.focus();\n"
    " document.dispatchEvent(new Event('review:shown'));});}\n"
    "function go(url,opts){if(!window.fetch||!window.DOMParser){if(opts)return false;"
    "location.href=url;return true;}\n"
    " fetch(url,opts||{}).then(show).catch(function(){location.href=url;});return true;}\n"
    "function send(f){var b=new URLSearchParams(new FormData(f));\n"
    " if(!go(f.action,{method:'POST',body:b}))f.submit();}\n"
    "window.addEventListener('popstate',function(){location.reload();});\n"
    "document.addEventListener('submit',function(e){e.preventDefault();send(e.target);});\n"
    "document.addEventListener('keydown',function(e){\n"
    " if(e.ctrlKey||e.metaKey||e.altKey||e.repeat&&e.key==='Enter')return;\n"
    " var t=e.target,typing=t&&t.tagName==='INPUT'&&t.type==='text',k=e.key;\n"
    " var f=document.getElementById('decide');\n"
    " if(k==='Backspace'||k==='ArrowLeft'||k==='ArrowRight'){\n"
    "  if(typing&&t.value!=='')return;\n"
    "  var a=document.getElementById(k==='ArrowRight'?'next':'prev');\n"
    "  if(a){e.preventDefault();go(a.href);}return;}\n"
    " if(!f)return;\n"
    " if(k==='Enter'){e.preventDefault();send(f);return;}\n"
    " if(typing)return;\n"
    " if(k==='-')k='0';\n"
    " var i=f.querySelector('input[data-key=\"'+k.toLowerCase()+'\"]');\n"
    " if(!i)return;e.preventDefault();\n"
    " if(i.type==='checkbox'){\n"
    "  if(k==='0'){f.querySelectorAll('input[type=checkbox]').forEach(function(c){"
    "c.checked=false;});}else i.checked=!i.checked;}\n"
    " else i.checked=true;});\n"
    "})();\n";

/* ------------------------------------------------------------ pages */

static void esc(enk_strbuf *b, const char *s)
{
        enk_webform_escape(b, s);
}

static void page_head(enk_server_review *s, enk_strbuf *b, const char *title)
{
        enk_strbuf_printf(b, "<!DOCTYPE html>\n<html lang=\"%s\"><head><meta charset=\"utf-8\">",
                          s->lang == ENK_LANG_EN ? "en" : "sv");
        enk_strbuf_puts(b, "<meta name=\"viewport\" content=\"width=device-width\"><title>");
        esc(b, title);
        enk_strbuf_puts(b, " – enkat</title><link rel=\"stylesheet\" href=\"/review.css\">"
                           "<script src=\"/review.js\" defer></script></head>\n<body>\n");
}

static void finish_reply(enk_strbuf *b, int status, const char *log_path, struct reply *rp)
{
        *rp = (struct reply){.status = status, .type = HTML_TYPE, .log_path = log_path};
        rp->body = enk_strbuf_take(b, &rp->len);
        if (!rp->body) {
                static const char oom[] = "500 out of memory\n";
                *rp = (struct reply){.status = 500,
                                     .body = (char *) oom,
                                     .len = sizeof(oom) - 1,
                                     .persistent = true,
                                     .type = "text/plain; charset=utf-8"};
        }
}

static void simple_page(enk_server_review *s, int status, const char *title, const char *text,
                        const char *log_path, struct reply *rp)
{
        enk_strbuf b = {0};
        page_head(s, &b, title);
        enk_strbuf_puts(&b, "<main><h1>");
        esc(&b, title);
        enk_strbuf_puts(&b, "</h1><p>");
        esc(&b, text);
        enk_strbuf_puts(&b, "</p></main></body></html>\n");
        finish_reply(&b, status, log_path, rp);
}

/* One answer to pick: a radio button (or a check box for a multiple
 * choice's option) with its key. */
static void answer(enk_strbuf *b, bool box, const char *name, const char *value, const char *key,
                   const char *label, bool checked, bool read, const char *read_word)
{
        enk_strbuf_printf(b, "<label class=\"a\"><input type=\"%s\" name=\"%s\" value=\"",
                          box ? "checkbox" : "radio", name);
        esc(b, value);
        enk_strbuf_puts(b, "\"");
        if (key) {
                enk_strbuf_puts(b, " data-key=\"");
                esc(b, key);
                enk_strbuf_puts(b, "\"");
        }
        enk_strbuf_printf(b, "%s>", checked ? " checked" : "");
        if (key) {
                enk_strbuf_puts(b, "<kbd>");
                esc(b, key);
                enk_strbuf_puts(b, "</kbd>");
        }
        enk_strbuf_puts(b, "<span class=\"l\">");
        esc(b, label);
        enk_strbuf_puts(b, "</span>");
        if (read) {
                enk_strbuf_puts(b, "<span class=\"read\">");
                esc(b, read_word);
                enk_strbuf_puts(b, "</span>");
        }
        enk_strbuf_puts(b, "</label>\n");
}

/* The label of value as the page shows it. */
static void value_label(enk_server_review *s, const enk_review_item *it, int32_t v, char *buf,
                        size_t size)
{
        const enk_question *qn = &it->q->questions[it->question];
        const enk_scale *sc = enk_question_scale(it->q, qn);
        if (v == ENK_MISSING) {
                snprintf(buf, size, "%s", w(s, W_NO_ANSWER));
                return;
        }
        if (v == ENK_NA && sc) {
                const char *l = enk_text_get(&sc->na_label, it->qlang);
                snprintf(buf, size, "%s", *l ? l : w(s, W_DONT_KNOW));
                return;
        }
        if (sc) {
                for (size_t i = 0; i < sc->npoints; i++)
                        if (sc->points[i].value == v) {
                                const char *l = enk_text_get(&sc->points[i].label, it->qlang);
                                snprintf(buf, size, "%ld%s%s", (long) v, *l ? " " : "", l);
                                return;
                        }
        }
        if (qn->type == ENK_Q_YESNO) {
                snprintf(buf, size, "%s", w(s, v ? W_YES : W_NO));
                return;
        }
        if (qn->type == ENK_Q_SINGLE || qn->type == ENK_Q_MULTIPLE) {
                size_t used = 0;
                buf[0] = '\0';
                for (size_t i = 0; i < qn->noptions; i++) {
                        int32_t o = qn->options[i].value;
                        bool on = qn->type == ENK_Q_SINGLE
                                      ? o == v
                                      : o >= 1 && o <= ENK_OPTION_MAX &&
                                            ((uint32_t) v & (UINT32_C(1) << (o - 1)));
                        if (!on)
                                continue;
                        int k = snprintf(buf + used, size - used, "%s%s", used ? ", " : "",
                                         enk_text_get(&qn->options[i].label, it->qlang));
                        if (k < 0 || (size_t) k >= size - used)
                                break;
                        used += (size_t) k;
                }
                return;
        }
        snprintf(buf, size, "%ld", (long) v);
}

/* The controls of review item it: a key per answer, or the digits field. */
static void answer_controls(enk_server_review *s, const enk_review_item *it, int32_t chosen,
                            const char *typed, enk_strbuf *bp)
{
        const enk_question *qn = &it->q->questions[it->question];
        char buf[512];
        const char *readw = w(s, W_READ_MARK);
        char key[24], value[32];
        switch (qn->type) {
        case ENK_Q_SCALE: {
                const enk_scale *sc = enk_question_scale(it->q, qn);
                for (size_t k = 0; sc && k < sc->npoints; k++) {
                        int32_t v = sc->points[k].value;
                        snprintf(key, sizeof(key), "%zu", k + 1);
                        enk_review_value_format(it->q, qn, v, true, value, sizeof(value));
                        value_label(s, it, v, buf, sizeof(buf));
                        answer(bp, false, "v", value, k < 9 ? key : NULL, buf, chosen == v,
                               it->reading == v, readw);
                }
                if (sc && sc->has_na) {
                        enk_review_value_format(it->q, qn, ENK_NA, true, value, sizeof(value));
                        value_label(s, it, ENK_NA, buf, sizeof(buf));
                        answer(bp, false, "v", value, "v", buf, chosen == ENK_NA,
                               it->reading == ENK_NA, readw);
                }
                break;
        }
        case ENK_Q_SINGLE:
                for (size_t k = 0; k < qn->noptions; k++) {
                        int32_t v = qn->options[k].value;
                        snprintf(key, sizeof(key), "%zu", k + 1);
                        snprintf(value, sizeof(value), "%ld", (long) v);
                        answer(bp, false, "v", value, k < 9 ? key : NULL,
                               enk_text_get(&qn->options[k].label, it->qlang), chosen == v,
                               it->reading == v, readw);
                }
                break;
        case ENK_Q_YESNO:
                answer(bp, false, "v", "1", "1", w(s, W_YES), chosen == 1, it->reading == 1, readw);
                answer(bp, false, "v", "0", "2", w(s, W_NO), chosen == 0, it->reading == 0, readw);
                break;
        case ENK_Q_MULTIPLE:
                for (size_t k = 0; k < qn->noptions; k++) {
                        int32_t o = qn->options[k].value;
                        bool on = chosen != ENK_MISSING && o >= 1 && o <= ENK_OPTION_MAX &&
                                  ((uint32_t) chosen & (UINT32_C(1) << (o - 1)));
                        bool read = it->reading != ENK_MISSING && o >= 1 && o <= ENK_OPTION_MAX &&
                                    ((uint32_t) it->reading & (UINT32_C(1) << (o - 1)));
                        snprintf(key, sizeof(key), "%zu", k + 1);
                        snprintf(value, sizeof(value), "%ld", (long) o);
                        answer(bp, true, "o", value, k < 9 ? key : NULL,
                               enk_text_get(&qn->options[k].label, it->qlang), on, read, readw);
                }
                break;
        case ENK_Q_NUMBER:
        case ENK_Q_TEXT: {
                snprintf(buf, sizeof(buf), w(s, W_DIGITS_LABEL), (int) qn->min, (int) qn->max);
                enk_strbuf_puts(bp, "<label>");
                esc(bp, buf);
                enk_strbuf_puts(bp, " <input type=\"text\" name=\"v\" id=\"digits\" "
                                    "inputmode=\"numeric\" autocomplete=\"off\" autofocus "
                                    "value=\"");
                if (typed)
                        esc(bp, typed);
                else if (chosen != ENK_MISSING || it->decided) {
                        enk_review_value_format(it->q, qn, chosen, true, value, sizeof(value));
                        esc(bp, value);
                }
                enk_strbuf_puts(bp, "\"></label>\n");
                break;
        }
        }
        if (qn->type != ENK_Q_NUMBER && qn->type != ENK_Q_TEXT) {
                if (qn->type == ENK_Q_MULTIPLE)
                        answer(bp, true, "v", "-", "0", w(s, W_NO_ANSWER),
                               it->decided && chosen == ENK_MISSING, false, readw);
                else
                        answer(bp, false, "v", "-", "0", w(s, W_NO_ANSWER),
                               chosen == ENK_MISSING && it->decided, false, readw);
        }
}

/* What the scanner read or the decision, the button, the way back and on,
 * and the keys of item i of n. */
static void page_foot(enk_server_review *s, size_t i, size_t n, bool open, enk_strbuf *bp)
{
        const enk_review_item *it = enk_review_get(s->rv, i);
        const enk_question *qn = &it->q->questions[it->question];
        char buf[512];
        enk_strbuf_puts(bp, "</fieldset>\n<p>");
        if (it->decided) {
                value_label(s, it, it->decision, buf, sizeof(buf));
                esc(bp, w(s, W_DECIDED));
        } else {
                if (it->reading == ENK_MISSING)
                        snprintf(buf, sizeof(buf), "%s", w(s, W_READ_NOTHING));
                else
                        value_label(s, it, it->reading, buf, sizeof(buf));
                esc(bp, w(s, W_READING));
        }
        enk_strbuf_puts(bp, " <strong id=\"reading\">");
        esc(bp, buf);
        enk_strbuf_puts(bp, "</strong></p>\n");
        if (open) {
                enk_strbuf_puts(bp, "<button type=\"submit\"><kbd>Enter</kbd>");
                esc(bp, w(s, W_SAVE));
                enk_strbuf_puts(bp, "</button>\n</form>\n");
        } else {
                enk_strbuf_puts(bp, "<p class=\"note\">");
                esc(bp, w(s, W_FINISHED));
                enk_strbuf_puts(bp, "</p>\n");
        }
        enk_strbuf_puts(bp, "<nav>");
        if (i > 0) {
                enk_strbuf_printf(bp, "<a id=\"prev\" rel=\"prev\" href=\"/r/%zu\">← ", i);
                esc(bp, w(s, W_PREV));
                enk_strbuf_puts(bp, "</a>");
        } else {
                enk_strbuf_puts(bp, "<span></span>");
        }
        if (i + 1 < n && it->decided) {
                enk_strbuf_printf(bp, "<a id=\"next\" rel=\"next\" href=\"/r/%zu\">", i + 2);
                esc(bp, w(s, W_NEXT));
                enk_strbuf_puts(bp, " →</a>");
        }
        enk_strbuf_puts(bp, "</nav>\n<p class=\"keys\" id=\"keys\">");
        esc(bp, w(s, qn->type == ENK_Q_MULTIPLE                           ? W_KEYS_MULTIPLE
                     : qn->type == ENK_Q_NUMBER || qn->type == ENK_Q_TEXT ? W_KEYS_DIGITS
                                                                          : W_KEYS_CHOICE));
        enk_strbuf_puts(bp, "</p>\n</main></body></html>\n");
}

static void review_page(enk_server_review *s, size_t i, int status, const char *error,
                        const char *typed, struct reply *rp)
{
        size_t n = enk_review_count(s->rv);
        const enk_review_item *it = enk_review_get(s->rv, i);
        const enk_question *qn = &it->q->questions[it->question];
        /* What is chosen beforehand: the decision once there is one, else the
         * scanner's reading. */
        int32_t chosen = it->decided ? it->decision : it->reading;
        char progress[64], buf[512];
        snprintf(progress, sizeof(progress), w(s, W_PROGRESS), i + 1, n);
        enk_strbuf b = {0};
        char title[160];
        snprintf(title, sizeof(title), "%s %s", w(s, W_TITLE), progress);
        page_head(s, &b, title);
        enk_strbuf_puts(&b, "<header><span class=\"progress\" id=\"progress\">");
        esc(&b, progress);
        enk_strbuf_puts(&b, "</span><span class=\"copy\">");
        snprintf(buf, sizeof(buf), w(s, W_COPY), it->serial, it->unit, it->year, it->page);
        esc(&b, buf);
        enk_strbuf_puts(&b, "</span></header>\n<main>\n<p class=\"reason\">");
        esc(&b, w(s, W_REASON));
        enk_strbuf_puts(&b, " <strong id=\"reason\">");
        esc(&b, enk_review_reason_text(it->reason, s->lang));
        enk_strbuf_puts(&b, "</strong></p>\n");
        if (error) {
                enk_strbuf_puts(&b, "<p class=\"error\" role=\"alert\">");
                esc(&b, error);
                enk_strbuf_puts(&b, "</p>\n");
        }
        enk_strbuf_printf(&b, "<img class=\"crop\" src=\"/crop/%zu.png\" alt=\"", i + 1);
        esc(&b, w(s, W_CROP_ALT));
        enk_strbuf_puts(&b, "\">\n");
        /* The next crop, fetched while this one is decided. */
        if (i + 1 < n)
                enk_strbuf_printf(&b, "<link rel=\"prefetch\" href=\"/crop/%zu.png\">\n", i + 2);

        bool open = !it->finished;
        if (open)
                enk_strbuf_printf(&b, "<form id=\"decide\" method=\"post\" action=\"/r/%zu\">\n",
                                  i + 1);
        enk_strbuf_puts(&b, "<fieldset><legend>");
        if (qn->grid >= 0) {
                enk_strbuf_puts(&b, "<p class=\"lead\">");
                esc(&b, enk_text_get(&it->q->grids[qn->grid].text, it->qlang));
                enk_strbuf_puts(&b, "</p>");
        }
        enk_strbuf_puts(&b, "<span id=\"question\">");
        esc(&b, enk_text_get(&qn->text, it->qlang));
        enk_strbuf_puts(&b, "</span> <small class=\"qid\">");
        esc(&b, qn->id);
        enk_strbuf_puts(&b, "</small></legend>\n");
        answer_controls(s, it, chosen, typed, &b);
        page_foot(s, i, n, open, &b);
        finish_reply(&b, status, "/r/N", rp);
}

static void done_page(enk_server_review *s, struct reply *rp)
{
        size_t n = enk_review_count(s->rv);
        char text[512];
        if (!n) {
                simple_page(s, 200, w(s, W_NONE_TITLE), "", "/klart", rp);
                return;
        }
        snprintf(text, sizeof(text), w(s, W_DONE_TEXT), n, enk_review_finished(s->rv));
        enk_strbuf b = {0};
        page_head(s, &b, w(s, W_DONE_TITLE));
        enk_strbuf_puts(&b, "<main><h1 id=\"done\">");
        esc(&b, w(s, W_DONE_TITLE));
        enk_strbuf_puts(&b, "</h1><p>");
        esc(&b, text);
        enk_strbuf_printf(&b, "</p><nav><a id=\"prev\" rel=\"prev\" href=\"/r/%zu\">← ", n);
        esc(&b, w(s, W_PREV));
        enk_strbuf_puts(&b, "</a></nav></main></body></html>\n");
        finish_reply(&b, 200, "/klart", rp);
}

static void see_other(size_t next, size_t n, struct reply *rp, const char *log_path)
{
        static char where[48]; /* one request at a time */
        if (next < n)
                snprintf(where, sizeof(where), "/r/%zu", next + 1);
        else
                snprintf(where, sizeof(where), "/klart");
        *rp = (struct reply){.status = 303,
                             .body = (char *) "",
                             .persistent = true,
                             .type = "text/plain; charset=utf-8",
                             .location = where,
                             .log_path = log_path};
}

/* The first undecided answer after i, else the first anywhere, else n. */
static size_t next_after(const enk_review *rv, size_t i)
{
        size_t n = enk_review_count(rv);
        for (size_t k = i + 1; k < n; k++)
                if (!enk_review_get(rv, k)->decided)
                        return k;
        return enk_review_next_waiting(rv);
}

/* The first error of d, formatted, into buf. */
static void first_error(const enk_diags *d, char *buf, size_t size)
{
        buf[0] = '\0';
        if (d && enk_diags_count(d)) {
                char *m = enk_diag_format(enk_diags_get(d, 0));
                snprintf(buf, size, "%s", m ? m : "");
                free(m);
        }
}

static void report(enk_server_review *s, const enk_diags *d)
{
        if (!s->error || !d)
                return;
        for (size_t i = 0; i < enk_diags_count(d); i++) {
                char *m = enk_diag_format(enk_diags_get(d, i));
                if (m)
                        s->error(s->ctx, m);
                free(m);
        }
}

static void decide(enk_server_review *s, size_t i, const char *body, size_t len, struct reply *rp)
{
        const enk_review_item *it = enk_review_get(s->rv, i);
        const enk_question *qn = &it->q->questions[it->question];
        enk_server_form f;
        if (enk_server_form_decode(body, len, 64, &f) != ENK_OK) {
                review_page(s, i, 400, w(s, W_BAD_VALUE), NULL, rp);
                return;
        }
        /* v is the answer; a multiple choice's ticked options come as o. */
        const char *v = NULL;
        char opts[256] = "";
        size_t used = 0;
        for (size_t k = 0; k < f.n; k++) {
                if (!strcmp(f.fields[k].name, "v") && !v)
                        v = f.fields[k].value;
                else if (!strcmp(f.fields[k].name, "o") && used < sizeof(opts) - 16)
                        used += (size_t) snprintf(opts + used, sizeof(opts) - used, "%s%s",
                                                  used ? "|" : "", f.fields[k].value);
        }
        if (qn->type == ENK_Q_MULTIPLE && !v)
                v = used ? opts : "-";
        int32_t value;
        bool ok = v && enk_review_value_parse(it->q, qn, v, &value);
        if (!ok) {
                char msg[256];
                if (qn->type == ENK_Q_NUMBER)
                        snprintf(msg, sizeof(msg), w(s, W_BAD_DIGITS), (int) qn->min,
                                 (int) qn->max);
                else
                        snprintf(msg, sizeof(msg), "%s", w(s, W_BAD_VALUE));
                review_page(s, i, 400, msg, v, rp);
                enk_server_form_release(&f);
                return;
        }
        enk_server_form_release(&f);
        enk_diags *d = enk_diags_new(0);
        enk_status st = d ? enk_review_decide(s->rv, i, value, d) : ENK_ERR_NOMEM;
        if (st != ENK_OK) {
                char why[400], msg[512];
                first_error(d, why, sizeof(why));
                snprintf(msg, sizeof(msg), w(s, W_STORE_FAILED), why);
                report(s, d);
                enk_diags_free(d);
                review_page(s, i,
                            st == ENK_ERR_EXISTS ? 409
                            : st == ENK_ERR_DATA ? 400
                                                 : 500,
                            msg, NULL, rp);
                return;
        }
        enk_diags_free(d);
        see_other(next_after(s->rv, i), enk_review_count(s->rv), rp, "/r/N");
}

static void crop(enk_server_review *s, size_t i, struct reply *rp)
{
        enk_diags *d = enk_diags_new(0);
        uint8_t *png = NULL;
        size_t len = 0;
        enk_status st = d ? enk_review_crop(s->rv, i, &png, &len, d) : ENK_ERR_NOMEM;
        if (st != ENK_OK) {
                char why[400], msg[512];
                first_error(d, why, sizeof(why));
                snprintf(msg, sizeof(msg), w(s, W_NO_CROP), why);
                report(s, d);
                enk_diags_free(d);
                char *body = strdup(msg);
                *rp = (struct reply){.status = st == ENK_ERR_NOMEM ? 500 : 404,
                                     .body = body ? body : (char *) "",
                                     .len = body ? strlen(body) : 0,
                                     .persistent = !body,
                                     .type = "text/plain; charset=utf-8",
                                     .log_path = "/crop/N.png"};
                return;
        }
        enk_diags_free(d);
        /* A crop of a review never changes: the browser may keep it, so
         * the prefetched next one is shown at once. */
        *rp = (struct reply){.status = 200,
                             .body = (char *) png,
                             .len = len,
                             .type = "image/png",
                             .cache = "private, max-age=3600",
                             .log_path = "/crop/N.png"};
}

/* "/r/N" or "/crop/N.png": N within the queue (1-based) into *i. */
static bool numbered(const char *path, const char *prefix, const char *suffix, size_t n, size_t *i)
{
        size_t pl = strlen(prefix), sl = strlen(suffix), len = strlen(path);
        if (len <= pl + sl || strncmp(path, prefix, pl) || strcmp(path + len - sl, suffix))
                return false;
        char num[24];
        size_t nl = len - pl - sl;
        if (nl >= sizeof(num) || path[pl] == '0')
                return false;
        memcpy(num, path + pl, nl);
        num[nl] = '\0';
        for (size_t k = 0; k < nl; k++)
                if (num[k] < '0' || num[k] > '9')
                        return false;
        long v;
        if (!enk_utf8_parse_int(num, 1, (long) (n < 1000000000 ? n : 1000000000), &v))
                return false;
        *i = (size_t) v - 1;
        return true;
}

static void handle(void *ctx, const char *method, const char *path, const char *body, size_t len,
                   struct reply *rp)
{
        enk_server_review *s = ctx;
        size_t n = enk_review_count(s->rv), i;
        bool get = !strcmp(method, "GET") || !strcmp(method, "HEAD");
        bool post = !strcmp(method, "POST");
        static const char allow_get[] = "GET, HEAD", allow_both[] = "GET, HEAD, POST";
        const char *allow = allow_get;
        if (!strcmp(path, "/")) {
                if (get) {
                        see_other(enk_review_next_waiting(s->rv), n, rp, "/");
                        return;
                }
        } else if (!strcmp(path, "/favicon.ico")) {
                if (get) {
                        /* none: said at once, so the browser does not log a 404 */
                        *rp = (struct reply){.status = 204,
                                             .body = (char *) "",
                                             .persistent = true,
                                             .type = "text/plain; charset=utf-8",
                                             .log_path = "/favicon.ico"};
                        return;
                }
        } else if (!strcmp(path, "/klart")) {
                if (get) {
                        done_page(s, rp);
                        return;
                }
        } else if (!strcmp(path, "/review.css") || !strcmp(path, "/review.js")) {
                if (get) {
                        bool is_js = path[8] == 'j';
                        *rp = (struct reply){.status = 200,
                                             .body = (char *) (is_js ? js : css),
                                             .len = is_js ? sizeof(js) - 1 : sizeof(css) - 1,
                                             .persistent = true,
                                             .type = is_js ? "application/javascript; charset=utf-8"
                                                           : "text/css; charset=utf-8",
                                             .log_path = is_js ? "/review.js" : "/review.css"};
                        return;
                }
        } else if (numbered(path, "/r/", "", n, &i)) {
                allow = allow_both;
                if (get) {
                        review_page(s, i, 200, NULL, NULL, rp);
                        return;
                }
                if (post) {
                        decide(s, i, body, len, rp);
                        return;
                }
        } else if (numbered(path, "/crop/", ".png", n, &i)) {
                if (get) {
                        crop(s, i, rp);
                        return;
                }
        } else {
                simple_page(s, 404, w(s, W_NOT_FOUND), path, "-", rp);
                return;
        }
        simple_page(s, 405, "405", allow, "-", rp);
        rp->allow = allow;
}

/* ------------------------------------------------------------ life cycle */

enk_status enk_server_review_new(const enk_server_review_options *o, enk_server_review **out,
                                 enk_diags *diags)
{
        if (!o || !o->db || !out)
                return ENK_ERR_USAGE;
        enk_server_review *s = calloc(1, sizeof(*s));
        if (!s)
                return ENK_ERR_NOMEM;
        s->lang = o->lang;
        s->error = o->error;
        s->ctx = o->ctx;
        s->pipe[0] = s->pipe[1] = -1;
        enk_status st = enk_review_open(o->db, &s->rv, diags);
        if (st == ENK_OK && pipe(s->pipe) != 0)
                st = ENK_ERR_IO;
        if (st == ENK_OK)
                st = server_local_start(o->port,
                                        "default-src 'none'; script-src 'self'; style-src "
                                        "'self'; img-src 'self'; connect-src 'self'; "
                                        "form-action 'self'; base-uri 'none'; "
                                        "frame-ancestors 'none'",
                                        handle, s, o->log, o->ctx, &s->http, diags);
        if (st != ENK_OK) {
                enk_server_review_free(s);
                return st;
        }
        *out = s;
        return ENK_OK;
}

unsigned enk_server_review_port(const enk_server_review *s)
{
        return server_local_port(s->http);
}

size_t enk_server_review_count(const enk_server_review *s)
{
        return enk_review_count(s->rv);
}

size_t enk_server_review_waiting(const enk_server_review *s)
{
        size_t n = 0;
        for (size_t i = 0; i < enk_review_count(s->rv); i++)
                n += !enk_review_get(s->rv, i)->decided;
        return n;
}

void enk_server_review_stop(enk_server_review *s)
{
        if (!s)
                return;
        s->stopping = 1;
        if (s->pipe[1] >= 0) {
                ssize_t r = write(s->pipe[1], "x", 1);
                (void) r;
        }
}

enk_status enk_server_review_run(enk_server_review *s, size_t *finished, enk_diags *diags)
{
        while (!s->stopping) {
                struct pollfd p = {.fd = s->pipe[0], .events = POLLIN};
                poll(&p, 1, 500);
        }
        server_local_stop(s->http);
        s->http = NULL;
        enk_status st = enk_review_finish_all(s->rv, diags);
        if (finished)
                *finished = enk_review_finished(s->rv);
        return st;
}

void enk_server_review_free(enk_server_review *s)
{
        if (!s)
                return;
        server_local_stop(s->http);
        enk_review_free(s->rv);
        if (s->pipe[0] >= 0)
                close(s->pipe[0]);
        if (s->pipe[1] >= 0)
                close(s->pipe[1]);
        free(s);
}
