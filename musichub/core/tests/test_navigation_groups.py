"""The role menu in groups: which entry sits in which group, and how long and short menus are drawn."""

import re

from django.urls import reverse

from musichub.core.navigation import NAV_GROUPS, ROLE_NAVIGATION, navigation_for, navigation_groups
from musichub.core.roles import Role


def _labels(group):
    return [str(entry["label"]) for entry in group["entries"]]


def _role_nav(page):
    return re.search(r'<nav aria-label="Your tools".*?</nav>', page, re.S).group(0)


def test_the_groups_come_in_the_menus_order_with_their_entries_in_order(make_user):
    groups = navigation_groups(navigation_for(make_user(Role.HUB_ADMIN)))
    assert [str(group["label"]) for group in groups] == [
        "You",
        "Young people",
        "Delivery",
        "Figures",
        "Running the hub",
    ]
    delivery = next(group for group in groups if str(group["label"]) == "Delivery")
    assert _labels(delivery) == [
        "Opportunities",
        "Registers",
        "Attendance",
        "Stopped coming",
        "Messages to families",
        "Whole-class teaching",
        "Instruments",
        "Our school",
        "Term dates",
    ]
    running = next(group for group in groups if str(group["label"]) == "Running the hub")
    assert _labels(running)[0] == "Imports" and _labels(running)[-1] == "Back office"


def test_the_two_youth_voice_and_attendance_entries_sit_in_different_groups():
    group_of = {entry.url_name: entry.group for entry in ROLE_NAVIGATION}
    assert group_of["voice:family"] == "you" and group_of["voice:queue"] == "young_people"
    assert group_of["offer:family_attendance"] == "you" and group_of["offer:attendance_list"] == "delivery"
    assert group_of["offer:term_dates"] == "delivery" and group_of["people:school_figures"] == "figures"


def test_every_entry_names_a_known_group():
    keys = [key for key, _label in NAV_GROUPS]
    assert {entry.group for entry in ROLE_NAVIGATION} <= set(keys)


def test_the_flat_list_keeps_its_shape_and_says_each_entrys_group(make_user):
    entries = navigation_for(make_user(Role.HUB_STAFF))
    assert all(set(entry) == {"label", "url", "group"} for entry in entries)
    grouped = [entry for group in navigation_groups(entries) for entry in group["entries"]]
    assert sorted(e["url"] for e in grouped) == sorted(e["url"] for e in entries)


def test_groups_with_nothing_the_person_may_use_are_left_out(make_user):
    groups = navigation_groups(navigation_for(make_user(Role.GUARDIAN)))
    assert [str(group["label"]) for group in groups] == ["You"]
    assert navigation_groups([]) == []


def test_only_the_group_holding_the_current_page_is_current(make_user):
    entries = navigation_for(make_user(Role.HUB_STAFF))
    groups = navigation_groups(entries, reverse("insights:dashboard"))
    assert [str(group["label"]) for group in groups if group["current"]] == ["Figures"]
    assert not any(group["current"] for group in navigation_groups(entries, "/not-in-the-menu/"))


def test_hub_staff_get_the_grouped_menu_with_a_closed_details_for_phones(client, staff, hub):
    client.force_login(staff)
    page = client.get(reverse("insights:dashboard")).content.decode()
    nav = _role_nav(page)
    assert '<details class="role-nav__narrow">' in nav and "<details open" not in nav
    count = len(navigation_for(staff))
    assert count > 8
    assert re.search(rf"<summary>Your tools <span[^>]*>\({count}\)</span></summary>", nav)
    assert 'class="role-nav__wide"' in nav
    for label in ("Young people", "Delivery", "Figures", "Running the hub"):
        assert f">{label}</span>" in nav
    # The current page is marked in both copies, and the copies share no id.
    assert nav.count(f'href="{reverse("insights:dashboard")}" aria-current="page"') == 2
    ids = re.findall(r'\bid="([^"]+)"', page)
    assert len(ids) == len(set(ids))


def test_a_family_gets_todays_flat_menu_without_groups(client, make_user, hub):
    client.force_login(make_user(Role.GUARDIAN))
    page = client.get(reverse("core:account")).content.decode()
    nav = _role_nav(page)
    assert "<details" not in nav and "role-nav__group" not in nav
    assert f'href="{reverse("people:family")}"' in nav
    assert f'<a href="{reverse("core:account")}" aria-current="page">' in nav


def test_the_account_page_lists_a_long_menus_tools_under_group_headings(client, staff, hub):
    client.force_login(staff)
    page = client.get(reverse("core:account")).content.decode()
    headings = re.findall(r"<h3>([^<]+)</h3>", page)
    assert headings == ["You", "Young people", "Delivery", "Figures", "Running the hub"]
    after_delivery = page.split("<h3>Delivery</h3>")[1].split("<h3>")[0]
    assert reverse("offer:term_dates") in after_delivery


def test_the_account_page_keeps_a_short_menu_as_one_list(client, make_user, hub):
    client.force_login(make_user(Role.GUARDIAN))
    page = client.get(reverse("core:account")).content.decode()
    assert "<h3>" not in page
    assert "What you can do" in page and reverse("people:family") in page
