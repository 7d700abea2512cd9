"""The site's identity from settings (name, issuing office, government-site identifiers,
supervision contact) and whether the demo data set is loaded, for every page's frame."""

from __future__ import annotations

import re
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app, g
from flask_babel import gettext
from sqlalchemy.exc import SQLAlchemyError

from app.accounts.models import User
from app.core.cache import VERSION_MEMO, public_version
from app.extensions import db

# The demo loader's first account (app/demo/data.py USERS): a real site never has it.
DEMO_MARKER_USERNAME = "demo-admin"
DEMO_MEMO = "honors_demo_loaded"
PSB_RECORD_URL = "https://beian.mps.gov.cn/#/query/webSearch?code={code}"
ICP_URL = "https://beian.miit.gov.cn/"


@dataclass(frozen=True)
class Site:
    """Template global `site`: settings are per-process constants, so cached pages agree."""

    configured_name: str
    configured_issuer: str
    gov_site_code: str
    icp_number: str
    psb_number: str
    supervision_phone: str
    supervision_address: str

    @classmethod
    def from_config(cls, config) -> Site:
        return cls(
            configured_name=config["SITE_NAME"],
            configured_issuer=config["SITE_ISSUER"],
            gov_site_code=config["GOV_SITE_CODE"],
            icp_number=config["ICP_NUMBER"],
            psb_number=config["PSB_NUMBER"],
            supervision_phone=config["SUPERVISION_PHONE"],
            supervision_address=config["SUPERVISION_ADDRESS"],
        )

    @property
    def name(self) -> str:
        """SITE_NAME as set (every language), else the translated default."""
        return self.configured_name or gettext("Luohe Honor Registry")

    @property
    def issuer(self) -> str:
        """SITE_ISSUER (主办单位) as set, else the translated default."""
        return self.configured_issuer or gettext("Luohe Municipal Civilization Office")

    @property
    def issuer_short(self) -> str:
        """Under the name in the header: SITE_ISSUER, else the office's common short name."""
        return self.configured_issuer or gettext("Luohe Civilization Office")

    @property
    def name_zh(self) -> str:
        """For texts that are Chinese whatever the page language (feed, certificates)."""
        return self.configured_name or "漯河好人榜"

    @property
    def issuer_zh(self) -> str:
        return self.configured_issuer or "漯河市精神文明建设委员会办公室"

    @property
    def psb_url(self) -> str:
        """The record's page at the public-security filing system (its digits are the code)."""
        code = "".join(re.findall(r"\d", self.psb_number))
        return PSB_RECORD_URL.format(code=code) if code else ""

    @property
    def icp_url(self) -> str:
        return ICP_URL


def site() -> Site:
    return current_app.extensions["honors_site"]


def register(app) -> None:
    app.extensions["honors_site"] = Site.from_config(app.config)
    app.jinja_env.globals.update(site=app.extensions["honors_site"], demo_loaded=demo_loaded)


def demo_loaded() -> bool:
    """Whether the demo data set is in the database, remembered per process with the public
    data version it was read under and asked again when a page has read a newer version
    (loading the demo bumps it): no page makes a query for it but the process's first.
    A database that cannot answer (an error page during an outage) shows no disclaimer."""
    remembered = current_app.extensions.get(DEMO_MEMO)
    known = g.get("public_version") or (current_app.extensions.get(VERSION_MEMO) or (0, None))[1]
    if remembered is not None and (known is None or remembered[0] == known):
        return remembered[1]
    try:
        version = public_version()
        loaded = bool(
            db.session.scalar(sa.select(sa.exists().where(User.username == DEMO_MARKER_USERNAME)))
        )
    except SQLAlchemyError:
        return False
    current_app.extensions[DEMO_MEMO] = (version, loaded)
    return loaded
