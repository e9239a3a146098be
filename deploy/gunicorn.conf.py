"""gunicorn settings for one fedsite app server (README, "Deploying").

Used as it is by the systemd unit (deploy/systemd/fedsite-gunicorn@.service) and by
`make stack` (scripts/stack.py), which differ only in the address, the pid file and
the log files, given on the command line or in the environment:

    gunicorn -c deploy/gunicorn.conf.py --bind 127.0.0.1:8001

Sync workers, because nginx in front buffers slow clients and uploads: a worker is
busy only while Django works. Two per app server on a 2-core machine; more app
servers, not more workers, when the site outgrows one (README, "What to scale first").
"""

import os

wsgi_app = "fedsite.wsgi:application"
bind = os.environ.get("FEDSITE_BIND", "127.0.0.1:8001")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "sync"

# A request that runs longer than this is stuck (a page takes milliseconds; a 20 MB
# attachment upload arrives through nginx's buffer): the worker is replaced.
timeout = 30
graceful_timeout = 10
# The app is loaded before the port is opened: a restarting server refuses
# connections until it can answer them, so nginx sends them to the other one
# (measured under `make faults`: with the port opened first, requests waited in the
# queue for the 10 s the workers took to boot). A release restarts the app servers
# one after the other (README, "Deploying"); HUP reloads settings, not code.
preload_app = True
# Workers are replaced now and then, so a slow leak in a library never grows for weeks.
max_requests = 5000
max_requests_jitter = 500
# The workers' heartbeat files in memory, not on a disk that may stall.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None

# Only nginx on this machine may say which address a request came from.
forwarded_allow_ips = "127.0.0.1"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
proc_name = f"fedsite {bind}"
