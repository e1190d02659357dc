"""GET /api/v1/reports — buffered: Mangum adapts the API Gateway event to the app."""

from hyperinfer.web import function_app, lambda_handler

app = function_app("reports")
handler = lambda_handler(app)
