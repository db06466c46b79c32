# warroom: a small image that serves HTTP on port 3000 as an unprivileged user.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PORT=3000 \
    DATABASE_URL=sqlite:////data/warroom.db

WORKDIR /app
# GitPython needs the git program: publishing, tagging, changes and trace run it.
RUN apt-get update \
    && apt-get install --yes --no-install-recommends git \
    && rm -rf /var/lib/apt/lists/*
RUN groupadd --system --gid 10001 warroom \
    && useradd --system --uid 10001 --gid warroom --home-dir /app warroom

COPY pyproject.toml README.md ./
COPY bot ./bot
COPY templates ./templates
# Editable, so the package finds templates/ beside it as it does in a checkout.
RUN pip install -e . \
    && mkdir /data && chown warroom:warroom /data
# The SQLite database lives here; mount a volume, or set DATABASE_URL to PostgreSQL.
VOLUME ["/data"]

USER 10001:10001
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen(f\"http://127.0.0.1:{os.environ.get('PORT', '3000')}/healthz\", timeout=4)"]
CMD ["warroom", "serve"]
