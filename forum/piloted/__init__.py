"""Piloted services: what each is, what it brings to each audience, how it works (drawn as a
diagram), the concerns about it, and the verdicts of each side; and the monitoring page that
sets the regions side by side."""
