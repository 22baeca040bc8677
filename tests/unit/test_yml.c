/* tests/unit/test_yml.c - the YAML tree with places and the flat pair reader. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "survey/yml.h"
#include "tests/unit/check.h"

static enk_status count_pair(void *ctx, const char *key, const char *value, enk_loc loc)
{
        int *n = ctx;
        if (*n == 0) {
                CHECK_STR(key, "Kön");
                CHECK_STR(value, "gender");
                CHECK_INT(loc.line, 2);
                CHECK_INT(loc.column, 1);
        }
        (*n)++;
        return ENK_OK;
}

int main(void)
{
        /* A tree keeps every node's line and column, 1-based. */
        enk_arena a = {0};
        enk_diags *d = enk_diags_new(0);
        enk_yml_node *root = NULL;
        size_t errors = 0;
        const char *text = "survey: s\nlist:\n  - 1\n  - ~\n  - '2'\n";
        CHECK_INT(enk_yml_parse(text, strlen(text), "t.yaml", &a, &root, &errors, d), ENK_OK);
        CHECK_INT(errors, 0);
        CHECK(root && root->kind == ENK_YML_MAP && root->n == 2);
        const enk_yml_node *list = enk_yml_lookup(root, "list");
        CHECK(list && list->kind == ENK_YML_LIST && list->n == 3);
        CHECK_INT(list->first->line, 3);
        CHECK_INT(list->first->col, 5);
        long long v = 0;
        CHECK(enk_yml_int(list->first, &v) && v == 1);
        CHECK(enk_yml_is_null(list->first->next));
        CHECK(!enk_yml_int(list->first->next->next, &v)); /* quoted: a string */
        CHECK(enk_yml_lookup(root, "none") == NULL);

        /* Aliases are reported and the parse goes on; a second document stops it. */
        text = "a: &x 1\nb: *x\n";
        CHECK_INT(enk_yml_parse(text, strlen(text), "t.yaml", &a, &root, &errors, d), ENK_OK);
        CHECK_INT(errors, 2);
        CHECK_INT(enk_diags_count(d), 2);
        text = "a: 1\n---\nb: 2\n";
        CHECK_INT(enk_yml_parse(text, strlen(text), "t.yaml", &a, &root, &errors, d),
                  ENK_ERR_SYNTAX);
        text = "a: [1, 2\n";
        CHECK_INT(enk_yml_parse(text, strlen(text), "t.yaml", &a, &root, &errors, d),
                  ENK_ERR_SYNTAX);
        enk_arena_release(&a);
        enk_diags_free(d);

        /* A flat mapping file: one call per pair, at the key's place. */
        char path[] = "/tmp/test_yml.XXXXXX";
        int fd = mkstemp(path);
        CHECK(fd >= 0);
        const char *map = "# headers\nKön: gender\nÅlder: age\n";
        CHECK(write(fd, map, strlen(map)) == (ssize_t) strlen(map));
        close(fd);
        int n = 0;
        d = enk_diags_new(0);
        CHECK_INT(enk_yml_read_pairs(path, count_pair, &n, d), ENK_OK);
        CHECK_INT(n, 2);
        FILE *f = fopen(path, "w");
        fputs("Kön: [gender]\n", f);
        fclose(f);
        CHECK_INT(enk_yml_read_pairs(path, count_pair, &n, d), ENK_ERR_SYNTAX);
        CHECK_INT(enk_diags_count(d), 1);
        unlink(path);
        CHECK_INT(enk_yml_read_pairs(path, count_pair, &n, d), ENK_ERR_IO);
        enk_diags_free(d);
        return check_report();
}
