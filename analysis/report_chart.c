/* analysis/report_chart.c - what the report's charts share: creation, titles, the share axis,
 * colours.
 *
 * The trend lines (report_trends.c) and the comparison columns
 * (report_comparison.c) show shares on the same axis and in the same type;
 * the distribution bars (report_distribution.c) colour a scale's points.
 * Each sheet adds its own series.
 */
#include "analysis/report_internal.h"

#include <math.h>

lxw_chart *enk_report_new_chart(enk_report_ctx *c, uint8_t type)
{
        lxw_chart *ch = workbook_add_chart(c->wb, type);
        if (!ch)
                enk_report_note_err(c, LXW_ERROR_MEMORY_MALLOC_FAILED);
        return ch;
}

const char *enk_report_chart_text(char *buf, size_t cap, const char *s)
{
        if (s[0] == '=')
                return enk_report_fmt(buf, cap, " %s", s);
        return enk_report_fmt(buf, cap, "%s", s);
}

void enk_report_chart_share_style(enk_report_ctx *c, lxw_chart *ch, const char *title)
{
        char buf[600];
        lxw_chart_font title_font = {.size = 10, .bold = 1};
        lxw_chart_font axis_font = {.size = 8};
        chart_title_set_name(ch, enk_report_chart_text(buf, sizeof buf, title));
        chart_title_set_name_font(ch, &title_font);
        chart_axis_set_min(ch->y_axis, 0);
        chart_axis_set_max(ch->y_axis, 1);
        chart_axis_set_major_unit(ch->y_axis, 0.2);
        chart_axis_set_num_format(ch->y_axis, enk_report_pct_format(c));
        chart_axis_set_num_font(ch->y_axis, &axis_font);
        chart_axis_set_num_font(ch->x_axis, &axis_font);
        lxw_chart_line grid = {.color = 0xD9D9D9, .width = 0.5};
        chart_axis_major_gridlines_set_line(ch->y_axis, &grid);
}

/* ColorBrewer's RdYlGn, interpolated between its five anchors. */
lxw_color_t enk_report_diverging(size_t i, size_t n)
{
        static const unsigned anchors[][3] = {
            {0xD7, 0x30, 0x27}, {0xFC, 0x8D, 0x59}, {0xFE, 0xE0, 0x8B},
            {0x91, 0xCF, 0x60}, {0x1A, 0x98, 0x50},
        };
        double t = n > 1 ? (double) i / (double) (n - 1) : 1.0;
        double x = t * 4.0;
        size_t k = (size_t) x;
        if (k >= 4)
                k = 3;
        double u = x - (double) k;
        unsigned rgb = 0;
        for (size_t j = 0; j < 3; j++) {
                double v = anchors[k][j] * (1 - u) + anchors[k + 1][j] * u;
                rgb = (rgb << 8) | (unsigned) lround(v);
        }
        return rgb;
}
