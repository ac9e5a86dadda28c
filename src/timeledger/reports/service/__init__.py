"""The reports service: the one entry point for the API, the CLI and the web app.

``summary`` (and ``summary_with_series`` for the web's chart), ``weekly`` and ``detailed``
answer typed results (``reports.schemas``);
``export`` writes any of them as a CSV, XLSX or PDF file."""

from timeledger.reports.service.detailed import detailed
from timeledger.reports.service.export import ExportFile, ExportFormat, export
from timeledger.reports.service.summary import summary, summary_with_series, weekly

__all__ = [
    "ExportFile",
    "ExportFormat",
    "detailed",
    "export",
    "summary",
    "summary_with_series",
    "weekly",
]
