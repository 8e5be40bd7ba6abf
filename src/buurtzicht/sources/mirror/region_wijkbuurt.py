"""Wijken and buurten: indeling 2024 (85984NED / 47018NED / PDOK) and 2018 (84468NED).

2024: the 85984NED (KWB) region dimension gives 342 gemeenten, 3,393 wijken and
14,574 buurten; buurt names come from 85984NED's ``WijkenEnBuurtenCodes`` list (they
equal the dimension titles). The PDOK wijk map adds the wijken that KWB leaves out:
81 "Groot water" wijken and WK099899 Buitenland. 47018NED's dimension adds the
"onbekend" codes GM0000, WK000000 and BU00000000 under which the police register
crimes they cannot place.
"""

from __future__ import annotations

import pandas as pd

from buurtzicht.errors import SourceFormatError
from buurtzicht.regions.codes import Level
from buurtzicht.sources.mirror.context import MirrorContext
from buurtzicht.sources.mirror.files import FILES
from buurtzicht.sources.mirror.readers import region_codes
from buurtzicht.sources.mirror.region_rows import mark_special, rows_frame

LEVEL_NAMES = {"GM": Level.GEMEENTE, "WK": Level.WIJK, "BU": Level.BUURT}


def dimension_frame(ctx: MirrorContext, key: str) -> pd.DataFrame:
    """A WijkenEnBuurten dimension (Key, Title, Municipality) with normalised codes."""
    path = ctx.path(key)
    table = ctx.read_table(key)
    codes = region_codes(table["Key"], path=path)
    frame = pd.DataFrame({"code": codes.to_numpy(), "name": table["Title"].to_numpy()})
    return frame[frame["code"].str[:2].isin(list(LEVEL_NAMES))].reset_index(drop=True)


def regions_2024(ctx: MirrorContext) -> pd.DataFrame:
    """Every gemeente, wijk and buurt of indeling 2024 (without parent context yet)."""
    kwb = dimension_frame(ctx, "kwb_dimension").assign(source=FILES["kwb_dimension"].table)
    kwb = _with_buurt_names(ctx, kwb)
    police = dimension_frame(ctx, "politie_dimension")
    extra_police = police[~police["code"].isin(kwb["code"])].assign(
        source=FILES["politie_dimension"].table
    )
    wijken = _geometry_wijken(ctx)
    extra_wijken = wijken[~wijken["code"].isin(kwb["code"])]
    frame = pd.concat([kwb, extra_police, extra_wijken], ignore_index=True)
    frame = frame.drop_duplicates("code").reset_index(drop=True)
    return _hierarchy(frame, indeling=2024, where=str(ctx.path("kwb_dimension")))


def _with_buurt_names(ctx: MirrorContext, frame: pd.DataFrame) -> pd.DataFrame:
    path = ctx.path("buurt_names")
    names = ctx.read_table("buurt_names")
    mapping = dict(zip(region_codes(names["Identifier"], path=path), names["Title"], strict=True))
    buurten = frame["code"].str.startswith("BU")
    unnamed = buurten & ~frame["code"].isin(list(mapping))
    if unnamed.any():
        raise SourceFormatError(
            path, f"no name for buurt {frame['code'][unnamed].iloc[0]}", expected="every BU code"
        )
    frame.loc[buurten, "name"] = frame.loc[buurten, "code"].map(mapping)
    return frame


def _geometry_wijken(ctx: MirrorContext) -> pd.DataFrame:
    path = ctx.path("wijken_geo_2024")
    rows = ctx.read_features("wijken_geo_2024")
    frame = pd.DataFrame(rows)
    codes = region_codes(frame["wijkcode"], path=path, record="feature").tolist()
    result = pd.DataFrame({"code": codes, "name": frame["wijknaam"].astype("string")})
    gemeenten = frame[["gemeentecode", "gemeentenaam"]].drop_duplicates()
    gm = pd.DataFrame({"code": gemeenten["gemeentecode"], "name": gemeenten["gemeentenaam"]})
    return pd.concat([gm, result], ignore_index=True).assign(source=FILES["wijken_geo_2024"].table)


def _hierarchy(frame: pd.DataFrame, *, indeling: int, where: str) -> pd.DataFrame:
    """Level, gemeente and wijk of every row; a buurt whose wijk is absent is an error."""
    frame = frame.copy()
    code = frame["code"].astype("string")
    frame["level"] = code.str[:2].map({p: level.value for p, level in LEVEL_NAMES.items()})
    frame["gemeente"] = "GM" + code.str[2:6]
    frame["wijk"] = ("WK" + code.str[2:8]).where(code.str.startswith("BU"))
    frame["indeling"] = indeling
    wijken = set(frame["code"][frame["level"] == Level.WIJK.value])
    orphans = frame[(frame["level"] == Level.BUURT.value) & ~frame["wijk"].isin(list(wijken))]
    if not orphans.empty:
        raise SourceFormatError(
            where, f"buurt {orphans['code'].iloc[0]} has no wijk {orphans['wijk'].iloc[0]}"
        )
    gemeenten = set(frame["code"][frame["level"] == Level.GEMEENTE.value])
    lonely = frame[~frame["gemeente"].isin(list(gemeenten))]
    if not lonely.empty:
        raise SourceFormatError(where, f"{lonely['code'].iloc[0]} has no gemeente")
    frame = mark_special(rows_frame(frame))
    return _inherit_special(frame)


def _inherit_special(frame: pd.DataFrame) -> pd.DataFrame:
    """Buurten of a special wijk and wijken of a special gemeente are special too."""
    by_code = pd.Series(frame["special"].to_numpy(), index=frame["code"].to_numpy())
    special = frame["special"].fillna(frame["wijk"].map(by_code))
    frame["special"] = special.fillna(frame["gemeente"].map(by_code)).astype("string")
    return frame


def regions_2018(ctx: MirrorContext) -> pd.DataFrame:
    """Gemeenten, wijken and buurten present in the 84468NED dump (indeling 2018)."""
    path = ctx.path("misdrijven_wb_2018")
    table = ctx.table("misdrijven_wb_2018")
    codes = region_codes(table["Codering_3"], path=path).tolist()
    frame = pd.DataFrame({"code": codes, "name": table["WijkenEnBuurten"].to_numpy()})
    frame["source"] = FILES["misdrijven_wb_2018"].table
    return _hierarchy(frame, indeling=2018, where=str(path))
