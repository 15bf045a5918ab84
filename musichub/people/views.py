"""Pages for young people's records: registration, the family area, a young person's own page, staff lists,
records, duplicates and merging, the support queue, and school figures.

Whose records a page may show is decided by selectors.young_people_visible_to (through the selectors here):
a record outside a person's scope is a 404, never a 403 that would confirm it exists. Every showing of a
record is written to the audit log.
"""

import logging
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from musichub.core.permissions import STAFF, can, public, requires, role_of
from musichub.core.ratelimit import client_key, over_limit
from musichub.core.roles import Role
from musichub.core.services import record_audit

from . import selectors
from .choices import ConsentPurpose
from .consent_texts import consent_text, current_texts
from .forms import (
    AboutForm,
    AccountForm,
    BarriersForm,
    ChildForm,
    ConsentForm,
    DetailsForm,
    InviteGuardianForm,
    MusicForm,
    SchoolChoiceForm,
    SupportDecisionForm,
    SupportFilterForm,
    SupportRequestForm,
    YoungPeopleFilterForm,
)
from .models import Consent, SupportRequest, YoungPerson
from .services import (
    create_account,
    create_family_for_guardian,
    decide_support_request,
    give_consent,
    hash_password,
    invite_second_guardian,
    merge_young_people,
    register_young_person,
    request_support,
    update_young_person,
    withdraw_consent,
)

logger = logging.getLogger(__name__)

PER_PAGE = 20
# Spam protection for the public registration: ten accounts an hour from one connection.
REGISTRATION_LIMIT = 10
REGISTRATION_PERIOD_SECONDS = 60 * 60
SESSION_PREFIX = "people.registration."


def _page(request, items):
    return Paginator(items, PER_PAGE).get_page(request.GET.get("page"))


# ---- Registration: a few short steps, answers kept in the session between them (no JavaScript needed) ------


@dataclass(frozen=True)
class Flow:
    key: str
    url_name: str
    steps: tuple[str, ...]
    registered_by: str
    consent_mode: str
    title: str


FLOWS = {
    "guardian_new": Flow(
        "guardian_new",
        "people:register",
        ("account", "child", "music", "about", "barriers", "consents", "check"),
        YoungPerson.RegisteredBy.GUARDIAN,
        "guardian",
        _lazy("Register your child"),
    ),
    "guardian_child": Flow(
        "guardian_child",
        "people:add_child",
        ("child", "music", "about", "barriers", "consents", "check"),
        YoungPerson.RegisteredBy.GUARDIAN,
        "guardian",
        _lazy("Add a child"),
    ),
    "self": Flow(
        "self",
        "people:register_self",
        ("child", "account", "music", "about", "barriers", "consents", "check"),
        YoungPerson.RegisteredBy.SELF,
        "self",
        _lazy("Register yourself"),
    ),
    "staff": Flow(
        "staff",
        "people:staff_register",
        ("child", "music", "about", "barriers", "consents", "check"),
        YoungPerson.RegisteredBy.STAFF,
        "staff",
        _lazy("Register a young person"),
    ),
}

STEP_TITLES = {
    "account": _lazy("Your account"),
    "child": _lazy("About the child"),
    "music": _lazy("Their music"),
    "about": _lazy("About them (optional)"),
    "barriers": _lazy("What might get in the way"),
    "consents": _lazy("Consent"),
    "check": _lazy("Check your answers"),
}
SELF_STEP_TITLES = {
    "child": _lazy("About you"),
    "music": _lazy("Your music"),
    "about": _lazy("About you (optional)"),
}
STEP_FORMS = {
    "account": AccountForm,
    "child": ChildForm,
    "music": MusicForm,
    "about": AboutForm,
    "barriers": BarriersForm,
    "consents": ConsentForm,
}


class Wizard:
    """One registration in progress: which steps are answered, and their answers as they were typed."""

    def __init__(self, request, flow: Flow):
        self.request, self.flow = request, flow
        self.session_key = SESSION_PREFIX + flow.key
        self.state = request.session.get(self.session_key, {})

    @property
    def form_steps(self):
        return [step for step in self.flow.steps if step != "check"]

    def first_missing(self) -> str:
        return next((step for step in self.form_steps if step not in self.state), "check")

    def title(self, step: str):
        if self.flow.key == "self" and step in SELF_STEP_TITLES:
            return SELF_STEP_TITLES[step]
        return STEP_TITLES[step]

    def url(self, step: str) -> str:
        return f"{reverse(self.flow.url_name)}?step={step}"

    def save(self, step: str, data: dict) -> None:
        self.state[step] = data
        self.request.session[self.session_key] = self.state

    def clear(self) -> None:
        self.request.session.pop(self.session_key, None)

    def date_of_birth(self):
        child = self.form("child", self.stored("child"))
        return child.cleaned_data.get("date_of_birth") if child.is_valid() else None

    def stored(self, step: str):
        if step not in self.state:
            return None
        data = QueryDict(mutable=True)
        for name, values in self.state[step].items():
            data.setlist(name, values)
        return data

    def form(self, step: str, data=None, initial=None):
        kwargs = {"data": data, "initial": initial}
        if step == "child":
            kwargs["registering_self"] = self.flow.key == "self"
        if step == "consents":
            kwargs["mode"] = self.flow.consent_mode
            kwargs["date_of_birth"] = self.date_of_birth()
        return STEP_FORMS[step](**kwargs)


def _registration(request, flow: Flow):
    wizard = Wizard(request, flow)
    steps = flow.steps
    requested = request.POST.get("step") or request.GET.get("step") or ""
    missing = wizard.first_missing()
    step = requested if requested in steps else missing
    if steps.index(step) > steps.index(missing):
        step = missing  # no skipping ahead: every earlier step must be answered first
    if step == "check":
        return _check_answers(request, wizard)
    if step == "account":
        form = _account_step(request, wizard)
    elif request.method == "POST":
        form = wizard.form(step, data=request.POST)
        if form.is_valid():
            wizard.save(step, {name: request.POST.getlist(name) for name in form.fields})
            return redirect(wizard.url(_next_step(wizard, step)))
    else:
        form = wizard.form(step, data=wizard.stored(step))
    if not hasattr(form, "fields"):
        return form  # the account step answered with a redirect
    index = steps.index(step)
    return render(
        request,
        "people/register/step.html",
        {
            "flow": flow,
            "wizard": wizard,
            "step": step,
            "step_title": wizard.title(step),
            "step_number": index + 1,
            "step_count": len(steps),
            "back_url": wizard.url(steps[index - 1]) if index else None,
            "form": form,
            "consent_texts": current_texts(),
        },
    )


def _next_step(wizard: Wizard, step: str) -> str:
    missing = wizard.first_missing()
    return missing


def _account_step(request, wizard: Wizard):
    """The account step keeps a hash of the password between steps, never the password itself."""
    if request.method == "POST":
        form = AccountForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            wizard.save(
                "account",
                {
                    "first_name": [data["first_name"].strip()],
                    "last_name": [data["last_name"].strip()],
                    "email": [data["email"]],
                    "password_hash": [hash_password(data["password1"])],
                },
            )
            return redirect(wizard.url(_next_step(wizard, "account")))
        return form
    saved = wizard.state.get("account", {})
    return AccountForm(initial={name: values[0] for name, values in saved.items() if name != "password_hash"})


def _account_data(wizard: Wizard) -> dict:
    return {name: values[0] for name, values in wizard.state["account"].items()}


def _check_answers(request, wizard: Wizard):
    forms = {}
    for step in wizard.form_steps:
        if step == "account":
            continue
        form = wizard.form(step, data=wizard.stored(step))
        if not form.is_valid():
            # Something changed since (a school closed, a child turned 13): show that step with the problem.
            return redirect(wizard.url(step))
        forms[step] = form
    errors = []
    if request.method == "POST":
        try:
            return _complete_registration(request, wizard, forms)
        except ValidationError as error:
            errors = error.messages
    sections = [
        {
            "step": step,
            "title": wizard.title(step),
            "rows": forms[step].summary() if step in forms else _account_summary(wizard),
            "change_url": wizard.url(step),
        }
        for step in wizard.form_steps
    ]
    return render(
        request,
        "people/register/check.html",
        {"flow": wizard.flow, "wizard": wizard, "sections": sections, "errors": errors,
         "step_number": len(wizard.flow.steps), "step_count": len(wizard.flow.steps)},
    )  # fmt: skip


def _account_summary(wizard: Wizard):
    data = _account_data(wizard)
    return [
        (_("Name"), f"{data['first_name']} {data['last_name']}"),
        (_("Email address"), data["email"]),
    ]


def _complete_registration(request, wizard: Wizard, forms: dict):
    flow = wizard.flow
    if flow.key in ("guardian_new", "self") and over_limit(
        scope="people-registration",
        key=client_key(request),
        limit=REGISTRATION_LIMIT,
        period_seconds=REGISTRATION_PERIOD_SECONDS,
    ):
        logger.warning("registration refused: rate limit reached")
        raise ValidationError(
            _("Too many registrations have come from your connection in the last hour. Try again later.")
        )
    fields = {
        **forms["child"].record_fields(),
        **forms["music"].record_fields(),
        **forms["about"].record_fields(),
        **forms["barriers"].record_fields(),
    }
    consent_form = forms["consents"]
    with transaction.atomic():
        if flow.key == "guardian_new":
            account = _account_data(wizard)
            user = create_account(role=Role.GUARDIAN, **account)
            young_person = _register_for_guardian(user, fields, consent_form, flow)
        elif flow.key == "guardian_child":
            user = request.user
            young_person = _register_for_guardian(user, fields, consent_form, flow)
        elif flow.key == "self":
            account = _account_data(wizard)
            user = create_account(role=Role.YOUNG_PERSON, **account)
            young_person = register_young_person(
                registered_by_user=user,
                registered_by=flow.registered_by,
                consents=consent_form.consents(
                    given_by=Consent.GivenBy.YOUNG_PERSON,
                    given_by_name=f"{fields['first_name']} {fields['last_name']}",
                ),
                user=user,
                **fields,
            )
        else:
            young_person = register_young_person(
                registered_by_user=request.user,
                registered_by=flow.registered_by,
                consents=consent_form.consents(),
                **fields,
            )
    wizard.clear()
    if flow.key == "staff":
        messages.success(request, _("The young person is registered."))
        return redirect("people:detail", pk=young_person.pk)
    if flow.key in ("guardian_new", "self"):
        login(request, user, backend="musichub.core.backends.UsernameOrEmailBackend")
    if flow.key == "self":
        messages.success(request, _("You are registered. Welcome to the hub!"))
        return redirect("people:me")
    messages.success(request, _("%(name)s is registered.") % {"name": young_person.display_name})
    return redirect("people:child", pk=young_person.pk)


def _register_for_guardian(user, fields, consent_form, flow) -> YoungPerson:
    family = create_family_for_guardian(guardian=user)
    return register_young_person(
        registered_by_user=user,
        registered_by=flow.registered_by,
        family=family,
        consents=consent_form.consents(
            given_by=Consent.GivenBy.GUARDIAN, given_by_name=user.get_full_name() or user.username
        ),
        **fields,
    )


def _signed_in_elsewhere(request):
    """Someone signed in opens a sign-up page: a guardian adds a child; anyone else is told what to do."""
    if role_of(request.user) == Role.GUARDIAN:
        return redirect("people:add_child")
    return render(request, "people/register/signed_in.html")


@public
def register(request):
    if request.user.is_authenticated:
        return _signed_in_elsewhere(request)
    return _registration(request, FLOWS["guardian_new"])


@public
def register_self(request):
    if request.user.is_authenticated:
        return _signed_in_elsewhere(request)
    return _registration(request, FLOWS["self"])


@requires("people.manage_family")
def add_child(request):
    return _registration(request, FLOWS["guardian_child"])


@requires("people.manage_young_people")
def staff_register(request):
    return _registration(request, FLOWS["staff"])


# ---- The family area -----------------------------------------------------------------------------------


def _child(request, pk) -> YoungPerson:
    """One of the signed-in guardian's children, else 404."""
    return get_object_or_404(selectors.young_person_records(request.user), pk=pk)


@requires("people.manage_family")
def family(request):
    children = list(selectors.children_of(request.user))
    household = selectors.family_of(request.user)
    return render(
        request,
        "people/family.html",
        {
            "children": children,
            "guardians": list(selectors.guardians_of(household)),
            "purposes": ConsentPurpose.choices,
        },
    )


def _consent_rows(young_person):
    active = {c.purpose: c for c in young_person.consents.all() if c.withdrawn_at is None}
    rows = []
    for text in current_texts():
        rows.append({"text": text, "consent": active.get(text.purpose)})
    return rows


@requires("people.manage_family")
def child(request, pk):
    young_person = _child(request, pk)
    record_audit(actor=request.user, action="young_person.viewed", obj=young_person, detail="family page")
    return render(
        request,
        "people/child.html",
        {
            "young_person": young_person,
            "consent_rows": _consent_rows(young_person),
            "support_form": SupportRequestForm(),
        },
    )


@requires("people.manage_family")
def child_edit(request, pk):
    young_person = _child(request, pk)
    form = DetailsForm(request.POST or None, initial=DetailsForm.initial_from(young_person))
    if request.method == "POST" and form.is_valid():
        try:
            update_young_person(young_person=young_person, updated_by=request.user, **form.record_fields())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The details are saved."))
            return redirect("people:child", pk=young_person.pk)
    return render(request, "people/details_form.html", {"form": form, "young_person": young_person,
                                                        "cancel_url": reverse("people:child", args=[pk])})  # fmt: skip


def _purpose(purpose: str) -> str:
    if purpose not in ConsentPurpose.values:
        raise Http404
    return purpose


@requires("people.manage_family")
@require_POST
def withdraw_consent_view(request, pk, purpose):
    young_person = _child(request, pk)
    try:
        withdraw_consent(young_person=young_person, purpose=_purpose(purpose), withdrawn_by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Consent withdrawn: %(what)s. This applies straight away.")
            % {"what": consent_text(purpose).title},
        )
    return redirect("people:child", pk=young_person.pk)


@requires("people.manage_family")
@require_POST
def give_consent_view(request, pk, purpose):
    young_person = _child(request, pk)
    try:
        give_consent(
            young_person=young_person,
            purpose=_purpose(purpose),
            given_by=Consent.GivenBy.GUARDIAN,
            given_by_user=request.user,
            given_by_name=request.user.get_full_name() or request.user.username,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Consent given: %(what)s.") % {"what": consent_text(purpose).title})
    return redirect("people:child", pk=young_person.pk)


@requires("people.manage_family")
@require_POST
def child_support(request, pk):
    young_person = _child(request, pk)
    form = SupportRequestForm(request.POST)
    if form.is_valid():
        try:
            request_support(young_person=young_person, requested_by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your request is sent. The hub team will let you know."))
            return redirect("people:child", pk=young_person.pk)
    record_audit(actor=request.user, action="young_person.viewed", obj=young_person, detail="family page")
    return render(
        request,
        "people/child.html",
        {"young_person": young_person, "consent_rows": _consent_rows(young_person), "support_form": form},
    )


@requires("people.manage_family")
def invite_guardian(request):
    form = InviteGuardianForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        household = create_family_for_guardian(guardian=request.user)
        try:
            invite_second_guardian(family=household, invited_by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("%(name)s is added to your family. If they are new here, we have emailed them a link to "
                  "choose a password.") % {"name": form.cleaned_data["first_name"]},
            )  # fmt: skip
            return redirect("people:family")
    return render(request, "people/invite_guardian.html", {"form": form})


# ---- A young person's own page -------------------------------------------------------------------------


@requires("people.view_own_record")
def me(request):
    young_person = selectors.own_record(request.user)
    if young_person is not None:
        record_audit(actor=request.user, action="young_person.viewed", obj=young_person, detail="own page")
    return render(
        request,
        "people/me.html",
        {
            "young_person": young_person,
            "consent_rows": _consent_rows(young_person) if young_person else [],
        },
    )


# ---- Staff --------------------------------------------------------------------------------------------


@requires("people.view_young_people")
def young_people_list(request):
    filter_form, chosen = YoungPeopleFilterForm.from_query(request.GET)
    people = selectors.young_people_list(
        request.user,
        search=chosen.get("q", ""),
        school=chosen.get("school"),
        year_group=chosen.get("year", ""),
    )
    return render(
        request,
        "people/list.html",
        {
            "page": _page(request, people),
            "filter_form": filter_form,
            "filtered": bool(chosen),
            "can_manage": role_of(request.user) in STAFF,
        },
    )


def _record(request, pk) -> YoungPerson:
    return get_object_or_404(selectors.young_person_records(request.user), pk=pk)


@requires("people.view_young_people")
def detail(request, pk):
    young_person = _record(request, pk)
    record_audit(actor=request.user, action="young_person.viewed", obj=young_person)
    is_staff = role_of(request.user) in STAFF
    return render(
        request,
        "people/detail.html",
        {
            "young_person": young_person,
            "consent_rows": _consent_rows(young_person),
            "consent_history": list(young_person.consents.all()),
            "can_manage": is_staff,
            "can_export": can(request.user, "people.subject_access"),
            "can_erase": can(request.user, "people.erase"),
            "duplicate_count": selectors.possible_duplicates(young_person).count() if is_staff else 0,
        },
    )


@requires("people.manage_young_people")
def edit(request, pk):
    young_person = _record(request, pk)
    form = DetailsForm(request.POST or None, initial=DetailsForm.initial_from(young_person))
    if request.method == "POST" and form.is_valid():
        try:
            update_young_person(young_person=young_person, updated_by=request.user, **form.record_fields())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The record is saved."))
            return redirect("people:detail", pk=young_person.pk)
    return render(request, "people/details_form.html", {"form": form, "young_person": young_person,
                                                        "cancel_url": reverse("people:detail", args=[pk])})  # fmt: skip


@requires("people.manage_young_people")
def duplicates(request, pk):
    young_person = _record(request, pk)
    record_audit(actor=request.user, action="young_person.viewed", obj=young_person, detail="duplicates")
    return render(
        request,
        "people/duplicates.html",
        {"young_person": young_person, "candidates": list(selectors.possible_duplicates(young_person)[:20])},
    )


@requires("people.manage_young_people")
def merge(request, pk, other):
    """Confirm, then merge record `other` into record `pk` (the one kept)."""
    keep = _record(request, pk)
    duplicate = _record(request, other)
    if keep.pk == duplicate.pk:
        raise Http404
    errors = []
    if request.method == "POST":
        try:
            merge_young_people(keep=keep, merge=duplicate, merged_by=request.user)
        except ValidationError as error:
            errors = error.messages
        else:
            messages.success(request, _("The records are merged."))
            return redirect("people:detail", pk=keep.pk)
    for young_person in (keep, duplicate):
        record_audit(
            actor=request.user, action="young_person.viewed", obj=young_person, detail="merge screen"
        )
    return render(request, "people/merge.html", {"keep": keep, "duplicate": duplicate, "errors": errors})


@requires("people.decide_support")
def support_queue(request):
    filter_form, status = SupportFilterForm.from_query(request.GET)
    return render(
        request,
        "people/support_queue.html",
        {
            "page": _page(request, selectors.support_queue(status=status)),
            "filter_form": filter_form,
            "status": status,
            "waiting": status == SupportRequest.Status.REQUESTED,
            "decision_form": SupportDecisionForm(),
        },
    )


@requires("people.decide_support")
@require_POST
def decide_support(request, pk):
    support_request = get_object_or_404(SupportRequest, pk=pk)
    form = SupportDecisionForm(request.POST)
    if form.is_valid():
        try:
            decide_support_request(request=support_request, decided_by=request.user, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The decision is recorded."))
    else:
        messages.error(request, _("Choose award or do not award, then send the decision again."))
    return redirect("people:support_queue")


# ---- Schools -------------------------------------------------------------------------------------------


@requires("people.view_school_figures")
def school_figures(request):
    """Counts only, small numbers suppressed: a school contact never sees a name here."""
    if role_of(request.user) in STAFF:
        chooser, school = SchoolChoiceForm.from_query(request.GET)
    else:
        chooser, school = None, selectors.school_of_contact(request.user)
    figures = selectors.school_figures(school) if school else None
    return render(
        request, "people/school_figures.html", {"chooser": chooser, "school": school, "figures": figures}
    )


urlpatterns = [
    path("register/", register, name="register"),
    path("register/myself/", register_self, name="register_self"),
    path("family/", family, name="family"),
    path("family/children/add/", add_child, name="add_child"),
    path("family/children/<int:pk>/", child, name="child"),
    path("family/children/<int:pk>/edit/", child_edit, name="child_edit"),
    path("family/children/<int:pk>/support/", child_support, name="child_support"),
    path(
        "family/children/<int:pk>/consents/<str:purpose>/withdraw/",
        withdraw_consent_view,
        name="withdraw_consent",
    ),
    path("family/children/<int:pk>/consents/<str:purpose>/give/", give_consent_view, name="give_consent"),
    path("family/guardians/invite/", invite_guardian, name="invite_guardian"),
    path("me/", me, name="me"),
    path("manage/young-people/", young_people_list, name="list"),
    path("manage/young-people/new/", staff_register, name="staff_register"),
    path("manage/young-people/<int:pk>/", detail, name="detail"),
    path("manage/young-people/<int:pk>/edit/", edit, name="edit"),
    path("manage/young-people/<int:pk>/duplicates/", duplicates, name="duplicates"),
    path("manage/young-people/<int:pk>/merge/<int:other>/", merge, name="merge"),
    path("manage/support/", support_queue, name="support_queue"),
    path("manage/support/<int:pk>/decide/", decide_support, name="decide_support"),
    path("school/", school_figures, name="school_figures"),
]
