import pytest
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.test import RequestFactory

from musichub.core.permissions import PERMISSIONS, Access, can, check_object, requires
from musichub.core.roles import Role


class Owned:
    def __init__(self, owner):
        self.owner = owner

    def is_managed_by(self, user):
        return user == self.owner


def test_staff_may_edit_content_but_a_guardian_may_not(make_user):
    assert can(make_user(Role.HUB_STAFF), "pages.edit_content")
    assert not can(make_user(Role.GUARDIAN), "pages.edit_content")


def test_an_inactive_person_may_do_nothing(make_user):
    staff = make_user(Role.HUB_STAFF, is_active=False)
    assert not can(staff, "pages.edit_content")


def test_only_hub_admins_reach_the_django_admin(make_user):
    allowed = {role for role in Role if can(make_user(role), "core.use_admin")}
    assert allowed == {Role.HUB_ADMIN}


def test_a_partner_member_may_edit_only_objects_that_say_they_manage_them(make_user):
    member, other = make_user(Role.PARTNER_MEMBER), make_user(Role.PARTNER_MEMBER)
    own = Owned(member)
    assert can(member, "partners.edit_own_partner", own)
    assert not can(other, "partners.edit_own_partner", own)
    with pytest.raises(PermissionDenied):
        check_object(other, "partners.edit_own_partner", own)


def test_staff_edit_any_partner_whatever_the_object_says(make_user):
    staff = make_user(Role.HUB_STAFF)
    assert can(staff, "partners.edit_own_partner", Owned(owner=None))


def test_an_unknown_permission_is_a_programming_error_caught_at_import():
    with pytest.raises(KeyError, match="Unknown permission"):
        Access("pages.edti_content")


def test_requires_sends_visitors_to_sign_in_and_refuses_other_roles(make_user, rf: RequestFactory):
    from django.contrib.auth.models import AnonymousUser

    @requires("pages.edit_content")
    def view(request):
        return HttpResponse("ok")

    request = rf.get("/manage/x/")
    request.user = AnonymousUser()
    response = view(request)
    assert response.status_code == 302 and "/accounts/login/?next=/manage/x/" in response["Location"]

    request.user = make_user(Role.GUARDIAN)
    with pytest.raises(PermissionDenied):
        view(request)

    request.user = make_user(Role.HUB_STAFF)
    assert view(request).content == b"ok"
    assert view.access.permission == "pages.edit_content"


def test_every_permission_names_roles_that_exist():
    for permission, roles in PERMISSIONS.items():
        assert roles, permission
        assert all(isinstance(role, Role) for role in roles), permission
