"""``events dead-letters | retry | discard | held | apply-held | cancel-held``: what the event monitor shows.

Works on the active profile's persisted stores (settings database). Listing needs no running bus;
``retry`` starts a bus for the command, delivers, waits for any retries and stops it again. An id may be
given in full or as a unique prefix (at least 4 characters).
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from upbit_auto_trading.application.event_bus.ports import ALL_HANDLERS, DeadLetter, HeldRequest
from upbit_auto_trading.presentation.cli.context import CliContext
from upbit_auto_trading.presentation.cli.errors import CliError

if TYPE_CHECKING:
    from upbit_auto_trading.application.event_bus.bus import EventBus
    from upbit_auto_trading.application.event_bus.gate import ConfigChangeGate
    from upbit_auto_trading.application.event_bus.ports import DeadLetterStore

EXIT_HELD = 3  # like ``profiles switch``: the change is held behind a live trade
_MIN_PREFIX = 4
_JOIN_SLACK_S = 30.0  # beyond the retry policy's own waits, for handlers to finish
_LIST_COMMAND = {"dead letter": "dead-letters", "held change": "held"}


def _common(parser: argparse.ArgumentParser) -> None:
    # SUPPRESS: given after the subcommand they set the flag; absent they keep the top-level value
    parser.add_argument(
        "--json", action="store_true", default=argparse.SUPPRESS, help="one JSON document on stdout"
    )
    parser.add_argument("--yes", "-y", action="store_true", default=argparse.SUPPRESS, help="answer yes")


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    group = subparsers.add_parser("events", help="event bus: dead letters and held config changes")
    sub = group.add_subparsers(dest="events_command", metavar="SUBCOMMAND", required=True)

    p = sub.add_parser("dead-letters", help="events a handler failed to take after every retry")
    _common(p)
    p.set_defaults(func=_dead_letters)

    p = sub.add_parser("retry", help="deliver a dead letter again (to its handler, or to every subscriber)")
    p.add_argument("id", help="dead letter id (or a unique prefix)")
    _common(p)
    p.set_defaults(func=_retry)

    p = sub.add_parser("discard", help="delete a dead letter")
    p.add_argument("id", help="dead letter id (or a unique prefix)")
    _common(p)
    p.set_defaults(func=_discard)

    p = sub.add_parser("held", help="config changes held when the app last stopped, or failed on release")
    _common(p)
    p.set_defaults(func=_held)

    p = sub.add_parser("apply-held", help="apply a held config change now (held again if a trade is live)")
    p.add_argument("id", help="request id (or a unique prefix)")
    _common(p)
    p.set_defaults(func=_apply_held)

    p = sub.add_parser("cancel-held", help="discard a held config change")
    p.add_argument("id", help="request id (or a unique prefix)")
    _common(p)
    p.set_defaults(func=_cancel_held)


# ---------------------------------------------------------------------------- helpers
def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _resolve(given: str, ids: Iterable[str], what: str) -> str:
    """The full id for ``given`` (exact, or a unique prefix of at least 4 characters)."""
    ids = list(ids)
    if given in ids:
        return given
    matches = [i for i in ids if len(given) >= _MIN_PREFIX and i.startswith(given)]
    if len(matches) == 1:
        return matches[0]
    if matches:
        raise CliError(f"'{given}' matches {len(matches)} {what}s; give more of the id")
    raise CliError(f"no {what} '{given}' (list them with 'events {_LIST_COMMAND[what]}')")


def _letter_dict(letter: DeadLetter) -> dict[str, Any]:
    event = letter.event
    return {
        "id": letter.letter_id,
        "event_type": event.event_type,
        "event_id": event.event_id,
        "correlation_id": event.correlation_id,
        "source": event.source,
        "priority": letter.priority.name,
        "handler": letter.handler,
        "all_handlers": letter.handler == ALL_HANDLERS,
        "error": letter.error,
        "attempts": letter.attempts,
        "failed_at": _utc(letter.failed_at),
    }


def _letter_text(d: dict[str, Any]) -> str:
    handler = "every subscriber (undelivered at shutdown)" if d["all_handlers"] else d["handler"]
    return (
        f"{d['id']}  {d['failed_at']}  {d['priority']:<16} {d['event_type']}\n"
        f"    handler: {handler}; attempts: {d['attempts']}; error: {d['error']}"
    )


def _held_dict(held: HeldRequest, state: str) -> dict[str, Any]:
    r = held.request
    return {
        "id": r.request_id,
        "kind": r.kind,
        "description": r.description,
        "payload": r.payload,
        "may_wait": r.may_wait,
        "requested_at": _utc(r.requested_at),
        "held_at": _utc(held.held_at),
        "state": "failed" if held.last_error else state,
        "last_error": held.last_error,
    }


def _held_text(d: dict[str, Any]) -> str:
    text = f"{d['id']}  {d['held_at']}  {d['state']:<8} {d['kind']}  {d['description']}"
    return text + (f"\n    last error: {d['last_error']}" if d["last_error"] else "")


def _dead_store(ctx: CliContext) -> DeadLetterStore:
    return ctx.services.events.dead_letters()


def _gate(ctx: CliContext) -> ConfigChangeGate:
    return ctx.services.events.gate()


def _held_items(ctx: CliContext) -> list[dict[str, Any]]:
    gate = _gate(ctx)
    return [_held_dict(h, "pending") for h in gate.pending_decisions()] + [
        _held_dict(h, "held") for h in gate.held_requests()
    ]


# ---------------------------------------------------------------------------- dead letters
def _dead_letters(ctx: CliContext, args: argparse.Namespace) -> int:
    letters = [_letter_dict(x) for x in _dead_store(ctx).list()]
    ctx.emit(letters, "\n".join(_letter_text(d) for d in letters) if letters else "no dead letters")
    return 0


def _retry(ctx: CliContext, args: argparse.Namespace) -> int:
    store = _dead_store(ctx)
    letter_id = _resolve(args.id, (x.letter_id for x in store.list()), "dead letter")
    letter = store.get(letter_id)
    if letter is None:
        raise CliError(f"no dead letter '{args.id}'; it was retried or discarded meanwhile")
    before = {x.letter_id for x in store.list()}
    first_ok = asyncio.run(_deliver(ctx.services.events.bus(), letter))
    again = [
        x for x in store.list() if x.letter_id not in before and x.event.event_id == letter.event.event_id
    ]
    if again:
        raise CliError(
            f"{letter.event.event_type} failed again ({again[-1].error}); "
            f"it is dead letter {again[-1].letter_id} now"
        )
    data = {
        "retried": letter_id,
        "event_type": letter.event.event_type,
        "delivered": True,
        "first_attempt_ok": first_ok,
    }
    how = "" if first_ok else " after retries"
    ctx.emit(data, f"delivered {letter.event.event_type} ({letter_id}){how}")
    return 0


async def _deliver(bus: EventBus, letter: DeadLetter) -> bool:
    """Start a bus for this command, deliver the letter, wait for retries and stop."""
    await bus.start()
    try:
        ok = await bus.retry_dead_letter(letter.letter_id)
        policy = bus.retry_policy(type(letter.event))
        waits = sum(policy.delay(n) for n in range(1, policy.max_retries + 1))
        try:
            await asyncio.wait_for(bus.join(), waits + _JOIN_SLACK_S)
        except TimeoutError:  # stop() records what is still pending as dead letters
            pass
        return bool(ok)
    finally:
        await bus.stop()


def _discard(ctx: CliContext, args: argparse.Namespace) -> int:
    store = _dead_store(ctx)
    letter_id = _resolve(args.id, (x.letter_id for x in store.list()), "dead letter")
    letter = store.get(letter_id)
    kind = letter.event.event_type if letter is not None else "event"
    if not ctx.confirm(f"Discard dead letter {letter_id} ({kind})? It cannot be retried afterwards."):
        raise CliError("not confirmed; nothing was discarded (use --yes)")
    if not store.remove(letter_id):
        raise CliError(f"no dead letter '{args.id}'; it was retried or discarded meanwhile")
    ctx.emit({"discarded": letter_id}, f"discarded dead letter {letter_id} ({kind})")
    return 0


# ---------------------------------------------------------------------------- held config changes
def _held(ctx: CliContext, args: argparse.Namespace) -> int:
    items = _held_items(ctx)
    ctx.emit(items, "\n".join(_held_text(d) for d in items) if items else "no held config changes")
    return 0


def _apply_held(ctx: CliContext, args: argparse.Namespace) -> int:
    items = _held_items(ctx)
    request_id = _resolve(args.id, (d["id"] for d in items), "held change")
    kind = next(d["kind"] for d in items if d["id"] == request_id)
    outcome = asyncio.run(_gate(ctx).apply_pending(request_id))
    data = {"id": request_id, "kind": kind, "status": outcome.status, "reason": outcome.reason}
    if outcome.status == "refused":
        raise CliError(f"{kind} not applied: {outcome.reason}")
    if outcome.status == "held":
        ctx.emit(data, f"held again: {outcome.reason}")
        return EXIT_HELD
    ctx.emit(data, f"applied {kind} ({request_id})")
    return 0


def _cancel_held(ctx: CliContext, args: argparse.Namespace) -> int:
    items = _held_items(ctx)
    request_id = _resolve(args.id, (d["id"] for d in items), "held change")
    item = next(d for d in items if d["id"] == request_id)
    label = item["description"] or item["kind"]
    if not ctx.confirm(f"Cancel held change {request_id} ({label})? It will not be applied."):
        raise CliError("not confirmed; nothing was cancelled (use --yes)")
    if not asyncio.run(_gate(ctx).cancel(request_id)):
        raise CliError(f"no held change '{args.id}'; it was applied or cancelled meanwhile")
    ctx.emit({"cancelled": request_id, "kind": item["kind"]}, f"cancelled {item['kind']} ({request_id})")
    return 0
