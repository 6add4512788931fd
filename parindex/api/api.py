"""The REST API of shared/docs/api.md under /api/v1/: one NinjaAPI, a router per group of
endpoints, errors in the contract's shape, bearer tokens by default."""

from __future__ import annotations

from typing import Any

from ninja import NinjaAPI

from . import errors
from .auth import bearer
from .endpoints import assessments, auth, cycles, evidence, metrics, surveys

# Every refusal the contract names, in its one shape (errors.py).
ERROR_STATUSES = {
    "400": "Invalid input, the field named",
    "401": "No valid token",
    "403": "Not the caller's to do",
    "404": "Not found, or not the caller's to know of",
    "409": "A state or version conflict",
    "413": "File too large",
    "415": "File type not accepted",
    "429": "Too many attempts",
}
ERROR_SCHEMA = {
    "type": "object",
    "properties": {
        "error": {"type": "string"},
        "message": {"type": "string"},
        "details": {},
    },
    "required": ["error", "message", "details"],
}


class ParindexAPI(NinjaAPI):
    def get_openapi_schema(self, **kwargs: Any) -> Any:
        """The generated document, every operation's refusals described in the
        contract's error shape."""
        schema = super().get_openapi_schema(**kwargs)
        schema["components"].setdefault("schemas", {})["Error"] = ERROR_SCHEMA
        error = {"$ref": "#/components/schemas/Error"}
        for operations in schema["paths"].values():
            for operation in operations.values():
                responses = operation.setdefault("responses", {})
                for status, description in ERROR_STATUSES.items():
                    responses.setdefault(
                        status,
                        {
                            "description": description,
                            "content": {"application/json": {"schema": error}},
                        },
                    )
        return schema


api = ParindexAPI(
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
