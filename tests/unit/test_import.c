/* tests/unit/test_import.c - the batch import: editions, manifests, duplicates, checks, all or
 * nothing.
 *
 * Runs enk_import_run() on the example questionnaires and data files
 * (examples/, run from the repository root) against stores in a temporary
 * directory. Expected counts are the example files' own: norra-2020.csv has
 * 131 data rows (wc -l less the header), norra-2019.csv 141.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "survey/import.h"
#include "tests/unit/check.h"

static char dir[] = "/tmp/test_import.XXXXXX";
static const char *const q2020[] = {"examples/familjehem.yaml"};
static const char *const qboth[] = {"examples/familjehem-2014.yaml", "examples/familjehem.yaml"};

/* Every diagnostic shown, in order, as "SEVERITY|MESSAGE" lines. */
static char shown[65536];
static size_t nlists;

static void on_diags(void *ctx, const enk_diags *d)
{
        (void) ctx;
        nlists++;
        for (size_t i = 0; i < enk_diags_count(d); i++) {
                const enk_diag *g = enk_diags_get(d, i);
                size_t len = strlen(shown);
                snprintf(shown + len, sizeof(shown) - len, "%s|%s\n",
                         g->severity == ENK_SEV_ERROR ? "error" : "other", g->message);
                /* and where each error is, on a line of its own */
                len = strlen(shown);
                if (g->severity == ENK_SEV_ERROR && g->file)
                        snprintf(shown + len, sizeof(shown) - len, "at|%s:%u:%u:\n", g->file,
                                 g->line, g->column);
        }
}

static size_t progress_calls;

static void on_progress(void *ctx, size_t file, size_t nfiles, const char *path, uint64_t done,
                        uint64_t total)
{
        (void) ctx;
        (void) path;
        if (file < nfiles && done <= total)
                progress_calls++;
}

static const enk_import_handlers handlers = {on_diags, on_progress, NULL};

static char *path_in(const char *name)
{
        static char buf[8][512];
        static int k;
        k = (k + 1) % 8;
        snprintf(buf[k], sizeof(buf[k]), "%s/%s", dir, name);
        return buf[k];
}

static void write_file(const char *path, const char *text)
{
        FILE *fp = fopen(path, "w");
        fputs(text, fp);
        fclose(fp);
}

/* A single-file import into db of file for unit x year. */
static enk_import_opts single(const char *db, const char *file, const char *unit, int year)
{
        return (enk_import_opts){.db = db,
                                 .questionnaires = q2020,
                                 .nquestionnaires = 1,
                                 .file = file,
                                 .unit = unit,
                                 .year = year,
                                 .sent = -1,
                                 .source = ENK_SOURCE_IMPORT};
}

static enk_status run(const enk_import_opts *o, enk_import_result *res)
{
        shown[0] = '\0';
        nlists = 0;
        return enk_import_run(o, &handlers, res);
}

/* The responses of unit x year in the store at db, -1 when no such wave. */
struct count {
        int64_t responses;
};

static enk_status add_count(void *ctx, const enk_store_wave_info *w)
{
        struct count *c = ctx;
        c->responses = (c->responses < 0 ? 0 : c->responses) + w->responses;
        return ENK_OK;
}

static int64_t responses(const char *db, const char *unit, int year)
{
        enk_store *s = NULL;
        struct count c = {-1};
        enk_store_filter f = {.year = year};
        if (enk_store_open(db, ENK_STORE_READONLY, &s, NULL) == ENK_OK &&
            enk_store_find_unit(s, unit, &f.unit_id, NULL) == ENK_OK)
                enk_store_waves(s, &f, add_count, &c, NULL);
        enk_store_free(s);
        return c.responses;
}

static void test_single_and_twice(void)
{
        const char *db = path_in("a.db");
        enk_import_result res;
        enk_import_opts o = single(db, "examples/data/norra-2020.csv", "Norra", 2020);
        CHECK_INT(run(&o, &res), ENK_OK);
        CHECK_INT(res.files, 1);
        CHECK_INT(res.units, 1);
        CHECK_INT(res.years, 1);
        CHECK_INT(res.responses, 131);
        CHECK_INT(res.errors, 0);
        CHECK(progress_calls > 0);
        enk_import_result_release(&res);
        CHECK_INT(responses(db, "Norra", 2020), 131);

        /* the same file again: refused, nothing changes */
        CHECK_INT(run(&o, &res), ENK_ERR_DATA);
        CHECK_INT(res.errors, 1);
        CHECK(strstr(shown, "error|already imported into Norra 2020 (use --replace") != NULL);
        enk_import_result_release(&res);
        CHECK_INT(responses(db, "Norra", 2020), 131);

        /* with replace: the earlier import is taken out first */
        o.replace = true;
        CHECK_INT(run(&o, &res), ENK_OK);
        CHECK_INT(res.responses, 131);
        enk_import_result_release(&res);
        CHECK_INT(responses(db, "Norra", 2020), 131);

        /* the same file into another wave: a warning, repeated as a note */
        o = single(db, "examples/data/norra-2020.csv", "Annan", 2020);
        o.en = true;
        CHECK_INT(run(&o, &res), ENK_OK);
        CHECK_INT(res.warnings, 1);
        CHECK_INT(res.nnotes, 1);
        if (res.nnotes)
                CHECK(strstr(res.notes[0],
                             "examples/data/norra-2020.csv: the same file "
                             "(examples/data/norra-2020.csv) was imported into Norra 2020") ==
                      res.notes[0]);
        enk_import_result_release(&res);
}

static void test_dry_run(void)
{
        const char *db = path_in("dry.db");
        enk_import_result res;
        enk_import_opts o = single(db, "examples/data/norra-2020.csv", "Norra", 2020);
        o.dry_run = true;
        CHECK_INT(run(&o, &res), ENK_OK);
        CHECK_INT(res.responses, 131);
        enk_import_result_release(&res);
        struct stat sb;
        CHECK(stat(db, &sb) != 0); /* a dry run creates no store */

        /* A large file: the progress moves as it is read (no rows go to the
         * store's thread, so the progress goes on its own), not only at its
         * end: 30,000 rows are about 1 MB, read in pieces of 64 KiB. */
        const char *big = path_in("big.csv");
        FILE *fp = fopen(big, "w");
        CHECK(fp != NULL);
        if (!fp)
                return;
        fputs("respondent,date,hemtyp,ar_som_familjehem,antal_placerade,har_skolbarn,"
              "stod_nojd,helhet_nojd\n",
              fp);
        for (int i = 0; i < 30000; i++)
                fprintf(fp, "R%05d,2020-05-01,1,3,1,0,4,5\n", i);
        fclose(fp);
        o = single(db, big, "Norra", 2020);
        o.dry_run = true;
        progress_calls = 0;
        CHECK_INT(run(&o, &res), ENK_OK);
        CHECK_INT(res.responses, 30000);
        enk_import_result_release(&res);
        CHECK(progress_calls >= 10);
        unlink(big);
}

static void test_sent_below_responses(void)
{
        const char *db = path_in("sent.db");
        enk_import_result res;
        enk_import_opts o = single(db, "examples/data/norra-2020.csv", "Norra", 2020);
        o.sent = 50;
        CHECK_INT(run(&o, &res), ENK_ERR_DATA);
        CHECK_INT(res.errors, 1);
        CHECK(strstr(shown, "error|50 utskickade enkäter, men Norra 2020 har 131 svar") != NULL);
        enk_import_result_release(&res);
        CHECK_INT(responses(db, "Norra", 2020), -1);
}

/* A manifest: each file its edition, and one bad row makes nothing stored. */
static void test_manifest(void)
{
        const char *db = path_in("m.db");
        const char *man = path_in("manifest.csv");
        char text[2048];
        snprintf(text, sizeof(text),
                 "unit,year,sent,file\n"
                 "Norra,2019,,%s/examples/data/norra-2019.csv\n"
                 "Norra,2020,200,%s/examples/data/norra-2020.csv\n",
                 getenv("PWD") ? getenv("PWD") : ".", getenv("PWD") ? getenv("PWD") : ".");
        write_file(man, text);
        enk_import_result res;
        enk_import_opts o = {.db = db,
                             .questionnaires = qboth,
                             .nquestionnaires = 2,
                             .manifest = man,
                             .sent = -1,
                             .source = ENK_SOURCE_IMPORT};
        CHECK_INT(run(&o, &res), ENK_OK);
        CHECK_INT(res.files, 2);
        CHECK_INT(res.units, 1);
        CHECK_INT(res.years, 2);
        CHECK_INT(res.responses, 141 + 131);
        enk_import_result_release(&res);
        CHECK_INT(responses(db, "Norra", 2019), 141);

        /* an edition nobody gave: stopped before any file is read */
        const char *db2 = path_in("m2.db");
        write_file(man, "unit,year,file,edition\nSodra,2020,x.csv,2017\n");
        o.db = db2;
        CHECK_INT(run(&o, &res), ENK_ERR_NOTFOUND);
        CHECK_INT(res.errors, 0);
        CHECK(strstr(shown, "error|no questionnaire of edition 2017 given (--questionnaire)") !=
              NULL);
        enk_import_result_release(&res);

        /* a manifest without a file column, and one with a bad year */
        write_file(man, "unit,year\nSodra,2020\n");
        CHECK(run(&o, &res) != ENK_OK);
        CHECK(strstr(shown, "error|manifest has no column 'file'") != NULL);
        enk_import_result_release(&res);
        write_file(man, "unit,year,file\nSodra,1989,x.csv\n");
        CHECK(run(&o, &res) != ENK_OK);
        CHECK(strstr(shown, "error|year '1989' is not a year in 1990-2100") != NULL);
        enk_import_result_release(&res);

        /* one good file and one missing: all or nothing */
        snprintf(text, sizeof(text),
                 "unit,year,file\n"
                 "Sodra,2020,%s/examples/data/sodra-2020.csv\n"
                 "Sodra,2019,no-such-file.csv\n",
                 getenv("PWD") ? getenv("PWD") : ".");
        write_file(man, text);
        CHECK_INT(run(&o, &res), ENK_ERR_DATA);
        CHECK_INT(res.errors, 1);
        CHECK_INT(nlists, 1); /* only the missing file has a list to show */
        enk_import_result_release(&res);
        CHECK_INT(responses(db2, "Sodra", 2020), -1);
}

/* The same content twice in one run: a warning that names it. */
static void test_same_content(void)
{
        const char *db = path_in("s.db");
        const char *man = path_in("twice.csv");
        char text[2048];
        const char *pwd = getenv("PWD") ? getenv("PWD") : ".";
        snprintf(text, sizeof(text),
                 "unit,year,file\n"
                 "Norra,2020,%s/examples/data/norra-2020.csv\n"
                 "Sodra,2020,%s/examples/data/norra-2020.csv\n",
                 pwd, pwd);
        write_file(man, text);
        enk_import_result res;
        enk_import_opts o = {.db = db,
                             .questionnaires = q2020,
                             .nquestionnaires = 1,
                             .manifest = man,
                             .sent = -1,
                             .source = ENK_SOURCE_IMPORT,
                             .en = true};
        CHECK_INT(run(&o, &res), ENK_OK);
        CHECK_INT(res.units, 2);
        CHECK(strstr(shown, "other|the same content as another file of this import") != NULL);
        enk_import_result_release(&res);
}

/* Many files in one transaction, the last with one bad cell: nothing of the
 * files before it is stored, and the error names its file, row and column. */
static void test_many_last_fails(void)
{
        const char *db = path_in("many.db");
        const char *man = path_in("many.csv");
        const char *bad = path_in("bad.csv");
        const char *pwd = getenv("PWD") ? getenv("PWD") : ".";
        /* the required columns, and "7x" as hemtyp (column 3) on line 3 */
        write_file(bad, "respondent,date,hemtyp,har_skolbarn,stod_nojd,helhet_nojd\n"
                        "R0001,2020-09-16,1,0,4,5\n"
                        "R0002,2020-09-17,7x,0,4,5\n");
        static char text[65536];
        size_t len = (size_t) snprintf(text, sizeof(text), "unit,year,file\n");
        enum { NGOOD = 60 };
        for (int i = 1; i <= NGOOD; i++)
                len +=
                    (size_t) snprintf(text + len, sizeof(text) - len,
                                      "Enhet %02d,2020,%s/examples/data/norra-2020.csv\n", i, pwd);
        snprintf(text + len, sizeof(text) - len, "Enhet 99,2020,%s\n", bad);
        write_file(man, text);
        enk_import_result res;
        enk_import_opts o = {.db = db,
                             .questionnaires = q2020,
                             .nquestionnaires = 1,
                             .manifest = man,
                             .sent = -1,
                             .source = ENK_SOURCE_IMPORT,
                             .en = true};
        CHECK_INT(run(&o, &res), ENK_ERR_DATA);
        CHECK_INT(res.errors, 1);
        CHECK(strstr(shown, "error|unknown option '7x' (expected 1..3 or a label)") != NULL);
        char at[600];
        snprintf(at, sizeof(at), "at|%s:3:3:\n", bad);
        CHECK(strstr(shown, at) != NULL);
        enk_import_result_release(&res);
        CHECK_INT(responses(db, "Enhet 01", 2020), -1);
        CHECK_INT(responses(db, "Enhet 60", 2020), -1);

        /* the same store then takes the good files whole */
        snprintf(text + len, sizeof(text) - len, "%s", "");
        write_file(man, text);
        CHECK_INT(run(&o, &res), ENK_OK);
        CHECK_INT(res.responses, NGOOD * 131);
        enk_import_result_release(&res);
        CHECK_INT(responses(db, "Enhet 01", 2020), 131);
        CHECK_INT(responses(db, "Enhet 60", 2020), 131);
}

int main(void)
{
        if (!mkdtemp(dir)) {
                perror("mkdtemp");
                return 1;
        }
        test_single_and_twice();
        test_dry_run();
        test_sent_below_responses();
        test_manifest();
        test_same_content();
        test_many_last_fails();
        char cmd[600];
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
        if (system(cmd) != 0)
                printf("could not remove %s\n", dir);
        return check_report();
}
