"""GET /api/v1/files/{file_id}/content — buffered: Mangum adapts the API Gateway event to the app."""

from hyperinfer.web import function_app, lambda_handler

app = function_app("file_content")
handler = lambda_handler(app)
