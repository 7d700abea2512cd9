"""Committee pages: the members' (judges.py, /committee) and the staff's (staff.py)."""
