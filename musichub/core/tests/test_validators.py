import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from musichub.core.validators import PDF_MAX_BYTES, validate_pdf


def test_a_pdf_is_accepted_whatever_its_name():
    validate_pdf(SimpleUploadedFile("policy.docx", b"%PDF-1.7\n...", content_type="application/msword"))


def test_a_file_named_pdf_that_is_not_one_is_refused():
    with pytest.raises(ValidationError) as error:
        validate_pdf(
            SimpleUploadedFile("policy.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
        )
    assert error.value.code == "not_pdf"


def test_a_pdf_over_5_mb_is_refused():
    with pytest.raises(ValidationError) as error:
        validate_pdf(SimpleUploadedFile("big.pdf", b"%PDF-1.4" + b"0" * PDF_MAX_BYTES))
    assert error.value.code == "too_big"
