"""Built-in mediators and strategies of parties in mediated protocols.

Importing this package registers them (see :mod:`accord.agents.registry`).
"""
