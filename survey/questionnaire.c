/* survey/questionnaire.c - the questionnaire loader (the schema walk) and the model's helpers.
 *
 * Loading runs in two steps. First survey/yml.c turns the text into a small
 * tree of nodes (mapping, list, scalar), each with the line and column where
 * it starts; a YAML syntax error stops there, since what follows it has no
 * meaning. Then a schema walk over that tree fills in the model and collects
 * every problem it finds, so that one run of `enkat check` shows them all.
 * Walking a tree rather than the event stream keeps the walk simple: keys may
 * come in any order, and references (a scale, an area, a show_if question) are
 * checked once everything they may name is known.
 *
 * Memory: the tree and the walk's bookkeeping live in a scratch arena freed when
 * loading ends; the model lives in an arena owned by the questionnaire, so one
 * enk_questionnaire_free() releases it all. Limits on size, depth and number of
 * nodes keep a hostile file from exhausting memory or time (survey/yml.h).
 *
 * The walk is spread over three files (survey/questionnaire_internal.h): this
 * one holds the document's top level and the references between questions,
 * questionnaire_questions.c the scales, areas, sections and questions, and
 * questionnaire_values.c the reading of single values and the messages.
 */
#include "survey/questionnaire.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "survey/questionnaire_internal.h"

/* A real questionnaire is a few hundred lines; this is far above that. */
#define MAX_BYTES ((size_t) 4 << 20)

/* What the questionnaire being loaded is wrapped in: the arena that owns it. */
struct qdoc {
        enk_questionnaire q;
        enk_arena arena;
};

/* ------------------------------------------------------------------------ */
/* Top level: survey, edition, languages, texts.                            */

static void parse_languages(struct qs_ctx *c, const enk_yml_node *n)
{
        enk_questionnaire *q = c->q;
        if (!qs_want_list(c, n))
                return;
        if (n->n < 1 || n->n > ENK_LANG_MAX) {
                qs_err(c, n, "expected 1 to %d languages, got %zu", ENK_LANG_MAX, n->n);
                return;
        }
        bool ok = true;
        const enk_yml_node *at[ENK_LANG_MAX];
        for (const enk_yml_node *l = n->first; l; l = l->next) {
                if (l->bad) {
                        ok = false;
                        continue;
                }
                bool code = l->kind == ENK_YML_SCALAR && (l->len == 2 || l->len == 3);
                for (size_t i = 0; code && i < l->len; i++)
                        code = l->s[i] >= 'a' && l->s[i] <= 'z';
                if (!code) {
                        qs_err(c, l,
                               "expected a language code (2 or 3 lower-case letters, like 'sv'), "
                               "got %s",
                               qs_got(c, l));
                        ok = false;
                        continue;
                }
                int dup = enk_questionnaire_lang(q, l->s);
                if (dup >= 0) {
                        qs_err(c, l, "duplicate language '%s' (first at %u:%u)", l->s,
                               at[dup]->line, at[dup]->col);
                        ok = false;
                        continue;
                }
                at[q->nlanguages] = l;
                q->languages[q->nlanguages++] = enk_arena_strndup(c->model, l->s, l->len);
        }
        c->langs_ok = ok && q->nlanguages > 0;
}

bool qs_scale_has(const enk_scale *s, int32_t value)
{
        for (size_t i = 0; i < s->npoints; i++)
                if (s->points[i].value == value)
                        return true;
        return false;
}

/* ------------------------------------------------------------------------ */
/* References checked once every question is known: show_if and was.       */

/* The value of a show_if on question `on`, or false (reported). */
static bool condition_value(struct qs_ctx *c, const enk_yml_node *n, const enk_question *on,
                            int32_t *out)
{
        const enk_questionnaire *q = c->q;
        if (n->bad)
                return false;
        if (n->kind != ENK_YML_SCALAR || enk_yml_is_null(n)) {
                qs_err(c, n, "expected a value, got %s", qs_got(c, n));
                return false;
        }
        long long v;
        bool is_int = enk_yml_int(n, &v) && v >= -ENK_NUMBER_LIMIT && v <= ENK_NUMBER_LIMIT;
        char expected[512] = "";
        size_t len = 0;
        switch (on->type) {
        case ENK_Q_YESNO: {
                static const char *const yes[] = {"yes", "ja", "true", "1"};
                static const char *const no[] = {"no", "nej", "false", "0"};
                for (size_t i = 0; i < COUNT(yes); i++) {
                        if (!strcasecmp(n->s, yes[i])) {
                                *out = 1;
                                return true;
                        }
                        if (!strcasecmp(n->s, no[i])) {
                                *out = 0;
                                return true;
                        }
                }
                snprintf(expected, sizeof(expected), "%s", enk_diag_text(ENK_MSGID("yes or no")));
                break;
        }
        case ENK_Q_SCALE: {
                const enk_scale *s = enk_question_scale(q, on);
                if (!s)
                        return false;
                if (s->has_na && !strcasecmp(n->s, "na")) {
                        *out = ENK_NA;
                        return true;
                }
                if (is_int && qs_scale_has(s, (int32_t) v)) {
                        *out = (int32_t) v;
                        return true;
                }
                len += (size_t) snprintf(expected, sizeof(expected), "one of");
                for (size_t i = 0; i < s->npoints && len < sizeof(expected) - 16; i++)
                        len += (size_t) snprintf(expected + len, sizeof(expected) - len, "%s %d",
                                                 i ? "," : "", s->points[i].value);
                if (s->has_na && len < sizeof(expected) - 16)
                        snprintf(expected + len, sizeof(expected) - len, " or na");
                break;
        }
        case ENK_Q_SINGLE:
        case ENK_Q_MULTIPLE:
                for (size_t i = 0; is_int && i < on->noptions; i++) {
                        if (on->options[i].value == v) {
                                *out = (int32_t) v;
                                return true;
                        }
                }
                len += (size_t) snprintf(expected, sizeof(expected), "one of");
                for (size_t i = 0; i < on->noptions && len < sizeof(expected) - 16; i++)
                        len += (size_t) snprintf(expected + len, sizeof(expected) - len, "%s %d",
                                                 i ? "," : "", on->options[i].value);
                break;
        case ENK_Q_NUMBER:
                if (is_int && v >= on->min && v <= on->max) {
                        *out = (int32_t) v;
                        return true;
                }
                snprintf(expected, sizeof(expected), "a number from %d to %d", on->min, on->max);
                break;
        case ENK_Q_TEXT:
                return false;
        }
        qs_err(c, n, "'%s' is not a possible answer to question '%s' (expected %s)", qs_show(c, n),
               on->id, expected);
        return false;
}

enum { C_QUESTION, C_EQUALS, C_IN, C_N };
static const char *const condition_keys[C_N] = {"question", "equals", "in"};

/* The index of the question a show_if for the questions from first on names,
 * or -1 (reported, unless the question's own errors are). It must be an
 * earlier question, not a grid, and not a free-text one. */
static int condition_question(struct qs_ctx *c, const enk_yml_node *qn, size_t first, bool grid)
{
        enk_questionnaire *q = c->q;
        if (qn->bad)
                return -1;
        if (qn->kind != ENK_YML_SCALAR || enk_yml_is_null(qn)) {
                qs_err(c, qn, "expected a question id, got %s", qs_got(c, qn));
                return -1;
        }
        const struct ident *id = qs_idmap_get(&c->qids, qn->s);
        if (!id) {
                const char **names =
                    c->errors > SUGGEST_MAX_ERRORS
                        ? NULL
                        : enk_arena_array(&c->scratch, q->nquestions, sizeof(*names));
                for (size_t i = 0; names && i < q->nquestions; i++)
                        names[i] = q->questions[i].id;
                const char *hint =
                    names && qn->len <= ID_MAX ? qs_closest(c, qn->s, names, q->nquestions) : NULL;
                if (hint)
                        qs_err(c, qn, "show_if on unknown question '%s' (did you mean '%s'?)",
                               qs_show(c, qn), hint);
                else
                        qs_err(c, qn, "show_if on unknown question '%s'", qs_show(c, qn));
                return -1;
        }
        if (id->kind == ID_GRID) {
                qs_err(c, qn, "show_if on grid '%s': name one of its items", id->id);
                return -1;
        }
        const enk_question *on = &q->questions[id->index];
        if ((size_t) id->index >= first) {
                if ((size_t) id->index == first && !grid)
                        qs_err(c, qn, "show_if on question '%s' itself", on->id);
                else
                        qs_err(c, qn, "show_if on question '%s', which comes later (at %u:%u)",
                               on->id, on->loc.line, on->loc.column);
                return -1;
        }
        if (on->type == ENK_Q_TEXT && c->qinfo[id->index].type_ok) {
                qs_err(c, qn, "show_if on free-text question '%s'", on->id);
                return -1;
        }
        if (!c->qinfo[id->index].type_ok)
                return -1; /* its own errors are reported */
        return id->index;
}

/* Resolves a show_if for the questions [first, first + count): the question it
 * names must come before first. Returns the condition, or NULL (reported). */
static const enk_condition *parse_condition(struct qs_ctx *c, const enk_yml_node *m, size_t first,
                                            bool grid)
{
        enk_questionnaire *q = c->q;
        const enk_yml_node *v[C_N];
        if (!qs_want_map(c, m, "a condition"))
                return NULL;
        qs_get_fields(c, m, condition_keys, C_N, v);
        if (v[C_EQUALS] && v[C_IN])
                qs_err(c, m, "show_if takes one of 'equals' and 'in', not both");
        else if (!v[C_EQUALS] && !v[C_IN])
                qs_err(c, m, "show_if needs 'equals' or 'in'");
        if (!v[C_QUESTION]) {
                qs_missing(c, m, "question", "show_if");
                return NULL;
        }
        int index = condition_question(c, v[C_QUESTION], first, grid);
        if (index < 0)
                return NULL;
        const enk_question *on = &q->questions[index];
        if ((v[C_EQUALS] != NULL) == (v[C_IN] != NULL))
                return NULL;
        const enk_yml_node *values = v[C_EQUALS] ? v[C_EQUALS] : v[C_IN];
        if (v[C_IN]) {
                if (!qs_want_list(c, values))
                        return NULL;
                if (values->n == 0) {
                        qs_err(c, values, "expected a list of values, got an empty list");
                        return NULL;
                }
        }
        enk_condition *cond = enk_arena_alloc(c->model, sizeof(*cond));
        size_t n = v[C_IN] ? values->n : 1;
        int32_t *vals = enk_arena_array(c->model, n, sizeof(*vals));
        if (!cond || !vals)
                return NULL;
        cond->question = (size_t) index;
        cond->values = vals;
        bool ok = true;
        const enk_yml_node *first_value = v[C_IN] ? values->first : values;
        for (const enk_yml_node *x = first_value; x; x = v[C_IN] ? x->next : NULL)
                if (condition_value(c, x, on, &vals[cond->nvalues]))
                        cond->nvalues++;
                else
                        ok = false;
        return ok ? cond : NULL;
}

static void resolve_conditions(struct qs_ctx *c)
{
        enk_questionnaire *q = c->q;
        for (size_t gi = 0; gi < q->ngrids; gi++) {
                const enk_grid *g = &q->grids[gi];
                if (!c->grid_show_if[gi])
                        continue;
                const enk_condition *cond = parse_condition(c, c->grid_show_if[gi], g->first, true);
                for (size_t i = g->first; i < g->first + g->count; i++)
                        q->questions[i].show_if = cond;
        }
        for (size_t i = 0; i < q->nquestions; i++)
                if (c->qinfo[i].show_if)
                        q->questions[i].show_if = parse_condition(c, c->qinfo[i].show_if, i, false);
}

/* An id in `was` must not name another current question, nor be claimed by two
 * questions: either would make an earlier edition's results ambiguous. */
static void check_was(struct qs_ctx *c)
{
        enk_questionnaire *q = c->q;
        for (size_t i = 0; i < q->nquestions; i++) {
                const enk_yml_node *n = c->qinfo[i].was;
                if (!n)
                        continue;
                const enk_yml_node *w = n->kind == ENK_YML_LIST ? n->first : n;
                for (; w; w = n->kind == ENK_YML_LIST ? w->next : NULL) {
                        if (w->kind != ENK_YML_SCALAR || !qs_valid_id(w->s, w->len))
                                continue;
                        const struct ident *cur = qs_idmap_get(&c->qids, w->s);
                        if (cur && !(cur->kind == ID_QUESTION && (size_t) cur->index == i)) {
                                qs_err(c, w,
                                       "'was' names '%s', the id of another question or grid in "
                                       "this edition (at %u:%u)",
                                       w->s, cur->at->line, cur->at->col);
                                continue;
                        }
                        const struct ident *prev =
                            qs_idmap_put(c, &c->was_ids, w->s, ID_QUESTION, (int) i, w);
                        if (prev && (size_t) prev->index != i)
                                qs_err(c, w,
                                       "'%s' is already named in 'was' of question '%s' (at %u:%u)",
                                       w->s, q->questions[prev->index].id, prev->at->line,
                                       prev->at->col);
                }
        }
}

static void check_areas(struct qs_ctx *c)
{
        const enk_questionnaire *q = c->q;
        bool *used = enk_arena_array(&c->scratch, q->nareas, sizeof(*used));
        if (!used)
                return;
        for (size_t i = 0; i < q->nquestions; i++)
                if (q->questions[i].area >= 0 && q->questions[i].type == ENK_Q_SCALE)
                        used[q->questions[i].area] = true;
        for (size_t a = 0; a < q->nareas; a++) {
                if (!used[a] && q->areas[a].id[0])
                        enk_diags_add(c->diags, ENK_SEV_WARNING, q->areas[a].loc, NULL,
                                      "area '%s' has no scale question", q->areas[a].id);
        }
}

/* ------------------------------------------------------------------------ */
/* The whole document.                                                      */

enum {
        T_SURVEY,
        T_EDITION,
        T_LANGUAGES,
        T_TITLE,
        T_INTRO,
        T_CLOSING,
        T_SCALES,
        T_AREAS,
        T_SECTIONS,
        T_N
};
static const char *const top_keys[T_N] = {"survey",  "edition", "languages", "title",   "intro",
                                          "closing", "scales",  "areas",     "sections"};

/* Upper bounds on the number of questions and grids, to size the arrays. */
static void count_questions(const enk_yml_node *sections, size_t *nq, size_t *ng)
{
        *nq = *ng = 0;
        if (!sections || sections->kind != ENK_YML_LIST)
                return;
        for (const enk_yml_node *s = sections->first; s; s = s->next) {
                const enk_yml_node *qs = enk_yml_lookup(s, "questions");
                if (!qs || qs->kind != ENK_YML_LIST)
                        continue;
                for (const enk_yml_node *qn = qs->first; qn; qn = qn->next) {
                        const enk_yml_node *items = enk_yml_lookup(qn, "items");
                        (*nq)++;
                        (*ng)++;
                        if (items && items->kind == ENK_YML_LIST)
                                *nq += items->n;
                }
        }
}

static void parse_list(struct qs_ctx *c, const enk_yml_node *n, void *array, size_t size,
                       size_t *count, const char *what,
                       void (*parse)(struct qs_ctx *, const enk_yml_node *, void *, int))
{
        for (const enk_yml_node *it = n->first; it; it = it->next) {
                if (!qs_want_map(c, it, what))
                        continue;
                parse(c, it, (char *) array + *count * size, (int) *count);
                (*count)++;
        }
}

static void parse_scale_v(struct qs_ctx *c, const enk_yml_node *m, void *s, int i)
{
        qs_parse_scale(c, m, s, i);
}

static void parse_area_v(struct qs_ctx *c, const enk_yml_node *m, void *a, int i)
{
        qs_parse_area(c, m, a, i);
}

static void parse_root(struct qs_ctx *c, const enk_yml_node *root)
{
        enk_questionnaire *q = c->q;
        const enk_yml_node *v[T_N];
        int32_t edition;
        if (!root) {
                qs_err_loc(c, qs_loc_at(c, 1, 1), "empty file: expected a questionnaire");
                return;
        }
        if (!qs_want_map(c, root, "a questionnaire"))
                return;
        qs_get_fields(c, root, top_keys, T_N, v);
        const char *what = enk_diag_text(ENK_MSGID("the questionnaire"));
        if (!v[T_SURVEY])
                qs_missing(c, root, "survey", what);
        else
                q->survey = qs_get_id(c, v[T_SURVEY]);
        if (!q->survey)
                q->survey = "";
        if (!v[T_EDITION])
                qs_missing(c, root, "edition", what);
        else if (qs_get_int(c, v[T_EDITION], 1990, 2100, &edition))
                q->edition = edition;
        if (!v[T_LANGUAGES])
                qs_missing(c, root, "languages", what);
        else
                parse_languages(c, v[T_LANGUAGES]);
        if (!v[T_TITLE])
                qs_missing(c, root, "title", what);
        else
                qs_get_text(c, v[T_TITLE], &q->title, TK_TITLE);
        if (v[T_INTRO])
                qs_get_text(c, v[T_INTRO], &q->intro, TK_INTRO);
        if (v[T_CLOSING])
                qs_get_text(c, v[T_CLOSING], &q->closing, TK_CLOSING);

        if (v[T_SCALES] && qs_want_list(c, v[T_SCALES])) {
                q->scales = enk_arena_array(c->model, v[T_SCALES]->n, sizeof(*q->scales));
                if (q->scales)
                        parse_list(c, v[T_SCALES], q->scales, sizeof(*q->scales), &q->nscales,
                                   "a scale", parse_scale_v);
        }
        if (v[T_AREAS] && qs_want_list(c, v[T_AREAS])) {
                q->areas = enk_arena_array(c->model, v[T_AREAS]->n, sizeof(*q->areas));
                if (q->areas)
                        parse_list(c, v[T_AREAS], q->areas, sizeof(*q->areas), &q->nareas,
                                   "an area", parse_area_v);
        }

        if (!v[T_SECTIONS]) {
                qs_missing(c, root, "sections", what);
                return;
        }
        const enk_yml_node *sections = v[T_SECTIONS];
        if (!qs_want_list(c, sections))
                return;
        if (sections->n == 0) {
                qs_err(c, sections, "expected at least one section, got an empty list");
                return;
        }
        count_questions(sections, &c->max_questions, &c->max_grids);
        q->sections = enk_arena_array(c->model, sections->n, sizeof(*q->sections));
        q->questions = enk_arena_array(c->model, c->max_questions, sizeof(*q->questions));
        q->grids = enk_arena_array(c->model, c->max_grids, sizeof(*q->grids));
        c->qinfo = enk_arena_array(&c->scratch, c->max_questions, sizeof(*c->qinfo));
        c->grid_show_if = enk_arena_array(&c->scratch, c->max_grids, sizeof(*c->grid_show_if));
        if (!q->sections || !q->questions || !q->grids || !c->qinfo || !c->grid_show_if)
                return;
        for (const enk_yml_node *s = sections->first; s; s = s->next) {
                if (!qs_want_map(c, s, "a section"))
                        continue;
                qs_parse_section(c, s, (int) q->nsections++);
        }
        resolve_conditions(c);
        check_was(c);
        if (!c->errors) /* until the errors are fixed it would be noise */
                check_areas(c);
}

/* One file: by line, column, then the order found (qsort is not stable). */
static int by_place(const void *pa, const void *pb)
{
        const enk_diag *a = *(const enk_diag *const *) pa, *b = *(const enk_diag *const *) pb;
        if (a->line != b->line)
                return a->line < b->line ? -1 : 1;
        if (a->column != b->column)
                return a->column < b->column ? -1 : 1;
        return a < b ? -1 : a > b;
}

/* Appends the problems of `from` to `to`, sorted by place. enk_diags_sort is
 * an insertion sort, quadratic on the many out-of-order problems a hostile file
 * can produce; this sorts pointers with qsort. */
static void hand_over(const enk_diags *from, enk_diags *to)
{
        size_t n = enk_diags_count(from);
        const enk_diag **order = malloc((n ? n : 1) * sizeof(*order));
        for (size_t i = 0; i < n; i++) {
                const enk_diag *d = enk_diags_get(from, i);
                if (order)
                        order[i] = d;
                else /* out of memory: unsorted is better than lost */
                        enk_diags_add(to, d->severity, (enk_loc){d->file, d->line, d->column},
                                      d->subject, "%s", d->message);
        }
        if (!order)
                return;
        qsort(order, n, sizeof(*order), by_place);
        for (size_t i = 0; i < n; i++)
                enk_diags_add(to, order[i]->severity,
                              (enk_loc){order[i]->file, order[i]->line, order[i]->column},
                              order[i]->subject, "%s", order[i]->message);
        free(order);
}

enk_status enk_questionnaire_parse(const char *buf, size_t len, const char *name,
                                   enk_questionnaire **out, enk_diags *diags)
{
        if ((!buf && len) || !out)
                return ENK_ERR_USAGE;
        if (!name)
                name = "(questionnaire)";
        /* Problems are collected in a list of our own and handed over sorted
         * by place: references are checked after the walk, and a reader wants
         * them in the order of the file. */
        struct qdoc *doc = calloc(1, sizeof(*doc));
        enk_diags *mine = enk_diags_new(100000);
        if (!doc || !mine) {
                free(doc);
                enk_diags_free(mine);
                return ENK_ERR_NOMEM;
        }
        struct qs_ctx c = {.q = &doc->q, .model = &doc->arena, .diags = mine};
        enk_status st = ENK_OK;
        c.file = enk_arena_strndup(c.model, name, strlen(name));
        if (!c.file) {
                st = ENK_ERR_NOMEM;
                goto out;
        }
        doc->q.file = c.file;
        if (len > MAX_BYTES) {
                qs_err_loc(&c, qs_loc_at(&c, 0, 0), "file too large (more than %zu bytes)",
                           MAX_BYTES);
                st = ENK_ERR_SYNTAX;
                goto out;
        }
        char *source = enk_arena_alloc(c.model, len + 1);
        if (!source) {
                st = ENK_ERR_NOMEM;
                goto out;
        }
        if (len)
                memcpy(source, buf, len);
        source[len] = '\0';
        doc->q.source = source;
        doc->q.source_len = len;

        enk_yml_node *root;
        st = enk_yml_parse(source, len, c.file, &c.scratch, &root, &c.errors, c.diags);
        if (st != ENK_OK)
                goto out;
        parse_root(&c, root);
        if (c.model->failed || c.scratch.failed)
                st = ENK_ERR_NOMEM;
        else if (c.errors)
                st = ENK_ERR_SCHEMA;
out:
        enk_arena_release(&c.scratch);
        if (st == ENK_OK && c.errors)
                st = ENK_ERR_SCHEMA;
        hand_over(mine, diags);
        enk_diags_free(mine);
        if (st != ENK_OK) {
                enk_questionnaire_free(&doc->q);
                return st;
        }
        *out = &doc->q;
        return ENK_OK;
}

enk_status enk_questionnaire_load(const char *path, enk_questionnaire **out, enk_diags *diags)
{
        if (!path || !out)
                return ENK_ERR_USAGE;
        enk_loc loc = {path, 0, 0};
        FILE *f = fopen(path, "rb");
        if (!f) {
                enk_error(diags, loc, "cannot open: %s", strerror(errno));
                return ENK_ERR_IO;
        }
        /* Read at most one byte past the limit: enough to know it is too big. */
        size_t cap = 65536, len = 0;
        char *buf = malloc(cap);
        enk_status st = ENK_OK;
        while (buf) {
                if (len == cap) {
                        if (cap > MAX_BYTES)
                                break;
                        char *bigger = realloc(buf, cap * 2);
                        if (!bigger) {
                                free(buf);
                                buf = NULL;
                                break;
                        }
                        buf = bigger;
                        cap *= 2;
                }
                size_t n = fread(buf + len, 1, cap - len, f);
                len += n;
                if (n == 0)
                        break;
        }
        if (!buf) {
                st = ENK_ERR_NOMEM;
        } else if (ferror(f)) {
                enk_error(diags, loc, "cannot read: %s", strerror(errno));
                st = ENK_ERR_IO;
        } else {
                st = enk_questionnaire_parse(buf, len, path, out, diags);
        }
        free(buf);
        fclose(f);
        return st;
}

void enk_questionnaire_free(enk_questionnaire *q)
{
        if (!q)
                return;
        struct qdoc *doc = (struct qdoc *) q; /* q is the first member */
        enk_arena_release(&doc->arena);
        free(doc);
}

/* ------------------------------------------------------------------------ */
/* Lookups and answers.                                                     */

int enk_questionnaire_find(const enk_questionnaire *q, const char *id)
{
        if (!q || !id)
                return -1;
        for (size_t i = 0; i < q->nquestions; i++)
                if (!strcmp(q->questions[i].id, id))
                        return (int) i;
        return -1;
}

int enk_questionnaire_find_linked(const enk_questionnaire *q, const char *id)
{
        int i = enk_questionnaire_find(q, id);
        if (i >= 0 || !q || !id)
                return i;
        for (size_t k = 0; k < q->nquestions; k++)
                for (size_t w = 0; w < q->questions[k].nwas; w++)
                        if (!strcmp(q->questions[k].was[w], id))
                                return (int) k;
        return -1;
}

size_t enk_questionnaire_latest(const enk_questionnaire *const *eds, const int64_t *order, size_t n)
{
        size_t best = 0;
        for (size_t i = 1; i < n; i++)
                if (eds[i]->edition > eds[best]->edition ||
                    (eds[i]->edition == eds[best]->edition && order[i] > order[best]))
                        best = i;
        return best;
}

int enk_questionnaire_map(const enk_questionnaire *latest, const enk_questionnaire *q, size_t i)
{
        if (!latest || !q || i >= q->nquestions)
                return -1;
        if (q == latest)
                return (int) i;
        int li = enk_questionnaire_find_linked(latest, q->questions[i].id);
        return li >= 0 && latest->questions[li].type == q->questions[i].type ? li : -1;
}

int enk_questionnaire_area(const enk_questionnaire *q, const char *id)
{
        if (!q || !id)
                return -1;
        for (size_t i = 0; i < q->nareas; i++)
                if (!strcmp(q->areas[i].id, id))
                        return (int) i;
        return -1;
}

int enk_questionnaire_lang(const enk_questionnaire *q, const char *code)
{
        if (!q || !code)
                return -1;
        for (size_t i = 0; i < q->nlanguages; i++)
                if (!strcmp(q->languages[i], code))
                        return (int) i;
        return -1;
}

const char *enk_text_get(const enk_text *t, int lang)
{
        if (!t)
                return "";
        if (lang >= 0 && lang < ENK_LANG_MAX && t->s[lang])
                return t->s[lang];
        return t->s[0] ? t->s[0] : "";
}

void enk_question_number(const enk_questionnaire *q, size_t i, char *buf, size_t n)
{
        int num = 0;
        for (size_t k = 0; k <= i && k < q->nquestions; k++) {
                const enk_question *qn = &q->questions[k];
                if (qn->grid < 0 || q->grids[qn->grid].first == k)
                        num++;
        }
        const enk_question *qn = &q->questions[i];
        if (qn->grid < 0)
                snprintf(buf, n, "%d", num);
        else
                snprintf(buf, n, "%d%c", num, (char) ('a' + (i - q->grids[qn->grid].first)));
}

const char *enk_title_with_year(const char *title, int year, char *buf, size_t cap)
{
        if (!cap)
                return buf;
        size_t n = strlen(title ? title : "");
        while (n && title[n - 1] == ' ')
                n--;
        if (year > 0 && n >= 5 && title[n - 5] == ' ' && isdigit((unsigned char) title[n - 4]) &&
            isdigit((unsigned char) title[n - 3]) && isdigit((unsigned char) title[n - 2]) &&
            isdigit((unsigned char) title[n - 1])) {
                int y = atoi(title + n - 4);
                if (y >= 1900 && y < 2200)
                        n -= 5;
        }
        if (year > 0)
                snprintf(buf, cap, "%.*s %d", (int) n, title, year);
        else
                snprintf(buf, cap, "%.*s", (int) n, title ? title : "");
        return buf;
}

const enk_scale *enk_question_scale(const enk_questionnaire *q, const enk_question *qn)
{
        if (!q || !qn || qn->type != ENK_Q_SCALE || qn->scale < 0 ||
            (size_t) qn->scale >= q->nscales)
                return NULL;
        return &q->scales[qn->scale];
}

bool enk_question_allows(const enk_questionnaire *q, const enk_question *qn, int32_t value)
{
        if (!q || !qn || value == ENK_MISSING)
                return false;
        switch (qn->type) {
        case ENK_Q_SCALE: {
                const enk_scale *s = enk_question_scale(q, qn);
                if (!s)
                        return false;
                if (value == ENK_NA)
                        return s->has_na;
                return qs_scale_has(s, value);
        }
        case ENK_Q_SINGLE:
                for (size_t i = 0; i < qn->noptions; i++)
                        if (qn->options[i].value == value)
                                return true;
                return false;
        case ENK_Q_MULTIPLE: {
                /* A non-empty set of the options' bits: nothing chosen is
                 * ENK_MISSING, not an empty set. */
                uint32_t mask = 0;
                for (size_t i = 0; i < qn->noptions; i++)
                        if (qn->options[i].value >= 1 && qn->options[i].value <= ENK_OPTION_MAX)
                                mask |= UINT32_C(1) << (qn->options[i].value - 1);
                return value > 0 && ((uint32_t) value & ~mask) == 0;
        }
        case ENK_Q_YESNO:
                return value == 0 || value == 1;
        case ENK_Q_NUMBER:
                return value != ENK_NA && value >= qn->min && value <= qn->max;
        case ENK_Q_TEXT:
                return value == 1;
        }
        return false;
}

bool enk_scale_positive(const enk_scale *s, int32_t value)
{
        if (!s)
                return false;
        for (size_t i = 0; i < s->npositive; i++)
                if (s->positive[i] == value)
                        return true;
        return false;
}

bool enk_question_shown(const enk_questionnaire *q, const enk_question *qn, const int32_t *values)
{
        if (!qn || !qn->show_if)
                return true;
        const enk_condition *cond = qn->show_if;
        if (!q || !values || cond->question >= q->nquestions)
                return false;
        int32_t a = values[cond->question];
        if (a == ENK_MISSING)
                return false;
        bool multiple = q->questions[cond->question].type == ENK_Q_MULTIPLE;
        for (size_t i = 0; i < cond->nvalues; i++) {
                int32_t v = cond->values[i];
                if (multiple) {
                        if (a != ENK_NA && a > 0 && v >= 1 && v <= ENK_OPTION_MAX &&
                            ((uint32_t) a >> (v - 1)) & 1u)
                                return true;
                } else if (a == v) {
                        return true;
                }
        }
        return false;
}

const char *enk_qtype_name(enk_qtype type)
{
        switch (type) {
        case ENK_Q_SCALE:
                return "scale";
        case ENK_Q_SINGLE:
                return "single";
        case ENK_Q_MULTIPLE:
                return "multiple";
        case ENK_Q_YESNO:
                return "yesno";
        case ENK_Q_NUMBER:
                return "number";
        case ENK_Q_TEXT:
                return "text";
        }
        return "unknown";
}
