"""Every route of the app, for the isolation tests (FastAPI includes routers lazily, so
the route table is read through each included router's effective routes)."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import FastAPI


@dataclass(frozen=True)
class RouteInfo:
    path: str
    methods: frozenset[str]


def all_routes(app: FastAPI) -> list[RouteInfo]:
    out = []
    for route in app.routes:
        contexts = getattr(route, "effective_route_contexts", None)
        if contexts is not None:
            for context in contexts():
                out.append(RouteInfo(context.path, frozenset(context.methods or ())))
        else:
            out.append(
                RouteInfo(
                    getattr(route, "path", ""),
                    frozenset(getattr(route, "methods", None) or {"GET"}),
                )
            )
    return out
