"""Forms for the instrument library. They parse and check what was typed; the services decide and save."""

import io
import uuid
from decimal import Decimal

from django import forms
from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps

from musichub.core.forms import catalogue_filter
from musichub.core.models import Instrument
from musichub.offer.models import WholeClassProgramme
from musichub.people.models import School

from .models import LENDABLE_CONDITIONS, AgreementGivenBy, Condition, Location, Size

DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d %m %Y", "%d-%m-%Y"]
PHOTO_MAX_BYTES = 5 * 1024 * 1024
# The formats a photo may be in, and the file extension it is stored with.
PHOTO_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}


def _day(value) -> str:
    return date_format(value, "j F Y")


def date_field(label, *, missing, required=True, hint=""):
    return forms.DateField(
        label=label,
        required=required,
        help_text=hint,
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": missing, "invalid": _("Enter a real date, like 2026-09-14")},
    )


class PoundsField(forms.DecimalField):
    """An amount typed in pounds (120 or 120.50), given to the services in pence (12050)."""

    def __init__(self, *, what, **kwargs):
        super().__init__(
            min_value=0,
            max_digits=8,
            decimal_places=2,
            widget=forms.TextInput(attrs={"inputmode": "decimal"}),
            error_messages={
                "required": _("Enter the %(what)s in pounds, like 120.50") % {"what": what},
                "invalid": _("Enter the %(what)s in pounds, like 120.50") % {"what": what},
                "min_value": _("The %(what)s can’t be less than £0") % {"what": what},
                "max_decimal_places": _("Enter the %(what)s in pounds and pence, like 120.50")
                % {"what": what},
                "max_digits": _("Enter a %(what)s of less than £1,000,000") % {"what": what},
            },
            **kwargs,
        )

    def prepare_value(self, value):
        if isinstance(value, int):
            return f"{value / 100:.2f}"
        return value

    @staticmethod
    def to_pence(value: Decimal | None) -> int | None:
        return None if value is None else int((value * 100).to_integral_value())


def photo_format(upload) -> str:
    """What image format the file really is ("JPEG", "PNG", …), read from its content; "" if not an image."""
    upload.seek(0)
    try:
        with Image.open(upload) as image:
            kind = image.format or ""
            image.verify()
    except Exception:  # noqa: BLE001 -- Pillow raises many kinds of error for a file that is not an image
        return ""
    finally:
        upload.seek(0)
    return kind


def without_metadata(upload, name: str) -> ContentFile:
    """The photo made again from its pixels alone, turned upright first as its EXIF said: no EXIF (where and when
    it was taken, often at a family's home; the camera or phone), no XMP or text chunks, no thumbnail."""
    upload.seek(0)
    with Image.open(upload) as image:
        kind = image.format
        upright = ImageOps.exif_transpose(image)
        if kind == "JPEG" and upright.mode not in ("RGB", "L"):
            upright = upright.convert("RGB")
        out = io.BytesIO()
        upright.save(out, format=kind, **({"quality": 90} if kind in ("JPEG", "WEBP") else {}))
    return ContentFile(out.getvalue(), name=name)


def validate_photo(upload) -> None:
    """A JPEG, PNG or WebP photo of 5 MB at most, checked by what the file is, not by its name."""
    if upload.size > PHOTO_MAX_BYTES:
        raise forms.ValidationError(_("The photo must be 5 MB or smaller."), code="too_big")
    if photo_format(upload) not in PHOTO_FORMATS:
        raise forms.ValidationError(_("The photo must be a JPEG, PNG or WebP image."), code="not_an_image")


# ---- The list ------------------------------------------------------------------------------------------------


class InstrumentFilterForm(forms.Form):
    """The list's filters (a GET form). An unknown value is ignored, never an error page."""

    q = forms.CharField(
        label=_("Asset number"),
        required=False,
        max_length=20,
        help_text=_("The start is enough: VN finds every violin numbered VN-…"),
        widget=forms.TextInput(attrs={"type": "search", "autocapitalize": "characters"}),
    )
    type = catalogue_filter(Instrument, _("Instrument"), _("Any instrument"))
    size = forms.ChoiceField(label=_("Size"), required=False, choices=[("", _("Any size")), *Size.choices])
    condition = forms.ChoiceField(
        label=_("Condition"), required=False, choices=[("", _("Any condition")), *Condition.choices]
    )
    location = forms.ChoiceField(
        label=_("Where it is"), required=False, choices=[("", _("Anywhere")), *Location.choices]
    )
    available = forms.BooleanField(label=_("Only those free to lend now"), required=False)

    @classmethod
    def from_query(cls, query) -> tuple["InstrumentFilterForm", dict]:
        """The form to show again (only the valid choices kept) and those choices."""
        bound = cls(data=query)
        bound.is_valid()
        chosen = {name: value for name, value in bound.cleaned_data.items() if value not in (None, "")}
        if "q" in chosen:
            chosen["q"] = chosen["q"].strip().upper()
            if not chosen["q"]:
                del chosen["q"]
        initial = {name: getattr(value, "slug", value) for name, value in chosen.items()}
        return cls(initial=initial), chosen


class LoanFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Show"),
        required=False,
        choices=[
            ("open", _("Out on loan now")),
            ("agreement", _("Waiting for the family’s agreement")),
            ("overdue", _("Overdue")),
            ("returned", _("Returned")),
        ],
    )

    @classmethod
    def from_query(cls, query) -> tuple["LoanFilterForm", str]:
        bound = cls(data=query)
        status = bound.cleaned_data["status"] if bound.is_valid() and bound.cleaned_data["status"] else "open"
        return cls(initial={"status": status}), status


# ---- Instruments --------------------------------------------------------------------------------------------


class InstrumentForm(forms.Form):
    asset_number = forms.CharField(
        label=_("Asset number"),
        max_length=20,
        help_text=_("The number on the instrument’s label, such as VN-0042."),
        error_messages={"required": _("Enter the asset number from the instrument’s label")},
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "spellcheck": "false"}),
    )
    instrument_type = forms.ModelChoiceField(
        Instrument.objects.order_by("name"),
        label=_("Instrument"),
        empty_label=_("Choose an instrument"),
        error_messages={"required": _("Choose what kind of instrument it is")},
    )
    size = forms.ChoiceField(
        label=_("Size"),
        choices=Size.choices,
        initial=Size.NOT_APPLICABLE,
        help_text=_(
            "For strings and guitars. Choose ‘not applicable’ for instruments that come in one size."
        ),
    )
    make = forms.CharField(label=_("Make and model"), max_length=120, required=False)
    serial_number = forms.CharField(label=_("Serial number"), max_length=60, required=False)
    condition = forms.ChoiceField(label=_("Condition"), choices=Condition.choices, initial=Condition.GOOD)
    value = PoundsField(what=_("value"), label=_("Value (£)"), help_text=_("What it would cost to replace."))
    location_note = forms.CharField(
        label=_("Where exactly"),
        max_length=120,
        required=False,
        help_text=_("For example: store room B, shelf 3. Whether it is in the store, on loan or at the repairer "
                    "follows from its loans and repairs."),
    )  # fmt: skip
    photo = forms.ImageField(
        label=_("Photo"),
        required=False,
        validators=[validate_photo],
        help_text=_("A JPEG, PNG or WebP image of 5 MB at most. Only hub staff see it."),
        error_messages={"invalid_image": _("The photo must be a JPEG, PNG or WebP image.")},
        # A plain file input: the photo lives in private storage, with no address for "Currently: …" to link to.
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    remove_photo = forms.BooleanField(label=_("Remove the photo"), required=False)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def clean_photo(self):
        photo = self.cleaned_data.get("photo")
        if photo and hasattr(photo, "content_type"):
            # Stored under a name of our choosing, with the extension of what the file really is, so the name
            # someone gave it ("photo.html") never decides how it is served; and without its metadata.
            photo = without_metadata(photo, f"{uuid.uuid4().hex}.{PHOTO_FORMATS[photo_format(photo)]}")
        return photo

    @classmethod
    def initial_from(cls, instrument) -> dict:
        return {
            "asset_number": instrument.asset_number,
            "instrument_type": instrument.instrument_type_id,
            "size": instrument.size,
            "make": instrument.make,
            "serial_number": instrument.serial_number,
            "condition": instrument.condition,
            "value": instrument.value_pence,
            "location_note": instrument.location_note,
            "notes": instrument.notes,
        }

    def instrument_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data["value_pence"] = PoundsField.to_pence(data.pop("value"))
        photo, remove = data.pop("photo"), data.pop("remove_photo")
        if photo:
            data["photo"] = photo
        elif remove:
            data["photo"] = ""
        return data


# ---- Lending ------------------------------------------------------------------------------------------------


def _lendable_condition_field(initial):
    return forms.ChoiceField(
        label=_("Condition as it goes out"),
        choices=[(value, label) for value, label in Condition.choices if value in LENDABLE_CONDITIONS],
        initial=initial if initial in LENDABLE_CONDITIONS else Condition.GOOD,
        error_messages={"required": _("Choose the condition it goes out in")},
    )


class YoungPersonSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Young person’s name"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )


class _LoanDatesForm(forms.Form):
    def __init__(self, *args, instrument, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["starts_on"] = date_field(_("Lent on"), missing=_("Enter the date it is lent"))
        self.fields["starts_on"].initial = today
        self.fields["due_on"] = date_field(
            _("Due back"),
            missing=_("Enter the date it is due back"),
            hint=_("Usually the end of the school year."),
        )
        self.fields["due_on"].initial = _end_of_school_year(today)
        self.fields["condition_out"] = _lendable_condition_field(instrument.condition)
        self.fields["notes"] = forms.CharField(
            label=_("Notes"),
            required=False,
            widget=forms.Textarea(attrs={"rows": 2}),
            help_text=_("Accessories lent with it, such as a bow, case, shoulder rest or spare strings."),
        )

    def clean(self):
        cleaned = super().clean()
        starts_on, due_on = cleaned.get("starts_on"), cleaned.get("due_on")
        if starts_on and starts_on > timezone.localdate():
            self.add_error("starts_on", _("A loan starts on the day the instrument is handed over: choose today "
                                          "or an earlier date"))  # fmt: skip
        if starts_on and due_on and due_on < starts_on:
            self.add_error("due_on", _("Choose a due-back date on or after the day it is lent"))
        return cleaned


def _end_of_school_year(today):
    """The next 20 July (the end of the school year in most of England), at least four weeks away."""
    end = today.replace(month=7, day=20)
    if (end - today).days < 28:
        end = end.replace(year=today.year + 1)
    return end


class LendToYoungPersonForm(_LoanDatesForm):
    """Lend to the young person chosen in the previous step (carried in a hidden field, checked again)."""

    def __init__(self, *args, instrument, young_people, support_requests, **kwargs):
        super().__init__(*args, instrument=instrument, **kwargs)
        self.fields["young_person"] = forms.ModelChoiceField(
            young_people,
            widget=forms.HiddenInput,
            error_messages={
                "required": _("Choose who the instrument is lent to"),
                "invalid_choice": _("Choose who the instrument is lent to"),
            },
        )
        self.fields["support_request"] = forms.ModelChoiceField(
            support_requests,
            required=False,
            label=_("Against their support award"),
            empty_label=_("No: not against a support award"),
            help_text=_("Lending against an award marks it as fulfilled."),
        )
        self.fields["support_request"].label_from_instance = lambda request: (
            _("%(kind)s, awarded %(date)s")
            % {"kind": request.kind.name, "date": _day(timezone.localtime(request.decided_at).date())}
        )


class LendToSchoolForm(_LoanDatesForm):
    def __init__(self, *args, instrument, **kwargs):
        super().__init__(*args, instrument=instrument, **kwargs)
        self.fields["school"] = forms.ModelChoiceField(
            School.objects.filter(is_open=True).order_by("name"),
            label=_("School"),
            empty_label=_("Choose a school"),
            error_messages={"required": _("Choose the school it is lent to")},
        )
        self.fields["programme"] = forms.ModelChoiceField(
            WholeClassProgramme.objects.select_related("school").order_by("school__name", "class_name"),
            label=_("Whole-class programme"),
            required=False,
            empty_label=_("None"),
            help_text=_("The class it is for, if it is for a whole-class programme at this school."),
        )
        self.fields["programme"].label_from_instance = lambda programme: (
            f"{programme.school.name}: {programme.class_name} ({programme.get_year_group_display()})"
        )
        self.order_fields(["school", "programme", "starts_on", "due_on", "condition_out", "notes"])

    def clean(self):
        cleaned = super().clean()
        school, programme = cleaned.get("school"), cleaned.get("programme")
        if school and programme and programme.school_id != school.pk:
            self.add_error("programme", _("Choose a programme at this school, or none"))
        return cleaned


class ReturnForm(forms.Form):
    returned_on = date_field(_("Returned on"), missing=_("Enter the date it came back"))
    condition_in = forms.ChoiceField(
        label=_("Condition it came back in"),
        choices=[("", _("Choose a condition")), *Condition.choices],
        error_messages={"required": _("Choose the condition it came back in")},
    )
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Anything missing or damaged: a bow, the case, a broken string."),
    )

    def __init__(self, *args, loan, **kwargs):
        super().__init__(*args, **kwargs)
        self.loan = loan
        self.fields["returned_on"].initial = timezone.localdate()

    def clean_returned_on(self):
        returned_on = self.cleaned_data["returned_on"]
        if returned_on < self.loan.starts_on:
            raise forms.ValidationError(
                _("The return date can’t be before the loan started (%(date)s)")
                % {"date": _day(self.loan.starts_on)},
                code="returned_before_start",
            )
        if returned_on > timezone.localdate():
            raise forms.ValidationError(
                _("The return date can’t be in the future"), code="returned_in_future"
            )
        return returned_on


# ---- Agreements ---------------------------------------------------------------------------------------------


class AcceptAgreementForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I have read the loan agreement and I accept it"),
        error_messages={"required": _("Tick the box to say you accept the loan agreement")},
    )


class PaperAgreementForm(forms.Form):
    given_by = forms.ChoiceField(
        label=_("Who signed it"),
        choices=AgreementGivenBy.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose who signed the agreement")},
    )
    name = forms.CharField(
        label=_("Their name, as signed"),
        max_length=160,
        error_messages={"required": _("Enter the name of the person who signed")},
    )


# ---- Repairs ------------------------------------------------------------------------------------------------


class RepairForm(forms.Form):
    sent_on = date_field(_("Sent on"), missing=_("Enter the date it was sent"))
    repairer = forms.CharField(
        label=_("Repairer"),
        max_length=120,
        error_messages={"required": _("Enter who is repairing it")},
    )
    fault = forms.CharField(
        label=_("What is wrong"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Say what is wrong with it")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sent_on"].initial = timezone.localdate()

    def clean_sent_on(self):
        sent_on = self.cleaned_data["sent_on"]
        if sent_on > timezone.localdate():
            raise forms.ValidationError(
                _("The date it was sent can’t be in the future"), code="sent_in_future"
            )
        return sent_on


class RepairBackForm(forms.Form):
    back_on = date_field(_("Back on"), missing=_("Enter the date it came back"))
    condition = forms.ChoiceField(
        label=_("Condition now"),
        choices=[("", _("Choose a condition")), *Condition.choices],
        error_messages={"required": _("Choose the condition it is in now")},
    )
    cost = PoundsField(
        what=_("cost"), label=_("Cost (£)"), required=False, help_text=_("Leave empty if not known yet.")
    )
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, repair, **kwargs):
        super().__init__(*args, **kwargs)
        self.repair = repair
        self.fields["back_on"].initial = timezone.localdate()

    def clean_back_on(self):
        back_on = self.cleaned_data["back_on"]
        if back_on < self.repair.sent_on:
            raise forms.ValidationError(
                _("The date it came back can’t be before it was sent (%(date)s)")
                % {"date": _day(self.repair.sent_on)},
                code="back_before_sent",
            )
        if back_on > timezone.localdate():
            raise forms.ValidationError(
                _("The date it came back can’t be in the future"), code="back_in_future"
            )
        return back_on

    def repair_fields(self) -> dict:
        return {
            "back_on": self.cleaned_data["back_on"],
            "condition": self.cleaned_data["condition"],
            "cost_pence": PoundsField.to_pence(self.cleaned_data["cost"]),
            "notes": self.cleaned_data["notes"],
        }
