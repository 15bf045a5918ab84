"""Youth voice in a real Chromium: a 14-year-old posts an idea with a phone number in it; a moderator takes the
number out and publishes; staff answer "planned", then "done"; the idea shows on /voice/ as done and the author
got both emails. Quick feedback at a session without signing in. axe-core and 320 px on every page on the way."""

from datetime import timedelta

from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from musichub.core.models import OutgoingEmail, User
from musichub.core.roles import Role
from musichub.core.services import set_role
from musichub.core.tests.browser import assert_accessible, assert_fits_width, watch_console
from musichub.offer.models import Session
from musichub.people.tests.factories import YoungPersonFactory, born_years_ago
from musichub.voice.models import Post, SessionFeedback

PASSWORD = "a-long-test-password-14"


def sign_in(page, username, password):
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.get_by_label("Username or email address").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def check(page, label):
    assert page.locator("h1").count() == 1, label
    assert_accessible(page, label)
    assert_fits_width(page, 320)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_an_idea_with_a_phone_number_is_moderated_answered_and_shown_as_done(page, demo_hub):
    from musichub.core.demo import DEMO_PASSWORD

    errors = watch_console(page)
    author = User.objects.create_user(
        "jess14", email="jess14@example.org", password=PASSWORD, first_name="Jess"
    )
    set_role(user=author, role=Role.YOUNG_PERSON)
    YoungPersonFactory(user=author, first_name="Jess", date_of_birth=born_years_ago(14))

    # A 14-year-old says something, with a phone number in it.
    sign_in(page, "jess14", PASSWORD)
    page.goto("/voice/say/")
    check(page, "posting page")
    page.get_by_label("An idea").check()
    page.get_by_label("Say it in a few words").fill("A grime workshop in Thornhill for beginners")
    page.get_by_label("Tell us more").fill("Loads of us would come. Text me on 07700 900123")
    page.get_by_role("button", name="Send it").click()
    expect(page.get_by_text("Being checked").first).to_be_visible()
    check(page, "the author's post page")
    post = Post.objects.get(posted_by=author)
    assert post.moderation == Post.Moderation.PENDING

    # A moderator sees the flag, takes the number out and publishes.
    sign_in(page, "staff", DEMO_PASSWORD)
    page.goto("/manage/voice/moderation/")
    check(page, "moderation queue")
    page.get_by_role("link", name="A grime workshop in Thornhill for beginners", exact=True).click()
    expect(page.locator(".voice-flags").get_by_text("07700 900123")).to_be_visible()
    check(page, "moderation page")
    page.get_by_label("Tell us more").fill("Loads of us would come.")
    page.get_by_label("If you took something out").fill(
        "We took out your phone number: never share it in public."
    )
    page.get_by_role("button", name="Publish").click()
    post.refresh_from_db()
    assert post.is_published and "07700" not in post.text

    # Staff answer "planned", then "done".
    page.goto(f"/manage/voice/posts/{post.pk}/")
    check(page, "answer page")
    page.get_by_label("Planned").check()
    page.get_by_label("What we say").fill("We are booking a grime producer to lead it.")
    page.get_by_role("button", name="Send the answer").click()
    expect(page.get_by_text("The answer is published")).to_be_visible()
    page.get_by_label("Done", exact=True).check()
    page.get_by_label("What we say").fill("Done — the workshop runs from March.")
    page.get_by_role("button", name="Send the answer").click()
    post.refresh_from_db()
    assert post.answer == Post.Answer.DONE

    # The public sees it as done.
    page.context.clear_cookies()
    page.goto("/voice/")
    page.get_by_label("Answer").select_option("done")
    page.get_by_role("button", name="Show").click()
    card = page.locator(".voice-card", has_text="A grime workshop in Thornhill for beginners")
    expect(card.get_by_text("Done", exact=True)).to_be_visible()
    expect(card.get_by_text("Done — the workshop runs from March.")).to_be_visible()
    assert page.get_by_text("07700").count() == 0
    check(page, "you said, we did")

    # The author got both emails: planned, then done (through the outbox).
    subjects = list(OutgoingEmail.objects.filter(to=author.email).values_list("subject", flat=True))
    assert "Your idea is planned" in subjects and "Done: you said, we did" in subjects
    sent = [m for m in mail.outbox if m.to == [author.email]]
    assert any(m.subject == "Your idea is planned" and "booking a grime producer" in m.body for m in sent)
    assert any(
        m.subject == "Done: you said, we did" and "the workshop runs from March" in m.body for m in sent
    )
    assert not any("07700" in m.body for m in sent)
    assert errors == []


def test_quick_feedback_at_a_session_without_signing_in(page, demo_hub):
    today = timezone.localdate()
    session = (
        Session.objects.filter(date__range=(today - timedelta(days=6), today), is_cancelled=False)
        .order_by("-date", "pk")
        .first()
    )
    if session is None:  # the demo term dates may not cover today: make one
        from musichub.offer.models import Opportunity

        opportunity = Opportunity.objects.filter(status=Opportunity.Status.PUBLISHED).first()
        session = Session.objects.create(
            opportunity=opportunity, date=today, starts_at=opportunity.starts_at, ends_at=opportunity.ends_at
        )
    before = SessionFeedback.objects.filter(session=session).count()
    page.goto(f"/voice/feedback/{session.pk}/")
    check(page, "quick feedback page")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("link", name="Choose a face to say how it was.")).to_be_visible()
    check(page, "quick feedback page with an error")
    page.get_by_label("Loved it").check()
    page.get_by_label("One word for today").fill("fire")
    page.get_by_label("What should we play next?").fill("more grime")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("heading", name="Thank you!")).to_be_visible()
    check(page, "thanks page")
    answers = SessionFeedback.objects.filter(session=session)
    assert answers.count() == before + 1
    latest = answers.order_by("-at").first()
    assert (latest.face, latest.word, latest.play_next) == (5, "fire", "more grime")
    assert page.url.endswith(f"/voice/feedback/{session.pk}/thanks/")
