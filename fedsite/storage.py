"""Static files storage: WhiteNoise's hashed, compressed files, that never takes the
site down for want of `collectstatic`.

WhiteNoise's manifest storage raises on every `{% static %}` when the manifest is
missing, so a deploy that forgot `manage.py collectstatic` (or a probe run with the
production settings on a fresh clone) answered 500 on every page. Without a manifest
this storage gives the plain names instead, so pages render (unstyled until the files
are collected), and `manage.py check --deploy` says what to run (fedsite.W002).
"""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    @property
    def has_manifest(self):
        return bool(self.hashed_files)

    def stored_name(self, name):
        if not self.has_manifest:
            return name
        return super().stored_name(name)


def attachments_storage():
    """Where attachments are kept (news.models.Attachment): settings.STORAGES
    ["attachments"], a private bucket when media are on object storage (README,
    "Media on object storage"). Called once, when the model is loaded."""
    from django.core.files.storage import storages

    return storages["attachments"]
