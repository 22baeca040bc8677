/* survey/xlsxin.c - a workbook's first data sheet handed to the CSV reader as records.
 *
 * Three parts of the zip are read whole (libzip) and parsed (expat):
 * xl/workbook.xml for the sheets in order, xl/_rels/workbook.xml.rels for
 * where each sheet's part is, xl/sharedStrings.xml for the texts cells refer
 * to; then the chosen sheet's cells are collected by row and column from
 * their references ("B3") and handed on one row at a time as an
 * enk_csv_record, so that survey/csvin.c applies every rule of a response
 * file. Element and attribute names are compared without their namespace
 * prefix, as writers differ in prefixes (Excel, LibreOffice, openpyxl).
 */
#include "survey/xlsxin.h"

#include <errno.h>
#include <expat.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zip.h>

#include "survey/strbuf.h"

/* No part of a keying workbook comes near this; a zip bomb does. */
#define PART_MAX (256u << 20)
/* Columns beyond XFD (16384) are not Excel's. */
#define COL_MAX 16384u

/* ------------------------------------------------------------ the zip */

/* Part name of the zip into *out (NUL-terminated, the caller frees), or
 * ENK_ERR_NOTFOUND when the zip has no such part. */
static enk_status read_part(zip_t *z, const char *name, char **out, size_t *len)
{
        zip_stat_t sb;
        if (zip_stat(z, name, 0, &sb) != 0)
                return ENK_ERR_NOTFOUND;
        if (!(sb.valid & ZIP_STAT_SIZE) || sb.size > PART_MAX)
                return ENK_ERR_SYNTAX;
        char *buf = malloc((size_t) sb.size + 1);
        if (!buf)
                return ENK_ERR_NOMEM;
        zip_file_t *f = zip_fopen(z, name, 0);
        zip_int64_t n = f ? zip_fread(f, buf, sb.size) : -1;
        if (f)
                zip_fclose(f);
        if (n < 0 || (zip_uint64_t) n != sb.size) {
                free(buf);
                return ENK_ERR_SYNTAX;
        }
        buf[n] = '\0';
        *out = buf;
        *len = (size_t) n;
        return ENK_OK;
}

/* ------------------------------------------------------------ XML */

static const char *local(const char *name)
{
        const char *c = strrchr(name, ':');
        return c ? c + 1 : name;
}

static const char *attr(const char **atts, const char *name)
{
        for (size_t i = 0; atts[i]; i += 2)
                if (!strcmp(local(atts[i]), name))
                        return atts[i + 1];
        return NULL;
}

/* Everything one read holds. */
struct book {
        const char *name;
        enk_diags *diags;
        const char *part; /* the part being parsed, for messages */
        bool nomem;
        /* workbook.xml: the first data sheet's relationship id */
        char *sheet_rid;
        /* the .rels: that sheet's part */
        char *sheet_part;
        /* sharedStrings.xml */
        char **strings;
        size_t nstrings, strings_cap;
        /* parsing state: text of <t> (not inside <rPh>), <v> */
        enk_strbuf text;
        bool in_t, in_v, in_si, in_c;
        unsigned rph;
        /* the sheet: cells, row by row */
        struct cell *cells;
        size_t ncells, cells_cap;
        unsigned row, col; /* of the cell being read (1-based) */
        char type[12];
        /* the first cell that points to a shared string there is not */
        unsigned bad_row, bad_col;
        char bad_ref[24];
};

struct cell {
        unsigned row, col;
        char *text;
};

static void on_workbook(void *ctx, const char *el, const char **atts)
{
        struct book *b = ctx;
        if (b->sheet_rid || strcmp(local(el), "sheet"))
                return;
        const char *name = attr(atts, "name"), *rid = attr(atts, "id");
        if (!rid ||
            (name && (!strcmp(name, ENK_XLSXIN_NOTES_SV) || !strcmp(name, ENK_XLSXIN_NOTES_EN))))
                return;
        b->sheet_rid = strdup(rid);
        b->nomem = b->nomem || !b->sheet_rid;
}

static void on_rels(void *ctx, const char *el, const char **atts)
{
        struct book *b = ctx;
        const char *id = attr(atts, "Id"), *target = attr(atts, "Target");
        if (b->sheet_part || strcmp(local(el), "Relationship") || !id || !target ||
            strcmp(id, b->sheet_rid))
                return;
        /* relative to xl/, or absolute from the zip's root */
        if (target[0] == '/')
                b->sheet_part = strdup(target + 1);
        else if (asprintf(&b->sheet_part, "xl/%s", target) < 0)
                b->sheet_part = NULL;
        b->nomem = b->nomem || !b->sheet_part;
}

static void on_text(void *ctx, const char *s, int len)
{
        struct book *b = ctx;
        if ((b->in_t && !b->rph) || b->in_v)
                enk_strbuf_add(&b->text, s, (size_t) len);
}

static void start_strings(void *ctx, const char *el, const char **atts)
{
        (void) atts;
        struct book *b = ctx;
        const char *n = local(el);
        if (!strcmp(n, "si")) {
                b->in_si = true;
                b->text.len = 0;
                if (b->text.s)
                        b->text.s[0] = '\0';
        } else if (!strcmp(n, "rPh")) {
                b->rph++;
        } else if (!strcmp(n, "t") && b->in_si) {
                b->in_t = true;
        }
}

static void end_strings(void *ctx, const char *el)
{
        struct book *b = ctx;
        const char *n = local(el);
        if (!strcmp(n, "t")) {
                b->in_t = false;
        } else if (!strcmp(n, "rPh")) {
                b->rph--;
        } else if (!strcmp(n, "si") && b->in_si) {
                b->in_si = false;
                if (b->nstrings == b->strings_cap) {
                        size_t cap = b->strings_cap ? 2 * b->strings_cap : 64;
                        char **v = realloc(b->strings, cap * sizeof *v);
                        if (!v) {
                                b->nomem = true;
                                return;
                        }
                        b->strings = v;
                        b->strings_cap = cap;
                }
                char *s = strdup(b->text.s ? b->text.s : "");
                b->nomem = b->nomem || !s || b->text.nomem;
                b->strings[b->nstrings++] = s;
        }
}

/* "BC12" into column 55 and row 12; false when it is not a reference. */
static bool cell_ref(const char *ref, unsigned *col, unsigned *row)
{
        unsigned c = 0, r = 0;
        const char *p = ref;
        for (; *p >= 'A' && *p <= 'Z' && c <= COL_MAX; p++)
                c = c * 26 + (unsigned) (*p - 'A' + 1);
        for (; *p >= '0' && *p <= '9' && r <= 1048576; p++)
                r = r * 10 + (unsigned) (*p - '0');
        if (*p || !c || !r || c > COL_MAX || r > 1048576)
                return false;
        *col = c;
        *row = r;
        return true;
}

static void start_sheet(void *ctx, const char *el, const char **atts)
{
        struct book *b = ctx;
        const char *n = local(el);
        if (!strcmp(n, "row")) {
                const char *r = attr(atts, "r");
                b->row = r ? (unsigned) strtoul(r, NULL, 10) : b->row + 1;
                b->col = 0;
        } else if (!strcmp(n, "c")) {
                const char *ref = attr(atts, "r"), *t = attr(atts, "t");
                unsigned col = b->col + 1, row = b->row;
                if (ref && !cell_ref(ref, &col, &row))
                        col = b->col + 1;
                b->col = col;
                b->row = row;
                snprintf(b->type, sizeof b->type, "%s", t ? t : "n");
                b->in_c = true;
                b->text.len = 0;
                if (b->text.s)
                        b->text.s[0] = '\0';
        } else if (b->in_c && !strcmp(n, "v")) {
                b->in_v = true;
        } else if (b->in_c && !strcmp(n, "t")) {
                b->in_t = true;
        } else if (!strcmp(n, "rPh")) {
                b->rph++;
        }
}

/* The text a cell shows, from what it holds and its type. */
static const char *cell_text(const struct book *b)
{
        const char *v = b->text.s ? b->text.s : "";
        if (!strcmp(b->type, "s")) {
                char *end;
                unsigned long i = strtoul(v, &end, 10);
                return *v && !*end && i < b->nstrings ? b->strings[i] : NULL;
        }
        return v;
}

static void end_sheet(void *ctx, const char *el)
{
        struct book *b = ctx;
        const char *n = local(el);
        if (!strcmp(n, "v")) {
                b->in_v = false;
        } else if (!strcmp(n, "t")) {
                b->in_t = false;
        } else if (!strcmp(n, "rPh")) {
                b->rph--;
        } else if (!strcmp(n, "c") && b->in_c) {
                b->in_c = false;
                const char *s = cell_text(b);
                /* a shared-string cell with no index is blank, as it was */
                if (!s && !strcmp(b->type, "s") && !(b->text.s && *b->text.s))
                        return;
                if (!s && !b->bad_row) {
                        b->bad_row = b->row;
                        b->bad_col = b->col;
                        snprintf(b->bad_ref, sizeof b->bad_ref, "%s", b->text.s ? b->text.s : "");
                }
                if (!s || !*s || b->col > COL_MAX)
                        return;
                if (b->ncells == b->cells_cap) {
                        size_t cap = b->cells_cap ? 2 * b->cells_cap : 256;
                        struct cell *v = realloc(b->cells, cap * sizeof *v);
                        if (!v) {
                                b->nomem = true;
                                return;
                        }
                        b->cells = v;
                        b->cells_cap = cap;
                }
                char *t = strdup(s);
                b->nomem = b->nomem || !t || b->text.nomem;
                b->cells[b->ncells++] = (struct cell){b->row, b->col, t};
        }
}

/* Parses len bytes of XML at s with the handlers; ENK_ERR_SYNTAX with a
 * diagnostic for broken XML. */
static enk_status parse(struct book *b, const char *part, const char *s, size_t len,
                        XML_StartElementHandler start, XML_EndElementHandler end)
{
        XML_Parser p = XML_ParserCreate("UTF-8");
        if (!p)
                return ENK_ERR_NOMEM;
        XML_SetUserData(p, b);
        XML_SetElementHandler(p, start, end);
        XML_SetCharacterDataHandler(p, on_text);
        b->part = part;
        b->in_t = b->in_v = b->in_si = b->in_c = false;
        b->rph = 0;
        enk_status st = ENK_OK;
        if (len > INT_MAX || XML_Parse(p, s, (int) len, XML_TRUE) != XML_STATUS_OK) {
                enk_error(b->diags, ((enk_loc){b->name, 0, 0}),
                          "not a readable workbook: %s, line %lu: %s", part,
                          (unsigned long) XML_GetCurrentLineNumber(p),
                          XML_ErrorString(XML_GetErrorCode(p)));
                st = ENK_ERR_SYNTAX;
        }
        XML_ParserFree(p);
        if (st == ENK_OK && b->nomem)
                st = ENK_ERR_NOMEM;
        return st;
}

/* Reads and parses one part; a missing part is an error when needed. */
static enk_status parse_part(struct book *b, zip_t *z, const char *part, bool needed,
                             XML_StartElementHandler start, XML_EndElementHandler end)
{
        char *s = NULL;
        size_t len = 0;
        enk_status st = read_part(z, part, &s, &len);
        if (st == ENK_ERR_NOTFOUND && !needed)
                return ENK_OK;
        if (st == ENK_ERR_NOTFOUND || st == ENK_ERR_SYNTAX) {
                enk_error(b->diags, ((enk_loc){b->name, 0, 0}),
                          "not a readable workbook: its part %s is missing or unreadable", part);
                return ENK_ERR_SYNTAX;
        }
        if (st == ENK_OK)
                st = parse(b, part, s, len, start, end);
        free(s);
        return st;
}

/* ------------------------------------------------------------ the records */

static int by_place(const void *a, const void *b)
{
        const struct cell *x = a, *y = b;
        if (x->row != y->row)
                return x->row < y->row ? -1 : 1;
        return x->col < y->col ? -1 : x->col > y->col;
}

/* Hands the sheet's rows to the reader: the first row with a cell is the
 * header, whose last cell sets the width; a row is as wide as that, or as
 * its own last cell when that lies further right (the reader then reports
 * the row's number of fields). */
static enk_status produce(void *ctx, enk_csv_record_fn record, void *rctx)
{
        struct book *b = ctx;
        if (b->ncells > 1) /* an empty sheet has no array (qsort wants one) */
                qsort(b->cells, b->ncells, sizeof *b->cells, by_place);
        size_t width = 0;
        enk_status st = ENK_OK;
        for (size_t i = 0; i < b->ncells && st == ENK_OK;) {
                size_t j = i;
                while (j < b->ncells && b->cells[j].row == b->cells[i].row)
                        j++;
                size_t n = b->cells[j - 1].col;
                if (!width)
                        width = n;
                if (n < width)
                        n = width;
                enk_csv_field *f = calloc(n, sizeof *f);
                if (!f)
                        return ENK_ERR_NOMEM;
                /* a blank cell: trimming it in place writes nothing */
                static char empty[1];
                for (size_t k = 0; k < n; k++)
                        f[k] = (enk_csv_field){empty, 0};
                for (size_t k = i; k < j; k++) {
                        struct cell *c = &b->cells[k];
                        f[c->col - 1] = (enk_csv_field){c->text, strlen(c->text)};
                }
                enk_csv_record rec = {
                    .line = b->cells[i].row, .fields = f, .nkept = n, .nfields = n};
                st = record(rctx, &rec);
                free(f);
                i = j;
        }
        return st;
}

/* ------------------------------------------------------------ reading */

static void book_release(struct book *b)
{
        free(b->sheet_rid);
        free(b->sheet_part);
        for (size_t i = 0; i < b->nstrings; i++)
                free(b->strings[i]);
        free(b->strings);
        for (size_t i = 0; i < b->ncells; i++)
                free(b->cells[i].text);
        free(b->cells);
        enk_strbuf_release(&b->text);
}

/* Reads the zip's parts into b. */
static enk_status read_book(struct book *b, zip_t *z)
{
        enk_status st = parse_part(b, z, "xl/workbook.xml", true, on_workbook, NULL);
        if (st == ENK_OK && !b->sheet_rid) {
                enk_error(b->diags, ((enk_loc){b->name, 0, 0}),
                          "the workbook has no sheet of responses");
                return ENK_ERR_SYNTAX;
        }
        if (st == ENK_OK)
                st = parse_part(b, z, "xl/_rels/workbook.xml.rels", true, on_rels, NULL);
        if (st == ENK_OK && !b->sheet_part) {
                enk_error(b->diags, ((enk_loc){b->name, 0, 0}),
                          "not a readable workbook: the part of sheet %s is not named",
                          b->sheet_rid);
                return ENK_ERR_SYNTAX;
        }
        if (st == ENK_OK)
                st = parse_part(b, z, "xl/sharedStrings.xml", false, start_strings, end_strings);
        if (st == ENK_OK)
                st = parse_part(b, z, b->sheet_part, true, start_sheet, end_sheet);
        if (st == ENK_OK && b->bad_row) {
                enk_error(b->diags, ((enk_loc){b->name, b->bad_row, b->bad_col}),
                          "not a readable workbook: the cell points to shared text '%s', "
                          "which xl/sharedStrings.xml does not hold (%zu texts)",
                          b->bad_ref, b->nstrings);
                return ENK_ERR_SYNTAX;
        }
        return st;
}

enk_status enk_xlsxin_read_buf(enk_csvin *r, const void *buf, size_t len, const char *name,
                               enk_diags *diags)
{
        if (!r || (!buf && len))
                return ENK_ERR_USAGE;
        struct book b = {.name = name ? name : "", .diags = diags};
        zip_error_t ze;
        zip_error_init(&ze);
        zip_source_t *src = zip_source_buffer_create(buf, len, 0, &ze);
        zip_t *z = src ? zip_open_from_source(src, ZIP_RDONLY, &ze) : NULL;
        if (!z) {
                enk_error(diags, ((enk_loc){b.name, 0, 0}), "not a workbook (.xlsx): %s",
                          zip_error_strerror(&ze));
                if (src)
                        zip_source_free(src);
                zip_error_fini(&ze);
                return ENK_ERR_SYNTAX;
        }
        zip_error_fini(&ze);
        enk_status st = read_book(&b, z);
        zip_discard(z);
        if (st == ENK_OK)
                st = enk_csvin_read_records(r, b.name, produce, &b, diags);
        book_release(&b);
        return st;
}

enk_status enk_xlsxin_read(enk_csvin *r, const char *path, const char *name, enk_diags *diags)
{
        if (!r || !path)
                return ENK_ERR_USAGE;
        if (!name)
                name = path;
        FILE *fp = fopen(path, "rb");
        if (!fp) {
                enk_error(diags, ((enk_loc){name, 0, 0}), "cannot open file: %s", strerror(errno));
                return ENK_ERR_IO;
        }
        enk_strbuf data = {0};
        char chunk[65536];
        size_t n;
        while ((n = fread(chunk, 1, sizeof chunk, fp)) > 0 && data.len <= PART_MAX)
                enk_strbuf_add(&data, chunk, n);
        bool bad = ferror(fp);
        int err = errno;
        fclose(fp);
        enk_status st = ENK_OK;
        if (bad) {
                enk_error(diags, ((enk_loc){name, 0, 0}), "cannot read file: %s", strerror(err));
                st = ENK_ERR_IO;
        } else if (data.nomem) {
                st = ENK_ERR_NOMEM;
        } else if (data.len > PART_MAX) {
                enk_error(diags, ((enk_loc){name, 0, 0}), "the workbook is larger than %u MiB",
                          PART_MAX >> 20);
                st = ENK_ERR_SYNTAX;
        } else {
                st = enk_xlsxin_read_buf(r, data.s ? data.s : "", data.len, name, diags);
        }
        enk_strbuf_release(&data);
        return st;
}

bool enk_xlsxin_is_workbook(const char *path)
{
        size_t n = path ? strlen(path) : 0;
        return n > 5 && !strcasecmp(path + n - 5, ".xlsx");
}
