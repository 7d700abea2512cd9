"""Application factory: configuration, extensions, blueprints, error handlers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask

from app.config import Config


def create_app(config: Config | type[Config] | None = None, **overrides: Any) -> Flask:
    if config is None:
        config = Config()
    elif isinstance(config, type):
        config = config()
    instance_path = Path(config.INSTANCE_PATH)
    app = Flask(__name__, instance_path=str(instance_path), instance_relative_config=True)
    from app.core.forms import CleanRequest

    app.request_class = CleanRequest  # no control characters in any query or form value
    app.config.from_object(config)
    app.config.update(overrides)
    # Personal data lives in the instance folder (and the database): 0700 folders, 0600 files.
    from app.core.private import secure_instance

    secure_instance(instance_path, _sqlite_file(app.config["SQLALCHEMY_DATABASE_URI"]))
    app.json.ensure_ascii = False  # open data in readable Chinese (UTF-8)
    from app.core.fastpath import CachedPageFastPath
    from app.core.hosts import HostGuard
    from app.core.urls import parse_base_url

    parse_base_url(app.config["PUBLIC_BASE_URL"])  # a malformed origin stops the start
    app.wsgi_app = CachedPageFastPath(app, app.wsgi_app)
    # Outside the fast path: a request for a foreign Host never reaches the page cache.
    app.wsgi_app = HostGuard(app, app.wsgi_app)
    if app.config["TRUSTED_PROXIES"]:
        # Behind nginx: take the client address and scheme from that many proxies' headers
        # (rate limits and like rules key on the address). Never trusted without a proxy;
        # X-Forwarded-Host never (absolute URLs come from PUBLIC_BASE_URL).
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)

    from app.core.converters import BoundedIntConverter

    app.url_map.converters["int"] = BoundedIntConverter

    _init_extensions(app)
    _register_blueprints(app)

    from app import accounts, demo, programs
    from app.core import errors, frame

    errors.register(app)
    frame.register(app)
    for domain in (accounts, programs, demo):
        domain.register(app)  # the domain's template globals and filters
    _register_commands(app)
    return app


def _register_commands(app: Flask) -> None:
    """`flask honors <verb>`: one group holding every domain's commands."""
    from flask.cli import AppGroup

    from app.admin import cli as admin_cli
    from app.core import cli as core_cli
    from app.demo import cli as demo_cli
    from app.importer import cli as importer_cli
    from app.notifications import cli as notifications_cli
    from app.programs import cli as programs_cli
    from app.roll import cli as roll_cli

    honors = AppGroup("honors", help="Luohe Honor Registry commands.")
    for domain in (
        admin_cli,
        core_cli,
        demo_cli,
        importer_cli,
        notifications_cli,
        programs_cli,
        roll_cli,
    ):
        for command in domain.commands.commands.values():
            honors.add_command(command)
    app.cli.add_command(honors)


def _sqlite_file(uri: str) -> str | None:
    """The database file of an SQLite URL (None for PostgreSQL or an in-memory database)."""
    from sqlalchemy.engine import make_url

    url = make_url(uri)
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    return url.database


def _init_extensions(app: Flask) -> None:
    from app.accounts import passwords
    from app.core import i18n, sqlite  # noqa: F401  (sqlite registers connection pragmas)
    from app.extensions import babel, cache, csrf, db, limiter, login_manager, migrate

    db.init_app(app)
    migrate.init_app(
        app,
        db,
        directory=str(Path(app.root_path).parent / "migrations"),
        render_as_batch=True,
        compare_type=True,
    )
    csrf.init_app(app)
    babel.init_app(
        app,
        locale_selector=i18n.select_locale,
        default_translation_directories="translations",
    )
    limiter.init_app(app)
    cache.init_app(app)
    login_manager.init_app(app)
    passwords.configure(
        time_cost=app.config["ARGON2_TIME_COST"],
        memory_cost=app.config["ARGON2_MEMORY_COST"],
        parallelism=app.config["ARGON2_PARALLELISM"],
    )
    from app.privacy import crypto

    crypto.configure(
        Path(app.instance_path),
        field_keys=app.config["FIELD_ENCRYPTION_KEYS"],
        hash_key=app.config["ID_HASH_KEY"],
    )
    from app.notifications import mail

    mail.mailman.init_app(app)
    app.extensions["honors_mail"] = mail.make_channel(app.config)
    # Import every model module so metadata is complete for migrations and create_all(),
    # then plug the domains' hooks into the layers below them.
    from app import models, wiring  # noqa: F401

    wiring.wire()
    from app.core import cache as page_cache

    # Registered after Flask-SQLAlchemy's, so it runs first (teardowns run in reverse).
    app.teardown_appcontext(page_cache.warm_after_change)


def _register_blueprints(app: Flask) -> None:
    from app.accounts.views import bp as accounts_bp
    from app.admin.views import bp as admin_bp
    from app.api.views import bp as api_bp
    from app.committee.views.judges import bp as committee_bp
    from app.core.views import bp as core_bp
    from app.home.views import bp as home_bp
    from app.honors.views.public import bp as honors_bp
    from app.nominations.views import bp as nominations_bp
    from app.notice.views.public import bp as notice_bp
    from app.notifications.views import bp as notifications_bp
    from app.recommendations.views.public import bp as recommend_bp
    from app.review.views.public import bp as review_bp
    from app.roll.views import bp as roll_bp
    from app.staff import area as staff_area
    from app.stats.views import bp as stats_bp

    app.register_blueprint(core_bp)
    app.register_blueprint(home_bp)
    app.register_blueprint(accounts_bp)
    app.register_blueprint(admin_bp, url_prefix="/admin")
    app.register_blueprint(staff_area.staff, url_prefix="/staff")  # every staff page nests here
    app.register_blueprint(nominations_bp, url_prefix="/nominations")
    app.register_blueprint(recommend_bp)
    app.register_blueprint(notifications_bp)
    app.register_blueprint(committee_bp, url_prefix="/committee")
    app.register_blueprint(review_bp)
    app.register_blueprint(notice_bp)
    app.register_blueprint(honors_bp)
    app.register_blueprint(roll_bp)
    app.register_blueprint(api_bp)
    app.register_blueprint(stats_bp)
