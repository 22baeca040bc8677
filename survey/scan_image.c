/* survey/scan_image.c - scan files read page by page into 8-bit grey images.
 *
 * The kind of file is told from its first bytes. A PDF is opened with
 * poppler-glib and read one page at a time: a page that is a scan (one image
 * covering the page, as office scanners write) gives that image at its own
 * resolution (a JPEG or CCITT G4 image taken as stored through qpdf and
 * decoded by Leptonica and libtiff, ten times faster than poppler decodes
 * them); any other page (a vector PDF such as enkat's own form) is
 * rendered with cairo at 300 dpi. A TIFF is read one directory at a time with
 * Leptonica's pixReadFromMultipageTiff(), so a 500-page scan never sits in
 * memory whole; PNG and JPEG are one page each. Whatever the pixels were
 * (colour, grey, 1-bit, a colour map) they become 8-bit grey.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cairo.h>
#include <glib.h>
#include <poppler.h>
#include <qpdf/qpdf-c.h>
#include <tiffio.h>
#include <unistd.h>

#include "survey/scan_internal.h"

#define RENDER_DPI 300.0
#define A4_W_MM    210.0

enum kind { K_PDF, K_TIFF, K_SINGLE };

struct enk_scan_file {
        char *path;
        enum kind kind;
        unsigned next; /* 1-based number of the next page */
        bool done;
        /* PDF */
        PopplerDocument *doc;
        qpdf_data qpdf; /* the same file through qpdf, for pages stored as JPEG or G4; or NULL */
        int npages;
        /* TIFF */
        size_t offset;
};

void enk_scan_quiet(void)
{
        /* Leptonica reports on stderr by default; the library never prints. */
        setMsgSeverity(L_SEVERITY_NONE);
}

static enk_loc at(const char *path, unsigned page)
{
        return (enk_loc){path, page, 0};
}

enk_status enk_scan_open(const char *path, enk_scan_file **out, enk_diags *d)
{
        if (!path || !out)
                return ENK_ERR_USAGE;
        enk_scan_quiet();
        FILE *fp = fopen(path, "rb");
        if (!fp) {
                enk_error(d, at(path, 0), "cannot open file: %s", strerror(errno));
                return ENK_ERR_IO;
        }
        unsigned char head[8] = {0};
        size_t n = fread(head, 1, sizeof head, fp);
        fclose(fp);

        enk_scan_file *f = calloc(1, sizeof *f);
        if (!f || !(f->path = strdup(path))) {
                free(f);
                return ENK_ERR_NOMEM;
        }
        f->next = 1;
        if (n >= 5 && memcmp(head, "%PDF-", 5) == 0) {
                f->kind = K_PDF;
                GError *err = NULL;
                char *abs = g_canonicalize_filename(path, NULL);
                char *uri = g_filename_to_uri(abs, NULL, &err);
                g_free(abs);
                if (uri)
                        f->doc = poppler_document_new_from_file(uri, NULL, &err);
                g_free(uri);
                if (!f->doc) {
                        enk_error(d, at(path, 0), "not a readable PDF: %s",
                                  err ? err->message : "unknown error");
                        g_clear_error(&err);
                        enk_scan_close(f);
                        return ENK_ERR_SYNTAX;
                }
                f->npages = poppler_document_get_n_pages(f->doc);
                f->qpdf = qpdf_init();
                if (f->qpdf) {
                        qpdf_silence_errors(f->qpdf);
                        if (qpdf_read(f->qpdf, path, NULL) & QPDF_ERRORS ||
                            qpdf_get_num_pages(f->qpdf) != f->npages)
                                qpdf_cleanup(&f->qpdf);
                }
                if (f->npages <= 0) {
                        enk_error(d, at(path, 0), "the PDF has no pages");
                        enk_scan_close(f);
                        return ENK_ERR_SYNTAX;
                }
                *out = f;
                return ENK_OK;
        }
        l_int32 format = IFF_UNKNOWN;
        if (n == 0 || findFileFormat(path, &format) != 0)
                format = IFF_UNKNOWN;
        switch (format) {
        case IFF_TIFF:
        case IFF_TIFF_PACKBITS:
        case IFF_TIFF_RLE:
        case IFF_TIFF_G3:
        case IFF_TIFF_G4:
        case IFF_TIFF_LZW:
        case IFF_TIFF_ZIP:
        case IFF_TIFF_JPEG:
                f->kind = K_TIFF;
                break;
        case IFF_PNG:
        case IFF_JFIF_JPEG:
                f->kind = K_SINGLE;
                break;
        default:
                enk_error(d, at(path, 0),
                          "not a scan image: expected a PDF, TIFF, PNG or JPEG file");
                enk_scan_close(f);
                return ENK_ERR_SYNTAX;
        }
        *out = f;
        return ENK_OK;
}

void enk_scan_close(enk_scan_file *f)
{
        if (!f)
                return;
        if (f->doc)
                g_object_unref(f->doc);
        if (f->qpdf)
                qpdf_cleanup(&f->qpdf);
        free(f->path);
        free(f);
}

size_t enk_scan_file_npages(const enk_scan_file *f)
{
        return f && f->kind == K_PDF ? (size_t) f->npages : f && f->kind == K_SINGLE ? 1 : 0;
}

static enk_status new_image(PIX *grey, const char *file, unsigned page, double dpi,
                            enk_scan_image **out)
{
        enk_scan_image *img = calloc(1, sizeof *img);
        if (!img || !(img->file = strdup(file))) {
                free(img);
                pixDestroy(&grey);
                return ENK_ERR_NOMEM;
        }
        img->pix = grey;
        img->page = page;
        img->dpi = dpi > 0 ? dpi : pixGetWidth(grey) * 25.4 / A4_W_MM;
        *out = img;
        return ENK_OK;
}

/* A cairo image surface (RGB24 or ARGB32, composited over white; A8 and A1
 * as ink) as a new 8-bit grey PIX. */
static PIX *surface_grey(cairo_surface_t *s)
{
        cairo_surface_flush(s);
        int w = cairo_image_surface_get_width(s), h = cairo_image_surface_get_height(s);
        int stride = cairo_image_surface_get_stride(s);
        cairo_format_t fmt = cairo_image_surface_get_format(s);
        const unsigned char *data = cairo_image_surface_get_data(s);
        if (!data || w <= 0 || h <= 0)
                return NULL;
        PIX *pix = pixCreate(w, h, 8);
        if (!pix)
                return NULL;
        l_uint32 *pd = pixGetData(pix);
        int wpl = pixGetWpl(pix);
        for (int y = 0; y < h; y++) {
                const unsigned char *row = data + (size_t) y * stride;
                l_uint32 *line = pd + (size_t) y * wpl;
                for (int x = 0; x < w; x++) {
                        unsigned v;
                        if (fmt == CAIRO_FORMAT_RGB24 || fmt == CAIRO_FORMAT_ARGB32) {
                                uint32_t p = ((const uint32_t *) row)[x];
                                unsigned a = fmt == CAIRO_FORMAT_ARGB32 ? p >> 24 : 255;
                                unsigned r = (p >> 16) & 255, g = (p >> 8) & 255, b = p & 255;
                                /* premultiplied: over white adds (255 - a) */
                                v = (77 * r + 150 * g + 29 * b) / 256 + (255 - a);
                        } else if (fmt == CAIRO_FORMAT_A8) {
                                v = 255 - row[x];
                        } else if (fmt == CAIRO_FORMAT_A1) {
                                uint32_t word = ((const uint32_t *) row)[x / 32];
                                unsigned bit =
                                    G_BYTE_ORDER == G_LITTLE_ENDIAN ? x % 32 : 31 - x % 32;
                                v = (word >> bit) & 1 ? 0 : 255;
                        } else {
                                pixDestroy(&pix);
                                return NULL;
                        }
                        SET_DATA_BYTE(line, x, v > 255 ? 255 : v);
                }
        }
        return pix;
}

static PIX *grey_of(PIX *pix);

/* The one filter of an image stream, whether written as a name or as an
 * array of one name; NULL for none or a chain. */
static const char *pdf_filter(qpdf_data q, qpdf_oh dict, qpdf_oh *parms)
{
        qpdf_oh f = qpdf_oh_get_key(q, dict, "/Filter");
        qpdf_oh p = qpdf_oh_get_key(q, dict, "/DecodeParms");
        if (qpdf_oh_is_array(q, f)) {
                if (qpdf_oh_get_array_n_items(q, f) != 1)
                        return NULL;
                f = qpdf_oh_get_array_item(q, f, 0);
                if (qpdf_oh_is_array(q, p))
                        p = qpdf_oh_get_array_item(q, p, 0);
        }
        *parms = p;
        return qpdf_oh_is_name(q, f) ? qpdf_oh_get_name(q, f) : NULL;
}

static int pdf_int(qpdf_data q, qpdf_oh dict, const char *key, int dflt)
{
        qpdf_oh v = qpdf_oh_get_key(q, dict, key);
        return qpdf_oh_is_integer(q, v) ? qpdf_oh_get_int_value_as_int(q, v) : dflt;
}

static bool pdf_bool(qpdf_data q, qpdf_oh dict, const char *key)
{
        qpdf_oh v = qpdf_oh_get_key(q, dict, key);
        return qpdf_oh_is_bool(q, v) && qpdf_oh_get_bool_value(q, v);
}

/* CCITT Group 4 data as stored in a PDF, decoded by libtiff: the stream is
 * written as the one strip of a TIFF in a temporary file and read back with
 * Leptonica, as a fax TIFF would be. Ink is 1 when the filter's black runs
 * paint black (BlackIs1 and /Decode [1 0] each turn that over). */
static PIX *ccitt_g4(const unsigned char *buf, size_t len, int w, int h, bool black_is_paper)
{
        FILE *fp = tmpfile();
        if (!fp)
                return NULL;
        PIX *pix = NULL;
        int fd = dup(fileno(fp));
        TIFF *t = fd < 0 ? NULL : TIFFFdOpen(fd, "ccitt", "w");
        if (!t && fd >= 0)
                close(fd);
        if (t) {
                TIFFSetField(t, TIFFTAG_IMAGEWIDTH, (uint32_t) w);
                TIFFSetField(t, TIFFTAG_IMAGELENGTH, (uint32_t) h);
                TIFFSetField(t, TIFFTAG_BITSPERSAMPLE, 1);
                TIFFSetField(t, TIFFTAG_SAMPLESPERPIXEL, 1);
                TIFFSetField(t, TIFFTAG_ROWSPERSTRIP, (uint32_t) h);
                TIFFSetField(t, TIFFTAG_COMPRESSION, COMPRESSION_CCITTFAX4);
                TIFFSetField(t, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_MINISWHITE);
                TIFFSetField(t, TIFFTAG_FILLORDER, FILLORDER_MSB2LSB);
                TIFFSetField(t, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG);
                bool ok = TIFFWriteRawStrip(t, 0, (void *) buf, (tmsize_t) len) == (tmsize_t) len;
                TIFFClose(t);
                if (ok && fseek(fp, 0, SEEK_SET) == 0)
                        pix = pixReadStreamTiff(fp, 0);
        }
        fclose(fp);
        if (pix && black_is_paper)
                pixInvert(pix, pix);
        return pix;
}

/* The scan image of page i (0-based) when the page's only XObject is an
 * image with the page's proportions stored as JPEG or as CCITT Group 4 (what
 * office scanners write): its bytes as stored, decoded by Leptonica (libjpeg,
 * libtiff). poppler would decode them too, but through its generic pipeline at
 * about 300 ms a page at 300 dpi; this takes a tenth of that or less. NULL
 * otherwise (then poppler reads the page). */
static PIX *pdf_stored_image(qpdf_data q, int i, double wpt, double hpt, double *dpi)
{
        qpdf_oh page = qpdf_get_page_n(q, (size_t) i);
        qpdf_oh res = qpdf_oh_get_key(q, page, "/Resources");
        qpdf_oh xo = qpdf_oh_get_key(q, res, "/XObject");
        PIX *pix = NULL;
        if (qpdf_oh_is_dictionary(q, xo)) {
                qpdf_oh img = 0;
                int n = 0;
                qpdf_oh_begin_dict_key_iter(q, xo);
                while (qpdf_oh_dict_more_keys(q)) {
                        const char *key = qpdf_oh_dict_next_key(q);
                        if (n++ == 0)
                                img = qpdf_oh_get_key(q, xo, key);
                }
                qpdf_oh dict = img ? qpdf_oh_get_dict(q, img) : 0, parms = 0;
                const char *filter = NULL;
                if (n == 1 && qpdf_oh_is_stream(q, img) &&
                    qpdf_oh_is_name_and_equals(q, qpdf_oh_get_key(q, dict, "/Subtype"), "/Image") &&
                    !pdf_bool(q, dict, "/ImageMask"))
                        filter = pdf_filter(q, dict, &parms);
                bool jpeg = filter && strcmp(filter, "/DCTDecode") == 0 &&
                            !qpdf_oh_has_key(q, dict, "/Decode");
                bool g4 = filter && strcmp(filter, "/CCITTFaxDecode") == 0 &&
                          pdf_int(q, parms, "/K", 0) < 0 &&
                          pdf_int(q, dict, "/BitsPerComponent", 1) == 1;
                int w = pdf_int(q, dict, "/Width", 0), h = pdf_int(q, dict, "/Height", 0);
                if (g4 &&
                    (w <= 0 || h <= 0 || w > 20000 || h > 20000 ||
                     pdf_int(q, parms, "/Columns", 1728) != w ||
                     pdf_int(q, parms, "/Rows", h) != h || pdf_bool(q, parms, "/EncodedByteAlign")))
                        g4 = false;
                unsigned char *buf = NULL;
                size_t len = 0;
                if ((jpeg || g4) &&
                    qpdf_oh_get_stream_data(q, img, qpdf_dl_none, NULL, &buf, &len) ==
                        QPDF_SUCCESS &&
                    len > 0) {
                        if (jpeg) {
                                pix = pixReadMemJpeg(buf, len, 0, 1, NULL, 0);
                        } else {
                                qpdf_oh dec = qpdf_oh_get_key(q, dict, "/Decode");
                                bool inverted = qpdf_oh_is_array(q, dec) &&
                                                qpdf_oh_get_array_n_items(q, dec) == 2 &&
                                                qpdf_oh_get_numeric_value(
                                                    q, qpdf_oh_get_array_item(q, dec, 0)) > 0.5;
                                pix = ccitt_g4(buf, len, w, h,
                                               pdf_bool(q, parms, "/BlackIs1") != inverted);
                        }
                }
                free(buf);
        }
        qpdf_oh_release_all(q);
        if (!pix)
                return NULL;
        int w = pixGetWidth(pix), h = pixGetHeight(pix);
        double ratio = (w / wpt) / (h / hpt);
        if (ratio < 0.97 || ratio > 1.03) {
                pixDestroy(&pix);
                return NULL;
        }
        *dpi = w * 72.0 / wpt;
        return grey_of(pix);
}

/* The page's scan image when the page is one: a single image covering at
 * least 90 % of it, with the page's proportions. */
static PIX *pdf_scan_image(PopplerPage *page, double wpt, double hpt, double *dpi)
{
        GList *maps = poppler_page_get_image_mapping(page);
        int id = -1, count = 0;
        for (GList *l = maps; l; l = l->next) {
                PopplerImageMapping *m = l->data;
                double aw = m->area.x2 - m->area.x1, ah = m->area.y2 - m->area.y1;
                count++;
                if (aw * ah >= 0.9 * wpt * hpt)
                        id = m->image_id;
        }
        poppler_page_free_image_mapping(maps);
        if (id < 0 || count != 1)
                return NULL;
        cairo_surface_t *s = poppler_page_get_image(page, id);
        if (!s)
                return NULL;
        PIX *pix = NULL;
        if (cairo_surface_get_type(s) == CAIRO_SURFACE_TYPE_IMAGE) {
                int w = cairo_image_surface_get_width(s), h = cairo_image_surface_get_height(s);
                double ratio = (w / wpt) / (h > 0 ? h / hpt : 1);
                if (w > 0 && h > 0 && ratio > 0.97 && ratio < 1.03) {
                        pix = surface_grey(s);
                        *dpi = w * 72.0 / wpt;
                }
        }
        cairo_surface_destroy(s);
        return pix;
}

static PIX *pdf_render(PopplerPage *page, double wpt, double hpt)
{
        int w = (int) (wpt / 72.0 * RENDER_DPI + 0.5), h = (int) (hpt / 72.0 * RENDER_DPI + 0.5);
        if (w <= 0 || h <= 0 || w > 20000 || h > 20000)
                return NULL;
        cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
        if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
                cairo_surface_destroy(s);
                return NULL;
        }
        cairo_t *cr = cairo_create(s);
        cairo_set_source_rgb(cr, 1, 1, 1);
        cairo_paint(cr);
        cairo_scale(cr, RENDER_DPI / 72.0, RENDER_DPI / 72.0);
        poppler_page_render(page, cr);
        cairo_destroy(cr);
        PIX *pix = surface_grey(s);
        cairo_surface_destroy(s);
        return pix;
}

static enk_status next_pdf(enk_scan_file *f, enk_scan_image **img, enk_diags *d)
{
        if ((int) f->next > f->npages) {
                f->done = true;
                return ENK_OK;
        }
        unsigned no = f->next++;
        PopplerPage *page = poppler_document_get_page(f->doc, (int) no - 1);
        if (!page) {
                enk_error(d, at(f->path, no), "cannot read the PDF's page");
                return ENK_ERR_SYNTAX;
        }
        double wpt = 0, hpt = 0, dpi = RENDER_DPI;
        poppler_page_get_size(page, &wpt, &hpt);
        PIX *pix = NULL;
        if (wpt > 0 && hpt > 0) {
                if (f->qpdf)
                        pix = pdf_stored_image(f->qpdf, (int) no - 1, wpt, hpt, &dpi);
                if (!pix)
                        pix = pdf_scan_image(page, wpt, hpt, &dpi);
                if (!pix) {
                        dpi = RENDER_DPI;
                        pix = pdf_render(page, wpt, hpt);
                }
        }
        g_object_unref(page);
        if (!pix) {
                enk_error(d, at(f->path, no), "cannot render the PDF's page (size %.0f x %.0f pt)",
                          wpt, hpt);
                return ENK_ERR_SYNTAX;
        }
        return new_image(pix, f->path, no, dpi, img);
}

/* Whether the PNG at path has its chunks whole up to IEND. libpng reports a
 * truncated file on stderr before Leptonica sees the error, and the library
 * never prints: such a file is refused here first. */
static bool png_whole(const char *path)
{
        FILE *fp = fopen(path, "rb");
        if (!fp)
                return false;
        unsigned char h[8];
        bool ok = fread(h, 1, 8, fp) == 8;
        while (ok) {
                if (fread(h, 1, 8, fp) != 8) {
                        ok = false;
                        break;
                }
                unsigned long len = (unsigned long) h[0] << 24 | (unsigned long) h[1] << 16 |
                                    (unsigned long) h[2] << 8 | h[3];
                if (len > 0x7fffffffUL || fseek(fp, (long) len + 4, SEEK_CUR) != 0) {
                        ok = false;
                        break;
                }
                long here = ftell(fp);
                if (fseek(fp, 0, SEEK_END) != 0 || ftell(fp) < here ||
                    fseek(fp, here, SEEK_SET) != 0) {
                        ok = false;
                        break;
                }
                if (memcmp(h + 4, "IEND", 4) == 0)
                        break;
        }
        fclose(fp);
        return ok;
}

static PIX *grey_of(PIX *pix)
{
        PIX *grey =
            pixGetDepth(pix) == 8 && !pixGetColormap(pix) ? pixClone(pix) : pixConvertTo8(pix, 0);
        pixDestroy(&pix);
        return grey;
}

enk_status enk_scan_next(enk_scan_file *f, enk_scan_image **img, enk_diags *d)
{
        if (!f || !img)
                return ENK_ERR_USAGE;
        *img = NULL;
        enk_scan_quiet();
        if (f->done)
                return ENK_OK;
        if (f->kind == K_PDF)
                return next_pdf(f, img, d);
        unsigned no = f->next++;
        PIX *pix;
        if (f->kind == K_TIFF) {
                pix = pixReadFromMultipageTiff(f->path, &f->offset);
                if (f->offset == 0)
                        f->done = true; /* that was the last directory, or a bad one */
        } else {
                l_int32 format = IFF_UNKNOWN;
                findFileFormat(f->path, &format);
                pix = format == IFF_PNG && !png_whole(f->path) ? NULL : pixRead(f->path);
                f->done = true;
        }
        if (!pix) {
                f->done = true;
                enk_error(d, at(f->path, no),
                          "cannot decode the page image (a corrupt or truncated file)");
                return ENK_ERR_SYNTAX;
        }
        double dpi = pixGetXRes(pix);
        pix = grey_of(pix);
        if (!pix)
                return ENK_ERR_NOMEM;
        return new_image(pix, f->path, no, dpi, img);
}

void enk_scan_image_free(enk_scan_image *img)
{
        if (!img)
                return;
        pixDestroy(&img->pix);
        free(img->file);
        free(img);
}

enk_status enk_scan_image_turn(enk_scan_image *img)
{
        if (!img)
                return ENK_ERR_USAGE;
        enk_scan_quiet();
        return pixRotate180(img->pix, img->pix) ? ENK_OK : ENK_ERR_NOMEM;
}

const char *enk_scan_image_file(const enk_scan_image *img)
{
        return img->file;
}

unsigned enk_scan_image_page(const enk_scan_image *img)
{
        return img->page;
}

unsigned enk_scan_image_width(const enk_scan_image *img)
{
        return (unsigned) pixGetWidth(img->pix);
}

unsigned enk_scan_image_height(const enk_scan_image *img)
{
        return (unsigned) pixGetHeight(img->pix);
}

double enk_scan_image_dpi(const enk_scan_image *img)
{
        return img->dpi;
}

int enk_scan_image_pixel(const enk_scan_image *img, int x, int y)
{
        if (x < 0 || y < 0 || x >= pixGetWidth(img->pix) || y >= pixGetHeight(img->pix))
                return 255;
        return GET_DATA_BYTE(pixGetData(img->pix) + (size_t) y * pixGetWpl(img->pix), x);
}

enk_status enk_scan_image_from_grey(const uint8_t *px, unsigned w, unsigned h, size_t stride,
                                    double dpi, const char *file, unsigned page,
                                    enk_scan_image **out)
{
        if (!px || !w || !h || stride < w || !file || !out)
                return ENK_ERR_USAGE;
        enk_scan_quiet();
        PIX *pix = pixCreate((l_int32) w, (l_int32) h, 8);
        if (!pix)
                return ENK_ERR_NOMEM;
        l_uint32 *pd = pixGetData(pix);
        int wpl = pixGetWpl(pix);
        for (unsigned y = 0; y < h; y++)
                for (unsigned x = 0; x < w; x++)
                        SET_DATA_BYTE(pd + (size_t) y * wpl, x, px[y * stride + x]);
        return new_image(pix, file, page, dpi, out);
}

enk_status enk_scan_crop_png(const enk_scan_image *img, enk_scan_rect r, int margin, uint8_t **png,
                             size_t *len)
{
        if (!img || !png || !len || r.w <= 0 || r.h <= 0)
                return ENK_ERR_USAGE;
        enk_scan_quiet();
        BOX *box = boxCreate(r.x - margin, r.y - margin, r.w + 2 * margin, r.h + 2 * margin);
        PIX *crop = box ? pixClipRectangle(img->pix, box, NULL) : NULL;
        boxDestroy(&box);
        if (!crop)
                return ENK_ERR_USAGE; /* nothing of it inside the image */
        l_uint8 *data = NULL;
        size_t n = 0;
        l_ok bad = pixWriteMem(&data, &n, crop, IFF_PNG);
        pixDestroy(&crop);
        if (bad || !data)
                return ENK_ERR_NOMEM;
        *png = data;
        *len = n;
        return ENK_OK;
}
