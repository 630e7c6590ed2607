"""The web app (``accord serve``): people negotiate with agents, with each other or through a
mediator, each through a personal secret link that shows only what that seat may see.
Needs ``pip install accord[web]``. See :mod:`accord.web.server`."""
