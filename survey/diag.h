/* survey/diag.h - status codes and the diagnostics list every module reports into.
 *
 * enkat's library code never prints, exits or aborts. A function that can fail
 * returns an enk_status and appends the details (where, how bad, what) to a
 * caller-owned enk_diags list; the CLI decides how to show them. Locations are
 * 1-based: a YAML file's line and column, or a CSV file's row and column.
 *
 * Ownership: an enk_diags owns copies of every string passed to it, so callers
 * may pass reused buffers (SQLite's and libyaml's error texts) directly.
 *
 * Language: messages are written in English, and the English text is the
 * message id of GNU gettext (domain ENK_TEXTDOMAIN, the catalogue
 * po/sv.po). enk_diags_addv() looks the format up in the catalogue before
 * applying it, so a call site writes English and the run gets its language:
 * Swedish when the program chose it (cli/util.c, cli_use_lang), the English
 * itself otherwise (also in the unit tests, which choose nothing). A format
 * passed to a message function is found by xgettext through the function's
 * name (po/keywords lists them); a text that reaches a message by another
 * way is marked ENK_MSGID("...") where it is written and looked up with
 * enk_diag_text() where it is used. docs/architecture.md, "Two languages".
 */
#ifndef ENK_DIAG_H
#define ENK_DIAG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

/* The gettext domain of enkat's messages (po/). */
#define ENK_TEXTDOMAIN "enkat"
/* Marks a message id for xgettext where it is written; translate it where it
 * is used, with enk_diag_text(). */
#define ENK_MSGID(s) s

/* msgid in the run's language: its translation in ENK_TEXTDOMAIN, or msgid
 * itself (English, or no catalogue chosen). Borrowed, never NULL for a
 * non-NULL msgid; "" stays "". */
const char *enk_diag_text(const char *msgid) __attribute__((format_arg(1)));

/* Append new codes at the end only: the numbers are part of the API. */
typedef enum enk_status {
        ENK_OK = 0,
        ENK_ERR_NOMEM,    /* out of memory */
        ENK_ERR_IO,       /* a file could not be read or written */
        ENK_ERR_SYNTAX,   /* a file is not well-formed (YAML, CSV) */
        ENK_ERR_SCHEMA,   /* a questionnaire breaks the schema's rules */
        ENK_ERR_DATA,     /* responses break the questionnaire's rules */
        ENK_ERR_STORE,    /* the store failed, is locked, foreign or too new */
        ENK_ERR_USAGE,    /* a caller passed arguments that make no sense */
        ENK_ERR_NOTFOUND, /* a unit, year, edition or question is not there */
        ENK_ERR_EXISTS,   /* something is there already (a duplicate import) */
        ENK_ERR_MATH,     /* a statistic is undefined for its input */
} enk_status;

/* A fixed English phrase for status (a message id: enk_diag_text() gives it
 * in the run's language); never NULL, also for unknown codes. */
const char *enk_status_str(enk_status status);

typedef enum enk_severity {
        ENK_SEV_ERROR,
        ENK_SEV_WARNING,
        ENK_SEV_NOTE,
} enk_severity;

/* A place in an input file. file is borrowed; line and column are 1-based and
 * 0 when unknown (then they are not printed). */
typedef struct enk_loc {
        const char *file;
        unsigned line;
        unsigned column;
} enk_loc;

/* One diagnostic. All strings are owned by the list; subject may be NULL (it is
 * what the problem concerns, e.g. a question id in an import). */
typedef struct enk_diag {
        enk_severity severity;
        char *file;
        unsigned line;
        unsigned column;
        char *subject;
        char *message;
} enk_diag;

typedef struct enk_diags enk_diags;

/* A new empty list, or NULL when out of memory. cap is the most diagnostics
 * kept (0 means 1000); later ones are counted but dropped, so one bad file
 * cannot exhaust memory. */
enk_diags *enk_diags_new(size_t cap);
/* Frees the list and everything in it. NULL is a no-op. */
void enk_diags_free(enk_diags *diags);

/* Appends a diagnostic at loc about subject (may be NULL). fmt is a message
 * id, translated (enk_diag_text) before it is applied. Never fails visibly:
 * when out of memory the diagnostic is counted but not kept. */
void enk_diags_add(enk_diags *diags, enk_severity severity, enk_loc loc, const char *subject,
                   const char *fmt, ...) __attribute__((format(printf, 5, 6)));
void enk_diags_addv(enk_diags *diags, enk_severity severity, enk_loc loc, const char *subject,
                    const char *fmt, va_list ap) __attribute__((format(printf, 5, 0)));

/* Shorthands for the two common severities. */
#define enk_error(d, loc, ...)   enk_diags_add((d), ENK_SEV_ERROR, (loc), NULL, __VA_ARGS__)
#define enk_warning(d, loc, ...) enk_diags_add((d), ENK_SEV_WARNING, (loc), NULL, __VA_ARGS__)

/* Number of diagnostics kept (at most cap). */
size_t enk_diags_count(const enk_diags *diags);
/* The i-th kept diagnostic, borrowed, valid until the list is freed. */
const enk_diag *enk_diags_get(const enk_diags *diags, size_t i);
/* Number of errors / warnings added, including dropped ones. */
size_t enk_diags_errors(const enk_diags *diags);
size_t enk_diags_warnings(const enk_diags *diags);
/* Number of diagnostics added but not kept because the list was full. */
size_t enk_diags_dropped(const enk_diags *diags);
/* Counts n more as dropped: those another list dropped, when its kept ones
 * are copied into this one (one count of what is not shown). */
void enk_diags_add_dropped(enk_diags *diags, size_t n);
/* Sorts the kept diagnostics by file, line and column (stable). */
void enk_diags_sort(enk_diags *diags);

/* Formats d as "FILE:LINE:COLUMN (SUBJECT): error: MESSAGE" into a new string
 * owned by the caller (free()); parts that are unknown are left out. The
 * severity word is in the run's language ("fel", "varning", "obs" in
 * Swedish). NULL when out of memory. */
char *enk_diag_format(const enk_diag *d);

#endif
