"""Administration area: accounts, roles and organisations (admins only)."""
