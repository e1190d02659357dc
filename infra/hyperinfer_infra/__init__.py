"""CDK constructs of the HyperInfer gateway; ``infra/app.py`` is the CDK app entry point."""
