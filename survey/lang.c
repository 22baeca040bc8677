/* survey/lang.c - the language of a run's own words (survey/lang.h). */
#include "survey/lang.h"

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
