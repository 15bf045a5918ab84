"""The form staff use to upload a file to import. It checks the choices; the import checks the file."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import ImportRun

# A whole GIAS file for England is about 60 MB; the ONS postcode directory's file for one area is smaller.
IMPORT_MAX_BYTES = 100 * 1024 * 1024


class ImportUploadForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What the file holds"),
        choices=ImportRun.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose what the file holds"),
            "invalid_choice": _("Choose what the file holds"),
        },
    )
    file = forms.FileField(
        label=_("The CSV file"),
        help_text=_(
            "A CSV file as published (docs/imports.md lists the columns of each kind), 100 MB at most."
        ),
        error_messages={
            "required": _("Choose the CSV file to import"),
            "empty": _("The chosen file is empty: choose the CSV file to import"),
            "invalid": _("Choose the CSV file to import"),
        },
    )
    la = forms.RegexField(
        label=_("Local authority code (schools only)"),
        help_text=_(
            "Keep only the schools of this local authority, e.g. 852. Leave blank to keep every school."
        ),
        regex=r"^\s*[0-9]{3}\s*$",
        required=False,
        error_messages={
            "invalid": _("Enter the local authority's 3-digit code, like 852, or leave it blank")
        },
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    as_of = forms.DateField(
        label=_("Figures as of (population only)"),
        help_text=_("The date the pupil numbers describe, e.g. the January school census day."),
        required=False,
        error_messages={"invalid": _("Enter the date as of which the figures hold, like 2025-01-16")},
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > IMPORT_MAX_BYTES:
            raise forms.ValidationError(_("The file must be 100 MB or smaller."), code="too_big")
        return upload

    def clean(self):
        data = super().clean()
        if (
            data.get("kind") == ImportRun.Kind.POPULATION
            and not data.get("as_of")
            and "as_of" not in self.errors
        ):
            self.add_error(
                "as_of",
                forms.ValidationError(
                    _("Enter the date as of which the population figures hold"), code="as_of_required"
                ),
            )
        return data

    def import_options(self) -> dict:
        """The options of the chosen kind of import (the others are ignored)."""
        kind = self.cleaned_data["kind"]
        if kind == ImportRun.Kind.SCHOOLS:
            return {"la": (self.cleaned_data.get("la") or "").strip() or None}
        if kind == ImportRun.Kind.POPULATION:
            return {"as_of": self.cleaned_data["as_of"]}
        return {}
