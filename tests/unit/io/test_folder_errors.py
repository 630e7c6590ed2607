"""Loading a folder whose key file cannot be read reports that file's own error, not only
"no scenario format recognised"."""

from __future__ import annotations

import json

import pytest

from accord.errors import ScenarioError
from accord.io import load_path


def test_a_broken_domain_file_is_named_with_its_line(tmp_path):
    domain = {"name": "d", "issuesValues": {"price": {"values": ["1", "2"]}}}
    text = json.dumps(domain, indent=1).replace('"1"', "1" + "0" * 5000)
    (tmp_path / "d.json").write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioError) as err:
        load_path(tmp_path)
    assert err.value.file == str(tmp_path / "d.json")
    assert err.value.line is not None and "no scenario format" not in str(err.value)


def test_an_empty_folder_still_says_no_format(tmp_path):
    (tmp_path / "notes.txt").write_text("nothing here", encoding="utf-8")
    with pytest.raises(ScenarioError, match="no scenario format recognised"):
        load_path(tmp_path)


def test_a_folder_holding_one_accord_yaml_loads_it(tmp_path):
    import accord
    from accord.api import packaged_scenarios

    source = packaged_scenarios()["supply-contract"]  # has an integer issue
    (tmp_path / source.name).write_bytes(source.read_bytes())
    assert load_path(tmp_path).name == accord.load("supply-contract").name
