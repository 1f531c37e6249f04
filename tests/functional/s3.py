"""An S3-compatible server on loopback for the tests (moto's server mode) and its fixtures.

No real object store is reachable from here: moto speaks the S3 protocol over HTTP on
127.0.0.1, and the app talks to it through boto3 exactly as it would to a provider.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest

REGION = "eu-west-3"


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


def s3_settings(endpoint: str, bucket: str) -> dict[str, str]:
    return {
        "S3_BUCKET": bucket,
        "S3_PREFIX": "vae-test",
        "S3_ENDPOINT_URL": endpoint,
        "S3_REGION": REGION,
        "S3_ACCESS_KEY_ID": "testing",
        "S3_SECRET_ACCESS_KEY": "testing",
    }


@pytest.fixture
def bucket(app, s3_endpoint, monkeypatch) -> Any:
    """A fresh bucket, configured (``STORAGE_BACKEND`` stays ``local``: see ``on_s3``)."""
    import boto3

    name = f"vae-{uuid.uuid4().hex[:12]}"
    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name=REGION,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    client.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": REGION})
    for key, value in s3_settings(s3_endpoint, name).items():
        monkeypatch.setitem(app.config, key, value)
    return client, name


@pytest.fixture
def on_s3(app, bucket, monkeypatch) -> Any:
    """The app stores in the bucket: returns ``(client, bucket name)``."""
    monkeypatch.setitem(app.config, "STORAGE_BACKEND", "s3")
    return bucket


def objects(client: Any, name: str, under: str = "vae-test/uploads/") -> dict[str, bytes]:
    """Every object of the bucket under ``under``: key (without it) → bytes."""
    found = client.list_objects_v2(Bucket=name, Prefix=under).get("Contents", [])
    return {
        o["Key"][len(under) :]: client.get_object(Bucket=name, Key=o["Key"])["Body"].read()
        for o in found
    }
