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
    time_limit: Annotated[
        float,
        typer.Option(
            "--time-limit",
            min=0.0,
            help="Seconds for the search and proof on huge nonlinear (hyper-rectangle) spaces; "
            "past it the answer says how far from exact it may be (proven_gap).",
        ),
    ] = 60.0,
) -> None:
    """Pareto frontier, bargaining solutions, ZOPA and opposition of a scenario (and, under an
    agreement rule that is not unanimity, what passes, who is pivotal and who can block)."""
    import accord
    from accord.cli.progress import working

    sc = accord.load(scenario, profiles=parse_parties(parties))
    sc = sc.at(through=at) if at is not None else sc.at()
    size = sc.space.size
    what = f"analysing {sc.name}" + (f" ({size:.3g} outcomes)" if size else "")
    with working(what, quiet=json_out):
        result = accord.analyze(sc, discretize=discretize, time_limit=time_limit)
    data = result.to_dict()
    if at is not None:
        data["at"] = at
    if uncertainty:
        data["uncertainty"] = accord.robustness(
            sc, uncertainty, seed, analysis=result, discretize=discretize
        ).to_dict()
    if plot is not None:
        from accord.reports import plot_analysis

        plot_analysis(sc, result, plot, discretize=discretize)
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
    lossy: Annotated[
        bool, typer.Option("--lossy", help="Write even what the format cannot hold, listing it.")
    ] = False,
    force: Annotated[bool, typer.Option("--force", help="Overwrite existing files.")] = False,
    json_out: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
    dialect: Annotated[
        str,
        typer.Option(
            "--geniusweb-dialect",
            help="GeniusWeb spelling: 2 (DiscreteValueSetUtilities) or 1 (discreteutils).",
        ),
    ] = "2",
) -> None:
    """Convert a scenario between formats; refuses (exit 2) to lose anything unless --lossy."""
    import accord

    sc = accord.load(src, profiles=parse_parties(parties))
    result = accord.convert(sc, dst, to=to, lossy=lossy, force=force, geniusweb_dialect=dialect)
    if json_out:
        print_json(result.to_dict())
        return
    console = Console(soft_wrap=True)
    for loss in result.losses:
        console.print(f"lost: {loss.describe()}", markup=False)
    console.print(f"wrote {sc.name} ({len(sc.parties)} parties) as {to} to {dst}:", markup=False)
    for path in result.paths:
        console.print(f"  {path}", markup=False)


@app.command()
@guarded
def scenarios(
    json_out: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False,
) -> None:
    """List the scenarios that ship with accord."""
    import accord

    rows = [info.to_dict() for info in accord.list_scenarios()]
    if json_out:
        print_json(rows)
        return
    from accord.cli.render import render_scenarios

    render_scenarios(Console(), rows)
