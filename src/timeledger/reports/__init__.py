"""Reports: totals of recorded time in the firm's calendar (summary, weekly grid, detailed
entries) and their CSV, XLSX and PDF exports. ``service`` is the one entry point for the
API, the CLI and the web app."""
