"""POST /api/v1/responses — streaming: uvicorn serves `app` under the Lambda Web Adapter."""

from hyperinfer.web import function_app

app = function_app("responses")
