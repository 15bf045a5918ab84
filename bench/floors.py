"""The floors the benchmarks compare with, and a URLconf that adds them to the project's URLs.

run.py serves this module as ROOT_URLCONF (through `override_settings`), so the floors go through the
same middleware, request handling and test client as the pages they are compared with.
"""

from django.db import connection
from django.http import HttpResponse
from django.urls import include, path
from django.utils.html import escape

from musichub.core.permissions import public
from musichub.partners.models import Partner

PAGE_SIZE = 20
BARE_URL = "/__bench__/bare/"
SQL_URL = "/__bench__/sql-partners/"


@public
def bare(request):
    """Floor 1: what Django itself costs for a request (middleware, URL resolution, response)."""
    return HttpResponse("ok")


def first_page_sql() -> list[tuple]:
    """The directory's first page by hand: published partners, the lead first, then local, regional and
    national ones, each by name (the order of partners.selectors.published_partners())."""
    qn = connection.ops.quote_name
    sql = (
        f"SELECT {qn('slug')}, {qn('name')}, {qn('level')}, {qn('summary')} "
        f"FROM {qn(Partner._meta.db_table)} "
        f"WHERE {qn('is_published')} = %s "
        f"ORDER BY CASE {qn('level')} WHEN 'lead' THEN 0 WHEN 'local' THEN 1 "
        f"WHEN 'regional' THEN 2 WHEN 'national' THEN 3 END, {qn('name')} "
        f"LIMIT {PAGE_SIZE}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [True])
        return cursor.fetchall()


@public
def sql_partners(request):
    """Floor 2: the directory's first page from hand-written SQL, rendered with a string join."""
    items = "".join(
        f'<li><a href="/partners/{escape(slug)}/">{escape(name)}</a> {escape(level)}: {escape(summary)}</li>'
        for slug, name, level, summary in first_page_sql()
    )
    return HttpResponse(f"<!doctype html><title>Partners</title><ul>{items}</ul>")


urlpatterns = [
    path(BARE_URL.strip("/") + "/", bare),
    path(SQL_URL.strip("/") + "/", sql_partners),
    path("", include("musichub.urls")),
]
