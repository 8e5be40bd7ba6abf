// Sortable ranking table. Each column header holds a button (reachable with Tab, sorted
// with Enter or Space); the header's aria-sort says the order. Rows without a figure
// always stay at the bottom, whichever way a column is sorted. Values come from the
// rows' data-* attributes.
const table = document.getElementById("ranking-table");

function key(row, name) {
  const raw = row.dataset[name];
  if (name === "name") return raw.toLocaleLowerCase(document.documentElement.lang);
  return raw === "" ? null : Number(raw);
}

function sortBy(header) {
  const name = header.dataset.key;
  const ascending = header.getAttribute("aria-sort") !== "ascending";
  const body = table.tBodies[0];
  const rows = Array.from(body.rows);
  rows.sort((a, b) => {
    // Regions without a figure (no rank) go last in both directions.
    const missing = (a.dataset.rank === "") - (b.dataset.rank === "");
    if (missing !== 0) return missing;
    const x = key(a, name);
    const y = key(b, name);
    if (x === y) return Number(a.dataset.rank || 0) - Number(b.dataset.rank || 0);
    if (x === null) return 1;
    if (y === null) return -1;
    const order = x < y ? -1 : 1;
    return ascending ? order : -order;
  });
  body.append(...rows);
  for (const th of table.tHead.rows[0].cells) th.removeAttribute("aria-sort");
  header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
  table.dataset.sorted = `${name}:${ascending ? "ascending" : "descending"}`;
}

if (table) {
  for (const header of table.tHead.rows[0].cells) {
    const button = header.querySelector("button");
    if (button) button.addEventListener("click", () => sortBy(header));
  }
}
