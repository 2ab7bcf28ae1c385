"""A CliRunner with stdout and stderr kept apart, on click 8.1 and 8.2+ alike."""

from __future__ import annotations

from click.testing import CliRunner


def split_runner() -> CliRunner:
    try:
        return CliRunner(mix_stderr=False)  # type: ignore[call-arg,unused-ignore]
    except TypeError:  # click >= 8.2 always keeps them apart and dropped the argument
        return CliRunner()
