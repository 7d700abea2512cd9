"""Audit trail: one append-only event per staff action (who, when, what, before/after)."""
