"""Forms for entering paper registers: choosing the sessions, then a grid of marks (a select per cell).

They validate and never save: the view hands the cleaned marks to registers.submit_register.
"""

import uuid

from django import forms
from django.db.models import Exists, OuterRef
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from .attendance import PAPER_SESSIONS
from .models import Attendance, Register, Session


class SessionChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        text = f"{date_format(obj.date, 'D j F Y')}, {obj.starts_at:%H:%M}"
        if obj.has_register:
            return _("%(when)s (register taken: marks you enter replace it)") % {"when": text}
        return text


class PaperSessionsForm(forms.Form):
    """Step 1: which past sessions are on the paper register (sent as a GET query, so the grid's page can be
    bookmarked and reloaded)."""

    sessions = SessionChoiceField(
        label=_("Which sessions are on the paper register?"),
        help_text=_("Up to %(n)s sessions on or before today. Cancelled sessions are not listed.")
        % {"n": PAPER_SESSIONS},
        queryset=Session.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Choose at least one session."),
            "invalid_choice": _(
                "Choose sessions of this opportunity on or before today that were not cancelled."
            ),
            "invalid_pk_value": _(
                "Choose sessions of this opportunity on or before today that were not cancelled."
            ),
        },
    )

    def __init__(self, *args, opportunity, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sessions"].queryset = (
            Session.objects.filter(opportunity=opportunity, date__lte=today, is_cancelled=False)
            .annotate(has_register=Exists(Register.objects.filter(session=OuterRef("pk"))))
            .order_by("-date", "-starts_at")
        )

    def clean_sessions(self):
        sessions = self.cleaned_data["sessions"]
        if len(sessions) > PAPER_SESSIONS:
            raise forms.ValidationError(
                _("Choose at most %(n)s sessions at a time; enter the rest afterwards.")
                % {"n": PAPER_SESSIONS},
                code="too_many",
            )
        return sorted(sessions, key=lambda s: (s.date, s.starts_at))


MARK_CHOICES = [("", _("Not marked")), *Attendance.Mark.choices]


def mark_field_name(session, person) -> str:
    return f"mark_{session.pk}_{person.pk}"


def key_field_name(session) -> str:
    return f"key_{session.pk}"


class PaperGridForm(forms.Form):
    """Step 2: a mark per young person and session, and one idempotency key per session (hidden), so sending
    the same page twice enters nothing twice."""

    def __init__(self, data=None, *, sessions, people, initial_marks=None, **kwargs):
        super().__init__(data, **kwargs)
        self.sessions, self.people = sessions, people
        self.initial_marks = initial_marks = initial_marks or {}
        for session in sessions:
            when = date_format(session.date, "D j M")
            for person in people:
                self.fields[mark_field_name(session, person)] = forms.ChoiceField(
                    label=_("%(name)s on %(when)s") % {"name": _name(person), "when": when},
                    choices=MARK_CHOICES,
                    required=False,
                    initial=initial_marks.get((person.pk, session.pk), ""),
                    error_messages={
                        "invalid_choice": _("Choose present, late, absent, absent with reason or not marked.")
                    },
                )
        # Keys: kept from the page that was sent, else new ones for a fresh page.
        source = data or {}
        self.keys = {
            session.pk: source.get(key_field_name(session)) or str(uuid.uuid4()) for session in sessions
        }

    def rows(self):
        """The grid for the template: one row per young person, one cell (a bound select) per session; a cell
        with an error points its select at the message (GOV.UK pattern)."""
        return [
            {"person": person, "cells": [_cell(self[mark_field_name(s, person)]) for s in self.sessions]}
            for person in self.people
        ]

    def key_inputs(self):
        return [(key_field_name(session), self.keys[session.pk]) for session in self.sessions]

    def clean(self):
        cleaned = super().clean()
        keys = {}
        for session in self.sessions:
            try:
                keys[session.pk] = uuid.UUID(str(self.data.get(key_field_name(session), "")))
            except ValueError:
                raise forms.ValidationError(
                    _("This page is out of date. Open the paper register again and enter the marks."),
                    code="bad_key",
                ) from None
        if len(set(keys.values())) != len(keys):
            raise forms.ValidationError(
                _("This page is out of date. Open the paper register again and enter the marks."),
                code="bad_key",
            )
        self.cleaned_keys = keys
        if self.errors:
            return cleaned
        if not any(cleaned.get(name) for name in self.fields):
            raise forms.ValidationError(
                _("Mark at least one young person at one session before saving."), code="empty"
            )
        return cleaned

    def marks_by_session(self) -> dict[int, list[tuple[int, str]]]:
        """Session pk -> [(young person pk, mark)] for the cells filled in with a new or different mark (a cell
        showing the mark already stored is left alone)."""
        marks = {}
        for session in self.sessions:
            marks[session.pk] = []
            for person in self.people:
                mark = self.cleaned_data.get(mark_field_name(session, person))
                if mark and mark != self.initial_marks.get((person.pk, session.pk)):
                    marks[session.pk].append((person.pk, mark))
        return marks


def _cell(bound_field) -> dict:
    attrs = {}
    if bound_field.errors:
        attrs = {"aria-invalid": "true", "aria-describedby": f"{bound_field.auto_id}_error"}
    return {"field": bound_field, "widget": bound_field.as_widget(attrs=attrs)}


def _name(person) -> str:
    first = person.preferred_name or person.first_name
    return f"{first} {person.last_name}".strip()
