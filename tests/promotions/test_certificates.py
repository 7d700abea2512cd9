"""荣誉证书: the PDF opens, carries the honoree's name as text, and follows the honor."""

from __future__ import annotations

import io
from datetime import timedelta

import pypdf

from app.accounts.models import Role
from app.db_types import utcnow
from app.extensions import db
from app.honors import services
from app.registry.models import HonorStatus
from tests import factories


def _honor(app, **fields):
    with app.app_context():
        honoree = factories.make_honoree(name="证书测试人", slug="cert-1", headline="勇救落水儿童")
        honor = factories.make_honor(honoree, factories.make_program(), **fields)
        return honor.id


def _text(data: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1
    return reader.pages[0].extract_text()


def test_certificate_pdf_has_the_name_as_text(app, client):
    honor_id = _honor(app)
    response = client.get(f"/honorees/cert-1/certificates/{honor_id}.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = _text(response.data)
    assert "证书测试人" in text and "荣 誉 证 书" in text and "证书编号" in text
    assert "漯河市精神文明建设委员会办公室" in text


def test_certificate_follows_publication_and_revocation(app, client, login_as):
    honor_id = _honor(app, status=HonorStatus.PUBLISHED, published_at=utcnow() + timedelta(days=1))
    assert client.get(f"/honorees/cert-1/certificates/{honor_id}.pdf").status_code == 404
    staff = login_as(Role.STAFF)
    early = staff.get(f"/staff/honors/{honor_id}/certificate.pdf")
    assert early.status_code == 200 and "证书测试人" in _text(early.data)
    with app.app_context():
        honor = db.session.get(factories.Honor, honor_id)
        honor.published_at = utcnow() - timedelta(minutes=1)
        services.revoke_honor(honor, reason="撤销测试", actor=None)
        db.session.commit()
    assert client.get(f"/honorees/cert-1/certificates/{honor_id}.pdf").status_code == 410
    assert staff.get(f"/staff/honors/{honor_id}/certificate.pdf").status_code == 410
    assert client.get("/honorees/other/certificates/999.pdf").status_code == 404


def test_certificate_after_consent_withdrawal_answers_410(app, client):
    honor_id = _honor(app)
    assert client.get(f"/honorees/cert-1/certificates/{honor_id}.pdf").status_code == 200
    with app.app_context():
        honoree = db.session.get(factories.Honor, honor_id).honoree
        services.withdraw_consent(honoree, reason="本人撤回同意", actor=None)
        db.session.commit()
    assert client.get(f"/honorees/cert-1/certificates/{honor_id}.pdf").status_code == 410
    assert client.get("/honorees/cert-1").status_code == 410


def test_certificate_never_released_of_withdrawn_honoree_answers_404(app, client):
    later = utcnow() + timedelta(days=1)
    honor_id = _honor(app, status=HonorStatus.PUBLISHED, published_at=later)
    with app.app_context():
        honoree = db.session.get(factories.Honor, honor_id).honoree
        services.withdraw_consent(honoree, reason="本人撤回同意", actor=None)
        db.session.commit()
    assert client.get(f"/honorees/cert-1/certificates/{honor_id}.pdf").status_code == 404
