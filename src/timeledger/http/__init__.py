"""What every HTTP request passes through before and after its route: pure ASGI middleware
(request ids, the body limit, the concurrency gate, the rate-limit headers) and the parts
of the published OpenAPI document every operation shares."""
