"""The README's set-up commands are the ones CI runs."""

from .conftest import ROOT


def test_ci_runs_the_readme_setup_commands():
    readme = ROOT.joinpath("README.md").read_text(encoding="utf-8")
    block = readme.split("## Set-up", 1)[1].split("```sh\n", 1)[1].split("```", 1)[0]
    commands = [line for line in block.splitlines() if line.strip()]
    assert len(commands) == 2
    ci = ROOT.joinpath(".ci", "run").read_text(encoding="utf-8").splitlines()
    for command in commands:
        assert command in ci
