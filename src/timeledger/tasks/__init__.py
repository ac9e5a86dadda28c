"""Tasks: to-dos on a client or on a case."""
