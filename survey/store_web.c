/* survey/store_web.c - the store's web-collection tables: access codes, spent
 * marks, drafts, submissions, secrets (schema 2 and 3; test codes, schema 5).
 *
 * A code is kept only as its hash; its spent mark and its draft are filed
 * under keys derived from the code itself (survey/codes.h, enk_codes_keys),
 * so that a copy of the store cannot link them to the code's row nor a
 * response to its code (docs/store.md, "Anonymity"; docs/web.md).
 */
#include "survey/store_internal.h"

#include <stdlib.h>
#include <string.h>

#include "survey/codes.h"
#include "survey/hash.h"

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

/* A hash of a batch, with its place in the caller's order (for messages). */
struct batch_hash {
        char h[ENK_HASH_HEX_SIZE];
        size_t i;
};

static int cmp_batch_hash(const void *a, const void *b)
{
        return memcmp(((const struct batch_hash *) a)->h, ((const struct batch_hash *) b)->h, 64);
}

static enk_status add_codes(enk_store *store, int64_t wave_id, const char *const *hashes, size_t n,
                            bool test, enk_diags *diags)
{
        enk_loc loc = store_where(store);
        enk_status status = store_txn_ok(store, diags);
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
        if ((status = store_savepoint(store, diags)) != ENK_OK) {
                free(v);
                return status;
        }
        for (size_t k = 0; k < n && status == ENK_OK; k++) {
                sqlite3_stmt *st = store_stmt(store, ST_CODE_INSERT, diags);
                if (!st) {
                        status = ENK_ERR_STORE;
                        break;
                }
                sqlite3_bind_text(st, 1, v[k].h, 64, SQLITE_STATIC);
                sqlite3_bind_int64(st, 2, wave_id);
                sqlite3_bind_int(st, 3, test);
                int rc = store_step_write(st);
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
                        status = store_db_fail(store, diags, rc, "adding access codes");
                }
        }
        free(v);
        return store_release(store, diags, status);
}

enk_status enk_store_add_codes(enk_store *store, int64_t wave_id, const char *const *hashes,
                               size_t n, enk_diags *diags)
{
        return add_codes(store, wave_id, hashes, n, false, diags);
}

enk_status enk_store_add_test_codes(enk_store *store, int64_t wave_id, const char *const *hashes,
                                    size_t n, enk_diags *diags)
{
        return add_codes(store, wave_id, hashes, n, true, diags);
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
                           bool *draft, bool *test, enk_diags *d)
{
        sqlite3_stmt *st = store_stmt(s, ST_CODE_STATE, d);
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
                if (test)
                        *test = sqlite3_column_int(st, 3) != 0;
                status = ENK_OK;
        } else if (rc != SQLITE_DONE) {
                status = store_db_fail(s, d, rc, "reading access codes");
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
        enk_status status = code_row(s, k, &wave, &spent, &draft, NULL, d);
        if (status == ENK_OK && wave == wave_id && spent) {
                enk_error(d, store_where(s), "access code already used");
                return ENK_ERR_EXISTS;
        }
        if (status == ENK_OK || status == ENK_ERR_NOTFOUND) {
                enk_error(d, store_where(s), "unknown access code");
                return ENK_ERR_NOTFOUND;
        }
        return status;
}

/* Runs the delete st (bound to ?1 = text) and reports failure as doing. */
static enk_status delete_by(enk_store *s, enum stmt_id id, const char *key, const char *doing,
                            enk_diags *d)
{
        sqlite3_stmt *st = store_stmt(s, id, d);
        if (!st)
                return ENK_ERR_STORE;
        sqlite3_bind_text(st, 1, key, 64, SQLITE_STATIC);
        int rc = store_step_write(st);
        return rc == SQLITE_DONE ? ENK_OK : store_db_fail(s, d, rc, doing);
}

enk_status enk_store_code_state(enk_store *store, int64_t wave_id, const char *code,
                                enk_code_state *state, bool *has_draft, enk_diags *diags)
{
        enk_code_keys k;
        int64_t wave = 0;
        bool spent = false, draft = false;
        enk_status status = code_keys(code, &k)
                                ? code_row(store, &k, &wave, &spent, &draft, NULL, diags)
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
        enk_status status = store_txn_ok(store, diags);
        if (status != ENK_OK)
                return status;
        enk_code_keys k;
        if (!code_keys(code, &k)) {
                enk_error(diags, store_where(store), "unknown access code");
                return ENK_ERR_NOTFOUND;
        }
        unsigned char *box = NULL;
        size_t box_len = 0;
        if (len > 100 * 1000 * 1000 || (len && !data)) {
                enk_error(diags, store_where(store), "a draft of %zu bytes cannot be kept", len);
                status = ENK_ERR_USAGE;
                goto out;
        }
        if ((status = enk_hash_seal(k.draft_key, data, len, &box, &box_len, diags)) != ENK_OK ||
            (status = store_savepoint(store, diags)) != ENK_OK)
                goto out;
        sqlite3_stmt *st = store_stmt(store, ST_DRAFT_SAVE, diags);
        int rc = SQLITE_ERROR;
        if (st) {
                sqlite3_bind_text(st, 1, k.draft, 64, SQLITE_STATIC);
                sqlite3_bind_int64(st, 2, wave_id);
                sqlite3_bind_blob(st, 3, box, (int) box_len, SQLITE_STATIC);
                sqlite3_bind_text(st, 4, k.hash, 64, SQLITE_STATIC);
                sqlite3_bind_text(st, 5, k.spent, 64, SQLITE_STATIC);
                rc = store_step_write(st);
        }
        if (!st)
                status = ENK_ERR_STORE;
        else if (rc != SQLITE_DONE)
                status = store_db_fail(store, diags, rc, "saving a draft");
        else if (sqlite3_changes(store->db) == 0)
                status = code_refused(store, wave_id, &k, diags);
        else /* a plain-text draft of schema 2 is now sealed: the plain one goes */
                status = delete_by(store, ST_PLAIN_DELETE, k.hash, "saving a draft", diags);
        status = store_release(store, diags, status);
out:
        free(box);
        enk_hash_wipe(&k, sizeof(k));
        return status;
}

enk_status enk_store_delete_drafts(enk_store *store, int64_t wave_id, int64_t *deleted,
                                   enk_diags *diags)
{
        enk_status status = store_txn_ok(store, diags);
        if (status != ENK_OK || (status = store_savepoint(store, diags)) != ENK_OK)
                return status;
        int64_t n = 0;
        const enum stmt_id ids[2] = {ST_DRAFTS_DELETE_WAVE, ST_PLAINS_DELETE_WAVE};
        for (int i = 0; i < 2 && status == ENK_OK; i++) {
                sqlite3_stmt *st = store_stmt(store, ids[i], diags);
                if (!st) {
                        status = ENK_ERR_STORE;
                        break;
                }
                sqlite3_bind_int64(st, 1, wave_id);
                int rc = store_step_write(st);
                if (rc != SQLITE_DONE)
                        status = store_db_fail(store, diags, rc, "deleting drafts");
                else
                        n += sqlite3_changes(store->db);
        }
        if ((status = store_release(store, diags, status)) == ENK_OK && deleted)
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
                        enk_error(d, store_where(s), "out of memory");
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
                status = store_db_fail(s, d, rc, "reading a draft");
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
        sqlite3_stmt *st = store_stmt(store, ST_DRAFT_LOAD, diags);
        if (st) {
                sqlite3_bind_text(st, 1, k.draft, 64, SQLITE_STATIC);
                sqlite3_bind_int64(st, 2, wave_id);
                status = read_blob(store, st, &box, &box_len, diags);
        }
        if (status == ENK_OK) {
                status = enk_hash_open(k.draft_key, box, box_len, data, len, diags);
                if (status == ENK_ERR_DATA)
                        enk_error(diags, store_where(store),
                                  "store is damaged: a draft cannot be opened");
                free(box);
        } else if (status == ENK_ERR_NOTFOUND &&
                   (st = store_stmt(store, ST_PLAIN_LOAD, diags)) != NULL) {
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
                sqlite3_stmt *st = store_stmt(s, ST_WEB_INSERT, d);
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
                        enk_error(d, store_where(s), "date '%s' is not a date YYYY-MM-DD",
                                  date ? date : "");
                        return ENK_ERR_USAGE;
                }
                return store_db_fail(s, d, rc, "storing a response");
        }
        enk_error(d, store_where(s),
                  "cannot find a free response id (is the random generator broken?)");
        return ENK_ERR_STORE;
}

/* The writes of a submission of code k, inside the caller's savepoint. */
static enk_status spend(enk_store *s, int64_t wave_id, const enk_code_keys *k,
                        const enk_response *r, int64_t edition_id, enk_diags *d)
{
        /* Spend first. The check that the code is open is the INSERT's WHERE
         * clause and the mark's primary key, so nothing can spend it between
         * a look and the write; and outside a transaction the first statement
         * being a write takes the write lock at once (a read first could not
         * later be upgraded if another process wrote meanwhile). The code's
         * row is not touched: the mark is under a key of its own. */
        sqlite3_stmt *st = store_stmt(s, ST_CODE_SPEND, d);
        if (!st)
                return ENK_ERR_STORE;
        sqlite3_bind_text(st, 1, k->spent, 64, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, wave_id);
        sqlite3_bind_text(st, 3, k->hash, 64, SQLITE_STATIC);
        int rc = store_step_write(st);
        if (rc == SQLITE_CONSTRAINT_PRIMARYKEY || (rc == SQLITE_DONE && !sqlite3_changes(s->db)))
                return code_refused(s, wave_id, k, d);
        if (rc != SQLITE_DONE)
                return store_db_fail(s, d, rc, "spending an access code");

        /* A test code's answers were checked like any others; they are
         * kept nowhere, so nothing can count them. */
        int64_t wave = 0;
        bool spent = false, draft = false, test = false;
        enk_status status = code_row(s, k, &wave, &spent, &draft, &test, d);
        if (status == ENK_OK && !test) {
                int64_t id = 0;
                status = insert_web(s, wave_id, r->date, r->q->nquestions * 4, &id, d);
                if (status == ENK_OK)
                        status = store_add_texts(s, id, edition_id, r, d);
        }
        /* The draft goes in the same step: it is never copied into the
         * response, and secure_delete zeroes its bytes in the file. */
        if (status == ENK_OK)
                status = delete_by(s, ST_DRAFT_DELETE, k->draft, "deleting a draft", d);
        if (status == ENK_OK)
                status = delete_by(s, ST_PLAIN_DELETE, k->hash, "deleting a draft", d);
        return status;
}

enk_status enk_store_submit(enk_store *store, int64_t wave_id, const char *code,
                            const enk_response *r, enk_diags *diags)
{
        enk_status status = store_txn_ok(store, diags);
        if (status != ENK_OK)
                return status;
        int64_t edition_id = 0;
        enk_code_keys k;
        if ((status = store_response_ok(store, wave_id, r, &edition_id, diags)) != ENK_OK)
                return status;
        if (!code_keys(code, &k)) {
                enk_error(diags, store_where(store), "unknown access code");
                return ENK_ERR_NOTFOUND;
        }
        if ((status = store_savepoint(store, diags)) != ENK_OK) {
                enk_hash_wipe(&k, sizeof(k));
                return status;
        }
        status = spend(store, wave_id, &k, r, edition_id, diags);
        enk_hash_wipe(&k, sizeof(k));
        return store_release(store, diags, status);
}

enk_status enk_store_secret(enk_store *store, const char *name, unsigned char secret[32],
                            enk_diags *diags)
{
        if (!name || !*name) {
                enk_error(diags, store_where(store), "a secret needs a name");
                return ENK_ERR_USAGE;
        }
        /* Read; when absent, make one and insert it unless another process
         * got there first (DO NOTHING), then read again: every process ends
         * up with the one value the store keeps. */
        for (int attempt = 0; attempt < 2; attempt++) {
                sqlite3_stmt *st = store_stmt(store, ST_SECRET_GET, diags);
                if (!st)
                        return ENK_ERR_STORE;
                sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
                int rc = sqlite3_step(st);
                if (rc == SQLITE_ROW) {
                        enk_status status = ENK_OK;
                        if (sqlite3_column_bytes(st, 0) == 32) {
                                memcpy(secret, sqlite3_column_blob(st, 0), 32);
                        } else {
                                enk_error(diags, store_where(store),
                                          "store is damaged: secret '%s' is not 32 bytes", name);
                                status = ENK_ERR_STORE;
                        }
                        sqlite3_reset(st);
                        return status;
                }
                sqlite3_reset(st);
                if (rc != SQLITE_DONE)
                        return store_db_fail(store, diags, rc, "reading a secret");
                if (attempt)
                        break;

                enk_status status = store_txn_ok(store, diags);
                unsigned char fresh[32];
                if (status != ENK_OK || (status = enk_hash_random(fresh, 32, diags)) != ENK_OK)
                        return status;
                if ((st = store_stmt(store, ST_SECRET_PUT, diags)) == NULL)
                        return ENK_ERR_STORE;
                sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
                sqlite3_bind_blob(st, 2, fresh, 32, SQLITE_STATIC);
                rc = store_step_write(st);
                memset(fresh, 0, sizeof(fresh));
                if (rc != SQLITE_DONE)
                        return store_db_fail(store, diags, rc, "keeping a secret");
        }
        enk_error(diags, store_where(store), "secret '%s' was not kept", name);
        return ENK_ERR_STORE;
}
