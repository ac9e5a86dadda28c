"""The rules of time entries, split by what a caller does:

- ``write``: create (or start a timer), change (PUT and PATCH), stop, delete;
- ``read``: find one entry, the lists and a client's roll-up;
- ``present``: the API resource, with accounts and trackables loaded per page.

Every function takes the session and the ``Actor``, is keyword-only, raises ``AppError``
subclasses and never commits (the caller's unit of work does).
"""

from timeledger.time_entries.service.present import present_many, present_one
from timeledger.time_entries.service.read import (
    list_client_time_entries,
    list_time_entries,
    show_time_entry,
)
from timeledger.time_entries.service.write import (
    change_time_entry,
    create_time_entry,
    delete_time_entry,
    stop_time_entry,
)

__all__ = [
    "change_time_entry",
    "create_time_entry",
    "delete_time_entry",
    "list_client_time_entries",
    "list_time_entries",
    "present_many",
    "present_one",
    "show_time_entry",
    "stop_time_entry",
]
