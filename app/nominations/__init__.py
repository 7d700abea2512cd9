"""Nominations (推荐): the nominator's draft, submission, eligibility, vetting and uploads."""
