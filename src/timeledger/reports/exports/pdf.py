"""PDF exports with ReportLab: A4, the firm, report, period, time zone and ``as_of`` at the
top, the table with its header repeated on every page, totals last, and "Page n of m" on
each page. Helvetica covers ``£`` and Western European accents."""

from __future__ import annotations

from typing import Any, BinaryIO

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import LongTable, Paragraph, SimpleDocTemplate, Spacer, TableStyle

from timeledger.errors import ValidationFailed
from timeledger.reports.exports.table import Kind, Table, text

# A PDF is for reading; beyond this many rows, export CSV or XLSX.
MAX_ROWS = 5_000


class _NumberedCanvas(Canvas):  # type: ignore[misc]
    """Defers each page until the total is known, to print "Page n of m"."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pages: list[dict[str, Any]] = []

    def showPage(self) -> None:  # noqa: N802 (ReportLab's name)
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            self.setFont("Helvetica", 8)
            width = self._pagesize[0]
            self.drawRightString(width - 15 * mm, 10 * mm, f"Page {self._pageNumber} of {total}")
            super().showPage()
        super().save()


def write_pdf(table: Table, out: BinaryIO) -> None:
    styles = getSampleStyleSheet()
    wide = len(table.columns) > 7
    page = landscape(A4) if wide else A4
    header = [column.title for column in table.columns]
    body: list[list[str]] = [header]
    for row in table.rows:
        if len(body) > MAX_ROWS:
            raise ValidationFailed.field(
                "format", f"A PDF holds at most {MAX_ROWS} rows: export CSV or XLSX instead."
            )
        body.append(
            [text(value, column.kind) for value, column in zip(row, table.columns, strict=True)]
        )
    if table.totals:
        body.append(
            [
                text(value, column.kind)
                for value, column in zip(table.totals, table.columns, strict=True)
            ]
        )
    grid = LongTable(body, repeatRows=1)
    style = [
        ("FONT", (0, 0), (-1, -1), "Helvetica", 7.5),
        ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 7.5),
        ("LINEBELOW", (0, 0), (-1, 0), 0.6, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
    for index, column in enumerate(table.columns):
        if column.kind in {Kind.INT, Kind.DURATION, Kind.HOURS, Kind.MONEY}:
            style.append(("ALIGN", (index, 0), (index, -1), "RIGHT"))
    if table.totals:
        style += [
            ("FONT", (0, -1), (-1, -1), "Helvetica-Bold", 7.5),
            ("LINEABOVE", (0, -1), (-1, -1), 0.6, colors.black),
        ]
    grid.setStyle(TableStyle(style))
    story = [Paragraph(table.title, styles["Title"])]
    story += [Paragraph(line, styles["Normal"]) for line in table.subtitle]
    story += [Spacer(1, 6 * mm), grid]
    document = SimpleDocTemplate(
        out,
        pagesize=page,
        leftMargin=12 * mm,
        rightMargin=12 * mm,
        topMargin=12 * mm,
        bottomMargin=16 * mm,
        title=table.title,
    )
    document.build(story, canvasmaker=_NumberedCanvas)
