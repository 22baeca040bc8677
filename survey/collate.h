/* survey/collate.h - Swedish alphabetical order of names (units), the one place that sorts them.
 *
 * Units are municipalities and districts: Åre, Älmhult, Örebro. Their bytes
 * (strcmp) put Ä before Å and every lower-case name after every capital
 * one; a Swede expects A-Z, then Å, Ä, Ö, whatever the case, with É as E
 * and Ü as Y. This module compares by the Swedish collation of ICU (the
 * Unicode Common Locale Data Repository's rules, Debian's libicu), the only
 * user of ICU: `enkat status`, `enkat stats` (the figures) and the report
 * list units in this order, and a "did you mean" lists them so.
 *
 * Why ICU rather than a comparator of our own: the rules are more than Å Ä Ö
 * after Z (accents, Ü as Y, case only as the last tie-break, digits,
 * hyphens), CLDR keeps them, and Debian's libicu is on every machine that
 * has Pango and libxml2 already. glibc's strcoll() would need the sv_SE
 * locale generated, which a server often lacks.
 *
 * Thread-safe: the collator is opened once, on first use, and then only
 * read.
 */
#ifndef ENK_COLLATE_H
#define ENK_COLLATE_H

/* Compares the UTF-8 texts a and b in Swedish alphabetical order: negative,
 * zero or positive like strcmp. Texts the collation calls equal (they
 * differ only in what it ignores) are ordered by their bytes, so the result
 * is 0 only for equal strings. Without ICU's data (it cannot open the
 * collator) the order is strcmp's. Neither may be NULL. */
int enk_collate_sv(const char *a, const char *b);

/* For qsort over an array of const char * (or char *): enk_collate_sv of
 * the pointed-to strings. */
int enk_collate_sv_ptr(const void *a, const void *b);

#endif
