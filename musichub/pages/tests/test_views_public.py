"""The public site through the client: home, about, inclusion, news."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from musichub.core.models import HubIdentity, InclusionAim
from musichub.core.roles import Role
from musichub.pages import views
from musichub.pages.urls import urlpatterns
from musichub.partners.models import Partner

from .factories import ContentBlockFactory, NewsPostFactory, PartnerFactory

pytestmark = pytest.mark.django_db


def test_every_pages_view_declares_who_may_use_it():
    undeclared = [p.name for p in urlpatterns if getattr(p.callback, "access", None) is None]
    assert undeclared == []


# ---- Home ------------------------------------------------------------------------------------------------


def test_the_home_page_gives_the_hubs_promise_founding_year_and_lead_partner(client, hub):
    PartnerFactory(name="Southampton Music Service", level=Partner.Level.LEAD)

    html = client.get(reverse("pages:home")).content.decode()

    assert "<h1>Delivering life-changing music for every child in Southampton</h1>" in html
    assert "Southampton Music Hub is a partnership founded in 2012, led by Southampton Music Service." in html


def test_the_home_page_has_its_two_calls_to_action(client, hub):
    response = client.get(reverse("pages:home"))

    assert f'href="{reverse("offer:finder")}">Find music-making</a>' in response.content.decode()
    assert f'href="{reverse("partners:become")}">Become a partner</a>' in response.content.decode()


def test_find_music_making_follows_the_one_setting_that_names_its_target(client, hub, monkeypatch):
    monkeypatch.setattr(views, "FIND_MUSIC_MAKING_URL", "pages:inclusion")
    response = client.get(reverse("pages:home"))
    assert f'href="{reverse("pages:inclusion")}">Find music-making</a>' in response.content.decode()


def test_the_home_page_lists_the_aims_with_links_to_their_place_in_the_strategy(client, hub):
    html = client.get(reverse("pages:home")).content.decode()
    for aim in InclusionAim.objects.all():
        assert f'href="{reverse("pages:inclusion")}#{aim.slug}"' in html
        assert aim.title in html


def test_the_home_page_shows_the_three_latest_published_posts_only(client, hub):
    now = timezone.now()
    oldest = NewsPostFactory(title="Oldest post", published_at=now - timedelta(days=30))
    newer = [
        NewsPostFactory(title=f"Newer post {n}", published_at=now - timedelta(days=n)) for n in (3, 2, 1)
    ]
    draft = NewsPostFactory(title="Secret draft", draft=True)

    response = client.get(reverse("pages:home"))

    assert list(response.context["latest_news"]) == newer[::-1]
    html = response.content.decode()
    assert oldest.title not in html
    assert draft.title not in html


def test_the_home_page_shows_the_staff_written_introduction(client, hub):
    ContentBlockFactory(key="home", title="Music for every young person", body="Come and **play**.")
    html = client.get(reverse("pages:home")).content.decode()
    assert '<h2 id="intro-title">Music for every young person</h2>' in html
    assert "Come and <strong>play</strong>." in html


def test_the_home_page_of_a_hub_not_set_up_yet_says_so_instead_of_failing(client, db):
    assert not HubIdentity.objects.exists()

    response = client.get(reverse("pages:home"))

    assert response.status_code == 200
    assert "This hub has not been set up yet." in response.content.decode()
    assert "There is no news yet." in response.content.decode()


@pytest.mark.parametrize("posts", [1, 25])
def test_the_home_page_query_count_does_not_grow_with_news_or_aims(
    client, hub, django_assert_num_queries, posts
):
    PartnerFactory(level=Partner.Level.LEAD)
    ContentBlockFactory(key="home")
    NewsPostFactory.create_batch(posts)
    # hub identity, home text, lead partner, aims, latest news
    with django_assert_num_queries(5):
        response = client.get(reverse("pages:home"))
    assert len(response.context["latest_news"]) == min(posts, 3)


# ---- About -----------------------------------------------------------------------------------------------


def test_the_about_page_shows_the_staff_written_text_as_its_heading_and_body(client, hub):
    ContentBlockFactory(key="about", title="About the partnership", body="We work *together*.")
    html = client.get(reverse("pages:about")).content.decode()
    assert "<h1>About the partnership</h1>" in html
    assert "We work <em>together</em>." in html


def test_the_about_page_falls_back_to_the_hubs_summary_without_a_text(client, hub):
    html = client.get(reverse("pages:about")).content.decode()
    assert "<h1>About the hub</h1>" in html
    assert "growing partnership of local, regional and national organisations" in html


def test_the_about_page_describes_the_lead_partners_role_in_the_hub(client, hub):
    lead = PartnerFactory(
        name="Southampton Music Service", level=Partner.Level.LEAD, role_in_hub="Teaches **every** school."
    )
    html = client.get(reverse("pages:about")).content.decode()
    assert "<h3>Southampton Music Service</h3>" in html
    assert "Teaches <strong>every</strong> school." in html
    assert reverse("partners:detail", args=[lead.slug]) in html


def test_the_about_page_counts_published_partners_by_level_and_links_to_the_directory(client, hub):
    PartnerFactory(level=Partner.Level.LEAD)
    PartnerFactory.create_batch(3, level=Partner.Level.LOCAL)
    PartnerFactory(level=Partner.Level.REGIONAL, is_published=False)

    response = client.get(reverse("pages:about"))

    counts = {row.level: row.count for row in response.context["partner_counts"]}
    assert counts == {"lead": 1, "local": 3, "regional": 0, "national": 0}
    html = response.content.decode()
    assert "<dt>Local partners</dt><dd>3</dd>" in html
    assert "<dt>All partners</dt><dd>4</dd>" in html
    assert f'href="{reverse("partners:directory")}"' in html


def test_the_about_page_says_so_when_no_partners_are_listed(client, hub):
    html = client.get(reverse("pages:about")).content.decode()
    assert "No partners are listed in the directory yet." in html
    assert "The lead partner has not been added yet." in html


# ---- Inclusion -------------------------------------------------------------------------------------------


def test_the_inclusion_page_shows_each_aim_with_its_anchor_and_its_points_in_order(client, hub):
    html = client.get(reverse("pages:inclusion")).content.decode()

    positions = []
    for aim in InclusionAim.objects.order_by("number"):
        assert f'id="{aim.slug}"' in html
        positions.append(html.index(aim.title))
        points = [html.index(point.text) for point in aim.points.order_by("position")]
        assert points == sorted(points) and len(points) == 3
    assert positions == sorted(positions) and len(positions) == 5


def test_the_inclusion_page_starts_with_the_staff_written_introduction(client, hub):
    ContentBlockFactory(key="inclusion", title="Inclusion is a journey", body="Not a destination.")
    html = client.get(reverse("pages:inclusion")).content.decode()
    assert "<h1>Inclusion is a journey</h1>" in html
    assert html.index("Not a destination.") < html.index(InclusionAim.objects.get(number=1).title)


def test_the_inclusion_page_query_count_does_not_grow_with_the_aims(client, hub, django_assert_num_queries):
    # hub identity, inclusion text, aims, their points
    with django_assert_num_queries(4):
        client.get(reverse("pages:inclusion"))


def test_the_inclusion_page_without_aims_says_so(client, db):
    html = client.get(reverse("pages:inclusion")).content.decode()
    assert "have not been written up yet" in html


# ---- News ------------------------------------------------------------------------------------------------


def test_the_news_list_shows_published_posts_newest_first_and_no_drafts(client, hub):
    now = timezone.now()
    old = NewsPostFactory(title="Old news", published_at=now - timedelta(days=5))
    new = NewsPostFactory(title="New news", published_at=now - timedelta(days=1))
    NewsPostFactory(title="Secret draft", draft=True)

    response = client.get(reverse("pages:news"))

    assert list(response.context["page"].object_list) == [new, old]
    assert "Secret draft" not in response.content.decode()


def test_the_news_list_shows_twenty_posts_a_page(client, hub):
    NewsPostFactory.create_batch(21)
    first = client.get(reverse("pages:news"))
    second = client.get(reverse("pages:news"), {"page": 2})
    assert len(first.context["page"].object_list) == 20
    assert len(second.context["page"].object_list) == 1
    assert 'rel="next"' in first.content.decode()


@pytest.mark.parametrize("page", ["abc", "-1", "999", ""])
def test_a_nonsense_page_number_falls_back_to_a_real_page(client, hub, page):
    NewsPostFactory.create_batch(3)
    response = client.get(reverse("pages:news"), {"page": page, "sort": "nonsense"})
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 3


def test_an_empty_news_list_says_so(client, hub):
    NewsPostFactory(draft=True)
    assert "There is no news yet." in client.get(reverse("pages:news")).content.decode()


@pytest.mark.parametrize("posts", [1, 30])
def test_the_news_list_query_count_does_not_grow_with_more_posts(
    client, hub, django_assert_num_queries, posts
):
    NewsPostFactory.create_batch(posts)
    # hub identity, count, page
    with django_assert_num_queries(3):
        client.get(reverse("pages:news"))


def test_a_published_post_is_shown_in_full(client, hub):
    post = NewsPostFactory(
        title="Grime workshops", summary="Free weekly sessions.", body="Bring **a friend**."
    )
    html = client.get(reverse("pages:news_detail", args=[post.slug])).content.decode()
    assert "<h1>Grime workshops</h1>" in html
    assert "Free weekly sessions." in html
    assert "Bring <strong>a friend</strong>." in html
    assert "Draft" not in html


def test_an_unknown_post_is_not_found(client, hub):
    assert client.get(reverse("pages:news_detail", args=["no-such-post"])).status_code == 404


@pytest.mark.parametrize("role", [None, Role.GUARDIAN, Role.PARTNER_MEMBER, Role.MUSIC_LEADER])
def test_a_draft_is_not_found_by_people_who_do_not_edit_content(client, hub, make_user, role):
    post = NewsPostFactory(draft=True)
    if role:
        client.force_login(make_user(role))
    assert client.get(reverse("pages:news_detail", args=[post.slug])).status_code == 404


@pytest.mark.parametrize("role", [Role.HUB_STAFF, Role.HUB_ADMIN])
def test_staff_can_preview_a_draft_under_a_draft_banner(client, hub, make_user, role):
    post = NewsPostFactory(title="Autumn showcase", draft=True)
    client.force_login(make_user(role))

    html = client.get(reverse("pages:news_detail", args=[post.slug])).content.decode()

    assert "<h1>Autumn showcase</h1>" in html
    assert "<strong>Draft</strong>" in html
    assert reverse("pages:news_edit", args=[post.pk]) in html


def test_stored_markdown_with_a_script_and_a_javascript_link_is_served_back_harmless(client, hub):
    evil = (
        'Hello <script>alert("x")</script>\n\n[click me](javascript:alert(1)) '
        '<a href="javascript:alert(2)" onclick="alert(3)">raw</a> <img src=x onerror="alert(4)">'
    )
    post = NewsPostFactory(body=evil)
    ContentBlockFactory(key="about", title="About", body=evil)

    for url in (reverse("pages:news_detail", args=[post.slug]), reverse("pages:about")):
        html = client.get(url).content.decode()
        assert "<script>" not in html, url
        assert "javascript:" not in html, url
        assert "onclick" not in html and "onerror" not in html, url
        assert "click me" in html, url
