/* survey/store.c - the response store on SQLite.
 *
 * Why the schema looks as it does (docs/store.md has the whole of it): a
 * response is one row whose answers are packed into one BLOB, 4 bytes
 * big-endian per question of its edition, instead of one row per answer. At
 * national size (300,000 responses x 30 answers) that inserts about 3x faster
 * and scans 7x faster than a long table, in half the file (design.md, "Scale";
 * docs/store.md). The price, that SQL cannot see single answers directly, is
 * paid back by the edition_questions table (slot -> question id) and the
 * answers_long view, which decodes the BLOB in plain SQL for an analyst's
 * sqlite3 shell.
 *
 * The hot path is enk_store_add_response(): one cached prepared statement, the
 * BLOB packed into a reused buffer and bound without copying, and the number of
 * slots of the wave's edition cached for the length of a transaction.
 *
 * Schema changes go through the migrations[] table below: each entry takes the
 * file from version i to i + 1, all pending ones run in one transaction, and
 * PRAGMA user_version records where a file is. PRAGMA application_id marks a
 * file as an enkat store, so that another program's database is refused rather
 * than altered.
 */
#include "survey/store.h"

#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "survey/codes.h"
#include "survey/hash.h"

/* 'enkt' in ASCII: what PRAGMA application_id says in every enkat store. */
#define APPLICATION_ID 0x656e6b74

/* ------------------------------------------------------------- migrations */

/* migrations[i] takes a store from schema version i to i + 1. Append only:
 * a released entry is never edited, since stores in the field ran it. */
static const char *const migrations[] = {
    /* 0 -> 1: the first schema. */
    "PRAGMA application_id = 1701735284;\n" /* 0x656e6b74, 'enkt' */
    "CREATE TABLE editions (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  survey TEXT NOT NULL,\n"
    "  year INTEGER NOT NULL,\n"
    "  hash TEXT NOT NULL UNIQUE,\n"
    "  nquestions INTEGER NOT NULL CHECK (nquestions >= 0),\n"
    "  yaml TEXT NOT NULL,\n"
    "  added TEXT NOT NULL DEFAULT (datetime('now'))\n"
    ");\n"
    "CREATE INDEX editions_survey ON editions (survey, year);\n"
    "CREATE TABLE edition_questions (\n"
    "  edition_id INTEGER NOT NULL REFERENCES editions (id),\n"
    "  slot INTEGER NOT NULL CHECK (slot >= 0),\n"
    "  question_id TEXT NOT NULL,\n"
    "  type TEXT NOT NULL\n"
    "    CHECK (type IN ('scale', 'single', 'multiple', 'yesno', 'number', 'text')),\n"
    "  section TEXT,\n"
    "  area TEXT,\n"
    "  headline INTEGER NOT NULL DEFAULT 0,\n"
    "  scale TEXT,\n"
    "  points TEXT,\n"
    "  positive TEXT,\n"
    "  na_code INTEGER,\n"
    "  min INTEGER,\n"
    "  max INTEGER,\n"
    "  was TEXT,\n"
    "  PRIMARY KEY (edition_id, slot),\n"
    "  UNIQUE (edition_id, question_id)\n"
    ") WITHOUT ROWID;\n"
    "CREATE TABLE units (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  name TEXT NOT NULL UNIQUE CHECK (name <> '')\n"
    ");\n"
    "CREATE TABLE waves (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  unit_id INTEGER NOT NULL REFERENCES units (id),\n"
    "  year INTEGER NOT NULL CHECK (year BETWEEN 1990 AND 2100),\n"
    "  edition_id INTEGER NOT NULL REFERENCES editions (id),\n"
    "  sent INTEGER CHECK (sent >= 0),\n"
    "  UNIQUE (unit_id, year)\n"
    ");\n"
    "CREATE TABLE imports (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  wave_id INTEGER NOT NULL REFERENCES waves (id),\n"
    "  file_name TEXT NOT NULL,\n"
    "  content_hash TEXT NOT NULL,\n"
    "  rows INTEGER NOT NULL DEFAULT 0,\n"
    "  created TEXT NOT NULL DEFAULT (datetime('now'))\n"
    ");\n"
    "CREATE INDEX imports_hash ON imports (content_hash);\n"
    "CREATE INDEX imports_wave ON imports (wave_id);\n"
    "CREATE TABLE responses (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  wave_id INTEGER NOT NULL REFERENCES waves (id),\n"
    "  import_id INTEGER REFERENCES imports (id),\n"
    "  source TEXT NOT NULL CHECK (source IN ('web', 'paper', 'import', 'scan')),\n"
    "  date TEXT CHECK (date = date(date, '+0 days')),\n"
    "  respondent_key TEXT,\n"
    "  answers BLOB NOT NULL CHECK (length(answers) % 4 = 0)\n"
    ");\n"
    "CREATE INDEX responses_wave ON responses (wave_id);\n"
    "CREATE INDEX responses_import ON responses (import_id);\n"
    "CREATE UNIQUE INDEX responses_key ON responses (wave_id, respondent_key)\n"
    "  WHERE respondent_key IS NOT NULL;\n"
    "CREATE TABLE texts (\n"
    "  response_id INTEGER NOT NULL REFERENCES responses (id) ON DELETE CASCADE,\n"
    "  question_id TEXT NOT NULL,\n"
    "  text TEXT NOT NULL,\n"
    "  PRIMARY KEY (response_id, question_id)\n"
    ") WITHOUT ROWID;\n"
    /* The long shape, decoded in plain SQL. hex() spells a slot's 4 bytes
     * as 8 hex digits h; instr() gives each digit's value; a first digit
     * of 8 or more is a negative number (two's complement). '80000000' is
     * ENK_MISSING (left out: not an answer), '80000001' ENK_NA (value NULL,
     * not_applicable 1). Most answers are below 256 and take the short
     * path. The subquery is flattened, so filters on unit, year or
     * question reach the indexes (one wave reads in milliseconds). */
    "CREATE VIEW answers_long AS\n"
    "SELECT response_id, unit, year, source, respondent_key, question, type,\n"
    "  CASE WHEN h IN ('80000000', '80000001') THEN NULL\n"
    "       WHEN substr(h, 1, 6) = '000000' THEN\n"
    "         (instr('0123456789ABCDEF', substr(h, 7, 1)) - 1) * 16\n"
    "         + instr('0123456789ABCDEF', substr(h, 8, 1)) - 1\n"
    "       ELSE\n"
    "         ((((((((instr('0123456789ABCDEF', substr(h, 1, 1)) - 1) * 16\n"
    "         + instr('0123456789ABCDEF', substr(h, 2, 1)) - 1) * 16\n"
    "         + instr('0123456789ABCDEF', substr(h, 3, 1)) - 1) * 16\n"
    "         + instr('0123456789ABCDEF', substr(h, 4, 1)) - 1) * 16\n"
    "         + instr('0123456789ABCDEF', substr(h, 5, 1)) - 1) * 16\n"
    "         + instr('0123456789ABCDEF', substr(h, 6, 1)) - 1) * 16\n"
    "         + instr('0123456789ABCDEF', substr(h, 7, 1)) - 1) * 16\n"
    "         + instr('0123456789ABCDEF', substr(h, 8, 1)) - 1)\n"
    "         - CASE WHEN substr(h, 1, 1) >= '8' THEN 4294967296 ELSE 0 END\n"
    "  END AS value,\n"
    "  h = '80000001' AS not_applicable,\n"
    "  text\n"
    "FROM (\n"
    "    SELECT r.id AS response_id, un.name AS unit, w.year AS year, r.source AS source,\n"
    "      r.respondent_key AS respondent_key, q.question_id AS question, q.type AS type,\n"
    "      hex(substr(r.answers, 4 * q.slot + 1, 4)) AS h,\n"
    "      CASE WHEN q.type = 'text' THEN (SELECT t.text FROM texts t\n"
    "        WHERE t.response_id = r.id AND t.question_id = q.question_id) END AS text\n"
    "    FROM responses r\n"
    "    JOIN waves w ON w.id = r.wave_id\n"
    "    JOIN units un ON un.id = w.unit_id\n"
    "    JOIN edition_questions q ON q.edition_id = w.edition_id\n"
    ")\n"
    "WHERE h <> '80000000';\n",

    /* 1 -> 2: web collection. A code is kept only as its hash, with its wave
     * and whether it is spent: no time, no order of spending, and nothing
     * that points at the response it became (docs/store.md, "Anonymity").
     * WITHOUT ROWID: the table is ordered by the (random) hash alone, so not
     * even a row number records the order in which codes were issued. The
     * index is on wave_id alone, not (wave_id, spent): spending a code then
     * rewrites its row and no index entry, which made a submission take
     * 2.4 times less processor time (bench/bench_submit.c). A draft lives
     * under its code until the submission deletes it. */
    "CREATE TABLE codes (\n"
    "  hash TEXT PRIMARY KEY CHECK (length(hash) = 64),\n"
    "  wave_id INTEGER NOT NULL REFERENCES waves (id),\n"
    "  spent INTEGER NOT NULL DEFAULT 0 CHECK (spent IN (0, 1))\n"
    ") WITHOUT ROWID;\n"
    "CREATE INDEX codes_wave ON codes (wave_id);\n"
    "CREATE TABLE drafts (\n"
    "  hash TEXT PRIMARY KEY REFERENCES codes (hash),\n"
    "  data BLOB NOT NULL\n"
    ");\n"
    "CREATE TABLE secrets (\n"
    "  name TEXT PRIMARY KEY,\n"
    "  value BLOB NOT NULL CHECK (length(value) = 32)\n"
    ") WITHOUT ROWID;\n",

    /* 2 -> 3: nothing filed under a code that a copy of the store can match
     * with the code's row (docs/web.md, "What a copy of the store tells").
     * A code's spent mark and its draft's row are keys derived from the code
     * itself (survey/codes.h, enk_codes_keys), unrelated to its hash and to
     * each other without the code, and the draft is sealed under a key
     * derived from the code too. So spending a code no longer changes its row
     * in codes, and a draft names no code. WITHOUT ROWID: ordered by the
     * random-looking key alone, with no row number that counts up. The
     * drafts of schema 2 (plain text under the code's hash) cannot be sealed
     * here, since the key needs the code the store never had: they are kept,
     * renamed, until their respondent comes back (the draft is then sealed,
     * or the submission deletes it) or --delete-drafts; codes spent before
     * keep their spent flag. */
    "ALTER TABLE drafts RENAME TO drafts_plain;\n"
    "CREATE TABLE drafts (\n"
    "  tag TEXT PRIMARY KEY CHECK (length(tag) = 64),\n"
    "  wave_id INTEGER NOT NULL REFERENCES waves (id),\n"
    "  box BLOB NOT NULL\n"
    ") WITHOUT ROWID;\n"
    "CREATE TABLE spent (\n"
    "  tag TEXT PRIMARY KEY CHECK (length(tag) = 64),\n"
    "  wave_id INTEGER NOT NULL REFERENCES waves (id)\n"
    ") WITHOUT ROWID;\n",
};
_Static_assert(sizeof(migrations) / sizeof(migrations[0]) == ENK_STORE_SCHEMA,
               "one migration per schema version");

/* ------------------------------------------------------ cached statements */

enum stmt_id {
        ST_EDITION_BY_HASH,
        ST_EDITION_INSERT,
        ST_EQ_INSERT,
        ST_EDITION_FIND,
        ST_EDITION_YAML,
        ST_UNIT_FIND,
        ST_UNIT_INSERT,
        ST_UNIT_EXISTS,
        ST_WAVE_FIND,
        ST_WAVE_INSERT,
        ST_WAVE_UPDATE,
        ST_WAVE_RESPONSES,
        ST_WAVE_SLOTS,
        ST_EDITION_EXISTS,
        ST_IMPORT_FIND,
        ST_IMPORT_INSERT,
        ST_IMPORT_EXISTS,
        ST_IMPORT_DEL_RESPONSES,
        ST_IMPORT_DELETE,
        ST_IMPORT_ROWS,
        ST_RESPONSE_INSERT,
        ST_TEXT_QUESTION,
        ST_TEXT_INSERT,
        ST_SCAN_WAVES,
        ST_SCAN_RESPONSES,
        ST_SCAN_TEXTS,
        ST_LIST_WAVES,
        ST_COUNT,
        ST_SAVEPOINT,
        ST_RELEASE,
        ST_ROLLBACK_TO,
        ST_UNIT_NAME,
        ST_CODE_INSERT,
        ST_CODE_STATE,
        ST_CODE_SPEND,
        ST_DRAFT_SAVE,
        ST_DRAFT_LOAD,
        ST_DRAFT_DELETE,
        ST_DRAFTS_DELETE_WAVE,
        ST_PLAIN_LOAD,
        ST_PLAIN_DELETE,
        ST_PLAINS_DELETE_WAVE,
        ST_WEB_INSERT,
        ST_SECRET_GET,
        ST_SECRET_PUT,
        ST_COUNT_
};

/* The filters ?1 unit_id, ?2 year, ?3 survey: 0 and NULL match everything. */
#define FILTER_SQL                                                                                 \
        " WHERE (?1 = 0 OR w.unit_id = ?1) AND (?2 = 0 OR w.year = ?2)"                            \
        " AND (?3 IS NULL OR e.survey = ?3)"

static const char *const stmt_sql[ST_COUNT_] = {
    [ST_EDITION_BY_HASH] = "SELECT id FROM editions WHERE hash = ?1",
    [ST_EDITION_INSERT] = "INSERT INTO editions (survey, year, hash, nquestions, yaml)"
                          " VALUES (?1, ?2, ?3, ?4, ?5)",
    [ST_EQ_INSERT] = "INSERT INTO edition_questions (edition_id, slot, question_id, type,"
                     " section, area, headline, scale, points, positive, na_code, min, max,"
                     " was) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13,"
                     " ?14)",
    [ST_EDITION_FIND] = "SELECT id FROM editions WHERE survey = ?1 AND year = ?2"
                        " ORDER BY id DESC LIMIT 1",
    [ST_EDITION_YAML] = "SELECT yaml FROM editions WHERE id = ?1",
    [ST_UNIT_FIND] = "SELECT id FROM units WHERE name = ?1",
    [ST_UNIT_INSERT] = "INSERT INTO units (name) VALUES (?1)",
    [ST_UNIT_EXISTS] = "SELECT 1 FROM units WHERE id = ?1",
    [ST_WAVE_FIND] = "SELECT w.id, w.edition_id, e.survey, e.year FROM waves w"
                     " JOIN editions e ON e.id = w.edition_id"
                     " WHERE w.unit_id = ?1 AND w.year = ?2",
    [ST_WAVE_INSERT] = "INSERT INTO waves (unit_id, year, edition_id, sent)"
                       " VALUES (?1, ?2, ?3, ?4)",
    [ST_WAVE_UPDATE] = "UPDATE waves SET edition_id = ?2, sent = coalesce(?3, sent)"
                       " WHERE id = ?1",
    [ST_WAVE_RESPONSES] = "SELECT count(*) FROM responses WHERE wave_id = ?1",
    [ST_WAVE_SLOTS] = "SELECT e.nquestions, w.edition_id FROM waves w"
                      " JOIN editions e ON e.id = w.edition_id WHERE w.id = ?1",
    [ST_EDITION_EXISTS] = "SELECT survey, year FROM editions WHERE id = ?1",
    [ST_IMPORT_FIND] = "SELECT i.id, i.wave_id, u.name, w.year, i.file_name, i.content_hash,"
                       " i.rows, i.created FROM imports i"
                       " JOIN waves w ON w.id = i.wave_id JOIN units u ON u.id = w.unit_id"
                       " WHERE i.content_hash = ?1 AND (?2 = 0 OR i.wave_id = ?2)"
                       " ORDER BY i.id LIMIT 1",
    [ST_IMPORT_INSERT] = "INSERT INTO imports (wave_id, file_name, content_hash)"
                         " VALUES (?1, ?2, ?3)",
    [ST_IMPORT_EXISTS] = "SELECT 1 FROM imports WHERE id = ?1",
    [ST_IMPORT_DEL_RESPONSES] = "DELETE FROM responses WHERE import_id = ?1",
    [ST_IMPORT_DELETE] = "DELETE FROM imports WHERE id = ?1",
    [ST_IMPORT_ROWS] = "UPDATE imports SET rows ="
                       " (SELECT count(*) FROM responses WHERE import_id = ?1) WHERE id = ?1",
    [ST_RESPONSE_INSERT] = "INSERT INTO responses (wave_id, import_id, source, date,"
                           " respondent_key, answers) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    [ST_TEXT_QUESTION] = "SELECT type FROM edition_questions"
                         " WHERE edition_id = ?1 AND question_id = ?2",
    [ST_TEXT_INSERT] = "INSERT INTO texts (response_id, question_id, text) VALUES (?1, ?2, ?3)",
    [ST_SCAN_WAVES] =
        "SELECT w.id, w.unit_id, u.name, w.year, w.edition_id, e.nquestions"
        " FROM waves w JOIN units u ON u.id = w.unit_id"
        " JOIN editions e ON e.id = w.edition_id" FILTER_SQL " ORDER BY u.name, w.year, w.id",
    [ST_SCAN_RESPONSES] = "SELECT id, source, date, respondent_key, answers FROM responses"
                          " WHERE wave_id = ?1 ORDER BY id",
    [ST_SCAN_TEXTS] = "SELECT question_id, text FROM texts WHERE response_id = ?1",
    [ST_LIST_WAVES] = "SELECT w.id, w.unit_id, u.name, w.year, w.edition_id, e.survey, e.year,"
                      " (SELECT count(*) FROM responses r WHERE r.wave_id = w.id), w.sent,"
                      " (SELECT count(*) FROM imports i WHERE i.wave_id = w.id),"
                      " (SELECT count(*) FROM codes c WHERE c.wave_id = w.id),"
                      " (SELECT count(*) FROM codes c WHERE c.wave_id = w.id AND c.spent = 1)"
                      " + coalesce(m.n, 0)"
                      " FROM waves w JOIN units u ON u.id = w.unit_id"
                      " JOIN editions e ON e.id = w.edition_id"
                      " LEFT JOIN (SELECT wave_id, count(*) AS n FROM spent GROUP BY wave_id) m"
                      " ON m.wave_id = w.id" FILTER_SQL " ORDER BY u.name, w.year, w.id",
    [ST_COUNT] = "SELECT count(*) FROM responses r JOIN waves w ON w.id = r.wave_id"
                 " JOIN editions e ON e.id = w.edition_id" FILTER_SQL,
    [ST_SAVEPOINT] = "SAVEPOINT enk",
    [ST_RELEASE] = "RELEASE enk",
    [ST_ROLLBACK_TO] = "ROLLBACK TO enk",
    [ST_UNIT_NAME] = "SELECT name FROM units WHERE id = ?1",
    [ST_CODE_INSERT] = "INSERT INTO codes (hash, wave_id) VALUES (?1, ?2)",
    /* ?1 the code's hash, ?2 its spent mark, ?3 its draft's row. A code
     * spent under schema 2 has spent = 1 in its row. */
    [ST_CODE_STATE] =
        "SELECT c.wave_id, c.spent OR EXISTS (SELECT 1 FROM spent s WHERE s.tag = ?2),"
        " EXISTS (SELECT 1 FROM drafts d WHERE d.tag = ?3)"
        " OR EXISTS (SELECT 1 FROM drafts_plain p WHERE p.hash = c.hash)"
        " FROM codes c WHERE c.hash = ?1",
    /* Written only when the code is open in the wave: the check and the
     * write are one statement, so nothing can come between them, and a
     * second mark of the same code is refused by the primary key. */
    [ST_CODE_SPEND] = "INSERT INTO spent (tag, wave_id) SELECT ?1, ?2 WHERE EXISTS"
                      " (SELECT 1 FROM codes WHERE hash = ?3 AND wave_id = ?2 AND spent = 0)",
    [ST_DRAFT_SAVE] = "INSERT INTO drafts (tag, wave_id, box) SELECT ?1, ?2, ?3 WHERE EXISTS"
                      " (SELECT 1 FROM codes WHERE hash = ?4 AND wave_id = ?2 AND spent = 0)"
                      " AND NOT EXISTS (SELECT 1 FROM spent WHERE tag = ?5)"
                      " ON CONFLICT (tag) DO UPDATE SET box = excluded.box",
    [ST_DRAFT_LOAD] = "SELECT box FROM drafts WHERE tag = ?1 AND wave_id = ?2",
    [ST_DRAFT_DELETE] = "DELETE FROM drafts WHERE tag = ?1",
    [ST_DRAFTS_DELETE_WAVE] = "DELETE FROM drafts WHERE wave_id = ?1",
    [ST_PLAIN_LOAD] = "SELECT p.data FROM drafts_plain p JOIN codes c ON c.hash = p.hash"
                      " WHERE p.hash = ?1 AND c.wave_id = ?2",
    [ST_PLAIN_DELETE] = "DELETE FROM drafts_plain WHERE hash = ?1",
    [ST_PLAINS_DELETE_WAVE] = "DELETE FROM drafts_plain WHERE hash IN"
                              " (SELECT hash FROM codes WHERE wave_id = ?1)",
    [ST_WEB_INSERT] = "INSERT INTO responses (id, wave_id, source, date, answers)"
                      " VALUES (?1, ?2, 'web', ?3, ?4)",
    [ST_SECRET_GET] = "SELECT value FROM secrets WHERE name = ?1",
    [ST_SECRET_PUT] = "INSERT INTO secrets (name, value) VALUES (?1, ?2)"
                      " ON CONFLICT (name) DO NOTHING",
};

struct cached_edition {
        int64_t id;
        enk_questionnaire *q;
};

struct enk_store {
        sqlite3 *db;
        char *path;
        bool readonly;
        bool in_txn;
        bool aborted;      /* SQLite rolled the open transaction back after an error */
        bool busy;         /* enk_store_begin failed: another connection held the lock */
        int autockpt;      /* pages at which a commit checkpoints; 0: never */
        int64_t wal_pages; /* the log's length after our last commit */
        sqlite3_stmt *stmts[ST_COUNT_];

        /* The slots of the last wave written to; valid only inside a
         * transaction, when no other process can change the wave. */
        int64_t slots_wave;
        int64_t slots_edition;
        size_t slots;

        unsigned char *blob; /* packing buffer for add_response */
        size_t blob_cap;
        int32_t *values; /* decoding buffer for scan */
        size_t values_cap;

        int64_t *txn_imports; /* imports added in the open transaction */
        size_t ntxn_imports, txn_imports_cap;

        struct cached_edition *editions;
        size_t neditions, editions_cap;

        char *import_strs[4]; /* find_import's borrowed strings */
};

/* --------------------------------------------------------------- helpers */

static enk_loc where(const enk_store *s)
{
        return (enk_loc){s->path, 0, 0};
}

/* Turns an SQLite failure into a diagnostic. The common conditions get a
 * sentence a user can act on; the rest carry SQLite's own text (copied by the
 * diagnostics list at once: SQLite reuses its buffer). */
static enk_status db_fail(enk_store *s, enk_diags *d, int rc, const char *doing)
{
        enk_loc loc = where(s);
        enk_status status = ENK_ERR_STORE;
        switch (rc & 0xff) {
        case SQLITE_NOMEM:
                enk_error(d, loc, "out of memory while %s", doing);
                status = ENK_ERR_NOMEM;
                break;
        case SQLITE_BUSY:
        case SQLITE_LOCKED:
                enk_error(d, loc, "store is locked by another process (try again when it is done)");
                break;
        case SQLITE_READONLY:
                enk_error(d, loc, "store is read-only: cannot write while %s", doing);
                break;
        case SQLITE_FULL:
                enk_error(d, loc, "disk full while %s", doing);
                break;
        case SQLITE_IOERR:
                enk_error(d, loc,
                          "cannot read or write the store file while %s (is the disk full?)",
                          doing);
                break;
        case SQLITE_NOTADB:
                enk_error(d, loc, "not an enkat store (not an SQLite database)");
                break;
        case SQLITE_CORRUPT:
                enk_error(d, loc, "store is damaged (%s)", sqlite3_errmsg(s->db));
                break;
        default:
                enk_error(d, loc, "store error while %s: %s", doing,
                          s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc));
                break;
        }
        /* After some errors (disk full, I/O, out of memory) SQLite rolls the
         * whole transaction back by itself. Later writes must not then land
         * one by one outside it: the store refuses them until the caller
         * rolls back (see txn_ok). */
        if (s->in_txn && !s->aborted && s->db && sqlite3_get_autocommit(s->db)) {
                s->aborted = true;
                enk_diags_add(d, ENK_SEV_NOTE, loc, NULL,
                              "the transaction was rolled back: none of its changes were kept");
        }
        return status;
}

/* Whether a write may go on: not while an aborted transaction awaits the
 * caller's rollback. */
static enk_status txn_ok(enk_store *s, enk_diags *d)
{
        if (!s->aborted)
                return ENK_OK;
        enk_error(d, where(s),
                  "the transaction was rolled back after an earlier error; roll "
                  "back and start again");
        return ENK_ERR_STORE;
}

/* The cached statement id, reset and unbound, prepared on first use. */
static sqlite3_stmt *stmt(enk_store *s, enum stmt_id id, enk_diags *d)
{
        sqlite3_stmt *st = s->stmts[id];
        if (st) {
                sqlite3_reset(st);
                sqlite3_clear_bindings(st);
                return st;
        }
        int rc = sqlite3_prepare_v3(s->db, stmt_sql[id], -1, SQLITE_PREPARE_PERSISTENT, &st, NULL);
        if (rc != SQLITE_OK) {
                db_fail(s, d, rc, "preparing a query");
                return NULL;
        }
        s->stmts[id] = st;
        return st;
}

/* Runs sql (one or more statements, no results). */
static int exec(enk_store *s, const char *sql)
{
        return sqlite3_exec(s->db, sql, NULL, NULL, NULL);
}

static void bind_text_or_null(sqlite3_stmt *st, int i, const char *text)
{
        if (text)
                sqlite3_bind_text(st, i, text, -1, SQLITE_TRANSIENT);
        else
                sqlite3_bind_null(st, i);
}

/* A savepoint makes a multi-statement write atomic on its own, inside the
 * caller's transaction or, when none is open, as its own transaction. */
/* They run as cached statements: the web server opens and releases one per
 * submission, thousands of times a second, and parsing them each time would
 * be waste. */
static int step_once(enk_store *s, enum stmt_id id)
{
        sqlite3_stmt *st = stmt(s, id, NULL);
        if (!st)
                return sqlite3_errcode(s->db);
        int rc = sqlite3_step(st);
        sqlite3_reset(st);
        return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* Steps the bound write statement st once and readies it for its next use:
 * reset, and the bindings cleared, for they may point into the caller's
 * buffers (hashes, blobs) that are freed after the call. */
static int step_write(sqlite3_stmt *st)
{
        int rc = sqlite3_step(st);
        sqlite3_reset(st);
        sqlite3_clear_bindings(st);
        return rc;
}

static enk_status savepoint(enk_store *s, enk_diags *d)
{
        int rc = step_once(s, ST_SAVEPOINT);
        return rc == SQLITE_OK ? ENK_OK : db_fail(s, d, rc, "starting a write");
}

static void undo_savepoint(enk_store *s)
{
        step_once(s, ST_ROLLBACK_TO);
        step_once(s, ST_RELEASE);
}

static enk_status release(enk_store *s, enk_diags *d, enk_status status)
{
        if (status != ENK_OK) {
                undo_savepoint(s);
                return status;
        }
        int rc = step_once(s, ST_RELEASE);
        if (rc != SQLITE_OK) {
                status = db_fail(s, d, rc, "saving");
                undo_savepoint(s);
        }
        return status;
}

static char *xstrdup(const char *s)
{
        return s ? strdup(s) : NULL;
}

/* ---------------------------------------------------------------- opening */

/* Runs the pending migrations from the version the file has to
 * ENK_STORE_SCHEMA in one write transaction, after checking again under the
 * write lock: another process may have created or migrated the file between
 * our first look and now. */
static enk_status migrate(enk_store *s, enk_diags *d)
{
        int rc = exec(s, "BEGIN IMMEDIATE");
        if (rc != SQLITE_OK)
                return db_fail(s, d, rc, "upgrading the schema");
        sqlite3_stmt *st = NULL;
        int version = -1;
        rc = sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &st, NULL);
        if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW)
                version = sqlite3_column_int(st, 0);
        sqlite3_finalize(st);
        if (version < 0) {
                enk_status status = db_fail(s, d, rc, "reading the schema version");
                exec(s, "ROLLBACK");
                return status;
        }
        for (int v = version; v < ENK_STORE_SCHEMA; v++) {
                char pragma[64];
                snprintf(pragma, sizeof(pragma), "PRAGMA user_version = %d", v + 1);
                if ((rc = exec(s, migrations[v])) != SQLITE_OK ||
                    (rc = exec(s, pragma)) != SQLITE_OK) {
                        enk_status status = db_fail(s, d, rc, "upgrading the schema");
                        exec(s, "ROLLBACK");
                        return status;
                }
        }
        rc = exec(s, "COMMIT");
        if (rc != SQLITE_OK) {
                enk_status status = db_fail(s, d, rc, "upgrading the schema");
                exec(s, "ROLLBACK");
                return status;
        }
        return ENK_OK;
}

/* Reads application_id, user_version and the number of schema objects. */
static int identify(enk_store *s, int *app_id, int *version, int *objects)
{
        static const char sql[] = "SELECT (SELECT application_id FROM pragma_application_id),"
                                  " (SELECT user_version FROM pragma_user_version),"
                                  " (SELECT count(*) FROM sqlite_master)";
        sqlite3_stmt *st = NULL;
        int rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);
        if (rc == SQLITE_OK) {
                rc = sqlite3_step(st);
                if (rc == SQLITE_ROW) {
                        *app_id = sqlite3_column_int(st, 0);
                        *version = sqlite3_column_int(st, 1);
                        *objects = sqlite3_column_int(st, 2);
                        rc = SQLITE_OK;
                }
        }
        sqlite3_finalize(st);
        return rc;
}

static enk_status open_checked(enk_store *s, int flags, bool existed, enk_diags *d)
{
        enk_loc loc = where(s);
        int app_id = 0, version = 0, objects = 0;
        int rc = identify(s, &app_id, &version, &objects);
        if (rc != SQLITE_OK)
                return db_fail(s, d, rc, "opening");

        if (app_id == 0 && objects == 0 && version == 0) {
                /* A new file, or an empty one: only CREATE may turn it into a
                 * store, so that a stray empty file is not silently adopted. */
                if (s->readonly || (existed && !(flags & ENK_STORE_CREATE))) {
                        enk_error(d, loc, "not an enkat store (the database is empty)");
                        return ENK_ERR_STORE;
                }
        } else if (app_id != APPLICATION_ID) {
                if (app_id)
                        enk_error(d, loc,
                                  "not an enkat store (an SQLite database of another program, "
                                  "application_id %d)",
                                  app_id);
                else
                        enk_error(d, loc,
                                  "not an enkat store (an SQLite database of another program)");
                return ENK_ERR_STORE;
        } else if (version > ENK_STORE_SCHEMA) {
                enk_error(d, loc,
                          "store has schema version %d, newer than this enkat knows (%d): "
                          "upgrade enkat",
                          version, ENK_STORE_SCHEMA);
                return ENK_ERR_STORE;
        } else if (version == ENK_STORE_SCHEMA) {
                goto pragmas;
        } else if (s->readonly) {
                enk_error(d, loc,
                          "store has schema version %d and needs upgrading to %d: open it "
                          "writable once",
                          version, ENK_STORE_SCHEMA);
                return ENK_ERR_STORE;
        }

        /* WAL before the first write: readers then never block the writer,
         * and a commit is one append to the log. The mode is kept in the file. */
        if (!s->readonly && (rc = exec(s, "PRAGMA journal_mode = WAL")) != SQLITE_OK)
                return db_fail(s, d, rc, "opening");
        enk_status status = migrate(s, d);
        if (status != ENK_OK)
                return status;

pragmas:
        /* synchronous=FULL: in WAL mode it costs one sync of the log per commit
         * (about 0.4 ms here) and makes every commit survive a power cut;
         * NORMAL would only keep the file consistent. Bulk writes are one
         * transaction, so the sync is paid once per import, not per row. */
        /* secure_delete: a deleted or replaced draft (sealed, or in plain
         * text from schema 2) is overwritten with zeros in the file instead
         * of lingering in free pages, where it could be matched with the
         * response it became. */
        if ((rc = exec(s, "PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL;"
                          " PRAGMA secure_delete = ON")) != SQLITE_OK)
                return db_fail(s, d, rc, "opening");
        if (!s->readonly) {
                sqlite3_stmt *st = NULL;
                rc = sqlite3_prepare_v2(s->db, "PRAGMA journal_mode = WAL", -1, &st, NULL);
                if (rc == SQLITE_OK)
                        rc = sqlite3_step(st);
                sqlite3_finalize(st);
                if (rc != SQLITE_ROW && rc != SQLITE_DONE)
                        return db_fail(s, d, rc, "opening");
        }
        return ENK_OK;
}

/* Our own WAL hook instead of SQLite's automatic checkpoint (which is a WAL
 * hook too, and the two cannot be installed at once): it does what SQLite's
 * does, a passive checkpoint once the log has reached autockpt pages, and
 * remembers the log's length, which the server needs to know when to
 * checkpoint from its other thread. */
static int wal_hook(void *arg, sqlite3 *db, const char *name, int pages)
{
        enk_store *s = arg;
        s->wal_pages = pages;
        if (s->autockpt > 0 && pages >= s->autockpt)
                sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
        return SQLITE_OK;
}

enk_status enk_store_open(const char *path, int flags, enk_store **out, enk_diags *diags)
{
        enk_loc loc = {path, 0, 0};
        struct stat sb;
        bool existed = stat(path, &sb) == 0;
        bool readonly = flags & ENK_STORE_READONLY;
        if (!existed && (readonly || !(flags & ENK_STORE_CREATE))) {
                enk_error(diags, loc, "store does not exist");
                return ENK_ERR_NOTFOUND;
        }
        if (existed && S_ISDIR(sb.st_mode)) {
                enk_error(diags, loc, "not an enkat store (a directory)");
                return ENK_ERR_STORE;
        }

        enk_store *s = calloc(1, sizeof(*s));
        if (!s || !(s->path = strdup(path))) {
                free(s);
                enk_error(diags, loc, "out of memory");
                return ENK_ERR_NOMEM;
        }
        s->readonly = readonly;
        int oflags = readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
        int rc = sqlite3_open_v2(path, &s->db, oflags, NULL);
        if (rc != SQLITE_OK) {
                enk_error(diags, loc, "cannot open store: %s",
                          s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc));
                enk_store_free(s);
                return rc == SQLITE_NOMEM ? ENK_ERR_NOMEM : ENK_ERR_STORE;
        }
        sqlite3_extended_result_codes(s->db, 1);
        enk_store_set_busy_timeout(s, 5000);
        /* SQLite's default: checkpoint in the commit that reaches 1000 pages. */
        s->autockpt = 1000;
        sqlite3_wal_hook(s->db, wal_hook, s);
        /* A file SQLite opened read-only (no write permission) behaves as if
         * READONLY had been asked for, so that the errors say so. */
        if (!readonly && sqlite3_db_readonly(s->db, "main") == 1)
                s->readonly = true;

        enk_status status = open_checked(s, flags, existed, diags);
        if (status != ENK_OK) {
                enk_store_free(s);
                return status;
        }
        *out = s;
        return ENK_OK;
}

void enk_store_free(enk_store *store)
{
        if (!store)
                return;
        for (size_t i = 0; i < ST_COUNT_; i++)
                sqlite3_finalize(store->stmts[i]);
        /* Closing with a transaction open rolls it back. */
        sqlite3_close(store->db);
        for (size_t i = 0; i < store->neditions; i++)
                enk_questionnaire_free(store->editions[i].q);
        free(store->editions);
        for (size_t i = 0; i < 4; i++)
                free(store->import_strs[i]);
        free(store->txn_imports);
        free(store->blob);
        free(store->values);
        free(store->path);
        free(store);
}

void enk_store_set_autocheckpoint(enk_store *store, int pages)
{
        store->autockpt = pages > 0 ? pages : 0;
}

int64_t enk_store_wal_pages(const enk_store *store)
{
        return store->wal_pages;
}

enk_status enk_store_checkpoint(enk_store *store, bool truncate, int64_t *log_pages,
                                int64_t *copied, enk_diags *diags)
{
        if (store->in_txn) {
                enk_error(diags, where(store), "cannot checkpoint inside a transaction");
                return ENK_ERR_USAGE;
        }
        if (store->readonly) {
                enk_error(diags, where(store), "store is read-only: cannot checkpoint");
                return ENK_ERR_STORE;
        }
        int log = -1, done = -1;
        int rc = sqlite3_wal_checkpoint_v2(
            store->db, "main", truncate ? SQLITE_CHECKPOINT_TRUNCATE : SQLITE_CHECKPOINT_PASSIVE,
            &log, &done);
        /* BUSY is not a failure here: another checkpoint was running (counts
         * -1), or a truncating one ran out of patience and did what a passive
         * one does (counts set). */
        if (rc != SQLITE_OK && (rc & 0xff) != SQLITE_BUSY)
                return db_fail(store, diags, rc, "checkpointing");
        if (truncate && rc == SQLITE_OK)
                store->wal_pages = 0;
        if (log_pages)
                *log_pages = log;
        if (copied)
                *copied = done;
        return ENK_OK;
}

void enk_store_set_busy_timeout(enk_store *store, int milliseconds)
{
        sqlite3_busy_timeout(store->db, milliseconds > 0 ? milliseconds : 0);
}

const char *enk_store_path(const enk_store *store)
{
        return store->path;
}

/* ----------------------------------------------------------- transactions */

static void forget_txn(enk_store *s)
{
        s->in_txn = false;
        s->aborted = false;
        s->ntxn_imports = 0;
        s->slots_wave = 0;
}

enk_status enk_store_begin(enk_store *store, enk_diags *diags)
{
        store->busy = false;
        if (store->in_txn) {
                enk_error(diags, where(store), "a transaction is already open");
                return ENK_ERR_USAGE;
        }
        if (store->readonly) {
                enk_error(diags, where(store), "store is read-only: cannot write");
                return ENK_ERR_STORE;
        }
        /* IMMEDIATE takes the write lock now, so a busy store fails before any
         * work is done rather than at the first write of an import. */
        int rc = exec(store, "BEGIN IMMEDIATE");
        store->busy = (rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED;
        if (rc != SQLITE_OK)
                return db_fail(store, diags, rc, "starting a transaction");
        store->in_txn = true;
        store->aborted = false;
        store->ntxn_imports = 0;
        store->slots_wave = 0;
        return ENK_OK;
}

bool enk_store_begin_busy(const enk_store *store)
{
        return store && store->busy;
}

enk_status enk_store_commit(enk_store *store, enk_diags *diags)
{
        if (!store->in_txn) {
                enk_error(diags, where(store), "no transaction is open");
                return ENK_ERR_USAGE;
        }
        if (store->aborted) {
                enk_status status = txn_ok(store, diags);
                forget_txn(store);
                return status;
        }
        /* Counting an import's rows once here is cheaper than updating a
         * counter on every response. */
        for (size_t i = 0; i < store->ntxn_imports; i++) {
                sqlite3_stmt *st = stmt(store, ST_IMPORT_ROWS, diags);
                if (!st) {
                        enk_store_rollback(store);
                        return ENK_ERR_STORE;
                }
                sqlite3_bind_int64(st, 1, store->txn_imports[i]);
                int rc = sqlite3_step(st);
                sqlite3_reset(st);
                if (rc != SQLITE_DONE) {
                        enk_status status = db_fail(store, diags, rc, "committing");
                        enk_store_rollback(store);
                        return status;
                }
        }
        int rc = exec(store, "COMMIT");
        if (rc != SQLITE_OK) {
                enk_status status = db_fail(store, diags, rc, "committing");
                enk_store_rollback(store);
                return status;
        }
        forget_txn(store);
        return ENK_OK;
}

void enk_store_rollback(enk_store *store)
{
        if (!store || !store->in_txn)
                return;
        /* Reset every statement first: a pending read would make the rollback
         * fail with SQLITE_BUSY in older SQLite versions. */
        for (size_t i = 0; i < ST_COUNT_; i++)
                if (store->stmts[i])
                        sqlite3_reset(store->stmts[i]);
        if (sqlite3_get_autocommit(store->db) == 0)
                exec(store, "ROLLBACK");
        forget_txn(store);
}

bool enk_store_in_transaction(const enk_store *store)
{
        return store->in_txn;
}

/* --------------------------------------------------------------- editions */

static const char *type_name(enk_qtype t)
{
        static const char *const names[] = {
            [ENK_Q_SCALE] = "scale", [ENK_Q_SINGLE] = "single", [ENK_Q_MULTIPLE] = "multiple",
            [ENK_Q_YESNO] = "yesno", [ENK_Q_NUMBER] = "number", [ENK_Q_TEXT] = "text",
        };
        return (unsigned) t < sizeof(names) / sizeof(names[0]) ? names[t] : NULL;
}

/* Appends the numbers as "1 2 3" to a new string (NULL when n is 0). */
static char *join_ints(const int32_t *v, size_t n, size_t stride)
{
        if (n == 0)
                return NULL;
        char *buf = malloc(n * 12 + 1);
        if (!buf)
                return NULL;
        size_t len = 0;
        for (size_t i = 0; i < n; i++) {
                const int32_t *p = (const int32_t *) ((const char *) v + i * stride);
                len += (size_t) sprintf(buf + len, "%s%d", i ? " " : "", *p);
        }
        return buf;
}

static char *join_strs(const char **v, size_t n)
{
        if (n == 0)
                return NULL;
        size_t total = 1;
        for (size_t i = 0; i < n; i++)
                total += strlen(v[i]) + 1;
        char *buf = malloc(total), *p = buf;
        if (!buf)
                return NULL;
        for (size_t i = 0; i < n; i++)
                p += sprintf(p, "%s%s", i ? " " : "", v[i]);
        return buf;
}

static enk_status insert_question(enk_store *s, int64_t edition_id, const enk_questionnaire *q,
                                  size_t slot, enk_diags *d)
{
        const enk_question *qn = &q->questions[slot];
        const char *type = type_name(qn->type);
        if (!type) {
                enk_error(d, where(s), "question '%s' has an unknown type", qn->id);
                return ENK_ERR_USAGE;
        }
        sqlite3_stmt *st = stmt(s, ST_EQ_INSERT, d);
        if (!st)
                return ENK_ERR_STORE;
        const enk_scale *sc = enk_question_scale(q, qn);
        char *points = NULL, *positive = NULL, *was = NULL;
        if (sc) {
                points = join_ints(&sc->points[0].value, sc->npoints, sizeof(enk_point));
                positive = join_ints(sc->positive, sc->npositive, sizeof(int32_t));
        } else if (qn->noptions) {
                points = join_ints(&qn->options[0].value, qn->noptions, sizeof(enk_option));
        }
        was = join_strs(qn->was, qn->nwas);
        sqlite3_bind_int64(st, 1, edition_id);
        sqlite3_bind_int64(st, 2, (int64_t) slot);
        sqlite3_bind_text(st, 3, qn->id, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, type, -1, SQLITE_STATIC);
        if (qn->section >= 0 && (size_t) qn->section < q->nsections)
                sqlite3_bind_text(st, 5, q->sections[qn->section].id, -1, SQLITE_STATIC);
        if (qn->area >= 0 && (size_t) qn->area < q->nareas)
                sqlite3_bind_text(st, 6, q->areas[qn->area].id, -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 7, qn->headline);
        if (sc) {
                sqlite3_bind_text(st, 8, sc->id, -1, SQLITE_STATIC);
                if (sc->has_na)
                        sqlite3_bind_int(st, 11, sc->na_code);
        }
        bind_text_or_null(st, 9, points);
        bind_text_or_null(st, 10, positive);
        if (qn->type == ENK_Q_NUMBER) {
                sqlite3_bind_int(st, 12, qn->min);
                sqlite3_bind_int(st, 13, qn->max);
        }
        bind_text_or_null(st, 14, was);
        int rc = step_write(st);
        free(points);
        free(positive);
        free(was);
        if (rc != SQLITE_DONE)
                return db_fail(s, d, rc, "storing a questionnaire");
        return ENK_OK;
}

/* Looks up one int64 by one int64 or text key: ENK_OK with *out, or
 * ENK_ERR_NOTFOUND without a diagnostic. */
static enk_status lookup_id(enk_store *s, enum stmt_id id, const char *text, int64_t key,
                            int64_t *out, enk_diags *d)
{
        sqlite3_stmt *st = stmt(s, id, d);
        if (!st)
                return ENK_ERR_STORE;
        if (text)
                sqlite3_bind_text(st, 1, text, -1, SQLITE_STATIC);
        else
                sqlite3_bind_int64(st, 1, key);
        int rc = sqlite3_step(st);
        enk_status status = ENK_ERR_NOTFOUND;
        if (rc == SQLITE_ROW) {
                *out = sqlite3_column_int64(st, 0);
                status = ENK_OK;
        } else if (rc != SQLITE_DONE) {
                status = db_fail(s, d, rc, "reading");
        }
        sqlite3_reset(st);
        return status;
}

enk_status enk_store_add_edition(enk_store *store, const enk_questionnaire *q, int64_t *edition_id,
                                 enk_diags *diags)
{
        if (!q || !q->source || !q->survey) {
                enk_error(diags, where(store), "questionnaire has no source text to store");
                return ENK_ERR_USAGE;
        }
        char hash[ENK_HASH_HEX_SIZE];
        enk_hash_sha256_hex(q->source, q->source_len, hash);
        int64_t id = 0;
        enk_status status = txn_ok(store, diags);
        if (status != ENK_OK)
                return status;
        status = lookup_id(store, ST_EDITION_BY_HASH, hash, 0, &id, diags);
        if (status == ENK_OK) {
                *edition_id = id;
                return ENK_OK;
        }
        if (status != ENK_ERR_NOTFOUND)
                return status;

        if ((status = savepoint(store, diags)) != ENK_OK)
                return status;
        sqlite3_stmt *st = stmt(store, ST_EDITION_INSERT, diags);
        if (!st)
                return release(store, diags, ENK_ERR_STORE);
        sqlite3_bind_text(st, 1, q->survey, -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 2, q->edition);
        sqlite3_bind_text(st, 3, hash, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 4, (int64_t) q->nquestions);
        sqlite3_bind_text(st, 5, q->source, (int) q->source_len, SQLITE_STATIC);
        int rc = step_write(st);
        if (rc != SQLITE_DONE)
                return release(store, diags, db_fail(store, diags, rc, "storing a questionnaire"));
        id = sqlite3_last_insert_rowid(store->db);
        for (size_t i = 0; i < q->nquestions && status == ENK_OK; i++)
                status = insert_question(store, id, q, i, diags);
        if ((status = release(store, diags, status)) != ENK_OK)
                return status;
        *edition_id = id;
        return ENK_OK;
}

enk_status enk_store_find_edition(enk_store *store, const char *survey, int year,
                                  int64_t *edition_id, enk_diags *diags)
{
        sqlite3_stmt *st = stmt(store, ST_EDITION_FIND, diags);
        if (!st)
                return ENK_ERR_STORE;
        sqlite3_bind_text(st, 1, survey, -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 2, year);
        int rc = sqlite3_step(st);
        enk_status status = ENK_OK;
        if (rc == SQLITE_ROW) {
                *edition_id = sqlite3_column_int64(st, 0);
        } else if (rc == SQLITE_DONE) {
                enk_error(diags, where(store), "no edition %d of survey '%s' in the store", year,
                          survey);
                status = ENK_ERR_NOTFOUND;
        } else {
                status = db_fail(store, diags, rc, "reading editions");
        }
        sqlite3_reset(st);
        return status;
}

enk_status enk_store_load_edition(enk_store *store, int64_t edition_id, enk_questionnaire **out,
                                  enk_diags *diags)
{
        sqlite3_stmt *st = stmt(store, ST_EDITION_YAML, diags);
        if (!st)
                return ENK_ERR_STORE;
        sqlite3_bind_int64(st, 1, edition_id);
        int rc = sqlite3_step(st);
        enk_status status;
        if (rc == SQLITE_ROW) {
                char name[64 + 4096];
                snprintf(name, sizeof(name), "%s#edition-%lld", store->path,
                         (long long) edition_id);
                const char *yaml = (const char *) sqlite3_column_text(st, 0);
                size_t len = (size_t) sqlite3_column_bytes(st, 0);
                status = enk_questionnaire_parse(yaml ? yaml : "", len, name, out, diags);
        } else if (rc == SQLITE_DONE) {
                enk_error(diags, where(store), "no edition with id %lld in the store",
                          (long long) edition_id);
                status = ENK_ERR_NOTFOUND;
        } else {
                status = db_fail(store, diags, rc, "reading editions");
        }
        sqlite3_reset(st);
        return status;
}

enk_status enk_store_edition(enk_store *store, int64_t edition_id, const enk_questionnaire **out,
                             enk_diags *diags)
{
        for (size_t i = 0; i < store->neditions; i++)
                if (store->editions[i].id == edition_id) {
                        *out = store->editions[i].q;
                        return ENK_OK;
                }
        if (store->neditions == store->editions_cap) {
                size_t cap = store->editions_cap ? store->editions_cap * 2 : 8;
                struct cached_edition *e = realloc(store->editions, cap * sizeof(*e));
                if (!e) {
                        enk_error(diags, where(store), "out of memory");
                        return ENK_ERR_NOMEM;
                }
                store->editions = e;
                store->editions_cap = cap;
        }
        enk_questionnaire *q = NULL;
        enk_status status = enk_store_load_edition(store, edition_id, &q, diags);
        if (status != ENK_OK)
                return status;
        store->editions[store->neditions++] = (struct cached_edition){edition_id, q};
        *out = q;
        return ENK_OK;
}

/* ------------------------------------------------------------ units, waves */

enk_status enk_store_find_unit(enk_store *store, const char *name, int64_t *unit_id,
                               enk_diags *diags)
{
        enk_status status = lookup_id(store, ST_UNIT_FIND, name ? name : "", 0, unit_id, diags);
        if (status == ENK_ERR_NOTFOUND)
                enk_error(diags, where(store), "no unit '%s' in the store", name ? name : "");
        return status;
}

/* The code point of the UTF-8 sequence at s, its length in *len; -1 when the
 * bytes are not a shortest-form encoding of a code point (an overlong form, a
 * surrogate, beyond U+10FFFF, a stray or missing continuation byte). */
static long utf8_next(const unsigned char *s, size_t *len)
{
        static const long min[] = {0, 0, 0x80, 0x800, 0x10000};
        size_t n = s[0] < 0x80                    ? 1
                   : s[0] >= 0xC2 && s[0] <= 0xDF ? 2
                   : (s[0] & 0xF0) == 0xE0        ? 3
                   : s[0] >= 0xF0 && s[0] <= 0xF4 ? 4
                                                  : 0;
        if (!n)
                return -1;
        long cp = n == 1 ? s[0] : s[0] & (0x7F >> n);
        for (size_t i = 1; i < n; i++) {
                if ((s[i] & 0xC0) != 0x80)
                        return -1;
                cp = (cp << 6) | (s[i] & 0x3F);
        }
        if (cp < min[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
                return -1;
        *len = n;
        return cp;
}

enk_status enk_store_check_unit_name(const char *name, enk_loc loc, enk_diags *diags)
{
        if (!name || !*name) {
                enk_error(diags, loc, "a unit needs a name");
                return ENK_ERR_USAGE;
        }
        const unsigned char *s = (const unsigned char *) name;
        size_t chars = 0;
        bool blank = true;
        for (size_t i = 0, len; s[i]; i += len) {
                long cp = utf8_next(s + i, &len);
                chars++;
                if (cp < 0) {
                        enk_error(diags, loc,
                                  "unit name is not valid UTF-8 (byte 0x%02X at byte %zu)", s[i],
                                  i + 1);
                        return ENK_ERR_USAGE;
                }
                if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F)) {
                        enk_error(diags, loc,
                                  "unit name holds a control character (U+%04lX) at character %zu",
                                  cp, chars);
                        return ENK_ERR_USAGE;
                }
                blank = blank && (cp == ' ' || cp == 0xA0);
        }
        if (blank) {
                enk_error(diags, loc, "unit name is only blanks");
                return ENK_ERR_USAGE;
        }
        if (chars > ENK_UNIT_NAME_MAX) {
                enk_error(diags, loc, "unit name too long: %zu characters (the limit is %d)", chars,
                          ENK_UNIT_NAME_MAX);
                return ENK_ERR_USAGE;
        }
        return ENK_OK;
}

enk_status enk_store_unit(enk_store *store, const char *name, int64_t *unit_id, enk_diags *diags)
{
        enk_status status = enk_store_check_unit_name(name, where(store), diags);
        if (status != ENK_OK)
                return status;
        int64_t id;
        status = lookup_id(store, ST_UNIT_FIND, name, 0, &id, diags);
        if (status == ENK_ERR_NOTFOUND && (status = txn_ok(store, diags)) == ENK_OK) {
                sqlite3_stmt *st = stmt(store, ST_UNIT_INSERT, diags);
                if (!st)
                        return ENK_ERR_STORE;
                sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
                int rc = sqlite3_step(st);
                sqlite3_reset(st);
                if (rc != SQLITE_DONE)
                        return db_fail(store, diags, rc, "adding a unit");
                id = sqlite3_last_insert_rowid(store->db);
                status = ENK_OK;
        }
        if (status == ENK_OK)
                *unit_id = id;
        return status;
}

enk_status enk_store_wave(enk_store *store, int64_t unit_id, int year, int64_t edition_id,
                          int64_t sent, int64_t *wave_id, enk_diags *diags)
{
        enk_loc loc = where(store);
        if (year < 1990 || year > 2100) {
                enk_error(diags, loc, "year %d is outside 1990-2100", year);
                return ENK_ERR_USAGE;
        }
        if (sent < -1) {
                enk_error(diags, loc, "number sent out must be 0 or more, not %lld",
                          (long long) sent);
                return ENK_ERR_USAGE;
        }
        int64_t one;
        enk_status status = txn_ok(store, diags);
        if (status != ENK_OK)
                return status;
        status = lookup_id(store, ST_UNIT_EXISTS, NULL, unit_id, &one, diags);
        if (status == ENK_ERR_NOTFOUND)
                enk_error(diags, loc, "no unit with id %lld in the store", (long long) unit_id);
        if (status != ENK_OK)
                return status;

        /* The edition wanted, for the messages. */
        sqlite3_stmt *st = stmt(store, ST_EDITION_EXISTS, diags);
        if (!st)
                return ENK_ERR_STORE;
        sqlite3_bind_int64(st, 1, edition_id);
        int rc = sqlite3_step(st);
        char *want_survey = NULL;
        int want_year = 0;
        if (rc == SQLITE_ROW) {
                want_survey = xstrdup((const char *) sqlite3_column_text(st, 0));
                want_year = sqlite3_column_int(st, 1);
        }
        sqlite3_reset(st);
        if (rc == SQLITE_DONE) {
                enk_error(diags, loc, "no edition with id %lld in the store",
                          (long long) edition_id);
                return ENK_ERR_NOTFOUND;
        }
        if (rc != SQLITE_ROW)
                return db_fail(store, diags, rc, "reading editions");

        st = stmt(store, ST_WAVE_FIND, diags);
        if (!st) {
                free(want_survey);
                return ENK_ERR_STORE;
        }
        sqlite3_bind_int64(st, 1, unit_id);
        sqlite3_bind_int(st, 2, year);
        rc = sqlite3_step(st);
        if (rc == SQLITE_DONE) {
                sqlite3_reset(st);
                free(want_survey);
                st = stmt(store, ST_WAVE_INSERT, diags);
                if (!st)
                        return ENK_ERR_STORE;
                sqlite3_bind_int64(st, 1, unit_id);
                sqlite3_bind_int(st, 2, year);
                sqlite3_bind_int64(st, 3, edition_id);
                if (sent >= 0)
                        sqlite3_bind_int64(st, 4, sent);
                rc = sqlite3_step(st);
                sqlite3_reset(st);
                if (rc != SQLITE_DONE)
                        return db_fail(store, diags, rc, "adding a wave");
                *wave_id = sqlite3_last_insert_rowid(store->db);
                return ENK_OK;
        }
        if (rc != SQLITE_ROW) {
                free(want_survey);
                sqlite3_reset(st);
                return db_fail(store, diags, rc, "reading waves");
        }
        int64_t id = sqlite3_column_int64(st, 0);
        int64_t have_edition = sqlite3_column_int64(st, 1);
        char *have_survey = xstrdup((const char *) sqlite3_column_text(st, 2));
        int have_year = sqlite3_column_int(st, 3);
        sqlite3_reset(st);

        status = ENK_OK;
        if (have_edition != edition_id) {
                int64_t n = 0;
                status = lookup_id(store, ST_WAVE_RESPONSES, NULL, id, &n, diags);
                if (status == ENK_OK && n > 0) {
                        enk_error(diags, loc,
                                  "the wave of year %d already has %lld responses to edition "
                                  "%d of '%s' (id %lld); cannot switch it to edition %d of '%s' "
                                  "(id %lld)",
                                  year, (long long) n, have_year, have_survey ? have_survey : "?",
                                  (long long) have_edition, want_year,
                                  want_survey ? want_survey : "?", (long long) edition_id);
                        status = ENK_ERR_EXISTS;
                }
        }
        free(have_survey);
        free(want_survey);
        if (status != ENK_OK)
                return status;
        if (have_edition != edition_id || sent >= 0) {
                st = stmt(store, ST_WAVE_UPDATE, diags);
                if (!st)
                        return ENK_ERR_STORE;
                sqlite3_bind_int64(st, 1, id);
                sqlite3_bind_int64(st, 2, edition_id);
                if (sent >= 0)
                        sqlite3_bind_int64(st, 3, sent);
                rc = sqlite3_step(st);
                sqlite3_reset(st);
                if (rc != SQLITE_DONE)
                        return db_fail(store, diags, rc, "updating a wave");
                if (store->slots_wave == id)
                        store->slots_wave = 0;
        }
        *wave_id = id;
        return ENK_OK;
}

/* ---------------------------------------------------------------- imports */

enk_status enk_store_find_import(enk_store *store, const char *content_hash, int64_t wave_id,
                                 enk_store_import *out, enk_diags *diags)
{
        sqlite3_stmt *st = stmt(store, ST_IMPORT_FIND, diags);
        if (!st)
                return ENK_ERR_STORE;
        sqlite3_bind_text(st, 1, content_hash ? content_hash : "", -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, wave_id);
        int rc = sqlite3_step(st);
        enk_status status = ENK_ERR_NOTFOUND;
        if (rc == SQLITE_ROW) {
                char *strs[4];
                static const int cols[4] = {2, 4, 5, 7};
                bool ok = true;
                for (int i = 0; i < 4; i++) {
                        strs[i] = xstrdup((const char *) sqlite3_column_text(st, cols[i]));
                        ok = ok && strs[i];
                }
                if (!ok) {
                        for (int i = 0; i < 4; i++)
                                free(strs[i]);
                        enk_error(diags, where(store), "out of memory");
                        status = ENK_ERR_NOMEM;
                } else {
                        for (int i = 0; i < 4; i++) {
                                free(store->import_strs[i]);
                                store->import_strs[i] = strs[i];
                        }
                        *out = (enk_store_import){
                            .id = sqlite3_column_int64(st, 0),
                            .wave_id = sqlite3_column_int64(st, 1),
                            .unit = strs[0],
                            .year = sqlite3_column_int(st, 3),
                            .file_name = strs[1],
                            .content_hash = strs[2],
                            .rows = sqlite3_column_int64(st, 6),
                            .created = strs[3],
                        };
                        status = ENK_OK;
                }
        } else if (rc != SQLITE_DONE) {
                status = db_fail(store, diags, rc, "reading imports");
        }
        sqlite3_reset(st);
        return status;
}

enk_status enk_store_add_import(enk_store *store, int64_t wave_id, const char *file_name,
                                const char *content_hash, int64_t *import_id, enk_diags *diags)
{
        if (!file_name || !content_hash) {
                enk_error(diags, where(store), "an import needs a file name and a content hash");
                return ENK_ERR_USAGE;
        }
        if (txn_ok(store, diags) != ENK_OK)
                return ENK_ERR_STORE;
        if (store->in_txn && store->ntxn_imports == store->txn_imports_cap) {
                size_t cap = store->txn_imports_cap ? store->txn_imports_cap * 2 : 16;
                int64_t *p = realloc(store->txn_imports, cap * sizeof(*p));
                if (!p) {
                        enk_error(diags, where(store), "out of memory");
                        return ENK_ERR_NOMEM;
                }
                store->txn_imports = p;
                store->txn_imports_cap = cap;
        }
        sqlite3_stmt *st = stmt(store, ST_IMPORT_INSERT, diags);
        if (!st)
                return ENK_ERR_STORE;
        sqlite3_bind_int64(st, 1, wave_id);
        sqlite3_bind_text(st, 2, file_name, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, content_hash, -1, SQLITE_STATIC);
        int rc = sqlite3_step(st);
        sqlite3_reset(st);
        if (rc == SQLITE_CONSTRAINT_FOREIGNKEY) {
                enk_error(diags, where(store), "no wave with id %lld in the store",
                          (long long) wave_id);
                return ENK_ERR_NOTFOUND;
        }
        if (rc != SQLITE_DONE)
                return db_fail(store, diags, rc, "recording an import");
        int64_t id = sqlite3_last_insert_rowid(store->db);
        if (store->in_txn)
                store->txn_imports[store->ntxn_imports++] = id;
        *import_id = id;
        return ENK_OK;
}

enk_status enk_store_delete_import(enk_store *store, int64_t import_id, enk_diags *diags)
{
        int64_t one;
        enk_status status = txn_ok(store, diags);
        if (status != ENK_OK)
                return status;
        status = lookup_id(store, ST_IMPORT_EXISTS, NULL, import_id, &one, diags);
        if (status == ENK_ERR_NOTFOUND)
                enk_error(diags, where(store), "no import with id %lld in the store",
                          (long long) import_id);
        if (status != ENK_OK)
                return status;
        if ((status = savepoint(store, diags)) != ENK_OK)
                return status;
        /* The responses' texts go with them (ON DELETE CASCADE). */
        static const enum stmt_id steps[] = {ST_IMPORT_DEL_RESPONSES, ST_IMPORT_DELETE};
        for (size_t i = 0; i < 2 && status == ENK_OK; i++) {
                sqlite3_stmt *st = stmt(store, steps[i], diags);
                if (!st) {
                        status = ENK_ERR_STORE;
                        break;
                }
                sqlite3_bind_int64(st, 1, import_id);
                int rc = sqlite3_step(st);
                sqlite3_reset(st);
                if (rc != SQLITE_DONE)
                        status = db_fail(store, diags, rc, "deleting an import");
        }
        status = release(store, diags, status);
        if (status == ENK_OK)
                for (size_t i = 0; i < store->ntxn_imports; i++)
                        if (store->txn_imports[i] == import_id)
                                store->txn_imports[i] = store->txn_imports[--store->ntxn_imports];
        return status;
}

/* -------------------------------------------------------------- responses */

static const char *const source_names[] = {"web", "paper", "import", "scan"};

const char *enk_store_source_name(enk_store_source source)
{
        return (unsigned) source < 4 ? source_names[source] : "?";
}

int enk_store_source_parse(const char *name)
{
        for (int i = 0; name && i < 4; i++)
                if (!strcmp(name, source_names[i]))
                        return i;
        return -1;
}

/* Whether date is NULL or a real date YYYY-MM-DD. The schema's CHECK says the
 * same (date(d, '+0 days') normalises 2020-02-30 to 2020-03-01, so only real
 * dates equal their normal form); checking here first gives a clear message. */
static bool date_ok(const char *date)
{
        if (!date)
                return true;
        if (strlen(date) != 10 || date[4] != '-' || date[7] != '-')
                return false;
        for (int i = 0; i < 10; i++)
                if (i != 4 && i != 7 && (date[i] < '0' || date[i] > '9'))
                        return false;
        int month = (date[5] - '0') * 10 + date[6] - '0';
        int day = (date[8] - '0') * 10 + date[9] - '0';
        int year = atoi(date);
        static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
        if (month < 1 || month > 12 || day < 1)
                return false;
        bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        return day <= mdays[month - 1] + (month == 2 && leap);
}

/* The number of answer slots of wave_id's edition; cached inside a
 * transaction, when nobody else can change the wave. */
static enk_status wave_slots(enk_store *s, int64_t wave_id, size_t *slots, int64_t *edition,
                             enk_diags *d)
{
        if (s->in_txn && s->slots_wave == wave_id && wave_id) {
                *slots = s->slots;
                *edition = s->slots_edition;
                return ENK_OK;
        }
        sqlite3_stmt *st = stmt(s, ST_WAVE_SLOTS, d);
        if (!st)
                return ENK_ERR_STORE;
        sqlite3_bind_int64(st, 1, wave_id);
        int rc = sqlite3_step(st);
        enk_status status = ENK_OK;
        if (rc == SQLITE_ROW) {
                *slots = (size_t) sqlite3_column_int64(st, 0);
                *edition = sqlite3_column_int64(st, 1);
                if (s->in_txn) {
                        s->slots_wave = wave_id;
                        s->slots = *slots;
                        s->slots_edition = *edition;
                }
        } else if (rc == SQLITE_DONE) {
                enk_error(d, where(s), "no wave with id %lld in the store", (long long) wave_id);
                status = ENK_ERR_NOTFOUND;
        } else {
                status = db_fail(s, d, rc, "reading waves");
        }
        sqlite3_reset(st);
        return status;
}

static enk_status add_texts(enk_store *s, int64_t response_id, int64_t edition_id,
                            const enk_store_text *texts, size_t ntexts, enk_diags *d)
{
        for (size_t i = 0; i < ntexts; i++) {
                const char *qid = texts[i].question_id;
                if (!qid) {
                        enk_error(d, where(s), "a free-text answer names no question");
                        return ENK_ERR_USAGE;
                }
                if (!texts[i].text || !texts[i].text[0])
                        continue;
                sqlite3_stmt *st = stmt(s, ST_TEXT_QUESTION, d);
                if (!st)
                        return ENK_ERR_STORE;
                sqlite3_bind_int64(st, 1, edition_id);
                sqlite3_bind_text(st, 2, qid, -1, SQLITE_STATIC);
                int rc = sqlite3_step(st);
                bool is_text =
                    rc == SQLITE_ROW && !strcmp((const char *) sqlite3_column_text(st, 0), "text");
                sqlite3_reset(st);
                if (rc != SQLITE_ROW && rc != SQLITE_DONE)
                        return db_fail(s, d, rc, "reading questions");
                if (!is_text) {
                        enk_diags_add(d, ENK_SEV_ERROR, where(s), qid,
                                      rc == SQLITE_ROW
                                          ? "question '%s' is not a free-text question"
                                          : "question '%s' is not in the wave's edition",
                                      qid);
                        return ENK_ERR_USAGE;
                }
                st = stmt(s, ST_TEXT_INSERT, d);
                if (!st)
                        return ENK_ERR_STORE;
                sqlite3_bind_int64(st, 1, response_id);
                sqlite3_bind_text(st, 2, qid, -1, SQLITE_STATIC);
                sqlite3_bind_text(st, 3, texts[i].text, -1, SQLITE_STATIC);
                rc = sqlite3_step(st);
                sqlite3_reset(st);
                if ((rc & 0xff) == SQLITE_CONSTRAINT) {
                        enk_diags_add(d, ENK_SEV_ERROR, where(s), qid,
                                      "two free-text answers to question '%s'", qid);
                        return ENK_ERR_USAGE;
                }
                if (rc != SQLITE_DONE)
                        return db_fail(s, d, rc, "storing a free-text answer");
        }
        return ENK_OK;
}

/* Packs the answers into store->blob (4 * n bytes). */
static enk_status pack(enk_store *store, const int32_t *values, size_t n, enk_diags *d)
{
        size_t bytes = n * 4;
        if (bytes > store->blob_cap) {
                unsigned char *b = realloc(store->blob, bytes);
                if (!b) {
                        enk_error(d, where(store), "out of memory");
                        return ENK_ERR_NOMEM;
                }
                store->blob = b;
                store->blob_cap = bytes;
        }
        /* Big-endian, so that the bytes read in the natural order in hex() and
         * the answers_long view can decode them digit by digit. */
        for (size_t i = 0; i < n; i++) {
                uint32_t u = (uint32_t) values[i];
                unsigned char *p = store->blob + 4 * i;
                p[0] = (unsigned char) (u >> 24);
                p[1] = (unsigned char) (u >> 16);
                p[2] = (unsigned char) (u >> 8);
                p[3] = (unsigned char) u;
        }
        return ENK_OK;
}

enk_status enk_store_add_response(enk_store *store, int64_t wave_id, int64_t import_id,
                                  enk_store_source source, const char *date,
                                  const char *respondent_key, const int32_t *values, size_t nvalues,
                                  const enk_store_text *texts, size_t ntexts, int64_t *response_id,
                                  enk_diags *diags)
{
        enk_loc loc = where(store);
        if (store->aborted)
                return txn_ok(store, diags);
        if ((unsigned) source >= 4) {
                enk_error(diags, loc, "unknown response source %d", (int) source);
                return ENK_ERR_USAGE;
        }
        if (!date_ok(date)) {
                enk_error(diags, loc, "date '%s' is not a date YYYY-MM-DD", date);
                return ENK_ERR_USAGE;
        }
        size_t slots = 0;
        int64_t edition_id = 0;
        enk_status status = wave_slots(store, wave_id, &slots, &edition_id, diags);
        if (status != ENK_OK)
                return status;
        if (nvalues != slots) {
                enk_error(diags, loc, "a response to this wave has %zu answers, not %zu", slots,
                          nvalues);
                return ENK_ERR_USAGE;
        }

        size_t bytes = nvalues * 4;
        if ((status = pack(store, values, nvalues, diags)) != ENK_OK)
                return status;

        bool with_texts = texts && ntexts;
        if (with_texts && (status = savepoint(store, diags)) != ENK_OK)
                return status;
        sqlite3_stmt *st = stmt(store, ST_RESPONSE_INSERT, diags);
        if (!st)
                return with_texts ? release(store, diags, ENK_ERR_STORE) : ENK_ERR_STORE;
        sqlite3_bind_int64(st, 1, wave_id);
        if (import_id)
                sqlite3_bind_int64(st, 2, import_id);
        sqlite3_bind_text(st, 3, source_names[source], -1, SQLITE_STATIC);
        if (date)
                sqlite3_bind_text(st, 4, date, -1, SQLITE_STATIC);
        if (respondent_key)
                sqlite3_bind_text(st, 5, respondent_key, -1, SQLITE_STATIC);
        /* Static: the buffer outlives the step, and copying it would be waste. */
        sqlite3_bind_blob(st, 6, bytes ? store->blob : (const void *) "", (int) bytes,
                          SQLITE_STATIC);
        int rc = sqlite3_step(st);
        sqlite3_reset(st);
        if (rc == SQLITE_DONE) {
                int64_t id = sqlite3_last_insert_rowid(store->db);
                if (with_texts)
                        status = release(store, diags,
                                         add_texts(store, id, edition_id, texts, ntexts, diags));
                if (status == ENK_OK && response_id)
                        *response_id = id;
                return status;
        }
        if (rc == SQLITE_CONSTRAINT_UNIQUE) {
                enk_diags_add(diags, ENK_SEV_ERROR, loc, respondent_key,
                              "respondent key '%s' already has a response in this wave",
                              respondent_key ? respondent_key : "");
                status = ENK_ERR_EXISTS;
        } else if (rc == SQLITE_CONSTRAINT_FOREIGNKEY) {
                enk_error(diags, loc, "no import with id %lld in the store", (long long) import_id);
                status = ENK_ERR_NOTFOUND;
        } else if (rc == SQLITE_CONSTRAINT_CHECK) {
                enk_error(diags, loc, "date '%s' is not a date YYYY-MM-DD", date ? date : "");
                status = ENK_ERR_USAGE;
        } else {
                status = db_fail(store, diags, rc, "storing a response");
        }
        return with_texts ? release(store, diags, status) : status;
}

/* ---------------------------------------------------------------- reading */

static void bind_filter(sqlite3_stmt *st, const enk_store_filter *f)
{
        sqlite3_bind_int64(st, 1, f ? f->unit_id : 0);
        sqlite3_bind_int(st, 2, f ? f->year : 0);
        if (f && f->survey)
                sqlite3_bind_text(st, 3, f->survey, -1, SQLITE_STATIC);
}

struct scan_wave {
        int64_t id, unit_id, edition_id;
        char *unit;
        int year;
        size_t slots;
};

static void free_waves(struct scan_wave *w, size_t n)
{
        for (size_t i = 0; i < n; i++)
                free(w[i].unit);
        free(w);
}

/* The waves a filter matches, in scan order. Few (units x years), so they are
 * read into memory first; this frees the statement for the callback and keeps
 * each wave's responses one index range scan. */
static enk_status scan_waves(enk_store *s, const enk_store_filter *f, struct scan_wave **out,
                             size_t *n, enk_diags *d)
{
        sqlite3_stmt *st = stmt(s, ST_SCAN_WAVES, d);
        if (!st)
                return ENK_ERR_STORE;
        bind_filter(st, f);
        struct scan_wave *w = NULL;
        size_t len = 0, cap = 0;
        int rc;
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
                if (len == cap) {
                        cap = cap ? cap * 2 : 64;
                        struct scan_wave *p = realloc(w, cap * sizeof(*p));
                        if (!p) {
                                rc = SQLITE_NOMEM;
                                break;
                        }
                        w = p;
                }
                w[len] = (struct scan_wave){
                    .id = sqlite3_column_int64(st, 0),
                    .unit_id = sqlite3_column_int64(st, 1),
                    .unit = xstrdup((const char *) sqlite3_column_text(st, 2)),
                    .year = sqlite3_column_int(st, 3),
                    .edition_id = sqlite3_column_int64(st, 4),
                    .slots = (size_t) sqlite3_column_int64(st, 5),
                };
                if (!w[len].unit) {
                        rc = SQLITE_NOMEM;
                        break;
                }
                len++;
        }
        sqlite3_reset(st);
        if (rc != SQLITE_DONE) {
                free_waves(w, len);
                return db_fail(s, d, rc, "reading waves");
        }
        *out = w;
        *n = len;
        return ENK_OK;
}

/* Reads the free texts of one response into a growing array of borrowed
 * copies (freed by the caller after the callback). */
static enk_status read_texts(enk_store *s, int64_t response_id, enk_store_text **texts, size_t *n,
                             size_t *cap, enk_diags *d)
{
        sqlite3_stmt *st = stmt(s, ST_SCAN_TEXTS, d);
        if (!st)
                return ENK_ERR_STORE;
        sqlite3_bind_int64(st, 1, response_id);
        int rc;
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
                if (*n == *cap) {
                        size_t c = *cap ? *cap * 2 : 4;
                        enk_store_text *p = realloc(*texts, c * sizeof(*p));
                        if (!p) {
                                rc = SQLITE_NOMEM;
                                break;
                        }
                        *texts = p;
                        *cap = c;
                }
                char *q = xstrdup((const char *) sqlite3_column_text(st, 0));
                char *t = xstrdup((const char *) sqlite3_column_text(st, 1));
                if (!q || !t) {
                        free(q);
                        free(t);
                        rc = SQLITE_NOMEM;
                        break;
                }
                (*texts)[(*n)++] = (enk_store_text){q, t};
        }
        sqlite3_reset(st);
        return rc == SQLITE_DONE ? ENK_OK : db_fail(s, d, rc, "reading free texts");
}

static void clear_texts(enk_store_text *texts, size_t *n)
{
        for (size_t i = 0; i < *n; i++) {
                free((char *) texts[i].question_id);
                free((char *) texts[i].text);
        }
        *n = 0;
}

static enk_store_source source_of(const unsigned char *name)
{
        /* The CHECK constraint admits only these four; compare the first letter. */
        switch (name ? name[0] : 0) {
        case 'w':
                return ENK_SOURCE_WEB;
        case 'p':
                return ENK_SOURCE_PAPER;
        case 's':
                return ENK_SOURCE_SCAN;
        default:
                return ENK_SOURCE_IMPORT;
        }
}

static enk_status scan_wave(enk_store *s, const struct scan_wave *w, const enk_store_filter *f,
                            enk_store_row_fn fn, void *ctx, enk_diags *d)
{
        if (w->slots > s->values_cap) {
                int32_t *v = realloc(s->values, w->slots * sizeof(*v));
                if (!v) {
                        enk_error(d, where(s), "out of memory");
                        return ENK_ERR_NOMEM;
                }
                s->values = v;
                s->values_cap = w->slots;
        }
        sqlite3_stmt *st = stmt(s, ST_SCAN_RESPONSES, d);
        if (!st)
                return ENK_ERR_STORE;
        sqlite3_bind_int64(st, 1, w->id);
        enk_store_text *texts = NULL;
        size_t ntexts = 0, texts_cap = 0;
        enk_status status = ENK_OK;
        int rc;
        while (status == ENK_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
                int64_t id = sqlite3_column_int64(st, 0);
                const unsigned char *blob = sqlite3_column_blob(st, 4);
                size_t bytes = (size_t) sqlite3_column_bytes(st, 4);
                if (bytes != 4 * w->slots) {
                        enk_error(d, where(s),
                                  "store is damaged: response %lld holds %zu bytes of answers, "
                                  "its edition needs %zu",
                                  (long long) id, bytes, 4 * w->slots);
                        status = ENK_ERR_STORE;
                        break;
                }
                for (size_t i = 0; i < w->slots; i++) {
                        const unsigned char *p = blob + 4 * i;
                        uint32_t u = (uint32_t) p[0] << 24 | (uint32_t) p[1] << 16 |
                                     (uint32_t) p[2] << 8 | p[3];
                        s->values[i] = (int32_t) u; /* two's complement, as C23 and gcc/clang */
                }
                if (f && f->texts)
                        status = read_texts(s, id, &texts, &ntexts, &texts_cap, d);
                if (status != ENK_OK)
                        break;
                enk_store_row row = {
                    .response_id = id,
                    .wave_id = w->id,
                    .unit_id = w->unit_id,
                    .unit = w->unit,
                    .year = w->year,
                    .edition_id = w->edition_id,
                    .source = source_of(sqlite3_column_text(st, 1)),
                    .date = (const char *) sqlite3_column_text(st, 2),
                    .respondent_key = (const char *) sqlite3_column_text(st, 3),
                    .values = s->values,
                    .nvalues = w->slots,
                    .texts = ntexts ? texts : NULL,
                    .ntexts = ntexts,
                };
                status = fn(ctx, &row);
                clear_texts(texts, &ntexts);
        }
        if (status == ENK_OK && rc != SQLITE_DONE)
                status = db_fail(s, d, rc, "reading responses");
        sqlite3_reset(st);
        clear_texts(texts, &ntexts);
        free(texts);
        return status;
}

enk_status enk_store_scan(enk_store *store, const enk_store_filter *filter, enk_store_row_fn fn,
                          void *ctx, enk_diags *diags)
{
        struct scan_wave *waves = NULL;
        size_t n = 0;
        /* One read transaction for the whole scan, so that it sees one state
         * of the store even while another process imports. */
        bool own = !store->in_txn && sqlite3_get_autocommit(store->db);
        if (own) {
                int rc = exec(store, "BEGIN");
                if (rc != SQLITE_OK)
                        return db_fail(store, diags, rc, "reading");
        }
        enk_status status = scan_waves(store, filter, &waves, &n, diags);
        for (size_t i = 0; status == ENK_OK && i < n; i++)
                status = scan_wave(store, &waves[i], filter, fn, ctx, diags);
        free_waves(waves, n);
        if (own)
                exec(store, "COMMIT");
        return status;
}

enk_status enk_store_waves(enk_store *store, const enk_store_filter *filter, enk_store_wave_fn fn,
                           void *ctx, enk_diags *diags)
{
        sqlite3_stmt *st = stmt(store, ST_LIST_WAVES, diags);
        if (!st)
                return ENK_ERR_STORE;
        bind_filter(st, filter);
        enk_status status = ENK_OK;
        int rc;
        while (status == ENK_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
                enk_store_wave_info w = {
                    .wave_id = sqlite3_column_int64(st, 0),
                    .unit_id = sqlite3_column_int64(st, 1),
                    .unit = (const char *) sqlite3_column_text(st, 2),
                    .year = sqlite3_column_int(st, 3),
                    .edition_id = sqlite3_column_int64(st, 4),
                    .survey = (const char *) sqlite3_column_text(st, 5),
                    .edition_year = sqlite3_column_int(st, 6),
                    .responses = sqlite3_column_int64(st, 7),
                    .sent = sqlite3_column_type(st, 8) == SQLITE_NULL ? -1
                                                                      : sqlite3_column_int64(st, 8),
                    .imports = sqlite3_column_int64(st, 9),
                    .codes_issued = sqlite3_column_int64(st, 10),
                    .codes_spent = sqlite3_column_int64(st, 11),
                };
                status = fn(ctx, &w);
        }
        if (status == ENK_OK && rc != SQLITE_DONE)
                status = db_fail(store, diags, rc, "reading waves");
        sqlite3_reset(st);
        return status;
}

enk_status enk_store_count(enk_store *store, const enk_store_filter *filter, int64_t *count,
                           enk_diags *diags)
{
        sqlite3_stmt *st = stmt(store, ST_COUNT, diags);
        if (!st)
                return ENK_ERR_STORE;
        bind_filter(st, filter);
        int rc = sqlite3_step(st);
        enk_status status = ENK_OK;
        if (rc == SQLITE_ROW)
                *count = sqlite3_column_int64(st, 0);
        else
                status = db_fail(store, diags, rc, "counting responses");
        sqlite3_reset(st);
        return status;
}

/* ------------------------------------------------- web collection (schema 2) */

/* Diagnostics here never name a code or its hash: the server may log them,
 * and a hash is as good as the code for linking a letter to an answer. */

/* Copies a hash of 64 hex digits to out in lower case (as enk_hash_sha256_hex
 * writes them), so that one code cannot be kept under two spellings. */
static bool norm_hash(const char *in, char out[ENK_HASH_HEX_SIZE])
{
        if (!in)
                return false;
        for (int i = 0; i < 64; i++) {
                char c = in[i];
                if (c >= 'A' && c <= 'F')
                        c = (char) (c - 'A' + 'a');
                if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
                        return false; /* also the NUL of a short string */
                out[i] = c;
        }
        out[64] = '\0';
        return in[64] == '\0';
}

enk_status enk_store_find_wave(enk_store *store, int64_t unit_id, int year, int64_t *wave_id,
                               int64_t *edition_id, enk_diags *diags)
{
        sqlite3_stmt *st = stmt(store, ST_WAVE_FIND, diags);
        if (!st)
                return ENK_ERR_STORE;
        sqlite3_bind_int64(st, 1, unit_id);
        sqlite3_bind_int(st, 2, year);
        int rc = sqlite3_step(st);
        if (rc == SQLITE_ROW) {
                *wave_id = sqlite3_column_int64(st, 0);
                if (edition_id)
                        *edition_id = sqlite3_column_int64(st, 1);
                sqlite3_reset(st);
                return ENK_OK;
        }
        sqlite3_reset(st);
        if (rc != SQLITE_DONE)
                return db_fail(store, diags, rc, "reading waves");
        /* The unit's name, for a message a person can act on. */
        char *name = NULL;
        if ((st = stmt(store, ST_UNIT_NAME, diags)) != NULL) {
                sqlite3_bind_int64(st, 1, unit_id);
                if (sqlite3_step(st) == SQLITE_ROW)
                        name = xstrdup((const char *) sqlite3_column_text(st, 0));
                sqlite3_reset(st);
        }
        if (name)
                enk_error(diags, where(store), "no wave of unit '%s' in year %d in the store", name,
                          year);
        else
                enk_error(diags, where(store), "no wave of unit id %lld in year %d in the store",
                          (long long) unit_id, year);
        free(name);
        return ENK_ERR_NOTFOUND;
}

/* A hash of a batch, with its place in the caller's order (for messages). */
struct batch_hash {
        char h[ENK_HASH_HEX_SIZE];
        size_t i;
};

static int cmp_batch_hash(const void *a, const void *b)
{
        return memcmp(((const struct batch_hash *) a)->h, ((const struct batch_hash *) b)->h, 64);
}

enk_status enk_store_add_codes(enk_store *store, int64_t wave_id, const char *const *hashes,
                               size_t n, enk_diags *diags)
{
        enk_loc loc = where(store);
        enk_status status = txn_ok(store, diags);
        if (status != ENK_OK || n == 0)
                return status;
        struct batch_hash *v = malloc(n * sizeof(*v));
        if (!v) {
                enk_error(diags, loc, "out of memory");
                return ENK_ERR_NOMEM;
        }
        /* Every hash is checked before the first is written: all or nothing. */
        for (size_t i = 0; i < n; i++) {
                if (!hashes || !norm_hash(hashes[i], v[i].h)) {
                        enk_error(diags, loc, "access code hash %zu of %zu is not 64 hex digits",
                                  i + 1, n);
                        free(v);
                        return ENK_ERR_USAGE;
                }
                v[i].i = i;
        }
        /* In hash order, the order of the table and its index: each insert
         * then lands next to the one before instead of on a random page,
         * which for 100,000 codes saves some 180,000 page reads and writes
         * once the tree outgrows SQLite's cache. Sorted, a code twice in the
         * batch shows as two neighbours. */
        qsort(v, n, sizeof(*v), cmp_batch_hash);
        for (size_t k = 1; k < n; k++)
                if (!memcmp(v[k - 1].h, v[k].h, 64)) {
                        size_t later = v[k].i > v[k - 1].i ? v[k].i : v[k - 1].i;
                        enk_error(diags, loc, "access code %zu of %zu is already in the store",
                                  later + 1, n);
                        free(v);
                        return ENK_ERR_EXISTS;
                }
        if ((status = savepoint(store, diags)) != ENK_OK) {
                free(v);
                return status;
        }
        for (size_t k = 0; k < n && status == ENK_OK; k++) {
                sqlite3_stmt *st = stmt(store, ST_CODE_INSERT, diags);
                if (!st) {
                        status = ENK_ERR_STORE;
                        break;
                }
                sqlite3_bind_text(st, 1, v[k].h, 64, SQLITE_STATIC);
                sqlite3_bind_int64(st, 2, wave_id);
                int rc = step_write(st);
                if (rc == SQLITE_DONE)
                        continue;
                if (rc == SQLITE_CONSTRAINT_PRIMARYKEY || rc == SQLITE_CONSTRAINT_UNIQUE) {
                        enk_error(diags, loc, "access code %zu of %zu is already in the store",
                                  v[k].i + 1, n);
                        status = ENK_ERR_EXISTS;
                } else if (rc == SQLITE_CONSTRAINT_FOREIGNKEY) {
                        enk_error(diags, loc, "no wave with id %lld in the store",
                                  (long long) wave_id);
                        status = ENK_ERR_NOTFOUND;
                } else {
                        status = db_fail(store, diags, rc, "adding access codes");
                }
        }
        free(v);
        return release(store, diags, status);
}

/* The keys of the normalised code (survey/codes.h), false for anything
 * that is not one. */
static bool code_keys(const char *code, enk_code_keys *k)
{
        return code && strlen(code) == ENK_CODES_SYMBOLS && enk_codes_keys(code, k);
}

/* The row of code k: ENK_OK with its wave, whether it is spent and whether a
 * draft is kept; ENK_ERR_NOTFOUND (no diagnostic) when there is none. */
static enk_status code_row(enk_store *s, const enk_code_keys *k, int64_t *wave, bool *spent,
                           bool *draft, enk_diags *d)
{
        sqlite3_stmt *st = stmt(s, ST_CODE_STATE, d);
        if (!st)
                return ENK_ERR_STORE;
        sqlite3_bind_text(st, 1, k->hash, 64, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, k->spent, 64, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, k->draft, 64, SQLITE_STATIC);
        int rc = sqlite3_step(st);
        enk_status status = ENK_ERR_NOTFOUND;
        if (rc == SQLITE_ROW) {
                *wave = sqlite3_column_int64(st, 0);
                *spent = sqlite3_column_int(st, 1) != 0;
                *draft = sqlite3_column_int(st, 2) != 0;
                status = ENK_OK;
        } else if (rc != SQLITE_DONE) {
                status = db_fail(s, d, rc, "reading access codes");
        }
        sqlite3_reset(st);
        sqlite3_clear_bindings(st);
        return status;
}

/* Why a write guarded by "the code is open in wave_id" changed nothing. */
static enk_status code_refused(enk_store *s, int64_t wave_id, const enk_code_keys *k, enk_diags *d)
{
        int64_t wave = 0;
        bool spent = false, draft = false;
        enk_status status = code_row(s, k, &wave, &spent, &draft, d);
        if (status == ENK_OK && wave == wave_id && spent) {
                enk_error(d, where(s), "access code already used");
                return ENK_ERR_EXISTS;
        }
        if (status == ENK_OK || status == ENK_ERR_NOTFOUND) {
                enk_error(d, where(s), "unknown access code");
                return ENK_ERR_NOTFOUND;
        }
        return status;
}

/* Runs the delete st (bound to ?1 = text) and reports failure as doing. */
static enk_status delete_by(enk_store *s, enum stmt_id id, const char *key, const char *doing,
                            enk_diags *d)
{
        sqlite3_stmt *st = stmt(s, id, d);
        if (!st)
                return ENK_ERR_STORE;
        sqlite3_bind_text(st, 1, key, 64, SQLITE_STATIC);
        int rc = step_write(st);
        return rc == SQLITE_DONE ? ENK_OK : db_fail(s, d, rc, doing);
}

enk_status enk_store_code_state(enk_store *store, int64_t wave_id, const char *code,
                                enk_code_state *state, bool *has_draft, enk_diags *diags)
{
        enk_code_keys k;
        int64_t wave = 0;
        bool spent = false, draft = false;
        enk_status status = code_keys(code, &k) ? code_row(store, &k, &wave, &spent, &draft, diags)
                                                : ENK_ERR_NOTFOUND;
        enk_hash_wipe(&k, sizeof(k));
        if (status != ENK_OK && status != ENK_ERR_NOTFOUND)
                return status;
        /* A code of another wave is as unknown here as one never issued. */
        bool known = status == ENK_OK && wave == wave_id;
        *state = !known ? ENK_CODE_UNKNOWN : spent ? ENK_CODE_SPENT : ENK_CODE_OPEN;
        if (has_draft)
                *has_draft = known && draft;
        return ENK_OK;
}

enk_status enk_store_save_draft(enk_store *store, int64_t wave_id, const char *code,
                                const void *data, size_t len, enk_diags *diags)
{
        enk_status status = txn_ok(store, diags);
        if (status != ENK_OK)
                return status;
        enk_code_keys k;
        if (!code_keys(code, &k)) {
                enk_error(diags, where(store), "unknown access code");
                return ENK_ERR_NOTFOUND;
        }
        unsigned char *box = NULL;
        size_t box_len = 0;
        if (len > 100 * 1000 * 1000 || (len && !data)) {
                enk_error(diags, where(store), "a draft of %zu bytes cannot be kept", len);
                status = ENK_ERR_USAGE;
                goto out;
        }
        if ((status = enk_hash_seal(k.draft_key, data, len, &box, &box_len, diags)) != ENK_OK ||
            (status = savepoint(store, diags)) != ENK_OK)
                goto out;
        sqlite3_stmt *st = stmt(store, ST_DRAFT_SAVE, diags);
        int rc = SQLITE_ERROR;
        if (st) {
                sqlite3_bind_text(st, 1, k.draft, 64, SQLITE_STATIC);
                sqlite3_bind_int64(st, 2, wave_id);
                sqlite3_bind_blob(st, 3, box, (int) box_len, SQLITE_STATIC);
                sqlite3_bind_text(st, 4, k.hash, 64, SQLITE_STATIC);
                sqlite3_bind_text(st, 5, k.spent, 64, SQLITE_STATIC);
                rc = step_write(st);
        }
        if (!st)
                status = ENK_ERR_STORE;
        else if (rc != SQLITE_DONE)
                status = db_fail(store, diags, rc, "saving a draft");
        else if (sqlite3_changes(store->db) == 0)
                status = code_refused(store, wave_id, &k, diags);
        else /* a plain-text draft of schema 2 is now sealed: the plain one goes */
                status = delete_by(store, ST_PLAIN_DELETE, k.hash, "saving a draft", diags);
        status = release(store, diags, status);
out:
        free(box);
        enk_hash_wipe(&k, sizeof(k));
        return status;
}

enk_status enk_store_delete_drafts(enk_store *store, int64_t wave_id, int64_t *deleted,
                                   enk_diags *diags)
{
        enk_status status = txn_ok(store, diags);
        if (status != ENK_OK || (status = savepoint(store, diags)) != ENK_OK)
                return status;
        int64_t n = 0;
        const enum stmt_id ids[2] = {ST_DRAFTS_DELETE_WAVE, ST_PLAINS_DELETE_WAVE};
        for (int i = 0; i < 2 && status == ENK_OK; i++) {
                sqlite3_stmt *st = stmt(store, ids[i], diags);
                if (!st) {
                        status = ENK_ERR_STORE;
                        break;
                }
                sqlite3_bind_int64(st, 1, wave_id);
                int rc = step_write(st);
                if (rc != SQLITE_DONE)
                        status = db_fail(store, diags, rc, "deleting drafts");
                else
                        n += sqlite3_changes(store->db);
        }
        if ((status = release(store, diags, status)) == ENK_OK && deleted)
                *deleted = n;
        return status;
}

/* Reads the one column of the row st finds into a new NUL-terminated buffer;
 * ENK_ERR_NOTFOUND without a diagnostic when there is none. Resets st. */
static enk_status read_blob(enk_store *s, sqlite3_stmt *st, void **data, size_t *len, enk_diags *d)
{
        int rc = sqlite3_step(st);
        enk_status status = ENK_ERR_NOTFOUND;
        if (rc == SQLITE_ROW) {
                const void *blob = sqlite3_column_blob(st, 0);
                size_t n = (size_t) sqlite3_column_bytes(st, 0);
                char *copy = malloc(n + 1);
                if (!copy) {
                        enk_error(d, where(s), "out of memory");
                        status = ENK_ERR_NOMEM;
                } else {
                        if (n)
                                memcpy(copy, blob, n);
                        copy[n] = '\0';
                        *data = copy;
                        *len = n;
                        status = ENK_OK;
                }
        } else if (rc != SQLITE_DONE) {
                status = db_fail(s, d, rc, "reading a draft");
        }
        sqlite3_reset(st);
        sqlite3_clear_bindings(st);
        return status;
}

enk_status enk_store_load_draft(enk_store *store, int64_t wave_id, const char *code, void **data,
                                size_t *len, enk_diags *diags)
{
        enk_code_keys k;
        if (!code_keys(code, &k))
                return ENK_ERR_NOTFOUND;
        void *box = NULL;
        size_t box_len = 0;
        enk_status status = ENK_ERR_STORE;
        sqlite3_stmt *st = stmt(store, ST_DRAFT_LOAD, diags);
        if (st) {
                sqlite3_bind_text(st, 1, k.draft, 64, SQLITE_STATIC);
                sqlite3_bind_int64(st, 2, wave_id);
                status = read_blob(store, st, &box, &box_len, diags);
        }
        if (status == ENK_OK) {
                status = enk_hash_open(k.draft_key, box, box_len, data, len, diags);
                if (status == ENK_ERR_DATA)
                        enk_error(diags, where(store),
                                  "store is damaged: a draft cannot be opened");
                free(box);
        } else if (status == ENK_ERR_NOTFOUND && (st = stmt(store, ST_PLAIN_LOAD, diags)) != NULL) {
                /* A draft saved under schema 2, in plain text. */
                sqlite3_bind_text(st, 1, k.hash, 64, SQLITE_STATIC);
                sqlite3_bind_int64(st, 2, wave_id);
                status = read_blob(store, st, data, len, diags);
        } else if (status == ENK_ERR_NOTFOUND) {
                status = ENK_ERR_STORE;
        }
        enk_hash_wipe(&k, sizeof(k));
        return status;
}

/* Inserts the packed answers (store->blob, bytes long) as a web response
 * under a random id. Random, so that the ids of a wave's responses do not
 * follow the order in which codes were spent. 62 bits: below SQLite's
 * largest rowid by a wide margin, so that a later import's rows still get
 * max(id) + 1 and never have to be chosen at random themselves. With at most
 * millions of rows a collision is rare (about n / 2^62 per insert); it is
 * retried with a new number. */
static enk_status insert_web(enk_store *s, int64_t wave_id, const char *date, size_t bytes,
                             int64_t *id, enk_diags *d)
{
        for (int attempt = 0; attempt < 16; attempt++) {
                uint64_t r = 0;
                enk_status status = enk_hash_random(&r, sizeof(r), d);
                if (status != ENK_OK)
                        return status;
                int64_t candidate = (int64_t) (r & ((UINT64_C(1) << 62) - 1));
                if (candidate == 0)
                        continue;
                sqlite3_stmt *st = stmt(s, ST_WEB_INSERT, d);
                if (!st)
                        return ENK_ERR_STORE;
                sqlite3_bind_int64(st, 1, candidate);
                sqlite3_bind_int64(st, 2, wave_id);
                if (date)
                        sqlite3_bind_text(st, 3, date, -1, SQLITE_STATIC);
                sqlite3_bind_blob(st, 4, bytes ? s->blob : (const void *) "", (int) bytes,
                                  SQLITE_STATIC);
                int rc = sqlite3_step(st);
                sqlite3_reset(st);
                if (rc == SQLITE_DONE) {
                        *id = candidate;
                        return ENK_OK;
                }
                if (rc == SQLITE_CONSTRAINT_PRIMARYKEY)
                        continue;
                if (rc == SQLITE_CONSTRAINT_CHECK) {
                        enk_error(d, where(s), "date '%s' is not a date YYYY-MM-DD",
                                  date ? date : "");
                        return ENK_ERR_USAGE;
                }
                return db_fail(s, d, rc, "storing a response");
        }
        enk_error(d, where(s), "cannot find a free response id (is the random generator broken?)");
        return ENK_ERR_STORE;
}

/* The writes of a submission of code k, inside the caller's savepoint. */
static enk_status spend(enk_store *s, int64_t wave_id, const enk_code_keys *k, const char *date,
                        size_t nvalues, const enk_store_text *texts, size_t ntexts,
                        int64_t edition_id, enk_diags *d)
{
        /* Spend first. The check that the code is open is the INSERT's WHERE
         * clause and the mark's primary key, so nothing can spend it between
         * a look and the write; and outside a transaction the first statement
         * being a write takes the write lock at once (a read first could not
         * later be upgraded if another process wrote meanwhile). The code's
         * row is not touched: the mark is under a key of its own. */
        sqlite3_stmt *st = stmt(s, ST_CODE_SPEND, d);
        if (!st)
                return ENK_ERR_STORE;
        sqlite3_bind_text(st, 1, k->spent, 64, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, wave_id);
        sqlite3_bind_text(st, 3, k->hash, 64, SQLITE_STATIC);
        int rc = step_write(st);
        if (rc == SQLITE_CONSTRAINT_PRIMARYKEY || (rc == SQLITE_DONE && !sqlite3_changes(s->db)))
                return code_refused(s, wave_id, k, d);
        if (rc != SQLITE_DONE)
                return db_fail(s, d, rc, "spending an access code");

        int64_t id = 0;
        enk_status status = insert_web(s, wave_id, date, nvalues * 4, &id, d);
        if (status == ENK_OK && texts && ntexts)
                status = add_texts(s, id, edition_id, texts, ntexts, d);
        /* The draft goes in the same step: it is never copied into the
         * response, and secure_delete zeroes its bytes in the file. */
        if (status == ENK_OK)
                status = delete_by(s, ST_DRAFT_DELETE, k->draft, "deleting a draft", d);
        if (status == ENK_OK)
                status = delete_by(s, ST_PLAIN_DELETE, k->hash, "deleting a draft", d);
        return status;
}

enk_status enk_store_submit(enk_store *store, int64_t wave_id, const char *code, const char *date,
                            const int32_t *values, size_t nvalues, const enk_store_text *texts,
                            size_t ntexts, enk_diags *diags)
{
        enk_loc loc = where(store);
        enk_status status = txn_ok(store, diags);
        if (status != ENK_OK)
                return status;
        if (!date_ok(date)) {
                enk_error(diags, loc, "date '%s' is not a date YYYY-MM-DD", date);
                return ENK_ERR_USAGE;
        }
        size_t slots = 0;
        int64_t edition_id = 0;
        if ((status = wave_slots(store, wave_id, &slots, &edition_id, diags)) != ENK_OK)
                return status;
        if (nvalues != slots) {
                enk_error(diags, loc, "a response to this wave has %zu answers, not %zu", slots,
                          nvalues);
                return ENK_ERR_USAGE;
        }
        enk_code_keys k;
        if (!code_keys(code, &k)) {
                enk_error(diags, loc, "unknown access code");
                return ENK_ERR_NOTFOUND;
        }
        if ((status = pack(store, values, nvalues, diags)) != ENK_OK ||
            (status = savepoint(store, diags)) != ENK_OK) {
                enk_hash_wipe(&k, sizeof(k));
                return status;
        }
        status = spend(store, wave_id, &k, date, nvalues, texts, ntexts, edition_id, diags);
        enk_hash_wipe(&k, sizeof(k));
        return release(store, diags, status);
}
enk_status enk_store_secret(enk_store *store, const char *name, unsigned char secret[32],
                            enk_diags *diags)
{
        if (!name || !*name) {
                enk_error(diags, where(store), "a secret needs a name");
                return ENK_ERR_USAGE;
        }
        /* Read; when absent, make one and insert it unless another process
         * got there first (DO NOTHING), then read again: every process ends
         * up with the one value the store keeps. */
        for (int attempt = 0; attempt < 2; attempt++) {
                sqlite3_stmt *st = stmt(store, ST_SECRET_GET, diags);
                if (!st)
                        return ENK_ERR_STORE;
                sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
                int rc = sqlite3_step(st);
                if (rc == SQLITE_ROW) {
                        enk_status status = ENK_OK;
                        if (sqlite3_column_bytes(st, 0) == 32) {
                                memcpy(secret, sqlite3_column_blob(st, 0), 32);
                        } else {
                                enk_error(diags, where(store),
                                          "store is damaged: secret '%s' is not 32 bytes", name);
                                status = ENK_ERR_STORE;
                        }
                        sqlite3_reset(st);
                        return status;
                }
                sqlite3_reset(st);
                if (rc != SQLITE_DONE)
                        return db_fail(store, diags, rc, "reading a secret");
                if (attempt)
                        break;

                enk_status status = txn_ok(store, diags);
                unsigned char fresh[32];
                if (status != ENK_OK || (status = enk_hash_random(fresh, 32, diags)) != ENK_OK)
                        return status;
                if ((st = stmt(store, ST_SECRET_PUT, diags)) == NULL)
                        return ENK_ERR_STORE;
                sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
                sqlite3_bind_blob(st, 2, fresh, 32, SQLITE_STATIC);
                rc = step_write(st);
                memset(fresh, 0, sizeof(fresh));
                if (rc != SQLITE_DONE)
                        return db_fail(store, diags, rc, "keeping a secret");
        }
        enk_error(diags, where(store), "secret '%s' was not kept", name);
        return ENK_ERR_STORE;
}
