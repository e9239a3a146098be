"""Settings for the page benchmark (bench/run.py): the real settings, read from the
same environment, with the baseline view's address added (bench/urls.py), so that
/_bench/ exists only where these settings are used, never in production."""

from fedsite.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
