/* bench/bench_store.c - times the response store at national size.
 *
 * usage: bench_store [STORE] [UNITS] [YEARS] [PER_WAVE]
 *        (defaults: /tmp/enk_bench_store.db 290 10 103: 298,700 responses)
 *
 * Builds a fresh store with one 30-question edition (scale 1-5 with a "don't
 * know" answer), UNITS x YEARS waves with PER_WAVE responses each (one import
 * and a respondent key per response, as `enkat import` writes them), all in
 * one transaction; then scans every response and tallies every answer, as
 * the statistics do. Prints the times, the file size, the peak RSS and a
 * checksum of the tally (the same for the same arguments). Not a test.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "survey/store.h"

#define NQ 30

static double now(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

/* xorshift64*: fast, seeded, and the same on every machine. */
static uint64_t rng = 88172645463325252u;
static uint32_t next_rand(void)
{
        rng ^= rng >> 12;
        rng ^= rng << 25;
        rng ^= rng >> 27;
        return (uint32_t) ((rng * 2685821657736338717u) >> 32);
}

static char *questionnaire_yaml(void)
{
        size_t cap = 64 * 1024, len = 0;
        char *y = malloc(cap);
        len += (size_t) snprintf(y + len, cap - len,
                                 "survey: bench\nedition: 2020\nlanguages: [sv]\ntitle: Bench\n"
                                 "scales:\n  - id: fem\n    points:\n");
        for (int p = 1; p <= 5; p++)
                len += (size_t) snprintf(y + len, cap - len, "      - {value: %d, label: p%d}\n", p,
                                         p);
        len += (size_t) snprintf(y + len, cap - len,
                                 "    positive: [4, 5]\n"
                                 "    not_applicable: {code: 9, label: Vet ej}\n"
                                 "sections:\n  - id: s\n    title: S\n    questions:\n");
        for (int q = 0; q < NQ; q++)
                len += (size_t) snprintf(
                    y + len, cap - len, "      - {id: q%02d, type: scale, scale: fem, text: Q%d}\n",
                    q, q);
        return y;
}

struct tally {
        int64_t counts[NQ][7]; /* 0 missing, 1-5 points, 6 don't know */
        int64_t rows;
        int64_t waves;
        int64_t last_wave;
};

static enk_status tally_row(void *ctx, const enk_store_row *row)
{
        struct tally *t = ctx;
        if (row->wave_id != t->last_wave) {
                t->waves++;
                t->last_wave = row->wave_id;
        }
        t->rows++;
        for (size_t i = 0; i < row->nvalues && i < NQ; i++) {
                int32_t v = row->values[i];
                int k = v == ENK_MISSING ? 0 : v == ENK_NA ? 6 : v;
                if (k < 0 || k > 6)
                        return ENK_ERR_DATA;
                t->counts[i][k]++;
        }
        return ENK_OK;
}

static int fail(enk_diags *d, const char *what)
{
        fprintf(stderr, "bench_store: %s failed\n", what);
        for (size_t i = 0; i < enk_diags_count(d); i++) {
                char *s = enk_diag_format(enk_diags_get(d, i));
                fprintf(stderr, "  %s\n", s);
                free(s);
        }
        return 1;
}

int main(int argc, char **argv)
{
        const char *path = argc > 1 ? argv[1] : "/tmp/enk_bench_store.db";
        int units = argc > 2 ? atoi(argv[2]) : 290;
        int years = argc > 3 ? atoi(argv[3]) : 10;
        int per_wave = argc > 4 ? atoi(argv[4]) : 103;
        char buf[4096];
        unlink(path);
        snprintf(buf, sizeof(buf), "%s-wal", path);
        unlink(buf);
        snprintf(buf, sizeof(buf), "%s-shm", path);
        unlink(buf);

        enk_diags *d = enk_diags_new(0);
        char *yaml = questionnaire_yaml();
        enk_questionnaire *q = NULL;
        if (enk_questionnaire_parse(yaml, strlen(yaml), "bench.yaml", &q, d) != ENK_OK)
                return fail(d, "parsing the questionnaire");
        enk_store *s = NULL;
        if (enk_store_open(path, ENK_STORE_CREATE, &s, d) != ENK_OK)
                return fail(d, "opening");

        double t0 = now();
        int64_t edition, n = 0;
        if (enk_store_add_edition(s, q, &edition, d) != ENK_OK || enk_store_begin(s, d) != ENK_OK)
                return fail(d, "starting");
        int32_t values[NQ];
        for (int u = 0; u < units; u++) {
                char name[64];
                snprintf(name, sizeof(name), "Kommun %03d", u);
                int64_t unit;
                if (enk_store_unit(s, name, &unit, d) != ENK_OK)
                        return fail(d, "adding a unit");
                for (int y = 0; y < years; y++) {
                        int64_t wave, imp;
                        char file[96], hash[65];
                        snprintf(file, sizeof(file), "kommun-%03d-%d.csv", u, 2011 + y);
                        snprintf(hash, sizeof(hash), "%064d", u * 100 + y);
                        if (enk_store_wave(s, unit, 2011 + y, edition, per_wave * 3 / 2, &wave,
                                           d) != ENK_OK ||
                            enk_store_add_import(s, wave, file, hash, &imp, d) != ENK_OK)
                                return fail(d, "adding a wave");
                        for (int r = 0; r < per_wave; r++) {
                                for (int i = 0; i < NQ; i++) {
                                        uint32_t x = next_rand() % 100;
                                        values[i] = x < 4    ? ENK_MISSING
                                                    : x < 8  ? ENK_NA
                                                    : x < 14 ? 1
                                                    : x < 24 ? 2
                                                    : x < 44 ? 3
                                                    : x < 72 ? 4
                                                             : 5;
                                }
                                char key[32], date[32];
                                snprintf(key, sizeof(key), "R%04d", r + 1);
                                snprintf(date, sizeof(date), "%d-03-%02d", 2011 + y, 1 + r % 28);
                                enk_response resp = {.q = q,
                                                     .values = values,
                                                     .respondent_key = key,
                                                     .date = date,
                                                     .source = ENK_SOURCE_IMPORT};
                                if (enk_store_add_response(s, wave, imp, &resp, NULL, d) != ENK_OK)
                                        return fail(d, "adding a response");
                                n++;
                        }
                }
        }
        if (enk_store_commit(s, d) != ENK_OK)
                return fail(d, "committing");
        double t1 = now();
        enk_store_free(s);

        /* Scan in a fresh connection, as `enkat report` would. */
        double t2 = now();
        if (enk_store_open(path, ENK_STORE_READONLY, &s, d) != ENK_OK)
                return fail(d, "reopening");
        struct tally t = {0};
        if (enk_store_scan(s, NULL, tally_row, &t, d) != ENK_OK)
                return fail(d, "scanning");
        double t3 = now();
        enk_store_free(s);

        uint64_t sum = 0;
        for (int i = 0; i < NQ; i++)
                for (int k = 0; k < 7; k++)
                        sum = sum * 31 + (uint64_t) t.counts[i][k];
        struct stat sb;
        stat(path, &sb);
        struct rusage ru;
        getrusage(RUSAGE_SELF, &ru);
        printf("responses      %" PRId64 " (%d units x %d years x %d), %d answers each\n", n, units,
               years, per_wave, NQ);
        printf("insert         %.3f s (one transaction, incl. durable commit)\n", t1 - t0);
        printf("scan + tally   %.3f s (%" PRId64 " rows, %" PRId64 " waves, open incl.)\n", t3 - t2,
               t.rows, t.waves);
        printf("file           %.1f MB\n", (double) sb.st_size / 1e6);
        printf("peak RSS       %.1f MB\n", (double) ru.ru_maxrss / 1024.0);
        printf("tally checksum %016" PRIx64 "\n", sum);
        enk_questionnaire_free(q);
        free(yaml);
        enk_diags_free(d);
        return t.rows == n ? 0 : 1;
}
