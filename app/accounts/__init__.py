"""Accounts: users, roles, login, its throttle and the admin pages that manage them."""
