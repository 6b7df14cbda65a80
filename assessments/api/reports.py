"""Placeholder until this module's endpoints land."""


def register(router):
    return None
