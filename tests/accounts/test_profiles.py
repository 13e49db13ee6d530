"""Profile pages, who may see them, and editing them (avatar, bio, links, handle)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse

import io
import zoneinfo
from html.parser import HTMLParser
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from accounts.models import Role, User, Visibility
from accounts.services import follow
from accounts.validators import orcid_check_character, validate_orcid
from community import time_zones
from tests.accounts.conftest import image_upload
from tests.factories import HighSchoolStudentFactory, PhysicianFactory, UserFactory


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.targets: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.targets += [value or "" for name, value in attrs if tag == "a" and name == "href"]


def _link_targets(html: str) -> list[str]:
    """The href of every link in `html`."""
    parser = _Links()
    parser.feed(html)
    parser.close()
    return parser.targets


pytestmark = pytest.mark.django_db


def _profile_url(member: User) -> str:
    return reverse("accounts:profile", kwargs={"handle": member.handle})


def _edit_data(member: User, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "display_name": member.display_name,
        "handle": member.handle,
        "role": member.role,
        "training_stage": "",
        "specialty": "",
        "institution": "",
        "graduation_year": "",
        "country": "",
        "region": "",
        "time_zone": "",
        "bio": "",
        "website": "",
        "orcid": "",
        "interests": "",
        "profile_visibility": member.profile_visibility,
    }
    data.update(overrides)
    return data


# --- Who sees a profile -----------------------------------------------------------------


def test_a_visitor_sees_a_public_adult_profile(client: Client) -> None:
    physician = PhysicianFactory.create(display_name="Dr. Amara Okafor")
    response = client.get(_profile_url(physician))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Dr. Amara Okafor" in html
    assert "verified-badge" in html


def test_profile_is_at_the_at_handle_url() -> None:
    assert _profile_url(UserFactory.create(handle="sam")) == "/@sam/"


def test_a_visitor_gets_404_for_a_minors_profile(client: Client) -> None:
    minor = HighSchoolStudentFactory.create(profile_visibility=Visibility.PUBLIC)
    assert client.get(_profile_url(minor)).status_code == 404


def test_a_minor_without_a_birth_year_is_still_hidden_from_visitors(client: Client) -> None:
    minor = HighSchoolStudentFactory.create(birth_year=None)
    assert client.get(_profile_url(minor)).status_code == 404


def test_a_member_sees_a_minors_profile(client: Client, member: User, minor: User) -> None:
    client.force_login(member)
    assert client.get(_profile_url(minor)).status_code == 200


def test_a_visitor_gets_404_for_a_members_only_profile(client: Client) -> None:
    member = UserFactory.create(profile_visibility=Visibility.MEMBERS)
    assert client.get(_profile_url(member)).status_code == 404
    client.force_login(UserFactory.create())
    assert client.get(_profile_url(member)).status_code == 200


def test_a_deleted_or_inactive_member_has_no_profile(client: Client) -> None:
    member = UserFactory.create(is_active=False)
    client.force_login(UserFactory.create())
    assert client.get(_profile_url(member)).status_code == 404


def test_visible_to_hides_minors_and_members_only_profiles_from_visitors() -> None:
    public_adult = UserFactory.create()
    UserFactory.create(profile_visibility=Visibility.MEMBERS)
    HighSchoolStudentFactory.create()
    UserFactory.create(birth_year=timezone.now().year - 17, role=Role.PREMED)
    assert list(User.objects.visible_to(AnonymousUser())) == [public_adult]


def test_visible_to_counts_someone_who_turns_18_this_year_as_a_minor() -> None:
    # Born 18 years ago this calendar year: may still be 17, so treated as a minor.
    member = UserFactory.create(birth_year=timezone.now().year - 18)
    assert member.is_minor
    assert not User.objects.visible_to(AnonymousUser()).filter(pk=member.pk).exists()
    older = UserFactory.create(birth_year=timezone.now().year - 19)
    assert User.objects.visible_to(AnonymousUser()).filter(pk=older.pk).exists()


def test_visible_to_agrees_with_is_minor_for_every_recent_birth_year() -> None:
    year = timezone.now().year
    members = [UserFactory.create(birth_year=year - age) for age in range(13, 25)]
    visible = set(User.objects.visible_to(AnonymousUser()).values_list("pk", flat=True))
    for member in members:
        assert (member.pk in visible) == (not member.is_minor)


def test_profile_page_query_count_is_fixed(
    client: Client, django_assert_max_num_queries: Any
) -> None:
    member = PhysicianFactory.create()
    for _ in range(3):
        follow(follower=UserFactory.create(), followee=member)
    viewer = UserFactory.create()
    client.force_login(viewer)
    # One of them reads the live Q&As the member hosts that are on now ("Live now"); how the
    # reader stands towards the member comes with the member's row.
    with django_assert_max_num_queries(8):
        response = client.get(_profile_url(member))
    assert response.context["member"].follower_count == 3


def test_profile_shows_details_and_rendered_bio(client: Client) -> None:
    member = PhysicianFactory.create(
        specialty="cardiology",
        institution="Lakeside",
        languages=["en", "fr"],
        interests=["mentoring"],
        orcid="0000-0002-1825-0097",
        bio_html="<p><strong>Hi</strong></p>",
    )
    html = client.get(_profile_url(member)).content.decode()
    assert "Cardiology" in html
    assert "English, French" in html
    assert "https://orcid.org/0000-0002-1825-0097" in html
    assert "<strong>Hi</strong>" in html


# --- Editing ----------------------------------------------------------------------------


def test_visitors_are_sent_to_sign_in_to_edit(client: Client) -> None:
    response = client.get(reverse("accounts:profile_edit"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_an_unverified_email_cannot_edit_the_profile(client: Client) -> None:
    client.force_login(UserFactory.create(email_verified=False))
    assert client.get(reverse("accounts:profile_edit")).status_code == 403


def test_the_edit_form_labels_its_fields(client: Client) -> None:
    client.force_login(UserFactory.create())
    html = client.get(reverse("accounts:profile_edit")).content.decode()
    for field_id in ("id_display_name", "id_handle", "id_bio", "id_avatar", "id_orcid"):
        assert f'<label for="{field_id}">' in html


def test_the_zone_database_is_read_once_however_often_the_form_is_shown(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    reads = []

    def counting_available_timezones() -> set[str]:
        reads.append(1)
        return zoneinfo.available_timezones()

    monkeypatch.setattr(time_zones, "available_timezones", counting_available_timezones)
    time_zones.time_zone_choices.cache_clear()
    client.force_login(UserFactory.create())
    try:
        first = client.get(reverse("accounts:profile_edit")).content.decode()
        client.get(reverse("accounts:profile_edit"))
        client.post(reverse("accounts:profile_edit"), {"time_zone": "Mars/Olympus"})
    finally:
        time_zones.time_zone_choices.cache_clear()
    assert len(reads) == 1
    assert '<option value="" selected>Not set</option>' in first
    assert '<option value="America/Argentina/Buenos_Aires">America/Argentina/Buenos Aires' in first


def test_a_member_edits_their_profile_and_the_bio_is_sanitised(client: Client) -> None:
    member = UserFactory.create(role=Role.MEDICAL_STUDENT)
    client.force_login(member)
    response = client.post(
        reverse("accounts:profile_edit"),
        _edit_data(
            member,
            handle="new-handle",
            specialty="undecided",
            bio="**Hello** <script>alert(1)</script> [x](javascript:alert(1))",
            interests="global health, Global Health, research",
            languages=["en", "es"],
            country="CA",
            time_zone="America/Toronto",
            website="example.org",
            orcid="https://orcid.org/0000-0002-1825-0097",
        ),
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.handle == "new-handle"
    assert "<strong>Hello</strong>" in member.bio_html
    assert "<script" not in member.bio_html
    # Every link in the bio, not only the last: none runs script; the unsafe one stays text.
    assert not [
        href
        for href in _link_targets(member.bio_html)
        if href.strip().lower().startswith("javascript:")
    ]
    assert "[x](javascript:alert(1))" in member.bio_html
    assert member.interests == ["global health", "research"]
    assert member.languages == ["en", "es"]
    assert member.orcid == "0000-0002-1825-0097"
    assert member.website == "https://example.org"
    assert str(member.country) == "CA"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("orcid", "0000-0002-1825-0098", "check character is wrong"),
        ("orcid", "1234", "Enter an ORCID iD like"),
        ("handle", "Bad Handle!", "lowercase letters, digits and hyphens"),
        ("handle", "admin", "reserved"),
        ("handle", "ab", "3 to 30 characters"),
        ("website", "javascript:alert(1)", "Enter a valid URL"),
        ("graduation_year", "1800", "Enter a year between"),
        ("specialty", "astrology", "Select a valid choice"),
        ("time_zone", "Mars/Olympus", "Select a valid choice"),
        ("languages", ["xx"], "Select a valid choice"),
    ],
)
def test_bad_profile_input_is_a_field_error(
    client: Client, field: str, value: Any, message: str
) -> None:
    member = UserFactory.create()
    client.force_login(member)
    response = client.post(reverse("accounts:profile_edit"), _edit_data(member, **{field: value}))
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert f'id="id_{field}_error"' in html


def test_a_taken_handle_is_refused(client: Client) -> None:
    UserFactory.create(handle="taken")
    member = UserFactory.create()
    client.force_login(member)
    response = client.post(reverse("accounts:profile_edit"), _edit_data(member, handle="taken"))
    assert "This handle is taken" in response.content.decode()


def test_undecided_is_only_for_students(client: Client) -> None:
    member = PhysicianFactory.create()
    client.force_login(member)
    response = client.post(
        reverse("accounts:profile_edit"), _edit_data(member, specialty="undecided")
    )
    assert "is for students" in response.content.decode()


def test_orcid_checksum_accepts_x_check_character() -> None:
    assert orcid_check_character("000000029079593") == "X"
    validate_orcid("0000-0002-9079-593X")
    with pytest.raises(ValidationError) as error:
        validate_orcid("0000-0002-9079-5930")
    assert error.value.code == "orcid_checksum"


def test_a_minor_cannot_make_their_profile_public(client: Client) -> None:
    minor = HighSchoolStudentFactory.create(profile_visibility=Visibility.MEMBERS)
    client.force_login(minor)
    page = client.get(reverse("accounts:profile_edit")).content.decode()
    assert "Because you are under 18" in page
    client.post(reverse("accounts:profile_edit"), _edit_data(minor, profile_visibility="public"))
    minor.refresh_from_db()
    assert minor.profile_visibility == Visibility.MEMBERS


def test_changing_role_clears_a_verification(client: Client) -> None:
    physician = PhysicianFactory.create()
    client.force_login(physician)
    client.post(
        reverse("accounts:profile_edit"), _edit_data(physician, role=Role.HEALTH_PROFESSIONAL)
    )
    physician.refresh_from_db()
    assert not physician.is_verified


# --- Avatars ----------------------------------------------------------------------------


def _post_avatar(client: Client, member: User, upload: Any) -> TestResponse:
    return client.post(reverse("accounts:profile_edit"), {**_edit_data(member), "avatar": upload})


def _stored(field: Any) -> Image.Image:
    field.open("rb")
    try:
        return Image.open(io.BytesIO(field.read()))
    finally:
        field.close()


def test_an_avatar_becomes_two_square_thumbnails_without_gps(client: Client) -> None:
    member = UserFactory.create()
    client.force_login(member)
    response = _post_avatar(client, member, image_upload(size=(300, 200), gps=True))
    assert response.status_code == 302
    member.refresh_from_db()
    small, large = _stored(member.avatar_small), _stored(member.avatar_large)
    assert small.size == (64, 64) and large.size == (256, 256)
    for stored in (small, large):
        assert stored.format == "WEBP"
        assert len(stored.getexif()) == 0
        assert "exif" not in stored.info
    for field in (member.avatar_small, member.avatar_large):
        field.open("rb")
        raw = field.read()
        field.close()
        assert b"GPS" not in raw and b"PhoneCo" not in raw and b"EXIF" not in raw


def test_the_original_upload_is_never_stored(client: Client, settings: Any) -> None:
    member = UserFactory.create()
    client.force_login(member)
    _post_avatar(client, member, image_upload(name="holiday-original.jpg"))
    stored = [path.name for path in settings.MEDIA_ROOT.rglob("*") if path.is_file()]
    assert len(stored) == 2
    assert all(name.endswith(".webp") for name in stored)
    assert not any("holiday" in name for name in stored)


def test_a_new_avatar_replaces_the_old_files(
    client: Client, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    member = UserFactory.create()
    client.force_login(member)
    with django_capture_on_commit_callbacks(execute=True):
        _post_avatar(client, member, image_upload())
    with django_capture_on_commit_callbacks(execute=True):
        _post_avatar(client, member, image_upload("PNG", name="b.png"))
    assert len([path for path in settings.MEDIA_ROOT.rglob("*") if path.is_file()]) == 2


def test_removing_the_avatar_deletes_its_files(client: Client, settings: Any) -> None:
    member = UserFactory.create()
    client.force_login(member)
    _post_avatar(client, member, image_upload())
    member.refresh_from_db()
    client.post(reverse("accounts:profile_edit"), {**_edit_data(member), "remove_avatar": "on"})
    member.refresh_from_db()
    assert not member.avatar_small
    assert not [path for path in settings.MEDIA_ROOT.rglob("*") if path.is_file()]


def test_an_oversized_avatar_is_a_form_error_naming_the_limit(client: Client) -> None:
    member = UserFactory.create()
    client.force_login(member)
    data = image_upload("PNG", name="big.png").read() + b"\x00" * (5 * 1024 * 1024)
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = _post_avatar(client, member, SimpleUploadedFile("big.png", data))
    html = response.content.decode()
    assert response.status_code == 200
    assert "the limit is 5 MB" in html
    assert 'id="id_avatar_error"' in html


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"GIF89a" + b"\x00" * 100, "this file is a GIF image"),
        (b"hello, I am text", "not an image we can read"),
        ("truncated", "damaged or incomplete"),
        ("bomb", "decompression bomb"),
    ],
)
def test_a_bad_avatar_is_a_form_error_saying_what_is_wrong(
    client: Client, content: Any, message: str
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.accounts.test_images import _png_declaring

    if content == "truncated":
        whole = image_upload(size=(400, 300), quality=95).read()
        content = whole[: len(whole) // 2]
    elif content == "bomb":
        content = _png_declaring(20_000, 20_000)
    member = UserFactory.create()
    client.force_login(member)
    response = _post_avatar(client, member, SimpleUploadedFile("photo.jpg", content))
    assert response.status_code == 200
    assert message in response.content.decode()
    member.refresh_from_db()
    assert not member.avatar_small


def test_zones_are_read_once_per_name_and_unknown_names_are_not_kept(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    reads: list[str] = []

    def counting_zone_info(name: str) -> zoneinfo.ZoneInfo:
        reads.append(name)
        return zoneinfo.ZoneInfo(name)

    monkeypatch.setattr(time_zones, "ZoneInfo", counting_zone_info)
    time_zones.zone.cache_clear()
    names = [name for name, _label in time_zones.time_zone_choices()[:20]]
    try:
        # More zones than ZoneInfo's own cache keeps, each asked for twice.
        first = [time_zones.zone(name) for name in names]
        second = [time_zones.zone(name) for name in names]
        for _ in range(2):
            with pytest.raises(zoneinfo.ZoneInfoNotFoundError):
                time_zones.zone("Mars/Olympus")
    finally:
        time_zones.zone.cache_clear()
    assert first == second
    assert [zone.key for zone in first] == names
    assert reads == [*names, "Mars/Olympus", "Mars/Olympus"]


@pytest.mark.parametrize("name", ["", None, "Mars/Olympus", "../etc/passwd"])
def test_an_empty_or_unknown_zone_is_utc(name: object) -> None:
    assert time_zones.zone_or_utc(name).key == "UTC"


def test_a_known_zone_is_itself() -> None:
    assert time_zones.zone_or_utc("Asia/Kolkata").key == "Asia/Kolkata"
