/* survey/store.h - the response store: every edition, unit, wave and response in one file.
 *
 * The store is one SQLite file (WAL journal, foreign keys on) holding the
 * questionnaire editions (their YAML text and its SHA-256), the units
 * (municipalities or districts), the waves (unit x year, with the number of
 * questionnaires sent out), the imported files, and the responses. docs/store.md
 * describes the schema, so that an analyst can query the file with any SQLite
 * client; this header is the C interface. This is the only module that uses
 * SQLite, and no SQLite type appears here.
 *
 * Answers. A response holds one int32 per question of its wave's edition, in
 * the order of enk_questionnaire.questions (grid items flattened): the value
 * encoding of survey/questionnaire.h, with ENK_MISSING for no answer and ENK_NA
 * for "not applicable / don't know". They are stored packed, 4 bytes big-endian
 * per question, in one BLOB per response: 9 million answers insert in well
 * under a second and scan in a fraction of one (docs/store.md has the numbers).
 * The view answers_long gives the one-row-per-answer shape in plain SQL. Free
 * text is kept apart, in a texts table; its slot holds 1 when text was given.
 *
 * Transactions. Every function that writes is atomic by itself. Work that
 * belongs together (an import: its waves, its import record and all its
 * responses) goes between enk_store_begin() and enk_store_commit(): it then
 * lands whole or not at all, and a crash or power cut leaves the previous state.
 * A commit is durable (it returns after the write-ahead log is synced to disk).
 * Writing many responses outside a transaction works but costs one disk sync
 * each (about 0.4 ms), so bulk writers always open one.
 *
 * Errors. Every function that can fail returns an enk_status and appends a
 * diagnostic to diags (which may be NULL) whose place is the store's file, e.g.
 * "familjehem.db: error: store is locked by another process". ENK_ERR_STORE is
 * a problem with the store itself (not an enkat store, too new, locked,
 * read-only, damaged, disk full); ENK_ERR_NOTFOUND, ENK_ERR_EXISTS and
 * ENK_ERR_USAGE are about the request. Output parameters are written only on
 * success. A failed write inside a transaction leaves the transaction open and
 * the earlier work in it intact: the caller decides whether to roll back. The
 * exception are failures of the file itself (disk full, I/O error), after
 * which SQLite abandons the whole transaction: a note says so, and every
 * further write fails until enk_store_rollback().
 *
 * Ownership. An enk_store owns everything it hands out; strings and arrays in
 * rows passed to callbacks are borrowed and valid only during the callback.
 * Strings passed in are copied. One enk_store is for one thread at a time;
 * several processes may open the same file (readers never wait for writers;
 * a writer waits up to the busy timeout for another writer).
 */
#ifndef ENK_STORE_H
#define ENK_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "survey/diag.h"
#include "survey/questionnaire.h"
#include "survey/response.h"

/* The schema version this enkat writes (PRAGMA user_version). Older stores are
 * migrated when opened writable; newer ones are refused. */
#define ENK_STORE_SCHEMA 5

typedef struct enk_store enk_store;

/* ---------------------------------------------------------------- opening */

enum {
        ENK_STORE_CREATE = 1 << 0,   /* create the file when it does not exist */
        ENK_STORE_READONLY = 1 << 1, /* never write (no migration, no new file) */
};

/* Opens the store at path. flags is 0 or a combination of ENK_STORE_CREATE and
 * ENK_STORE_READONLY (CREATE is ignored with READONLY). A new or empty file is
 * given the current schema; an older schema is migrated (in one transaction).
 * On success stores a new handle in *out, to be closed with enk_store_free().
 * Fails with
 *   ENK_ERR_NOTFOUND  the file does not exist and CREATE was not given;
 *   ENK_ERR_STORE     the file is not an SQLite database, is an SQLite database
 *                     of another program, has a newer schema than this enkat,
 *                     needs a migration but READONLY was given, is locked, or
 *                     cannot be opened;
 *   ENK_ERR_NOMEM.
 * The busy timeout starts at 5000 ms (enk_store_set_busy_timeout). */
enk_status enk_store_open(const char *path, int flags, enk_store **out, enk_diags *diags);

/* Closes the store. A transaction still open is rolled back. NULL is a no-op. */
void enk_store_free(enk_store *store);

/* How long a write waits for another process's write to finish before failing
 * with "store is locked by another process" (ENK_ERR_STORE). 0 fails at once. */
void enk_store_set_busy_timeout(enk_store *store, int milliseconds);

/* The path the store was opened with (borrowed, valid until enk_store_free). */
const char *enk_store_path(const enk_store *store);

/* ------------------------------------------------------------- checkpoints */

/* A commit appends the changed pages to the write-ahead log (STORE-wal); a
 * checkpoint copies them back into the store file and syncs it, after which
 * the next write starts the log again from its beginning (the file keeps its
 * size; only a truncating checkpoint shrinks it). By default a writable handle
 * checkpoints by itself, inside the commit that makes the log reach
 * ENK_STORE_AUTOCHECKPOINT bytes, so that commit also pays for copying and
 * syncing the store file. A program that needs every commit fast (the web
 * server) turns that off on its writing handle and checkpoints from another
 * thread, with another handle of the same file (enk_store_checkpoint).
 * Durability is the same either way: a commit is durable once the log is
 * synced. The log is counted in bytes, the same for every store: a store
 * made by this enkat has pages of 8 KiB, older ones keep their 4 KiB. */

/* The default of enk_store_set_autocheckpoint(): SQLite's own, 1000 pages
 * of 4 KiB. */
#define ENK_STORE_AUTOCHECKPOINT (1000 * 4096)

/* Checkpoint automatically when a commit of this handle leaves the log at
 * bytes bytes or more (ENK_STORE_AUTOCHECKPOINT by default); 0 or less turns
 * it off for this handle, and the log then grows until some handle runs
 * enk_store_checkpoint() or the last handle of the file closes (which
 * checkpoints and removes the log). Without effect on a read-only handle,
 * which never commits. */
void enk_store_set_autocheckpoint(enk_store *store, int64_t bytes);

/* The length of the log's pages, in bytes (a multiple of the page size,
 * without the log's headers), right after this handle's last commit (0
 * before it first committed). Cheap: no disk access, nothing locked. */
int64_t enk_store_wal_bytes(const enk_store *store);

/* Copies what the log holds back into the store file and syncs it.
 * truncate false: a passive checkpoint. It never waits and never blocks
 * anyone: other handles and processes go on reading and committing while it
 * runs. It copies as much as it can: not the pages committed after a reader
 * still using an older snapshot began (they stay in the log until that reader
 * is done), and not those committed while it runs (the next checkpoint's
 * work). The log starts again from its beginning at the next commit after a
 * checkpoint that copied everything, provided no reader then still uses the
 * log; a steady stream of commits or a long-lived reader can thus keep the log
 * growing, and a caller that must bound it pauses its writes for one
 * checkpoint now and then (survey/server_writer.c does).
 * truncate true: a truncating checkpoint, e.g. on the way out. It waits (up to
 * the busy timeout) for writers and readers to finish, keeps new writers out
 * while it runs, copies everything and empties the log file. When the wait
 * times out it does what a passive checkpoint would and still returns ENK_OK.
 * On ENK_OK, *log_bytes is the length of the log's pages (as
 * enk_store_wal_bytes; 0 after a truncate that finished) and *copied how many
 * of those bytes are now in the store file (*copied == *log_bytes: all); both
 * are -1 when another handle's checkpoint was running (nothing done). Either
 * pointer may be NULL.
 * Fails with ENK_ERR_USAGE inside a transaction of this handle, ENK_ERR_STORE
 * for a read-only handle or when the store file cannot be written or synced
 * (disk full, I/O error); no data is lost then, it stays in the log. */
enk_status enk_store_checkpoint(enk_store *store, bool truncate, int64_t *log_bytes,
                                int64_t *copied, enk_diags *diags);

/* ----------------------------------------------------------- transactions */

/* Begins a write transaction. It takes the write lock at once, so a busy store
 * fails here rather than halfway through an import. Transactions do not nest:
 * beginning while one is open is ENK_ERR_USAGE. */
enk_status enk_store_begin(enk_store *store, enk_diags *diags);

/* Begins a write transaction for a bulk write (an import), as
 * enk_store_begin() does, writing its pages once: when no other connection
 * has the file open, the transaction runs with a rollback journal instead of
 * the write-ahead log, so its new pages go straight into the store file
 * rather than into the log and again into the file at the checkpoint. It is
 * as durable and as atomic (a crash or a kill rolls it back, on the next
 * open), and enk_store_commit() or enk_store_rollback() put the store back
 * into WAL mode. While it runs, a connection that opens the file meanwhile
 * cannot read it once the transaction has written to the file (it waits up
 * to its busy timeout, then fails as locked), where in WAL mode it would read
 * the store as it was. When another connection has the file open (a running
 * server, a report), the transaction stays in WAL mode, exactly
 * enk_store_begin(). */
enk_status enk_store_begin_bulk(enk_store *store, enk_diags *diags);

/* Whether the last enk_store_begin() failed only because another connection
 * (another process's import, say) held the write lock past the busy timeout,
 * so that trying again later may succeed. false after a begin that succeeded
 * or failed otherwise, and for NULL. */
bool enk_store_begin_busy(const enk_store *store);
/* Commits the open transaction durably (the write-ahead log is synced before
 * this returns) and fills in the row counts of the imports it added. On
 * failure the transaction is rolled back. ENK_ERR_USAGE when none is open. */
enk_status enk_store_commit(enk_store *store, enk_diags *diags);
/* Rolls the open transaction back; the store is as it was at enk_store_begin().
 * No transaction open is a no-op. Never fails visibly. */
void enk_store_rollback(enk_store *store);
/* Whether SQLite gave the open transaction up after an error (a full disk,
 * an I/O error, out of memory): it is rolled back already, and every write
 * fails ("the transaction was rolled back after an earlier error") until
 * enk_store_rollback(). false when no transaction is open. */
bool enk_store_aborted(const enk_store *store);
/* Whether a transaction is open. */
bool enk_store_in_transaction(const enk_store *store);

/* --------------------------------------------------------------- editions */

/* Stores the questionnaire edition q: its YAML text (q->source) with its
 * SHA-256, and one row per question (docs/store.md: edition_questions) so that
 * the answers can be decoded in SQL. Idempotent: a text already stored (same
 * hash) gives the id it has. Two different texts for the same survey and year
 * (a corrected label) are two editions. ENK_ERR_USAGE when q has no source. */
enk_status enk_store_add_edition(enk_store *store, const enk_questionnaire *q, int64_t *edition_id,
                                 enk_diags *diags);

/* The id of the edition of survey and year; when several texts were stored for
 * them, the one added last. ENK_ERR_NOTFOUND when there is none. */
enk_status enk_store_find_edition(enk_store *store, const char *survey, int year,
                                  int64_t *edition_id, enk_diags *diags);

/* Parses the stored YAML of edition_id into a new questionnaire owned by the
 * caller (enk_questionnaire_free). Its file name, used in diagnostics, is
 * "STORE#edition-ID". ENK_ERR_NOTFOUND for an unknown id; the loader's status
 * when the stored text no longer parses. */
enk_status enk_store_load_edition(enk_store *store, int64_t edition_id, enk_questionnaire **out,
                                  enk_diags *diags);

/* As enk_store_load_edition, but the questionnaire is parsed once and kept:
 * *out is borrowed, valid until enk_store_free(). Meant for scan callbacks,
 * which need the edition of every row to map slots to question ids. */
enk_status enk_store_edition(enk_store *store, int64_t edition_id, const enk_questionnaire **out,
                             enk_diags *diags);

/* ------------------------------------------------------------ units, waves */

/* Get-or-create functions (enk_store_unit, enk_store_wave) look, then insert:
 * call them inside a transaction when another process may create the same
 * unit or wave at the same moment. */

/* The longest unit name, in characters. */
#define ENK_UNIT_NAME_MAX 200

/* Whether name may name a unit: valid UTF-8, 1 to ENK_UNIT_NAME_MAX
 * characters, not only blanks (spaces and no-break spaces), and no control
 * character (U+0000-U+001F, U+007F-U+009F: a name is shown in terminals,
 * workbooks and web pages, none of which can carry them). Returns ENK_OK, or
 * appends one error at loc saying what is wrong and where in the name ("unit
 * name holds a control character (U+0001) at character 3") and returns
 * ENK_ERR_USAGE. enk_store_unit() checks every name it is given; callers
 * check first to report the problem at the input's own place (a manifest's
 * row and column, an option). name may be NULL (an error). */
enk_status enk_store_check_unit_name(const char *name, enk_loc loc, enk_diags *diags);

/* The id of the unit called name, created when it does not exist yet. Names
 * are compared exactly ("Vetlanda" and "vetlanda" are two units); a name that
 * enk_store_check_unit_name() refuses is ENK_ERR_USAGE, reported at the
 * store's path, and nothing is created. */
enk_status enk_store_unit(enk_store *store, const char *name, int64_t *unit_id, enk_diags *diags);

/* The id of the unit called name without creating it; ENK_ERR_NOTFOUND. */
enk_status enk_store_find_unit(enk_store *store, const char *name, int64_t *unit_id,
                               enk_diags *diags);

/* The id of the wave of unit_id in year (1990-2100), created with edition_id
 * when it does not exist. sent is the number of questionnaires sent out, or -1
 * for unknown; for an existing wave a sent >= 0 replaces the number kept and -1
 * keeps it. An existing wave without responses takes edition_id; one with
 * responses to another edition fails with ENK_ERR_EXISTS (its answers are laid
 * out for that edition). ENK_ERR_NOTFOUND for an unknown unit or edition. */
enk_status enk_store_wave(enk_store *store, int64_t unit_id, int year, int64_t edition_id,
                          int64_t sent, int64_t *wave_id, enk_diags *diags);

/* What a wave's letters and pages say about who asks (schema 5): each a
 * string, or NULL when not set. */
typedef struct enk_store_wave_details {
        const char *municipality; /* "Vetlanda kommun" */
        const char *deadline;     /* the last day to answer, "YYYY-MM-DD" */
        const char *contact;      /* whom to ask: "Anna Berg, 0383-970 00" */
        const char *url;          /* the web form's public address */
} enk_store_wave_details;

/* Sets the details of wave_id that d gives: a NULL field keeps what is
 * stored, "" clears it. ENK_ERR_USAGE (nothing changed) for a deadline that
 * is not a date YYYY-MM-DD; ENK_ERR_NOTFOUND for an unknown wave. The store
 * checks nothing else: survey/codes.h says what a detail may hold. */
enk_status enk_store_set_wave_details(enk_store *store, int64_t wave_id,
                                      const enk_store_wave_details *d, enk_diags *diags);

/* The details of wave_id into *out; its strings are borrowed, valid until
 * the next call or enk_store_free(). ENK_ERR_NOTFOUND for an unknown wave. */
enk_status enk_store_wave_details_get(enk_store *store, int64_t wave_id,
                                      enk_store_wave_details *out, enk_diags *diags);

/* ---------------------------------------------------------------- imports */

/* An imported file, as the store keeps it. Strings are borrowed: valid until
 * the next enk_store_find_import() or enk_store_free(). */
typedef struct enk_store_import {
        int64_t id;
        int64_t wave_id;
        const char *unit; /* the wave's unit name */
        int year;         /* the wave's year */
        const char *file_name;
        const char *content_hash; /* SHA-256 hex of the file's bytes */
        int64_t rows;             /* responses it added */
        const char *created;      /* "YYYY-MM-DD HH:MM:SS" UTC, when imported */
} enk_store_import;

/* Looks for an import of a file with this content hash, into wave_id, or into
 * any wave when wave_id is 0 (the oldest such import). ENK_OK and *out filled
 * when there is one; ENK_ERR_NOTFOUND (and no diagnostic) when not: how an
 * importer notices the same file imported twice. */
enk_status enk_store_find_import(enk_store *store, const char *content_hash, int64_t wave_id,
                                 enk_store_import *out, enk_diags *diags);

/* Records an import of file_name (kept as given, for the record) with
 * content_hash into wave_id, returning its id for enk_store_add_response(). Its
 * row count is filled in by enk_store_commit(). */
enk_status enk_store_add_import(enk_store *store, int64_t wave_id, const char *file_name,
                                const char *content_hash, int64_t *import_id, enk_diags *diags);

/* Deletes the import import_id and every response (and text) it added, e.g. to
 * replace a file's data inside the transaction that imports it again.
 * ENK_ERR_NOTFOUND for an unknown id. */
enk_status enk_store_delete_import(enk_store *store, int64_t import_id, enk_diags *diags);

/* -------------------------------------------------------------- responses */

/* "web", "paper", "import", "scan" (how the store writes them); "?" otherwise. */
const char *enk_store_source_name(enk_response_source source);
/* The source written name, or -1. */
int enk_store_source_parse(const char *name);

/* Adds one response r to wave_id. r->q must be the wave's edition (at least:
 * as many questions, ENK_ERR_USAGE otherwise); import_id is the import it
 * came from, or 0. r->date is "YYYY-MM-DD" or NULL for unknown: the store never
 * keeps a time of day, so that responses cannot be matched to moments.
 * r->respondent_key identifies the respondent within the wave (e.g. a spent
 * access code's hash) or is NULL; a key that already has a response in the
 * wave fails with ENK_ERR_EXISTS and the key as the diagnostic's subject.
 * r->texts (may be NULL) are the free-text answers, each to a text question of
 * the edition (ENK_ERR_USAGE otherwise); empty texts are not kept. The store
 * does not otherwise validate values: that is the producer's job, against the
 * questionnaire (enk_response_validate). r->origin is not kept here: an import
 * is recorded by import_id, a scanned page by the scan's own record. On
 * success *response_id (may be NULL) is the new response's id. On failure
 * nothing of the response is kept, except in an import's transaction
 * (import_id not 0, between enk_store_begin and enk_store_commit): there a
 * failure in its free texts may leave the response's row, and the caller
 * must roll the transaction back (as an import does after any error).
 * Fast: statements are prepared once per store. */
enk_status enk_store_add_response(enk_store *store, int64_t wave_id, int64_t import_id,
                                  const enk_response *r, int64_t *response_id, enk_diags *diags);

/* Adds the n responses rs to wave_id one after the other, as n calls of
 * enk_store_add_response() would, with the same ids, rows and messages; but
 * inside an import's transaction (import_id not 0) up to 128 rows go in as one
 * statement, which costs SQLite half as much per row. Stops at the first
 * response that fails: returns its status and its diagnostics and sets
 * *stored to its index (the responses before it are stored); on success
 * *stored is n. In an import's transaction a failure may leave responses
 * after it stored too, and the caller must roll back (as an import does
 * after any error). */
enk_status enk_store_add_responses(enk_store *store, int64_t wave_id, int64_t import_id,
                                   const enk_response *rs, size_t n, size_t *stored,
                                   enk_diags *diags);

/* ---------------------------------------------------------------- reading */

/* Which responses a scan or listing covers; zero fields match everything. */
typedef struct enk_store_filter {
        int64_t unit_id;    /* 0: every unit */
        int year;           /* 0: every year */
        const char *survey; /* NULL: every survey (the edition's survey id) */
        bool texts;         /* scan: also read the free texts (slower) */
        bool answers_only;  /* scan: read only the answers (faster); the row's
                               source is ENK_SOURCE_IMPORT, date and key NULL */
        bool any_response;  /* listing: responses is 1 for a wave with any, 0
                               for one without (faster); imports, codes and
                               scans are 0 */
} enk_store_filter;

/* A stored free-text answer, as a scan reads it back: the id of its question
 * (the response's edition's) and the text. */
typedef struct enk_store_text {
        const char *question_id;
        const char *text;
} enk_store_text;

/* One response, as a scan hands it to its callback. All pointers are borrowed
 * and valid only during the callback. */
typedef struct enk_store_row {
        int64_t response_id;
        int64_t wave_id;
        int64_t unit_id;
        const char *unit;
        int year;
        int64_t edition_id;
        enk_response_source source;
        const char *date;           /* "YYYY-MM-DD" or NULL */
        const char *respondent_key; /* or NULL */
        const int32_t *values;      /* one per question of the edition, in order */
        size_t nvalues;
        const enk_store_text *texts; /* only with filter.texts; else NULL, 0 */
        size_t ntexts;
} enk_store_row;

/* A scan callback: return ENK_OK to go on; any other status stops the scan,
 * which then returns that status (the callback adds its own diagnostics). */
typedef enk_status (*enk_store_row_fn)(void *ctx, const enk_store_row *row);

/* Calls fn for every response the filter matches, ordered by unit name, then
 * year, then response id, so that a caller can stream one wave at a time (the
 * wave ends where wave_id changes). Memory does not grow with the number of
 * responses. fn may call the reading functions of this store (e.g.
 * enk_store_edition()) but must not write to it. Fails with ENK_ERR_STORE when a
 * response's stored answers do not fit its edition (a damaged file). */
enk_status enk_store_scan(enk_store *store, const enk_store_filter *filter, enk_store_row_fn fn,
                          void *ctx, enk_diags *diags);

/* One wave, as enk_store_waves() lists it (for `enkat status`). Strings are
 * borrowed and valid only during the callback. */
typedef struct enk_store_wave_info {
        int64_t wave_id;
        int64_t unit_id;
        const char *unit;
        int year;
        int64_t edition_id;
        const char *survey; /* the edition's survey id */
        int edition_year;   /* the edition's year */
        int64_t responses;  /* number of responses */
        int64_t sent;       /* questionnaires sent out, -1 when unknown */
        int64_t imports;    /* number of imported files */
        /* Access codes issued for the wave and spent (stored as responses);
         * 0 and 0 for a wave without codes. */
        int64_t codes_issued;
        int64_t codes_spent;
        /* Paper forms scanned (enkat scan), those of them still waiting for
         * review (not yet responses), and the answers waiting. */
        int64_t scanned;
        int64_t scan_waiting;
        int64_t scan_reviews;
        /* Test codes issued for the wave and used (schema 5): in neither
         * codes_issued nor codes_spent, and their submissions are no
         * responses. */
        int64_t tests_issued;
        int64_t tests_spent;
} enk_store_wave_info;

typedef enk_status (*enk_store_wave_fn)(void *ctx, const enk_store_wave_info *wave);

/* Calls fn for every wave the filter matches (texts is ignored), ordered by
 * unit name and year, including waves without responses. Stops, returning the
 * status, when fn returns one other than ENK_OK. */
enk_status enk_store_waves(enk_store *store, const enk_store_filter *filter, enk_store_wave_fn fn,
                           void *ctx, enk_diags *diags);

/* Number of responses matching filter (texts ignored), in *count. */
enk_status enk_store_count(enk_store *store, const enk_store_filter *filter, int64_t *count,
                           enk_diags *diags);

/* ------------------------------------------------- web collection (schema 2) */

/* The web form's one-time access codes, their drafts and submissions. A code
 * is kept only as its hash (64 hex digits, survey/codes.h); what is filed
 * under a code later, its spent mark and its draft, is filed under keys
 * derived from the code itself (enk_codes_keys), which a copy of the store
 * cannot match with the code's hash, and the draft is sealed under a key
 * derived from the code. So the functions below take the code, normalised
 * (enk_codes_normalize: 12 symbols), not its hash; anything else is an
 * unknown code. A submitted response carries no link to its code: no shared
 * id, no respondent key, a response id drawn at random (ids do not follow the
 * order codes are spent), and a date but no time. docs/store.md
 * ("Anonymity") and docs/web.md say what is and is not linkable. Diagnostics
 * of these functions never spell a code or its hash (the server may log
 * them). */

/* The id of the wave of unit_id in year and its edition, without creating it:
 * ENK_ERR_NOTFOUND (with a diagnostic naming unit and year) when there is
 * none. edition_id may be NULL. */
enk_status enk_store_find_wave(enk_store *store, int64_t unit_id, int year, int64_t *wave_id,
                               int64_t *edition_id, enk_diags *diags);

/* Adds n unspent codes, given by their hashes, to wave_id. All or nothing: a
 * hash already in the store (in any wave) is ENK_ERR_EXISTS and none is added;
 * a hash that is not 64 hex digits is ENK_ERR_USAGE. */
enk_status enk_store_add_codes(enk_store *store, int64_t wave_id, const char *const *hashes,
                               size_t n, enk_diags *diags);

/* As enk_store_add_codes, for test codes (schema 5): codes to try the form
 * with before the letters go out. A test code is opened, saved under and
 * spent like any other, but counts in neither the wave's codes nor its
 * number sent, and its submission is checked in full and then stores no
 * response (enk_store_submit). */
enk_status enk_store_add_test_codes(enk_store *store, int64_t wave_id, const char *const *hashes,
                                    size_t n, enk_diags *diags);

typedef enum enk_code_state {
        ENK_CODE_UNKNOWN, /* no such code in this wave */
        ENK_CODE_OPEN,    /* issued, not yet spent */
        ENK_CODE_SPENT,   /* its response has been stored */
} enk_code_state;

/* The state of the normalised code in wave_id (a code of another wave is
 * ENK_CODE_UNKNOWN), and whether a draft is kept for it (has_draft may be
 * NULL). */
enk_status enk_store_code_state(enk_store *store, int64_t wave_id, const char *code,
                                enk_code_state *state, bool *has_draft, enk_diags *diags);

/* Keeps data (len bytes, opaque to the store: the server's encoding of the
 * fields filled in so far) as the draft of the open normalised code,
 * replacing an earlier one: sealed under a key derived from the code
 * (survey/hash.h, enk_hash_seal), so the file holds neither the text nor
 * its exact length. ENK_ERR_NOTFOUND for an unknown code, ENK_ERR_EXISTS for
 * a spent one (nothing written). */
enk_status enk_store_save_draft(enk_store *store, int64_t wave_id, const char *code,
                                const void *data, size_t len, enk_diags *diags);

/* The draft of the normalised code, opened, in a new malloc'ed buffer (*data,
 * *len; the caller frees it; NUL-terminated beyond len for convenience).
 * ENK_ERR_NOTFOUND, without a diagnostic, when none is kept; ENK_ERR_DATA
 * when the sealed draft cannot be opened (the file was altered). */
enk_status enk_store_load_draft(enk_store *store, int64_t wave_id, const char *code, void **data,
                                size_t *len, enk_diags *diags);

/* Deletes the drafts of every code of wave_id that were saved but never
 * submitted (when the collection has closed: a draft holds answers under
 * its code, and nothing unsent is ever counted). The bytes are overwritten in
 * the file (secure_delete). *deleted (may be NULL) is how many there were. */
enk_status enk_store_delete_drafts(enk_store *store, int64_t wave_id, int64_t *deleted,
                                   enk_diags *diags);

/* Stores a web submission r in one step: checks that the normalised code is
 * open in wave_id, adds the response (source web whatever r->source says,
 * r->date "YYYY-MM-DD" or NULL, no respondent key whatever r says, a random
 * response id; values and texts as for enk_store_add_response), adds the
 * code's spent mark (its row in codes is not changed) and deletes its draft.
 * Inside the caller's transaction (the server commits many submissions at
 * once) or, outside one, in its own. A test code is spent the same way, but
 * no response is stored and its draft is deleted. ENK_ERR_NOTFOUND for an unknown code;
 * ENK_ERR_EXISTS when it is already spent. On any failure nothing of this
 * submission is written (a savepoint), and earlier work in the transaction
 * is intact. */
enk_status enk_store_submit(enk_store *store, int64_t wave_id, const char *code,
                            const enk_response *r, enk_diags *diags);

/* A secret of this store called name (e.g. "csrf"): 32 bytes from the CSPRNG
 * made on first use and kept in the store, so that the server's tokens stay
 * valid across restarts. Writes (once), so not with ENK_STORE_READONLY. */
enk_status enk_store_secret(enk_store *store, const char *name, unsigned char secret[32],
                            enk_diags *diags);

/* ---------------------------------------------------------- scanned paper
 * (survey/store_scan.c). The store keeps what the scanner read and what
 * waits for a person; the rules (which answer is certain, what a decision
 * makes of a copy) are survey/paperin.h's. */

/* One page of a scanned copy: where it was read, and how. */
typedef struct enk_store_scan_page {
        unsigned page;      /* the form's page, 1-based */
        const char *file;   /* the scan file, as it was named */
        unsigned file_page; /* its 1-based page in that file */
        bool rotated;       /* it lay upside down and was turned */
        double residual_mm; /* how far the fitted transform misses the marks */
} enk_store_scan_page;

/* An answer that waits for a person. */
typedef struct enk_store_scan_review {
        size_t question;    /* index into the edition's questions */
        const char *reason; /* "uncertain", "multiple", "skipped" or "digits" */
        int32_t reading;    /* what the boxes suggest; ENK_MISSING for nothing */
        unsigned page;      /* the form page (1-based) the question is on */
        int crop[4];        /* x, y, w, h: where, in pixels of that page's
                             * (turned) image */
} enk_store_scan_review;

/* A scanned copy as enk_store_add_scan takes it. */
typedef struct enk_store_scan_copy {
        const char *serial;       /* the copy's serial ("00017") */
        const char *lang;         /* the language it was printed in ("sv") */
        const enk_response *read; /* the answers as read (source scan; r->q the
                                   * wave's edition), each answer under review
                                   * ENK_MISSING */
        const enk_store_scan_page *pages;
        size_t npages;
        const enk_store_scan_review *reviews;
        size_t nreviews;
} enk_store_scan_copy;

/* Records scanned copy c in wave_id. With no review waiting, its response
 * c->read is stored at once and *response_id (may be NULL) set; else 0.
 * ENK_ERR_EXISTS (with the serial as the subject) when the wave already has
 * a copy of that serial: the same sheet scanned twice. All or nothing. */
enk_status enk_store_add_scan(enk_store *store, int64_t wave_id, const enk_store_scan_copy *c,
                              int64_t *copy_id, int64_t *response_id, enk_diags *diags);

/* A review as enk_store_reviews hands it; borrowed for the call. */
typedef struct enk_store_review {
        int64_t id, copy_id, wave_id, edition_id;
        const char *unit;
        int year;
        const char *serial;
        const char *lang; /* the copy's language (its paper layout's) */
        size_t question;  /* index into the edition's questions */
        const char *reason;
        int32_t reading; /* ENK_MISSING: nothing */
        bool decided;
        int32_t decision;                 /* when decided; ENK_MISSING: no answer */
        unsigned page;                    /* the form page of the crop */
        int crop[4];                      /* x, y, w, h in that page's image */
        const enk_store_scan_page *pages; /* the copy's pages, in page order */
        size_t npages;
} enk_store_review;

typedef enk_status (*enk_store_review_fn)(void *ctx, const enk_store_review *review);

/* Calls fn for each review (only the undecided ones when waiting_only), in
 * the order unit, year, copy, question. */
enk_status enk_store_reviews(enk_store *store, bool waiting_only, enk_store_review_fn fn, void *ctx,
                             enk_diags *diags);

/* Records a person's decision on review_id: value is the answer
 * (ENK_MISSING: no answer). ENK_ERR_NOTFOUND for an unknown review;
 * ENK_ERR_EXISTS when its copy has already become a response. */
enk_status enk_store_decide(enk_store *store, int64_t review_id, int32_t value, enk_diags *diags);

/* The edition of the wave of scanned copy copy_id (ENK_ERR_NOTFOUND when
 * there is no such copy). */
enk_status enk_store_scan_edition(enk_store *store, int64_t copy_id, int64_t *edition_id,
                                  enk_diags *diags);

/* The answers of copy_id as read, with its decisions put in: n values (the
 * edition's number of questions, ENK_ERR_USAGE otherwise) into values;
 * *waiting (may be NULL) the reviews still undecided; *response_id (may be
 * NULL) its response, or 0. */
enk_status enk_store_scan_values(enk_store *store, int64_t copy_id, int32_t *values, size_t n,
                                 size_t *waiting, int64_t *response_id, enk_diags *diags);

/* Stores r as the response of copy_id, whose reviews are all decided (else
 * ENK_ERR_USAGE), and links the two. ENK_ERR_EXISTS when it has one. */
enk_status enk_store_scan_finish(enk_store *store, int64_t copy_id, const enk_response *r,
                                 int64_t *response_id, enk_diags *diags);

/* Scanned paper of one wave, for enkat status. */
typedef struct enk_store_scan_tally {
        int64_t copies;  /* copies scanned */
        int64_t waiting; /* copies with reviews still undecided */
        int64_t reviews; /* reviews still undecided */
        int64_t stored;  /* copies that became responses */
} enk_store_scan_tally;

enk_status enk_store_scan_counts(enk_store *store, int64_t wave_id, enk_store_scan_tally *out,
                                 enk_diags *diags);

#endif
