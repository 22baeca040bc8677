/* cli/cmd_codes.c - `enkat codes`: one-time access codes for the letters, hashes into the store.
 *
 * Nothing may be lost between the two places a code lives: the CSV (the only
 * place the codes themselves are kept, for the mail merge) and the store
 * (only their hashes, for the server). So the order is:
 *   1. create FILE.tmp (before the store is even opened: an unwritable
 *      output changes nothing);
 *   2. in one transaction: the wave (with -q), the codes' hashes;
 *   3. write every code to FILE.tmp and sync it to disk; a failure rolls the
 *      transaction back and removes FILE.tmp;
 *   4. commit; a failure removes FILE.tmp, so no CSV holds codes the store
 *      does not know;
 *   5. rename FILE.tmp to FILE (never over an existing file). Should this
 *      fail, or the machine stop just before it, the codes are stored and
 *      complete in FILE.tmp, and the message says so.
 * An existing FILE or FILE.tmp is refused up front: it may hold the only copy
 * of codes issued earlier.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "survey/codes.h"
#include "survey/csv.h"
#include "survey/hash.h"
#include "survey/questionnaire.h"
#include "survey/store.h"

#define MAX_CODES 100000

static void usage(FILE *f)
{
        fputs("usage: enkat codes --db DB --year YEAR --unit UNIT --count N -o FILE.csv\n"
              "                   [--questionnaire Q.yaml] [--sent] [--excel] [--lang sv|en]\n"
              "       enkat codes --db DB --year YEAR --unit UNIT --delete-drafts [--lang sv|en]\n"
              "\n"
              "Makes N one-time access codes for the web form (enkat serve) of the wave\n"
              "UNIT x YEAR: 12 symbols like K7QM-4XPA-93TR, 60 random bits each. The store\n"
              "keeps only their hashes; the codes themselves are written to FILE.csv, one\n"
              "row per letter for a mail merge, with the columns kod, enhet, år and rad\n"
              "(a ready line for the letter; code, unit, year, line with --lang en).\n"
              "Run it again to add codes to the same wave. FILE.csv must not exist: it\n"
              "may hold the only copy of earlier codes. docs/codes.md has the details.\n"
              "\n"
              "options:\n"
              "  -d, --db DB                the store (created with --questionnaire)\n"
              "  -y, --year YEAR            the wave's year\n"
              "  -u, --unit UNIT            the wave's unit (municipality or district)\n"
              "  -n, --count N              how many codes, 1-100000\n"
              "  -o, --output FILE.csv      where the codes go\n"
              "  -q, --questionnaire FILE   the edition, to create the unit and wave when\n"
              "                             the store does not have them yet\n"
              "  -s, --sent                 set the wave's number sent out to the number\n"
              "                             of codes issued for it (all batches)\n"
              "  -x, --excel                CSV for Swedish Excel: byte-order mark, ';', CRLF\n"
              "  -l, --lang LANG            language of the CSV and messages: sv (default)\n"
              "                             or en\n"
              "      --delete-drafts        when the collection has closed: delete the\n"
              "                             answers saved but never sent under the wave's\n"
              "                             codes (they are never counted)\n"
              "  -h, --help                 show this help\n"
              "\n"
              "exit status: 0 codes stored and written, 1 bad input or environment\n"
              "(nothing stored, no file written), 2 usage error\n",
              f);
}

struct opts {
        const char *db, *unit, *out, *qpath;
        long year, count;
        bool sent, excel, en, delete_drafts;
};

/* The codes of the batch: grouped for the CSV, hashed for the store. */
struct batch {
        char (*codes)[ENK_CODES_GROUPED_SIZE];
        char (*hashes)[ENK_HASH_HEX_SIZE];
        const char **hash_ptrs;
        size_t n;
};

static void batch_free(struct batch *b)
{
        free(b->codes);
        free(b->hashes);
        free(b->hash_ptrs);
}

static enk_status batch_make(struct batch *b, enk_diags *diags)
{
        for (size_t i = 0; i < b->n; i++) {
                enk_status st = enk_codes_generate(b->codes[i], diags);
                if (st != ENK_OK)
                        return st;
                char norm[ENK_CODES_NORMALIZED_SIZE];
                enk_codes_normalize(b->codes[i], norm);
                enk_codes_hash(norm, b->hashes[i]);
        }
        return ENK_OK;
}

/* The wave's code counts, read back through the store. */
struct counts {
        int64_t issued, spent;
};

static enk_status take_counts(void *ctx, const enk_store_wave_info *w)
{
        struct counts *c = ctx;
        c->issued = w->codes_issued;
        c->spent = w->codes_spent;
        return ENK_OK;
}

/* Writes one row of four fields with survey/csv.h's field writer. */
static bool write_row(FILE *fp, const char *const field[4], char sep, const char *eol)
{
        for (int c = 0; c < 4; c++)
                if ((c && fputc(sep, fp) == EOF) ||
                    enk_csv_write_field(fp, field[c], sep) != ENK_OK)
                        return false;
        return fputs(eol, fp) >= 0;
}

/* Writes the CSV of the batch to fp and syncs it to disk. */
static bool write_csv(FILE *fp, const struct opts *o, const struct batch *b)
{
        char sep = o->excel ? ';' : ',';
        const char *eol = o->excel ? "\r\n" : "\n";
        static const char *const head[4] = {"kod", "enhet", "år", "rad"};
        static const char *const head_en[4] = {"code", "unit", "year", "line"};
        bool ok = (!o->excel || fputs("\xef\xbb\xbf", fp) >= 0) &&
                  write_row(fp, o->en ? head_en : head, sep, eol);
        char year[16], line[128];
        snprintf(year, sizeof(year), "%ld", o->year);
        for (size_t i = 0; i < b->n && ok; i++) {
                snprintf(line, sizeof(line),
                         o->en ? "Your personal code for the %ld survey: %s"
                               : "Din personliga kod till enkäten %ld: %s",
                         o->year, b->codes[i]);
                const char *row[4] = {b->codes[i], o->unit, year, line};
                ok = write_row(fp, row, sep, eol);
        }
        /* On disk before the store commits: after the commit the file is the
         * only place the codes exist. */
        return ok && fflush(fp) == 0 && fsync(fileno(fp)) == 0;
}

/* Syncs the directory of path, so that a rename survives a power cut. */
static void sync_dir(const char *path)
{
        const char *slash = strrchr(path, '/');
        char *dir = slash ? strndup(path, (size_t) (slash - path) + 1) : strdup(".");
        int fd = dir ? open(dir, O_RDONLY | O_DIRECTORY) : -1;
        if (fd >= 0) {
                fsync(fd);
                close(fd);
        }
        free(dir);
}

/* Renames tmp to out unless out exists (it may have appeared meanwhile). */
static int rename_new(const char *tmp, const char *out)
{
        if (link(tmp, out) == 0) {
                unlink(tmp); /* should this fail, a second name of the same file stays */
                return 0;
        }
        if (errno == EEXIST)
                return -1;
        /* A file system without hard links: check, then rename. */
        struct stat sb;
        if (stat(out, &sb) == 0) {
                errno = EEXIST;
                return -1;
        }
        return rename(tmp, out);
}

/* The wave to add codes to: found, or with -q made (edition, unit, wave).
 * Inside the open transaction. */
static enk_status find_or_make_wave(enk_store *store, const struct opts *o,
                                    const enk_questionnaire *q, int64_t *wave, int64_t *edition,
                                    int64_t *unit, enk_diags *diags)
{
        enk_status st;
        if (q) {
                if ((st = enk_store_add_edition(store, q, edition, diags)) != ENK_OK ||
                    (st = enk_store_unit(store, o->unit, unit, diags)) != ENK_OK)
                        return st;
                return enk_store_wave(store, *unit, (int) o->year, *edition, -1, wave, diags);
        }
        if ((st = enk_store_find_unit(store, o->unit, unit, diags)) != ENK_OK)
                return st;
        return enk_store_find_wave(store, *unit, (int) o->year, wave, edition, diags);
}

/* --delete-drafts: the drafts of the wave's unsent codes, in one statement. */
static int run_delete_drafts(const struct opts *o)
{
        enk_diags *diags = cli_diags_new();
        enk_store *store = NULL;
        int rc = EXIT_INPUT;
        int64_t unit = 0, wave = 0, deleted = 0;
        if (enk_store_open(o->db, 0, &store, diags) == ENK_OK &&
            enk_store_find_unit(store, o->unit, &unit, diags) == ENK_OK &&
            enk_store_find_wave(store, unit, (int) o->year, &wave, NULL, diags) == ENK_OK &&
            enk_store_delete_drafts(store, wave, &deleted, diags) == ENK_OK) {
                if (o->en)
                        printf("deleted %lld saved, unsent answer sets (%s %ld)\n",
                               (long long) deleted, o->unit, o->year);
                else
                        printf("tog bort %lld sparade, oskickade svar (%s %ld)\n",
                               (long long) deleted, o->unit, o->year);
                rc = EXIT_OK;
        }
        cli_print_diags(diags);
        enk_store_free(store);
        enk_diags_free(diags);
        return rc;
}

static int run(const struct opts *o)
{
        enk_diags *diags = cli_diags_new();
        enk_questionnaire *q = NULL;
        enk_store *store = NULL;
        struct batch b = {.n = (size_t) o->count};
        FILE *fp = NULL;
        int rc = EXIT_INPUT;
        size_t tmp_len = strlen(o->out) + 5;
        char *tmp = malloc(tmp_len);
        if (!tmp) {
                rc = cli_error("out of memory");
                goto out;
        }
        snprintf(tmp, tmp_len, "%s.tmp", o->out);

        /* Errors about a file name it first, as every diagnostic does. */
        enk_loc out_loc = {.file = o->out}, tmp_loc = {.file = tmp};
        if (o->qpath && enk_questionnaire_load(o->qpath, &q, diags) != ENK_OK)
                goto fail;
        /* The output first: a file that cannot be written changes nothing. */
        struct stat sb;
        if (stat(o->out, &sb) == 0) {
                enk_error(diags, out_loc,
                          o->en ? "exists and may hold earlier codes: choose a new file name"
                                : "finns redan och kan innehålla tidigare koder: välj ett nytt "
                                  "filnamn");
                goto fail;
        }
        int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL, 0600);
        if (fd < 0 && errno == EEXIST) {
                /* Not ours: never removed. */
                enk_error(diags, tmp_loc,
                          o->en ? "exists (left by an earlier run?) and may hold codes: look at "
                                  "it, then move it away"
                                : "finns redan (från en tidigare körning?) och kan innehålla "
                                  "koder: se efter och flytta undan den");
                goto fail;
        }
        if (fd < 0 || !(fp = fdopen(fd, "w"))) {
                enk_error(diags, out_loc,
                          o->en ? "cannot write file: %s" : "kan inte skriva filen: %s",
                          strerror(errno));
                if (fd >= 0) {
                        close(fd);
                        unlink(tmp);
                }
                goto fail;
        }

        b.codes = malloc(b.n * sizeof(*b.codes));
        b.hashes = malloc(b.n * sizeof(*b.hashes));
        b.hash_ptrs = malloc(b.n * sizeof(*b.hash_ptrs));
        if (!b.codes || !b.hashes || !b.hash_ptrs) {
                rc = cli_error("out of memory");
                goto drop_tmp;
        }
        for (size_t i = 0; i < b.n; i++)
                b.hash_ptrs[i] = b.hashes[i];

        if (enk_store_open(o->db, q ? ENK_STORE_CREATE : 0, &store, diags) != ENK_OK ||
            enk_store_begin(store, diags) != ENK_OK)
                goto drop_tmp;
        int64_t wave = 0, edition = 0, unit = 0;
        enk_status st = find_or_make_wave(store, o, q, &wave, &edition, &unit, diags);
        if (st == ENK_ERR_NOTFOUND && !q) {
                enk_diags_add(diags, ENK_SEV_NOTE, (enk_loc){.file = o->db}, NULL,
                              o->en ? "no wave %s %ld: give --questionnaire to create it"
                                    : "ingen enkätomgång %s %ld: ange --questionnaire för att "
                                      "skapa den",
                              o->unit, o->year);
                goto drop_tmp;
        }
        if (st != ENK_OK)
                goto drop_tmp;

        /* A new code equal to one in the store (any wave) has probability
         * about N * M / 2^60; should it happen, the whole batch is made
         * again (add_codes adds all or nothing). */
        for (int attempt = 0;; attempt++) {
                if ((st = batch_make(&b, diags)) != ENK_OK)
                        goto drop_tmp;
                enk_diags *scratch = cli_diags_new();
                st = enk_store_add_codes(store, wave, b.hash_ptrs, b.n, scratch);
                if (st != ENK_ERR_EXISTS || attempt == 4)
                        cli_print_diags(scratch);
                enk_diags_free(scratch);
                if (st == ENK_OK)
                        break;
                if (st != ENK_ERR_EXISTS || attempt == 4)
                        goto drop_tmp;
        }
        struct counts c = {0, 0};
        enk_store_filter f = {.unit_id = unit, .year = (int) o->year};
        if (enk_store_waves(store, &f, take_counts, &c, diags) != ENK_OK)
                goto drop_tmp;
        if (o->sent &&
            enk_store_wave(store, unit, (int) o->year, edition, c.issued, &wave, diags) != ENK_OK)
                goto drop_tmp;

        /* The reason is the first failure's: closing may set errno again. */
        bool written = write_csv(fp, o, &b);
        int err = errno;
        if (fclose(fp) != 0 && written) {
                written = false;
                err = errno;
        }
        fp = NULL;
        if (!written) {
                enk_error(diags, out_loc,
                          o->en ? "cannot write file: %s; no codes were stored"
                                : "kan inte skriva filen: %s; inga koder sparades",
                          strerror(err));
                goto drop_tmp;
        }
        if (enk_store_commit(store, diags) != ENK_OK)
                goto drop_tmp;

        /* Stored. From here on the codes must not be deleted. */
        if (rename_new(tmp, o->out) != 0) {
                enk_error(diags, tmp_loc,
                          o->en ? "the codes are stored, but this file cannot be renamed to '%s' "
                                  "(%s): use it, it holds all %ld codes"
                                : "koderna är sparade, men filen kan inte byta namn till '%s' "
                                  "(%s): använd den, den har alla %ld koder",
                          o->out, strerror(errno), o->count);
                cli_print_diags(diags);
                goto out;
        }
        sync_dir(o->out);
        cli_print_diags(diags);
        if (o->en)
                printf("wrote %ld codes to %s (%s %ld: %lld issued, %lld used)\n", o->count, o->out,
                       o->unit, o->year, (long long) c.issued, (long long) c.spent);
        else
                printf("skrev %ld koder till %s (%s %ld: %lld utfärdade, %lld använda)\n", o->count,
                       o->out, o->unit, o->year, (long long) c.issued, (long long) c.spent);
        rc = EXIT_OK;
        goto out;

drop_tmp:
        if (fp)
                fclose(fp);
        fp = NULL;
        unlink(tmp);
fail:
        enk_store_rollback(store);
        cli_print_diags(diags);
        if (enk_diags_errors(diags) || rc == EXIT_INPUT)
                rc = EXIT_INPUT;
out:
        if (fp)
                fclose(fp);
        enk_store_free(store);
        enk_questionnaire_free(q);
        batch_free(&b);
        free(tmp);
        enk_diags_free(diags);
        return rc;
}

int cmd_codes(int argc, char **argv)
{
        static const struct option options[] = {
            {"db", required_argument, NULL, 'd'},
            {"year", required_argument, NULL, 'y'},
            {"unit", required_argument, NULL, 'u'},
            {"count", required_argument, NULL, 'n'},
            {"output", required_argument, NULL, 'o'},
            {"questionnaire", required_argument, NULL, 'q'},
            {"sent", no_argument, NULL, 's'},
            {"excel", no_argument, NULL, 'x'},
            {"lang", required_argument, NULL, 'l'},
            {"delete-drafts", no_argument, NULL, 'D'},
            {"help", no_argument, NULL, 'h'},
            {NULL, 0, NULL, 0},
        };
        struct opts o = {0};
        int opt;

        optind = 1;
        opterr = 0;
        while ((opt = getopt_long(argc, argv, ":d:y:u:n:o:q:sxl:h", options, NULL)) != -1) {
                switch (opt) {
                case 'd':
                        o.db = optarg;
                        break;
                case 'y':
                        if (!cli_parse_int(optarg, 1990, 2100, &o.year))
                                return cli_usage_error("codes", "year '%s' is not in 1990-2100",
                                                       optarg);
                        break;
                case 'u':
                        if (!*optarg)
                                return cli_usage_error("codes", "empty unit name");
                        if (cli_check_unit_option("codes", optarg) != EXIT_OK)
                                return EXIT_USAGE;
                        o.unit = optarg;
                        break;
                case 'n':
                        if (!cli_parse_int(optarg, 1, MAX_CODES, &o.count))
                                return cli_usage_error("codes", "count '%s' is not in 1-%d", optarg,
                                                       MAX_CODES);
                        break;
                case 'o':
                        if (!*optarg)
                                return cli_usage_error("codes", "empty output file name");
                        o.out = optarg;
                        break;
                case 'q':
                        o.qpath = optarg;
                        break;
                case 's':
                        o.sent = true;
                        break;
                case 'x':
                        o.excel = true;
                        break;
                case 'l':
                        if (!strcmp(optarg, "en"))
                                o.en = true;
                        else if (strcmp(optarg, "sv"))
                                return cli_usage_error("codes", "unknown language '%s'", optarg);
                        break;
                case 'D':
                        o.delete_drafts = true;
                        break;
                case 'h':
                        usage(stdout);
                        return EXIT_OK;
                case ':':
                        return cli_usage_error("codes", "option '%s' needs a value",
                                               argv[optind - 1]);
                default:
                        return cli_usage_error("codes", "unknown option '%s'", argv[optind - 1]);
                }
        }
        if (!o.db)
                return cli_usage_error("codes", "no store given (--db)");
        if (!o.year)
                return cli_usage_error("codes", "no year given (--year)");
        if (!o.unit)
                return cli_usage_error("codes", "no unit given (--unit)");
        if (o.delete_drafts) {
                if (o.count || o.out || o.qpath || o.sent || o.excel)
                        return cli_usage_error("codes", "--delete-drafts makes no codes: give "
                                                        "only --db, --year and --unit");
                if (optind < argc)
                        return cli_usage_error("codes", "too many arguments");
                return run_delete_drafts(&o);
        }
        if (!o.count)
                return cli_usage_error("codes", "no count given (--count)");
        if (!o.out)
                return cli_usage_error("codes", "no output file given (-o)");
        if (optind < argc)
                return cli_usage_error("codes", "too many arguments");
        return run(&o);
}
