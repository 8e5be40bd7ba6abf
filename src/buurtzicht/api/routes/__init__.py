"""JSON API routes, one module per resource, mounted under ``/api``."""
