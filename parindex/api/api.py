"""The REST API of shared/docs/api.md under /api/v1/: one NinjaAPI, a router per group of
endpoints, errors in the contract's shape, bearer tokens by default."""

from __future__ import annotations

from ninja import NinjaAPI

from . import errors
from .auth import bearer
from .endpoints import assessments, auth, cycles, evidence, metrics, surveys

api = NinjaAPI(
    title="parindex API",
    version="1",
    description="Chỉ số cải cách hành chính: shared/docs/api.md. Errors: "
    '{"error": code, "message": Vietnamese sentence, "details": …}.',
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url="/docs",
    auth=bearer,
)
errors.install(api)
api.add_router("/auth", auth.router)
api.add_router("/cycles", cycles.router)
api.add_router("/cycles", metrics.router)
api.add_router("/assessments", assessments.router)
api.add_router("/assessments", evidence.uploads)
api.add_router("/evidence", evidence.router)
api.add_router("/surveys", surveys.router)
