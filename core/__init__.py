"""Mechanisms every app shares, below the three domain apps.

Imports run one way: ``core`` <- ``recommendations``, ``actions`` <- ``responses``.
Nothing in ``core`` imports a domain app's modules; where it needs a model it
asks the app registry by name (``core.lookups``).
"""
