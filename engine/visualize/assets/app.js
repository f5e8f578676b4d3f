/* ATG graph explorer: sigma.js (WebGL) over a graphology graph. No network access. */
(function () {
  "use strict";
  var V = window.ATGVendor, D = window.ATG_DATA;
  var Graph = V.Graph, Sigma = V.Sigma;
  var body = document.body;
  var LABEL_COLORS = { Subscription: "#111827", ResourceGroup: "#6b7280", Resource: "#2563eb", User: "#9333ea",
    Group: "#c026d3", ServicePrincipal: "#db2777", Application: "#f472b6", RoleAssignment: "#f59e0b", RoleDefinition: "#b45309" };
  var NS_COLORS = { network: "#2563eb", compute: "#ea580c", storage: "#16a34a", keyvault: "#ca8a04", web: "#0891b2",
    sql: "#7c3aed", dbforpostgresql: "#7c3aed", dbformysql: "#7c3aed", documentdb: "#7c3aed", containerservice: "#0d9488",
    containerregistry: "#0d9488", managedidentity: "#9333ea", operationalinsights: "#64748b", insights: "#64748b", authorization: "#f59e0b" };
  var FALLBACK = ["#0ea5e9", "#84cc16", "#f43f5e", "#14b8a6", "#a855f7", "#eab308", "#22c55e", "#ef4444", "#3b82f6", "#d946ef"];
  var EDGE_COLORS = ["#94a3b8", "#60a5fa", "#f97316", "#22c55e", "#a855f7", "#ef4444", "#14b8a6", "#eab308", "#ec4899", "#64748b"];
  var SIZES = { Subscription: 14, ResourceGroup: 7, Resource: 3, User: 3, Group: 4, ServicePrincipal: 3, Application: 3, RoleAssignment: 2, RoleDefinition: 4 };

  function typeColor(t) {
    var ns = (t.split("/")[0] || "").replace(/^microsoft\./, "");
    if (NS_COLORS[ns]) return NS_COLORS[ns];
    var h = 0; for (var i = 0; i < t.length; i++) h = (h * 31 + t.charCodeAt(i)) >>> 0;
    return FALLBACK[h % FALLBACK.length];
  }

  // ---- graph and grouped initial layout (subscription -> resource group -> resources) ----
  var graph = new Graph({ type: "directed", multi: false, allowSelfLoops: false });
  var nSubs = Math.max(D.subs.length, 1), rgsOfSub = {}, rgMembers = {}, rgNode = {};
  D.rgs.forEach(function (g, i) { (rgsOfSub[g.s] = rgsOfSub[g.s] || []).push(i); rgMembers[i] = []; });
  D.nodes.forEach(function (n, i) { if (D.labels[n.l] === "Resource" && n.g >= 0) rgMembers[n.g].push(i); if (D.labels[n.l] === "ResourceGroup" && n.g >= 0) rgNode[n.g] = i; });
  var R = 1000, subCenter = function (s) { var a = 2 * Math.PI * (s < 0 ? 0 : s) / nSubs; return nSubs === 1 ? [0, 0] : [R * Math.cos(a), R * Math.sin(a)]; };
  var rgCenter = {};
  Object.keys(rgsOfSub).forEach(function (s) {
    var list = rgsOfSub[s], c = subCenter(+s), ring = 120 + 18 * Math.sqrt(list.length) * 6;
    list.forEach(function (g, k) { var a = 2 * Math.PI * k / list.length; rgCenter[g] = [c[0] + ring * Math.cos(a), c[1] + ring * Math.sin(a)]; });
  });
  var GOLD = Math.PI * (3 - Math.sqrt(5)), other = { ent: 0, rbac: 0, misc: 0 };
  function spiral(c, k, step) { var r = step * Math.sqrt(k + 1), a = k * GOLD; return [c[0] + r * Math.cos(a), c[1] + r * Math.sin(a)]; }
  var memberIndex = {};
  Object.keys(rgMembers).forEach(function (g) { rgMembers[g].forEach(function (i, k) { memberIndex[i] = k; }); });
  D.nodes.forEach(function (n, i) {
    var lab = D.labels[n.l], pos;
    if (lab === "Subscription") pos = subCenter(n.s);
    else if (lab === "ResourceGroup") pos = rgCenter[n.g] || spiral([0, 0], other.misc++, 20);
    else if (lab === "Resource" && n.g >= 0 && rgCenter[n.g]) pos = spiral(rgCenter[n.g], memberIndex[i] || 0, 9);
    else if (lab === "RoleAssignment" || lab === "RoleDefinition") pos = spiral([0, -R * 2.2], other.rbac++, 10);
    else pos = spiral([R * 2.4, 0], other.ent++, 10);
    var color = lab === "Resource" ? typeColor(D.types[n.t]) : (LABEL_COLORS[lab] || "#999");
    graph.addNode(String(i), { x: pos[0], y: pos[1], size: SIZES[lab] || 3, color: color, label: n.n, baseColor: color });
  });
  D.edges.forEach(function (e, k) {
    var a = String(e[0]), b = String(e[1]);
    if (a === b || graph.hasEdge(a, b)) return;
    graph.addEdgeWithKey("e" + k, a, b, { color: EDGE_COLORS[e[2] % EDGE_COLORS.length], etype: e[2], size: 0.6 });
  });

  // ---- state ----
  var collapsed = {}, hiddenLabels = {}, hiddenTypes = {}, hiddenEtypes = {}, subFilter = "", rgText = "";
  var selected = null, pathNodes = null, pathEdges = null, pathStart = null, visible = {};
  var startCollapsed = D.nodes.length > D.collapse;
  // ---- posture overlay (atg visualize --posture): nodes with findings coloured by severity ----
  var SEV_COLORS = { critical: "#dc2626", high: "#ea580c", medium: "#d97706", low: "#65a30d" }, postureOf = {};
  if (D.posture) {
    D.posture.findings.forEach(function (f) {
      postureOf[f.n] = f;
      graph.mergeNodeAttributes(String(f.n), { color: SEV_COLORS[f.sev] || "#dc2626", baseColor: SEV_COLORS[f.sev], size: (graph.getNodeAttribute(String(f.n), "size") || 3) * 1.8 });
    });
  }
  Object.keys(rgMembers).forEach(function (g) { collapsed[g] = startCollapsed && rgMembers[g].length > 0; });

  function nodeVisible(i) {
    var n = D.nodes[i], lab = D.labels[n.l];
    if (hiddenLabels[lab]) return false;
    if (lab === "Resource" && hiddenTypes[n.t]) return false;
    if (subFilter !== "" && n.s >= 0 && String(n.s) !== subFilter) return false;
    if (rgText && (lab === "Resource" || lab === "ResourceGroup") && (n.g < 0 || D.rgs[n.g].n.indexOf(rgText) < 0)) return false;
    if (lab === "Resource" && n.g >= 0 && collapsed[n.g]) return false;
    return true;
  }
  function recompute() {
    var count = 0;
    for (var i = 0; i < D.nodes.length; i++) { visible[i] = nodeVisible(i); if (visible[i]) count++; }
    graph.forEachNode(function (key, attr) {
      var n = D.nodes[+key];
      if (D.labels[n.l] === "ResourceGroup" && n.g >= 0) {
        var m = rgMembers[n.g].length;
        graph.mergeNodeAttributes(key, { size: collapsed[n.g] ? 5 + 2.5 * Math.log2(1 + m) : 7, label: collapsed[n.g] && m ? n.n + " (" + m + ")" : n.n });
      }
    });
    body.dataset.nodesDrawn = String(count);
    body.dataset.nodesTotal = String(D.nodes.length);
    body.dataset.edgesTotal = String(graph.size);
    document.getElementById("summary").textContent = count + " of " + D.nodes.length + " nodes shown · " + graph.size + " edges" +
      (startCollapsed ? " · large graph: resource groups start collapsed" : "");
    renderer && renderer.refresh();
  }

  var container = document.getElementById("stage");
  var renderer = new Sigma(graph, container, {
    renderEdgeLabels: false, labelRenderedSizeThreshold: 7, zIndex: true, hideEdgesOnMove: D.nodes.length > 5000,
    nodeReducer: function (key, data) {
      var res = Object.assign({}, data);
      if (!visible[+key]) { res.hidden = true; return res; }
      if (pathNodes) { if (pathNodes[key]) { res.highlighted = true; res.zIndex = 2; } else res.color = "#e5e7eb"; }
      else if (selected !== null) {
        if (key === selected) { res.highlighted = true; res.zIndex = 2; }
        else if (!graph.areNeighbors(key, selected)) res.color = "#e5e7eb";
      }
      return res;
    },
    edgeReducer: function (key, data) {
      var res = Object.assign({}, data), ext = graph.extremities(key);
      if (!visible[+ext[0]] || !visible[+ext[1]] || hiddenEtypes[data.etype]) { res.hidden = true; return res; }
      if (pathEdges) { if (pathEdges[key]) { res.size = 3; res.zIndex = 2; } else res.hidden = true; }
      else if (selected !== null && ext[0] !== selected && ext[1] !== selected) { if (D.nodes.length > 2000) res.hidden = true; else res.color = "#eef0f3"; }
      return res;
    }
  });
  var firstRender = true;
  renderer.on("afterRender", function () {
    // What the renderer itself drew (not the page's own count): nodes with display data
    // that are not hidden, read back from sigma after each frame.
    var drawn = 0;
    graph.forEachNode(function (key) { var d = renderer.getNodeDisplayData(key); if (d && !d.hidden) drawn++; });
    body.dataset.rendererNodes = String(drawn);
    if (!firstRender) return;
    firstRender = false;
    body.dataset.loadMs = String(Math.round(performance.now()));
    body.dataset.ready = "1";
  });

  // ---- interactions ----
  function esc(s) { return String(s).replace(/[&<>"]/g, function (c) { return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" }[c]; }); }
  function showInfo(key) {
    var n = D.nodes[+key], lab = D.labels[n.l], box = document.getElementById("info");
    var rows = "<tr><td>kind</td><td>" + esc(lab) + "</td></tr>";
    if (n.t >= 0) rows += "<tr><td>type</td><td>" + esc(D.types[n.t]) + "</td></tr>";
    if (n.g >= 0) rows += "<tr><td>resource group</td><td>" + esc(D.rgs[n.g].n) + "</td></tr>";
    if (n.s >= 0) rows += "<tr><td>subscription</td><td>" + esc(D.subs[n.s]) + "</td></tr>";
    Object.keys(n.p || {}).sort().forEach(function (k) { rows += "<tr><td>" + esc(k) + "</td><td>" + esc(n.p[k]) + "</td></tr>"; });
    var pf = postureOf[+key];
    if (pf) rows += "<tr><td>findings</td><td class=sev-" + esc(pf.sev) + ">" + esc(pf.sev) + ": " + esc(pf.rules.join(", ")) + "</td></tr>";
    var nbs = "";
    graph.forEachEdge(key, function (e, a, s, t) {
      var other = s === key ? t : s, dir = s === key ? "→" : "←";
      nbs += "<tr><td>" + dir + " " + esc(D.edgeTypes[a.etype]) + "</td><td class=nb data-k=" + other + ">" + esc(D.nodes[+other].n) + "</td></tr>";
    });
    box.innerHTML = "<h2>" + esc(n.n) + "</h2><table>" + rows + "</table><h3>Neighbours</h3><table>" + (nbs || "<tr><td>none</td></tr>") + "</table>";
    box.hidden = false;
    box.querySelectorAll(".nb").forEach(function (el) { el.addEventListener("click", function () { focus(el.dataset.k); }); });
  }
  function expandFor(key) { var n = D.nodes[+key]; if (D.labels[n.l] === "Resource" && n.g >= 0 && collapsed[n.g]) { collapsed[n.g] = false; recompute(); } }
  function focus(key) {
    expandFor(key);
    selected = key; pathNodes = pathEdges = null;
    showInfo(key); renderer.refresh();
    var d = renderer.getNodeDisplayData(key);
    if (d) renderer.getCamera().animate({ x: d.x, y: d.y, ratio: 0.2 }, { duration: 400 });
  }
  var undirected = null;
  function showPath(a, b) {
    if (!undirected) {
      undirected = new Graph({ type: "undirected" });
      graph.forEachNode(function (k) { undirected.addNode(k); });
      graph.forEachEdge(function (e, attr, s, t) { if (!undirected.hasEdge(s, t)) undirected.addEdge(s, t); });
    }
    var p = V.bidirectional(undirected, a, b);
    pathNodes = {}; pathEdges = {};
    if (!p) { document.getElementById("summary").textContent = "No path between the two nodes."; renderer.refresh(); return; }
    p.forEach(function (k) { pathNodes[k] = true; expandFor(k); });
    for (var i = 0; i + 1 < p.length; i++) {
      var e = graph.edge(p[i], p[i + 1]) || graph.edge(p[i + 1], p[i]);
      if (e) pathEdges[e] = true;
    }
    body.dataset.pathLength = String(p.length - 1);
    document.getElementById("summary").textContent = "Path of " + (p.length - 1) + " hops: " + p.map(function (k) { return D.nodes[+k].n; }).join(" → ");
    renderer.refresh();
  }
  function showAttackPath(i) {
    var p = D.posture.paths[i], keys = p.nodes.filter(function (n) { return n >= 0; }).map(String);
    pathNodes = {}; pathEdges = {}; selected = null;
    keys.forEach(function (k) { pathNodes[k] = true; expandFor(k); });
    for (var j = 0; j + 1 < keys.length; j++) {
      var e = graph.edge(keys[j], keys[j + 1]) || graph.edge(keys[j + 1], keys[j]);
      if (e) pathEdges[e] = true;
    }
    body.dataset.attackPath = String(i);
    document.getElementById("summary").textContent = "Attack path (" + p.sev + "): " + (p.nodes[0] < 0 ? "Internet → " : "") + keys.map(function (k) { return D.nodes[+k].n; }).join(" → ");
    renderer.refresh();
  }
  if (D.posture) {
    var pbox = document.getElementById("posture-box"), counts = {};
    D.posture.findings.forEach(function (f) { counts[f.sev] = (counts[f.sev] || 0) + 1; });
    var html = "<p>" + D.posture.findings.length + " nodes with findings: " + ["critical", "high", "medium", "low"].filter(function (s) { return counts[s]; }).map(function (s) {
      return "<span class=sev-" + s + " style=\"color:" + SEV_COLORS[s] + "\">" + counts[s] + " " + s + "</span>"; }).join(", ") + "</p>";
    html += "<ol class=paths>" + D.posture.paths.map(function (p, i) { return "<li data-i=" + i + " style=\"cursor:pointer;color:" + (SEV_COLORS[p.sev] || "#111") + "\">" + esc(p.title) + "</li>"; }).join("") + "</ol>";
    document.getElementById("posture").innerHTML = html;
    pbox.hidden = false;
    pbox.querySelectorAll("li").forEach(function (li) { li.addEventListener("click", function () { showAttackPath(+li.dataset.i); }); });
    body.dataset.postureNodes = String(D.posture.findings.length);
    body.dataset.posturePaths = String(D.posture.paths.length);
  }
  renderer.on("clickNode", function (ev) {
    var key = ev.node, n = D.nodes[+key];
    if (ev.event && ev.event.original && ev.event.original.shiftKey) {
      if (pathStart === null) { pathStart = key; selected = key; renderer.refresh(); return; }
      showPath(pathStart, key); pathStart = null; return;
    }
    if (D.labels[n.l] === "ResourceGroup" && n.g >= 0 && rgMembers[n.g].length && collapsed[n.g]) { collapsed[n.g] = false; recompute(); }
    focus(key);
  });
  renderer.on("clickStage", function () { selected = null; pathNodes = pathEdges = null; pathStart = null; document.getElementById("info").hidden = true; renderer.refresh(); });

  function search(q) {
    q = (q || "").trim().toLowerCase();
    var hits = [];
    if (q) for (var i = 0; i < D.nodes.length && hits.length < 25; i++) {
      var n = D.nodes[i];
      if (n.n.toLowerCase().indexOf(q) >= 0 || n.k.indexOf(q) >= 0) hits.push(i);
    }
    var ul = document.getElementById("hits");
    ul.innerHTML = hits.map(function (i) { return "<li data-k=" + i + ">" + esc(D.nodes[i].n) + " <small>" + esc(D.labels[D.nodes[i].l]) + "</small></li>"; }).join("");
    ul.querySelectorAll("li").forEach(function (li) { li.addEventListener("click", function () { focus(li.dataset.k); }); });
    body.dataset.searchHits = String(hits.length);
    body.dataset.searchFirst = hits.length ? D.nodes[hits[0]].n : "";
    return hits;
  }
  var sInput = document.getElementById("search");
  sInput.addEventListener("input", function () { search(sInput.value); });
  sInput.addEventListener("keydown", function (e) { if (e.key === "Enter") { var h = search(sInput.value); if (h.length) focus(String(h[0])); } });

  // ---- filters and legend ----
  function countBy(fn) { var m = {}; D.nodes.forEach(function (n) { var k = fn(n); if (k !== null) m[k] = (m[k] || 0) + 1; }); return m; }
  function rowsInto(id, items, onToggle) {
    var el = document.getElementById(id);
    el.innerHTML = items.map(function (it) {
      return "<label class=row><input type=checkbox checked data-v=\"" + esc(it.v) + "\"><span class=sw style=\"background:" + it.c + "\"></span>" + esc(it.name) + "<span class=n>" + it.n + "</span></label>";
    }).join("");
    el.querySelectorAll("input").forEach(function (cb) { cb.addEventListener("change", function () { onToggle(cb.dataset.v, !cb.checked); recompute(); }); });
  }
  var lc = countBy(function (n) { return D.labels[n.l]; });
  rowsInto("labels", Object.keys(lc).sort().map(function (l) { return { v: l, name: l, n: lc[l], c: LABEL_COLORS[l] || "#999" }; }), function (v, h) { hiddenLabels[v] = h; });
  var tc = countBy(function (n) { return n.t >= 0 ? n.t : null; });
  rowsInto("types", Object.keys(tc).sort(function (a, b) { return tc[b] - tc[a]; }).map(function (t) { return { v: t, name: D.types[t], n: tc[t], c: typeColor(D.types[t]) }; }), function (v, h) { hiddenTypes[v] = h; });
  var ec = {}; D.edges.forEach(function (e) { ec[e[2]] = (ec[e[2]] || 0) + 1; });
  rowsInto("etypes", Object.keys(ec).sort().map(function (t) { return { v: t, name: D.edgeTypes[t], n: ec[t], c: EDGE_COLORS[t % EDGE_COLORS.length] }; }), function (v, h) { hiddenEtypes[v] = h; });
  var sel = document.getElementById("sub-filter");
  D.subs.forEach(function (s, i) { var o = document.createElement("option"); o.value = String(i); o.textContent = s; sel.appendChild(o); });
  sel.addEventListener("change", function () { subFilter = sel.value; recompute(); });
  var rgIn = document.getElementById("rg-filter");
  rgIn.addEventListener("input", function () { rgText = rgIn.value.trim().toLowerCase(); recompute(); });
  document.getElementById("expand-all").addEventListener("click", function () { Object.keys(collapsed).forEach(function (g) { collapsed[g] = false; }); recompute(); });
  document.getElementById("collapse-all").addEventListener("click", function () { Object.keys(collapsed).forEach(function (g) { collapsed[g] = rgMembers[g].length > 0; }); recompute(); });
  document.getElementById("reset").addEventListener("click", function () { renderer.getCamera().animatedReset(); });
  var layout = null;
  function runLayout(ms) {
    if (layout) return;
    try {
      layout = new V.FA2Layout(graph, { settings: Object.assign(V.forceAtlas2.inferSettings(graph), { barnesHutOptimize: graph.order > 2000 }) });
      layout.start();
      setTimeout(function () { layout.stop(); layout.kill(); layout = null; undirected = null; }, ms);
    } catch (e) { layout = null; }
  }
  document.getElementById("layout").addEventListener("click", function () { runLayout(4000); });

  recompute();
  if (D.nodes.length <= 1500) runLayout(2500);
  var m = /[#&]q=([^&]*)/.exec(location.hash);
  if (m) { var q = decodeURIComponent(m[1]); sInput.value = q; var h = search(q); if (h.length) focus(String(h[0])); }
  var pm = /[#&]path=(\d+)/.exec(location.hash);
  if (pm && D.posture && D.posture.paths[+pm[1]]) showAttackPath(+pm[1]);
  window.atg = { search: search, focus: focus, path: showPath, attackPath: function (i) { if (D.posture) showAttackPath(i); }, stats: function () { return { drawn: +body.dataset.nodesDrawn, total: D.nodes.length, edges: graph.size }; } };
})();
