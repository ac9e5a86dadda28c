"""Writing reports as files: CSV (standard library), XLSX (XlsxWriter), PDF (ReportLab).

Each writer takes a ``Table`` (columns, a stream of rows, a totals row) and a binary file;
nothing here reads the database."""
