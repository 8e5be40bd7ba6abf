import { embed, lineSpec } from "./charts.js";

const element = document.getElementById("compare-chart");
const chart = JSON.parse(element.dataset.chart);
// On a phone the legend goes under the chart: beside it, it would take half the width.
const legend = element.clientWidth < 600 ? "bottom" : "right";
embed(element, lineSpec(chart, { title: element.dataset.unit, gapLabel: element.dataset.gapLabel, legend }));
