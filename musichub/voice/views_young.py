"""Young people's youth voice pages: saying something, their own posts and what happened to them, supporting
ideas, polls and their musician profile; leaders posting for a group; guardians approving an under-13."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from musichub.core.permissions import STAFF, requires, role_of
from musichub.people.selectors import children_of

from . import selectors, services
from .forms import ApproveChildForm, GroupSayForm, PollAnswerForm, ProfileForm, SayForm
from .models import MusicianProfile, Poll, Post, VoiceApproval
from .rules import AgeBand, age_band, check_may_take_part, name_choices
from .views_public import page_of

# ---- Saying something -------------------------------------------------------------------------------------------


@requires("voice.post")
def say(request):
    young_person = services.young_person_of(request.user)
    try:
        check_may_take_part(young_person)
    except ValidationError as error:
        return render(request, "voice/young/cannot_post.html", {"reason": error.messages[0]})
    form = SayForm(
        request.POST or None, young_person=young_person, name_choices=name_choices(age_band(young_person))
    )
    if request.method == "POST" and form.is_valid():
        try:
            post = services.say_something(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("Thanks! A moderator will check your post before anyone else sees it.")
            )
            return redirect("voice:my_post", pk=post.pk)
    return render(
        request,
        "voice/young/say.html",
        {"form": form, "under_13": age_band(young_person) == AgeBand.UNDER_13},
        status=400 if form.errors else 200,
    )


@requires("voice.post_for_group")
def say_for_group(request):
    form = GroupSayForm(request.POST or None, user=request.user, is_staff=role_of(request.user) in STAFF)
    if request.method == "POST" and form.is_valid():
        try:
            post = services.say_for_group(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Thanks! A moderator will check the post before it is published."))
            return redirect("voice:my_post", pk=post.pk)
    return render(request, "voice/young/say_group.html", {"form": form}, status=400 if form.errors else 200)


@requires("voice.view_own_posts")
def mine(request):
    return render(
        request,
        "voice/young/mine.html",
        {
            "page": page_of(request, selectors.posts_of(request.user)),
            "can_post": request.user.role == "young_person",
        },
    )


@requires("voice.view_own_posts")
def my_post(request, pk):
    post = get_object_or_404(selectors.posts_of(request.user), pk=pk)
    return render(request, "voice/young/my_post.html", {"post": post})


@requires("voice.endorse")
@require_POST
def endorse(request, pk):
    post = get_object_or_404(Post, pk=pk, moderation=Post.Moderation.PUBLISHED)
    try:
        services.endorse(post=post, user=request.user)
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
    else:
        messages.success(request, _("You support this idea."))
    return redirect("voice:post", pk=post.pk)


# ---- Polls --------------------------------------------------------------------------------------------------------


@requires("voice.answer_polls")
def polls(request):
    page = page_of(request, selectors.open_polls())
    answered = selectors.answered_poll_ids(request.user, page.object_list)
    return render(request, "voice/young/polls.html", {"page": page, "answered": answered})


@requires("voice.answer_polls")
def poll(request, pk):
    poll = get_object_or_404(Poll.objects.exclude(status=Poll.Status.DRAFT), pk=pk)
    answered = poll.answers.filter(user=request.user).exists()
    form = PollAnswerForm(request.POST or None, poll=poll)
    if request.method == "POST" and form.is_valid():
        try:
            services.answer_poll(poll=poll, option=form.cleaned_data["option"], user=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Thanks for answering. Here is what everyone said so far."))
            return redirect("voice:poll", pk=poll.pk)
    results, total = selectors.poll_results(poll) if answered else (None, None)
    return render(
        request,
        "voice/young/poll.html",
        {
            "poll": poll,
            "form": form,
            "answered": answered,
            "is_open": services.poll_is_open(poll),
            "results": results,
            "total": total,
        },
        status=400 if form.errors else 200,
    )


# ---- Identity -------------------------------------------------------------------------------------------------------


@requires("voice.edit_profile")
def profile(request):
    young_person = services.young_person_of(request.user)
    if young_person is None:
        return render(
            request,
            "voice/young/cannot_post.html",
            {
                "reason": _(
                    "Your account is not linked to a young person's record yet. Ask the hub team to link it."
                )
            },
        )
    existing = MusicianProfile.objects.filter(young_person=young_person).first()
    initial = {
        "pronouns_visible_to": MusicianProfile.Visibility.ME,
        "music_visible_to": MusicianProfile.Visibility.LEADERS,
        "next_steps_visible_to": MusicianProfile.Visibility.LEADERS,
    }
    if existing:
        initial.update(
            {
                name: getattr(existing, name)
                for name in ProfileForm.base_fields
                if name not in ("instruments", "genres")
            }
        )
        initial["instruments"] = list(existing.instruments.values_list("pk", flat=True))
        initial["genres"] = list(existing.genres.values_list("pk", flat=True))
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_profile(young_person=young_person, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your profile is saved."))
            return redirect("voice:profile")
    return render(request, "voice/young/profile.html", {"form": form}, status=400 if form.errors else 200)


# ---- A guardian's approval for an under-13 ---------------------------------------------------------------------------


@requires("voice.approve_child")
def family(request):
    children = list(children_of(request.user).select_related("user"))
    approved = set(
        VoiceApproval.objects.filter(young_person__in=children, withdrawn_at__isnull=True).values_list(
            "young_person_id", flat=True
        )
    )
    today = timezone.localdate()
    rows = [
        {
            "child": child,
            "under_13": age_band(child, today) == AgeBand.UNDER_13,
            "approved": child.pk in approved,
        }
        for child in children
    ]
    return render(request, "voice/young/family.html", {"rows": rows})


def _own_child(request, pk):
    return get_object_or_404(children_of(request.user).select_related("user"), pk=pk)


@requires("voice.approve_child")
def approve(request, pk):
    child = _own_child(request, pk)
    form = ApproveChildForm(request.POST or None, needs_account=child.user_id is None)
    if request.method == "POST" and form.is_valid():
        try:
            services.approve_child_voice(
                guardian=request.user,
                young_person=child,
                username=form.cleaned_data.get("username", ""),
                password=form.cleaned_data.get("password", ""),
                email=form.cleaned_data.get("email", ""),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("%(name)s can now have their say.") % {"name": child.first_name})
            return redirect("voice:family")
    return render(
        request,
        "voice/young/approve.html",
        {"child": child, "form": form},
        status=400 if form.errors else 200,
    )


@requires("voice.approve_child")
@require_POST
def withdraw_approval(request, pk):
    child = _own_child(request, pk)
    try:
        services.withdraw_child_voice(guardian=request.user, young_person=child)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("%(name)s can no longer post.") % {"name": child.first_name})
    return redirect("voice:family")


urlpatterns = [
    path("voice/say/", say, name="say"),
    path("voice/say/group/", say_for_group, name="say_for_group"),
    path("voice/mine/", mine, name="mine"),
    path("voice/mine/<int:pk>/", my_post, name="my_post"),
    path("voice/<int:pk>/support/", endorse, name="endorse"),
    path("voice/polls/", polls, name="polls"),
    path("voice/polls/<int:pk>/", poll, name="poll"),
    path("voice/profile/", profile, name="profile"),
    path("voice/family/", family, name="family"),
    path("voice/family/<int:pk>/approve/", approve, name="approve"),
    path("voice/family/<int:pk>/withdraw/", withdraw_approval, name="withdraw_approval"),
]
