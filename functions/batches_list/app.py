"""GET /api/v1/batches — buffered: Mangum adapts the API Gateway event to the app."""

from hyperinfer.web import function_app, lambda_handler

app = function_app("batches_list")
handler = lambda_handler(app)
