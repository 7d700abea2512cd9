"""Recommendations: the public form (public.py) and their moderation (staff.py)."""
