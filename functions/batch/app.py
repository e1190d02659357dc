"""GET /api/v1/batches/{batch_id} — buffered: Mangum adapts the API Gateway event to the app."""

from hyperinfer.web import function_app, lambda_handler

app = function_app("batch")
handler = lambda_handler(app)
