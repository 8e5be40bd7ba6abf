"""A local HTTP server that replays CBS OData v3/v4 and PDOK WFS from the mirror.

A real ``http.server.ThreadingHTTPServer`` on 127.0.0.1 (port 0) in a thread, so the
clients under test go through real sockets, real headers and real JSON. It pages like
CBS (``odata.nextLink`` / ``@odata.nextLink`` after ``page_size`` rows, ``$skip`` in
the link, ``$filter`` kept), applies the simple ``$filter`` the clients send
(``(Dim eq 'key' or ...) and (...)``, compared against the *padded* keys as CBS does)
and pages PDOK by ``count``/``startIndex``.

Faults can be injected per request (a 503 or 429 once, a connection reset, a body cut
short, truncated JSON, a page without ``value``, a changed column) and every request
is logged, so tests can assert that retries happened, that a resumed run skipped the
pages it had, and that a warm cache asked for no data.

Routes (``base_url`` + ...)::

    /opendata/ODataApi/odata/<table>/{TableInfos,DataProperties,<Dim>,TypedDataSet}
    /dataderden/ODataApi/odata/<table>/...      (the police tables)
    /v4/CBS/<table>/{Properties,Dimensions,MeasureCodes,<Dim>Codes,Observations}
    /pdok/<year>/wfs/v1_0?...typeNames=wijkenbuurten:<layer>&count=&startIndex=
"""

from __future__ import annotations

import json
import re
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, quote, urlencode, urlsplit

from tests.fakes.replay_data import ReplayData

_CLAUSE = re.compile(r"(\w+) eq '([^']*)'")


@dataclass
class Hit:
    """One request as the server saw it."""

    path: str
    params: dict[str, str]
    status: int = 200
    port: int = 0  # the client's port: one port = one reused connection

    @property
    def is_data(self) -> bool:
        """A data page (not metadata)."""
        return self.path.endswith(("/TypedDataSet", "/Observations")) or "/wfs/" in self.path


@dataclass
class Fault:
    """Misbehave on matching requests, ``times`` times.

    kind: ``status`` (answer ``status``, optionally with ``Retry-After``), ``reset``
    (close the connection without an answer), ``cut`` (announce the full length but
    send half the body), ``truncated_json`` (a complete response whose JSON is cut),
    ``no_value`` (valid JSON without ``value``), ``extra_column`` (a column that is not
    in DataProperties), ``not_a_number`` (a text where a number belongs), ``short_page``
    (half the rows of a page, next link and ``numberMatched`` unchanged).
    """

    match: Callable[[str, dict[str, str]], bool]
    kind: str = "status"
    status: int = 503
    times: int = 1
    retry_after: str | None = None


def page_at(path_end: str, skip: int = 0) -> Callable[[str, dict[str, str]], bool]:
    """Match the data page of ``path_end`` that starts at row ``skip``."""

    def match(path: str, params: dict[str, str]) -> bool:
        at = int(params.get("$skip", params.get("startIndex", "0")) or 0)
        return path.endswith(path_end) and at == skip

    return match


@dataclass
class CbsReplayServer:
    data: ReplayData
    page_size: int = 10_000  # data pages (TypedDataSet, Observations)
    list_page_size: int = 10_000  # metadata and code lists, as CBS pages them
    wfs_max: int = 1000
    swap_axes: bool = False
    hits: list[Hit] = field(default_factory=list)
    faults: list[Fault] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        handler = type("Handler", (_Handler,), {"replay": self})
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    # -- lifecycle -----------------------------------------------------------------
    def __enter__(self) -> CbsReplayServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def settings_overrides(self) -> dict[str, str]:
        """Base-URL settings that point every client at this server."""
        return {
            "cbs_odata_v3_url": f"{self.base_url}/opendata/ODataApi/odata",
            "cbs_odata_v3_police_url": f"{self.base_url}/dataderden/ODataApi/odata",
            "cbs_odata_v4_url": f"{self.base_url}/v4/CBS",
            "pdok_wfs_url": f"{self.base_url}/pdok/{{year}}/wfs/v1_0",
        }

    # -- bookkeeping ---------------------------------------------------------------
    def inject(self, fault: Fault) -> None:
        with self._lock:
            self.faults.append(fault)

    def data_hits(self) -> list[Hit]:
        return [h for h in self.hits if h.is_data]

    def _fault_for(self, path: str, params: dict[str, str]) -> Fault | None:
        with self._lock:
            for fault in self.faults:
                if fault.times > 0 and fault.match(path, params):
                    fault.times -= 1
                    return fault
        return None

    # -- routing -------------------------------------------------------------------
    def respond(self, path: str, params: dict[str, str]) -> tuple[int, Any]:
        parts = [p for p in path.split("/") if p]
        if len(parts) == 5 and parts[1:3] == ["ODataApi", "odata"]:
            return self._v3(parts[0], parts[3], parts[4], params, path)
        if len(parts) == 4 and parts[:2] == ["v4", "CBS"]:
            return self._v4(parts[2], parts[3], params, path)
        if len(parts) == 4 and parts[0] == "pdok":
            return self._wfs(int(parts[1]), params)
        return 404, {"error": f"no route {path}"}

    def _v3(
        self, host: str, table: str, name: str, params: dict[str, str], path: str
    ) -> tuple[int, Any]:
        spec = self.data.v3.get(host, {}).get(table)
        if spec is None:
            return 404, {"odata.error": {"message": {"value": f"table {table} not on {host}"}}}
        meta = f"{self.base_url}/{host}/ODataApi/odata/{table}/$metadata#Cbs.OData.WebAPI.{name}"
        if name == "TableInfos":
            return 200, {"odata.metadata": meta, "value": [spec.info]}
        if name == "DataProperties":
            return 200, {"odata.metadata": meta, "value": spec.properties}
        if name in spec.code_lists:
            page, link = self._page(spec.code_lists[name], params, path, self.list_page_size)
        elif name == "TypedDataSet":
            rows = _filtered(spec.rows, params.get("$filter", ""))
            page, link = self._page(rows, params, path, self.page_size)
        else:
            return 404, {"odata.error": {"message": {"value": f"no {name}"}}}
        body: dict[str, Any] = {"odata.metadata": meta, "value": page}
        if link:
            body["odata.nextLink"] = link
        return 200, body

    def _v4(self, table: str, name: str, params: dict[str, str], path: str) -> tuple[int, Any]:
        spec = self.data.v4.get(table)
        if spec is None:
            return 404, {"error": {"message": f"no table {table}"}}
        context = f"{self.base_url}/v4/CBS/{table}/$metadata#{name}"
        if name == "Properties":
            return 200, {"@odata.context": context, **spec.properties}
        lists = {"Dimensions": spec.dimensions, "MeasureCodes": spec.measure_codes}
        lists.update({f"{k}Codes": v for k, v in spec.code_lists.items()})
        if name in lists:
            return 200, {"@odata.context": context, "value": lists[name]}
        if name != "Observations":
            return 404, {"error": {"message": f"no {name}"}}
        rows = _filtered(spec.observations, params.get("$filter", ""))
        page, link = self._page(rows, params, path, self.page_size)
        body: dict[str, Any] = {"@odata.context": context, "value": page}
        if link:
            body["@odata.nextLink"] = link
        return 200, body

    def _page(
        self, rows: list[dict[str, Any]], params: dict[str, str], path: str, size: int
    ) -> tuple[list[dict[str, Any]], str]:
        skip = int(params.get("$skip", "0") or 0)
        page = rows[skip : skip + size]
        if skip + size >= len(rows):
            return page, ""
        query = {k: v for k, v in params.items() if k != "$skip"}
        query["$skip"] = str(skip + size)
        return page, f"{self.base_url}{path}?{urlencode(query, quote_via=quote)}"

    def _wfs(self, year: int, params: dict[str, str]) -> tuple[int, Any]:
        lower = {k.lower(): v for k, v in params.items()}
        layer = lower.get("typenames", "").split(":")[-1]
        features = self.data.wfs.get((year, layer))
        if features is None or lower.get("request") != "GetFeature":
            return 400, {"error": f"unknown layer {layer!r} for {year}"}
        count = min(int(lower.get("count", self.wfs_max)), self.wfs_max)
        start = int(lower.get("startindex", "0"))
        page = features[start : start + count]
        if self.swap_axes:
            page = [_swapped(f) for f in page]
        return 200, {
            "type": "FeatureCollection",
            "numberMatched": len(features),
            "numberReturned": len(page),
            "features": page,
        }


def _filtered(rows: list[dict[str, Any]], expression: str) -> list[dict[str, Any]]:
    """Apply ``(A eq 'x' or A eq 'y') and (B eq 'z')``; keys compared exactly (padded)."""
    if not expression:
        return rows
    clauses = []
    for part in expression.split(" and "):
        pairs = _CLAUSE.findall(part)
        if not pairs:
            raise ValueError(f"unsupported $filter part {part!r}")
        clauses.append(pairs)
    return [row for row in rows if all(any(row.get(dim) == key for dim, key in c) for c in clauses)]


def _swapped(feature: dict[str, Any]) -> dict[str, Any]:
    def swap(c: Any) -> Any:
        return [swap(x) for x in c] if c and isinstance(c[0], list) else [c[1], c[0]]

    geometry = feature["geometry"]
    return {**feature, "geometry": {**geometry, "coordinates": swap(geometry["coordinates"])}}


class _Handler(BaseHTTPRequestHandler):
    replay: CbsReplayServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        pass  # keep test output clean

    def do_GET(self) -> None:
        split = urlsplit(self.path)
        params = {k: v[-1] for k, v in parse_qs(split.query, keep_blank_values=True).items()}
        hit = Hit(split.path, params, port=int(self.client_address[1]))
        self.replay.hits.append(hit)
        fault = self.replay._fault_for(split.path, params)
        if fault is not None and fault.kind == "reset":
            hit.status = 0
            self.connection.shutdown(socket.SHUT_RDWR)
            self.close_connection = True
            return
        if fault is not None and fault.kind == "status":
            hit.status = fault.status
            headers = {"Retry-After": fault.retry_after} if fault.retry_after else {}
            self._send(fault.status, b'{"error": "injected"}', headers)
            return
        status, payload = self.replay.respond(split.path, params)
        hit.status = status
        body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        if fault is not None:
            body = self._damaged(fault, payload, body)
            if fault.kind == "cut":
                return
        self._send(status, body, {})

    def _damaged(self, fault: Fault, payload: Any, body: bytes) -> bytes:
        if fault.kind == "cut":
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_RDWR)
            self.close_connection = True
            return body
        if fault.kind == "truncated_json":
            return body[: len(body) // 2]
        if fault.kind == "no_value":
            return json.dumps({k: v for k, v in payload.items() if k != "value"}).encode()
        if fault.kind == "short_page":  # half the rows, links and counts unchanged
            rows_key = "value" if "value" in payload else "features"
            rows = payload[rows_key]
            return json.dumps({**payload, rows_key: rows[: len(rows) // 2]}).encode()
        rows = payload["value"]
        if fault.kind == "extra_column":
            rows = [{**r, "NieuweKolom_999": 1} for r in rows]
        elif fault.kind == "not_a_number":
            first = next(
                k for k, v in rows[0].items() if isinstance(v, int) and k not in {"ID", "Id"}
            )
            rows = [{**rows[0], first: "12,5"}, *rows[1:]]
        return json.dumps({**payload, "value": rows}).encode()

    def _send(self, status: int, body: bytes, headers: dict[str, str]) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)
