"""The ``wiremap`` command. Subcommands live beside the code they drive and load lazily,
so ``wiremap push`` does not pay for importing faust or the gazetteer."""

from __future__ import annotations

import importlib
import json
import sys

import click

from wiremap.errors import WiremapError

__all__ = ["main"]

# name → "module:attribute" of a click command or group.
_COMMANDS: dict[str, str] = {
    "broker": "wiremap.broker._cli:broker",
    "push": "wiremap.ingest._cli:push",
    "intake": "wiremap.ingest._cli:intake",
    "replay": "wiremap.ingest._cli:replay",
    "worker": "wiremap.stream._cli:worker",
    "stories": "wiremap.stream.stories._cli:stories",
    "geo": "wiremap.stream.geo._cli:geo",
    "serve": "wiremap.mapview._cli:serve",
    "demo": "wiremap._demo:demo",
}


class _LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *_COMMANDS])

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in _COMMANDS:
            module, _, attr = _COMMANDS[cmd_name].partition(":")
            command = getattr(importlib.import_module(module), attr)
            assert isinstance(command, click.Command)
            return command
        return super().get_command(ctx, cmd_name)


@click.group(cls=_LazyGroup)
@click.version_option(package_name="wiremap")
def cli() -> None:
    """wiremap: wire items in, geolocated stories and region counts out, on a live map."""


@cli.command()
@click.argument("topic", required=False)
def schema(topic: str | None) -> None:
    """Print the JSON Schema of each topic's record (or of one TOPIC)."""
    from wiremap.contracts import TOPICS

    if topic is not None and topic not in TOPICS:
        raise click.BadParameter(f"unknown topic {topic!r}; known: {', '.join(TOPICS)}")
    chosen = {topic: TOPICS[topic]} if topic else TOPICS
    out = {name: model.model_json_schema() for name, model in chosen.items()}
    click.echo(json.dumps(out if topic is None else out[topic], indent=2))


def main() -> None:
    try:
        cli(standalone_mode=True)
    except WiremapError as exc:
        click.echo(f"wiremap: error: {exc}", err=True)
        sys.exit(2)
