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
 */
#include "survey/questionnaire.h"

#include "survey/arena.h"
#include "survey/utf8.h"
#include "survey/yml.h"

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* A real questionnaire is a few hundred lines; these are far above that. */
#define MAX_BYTES ((size_t) 4 << 20)
#define ID_MAX    ENK_UTF8_DISTANCE_MAX /* an id is at most 64 bytes */
/* After this many errors, stop computing "did you mean" suggestions: nobody
 * reads them and a hostile file could make them quadratic. */
#define SUGGEST_MAX_ERRORS 200

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* ------------------------------------------------------------------------ */
/* The loader's state.                                                      */

/* What the questionnaire being loaded is wrapped in: the arena that owns it. */
struct qdoc {
        enk_questionnaire q;
        enk_arena arena;
};

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

struct ctx {
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

/* ------------------------------------------------------------------------ */
/* Diagnostics.                                                             */

static enk_loc loc_at(const struct ctx *c, unsigned line, unsigned col)
{
        return (enk_loc){c->file, line, col};
}

static enk_loc loc_node(const struct ctx *c, const enk_yml_node *n)
{
        return loc_at(c, n->line, n->col);
}

__attribute__((format(printf, 3, 4))) static void err(struct ctx *c, const enk_yml_node *n,
                                                      const char *fmt, ...)
{
        va_list ap;
        c->errors++;
        va_start(ap, fmt);
        enk_diags_addv(c->diags, ENK_SEV_ERROR, loc_node(c, n), NULL, fmt, ap);
        va_end(ap);
}

__attribute__((format(printf, 3, 4))) static void err_loc(struct ctx *c, enk_loc loc,
                                                          const char *fmt, ...)
{
        va_list ap;
        c->errors++;
        va_start(ap, fmt);
        enk_diags_addv(c->diags, ENK_SEV_ERROR, loc, NULL, fmt, ap);
        va_end(ap);
}

__attribute__((format(printf, 3, 4))) static void warn(struct ctx *c, const enk_yml_node *n,
                                                       const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        enk_diags_addv(c->diags, ENK_SEV_WARNING, loc_node(c, n), NULL, fmt, ap);
        va_end(ap);
}

/* A printable excerpt of s for a message (survey/utf8.h), in scratch memory. */
static const char *excerpt(struct ctx *c, const char *s, size_t len)
{
        char *out = enk_arena_alloc(&c->scratch, ENK_UTF8_EXCERPT_SIZE);
        if (!out)
                return "...";
        return enk_utf8_excerpt(s, len, out, ENK_UTF8_EXCERPT_SIZE);
}

static const char *show(struct ctx *c, const enk_yml_node *n)
{
        return excerpt(c, n->s ? n->s : "", n->len);
}

/* "a quoted string " when a number or boolean was written in quotes, which makes
 * it a string in YAML: the message then says why '2020' is not an integer. */
static const char *quoted(const enk_yml_node *n)
{
        return n->kind == ENK_YML_SCALAR && !n->plain && !n->bad ? "a quoted string " : "";
}

/* How a value that is not what was expected is described: "got a list". */
static const char *got(struct ctx *c, const enk_yml_node *n)
{
        if (n->kind == ENK_YML_MAP)
                return "a mapping";
        if (n->kind == ENK_YML_LIST)
                return "a list";
        if (enk_yml_is_null(n))
                return "nothing";
        const char *s = show(c, n);
        size_t len = strlen(s) + 3;
        char *out = enk_arena_alloc(&c->scratch, len);
        if (!out)
                return "a value";
        snprintf(out, len, "'%s'", s);
        return out;
}

/* ------------------------------------------------------------------------ */
/* Did you mean (survey/utf8.h).                                            */

/* The candidate closest to word when it is close enough to be a likely typo,
 * else NULL; none once there are many errors. */
static const char *closest(const struct ctx *c, const char *word, const char *const *cands,
                           size_t n)
{
        if (c->errors > SUGGEST_MAX_ERRORS)
                return NULL;
        return enk_utf8_closest(word, cands, n);
}

/* Reports "unknown WHAT 'word'", with a did-you-mean when one is close. */
static void unknown(struct ctx *c, const enk_yml_node *n, const char *what,
                    const char *const *cands, size_t ncands)
{
        const char *s = show(c, n);
        const char *hint = n->len <= ID_MAX ? closest(c, n->s, cands, ncands) : NULL;
        if (hint)
                err(c, n, "unknown %s '%s' (did you mean '%s'?)", what, s, hint);
        else
                err(c, n, "unknown %s '%s'", what, s);
}

/* ------------------------------------------------------------------------ */
/* Id tables.                                                               */

static size_t hash(const char *s)
{
        size_t h = 14695981039346656037u;
        for (; *s; s++)
                h = (h ^ (unsigned char) *s) * 1099511628211u;
        return h;
}

static struct ident *idmap_slot(const struct idmap *m, const char *id)
{
        if (!m->cap)
                return NULL;
        size_t i = hash(id) & (m->cap - 1);
        while (m->slots[i].id && strcmp(m->slots[i].id, id))
                i = (i + 1) & (m->cap - 1);
        return &m->slots[i];
}

static const struct ident *idmap_get(const struct idmap *m, const char *id)
{
        struct ident *s = idmap_slot(m, id);
        return s && s->id ? s : NULL;
}

/* Adds id unless it is there; returns the entry that was there first, or NULL
 * when id is new (or memory ran out, which the arena remembers). */
static const struct ident *idmap_put(struct ctx *c, struct idmap *m, const char *id, int kind,
                                     int index, const enk_yml_node *at)
{
        if (2 * (m->n + 1) > m->cap) {
                size_t cap = m->cap ? 2 * m->cap : 64;
                struct ident *slots = enk_arena_array(&c->scratch, cap, sizeof(*slots));
                if (!slots)
                        return NULL;
                struct idmap grown = {slots, cap, m->n};
                for (size_t i = 0; i < m->cap; i++)
                        if (m->slots[i].id)
                                *idmap_slot(&grown, m->slots[i].id) = m->slots[i];
                *m = grown;
        }
        struct ident *s = idmap_slot(m, id);
        if (s->id)
                return s;
        *s = (struct ident){id, kind, index, at};
        m->n++;
        return NULL;
}

/* ------------------------------------------------------------------------ */
/* Reading values.                                                          */

/* The values of a mapping's keys that are among names (nnames of them): vals[i]
 * for names[i], NULL when absent. Reports keys that are unknown (with a
 * did-you-mean) or repeated, and keys that are not scalars. */
static void get_fields(struct ctx *c, const enk_yml_node *m, const char *const *names,
                       size_t nnames, const enk_yml_node **vals)
{
        const enk_yml_node *keys[32] = {0};
        for (size_t i = 0; i < nnames; i++)
                vals[i] = NULL;
        for (const enk_yml_node *k = m->first; k && k->next; k = k->next->next) {
                if (k->kind != ENK_YML_SCALAR || k->bad) {
                        if (!k->bad)
                                err(c, k, "expected a key, got %s", got(c, k));
                        continue;
                }
                size_t i = 0;
                while (i < nnames && strcmp(names[i], k->s))
                        i++;
                if (i == nnames) {
                        unknown(c, k, "key", names, nnames);
                        continue;
                }
                if (vals[i]) {
                        err(c, k, "duplicate key '%s' (first at %u:%u)", names[i], keys[i]->line,
                            keys[i]->col);
                        continue;
                }
                vals[i] = k->next;
                keys[i] = k;
        }
}

static void missing(struct ctx *c, const enk_yml_node *m, const char *key, const char *what)
{
        err(c, m, "missing required key '%s' in %s", key, what);
}

static bool want_map(struct ctx *c, const enk_yml_node *n, const char *what)
{
        if (n->kind == ENK_YML_MAP)
                return true;
        if (!n->bad)
                err(c, n, "expected %s (a mapping), got %s", what, got(c, n));
        return false;
}

static bool want_list(struct ctx *c, const enk_yml_node *n)
{
        if (n->kind == ENK_YML_LIST)
                return true;
        if (!n->bad)
                err(c, n, "expected a list, got %s", got(c, n));
        return false;
}

/* An integer in [min, max] into *out. */
static bool get_int(struct ctx *c, const enk_yml_node *n, long long min, long long max,
                    int32_t *out)
{
        long long v;
        if (n->bad)
                return false;
        if (!enk_yml_int(n, &v)) {
                err(c, n, "expected an integer, got %s%s", quoted(n), got(c, n));
                return false;
        }
        if (v < min || v > max) {
                err(c, n, "expected an integer from %lld to %lld, got %s", min, max, got(c, n));
                return false;
        }
        *out = (int32_t) v;
        return true;
}

static bool get_bool(struct ctx *c, const enk_yml_node *n, bool *out)
{
        if (n->bad)
                return false;
        if (n->kind == ENK_YML_SCALAR && n->plain) {
                if (!strcasecmp(n->s, "true") || !strcasecmp(n->s, "yes")) {
                        *out = true;
                        return true;
                }
                if (!strcasecmp(n->s, "false") || !strcasecmp(n->s, "no")) {
                        *out = false;
                        return true;
                }
        }
        err(c, n, "expected true or false, got %s%s", quoted(n), got(c, n));
        return false;
}

static bool valid_id(const char *s, size_t len)
{
        if (len < 1 || len > ID_MAX || s[0] < 'a' || s[0] > 'z')
                return false;
        for (size_t i = 0; i < len; i++)
                if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
                        return false;
        return true;
}

/* An id, copied into the model; NULL (reported) when n is not one. */
static const char *get_id(struct ctx *c, const enk_yml_node *n)
{
        if (n->bad)
                return NULL;
        if (n->kind != ENK_YML_SCALAR || enk_yml_is_null(n)) {
                err(c, n, "expected an id, got %s", got(c, n));
                return NULL;
        }
        if (!valid_id(n->s, n->len)) {
                err(c, n,
                    "bad id '%s' (an id is 1 to 64 characters of a-z, 0-9 and _, starting with a "
                    "letter)",
                    show(c, n));
                return NULL;
        }
        return enk_arena_strndup(c->model, n->s, n->len);
}

/* A non-empty string, copied into the model. */
static const char *get_string(struct ctx *c, const enk_yml_node *n)
{
        if (n->bad)
                return NULL;
        if (n->kind != ENK_YML_SCALAR || enk_yml_is_null(n)) {
                err(c, n, "expected a string, got %s", got(c, n));
                return NULL;
        }
        if (n->len == 0) {
                err(c, n, "expected a string, got an empty one");
                return NULL;
        }
        return enk_arena_strndup(c->model, n->s, n->len);
}

static const char *language_list(struct ctx *c)
{
        const enk_questionnaire *q = c->q;
        size_t len = 1;
        for (size_t i = 0; i < q->nlanguages; i++)
                len += strlen(q->languages[i]) + 2;
        char *out = enk_arena_alloc(&c->scratch, len);
        if (!out)
                return "";
        out[0] = '\0';
        for (size_t i = 0; i < q->nlanguages; i++) {
                if (i)
                        strcat(out, ", ");
                strcat(out, q->languages[i]);
        }
        return out;
}

/* The kinds of text, each with its limit (questionnaire.h): what a message
 * calls it and how many characters it may have. */
enum tkind {
        TK_TITLE,
        TK_LABEL,
        TK_UNIT,
        TK_QUESTION,
        TK_HELP,
        TK_INTRO,
        TK_CLOSING,
        TK_DESCRIPTION
};
static const struct {
        const char *name;
        size_t max;
} text_kinds[] = {
    [TK_TITLE] = {"title", ENK_TEXT_TITLE_MAX},
    [TK_LABEL] = {"label", ENK_TEXT_LABEL_MAX},
    [TK_UNIT] = {"unit", ENK_TEXT_LABEL_MAX},
    [TK_QUESTION] = {"question text", ENK_TEXT_QUESTION_MAX},
    [TK_HELP] = {"help text", ENK_TEXT_HELP_MAX},
    [TK_INTRO] = {"intro", ENK_TEXT_LONG_MAX},
    [TK_CLOSING] = {"closing text", ENK_TEXT_LONG_MAX},
    [TK_DESCRIPTION] = {"description", ENK_TEXT_LONG_MAX},
};

/* One language's string of a text of kind k, copied into the model; NULL
 * after an error. A form lays out every text it is given, so a text beyond
 * its kind's limit is refused here rather than slowly there. */
static const char *text_string(struct ctx *c, const enk_yml_node *n, enum tkind k)
{
        const char *s = get_string(c, n);
        if (!s)
                return NULL;
        size_t count = enk_utf8_chars(n->s, n->len);
        if (count > text_kinds[k].max) {
                err(c, n, "%s too long: %zu characters (the limit is %zu)", text_kinds[k].name,
                    count, text_kinds[k].max);
                return NULL;
        }
        return s;
}

/* A text: a mapping from each declared language to a string, or a plain string
 * when one language is declared. When the languages themselves are broken only
 * the shape is checked. When at is not NULL, at[i] is set to the node of
 * language i's string (NULL when there is none), for messages about it. */
static void get_text_at(struct ctx *c, const enk_yml_node *n, enk_text *t, enum tkind kind,
                        const enk_yml_node *at[ENK_LANG_MAX])
{
        const enk_questionnaire *q = c->q;
        if (at)
                for (size_t i = 0; i < ENK_LANG_MAX; i++)
                        at[i] = NULL;
        if (n->bad)
                return;
        if (n->kind == ENK_YML_SCALAR && !enk_yml_is_null(n)) {
                if (!c->langs_ok)
                        return;
                if (q->nlanguages == 1) {
                        t->s[0] = text_string(c, n, kind);
                        if (at && t->s[0])
                                at[0] = n;
                } else {
                        err(c, n, "expected a text in every language (%s), got a plain string",
                            language_list(c));
                }
                return;
        }
        if (n->kind != ENK_YML_MAP) {
                err(c, n, "expected a text (a mapping from language to string), got %s", got(c, n));
                return;
        }
        const enk_yml_node *seen[ENK_LANG_MAX] = {0};
        for (const enk_yml_node *k = n->first; k && k->next; k = k->next->next) {
                if (k->kind != ENK_YML_SCALAR || enk_yml_is_null(k)) {
                        if (!k->bad)
                                err(c, k, "expected a language code, got %s", got(c, k));
                        continue;
                }
                if (!c->langs_ok) {
                        text_string(c, k->next, kind);
                        continue;
                }
                int li = enk_questionnaire_lang(q, k->s);
                if (li < 0) {
                        err(c, k, "undeclared language '%s' in a text (the languages are %s)",
                            show(c, k), language_list(c));
                        continue;
                }
                if (seen[li]) {
                        err(c, k, "duplicate key '%s' (first at %u:%u)", q->languages[li],
                            seen[li]->line, seen[li]->col);
                        continue;
                }
                seen[li] = k;
                t->s[li] = text_string(c, k->next, kind);
                if (at && t->s[li])
                        at[li] = k->next;
        }
        if (c->langs_ok)
                for (size_t i = 0; i < q->nlanguages; i++)
                        if (!seen[i])
                                err(c, n, "missing text in language '%s'", q->languages[i]);
}

static void get_text(struct ctx *c, const enk_yml_node *n, enk_text *t, enum tkind kind)
{
        get_text_at(c, n, t, kind, NULL);
}

/* ------------------------------------------------------------------------ */
/* Top level: survey, edition, languages, texts.                            */

static void parse_languages(struct ctx *c, const enk_yml_node *n)
{
        enk_questionnaire *q = c->q;
        if (!want_list(c, n))
                return;
        if (n->n < 1 || n->n > ENK_LANG_MAX) {
                err(c, n, "expected 1 to %d languages, got %zu", ENK_LANG_MAX, n->n);
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
                        err(c, l,
                            "expected a language code (2 or 3 lower-case letters, like 'sv'), "
                            "got %s",
                            got(c, l));
                        ok = false;
                        continue;
                }
                int dup = enk_questionnaire_lang(q, l->s);
                if (dup >= 0) {
                        err(c, l, "duplicate language '%s' (first at %u:%u)", l->s, at[dup]->line,
                            at[dup]->col);
                        ok = false;
                        continue;
                }
                at[q->nlanguages] = l;
                q->languages[q->nlanguages++] = enk_arena_strndup(c->model, l->s, l->len);
        }
        c->langs_ok = ok && q->nlanguages > 0;
}

/* ------------------------------------------------------------------------ */
/* Scales and areas.                                                        */

enum { S_ID, S_LABEL, S_POINTS, S_POSITIVE, S_NA, S_N };
static const char *const scale_keys[S_N] = {"id", "label", "points", "positive", "not_applicable"};
enum { P_VALUE, P_LABEL, P_N };
static const char *const point_keys[P_N] = {"value", "label"};
enum { NA_CODE, NA_LABEL, NA_N };
static const char *const na_keys[NA_N] = {"code", "label"};

/* "scale 'x'" or "a scale" for messages. */
static const char *what_of(struct ctx *c, const char *kind, const char *id)
{
        if (!id || !*id) {
                const char *article = strchr("aeiou", kind[0]) ? "an" : "a";
                size_t len = strlen(kind) + 4;
                char *out = enk_arena_alloc(&c->scratch, len);
                if (!out)
                        return kind;
                snprintf(out, len, "%s %s", article, kind);
                return out;
        }
        size_t len = strlen(kind) + strlen(id) + 4;
        char *out = enk_arena_alloc(&c->scratch, len);
        if (!out)
                return kind;
        snprintf(out, len, "%s '%s'", kind, id);
        return out;
}

static const char *peek_id(const enk_yml_node *m)
{
        if (m->kind != ENK_YML_MAP)
                return NULL;
        for (const enk_yml_node *k = m->first; k && k->next; k = k->next->next)
                if (k->kind == ENK_YML_SCALAR && !strcmp(k->s, "id") &&
                    k->next->kind == ENK_YML_SCALAR && valid_id(k->next->s, k->next->len))
                        return k->next->s;
        return NULL;
}

/* Fills s->points; lat[i] gets the nodes of point i's label (see get_text_at). */
static void parse_points(struct ctx *c, const enk_yml_node *n, enk_scale *s,
                         const enk_yml_node *lat[][ENK_LANG_MAX])
{
        if (!want_list(c, n))
                return;
        if (n->n < 2 || n->n > 11) {
                err(c, n, "expected 2 to 11 points, got %zu", n->n);
                if (n->n > 11)
                        return;
        }
        s->points = enk_arena_array(c->model, n->n, sizeof(*s->points));
        if (!s->points)
                return;
        const enk_yml_node *prev = NULL;
        for (const enk_yml_node *p = n->first; p; p = p->next) {
                const enk_yml_node *v[P_N];
                if (!want_map(c, p, "a point"))
                        continue;
                get_fields(c, p, point_keys, P_N, v);
                enk_point *pt = &s->points[s->npoints];
                bool ok = true;
                if (!v[P_VALUE]) {
                        missing(c, p, "value", "a point");
                        ok = false;
                } else if (!get_int(c, v[P_VALUE], -ENK_NUMBER_LIMIT, ENK_NUMBER_LIMIT,
                                    &pt->value)) {
                        ok = false;
                } else if (prev && pt->value <= s->points[s->npoints - 1].value) {
                        err(c, v[P_VALUE], "point values must ascend: %d comes after %d (at %u:%u)",
                            pt->value, s->points[s->npoints - 1].value, prev->line, prev->col);
                        ok = false;
                }
                if (v[P_LABEL])
                        get_text_at(c, v[P_LABEL], &pt->label, TK_LABEL, lat[s->npoints]);
                else
                        missing(c, p, "label", "a point");
                if (ok) {
                        prev = v[P_VALUE];
                        s->npoints++;
                }
        }
}

static bool scale_has(const enk_scale *s, int32_t value)
{
        for (size_t i = 0; i < s->npoints; i++)
                if (s->points[i].value == value)
                        return true;
        return false;
}

static void parse_positive(struct ctx *c, const enk_yml_node *n, enk_scale *s, bool points_ok)
{
        if (!want_list(c, n))
                return;
        if (n->n < 1 || n->n > 11) {
                err(c, n, "expected 1 to 11 positive points, got %zu", n->n);
                return;
        }
        s->positive = enk_arena_array(c->model, n->n, sizeof(*s->positive));
        if (!s->positive)
                return;
        bool ok = true;
        for (const enk_yml_node *p = n->first; p; p = p->next) {
                int32_t v;
                if (!get_int(c, p, -ENK_NUMBER_LIMIT, ENK_NUMBER_LIMIT, &v)) {
                        ok = false;
                        continue;
                }
                if (points_ok && !scale_has(s, v)) {
                        err(c, p, "positive value %d is not a point of %s", v,
                            what_of(c, "scale", s->id));
                        ok = false;
                        continue;
                }
                if (enk_scale_positive(s, v)) {
                        err(c, p, "duplicate positive value %d", v);
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
                        warn(c, n, "the positive points of %s are not the top of the scale",
                             what_of(c, "scale", s->id));
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
static const char *coded_name(struct ctx *c, const struct coded *e)
{
        if (!e->kind)
                return "the not-applicable answer";
        size_t len = strlen(e->kind) + 16;
        char *out = enk_arena_alloc(&c->scratch, len);
        if (!out)
                return e->kind;
        snprintf(out, len, "%s %d", e->kind, (int) e->code);
        return out;
}

/* Folds s as the import compares cells with labels (enk_utf8_fold, as
 * survey/csvin.c does after NFC): blanks dropped at the ends and collapsed
 * inside, A-Z and the upper-case Latin-1 letters lowered. Two labels with one
 * fold would be one cell in a data file. */
static const char *fold_label(struct ctx *c, const char *s)
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
static void check_labels(struct ctx *c, const struct coded *e, size_t n)
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
                                                err(c, at,
                                                    "label '%s' of %s is the %s of %s: a data "
                                                    "file's '%s' could mean either",
                                                    show(c, at), coded_name(c, &e[i]),
                                                    e[j].kind ? "value" : "code",
                                                    coded_name(c, &e[j]), show(c, at));
                                                clash = true;
                                        }
                        for (size_t j = 0; j < i && !clash; j++) {
                                for (size_t m = 0; m < nl && !clash; m++) {
                                        if (!f[j][m] || strcmp(f[i][l], f[j][m]))
                                                continue;
                                        const enk_yml_node *first = e[j].at[m];
                                        bool same = !strcmp(e[i].label->s[l], e[j].label->s[m]);
                                        err(c, at,
                                            "label '%s' of %s is also the label of %s (at "
                                            "%u:%u)%s",
                                            show(c, at), coded_name(c, &e[i]), coded_name(c, &e[j]),
                                            first->line, first->col,
                                            same ? "" : " when case and blanks are ignored");
                                        clash = true;
                                }
                        }
                }
        }
}

static void parse_scale(struct ctx *c, const enk_yml_node *m, enk_scale *s, int index)
{
        const enk_yml_node *v[S_N];
        get_fields(c, m, scale_keys, S_N, v);
        s->loc = loc_node(c, m);
        const char *what = what_of(c, "scale", peek_id(m));
        if (!v[S_ID]) {
                missing(c, m, "id", what);
        } else if ((s->id = get_id(c, v[S_ID]))) {
                const struct ident *first = idmap_put(c, &c->scale_ids, s->id, 0, index, v[S_ID]);
                if (first)
                        err(c, v[S_ID], "duplicate scale id '%s' (first defined at %u:%u)", s->id,
                            first->at->line, first->at->col);
        }
        if (!s->id)
                s->id = "";
        if (v[S_LABEL])
                get_text(c, v[S_LABEL], &s->label, TK_LABEL);
        size_t errors = c->errors;
        const enk_yml_node *lat[11 + 1][ENK_LANG_MAX] = {{NULL}}; /* points, then NA */
        if (v[S_POINTS])
                parse_points(c, v[S_POINTS], s, lat);
        else
                missing(c, m, "points", what);
        bool points_ok = v[S_POINTS] && c->errors == errors;
        if (v[S_POSITIVE])
                parse_positive(c, v[S_POSITIVE], s, points_ok);
        else
                missing(c, m, "positive", what);
        bool na_ok = false;
        if (v[S_NA] && want_map(c, v[S_NA], "a not-applicable answer")) {
                const enk_yml_node *na[NA_N];
                get_fields(c, v[S_NA], na_keys, NA_N, na);
                bool code_ok = false;
                if (!na[NA_CODE]) {
                        missing(c, v[S_NA], "code", "not_applicable");
                } else if (get_int(c, na[NA_CODE], -ENK_NUMBER_LIMIT, ENK_NUMBER_LIMIT,
                                   &s->na_code)) {
                        code_ok = !scale_has(s, s->na_code);
                        if (!code_ok)
                                err(c, na[NA_CODE],
                                    "not-applicable code %d is also the value of a point",
                                    s->na_code);
                }
                if (na[NA_LABEL])
                        get_text_at(c, na[NA_LABEL], &s->na_label, TK_LABEL, lat[s->npoints]);
                else
                        missing(c, v[S_NA], "label", "not_applicable");
                s->has_na = true;
                na_ok = code_ok;
        }
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

static void parse_area(struct ctx *c, const enk_yml_node *m, enk_area *a, int index)
{
        const enk_yml_node *v[A_N];
        get_fields(c, m, area_keys, A_N, v);
        a->loc = loc_node(c, m);
        const char *what = what_of(c, "area", peek_id(m));
        if (!v[A_ID]) {
                missing(c, m, "id", what);
        } else if ((a->id = get_id(c, v[A_ID]))) {
                const struct ident *first = idmap_put(c, &c->area_ids, a->id, 0, index, v[A_ID]);
                if (first)
                        err(c, v[A_ID], "duplicate area id '%s' (first defined at %u:%u)", a->id,
                            first->at->line, first->at->col);
        }
        if (!a->id)
                a->id = "";
        if (v[A_LABEL])
                get_text(c, v[A_LABEL], &a->label, TK_LABEL);
        else
                missing(c, m, "label", what);
        if (v[A_DESCRIPTION])
                get_text(c, v[A_DESCRIPTION], &a->description, TK_DESCRIPTION);
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
        Q_N
};
static const char *const question_keys[Q_N] = {
    "id",  "type",  "text",    "help", "required", "show_if", "area", "headline",
    "was", "scale", "options", "min",  "max",      "unit",    "rows", "items",
};

#define BIT(k) (1u << (k))
#define COMMON_KEYS                                                                                \
        (BIT(Q_ID) | BIT(Q_TYPE) | BIT(Q_TEXT) | BIT(Q_HELP) | BIT(Q_REQUIRED) | BIT(Q_SHOW_IF) |  \
         BIT(Q_AREA) | BIT(Q_HEADLINE) | BIT(Q_WAS))
#define ITEM_KEYS                                                                                  \
        (BIT(Q_ID) | BIT(Q_TEXT) | BIT(Q_HELP) | BIT(Q_REQUIRED) | BIT(Q_SHOW_IF) | BIT(Q_AREA) |  \
         BIT(Q_HEADLINE) | BIT(Q_WAS))

enum { TYPE_GRID = ENK_Q_TEXT + 1, NTYPES };
static const char *const type_names[NTYPES] = {"scale",  "single", "multiple", "yesno",
                                               "number", "text",   "grid"};
/* The keys each type takes. A grid's help, headline and was belong on its
 * items; its area and required are defaults for them. */
static const unsigned type_keys[NTYPES] = {
    [ENK_Q_SCALE] = COMMON_KEYS | BIT(Q_SCALE),
    [ENK_Q_SINGLE] = COMMON_KEYS | BIT(Q_OPTIONS),
    [ENK_Q_MULTIPLE] = COMMON_KEYS | BIT(Q_OPTIONS),
    [ENK_Q_YESNO] = COMMON_KEYS,
    [ENK_Q_NUMBER] = COMMON_KEYS | BIT(Q_MIN) | BIT(Q_MAX) | BIT(Q_UNIT),
    [ENK_Q_TEXT] = COMMON_KEYS | BIT(Q_ROWS),
    [TYPE_GRID] =
        (COMMON_KEYS & ~(BIT(Q_HELP) | BIT(Q_HEADLINE) | BIT(Q_WAS))) | BIT(Q_SCALE) | BIT(Q_ITEMS),
};

enum { O_VALUE, O_LABEL, O_N };
static const char *const option_keys[O_N] = {"value", "label"};

/* Reports keys present in v that are known but do not apply here. */
static void check_applicable(struct ctx *c, const enk_yml_node *m, const enk_yml_node **v,
                             unsigned allowed, const char *where)
{
        for (size_t i = 0; i < Q_N; i++) {
                if (!v[i] || (allowed & BIT(i)))
                        continue;
                /* Find the key node for the message's place. */
                const enk_yml_node *k = m->first;
                while (k && k->next && k->next != v[i])
                        k = k->next->next;
                err(c, k ? k : m, "key '%s' does not apply to %s", question_keys[i], where);
        }
}

/* The index of the scale or area n names. base, stride and count describe the
 * array of scales or areas (whose first member is the id), read only to suggest
 * a name when n names none. */
static int get_ref(struct ctx *c, const enk_yml_node *n, const struct idmap *ids, const char *what,
                   const void *base, size_t stride, size_t count)
{
        if (n->bad)
                return -1;
        if (n->kind != ENK_YML_SCALAR || enk_yml_is_null(n)) {
                err(c, n, "expected %s id, got %s", what, got(c, n));
                return -1;
        }
        const struct ident *id = idmap_get(ids, n->s);
        if (!id) {
                const char **names = c->errors > SUGGEST_MAX_ERRORS
                                         ? NULL
                                         : enk_arena_array(&c->scratch, count, sizeof(*names));
                for (size_t i = 0; names && i < count; i++)
                        names[i] = *(const char *const *) ((const char *) base + i * stride);
                unknown(c, n, what, names, names ? count : 0);
                return -1;
        }
        return id->index;
}

static int get_scale_ref(struct ctx *c, const enk_yml_node *n)
{
        _Static_assert(offsetof(enk_scale, id) == 0, "get_ref reads the id first");
        return get_ref(c, n, &c->scale_ids, "scale", c->q->scales, sizeof(enk_scale),
                       c->q->nscales);
}

static int get_area_ref(struct ctx *c, const enk_yml_node *n)
{
        _Static_assert(offsetof(enk_area, id) == 0, "get_ref reads the id first");
        return get_ref(c, n, &c->area_ids, "area", c->q->areas, sizeof(enk_area), c->q->nareas);
}

static void parse_options(struct ctx *c, const enk_yml_node *n, enk_question *qn)
{
        bool multiple = qn->type == ENK_Q_MULTIPLE;
        size_t min = multiple ? 1 : 2;
        if (!want_list(c, n))
                return;
        if (n->n < min || n->n > ENK_OPTION_MAX) {
                err(c, n, "expected %zu to %d options, got %zu", min, ENK_OPTION_MAX, n->n);
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
                if (!want_map(c, o, "an option"))
                        continue;
                get_fields(c, o, option_keys, O_N, v);
                enk_option *opt = &qn->options[qn->noptions];
                bool ok = false;
                if (!v[O_VALUE])
                        missing(c, o, "value", "an option");
                else if (multiple)
                        ok = get_int(c, v[O_VALUE], 1, ENK_OPTION_MAX, &opt->value);
                else
                        ok = get_int(c, v[O_VALUE], -ENK_NUMBER_LIMIT, ENK_NUMBER_LIMIT,
                                     &opt->value);
                for (size_t i = 0; ok && i < qn->noptions; i++) {
                        if (qn->options[i].value == opt->value) {
                                err(c, v[O_VALUE], "duplicate option value %d (first at %u:%u)",
                                    opt->value, at[i]->line, at[i]->col);
                                ok = false;
                        }
                }
                for (size_t l = 0; l < ENK_LANG_MAX; l++)
                        lat[qn->noptions][l] = NULL;
                if (v[O_LABEL])
                        get_text_at(c, v[O_LABEL], &opt->label, TK_LABEL, lat[qn->noptions]);
                else
                        missing(c, o, "label", "an option");
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
static void parse_was(struct ctx *c, const enk_yml_node *n, enk_question *qn)
{
        size_t count = n->kind == ENK_YML_LIST ? n->n : 1;
        if (n->kind == ENK_YML_MAP) {
                err(c, n, "expected an id or a list of ids, got a mapping");
                return;
        }
        if (n->kind == ENK_YML_LIST && n->n == 0) {
                err(c, n, "expected an id or a list of ids, got an empty list");
                return;
        }
        qn->was = enk_arena_array(c->model, count, sizeof(*qn->was));
        if (!qn->was)
                return;
        const enk_yml_node *first = n->kind == ENK_YML_LIST ? n->first : n;
        for (const enk_yml_node *w = first; w; w = n->kind == ENK_YML_LIST ? w->next : NULL) {
                const char *id = get_id(c, w);
                if (id)
                        qn->was[qn->nwas++] = id;
        }
}

/* Registers a question or grid id; reports a duplicate. */
static void register_id(struct ctx *c, const enk_yml_node *n, const char *id, int kind, int index)
{
        const struct ident *first = idmap_put(c, &c->qids, id, kind, index, n);
        if (first)
                err(c, n, "duplicate %s id '%s' (first defined at %u:%u)",
                    kind == ID_GRID ? "grid" : "question", id, first->at->line, first->at->col);
}

/* The keys a question and a grid item share. */
static void parse_common(struct ctx *c, const enk_yml_node **v, enk_question *qn,
                         struct qinfo *info)
{
        if (v[Q_TEXT])
                get_text(c, v[Q_TEXT], &qn->text, TK_QUESTION);
        if (v[Q_HELP])
                get_text(c, v[Q_HELP], &qn->help, TK_HELP);
        if (v[Q_REQUIRED])
                get_bool(c, v[Q_REQUIRED], &qn->required);
        if (v[Q_HEADLINE])
                get_bool(c, v[Q_HEADLINE], &qn->headline);
        if (v[Q_AREA])
                qn->area = get_area_ref(c, v[Q_AREA]);
        if (v[Q_WAS]) {
                parse_was(c, v[Q_WAS], qn);
                info->was = v[Q_WAS];
        }
        info->show_if = v[Q_SHOW_IF];
}

static enk_question *new_question(struct ctx *c, const enk_yml_node *m, int section)
{
        enk_questionnaire *q = c->q;
        if (q->nquestions >= c->max_questions)
                return NULL; /* cannot happen: counted beforehand */
        enk_question *qn = &q->questions[q->nquestions++];
        qn->loc = loc_node(c, m);
        qn->id = "";
        qn->scale = -1;
        qn->area = -1;
        qn->grid = -1;
        qn->section = section;
        return qn;
}

/* An item of grid gi; grid_area and grid_required are the grid's defaults. */
static void parse_item(struct ctx *c, const enk_yml_node *m, int section, int gi,
                       const enk_yml_node *grid_show_if, int grid_area, bool grid_required)
{
        enk_questionnaire *q = c->q;
        const enk_grid *g = &q->grids[gi];
        const enk_yml_node *v[Q_N];
        if (!want_map(c, m, "a grid item"))
                return;
        get_fields(c, m, question_keys, Q_N, v);
        enk_question *qn = new_question(c, m, section);
        if (!qn)
                return;
        size_t qi = (size_t) (qn - q->questions);
        struct qinfo *info = &c->qinfo[qi];
        const char *what = what_of(c, "grid item", peek_id(m));
        check_applicable(c, m, v, ITEM_KEYS, "a grid item (items share the grid's scale)");
        qn->type = ENK_Q_SCALE;
        qn->grid = gi;
        qn->scale = g->scale;
        qn->required = grid_required;
        qn->area = grid_area;
        if (!v[Q_ID])
                missing(c, m, "id", what);
        else if (v[Q_ID] && (qn->id = get_id(c, v[Q_ID])))
                register_id(c, v[Q_ID], qn->id, ID_QUESTION, (int) qi);
        if (!qn->id)
                qn->id = "";
        if (!v[Q_TEXT])
                missing(c, m, "text", what);
        info->type_ok = g->scale >= 0;
        parse_common(c, v, qn, info);
        if (v[Q_SHOW_IF] && grid_show_if)
                err(c, v[Q_SHOW_IF],
                    "an item cannot have its own show_if when its grid has one (at %u:%u)",
                    grid_show_if->line, grid_show_if->col);
        if (grid_show_if)
                info->show_if = NULL; /* the grid's applies */
}

static void parse_grid(struct ctx *c, const enk_yml_node *m, const enk_yml_node **v,
                       enk_question *lead, int section)
{
        enk_questionnaire *q = c->q;
        const char *what = what_of(c, "grid", lead->id[0] ? lead->id : NULL);
        int gi = (int) q->ngrids++;
        enk_grid *g = &q->grids[gi];
        g->id = lead->id;
        g->loc = lead->loc;
        g->scale = -1;
        g->first = q->nquestions;
        c->grid_show_if[gi] = v[Q_SHOW_IF];

        if (v[Q_TEXT])
                get_text(c, v[Q_TEXT], &g->text, TK_QUESTION);
        if (v[Q_SCALE])
                g->scale = get_scale_ref(c, v[Q_SCALE]);
        else
                missing(c, m, "scale", what);
        /* The grid is not a question: its `required` and `area` are the
         * defaults of its items, its show_if applies to all of them. */
        bool required = false;
        if (v[Q_REQUIRED])
                get_bool(c, v[Q_REQUIRED], &required);
        int area = v[Q_AREA] ? get_area_ref(c, v[Q_AREA]) : -1;
        if (!v[Q_ITEMS]) {
                missing(c, m, "items", what);
                return;
        }
        const enk_yml_node *items = v[Q_ITEMS];
        if (!want_list(c, items))
                return;
        if (items->n < 1 || items->n > 20) {
                err(c, items, "expected 1 to 20 items, got %zu", items->n);
                if (items->n > 20)
                        return;
        }
        for (const enk_yml_node *it = items->first; it; it = it->next)
                parse_item(c, it, section, gi, v[Q_SHOW_IF], area, required);
        g->count = q->nquestions - g->first;
}

static void parse_question(struct ctx *c, const enk_yml_node *m, int section)
{
        enk_questionnaire *q = c->q;
        const enk_yml_node *v[Q_N];
        if (!want_map(c, m, "a question"))
                return;
        get_fields(c, m, question_keys, Q_N, v);
        const char *peek = peek_id(m);

        int type = -1;
        if (!v[Q_TYPE]) {
                missing(c, m, "type", what_of(c, "question", peek));
        } else if (v[Q_TYPE]->kind != ENK_YML_SCALAR || enk_yml_is_null(v[Q_TYPE])) {
                if (!v[Q_TYPE]->bad)
                        err(c, v[Q_TYPE], "expected a question type, got %s", got(c, v[Q_TYPE]));
        } else {
                for (int t = 0; t < NTYPES; t++)
                        if (!strcmp(v[Q_TYPE]->s, type_names[t]))
                                type = t;
                if (type < 0)
                        unknown(c, v[Q_TYPE], "question type", type_names, NTYPES);
        }

        if (type == TYPE_GRID) {
                /* A grid's id names the grid; its items are the questions. */
                enk_question lead = {.id = "", .loc = loc_node(c, m)};
                const char *what = what_of(c, "grid", peek);
                if (!v[Q_ID]) {
                        missing(c, m, "id", what);
                } else if ((lead.id = get_id(c, v[Q_ID]))) {
                        register_id(c, v[Q_ID], lead.id, ID_GRID, (int) q->ngrids);
                } else {
                        lead.id = "";
                }
                if (!v[Q_TEXT])
                        missing(c, m, "text", what);
                check_applicable(c, m, v, type_keys[TYPE_GRID], "a grid");
                if (q->ngrids < c->max_grids)
                        parse_grid(c, m, v, &lead, section);
                return;
        }

        enk_question *qn = new_question(c, m, section);
        if (!qn)
                return;
        size_t qi = (size_t) (qn - q->questions);
        struct qinfo *info = &c->qinfo[qi];
        const char *what = what_of(c, "question", peek);
        if (!v[Q_ID])
                missing(c, m, "id", what);
        else if ((qn->id = get_id(c, v[Q_ID])))
                register_id(c, v[Q_ID], qn->id, ID_QUESTION, (int) qi);
        if (!qn->id)
                qn->id = "";
        if (!v[Q_TEXT])
                missing(c, m, "text", what);
        parse_common(c, v, qn, info);
        if (type < 0) {
                qn->type = ENK_Q_TEXT;
                return;
        }
        qn->type = (enk_qtype) type;
        size_t errors = c->errors;
        char where[64];
        snprintf(where, sizeof(where), "a question of type '%s'", type_names[type]);
        check_applicable(c, m, v, type_keys[type], where);
        switch (qn->type) {
        case ENK_Q_SCALE:
                if (v[Q_SCALE])
                        qn->scale = get_scale_ref(c, v[Q_SCALE]);
                else
                        missing(c, m, "scale", what);
                break;
        case ENK_Q_SINGLE:
        case ENK_Q_MULTIPLE:
                if (v[Q_OPTIONS])
                        parse_options(c, v[Q_OPTIONS], qn);
                else
                        missing(c, m, "options", what);
                break;
        case ENK_Q_YESNO:
                break;
        case ENK_Q_NUMBER: {
                bool ok = true;
                if (!v[Q_MIN]) {
                        missing(c, m, "min", what);
                        ok = false;
                } else {
                        ok = get_int(c, v[Q_MIN], -ENK_NUMBER_LIMIT, ENK_NUMBER_LIMIT, &qn->min) &&
                             ok;
                }
                if (!v[Q_MAX]) {
                        missing(c, m, "max", what);
                        ok = false;
                } else {
                        ok = get_int(c, v[Q_MAX], -ENK_NUMBER_LIMIT, ENK_NUMBER_LIMIT, &qn->max) &&
                             ok;
                }
                if (ok && qn->min >= qn->max)
                        err(c, v[Q_MAX], "max %d is not greater than min %d", qn->max, qn->min);
                if (v[Q_UNIT])
                        get_text(c, v[Q_UNIT], &qn->unit, TK_UNIT);
                break;
        }
        case ENK_Q_TEXT: {
                qn->rows = 4;
                int32_t rows;
                if (v[Q_ROWS] && get_int(c, v[Q_ROWS], 1, 20, &rows))
                        qn->rows = (unsigned) rows;
                break;
        }
        }
        info->type_ok = c->errors == errors;
}

/* ------------------------------------------------------------------------ */
/* Sections.                                                                */

enum { SEC_ID, SEC_TITLE, SEC_INTRO, SEC_QUESTIONS, SEC_N };
static const char *const section_keys[SEC_N] = {"id", "title", "intro", "questions"};

static void parse_section(struct ctx *c, const enk_yml_node *m, int si)
{
        enk_questionnaire *q = c->q;
        enk_section *sec = &q->sections[si];
        const enk_yml_node *v[SEC_N];
        get_fields(c, m, section_keys, SEC_N, v);
        sec->loc = loc_node(c, m);
        sec->first = q->nquestions;
        const char *what = what_of(c, "section", peek_id(m));
        if (!v[SEC_ID]) {
                missing(c, m, "id", what);
        } else if ((sec->id = get_id(c, v[SEC_ID]))) {
                const struct ident *first =
                    idmap_put(c, &c->section_ids, sec->id, 0, si, v[SEC_ID]);
                if (first)
                        err(c, v[SEC_ID], "duplicate section id '%s' (first defined at %u:%u)",
                            sec->id, first->at->line, first->at->col);
        }
        if (!sec->id)
                sec->id = "";
        if (v[SEC_TITLE])
                get_text(c, v[SEC_TITLE], &sec->title, TK_TITLE);
        else
                missing(c, m, "title", what);
        if (v[SEC_INTRO])
                get_text(c, v[SEC_INTRO], &sec->intro, TK_INTRO);
        if (!v[SEC_QUESTIONS]) {
                missing(c, m, "questions", what);
        } else if (want_list(c, v[SEC_QUESTIONS])) {
                if (v[SEC_QUESTIONS]->n == 0)
                        err(c, v[SEC_QUESTIONS], "%s has no questions", what);
                for (const enk_yml_node *qn = v[SEC_QUESTIONS]->first; qn; qn = qn->next)
                        parse_question(c, qn, si);
        }
        sec->count = q->nquestions - sec->first;
}

/* ------------------------------------------------------------------------ */
/* References checked once every question is known: show_if and was.       */

/* The value of a show_if on question `on`, or false (reported). */
static bool condition_value(struct ctx *c, const enk_yml_node *n, const enk_question *on,
                            int32_t *out)
{
        const enk_questionnaire *q = c->q;
        if (n->bad)
                return false;
        if (n->kind != ENK_YML_SCALAR || enk_yml_is_null(n)) {
                err(c, n, "expected a value, got %s", got(c, n));
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
                snprintf(expected, sizeof(expected), "yes or no");
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
                if (is_int && scale_has(s, (int32_t) v)) {
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
        err(c, n, "'%s' is not a possible answer to question '%s' (expected %s)", show(c, n),
            on->id, expected);
        return false;
}

enum { C_QUESTION, C_EQUALS, C_IN, C_N };
static const char *const condition_keys[C_N] = {"question", "equals", "in"};

/* Resolves a show_if for the questions [first, first + count): the question it
 * names must come before first. Returns the condition, or NULL (reported). */
static const enk_condition *parse_condition(struct ctx *c, const enk_yml_node *m, size_t first,
                                            bool grid)
{
        enk_questionnaire *q = c->q;
        const enk_yml_node *v[C_N];
        if (!want_map(c, m, "a condition"))
                return NULL;
        get_fields(c, m, condition_keys, C_N, v);
        if (v[C_EQUALS] && v[C_IN])
                err(c, m, "show_if takes one of 'equals' and 'in', not both");
        else if (!v[C_EQUALS] && !v[C_IN])
                err(c, m, "show_if needs 'equals' or 'in'");
        if (!v[C_QUESTION]) {
                missing(c, m, "question", "show_if");
                return NULL;
        }
        const enk_yml_node *qn = v[C_QUESTION];
        if (qn->bad)
                return NULL;
        if (qn->kind != ENK_YML_SCALAR || enk_yml_is_null(qn)) {
                err(c, qn, "expected a question id, got %s", got(c, qn));
                return NULL;
        }
        const struct ident *id = idmap_get(&c->qids, qn->s);
        if (!id) {
                const char **names =
                    c->errors > SUGGEST_MAX_ERRORS
                        ? NULL
                        : enk_arena_array(&c->scratch, q->nquestions, sizeof(*names));
                for (size_t i = 0; names && i < q->nquestions; i++)
                        names[i] = q->questions[i].id;
                const char *hint =
                    names && qn->len <= ID_MAX ? closest(c, qn->s, names, q->nquestions) : NULL;
                if (hint)
                        err(c, qn, "show_if on unknown question '%s' (did you mean '%s'?)",
                            show(c, qn), hint);
                else
                        err(c, qn, "show_if on unknown question '%s'", show(c, qn));
                return NULL;
        }
        if (id->kind == ID_GRID) {
                err(c, qn, "show_if on grid '%s': name one of its items", id->id);
                return NULL;
        }
        const enk_question *on = &q->questions[id->index];
        if ((size_t) id->index >= first) {
                if ((size_t) id->index == first && !grid)
                        err(c, qn, "show_if on question '%s' itself", on->id);
                else
                        err(c, qn, "show_if on question '%s', which comes later (at %u:%u)", on->id,
                            on->loc.line, on->loc.column);
                return NULL;
        }
        if (on->type == ENK_Q_TEXT && c->qinfo[id->index].type_ok) {
                err(c, qn, "show_if on free-text question '%s'", on->id);
                return NULL;
        }
        if (!c->qinfo[id->index].type_ok)
                return NULL; /* its own errors are reported */
        if ((v[C_EQUALS] != NULL) == (v[C_IN] != NULL))
                return NULL;
        const enk_yml_node *values = v[C_EQUALS] ? v[C_EQUALS] : v[C_IN];
        if (v[C_IN]) {
                if (!want_list(c, values))
                        return NULL;
                if (values->n == 0) {
                        err(c, values, "expected a list of values, got an empty list");
                        return NULL;
                }
        }
        enk_condition *cond = enk_arena_alloc(c->model, sizeof(*cond));
        size_t n = v[C_IN] ? values->n : 1;
        int32_t *vals = enk_arena_array(c->model, n, sizeof(*vals));
        if (!cond || !vals)
                return NULL;
        cond->question = (size_t) id->index;
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

static void resolve_conditions(struct ctx *c)
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
static void check_was(struct ctx *c)
{
        enk_questionnaire *q = c->q;
        for (size_t i = 0; i < q->nquestions; i++) {
                const enk_yml_node *n = c->qinfo[i].was;
                if (!n)
                        continue;
                const enk_yml_node *w = n->kind == ENK_YML_LIST ? n->first : n;
                for (; w; w = n->kind == ENK_YML_LIST ? w->next : NULL) {
                        if (w->kind != ENK_YML_SCALAR || !valid_id(w->s, w->len))
                                continue;
                        const struct ident *cur = idmap_get(&c->qids, w->s);
                        if (cur && !(cur->kind == ID_QUESTION && (size_t) cur->index == i)) {
                                err(c, w,
                                    "'was' names '%s', the id of another question or grid in "
                                    "this edition (at %u:%u)",
                                    w->s, cur->at->line, cur->at->col);
                                continue;
                        }
                        const struct ident *prev =
                            idmap_put(c, &c->was_ids, w->s, ID_QUESTION, (int) i, w);
                        if (prev && (size_t) prev->index != i)
                                err(c, w,
                                    "'%s' is already named in 'was' of question '%s' (at %u:%u)",
                                    w->s, q->questions[prev->index].id, prev->at->line,
                                    prev->at->col);
                }
        }
}

static void check_areas(struct ctx *c)
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

static void parse_list(struct ctx *c, const enk_yml_node *n, void *array, size_t size,
                       size_t *count, const char *what,
                       void (*parse)(struct ctx *, const enk_yml_node *, void *, int))
{
        for (const enk_yml_node *it = n->first; it; it = it->next) {
                if (!want_map(c, it, what))
                        continue;
                parse(c, it, (char *) array + *count * size, (int) *count);
                (*count)++;
        }
}

static void parse_scale_v(struct ctx *c, const enk_yml_node *m, void *s, int i)
{
        parse_scale(c, m, s, i);
}

static void parse_area_v(struct ctx *c, const enk_yml_node *m, void *a, int i)
{
        parse_area(c, m, a, i);
}

static void parse_root(struct ctx *c, const enk_yml_node *root)
{
        enk_questionnaire *q = c->q;
        const enk_yml_node *v[T_N];
        int32_t edition;
        if (!root) {
                err_loc(c, loc_at(c, 1, 1), "empty file: expected a questionnaire");
                return;
        }
        if (!want_map(c, root, "a questionnaire"))
                return;
        get_fields(c, root, top_keys, T_N, v);
        const char *what = "the questionnaire";
        if (!v[T_SURVEY])
                missing(c, root, "survey", what);
        else
                q->survey = get_id(c, v[T_SURVEY]);
        if (!q->survey)
                q->survey = "";
        if (!v[T_EDITION])
                missing(c, root, "edition", what);
        else if (get_int(c, v[T_EDITION], 1990, 2100, &edition))
                q->edition = edition;
        if (!v[T_LANGUAGES])
                missing(c, root, "languages", what);
        else
                parse_languages(c, v[T_LANGUAGES]);
        if (!v[T_TITLE])
                missing(c, root, "title", what);
        else
                get_text(c, v[T_TITLE], &q->title, TK_TITLE);
        if (v[T_INTRO])
                get_text(c, v[T_INTRO], &q->intro, TK_INTRO);
        if (v[T_CLOSING])
                get_text(c, v[T_CLOSING], &q->closing, TK_CLOSING);

        if (v[T_SCALES] && want_list(c, v[T_SCALES])) {
                q->scales = enk_arena_array(c->model, v[T_SCALES]->n, sizeof(*q->scales));
                if (q->scales)
                        parse_list(c, v[T_SCALES], q->scales, sizeof(*q->scales), &q->nscales,
                                   "a scale", parse_scale_v);
        }
        if (v[T_AREAS] && want_list(c, v[T_AREAS])) {
                q->areas = enk_arena_array(c->model, v[T_AREAS]->n, sizeof(*q->areas));
                if (q->areas)
                        parse_list(c, v[T_AREAS], q->areas, sizeof(*q->areas), &q->nareas,
                                   "an area", parse_area_v);
        }

        if (!v[T_SECTIONS]) {
                missing(c, root, "sections", what);
                return;
        }
        const enk_yml_node *sections = v[T_SECTIONS];
        if (!want_list(c, sections))
                return;
        if (sections->n == 0) {
                err(c, sections, "expected at least one section, got an empty list");
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
                if (!want_map(c, s, "a section"))
                        continue;
                parse_section(c, s, (int) q->nsections++);
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
        struct ctx c = {.q = &doc->q, .model = &doc->arena, .diags = mine};
        enk_status st = ENK_OK;
        c.file = enk_arena_strndup(c.model, name, strlen(name));
        if (!c.file) {
                st = ENK_ERR_NOMEM;
                goto out;
        }
        doc->q.file = c.file;
        if (len > MAX_BYTES) {
                err_loc(&c, loc_at(&c, 0, 0), "file too large (more than %zu bytes)", MAX_BYTES);
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
                return scale_has(s, value);
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
