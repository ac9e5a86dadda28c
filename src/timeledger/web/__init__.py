"""The web app under ``/app``: server-rendered Jinja2 pages with htmx, one more client of
the same services the API and the CLI call (docs/web.md)."""
