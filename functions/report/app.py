"""POST /api/v1/report — buffered: Mangum adapts the API Gateway event to the app."""

from hyperinfer.web import function_app, lambda_handler

app = function_app("report")
handler = lambda_handler(app)
