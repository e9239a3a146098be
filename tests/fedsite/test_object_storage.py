"""Media on S3-compatible object storage (README, "Media on object storage"), against
a real S3 server run here: moto's server mode (`moto[server]`, a dev dependency),
started once for this module on 127.0.0.1 and stopped after it.

The storage settings are the ones fedsite/settings.py derives from the FEDSITE_MEDIA_*
environment, read afresh with that environment; everything else goes through the
real code paths: the editor's upload view, renditions, the article page, the admin
form with attachments, the checked download view, deletion.

Without moto installed these tests are skipped, except under CI=true, where they fail.
"""

import json
import os
import runpy
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import DefaultStorage, default_storage, storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from fedsite.uploads import make_renditions
from news.models import Article, Attachment
from news.pictures import body_image_problems
from tests.factories import ArticleFactory
from tests.helpers import article_form, image_bytes

pytestmark = pytest.mark.django_db

ACCESS_KEY, SECRET_KEY, REGION = "fedsite-test", "fedsite-test-secret", "us-east-1"
PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
SERVER_START_SECONDS = 60


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def s3_endpoint(tmp_path_factory):
    """A moto S3 server on 127.0.0.1, for this module only."""
    try:
        import moto.server  # noqa: F401
    except ImportError:
        message = "moto[server] is not installed (.venv/bin/pip install -e '.[dev]')"
        if os.environ.get("CI", "").strip().lower() == "true":
            pytest.fail(message + " (CI=true: a missing install must not pass as skipped)")
        pytest.skip(message)
    port = _free_port()
    log = tmp_path_factory.mktemp("moto") / "moto.log"
    with log.open("w") as output:
        server = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    endpoint = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + SERVER_START_SECONDS
        while True:
            try:
                urllib.request.urlopen(endpoint + "/", timeout=1).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(log.read_text()) from None
                time.sleep(0.2)
        yield endpoint
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def production_settings(**environment):
    """fedsite/settings.py, read afresh with this environment added."""
    with mock.patch.dict(os.environ, environment):
        return runpy.run_path(str(Path(settings.BASE_DIR) / "fedsite" / "settings.py"))


def environment(endpoint, media, attachments):
    return {
        "FEDSITE_MEDIA_S3_BUCKET": media,
        "FEDSITE_ATTACHMENTS_S3_BUCKET": attachments,
        "FEDSITE_MEDIA_S3_ENDPOINT": endpoint,
        "FEDSITE_MEDIA_S3_REGION": REGION,
        "FEDSITE_MEDIA_S3_ACCESS_KEY": ACCESS_KEY,
        "FEDSITE_MEDIA_S3_SECRET_KEY": SECRET_KEY,
    }


class Buckets:
    def __init__(self, endpoint, media, attachments):
        import boto3

        self.media, self.attachments = media, attachments
        self.client = boto3.client(
            "s3",
            endpoint_url=endpoint,
            region_name=REGION,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
        )

    def keys(self, bucket):
        listed = self.client.list_objects_v2(Bucket=bucket)
        return sorted(item["Key"] for item in listed.get("Contents", []))


@pytest.fixture
def buckets(s3_endpoint, settings, monkeypatch):
    """Two new buckets, as a deployment creates them: the media bucket readable by
    anyone (a bucket policy, or 公共读 in a Chinese cloud's console), the attachments
    bucket private (as every bucket is created). The site's settings switched to them."""
    suffix = uuid.uuid4().hex[:8]
    made = Buckets(s3_endpoint, f"fedsite-media-{suffix}", f"fedsite-attachments-{suffix}")
    made.client.create_bucket(Bucket=made.media)
    made.client.create_bucket(Bucket=made.attachments)
    public_read = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": "*",
                "Action": "s3:GetObject",
                "Resource": f"arn:aws:s3:::{made.media}/*",
            }
        ],
    }
    made.client.put_bucket_policy(Bucket=made.media, Policy=json.dumps(public_read))

    production = production_settings(**environment(s3_endpoint, made.media, made.attachments))
    settings.STORAGES = {
        **settings.STORAGES,
        "default": production["STORAGES"]["default"],
        "attachments": production["STORAGES"]["attachments"],
    }
    settings.MEDIA_URL = production["MEDIA_URL"]
    settings.CONTENT_SECURITY_POLICY = production["CONTENT_SECURITY_POLICY"]
    # The model took its storage when it was loaded, before this test's settings, and
    # django-ckeditor keeps a default storage of its own, which settings changes do
    # not reset: both get this test's, and their own back afterwards.
    monkeypatch.setattr(Attachment._meta.get_field("file"), "storage", storages["attachments"])
    for module in ("ckeditor_uploader.utils", "ckeditor_uploader.views"):
        monkeypatch.setattr(f"{module}.storage", DefaultStorage())
    made.media_url = production["MEDIA_URL"]
    return made


def editor_upload(client, content, name="photo.jpg", content_type="image/jpeg"):
    file = SimpleUploadedFile(name, content, content_type=content_type)
    return client.post(reverse("ckeditor_upload") + "?responseType=json", {"upload": file})


# -- Settings -------------------------------------------------------------------------


def test_the_environment_puts_pictures_and_attachments_in_two_buckets():
    production = production_settings(
        **environment("https://oss-cn-hangzhou.aliyuncs.com", "fl-media", "fl-attachments"),
        FEDSITE_MEDIA_URL="https://media.example.gov.cn/",
    )

    media = production["STORAGES"]["default"]["OPTIONS"]
    attachments = production["STORAGES"]["attachments"]["OPTIONS"]
    assert (media["bucket_name"], attachments["bucket_name"]) == ("fl-media", "fl-attachments")
    assert media["querystring_auth"] is False and attachments["querystring_auth"] is True
    assert production["MEDIA_URL"] == "https://media.example.gov.cn/"
    assert (
        "https://media.example.gov.cn"
        in production["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]["img-src"]
    )
    assert production["SERVE_MEDIA"] is False


def test_a_virtual_hosted_service_gets_the_buckets_own_address():
    """Aliyun OSS and Tencent COS answer at <bucket>.<endpoint> only."""
    production = production_settings(
        **environment("https://oss-cn-hangzhou.aliyuncs.com", "fl-media", "fl-attachments"),
        FEDSITE_MEDIA_S3_ADDRESSING_STYLE="virtual",
    )

    assert production["MEDIA_URL"] == "https://fl-media.oss-cn-hangzhou.aliyuncs.com/"
    assert production["STORAGES"]["default"]["OPTIONS"]["addressing_style"] == "virtual"


def test_without_a_bucket_media_stay_on_disk():
    production = production_settings()

    assert production["MEDIA_URL"] == "/media/"
    assert production["STORAGES"]["default"]["BACKEND"].endswith("FileSystemStorage")
    assert production["STORAGES"]["attachments"]["BACKEND"].endswith("FileSystemStorage")


@pytest.mark.parametrize("attachments", ["", "fl-media"])
def test_attachments_are_never_put_in_the_public_bucket(attachments):
    with pytest.raises(ImproperlyConfigured, match="FEDSITE_ATTACHMENTS_S3_BUCKET"):
        production_settings(**environment("https://s3.example.com", "fl-media", attachments))


# -- Pictures -------------------------------------------------------------------------


def test_a_picture_uploaded_in_the_editor_is_served_from_the_public_bucket(
    buckets, superuser_client
):
    photo = image_bytes("JPEG", (1600, 1000))

    response = editor_upload(superuser_client, photo)

    assert response.json()["uploaded"] == 1, response.json()
    url = response.json()["url"]
    assert url.startswith(buckets.media_url + "uploads/")
    name = url.removeprefix(buckets.media_url)
    # The picture and its renditions, every width below the original, WebP and JPEG.
    stem = name.rsplit(".", 1)[0]
    expected = {
        f"renditions/{stem}.w{width}.{kind}"
        for width in (360, 720, 1080, 1440)
        for kind in ("webp", "jpg")
    }
    assert set(buckets.keys(buckets.media)) == {name} | expected
    assert buckets.keys(buckets.attachments) == []
    # Anyone can read it at that address, for a week at a time.
    with urllib.request.urlopen(url, timeout=10) as answer:
        served = answer.read()
    stored = buckets.client.get_object(Bucket=buckets.media, Key=name)
    assert served == stored["Body"].read()
    assert stored["CacheControl"] == "public, max-age=604800"
    assert served.startswith(b"\xff\xd8")


def test_an_article_shows_its_picture_and_renditions_from_the_bucket(buckets, superuser_client):
    client = Client()  # a reader
    url = editor_upload(superuser_client, image_bytes("JPEG", (1600, 1000))).json()["url"]
    article = ArticleFactory(body=f'<p>活动现场</p><p><img src="{url}" alt="活动现场"></p>')

    response = client.get(article.get_absolute_url())

    html = response.content.decode()
    assert f'src="{url}"' in html
    assert f"{buckets.media_url}renditions/" in html  # srcset
    origin = buckets.media_url.split("/" + buckets.media)[0]
    img_src = next(
        part
        for part in response["Content-Security-Policy"].split("; ")
        if part.startswith("img-src")
    )
    assert origin in img_src.split()
    # The editor does not warn about it as a picture from another site.
    assert body_image_problems(article.body) == []


def test_renditions_are_redrawn_in_place(buckets, superuser_client):
    url = editor_upload(superuser_client, image_bytes("JPEG", (800, 500))).json()["url"]
    name = url.removeprefix(buckets.media_url)
    before = buckets.keys(buckets.media)

    make_renditions(name, replace=True)

    assert buckets.keys(buckets.media) == before
    assert len(before) == 1 + 2 * 2  # the picture, 360 and 720 in WebP and JPEG


def test_the_editors_image_browser_lists_the_buckets_pictures(buckets, superuser_client):
    url = editor_upload(
        superuser_client, image_bytes("PNG", (60, 40)), "a.png", "image/png"
    ).json()["url"]

    response = superuser_client.get(reverse("ckeditor_browse"))

    assert f'data-src="{url}"' in response.content.decode()
    assert "renditions/" not in response.content.decode()


# -- Attachments ----------------------------------------------------------------------


def add_article(client, column, button):
    pdf = SimpleUploadedFile("2025年三八红旗手推荐通知.pdf", PDF, content_type="application/pdf")
    response = client.post(reverse("admin:news_article_add"), article_form(column, [pdf], button))
    assert response.status_code == 302, response.content.decode()[:2000]
    return Article.objects.get()


def test_an_attachment_stays_private_and_is_downloaded_only_through_the_checked_view(
    buckets, superuser_client, column
):
    client = Client()  # a reader
    article = add_article(superuser_client, column, "_approve")
    attachment = article.attachments.get()

    # In the private bucket, nowhere else.
    assert buckets.keys(buckets.attachments) == [attachment.file.name]
    assert not [key for key in buckets.keys(buckets.media) if key.startswith("attachments/")]
    with pytest.raises(buckets.client.exceptions.ClientError, match="NoSuchBucketPolicy"):
        buckets.client.get_bucket_policy(Bucket=buckets.attachments)
    # Readers see the checked view's address only.
    html = client.get(article.get_absolute_url()).content.decode()
    assert f'href="{attachment.get_absolute_url()}"' in html
    assert buckets.attachments not in html and attachment.file.name not in html
    # The view streams the file from the bucket.
    response = client.get(attachment.get_absolute_url())
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"].startswith("attachment;")
    # The one address the storage gives (the admin's link) is signed and expires.
    address = attachment.file.url
    assert "X-Amz-Signature=" in address and "X-Amz-Expires=300" in address


def test_a_draft_articles_attachment_is_not_downloadable_by_the_public(
    buckets, superuser_client, column
):
    attachment = add_article(superuser_client, column, "_save").attachments.get()

    assert buckets.keys(buckets.attachments) == [attachment.file.name]
    assert Client().get(attachment.get_absolute_url()).status_code == 404
    assert superuser_client.get(attachment.get_absolute_url()).status_code == 200


def test_a_removed_attachment_is_deleted_from_the_bucket(
    buckets, superuser_client, column, django_capture_on_commit_callbacks
):
    attachment = add_article(superuser_client, column, "_approve").attachments.get()
    assert buckets.keys(buckets.attachments) == [attachment.file.name]

    with django_capture_on_commit_callbacks(execute=True):
        attachment.delete()

    assert buckets.keys(buckets.attachments) == []
    assert default_storage.exists(attachment.file.name) is False
