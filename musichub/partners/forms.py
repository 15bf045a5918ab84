"""Forms for partners: parse and check what people send, with messages they can act on. Nothing here saves."""

from django import forms
from django.utils.translation import gettext_lazy as _

from musichub.core.forms import catalogue_filter
from musichub.core.models import ActivityKind, Genre, InclusionAim, Instrument, Setting
from musichub.core.validators import validate_pdf

from .models import OrganisationType, Partner, PartnerApplication
from .selectors import REVIEW_FILTER_DEFAULT

ENTER_URL = _("Enter a web address in the correct format, like https://www.example.org")
ENTER_EMAIL = _("Enter an email address in the correct format, like name@example.org")
CHOOSE_FILE_AGAIN = _(
    "Choose the safeguarding policy file again: for your security, browsers do not keep a chosen file "
    "when a page is sent back with problems"
)


class AimChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.title


def _catalogue_field(queryset, label):
    return forms.ModelMultipleChoiceField(
        queryset=queryset, required=False, label=label, widget=forms.CheckboxSelectMultiple
    )


def _settings_field():
    return forms.MultipleChoiceField(
        choices=Setting.choices,
        required=False,
        label=_("Where you offer music-making"),
        widget=forms.CheckboxSelectMultiple,
    )


def _website_field():
    return forms.URLField(
        label=_("Website"),
        required=False,
        max_length=200,
        assume_scheme="https",
        error_messages={"invalid": ENTER_URL},
        widget=forms.URLInput(attrs={"autocomplete": "url"}),
    )


class OfferingFormMixin:
    """Shows the three `offers_*` flags of a partner as one list of settings (checkboxes)."""

    def _initial_settings(self):
        instance = getattr(self, "instance", None)
        if instance is not None and instance.pk and "settings" in self.fields:
            self.fields["settings"].initial = [str(setting) for setting in instance.offered_settings]


class PartnerApplicationForm(forms.Form):
    """The "Becoming a Hub Partner" application form."""

    organisation_name = forms.CharField(
        label=_("Organisation name"),
        max_length=150,
        error_messages={
            "required": _("Enter the organisation's name"),
            "max_length": _("The organisation's name must be 150 characters or fewer"),
        },
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    organisation_type = forms.ChoiceField(
        label=_("Type of organisation"),
        choices=OrganisationType.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose the type of organisation"),
            "invalid_choice": _("Choose the type of organisation"),
        },
    )
    website = _website_field()
    contact_name = forms.CharField(
        label=_("Contact person"),
        max_length=120,
        help_text=_("The person we should talk to about this application."),
        error_messages={"required": _("Enter the name of the contact person")},
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    contact_email = forms.EmailField(
        label=_("Contact email"),
        error_messages={"required": _("Enter the contact person's email address"), "invalid": ENTER_EMAIL},
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
    contact_phone = forms.CharField(
        label=_("Contact phone"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    genres = _catalogue_field(Genre.objects.all(), _("Genres you offer"))
    instruments = _catalogue_field(Instrument.objects.all(), _("Instruments you teach or play"))
    activity_kinds = _catalogue_field(ActivityKind.objects.all(), _("Kinds of activity you run"))
    settings = _settings_field()
    aims = AimChoiceField(
        queryset=InclusionAim.objects.all(),
        label=_("Which of the hub's inclusion aims will you contribute to?"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Choose at least one inclusion aim"),
            "invalid_choice": _("Choose at least one inclusion aim"),
            "invalid_pk_value": _("Choose at least one inclusion aim"),
        },
    )
    aims_contribution = forms.CharField(
        label=_("How will you contribute to these aims?"),
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": _("Tell us how you will contribute to the aims you chose")},
    )
    young_people_reached = forms.CharField(
        label=_("Which young people do you already reach?"),
        help_text=_(
            "For example their ages, where they live, and the groups you work with. Please give no names."
        ),
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": _("Tell us about the young people you already reach")},
    )
    safeguarding_lead_name = forms.CharField(
        label=_("Safeguarding lead's name"),
        max_length=120,
        error_messages={"required": _("Enter the name of your safeguarding lead")},
    )
    safeguarding_lead_email = forms.EmailField(
        label=_("Safeguarding lead's email"),
        error_messages={
            "required": _("Enter your safeguarding lead's email address"),
            "invalid": ENTER_EMAIL,
        },
        widget=forms.EmailInput(attrs={"spellcheck": "false"}),
    )
    safeguarding_policy = forms.FileField(
        label=_("Your safeguarding policy"),
        help_text=_("A PDF file of 5 MB or smaller."),
        validators=[validate_pdf],
        error_messages={
            "required": _("Choose your safeguarding policy (a PDF file)"),
            "empty": _("The chosen file is empty: choose your safeguarding policy (a PDF file)"),
            "invalid": _("Choose your safeguarding policy (a PDF file)"),
        },
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )
    consent_to_contact = forms.BooleanField(
        label=_("The hub may contact me about this application, using the details above"),
        error_messages={"required": _("Confirm that the hub may contact you about your application")},
    )
    # The honeypot: hidden from people (class "honeypot"), filled in by bots that fill every field.
    fax = forms.CharField(
        label=_("Leave this empty"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    HONEYPOT = "fax"

    def is_spam(self) -> bool:
        return bool((self.data.get(self.HONEYPOT) or "").strip())

    def full_clean(self):
        super().full_clean()
        if self.is_bound and self._errors:
            self.ask_for_file_again()

    def ask_for_file_again(self) -> None:
        """A browser never keeps a chosen file: say so when the page comes back for other reasons."""
        if self.files.get("safeguarding_policy") and "safeguarding_policy" not in self._errors:
            self.add_error(
                "safeguarding_policy", forms.ValidationError(CHOOSE_FILE_AGAIN, code="choose_again")
            )

    def application_data(self) -> dict:
        """The cleaned answers as the keyword arguments of `submit_partner_application`."""
        data = dict(self.cleaned_data)
        data.pop(self.HONEYPOT, None)
        return data


class DirectoryFilterForm(forms.Form):
    """The directory's filters (a GET form): an unknown value is ignored, never an error page."""

    organisation_type = forms.ChoiceField(
        label=_("Type of organisation"),
        required=False,
        choices=[("", _("Any type")), *OrganisationType.choices],
    )
    genre = catalogue_filter(Genre, _("Genre"), _("Any genre"))
    instrument = catalogue_filter(Instrument, _("Instrument"), _("Any instrument"))
    activity = catalogue_filter(ActivityKind, _("Kind of activity"), _("Any kind"))
    setting = forms.ChoiceField(
        label=_("Setting"), required=False, choices=[("", _("Anywhere")), *Setting.choices]
    )

    @classmethod
    def from_query(cls, query) -> tuple["DirectoryFilterForm", dict]:
        """Read the filters from the query string; return a form showing the valid ones, and their values."""
        bound = cls(data=query)
        bound.is_valid()
        chosen = {name: value for name, value in bound.cleaned_data.items() if value not in (None, "")}
        initial = {name: getattr(value, "slug", value) for name, value in chosen.items()}
        return cls(initial=initial), chosen


class ReviewFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Show"),
        required=False,
        choices=[
            (REVIEW_FILTER_DEFAULT, _("Awaiting a decision")),
            *PartnerApplication.Status.choices,
            ("all", _("All applications")),
        ],
    )

    @classmethod
    def from_query(cls, query) -> tuple["ReviewFilterForm", str]:
        bound = cls(data=query)
        status = bound.cleaned_data.get("status") if bound.is_valid() else ""
        status = status or REVIEW_FILTER_DEFAULT
        return cls(initial={"status": status}), status


class PartnerSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search by name"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search"}),
    )

    @classmethod
    def from_query(cls, query) -> tuple["PartnerSearchForm", str]:
        bound = cls(data=query)
        search = bound.cleaned_data.get("q", "").strip() if bound.is_valid() else ""
        return cls(initial={"q": search}), search


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("Note"),
        help_text=_("Only hub staff see notes."),
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Enter the note")},
    )


class AskForInformationForm(forms.Form):
    message = forms.CharField(
        label=_("What do you need to know?"),
        help_text=_("This message is emailed to the applicant."),
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Enter what you need to know from the applicant")},
    )


class ApproveForm(forms.Form):
    message = forms.CharField(
        label=_("Message to the applicant"),
        help_text=_("Added to the approval email."),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for declining"),
        help_text=_("This reason is emailed to the applicant."),
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Enter the reason for declining the application")},
    )


class PartnerForm(OfferingFormMixin, forms.ModelForm):
    """A partner's entry, as staff edit it: everything including level and whether it is shown."""

    website = _website_field()
    settings = _settings_field()
    aims = AimChoiceField(
        queryset=InclusionAim.objects.all(),
        required=False,
        label=_("Inclusion aims it contributes to"),
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Partner
        fields = [
            "name", "level", "organisation_type", "is_published", "summary", "description", "role_in_hub",
            "website", "public_email", "genres", "instruments", "activity_kinds", "aims",
        ]  # fmt: skip
        widgets = {
            "level": forms.RadioSelect,
            "organisation_type": forms.Select,
            "summary": forms.Textarea(attrs={"rows": 2}),
            "description": forms.Textarea(attrs={"rows": 8}),
            "role_in_hub": forms.Textarea(attrs={"rows": 4}),
            "genres": forms.CheckboxSelectMultiple,
            "instruments": forms.CheckboxSelectMultiple,
            "activity_kinds": forms.CheckboxSelectMultiple,
        }
        error_messages = {
            "name": {"required": _("Enter the partner's name")},
            "summary": {
                "required": _("Enter a summary for the directory"),
                "max_length": _("The summary must be 300 characters or fewer"),
            },
            "organisation_type": {"required": _("Choose the type of organisation")},
            "level": {"required": _("Choose the partnership level")},
            "public_email": {"invalid": ENTER_EMAIL},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level"].choices = Partner.Level.choices  # no blank choice among the radios
        self._initial_settings()

    def clean_level(self):
        level = self.cleaned_data["level"]
        if level == Partner.Level.LEAD:
            others = Partner.objects.filter(level=Partner.Level.LEAD)
            if self.instance.pk:
                others = others.exclude(pk=self.instance.pk)
            if others.exists():
                raise forms.ValidationError(
                    _(
                        "There is already a lead partner (%(name)s). "
                        "Change its level first, then make this one the lead."
                    )
                    % {"name": others.first().name},
                    code="one_lead",
                )
        return level

    def partner_data(self) -> dict:
        return dict(self.cleaned_data)


class OwnPartnerForm(OfferingFormMixin, forms.ModelForm):
    """The public entry as a partner member edits it: never its level nor whether it is shown."""

    website = _website_field()
    settings = _settings_field()

    class Meta:
        model = Partner
        fields = [
            "summary",
            "description",
            "website",
            "public_email",
            "genres",
            "instruments",
            "activity_kinds",
        ]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 2}),
            "description": forms.Textarea(attrs={"rows": 8}),
            "genres": forms.CheckboxSelectMultiple,
            "instruments": forms.CheckboxSelectMultiple,
            "activity_kinds": forms.CheckboxSelectMultiple,
        }
        error_messages = {
            "summary": {
                "required": _("Enter a summary for the directory"),
                "max_length": _("The summary must be 300 characters or fewer"),
            },
            "public_email": {"invalid": ENTER_EMAIL},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._initial_settings()

    def partner_data(self) -> dict:
        return dict(self.cleaned_data)
