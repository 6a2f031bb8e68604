"""Atom feeds of a region and of a concern, for readers, newspapers and municipal sites."""
