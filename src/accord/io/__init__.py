"""Reading and writing scenario files: accord YAML, GENIUS XML, GeniusWeb JSON, NegoLog JSON
and NegMAS YAML. :func:`load_path` detects the format of a file or folder; :func:`save` writes."""

from accord.io.detect import load_path
from accord.io.save import SaveResult, save

__all__ = ["SaveResult", "load_path", "save"]
