/* tests/unit/test_collate.c - Swedish alphabetical order (survey/collate.h).
 *
 * The expected order is the Swedish alphabet as the Swedish Academy's
 * word list (SAOL) orders it: A-Z, then Å, Ä, Ö; capitals and small letters
 * are the same letter; É sorts as E and Ü as Y; a shorter word that is the
 * start of a longer one comes first. */
#include <stdlib.h>
#include <string.h>

#include "survey/collate.h"
#include "tests/unit/check.h"

int main(void)
{
        /* byte order would say otherwise in every pair */
        CHECK(enk_collate_sv("Åre", "Älmhult") < 0); /* Å before Ä (bytes: C3 85 > C3 84) */
        CHECK(enk_collate_sv("Älmhult", "Örebro") < 0);
        CHECK(enk_collate_sv("alingsås", "Ystad") < 0); /* case does not come first */
        CHECK(enk_collate_sv("Zinkgruvan", "Åre") < 0); /* Å after Z */
        CHECK(enk_collate_sv("Ödeshög", "Övertorneå") < 0);
        CHECK(enk_collate_sv("Enköping", "Éclair") > 0);  /* É is E: "Ec" before "En" */
        CHECK(enk_collate_sv("Ueberg", "Übersee") < 0);   /* Ü is Y: after U */
        CHECK(enk_collate_sv("Vara", "Vara kommun") < 0); /* a prefix first */
        CHECK(enk_collate_sv("Norra", "Norra") == 0);
        /* equal to the collation, yet different: never 0, and antisymmetric */
        CHECK(enk_collate_sv("norra", "Norra") != 0);
        CHECK((enk_collate_sv("norra", "Norra") < 0) == (enk_collate_sv("Norra", "norra") > 0));

        const char *v[] = {"Örebro", "Ystad", "Åre", "alingsås", "Älmhult", "Zinkgruvan", "Borås"};
        const char *want[] = {"alingsås", "Borås",   "Ystad", "Zinkgruvan",
                              "Åre",      "Älmhult", "Örebro"};
        qsort(v, sizeof(v) / sizeof(v[0]), sizeof(v[0]), enk_collate_sv_ptr);
        for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
                CHECK_STR(v[i], want[i]);
        return check_report();
}
