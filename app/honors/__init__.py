"""The honoree registry (person or group, across all years) and the honors attached to it."""
