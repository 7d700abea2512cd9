"""The words an import file may use for organisation kinds."""

from __future__ import annotations

from app.orgs.models import OrgKind

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
