"""Puts the hub's identity and the signed-in person's navigation on every page."""

from .navigation import navigation_for, navigation_groups
from .selectors import hub_identity


def hub(request):
    entries = navigation_for(getattr(request, "user", None))
    return {
        "hub": hub_identity(),
        "role_navigation": entries,
        "role_navigation_groups": navigation_groups(entries, getattr(request, "path", "")),
    }
