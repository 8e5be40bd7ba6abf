import { embed, lineSpec } from "./charts.js";

const element = document.getElementById("compare-chart");
const chart = JSON.parse(element.dataset.chart);
// On a phone the legend goes under the chart (beside it, it would take half the width),
// in as many columns as fit: in one row the regions after the third fell off the screen.
const narrow = element.clientWidth < 600;
const legend = narrow ? { orient: "bottom", columns: Math.max(1, Math.floor(element.clientWidth / 130)) } : { orient: "right" };
embed(element, lineSpec(chart, { title: element.dataset.unit, gapLabel: element.dataset.gapLabel, legend }));
