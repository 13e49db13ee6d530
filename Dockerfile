# Two images from one file: the app (web, worker and beat; the default target) and the
# proxy in front of it (target `proxy`).
FROM python:3.12-slim AS app

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    VAR_DIR=/app/var

WORKDIR /app
RUN useradd --create-home --uid 1000 rounds
# The privacy guard reads text burned into images with Tesseract (docs/phi.md, "Images").
RUN apt-get update \
    && apt-get install -y --no-install-recommends tesseract-ocr tesseract-ocr-eng \
    && rm -rf /var/lib/apt/lists/*

# The application's locked releases, each checked against its hash.
COPY requirements/base.txt requirements/base.txt
RUN pip install --require-hashes --no-deps -r requirements/base.txt
COPY . .
# The upload folders exist in the image so that the volumes mounted on them start out
# owned by the app's user, not by root.
RUN SECRET_KEY=build-only-not-secret python manage.py collectstatic --noinput \
    && mkdir -p /app/var/media /app/var/private && chown -R rounds /app/var

USER rounds
EXPOSE 8000
CMD ["gunicorn", "community.wsgi:application", "--config", "community/gunicorn.conf.py"]

# nginx with deploy/nginx/rounds.conf and the static files collected above, so the proxy
# and the app of one build always agree on them (docs/deploy.md, "The proxy").
FROM nginx:1.28 AS proxy
COPY deploy/nginx/rounds.conf /etc/nginx/conf.d/default.conf
COPY --from=app /app/var/static /srv/rounds/static

# Without --target, `docker build` makes the app image.
FROM app
