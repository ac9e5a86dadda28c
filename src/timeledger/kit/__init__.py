"""Shared building blocks every domain uses: lists (listing), pages (paging), ids."""
