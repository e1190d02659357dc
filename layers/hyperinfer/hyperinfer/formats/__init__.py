"""Ingress formats: decode a client's request, encode responses, streams and errors in its protocol."""
