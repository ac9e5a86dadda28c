"""``Idempotency-Key`` on writes: a retry replays the first response and changes nothing.

How the pieces meet (see docs/reliability.md):

1. ``middleware.IdempotencyMiddleware`` sees a POST, PUT, PATCH or DELETE carrying the
   header, fingerprints the request and leaves a ``PendingKey`` in the ASGI scope.
2. ``dependencies.get_actor`` calls ``claim_pending``, which (knowing the account) either
   raises ``Replay`` with the stored response, refuses a reused key, or inserts the key
   in the request's own transaction.
3. ``dependencies.get_session`` then hands that still-open transaction to the middleware
   instead of committing it; the middleware stores the response with the key and commits
   both together, before a byte of the response is sent.
"""
