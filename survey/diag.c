/* survey/diag.c - status strings and the diagnostics list. */
#include "survey/diag.h"

#include <libintl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct enk_diags {
        enk_diag *items;
        size_t n, alloc, cap;
        size_t errors, warnings, dropped;
};

const char *enk_diag_text(const char *msgid)
{
        /* gettext("") is the catalogue's header, not "". */
        return msgid && *msgid ? dgettext(ENK_TEXTDOMAIN, msgid) : msgid;
}

const char *enk_status_str(enk_status status)
{
        switch (status) {
        case ENK_OK:
                return ENK_MSGID("success");
        case ENK_ERR_NOMEM:
                return ENK_MSGID("out of memory");
        case ENK_ERR_IO:
                return ENK_MSGID("input/output error");
        case ENK_ERR_SYNTAX:
                return ENK_MSGID("syntax error");
        case ENK_ERR_SCHEMA:
                return ENK_MSGID("invalid questionnaire");
        case ENK_ERR_DATA:
                return ENK_MSGID("invalid responses");
        case ENK_ERR_STORE:
                return ENK_MSGID("store error");
        case ENK_ERR_USAGE:
                return ENK_MSGID("invalid arguments");
        case ENK_ERR_NOTFOUND:
                return ENK_MSGID("not found");
        case ENK_ERR_EXISTS:
                return ENK_MSGID("already exists");
        case ENK_ERR_MATH:
                return ENK_MSGID("statistic undefined for this input");
        }
        return ENK_MSGID("unknown error");
}

enk_diags *enk_diags_new(size_t cap)
{
        enk_diags *d = calloc(1, sizeof(*d));
        if (d)
                d->cap = cap ? cap : 1000;
        return d;
}

void enk_diags_free(enk_diags *diags)
{
        if (!diags)
                return;
        for (size_t i = 0; i < diags->n; i++) {
                free(diags->items[i].file);
                free(diags->items[i].subject);
                free(diags->items[i].message);
        }
        free(diags->items);
        free(diags);
}

static char *dup_or_null(const char *s)
{
        return s ? strdup(s) : NULL;
}

void enk_diags_addv(enk_diags *diags, enk_severity severity, enk_loc loc, const char *subject,
                    const char *fmt, va_list ap)
{
        if (!diags)
                return;
        if (severity == ENK_SEV_ERROR)
                diags->errors++;
        else if (severity == ENK_SEV_WARNING)
                diags->warnings++;
        if (diags->n == diags->cap) {
                diags->dropped++;
                return;
        }
        if (diags->n == diags->alloc) {
                size_t alloc = diags->alloc ? diags->alloc * 2 : 16;
                enk_diag *items = realloc(diags->items, alloc * sizeof(*items));
                if (!items) {
                        diags->dropped++;
                        return;
                }
                diags->items = items;
                diags->alloc = alloc;
        }
        char *message = NULL;
        if (vasprintf(&message, enk_diag_text(fmt), ap) < 0) {
                diags->dropped++;
                return;
        }
        enk_diag *d = &diags->items[diags->n++];
        d->severity = severity;
        d->file = dup_or_null(loc.file);
        d->line = loc.line;
        d->column = loc.column;
        d->subject = dup_or_null(subject);
        d->message = message;
}

void enk_diags_add(enk_diags *diags, enk_severity severity, enk_loc loc, const char *subject,
                   const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        enk_diags_addv(diags, severity, loc, subject, fmt, ap);
        va_end(ap);
}

size_t enk_diags_count(const enk_diags *diags)
{
        return diags ? diags->n : 0;
}

const enk_diag *enk_diags_get(const enk_diags *diags, size_t i)
{
        return diags && i < diags->n ? &diags->items[i] : NULL;
}

size_t enk_diags_errors(const enk_diags *diags)
{
        return diags ? diags->errors : 0;
}

size_t enk_diags_warnings(const enk_diags *diags)
{
        return diags ? diags->warnings : 0;
}

size_t enk_diags_dropped(const enk_diags *diags)
{
        return diags ? diags->dropped : 0;
}

void enk_diags_add_dropped(enk_diags *diags, size_t n)
{
        if (diags)
                diags->dropped += n;
}

static int cmp_diag(const enk_diag *a, const enk_diag *b)
{
        int c = strcmp(a->file ? a->file : "", b->file ? b->file : "");
        if (c)
                return c;
        if (a->line != b->line)
                return a->line < b->line ? -1 : 1;
        if (a->column != b->column)
                return a->column < b->column ? -1 : 1;
        return 0;
}

void enk_diags_sort(enk_diags *diags)
{
        /* Insertion sort: stable, and lists are short (capped). */
        if (!diags)
                return;
        for (size_t i = 1; i < diags->n; i++) {
                enk_diag tmp = diags->items[i];
                size_t j = i;
                while (j > 0 && cmp_diag(&diags->items[j - 1], &tmp) > 0) {
                        diags->items[j] = diags->items[j - 1];
                        j--;
                }
                diags->items[j] = tmp;
        }
}

char *enk_diag_format(const enk_diag *d)
{
        static const char *const sev[] = {ENK_MSGID("error"), ENK_MSGID("warning"),
                                          ENK_MSGID("note")};
        char place[512] = "";
        size_t len = 0;

        if (d->file) {
                if (d->line && d->column)
                        len = (size_t) snprintf(place, sizeof(place), "%s:%u:%u", d->file, d->line,
                                                d->column);
                else if (d->line)
                        len = (size_t) snprintf(place, sizeof(place), "%s:%u", d->file, d->line);
                else
                        len = (size_t) snprintf(place, sizeof(place), "%s", d->file);
        }
        if (d->subject && len < sizeof(place))
                len += (size_t) snprintf(place + len, sizeof(place) - len, "%s(%s)", len ? " " : "",
                                         d->subject);
        char *out = NULL;
        if (asprintf(&out, "%s%s%s: %s", place, len ? ": " : "", enk_diag_text(sev[d->severity]),
                     d->message) < 0)
                return NULL;
        return out;
}
