"""The read-only JSON API under /api/: regions, their concerns, and a concern with its answers."""
