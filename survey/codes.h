/* survey/codes.h - one-time access codes for the web form: make, read back, hash.
 *
 * A code is printed on the letter a foster home gets and typed in on the
 * code page of `enkat serve`. It looks like
 *
 *     K7QM-4XPA-93TR
 *
 * twelve symbols of Crockford's base32 in three groups of four. The store
 * keeps only its hash (enk_codes_hash), never the code.
 *
 * The alphabet. Crockford's base32 is the 32 symbols 0-9 and A-Z without I,
 * L, O and U: the letters that look like 1 and 0 are left out, so nothing on
 * the letter can be misread, and U is dropped so that no accidental rude
 * words appear. Reading back is forgiving the way Crockford specifies: case
 * does not matter, O is read as 0 and I and L as 1, and the dashes and spaces
 * people type (or not) are ignored. A person copying from paper cannot make
 * a code invalid by any of those slips, and all the alternatives name the
 * same code, so the server finds it.
 *
 * 60 bits. Each symbol carries 5 bits; twelve of them are 60 bits from the
 * operating system's CSPRNG (enk_hash_random), taken 5 bits at a time so
 * every symbol is exactly uniform (no modulo bias). What that buys:
 *   - Online guessing against the server: with N open codes in a wave, one
 *     guess hits some code with probability N / 2^60. Even a wave of 100,000
 *     open codes and a billion guesses (far beyond what the server's rate
 *     limit on wrong codes lets any client make) succeed with probability
 *     10^9 * 10^5 / 1.15 * 10^18 = 9 * 10^-5; a municipality's 500 codes,
 *     5 * 10^-7.
 *   - Offline against the stored hashes (a copy of the store file): each guess
 *     costs one SHA-256 and is compared with every stored hash at once, so
 *     finding some code of N takes about 2^60 / N hashes. At 2 * 10^10 SHA-256
 *     a second (one large GPU) that is about 30 hours for 500 codes and 10
 *     minutes for 100,000 codes of a national pooling: a copy of the store is
 *     not a safe place to keep open codes from a determined attacker. What a
 *     recovered code gives is small, though: it can answer once in that home's
 *     place while the code is still open; it reveals no answer, since nothing
 *     links a response to its code, and whoever has the copy has every answer
 *     already. Treat copies of a store during collection as confidential.
 *     A slower hash would cost the server its 2,000 submissions a second.
 * docs/codes.md has the same in an administrator's words.
 *
 * Every function is pure except enk_codes_generate and the two that work on a
 * store (enk_codes_issue, enk_codes_delete_drafts), and the pure ones may be
 * called from several threads at once. Buffers are the caller's, of the sizes
 * below.
 */
#ifndef ENK_CODES_H
#define ENK_CODES_H

#include <stdbool.h>
#include <stdint.h>

#include "survey/diag.h"
#include "survey/store.h"

/* Symbols in a code. */
#define ENK_CODES_SYMBOLS 12
/* A normalised code: the 12 symbols and a NUL ("K7QM4XPA93TR"). */
#define ENK_CODES_NORMALIZED_SIZE 13
/* A grouped code: "K7QM-4XPA-93TR" and a NUL. */
#define ENK_CODES_GROUPED_SIZE 15

/* The 32 symbols, in the order of their 5-bit values:
 * "0123456789ABCDEFGHJKMNPQRSTVWXYZ". */
extern const char enk_codes_alphabet[33];

/* Writes a new random code, grouped ("K7QM-4XPA-93TR"), to out. Returns ENK_OK,
 * or ENK_ERR_IO with a diagnostic when the random generator cannot be used
 * (out is then untouched). */
enk_status enk_codes_generate(char out[ENK_CODES_GROUPED_SIZE], enk_diags *diags);

/* Reads a code as a person typed it: upper or lower case; spaces, tabs and
 * dashes anywhere are ignored (also the Unicode dashes U+2010-U+2015 and
 * U+2212 and the no-break spaces U+00A0 and U+202F that a copy from a PDF or
 * a word processor brings along); O is read as 0, I and L as 1. On success
 * writes the 12 symbols and a NUL to out and returns true. Returns false, and
 * leaves out untouched, for NULL, any other character (U among them), or
 * other than 12 symbols. */
bool enk_codes_normalize(const char *typed, char out[ENK_CODES_NORMALIZED_SIZE]);

/* Writes the normalised code norm as three groups of four joined by dashes.
 * When norm is not 12 symbols of the alphabet, writes "" instead. */
void enk_codes_format(const char *norm, char out[ENK_CODES_GROUPED_SIZE]);

/* What the store files under a code, each derived from the normalised code
 * alone and none from another (survey/hash.h, enk_hash_derive): whoever has
 * a copy of the store but not the code can match none of them with the
 * others, and none with the code's row. docs/web.md says what that hides. */
typedef struct enk_code_keys {
        char hash[65];               /* the code's row in `codes` (enk_codes_hash) */
        char spent[65];              /* its mark in `spent` once used, 64 hex digits */
        char draft[65];              /* its draft's row in `drafts`, 64 hex digits */
        unsigned char draft_key[32]; /* the key its draft is sealed under */
} enk_code_keys;

/* Fills keys for the normalised code norm. Returns false, and leaves keys
 * untouched, when norm is not 12 symbols of the alphabet. The caller should
 * clear keys when done (they are as good as the code). */
bool enk_codes_keys(const char *norm, enk_code_keys *keys);

/* Writes the hash the store keeps for the normalised code norm: the SHA-256
 * of its 12 bytes (no dashes, no NUL) as 64 lower-case hex digits and a NUL.
 * Only a normalised code gives the hash the store knows: normalise first. */
void enk_codes_hash(const char *norm, char hex[65]);

/* ------------------------------------------------ issuing a batch of codes */

/* The most codes one batch may issue. */
#define ENK_CODES_BATCH_MAX 100000

/* The longest detail of a wave (municipality, contact, address), in bytes. */
#define ENK_CODES_DETAIL_MAX 200

/* Checks the details d of a wave before they are stored (NULL fields are
 * not checked; "" clears one and is fine): each at most
 * ENK_CODES_DETAIL_MAX bytes of UTF-8 without control characters; the
 * deadline a date YYYY-MM-DD; the address beginning with https:// or
 * http:// and holding no blank. Returns ENK_OK, or ENK_ERR_USAGE with one
 * error for each detail that is wrong, saying what and why. */
enk_status enk_codes_check_details(const enk_store_wave_details *d, enk_diags *diags);

/* Sets the details d (checked as above; NULL fields keep what is stored,
 * "" clears) of the existing wave unit x year in the store at db: how they
 * are changed after the codes are made. ENK_ERR_NOTFOUND for no such unit
 * or wave; nothing is changed on any error. A running `enkat serve` shows
 * the new details once restarted. */
enk_status enk_codes_set_details(const char *db, const char *unit, int year,
                                 const enk_store_wave_details *d, enk_diags *diags);

/* A batch of codes for the wave unit x year. Strings are borrowed. */
typedef struct enk_codes_batch {
        const char *db;            /* the store; created when questionnaire is given */
        const char *unit;          /* the wave's unit */
        int year;                  /* the wave's year */
        long count;                /* how many codes, 1-ENK_CODES_BATCH_MAX */
        const char *output;        /* the CSV to write; must not exist */
        const char *questionnaire; /* the edition's YAML, to create the wave; or NULL */
        bool sent;                 /* set the wave's number sent to the codes issued */
        bool excel;                /* CSV for Swedish Excel: BOM, ';', CRLF */
        bool en;                   /* the CSV's language: English, else Swedish */
        bool test;                 /* test codes (enk_store_add_test_codes) */
        /* Set on the wave with the codes (NULL fields keep what it has);
         * the CSV then carries what the wave has. */
        enk_store_wave_details details;
} enk_codes_batch;

/* The wave's code counts after a batch (all batches); test codes apart. */
typedef struct enk_codes_counts {
        int64_t issued, spent;
        int64_t tests_issued, tests_spent;
} enk_codes_counts;

/* Issues the batch b: makes b->count codes, stores their hashes in the
 * wave (made first when b->questionnaire is given) and writes the codes to
 * b->output, a CSV for a mail merge (columns kod, enhet, år, rad,
 * webbadress, svara_senast, kontakt, kommun; code, unit, year, line, url,
 * deadline, contact, municipality in English): rad is the letter's line,
 * saying where to go (the wave's address), which code to type and by when
 * (its deadline), and the last four are the wave's details as set with
 * this batch or before (the deadline in words: "31 mars 2026"). The
 * details are checked (enk_codes_check_details) before anything is
 * written. Nothing may be lost between the two places a code
 * lives, so the order is:
 *   1. create OUTPUT.tmp (before the store is even opened: an unwritable
 *      output changes nothing);
 *   2. in one transaction: the wave (with a questionnaire), the codes'
 *      hashes; a code equal to one already stored (probability about
 *      N * M / 2^60) makes the whole batch again, up to five times;
 *   3. write every code to OUTPUT.tmp and sync it to disk; a failure rolls
 *      the transaction back and removes OUTPUT.tmp;
 *   4. commit; a failure removes OUTPUT.tmp, so no CSV holds codes the store
 *      does not know;
 *   5. rename OUTPUT.tmp to OUTPUT (never over an existing file). Should this
 *      fail, or the machine stop just before it, the codes are stored and
 *      complete in OUTPUT.tmp, and the diagnostic says so.
 * An existing OUTPUT or OUTPUT.tmp is refused up front: it may hold the only
 * copy of codes issued earlier, and is never removed.
 * Returns ENK_OK and, when counts is not NULL, the wave's counts after the
 * batch; otherwise an error (ENK_ERR_NOMEM without a diagnostic) with the
 * problems in diags, and nothing stored unless a diagnostic says the codes
 * are stored. */
enk_status enk_codes_issue(const enk_codes_batch *b, enk_codes_counts *counts, enk_diags *diags);

/* ------------------------------------------------------------- reminders */

/* A reminder: the rows of the letters' CSV whose codes are still unused. */
typedef struct enk_codes_reminder {
        const char *db, *unit; /* the wave */
        int year;
        const char *letters; /* a CSV enk_codes_issue wrote (or one edited from
                              * it): a header row with a column kod or code */
        const char *output;  /* the reminder's CSV; must not exist */
} enk_codes_reminder;

/* Writes to r->output the header and every row of r->letters whose code is
 * issued for the wave and not yet used (a code with saved, unsent answers
 * is unused: only what is sent counts), field for field as they were but
 * for the columns of the wave's details (rad/line, webbadress/url,
 * svara_senast/deadline, kontakt/contact, kommun/municipality), written
 * anew from what the wave says now; with the letters' separator (and
 * byte-order mark and CRLF when they had ';').
 * What the store is asked is only that, used or not, which is all it knows
 * of a code: nothing about any answer. A row whose code is not a code, or
 * not one of the wave's, is an error at LETTERS:LINE:COLUMN, and then
 * nothing is written. *kept and *rows (either may be NULL) are the rows
 * written and read. The store is opened read-only. */
enk_status enk_codes_unused(const enk_codes_reminder *r, int64_t *kept, int64_t *rows,
                            enk_diags *diags);

/* When the collection of the wave unit x year in the store at db has closed:
 * deletes the drafts saved under its codes but never sent, in one statement,
 * and stores how many in *deleted. Problems go to diags. */
enk_status enk_codes_delete_drafts(const char *db, const char *unit, int year, int64_t *deleted,
                                   enk_diags *diags);

#endif
