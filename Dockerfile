# monitor: the news-monitoring daemon.
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
RUN pip install --no-cache-dir . \
    && useradd --system --uid 10001 --home-dir /data --shell /usr/sbin/nologin monitor \
    && mkdir -p /data && chown monitor /data

USER monitor
VOLUME ["/data"]
EXPOSE 8080
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8080/healthz', timeout=4).status == 200 else 1)"]
CMD ["monitor", "run", "--listen", "0.0.0.0:8080"]
