/* survey/outfile.h - every output file (-o) is written the same way: whole or not at all,
 * never over something that is not the tool's own kind of output.
 *
 * enk_outfile_open() decides, before anything is computed, what writing to a
 * path means:
 *  - a regular file (or a path that does not exist yet) is written under a
 *    temporary name beside it (mkstemp, so two runs never collide) and renamed
 *    over it by enk_outfile_commit(); a failure removes the temporary file and
 *    leaves the target as it was. The new file gets the mode of the file it
 *    replaces, or 0666 less the umask;
 *  - a symbolic link is followed: the file it points to is replaced, the link
 *    stays; a link that points nowhere is refused;
 *  - a character device or a pipe (/dev/stdout, /dev/null, a FIFO) is written
 *    directly; it is never replaced by a regular file. A block device, a
 *    socket and a directory are refused;
 *  - an existing regular file is replaced only when it is empty or already
 *    the same command's output (enk_outfile_kind); any other file is
 *    refused with a message saying so, and so is a write-protected one.
 *    `keep` names a file that is never written in any case (the store being
 *    read, the questionnaire being compiled).
 *  - with no_clobber any existing file is refused (for a file that may hold
 *    the only copy of something), and with sync the file and its directory
 *    reach the disk before commit returns.
 *  - the temporary file is removed on SIGINT, SIGTERM and SIGHUP too, when
 *    the program calls enk_outfile_on_signal() from its handler.
 * Every message names the path: "PATH: cannot write file: ...".
 *
 * Ownership: an enk_outfile is freed by enk_outfile_commit() or
 * enk_outfile_abort(), whichever comes first; exactly one of them must be
 * called.
 */
#ifndef ENK_OUTFILE_H
#define ENK_OUTFILE_H

#include <stdbool.h>
#include <stdio.h>

#include "survey/diag.h"

typedef struct enk_outfile enk_outfile;

/* What an existing file must already be for it to be replaced: the output
 * of the same command (its first bytes), so that nothing else that happens
 * to share the name (a questionnaire, a manifest, a response file, a store)
 * is ever written over. */
typedef enum enk_outfile_kind {
        ENK_OUT_EXPORT_CSV, /* enkat export's CSV: [BOM] unit,year,edition,source, (or with ;) */
        ENK_OUT_HTML,       /* <!DOCTYPE html */
        ENK_OUT_LAYOUT,     /* {"format":"enkat-paper-layout" */
        ENK_OUT_XLSX,       /* a zip (Office Open XML) */
        ENK_OUT_PDF,
        ENK_OUT_SAV,        /* SPSS */
        ENK_OUT_DTA,        /* Stata 117 or later: <stata_dta> */
        ENK_OUT_REVIEW_CSV, /* enkat review --export: [BOM] review;unit;year; */
} enk_outfile_kind;

typedef struct enk_outfile_options {
        enk_outfile_kind kind;
        const char *keep; /* a file never to write (the store being read, with its
                             -wal/-shm/-journal, or the questionnaire), or NULL */
        bool no_clobber;  /* refuse any existing file */
        bool sync;        /* fsync the file and its directory on commit */
        bool by_name;     /* the writer opens the file by name (enk_outfile_name), not a stream */
} enk_outfile_options;

/* Checks path and opens what will be written. On success stores a new
 * outfile in *out; otherwise returns ENK_ERR_IO (or ENK_ERR_EXISTS for a
 * file that must not be replaced) with a message naming path. */
enk_status enk_outfile_open(const char *path, const enk_outfile_options *o, enk_outfile **out,
                            enk_diags *diags);

/* The stream to write (NULL with by_name). Borrowed until commit or abort. */
FILE *enk_outfile_stream(enk_outfile *f);

/* The name a writer that opens files by name must write (with by_name): a
 * temporary file, which commit puts in place. Borrowed until commit or abort. */
const char *enk_outfile_name(const enk_outfile *f);

/* Puts the written file in place (closing the stream first) and frees f.
 * On failure removes what was written and returns ENK_ERR_IO with a message. */
enk_status enk_outfile_commit(enk_outfile *f, enk_diags *diags);

/* Removes what was written, leaves the target as it was, and frees f. NULL
 * is a no-op. */
void enk_outfile_abort(enk_outfile *f);

/* Removes the temporary file of the output being written, if any. Only
 * async-signal-safe calls: for a signal handler, which then ends the
 * program. */
void enk_outfile_on_signal(void);

#endif
