"""Framework pages: every role reads them; only administrators change them."""

from __future__ import annotations

from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from parindex.conftest import DEMO_FRAMEWORKS, Cast
from parindex.frameworks.models import Framework
from parindex.frameworks.services import framework_freeze, framework_import
from parindex.frameworks.yamlio import tree_from_yaml, tree_to_yaml

ROLES = ["admin", "scorer_a", "head_a", "appraiser", "chair", "viewer"]
DEPARTMENTS = DEMO_FRAMEWORKS / "so-nganh-2023.yaml"


@pytest.fixture
def framework(cast: Cast) -> Framework:
    return framework_import(tree=tree_from_yaml(DEPARTMENTS.read_bytes()), by=cast.admin)


@pytest.mark.parametrize("who", ROLES)
def test_every_role_reads_the_tree_with_points_and_guidance(
    cast: Cast, framework: Framework, who: str
) -> None:
    client = cast.client(getattr(cast, who))
    page = client.get(framework.get_absolute_url()).content.decode()
    assert "Công tác chỉ đạo, điều hành cải cách hành chính" in page
    assert "92,00" in page  # Vietnamese number format of the maximum
    assert "Hướng dẫn chấm điểm" in page or "hướng dẫn" in page.lower()
    assert client.get(reverse("frameworks:list")).status_code == 200
    assert client.get(reverse("frameworks:export_yaml", args=[framework.pk])).status_code == 200


def test_the_framework_page_reads_the_tree_in_a_fixed_number_of_queries(
    cast: Cast, framework: Framework, django_assert_max_num_queries: object
) -> None:
    client = cast.client(cast.viewer)
    client.get(framework.get_absolute_url())
    with django_assert_max_num_queries(8):  # type: ignore[operator]
        client.get(framework.get_absolute_url())
    with django_assert_max_num_queries(6):  # type: ignore[operator]
        client.get(reverse("frameworks:list"))


def test_downloads_give_back_the_same_framework(cast: Cast, framework: Framework) -> None:
    client = cast.client(cast.scorer_a)
    yaml_response = client.get(reverse("frameworks:export_yaml", args=[framework.pk]))
    assert yaml_response["Content-Disposition"].endswith('so-nganh-2023-v1.yaml"')
    assert tree_from_yaml(yaml_response.content) == framework.to_tree()
    xlsx = client.get(reverse("frameworks:export_xlsx", args=[framework.pk])).content
    assert load_workbook(BytesIO(xlsx)).sheetnames == ["Bộ tiêu chí", "Hướng dẫn"]


@pytest.mark.parametrize("who", ["scorer_a", "head_a", "appraiser", "chair", "viewer"])
def test_only_administrators_import_or_change_frameworks(
    cast: Cast, framework: Framework, who: str
) -> None:
    client = cast.client(getattr(cast, who))
    upload = SimpleUploadedFile("f.yaml", DEPARTMENTS.read_bytes())
    assert client.get(reverse("frameworks:import")).status_code == 403
    assert client.post(reverse("frameworks:import"), {"file": upload}).status_code == 403
    for name in ("freeze", "new_version", "copy"):
        assert (
            client.post(
                reverse(f"frameworks:{name}", args=[framework.pk]), {"year": 2030, "carry": "yes"}
            ).status_code
            == 403
        )
    preview = client.get(reverse("frameworks:copy", args=[framework.pk]), {"year": 2030})
    assert preview.status_code == 403
    framework.refresh_from_db()
    assert framework.status == "draft"
    assert Framework.objects.count() == 1


def test_an_administrator_imports_yaml_and_excel(cast: Cast) -> None:
    client = cast.client(cast.admin)
    upload = SimpleUploadedFile("so-nganh.yaml", DEPARTMENTS.read_bytes())
    response = client.post(reverse("frameworks:import"), {"file": upload})
    framework = Framework.objects.get()
    assert response.status_code == 302 and response["Location"] == framework.get_absolute_url()
    xlsx = client.get(reverse("frameworks:export_xlsx", args=[framework.pk])).content
    framework_freeze(framework=framework)
    response = client.post(
        reverse("frameworks:import"), {"file": SimpleUploadedFile("so-nganh.xlsx", xlsx)}
    )
    assert response.status_code == 302
    assert list(Framework.objects.values_list("version", flat=True).order_by("version")) == [1, 2]


def test_a_bad_file_changes_nothing_and_says_why_in_vietnamese(
    cast: Cast, framework: Framework
) -> None:
    client = cast.client(cast.admin)
    tree = tree_from_yaml(DEPARTMENTS.read_bytes())
    tree.nodes[0].children[0].max_points += 1  # field 1's first criterion no longer adds up
    upload = SimpleUploadedFile("bad.yaml", tree_to_yaml(tree).encode())
    response = client.post(reverse("frameworks:import"), {"file": upload})
    page = response.content.decode()
    assert response.status_code == 400
    assert "Tiêu chí 1.1:" in page and "chưa được lưu" in page
    framework.refresh_from_db()
    assert framework.to_tree() == tree_from_yaml(DEPARTMENTS.read_bytes())


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("notes.txt", b"hello", ".yaml"),
        ("empty.yaml", b"", "trống"),
    ],
)
def test_wrong_uploads_are_refused_with_a_message(
    cast: Cast, name: str, content: bytes, message: str
) -> None:
    response = cast.client(cast.admin).post(
        reverse("frameworks:import"), {"file": SimpleUploadedFile(name, content)}
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Framework.objects.exists()


def test_admin_freezes_then_versions_then_copies(cast: Cast, framework: Framework) -> None:
    client = cast.client(cast.admin)
    client.post(reverse("frameworks:freeze", args=[framework.pk]))
    framework.refresh_from_db()
    assert framework.is_frozen
    response = client.post(reverse("frameworks:new_version", args=[framework.pk]))
    draft = Framework.objects.get(version=2)
    assert response["Location"] == draft.get_absolute_url()
    copy_url = reverse("frameworks:copy", args=[framework.pk])
    response = client.post(copy_url, {"year": 2024, "carry": "yes"})
    copy = Framework.objects.get(year=2024)
    assert response["Location"] == copy.get_absolute_url()
    response = client.post(copy_url, {"year": 2024, "carry": "yes"}, follow=True)
    assert "2024" in response.content.decode() and Framework.objects.filter(year=2024).count() == 1


def test_copying_shows_what_changes_in_the_texts_before_it_is_done(
    cast: Cast, framework: Framework
) -> None:
    client = cast.client(cast.admin)
    detail = client.get(framework.get_absolute_url()).content.decode()
    copy_url = reverse("frameworks:copy", args=[framework.pk])
    assert f'<form method="get" action="{copy_url}"' in detail
    preview = client.get(copy_url, {"year": 2024})
    assert preview.status_code == 200 and not Framework.objects.filter(year=2024).exists()
    text = preview.content.decode()
    assert "Sao chép bộ tiêu chí này sang năm 2024" in text
    assert "Kế hoạch CCHC năm <del>2023</del>" in text
    assert "Kế hoạch CCHC năm <mark>2024</mark>" in text
    assert "Chỉ số CCHC năm <mark>2023</mark>" in text  # 2022's index, a year on
    assert 'name="carry" value="yes"' in text and 'name="carry" value="no"' in text
    # A post without the choice only shows the preview again.
    again = client.post(copy_url, {"year": 2024})
    assert again.status_code == 400 and not Framework.objects.filter(year=2024).exists()
    assert "Sao chép, giữ nguyên nội dung" in again.content.decode()


def test_the_administrator_may_keep_the_texts_as_they_were(
    cast: Cast, framework: Framework
) -> None:
    client = cast.client(cast.admin)
    client.post(reverse("frameworks:copy", args=[framework.pk]), {"year": 2024, "carry": "no"})
    copy = Framework.objects.get(year=2024)
    assert copy.title == framework.title
    assert copy.to_tree().nodes == framework.to_tree().nodes


def test_a_copy_into_a_year_taken_says_so_before_anything(cast: Cast, framework: Framework) -> None:
    client = cast.client(cast.admin)
    copy_url = reverse("frameworks:copy", args=[framework.pk])
    client.post(copy_url, {"year": 2024, "carry": "yes"})
    text = client.get(copy_url, {"year": 2024}).content.decode()
    assert "đã có bộ tiêu chí năm 2024" in text and 'name="carry"' not in text
    bad = client.get(copy_url, {"year": "x"}, follow=True).content.decode()
    assert "Vui lòng nhập năm từ 2000 đến 2100." in bad
    assert Framework.objects.filter(year=2024).count() == 1
