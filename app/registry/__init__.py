"""The registry: every honoree (person or group) over the years and the honors it holds."""
