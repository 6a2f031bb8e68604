# A small image: the build stage makes the wheel; the final stage installs only that wheel, at
# the versions pinned in constraints.txt (no tests, no .git, no build tools), compiles the
# catalogs, and runs as a user without privileges. Every setting comes from the environment
# (see .env.example); mount a volume on /data for the SQLite file, the secret and the photos.
FROM python:3.11-slim AS build
WORKDIR /src
COPY . .
RUN pip install --no-cache-dir build==1.* && python -m build --wheel --outdir /wheels .

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    FORUM_DATABASE_URL=sqlite:////data/forum.db FORUM_UPLOAD_DIR=/data/uploads FORUM_WORKERS=2
COPY --from=build /wheels /wheels
COPY constraints.txt /tmp/constraints.txt
RUN pip install --no-cache-dir -c /tmp/constraints.txt /wheels/*.whl \
    && rm -rf /wheels /tmp/constraints.txt \
    && forum i18n compile \
    && useradd --system --home-dir /data --shell /usr/sbin/nologin agora \
    && mkdir -p /data && chown agora /data
USER agora
WORKDIR /data
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"]
CMD ["forum", "serve", "--host", "0.0.0.0", "--port", "8000"]
