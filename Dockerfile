# monitor: the news-monitoring daemon, as a container.
#   podman build --pull=never --format docker -t localhost/monitor .   (or: docker build -t monitor .)
#   scripts/container-check.sh builds it, runs the demo and the daemon, and stops it.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    MONITOR_CONFIG=/app/config/monitor.toml \
    MONITOR_DB=/data/monitor.db \
    MONITOR_LOG_FORMAT=json

WORKDIR /app
COPY pyproject.toml README.md ./
COPY monitor ./monitor
COPY config ./config
# One layer: the package and its dependencies, the source tree removed, a user to run as.
# The package's own lower bounds pin it; [postgres] adds psycopg for MONITOR_DATABASE_URL.
# hadolint ignore=DL3013
RUN pip install --no-cache-dir '.[postgres]' \
    && rm -rf /app/monitor /app/build /app/*.egg-info \
    && useradd --system --uid 10001 --no-create-home --home-dir /data --shell /usr/sbin/nologin monitor \
    && mkdir -p /data \
    && chown 10001 /data

USER 10001
VOLUME ["/data"]
EXPOSE 8080
STOPSIGNAL SIGTERM
# Alive = /healthz answers (no curl in the image). Readiness (/readyz) also needs a recent
# successful poll: an outage at a news site must not get the container restarted.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8080/healthz', timeout=4).status != 200)"]
CMD ["monitor", "run", "--listen", "0.0.0.0:8080"]
