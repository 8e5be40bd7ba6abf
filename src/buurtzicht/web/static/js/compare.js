import { embed, lineSpec } from "./charts.js";

const chart = document.getElementById("compare-chart");
const trends = JSON.parse(chart.dataset.trends);
const values = [];
for (const series of trends.series) {
  for (const point of series.points) {
    if (point.figure.value === null) continue;
    values.push({ region: series.region.name ?? series.region.code, year: String(point.year), value: point.figure.value, display: point.figure.display });
  }
}
const spec = lineSpec(values, { height: 260, title: trends.indicator.unit || trends.indicator.title });
spec.encoding.color = { field: "region", type: "nominal", title: null, scale: { scheme: "dark2" } };
embed(chart, spec);
