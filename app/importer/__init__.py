"""Historical import: the city's existing Excel/CSV sheets (one row per honor) into the registry."""
