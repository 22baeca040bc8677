/* cli/cmd_form.c - `enkat form`: writes a questionnaire's form as a PDF, its layout, a web page or
 * a keying workbook.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/opts.h"
#include "survey/keysheet.h"
#include "survey/outfile.h"
#include "survey/paper.h"
#include "survey/questionnaire.h"
#include "survey/store.h"
#include "survey/webform.h"

static const char head[] =
    ENK_MSGID("usage: enkat form --format pdf [--lang LANG] [--year YEAR] [--copies N]\n"
              "                  [--db DB --unit UNIT] -o FILE.pdf Q.yaml\n"
              "       enkat form --format layout [--lang LANG] [--year YEAR] -o FILE.json Q.yaml\n"
              "       enkat form --format html [--lang LANG] [--year YEAR] [--db DB --unit UNIT]\n"
              "                  -o FILE.html Q.yaml\n"
              "       enkat form --format xlsx [--lang LANG] -o FILE.xlsx Q.yaml\n"
              "\n"
              "Writes the form of questionnaire Q.yaml (docs/questionnaire.md):\n"
              "  pdf     the paper form, A4, made to be scanned back (docs/paper.md)\n"
              "  layout  where every box of the paper form lies, as JSON (docs/paper.md)\n"
              "  html    the web form as one self-contained page, to preview it (docs/web.md)\n"
              "  xlsx    a workbook to key paper answers into by hand, read back by\n"
              "          enkat import --source paper (docs/csv.md)\n"
              "--year puts the wave's year after the title; with --db and --unit the\n"
              "form also shows the wave's municipality, deadline and contact.\n"
              "\n");
static const char foot[] =
    ENK_MSGID("exit status: 0 success, 1 bad questionnaire or unwritable file, 2 usage error\n");

enum format { FORMAT_NONE, FORMAT_PDF, FORMAT_LAYOUT, FORMAT_HTML, FORMAT_XLSX };

/* The paper formats: one layout pass, then the PDF or the JSON from it. */
static enk_status write_paper(const enk_questionnaire *q, int lang, int year, enum format format,
                              unsigned copies, const char *out, const enk_store_wave_details *w,
                              enk_diags *diags)
{
        enk_paper_options po = {.lang = lang,
                                .year = year,
                                .municipality = w->municipality,
                                .deadline = w->deadline,
                                .contact = w->contact};
        enk_paper *paper = NULL;
        enk_status st = enk_paper_layout(q, &po, &paper, diags);
        if (st == ENK_OK)
                st = format == FORMAT_PDF ? enk_paper_write_pdf(paper, out, copies, diags)
                                          : enk_paper_write_layout(paper, out, diags);
        enk_paper_free(paper);
        return st;
}

/* The web page: the library renders it into a buffer; the file is written
 * whole or not at all, as every output (survey/outfile.h). */
static enk_status write_html(const enk_questionnaire *q, int lang, int year, const char *out,
                             const enk_store_wave_details *w, enk_diags *diags)
{
        enk_webform_about about = {w->municipality, w->deadline, w->contact};
        enk_webform_options wo = {.lang = lang, .year = year, .about = &about};
        char *html = NULL;
        size_t len = 0;
        enk_status st = enk_webform_render(q, &wo, &html, &len);
        if (st != ENK_OK)
                return st;
        enk_outfile *f = NULL;
        enk_outfile_options oo = {.kind = ENK_OUT_HTML, .keep = q->file};
        st = enk_outfile_open(out, &oo, &f, diags);
        if (st == ENK_OK && fwrite(html, 1, len, enk_outfile_stream(f)) != len) {
                enk_diags_add(diags, ENK_SEV_ERROR, (enk_loc){out, 0, 0}, NULL,
                              "cannot write the web form: %s", strerror(errno));
                enk_outfile_abort(f);
                st = ENK_ERR_IO;
        } else if (st == ENK_OK) {
                st = enk_outfile_commit(f, diags);
        }
        free(html);
        return st;
}

/* The details of the wave unit x year (who asks), read from the store at
 * db, which stays open in *store for the strings' sake. */
static enk_status wave_details(const char *db, const char *unit, long year, enk_store **store,
                               enk_store_wave_details *w, enk_diags *diags)
{
        int64_t unit_id = 0, wave = 0;
        enk_status st;
        if ((st = enk_store_open(db, ENK_STORE_READONLY, store, diags)) == ENK_OK &&
            (st = enk_store_find_unit(*store, unit, &unit_id, diags)) == ENK_OK &&
            (st = enk_store_find_wave(*store, unit_id, (int) year, &wave, NULL, diags)) == ENK_OK)
                st = enk_store_wave_details_get(*store, wave, w, diags);
        return st;
}

int cmd_form(int argc, char **argv)
{
        const char *format_name = NULL, *lang_code = NULL, *out = NULL, *db = NULL, *unit = NULL;
        long copies = 0, year = 0;
        const struct cli_opt opts[] = {
            CLI_STRING('f', "format", "FORMAT", &format_name, "pdf, layout, html or xlsx"),
            CLI_STRING('l', "lang", "LANG", &lang_code,
                       "a language of the questionnaire (default: its first)"),
            CLI_INT('n', "copies", "N", &copies, 1, 10000,
                    "bad number of copies '%s' (expected %ld to %ld)",
                    ENK_MSGID("N copies (1-10000) in one PDF, each with a copy number\n"
                              "(00001..N) in its QR codes; never linked to an address")),
            CLI_OPT_OUTPUT("FILE", &out, "the file to write"),
            CLI_OPT_DB(&db, "with --year and --unit: the wave whose\n"
                            "municipality, deadline and contact the form\n"
                            "shows (set with enkat codes)"),
            CLI_OPT_YEAR("YEAR", &year, "year '%s' is not in %ld-%ld",
                         ENK_MSGID("the wave's year, shown after the title\n"
                                   "(default: the title as the questionnaire writes it)")),
            CLI_OPT_UNIT("UNIT", &unit, "the wave's unit"),
            CLI_OPT_HELP,
        };
        const struct cli_command cmd = CLI_COMMAND("form", head, foot, 21, opts);
        int parsed = cli_parse(&cmd, argc, argv);
        if (parsed != CLI_GO)
                return parsed;
        if (!format_name)
                return cli_usage_error("form", "no format given (--format pdf|layout|html|xlsx)");
        enum format format = FORMAT_NONE;
        if (!strcmp(format_name, "pdf"))
                format = FORMAT_PDF;
        else if (!strcmp(format_name, "layout"))
                format = FORMAT_LAYOUT;
        else if (!strcmp(format_name, "html"))
                format = FORMAT_HTML;
        else if (!strcmp(format_name, "xlsx"))
                format = FORMAT_XLSX;
        else
                return cli_usage_error("form",
                                       "unknown format '%s' (expected pdf, layout, html or xlsx)",
                                       format_name);
        if (copies && format != FORMAT_PDF)
                return cli_usage_error("form", "--copies is for --format pdf only");
        if (!out)
                return cli_usage_error("form", "no output file given (-o)");
        if (optind == argc)
                return cli_usage_error("form", "no questionnaire given");
        if (argc - optind > 1)
                return cli_usage_error("form", "too many arguments");
        const char *path = argv[optind];
        if (db || unit) {
                if (format == FORMAT_LAYOUT)
                        return cli_usage_error("form", "the layout shows no wave: --db and "
                                                       "--unit are for pdf and html");
                int need = cli_need_wave("form", db, year, unit);
                if (need != CLI_GO)
                        return need;
        }

        enk_diags *diags = cli_diags_new();
        enk_questionnaire *q = NULL;
        enk_store *store = NULL;
        enk_store_wave_details w = {0};
        enk_status st = enk_questionnaire_load(path, &q, diags);
        if (st == ENK_OK && db)
                st = wave_details(db, unit, year, &store, &w, diags);
        int lang = 0;
        if (st == ENK_OK && lang_code) {
                lang = enk_questionnaire_lang(q, lang_code);
                if (lang < 0) {
                        char list[64] = "";
                        size_t len = 0;
                        for (size_t i = 0; i < q->nlanguages && len < sizeof list; i++)
                                len += (size_t) snprintf(list + len, sizeof list - len, "%s%s",
                                                         i ? ", " : "", q->languages[i]);
                        cli_print_diags(diags);
                        enk_diags_free(diags);
                        enk_questionnaire_free(q);
                        enk_store_free(store);
                        return cli_usage_error("form", "unknown language '%s' (%s has %s)",
                                               lang_code, path, list);
                }
        }
        if (st == ENK_OK) {
                switch (format) {
                case FORMAT_PDF:
                case FORMAT_LAYOUT:
                        st = write_paper(q, lang, (int) year, format, (unsigned) copies, out, &w,
                                         diags);
                        break;
                case FORMAT_HTML:
                        st = write_html(q, lang, (int) year, out, &w, diags);
                        break;
                case FORMAT_XLSX:
                        st = enk_keysheet_write(q, lang, out, q->file, diags);
                        break;
                case FORMAT_NONE:
                        break;
                }
        }
        cli_print_diags(diags);
        enk_diags_free(diags);
        enk_questionnaire_free(q);
        enk_store_free(store);
        return cli_exit_status(st);
}
