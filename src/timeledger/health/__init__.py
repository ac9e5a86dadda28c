"""``/healthz`` (the process answers) and ``/readyz`` (and its database does)."""
