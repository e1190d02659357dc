"""POST /api/v1/report-anthropic — buffered: Mangum adapts the API Gateway event to the app."""

from hyperinfer.web import function_app, lambda_handler

app = function_app("report_anthropic")
handler = lambda_handler(app)
