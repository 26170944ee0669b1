// The review page's behaviour: the table of records (filters, sorting),
// the record panel, and the corrections a reviewer makes (saved as JSONL,
// one line a correction, for `--corrections`). Plain DOM, no library.
"use strict";
const DOCS = JSON.parse(document.getElementById("data").textContent);
const enc = new TextEncoder();
const bytes = (s) => enc.encode(s).length;
const RECORDS = [];
DOCS.forEach((d, di) => d.records.forEach((r) => RECORDS.push({ ...r, di, region: d.document.region_name || "" })));
// A correction per record place (doc, span, indicator); the latest wins.
const corrections = new Map();
const $ = (id) => document.getElementById(id);
const pres = [...document.querySelectorAll("article.doc pre.text")];

// ---- the table -------------------------------------------------------
let sortKey = null, sortUp = true;
function shown() {
  const ind = $("f-indicator").value.trim(), kind = $("f-kind").value,
    year = $("f-year").value.trim(), region = $("f-region").value.trim(), doubt = $("f-doubt").checked;
  return RECORDS.map((r, k) => k).filter((k) => {
    const r = RECORDS[k];
    return (!ind || r.indicator.includes(ind)) && (!kind || r.kind === kind) &&
      (!year || String(r.year) === year) && (!region || r.region.includes(region)) &&
      (!doubt || r.doubts.length > 0);
  });
}
function renderTable() {
  let ks = shown();
  if (sortKey) {
    const v = (k) => { const x = RECORDS[k][sortKey]; return x === null || x === undefined ? "" : x; };
    ks.sort((a, b) => (v(a) < v(b) ? -1 : v(a) > v(b) ? 1 : 0) * (sortUp ? 1 : -1));
  }
  const body = document.querySelector("#table tbody");
  const rows = ks.map((k) => {
    const r = RECORDS[k], c = corrections.get(keyOf(r));
    const cls = [r.doubts.length ? "doubt" : "", c && c.verdict === "wrong" ? "wrong" : ""].join(" ");
    const cells = [r.doc, r.line, r.region, r.indicator, r.metric, r.value + (r.value_max != null ? "–" + r.value_max : ""),
      r.unit, r.kind, r.year, r.period + (r.span_measure ? " · " + r.span_measure : ""), r.bound, r.tier || ""];
    return `<tr data-k="${k}" class="${cls}">` + cells.map((x) => `<td>${esc(String(x ?? ""))}</td>`).join("") + "</tr>";
  });
  body.innerHTML = rows.join("");
  $("shown").textContent = `${ks.length} of ${RECORDS.length} records`;
}
function esc(s) { return s.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]); }
for (const id of ["f-indicator", "f-kind", "f-year", "f-region", "f-doubt"]) $(id).addEventListener("input", renderTable);
document.querySelectorAll("#table th").forEach((th) => th.addEventListener("click", () => {
  sortUp = sortKey === th.dataset.k ? !sortUp : true; sortKey = th.dataset.k; renderTable();
}));
document.querySelector("#table tbody").addEventListener("click", (e) => {
  const tr = e.target.closest("tr"); if (!tr) return;
  const k = +tr.dataset.k, r = RECORDS[k];
  const m = markOf(r);
  if (m) { m.scrollIntoView({ block: "center" }); }
  showRecords([k]);
});
function markOf(r) {
  return pres[r.di].querySelector(`mark[data-span="${r.span[0]}-${r.span[1]}"]`);
}

// ---- the record panel --------------------------------------------------
const FIELDS = ["indicator", "metric", "value", "value_max", "unit", "kind", "year", "period", "span_measure", "bound", "tier"];
document.addEventListener("click", (e) => {
  const m = e.target.closest("mark");
  if (!m) return;
  showRecords(m.dataset.rec.split(" ").map(Number));
});
function showRecords(ks) {
  document.querySelectorAll("mark.sel").forEach((m) => m.classList.remove("sel"));
  const d = $("detail");
  d.innerHTML = ks.map((k) => {
    const r = RECORDS[k];
    const m = markOf(r); if (m) m.classList.add("sel");
    const rows = FIELDS.map((f) => `<tr><th>${f}</th><td><input data-f="${f}" value="${esc(String(r[f] ?? ""))}"></td></tr>`).join("");
    return `<div class="rec" data-k="${k}"><b>${esc(r.doc)}:${r.line}</b> · rule <code>${esc(r.rule)}</code>
      <p>${esc(r.text)}</p><table>${rows}</table>
      ${r.doubts.length ? `<p class="doubts">doubt: ${r.doubts.map(esc).join("; ")}</p>` : ""}
      <p class="why">${r.why.map(esc).join("<br>")}</p>
      <input class="note" placeholder="note"> <button data-v="right">Right</button> <button data-v="wrong">Wrong</button> <button data-v="fix">Save fix</button></div>`;
  }).join("<hr>") + `<p><button data-v="close">Close</button></p>`;
  d.hidden = false;
}
$("detail").addEventListener("click", (e) => {
  const v = e.target.dataset && e.target.dataset.v; if (!v) return;
  if (v === "close") { $("detail").hidden = true; return; }
  const box = e.target.closest(".rec");
  const note = box.querySelector(".note").value;
  if (box.dataset.add) { addFrom(box, note); return; }
  const r = RECORDS[+box.dataset.k];
  const fields = {};
  if (v === "fix") {
    box.querySelectorAll("input[data-f]").forEach((i) => {
      const f = i.dataset.f, now = parse(f, i.value);
      if (JSON.stringify(now) !== JSON.stringify(r[f] ?? null)) fields[f] = now;
    });
    if (!("indicator" in fields)) fields.indicator = r.indicator;
  } else { fields.indicator = r.indicator; }
  record({ doc: r.doc, span: r.span, verdict: v, fields, note, quote: slice(r.di, r.span) }, r);
  const m = markOf(r); if (m) { m.classList.remove("right", "wrong", "fix"); m.classList.add(v); }
});
function parse(f, s) {
  s = s.trim();
  if (["value", "value_max", "year", "line"].includes(f)) return s === "" ? null : Number(s);
  return s === "" ? null : s;
}

// ---- corrections ---------------------------------------------------------
function keyOf(r) { return `${r.doc}|${r.span[0]}|${r.span[1]}|${r.indicator}`; }
function record(c, r) {
  corrections.set(r ? keyOf(r) : `${c.doc}|${c.span[0]}|${c.span[1]}|add|${corrections.size}`, c);
  const text = [...corrections.values()].map((x) => JSON.stringify(x)).join("\n") + "\n";
  $("corrections").value = text;
  $("count").textContent = `${corrections.size} corrections`;
  const a = $("save");
  if (a.href.startsWith("blob:")) URL.revokeObjectURL(a.href);
  a.href = URL.createObjectURL(new Blob([text], { type: "application/x-ndjson" }));
  renderTable();
}
function slice(di, span) {
  return new TextDecoder().decode(enc.encode(pres[di].textContent).slice(span[0], span[1]));
}

// ---- adding a figure the engine missed -----------------------------------
// Byte offsets of the selection in its document's decoded text.
function byteOffset(pre, node, offset) {
  const walk = document.createTreeWalker(pre, NodeFilter.SHOW_TEXT);
  let n = 0;
  for (let t = walk.nextNode(); t; t = walk.nextNode()) {
    if (t === node) return n + bytes(t.data.slice(0, offset));
    n += bytes(t.data);
  }
  return n;
}
function lineAt(pre, at) {
  const head = new TextDecoder().decode(enc.encode(pre.textContent).slice(0, at));
  return (head.match(/\r\n|\r|\n/g) || []).length + 1;
}
$("add").addEventListener("click", () => {
  const sel = window.getSelection();
  if (!sel.rangeCount || sel.isCollapsed) { alert("Select the figure in a document's text first."); return; }
  const range = sel.getRangeAt(0);
  const pre = range.startContainer.parentElement && range.startContainer.parentElement.closest("pre.text");
  if (!pre) { alert("Select text inside a document."); return; }
  const di = pres.indexOf(pre);
  const s = byteOffset(pre, range.startContainer, range.startOffset), e = byteOffset(pre, range.endContainer, range.endOffset);
  const quote = slice(di, [s, e]);
  const rows = FIELDS.map((f) => `<tr><th>${f}</th><td><input data-f="${f}" value=""></td></tr>`).join("");
  $("detail").innerHTML = `<div class="rec" data-add="1" data-di="${di}" data-s="${s}" data-e="${e}"><b>new record</b> in ${esc(DOCS[di].document.doc)}
    <p>«${esc(quote)}» (bytes ${s}–${e}, line ${lineAt(pre, s)})</p><table>${rows}</table>
    <input class="note" placeholder="note"> <button data-v="add">Save new record</button></div><p><button data-v="close">Close</button></p>`;
  $("detail").hidden = false;
});
function addFrom(box, note) {
  const di = +box.dataset.di, s = +box.dataset.s, e = +box.dataset.e;
  const fields = {};
  box.querySelectorAll("input[data-f]").forEach((i) => { const v = parse(i.dataset.f, i.value); if (v !== null) fields[i.dataset.f] = v; });
  fields.line = lineAt(pres[di], s);
  const quote = slice(di, [s, e]);
  fields.text = quote;
  record({ doc: DOCS[di].document.doc, span: [s, e], verdict: "add", fields, note, quote }, null);
  $("detail").hidden = true;
}

// For tools and tests: the corrections as JSONL, and a selection by bytes.
window.zhibiao = {
  corrections: () => $("corrections").value,
  selectBytes(di, s, e) {
    const walk = document.createTreeWalker(pres[di], NodeFilter.SHOW_TEXT);
    const range = document.createRange();
    let n = 0, started = false, ended = false;
    for (let t = walk.nextNode(); t && !ended; t = walk.nextNode()) {
      let i = 0;
      for (const ch of t.data) {
        if (!started && n === s) { range.setStart(t, i); started = true; }
        if (started && n === e) { range.setEnd(t, i); ended = true; break; }
        n += bytes(ch); i += ch.length;
      }
      if (!ended && started && n === e) { range.setEnd(t, i); ended = true; }
    }
    const sel = window.getSelection(); sel.removeAllRanges(); sel.addRange(range);
  },
};
renderTable();
