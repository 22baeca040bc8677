/* survey/store_write.c - the store's survey data written: editions, units, waves,
 * imports, responses.
 *
 * The hot path is enk_store_add_response(): one cached prepared statement, the
 * BLOB packed into a reused buffer and bound without copying, and the number of
 * slots of the wave's edition cached for the length of a transaction.
 * store_web.c stores a web submission with the same packing and checks
 * (store_pack, store_wave_slots, store_add_texts).
 */
#include "survey/store_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "survey/hash.h"
#include "survey/utf8.h"

/* --------------------------------------------------------------- editions */

static void bind_text_or_null(sqlite3_stmt *st, int i, const char *text)
{
        if (text)
                sqlite3_bind_text(st, i, text, -1, SQLITE_TRANSIENT);
        else
                sqlite3_bind_null(st, i);
}

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
                enk_error(d, store_where(s), "question '%s' has an unknown type", qn->id);
                return ENK_ERR_USAGE;
        }
        sqlite3_stmt *st = store_stmt(s, ST_EQ_INSERT, d);
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
        int rc = store_step_write(st);
        free(points);
        free(positive);
        free(was);
        if (rc != SQLITE_DONE)
                return store_db_fail(s, d, rc, "storing a questionnaire");
        return ENK_OK;
}

enk_status enk_store_add_edition(enk_store *store, const enk_questionnaire *q, int64_t *edition_id,
                                 enk_diags *diags)
{
        if (!q || !q->source || !q->survey) {
                enk_error(diags, store_where(store), "questionnaire has no source text to store");
                return ENK_ERR_USAGE;
        }
        char hash[ENK_HASH_HEX_SIZE];
        enk_hash_sha256_hex(q->source, q->source_len, hash);
        int64_t id = 0;
        enk_status status = store_txn_ok(store, diags);
        if (status != ENK_OK)
                return status;
        status = store_lookup_id(store, ST_EDITION_BY_HASH, hash, 0, &id, diags);
        if (status == ENK_OK) {
                *edition_id = id;
                return ENK_OK;
        }
        if (status != ENK_ERR_NOTFOUND)
                return status;

        if ((status = store_savepoint(store, diags)) != ENK_OK)
                return status;
        sqlite3_stmt *st = store_stmt(store, ST_EDITION_INSERT, diags);
        if (!st)
                return store_release(store, diags, ENK_ERR_STORE);
        sqlite3_bind_text(st, 1, q->survey, -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 2, q->edition);
        sqlite3_bind_text(st, 3, hash, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 4, (int64_t) q->nquestions);
        sqlite3_bind_text(st, 5, q->source, (int) q->source_len, SQLITE_STATIC);
        int rc = store_step_write(st);
        if (rc != SQLITE_DONE)
                return store_release(store, diags,
                                     store_db_fail(store, diags, rc, "storing a questionnaire"));
        id = sqlite3_last_insert_rowid(store->db);
        for (size_t i = 0; i < q->nquestions && status == ENK_OK; i++)
                status = insert_question(store, id, q, i, diags);
        if ((status = store_release(store, diags, status)) != ENK_OK)
                return status;
        *edition_id = id;
        return ENK_OK;
}

/* ------------------------------------------------------------ units, waves */

enk_status enk_store_check_unit_name(const char *name, enk_loc loc, enk_diags *diags)
{
        if (!name || !*name) {
                enk_error(diags, loc, "a unit needs a name");
                return ENK_ERR_USAGE;
        }
        size_t total = strlen(name), chars = 0;
        bool blank = true;
        for (size_t i = 0, len; i < total; i += len) {
                uint32_t cp;
                len = enk_utf8_next(name + i, total - i, &cp);
                chars++;
                if (!len) {
                        enk_error(diags, loc,
                                  "unit name is not valid UTF-8 (byte 0x%02X at byte %zu)",
                                  (unsigned char) name[i], i + 1);
                        return ENK_ERR_USAGE;
                }
                if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F)) {
                        enk_error(diags, loc,
                                  "unit name holds a control character (U+%04lX) at character %zu",
                                  (unsigned long) cp, chars);
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
        enk_status status = enk_store_check_unit_name(name, store_where(store), diags);
        if (status != ENK_OK)
                return status;
        int64_t id;
        status = store_lookup_id(store, ST_UNIT_FIND, name, 0, &id, diags);
        if (status == ENK_ERR_NOTFOUND && (status = store_txn_ok(store, diags)) == ENK_OK) {
                sqlite3_stmt *st = store_stmt(store, ST_UNIT_INSERT, diags);
                if (!st)
                        return ENK_ERR_STORE;
                sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
                int rc = sqlite3_step(st);
                sqlite3_reset(st);
                if (rc != SQLITE_DONE)
                        return store_db_fail(store, diags, rc, "adding a unit");
                id = sqlite3_last_insert_rowid(store->db);
                status = ENK_OK;
        }
        if (status == ENK_OK)
                *unit_id = id;
        return status;
}

/* The survey and year of edition_id, for enk_store_wave()'s messages: ENK_OK
 * with *survey a new string (NULL when out of memory), or ENK_ERR_NOTFOUND. */
static enk_status edition_label(enk_store *s, int64_t edition_id, char **survey, int *year,
                                enk_diags *d)
{
        sqlite3_stmt *st = store_stmt(s, ST_EDITION_EXISTS, d);
        if (!st)
                return ENK_ERR_STORE;
        sqlite3_bind_int64(st, 1, edition_id);
        int rc = sqlite3_step(st);
        if (rc == SQLITE_ROW) {
                *survey = store_strdup((const char *) sqlite3_column_text(st, 0));
                *year = sqlite3_column_int(st, 1);
        }
        sqlite3_reset(st);
        if (rc == SQLITE_DONE) {
                enk_error(d, store_where(s), "no edition with id %lld in the store",
                          (long long) edition_id);
                return ENK_ERR_NOTFOUND;
        }
        if (rc != SQLITE_ROW)
                return store_db_fail(s, d, rc, "reading editions");
        return ENK_OK;
}

static enk_status insert_wave(enk_store *s, int64_t unit_id, int year, int64_t edition_id,
                              int64_t sent, int64_t *wave_id, enk_diags *d)
{
        sqlite3_stmt *st = store_stmt(s, ST_WAVE_INSERT, d);
        if (!st)
                return ENK_ERR_STORE;
        sqlite3_bind_int64(st, 1, unit_id);
        sqlite3_bind_int(st, 2, year);
        sqlite3_bind_int64(st, 3, edition_id);
        if (sent >= 0)
                sqlite3_bind_int64(st, 4, sent);
        int rc = sqlite3_step(st);
        sqlite3_reset(st);
        if (rc != SQLITE_DONE)
                return store_db_fail(s, d, rc, "adding a wave");
        *wave_id = sqlite3_last_insert_rowid(s->db);
        return ENK_OK;
}

/* Gives the wave id edition_id and, when sent >= 0, that number sent out. */
static enk_status update_wave(enk_store *s, int64_t id, int64_t edition_id, int64_t sent,
                              enk_diags *d)
{
        sqlite3_stmt *st = store_stmt(s, ST_WAVE_UPDATE, d);
        if (!st)
                return ENK_ERR_STORE;
        sqlite3_bind_int64(st, 1, id);
        sqlite3_bind_int64(st, 2, edition_id);
        if (sent >= 0)
                sqlite3_bind_int64(st, 3, sent);
        int rc = sqlite3_step(st);
        sqlite3_reset(st);
        if (rc != SQLITE_DONE)
                return store_db_fail(s, d, rc, "updating a wave");
        if (s->slots_wave == id)
                s->slots_wave = 0;
        return ENK_OK;
}

enk_status enk_store_wave(enk_store *store, int64_t unit_id, int year, int64_t edition_id,
                          int64_t sent, int64_t *wave_id, enk_diags *diags)
{
        enk_loc loc = store_where(store);
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
        enk_status status = store_txn_ok(store, diags);
        if (status != ENK_OK)
                return status;
        status = store_lookup_id(store, ST_UNIT_EXISTS, NULL, unit_id, &one, diags);
        if (status == ENK_ERR_NOTFOUND)
                enk_error(diags, loc, "no unit with id %lld in the store", (long long) unit_id);
        if (status != ENK_OK)
                return status;

        /* The edition wanted, for the messages. */
        char *want_survey = NULL;
        int want_year = 0;
        if ((status = edition_label(store, edition_id, &want_survey, &want_year, diags)) != ENK_OK)
                return status;

        sqlite3_stmt *st = store_stmt(store, ST_WAVE_FIND, diags);
        if (!st) {
                free(want_survey);
                return ENK_ERR_STORE;
        }
        sqlite3_bind_int64(st, 1, unit_id);
        sqlite3_bind_int(st, 2, year);
        int rc = sqlite3_step(st);
        if (rc == SQLITE_DONE) {
                sqlite3_reset(st);
                free(want_survey);
                return insert_wave(store, unit_id, year, edition_id, sent, wave_id, diags);
        }
        if (rc != SQLITE_ROW) {
                free(want_survey);
                sqlite3_reset(st);
                return store_db_fail(store, diags, rc, "reading waves");
        }
        int64_t id = sqlite3_column_int64(st, 0);
        int64_t have_edition = sqlite3_column_int64(st, 1);
        char *have_survey = store_strdup((const char *) sqlite3_column_text(st, 2));
        int have_year = sqlite3_column_int(st, 3);
        sqlite3_reset(st);

        status = ENK_OK;
        if (have_edition != edition_id) {
                int64_t n = 0;
                status = store_lookup_id(store, ST_WAVE_RESPONSES, NULL, id, &n, diags);
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
        if (status == ENK_OK && (have_edition != edition_id || sent >= 0))
                status = update_wave(store, id, edition_id, sent, diags);
        if (status == ENK_OK)
                *wave_id = id;
        return status;
}

/* ---------------------------------------------------------------- imports */

enk_status enk_store_add_import(enk_store *store, int64_t wave_id, const char *file_name,
                                const char *content_hash, int64_t *import_id, enk_diags *diags)
{
        if (!file_name || !content_hash) {
                enk_error(diags, store_where(store),
                          "an import needs a file name and a content hash");
                return ENK_ERR_USAGE;
        }
        if (store_txn_ok(store, diags) != ENK_OK)
                return ENK_ERR_STORE;
        if (store->in_txn && store->ntxn_imports == store->txn_imports_cap) {
                size_t cap = store->txn_imports_cap ? store->txn_imports_cap * 2 : 16;
                int64_t *p = realloc(store->txn_imports, cap * sizeof(*p));
                if (p)
                        store->txn_imports = p;
                int64_t *q = p ? realloc(store->txn_rows, cap * sizeof(*q)) : NULL;
                if (q)
                        store->txn_rows = q;
                if (!p || !q) {
                        enk_error(diags, store_where(store), "out of memory");
                        return ENK_ERR_NOMEM;
                }
                store->txn_imports_cap = cap;
        }
        sqlite3_stmt *st = store_stmt(store, ST_IMPORT_INSERT, diags);
        if (!st)
                return ENK_ERR_STORE;
        sqlite3_bind_int64(st, 1, wave_id);
        sqlite3_bind_text(st, 2, file_name, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, content_hash, -1, SQLITE_STATIC);
        int rc = sqlite3_step(st);
        sqlite3_reset(st);
        if (rc == SQLITE_CONSTRAINT_FOREIGNKEY) {
                enk_error(diags, store_where(store), "no wave with id %lld in the store",
                          (long long) wave_id);
                return ENK_ERR_NOTFOUND;
        }
        if (rc != SQLITE_DONE)
                return store_db_fail(store, diags, rc, "recording an import");
        int64_t id = sqlite3_last_insert_rowid(store->db);
        if (store->in_txn) {
                store->txn_rows[store->ntxn_imports] = 0;
                store->txn_imports[store->ntxn_imports++] = id;
        }
        *import_id = id;
        return ENK_OK;
}

enk_status enk_store_delete_import(enk_store *store, int64_t import_id, enk_diags *diags)
{
        int64_t one;
        enk_status status = store_txn_ok(store, diags);
        if (status != ENK_OK)
                return status;
        status = store_lookup_id(store, ST_IMPORT_EXISTS, NULL, import_id, &one, diags);
        if (status == ENK_ERR_NOTFOUND)
                enk_error(diags, store_where(store), "no import with id %lld in the store",
                          (long long) import_id);
        if (status != ENK_OK)
                return status;
        if ((status = store_savepoint(store, diags)) != ENK_OK)
                return status;
        /* The responses' texts go with them (ON DELETE CASCADE). */
        static const enum stmt_id steps[] = {ST_IMPORT_DEL_RESPONSES, ST_IMPORT_DELETE};
        for (size_t i = 0; i < 2 && status == ENK_OK; i++) {
                sqlite3_stmt *st = store_stmt(store, steps[i], diags);
                if (!st) {
                        status = ENK_ERR_STORE;
                        break;
                }
                sqlite3_bind_int64(st, 1, import_id);
                int rc = sqlite3_step(st);
                sqlite3_reset(st);
                if (rc != SQLITE_DONE)
                        status = store_db_fail(store, diags, rc, "deleting an import");
        }
        status = store_release(store, diags, status);
        if (status == ENK_OK)
                for (size_t i = 0; i < store->ntxn_imports; i++)
                        if (store->txn_imports[i] == import_id) {
                                --store->ntxn_imports;
                                store->txn_imports[i] = store->txn_imports[store->ntxn_imports];
                                store->txn_rows[i] = store->txn_rows[store->ntxn_imports];
                                break;
                        }
        return status;
}

/* -------------------------------------------------------------- responses */

static const char *const source_names[] = {"web", "paper", "import", "scan"};

const char *enk_store_source_name(enk_response_source source)
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
bool store_date_ok(const char *date)
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
enk_status store_wave_slots(enk_store *s, int64_t wave_id, size_t *slots, int64_t *edition,
                            enk_diags *d)
{
        if (s->in_txn && s->slots_wave == wave_id && wave_id) {
                *slots = s->slots;
                *edition = s->slots_edition;
                return ENK_OK;
        }
        sqlite3_stmt *st = store_stmt(s, ST_WAVE_SLOTS, d);
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
                enk_error(d, store_where(s), "no wave with id %lld in the store",
                          (long long) wave_id);
                status = ENK_ERR_NOTFOUND;
        } else {
                status = store_db_fail(s, d, rc, "reading waves");
        }
        sqlite3_reset(st);
        return status;
}

bool store_has_texts(const enk_response *r)
{
        if (r->texts)
                for (size_t i = 0; i < r->q->nquestions; i++)
                        if (r->texts[i] && r->texts[i][0])
                                return true;
        return false;
}

/* Whether question qid of edition_id is known to be a free-text question:
 * one the open transaction has asked about already. An import asked the
 * edition once for every text it stored (51,251 times for the national
 * set: a tenth of the storing thread's instructions); inside a transaction
 * the edition cannot change, and the list is forgotten at its end (the
 * edition's id may be another edition's after a rollback). */
static bool text_known(const enk_store *s, int64_t edition_id, const char *qid)
{
        if (!s->in_txn || s->textq_edition != edition_id)
                return false;
        for (size_t i = 0; i < s->ntextq; i++)
                if (!strcmp(s->textq[i], qid))
                        return true;
        return false;
}

/* Remembers that question qid of edition_id is a free-text question (when
 * there is room and memory: the list is only a shortcut). */
static void text_remember(enk_store *s, int64_t edition_id, const char *qid)
{
        if (!s->in_txn)
                return;
        if (s->textq_edition != edition_id) {
                store_forget_texts(s);
                s->textq_edition = edition_id;
        }
        char *copy = s->ntextq < STORE_TEXTQ_MAX ? strdup(qid) : NULL;
        if (copy)
                s->textq[s->ntextq++] = copy;
}

/* Adds the text of question qid of edition_id as an answer of response_id. */
static enk_status add_text(enk_store *s, int64_t response_id, int64_t edition_id, const char *qid,
                           const char *text, enk_diags *d)
{
        if (!text_known(s, edition_id, qid)) {
                sqlite3_stmt *st = store_stmt(s, ST_TEXT_QUESTION, d);
                if (!st)
                        return ENK_ERR_STORE;
                sqlite3_bind_int64(st, 1, edition_id);
                sqlite3_bind_text(st, 2, qid, -1, SQLITE_STATIC);
                int rc = sqlite3_step(st);
                bool is_text =
                    rc == SQLITE_ROW && !strcmp((const char *) sqlite3_column_text(st, 0), "text");
                sqlite3_reset(st);
                if (rc != SQLITE_ROW && rc != SQLITE_DONE)
                        return store_db_fail(s, d, rc, "reading questions");
                if (!is_text) {
                        enk_diags_add(d, ENK_SEV_ERROR, store_where(s), qid,
                                      rc == SQLITE_ROW
                                          ? ENK_MSGID("question '%s' is not a free-text question")
                                          : ENK_MSGID("question '%s' is not in the wave's edition"),
                                      qid);
                        return ENK_ERR_USAGE;
                }
                text_remember(s, edition_id, qid);
        }
        sqlite3_stmt *st = store_stmt(s, ST_TEXT_INSERT, d);
        if (!st)
                return ENK_ERR_STORE;
        sqlite3_bind_int64(st, 1, response_id);
        sqlite3_bind_text(st, 2, qid, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, text, -1, SQLITE_STATIC);
        int rc = sqlite3_step(st);
        sqlite3_reset(st);
        if ((rc & 0xff) == SQLITE_CONSTRAINT) {
                enk_diags_add(d, ENK_SEV_ERROR, store_where(s), qid,
                              "two free-text answers to question '%s'", qid);
                return ENK_ERR_USAGE;
        }
        if (rc != SQLITE_DONE)
                return store_db_fail(s, d, rc, "storing a free-text answer");
        return ENK_OK;
}

enk_status store_add_texts(enk_store *s, int64_t response_id, int64_t edition_id,
                           const enk_response *r, enk_diags *d)
{
        if (!r->texts)
                return ENK_OK;
        for (size_t i = 0; i < r->q->nquestions; i++) {
                if (!r->texts[i] || !r->texts[i][0])
                        continue;
                enk_status status =
                    add_text(s, response_id, edition_id, r->q->questions[i].id, r->texts[i], d);
                if (status != ENK_OK)
                        return status;
        }
        return ENK_OK;
}

/* What is wrong with a response before its wave is looked at: the one
 * rule, which store_response_ok tells with a message and the batches of an
 * import (try_batch) ask silently. */
enum response_fault { RESPONSE_OK, RESPONSE_SOURCE, RESPONSE_SHAPE, RESPONSE_DATE };

static enum response_fault response_fault(const enk_response *r)
{
        if (r && (size_t) r->source >= sizeof source_names / sizeof source_names[0])
                return RESPONSE_SOURCE;
        if (!r || !r->q || (!r->values && r->q->nquestions))
                return RESPONSE_SHAPE;
        if (!store_date_ok(r->date))
                return RESPONSE_DATE;
        return RESPONSE_OK;
}

enk_status store_response_ok(enk_store *s, int64_t wave_id, const enk_response *r, int64_t *edition,
                             enk_diags *d)
{
        enk_loc loc = store_where(s);
        switch (response_fault(r)) {
        case RESPONSE_SOURCE:
                enk_error(d, loc, "unknown response source %d", (int) r->source);
                return ENK_ERR_USAGE;
        case RESPONSE_SHAPE:
                enk_error(d, loc, "a response needs its questionnaire and answers");
                return ENK_ERR_USAGE;
        case RESPONSE_DATE:
                enk_error(d, loc, "date '%s' is not a date YYYY-MM-DD", r->date);
                return ENK_ERR_USAGE;
        case RESPONSE_OK:
                break;
        }
        size_t slots = 0;
        enk_status status = store_wave_slots(s, wave_id, &slots, edition, d);
        if (status != ENK_OK)
                return status;
        if (r->q->nquestions != slots) {
                enk_error(d, loc, "a response to this wave has %zu answers, not %zu", slots,
                          r->q->nquestions);
                return ENK_ERR_USAGE;
        }
        return store_pack(s, r->values, slots, d);
}

void store_unpack(const unsigned char *b, int32_t *values, size_t n)
{
        for (size_t i = 0; i < n; i++, b += 4) {
                uint32_t u =
                    (uint32_t) b[0] << 24 | (uint32_t) b[1] << 16 | (uint32_t) b[2] << 8 | b[3];
                values[i] = (int32_t) u; /* two's complement, as C23 and gcc/clang */
        }
}

/* Packs n answers into dst (4 * n bytes). Big-endian, so that the bytes
 * read in the natural order in hex() and the answers_long view can decode
 * them digit by digit. */
static void pack_into(unsigned char *dst, const int32_t *values, size_t n)
{
        for (size_t i = 0; i < n; i++) {
                uint32_t u = (uint32_t) values[i];
                unsigned char *p = dst + 4 * i;
                p[0] = (unsigned char) (u >> 24);
                p[1] = (unsigned char) (u >> 16);
                p[2] = (unsigned char) (u >> 8);
                p[3] = (unsigned char) u;
        }
}

/* Packs the answers into store->blob (4 * n bytes). */
enk_status store_pack(enk_store *store, const int32_t *values, size_t n, enk_diags *d)
{
        size_t bytes = n * 4;
        if (bytes > store->blob_cap) {
                unsigned char *b = realloc(store->blob, bytes);
                if (!b) {
                        enk_error(d, store_where(store), "out of memory");
                        return ENK_ERR_NOMEM;
                }
                store->blob = b;
                store->blob_cap = bytes;
        }
        pack_into(store->blob, values, n);
        return ENK_OK;
}

/* The schema's CHECKs off for the rest of an import's transaction (why:
 * enk_store_add_response; forget_txn in store.c turns them on again). */
static void import_checks_off(enk_store *s)
{
        if (!s->checks_off && store_exec(s, "PRAGMA ignore_check_constraints = ON") == SQLITE_OK)
                s->checks_off = true;
}

enk_status enk_store_add_response(enk_store *store, int64_t wave_id, int64_t import_id,
                                  const enk_response *r, int64_t *response_id, enk_diags *diags)
{
        enk_loc loc = store_where(store);
        if (store->aborted)
                return store_txn_ok(store, diags);
        int64_t edition_id = 0;
        enk_status status = store_response_ok(store, wave_id, r, &edition_id, diags);
        if (status != ENK_OK)
                return status;
        size_t bytes = r->q->nquestions * 4;
        const char *date = r->date, *respondent_key = r->respondent_key;

        /* The rows of an import, all in one transaction: the schema's CHECKs
         * on a response (source, date, answers' length) hold already, by
         * the checks above, and SQLite 3.40 spends a third of an import on
         * them: it builds a temporary B-tree for "source IN (...)" on every
         * row. So they are off until the transaction ends (forget_txn in
         * store.c turns them on again). Turning them on or off re-prepares
         * the cached statements once, which an import of many rows repays
         * many times over. A response without an import keeps them. */
        if (import_id && store->in_txn)
                import_checks_off(store);
        /* A response with free texts is two or more rows, kept or dropped
         * together by a savepoint; except in an import, which rolls its
         * whole transaction back after any error (import.c), so a response
         * half stored is never kept. The savepoint copied every page the
         * response touched into its sub-journal. */
        bool with_texts = store_has_texts(r) && !(import_id && store->in_txn);
        if (with_texts && (status = store_savepoint(store, diags)) != ENK_OK)
                return status;
        sqlite3_stmt *st = store_stmt(store, ST_RESPONSE_INSERT, diags);
        if (!st)
                return with_texts ? store_release(store, diags, ENK_ERR_STORE) : ENK_ERR_STORE;
        sqlite3_bind_int64(st, 1, wave_id);
        if (import_id)
                sqlite3_bind_int64(st, 2, import_id);
        sqlite3_bind_text(st, 3, source_names[r->source], -1, SQLITE_STATIC);
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
                store_count_rows(store, import_id, 1);
                if (with_texts)
                        status = store_release(store, diags,
                                               store_add_texts(store, id, edition_id, r, diags));
                else if (import_id && store->in_txn)
                        status = store_add_texts(store, id, edition_id, r, diags);
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
                status = store_db_fail(store, diags, rc, "storing a response");
        }
        return with_texts ? store_release(store, diags, status) : status;
}

/* ------------------------------------------------ many responses at once */

/* The most rows to a statement: a power of two (ST_RESPONSE_INSERT_2 ...
 * _128). A file of 104 rows (the national set's average) goes in as 64 + 32
 * + 8, three statements. */
#define BATCH_MAX 128

/* What try_batch did with its rows. */
enum batch_result { BATCH_STORED, BATCH_SINGLY, BATCH_FAILED };

/* Stores the k responses rs (k a power of two, 2 to BATCH_MAX) as one statement when they
 * are rows of an import in its transaction and each would pass
 * enk_store_add_response's checks; BATCH_SINGLY, with nothing stored, when
 * not, or when a row breaks a constraint (the statement is then undone as a
 * whole: which row it was, and its message, are for the one-by-one path).
 * BATCH_FAILED when the store failed (*status, the diagnostic, *failed the
 * row that fails, as the one-by-one path would say: the rows' own checks
 * come before the wave's slots). */
static enum batch_result try_batch(enk_store *s, int64_t wave_id, int64_t import_id,
                                   const enk_response *rs, size_t k, size_t *failed,
                                   enk_status *status, enk_diags *diags)
{
        if (!import_id || !s->in_txn || s->aborted)
                return BATCH_SINGLY;
        bool texts = false;
        for (size_t j = 0; j < k; j++) {
                if (response_fault(&rs[j]) != RESPONSE_OK)
                        return BATCH_SINGLY;
                texts = texts || store_has_texts(&rs[j]);
        }
        size_t slots = 0;
        int64_t edition_id = 0;
        *failed = 0;
        if ((*status = store_wave_slots(s, wave_id, &slots, &edition_id, diags)) != ENK_OK)
                return BATCH_FAILED;
        for (size_t j = 0; j < k; j++)
                if (rs[j].q->nquestions != slots)
                        return BATCH_SINGLY;
        size_t bytes = slots * 4;
        if (bytes * k > s->batch_cap) {
                unsigned char *b = realloc(s->batch, bytes * k);
                if (!b)
                        return BATCH_SINGLY;
                s->batch = b;
                s->batch_cap = bytes * k;
        }
        /* The rows get the ids after the largest in the table, one by one
         * (SQLite gives max + 1 while max + 1 is a valid id), so the first
         * of them is max + 1: their texts need them. */
        sqlite3_stmt *st;
        int64_t first = 0;
        if (texts) {
                if (!(st = store_stmt(s, ST_RESPONSE_MAX, NULL)) || sqlite3_step(st) != SQLITE_ROW)
                        return BATCH_SINGLY;
                int64_t max = sqlite3_column_int64(st, 0);
                sqlite3_reset(st);
                if (max < 0 || max > INT64_MAX - (int64_t) k)
                        return BATCH_SINGLY;
                first = max + 1;
        }
        import_checks_off(s);
        enum stmt_id id = ST_RESPONSE_INSERT_2;
        for (size_t m = 2; m < k; m *= 2)
                id++;
        if (!(st = store_stmt(s, id, NULL)))
                return BATCH_SINGLY;
        sqlite3_bind_int64(st, 1, wave_id);
        sqlite3_bind_int64(st, 2, import_id);
        for (size_t j = 0; j < k; j++) {
                const enk_response *r = &rs[j];
                int p = 3 + 4 * (int) j;
                unsigned char *b = s->batch + j * bytes;
                pack_into(b, r->values, slots);
                sqlite3_bind_text(st, p, source_names[r->source], -1, SQLITE_STATIC);
                if (r->date)
                        sqlite3_bind_text(st, p + 1, r->date, -1, SQLITE_STATIC);
                if (r->respondent_key)
                        sqlite3_bind_text(st, p + 2, r->respondent_key, -1, SQLITE_STATIC);
                sqlite3_bind_blob(st, p + 3, bytes ? b : (const void *) "", (int) bytes,
                                  SQLITE_STATIC);
        }
        int rc = sqlite3_step(st);
        sqlite3_reset(st);
        if ((rc & 0xff) == SQLITE_CONSTRAINT)
                return BATCH_SINGLY;
        if (rc != SQLITE_DONE) {
                *status = store_db_fail(s, diags, rc, "storing a response");
                return BATCH_FAILED;
        }
        /* The ids were foreseen (first): should SQLite ever have given
         * others, the texts would go to other responses, so the import
         * fails instead (and is rolled back whole). */
        if (texts && sqlite3_last_insert_rowid(s->db) != first + (int64_t) k - 1) {
                *status = store_db_fail(s, diags, SQLITE_INTERNAL, "storing a response");
                return BATCH_FAILED;
        }
        store_count_rows(s, import_id, (int64_t) k);
        for (size_t j = 0; j < k && texts; j++) {
                *status = store_add_texts(s, first + (int64_t) j, edition_id, &rs[j], diags);
                if (*status != ENK_OK) {
                        *failed = j;
                        return BATCH_FAILED;
                }
        }
        return BATCH_STORED;
}

enk_status enk_store_add_responses(enk_store *store, int64_t wave_id, int64_t import_id,
                                   const enk_response *rs, size_t n, size_t *stored,
                                   enk_diags *diags)
{
        size_t i = 0;
        enk_status status = ENK_OK;
        while (i < n) {
                size_t k = 1;
                while (k < BATCH_MAX && 2 * k <= n - i)
                        k *= 2;
                size_t failed = 0;
                enum batch_result b =
                    k > 1 ? try_batch(store, wave_id, import_id, rs + i, k, &failed, &status, diags)
                          : BATCH_SINGLY;
                if (b == BATCH_FAILED) {
                        i += failed;
                        break;
                }
                if (b == BATCH_SINGLY) {
                        size_t j = 0;
                        while (j < k &&
                               (status = enk_store_add_response(store, wave_id, import_id,
                                                                &rs[i + j], NULL, diags)) == ENK_OK)
                                j++;
                        if (status != ENK_OK) {
                                i += j;
                                break;
                        }
                }
                i += k;
        }
        *stored = i;
        store_write_back(store);
        return status;
}

/* ----------------------------------------------------- a wave's details */

enk_status enk_store_set_wave_details(enk_store *store, int64_t wave_id,
                                      const enk_store_wave_details *d, enk_diags *diags)
{
        enk_status status = store_txn_ok(store, diags);
        if (status != ENK_OK)
                return status;
        sqlite3_stmt *st = store_stmt(store, ST_WAVE_DETAILS_SET, diags);
        if (!st)
                return ENK_ERR_STORE;
        const char *v[4] = {d->municipality, d->deadline, d->contact, d->url};
        sqlite3_bind_int64(st, 1, wave_id);
        for (int i = 0; i < 4; i++)
                if (v[i])
                        sqlite3_bind_text(st, i + 2, v[i], -1, SQLITE_STATIC);
        int rc = store_step_write(st);
        if (rc == SQLITE_DONE && !sqlite3_changes(store->db)) {
                enk_error(diags, store_where(store), "no wave with id %lld in the store",
                          (long long) wave_id);
                return ENK_ERR_NOTFOUND;
        }
        if (rc == SQLITE_CONSTRAINT_CHECK) {
                enk_error(diags, store_where(store), "deadline '%s' is not a date YYYY-MM-DD",
                          d->deadline ? d->deadline : "");
                return ENK_ERR_USAGE;
        }
        return rc == SQLITE_DONE ? ENK_OK
                                 : store_db_fail(store, diags, rc, "storing a wave's details");
}

enk_status enk_store_wave_details_get(enk_store *store, int64_t wave_id,
                                      enk_store_wave_details *out, enk_diags *diags)
{
        sqlite3_stmt *st = store_stmt(store, ST_WAVE_DETAILS_GET, diags);
        if (!st)
                return ENK_ERR_STORE;
        sqlite3_bind_int64(st, 1, wave_id);
        int rc = sqlite3_step(st);
        enk_status status = ENK_OK;
        char *v[4] = {NULL, NULL, NULL, NULL};
        if (rc == SQLITE_ROW) {
                for (int i = 0; i < 4 && status == ENK_OK; i++) {
                        const char *t = (const char *) sqlite3_column_text(st, i);
                        if (t && !(v[i] = store_strdup(t)))
                                status = ENK_ERR_NOMEM;
                }
                if (status == ENK_ERR_NOMEM)
                        enk_error(diags, store_where(store), "out of memory");
        } else if (rc == SQLITE_DONE) {
                enk_error(diags, store_where(store), "no wave with id %lld in the store",
                          (long long) wave_id);
                status = ENK_ERR_NOTFOUND;
        } else {
                status = store_db_fail(store, diags, rc, "reading a wave's details");
        }
        sqlite3_reset(st);
        sqlite3_clear_bindings(st);
        if (status != ENK_OK) {
                for (int i = 0; i < 4; i++)
                        free(v[i]);
                return status;
        }
        for (int i = 0; i < 4; i++) {
                free(store->details[i]);
                store->details[i] = v[i];
        }
        *out = (enk_store_wave_details){v[0], v[1], v[2], v[3]};
        return ENK_OK;
}
