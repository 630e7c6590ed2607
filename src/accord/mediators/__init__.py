"""Built-in mediators and strategies of parties in mediated protocols.

Importing this package registers them (see :mod:`accord.registry`).
"""

from accord.mediators import model_mediator as model_mediator  # registers its built-ins
from accord.mediators import party_strategies as party_strategies  # registers its built-ins
from accord.mediators import pressured as pressured  # registers its built-ins
from accord.mediators import text_mediators as text_mediators  # registers its built-ins
