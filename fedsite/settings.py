"""fedsite settings, read from the environment.

With nothing set, the site runs on a SQLite file and a local-memory cache (the
embedded default). DATABASE_URL switches to PostgreSQL, REDIS_URL to a shared
Redis cache. `.env.example` lists every variable.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse_lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


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
    "fedsite.apps.LoginProtectionConfig",  # django-axes, named in Chinese
    # The site layer first: news and stats build on it (README, "Layout").
    "fedsite.apps.FedsiteConfig",
    "news",
    "stats",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Static files (README, "Static files"), right after the security headers and
    # before sessions, so a stylesheet costs no session or database work.
    "whitenoise.middleware.WhiteNoiseMiddleware",
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

# Uploads: editor images and cover images. Checked by content in fedsite.uploads.
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
IMAGE_UPLOAD_MAX_BYTES = int(os.environ.get("IMAGE_UPLOAD_MAX_BYTES", 5 * 1024 * 1024))
IMAGE_UPLOAD_MAX_PIXELS = int(os.environ.get("IMAGE_UPLOAD_MAX_PIXELS", 40_000_000))
# Attachments (PDF, Office, WPS): checked by content in news.attachments.
# nginx's client_max_body_size must allow at least this much.
ATTACHMENT_MAX_BYTES = int(os.environ.get("ATTACHMENT_MAX_BYTES", 20 * 1024 * 1024))

# The federation's name: the default 来源 of an article and the site title.
SITE_NAME = os.environ.get("FEDSITE_SITE_NAME", "市妇联")
SITE_FULL_NAME = os.environ.get("FEDSITE_SITE_FULL_NAME", "市妇女联合会")

# Security headers. Secure cookies and HSTS follow from running behind HTTPS in production.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
X_FRAME_OPTIONS = "SAMEORIGIN"  # CKEditor's dialogs use same-origin frames
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True  # forms carry the token; no script needs the cookie
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
if env_bool("DJANGO_BEHIND_HTTPS_PROXY"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    # The monitor asks each app server directly, over plain HTTP on 127.0.0.1.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", 31536000))

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
# security.W019: X-Frame-Options stays SAMEORIGIN because CKEditor's own dialogs
# (image upload, links) are same-origin frames; other sites still cannot frame us.
SILENCED_SYSTEM_CHECKS = ["ckeditor.W001", "security.W019"]

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
