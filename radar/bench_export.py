"""Export timings for `make bench`: the first PNG (starts the shared Chromium) and later ones,
SVG and PDF, a self-contained HTML report and its PDF. Prints figures; asserts nothing.

Run alone with ``python -m radar.bench_export [WAREHOUSE]``.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

from radar import charts, export, queries, report


def _seconds(fn) -> tuple[float, object]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def bench_export(warehouse: Path | str | None = None, repeat: int = 5) -> dict:
    """Time chart exports on the warehouse's Languages share chart; print and return them."""
    if not export.images_available():
        print("\nexports: no Chromium, static images skipped (HTML only)")
        return {}
    choices = queries.choices(warehouse)
    filters = choices.defaults()
    top = queries.run("tech_ranking", filters, warehouse, category="language")
    techs = top["technology_id"].head(6).to_list()
    series = queries.run("tech_share_by_month", filters, warehouse, technologies=techs)
    footer = charts.footer_text(filters.describe(), "warehouse sources",
                                int(queries.run("kpis", filters, warehouse)["postings"][0]),
                                queries.manifest(warehouse).get("sample_only", False))
    fig = charts.share_over_time(series, footer, title="Languages: share of postings")
    first, png = _seconds(lambda: export.figure_bytes(fig, "png"))
    later = [_seconds(lambda: export.figure_bytes(fig, "png"))[0] for _ in range(repeat)]
    svg, _ = _seconds(lambda: export.figure_bytes(fig, "svg"))
    pdf, _ = _seconds(lambda: export.figure_bytes(fig, "pdf"))
    items = [report.chart_item(fig, series, "languages", "Languages", filters.describe()),
             report.chart_item(charts.top_bar(top, "Languages", footer), top, "top", "Overview",
                               filters.describe())]
    html_s, html = _seconds(lambda: report.report_html("Bench", "", items).encode())
    pdf_s, report_pdf = _seconds(lambda: report.report_pdf("Bench", "", items))
    figures = {"png_first_s": first, "png_later_median_s": statistics.median(later),
               "png_bytes": len(png), "svg_s": svg, "pdf_s": pdf, "report_html_s": html_s,
               "report_html_mb": len(html) / 1e6, "report_pdf_s": pdf_s,
               "report_pdf_kb": len(report_pdf) / 1e3}
    print(f"\nexports ({series.height} points, {len(techs)} lines, width {export.WIDTH} px):")
    print(f"  PNG first {first:.2f} s (starts Chromium)  later median "
          f"{figures['png_later_median_s']:.2f} s over {repeat}  ({len(png) / 1e3:.0f} kB)")
    print(f"  SVG {svg:.2f} s  PDF {pdf:.2f} s")
    print(f"  two-chart report: HTML {figures['report_html_mb']:.1f} MB in {html_s:.2f} s; "
          f"PDF {figures['report_pdf_kb']:.0f} kB in {pdf_s:.2f} s")
    return figures


if __name__ == "__main__":
    bench_export(Path(sys.argv[1]) if len(sys.argv) > 1 else None)
