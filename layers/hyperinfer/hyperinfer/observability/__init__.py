"""Logs, metrics and traces for every function: Powertools Logger (JSON lines keyed by request id,
workspace and model), Metrics (EMF, flushed per request) and Tracer (only when enabled).

``context`` is cheap and imported by the request path; the Powertools modules are imported by
``logs``/``metrics``/``tracing`` when a function's app or handler is built.
"""
