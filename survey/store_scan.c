/* survey/store_scan.c - the store's scanned-paper tables: copies, their pages,
 * and the answers waiting for a person (schema 4, survey/store.c).
 *
 * These statements run once per scanned copy or per decision, a few a
 * second, so they are prepared where they are used rather than cached.
 */
#include "survey/store_internal.h"

#include <stdlib.h>
#include <string.h>

/* Prepares sql; NULL (with a diagnostic) when it cannot. */
static sqlite3_stmt *prep(enk_store *s, const char *sql, enk_diags *d)
{
        sqlite3_stmt *st = NULL;
        int rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);
        if (rc != SQLITE_OK) {
                store_db_fail(s, d, rc, "reading scanned paper");
                sqlite3_finalize(st);
                return NULL;
        }
        return st;
}

/* Steps a bound write once and finalizes it: SQLITE_DONE or the error. */
static int write_once(sqlite3_stmt *st)
{
        int rc = sqlite3_step(st);
        sqlite3_finalize(st);
        return rc;
}

static enk_status add_pages(enk_store *s, int64_t copy_id, const enk_store_scan_copy *c,
                            enk_diags *d)
{
        for (size_t i = 0; i < c->npages; i++) {
                const enk_store_scan_page *p = &c->pages[i];
                sqlite3_stmt *st = prep(s,
                                        "INSERT INTO scan_pages (copy_id, page, file, file_page, "
                                        "rotated, residual) VALUES (?,?,?,?,?,?)",
                                        d);
                if (!st)
                        return ENK_ERR_STORE;
                sqlite3_bind_int64(st, 1, copy_id);
                sqlite3_bind_int(st, 2, (int) p->page);
                sqlite3_bind_text(st, 3, p->file ? p->file : "", -1, SQLITE_STATIC);
                sqlite3_bind_int(st, 4, (int) p->file_page);
                sqlite3_bind_int(st, 5, p->rotated);
                sqlite3_bind_double(st, 6, p->residual_mm);
                int rc = write_once(st);
                if (rc != SQLITE_DONE)
                        return store_db_fail(s, d, rc, "storing a scanned page");
        }
        return ENK_OK;
}

static enk_status add_reviews(enk_store *s, int64_t copy_id, const enk_store_scan_copy *c,
                              enk_diags *d)
{
        for (size_t i = 0; i < c->nreviews; i++) {
                const enk_store_scan_review *v = &c->reviews[i];
                if (v->question >= c->read->q->nquestions) {
                        enk_error(d, store_where(s), "a review of question %zu, of %zu",
                                  v->question, c->read->q->nquestions);
                        return ENK_ERR_USAGE;
                }
                sqlite3_stmt *st = prep(s,
                                        "INSERT INTO scan_reviews (copy_id, slot, reason, reading, "
                                        "page, crop_x, crop_y, crop_w, crop_h) "
                                        "VALUES (?,?,?,?,?,?,?,?,?)",
                                        d);
                if (!st)
                        return ENK_ERR_STORE;
                sqlite3_bind_int64(st, 1, copy_id);
                sqlite3_bind_int64(st, 2, (int64_t) v->question);
                sqlite3_bind_text(st, 3, v->reason, -1, SQLITE_STATIC);
                if (v->reading != ENK_MISSING)
                        sqlite3_bind_int(st, 4, v->reading);
                sqlite3_bind_int(st, 5, (int) v->page);
                for (int k = 0; k < 4; k++)
                        sqlite3_bind_int(st, 6 + k, v->crop[k]);
                int rc = write_once(st);
                if ((rc & 0xff) == SQLITE_CONSTRAINT) {
                        enk_error(d, store_where(s), "review reason '%s' or question %zu twice",
                                  v->reason ? v->reason : "", v->question);
                        return ENK_ERR_USAGE;
                }
                if (rc != SQLITE_DONE)
                        return store_db_fail(s, d, rc, "storing a review");
        }
        return ENK_OK;
}

static enk_status link_response(enk_store *s, int64_t copy_id, int64_t response_id, enk_diags *d)
{
        sqlite3_stmt *st = prep(s, "UPDATE scan_copies SET response_id = ? WHERE id = ?", d);
        if (!st)
                return ENK_ERR_STORE;
        sqlite3_bind_int64(st, 1, response_id);
        sqlite3_bind_int64(st, 2, copy_id);
        int rc = write_once(st);
        return rc == SQLITE_DONE ? ENK_OK : store_db_fail(s, d, rc, "linking a scanned copy");
}

/* Inserts the copy's row, its reading packed; ENK_ERR_EXISTS for a serial
 * the wave has. */
static enk_status insert_copy(enk_store *s, int64_t wave_id, const enk_store_scan_copy *c,
                              int64_t *copy_id, enk_diags *d)
{
        int64_t edition = 0;
        enk_status status = store_response_ok(s, wave_id, c->read, &edition, d);
        if (status != ENK_OK)
                return status;
        sqlite3_stmt *st =
            prep(s, "INSERT INTO scan_copies (wave_id, serial, lang, reading) VALUES (?,?,?,?)", d);
        if (!st)
                return ENK_ERR_STORE;
        sqlite3_bind_int64(st, 1, wave_id);
        sqlite3_bind_text(st, 2, c->serial, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, c->lang ? c->lang : "sv", -1, SQLITE_STATIC);
        sqlite3_bind_blob(st, 4, s->blob ? (const void *) s->blob : "",
                          (int) (c->read->q->nquestions * 4), SQLITE_STATIC);
        int rc = write_once(st);
        if ((rc & 0xff) == SQLITE_CONSTRAINT) {
                enk_diags_add(d, ENK_SEV_ERROR, store_where(s), c->serial,
                              "copy %s has been scanned into this wave already", c->serial);
                return ENK_ERR_EXISTS;
        }
        if (rc != SQLITE_DONE)
                return store_db_fail(s, d, rc, "storing a scanned copy");
        *copy_id = sqlite3_last_insert_rowid(s->db);
        return ENK_OK;
}

enk_status enk_store_add_scan(enk_store *store, int64_t wave_id, const enk_store_scan_copy *c,
                              int64_t *copy_id, int64_t *response_id, enk_diags *diags)
{
        if (response_id)
                *response_id = 0;
        if (!c || !c->serial || !c->read || (c->npages && !c->pages) ||
            (c->nreviews && !c->reviews)) {
                enk_error(diags, store_where(store), "a scanned copy needs a serial and answers");
                return ENK_ERR_USAGE;
        }
        enk_status status = store_txn_ok(store, diags);
        if (status != ENK_OK || (status = store_savepoint(store, diags)) != ENK_OK)
                return status;
        int64_t id = 0, rid = 0;
        status = insert_copy(store, wave_id, c, &id, diags);
        if (status == ENK_OK)
                status = add_pages(store, id, c, diags);
        if (status == ENK_OK)
                status = add_reviews(store, id, c, diags);
        if (status == ENK_OK && c->nreviews == 0) {
                status = enk_store_add_response(store, wave_id, 0, c->read, &rid, diags);
                if (status == ENK_OK)
                        status = link_response(store, id, rid, diags);
        }
        status = store_release(store, diags, status);
        if (status == ENK_OK) {
                if (copy_id)
                        *copy_id = id;
                if (response_id)
                        *response_id = rid;
        }
        return status;
}

/* ------------------------------------------------------------- reviews */

/* The pages of copy_id, in page order, into *pages (malloc'ed, file names
 * too). */
static enk_status read_pages(enk_store *s, int64_t copy_id, enk_store_scan_page **pages, size_t *n,
                             enk_diags *d)
{
        *pages = NULL;
        *n = 0;
        sqlite3_stmt *st = prep(s,
                                "SELECT page, file, file_page, rotated, residual "
                                "FROM scan_pages WHERE copy_id = ? ORDER BY page",
                                d);
        if (!st)
                return ENK_ERR_STORE;
        sqlite3_bind_int64(st, 1, copy_id);
        int rc;
        enk_status status = ENK_OK;
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
                enk_store_scan_page *p = realloc(*pages, (*n + 1) * sizeof(*p));
                if (!p) {
                        status = ENK_ERR_NOMEM;
                        break;
                }
                *pages = p;
                p = &p[(*n)++];
                memset(p, 0, sizeof(*p));
                p->page = (unsigned) sqlite3_column_int(st, 0);
                p->file = store_strdup((const char *) sqlite3_column_text(st, 1));
                p->file_page = (unsigned) sqlite3_column_int(st, 2);
                p->rotated = sqlite3_column_int(st, 3) != 0;
                p->residual_mm = sqlite3_column_double(st, 4);
        }
        if (status == ENK_OK && rc != SQLITE_DONE)
                status = store_db_fail(s, d, rc, "reading scanned pages");
        sqlite3_finalize(st);
        return status;
}

static void free_pages(enk_store_scan_page *pages, size_t n)
{
        for (size_t i = 0; i < n; i++)
                free((char *) pages[i].file);
        free(pages);
}

/* The review of the current row of st, with its copy's pages. */
static enk_status hand_review(enk_store *s, sqlite3_stmt *st, enk_store_review_fn fn, void *ctx,
                              enk_diags *d)
{
        enk_store_review r = {
            .id = sqlite3_column_int64(st, 0),
            .copy_id = sqlite3_column_int64(st, 1),
            .wave_id = sqlite3_column_int64(st, 2),
            .edition_id = sqlite3_column_int64(st, 3),
            .unit = (const char *) sqlite3_column_text(st, 4),
            .year = sqlite3_column_int(st, 5),
            .serial = (const char *) sqlite3_column_text(st, 6),
            .question = (size_t) sqlite3_column_int64(st, 7),
            .reason = (const char *) sqlite3_column_text(st, 8),
            .reading =
                sqlite3_column_type(st, 9) == SQLITE_NULL ? ENK_MISSING : sqlite3_column_int(st, 9),
            .decided = sqlite3_column_type(st, 10) != SQLITE_NULL,
        };
        r.decision = r.decided ? sqlite3_column_int(st, 10) : ENK_MISSING;
        r.lang = (const char *) sqlite3_column_text(st, 11);
        r.page = (unsigned) sqlite3_column_int(st, 12);
        for (int k = 0; k < 4; k++)
                r.crop[k] = sqlite3_column_int(st, 13 + k);
        enk_store_scan_page *pages = NULL;
        enk_status status = read_pages(s, r.copy_id, &pages, &r.npages, d);
        r.pages = pages;
        if (status == ENK_OK)
                status = fn(ctx, &r);
        free_pages(pages, r.npages);
        return status;
}

enk_status enk_store_reviews(enk_store *store, bool waiting_only, enk_store_review_fn fn, void *ctx,
                             enk_diags *diags)
{
        if (!fn)
                return ENK_ERR_USAGE;
        sqlite3_stmt *st = prep(
            store,
            waiting_only
                ? "SELECT r.id, c.id, w.id, w.edition_id, u.name, w.year, c.serial, r.slot, "
                  "r.reason, r.reading, r.decision, c.lang, r.page, r.crop_x, r.crop_y, r.crop_w, "
                  "r.crop_h FROM scan_reviews r "
                  "JOIN scan_copies c ON c.id = r.copy_id JOIN waves w ON w.id = c.wave_id "
                  "JOIN units u ON u.id = w.unit_id WHERE r.decision IS NULL "
                  "ORDER BY u.name, w.year, c.serial, r.slot"
                : "SELECT r.id, c.id, w.id, w.edition_id, u.name, w.year, c.serial, r.slot, "
                  "r.reason, r.reading, r.decision, c.lang, r.page, r.crop_x, r.crop_y, r.crop_w, "
                  "r.crop_h FROM scan_reviews r "
                  "JOIN scan_copies c ON c.id = r.copy_id JOIN waves w ON w.id = c.wave_id "
                  "JOIN units u ON u.id = w.unit_id ORDER BY u.name, w.year, c.serial, r.slot",
            diags);
        if (!st)
                return ENK_ERR_STORE;
        int rc;
        enk_status status = ENK_OK;
        while (status == ENK_OK && (rc = sqlite3_step(st)) == SQLITE_ROW)
                status = hand_review(store, st, fn, ctx, diags);
        if (status == ENK_OK && rc != SQLITE_DONE)
                status = store_db_fail(store, diags, rc, "reading reviews");
        sqlite3_finalize(st);
        return status;
}

enk_status enk_store_decide(enk_store *store, int64_t review_id, int32_t value, enk_diags *diags)
{
        enk_status status = store_txn_ok(store, diags);
        if (status != ENK_OK)
                return status;
        sqlite3_stmt *st = prep(store,
                                "SELECT c.response_id FROM scan_reviews r "
                                "JOIN scan_copies c ON c.id = r.copy_id WHERE r.id = ?",
                                diags);
        if (!st)
                return ENK_ERR_STORE;
        sqlite3_bind_int64(st, 1, review_id);
        int rc = sqlite3_step(st);
        bool stored = rc == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL;
        sqlite3_finalize(st);
        if (rc == SQLITE_DONE) {
                enk_error(diags, store_where(store), "no review %lld in the store",
                          (long long) review_id);
                return ENK_ERR_NOTFOUND;
        }
        if (rc != SQLITE_ROW)
                return store_db_fail(store, diags, rc, "reading a review");
        if (stored) {
                enk_error(diags, store_where(store),
                          "review %lld: its copy is a stored response already",
                          (long long) review_id);
                return ENK_ERR_EXISTS;
        }
        st = prep(store, "UPDATE scan_reviews SET decision = ? WHERE id = ?", diags);
        if (!st)
                return ENK_ERR_STORE;
        sqlite3_bind_int(st, 1, value);
        sqlite3_bind_int64(st, 2, review_id);
        rc = write_once(st);
        return rc == SQLITE_DONE ? ENK_OK : store_db_fail(store, diags, rc, "storing a decision");
}

enk_status enk_store_scan_edition(enk_store *store, int64_t copy_id, int64_t *edition_id,
                                  enk_diags *diags)
{
        sqlite3_stmt *st = prep(store,
                                "SELECT w.edition_id FROM scan_copies c JOIN waves w "
                                "ON w.id = c.wave_id WHERE c.id = ?",
                                diags);
        if (!st)
                return ENK_ERR_STORE;
        sqlite3_bind_int64(st, 1, copy_id);
        int rc = sqlite3_step(st);
        if (rc == SQLITE_ROW)
                *edition_id = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
        if (rc == SQLITE_ROW)
                return ENK_OK;
        if (rc != SQLITE_DONE)
                return store_db_fail(store, diags, rc, "reading a scanned copy");
        enk_error(diags, store_where(store), "no scanned copy %lld in the store",
                  (long long) copy_id);
        return ENK_ERR_NOTFOUND;
}

/* Puts the decisions of copy_id into values; *waiting the undecided. */
static enk_status apply_decisions(enk_store *s, int64_t copy_id, int32_t *values, size_t n,
                                  size_t *waiting, enk_diags *d)
{
        sqlite3_stmt *st = prep(s, "SELECT slot, decision FROM scan_reviews WHERE copy_id = ?", d);
        if (!st)
                return ENK_ERR_STORE;
        sqlite3_bind_int64(st, 1, copy_id);
        size_t undecided = 0;
        int rc;
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
                int64_t slot = sqlite3_column_int64(st, 0);
                if (sqlite3_column_type(st, 1) == SQLITE_NULL)
                        undecided++;
                else if (slot >= 0 && (size_t) slot < n)
                        values[slot] = sqlite3_column_int(st, 1);
        }
        sqlite3_finalize(st);
        if (rc != SQLITE_DONE)
                return store_db_fail(s, d, rc, "reading decisions");
        if (waiting)
                *waiting = undecided;
        return ENK_OK;
}

enk_status enk_store_scan_values(enk_store *store, int64_t copy_id, int32_t *values, size_t n,
                                 size_t *waiting, int64_t *response_id, enk_diags *diags)
{
        sqlite3_stmt *st =
            prep(store, "SELECT reading, response_id FROM scan_copies WHERE id = ?", diags);
        if (!st)
                return ENK_ERR_STORE;
        sqlite3_bind_int64(st, 1, copy_id);
        int rc = sqlite3_step(st);
        enk_status status = ENK_OK;
        if (rc == SQLITE_ROW) {
                if ((size_t) sqlite3_column_bytes(st, 0) != 4 * n) {
                        enk_error(diags, store_where(store), "copy %lld has %d answers, not %zu",
                                  (long long) copy_id, sqlite3_column_bytes(st, 0) / 4, n);
                        status = ENK_ERR_USAGE;
                } else {
                        store_unpack(sqlite3_column_blob(st, 0), values, n);
                        if (response_id)
                                *response_id = sqlite3_column_int64(st, 1);
                }
        } else if (rc == SQLITE_DONE) {
                enk_error(diags, store_where(store), "no scanned copy %lld in the store",
                          (long long) copy_id);
                status = ENK_ERR_NOTFOUND;
        } else {
                status = store_db_fail(store, diags, rc, "reading a scanned copy");
        }
        sqlite3_finalize(st);
        if (status == ENK_OK)
                status = apply_decisions(store, copy_id, values, n, waiting, diags);
        return status;
}

enk_status enk_store_scan_finish(enk_store *store, int64_t copy_id, const enk_response *r,
                                 int64_t *response_id, enk_diags *diags)
{
        enk_status status = store_txn_ok(store, diags);
        if (status != ENK_OK)
                return status;
        if (!r || !r->q)
                return ENK_ERR_USAGE;
        sqlite3_stmt *st = prep(store,
                                "SELECT c.wave_id, c.response_id, (SELECT count(*) FROM "
                                "scan_reviews r WHERE r.copy_id = c.id AND r.decision IS NULL) "
                                "FROM scan_copies c WHERE c.id = ?",
                                diags);
        if (!st)
                return ENK_ERR_STORE;
        sqlite3_bind_int64(st, 1, copy_id);
        int rc = sqlite3_step(st);
        int64_t wave = 0, have = 0, waiting = 0;
        if (rc == SQLITE_ROW) {
                wave = sqlite3_column_int64(st, 0);
                have = sqlite3_column_int64(st, 1);
                waiting = sqlite3_column_int64(st, 2);
        }
        sqlite3_finalize(st);
        if (rc != SQLITE_ROW) {
                enk_error(diags, store_where(store), "no scanned copy %lld in the store",
                          (long long) copy_id);
                return rc == SQLITE_DONE ? ENK_ERR_NOTFOUND : ENK_ERR_STORE;
        }
        if (have) {
                enk_error(diags, store_where(store), "copy %lld is a stored response already",
                          (long long) copy_id);
                return ENK_ERR_EXISTS;
        }
        if (waiting) {
                enk_error(diags, store_where(store), "copy %lld has %lld reviews undecided",
                          (long long) copy_id, (long long) waiting);
                return ENK_ERR_USAGE;
        }
        if ((status = store_savepoint(store, diags)) != ENK_OK)
                return status;
        int64_t rid = 0;
        status = enk_store_add_response(store, wave, 0, r, &rid, diags);
        if (status == ENK_OK)
                status = link_response(store, copy_id, rid, diags);
        status = store_release(store, diags, status);
        if (status == ENK_OK && response_id)
                *response_id = rid;
        return status;
}

enk_status enk_store_scan_counts(enk_store *store, int64_t wave_id, enk_store_scan_tally *out,
                                 enk_diags *diags)
{
        memset(out, 0, sizeof(*out));
        sqlite3_stmt *st =
            prep(store,
                 "SELECT count(*), count(response_id), "
                 "(SELECT count(*) FROM scan_reviews r JOIN scan_copies k ON k.id = r.copy_id "
                 " WHERE k.wave_id = ?1 AND r.decision IS NULL), "
                 "(SELECT count(DISTINCT r.copy_id) FROM scan_reviews r JOIN scan_copies k "
                 " ON k.id = r.copy_id WHERE k.wave_id = ?1 AND r.decision IS NULL) "
                 "FROM scan_copies WHERE wave_id = ?1",
                 diags);
        if (!st)
                return ENK_ERR_STORE;
        sqlite3_bind_int64(st, 1, wave_id);
        int rc = sqlite3_step(st);
        if (rc == SQLITE_ROW) {
                out->copies = sqlite3_column_int64(st, 0);
                out->stored = sqlite3_column_int64(st, 1);
                out->reviews = sqlite3_column_int64(st, 2);
                out->waiting = sqlite3_column_int64(st, 3);
        }
        sqlite3_finalize(st);
        return rc == SQLITE_ROW ? ENK_OK : store_db_fail(store, diags, rc, "counting scans");
}
