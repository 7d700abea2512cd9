"""Organisation schema."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.labels import LabelledEnum
from app.db_types import enum_type, intpk
from app.extensions import db


class OrgKind(LabelledEnum):
    CITY = "city"
    DISTRICT = "district"  # 区/县/功能区
    TOWNSHIP = "township"  # 乡镇/街道
    COMMUNITY = "community"  # 村/社区
    WORK_UNIT = "work_unit"
    MEDIA = "media"
    OFFICE = "office"  # 文明办 (city or county civilization office)
    SCHOOL = "school"  # 学校: nominates pupils for 新时代好少年

    @classmethod
    def labels(cls) -> dict:
        return {
            cls.CITY: _l("City"),
            cls.DISTRICT: _l("District / county"),
            cls.TOWNSHIP: _l("Township / street"),
            cls.COMMUNITY: _l("Village / community"),
            cls.WORK_UNIT: _l("Work unit"),
            cls.MEDIA: _l("Media outlet"),
            cls.OFFICE: _l("Civilization office"),
            cls.SCHOOL: _l("School"),
        }


# Which kinds may sit directly under which parent kind.
ALLOWED_PARENTS: dict[OrgKind, frozenset[OrgKind]] = {
    OrgKind.CITY: frozenset(),
    OrgKind.DISTRICT: frozenset({OrgKind.CITY}),
    OrgKind.TOWNSHIP: frozenset({OrgKind.DISTRICT}),
    OrgKind.COMMUNITY: frozenset({OrgKind.TOWNSHIP}),
    OrgKind.WORK_UNIT: frozenset({OrgKind.CITY, OrgKind.DISTRICT, OrgKind.TOWNSHIP}),
    OrgKind.MEDIA: frozenset({OrgKind.CITY, OrgKind.DISTRICT}),
    OrgKind.OFFICE: frozenset({OrgKind.CITY, OrgKind.DISTRICT}),
    OrgKind.SCHOOL: frozenset({OrgKind.CITY, OrgKind.DISTRICT, OrgKind.TOWNSHIP}),
}


class Organisation(db.Model):
    __tablename__ = "organisations"

    id: Mapped[intpk]
    code: Mapped[str] = mapped_column(sa.String(40), unique=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    kind: Mapped[OrgKind] = mapped_column(enum_type(OrgKind, "kind"))
    parent_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="RESTRICT"), index=True
    )
    # The district (区/县) this organisation lies in; itself for a district. Denormalised
    # so that lists filter by district without walking the tree.
    district_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="RESTRICT"), index=True
    )
    is_active: Mapped[bool] = mapped_column(default=True)

    parent: Mapped[Organisation | None] = relationship(
        remote_side="Organisation.id", foreign_keys=[parent_id]
    )
    district: Mapped[Organisation | None] = relationship(
        remote_side="Organisation.id", foreign_keys=[district_id]
    )

    __table_args__ = (sa.UniqueConstraint("parent_id", "name"),)

    def __repr__(self) -> str:
        return f"<Organisation {self.code} {self.name}>"
