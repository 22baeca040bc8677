/* tests/unit/test_store.c - the response store: opening, schema checks, editions, waves,
 * imports, responses, scans, the answers_long view, transactions and locks; access codes,
 * drafts, web submissions, secrets and the migration from schema 1.
 *
 * The test talks to the store file with SQLite directly as well (a second
 * connection): to make foreign and too-new databases, to hold a write lock, and
 * to read what the store wrote without going through the store's own reader.
 * Expected values are the answers the test itself put in, never read back from
 * the code under test.
 */
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "survey/codes.h"
#include "survey/hash.h"
#include "survey/store.h"
#include "tests/unit/response_fixture.h"
#include "tests/unit/check.h"

/* Slots, in file order: 0 nojd (scale 1-5, NA code 9), 1 typ (single 1/2),
 * 2 utb (multiple 1, 2, 30), 3 skolbarn (yesno), 4 antal (number -10..1000000),
 * 5 forslag (text). */
static const char yaml_a[] = "survey: familjehem\n"
                             "edition: 2020\n"
                             "languages: [sv]\n"
                             "title: Enkät\n"
                             "scales:\n"
                             "  - id: fem\n"
                             "    points:\n"
                             "      - {value: 1, label: Inte alls}\n"
                             "      - {value: 2, label: Lite}\n"
                             "      - {value: 3, label: Delvis}\n"
                             "      - {value: 4, label: Mycket}\n"
                             "      - {value: 5, label: Helt}\n"
                             "    positive: [4, 5]\n"
                             "    not_applicable: {code: 9, label: Vet ej}\n"
                             "areas:\n"
                             "  - id: stod\n"
                             "    label: Stöd\n"
                             "sections:\n"
                             "  - id: s1\n"
                             "    title: Allmänt\n"
                             "    questions:\n"
                             "      - id: nojd\n"
                             "        type: scale\n"
                             "        scale: fem\n"
                             "        area: stod\n"
                             "        headline: true\n"
                             "        text: Nöjd?\n"
                             "      - id: typ\n"
                             "        type: single\n"
                             "        text: Typ?\n"
                             "        options:\n"
                             "          - {value: 1, label: Familjehem}\n"
                             "          - {value: 2, label: Jourhem}\n"
                             "      - id: utb\n"
                             "        type: multiple\n"
                             "        text: Utbildning?\n"
                             "        options:\n"
                             "          - {value: 1, label: A}\n"
                             "          - {value: 2, label: B}\n"
                             "          - {value: 30, label: C}\n"
                             "      - id: skolbarn\n"
                             "        type: yesno\n"
                             "        text: Skolbarn?\n"
                             "      - id: antal\n"
                             "        type: number\n"
                             "        min: -10\n"
                             "        max: 1000000\n"
                             "        text: Antal?\n"
                             "      - id: forslag\n"
                             "        type: text\n"
                             "        text: Förslag?\n";
#define NA_SLOTS 6

/* Another edition of the same survey: two questions. */
static const char yaml_b[] = "survey: familjehem\n"
                             "edition: 2021\n"
                             "languages: [sv]\n"
                             "title: Enkät 2021\n"
                             "sections:\n"
                             "  - id: s1\n"
                             "    title: Allmänt\n"
                             "    questions:\n"
                             "      - id: skolbarn\n"
                             "        type: yesno\n"
                             "        text: Skolbarn?\n"
                             "      - id: ovrigt\n"
                             "        type: text\n"
                             "        text: Övrigt?\n";

static char dir[] = "/tmp/enk_test_store_XXXXXX";

static char *path_in_dir(const char *name)
{
        static char buf[8][256];
        static int next;
        char *p = buf[next++ % 8];
        snprintf(p, 256, "%s/%s", dir, name);
        return p;
}

static void remove_store(const char *path)
{
        char buf[300];
        unlink(path);
        snprintf(buf, sizeof(buf), "%s-wal", path);
        unlink(buf);
        snprintf(buf, sizeof(buf), "%s-shm", path);
        unlink(buf);
}

static enk_questionnaire *parse(const char *yaml)
{
        enk_diags *d = enk_diags_new(0);
        enk_questionnaire *q = NULL;
        CHECK_INT(enk_questionnaire_parse(yaml, strlen(yaml), "inline.yaml", &q, d), ENK_OK);
        for (size_t i = 0; i < enk_diags_count(d); i++) {
                char *s = enk_diag_format(enk_diags_get(d, i));
                printf("  %s\n", s);
                free(s);
        }
        enk_diags_free(d);
        return q;
}

/* Whether some diagnostic of d has file and a message containing text. */
static int has_diag(const enk_diags *d, const char *file, const char *text)
{
        for (size_t i = 0; i < enk_diags_count(d); i++) {
                const enk_diag *g = enk_diags_get(d, i);
                if ((!file || (g->file && !strcmp(g->file, file))) && strstr(g->message, text))
                        return 1;
        }
        printf("  no diagnostic with '%s'; have:\n", text);
        for (size_t i = 0; i < enk_diags_count(d); i++) {
                char *s = enk_diag_format(enk_diags_get(d, i));
                printf("    %s\n", s);
                free(s);
        }
        return 0;
}

/* One integer from a query on a direct SQLite connection; -999 on error. */
static long long raw_int(const char *path, const char *sql)
{
        sqlite3 *db = NULL;
        long long v = -999;
        sqlite3_stmt *st = NULL;
        if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
            sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK &&
            sqlite3_step(st) == SQLITE_ROW)
                v = sqlite3_column_int64(st, 0);
        else
                printf("  raw_int(%s): %s\n", sql, sqlite3_errmsg(db));
        sqlite3_finalize(st);
        sqlite3_close(db);
        return v;
}

static int raw_exec(const char *path, const char *sql)
{
        sqlite3 *db = NULL;
        int rc = sqlite3_open(path, &db);
        if (rc == SQLITE_OK)
                rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
        sqlite3_close(db);
        return rc;
}

static enk_store *open_new(const char *name)
{
        const char *path = path_in_dir(name);
        remove_store(path);
        enk_store *s = NULL;
        enk_diags *d = enk_diags_new(0);
        CHECK_INT(enk_store_open(path, ENK_STORE_CREATE, &s, d), ENK_OK);
        enk_diags_free(d);
        return s;
}

/* ----------------------------------------------------------------- opening */

static void test_open(void)
{
        const char *path = path_in_dir("open.db");
        enk_diags *d = enk_diags_new(0);
        enk_store *s = NULL;

        /* A missing file without CREATE, or with READONLY: not found. */
        CHECK_INT(enk_store_open(path, 0, &s, d), ENK_ERR_NOTFOUND);
        CHECK(s == NULL);
        CHECK(has_diag(d, path, "store does not exist"));
        CHECK_INT(enk_store_open(path, ENK_STORE_READONLY | ENK_STORE_CREATE, &s, d),
                  ENK_ERR_NOTFOUND);
        CHECK(access(path, F_OK) != 0);

        CHECK_INT(enk_store_open(path, ENK_STORE_CREATE, &s, d), ENK_OK);
        CHECK(s != NULL);
        CHECK_STR(enk_store_path(s), path);
        int64_t unit = 0;
        CHECK_INT(enk_store_unit(s, "Vetlanda", &unit, d), ENK_OK);
        enk_store_free(s);
        enk_store_free(NULL);

        /* What makes it an enkat store, read independently. 1701735284 is
         * 0x656e6b74, the bytes of "enkt". */
        CHECK_INT(raw_int(path, "PRAGMA application_id"), 1701735284);
        CHECK_INT(raw_int(path, "PRAGMA user_version"), 5);
        CHECK_INT(raw_int(path, "SELECT count(*) FROM units WHERE name = 'Vetlanda'"), 1);
        sqlite3 *db = NULL;
        sqlite3_open(path, &db);
        sqlite3_stmt *st = NULL;
        sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &st, NULL);
        CHECK_INT(sqlite3_step(st), SQLITE_ROW);
        CHECK_STR((const char *) sqlite3_column_text(st, 0), "wal");
        sqlite3_finalize(st);
        sqlite3_close(db);

        /* Reopening keeps the data; CREATE on an existing store is harmless. */
        s = NULL;
        CHECK_INT(enk_store_open(path, 0, &s, d), ENK_OK);
        int64_t again = 0;
        CHECK_INT(enk_store_find_unit(s, "Vetlanda", &again, d), ENK_OK);
        CHECK_INT(again, unit);
        enk_store_free(s);
        CHECK_INT(enk_store_open(path, ENK_STORE_CREATE, &s, d), ENK_OK);
        enk_store_free(s);
        CHECK_INT(enk_diags_errors(d), 2);
        enk_diags_free(d);
        remove_store(path);
}

static void test_refuses(void)
{
        enk_diags *d = enk_diags_new(0);
        enk_store *s = NULL;

        /* A newer schema. */
        const char *newer = path_in_dir("newer.db");
        remove_store(newer);
        CHECK_INT(enk_store_open(newer, ENK_STORE_CREATE, &s, d), ENK_OK);
        enk_store_free(s);
        s = NULL;
        CHECK_INT(raw_exec(newer, "PRAGMA user_version = 6"), SQLITE_OK);
        CHECK_INT(enk_store_open(newer, 0, &s, d), ENK_ERR_STORE);
        CHECK(s == NULL);
        CHECK(has_diag(d, newer, "schema version 6, newer than this enkat knows (5)"));
        CHECK_INT(enk_store_open(newer, ENK_STORE_READONLY, &s, d), ENK_ERR_STORE);
        remove_store(newer);

        /* Not SQLite at all. */
        const char *text = path_in_dir("text.db");
        FILE *f = fopen(text, "w");
        fputs("unit,year,q1\nVetlanda,2020,3\n", f);
        fclose(f);
        CHECK_INT(enk_store_open(text, ENK_STORE_CREATE, &s, d), ENK_ERR_STORE);
        CHECK(has_diag(d, text, "not an enkat store (not an SQLite database)"));
        /* ... and it was not touched. */
        f = fopen(text, "r");
        char line[64] = "";
        CHECK(fgets(line, sizeof(line), f) != NULL);
        CHECK_STR(line, "unit,year,q1\n");
        fclose(f);
        remove_store(text);

        /* Another program's SQLite database, with and without an application_id. */
        const char *foreign = path_in_dir("foreign.db");
        remove_store(foreign);
        CHECK_INT(raw_exec(foreign, "CREATE TABLE t (x); INSERT INTO t VALUES (1)"), SQLITE_OK);
        CHECK_INT(enk_store_open(foreign, ENK_STORE_CREATE, &s, d), ENK_ERR_STORE);
        CHECK(has_diag(d, foreign, "not an enkat store (an SQLite database of another program)"));
        CHECK_INT(raw_int(foreign, "SELECT count(*) FROM sqlite_master"), 1);
        CHECK_INT(raw_int(foreign, "PRAGMA user_version"), 0);
        CHECK_INT(raw_exec(foreign, "PRAGMA application_id = 42"), SQLITE_OK);
        CHECK_INT(enk_store_open(foreign, 0, &s, d), ENK_ERR_STORE);
        CHECK(has_diag(d, foreign, "application_id 42"));
        remove_store(foreign);

        /* An empty file becomes a store only when CREATE says so. */
        const char *empty = path_in_dir("empty.db");
        fclose(fopen(empty, "w"));
        CHECK_INT(enk_store_open(empty, 0, &s, d), ENK_ERR_STORE);
        CHECK(has_diag(d, empty, "not an enkat store (the database is empty)"));
        CHECK_INT(enk_store_open(empty, ENK_STORE_CREATE, &s, d), ENK_OK);
        enk_store_free(s);
        CHECK_INT(raw_int(empty, "PRAGMA user_version"), 5);
        remove_store(empty);

        /* A directory. */
        CHECK_INT(enk_store_open(dir, ENK_STORE_CREATE, &s, NULL), ENK_ERR_STORE);
        enk_diags_free(d);
}

/* ---------------------------------------------------------------- editions */

static void test_editions(void)
{
        enk_store *s = open_new("editions.db");
        const char *path = enk_store_path(s);
        enk_diags *d = enk_diags_new(0);
        enk_questionnaire *a = parse(yaml_a), *b = parse(yaml_b);
        int64_t ida = 0, ida2 = 0, idb = 0, found = 0;
        CHECK_INT(enk_store_add_edition(s, a, &ida, d), ENK_OK);
        CHECK_INT(enk_store_add_edition(s, a, &ida2, d), ENK_OK);
        CHECK_INT(ida2, ida);
        CHECK_INT(enk_store_add_edition(s, b, &idb, d), ENK_OK);
        CHECK(idb != ida);
        CHECK_INT(raw_int(path, "SELECT count(*) FROM editions"), 2);

        /* The stored hash is the SHA-256 of the YAML text, as sha256sum gives. */
        char hex[ENK_HASH_HEX_SIZE], sql[256];
        enk_hash_sha256_hex(yaml_a, strlen(yaml_a), hex);
        snprintf(sql, sizeof(sql), "SELECT id FROM editions WHERE hash = '%s'", hex);
        CHECK_INT(raw_int(path, sql), ida);

        /* One row per question, in questionnaire order, with the signature. */
        snprintf(sql, sizeof(sql), "SELECT count(*) FROM edition_questions WHERE edition_id = %lld",
                 (long long) ida);
        CHECK_INT(raw_int(path, sql), NA_SLOTS);
        snprintf(sql, sizeof(sql),
                 "SELECT slot FROM edition_questions WHERE edition_id = %lld"
                 " AND question_id = 'antal' AND type = 'number' AND min = -10 AND max = 1000000",
                 (long long) ida);
        CHECK_INT(raw_int(path, sql), 4);
        snprintf(sql, sizeof(sql),
                 "SELECT count(*) FROM edition_questions WHERE edition_id = %lld AND slot = 0"
                 " AND question_id = 'nojd' AND scale = 'fem' AND points = '1 2 3 4 5'"
                 " AND positive = '4 5' AND na_code = 9 AND area = 'stod' AND headline = 1",
                 (long long) ida);
        CHECK_INT(raw_int(path, sql), 1);
        snprintf(sql, sizeof(sql),
                 "SELECT count(*) FROM edition_questions WHERE edition_id = %lld AND slot = 2"
                 " AND type = 'multiple' AND points = '1 2 30' AND na_code IS NULL",
                 (long long) ida);
        CHECK_INT(raw_int(path, sql), 1);

        CHECK_INT(enk_store_find_edition(s, "familjehem", 2021, &found, d), ENK_OK);
        CHECK_INT(found, idb);
        CHECK_INT(enk_store_find_edition(s, "familjehem", 2019, &found, d), ENK_ERR_NOTFOUND);
        CHECK(has_diag(d, path, "no edition 2019 of survey 'familjehem'"));
        CHECK_INT(found, idb);

        enk_questionnaire *back = NULL;
        CHECK_INT(enk_store_load_edition(s, ida, &back, d), ENK_OK);
        CHECK(back != NULL);
        if (back) {
                CHECK_STR(back->survey, "familjehem");
                CHECK_INT(back->edition, 2020);
                CHECK_INT(back->nquestions, NA_SLOTS);
                CHECK_STR(back->questions[5].id, "forslag");
                CHECK_INT(back->source_len, strlen(yaml_a));
        }
        enk_questionnaire_free(back);
        CHECK_INT(enk_store_load_edition(s, 999, &back, d), ENK_ERR_NOTFOUND);

        const enk_questionnaire *c1 = NULL, *c2 = NULL;
        CHECK_INT(enk_store_edition(s, idb, &c1, d), ENK_OK);
        CHECK_INT(enk_store_edition(s, idb, &c2, d), ENK_OK);
        CHECK(c1 != NULL && c1 == c2);
        CHECK(c1 && c1->nquestions == 2);

        /* A questionnaire without its text cannot be stored. */
        enk_questionnaire copy = *a;
        copy.source = NULL;
        CHECK_INT(enk_store_add_edition(s, &copy, &found, d), ENK_ERR_USAGE);

        enk_questionnaire_free(a);
        enk_questionnaire_free(b);
        enk_store_free(s);
        enk_diags_free(d);
}

/* ------------------------------------------------------------------- waves */

static void test_waves(void)
{
        enk_store *s = open_new("waves.db");
        const char *path = enk_store_path(s);
        enk_diags *d = enk_diags_new(0);
        enk_questionnaire *a = parse(yaml_a), *b = parse(yaml_b);
        int64_t ea, eb, u1, u1b, u2, w, w2, w3;
        CHECK_INT(enk_store_add_edition(s, a, &ea, d), ENK_OK);
        CHECK_INT(enk_store_add_edition(s, b, &eb, d), ENK_OK);
        CHECK_INT(enk_store_unit(s, "Vetlanda", &u1, d), ENK_OK);
        CHECK_INT(enk_store_unit(s, "Vetlanda", &u1b, d), ENK_OK);
        CHECK_INT(u1b, u1);
        CHECK_INT(enk_store_unit(s, "vetlanda", &u2, d), ENK_OK);
        CHECK(u2 != u1);
        CHECK_INT(enk_store_unit(s, "", &u2, d), ENK_ERR_USAGE);
        /* Issue 18, point 10: control characters (C0, DEL, C1), invalid UTF-8
         * (a stray byte, an overlong '/', a surrogate), only blanks and a name
         * over 200 characters are refused, and no unit is made. */
        static const struct {
                const char *name, *why;
        } bad[] = {
            {"Vet\001landa", "control character (U+0001) at character 4"},
            {"Vetlanda\n", "control character (U+000A) at character 9"},
            {"\x7f", "control character (U+007F) at character 1"},
            {"V\xc3\xa4\xc2\x9b", "control character (U+009B) at character 3"},
            {"Vet\xfflanda", "not valid UTF-8 (byte 0xFF at byte 4)"},
            {"\xc0\xaf", "not valid UTF-8 (byte 0xC0 at byte 1)"},
            {"a\xed\xa0\x80", "not valid UTF-8 (byte 0xED at byte 2)"},
            {"\xe2\x82", "not valid UTF-8 (byte 0xE2 at byte 1)"},
            {" \xc2\xa0 ", "only blanks"},
        };
        for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
                enk_diags *bd = enk_diags_new(0);
                u2 = -7;
                CHECK_INT(enk_store_unit(s, bad[i].name, &u2, bd), ENK_ERR_USAGE);
                CHECK_INT(u2, -7);
                CHECK(has_diag(bd, path, bad[i].why));
                enk_diags_free(bd);
        }
        char longname[2 * 201 + 1];
        for (int i = 0; i < 201; i++)
                memcpy(longname + 2 * i, "\xc3\xa5", 2); /* å: two bytes, one character */
        longname[2 * 201] = '\0';
        CHECK_INT(enk_store_unit(s, longname, &u2, d), ENK_ERR_USAGE);
        CHECK(has_diag(d, path, "unit name too long: 201 characters (the limit is 200)"));
        longname[2 * 200] = '\0';
        CHECK_INT(enk_store_unit(s, longname, &u2, d), ENK_OK); /* 200 is fine */
        CHECK_INT(enk_store_unit(s, "Eksj\xc3\xb6 \xe2\x80\x93 norra", &u2, d), ENK_OK);
        CHECK_INT(raw_int(path, "SELECT count(*) FROM units"), 4);
        CHECK_INT(enk_store_find_unit(s, "Kinda", &u2, d), ENK_ERR_NOTFOUND);
        CHECK(has_diag(d, path, "no unit 'Kinda'"));

        CHECK_INT(enk_store_wave(s, u1, 2020, ea, 120, &w, d), ENK_OK);
        CHECK_INT(enk_store_wave(s, u1, 2020, ea, -1, &w2, d), ENK_OK);
        CHECK_INT(w2, w);
        CHECK_INT(raw_int(path, "SELECT sent FROM waves"), 120); /* -1 kept it */
        CHECK_INT(enk_store_wave(s, u1, 2020, ea, 130, &w2, d), ENK_OK);
        CHECK_INT(raw_int(path, "SELECT sent FROM waves"), 130);
        CHECK_INT(enk_store_wave(s, u1, 2021, eb, -1, &w3, d), ENK_OK);
        CHECK(w3 != w);
        CHECK_INT(raw_int(path, "SELECT count(*) FROM waves WHERE year = 2021 AND sent IS NULL"),
                  1);

        CHECK_INT(enk_store_wave(s, u1, 1989, ea, -1, &w2, d), ENK_ERR_USAGE);
        CHECK_INT(enk_store_wave(s, u1, 2020, ea, -2, &w2, d), ENK_ERR_USAGE);
        CHECK_INT(enk_store_wave(s, 999, 2020, ea, -1, &w2, d), ENK_ERR_NOTFOUND);
        CHECK_INT(enk_store_wave(s, u1, 2020, 999, -1, &w2, d), ENK_ERR_NOTFOUND);

        /* Without responses a wave may switch editions ... */
        CHECK_INT(enk_store_wave(s, u1, 2021, ea, -1, &w2, d), ENK_OK);
        CHECK_INT(w2, w3);
        char sql[128];
        snprintf(sql, sizeof(sql), "SELECT edition_id FROM waves WHERE id = %lld", (long long) w3);
        CHECK_INT(raw_int(path, sql), ea);
        /* ... with them it may not. */
        int32_t v[NA_SLOTS] = {5, 1, 1, 1, 3, ENK_MISSING};
        CHECK_INT(
            fixture_add(s, w3, 0, ENK_SOURCE_PAPER, NULL, NULL, v, NA_SLOTS, NULL, 0, NULL, d),
            ENK_OK);
        size_t before = enk_diags_errors(d);
        CHECK_INT(enk_store_wave(s, u1, 2021, eb, -1, &w2, d), ENK_ERR_EXISTS);
        CHECK_INT(enk_diags_errors(d), before + 1);
        CHECK(has_diag(d, path, "already has 1 responses to edition 2020 of 'familjehem'"));
        CHECK_INT(raw_int(path, sql), ea);

        enk_questionnaire_free(a);
        enk_questionnaire_free(b);
        enk_store_free(s);
        enk_diags_free(d);
}

/* ------------------------------------------------------- responses, scans */

#define NRESP 5
/* What the test puts in: unit, year, source, date, key, answers, free text. */
static const struct response {
        const char *unit;
        int year;
        enk_response_source source;
        const char *date;
        const char *key;
        int32_t v[NA_SLOTS];
        const char *text;
} responses[NRESP] = {
    {"Vetlanda",
     2020,
     ENK_SOURCE_WEB,
     "2020-03-01",
     "k1",
     {5, 1, 1 | 2 | (1 << 29), 1, 1000000, 1},
     "Mer handledning, tack!"},
    {"Vetlanda", 2020, ENK_SOURCE_PAPER, NULL, NULL, {ENK_NA, 2, 0, 0, -10, ENK_MISSING}, NULL},
    {"Kinda",
     2020,
     ENK_SOURCE_SCAN,
     "2020-04-30",
     NULL,
     {ENK_MISSING, ENK_MISSING, ENK_MISSING, ENK_MISSING, ENK_MISSING, ENK_MISSING},
     NULL},
    {"Vetlanda",
     2019,
     ENK_SOURCE_IMPORT,
     "2019-12-31",
     "k1",
     {1, ENK_MISSING, 1 << 29, 1, 0, 1},
     "Ö\"'; -- inget"},
    {"Kinda", 2020, ENK_SOURCE_WEB, NULL, "k1", {4, 1, 2, 0, -1, ENK_MISSING}, NULL},
};

/* The expected scan order: by unit name (bytes), year, insertion. */
static const int scan_order[NRESP] = {2, 4, 3, 0, 1};

struct collected {
        int n;
        int order[NRESP + 2];
        int bad;
        int64_t last_wave;
        int waves_seen;
        bool quiet; /* texts are not expected: don't print their mismatches */
        enk_store *store;
};

static int find_response(const enk_store_row *row)
{
        for (int i = 0; i < NRESP; i++) {
                const struct response *r = &responses[i];
                if (strcmp(r->unit, row->unit) || r->year != row->year)
                        continue;
                if (row->nvalues != NA_SLOTS || memcmp(row->values, r->v, sizeof(r->v)))
                        continue;
                return i;
        }
        return -1;
}

/* The response row is (its index in responses[], -1 for none), noted in
 * the order the scan gave it. */
static int note_order(struct collected *c, const enk_store_row *row)
{
        int i = find_response(row);
        if (c->n < NRESP + 2)
                c->order[c->n] = i;
        c->n++;
        return i;
}

static enk_status collect(void *ctx, const enk_store_row *row)
{
        struct collected *c = ctx;
        int i = note_order(c, row);
        if (row->wave_id != c->last_wave)
                c->waves_seen++;
        c->last_wave = row->wave_id;
        if (i < 0) {
                c->bad++;
                return ENK_OK;
        }
        const struct response *r = &responses[i];
        if (row->source != r->source)
                c->bad++, printf("  source of %d: %d\n", i, row->source);
        if ((r->date == NULL) != (row->date == NULL) || (r->date && strcmp(r->date, row->date)))
                c->bad++, printf("  date of %d: %s\n", i, row->date ? row->date : "NULL");
        if ((r->key == NULL) != (row->respondent_key == NULL) ||
            (r->key && strcmp(r->key, row->respondent_key)))
                c->bad++, printf("  key of %d\n", i);
        if (r->text) {
                if (row->ntexts != 1 || strcmp(row->texts[0].question_id, "forslag") ||
                    strcmp(row->texts[0].text, r->text))
                        c->bad++, c->quiet || printf("  text of %d\n", i);
        } else if (row->ntexts != 0 || row->texts != NULL) {
                c->bad++, printf("  texts of %d\n", i);
        }
        /* The cached edition maps slot 4 to 'antal'. */
        const enk_questionnaire *q = NULL;
        if (enk_store_edition(c->store, row->edition_id, &q, NULL) != ENK_OK ||
            strcmp(q->questions[4].id, "antal"))
                c->bad++;
        return ENK_OK;
}

/* A scan of the answers alone: the same responses in the same order, with
 * their values, and neither source, date nor key. */
static enk_status collect_answers(void *ctx, const enk_store_row *row)
{
        struct collected *c = ctx;
        int i = note_order(c, row);
        if (i < 0 || row->source != ENK_SOURCE_IMPORT || row->date || row->respondent_key ||
            row->texts || row->ntexts)
                c->bad++;
        return ENK_OK;
}

static enk_status stop_at_two(void *ctx, const enk_store_row *row)
{
        (void) row;
        return ++*(int *) ctx == 2 ? ENK_ERR_DATA : ENK_OK;
}

/* Fills s with the responses, one wave each; returns s. */
static enk_store *fill(enk_store *s, int64_t wave_ids[NRESP], int64_t *edition)
{
        enk_diags *d = enk_diags_new(0);
        enk_questionnaire *a = parse(yaml_a);
        CHECK_INT(enk_store_add_edition(s, a, edition, d), ENK_OK);
        CHECK_INT(enk_store_begin(s, d), ENK_OK);
        for (int i = 0; i < NRESP; i++) {
                const struct response *r = &responses[i];
                int64_t unit;
                CHECK_INT(enk_store_unit(s, r->unit, &unit, d), ENK_OK);
                CHECK_INT(enk_store_wave(s, unit, r->year, *edition, -1, &wave_ids[i], d), ENK_OK);
                enk_store_text t = {"forslag", r->text};
                int64_t id = 0;
                CHECK_INT(fixture_add(s, wave_ids[i], 0, r->source, r->date, r->key, r->v, NA_SLOTS,
                                      r->text ? &t : NULL, r->text ? 1 : 0, &id, d),
                          ENK_OK);
                CHECK_INT(id, i + 1);
        }
        CHECK_INT(enk_store_commit(s, d), ENK_OK);
        CHECK_INT(enk_diags_errors(d), 0);
        enk_questionnaire_free(a);
        enk_diags_free(d);
        return s;
}

static enk_store *filled_store(const char *name, int64_t wave_ids[NRESP], int64_t *edition)
{
        return fill(open_new(name), wave_ids, edition);
}

static void test_round_trip(void)
{
        int64_t waves[NRESP], edition;
        enk_store *s = filled_store("round.db", waves, &edition);
        enk_diags *d = enk_diags_new(0);

        struct collected c = {.store = s};
        enk_store_filter all_texts = {.texts = true};
        CHECK_INT(enk_store_scan(s, &all_texts, collect, &c, d), ENK_OK);
        CHECK_INT(c.n, NRESP);
        CHECK_INT(c.bad, 0);
        for (int i = 0; i < NRESP; i++)
                CHECK_INT(c.order[i], scan_order[i]);
        CHECK_INT(c.waves_seen, 3); /* Kinda 2020, Vetlanda 2019, Vetlanda 2020 */

        /* Filters: one unit, one year, a survey that is not there. */
        int64_t vetlanda;
        CHECK_INT(enk_store_find_unit(s, "Vetlanda", &vetlanda, d), ENK_OK);
        struct collected c2 = {.store = s};
        enk_store_filter f = {.unit_id = vetlanda, .year = 2020, .texts = true};
        CHECK_INT(enk_store_scan(s, &f, collect, &c2, d), ENK_OK);
        CHECK_INT(c2.n, 2);
        CHECK_INT(c2.order[0], 0);
        CHECK_INT(c2.order[1], 1);
        int64_t n = 0;
        CHECK_INT(enk_store_count(s, &f, &n, d), ENK_OK);
        CHECK_INT(n, 2);
        f = (enk_store_filter){.year = 2020};
        CHECK_INT(enk_store_count(s, &f, &n, d), ENK_OK);
        CHECK_INT(n, 4);
        f = (enk_store_filter){.survey = "jourhem"};
        CHECK_INT(enk_store_count(s, &f, &n, d), ENK_OK);
        CHECK_INT(n, 0);
        CHECK_INT(enk_store_count(s, NULL, &n, d), ENK_OK);
        CHECK_INT(n, NRESP);

        /* Without filter.texts the texts are not read (the row for response 0
         * then has none, which collect() counts as one mismatch). */
        struct collected c3 = {.store = s, .quiet = true};
        CHECK_INT(enk_store_scan(s, NULL, collect, &c3, d), ENK_OK);
        CHECK_INT(c3.n, NRESP);
        CHECK_INT(c3.bad, 2);

        struct collected c4 = {.store = s};
        enk_store_filter lean = {.answers_only = true};
        CHECK_INT(enk_store_scan(s, &lean, collect_answers, &c4, d), ENK_OK);
        CHECK_INT(c4.n, NRESP);
        CHECK_INT(c4.bad, 0);
        for (int i = 0; i < NRESP; i++)
                CHECK_INT(c4.order[i], scan_order[i]);
        c4 = (struct collected){.store = s};
        lean = (enk_store_filter){.unit_id = vetlanda, .year = 2020, .answers_only = true};
        CHECK_INT(enk_store_scan(s, &lean, collect_answers, &c4, d), ENK_OK);
        CHECK_INT(c4.n, 2);
        CHECK_INT(c4.order[0], 0);
        CHECK_INT(c4.order[1], 1);

        /* A callback's status stops the scan and is returned. */
        int calls = 0;
        CHECK_INT(enk_store_scan(s, NULL, stop_at_two, &calls, d), ENK_ERR_DATA);
        CHECK_INT(calls, 2);

        /* Bad input. */
        int32_t v[NA_SLOTS] = {1, 1, 1, 1, 1, ENK_MISSING};
        CHECK_INT(fixture_add(s, waves[0], 0, ENK_SOURCE_WEB, NULL, NULL, v, 5, NULL, 0, NULL, d),
                  ENK_ERR_USAGE);
        CHECK(has_diag(d, enk_store_path(s), "has 6 answers, not 5"));
        CHECK_INT(fixture_add(s, waves[0], 0, ENK_SOURCE_WEB, "2020-02-30", NULL, v, NA_SLOTS, NULL,
                              0, NULL, d),
                  ENK_ERR_USAGE);
        CHECK_INT(fixture_add(s, waves[0], 0, ENK_SOURCE_WEB, "2020-02-03 10:15", NULL, v, NA_SLOTS,
                              NULL, 0, NULL, d),
                  ENK_ERR_USAGE);
        CHECK(has_diag(d, NULL, "date '2020-02-03 10:15' is not a date"));
        /* The schema itself keeps out what is not a real date (a client other
         * than enkat writing to the file), and lets leap days in. */
        const char *path = enk_store_path(s);
        CHECK_INT(raw_exec(path, "BEGIN; INSERT INTO responses (wave_id, source, date, answers)"
                                 " VALUES (1, 'web', '2021-02-29', x''); ROLLBACK"),
                  SQLITE_CONSTRAINT);
        CHECK_INT(raw_exec(path, "BEGIN; INSERT INTO responses (wave_id, source, date, answers)"
                                 " VALUES (1, 'web', '2021-03-01 10:00', x''); ROLLBACK"),
                  SQLITE_CONSTRAINT);
        CHECK_INT(raw_exec(path, "BEGIN; INSERT INTO responses (wave_id, source, date, answers)"
                                 " VALUES (1, 'web', '2020-02-29', x''); ROLLBACK"),
                  SQLITE_OK);
        CHECK_INT(fixture_add(s, waves[0], 0, ENK_SOURCE_WEB, "2021-02-29", NULL, v, NA_SLOTS, NULL,
                              0, NULL, d),
                  ENK_ERR_USAGE);
        CHECK_INT(fixture_add(s, 999, 0, ENK_SOURCE_WEB, NULL, NULL, v, NA_SLOTS, NULL, 0, NULL, d),
                  ENK_ERR_NOTFOUND);
        CHECK_INT(fixture_add(s, waves[0], 999, ENK_SOURCE_WEB, NULL, NULL, v, NA_SLOTS, NULL, 0,
                              NULL, d),
                  ENK_ERR_NOTFOUND);
        enk_store_text wrong = {"typ", "text to a choice question"};
        CHECK_INT(fixture_add(s, waves[0], 0, ENK_SOURCE_WEB, NULL, "new", v, NA_SLOTS, &wrong, 1,
                              NULL, d),
                  ENK_ERR_USAGE);
        CHECK(has_diag(d, NULL, "question 'typ' is not a free-text question"));
        /* ... and that failed response left nothing behind (no savepoint leak). */
        CHECK_INT(enk_store_count(s, NULL, &n, d), ENK_OK);
        CHECK_INT(n, NRESP);
        CHECK_INT(raw_int(enk_store_path(s), "SELECT count(*) FROM texts"), 2);
        CHECK(!enk_store_in_transaction(s));

        enk_store_free(s);
        enk_diags_free(d);
}

/* The view decodes the BLOB in SQL; compare every row it gives with the
 * answers the test put in. */
static void test_view(void)
{
        int64_t waves[NRESP], edition;
        enk_store *s = filled_store("view.db", waves, &edition);
        const char *slot_ids[NA_SLOTS] = {"nojd", "typ", "utb", "skolbarn", "antal", "forslag"};
        const char *slot_types[NA_SLOTS] = {"scale", "single", "multiple",
                                            "yesno", "number", "text"};
        sqlite3 *db = NULL;
        CHECK_INT(sqlite3_open_v2(enk_store_path(s), &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
        sqlite3_stmt *st = NULL;
        CHECK_INT(sqlite3_prepare_v2(db,
                                     "SELECT response_id, unit, year, source, respondent_key,"
                                     " question, type, value, not_applicable, text"
                                     " FROM answers_long",
                                     -1, &st, NULL),
                  SQLITE_OK);
        int rows = 0, bad = 0, seen[NRESP][NA_SLOTS] = {{0}};
        while (sqlite3_step(st) == SQLITE_ROW) {
                rows++;
                int i = sqlite3_column_int(st, 0) - 1; /* response ids are 1.. in order */
                const char *qid = (const char *) sqlite3_column_text(st, 5);
                int slot = -1;
                for (int k = 0; k < NA_SLOTS; k++)
                        if (!strcmp(qid, slot_ids[k]))
                                slot = k;
                if (i < 0 || i >= NRESP || slot < 0) {
                        bad++;
                        continue;
                }
                const struct response *r = &responses[i];
                seen[i][slot]++;
                int32_t want = r->v[slot];
                if (want == ENK_MISSING)
                        bad++, printf("  view has a row for a missing answer\n");
                bool na = sqlite3_column_int(st, 8);
                if (want == ENK_NA) {
                        if (!na || sqlite3_column_type(st, 7) != SQLITE_NULL)
                                bad++, printf("  view: NA of %d/%d\n", i, slot);
                } else if (na || sqlite3_column_type(st, 7) != SQLITE_INTEGER ||
                           sqlite3_column_int64(st, 7) != want) {
                        bad++;
                        printf("  view: %d/%d = %lld, want %d\n", i, slot,
                               (long long) sqlite3_column_int64(st, 7), want);
                }
                if (strcmp((const char *) sqlite3_column_text(st, 1), r->unit) ||
                    sqlite3_column_int(st, 2) != r->year ||
                    strcmp((const char *) sqlite3_column_text(st, 3),
                           enk_store_source_name(r->source)) ||
                    strcmp((const char *) sqlite3_column_text(st, 6), slot_types[slot]))
                        bad++, printf("  view: row %d/%d columns\n", i, slot);
                const char *text = (const char *) sqlite3_column_text(st, 9);
                bool want_text = slot == 5 && r->text;
                if (want_text != (text != NULL) || (want_text && strcmp(text, r->text)))
                        bad++, printf("  view: text of %d\n", i);
        }
        sqlite3_finalize(st);
        sqlite3_close(db);
        int want_rows = 0;
        for (int i = 0; i < NRESP; i++)
                for (int k = 0; k < NA_SLOTS; k++) {
                        bool present = responses[i].v[k] != ENK_MISSING;
                        want_rows += present;
                        if (seen[i][k] != present)
                                bad++, printf("  view: %d/%d seen %d times\n", i, k, seen[i][k]);
                }
        CHECK_INT(rows, want_rows);
        CHECK_INT(bad, 0);
        enk_store_free(s);
}

/* The view and the C reader decode the same BLOBs the same way, over the
 * whole int32 range: edge values and pseudo-random ones. */
#define NWIDE 64
struct c_values {
        int32_t v[NWIDE][NA_SLOTS];
        int n;
};

static enk_status keep_values(void *ctx, const enk_store_row *row)
{
        struct c_values *c = ctx;
        if (row->response_id >= 1 && row->response_id <= NWIDE && row->nvalues == NA_SLOTS)
                memcpy(c->v[row->response_id - 1], row->values, sizeof(c->v[0]));
        c->n++;
        return ENK_OK;
}

static void test_view_agrees(void)
{
        enk_store *s = open_new("agree.db");
        enk_diags *d = enk_diags_new(0);
        enk_questionnaire *a = parse(yaml_a);
        int64_t e, unit, wave;
        CHECK_INT(enk_store_add_edition(s, a, &e, d), ENK_OK);
        CHECK_INT(enk_store_unit(s, "Kinda", &unit, d), ENK_OK);
        CHECK_INT(enk_store_wave(s, unit, 2020, e, -1, &wave, d), ENK_OK);
        static const int32_t edges[] = {
            0,         1,  255,  256,    65535,         65536,  16777215,    16777216,
            INT32_MAX, -1, -256, -65536, INT32_MIN + 2, ENK_NA, ENK_MISSING, 0x7f000000};
        int32_t in[NWIDE][NA_SLOTS];
        uint32_t x = 12345;
        CHECK_INT(enk_store_begin(s, d), ENK_OK);
        for (int i = 0; i < NWIDE; i++) {
                for (int k = 0; k < NA_SLOTS; k++) {
                        x = x * 1103515245u + 12345u; /* any sequence will do */
                        int j = i * NA_SLOTS + k;
                        in[i][k] = j < 16 * 4 ? edges[j % 16] : (int32_t) (x ^ (x << 13));
                }
                CHECK_INT(fixture_add(s, wave, 0, ENK_SOURCE_WEB, NULL, NULL, in[i], NA_SLOTS, NULL,
                                      0, NULL, d),
                          ENK_OK);
        }
        CHECK_INT(enk_store_commit(s, d), ENK_OK);

        struct c_values c = {0};
        CHECK_INT(enk_store_scan(s, NULL, keep_values, &c, d), ENK_OK);
        CHECK_INT(c.n, NWIDE);
        CHECK(memcmp(c.v, in, sizeof(in)) == 0);

        sqlite3 *db = NULL;
        sqlite3_open_v2(enk_store_path(s), &db, SQLITE_OPEN_READONLY, NULL);
        sqlite3_stmt *st = NULL;
        CHECK_INT(sqlite3_prepare_v2(db,
                                     "SELECT response_id, q.slot, value, not_applicable"
                                     " FROM answers_long a JOIN edition_questions q"
                                     " ON q.question_id = a.question",
                                     -1, &st, NULL),
                  SQLITE_OK);
        int rows = 0, bad = 0, want_rows = 0;
        while (sqlite3_step(st) == SQLITE_ROW) {
                rows++;
                int i = sqlite3_column_int(st, 0) - 1, k = sqlite3_column_int(st, 1);
                if (i < 0 || i >= NWIDE || k < 0 || k >= NA_SLOTS) {
                        bad++;
                        continue;
                }
                int32_t v = c.v[i][k];
                bool na = sqlite3_column_int(st, 3);
                bool null = sqlite3_column_type(st, 2) == SQLITE_NULL;
                if (v == ENK_NA ? !(na && null)
                                : na || null || sqlite3_column_int64(st, 2) != (int64_t) v) {
                        bad++;
                        printf("  view %d/%d = %lld, C %d\n", i, k,
                               (long long) sqlite3_column_int64(st, 2), v);
                }
        }
        for (int i = 0; i < NWIDE; i++)
                for (int k = 0; k < NA_SLOTS; k++)
                        want_rows += c.v[i][k] != ENK_MISSING;
        CHECK_INT(rows, want_rows);
        CHECK_INT(bad, 0);
        sqlite3_finalize(st);
        sqlite3_close(db);
        enk_questionnaire_free(a);
        enk_store_free(s);
        enk_diags_free(d);
}

/* ----------------------------------------------------------- transactions */

static void test_rollback(void)
{
        int64_t waves[NRESP], edition;
        enk_store *s = filled_store("rollback.db", waves, &edition);
        const char *path = enk_store_path(s);
        enk_diags *d = enk_diags_new(0);
        static const char *const tables[] = {"editions", "edition_questions", "units", "waves",
                                             "imports",  "responses",         "texts"};
        long long before[7];
        char sql[7][64];
        for (int t = 0; t < 7; t++) {
                snprintf(sql[t], sizeof(sql[t]), "SELECT count(*) FROM %s", tables[t]);
                before[t] = raw_int(path, sql[t]);
        }
        CHECK_INT(before[5], NRESP);

        CHECK_INT(enk_store_begin(s, d), ENK_OK);
        CHECK(enk_store_in_transaction(s));
        CHECK_INT(enk_store_begin(s, d), ENK_ERR_USAGE);
        enk_questionnaire *b = parse(yaml_b);
        int64_t eb, unit, wave, imp;
        CHECK_INT(enk_store_add_edition(s, b, &eb, d), ENK_OK);
        CHECK_INT(enk_store_unit(s, "Söderköping", &unit, d), ENK_OK);
        CHECK_INT(enk_store_wave(s, unit, 2021, eb, 40, &wave, d), ENK_OK);
        CHECK_INT(enk_store_add_import(s, wave, "sk.csv", "abc", &imp, d), ENK_OK);
        int32_t v[2] = {1, 1};
        enk_store_text t = {"ovrigt", "hej"};
        for (int i = 0; i < 100; i++)
                CHECK_INT(
                    fixture_add(s, wave, imp, ENK_SOURCE_IMPORT, NULL, NULL, v, 2, &t, 1, NULL, d),
                    ENK_OK);
        /* Inside the transaction the store sees its own writes ... */
        int64_t n = 0;
        CHECK_INT(enk_store_count(s, NULL, &n, d), ENK_OK);
        CHECK_INT(n, NRESP + 100);
        /* ... another connection does not. */
        CHECK_INT(raw_int(path, sql[5]), NRESP);
        enk_store_rollback(s);
        CHECK(!enk_store_in_transaction(s));
        enk_store_rollback(s); /* no-op */
        for (int t = 0; t < 7; t++)
                CHECK_INT(raw_int(path, sql[t]), before[t]);
        CHECK_INT(enk_store_commit(s, d), ENK_ERR_USAGE);

        /* The wave id the rolled-back wave had is reused by the next one;
         * the slots cache must not carry the old edition over. */
        CHECK_INT(enk_store_begin(s, d), ENK_OK);
        int64_t ea2, wave2;
        enk_questionnaire *a = parse(yaml_a);
        CHECK_INT(enk_store_add_edition(s, a, &ea2, d), ENK_OK);
        CHECK_INT(ea2, edition);
        CHECK_INT(enk_store_unit(s, "Söderköping", &unit, d), ENK_OK);
        CHECK_INT(enk_store_wave(s, unit, 2021, ea2, 40, &wave2, d), ENK_OK);
        CHECK_INT(wave2, wave);
        int32_t v6[NA_SLOTS] = {1, 1, 1, 1, 1, ENK_MISSING};
        CHECK_INT(
            fixture_add(s, wave2, 0, ENK_SOURCE_WEB, NULL, NULL, v6, NA_SLOTS, NULL, 0, NULL, d),
            ENK_OK);
        CHECK_INT(enk_store_commit(s, d), ENK_OK);
        CHECK_INT(raw_int(path, sql[5]), NRESP + 1);

        /* Closing with a transaction open rolls it back. */
        CHECK_INT(enk_store_begin(s, d), ENK_OK);
        CHECK_INT(
            fixture_add(s, wave2, 0, ENK_SOURCE_WEB, NULL, NULL, v6, NA_SLOTS, NULL, 0, NULL, d),
            ENK_OK);
        char *keep = strdup(path);
        enk_store_free(s);
        CHECK_INT(raw_int(keep, sql[5]), NRESP + 1);
        free(keep);
        enk_questionnaire_free(a);
        enk_questionnaire_free(b);
        enk_diags_free(d);
}

static void test_duplicate_keys(void)
{
        int64_t waves[NRESP], edition;
        enk_store *s = filled_store("keys.db", waves, &edition);
        enk_diags *d = enk_diags_new(0);
        int32_t v[NA_SLOTS] = {1, 1, 1, 1, 1, ENK_MISSING};
        /* responses[0] has key k1 in Vetlanda 2020 (waves[0]). */
        CHECK_INT(
            fixture_add(s, waves[0], 0, ENK_SOURCE_WEB, NULL, "k1", v, NA_SLOTS, NULL, 0, NULL, d),
            ENK_ERR_EXISTS);
        CHECK_INT(enk_diags_count(d), 1);
        const enk_diag *g = enk_diags_get(d, 0);
        CHECK(g && g->subject && !strcmp(g->subject, "k1"));
        CHECK(has_diag(d, enk_store_path(s), "respondent key 'k1' already has a response"));
        /* Inside a transaction the failure leaves the transaction usable. */
        CHECK_INT(enk_store_begin(s, d), ENK_OK);
        CHECK_INT(
            fixture_add(s, waves[0], 0, ENK_SOURCE_WEB, NULL, "k2", v, NA_SLOTS, NULL, 0, NULL, d),
            ENK_OK);
        CHECK_INT(
            fixture_add(s, waves[0], 0, ENK_SOURCE_WEB, NULL, "k2", v, NA_SLOTS, NULL, 0, NULL, d),
            ENK_ERR_EXISTS);
        CHECK_INT(
            fixture_add(s, waves[0], 0, ENK_SOURCE_WEB, NULL, NULL, v, NA_SLOTS, NULL, 0, NULL, d),
            ENK_OK);
        CHECK_INT(enk_store_commit(s, d), ENK_OK);
        CHECK_INT(raw_int(enk_store_path(s), "SELECT count(*) FROM responses"), NRESP + 2);
        enk_store_free(s);
        enk_diags_free(d);
}

/* A digest of what a store holds of its responses and texts, through
 * SQLite directly: every column of every row, ids included. */
static void store_rows_text(const char *path, char *out, size_t size)
{
        sqlite3 *db = NULL;
        size_t len = 0;
        out[0] = '\0';
        if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
                sqlite3_close(db);
                return;
        }
        const char *sql = "SELECT id || '|' || wave_id || '|' || import_id || '|' || source || '|'"
                          " || coalesce(date, '-') || '|' || coalesce(respondent_key, '-') || '|'"
                          " || hex(answers) FROM responses"
                          " UNION ALL SELECT 'text ' || response_id || '|' || question_id || '|'"
                          " || text FROM texts";
        sqlite3_stmt *st = NULL;
        if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK)
                while (sqlite3_step(st) == SQLITE_ROW && len + 200 < size)
                        len += (size_t) snprintf(out + len, size - len, "%s\n",
                                                 (const char *) sqlite3_column_text(st, 0));
        sqlite3_finalize(st);
        sqlite3_close(db);
}

/* enk_store_add_responses: an import's rows many to a statement (a power
 * of two at a time: 90 rows as 64 + 16 + 8 + 2, 37 as 32 + 4 + 1), the same rows, ids and texts as
 * one call per response (the reference: enk_store_add_response into a second store), and at a row
 * the store refuses it stops there, as one call per row would: the status,
 * the message, the rows before it stored. */
static void test_add_responses(void)
{
        enum { N = 90, M = 70 };
        enk_questionnaire *b = parse(yaml_b);
        enk_store *s[2] = {open_new("batch.db"), open_new("single.db")};
        enk_diags *d = enk_diags_new(0);
        static enk_response rs[N + M];
        static int32_t v[N + M][2];
        static const char *tx[N + M][2];
        static char keys[N + M][8], texts[N + M][16];
        for (int i = 0; i < N + M; i++) {
                /* the second file reuses the keys of rows 5 and 6 of the first at 37 and 50 */
                int k = i == N + 37 ? 5 : i == N + 50 ? 6 : i;
                snprintf(keys[i], sizeof(keys[i]), "k%03d", k);
                snprintf(texts[i], sizeof(texts[i]), "text %d", i);
                v[i][0] = i % 2;
                v[i][1] = i % 3 ? ENK_MISSING : 1;
                tx[i][0] = NULL;
                tx[i][1] = i % 3 ? NULL : texts[i];
                rs[i] = (enk_response){.q = b,
                                       .values = v[i],
                                       .texts = tx[i],
                                       .respondent_key = i % 7 == 3 ? NULL : keys[i],
                                       .date = i % 4 ? "2021-03-04" : NULL,
                                       .source = ENK_SOURCE_IMPORT};
        }
        int64_t imp[2][2] = {{0}};
        for (int t = 0; t < 2; t++) {
                int64_t e, unit, wave;
                CHECK_INT(enk_store_add_edition(s[t], b, &e, d), ENK_OK);
                CHECK_INT(enk_store_begin(s[t], d), ENK_OK);
                CHECK_INT(enk_store_unit(s[t], "Kinda", &unit, d), ENK_OK);
                CHECK_INT(enk_store_wave(s[t], unit, 2021, e, 200, &wave, d), ENK_OK);
                CHECK_INT(enk_store_add_import(s[t], wave, "a.csv", "aaaa", &imp[t][0], d), ENK_OK);
                CHECK_INT(enk_store_add_import(s[t], wave, "b.csv", "bbbb", &imp[t][1], d), ENK_OK);
                if (t == 1) {
                        for (int i = 0; i < N + M; i++) {
                                enk_status st = enk_store_add_response(s[1], wave, imp[1][i >= N],
                                                                       &rs[i], NULL, d);
                                CHECK_INT(st, i == N + 37 || i == N + 50 ? ENK_ERR_EXISTS : ENK_OK);
                        }
                        break;
                }
                size_t stored = 0;
                CHECK_INT(enk_store_add_responses(s[0], wave, imp[0][0], rs, N, &stored, d),
                          ENK_OK);
                CHECK_INT(stored, N);
                CHECK_INT(enk_diags_count(d), 0);
                /* the second file: refused at its row 37, then 50 - 38 = 12 */
                CHECK_INT(enk_store_add_responses(s[0], wave, imp[0][1], rs + N, M, &stored, d),
                          ENK_ERR_EXISTS);
                CHECK_INT(stored, 37);
                CHECK_INT(enk_diags_count(d), 1);
                const enk_diag *g = enk_diags_get(d, 0);
                CHECK(g && g->subject && !strcmp(g->subject, "k005"));
                CHECK(has_diag(d, enk_store_path(s[0]),
                               "respondent key 'k005' already has a response"));
                CHECK_INT(
                    enk_store_add_responses(s[0], wave, imp[0][1], rs + N + 38, M - 38, &stored, d),
                    ENK_ERR_EXISTS);
                CHECK_INT(stored, 12);
                CHECK(has_diag(d, enk_store_path(s[0]),
                               "respondent key 'k006' already has a response"));
                CHECK_INT(
                    enk_store_add_responses(s[0], wave, imp[0][1], rs + N + 51, M - 51, &stored, d),
                    ENK_OK);
                CHECK_INT(stored, M - 51);
                CHECK_INT(enk_diags_count(d), 2);
        }
        /* a date that is no date: refused at its row, in the middle of a batch */
        enk_response bad[20];
        static char bkeys[20][8];
        for (int i = 0; i < 20; i++) {
                bad[i] = rs[0];
                snprintf(bkeys[i], sizeof(bkeys[i]), "x%02d", i);
                bad[i].respondent_key = bkeys[i];
        }
        bad[9].date = "2021-13-01";
        size_t stored = 0;
        CHECK_INT(enk_store_add_responses(s[0], 1, imp[0][1], bad, 20, &stored, d), ENK_ERR_USAGE);
        CHECK_INT(stored, 9);
        CHECK(has_diag(d, enk_store_path(s[0]), "date '2021-13-01' is not a date YYYY-MM-DD"));
        enk_store_rollback(s[0]);
        enk_store_rollback(s[1]);
        for (int t = 0; t < 2; t++) {
                CHECK_INT(enk_store_begin(s[t], d), ENK_OK);
                int64_t unit, wave;
                CHECK_INT(enk_store_unit(s[t], "Kinda", &unit, d), ENK_OK);
                CHECK_INT(enk_store_wave(s[t], unit, 2021, 1, 200, &wave, d), ENK_OK);
                CHECK_INT(enk_store_add_import(s[t], wave, "a.csv", "aaaa", &imp[t][0], d), ENK_OK);
                CHECK_INT(enk_store_add_import(s[t], wave, "b.csv", "bbbb", &imp[t][1], d), ENK_OK);
                if (t == 0) {
                        CHECK_INT(enk_store_add_responses(s[0], wave, imp[0][0], rs, N, &stored, d),
                                  ENK_OK);
                        CHECK_INT(
                            enk_store_add_responses(s[0], wave, imp[0][1], rs + N, 37, &stored, d),
                            ENK_OK);
                        CHECK_INT(enk_store_add_responses(s[0], wave, imp[0][1], rs + N + 38, 12,
                                                          &stored, d),
                                  ENK_OK);
                        CHECK_INT(enk_store_add_responses(s[0], wave, imp[0][1], rs + N + 51,
                                                          M - 51, &stored, d),
                                  ENK_OK);
                } else {
                        for (int i = 0; i < N + M; i++)
                                if (i != N + 37 && i != N + 50)
                                        CHECK_INT(enk_store_add_response(s[1], wave, imp[1][i >= N],
                                                                         &rs[i], NULL, d),
                                                  ENK_OK);
                }
                CHECK_INT(enk_store_commit(s[t], d), ENK_OK);
        }
        const char *path = enk_store_path(s[0]);
        CHECK_INT(raw_int(path, "SELECT count(*) FROM responses"), N + M - 2);
        CHECK_INT(raw_int(path, "SELECT count(*) FROM texts"),
                  (N + M + 2) / 3); /* rows 127 and 140 had none */
        /* each text on its own row: "text i" on the row of key k<i> */
        CHECK_INT(raw_int(path,
                          "SELECT count(*) FROM texts t JOIN responses r ON r.id = t.response_id"
                          " WHERE r.respondent_key IS NOT NULL AND r.respondent_key <>"
                          " printf('k%03d', substr(t.text, 6))"),
                  0);
        CHECK_INT(raw_int(path, "SELECT rows FROM imports WHERE file_name = 'b.csv'"), M - 2);
        static char got[2][65536];
        store_rows_text(path, got[0], sizeof(got[0]));
        store_rows_text(enk_store_path(s[1]), got[1], sizeof(got[1]));
        CHECK(strlen(got[0]) > 1000);
        CHECK_STR(got[0], got[1]);
        CHECK_INT(raw_int(path, "SELECT count(*) FROM pragma_foreign_key_check"), 0);
        /* A transaction remembers the text questions it stored texts to, and
         * still refuses a text to a question that is none. */
        CHECK_INT(enk_store_begin(s[0], d), ENK_OK);
        enk_response r = rs[0]; /* with a text, and no key */
        r.respondent_key = NULL;
        CHECK_INT(enk_store_add_response(s[0], 1, 0, &r, NULL, d), ENK_OK);
        CHECK_INT(enk_store_add_response(s[0], 1, 0, &r, NULL, d), ENK_OK);
        const char *wrong[2] = {"a text to a yes/no", NULL};
        r.texts = wrong;
        CHECK_INT(enk_store_add_response(s[0], 1, 0, &r, NULL, d), ENK_ERR_USAGE);
        CHECK(has_diag(d, enk_store_path(s[0]), "question 'skolbarn' is not a free-text question"));
        enk_store_rollback(s[0]);
        enk_questionnaire_free(b);
        enk_store_free(s[0]);
        enk_store_free(s[1]);
        enk_diags_free(d);
}

/* ------------------------------------------------------------------ imports */

struct wave_list {
        int n;
        enk_store_wave_info w[4];
        char units[4][32];
};

static enk_status list_wave(void *ctx, const enk_store_wave_info *w)
{
        struct wave_list *l = ctx;
        if (l->n < 4) {
                l->w[l->n] = *w;
                snprintf(l->units[l->n], 32, "%s", w->unit);
        }
        l->n++;
        return ENK_OK;
}

static void test_imports(void)
{
        enk_store *s = open_new("imports.db");
        const char *path = enk_store_path(s);
        enk_diags *d = enk_diags_new(0);
        enk_questionnaire *b = parse(yaml_b);
        int64_t eb, unit, wave, imp1, imp2;
        CHECK_INT(enk_store_add_edition(s, b, &eb, d), ENK_OK);
        CHECK_INT(enk_store_begin(s, d), ENK_OK);
        CHECK_INT(enk_store_unit(s, "Kinda", &unit, d), ENK_OK);
        CHECK_INT(enk_store_wave(s, unit, 2021, eb, 50, &wave, d), ENK_OK);
        CHECK_INT(enk_store_add_import(s, wave, "kinda-a.csv", "aaaa", &imp1, d), ENK_OK);
        CHECK_INT(enk_store_add_import(s, wave, "kinda-b.csv", "bbbb", &imp2, d), ENK_OK);
        int32_t v[2] = {1, 1};
        enk_store_text t = {"ovrigt", "text"};
        for (int i = 0; i < 7; i++)
                CHECK_INT(
                    fixture_add(s, wave, imp1, ENK_SOURCE_IMPORT, NULL, NULL, v, 2, &t, 1, NULL, d),
                    ENK_OK);
        for (int i = 0; i < 3; i++)
                CHECK_INT(
                    fixture_add(s, wave, imp2, ENK_SOURCE_IMPORT, NULL, NULL, v, 2, &t, 1, NULL, d),
                    ENK_OK);
        CHECK_INT(enk_store_commit(s, d), ENK_OK);
        CHECK_INT(enk_store_add_import(s, 999, "x.csv", "cccc", &imp2, d), ENK_ERR_NOTFOUND);

        /* The commit counted the rows of each import. */
        enk_store_import found;
        CHECK_INT(enk_store_find_import(s, "aaaa", 0, &found, d), ENK_OK);
        CHECK_INT(found.id, imp1);
        CHECK_INT(found.wave_id, wave);
        CHECK_STR(found.unit, "Kinda");
        CHECK_INT(found.year, 2021);
        CHECK_STR(found.file_name, "kinda-a.csv");
        CHECK_STR(found.content_hash, "aaaa");
        CHECK_INT(found.rows, 7);
        CHECK(found.created && strlen(found.created) == 19);
        CHECK_INT(enk_store_find_import(s, "bbbb", wave, &found, d), ENK_OK);
        CHECK_INT(found.rows, 3);
        size_t errors = enk_diags_errors(d);
        CHECK_INT(enk_store_find_import(s, "bbbb", wave + 1, &found, d), ENK_ERR_NOTFOUND);
        CHECK_INT(enk_store_find_import(s, "zzzz", 0, &found, d), ENK_ERR_NOTFOUND);
        CHECK_INT(enk_diags_errors(d), errors); /* not found is not an error */

        struct wave_list l = {0};
        CHECK_INT(enk_store_waves(s, NULL, list_wave, &l, d), ENK_OK);
        CHECK_INT(l.n, 1);
        CHECK_STR(l.units[0], "Kinda");
        CHECK_INT(l.w[0].responses, 10);
        CHECK_INT(l.w[0].sent, 50);
        CHECK_INT(l.w[0].imports, 2);
        CHECK_INT(l.w[0].edition_year, 2021);
        CHECK_INT(l.w[0].codes_issued, 0); /* no codes: 0, not unknown */
        CHECK_INT(l.w[0].codes_spent, 0);

        /* The lean listing: whether a wave has responses, not how many. */
        int64_t aneby, empty;
        CHECK_INT(enk_store_begin(s, d), ENK_OK);
        CHECK_INT(enk_store_unit(s, "Aneby", &aneby, d), ENK_OK);
        CHECK_INT(enk_store_wave(s, aneby, 2021, eb, -1, &empty, d), ENK_OK);
        CHECK_INT(enk_store_commit(s, d), ENK_OK);
        enk_store_filter any = {.any_response = true};
        l = (struct wave_list){0};
        CHECK_INT(enk_store_waves(s, &any, list_wave, &l, d), ENK_OK);
        CHECK_INT(l.n, 2);
        CHECK_STR(l.units[0], "Aneby");
        CHECK_INT(l.w[0].wave_id, empty);
        CHECK_INT(l.w[0].responses, 0);
        CHECK_INT(l.w[0].sent, -1);
        CHECK_STR(l.units[1], "Kinda");
        CHECK_INT(l.w[1].wave_id, wave);
        CHECK_INT(l.w[1].responses, 1);
        CHECK_INT(l.w[1].sent, 50);
        CHECK_INT(l.w[1].imports, 0);
        CHECK_INT(l.w[1].year, 2021);
        CHECK_INT(l.w[1].edition_year, 2021);
        any.unit_id = unit; /* the filter holds */
        l = (struct wave_list){0};
        CHECK_INT(enk_store_waves(s, &any, list_wave, &l, d), ENK_OK);
        CHECK_INT(l.n, 1);
        CHECK_STR(l.units[0], "Kinda");

        /* Replace: delete the first import and add it again, in one transaction. */
        CHECK_INT(enk_store_begin(s, d), ENK_OK);
        CHECK_INT(enk_store_delete_import(s, imp1, d), ENK_OK);
        CHECK_INT(enk_store_delete_import(s, imp1, d), ENK_ERR_NOTFOUND);
        int64_t imp3;
        CHECK_INT(enk_store_add_import(s, wave, "kinda-a.csv", "aaaa", &imp3, d), ENK_OK);
        CHECK_INT(fixture_add(s, wave, imp3, ENK_SOURCE_IMPORT, NULL, NULL, v, 2, NULL, 0, NULL, d),
                  ENK_OK);
        CHECK_INT(enk_store_commit(s, d), ENK_OK);
        CHECK_INT(raw_int(path, "SELECT count(*) FROM responses"), 4);
        CHECK_INT(raw_int(path, "SELECT count(*) FROM texts"), 3); /* the 7 went with theirs */
        CHECK_INT(raw_int(path, "SELECT count(*) FROM imports"), 2);
        CHECK_INT(enk_store_find_import(s, "aaaa", 0, &found, d), ENK_OK);
        CHECK_INT(found.id, imp3);
        CHECK_INT(found.rows, 1);

        /* Deleting outside a transaction is atomic by itself. */
        CHECK_INT(enk_store_delete_import(s, imp3, d), ENK_OK);
        CHECK_INT(raw_int(path, "SELECT count(*) FROM responses"), 3);
        CHECK_INT(raw_int(path, "SELECT count(*) FROM pragma_foreign_key_check"), 0);

        enk_questionnaire_free(b);
        enk_store_free(s);
        enk_diags_free(d);
}

/* A process that dies in the middle of an import leaves the store as it was
 * before the import began. */
static void test_crash(void)
{
        int64_t waves[NRESP], edition;
        enk_store *s = filled_store("crash.db", waves, &edition);
        static char path[256]; /* static: the killed child frees nothing */
        snprintf(path, sizeof(path), "%s", enk_store_path(s));
        enk_store_free(s);
        fflush(stdout);
        pid_t pid = fork();
        if (pid == 0) {
                enk_store *c = NULL;
                if (enk_store_open(path, 0, &c, NULL) != ENK_OK || enk_store_begin(c, NULL))
                        _exit(2);
                int32_t v[NA_SLOTS] = {1, 1, 1, 1, 1, ENK_MISSING};
                for (int i = 0; i < 5000; i++)
                        if (fixture_add(c, waves[1], 0, ENK_SOURCE_WEB, NULL, NULL, v, NA_SLOTS,
                                        NULL, 0, NULL, NULL) != ENK_OK)
                                _exit(3);
                raise(SIGKILL); /* killed mid-import: no commit, no close */
                _exit(4);
        }
        int wstatus = -1;
        waitpid(pid, &wstatus, 0);
        CHECK(WIFSIGNALED(wstatus) && WTERMSIG(wstatus) == SIGKILL);
        enk_diags *d = enk_diags_new(0);
        s = NULL;
        CHECK_INT(enk_store_open(path, 0, &s, d), ENK_OK);
        int64_t n = -1;
        if (s)
                CHECK_INT(enk_store_count(s, NULL, &n, d), ENK_OK);
        CHECK_INT(n, NRESP);
        enk_store_free(s);
        CHECK_INT(raw_int(path, "SELECT count(*) FROM pragma_integrity_check"
                                " WHERE integrity_check = 'ok'"),
                  1);
        enk_diags_free(d);
        remove_store(path);
}

/* A write that fails because the file cannot grow (a full disk, here a file
 * size limit in a child process) fails cleanly, and after the rollback the
 * store is as before and intact. */
static void test_disk_full(void)
{
        int64_t waves[NRESP], edition;
        enk_store *s = filled_store("full.db", waves, &edition);
        static char path[256];
        snprintf(path, sizeof(path), "%s", enk_store_path(s));
        enk_store_free(s);
        fflush(stdout);
        pid_t pid = fork();
        if (pid == 0) {
                enk_store *c = NULL;
                enk_diags *d = enk_diags_new(0);
                if (enk_store_open(path, 0, &c, d) != ENK_OK || enk_store_begin(c, d))
                        _exit(2);
                signal(SIGXFSZ, SIG_IGN);
                struct rlimit rl = {256 * 1024, 256 * 1024};
                setrlimit(RLIMIT_FSIZE, &rl);
                int32_t v[NA_SLOTS] = {1, 1, 1, 1, 1, ENK_MISSING};
                enk_status st = ENK_OK;
                for (int i = 0; i < 200000 && st == ENK_OK; i++)
                        st = fixture_add(c, waves[1], 0, ENK_SOURCE_WEB, NULL, NULL, v, NA_SLOTS,
                                         NULL, 0, NULL, d);
                if (st == ENK_OK)
                        st = enk_store_commit(c, d);
                int code = st == ENK_ERR_STORE && enk_diags_count(d) >= 1 &&
                                   (strstr(enk_diags_get(d, 0)->message, "disk full") ||
                                    strstr(enk_diags_get(d, 0)->message, "is the disk full"))
                               ? 0
                               : 5;
                /* Once SQLite abandoned the transaction, writes are refused. */
                if (st == ENK_ERR_STORE && enk_diags_count(d) >= 2 &&
                    enk_diags_get(d, 1)->severity == ENK_SEV_NOTE &&
                    fixture_add(c, waves[1], 0, ENK_SOURCE_WEB, NULL, NULL, v, NA_SLOTS, NULL, 0,
                                NULL, d) != ENK_ERR_STORE)
                        code = 6;
                /* ... and the handle says so, until the rollback. */
                if (st == ENK_ERR_STORE && enk_diags_count(d) >= 2 &&
                    enk_diags_get(d, 1)->severity == ENK_SEV_NOTE && !enk_store_aborted(c))
                        code = 7;
                enk_store_rollback(c);
                if (enk_store_aborted(c))
                        code = 8;
                enk_store_free(c);
                enk_diags_free(d);
                _exit(code);
        }
        int wstatus = -1;
        waitpid(pid, &wstatus, 0);
        CHECK(WIFEXITED(wstatus));
        CHECK_INT(WEXITSTATUS(wstatus), 0);
        CHECK_INT(raw_int(path, "SELECT count(*) FROM responses"), NRESP);
        CHECK_INT(raw_int(path, "SELECT count(*) FROM pragma_integrity_check"
                                " WHERE integrity_check = 'ok'"),
                  1);
        remove_store(path);
}

/* ------------------------------------------------------ locks, read-only */

static void test_locked(void)
{
        int64_t waves[NRESP], edition;
        enk_store *s = filled_store("locked.db", waves, &edition);
        char *path = strdup(enk_store_path(s));
        enk_store_free(s);

        /* Another process (here: connection) holds the write lock. */
        sqlite3 *other = NULL;
        CHECK_INT(sqlite3_open(path, &other), SQLITE_OK);
        CHECK_INT(sqlite3_exec(other, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);

        enk_diags *d = enk_diags_new(0);
        s = NULL;
        CHECK_INT(enk_store_open(path, 0, &s, d), ENK_OK); /* reading is not blocked */
        if (s) {
                enk_store_set_busy_timeout(s, 50);
                CHECK(!enk_store_begin_busy(s));
                CHECK_INT(enk_store_begin(s, d), ENK_ERR_STORE);
                CHECK(has_diag(d, path, "store is locked by another process"));
                CHECK(enk_store_begin_busy(s)); /* worth trying again later */
                CHECK(!enk_store_in_transaction(s));
                int64_t unit;
                CHECK_INT(enk_store_unit(s, "Kinda", &unit, d), ENK_OK); /* exists: a read */
                CHECK_INT(enk_store_unit(s, "Ny", &unit, d), ENK_ERR_STORE);
                int64_t n = 0;
                CHECK_INT(enk_store_count(s, NULL, &n, d), ENK_OK);
                CHECK_INT(n, NRESP);
        }
        sqlite3_exec(other, "ROLLBACK", NULL, NULL, NULL);
        sqlite3_close(other);
        if (s) {
                CHECK_INT(enk_store_begin(s, d), ENK_OK);
                CHECK(!enk_store_begin_busy(s));
                /* A failure for another reason is not "busy". */
                CHECK_INT(enk_store_begin(s, d), ENK_ERR_USAGE);
                CHECK(!enk_store_begin_busy(s));
                CHECK_INT(enk_store_commit(s, d), ENK_OK);
        }
        CHECK(!enk_store_begin_busy(NULL));
        enk_store_free(s);
        enk_diags_free(d);
        free(path);
}

static enk_status count_rows(void *ctx, const enk_store_row *row)
{
        (void) row;
        ++*(int *) ctx;
        return ENK_OK;
}

static void test_readonly(void)
{
        int64_t waves[NRESP], edition;
        enk_store *s = filled_store("readonly.db", waves, &edition);
        char *path = strdup(enk_store_path(s));
        enk_store_free(s);

        enk_diags *d = enk_diags_new(0);
        s = NULL;
        CHECK_INT(enk_store_open(path, ENK_STORE_READONLY, &s, d), ENK_OK);
        if (s) {
                int n = 0;
                CHECK_INT(enk_store_scan(s, NULL, count_rows, &n, d), ENK_OK);
                CHECK_INT(n, NRESP);
                CHECK_INT(enk_store_begin(s, d), ENK_ERR_STORE);
                CHECK(has_diag(d, path, "store is read-only"));
                int64_t unit;
                CHECK_INT(enk_store_unit(s, "Ny", &unit, d), ENK_ERR_STORE);
                int32_t v[NA_SLOTS] = {1, 1, 1, 1, 1, ENK_MISSING};
                CHECK_INT(fixture_add(s, waves[0], 0, ENK_SOURCE_WEB, NULL, NULL, v, NA_SLOTS, NULL,
                                      0, NULL, d),
                          ENK_ERR_STORE);
        }
        enk_store_free(s);

        /* A file without write permission (root may write anyway: skipped). */
        if (geteuid() != 0) {
                chmod(path, 0444);
                s = NULL;
                CHECK_INT(enk_store_open(path, 0, &s, d), ENK_OK);
                if (s) {
                        CHECK_INT(enk_store_begin(s, d), ENK_ERR_STORE);
                        CHECK(has_diag(d, path, "store is read-only"));
                }
                enk_store_free(s);
                chmod(path, 0644);
        }
        CHECK_INT(raw_int(path, "SELECT count(*) FROM responses"), NRESP);
        CHECK_INT(raw_int(path, "SELECT count(*) FROM units WHERE name = 'Ny'"), 0);
        enk_diags_free(d);
        remove_store(path);
        free(path);
}

/* ------------------------------------------------------------- checkpoints */

/* Commits n responses to wave, each with a free text of 3000 bytes (about a
 * page of the file apiece), in one transaction. */
/* Adds n responses of 3,000 bytes of text each in the open transaction. */
static void add_texts(enk_store *s, int64_t wave, int n)
{
        static char text[3001];
        memset(text, 'x', sizeof(text) - 1);
        enk_store_text t = {"forslag", text};
        int32_t v[NA_SLOTS] = {3, 1, 2, 0, 7, 1};
        for (int i = 0; i < n; i++)
                CHECK_INT(fixture_add(s, wave, 0, ENK_SOURCE_WEB, NULL, NULL, v, NA_SLOTS, &t, 1,
                                      NULL, NULL),
                          ENK_OK);
}

static void commit_pages(enk_store *s, int64_t wave, int n)
{
        CHECK_INT(enk_store_begin(s, NULL), ENK_OK);
        add_texts(s, wave, n);
        CHECK_INT(enk_store_commit(s, NULL), ENK_OK);
}

static long long file_size(const char *path)
{
        struct stat sb;
        return stat(path, &sb) == 0 ? (long long) sb.st_size : -1;
}

/* The responses in the store file alone, without its log: a copy of just the
 * main file, read by SQLite directly. */
static long long responses_in_main_file(const char *path)
{
        char copy[300], cmd[700];
        snprintf(copy, sizeof(copy), "%s.copy", path);
        remove_store(copy);
        snprintf(cmd, sizeof(cmd), "cp '%s' '%s'", path, copy);
        if (system(cmd) != 0)
                return -1;
        long long n = raw_int(copy, "SELECT count(*) FROM responses");
        remove_store(copy);
        return n;
}

struct ckpt_reader {
        enk_store *writer;
        int64_t wave;
        int rows;
        int64_t log, copied;
};

/* Runs while the scan holds its snapshot: commits more and checkpoints. */
static enk_status write_during_scan(void *ctx, const enk_store_row *row)
{
        (void) row;
        struct ckpt_reader *c = ctx;
        if (c->rows++ == 0) {
                commit_pages(c->writer, c->wave, 50);
                CHECK_INT(enk_store_checkpoint(c->writer, false, &c->log, &c->copied, NULL),
                          ENK_OK);
        }
        return ENK_OK;
}

/* The checkpoints of a store with pages of page bytes: a new store has 8 KiB
 * pages; one made by an older enkat has 4 KiB pages, made here by giving the
 * empty file that size first (a table created and dropped fixes it). The log
 * is counted in bytes, so both behave the same. */
static void test_checkpoint(int page)
{
        int64_t waves[NRESP], edition;
        char path[300];
        snprintf(path, sizeof(path), "%s", path_in_dir(page == 4096 ? "ckpt4k.db" : "ckpt.db"));
        remove_store(path);
        if (page == 4096)
                CHECK_INT(raw_exec(path, "PRAGMA page_size = 4096; CREATE TABLE x (a);"
                                         " DROP TABLE x"),
                          SQLITE_OK);
        enk_store *s = NULL;
        CHECK_INT(enk_store_open(path, ENK_STORE_CREATE, &s, NULL), ENK_OK);
        if (!s)
                return;
        fill(s, waves, &edition);
        CHECK_INT(raw_int(path, "PRAGMA page_size"), page);
        char wal[310];
        snprintf(wal, sizeof(wal), "%s-wal", path);
        enk_diags *d = enk_diags_new(0);
        int64_t total = NRESP;
        /* Responses per commit: each has 3,000 bytes of text, so a commit
         * adds over 600 KB to the log, and eight of them more than the
         * automatic checkpoint's 4 MB. */
        const int per = 200;

        /* By default a commit that leaves ENK_STORE_AUTOCHECKPOINT bytes or
         * more in the log checkpoints, and the next commit starts the log
         * again: the log never grows past that plus one commit. */
        int64_t prev = enk_store_wal_bytes(s), most = prev, drops = 0, commit = 0;
        CHECK(prev > 0 && prev % page == 0);
        for (int i = 0; i < 8; i++) {
                commit_pages(s, waves[0], per);
                total += per;
                int64_t now = enk_store_wal_bytes(s);
                int64_t added = now > prev ? now - prev : now;
                CHECK(added >= per * 3000);
                commit = added > commit ? added : commit;
                drops += now < prev;
                most = now > most ? now : most;
                prev = now;
        }
        CHECK(drops >= 1);
        CHECK(most < ENK_STORE_AUTOCHECKPOINT + commit);

        /* Off: the log only grows, the pages go nowhere else. */
        enk_store_set_autocheckpoint(s, 0);
        /* (This commit may still start the log again, after the last
         * automatic checkpoint.) */
        commit_pages(s, waves[0], per);
        total += per;
        int64_t grew = 0, first = enk_store_wal_bytes(s);
        prev = first;
        for (int i = 0; i < 8; i++) {
                commit_pages(s, waves[0], per);
                total += per;
                int64_t now = enk_store_wal_bytes(s);
                grew += now > prev;
                prev = now;
        }
        CHECK_INT(grew, 8);
        CHECK(prev - first >= 8 * per * 3000);
        CHECK(prev > 2 * ENK_STORE_AUTOCHECKPOINT);
        /* The WAL file format (sqlite.org/fileformat.html): a 32-byte header,
         * then one frame per page, a 24-byte frame header and the page. */
        CHECK_INT(file_size(wal), 32 + prev / page * (24 + page));
        /* Every commit is visible (through the log) ... */
        CHECK_INT(raw_int(path, "SELECT count(*) FROM responses"), total);
        /* ... but the main file alone lacks the last 1,600 responses. */
        long long main_only = responses_in_main_file(path);
        CHECK(main_only >= 0 && main_only <= total - 8 * per);

        /* A passive checkpoint copies everything into the main file. */
        int64_t log = -2, copied = -2;
        CHECK_INT(enk_store_checkpoint(s, false, &log, &copied, d), ENK_OK);
        CHECK_INT(log, prev);
        CHECK_INT(copied, log);
        CHECK_INT(responses_in_main_file(path), total);
        /* The next commit starts the log again from the beginning; the file
         * keeps its size. */
        commit_pages(s, waves[0], 10);
        total += 10;
        CHECK(enk_store_wal_bytes(s) >= 10 * 3000 && enk_store_wal_bytes(s) < 100 * page);
        CHECK_INT(file_size(wal), 32 + prev / page * (24 + page));

        /* A reader's older snapshot holds the checkpoint back: the pages
         * committed after the reader began stay in the log ... */
        enk_store *r = NULL;
        CHECK_INT(enk_store_open(path, ENK_STORE_READONLY, &r, d), ENK_OK);
        struct ckpt_reader c = {s, waves[0], 0, -2, -2};
        if (r)
                CHECK_INT(enk_store_scan(r, NULL, write_during_scan, &c, d), ENK_OK);
        total += 50;
        CHECK_INT(c.rows, total - 50); /* the scan saw its snapshot only */
        CHECK(c.log >= 50 * 3000);
        CHECK(c.copied >= 0 && c.copied < c.log);
        /* ... until the reader is done. */
        CHECK_INT(enk_store_checkpoint(s, false, &log, &copied, d), ENK_OK);
        CHECK_INT(log, c.log);
        CHECK_INT(copied, log);
        CHECK_INT(responses_in_main_file(path), total);
        /* A read-only handle cannot checkpoint. */
        if (r) {
                CHECK_INT(enk_store_checkpoint(r, false, NULL, NULL, d), ENK_ERR_STORE);
                CHECK(has_diag(d, path, "store is read-only: cannot checkpoint"));
        }
        enk_store_free(r);

        /* Not inside a transaction. */
        CHECK_INT(enk_store_begin(s, d), ENK_OK);
        CHECK_INT(enk_store_checkpoint(s, false, NULL, NULL, d), ENK_ERR_USAGE);
        CHECK(has_diag(d, path, "cannot checkpoint inside a transaction"));
        enk_store_rollback(s);

        /* A truncating checkpoint empties the log file. */
        commit_pages(s, waves[0], 10);
        total += 10;
        CHECK_INT(enk_store_checkpoint(s, true, &log, &copied, d), ENK_OK);
        CHECK_INT(log, 0);
        CHECK_INT(copied, 0);
        CHECK_INT(enk_store_wal_bytes(s), 0);
        CHECK_INT(file_size(wal), 0);
        CHECK_INT(responses_in_main_file(path), total);

        /* Durability does not depend on checkpoints: what a handle without
         * them committed survives kill -9, though only the log holds it. */
        static char kpath[300]; /* static: the killed child frees nothing */
        snprintf(kpath, sizeof(kpath), "%s", path);
        enk_store_free(s);
        fflush(stdout);
        pid_t pid = fork();
        if (pid == 0) {
                enk_store *k = NULL;
                if (enk_store_open(kpath, 0, &k, NULL) != ENK_OK)
                        _exit(2);
                enk_store_set_autocheckpoint(k, 0);
                for (int i = 0; i < 6; i++)
                        commit_pages(k, waves[0], per);
                raise(SIGKILL);
                _exit(4);
        }
        int wstatus = -1;
        waitpid(pid, &wstatus, 0);
        CHECK(WIFSIGNALED(wstatus) && WTERMSIG(wstatus) == SIGKILL);
        total += 6 * per;
        CHECK(responses_in_main_file(kpath) <= total - 6 * per);
        CHECK_INT(raw_int(kpath, "SELECT count(*) FROM responses"), total);
        CHECK_INT(raw_int(kpath, "SELECT count(*) FROM pragma_integrity_check"
                                 " WHERE integrity_check = 'ok'"),
                  1);
        enk_diags_free(d);
        remove_store(kpath);
}

/* A bulk transaction (an import) writes its pages once when it has the file
 * to itself: with a rollback journal (STORE-journal while it runs), not
 * through the log; and back in WAL mode after it. */
static void test_bulk(void)
{
        int64_t waves[NRESP], edition;
        enk_store *s = filled_store("bulk.db", waves, &edition);
        char path[300], wal[310], journal[310];
        snprintf(path, sizeof(path), "%s", enk_store_path(s));
        snprintf(wal, sizeof(wal), "%s-wal", path);
        snprintf(journal, sizeof(journal), "%s-journal", path);
        enk_diags *d = enk_diags_new(0);
        CHECK_INT(enk_store_checkpoint(s, true, NULL, NULL, d), ENK_OK);
        long long before = file_size(path);
        int64_t total = NRESP;

        /* Alone: 3,000 responses of 3,000 bytes, far more than the page
         * cache (2 MB), so pages go to the file before the commit. */
        CHECK_INT(enk_store_begin_bulk(s, d), ENK_OK);
        CHECK(enk_store_in_transaction(s));
        add_texts(s, waves[0], 3000);
        total += 3000;
        CHECK(file_size(journal) > 0); /* a rollback journal ... */
        CHECK(file_size(wal) <= 0);    /* ... and no log */
        CHECK(file_size(path) > before);
        CHECK_INT(enk_store_commit(s, d), ENK_OK);
        CHECK(!enk_store_in_transaction(s));
        CHECK(file_size(journal) < 0);
        CHECK(file_size(path) >= before + 3000 * 3000);
        /* Back in WAL mode, with (almost) nothing in the log: the pages were
         * written once, into the file. */
        CHECK_INT(raw_int(path, "SELECT journal_mode = 'wal' FROM pragma_journal_mode"), 1);
        CHECK(file_size(wal) < 100 * 1024);
        CHECK_INT(responses_in_main_file(path), total);
        commit_pages(s, waves[0], 10); /* an ordinary commit: to the log */
        total += 10;
        CHECK(file_size(wal) > 10 * 3000);
        CHECK(file_size(journal) < 0);

        /* Rolled back: as before, and in WAL mode. */
        CHECK_INT(enk_store_begin_bulk(s, d), ENK_OK);
        add_texts(s, waves[0], 1000);
        enk_store_rollback(s);
        CHECK(file_size(journal) < 0);
        CHECK_INT(raw_int(path, "SELECT count(*) FROM responses"), total);
        CHECK_INT(raw_int(path, "SELECT journal_mode = 'wal' FROM pragma_journal_mode"), 1);

        /* Not alone (a reader has the file open): the transaction stays in
         * WAL mode, and the reader goes on reading the store as it was. */
        enk_store *r = NULL;
        CHECK_INT(enk_store_open(path, ENK_STORE_READONLY, &r, d), ENK_OK);
        CHECK_INT(enk_store_begin_bulk(s, d), ENK_OK);
        add_texts(s, waves[0], 3000);
        CHECK(file_size(journal) < 0);
        int64_t n = -1;
        if (r)
                CHECK_INT(enk_store_count(r, NULL, &n, d), ENK_OK);
        CHECK_INT(n, total);
        CHECK_INT(enk_store_commit(s, d), ENK_OK);
        total += 3000;
        CHECK(file_size(wal) > 3000 * 3000);
        if (r)
                CHECK_INT(enk_store_count(r, NULL, &n, d), ENK_OK);
        CHECK_INT(n, total);
        enk_store_free(r);

        /* Closed with the transaction open: rolled back, back in WAL mode. */
        CHECK_INT(enk_store_checkpoint(s, true, NULL, NULL, d), ENK_OK);
        CHECK_INT(enk_store_begin_bulk(s, d), ENK_OK);
        add_texts(s, waves[0], 1000);
        CHECK(file_size(journal) > 0);
        enk_store_free(s);
        CHECK(file_size(journal) < 0);
        CHECK_INT(raw_int(path, "SELECT count(*) FROM responses"), total);
        CHECK_INT(raw_int(path, "SELECT journal_mode = 'wal' FROM pragma_journal_mode"), 1);
        CHECK_INT(raw_int(path, "SELECT count(*) FROM pragma_integrity_check"
                                " WHERE integrity_check = 'ok'"),
                  1);
        CHECK_INT(enk_diags_errors(d), 0);
        enk_diags_free(d);
        remove_store(path);
}

/* Killed in the middle of a bulk transaction, after some of its pages went
 * into the store file: the journal left behind rolls it back, for a reader
 * as for a writer, and the store is as it was. */
static void test_bulk_crash(void)
{
        int64_t waves[NRESP], edition;
        enk_store *s = filled_store("bulkcrash.db", waves, &edition);
        static char path[300], journal[310]; /* static: the killed child frees nothing */
        snprintf(path, sizeof(path), "%s", enk_store_path(s));
        snprintf(journal, sizeof(journal), "%s-journal", path);
        enk_store_free(s);
        long long before = file_size(path);
        fflush(stdout);
        pid_t pid = fork();
        if (pid == 0) {
                enk_store *c = NULL;
                if (enk_store_open(path, 0, &c, NULL) != ENK_OK ||
                    enk_store_begin_bulk(c, NULL) != ENK_OK)
                        _exit(2);
                add_texts(c, waves[1], 2000);
                /* and an import's rows, many to a statement, over 4 MB: the
                 * file's writeback started (store_write_back) */
                static const char *texts[NA_SLOTS];
                static char text[3001];
                memset(text, 'y', sizeof(text) - 1);
                enk_store_text t = {"forslag", text};
                int32_t v[NA_SLOTS] = {3, 1, 2, 0, 7, 1};
                enk_response rs[64];
                for (int i = 0; i < 64; i++)
                        rs[i] = fixture_response(ENK_SOURCE_IMPORT, NULL, NULL, v, NA_SLOTS, &t, 1,
                                                 texts);
                int64_t imp = 0;
                size_t stored = 0;
                if (enk_store_add_import(c, waves[1], "x.csv", "cafe", &imp, NULL) != ENK_OK)
                        _exit(3);
                for (int i = 0; i < 40; i++)
                        if (enk_store_add_responses(c, waves[1], imp, rs, 64, &stored, NULL) !=
                            ENK_OK)
                                _exit(3);
                raise(SIGKILL); /* killed mid-import: no commit, no close */
                _exit(4);
        }
        int wstatus = -1;
        waitpid(pid, &wstatus, 0);
        CHECK(WIFSIGNALED(wstatus) && WTERMSIG(wstatus) == SIGKILL);
        /* The child did write into the file, and left its journal. */
        CHECK(file_size(path) > before);
        CHECK(file_size(journal) > 0);
        /* A read-only handle (enkat stats) sees the store as it was ... */
        enk_diags *d = enk_diags_new(0);
        s = NULL;
        int64_t n = -1;
        CHECK_INT(enk_store_open(path, ENK_STORE_READONLY, &s, d), ENK_OK);
        if (s)
                CHECK_INT(enk_store_count(s, NULL, &n, d), ENK_OK);
        CHECK_INT(n, NRESP);
        enk_store_free(s);
        /* ... and so does a writable one, which puts it back in WAL mode. */
        s = NULL;
        n = -1;
        CHECK_INT(enk_store_open(path, 0, &s, d), ENK_OK);
        if (s)
                CHECK_INT(enk_store_count(s, NULL, &n, d), ENK_OK);
        CHECK_INT(n, NRESP);
        CHECK(file_size(journal) < 0);
        CHECK_INT(raw_int(path, "SELECT journal_mode = 'wal' FROM pragma_journal_mode"), 1);
        enk_store_free(s);
        CHECK_INT(raw_int(path, "SELECT count(*) FROM pragma_integrity_check"
                                " WHERE integrity_check = 'ok'"),
                  1);
        CHECK_INT(enk_diags_errors(d), 0);
        enk_diags_free(d);
        remove_store(path);
}

/* ------------------------------------------------- web collection (schema 2) */

/* Code number i, normalised: twelve digits ("000000000042"), all symbols of
 * the alphabet. */
static const char *code_of(int i)
{
        static char buf[8][ENK_CODES_NORMALIZED_SIZE];
        static int next;
        char *c = buf[next++ % 8];
        snprintf(c, ENK_CODES_NORMALIZED_SIZE, "%012d", i);
        return c;
}

/* The hash the store keeps for code number i, as 64 hex digits. */
static const char *code_hash(int i)
{
        static char buf[8][ENK_HASH_HEX_SIZE];
        static int next;
        char *h = buf[next++ % 8];
        enk_codes_hash(code_of(i), h);
        return h;
}

/* A store with edition yaml_a, unit Vetlanda, waves 2020 and 2021. */
static enk_store *web_store(const char *name, int64_t *w2020, int64_t *w2021, int64_t *unit)
{
        enk_store *s = open_new(name);
        enk_diags *d = enk_diags_new(0);
        enk_questionnaire *a = parse(yaml_a);
        int64_t edition;
        CHECK_INT(enk_store_add_edition(s, a, &edition, d), ENK_OK);
        CHECK_INT(enk_store_unit(s, "Vetlanda", unit, d), ENK_OK);
        CHECK_INT(enk_store_wave(s, *unit, 2020, edition, 100, w2020, d), ENK_OK);
        CHECK_INT(enk_store_wave(s, *unit, 2021, edition, -1, w2021, d), ENK_OK);
        CHECK_INT(enk_diags_errors(d), 0);
        enk_questionnaire_free(a);
        enk_diags_free(d);
        return s;
}

static enk_code_state state_of(enk_store *s, int64_t wave, const char *hash, bool *draft)
{
        enk_code_state st = (enk_code_state) 99;
        CHECK_INT(enk_store_code_state(s, wave, hash, &st, draft, NULL), ENK_OK);
        return st;
}

/* Whether the bytes of needle occur in the file at path or in its
 * write-ahead log: what a copy of the store taken now would hold. */
static bool copy_holds(const char *path, const char *needle)
{
        size_t nl = strlen(needle);
        bool found = false;
        for (int k = 0; k < 2 && !found; k++) {
                char name[512];
                snprintf(name, sizeof(name), k ? "%s-wal" : "%s", path);
                FILE *f = fopen(name, "rb");
                if (!f)
                        continue;
                char *buf = malloc(8 << 20);
                size_t n = fread(buf, 1, 8 << 20, f);
                fclose(f);
                for (size_t i = 0; i + nl <= n && !found; i++)
                        found = memcmp(buf + i, needle, nl) == 0;
                free(buf);
        }
        return found;
}

static void test_find_wave(void)
{
        int64_t w2020, w2021, unit;
        enk_store *s = web_store("web.db", &w2020, &w2021, &unit);
        enk_diags *d = enk_diags_new(0);
        int64_t wave = 0, edition = 0, want_edition = 0;
        CHECK_INT(enk_store_find_edition(s, "familjehem", 2020, &want_edition, d), ENK_OK);
        CHECK_INT(enk_store_find_wave(s, unit, 2021, &wave, &edition, d), ENK_OK);
        CHECK_INT(wave, w2021);
        CHECK_INT(edition, want_edition);
        CHECK_INT(enk_store_find_wave(s, unit, 2020, &wave, NULL, d), ENK_OK);
        CHECK_INT(wave, w2020);
        CHECK_INT(enk_diags_errors(d), 0);

        /* Not found: nothing created, outputs untouched, the unit named. */
        wave = edition = -5;
        CHECK_INT(enk_store_find_wave(s, unit, 2019, &wave, &edition, d), ENK_ERR_NOTFOUND);
        CHECK_INT(wave, -5);
        CHECK_INT(edition, -5);
        CHECK(has_diag(d, enk_store_path(s), "no wave of unit 'Vetlanda' in year 2019"));
        CHECK_INT(enk_store_find_wave(s, unit + 7, 2020, &wave, NULL, d), ENK_ERR_NOTFOUND);
        CHECK(has_diag(d, NULL, "no wave of unit id"));
        CHECK_INT(raw_int(enk_store_path(s), "SELECT count(*) FROM waves"), 2);
        enk_diags_free(d);
        enk_store_free(s);
}

static void test_add_codes(void)
{
        int64_t w2020, w2021, unit;
        enk_store *s = web_store("web.db", &w2020, &w2021, &unit);
        const char *path = enk_store_path(s);
        enk_diags *d = enk_diags_new(0);
        const char *h[4] = {code_hash(1), code_hash(2), code_hash(3), code_hash(4)};

        CHECK_INT(enk_store_add_codes(s, w2020, h, 3, d), ENK_OK);
        CHECK_INT(enk_store_add_codes(s, w2020, h, 0, d), ENK_OK);
        CHECK_INT(raw_int(path, "SELECT count(*) FROM codes"), 3);
        CHECK_INT(raw_int(path, "SELECT count(*) FROM codes WHERE spent = 0"), 3);
        /* Only the hash is kept, as given. */
        char sql[160];
        snprintf(sql, sizeof(sql), "SELECT count(*) FROM codes WHERE hash = '%s'", h[1]);
        CHECK_INT(raw_int(path, sql), 1);
        CHECK_INT(enk_diags_errors(d), 0);

        /* All or nothing: one bad hash, a duplicate in the batch, one already
         * stored (also in upper case, or in another wave), an unknown wave. */
        char upper[ENK_HASH_HEX_SIZE];
        for (int i = 0; i < ENK_HASH_HEX_SIZE; i++)
                upper[i] = (char) (h[0][i] >= 'a' && h[0][i] <= 'f' ? h[0][i] - 32 : h[0][i]);
        char short_hash[64], bad_digit[ENK_HASH_HEX_SIZE], long_hash[66];
        memcpy(short_hash, h[3], 63);
        short_hash[63] = '\0';
        memcpy(bad_digit, h[3], ENK_HASH_HEX_SIZE);
        bad_digit[10] = 'g';
        snprintf(long_hash, sizeof(long_hash), "%s0", h[3]);
        const char *bad1[2] = {h[3], short_hash};
        const char *bad2[2] = {h[3], bad_digit};
        const char *bad3[2] = {h[3], long_hash};
        const char *bad4[2] = {h[3], NULL};
        CHECK_INT(enk_store_add_codes(s, w2020, bad1, 2, d), ENK_ERR_USAGE);
        CHECK(has_diag(d, path, "access code hash 2 of 2 is not 64 hex digits"));
        CHECK_INT(enk_store_add_codes(s, w2020, bad2, 2, d), ENK_ERR_USAGE);
        CHECK_INT(enk_store_add_codes(s, w2020, bad3, 2, d), ENK_ERR_USAGE);
        CHECK_INT(enk_store_add_codes(s, w2020, bad4, 2, d), ENK_ERR_USAGE);
        const char *dup_batch[3] = {h[3], code_hash(5), h[3]};
        CHECK_INT(enk_store_add_codes(s, w2020, dup_batch, 3, d), ENK_ERR_EXISTS);
        CHECK(has_diag(d, path, "access code 3 of 3 is already in the store"));
        const char *dup_old[2] = {h[3], h[1]};
        CHECK_INT(enk_store_add_codes(s, w2021, dup_old, 2, d), ENK_ERR_EXISTS);
        const char *dup_upper[2] = {h[3], upper};
        CHECK_INT(enk_store_add_codes(s, w2020, dup_upper, 2, d), ENK_ERR_EXISTS);
        CHECK_INT(enk_store_add_codes(s, w2021 + 10, &h[3], 1, d), ENK_ERR_NOTFOUND);
        CHECK(has_diag(d, path, "no wave with id"));
        CHECK_INT(raw_int(path, "SELECT count(*) FROM codes"), 3);
        /* No diagnostic spells a hash. */
        for (size_t i = 0; i < enk_diags_count(d); i++)
                CHECK(strstr(enk_diags_get(d, i)->message, h[1]) == NULL);

        /* Later codes for the same wave, and for another wave; inside a
         * transaction a failed batch leaves the earlier work intact. */
        CHECK_INT(enk_store_begin(s, d), ENK_OK);
        CHECK_INT(enk_store_add_codes(s, w2020, &h[3], 1, d), ENK_OK);
        const char *again[2] = {code_hash(6), h[3]};
        CHECK_INT(enk_store_add_codes(s, w2021, again, 2, d), ENK_ERR_EXISTS);
        const char *other[2] = {code_hash(7), code_hash(8)};
        CHECK_INT(enk_store_add_codes(s, w2021, other, 2, d), ENK_OK);
        CHECK_INT(enk_store_commit(s, d), ENK_OK);
        CHECK_INT(raw_int(path, "SELECT count(*) FROM codes"), 6);

        /* Codes are looked up by the code, normalised; its hash is not a
         * code. */
        CHECK_INT(state_of(s, w2020, code_of(1), NULL), ENK_CODE_OPEN);
        CHECK_INT(state_of(s, w2021, code_of(1), NULL), ENK_CODE_UNKNOWN); /* another wave's */
        CHECK_INT(state_of(s, w2021, code_of(7), NULL), ENK_CODE_OPEN);
        CHECK_INT(state_of(s, w2020, code_of(6), NULL), ENK_CODE_UNKNOWN); /* rolled back */
        CHECK_INT(state_of(s, w2020, h[0], NULL), ENK_CODE_UNKNOWN);
        CHECK_INT(state_of(s, w2020, upper, NULL), ENK_CODE_UNKNOWN);
        CHECK_INT(state_of(s, w2020, "0000-0000-0001", NULL),
                  ENK_CODE_UNKNOWN); /* not normalised */
        CHECK_INT(state_of(s, w2020, "not a code", NULL), ENK_CODE_UNKNOWN);
        CHECK_INT(state_of(s, w2020, NULL, NULL), ENK_CODE_UNKNOWN);

        struct wave_list l = {0};
        CHECK_INT(enk_store_waves(s, NULL, list_wave, &l, d), ENK_OK);
        CHECK_INT(l.n, 2);
        CHECK_INT(l.w[0].year, 2020);
        CHECK_INT(l.w[0].codes_issued, 4);
        CHECK_INT(l.w[0].codes_spent, 0);
        CHECK_INT(l.w[1].codes_issued, 2);
        enk_diags_free(d);
        enk_store_free(s);
}

static void test_drafts(void)
{
        int64_t w2020, w2021, unit;
        enk_store *s = web_store("web.db", &w2020, &w2021, &unit);
        char *path = strdup(enk_store_path(s));
        enk_diags *d = enk_diags_new(0);
        const char *h[2] = {code_hash(1), code_hash(2)};
        const char *c[2] = {"000000000001", "000000000002"};
        CHECK_INT(enk_store_add_codes(s, w2020, h, 2, d), ENK_OK);

        void *data = (void *) "untouched";
        size_t len = 77;
        bool draft = true;
        CHECK_INT(state_of(s, w2020, c[0], &draft), ENK_CODE_OPEN);
        CHECK(!draft);
        CHECK_INT(enk_store_load_draft(s, w2020, c[0], &data, &len, d), ENK_ERR_NOTFOUND);
        CHECK_INT(len, 77);
        CHECK_INT(enk_diags_count(d), 0); /* none kept is not an error */

        CHECK_INT(enk_store_save_draft(s, w2020, c[0], "nojd=4&typ=1", 12, d), ENK_OK);
        CHECK_INT(state_of(s, w2020, c[0], &draft), ENK_CODE_OPEN);
        CHECK(draft);
        /* While it is kept, a copy of the file (and its log) holds neither
         * its text nor anything that names the code: not the code's hash, and
         * a sealed box a whole block long, whatever the text's length. */
        CHECK(!copy_holds(path, "nojd=4&typ=1"));
        CHECK_INT(
            raw_int(path, "SELECT count(*) FROM drafts WHERE tag IN (SELECT hash FROM codes)"), 0);
        CHECK_INT(raw_int(path, "SELECT length(box) FROM drafts"), 256 + 40);
        CHECK_INT(state_of(s, w2020, c[1], &draft), ENK_CODE_OPEN);
        CHECK(!draft);
        CHECK_INT(enk_store_load_draft(s, w2020, c[0], &data, &len, d), ENK_OK);
        CHECK_INT(len, 12);
        CHECK_STR((const char *) data, "nojd=4&typ=1"); /* NUL-terminated */
        free(data);
        /* A long draft (beyond a page: its bytes go to overflow pages, which
         * a delete would leave behind as free pages without secure_delete). */
        char *big = malloc(6000);
        memset(big, 'x', 6000);
        memcpy(big + 100, "DRAFT-ANSWER", 12);
        memcpy(big + 5000, "DRAFT-ANSWER", 12);
        CHECK_INT(enk_store_save_draft(s, w2020, c[0], big, 6000, d), ENK_OK);
        CHECK_INT(enk_store_load_draft(s, w2020, c[0], &data, &len, d), ENK_OK);
        CHECK_INT(len, 6000);
        CHECK(memcmp(data, big, 6000) == 0);
        free(data);
        free(big);
        /* Replaced, with bytes that are not text. */
        const unsigned char bin[5] = {0, 255, 1, 0, 7};
        CHECK_INT(enk_store_save_draft(s, w2020, c[0], bin, 5, d), ENK_OK);
        CHECK_INT(enk_store_load_draft(s, w2020, c[0], &data, &len, d), ENK_OK);
        CHECK_INT(len, 5);
        CHECK(memcmp(data, bin, 5) == 0 && ((char *) data)[5] == '\0');
        free(data);
        CHECK_INT(raw_int(path, "SELECT count(*) FROM drafts"), 1);
        /* An empty draft is a draft. */
        CHECK_INT(enk_store_save_draft(s, w2020, c[1], NULL, 0, d), ENK_OK);
        CHECK_INT(enk_store_load_draft(s, w2020, c[1], &data, &len, d), ENK_OK);
        CHECK_INT(len, 0);
        free(data);
        CHECK_INT(enk_diags_errors(d), 0);

        /* Unknown codes, codes of another wave: nothing written. */
        CHECK_INT(enk_store_save_draft(s, w2020, code_of(3), "x", 1, d), ENK_ERR_NOTFOUND);
        CHECK(has_diag(d, path, "unknown access code"));
        CHECK_INT(enk_store_save_draft(s, w2021, c[0], "x", 1, d), ENK_ERR_NOTFOUND);
        CHECK_INT(enk_store_save_draft(s, w2020, "zz", "x", 1, d), ENK_ERR_NOTFOUND);
        CHECK_INT(enk_store_load_draft(s, w2021, c[0], &data, &len, d), ENK_ERR_NOTFOUND);
        CHECK_INT(raw_int(path, "SELECT count(*) FROM drafts"), 2);
        CHECK_INT(enk_store_load_draft(s, w2020, c[0], &data, &len, d), ENK_OK);
        CHECK_INT(len, 5);
        free(data);

        /* A spent code keeps no draft and takes none. */
        int32_t v[NA_SLOTS] = {4, 1, 0, 1, 3, ENK_MISSING};
        CHECK_INT(fixture_submit(s, w2020, c[0], "2020-05-01", v, NA_SLOTS, NULL, 0, d), ENK_OK);
        CHECK_INT(state_of(s, w2020, c[0], &draft), ENK_CODE_SPENT);
        CHECK(!draft);
        CHECK_INT(enk_store_load_draft(s, w2020, c[0], &data, &len, d), ENK_ERR_NOTFOUND);
        size_t before = enk_diags_count(d);
        CHECK_INT(enk_store_save_draft(s, w2020, c[0], "late", 4, d), ENK_ERR_EXISTS);
        CHECK(has_diag(d, path, "access code already used"));
        CHECK(enk_diags_count(d) == before + 1);
        CHECK_INT(raw_int(path, "SELECT count(*) FROM drafts"), 1);
        /* The replaced and deleted drafts' bytes are gone from the file
         * (secure_delete), so they cannot be matched with the response. */
        enk_store_free(s);
        FILE *f = fopen(path, "rb");
        char *file = malloc(1 << 20);
        size_t n = f ? fread(file, 1, 1 << 20, f) : 0;
        if (f)
                fclose(f);
        char wal[300];
        snprintf(wal, sizeof(wal), "%s-wal", path);
        CHECK(access(wal, F_OK) != 0); /* checkpointed and removed on close */
        bool found = false;
        for (size_t i = 0; i + 12 <= n && !found; i++)
                found = memcmp(file + i, "nojd=4&typ=1", 12) == 0 ||
                        memcmp(file + i, "DRAFT-ANSWER", 12) == 0;
        CHECK(n > 0 && !found);
        free(file);
        free(path);
        enk_diags_free(d);
}

static void test_submit(void)
{
        int64_t w2020, w2021, unit;
        enk_store *s = web_store("web.db", &w2020, &w2021, &unit);
        const char *path = enk_store_path(s);
        enk_diags *d = enk_diags_new(0);
        const char *h[3] = {code_hash(1), code_hash(2), code_hash(3)};
        const char *c[3] = {"000000000001", "000000000002", "000000000003"};
        CHECK_INT(enk_store_add_codes(s, w2020, h, 3, d), ENK_OK);
        CHECK_INT(enk_store_save_draft(s, w2020, c[0], "draft", 5, d), ENK_OK);

        int32_t v[NA_SLOTS] = {ENK_NA, 2, 1 | 1 << 29, 0, -10, 1};
        enk_store_text t = {"forslag", "Mer stöd, tack"};
        CHECK_INT(fixture_submit(s, w2020, c[0], "2020-05-01", v, NA_SLOTS, &t, 1, d), ENK_OK);
        CHECK_INT(enk_diags_errors(d), 0);
        CHECK_INT(state_of(s, w2020, c[0], NULL), ENK_CODE_SPENT);
        CHECK_INT(state_of(s, w2020, c[1], NULL), ENK_CODE_OPEN);
        /* What was written, read with SQLite directly. */
        CHECK_INT(raw_int(path, "SELECT count(*) FROM responses"), 1);
        CHECK_INT(raw_int(path, "SELECT count(*) FROM responses WHERE source = 'web'"
                                " AND date = '2020-05-01' AND respondent_key IS NULL"
                                " AND import_id IS NULL"),
                  1);
        CHECK_INT(raw_int(path, "SELECT count(*) FROM drafts"), 0);
        /* Spent: a mark of its own, the code's row as it was. */
        CHECK_INT(raw_int(path, "SELECT count(*) FROM spent"), 1);
        CHECK_INT(raw_int(path, "SELECT sum(spent) FROM codes"), 0);
        CHECK_INT(raw_int(path, "SELECT count(*) FROM texts WHERE text = 'Mer stöd, tack'"), 1);
        /* The answers BLOB: 4 bytes big-endian per slot; 0x80000001 is NA,
         * 0x20000001 the bits of options 1 and 30, 0xFFFFFFF6 is -10. */
        CHECK_INT(raw_int(path, "SELECT hex(answers) = '80000001' || '00000002' || '20000001'"
                                " || '00000000' || 'FFFFFFF6' || '00000001' FROM responses"),
                  1);
        /* Nothing but the code's own row names its hash, and that row is as
         * it was before: a copy cannot tell this code from an open one. */
        char sql[400];
        snprintf(sql, sizeof(sql),
                 "SELECT (SELECT count(*) FROM spent WHERE tag = '%s')"
                 " + (SELECT count(*) FROM drafts WHERE tag = '%s')"
                 " + (SELECT count(*) FROM codes WHERE hash = '%s' AND spent = 0)",
                 h[0], h[0], h[0]);
        CHECK_INT(raw_int(path, sql), 1);
        /* The id: random in [1, 2^62), not the first rowid SQLite would give. */
        long long id = raw_int(path, "SELECT id FROM responses");
        CHECK(id > 1 && id < (1LL << 62));

        /* A second submission with the same code: refused, nothing written. */
        size_t errors = enk_diags_errors(d);
        CHECK_INT(fixture_submit(s, w2020, c[0], "2020-05-02", v, NA_SLOTS, &t, 1, d),
                  ENK_ERR_EXISTS);
        CHECK(has_diag(d, path, "access code already used"));
        CHECK_INT(enk_diags_errors(d), errors + 1);
        CHECK_INT(raw_int(path, "SELECT count(*) FROM responses"), 1);
        CHECK_INT(raw_int(path, "SELECT count(*) FROM texts"), 1);
        /* Unknown, another wave's, malformed: not found, nothing written. */
        CHECK_INT(fixture_submit(s, w2020, code_of(9), "2020-05-02", v, NA_SLOTS, NULL, 0, d),
                  ENK_ERR_NOTFOUND);
        CHECK(has_diag(d, path, "unknown access code"));
        CHECK_INT(fixture_submit(s, w2021, c[1], "2020-05-02", v, NA_SLOTS, NULL, 0, d),
                  ENK_ERR_NOTFOUND);
        CHECK_INT(fixture_submit(s, w2020, "K7QM-4XPA-93TR", "2020-05-02", v, NA_SLOTS, NULL, 0, d),
                  ENK_ERR_NOTFOUND);
        /* Bad requests: the code stays open, nothing written. A bad text
         * fails after the code was spent and the response inserted: the
         * savepoint takes both back. */
        CHECK_INT(enk_store_save_draft(s, w2020, c[1], "keep", 4, d), ENK_OK);
        CHECK_INT(fixture_submit(s, w2020, c[1], "2020-05-02", v, NA_SLOTS - 1, NULL, 0, d),
                  ENK_ERR_USAGE);
        CHECK_INT(fixture_submit(s, w2020, c[1], "2020-02-30", v, NA_SLOTS, NULL, 0, d),
                  ENK_ERR_USAGE);
        CHECK_INT(fixture_submit(s, w2020, c[1], "2020-05-02 12:00", v, NA_SLOTS, NULL, 0, d),
                  ENK_ERR_USAGE);
        enk_store_text not_text = {"nojd", "fyra"};
        CHECK_INT(fixture_submit(s, w2020, c[1], "2020-05-02", v, NA_SLOTS, &not_text, 1, d),
                  ENK_ERR_USAGE);
        CHECK(has_diag(d, path, "question 'nojd' is not a free-text question"));
        CHECK_INT(fixture_submit(s, w2021 + 10, c[1], "2020-05-02", v, NA_SLOTS, NULL, 0, d),
                  ENK_ERR_NOTFOUND);
        CHECK_INT(state_of(s, w2020, c[1], NULL), ENK_CODE_OPEN);
        CHECK_INT(raw_int(path, "SELECT count(*) FROM responses"), 1);
        CHECK_INT(raw_int(path, "SELECT count(*) FROM drafts"), 1);
        CHECK_INT(raw_int(path, "SELECT count(*) FROM spent"), 1);
        /* No diagnostic spells a hash. */
        for (size_t i = 0; i < enk_diags_count(d); i++)
                for (int k = 0; k < 3; k++)
                        CHECK(strstr(enk_diags_get(d, i)->message, h[k]) == NULL);

        /* Then it works, without a date too; the waves count it. */
        CHECK_INT(fixture_submit(s, w2020, c[1], NULL, v, NA_SLOTS, NULL, 0, d), ENK_OK);
        CHECK_INT(raw_int(path, "SELECT count(*) FROM drafts"), 0);
        struct wave_list l = {0};
        CHECK_INT(enk_store_waves(s, NULL, list_wave, &l, d), ENK_OK);
        CHECK_INT(l.w[0].codes_issued, 3);
        CHECK_INT(l.w[0].codes_spent, 2);
        CHECK_INT(l.w[0].responses, 2);
        CHECK_INT(l.w[1].codes_issued, 0);
        enk_diags_free(d);
        enk_store_free(s);
}

/* Scan callback: remembers the ids and the antal slot, and checks the order. */
struct id_scan {
        int n;
        long long ids[128];
        int antal[128];
        bool texts_ok;
};

static enk_status collect_ids(void *ctx, const enk_store_row *r)
{
        struct id_scan *c = ctx;
        if (c->n < 128) {
                c->ids[c->n] = r->response_id;
                c->antal[c->n] = r->values[4];
                if (r->source != ENK_SOURCE_WEB || r->respondent_key || r->ntexts != 1 ||
                    strcmp(r->texts[0].text, "svar") != 0)
                        c->texts_ok = false;
        }
        c->n++;
        return ENK_OK;
}

static void test_submit_order(void)
{
        int64_t w2020, w2021, unit;
        enk_store *s = web_store("web.db", &w2020, &w2021, &unit);
        const char *path = enk_store_path(s);
        enk_diags *d = enk_diags_new(0);
        enum { N = 100 };
        const char *h[N];
        for (int i = 0; i < N; i++)
                h[i] = strdup(code_hash(i));
        CHECK_INT(enk_store_add_codes(s, w2020, h, N, d), ENK_OK);

        /* Submission i answers antal = i; in batches of 10, as the server does. */
        enk_store_text t = {"forslag", "svar"};
        for (int i = 0; i < N; i++) {
                if (i % 10 == 0)
                        CHECK_INT(enk_store_begin(s, d), ENK_OK);
                int32_t v[NA_SLOTS] = {4, 1, 1, 1, i, 1};
                CHECK_INT(fixture_submit(s, w2020, code_of(i), "2020-05-01", v, NA_SLOTS, &t, 1, d),
                          ENK_OK);
                if (i % 10 == 9)
                        CHECK_INT(enk_store_commit(s, d), ENK_OK);
        }
        CHECK_INT(enk_diags_errors(d), 0);
        CHECK_INT(raw_int(path, "SELECT count(*) FROM spent"), N);

        /* A scan still delivers them all, ordered by id. */
        struct id_scan c = {.texts_ok = true};
        enk_store_filter f = {.texts = true};
        CHECK_INT(enk_store_scan(s, &f, collect_ids, &c, d), ENK_OK);
        CHECK_INT(c.n, N);
        CHECK(c.texts_ok);
        int ascending = 0, seen[N] = {0};
        bool sorted = true;
        for (int i = 0; i < N; i++) {
                CHECK(c.ids[i] > 0 && c.ids[i] < (1LL << 62));
                if (i)
                        sorted = sorted && c.ids[i] > c.ids[i - 1];
                if (c.antal[i] >= 0 && c.antal[i] < N)
                        seen[c.antal[i]]++;
        }
        CHECK(sorted);
        for (int i = 0; i < N; i++)
                CHECK_INT(seen[i], 1);
        /* Ids in spending order (antal = i): ids that follow the order go up
         * at all 99 steps. For random ids the number of steps up is that of
         * the ascents of a random permutation (Eulerian numbers): mean
         * (n - 1) / 2 = 49.5, variance (n + 1) / 12 = 8.4, sd 2.9; outside
         * 20..79 (10 sd) it practically never is. */
        long long by_order[N];
        for (int i = 0; i < N; i++)
                by_order[c.antal[i]] = c.ids[i];
        for (int i = 1; i < N; i++)
                ascending += by_order[i] > by_order[i - 1];
        CHECK(ascending >= 20 && ascending <= 79);
        /* And not small numbers counted up from 1: 100 random 62-bit ids are
         * all below 2^40 with probability 2^-2200. */
        long long max = 0;
        for (int i = 0; i < N; i++)
                max = c.ids[i] > max ? c.ids[i] : max;
        CHECK(max > (1LL << 40));

        /* An import afterwards gets max(id) + 1, as before. */
        int64_t imp = 0, rid = 0;
        CHECK_INT(enk_store_add_import(s, w2021, "f.csv", "abcd", &imp, d), ENK_OK);
        int32_t v[NA_SLOTS] = {4, 1, 1, 1, 1, ENK_MISSING};
        CHECK_INT(fixture_add(s, w2021, imp, ENK_SOURCE_IMPORT, NULL, "R1", v, NA_SLOTS, NULL, 0,
                              &rid, d),
                  ENK_OK);
        CHECK_INT(rid, max + 1);
        for (int i = 0; i < N; i++)
                free((char *) h[i]);
        enk_diags_free(d);
        enk_store_free(s);
}

static void test_submit_rollback(void)
{
        int64_t w2020, w2021, unit;
        enk_store *s = web_store("web.db", &w2020, &w2021, &unit);
        const char *path = enk_store_path(s);
        enk_diags *d = enk_diags_new(0);
        const char *h[6];
        for (int i = 0; i < 6; i++)
                h[i] = strdup(code_hash(100 + i));
        CHECK_INT(enk_store_add_codes(s, w2020, h, 6, d), ENK_OK);
        CHECK_INT(enk_store_save_draft(s, w2020, code_of(100), "draft 0", 7, d), ENK_OK);
        int32_t v[NA_SLOTS] = {4, 1, 1, 1, 1, ENK_MISSING};

        /* A batch rolled back: every code open again, drafts back, no response. */
        CHECK_INT(enk_store_begin(s, d), ENK_OK);
        for (int i = 0; i < 4; i++)
                CHECK_INT(fixture_submit(s, w2020, code_of(100 + i), "2020-05-01", v, NA_SLOTS,
                                         NULL, 0, d),
                          ENK_OK);
        CHECK_INT(state_of(s, w2020, code_of(100), NULL), ENK_CODE_SPENT); /* seen inside */
        enk_store_rollback(s);
        for (int i = 0; i < 6; i++)
                CHECK_INT(state_of(s, w2020, code_of(100 + i), NULL), ENK_CODE_OPEN);
        CHECK_INT(raw_int(path, "SELECT count(*) FROM responses"), 0);
        CHECK_INT(raw_int(path, "SELECT count(*) FROM spent"), 0);
        void *data = NULL;
        size_t len = 0;
        CHECK_INT(enk_store_load_draft(s, w2020, code_of(100), &data, &len, d), ENK_OK);
        CHECK_INT(len, 7);
        free(data);

        /* A batch with a failing submission in the middle (the same code twice):
         * the others are kept and commit. */
        CHECK_INT(enk_store_begin(s, d), ENK_OK);
        CHECK_INT(fixture_submit(s, w2020, code_of(100), "2020-05-01", v, NA_SLOTS, NULL, 0, d),
                  ENK_OK);
        CHECK_INT(fixture_submit(s, w2020, code_of(100), "2020-05-01", v, NA_SLOTS, NULL, 0, d),
                  ENK_ERR_EXISTS);
        CHECK_INT(fixture_submit(s, w2020, code_of(101), "2020-05-01", v, NA_SLOTS, NULL, 0, d),
                  ENK_OK);
        CHECK_INT(enk_store_commit(s, d), ENK_OK);
        CHECK_INT(raw_int(path, "SELECT count(*) FROM responses"), 2);
        CHECK_INT(raw_int(path, "SELECT count(*) FROM spent"), 2);
        CHECK_INT(raw_int(path, "SELECT count(*) FROM drafts"), 0);

        /* Closing with a batch open loses it, as a crash would. */
        CHECK_INT(enk_store_begin(s, d), ENK_OK);
        CHECK_INT(fixture_submit(s, w2020, code_of(102), "2020-05-01", v, NA_SLOTS, NULL, 0, d),
                  ENK_OK);
        char *keep = strdup(path);
        enk_store_free(s);
        CHECK_INT(raw_int(keep, "SELECT count(*) FROM responses"), 2);
        CHECK_INT(raw_int(keep, "SELECT count(*) FROM spent"), 2);
        free(keep);
        for (int i = 0; i < 6; i++)
                free((char *) h[i]);
        enk_diags_free(d);
}

static void test_secret(void)
{
        int64_t w2020, w2021, unit;
        enk_store *s = web_store("web.db", &w2020, &w2021, &unit);
        char *path = strdup(enk_store_path(s));
        enk_diags *d = enk_diags_new(0);
        unsigned char a[32], b[32], c[32], zero[32] = {0};
        CHECK_INT(enk_store_secret(s, "csrf", a, d), ENK_OK);
        CHECK_INT(enk_store_secret(s, "csrf", b, d), ENK_OK);
        CHECK(memcmp(a, b, 32) == 0);
        CHECK(memcmp(a, zero, 32) != 0);
        CHECK_INT(enk_store_secret(s, "other", c, d), ENK_OK);
        CHECK(memcmp(a, c, 32) != 0);
        CHECK_INT(enk_store_secret(s, "", c, d), ENK_ERR_USAGE);
        CHECK_INT(enk_store_secret(s, NULL, c, d), ENK_ERR_USAGE);
        CHECK_INT(raw_int(path, "SELECT count(*) FROM secrets"), 2);
        CHECK_INT(raw_int(path, "SELECT length(value) FROM secrets WHERE name = 'csrf'"), 32);
        enk_store_free(s);

        /* The same after reopening, also read-only; a new one cannot be made
         * read-only. */
        s = NULL;
        CHECK_INT(enk_store_open(path, 0, &s, d), ENK_OK);
        memset(b, 0, 32);
        CHECK_INT(enk_store_secret(s, "csrf", b, d), ENK_OK);
        CHECK(memcmp(a, b, 32) == 0);
        enk_store_free(s);
        s = NULL;
        CHECK_INT(enk_store_open(path, ENK_STORE_READONLY, &s, d), ENK_OK);
        memset(b, 0, 32);
        CHECK_INT(enk_store_secret(s, "csrf", b, d), ENK_OK);
        CHECK(memcmp(a, b, 32) == 0);
        CHECK_INT(enk_diags_errors(d), 2);
        CHECK_INT(enk_store_secret(s, "new", b, d), ENK_ERR_STORE);
        CHECK(has_diag(d, path, "read-only"));
        enk_store_free(s);
        free(path);
        enk_diags_free(d);
}

/* The values of one response, for the migration test. */
struct fixture_scan {
        int n;
        int32_t v[3][3];
        char date[3][11];
        char text[3][32];
};

static enk_status collect_fixture(void *ctx, const enk_store_row *r)
{
        struct fixture_scan *c = ctx;
        if (c->n < 3 && r->nvalues == 3) {
                memcpy(c->v[c->n], r->values, sizeof(c->v[0]));
                snprintf(c->date[c->n], 11, "%s", r->date ? r->date : "");
                snprintf(c->text[c->n], 32, "%s", r->ntexts ? r->texts[0].text : "");
        }
        c->n++;
        return ENK_OK;
}

static void test_migrate_1(void)
{
        const char *path = path_in_dir("schema1.db");
        remove_store(path);
        FILE *f = fopen("tests/unit/fixtures/store-schema1.sql", "rb");
        CHECK(f != NULL);
        if (!f)
                return;
        char *sql = calloc(1, 1 << 16);
        size_t n = fread(sql, 1, (1 << 16) - 1, f);
        fclose(f);
        CHECK(n > 1000);
        CHECK_INT(raw_exec(path, sql), SQLITE_OK);
        free(sql);
        CHECK_INT(raw_int(path, "PRAGMA user_version"), 1);
        CHECK_INT(raw_int(path, "SELECT count(*) FROM responses"), 3);

        /* Read-only: refused, and the file is left as it is. */
        enk_diags *d = enk_diags_new(0);
        enk_store *s = NULL;
        CHECK_INT(enk_store_open(path, ENK_STORE_READONLY, &s, d), ENK_ERR_STORE);
        CHECK(has_diag(d, path, "store has schema version 1 and needs upgrading to 5"));
        CHECK_INT(raw_int(path, "PRAGMA user_version"), 1);

        /* Writable: migrated, the data intact. */
        CHECK_INT(enk_store_open(path, 0, &s, d), ENK_OK);
        CHECK_INT(raw_int(path, "PRAGMA user_version"), 5);
        CHECK_INT(raw_int(path, "SELECT count(*) FROM sqlite_master WHERE name IN"
                                " ('codes', 'drafts', 'drafts_plain', 'secrets', 'codes_wave',"
                                " 'spent')"),
                  6);
        struct fixture_scan c = {0};
        enk_store_filter all = {.texts = true};
        CHECK_INT(enk_store_scan(s, &all, collect_fixture, &c, d), ENK_OK);
        CHECK_INT(c.n, 3);
        /* The fixture's CSV (see its header): R1 4,1,text; R2 9 (not
         * applicable),0,empty; R3 2,missing,text. */
        const int32_t want[3][3] = {{4, 1, 1}, {ENK_NA, 0, ENK_MISSING}, {2, ENK_MISSING, 1}};
        for (int i = 0; i < 3; i++)
                for (int k = 0; k < 3; k++)
                        CHECK_INT(c.v[i][k], want[i][k]);
        CHECK_STR(c.date[0], "2020-05-01");
        CHECK_STR(c.date[1], "2020-05-02");
        CHECK_STR(c.date[2], "");
        CHECK_STR(c.text[0], "Mer stöd");
        CHECK_STR(c.text[2], "Bra, tack");
        struct wave_list l = {0};
        CHECK_INT(enk_store_waves(s, NULL, list_wave, &l, d), ENK_OK);
        CHECK_INT(l.n, 1);
        CHECK_STR(l.units[0], "Vetlanda");
        CHECK_INT(l.w[0].sent, 10);
        CHECK_INT(l.w[0].imports, 1);
        CHECK_INT(l.w[0].codes_issued, 0);

        /* Web collection works on the migrated file. */
        int64_t unit, wave;
        CHECK_INT(enk_store_find_unit(s, "Vetlanda", &unit, d), ENK_OK);
        CHECK_INT(enk_store_find_wave(s, unit, 2020, &wave, NULL, d), ENK_OK);
        const char *h = code_hash(1);
        CHECK_INT(enk_store_add_codes(s, wave, &h, 1, d), ENK_OK);
        int32_t v[3] = {5, 1, ENK_MISSING};
        CHECK_INT(fixture_submit(s, wave, code_of(1), "2020-06-01", v, 3, NULL, 0, d), ENK_OK);
        enk_store_free(s);
        CHECK_INT(raw_int(path, "SELECT count(*) FROM responses"), 4);
        CHECK_INT(enk_diags_errors(d), 1);

        /* Reopened read-only now: no migration needed. */
        s = NULL;
        CHECK_INT(enk_store_open(path, ENK_STORE_READONLY, &s, d), ENK_OK);
        enk_store_free(s);
        enk_diags_free(d);
        remove_store(path);
}

/* The schema-2 form of the web tables (migrations[1] as released), for a
 * store made before schema 3. */
static const char schema2_sql[] =
    "CREATE TABLE codes (hash TEXT PRIMARY KEY CHECK (length(hash) = 64),"
    " wave_id INTEGER NOT NULL REFERENCES waves (id),"
    " spent INTEGER NOT NULL DEFAULT 0 CHECK (spent IN (0, 1))) WITHOUT ROWID;"
    "CREATE INDEX codes_wave ON codes (wave_id);"
    "CREATE TABLE drafts (hash TEXT PRIMARY KEY REFERENCES codes (hash), data BLOB NOT NULL);"
    "CREATE TABLE secrets (name TEXT PRIMARY KEY,"
    " value BLOB NOT NULL CHECK (length(value) = 32)) WITHOUT ROWID;"
    "PRAGMA user_version = 2;";

static void test_migrate_2(void)
{
        const char *path = path_in_dir("schema2.db");
        remove_store(path);
        FILE *f = fopen("tests/unit/fixtures/store-schema1.sql", "rb");
        CHECK(f != NULL);
        if (!f)
                return;
        char *sql = calloc(1, 1 << 16);
        size_t n = fread(sql, 1, (1 << 16) - 1, f);
        fclose(f);
        CHECK_INT(raw_exec(path, sql), SQLITE_OK);
        CHECK_INT(raw_exec(path, schema2_sql), SQLITE_OK);
        /* Code 1 spent, codes 2-4 open with drafts in plain text. */
        snprintf(sql, 1 << 16,
                 "INSERT INTO codes SELECT '%s', id, 1 FROM waves;"
                 "INSERT INTO codes SELECT '%s', id, 0 FROM waves;"
                 "INSERT INTO codes SELECT '%s', id, 0 FROM waves;"
                 "INSERT INTO codes SELECT '%s', id, 0 FROM waves;"
                 "INSERT INTO drafts VALUES ('%s', 'PLAIN-DRAFT-2'), ('%s', 'PLAIN-DRAFT-3'),"
                 " ('%s', 'PLAIN-DRAFT-4');",
                 code_hash(1), code_hash(2), code_hash(3), code_hash(4), code_hash(2), code_hash(3),
                 code_hash(4));
        CHECK_INT(raw_exec(path, sql), SQLITE_OK);
        free(sql);
        (void) n;

        enk_diags *d = enk_diags_new(0);
        enk_store *s = NULL;
        CHECK_INT(enk_store_open(path, 0, &s, d), ENK_OK);
        CHECK_INT(raw_int(path, "PRAGMA user_version"), 5);
        int64_t unit = 0, wave = 0;
        CHECK_INT(enk_store_find_unit(s, "Vetlanda", &unit, d), ENK_OK);
        CHECK_INT(enk_store_find_wave(s, unit, 2020, &wave, NULL, d), ENK_OK);
        /* What schema 2 kept still holds: a spent code stays spent, a draft
         * in plain text is found and read. */
        bool draft = false;
        CHECK_INT(state_of(s, wave, code_of(1), &draft), ENK_CODE_SPENT);
        CHECK_INT(state_of(s, wave, code_of(2), &draft), ENK_CODE_OPEN);
        CHECK(draft);
        void *data = NULL;
        size_t len = 0;
        CHECK_INT(enk_store_load_draft(s, wave, code_of(2), &data, &len, d), ENK_OK);
        CHECK_STR((const char *) data, "PLAIN-DRAFT-2");
        free(data);
        int32_t v[3] = {5, 1, ENK_MISSING};
        CHECK_INT(fixture_submit(s, wave, code_of(1), "2020-06-01", v, 3, NULL, 0, d),
                  ENK_ERR_EXISTS);
        /* Saved again, the draft is sealed and the plain one is gone; a
         * submission deletes a plain draft too. */
        CHECK_INT(enk_store_save_draft(s, wave, code_of(2), "SEALED-2", 8, d), ENK_OK);
        CHECK_INT(raw_int(path, "SELECT count(*) FROM drafts_plain"), 2);
        CHECK_INT(raw_int(path, "SELECT count(*) FROM drafts"), 1);
        CHECK_INT(enk_store_load_draft(s, wave, code_of(2), &data, &len, d), ENK_OK);
        CHECK_STR((const char *) data, "SEALED-2");
        free(data);
        CHECK_INT(fixture_submit(s, wave, code_of(3), "2020-06-01", v, 3, NULL, 0, d), ENK_OK);
        CHECK_INT(raw_int(path, "SELECT count(*) FROM drafts_plain"), 1);
        CHECK_INT(state_of(s, wave, code_of(3), &draft), ENK_CODE_SPENT);
        CHECK(!draft);
        struct wave_list l = {0};
        CHECK_INT(enk_store_waves(s, NULL, list_wave, &l, d), ENK_OK);
        CHECK_INT(l.w[0].codes_issued, 4);
        CHECK_INT(l.w[0].codes_spent, 2);
        /* --delete-drafts takes both kinds. */
        int64_t deleted = 0;
        CHECK_INT(enk_store_delete_drafts(s, wave, &deleted, d), ENK_OK);
        CHECK_INT(deleted, 2);
        CHECK_INT(raw_int(path, "SELECT count(*) FROM drafts_plain"), 0);
        CHECK_INT(raw_int(path, "SELECT count(*) FROM drafts"), 0);
        CHECK_INT(enk_diags_errors(d), 1); /* the refused second submission */
        enk_store_free(s);
        CHECK(!copy_holds(path, "PLAIN-DRAFT"));
        enk_diags_free(d);
        remove_store(path);
}

/* Schemas 3 and 4 as released (migrations[2] and [3]), for a store made
 * before schema 5. */
static const char schema3_sql[] = "ALTER TABLE drafts RENAME TO drafts_plain;\n"
                                  "CREATE TABLE drafts (\n"
                                  "  tag TEXT PRIMARY KEY CHECK (length(tag) = 64),\n"
                                  "  wave_id INTEGER NOT NULL REFERENCES waves (id),\n"
                                  "  box BLOB NOT NULL\n"
                                  ") WITHOUT ROWID;\n"
                                  "CREATE TABLE spent (\n"
                                  "  tag TEXT PRIMARY KEY CHECK (length(tag) = 64),\n"
                                  "  wave_id INTEGER NOT NULL REFERENCES waves (id)\n"
                                  ") WITHOUT ROWID;\n";
static const char schema4_sql[] =
    "CREATE TABLE scan_copies (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  wave_id INTEGER NOT NULL REFERENCES waves (id),\n"
    "  serial TEXT NOT NULL,\n"
    "  lang TEXT NOT NULL,\n"
    "  reading BLOB NOT NULL CHECK (length(reading) % 4 = 0),\n"
    "  response_id INTEGER REFERENCES responses (id),\n"
    "  UNIQUE (wave_id, serial)\n"
    ");\n"
    "CREATE TABLE scan_pages (\n"
    "  copy_id INTEGER NOT NULL REFERENCES scan_copies (id) ON DELETE CASCADE,\n"
    "  page INTEGER NOT NULL CHECK (page >= 1),\n"
    "  file TEXT NOT NULL,\n"
    "  file_page INTEGER NOT NULL CHECK (file_page >= 1),\n"
    "  rotated INTEGER NOT NULL CHECK (rotated IN (0, 1)),\n"
    "  residual REAL,\n"
    "  PRIMARY KEY (copy_id, page)\n"
    ") WITHOUT ROWID;\n"
    "CREATE TABLE scan_reviews (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  copy_id INTEGER NOT NULL REFERENCES scan_copies (id) ON DELETE CASCADE,\n"
    "  slot INTEGER NOT NULL CHECK (slot >= 0),\n"
    "  reason TEXT NOT NULL\n"
    "    CHECK (reason IN ('uncertain', 'multiple', 'skipped', 'digits')),\n"
    "  reading INTEGER,\n"
    "  decision INTEGER,\n"
    "  page INTEGER NOT NULL CHECK (page >= 1),\n"
    "  crop_x INTEGER NOT NULL, crop_y INTEGER NOT NULL,\n"
    "  crop_w INTEGER NOT NULL CHECK (crop_w > 0), crop_h INTEGER NOT NULL CHECK (crop_h > 0),\n"
    "  UNIQUE (copy_id, slot)\n"
    ");\n"
    "CREATE INDEX scan_reviews_waiting ON scan_reviews (copy_id) WHERE decision IS NULL;\n";

/* Schema 4 -> 5: the waves keep their rows and gain details (none yet);
 * the codes and spent marks made before count as before, none a test. */
static void test_migrate_4(void)
{
        const char *path = path_in_dir("schema4.db");
        remove_store(path);
        FILE *f = fopen("tests/unit/fixtures/store-schema1.sql", "rb");
        CHECK(f != NULL);
        if (!f)
                return;
        char *sql = calloc(1, 1 << 16);
        size_t n = fread(sql, 1, (1 << 16) - 1, f);
        fclose(f);
        (void) n;
        CHECK_INT(raw_exec(path, sql), SQLITE_OK);
        CHECK_INT(raw_exec(path, schema2_sql), SQLITE_OK);
        CHECK_INT(raw_exec(path, schema3_sql), SQLITE_OK);
        CHECK_INT(raw_exec(path, schema4_sql), SQLITE_OK);
        CHECK_INT(raw_exec(path, "PRAGMA user_version = 4"), SQLITE_OK);
        /* Codes 1 and 2 of the wave, code 1 spent under schema 4. */
        enk_code_keys k;
        CHECK(enk_codes_keys(code_of(1), &k));
        snprintf(sql, 1 << 16,
                 "INSERT INTO codes SELECT '%s', id, 0 FROM waves;"
                 "INSERT INTO codes SELECT '%s', id, 0 FROM waves;"
                 "INSERT INTO spent SELECT '%s', id FROM waves;",
                 code_hash(1), code_hash(2), k.spent);
        CHECK_INT(raw_exec(path, sql), SQLITE_OK);
        free(sql);
        long long responses = raw_int(path, "SELECT count(*) FROM responses");

        enk_diags *d = enk_diags_new(0);
        enk_store *s = NULL;
        CHECK_INT(enk_store_open(path, 0, &s, d), ENK_OK);
        CHECK_INT(raw_int(path, "PRAGMA user_version"), 5);
        int64_t unit = 0, wave = 0;
        CHECK_INT(enk_store_find_unit(s, "Vetlanda", &unit, d), ENK_OK);
        CHECK_INT(enk_store_find_wave(s, unit, 2020, &wave, NULL, d), ENK_OK);
        CHECK_INT(raw_int(path, "SELECT count(*) FROM responses"), responses);
        CHECK_INT(raw_int(path, "SELECT count(*) FROM codes WHERE test = 0"), 2);
        CHECK_INT(raw_int(path, "SELECT count(*) FROM spent WHERE test = 0"), 1);
        enk_store_wave_details w = {"x", "x", "x", "x"};
        CHECK_INT(enk_store_wave_details_get(s, wave, &w, d), ENK_OK);
        CHECK(!w.municipality && !w.deadline && !w.contact && !w.url);
        struct wave_list l = {0};
        CHECK_INT(enk_store_waves(s, NULL, list_wave, &l, d), ENK_OK);
        CHECK_INT(l.w[0].codes_issued, 2);
        CHECK_INT(l.w[0].codes_spent, 1);
        CHECK_INT(l.w[0].tests_issued, 0);
        CHECK_INT(state_of(s, wave, code_of(1), NULL), ENK_CODE_SPENT);
        CHECK_INT(state_of(s, wave, code_of(2), NULL), ENK_CODE_OPEN);
        CHECK_INT(enk_diags_errors(d), 0);
        enk_store_free(s);
        enk_diags_free(d);
        remove_store(path);
}

/* A wave's details: set, kept, partly changed, cleared; a date that does
 * not exist is refused and changes nothing. */
static void test_wave_details(void)
{
        int64_t w2020, w2021, unit;
        enk_store *s = web_store("web.db", &w2020, &w2021, &unit);
        enk_diags *d = enk_diags_new(0);
        enk_store_wave_details set = {"Vetlanda kommun", "2026-03-31", "Anna Berg, 0383-970 00",
                                      "https://enkat.vetlanda.se"};
        CHECK_INT(enk_store_set_wave_details(s, w2020, &set, d), ENK_OK);
        enk_store_wave_details w;
        CHECK_INT(enk_store_wave_details_get(s, w2020, &w, d), ENK_OK);
        CHECK_STR(w.municipality, "Vetlanda kommun");
        CHECK_STR(w.deadline, "2026-03-31");
        CHECK_STR(w.contact, "Anna Berg, 0383-970 00");
        CHECK_STR(w.url, "https://enkat.vetlanda.se");
        CHECK_INT(
            enk_store_set_wave_details(
                s, w2020, &(enk_store_wave_details){.deadline = "2026-04-15", .contact = ""}, d),
            ENK_OK);
        CHECK_INT(enk_store_wave_details_get(s, w2020, &w, d), ENK_OK);
        CHECK_STR(w.deadline, "2026-04-15");
        CHECK(w.contact == NULL);
        CHECK_STR(w.municipality, "Vetlanda kommun");
        CHECK_INT(enk_diags_errors(d), 0);
        CHECK_INT(enk_store_set_wave_details(
                      s, w2020, &(enk_store_wave_details){.deadline = "2026-02-30", .url = "y"}, d),
                  ENK_ERR_USAGE);
        CHECK(has_diag(d, enk_store_path(s), "deadline '2026-02-30' is not a date YYYY-MM-DD"));
        CHECK_INT(enk_store_wave_details_get(s, w2020, &w, d), ENK_OK);
        CHECK_STR(w.deadline, "2026-04-15");
        CHECK_STR(w.url, "https://enkat.vetlanda.se");
        /* The other wave has none. */
        CHECK_INT(enk_store_wave_details_get(s, w2021, &w, d), ENK_OK);
        CHECK(!w.municipality && !w.deadline);
        CHECK_INT(enk_store_wave_details_get(s, w2021 + 10, &w, d), ENK_ERR_NOTFOUND);
        CHECK_INT(enk_store_set_wave_details(s, w2021 + 10, &set, d), ENK_ERR_NOTFOUND);
        enk_store_free(s);
        enk_diags_free(d);
}

/* Test codes: opened, saved under and spent like others, counted apart,
 * and a submission with one stores no response, no text, no draft. */
static void test_test_codes(void)
{
        int64_t w2020, w2021, unit;
        enk_store *s = web_store("web.db", &w2020, &w2021, &unit);
        const char *path = enk_store_path(s);
        enk_diags *d = enk_diags_new(0);
        const char *real[2] = {code_hash(1), code_hash(2)};
        const char *test[2] = {code_hash(3), code_hash(4)};
        CHECK_INT(enk_store_add_codes(s, w2020, real, 2, d), ENK_OK);
        CHECK_INT(enk_store_add_test_codes(s, w2020, test, 2, d), ENK_OK);
        CHECK_INT(state_of(s, w2020, code_of(3), NULL), ENK_CODE_OPEN);
        CHECK_INT(enk_store_save_draft(s, w2020, code_of(3), "draft", 5, d), ENK_OK);
        int32_t v[NA_SLOTS] = {ENK_NA, 2, 1, 0, -10, 1};
        enk_store_text t = {"forslag", "TEST-TEXT"};
        CHECK_INT(fixture_submit(s, w2020, code_of(3), "2020-05-01", v, NA_SLOTS, &t, 1, d),
                  ENK_OK);
        CHECK_INT(fixture_submit(s, w2020, code_of(1), "2020-05-01", v, NA_SLOTS, NULL, 0, d),
                  ENK_OK);
        CHECK_INT(enk_diags_errors(d), 0);
        CHECK_INT(state_of(s, w2020, code_of(3), NULL), ENK_CODE_SPENT);
        CHECK_INT(raw_int(path, "SELECT count(*) FROM responses"), 1);
        CHECK_INT(raw_int(path, "SELECT count(*) FROM texts"), 0);
        CHECK_INT(raw_int(path, "SELECT count(*) FROM drafts"), 0);
        CHECK(!copy_holds(path, "TEST-TEXT"));
        /* Spent once only, as any code. */
        CHECK_INT(fixture_submit(s, w2020, code_of(3), "2020-05-02", v, NA_SLOTS, NULL, 0, d),
                  ENK_ERR_EXISTS);
        struct wave_list l = {0};
        CHECK_INT(enk_store_waves(s, NULL, list_wave, &l, d), ENK_OK);
        CHECK_INT(l.w[0].codes_issued, 2);
        CHECK_INT(l.w[0].codes_spent, 1);
        CHECK_INT(l.w[0].tests_issued, 2);
        CHECK_INT(l.w[0].tests_spent, 1);
        CHECK_INT(l.w[0].responses, 1);
        enk_store_free(s);
        enk_diags_free(d);
}

/* Scanned paper (schema 4): a copy without reviews is a response at once; a
 * serial twice is refused and writes nothing; a copy with reviews waits,
 * lists them with its pages, takes decisions, and becomes a response only
 * when all are decided. */
/* The responses of the store s (every wave). */
static int64_t responses_in(enk_store *s)
{
        int64_t n = -1;
        CHECK_INT(enk_store_count(s, &(enk_store_filter){0}, &n, NULL), ENK_OK);
        return n;
}

struct reviews_seen {
        int n;
        int64_t ids[4];
        size_t question[4];
        unsigned pages;
        int crop_h;
        char file[64], lang[8];
};

static enk_status on_review(void *ctx, const enk_store_review *r)
{
        struct reviews_seen *c = ctx;
        if (c->n < 4) {
                c->ids[c->n] = r->id;
                c->question[c->n] = r->question;
        }
        c->n++;
        c->pages = (unsigned) r->npages;
        snprintf(c->lang, sizeof(c->lang), "%s", r->lang);
        if (r->npages == 2) {
                c->crop_h = r->crop[3];
                snprintf(c->file, sizeof(c->file), "%s:%u", r->pages[1].file,
                         r->pages[1].file_page);
        }
        return ENK_OK;
}

static void test_scanned_paper(void)
{
        int64_t w2020, w2021, unit;
        enk_store *s = web_store("paper.db", &w2020, &w2021, &unit);
        enk_diags *d = enk_diags_new(0);
        const enk_questionnaire *q = fixture_q(NA_SLOTS, "forslag");
        int32_t v[NA_SLOTS] = {4, 1, ENK_MISSING, 1, ENK_MISSING, 1};
        const char *texts[NA_SLOTS] = {NULL, NULL, NULL, NULL, NULL, "[skrivet]"};
        enk_response r = {.q = q, .values = v, .texts = texts, .source = ENK_SOURCE_SCAN};
        enk_store_scan_page pages[2] = {{1, "batch.pdf", 3, false, 0.1},
                                        {2, "batch.pdf", 1, true, 0.2}};
        enk_store_scan_copy c = {"00001", "sv", &r, pages, 2, NULL, 0};
        int64_t copy = 0, resp = 0;
        CHECK_INT(enk_store_add_scan(s, w2020, &c, &copy, &resp, d), ENK_OK);
        CHECK(copy > 0 && resp > 0);
        CHECK_INT(responses_in(s), 1);
        /* the same sheet again: refused, nothing written */
        CHECK_INT(enk_store_add_scan(s, w2020, &c, &copy, &resp, d), ENK_ERR_EXISTS);
        CHECK(has_diag(d, NULL, "copy 00001 has been scanned into this wave already"));
        CHECK_INT(responses_in(s), 1);

        /* two answers wait for a person */
        v[0] = ENK_MISSING;
        v[4] = ENK_MISSING;
        enk_store_scan_review rv[2] = {{0, "multiple", ENK_MISSING, 1, {10, 20, 300, 40}},
                                       {4, "digits", ENK_MISSING, 2, {15, 25, 200, 9}}};
        c = (enk_store_scan_copy){"00002", "en", &r, pages, 2, rv, 2};
        CHECK_INT(enk_store_add_scan(s, w2020, &c, &copy, &resp, d), ENK_OK);
        CHECK_INT(resp, 0);
        CHECK_INT(responses_in(s), 1);
        enk_store_scan_tally t;
        CHECK_INT(enk_store_scan_counts(s, w2020, &t, d), ENK_OK);
        CHECK_INT(t.copies, 2);
        CHECK_INT(t.stored, 1);
        CHECK_INT(t.waiting, 1);
        CHECK_INT(t.reviews, 2);
        struct reviews_seen seen = {0};
        CHECK_INT(enk_store_reviews(s, true, on_review, &seen, d), ENK_OK);
        CHECK_INT(seen.n, 2);
        CHECK_INT(seen.question[0], 0);
        CHECK_INT(seen.question[1], 4);
        CHECK_INT(seen.pages, 2);
        CHECK_INT(seen.crop_h, 9);
        CHECK_STR(seen.file, "batch.pdf:1");
        CHECK_STR(seen.lang, "en");

        /* not all decided: cannot become a response */
        CHECK_INT(enk_store_decide(s, seen.ids[0], 5, d), ENK_OK);
        int32_t back[NA_SLOTS];
        size_t waiting = 9;
        int64_t linked = -1;
        CHECK_INT(enk_store_scan_values(s, copy, back, NA_SLOTS, &waiting, &linked, d), ENK_OK);
        CHECK_INT(back[0], 5);
        CHECK_INT(back[4], ENK_MISSING);
        CHECK_INT(waiting, 1);
        CHECK_INT(linked, 0);
        CHECK_INT(enk_store_scan_finish(s, copy, &r, &resp, d), ENK_ERR_USAGE);
        CHECK_INT(enk_store_decide(s, seen.ids[1], 12, d), ENK_OK);
        CHECK_INT(enk_store_scan_values(s, copy, back, NA_SLOTS, &waiting, NULL, d), ENK_OK);
        CHECK_INT(back[4], 12);
        CHECK_INT(waiting, 0);
        r.values = back;
        CHECK_INT(enk_store_scan_finish(s, copy, &r, &resp, d), ENK_OK);
        CHECK(resp > 0);
        CHECK_INT(responses_in(s), 2);
        CHECK_INT(enk_store_scan_finish(s, copy, &r, &resp, d), ENK_ERR_EXISTS);
        CHECK_INT(enk_store_decide(s, seen.ids[1], 3, d), ENK_ERR_EXISTS);
        CHECK_INT(enk_store_decide(s, 999, 3, d), ENK_ERR_NOTFOUND);
        seen = (struct reviews_seen){0};
        CHECK_INT(enk_store_reviews(s, true, on_review, &seen, d), ENK_OK);
        CHECK_INT(seen.n, 0);
        CHECK_INT(enk_store_scan_counts(s, w2020, &t, d), ENK_OK);
        CHECK_INT(t.stored, 2);
        CHECK_INT(t.waiting, 0);
        /* the response is from a scan, with its values */
        enk_store_free(s);
        long long n = raw_int(path_in_dir("paper.db"),
                              "SELECT count(*) FROM responses r JOIN scan_copies c ON "
                              "c.response_id = r.id WHERE r.source = 'scan' AND c.serial = '00002' "
                              "AND hex(r.answers) LIKE '00000005%0000000C%'");
        CHECK_INT(n, 1);
        CHECK_INT(
            raw_int(path_in_dir("paper.db"), "SELECT count(*) FROM texts WHERE text = '[skrivet]'"),
            2);
        enk_diags_free(d);
        remove_store(path_in_dir("paper.db"));
}

int main(void)
{
        if (!mkdtemp(dir)) {
                perror("mkdtemp");
                return 1;
        }
        fixture_yaml(yaml_a);
        fixture_yaml(yaml_b);
        test_open();
        test_refuses();
        test_editions();
        test_waves();
        test_round_trip();
        test_view();
        test_view_agrees();
        test_rollback();
        test_duplicate_keys();
        test_add_responses();
        test_imports();
        test_crash();
        test_disk_full();
        test_locked();
        test_readonly();
        test_checkpoint(8192);
        test_checkpoint(4096);
        test_bulk();
        test_bulk_crash();
        test_find_wave();
        test_add_codes();
        test_drafts();
        test_submit();
        test_submit_order();
        test_submit_rollback();
        test_secret();
        test_migrate_1();
        test_migrate_2();
        test_migrate_4();
        test_wave_details();
        test_test_codes();
        test_scanned_paper();
        /* Leave nothing behind. */
        static const char *const names[] = {"editions.db", "waves.db", "round.db",   "view.db",
                                            "rollback.db", "keys.db",  "imports.db", "locked.db",
                                            "readonly.db", "agree.db", "web.db"};
        for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
                remove_store(path_in_dir(names[i]));
        rmdir(dir);
        fixture_done();
        return check_report();
}
