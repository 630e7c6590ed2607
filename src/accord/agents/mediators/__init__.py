"""Built-in mediators and strategies of parties in mediated protocols.

Importing this package registers them (see :mod:`accord.agents.registry`).
"""

from accord.agents.mediators import caucus as caucus  # registers its built-ins
from accord.agents.mediators import pressured as pressured  # registers its built-ins
from accord.agents.mediators import single_text as single_text  # registers its built-ins
