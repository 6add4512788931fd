"""A job's page shows what it is, who started it, how it ended and why it failed; the
administrator retries a failed job after a confirmation; only the administrator and the
one who started a job see it. Tasks run at once here (the immediate backend)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.urls import reverse

from parindex.conftest import Cast
from parindex.jobs.models import Job
from parindex.jobs.services import job_enqueue

from .sample_tasks import flaky, stepper

pytestmark = pytest.mark.usefixtures("immediate")
OTHERS = ["scorer_a", "head_b", "appraiser", "chair", "viewer"]


def open_gates(gate: Path, steps: int) -> None:
    for step in range(steps):
        Path(f"{gate}.{step}").touch()


def test_a_finished_job_shows_its_outcome_and_stops_polling(cast: Cast, tmp_path: Path) -> None:
    open_gates(tmp_path / "gate", 3)
    job = job_enqueue(
        task=stepper,
        kind="Kiểm tra các đơn vị",
        by=cast.admin,
        gate=str(tmp_path / "gate"),
        steps=3,
    )
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED and job.attempts == 1
    assert (job.done, job.total) == (3, 3)
    page = cast.client(cast.admin).get(job.get_absolute_url()).content.decode()
    assert "Kiểm tra các đơn vị" in page and "3 units checked." in page
    assert "Đã xong" in page or "Thành công" in page
    assert "hx-trigger" not in page  # finished: nothing to poll


def test_a_failed_job_says_why_in_vietnamese_and_is_retried_to_success(
    cast: Cast, tmp_path: Path
) -> None:
    job = job_enqueue(task=flaky, kind="Việc thử", by=cast.scorer_a, marker=str(tmp_path / "m"))
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert "RuntimeError" in job.error and "lỗi" in job.error  # words, not a traceback
    admin = cast.client(cast.admin)
    page = admin.get(job.get_absolute_url()).content.decode()
    assert job.error in page and reverse("jobs:retry", args=[job.pk]) in page
    confirm = admin.get(reverse("jobs:retry", args=[job.pk])).content.decode()
    assert 'name="confirmed"' in confirm
    Job.objects.filter(pk=job.pk).update(kind="Việc thử")  # nothing changed by asking
    admin.post(reverse("jobs:retry", args=[job.pk]))  # no confirmation: nothing runs
    assert Job.objects.get(pk=job.pk).status == Job.Status.FAILED
    response = admin.post(reverse("jobs:retry", args=[job.pk]), {"confirmed": "on"}, follow=True)
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED and job.error == ""
    assert "It worked the second time." in response.content.decode()
    again = admin.post(reverse("jobs:retry", args=[job.pk]), {"confirmed": "on"}, follow=True)
    assert "không có gì để chạy lại" in again.content.decode()


def test_the_starter_sees_the_job_but_only_the_administrator_retries_it(
    cast: Cast, tmp_path: Path
) -> None:
    job = job_enqueue(task=flaky, kind="Việc thử", by=cast.scorer_a, marker=str(tmp_path / "m"))
    starter = cast.client(cast.scorer_a)
    page = starter.get(job.get_absolute_url())
    assert (
        page.status_code == 200
        and reverse("jobs:retry", args=[job.pk]) not in page.content.decode()
    )
    assert (
        starter.post(reverse("jobs:retry", args=[job.pk]), {"confirmed": "on"}).status_code == 403
    )
    assert Job.objects.get(pk=job.pk).status == Job.Status.FAILED


@pytest.mark.parametrize("who", ["head_a", "scorer_b", "appraiser", "chair", "viewer"])
def test_no_one_else_sees_a_job(cast: Cast, tmp_path: Path, who: str) -> None:
    job = job_enqueue(task=flaky, kind="Việc thử", by=cast.scorer_a, marker=str(tmp_path / "m"))
    client = cast.client(getattr(cast, who))
    assert client.get(job.get_absolute_url()).status_code == 404
    assert client.get(reverse("jobs:list")).status_code == 403
    assert client.post(reverse("jobs:retry", args=[job.pk]), {"confirmed": "on"}).status_code == 403
    anonymous = cast.client(None).get(job.get_absolute_url())
    assert anonymous.status_code == 302 and "login" in anonymous["Location"]


def test_the_list_shows_every_job_in_a_fixed_number_of_queries(
    cast: Cast, tmp_path: Path, django_assert_num_queries: object
) -> None:
    for number in range(12):
        job_enqueue(
            task=flaky, kind=f"Việc {number}", by=cast.scorer_a, marker=str(tmp_path / f"m{number}")
        )
    client = cast.client(cast.admin)
    client.get(reverse("jobs:list"))  # warm the session
    with django_assert_num_queries(4):  # type: ignore[operator]
        page = client.get(reverse("jobs:list")).content.decode()
    assert page.count('id="job-') == 12 and "Việc 11" in page and "scorer_a" in page


@pytest.mark.parametrize("page", ["0", "-1", "abc", "9" * 30])
def test_a_hostile_page_number_is_a_clear_400(cast: Cast, page: str) -> None:
    response = cast.client(cast.admin).get(reverse("jobs:list"), {"page": page})
    assert response.status_code == 400 and "Trang" in response.content.decode()


def test_the_administration_page_leads_to_the_jobs(cast: Cast) -> None:
    page = cast.client(cast.admin).get(reverse("manage:index")).content.decode()
    assert f'href="{reverse("jobs:list")}"' in page and "Công việc chạy nền" in page
