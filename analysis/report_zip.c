/* analysis/report_zip.c - the report's parts deflated at zlib's fastest level.
 *
 * libxlsxwriter packs the workbook with minizip and asks for zlib's default
 * level (6) for every part; it has no option for another (1.1.4 in Debian
 * 12, and still 1.2.3 upstream: packager.c passes Z_DEFAULT_COMPRESSION).
 * A national report's Data sheet is 100 MB of XML, and closing the
 * workbook, mostly deflating it, took 2.1 of the report's 3.4 s
 * (bench/README.md, the report's second round); at level 1 it takes 0.8 s,
 * and the file grows by a quarter (19 to 24 MB).
 * Level 1 is deflate as every reader knows it: only the search for repeats
 * is shorter.
 *
 * So the report defines minizip's zipOpenNewFileInZip4_64 itself. The
 * program's own definition comes first in the dynamic linker's search, so
 * libxlsxwriter's call (made from libxlsxwriter.so to libminizip.so.1)
 * arrives here; every argument is passed on unchanged to minizip's own
 * function (dlsym(RTLD_NEXT)), except a default level while
 * enk_report_zip_fast() is in force on this thread: the report turns it on
 * around its workbook_close() and off after (report.c), so the keying
 * workbook (survey/keysheet.c) and everything else keep what they ask for.
 * Were the call ever not to arrive here (a libxlsxwriter with minizip
 * built in and hidden), the report is the same, only slower; e2e
 * report/zip-level checks the parts' "fast" flag in the national-shaped
 * file, and fails when this is not in force.
 */
#include "analysis/report_internal.h"

#include <dlfcn.h>
#include <xlsxwriter/third_party/zip.h>

static _Thread_local bool fast;

void enk_report_zip_fast(bool on)
{
        fast = on;
}

typedef int (*open_fn)(zipFile, const char *, const zip_fileinfo *, const void *, uInt,
                       const void *, uInt, const char *, int, int, int, int, int, int, const char *,
                       uLong, uLong, uLong, int);

int zipOpenNewFileInZip4_64(zipFile file, const char *filename, const zip_fileinfo *zipfi,
                            const void *extrafield_local, uInt size_extrafield_local,
                            const void *extrafield_global, uInt size_extrafield_global,
                            const char *comment, int method, int level, int raw, int windowBits,
                            int memLevel, int strategy, const char *password, uLong crcForCrypting,
                            uLong versionMadeBy, uLong flagBase, int zip64)
{
        /* POSIX allows the cast of dlsym's object pointer to a function's */
        open_fn real = (open_fn) (uintptr_t) dlsym(RTLD_NEXT, "zipOpenNewFileInZip4_64");
        if (!real)
                return ZIP_INTERNALERROR;
        if (fast && method == Z_DEFLATED && level == Z_DEFAULT_COMPRESSION)
                level = Z_BEST_SPEED;
        return real(file, filename, zipfi, extrafield_local, size_extrafield_local,
                    extrafield_global, size_extrafield_global, comment, method, level, raw,
                    windowBits, memLevel, strategy, password, crcForCrypting, versionMadeBy,
                    flagBase, zip64);
}
