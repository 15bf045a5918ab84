"""Forms for managing the offer: opportunities, venues, term dates. They parse and check; nothing here saves."""

from django import forms
from django.utils.translation import gettext_lazy as _

from musichub.core.models import ActivityKind, Genre, Instrument, Setting
from musichub.partners.models import Partner
from musichub.people.areas import normalise_postcode
from musichub.people.models import School

from .models import Opportunity, Venue
from .services import VENUE_FIELDS, opportunity_problems

WEEKDAYS = [
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
    (5, _("Saturday")),
    (6, _("Sunday")),
]
DATE_HINT = _("For example, 14 9 2026 or 2026-09-14.")
DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d %m %Y", "%d-%m-%Y"]


def _date_field(label, *, required=True, missing=None):
    return forms.DateField(
        label=label,
        required=required,
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": missing or _("Enter the %(label)s") % {"label": str(label).lower()},
            "invalid": _("Enter a real date, like 2026-09-14"),
        },
    )


def _time_field(label, missing):
    return forms.TimeField(
        label=label,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"required": missing, "invalid": _("Enter a time, like 17:30")},
    )


def _age_field(label, missing):
    return forms.IntegerField(
        label=label,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={"required": missing, "invalid": _("Enter an age in whole years, like 11")},
    )


class PoundsField(forms.DecimalField):
    """Money typed in pounds (2.50), stored in pence (250)."""

    def __init__(self, **kwargs):
        super().__init__(
            min_value=0,
            max_digits=7,
            decimal_places=2,
            error_messages={
                "invalid": _("Enter the cost in pounds, like 2.50, or 0 if it is free"),
                "min_value": _("The cost cannot be less than £0"),
                "max_decimal_places": _("Enter the cost in pounds and pence, like 2.50"),
                "max_digits": _("Enter a cost of less than £100,000"),
            },
            **kwargs,
        )

    def prepare_value(self, value):
        if isinstance(value, int):
            return f"{value / 100:.2f}"
        return value


class OpportunityForm(forms.ModelForm):
    """An opportunity, in six groups (see FIELDSETS). Staff also choose the partner."""

    FIELDSETS = [
        (_("What it is"), ["partner", "title", "summary", "description", "kind", "genres", "instruments"]),
        (_("Who it is for"), ["min_age", "max_age", "level"]),
        (
            _("Where and when"),
            [
                "setting",
                "venue",
                "schools",
                "schedule",
                "first_date",
                "last_date",
                "weekday",
                "starts_at",
                "ends_at",
            ],
        ),  # fmt: skip
        (
            _("Cost and support"),
            [
                "capacity",
                "cost",
                "cost_note",
                "free_for_fsm",
                "bursary_available",
                "instrument_provided",
                "transport_help",
            ],
        ),  # fmt: skip
        (_("How to join"), ["how_to_join", "apply_by"]),
        (_("Safeguarding"), ["safeguarding_contact_name", "safeguarding_contact_email"]),
    ]

    partner = forms.ModelChoiceField(
        queryset=Partner.objects.order_by("name"),
        label=_("Partner"),
        error_messages={"required": _("Choose the partner that runs it")},
    )
    first_date = _date_field(_("First date"), missing=_("Enter the first date"))
    last_date = _date_field(_("Last date"), required=False, missing=_("Enter the last date"))
    apply_by = _date_field(_("Apply by"), required=False)
    weekday = forms.TypedChoiceField(
        label=_("Day of the week"),
        choices=[("", _("Choose a day"))] + WEEKDAYS,
        coerce=int,
        required=False,
        empty_value=None,
        help_text=_("For weekly sessions."),
        error_messages={"invalid_choice": _("Choose a day of the week")},
    )
    starts_at = _time_field(_("Starts at"), _("Enter the time it starts"))
    ends_at = _time_field(_("Ends at"), _("Enter the time it ends"))
    min_age = _age_field(_("Youngest age"), _("Enter the youngest age"))
    max_age = _age_field(_("Oldest age"), _("Enter the oldest age"))
    cost = PoundsField(label=_("Cost of a session (£)"), initial="0.00", help_text=_("0 if it is free."))

    class Meta:
        model = Opportunity
        fields = [
            "title", "summary", "description", "kind", "genres", "instruments", "level", "setting", "venue",
            "schools", "schedule", "capacity", "cost_note", "free_for_fsm", "bursary_available",
            "instrument_provided", "transport_help", "how_to_join", "safeguarding_contact_name",
            "safeguarding_contact_email",
        ]  # fmt: skip
        widgets = {
            "genres": forms.CheckboxSelectMultiple,
            "instruments": forms.CheckboxSelectMultiple,
            "level": forms.RadioSelect,
            "setting": forms.RadioSelect,
            "schedule": forms.RadioSelect,
            "how_to_join": forms.RadioSelect,
            "description": forms.Textarea(attrs={"rows": 8}),
            "summary": forms.Textarea(attrs={"rows": 3}),
            "schools": forms.SelectMultiple(attrs={"size": 8}),
            "safeguarding_contact_email": forms.EmailInput(attrs={"spellcheck": "false"}),
        }
        help_texts = {
            "description": _("Markdown: **bold**, _italic_, [link](https://…), lists."),
            "summary": _("One or two sentences for the finder's results."),
            "venue": _("Not needed online. Add a venue on the venues page if it is missing."),
            "schools": _("For sessions in school. Hold Ctrl (or Cmd) to choose more than one."),
            "capacity": _("Leave empty if there is no limit."),
        }
        error_messages = {
            "title": {"required": _("Enter a title")},
            "summary": {"required": _("Enter a summary")},
            "kind": {"required": _("Choose the kind of activity")},
            "safeguarding_contact_name": {"required": _("Enter the name of the safeguarding contact")},
            "safeguarding_contact_email": {
                "required": _("Enter the safeguarding contact's email address"),
                "invalid": _("Enter an email address in the correct format, like name@example.org"),
            },
            "capacity": {"invalid": _("Enter the number of places as a whole number, like 20")},
        }

    def __init__(self, *args, partner=None, **kwargs):
        """`partner`: the partner a member acts for (no partner field); None for staff, who choose."""
        super().__init__(*args, **kwargs)
        self.fixed_partner = partner
        if partner is not None:
            del self.fields["partner"]
        elif self.instance.pk:
            self.fields["partner"].initial = self.instance.partner_id
        self.fields["kind"].queryset = ActivityKind.objects.order_by("name")
        self.fields["genres"].queryset = Genre.objects.order_by("name")
        self.fields["instruments"].queryset = Instrument.objects.order_by("name")
        self.fields["schools"].queryset = School.objects.filter(is_open=True).order_by("name")
        venues = Venue.objects.order_by("name")
        self.fields["venue"].queryset = venues
        self.fields["venue"].empty_label = _("No venue (online or in school)")
        if self.instance.pk:
            for name in ("first_date", "last_date", "apply_by", "weekday", "starts_at", "ends_at", "min_age",
                         "max_age"):  # fmt: skip
                self.fields[name].initial = getattr(self.instance, name)
            self.fields["cost"].initial = f"{self.instance.cost_pence / 100:.2f}"

    def fieldsets(self):
        for legend, names in self.FIELDSETS:
            yield legend, [self[name] for name in names if name in self.fields]

    def clean(self):
        cleaned = super().clean()
        for name, error in opportunity_problems(cleaned).items():
            if name in self.fields and name not in self.errors:
                self.add_error(name, error)
        if cleaned.get("setting") == Setting.IN_SCHOOL and cleaned.get("schedule") == (
            Opportunity.Schedule.HOLIDAY_COURSE
        ):
            self.add_error("schedule", _("A holiday course cannot run in school: choose another schedule"))
        return cleaned

    def opportunity_data(self) -> dict:
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        for name in ("first_date", "last_date", "apply_by", "weekday", "starts_at", "ends_at", "min_age",
                     "max_age"):  # fmt: skip
            data[name] = self.cleaned_data[name]
        data["cost_pence"] = int(round(self.cleaned_data["cost"] * 100))
        data["genres"] = list(data["genres"])
        data["instruments"] = list(data["instruments"])
        data["schools"] = list(data["schools"])
        return data

    @property
    def chosen_partner(self):
        return self.fixed_partner or self.cleaned_data.get("partner")


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is it cancelled?"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept in the audit log."),
        error_messages={"required": _("Enter the reason for cancelling")},
    )


class LeadersForm(forms.Form):
    """Who leads an opportunity's sessions: music leaders and the partner's own members."""

    leaders = forms.ModelMultipleChoiceField(
        label=_("Leaders"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("They see the group, take its registers and follow up young people who stop coming."),
    )

    def __init__(self, *args, eligible, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["leaders"].queryset = eligible
        self.fields["leaders"].label_from_instance = lambda user: user.get_full_name() or user.username


class OpportunityFilterForm(forms.Form):
    """The manage list's filters. Unknown values fall back to "all"."""

    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any status"))] + Opportunity.Status.choices
    )
    partner = forms.ModelChoiceField(
        label=_("Partner"),
        required=False,
        queryset=Partner.objects.order_by("name"),
        empty_label=_("Any partner"),
    )

    def __init__(self, *args, show_partner=True, **kwargs):
        super().__init__(*args, **kwargs)
        if not show_partner:
            del self.fields["partner"]

    @classmethod
    def from_query(cls, query, *, show_partner):
        form = cls(query, show_partner=show_partner)
        if form.is_valid():
            return form, {k: v for k, v in form.cleaned_data.items() if v}
        return cls(show_partner=show_partner), {}


class VenueForm(forms.ModelForm):
    class Meta:
        model = Venue
        fields = ["name", "address", "postcode", *Venue.ACCESS_FIELDS, "access_notes"]
        widgets = {
            "address": forms.Textarea(attrs={"rows": 3}),
            "access_notes": forms.Textarea(attrs={"rows": 3}),
        }
        error_messages = {
            "name": {"required": _("Enter the venue's name")},
            "address": {"required": _("Enter the venue's address")},
            "postcode": {"required": _("Enter the venue's postcode")},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["postcode"].max_length = 10
        self.fields["postcode"].widget.attrs.update({"autocomplete": "postal-code", "class": "input--short"})

    def clean_postcode(self):
        return normalise_postcode(self.cleaned_data["postcode"])

    def venue_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields if name in VENUE_FIELDS}


class DatesForm(forms.Form):
    """A term or a holiday: a name and its first and last day."""

    name = forms.CharField(label=_("Name"), max_length=60, error_messages={"required": _("Enter a name")})
    starts_on = _date_field(_("First day"), missing=_("Enter the first day"))
    ends_on = _date_field(_("Last day"), missing=_("Enter the last day"))

    def clean(self):
        cleaned = super().clean()
        starts_on, ends_on = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", _("The last day must be the same as or after the first day"))
        return cleaned
