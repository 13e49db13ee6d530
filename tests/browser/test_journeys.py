"""End-to-end journeys, one test each, driven as a person would: by labels, roles and
visible text. The only look behind the page is reading a link from a received email."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from PIL import Image

from tests.accounts.conftest import give_totp, totp_code
from tests.browser.conftest import screenshot
from tests.factories import ModeratorFactory, PhysicianFactory, UserFactory
from tests.mentoring.factories import make_mentee, make_mentor
from tests.moderation.conftest import moderators_group

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

PASSWORD = "a-long-and-unusual-passphrase-42"
# The password factory-made members have (tests/factories.py).
FACTORY_PASSWORD = "correct horse battery staple"


def _photo(tmp_path: Path, name: str = "me.jpg") -> Path:
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), (40, 120, 160)).save(buffer, "JPEG")
    path = tmp_path / name
    path.write_bytes(buffer.getvalue())
    return path


def _pdf(tmp_path: Path) -> Path:
    path = tmp_path / "licence.pdf"
    Image.new("RGB", (200, 100), "white").save(path, "PDF")
    return path


@pytest.fixture
def moderator_secret() -> str:
    """A moderator (moderator@example.org: staff, in the Moderators group) with an
    authenticator app; returns the TOTP secret the app holds."""
    moderator = ModeratorFactory.create(
        email="moderator@example.org", display_name="Morgan Moderator"
    )
    moderator.groups.add(moderators_group())
    return give_totp(moderator)


def sign_in_as_moderator(page: Any, email: str, secret: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(FACTORY_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    code = page.get_by_label("Code")
    code.wait_for()
    code.fill(totp_code(secret))  # Read off the app only once the form asks for it.
    page.get_by_role("button", name="Sign in").click()
    # The panel's link is in the navigation column, or in the menu on a phone.
    page.locator('a[href="/admin/"]').first.wait_for(state="attached")


def _link_in_last_email(to: str) -> str:
    message = next(m for m in reversed(mail.outbox) if to in m.to)
    link = re.search(r"https?://\S+", str(message.body))
    assert link is not None, message.body
    return link.group(0)


def sign_in(page: Any, email: str, password: str = PASSWORD) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r".*/$"))


def sign_out(page: Any) -> None:
    page.get_by_role("button", name="Sign out").click()


def test_a_premed_student_signs_up_verifies_and_sets_up_mentoring(
    page: Any, tmp_path: Path
) -> None:
    page.goto("/")
    page.get_by_role("link", name="Join Rounds").first.click()
    page.get_by_label("Email").fill("maya@example.org")
    page.get_by_label("Display name").fill("Maya Chen")
    page.get_by_label("I am a…").select_option(label="Pre-med (college) student")
    page.get_by_label(re.compile(r"^Password\W*$")).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    page.get_by_role("button", name="Sign up").click()
    # Signing up ends on this page whether or not the address has an account.
    page.get_by_role("heading", name="Verify Your Email Address").wait_for()
    page.get_by_text("Confirmation email sent to maya@example.org").wait_for()

    page.goto(_link_in_last_email("maya@example.org"))
    page.get_by_role("button", name="Confirm").click()
    page.get_by_role("heading", name="Welcome to Rounds, Maya Chen").wait_for()
    page.get_by_text("You have confirmed maya@example.org").wait_for()

    page.goto("/settings/profile/")
    page.get_by_label("Institution").fill("Howard University")
    page.get_by_label("Short bio").fill(
        "Biology major, **first in my family** to aim for medicine."
    )
    page.get_by_label("Spanish").check()
    page.get_by_label("Profile photo").set_input_files(str(_photo(tmp_path)))
    page.get_by_role("button", name="Save profile").click()
    page.get_by_role("heading", name="Maya Chen").wait_for()
    avatar = page.locator("main img.avatar").first
    # decode() resolves once the image has loaded: no race with the page's own loading.
    assert avatar.evaluate("img => img.decode().then(() => img.naturalWidth)") == 256
    assert page.locator("strong", has_text="first in my family").is_visible()

    page.goto("/mentoring/preferences/")
    page.get_by_label("Specialty exploration").check()
    page.get_by_label("MCAT").check()
    page.get_by_label("Video calls").check()
    page.get_by_label("Your time zone").select_option("America/New_York")
    page.get_by_label("A short introduction").fill("Pre-med junior looking at emergency medicine.")
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    page.get_by_text("Your preferences are saved").wait_for()
    screenshot(page, "journey1-student-onboarding")


def _no_reload_marker(page: Any) -> None:
    page.evaluate("() => { window.__sameDocument = true; }")


def _still_same_document(page: Any) -> bool:
    return bool(page.evaluate("() => window.__sameDocument === true"))


def test_a_physician_posts_and_a_student_finds_reacts_and_comments(
    page: Any, tmp_path: Path
) -> None:
    PhysicianFactory.create(email="okafor@example.org", display_name="Dr. Amara Okafor")
    UserFactory.create(email="maya@example.org", display_name="Maya Chen")

    sign_in(page, "okafor@example.org", FACTORY_PASSWORD)
    page.get_by_role("link", name="Write a post").click()
    page.get_by_label("Title", exact=True).fill("Heat illness: cool first, transport second")
    page.get_by_label(re.compile(r"^Post\W*$")).fill(
        "In exertional heat stroke, **cold-water immersion** comes before transport. #HeatSafety"
    )
    page.get_by_label("Image 1", exact=True).set_input_files(str(_photo(tmp_path, "tub.jpg")))
    page.get_by_label("Description of image 1 (alt text)").fill("An ice-water tub by a track")
    page.get_by_role("button", name="Publish").click()
    page.get_by_role("heading", name="Heat illness: cool first, transport second").wait_for()
    assert page.locator("main strong", has_text="cold-water immersion").is_visible()
    assert page.get_by_role("img", name="An ice-water tub by a track").is_visible()
    sign_out(page)

    sign_in(page, "maya@example.org", FACTORY_PASSWORD)
    page.get_by_role("link", name="Explore").first.click()
    page.get_by_role("link", name="Heat illness: cool first, transport second").wait_for()
    page.get_by_role("link", name="#HeatSafety").first.click()
    page.get_by_role("heading", name=re.compile("#heatsafety", re.IGNORECASE)).wait_for()
    page.get_by_role("link", name="Heat illness: cool first, transport second").click()

    _no_reload_marker(page)
    page.get_by_role("button", name="Helpful 0").first.click()
    page.get_by_role("button", name="Helpful 1").first.wait_for()
    assert _still_same_document(page)

    page.get_by_role("textbox", name="Comment").fill("We keep a tub at every track meet now.")
    page.get_by_role("button", name="Comment", exact=True).click()
    page.get_by_text("We keep a tub at every track meet now.").wait_for()
    sign_out(page)

    sign_in(page, "okafor@example.org", FACTORY_PASSWORD)
    page.get_by_role("link", name=re.compile(r"Notifications, \d+ unread")).click()
    page.get_by_text("Maya Chen left a comment on “Heat illness").first.wait_for()
    screenshot(page, "journey3-post-found-reacted-commented")


def test_a_student_finds_a_mentor_and_they_complete_a_mentorship(page: Any) -> None:
    mentor = make_mentor(
        PhysicianFactory.create(email="okafor@example.org", display_name="Dr. Amara Okafor"),
        languages=["en", "es"],
    ).user
    make_mentee(
        UserFactory.create(email="maya@example.org", display_name="Maya Chen"),
        languages=["es"],
    )

    sign_in(page, "maya@example.org", FACTORY_PASSWORD)
    page.get_by_role("link", name="Mentoring").first.click()
    page.get_by_role("link", name="Find a mentor").click()
    card = (
        page.locator("main article, main li, main section")
        .filter(has=page.get_by_role("link", name="Dr. Amara Okafor"))
        .last
    )
    card.get_by_text("you both speak Spanish").wait_for()
    page.get_by_role("link", name="Dr. Amara Okafor").first.click()
    page.get_by_label("A note to the mentor").fill("I would love help with the MCAT.")
    page.get_by_role("button", name="Send request").click()
    page.get_by_text("Your request is on its way to Dr. Amara Okafor").wait_for()
    sign_out(page)

    sign_in(page, mentor.email, FACTORY_PASSWORD)
    page.get_by_role("link", name="Mentoring").first.click()
    page.get_by_role("button", name="Accept").click()
    page.get_by_role("heading", name="Mentoring Maya Chen").wait_for()
    page.get_by_role("textbox", name="Message").fill("Welcome! When is your MCAT date?")
    page.get_by_role("button", name="Send").click()
    page.get_by_text("Welcome! When is your MCAT date?").wait_for()
    sign_out(page)

    sign_in(page, "maya@example.org", FACTORY_PASSWORD)
    page.get_by_role("link", name="Mentoring").first.click()
    page.get_by_role("link", name=re.compile("Dr. Amara Okafor")).first.click()
    page.get_by_text("Welcome! When is your MCAT date?").wait_for()
    page.get_by_role("textbox", name="Message").fill("In June. Could we plan a study schedule?")
    page.get_by_role("button", name="Send").click()
    page.get_by_text("In June. Could we plan a study schedule?").wait_for()
    page.get_by_label("New goal").fill("Draft a 12-week MCAT plan")
    page.get_by_role("button", name="Add goal").click()
    page.get_by_role("button", name="Mark done “Draft a 12-week MCAT plan”").click()
    page.get_by_role("button", name="Done “Draft a 12-week MCAT plan”: mark not done").wait_for()
    page.get_by_text("1 of 1 done").wait_for()

    page.get_by_role("link", name="Complete the mentorship").click()
    page.get_by_label("5 of 5").check()
    page.get_by_label("Comments").fill("Patient, clear and kind.")
    page.get_by_role("button", name="Complete the mentorship").click()
    page.get_by_text(re.compile("completed", re.IGNORECASE)).first.wait_for()
    sign_out(page)

    sign_in(page, mentor.email, FACTORY_PASSWORD)
    page.get_by_role("link", name="Mentoring").first.click()
    page.get_by_role("link", name=re.compile("Maya Chen")).first.click()
    page.get_by_role("link", name="Give your feedback").click()
    page.get_by_label("4 of 5").check()
    page.get_by_label("Comments").fill("Organised and motivated.")
    page.get_by_role("button", name="Send feedback").click()
    page.get_by_text(re.compile("thank", re.IGNORECASE)).first.wait_for()
    screenshot(page, "journey5-mentorship-completed")


def test_a_member_signs_in_and_publishes_with_the_keyboard_alone(page: Any) -> None:
    UserFactory.create(email="maya@example.org", display_name="Maya Chen")
    page.goto("/accounts/login/")

    def tab_to(name: str, *, tag: str = "", backwards: bool = False, limit: int = 60) -> None:
        """Press Tab (or Shift+Tab) until the focused control is called `name`."""
        for _ in range(limit):
            page.keyboard.press("Shift+Tab" if backwards else "Tab")
            focused = page.evaluate(
                """() => {
                    const e = document.activeElement;
                    const label = e.labels && e.labels[0] ? e.labels[0].innerText : "";
                    const text = e.getAttribute("aria-label") || e.innerText || e.value || "";
                    return {tag: e.tagName, name: (label || text).replace("*", "").trim()};
                }"""
            )
            same_name = focused["name"].casefold() == name.casefold()
            if same_name and (not tag or focused["tag"] == tag):
                return
        raise AssertionError(f"could not reach {name!r} with the keyboard")

    tab_to("Email")
    page.keyboard.type("maya@example.org")
    tab_to("Password")
    page.keyboard.type(FACTORY_PASSWORD)
    tab_to("Sign in", tag="BUTTON")
    page.keyboard.press("Enter")
    # Her first sign-in.
    page.get_by_role("heading", name="Welcome to Rounds, Maya Chen").wait_for()

    tab_to("Write a post")
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Write a post").wait_for()
    tab_to("Title")
    page.keyboard.type("Sunscreen is for every skin colour")
    tab_to("Post")
    page.keyboard.type("Broad-spectrum SPF 30, reapplied every two hours outdoors. #SkinHealth")
    # Past the field and back again, as a person correcting a slip would.
    page.keyboard.press("Tab")
    tab_to("Post", backwards=True)
    page.keyboard.type(" Ask your dermatologist.")
    tab_to("Publish", tag="BUTTON")
    page.keyboard.press("Space")
    page.get_by_role("heading", name="Sunscreen is for every skin colour").wait_for()
    assert page.get_by_text("Ask your dermatologist.").is_visible()
    screenshot(page, "journey7-keyboard-only")


def test_the_privacy_guard_stops_an_identifying_case_until_it_is_edited(page: Any) -> None:
    PhysicianFactory.create(email="okafor@example.org", display_name="Dr. Amara Okafor")
    sign_in(page, "okafor@example.org", FACTORY_PASSWORD)
    page.get_by_role("link", name="Write a post").click()
    page.get_by_role("navigation", name="Kind of post").get_by_role(
        "link", name="De-identified case"
    ).click()
    page.locator('input[name="kind"][value="case"]').wait_for(state="attached")
    page.get_by_label("Title", exact=True).fill("Fever and a new murmur")
    page.get_by_label(re.compile(r"^Post\W*$")).fill(
        "Mr. John Carter, DOB 03/14/1952, came in with two weeks of fever and a new murmur."
    )
    page.get_by_role("button", name="Publish").click()

    review = page.get_by_role("region", name="Check for patient information")
    review.wait_for()
    marked = review.locator("mark").all_inner_texts()
    assert any("John Carter" in text for text in marked)
    assert any("03/14/1952" in text for text in marked)
    assert review.get_by_text("high confidence").first.is_visible()
    assert page.get_by_label("These are not patient information").count() == 0

    page.get_by_label(re.compile(r"^Post\W*$")).fill(
        "A man in his seventies came in with two weeks of fever and a new murmur."
    )
    page.get_by_role("button", name="Publish").click()
    page.get_by_role("heading", name="Fever and a new murmur").wait_for()
    assert page.get_by_text("A man in his seventies").is_visible()
    screenshot(page, "journey4-privacy-guard")


def test_a_physician_is_verified_by_a_moderator_and_the_badge_shows(
    page: Any, tmp_path: Path, moderator_secret: str
) -> None:
    page.goto("/accounts/signup/")
    page.get_by_label("Email").fill("okafor@example.org")
    page.get_by_label("Display name").fill("Dr. Amara Okafor")
    page.get_by_label("I am a…").select_option(label="Physician")
    page.get_by_label(re.compile(r"^Password\W*$")).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    page.get_by_role("button", name="Sign up").click()
    page.get_by_role("heading", name="Verify Your Email Address").wait_for()
    page.goto(_link_in_last_email("okafor@example.org"))
    page.get_by_role("button", name="Confirm").click()
    page.get_by_role("heading", name="Welcome to Rounds, Dr. Amara Okafor").wait_for()

    page.get_by_role("link", name="Settings").click()
    page.get_by_role("link", name=re.compile("verification", re.IGNORECASE)).first.click()
    page.get_by_label("US National Provider Identifier (NPI)").check()
    page.get_by_label("NPI number").fill("1234567893")
    page.get_by_label("Supporting document").set_input_files(str(_pdf(tmp_path)))
    page.get_by_role("button", name="Send for review").click()
    page.get_by_role("heading", name="Your status: Pending review").wait_for()

    page.get_by_role("link", name="Home").first.click()
    page.get_by_role("link", name="Write a post").first.click()
    page.get_by_label("Title", exact=True).fill("Flu shots this season")
    page.get_by_label(re.compile(r"^Post\W*$")).fill("Get your flu shot before December.")
    page.get_by_role("button", name="Publish").click()
    page.get_by_role("heading", name="Flu shots this season").wait_for()
    assert page.locator("main article").first.get_by_text("Verified").count() == 0
    sign_out(page)

    sign_in_as_moderator(page, "moderator@example.org", moderator_secret)
    page.get_by_role("link", name="Moderation").click()
    page.get_by_role("link", name="Pending verifications: 1").click()
    page.get_by_role(
        "checkbox", name=re.compile("Select this object|Dr. Amara Okafor")
    ).first.check()
    page.get_by_label(re.compile("Action")).select_option(label="Approve the selected requests")
    page.get_by_role("button", name="Go").click()
    page.get_by_role("button", name="Approve", exact=True).click()
    page.get_by_text("Approved 1 request.").wait_for()
    page.get_by_role("button", name=re.compile("Log out", re.IGNORECASE)).click()

    sign_in(page, "okafor@example.org")
    page.get_by_role("link", name="Your profile").click()
    page.get_by_role("link", name="Flu shots this season").click()
    post = page.locator("main article").first
    post.get_by_text("Verified").wait_for()
    screenshot(page, "journey2-physician-verified")


def test_a_reported_comment_is_removed_and_its_author_sees_why(
    page: Any, moderator_secret: str
) -> None:
    from posts.services import add_comment, publish_post

    physician = PhysicianFactory.create(email="okafor@example.org", display_name="Dr. Amara Okafor")
    UserFactory.create(email="maya@example.org", display_name="Maya Chen")
    author = UserFactory.create(email="sam@example.org", display_name="Sam Doe")
    post = publish_post(author=physician, title="Measles and the MMR vaccine", body="Two doses.")
    add_comment(author=author, post=post, body="Vaccines cause autism, skip them.")

    sign_in(page, "maya@example.org", FACTORY_PASSWORD)
    page.goto(f"/posts/{post.pk}/")
    comment = page.locator("article, li").filter(has_text="Vaccines cause autism").last
    comment.get_by_role("link", name=re.compile("Report")).click()
    page.get_by_label("Medical misinformation").check()
    page.get_by_label("Anything moderators should know").fill("Debunked claim in a vaccine thread.")
    page.get_by_role("button", name="Send the report").click()
    page.get_by_text(re.compile("Thank you", re.IGNORECASE)).first.wait_for()
    sign_out(page)

    sign_in_as_moderator(page, "moderator@example.org", moderator_secret)
    page.get_by_role("link", name="Moderation").click()
    page.get_by_role("link", name=re.compile(r"Open reports: 1")).click()
    page.get_by_role("link", name=re.compile("Vaccines cause autism")).first.click()
    form = page.get_by_role("form", name="Remove the item")
    form.get_by_label("Reason").fill("Medical misinformation about vaccines and autism.")
    form.get_by_role("button", name="Remove the item").click()
    page.get_by_text("Remove the item: done.").wait_for()
    page.get_by_role("button", name=re.compile("Log out", re.IGNORECASE)).click()

    sign_in(page, "okafor@example.org", FACTORY_PASSWORD)
    page.goto(f"/posts/{post.pk}/")
    page.get_by_text("Removed by moderators").first.wait_for()
    assert page.get_by_text("Vaccines cause autism").count() == 0
    sign_out(page)

    sign_in(page, "sam@example.org", FACTORY_PASSWORD)
    page.goto(f"/posts/{post.pk}/")
    page.get_by_text("Medical misinformation about vaccines and autism.").first.wait_for()
    screenshot(page, "journey6-comment-removed-author-sees-why")
