"""Puts the hub's identity and the signed-in person's navigation on every page."""

from .navigation import navigation_for
from .selectors import hub_identity


def hub(request):
    return {"hub": hub_identity(), "role_navigation": navigation_for(getattr(request, "user", None))}
