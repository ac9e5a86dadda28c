"""The rules of billing, by what a caller does:

- ``resolve``: what an entry bills to (the billing-client rule) and which rate applies;
  ``snapshot_rate`` writes the rate onto the entry;
- ``locks``: when an entry is locked, the checks every time-entry write calls, and the
  one lock action (``set_lock_boundary``);
- ``rates``: the rate rules (create, change, archive, list) and ``reprice``;
- ``tags``: the firm's tags and the tags of an entry.
"""
