/* survey/questionnaire_internal.h - what the files of the questionnaire loader share.
 *
 * Not part of the API (that is survey/questionnaire.h); included only by the
 * questionnaire module's own files:
 *   questionnaire.c           the model's API, loading, the document's top level
 *                             (languages, references between questions: show_if,
 *                             was) and the lookups and answers;
 *   questionnaire_values.c    reading one YAML value as an id, an integer, a
 *                             boolean or a text, and reporting a wrong one;
 *   questionnaire_questions.c scales, areas and their labels, sections,
 *                             questions, grids and options.
 * The functions shared between these files carry the prefix qs_ (questionnaire
 * schema) so that they cannot clash with anything in the static library.
 */
#ifndef ENK_QUESTIONNAIRE_INTERNAL_H
#define ENK_QUESTIONNAIRE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "survey/arena.h"
#include "survey/questionnaire.h"
#include "survey/utf8.h"
#include "survey/yml.h"

#define ID_MAX ENK_UTF8_DISTANCE_MAX /* an id is at most 64 bytes */
/* After this many errors, stop computing "did you mean" suggestions: nobody
 * reads them and a hostile file could make them quadratic. */
#define SUGGEST_MAX_ERRORS 200

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* An open-addressing table from id to what it names. */
struct ident {
        const char *id;
        int kind;
        int index;
        const enk_yml_node *at; /* where it was defined */
};

struct idmap {
        struct ident *slots;
        size_t cap, n;
};

enum { ID_QUESTION, ID_GRID };

/* What the walk remembers about each question until references are checked. */
struct qinfo {
        const enk_yml_node *show_if; /* its own show_if, or NULL */
        const enk_yml_node *was;
        bool type_ok; /* type and its keys were valid: show_if values can be checked */
};

/* The walk's state: the model being filled, scratch memory, the problems found. */
struct qs_ctx {
        enk_questionnaire *q;
        enk_arena *model;
        enk_arena scratch;
        enk_diags *diags;
        const char *file;
        size_t errors;
        bool langs_ok;
        struct idmap qids, scale_ids, area_ids, section_ids, was_ids;
        struct qinfo *qinfo;               /* per question */
        const enk_yml_node **grid_show_if; /* per grid */
        size_t max_questions, max_grids;
};

/* The kinds of text, each with its limit (questionnaire.h): what a message
 * calls it and how many characters it may have. */
enum tkind {
        TK_TITLE,
        TK_LABEL,
        TK_UNIT,
        TK_QUESTION,
        TK_HELP,
        TK_PREDICATE,
        TK_INTRO,
        TK_CLOSING,
        TK_DESCRIPTION
};

/* ---- questionnaire_values.c: messages ---------------------------------- */

enk_loc qs_loc_at(const struct qs_ctx *c, unsigned line, unsigned col);
enk_loc qs_loc_node(const struct qs_ctx *c, const enk_yml_node *n);
/* An error at n (counted in c->errors), an error at loc, a warning at n. */
void qs_err(struct qs_ctx *c, const enk_yml_node *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void qs_err_loc(struct qs_ctx *c, enk_loc loc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void qs_warn(struct qs_ctx *c, const enk_yml_node *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* kind ("scale", "area", "section", "grid", "grid item", "question",
 * "question type", "key") alone, in the run's language; another kind as it is. */
const char *qs_noun(const char *kind);
/* A printable excerpt of a scalar's text, in scratch memory. */
const char *qs_show(struct qs_ctx *c, const enk_yml_node *n);
/* How a value that is not what was expected is described: "got a list". */
const char *qs_got(struct qs_ctx *c, const enk_yml_node *n);
/* The candidate closest to word for a "did you mean", or NULL. */
const char *qs_closest(const struct qs_ctx *c, const char *word, const char *const *cands,
                       size_t n);
/* Reports "unknown WHAT 'word'", with a did-you-mean when one is close. */
void qs_unknown(struct qs_ctx *c, const enk_yml_node *n, const char *what, const char *const *cands,
                size_t ncands);
/* "scale 'x'" or "a scale" for messages. */
const char *qs_what_of(struct qs_ctx *c, const char *kind, const char *id);

/* ---- questionnaire_values.c: ids ---------------------------------------- */

const struct ident *qs_idmap_get(const struct idmap *m, const char *id);
/* Adds id unless it is there; returns the entry that was there first, or NULL. */
const struct ident *qs_idmap_put(struct qs_ctx *c, struct idmap *m, const char *id, int kind,
                                 int index, const enk_yml_node *at);
/* Registers a question or grid id; reports a duplicate. */
void qs_register_id(struct qs_ctx *c, const enk_yml_node *n, const char *id, int kind, int index);
bool qs_valid_id(const char *s, size_t len);
/* The id of mapping m when it has a valid one (for messages), else NULL. */
const char *qs_peek_id(const enk_yml_node *m);

/* ---- questionnaire_values.c: values ------------------------------------- */

/* The values of m's keys among names: vals[i] for names[i], NULL when absent;
 * unknown, repeated and non-scalar keys are reported. */
void qs_get_fields(struct qs_ctx *c, const enk_yml_node *m, const char *const *names, size_t nnames,
                   const enk_yml_node **vals);
void qs_missing(struct qs_ctx *c, const enk_yml_node *m, const char *key, const char *what);
bool qs_want_map(struct qs_ctx *c, const enk_yml_node *n, const char *what);
bool qs_want_list(struct qs_ctx *c, const enk_yml_node *n);
bool qs_get_int(struct qs_ctx *c, const enk_yml_node *n, long long min, long long max,
                int32_t *out);
bool qs_get_bool(struct qs_ctx *c, const enk_yml_node *n, bool *out);
/* An id copied into the model, or NULL (reported). */
const char *qs_get_id(struct qs_ctx *c, const enk_yml_node *n);
/* A text in every declared language; at[i] gets language i's node (may be NULL). */
void qs_get_text_at(struct qs_ctx *c, const enk_yml_node *n, enk_text *t, enum tkind kind,
                    const enk_yml_node *at[ENK_LANG_MAX]);
void qs_get_text(struct qs_ctx *c, const enk_yml_node *n, enk_text *t, enum tkind kind);
/* The index of the scale or area n names, or -1 (reported). */
int qs_get_scale_ref(struct qs_ctx *c, const enk_yml_node *n);
int qs_get_area_ref(struct qs_ctx *c, const enk_yml_node *n);

/* ---- questionnaire_questions.c ------------------------------------------- */

void qs_parse_scale(struct qs_ctx *c, const enk_yml_node *m, enk_scale *s, int index);
void qs_parse_area(struct qs_ctx *c, const enk_yml_node *m, enk_area *a, int index);
/* Section si and its questions, appended to the model's questions and grids. */
void qs_parse_section(struct qs_ctx *c, const enk_yml_node *m, int si);

/* ---- questionnaire.c ------------------------------------------------------ */

/* Whether value is a point of scale s. */
bool qs_scale_has(const enk_scale *s, int32_t value);

#endif
