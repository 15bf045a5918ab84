"""Forms for registers: the register itself (one set of radio buttons per young person), walk-ins, concerns,
and the staff filter of "my sessions". Nothing here saves: registers.py does."""

import re
import uuid
from datetime import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from musichub.core.models import Genre
from musichub.partners.models import Partner
from musichub.people.models import Consent
from musichub.people.services import AGE_OF_DIGITAL_CONSENT, age_on, validate_date_of_birth

from .models import Attendance, Opportunity
from .registers import MAX_HEADCOUNT, MAX_REASON, MIN_NAME_CHARS, GroupMember, RegisterMark, RegisterNotes

MARK_CHOICES = [
    (Attendance.Mark.PRESENT, _("Present")),
    (Attendance.Mark.LATE, _("Late")),
    (Attendance.Mark.ABSENT, _("Absent")),
    (Attendance.Mark.ABSENT_WITH_REASON, _("Absent with reason")),
]
POSTED_MARK = re.compile(r"^mark_(\d{1,18})$")
NOTES_FIELDS = ("what_we_did", "pieces", "genres")


def _parse_time(value: str) -> datetime | None:
    """A time the phone recorded (ISO 8601, as JavaScript's toISOString writes it); None if unreadable."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return timezone.make_aware(parsed) if timezone.is_naive(parsed) else parsed


class RegisterRow:
    """One young person on the register with their bound fields, for the template."""

    def __init__(self, member: GroupMember, form: "RegisterForm"):
        self.member = member
        self.mark = form[f"mark_{member.pk}"]
        self.reason = form[f"reason_{member.pk}"]
        self.was = form[f"was_{member.pk}"]
        self.tapped = form[f"tapped_{member.pk}"]


class RegisterForm(forms.Form):
    """The register: a mark for each young person (or a headcount), and notes on the session.

    Hidden per person: `was_<id>` (the mark shown when the page was made) and `tapped_<id>` (when the leader
    tapped a mark, filled in by register.js). A mark is sent only if it was tapped or differs from what was
    shown, so re-sending a page never overrides someone else's later mark with an old one.
    """

    key = forms.UUIDField(
        widget=forms.HiddenInput, error_messages={"required": _("Reload the page and try again.")}
    )
    headcount = forms.IntegerField(
        label=_("How many pupils were there?"),
        min_value=0,
        max_value=MAX_HEADCOUNT,
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "input--short"}),
        error_messages={
            "invalid": _("Enter the number of pupils as a whole number, like 28"),
            "min_value": _("The number of pupils cannot be below 0"),
            "max_value": _("Enter a number of pupils up to %(limit_value)s"),
        },
    )
    what_we_did = forms.CharField(
        label=_("What we did"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("A line or two for the group's record. Leave out anything private about a young person."),
    )
    pieces = forms.CharField(label=_("Pieces"), required=False, max_length=300)
    genres = forms.ModelMultipleChoiceField(
        label=_("Genres played"),
        queryset=Genre.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": _("Choose genres from the list"),
            "invalid_pk_value": _("Choose genres from the list"),
        },
    )

    def __init__(self, data=None, *, group: list[GroupMember], headcount_mode: bool, register=None, **kwargs):
        initial = {"key": uuid.uuid4()}
        if register is not None:
            initial.update(
                headcount=register.headcount,
                what_we_did=register.what_we_did,
                pieces=register.pieces,
                genres=[genre.pk for genre in register.genres.all()],
            )
        super().__init__(data, initial=initial, **kwargs)
        self.group = group
        self.headcount_mode = headcount_mode
        if headcount_mode:
            self.fields["headcount"].required = True
            self.fields["headcount"].error_messages["required"] = _("Enter how many pupils were there")
            return
        del self.fields["headcount"]
        ids = [member.pk for member in group]
        known = set(ids)
        # Marks posted for someone not (or no longer) on the page are kept, so the service can refuse them.
        for name in data or {}:
            match = POSTED_MARK.match(name)
            if match and int(match.group(1)) not in known:
                ids.append(int(match.group(1)))
                known.add(int(match.group(1)))
        names = {member.pk: member.name for member in group}
        for pk in ids:
            member_name = names.get(pk, _("this young person"))
            self.fields[f"mark_{pk}"] = forms.ChoiceField(
                label=member_name,
                choices=MARK_CHOICES,
                required=False,
                widget=forms.RadioSelect,
                error_messages={
                    "invalid_choice": _("Choose present, late, absent or absent with reason for %(name)s")
                    % {"name": member_name}
                },
            )
            self.fields[f"reason_{pk}"] = forms.CharField(
                label=_("Reason"),
                required=False,
                max_length=MAX_REASON,
                error_messages={"max_length": _("Keep the reason under %(limit_value)s characters")},
            )
            self.fields[f"was_{pk}"] = forms.CharField(required=False, widget=forms.HiddenInput)
            self.fields[f"tapped_{pk}"] = forms.CharField(required=False, widget=forms.HiddenInput)
        for member in group:
            self.initial[f"mark_{member.pk}"] = member.mark
            self.initial[f"was_{member.pk}"] = member.mark
            self.initial[f"reason_{member.pk}"] = member.reason

    @property
    def rows(self) -> list[RegisterRow]:
        return [RegisterRow(member, self) for member in self.group]

    def marks(self) -> list[RegisterMark]:
        """The marks to send: those tapped (at the time they were tapped) or changed without JavaScript (now)."""
        marks = []
        now = timezone.now()
        for name in self.fields:
            match = POSTED_MARK.match(name)
            if not match or not self.cleaned_data.get(name):
                continue
            pk = int(match.group(1))
            mark = self.cleaned_data[name]
            tapped = _parse_time(self.cleaned_data.get(f"tapped_{pk}", ""))
            if tapped is None:
                if mark == self.cleaned_data.get(f"was_{pk}", ""):
                    continue  # unchanged since the page was made: sending it again could undo a later mark
                tapped = now
            marks.append(
                RegisterMark(
                    young_person_id=pk,
                    mark=mark,
                    reason=self.cleaned_data.get(f"reason_{pk}", ""),
                    marked_at=tapped,
                )
            )
        return marks

    def notes(self) -> RegisterNotes | None:
        """The session's notes, if they were changed on this page (None leaves the stored ones alone)."""
        if not set(self.changed_data) & set(NOTES_FIELDS):
            return None
        return RegisterNotes(
            what_we_did=self.cleaned_data.get("what_we_did", ""),
            pieces=self.cleaned_data.get("pieces", ""),
            genres=list(self.cleaned_data.get("genres") or []),
        )


# ---- Walk-ins ------------------------------------------------------------------------------------------------


def _name_field(label, required_message):
    return forms.CharField(
        label=label,
        max_length=80,
        error_messages={"required": required_message, "max_length": _("Names are at most 80 characters")},
    )


class WalkInSearchForm(forms.Form):
    """Find a young person already known to the hub by the start of their first and last names."""

    first_name = _name_field(_("First name"), _("Enter the start of their first name"))
    last_name = _name_field(_("Last name"), _("Enter the start of their last name"))

    def clean(self):
        data = super().clean()
        for name in ("first_name", "last_name"):
            if name in data and len(data[name].strip()) < MIN_NAME_CHARS:
                self.add_error(
                    name,
                    ValidationError(
                        _("Type at least %(n)s letters of the name") % {"n": MIN_NAME_CHARS},
                        code="name_too_short",
                    ),
                )
        return data


class WalkInAddForm(WalkInSearchForm):
    """Add one of the search's matches (the search is run again to check they are one of them)."""

    young_person = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class NewWalkInForm(forms.Form):
    """The minimum details of a young person new to the hub, and their consent."""

    METHODS = [
        (Consent.Method.IN_PERSON, _("In person, here at the session")),
        (Consent.Method.PHONE, _("On the phone")),
    ]

    first_name = _name_field(_("First name"), _("Enter their first name"))
    last_name = _name_field(_("Last name"), _("Enter their last name"))
    date_of_birth = forms.DateField(
        label=_("Date of birth"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": _("Enter their date of birth"),
            "invalid": _("Enter their date of birth as a real date, like 27 March 2014"),
        },
    )
    guardian_name = forms.CharField(
        label=_("Parent or carer's name"),
        max_length=160,
        required=False,
        help_text=_("Needed for a child under 13."),
    )
    guardian_email = forms.EmailField(
        label=_("Parent or carer's email address"),
        required=False,
        error_messages={"invalid": _("Enter an email address in the correct format, like name@example.org")},
    )
    guardian_phone = forms.CharField(
        label=_("Parent or carer's phone number"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
        help_text=_(
            "For a child under 13, an email address or a phone number, so the hub can reach the family."
        ),
    )
    consent_given_by = forms.ChoiceField(
        label=_("Who agreed to the hub keeping their details?"),
        choices=[
            (Consent.GivenBy.GUARDIAN, _("Their parent or carer")),
            (Consent.GivenBy.YOUNG_PERSON, _("The young person (13 or over)")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose who agreed")},
    )
    consent_method = forms.ChoiceField(
        label=_("How did they agree?"),
        choices=METHODS,
        initial=Consent.Method.IN_PERSON,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how they agreed")},
    )
    data_consent = forms.BooleanField(
        label=_("They agreed to the hub keeping and using these details to run music-making"),
        error_messages={
            "required": _(
                "Without this agreement the hub cannot keep their details. Mark them on paper and tell the hub."
            )
        },
    )
    media_consent = forms.BooleanField(label=_("They also agreed to photos, audio and video"), required=False)

    def clean_date_of_birth(self):
        value = self.cleaned_data["date_of_birth"]
        validate_date_of_birth(value)
        return value

    def clean(self):
        data = super().clean()
        born = data.get("date_of_birth")
        if born is None:
            return data
        if age_on(born, timezone.localdate()) < AGE_OF_DIGITAL_CONSENT:
            if not data.get("guardian_name", "").strip():
                self.add_error(
                    "guardian_name", _("Enter the name of their parent or carer: they are under 13")
                )
            if not data.get("guardian_email") and not data.get("guardian_phone", "").strip():
                self.add_error(
                    "guardian_phone", _("Enter an email address or a phone number for their parent or carer")
                )
            if data.get("consent_given_by") == Consent.GivenBy.YOUNG_PERSON:
                self.add_error(
                    "consent_given_by",
                    _(
                        "They are under 13, so their parent or carer must agree. Ring them, or mark them on paper."
                    ),
                )
        elif (
            data.get("consent_given_by") == Consent.GivenBy.GUARDIAN
            and not data.get("guardian_name", "").strip()
        ):
            self.add_error("guardian_name", _("Enter the name of the parent or carer who agreed"))
        return data


# ---- Safeguarding --------------------------------------------------------------------------------------------


class ConcernForm(forms.Form):
    young_person = forms.TypedChoiceField(
        label=_("Who is it about?"),
        coerce=int,
        required=False,
        empty_value=None,
        error_messages={"invalid_choice": _("Choose someone from the group, or nobody in particular")},
    )
    details = forms.CharField(
        label=_("What happened, or what was said?"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "Write what you saw and heard, in their words where you can. Only the safeguarding lead reads it."
        ),
        error_messages={"required": _("Say what happened or what was said")},
    )

    def __init__(self, *args, group: list[GroupMember], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["young_person"].choices = [("", _("Nobody in particular, or someone not listed"))] + [
            (member.pk, member.name) for member in group
        ]


# ---- My sessions: the staff filter ---------------------------------------------------------------------------


class SessionsFilterForm(forms.Form):
    partner = forms.ModelChoiceField(
        label=_("Partner"), queryset=Partner.objects.none(), required=False, empty_label=_("All partners")
    )
    opportunity = forms.ModelChoiceField(
        label=_("Opportunity"),
        queryset=Opportunity.objects.none(),
        required=False,
        empty_label=_("All opportunities"),
    )

    def __init__(self, *args, opportunities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = Partner.objects.order_by("name").only("pk", "name")
        self.fields["opportunity"].queryset = opportunities
