"""Evidence through the API: a unit uploads a file to a leaf; the unit, its appraisers
and the administrators download it — the pages' service and checks."""

from __future__ import annotations

from typing import Annotated, Any

from django.http import HttpRequest
from django.http.response import HttpResponseBase
from ninja import File, Router, Schema, Status
from ninja.files import UploadedFile

from parindex.assessments import services
from parindex.assessments.access import may_download
from parindex.assessments.evidence import file_response
from parindex.assessments.models import EvidenceFile
from parindex.org.errors import Forbidden, Refused
from parindex.org.models import UNIT_ROLES

from ..access import assessment_for, refuse
from ..auth import user_of
from ..errors import ApiError
from ..params import Code, CriterionCode, Year
from .assessments import item_of

router = Router(tags=["evidence"])
uploads = Router(tags=["evidence"])


class EvidenceUploaded(Schema):
    id: int
    name: str
    size: int
    sha256: str
    type: str
    # What was read from the file (number and symbol, date, issuer, title); null until read.
    document: dict[str, Any] | None


@uploads.post(
    "/{year}/{unit}/items/{criterion}/evidence",
    response={201: EvidenceUploaded},
    url_name="evidence_upload",
    summary="Tải lên tài liệu kiểm chứng",
)
def upload(
    request: HttpRequest,
    year: Year,
    unit: Code,
    criterion: CriterionCode,
    file: Annotated[UploadedFile, File()],
) -> Any:
    user = user_of(request)
    found, role = assessment_for(request, user, year, unit)
    if role not in UNIT_ROLES:
        refuse(request, f"{role} may not add evidence to {year} {unit} {criterion}")
    item = item_of(found, criterion)
    try:
        stored = services.evidence_upload(item=item, upload=file, by=user)
    except services.FileTooLarge as refused:
        raise ApiError(413, "too_large", refused.message) from None
    except services.FileTypeRefused as refused:
        raise ApiError(415, "unsupported_type", refused.message) from None
    except Forbidden as forbidden:
        refuse(request, f"evidence {year} {unit} {criterion}: {forbidden.message}")
    except Refused as refused:
        raise ApiError(409, "refused", refused.message) from None
    stored.refresh_from_db(fields=["document"])  # read by now if the reading ran at once
    return Status(
        201,
        EvidenceUploaded(
            id=stored.pk,
            name=stored.name,
            size=stored.size,
            sha256=stored.sha256,
            type=stored.kind,
            document=stored.document,
        ),
    )


@router.get(
    "/{file_id}",
    url_name="evidence_download",
    summary="Tải về tài liệu kiểm chứng",
    openapi_extra={
        "responses": {
            200: {
                "description": "The file, as it was uploaded",
                "content": {
                    "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}
                },
            }
        }
    },
)
def download(request: HttpRequest, file_id: int) -> HttpResponseBase:
    """The file itself; another unit's, or one the caller may not read, is a logged 404."""
    user = user_of(request)
    found = (
        EvidenceFile.objects.filter(pk=file_id).select_related("unit").first()
        if 0 < file_id < 2**63
        else None
    )
    if found is None or not may_download(user, found):
        refuse(request, f"evidence {file_id} not readable", hide=True)
    return file_response(found)
