"""`community.expressions.AnyOf`: rows whose column is one of a list, on every database."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from community.expressions import AnyOf
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("chosen", [[0, 2], [1], [], [0, 1, 2, 3]])
def test_it_keeps_exactly_the_rows_whose_column_is_in_the_list(chosen: list[int]) -> None:
    from accounts.models import User

    members = [UserFactory.create() for _ in range(4)]
    ids = [members[index].pk for index in chosen]
    found = User.objects.filter(AnyOf("pk", ids)).values_list("pk", flat=True)
    assert sorted(found) == sorted(ids)


def test_on_postgresql_the_list_is_one_array_parameter() -> None:
    from accounts.models import User

    members = [UserFactory.create() for _ in range(3)]
    with CaptureQueriesContext(connection) as captured:
        list(User.objects.filter(AnyOf("pk", [member.pk for member in members])))
    (sql,) = [query["sql"] for query in captured.captured_queries]
    if connection.vendor == "postgresql":
        assert "= ANY('{" in sql
    else:
        assert sql.count(str(members[0].pk)) == 1 and " IN (" in sql
