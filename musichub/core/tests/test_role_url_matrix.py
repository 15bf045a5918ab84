"""The role/URL matrix: every URL of the project, as every role and as an anonymous visitor.

The walk enumerates the URL patterns itself (no hand-written list), so every URL a later issue adds is
checked automatically. Each view must declare who may use it (`@requires(permission)` or `@public`); the
expected answer for each role comes from core.permissions, and the actual answer from requesting the page.

A view that forgets its permission check fails it in one of two ways, both shown below on a small URLconf:
it declares nothing ("declares no access"), or it declares a permission but lets everyone in ("should be
refused but got 200").
"""

from io import StringIO

import pytest
from django.core.management import call_command
from django.http import HttpResponse, HttpResponseForbidden
from django.urls import path

from musichub.core.demo import DEMO_LOGINS
from musichub.core.models import User
from musichub.core.permissions import Access, public, requires

from .url_matrix import endpoints, walk_as


@pytest.fixture
def demo_users(db, settings):
    settings.DEBUG = True  # seed_demo creates its well-known logins only on a development site
    call_command("seed_demo", verbosity=0, stdout=StringIO())
    settings.DEBUG = False
    users = {role.value: User.objects.get(username=username) for username, role, *_ in DEMO_LOGINS}
    return {None: None, **users}


def test_every_url_gives_each_role_exactly_what_the_policy_says(client, demo_users):
    problems = walk_as(client, demo_users)
    assert problems == [], "\n".join(problems)


def test_the_walk_finds_the_public_site_and_the_admin(db):
    names = {endpoint.name for endpoint in endpoints()[0]}
    assert {"pages:home", "partners:directory", "partners:become", "healthz", "admin:index"} <= names


# ---- The walk catches a view that forgets its check ---------------------------------------------------------


def forgot_to_declare(request):
    return HttpResponse("secret staff figures")


def declared_but_unchecked(request):
    return HttpResponse("secret staff figures")


declared_but_unchecked.access = Access("pages.edit_content")  # says staff only, checks nothing


@requires("pages.edit_content")
def checked(request):
    return HttpResponse("staff figures")


def handler403(request, exception):  # this URLconf has no site layout to render the real 403 page with
    return HttpResponseForbidden("refused")


urlpatterns = [
    path("forgot/", forgot_to_declare, name="forgot"),
    path("unchecked/", declared_but_unchecked, name="unchecked"),
    path("checked/", checked, name="checked"),
    path("open/", public(lambda request: HttpResponse("hello")), name="open"),
]


@pytest.mark.urls(__name__)
def test_the_walk_reports_views_that_forget_their_permission_check(client, make_user, settings):
    settings.LOGIN_URL = "/accounts/login/"  # this small URLconf has no sign-in page of its own
    from musichub.core.roles import Role

    users = {
        None: None,
        Role.GUARDIAN.value: make_user(Role.GUARDIAN),
        Role.HUB_STAFF.value: make_user(Role.HUB_STAFF),
    }
    problems = walk_as(client, users, urlconf=__name__)
    assert "forgot: the view declares no access (use @requires(...) or @public)" in problems
    assert "unchecked /unchecked/: anonymous should be refused but got 200" in problems
    assert "unchecked /unchecked/: guardian should be refused but got 200" in problems
    assert not [p for p in problems if p.startswith(("checked", "open"))]
