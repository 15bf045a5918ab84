"""Template helpers of the dashboard: a figure as written (numbers, percentages, "not enough data")."""

from django import template

from ..charts import written

register = template.Library()


@register.filter
def figure(value, unit: str = ""):
    """12 → "12", 12.5 with "%" → "12.5%", None → "not enough data", "fewer than 5" stays as it is."""
    return written(value, unit)


@register.filter
def lookup(mapping, key):
    """mapping[key], or None: for dictionaries keyed by numbers (an aim's charts, its headline figures)."""
    try:
        return mapping[key]
    except (KeyError, TypeError, IndexError):
        return None
