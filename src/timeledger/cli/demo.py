from __future__ import annotations

import json
import shlex

import typer

from timeledger.cli.context import command_session, upgrade_database
from timeledger.cli.demo_firm import DEFAULT_FIRM_NAME, DemoFirm, seed_demo
from timeledger.clock import SystemClock
from timeledger.config import Settings
from timeledger.time_entries.schemas import SEED_REQUEST


def demo(
    firm: str = typer.Option(DEFAULT_FIRM_NAME, help="The demo firm's name."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object instead."),
    new_password: bool = typer.Option(
        False, "--new-password", help="Give the demo owner a new password and print it."
    ),
) -> None:
    """Create (or reuse) a demo firm with records, and print a fresh token for its owner
    (the previous demo token is revoked; the owner's password is printed only when the
    owner is created, or with --new-password)."""
    settings = Settings()
    upgrade_database(settings)
    print_demo(
        settings,
        firm=firm,
        public_url=settings.public_url,
        as_json=as_json,
        reset_password=new_password,
    )


def print_demo(
    settings: Settings,
    *,
    firm: str,
    public_url: str,
    as_json: bool = False,
    reset_password: bool = False,
) -> None:
    with command_session(settings) as session:
        seeded = seed_demo(
            session,
            firm_name=firm,
            now=SystemClock().now(),
            token_lifetime=settings.token_lifetime,
            reset_password=reset_password,
        )
    if as_json:
        typer.echo(json.dumps(_as_json(seeded)))
    else:
        typer.echo(_as_text(seeded, public_url))


def _as_json(seeded: DemoFirm) -> dict[str, object]:
    return {
        "token": seeded.token,
        "account_uuid": str(seeded.owner.uuid),
        "firm_uuid": str(seeded.firm.uuid),
        "trackables": {kind.value: str(value) for kind, value in seeded.trackables.items()},
    }


def _as_text(seeded: DemoFirm, public_url: str) -> str:
    body = {**SEED_REQUEST, "trackable_uuid": str(seeded.clients[0].uuid)}
    curl = " \\\n  ".join(
        [
            f"curl --request POST {shlex.quote(public_url + '/api/v1/time-entry')}",
            f'--header "Authorization: Bearer {seeded.token}"',
            '--header "Content-Type: application/json"',
            '--header "Accept: application/json"',
            f"--data {shlex.quote(json.dumps(body))}",
        ]
    )
    lines = [
        f'Demo firm "{seeded.firm.name}" ({seeded.firm.uuid}), time zone {seeded.firm.time_zone}',
        f"Owner account: {seeded.owner.name} ({seeded.owner.uuid}), user {seeded.owner_email}",
    ]
    if seeded.owner_password:
        lines.append(f"Owner password (shown once): {seeded.owner_password}")
    lines += [f"Client: {client.name} ({client.uuid})" for client in seeded.clients]
    lines.append("Trackables (trackable_type: trackable_uuid):")
    lines += [f"  {kind.value}: {value}" for kind, value in seeded.trackables.items()]
    web = f"Web app: {public_url}/app  (sign in as {seeded.owner_email}"
    if seeded.owner_password:
        web += f", password {seeded.owner_password})"
    else:
        web += (
            "; the password printed when the demo was created, or run "
            "`timeledger demo --new-password`)"
        )
    lines += ["", web]
    lines += ["", f"Token (shown once): {seeded.token}"]
    if seeded.revoked_tokens:
        lines.append("(It replaces the previous demo token, which is now revoked.)")
    lines += ["", "Try it:", curl, ""]
    return "\n".join(lines)
