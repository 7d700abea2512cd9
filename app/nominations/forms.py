"""Nomination forms: the full nomination, a reason for a move of state, the story preview."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, MultipleFileField
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    Form,
    FormField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional, Regexp, ValidationError

from app.core.forms import BaseForm, MultiCheckboxField, TextValueField, optional_int
from app.core.labels import choices
from app.nominations.models import Channel
from app.registry.models import STORY_MAX, Gender, HonoreeKind

NOMINATOR_CHANNELS = (Channel.UNIT, Channel.COMMUNITY, Channel.COUNTY_OFFICE, Channel.MEDIA)


class PhotoSlot(Form):
    file = FileField(_l("Photo"))
    # No Optional(): it would stop the chain before the form's alt-text check runs.
    alt = StringField(_l("Description (alt text)"), validators=[Length(max=200)])


def _alt_required(form_field, file_field) -> None:
    if getattr(file_field.data, "filename", None) and not (form_field.data or "").strip():
        raise ValidationError(_l("Describe the photo for people who cannot see it."))


class NominationForm(BaseForm):
    kind = RadioField(_l("Candidate"), choices=choices(HonoreeKind), default="individual")
    category_id = SelectField(
        _l("Category"),
        coerce=optional_int,
        validators=[DataRequired(message=_l("Choose a category."))],
    )
    channel = SelectField(
        _l("Channel"),
        choices=choices(NOMINATOR_CHANNELS),
    )
    suggested_slug = StringField(
        _l("Same person as a registry record? (its number)"),
        validators=[Optional(), Length(max=80)],
    )
    name = StringField(_l("Name (or group name)"), validators=[Optional(), Length(max=100)])
    gender = SelectField(
        _l("Gender"), choices=[SelectChoice("", _l("—")), *choices(Gender)], validators=[Optional()]
    )
    birth_date = DateField(_l("Date of birth"), validators=[Optional()])
    ethnicity = StringField(_l("Ethnicity"), validators=[Optional(), Length(max=20)])
    political_status = StringField(_l("Political status"), validators=[Optional(), Length(max=20)])
    education = StringField(_l("Education"), validators=[Optional(), Length(max=20)])
    unit = StringField(_l("Work unit"), validators=[Optional(), Length(max=100)])
    post = StringField(_l("Post"), validators=[Optional(), Length(max=60)])
    school = StringField(_l("School"), validators=[Optional(), Length(max=100)])
    grade = StringField(_l("Grade / class"), validators=[Optional(), Length(max=20)])
    location_id = SelectField(
        _l("District → township → community"), coerce=optional_int, validators=[Optional()]
    )
    address = StringField(_l("Address"), validators=[Optional(), Length(max=200)])
    phone = StringField(
        _l("Phone"),
        validators=[
            Optional(),
            Length(max=20),
            Regexp(r"^[0-9+\- ]{5,20}$", message=_l("Digits, spaces, + and - only.")),
        ],
    )
    id_number = StringField(_l("ID card number"), validators=[Optional(), Length(max=22)])
    members = TextAreaField(
        _l("Members (one per line: name, post)"), validators=[Optional(), Length(max=4000)]
    )
    recommender_name = StringField(
        _l("Contact person at the nominating unit"), validators=[Optional(), Length(max=60)]
    )
    headline = StringField(_l("Headline"), validators=[Optional(), Length(max=70)])
    summary = TextAreaField(_l("Summary"), validators=[Optional(), Length(max=500)])
    story_md = TextAreaField(_l("Story"), validators=[Optional(), Length(max=STORY_MAX)])
    unit_opinion = TextAreaField(
        _l("Opinion of the nominating unit"), validators=[Optional(), Length(max=1000)]
    )
    consent_given = BooleanField(_l("The candidate agrees to the publication of the story"))
    consent_collected_by = StringField(
        _l("Consent collected by"), validators=[Optional(), Length(max=60)]
    )
    consent_date = DateField(_l("Consent date"), validators=[Optional()])
    guardian_consent = BooleanField(_l("A guardian agrees (required for minors)"))
    guardian_name = StringField(_l("Guardian's name"), validators=[Optional(), Length(max=60)])
    id_photo = FileField(_l("ID photo"))
    id_photo_alt = StringField(_l("Description (alt text)"), validators=[Length(max=200)])
    life = FieldList(FormField(PhotoSlot), min_entries=5, max_entries=5)
    attachments = MultipleFileField(_l("Attachments (PDF or images)"))
    remove_photos = MultiCheckboxField(_l("Remove photos"), coerce=int, validate_choice=False)
    remove_attachments = MultiCheckboxField(
        _l("Remove attachments"), coerce=int, validate_choice=False
    )
    # Which button was pressed: "save" keeps a draft, "submit" submits it.
    action = TextValueField()

    def validate_id_photo_alt(self, field) -> None:
        _alt_required(field, self.id_photo)

    def validate_life(self, field) -> None:
        for slot in field:
            try:
                _alt_required(slot.form.alt, slot.form.file)
            except ValidationError as error:
                slot.form.alt.errors = [*slot.form.alt.errors, str(error)]
                raise ValidationError(_l("Each photo needs a description.")) from error

    def submitting(self) -> bool:
        return self.action.data == "submit"

    def parsed_members(self) -> list[tuple[str, str | None]]:
        members = []
        for line in (self.members.data or "").splitlines():
            line = line.strip()
            if not line:
                continue
            name, _sep, post = line.replace("，", ",").partition(",")
            members.append((name.strip()[:100], post.strip()[:60] or None))
        return members[:100]


class ReasonForm(BaseForm):
    reason = TextAreaField(_l("Reason"), validators=[Optional(), Length(max=2000)])


class PreviewForm(BaseForm):
    text = TextAreaField(validators=[Optional(), Length(max=STORY_MAX)])
