"""HyperInfer: a serverless AI gateway."""
