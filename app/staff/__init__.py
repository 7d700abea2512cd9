"""Secretariat area (文明办): the staff dashboard; later issues add cycles, vetting and more."""
