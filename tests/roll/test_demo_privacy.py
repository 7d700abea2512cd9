"""On the demo data, no honoree page (HTML or JSON) carries any stored phone, ID number,
address, recommender or objector contact — every sensitive value is decrypted and searched."""

from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db
from app.nominations.models import Nomination, PublicRecommendation
from app.notice.models import Objection
from app.privacy import crypto
from app.registry.models import Honoree


def test_no_stored_secret_on_any_demo_honoree_page(app, client, runner):
    assert runner.invoke(args=["honors", "demo"]).exit_code == 0
    with app.app_context():
        tokens = []
        for model, columns in (
            (Nomination, ("id_number_enc", "phone_enc", "address_enc", "recommender_phone_enc")),
            (Honoree, ("id_number_enc", "phone_enc", "address_enc")),
            (PublicRecommendation, ("recommender_phone_enc",)),
            (Objection, ("contact_enc",)),
        ):
            for column in columns:
                tokens += db.session.scalars(
                    sa.select(getattr(model, column)).where(getattr(model, column).is_not(None))
                ).all()
        secrets = {crypto.decrypt(t) for t in tokens} - {None}
        slugs = db.session.scalars(sa.select(Honoree.slug)).all()
    assert len(secrets) > 50  # the demo really stores ID numbers, phones and addresses
    checked = 0
    for slug in slugs:
        page = client.get(f"/honorees/{slug}")
        if page.status_code != 200:
            continue
        body = page.get_data(as_text=True) + client.get(f"/api/v1/honorees/{slug}").get_data(
            as_text=True
        )
        assert not [s for s in secrets if s in body], slug
        checked += 1
    assert checked > 300
