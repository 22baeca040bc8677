/* survey/questionnaire_questions.c - the schema of scales, areas, sections and questions.
 *
 * Part of the questionnaire loader (survey/questionnaire_internal.h): the walk
 * of one scale (its points, positive points, not-applicable answer and the
 * check that every label names one answer), one area, and one section with
 * its questions, grids and options. References to questions (show_if, was)
 * are resolved later, in questionnaire.c, once every question is known.
 */
#include <stdio.h>
#include <string.h>

#include "survey/questionnaire_internal.h"

/* ------------------------------------------------------------------------ */
/* Scales and areas.                                                        */

enum { S_ID, S_LABEL, S_POINTS, S_POSITIVE, S_NA, S_N };
static const char *const scale_keys[S_N] = {"id", "label", "points", "positive", "not_applicable"};
enum { P_VALUE, P_LABEL, P_N };
static const char *const point_keys[P_N] = {"value", "label"};
enum { NA_CODE, NA_LABEL, NA_N };
static const char *const na_keys[NA_N] = {"code", "label"};

/* The id of the scale, area or section m (n is its value, NULL when absent),
 * registered in ids (a duplicate is reported); "" when it is missing or bad
 * (reported). */
static const char *define_id(struct qs_ctx *c, const enk_yml_node *m, const enk_yml_node *n,
                             struct idmap *ids, const char *kind, int index, const char *what)
{
        const char *id = NULL;
        if (!n) {
                qs_missing(c, m, "id", what);
        } else if ((id = qs_get_id(c, n))) {
                const struct ident *first = qs_idmap_put(c, ids, id, 0, index, n);
                if (first)
                        qs_err(c, n, "duplicate %s id '%s' (first defined at %u:%u)", qs_noun(kind),
                               id, first->at->line, first->at->col);
        }
        return id ? id : "";
}

/* Fills s->points; lat[i] gets the nodes of point i's label (see get_text_at). */
static void parse_points(struct qs_ctx *c, const enk_yml_node *n, enk_scale *s,
                         const enk_yml_node *lat[][ENK_LANG_MAX])
{
        if (!qs_want_list(c, n))
                return;
        if (n->n < 2 || n->n > 11) {
                qs_err(c, n, "expected 2 to 11 points, got %zu", n->n);
                if (n->n > 11)
                        return;
        }
        s->points = enk_arena_array(c->model, n->n, sizeof(*s->points));
        if (!s->points)
                return;
        const enk_yml_node *prev = NULL;
        for (const enk_yml_node *p = n->first; p; p = p->next) {
                const enk_yml_node *v[P_N];
                if (!qs_want_map(c, p, "a point"))
                        continue;
                qs_get_fields(c, p, point_keys, P_N, v);
                enk_point *pt = &s->points[s->npoints];
                bool ok = true;
                if (!v[P_VALUE]) {
                        qs_missing(c, p, "value", "a point");
                        ok = false;
                } else if (!qs_get_int(c, v[P_VALUE], -ENK_NUMBER_LIMIT, ENK_NUMBER_LIMIT,
                                       &pt->value)) {
                        ok = false;
                } else if (prev && pt->value <= s->points[s->npoints - 1].value) {
                        qs_err(c, v[P_VALUE],
                               "point values must ascend: %d comes after %d (at %u:%u)", pt->value,
                               s->points[s->npoints - 1].value, prev->line, prev->col);
                        ok = false;
                }
                if (v[P_LABEL])
                        qs_get_text_at(c, v[P_LABEL], &pt->label, TK_LABEL, lat[s->npoints]);
                else
                        qs_missing(c, p, "label", "a point");
                if (ok) {
                        prev = v[P_VALUE];
                        s->npoints++;
                }
        }
}

static void parse_positive(struct qs_ctx *c, const enk_yml_node *n, enk_scale *s, bool points_ok)
{
        if (!qs_want_list(c, n))
                return;
        if (n->n < 1 || n->n > 11) {
                qs_err(c, n, "expected 1 to 11 positive points, got %zu", n->n);
                return;
        }
        s->positive = enk_arena_array(c->model, n->n, sizeof(*s->positive));
        if (!s->positive)
                return;
        bool ok = true;
        for (const enk_yml_node *p = n->first; p; p = p->next) {
                int32_t v;
                if (!qs_get_int(c, p, -ENK_NUMBER_LIMIT, ENK_NUMBER_LIMIT, &v)) {
                        ok = false;
                        continue;
                }
                if (points_ok && !qs_scale_has(s, v)) {
                        qs_err(c, p, "positive value %d is not a point of %s", v,
                               qs_what_of(c, "scale", s->id));
                        ok = false;
                        continue;
                }
                if (enk_scale_positive(s, v)) {
                        qs_err(c, p, "duplicate positive value %d", v);
                        ok = false;
                        continue;
                }
                s->positive[s->npositive++] = v;
        }
        /* The report's wording ("andel nöjda") assumes the top points. */
        if (ok && points_ok && s->npositive <= s->npoints) {
                bool top = true;
                for (size_t i = s->npoints - s->npositive; i < s->npoints; i++)
                        top = top && enk_scale_positive(s, s->points[i].value);
                if (!top)
                        qs_warn(c, n, "the positive points of %s are not the top of the scale",
                                qs_what_of(c, "scale", s->id));
        }
}

/* ---- Labels are read back from data files, so each must name one answer. */

/* An answer as a data file may write it: by its code or by a label. */
struct coded {
        int32_t code;
        const char *kind;              /* "point", "option"; NULL: the NA answer */
        const enk_text *label;         /* in each language */
        const enk_yml_node *const *at; /* label's node per language, or NULL */
};

/* What a message calls e: "option 2", "the not-applicable answer". */
static const char *coded_name(struct qs_ctx *c, const struct coded *e)
{
        if (!e->kind)
                return enk_diag_text(ENK_MSGID("the not-applicable answer"));
        const char *f = enk_diag_text(!strcmp(e->kind, "point") ? ENK_MSGID("point %d")
                                                                : ENK_MSGID("option %d"));
        size_t len = strlen(f) + 16;
        char *out = enk_arena_alloc(&c->scratch, len);
        if (!out)
                return e->kind;
        snprintf(out, len, f, (int) e->code);
        return out;
}

/* Folds s as the import compares cells with labels (enk_utf8_fold, as
 * survey/csvin.c does after NFC): blanks dropped at the ends and collapsed
 * inside, A-Z and the upper-case Latin-1 letters lowered. Two labels with one
 * fold would be one cell in a data file. */
static const char *fold_label(struct qs_ctx *c, const char *s)
{
        size_t len = strlen(s);
        char *out = enk_arena_alloc(&c->scratch, len + 1);
        if (!out)
                return s;
        size_t n = enk_utf8_fold(s, len, out, len); /* never longer than s */
        if (n == SIZE_MAX)
                return s;
        out[n] = '\0';
        return out;
}

/* Whether the folded label f is a whole number ("3", "+3", "03", "-1"), as the
 * import would read a cell; its value in *v. */
static bool label_number(const char *f, int32_t *v)
{
        const char *p = f + (*f == '-' || *f == '+');
        if (!*p)
                return false;
        long long x = 0;
        for (; *p; p++) {
                if (*p < '0' || *p > '9')
                        return false;
                if (x <= ENK_NUMBER_LIMIT)
                        x = x * 10 + (*p - '0');
        }
        if (x > ENK_NUMBER_LIMIT)
                return false;
        *v = (int32_t) (*f == '-' ? -x : x);
        return true;
}

/* A data file names an answer by its code or by its label in any language,
 * all in one lookup. A label that is another answer's code (the labels "0",
 * "1", "2" on the options 1, 2, 3), or two answers' labels that are equal but
 * for case and blanks, would let a cell mean either: each such label is an
 * error at its place. The labels of one answer may be alike ("OK" in every
 * language), and a label may be its own answer's code. */
static void check_labels(struct qs_ctx *c, const struct coded *e, size_t n)
{
        const char *f[ENK_OPTION_MAX][ENK_LANG_MAX];
        size_t nl = c->q->nlanguages;
        if (n > ENK_OPTION_MAX)
                return; /* cannot happen: at most 30 options, 11 points and NA */
        for (size_t i = 0; i < n; i++)
                for (size_t l = 0; l < ENK_LANG_MAX; l++)
                        f[i][l] = l < nl && e[i].label->s[l] && e[i].at && e[i].at[l]
                                      ? fold_label(c, e[i].label->s[l])
                                      : NULL;
        for (size_t i = 0; i < n; i++) {
                for (size_t l = 0; l < nl; l++) {
                        if (!f[i][l])
                                continue;
                        const enk_yml_node *at = e[i].at[l];
                        int32_t v;
                        bool clash = false;
                        if (label_number(f[i][l], &v))
                                for (size_t j = 0; j < n && !clash; j++)
                                        if (j != i && e[j].code == v) {
                                                qs_err(c, at,
                                                       "label '%s' of %s is the %s of %s: a data "
                                                       "file's '%s' could mean either",
                                                       qs_show(c, at), coded_name(c, &e[i]),
                                                       enk_diag_text(e[j].kind ? ENK_MSGID("value")
                                                                               : ENK_MSGID("code")),
                                                       coded_name(c, &e[j]), qs_show(c, at));
                                                clash = true;
                                        }
                        for (size_t j = 0; j < i && !clash; j++) {
                                for (size_t m = 0; m < nl && !clash; m++) {
                                        if (!f[j][m] || strcmp(f[i][l], f[j][m]))
                                                continue;
                                        const enk_yml_node *first = e[j].at[m];
                                        bool same = !strcmp(e[i].label->s[l], e[j].label->s[m]);
                                        qs_err(c, at,
                                               "label '%s' of %s is also the label of %s (at "
                                               "%u:%u)%s",
                                               qs_show(c, at), coded_name(c, &e[i]),
                                               coded_name(c, &e[j]), first->line, first->col,
                                               same ? ""
                                                    : enk_diag_text(ENK_MSGID(
                                                          " when case and blanks are ignored")));
                                        clash = true;
                                }
                        }
                }
        }
}

/* A scale's not-applicable answer; lat gets its label's nodes. Returns whether
 * its code is usable (a number that is no point's value). */
static bool parse_na(struct qs_ctx *c, const enk_yml_node *n, enk_scale *s,
                     const enk_yml_node *lat[ENK_LANG_MAX])
{
        if (!qs_want_map(c, n, "a not-applicable answer"))
                return false;
        const enk_yml_node *na[NA_N];
        qs_get_fields(c, n, na_keys, NA_N, na);
        bool code_ok = false;
        if (!na[NA_CODE]) {
                qs_missing(c, n, "code", "not_applicable");
        } else if (qs_get_int(c, na[NA_CODE], -ENK_NUMBER_LIMIT, ENK_NUMBER_LIMIT, &s->na_code)) {
                code_ok = !qs_scale_has(s, s->na_code);
                if (!code_ok)
                        qs_err(c, na[NA_CODE],
                               "not-applicable code %d is also the value of a point", s->na_code);
        }
        if (na[NA_LABEL])
                qs_get_text_at(c, na[NA_LABEL], &s->na_label, TK_LABEL, lat);
        else
                qs_missing(c, n, "label", "not_applicable");
        s->has_na = true;
        return code_ok;
}

void qs_parse_scale(struct qs_ctx *c, const enk_yml_node *m, enk_scale *s, int index)
{
        const enk_yml_node *v[S_N];
        qs_get_fields(c, m, scale_keys, S_N, v);
        s->loc = qs_loc_node(c, m);
        const char *what = qs_what_of(c, "scale", qs_peek_id(m));
        s->id = define_id(c, m, v[S_ID], &c->scale_ids, "scale", index, what);
        if (v[S_LABEL])
                qs_get_text(c, v[S_LABEL], &s->label, TK_LABEL);
        size_t errors = c->errors;
        const enk_yml_node *lat[11 + 1][ENK_LANG_MAX] = {{NULL}}; /* points, then NA */
        if (v[S_POINTS])
                parse_points(c, v[S_POINTS], s, lat);
        else
                qs_missing(c, m, "points", what);
        bool points_ok = v[S_POINTS] && c->errors == errors;
        if (v[S_POSITIVE])
                parse_positive(c, v[S_POSITIVE], s, points_ok);
        else
                qs_missing(c, m, "positive", what);
        bool na_ok = v[S_NA] && parse_na(c, v[S_NA], s, lat[s->npoints]);
        struct coded e[11 + 1];
        size_t ne = 0;
        for (size_t i = 0; i < s->npoints; i++)
                e[ne++] = (struct coded){s->points[i].value, "point", &s->points[i].label, lat[i]};
        if (na_ok)
                e[ne++] = (struct coded){s->na_code, NULL, &s->na_label, lat[s->npoints]};
        check_labels(c, e, ne);
}

enum { A_ID, A_LABEL, A_DESCRIPTION, A_N };
static const char *const area_keys[A_N] = {"id", "label", "description"};

void qs_parse_area(struct qs_ctx *c, const enk_yml_node *m, enk_area *a, int index)
{
        const enk_yml_node *v[A_N];
        qs_get_fields(c, m, area_keys, A_N, v);
        a->loc = qs_loc_node(c, m);
        const char *what = qs_what_of(c, "area", qs_peek_id(m));
        a->id = define_id(c, m, v[A_ID], &c->area_ids, "area", index, what);
        if (v[A_LABEL])
                qs_get_text(c, v[A_LABEL], &a->label, TK_LABEL);
        else
                qs_missing(c, m, "label", what);
        if (v[A_DESCRIPTION])
                qs_get_text(c, v[A_DESCRIPTION], &a->description, TK_DESCRIPTION);
}

/* ------------------------------------------------------------------------ */
/* Questions.                                                               */

enum {
        Q_ID,
        Q_TYPE,
        Q_TEXT,
        Q_HELP,
        Q_REQUIRED,
        Q_SHOW_IF,
        Q_AREA,
        Q_HEADLINE,
        Q_WAS,
        Q_SCALE,
        Q_OPTIONS,
        Q_MIN,
        Q_MAX,
        Q_UNIT,
        Q_ROWS,
        Q_ITEMS,
        Q_PREDICATE,
        Q_N
};
static const char *const question_keys[Q_N] = {
    "id",    "type",    "text", "help", "required", "show_if", "area",  "headline",  "was",
    "scale", "options", "min",  "max",  "unit",     "rows",    "items", "predicate",
};

#define BIT(k) (1u << (k))
#define COMMON_KEYS                                                                                \
        (BIT(Q_ID) | BIT(Q_TYPE) | BIT(Q_TEXT) | BIT(Q_HELP) | BIT(Q_REQUIRED) | BIT(Q_SHOW_IF) |  \
         BIT(Q_AREA) | BIT(Q_HEADLINE) | BIT(Q_WAS) | BIT(Q_PREDICATE))
#define ITEM_KEYS                                                                                  \
        (BIT(Q_ID) | BIT(Q_TEXT) | BIT(Q_HELP) | BIT(Q_REQUIRED) | BIT(Q_SHOW_IF) | BIT(Q_AREA) |  \
         BIT(Q_HEADLINE) | BIT(Q_WAS) | BIT(Q_PREDICATE))

enum { TYPE_GRID = ENK_Q_TEXT + 1, NTYPES };
static const char *const type_names[NTYPES] = {"scale",  "single", "multiple", "yesno",
                                               "number", "text",   "grid"};
/* The keys each type takes. A grid's help, headline, was and predicate belong on its
 * items; its area and required are defaults for them. */
static const unsigned type_keys[NTYPES] = {
    [ENK_Q_SCALE] = COMMON_KEYS | BIT(Q_SCALE),
    [ENK_Q_SINGLE] = COMMON_KEYS | BIT(Q_OPTIONS),
    [ENK_Q_MULTIPLE] = COMMON_KEYS | BIT(Q_OPTIONS),
    [ENK_Q_YESNO] = COMMON_KEYS,
    [ENK_Q_NUMBER] = COMMON_KEYS | BIT(Q_MIN) | BIT(Q_MAX) | BIT(Q_UNIT),
    [ENK_Q_TEXT] = COMMON_KEYS | BIT(Q_ROWS),
    [TYPE_GRID] = (COMMON_KEYS & ~(BIT(Q_HELP) | BIT(Q_HEADLINE) | BIT(Q_WAS) | BIT(Q_PREDICATE))) |
                  BIT(Q_SCALE) | BIT(Q_ITEMS),
};

enum { O_VALUE, O_LABEL, O_N };
static const char *const option_keys[O_N] = {"value", "label"};

/* Reports keys present in v that are known but do not apply here. */
static void check_applicable(struct qs_ctx *c, const enk_yml_node *m, const enk_yml_node **v,
                             unsigned allowed, const char *where)
{
        for (size_t i = 0; i < Q_N; i++) {
                if (!v[i] || (allowed & BIT(i)))
                        continue;
                /* Find the key node for the message's place. */
                const enk_yml_node *k = m->first;
                while (k && k->next && k->next != v[i])
                        k = k->next->next;
                qs_err(c, k ? k : m, "key '%s' does not apply to %s", question_keys[i],
                       enk_diag_text(where));
        }
}

static void parse_options(struct qs_ctx *c, const enk_yml_node *n, enk_question *qn)
{
        bool multiple = qn->type == ENK_Q_MULTIPLE;
        size_t min = multiple ? 1 : 2;
        if (!qs_want_list(c, n))
                return;
        if (n->n < min || n->n > ENK_OPTION_MAX) {
                qs_err(c, n, "expected %zu to %d options, got %zu", min, ENK_OPTION_MAX, n->n);
                if (n->n > ENK_OPTION_MAX)
                        return;
        }
        qn->options = enk_arena_array(c->model, n->n, sizeof(*qn->options));
        if (!qn->options)
                return;
        const enk_yml_node *at[ENK_OPTION_MAX];
        const enk_yml_node *lat[ENK_OPTION_MAX][ENK_LANG_MAX] = {{NULL}};
        for (const enk_yml_node *o = n->first; o; o = o->next) {
                const enk_yml_node *v[O_N];
                if (!qs_want_map(c, o, "an option"))
                        continue;
                qs_get_fields(c, o, option_keys, O_N, v);
                enk_option *opt = &qn->options[qn->noptions];
                bool ok = false;
                if (!v[O_VALUE])
                        qs_missing(c, o, "value", "an option");
                else if (multiple)
                        ok = qs_get_int(c, v[O_VALUE], 1, ENK_OPTION_MAX, &opt->value);
                else
                        ok = qs_get_int(c, v[O_VALUE], -ENK_NUMBER_LIMIT, ENK_NUMBER_LIMIT,
                                        &opt->value);
                for (size_t i = 0; ok && i < qn->noptions; i++) {
                        if (qn->options[i].value == opt->value) {
                                qs_err(c, v[O_VALUE], "duplicate option value %d (first at %u:%u)",
                                       opt->value, at[i]->line, at[i]->col);
                                ok = false;
                        }
                }
                for (size_t l = 0; l < ENK_LANG_MAX; l++)
                        lat[qn->noptions][l] = NULL;
                if (v[O_LABEL])
                        qs_get_text_at(c, v[O_LABEL], &opt->label, TK_LABEL, lat[qn->noptions]);
                else
                        qs_missing(c, o, "label", "an option");
                if (ok)
                        at[qn->noptions++] = v[O_VALUE];
        }
        struct coded e[ENK_OPTION_MAX];
        for (size_t i = 0; i < qn->noptions; i++)
                e[i] =
                    (struct coded){qn->options[i].value, "option", &qn->options[i].label, lat[i]};
        check_labels(c, e, qn->noptions);
}

/* The `was` ids, copied into the model; checked against other questions later. */
static void parse_was(struct qs_ctx *c, const enk_yml_node *n, enk_question *qn)
{
        size_t count = n->kind == ENK_YML_LIST ? n->n : 1;
        if (n->kind == ENK_YML_MAP) {
                qs_err(c, n, "expected an id or a list of ids, got a mapping");
                return;
        }
        if (n->kind == ENK_YML_LIST && n->n == 0) {
                qs_err(c, n, "expected an id or a list of ids, got an empty list");
                return;
        }
        qn->was = enk_arena_array(c->model, count, sizeof(*qn->was));
        if (!qn->was)
                return;
        const enk_yml_node *first = n->kind == ENK_YML_LIST ? n->first : n;
        for (const enk_yml_node *w = first; w; w = n->kind == ENK_YML_LIST ? w->next : NULL) {
                const char *id = qs_get_id(c, w);
                if (id)
                        qn->was[qn->nwas++] = id;
        }
}

/* The keys a question and a grid item share. */
static void parse_common(struct qs_ctx *c, const enk_yml_node **v, enk_question *qn,
                         struct qinfo *info)
{
        if (v[Q_TEXT])
                qs_get_text(c, v[Q_TEXT], &qn->text, TK_QUESTION);
        if (v[Q_HELP])
                qs_get_text(c, v[Q_HELP], &qn->help, TK_HELP);
        if (v[Q_PREDICATE])
                qs_get_text(c, v[Q_PREDICATE], &qn->predicate, TK_PREDICATE);
        if (v[Q_REQUIRED])
                qs_get_bool(c, v[Q_REQUIRED], &qn->required);
        if (v[Q_HEADLINE])
                qs_get_bool(c, v[Q_HEADLINE], &qn->headline);
        if (v[Q_AREA])
                qn->area = qs_get_area_ref(c, v[Q_AREA]);
        if (v[Q_WAS]) {
                parse_was(c, v[Q_WAS], qn);
                info->was = v[Q_WAS];
        }
        info->show_if = v[Q_SHOW_IF];
}

static enk_question *new_question(struct qs_ctx *c, const enk_yml_node *m, int section)
{
        enk_questionnaire *q = c->q;
        if (q->nquestions >= c->max_questions)
                return NULL; /* cannot happen: counted beforehand */
        enk_question *qn = &q->questions[q->nquestions++];
        qn->loc = qs_loc_node(c, m);
        qn->id = "";
        qn->scale = -1;
        qn->area = -1;
        qn->grid = -1;
        qn->section = section;
        return qn;
}

/* An item of grid gi; grid_area and grid_required are the grid's defaults. */
static void parse_item(struct qs_ctx *c, const enk_yml_node *m, int section, int gi,
                       const enk_yml_node *grid_show_if, int grid_area, bool grid_required)
{
        enk_questionnaire *q = c->q;
        const enk_grid *g = &q->grids[gi];
        const enk_yml_node *v[Q_N];
        if (!qs_want_map(c, m, "a grid item"))
                return;
        qs_get_fields(c, m, question_keys, Q_N, v);
        enk_question *qn = new_question(c, m, section);
        if (!qn)
                return;
        size_t qi = (size_t) (qn - q->questions);
        struct qinfo *info = &c->qinfo[qi];
        const char *what = qs_what_of(c, "grid item", qs_peek_id(m));
        check_applicable(c, m, v, ITEM_KEYS, "a grid item (items share the grid's scale)");
        qn->type = ENK_Q_SCALE;
        qn->grid = gi;
        qn->scale = g->scale;
        qn->required = grid_required;
        qn->area = grid_area;
        if (!v[Q_ID])
                qs_missing(c, m, "id", what);
        else if (v[Q_ID] && (qn->id = qs_get_id(c, v[Q_ID])))
                qs_register_id(c, v[Q_ID], qn->id, ID_QUESTION, (int) qi);
        if (!qn->id)
                qn->id = "";
        if (!v[Q_TEXT])
                qs_missing(c, m, "text", what);
        info->type_ok = g->scale >= 0;
        parse_common(c, v, qn, info);
        if (v[Q_SHOW_IF] && grid_show_if)
                qs_err(c, v[Q_SHOW_IF],
                       "an item cannot have its own show_if when its grid has one (at %u:%u)",
                       grid_show_if->line, grid_show_if->col);
        if (grid_show_if)
                info->show_if = NULL; /* the grid's applies */
}

static void parse_grid(struct qs_ctx *c, const enk_yml_node *m, const enk_yml_node **v,
                       enk_question *lead, int section)
{
        enk_questionnaire *q = c->q;
        const char *what = qs_what_of(c, "grid", lead->id[0] ? lead->id : NULL);
        int gi = (int) q->ngrids++;
        enk_grid *g = &q->grids[gi];
        g->id = lead->id;
        g->loc = lead->loc;
        g->scale = -1;
        g->first = q->nquestions;
        c->grid_show_if[gi] = v[Q_SHOW_IF];

        if (v[Q_TEXT])
                qs_get_text(c, v[Q_TEXT], &g->text, TK_QUESTION);
        if (v[Q_SCALE])
                g->scale = qs_get_scale_ref(c, v[Q_SCALE]);
        else
                qs_missing(c, m, "scale", what);
        /* The grid is not a question: its `required` and `area` are the
         * defaults of its items, its show_if applies to all of them. */
        bool required = false;
        if (v[Q_REQUIRED])
                qs_get_bool(c, v[Q_REQUIRED], &required);
        int area = v[Q_AREA] ? qs_get_area_ref(c, v[Q_AREA]) : -1;
        if (!v[Q_ITEMS]) {
                qs_missing(c, m, "items", what);
                return;
        }
        const enk_yml_node *items = v[Q_ITEMS];
        if (!qs_want_list(c, items))
                return;
        if (items->n < 1 || items->n > 20) {
                qs_err(c, items, "expected 1 to 20 items, got %zu", items->n);
                if (items->n > 20)
                        return;
        }
        for (const enk_yml_node *it = items->first; it; it = it->next)
                parse_item(c, it, section, gi, v[Q_SHOW_IF], area, required);
        g->count = q->nquestions - g->first;
}

/* The type a question's `type` names: an enk_qtype, TYPE_GRID, or -1 (reported). */
static int parse_type(struct qs_ctx *c, const enk_yml_node *m, const enk_yml_node *n,
                      const char *peek)
{
        int type = -1;
        if (!n) {
                qs_missing(c, m, "type", qs_what_of(c, "question", peek));
        } else if (n->kind != ENK_YML_SCALAR || enk_yml_is_null(n)) {
                if (!n->bad)
                        qs_err(c, n, "expected a question type, got %s", qs_got(c, n));
        } else {
                for (int t = 0; t < NTYPES; t++)
                        if (!strcmp(n->s, type_names[t]))
                                type = t;
                if (type < 0)
                        qs_unknown(c, n, "question type", type_names, NTYPES);
        }
        return type;
}

/* A `type: grid` entry of a section: its id names the grid; its items are the
 * questions. */
static void parse_grid_entry(struct qs_ctx *c, const enk_yml_node *m, const enk_yml_node **v,
                             const char *peek, int section)
{
        enk_questionnaire *q = c->q;
        enk_question lead = {.id = "", .loc = qs_loc_node(c, m)};
        const char *what = qs_what_of(c, "grid", peek);
        if (!v[Q_ID]) {
                qs_missing(c, m, "id", what);
        } else if ((lead.id = qs_get_id(c, v[Q_ID]))) {
                qs_register_id(c, v[Q_ID], lead.id, ID_GRID, (int) q->ngrids);
        } else {
                lead.id = "";
        }
        if (!v[Q_TEXT])
                qs_missing(c, m, "text", what);
        check_applicable(c, m, v, type_keys[TYPE_GRID], "a grid");
        if (q->ngrids < c->max_grids)
                parse_grid(c, m, v, &lead, section);
}

/* A number question's min, max and unit. */
static void parse_number(struct qs_ctx *c, const enk_yml_node *m, const enk_yml_node **v,
                         enk_question *qn, const char *what)
{
        bool ok = true;
        if (!v[Q_MIN]) {
                qs_missing(c, m, "min", what);
                ok = false;
        } else {
                ok = qs_get_int(c, v[Q_MIN], -ENK_NUMBER_LIMIT, ENK_NUMBER_LIMIT, &qn->min) && ok;
        }
        if (!v[Q_MAX]) {
                qs_missing(c, m, "max", what);
                ok = false;
        } else {
                ok = qs_get_int(c, v[Q_MAX], -ENK_NUMBER_LIMIT, ENK_NUMBER_LIMIT, &qn->max) && ok;
        }
        if (ok && qn->min >= qn->max)
                qs_err(c, v[Q_MAX], "max %d is not greater than min %d", qn->max, qn->min);
        if (v[Q_UNIT])
                qs_get_text(c, v[Q_UNIT], &qn->unit, TK_UNIT);
}

/* The keys that belong to qn's type; returns whether they were all valid. */
static bool parse_type_keys(struct qs_ctx *c, const enk_yml_node *m, const enk_yml_node **v,
                            enk_question *qn, const char *what)
{
        size_t errors = c->errors;
        char where[64];
        snprintf(where, sizeof(where), "a question of type '%s'", type_names[qn->type]);
        check_applicable(c, m, v, type_keys[qn->type], where);
        switch (qn->type) {
        case ENK_Q_SCALE:
                if (v[Q_SCALE])
                        qn->scale = qs_get_scale_ref(c, v[Q_SCALE]);
                else
                        qs_missing(c, m, "scale", what);
                break;
        case ENK_Q_SINGLE:
        case ENK_Q_MULTIPLE:
                if (v[Q_OPTIONS])
                        parse_options(c, v[Q_OPTIONS], qn);
                else
                        qs_missing(c, m, "options", what);
                break;
        case ENK_Q_YESNO:
                break;
        case ENK_Q_NUMBER:
                parse_number(c, m, v, qn, what);
                break;
        case ENK_Q_TEXT: {
                qn->rows = 4;
                int32_t rows;
                if (v[Q_ROWS] && qs_get_int(c, v[Q_ROWS], 1, 20, &rows))
                        qn->rows = (unsigned) rows;
                break;
        }
        }
        return c->errors == errors;
}

/* One entry of a section's questions: a question or a grid. */
static void parse_question(struct qs_ctx *c, const enk_yml_node *m, int section)
{
        enk_questionnaire *q = c->q;
        const enk_yml_node *v[Q_N];
        if (!qs_want_map(c, m, "a question"))
                return;
        qs_get_fields(c, m, question_keys, Q_N, v);
        const char *peek = qs_peek_id(m);
        int type = parse_type(c, m, v[Q_TYPE], peek);
        if (type == TYPE_GRID) {
                parse_grid_entry(c, m, v, peek, section);
                return;
        }

        enk_question *qn = new_question(c, m, section);
        if (!qn)
                return;
        size_t qi = (size_t) (qn - q->questions);
        struct qinfo *info = &c->qinfo[qi];
        const char *what = qs_what_of(c, "question", peek);
        if (!v[Q_ID])
                qs_missing(c, m, "id", what);
        else if ((qn->id = qs_get_id(c, v[Q_ID])))
                qs_register_id(c, v[Q_ID], qn->id, ID_QUESTION, (int) qi);
        if (!qn->id)
                qn->id = "";
        if (!v[Q_TEXT])
                qs_missing(c, m, "text", what);
        parse_common(c, v, qn, info);
        if (type < 0) {
                qn->type = ENK_Q_TEXT;
                return;
        }
        qn->type = (enk_qtype) type;
        info->type_ok = parse_type_keys(c, m, v, qn, what);
}

/* ------------------------------------------------------------------------ */
/* Sections.                                                                */

enum { SEC_ID, SEC_TITLE, SEC_INTRO, SEC_QUESTIONS, SEC_N };
static const char *const section_keys[SEC_N] = {"id", "title", "intro", "questions"};

void qs_parse_section(struct qs_ctx *c, const enk_yml_node *m, int si)
{
        enk_questionnaire *q = c->q;
        enk_section *sec = &q->sections[si];
        const enk_yml_node *v[SEC_N];
        qs_get_fields(c, m, section_keys, SEC_N, v);
        sec->loc = qs_loc_node(c, m);
        sec->first = q->nquestions;
        const char *what = qs_what_of(c, "section", qs_peek_id(m));
        sec->id = define_id(c, m, v[SEC_ID], &c->section_ids, "section", si, what);
        if (v[SEC_TITLE])
                qs_get_text(c, v[SEC_TITLE], &sec->title, TK_TITLE);
        else
                qs_missing(c, m, "title", what);
        if (v[SEC_INTRO])
                qs_get_text(c, v[SEC_INTRO], &sec->intro, TK_INTRO);
        if (!v[SEC_QUESTIONS]) {
                qs_missing(c, m, "questions", what);
        } else if (qs_want_list(c, v[SEC_QUESTIONS])) {
                if (v[SEC_QUESTIONS]->n == 0)
                        qs_err(c, v[SEC_QUESTIONS], "%s has no questions", what);
                for (const enk_yml_node *qn = v[SEC_QUESTIONS]->first; qn; qn = qn->next)
                        parse_question(c, qn, si);
        }
        sec->count = q->nquestions - sec->first;
}
