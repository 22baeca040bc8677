/* survey/yml.c - YAML text as a tree of nodes with their places (libyaml).
 *
 * libyaml's event parser drives a stack of open collections; each event that
 * makes a value becomes a node, attached to the collection on top of the
 * stack. A YAML syntax error stops the parse there, since what follows it has
 * no meaning; what libyaml accepts but we refuse (anchors, aliases, tags,
 * control characters) is reported at its place and the parse goes on, so that
 * the schema walk can still report everything else.
 *
 * This is the only module that uses libyaml.
 */
#include "survey/yml.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "survey/utf8.h"

/* ------------------------------------------------------------------------ */
/* Building the tree.                                                       */

struct build {
        enk_arena *arena;
        enk_diags *diags;
        const char *file;
        size_t *errors;
        size_t nnodes;
        enk_yml_node *stack[ENK_YML_MAX_DEPTH];
        size_t depth;
        enk_status st;
        bool done;
};

static enk_loc loc_at(const struct build *b, unsigned line, unsigned col)
{
        return (enk_loc){b->file, line, col};
}

/* libyaml counts from 0; people count from 1. */
static enk_loc loc_mark(const struct build *b, yaml_mark_t m)
{
        return loc_at(b, (unsigned) m.line + 1, (unsigned) m.column + 1);
}

__attribute__((format(printf, 3, 4))) static void err_loc(struct build *b, enk_loc loc,
                                                          const char *fmt, ...)
{
        va_list ap;
        (*b->errors)++;
        va_start(ap, fmt);
        enk_diags_addv(b->diags, ENK_SEV_ERROR, loc, NULL, fmt, ap);
        va_end(ap);
}

#define err(b, n, ...) err_loc((b), loc_at((b), (n)->line, (n)->col), __VA_ARGS__)

/* The excerpt of a NUL-terminated string from libyaml, in buf. */
static const char *excerpt(const yaml_char_t *s, char buf[ENK_UTF8_EXCERPT_SIZE])
{
        return enk_utf8_excerpt((const char *) s, strlen((const char *) s), buf,
                                ENK_UTF8_EXCERPT_SIZE);
}

static void syntax_error(struct build *b, const yaml_parser_t *p, const char *buf, size_t len)
{
        if (p->error == YAML_READER_ERROR) {
                /* The reader reports a byte offset, not a mark. */
                size_t end = p->problem_offset < len ? p->problem_offset : len;
                unsigned line = 1, col = 1;
                for (size_t i = 0; i < end; i++) {
                        if (buf[i] == '\n') {
                                line++;
                                col = 1;
                        } else if (((unsigned char) buf[i] & 0xC0) != 0x80) {
                                col++;
                        }
                }
                const char *problem = p->problem ? p->problem : "cannot read the text";
                if (p->problem_value >= 0)
                        err_loc(b, loc_at(b, line, col), "invalid YAML: %s (0x%02X)", problem,
                                (unsigned) p->problem_value);
                else
                        err_loc(b, loc_at(b, line, col), "invalid YAML: %s", problem);
                return;
        }
        const char *problem = p->problem ? p->problem : "cannot parse the text";
        if (p->context)
                err_loc(b, loc_mark(b, p->problem_mark),
                        "invalid YAML: %s (%s that started at %u:%u)", problem, p->context,
                        (unsigned) p->context_mark.line + 1, (unsigned) p->context_mark.column + 1);
        else
                err_loc(b, loc_mark(b, p->problem_mark), "invalid YAML: %s", problem);
}

/* Refuses anchors and tags: a questionnaire needs neither. */
static void check_props(struct build *b, enk_yml_node *n, const yaml_char_t *anchor,
                        const yaml_char_t *tag)
{
        char ex[ENK_UTF8_EXCERPT_SIZE];
        if (anchor)
                err(b, n, "YAML anchors ('&%s') are not supported: write the value out",
                    excerpt(anchor, ex));
        if (tag) {
                err(b, n, "YAML tags ('%s') are not supported", excerpt(tag, ex));
                n->bad = true; /* reported once: what it tags adds no more errors */
        }
}

/* Escapes ("\0", "\x01") can put control characters into a string. Our strings
 * end at the first NUL, and the forms and the workbook are XML, where other C0
 * controls are not allowed: refuse them all but tab, newline and return. */
static void check_controls(struct build *b, enk_yml_node *n)
{
        for (size_t i = 0; i < n->len; i++) {
                unsigned char ch = (unsigned char) n->s[i];
                if ((ch < 0x20 && ch != '\t' && ch != '\n' && ch != '\r') || ch == 0x7f) {
                        err(b, n, "a control character (0x%02X) is not allowed in a string", ch);
                        n->len = strlen(n->s);
                        n->bad = true;
                        return;
                }
        }
}

static enk_yml_node *new_node(struct build *b, enk_yml_kind kind, yaml_mark_t m)
{
        enk_yml_node *n = enk_arena_alloc(b->arena, sizeof(*n));
        if (n) {
                n->kind = kind;
                n->line = (unsigned) m.line + 1;
                n->col = (unsigned) m.column + 1;
                n->s = "";
        }
        return n;
}

static enk_yml_node *scalar_node(struct build *b, const yaml_event_t *e)
{
        enk_yml_node *n = new_node(b, ENK_YML_SCALAR, e->start_mark);
        if (!n)
                return NULL;
        n->s =
            enk_arena_strndup(b->arena, (const char *) e->data.scalar.value, e->data.scalar.length);
        n->len = e->data.scalar.length;
        n->plain = e->data.scalar.style == YAML_PLAIN_SCALAR_STYLE && !e->data.scalar.tag;
        if (!n->s)
                return NULL;
        check_controls(b, n);
        check_props(b, n, e->data.scalar.anchor, e->data.scalar.tag);
        return n;
}

/* The node an event makes, if any: *push says it opens a collection, *made
 * that the event makes a node (which is NULL when memory ran out). */
static enk_yml_node *event_node(struct build *b, const yaml_event_t *e, bool *push, bool *made)
{
        enk_yml_node *n = NULL;
        char ex[ENK_UTF8_EXCERPT_SIZE];
        *push = *made = false;
        switch (e->type) {
        case YAML_ALIAS_EVENT:
                *made = true;
                n = new_node(b, ENK_YML_SCALAR, e->start_mark);
                if (n) {
                        n->plain = true;
                        n->bad = true;
                        err(b, n, "YAML aliases ('*%s') are not supported: write the value out",
                            excerpt(e->data.alias.anchor, ex));
                }
                return n;
        case YAML_SCALAR_EVENT:
                *made = true;
                return scalar_node(b, e);
        case YAML_SEQUENCE_START_EVENT:
                *made = *push = true;
                n = new_node(b, ENK_YML_LIST, e->start_mark);
                if (n)
                        check_props(b, n, e->data.sequence_start.anchor,
                                    e->data.sequence_start.tag);
                return n;
        case YAML_MAPPING_START_EVENT:
                *made = *push = true;
                n = new_node(b, ENK_YML_MAP, e->start_mark);
                if (n)
                        check_props(b, n, e->data.mapping_start.anchor, e->data.mapping_start.tag);
                return n;
        default:
                return NULL;
        }
}

/* Hangs n under the open collection (or makes it the root) and opens it
 * when push; stops at the limits. */
static void attach(struct build *b, enk_yml_node *n, bool push, enk_yml_node **root)
{
        if (++b->nnodes > ENK_YML_MAX_NODES) {
                err(b, n, "too many YAML values (more than %d)", ENK_YML_MAX_NODES);
                b->st = ENK_ERR_SYNTAX;
                b->done = true;
                return;
        }
        if (push && b->depth == ENK_YML_MAX_DEPTH) {
                err(b, n, "YAML nested too deeply (more than %d levels)", ENK_YML_MAX_DEPTH);
                b->st = ENK_ERR_SYNTAX;
                b->done = true;
                return;
        }
        if (b->depth == 0) {
                *root = n;
        } else {
                enk_yml_node *parent = b->stack[b->depth - 1];
                if (parent->last)
                        parent->last->next = n;
                else
                        parent->first = n;
                parent->last = n;
                parent->n++;
        }
        if (push)
                b->stack[b->depth++] = n;
}

/* What an event that makes no node does to the parse. */
static void structure_event(struct build *b, const yaml_event_t *e, int *docs)
{
        switch (e->type) {
        case YAML_STREAM_END_EVENT:
                b->done = true;
                break;
        case YAML_DOCUMENT_START_EVENT:
                if (++*docs > 1) {
                        err_loc(b, loc_mark(b, e->start_mark),
                                "expected one YAML document, found a second one");
                        b->st = ENK_ERR_SYNTAX;
                        b->done = true;
                }
                break;
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT:
                if (b->depth > 0) {
                        b->depth--;
                        /* A mapping counted keys and values; it holds pairs. */
                        if (b->stack[b->depth]->kind == ENK_YML_MAP)
                                b->stack[b->depth]->n /= 2;
                }
                break;
        default:
                break;
        }
}

enk_status enk_yml_parse(const char *buf, size_t len, const char *file, enk_arena *arena,
                         enk_yml_node **root, size_t *errors, enk_diags *diags)
{
        yaml_parser_t p;
        struct build b = {.arena = arena, .diags = diags, .file = file, .errors = errors};
        int docs = 0;

        *root = NULL;
        if (!yaml_parser_initialize(&p))
                return ENK_ERR_NOMEM;
        yaml_parser_set_input_string(&p, (const unsigned char *) buf, len);
        while (!b.done) {
                yaml_event_t e;
                if (!yaml_parser_parse(&p, &e)) {
                        if (p.error == YAML_MEMORY_ERROR) {
                                b.st = ENK_ERR_NOMEM;
                        } else {
                                syntax_error(&b, &p, buf, len);
                                b.st = ENK_ERR_SYNTAX;
                        }
                        break;
                }
                bool push, made;
                enk_yml_node *n = event_node(&b, &e, &push, &made);
                if (!made) {
                        structure_event(&b, &e, &docs);
                } else if (!n) {
                        if (b.st == ENK_OK)
                                b.st = ENK_ERR_NOMEM;
                        b.done = true;
                } else {
                        attach(&b, n, push, root);
                }
                yaml_event_delete(&e);
        }
        yaml_parser_delete(&p);
        return b.st;
}

/* ------------------------------------------------------------------------ */
/* Reading nodes.                                                           */

bool enk_yml_is_null(const enk_yml_node *n)
{
        if (n->kind != ENK_YML_SCALAR || !n->plain)
                return false;
        return n->len == 0 || !strcmp(n->s, "~") || !strcmp(n->s, "null") ||
               !strcmp(n->s, "Null") || !strcmp(n->s, "NULL");
}

bool enk_yml_int(const enk_yml_node *n, long long *out)
{
        if (n->kind != ENK_YML_SCALAR || !n->plain || n->len == 0 || n->len > 20)
                return false;
        const char *s = n->s;
        if (*s == '+' || *s == '-')
                s++;
        if (!*s)
                return false;
        for (const char *p = s; *p; p++)
                if (*p < '0' || *p > '9')
                        return false;
        errno = 0;
        long long v = strtoll(n->s, NULL, 10);
        if (errno)
                return false;
        *out = v;
        return true;
}

const enk_yml_node *enk_yml_lookup(const enk_yml_node *m, const char *key)
{
        if (!m || m->kind != ENK_YML_MAP)
                return NULL;
        for (const enk_yml_node *k = m->first; k && k->next; k = k->next->next)
                if (k->kind == ENK_YML_SCALAR && !strcmp(k->s, key))
                        return k->next;
        return NULL;
}

/* ------------------------------------------------------------------------ */
/* Flat mappings.                                                           */

/* A mapping file (`column header: question id`, e.g. for enkat import --map) is
 * read here because this is the one module that uses libyaml. Events are
 * enough: the file is flat and each pair is handed over as it is read. */
enk_status enk_yml_read_pairs(const char *path, enk_yml_pair_fn fn, void *ctx, enk_diags *diags)
{
        if (!path || !fn)
                return ENK_ERR_USAGE;
        FILE *f = fopen(path, "rb");
        if (!f) {
                enk_error(diags, ((enk_loc){path, 0, 0}), "cannot read the file: %s",
                          strerror(errno));
                return ENK_ERR_IO;
        }
        yaml_parser_t p;
        yaml_event_t ev;
        enk_status st = ENK_OK;
        int depth = 0;    /* collections open */
        char *key = NULL; /* a key waiting for its value */
        enk_loc key_loc = {path, 0, 0};
        bool done = false;

        if (!yaml_parser_initialize(&p)) {
                fclose(f);
                return ENK_ERR_NOMEM;
        }
        yaml_parser_set_input_file(&p, f);
        while (!done) {
                if (!yaml_parser_parse(&p, &ev)) {
                        enk_error(diags,
                                  ((enk_loc){path, (unsigned) p.problem_mark.line + 1,
                                             (unsigned) p.problem_mark.column + 1}),
                                  "%s", p.problem ? p.problem : "invalid YAML");
                        st = ENK_ERR_SYNTAX;
                        break;
                }
                enk_loc here = {path, (unsigned) ev.start_mark.line + 1,
                                (unsigned) ev.start_mark.column + 1};
                switch (ev.type) {
                case YAML_STREAM_END_EVENT:
                        done = true;
                        break;
                case YAML_MAPPING_START_EVENT:
                case YAML_SEQUENCE_START_EVENT:
                        if (depth == 0 && ev.type == YAML_MAPPING_START_EVENT) {
                                depth++;
                                break;
                        }
                        enk_error(diags, here, "expected %s",
                                  depth == 0 ? "a mapping of column headers to question ids"
                                             : "a question id (text), not a list or mapping");
                        st = ENK_ERR_SYNTAX;
                        done = true;
                        break;
                case YAML_MAPPING_END_EVENT:
                        depth--;
                        break;
                case YAML_ALIAS_EVENT:
                        enk_error(diags, here, "aliases are not allowed here");
                        st = ENK_ERR_SYNTAX;
                        done = true;
                        break;
                case YAML_SCALAR_EVENT:
                        if (depth == 0) {
                                enk_error(diags, here,
                                          "expected a mapping of column headers to question ids");
                                st = ENK_ERR_SYNTAX;
                                done = true;
                        } else if (!key) {
                                key = strndup((const char *) ev.data.scalar.value,
                                              ev.data.scalar.length);
                                key_loc = here;
                                if (!key) {
                                        st = ENK_ERR_NOMEM;
                                        done = true;
                                }
                        } else {
                                enk_status r =
                                    fn(ctx, key, (const char *) ev.data.scalar.value, key_loc);
                                if (r != ENK_OK && st == ENK_OK)
                                        st = r;
                                free(key);
                                key = NULL;
                        }
                        break;
                default:
                        break;
                }
                yaml_event_delete(&ev);
        }
        free(key);
        yaml_parser_delete(&p);
        fclose(f);
        return st;
}
