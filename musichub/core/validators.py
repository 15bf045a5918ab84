"""Validators shared by every app's forms."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

PDF_MAX_BYTES = 5 * 1024 * 1024


def validate_pdf(upload) -> None:
    """A PDF of 5 MB at most, checked by its content (the `%PDF-` signature), not by its name."""
    if upload.size > PDF_MAX_BYTES:
        raise ValidationError(_("The file must be 5 MB or smaller."), code="too_big")
    upload.seek(0)
    head = upload.read(1024)
    upload.seek(0)
    # The PDF specification lets the signature start anywhere in the first 1024 bytes.
    if b"%PDF-" not in head:
        raise ValidationError(_("The file must be a PDF."), code="not_pdf")
