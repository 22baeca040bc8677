/* survey/questionnaire_values.c - reading one YAML value of a questionnaire.
 *
 * Part of the questionnaire loader (survey/questionnaire_internal.h): every
 * step of the schema walk reads its values through these functions, which
 * check the value's shape (an id, an integer, a boolean, a text in each
 * declared language), copy it into the model and report a wrong one at its
 * place with what was expected and, for an unknown name, a "did you mean".
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "survey/questionnaire_internal.h"

/* ------------------------------------------------------------------------ */
/* Diagnostics.                                                             */

enk_loc qs_loc_at(const struct qs_ctx *c, unsigned line, unsigned col)
{
        return (enk_loc){c->file, line, col};
}

enk_loc qs_loc_node(const struct qs_ctx *c, const enk_yml_node *n)
{
        return qs_loc_at(c, n->line, n->col);
}

void qs_err(struct qs_ctx *c, const enk_yml_node *n, const char *fmt, ...)
{
        va_list ap;
        c->errors++;
        va_start(ap, fmt);
        enk_diags_addv(c->diags, ENK_SEV_ERROR, qs_loc_node(c, n), NULL, fmt, ap);
        va_end(ap);
}

void qs_err_loc(struct qs_ctx *c, enk_loc loc, const char *fmt, ...)
{
        va_list ap;
        c->errors++;
        va_start(ap, fmt);
        enk_diags_addv(c->diags, ENK_SEV_ERROR, loc, NULL, fmt, ap);
        va_end(ap);
}

void qs_warn(struct qs_ctx *c, const enk_yml_node *n, const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        enk_diags_addv(c->diags, ENK_SEV_WARNING, qs_loc_node(c, n), NULL, fmt, ap);
        va_end(ap);
}

/* A printable excerpt of s for a message (survey/utf8.h), in scratch memory. */
static const char *excerpt(struct qs_ctx *c, const char *s, size_t len)
{
        char *out = enk_arena_alloc(&c->scratch, ENK_UTF8_EXCERPT_SIZE);
        if (!out)
                return "...";
        return enk_utf8_excerpt(s, len, out, ENK_UTF8_EXCERPT_SIZE);
}

const char *qs_show(struct qs_ctx *c, const enk_yml_node *n)
{
        return excerpt(c, n->s ? n->s : "", n->len);
}

/* "a quoted string " when a number or boolean was written in quotes, which makes
 * it a string in YAML: the message then says why '2020' is not an integer. */
static const char *quoted(const enk_yml_node *n)
{
        return n->kind == ENK_YML_SCALAR && !n->plain && !n->bad
                   ? enk_diag_text(ENK_MSGID("a quoted string "))
                   : "";
}

/* How a value that is not what was expected is described: "got a list". */
const char *qs_got(struct qs_ctx *c, const enk_yml_node *n)
{
        if (n->kind == ENK_YML_MAP)
                return enk_diag_text(ENK_MSGID("a mapping"));
        if (n->kind == ENK_YML_LIST)
                return enk_diag_text(ENK_MSGID("a list"));
        if (enk_yml_is_null(n))
                return enk_diag_text(ENK_MSGID("nothing"));
        const char *s = qs_show(c, n);
        size_t len = strlen(s) + 3;
        char *out = enk_arena_alloc(&c->scratch, len);
        if (!out)
                return enk_diag_text(ENK_MSGID("a value"));
        snprintf(out, len, "'%s'", s);
        return out;
}

/* ------------------------------------------------------------------------ */
/* Did you mean (survey/utf8.h).                                            */

/* The candidate closest to word when it is close enough to be a likely typo,
 * else NULL; none once there are many errors. */
const char *qs_closest(const struct qs_ctx *c, const char *word, const char *const *cands, size_t n)
{
        if (c->errors > SUGGEST_MAX_ERRORS)
                return NULL;
        return enk_utf8_closest(word, cands, n);
}

/* The words a message uses for a kind of thing ("scale"): alone, with its
 * id ("scale 'x'") and without ("a scale"), each a message id, so that a
 * language whose nouns change with their article (Swedish: "skalan 'x'",
 * "en skala") gets whole phrases. */
static const struct noun {
        const char *kind, *alone, *named, *some;
} nouns[] = {
    {"scale", ENK_MSGID("scale"), ENK_MSGID("scale '%s'"), ENK_MSGID("a scale")},
    {"area", ENK_MSGID("area"), ENK_MSGID("area '%s'"), ENK_MSGID("an area")},
    {"section", ENK_MSGID("section"), ENK_MSGID("section '%s'"), ENK_MSGID("a section")},
    {"grid", ENK_MSGID("grid"), ENK_MSGID("grid '%s'"), ENK_MSGID("a grid")},
    {"grid item", ENK_MSGID("grid item"), ENK_MSGID("grid item '%s'"), ENK_MSGID("a grid item")},
    {"question", ENK_MSGID("question"), ENK_MSGID("question '%s'"), ENK_MSGID("a question")},
    {"question type", ENK_MSGID("question type"), ENK_MSGID("question type '%s'"),
     ENK_MSGID("a question type")},
    {"key", ENK_MSGID("key"), ENK_MSGID("key '%s'"), ENK_MSGID("a key")},
};

static const struct noun *noun_of(const char *kind)
{
        for (size_t i = 0; i < sizeof(nouns) / sizeof(nouns[0]); i++)
                if (!strcmp(nouns[i].kind, kind))
                        return &nouns[i];
        return NULL;
}

const char *qs_noun(const char *kind)
{
        const struct noun *w = noun_of(kind);
        return w ? enk_diag_text(w->alone) : kind;
}

/* Reports "unknown WHAT 'word'", with a did-you-mean when one is close. */
void qs_unknown(struct qs_ctx *c, const enk_yml_node *n, const char *what, const char *const *cands,
                size_t ncands)
{
        what = qs_noun(what);
        const char *s = qs_show(c, n);
        const char *hint = n->len <= ID_MAX ? qs_closest(c, n->s, cands, ncands) : NULL;
        if (hint)
                qs_err(c, n, "unknown %s '%s' (did you mean '%s'?)", what, s, hint);
        else
                qs_err(c, n, "unknown %s '%s'", what, s);
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

const struct ident *qs_idmap_get(const struct idmap *m, const char *id)
{
        struct ident *s = idmap_slot(m, id);
        return s && s->id ? s : NULL;
}

/* Adds id unless it is there; returns the entry that was there first, or NULL
 * when id is new (or memory ran out, which the arena remembers). */
const struct ident *qs_idmap_put(struct qs_ctx *c, struct idmap *m, const char *id, int kind,
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
void qs_get_fields(struct qs_ctx *c, const enk_yml_node *m, const char *const *names, size_t nnames,
                   const enk_yml_node **vals)
{
        const enk_yml_node *keys[32] = {0};
        for (size_t i = 0; i < nnames; i++)
                vals[i] = NULL;
        for (const enk_yml_node *k = m->first; k && k->next; k = k->next->next) {
                if (k->kind != ENK_YML_SCALAR || k->bad) {
                        if (!k->bad)
                                qs_err(c, k, "expected a key, got %s", qs_got(c, k));
                        continue;
                }
                size_t i = 0;
                while (i < nnames && strcmp(names[i], k->s))
                        i++;
                if (i == nnames) {
                        qs_unknown(c, k, "key", names, nnames);
                        continue;
                }
                if (vals[i]) {
                        qs_err(c, k, "duplicate key '%s' (first at %u:%u)", names[i], keys[i]->line,
                               keys[i]->col);
                        continue;
                }
                vals[i] = k->next;
                keys[i] = k;
        }
}

void qs_missing(struct qs_ctx *c, const enk_yml_node *m, const char *key, const char *what)
{
        qs_err(c, m, "missing required key '%s' in %s", key, enk_diag_text(what));
}

bool qs_want_map(struct qs_ctx *c, const enk_yml_node *n, const char *what)
{
        if (n->kind == ENK_YML_MAP)
                return true;
        if (!n->bad)
                qs_err(c, n, "expected %s (a mapping), got %s", enk_diag_text(what), qs_got(c, n));
        return false;
}

bool qs_want_list(struct qs_ctx *c, const enk_yml_node *n)
{
        if (n->kind == ENK_YML_LIST)
                return true;
        if (!n->bad)
                qs_err(c, n, "expected a list, got %s", qs_got(c, n));
        return false;
}

/* An integer in [min, max] into *out. */
bool qs_get_int(struct qs_ctx *c, const enk_yml_node *n, long long min, long long max, int32_t *out)
{
        long long v;
        if (n->bad)
                return false;
        if (!enk_yml_int(n, &v)) {
                qs_err(c, n, "expected an integer, got %s%s", quoted(n), qs_got(c, n));
                return false;
        }
        if (v < min || v > max) {
                qs_err(c, n, "expected an integer from %lld to %lld, got %s", min, max,
                       qs_got(c, n));
                return false;
        }
        *out = (int32_t) v;
        return true;
}

bool qs_get_bool(struct qs_ctx *c, const enk_yml_node *n, bool *out)
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
        qs_err(c, n, "expected true or false, got %s%s", quoted(n), qs_got(c, n));
        return false;
}

bool qs_valid_id(const char *s, size_t len)
{
        if (len < 1 || len > ID_MAX || s[0] < 'a' || s[0] > 'z')
                return false;
        for (size_t i = 0; i < len; i++)
                if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
                        return false;
        return true;
}

/* An id, copied into the model; NULL (reported) when n is not one. */
const char *qs_get_id(struct qs_ctx *c, const enk_yml_node *n)
{
        if (n->bad)
                return NULL;
        if (n->kind != ENK_YML_SCALAR || enk_yml_is_null(n)) {
                qs_err(c, n, "expected an id, got %s", qs_got(c, n));
                return NULL;
        }
        if (!qs_valid_id(n->s, n->len)) {
                qs_err(
                    c, n,
                    "bad id '%s' (an id is 1 to 64 characters of a-z, 0-9 and _, starting with a "
                    "letter)",
                    qs_show(c, n));
                return NULL;
        }
        return enk_arena_strndup(c->model, n->s, n->len);
}

/* A non-empty string, copied into the model. */
static const char *get_string(struct qs_ctx *c, const enk_yml_node *n)
{
        if (n->bad)
                return NULL;
        if (n->kind != ENK_YML_SCALAR || enk_yml_is_null(n)) {
                qs_err(c, n, "expected a string, got %s", qs_got(c, n));
                return NULL;
        }
        if (n->len == 0) {
                qs_err(c, n, "expected a string, got an empty one");
                return NULL;
        }
        return enk_arena_strndup(c->model, n->s, n->len);
}

static const char *language_list(struct qs_ctx *c)
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

static const struct {
        const char *name;
        size_t max;
} text_kinds[] = {
    [TK_TITLE] = {"title", ENK_TEXT_TITLE_MAX},
    [TK_LABEL] = {"label", ENK_TEXT_LABEL_MAX},
    [TK_UNIT] = {"unit", ENK_TEXT_LABEL_MAX},
    [TK_QUESTION] = {"question text", ENK_TEXT_QUESTION_MAX},
    [TK_HELP] = {"help text", ENK_TEXT_HELP_MAX},
    [TK_PREDICATE] = {"predicate", ENK_TEXT_LABEL_MAX},
    [TK_INTRO] = {"intro", ENK_TEXT_LONG_MAX},
    [TK_CLOSING] = {"closing text", ENK_TEXT_LONG_MAX},
    [TK_DESCRIPTION] = {"description", ENK_TEXT_LONG_MAX},
};

/* One language's string of a text of kind k, copied into the model; NULL
 * after an error. A form lays out every text it is given, so a text beyond
 * its kind's limit is refused here rather than slowly there. */
static const char *text_string(struct qs_ctx *c, const enk_yml_node *n, enum tkind k)
{
        const char *s = get_string(c, n);
        if (!s)
                return NULL;
        size_t count = enk_utf8_chars(n->s, n->len);
        if (count > text_kinds[k].max) {
                qs_err(c, n, "%s too long: %zu characters (the limit is %zu)", text_kinds[k].name,
                       count, text_kinds[k].max);
                return NULL;
        }
        return s;
}

/* A text: a mapping from each declared language to a string, or a plain string
 * when one language is declared. When the languages themselves are broken only
 * the shape is checked. When at is not NULL, at[i] is set to the node of
 * language i's string (NULL when there is none), for messages about it. */
void qs_get_text_at(struct qs_ctx *c, const enk_yml_node *n, enk_text *t, enum tkind kind,
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
                        qs_err(c, n, "expected a text in every language (%s), got a plain string",
                               language_list(c));
                }
                return;
        }
        if (n->kind != ENK_YML_MAP) {
                qs_err(c, n, "expected a text (a mapping from language to string), got %s",
                       qs_got(c, n));
                return;
        }
        const enk_yml_node *seen[ENK_LANG_MAX] = {0};
        for (const enk_yml_node *k = n->first; k && k->next; k = k->next->next) {
                if (k->kind != ENK_YML_SCALAR || enk_yml_is_null(k)) {
                        if (!k->bad)
                                qs_err(c, k, "expected a language code, got %s", qs_got(c, k));
                        continue;
                }
                if (!c->langs_ok) {
                        text_string(c, k->next, kind);
                        continue;
                }
                int li = enk_questionnaire_lang(q, k->s);
                if (li < 0) {
                        qs_err(c, k, "undeclared language '%s' in a text (the languages are %s)",
                               qs_show(c, k), language_list(c));
                        continue;
                }
                if (seen[li]) {
                        qs_err(c, k, "duplicate key '%s' (first at %u:%u)", q->languages[li],
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
                                qs_err(c, n, "missing text in language '%s'", q->languages[i]);
}

void qs_get_text(struct qs_ctx *c, const enk_yml_node *n, enk_text *t, enum tkind kind)
{
        qs_get_text_at(c, n, t, kind, NULL);
}

/* "scale 'x'" or "a scale" for messages. */
const char *qs_what_of(struct qs_ctx *c, const char *kind, const char *id)
{
        const struct noun *w = noun_of(kind);
        if (w) {
                const char *f = enk_diag_text(id && *id ? w->named : w->some);
                size_t len = strlen(f) + (id ? strlen(id) : 0) + 1;
                char *out = enk_arena_alloc(&c->scratch, len);
                if (!out)
                        return kind;
                snprintf(out, len, f, id && *id ? id : "");
                return out;
        }
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

const char *qs_peek_id(const enk_yml_node *m)
{
        if (m->kind != ENK_YML_MAP)
                return NULL;
        for (const enk_yml_node *k = m->first; k && k->next; k = k->next->next)
                if (k->kind == ENK_YML_SCALAR && !strcmp(k->s, "id") &&
                    k->next->kind == ENK_YML_SCALAR && qs_valid_id(k->next->s, k->next->len))
                        return k->next->s;
        return NULL;
}

/* The index of the scale or area n names. base, stride and count describe the
 * array of scales or areas (whose first member is the id), read only to suggest
 * a name when n names none. */
static int get_ref(struct qs_ctx *c, const enk_yml_node *n, const struct idmap *ids,
                   const char *what, const void *base, size_t stride, size_t count)
{
        if (n->bad)
                return -1;
        if (n->kind != ENK_YML_SCALAR || enk_yml_is_null(n)) {
                qs_err(c, n, "expected %s id, got %s", qs_noun(what), qs_got(c, n));
                return -1;
        }
        const struct ident *id = qs_idmap_get(ids, n->s);
        if (!id) {
                const char **names = c->errors > SUGGEST_MAX_ERRORS
                                         ? NULL
                                         : enk_arena_array(&c->scratch, count, sizeof(*names));
                for (size_t i = 0; names && i < count; i++)
                        names[i] = *(const char *const *) ((const char *) base + i * stride);
                qs_unknown(c, n, what, names, names ? count : 0);
                return -1;
        }
        return id->index;
}

int qs_get_scale_ref(struct qs_ctx *c, const enk_yml_node *n)
{
        _Static_assert(offsetof(enk_scale, id) == 0, "get_ref reads the id first");
        return get_ref(c, n, &c->scale_ids, "scale", c->q->scales, sizeof(enk_scale),
                       c->q->nscales);
}

int qs_get_area_ref(struct qs_ctx *c, const enk_yml_node *n)
{
        _Static_assert(offsetof(enk_area, id) == 0, "get_ref reads the id first");
        return get_ref(c, n, &c->area_ids, "area", c->q->areas, sizeof(enk_area), c->q->nareas);
}

/* Registers a question or grid id; reports a duplicate. */
void qs_register_id(struct qs_ctx *c, const enk_yml_node *n, const char *id, int kind, int index)
{
        const struct ident *first = qs_idmap_put(c, &c->qids, id, kind, index, n);
        if (first)
                qs_err(c, n, "duplicate %s id '%s' (first defined at %u:%u)",
                       qs_noun(kind == ID_GRID ? "grid" : "question"), id, first->at->line,
                       first->at->col);
}
