"""A day through the API, as another system of the province would spend it: a token for
a password, the unit's assessment read, a leaf answered, a file uploaded and read, the
answer corrected after someone else's save, the submission refused then made; then the
appraiser's token appraises it, and the token revoked stops working at once."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from parindex.api.tests.conftest import Api
from parindex.api.tokens import tokens_revoke_all
from parindex.assessments.models import Assessment, Phase, State
from parindex.assessments.services import cycle_advance
from parindex.assessments.tests.test_evidence_reading import IMMEDIATE, report_docx
from parindex.conftest import PASSWORD, Cast

pytestmark = pytest.mark.django_db
A = "/assessments/2024/so-tu-phap"


def _token(username: str) -> Api:
    answer = Client().post(
        "/api/v1/auth/token",
        {"username": username, "password": PASSWORD, "name": "Hệ thống báo cáo"},
        content_type="application/json",
    )
    assert answer.status_code == 201, answer.content
    return Api(answer.json()["token"])


def test_a_day_through_the_api(
    cast: Cast,
    assessment_a: Assessment,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.TASKS = IMMEDIATE
    head = _token("head_a")
    items = {i["criterion"]: i for i in head.get(A).json()["items"]}
    version = items["1.1.1"]["version"]
    saved = head.put(f"{A}/items/1.1.1", {"version": version, "inputs": {"yes": True}})
    assert saved.status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        uploaded = head.client.post(
            f"/api/v1{A}/items/1.1.1/evidence",
            {"file": SimpleUploadedFile("ke-hoach.docx", report_docx())},
            headers=head.headers,
        )
    assert uploaded.status_code == 201
    # meanwhile the unit's scorer saves the same leaf on the page: the head's next save,
    # from the version it read, is refused, and the head reads again
    read = assessment_a.items.get(criterion__code="1.1.1").version  # after the upload
    on_page = cast.client(cast.scorer_a).post(
        "/assessments/2024/so-tu-phap/items/1.1.1/",
        {"version": read, "yes": "no", "note": "Sửa lại"},
        headers={"HX-Request": "true"},
    )
    assert on_page.status_code == 200
    assert assessment_a.items.get(criterion__code="1.1.1").note == "Sửa lại"
    stale = head.put(f"{A}/items/1.1.1", {"version": read, "inputs": {"yes": True}})
    assert stale.status_code == 409
    fresh = next(i for i in head.get(A).json()["items"] if i["criterion"] == "1.1.1")
    assert fresh["note"] == "Sửa lại" and fresh["evidence"][0]["document"]["number"]
    again = head.put(
        f"{A}/items/1.1.1",
        {"version": fresh["version"], "inputs": {"yes": True}, "note": "Kế hoạch số 37"},
    )
    assert again.status_code == 200
    refused = head.post(f"{A}/transitions", {"action": "submit"})
    assert refused.status_code == 409  # evidence or explanations missing elsewhere
    assert "allowed" in refused.json()["details"]
    assessment_a.items.filter(criterion__evidence_required=True, note="").update(note="Có")
    submitted = head.post(f"{A}/transitions", {"action": "submit"})
    assert submitted.status_code == 200 and submitted.json()["state"] == State.SUBMITTED
    cycle_advance(cycle=assessment_a.cycle, to=Phase.APPRAISAL_1, by=cast.admin)
    appraiser = _token("appraiser")
    item = next(i for i in appraiser.get(A).json()["items"] if i["criterion"] == "1.1.1")
    appraised = appraiser.put(
        f"{A}/items/1.1.1/appraisal",
        {"version": item["version"], "inputs": {"yes": False}, "note": "Ban hành chậm"},
    )
    assert appraised.status_code == 200 and appraised.json()["appraised_points"] == 0
    tokens_revoke_all(user=cast.appraiser, by=cast.appraiser)
    assert appraiser.get(A).status_code == 401
