"""GET /api/v1/files/{file_id} — buffered: Mangum adapts the API Gateway event to the app."""

from hyperinfer.web import function_app, lambda_handler

app = function_app("file")
handler = lambda_handler(app)
