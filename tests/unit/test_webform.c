/* tests/unit/test_webform.c - the web form: reading submissions and the pages.
 *
 * Expected values come from the inline questionnaire and the rules written in
 * survey/webform.h and docs/questionnaire.md (field names and values, the
 * value encoding of survey/questionnaire.h), never from the module's output.
 * The pages are checked by a small scanner here (ids unique, every input
 * labelled, links pointing at ids that exist); tests/web/check_html.py checks
 * the written pages again with Python's own HTML parser.
 *
 * With ENK_WEBFORM_DUMP=DIR set, the pages are also written into DIR (an empty
 * form, one with errors, the English one, the other pages), to look at them in
 * a browser.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "survey/webform.h"
#include "tests/unit/check.h"

/* Questions, in order (indexes in the enum below). The hostile texts test the
 * escaping: a question text with markup and quotes, an option label with an
 * ampersand and a double quote. */
static const char yaml[] =
    "survey: wf\n"
    "edition: 2024\n"
    "languages: [sv, en]\n"
    "title: {sv: 'Enkät <b>&</b> \"test\"', en: Survey}\n"
    "intro: {sv: \"Första stycket.\\n\\nAndra stycket.\", en: Intro}\n"
    "scales:\n"
    "  - id: fem\n"
    "    points:\n"
    "      - {value: 1, label: {sv: Mycket dåligt, en: Very bad}}\n"
    "      - {value: 2, label: {sv: Dåligt, en: Bad}}\n"
    "      - {value: 3, label: {sv: Bra, en: Good}}\n"
    "      - {value: 4, label: {sv: Mycket bra, en: Very good}}\n"
    "    positive: [3, 4]\n"
    "    not_applicable: {code: 9, label: {sv: Vet ej, en: Don't know}}\n"
    "  - id: tva\n"
    "    points:\n"
    "      - {value: 0, label: {sv: Nej, en: 'No'}}\n"
    "      - {value: 1, label: {sv: Ja, en: 'Yes'}}\n"
    "    positive: [1]\n"
    "sections:\n"
    "  - id: a\n"
    "    title: {sv: Första delen, en: Part one}\n"
    "    intro: {sv: Om dig., en: About you.}\n"
    "    questions:\n"
    "      - id: har_barn\n"
    "        type: yesno\n"
    "        required: true\n"
    "        text: {sv: Har du barn?, en: Do you have children?}\n"
    "      - id: antal\n"
    "        type: number\n"
    "        min: 0\n"
    "        max: 20\n"
    "        unit: {sv: år, en: years}\n"
    "        required: true\n"
    "        show_if: {question: har_barn, equals: yes}\n"
    "        help: {sv: Räkna hela år., en: Whole years.}\n"
    "        text: {sv: Hur länge?, en: How long?}\n"
    "      - id: typ\n"
    "        type: single\n"
    "        text: {sv: 'Vilken <script>alert(1)</script> typ?', en: Which type?}\n"
    "        options:\n"
    "          - {value: 1, label: {sv: 'Hem & \"gård\"', en: Home}}\n"
    "          - {value: 2, label: {sv: Jour, en: Emergency}}\n"
    "          - {value: 5, label: {sv: Annat, en: Other}}\n"
    "  - id: b\n"
    "    title: {sv: Andra delen, en: Part two}\n"
    "    questions:\n"
    "      - id: kurser\n"
    "        type: multiple\n"
    "        required: true\n"
    "        text: {sv: Vilka kurser?, en: Which courses?}\n"
    "        options:\n"
    "          - {value: 1, label: {sv: Ett, en: One}}\n"
    "          - {value: 2, label: {sv: Två, en: Two}}\n"
    "          - {value: 4, label: {sv: Fyra, en: Four}}\n"
    "      - id: nytta\n"
    "        type: scale\n"
    "        scale: fem\n"
    "        show_if: {question: kurser, in: [1, 2]}\n"
    "        text: {sv: Var de till nytta?, en: Were they useful?}\n"
    "      - id: matris\n"
    "        type: grid\n"
    "        scale: fem\n"
    "        text: {sv: Hur fungerar det?, en: How does it work?}\n"
    "        items:\n"
    "          - {id: g1, required: true, text: {sv: Skolan, en: School}}\n"
    "          - {id: g2, text: {sv: 'Vården <i>', en: Care}, help: {sv: Även BUP., en: "
    "Also BUP.}}\n"
    "      - id: ok\n"
    "        type: scale\n"
    "        scale: tva\n"
    "        text: {sv: Går det bra?, en: Is it going well?}\n"
    "      - id: fritt\n"
    "        type: text\n"
    "        rows: 5\n"
    "        text: {sv: Övrigt, en: Other}\n";

enum { HAR_BARN, ANTAL, TYP, KURSER, NYTTA, G1, G2, OK, FRITT, NQ };
#define M ENK_MISSING

static enk_questionnaire *Q;

/* Reads fields given as name, value, name, value, ..., NULL. */
static enk_webform_input *read_fields(int lang, const char *first, ...)
{
        enk_webform_field f[64];
        size_t n = 0;
        va_list ap;
        va_start(ap, first);
        for (const char *name = first; name && n < 64; name = va_arg(ap, const char *)) {
                f[n].name = name;
                f[n].value = va_arg(ap, const char *);
                n++;
        }
        va_end(ap);
        enk_webform_input *in = NULL;
        enk_status st = enk_webform_read(Q, lang, f, n, &in);
        CHECK_INT(st, ENK_OK);
        return in;
}

/* A whole valid response: the values every field stands for. */
static const char *const VALID[] = {
    "har_barn", "ja",
    "antal",    "12",
    "typ",      "5",
    "kurser",   "1",
    "kurser",   "4",
    "nytta",    "na",
    "g1",       "3",
    "g2",       "4",
    "ok",       "0",
    "fritt",    "  Rad ett\r\nRad två  \r\n",
    "kod",      "K7QM-4XPA-93TR",
    "csrf",     "x",
    "action",   "skicka",
};

static enk_webform_input *read_array(const char *const *kv, size_t n, int lang)
{
        enk_webform_field f[64];
        for (size_t i = 0; i < n / 2; i++) {
                f[i].name = kv[2 * i];
                f[i].value = kv[2 * i + 1];
        }
        enk_webform_input *in = NULL;
        CHECK_INT(enk_webform_read(Q, lang, f, n / 2, &in), ENK_OK);
        return in;
}

static char *render(const enk_webform_options *o)
{
        char *html = NULL;
        size_t len = 0;
        enk_status st = enk_webform_render(Q, o, &html, &len);
        CHECK_INT(st, ENK_OK);
        if (st != ENK_OK)
                return NULL;
        CHECK_INT(strlen(html), len);
        return html;
}

static size_t count(const char *hay, const char *needle)
{
        size_t n = 0;
        for (const char *p = hay; (p = strstr(p, needle)) != NULL; p += strlen(needle))
                n++;
        return n;
}

/* The value of attribute name in the tag that starts at tag (up to its '>'),
 * copied into out; false when the tag has none. */
static bool attr(const char *tag, const char *name, char *out, size_t size)
{
        const char *end = strchr(tag, '>');
        char pat[64];
        snprintf(pat, sizeof(pat), " %s=\"", name);
        const char *p = strstr(tag, pat);
        if (!p || !end || p > end)
                return false;
        p += strlen(pat);
        const char *q = strchr(p, '"');
        if (!q || (size_t) (q - p) >= size)
                return false;
        memcpy(out, p, (size_t) (q - p));
        out[q - p] = '\0';
        return true;
}

/* Checks the page's structure: ids unique, every visible input and textarea
 * labelled by a <label for>, every in-page link pointing at an id. */
static void check_structure(const char *html)
{
        char id[128], other[128], pat[160];
        for (const char *p = html; (p = strstr(p, " id=\"")) != NULL; p++) {
                if (!attr(p - 1, "id", id, sizeof(id)))
                        continue;
                snprintf(pat, sizeof(pat), " id=\"%s\"", id);
                if (count(html, pat) != 1) {
                        printf("id '%s' appears %zu times\n", id, count(html, pat));
                        CHECK(count(html, pat) == 1);
                }
        }
        const char *tags[] = {"<input ", "<textarea "};
        for (size_t t = 0; t < 2; t++) {
                for (const char *p = html; (p = strstr(p, tags[t])) != NULL; p++) {
                        char type[32] = "";
                        attr(p, "type", type, sizeof(type));
                        if (!strcmp(type, "hidden"))
                                continue;
                        bool has = attr(p, "id", id, sizeof(id));
                        CHECK(has);
                        if (!has)
                                continue;
                        snprintf(pat, sizeof(pat), "<label for=\"%s\"", id);
                        if (!strstr(html, pat)) {
                                snprintf(pat, sizeof(pat), "<label class=\"label\" for=\"%s\"", id);
                                if (!strstr(html, pat)) {
                                        printf("input '%s' has no label\n", id);
                                        CHECK(false);
                                }
                        }
                        if (attr(p, "aria-describedby", other, sizeof(other))) {
                                char *save = NULL;
                                for (char *ref = strtok_r(other, " ", &save); ref;
                                     ref = strtok_r(NULL, " ", &save)) {
                                        snprintf(pat, sizeof(pat), " id=\"%s\"", ref);
                                        if (!strstr(html, pat)) {
                                                printf("aria-describedby '%s' missing\n", ref);
                                                CHECK(false);
                                        }
                                }
                        }
                }
        }
        for (const char *p = html; (p = strstr(p, "<a href=\"#")) != NULL; p++) {
                attr(p - 1 + 1, "href", id, sizeof(id));
                snprintf(pat, sizeof(pat), " id=\"%s\"", id + 1);
                if (!strstr(html, pat)) {
                        printf("link to missing '%s'\n", id);
                        CHECK(false);
                }
        }
        CHECK(strstr(html, "style=\"") == NULL);
        CHECK(strstr(html, " onclick") == NULL && strstr(html, " onchange") == NULL);
}

/* The text of the error message beside question id, or "" when none. */
static void error_beside(const char *html, const char *qid, char *out, size_t size)
{
        char pat[128];
        snprintf(pat, sizeof(pat), "id=\"q-%s-error\">", qid);
        out[0] = '\0';
        const char *p = strstr(html, pat);
        if (!p)
                return;
        p += strlen(pat);
        const char *span_end = strstr(p, "</span>");
        if (span_end)
                p = span_end + strlen("</span>");
        const char *e = strstr(p, "</p>");
        size_t n = e ? (size_t) (e - p) : 0;
        if (n >= size)
                n = size - 1;
        memcpy(out, p, n);
        out[n] = '\0';
}

/* The submission's answer values, as the response gives them. */
static const int32_t *values_of(const enk_webform_input *in)
{
        const enk_response *r = enk_webform_response(in);
        return r ? r->values : NULL;
}

/* The number of free-text answers of the submission; *id and *text (may be
 * NULL) the last one's question and text. */
static size_t texts_of(const enk_webform_input *in, const char **id, const char **text)
{
        const enk_response *r = enk_webform_response(in);
        size_t n = 0;
        for (size_t i = 0; r && r->texts && i < r->q->nquestions; i++) {
                if (!r->texts[i])
                        continue;
                n++;
                if (id)
                        *id = r->q->questions[i].id;
                if (text)
                        *text = r->texts[i];
        }
        return n;
}

static void test_read_valid(void)
{
        enk_webform_input *in = read_array(VALID, sizeof(VALID) / sizeof(VALID[0]), 0);
        CHECK_INT(enk_webform_nerrors(in), 0);
        const int32_t *v = values_of(in);
        /* survey/questionnaire.h: yes 1; the number; the option; the set of
         * options 1 and 4 is bits 0 and 3 = 9; na; points; the text slot 1. */
        const int32_t want[NQ] = {1, 12, 5, 9, ENK_NA, 3, 4, 0, 1};
        for (int i = 0; i < NQ; i++)
                CHECK_INT(v[i], want[i]);
        const char *id = NULL, *text = NULL;
        CHECK_INT(texts_of(in, &id, &text), 1);
        CHECK_STR(id, "fritt");
        CHECK_STR(text, "Rad ett\nRad två");
        enk_webform_input_free(in);
}

static void test_read_empty(void)
{
        enk_webform_input *in = read_fields(0, NULL);
        /* Required and shown: har_barn, kurser, g1 (antal is skipped: har_barn
         * is unanswered). */
        CHECK_INT(enk_webform_nerrors(in), 3);
        const int32_t *v = values_of(in);
        for (int i = 0; i < NQ; i++)
                CHECK_INT(v[i], M);
        CHECK_INT(texts_of(in, NULL, NULL), 0);

        enk_webform_options o = {.lang = 0, .action = "/svar", .input = in, .show_errors = true};
        char *html = render(&o);
        char msg[256];
        error_beside(html, "har_barn", msg, sizeof(msg));
        CHECK_STR(msg, "Välj Ja eller Nej");
        error_beside(html, "kurser", msg, sizeof(msg));
        CHECK_STR(msg, "Välj minst ett av alternativen");
        error_beside(html, "g1", msg, sizeof(msg));
        CHECK_STR(msg, "Välj ett av svarsalternativen");
        error_beside(html, "antal", msg, sizeof(msg));
        CHECK_STR(msg, "");
        /* The summary links to the first input of each question. */
        CHECK(strstr(html, "<a href=\"#q-har_barn-ja\">") != NULL);
        CHECK(strstr(html, "<a href=\"#q-kurser-1\">") != NULL);
        CHECK(strstr(html, "<a href=\"#q-g1-1\">") != NULL);
        CHECK(strstr(html, "id=\"q-har_barn-ja\"") != NULL);
        CHECK_INT(count(html, "<li><a href=\"#"), 3);
        CHECK(strstr(html, "<title>Fel: ") != NULL);
        CHECK(strstr(html, "role=\"alert\"") != NULL);
        CHECK(strstr(html, "tabindex=\"-1\"") != NULL);
        CHECK(strstr(html, "Det finns fel i formuläret") != NULL);
        check_structure(html);
        free(html);

        /* The same input as a resumed draft: no errors shown. */
        o.show_errors = false;
        html = render(&o);
        CHECK(strstr(html, "<title>Fel: ") == NULL);
        CHECK(strstr(html, "class=\"error-summary\"") == NULL);
        CHECK(strstr(html, "q-har_barn-error") == NULL);
        free(html);
        enk_webform_input_free(in);
}

static void test_read_choices(void)
{
        /* A multiple-choice field repeats; duplicates are one option. */
        enk_webform_input *in = read_fields(0, "kurser", "2", "kurser", "4", "kurser", "2", NULL);
        CHECK_INT(values_of(in)[KURSER], (1 << 1) | (1 << 3));
        CHECK_INT(values_of(in)[NYTTA], M);
        enk_webform_input_free(in);

        /* An option that does not exist, on each choice type. */
        in = read_fields(0, "har_barn", "kanske", "typ", "3", "kurser", "3", "kurser", "1", "g1",
                         "7", "g2", "na", "ok", "na", NULL);
        const int32_t *v = values_of(in);
        CHECK_INT(v[HAR_BARN], M);
        CHECK_INT(v[TYP], M);
        CHECK_INT(v[G1], M);
        CHECK_INT(v[G2], ENK_NA); /* scale fem has "Vet ej" */
        CHECK_INT(v[OK], M);      /* scale tva has none */
        /* har_barn (not ja/nej), typ, kurser, g1, ok */
        CHECK_INT(enk_webform_nerrors(in), 5);
        enk_webform_options o = {.lang = 0, .action = "/svar", .input = in, .show_errors = true};
        char *html = render(&o);
        char msg[256];
        error_beside(html, "har_barn", msg, sizeof(msg));
        CHECK_STR(msg, "Välj Ja eller Nej");
        error_beside(html, "typ", msg, sizeof(msg));
        CHECK_STR(msg, "Välj ett av svarsalternativen");
        error_beside(html, "ok", msg, sizeof(msg));
        CHECK_STR(msg, "Välj ett av svarsalternativen");
        /* What was chosen and valid stays chosen. */
        CHECK(strstr(html, "id=\"q-kurser-1\" name=\"kurser\" value=\"1\" checked") != NULL);
        CHECK(strstr(html, "id=\"q-g2-na\" name=\"g2\" value=\"na\" checked") != NULL);
        check_structure(html);
        free(html);
        enk_webform_input_free(in);

        /* Two different answers to a one-answer question. */
        in = read_fields(0, "typ", "1", "typ", "2", NULL);
        CHECK_INT(values_of(in)[TYP], M);
        html = render(&(enk_webform_options){.action = "/svar", .input = in, .show_errors = true});
        error_beside(html, "typ", msg, sizeof(msg));
        CHECK_STR(msg, "Välj bara ett av svarsalternativen");
        free(html);
        enk_webform_input_free(in);

        /* The same answer twice is one answer; white space around is fine. */
        in = read_fields(0, "typ", "2", "typ", " 2 ", "har_barn", "nej", NULL);
        CHECK_INT(values_of(in)[TYP], 2);
        CHECK_INT(values_of(in)[HAR_BARN], 0);
        enk_webform_input_free(in);
}

static void test_read_numbers(void)
{
        struct {
                const char *typed;
                int32_t value;
                const char *error;
        } cases[] = {
            {"12", 12, ""},
            {" 7 ", 7, ""},
            {"0", 0, ""},
            {"1 5", 15, ""}, /* spaces between digits are ignored */
            {"1\xc2\xa0"
             "5",
             15, ""}, /* a no-break space, as Swedish writes 1 000 */
            {"020", 20, ""},
            {"+3", 3, ""},
            {"21", 21, "Ange ett tal mellan 0 och 20"},
            {"12 år", 12, ""}, /* with the unit, in either language */
            {"12years", 12, ""},
            {"25 år", 25, "Ange ett tal mellan 0 och 20"},
            {"år", M, "Skriv svaret med siffror, ett heltal mellan 0 och 20"},
            {"12 barn", M, "Skriv svaret med siffror, ett heltal mellan 0 och 20"},
            {"\xe2\x88\x92"
             "3",
             -3, "Ange ett tal mellan 0 och 20"}, /* U+2212 minus */
            {"-1", -1, "Ange ett tal mellan 0 och 20"},
            {"99999999999999999999", M, "Ange ett tal mellan 0 och 20"},
            {"abc", M, "Skriv svaret med siffror, ett heltal mellan 0 och 20"},
            {"12,5", M, "Skriv svaret med siffror, ett heltal mellan 0 och 20"},
            {"1e3", M, "Skriv svaret med siffror, ett heltal mellan 0 och 20"},
            {"--3", M, "Skriv svaret med siffror, ett heltal mellan 0 och 20"},
            {"-", M, "Skriv svaret med siffror, ett heltal mellan 0 och 20"},
            {"", M, "Ange ett tal mellan 0 och 20"}, /* required and left blank */
            {"   ", M, "Ange ett tal mellan 0 och 20"},
        };
        for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
                enk_webform_input *in = read_fields(0, "har_barn", "ja", "antal", cases[k].typed,
                                                    "kurser", "4", "g1", "1", NULL);
                CHECK_INT(values_of(in)[ANTAL], cases[k].value);
                CHECK_INT(enk_webform_nerrors(in), *cases[k].error ? 1 : 0);
                char *html = render(
                    &(enk_webform_options){.action = "/svar", .input = in, .show_errors = true});
                char msg[256];
                error_beside(html, "antal", msg, sizeof(msg));
                if (strcmp(msg, cases[k].error) != 0)
                        printf("typed '%s':\n", cases[k].typed);
                CHECK_STR(msg, cases[k].error);
                if (*cases[k].typed && strcmp(cases[k].typed, "   ") != 0 &&
                    !strchr(cases[k].typed, '\xc2')) {
                        /* What was typed is shown again, exactly. */
                        char want[128];
                        snprintf(want, sizeof(want), "name=\"antal\" value=\"%s\"", cases[k].typed);
                        if (!strstr(html, want))
                                printf("typed '%s' not shown again\n", cases[k].typed);
                        CHECK(strstr(html, want) != NULL);
                }
                free(html);
                enk_webform_input_free(in);
        }
        /* English wording. */
        enk_webform_input *in = read_fields(1, "har_barn", "ja", "antal", "x", NULL);
        char *html = render(
            &(enk_webform_options){.lang = 1, .action = "/svar", .input = in, .show_errors = true});
        char msg[256];
        error_beside(html, "antal", msg, sizeof(msg));
        CHECK_STR(msg, "Enter the answer in digits, a whole number from 0 to 20");
        error_beside(html, "kurser", msg, sizeof(msg));
        CHECK_STR(msg, "Choose at least one of the options");
        CHECK(strstr(html, "<title>Error: Survey</title>") != NULL);
        CHECK(strstr(html, "<html lang=\"en\">") != NULL);
        CHECK(strstr(html, "There is a problem") != NULL);
        CHECK(strstr(html, "Part 2 of 2") != NULL);
        check_structure(html);
        free(html);
        enk_webform_input_free(in);
}

static void test_read_skips(void)
{
        /* har_barn = nej skips antal: what was put there (even garbage) is
         * dropped without an error; kurser without option 1 or 2 skips nytta. */
        enk_webform_input *in = read_fields(0, "har_barn", "nej", "antal", "abc", "kurser", "4",
                                            "nytta", "3", "g1", "2", NULL);
        const int32_t *v = values_of(in);
        CHECK_INT(enk_webform_nerrors(in), 0);
        CHECK_INT(v[ANTAL], M);
        CHECK_INT(v[NYTTA], M);
        CHECK_INT(v[KURSER], 8);
        /* Shown again (a draft), what was typed is still there. */
        char *html = render(&(enk_webform_options){.action = "/svar", .input = in});
        CHECK(strstr(html, "name=\"antal\" value=\"abc\"") != NULL);
        CHECK(strstr(html, "id=\"q-nytta-3\" name=\"nytta\" value=\"3\" checked") != NULL);
        free(html);
        enk_webform_input_free(in);

        /* The same with the condition met: the answers count. */
        in = read_fields(0, "har_barn", "ja", "antal", "3", "kurser", "2", "nytta", "3", "g1", "2",
                         NULL);
        v = values_of(in);
        CHECK_INT(enk_webform_nerrors(in), 0);
        CHECK_INT(v[ANTAL], 3);
        CHECK_INT(v[NYTTA], 3);
        enk_webform_input_free(in);

        /* A text answer to ... and texts: blank text is no answer. */
        in = read_fields(0, "fritt", " \r\n ", NULL);
        CHECK_INT(values_of(in)[FRITT], M);
        CHECK_INT(texts_of(in, NULL, NULL), 0);
        enk_webform_input_free(in);

        /* Text that is not UTF-8 or holds control characters is refused. */
        in = read_fields(0, "fritt", "bad \xff byte", "har_barn", "nej", "kurser", "1", "g1", "1",
                         NULL);
        CHECK_INT(values_of(in)[FRITT], M);
        CHECK_INT(enk_webform_nerrors(in), 1);
        html = render(&(enk_webform_options){.action = "/svar", .input = in, .show_errors = true});
        /* shown again with U+FFFD in place of the bad byte */
        CHECK(strstr(html, "bad \xef\xbf\xbd byte</textarea>") != NULL);
        free(html);
        enk_webform_input_free(in);
}

static void test_escaping(void)
{
        enk_webform_field hidden[] = {{"kod", "K7QM\"><x>"}, {"csrf", "a&b"}};
        enk_webform_input *in = read_fields(0, "fritt", "</textarea><script>alert('x')</script>",
                                            "antal", "\"><b>", NULL);
        enk_webform_options o = {.action = "/svar?a=1&b=2",
                                 .hidden = hidden,
                                 .nhidden = 2,
                                 .input = in,
                                 .show_errors = true,
                                 .notice = "Dina <sparade> svar"};
        char *html = render(&o);
        /* Only our own script element may appear: the inline one at the end. */
        CHECK_INT(count(html, "<script"), 1);
        CHECK(strstr(html, "<script>alert") == NULL);
        CHECK(strstr(html, "Vilken &lt;script&gt;alert(1)&lt;/script&gt; typ?") != NULL);
        CHECK(strstr(html, "Hem &amp; &quot;gård&quot;") != NULL);
        CHECK(strstr(html, "Enkät &lt;b&gt;&amp;&lt;/b&gt; &quot;test&quot;") != NULL);
        CHECK(strstr(html, "Vården &lt;i&gt;") != NULL);
        CHECK(strstr(html, "&lt;/textarea&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"
                           "</textarea>") != NULL);
        CHECK(strstr(html, "value=\"&quot;&gt;&lt;b&gt;\"") != NULL);
        CHECK(strstr(html, "name=\"kod\" value=\"K7QM&quot;&gt;&lt;x&gt;\"") != NULL);
        CHECK(strstr(html, "name=\"csrf\" value=\"a&amp;b\"") != NULL);
        CHECK(strstr(html, "action=\"/svar?a=1&amp;b=2\"") != NULL);
        CHECK(strstr(html, "Dina &lt;sparade&gt; svar") != NULL);
        CHECK(strstr(html, "<b>") == NULL && strstr(html, "<i>") == NULL);
        check_structure(html);
        free(html);
        enk_webform_input_free(in);
}

static void test_empty_form(void)
{
        enk_webform_options o = {.lang = 0};
        char *html = render(&o);
        CHECK(strncmp(html, "<!DOCTYPE html>\n<html lang=\"sv\">", 31) == 0);
        CHECK(strstr(html, "name=\"viewport\"") != NULL);
        CHECK(strstr(html, " checked") == NULL);
        CHECK(strstr(html, "<title>Enkät") != NULL);
        CHECK(strstr(html, "class=\"error-summary\"") == NULL);
        CHECK_INT(count(html, "<h1"), 1);
        /* Every question is a field of its own name (webform.h). */
        for (size_t i = 0; i < Q->nquestions; i++) {
                char pat[96];
                snprintf(pat, sizeof(pat), "name=\"%s\"", Q->questions[i].id);
                if (!strstr(html, pat))
                        printf("no field '%s'\n", Q->questions[i].id);
                CHECK(strstr(html, pat) != NULL);
        }
        /* Radios and checkboxes sit in a fieldset with a legend; the grid is a
         * table with a row per item. 5 groups: har_barn typ kurser nytta ok. */
        CHECK_INT(count(html, "<fieldset"), 5);
        CHECK_INT(count(html, "<legend"), 5);
        CHECK_INT(count(html, "<table"), 1);
        CHECK_INT(count(html, "<th scope=\"row\""), 2);
        CHECK_INT(count(html, "<th scope=\"col\""), 5); /* 4 points and Vet ej */
        /* Each grid radio is named "point – item" for screen readers. */
        CHECK(strstr(html, "<label for=\"q-g1-4\"><span class=\"grid-point-label\">Mycket "
                           "bra</span><span class=\"visually-hidden\"> – Skolan</span>") != NULL);
        /* Vet ej is an extra radio where the scale has it, and only there. */
        CHECK(strstr(html, "id=\"q-nytta-na\"") != NULL);
        CHECK(strstr(html, "id=\"q-g2-na\"") != NULL);
        CHECK(strstr(html, "id=\"q-ok-na\"") == NULL);
        /* Required in words, the rule once at the top. */
        CHECK_INT(count(html, "(obligatorisk)"), 4 + 1); /* har_barn antal kurser g1, rule */
        CHECK(strstr(html, "Del 1 av 2") != NULL && strstr(html, "Del 2 av 2") != NULL);
        /* The number: text input with the numeric keyboard, range in the hint. */
        CHECK(strstr(html, "type=\"text\" inputmode=\"numeric\"") != NULL);
        CHECK(strstr(html, "Svara med ett heltal, 0–20 år.") != NULL);
        CHECK(strstr(html, "<textarea class=\"textarea\" id=\"q-fritt\" name=\"fritt\" "
                           "rows=\"5\"") != NULL);
        /* show-if: the condition as data, and in words for pages without the
         * script. */
        CHECK(strstr(html, "id=\"fraga-antal\" data-show-if=\"har_barn\" "
                           "data-show-values=\"ja\"") != NULL);
        CHECK(strstr(html, "data-show-if=\"kurser\" data-show-values=\"1 2\"") != NULL);
        CHECK(strstr(html, "Svara bara om du svarade ”Ja” på frågan ”Har du barn?”") != NULL);
        CHECK(strstr(html, "Svara bara om du valde något av ”Ett” eller ”Två” på frågan ”Vilka "
                           "kurser?”") != NULL);
        /* Paragraphs of the intro. */
        CHECK(strstr(html, "<p>Första stycket.</p>\n<p>Andra stycket.</p>") != NULL);
        /* A static file: no action, the buttons disabled, a note. */
        CHECK(strstr(html, "<form class=\"survey-form\" method=\"post\" accept-charset") != NULL);
        CHECK(strstr(html, "förhandsvisning") != NULL);
        CHECK(strstr(html, "name=\"action\" value=\"skicka\" disabled>Skicka svaren") != NULL);
        CHECK(strstr(html, "name=\"action\" value=\"spara\" disabled>Spara och fortsätt "
                           "senare") != NULL);
        /* The script inlined, the CSS inlined byte for byte. */
        CHECK(strstr(html, enk_webform_script()) != NULL);
        CHECK(strstr(html, enk_webform_css()) != NULL);
        check_structure(html);
        free(html);

        /* The server's page: the script by URL, the buttons live. */
        o.action = "/svar";
        o.script_src = "/form.js";
        html = render(&o);
        CHECK(strstr(html, "<script src=\"/form.js\" defer></script>") != NULL);
        CHECK_INT(count(html, "<script"), 1);
        CHECK(strstr(html, " disabled>") == NULL);
        CHECK(strstr(html, "förhandsvisning") == NULL);
        CHECK(strstr(html, "action=\"/svar\"") != NULL);
        free(html);
}

/* The built-in CSS and script are the files in templates/, byte for byte
 * (the tests run in the source root). */
static void test_assets(void)
{
        const char *files[] = {"templates/form.css", "templates/form.js"};
        const char *built[] = {enk_webform_css(), enk_webform_script()};
        for (int k = 0; k < 2; k++) {
                FILE *f = fopen(files[k], "rb");
                CHECK(f != NULL);
                if (!f)
                        continue;
                static char data[1 << 16];
                size_t n = fread(data, 1, sizeof(data) - 1, f);
                fclose(f);
                data[n] = '\0';
                CHECK_INT(strlen(built[k]), n);
                CHECK(strcmp(built[k], data) == 0);
        }
}

static void test_pages(void)
{
        struct {
                enk_webform_page page;
                const char *want;
        } pages[] = {
            {ENK_PAGE_CODE, "Skriv in din kod"},
            {ENK_PAGE_THANKS, "Tack för dina svar"},
            {ENK_PAGE_SAVED, "Dina svar är sparade"},
            {ENK_PAGE_CODE_USED, "Koden har redan använts"},
            {ENK_PAGE_CODE_UNKNOWN, "Koden finns inte"},
            {ENK_PAGE_ERROR, "Något gick fel"},
        };
        for (size_t k = 0; k < sizeof(pages) / sizeof(pages[0]); k++) {
                char *html = NULL;
                size_t len = 0;
                CHECK_INT(enk_webform_page_render(pages[k].page, "Enkät <2024>", "sv", NULL,
                                                  "/start", &html, &len),
                          ENK_OK);
                if (!html)
                        continue;
                CHECK_INT(strlen(html), len);
                CHECK(strstr(html, pages[k].want) != NULL);
                CHECK(strstr(html, "Enkät &lt;2024&gt;") != NULL);
                CHECK(strstr(html, "<html lang=\"sv\">") != NULL);
                CHECK(strstr(html, "<script") == NULL);
                CHECK(strstr(html, enk_webform_css()) != NULL);
                bool code =
                    pages[k].page == ENK_PAGE_CODE || pages[k].page == ENK_PAGE_CODE_UNKNOWN;
                CHECK((strstr(html, "name=\"kod\"") != NULL) == code);
                CHECK((strstr(html, "action=\"/start\"") != NULL) == code);
                bool err =
                    pages[k].page == ENK_PAGE_CODE_UNKNOWN || pages[k].page == ENK_PAGE_ERROR;
                CHECK((strstr(html, "<title>Fel: ") != NULL) == err);
                check_structure(html);
                free(html);
        }
        /* The code page keeps what was typed, escaped; without it the field is
         * empty. */
        char *html = NULL;
        CHECK_INT(enk_webform_code_page_render(ENK_PAGE_CODE, "T", "sv", "Koden finns inte",
                                               "K7QM-4XPA-93T\"<", "/start", NULL, &html, NULL),
                  ENK_OK);
        CHECK(strstr(html, " value=\"K7QM-4XPA-93T&quot;&lt;\">") != NULL);
        check_structure(html);
        free(html);
        html = NULL;
        CHECK_INT(enk_webform_page_render(ENK_PAGE_CODE, "T", "sv", NULL, "/start", &html, NULL),
                  ENK_OK);
        CHECK(strstr(html, "value=") == NULL);
        free(html);
        html = NULL;
        /* Who asks: municipality and deadline in words under the title, the
         * contact at the foot and, on the used-code page, in its text; all
         * escaped. A deadline that is no date is left out. */
        enk_webform_about about = {"Kommun <A>", "2026-03-31", "Anna & <b>Berg</b>"};
        CHECK_INT(enk_webform_wave_page_render(ENK_PAGE_CODE_USED, "T", "sv", NULL, NULL, NULL,
                                               NULL, &about, &html, NULL),
                  ENK_OK);
        CHECK(strstr(html, "<p class=\"header-about\">Kommun &lt;A&gt; · Svara senast 31 mars "
                           "2026</p>") != NULL);
        CHECK(strstr(html, "<p>Frågor om enkäten: Anna &amp; &lt;b&gt;Berg&lt;/b&gt;</p>") != NULL);
        CHECK(strstr(html, "kontakta Anna &amp; &lt;b&gt;Berg&lt;/b&gt;.</p>") != NULL);
        CHECK(strstr(html, "<b>") == NULL);
        check_structure(html);
        free(html);
        html = NULL;
        about = (enk_webform_about){NULL, "2026-02-30", NULL};
        CHECK_INT(enk_webform_wave_page_render(ENK_PAGE_CODE_USED, "T", "en", NULL, NULL, NULL,
                                               NULL, &about, &html, NULL),
                  ENK_OK);
        CHECK(strstr(html, "class=\"header-about\"") == NULL);
        CHECK(strstr(html, "contact whoever") != NULL);
        free(html);
        html = NULL;
        /* The code page with an error: summary, message by the field, escaped. */
        CHECK_INT(enk_webform_page_render(ENK_PAGE_CODE, "T", "en", "Wrong <code>", "/start", &html,
                                          NULL),
                  ENK_OK);
        CHECK(strstr(html, "<a href=\"#kod\">Wrong &lt;code&gt;</a>") != NULL);
        CHECK(strstr(html, "id=\"kod-error\"") != NULL);
        CHECK(strstr(html, "aria-describedby=\"kod-hint kod-error\"") != NULL);
        CHECK(strstr(html, "<html lang=\"en\">") != NULL);
        CHECK(strstr(html, "Enter your code") != NULL);
        CHECK(strstr(html, "<title>Error: ") != NULL);
        check_structure(html);
        free(html);
        html = NULL;
        CHECK_INT(enk_webform_page_render(ENK_PAGE_ERROR, "T", "sv", "Sidan finns inte", NULL,
                                          &html, NULL),
                  ENK_OK);
        CHECK(strstr(html, "Sidan finns inte") != NULL);
        free(html);
        html = NULL;
        CHECK_INT(
            enk_webform_page_render((enk_webform_page) 99, "T", "sv", NULL, NULL, &html, NULL),
            ENK_ERR_USAGE);
        CHECK(html == NULL);
}

static void test_usage(void)
{
        enk_webform_input_free(NULL);
        CHECK_INT(enk_webform_nerrors(NULL), 0);
        CHECK(enk_webform_response(NULL) == NULL);
        enk_webform_input *in = (enk_webform_input *) 1;
        CHECK_INT(enk_webform_read(NULL, 0, NULL, 0, &in), ENK_ERR_USAGE);
        CHECK_INT(enk_webform_read(Q, 0, NULL, 2, &in), ENK_ERR_USAGE);
        CHECK_INT(enk_webform_read(Q, 0, NULL, 0, NULL), ENK_ERR_USAGE);
        char *html = NULL;
        size_t len;
        CHECK_INT(enk_webform_render(Q, NULL, &html, &len), ENK_ERR_USAGE);
        CHECK_INT(enk_webform_page_render(ENK_PAGE_THANKS, "T", "sv", NULL, NULL, NULL, NULL),
                  ENK_ERR_USAGE);
        /* An input read against another questionnaire cannot fill this one. */
        enk_questionnaire *other = NULL;
        CHECK_INT(enk_questionnaire_parse(yaml, sizeof(yaml) - 1, "other.yaml", &other, NULL),
                  ENK_OK);
        in = NULL;
        CHECK_INT(enk_webform_read(other, 0, NULL, 0, &in), ENK_OK);
        CHECK_INT(enk_webform_render(Q, &(enk_webform_options){.input = in}, &html, &len),
                  ENK_ERR_USAGE);
        enk_webform_input_free(in);
        enk_questionnaire_free(other);
}

/* ENK_WEBFORM_DUMP=DIR: the pages to look at. */
static void dump(const char *dir)
{
        char path[512];
        struct {
                const char *name;
                int lang;
                bool errors;
        } forms[] = {{"empty.html", 0, false}, {"errors.html", 0, true}, {"en.html", 1, true}};
        for (size_t k = 0; k < 3; k++) {
                enk_webform_input *in = NULL;
                if (forms[k].errors)
                        in = read_fields(forms[k].lang, "har_barn", "ja", "antal", "25 år", "typ",
                                         "1", "g2", "4", "fritt", "Ett <svar> & mer", NULL);
                char *html =
                    render(&(enk_webform_options){.lang = forms[k].lang,
                                                  .action = forms[k].errors ? "/svar" : NULL,
                                                  .input = in,
                                                  .show_errors = true});
                snprintf(path, sizeof(path), "%s/%s", dir, forms[k].name);
                FILE *f = fopen(path, "w");
                if (f && html) {
                        fputs(html, f);
                        fclose(f);
                }
                free(html);
                enk_webform_input_free(in);
        }
        const char *names[] = {"code", "thanks", "saved", "used", "unknown", "error"};
        for (int p = 0; p <= ENK_PAGE_ERROR; p++) {
                char *html = NULL;
                enk_webform_page_render((enk_webform_page) p, "Enkät till familjehem 2024", "sv",
                                        p == ENK_PAGE_ERROR ? "Sidan finns inte (404)" : NULL,
                                        "/start", &html, NULL);
                snprintf(path, sizeof(path), "%s/page-%s.html", dir, names[p]);
                FILE *f = fopen(path, "w");
                if (f && html) {
                        fputs(html, f);
                        fclose(f);
                }
                free(html);
        }
}

/* Standalone scale questions of one scale in a row are one table, as a grid
 * is (docs/web.md); a scale question alone, or of another scale, keeps its
 * fieldset. The server's form offers the other language beside "save". */
static const char run_yaml[] =
    "survey: run\n"
    "edition: 2024\n"
    "languages: [sv, en]\n"
    "title: {sv: Serie, en: Run}\n"
    "scales:\n"
    "  - id: s\n"
    "    points:\n"
    "      - {value: 1, label: {sv: Nej, en: 'No'}}\n"
    "      - {value: 2, label: {sv: Ja, en: 'Yes'}}\n"
    "    positive: [2]\n"
    "  - id: t\n"
    "    points:\n"
    "      - {value: 1, label: {sv: Lite, en: Little}}\n"
    "      - {value: 2, label: {sv: Mycket, en: Much}}\n"
    "    positive: [2]\n"
    "sections:\n"
    "  - id: a\n"
    "    title: {sv: Del, en: Part}\n"
    "    questions:\n"
    "      - {id: r1, type: scale, scale: s, text: {sv: Ett, en: One}}\n"
    "      - {id: r2, type: scale, scale: s, text: {sv: Två, en: Two}, required: true}\n"
    "      - {id: r3, type: scale, scale: s, text: {sv: Tre, en: Three}}\n"
    "      - {id: o1, type: scale, scale: t, text: {sv: Annan, en: Other}}\n"
    "      - {id: x, type: yesno, text: {sv: Fråga, en: Question}}\n"
    "      - {id: e1, type: scale, scale: s, text: {sv: Ensam, en: Alone}}\n";

static void test_scale_run(void)
{
        enk_diags *d = enk_diags_new(0);
        enk_questionnaire *q = NULL;
        CHECK_INT(enk_questionnaire_parse(run_yaml, sizeof(run_yaml) - 1, "run.yaml", &q, d),
                  ENK_OK);
        enk_diags_free(d);
        if (!q)
                return;
        char *html = NULL;
        size_t len = 0;
        enk_webform_options o = {.lang = 0, .action = "/svar", .lang_switch = true};
        CHECK_INT(enk_webform_render(q, &o, &html, &len), ENK_OK);
        if (!html) {
                enk_questionnaire_free(q);
                return;
        }
        /* r1-r3 one table of three rows; o1 (another scale) after them and
         * e1 (alone, after a yes/no) each a fieldset, as x is. */
        CHECK_INT(count(html, "<table"), 1);
        CHECK(strstr(html, "<div class=\"grid scale-run\" id=\"serie-r1\">") != NULL);
        CHECK_INT(count(html, "<th scope=\"row\""), 3);
        CHECK_INT(count(html, "<th scope=\"col\""), 2);
        CHECK(strstr(html, "<tr class=\"question grid-row\" id=\"fraga-r3\"") != NULL);
        CHECK_INT(count(html, "<fieldset"), 3);
        CHECK(strstr(html, "<label for=\"q-r2-2\"><span class=\"grid-point-label\">Ja</span>"
                           "<span class=\"visually-hidden\"> – Två</span>") != NULL);
        CHECK_INT(count(html, "(obligatorisk)"), 1 + 1); /* r2, the rule */
        /* "save" and the switch after "send": Enter in a field still sends */
        const char *send = strstr(html, "value=\"skicka\"");
        const char *save = strstr(html, "value=\"spara\"");
        const char *en = strstr(html, "value=\"sprak-en\" lang=\"en\" dir=\"auto\">English<");
        CHECK(send && save && en && send < save && save < en);
        CHECK(strstr(html, "value=\"sprak-sv\"") == NULL);
        check_structure(html);
        free(html);
        enk_questionnaire_free(q);
}

int main(void)
{
        enk_diags *d = enk_diags_new(0);
        enk_status st = enk_questionnaire_parse(yaml, sizeof(yaml) - 1, "wf.yaml", &Q, d);
        for (size_t i = 0; i < enk_diags_count(d); i++) {
                char *s = enk_diag_format(enk_diags_get(d, i));
                printf("%s\n", s);
                free(s);
        }
        enk_diags_free(d);
        CHECK_INT(st, ENK_OK);
        if (st != ENK_OK)
                return check_report();
        CHECK_INT(Q->nquestions, NQ);

        test_read_valid();
        test_read_empty();
        test_read_choices();
        test_read_numbers();
        test_read_skips();
        test_escaping();
        test_empty_form();
        test_assets();
        test_pages();
        test_usage();
        test_scale_run();
        const char *dir = getenv("ENK_WEBFORM_DUMP");
        if (dir)
                dump(dir);

        enk_questionnaire_free(Q);
        return check_report();
}
