"""fedsite settings, read from the environment.

With nothing set, the site runs on a SQLite file and a local-memory cache (the
embedded default). DATABASE_URL switches to PostgreSQL, REDIS_URL to a shared
Redis cache. `.env.example` lists every variable.
"""

import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONCE, NONE, SELF, UNSAFE_HASHES, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse_lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from dotenv import load_dotenv

BASE_DIR = Path(__file__).resolve().parent.parent

# `.env` beside manage.py, where `make run` writes the secret key: read here, so that
# every manage.py command in the README works as written, without sourcing the file
# by hand (issue 13, item 7). The environment wins over the file. DJANGO_ENV_FILE
# names another file, or none when empty (the test settings read none).
ENV_FILE = os.environ.get("DJANGO_ENV_FILE", str(BASE_DIR / ".env"))
if ENV_FILE:
    load_dotenv(ENV_FILE, override=False)


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG")

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        # A guessable key lets anyone forge sessions and password-reset links.
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Set it, or set DJANGO_DEBUG=true for local development."
        )
    SECRET_KEY = "insecure-local-development-key"  # noqa: S105 (debug only, never served)

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    # Before staticfiles: `runserver` (make run) then leaves /static/ to WhiteNoise,
    # which serves the hashed names collectstatic wrote, as production does.
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "ckeditor",
    "ckeditor_uploader",
    "simple_history",
    "csp",  # django-csp: its system checks (the policy is sent by fedsite.security)
    "fedsite.apps.LoginProtectionConfig",  # django-axes, named in Chinese
    # The site layer first: news and stats build on it (README, "Layout").
    "fedsite.apps.FedsiteConfig",
    "news",
    "stats",
    # 发布前校对 (issue 15): builds on news and stats, after them (its admin extends
    # the article admin that news registers).
    "proofreading",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Static files (README, "Static files"), right after the security headers and
    # before sessions, so a stylesheet costs no session or database work.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Content-Security-Policy (django-csp; the staff policy on the admin and editor)
    # and Permissions-Policy on every page (README, "Security"). Before the page
    # cache and the views, so cached pages and views' own headers pass through them.
    "fedsite.security.ContentSecurityPolicyMiddleware",
    "fedsite.security.PermissionsPolicyMiddleware",
    # Public pages for anonymous readers, served before any session, CSRF or
    # authentication work and stored as the layers below finish them (fedsite.cache).
    "fedsite.cache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # 简/繁 and the elder-friendly modes; converts public pages to traditional script.
    "fedsite.reader.ReaderPreferencesMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Records who made each change in the article history.
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    # django-axes first, so that a locked-out login is refused before the password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "fedsite.urls"
# The admin's address: a guessable /admin/ invites password guessing.
ADMIN_PATH = os.environ.get("DJANGO_ADMIN_PATH", "admin").strip("/") or "admin"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # One template tree for the whole site (README, "Layout"); the admin's own
        # templates still come from the app directories.
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "fedsite.context_processors.site",
                "news.context_processors.navigation",
            ],
        },
    },
]

WSGI_APPLICATION = "fedsite.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "60")),
        # A kept connection is checked before reuse: after PostgreSQL restarts, the
        # next request reconnects instead of failing (issue 12).
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A database that does not answer gives the 503 page (fedsite.errors) within
    # seconds instead of holding the request until gunicorn kills the worker.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", int(os.environ.get("DJANGO_DB_CONNECT_TIMEOUT", "3"))
    )
    # Behind pgbouncer in transaction pooling (README, "What to scale first") a
    # server-side cursor (QuerySet.iterator(), the stats exports) would outlive the
    # transaction its server connection is lent for; Django then uses client-side ones.
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = env_bool("DJANGO_DB_TRANSACTION_POOLING")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    # Several app servers share one cache: Django's RedisCache (redis-py only), made
    # to serve pages uncached while Redis is unreachable (fedsite.cache_backends).
    CACHES = {
        "default": {
            "BACKEND": "fedsite.cache_backends.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "fedsite"),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文"))]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # collectstatic names each file by a hash of its content (site.3f2a9c1e.css) and
    # writes brotli and gzip copies beside it, so WhiteNoise can send them with a
    # ten-year immutable Cache-Control: a changed file is a new address. Run
    # `manage.py collectstatic` on every deploy (`make run` does); until then pages
    # render with plain names (fedsite.storage) and check --deploy warns.
    "staticfiles": {"BACKEND": "fedsite.storage.StaticFilesStorage"},
}

MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))
# In production nginx serves /media/; `make run` asks Django to serve it locally.
SERVE_MEDIA = env_bool("DJANGO_SERVE_MEDIA", default=DEBUG)
# Attachments have a storage of their own (news.models.Attachment): beside the other
# media on disk, where nginx refuses /media/attachments/; in a private bucket below.
STORAGES["attachments"] = {"BACKEND": "django.core.files.storage.FileSystemStorage"}

# Media on S3-compatible object storage (README, "Media on object storage"), for
# several app servers without a shared disk. Pictures (uploads, covers, renditions,
# the logo) go to a bucket the public reads, at FEDSITE_MEDIA_URL (a CDN, by default
# the bucket's own address). Attachments go to a second bucket that must stay
# private: only the site reads it, with its keys, and readers get them through
# /attachments/<id>/, which checks the article is public.
MEDIA_S3_BUCKET = os.environ.get("FEDSITE_MEDIA_S3_BUCKET", "")
if MEDIA_S3_BUCKET:
    ATTACHMENTS_S3_BUCKET = os.environ.get("FEDSITE_ATTACHMENTS_S3_BUCKET", "")
    if not ATTACHMENTS_S3_BUCKET or ATTACHMENTS_S3_BUCKET == MEDIA_S3_BUCKET:
        raise ImproperlyConfigured(
            "FEDSITE_MEDIA_S3_BUCKET is public; set FEDSITE_ATTACHMENTS_S3_BUCKET to "
            "another, private bucket for attachments."
        )
    s3_endpoint = os.environ.get("FEDSITE_MEDIA_S3_ENDPOINT", "").rstrip("/") or (
        "https://s3.amazonaws.com"
    )
    # "path" (<endpoint>/<bucket>/, MinIO's) or "virtual" (<bucket>.<endpoint>, which
    # Aliyun OSS and Tencent COS require).
    s3_addressing = os.environ.get("FEDSITE_MEDIA_S3_ADDRESSING_STYLE", "path")
    s3_connection = {
        "endpoint_url": s3_endpoint,
        "region_name": os.environ.get("FEDSITE_MEDIA_S3_REGION") or None,
        "access_key": os.environ.get("FEDSITE_MEDIA_S3_ACCESS_KEY", ""),
        "secret_key": os.environ.get("FEDSITE_MEDIA_S3_SECRET_KEY", ""),
        "addressing_style": s3_addressing,
        "signature_version": "s3v4",
        # Stored names are generated (fedsite.uploads): an existing one is never replaced
        # by accident, as on disk.
        "file_overwrite": False,
    }
    endpoint_address = urlsplit(s3_endpoint)
    MEDIA_URL = os.environ.get("FEDSITE_MEDIA_URL", "") or (
        f"{endpoint_address.scheme}://{MEDIA_S3_BUCKET}.{endpoint_address.netloc}/"
        if s3_addressing == "virtual"
        else f"{s3_endpoint}/{MEDIA_S3_BUCKET}/"
    )
    MEDIA_URL = MEDIA_URL.rstrip("/") + "/"
    media_address = urlsplit(MEDIA_URL)
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": s3_connection
        | {
            "bucket_name": MEDIA_S3_BUCKET,
            # Plain, lasting addresses: article bodies keep them.
            "querystring_auth": False,
            "custom_domain": media_address.netloc + media_address.path.rstrip("/"),
            "url_protocol": f"{media_address.scheme}:",
            # A picture's name never changes content, but renditions are redrawn
            # (make_renditions --replace): a week, not forever.
            "object_parameters": {"CacheControl": "public, max-age=604800"},
        },
    }
    STORAGES["attachments"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": s3_connection
        | {
            "bucket_name": ATTACHMENTS_S3_BUCKET,
            # The only addresses it gives (the admin's link to a file) are signed and
            # expire in five minutes; readers never see one.
            "querystring_auth": True,
            "querystring_expire": 300,
        },
    }
    SERVE_MEDIA = False
# Where pictures come from when they are not on this site's own address.
MEDIA_ORIGIN = (
    f"{urlsplit(MEDIA_URL).scheme}://{urlsplit(MEDIA_URL).netloc}" if "//" in MEDIA_URL else None
)

# Backups (README, "Backups"): where `manage.py backup` writes its archives, and
# the folder of pg_dump/pg_restore/psql when they are not on the PATH or in Debian's
# /usr/lib/postgresql/<version>/bin.
BACKUP_DIR = Path(os.environ.get("FEDSITE_BACKUP_DIR", BASE_DIR / "backups"))
BACKUP_PG_BINDIR = os.environ.get("FEDSITE_PG_BINDIR", "")

# Uploads: editor images and cover images. Checked by content in fedsite.uploads.
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
IMAGE_UPLOAD_MAX_BYTES = int(os.environ.get("IMAGE_UPLOAD_MAX_BYTES", 5 * 1024 * 1024))
IMAGE_UPLOAD_MAX_PIXELS = int(os.environ.get("IMAGE_UPLOAD_MAX_PIXELS", 40_000_000))
# Attachments (PDF, Office, WPS): checked by content in news.attachments.
# nginx's client_max_body_size must allow at least this much.
ATTACHMENT_MAX_BYTES = int(os.environ.get("ATTACHMENT_MAX_BYTES", 20 * 1024 * 1024))
# 从 Word 导入 converts .doc/.wps/.odt with LibreOffice (news.word.libreoffice): its
# program, when it is not `soffice` or `libreoffice` on the PATH.
LIBREOFFICE_PATH = os.environ.get("LIBREOFFICE_PATH", "")

# The federation's name: the default 来源 of an article and the site title.
SITE_NAME = os.environ.get("FEDSITE_SITE_NAME", "市妇联")
SITE_FULL_NAME = os.environ.get("FEDSITE_SITE_FULL_NAME", "市妇女联合会")

# Security headers (README, "Security"). Secure cookies and HSTS follow from running
# behind HTTPS in production.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
# No page may be framed: the one same-origin frame CKEditor loads from us (the image
# dialog's upload in browsers without XHR uploads) is allowed on that view alone.
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True  # forms carry the token; no script needs the cookie
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
if env_bool("DJANGO_BEHIND_HTTPS_PROXY"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    # The monitor asks each app server directly, over plain HTTP on 127.0.0.1.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    # A year, this host's subdomains included, and consent to the browsers' preload
    # list (which takes effect only once the domain's owner submits it at
    # hstspreload.org). Each can be turned down for a domain with plain-HTTP subdomains.
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", 31536000))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", default=True)

# Content-Security-Policy (django-csp). Public pages run no inline script and carry
# no inline style (the charts' style is in static/css/charts.css): everything comes
# from this site, except pictures an article links from another https site and the
# media bucket's pictures.
MEDIA_SOURCES = [MEDIA_ORIGIN] if MEDIA_ORIGIN else []
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [NONE],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "https:", *MEDIA_SOURCES],
        "form-action": [SELF],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
    },
}
# The SHA-256 of "javascript:void(0)", in CSP's form.
JAVASCRIPT_VOID_0 = "'sha256-rRMdkshZyJlCmDX27XnL7g3zXaxv7ei6Sg+yt4R3svU='"
# The admin and the editor's upload and image browser (fedsite.security): as strict,
# but framed by our own pages (CKEditor's upload frame) and running the one inline
# script that carries the response's nonce (the upload's answer to that frame).
STAFF_CONTENT_SECURITY_POLICY = {
    "URL_PREFIXES": [f"/{ADMIN_PATH}/", "/ckeditor/"],
    "DIRECTIVES": {
        "default-src": [NONE],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "https:", *MEDIA_SOURCES],
        "connect-src": [SELF],
        "form-action": [SELF],
        "base-uri": [NONE],
        "frame-ancestors": [SELF],
    },
}
# The article form, where CKEditor 4 runs: the least it needs, each allowance found
# necessary in Chromium (README, "Security"). Its toolbar and dialogs are written with
# inline event handlers (onclick="CKEDITOR.tools.callFunction(…)") and style
# attributes, and it adds <style> elements; its icons, placeholders and a pasted
# picture until it is uploaded are data: addresses; a dialog's file field is a frame
# whose address is "javascript:void(0)" (allowed by that one hash). The inline scripts
# it writes into its frames get the page's nonce (static/js/editor-frame.js): no
# other inline script element runs, and nothing is evaluated from strings.
EDITOR_CONTENT_SECURITY_POLICY = {
    # The article form, an old version's page (its form, to restore it), and the Word
    # import's upload and preview, the article form's first step: the same admin date
    # widgets (inline styles), and the document's pictures shown as data: addresses
    # until the draft is saved (news.word).
    "VIEWS": [
        "admin:news_article_add",
        "admin:news_article_change",
        "admin:news_article_simple_history",
        "admin:news_article_word_import",
        "admin:news_article_word_replace",
    ],
    "DIRECTIVES": {
        **STAFF_CONTENT_SECURITY_POLICY["DIRECTIVES"],
        "script-src": [SELF, NONCE, UNSAFE_HASHES, JAVASCRIPT_VOID_0],
        "script-src-attr": [UNSAFE_INLINE],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:", "https:", *MEDIA_SOURCES],
    },
}
# Browser features no page of ours uses, refused to every page and anything it embeds.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "browsing-topics",
        "camera",
        "display-capture",
        "encrypted-media",
        "fullscreen",
        "geolocation",
        "gyroscope",
        "hid",
        "idle-detection",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "picture-in-picture",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
}
# Our pages and images may not be pulled into another site's page (Spectre-style
# leaks); static files, which WhiteNoise answers before this, stay shareable.
CROSS_ORIGIN_RESOURCE_POLICY = "same-origin"

# Admin login lockout (django-axes): five wrong passwords for one user name from
# one address lock that pair out for 30 minutes. Locking by the pair, not by the
# user name alone, means a stranger cannot lock a colleague out from elsewhere.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", 5))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", 0.5))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"
if env_bool("DJANGO_BEHIND_HTTPS_PROXY"):
    # Behind nginx every request comes from nginx: take the address nginx appended.
    AXES_CLIENT_IP_CALLABLE = "fedsite.client_ip.client_ip"

# CKEditor 4 (bundled by django-ckeditor) is past its upstream support; its system
# check ckeditor.W001 says so. We keep the editor the user chose but never trust it:
# every body is sanitized on the server (news.sanitize) and uploads go through our
# own validating view (fedsite.uploads). README, "Security", explains this.
SILENCED_SYSTEM_CHECKS = ["ckeditor.W001"]

CKEDITOR_UPLOAD_PATH = "uploads/"
# CKEditor loads its own files (skins, languages, plugins) by paths relative to its
# folder, which keep their plain names beside the hashed ones. django-ckeditor would
# otherwise ask the manifest for the folder itself, which it does not list.
CKEDITOR_BASEPATH = f"{STATIC_URL}ckeditor/ckeditor/"
CKEDITOR_IMAGE_BACKEND = None  # no thumbnails; the file browser shows the images themselves
CKEDITOR_ALLOW_NONIMAGE_FILES = False
CKEDITOR_BROWSE_SHOW_DIRS = False
CKEDITOR_CONFIGS = {
    "default": {
        "language": "zh-cn",
        "height": 480,
        "width": "100%",
        # A toolbar for news writing: structure, emphasis, lists, links, images, tables.
        "toolbar": [
            ["Format", "Bold", "Italic", "Underline", "RemoveFormat"],
            ["NumberedList", "BulletedList", "Blockquote"],
            ["Link", "Unlink"],
            ["Image", "Table", "HorizontalRule"],
            ["PasteText", "PasteFromWord"],
            ["Undo", "Redo"],
            ["Source", "Maximize"],
        ],
        "format_tags": "p;h2;h3;h4",
        # Paste from Word/WPS arrives as semantic HTML only; the server cleans again.
        "pasteFilter": "semantic-content",
        "pasteFromWordRemoveFontStyles": True,
        "pasteFromWordRemoveStyles": True,
        "disallowedContent": "*[on*]; *{*}; script; style; iframe; object; embed; form",
        "removePlugins": "exportpdf",
        "extraPlugins": "uploadimage",
        # Pasted and dropped pictures (uploadimage) and the image dialog both go to our
        # checked upload view. Without uploadUrl, CKEditor appends "&responseType=json"
        # to filebrowserUploadUrl, which has no "?": the paste upload hit a 404 and the
        # picture stayed a data:/file: address that vanished on save (issue 9, item 4).
        "uploadUrl": format_lazy("{}?responseType=json", reverse_lazy("ckeditor_upload")),
        "filebrowserUploadUrl": reverse_lazy("ckeditor_upload"),
        # Sends Django's CSRF token with every upload (static/js/editor-config.js).
        "customConfig": f"{STATIC_URL}js/editor-config.js",
        "image_prefillDimensions": True,
        # CKEditor's own styles, then ours: large pictures fit the editing area.
        "contentsCss": [
            f"{STATIC_URL}ckeditor/ckeditor/contents.css",
            f"{STATIC_URL}css/editor.css",
        ],
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    # django-axes logs every successful login at INFO; lockouts are WARNING.
    "loggers": {"axes": {"level": "WARNING"}},
}
