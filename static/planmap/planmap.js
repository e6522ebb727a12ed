/*
 * planmap.js: the client side of the plan maps (the Streamlit app, the standalone HTML map
 * and the HTML deck). Folium elements in geo_app/web/elements.py call these functions with
 * JSON arguments; nothing here knows a particular plan or region.
 *
 * - PM.source / PM.topoLayer: geometry travels once, as TopoJSON (shared county borders are
 *   one arc), and each layer picks its features by id and styles them from small props.
 * - PM.hatch: per-item SVG hatch patterns, so stacked belts stay tellable apart.
 * - PM.labels: labels placed on the server, shown by zoom.
 * - PM.tiles: tile basemaps with a fallback when tiles fail *or hang*.
 * - PM.urlSync: the view (lat, lon, z) kept in the page URL without reruns.
 * - PM.identify: everything under a click, county first (standalone HTML and deck).
 * Every text shown is set with textContent or arrives already escaped from Python.
 */
(function (root) {
  "use strict";
  var L = root.L;
  var PM = (root.PM = root.PM || {});
  var sources = (PM._sources = PM._sources || {});

  // ------------------------------------------------------------------ data

  var pending = (PM._pending = PM._pending || {});
  PM.byKey = PM.byKey || {};

  /** Register a data source: a TopoJSON object, or a URL fetched on first use, once per page. */
  PM.source = function (key, value) {
    if (!sources[key] && !pending[key]) pending[key] = value;
  };

  /** The promise of a registered source's data. */
  PM.get = function (key) {
    if (!sources[key]) {
      var value = pending[key];
      if (value === undefined) return Promise.reject(new Error("unknown source " + key));
      var early = typeof value === "string" && root.PM_PREFETCH && root.PM_PREFETCH[value];
      sources[key] = early
        ? early // started by the page's first script (geo_app/web/bundle.py)
        : typeof value === "string"
          ? fetch(value).then(function (r) {
              if (!r.ok) throw new Error("HTTP " + r.status + " for " + value);
              return r.json();
            })
          : Promise.resolve(value);
    }
    return sources[key];
  };

  /** GeoJSON features of one TopoJSON object whose `k` property is in `props` (all when null). */
  function topoFeatures(topo, object, props) {
    var fc = root.topojson.feature(topo, topo.objects[object]);
    var out = [];
    fc.features.forEach(function (f) {
      var k = f.properties && f.properties.k;
      if (props && !(k in props)) return;
      f.properties = Object.assign({}, f.properties, props ? props[k] : {});
      out.push(f);
    });
    return out;
  }

  // ------------------------------------------------------------------ styles

  var HATCH_SIZE = 9;

  function svgRoot(layer) {
    var r = layer._renderer || (layer._map && layer._map.getRenderer(layer));
    return r && r._container && r._container.tagName === "svg" ? r._container : null;
  }

  /** The id of an SVG hatch pattern (a stripe of `color` at `angle` degrees) in the layer's SVG. */
  PM.hatch = function (layer, color, angle, opacity) {
    var svg = svgRoot(layer);
    if (!svg) return null;
    var id = "pm-h-" + color.replace("#", "") + "-" + String(angle).replace("-", "m") + "-" + Math.round(opacity * 100);
    if (svg.querySelector("#" + id)) return id;
    var ns = "http://www.w3.org/2000/svg";
    var defs = svg.querySelector("defs") || svg.insertBefore(document.createElementNS(ns, "defs"), svg.firstChild);
    var p = document.createElementNS(ns, "pattern");
    p.setAttribute("id", id);
    p.setAttribute("patternUnits", "userSpaceOnUse");
    p.setAttribute("width", HATCH_SIZE);
    p.setAttribute("height", HATCH_SIZE);
    p.setAttribute("patternTransform", "rotate(" + angle + ")");
    var bg = document.createElementNS(ns, "rect");
    bg.setAttribute("width", HATCH_SIZE);
    bg.setAttribute("height", HATCH_SIZE);
    bg.setAttribute("fill", color);
    bg.setAttribute("fill-opacity", String(opacity * 0.45));
    var line = document.createElementNS(ns, "rect");
    line.setAttribute("width", "2.4");
    line.setAttribute("height", HATCH_SIZE);
    line.setAttribute("fill", color);
    line.setAttribute("fill-opacity", String(Math.min(1, opacity * 2.2)));
    p.appendChild(bg);
    p.appendChild(line);
    defs.appendChild(p);
    return id;
  };

  var DASH = { named_area: null, zone: "9 6", schematic: "2 6" };

  /** Path style of a plan item from its props: c colour, l location kind, h hatch angle, hl highlight. */
  PM.itemStyle = function (p) {
    var line = p.t === "line";
    var s = {
      color: p.hl ? PM.highlightColor : p.c,
      weight: p.hl ? 5 : line ? 7 : 2.6,
      opacity: 0.95,
      dashArray: line && p.l === "schematic" ? "1 11" : DASH[p.l] || null,
      lineCap: "round",
      fillColor: p.c,
      fillOpacity: p.l === "schematic" ? 0.1 : 0.16,
      fill: !line,
      className: "pm-item pm-cat-" + (p.g || "x") + " pm-loc-" + p.l + (p.hl ? " pm-hl-path" : ""),
    };
    return s;
  };

  PM.highlightColor = "#FFB000";

  /** After a layer is drawn, replace flat fills by the item's hatch pattern. */
  function applyHatches(geo) {
    geo.eachLayer(function (lyr) {
      var p = lyr.feature && lyr.feature.properties;
      if (!p || p.h === null || p.h === undefined || !lyr._path) return;
      var id = PM.hatch(lyr, p.c, p.h, p.l === "schematic" ? 0.18 : 0.26);
      if (id) {
        lyr._path.setAttribute("fill", "url(#" + id + ")");
        lyr._path.setAttribute("fill-opacity", "1");
      }
    });
  }

  var STYLES = {
    item: PM.itemStyle,
    county: function (p) {
      return { color: p.lc || "#6b6b6b", weight: p.sel ? 3.4 : 1.1, fillColor: p.fc || "#f3efe6",
               fillOpacity: p.fo === undefined ? 0.55 : p.fo, opacity: 1 };
    },
    outline: function (p) {
      return { color: p.lc || "#3a3a3a", weight: p.w || 2.4, fill: false, opacity: p.o || 1,
               dashArray: p.d || null, interactive: false };
    },
    context: function (p) {
      return { color: "#8a8a8a", weight: 0.7, dashArray: "4 3", fillColor: "#ffffff", fillOpacity: 0.05 };
    },
    reference: function (p) {
      if (p.kd === "mountain_zone") return { stroke: false, fillColor: "#d9ccb0", fillOpacity: 0.55, interactive: false };
      if (p.kd === "road") return { color: "#a0826d", weight: 2.4, dashArray: "7 4", opacity: 0.9, fill: false };
      if (p.kd === "lake" || p.kd === "reservoir") return { color: "#5b9bd5", weight: 1, fillColor: "#a9cbe8", fillOpacity: 0.9 };
      return { color: "#5b9bd5", weight: 1.8, opacity: 0.9, fill: false };
    },
    selected: function (p) {
      return { color: p.lc || "#111111", weight: 4, fill: false, opacity: 1, interactive: false };
    },
  };

  /**
   * Add the features `props` (k -> props) of `object` in source `key` to `group` as one
   * L.geoJSON, styled by STYLES[opts.style]. Tooltips (props.tip, escaped HTML) and popups
   * (props.pop) are bound per feature; opts.role marks the layer for identify.
   */
  PM.topoLayer = function (group, key, object, props, opts) {
    opts = opts || {};
    var placeholder = L.featureGroup();
    group.addLayer(placeholder);
    return PM.get(key).then(function (topo) {
      var feats = topoFeatures(topo, object, props);
      var geo = L.geoJSON(feats, {
        style: function (f) { return STYLES[opts.style || "item"](f.properties); },
        pane: opts.pane || "overlayPane",
        renderer: opts.canvas ? L.canvas({ padding: 0.5, pane: opts.pane || "overlayPane" }) : undefined,
        interactive: opts.interactive !== false,
        bubblingMouseEvents: true,
        onEachFeature: function (f, lyr) {
          var p = f.properties;
          if (p.k !== undefined) PM.byKey[p.k] = lyr;
          if (p.tip) lyr.bindTooltip(p.tip, { sticky: true, className: "pm-tip" });
          // areas keep their details for the identify list (a bound popup would swallow the click)
          if (p.pop) lyr.pmPop = p.pop;
        },
      });
      geo.pmRole = opts.role || null;
      placeholder.addLayer(geo);
      if (opts.style === "item") {
        geo.on("add", function () { applyHatches(geo); });
        if (geo._map) applyHatches(geo);
      }
      if (opts.fit && group._map) group._map.fitBounds(geo.getBounds(), { padding: [20, 20] });
      return geo;
    }).catch(function (err) {
      if (root.console) root.console.error("planmap: cannot draw " + object + ": " + err);
    });
  };

  // ------------------------------------------------------------------ markers and labels

  /** Markers of point items: a solid disc for a cited site, a hollow ring for a stand-in. */
  PM.markers = function (group, items, opts) {
    opts = opts || {};
    items.forEach(function (it) {
      var html = '<div class="pm-marker pm-' + it.l + '" style="--pm-c:' + it.c + '">' +
        '<i class="fa fa-solid fa-' + it.i + '"></i></div>';
      var size = opts.size || 26;
      var o = it.o || [0, 0];
      var m = L.marker(it.ll, {
        icon: L.divIcon({ html: html, className: "pm-marker-wrap", iconSize: [size, size],
                          iconAnchor: [size / 2 - o[0], size / 2 - o[1]] }),
        keyboard: false,
        riseOnHover: true,
      });
      m.feature = { type: "Feature", properties: { id: it.k, kind: "item" } };
      PM.byKey[it.k] = m;
      m.pmRole = "point";
      if (it.tip) m.bindTooltip(it.tip, { direction: "top", offset: [0, -12], className: "pm-tip" });
      if (it.pop) m.bindPopup(it.pop, { maxWidth: 420, minWidth: 260, className: "pm-pop" });
      group.addLayer(m);
    });
  };

  /** Towns of the offline basemap: county seats as white dots, other towns small grey ones. */
  PM.towns = function (group, towns) {
    towns.forEach(function (tw) {
      var m = L.circleMarker(tw.ll, { radius: tw.s ? 4 : 2.5, color: "#333", weight: 1, fillColor: tw.s ? "#fff" : "#777",
                                      fillOpacity: 1, interactive: true, bubblingMouseEvents: true });
      if (tw.tip) m.bindTooltip(tw.tip, { className: "pm-tip" });
      group.addLayer(m);
    });
  };

  /**
   * Set the view when `view.key` differs from the last view set: a region switch or a search
   * moves the map; a layer toggle (same key) leaves the user's own pan and zoom alone.
   */
  PM.view = function (group, view) {
    function apply(map) {
      map.getContainer().classList.toggle("pm-present", !!view.present);
      if (view.present && !map.__pmKeys) {
        map.__pmKeys = true;
        PM.forwardKeys(map, ["ArrowLeft", "ArrowRight", "ArrowUp", "ArrowDown", "PageUp", "PageDown", "Home", "End"]);
      }
      if (map.__pmViewKey === view.key) return;
      map.__pmViewKey = view.key;
      map.__pmFit = view.center ? null : view.bounds;
      if (view.center && map.__pmClaimUrl) map.__pmClaimUrl(); // opened at the link's view or a search
      if (view.center) map.setView(view.center, view.zoom, { animate: false });
      else if (view.bounds) map.fitBounds(view.bounds, { padding: [12, 12], animate: false });
      if (!map.__pmRefit) {
        // the frame may get its final size after the first fit (columns settle, sidebar draws):
        // fit again on a resize until the user pans or zooms the map themselves
        map.__pmRefit = true;
        var refit = function () {
          map.invalidateSize();
          if (map.__pmFit) map.fitBounds(map.__pmFit, { padding: [12, 12], animate: false });
          PM.badgesSoon(map);
        };
        if (window.ResizeObserver) new ResizeObserver(refit).observe(map.getContainer());
        else map.on("resize", refit);
        ["pointerdown", "wheel", "keydown", "touchstart"].forEach(function (ev) {
          map.getContainer().addEventListener(ev, function () { map.__pmFit = null; }, true);
        });
      }
    }
    if (group._map) apply(group._map);
    group.on("add", function () { apply(group._map); });
  };

  /** A region's badge: "全州事项 25", listing the region-wide items it stands for. */
  PM.badges = function (group, badges) {
    badges.forEach(function (b) {
      var m = L.marker(b.ll, {
        icon: L.divIcon({ html: '<div class="pm-badge" style="--pm-c:' + b.c + '"><b>' + b.n + "</b> " + b.t + "</div>",
                          className: "pm-badge-wrap", iconSize: null }),
        keyboard: false,
        zIndexOffset: 900,
      });
      m.feature = { type: "Feature", properties: { badge: b.k, kind: "badge" } };
      PM.byKey["badge:" + b.k] = m;
      m.pmRole = "badge";
      if (b.pop) m.bindPopup(b.pop, { maxWidth: 440, minWidth: 280, className: "pm-pop" });
      if (b.tip) m.bindTooltip(b.tip, { direction: "top", className: "pm-tip" });
      group.addLayer(m);
    });
    if (group._map) PM.badgesSoon(group._map);
    group.on("add", function () { PM.badgesSoon(group._map); });
  };

  /**
   * Labels placed on the server: {ll, t (text), c (class), col, z0, z1, ax, ay}. Each shows
   * from zoom z0 up to z1, so labels never collide at any zoom and big items come first.
   */
  PM.labels = function (group, labels) {
    var markers = labels.map(function (lb) {
      var el = document.createElement("div");
      el.className = "pm-label " + (lb.c || "");
      el.textContent = lb.t;
      if (lb.col) el.style.color = lb.col;
      var m = L.marker(lb.ll, {
        icon: L.divIcon({ html: el.outerHTML, className: "pm-label-wrap", iconSize: null,
                          iconAnchor: [lb.ax || 0, lb.ay || 0] }),
        interactive: false,
        keyboard: false,
        pane: "pmLabels",
      });
      m.pmZ = [lb.z0 === undefined ? 0 : lb.z0, lb.z1 === undefined ? 99 : lb.z1];
      return m;
    });
    var layer = L.layerGroup();
    function update(map) {
      var z = map.getZoom();
      markers.forEach(function (m) {
        var on = z >= m.pmZ[0] && z <= m.pmZ[1];
        if (on && !layer.hasLayer(m)) layer.addLayer(m);
        if (!on && layer.hasLayer(m)) layer.removeLayer(m);
      });
    }
    var onZoom = function (e) { update(e.target); };
    layer.on("add", function () { layer._map.on("zoomend", onZoom); update(layer._map); });
    layer.on("remove", function (e) { e.target._map && e.target._map.off("zoomend", onZoom); });
    group.addLayer(layer);
    if (group._map) update(group._map);
  };

  /** Leader lines from an item outside the region to its label. */
  PM.leaders = function (group, leaders) {
    leaders.forEach(function (ld) {
      group.addLayer(L.polyline([ld.a, ld.b], { color: ld.col || "#555", weight: 1.2, dashArray: "3 3",
                                                interactive: false }));
    });
  };

  // ------------------------------------------------------------------ map furniture

  /** Panes for labels (above shapes, below popups) and for context boundaries (below plan regions). */
  PM.panes = function (map) {
    if (!map.getPane("pmContext")) {
      map.createPane("pmContext").style.zIndex = 350;
      map.createPane("pmLabels").style.zIndex = 640;
      map.getPane("pmLabels").style.pointerEvents = "none";
      map.createPane("pmSelected").style.zIndex = 630;
      map.getPane("pmSelected").style.pointerEvents = "none";
    }
  };

  /** Constant map setup: panes, metric scale bar, attribution without the Leaflet flag. */
  PM.init = function (map, opts) {
    PM.panes(map);
    if (map.attributionControl) map.attributionControl.setPrefix(false);
    L.control.scale({ imperial: false, metric: true, maxWidth: 160 }).addTo(map);
    if (opts && opts.highlight) PM.highlightColor = opts.highlight;
    if (opts && opts.north) PM.north(map);
    if (opts && opts.urlSync) PM.urlSync(map);
    map.on("moveend zoomend viewreset resize layeradd", function () { PM.badgesSoon(map); });
  };

  /** ``badgesInside`` once, in the next animation frame (after layout), however often asked. */
  PM.badgesSoon = function (map) {
    if (map.__pmBadgeRaf) return;
    map.__pmBadgeRaf = root.requestAnimationFrame(function () {
      map.__pmBadgeRaf = null;
      PM.badgesInside(map);
    });
  };

  /**
   * Keep a region badge whose anchor is in view wholly inside the frame (a narrow frame would cut
   * the centred badge at its edge); a badge of a region out of view is left where it is.
   */
  PM.badgesInside = function (map) {
    var box = map.getContainer().getBoundingClientRect();
    var view = map.getBounds();
    Object.keys(PM.byKey).forEach(function (k) {
      var m = PM.byKey[k];
      if (k.indexOf("badge:") !== 0 || m._map !== map || !m._icon) return;
      var el = m._icon.querySelector(".pm-badge");
      if (!el) return;
      el.style.marginLeft = "0px";
      if (!view.contains(m.getLatLng())) return;
      var r = el.getBoundingClientRect(), pad = 6, dx = 0;
      if (r.left < box.left + pad) dx = box.left + pad - r.left;
      else if (r.right > box.right - pad) dx = box.right - pad - r.right;
      if (dx) el.style.marginLeft = Math.round(dx) + "px";
    });
  };

  /** A simple north arrow control. */
  PM.north = function (map) {
    var c = L.control({ position: "topleft" });
    c.onAdd = function () {
      var d = L.DomUtil.create("div", "pm-north");
      d.innerHTML = "&#9650;<br>N";
      return d;
    };
    c.addTo(map);
  };

  /** Attribution text of a layer group, added while the group is on the map. */
  PM.attribution = function (group, text) {
    group.on("add", function () { group._map.attributionControl && group._map.attributionControl.addAttribution(text); });
    group.on("remove", function (e) {
      e.target._map && e.target._map.attributionControl && e.target._map.attributionControl.removeAttribution(text);
    });
  };

  /** A notice in the map's top-right corner, removed with its group. */
  function notice(group, map, text) {
    var c = L.control({ position: "topright" });
    c.onAdd = function () {
      var d = L.DomUtil.create("div", "pm-notice");
      d.textContent = text;
      return d;
    };
    c.addTo(map);
    group.on("remove", function () { c.remove(); });
  }

  /**
   * A tile basemap that falls back to the offline basemap when tiles fail or hang: if no
   * tile has loaded `timeout` ms after loading started, or several fail, the tiles go, a
   * notice says so and the tiles' attribution is replaced by the offline credits.
   */
  PM.tiles = function (group, specs, opts) {
    var timeout = opts.timeout || 4000;
    var state = null;
    function start() {
      var map = group._map;
      var layers = specs.map(function (s) { return L.tileLayer(s.url, s.options); });
      state = { loaded: 0, failed: 0, done: false, layers: layers, timer: null };
      var st = state;
      function fallback() {
        if (st.done || st.loaded > 0 || st !== state) return;
        st.done = true;
        layers.forEach(function (t) { map.removeLayer(t); });
        notice(group, map, opts.message);
        map.getContainer().classList.add("pm-offline");
        PM.tilesFailed = true;
      }
      layers[0].on("tileload", function () { st.loaded++; clearTimeout(st.timer); });
      layers[0].on("tileerror", function () { st.failed++; if (st.failed >= 4) fallback(); });
      layers.forEach(function (t) { t.addTo(map); });
      map.getContainer().classList.add("pm-tiles");
      st.timer = setTimeout(fallback, timeout);  // tiles that hang never fire an error
    }
    function stop(map) {
      if (!state) return;
      clearTimeout(state.timer);
      state.layers.forEach(function (t) { if (map) map.removeLayer(t); });
      if (map) map.getContainer().classList.remove("pm-tiles", "pm-offline");
      state = null;
    }
    group.on("add", start);
    group.on("remove", function (e) { stop(e.target._map || group._mapToAdd); });
    if (group._map) start();
  };

  // ------------------------------------------------------------------ view in the URL

  /**
   * Keep lat/lon/z of the view in the page URL (the Streamlit page when the map is in a
   * component iframe), and keep them there when the page rewrites its own query string.
   */
  PM.urlSync = function (map) {
    var win = root;
    try { if (root.parent && root.parent !== root && root.parent.location.href) win = root.parent; } catch (e) { win = root; }
    var hist = win.history;
    function alive() {
      try { return !!(map._container && map._container.isConnected && map._container.ownerDocument.defaultView); }
      catch (e) { return false; }
    }
    function view() {
      var c = map.getCenter();
      return { lat: c.lat.toFixed(5), lon: c.lng.toFixed(5), z: String(map.getZoom()) };
    }
    function withView(url) {
      var u = new URL(url, win.location.href);
      var v = view();
      Object.keys(v).forEach(function (k) { u.searchParams.set(k, v[k]); });
      return u.pathname + u.search + u.hash;
    }
    withView.alive = alive;
    if (!hist.__pmWrapped) {
      ["replaceState", "pushState"].forEach(function (name) {
        var orig = hist[name].bind(hist);
        hist[name] = function (state, title, url) {
          var owner = hist.__pmView;
          if (url !== undefined && url !== null && owner) {
            if (owner.alive()) url = owner(String(url));
            else hist.__pmView = null; // its frame is gone (a region switch from two frames to one)
          }
          return orig(state, title, url);
        };
      });
      hist.__pmWrapped = true;
    }
    // One map owns the link's view: the one the user last moved, else the one opened at the
    // link's view, else the first one (side-by-side frames; a gone frame never keeps it).
    function claim() { hist.__pmView = withView; }
    map.__pmClaimUrl = claim;
    if (!hist.__pmView || !hist.__pmView.alive()) claim();
    ["pointerdown", "wheel", "keydown", "touchstart"].forEach(function (ev) {
      map.getContainer().addEventListener(ev, claim, true);
    });
    map.on("moveend", function () {
      if (hist.__pmView !== withView) return;
      try { hist.replaceState(hist.state, "", withView(win.location.href)); } catch (e) { /* not ours */ }
    });
  };

  // ------------------------------------------------------------------ identify (standalone, deck)

  /** Open a layer's details at `latlng` (its bound popup, or the details kept for identify). */
  PM.openDetails = function (map, lyr, latlng) {
    var pop = lyr.getPopup && lyr.getPopup();
    var html = pop ? pop.getContent() : lyr.pmPop;
    if (!html) return;
    var at = latlng || (lyr.getLatLng ? lyr.getLatLng() : lyr.getBounds().getCenter());
    map.closePopup();
    L.popup({ maxWidth: 420, minWidth: 260, className: "pm-pop" }).setLatLng(at).setContent(html).openOn(map);
  };

  function containing(layer, latlng) {
    if (!root.leafletPip) return [];
    return root.leafletPip.pointInLayer(latlng, layer, false);
  }

  /**
   * A click lists everything at that point: the county first, then every plan item there
   * (areas containing it, markers within 14 px); choosing one opens its details.
   */
  PM.identify = function (target, opts) {
    if (!(target instanceof L.Map)) {  // called on a layer group: set up once it is on the map
      if (target._map) PM.identify(target._map, opts);
      else target.once("add", function () { PM.identify(target._map, opts); });
      return;
    }
    var map = target;
    if (map.__pmIdentify) return;
    map.__pmIdentify = true;
    map.on("click", function (e) {
      var counties = [], items = [];
      map.eachLayer(function (lyr) {
        if (!(lyr instanceof L.GeoJSON) || !lyr.pmRole || !map.hasLayer(lyr)) return;
        containing(lyr, e.latlng).forEach(function (hit) {
          (lyr.pmRole === "county" ? counties : items).push(hit);
        });
      });
      var p0 = map.latLngToContainerPoint(e.latlng);
      map.eachLayer(function (lyr) {
        if (lyr.pmRole === "point" && lyr.getLatLng &&
            map.latLngToContainerPoint(lyr.getLatLng()).distanceTo(p0) < 14) items.push(lyr);
      });
      if (!counties.length && !items.length) return;
      var box = document.createElement("div");
      box.className = "pm-identify";
      var head = document.createElement("div");
      head.className = "pm-identify-head";
      head.textContent = opts.title;
      box.appendChild(head);
      var list = document.createElement("ol");
      counties.concat(items).forEach(function (lyr, i) {
        var li = document.createElement("li");
        li.className = i < counties.length ? "pm-id-county" : "pm-id-item";
        var a = document.createElement("a");
        a.href = "#";
        var tip = lyr.getTooltip && lyr.getTooltip();
        var tmp = document.createElement("div");
        tmp.innerHTML = tip ? tip.getContent() : "?";
        a.textContent = tmp.textContent.split("\n")[0];
        a.onclick = function (ev) {
          L.DomEvent.stop(ev);  // the click must not reach the map (a new identify list)
          PM.openDetails(map, lyr, e.latlng);
        };
        li.appendChild(a);
        list.appendChild(li);
      });
      box.appendChild(list);
      L.popup({ maxWidth: 420, minWidth: 220, className: "pm-pop" }).setLatLng(e.latlng).setContent(box).openOn(map);
      counties.forEach(function (c) {
        var sel = L.geoJSON(c.toGeoJSON(), { style: STYLES.selected({}), interactive: false, pane: "pmSelected" });
        sel.addTo(map);
        map.once("popupclose", function () { map.removeLayer(sel); });
      });
    });
  };

  // ------------------------------------------------------------------ search (standalone)

  /**
   * A search box over items and counties: typing lists matches (as text, never markup);
   * choosing one flies there and opens its popup (a region-wide item opens its region's list).
   */
  PM.search = function (map, input, entries) {
    if (!input) return;
    var list = document.createElement("ul");
    list.className = "pm-search-list";
    input.parentNode.insertBefore(list, input.nextSibling);
    function choose(e) {
      list.innerHTML = "";
      input.value = e.t;
      var lyr = PM.byKey[e.k] || PM.byKey["badge:" + e.p];
      var same = map.getCenter().distanceTo(L.latLng(e.ll)) < 1 && map.getZoom() === e.z;
      if (lyr && !same) map.once("moveend", function () { PM.openDetails(map, lyr); });
      map.setView(e.ll, e.z);
      if (lyr && same) PM.openDetails(map, lyr);
    }
    input.addEventListener("input", function () {
      var q = input.value.trim().toLowerCase();
      list.innerHTML = "";
      if (!q) return;
      entries.filter(function (e) { return e.t.toLowerCase().indexOf(q) >= 0; }).slice(0, 30).forEach(function (e) {
        var li = document.createElement("li");
        li.textContent = e.t;
        li.onclick = function () { choose(e); };
        list.appendChild(li);
      });
    });
  };


  // ------------------------------------------------------------------ deck (HTML file)

  /**
   * A deck of scenes on one map: each scene shows its plan layers, its own highlight and label
   * groups, and its frame. The title bar has large ◀ ▶ and progress; keys: ← → PageUp PageDown
   * Home End. "P" (or the button) opens the presenter view: this same file in a second window,
   * showing the current and next scene, the notes and a timer, kept in step with postMessage.
   */
  PM.deck = function (map, cfg) {
    var scenes = cfg.scenes, i = 0, presenter = null;
    var bar = document.getElementById("pm-deck-bar");
    map.getContainer().classList.add("pm-present");  // projector sizes, as the labels were placed for
    function el(id) { return document.getElementById(id); }
    function show(n) {
      i = Math.max(0, Math.min(scenes.length - 1, n));
      var s = scenes[i];
      Object.keys(cfg.groups).forEach(function (k) {
        var g = root[cfg.groups[k]];
        var on = s.layers.indexOf(k) >= 0;
        if (on && !map.hasLayer(g)) map.addLayer(g);
        if (!on && map.hasLayer(g)) map.removeLayer(g);
      });
      scenes.forEach(function (o, j) {
        [o.labels, o.highlight].forEach(function (name) {
          var g = root[name];
          if (!g) return;
          if (j === i && !map.hasLayer(g)) map.addLayer(g);
          if (j !== i && map.hasLayer(g)) map.removeLayer(g);
        });
      });
      map.closePopup();
      map.fitBounds(s.bounds, { padding: [24, 24], animate: false });
      el("pm-deck-title").textContent = s.title;
      el("pm-deck-sub").textContent = s.subtitle;
      el("pm-deck-progress").textContent = (i + 1) + " / " + scenes.length;
      el("pm-deck-prev").disabled = i === 0;
      el("pm-deck-next").disabled = i === scenes.length - 1;
      if (presenter && !presenter.closed) presenter.postMessage({ pm: "scene", i: i }, "*");
      try { history.replaceState(null, "", "#" + (i + 1)); } catch (e) { /* file: URLs may refuse */ }
    }
    function command(cmd) {
      if (cmd === "next") show(i + 1);
      else if (cmd === "prev") show(i - 1);
      else if (cmd === "first") show(0);
      else if (cmd === "last") show(scenes.length - 1);
      else if (cmd === "presenter") openPresenter();
    }
    function openPresenter() {
      presenter = root.open(location.href.split("#")[0] + "#presenter", "pm-presenter", "width=900,height=640");
    }
    var keys = { ArrowRight: "next", PageDown: "next", ArrowDown: "next", ArrowLeft: "prev", PageUp: "prev",
                 ArrowUp: "prev", Home: "first", End: "last", p: "presenter", P: "presenter" };
    map.keyboard.disable();
    document.addEventListener("keydown", function (e) {
      var cmd = keys[e.key];
      if (!cmd) return;
      e.preventDefault();
      command(cmd);
    });
    el("pm-deck-prev").onclick = function () { command("prev"); };
    el("pm-deck-next").onclick = function () { command("next"); };
    el("pm-deck-presenter").onclick = openPresenter;
    root.addEventListener("message", function (e) {
      var m = e.data || {};
      if (m.pm === "cmd") command(m.cmd);
      if (m.pm === "hello" && e.source) { presenter = e.source; presenter.postMessage({ pm: "scene", i: i }, "*"); }
    });
    var start = parseInt((location.hash || "#1").slice(1), 10);
    show(isNaN(start) ? 0 : start - 1);
    if (bar) bar.style.display = "flex";
  };

  /** The presenter view of a deck (the same file opened with #presenter). */
  PM.presenter = function (cfg) {
    var scenes = cfg.scenes, i = 0, t0 = Date.now();
    function el(id) { return document.getElementById(id); }
    function render() {
      var s = scenes[i], nx = scenes[i + 1];
      el("pm-p-title").textContent = s.title;
      el("pm-p-sub").textContent = s.subtitle;
      el("pm-p-notes").textContent = s.notes || "—";
      el("pm-p-next").textContent = nx ? nx.title : "—";
      el("pm-p-progress").textContent = (i + 1) + " / " + scenes.length;
    }
    function send(cmd) { if (root.opener) root.opener.postMessage({ pm: "cmd", cmd: cmd }, "*"); }
    var keys = { ArrowRight: "next", PageDown: "next", ArrowDown: "next", ArrowLeft: "prev", PageUp: "prev",
                 ArrowUp: "prev", Home: "first", End: "last" };
    document.addEventListener("keydown", function (e) {
      var cmd = keys[e.key];
      if (!cmd) return;
      e.preventDefault();
      send(cmd);
    });
    el("pm-p-prev").onclick = function () { send("prev"); };
    el("pm-p-next-btn").onclick = function () { send("next"); };
    root.addEventListener("message", function (e) {
      var m = e.data || {};
      if (m.pm === "scene") { i = m.i; render(); }
    });
    if (root.opener) root.opener.postMessage({ pm: "hello" }, "*");
    setInterval(function () {
      var s = Math.floor((Date.now() - t0) / 1000);
      el("pm-p-timer").textContent = String(Math.floor(s / 60)).padStart(2, "0") + ":" + String(s % 60).padStart(2, "0");
    }, 500);
    render();
  };

  // ------------------------------------------------------------------ keys for presentations

  /** Forward arrow keys pressed inside the map's iframe to the page (presentation shortcuts). */
  PM.forwardKeys = function (map, keys) {
    map.keyboard.disable(); // arrows step scenes instead of panning
    document.addEventListener("keydown", function (e) {
      if (e.key === "Escape") { map.closePopup(); return; } // Esc closes a popup, never leaves the deck
      if (keys.indexOf(e.key) < 0) return;
      try {
        root.parent.document.dispatchEvent(new KeyboardEvent("keydown", { key: e.key, code: e.code, bubbles: true }));
      } catch (err) { /* not same-origin: nothing to forward to */ }
    });
  };
})(window);
