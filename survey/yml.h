/* survey/yml.h - YAML text as a tree of nodes with their places (libyaml).
 *
 * The questionnaire loader walks a small tree of our own rather than libyaml's
 * event stream: keys may come in any order and references are checked once
 * everything is known. Each node keeps the 1-based line and column where it
 * starts, so that every message can point at its place. Mapping files
 * (`column header: question id`) are read flat, one pair at a time.
 *
 * This is the only module that uses libyaml; its types never leave yml.c. (It
 * is yml, not yaml: survey/yaml.h would hide libyaml's own <yaml.h>.)
 *
 * Refused while building a tree, each reported at its place: anchors, aliases
 * and tags (a questionnaire never needs them, and aliases are how a small YAML
 * file expands into a huge one), control characters other than tab, newline
 * and return in strings (escapes such as "\0" can write them), a second
 * document, more than ENK_YML_MAX_NODES values, nesting deeper than
 * ENK_YML_MAX_DEPTH.
 */
#ifndef ENK_YML_H
#define ENK_YML_H

#include <stdbool.h>
#include <stddef.h>

#include "survey/arena.h"
#include "survey/diag.h"

#define ENK_YML_MAX_DEPTH 64
#define ENK_YML_MAX_NODES 200000

typedef enum enk_yml_kind {
        ENK_YML_SCALAR,
        ENK_YML_LIST,
        ENK_YML_MAP,
} enk_yml_kind;

/* A node. A list's items and a mapping's keys and values are its children, in
 * file order, linked by next (a mapping alternates key, value, key, ...). */
typedef struct enk_yml_node {
        enk_yml_kind kind;
        bool plain;         /* a plain scalar: may be a number, a boolean or null */
        bool bad;           /* stands in for something already reported (an alias) */
        unsigned line, col; /* where it starts, 1-based */
        const char *s;      /* scalar text, NUL-terminated ("" for collections) */
        size_t len;         /* bytes of s */
        struct enk_yml_node *first, *last, *next;
        size_t n; /* items of a list, pairs of a mapping */
} enk_yml_node;

/* Parses the len bytes at buf (valid while the tree is used; need not be
 * NUL-terminated) into a tree allocated in arena, and stores its root in
 * *root (NULL for an empty stream). file names the text in diagnostics and is
 * borrowed. Returns ENK_OK, also when problems that do not stop the parse were
 * reported (anchors, aliases, tags, control characters; their nodes are bad):
 * *errors is increased by the number of errors appended to diags. Returns
 * ENK_ERR_SYNTAX after a syntax error or a limit (reported; the tree is then
 * incomplete) and ENK_ERR_NOMEM when memory ran out. */
enk_status enk_yml_parse(const char *buf, size_t len, const char *file, enk_arena *arena,
                         enk_yml_node **root, size_t *errors, enk_diags *diags);

/* Whether n is a plain null ("", "~", "null", "Null", "NULL"). */
bool enk_yml_is_null(const enk_yml_node *n);

/* Whether n is a plain integer scalar (optional sign, decimal digits, fitting
 * a long long); its value in *out. */
bool enk_yml_int(const enk_yml_node *n, long long *out);

/* The value of the first scalar key equal to key in mapping m, or NULL (also
 * when m is NULL or not a mapping). */
const enk_yml_node *enk_yml_lookup(const enk_yml_node *m, const char *key);

/* Called once per `key: value` pair of a flat mapping file, in file order;
 * loc is the key's place. A status other than ENK_OK is remembered (the first
 * one is returned) but reading goes on, so that every pair is seen. */
typedef enk_status (*enk_yml_pair_fn)(void *ctx, const char *key, const char *value, enk_loc loc);

/* Reads the YAML file at path, which must be one flat mapping of text keys to
 * text values (e.g. an import's `column header: question id` mapping), and
 * calls fn for every pair. YAML syntax errors, a document that is not a
 * mapping, and values that are lists or mappings go to diags with their
 * file:line:column and return ENK_ERR_SYNTAX; an unreadable file ENK_ERR_IO. */
enk_status enk_yml_read_pairs(const char *path, enk_yml_pair_fn fn, void *ctx, enk_diags *diags);

#endif
