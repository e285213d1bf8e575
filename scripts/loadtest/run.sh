#!/usr/bin/env bash
# Load test (issue 10, `make loadtest`): LOADTEST_USERS (50) consultants, bookers and leaders for
# LOADTEST_DURATION (2m) against gunicorn over TLS on loopback, with production settings, PostgreSQL and
# Redis. Generates LOADTEST_CASES (100000) cases first when the database holds another number. Measures each
# role alone first (the single-user baseline), then everyone at once. Fails when a service is missing or any
# request fails; writes p50/p95 per page and p95 ÷ single-user median into docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
PY=.venv/bin/python
USERS=${LOADTEST_USERS:-50}
DURATION=${LOADTEST_DURATION:-2m}
CASES=${LOADTEST_CASES:-100000}
# One municipality per 10,000 cases (at most Denmark's 98), as the bench's data: 1M cases in 10 municipalities
# gave each leader a department of 100,000 cases, ten times the bench's.
default_municipalities=$(( CASES / 10000 ))
default_municipalities=$(( default_municipalities < 1 ? 1 : (default_municipalities > 98 ? 98 : default_municipalities) ))
MUNICIPALITIES=${LOADTEST_MUNICIPALITIES:-$default_municipalities}
PORT=${LOADTEST_PORT:-8765}
WORKERS=${LOADTEST_WORKERS:-4}
OUT=var/loadtest
DATABASE=${LOADTEST_DATABASE:-sof_bench_loadtest}

pg_isready -h 127.0.0.1 -p 5432 -q || { echo "PostgreSQL is not running at 127.0.0.1:5432" >&2; exit 1; }
[ "$(redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null)" = PONG ] || { echo "Redis is not running at 127.0.0.1:6379" >&2; exit 1; }

# Production settings; the keys are this run's own (the data is generated under them).
export DEBUG=false TWO_FACTOR_REQUIRED=false ALLOWED_HOSTS=127.0.0.1 EMAIL_URL=dummymail://
export SECRET_KEY="loadtest-only-$(openssl rand -hex 24)"
export CPR_ENCRYPTION_KEYS=bG9hZHRlc3Qtb25seS1rZXktZG8tbm90LXVzZS0xMjM= CPR_HASH_KEY=loadtest-only-cpr-hash-key
export CELERY_BROKER_URL=redis://127.0.0.1:6379/14
export DATABASE_URL="postgres://postgres@127.0.0.1:5432/$DATABASE?conn_max_age=60&conn_health_checks=true"
export LOADTEST_MUNICIPALITIES=$MUNICIPALITIES

psql -h 127.0.0.1 -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$DATABASE'" | grep -q 1 \
  || createdb -h 127.0.0.1 -U postgres "$DATABASE"
$PY manage.py migrate --noinput -v 0
$PY manage.py collectstatic --noinput -v 0
have=$(psql -h 127.0.0.1 -U postgres -d "$DATABASE" -tAc \
  "SELECT COUNT(*) || '/' || (SELECT COUNT(DISTINCT municipality_id) FROM cases_case) FROM cases_case")
if [ "$have" != "$CASES/$MUNICIPALITIES" ]; then
  $PY manage.py generate_load_data --municipalities "$MUNICIPALITIES" --years 2 --cases "$CASES" --replace
  # The alerts a day's sweep makes, so that 'Mine opgaver' and the bell show what they would in use.
  $PY manage.py run_deadline_sweep
fi

mkdir -p "$OUT"
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 \
  -keyout "$OUT/key.pem" -out "$OUT/cert.pem" 2>/dev/null
# --keep-alive longer than a user's pause: gunicorn's default (2 s) closed idle connections just as the client
# reused them ("Remote end closed connection without response"); a load balancer in front keeps them too.
.venv/bin/gunicorn sof.wsgi -b "127.0.0.1:$PORT" --workers "$WORKERS" --threads 2 \
  --keep-alive 30 --certfile "$OUT/cert.pem" --keyfile "$OUT/key.pem" --error-logfile "$OUT/gunicorn.log" &
gunicorn_pid=$!
trap 'kill $gunicorn_pid 2>/dev/null || true; wait $gunicorn_pid 2>/dev/null || true' EXIT
for _ in $(seq 60); do
  curl -ksf "https://127.0.0.1:$PORT/healthz" >/dev/null && break
  sleep 1
done
curl -ksf "https://127.0.0.1:$PORT/healthz" || { echo "gunicorn did not come up (see $OUT/gunicorn.log)" >&2; exit 1; }
echo

# The single-user baseline: one consultant, then one booker, then one leader alone on the server, so that the
# report can set each page's p95 under load against its median with nobody else waiting.
BASELINE=${LOADTEST_BASELINE_DURATION:-40s}
for role in Consultant Booker Leader; do
  .venv/bin/locust -f scripts/loadtest/locustfile.py --headless --host "https://127.0.0.1:$PORT" \
    -u 1 -r 1 -t "$BASELINE" --csv "$OUT/baseline-$role" --only-summary "$role" >/dev/null 2>&1
done

started=$(date -u +%Y-%m-%dT%H:%M:%SZ)
status=0
.venv/bin/locust -f scripts/loadtest/locustfile.py --headless --host "https://127.0.0.1:$PORT" \
  -u "$USERS" -r 2 -t "$DURATION" --csv "$OUT/locust" --only-summary --reset-stats || status=$?
$PY scripts/loadtest/report.py "$OUT/locust_stats.csv" --baseline "$OUT"/baseline-*_stats.csv --started "$started" --users "$USERS" \
  --duration "$DURATION" --cases "$CASES" --workers "$WORKERS"
exit $status
