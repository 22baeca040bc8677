/* survey/store_read.c - the store's reading API: editions, units, waves and
 * imports found, responses scanned, waves listed, responses counted.
 *
 * Nothing here writes. A scan reads inside one read transaction, so that it
 * sees one state of the store while another process imports.
 */
#include "survey/store_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* --------------------------------------------------------------- editions */

enk_status enk_store_find_edition(enk_store *store, const char *survey, int year,
                                  int64_t *edition_id, enk_diags *diags)
{
        sqlite3_stmt *st = store_stmt(store, ST_EDITION_FIND, diags);
        if (!st)
                return ENK_ERR_STORE;
        sqlite3_bind_text(st, 1, survey, -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 2, year);
        int rc = sqlite3_step(st);
        enk_status status = ENK_OK;
        if (rc == SQLITE_ROW) {
                *edition_id = sqlite3_column_int64(st, 0);
        } else if (rc == SQLITE_DONE) {
                enk_error(diags, store_where(store), "no edition %d of survey '%s' in the store",
                          year, survey);
                status = ENK_ERR_NOTFOUND;
        } else {
                status = store_db_fail(store, diags, rc, "reading editions");
        }
        sqlite3_reset(st);
        return status;
}

enk_status enk_store_load_edition(enk_store *store, int64_t edition_id, enk_questionnaire **out,
                                  enk_diags *diags)
{
        sqlite3_stmt *st = store_stmt(store, ST_EDITION_YAML, diags);
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
                enk_error(diags, store_where(store), "no edition with id %lld in the store",
                          (long long) edition_id);
                status = ENK_ERR_NOTFOUND;
        } else {
                status = store_db_fail(store, diags, rc, "reading editions");
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
                        enk_error(diags, store_where(store), "out of memory");
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
        enk_status status =
            store_lookup_id(store, ST_UNIT_FIND, name ? name : "", 0, unit_id, diags);
        if (status == ENK_ERR_NOTFOUND)
                enk_error(diags, store_where(store), "no unit '%s' in the store", name ? name : "");
        return status;
}

enk_status enk_store_find_wave(enk_store *store, int64_t unit_id, int year, int64_t *wave_id,
                               int64_t *edition_id, enk_diags *diags)
{
        sqlite3_stmt *st = store_stmt(store, ST_WAVE_FIND, diags);
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
                return store_db_fail(store, diags, rc, "reading waves");
        /* The unit's name, for a message a person can act on. */
        char *name = NULL;
        if ((st = store_stmt(store, ST_UNIT_NAME, diags)) != NULL) {
                sqlite3_bind_int64(st, 1, unit_id);
                if (sqlite3_step(st) == SQLITE_ROW)
                        name = store_strdup((const char *) sqlite3_column_text(st, 0));
                sqlite3_reset(st);
        }
        if (name)
                enk_error(diags, store_where(store), "no wave of unit '%s' in year %d in the store",
                          name, year);
        else
                enk_error(diags, store_where(store),
                          "no wave of unit id %lld in year %d in the store", (long long) unit_id,
                          year);
        free(name);
        return ENK_ERR_NOTFOUND;
}

/* ---------------------------------------------------------------- imports */

enk_status enk_store_find_import(enk_store *store, const char *content_hash, int64_t wave_id,
                                 enk_store_import *out, enk_diags *diags)
{
        sqlite3_stmt *st = store_stmt(store, ST_IMPORT_FIND, diags);
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
                        strs[i] = store_strdup((const char *) sqlite3_column_text(st, cols[i]));
                        ok = ok && strs[i];
                }
                if (!ok) {
                        for (int i = 0; i < 4; i++)
                                free(strs[i]);
                        enk_error(diags, store_where(store), "out of memory");
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
                status = store_db_fail(store, diags, rc, "reading imports");
        }
        sqlite3_reset(st);
        return status;
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
        sqlite3_stmt *st = store_stmt(s, ST_SCAN_WAVES, d);
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
                    .unit = store_strdup((const char *) sqlite3_column_text(st, 2)),
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
                return store_db_fail(s, d, rc, "reading waves");
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
        sqlite3_stmt *st = store_stmt(s, ST_SCAN_TEXTS, d);
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
                char *q = store_strdup((const char *) sqlite3_column_text(st, 0));
                char *t = store_strdup((const char *) sqlite3_column_text(st, 1));
                if (!q || !t) {
                        free(q);
                        free(t);
                        rc = SQLITE_NOMEM;
                        break;
                }
                (*texts)[(*n)++] = (enk_store_text){q, t};
        }
        sqlite3_reset(st);
        return rc == SQLITE_DONE ? ENK_OK : store_db_fail(s, d, rc, "reading free texts");
}

static void clear_texts(enk_store_text *texts, size_t *n)
{
        for (size_t i = 0; i < *n; i++) {
                free((char *) texts[i].question_id);
                free((char *) texts[i].text);
        }
        *n = 0;
}

static enk_response_source source_of(const unsigned char *name)
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

/* The scan of a wave's answers alone (enk_store_filter.answers_only). */
static const char answers_sql[] =
    "SELECT id, answers FROM responses WHERE wave_id = ?1 ORDER BY id";

/* Scans wave w's responses; lean is the statement of answers_sql, or NULL
 * for the whole rows (ST_SCAN_RESPONSES). */
static enk_status scan_wave(enk_store *s, const struct scan_wave *w, const enk_store_filter *f,
                            sqlite3_stmt *lean, enk_store_row_fn fn, void *ctx, enk_diags *d)
{
        if (w->slots > s->values_cap) {
                int32_t *v = realloc(s->values, w->slots * sizeof(*v));
                if (!v) {
                        enk_error(d, store_where(s), "out of memory");
                        return ENK_ERR_NOMEM;
                }
                s->values = v;
                s->values_cap = w->slots;
        }
        sqlite3_stmt *st = lean ? lean : store_stmt(s, ST_SCAN_RESPONSES, d);
        if (!st)
                return ENK_ERR_STORE;
        int answers = lean ? 1 : 4; /* the answers' column */
        sqlite3_bind_int64(st, 1, w->id);
        enk_store_text *texts = NULL;
        size_t ntexts = 0, texts_cap = 0;
        enk_status status = ENK_OK;
        int rc;
        while (status == ENK_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
                int64_t id = sqlite3_column_int64(st, 0);
                const unsigned char *blob = sqlite3_column_blob(st, answers);
                size_t bytes = (size_t) sqlite3_column_bytes(st, answers);
                if (bytes != 4 * w->slots) {
                        enk_error(d, store_where(s),
                                  "store is damaged: response %lld holds %zu bytes of answers, "
                                  "its edition needs %zu",
                                  (long long) id, bytes, 4 * w->slots);
                        status = ENK_ERR_STORE;
                        break;
                }
                store_unpack(blob, s->values, w->slots);
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
                    .source = lean ? ENK_SOURCE_IMPORT : source_of(sqlite3_column_text(st, 1)),
                    .date = lean ? NULL : (const char *) sqlite3_column_text(st, 2),
                    .respondent_key = lean ? NULL : (const char *) sqlite3_column_text(st, 3),
                    .values = s->values,
                    .nvalues = w->slots,
                    .texts = ntexts ? texts : NULL,
                    .ntexts = ntexts,
                };
                status = fn(ctx, &row);
                clear_texts(texts, &ntexts);
        }
        if (status == ENK_OK && rc != SQLITE_DONE)
                status = store_db_fail(s, d, rc, "reading responses");
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
                int rc = store_exec(store, "BEGIN");
                if (rc != SQLITE_OK)
                        return store_db_fail(store, diags, rc, "reading");
        }
        enk_status status = scan_waves(store, filter, &waves, &n, diags);
        sqlite3_stmt *lean = NULL;
        if (status == ENK_OK && filter && filter->answers_only) {
                int rc = sqlite3_prepare_v2(store->db, answers_sql, -1, &lean, NULL);
                if (rc != SQLITE_OK)
                        status = store_db_fail(store, diags, rc, "reading responses");
        }
        for (size_t i = 0; status == ENK_OK && i < n; i++)
                status = scan_wave(store, &waves[i], filter, lean, fn, ctx, diags);
        sqlite3_finalize(lean);
        free_waves(waves, n);
        if (own)
                store_exec(store, "COMMIT");
        return status;
}

enk_status enk_store_waves(enk_store *store, const enk_store_filter *filter, enk_store_wave_fn fn,
                           void *ctx, enk_diags *diags)
{
        bool lean = filter && filter->any_response;
        sqlite3_stmt *st = store_stmt(store, lean ? ST_LIST_WAVES_LEAN : ST_LIST_WAVES, diags);
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
                };
                if (!lean) { /* the lean listing has the first nine columns only */
                        w.imports = sqlite3_column_int64(st, 9);
                        w.codes_issued = sqlite3_column_int64(st, 10);
                        w.codes_spent = sqlite3_column_int64(st, 11);
                        w.scanned = sqlite3_column_int64(st, 12);
                        w.scan_waiting = sqlite3_column_int64(st, 13);
                        w.scan_reviews = sqlite3_column_int64(st, 14);
                        w.tests_issued = sqlite3_column_int64(st, 15);
                        w.tests_spent = sqlite3_column_int64(st, 16);
                }
                status = fn(ctx, &w);
        }
        if (status == ENK_OK && rc != SQLITE_DONE)
                status = store_db_fail(store, diags, rc, "reading waves");
        sqlite3_reset(st);
        return status;
}

enk_status enk_store_count(enk_store *store, const enk_store_filter *filter, int64_t *count,
                           enk_diags *diags)
{
        sqlite3_stmt *st = store_stmt(store, ST_COUNT, diags);
        if (!st)
                return ENK_ERR_STORE;
        bind_filter(st, filter);
        int rc = sqlite3_step(st);
        enk_status status = ENK_OK;
        if (rc == SQLITE_ROW)
                *count = sqlite3_column_int64(st, 0);
        else
                status = store_db_fail(store, diags, rc, "counting responses");
        sqlite3_reset(st);
        return status;
}
