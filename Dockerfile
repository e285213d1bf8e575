# One image for web, worker, beat and migrate (docker-compose.yml).
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
RUN apt-get update && apt-get install -y --no-install-recommends gettext && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements.lock .
RUN pip install --no-cache-dir -r requirements.lock
COPY . .
# Build-time only values: collectstatic and compilemessages need settings, not secrets.
RUN DEBUG=true python manage.py compilemessages --ignore=.venv -v 0 \
 && DEBUG=false SECRET_KEY=build ALLOWED_HOSTS=build CPR_ENCRYPTION_KEYS=ZGV2ZWxvcG1lbnQtb25seS1rZXktZG8tbm90LXVzZSE= \
    CPR_HASH_KEY=build python manage.py collectstatic --noinput -v 0
RUN useradd --create-home sof && mkdir -p /app/var && chown -R sof /app/var
USER sof
EXPOSE 8000
CMD ["gunicorn", "sof.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]
