"""The registry: each honoree (person or group) across all years, the honors it holds,
its corrections and merges. Lower than nominations, which link candidates to it."""
