// Choropleth. The page's table carries every region's figure and colour in data-*
// attributes (colours and classes come from the server, relative to NL); the map draws
// either one GeoJSON (/api/geometry: a level nationally, or the regions within a
// gemeente or wijk) or, for the national buurt map, vector tiles (/api/tiles), and
// colours each region by its code (feature state). A click opens the region's profile.
const container = document.getElementById("map");

function readRows() {
  const rows = new Map();
  for (const tr of document.querySelectorAll("#values-table tbody tr[data-code]")) {
    rows.set(tr.dataset.code, {
      name: tr.querySelector("a") ? tr.querySelector("a").textContent : tr.dataset.code,
      colour: tr.dataset.colour,
      display: tr.dataset.display,
      note: tr.dataset.note || "",
    });
  }
  return rows;
}

function bbox(features) {
  let [minX, minY, maxX, maxY] = [180, 90, -180, -90];
  const visit = (c) => {
    if (typeof c[0] === "number") {
      minX = Math.min(minX, c[0]); maxX = Math.max(maxX, c[0]);
      minY = Math.min(minY, c[1]); maxY = Math.max(maxY, c[1]);
    } else c.forEach(visit);
  };
  features.forEach((f) => visit(f.geometry.coordinates));
  return [[minX, minY], [maxX, maxY]];
}

// Netherlands (European part), the view until the boundaries are in.
const NETHERLANDS = [[3.31, 50.75], [7.23, 53.56]];

function start() {
  const config = container.dataset;
  // The CSP build of MapLibre: its worker is a file of our own origin, not a blob.
  maplibregl.setWorkerUrl(config.worker);
  const tiled = Boolean(config.tiles);
  // The boundaries download while MapLibre starts: both are needed for the first frame.
  const geometry = tiled ? null : fetch(config.geometry).then((response) => {
    if (!response.ok) throw new Error(`${config.geometry}: ${response.status}`);
    return response.json();
  });
  const rows = readRows();
  container.replaceChildren();
  const map = new maplibregl.Map({
    container,
    style: {
      version: 8,
      sources: {},
      layers: [{ id: "background", type: "background", paint: { "background-color": "#eef2f5" } }],
    },
    bounds: NETHERLANDS,
    fitBoundsOptions: { padding: 16 },
    attributionControl: false,
    fadeDuration: 0,
  });
  window.buurtzichtMap = map;
  map.addControl(new maplibregl.NavigationControl({ showCompass: false }));
  map.addControl(new maplibregl.AttributionControl({
    compact: false, customAttribution: "CBS, Kadaster (PDOK); Gemeente Amsterdam — CC BY 4.0",
  }));
  map.on("load", async () => {
    const target = { source: "areas" };
    if (tiled) {
      map.addSource("areas", {
        type: "vector",
        tiles: [window.location.origin + config.tiles],  // absolute: tiles load in a worker
        minzoom: Number(config.minzoom),
        maxzoom: Number(config.maxzoom),
        bounds: config.bounds.split(",").map(Number),
        promoteId: "code",
      });
      target.sourceLayer = "areas";
    } else {
      const geojson = await geometry;
      // Special regions (water, buitenland) have no row: they are left off the map.
      geojson.features = geojson.features.filter((f) => rows.has(f.properties.code));
      if (geojson.features.length) map.fitBounds(bbox(geojson.features), { padding: 16, animate: false });
      // Simplified, web-ready boundaries: coarser tiling (tolerance, buffer, maxzoom) keeps
      // the first frame quick without visible loss at these zoom levels.
      map.addSource("areas", {
        type: "geojson", data: geojson, promoteId: "code", tolerance: 0.6, buffer: 16, maxzoom: 12,
      });
    }
    for (const [code, row] of rows) map.setFeatureState({ ...target, id: code }, { colour: row.colour });
    const layer = (spec) => map.addLayer(tiled ? { ...spec, "source-layer": "areas" } : spec);
    const hover = ["boolean", ["feature-state", "hover"], false];
    layer({ id: "fill", type: "fill", source: "areas",
      paint: { "fill-color": ["coalesce", ["feature-state", "colour"], config.noData], "fill-opacity": 1 } });
    // Thousands of buurt outlines at country scale are grey noise and cost the most to
    // draw; they appear from the zoom at which a buurt is a few pixels wide.
    layer({ id: "outline", type: "line", source: "areas", minzoom: tiled ? 8 : 0,
      paint: { "line-color": ["case", hover, "#000000", "#5a5a5a"],
               "line-width": ["case", hover, 2.5, 0.4] } });
    layer({ id: "hotspots", type: "line", source: "areas",
      paint: {
        "line-color": ["match", ["feature-state", "hotspot"], "hot", "#67000d", "cold", "#08306b", "rgba(0,0,0,0)"],
        "line-width": ["match", ["feature-state", "hotspot"], "hot", 3, "cold", 3, 0],
        "line-dasharray": [2, 1],
      } });
    setupHotspots(map, target);
    setupPointer(map, target, rows, config);
    map.once("idle", () => {
      // Milliseconds from navigation start to the first idle map (read by the benchmark).
      container.dataset.idleMs = String(Math.round(performance.now()));
      container.dataset.ready = "true";
    });
  });
}

// Hover (mouse) shows a region's value; a click opens its profile. On a touch screen
// there is no hover: the first tap shows the value with a link to the profile, a second
// tap on the same region opens it.
function setupPointer(map, target, rows, config) {
  const popup = new maplibregl.Popup({ closeButton: false, closeOnClick: false });
  const touch = window.matchMedia("(hover: none)").matches;
  let hovered = null;
  let tapped = null;
  const setHover = (code, on) => map.setFeatureState({ ...target, id: code }, { hover: on });
  const show = (e, withLink) => {
    const code = e.features[0].properties.code;
    if (hovered !== null) setHover(hovered, false);
    hovered = code;
    setHover(code, true);
    const row = rows.get(code) || { name: code, display: ".", note: "" };
    const box = document.createElement("div");
    const name = document.createElement("strong");
    name.textContent = `${row.name} (${code})`;
    const value = document.createElement("div");
    value.textContent = `${row.display}${config.unit && row.display !== "." ? " " + config.unit : ""}`;
    box.append(name, value);
    if (row.note) {
      const note = document.createElement("div");
      note.textContent = row.note;
      box.append(note);
    }
    if (config.nlLabel) {
      const nl = document.createElement("div");
      nl.textContent = `${config.nlLabel}: ${config.nlDisplay}`;
      box.append(nl);
    }
    if (withLink) {
      const link = document.createElement("a");
      link.href = `/${config.level}/${code}`;
      link.textContent = config.openLabel;
      box.append(link);
    }
    popup.setLngLat(e.lngLat).setDOMContent(box).addTo(map);
    return code;
  };
  map.on("mousemove", "fill", (e) => {
    if (touch) return;
    show(e, false);
    map.getCanvas().style.cursor = "pointer";
  });
  map.on("mouseleave", "fill", () => {
    if (touch) return;
    if (hovered !== null) setHover(hovered, false);
    hovered = null;
    map.getCanvas().style.cursor = "";
    popup.remove();
  });
  // data-click="show" (Zoekgebieden): a click shows the area's explanation first, in
  // the popup and in the page's detail panel; a second click opens the profile.
  const clickShows = config.click === "show";
  map.on("click", "fill", (e) => {
    const code = e.features[0].properties.code;
    if ((touch || clickShows) && tapped !== code) {
      tapped = show(e, true);
      container.dataset.tapped = code;
      showDetail(rows.get(code), code);
      return;
    }
    window.location.href = `/${config.level}/${code}`;
  });
}

// The explanation of the clicked area in the page's detail panel (Zoekgebieden).
function showDetail(row, code) {
  const detail = document.querySelector("#map-detail [data-detail]");
  if (!detail || !row) return;
  detail.textContent = `${row.name} (${code}). ${row.display}. ${row.note}`;
  detail.dataset.code = code;
}

// Hotspot overlay (Getis-Ord Gi* from the analysis engine), drawn as outlines.
function setupHotspots(map, target) {
  const box = document.getElementById("hotspots");
  if (!box) return;
  const legend = document.querySelector(".hotspot-legend");
  const count = document.querySelector("[data-hotspot-count]");
  let rows = null;
  box.addEventListener("change", async () => {
    if (rows === null) {
      box.disabled = true;
      const response = await fetch(box.dataset.url);
      box.disabled = false;
      rows = response.ok ? (await response.json()).rows : [];
    }
    for (const row of rows) {
      if (row.hotspot_class !== "hot" && row.hotspot_class !== "cold") continue;
      map.setFeatureState({ ...target, id: row.code }, { hotspot: box.checked ? row.hotspot_class : null });
    }
    legend.hidden = !box.checked;
    const hot = rows.filter((r) => r.hotspot_class === "hot").length;
    const cold = rows.filter((r) => r.hotspot_class === "cold").length;
    count.textContent = `hot ${hot} · cold ${cold}`;
    count.hidden = !box.checked;
    map.once("idle", () => { container.dataset.hotspots = box.checked ? "shown" : "hidden"; });
  });
}

if (container) start();
