"""Accounts: users, roles, login, lockout and the admin pages that manage them."""
