"""Commands about scenarios: ``analyze``, ``convert``, ``scenarios``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from accord.cli.app import PartiesOpt, ScenarioArg, app, guarded, parse_parties, print_json


@app.command()
@guarded
def analyze(
    scenario: ScenarioArg,
    json_out: Annotated[bool, typer.Option("--json", help="Print the analysis as JSON.")] = False,
    plot: Annotated[
        Path | None, typer.Option("--plot", help="Draw the utility space to this PNG file.")
    ] = None,
    parties: PartiesOpt = None,
    discretize: Annotated[
        int, typer.Option("--discretize", min=2, help="Points per real issue when enumerating.")
    ] = 11,
    uncertainty: Annotated[
        int,
        typer.Option(
            "--uncertainty", min=0, help="Sample N profiles from the declared uncertainty."
        ),
    ] = 0,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the uncertainty samples.")] = 0,
    at: Annotated[
        str | None,
        typer.Option("--at", help="Analyse the scenario as it is right after this event."),
    ] = None,
) -> None:
    """Pareto frontier, bargaining solutions, ZOPA and opposition of a scenario."""
    import accord

    sc = accord.load(scenario, profiles=parse_parties(parties))
    sc = sc.at(through=at) if at is not None else sc.at()
    result = accord.analyze(sc, discretize=discretize)
    data = result.to_dict()
    if at is not None:
        data["at"] = at
    if uncertainty:
        from accord.analysis.robustness import robustness

        data["uncertainty"] = robustness(
            sc, uncertainty, seed, analysis=result, discretize=discretize
        ).to_dict()
    if plot is not None:
        from accord.plots import plot_analysis

        plot_analysis(sc.discretized(discretize), data, plot)
    if json_out:
        print_json(data)
        return
    from accord.cli.render import render_analysis

    render_analysis(Console(), data)
    if uncertainty:
        from accord.cli.robustness_render import render_robustness

        render_robustness(Console(), data)
    if plot is not None:
        Console().print(f"plot written to {plot}")


@app.command()
@guarded
def convert(
    src: ScenarioArg,
    dst: Annotated[Path, typer.Argument(help="Output file (yaml) or folder (genius, geniusweb).")],
    to: Annotated[str, typer.Option("--to", help="yaml | genius | geniusweb")] = "yaml",
    parties: PartiesOpt = None,
) -> None:
    """Convert a scenario between formats."""
    import accord
    from accord.io import save

    if to not in ("yaml", "genius", "geniusweb"):
        raise accord.ScenarioError(f"unknown format {to!r}: use yaml, genius or geniusweb")
    sc = accord.load(src, profiles=parse_parties(parties))
    save(sc, dst, to)
    Console().print(f"wrote {sc.name} ({len(sc.parties)} parties) as {to} to {dst}")


@app.command()
@guarded
def scenarios(
    json_out: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False,
) -> None:
    """List the scenarios that ship with accord."""
    import accord
    from accord.api import packaged_scenarios

    rows = []
    for name in packaged_scenarios():
        sc = accord.load(name)
        rows.append(
            {
                "name": name,
                "parties": list(sc.party_names),
                "issues": len(sc.space.issues),
                "outcomes": sc.space.size,
                "description": " ".join(sc.description.split()).split(". ")[0].rstrip(".") + ".",
            }
        )
    if json_out:
        print_json(rows)
        return
    from accord.cli.render import render_scenarios

    render_scenarios(Console(), rows)
