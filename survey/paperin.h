/* survey/paperin.h - scanned paper forms read back into responses: `enkat scan`.
 *
 * The paper counterpart of survey/import.h. The scan module (survey/scan.h)
 * says what is on each page image; this module says what it means and keeps
 * it:
 *
 *   - every page of every file is recognised and read (both cores: pages are
 *     read on worker threads, in file order, a bounded number at a time, so
 *     memory does not grow with the number of pages);
 *   - pages are put together into copies by the serial of their QR codes, in
 *     any order and across files; a page of another survey, edition or
 *     language than the wave's, a page without a readable code, a page read
 *     twice and a copy with a page missing are reported by file and page,
 *     never guessed;
 *   - each question's boxes become an answer by the questionnaire's rules:
 *     one mark on a single choice is its answer; a blackened box is the form's
 *     correction, "not this one"; two marks on a single choice, an uncertain
 *     box, a mark on a question the skip logic skips and written digits wait
 *     for a person (a review), never a guess; a written text area is an
 *     answered text question whose text stays on the paper;
 *   - a copy whose answers are all certain becomes a response (source scan) at
 *     once; one with reviews is kept, not counted, until `enkat review` has
 *     decided them (enk_paperin_finish). All of a run is one transaction.
 *
 * Ownership: everything the handlers are given is borrowed for the call.
 * Functions never print.
 */
#ifndef ENK_PAPERIN_H
#define ENK_PAPERIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "survey/diag.h"
#include "survey/lang.h"
#include "survey/paper.h"
#include "survey/questionnaire.h"
#include "survey/store.h"

typedef struct enk_paperin_opts {
        const char *db;            /* the store */
        const char *questionnaire; /* the edition, to make the store, unit and
                                    * wave when the store lacks them; NULL */
        const char *unit;          /* the unit the forms came back to */
        int year;                  /* the wave's year */
        bool dry_run;              /* read and report; store nothing */
        const char *const *files;
        size_t nfiles;
        unsigned threads; /* worker threads; 0: the machine's cores */
        enk_lang lang;    /* the language of the words handed to handlers */
} enk_paperin_opts;

/* What became of one page. */
typedef struct enk_paperin_page {
        const char *file;
        unsigned page;       /* 1-based page of file */
        const char *status;  /* "ok", "blank", "no-qr", "foreign", "unknown",
                              * "no-marks", "other-survey", "other-edition",
                              * "twice", "error" */
        const char *message; /* why, when not ok (NULL otherwise) */
        const char *qr;      /* the QR code's text, "" when none */
        unsigned serial;     /* 0: none */
        unsigned form_page;  /* 1-based; 0 when unknown */
        bool rotated;
        double residual_mm; /* -1 when not located */
} enk_paperin_page;

/* What a question of a copy came to. */
typedef enum enk_paperin_state {
        ENK_PAPERIN_EMPTY,   /* nothing marked */
        ENK_PAPERIN_CERTAIN, /* value is the answer */
        ENK_PAPERIN_REVIEW,  /* waits for a person; reason says why */
} enk_paperin_state;

typedef struct enk_paperin_answer {
        size_t question; /* index into q->questions */
        enk_paperin_state state;
        const char *reason; /* "uncertain", "multiple", "skipped", "digits"; NULL */
        int32_t value;      /* the answer, or what the boxes suggest; ENK_MISSING */
        /* The question's boxes as read, in layout order: each one's value (a
         * checkbox's answer value, else 0) and state ("empty", "marked",
         * "filled", "written", "uncertain"). */
        size_t nboxes;
        const int32_t *box_values;
        const char *const *box_states;
} enk_paperin_answer;

/* A copy put together. */
typedef struct enk_paperin_copy {
        unsigned serial;
        const enk_questionnaire *q;
        bool complete;           /* every page of the form was found */
        const unsigned *missing; /* the missing form pages (1-based) */
        size_t nmissing;
        const enk_paperin_answer *answers; /* q->nquestions */
        size_t nreviews;
        int64_t response_id; /* stored as a response now; 0 otherwise */
        const char *outcome; /* "stored", "waiting", "incomplete", "exists",
                              * "read" (a dry run) */
} enk_paperin_copy;

typedef struct enk_paperin_handlers {
        void (*page)(void *ctx, const enk_paperin_page *page);
        void (*copy)(void *ctx, const enk_paperin_copy *copy);
        /* Called with diagnostics as they arise (d is borrowed). */
        void (*diags)(void *ctx, const enk_diags *d);
        void *ctx;
} enk_paperin_handlers;

typedef struct enk_paperin_result {
        size_t files, pages;
        size_t pages_ok;   /* recognised pages of the wave's form */
        size_t pages_bad;  /* every other page (reported) */
        size_t copies;     /* copies put together */
        size_t incomplete; /* copies with a page missing (not stored) */
        size_t stored;     /* copies that became responses */
        size_t waiting;    /* copies kept for review */
        size_t reviews;    /* answers waiting for a person */
        size_t errors;     /* errors reported (then nothing is stored) */
} enk_paperin_result;

/* Reads o->files into the wave o->unit x o->year of o->db (made by `enkat
 * codes` or `enkat import`, or here from o->questionnaire). All of it is one
 * transaction. Reports every page and copy
 * through h (may be NULL). Errors (a file that cannot be read, a page of
 * another survey, a copy with a page missing, a copy scanned before) are
 * counted in res->errors; with any, nothing is stored. */
enk_status enk_paperin_run(const enk_paperin_opts *o, const enk_paperin_handlers *h,
                           enk_paperin_result *res, enk_diags *diags);

/* Turns copy_id, whose reviews are all decided, into a response: its
 * answers as read with the decisions put in, checked by the questionnaire's
 * rules (an answer the decisions leave skipped is dropped). ENK_ERR_USAGE
 * while a review is undecided; ENK_ERR_EXISTS when it is a response already.
 * Inside the caller's transaction, or its own. */
enk_status enk_paperin_finish(enk_store *store, int64_t copy_id, int64_t *response_id,
                              enk_diags *diags);

/* Where question lies on a copy of paper: its 1-based page and the rectangle
 * (mm) around its boxes with the line of text before them, for the review's
 * crop. false when the question has nothing on paper. */
bool enk_paperin_question_area(const enk_paper *paper, size_t question, unsigned *page,
                               enk_paper_rect *r);

#endif
