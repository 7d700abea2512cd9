"""The publication pages: public (public.py) and for the staff (staff.py)."""
