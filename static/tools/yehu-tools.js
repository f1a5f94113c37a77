/* Yehu Monitor map tools: fullscreen, measure (distance and area), my position,
   cursor coordinates (CGCS2000/WGS84, plus the GCJ-02 reading on the Gaode basemap),
   export of the current view as PNG. Leaflet core only; html-to-image (vendored) for the PNG.
   Served from static/tools/; no outside request. */
(function () {
  "use strict";
  var MU_M2 = 2000 / 3;
  var A = 6378245.0, EE = 0.00669342162296594323;

  // GCJ-02, the same algorithm as geo/crs.py.
  function outOfChina(lon, lat) {
    return lon < 72.004 || lon > 137.8347 || lat < 0.8293 || lat > 55.8271;
  }
  function delta(lon, lat) {
    var x = lon - 105.0, y = lat - 35.0, PI = Math.PI;
    var dlat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x));
    var dlon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
    var common = (20.0 * Math.sin(6.0 * x * PI) + 20.0 * Math.sin(2.0 * x * PI)) * 2.0 / 3.0;
    dlat += common + (20.0 * Math.sin(y * PI) + 40.0 * Math.sin(y / 3.0 * PI)) * 2.0 / 3.0;
    dlat += (160.0 * Math.sin(y / 12.0 * PI) + 320.0 * Math.sin(y * PI / 30.0)) * 2.0 / 3.0;
    dlon += common + (20.0 * Math.sin(x * PI) + 40.0 * Math.sin(x / 3.0 * PI)) * 2.0 / 3.0;
    dlon += (150.0 * Math.sin(x / 12.0 * PI) + 300.0 * Math.sin(x / 30.0 * PI)) * 2.0 / 3.0;
    var rad = lat / 180.0 * PI, magic = 1.0 - EE * Math.sin(rad) * Math.sin(rad), sm = Math.sqrt(magic);
    return [(dlon * 180.0) / (A / sm * Math.cos(rad) * PI), (dlat * 180.0) / ((A * (1 - EE)) / (magic * sm) * PI)];
  }
  function wgs84ToGcj02(lon, lat) {
    if (outOfChina(lon, lat)) return [lon, lat];
    var d = delta(lon, lat);
    return [lon + d[0], lat + d[1]];
  }
  function gcj02ToWgs84(lon, lat) {
    var w = [lon, lat];
    for (var i = 0; i < 30; i++) {
      var f = wgs84ToGcj02(w[0], w[1]), ex = f[0] - lon, ey = f[1] - lat;
      w = [w[0] - ex, w[1] - ey];
      if (Math.abs(ex) < 1e-9 && Math.abs(ey) < 1e-9) break;
    }
    return w;
  }

  // Area of a lon/lat ring on the sphere (square metres), as Leaflet.draw's geodesicArea.
  function geodesicArea(latlngs) {
    var area = 0, R = 6378137.0, n = latlngs.length, d2r = Math.PI / 180;
    if (n < 3) return 0;
    for (var i = 0; i < n; i++) {
      var p1 = latlngs[i], p2 = latlngs[(i + 1) % n];
      area += (p2.lng - p1.lng) * d2r * (2 + Math.sin(p1.lat * d2r) + Math.sin(p2.lat * d2r));
    }
    return Math.abs(area * R * R / 2.0);
  }
  function fmtLength(m) {
    return m >= 1000 ? (m / 1000).toFixed(3) + " km" : m.toFixed(1) + " m";
  }
  function fmtArea(m2, t) {
    var main = m2 >= 1e6 ? (m2 / 1e6).toFixed(4) + " km²" : m2.toFixed(0) + " m²";
    return main + " = " + (m2 / MU_M2).toFixed(1) + " " + t.mu;
  }
  function fmtCoord(lon, lat) {
    return "E" + lon.toFixed(6) + " N" + lat.toFixed(6);
  }

  // Icons drawn as inline SVG: symbol and emoji fonts (⛶, 📏) are missing on many office
  // machines, where the characters would show as empty boxes.
  var ICONS = {
    fullscreen: "M3 8V3h5M12 3h5v5M17 12v5h-5M8 17H3v-5",
    measure: "M2.5 13.5l11-11 4 4-11 11zM6 10l1.5 1.5M8.5 7.5l1.5 1.5M11 5l1.5 1.5",
    locate: "M10 2v3M10 15v3M2 10h3M15 10h3M10 5.5a4.5 4.5 0 1 0 0.01 0z",
    export: "M10 3v9M6 8l4 4 4-4M4 16h12",
  };

  function icon(name) {
    var ns = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", "0 0 20 20");
    svg.setAttribute("width", "18");
    svg.setAttribute("height", "18");
    svg.setAttribute("aria-hidden", "true");
    var path = document.createElementNS(ns, "path");
    path.setAttribute("d", ICONS[name]);
    path.setAttribute("fill", "none");
    path.setAttribute("stroke", "currentColor");
    path.setAttribute("stroke-width", "1.8");
    path.setAttribute("stroke-linecap", "round");
    path.setAttribute("stroke-linejoin", "round");
    svg.appendChild(path);
    return svg;
  }

  function button(bar, name, title, cls, onClick) {
    var a = L.DomUtil.create("a", "yehu-tool " + cls, bar);
    a.href = "#";
    a.setAttribute("role", "button");
    a.title = title;
    a.setAttribute("aria-label", title);
    a.appendChild(icon(name));
    L.DomEvent.on(a, "click", function (e) {
      L.DomEvent.preventDefault(e);
      L.DomEvent.stopPropagation(e);
      onClick(a);
    });
    return a;
  }

  function add(map, opts) {
    var t = opts.labels, gcj = !!opts.gcj, status;
    var Bar = L.Control.extend({
      options: { position: "topright" },
      onAdd: function () {
        var bar = L.DomUtil.create("div", "leaflet-bar yehu-tools");
        L.DomEvent.disableClickPropagation(bar);
        button(bar, "fullscreen", t.fullscreen, "yehu-fullscreen", toggleFullscreen);
        button(bar, "measure", t.measure, "yehu-measure", toggleMeasure);
        button(bar, "locate", t.locate, "yehu-locate", locate);
        button(bar, "export", t.export, "yehu-export", exportPng);
        return bar;
      },
    });
    var Status = L.Control.extend({
      options: { position: "bottomright" },
      onAdd: function () {
        var div = L.DomUtil.create("div", "yehu-status");
        L.DomEvent.disableClickPropagation(div);
        div.innerHTML = '<div class="yehu-cursor"></div><div class="yehu-measure-out"></div>';
        return div;
      },
    });
    map.addControl(new Bar());
    status = new Status();
    map.addControl(status);
    var cursorBox = status.getContainer().querySelector(".yehu-cursor");
    var measureBox = status.getContainer().querySelector(".yehu-measure-out");
    cursorBox.textContent = t.cursor_hint;

    // Cursor coordinates: map coordinates are GCJ-02 on the Gaode basemap, CGCS2000 otherwise.
    map.on("mousemove", function (e) {
      var lon = e.latlng.lng, lat = e.latlng.lat;
      if (gcj) {
        var w = gcj02ToWgs84(lon, lat);
        cursorBox.textContent = t.cgcs + " " + fmtCoord(w[0], w[1]) + " · " + t.gcj + " " + fmtCoord(lon, lat);
      } else {
        cursorBox.textContent = t.cgcs + " " + fmtCoord(lon, lat);
      }
    });

    // Fullscreen: the browser's, or the whole frame when the page does not allow it.
    function toggleFullscreen(a) {
      var box = map.getContainer();
      var doc = document;
      if (doc.fullscreenElement) {
        doc.exitFullscreen();
        return;
      }
      if (box.requestFullscreen && doc.fullscreenEnabled) {
        box.requestFullscreen().catch(function () { L.DomUtil.addClass(box, "yehu-fill"); });
      } else if (L.DomUtil.hasClass(box, "yehu-fill")) {
        L.DomUtil.removeClass(box, "yehu-fill");
      } else {
        L.DomUtil.addClass(box, "yehu-fill");
      }
      setTimeout(function () { map.invalidateSize(); }, 200);
      L.DomUtil.addClass(a, "yehu-on");
    }
    document.addEventListener("fullscreenchange", function () { map.invalidateSize(); });

    // Measure: click points; a line gives its length, three or more points also the closed area.
    var measuring = false, points = [], line = null, poly = null, dots = L.layerGroup();
    function redraw() {
      if (line) map.removeLayer(line);
      if (poly) map.removeLayer(poly);
      line = poly = null;
      var style = { color: "#b45309", interactive: false };
      if (points.length > 1) line = L.polyline(points, L.extend({ weight: 2, dashArray: "4 4" }, style)).addTo(map);
      if (points.length > 2) poly = L.polygon(points, L.extend({ weight: 1, fillOpacity: 0.08 }, style)).addTo(map);
      var len = 0;
      for (var i = 1; i < points.length; i++) len += map.distance(points[i - 1], points[i]);
      var text = t.measure_hint;
      if (points.length > 1) text = t.length + " " + fmtLength(len);
      if (points.length > 2) {
        // Area on the ground: measure the CGCS2000 ring (unshift GCJ-02 first).
        var ring = points.map(function (p) {
          if (!gcj) return p;
          var w = gcj02ToWgs84(p.lng, p.lat);
          return L.latLng(w[1], w[0]);
        });
        text += " · " + t.area + " " + fmtArea(geodesicArea(ring), t);
      }
      measureBox.textContent = text;
    }
    // Clicks are taken before Leaflet sees them: measuring never reports a map click to the page
    // (which would rerun it) and never opens a pond's popup.
    function onMeasureClick(e) {
      if (e.target.closest && e.target.closest(".leaflet-control")) return;
      e.stopPropagation();
      e.preventDefault();
      var at = map.mouseEventToLatLng(e);
      points.push(at);
      L.circleMarker(at, { radius: 3, color: "#b45309", interactive: false }).addTo(dots);
      redraw();
    }
    function toggleMeasure(a) {
      measuring = !measuring;
      if (measuring) {
        points = [];
        dots.addTo(map);
        map.getContainer().addEventListener("click", onMeasureClick, true);
        L.DomUtil.addClass(a, "yehu-on");
        L.DomUtil.addClass(map.getContainer(), "yehu-crosshair");
        redraw();
      } else {
        map.getContainer().removeEventListener("click", onMeasureClick, true);
        dots.clearLayers();
        map.removeLayer(dots);
        points = [];
        redraw();
        measureBox.textContent = "";
        L.DomUtil.removeClass(a, "yehu-on");
        L.DomUtil.removeClass(map.getContainer(), "yehu-crosshair");
      }
    }

    // My position, with its accuracy circle (browsers allow it only over https or on localhost).
    var here = L.layerGroup().addTo(map);
    function locate() {
      if (!window.isSecureContext || !navigator.geolocation) {
        measureBox.textContent = t.locate_insecure;
        return;
      }
      map.locate({ setView: true, maxZoom: 16, enableHighAccuracy: true });
    }
    map.on("locationfound", function (e) {
      here.clearLayers();
      var at = e.latlng;
      if (gcj) {
        var g = wgs84ToGcj02(at.lng, at.lat);
        at = L.latLng(g[1], g[0]);
      }
      L.circle(at, { radius: e.accuracy, color: "#2563eb", weight: 1, fillOpacity: 0.1 }).addTo(here);
      L.circleMarker(at, { radius: 5, color: "#fff", weight: 2, fillColor: "#2563eb", fillOpacity: 1 }).addTo(here);
      measureBox.textContent = t.located + " ±" + Math.round(e.accuracy) + " m";
      map.setView(at);
    });
    map.on("locationerror", function (e) {
      measureBox.textContent = t.locate_failed + " (" + e.message + ")";
    });

    // Export the view as PNG (no outside request: web fonts are not fetched).
    function exportPng() {
      if (!window.htmlToImage) return;
      var box = map.getContainer();
      window.htmlToImage
        .toPng(box, {
          skipFonts: true,
          filter: function (node) {
            return !(node.classList && (node.classList.contains("yehu-tools") || node.classList.contains("leaflet-control-layers")));
          },
        })
        .then(function (url) {
          var a = document.createElement("a");
          a.href = url;
          a.download = opts.filename || "yehu-map.png";
          document.body.appendChild(a);
          a.click();
          a.remove();
          measureBox.textContent = t.exported;
        })
        .catch(function () {
          measureBox.textContent = t.export_failed;
        });
    }
  }

  window.YehuTools = { add: add, wgs84ToGcj02: wgs84ToGcj02, gcj02ToWgs84: gcj02ToWgs84, geodesicArea: geodesicArea };
})();
