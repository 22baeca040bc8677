/* survey/outfile.c - output files written whole or not at all (see outfile.h). */
#include "survey/outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <signal.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct enk_outfile {
        char *path;  /* the target, symbolic links resolved */
        char *tmp;   /* the file being written, or NULL when writing the target directly */
        FILE *f;     /* the stream, NULL with by_name */
        bool direct; /* the target is a device or a pipe */
        bool no_clobber, sync;
        mode_t mode;
};

static enk_status io_fail(enk_diags *d, const char *path, const char *fmt, const char *arg)
{
        enk_loc loc = {.file = path};
        enk_error(d, loc, fmt, arg);
        return ENK_ERR_IO;
}

static const char *kind_name(enk_outfile_kind k)
{
        static const char *const names[] = {ENK_MSGID("an enkat export (CSV)"),
                                            ENK_MSGID("an HTML page"),
                                            ENK_MSGID("an enkat paper layout"),
                                            ENK_MSGID("an Excel workbook (.xlsx)"),
                                            ENK_MSGID("a PDF"),
                                            ENK_MSGID("an SPSS file (.sav)"),
                                            ENK_MSGID("a Stata file (.dta)"),
                                            ENK_MSGID("an enkat review decisions CSV")};
        return enk_diag_text(names[k]);
}

static bool starts(const unsigned char *b, size_t n, const char *sig)
{
        size_t k = strlen(sig);
        return n >= k && memcmp(b, sig, k) == 0;
}

/* Whether the first bytes of an existing file say it is of kind k. */
static bool is_kind(enk_outfile_kind k, const unsigned char *b, size_t n)
{
        switch (k) {
        case ENK_OUT_EXPORT_CSV:
                if (starts(b, n, "\xEF\xBB\xBF")) {
                        b += 3;
                        n -= 3;
                }
                return starts(b, n, "unit,year,edition,source,") ||
                       starts(b, n, "unit;year;edition;source;");
        case ENK_OUT_HTML:
                return starts(b, n, "<!DOCTYPE html");
        case ENK_OUT_LAYOUT:
                return starts(b, n, "{\"format\":\"enkat-paper-layout\"");
        case ENK_OUT_XLSX:
                return starts(b, n, "PK\003\004");
        case ENK_OUT_PDF:
                return starts(b, n, "%PDF-");
        case ENK_OUT_SAV:
                return starts(b, n, "$FL2") || starts(b, n, "$FL3");
        case ENK_OUT_DTA:
                return starts(b, n, "<stata_dta>");
        case ENK_OUT_REVIEW_CSV:
                if (starts(b, n, "\xEF\xBB\xBF")) {
                        b += 3;
                        n -= 3;
                }
                return starts(b, n, "review;unit;year;");
        }
        return false;
}

/* The temporary file being written, for enk_outfile_on_signal(): a copy of
 * its name, set before the file exists and cleared once it is gone. */
static char signal_tmp[PATH_MAX];
static volatile sig_atomic_t signal_armed;

void enk_outfile_on_signal(void)
{
        if (signal_armed)
                unlink(signal_tmp);
}

static void arm(const char *tmp)
{
        signal_armed = 0;
        if (tmp && strlen(tmp) < sizeof signal_tmp) {
                memcpy(signal_tmp, tmp, strlen(tmp) + 1);
                signal_armed = 1;
        }
}

static const char *const keep_suffix[] = {"", "-wal", "-shm", "-journal"};

/* Whether the existing file sb is keep or one of its companion files. */
static bool is_kept(const struct stat *sb, const char *keep)
{
        for (size_t i = 0; keep && i < sizeof keep_suffix / sizeof *keep_suffix; i++) {
                char name[PATH_MAX];
                struct stat kb;
                if ((size_t) snprintf(name, sizeof name, "%s%s", keep, keep_suffix[i]) <
                        sizeof name &&
                    stat(name, &kb) == 0 && kb.st_dev == sb->st_dev && kb.st_ino == sb->st_ino)
                        return true;
        }
        return false;
}

/* Whether path, which need not exist, names keep or one of its companion
 * files (a -wal file that SQLite has not made yet would be read as one). */
static bool is_kept_name(const char *path, const char *keep)
{
        if (!keep)
                return false;
        char *kreal = realpath(keep, NULL);
        char *copy = strdup(path), *copy2 = strdup(path);
        char *dreal = copy ? realpath(dirname(copy), NULL) : NULL;
        bool same = false;
        if (kreal && dreal && copy2) {
                char name[PATH_MAX];
                const char *base = basename(copy2);
                for (size_t i = 0; i < sizeof keep_suffix / sizeof *keep_suffix && !same; i++)
                        same = (size_t) snprintf(name, sizeof name, "%s%s", kreal, keep_suffix[i]) <
                                   sizeof name &&
                               strncmp(name, dreal, strlen(dreal)) == 0 &&
                               name[strlen(dreal)] == '/' &&
                               strcmp(name + strlen(dreal) + 1, base) == 0;
        }
        free(kreal);
        free(dreal);
        free(copy);
        free(copy2);
        return same;
}

/* May the existing regular file path be replaced? */
static enk_status check_existing(const char *path, const struct stat *sb,
                                 const enk_outfile_options *o, enk_diags *d)
{
        if (is_kept(sb, o->keep))
                return io_fail(d, path,
                               "cannot write file: this is the file being read%s; "
                               "give another output file",
                               "");
        if (o->no_clobber) {
                enk_loc loc = {.file = path};
                enk_error(d, loc,
                          "the file exists; it is not replaced (remove or rename it first)");
                return ENK_ERR_EXISTS;
        }
        if (access(path, W_OK) != 0)
                return io_fail(d, path, "cannot write file: %s (the file is write-protected)",
                               strerror(errno));
        if (sb->st_size == 0)
                return ENK_OK;
        unsigned char head[4096];
        int fd = open(path, O_RDONLY | O_NOCTTY);
        if (fd < 0)
                return io_fail(d, path, "cannot write file: %s", strerror(errno));
        ssize_t n = read(fd, head, sizeof head);
        close(fd);
        if (n < 0)
                return io_fail(d, path, "cannot write file: %s", strerror(errno));
        if (!is_kind(o->kind, head, (size_t) n)) {
                enk_loc loc = {.file = path};
                enk_error(d, loc,
                          "the file exists and is not %s; it is not replaced (remove it or "
                          "give another output file)",
                          kind_name(o->kind));
                return ENK_ERR_EXISTS;
        }
        return ENK_OK;
}

/* The target, symbolic links followed: a new string, or NULL with a message.
 * A link to a device or a pipe (/proc/self/fd/1) is kept as it is: it is
 * written through, and such targets have no name of their own to resolve. */
static char *resolve(const char *path, enk_diags *d)
{
        struct stat lb, sb;
        if (lstat(path, &lb) != 0 || !S_ISLNK(lb.st_mode))
                return strdup(path);
        if (stat(path, &sb) != 0) {
                io_fail(d, path, "cannot write file: a symbolic link to nowhere (%s)",
                        strerror(errno));
                return NULL;
        }
        if (!S_ISREG(sb.st_mode))
                return strdup(path);
        char *real = realpath(path, NULL);
        if (!real)
                io_fail(d, path, "cannot write file: %s", strerror(errno));
        return real;
}

/* A temporary file beside path (or in TMPDIR when dir is NULL). */
static int make_temp(enk_outfile *f, const char *dir)
{
        size_t n;
        if (dir) {
                n = strlen(f->path) + sizeof ".tmp-XXXXXX";
                f->tmp = malloc(n);
                if (f->tmp)
                        snprintf(f->tmp, n, "%s.tmp-XXXXXX", f->path);
        } else {
                const char *t = getenv("TMPDIR");
                t = t && *t ? t : "/tmp";
                n = strlen(t) + sizeof "/enkat-XXXXXX";
                f->tmp = malloc(n);
                if (f->tmp)
                        snprintf(f->tmp, n, "%s/enkat-XXXXXX", t);
        }
        if (!f->tmp) {
                errno = ENOMEM;
                return -1;
        }
        arm(f->tmp);
        int fd = mkstemp(f->tmp);
        if (fd < 0) {
                arm(NULL);
                free(f->tmp);
                f->tmp = NULL;
                return -1;
        }
        arm(f->tmp); /* mkstemp filled in the name */
        return fd;
}

static void release(enk_outfile *f)
{
        arm(NULL);
        free(f->path);
        free(f->tmp);
        free(f);
}

enk_status enk_outfile_open(const char *path, const enk_outfile_options *opts, enk_outfile **out,
                            enk_diags *diags)
{
        enk_outfile_options o = {0};
        if (opts)
                o = *opts;
        if (!path || !out)
                return ENK_ERR_USAGE;
        if (!*path) {
                enk_loc loc = {0};
                enk_error(diags, loc, "the output file name is empty");
                return ENK_ERR_IO;
        }
        size_t len = strlen(path);
        if (path[len - 1] == '/')
                return io_fail(diags, path,
                               "cannot write file: the name ends in '/'%s; give a file name", "");
        enk_outfile *f = calloc(1, sizeof *f);
        if (!f)
                return ENK_ERR_NOMEM;
        f->no_clobber = o.no_clobber;
        f->sync = o.sync;
        f->path = resolve(path, diags);
        if (!f->path) {
                release(f);
                return ENK_ERR_IO;
        }
        mode_t mask = umask(0);
        umask(mask);
        f->mode = 0666 & ~mask;
        struct stat sb;
        enk_status st = ENK_OK;
        if (is_kept_name(f->path, o.keep)) {
                st = io_fail(diags, path,
                             "cannot write file: this is the file being read%s; give another "
                             "output file",
                             "");
        } else if (stat(f->path, &sb) == 0) {
                if (S_ISDIR(sb.st_mode))
                        st = io_fail(diags, path,
                                     "cannot write file: it is a directory%s (give a file name)",
                                     "");
                else if (S_ISCHR(sb.st_mode) || S_ISFIFO(sb.st_mode))
                        f->direct = true;
                else if (!S_ISREG(sb.st_mode))
                        st = io_fail(diags, path,
                                     "cannot write file: not a regular file, a character device "
                                     "or a pipe%s",
                                     "");
                else
                        st = check_existing(path, &sb, &o, diags);
                if (st == ENK_OK && S_ISREG(sb.st_mode))
                        f->mode = sb.st_mode & 07777;
        } else if (errno != ENOENT) {
                st = io_fail(diags, path, "cannot write file: %s", strerror(errno));
        }
        if (st != ENK_OK) {
                release(f);
                return st;
        }

        if (f->direct && !o.by_name) {
                f->f = fopen(f->path, "wb");
                if (!f->f)
                        st = io_fail(diags, path, "cannot write file: %s", strerror(errno));
        } else {
                char *copy = strdup(f->path);
                int fd = copy ? make_temp(f, f->direct ? NULL : dirname(copy)) : -1;
                free(copy);
                if (fd < 0) {
                        st = io_fail(diags, path, "cannot write file: %s", strerror(errno));
                } else if (o.by_name) {
                        close(fd);
                } else if (!(f->f = fdopen(fd, "wb"))) {
                        st = io_fail(diags, path, "cannot write file: %s", strerror(errno));
                        close(fd);
                }
        }
        if (st != ENK_OK) {
                enk_outfile_abort(f);
                return st;
        }
        *out = f;
        return ENK_OK;
}

FILE *enk_outfile_stream(enk_outfile *f)
{
        return f ? f->f : NULL;
}

const char *enk_outfile_name(const enk_outfile *f)
{
        return f ? f->tmp : NULL;
}

/* Copies the temporary file into the device or pipe. */
static int copy_to(const char *from, const char *to)
{
        FILE *in = fopen(from, "rb");
        FILE *out = in ? fopen(to, "wb") : NULL;
        int err = in && out ? 0 : errno;
        char buf[65536];
        size_t n;
        while (!err && (n = fread(buf, 1, sizeof buf, in)) > 0)
                if (fwrite(buf, 1, n, out) != n)
                        err = errno ? errno : EIO;
        if (!err && ferror(in))
                err = EIO;
        if (out && fclose(out) != 0 && !err)
                err = errno ? errno : EIO;
        if (in)
                fclose(in);
        return err;
}

static int sync_dir(const char *path)
{
        char *copy = strdup(path);
        if (!copy)
                return ENOMEM;
        int fd = open(dirname(copy), O_RDONLY | O_DIRECTORY);
        free(copy);
        if (fd < 0)
                return errno;
        int err = fsync(fd) != 0 ? errno : 0;
        close(fd);
        return err;
}

/* Renames tmp to path; with no_clobber never over a file that appeared
 * meanwhile (a hard link fails when the name exists). */
static int put_in_place(const enk_outfile *f)
{
        if (!f->no_clobber)
                return rename(f->tmp, f->path) != 0 ? errno : 0;
        if (link(f->tmp, f->path) == 0)
                return unlink(f->tmp) != 0 ? errno : 0;
        if (errno == EEXIST)
                return EEXIST;
        /* a file system without hard links: check, then rename */
        struct stat sb;
        if (stat(f->path, &sb) == 0)
                return EEXIST;
        return rename(f->tmp, f->path) != 0 ? errno : 0;
}

enk_status enk_outfile_commit(enk_outfile *f, enk_diags *diags)
{
        if (!f)
                return ENK_ERR_USAGE;
        int err = 0;
        if (f->f) {
                if (fflush(f->f) != 0 || ferror(f->f))
                        err = errno ? errno : EIO;
                if (!err && f->sync && !f->direct && fsync(fileno(f->f)) != 0)
                        err = errno;
                if (fclose(f->f) != 0 && !err)
                        err = errno ? errno : EIO;
                f->f = NULL;
        }
        if (!err && f->tmp && f->direct)
                err = copy_to(f->tmp, f->path);
        else if (!err && f->tmp && chmod(f->tmp, f->mode) != 0)
                err = errno; /* the mode of the file replaced, now that it is written */
        else if (!err && f->tmp)
                err = put_in_place(f);
        if (!err && f->sync && !f->direct)
                err = sync_dir(f->path);
        if (err) {
                enk_loc loc = {.file = f->path};
                if (err == EEXIST)
                        enk_error(diags, loc,
                                  "the file appeared while it was written; it is not "
                                  "replaced");
                else
                        enk_error(diags, loc, "cannot write file: %s", strerror(err));
                enk_outfile_abort(f);
                return ENK_ERR_IO;
        }
        if (f->tmp && f->direct)
                unlink(f->tmp);
        release(f);
        return ENK_OK;
}

void enk_outfile_abort(enk_outfile *f)
{
        if (!f)
                return;
        if (f->f)
                fclose(f->f);
        if (f->tmp)
                unlink(f->tmp);
        release(f);
}
