import { embed, lineSpec } from "./charts.js";

for (const element of document.querySelectorAll(".sparkline[data-trend]")) {
  const points = JSON.parse(element.dataset.trend)
    .filter((p) => p.figure.value !== null)
    .map((p) => ({ year: String(p.year), value: p.figure.value, display: p.figure.display, region: "" }));
  const spec = lineSpec(points, { spark: true });
  spec.encoding.color = { value: "#154273" };
  embed(element, spec);
}
for (const button of document.querySelectorAll("[data-print]")) {
  button.addEventListener("click", () => window.print());
}
