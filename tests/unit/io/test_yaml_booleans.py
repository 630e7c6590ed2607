"""YAML reads yes/no/true/false as booleans: an issue value or table key written that way is
refused with a hint to quote it, never read as 1 and 0."""

from __future__ import annotations

import pytest

from accord.errors import ScenarioError
from accord.io.yaml_format import loads_yaml

TEXT = """accord: 1
name: t
issues:
  - name: x
    values: {values}
parties:
  - name: a
    utility: {{type: linear-additive, weights: {{x: 1}}, values: {{x: {{table: {table}}}}}}}
  - name: b
    utility:
      {{type: linear-additive, weights: {{x: 1}}, values: {{x: {{table: {{"yes": 0, "no": 1}}}}}}}}
"""


@pytest.mark.parametrize(
    ("values", "table", "line"),
    [
        ("[yes, no]", '{"yes": 1, "no": 0}', 4),
        ("[true, false]", '{"true": 1, "false": 0}', 4),
        ('["yes", "no"]', "{yes: 1, no: 0}", 7),
    ],
)
def test_unquoted_booleans_are_refused_with_a_hint(values, table, line):
    with pytest.raises(ScenarioError, match="in quotes") as err:
        loads_yaml(TEXT.format(values=values, table=table), source="t.yaml")
    assert err.value.line == line


def test_quoted_yes_and_no_are_values():
    sc = loads_yaml(TEXT.format(values='["yes", "no"]', table='{"yes": 1, "no": 0}'), source="t")
    assert sc.space.issues[0].values == ("yes", "no")
    assert sc.utilities()[:, 0].tolist() == [1.0, 0.0]
