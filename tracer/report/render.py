"""A report rendered in any of its formats: the one place that knows them all."""

from __future__ import annotations

from tracer.report.csv import format_csv
from tracer.report.graph import format_dot, format_gexf
from tracer.report.html import format_html
from tracer.report.markdown import format_markdown
from tracer.report.model import REPORT_FORMATS, Report, ReportError, report_json
from tracer.report.prov import format_prov
from tracer.safe import json_text  # controls escaped, lossless (issue 17)

_FORMATTERS = {
    "md": format_markdown,
    "json": lambda report: json_text(report_json(report), indent=2) + "\n",
    "csv": format_csv,
    "html": format_html,
    "dot": format_dot,
    "gexf": format_gexf,
    "prov": format_prov,
}


def render(report: Report, fmt: str) -> str:
    """The report in one of REPORT_FORMATS, as text."""
    if fmt not in _FORMATTERS:
        raise ReportError(f"unknown report format {fmt!r} (one of {', '.join(REPORT_FORMATS)})")
    return _FORMATTERS[fmt](report)
