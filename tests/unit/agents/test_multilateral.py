"""Three-party negotiations (stacked alternating offers) with the built-in agents."""

from pathlib import Path

import pytest

from accord.io.yaml_format import load_yaml
from accord.mechanisms import Deadline, run_alternating_offers
from accord.registry import make_agent

SCENARIOS = Path(__file__).resolve().parents[3] / "src" / "accord" / "scenarios"
# the corpus beside the checkout (../shared), wherever the checkout is
CORPUS = Path(__file__).resolve().parents[4] / "shared" / "scenarios" / "genius10.4"


@pytest.fixture(scope="module")
def river():
    return load_yaml(SCENARIOS / "river-basin.yaml")


def _run(sc, specs, rounds=200, seed=0):
    agents = [make_agent(s) for s in specs]
    return run_alternating_offers(
        sc, agents, agent_ids=specs, deadline=Deadline(rounds=rounds), seed=seed
    )


@pytest.mark.parametrize(
    "specs",
    [
        ("boulware", "linear", "conceder"),
        ("conceder", "conceder", "conceder"),
        ("linear", "boulware", "aspiration"),
        ("micro", "micro", "micro"),
        ("nash-seeking", "boa", "linear"),
    ],
)
def test_three_parties_reach_an_individually_rational_agreement(river, specs):
    r = _run(river, specs)
    assert r.agreed, r.reason
    assert len(r.parties) == 3
    assert all(u >= p.reservation for u, p in zip(r.utilities, river.parties, strict=True))
    # an agreement needs the two others to accept in a row
    assert [e.kind for e in r.trace.events[-3:]] == ["accept", "accept", "agreement"]


def test_hardliners_three_way_never_agree(river):
    r = _run(river, ("hardliner",) * 3, rounds=100)
    assert not r.agreed and r.rounds == 100


def _anac2015_domains() -> list[Path]:
    return sorted(CORPUS.glob("ANAC2015-*")) if CORPUS.is_dir() else []


@pytest.mark.corpus
@pytest.mark.parametrize("domain", ["ANAC2015-group2-dinner", "ANAC2015-group1-university"])
def test_anac2015_three_party_domain_reaches_agreement(domain):
    io = pytest.importorskip("accord.io")
    load_path = getattr(io, "load_path", None)
    folder = CORPUS / domain
    if load_path is None or not folder.is_dir():
        pytest.skip("corpus reader or ../shared/scenarios not available")
    sc = load_path(folder)
    if len(sc.parties) > 3:
        sc = sc.with_parties(list(sc.party_names[-3:]))
    assert len(sc.parties) == 3
    r = _run(sc, ("boulware", "linear", "conceder"), rounds=300)
    assert r.agreed, r.reason
    assert all(u >= p.reservation for u, p in zip(r.utilities, sc.parties, strict=True))
