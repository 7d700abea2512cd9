"""The demo data set: seeded programs, organisations, accounts and a fictional honor registry."""


def register(app) -> None:
    """Template global `demo_loaded()` (the footer's disclaimer)."""
    from app.demo.marker import demo_loaded

    app.jinja_env.globals["demo_loaded"] = demo_loaded
