"""The HTTP layer's shared parts: templates, CSRF, sessions, htmx."""
