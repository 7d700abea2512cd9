"""群众推荐: the public form, its rate limit, privacy of contacts, and staff moderation."""

from __future__ import annotations

import sqlalchemy as sa

from app.accounts.models import Role
from app.extensions import db
from app.nominations.models import Nomination, PublicRecommendation, RecommendationStatus
from app.notifications.models import Notification
from tests import factories
from tests.conftest import csrf_token

PHONE = "13655556666"


def _data(client, **overrides):
    data = {
        "csrf_token": csrf_token(client, "/recommend"),
        "channel": "public",
        "kind": "individual",
        "candidate_name": "周热心",
        "headline": "雨夜救起落水儿童",
        "story": "那天晚上下着大雨，他跳进沙河救起了落水的孩子。",
        "recommender_name": "吴邻居",
        "recommender_phone": PHONE,
        "truthful": "y",
    }
    data.update(overrides)
    return data


def test_public_recommendation_lands_in_queue_with_reference(app, client):
    response = client.post("/recommend", data=_data(client))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    with app.app_context():
        recommendation = db.session.scalars(sa.select(PublicRecommendation)).one()
        assert recommendation.reference in html
        assert recommendation.status is RecommendationStatus.PENDING
        assert (
            recommendation.recommender_phone_enc
            and PHONE not in recommendation.recommender_phone_enc
        )


def test_invalid_recommendation_keeps_input_but_not_phone(client):
    html = client.post("/recommend", data=_data(client, story="太短")).get_data(as_text=True)
    assert 'id="story-error"' in html and 'value="周热心"' in html and PHONE not in html


def test_public_recommendation_rate_limited(client):
    for _attempt in range(5):
        assert client.post("/recommend", data=_data(client)).status_code == 200
    response = client.post("/recommend", data=_data(client))
    assert response.status_code == 429
    assert "请求过于频繁" in response.get_data(as_text=True)


def test_staff_sees_masked_phone_and_forwards_as_draft(app, client, login_as):
    client.post("/recommend", data=_data(client))
    with app.app_context():
        cycle = factories.make_open_cycle()
        org = factories.make_org(code="target-org")
        factories.make_user(Role.NOMINATOR, organisation=org, username="target-nominator")
        rec_id = db.session.scalars(sa.select(PublicRecommendation.id)).one()
        ids = (cycle.id, cycle.program.categories[0].category_id, org.id)
    staff = login_as(Role.STAFF)
    page = staff.get(f"/staff/recommendations/{rec_id}").get_data(as_text=True)
    assert "136****6666" in page and PHONE not in page
    token = csrf_token(staff, f"/staff/recommendations/{rec_id}")
    response = staff.post(
        f"/staff/recommendations/{rec_id}",
        data={
            "csrf_token": token,
            "cycle_id": ids[0],
            "category_id": ids[1],
            "organisation_id": ids[2],
        },
    )
    assert response.status_code == 302
    with app.app_context():
        nomination = db.session.scalars(sa.select(Nomination)).one()
        assert nomination.name == "周热心" and nomination.channel.value == "public"
        assert nomination.organisation_id == ids[2]
        assert db.session.get(PublicRecommendation, rec_id).status is RecommendationStatus.ACCEPTED
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Notification)) == 1


def test_staff_declines_with_reason(app, client, login_as):
    client.post("/recommend", data=_data(client))
    with app.app_context():
        rec_id = db.session.scalars(sa.select(PublicRecommendation.id)).one()
    staff = login_as(Role.STAFF)
    token = csrf_token(staff, f"/staff/recommendations/{rec_id}")
    staff.post(f"/staff/recommendations/{rec_id}/reject", data={"csrf_token": token, "reason": ""})
    with app.app_context():
        assert db.session.get(PublicRecommendation, rec_id).status is RecommendationStatus.PENDING
    staff.post(
        f"/staff/recommendations/{rec_id}/reject",
        data={"csrf_token": token, "reason": "事迹无法核实"},
    )
    with app.app_context():
        assert db.session.get(PublicRecommendation, rec_id).status is RecommendationStatus.REJECTED
