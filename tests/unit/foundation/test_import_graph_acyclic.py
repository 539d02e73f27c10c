"""No import cycles between the modules of ``upbit_auto_trading``.

The graph is grimp's (the library import-linter uses): every import counts, also one made inside a function
or under ``TYPE_CHECKING``, because each ties the two modules together all the same. A cycle is reported
as its modules (a strongly connected component of the graph), each with the imports that close it.
"""

from __future__ import annotations

import grimp
import pytest

PACKAGE = "upbit_auto_trading"


def _cycles(graph: grimp.ImportGraph) -> list[frozenset[str]]:
    """The graph's strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[frozenset[str]] = []
    counter = 0
    for root in sorted(graph.modules):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.find_modules_directly_imported_by(root))))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.find_modules_directly_imported_by(child)))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(frozenset(component))
    return found


def _describe(graph: grimp.ImportGraph, cycle: frozenset[str]) -> str:
    lines = [f"cycle of {len(cycle)} modules:"]
    for importer in sorted(cycle):
        for imported in sorted(graph.find_modules_directly_imported_by(importer) & cycle):
            details = graph.get_import_details(importer=importer, imported=imported)
            where = ", ".join(f"line {d['line_number']}" for d in details) or "?"
            lines.append(f"  {importer} -> {imported} ({where})")
    return "\n".join(lines)


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph(PACKAGE, cache_dir=None)


def test_the_cycle_finder_finds_a_cycle() -> None:
    """The finder itself: a graph with one cycle and one chain reports exactly the cycle."""
    graph = grimp.ImportGraph()
    for module in ("p.a", "p.b", "p.c", "p.d"):
        graph.add_module(module)
    graph.add_import(importer="p.a", imported="p.b")
    graph.add_import(importer="p.b", imported="p.c")
    graph.add_import(importer="p.c", imported="p.a")
    graph.add_import(importer="p.c", imported="p.d")
    assert _cycles(graph) == [frozenset({"p.a", "p.b", "p.c"})]


def test_no_import_cycles_between_modules(graph: grimp.ImportGraph) -> None:
    assert len(graph.modules) > 100  # the real package was read
    cycles = _cycles(graph)
    assert not cycles, "import cycles:\n" + "\n".join(_describe(graph, cycle) for cycle in cycles)
