"""Importing a firm's existing records (clients, cases, tasks) from CSV in bulk."""
