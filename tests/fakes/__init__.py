"""Test doubles that behave like the real remote services (see cbs_server.py)."""
