"""Agencies, people, roles, passwords, sessions and API tokens."""
