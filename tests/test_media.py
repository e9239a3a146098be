"""The local media route (DJANGO_SERVE_MEDIA, fedsite.media): it serves pictures and
never an attachment, however the address is written (issue 9: /media/./attachments/…,
/media//attachments/… and /media/%2e/attachments/… served them).
"""

import importlib

import pytest
from django.test import Client
from django.urls import clear_url_caches

import fedsite.urls

pytestmark = pytest.mark.django_db

PICTURE = b"\x89PNG picture bytes"
SECRET = b"%PDF attachment of an unpublished article"


@pytest.fixture
def media_route(settings, tmp_path):
    """The site as `make run` serves it, with one picture and one attachment on disk."""
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "uploads/2026/11").mkdir(parents=True)
    (tmp_path / "uploads/2026/11/a.png").write_bytes(PICTURE)
    (tmp_path / "attachments/2026/11").mkdir(parents=True)
    (tmp_path / "attachments/2026/11/secret.pdf").write_bytes(SECRET)
    settings.SERVE_MEDIA = True
    importlib.reload(fedsite.urls)
    clear_url_caches()
    yield Client()
    settings.SERVE_MEDIA = False
    importlib.reload(fedsite.urls)
    clear_url_caches()


def test_a_picture_is_served(media_route):
    response = media_route.get("/media/uploads/2026/11/a.png")

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PICTURE


@pytest.mark.parametrize(
    "address",
    [
        "/media/attachments/2026/11/secret.pdf",
        "/media/./attachments/2026/11/secret.pdf",
        "/media/%2e/attachments/2026/11/secret.pdf",
        "/media/%2E/attachments/2026/11/secret.pdf",
        "/media//attachments/2026/11/secret.pdf",
        "/media///attachments/2026/11/secret.pdf",
        "/media/attachments//2026/11/secret.pdf",
        "/media/uploads/../attachments/2026/11/secret.pdf",
        "/media/uploads/%2e%2e/attachments/2026/11/secret.pdf",
        "/media/uploads/2026/11/../../../attachments/2026/11/secret.pdf",
        "/media/uploads/%252e%252e/attachments/2026/11/secret.pdf",
        "/media/%252e/attachments/2026/11/secret.pdf",
        "/media/uploads%2f..%2fattachments/2026/11/secret.pdf",
        "/media/attachments%2f2026/11/secret.pdf",
        "/media/uploads\\..\\attachments\\2026\\11\\secret.pdf",
        "/media/uploads%5c..%5cattachments%5c2026%5c11%5csecret.pdf",
        "/media/Attachments/2026/11/secret.pdf",
        "/media/ATTACHMENTS/2026/11/secret.pdf",
        "/media/%61ttachments/2026/11/secret.pdf",
        "/media/attachments/2026/11/secret.pdf%00.png",
        "/media/attachments/2026/11/",
        "/media/attachments",
    ],
)
def test_an_attachment_is_never_served_however_the_address_is_written(media_route, address):
    response = media_route.get(address)

    assert response.status_code == 404
    assert SECRET not in response.content


@pytest.mark.parametrize(
    "address",
    [
        "/media/./uploads/2026/11/a.png",
        "/media//uploads/2026/11/a.png",
        "/media/uploads/2026/11/a.png/",
        "/media/uploads/2026/12/../11/a.png",
        "/media/../media/uploads/2026/11/a.png",
        "/media/",
        "/media/%2fetc/passwd",
        "/media/../../../../etc/passwd",
        "/media/uploads/2026/11/a.png%00",
    ],
)
def test_an_address_in_any_but_the_plain_form_is_not_found(media_route, address):
    assert media_route.get(address).status_code == 404
