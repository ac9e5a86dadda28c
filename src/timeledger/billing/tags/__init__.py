"""Tags: their queries (the rules are in billing.service.tags)."""
