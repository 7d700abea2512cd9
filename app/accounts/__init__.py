"""Accounts: users, roles, login, its throttle and the admin pages that manage them."""


def register(app) -> None:
    """Template global `can`: the permission predicates, shared with views and tests."""
    from app.accounts.permissions import PREDICATES

    app.jinja_env.globals["can"] = PREDICATES
