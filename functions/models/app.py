"""GET /api/v1/models — buffered: Mangum adapts the API Gateway event to the app."""

from hyperinfer.web import function_app, lambda_handler

app = function_app("models")
handler = lambda_handler(app)
