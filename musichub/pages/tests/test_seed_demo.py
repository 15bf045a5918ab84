from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from musichub.core.demo import DEMO_LOGINS
from musichub.core.models import AimPoint, HubIdentity, InclusionAim, User
from musichub.pages.models import NewsPost
from musichub.partners.models import OrganisationType, Partner, PartnerMembership


def seed(*args):
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def counts():
    return (
        HubIdentity.objects.count(),
        InclusionAim.objects.count(),
        AimPoint.objects.count(),
        Partner.objects.count(),
        NewsPost.objects.count(),
        User.objects.count(),
    )


def test_the_demo_hub_is_the_first_users_hub_with_five_aims_and_fifteen_points(db, settings):
    settings.DEBUG = True
    seed()
    hub = HubIdentity.objects.get()
    assert (hub.name, hub.founded_year) == ("Southampton Music Hub", 2012)
    assert Partner.objects.get(level=Partner.Level.LEAD).name == "Southampton Music Service"
    assert InclusionAim.objects.count() == 5
    assert [p.position for p in AimPoint.objects.filter(aim__number=3)] == [1, 2, 3]
    assert AimPoint.objects.count() == 15


def test_the_demo_has_a_dozen_partners_of_each_type_and_a_login_for_every_role(db, settings):
    settings.DEBUG = True
    out = seed()
    for organisation_type in OrganisationType.values:
        assert Partner.objects.filter(organisation_type=organisation_type).exclude(level="lead").count() >= 12
    assert set(User.objects.values_list("role", flat=True)) == set(User.Role.values)
    assert PartnerMembership.objects.filter(user__username="partner").exists()
    assert "staff" in out and "music-hub-demo" in out


def test_seeding_twice_changes_nothing(db, settings):
    settings.DEBUG = True
    seed()
    first = counts()
    seed()
    assert counts() == first


def test_the_demo_logins_are_refused_on_a_site_with_debug_off(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="well-known passwords"):
        seed()
    assert not User.objects.exists()  # refused before anything was loaded
    seed("--i-know-this-is-public")
    assert User.objects.filter(username="admin").exists()


def test_demo_content_without_logins_is_allowed_with_debug_off(db, settings):
    settings.DEBUG = False
    seed("--no-logins")
    assert HubIdentity.objects.exists()
    assert not User.objects.filter(username__in=[login[0] for login in DEMO_LOGINS]).exists()


def test_if_empty_leaves_a_hub_that_is_already_set_up_alone(db, settings):
    settings.DEBUG = True
    seed()
    HubIdentity.objects.update(name="Another Hub")
    out = seed("--if-empty")
    assert HubIdentity.objects.get().name == "Another Hub"
    assert "already set up" in out
