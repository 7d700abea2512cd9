"""The public review pages (public.py) and the staff anomaly report (staff.py)."""
