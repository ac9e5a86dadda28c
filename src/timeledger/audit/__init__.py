"""The audit trail of time entries: every create, update, stop and delete, with who, when,
through which token, and the fields before and after."""
