/* survey/import.h - the batch import: response files into the store, all or nothing.
 *
 * One run takes either one file for one wave (unit x year) or a manifest that
 * lists many (columns unit,year,sent,file[,edition]; docs/csv.md), reads each
 * file against the questionnaire of its edition (the manifest's edition
 * column, else the latest edition given whose year is at most the wave's) and
 * stores every response in one transaction: when any file has an error,
 * nothing is stored. On the way it catches what an import must not do
 * silently (docs/csv.md, "Imported twice"): the same file imported into the
 * wave before (an error unless replace), the same content into another wave
 * or twice in one run, a wave whose responses double, more responses than
 * questionnaires sent. A pipe or device is read only once (into a temporary
 * copy) so that it can be hashed and read.
 *
 * The module never prints. Diagnostics go to the caller's handler as soon as
 * they are final: first those of the preparation (questionnaires, manifest,
 * editions), then one list per file (sorted by place), then those of the
 * commit. Progress while a file is read goes to an optional handler. The
 * counts for the summary line come back in an enk_import_result.
 */
#ifndef ENK_IMPORT_H
#define ENK_IMPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "survey/diag.h"
#include "survey/store.h"

/* What to import. Strings are borrowed for the duration of the call. */
typedef struct enk_import_opts {
        const char *db;                    /* the store, created unless dry_run */
        const char *const *questionnaires; /* paths of the editions given */
        size_t nquestionnaires;            /* at least 1 */
        const char *file;                  /* one file, or NULL with manifest */
        const char *unit;                  /* the single file's wave */
        int year;                          /* the single file's wave */
        long sent;                         /* the single file's number sent, -1: unknown */
        const char *manifest;              /* the manifest, or NULL with file */
        const char *map;                   /* a column mapping file, or NULL */
        enk_response_source source;        /* how the responses came in */
        bool dry_run;                      /* check everything, store nothing */
        bool replace;                      /* replace earlier imports of the same files */
        bool en;                           /* the warnings' language: English, else Swedish */
} enk_import_opts;

/* Where a run reports as it goes. Every member may be NULL. */
typedef struct enk_import_handlers {
        /* A list of diagnostics that is final, to show now; borrowed for the
         * call. Called only for a non-empty list. */
        void (*diags)(void *ctx, const enk_diags *diags);
        /* done of total bytes of file (0-based) of nfiles, at path, are read. */
        void (*progress)(void *ctx, size_t file, size_t nfiles, const char *path, uint64_t done,
                         uint64_t total);
        void *ctx;
} enk_import_handlers;

/* What a run did, for the summary. */
typedef struct enk_import_result {
        size_t files;         /* files imported or checked */
        size_t units;         /* distinct units among them */
        size_t years;         /* distinct years among them */
        size_t responses;     /* valid responses read */
        size_t errors;        /* errors in the files; 0 when the run stopped before them */
        size_t warnings;      /* warnings in the files */
        size_t cells_ignored; /* non-empty cells of unknown columns, not read
                               * (enk_csvin_stats.cells_ignored, all files) */
        char **notes;         /* the warnings again, "FILE: MESSAGE", for after the summary */
        size_t nnotes;
} enk_import_result;

/* Imports (or with dry_run checks) what opts names. Returns ENK_OK when every
 * file was read without error and the store committed; *res then holds the
 * counts. On failure nothing is stored; when the files themselves had errors
 * res->errors says how many (the caller's "nothing was imported" line),
 * otherwise res->errors is 0 and the handler has been given the reason (or
 * the status is ENK_ERR_NOMEM). *res is filled in either case and must be
 * released with enk_import_result_release(). */
enk_status enk_import_run(const enk_import_opts *opts, const enk_import_handlers *handlers,
                          enk_import_result *res);

/* Frees what res holds and zeroes it; NULL is a no-op. */
void enk_import_result_release(enk_import_result *res);

#endif
