/* tests/unit/test_report.c - the report workbook: success, determinism, failures leave no file.
 *
 * The workbook's contents (sheets, values, formats, charts) are read back by
 * an independent reader in tests/report/check_workbook.py; here the file-level
 * contract is checked: it is written whole or not at all, and the same figures
 * give the same bytes.
 */
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "analysis/report.h"
#include "analysis/report_internal.h"
#include "tests/report/fixture.h"
#include "tests/unit/check.h"

/* A pinned creation time: 2025-01-15 10:00:00 UTC. */
#define CREATED 1736935200LL

static char *slurp(const char *path, size_t *len)
{
        FILE *fp = fopen(path, "rb");
        if (!fp)
                return NULL;
        fseek(fp, 0, SEEK_END);
        long n = ftell(fp);
        fseek(fp, 0, SEEK_SET);
        char *buf = malloc(n > 0 ? (size_t) n : 1);
        if (buf && n > 0 && fread(buf, 1, (size_t) n, fp) != (size_t) n) {
                free(buf);
                buf = NULL;
        }
        fclose(fp);
        *len = (size_t) n;
        return buf;
}

static bool exists(const char *path)
{
        struct stat st;
        return stat(path, &st) == 0;
}

/* Number of entries in dir other than . and .., and whether any is a
 * temporary file of the report (".tmp-"). */
static int count_entries(const char *dir, bool *tmp_seen)
{
        DIR *d = opendir(dir);
        int n = 0;
        *tmp_seen = false;
        if (!d)
                return -1;
        struct dirent *e;
        while ((e = readdir(d))) {
                if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                        continue;
                n++;
                if (strstr(e->d_name, ".tmp-"))
                        *tmp_seen = true;
        }
        closedir(d);
        return n;
}

static bool same_file(const char *a, const char *b)
{
        size_t la = 0, lb = 0;
        char *x = slurp(a, &la), *y = slurp(b, &lb);
        bool same = x && y && la == lb && memcmp(x, y, la) == 0;
        free(x);
        free(y);
        return same;
}

static void test_write(const fixture *fx, const char *dir)
{
        char p1[512], p2[512], p3[512];
        snprintf(p1, sizeof p1, "%s/report.xlsx", dir);
        snprintf(p2, sizeof p2, "%s/again.xlsx", dir);
        snprintf(p3, sizeof p3, "%s/english.xlsx", dir);
        enk_report_options o = {.lang = "sv", .created = CREATED, .version = "0.1.0"};
        enk_diags *d = enk_diags_new(0);

        CHECK_INT(enk_report_write(&fx->f, &o, p1, d), ENK_OK);
        CHECK_INT(enk_diags_count(d), 0);
        CHECK(exists(p1));
        size_t len = 0;
        char *buf = slurp(p1, &len);
        CHECK(buf != NULL && len > 4 && memcmp(buf, "PK\x03\x04", 4) == 0);
        free(buf);

        /* determinism: the same figures and options, the same bytes */
        CHECK_INT(enk_report_write(&fx->f, &o, p2, d), ENK_OK);
        CHECK(same_file(p1, p2));

        /* another language is another workbook */
        o.lang = "en";
        CHECK_INT(enk_report_write(&fx->f, &o, p3, d), ENK_OK);
        CHECK(!same_file(p1, p3));

        /* a report does not replace a file of another kind (survey/outfile.h)
         * and leaves it as it was */
        FILE *fp = fopen(p2, "w");
        if (fp) {
                fputs("old", fp);
                fclose(fp);
        }
        o.lang = NULL; /* sv by default */
        CHECK_INT(enk_report_write(&fx->f, &o, p2, d), ENK_ERR_EXISTS);
        fp = fopen(p2, "r");
        char old[8] = "";
        if (fp) {
                CHECK(fgets(old, sizeof old, fp) != NULL);
                fclose(fp);
        }
        CHECK_STR(old, "old");
        /* but replaces an earlier workbook at the same path */
        CHECK_INT(rename(p3, p2), 0);
        CHECK_INT(enk_report_write(&fx->f, &o, p2, d), ENK_OK);
        CHECK(same_file(p1, p2));
        o.lang = "en";
        CHECK_INT(enk_report_write(&fx->f, &o, p3, d), ENK_OK);
        o.lang = NULL;
        enk_diags_free(d);
        d = enk_diags_new(0);

        /* a new file gets ordinary permissions, not mkstemp's 0600 */
        struct stat st;
        mode_t mask = umask(0);
        umask(mask);
        CHECK(stat(p1, &st) == 0 && (st.st_mode & 0777) == (0666 & ~mask));

        bool tmp_seen = true;
        CHECK_INT(count_entries(dir, &tmp_seen), 3);
        CHECK(!tmp_seen);
        enk_diags_free(d);
}

static void test_failures(const fixture *fx, const char *dir)
{
        enk_report_options o = {.created = CREATED};
        enk_diags *d = enk_diags_new(0);
        bool tmp_seen = true;
        int before = count_entries(dir, &tmp_seen);

        /* an unwritable place: an error naming the path, and no file */
        const char *bad = "/nonexistent-dir/x.xlsx";
        CHECK_INT(enk_report_write(&fx->f, &o, bad, d), ENK_ERR_IO);
        CHECK_INT(enk_diags_errors(d), 1);
        if (enk_diags_count(d) == 1) {
                const enk_diag *e = enk_diags_get(d, 0);
                CHECK_STR(e->file, bad);
                CHECK(strstr(e->message, "No such file or directory") != NULL);
                char *s = enk_diag_format(e);
                CHECK(s && strncmp(s, "/nonexistent-dir/x.xlsx: error: ", 32) == 0);
                free(s);
        }
        CHECK(!exists(bad));

        /* the rename fails late (the path is a directory): the temporary file,
         * fully written by then, is removed and the directory is untouched */
        char sub[512];
        snprintf(sub, sizeof sub, "%s/sub", dir);
        CHECK(mkdir(sub, 0755) == 0);
        enk_diags_free(d);
        d = enk_diags_new(0);
        CHECK_INT(enk_report_write(&fx->f, &o, sub, d), ENK_ERR_IO);
        CHECK_INT(enk_diags_errors(d), 1);
        if (enk_diags_count(d) == 1)
                CHECK_STR(enk_diags_get(d, 0)->file, sub);
        struct stat st;
        CHECK(stat(sub, &st) == 0 && S_ISDIR(st.st_mode));
        CHECK_INT(count_entries(dir, &tmp_seen), before + 1);
        CHECK(!tmp_seen);
        rmdir(sub);

        /* bad options fail before anything is created, and leave an existing
         * file alone */
        char keep[512];
        snprintf(keep, sizeof keep, "%s/report.xlsx", dir);
        size_t l1 = 0, l2 = 0;
        char *old = slurp(keep, &l1);
        enk_diags_free(d);
        d = enk_diags_new(0);
        o.lang = "fi";
        CHECK_INT(enk_report_write(&fx->f, &o, keep, d), ENK_ERR_USAGE);
        o.lang = "sv";
        o.unit = "Ydre";
        CHECK_INT(enk_report_write(&fx->f, &o, keep, d), ENK_ERR_NOTFOUND);
        CHECK_INT(enk_diags_errors(d), 2);
        if (enk_diags_count(d) == 2) {
                CHECK(strstr(enk_diags_get(d, 0)->message, "'fi'") != NULL);
                CHECK(strstr(enk_diags_get(d, 1)->message, "'Ydre'") != NULL);
        }
        char *now = slurp(keep, &l2);
        CHECK(old && now && l1 == l2 && memcmp(old, now, l1) == 0);
        free(old);
        free(now);

        /* a failure inside the workbook (a unit name longer than a cell
         * holds): nothing at the path, no temporary file */
        static char huge[40000];
        memset(huge, 'x', sizeof huge - 1);
        const char *units[2] = {huge, "Valdemarsvik"};
        enk_figures bad_units = fx->f;
        bad_units.units = units;
        char fresh[512];
        snprintf(fresh, sizeof fresh, "%s/fresh.xlsx", dir);
        o.unit = NULL;
        enk_diags_free(d);
        d = enk_diags_new(0);
        CHECK_INT(enk_report_write(&bad_units, &o, fresh, d), ENK_ERR_DATA);
        CHECK_INT(enk_diags_errors(d), 1);
        if (enk_diags_count(d) == 1) {
                CHECK_STR(enk_diags_get(d, 0)->file, fresh);
                CHECK(strstr(enk_diags_get(d, 0)->message, "32,767") != NULL);
        }
        CHECK(!exists(fresh));

        CHECK_INT(enk_report_write(NULL, &o, keep, d), ENK_ERR_USAGE);
        CHECK_INT(enk_report_write(&fx->f, &o, NULL, d), ENK_ERR_USAGE);
        CHECK_INT(enk_report_write(&fx->f, &o, "", NULL), ENK_ERR_IO);
        CHECK_INT(count_entries(dir, &tmp_seen), before);
        CHECK(!tmp_seen);
        enk_diags_free(d);
}

/* Edge shapes of the table: one unit (no comparison sheet), a selected unit,
 * one year only (no previous year), no rows at all. */
static void test_shapes(fixture *fx, const char *dir)
{
        char p[512];
        enk_report_options o = {.created = CREATED, .unit = "Valdemarsvik"};
        enk_diags *d = enk_diags_new(0);
        snprintf(p, sizeof p, "%s/unit.xlsx", dir);
        CHECK_INT(enk_report_write(&fx->f, &o, p, d), ENK_OK);
        o.unit = ENK_ALL_UNITS;
        CHECK_INT(enk_report_write(&fx->f, &o, p, d), ENK_OK);

        enk_figures one = fx->f;
        one.nunits = 1; /* Kinda only: its rows come first */
        one.nrows = FX_YEARS * FX_ITEMS;
        o.unit = NULL;
        CHECK_INT(enk_report_write(&one, &o, p, d), ENK_OK);

        enk_figures first = fx->f;
        first.year = 2022;
        first.nyears = 1;
        CHECK_INT(enk_report_write(&first, &o, p, d), ENK_OK);

        enk_figures empty = fx->f;
        empty.nrows = 0;
        empty.nwaves = 0;
        CHECK_INT(enk_report_write(&empty, &o, p, d), ENK_OK);
        CHECK_INT(enk_diags_count(d), 0);
        unlink(p);
        enk_diags_free(d);
}

int main(void)
{
        fixture fx;
        if (fixture_init(&fx) != 0) {
                printf("fixture: cannot build the questionnaire\n");
                fixture_release(&fx);
                return 1;
        }
        char dir[] = "/tmp/enkat-test-report-XXXXXX";
        if (!mkdtemp(dir)) {
                printf("cannot make a temporary directory\n");
                fixture_release(&fx);
                return 1;
        }
        test_write(&fx, dir);
        test_failures(&fx, dir);
        test_shapes(&fx, dir);

        const char *names[] = {"report.xlsx", "again.xlsx", "english.xlsx"};
        for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
                char p[512];
                snprintf(p, sizeof p, "%s/%s", dir, names[i]);
                unlink(p);
        }
        CHECK(rmdir(dir) == 0);
        fixture_release(&fx);
        return check_report();
}
