"""Append-only audit log of every create, update and delete."""
