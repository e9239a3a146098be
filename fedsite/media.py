"""Serving MEDIA_ROOT locally (DJANGO_SERVE_MEDIA, `make run`); nginx does it in
production.

Attachments are left out here, as in the nginx configuration: they are downloaded
through /attachments/<id>/, which checks that the article is public. The decision is
made on the path as the file system will see it, so /media/./attachments/…,
/media//attachments/…, /media/%2e/attachments/… (issue 9) cannot walk around it. A
path not already in that one plain form (dot segments, doubled or trailing slashes,
backslashes, percent signs left after the server's decoding, control characters) is
no address the site ever links to: it is a 404.
"""

import re

from django.conf import settings
from django.http import Http404
from django.views.static import serve

_ODD = re.compile(r"[\\%\x00-\x1f\x7f]")
HIDDEN_FOLDERS = {"attachments"}


def serve_media(request, path):
    segments = path.split("/")
    # A path in plain form has no empty, "." or ".." segment: it is its own normpath.
    if _ODD.search(path) or any(segment in {"", ".", ".."} for segment in segments):
        raise Http404
    # casefold: on a case-insensitive disk (a Mac, Windows) ATTACHMENTS is the folder.
    if segments[0].casefold() in HIDDEN_FOLDERS:
        raise Http404
    return serve(request, path, document_root=settings.MEDIA_ROOT)
