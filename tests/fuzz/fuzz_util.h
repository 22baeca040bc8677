/* tests/fuzz/fuzz_util.h - the questionnaire the response-reading fuzz targets share.
 *
 * fuzz_csvin.c (a CSV response file) and fuzz_webform.c (a web form
 * submission) read answers for the same fixed small questionnaire, one that
 * uses every question type, skip logic and a grid, so that both readers are
 * held to the same answers. Header-only: each target is one translation unit.
 */
#ifndef ENK_FUZZ_UTIL_H
#define ENK_FUZZ_UTIL_H

#include "survey/questionnaire.h"

static const char fuzz_yaml[] =
    "survey: fuzz\n"
    "edition: 2020\n"
    "languages: [sv, en]\n"
    "title: {sv: Fuzz, en: Fuzz}\n"
    "scales:\n"
    "  - id: s\n"
    "    points:\n"
    "      - {value: 1, label: {sv: Inte alls, en: Not at all}}\n"
    "      - {value: 2, label: {sv: Delvis, en: Partly}}\n"
    "      - {value: 3, label: {sv: Helt, en: Fully}}\n"
    "    positive: [3]\n"
    "    not_applicable: {code: 9, label: {sv: Vet ej, en: Don't know}}\n"
    "sections:\n"
    "  - id: a\n"
    "    title: {sv: A, en: A}\n"
    "    questions:\n"
    "      - {id: typ, type: single, required: true, text: {sv: Typ?, en: Kind?},\n"
    "         options: [{value: 1, label: {sv: Ett, en: One}},\n"
    "                   {value: 2, label: {sv: \"Två, tre\", en: Two}}]}\n"
    "      - {id: antal, type: number, min: -5, max: 15, text: {sv: Antal?, en: "
    "Count?}}\n"
    "      - {id: barn, type: yesno, text: {sv: Barn?, en: Child?}}\n"
    "      - {id: skola, type: scale, scale: s, show_if: {question: barn, equals: yes},\n"
    "         text: {sv: Skola?, en: School?}}\n"
    "      - id: g\n"
    "        type: grid\n"
    "        scale: s\n"
    "        text: {sv: Grid, en: Grid}\n"
    "        items:\n"
    "          - {id: g1, required: true, text: {sv: Ett, en: One}}\n"
    "          - {id: g2, text: {sv: Två, en: Two}}\n"
    "      - {id: kurs, type: multiple, text: {sv: Kurser?, en: Courses?},\n"
    "         options: [{value: 1, label: {sv: A, en: A}}, {value: 2, label: {sv: B, en: "
    "B}},\n"
    "                   {value: 30, label: {sv: C, en: C}}]}\n"
    "      - {id: nytta, type: scale, scale: s, show_if: {question: kurs, in: [1, 30]},\n"
    "         text: {sv: Nytta?, en: Use?}}\n"
    "      - {id: fritt, type: text, text: {sv: Övrigt?, en: Other?}}\n";

/* The questionnaire of fuzz_yaml, parsed on the first call and kept for the
 * process (the fuzzer runs many inputs; leak checking ignores what stays
 * reachable). Traps when it does not parse: the target would test nothing. */
static enk_questionnaire *fuzz_questionnaire(void)
{
        static enk_questionnaire *q;
        if (!q) {
                enk_diags *d = enk_diags_new(0);
                if (enk_questionnaire_parse(fuzz_yaml, sizeof(fuzz_yaml) - 1, "fuzz.yaml", &q, d) !=
                    ENK_OK)
                        __builtin_trap();
                enk_diags_free(d);
        }
        return q;
}

#endif
