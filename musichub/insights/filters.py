"""What a set of insight figures is about: the academic year and the filters (kind of activity, in or out of
school, partner, home area, age, a characteristic of the young people).

`InsightFilters` is the one description of "which figures" shared by the dashboard, the annual return, the
report and the public page. It is immutable, so a set of filters can be passed around and compared safely.
"""

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from musichub.core.models import ActivityKind, Setting
from musichub.partners.models import Partner
from musichub.people.choices import NOT_KNOWN, PREFER_NOT

# The young people a characteristic filter keeps: key -> (label, condition given the path to the young person:
# "" on YoungPerson, "young_person__" on an enrolment).
CHARACTERISTIC_FILTERS: dict[str, tuple[str, Callable[[str], Q]]] = {
    "fsm": (_("Free school meals or Pupil Premium"), lambda p: Q(**{f"{p}fsm": "yes"})),
    "sen_support": (_("SEN support"), lambda p: Q(**{f"{p}send": "sen_support"})),
    "ehcp": (_("Education, health and care plan (EHCP)"), lambda p: Q(**{f"{p}send": "ehcp"})),
    "send": (
        _("Any special educational needs (SEN support or EHCP)"),
        lambda p: Q(**{f"{p}send__in": ["sen_support", "ehcp"]}),
    ),
    "eal": (_("English as an additional language"), lambda p: Q(**{f"{p}eal": "yes"})),
    "care_experienced": (_("Care-experienced"), lambda p: Q(**{f"{p}care_experienced": "yes"})),
    "young_carer": (_("Young carer"), lambda p: Q(**{f"{p}young_carer": "yes"})),
    "disability": (_("Disabled"), lambda p: Q(**{f"{p}disability": "yes"})),
    "global_majority": (
        _("Black, Asian, mixed or other ethnic group"),
        lambda p: (
            ~Q(**{f"{p}ethnicity__startswith": "white"})
            & ~Q(**{f"{p}ethnicity__in": [NOT_KNOWN, PREFER_NOT]})
        ),
    ),
    "deprived_area": (
        _("Lives in one of the city's most deprived areas (deciles 1–2)"),
        lambda p: Q(**{f"{p}imd_decile__lte": 2}),
    ),
}

# How many academic years a trend goes back (this one included), at most.
TREND_YEARS = 5


def academic_year_of(day: date) -> int:
    """The academic year a day falls in, named by the calendar year it starts (2026 for 1 Sep 2026 – 31 Aug
    2027)."""
    return day.year if day.month >= 9 else day.year - 1


def period(year: int) -> tuple[date, date]:
    """The first and last day of academic year `year` (1 September to 31 August, both included)."""
    return date(year, 9, 1), date(year + 1, 8, 31)


def year_label(year: int) -> str:
    """ "2026–27" for academic year 2026."""
    return f"{year}–{str(year + 1)[-2:]}"


def current_year() -> int:
    return academic_year_of(timezone.localdate())


@dataclass(frozen=True)
class InsightFilters:
    """Which figures: an academic year and optional filters. Empty values mean "any"."""

    year: int
    kind: ActivityKind | None = None
    setting: str = ""
    partner: Partner | None = None
    area: str = ""
    min_age: int | None = None
    max_age: int | None = None
    characteristic: str = ""

    @classmethod
    def for_year(cls, year: int) -> "InsightFilters":
        """The whole hub's figures for academic year `year`, with no other filter."""
        return cls(year=year)

    def __post_init__(self):
        if self.setting and self.setting not in Setting.values:
            raise ValueError(f"unknown setting {self.setting!r}")
        if self.characteristic and self.characteristic not in CHARACTERISTIC_FILTERS:
            raise ValueError(f"unknown characteristic {self.characteristic!r}")

    @property
    def first_day(self) -> date:
        return period(self.year)[0]

    @property
    def last_day(self) -> date:
        return period(self.year)[1]

    @property
    def label(self) -> str:
        return year_label(self.year)

    def with_year(self, year: int) -> "InsightFilters":
        return replace(self, year=year)

    @property
    def key(self) -> str:
        """The filters as a short string, for cache keys: one string per set of filters."""
        values = (self.year, getattr(self.kind, "pk", ""), self.setting, getattr(self.partner, "pk", ""))
        values += (self.area, self.min_age, self.max_age, self.characteristic)
        return "|".join("" if value is None else str(value) for value in values)

    @property
    def activity_filtered(self) -> bool:
        """Whether the filters choose among activities (kind, setting, partner)."""
        return self.kind is not None or bool(self.setting) or self.partner is not None

    @property
    def people_filtered(self) -> bool:
        """Whether the filters choose among young people (home area, age, a characteristic)."""
        return (
            bool(self.area)
            or self.min_age is not None
            or self.max_age is not None
            or bool(self.characteristic)
        )

    @property
    def is_filtered(self) -> bool:
        return self.activity_filtered or self.people_filtered

    def described(self) -> list[str]:
        """The filters in words, for the page and the report ("Out of school", "Aged 11 to 16", …)."""
        words = []
        if self.kind is not None:
            words.append(str(self.kind))
        if self.setting:
            words.append(str(Setting(self.setting).label))
        if self.partner is not None:
            words.append(str(_("Run by %(partner)s") % {"partner": self.partner}))
        if self.area:
            words.append(str(_("Living in %(area)s") % {"area": self.area}))
        if self.min_age is not None and self.max_age is not None:
            words.append(str(_("Aged %(low)s to %(high)s") % {"low": self.min_age, "high": self.max_age}))
        elif self.min_age is not None:
            words.append(str(_("Aged %(low)s or over") % {"low": self.min_age}))
        elif self.max_age is not None:
            words.append(str(_("Aged %(high)s or under") % {"high": self.max_age}))
        if self.characteristic:
            words.append(str(CHARACTERISTIC_FILTERS[self.characteristic][0]))
        return words
