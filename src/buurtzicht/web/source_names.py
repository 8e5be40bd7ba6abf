"""Sources by the names their publishers use, instead of table ids and file names."""

from __future__ import annotations

import re

#: StatLine tables of the offline mirror and the online fetch, by their CBS titles.
CBS_TABLES: dict[str, str] = {
    "47018NED": "Geregistreerde misdrijven; soort misdrijf, wijk, buurt, jaarcijfers",
    "81947NED": "Verdachten; geslacht, leeftijd, migratieachtergrond",
    "83648NED": "Geregistreerde criminaliteit; soort misdrijf, regio",
    "83859NED": "Gebieden in Nederland 2018",
    "84378NED": "Gebieden in Nederland 2019",
    "84468NED": "Geregistreerde misdrijven per wijk en buurt 2018",
    "84721NED": "Gebieden in Nederland 2020",
    "84929NED": "Gebieden in Nederland 2021",
    "85067NED": "Gebieden in Nederland 2022",
    "85146NED": "Veiligheidsmonitor; leefbaarheid en overlast, regio",
    "85385NED": "Gebieden in Nederland 2023",
    "85516NED": "Woonplaatsen in Nederland",
    "85755NED": "Gebieden in Nederland 2024",
    "85984NED": "Kerncijfers wijken en buurten 2024",
}
_FILE = re.compile(r"^file:[\w.-]+ \((?P<what>.+)\)$")


def source_name(table: str, lang: str = "nl") -> str:
    """``85984NED`` -> ``Kerncijfers wijken en buurten 2024 (85984NED)``; a mirror file
    by what it holds; the secure side by what it is.

    >>> source_name("file:gemeenten_2012 (PDOK wijk- en buurtkaart 2012 + KWB + cr_*)")
    'PDOK wijk- en buurtkaart 2012 + KWB + cr_*'
    """
    if table in CBS_TABLES:
        return f"{CBS_TABLES[table]} ({table})"
    found = _FILE.match(table)
    if found:
        return found.group("what")
    if table.startswith("secure.published"):
        report = table.endswith(".report")
        if lang == "en":
            what = "disclosure report" if report else "published aggregates"
            return f"Secure side, synthetic population: {what}"
        what = "geheimhoudingsrapport" if report else "gepubliceerde aggregaten"
        return f"Beveiligde omgeving, synthetische populatie: {what}"
    return table
