"""The public home page: headline figures, the latest honorees and the cycles in progress."""
