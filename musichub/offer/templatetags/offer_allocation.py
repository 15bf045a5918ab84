"""Template tags for fair allocation: the priority rules in use, for an opportunity's public page."""

from django import template

from musichub.offer.allocation import active_priority_rules

register = template.Library()


@register.simple_tag
def published_priority_rules():
    """The rules that count in an allocation now, highest points first."""
    return list(active_priority_rules())
