/* survey/keysheet.c - the keying workbook, written with libxlsxwriter.
 *
 * One column per answer the CSV reader takes (survey/csvin.h): the meta
 * column `löpnummer` first, then each question's id (a grid's items one
 * each, a multiple-choice question one `ID_VALUE` column per option). Each
 * column gets a data validation that only lets through what the reader will
 * take: a list of the codes and labels (from a hidden sheet, as Excel's
 * inline lists stop at 255 characters), 1 or 0, or a whole number in range;
 * its input message shows the question's number and the codes while the
 * cell is selected.
 */
#include "survey/keysheet.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>

#include "survey/lang.h"
#include "survey/outfile.h"
#include "survey/utf8.h"
#include "survey/xlsxin.h"

enum word {
        W_TITLE,
        W_HOW1,
        W_HOW2,
        W_HOW3,
        W_HOW4,
        W_HOW5,
        W_HOW6,
        W_IMPORT,
        W_COLUMN,
        W_QUESTION,
        W_ANSWERS,
        W_SHEET,
        W_LISTS,
        W_QNUM,
        W_SERIAL,
        W_SERIAL_HELP,
        W_TICKED,
        W_NUMBER,
        W_TEXT,
        W_BAD,
        W_BAD_LIST,
        W_BAD_NUMBER,
        W_COUNT
};

static const enk_lang_pair words[W_COUNT] = {
    [W_TITLE] = {"Inmatning av pappersenkäter: %s", "Keying paper forms: %s"},
    [W_HOW1] = {"Skriv svaren från varje inkommen pappersenkät på en rad på bladet Svar, från "
                "rad 2. Ändra inte rubrikraden (rad 1).",
                "Key the answers of each returned paper form into one row of the sheet Answers, "
                "from row 2. Do not change the header row (row 1)."},
    [W_HOW2] = {"Skriv ett löpnummer i första kolumnen och samma nummer på pappersenkäten, så "
                "att raden kan hittas igen.",
                "Write a serial number in the first column and the same number on the paper "
                "form, so that the row can be found again."},
    [W_HOW3] = {"Välj svaret i listan i cellen, eller skriv svarets kod (tabellen nedan). "
                "Andra värden tas inte emot.",
                "Pick the answer from the cell's list, or type its code (the table below). "
                "Other values are refused."},
    [W_HOW4] = {"Lämna cellen tom när frågan inte är besvarad, eller när flera rutor är "
                "kryssade i en fråga som bara tar ett svar.",
                "Leave the cell empty when the question is not answered, or when more than "
                "one box is ticked in a question that takes one answer."},
    [W_HOW5] = {"En fråga med flera svar har en kolumn per svarsalternativ: skriv 1 om rutan "
                "är kryssad och lämna tomt annars.",
                "A question with several answers has one column per option: type 1 when its "
                "box is ticked and leave it empty otherwise."},
    [W_HOW6] = {"Tal skrivs som hela tal inom frågans gränser. Fritext skrivs av som den står.",
                "Numbers are whole numbers within the question's range. Free text is copied "
                "as written."},
    [W_IMPORT] = {"Läs in arbetsboken: enkat import --source paper --db DATABAS --unit ENHET "
                  "--year ÅR %s",
                  "Import the workbook: enkat import --source paper --db STORE --unit UNIT "
                  "--year YEAR %s"},
    [W_COLUMN] = {"Kolumn", "Column"},
    [W_QUESTION] = {"Fråga", "Question"},
    [W_ANSWERS] = {"Svar (kod = svar)", "Answers (code = answer)"},
    [W_SHEET] = {"Svar", "Answers"},
    [W_LISTS] = {"Listor", "Lists"},
    [W_QNUM] = {"Fråga %s", "Question %s"},
    [W_SERIAL] = {"löpnummer", "löpnummer"},
    [W_SERIAL_HELP] = {"Löpnumret som också står på pappersenkäten.",
                       "The serial number also written on the paper form."},
    [W_TICKED] = {"1 = kryssad, tomt = inte kryssad", "1 = ticked, empty = not ticked"},
    [W_NUMBER] = {"ett heltal från %ld till %ld", "a whole number from %ld to %ld"},
    [W_TEXT] = {"fritext", "free text"},
    [W_BAD] = {"Inte ett svar", "Not an answer"},
    [W_BAD_LIST] = {"Välj ett svar i listan eller skriv dess kod.",
                    "Pick an answer from the list or type its code."},
    [W_BAD_NUMBER] = {"Skriv ett heltal från %ld till %ld.",
                      "Type a whole number from %ld to %ld."},
};

/* One column of the answer sheet. */
struct column {
        char *header;
        size_t qi;      /* the question */
        int32_t option; /* a multiple-choice column's option, else 0 */
        bool serial;    /* the löpnummer column */
};

struct ks {
        const enk_questionnaire *q;
        int lang;
        enk_lang w;
        lxw_workbook *wb;
        lxw_format *bold, *head, *wrap;
        size_t *listq; /* the question of each list, in the hidden sheet's order */
        size_t nlists;
        bool failed;
};

static const char *word(const struct ks *k, enum word w)
{
        return enk_lang_pick(k->w, words[w]);
}

static const char *tr(const struct ks *k, const enk_text *t)
{
        return enk_text_get(t, k->lang);
}

/* "A", "B", ..., "AA": the letters of column c (0-based). */
static void col_name(lxw_col_t c, char *buf)
{
        char tmp[8];
        size_t n = 0;
        for (unsigned v = (unsigned) c + 1; v; v = (v - 1) / 26)
                tmp[n++] = (char) ('A' + (v - 1) % 26);
        for (size_t i = 0; i < n; i++)
                buf[i] = tmp[n - 1 - i];
        buf[n] = '\0';
}

static void check(struct ks *k, lxw_error e)
{
        if (e != LXW_NO_ERROR)
                k->failed = true;
}

/* The answers a column takes, as code and label pairs; n returned. */
static size_t answers(const struct ks *k, const enk_question *qn, int32_t *code, const char **label,
                      size_t cap)
{
        size_t n = 0;
        const enk_scale *sc = enk_question_scale(k->q, qn);
        if (qn->type == ENK_Q_SCALE && sc) {
                for (size_t i = 0; i < sc->npoints && n < cap; i++, n++) {
                        code[n] = sc->points[i].value;
                        label[n] = tr(k, &sc->points[i].label);
                }
                if (sc->has_na && n < cap) {
                        code[n] = sc->na_code;
                        label[n++] = tr(k, &sc->na_label);
                }
        } else if (qn->type == ENK_Q_SINGLE) {
                for (size_t i = 0; i < qn->noptions && n < cap; i++, n++) {
                        code[n] = qn->options[i].value;
                        label[n] = tr(k, &qn->options[i].label);
                }
        } else if (qn->type == ENK_Q_YESNO) {
                const enk_lang_pair yes = {"Ja", "Yes"}, no = {"Nej", "No"};
                code[n] = 1;
                label[n++] = enk_lang_pick(k->w, yes);
                code[n] = 0;
                label[n++] = enk_lang_pick(k->w, no);
        }
        return n;
}

/* "1 = Stämmer inte alls, 2 = ..." or what else a column takes, into a new
 * string (NULL when out of memory). */
static char *legend(const struct ks *k, const struct column *c)
{
        const enk_question *qn = &k->q->questions[c->qi];
        char *s = NULL;
        if (c->serial)
                return strdup(word(k, W_SERIAL_HELP));
        if (qn->type == ENK_Q_MULTIPLE)
                return strdup(word(k, W_TICKED));
        if (qn->type == ENK_Q_NUMBER)
                return asprintf(&s, word(k, W_NUMBER), (long) qn->min, (long) qn->max) < 0 ? NULL
                                                                                           : s;
        if (qn->type == ENK_Q_TEXT)
                return strdup(word(k, W_TEXT));
        int32_t code[64];
        const char *label[64];
        size_t n = answers(k, qn, code, label, 64);
        size_t len = 0, cap = 64;
        s = malloc(cap);
        for (size_t i = 0; s && i < n; i++) {
                int m;
                while (s &&
                       (m = snprintf(s + len, cap - len, "%s%ld = %s", i ? ", " : "",
                                     (long) code[i], label[i])) >= 0 &&
                       (size_t) m >= cap - len) {
                        char *t = realloc(s, cap *= 2);
                        if (!t)
                                free(s);
                        s = t;
                }
                len += s ? strlen(s + len) : 0;
        }
        if (s && n == 0)
                s[0] = '\0';
        return s;
}

/* The range of the hidden sheet's column that will hold qn's list (the
 * codes, then the labels; written by write_lists) as a formula into f (size
 * 64). */
static void list_range(struct ks *k, size_t qi, char *f)
{
        int32_t code[64];
        const char *label[64];
        size_t n = answers(k, &k->q->questions[qi], code, label, 64);
        lxw_col_t c = (lxw_col_t) k->nlists;
        k->listq[k->nlists++] = qi;
        char name[8];
        col_name(c, name);
        snprintf(f, 64, "=%s!$%s$1:$%s$%zu", word(k, W_LISTS), name, name, 2 * n);
}

/* The hidden sheet of the lists, the last sheet: the answer sheet's
 * checks refer to it. */
static void write_lists(struct ks *k)
{
        lxw_worksheet *ws = workbook_add_worksheet(k->wb, word(k, W_LISTS));
        if (!ws) {
                k->failed = true;
                return;
        }
        worksheet_hide(ws);
        for (size_t c = 0; c < k->nlists; c++) {
                int32_t code[64];
                const char *label[64];
                size_t n = answers(k, &k->q->questions[k->listq[c]], code, label, 64);
                for (size_t i = 0; i < n; i++) {
                        check(k, worksheet_write_number(ws, (lxw_row_t) i, (lxw_col_t) c, code[i],
                                                        NULL));
                        check(k, worksheet_write_string(ws, (lxw_row_t) (n + i), (lxw_col_t) c,
                                                        label[i], NULL));
                }
        }
}

/* The check of column col of the answer sheet, with its input message. */
static void validate(struct ks *k, lxw_worksheet *ws, lxw_col_t col, const struct column *c,
                     const char *msg)
{
        const enk_question *qn = &k->q->questions[c->qi];
        lxw_data_validation v = {0};
        char title[40], formula[64], err[128];
        char num[16];
        enk_question_number(k->q, c->qi, num, sizeof num);
        snprintf(title, sizeof title, word(k, W_QNUM), num);
        if (c->serial)
                snprintf(title, sizeof title, "%s", word(k, W_SERIAL));
        char *clipped = strndup(msg, enk_utf8_clip(msg, strlen(msg), 250));
        v.input_title = title;
        v.input_message = clipped;
        v.error_title = (char *) word(k, W_BAD);
        v.error_message = (char *) word(k, W_BAD_LIST);
        v.validate = LXW_VALIDATION_TYPE_ANY;
        const char *ticked[] = {"1", "0", NULL};
        if (c->serial || qn->type == ENK_Q_TEXT) {
                v.validate = LXW_VALIDATION_TYPE_ANY;
        } else if (qn->type == ENK_Q_MULTIPLE) {
                v.validate = LXW_VALIDATION_TYPE_LIST;
                v.value_list = (char **) ticked;
        } else if (qn->type == ENK_Q_NUMBER) {
                v.validate = LXW_VALIDATION_TYPE_INTEGER;
                v.criteria = LXW_VALIDATION_CRITERIA_BETWEEN;
                v.minimum_number = qn->min;
                v.maximum_number = qn->max;
                snprintf(err, sizeof err, word(k, W_BAD_NUMBER), (long) qn->min, (long) qn->max);
                v.error_message = err;
        } else {
                list_range(k, c->qi, formula);
                v.validate = LXW_VALIDATION_TYPE_LIST_FORMULA;
                v.value_formula = formula;
        }
        if (!clipped)
                k->failed = true;
        else
                check(k, worksheet_data_validation_range(ws, 1, col, ENK_KEYSHEET_ROWS, col, &v));
        free(clipped);
}

/* The columns of the answer sheet, in order; *n set. NULL when out of memory. */
static struct column *columns(const struct ks *k, size_t *n)
{
        const enk_questionnaire *q = k->q;
        size_t cap = 1;
        for (size_t i = 0; i < q->nquestions; i++)
                cap += q->questions[i].type == ENK_Q_MULTIPLE ? q->questions[i].noptions : 1;
        struct column *v = calloc(cap, sizeof *v);
        if (!v)
                return NULL;
        size_t m = 0;
        v[m++] = (struct column){strdup(word(k, W_SERIAL)), 0, 0, true};
        for (size_t i = 0; i < q->nquestions; i++) {
                const enk_question *qn = &q->questions[i];
                if (qn->type != ENK_Q_MULTIPLE) {
                        v[m++] = (struct column){strdup(qn->id), i, 0, false};
                        continue;
                }
                for (size_t o = 0; o < qn->noptions; o++) {
                        char *h = NULL;
                        if (asprintf(&h, "%s_%ld", qn->id, (long) qn->options[o].value) < 0)
                                h = NULL;
                        v[m++] = (struct column){h, i, qn->options[o].value, false};
                }
        }
        *n = m;
        return v;
}

/* The lines the longer of a and b takes in a column 55 characters wide
 * (a little less, as words wrap whole). */
static size_t text_lines(const char *a, const char *b)
{
        size_t n = enk_utf8_chars(a, strlen(a)), m = enk_utf8_chars(b, strlen(b));
        return (n > m ? n : m) / 48 + 1;
}

/* The instructions sheet: how to key, then every column with its question
 * and its answers. */
static void instructions(struct ks *k, const struct column *cols, size_t ncols, const char *path)
{
        const char *sheet = k->w == ENK_LANG_EN ? ENK_XLSXIN_NOTES_EN : ENK_XLSXIN_NOTES_SV;
        lxw_worksheet *ws = workbook_add_worksheet(k->wb, sheet);
        if (!ws) {
                k->failed = true;
                return;
        }
        worksheet_set_column(ws, 0, 0, 22, k->wrap);
        worksheet_set_column(ws, 1, 1, 55, k->wrap);
        worksheet_set_column(ws, 2, 2, 55, k->wrap);
        /* printed, the three columns fit the width of a landscape page */
        worksheet_set_landscape(ws);
        worksheet_fit_to_pages(ws, 1, 0);
        char *s = NULL;
        if (asprintf(&s, word(k, W_TITLE), tr(k, &k->q->title)) >= 0) {
                check(k, worksheet_write_string(ws, 0, 0, s, k->bold));
                free(s);
        }
        lxw_row_t r = 2;
        /* a merged cell does not grow with its text: two lines each */
        for (enum word w = W_HOW1; w <= W_HOW6; w++, r++) {
                worksheet_set_row(ws, r, 30, NULL);
                check(k, worksheet_merge_range(ws, r, 0, r, 2, word(k, w), k->wrap));
        }
        const char *base = strrchr(path, '/');
        if (asprintf(&s, word(k, W_IMPORT), base ? base + 1 : path) >= 0) {
                check(k, worksheet_merge_range(ws, r, 0, r, 2, s, k->wrap));
                free(s);
        }
        r += 2;
        check(k, worksheet_write_string(ws, r, 0, word(k, W_COLUMN), k->head));
        check(k, worksheet_write_string(ws, r, 1, word(k, W_QUESTION), k->head));
        check(k, worksheet_write_string(ws, r, 2, word(k, W_ANSWERS), k->head));
        for (size_t i = 0; i < ncols; i++) {
                r++;
                const struct column *c = &cols[i];
                const enk_question *qn = &k->q->questions[c->qi];
                check(k, worksheet_write_string(ws, r, 0, c->header, NULL));
                char num[16];
                enk_question_number(k->q, c->qi, num, sizeof num);
                s = NULL;
                if (c->serial)
                        s = strdup(word(k, W_SERIAL_HELP));
                else if (c->option) {
                        const char *label = "";
                        for (size_t o = 0; o < qn->noptions; o++)
                                if (qn->options[o].value == c->option)
                                        label = tr(k, &qn->options[o].label);
                        if (asprintf(&s, "%s. %s: %s", num, tr(k, &qn->text), label) < 0)
                                s = NULL;
                } else if (asprintf(&s, "%s. %s", num, tr(k, &qn->text)) < 0) {
                        s = NULL;
                }
                char *l = legend(k, c);
                if (!s || !l) {
                        k->failed = true;
                } else {
                        /* rows do not grow with wrapped text when opened: as
                         * many lines as the longer text needs */
                        worksheet_set_row(ws, r, 15.0 * (double) text_lines(s, l), NULL);
                        check(k, worksheet_write_string(ws, r, 1, s, k->wrap));
                        if (!c->serial)
                                check(k, worksheet_write_string(ws, r, 2, l, k->wrap));
                }
                free(s);
                free(l);
        }
}

/* The answer sheet: the header row and every column's check. */
static void answer_sheet(struct ks *k, const struct column *cols, size_t ncols)
{
        lxw_worksheet *ws = workbook_add_worksheet(k->wb, word(k, W_SHEET));
        if (!ws) {
                k->failed = true;
                return;
        }
        worksheet_set_row(ws, 0, 30, k->head);
        worksheet_freeze_panes(ws, 1, 1);
        worksheet_set_landscape(ws);
        for (size_t i = 0; i < ncols; i++) {
                const struct column *c = &cols[i];
                const enk_question *qn = &k->q->questions[c->qi];
                lxw_col_t col = (lxw_col_t) i;
                /* the column's name on one line */
                double width = (double) strlen(c->header) + 2;
                if (width < 12)
                        width = 12;
                if (!c->serial && qn->type == ENK_Q_TEXT)
                        width = 40;
                worksheet_set_column(ws, col, col, width, NULL);
                check(k, worksheet_write_string(ws, 0, col, c->header, k->head));
                char *l = legend(k, c);
                char num[16];
                enk_question_number(k->q, c->qi, num, sizeof num);
                char *msg = NULL;
                if (l && (c->serial ? asprintf(&msg, "%s", l)
                                    : asprintf(&msg, "%s\n%s", tr(k, &qn->text), l)) < 0)
                        msg = NULL;
                if (msg)
                        validate(k, ws, col, c, msg);
                else
                        k->failed = true;
                free(msg);
                free(l);
        }
}

static enk_status write_book(struct ks *k, const char *path)
{
        size_t ncols = 0;
        struct column *cols = columns(k, &ncols);
        k->listq = calloc(k->q->nquestions + 1, sizeof *k->listq);
        if (!cols || !k->listq) {
                free(cols);
                free(k->listq);
                return ENK_ERR_NOMEM;
        }
        for (size_t i = 0; i < ncols; i++)
                k->failed = k->failed || !cols[i].header;
        k->bold = workbook_add_format(k->wb);
        k->head = workbook_add_format(k->wb);
        k->wrap = workbook_add_format(k->wb);
        format_set_bold(k->bold);
        format_set_font_size(k->bold, 14);
        format_set_bold(k->head);
        format_set_text_wrap(k->head);
        format_set_bg_color(k->head, 0xDDDDDD);
        format_set_align(k->head, LXW_ALIGN_VERTICAL_TOP);
        format_set_text_wrap(k->wrap);
        format_set_align(k->wrap, LXW_ALIGN_VERTICAL_TOP);
        if (!k->failed) {
                instructions(k, cols, ncols, path);
                answer_sheet(k, cols, ncols);
        }
        if (!k->failed)
                write_lists(k);
        for (size_t i = 0; i < ncols; i++)
                free(cols[i].header);
        free(cols);
        free(k->listq);
        return k->failed ? ENK_ERR_NOMEM : ENK_OK;
}

enk_status enk_keysheet_write(const enk_questionnaire *q, int lang, const char *path,
                              const char *keep, enk_diags *diags)
{
        if (!q || !path)
                return ENK_ERR_USAGE;
        enk_outfile *out = NULL;
        enk_outfile_options oo = {.kind = ENK_OUT_XLSX, .keep = keep, .by_name = true};
        enk_status st = enk_outfile_open(path, &oo, &out, diags);
        if (st != ENK_OK)
                return st;
        lxw_workbook_options wo = {.constant_memory = LXW_FALSE, .tmpdir = NULL};
        struct ks k = {.q = q,
                       .lang = lang,
                       .w = enk_lang_of(q->languages[lang]),
                       .wb = workbook_new_opt(enk_outfile_name(out), &wo)};
        if (!k.wb) {
                enk_outfile_abort(out);
                return ENK_ERR_NOMEM;
        }
        st = write_book(&k, path);
        lxw_error e = workbook_close(k.wb);
        if (st == ENK_OK && e != LXW_NO_ERROR) {
                enk_error(diags, ((enk_loc){path, 0, 0}), "cannot write the workbook: %s",
                          lxw_strerror(e));
                st = ENK_ERR_IO;
        }
        if (st == ENK_OK)
                return enk_outfile_commit(out, diags);
        enk_outfile_abort(out);
        return st;
}
