/* cli/cmd_form.c - `enkat form`: writes a questionnaire's form as a PDF, its layout, or a web page.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/opts.h"
#include "survey/outfile.h"
#include "survey/paper.h"
#include "survey/questionnaire.h"
#include "survey/webform.h"

static const char head[] =
    "usage: enkat form --format pdf [--lang LANG] [--year YEAR] [--copies N] -o FILE.pdf Q.yaml\n"
    "       enkat form --format layout [--lang LANG] [--year YEAR] -o FILE.json Q.yaml\n"
    "       enkat form --format html [--lang LANG] [--year YEAR] -o FILE.html Q.yaml\n"
    "\n"
    "Writes the form of questionnaire Q.yaml (docs/questionnaire.md):\n"
    "  pdf     the paper form, A4, made to be scanned back (docs/paper.md)\n"
    "  layout  where every box of the paper form lies, as JSON (docs/paper.md)\n"
    "  html    the web form as one self-contained page, to preview it (docs/web.md)\n"
    "\n";
static const char foot[] =
    "exit status: 0 success, 1 bad questionnaire or unwritable file, 2 usage error\n";

enum format { FORMAT_NONE, FORMAT_PDF, FORMAT_LAYOUT, FORMAT_HTML };

/* The paper formats: one layout pass, then the PDF or the JSON from it. */
static enk_status write_paper(const enk_questionnaire *q, int lang, int year, enum format format,
                              unsigned copies, const char *out, enk_diags *diags)
{
        enk_paper_options po = {.lang = lang, .year = year};
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
                             enk_diags *diags)
{
        enk_webform_options wo = {.lang = lang, .year = year};
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

int cmd_form(int argc, char **argv)
{
        const char *format_name = NULL, *lang_code = NULL, *out = NULL;
        long copies = 0, year = 0;
        const struct cli_opt opts[] = {
            CLI_STRING('f', "format", "FORMAT", &format_name, "pdf, layout or html"),
            CLI_STRING('l', "lang", "LANG", &lang_code,
                       "a language of the questionnaire (default: its first)"),
            CLI_INT('n', "copies", "N", &copies, 1, 10000,
                    "bad number of copies '%s' (expected %ld to %ld)",
                    "N copies (1-10000) in one PDF, each with a copy number\n"
                    "(00001..N) in its QR codes; never linked to an address"),
            CLI_OPT_YEAR("YEAR", &year, "year '%s' is not in %ld-%ld",
                         "the wave's year, shown after the title\n"
                         "(default: the title as the questionnaire writes it)"),
            CLI_OPT_OUTPUT("FILE", &out, "the file to write"),
            CLI_OPT_HELP,
        };
        const struct cli_command cmd = CLI_COMMAND("form", head, foot, 21, opts);
        int parsed = cli_parse(&cmd, argc, argv);
        if (parsed != CLI_GO)
                return parsed;
        if (!format_name)
                return cli_usage_error("form", "no format given (--format pdf|layout|html)");
        enum format format = FORMAT_NONE;
        if (!strcmp(format_name, "pdf"))
                format = FORMAT_PDF;
        else if (!strcmp(format_name, "layout"))
                format = FORMAT_LAYOUT;
        else if (!strcmp(format_name, "html"))
                format = FORMAT_HTML;
        else
                return cli_usage_error("form", "unknown format '%s' (expected pdf, layout or html)",
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

        enk_diags *diags = cli_diags_new();
        enk_questionnaire *q = NULL;
        enk_status st = enk_questionnaire_load(path, &q, diags);
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
                        return cli_usage_error("form", "unknown language '%s' (%s has %s)",
                                               lang_code, path, list);
                }
        }
        if (st == ENK_OK) {
                switch (format) {
                case FORMAT_PDF:
                case FORMAT_LAYOUT:
                        st =
                            write_paper(q, lang, (int) year, format, (unsigned) copies, out, diags);
                        break;
                case FORMAT_HTML:
                        st = write_html(q, lang, (int) year, out, diags);
                        break;
                case FORMAT_NONE:
                        break;
                }
        }
        cli_print_diags(diags);
        enk_diags_free(diags);
        enk_questionnaire_free(q);
        return cli_exit_status(st);
}
