/* tests/report/write_fixture.c - writes the fixture's report workbooks for the Python checks.
 *
 * usage: write_fixture DIR
 * Writes into DIR, all with the creation time pinned to 2025-01-15 10:00:00 UTC:
 *   report-sv.xlsx   Swedish, both units: the summary shows the weighted total
 *   report-en.xlsx   English, both units, the summary for Kinda
 *   report-one.xlsx  Swedish, Kinda's rows only (one unit: no comparison sheet)
 *   report-valdemarsvik.xlsx  Swedish, the summary for Valdemarsvik (a
 *                    suppressed cell and low-precision notes)
 * Exits 0 when all were written, 1 otherwise (with the diagnostics on stderr).
 */
#include <stdio.h>

#include "analysis/report.h"
#include "tests/report/fixture.h"

static int write(const enk_figures *f, const char *dir, const char *name,
                 const enk_report_options *o)
{
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, name);
        enk_diags *d = enk_diags_new(0);
        enk_status st = enk_report_write(f, o, path, d);
        for (size_t i = 0; i < enk_diags_count(d); i++) {
                char *s = enk_diag_format(enk_diags_get(d, i));
                fprintf(stderr, "%s\n", s ? s : "?");
                free(s);
        }
        enk_diags_free(d);
        return st == ENK_OK ? 0 : 1;
}

int main(int argc, char **argv)
{
        if (argc != 2) {
                fprintf(stderr, "usage: write_fixture DIR\n");
                return 2;
        }
        fixture fx;
        int bad = fixture_init(&fx) != 0;
        if (!bad) {
                enk_report_options sv = {.lang = "sv", .created = 1736935200LL, .version = "0.1.0"};
                enk_report_options en = {
                    .lang = "en", .created = 1736935200LL, .version = "0.1.0", .unit = "Kinda"};
                enk_figures one = fx.f;
                one.nunits = 1;
                one.nrows = FX_YEARS * FX_ITEMS; /* Kinda's rows come first */
                bad |= write(&fx.f, argv[1], "report-sv.xlsx", &sv);
                bad |= write(&fx.f, argv[1], "report-en.xlsx", &en);
                bad |= write(&one, argv[1], "report-one.xlsx", &sv);
                sv.unit = "Valdemarsvik";
                bad |= write(&fx.f, argv[1], "report-valdemarsvik.xlsx", &sv);
        }
        fixture_release(&fx);
        return bad;
}
