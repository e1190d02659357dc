#!/bin/sh
# Entry point under the Lambda Web Adapter (AWS_LAMBDA_EXEC_WRAPPER=/opt/bootstrap): the adapter
# forwards each invocation to this server and streams its response back (AWS_LWA_INVOKE_MODE).
exec python -m uvicorn --app-dir "$(dirname "$0")" app:app --host 127.0.0.1 --port "${PORT:-8080}" \
  --no-access-log --timeout-keep-alive 900
