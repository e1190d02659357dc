"""POST /api/v1/playground-keys — buffered: Mangum adapts the API Gateway event to the app."""

from hyperinfer.web import function_app, lambda_handler

app = function_app("playground_keys")
handler = lambda_handler(app)
