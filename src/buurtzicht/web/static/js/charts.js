// Vega-Lite helpers (vega, vega-lite and vega-embed are loaded as vendored globals).
// Under the dashboard's Content-Security-Policy Vega may not compile expressions with
// `new Function` nor inject <style> elements: expressions run in Vega's interpreter (its
// URL is on the importing <script data-vega-interpreter>), styles come from app.css.

// A line over the years. `rows` (buurtzicht.web.yearly.trend_chart) hold a row for every
// year of the series' rhythm, value null where a region has no figure: the line breaks
// there (mark.invalid) instead of running straight across years without figures, and
// `missing` (years no region has a figure for) is drawn as a labelled grey band.
// Counts and rates are drawn from 0 so that a line's height reads as its size.
export function lineSpec(chart, { height = 260, title = "", gapLabel = "", legend = { orient: "right" } } = {}) {
  const x = {
    field: "year", type: "quantitative", title: "", scale: { zero: false, nice: false, padding: 10 },
    axis: { labelAngle: 0, format: "d", tickMinStep: 1 },
  };
  const line = {
    data: { values: chart.rows },
    mark: { type: "line", point: true, strokeWidth: 2, invalid: "break-paths-show-domains" },
    encoding: {
      x,
      y: { field: "value", type: "quantitative", title, scale: { zero: true } },
      color: { field: "region", type: "nominal", title: null, scale: { scheme: "dark2" }, legend },
      tooltip: [{ field: "region", type: "nominal" }, { field: "year", type: "quantitative", format: "d" }, { field: "display", type: "nominal" }],
    },
  };
  // The band covers the missing years only (half a step either side): the points of the
  // years around it stay outside.
  const gaps = chart.missing.map((span) => ({
    from: span.first - chart.step / 2, to: span.last + chart.step / 2, middle: (span.first + span.last) / 2, label: gapLabel,
  }));
  const band = {
    data: { values: gaps },
    mark: { type: "rect", color: "#e8e8e8" },
    encoding: { x: { ...x, field: "from" }, x2: { field: "to" } },
  };
  const bandLabel = {
    data: { values: gaps },
    mark: { type: "text", baseline: "top", dy: 4, fontSize: 11, color: "#444" },
    encoding: { x: { ...x, field: "middle" }, y: { value: 0 }, text: { field: "label" } },
  };
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    width: "container", height, autosize: { type: "fit", contains: "padding" },
    layer: gaps.length ? [band, bandLabel, line] : [line],
    config: { view: { stroke: null }, font: "system-ui, sans-serif" },
  };
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
