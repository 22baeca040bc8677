/* survey/lang.c - the language of a run's own words (survey/lang.h). */
#include "survey/lang.h"

#include <stdio.h>
#include <string.h>

bool enk_lang_parse(const char *code, enk_lang *out)
{
        if (!code)
                return false;
        if (strcmp(code, "sv") == 0)
                *out = ENK_LANG_SV;
        else if (strcmp(code, "en") == 0)
                *out = ENK_LANG_EN;
        else
                return false;
        return true;
}

enk_lang enk_lang_of(const char *code)
{
        return code && strcmp(code, "en") == 0 ? ENK_LANG_EN : ENK_LANG_SV;
}

bool enk_lang_date(enk_lang lang, const char *iso, char out[32])
{
        static const enk_lang_pair months[12] = {
            {"januari", "January"}, {"februari", "February"}, {"mars", "March"},
            {"april", "April"},     {"maj", "May"},           {"juni", "June"},
            {"juli", "July"},       {"augusti", "August"},    {"september", "September"},
            {"oktober", "October"}, {"november", "November"}, {"december", "December"},
        };
        static const int days[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
        unsigned y = 0, m = 0, d = 0;
        int used = 0;
        out[0] = '\0';
        if (!iso || strlen(iso) != 10 || iso[4] != '-' || iso[7] != '-' ||
            sscanf(iso, "%4u-%2u-%2u%n", &y, &m, &d, &used) != 3 || used != 10)
                return false;
        for (int i = 0; i < 10; i++)
                if (i != 4 && i != 7 && (iso[i] < '0' || iso[i] > '9'))
                        return false;
        bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
        if (m < 1 || m > 12 || d < 1 || d > (unsigned) days[m - 1] || (m == 2 && d == 29 && !leap))
                return false;
        snprintf(out, 32, "%u %s %u", d, enk_lang_pick(lang, months[m - 1]), y);
        return true;
}
