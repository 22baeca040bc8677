/* bench/bench_submit.c - web submissions into the store: access codes added, then spent.
 *
 * Builds a store with one 30-question edition and one wave, adds 20,000
 * access codes (enk_store_add_codes, one transaction), then stores one web
 * submission per code with enk_store_submit: first in batches of 100 per
 * durable commit (what the server's group commit does), then one per commit
 * (the floor the design's 0.4 ms per sync sets). Prints the rates.
 *
 *   ninja -C BUILD bench && BUILD/bench/bench_submit [DIR [CODES [BATCH [SINGLE]]]]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "survey/codes.h"
#include "survey/hash.h"
#include "survey/questionnaire.h"
#include "survey/store.h"

#define NQ 30
static int NCODES = 20000, BATCH = 100, SINGLE = 2000;

/* Processor time of this process (user + system), which the other processes
 * of a busy machine do not inflate. */
static double cpu(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
        return (double) ts.tv_sec + ts.tv_nsec / 1e9;
}

static double now(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double) ts.tv_sec + ts.tv_nsec / 1e9;
}

static void die(const char *what, enk_diags *d)
{
        fprintf(stderr, "bench_submit: %s failed\n", what);
        for (size_t i = 0; d && i < enk_diags_count(d); i++) {
                char *s = enk_diag_format(enk_diags_get(d, i));
                fprintf(stderr, "  %s\n", s);
                free(s);
        }
        exit(1);
}

int main(int argc, char **argv)
{
        const char *dir = argc > 1 ? argv[1] : "/tmp";
        if (argc > 2)
                NCODES = atoi(argv[2]);
        if (argc > 3)
                BATCH = atoi(argv[3]);
        if (argc > 4)
                SINGLE = atoi(argv[4]);
        if (NCODES < 1 || BATCH < 1 || SINGLE < 0 || SINGLE > NCODES) {
                fprintf(stderr, "usage: bench_submit [DIR [CODES [BATCH [SINGLE]]]]\n");
                return 2;
        }
        char path[4096];
        snprintf(path, sizeof(path), "%s/bench_submit.db", dir);
        for (const char *suffix = ""; suffix; suffix = *suffix ? NULL : "-wal") {
                char p[4200];
                snprintf(p, sizeof(p), "%s%s", path, suffix);
                unlink(p);
        }

        static char yaml[16384];
        size_t len =
            (size_t) snprintf(yaml, sizeof(yaml),
                              "survey: bench\nedition: 2025\nlanguages: [sv]\ntitle: Bench\n"
                              "scales:\n  - id: fem\n    points:\n"
                              "      - {value: 1, label: a}\n      - {value: 2, label: b}\n"
                              "      - {value: 3, label: c}\n      - {value: 4, label: d}\n"
                              "      - {value: 5, label: e}\n    positive: [4, 5]\n"
                              "sections:\n  - id: s\n    title: S\n    questions:\n");
        for (int i = 0; i < NQ; i++)
                len += (size_t) snprintf(yaml + len, sizeof(yaml) - len,
                                         "      - {id: q%d, type: scale, scale: fem, text: Q%d}\n",
                                         i, i);

        enk_diags *d = enk_diags_new(0);
        enk_questionnaire *q = NULL;
        enk_store *s = NULL;
        int64_t edition, unit, wave;
        if (enk_questionnaire_parse(yaml, len, "bench.yaml", &q, d) != ENK_OK)
                die("parse", d);
        if (enk_store_open(path, ENK_STORE_CREATE, &s, d) != ENK_OK ||
            enk_store_add_edition(s, q, &edition, d) != ENK_OK ||
            enk_store_unit(s, "Bench", &unit, d) != ENK_OK ||
            enk_store_wave(s, unit, 2025, edition, -1, &wave, d) != ENK_OK)
                die("store", d);

        char(*hashes)[ENK_HASH_HEX_SIZE] = malloc(NCODES * sizeof(*hashes));
        char(*codes)[ENK_CODES_NORMALIZED_SIZE] = malloc(NCODES * sizeof(*codes));
        const char **ptrs = malloc(NCODES * sizeof(*ptrs));
        double t0 = now();
        for (int i = 0; i < NCODES; i++) {
                char code[ENK_CODES_GROUPED_SIZE];
                if (enk_codes_generate(code, d) != ENK_OK)
                        die("generate", d);
                enk_codes_normalize(code, codes[i]);
                enk_codes_hash(codes[i], hashes[i]);
                ptrs[i] = hashes[i];
        }
        double t1 = now();
        if (enk_store_begin(s, d) != ENK_OK ||
            enk_store_add_codes(s, wave, ptrs, NCODES, d) != ENK_OK ||
            enk_store_commit(s, d) != ENK_OK)
                die("add_codes", d);
        double t2 = now();
        printf("%d codes: generated and hashed in %.3f s, stored in %.3f s\n", NCODES, t1 - t0,
               t2 - t1);

        int32_t values[NQ];
        enk_response resp = {
            .q = q, .values = values, .date = "2025-05-01", .source = ENK_SOURCE_WEB};
        int done = 0;
        double c0 = cpu();
        t0 = now();
        for (int b = 0; done < NCODES - SINGLE; b++) {
                if (enk_store_begin(s, d) != ENK_OK)
                        die("begin", d);
                for (int k = 0; k < BATCH && done < NCODES - SINGLE; k++, done++) {
                        for (int i = 0; i < NQ; i++)
                                values[i] = 1 + (done + i) % 5;
                        if (enk_store_submit(s, wave, codes[done], &resp, d) != ENK_OK)
                                die("submit", d);
                }
                if (enk_store_commit(s, d) != ENK_OK)
                        die("commit", d);
        }
        t1 = now();
        double c1 = cpu();
        printf("%d submissions in batches of %d per durable commit: %.3f s, %.0f/s; "
               "processor %.1f us each\n",
               done, BATCH, t1 - t0, done / (t1 - t0), (c1 - c0) * 1e6 / done);

        int single = 0;
        t0 = now();
        for (; done < NCODES; done++, single++)
                if (enk_store_submit(s, wave, codes[done], &resp, d) != ENK_OK)
                        die("submit", d);
        t1 = now();
        printf("%d submissions one per durable commit: %.3f s, %.0f/s\n", single, t1 - t0,
               single / (t1 - t0));

        enk_store_free(s);
        enk_questionnaire_free(q);
        enk_diags_free(d);
        free(hashes);
        free(codes);
        free(ptrs);
        unlink(path);
        return 0;
}
