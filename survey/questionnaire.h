/* survey/questionnaire.h - the questionnaire model and its YAML loader.
 *
 * One model of a questionnaire, built from YAML (docs/questionnaire.md), is the
 * single source of truth for every form, for validating every response and for
 * every label in a report. The model is read-only after loading: its structs
 * are public so that form compilers and reports can walk them, but only the
 * loader fills them in.
 *
 * Ownership: an enk_questionnaire owns everything reachable from it (one arena);
 * every pointer handed out is borrowed and valid until enk_questionnaire_free().
 *
 * Answer values: every answer is an int32_t. A scale point, an option or a
 * number is its value; yes/no is 1 (yes) or 0 (no); a multiple-choice answer is
 * a bit set, bit (v - 1) for option value v (values 1..30); free text is stored
 * apart and its slot holds 1 when text was given. ENK_MISSING is no answer and
 * ENK_NA the scale's "not applicable / don't know" answer.
 *
 * Labels: a data file may name an answer by its code or by any of its labels,
 * so a loaded questionnaire guarantees that within one scale (points and the
 * not-applicable answer) and within one question's options no label, read as
 * a whole number, is another answer's code, and no two answers' labels are
 * equal ignoring case (A-Z, Latin-1 letters) and blanks. Texts are within the
 * ENK_TEXT_*_MAX limits below.
 */
#ifndef ENK_QUESTIONNAIRE_H
#define ENK_QUESTIONNAIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "survey/diag.h"

#define ENK_LANG_MAX 8
#define ENK_MISSING  INT32_MIN
#define ENK_NA       (INT32_MIN + 1)
/* Largest option value of a multiple-choice question (bit 29 of the set). */
#define ENK_OPTION_MAX 30
/* The years an edition or a wave may have (the store checks them too). */
#define ENK_YEAR_MIN 1990
#define ENK_YEAR_MAX 2100
/* Numbers must lie within +-ENK_NUMBER_LIMIT. */
#define ENK_NUMBER_LIMIT 1000000000

/* The longest text of each kind, in characters (not bytes), per language
 * (docs/questionnaire.md). Far above what real questionnaires write, low
 * enough that no form takes long to lay out: a longer text is an error. */
#define ENK_TEXT_LABEL_MAX    200  /* a scale's, point's, option's or area's label; a unit */
#define ENK_TEXT_TITLE_MAX    200  /* the questionnaire's title, a section's title */
#define ENK_TEXT_QUESTION_MAX 1000 /* a question's, grid's or grid item's text */
#define ENK_TEXT_HELP_MAX     1000 /* a question's help */
#define ENK_TEXT_LONG_MAX     5000 /* an intro, the closing, an area's description */

/* A text in each of the questionnaire's languages, indexed like
 * enk_questionnaire.languages. Every declared language is present after a
 * successful load; s[i] is NULL only for optional texts that were not given. */
typedef struct enk_text {
        const char *s[ENK_LANG_MAX];
} enk_text;

typedef enum enk_qtype {
        ENK_Q_SCALE,    /* one point of a scale */
        ENK_Q_SINGLE,   /* one of several options */
        ENK_Q_MULTIPLE, /* any of several options */
        ENK_Q_YESNO,    /* yes or no */
        ENK_Q_NUMBER,   /* a whole number within a range */
        ENK_Q_TEXT,     /* free text (never reported) */
} enk_qtype;

typedef struct enk_point {
        int32_t value;
        enk_text label;
} enk_point;

typedef struct enk_scale {
        const char *id;
        enk_text label;    /* optional description; may be all NULL */
        enk_point *points; /* ascending by value */
        size_t npoints;
        int32_t *positive; /* the values that count as positive (top boxes) */
        size_t npositive;
        bool has_na;     /* offers a "not applicable / don't know" answer */
        int32_t na_code; /* how that answer is written in files (e.g. 9) */
        enk_text na_label;
        enk_loc loc;
} enk_scale;

typedef struct enk_option {
        int32_t value;
        enk_text label;
} enk_option;

typedef struct enk_area {
        const char *id;
        enk_text label;
        enk_text description; /* optional */
        enk_loc loc;
} enk_area;

/* show-if: the question is asked only when the earlier question `question`
 * (an index into enk_questionnaire.questions) has one of `values`. For a
 * multiple-choice question "has" means the option is among those chosen. */
typedef struct enk_condition {
        size_t question;
        int32_t *values;
        size_t nvalues;
} enk_condition;

typedef struct enk_question {
        const char *id;
        enk_qtype type;
        enk_text text;
        enk_text help; /* optional */
        /* optional: what those who answer positively are or do, to end the
         * report's sentence "Fler än nio av tio (95 %) är nöjda med stödet" */
        enk_text predicate;
        bool required;
        bool headline;       /* shown on the report's summary */
        int scale;           /* index into scales, -1 unless ENK_Q_SCALE */
        int area;            /* index into areas, -1 when none */
        int section;         /* index into sections */
        int grid;            /* index into grids, -1 when not a grid item */
        enk_option *options; /* ENK_Q_SINGLE and ENK_Q_MULTIPLE */
        size_t noptions;
        int32_t min, max;             /* ENK_Q_NUMBER */
        enk_text unit;                /* ENK_Q_NUMBER, optional ("år") */
        unsigned rows;                /* ENK_Q_TEXT: lines on paper */
        const enk_condition *show_if; /* NULL when always asked */
        const char **was;             /* ids this question had in earlier editions */
        size_t nwas;
        enk_loc loc;
} enk_question;

/* A grid: several consecutive scale questions sharing one scale, laid out as
 * one table on paper and on a wide screen. */
typedef struct enk_grid {
        const char *id;
        enk_text text; /* the grid's lead text */
        int scale;
        size_t first; /* index of the first item in questions */
        size_t count;
        enk_loc loc;
} enk_grid;

typedef struct enk_section {
        const char *id;
        enk_text title;
        enk_text intro; /* optional */
        size_t first;   /* index of the first question in questions */
        size_t count;
        enk_loc loc;
} enk_section;

typedef struct enk_questionnaire {
        const char *file;                    /* the name it was loaded under */
        const char *survey;                  /* stable id across editions */
        int edition;                         /* the year */
        const char *languages[ENK_LANG_MAX]; /* languages[0] is the default */
        size_t nlanguages;
        enk_text title;
        enk_text intro;   /* optional */
        enk_text closing; /* optional: thanks and how to return the form */
        enk_scale *scales;
        size_t nscales;
        enk_area *areas;
        size_t nareas;
        enk_section *sections;
        size_t nsections;
        enk_question *questions; /* all questions in order, grid items flattened */
        size_t nquestions;
        enk_grid *grids;
        size_t ngrids;
        const char *source; /* the YAML text it was loaded from */
        size_t source_len;
} enk_questionnaire;

/* Loads and validates the questionnaire at path. On success returns ENK_OK and
 * stores a new questionnaire in *out, owned by the caller
 * (enk_questionnaire_free). On failure leaves *out untouched, appends every
 * problem found to diags (file:line:column, 1-based, sorted by place) and
 * returns ENK_ERR_IO (unreadable file), ENK_ERR_SYNTAX (not YAML, or beyond the
 * limits of docs/questionnaire.md: 4 MiB, 64 levels, 200 000 values) or
 * ENK_ERR_SCHEMA; ENK_ERR_NOMEM when memory ran out, ENK_ERR_USAGE when path or
 * out is NULL. Warnings may be appended on success. diags may be NULL. */
enk_status enk_questionnaire_load(const char *path, enk_questionnaire **out, enk_diags *diags);

/* As enk_questionnaire_load, from len bytes of YAML at buf; name is used in
 * diagnostics and copied. buf need not be NUL-terminated. */
enk_status enk_questionnaire_parse(const char *buf, size_t len, const char *name,
                                   enk_questionnaire **out, enk_diags *diags);

/* Frees q and everything it owns. NULL is a no-op. */
void enk_questionnaire_free(enk_questionnaire *q);

/* Index of the question with this current id, or -1. */
int enk_questionnaire_find(const enk_questionnaire *q, const char *id);
/* Index of the question whose current id is id or whose `was` list holds id,
 * or -1: how an earlier edition's question is found in this one. */
int enk_questionnaire_find_linked(const enk_questionnaire *q, const char *id);
/* Index of the area with this id, or -1. */
int enk_questionnaire_area(const enk_questionnaire *q, const char *id);

/* The one rule for which of n editions of a survey is the latest, used by
 * every reader of several editions (figures, export): the highest edition
 * year; among editions of the same year, the one added last, i.e. with the
 * highest order[i] (the store's edition id). Returns its index, 0 when n is 0. */
size_t enk_questionnaire_latest(const enk_questionnaire *const *eds, const int64_t *order,
                                size_t n);

/* The one rule for where question i of edition q is answered in edition
 * latest: its own index when q is latest; else the question whose id or
 * `was` list names it, when that question has the same type; else -1 (its
 * answers are not comparable and belong to no column of the latest). */
int enk_questionnaire_map(const enk_questionnaire *latest, const enk_questionnaire *q, size_t i);
/* Index of the language with this code ("sv"), or -1. */
int enk_questionnaire_lang(const enk_questionnaire *q, const char *code);

/* The text in language lang, falling back to the default language; "" when the
 * text was not given at all. Never NULL. */
const char *enk_text_get(const enk_text *t, int lang);

/* The number question i carries on the forms, as the respondent sees it:
 * "1", "2", ... in order, a grid counted once and its items lettered ("5a",
 * "5b"); into buf (n bytes, at least 16). */
void enk_question_number(const enk_questionnaire *q, size_t i, char *buf, size_t n);

/* The size of a buffer that holds any title with a year (ENK_TEXT_TITLE_MAX
 * characters of up to 4 bytes, a space, a year and the NUL). */
#define ENK_TITLE_YEAR_CAP (ENK_TEXT_TITLE_MAX * 4 + 16)

/* The one rule for the title a wave's forms and reports show: the
 * questionnaire's title followed by the wave's year ("Enkät till familjehem
 * 2025"), so that a title need not be edited each year. A title that already
 * ends in a year (1900-2199, after a space: an older questionnaire's "… 2020")
 * has that year replaced. year <= 0 gives the title as written. Writes into
 * buf (cap bytes, ENK_TITLE_YEAR_CAP holds any title) and returns buf. */
const char *enk_title_with_year(const char *title, int year, char *buf, size_t cap);

/* The scale of a scale question, or NULL. */
const enk_scale *enk_question_scale(const enk_questionnaire *q, const enk_question *qn);
/* Whether value is a possible answer to qn (ENK_MISSING is not; ENK_NA is when
 * qn's scale has a not-applicable answer). A multiple-choice answer must be a
 * non-empty set of the options' bits (nothing chosen is ENK_MISSING); a free
 * text answer is 1. */
bool enk_question_allows(const enk_questionnaire *q, const enk_question *qn, int32_t value);
/* Whether value of a scale question counts as positive. */
bool enk_scale_positive(const enk_scale *s, int32_t value);
/* Whether qn is asked, given the answers so far (values, indexed like
 * questions; only earlier ones are read). A question without show_if is always
 * asked; one whose condition's question is ENK_MISSING (unanswered or itself
 * skipped) is not. */
bool enk_question_shown(const enk_questionnaire *q, const enk_question *qn, const int32_t *values);

const char *enk_qtype_name(enk_qtype type);

#endif
