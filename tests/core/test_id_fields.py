"""IdListField, OptionalIdField and TextValueField: hand-written inputs read as the views
read request.form before (junk skipped, never reported; files ignored)."""

from __future__ import annotations

import io

import pytest
from werkzeug.datastructures import FileStorage, MultiDict

from app.core.forms import BaseForm, IdListField, OptionalIdField, TextValueField


class PickForm(BaseForm):
    class Meta:
        csrf = False

    ids = IdListField()
    category_id = OptionalIdField()
    back = TextValueField()


@pytest.fixture
def request_ctx(app):
    with app.test_request_context():
        yield


def test_id_list_field_keeps_ids_and_skips_junk_without_an_error(request_ctx):
    form = PickForm(formdata=MultiDict([("ids", "3"), ("ids", "x"), ("ids", "-1"), ("ids", "7")]))
    assert form.validate() is True
    assert form.ids.data == [3, 7]


def test_id_list_field_skips_numbers_of_ten_digits_or_more(request_ctx):
    form = PickForm(formdata=MultiDict([("ids", "123456789"), ("ids", "1234567890")]))
    assert form.ids.data == [123456789]


def test_id_list_field_absent_is_an_empty_list(request_ctx):
    assert PickForm(formdata=MultiDict()).ids.data == []


def test_optional_id_field_reads_an_id_else_none(request_ctx):
    assert PickForm(formdata=MultiDict({"category_id": "12"})).category_id.data == 12
    assert PickForm(formdata=MultiDict({"category_id": "1x"})).category_id.data is None
    assert PickForm(formdata=MultiDict()).category_id.data is None


def test_text_value_field_is_the_first_text_value_or_none(request_ctx):
    assert PickForm(formdata=MultiDict([("back", "/a"), ("back", "/b")])).back.data == "/a"
    assert PickForm(formdata=MultiDict({"back": ""})).back.data == ""
    assert PickForm(formdata=MultiDict()).back.data is None


def test_fields_ignore_a_file_posted_under_their_name(request_ctx):
    upload = FileStorage(io.BytesIO(b"3"), filename="3")
    form = PickForm(formdata=MultiDict([("ids", upload), ("back", upload), ("ids", "4")]))
    assert form.ids.data == [4]
    assert form.back.data is None
