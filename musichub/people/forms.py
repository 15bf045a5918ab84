"""Forms for young people and families: registration steps, details, consent, support. Nothing here saves.

Each sensitive question carries a plain-language "why we ask" hint (its help_text), shown under its label.
"""

from datetime import date

from django import forms
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from musichub.core.models import Genre, Instrument, User

from .areas import normalise_postcode
from .choices import NOT_KNOWN, EducationStatus, Ethnicity, Gender, Send, Sex, YearGroup, YesNo
from .consent_texts import current_texts
from .models import Barrier, Consent, School, SupportKind, SupportRequest
from .selectors import open_schools
from .services import AGE_OF_DIGITAL_CONSENT, age_on, validate_date_of_birth

ENTER_EMAIL = _("Enter an email address in the correct format, like name@example.org")


def _radio(choices, label, hint, required=False):
    return forms.ChoiceField(
        label=label,
        help_text=hint,
        choices=choices,
        required=required,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Choose one of the answers")},
    )


def _checkboxes(queryset, label, hint=""):
    return forms.ModelMultipleChoiceField(
        queryset=queryset,
        label=label,
        help_text=hint,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": _("Choose from the list"),
            "invalid_pk_value": _("Choose from the list"),
        },
    )


class SummaryMixin:
    """What a check-your-answers page shows for a valid form: (label, answer) pairs."""

    summary_skip: tuple[str, ...] = ()

    def summary(self) -> list[tuple[str, str]]:
        rows = []
        for name, field in self.fields.items():
            if name in self.summary_skip:
                continue
            value = self.cleaned_data.get(name)
            rows.append((field.label, self.display(field, value)))
        return rows

    @staticmethod
    def display(field, value) -> str:
        if isinstance(field, forms.ModelMultipleChoiceField):
            return ", ".join(str(item) for item in value) if value else str(_("None chosen"))
        if isinstance(field, forms.ModelChoiceField):
            return str(value) if value else str(_("Not given"))
        if isinstance(field, forms.BooleanField):
            return str(_("Yes")) if value else str(_("No"))
        if isinstance(field, forms.ChoiceField):
            if not value:
                return str(_("Not given"))
            return str(dict(field.choices).get(value, value))
        return str(value) if value else str(_("Not given"))


# ---- Registration steps ----------------------------------------------------------------------------------


class AccountForm(SummaryMixin, forms.Form):
    """Who is signing up: their name, email and a password (checked by Django's password validators)."""

    first_name = forms.CharField(
        label=_("Your first name"),
        max_length=150,
        error_messages={"required": _("Enter your first name")},
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    last_name = forms.CharField(
        label=_("Your last name"),
        max_length=150,
        error_messages={"required": _("Enter your last name")},
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )
    email = forms.EmailField(
        label=_("Your email address"),
        help_text=_("You sign in with it, and we send you news of sessions you sign up for. Nothing else."),
        error_messages={"required": _("Enter your email address"), "invalid": ENTER_EMAIL},
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
    password1 = forms.CharField(
        label=_("Choose a password"),
        help_text=_("At least 10 characters. A few words you will remember make a good one."),
        strip=False,
        error_messages={"required": _("Choose a password")},
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Type the password again"),
        strip=False,
        error_messages={"required": _("Type the password again")},
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    summary_skip = ("password1", "password2")

    def clean_email(self):
        email = self.cleaned_data["email"].strip()
        if User.objects.filter(email__iexact=email).exists():
            raise ValidationError(
                _("An account already uses this email address. Sign in instead, or use another address."),
                code="email_taken",
            )
        return email

    def clean(self):
        data = super().clean()
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords are different: type the same password twice"))
        elif first:
            person = User(
                first_name=data.get("first_name", ""),
                last_name=data.get("last_name", ""),
                email=data.get("email", ""),
            )
            try:
                validate_password(first, user=person)
            except ValidationError as error:
                self.add_error("password1", error)
        return data


class ChildForm(SummaryMixin, forms.Form):
    """Step 1: who the child or young person is, where they learn and roughly where they live."""

    first_name = forms.CharField(
        label=_("First name"), max_length=80, error_messages={"required": _("Enter their first name")}
    )
    last_name = forms.CharField(
        label=_("Last name"), max_length=80, error_messages={"required": _("Enter their last name")}
    )
    preferred_name = forms.CharField(
        label=_("Name they like to be called"),
        max_length=80,
        required=False,
        help_text=_("If it is different from their first name. Music leaders will use it."),
    )
    dob_day = forms.CharField(label=_("Day"), max_length=2, required=False)
    dob_month = forms.CharField(label=_("Month"), max_length=2, required=False)
    dob_year = forms.CharField(label=_("Year"), max_length=4, required=False)
    education_status = forms.ChoiceField(
        label=_("Where do they learn?"),
        choices=EducationStatus.choices,
        initial=EducationStatus.IN_SCHOOL,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose where they learn"),
            "invalid_choice": _("Choose where they learn"),
        },
    )
    school = forms.ModelChoiceField(
        queryset=School.objects.none(),
        label=_("School"),
        required=False,
        to_field_name="urn",
        empty_label=_("Choose their school"),
        help_text=_(
            "If they are at school. So we can bring music into their school and tell the school how many of "
            "its pupils take part (never who)."
        ),
        error_messages={"invalid_choice": _("Choose their school from the list")},
    )
    year_group = forms.ChoiceField(
        label=_("Year group"),
        choices=[("", _("Choose a year group")), *YearGroup.choices],
        required=False,
        help_text=_("So we can offer music-making that suits their age and class."),
        error_messages={"invalid_choice": _("Choose a year group from the list")},
    )
    postcode = forms.CharField(
        label=_("Home postcode"),
        max_length=10,
        required=False,
        help_text=_(
            "Why we ask: to suggest music-making near home, and to check that music reaches every part of the "
            "city. We use it to find the area, not to visit."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "postal-code", "spellcheck": "false"}),
    )

    summary_skip = ("dob_day", "dob_month", "dob_year")
    DATE_PARTS = ("dob_day", "dob_month", "dob_year")
    date_hint = _("For example, 27 3 2016. We ask so we can offer music-making that suits their age.")

    def __init__(self, *args, registering_self: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.registering_self = registering_self
        self.fields["school"].queryset = open_schools()
        for name, size in (("dob_day", 2), ("dob_month", 2), ("dob_year", 4)):
            self.fields[name].widget.attrs.update(
                {
                    "inputmode": "numeric",
                    "class": f"date-input__input date-input__input--{size}",
                    # The hint and any error sit on the group (people/includes/date_of_birth.html).
                    "aria-describedby": "dob-hint",
                }
            )
        self.fields["dob_day"].widget.attrs["autocomplete"] = "bday-day"
        self.fields["dob_month"].widget.attrs["autocomplete"] = "bday-month"
        self.fields["dob_year"].widget.attrs["autocomplete"] = "bday-year"
        if registering_self:
            self.fields["education_status"].label = _("Where do you learn?")

    @classmethod
    def initial_from(cls, young_person) -> dict:
        dob = young_person.date_of_birth
        return {
            "first_name": young_person.first_name,
            "last_name": young_person.last_name,
            "preferred_name": young_person.preferred_name,
            "dob_day": dob.day,
            "dob_month": dob.month,
            "dob_year": dob.year,
            "education_status": young_person.education_status,
            "school": young_person.school.urn if young_person.school else None,
            "year_group": young_person.year_group,
            "postcode": young_person.postcode,
        }

    def date_errors(self) -> list:
        return [error for name in self.DATE_PARTS for error in self.errors.get(name, [])]

    def clean_postcode(self):
        text = self.cleaned_data["postcode"].strip()
        return normalise_postcode(text) if text else ""

    def _clean_date(self, data):
        parts = {name: (data.get(name) or "").strip() for name in self.DATE_PARTS}
        if not any(parts.values()):
            self.add_error("dob_day", ValidationError(_("Enter their date of birth"), code="required"))
            return None
        names = {"dob_day": _("a day"), "dob_month": _("a month"), "dob_year": _("a year")}
        for name, value in parts.items():
            if not value:
                self.add_error(
                    name,
                    ValidationError(
                        _("The date of birth must include %(part)s") % {"part": names[name]},
                        code="incomplete",
                    ),
                )
                return None
        try:
            day, month, year = (int(parts[name]) for name in self.DATE_PARTS)
            if year < 1000:
                raise ValueError
            born = date(year, month, day)
        except ValueError:
            self.add_error(
                "dob_day",
                ValidationError(
                    _("The date of birth must be a real date, like 27 3 2016"), code="invalid_date"
                ),
            )
            return None
        try:
            validate_date_of_birth(born, registering_self=self.registering_self)
        except ValidationError as error:
            self.add_error("dob_day", error)
            return None
        return born

    def clean(self):
        data = super().clean()
        data["date_of_birth"] = self._clean_date(data)
        missing_school = data.get("education_status") == EducationStatus.IN_SCHOOL and not data.get("school")
        if missing_school and "school" not in self.errors:
            self.add_error(
                "school",
                ValidationError(
                    _(
                        "Choose their school from the list. If they are not at school, choose another "
                        "answer to “Where do they learn?”"
                    ),
                    code="school_required",
                ),
            )
        return data

    def summary(self):
        rows = super().summary()
        born = self.cleaned_data.get("date_of_birth")
        rows.insert(3, (str(_("Date of birth")), born.strftime("%d/%m/%Y") if born else ""))
        return rows

    def record_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "first_name": data["first_name"].strip(),
            "last_name": data["last_name"].strip(),
            "preferred_name": data["preferred_name"].strip(),
            "date_of_birth": data["date_of_birth"],
            "education_status": data["education_status"],
            "school": data["school"],
            "year_group": data["year_group"],
            "postcode": data["postcode"],
        }


class MusicForm(SummaryMixin, forms.Form):
    """Step 2: their musical identity, in their words."""

    instruments = _checkboxes(
        Instrument.objects.all(),
        _("Instruments they play"),
        _("Including voice or decks. Leave them all empty if they are just starting."),
    )
    genres = _checkboxes(
        Genre.objects.all(), _("Music they love"), _("So we can offer music-making that fits their taste.")
    )
    next_steps = forms.CharField(
        label=_("What would they like to do next in music?"),
        required=False,
        max_length=2000,
        help_text=_("In their own words: join a band, learn the drums, write songs, perform…"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    access_needs = forms.CharField(
        label=_("Anything that would help them take part?"),
        required=False,
        max_length=2000,
        help_text=_(
            "Why we ask: so sessions can be ready for them, for example step-free access, a quiet space, "
            "or large print. In their own words; only the people running their sessions see it."
        ),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    @classmethod
    def initial_from(cls, young_person) -> dict:
        return {
            "instruments": list(young_person.instruments.all()),
            "genres": list(young_person.genres.all()),
            "next_steps": young_person.next_steps,
            "access_needs": young_person.access_needs,
        }

    def record_fields(self) -> dict:
        return {
            name: self.cleaned_data[name] for name in ("instruments", "genres", "next_steps", "access_needs")
        }


FAIRNESS_WHY = _(
    "Why we ask: the hub checks that music reaches every group of young people in the city, and reports "
    "numbers (never names) to its funder."
)


class AboutForm(SummaryMixin, forms.Form):
    """Step 3 (optional): the characteristics the hub's fairness reports count. Every one can be left."""

    sex = _radio(Sex.choices, _("Sex"), FAIRNESS_WHY)
    gender = _radio(
        Gender.choices,
        _("Gender"),
        _(
            "Why we ask: to check that girls, boys and young people of every gender feel welcome and take part."
        ),
    )
    gender_self_described = forms.CharField(
        label=_("Their gender, in their words"),
        max_length=80,
        required=False,
        help_text=_("Only if you chose “In another way”."),
    )
    ethnicity = forms.ChoiceField(
        label=_("Ethnic group"),
        choices=[("", _("Choose an answer")), *Ethnicity.choices],
        required=False,
        help_text=_(
            "Why we ask: to check that music reaches young people of every background, compared with the "
            "city's schools. These are the groups used in the 2021 Census."
        ),
        error_messages={"invalid_choice": _("Choose an answer from the list")},
    )
    fsm = _radio(
        YesNo.choices,
        _("Do they get free school meals or the Pupil Premium?"),
        _("Why we ask: so cost never stops them, and we can offer free places and bursaries."),
    )
    send = _radio(
        Send.choices,
        _("Special educational needs (SEND)"),
        _("Why we ask: so sessions can be adapted for them, and to check the hub reaches every child."),
    )
    eal = _radio(
        YesNo.choices,
        _("Is English an additional language for them?"),
        _("Why we ask: so we can offer information in other languages and check we reach every community."),
    )
    care_experienced = _radio(
        YesNo.choices,
        _("Are they care-experienced (now or ever looked after by a local authority)?"),
        _("Why we ask: care-experienced young people can get extra support and free places."),
    )
    young_carer = _radio(
        YesNo.choices,
        _("Are they a young carer?"),
        _("Why we ask: young carers can find it hard to get to sessions; we can plan around it."),
    )
    disability = _radio(
        YesNo.choices,
        _("Are they disabled?"),
        _("Why we ask: to make sessions accessible and check disabled young people are reached."),
    )

    CHARACTERISTICS = ("sex", "gender", "ethnicity", "fsm", "send", "eal", "care_experienced", "young_carer",
                       "disability")  # fmt: skip

    @classmethod
    def initial_from(cls, young_person) -> dict:
        initial = {name: getattr(young_person, name) for name in cls.CHARACTERISTICS}
        initial["gender_self_described"] = young_person.gender_self_described
        return initial

    def clean(self):
        data = super().clean()
        if (
            data.get("gender") == Gender.SELF_DESCRIBED
            and not (data.get("gender_self_described") or "").strip()
        ):
            self.add_error(
                "gender_self_described",
                ValidationError(
                    _("Describe their gender in their words, or choose another answer"), code="describe"
                ),
            )
        return data

    def record_fields(self) -> dict:
        fields = {name: self.cleaned_data.get(name) or NOT_KNOWN for name in self.CHARACTERISTICS}
        fields["gender_self_described"] = (self.cleaned_data.get("gender_self_described") or "").strip()
        return fields


class BarriersForm(SummaryMixin, forms.Form):
    """Step 4: what could stop them taking part, and the support they would like."""

    barriers = _checkboxes(
        Barrier.objects.all(),
        _("Is anything making it hard to take part?"),
        _("Why we ask: so we can remove what stops young people taking part. Choose all that apply."),
    )
    barrier_note = forms.CharField(
        label=_("Anything you would like to add about it?"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    support = _checkboxes(
        SupportKind.objects.all(),
        _("Would any of this support help?"),
        _("The hub team looks at every request and lets you know. Asking never stops them taking part."),
    )
    support_reason = forms.CharField(
        label=_("Why would it help?"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def record_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "barriers": list(data["barriers"]),
            "barrier_note": data["barrier_note"].strip(),
            "support": list(data["support"]),
            "support_reason": data["support_reason"].strip(),
        }


class ConsentForm(SummaryMixin, forms.Form):
    """Step 5: three separate consents, with today's wording. Data processing is needed to register.

    mode "guardian" (a parent online), "self" (a young person of 13+ online) or "staff" (on someone's behalf:
    records how consent was obtained and who gave it).
    """

    METHODS = [
        (Consent.Method.PAPER, Consent.Method.PAPER.label),
        (Consent.Method.PHONE, Consent.Method.PHONE.label),
        (Consent.Method.IN_PERSON, Consent.Method.IN_PERSON.label),
    ]

    def __init__(self, *args, mode: str = "guardian", date_of_birth: date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.mode = mode
        self.date_of_birth = date_of_birth
        self.texts = current_texts()
        for text in self.texts:
            self.fields[f"consent_{text.purpose}"] = forms.BooleanField(
                label=_("Yes, I agree: %(title)s") % {"title": text.title},
                help_text=text.wording,
                required=text.required,
                error_messages={
                    "required": _(
                        "To register, agree to the hub keeping and using the details. Without it the hub "
                        "cannot run music-making for them."
                    )
                },
            )
        if mode == "staff":
            self.fields["given_by"] = forms.ChoiceField(
                label=_("Who gave consent?"),
                choices=Consent.GivenBy.choices,
                widget=forms.RadioSelect,
                help_text=_("For a child under 13, their parent or guardian."),
                error_messages={"required": _("Choose who gave consent")},
            )
            self.fields["given_by_name"] = forms.CharField(
                label=_("Name of the person who gave consent"),
                max_length=160,
                error_messages={"required": _("Enter the name of the person who gave consent")},
            )
            self.fields["method"] = forms.ChoiceField(
                label=_("How was consent given?"),
                choices=self.METHODS,
                widget=forms.RadioSelect,
                error_messages={"required": _("Choose how consent was given")},
            )

    def clean(self):
        data = super().clean()
        if (
            self.mode == "staff"
            and self.date_of_birth is not None
            and data.get("given_by") == Consent.GivenBy.YOUNG_PERSON
            and age_on(self.date_of_birth, timezone.localdate()) < AGE_OF_DIGITAL_CONSENT
        ):
            self.add_error(
                "given_by",
                ValidationError(
                    _(
                        "This child is under 13, so consent must come from their parent or guardian. Record "
                        "the guardian's consent, or do not register them yet."
                    ),
                    code="guardian_consent_required",
                ),
            )
        return data

    def consents(self, *, given_by: str = "", given_by_name: str = "", method: str = Consent.Method.ONLINE):
        """The ticked consents as (purpose, given_by, given_by_name, method) for register_young_person."""
        if self.mode == "staff":
            given_by = self.cleaned_data["given_by"]
            given_by_name = self.cleaned_data["given_by_name"].strip()
            method = self.cleaned_data["method"]
        return [
            (text.purpose, given_by, given_by_name, method)
            for text in self.texts
            if self.cleaned_data.get(f"consent_{text.purpose}")
        ]

    def summary(self):
        rows = [(str(text.title), self.display(self.fields[f"consent_{text.purpose}"],
                                               self.cleaned_data.get(f"consent_{text.purpose}")))
                for text in self.texts]  # fmt: skip
        if self.mode == "staff":
            for name in ("given_by", "given_by_name", "method"):
                rows.append(
                    (self.fields[name].label, self.display(self.fields[name], self.cleaned_data.get(name)))
                )
        return rows


# ---- Editing a record ------------------------------------------------------------------------------------


class DetailsForm(ChildForm, MusicForm, AboutForm):
    """A young person's details as a guardian or staff edit them (the first three registration steps)."""

    @classmethod
    def initial_from(cls, young_person) -> dict:
        return {
            **ChildForm.initial_from(young_person),
            **MusicForm.initial_from(young_person),
            **AboutForm.initial_from(young_person),
        }

    def record_fields(self) -> dict:
        return {
            **ChildForm.record_fields(self),
            **MusicForm.record_fields(self),
            **AboutForm.record_fields(self),
        }


# ---- Families, support, staff tools --------------------------------------------------------------------


class InviteGuardianForm(forms.Form):
    first_name = forms.CharField(
        label=_("Their first name"), max_length=150, error_messages={"required": _("Enter their first name")}
    )
    last_name = forms.CharField(
        label=_("Their last name"), max_length=150, error_messages={"required": _("Enter their last name")}
    )
    email = forms.EmailField(
        label=_("Their email address"),
        help_text=_("We email them a link to choose a password. They will see the same children as you."),
        error_messages={"required": _("Enter their email address"), "invalid": ENTER_EMAIL},
        widget=forms.EmailInput(attrs={"spellcheck": "false"}),
    )
    relationship = forms.CharField(
        label=_("Their relationship to the children"),
        max_length=60,
        required=False,
        help_text=_("For example: mum, dad, grandparent, foster carer."),
    )


class SupportRequestForm(forms.Form):
    kind = forms.ModelChoiceField(
        SupportKind.objects.all(),
        label=_("Support"),
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the support"), "invalid_choice": _("Choose the support")},
    )
    reason = forms.CharField(
        label=_("Why would it help?"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class SupportDecisionForm(forms.Form):
    award = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[("yes", _("Award")), ("no", _("Do not award"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose award or do not award")},
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=2000,
        help_text=_("Why: seen by hub staff, and by the family when support is not awarded."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class SupportFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Show"),
        required=False,
        choices=[*SupportRequest.Status.choices, ("all", _("All requests"))],
    )

    @classmethod
    def from_query(cls, query) -> tuple["SupportFilterForm", str]:
        bound = cls(data=query)
        status = bound.cleaned_data.get("status") if bound.is_valid() else ""
        status = status or SupportRequest.Status.REQUESTED
        return cls(initial={"status": status}), status


class YoungPeopleFilterForm(forms.Form):
    """The staff list's search (a GET form): an unknown value is ignored, never an error page."""

    q = forms.CharField(
        label=_("Search by name"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    school = forms.ModelChoiceField(
        School.objects.none(),
        label=_("School"),
        required=False,
        to_field_name="urn",
        empty_label=_("Any school"),
    )
    year = forms.ChoiceField(
        label=_("Year group"), required=False, choices=[("", _("Any year")), *YearGroup.choices]
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = School.objects.order_by("name")

    @classmethod
    def from_query(cls, query) -> tuple["YoungPeopleFilterForm", dict]:
        bound = cls(data=query)
        bound.is_valid()
        chosen = {name: value for name, value in bound.cleaned_data.items() if value not in (None, "")}
        if "q" in chosen:
            chosen["q"] = chosen["q"].strip()
        initial = {name: getattr(value, "urn", value) for name, value in chosen.items()}
        return cls(initial=initial), chosen


class SchoolChoiceForm(forms.Form):
    school = forms.ModelChoiceField(
        School.objects.none(),
        label=_("School"),
        required=False,
        to_field_name="urn",
        empty_label=_("Choose a school"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = School.objects.order_by("name")

    @classmethod
    def from_query(cls, query) -> tuple["SchoolChoiceForm", School | None]:
        bound = cls(data=query)
        school = bound.cleaned_data.get("school") if bound.is_valid() else None
        return cls(initial={"school": school.urn if school else None}), school
