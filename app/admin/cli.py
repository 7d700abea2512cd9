"""`flask honors create-user`: an account from the command line (user administration)."""

from __future__ import annotations

import click
import sqlalchemy as sa
from flask.cli import AppGroup

from app.accounts import services
from app.accounts.models import Role
from app.extensions import db
from app.orgs.models import Organisation

# This domain's `flask honors ...` commands; the app factory adds them to the group.
commands = AppGroup("honors")


@commands.command("create-user")
@click.option("--username", required=True)
@click.option("--name", "display_name", default="", help="Display name.")
@click.option(
    "--role",
    "roles",
    multiple=True,
    required=True,
    type=click.Choice([role.value for role in Role]),
    help="Repeat for several roles.",
)
@click.option("--org", "org_code", default=None, help="Organisation code (nominators).")
@click.password_option(help="Prompted (hidden, twice) when omitted.")
def create_user_command(
    username: str, display_name: str, roles: tuple[str, ...], org_code: str | None, password: str
) -> None:
    """Create an account."""
    organisation = None
    if org_code:
        organisation = db.session.scalar(
            sa.select(Organisation).where(Organisation.code == org_code)
        )
        if organisation is None:
            raise click.BadParameter(f"no organisation with code {org_code!r}", param_hint="--org")
    try:
        user = services.create_user(
            username=username,
            display_name=display_name,
            password=password,
            roles=[Role(role) for role in roles],
            organisation=organisation,
        )
    except services.AccountError as error:
        db.session.rollback()
        raise click.ClickException(f"{error.field}: {error.message}") from error
    db.session.commit()
    click.echo(f"created {user.username} ({', '.join(sorted(user.roles))})")
