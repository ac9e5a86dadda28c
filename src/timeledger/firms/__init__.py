"""Firms: the tenants. Every row of firm data carries a ``firm_id``."""
