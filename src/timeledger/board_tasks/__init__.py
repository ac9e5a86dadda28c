"""Board tasks: cards on a case's task board (upstream leaves them undocumented)."""
