"""Labels and masked views of nominations for templates (sensitive values never in clear)."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from app.nominations import permissions
from app.nominations.models import RecommendationStatus
from app.nominations.services import STATE_LABELS
from app.privacy import crypto, id_numbers


@dataclass(frozen=True)
class Masked:
    id_number: str
    phone: str
    address: str


def mask_address(value: str | None) -> str:
    if not value:
        return ""
    return value[:6] + "****" if len(value) > 6 else value[:2] + "****"


def masked(nomination) -> Masked:
    return Masked(
        id_number=id_numbers.mask_id_number(crypto.decrypt(nomination.id_number_enc)),
        phone=id_numbers.mask_phone(crypto.decrypt(nomination.phone_enc)),
        address=mask_address(crypto.decrypt(nomination.address_enc)),
    )


def state_label(state) -> str:
    return str(STATE_LABELS.get(state, state))


def template_globals() -> dict:
    from app.nominations.forms import CHANNEL_LABELS, GENDER_LABELS, KIND_LABELS

    return {
        "state_label": state_label,
        "kind_label": lambda kind: str(KIND_LABELS.get(kind, kind)),
        "gender_label": lambda gender: str(GENDER_LABELS.get(gender, gender)),
        "channel_label": lambda channel: str(CHANNEL_LABELS.get(channel, channel)),
        "masked": masked,
        "masked_phone": lambda token: id_numbers.mask_phone(crypto.decrypt(token)),
        "rec_status_label": lambda status: str(REC_STATUS_LABELS.get(status, status)),
        "can_decide": permissions.can_decide,
        "can_record_check": permissions.can_record_check,
    }


REC_STATUS_LABELS = {
    RecommendationStatus.PENDING: _l("awaiting review"),
    RecommendationStatus.ACCEPTED: _l("forwarded"),
    RecommendationStatus.REJECTED: _l("declined"),
}
