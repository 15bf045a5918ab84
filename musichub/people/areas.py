"""Postcodes and the areas they lie in: normalising a postcode, and finding its LSOA, ward and deprivation.

The tables behind it (PostcodeArea, Neighbourhood) are filled by the postcode and deprivation imports
(musichub/people/imports.py, docs/imports.md).
"""

import re

from django.core.exceptions import ValidationError
from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext_lazy as _

from .models import Neighbourhood, PostcodeArea

# A UK postcode without its space: the outward code (area letters, district digit, optional digit or letter)
# then the inward code (sector digit, two unit letters). "GIR 0AA" is Girobank's, the one odd one out.
_POSTCODE = re.compile(r"^(?P<outward>[A-Z]{1,2}[0-9][A-Z0-9]?|GIR)(?P<inward>[0-9][A-Z]{2})$")
_SPACES = re.compile(r"\s+")


def normalise_postcode(text: str) -> str:
    """'so147ly' -> 'SO14 7LY'. Raises ValidationError (code "postcode_shape") when it is not a UK postcode."""
    compact = _SPACES.sub("", text or "").upper()
    match = _POSTCODE.match(compact)
    if match is None:
        raise ValidationError(
            _("Enter a UK postcode, like SO14 7LY."),
            code="postcode_shape",
        )
    return f"{match['outward']} {match['inward']}"


def postcode_district(postcode: str) -> str:
    """The outward code of a normalised postcode: 'SO14 7LY' -> 'SO14'."""
    return postcode.split(" ", 1)[0] if postcode else ""


def area_for_postcode(postcode: str) -> dict:
    """The areas a postcode lies in: {lsoa_code, ward_code, imd_decile, district}.

    A postcode that is not in the imported postcode directory gives its district only (blank codes, decile
    None); a blank postcode gives blanks. Raises ValidationError (code "postcode_shape") for a postcode in
    the wrong shape. One query.
    """
    if not (postcode or "").strip():
        return {"lsoa_code": "", "ward_code": "", "imd_decile": None, "district": ""}
    postcode = normalise_postcode(postcode)
    decile = Neighbourhood.objects.filter(lsoa_code=OuterRef("lsoa_code")).values("imd_decile")[:1]
    found = (
        PostcodeArea.objects.filter(postcode=postcode)
        .annotate(imd_decile=Subquery(decile))
        .values("lsoa_code", "ward_code", "imd_decile")
        .first()
    )
    area = found or {"lsoa_code": "", "ward_code": "", "imd_decile": None}
    return {**area, "district": postcode_district(postcode)}


def coordinates_for_postcode(postcode: str) -> tuple[float, float] | None:
    """(latitude, longitude) of a postcode from the imported postcode directory, or None when it is blank, in
    the wrong shape, not in the directory, or has no location there. One query (none for a blank or
    malformed postcode)."""
    try:
        postcode = normalise_postcode(postcode)
    except ValidationError:
        return None
    found = (
        PostcodeArea.objects.filter(postcode=postcode, latitude__isnull=False, longitude__isnull=False)
        .values_list("latitude", "longitude")
        .first()
    )
    return (found[0], found[1]) if found else None
