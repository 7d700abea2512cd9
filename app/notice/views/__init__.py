"""The notice pages: public (public.py) and the staff's objection handling (staff.py)."""
