# The engine's image: `thidua api` (default), `thidua worker` and `thidua migrate` all run
# from it (docker-compose.yml).
FROM python:3.11.13-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    THIDUA_HTTP_HOST=0.0.0.0 \
    THIDUA_HTTP_PORT=8000 \
    THIDUA_DATA_DIR=/var/lib/thidua

# WeasyPrint renders the documents with Pango and HarfBuzz; Liberation (metric-compatible
# with Times New Roman, the font of Vietnamese administrative documents) and DejaVu carry
# every Vietnamese diacritic.
RUN apt-get update \
    && apt-get install --yes --no-install-recommends \
        libpango-1.0-0 \
        libpangoft2-1.0-0 \
        libharfbuzz0b \
        libharfbuzz-subset0 \
        fonts-liberation \
        fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 10001 thidua \
    && useradd --system --uid 10001 --gid thidua --home-dir /var/lib/thidua \
        --shell /usr/sbin/nologin thidua \
    && install --directory --owner=thidua --group=thidua --mode=0750 /var/lib/thidua

WORKDIR /app

# Dependencies first, from pyproject.toml alone, so that a code change reuses this layer.
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
        > /tmp/requirements.txt \
    && pip install --requirement /tmp/requirements.txt \
    && rm /tmp/requirements.txt

# The project itself (no test extras). Installed in place (--editable) because the engine
# finds alembic.ini, migrations/, templates/, static/ and catalogue/ beside its package
# (thidua.settings.PROJECT_ROOT): a plain `pip install .` would copy the packages to
# site-packages without them. /app stays owned by root, read-only to the service.
COPY . .
RUN pip install --no-deps --editable . \
    && python -m compileall -q /app

USER thidua:thidua
EXPOSE 8000

HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "/app/deploy/healthcheck.py"]

CMD ["thidua", "api"]
