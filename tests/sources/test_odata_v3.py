"""CBS OData v3 client against a local server replaying CBS pages built from the mirror.

Real sockets, real JSON, keys padded as CBS pads them; values are checked against the
mirror files read independently here.
"""

from __future__ import annotations

import copy
import csv
import dataclasses
import gzip
import hashlib
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from buurtzicht.config import Settings
from buurtzicht.errors import SourceFormatError, SourceUnavailableError
from buurtzicht.sources.cbs_odata_v3 import fetch_v3_table
from buurtzicht.sources.cbs_odata_v3_frame import qualified_stems
from buurtzicht.sources.http import Client
from buurtzicht.sources.odata import TableResult
from buurtzicht.sources.tables import TABLES, TableSpec
from tests.fakes.cbs_server import CbsReplayServer, Fault, page_at
from tests.fakes.replay_data import ReplayData, cached_build

POLICE_ALL = dataclasses.replace(TABLES["47018NED"], recent_periods=None)
TYPED = "/TypedDataSet"


@pytest.fixture(scope="module")
def replay_data(raw: Path) -> ReplayData:
    return cached_build(raw)


def _settings(home: Path, server: CbsReplayServer) -> Settings:
    return Settings(home=home, http_retries=2, http_backoff=0.0, **server.settings_overrides())


def _fetch(settings: Settings, spec: TableSpec, sleeps: list[float] | None = None) -> TableResult:
    with Client(settings, sleep=(sleeps.append if sleeps is not None else lambda _: None)) as c:
        return fetch_v3_table(c, spec)


@pytest.fixture
def police(replay_data: ReplayData, tmp_path: Path) -> Iterator[tuple[CbsReplayServer, Settings]]:
    """47018NED served in pages of 200 rows (1,696 rows -> 9 pages)."""
    with CbsReplayServer(replay_data, page_size=200) as server:
        yield server, _settings(tmp_path / "var", server)


# -- KWB 2024: the full round trip -------------------------------------------------------
@pytest.fixture(scope="module")
def kwb(replay_data: ReplayData, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    """85984NED fetched once, in 4 pages of 2,500 rows (the warm cache is tested on
    47018NED below: converting 1.2 million cells twice would only slow the suite)."""
    home = tmp_path_factory.mktemp("kwb")
    with CbsReplayServer(replay_data, page_size=2500) as server:
        cold = _fetch(_settings(home, server), TABLES["85984NED"])
        yield {"cold": cold, "cold_hits": list(server.hits), "home": home}


def _dump(raw: Path) -> list[dict[str, str]]:
    path = raw / "cbs_statline_dumps_dertje" / "85984NED_kwb2024_TRUNCATED_first10000rows.csv.gz"
    text = gzip.decompress(path.read_bytes()).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text), delimiter=";"))


def _value(frame: pd.DataFrame, measure: str, region: str) -> pd.Series:
    row = frame[(frame["measure"] == measure) & (frame["region"] == region)]
    assert len(row) == 1, f"{measure} {region}: {len(row)} rows"
    return row.iloc[0]


def test_kwb_values_match_the_mirror(kwb: dict, raw: Path) -> None:
    obs = kwb["cold"].batch.observations
    amsterdam = _value(obs, "kwb.AantalInwoners", "GM0363")
    assert amsterdam["value"] == 931_298
    assert (amsterdam["period"], amsterdam["indeling"], amsterdam["status"]) == (
        "2024JJ00",
        2024,
        "ok",
    )
    # NL00 in KWB is NL01 everywhere else
    assert _value(obs, "kwb.AantalInwoners", "NL01")["value"] == 17_942_942
    # every numeric cell of the dump is one observation, none dropped or invented
    dump = _dump(raw)
    assert len(obs) == len(dump) * 123
    assert obs["region"].nunique() == len({r["Codering_3"].strip() for r in dump})
    wozs = {r["Codering_3"].strip(): r["GemiddeldeWOZWaardeVanWoningen_39"] for r in dump}
    woz = obs[obs["measure"] == "kwb.GemiddeldeWOZWaardeVanWoningen"].set_index("region")["value"]
    assert woz["GM0363"] == float(wozs["GM0363"])


def test_padded_keys_come_out_stripped(kwb: dict) -> None:
    obs = kwb["cold"].batch.observations
    regions = set(obs["region"].unique())
    assert {"GM1680", "WK168000", "BU16800000"} <= regions
    assert any(code.startswith("WK0363") and not code[-2:].isdigit() for code in regions)
    assert not any(" " in code for code in regions)


def test_nulls_stay_null_with_status_missing(kwb: dict, raw: Path) -> None:
    obs = kwb["cold"].batch.observations
    births = _value(obs, "kwb.GeboorteTotaal", "NL01")  # empty in the dump
    assert pd.isna(births["value"]) and births["status"] == "missing"
    empty = sum(
        1
        for row in _dump(raw)
        for key, value in row.items()
        if key
        not in {
            "ID",
            "WijkenEnBuurten",
            "Gemeentenaam_1",
            "SoortRegio_2",
            "Codering_3",
            "IndelingswijzigingGemeenteWijkBuurt_4",
            "MeestVoorkomendePostcode_125",
        }
        and value.strip() in {"", "."}
    )
    assert int(obs["value"].isna().sum()) == empty > 0
    assert set(obs.loc[obs["value"].isna(), "status"]) == {"missing"}
    assert not (obs["value"] == 0).sum() > (obs["status"] == "ok").sum()


def test_measure_metadata_comes_from_data_properties(kwb: dict, raw: Path) -> None:
    props = json.loads(
        (raw / "cbs_kwb2024_85984NED_odata_meta" / "DataProperties.json").read_text("utf-8")
    )
    source = next(p for p in props if p["Key"] == "GemiddeldeHuishoudensgrootte_33")
    measures = {m.id: m for m in kwb["cold"].batch.measures}
    inwoners = measures["kwb.AantalInwoners"]
    assert (inwoners.title, inwoners.unit, inwoners.decimals) == ("Aantal inwoners", "aantal", 0)
    assert inwoners.source_version == "2025-03-27T02:00:00"
    size = measures["kwb.GemiddeldeHuishoudensgrootte"]
    assert size.decimals == 1 and size.description == source["Description"].strip()
    assert "kwb.MateVanStedelijkheid" in measures  # _127 in this revision, _122 before
    # text topics are region attributes, not measures
    assert not any("Gemeentenaam" in m or "Codering" in m for m in measures)
    attributes = kwb["cold"].attributes.set_index("region")
    assert attributes.loc["GM0363", "Gemeentenaam"] == "Amsterdam"
    assert attributes.loc["GM0363", "SoortRegio"] == "Gemeente"


def test_repeated_stems_get_a_qualifier(raw: Path) -> None:
    props = json.loads(
        (raw / "cbs_kwb2024_85984NED_odata_meta" / "DataProperties.json").read_text("utf-8")
    )
    stems = qualified_stems(props)
    assert len(set(stems.values())) == len(stems) == 128
    assert stems["Nederland_17"] == "Nederland"
    assert stems["Nederland_20"] == "Nederland.GeborenInNederland"
    assert stems["EuropaExclusiefNederland_23"] == "EuropaExclusiefNederland.GeborenBuitenNederland"
    assert stems["Appartement_54"] == "Appartement"
    assert stems["Appartement_62"] == "Appartement.GemiddeldAardgasverbruik"


def test_manifest_entry_names_url_version_and_payload_checksum(kwb: dict) -> None:
    (source,) = kwb["cold"].batch.files
    assert source.table == "85984NED" and source.version == "2025-03-27T02:00:00"
    assert source.path.endswith("/opendata/ODataApi/odata/85984NED/TypedDataSet")
    pages = sorted((kwb["home"] / "cache" / "odata" / "85984NED").glob("*/v3-all/*.json"))
    assert len(pages) == 4
    digest = hashlib.sha256(b"".join(p.read_bytes() for p in pages)).hexdigest()
    assert source.sha256 == digest


def test_follows_next_link_and_uses_one_connection(kwb: dict) -> None:
    skips = [h.params.get("$skip", "0") for h in kwb["cold_hits"] if h.path.endswith(TYPED)]
    assert skips == ["0", "2500", "5000", "7500"]
    assert len({h.port for h in kwb["cold_hits"]}) == 1  # one session, reused throughout


def test_warm_cache_makes_no_data_requests(police: tuple) -> None:
    server, settings = police
    cold = _fetch(settings, POLICE_ALL)
    server.hits.clear()
    warm = _fetch(settings, POLICE_ALL)
    assert [h.path.rsplit("/", 1)[-1] for h in server.hits] == ["TableInfos"]
    pd.testing.assert_frame_equal(cold.batch.observations, warm.batch.observations)
    assert [m.id for m in cold.batch.measures] == [m.id for m in warm.batch.measures]
    assert cold.batch.files == warm.batch.files
    assert (warm.pages, warm.pages_fetched, cold.pages_fetched) == (9, 0, 9)


# -- police table on dataderden --------------------------------------------------------
def test_police_table_comes_from_dataderden(police: tuple, raw: Path) -> None:
    server, settings = police
    result = _fetch(settings, POLICE_ALL)
    assert all(h.path.startswith("/dataderden/") for h in server.hits)
    obs = result.batch.observations.set_index(["measure", "region", "period"])
    assert obs.loc[("politie.misdrijven.0.0.0", "NL01", "2012JJ00"), "value"] == 1_127_693
    assert obs.loc[("politie.misdrijven.0.0.0", "GM1680", "2012JJ00"), "value"] == 889
    national = raw / "politie_47018NED_nationaal_bernasco_staat" / "NL_Crime.csv"
    rows = list(csv.DictReader(national.open(encoding="utf-8")))
    woning = next(
        r for r in rows if r["incident_type_code"].startswith("1.1.1 ") and r["year"] == "2015"
    )
    assert obs.loc[("politie.misdrijven.1.1.1", "NL01", "2015JJ00"), "value"] == int(
        woning["incident_count"]
    )
    # "indeling 2024" in the description wins over the stale MapYear 2019
    assert set(result.batch.observations["indeling"]) == {2024}
    measure = next(m for m in result.batch.measures if m.id == "politie.misdrijven.1.1.1")
    assert measure.title == "Geregistreerde misdrijven: 1.1.1 Diefstal/inbraak woning"
    assert measure.publisher == "Politie" and "A20 Gekwal. Diefstal" in measure.description


def test_recent_periods_are_filtered_on_the_server(police: tuple) -> None:
    server, settings = police
    result = _fetch(settings, TABLES["47018NED"])  # last 5 periods of the code list
    assert sorted(result.batch.observations["period"].unique()) == [
        f"{y}JJ00" for y in range(2019, 2024)
    ]
    sent = next(h.params["$filter"] for h in server.hits if h.path.endswith(TYPED))
    assert "Perioden eq '2023JJ00'" in sent and "2018JJ00" not in sent


def test_filters_are_sent_with_the_padded_key(police: tuple) -> None:
    server, settings = police
    spec = dataclasses.replace(POLICE_ALL, filters={"SoortMisdrijf": ("1.1.1",)})
    result = _fetch(settings, spec)
    sent = next(h.params["$filter"] for h in server.hits if h.path.endswith(TYPED))
    assert sent == "(SoortMisdrijf eq '1.1.1 ')"
    assert set(result.batch.observations["measure"]) == {"politie.misdrijven.1.1.1"}


def test_unfolded_dimension_is_an_error(police: tuple) -> None:
    _, settings = police
    spec = dataclasses.replace(POLICE_ALL, measure_template="{family}.{stem}")
    with pytest.raises(SourceFormatError, match="dimension SoortMisdrijf has 59 keys"):
        _fetch(settings, spec)


def _police_only(data: ReplayData) -> ReplayData:
    """A private copy of the police table, for tests that change it."""
    return ReplayData(v3={"dataderden": copy.deepcopy(data.v3["dataderden"])})


def test_provisional_periods_get_status_provisional(
    replay_data: ReplayData, tmp_path: Path
) -> None:
    data = _police_only(replay_data)
    periods = data.v3["dataderden"]["47018NED"].code_lists["Perioden"]
    next(p for p in periods if p["Key"] == "2023JJ00")["Status"] = "Voorlopig"
    with CbsReplayServer(data, page_size=500) as server:
        obs = _fetch(_settings(tmp_path, server), POLICE_ALL).batch.observations
    assert set(obs.loc[obs["period"] == "2023JJ00", "status"]) == {"provisional"}
    assert set(obs.loc[obs["period"] == "2022JJ00", "status"]) == {"ok"}


# -- retries, resume, versions -----------------------------------------------------------
def test_failing_page_is_retried(police: tuple) -> None:
    server, settings = police
    clean = _fetch(settings, POLICE_ALL).batch.observations
    settings = settings.model_copy(update={"home": settings.home / "again"})
    server.hits.clear()
    server.inject(Fault(page_at(TYPED, 400), kind="status", status=503))
    server.inject(Fault(page_at(TYPED, 800), kind="reset"))
    server.inject(Fault(page_at(TYPED, 1200), kind="cut"))
    sleeps: list[float] = []
    result = _fetch(settings, POLICE_ALL, sleeps)
    statuses = [(h.params.get("$skip", "0"), h.status) for h in server.data_hits()]
    assert ("400", 503) in statuses and ("400", 200) in statuses
    assert [s for s in statuses if s[0] == "800"] == [("800", 0), ("800", 200)]
    assert len(sleeps) == 3
    pd.testing.assert_frame_equal(result.batch.observations, clean)


def test_retry_after_is_honoured(police: tuple) -> None:
    server, settings = police
    server.inject(Fault(page_at(TYPED, 0), status=429, retry_after="7"))
    sleeps: list[float] = []
    _fetch(settings, POLICE_ALL, sleeps)
    assert sleeps == [7.0]


def test_gives_up_after_the_retries(police: tuple) -> None:
    server, settings = police
    server.inject(Fault(page_at(TYPED, 200), status=503, times=10))
    with pytest.raises(
        SourceUnavailableError, match=r"TypedDataSet.*gave up after 3 tries.*HTTP 503"
    ):
        _fetch(settings, POLICE_ALL)


def test_client_errors_are_not_retried(police: tuple) -> None:
    server, settings = police
    spec = dataclasses.replace(POLICE_ALL, id="99999NED")
    with pytest.raises(SourceUnavailableError, match=r"99999NED/TableInfos: HTTP 404"):
        _fetch(settings, spec)
    assert len(server.hits) == 1


def test_interrupted_run_resumes_at_the_first_missing_page(police: tuple) -> None:
    server, settings = police
    server.inject(Fault(page_at(TYPED, 1000), status=400))
    with pytest.raises(SourceUnavailableError):
        _fetch(settings, POLICE_ALL)
    server.hits.clear()
    result = _fetch(settings, POLICE_ALL)
    skips = [h.params.get("$skip") for h in server.data_hits()]
    assert skips == ["1000", "1200", "1400", "1600"]
    assert (result.pages, result.pages_fetched) == (9, 4)
    assert len(result.batch.observations) == 1696


def test_new_modified_fetches_afresh(replay_data: ReplayData, tmp_path: Path) -> None:
    data = _police_only(replay_data)
    with CbsReplayServer(data, page_size=500) as server:
        settings = _settings(tmp_path, server)
        first = _fetch(settings, POLICE_ALL)
        data.v3["dataderden"]["47018NED"].info["Modified"] = "2025-08-15T02:00:00"
        server.hits.clear()
        second = _fetch(settings, POLICE_ALL)
    assert second.version == "2025-08-15T02:00:00" != first.version
    assert second.pages_fetched == second.pages == 4
    assert {m.source_version for m in second.batch.measures} == {"2025-08-15T02:00:00"}
    versions = [p.name for p in (tmp_path / "cache" / "odata" / "47018NED").iterdir()]
    assert versions == ["2025-08-15T02-00-00"]  # the old version is pruned


# -- malformed pages -----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("kind", "message"),
    [
        ("truncated_json", "not valid JSON"),
        ("no_value", "no 'value' list"),
        ("extra_column", r"unexpected \['NieuweKolom_999'\].*schema changed"),
        ("not_a_number", "'12,5' is not a number"),
    ],
)
def test_malformed_page_names_the_url(police: tuple, kind: str, message: str) -> None:
    server, settings = police
    server.inject(Fault(page_at(TYPED, 600), kind=kind))
    with pytest.raises(SourceFormatError, match=message) as caught:
        _fetch(settings, POLICE_ALL)
    assert "47018NED/TypedDataSet" in str(caught.value)
    cached = sorted((settings.cache_dir / "odata" / "47018NED").glob("*/v3-all/*.json"))
    assert [p.name for p in cached][-1] == "00002.json"  # the bad page was not cached
