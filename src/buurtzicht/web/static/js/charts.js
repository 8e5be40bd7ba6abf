// Vega-Lite helpers (vega, vega-lite and vega-embed are loaded as vendored globals).
// Under the dashboard's Content-Security-Policy Vega may not compile expressions with
// `new Function` nor inject <style> elements: expressions run in Vega's interpreter (its
// URL is on the importing <script data-vega-interpreter>), styles come from app.css.
// Counts and rates are drawn from 0 so that a line's height reads as its size; only a
// sparkline (a trend's shape, no axis) is scaled to its own range.
export function lineSpec(values, { width = "container", height = 48, spark = false, title = "", zero = !spark } = {}) {
  const spec = {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    width, height, autosize: { type: "fit", contains: "padding" },
    data: { values },
    mark: { type: "line", point: !spark, strokeWidth: 2 },
    encoding: {
      // Years on a time scale: a gap in the series (2012, then 2017) shows as a gap.
      x: { field: "year", type: "quantitative", title: spark ? null : "", scale: { zero: false, nice: false },
           axis: spark ? null : { labelAngle: 0, format: "d", tickMinStep: 1 } },
      y: { field: "value", type: "quantitative", title: spark ? null : title, axis: spark ? null : {}, scale: { zero } },
      tooltip: [{ field: "region", type: "nominal" }, { field: "year", type: "quantitative", format: "d" }, { field: "display", type: "nominal" }],
    },
    config: { view: { stroke: null }, font: "system-ui, sans-serif" },
  };
  return spec;
}

export async function embed(element, spec) {
  const url = document.querySelector("script[data-vega-interpreter]").dataset.vegaInterpreter;
  const { expressionInterpreter } = await import(url);
  return window.vegaEmbed(element, spec, {
    actions: false,
    renderer: "svg",
    ast: true,
    expr: expressionInterpreter,
    defaultStyle: false,
    tooltip: { disableDefaultStyle: true },
  });
}
