"""The Music Hub platform: one Django project, one app per domain."""
