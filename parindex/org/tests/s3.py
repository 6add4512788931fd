"""A real S3-compatible server on loopback for the object-storage tests: moto's server
mode, started once per test session; each test gets a bucket of its own and the
STORAGES that parindex/settings.py computes for it from the environment."""

from __future__ import annotations

import runpy
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import pytest
from django.conf import settings as django_settings
from moto.server import ThreadedMotoServer

ACCESS_KEY = "parindex-test"
SECRET_KEY = "parindex-test-secret"
REGION = "us-east-1"


@dataclass
class Bucket:
    name: str
    endpoint: str
    client: Any  # boto3's S3 client, signed with the test keys

    def keys(self) -> list[str]:
        listed = self.client.list_objects_v2(Bucket=self.name)
        return sorted(item["Key"] for item in listed.get("Contents", []))

    def read(self, key: str) -> bytes:
        return bytes(self.client.get_object(Bucket=self.name, Key=key)["Body"].read())


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


def storages_from_environment(environment: dict[str, str]) -> dict[str, Any]:
    """STORAGES as the settings module computes it under these environment variables."""
    with pytest.MonkeyPatch.context() as patch:
        for name, value in environment.items():
            patch.setenv(name, value)
        computed = runpy.run_path(str(django_settings.BASE_DIR / "parindex" / "settings.py"))
    return dict(computed["STORAGES"])


@pytest.fixture
def s3_bucket(s3_endpoint: str, settings: Any) -> Bucket:
    """A fresh private bucket, and the default storage pointed at it."""
    name = f"parindex-{uuid.uuid4().hex[:12]}"
    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
        region_name=REGION,
    )
    client.create_bucket(Bucket=name)
    # Through pytest-django's settings: Django's setting_changed handler then empties
    # the storages' cache (django.core.files.storage.storages, default_storage), now
    # and again when the test ends, so no other test keeps the bucket.
    settings.STORAGES = storages_from_environment(
        {
            "STORAGE_BACKEND": "s3",
            "S3_ENDPOINT_URL": s3_endpoint,
            "S3_BUCKET": name,
            "S3_ACCESS_KEY_ID": ACCESS_KEY,
            "S3_SECRET_ACCESS_KEY": SECRET_KEY,
            "S3_REGION": REGION,
        }
    )
    return Bucket(name=name, endpoint=s3_endpoint, client=client)


@pytest.fixture(params=["local", "s3"])
def either_storage(request: pytest.FixtureRequest) -> Bucket | None:
    """The test runs twice: on the local disk (None), and on a bucket of its own."""
    if request.param == "s3":
        bucket: Bucket = request.getfixturevalue("s3_bucket")
        return bucket
    return None
