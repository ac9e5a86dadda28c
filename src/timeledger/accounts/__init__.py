"""Accounts: the clients, employees and externals of a firm."""
