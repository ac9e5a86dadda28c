"""XLSX exports with XlsxWriter in constant-memory mode: rows stream to disk as written.

Durations are real durations (days, formatted ``[h]:mm:ss``) beside decimal hours, so sums
work in Excel; text is written as text (never read as a formula); the header is frozen and
filtered; the totals row is last, in bold.
"""

from __future__ import annotations

from datetime import date
from typing import BinaryIO

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from timeledger.errors import ValidationFailed
from timeledger.reports.exports.table import Cell, Kind, Money, Table

# Excel's sheet holds 1,048,576 rows: the header, the data, the totals.
MAX_ROWS = 1_048_576 - 2


class _MoneyFormats:
    """One number format per currency (its digits and code), made when first needed."""

    def __init__(self, workbook: xlsxwriter.Workbook) -> None:
        self._workbook = workbook
        self._made: dict[tuple[str, bool], Format] = {}

    def get(self, value: Money, *, bold: bool) -> Format:
        found = self._made.get((value.currency, bold))
        if found is None:
            decimals = "." + "0" * value.digits if value.digits else ""
            found = self._workbook.add_format(
                {"num_format": f'#,##0{decimals} "{value.currency}"', "bold": bold}
            )
            self._made[(value.currency, bold)] = found
        return found


def write_xlsx(table: Table, out: BinaryIO) -> None:
    workbook = xlsxwriter.Workbook(out, {"constant_memory": True})
    sheet = workbook.add_worksheet(table.title[:31])
    bold = workbook.add_format({"bold": True})
    formats = {
        Kind.DURATION: workbook.add_format({"num_format": "[h]:mm:ss"}),
        Kind.HOURS: workbook.add_format({"num_format": "0.00"}),
        Kind.DATE: workbook.add_format({"num_format": "yyyy-mm-dd"}),
    }
    money = _MoneyFormats(workbook)
    totals_formats = {
        kind: workbook.add_format({"num_format": fmt.num_format, "bold": True})
        for kind, fmt in formats.items()
    }
    for index, column in enumerate(table.columns):
        sheet.write_string(0, index, column.title, bold)
        sheet.set_column(index, index, 14 if column.kind is not Kind.TEXT else 24)
    sheet.freeze_panes(1, 0)
    row_number = 0
    for row_number, row in enumerate(table.rows, start=1):
        if row_number > MAX_ROWS:
            workbook.close()
            raise ValidationFailed.field(
                "format", f"An XLSX sheet holds at most {MAX_ROWS} rows: export CSV instead."
            )
        _write_row(sheet, row_number, row, table, formats, None, money)
    last = row_number
    if table.totals:
        last += 1
        _write_row(sheet, last, table.totals, table, totals_formats, bold, money)
    sheet.autofilter(0, 0, max(last, 1), len(table.columns) - 1)
    workbook.close()


def _write_row(
    sheet: Worksheet,
    row_number: int,
    row: list[Cell],
    table: Table,
    formats: dict[Kind, Format],
    text_format: Format | None,
    money: _MoneyFormats,
) -> None:
    for index, (value, column) in enumerate(zip(row, table.columns, strict=True)):
        kind = column.kind
        if value is None:
            continue
        if isinstance(value, Money):
            # A number Excel can sum, shown with the currency's digits and code.
            style = money.get(value, bold=text_format is not None)
            sheet.write_number(row_number, index, value.minor / 10**value.digits, style)
        elif kind is Kind.DURATION and isinstance(value, int):
            sheet.write_number(row_number, index, value / 86400, formats[kind])
        elif kind is Kind.HOURS and isinstance(value, int):
            sheet.write_number(row_number, index, value / 3600, formats[kind])
        elif kind is Kind.INT and isinstance(value, int):
            sheet.write_number(row_number, index, value, text_format)
        elif kind is Kind.DATE and isinstance(value, date):
            sheet.write_datetime(row_number, index, value, formats[kind])
        else:
            sheet.write_string(row_number, index, str(value), text_format)
