/* tests/unit/test_questionnaire.c - the questionnaire loader and the model's helpers.
 *
 * Every expected value below is read off the inline YAML it is checked against
 * (counted by hand: indexes, lines and columns), never off the loader's output.
 */
#include <stdlib.h>
#include <string.h>

#include "survey/questionnaire.h"
#include "tests/unit/check.h"

/* A questionnaire that uses every concept once. Line numbers matter to the
 * location checks: the first line of the string is line 1. */
static const char full[] =
    "survey: familjehem\n"                                                 /* 1 */
    "edition: 2020\n"                                                      /* 2 */
    "languages: [sv, en]\n"                                                /* 3 */
    "title: {sv: Enkät, en: Survey}\n"                                     /* 4 */
    "intro: {sv: Hej, en: Hello}\n"                                        /* 5 */
    "scales:\n"                                                            /* 6 */
    "  - id: instamning\n"                                                 /* 7 */
    "    label: {sv: Skala, en: Scale}\n"                                  /* 8 */
    "    points:\n"                                                        /* 9 */
    "      - {value: 1, label: {sv: Inte alls, en: Not at all}}\n"         /* 10 */
    "      - {value: 2, label: {sv: Delvis, en: Partly}}\n"                /* 11 */
    "      - {value: 3, label: {sv: Helt, en: Fully}}\n"                   /* 12 */
    "    positive: [3]\n"                                                  /* 13 */
    "    not_applicable: {code: 9, label: {sv: Vet ej, en: Don't know}}\n" /* 14 */
    "  - id: tio\n"                                                        /* 15 */
    "    points:\n"                                                        /* 16 */
    "      - {value: 0, label: {sv: noll, en: zero}}\n"                    /* 17 */
    "      - {value: 10, label: {sv: tio, en: ten}}\n"                     /* 18 */
    "    positive: [10]\n"                                                 /* 19 */
    "areas:\n"                                                             /* 20 */
    "  - id: skola\n"                                                      /* 21 */
    "    label: {sv: Skolan, en: School}\n"                                /* 22 */
    "  - id: stod\n"                                                       /* 23 */
    "    label: {sv: Stöd, en: Support}\n"                                 /* 24 */
    "    description: {sv: Om stödet, en: About support}\n"                /* 25 */
    "sections:\n"                                                          /* 26 */
    "  - id: bakgrund\n"                                                   /* 27 */
    "    title: {sv: Bakgrund, en: Background}\n"                          /* 28 */
    "    questions:\n"                                                     /* 29 */
    "      - id: hemtyp\n"                                                 /* 30 */
    "        type: single\n"                                               /* 31 */
    "        required: true\n"                                             /* 32 */
    "        text: {sv: Typ?, en: Kind?}\n"                                /* 33 */
    "        options:\n"                                                   /* 34 */
    "          - {value: 1, label: {sv: Familjehem, en: Foster home}}\n"   /* 35 */
    "          - {value: 2, label: {sv: Jourhem, en: Emergency home}}\n"   /* 36 */
    "      - id: ar\n"                                                     /* 37 */
    "        type: number\n"                                               /* 38 */
    "        text: {sv: År?, en: Years?}\n"                                /* 39 */
    "        min: 0\n"                                                     /* 40 */
    "        max: 50\n"                                                    /* 41 */
    "        unit: {sv: år, en: years}\n"                                  /* 42 */
    "      - id: har_skolbarn\n"                                           /* 43 */
    "        type: yesno\n"                                                /* 44 */
    "        text: {sv: Skolbarn?, en: School child?}\n"                   /* 45 */
    "      - id: utbildningar\n"                                           /* 46 */
    "        type: multiple\n"                                             /* 47 */
    "        text: {sv: Utbildningar?, en: Training?}\n"                   /* 48 */
    "        options:\n"                                                   /* 49 */
    "          - {value: 1, label: {sv: A, en: A}}\n"                      /* 50 */
    "          - {value: 3, label: {sv: C, en: C}}\n"                      /* 51 */
    "          - {value: 30, label: {sv: Ö, en: Z}}\n"                     /* 52 */
    "  - id: skola\n"                                                      /* 53 */
    "    title: {sv: Skolan, en: School}\n"                                /* 54 */
    "    intro: {sv: Om skolan, en: About school}\n"                       /* 55 */
    "    questions:\n"                                                     /* 56 */
    "      - id: skola_samarbete\n"                                        /* 57 */
    "        type: scale\n"                                                /* 58 */
    "        scale: instamning\n"                                          /* 59 */
    "        area: skola\n"                                                /* 60 */
    "        headline: true\n"                                             /* 61 */
    "        was: samarbete_skola\n"                                       /* 62 */
    "        show_if: {question: har_skolbarn, equals: ja}\n"              /* 63 */
    "        text: {sv: Samarbetet fungerar, en: Cooperation works}\n"     /* 64 */
    "        help: {sv: Tänk på i år, en: Think of this year}\n"           /* 65 */
    "      - id: skola_grid\n"                                             /* 66 */
    "        type: grid\n"                                                 /* 67 */
    "        scale: instamning\n"                                          /* 68 */
    "        required: true\n"                                             /* 69 */
    "        area: skola\n"                                                /* 70 */
    "        show_if: {question: har_skolbarn, in: [yes]}\n"               /* 71 */
    "        text: {sv: Hur väl?, en: How well?}\n"                        /* 72 */
    "        items:\n"                                                     /* 73 */
    "          - id: skola_info\n"                                         /* 74 */
    "            text: {sv: Info, en: Info}\n"                             /* 75 */
    "          - id: skola_moten\n"                                        /* 76 */
    "            required: false\n"                                        /* 77 */
    "            area: stod\n"                                             /* 78 */
    "            was: [moten, moten_skola]\n"                              /* 79 */
    "            text: {sv: Möten, en: Meetings}\n"                        /* 80 */
    "      - id: nojd_na\n"                                                /* 81 */
    "        type: scale\n"                                                /* 82 */
    "        scale: instamning\n"                                          /* 83 */
    "        show_if: {question: skola_samarbete, in: [1, na]}\n"          /* 84 */
    "        text: {sv: Varför?, en: Why?}\n"                              /* 85 */
    "      - id: om_utb\n"                                                 /* 86 */
    "        type: number\n"                                               /* 87 */
    "        min: -5\n"                                                    /* 88 */
    "        max: 5\n"                                                     /* 89 */
    "        show_if: {question: utbildningar, in: [3, 30]}\n"             /* 90 */
    "        text: {sv: Hur?, en: How?}\n"                                 /* 91 */
    "      - id: om_ar\n"                                                  /* 92 */
    "        type: text\n"                                                 /* 93 */
    "        show_if: {question: ar, equals: 0}\n"                         /* 94 */
    "        text: {sv: Berätta, en: Tell}\n"                              /* 95 */
    "      - id: forslag\n"                                                /* 96 */
    "        type: text\n"                                                 /* 97 */
    "        rows: 6\n"                                                    /* 98 */
    "        show_if: {question: hemtyp, equals: 2}\n"                     /* 99 */
    "        text: {sv: Förslag?, en: Suggestions?}\n";                    /* 100 */

/* The indexes of the questions of `full`, in file order, grid items flattened. */
enum {
        HEMTYP,
        AR,
        HAR_SKOLBARN,
        UTBILDNINGAR,
        SKOLA_SAMARBETE,
        SKOLA_INFO,
        SKOLA_MOTEN,
        NOJD_NA,
        OM_UTB,
        OM_AR,
        FORSLAG,
        NQUESTIONS
};

static enk_questionnaire *load_full(void)
{
        enk_diags *d = enk_diags_new(0);
        enk_questionnaire *q = NULL;
        enk_status st = enk_questionnaire_parse(full, strlen(full), "full.yaml", &q, d);
        CHECK_INT(st, ENK_OK);
        CHECK_INT(enk_diags_errors(d), 0);
        for (size_t i = 0; i < enk_diags_count(d); i++) {
                char *s = enk_diag_format(enk_diags_get(d, i));
                printf("  unexpected: %s\n", s ? s : "?");
                free(s);
        }
        enk_diags_free(d);
        return q;
}

static void test_top_level(const enk_questionnaire *q)
{
        CHECK_STR(q->file, "full.yaml");
        CHECK_STR(q->survey, "familjehem");
        CHECK_INT(q->edition, 2020);
        CHECK_INT(q->nlanguages, 2);
        CHECK_STR(q->languages[0], "sv");
        CHECK_STR(q->languages[1], "en");
        CHECK_INT(enk_questionnaire_lang(q, "sv"), 0);
        CHECK_INT(enk_questionnaire_lang(q, "en"), 1);
        CHECK_INT(enk_questionnaire_lang(q, "de"), -1);
        CHECK_INT(enk_questionnaire_lang(q, NULL), -1);
        CHECK_STR(enk_text_get(&q->title, 0), "Enkät");
        CHECK_STR(enk_text_get(&q->title, 1), "Survey");
        CHECK_STR(enk_text_get(&q->intro, 1), "Hello");
        /* closing was not given: "" in every language, never NULL. */
        CHECK(q->closing.s[0] == NULL);
        CHECK_STR(enk_text_get(&q->closing, 0), "");
        CHECK_STR(enk_text_get(&q->closing, 1), "");
        /* An unknown language index falls back to the default language. */
        CHECK_STR(enk_text_get(&q->title, 5), "Enkät");
        CHECK_STR(enk_text_get(&q->title, -1), "Enkät");
        CHECK_STR(enk_text_get(NULL, 0), "");
        CHECK_INT(q->source_len, strlen(full));
        CHECK(q->source && memcmp(q->source, full, q->source_len) == 0);
}

static void test_scales(const enk_questionnaire *q)
{
        CHECK_INT(q->nscales, 2);
        const enk_scale *s = &q->scales[0];
        CHECK_STR(s->id, "instamning");
        CHECK_STR(enk_text_get(&s->label, 1), "Scale");
        CHECK_INT(s->npoints, 3);
        CHECK_INT(s->points[0].value, 1);
        CHECK_INT(s->points[2].value, 3);
        CHECK_STR(enk_text_get(&s->points[1].label, 0), "Delvis");
        CHECK_STR(enk_text_get(&s->points[1].label, 1), "Partly");
        CHECK_INT(s->npositive, 1);
        CHECK_INT(s->positive[0], 3);
        CHECK(s->has_na);
        CHECK_INT(s->na_code, 9);
        CHECK_STR(enk_text_get(&s->na_label, 1), "Don't know");
        CHECK_INT(s->loc.line, 7);
        CHECK_INT(s->loc.column, 5);
        CHECK(enk_scale_positive(s, 3));
        CHECK(!enk_scale_positive(s, 2));
        CHECK(!enk_scale_positive(s, ENK_NA));
        CHECK(!enk_scale_positive(NULL, 3));

        const enk_scale *t = &q->scales[1];
        CHECK_STR(t->id, "tio");
        CHECK(!t->has_na);
        CHECK(t->label.s[0] == NULL);
        CHECK_INT(t->points[1].value, 10);
        CHECK(enk_scale_positive(t, 10));
        CHECK(!enk_scale_positive(t, 0));
}

static void test_areas(const enk_questionnaire *q)
{
        CHECK_INT(q->nareas, 2);
        CHECK_STR(q->areas[0].id, "skola");
        CHECK_STR(enk_text_get(&q->areas[0].label, 1), "School");
        CHECK(q->areas[0].description.s[0] == NULL);
        CHECK_STR(enk_text_get(&q->areas[1].description, 0), "Om stödet");
        CHECK_INT(enk_questionnaire_area(q, "skola"), 0);
        CHECK_INT(enk_questionnaire_area(q, "stod"), 1);
        CHECK_INT(enk_questionnaire_area(q, "avlastning"), -1);
        CHECK_INT(enk_questionnaire_area(q, NULL), -1);
}

static void test_sections(const enk_questionnaire *q)
{
        CHECK_INT(q->nsections, 2);
        CHECK_STR(q->sections[0].id, "bakgrund");
        CHECK_INT(q->sections[0].first, 0);
        CHECK_INT(q->sections[0].count, 4);
        CHECK(q->sections[0].intro.s[0] == NULL);
        CHECK_STR(q->sections[1].id, "skola");
        CHECK_INT(q->sections[1].first, 4);
        /* skola_samarbete, the grid's two items, nojd_na, om_utb, om_ar, forslag */
        CHECK_INT(q->sections[1].count, 7);
        CHECK_STR(enk_text_get(&q->sections[1].intro, 1), "About school");
        CHECK_INT(q->sections[1].loc.line, 53);
        CHECK_INT(q->sections[1].loc.column, 5);
}

static void test_questions(const enk_questionnaire *q)
{
        CHECK_INT(q->nquestions, NQUESTIONS);
        static const char *const ids[NQUESTIONS] = {
            "hemtyp",          "ar",         "har_skolbarn", "utbildningar",
            "skola_samarbete", "skola_info", "skola_moten",  "nojd_na",
            "om_utb",          "om_ar",      "forslag"};
        for (int i = 0; i < NQUESTIONS; i++) {
                CHECK_STR(q->questions[i].id, ids[i]);
                CHECK_INT(enk_questionnaire_find(q, ids[i]), i);
        }
        CHECK_INT(enk_questionnaire_find(q, "skola_grid"), -1); /* a grid is not a question */
        CHECK_INT(enk_questionnaire_find(q, "nope"), -1);
        CHECK_INT(enk_questionnaire_find(NULL, "ar"), -1);

        const enk_question *hemtyp = &q->questions[HEMTYP];
        CHECK_INT(hemtyp->type, ENK_Q_SINGLE);
        CHECK(hemtyp->required);
        CHECK(!hemtyp->headline);
        CHECK_INT(hemtyp->noptions, 2);
        CHECK_INT(hemtyp->options[1].value, 2);
        CHECK_STR(enk_text_get(&hemtyp->options[1].label, 1), "Emergency home");
        CHECK_INT(hemtyp->scale, -1);
        CHECK_INT(hemtyp->area, -1);
        CHECK_INT(hemtyp->grid, -1);
        CHECK_INT(hemtyp->section, 0);
        CHECK(hemtyp->show_if == NULL);
        CHECK_INT(hemtyp->loc.line, 30);
        CHECK_INT(hemtyp->loc.column, 9);
        CHECK_STR(enk_text_get(&hemtyp->text, 0), "Typ?");

        const enk_question *ar = &q->questions[AR];
        CHECK_INT(ar->type, ENK_Q_NUMBER);
        CHECK(!ar->required);
        CHECK_INT(ar->min, 0);
        CHECK_INT(ar->max, 50);
        CHECK_STR(enk_text_get(&ar->unit, 0), "år");

        CHECK_INT(q->questions[HAR_SKOLBARN].type, ENK_Q_YESNO);
        CHECK_INT(q->questions[UTBILDNINGAR].type, ENK_Q_MULTIPLE);
        CHECK_INT(q->questions[UTBILDNINGAR].noptions, 3);
        CHECK_INT(q->questions[UTBILDNINGAR].options[2].value, 30);

        const enk_question *sam = &q->questions[SKOLA_SAMARBETE];
        CHECK_INT(sam->type, ENK_Q_SCALE);
        CHECK_INT(sam->scale, 0);
        CHECK(enk_question_scale(q, sam) == &q->scales[0]);
        CHECK(enk_question_scale(q, hemtyp) == NULL);
        CHECK_INT(sam->area, 0);
        CHECK(sam->headline);
        CHECK_INT(sam->section, 1);
        CHECK_INT(sam->nwas, 1);
        CHECK_STR(sam->was[0], "samarbete_skola");
        CHECK_STR(enk_text_get(&sam->help, 1), "Think of this year");
        CHECK(hemtyp->help.s[0] == NULL);

        CHECK_INT(q->questions[OM_AR].type, ENK_Q_TEXT);
        CHECK_INT(q->questions[OM_AR].rows, 4); /* the default */
        CHECK_INT(q->questions[FORSLAG].rows, 6);

        CHECK_STR(enk_qtype_name(ENK_Q_SCALE), "scale");
        CHECK_STR(enk_qtype_name(ENK_Q_SINGLE), "single");
        CHECK_STR(enk_qtype_name(ENK_Q_MULTIPLE), "multiple");
        CHECK_STR(enk_qtype_name(ENK_Q_YESNO), "yesno");
        CHECK_STR(enk_qtype_name(ENK_Q_NUMBER), "number");
        CHECK_STR(enk_qtype_name(ENK_Q_TEXT), "text");
        CHECK_STR(enk_qtype_name((enk_qtype) 99), "unknown");
}

static void test_grid(const enk_questionnaire *q)
{
        CHECK_INT(q->ngrids, 1);
        const enk_grid *g = &q->grids[0];
        CHECK_STR(g->id, "skola_grid");
        CHECK_STR(enk_text_get(&g->text, 1), "How well?");
        CHECK_INT(g->scale, 0);
        CHECK_INT(g->first, SKOLA_INFO);
        CHECK_INT(g->count, 2);
        CHECK_INT(g->loc.line, 66);
        CHECK_INT(g->loc.column, 9);

        const enk_question *info = &q->questions[SKOLA_INFO];
        const enk_question *moten = &q->questions[SKOLA_MOTEN];
        CHECK_INT(info->type, ENK_Q_SCALE);
        CHECK_INT(info->scale, 0);
        CHECK_INT(info->grid, 0);
        CHECK_INT(info->section, 1);
        CHECK(info->required);     /* the grid's default */
        CHECK(!moten->required);   /* its own */
        CHECK_INT(info->area, 0);  /* the grid's default */
        CHECK_INT(moten->area, 1); /* its own */
        CHECK_STR(enk_text_get(&moten->text, 0), "Möten");
        CHECK_INT(moten->loc.line, 76);
        CHECK_INT(moten->loc.column, 13);
        /* The grid's show_if applies to every item. */
        CHECK(info->show_if != NULL);
        CHECK(info->show_if == moten->show_if);
        if (info->show_if) {
                CHECK_INT(info->show_if->question, HAR_SKOLBARN);
                CHECK_INT(info->show_if->nvalues, 1);
                CHECK_INT(info->show_if->values[0], 1);
        }
}

static void test_links(const enk_questionnaire *q)
{
        CHECK_INT(enk_questionnaire_find_linked(q, "samarbete_skola"), SKOLA_SAMARBETE);
        CHECK_INT(enk_questionnaire_find_linked(q, "skola_samarbete"), SKOLA_SAMARBETE);
        CHECK_INT(enk_questionnaire_find_linked(q, "moten"), SKOLA_MOTEN);
        CHECK_INT(enk_questionnaire_find_linked(q, "moten_skola"), SKOLA_MOTEN);
        CHECK_INT(enk_questionnaire_find_linked(q, "hemtyp"), HEMTYP);
        CHECK_INT(enk_questionnaire_find_linked(q, "gammal"), -1);
        CHECK_INT(enk_questionnaire_find(q, "samarbete_skola"), -1);
        CHECK_INT(q->questions[SKOLA_MOTEN].nwas, 2);
}

static void test_allows(const enk_questionnaire *q)
{
        const enk_question *qs = q->questions;
        /* scale 1..3 with not applicable */
        CHECK(enk_question_allows(q, &qs[SKOLA_SAMARBETE], 1));
        CHECK(enk_question_allows(q, &qs[SKOLA_SAMARBETE], 3));
        CHECK(!enk_question_allows(q, &qs[SKOLA_SAMARBETE], 0));
        CHECK(!enk_question_allows(q, &qs[SKOLA_SAMARBETE], 4));
        CHECK(!enk_question_allows(q, &qs[SKOLA_SAMARBETE], 9)); /* the NA code is ENK_NA */
        CHECK(enk_question_allows(q, &qs[SKOLA_SAMARBETE], ENK_NA));
        CHECK(!enk_question_allows(q, &qs[SKOLA_SAMARBETE], ENK_MISSING));
        CHECK(enk_question_allows(q, &qs[SKOLA_INFO], ENK_NA));
        /* single: options 1, 2 */
        CHECK(enk_question_allows(q, &qs[HEMTYP], 1));
        CHECK(enk_question_allows(q, &qs[HEMTYP], 2));
        CHECK(!enk_question_allows(q, &qs[HEMTYP], 3));
        CHECK(!enk_question_allows(q, &qs[HEMTYP], ENK_NA));
        /* multiple: options 1, 3, 30 are bits 0, 2, 29 */
        CHECK(enk_question_allows(q, &qs[UTBILDNINGAR], 1 << 0));
        CHECK(enk_question_allows(q, &qs[UTBILDNINGAR], (1 << 0) | (1 << 2)));
        CHECK(enk_question_allows(q, &qs[UTBILDNINGAR], (1 << 0) | (1 << 2) | (1 << 29)));
        CHECK(!enk_question_allows(q, &qs[UTBILDNINGAR], 1 << 1)); /* option 2 does not exist */
        CHECK(!enk_question_allows(q, &qs[UTBILDNINGAR], (1 << 0) | (1 << 1)));
        CHECK(!enk_question_allows(q, &qs[UTBILDNINGAR], 0));
        CHECK(!enk_question_allows(q, &qs[UTBILDNINGAR], ENK_NA));
        CHECK(!enk_question_allows(q, &qs[UTBILDNINGAR], -1));
        /* yes/no */
        CHECK(enk_question_allows(q, &qs[HAR_SKOLBARN], 0));
        CHECK(enk_question_allows(q, &qs[HAR_SKOLBARN], 1));
        CHECK(!enk_question_allows(q, &qs[HAR_SKOLBARN], 2));
        /* number in [0, 50] and [-5, 5] */
        CHECK(enk_question_allows(q, &qs[AR], 0));
        CHECK(enk_question_allows(q, &qs[AR], 50));
        CHECK(!enk_question_allows(q, &qs[AR], 51));
        CHECK(!enk_question_allows(q, &qs[AR], -1));
        CHECK(enk_question_allows(q, &qs[OM_UTB], -5));
        CHECK(!enk_question_allows(q, &qs[OM_UTB], -6));
        CHECK(!enk_question_allows(q, &qs[AR], ENK_NA));
        /* free text: 1 when given */
        CHECK(enk_question_allows(q, &qs[FORSLAG], 1));
        CHECK(!enk_question_allows(q, &qs[FORSLAG], 0));
        CHECK(!enk_question_allows(NULL, &qs[FORSLAG], 1));
        CHECK(!enk_question_allows(q, NULL, 1));
}

static void test_shown(const enk_questionnaire *q)
{
        const enk_question *qs = q->questions;
        int32_t v[NQUESTIONS];
        for (int i = 0; i < NQUESTIONS; i++)
                v[i] = ENK_MISSING;

        CHECK(enk_question_shown(q, &qs[HEMTYP], v)); /* no condition */
        /* yes/no condition "ja" is 1 */
        CHECK(!enk_question_shown(q, &qs[SKOLA_SAMARBETE], v)); /* not answered */
        v[HAR_SKOLBARN] = 0;
        CHECK(!enk_question_shown(q, &qs[SKOLA_SAMARBETE], v));
        CHECK(!enk_question_shown(q, &qs[SKOLA_MOTEN], v));
        v[HAR_SKOLBARN] = 1;
        CHECK(enk_question_shown(q, &qs[SKOLA_SAMARBETE], v));
        CHECK(enk_question_shown(q, &qs[SKOLA_INFO], v));
        CHECK(enk_question_shown(q, &qs[SKOLA_MOTEN], v));

        /* scale condition [1, na] */
        const enk_condition *c = qs[NOJD_NA].show_if;
        CHECK(c != NULL);
        if (c) {
                CHECK_INT(c->question, SKOLA_SAMARBETE);
                CHECK_INT(c->nvalues, 2);
                CHECK_INT(c->values[0], 1);
                CHECK_INT(c->values[1], ENK_NA);
        }
        v[SKOLA_SAMARBETE] = 1;
        CHECK(enk_question_shown(q, &qs[NOJD_NA], v));
        v[SKOLA_SAMARBETE] = 2;
        CHECK(!enk_question_shown(q, &qs[NOJD_NA], v));
        v[SKOLA_SAMARBETE] = ENK_NA;
        CHECK(enk_question_shown(q, &qs[NOJD_NA], v));

        /* multiple: shown when option 3 or 30 is among those chosen */
        v[UTBILDNINGAR] = 1 << 0;
        CHECK(!enk_question_shown(q, &qs[OM_UTB], v));
        v[UTBILDNINGAR] = (1 << 0) | (1 << 2);
        CHECK(enk_question_shown(q, &qs[OM_UTB], v));
        v[UTBILDNINGAR] = 1 << 29;
        CHECK(enk_question_shown(q, &qs[OM_UTB], v));

        /* number equals 0 */
        v[AR] = 0;
        CHECK(enk_question_shown(q, &qs[OM_AR], v));
        v[AR] = 3;
        CHECK(!enk_question_shown(q, &qs[OM_AR], v));

        /* single equals 2 */
        v[HEMTYP] = 1;
        CHECK(!enk_question_shown(q, &qs[FORSLAG], v));
        v[HEMTYP] = 2;
        CHECK(enk_question_shown(q, &qs[FORSLAG], v));
}

/* Parses yaml; checks the status, and that the diagnostics formatted as text
 * are exactly want (one "LINE:COLUMN: error: MESSAGE" per line, file "t.yaml"). */
static void expect_diags(int line, const char *yaml, enk_status want_status, const char *want)
{
        enk_diags *d = enk_diags_new(0);
        enk_questionnaire *q = (enk_questionnaire *) &q; /* must stay untouched on failure */
        enk_questionnaire *before = q;
        enk_status st = enk_questionnaire_parse(yaml, strlen(yaml), "t.yaml", &q, d);
        char got[4096] = "";
        size_t len = 0;
        for (size_t i = 0; i < enk_diags_count(d); i++) {
                char *s = enk_diag_format(enk_diags_get(d, i));
                if (s && len < sizeof(got))
                        len += (size_t) snprintf(got + len, sizeof(got) - len, "%s\n", s);
                free(s);
        }
        check_count++;
        if (st != want_status || strcmp(got, want) != 0) {
                check_failures++;
                printf("%s:%d: status %d, want %d; diagnostics:\n%s--- want:\n%s---\n", __FILE__,
                       line, st, want_status, got, want);
        }
        if (st == ENK_OK)
                enk_questionnaire_free(q);
        else
                CHECK(q == before);
        enk_diags_free(d);
}

#define HEAD "survey: s\nedition: 2020\nlanguages: [sv]\ntitle: T\n"

static void test_errors(void)
{
        /* One language: plain strings are texts. A minimal valid file. */
        expect_diags(__LINE__,
                     HEAD "sections:\n"
                          "  - {id: a, title: A, questions: [{id: q, type: yesno, text: Q}]}\n",
                     ENK_OK, "");
        /* Syntax errors stop at once, with libyaml's text and place. */
        expect_diags(__LINE__, "a: [1, 2\n", ENK_ERR_SYNTAX,
                     "t.yaml:2:1: error: invalid YAML: did not find expected ',' or ']' (while "
                     "parsing a flow sequence that started at 1:4)\n");
        expect_diags(__LINE__, "", ENK_ERR_SCHEMA,
                     "t.yaml:1:1: error: empty file: expected a questionnaire\n");
        expect_diags(__LINE__, "- 1\n", ENK_ERR_SCHEMA,
                     "t.yaml:1:1: error: expected a questionnaire (a mapping), got a list\n");
        /* Every problem is reported, sorted by place. */
        expect_diags(__LINE__,
                     HEAD "edition: 1\n"
                          "sections:\n"
                          "  - id: A\n"
                          "    title: x\n"
                          "    questions:\n"
                          "      - {id: q, type: number, text: Q, min: 3, max: 3}\n"
                          "      - {id: q, type: yesno, txt: Q}\n",
                     ENK_ERR_SCHEMA,
                     "t.yaml:5:1: error: duplicate key 'edition' (first at 2:1)\n"
                     "t.yaml:7:9: error: bad id 'A' (an id is 1 to 64 characters of a-z, 0-9 "
                     "and _, starting with a letter)\n"
                     "t.yaml:10:53: error: max 3 is not greater than min 3\n"
                     "t.yaml:11:9: error: missing required key 'text' in question 'q'\n"
                     "t.yaml:11:14: error: duplicate question id 'q' (first defined at 10:14)\n"
                     "t.yaml:11:30: error: unknown key 'txt' (did you mean 'text'?)\n");
        /* More than one language: a plain string is not enough. */
        expect_diags(__LINE__,
                     "survey: s\nedition: 2020\nlanguages: [sv, en]\ntitle: T\n"
                     "sections: [{id: a, title: {sv: A}, questions: [{id: q, type: yesno, "
                     "text: {sv: Q, en: Q, de: Q}}]}]\n",
                     ENK_ERR_SCHEMA,
                     "t.yaml:4:8: error: expected a text in every language (sv, en), got a plain "
                     "string\n"
                     "t.yaml:5:27: error: missing text in language 'en'\n"
                     "t.yaml:5:90: error: undeclared language 'de' in a text (the languages are "
                     "sv, en)\n");
        /* Anchors and aliases are refused, never expanded. */
        expect_diags(__LINE__, HEAD "intro: &x T\nclosing: *x\nsections: []\n", ENK_ERR_SCHEMA,
                     "t.yaml:5:8: error: YAML anchors ('&x') are not supported: write the value "
                     "out\n"
                     "t.yaml:6:10: error: YAML aliases ('*x') are not supported: write the value "
                     "out\n"
                     "t.yaml:7:11: error: expected at least one section, got an empty list\n");
}

/* Issue 18, point 3: a data file names an answer by code or label in one
 * lookup, so no label may be another answer's code, and no two answers may
 * share a label but for case and blanks. */
static void test_ambiguous_labels(void)
{
#define SINGLE(opts)                                                                               \
        HEAD "sections:\n"                                                                         \
             "  - id: a\n"                                                                         \
             "    title: A\n"                                                                      \
             "    questions:\n"                                                                    \
             "      - id: barn\n"                                                                  \
             "        type: single\n"                                                              \
             "        text: Antal barn?\n"                                                         \
             "        options:\n" opts
        /* The case: labels 0, 1, 2 on the options 1, 2, 3 ("1" would
         * be read as option 1, not 2). Line 13 is the first option, its label at column 31. */
        expect_diags(__LINE__,
                     SINGLE("          - {value: 1, label: '0'}\n"
                            "          - {value: 2, label: '1'}\n"
                            "          - {value: 3, label: '2'}\n"
                            "          - {value: 4, label: 3 eller fler}\n"),
                     ENK_ERR_SCHEMA,
                     "t.yaml:14:31: error: label '1' of option 2 is the value of option 1: a "
                     "data file's '1' could mean either\n"
                     "t.yaml:15:31: error: label '2' of option 3 is the value of option 2: a "
                     "data file's '2' could mean either\n");
        /* As the import reads a number: "+1" and " 01 " are 1 too. */
        expect_diags(__LINE__,
                     SINGLE("          - {value: 1, label: Ett}\n"
                            "          - {value: 2, label: '+1'}\n"
                            "          - {value: 3, label: ' 01 '}\n"),
                     ENK_ERR_SCHEMA,
                     "t.yaml:14:31: error: label '+1' of option 2 is the value of option 1: a "
                     "data file's '+1' could mean either\n"
                     "t.yaml:15:31: error: label ' 01 ' of option 3 is the value of option 1: a "
                     "data file's ' 01 ' could mean either\n");
        /* Equal labels, also but for case (Å/å too) and blanks. */
        expect_diags(__LINE__,
                     SINGLE("          - {value: 1, label: Ja}\n"
                            "          - {value: 2, label: Ja}\n"
                            "          - {value: 3, label: ÅRLIGEN  ibland}\n"
                            "          - {value: 4, label: årligen ibland}\n"),
                     ENK_ERR_SCHEMA,
                     "t.yaml:14:31: error: label 'Ja' of option 2 is also the label of option 1 "
                     "(at 13:31)\n"
                     "t.yaml:16:31: error: label 'årligen ibland' of option 4 is also the label "
                     "of option 3 (at 15:31) when case and blanks are ignored\n");
        /* Fine: a label that is its own option's code, numbers that are no
         * option's code, labels that differ. */
        expect_diags(__LINE__,
                     SINGLE("          - {value: 1, label: '1'}\n"
                            "          - {value: 2, label: '5'}\n"
                            "          - {value: 3, label: 'Ja, men sällan'}\n"
                            "          - {value: 4, label: Ja}\n"),
                     ENK_OK, "");
#undef SINGLE
        /* Across languages, and in a scale: points against each other and the
         * not-applicable answer's code and label. One language's labels of one
         * point may be alike ("OK" in both). */
        expect_diags(__LINE__,
                     "survey: s\nedition: 2020\nlanguages: [sv, en]\ntitle: {sv: T, en: T}\n"
                     "scales:\n"
                     "  - id: s\n"
                     "    points:\n"
                     "      - {value: 1, label: {sv: OK, en: OK}}\n"
                     "      - {value: 2, label: {sv: Bra, en: '9'}}\n"
                     "      - {value: 3, label: {sv: Mycket bra, en: ok}}\n"
                     "    positive: [3]\n"
                     "    not_applicable: {code: 9, label: {sv: '3', en: Don't know}}\n"
                     "sections: [{id: a, title: {sv: A, en: A}, questions: [{id: q, type: scale, "
                     "scale: s, text: {sv: Q, en: Q}}]}]\n",
                     ENK_ERR_SCHEMA,
                     "t.yaml:9:41: error: label '9' of point 2 is the code of the "
                     "not-applicable answer: a data file's '9' could mean either\n"
                     "t.yaml:10:48: error: label 'ok' of point 3 is also the label of point 1 "
                     "(at 8:32) when case and blanks are ignored\n"
                     "t.yaml:12:43: error: label '3' of the not-applicable answer is the value "
                     "of point 3: a data file's '3' could mean either\n");
}

static void test_api_edges(void)
{
        enk_diags *d = enk_diags_new(0);
        enk_questionnaire *q = NULL;
        enk_questionnaire_free(NULL); /* a no-op */
        CHECK_INT(enk_questionnaire_parse(NULL, 1, "x", &q, d), ENK_ERR_USAGE);
        CHECK_INT(enk_questionnaire_parse("a: 1", 4, "x", NULL, d), ENK_ERR_USAGE);
        CHECK_INT(enk_questionnaire_load(NULL, &q, d), ENK_ERR_USAGE);
        CHECK(q == NULL);
        CHECK_INT(enk_questionnaire_load("/nonexistent/q.yaml", &q, d), ENK_ERR_IO);
        CHECK(q == NULL);
        CHECK_INT(enk_diags_errors(d), 1);
        const enk_diag *dg = enk_diags_get(d, 0);
        CHECK(dg && dg->file && strcmp(dg->file, "/nonexistent/q.yaml") == 0);
        enk_diags_free(d);

        /* The buffer need not end in NUL: only len bytes are read. */
        char buf[] =
            HEAD "sections: [{id: a, title: A, questions: [{id: q, type: yesno, text: Q}]}]"
                 "GARBAGE: [";
        size_t len = strlen(buf) - strlen("GARBAGE: [");
        buf[len] = 'X'; /* no NUL at len */
        q = NULL;
        CHECK_INT(enk_questionnaire_parse(buf, len, "buf", &q, NULL), ENK_OK);
        CHECK(q && q->nquestions == 1);
        enk_questionnaire_free(q);

        /* The loader reads the example from disk like the CLI does. */
        q = NULL;
        d = enk_diags_new(0);
        CHECK_INT(enk_questionnaire_load("examples/familjehem.yaml", &q, d), ENK_OK);
        CHECK(q && strcmp(q->survey, "familjehem") == 0);
        enk_questionnaire_free(q);
        enk_diags_free(d);
}

/* Hostile inputs end in one clear error, never a crash or a huge allocation. */
static void test_limits(void)
{
        /* 4 MiB is the limit: one byte more is refused before parsing. */
        size_t big = ((size_t) 4 << 20) + 1;
        char *buf = malloc(big);
        CHECK(buf != NULL);
        if (!buf)
                return;
        memset(buf, ' ', big);
        enk_diags *d = enk_diags_new(0);
        enk_questionnaire *q = NULL;
        CHECK_INT(enk_questionnaire_parse(buf, big, "big.yaml", &q, d), ENK_ERR_SYNTAX);
        CHECK(q == NULL);
        CHECK_INT(enk_diags_count(d), 1);
        CHECK(strstr(enk_diags_get(d, 0)->message, "too large") != NULL);
        enk_diags_free(d);

        /* Nesting: the root mapping is level 1, so the 64th '[' (column 4 + 63)
         * is level 65, one too deep. */
        size_t len = (size_t) snprintf(buf, big, "a: ");
        for (int i = 0; i < 1000; i++)
                buf[len++] = '[';
        expect_diags(__LINE__, (buf[len] = '\0', buf), ENK_ERR_SYNTAX,
                     "t.yaml:1:67: error: YAML nested too deeply (more than 64 levels)\n");

        /* Values: the root mapping, the key 'a', the list and then list items;
         * the 200 001st value is item 199 998, at column 5 + 2 * 199 997. */
        len = (size_t) snprintf(buf, big, "a: [");
        for (int i = 0; i < 250000; i++)
                len += (size_t) snprintf(buf + len, big - len, "1,");
        buf[len - 1] = ']';
        expect_diags(__LINE__, buf, ENK_ERR_SYNTAX,
                     "t.yaml:1:399999: error: too many YAML values (more than 200000)\n");
        free(buf);

        expect_diags(__LINE__, "a: 1\n---\nb: 2\n", ENK_ERR_SYNTAX,
                     "t.yaml:2:1: error: expected one YAML document, found a second one\n");
        /* A NUL byte in the text itself is not YAML; one from an escape is
         * refused as a control character. */
        expect_diags(__LINE__, "a: \"x\\0y\"\n", ENK_ERR_SCHEMA,
                     "t.yaml:1:1: error: unknown key 'a'\n"
                     "t.yaml:1:1: error: missing required key 'survey' in the questionnaire\n"
                     "t.yaml:1:1: error: missing required key 'edition' in the questionnaire\n"
                     "t.yaml:1:1: error: missing required key 'languages' in the questionnaire\n"
                     "t.yaml:1:1: error: missing required key 'title' in the questionnaire\n"
                     "t.yaml:1:1: error: missing required key 'sections' in the questionnaire\n"
                     "t.yaml:1:4: error: a control character (0x00) is not allowed in a string\n");
}

/* n copies of the UTF-8 character ch, in a static buffer (one of eight). */
static const char *rep(const char *ch, size_t n)
{
        static char bufs[8][6 * 5001];
        static int next;
        char *b = bufs[next++ % 8];
        size_t len = strlen(ch), i;
        for (i = 0; i < n && (i + 1) * len < sizeof(bufs[0]); i++)
                memcpy(b + i * len, ch, len);
        b[i * len] = '\0';
        return b;
}

/* Issue 18, point 15: every kind of text has a limit in characters (not
 * bytes: 'Å' is two bytes), given in questionnaire.h and docs/questionnaire.md. */
static void test_text_limits(void)
{
        CHECK_INT(ENK_TEXT_TITLE_MAX, 200);
        CHECK_INT(ENK_TEXT_LABEL_MAX, 200);
        CHECK_INT(ENK_TEXT_QUESTION_MAX, 1000);
        CHECK_INT(ENK_TEXT_HELP_MAX, 1000);
        CHECK_INT(ENK_TEXT_LONG_MAX, 5000);
        static char yaml[200000];
        /* Every text at its limit: fine. */
        snprintf(yaml, sizeof(yaml),
                 "survey: s\nedition: 2020\nlanguages: [sv]\ntitle: %s\nintro: %s\n"
                 "closing: %s\n",
                 rep("Å", 200), rep("Å", 5000), rep("x", 5000));
        size_t len = strlen(yaml);
        snprintf(yaml + len, sizeof(yaml) - len,
                 "areas: [{id: a, label: %s, description: %s}]\n"
                 "sections:\n"
                 "  - id: s\n"
                 "    title: %s\n"
                 "    questions:\n"
                 "      - {id: q, type: number, min: 0, max: 9, area: a, text: %s, help: %s, "
                 "unit: %s}\n",
                 rep("Ä", 200), rep("Ö", 5000), rep("é", 200), rep("x", 1000), rep("ü", 1000),
                 rep("å", 200));
        expect_diags(__LINE__, yaml, ENK_OK,
                     "t.yaml:7:9: warning: area 'a' has no scale question\n");
        /* One character more, each at its place (line 4 is the title). */
        snprintf(yaml, sizeof(yaml),
                 "survey: s\nedition: 2020\nlanguages: [sv]\ntitle: %s\nintro: %s\n"
                 "closing: %s\n",
                 rep("Å", 201), rep("Å", 5001), rep("x", 5001));
        len = strlen(yaml);
        snprintf(yaml + len, sizeof(yaml) - len,
                 "areas: [{id: a, label: %s, description: %s}]\n"
                 "sections:\n"
                 "  - id: s\n"
                 "    title: %s\n"
                 "    questions:\n"
                 "      - {id: q, type: number, min: 0, max: 9, area: a, text: %s, help: %s, "
                 "unit: %s}\n",
                 rep("Ä", 201), rep("Ö", 5001), rep("é", 201), rep("x", 1001), rep("ü", 1001),
                 rep("å", 201));
        /* Columns: line 7 "areas: [{id: a, label: " is 23 characters, then
         * 201 labels and ", description: " (15); line 12 "      - {id: q,
         * type: number, min: 0, max: 9, area: a, text: " is 61 characters,
         * then 1001, ", help: " (8), 1001, ", unit: " (8). */
        expect_diags(__LINE__, yaml, ENK_ERR_SCHEMA,
                     "t.yaml:4:8: error: title too long: 201 characters (the limit is 200)\n"
                     "t.yaml:5:8: error: intro too long: 5001 characters (the limit is 5000)\n"
                     "t.yaml:6:10: error: closing text too long: 5001 characters (the limit is "
                     "5000)\n"
                     "t.yaml:7:24: error: label too long: 201 characters (the limit is 200)\n"
                     "t.yaml:7:240: error: description too long: 5001 characters (the limit is "
                     "5000)\n"
                     "t.yaml:10:12: error: title too long: 201 characters (the limit is 200)\n"
                     "t.yaml:12:62: error: question text too long: 1001 characters (the limit "
                     "is 1000)\n"
                     "t.yaml:12:1071: error: help text too long: 1001 characters (the limit is "
                     "1000)\n"
                     "t.yaml:12:2080: error: unit too long: 201 characters (the limit is 200)\n");
}

/* The one rule for the latest of several editions, and for mapping an
 * earlier edition's question onto it (used by figures and export alike). */
static enk_questionnaire *edition_yaml(int year, const char *q1, const char *was, const char *type)
{
        char yaml[1024];
        snprintf(yaml, sizeof yaml,
                 "survey: s\nedition: %d\nlanguages: [sv]\ntitle: T\n"
                 "scales:\n  - id: tre\n    points:\n      - {value: 1, label: Nej}\n"
                 "      - {value: 2, label: Delvis}\n      - {value: 3, label: Ja}\n"
                 "    positive: [3]\n"
                 "sections:\n  - id: s\n    title: S\n    questions:\n"
                 "      - {id: %s, %s%s%stype: %s, text: X%s}\n"
                 "      - {id: fri, type: text, text: Y}\n",
                 year, q1, was ? "was: " : "", was ? was : "", was ? ", " : "", type,
                 strcmp(type, "scale") == 0 ? ", scale: tre" : "");
        enk_diags *d = enk_diags_new(0);
        enk_questionnaire *q = NULL;
        CHECK_INT(enk_questionnaire_parse(yaml, strlen(yaml), "e.yaml", &q, d), ENK_OK);
        enk_diags_free(d);
        return q;
}

static void test_latest_and_map(void)
{
        enk_questionnaire *old = edition_yaml(2019, "nojd", NULL, "scale");
        enk_questionnaire *a = edition_yaml(2020, "nojd_a", "nojd", "scale");
        enk_questionnaire *b = edition_yaml(2020, "nojd_b", "nojd", "scale");
        enk_questionnaire *t = edition_yaml(2021, "nojd_t", "nojd", "yesno");
        if (!old || !a || !b || !t)
                goto out;
        /* the highest year wins; among equal years the one added last
         * (highest order), wherever it stands in the array */
        const enk_questionnaire *eds[] = {b, old, a};
        int64_t order[] = {7, 3, 5};
        CHECK_INT(enk_questionnaire_latest(eds, order, 3), 0);
        int64_t order2[] = {5, 3, 7};
        CHECK_INT(enk_questionnaire_latest(eds, order2, 3), 2);
        const enk_questionnaire *eds3[] = {b, t, a};
        CHECK_INT(enk_questionnaire_latest(eds3, order, 3), 1);
        CHECK_INT(enk_questionnaire_latest(eds, order, 0), 0);
        /* mapping: itself, through `was`, and not across a change of type */
        CHECK_INT(enk_questionnaire_map(b, b, 0), 0);
        CHECK_INT(enk_questionnaire_map(b, old, 0), 0);
        CHECK_INT(enk_questionnaire_map(b, old, 1), 1);  /* fri: same id, same type */
        CHECK_INT(enk_questionnaire_map(t, old, 0), -1); /* scale -> yes/no */
        CHECK_INT(enk_questionnaire_map(b, old, 2), -1); /* no such question */
        CHECK_INT(enk_questionnaire_map(NULL, old, 0), -1);
out:
        enk_questionnaire_free(old);
        enk_questionnaire_free(a);
        enk_questionnaire_free(b);
        enk_questionnaire_free(t);
}

/* The title a wave shows: the year after it, an older title's year replaced. */
static void test_title_with_year(void)
{
        char buf[ENK_TITLE_YEAR_CAP];
        CHECK_STR(enk_title_with_year("Enkät till familjehem", 2025, buf, sizeof buf),
                  "Enkät till familjehem 2025");
        CHECK_STR(
            enk_title_with_year("Enkät till familjehem och jourhem 2020", 2025, buf, sizeof buf),
            "Enkät till familjehem och jourhem 2025");
        CHECK_STR(enk_title_with_year("Enkät 2020 ", 2021, buf, sizeof buf), "Enkät 2021");
        /* not a year: a number that is part of the title stays */
        CHECK_STR(enk_title_with_year("Enkät 12345", 2021, buf, sizeof buf), "Enkät 12345 2021");
        CHECK_STR(enk_title_with_year("Enkät nr 3000", 2021, buf, sizeof buf),
                  "Enkät nr 3000 2021");
        CHECK_STR(enk_title_with_year("Enkät 2020", 0, buf, sizeof buf), "Enkät 2020");
        char small[8];
        CHECK_STR(enk_title_with_year("Enkät till familjehem", 2025, small, sizeof small),
                  "Enkät ");
}

int main(void)
{
        enk_questionnaire *q = load_full();
        if (q) {
                test_top_level(q);
                test_scales(q);
                test_areas(q);
                test_sections(q);
                test_questions(q);
                test_grid(q);
                test_links(q);
                test_allows(q);
                test_shown(q);
                enk_questionnaire_free(q);
        }
        test_errors();
        test_ambiguous_labels();
        test_text_limits();
        test_api_edges();
        test_limits();
        test_latest_and_map();
        test_title_with_year();
        return check_report();
}
