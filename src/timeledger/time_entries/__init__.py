"""Time entries: the resource the Plannr time-entry API is about."""
