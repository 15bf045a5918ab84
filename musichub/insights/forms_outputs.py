"""Forms of the outputs: choosing a year, a return line (its filters checked against the whitelist), a partner's
contribution (its figures checked by contributions.contribution_problems) and staff's review of it."""

import json

from django import forms
from django.utils.translation import gettext_lazy as _

from musichub.people.models import School

from .contributions import CONTRIBUTION_SECTIONS, contribution_problems, years_open
from .filters import current_year, year_label
from .models import PartnerContribution, ReturnLine, ReturnSection
from .returns import filter_problems


class YearForm(forms.Form):
    """Choose an academic year; anything unexpected falls back to the default year."""

    year = forms.TypedChoiceField(label=_("Academic year"), coerce=int, choices=())

    def __init__(self, *args, years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y, year_label(y)) for y in years]

    @classmethod
    def from_query(cls, query, *, years, default: int) -> tuple["YearForm", int]:
        years = list(years)
        form = cls(query, years=years)
        year = form.cleaned_data["year"] if form.is_valid() else default
        if year not in years:
            year = default
        return cls(initial={"year": year}, years=years), year


def return_years() -> list[int]:
    """Years a return can be made for: the next one (to prepare its mapping), this one and five before."""
    this = current_year()
    return [this + 1 - n for n in range(7)]


class ReturnLineForm(forms.ModelForm):
    filters = forms.CharField(
        label=_("Narrowed to (JSON)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "spellcheck": "false"}),
        help_text=_(
            'Leave empty for everything, or write known fields and values, for example {"kind": "choir"} or '
            '{"kind": ["ensemble", "band"], "fsm": "yes"}. The list of fields is on the mapping page.'
        ),
    )

    class Meta:
        model = ReturnLine
        fields = [
            "section",
            "code",
            "label",
            "position",
            "source",
            "filters",
            "contribution_figure",
            "contributions_from_every_section",
            "notes",
        ]
        error_messages = {
            "code": {"required": _("Enter the line's code, as the return numbers it")},
            "label": {"required": _("Enter the line as the return words it")},
        }

    def __init__(self, *args, year: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.year = year
        self.instance.year = year
        if self.instance.pk and not self.is_bound:
            self.initial["filters"] = json.dumps(self.instance.filters) if self.instance.filters else ""

    def clean_filters(self):
        text = (self.cleaned_data.get("filters") or "").strip()
        if not text:
            return {}
        try:
            value = json.loads(text)
        except json.JSONDecodeError as error:
            raise forms.ValidationError(
                _('This is not valid JSON (%(problem)s). Write it like {"kind": "choir"}.')
                % {"problem": error.msg}
            ) from None
        return value

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        taken = ReturnLine.objects.filter(year=self.year, code=code).exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(
                _("%(year)s already has a line %(code)s.") % {"year": year_label(self.year), "code": code}
            )
        return code

    def clean(self):
        data = super().clean()
        if "filters" in data and data.get("source"):
            for problem in filter_problems(data["source"], data["filters"]):
                self.add_error("filters", problem)
        return data

    def _post_clean(self):
        # The model's clean() asks the same whitelist; the form has already said what is wrong with it.
        if self.has_error("filters"):
            return
        super()._post_clean()


class ContributionForm(forms.ModelForm):
    """A partner's figures for a year. Numbers are whole and 0 or more; the rules are in contributions.py."""

    year = forms.TypedChoiceField(label=_("Academic year"), coerce=int, choices=())
    section = forms.ChoiceField(
        label=_("Which part of the return is this work?"),
        choices=[(key, label) for key, label in ReturnSection.choices if key in CONTRIBUTION_SECTIONS],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose which part of the return the work belongs to")},
    )
    school = forms.ModelChoiceField(
        label=_("School, if all of the work was in one school"),
        queryset=School.objects.none(),
        required=False,
        help_text=_("We check the number of young people against the school's roll."),
    )

    NUMBER_FIELDS = ["young_people", "young_people_fsm", "young_people_send", "schools", "groups", "sessions"]

    class Meta:
        model = PartnerContribution
        fields = ["year", "section", "description", "school", "young_people", "young_people_fsm",
                  "young_people_send", "schools", "groups", "sessions"]  # fmt: skip
        help_texts = {
            "description": _(
                "For example: “Saturday steel pan project in three schools”. No names or contact details."
            ),
            "young_people": _("Each young person once, however many sessions they came to."),
        }
        error_messages = {"description": {"required": _("Say in a few words what the work was")}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y, year_label(y)) for y in years_open()]
        self.fields["school"].queryset = School.objects.filter(is_open=True).order_by("name")
        for name in self.NUMBER_FIELDS:
            field = self.fields[name]
            # A browser's number box lets people type "-3"; the message says what to do instead.
            field.min_value = None
            field.validators = []
            field.widget = forms.NumberInput(attrs={"inputmode": "numeric"})
            field.error_messages["invalid"] = _("Enter a whole number, like 12")
            field.required = False

    def clean(self):
        data = super().clean()
        for name in self.NUMBER_FIELDS:
            if data.get(name) is None and name not in self.errors:
                data[name] = 0
        if not self.errors:
            for field, messages in contribution_problems(data).items():
                for message in messages:
                    self.add_error(field, message)
        return data

    def contribution_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Your decision"),
        choices=[
            ("accept", _("Accept: add the figures to the return")),
            ("return", _("Return to the partner")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose whether to accept the figures or return them")},
    )
    note = forms.CharField(
        label=_("Note to the partner"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Needed when you return the figures: say what to check or change."),
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == "return" and not (data.get("note") or "").strip():
            self.add_error("note", _("Say what the partner should change before returning the figures."))
        return data


class ContributionFilterForm(forms.Form):
    """Filters of the review list; unexpected values fall back to "any"."""

    status = forms.ChoiceField(label=_("Status"), required=False)
    year = forms.TypedChoiceField(label=_("Academic year"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("Any")), *PartnerContribution.Status.choices]
        self.fields["year"].choices = [("", _("Any")), *[(y, year_label(y)) for y in return_years()]]

    def chosen(self) -> dict:
        if not self.is_valid():
            return {"status": "", "year": None}
        return {"status": self.cleaned_data["status"], "year": self.cleaned_data["year"]}
