"""Own data beside the public figures on the profile, compare, ranking and map pages.

The public pages are pure functions of the build and the URL, rendered once per build
and kept in its answer cache (:func:`buurtzicht.web.render.public_page`), together with
the regions each page shows. A signed-in member of an organisation gets those same
public bytes with an *eigen gegevens* block put in: that organisation's current data
sets for the regions shown, read and rendered for the one request (HTML at the page's
``own_figures_slot``, JSON as the member ``eigen_gegevens``). Only the block is per
request; the answer that holds it is never read from or written to any cache (only
its public part is, :mod:`buurtzicht.api.response_cache`) and goes out
``Cache-Control: no-store, private``. Anonymous visitors and accounts without an organisation get the public page,
which never contains own data. Every view that shows own figures is written to the
audit log (queued, and written with the process's other views within
:data:`buurtzicht.workspace.audit.FLUSH_SECONDS`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import duckdb
from fastapi import Request
from fastapi.responses import Response
from pydantic import BaseModel

from buurtzicht.api.auth import SESSION_COOKIE, actor, get_principal, private, workspace_of
from buurtzicht.api.warehouse import Snapshot
from buurtzicht.web.contexts import Context
from buurtzicht.web.gzip_parts import Compressed, deflate_part
from buurtzicht.web.i18n import translator
from buurtzicht.web.render import page_key, public_page, remember_language
from buurtzicht.web.templating import OWN_FIGURES_SLOT, TEMPLATES
from buurtzicht.workspace import audit, datasets
from buurtzicht.workspace.epochs import EpochCache, cache_of, datasets_epoch
from buurtzicht.workspace.sessions import Principal

#: The key of the block in a page's JSON twin.
JSON_KEY = "eigen_gegevens"
SLOT = OWN_FIGURES_SLOT.encode()


class OwnFigure(BaseModel):
    code: str
    name: str | None
    level: str
    period: str
    count: int
    total: float | None


class OwnDataset(BaseModel):
    id: int
    name: str
    version: int
    value_label: str
    url: str
    rows: list[OwnFigure]


class OwnBlock(BaseModel):
    label: str = "eigen gegevens"
    organisation: str
    organisation_name: str
    datasets: list[OwnDataset]


class Shown(BaseModel):
    """The regions a page shows: code -> name, and the level when the page has one."""

    names: dict[str, str | None]
    level: str | None = None


def member_of_organisation(request: Request) -> Principal | None:
    """The signed-in user when they belong to an organisation (without a session cookie
    the workspace database is not even opened)."""
    if SESSION_COOKIE not in request.cookies:
        return None
    principal = get_principal(request)
    if principal is None or principal.organisation is None:
        return None
    return principal


def own_block(request: Request, principal: Principal, shown: Shown) -> OwnBlock:
    """The current data sets of the principal's organisation for the regions shown."""
    assert principal.organisation is not None
    found = [
        OwnDataset(
            id=info.id,
            name=info.name,
            version=info.version,
            value_label=info.value_label,
            url=f"/werkruimte/gegevens/{info.id}",
            rows=[
                OwnFigure(
                    code=v.region,
                    name=shown.names.get(v.region),
                    level=v.level,
                    period=v.period,
                    count=v.count,
                    total=v.total,
                )
                for v in rows
            ],
        )
        for info, rows in datasets.current_values(
            workspace_of(request), principal.organisation.code, shown.names, level=shown.level
        )
    ]
    return OwnBlock(
        organisation=principal.organisation.code,
        organisation_name=principal.organisation.name,
        datasets=found,
    )


def personal_page(
    request: Request,
    snapshot: Snapshot,
    lang: str,
    *,
    as_json: bool,
    template: str,
    build: Callable[[duckdb.DuckDBPyConnection], Context],
    shown: Callable[[Context], Shown],
    via: str,
) -> Response:
    """The public page of :func:`public_page` (rendered once per build, the same for
    every visitor), with the *eigen gegevens* block for a member of an organisation.

    Only the block is made per request: the organisation's figures for the regions the
    public page shows (kept beside its bytes), rendered on their own and put in at the
    page's slot, or added to the JSON twin under :data:`JSON_KEY`. The answer is
    private; the public bytes it starts from are never changed.
    """
    body, media_type, regions = public_page(
        request, snapshot, lang, as_json=as_json, template=template, build=build, also=shown
    )
    assert regions is not None
    principal = member_of_organisation(request)
    if principal is None:
        response = Response(body, media_type=media_type)
        remember_language(request, response)
        return response
    own = own_part(request, snapshot, principal, regions, lang, as_json=as_json)
    if own.datasets:  # written with this process's other views within FLUSH_SECONDS
        audit.record(
            workspace_of(request),
            actor(request, principal),
            "dataset.bekeken",
            request.url.path,
            {"datasets": own.datasets, "via": via, "regions": own.regions},
            soon=True,
        )
    before, after = split_at_block(body, as_json=as_json)
    if "gzip" in request.headers.get("accept-encoding", ""):
        # The public parts were compressed once, the block when it was made.
        key = ("gzip-around-own-figures", *page_key(request, lang))
        around = snapshot.cached(key, lambda: Compressed.around(before, after))
        response = Response(
            around.with_part(own.part, own.deflated),
            media_type=media_type,
            headers={"content-encoding": "gzip"},
        )
    else:
        response = Response(b"".join((before, own.part, after)), media_type=media_type)
    remember_language(request, response)
    private(response).headers["vary"] = "Accept-Encoding, Cookie"
    return response


@dataclass(frozen=True)
class OwnPart:
    """The block of one page for one organisation, as put in the page."""

    part: bytes  # HTML at the slot, or the JSON member
    deflated: bytes  # ``part`` as raw deflate blocks (gzip_parts)
    datasets: list[int]  # what the audit entry names
    regions: list[str]


#: Blocks a process keeps at most per workspace database (all dropped when full).
PARTS_MAX = 2_000


def own_part(
    request: Request,
    snapshot: Snapshot,
    principal: Principal,
    shown: Shown,
    lang: str,
    *,
    as_json: bool,
) -> OwnPart:
    """The *eigen gegevens* block of this page for the principal's organisation.

    Kept in this process (never in the build's caches) under the build, the
    organisation and the page, for as long as the database's datasets epoch is the same:
    triggers raise it on every upload, replacement and deletion of a data set by any
    process (:mod:`buurtzicht.workspace.epochs`), so a request reads that one row and
    makes the block only when the data changed. Another organisation's block has
    another key.
    """
    assert principal.organisation is not None
    database = workspace_of(request)
    cache: EpochCache[OwnPart] = cache_of(database, "own-parts", lambda: EpochCache(PARTS_MAX))
    epoch = datasets_epoch(database)
    key = (
        snapshot.build_id,
        principal.organisation.code,
        principal.organisation.name,
        *page_key(request, lang),
    )
    found = cache.get(epoch, key)
    if found is None:
        block = own_block(request, principal, shown)
        part = json_member(block) if as_json else html_block(block, lang)
        found = OwnPart(
            part=part,
            deflated=deflate_part(part),
            datasets=[d.id for d in block.datasets],
            regions=sorted({r.code for d in block.datasets for r in d.rows})[:50],
        )
        cache.put(epoch, key, found)
    return found


def split_at_block(page: bytes, *, as_json: bool) -> tuple[bytes, bytes]:
    """The public page before and after the place of the block: its one
    :data:`OWN_FIGURES_SLOT` (HTML), or the closing brace of the JSON object."""
    if as_json:
        if not (page.startswith(b"{") and page.endswith(b"}") and len(page) > 2):
            raise RuntimeError("a page's JSON twin must be an object with members")
        return page[:-1], page[-1:]
    before, slot, after = page.partition(SLOT)
    if not slot or SLOT in after:
        raise RuntimeError("a page with own figures must have exactly one own_figures_slot")
    return before, after


def html_block(block: OwnBlock, lang: str) -> bytes:
    html = TEMPLATES.get_template("_own_figures.html").render(
        own=block, t=translator(lang), lang=lang
    )
    return html.encode()


def json_member(block: OwnBlock) -> bytes:
    """``,"eigen_gegevens": {...}``: the block as the last member of the page's object."""
    return b',"' + JSON_KEY.encode() + b'":' + block.model_dump_json().encode()
