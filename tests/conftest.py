import pytest

from tests.factories import CaseFactory, CourtFactory, MembershipFactory, UserFactory


@pytest.fixture
def court(db):
    return CourtFactory()


@pytest.fixture
def appeal_court(db):
    return CourtFactory(name="Moscow City Court", level="appeal")


@pytest.fixture
def case(db):
    return CaseFactory()


@pytest.fixture
def lawyer(case):
    """A user who is a lawyer in the organization that owns `case`."""
    return MembershipFactory(organization=case.organization, role="lawyer", user=UserFactory(username="lawyer")).user


@pytest.fixture
def outsider(db):
    return UserFactory(username="outsider")


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Throttle counters live in the cache (Redis): each test starts from none, whatever ran before."""
    from django.core.cache import cache

    cache.clear()
    yield


# --- make run's SQLite database, migrated and seeded once a session --------------------------


@pytest.fixture(scope="session")
def sqlite_demo(tmp_path_factory):
    """The path of an SQLite file as `make run` leaves it (migrated, the demo with its accounts);
    tests copy it with tests.processes.sqlite_demo_env instead of migrating again (a minute)."""
    from tests.processes import sqlite_demo_build

    return sqlite_demo_build(tmp_path_factory.mktemp("sqlite-demo"))


# --- S3: moto's standalone server, a real S3 API on a loopback port ---------------------------

S3_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "test-key-id",
    "AWS_SECRET_ACCESS_KEY": "test-secret",
    "AWS_S3_REGION_NAME": "us-east-1",
}


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory):
    """moto_server in its own process on a free port, for the whole session; its URL."""
    from tests.processes import BIN, clean_env, free_port, running, wait_for_http

    port = free_port()
    log = tmp_path_factory.mktemp("s3") / "moto.log"
    with running([str(BIN / "moto_server"), "-H", "127.0.0.1", "-p", str(port)], env=clean_env(), log=log):
        url = f"http://127.0.0.1:{port}"
        wait_for_http(f"{url}/moto-api/", timeout=60)
        yield url


@pytest.fixture
def s3_bucket(s3_server, request):
    """A fresh private bucket on the moto server; its name."""
    import re
    import uuid

    name = re.sub(r"[^a-z0-9-]", "-", f"t-{request.node.name.lower()}")[:40].strip("-") + "-" + uuid.uuid4().hex[:8]
    s3_client(s3_server).create_bucket(Bucket=name)
    return name


def s3_client(url):
    """A plain boto3 client of the moto server, to look at the bucket behind the app's back."""
    import boto3

    return boto3.client(
        "s3",
        endpoint_url=url,
        aws_access_key_id=S3_CREDENTIALS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=S3_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
        region_name=S3_CREDENTIALS["AWS_S3_REGION_NAME"],
    )


@pytest.fixture
def s3_env(s3_server, s3_bucket):
    """The environment variables that point a process at the bucket."""
    return {"AWS_STORAGE_BUCKET_NAME": s3_bucket, "AWS_S3_ENDPOINT_URL": s3_server, **S3_CREDENTIALS}


@pytest.fixture
def s3_settings(settings, s3_server, s3_bucket):
    """The bucket's settings, as an operator sets them, while the default storage stays the folder."""
    settings.AWS_STORAGE_BUCKET_NAME = s3_bucket
    settings.AWS_S3_ENDPOINT_URL = s3_server
    settings.AWS_S3_ADDRESSING_STYLE = "path"
    settings.AWS_ACCESS_KEY_ID = S3_CREDENTIALS["AWS_ACCESS_KEY_ID"]
    settings.AWS_SECRET_ACCESS_KEY = S3_CREDENTIALS["AWS_SECRET_ACCESS_KEY"]
    settings.AWS_S3_REGION_NAME = S3_CREDENTIALS["AWS_S3_REGION_NAME"]
    return settings


@pytest.fixture
def s3_storage(s3_settings):
    """This test's default storage is the bucket."""
    from django.core.files.storage import default_storage

    s3_settings.STORAGES = {**s3_settings.STORAGES, "default": {"BACKEND": "storages.backends.s3.S3Storage"}}
    return default_storage


@pytest.fixture(autouse=True)
def _english_to_start_with():
    """Each test starts in English: a request in Russian leaves Russian active in the thread, and
    case content written then (factories, services) would land in the Russian columns."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.activate("en")
