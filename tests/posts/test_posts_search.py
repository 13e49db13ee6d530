"""Search: full-text on PostgreSQL, contains on SQLite, the same visibility as the pages."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from django.urls import reverse

from accounts.models import Block
from accounts.models import Visibility as ProfileVisibility
from posts.models import Visibility
from posts.search import highlight, parse_terms, search
from posts.services import delete_post, publish_post
from tests.conftest import warm_rail
from tests.factories import HighSchoolStudentFactory, PhysicianFactory, UserFactory
from tests.posts.factories import CircleFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def _titles(results: Any) -> set[str]:
    return {post.title for post in results.posts}


@pytest.fixture
def library() -> dict[str, Any]:
    author = PhysicianFactory.create(display_name="Dr. Ada Cardio", handle="ada-cardio")
    private = CircleFactory.create(name="Cardiology fellows", is_private=True)
    MembershipFactory.create(circle=private, member=author)
    insider = UserFactory.create()
    MembershipFactory.create(circle=private, member=insider)
    publish_post(author=author, title="Public sepsis pearl", body="Give fluids in sepsis.")
    publish_post(
        author=author,
        title="Members sepsis pearl",
        body="Lactate in sepsis.",
        visibility=Visibility.MEMBERS,
    )
    publish_post(
        author=author,
        title="Group sepsis pearl",
        body="Sepsis bundles.",
        visibility=Visibility.GROUP,
        circle=private,
    )
    return {"author": author, "insider": insider, "private": private}


def test_visitors_find_only_public_posts(library: dict[str, Any]) -> None:
    assert _titles(search(AnonymousUser(), "sepsis")) == {"Public sepsis pearl"}


def test_members_find_members_only_but_not_private_group_posts(library: dict[str, Any]) -> None:
    assert _titles(search(UserFactory.create(), "sepsis")) == {
        "Public sepsis pearl",
        "Members sepsis pearl",
    }


def test_group_members_find_their_group_posts(library: dict[str, Any]) -> None:
    assert "Group sepsis pearl" in _titles(search(library["insider"], "sepsis"))


def test_nothing_from_a_member_who_blocked_you(library: dict[str, Any]) -> None:
    blocked = UserFactory.create()
    Block.objects.create(blocker=library["author"], blocked=blocked)
    results = search(blocked, "sepsis")
    assert results.posts == [] and results.people == []
    assert search(blocked, "cardio").people == []


def test_nothing_from_a_member_you_blocked(library: dict[str, Any]) -> None:
    blocker = UserFactory.create()
    Block.objects.create(blocker=blocker, blocked=library["author"])
    assert search(blocker, "sepsis").posts == []


def test_deleted_posts_leave_search() -> None:
    post = publish_post(author=UserFactory.create(), title="Vanishing pearl", body="bradycardia")
    delete_post(post=post, member=post.author)
    assert search(UserFactory.create(), "bradycardia").posts == []


def test_people_search_respects_profile_visibility() -> None:
    PhysicianFactory.create(display_name="Nadia Nephro", handle="nadia")
    HighSchoolStudentFactory.create(display_name="Nadia Student", handle="nadia-student")
    UserFactory.create(
        display_name="Nadia Private",
        handle="nadia-private",
        profile_visibility=ProfileVisibility.MEMBERS,
    )
    visitor = {person.handle for person in search(AnonymousUser(), "nadia").people}
    member = {person.handle for person in search(UserFactory.create(), "nadia").people}
    assert visitor == {"nadia"}
    assert member == {"nadia", "nadia-student", "nadia-private"}


def test_groups_are_found_by_name_and_description(library: dict[str, Any]) -> None:
    CircleFactory.create(name="Global surgery", description="Cardiology outreach too")
    names = {circle.name for circle in search(AnonymousUser(), "cardiology").circles}
    assert names == {"Cardiology fellows", "Global surgery"}


def test_hashtags_are_searchable() -> None:
    publish_post(author=UserFactory.create(), title="Tagged", body="see #Hyponatremia")
    assert _titles(search(UserFactory.create(), "hyponatremia")) == {"Tagged"}


def test_minus_excludes_and_quotes_keep_a_phrase() -> None:
    author = UserFactory.create()
    publish_post(author=author, title="Adult", body="heart failure in adults")
    publish_post(author=author, title="Pediatric", body="heart failure in pediatric patients")
    publish_post(author=author, title="Scattered", body="failure of the heart valve")
    assert _titles(search(UserFactory.create(), "heart failure -pediatric")) == {
        "Adult",
        "Scattered",
    }
    assert _titles(search(UserFactory.create(), '"heart failure"')) == {"Adult", "Pediatric"}


def test_snippets_mark_matches_and_escape_everything_else() -> None:
    publish_post(
        author=UserFactory.create(),
        title="Markup",
        body="Hypokalemia when K < 3.5 & weak <script>alert(1)</script> hypokalemia",
    )
    (post,) = search(UserFactory.create(), "hypokalemia").posts
    snippet = str(post.snippet)
    assert "<mark>Hypokalemia</mark>" in snippet
    assert "<script" not in snippet
    assert "K &lt; 3.5 &amp; weak" in snippet


def test_highlight_only_turns_sentinels_into_marks() -> None:
    assert str(highlight("a \x02b\x03 <i>")) == "a <mark>b</mark> &lt;i&gt;"
    assert str(highlight("unbalanced \x02b")) == "unbalanced b"


def test_parse_terms() -> None:
    assert parse_terms('"heart failure" -child #ecg @ada') == (
        ["heart failure", "ecg", "ada"],
        ["child"],
    )


@pytest.mark.postgres
def test_results_are_ranked_title_first() -> None:
    author = UserFactory.create()
    publish_post(author=author, title="Notes", body="A long note that mentions anemia once.")
    publish_post(author=author, title="Anemia", body="Iron studies first.")
    titles = [post.title for post in search(UserFactory.create(), "anemia").posts]
    assert titles == ["Anemia", "Notes"]


@pytest.mark.postgres
def test_stemming_matches_word_forms() -> None:
    publish_post(
        author=UserFactory.create(), title="Transfusions", body="when transfusing platelets"
    )
    assert _titles(search(UserFactory.create(), "transfused")) == {"Transfusions"}


@pytest.mark.postgres
def test_the_search_vector_has_a_gin_index_with_the_posts_week() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'posts_post' "
            "AND indexdef LIKE '%%search_vector%%'"
        )
        ((name, definition),) = cursor.fetchall()
    assert name == "post_search_week_gin"
    assert "gin (search_vector, (" in definition.lower()
    assert "at time zone 'utc'" in definition.lower()


def test_the_search_page(library: dict[str, Any]) -> None:
    response = Client().get(reverse("posts:search"), {"q": "sepsis"})
    content = response.content.decode()
    assert response.status_code == 200
    assert "Public sepsis pearl" in content and "Members sepsis pearl" not in content
    assert "Cardiology fellows" not in content
    assert 'id="people-title"' not in content


def test_the_search_page_lists_people_and_groups(library: dict[str, Any]) -> None:
    content = Client().get(reverse("posts:search"), {"q": "cardio"}).content.decode()
    assert 'id="people-title"' in content and "Dr. Ada Cardio" in content
    assert 'id="groups-title"' in content and "Cardiology fellows" in content


def test_an_empty_search_shows_the_form() -> None:
    response = Client().get(reverse("posts:search"))
    assert response.status_code == 200
    assert b"Nothing found" not in response.content


def test_results_read_only_what_they_show_and_no_more_queries_for_more_results() -> None:
    """Posts with their authors and groups, and people, are read with the columns the
    results show; showing them reads nothing more, however many there are."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from accounts.models import VerificationStatus
    from tests.factories import PhysicianFactory
    from tests.posts.factories import CircleFactory, MembershipFactory

    circle = CircleFactory.create(name="Renal ward")
    for index in range(12):
        person = PhysicianFactory.create(
            display_name=f"Kidney Fan {index:02d}",
            verification_status=(
                VerificationStatus.VERIFIED if index % 2 else VerificationStatus.UNVERIFIED
            ),
        )
        in_group = index % 3 == 0
        if in_group:
            MembershipFactory.create(circle=circle, member=person)
        publish_post(
            author=person,
            title=f"Kidney pearl {index}",
            body="Kidney notes.",
            visibility=Visibility.GROUP if in_group else Visibility.PUBLIC,
            circle=circle if in_group else None,
        )

    def shown(query: str) -> tuple[str, list[str]]:
        with CaptureQueriesContext(connection) as captured:
            html = client.get(reverse("posts:search"), {"q": query}).content.decode()
        return html, [entry["sql"] for entry in captured.captured_queries]

    client = Client()
    client.force_login(UserFactory.create())
    warm_rail(client)
    html, reads = shown("kidney")
    people = html[html.index('id="people-title"') : html.index('id="posts-title"')]
    assert people.count("Kidney Fan") == 10 and people.count("✓ Verified") == 5
    assert people.count("Physician") == 10
    assert html.count('class="snippet"') == 12 and html.count("in Renal ward") == 4
    results = [sql for sql in reads if "kidney" in sql.lower()]
    assert len(results) >= 2
    assert not [sql for sql in results if '"body_html"' in sql or '"password"' in sql]
    _html, fewer = shown("kidney pearl 1")
    assert len(fewer) == len(reads)
