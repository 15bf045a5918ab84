"""Forms for keeping young people in and for school work: follow-ups, messages to families, whole-class
programmes and their pupil lists, and the filters of those pages. They parse and check; nothing here saves."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from musichub.core.models import Instrument, Setting
from musichub.partners.models import Partner
from musichub.people.choices import YearGroup
from musichub.people.models import School, YoungPerson

from .forms_manage import _date_field
from .models import DropOutReason, FollowUp, Message, Opportunity, WholeClassProgramme
from .wholeclass import academic_year_label, academic_year_of

YES_NO = [("yes", _("Yes")), ("no", _("No, not yet"))]


# ---- Drop-outs ---------------------------------------------------------------------------------------------


class FollowUpForm(forms.Form):
    contacted = forms.ChoiceField(
        label=_("Did you reach them or their family?"),
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={"required": _("Say whether you reached them")},
    )
    reason = forms.ModelChoiceField(
        label=_("Why did they stop coming?"),
        queryset=DropOutReason.objects.none(),
        required=False,
        empty_label=_("Not known, or they did not say"),
        help_text=_("Reasons are counted (never named) so the hub can see what stops young people coming."),
    )
    outcome = forms.ChoiceField(
        label=_("What happens next?"),
        choices=FollowUp.Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose what happens next")},
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What was said, and anything the next person should know. Keep it factual."),
        error_messages={"max_length": _("Keep the note under 2,000 characters")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        reasons = DropOutReason.objects.order_by("name")
        self.fields["reason"].queryset = reasons
        # With an empty catalogue there is nothing to choose: the reason is left out, never required.
        self.has_reasons = reasons.exists()
        if not self.has_reasons:
            del self.fields["reason"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("contacted") == "no" and cleaned.get("outcome") not in (
            None,
            FollowUp.Outcome.NO_REPLY,
        ):
            self.add_error(
                "outcome", _("If you have not reached them yet, choose “No reply yet”, and try again later")
            )
        return cleaned

    def follow_up_data(self) -> dict:
        return {
            "contacted": self.cleaned_data["contacted"] == "yes",
            "reason": self.cleaned_data.get("reason"),
            "outcome": self.cleaned_data["outcome"],
            "note": self.cleaned_data["note"],
        }


class AcademicYearForm(forms.Form):
    """Choose an academic year (1 September – 31 August); unknown values fall back to the current one."""

    year = forms.TypedChoiceField(label=_("Academic year"), coerce=int, choices=())

    def __init__(self, *args, years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y, academic_year_label(y)) for y in years]

    @classmethod
    def from_query(cls, query, *, years) -> tuple["AcademicYearForm", int]:
        years = list(years) or [academic_year_of(timezone.localdate())]
        form = cls(query, years=years)
        year = form.cleaned_data["year"] if form.is_valid() else academic_year_of(timezone.localdate())
        if year not in years:
            year = years[0]
        return cls(initial={"year": year}, years=years), year


# ---- Messages --------------------------------------------------------------------------------------------------


class MessageForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What is it about?"),
        choices=Message.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose what the message is about")},
    )
    subject = forms.CharField(
        label=_("Subject"),
        max_length=150,
        error_messages={
            "required": _("Enter a subject"),
            "max_length": _("Keep the subject under 150 characters"),
        },
    )
    body = forms.CharField(
        label=_("Message"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Plain text. Say what has changed, when, and what families should do."),
        error_messages={
            "required": _("Write the message"),
            "max_length": _("Keep the message under 5,000 characters"),
        },
    )

    def clean_subject(self):
        return " ".join(self.cleaned_data["subject"].split())

    def clean_body(self):
        body = self.cleaned_data["body"].strip()
        if not body:
            raise forms.ValidationError(_("Write the message"))
        return body


# ---- Whole-class programmes ------------------------------------------------------------------------------------


class ProgrammeForm(forms.ModelForm):
    """A whole-class programme. Staff choose the partner; a partner member records their own partner's."""

    partner = forms.ModelChoiceField(
        queryset=Partner.objects.order_by("name"),
        label=_("Delivered by"),
        error_messages={"required": _("Choose the partner that teaches it")},
    )
    starts_on = _date_field(_("First session"), missing=_("Enter the date of the first session"))
    ends_on = _date_field(_("Last session"), missing=_("Enter the date of the last session"))

    class Meta:
        model = WholeClassProgramme
        fields = [
            "school", "year_group", "class_name", "pupils", "instruments", "weeks_delivered", "opportunity",
            "next_steps",
        ]  # fmt: skip
        widgets = {
            "instruments": forms.CheckboxSelectMultiple,
            "pupils": forms.NumberInput(attrs={"inputmode": "numeric", "min": 1, "max": 60}),
            "weeks_delivered": forms.NumberInput(attrs={"inputmode": "numeric", "min": 0, "max": 52}),
            "next_steps": forms.Textarea(attrs={"rows": 4}),
        }
        labels = {"opportunity": _("Its sessions on the platform")}
        help_texts = {
            "class_name": _("As the school calls it, for example 4B or Oak class."),
            "pupils": _("How many pupils are in the class."),
            "weeks_delivered": _("Weeks taught so far. Update it as the programme goes on."),
            "opportunity": _(
                "If its sessions are an in-school opportunity on the platform, choose it: registers are then "
                "taken there."
            ),
            "next_steps": _(
                "What pupils can do next: a band, lessons, a holiday course. The school's contact sees this."
            ),
        }
        error_messages = {
            "school": {"required": _("Choose the school")},
            "year_group": {"required": _("Choose the year group")},
            "class_name": {"required": _("Enter the class")},
            "pupils": {
                "required": _("Enter the number of pupils"),
                "invalid": _("Enter the number of pupils as a whole number, like 28"),
                "max_value": _("A class has at most 60 pupils: check the number"),
            },
            "instruments": {"required": _("Choose at least one instrument")},
            "weeks_delivered": {"invalid": _("Enter the weeks taught as a whole number, like 6")},
        }

    def __init__(self, *args, partner=None, **kwargs):
        """`partner`: the partner a member records for (no partner field); None for staff, who choose."""
        super().__init__(*args, **kwargs)
        self.fixed_partner = partner
        if partner is not None:
            del self.fields["partner"]
        elif self.instance.pk:
            self.fields["partner"].initial = self.instance.partner_id
        self.fields["school"].queryset = School.objects.filter(is_open=True).order_by("name")
        self.fields["school"].empty_label = _("Choose a school")
        self.fields["year_group"].choices = [("", _("Choose a year group"))] + YearGroup.choices
        self.fields["instruments"].queryset = Instrument.objects.order_by("name")
        self.fields["instruments"].required = True
        opportunities = Opportunity.objects.filter(setting=Setting.IN_SCHOOL).filter(
            whole_class_programme__isnull=True
        )
        if self.instance.pk and self.instance.opportunity_id:
            opportunities = opportunities | Opportunity.objects.filter(pk=self.instance.opportunity_id)
        if partner is not None:
            opportunities = opportunities.filter(partner=partner)
        self.fields["opportunity"].queryset = opportunities.order_by("title")
        self.fields["opportunity"].empty_label = _("None: registers are not taken on the platform")
        self.fields["pupils"].min_value = 1
        self.fields["pupils"].validators.append(_at_least_one)
        if self.instance.pk:
            self.fields["starts_on"].initial = self.instance.starts_on
            self.fields["ends_on"].initial = self.instance.ends_on

    def clean(self):
        cleaned = super().clean()
        starts_on, ends_on = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts_on and ends_on:
            if ends_on < starts_on:
                self.add_error("ends_on", _("The last session must be on or after the first"))
            weeks = cleaned.get("weeks_delivered")
            most = (ends_on - starts_on).days // 7 + 1
            if weeks is not None and ends_on >= starts_on and weeks > most:
                self.add_error(
                    "weeks_delivered",
                    _("Between those dates there are at most %(most)s weeks: check the weeks taught")
                    % {"most": most},
                )
        opportunity, school = cleaned.get("opportunity"), cleaned.get("school")
        partner = self.chosen_partner
        if opportunity is not None:
            if school is not None and not opportunity.schools.filter(pk=school.pk).exists():
                self.add_error("opportunity", _("Choose sessions that run at this school, or none"))
            elif partner is not None and opportunity.partner_id != partner.pk:
                self.add_error(
                    "opportunity", _("Choose sessions run by the partner that teaches it, or none")
                )
        return cleaned

    @property
    def chosen_partner(self):
        return self.fixed_partner or self.cleaned_data.get("partner")

    def programme_data(self) -> dict:
        data = {name: self.cleaned_data[name] for name in self.Meta.fields if name != "instruments"}
        data["starts_on"] = self.cleaned_data["starts_on"]
        data["ends_on"] = self.cleaned_data["ends_on"]
        data["partner"] = self.chosen_partner
        data["instruments"] = list(self.cleaned_data["instruments"])
        return data


def _at_least_one(value):
    if value is not None and value < 1:
        raise forms.ValidationError(_("A class has at least one pupil"))


class PupilChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.first_name} {obj.last_name}"


class PupilListForm(forms.Form):
    pupils = PupilChoiceField(
        label=_("Pupils in the class"),
        queryset=YoungPerson.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pupils"].queryset = choices


class ProgrammeFilterForm(forms.Form):
    """The list's filters. Unknown values fall back to "all"."""

    school = forms.ModelChoiceField(
        label=_("School"), queryset=School.objects.none(), required=False, empty_label=_("Any school")
    )
    year = forms.TypedChoiceField(label=_("Academic year"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args, schools, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools
        self.fields["year"].choices = [("", _("Any year"))] + [(y, academic_year_label(y)) for y in years]

    @classmethod
    def from_query(cls, query, *, schools, years):
        form = cls(query, schools=schools, years=years)
        if form.is_valid():
            return form, {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
        return cls(schools=schools, years=years), {}
