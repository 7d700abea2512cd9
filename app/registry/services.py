"""Registry use cases: corrections of a record's public fields and merges.

Staff correct a record's public fields (each change logged with its reason) and merge two
records of one person (the old slug then answers 301). Both change what the public sees;
the session bumps the public data version (app/core/public_data.py), so cached roll pages,
the API and the honoree page show the new values at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.audit.services import record_event
from app.core import uploads
from app.db_types import utcnow
from app.exceptions import RefusedError
from app.extensions import db
from app.orgs.models import Organisation
from app.programs.periods import period_label
from app.registry.models import (
    GroupMember,
    Honor,
    Honoree,
    HonoreeCorrection,
    HonoreeKind,
    HonoreeSlugRedirect,
)

# The public fields staff may correct (SPEC §11 "public" class), in form order.
TEXT_FIELDS = ("name", "headline", "summary", "story_md", "unit", "post", "photo_alt")
PLACE_FIELDS = ("district_id", "organisation_id")
PHOTO_FIELD = "photo"
CORRECTABLE = (*TEXT_FIELDS, *PLACE_FIELDS, PHOTO_FIELD)
# Fields a merge fills in on the record kept when it has none (who the person is, and how
# to reach them: still encrypted).
FILLABLE = (
    "gender",
    "birth_date",
    "birth_year",
    "ethnicity",
    "political_status",
    "education",
    "unit",
    "post",
    "organisation_id",
    "district_id",
    "headline",
    "summary",
    "story_md",
    "photo_path",
    "phone_enc",
    "address_enc",
)
# Copied together: the photo with its description, thumbnail and size.
_TOGETHER = {
    "photo_path": ("photo_alt", "photo_thumb_path", "photo_width", "photo_height"),
}


class CorrectionError(RefusedError):
    """A correction or merge refused; `field` names the form field it concerns."""


def _shown(field: str, value: object) -> str | None:
    """A value as the log keeps it: a place by its name, text as it is."""
    if value is None or value == "":
        return None
    if field in PLACE_FIELDS:
        org = db.session.get(Organisation, value)
        return org.name if org is not None else str(value)
    return str(value)


def correct_honoree(
    honoree: Honoree,
    *,
    changes: dict[str, object],
    reason: str,
    actor,
    photo: bytes | None = None,
    upload_root: Path | None = None,
    now: datetime | None = None,
) -> list[HonoreeCorrection]:
    """Apply the public fields in `changes` that differ from the record (and a new photo),
    one log row per changed field, all with `reason`. Refused without a reason or when
    nothing changes."""
    now = now or utcnow()
    reason = (reason or "").strip()
    if not reason:
        raise CorrectionError(_l("Give the reason for the correction."), "reason")
    if changes.get("name") is not None and not str(changes["name"]).strip():
        raise CorrectionError(_l("The name cannot be empty."), "name")
    diffs: list[tuple[str, object, object]] = []
    for field, value in changes.items():
        if field not in TEXT_FIELDS + PLACE_FIELDS:
            raise ValueError(field)
        if isinstance(value, str):
            value = value.strip()
        if field in ("name", "headline", "summary", "story_md"):
            value = value or ""
        else:
            value = value or None
        current = getattr(honoree, field)
        if (current or None) != (value or None):
            diffs.append((field, current, value))
    if photo is not None and upload_root is None:
        raise ValueError("upload_root")
    if not diffs and photo is None:
        raise CorrectionError(_l("Nothing was changed."))
    corrections = []
    for field, current, value in diffs:
        corrections.append(_log(honoree, field, _shown(field, current), _shown(field, value)))
        setattr(honoree, field, value)
    if photo is not None:
        stored = uploads.store_photo(photo, upload_root)
        corrections.append(_log(honoree, PHOTO_FIELD, honoree.photo_path, stored.path))
        honoree.photo_path, honoree.photo_thumb_path = stored.path, stored.thumb_path
        honoree.photo_width, honoree.photo_height = stored.width, stored.height
    for correction in corrections:
        correction.actor_id = getattr(actor, "id", None)
        correction.reason = reason
        correction.created_at = now
    db.session.add_all(corrections)
    db.session.flush()
    record_event(
        "honoree.corrected",
        actor=actor,
        obj=honoree,
        before={c.field: c.before for c in corrections},
        after={c.field: c.after for c in corrections},
        reason=reason,
    )
    return corrections


def _log(honoree: Honoree, field: str, before: str | None, after: str | None):
    return HonoreeCorrection(honoree_id=honoree.id, field=field, before=before, after=after)


def correction_log(honoree: Honoree) -> list[tuple[HonoreeCorrection, str | None]]:
    """The record's corrections, newest first, with the actor's username (one query)."""
    from app.accounts.models import User

    rows = db.session.execute(
        sa.select(HonoreeCorrection, User.username)
        .outerjoin(User, HonoreeCorrection.actor_id == User.id)
        .where(HonoreeCorrection.honoree_id == honoree.id)
        .order_by(HonoreeCorrection.created_at.desc(), HonoreeCorrection.id.desc())
    )
    return [(correction, username) for correction, username in rows]


@dataclass(frozen=True)
class MergePlan:
    """What a merge of `source` into `target` will do (the preview shows it)."""

    source: Honoree
    target: Honoree
    filled: dict[str, object]  # fields of the target, empty today, taken from the source
    honors: list[Honor]  # the source's honors that move
    problems: list[object]  # refusals: the merge button is not offered


def _same_honor(a: Honor, b: Honor) -> bool:
    return (a.program_id, a.period_label, a.award) == (b.program_id, b.period_label, b.award)


def plan_merge(source: Honoree, target: Honoree) -> MergePlan:
    """The merge of `source` into `target`, with the reasons it is refused (if any)."""
    problems: list[object] = []
    if source.id == target.id:
        problems.append(_l("A record cannot be merged into itself."))
    if source.kind is not target.kind:
        problems.append(_l("An individual and a group cannot be merged."))
    if (
        source.id_number_hash
        and target.id_number_hash
        and (source.id_number_hash != target.id_number_hash)
    ):
        problems.append(_l("The two records have different ID numbers: not the same person."))
    for honor in source.honors:
        if any(_same_honor(honor, other) for other in target.honors):
            problems.append(
                _l(
                    "Both records hold the same honor (%(program)s %(period)s): revoke one first.",
                    program=honor.program.name_zh,
                    period=period_label(honor.period_label),
                )
            )
    filled: dict[str, object] = {}
    if not problems:
        for field in FILLABLE:
            if field in filled:
                continue
            mine, theirs = getattr(target, field), getattr(source, field)
            if mine in (None, "") and theirs not in (None, ""):
                filled[field] = theirs
                for partner in _TOGETHER.get(field, ()):
                    filled[partner] = getattr(source, partner)
        if not target.id_number_hash and source.id_number_hash:
            filled["id_number_enc"] = source.id_number_enc
            filled["id_number_hash"] = source.id_number_hash
    return MergePlan(source, target, filled, list(source.honors), problems)


def _referencing_columns() -> list[sa.Column]:
    """Every column holding a registry record's id, in every domain's table: a merge moves
    them all without this module importing the domains that depend on it."""
    columns = []
    for table in db.metadata.sorted_tables:
        if table.name in ("honorees", "group_members"):
            continue
        for fk in table.foreign_keys:
            if fk.column.table.name == "honorees":
                columns.append(fk.parent)
    return columns


def merge_honorees(
    source: Honoree, target: Honoree, *, actor, now: datetime | None = None
) -> Honoree:
    """Merge `source` into `target`: its honors, aid, courtesy, promotions, nominations,
    corrections and old addresses move to the target, empty public fields of the target
    are filled from it, the source is deleted and its slug answers 301 to the target."""
    now = now or utcnow()
    plan = plan_merge(source, target)
    if plan.problems:
        raise CorrectionError(plan.problems[0])
    moved = {}
    db.session.flush()
    for column in _referencing_columns():
        result = db.session.execute(
            sa.update(column.table).where(column == source.id).values({column.name: target.id})
        )
        if result.rowcount:
            moved[f"{column.table.name}.{column.name}"] = result.rowcount
    for field, value in plan.filled.items():
        setattr(target, field, value)
    if target.kind is HonoreeKind.GROUP and not target.members:
        target.members = [
            GroupMember(name=m.name, post=m.post, sort_order=m.sort_order) for m in source.members
        ]
    old_slug, source_id, source_name = source.slug, source.id, source.name
    db.session.flush()
    db.session.expire_all()  # the moved rows were updated behind the ORM's back
    db.session.delete(db.session.get(Honoree, source_id))
    db.session.flush()
    db.session.add(HonoreeSlugRedirect(slug=old_slug, honoree_id=target.id, created_at=now))
    db.session.flush()
    record_event(
        "honoree.merged",
        actor=actor,
        obj=target,
        before={"source_id": source_id, "source_slug": old_slug, "source_name": source_name},
        after={
            "target_slug": target.slug,
            "filled": sorted(k for k in plan.filled if not k.endswith("_enc")),
            "moved": moved,
        },
    )
    return target
