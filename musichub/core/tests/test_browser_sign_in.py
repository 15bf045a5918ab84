"""Each role's first journey: sign in with the demo login, land on their account page, see their tools."""

from playwright.sync_api import expect

from musichub.core.demo import DEMO_LOGINS, DEMO_PASSWORD
from musichub.core.roles import Role
from musichub.core.tests.browser import assert_accessible, assert_fits_width

# A tool each role must find in its menu after signing in (None: only its account page so far).
FIRST_TOOL = {
    Role.HUB_ADMIN: "Back office",
    Role.HUB_STAFF: "Partner applications",
    Role.SAFEGUARDING_LEAD: "Safeguarding",
    Role.PARTNER_MEMBER: "Your organisation",
    Role.MUSIC_LEADER: "Registers",
    Role.SCHOOL_CONTACT: "Our school",
    Role.GUARDIAN: "Your family",
    Role.YOUNG_PERSON: "Your page",
}


def test_every_demo_login_signs_in_and_finds_its_tools(page, demo_hub):
    for username, role, *_names in DEMO_LOGINS:
        page.set_viewport_size({"width": 1280, "height": 900})
        page.goto("/accounts/login/")
        page.get_by_label("Username or email address").fill(username)
        page.get_by_label("Password").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url("**/account/")
        assert page.get_by_role("heading", level=1).inner_text() == "Your account"
        assert str(Role(role).label) in page.locator("main").inner_text()
        tool = FIRST_TOOL[Role(role)]
        if tool:
            expect(
                page.get_by_role("navigation", name="Your tools").get_by_role("link", name=tool)
            ).to_be_visible()
        else:
            assert page.get_by_role("navigation", name="Your tools").count() == 0
        assert_accessible(page, f"account page of {username}")
        assert_fits_width(page, 320)
        page.set_viewport_size({"width": 1280, "height": 900})
        page.get_by_role("button", name="Sign out").click()
        expect(page.get_by_role("link", name="Sign in")).to_be_visible()
