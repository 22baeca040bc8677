/* survey/store_internal.h - what the files of the store share; not a public header.
 *
 * The store is one module (survey/store.h, prefix enk_store_) in five files:
 *   store.c        opening, pragmas, migrations, the statement cache, errors,
 *                  checkpoints and transactions;
 *   store_write.c  writing editions, units, waves, imports and responses;
 *   store_read.c   the reading API: finding editions, units, waves and
 *                  imports, scanning responses, listing waves, counting;
 *   store_web.c    the web-collection tables: access codes, spent marks,
 *                  drafts, submissions, secrets;
 *   store_scan.c   the scanned-paper tables: copies, pages, reviews.
 * Only these five include this header, and only they use SQLite. The
 * functions below are shared among them and prefixed store_ (not enk_store_):
 * they are not part of the interface.
 */
#ifndef ENK_STORE_INTERNAL_H
#define ENK_STORE_INTERNAL_H

#include <sqlite3.h>

#include "survey/store.h"

/* ------------------------------------------------------ cached statements */

/* The statements every store prepares once, on first use (store_stmt); their
 * SQL is the table stmt_sql in store.c. */
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
        /* the same, 2, 4, ... 128 responses at a time, in this order (SQL
         * built by store_stmt: see enk_store_add_responses) */
        ST_RESPONSE_INSERT_2,
        ST_RESPONSE_INSERT_4,
        ST_RESPONSE_INSERT_8,
        ST_RESPONSE_INSERT_16,
        ST_RESPONSE_INSERT_32,
        ST_RESPONSE_INSERT_64,
        ST_RESPONSE_INSERT_128,
        ST_RESPONSE_MAX,
        ST_TEXT_QUESTION,
        ST_TEXT_INSERT,
        ST_SCAN_WAVES,
        ST_SCAN_RESPONSES,
        ST_SCAN_TEXTS,
        ST_LIST_WAVES,
        ST_LIST_WAVES_LEAN,
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
        ST_WAVE_DETAILS_GET,
        ST_WAVE_DETAILS_SET,
        ST_COUNT_
};

#define STORE_TEXTQ_MAX 16

/* An edition parsed once by enk_store_edition() and kept. */
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
        bool bulk;         /* the open transaction left WAL mode (enk_store_begin_bulk) */
        int bulk_fd;       /* the file, read-only, to start its writeback (store_write_back); -1;
                              closed after the connection (enk_store_free) */
        int bulk_pages;    /* SQLite's pages written when it last did */
        bool checks_off;   /* ignore_check_constraints is on for the open transaction's
                            * imported rows (see enk_store_add_response) */
        int64_t autockpt;  /* log bytes at which a commit checkpoints; 0: never */
        int64_t wal_bytes; /* the log's length after our last commit */
        int64_t page_size; /* the file's pages, in bytes */
        sqlite3_stmt *stmts[ST_COUNT_];

        /* The slots of the last wave written to; valid only inside a
         * transaction, when no other process can change the wave. */
        int64_t slots_wave;
        int64_t slots_edition;
        size_t slots;

        unsigned char *blob; /* packing buffer for add_response */
        size_t blob_cap;
        /* The free-text questions of edition textq_edition the open
         * transaction has stored texts to (store_write.c, text_known). */
        int64_t textq_edition;
        char *textq[STORE_TEXTQ_MAX];
        size_t ntextq;

        unsigned char *batch; /* packing buffer for add_responses */
        size_t batch_cap;
        int32_t *values; /* decoding buffer for scan */
        size_t values_cap;

        int64_t *txn_imports; /* imports added in the open transaction */
        int64_t *txn_rows;    /* the responses stored with each of them */
        size_t ntxn_imports, txn_imports_cap;

        struct cached_edition *editions;
        size_t neditions, editions_cap;

        char *import_strs[4]; /* find_import's borrowed strings */
        char *details[4];     /* wave_details' borrowed strings */
};

/* ---------------------------------------------------- store.c: helpers */

/* The store's file as a diagnostic's place. */
enk_loc store_where(const enk_store *s);

/* Turns the SQLite result rc of what the store was doing ("storing a
 * response") into a diagnostic and a status (ENK_ERR_STORE, or ENK_ERR_NOMEM);
 * marks the open transaction aborted when SQLite rolled it back by itself. */
enk_status store_db_fail(enk_store *s, enk_diags *d, int rc, const char *doing);

/* ENK_OK, or an error when an aborted transaction awaits the caller's
 * rollback: every write checks this first. */
enk_status store_txn_ok(enk_store *s, enk_diags *d);

/* The cached statement id, reset and unbound, prepared on first use; NULL
 * (with a diagnostic) when it cannot be prepared. */
sqlite3_stmt *store_stmt(enk_store *s, enum stmt_id id, enk_diags *d);

/* In a bulk transaction, now and then: starts writing the pages SQLite has
 * written into the file so far to the disk. */
void store_write_back(enk_store *s);

/* Counts n responses stored with import_id in the open transaction (for
 * the import's rows, written at the commit). */
void store_count_rows(enk_store *s, int64_t import_id, int64_t n);

/* Forgets the free-text questions the open transaction knows of. */
void store_forget_texts(enk_store *s);

/* Runs sql (one or more statements, no results); an SQLite result code. */
int store_exec(enk_store *s, const char *sql);

/* Steps the bound write statement st once, then resets it and clears its
 * bindings; SQLite's result code. */
int store_step_write(sqlite3_stmt *st);

/* Opens a savepoint: what follows, up to store_release(), lands whole or not
 * at all, inside the caller's transaction or as its own. */
enk_status store_savepoint(enk_store *s, enk_diags *d);

/* Closes the savepoint: keeps its writes when status is ENK_OK (and they can
 * be saved), else undoes them. Returns status, or the failure to save. */
enk_status store_release(enk_store *s, enk_diags *d, enk_status status);

/* strdup() that passes NULL through. */
char *store_strdup(const char *s);

/* Looks up one int64 by one int64 or text key (text, if not NULL, else key)
 * with the statement id: ENK_OK with *out, or ENK_ERR_NOTFOUND without a
 * diagnostic. */
enk_status store_lookup_id(enk_store *s, enum stmt_id id, const char *text, int64_t key,
                           int64_t *out, enk_diags *d);

/* ----------------------------------------- store_write.c: responses */

/* Whether date is NULL or a real date YYYY-MM-DD. */
bool store_date_ok(const char *date);

/* The number of answer slots of wave_id's edition and the edition's id;
 * ENK_ERR_NOTFOUND (with a diagnostic) for an unknown wave. */
enk_status store_wave_slots(enk_store *s, int64_t wave_id, size_t *slots, int64_t *edition,
                            enk_diags *d);

/* Checks what enk_store_add_response and enk_store_submit both require of r
 * for wave_id (a date or none, as many answers as the wave's edition has
 * questions), then packs its answers into s->blob; *edition is the wave's
 * edition. */
enk_status store_response_ok(enk_store *s, int64_t wave_id, const enk_response *r, int64_t *edition,
                             enk_diags *d);

/* Adds the free-text answers of r as those of response_id, checking that each
 * is to a text question of edition_id. */
enk_status store_add_texts(enk_store *s, int64_t response_id, int64_t edition_id,
                           const enk_response *r, enk_diags *d);

/* Whether r has a free-text answer to keep. */
bool store_has_texts(const enk_response *r);

/* Unpacks n answers from the 4 * n big-endian bytes b (store_pack's). */
void store_unpack(const unsigned char *b, int32_t *values, size_t n);

/* Packs n answers into s->blob (4 * n bytes, big-endian). */
enk_status store_pack(enk_store *s, const int32_t *values, size_t n, enk_diags *d);

#endif
