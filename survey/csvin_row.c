/* survey/csvin_row.c - reading one data row of a response file: the lookup
 * tables of codes and labels, the cells, the row's checks.
 *
 * Part of the csvin module (survey/csvin.h); survey/csvin.c reads the header
 * and the mapping file and drives the read. Every data row ends in
 * csvin_process_row(), which turns its cells into answer values through
 * lookup tables built once per reader (a hash of every code and folded label
 * per question), so the hot path does no allocation and no linear search
 * over labels. The rules a response must obey live in survey/response.c,
 * shared with the web server.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "survey/csvin_internal.h"
#include "survey/response.h"

/* ------------------------------------------------------------------ helpers */

static uint32_t hash32(uint32_t ns, const char *s, size_t len)
{
        uint32_t h = 2166136261u ^ (ns * 16777619u);
        for (size_t i = 0; i < len; i++)
                h = (h ^ (unsigned char) s[i]) * 16777619u;
        return h;
}

static uint64_t hash64(const char *s, size_t len)
{
        uint64_t h = 14695981039346656037ull;
        for (size_t i = 0; i < len; i++)
                h = (h ^ (unsigned char) s[i]) * 1099511628211ull;
        return h ^ (h >> 29);
}

static bool is_blank_byte(unsigned char c)
{
        return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Writes the NFC form of the UTF-8 text s[0..len) (at most FOLD_MAX code
 * points) to the buffer nfc and returns its length in bytes, or -1 when s is
 * not valid UTF-8 or too long. "ä" typed as a + U+0308 (NFD, as macOS and
 * some web forms write it) becomes the one "ä" the questionnaire holds. */
static utf8proc_ssize_t to_nfc(const char *s, size_t len, utf8proc_int32_t nfc[FOLD_MAX + 1])
{
        const utf8proc_option_t opts = UTF8PROC_STABLE | UTF8PROC_COMPOSE;
        utf8proc_ssize_t n = utf8proc_decompose((const utf8proc_uint8_t *) s,
                                                (utf8proc_ssize_t) len, nfc, FOLD_MAX, opts);
        if (n < 0 || n > FOLD_MAX)
                return -1;
        /* Re-encodes in place as UTF-8 (never longer than 4 bytes a code point). */
        return utf8proc_reencode(nfc, n, opts);
}

/* Folds s[0..len) for comparison into out (outsize bytes, not terminated):
 * Unicode NFC, blanks (and no-break spaces) at both ends dropped, runs of them
 * inside made one space, ASCII and Latin-1 capitals made small (Ä -> ä).
 * Returns the folded length, or SIZE_MAX when it does not fit. */
size_t csvin_fold(const char *s, size_t len, char *out, size_t outsize)
{
        utf8proc_int32_t nfc[FOLD_MAX + 1];
        bool ascii = true;
        for (size_t i = 0; i < len && ascii; i++)
                ascii = (unsigned char) s[i] < 0x80;
        if (!ascii && len <= 4 * FOLD_MAX) {
                utf8proc_ssize_t nl = to_nfc(s, len, nfc);
                if (nl >= 0) {
                        s = (const char *) nfc;
                        len = (size_t) nl;
                }
        }
        return enk_utf8_fold(s, len, out, outsize);
}

/* Removes blanks and no-break spaces at both ends of s[0..*len), in place:
 * returns the new start and sets *len. */
char *csvin_trim(char *s, size_t *len)
{
        size_t a = 0, b = *len;
        for (;;) {
                if (a < b && is_blank_byte((unsigned char) s[a]))
                        a++;
                else if (a + 1 < b && (unsigned char) s[a] == 0xC2 &&
                         (unsigned char) s[a + 1] == 0xA0)
                        a += 2;
                else
                        break;
        }
        for (;;) {
                if (b > a && is_blank_byte((unsigned char) s[b - 1]))
                        b--;
                else if (b >= a + 2 && (unsigned char) s[b - 2] == 0xC2 &&
                         (unsigned char) s[b - 1] == 0xA0)
                        b -= 2;
                else
                        break;
        }
        *len = b - a;
        return s + a;
}

void csvin_closest_init(struct closest *c, const char *s, size_t len)
{
        size_t n = csvin_fold(s, len, c->word, sizeof(c->word) - 1);
        c->ok = n != SIZE_MAX;
        c->word[c->ok ? n : 0] = '\0';
        c->best = NULL;
        enk_utf8_near_init(&c->near, c->word);
}

void csvin_closest_try(struct closest *c, const char *cand)
{
        char f[FOLD_MAX + 1];
        if (!cand || !c->ok)
                return;
        size_t n = csvin_fold(cand, strlen(cand), f, sizeof(f) - 1);
        if (n == SIZE_MAX)
                return;
        f[n] = '\0';
        enk_utf8_near_try(&c->near, cand, f);
}

void csvin_closest_done(struct closest *c)
{
        c->best = c->ok ? enk_utf8_near_best(&c->near) : NULL;
}

/* ------------------------------------------------------------ lookup tables */

static bool pool_add(enk_csvin *r, const char *s, size_t len, uint32_t *off)
{
        if (r->pool_len + len + 1 > r->pool_cap) {
                size_t cap = r->pool_cap ? r->pool_cap * 2 : 4096;
                while (cap < r->pool_len + len + 1)
                        cap *= 2;
                char *p = realloc(r->pool, cap);
                if (!p)
                        return false;
                r->pool = p;
                r->pool_cap = cap;
        }
        memcpy(r->pool + r->pool_len, s, len);
        r->pool[r->pool_len + len] = '\0';
        *off = (uint32_t) r->pool_len;
        r->pool_len += len + 1;
        return true;
}

static struct lslot *slot_find(const enk_csvin *r, uint32_t ns, const char *key, size_t len,
                               uint32_t h)
{
        size_t mask = r->nslots - 1;
        for (size_t i = h & mask;; i = (i + 1) & mask) {
                struct lslot *s = &r->slots[i];
                if (s->ns == UINT32_MAX)
                        return s;
                if (s->hash == h && s->ns == ns && s->len == len &&
                    !memcmp(r->pool + s->off, key, len))
                        return s;
        }
}

static bool table_grow(enk_csvin *r)
{
        size_t n = r->nslots ? r->nslots * 2 : 256;
        struct lslot *old = r->slots;
        size_t oldn = r->nslots;
        r->slots = malloc(n * sizeof(*r->slots));
        if (!r->slots) {
                r->slots = old;
                return false;
        }
        for (size_t i = 0; i < n; i++)
                r->slots[i].ns = UINT32_MAX;
        r->nslots = n;
        for (size_t i = 0; i < oldn; i++) {
                if (old[i].ns == UINT32_MAX)
                        continue;
                struct lslot *s =
                    slot_find(r, old[i].ns, r->pool + old[i].off, old[i].len, old[i].hash);
                *s = old[i];
        }
        free(old);
        return true;
}

/* Adds the folded form of key as an answer to namespace ns. A key given
 * again with another value (a label that is another option's code, two
 * options with one label) is ambiguous: it is kept with both values and
 * csvin_table_get() does not find it, so a cell that holds it is never guessed at.
 * enkat check refuses such questionnaires; this is the second line. */
static bool table_put(enk_csvin *r, uint32_t ns, const char *key, int32_t value)
{
        char f[FOLD_MAX];
        size_t len = csvin_fold(key, strlen(key), f, sizeof(f));
        if (len == SIZE_MAX || len == 0)
                return true;
        if ((r->nused + 1) * 2 > r->nslots && !table_grow(r))
                return false;
        uint32_t h = hash32(ns, f, len);
        struct lslot *s = slot_find(r, ns, f, len, h);
        if (s->ns != UINT32_MAX) {
                if (s->value != value)
                        s->other = value;
                return true;
        }
        uint32_t off;
        if (!pool_add(r, f, len, &off))
                return false;
        *s = (struct lslot){h, ns, off, (uint32_t) len, value, value};
        r->nused++;
        return true;
}

static bool table_put_int(enk_csvin *r, uint32_t ns, int32_t code, int32_t value)
{
        char buf[16];
        snprintf(buf, sizeof(buf), "%d", (int) code);
        return table_put(r, ns, buf, value);
}

/* The slot of an already folded key, or NULL. */
static const struct lslot *table_slot(const enk_csvin *r, uint32_t ns, const char *f, size_t len)
{
        if (!r->nslots || len == 0 || len == SIZE_MAX)
                return NULL;
        const struct lslot *s = slot_find(r, ns, f, len, hash32(ns, f, len));
        return s->ns == UINT32_MAX ? NULL : s;
}

/* The value of the slot s (from table_slot), unless there is none or it is
 * ambiguous. */
static bool slot_value(const struct lslot *s, int32_t *value)
{
        if (!s || s->other != s->value)
                return false;
        *value = s->value;
        return true;
}

/* Looks up an already folded key; an ambiguous one is not found. */
bool csvin_table_get(const enk_csvin *r, uint32_t ns, const char *f, size_t len, int32_t *value)
{
        return slot_value(table_slot(r, ns, f, len), value);
}

static bool put_text(enk_csvin *r, uint32_t ns, const enk_text *t, int32_t value)
{
        for (size_t l = 0; l < r->q->nlanguages; l++)
                if (t->s[l] && !table_put(r, ns, t->s[l], value))
                        return false;
        return true;
}

static bool fold_texts(enk_csvin *r, const enk_text *t, uint32_t out[ENK_LANG_MAX][2])
{
        for (size_t l = 0; l < ENK_LANG_MAX; l++) {
                out[l][0] = out[l][1] = 0;
                if (l >= r->q->nlanguages || !t->s[l])
                        continue;
                char f[FOLD_MAX];
                size_t len = csvin_fold(t->s[l], strlen(t->s[l]), f, sizeof(f));
                if (len == SIZE_MAX || len == 0)
                        continue;
                if (!pool_add(r, f, len, &out[l][0]))
                        return false;
                out[l][1] = (uint32_t) len;
        }
        return true;
}

/* The answer read_coded gives a cell of one digit, for each coded question
 * (scale, single, yes/no) and digit, when it gives one without a
 * diagnostic: the slot of the digit's folded form, unless that is
 * ambiguous (an error, or for yes/no the digit read as a number), or the
 * digit read as a number when it has no slot. A cell of one digit is
 * canonical, so ambiguous() finds nothing more. Nine cells in ten of an
 * import are such, and the lookup (fold, hash, probe, compare) was a fifth
 * of the reading thread's instructions. */
static bool build_digits(enk_csvin *r)
{
        const enk_questionnaire *q = r->q;
        r->digits = calloc(q->nquestions ? q->nquestions : 1, sizeof(*r->digits));
        if (!r->digits)
                return false;
        for (size_t i = 0; i < q->nquestions; i++) {
                enk_qtype t = q->questions[i].type;
                if (t != ENK_Q_SCALE && t != ENK_Q_SINGLE && t != ENK_Q_YESNO)
                        continue;
                uint32_t ns = t == ENK_Q_YESNO ? NS_YESNO : (uint32_t) i;
                struct digits *dg = &r->digits[i];
                for (int d = 0; d < 10; d++) {
                        char c = (char) ('0' + d), f[FOLD_MAX];
                        size_t flen = csvin_fold(&c, 1, f, sizeof(f));
                        const struct lslot *sl = table_slot(r, ns, f, flen);
                        int32_t v;
                        bool one = slot_value(sl, &v);
                        if (sl && !one && t != ENK_Q_YESNO)
                                continue; /* ambiguous: the slow path reports it */
                        dg->value[d] = one ? v : d;
                        dg->fast |= (unsigned short) (1u << d);
                }
        }
        return true;
}

bool csvin_build_tables(enk_csvin *r)
{
        static const char *const yes[] = {"1", "ja", "yes", "j", "y", "true", "sant"};
        static const char *const no[] = {"0", "nej", "no", "n", "false", "falskt"};
        const enk_questionnaire *q = r->q;
        for (size_t i = 0; i < sizeof(yes) / sizeof(*yes); i++)
                if (!table_put(r, NS_YESNO, yes[i], 1) || !table_put(r, NS_MARK, yes[i], 1))
                        return false;
        for (size_t i = 0; i < sizeof(no) / sizeof(*no); i++)
                if (!table_put(r, NS_YESNO, no[i], 0) || !table_put(r, NS_MARK, no[i], 0))
                        return false;
        if (!table_put(r, NS_MARK, "x", 1))
                return false;
        for (size_t i = 0; i < q->nquestions; i++) {
                const enk_question *qn = &q->questions[i];
                uint32_t ns = (uint32_t) i;
                if (qn->type == ENK_Q_SCALE) {
                        const enk_scale *s = enk_question_scale(q, qn);
                        if (!s)
                                continue;
                        for (size_t p = 0; p < s->npoints; p++)
                                if (!table_put_int(r, ns, s->points[p].value, s->points[p].value) ||
                                    !put_text(r, ns, &s->points[p].label, s->points[p].value))
                                        return false;
                        if (s->has_na && (!table_put_int(r, ns, s->na_code, ENK_NA) ||
                                          !put_text(r, ns, &s->na_label, ENK_NA)))
                                return false;
                } else if (qn->type == ENK_Q_SINGLE || qn->type == ENK_Q_MULTIPLE) {
                        for (size_t o = 0; o < qn->noptions; o++)
                                if (!table_put_int(r, ns, qn->options[o].value,
                                                   qn->options[o].value) ||
                                    !put_text(r, ns, &qn->options[o].label, qn->options[o].value))
                                        return false;
                }
        }
        if (!build_digits(r))
                return false;
        r->qtext = calloc(q->nquestions ? q->nquestions : 1, sizeof(*r->qtext));
        r->gtext = calloc(q->ngrids ? q->ngrids : 1, sizeof(*r->gtext));
        if (!r->qtext || !r->gtext)
                return false;
        for (size_t i = 0; i < q->nquestions; i++)
                if (!fold_texts(r, &q->questions[i].text, r->qtext[i]))
                        return false;
        for (size_t i = 0; i < q->ngrids; i++)
                if (!fold_texts(r, &q->grids[i].text, r->gtext[i]))
                        return false;
        return true;
}

/* ------------------------------------------------------------ cells */

enum numres { NUM_OK, NUM_DECIMAL, NUM_NOT, NUM_BIG };

/* A whole number with an optional sign, within +-ENK_NUMBER_LIMIT. */
static enum numres parse_number(const char *s, size_t len, int32_t *out)
{
        size_t i = 0;
        bool neg = false;
        if (i < len && (s[i] == '-' || s[i] == '+')) {
                neg = s[i] == '-';
                i++;
        }
        if (i == len)
                return NUM_NOT;
        int64_t v = 0;
        size_t digits = 0;
        for (; i < len && s[i] >= '0' && s[i] <= '9'; i++, digits++)
                if (v <= ENK_NUMBER_LIMIT)
                        v = v * 10 + (s[i] - '0');
        if (i < len) {
                /* 3.5 or 3,5: a number, but not a whole one. */
                if ((s[i] == '.' || s[i] == ',') && i + 1 < len) {
                        size_t k = i + 1;
                        while (k < len && s[k] >= '0' && s[k] <= '9')
                                k++;
                        if (k == len && digits)
                                return NUM_DECIMAL;
                }
                return NUM_NOT;
        }
        if (v > ENK_NUMBER_LIMIT)
                return NUM_BIG;
        *out = (int32_t) (neg ? -v : v);
        return NUM_OK;
}

/* The range of codes of a scale or single-choice question, for messages. */
static void expected_codes(const enk_csvin *r, int qi, char *buf, size_t size)
{
        const enk_question *qn = &r->q->questions[qi];
        if (qn->type == ENK_Q_SCALE) {
                const enk_scale *s = enk_question_scale(r->q, qn);
                if (!s || !s->npoints) {
                        snprintf(buf, size, "%s", enk_diag_text(ENK_MSGID("a code or a label")));
                        return;
                }
                if (s->has_na)
                        snprintf(buf, size, enk_diag_text(ENK_MSGID("%d..%d, %d or a label")),
                                 (int) s->points[0].value, (int) s->points[s->npoints - 1].value,
                                 (int) s->na_code);
                else
                        snprintf(buf, size, enk_diag_text(ENK_MSGID("%d..%d or a label")),
                                 (int) s->points[0].value, (int) s->points[s->npoints - 1].value);
                return;
        }
        int32_t lo = INT32_MAX, hi = INT32_MIN;
        for (size_t o = 0; o < qn->noptions; o++) {
                lo = qn->options[o].value < lo ? qn->options[o].value : lo;
                hi = qn->options[o].value > hi ? qn->options[o].value : hi;
        }
        if (qn->noptions)
                snprintf(buf, size, enk_diag_text(ENK_MSGID("%d..%d or a label")), (int) lo,
                         (int) hi);
        else
                snprintf(buf, size, "%s", enk_diag_text(ENK_MSGID("a label")));
}

/* "; did you mean 'LABEL'?" among the labels of question qi, or "". */
static void suggest_label(const enk_csvin *r, int qi, const char *s, size_t len, char *buf,
                          size_t size)
{
        const enk_question *qn = &r->q->questions[qi];
        struct closest c;
        buf[0] = '\0';
        if (enk_diags_dropped(r->diags))
                return; /* the list is full: spare the work */
        csvin_closest_init(&c, s, len);
        if (qn->type == ENK_Q_SCALE) {
                const enk_scale *sc = enk_question_scale(r->q, qn);
                for (size_t p = 0; sc && p < sc->npoints; p++)
                        for (size_t l = 0; l < r->q->nlanguages; l++)
                                csvin_closest_try(&c, sc->points[p].label.s[l]);
                for (size_t l = 0; sc && sc->has_na && l < r->q->nlanguages; l++)
                        csvin_closest_try(&c, sc->na_label.s[l]);
        } else {
                for (size_t o = 0; o < qn->noptions; o++)
                        for (size_t l = 0; l < r->q->nlanguages; l++)
                                csvin_closest_try(&c, qn->options[o].label.s[l]);
        }
        csvin_closest_done(&c);
        if (c.best)
                snprintf(buf, size, enk_diag_text("; did you mean '%s'?"), c.best);
}

static void bad_value(enk_csvin *r, unsigned col, int qi, const char *what, const char *s,
                      size_t len)
{
        char ex[64], exp[64], hint[160];
        expected_codes(r, qi, exp, sizeof(exp));
        suggest_label(r, qi, s, len, hint, sizeof(hint));
        csvin_diag(r, ENK_SEV_ERROR, r->cur_line, col, csvin_qid(r, qi), false,
                   "unknown %s '%s' (expected %s)%s", enk_diag_text(what),
                   enk_utf8_excerpt(s, len, ex, sizeof(ex)), exp, hint);
        r->qerr[qi] = 1;
}

static void number_error(enk_csvin *r, unsigned col, int qi, enum numres res, const char *s,
                         size_t len)
{
        char ex[64];
        enk_utf8_excerpt(s, len, ex, sizeof(ex));
        if (res == NUM_DECIMAL)
                csvin_diag(r, ENK_SEV_ERROR, r->cur_line, col, csvin_qid(r, qi), false,
                           "'%s' is not a whole number", ex);
        else if (res == NUM_BIG)
                csvin_diag(r, ENK_SEV_ERROR, r->cur_line, col, csvin_qid(r, qi), false,
                           "'%s' is out of range", ex);
        else
                csvin_diag(r, ENK_SEV_ERROR, r->cur_line, col, csvin_qid(r, qi), false,
                           "'%s' is not a number", ex);
        r->qerr[qi] = 1;
}

/* What a message calls the answer v of question qi: "option 2". */
static const char *answer_name(const enk_csvin *r, int qi, int32_t v, char *buf, size_t size)
{
        if (v == ENK_NA)
                return enk_diag_text(ENK_MSGID("the not-applicable answer"));
        snprintf(buf, size,
                 enk_diag_text(r->q->questions[qi].type == ENK_Q_SCALE ? ENK_MSGID("point %d")
                                                                       : ENK_MSGID("option %d")),
                 (int) v);
        return buf;
}

/* Whether s, a whole number parse_number() read, is spelt as "%d" spells it
 * (no '+', no leading zero): then it is its own code key, and the lookup of
 * that key would find the slot s found already. Most cells are so, and
 * skipping the snprintf() and the second lookup for them saved a tenth of an
 * import's instructions. */
static bool canonical_int(const char *s, size_t len)
{
        size_t i = s[0] == '-';
        return i < len && (s[i] != '0' || len == 1);
}

/* Whether the cell s could mean two answers of question qi, sl being the
 * slot its folded form has among qi's answers (table_slot; NULL when none):
 * it is a key two answers share (see table_put), or the label of one answer
 * and, read as a number, the code of another ("01" as option 2's label,
 * beside option 1). Then it is an error at col: the import never guesses.
 * The callers look the slot up once and take its value from it too. */
static bool ambiguous(enk_csvin *r, unsigned col, int qi, const char *s, size_t len,
                      const struct lslot *sl)
{
        if (!sl)
                return false;
        int32_t a = sl->value, b = sl->other, n;
        if (a == b) {
                char key[16];
                if (parse_number(s, len, &n) != NUM_OK || canonical_int(s, len))
                        return false;
                int klen = snprintf(key, sizeof(key), "%d", (int) n);
                const struct lslot *code = table_slot(r, (uint32_t) qi, key, (size_t) klen);
                if (!code || code == sl || code->value == a)
                        return false;
                b = code->value;
        }
        char ex[64], na[32], nb[32];
        csvin_diag(r, ENK_SEV_ERROR, r->cur_line, col, csvin_qid(r, qi), false,
                   "ambiguous answer '%s': it could mean %s or %s (a label of the questionnaire is "
                   "another answer's code or label; enkat check refuses it)",
                   enk_utf8_excerpt(s, len, ex, sizeof(ex)), answer_name(r, qi, a, na, sizeof(na)),
                   answer_name(r, qi, b, nb, sizeof(nb)));
        r->qerr[qi] = 1;
        return true;
}

/* A scale point, single option or yes/no: the code or label in s. */
static void read_coded(enk_csvin *r, unsigned col, int qi, const char *s, size_t len)
{
        if (len == 1 && s[0] >= '0' && s[0] <= '9' && (r->digits[qi].fast >> (s[0] - '0') & 1)) {
                r->values[qi] = r->digits[qi].value[s[0] - '0'];
                return;
        }
        const enk_question *qn = &r->q->questions[qi];
        uint32_t ns = qn->type == ENK_Q_YESNO ? NS_YESNO : (uint32_t) qi;
        char f[FOLD_MAX];
        size_t flen = csvin_fold(s, len, f, sizeof(f));
        int32_t v;
        const struct lslot *sl = table_slot(r, ns, f, flen);
        if (qn->type != ENK_Q_YESNO && ambiguous(r, col, qi, s, len, sl))
                return;
        if (slot_value(sl, &v)) {
                r->values[qi] = v;
                return;
        }
        /* A code the questionnaire does not have ("7", "04"): read it as a
         * number and leave the verdict to enk_response_validate. */
        enum numres res = parse_number(s, len, &v);
        if (res == NUM_OK) {
                r->values[qi] = v;
                return;
        }
        if (res == NUM_DECIMAL || res == NUM_BIG) {
                number_error(r, col, qi, res, s, len);
                return;
        }
        if (qn->type == ENK_Q_YESNO) {
                char ex[64];
                csvin_diag(r, ENK_SEV_ERROR, r->cur_line, col, csvin_qid(r, qi), false,
                           "unknown answer '%s' (expected 1/0, ja/nej or yes/no)",
                           enk_utf8_excerpt(s, len, ex, sizeof(ex)));
                r->qerr[qi] = 1;
                return;
        }
        bad_value(r, col, qi, qn->type == ENK_Q_SCALE ? ENK_MSGID("answer") : ENK_MSGID("option"),
                  s, len);
}

/* One item of a multiple-choice list: its option value, or 0 after an error. */
static int32_t read_item(enk_csvin *r, unsigned col, int qi, const char *s, size_t len)
{
        char f[FOLD_MAX];
        size_t flen = csvin_fold(s, len, f, sizeof(f));
        int32_t v;
        const struct lslot *sl = table_slot(r, (uint32_t) qi, f, flen);
        if (ambiguous(r, col, qi, s, len, sl))
                return 0;
        if (slot_value(sl, &v))
                return v;
        enum numres res = parse_number(s, len, &v);
        if (res == NUM_OK || res == NUM_BIG) {
                char ex[64];
                csvin_diag(r, ENK_SEV_ERROR, r->cur_line, col, csvin_qid(r, qi), false,
                           "%s is not one of the options",
                           enk_utf8_excerpt(s, len, ex, sizeof(ex)));
                r->qerr[qi] = 1;
                return 0;
        }
        bad_value(r, col, qi, ENK_MSGID("option"), s, len);
        return 0;
}

static void read_multiple(enk_csvin *r, unsigned col, int qi, char *s, size_t len)
{
        /* The whole cell may be one label that holds a separator. */
        char f[FOLD_MAX];
        size_t flen = csvin_fold(s, len, f, sizeof(f));
        int32_t v;
        const struct lslot *sl = table_slot(r, (uint32_t) qi, f, flen);
        if (ambiguous(r, col, qi, s, len, sl))
                return;
        if (slot_value(sl, &v)) {
                r->values[qi] =
                    v >= 1 && v <= ENK_OPTION_MAX ? (int32_t) (UINT32_C(1) << (v - 1)) : v;
                return;
        }
        char sep = memchr(s, '|', len) ? '|' : memchr(s, ';', len) ? ';' : ',';
        uint32_t bits = 0;
        bool bad = false;
        size_t a = 0;
        while (a <= len) {
                const char *e = memchr(s + a, sep, len - a);
                size_t b = e ? (size_t) (e - s) : len;
                size_t ilen = b - a;
                char *item = csvin_trim(s + a, &ilen);
                if (ilen) {
                        int32_t o = read_item(r, col, qi, item, ilen);
                        if (o >= 1 && o <= ENK_OPTION_MAX)
                                bits |= UINT32_C(1) << (o - 1);
                        else
                                bad = true;
                }
                a = b + 1;
        }
        if (!bad && bits)
                r->values[qi] = (int32_t) bits;
}

/* A 0/1 cell of one option of a multiple-choice question. */
static void read_mark(enk_csvin *r, unsigned col, const struct column *c, const char *s, size_t len)
{
        char f[FOLD_MAX];
        size_t flen = csvin_fold(s, len, f, sizeof(f));
        int32_t v;
        int qi = c->q;
        if (csvin_table_get(r, NS_MARK, f, flen, &v)) {
                /* found */
        } else if (csvin_table_get(r, (uint32_t) qi, f, flen, &v) && v == c->option) {
                v = 1; /* the option's own label: chosen */
        } else {
                char ex[64];
                csvin_diag(r, ENK_SEV_ERROR, r->cur_line, col, csvin_qid(r, qi), false,
                           "unknown mark '%s' for option %d (expected 1 or 0, x, ja/nej or yes/no)",
                           enk_utf8_excerpt(s, len, ex, sizeof(ex)), (int) c->option);
                r->qerr[qi] = 1;
                return;
        }
        if (r->values[qi] == ENK_MISSING)
                r->values[qi] = 0;
        if (v)
                r->values[qi] |= (int32_t) (UINT32_C(1) << (c->option - 1));
}

static bool leap(int y)
{
        return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* YYYY-MM-DD, optionally followed by a time ("T..." or " ..."). */
static bool read_date(const char *s, size_t len, char out[11])
{
        static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
        if (len < 10 || (len > 10 && s[10] != 'T' && s[10] != ' '))
                return false;
        for (int i = 0; i < 10; i++)
                if (i == 4 || i == 7 ? s[i] != '-' : (s[i] < '0' || s[i] > '9'))
                        return false;
        int y = atoi(s), m = (s[5] - '0') * 10 + s[6] - '0', d = (s[8] - '0') * 10 + s[9] - '0';
        if (y < 1900 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1] + (m == 2 && leap(y) ? 1 : 0))
                return false;
        memcpy(out, s, 10);
        out[10] = '\0';
        return true;
}

/* Free text keeps its line breaks, as LF. */
static void unix_newlines(char *s, size_t *len)
{
        size_t w = 0;
        for (size_t i = 0; i < *len; i++) {
                if (s[i] == '\r') {
                        s[w++] = '\n';
                        if (i + 1 < *len && s[i + 1] == '\n')
                                i++;
                } else {
                        s[w++] = s[i];
                }
        }
        s[w] = '\0';
        *len = w;
}

/* ------------------------------------------------------------ rows */

static bool dup_seen(enk_csvin *r, const char *key, size_t len, unsigned line, unsigned *first)
{
        /* Filled to at most 3/4: 16 bytes a slot, so 21-43 bytes a key. */
        if ((r->ndups + 1) * 4 > r->dups_cap * 3) {
                size_t cap = r->dups_cap ? r->dups_cap * 2 : 1024;
                struct dupslot *n = calloc(cap, sizeof(*n));
                if (!n)
                        return false; /* cannot check; not worth failing the read */
                for (size_t i = 0; i < r->dups_cap; i++) {
                        if (!r->dups[i].line)
                                continue;
                        size_t k = r->dups[i].hash & (cap - 1);
                        while (n[k].line)
                                k = (k + 1) & (cap - 1);
                        n[k] = r->dups[i];
                }
                free(r->dups);
                r->dups = n;
                r->dups_cap = cap;
        }
        uint64_t h = hash64(key, len);
        size_t k = h & (r->dups_cap - 1);
        while (r->dups[k].line) {
                if (r->dups[k].hash == h) {
                        *first = r->dups[k].line;
                        return true;
                }
                k = (k + 1) & (r->dups_cap - 1);
        }
        r->dups[k].hash = h;
        r->dups[k].line = line;
        r->ndups++;
        return false;
}

static void report_problem(void *ctx, enk_severity sev, size_t question,
                           enk_response_problem problem, const char *message)
{
        enk_csvin *r = ctx;
        const enk_question *qn = &r->q->questions[question];
        /* One problem per cell: a cell that could not be read is not also
         * "left blank"; a column the file lacks was reported at the header. */
        if (problem == ENK_RESPONSE_REQUIRED && (r->qerr[question] || !r->qcol[question]))
                return;
        if (problem == ENK_RESPONSE_SKIPPED && qn->show_if && r->qerr[qn->show_if->question])
                return;
        if (problem == ENK_RESPONSE_INVALID)
                r->qerr[question] = 1;
        csvin_diag(r, sev, r->cur_line, r->qcol[question], qn->id, false, "%s", message);
}

bool csvin_fields_blank(const enk_csvin *r)
{
        for (size_t c = 0; c < r->rec->nkept; c++) {
                size_t len = r->rec->fields[c].len;
                csvin_trim(r->rec->fields[c].s, &len);
                if (len)
                        return false;
        }
        return true;
}

/* A row that cannot be read cell by cell: too long, holding a swallowed row,
 * or with another number of fields than the header. Reported whole. */
static bool row_misshapen(enk_csvin *r)
{
        const enk_csv_record *rec = r->rec;
        if (rec->too_long) {
                csvin_diag(r, ENK_SEV_ERROR, r->cur_line, 0, NULL, true, "row longer than %u bytes",
                           ENK_CSV_ROW_MAX);
        } else if (rec->swallowed_line) {
                csvin_diag(r, ENK_SEV_ERROR, r->cur_line, rec->swallowed_col, NULL, true,
                           "quoted field runs over the line end and takes in line %u, which "
                           "looks like a whole row (a quote that is never closed?)",
                           rec->swallowed_line);
        } else if (rec->nfields != r->ncols) {
                csvin_diag(r, ENK_SEV_ERROR, r->cur_line,
                           (unsigned) (rec->nfields < r->ncols ? rec->nfields + 1 : r->ncols + 1),
                           NULL, true, "row has %zu fields, the header has %zu%s", rec->nfields,
                           r->ncols,
                           rec->multiline_line ? " (a quoted field runs over the line end: a "
                                                 "quote that is never closed?)"
                                               : "");
        } else {
                return false;
        }
        return true;
}

/* The respondent, date, unit and year of a row, borrowed from its cells. */
struct meta {
        const char *respondent, *date, *unit;
        int year;
};

/* The cell s (trimmed, NUL-terminated) of a meta column. */
static void read_meta(enk_csvin *r, unsigned cno, const struct column *col, const char *subject,
                      const char *s, size_t len, struct meta *m)
{
        char ex[64];
        int32_t y;
        switch (col->kind) {
        case C_RESPONDENT:
                m->respondent = s;
                break;
        case C_DATE:
                if (read_date(s, len, r->date))
                        m->date = r->date;
                else
                        csvin_diag(r, ENK_SEV_ERROR, r->cur_line, cno, subject, false,
                                   "invalid date '%s' (expected YYYY-MM-DD)",
                                   enk_utf8_excerpt(s, len, ex, sizeof(ex)));
                break;
        case C_UNIT:
                m->unit = s;
                break;
        case C_YEAR:
                if (parse_number(s, len, &y) == NUM_OK && y >= 1990 && y <= 2100)
                        m->year = (int) y;
                else
                        csvin_diag(r, ENK_SEV_ERROR, r->cur_line, cno, subject, false,
                                   "invalid year '%s' (expected 1990..2100)",
                                   enk_utf8_excerpt(s, len, ex, sizeof(ex)));
                break;
        default:
                break;
        }
}

/* The cell s (trimmed, NUL-terminated) of a question's own column. */
static void read_answer(enk_csvin *r, unsigned cno, int qi, char *s, size_t len)
{
        int32_t v;
        enum numres res;
        switch (r->q->questions[qi].type) {
        case ENK_Q_TEXT:
                unix_newlines(s, &len);
                r->values[qi] = 1;
                r->texts[qi] = s;
                break;
        case ENK_Q_NUMBER:
                res = parse_number(s, len, &v);
                if (res == NUM_OK)
                        r->values[qi] = v;
                else
                        number_error(r, cno, qi, res, s, len);
                break;
        case ENK_Q_MULTIPLE:
                read_multiple(r, cno, qi, s, len);
                break;
        default:
                read_coded(r, cno, qi, s, len);
                break;
        }
}

/* Reads every cell of the row into r->values, r->texts and m. */
static void read_cells(enk_csvin *r, struct meta *m)
{
        for (size_t c = 0; c < r->ncols; c++) {
                const struct column *col = &r->cols[c];
                unsigned cno = (unsigned) c + 1;
                size_t len = r->rec->fields[c].len;
                char *s = csvin_trim(r->rec->fields[c].s, &len);
                if (!len)
                        continue;
                s[len] = '\0';
                const char *subject = col->q >= 0 ? csvin_qid(r, col->q)
                                      : col->kind == C_UNKNOWN || col->kind == C_IGNORE
                                          ? NULL
                                          : csvin_kind_names[col->kind];
                /* Bytes are checked in every column, read or not: a bad byte
                 * means the file is not what it seems. */
                const char *bad = enk_csv_bad_encoding(r->csv, s, len);
                if (bad) {
                        csvin_diag(r, ENK_SEV_ERROR, r->cur_line, cno, subject, true,
                                   "bad encoding: %s", bad);
                        if (col->q >= 0)
                                r->qerr[col->q] = 1;
                        continue;
                }
                if (col->kind == C_UNKNOWN)
                        r->stats.cells_ignored++;
                else if (col->kind == C_OPTION)
                        read_mark(r, cno, col, s, len);
                else if (col->kind == C_QUESTION)
                        read_answer(r, cno, col->q, s, len);
                else
                        read_meta(r, cno, col, subject, s, len, m);
        }
}

/* The checks of a whole row, then the row to the row function. */
static void finish_row(enk_csvin *r, size_t index, const struct meta *m)
{
        const enk_questionnaire *q = r->q;
        /* Option columns that were all 0: nothing chosen is no answer. */
        for (size_t i = 0; i < q->nquestions; i++)
                if (q->questions[i].type == ENK_Q_MULTIPLE && r->values[i] == 0)
                        r->values[i] = ENK_MISSING;
        unsigned first;
        if (m->respondent &&
            dup_seen(r, m->respondent, strlen(m->respondent), r->cur_line, &first)) {
                char ex[64];
                csvin_diag(r, ENK_SEV_ERROR, r->cur_line, (unsigned) r->resp_col + 1, "respondent",
                           false, "duplicate respondent key '%s' (first on row %u)",
                           enk_utf8_excerpt(m->respondent, strlen(m->respondent), ex, sizeof(ex)),
                           first);
        }
        enk_response_validate(q, r->source, r->values, report_problem, r);
        if (r->row_errors) {
                r->stats.rows_invalid++;
                return;
        }
        r->stats.rows_valid++;
        if (!r->row_fn)
                return;
        enk_csvin_row row = {
            .response = {.q = q,
                         .values = r->values,
                         .texts = (const char *const *) r->texts,
                         .respondent_key = m->respondent,
                         .date = m->date,
                         .source = r->source,
                         .origin = {.file = r->name, .line = r->cur_line, .row = index + 1}},
            .unit = m->unit,
            .year = m->year,
        };
        enk_status st = r->row_fn(r->row_ctx, &row);
        if (st != ENK_OK) {
                r->stop = true;
                r->stop_status = st;
        }
}

void csvin_process_row(enk_csvin *r)
{
        r->cur_line = r->rec->line;
        r->row_errors = 0;
        /* Rows of nothing but separators (Excel leaves them) are skipped. */
        if (csvin_fields_blank(r) && !r->rec->too_long) {
                r->stats.rows_blank++;
                return;
        }
        r->stats.rows++;
        size_t index = r->row_index++;
        if (row_misshapen(r)) {
                r->stats.rows_invalid++;
                return;
        }
        for (size_t i = 0; i < r->q->nquestions; i++) {
                r->values[i] = ENK_MISSING;
                r->texts[i] = NULL;
                r->qerr[i] = 0;
        }
        struct meta m = {NULL, NULL, NULL, 0};
        read_cells(r, &m);
        finish_row(r, index, &m);
}
