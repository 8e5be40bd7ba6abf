// Region search with autocomplete (combobox pattern: arrows, Enter, Escape). The server
// matches common names, former gemeenten and typos (api/services/search.py); a hit's
// note says why it answers (e.g. "opgegaan in Amsterdam").
const LEVEL = { nl: { gemeente: "gemeente", wijk: "wijk", buurt: "buurt" }, en: { gemeente: "municipality", wijk: "district", buurt: "neighbourhood" } };
const lang = document.body.dataset.lang === "en" ? "en" : "nl";

function setup(form) {
  const input = form.querySelector("input[type=search]");
  const list = form.querySelector("[role=listbox]");
  const none = form.querySelector("[data-none]");
  let hits = [];
  let active = -1;
  let timer = 0;
  let seq = 0;

  function close() {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  }
  function paint() {
    list.replaceChildren(...hits.map((hit, i) => {
      const li = document.createElement("li");
      li.id = `search-hit-${i}`;
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", String(i === active));
      li.dataset.url = hit.url;
      li.textContent = hit.label;
      const lvl = document.createElement("span");
      lvl.className = "lvl";
      lvl.textContent = `${LEVEL[lang][hit.level] ?? hit.level} · ${hit.code}`;
      li.append(" ", lvl);
      if (hit.note) {
        const note = document.createElement("span");
        note.className = "note";
        note.textContent = hit.note;
        li.append(note);
      }
      li.addEventListener("mousedown", (e) => { e.preventDefault(); go(hit); });
      return li;
    }));
    list.hidden = hits.length === 0;
    none.hidden = hits.length !== 0 || input.value.trim() === "";
    input.setAttribute("aria-expanded", String(hits.length > 0));
    if (active >= 0) input.setAttribute("aria-activedescendant", `search-hit-${active}`);
  }
  // On the compare page a choice adds the region to the comparison.
  function go(hit) {
    if (form.dataset.add !== undefined) {
      const codes = form.dataset.add.split(",").filter(Boolean);
      if (!codes.includes(hit.code)) codes.push(hit.code);
      window.location.href = `/vergelijk?regio=${codes.join(",")}`;
    } else {
      window.location.href = hit.url;
    }
  }
  async function lookup() {
    const q = input.value.trim();
    const mine = ++seq;
    if (!q) { hits = []; close(); none.hidden = true; return; }
    const response = await fetch(`/api/regions?q=${encodeURIComponent(q)}&limit=8&lang=${lang}`);
    if (mine !== seq) return;
    hits = response.ok ? await response.json() : [];
    active = -1;
    paint();
  }
  input.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(lookup, 120); });
  input.addEventListener("keydown", (e) => {
    if (e.key === "ArrowDown" && hits.length) { active = (active + 1) % hits.length; paint(); e.preventDefault(); }
    else if (e.key === "ArrowUp" && hits.length) { active = (active - 1 + hits.length) % hits.length; paint(); e.preventDefault(); }
    else if (e.key === "Enter" && hits.length) { go(hits[Math.max(active, 0)]); e.preventDefault(); }
    else if (e.key === "Escape") { close(); }
  });
  input.addEventListener("blur", () => setTimeout(close, 150));
}

document.querySelectorAll("form[data-search]").forEach(setup);
