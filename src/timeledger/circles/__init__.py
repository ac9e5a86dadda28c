"""Circles: groups of accounts, such as a family."""
