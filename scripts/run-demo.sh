#!/usr/bin/env bash
# `make run`: the demo webhook sink, then `runwatch server` on examples/ until Ctrl-C.
# The spec's alert flows post to the sink through SECRET_SLACK_WEBHOOK (base64, as Kestra
# reads secrets); a first failing execution is started so that an alert shows at once.
set -euo pipefail
venv=${VENV:-.venv}
sink_port=${SINK_PORT:-8090}

"$venv/bin/python" scripts/demo_webhook_sink.py "$sink_port" &
sink=$!
trap 'kill $sink 2>/dev/null || true' EXIT
export SECRET_SLACK_WEBHOOK
SECRET_SLACK_WEBHOOK=$(printf 'http://127.0.0.1:%s/slack' "$sink_port" | base64 -w0)

cat <<TEXT
runwatch demo: alerts are printed below as the sink receives them. Try, from another terminal:
  curl -X POST http://localhost:8080/api/v1/executions/company.product.sales/nightly_etl
  curl http://localhost:8081/health
  curl -X POST -H 'Content-Type: application/json' -d '{"configuredLevel": "TRACE"}' \\
    http://localhost:8081/loggers/io.kestra.core.runners
Ctrl-C stops the server.
TEXT

"$venv/bin/runwatch" server --config examples/application.yml --flows examples/flows &
server=$!
trap 'kill $server $sink 2>/dev/null || true' EXIT
for _ in $(seq 100); do
  curl -fs -o /dev/null http://localhost:8081/health/liveness && break
  sleep 0.1
done
curl -fs -X POST -o /dev/null http://localhost:8080/api/v1/executions/company.product.sales/nightly_etl
wait $server
