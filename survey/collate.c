/* survey/collate.c - Swedish alphabetical order by ICU's collator (survey/collate.h). */
#include "survey/collate.h"

#include <pthread.h>
#include <string.h>
#include <unicode/ucol.h>

static UCollator *sv;
static pthread_once_t sv_once = PTHREAD_ONCE_INIT;

/* Never closed: one collator for the life of the process. */
static void open_sv(void)
{
        UErrorCode e = U_ZERO_ERROR;
        UCollator *c = ucol_open("sv", &e);
        if (U_FAILURE(e)) {
                ucol_close(c);
                return;
        }
        sv = c;
}

int enk_collate_sv(const char *a, const char *b)
{
        pthread_once(&sv_once, open_sv);
        if (sv) {
                UErrorCode e = U_ZERO_ERROR;
                UCollationResult r = ucol_strcollUTF8(sv, a, -1, b, -1, &e);
                if (U_SUCCESS(e) && r != UCOL_EQUAL)
                        return r == UCOL_LESS ? -1 : 1;
        }
        return strcmp(a, b);
}

int enk_collate_sv_ptr(const void *a, const void *b)
{
        return enk_collate_sv(*(const char *const *) a, *(const char *const *) b);
}
