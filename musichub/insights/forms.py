"""Forms of the dashboard: the filters (a GET form that works without JavaScript) and a "what we learned" entry."""

import re

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from musichub.core.models import ActivityKind, InclusionAim, Setting
from musichub.partners.models import Partner

from .filters import CHARACTERISTIC_FILTERS, InsightFilters, current_year, year_label
from .models import Learning
from .selectors import first_year_with_activity

YEARS_TO_CHOOSE = 6
POSTCODE_DISTRICT = re.compile(r"^[A-Z]{1,2}[0-9][0-9A-Z]?$")
MAX_AGE = 25


def years_to_choose() -> list[int]:
    """Academic years to choose from, newest first: this one and the five before it, and back to the first
    year with any activity (one query)."""
    this_year = current_year()
    first = min(this_year - YEARS_TO_CHOOSE + 1, first_year_with_activity() or this_year)
    return list(range(this_year, first - 1, -1))


class InsightFiltersForm(forms.Form):
    """Which figures to show. Every field is optional; a problem is explained and the figures fall back to the
    whole hub for the year."""

    year = forms.TypedChoiceField(label=_("Academic year"), coerce=int, choices=(), required=False)
    kind = forms.ModelChoiceField(
        label=_("Kind of activity"),
        queryset=ActivityKind.objects.order_by("name"),
        required=False,
        empty_label=_("Any kind"),
        error_messages={"invalid_choice": _("Choose a kind of activity from the list.")},
    )
    setting = forms.ChoiceField(
        label=_("In or out of school"),
        choices=[("", _("In and out of school")), *Setting.choices],
        required=False,
        error_messages={"invalid_choice": _("Choose in school, out of school or online.")},
    )
    partner = forms.ModelChoiceField(
        label=_("Partner"),
        queryset=Partner.objects.order_by("name"),
        required=False,
        empty_label=_("Every partner"),
        error_messages={"invalid_choice": _("Choose a partner from the list.")},
    )
    area = forms.CharField(
        label=_("Home area"),
        help_text=_("Postcode district, e.g. SO14"),
        required=False,
        max_length=4,
        error_messages={"max_length": _("A postcode district is 2 to 4 characters, for example SO14.")},
    )
    min_age = forms.IntegerField(
        label=_("Youngest age"),
        required=False,
        min_value=0,
        max_value=MAX_AGE,
        error_messages={
            "invalid": _("Enter the youngest age as a whole number, for example 11."),
            "min_value": _("The youngest age must be 0 or more."),
            "max_value": _("The youngest age must be %(limit_value)s or less."),
        },
    )
    max_age = forms.IntegerField(
        label=_("Oldest age"),
        required=False,
        min_value=0,
        max_value=MAX_AGE,
        error_messages={
            "invalid": _("Enter the oldest age as a whole number, for example 16."),
            "min_value": _("The oldest age must be 0 or more."),
            "max_value": _("The oldest age must be %(limit_value)s or less."),
        },
    )
    characteristic = forms.ChoiceField(
        label=_("Young people"),
        choices=[("", _("Everyone")), *[(key, label) for key, (label, _c) in CHARACTERISTIC_FILTERS.items()]],
        required=False,
        error_messages={"invalid_choice": _("Choose a group of young people from the list.")},
    )

    def __init__(self, *args, partner: Partner | None = None, **kwargs):
        """`partner`: the partner a partner member sees; the partner field then goes (they see only their own)."""
        super().__init__(*args, **kwargs)
        self.fixed_partner = partner
        self.fields["year"].choices = [(year, year_label(year)) for year in years_to_choose()]
        if partner is not None:
            del self.fields["partner"]

    def clean_area(self):
        area = re.sub(r"\s+", "", self.cleaned_data["area"] or "").upper()
        if area and not POSTCODE_DISTRICT.match(area):
            raise forms.ValidationError(
                _("Enter a postcode district such as SO14 (the first half of a postcode)."), code="area"
            )
        return area

    def clean(self):
        cleaned = super().clean()
        low, high = cleaned.get("min_age"), cleaned.get("max_age")
        if low is not None and high is not None and low > high:
            self.add_error("max_age", _("The oldest age must be the same as the youngest age or more."))
        return cleaned

    def filters(self) -> InsightFilters:
        """The filters chosen; a field with a problem counts as not chosen (call after is_valid())."""
        data = getattr(self, "cleaned_data", {})
        year = data.get("year") or current_year()
        return InsightFilters(
            year=year,
            kind=data.get("kind"),
            setting=data.get("setting") or "",
            partner=self.fixed_partner if self.fixed_partner is not None else data.get("partner"),
            area=data.get("area") or "",
            min_age=data.get("min_age"),
            max_age=data.get("max_age"),
            characteristic=data.get("characteristic") or "",
        )

    @classmethod
    def from_query(
        cls, query, *, partner: Partner | None = None
    ) -> tuple["InsightFiltersForm", InsightFilters]:
        """The form bound to the page's query string (unbound when there is none) and the filters it gives."""
        form = cls(query or None, partner=partner)
        if not form.is_bound:
            form.cleaned_data = {}
            return form, InsightFilters(year=current_year(), partner=partner)
        form.is_valid()
        return form, form.filters()


class LearningForm(forms.ModelForm):
    """A change the hub made to its offer and why, linked to an aim and an indicator."""

    class Meta:
        model = Learning
        fields = ["title", "aim", "indicator", "what_we_saw", "what_we_changed", "changed_on"]
        labels = {
            "title": _("What we changed, in a line"),
            "aim": _("Which aim it serves"),
            "indicator": _("The figure that showed us"),
            "what_we_saw": _("What the figures showed"),
            "what_we_changed": _("What we changed, and why"),
            "changed_on": _("When the change was made"),
        }
        help_texts = {
            "title": _("For example: “Moved the Saturday band to a bus route”."),
            "what_we_saw": _("Say what the dashboard showed, in plain words. You can use Markdown."),
            "what_we_changed": _("What is different now, and what you expect to see. You can use Markdown."),
            "changed_on": _("For example 14 3 2026 (day month year)."),
        }
        error_messages = {
            "title": {"required": _("Say in a line what you changed.")},
            "aim": {"required": _("Choose the aim the change serves.")},
            "indicator": {"required": _("Choose the figure that showed you.")},
            "what_we_saw": {"required": _("Say what the figures showed.")},
            "what_we_changed": {"required": _("Say what you changed and why.")},
            "changed_on": {
                "required": _("Enter the date the change was made."),
                "invalid": _("Enter the date as day, month and year, for example 14 3 2026."),
            },
        }
        widgets = {"changed_on": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["aim"].queryset = InclusionAim.objects.order_by("number")
        self.fields["aim"].empty_label = _("Choose an aim")
        self.fields["indicator"].choices = [("", _("Choose a figure")), *self.fields["indicator"].choices[1:]]

    def clean_changed_on(self):
        day = self.cleaned_data["changed_on"]
        if day and day > timezone.localdate():
            raise forms.ValidationError(
                _("The change must have been made already: enter today's date or an earlier one."),
                code="future",
            )
        return day
