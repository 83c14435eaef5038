"""Kwartaalrapportage: the PDF meeting pack of one calendar quarter for the joint body, small numbers suppressed.

`python -m reports kwartaal --quarter 2025-K3 [--gemeente GM0758] --out pack.pdf`; the page /kwartaal shows the
same view and offers the same pack as a download. One module per job:
- `view`: the quarter's figures (`build`), quarters in words, the pack's account of itself;
- `deadlines`: the statutory deadlines from the settings;
- `charts`: the charts, their alternative texts and PNG images (kaleido in Debian's Chromium);
- `pdf`: the pack as HTML, printed to a tagged PDF (PDF/UA) by the same Chromium;
- `cli`: the command line.
Choices: docs/reports/kwartaal.md.
"""

from reports.kwartaal.charts import Chart, ChartsUnavailable, caption, chart_images, charts, source_line
from reports.kwartaal.cli import add_arguments, filename, run
from reports.kwartaal.deadlines import DEADLINES, Deadline, configured_deadlines, days_text, deadlines
from reports.kwartaal.pdf import PackUnavailable, markdown_inline, pack_html, pdf_bytes
from reports.kwartaal.view import (
    CARD_KPIS,
    KIND,
    KPI_IDS,
    REGION_NAME,
    TABLE_KPIS,
    TITLE,
    Card,
    QuarterView,
    build,
    change_text,
    is_number,
    meta,
    quarter_label,
    quarter_span,
    value_text,
)

__all__ = ["CARD_KPIS", "DEADLINES", "KIND", "KPI_IDS", "REGION_NAME", "TABLE_KPIS", "TITLE", "Card", "Chart",
           "ChartsUnavailable", "Deadline", "PackUnavailable", "QuarterView", "add_arguments", "build", "caption",
           "change_text", "chart_images", "charts", "configured_deadlines", "days_text", "deadlines", "filename",
           "is_number", "markdown_inline", "meta", "pack_html", "pdf_bytes", "quarter_label", "quarter_span", "run",
           "source_line", "value_text"]
