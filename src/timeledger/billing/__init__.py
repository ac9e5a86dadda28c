"""Billing data (issue 11): dated hourly rates and the rate snapshot of each entry, the
billing-client rule, tags, invoices and the lock. The amount rule is ``kit.money``."""
