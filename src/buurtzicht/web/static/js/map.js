// Choropleth: GeoJSON from /api/geometry joined with the page's values; colours and
// classes come from the server (mapclassify), relative to the national figure.
const container = document.getElementById("map");
const data = JSON.parse(container.dataset.map);
// The CSP build of MapLibre: its worker is a file of our own origin, not a blob.
maplibregl.setWorkerUrl(container.dataset.worker);

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

// The boundaries download while MapLibre starts: both are needed for the first frame.
const geometry = fetch(data.geometry_url).then((response) => {
  if (!response.ok) throw new Error(`${data.geometry_url}: ${response.status}`);
  return response.json();
});

// Netherlands (European part), the view until the boundaries are in.
const NETHERLANDS = [[3.31, 50.75], [7.23, 53.56]];

function prepare(geojson) {
  const byCode = new Map(data.rows.map((row) => [row.code, row]));
  // Special regions (water, buitenland) have no row: they are left off the map.
  geojson.features = geojson.features.filter((f) => byCode.has(f.properties.code));
  for (const feature of geojson.features) {
    const row = byCode.get(feature.properties.code);
    feature.properties.colour = row ? row.colour : data.no_data_colour;
    feature.properties.display = row ? row.figure.display : ".";
    feature.properties.note = row && row.figure.note ? row.figure.note : "";
    feature.properties.known = Boolean(row);
  }
  return geojson;
}

function start() {
  // The map starts (style, workers) while the boundaries download; they meet at "load".
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
  map.addControl(new maplibregl.AttributionControl({ compact: false, customAttribution: "CBS, Kadaster (PDOK) — CC BY 4.0" }));
  map.on("load", async () => {
    const geojson = prepare(await geometry);
    map.fitBounds(bbox(geojson.features), { padding: 16, animate: false });
    // Simplified, web-ready boundaries: coarser tiling (tolerance, buffer, maxzoom) keeps
    // the first frame of ~3,500 wijken quick without visible loss at these zoom levels.
    map.addSource("areas", {
      type: "geojson", data: geojson, promoteId: "code", tolerance: 0.6, buffer: 16, maxzoom: 12,
    });
    map.addLayer({ id: "fill", type: "fill", source: "areas", paint: { "fill-color": ["get", "colour"], "fill-opacity": 1 } });
    map.addLayer({
      id: "outline", type: "line", source: "areas",
      paint: { "line-color": ["case", ["boolean", ["feature-state", "hover"], false], "#000000", "#5a5a5a"],
               "line-width": ["case", ["boolean", ["feature-state", "hover"], false], 2.5, 0.4] },
    });
    map.addLayer({
      id: "hotspots", type: "line", source: "areas",
      paint: {
        "line-color": ["match", ["feature-state", "hotspot"], "hot", "#67000d", "cold", "#08306b", "rgba(0,0,0,0)"],
        "line-width": ["match", ["feature-state", "hotspot"], "hot", 3, "cold", 3, 0],
        "line-dasharray": [2, 1],
      },
    });
    setupHotspots(map);
    const popup = new maplibregl.Popup({ closeButton: false, closeOnClick: false });
    let hovered = null;
    map.on("mousemove", "fill", (e) => {
      const f = e.features[0];
      if (hovered !== null) map.setFeatureState({ source: "areas", id: hovered }, { hover: false });
      hovered = f.properties.code;
      map.setFeatureState({ source: "areas", id: hovered }, { hover: true });
      map.getCanvas().style.cursor = "pointer";
      const box = document.createElement("div");
      const name = document.createElement("strong");
      name.textContent = `${f.properties.name} (${f.properties.code})`;
      const value = document.createElement("div");
      value.textContent = `${f.properties.display}${data.unit && f.properties.display !== "." ? " " + data.unit : ""}`;
      box.append(name, value);
      if (f.properties.note) {
        const note = document.createElement("div");
        note.textContent = f.properties.note;
        box.append(note);
      }
      const nl = document.createElement("div");
      nl.textContent = `${data.labels.nl_value}: ${data.national.display}`;
      box.append(nl);
      popup.setLngLat(e.lngLat).setDOMContent(box).addTo(map);
    });
    map.on("mouseleave", "fill", () => {
      if (hovered !== null) map.setFeatureState({ source: "areas", id: hovered }, { hover: false });
      hovered = null;
      map.getCanvas().style.cursor = "";
      popup.remove();
    });
    map.on("click", "fill", (e) => {
      const code = e.features[0].properties.code;
      window.location.href = `/${data.level}/${code}`;
    });
    map.once("idle", () => {
      // Milliseconds from navigation start to the first idle map (read by the benchmark).
      container.dataset.idleMs = String(Math.round(performance.now()));
      container.dataset.ready = "true";
    });
  });
}

// Hotspot overlay (Getis-Ord Gi* from the analysis engine), drawn as outlines.
function setupHotspots(map) {
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
      map.setFeatureState({ source: "areas", id: row.code }, { hotspot: box.checked ? row.hotspot_class : null });
    }
    legend.hidden = !box.checked;
    const hot = rows.filter((r) => r.hotspot_class === "hot").length;
    const cold = rows.filter((r) => r.hotspot_class === "cold").length;
    count.textContent = `hot ${hot} · cold ${cold}`;
    count.hidden = !box.checked;
    map.once("idle", () => { container.dataset.hotspots = box.checked ? "shown" : "hidden"; });
  });
}

start();
