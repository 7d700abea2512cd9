"""LocalDateTimeField: Beijing time typed, aware UTC kept, Beijing time shown back."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from werkzeug.datastructures import MultiDict
from wtforms.validators import Optional

from app.core.forms import BaseForm, LocalDateTimeField


class WhenForm(BaseForm):
    class Meta:
        csrf = False

    when = LocalDateTimeField("When", validators=[Optional()])


@pytest.fixture
def request_ctx(app):
    with app.test_request_context():
        yield


def test_local_datetime_field_naive_local_input_becomes_aware_utc(request_ctx):
    form = WhenForm(formdata=MultiDict({"when": "2026-12-08T07:30"}))
    assert form.validate() is True
    assert form.when.data == datetime(2026, 12, 7, 23, 30, tzinfo=UTC)
    assert form.when.data.utcoffset().total_seconds() == 0


def test_local_datetime_field_renders_utc_data_in_local_time(request_ctx):
    form = WhenForm(data={"when": datetime(2026, 12, 7, 23, 30, tzinfo=UTC)})
    assert 'value="2026-12-08T07:30"' in form.when()
    assert 'type="datetime-local"' in form.when()


def test_local_datetime_field_empty_input_is_none(request_ctx):
    form = WhenForm(formdata=MultiDict({"when": ""}))
    assert form.validate() is True
    assert form.when.data is None


@pytest.mark.parametrize("typed", ["tomorrow", "2026-13-01T00:00", "0001-01-01T00:00"])
def test_local_datetime_field_bad_value_is_field_error_keeping_typed_text(request_ctx, typed):
    form = WhenForm(formdata=MultiDict({"when": typed}))
    assert form.validate() is False
    assert form.when.errors == ["不是有效的日期与时间值。"]  # the default language
    assert form.when.data is None
    assert f'value="{typed}"' in form.when()
