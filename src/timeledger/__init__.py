"""timeledger: self-hostable time tracking that speaks the Plannr CRM time-entry API."""

__version__ = "0.1.0"
