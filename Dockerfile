# syntax=docker/dockerfile:1

# ---------------------------------------------------------------------------
# build: install the project into /opt/venv and compile the translations
# ---------------------------------------------------------------------------
FROM python:3.11-slim AS build

ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1

RUN python -m venv /opt/venv

WORKDIR /app
COPY pyproject.toml README.md alembic.ini ./
COPY bot/ bot/
COPY locales/ locales/

# .mo files are never committed: they are built here from locales/{ru,en}/LC_MESSAGES/bot.po.
# build/ and *.egg-info are in-tree build leftovers that the final image does not need.
RUN /opt/venv/bin/pip install --no-cache-dir . \
 && /opt/venv/bin/pybabel compile -d locales -D bot \
 && rm -rf build ./*.egg-info

# ---------------------------------------------------------------------------
# final: slim runtime, non-root
# ---------------------------------------------------------------------------
FROM python:3.11-slim

RUN groupadd --gid 10001 clientdesk \
 && useradd --uid 10001 --gid 10001 --home-dir /app --no-create-home \
        --shell /usr/sbin/nologin clientdesk

# Code and venv stay owned by root (read-only for the bot); only /app/data is writable.
# `python -m bot` run from /app imports /app/bot, so locales/ and alembic.ini are found next to it.
COPY --from=build /opt/venv /opt/venv
COPY --from=build /app /app

ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    DATABASE_URL=sqlite+aiosqlite:////app/data/clientdesk.db \
    WEB_HOST=0.0.0.0

WORKDIR /app
RUN mkdir -p /app/data && chown clientdesk:clientdesk /app/data
VOLUME ["/app/data"]

USER 10001:10001

EXPOSE 8080

# GET /healthz is served in polling and webhook mode: 200 when the database (and Redis, if used)
# answer, 503 otherwise
# (urlopen raises on 503 or a refused connection, so the command exits non-zero).
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:${WEB_PORT:-8080}/healthz', timeout=4)"

CMD ["python", "-m", "bot"]
