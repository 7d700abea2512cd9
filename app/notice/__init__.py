"""Public notice (公示): proposed honorees, objections from the public and their handling."""
