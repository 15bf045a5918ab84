"""The public site (home, about, inclusion, news) and staff editing of its texts and news."""

from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from musichub.core.permissions import can, public, requires
from musichub.core.selectors import content_block, inclusion_aims
from musichub.partners.selectors import lead_partner

from .forms import NewsPostForm, PageTextForm
from .models import PAGE_TEXT_HINTS, NewsPost, PageText
from .selectors import (
    aims_in_brief,
    news_for_management,
    news_visible_to,
    page_texts,
    published_news,
    published_partner_counts,
)
from .services import (
    create_news_post,
    save_content_block,
    unpublish_news_post,
    update_news_post,
)

PER_PAGE = 20
LATEST_NEWS_ON_HOME = 3
# Where "Find music-making" leads: the opportunity finder.
FIND_MUSIC_MAKING_URL = "offer:finder"


@public
@require_safe
def home(request):
    return render(
        request,
        "pages/home.html",
        {
            "intro": content_block(PageText.HOME),
            "lead_partner": lead_partner(),
            "aims": aims_in_brief(),
            "latest_news": published_news()[:LATEST_NEWS_ON_HOME],
            "find_music_making_url": FIND_MUSIC_MAKING_URL,
        },
    )


@public
@require_safe
def about(request):
    counts, total = published_partner_counts()
    return render(
        request,
        "pages/about.html",
        {
            "text": content_block(PageText.ABOUT),
            "lead_partner": lead_partner(),
            "partner_counts": counts,
            "partner_total": total,
        },
    )


@public
@require_safe
def inclusion(request):
    return render(
        request,
        "pages/inclusion.html",
        {"text": content_block(PageText.INCLUSION), "aims": inclusion_aims()},
    )


@public
@require_safe
def news(request):
    page = Paginator(published_news(), PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "pages/news.html", {"page": page})


@public
@require_safe
def news_detail(request, slug):
    post = get_object_or_404(news_visible_to(request.user), slug=slug)
    can_edit = can(request.user, "pages.edit_content")
    return render(request, "pages/news_detail.html", {"post": post, "can_edit": can_edit})


# ---- Staff: page texts and news --------------------------------------------------------------------------


@requires("pages.edit_content")
@require_safe
def manage(request):
    page = Paginator(news_for_management(), PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "pages/manage.html", {"texts": page_texts(), "page": page})


@requires("pages.edit_content")
def edit_block(request, key):
    try:
        text = PageText(key)
    except ValueError:
        raise Http404("No such page text") from None
    block = content_block(text.value)
    initial = {"title": block.title, "body": block.body} if block else {}
    form = PageTextForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            save_content_block(key=text.value, edited_by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _add_service_error(form, exc)
        else:
            messages.success(request, _("“%(label)s” is saved.") % {"label": text.label})
            return redirect("pages:manage")
    return render(
        request,
        "pages/edit_block.html",
        {"form": form, "text": text, "hint": PAGE_TEXT_HINTS[text], "block": block},
    )


@requires("pages.edit_content")
def news_create(request):
    form = NewsPostForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            post = create_news_post(
                title=form.cleaned_data["title"],
                summary=form.cleaned_data["summary"],
                body=form.cleaned_data["body"],
                publish=form.publish,
                author=request.user,
            )
        except ValidationError as exc:
            _add_service_error(form, exc)
        else:
            if post.is_published:
                messages.success(request, _("“%(title)s” is published.") % {"title": post.title})
            else:
                messages.success(request, _("“%(title)s” is saved as a draft.") % {"title": post.title})
            return redirect("pages:manage")
    return render(request, "pages/news_form.html", {"form": form, "post": None})


@requires("pages.edit_content")
def news_edit(request, pk):
    post = get_object_or_404(NewsPost, pk=pk)
    form = NewsPostForm(request.POST or None, initial=NewsPostForm.initial_for(post))
    if request.method == "POST" and form.is_valid():
        try:
            post = update_news_post(
                post=post,
                title=form.cleaned_data["title"],
                summary=form.cleaned_data["summary"],
                body=form.cleaned_data["body"],
                publish=form.publish,
                edited_by=request.user,
            )
        except ValidationError as exc:
            _add_service_error(form, exc)
        else:
            if post.is_published:
                messages.success(request, _("“%(title)s” is saved and published.") % {"title": post.title})
            else:
                messages.success(request, _("“%(title)s” is saved as a draft.") % {"title": post.title})
            return redirect("pages:manage")
    return render(request, "pages/news_form.html", {"form": form, "post": post})


@requires("pages.edit_content")
@require_POST
def news_unpublish(request, pk):
    post = get_object_or_404(NewsPost, pk=pk)
    try:
        unpublish_news_post(post=post, unpublished_by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("“%(title)s” is taken down. It is a draft again, seen only by staff.") % {"title": post.title},
        )
    return redirect("pages:manage")


def _add_service_error(form, exc: ValidationError) -> None:
    """Show a service's error on the form: on its field when the form has one, else at the top."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for name, errors in exc.error_dict.items():
        form.add_error(name if name in form.fields else NON_FIELD_ERRORS, errors)
