"""Error messages of the layers both front ends share name no command-line flag and hold no Korean (issue 13
item 10: the desktop app showed "give a start date (--from)" and "access key / 액세스 키" in English text).

The desktop app shows ``str(exc)`` of these errors: a ``--from`` there names nothing the user can find, and
the messages are English (a screen words its own Korean). The CLI adds its flag hints at its own layer (e.g.
``data fetch`` turns StartDateNeededError into "... (--from DATE)").

The scan reads every string literal (docstrings aside) of each function in application/, domain/ and
infrastructure/ that raises or builds an exception (a class named ...Error, ...Refused or ...Exception):
the message and the parts it is assembled from.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[3] / "upbit_auto_trading"
LAYERS = ("application", "domain", "infrastructure")
FLAG = re.compile(r"(?<![\w-])--[a-z][a-z0-9-]*")
HANGUL = re.compile(r"[\uac00-\ud7a3\u3131-\u318e]")
EXCEPTION_NAME = re.compile(r"(Error|Refused|Exception)$")

# The simulated exchange answers with Upbit's own (Korean) error texts, as the real API does: its clients
# parse them like Upbit's, and they never reach a screen as our message.
SIMULATOR = "infrastructure/upbit_sim/"

# (file, flag): messages that keep a flag, each for a reason a test of the message's own layer also pins.
ALLOWED_FLAGS = {
    # Live trading is started by `trade run` only (no screen starts the engine live); the refusal says how
    # to type the confirmation there.
    ("application/trading/live_guard.py", "--confirm"),
    # `trade drift SESSION` is a CLI command only (no screen shows trading sessions); an unknown session
    # points to the command that lists them all.
    ("application/trading/drift.py", "--all"),
    # The quick form IS the `strategies create` options (--entry, --stop-loss ...), parsed in application so
    # the document it makes is validated like any other; no screen calls it.
    ("application/strategy/quick_form.py", "--entry"),
    ("application/strategy/quick_form.py", "--trailing-stop"),
    ("application/strategy/quick_form.py", "--stop-loss"),
    ("application/strategy/quick_form.py", "--take-profit"),
    ("application/strategy/quick_form.py", "--size-pct"),
    # The home is chosen before any window opens, by the same --home option in both launchers.
    ("infrastructure/paths.py", "--home"),
    # AmbiguousNumbersError and MarketMismatchError (with a market read from the file): the desktop import
    # asks a question with the answer filled in instead of showing the message (market_data/presenter.py).
    ("infrastructure/market_data/importers/numbers.py", "--decimal"),
    ("infrastructure/market_data/importers/numbers.py", "--thousands"),
    ("infrastructure/market_data/importers/symbols.py", "--market"),
}


def _docstrings(tree: ast.AST) -> set[int]:
    return {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }


def _called_name(call: ast.Call) -> str:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""


def _raises(function: ast.AST) -> bool:
    return any(
        isinstance(n, ast.Raise) or (isinstance(n, ast.Call) and EXCEPTION_NAME.search(_called_name(n)))
        for n in ast.walk(function)
    )


def message_literals(source: str) -> list[tuple[int, str]]:
    """(line, text) of every string literal (docstrings aside) in a function that raises or builds an
    exception: the message's own text, and the parts it is put together from (a label in a loop, a flag
    handed to a helper that words the error)."""
    tree = ast.parse(source)
    docstrings = _docstrings(tree)
    scopes: list[ast.AST] = [
        n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef) and _raises(n)
    ]
    definitions = ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef
    scopes += [n for n in tree.body if not isinstance(n, definitions) and _raises(n)]  # module-level raises
    found: dict[int, tuple[int, str]] = {}
    for scope in scopes:
        for n in ast.walk(scope):
            if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docstrings:
                found[id(n)] = (n.lineno, n.value)
    return sorted(found.values())


def _sources() -> list[tuple[str, str]]:
    files = []
    for layer in LAYERS:
        for path in sorted((PACKAGE / layer).rglob("*.py")):
            name = path.relative_to(PACKAGE).as_posix()
            if not name.startswith(SIMULATOR):
                files.append((name, path.read_text(encoding="utf-8")))
    return files


def test_the_scan_sees_a_flag_and_korean_in_a_message() -> None:
    """The scan itself: a flag in an f-string of a raise, Korean in an error call, nothing in a docstring."""
    source = (
        'def f(x):\n    """--docstring 한국어"""\n'
        '    raise ValueError(f"give a start date (--from) for {x}")\n'
        'e = KeyError("키 / key")\n'
    )
    texts = [t for _line, t in message_literals(source)]
    assert any(FLAG.search(t) for t in texts) and any(HANGUL.search(t) for t in texts)
    assert not any("docstring" in t for t in texts)


def test_shared_layers_error_messages_name_no_cli_flag() -> None:
    wrong, allowed_seen = [], set()
    for name, source in _sources():
        for line, text in message_literals(source):
            for flag in FLAG.findall(text):
                if (name, flag) in ALLOWED_FLAGS:
                    allowed_seen.add((name, flag))
                else:
                    wrong.append(f"{name}:{line}: {flag} in {text!r}")
    assert not wrong, "CLI flags in messages a screen may show:\n" + "\n".join(wrong)
    assert allowed_seen == ALLOWED_FLAGS, (
        f"allow-list entries no longer needed: {ALLOWED_FLAGS - allowed_seen}"
    )


def test_shared_layers_error_messages_are_english_only() -> None:
    wrong = [
        f"{name}:{line}: {text!r}"
        for name, source in _sources()
        for line, text in message_literals(source)
        if HANGUL.search(text)
    ]
    assert not wrong, "Korean inside English error messages:\n" + "\n".join(wrong)
