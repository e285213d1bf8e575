#!/usr/bin/env bash
# Start the web server, a Celery worker and beat together; Ctrl-C (or any one of them dying) stops all.
# The same processes docker-compose.yml runs as services: web, worker, beat.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
HOST_PORT=${HOST_PORT:-127.0.0.1:8000}

pids=()
stop_all() {
  trap - INT TERM EXIT
  kill "${pids[@]}" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap stop_all EXIT
# Ctrl-C (or a TERM from a supervisor) is how this is meant to end: stop the others and exit 0, so make says
# nothing ("Error 143" / "Interrupt" only when a process really failed).
trap 'stop_all; exit 0' INT TERM

$PY manage.py runserver "$HOST_PORT" --noreload & pids+=($!)
.venv/bin/celery -A sof worker --loglevel=INFO --concurrency=2 & pids+=($!)
.venv/bin/celery -A sof beat --loglevel=INFO & pids+=($!)

echo "SOF is running on http://$HOST_PORT/ (Ctrl-C stops web server, worker and beat)"
wait -n
