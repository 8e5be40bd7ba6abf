// Vega-Lite helpers (vega, vega-lite and vega-embed are loaded as vendored globals).
export function lineSpec(values, { width = "container", height = 48, spark = false, title = "" } = {}) {
  const spec = {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    width, height, autosize: { type: "fit", contains: "padding" },
    data: { values },
    mark: { type: "line", point: !spark, strokeWidth: 2 },
    encoding: {
      x: { field: "year", type: "ordinal", title: spark ? null : "", axis: spark ? null : { labelAngle: 0 } },
      y: { field: "value", type: "quantitative", title: spark ? null : title, axis: spark ? null : {}, scale: { zero: false } },
      tooltip: [{ field: "region", type: "nominal" }, { field: "year", type: "ordinal" }, { field: "display", type: "nominal" }],
    },
    config: { view: { stroke: null }, font: "system-ui, sans-serif" },
  };
  return spec;
}

export function embed(element, spec) {
  return window.vegaEmbed(element, spec, { actions: false, renderer: "svg" });
}
