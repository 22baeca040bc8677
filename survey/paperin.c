/* survey/paperin.c - `enkat scan`: scanned paper forms read back into responses.
 *
 * The run (survey/paperin.h): the wave and its edition from the store, one
 * paper layout per language of the edition (made before any thread starts:
 * Pango is not ours to share), then the pages. The main thread decodes the
 * files page by page into a small queue; worker threads recognise and read
 * each page and keep only what the copy needs (box states, the crops of the
 * questions), so memory holds a few images whatever the number of pages.
 * Then pages become copies by serial, copies become answers
 * (paperin_answer.c), and, when nothing was wrong, all of them are stored in
 * one transaction.
 */
#include "survey/paperin_internal.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "survey/response.h"

enum { QUEUE_CAP = 4, MAX_THREADS = 16 };

/* One question's place on a page: its crop in pixels. */
struct pi_crop {
        size_t question;
        int crop[4];
};

/* A box as a worker left it. */
struct pi_pbox {
        size_t question;
        struct pi_box b;
};

/* What became of one page, kept after its image is gone. */
struct pi_page {
        size_t seq;
        char *file;
        unsigned fpage;
        enk_diags *d; /* the page's own messages, shown in page order */
        bool decoded; /* an image was read (else status "error") */
        enk_scan_outcome outcome;
        char qr_text[256];
        enk_scan_qr qr;
        bool has_qr, turned;
        double residual;
        const char *status; /* as handed to the page handler */
        char message[200];
        struct pi_pbox *boxes;
        size_t nboxes;
        struct pi_crop *crops;
        size_t ncrops;
        bool in_copy;
};

/* The edition's paper layouts, one per language. */
struct layouts {
        const enk_questionnaire *q;
        enk_paper *paper[ENK_LANG_MAX];
};

struct item {
        enk_scan_image *img;
        struct pi_page *page;
};

struct run {
        const enk_paperin_opts *o;
        const enk_paperin_handlers *h;
        enk_paperin_result *res;
        enk_diags *diags;
        enk_store *store;
        int64_t wave_id;
        const enk_questionnaire *q;
        enk_questionnaire *own_q; /* --questionnaire, when given */
        struct layouts lay;
        struct pi_page **pages;
        size_t npages, cappages;
        /* the queue from the decoding thread to the workers */
        pthread_mutex_t mu;
        pthread_cond_t can_put, can_get;
        struct item items[QUEUE_CAP];
        size_t head, queued;
        bool closed;
};

/* ------------------------------------------------------------ layouts */

static const enk_paper *lookup(const enk_scan_qr *qr, void *arg)
{
        const struct layouts *l = arg;
        if (strcmp(qr->survey, l->q->survey) || qr->edition != l->q->edition)
                return NULL;
        for (size_t i = 0; i < l->q->nlanguages; i++)
                if (!strcmp(qr->lang, l->q->languages[i]))
                        return l->paper[i];
        return NULL;
}

static enk_status make_layouts(struct run *r)
{
        r->lay.q = r->q;
        for (size_t i = 0; i < r->q->nlanguages; i++) {
                enk_paper_options po = {.lang = (int) i};
                enk_status st = enk_paper_layout(r->q, &po, &r->lay.paper[i], r->diags);
                if (st != ENK_OK)
                        return st;
        }
        return ENK_OK;
}

/* ------------------------------------------------------ reading a page */

/* The pixel rectangle around a question's area on pg. */
static bool crop_of(const enk_scan_page *pg, size_t question, int crop[4])
{
        unsigned page;
        enk_paper_rect a;
        if (!enk_paperin_question_area(enk_scan_page_paper(pg), question, &page, &a))
                return false;
        double x0 = 1e9, y0 = 1e9, x1 = -1e9, y1 = -1e9;
        for (int k = 0; k < 4; k++) {
                double px, py;
                enk_scan_page_to_pixel(pg, a.x + (k & 1 ? a.w : 0), a.y + (k & 2 ? a.h : 0), &px,
                                       &py);
                x0 = px < x0 ? px : x0;
                y0 = py < y0 ? py : y0;
                x1 = px > x1 ? px : x1;
                y1 = py > y1 ? py : y1;
        }
        crop[0] = (int) x0;
        crop[1] = (int) y0;
        crop[2] = (int) (x1 - x0) + 1;
        crop[3] = (int) (y1 - y0) + 1;
        return true;
}

/* Keeps the states of pg's boxes and the crop of each of its questions. */
static void keep_boxes(struct pi_page *p, const enk_scan_page *pg)
{
        const enk_paper *paper = enk_scan_page_paper(pg);
        size_t n = enk_scan_page_nboxes(pg);
        p->boxes = calloc(n ? n : 1, sizeof(*p->boxes));
        p->crops = calloc(n ? n : 1, sizeof(*p->crops));
        if (!p->boxes || !p->crops)
                return;
        for (size_t i = 0; i < n; i++) {
                const enk_scan_box *b = enk_scan_page_box(pg, i);
                int32_t value = 0;
                if (b->kind == ENK_SCAN_CHECKBOX)
                        value = enk_paper_box_get(paper, b->index)->value;
                p->boxes[p->nboxes++] = (struct pi_pbox){b->question, {b->state, value}};
                if (p->ncrops && p->crops[p->ncrops - 1].question == b->question)
                        continue;
                struct pi_crop *c = &p->crops[p->ncrops];
                c->question = b->question;
                if (crop_of(pg, b->question, c->crop))
                        p->ncrops++;
        }
}

static void read_page(struct run *r, enk_scan_image *img, struct pi_page *p)
{
        enk_scan_page *pg = NULL;
        if (enk_scan_recognise(img, lookup, &r->lay, &pg, p->d) == ENK_OK) {
                p->outcome = enk_scan_page_status(pg);
                snprintf(p->qr_text, sizeof(p->qr_text), "%s", enk_scan_page_qr_text(pg));
                const enk_scan_qr *qr = enk_scan_page_qr(pg);
                if (qr) {
                        p->qr = *qr;
                        p->has_qr = true;
                }
                p->turned = enk_scan_page_turned(pg);
                p->residual = enk_scan_page_residual_mm(pg);
                if (p->outcome == ENK_SCAN_PAGE_OK && enk_scan_read(pg, p->d) == ENK_OK)
                        keep_boxes(p, pg);
        } else {
                p->decoded = false;
        }
        enk_scan_page_free(pg);
        enk_scan_image_free(img);
}

static void *worker(void *arg)
{
        struct run *r = arg;
        for (;;) {
                pthread_mutex_lock(&r->mu);
                while (!r->queued && !r->closed)
                        pthread_cond_wait(&r->can_get, &r->mu);
                if (!r->queued) {
                        pthread_mutex_unlock(&r->mu);
                        return NULL;
                }
                struct item it = r->items[r->head];
                r->head = (r->head + 1) % QUEUE_CAP;
                r->queued--;
                pthread_cond_signal(&r->can_put);
                pthread_mutex_unlock(&r->mu);
                read_page(r, it.img, it.page);
        }
}

static void put(struct run *r, enk_scan_image *img, struct pi_page *p)
{
        pthread_mutex_lock(&r->mu);
        while (r->queued == QUEUE_CAP)
                pthread_cond_wait(&r->can_put, &r->mu);
        r->items[(r->head + r->queued) % QUEUE_CAP] = (struct item){img, p};
        r->queued++;
        pthread_cond_signal(&r->can_get);
        pthread_mutex_unlock(&r->mu);
}

/* A new page record, in reading order. */
static struct pi_page *new_page(struct run *r, const char *file, unsigned fpage)
{
        if (r->npages == r->cappages) {
                size_t cap = r->cappages ? 2 * r->cappages : 64;
                struct pi_page **p = realloc(r->pages, cap * sizeof(*p));
                if (!p)
                        return NULL;
                r->pages = p;
                r->cappages = cap;
        }
        struct pi_page *p = calloc(1, sizeof(*p));
        if (!p)
                return NULL;
        p->seq = r->npages;
        p->file = strdup(file);
        p->fpage = fpage;
        p->d = enk_diags_new(4);
        p->decoded = true;
        p->residual = -1;
        if (!p->file || !p->d) {
                free(p->file);
                enk_diags_free(p->d);
                free(p);
                return NULL;
        }
        r->pages[r->npages++] = p;
        return p;
}

/* Decodes every page of path into the queue; a file or page that cannot be
 * read becomes a page record with status "error". */
static enk_status read_file(struct run *r, const char *path)
{
        enk_scan_file *f = NULL;
        enk_diags *d = enk_diags_new(4);
        if (!d)
                return ENK_ERR_NOMEM;
        if (enk_scan_open(path, &f, d) != ENK_OK) {
                struct pi_page *p = new_page(r, path, 0);
                if (!p) {
                        enk_diags_free(d);
                        return ENK_ERR_NOMEM;
                }
                p->decoded = false;
                enk_diags_free(p->d);
                p->d = d;
                return ENK_OK;
        }
        enk_diags_free(d);
        unsigned fpage = 0, bad = 0;
        for (;;) {
                enk_scan_image *img = NULL;
                struct pi_page *p = new_page(r, path, ++fpage);
                if (!p) {
                        enk_scan_close(f);
                        return ENK_ERR_NOMEM;
                }
                enk_status st = enk_scan_next(f, &img, p->d);
                if (st == ENK_OK && !img) {
                        /* the end: the record made for it is not a page */
                        enk_diags_free(p->d);
                        free(p->file);
                        free(p);
                        r->npages--;
                        break;
                }
                if (st != ENK_OK) {
                        p->decoded = false;
                        if (++bad == 3)
                                break; /* a file that keeps failing ends here */
                        continue;
                }
                bad = 0;
                put(r, img, p);
        }
        enk_scan_close(f);
        return ENK_OK;
}

static unsigned cores(const enk_paperin_opts *o)
{
        if (o->threads)
                return o->threads < MAX_THREADS ? o->threads : MAX_THREADS;
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        return n < 1 ? 1 : n > MAX_THREADS ? MAX_THREADS : (unsigned) n;
}

/* Reads every file, on as many workers as the machine has cores. */
static enk_status read_all(struct run *r)
{
        pthread_t th[MAX_THREADS];
        unsigned n = cores(r->o), started = 0;
        pthread_mutex_init(&r->mu, NULL);
        pthread_cond_init(&r->can_put, NULL);
        pthread_cond_init(&r->can_get, NULL);
        for (unsigned i = 0; i < n; i++)
                if (pthread_create(&th[started], NULL, worker, r) == 0)
                        started++;
        enk_status st = started ? ENK_OK : ENK_ERR_NOMEM;
        for (size_t i = 0; st == ENK_OK && i < r->o->nfiles; i++)
                st = read_file(r, r->o->files[i]);
        pthread_mutex_lock(&r->mu);
        r->closed = true;
        pthread_cond_broadcast(&r->can_get);
        pthread_mutex_unlock(&r->mu);
        for (unsigned i = 0; i < started; i++)
                pthread_join(th[i], NULL);
        pthread_mutex_destroy(&r->mu);
        pthread_cond_destroy(&r->can_put);
        pthread_cond_destroy(&r->can_get);
        return st;
}

/* ------------------------------------------------------------ pages */

/* The status of a page the form lookup did not know: how it differs. */
static const char *unknown_status(const struct run *r, const struct pi_page *p)
{
        if (!p->has_qr)
                return "unknown";
        if (strcmp(p->qr.survey, r->q->survey))
                return "other-survey";
        if (p->qr.edition != r->q->edition)
                return "other-edition";
        if (!lookup(&p->qr, (void *) &r->lay))
                return "other-lang";
        return "unknown";
}

/* Why a page with status was not read, when the scan module said nothing. */
static const char *why_not(const char *status)
{
        if (!strcmp(status, "no-qr"))
                return ENK_MSGID("no readable QR code");
        if (!strcmp(status, "no-marks"))
                return ENK_MSGID("the corner marks were not found");
        if (!strcmp(status, "foreign"))
                return ENK_MSGID("the QR code is not an enkat page code");
        return ENK_MSGID("the page is not one of this form's");
}

/* Sets p's status and message; a page that is neither read nor blank is an
 * error named by its file and page. */
static void classify(struct run *r, struct pi_page *p)
{
        static const char *const names[] = {"ok",      "blank",   "no-qr",
                                            "foreign", "unknown", "no-marks"};
        const enk_diag *why = enk_diags_get(p->d, 0);
        snprintf(p->message, sizeof(p->message), "%s", why ? why->message : "");
        if (!p->decoded)
                p->status = "error";
        else if (p->outcome == ENK_SCAN_PAGE_UNKNOWN)
                p->status = unknown_status(r, p);
        else
                p->status = names[p->outcome];
        if (!strcmp(p->status, "ok")) {
                r->res->pages_ok++;
                return;
        }
        r->res->pages_bad++;
        if (!strcmp(p->status, "blank"))
                return; /* a blank back side: nothing to read, nothing lost */
        enk_loc loc = {p->file, p->fpage, 0};
        if (!strcmp(p->status, "other-survey") || !strcmp(p->status, "other-edition") ||
            !strcmp(p->status, "other-lang"))
                enk_error(r->diags, loc, "a page of %s %d (%s), not of this wave's %s %d: %s",
                          p->qr.survey, p->qr.edition, p->qr.lang, r->q->survey, r->q->edition,
                          p->qr_text);
        else
                enk_error(r->diags, loc, "page not read: %s",
                          p->message[0] ? p->message : enk_diag_text(why_not(p->status)));
        r->res->errors++;
}

/* --------------------------------------------------------------- copies */

struct pi_copy {
        unsigned serial;
        char key[80]; /* the serial as stored */
        int lang;     /* index into q->languages */
        size_t npaper;
        struct pi_page **pages; /* npaper, by form page; NULL: missing */
        unsigned *missing;
        size_t nmissing;
        enk_paperin_answer *answers; /* q->nquestions when complete */
        int32_t *box_values;         /* the answers' box arrays */
        const char **box_states;
        size_t nreviews;
        const char *outcome;
        int64_t response_id;
};

static int lang_index(const enk_questionnaire *q, const char *lang)
{
        for (size_t i = 0; i < q->nlanguages; i++)
                if (!strcmp(q->languages[i], lang))
                        return (int) i;
        return 0;
}

/* Orders read pages by copy (serial, language), then form page, then as read. */
static int by_copy(const void *a, const void *b)
{
        const struct pi_page *x = *(struct pi_page *const *) a, *y = *(struct pi_page *const *) b;
        if (x->qr.serial != y->qr.serial)
                return x->qr.serial < y->qr.serial ? -1 : 1;
        int c = strcmp(x->qr.lang, y->qr.lang);
        if (c)
                return c;
        if (x->qr.serial && x->qr.page != y->qr.page)
                return x->qr.page < y->qr.page ? -1 : 1;
        return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Whether p belongs to copy c (pages of forms without serials: a copy is
 * pages 1..n read one after the other). */
static bool same_copy(const struct pi_copy *c, const struct pi_page *p, const struct pi_page *last)
{
        if (c->serial || p->qr.serial)
                return p->qr.serial == c->serial && !strcmp(p->qr.lang, last->qr.lang);
        return p->qr.page > last->qr.page && !strcmp(p->qr.lang, last->qr.lang) &&
               p->seq == last->seq + 1;
}

static enk_status new_copy(struct run *r, struct pi_copy **copies, size_t *n,
                           const struct pi_page *first)
{
        struct pi_copy *c = realloc(*copies, (*n + 1) * sizeof(*c));
        if (!c)
                return ENK_ERR_NOMEM;
        *copies = c;
        c = &c[(*n)++];
        memset(c, 0, sizeof(*c));
        c->serial = first->qr.serial;
        c->lang = lang_index(r->q, first->qr.lang);
        if (c->serial)
                snprintf(c->key, sizeof(c->key), "%05u", c->serial);
        else
                snprintf(c->key, sizeof(c->key), "%s:%u", first->file, first->fpage);
        c->npaper = first->qr.pages;
        c->pages = calloc(c->npaper ? c->npaper : 1, sizeof(*c->pages));
        c->missing = calloc(c->npaper ? c->npaper : 1, sizeof(*c->missing));
        return c->pages && c->missing ? ENK_OK : ENK_ERR_NOMEM;
}

/* Puts p into copy c; a form page read twice is an error. */
static void place(struct run *r, struct pi_copy *c, struct pi_page *p)
{
        struct pi_page **slot = &c->pages[p->qr.page - 1];
        if (p->qr.page > c->npaper || p->qr.pages != c->npaper || *slot) {
                p->status = "twice";
                const struct pi_page *o = p->qr.page <= c->npaper ? *slot : NULL;
                enk_loc loc = {p->file, p->fpage, 0};
                if (o)
                        enk_error(r->diags, loc, "page %u of copy %s read twice (also %s page %u)",
                                  p->qr.page, c->key, o->file, o->fpage);
                else
                        enk_error(r->diags, loc, "page %u/%u does not fit copy %s of %zu pages",
                                  p->qr.page, p->qr.pages, c->key, c->npaper);
                r->res->errors++;
                return;
        }
        *slot = p;
        p->in_copy = true;
}

/* The copies of the read pages, in serial order. */
static enk_status make_copies(struct run *r, struct pi_copy **copies, size_t *ncopies)
{
        struct pi_page **ok = malloc((r->npages ? r->npages : 1) * sizeof(*ok));
        if (!ok)
                return ENK_ERR_NOMEM;
        size_t n = 0;
        for (size_t i = 0; i < r->npages; i++)
                if (!strcmp(r->pages[i]->status, "ok"))
                        ok[n++] = r->pages[i];
        qsort(ok, n, sizeof(*ok), by_copy);
        enk_status st = ENK_OK;
        const struct pi_page *last = NULL;
        for (size_t i = 0; st == ENK_OK && i < n; i++) {
                if (!last || !same_copy(&(*copies)[*ncopies - 1], ok[i], last))
                        st = new_copy(r, copies, ncopies, ok[i]);
                if (st == ENK_OK)
                        place(r, &(*copies)[*ncopies - 1], ok[i]);
                last = ok[i];
        }
        free(ok);
        return st;
}

/* Lists c's missing pages; a copy with one is an error. */
static void check_complete(struct run *r, struct pi_copy *c)
{
        const struct pi_page *any = NULL;
        char list[160] = "";
        size_t len = 0;
        for (size_t k = 0; k < c->npaper; k++) {
                if (c->pages[k]) {
                        any = any ? any : c->pages[k];
                        continue;
                }
                c->missing[c->nmissing++] = (unsigned) k + 1;
                if (len < sizeof(list) - 16)
                        len += (size_t) snprintf(list + len, sizeof(list) - len, "%s%zu",
                                                 c->nmissing > 1 ? ", " : "", k + 1);
        }
        if (!c->nmissing)
                return;
        c->outcome = "incomplete";
        r->res->incomplete++;
        r->res->errors++;
        enk_loc loc = {any->file, any->fpage, 0};
        enk_error(r->diags, loc,
                  "copy %s: page %s of %zu missing (scan it into the same run, or key the copy "
                  "by hand)",
                  c->key, list, c->npaper);
}

/* The boxes of question qi on c's pages, into b (room for max). */
static size_t boxes_of(const struct pi_copy *c, size_t qi, struct pi_box *b, size_t max,
                       unsigned *page)
{
        size_t n = 0;
        for (size_t k = 0; k < c->npaper; k++) {
                const struct pi_page *p = c->pages[k];
                for (size_t i = 0; p && i < p->nboxes; i++) {
                        if (p->boxes[i].question != qi || n == max)
                                continue;
                        b[n++] = p->boxes[i].b;
                        *page = (unsigned) k + 1;
                }
        }
        return n;
}

/* Decides every question of complete copy c. */
static enk_status answer_copy(struct run *r, struct pi_copy *c)
{
        const enk_questionnaire *q = r->q;
        size_t nq = q->nquestions, max = 0;
        for (size_t k = 0; k < c->npaper; k++)
                max += c->pages[k]->nboxes;
        c->answers = calloc(nq ? nq : 1, sizeof(*c->answers));
        c->box_values = calloc(max ? max : 1, sizeof(*c->box_values));
        c->box_states = calloc(max ? max : 1, sizeof(*c->box_states));
        struct pi_box *b = calloc(max ? max : 1, sizeof(*b));
        int32_t *scratch = calloc(nq ? nq : 1, sizeof(*scratch));
        if (!c->answers || !c->box_values || !c->box_states || !b || !scratch) {
                free(b);
                free(scratch);
                return ENK_ERR_NOMEM;
        }
        size_t used = 0;
        for (size_t i = 0; i < nq; i++) {
                unsigned page = 0;
                size_t n = boxes_of(c, i, b, max - used, &page);
                enk_paperin_answer *a = &c->answers[i];
                pi_answer(&q->questions[i], b, n, a);
                a->question = i;
                a->nboxes = n;
                a->box_values = c->box_values + used;
                a->box_states = c->box_states + used;
                for (size_t k = 0; k < n; k++) {
                        c->box_values[used + k] = b[k].value;
                        c->box_states[used + k] = enk_scan_state_str(b[k].state);
                }
                used += n;
        }
        pi_skips(q, c->answers, scratch);
        for (size_t i = 0; i < nq; i++)
                c->nreviews += c->answers[i].state == ENK_PAPERIN_REVIEW;
        free(b);
        free(scratch);
        return ENK_OK;
}

/* The crop of question qi on form page page of c. */
static void crop_for(const struct pi_copy *c, size_t qi, unsigned page, int crop[4])
{
        const struct pi_page *p = page ? c->pages[page - 1] : NULL;
        for (size_t i = 0; p && i < p->ncrops; i++)
                if (p->crops[i].question == qi) {
                        memcpy(crop, p->crops[i].crop, 4 * sizeof(int));
                        return;
                }
        crop[0] = crop[1] = 0;
        crop[2] = crop[3] = 1;
}

/* Adds the diagnostics of src to dst. */
static void copy_diags(enk_diags *dst, const enk_diags *src)
{
        for (size_t i = 0; i < enk_diags_count(src); i++) {
                const enk_diag *g = enk_diags_get(src, i);
                enk_loc loc = {g->file, g->line, g->column};
                enk_diags_add(dst, g->severity, loc, g->subject, "%s", g->message);
        }
}

/* Stores complete copy c (its response, or its reviews). */
static enk_status store_copy(struct run *r, struct pi_copy *c)
{
        const enk_questionnaire *q = r->q;
        size_t nq = q->nquestions;
        int32_t *values = calloc(nq ? nq : 1, sizeof(*values));
        enk_store_scan_review *rv = calloc(c->nreviews ? c->nreviews : 1, sizeof(*rv));
        enk_store_scan_page *pages = calloc(c->npaper, sizeof(*pages));
        enk_status st = values && rv && pages ? ENK_OK : ENK_ERR_NOMEM;
        size_t nrv = 0;
        for (size_t i = 0; st == ENK_OK && i < nq; i++) {
                const enk_paperin_answer *a = &c->answers[i];
                values[i] = a->state == ENK_PAPERIN_CERTAIN ? a->value : ENK_MISSING;
                if (a->state != ENK_PAPERIN_REVIEW)
                        continue;
                struct pi_box scratch[1];
                unsigned page = 0;
                boxes_of(c, i, scratch, 1, &page);
                rv[nrv] = (enk_store_scan_review){i, a->reason, a->value, page ? page : 1, {0}};
                crop_for(c, i, page, rv[nrv].crop);
                nrv++;
        }
        for (size_t k = 0; st == ENK_OK && k < c->npaper; k++) {
                const struct pi_page *p = c->pages[k];
                pages[k] = (enk_store_scan_page){(unsigned) k + 1, p->file, p->fpage, p->turned,
                                                 p->residual};
        }
        if (st == ENK_OK) {
                enk_response_validate(q, ENK_SOURCE_SCAN, values, NULL, NULL);
                enk_response resp = {
                    .q = q,
                    .values = values,
                    .source = ENK_SOURCE_SCAN,
                    .origin = {.file = c->pages[0]->file, .page = c->pages[0]->fpage}};
                enk_store_scan_copy sc = {
                    c->key, q->languages[c->lang], &resp, pages, c->npaper, rv, nrv};
                enk_diags *d = enk_diags_new(2);
                st = d ? enk_store_add_scan(r->store, r->wave_id, &sc, NULL, &c->response_id, d)
                       : ENK_ERR_NOMEM;
                if (st == ENK_ERR_EXISTS) {
                        enk_loc loc = {c->pages[0]->file, c->pages[0]->fpage, 0};
                        enk_warning(r->diags, loc,
                                    "copy %s has been scanned into %s %d before: not stored again",
                                    c->key, r->o->unit, r->o->year);
                        c->outcome = "exists";
                        st = ENK_OK;
                } else if (st != ENK_OK) {
                        copy_diags(r->diags, d);
                }
                enk_diags_free(d);
        }
        free(values);
        free(rv);
        free(pages);
        return st;
}

/* --------------------------------------------------------- reporting */

static void report_pages(struct run *r)
{
        for (size_t i = 0; i < r->npages; i++) {
                const struct pi_page *p = r->pages[i];
                if (!strcmp(p->status, "ok"))
                        copy_diags(r->diags, p->d); /* warnings of a read page */
                if (!r->h || !r->h->page)
                        continue;
                enk_paperin_page pg = {
                    .file = p->file,
                    .page = p->fpage,
                    .status = p->status,
                    .message = strcmp(p->status, "ok") && p->message[0] ? p->message : NULL,
                    .qr = p->qr_text,
                    .serial = p->has_qr ? p->qr.serial : 0,
                    .form_page = p->has_qr ? p->qr.page : 0,
                    .rotated = p->turned,
                    .residual_mm = p->residual,
                };
                r->h->page(r->h->ctx, &pg);
        }
}

static void report_copy(struct run *r, const struct pi_copy *c)
{
        if (!r->h || !r->h->copy)
                return;
        enk_paperin_copy pc = {
            .serial = c->serial,
            .q = r->q,
            .complete = c->nmissing == 0,
            .missing = c->missing,
            .nmissing = c->nmissing,
            .answers = c->answers,
            .nreviews = c->nreviews,
            .response_id = c->response_id,
            .outcome = c->outcome,
        };
        r->h->copy(r->h->ctx, &pc);
}

static void free_copies(struct pi_copy *copies, size_t n)
{
        for (size_t i = 0; i < n; i++) {
                free(copies[i].pages);
                free(copies[i].missing);
                free(copies[i].answers);
                free(copies[i].box_values);
                free(copies[i].box_states);
        }
        free(copies);
}

/* Puts the pages together, decides the answers and, when nothing was wrong
 * and this is no dry run, stores every copy in one transaction. */
static enk_status copies(struct run *r)
{
        struct pi_copy *cs = NULL;
        size_t n = 0;
        enk_status st = make_copies(r, &cs, &n);
        for (size_t i = 0; st == ENK_OK && i < n; i++) {
                check_complete(r, &cs[i]);
                if (!cs[i].nmissing)
                        st = answer_copy(r, &cs[i]);
        }
        r->res->copies = n;
        report_pages(r);
        /* the transaction open_wave began; nothing of it stays on an error */
        bool store = st == ENK_OK && !r->res->errors && !r->o->dry_run;
        for (size_t i = 0; st == ENK_OK && i < n; i++) {
                struct pi_copy *c = &cs[i];
                if (c->nmissing)
                        continue;
                r->res->reviews += c->nreviews;
                c->outcome = store ? NULL : "read";
                if (store && (st = store_copy(r, c)) != ENK_OK)
                        break;
                if (!c->outcome)
                        c->outcome = c->nreviews ? "waiting" : "stored";
                /* a dry run counts what it would have done */
                bool read = !strcmp(c->outcome, "read");
                r->res->stored += !strcmp(c->outcome, "stored") || (read && !c->nreviews);
                r->res->waiting += !strcmp(c->outcome, "waiting") || (read && c->nreviews);
        }
        if (store && st == ENK_OK)
                st = enk_store_commit(r->store, r->diags);
        for (size_t i = 0; i < n; i++)
                report_copy(r, &cs[i]);
        free_copies(cs, n);
        return st;
}

/* ------------------------------------------------------------- the run */

/* The wave of o->unit x o->year in the open store, made with the edition
 * o->questionnaire when the store lacks it (r->own_q), inside the run's
 * transaction. A dry run makes nothing: it reads with the questionnaire
 * when the store has no such wave. */
static enk_status find_or_make_wave(struct run *r)
{
        const enk_paperin_opts *o = r->o;
        int64_t unit = 0, edition = 0;
        enk_diags *quiet = enk_diags_new(2);
        enk_status st = enk_store_find_unit(r->store, o->unit, &unit, quiet);
        if (st == ENK_OK)
                st = enk_store_find_wave(r->store, unit, o->year, &r->wave_id, &edition, quiet);
        if (st == ENK_OK || !r->own_q) {
                if (st != ENK_OK)
                        copy_diags(r->diags, quiet);
                enk_diags_free(quiet);
                return st == ENK_OK ? enk_store_edition(r->store, edition, &r->q, r->diags) : st;
        }
        enk_diags_free(quiet);
        r->q = r->own_q;
        if (o->dry_run)
                return ENK_OK;
        if ((st = enk_store_add_edition(r->store, r->own_q, &edition, r->diags)) != ENK_OK ||
            (st = enk_store_unit(r->store, o->unit, &unit, r->diags)) != ENK_OK)
                return st;
        return enk_store_wave(r->store, unit, o->year, edition, -1, &r->wave_id, r->diags);
}

/* The store (a transaction open unless this is a dry run) and the wave. */
static enk_status open_wave(struct run *r)
{
        const enk_paperin_opts *o = r->o;
        enk_status st = ENK_OK;
        if (o->questionnaire)
                st = enk_questionnaire_load(o->questionnaire, &r->own_q, r->diags);
        int flags = o->dry_run ? ENK_STORE_READONLY : o->questionnaire ? ENK_STORE_CREATE : 0;
        if (st == ENK_OK && o->dry_run && r->own_q && access(o->db, F_OK) != 0) {
                r->q = r->own_q; /* a dry run before there is a store */
                return ENK_OK;
        }
        if (st == ENK_OK)
                st = enk_store_open(o->db, flags, &r->store, r->diags);
        if (st == ENK_OK && !o->dry_run)
                st = enk_store_begin(r->store, r->diags);
        if (st == ENK_OK)
                st = find_or_make_wave(r);
        return st;
}

/* Removes the store file path and its log files. */
static void remove_store(const char *path)
{
        char buf[4096];
        unlink(path);
        for (int i = 0; i < 2; i++) {
                snprintf(buf, sizeof(buf), "%s%s", path, i ? "-shm" : "-wal");
                unlink(buf);
        }
}

static void free_run(struct run *r)
{
        for (size_t i = 0; i < r->npages; i++) {
                struct pi_page *p = r->pages[i];
                free(p->file);
                enk_diags_free(p->d);
                free(p->boxes);
                free(p->crops);
                free(p);
        }
        free(r->pages);
        for (size_t i = 0; i < ENK_LANG_MAX; i++)
                enk_paper_free(r->lay.paper[i]);
        if (r->store && enk_store_in_transaction(r->store))
                enk_store_rollback(r->store);
        enk_store_free(r->store);
        enk_questionnaire_free(r->own_q);
}

enk_status enk_paperin_run(const enk_paperin_opts *o, const enk_paperin_handlers *h,
                           enk_paperin_result *res, enk_diags *diags)
{
        if (!o || !res || !o->db || !o->unit || (o->nfiles && !o->files))
                return ENK_ERR_USAGE;
        memset(res, 0, sizeof(*res));
        struct run r = {.o = o, .h = h, .res = res, .diags = diags};
        /* a store this run makes and then keeps nothing in is not left behind */
        bool made = !o->dry_run && o->questionnaire && access(o->db, F_OK) != 0;
        enk_status st = open_wave(&r);
        if (st == ENK_OK)
                st = make_layouts(&r);
        if (st == ENK_OK)
                st = read_all(&r);
        res->files = o->nfiles;
        res->pages = r.npages;
        for (size_t i = 0; st == ENK_OK && i < r.npages; i++)
                classify(&r, r.pages[i]);
        if (st == ENK_OK)
                st = copies(&r);
        free_run(&r);
        if (made && (st != ENK_OK || res->errors))
                remove_store(o->db);
        return st;
}

/* ------------------------------------------------- after the review */

enk_status enk_paperin_finish(enk_store *store, int64_t copy_id, int64_t *response_id,
                              enk_diags *diags)
{
        int64_t edition = 0;
        const enk_questionnaire *q = NULL;
        enk_status st = enk_store_scan_edition(store, copy_id, &edition, diags);
        if (st == ENK_OK)
                st = enk_store_edition(store, edition, &q, diags);
        if (st != ENK_OK)
                return st;
        int32_t *values = calloc(q->nquestions ? q->nquestions : 1, sizeof(*values));
        if (!values)
                return ENK_ERR_NOMEM;
        size_t waiting = 0;
        int64_t have = 0;
        st = enk_store_scan_values(store, copy_id, values, q->nquestions, &waiting, &have, diags);
        if (st == ENK_OK && (waiting || have)) {
                enk_loc loc = {enk_store_path(store), 0, 0};
                enk_error(diags, loc,
                          have ? ENK_MSGID("scanned copy %lld is a response already")
                               : ENK_MSGID("scanned copy %lld has reviews undecided"),
                          (long long) copy_id);
                st = have ? ENK_ERR_EXISTS : ENK_ERR_USAGE;
        }
        if (st == ENK_OK) {
                /* a decision may leave an answer the skip logic skips: dropped,
                 * as every source's are; a required question left blank on
                 * paper stays blank (enk_response_source_insists) */
                enk_response_validate(q, ENK_SOURCE_SCAN, values, NULL, NULL);
                enk_response r = {.q = q, .values = values, .source = ENK_SOURCE_SCAN};
                st = enk_store_scan_finish(store, copy_id, &r, response_id, diags);
        }
        free(values);
        return st;
}

/* Grows *r to hold b. */
static void grow(enk_paper_rect *r, bool *any, enk_paper_rect b)
{
        if (!*any) {
                *r = b;
                *any = true;
                return;
        }
        double x1 = r->x + r->w > b.x + b.w ? r->x + r->w : b.x + b.w;
        double y1 = r->y + r->h > b.y + b.h ? r->y + r->h : b.y + b.h;
        r->x = b.x < r->x ? b.x : r->x;
        r->y = b.y < r->y ? b.y : r->y;
        r->w = x1 - r->x;
        r->h = y1 - r->y;
}

bool enk_paperin_question_area(const enk_paper *paper, size_t question, unsigned *page,
                               enk_paper_rect *r)
{
        bool any = false;
        size_t pg = 0;
        for (size_t i = 0; i < enk_paper_nboxes(paper); i++) {
                const enk_paper_box *b = enk_paper_box_get(paper, i);
                if (b->question == question && (!any || b->page == pg)) {
                        pg = b->page;
                        grow(r, &any, b->r);
                }
        }
        for (size_t i = 0; i < enk_paper_ndigits(paper); i++) {
                const enk_paper_digit *b = enk_paper_digit_get(paper, i);
                if (b->question == question && (!any || b->page == pg)) {
                        pg = b->page;
                        grow(r, &any, b->r);
                }
        }
        for (size_t i = 0; i < enk_paper_nareas(paper); i++) {
                const enk_paper_area *b = enk_paper_area_get(paper, i);
                if (b->question == question && (!any || b->page == pg)) {
                        pg = b->page;
                        grow(r, &any, b->r);
                }
        }
        if (!any)
                return false;
        /* the question's line of text before its boxes, and a margin */
        /* the whole width of the text column: the question's words too */
        double x0 = 18, y0 = r->y - 9 > 14 ? r->y - 9 : 14;
        double x1 = r->x + r->w + 4 > 194 ? r->x + r->w + 4 : 194;
        r->h = r->y + r->h + 3 - y0;
        r->y = y0;
        r->x = x0;
        r->w = x1 - x0;
        *page = (unsigned) pg + 1;
        return true;
}
