"""Who the caller is: ``GET /api/v1/me`` and ``GET /api/v1/logins``."""
