"""The request pipeline: authenticate -> route -> call the provider -> respond.

The one package that knows both formats and providers.
"""
