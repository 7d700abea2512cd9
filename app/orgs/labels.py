"""Translatable labels for organisation kinds, and the words an import file may use for them."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.orgs.models import OrgKind

ORG_KIND_LABELS = {
    OrgKind.CITY: _l("City"),
    OrgKind.DISTRICT: _l("District / county"),
    OrgKind.TOWNSHIP: _l("Township / street"),
    OrgKind.COMMUNITY: _l("Village / community"),
    OrgKind.WORK_UNIT: _l("Work unit"),
    OrgKind.SCHOOL: _l("School"),
    OrgKind.MEDIA: _l("Media outlet"),
    OrgKind.OFFICE: _l("Civilization office"),
}

# The 类型 column of the import file: Chinese words (as the template explains) or codes.
KIND_WORDS: dict[str, OrgKind] = {
    "市": OrgKind.CITY,
    "区县": OrgKind.DISTRICT,
    "区": OrgKind.DISTRICT,
    "县": OrgKind.DISTRICT,
    "乡镇街道": OrgKind.TOWNSHIP,
    "乡镇": OrgKind.TOWNSHIP,
    "街道": OrgKind.TOWNSHIP,
    "村社区": OrgKind.COMMUNITY,
    "村": OrgKind.COMMUNITY,
    "社区": OrgKind.COMMUNITY,
    "单位": OrgKind.WORK_UNIT,
    "学校": OrgKind.SCHOOL,
    "媒体": OrgKind.MEDIA,
    "文明办": OrgKind.OFFICE,
} | {kind.value: kind for kind in OrgKind}
