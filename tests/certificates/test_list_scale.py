"""National-scale lists: the capped count, deep pages, the export limit and the search indexes.

The cap is a setting (platform default 10,000); here it is 3, so seven certificates are "more
than the cap" and every branch shows at a tiny size.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from onex.api import api
from onex.certificates.models import IssuedCertificate
from onex.certificates.selectors.certificates import (
    _after_prefix,
    certificate_filter_options,
    certificate_list,
)
from onex.core.paging import CappedPaginator, PageTooDeep, capped_count
from onex.core.search import search_index_statements
from onex.core.xlsx import ExportTooLarge, write_xlsx
from tests.factories_certificates import World, client_for, resident_id

API = "/api/v1/certificates"
PAGE = "/certificates/"
ROWS = 7


@pytest.fixture
def seven(world: World, settings: Any) -> World:
    settings.ONEX_LIST_COUNT_CAP = 3
    settings.ONEX_LIST_MAX_OFFSET = 4
    for n in range(ROWS):
        world.enter(
            name=f"测试持证人{n}",
            id_number=resident_id(f"440106199803{n + 1:02d}001"),
            issued_on=dt.date(2020, 6, 1) + dt.timedelta(days=n),
            entered_on=dt.date(2020, 6, 3) + dt.timedelta(days=n),
        )
    return world


def test_count_is_exact_up_to_the_cap_and_never_past_it(seven: World) -> None:
    qs = IssuedCertificate.objects.order_by("-issued_on", "-pk")
    assert capped_count(qs, 10) == (ROWS, False)
    assert capped_count(qs, ROWS) == (ROWS, False)
    assert capped_count(qs, 3) == (3, True)
    with CaptureQueriesContext(connection) as queries:
        capped_count(qs, 3)
    (sql,) = [q["sql"] for q in queries.captured_queries]
    # One bounded count, without the list's ORDER BY: never an exact COUNT(*) of the table.
    assert "LIMIT 4" in sql and "ORDER BY" not in sql, sql


def test_paginator_pages_past_the_cap_with_next_and_refuses_too_deep(seven: World) -> None:
    qs = IssuedCertificate.objects.order_by("pk")
    pks = list(qs.values_list("pk", flat=True))
    paginator = CappedPaginator(qs, 2, cap=3, deepest=4)
    assert (paginator.count, paginator.capped, paginator.num_pages) == (3, True, 2)
    first = paginator.get_page(1)
    assert [c.pk for c in first] == pks[:2] and first.has_next() and not first.has_previous()
    # Page 3 is past the counted range (2 pages of the cap): read anyway, "next" from one more row.
    third = paginator.get_page(3)
    assert [c.pk for c in third] == pks[4:6] and third.has_previous()
    assert not third.has_next()  # page 4 would start at row 6, deeper than 4
    with pytest.raises(PageTooDeep):
        paginator.get_page(4)
    # Under the cap the paginator is Django's: exact count, last page when out of range.
    exact = CappedPaginator(qs, 2, cap=100, deepest=4)
    assert (exact.count, exact.capped, exact.num_pages) == (ROWS, False, 4)
    assert exact.get_page(99).number == 4


def test_api_page_says_the_count_is_capped_and_pages_on(seven: World) -> None:
    ministry = client_for(seven.p.ministry)
    body = ministry.get(API, {"page_size": 2}).json()
    assert (body["count"], body["count_capped"], body["has_next"]) == (3, True, True)
    assert len(body["items"]) == 2
    past = ministry.get(API, {"page_size": 2, "page": 3}).json()  # past the counted 3 rows
    assert len(past["items"]) == 2 and past["count_capped"] and not past["has_next"]
    deep = ministry.get(API, {"page_size": 2, "page": 4})
    assert deep.status_code == 422 and deep.json()["code"] == "page_too_deep"
    assert "缩小范围" in deep.json()["message"]
    # Under the cap: exact count, has_next from it, and an empty page past the end.
    gd = client_for(seven.p.hb).get(API, {"page_size": 2}).json()
    assert (gd["count"], gd["count_capped"], gd["has_next"]) == (0, False, False)


def test_api_page_schema_documents_the_capped_count() -> None:
    schema = api.get_openapi_schema()["components"]["schemas"]["PagedCertificateOut"]
    assert {"count", "count_capped", "has_next"} <= set(schema["required"])
    assert schema["properties"]["count_capped"]["type"] == "boolean"
    assert "ONEX_LIST_COUNT_CAP" in schema["properties"]["count"]["description"]


def test_page_shows_more_than_the_cap_and_refuses_a_deep_page(seven: World, settings: Any) -> None:
    ministry = client_for(seven.p.ministry)
    html = ministry.get(PAGE).content.decode()
    assert "超过 3 条" in html and "data-count-capped" in html and "平台默认值" in html
    assert "共 3 张证书" not in html and html.count("测试持证人") == ROWS
    settings.ONEX_LIST_COUNT_CAP = 100
    html = ministry.get(PAGE).content.decode()
    assert "data-count-capped" not in html and f"共 {ROWS} 张证书" in html
    settings.ONEX_LIST_COUNT_CAP = 3
    deep = ministry.get(PAGE, {"page": 2})  # 50 a page: row 50 is past the depth of 4
    assert deep.status_code == 422 and "缩小范围" in deep.content.decode()


def test_pager_keeps_previous_and_next_past_the_cap(seven: World, settings: Any) -> None:
    qs = IssuedCertificate.objects.order_by("pk")
    page = CappedPaginator(qs, 2, cap=3, deepest=4).get_page(2)
    request = RequestFactory().get(PAGE, {"q": "测试"})
    html = render_to_string("includes/pagination.html", {"page_obj": page}, request=request)
    assert 'rel="prev"' in html and 'rel="next"' in html and "超过 3 条" in html
    assert "page=3" in html and "q=" in html  # next page past the counted 2, filters kept


def test_export_past_the_limit_is_refused_before_writing(seven: World, settings: Any) -> None:
    settings.ONEX_EXPORT_MAX_ROWS = ROWS - 1
    ministry = client_for(seven.p.ministry)
    page = ministry.get(PAGE, {"format": "xlsx"})
    assert page.status_code == 422 and "导出超过 6 行" in page.content.decode()
    api = ministry.get(f"{API}/export.xlsx")
    assert api.status_code == 422 and api.json()["code"] == "export_too_large"
    settings.ONEX_EXPORT_MAX_ROWS = ROWS
    assert ministry.get(PAGE, {"format": "xlsx"}).status_code == 200


def test_write_xlsx_stops_at_its_row_limit(tmp_path: Any) -> None:
    rows = ((n,) for n in range(10))
    with pytest.raises(ExportTooLarge):
        write_xlsx(path=str(tmp_path / "x.xlsx"), headers=["n"], rows=rows, sheet="s", max_rows=5)
    assert (
        write_xlsx(
            path=str(tmp_path / "y.xlsx"), headers=["n"], rows=[(1,), (2,)], sheet="s", max_rows=2
        )
        == 2
    )


def _plan(qs: Any) -> str:
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        # A few rows: make every plan but the bitmap scans that big tables use look dear.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_trgm is PostgreSQL's")
def test_search_uses_the_trigram_and_prefix_indexes(seven: World) -> None:
    table = IssuedCertificate._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # fire the deferred checks first
        cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        for sql in search_index_statements(
            table, trigram=["holder_name"], prefix=["number", "holder_name"], concurrently=False
        ):
            cursor.execute(sql)
        cursor.execute(f'ANALYZE "{table}"')
    actor = seven.p.ministry.actor
    by_name = _plan(certificate_list(actor=actor, q="持证人3").order_by())
    assert f"{table}_holder_name_trgm" in by_name, by_name
    number = IssuedCertificate.objects.first().number  # type: ignore[union-attr]
    by_number = _plan(certificate_list(actor=actor, q=number[:10]).order_by())
    # A number term is a range on the number's unique index (or its prefix index).
    assert f"{table}_number_key" in by_number or f"{table}_number_prefix" in by_number, by_number
    found = certificate_list(actor=actor, q="持证人3")
    assert [c.holder_name for c in found] == ["测试持证人3"]
    short = _plan(certificate_list(actor=actor, q="测试").order_by())
    assert f"{table}_holder_name_prefix" in short, short


def test_a_short_name_term_matches_names_that_start_with_it(seven: World) -> None:
    # Under three characters there is no trigram: a surname or a two-character name is matched
    # from the start of the name (a prefix index), never searched inside 10 million names.
    actor = seven.p.ministry.actor
    assert certificate_list(actor=actor, q="测试").count() == ROWS
    assert certificate_list(actor=actor, q="持证").count() == 0
    assert certificate_list(actor=actor, q="持证人").count() == ROWS  # three: anywhere


def test_after_prefix_is_the_next_string_of_the_number_alphabet() -> None:
    assert _after_prefix("2023") == "2024"
    assert _after_prefix("2029") == "202A"
    assert _after_prefix("20Z") == "21"
    assert _after_prefix("ZZ") is None


def test_a_number_term_lists_the_certificates_it_begins_in_number_order(seven: World) -> None:
    # Newest-issued first, a year's prefix ("2023", a third of all certificates) walked past
    # every later year's certificates before the first match: tens of seconds at 10 million.
    # Through the number's index in number order it is one index range.
    actor = seven.p.ministry.actor
    numbers = sorted(IssuedCertificate.objects.values_list("number", flat=True), reverse=True)
    year = numbers[0][:4]
    assert [c.number for c in certificate_list(actor=actor, q=year)] == [
        n for n in numbers if n.startswith(year)
    ]
    assert [c.number for c in certificate_list(actor=actor, q=numbers[-1])] == [numbers[-1]]
    spaced = f" {numbers[1][:4]} {numbers[1][4:9]}-{numbers[1][9:]} "  # as printed, with spaces
    assert [c.number for c in certificate_list(actor=actor, q=spaced)] == [numbers[1]]
    assert not certificate_list(actor=actor, q="1999").exists()


def test_filter_options_are_what_the_actors_certificates_belong_to_without_a_distinct(
    seven: World,
) -> None:
    # Asked of the catalogue and the provinces with an EXISTS each: a DISTINCT over every
    # issued certificate in scope took 2.5 s per option list at 10 million certificates.
    for persona in (seven.p.ministry, seven.p.gd, seven.p.hb):
        scope = certificate_list(actor=persona.actor)
        expected_certificates = sorted(
            {(str(c.certificate_id), c.certificate.name) for c in scope}, key=lambda x: x[1]
        )
        expected_provinces = sorted({(c.province.code, c.province.name) for c in scope})
        with CaptureQueriesContext(connection) as queries:
            options = certificate_filter_options(actor=persona.actor)
        assert options["certificates"] == expected_certificates
        assert options["provinces"] == expected_provinces
        assert not any("DISTINCT" in q["sql"] for q in queries.captured_queries)
    assert certificate_filter_options(actor=seven.p.ministry.actor)["provinces"]
