"""Template helpers shared by every app: Markdown, form fields in the GOV.UK error pattern."""

from django import forms, template
from django.utils.safestring import mark_safe

from ..markdown import render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text):
    """Render Markdown written by staff or partners; the output is sanitised by nh3."""
    return mark_safe(render_markdown(text))  # noqa: S308 -- sanitised by render_markdown


def _kind(bound_field) -> str:
    widget = bound_field.field.widget
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, (forms.RadioSelect, forms.CheckboxSelectMultiple)):
        return "choices"
    return "input"


def _target_id(bound_field) -> str:
    """The id an error link should jump to: the first option of a list of choices, else the input."""
    return f"{bound_field.auto_id}_0" if _kind(bound_field) == "choices" else bound_field.auto_id


@register.inclusion_tag("includes/field.html")
def field(bound_field, hint=""):
    """A labelled field with its hint and errors, the widget pointing at both (aria-describedby)."""
    hint = hint or bound_field.help_text
    described_by = []
    if hint:
        described_by.append(f"{bound_field.auto_id}_hint")
    if bound_field.errors:
        described_by.append(f"{bound_field.auto_id}_error")
    attrs = {"aria-describedby": " ".join(described_by)} if described_by else {}
    if bound_field.errors and _kind(bound_field) != "choices":
        attrs["aria-invalid"] = "true"
    return {
        "field": bound_field,
        "hint": hint,
        "kind": _kind(bound_field),
        "widget_html": bound_field.as_widget(attrs=attrs),
    }


@register.inclusion_tag("includes/error_summary.html")
def error_summary(*forms_):
    """The box at the top of a form page that lists every problem and links to its field."""
    items = []
    for form in forms_:
        if form is None or not form.is_bound:
            continue
        items += [{"message": error, "href": ""} for error in form.non_field_errors()]
        for bound_field in form:
            items += [
                {"message": error, "href": f"#{_target_id(bound_field)}"} for error in bound_field.errors
            ]
    return {"items": items}
