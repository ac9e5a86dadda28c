"""``Idempotency-Key`` on writes: a retry replays the first response and changes nothing.

How the pieces meet (see docs/reliability.md):

1. ``dependencies.keyed_write`` sees a POST, PUT, PATCH or DELETE carrying the header and
   fingerprints the request (method, path, query, body).
2. ``dependencies.claim_idempotency_key``, after authentication and the rate-limit count,
   calls ``service.claim``, which (knowing the account) either raises ``Replay`` with the
   stored response, refuses a reused key, or inserts the key in the request's own
   transaction.
3. When the handler has built its response, ``http.routing.ApiRoute`` stores it with the
   key (``service.remember``), still in that transaction; ``dependencies.get_session``'s
   unit of work then commits the write, the key and the response together, before a byte
   of the response is sent.
"""
