"""The public catalogue API reads its page as plain rows: the same answer as the model path it
replaced, levels in their order, and a query count that does not follow the page's size."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from onex.catalog.models import Certificate, Level
from onex.catalog.selectors import catalogue
from onex.catalog.services.certificates import certificate_create, certificate_level_set
from onex.core.paging import CappedPaginator, PagedRows
from tests.factories_catalog import Catalog, catalog_fixture  # noqa: F401 (fixture)

API = "/api/v1/catalog/certificates"


def _add(catalog: Catalog, n: int) -> None:
    """``n`` more certificates of batch 2, each with its levels set senior first."""
    ministry = catalog.p.ministry.actor
    start = Certificate.objects.count() - 1
    for i in range(start, start + n):
        certificate = certificate_create(
            actor=ministry,
            code=f"C2-{i + 10:02d}",
            name=f"证书{i}",
            org=catalog.p.org_obj,
            batch=catalog.batch,
            position=i + 10,
            field="物流",
            specialties=["物流管理"],
        )
        for level in (Level.SENIOR, Level.JUNIOR, Level.INTERMEDIATE):
            certificate_level_set(
                actor=ministry, certificate=certificate, level=level, cost_ceiling="120.10"
            )


def _queries(path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert Client().get(path).status_code == 200
    return len(captured)


def test_rows_are_what_the_models_say_with_levels_in_order(catalog: Catalog) -> None:
    _add(catalog, 2)
    (row,) = catalogue.certificate_rows(Certificate.objects.filter(code="C2-10"))
    model = Certificate.objects.get(code="C2-10")
    assert row["name"] == model.name and row["org_name"] == model.org.name
    assert row["batch"] == 2 and row["position"] == 10 and row["specialties"] == ["物流管理"]
    assert [lv["level"] for lv in row["levels"]] == ["junior", "intermediate", "senior"]
    assert [lv["label"] for lv in row["levels"]] == ["初级", "中级", "高级"]
    assert row["levels"][0]["cost_ceiling"] == Decimal("120.10")
    assert catalogue.certificate_rows(Certificate.objects.none()) == []


def test_api_page_queries_do_not_follow_the_page_size(catalog: Catalog) -> None:
    _add(catalog, 1)
    two = _queries(f"{API}?page_size=2")
    _add(catalog, 12)
    assert _queries(f"{API}?page_size=12") == two


def test_api_pages_the_rows_in_catalogue_order(catalog: Catalog) -> None:
    _add(catalog, 4)
    client = Client()
    first = client.get(API, {"page_size": 2}).json()
    second = client.get(API, {"page_size": 2, "page": 2}).json()
    codes = [item["code"] for item in first["items"] + second["items"]]
    assert codes == ["C2-01", "C2-10", "C2-11", "C2-12"]
    assert first["count"] == 5 and first["has_next"] is True
    assert second["items"][0]["levels"][2] == {
        "level": "senior",
        "label": "高级",
        "description": "",
        "cost_ceiling": "120.10",
    }


def test_detail_is_its_list_row_with_the_details(catalog: Catalog) -> None:
    client = Client()
    (item,) = client.get(API).json()["items"]
    detail = client.get(f"{API}/C2-01").json()
    assert {key: detail[key] for key in item} == item
    assert detail["batch_published_on"] == "2019-09-11"
    assert detail["standard"] is None and detail["description"] == ""


def test_paged_rows_are_counted_and_sliced_on_the_queryset(catalog: Catalog) -> None:
    _add(catalog, 4)
    built: list[int] = []

    def build(page: Any) -> list[str]:
        codes = [c.code for c in page]
        built.append(len(codes))
        return codes

    rows = PagedRows(Certificate.objects.order_by("code"), build)
    paginator = CappedPaginator(rows, 2, cap=3)
    assert (paginator.count, paginator.capped) == (3, True)
    assert built == []  # counting builds nothing
    assert paginator.rows(2) == (["C2-11", "C2-12"], True)
    assert built == [3]  # the page and one row more, past the cap
