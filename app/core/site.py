"""The site's identity from settings (name, issuing office, government-site identifiers,
supervision contact), for every page's frame."""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext

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
    app.jinja_env.globals.update(site=app.extensions["honors_site"])
