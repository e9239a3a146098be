# fedsite's front door. `make run` serves the site with demo content; `make test`
# runs the whole suite. Both work on a fresh clone with Python (3.11 to 3.14, the
# versions Django 5.2 supports from 3.11 up), git and make.

# The interpreter: `python3` when it is a supported version (what a user expects on
# Ubuntu 24.04 or Debian 13), otherwise the newest supported python3.X on the PATH.
# `make PYTHON=/path/to/python3.12 run` chooses one.
SUPPORTED := import sys; sys.exit(not (3, 11) <= sys.version_info[:2] <= (3, 14))
ifeq ($(origin PYTHON), undefined)
PYTHON := $(shell for p in python3 python3.14 python3.13 python3.12 python3.11; do \
	command -v $$p >/dev/null 2>&1 && $$p -c '$(SUPPORTED)' 2>/dev/null && { echo $$p; break; }; done)
endif
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed

.PHONY: run test lint install browser-deps stack-deps bench bench-search clean stack stack-stop faults soak

$(BIN)/python:
	@[ -n "$(PYTHON)" ] || { echo "需要 Python 3.11–3.14（找不到 python3 或 python3.11–3.14）"; exit 1; }
	@$(PYTHON) -c '$(SUPPORTED)' || { echo "$(PYTHON) 的版本不受支持，需要 Python 3.11–3.14"; exit 1; }
	@$(PYTHON) -m venv $(VENV) || { rm -rf $(VENV); \
		echo "无法创建虚拟环境；Debian/Ubuntu 上请先安装 python3-venv（apt install python3-venv）"; exit 1; }
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

install: $(STAMP)

# A secret key generated once and kept in .env (ignored by git) for local use.
.env:
	@$(BIN)/python -c "import secrets; print('DJANGO_SECRET_KEY=' + secrets.token_urlsafe(50))" > .env
	@echo "已生成本机使用的 .env（DJANGO_SECRET_KEY）"

# Static files with hashed names and their brotli/gzip copies (README, "Static
# files"), collected again only when ours or an installed package's have changed:
# compressing CKEditor's thousand files takes half a minute.
STATIC_MANIFEST := staticfiles/staticfiles.json
$(STATIC_MANIFEST): $(STAMP) $(shell find static -type f) | .env
	@set -a; . ./.env; set +a; $(BIN)/python manage.py collectstatic --noinput --verbosity 0

run: install .env $(STATIC_MANIFEST)
	@set -a; . ./.env; set +a; \
	export DJANGO_ALLOWED_HOSTS="$${DJANGO_ALLOWED_HOSTS:-127.0.0.1,localhost}"; \
	export DJANGO_SERVE_MEDIA="$${DJANGO_SERVE_MEDIA:-true}"; \
	export DJANGO_SECURE_COOKIES="$${DJANGO_SECURE_COOKIES:-false}"; \
	$(BIN)/python manage.py migrate --noinput && \
	$(BIN)/python manage.py rebuild_search_index --missing && \
	$(BIN)/python manage.py load_demo_content --demo-users && \
	$(BIN)/python manage.py load_demo_stats && \
	echo "网站：http://127.0.0.1:$(PORT)/   后台：http://127.0.0.1:$(PORT)/$${DJANGO_ADMIN_PATH:-admin}/" && \
	exec $(BIN)/python manage.py runserver --insecure 127.0.0.1:$(PORT)

test: install
	$(BIN)/python manage.py makemigrations --check --dry-run --settings=tests.settings
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest $(PYTEST_ARGS)

# What the browser tests need besides Python packages: Debian's Chromium (Playwright's
# own browser download cannot work here) and axe-core from npm. Needs root for apt.
browser-deps:
	@command -v chromium >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver fonts-noto-cjk; }
	@[ -f .cache/npm/node_modules/axe-core/axe.min.js ] || npm install --silent --no-audit --no-fund --prefix .cache/npm axe-core@4

# What `make stack` and the stack test (tests/deploy) need besides Python packages:
# Debian's nginx, with its brotli modules. Needs root for apt.
stack-deps:
	@[ -x /usr/sbin/nginx ] && [ -f /usr/lib/nginx/modules/ngx_http_brotli_static_module.so ] || { apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx libnginx-mod-http-brotli-filter libnginx-mod-http-brotli-static; }

# The page benchmark (README, "Page benchmark"): DATABASE_URL names a PostgreSQL
# database it may fill with 100,000 generated articles; needs wrk and Redis. It
# serves the site with gunicorn on 127.0.0.1 and stops it when done (bench/run.py).
bench: install
	@case "$$DATABASE_URL" in postgres*) ;; *) echo "设置 DATABASE_URL 为一个 PostgreSQL 数据库"; exit 1;; esac
	$(BIN)/python -m bench.run $(BENCH_ARGS)

# The search benchmark (README, "Search benchmark"), on the same kind of database,
# filled with SEARCH_ARTICLES generated articles (a database of its own per size).
SEARCH_ARTICLES ?= 100000
bench-search: install
	@case "$$DATABASE_URL" in postgres*) ;; *) echo "设置 DATABASE_URL 为一个 PostgreSQL 数据库"; exit 1;; esac
	DJANGO_DEBUG=true $(BIN)/python manage.py migrate --noinput
	@if [ "$$(DJANGO_DEBUG=true $(BIN)/python manage.py shell -c 'from news.models import Article; print(Article.objects.count())')" -lt $(SEARCH_ARTICLES) ]; then \
		DJANGO_DEBUG=true $(BIN)/python manage.py generate_corpus --count $(SEARCH_ARTICLES); fi
	DJANGO_DEBUG=true $(BIN)/python manage.py bench_search

# The production stack on this machine (README, "Deploying"): nginx on PORT in front
# of two gunicorn app servers (PORT+1, PORT+2), with DATABASE_URL and REDIS_URL (default
# redis://127.0.0.1:6379/0); runs in the background until `make stack-stop`, which
# stops exactly what it started (scripts/stack.py, by the pid files in .stack/).
stack: install .env $(STATIC_MANIFEST)
	@set -a; . ./.env; set +a; PORT=$(PORT) $(BIN)/python -m scripts.stack start

stack-stop:
	@$(BIN)/python -m scripts.stack stop

# Redis and PostgreSQL stopped and started under load, against a stack with its own
# redis-server and PostgreSQL cluster (README, "Faults survived"); a few minutes.
faults: install .env $(STATIC_MANIFEST)
	@set -a; . ./.env; set +a; $(BIN)/python -m scripts.faults $(FAULTS_ARGS)

# Mixed reading while an editor publishes and edits through the admin (README,
# "Soak"); a few minutes, on the same kind of stack.
soak: install .env $(STATIC_MANIFEST)
	@set -a; . ./.env; set +a; $(BIN)/python -m scripts.soak $(SOAK_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache staticfiles .stack
