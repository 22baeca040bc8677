/* survey/review.h - the answers of scanned paper forms that wait for a person: the queue, the
 * crops, the decisions, and the decisions CSV.
 *
 * `enkat scan` (survey/paperin.h) keeps every answer it cannot read safely as
 * a review in the store (survey/store.h, "scanned paper"): an uncertain box,
 * two marks on a single choice, a mark on a question the skip logic skips,
 * written digits. This module is what a person works through, whatever the
 * front (the local web page of survey/server.h's enk_server_review, or a
 * spreadsheet):
 *
 *   - the queue: every review of every copy that still has one undecided, in
 *     the store's order (unit, year, copy, question), decided ones included
 *     so that a person can go back and change them;
 *   - the crop: the question's part of the scanned page, read from the scan
 *     file when asked (page file_page, turned when it lay upside down) and
 *     made a PNG in memory; no image is ever copied into the store;
 *   - a decision: checked against the question (enk_question_allows, or no
 *     answer), stored at once; a copy whose reviews are all decided becomes a
 *     response (enk_paperin_finish) once the person has moved on to another
 *     copy (a decision on it), or at enk_review_finish_all, so that the last
 *     answer of a copy can still be changed right after it was given;
 *   - the decisions CSV: the waiting reviews written out, and read back with
 *     their decisions, all or nothing in one transaction.
 *
 * Answers are written as the response files have them (docs/csv.md): a
 * scale point's code (its not-applicable answer by its code), an option's
 * value, 1/0 for yes/no, the number; a multiple choice as option values
 * separated by '|'; "-" is no answer.
 *
 * Ownership: an enk_review owns its store handle; items and the strings in
 * them are borrowed, valid until enk_review_free. Functions never print; they
 * append to a caller-owned enk_diags (may be NULL). Not for several threads
 * at once.
 */
#ifndef ENK_REVIEW_H
#define ENK_REVIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "survey/diag.h"
#include "survey/lang.h"
#include "survey/questionnaire.h"

typedef struct enk_review enk_review;

/* One answer under review. */
typedef struct enk_review_item {
        int64_t id, copy_id;
        const enk_questionnaire *q; /* the copy's edition */
        size_t question;            /* index into q->questions */
        int qlang;                  /* index into q->languages: the copy's language */
        const char *unit;
        int year;
        const char *serial;
        const char *reason; /* "uncertain", "multiple", "skipped", "digits" */
        int32_t reading;    /* what the scanner suggests; ENK_MISSING: nothing */
        bool decided;
        int32_t decision;   /* when decided; ENK_MISSING: no answer */
        bool finished;      /* its copy has become a response: it cannot change */
        const char *file;   /* the scan file of the question's page */
        unsigned file_page; /* its 1-based page in that file */
        bool rotated;       /* that page lay upside down */
        unsigned page;      /* the form page */
        int crop[4];        /* x, y, w, h in pixels of the (turned) page */
} enk_review_item;

/* Opens the store at db for review: first turns every copy whose reviews are
 * all decided but which is no response yet into one (a session that ended
 * early), then loads the queue. ENK_ERR_NOTFOUND when there is no store;
 * the store's statuses otherwise. */
enk_status enk_review_open(const char *db, enk_review **out, enk_diags *diags);

/* Finishes what can be finished (enk_review_finish_all) and frees rv. NULL is
 * a no-op. */
void enk_review_free(enk_review *rv);

size_t enk_review_count(const enk_review *rv);
/* Item i (< count). */
const enk_review_item *enk_review_get(const enk_review *rv, size_t i);
/* The index of the first undecided item; count when all are decided. */
size_t enk_review_next_waiting(const enk_review *rv);
/* Copies turned into responses so far by this handle. */
size_t enk_review_finished(const enk_review *rv);

/* The crop of item i as a PNG in a new buffer *png (free()) of *len bytes.
 * The last page read is kept, so the crops of one page cost one read.
 * ENK_ERR_IO / ENK_ERR_SYNTAX naming the file and page when the scan cannot
 * be read (moved, changed), ENK_ERR_NOTFOUND when it has fewer pages. */
enk_status enk_review_crop(enk_review *rv, size_t i, uint8_t **png, size_t *len, enk_diags *diags);

/* Records value (ENK_MISSING: no answer) as the decision of item i and
 * finishes the copies before it that are complete. ENK_ERR_DATA when the
 * question does not allow value; ENK_ERR_EXISTS when its copy is a response
 * already; the store's statuses. */
enk_status enk_review_decide(enk_review *rv, size_t i, int32_t value, enk_diags *diags);

/* Turns every copy of the queue whose reviews are all decided into a
 * response. */
enk_status enk_review_finish_all(enk_review *rv, enk_diags *diags);

/* Writes the decisions CSV of the undecided items to path (survey/outfile.h:
 * whole or not at all; an existing file only when it is such a CSV):
 * separator ';', UTF-8 with a BOM, columns review, unit, year, serial,
 * question, text, reason (in lang's words), reading, decision (empty).
 * *rows (may be NULL) the rows written. */
enk_status enk_review_export(enk_review *rv, const char *path, enk_lang lang, size_t *rows,
                             enk_diags *diags);

/* Reads the decisions CSV at path back: every row with a decision must name a
 * review of the queue and give an answer its question allows ("PATH:LINE:COL:
 * error: ..." for each problem, up to 100); a row with the decision empty is
 * left waiting. With no error, every decision is stored and the complete
 * copies turned into responses in one transaction; with any, nothing is.
 * *decided and *finished (may be NULL) count them. */
enk_status enk_review_import(enk_review *rv, const char *path, size_t *decided, size_t *finished,
                             enk_diags *diags);

/* The reason in plain words ("två kryss", ...); never NULL. */
const char *enk_review_reason_text(const char *reason, enk_lang lang);

/* Writes value of qn as the CSV has it into buf ("" for ENK_MISSING when
 * missing_dash is false, "-" when true). */
void enk_review_value_format(const enk_questionnaire *q, const enk_question *qn, int32_t value,
                             bool missing_dash, char *buf, size_t size);

/* Reads text (trimmed) as an answer to qn: "-" is ENK_MISSING. false when it
 * is no answer qn allows. */
bool enk_review_value_parse(const enk_questionnaire *q, const enk_question *qn, const char *text,
                            int32_t *value);

#endif
