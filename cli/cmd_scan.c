/* cli/cmd_scan.c - `enkat scan`: scanned paper forms read into a wave.
 *
 * Parses the options, calls enk_paperin_run() (survey/paperin.h) and prints
 * what it reports: a line per page and per copy, or with --json one JSON
 * document (the shape tests/scan/confusion.py reads, docs/scan.md).
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/opts.h"
#include "survey/lang.h"
#include "survey/paperin.h"
#include "survey/strbuf.h"

static const char head[] =
    ENK_MSGID("usage: enkat scan --db DB --year YEAR --unit UNIT [--questionnaire Q.yaml]\n"
              "                  [--dry-run] [--json] [--threads N] [--lang sv|en] FILE...\n"
              "\n"
              "Reads scanned paper forms (PDF, TIFF, PNG or JPEG, 150-600 dpi, any\n"
              "page order, across files) into the wave UNIT x YEAR. Each page is located\n"
              "by its QR code and corner marks, each box read; a copy whose answers are\n"
              "all certain becomes a response, one with an uncertain or contradictory\n"
              "answer or written digits waits for `enkat review`. A page that cannot be\n"
              "read, a page of another survey or edition and a copy with a page missing\n"
              "are errors: then nothing is stored. docs/scan.md has the details.\n"
              "\n");
static const char foot[] =
    ENK_MSGID("exit status: 0 read (and stored unless --dry-run), 1 bad input or\n"
              "environment (nothing stored), 2 usage error\n");

struct out {
        bool json, en, first_page, first_copy;
};

static const char *yesno(bool b)
{
        return b ? "true" : "false";
}

static void json_page(struct out *o, const enk_paperin_page *p)
{
        printf("%s\n  {\"file\":", o->first_page ? "\"pages\":[" : ",");
        o->first_page = false;
        enk_strbuf_write_json(stdout, p->file);
        printf(",\"page\":%u,\"status\":\"%s\",\"message\":", p->page, p->status);
        if (p->message)
                enk_strbuf_write_json(stdout, p->message);
        else
                fputs("null", stdout);
        fputs(",\"qr\":", stdout);
        enk_strbuf_write_json(stdout, p->qr);
        printf(",\"serial\":\"%05u\",\"form_page\":%u,\"rotated\":%s,\"residual_mm\":%.3f}",
               p->serial, p->form_page, yesno(p->rotated), p->residual_mm);
}

/* A page's status in the run's language (--json keeps the codes). */
static const char *status_word(enk_lang l, const char *status)
{
        static const char *const codes[] = {
            "ok",           "blank",         "no-qr",      "foreign", "unknown", "no-marks",
            "other-survey", "other-edition", "other-lang", "twice",   "error"};
        static const enk_lang_pair words[] = {
            {"läst", "read"},
            {"tom sida", "blank page"},
            {"ingen läsbar QR-kod", "no readable QR code"},
            {"främmande QR-kod", "foreign QR code"},
            {"okänd sida", "unknown page"},
            {"hörnmarkeringar saknas", "corner marks not found"},
            {"annan enkät", "another survey"},
            {"annan utgåva", "another edition"},
            {"annat språk", "another language"},
            {"läst två gånger", "read twice"},
            {"fel", "error"},
        };
        for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
                if (!strcmp(status, codes[i]))
                        return enk_lang_pick(l, words[i]);
        return status;
}

static void text_page(const struct out *o, const enk_paperin_page *p)
{
        static const enk_lang_pair page = {"sida", "page"}, copy = {"exemplar", "copy"},
                                   turned = {", vänd", ", turned"};
        enk_lang l = o->en ? ENK_LANG_EN : ENK_LANG_SV;
        if (p->page)
                printf("%s:%u  %s", p->file, p->page, status_word(l, p->status));
        else
                printf("%s  %s", p->file, status_word(l, p->status));
        if (p->form_page)
                printf("  %s %u %s %05u", enk_lang_pick(l, page), p->form_page,
                       enk_lang_pick(l, copy), p->serial);
        if (!strcmp(p->status, "ok"))
                printf("  (%.2f mm%s)", p->residual_mm, p->rotated ? enk_lang_pick(l, turned) : "");
        putchar('\n');
}

static void on_page(void *ctx, const enk_paperin_page *p)
{
        struct out *o = ctx;
        if (o->json)
                json_page(o, p);
        else
                text_page(o, p);
}

static void json_answer(const enk_questionnaire *q, const enk_paperin_answer *a, bool first)
{
        static const char *const states[] = {"empty", "certain", "review"};
        printf("%s{\"question\":", first ? "" : ",");
        enk_strbuf_write_json(stdout, q->questions[a->question].id);
        printf(",\"state\":\"%s\",\"reason\":", states[a->state]);
        if (a->reason)
                printf("\"%s\"", a->reason);
        else
                fputs("null", stdout);
        if (a->value == ENK_MISSING)
                fputs(",\"value\":null,\"boxes\":[", stdout);
        else
                printf(",\"value\":%d,\"boxes\":[", (int) a->value);
        for (size_t k = 0; k < a->nboxes; k++)
                printf("%s{\"value\":%d,\"state\":\"%s\"}", k ? "," : "", (int) a->box_values[k],
                       a->box_states[k]);
        fputs("]}", stdout);
}

/* A copy's outcome in the run's language. */
static const char *outcome_word(const struct out *o, const char *outcome)
{
        static const char *const codes[] = {"stored", "waiting", "incomplete", "exists", "read"};
        static const enk_lang_pair words[] = {{"sparat som svar", "stored as a response"},
                                              {"väntar på granskning", "waiting for review"},
                                              {"sidor saknas", "pages missing"},
                                              {"redan inskannat", "scanned before"},
                                              {"läst", "read"}};
        for (size_t i = 0; outcome && i < sizeof(codes) / sizeof(codes[0]); i++)
                if (!strcmp(outcome, codes[i]))
                        return enk_lang_pick(o->en ? ENK_LANG_EN : ENK_LANG_SV, words[i]);
        return outcome ? outcome : "";
}

static void on_copy(void *ctx, const enk_paperin_copy *c)
{
        struct out *o = ctx;
        if (!o->json) {
                printf("%s %05u: %s", o->en ? "copy" : "exemplar", c->serial,
                       outcome_word(o, c->outcome));
                if (c->nreviews)
                        printf(" (%zu %s)", c->nreviews, o->en ? "to review" : "att granska");
                putchar('\n');
                return;
        }
        if (o->first_page) {
                fputs("\"pages\":[", stdout);
                o->first_page = false;
        }
        printf("%s\n  {\"serial\":\"%05u\",\"status\":\"%s\",\"outcome\":\"%s\",\"missing\":[",
               o->first_copy ? "],\n\"copies\":[" : ",", c->serial,
               c->complete ? "complete" : "missing-pages", c->outcome ? c->outcome : "");
        o->first_copy = false;
        for (size_t i = 0; i < c->nmissing; i++)
                printf("%s%u", i ? "," : "", c->missing[i]);
        fputs("],\"answers\":[", stdout);
        for (size_t i = 0; c->answers && i < c->q->nquestions; i++)
                json_answer(c->q, &c->answers[i], i == 0);
        fputs("]}", stdout);
}

static void summary(const struct out *o, const enk_paperin_result *r, bool dry)
{
        if (o->json) {
                if (o->first_page)
                        fputs("\"pages\":[", stdout);
                printf("%s],\n\"summary\":{\"pages\":%zu,\"pages_ok\":%zu,\"copies\":%zu,"
                       "\"stored\":%zu,\"waiting\":%zu,\"reviews\":%zu,\"errors\":%zu}}\n",
                       o->first_copy ? "],\n\"copies\":[" : "", r->pages, r->pages_ok, r->copies,
                       r->stored, r->waiting, r->reviews, r->errors);
                return;
        }
        if (o->en)
                printf("%zu pages (%zu read), %zu copies: %zu %s, %zu waiting for review "
                       "(%zu answers)\n",
                       r->pages, r->pages_ok, r->copies, r->stored,
                       dry ? "would be stored" : "stored as responses", r->waiting, r->reviews);
        else
                printf("%zu sidor (%zu lästa), %zu exemplar: %zu %s, %zu väntar på granskning "
                       "(%zu svar)\n",
                       r->pages, r->pages_ok, r->copies, r->stored,
                       dry ? "skulle sparas" : "sparade som svar", r->waiting, r->reviews);
}

int cmd_scan(int argc, char **argv)
{
        const char *db = NULL, *unit = NULL, *lang = "sv", *qpath = NULL;
        long year = 0, threads = 0;
        bool dry = false, json = false;
        const struct cli_opt opts[] = {
            CLI_OPT_DB(&db, "the store"),
            CLI_OPT_YEAR("YEAR", &year, "year '%s' is not in %ld-%ld",
                         ENK_MSGID("the wave's year")),
            CLI_OPT_UNIT_CHECKED("UNIT", &unit, "the wave's unit"),
            CLI_STRING('q', "questionnaire", "FILE", &qpath,
                       "the edition, to create the store, unit and wave\n"
                       "when the store does not have them yet"),
            CLI_FLAG('n', "dry-run", &dry, "read and report, store nothing"),
            CLI_FLAG('j', "json", &json, "report as JSON on standard output"),
            CLI_INT('t', "threads", "N", &threads, 1, 16, "threads '%s' is not in %ld-%ld",
                    ENK_MSGID("reading threads (default: one per core)")),
            CLI_OPT_LANG(&lang, "language of the report: sv or en\n"
                                "(default sv; en when LANG begins with en)"),
            CLI_OPT_HELP,
        };
        const struct cli_command cmd = CLI_COMMAND("scan", head, foot, 22, opts);
        int parsed = cli_parse(&cmd, argc, argv);
        if (parsed != CLI_GO)
                return parsed;
        int need = cli_need_wave("scan", db, year, unit);
        if (need != CLI_GO)
                return need;
        if (optind >= argc)
                return cli_usage_error("scan", "no scan files given");
        enk_paperin_opts po = {.db = db,
                               .questionnaire = qpath,
                               .unit = unit,
                               .year = (int) year,
                               .dry_run = dry,
                               .files = (const char *const *) argv + optind,
                               .nfiles = (size_t) (argc - optind),
                               .threads = (unsigned) threads,
                               .lang = cli_lang()};
        struct out o = {json, po.lang == ENK_LANG_EN, true, true};
        enk_paperin_handlers h = {on_page, on_copy, NULL, &o};
        enk_paperin_result res;
        enk_diags *diags = cli_diags_new();
        if (json)
                fputs("{", stdout);
        enk_status st = enk_paperin_run(&po, &h, &res, diags);
        if (st == ENK_OK)
                summary(&o, &res, dry);
        else if (json)
                puts("}");
        fflush(stdout);
        cli_print_diags(diags);
        enk_diags_free(diags);
        if (st == ENK_ERR_NOMEM)
                return cli_error("out of memory");
        return st == ENK_OK && res.errors == 0 ? EXIT_OK : EXIT_INPUT;
}
