"""Labels and masked views of nominations for templates (sensitive values never in clear)."""

from __future__ import annotations

from dataclasses import dataclass

from app.nominations import permissions
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


def template_globals() -> dict:
    return {
        "masked": masked,
        "masked_phone": lambda token: id_numbers.mask_phone(crypto.decrypt(token)),
        "can_decide": permissions.can_decide,
        "can_record_check": permissions.can_record_check,
    }
