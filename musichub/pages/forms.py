"""Forms for staff writing the site's texts and news. They check input; services save it."""

from django import forms
from django.utils.translation import gettext_lazy as _

from musichub.core.models import ContentBlock

from .models import NewsPost

MARKDOWN_HINT = _(
    "Markdown: **bold**, _italic_, [link text](https://…), a line starting with “- ” for a list, "
    "“## ” for a heading. Leave an empty line between paragraphs."
)


def _max_length(model, name: str) -> int:
    return model._meta.get_field(name).max_length


class PageTextForm(forms.Form):
    title = forms.CharField(
        label=_("Title"),
        max_length=_max_length(ContentBlock, "title"),
        error_messages={
            "required": _("Enter a title"),
            "max_length": _("Title must be %(limit_value)d characters or fewer"),
        },
    )
    body = forms.CharField(
        label=_("Text"),
        help_text=MARKDOWN_HINT,
        widget=forms.Textarea(attrs={"rows": 16}),
        error_messages={"required": _("Enter the text")},
    )


class NewsPostForm(forms.Form):
    PUBLISH = "publish"
    DRAFT = "draft"

    title = forms.CharField(
        label=_("Title"),
        max_length=_max_length(NewsPost, "title"),
        error_messages={
            "required": _("Enter a title"),
            "max_length": _("Title must be %(limit_value)d characters or fewer"),
        },
    )
    summary = forms.CharField(
        label=_("Summary"),
        max_length=_max_length(NewsPost, "summary"),
        help_text=_("One or two sentences, shown in the news list and on the home page."),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": _("Enter a summary"),
            "max_length": _("Summary must be %(limit_value)d characters or fewer"),
        },
    )
    body = forms.CharField(
        label=_("Text"),
        help_text=MARKDOWN_HINT,
        widget=forms.Textarea(attrs={"rows": 16}),
        error_messages={"required": _("Enter the text of the post")},
    )
    publication = forms.ChoiceField(
        label=_("Who can read it"),
        choices=[
            (PUBLISH, _("Published: everyone can read it now")),
            (DRAFT, _("Draft: only hub staff can see it")),
        ],
        initial=DRAFT,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose whether to publish the post or keep it as a draft"),
            "invalid_choice": _("Choose whether to publish the post or keep it as a draft"),
        },
    )

    @classmethod
    def initial_for(cls, post: NewsPost) -> dict:
        return {
            "title": post.title,
            "summary": post.summary,
            "body": post.body,
            "publication": cls.PUBLISH if post.is_published else cls.DRAFT,
        }

    @property
    def publish(self) -> bool:
        return self.cleaned_data["publication"] == self.PUBLISH
