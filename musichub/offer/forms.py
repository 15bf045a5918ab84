"""The public finder's form: read a search from the query string. A bad value means "any", never an error page."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from musichub.core.forms import catalogue_filter
from musichub.core.models import ActivityKind, Genre, Instrument, Setting
from musichub.people.areas import normalise_postcode, postcode_district
from musichub.people.models import PostcodeArea

from .models import Venue
from .selectors import Near

# A postcode district on its own ("SO14", "SO1", "SW1A"): the outward code of a UK postcode.
_DISTRICT = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?$")

WEEKDAYS = [
    ("0", _("Monday")),
    ("1", _("Tuesday")),
    ("2", _("Wednesday")),
    ("3", _("Thursday")),
    ("4", _("Friday")),
    ("5", _("Saturday")),
    ("6", _("Sunday")),
]
TIMES_OF_DAY = [
    ("morning", _("Morning (before 12pm)")),
    ("afternoon", _("Afternoon (12pm to 5pm)")),
    ("evening", _("Evening (from 5pm)")),
    ("weekend", _("At the weekend")),
]
COSTS = [
    ("free", _("Free only")),
    ("free_fsm", _("Free, or free with free school meals")),
]
DISTANCES = [
    ("1", _("1 mile")),
    ("2", _("2 miles")),
    ("3", _("3 miles")),
    ("5", _("5 miles")),
    ("10", _("10 miles")),
]
DEFAULT_MILES = 3
ACCESS_CHOICES = [
    (name, Venue._meta.get_field(name).verbose_name.capitalize()) for name in Venue.ACCESS_FIELDS
]


def district_from(text: str) -> str:
    """'so14' -> 'SO14'; 'so14 7ly' -> 'SO14'. Raises ValidationError (code "postcode_shape") otherwise."""
    compact = re.sub(r"\s+", "", text or "").upper()
    if _DISTRICT.match(compact):
        return compact
    return postcode_district(normalise_postcode(text))


class FinderForm(forms.Form):
    """The finder's filters. Field names are the query-string parameters, a public contract for shared links."""

    q = forms.CharField(
        label=_("Search"), required=False, max_length=100, help_text=_("For example: steel pan.")
    )
    genre = catalogue_filter(Genre, _("Genre"), _("Any genre"))
    instrument = catalogue_filter(Instrument, _("Instrument"), _("Any instrument"))
    kind = catalogue_filter(ActivityKind, _("Kind of activity"), _("Any kind"))
    age = forms.IntegerField(
        label=_("Age"),
        required=False,
        min_value=0,
        max_value=25,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    day = forms.ChoiceField(label=_("Day"), required=False, choices=[("", _("Any day")), *WEEKDAYS])
    time = forms.ChoiceField(label=_("Time"), required=False, choices=[("", _("Any time")), *TIMES_OF_DAY])
    cost = forms.ChoiceField(label=_("Cost"), required=False, choices=[("", _("Any cost")), *COSTS])
    setting = forms.ChoiceField(
        label=_("Where"), required=False, choices=[("", _("Anywhere")), *Setting.choices]
    )
    area = forms.CharField(
        label=_("Area"),
        required=False,
        help_text=_("A postcode, or its first part, like SO14."),
        widget=forms.TextInput(attrs={"autocomplete": "postal-code"}),
    )
    within = forms.TypedChoiceField(
        label=_("Within"),
        required=False,
        choices=DISTANCES,
        coerce=int,
        empty_value=None,
        initial=str(DEFAULT_MILES),
        help_text=_(
            "Of a full postcode. Distances are to venues, so in-school and online activities are not included."
        ),
    )
    beginner = forms.BooleanField(label=_("Beginners welcome"), required=False)
    instrument_provided = forms.BooleanField(label=_("Instrument provided"), required=False)
    access = forms.MultipleChoiceField(
        label=_("Access at the venue"),
        required=False,
        choices=ACCESS_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Show only places with all of these."),
    )

    def clean_area(self):
        """A district ('SO14') to filter by; for a full postcode with a known location, a Near (the distance
        search, its radius set in clean()). One query for a full postcode, two when it is not found."""
        text = self.cleaned_data.get("area", "").strip()
        if not text:
            return ""
        district = district_from(text)  # raises for a malformed postcode
        compact = re.sub(r"\s+", "", text).upper()
        if _DISTRICT.match(compact):
            return district
        postcode = normalise_postcode(text)
        found = PostcodeArea.objects.filter(postcode=postcode).values_list("latitude", "longitude").first()
        if found and None not in found:
            return Near(postcode=postcode, latitude=found[0], longitude=found[1], miles=DEFAULT_MILES)
        # Not in the postcode directory (probably mistyped), or without a location there. Before the directory
        # is imported there is nothing to check against, so the district is used as it is.
        if found or PostcodeArea.objects.exists():
            raise ValidationError(
                _(
                    "We could not find %(postcode)s. Check it, or search by the first part, like %(district)s."
                ),
                code="postcode_unknown",
                params={"postcode": postcode, "district": district},
            )
        return district

    def clean(self):
        cleaned = super().clean()
        area = cleaned.get("area")
        if isinstance(area, Near):
            cleaned["area"] = Near(
                postcode=area.postcode,
                latitude=area.latitude,
                longitude=area.longitude,
                miles=cleaned.get("within") or DEFAULT_MILES,
            )
        # Part of the area filter, or meaningless without a full postcode; kept to show it chosen.
        self.within_chosen = cleaned.pop("within", None)
        return cleaned

    @classmethod
    def from_query(cls, query) -> tuple["FinderForm", dict]:
        """Read the filters from the query string.

        Returns a form to show (the valid values chosen, an area the search could not use kept as typed with
        its message beside it) and the filters to apply: {name: value} for each valid, non-empty filter.
        """
        bound = cls(data=query)
        bound.is_valid()
        chosen = {
            name: value
            for name, value in bound.cleaned_data.items()
            if value not in (None, "", False, []) and name in bound.fields
        }
        initial = {name: getattr(value, "slug", value) for name, value in chosen.items()}
        if getattr(bound, "within_chosen", None):
            initial["within"] = str(bound.within_chosen)
        if isinstance(near := chosen.get("area"), Near):
            initial.update(area=near.postcode, within=str(near.miles))
        area_errors = bound.errors.get("area")
        if area_errors:
            initial["area"] = query.get("area", "")[:20]
        shown = cls(initial=initial)
        if area_errors:
            shown.errors  # noqa: B018 -- creates the (empty) error dict of an unbound form
            shown.cleaned_data = {}
            for error in area_errors:
                shown.add_error("area", error)
        return shown, chosen
