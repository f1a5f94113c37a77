/* Yehu Monitor: drawing and editing the lake outline, the section points and pond outlines on
   the map, with Leaflet-Geoman (vendored under static/vendor/leaflet-geoman/). Loaded only for
   the accounts that may draw. Nothing leaves the browser while drawing: the drawn geometry goes
   back to the page once, when "save" is pressed (the page then stores a new version and reruns
   once). Coordinates are sent as drawn (GCJ-02 on the Gaode basemap; the page converts back). */
(function () {
  "use strict";

  var STYLE = { color: "#dc2626", weight: 3, fillOpacity: 0.08, pmIgnore: false };
  var POINT = { radius: 7, color: "#dc2626", weight: 3, fillOpacity: 0.6, pmIgnore: false };

  function el(tag, cls, parent, text) {
    var node = L.DomUtil.create(tag, cls || "", parent);
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function option(select, value, text) {
    var o = el("option", "", select, text);
    o.value = value;
    return o;
  }

  function labelled(parent, text, input) {
    var row = el("label", "yehu-draw-row", parent);
    el("span", "", row, text);
    row.appendChild(input);
    return input;
  }

  function add(map, opts, save) {
    var t = opts.labels;
    if (!map.pm) {
      // The map was made while Geoman only managed layers opted in (L.PM.setOptIn): give it its own.
      map.pm = new L.PM.Map(map);
      map.pm.setGlobalOptions({});
    }
    map.pm.setLang(opts.lang, opts.pm, "en");
    var state = { kind: null, pond: null, group: null };

    var Panel = L.Control.extend({
      options: { position: "topright" },
      onAdd: function () {
        var box = el("div", "leaflet-bar yehu-draw");
        L.DomEvent.disableClickPropagation(box);
        L.DomEvent.disableScrollPropagation(box);
        var toggle = el("a", "yehu-tool yehu-draw-toggle", box, "✏️");
        toggle.href = "#";
        toggle.title = t.draw;
        toggle.setAttribute("role", "button");
        toggle.setAttribute("aria-label", t.draw);
        var form = el("div", "yehu-draw-form", box);
        form.hidden = true;
        el("div", "yehu-draw-title", form, t.draw);
        var kind = labelled(form, t.target, el("select", "yehu-draw-kind"));
        option(kind, "lake", t.lake);
        option(kind, "sections", t.sections);
        option(kind, "ponds", t.ponds);
        var pond = labelled(form, t.pond, el("select", "yehu-draw-pond"));
        opts.ponds.forEach(function (p) { option(pond, String(p[0]), p[1]); });
        var pondRow = pond.parentNode;
        pondRow.hidden = true;
        var start = el("button", "yehu-draw-start", form, t.start);
        start.type = "button";
        var edit = el("div", "yehu-draw-edit", form);
        edit.hidden = true;
        el("div", "yehu-draw-hint", edit, "");
        var prov = labelled(edit, t.provenance, el("select", "yehu-draw-provenance"));
        option(prov, "drawn", t.drawn);
        option(prov, "surveyed", t.surveyed);
        option(prov, "provisional", t.provisional);
        var source = labelled(edit, t.source, el("input", "yehu-draw-source"));
        source.maxLength = 200;
        var note = labelled(edit, t.note, el("input", "yehu-draw-note"));
        note.maxLength = 500;
        var buttons = el("div", "yehu-draw-buttons", edit);
        var saveButton = el("button", "yehu-draw-save", buttons, t.save);
        saveButton.type = "button";
        var cancel = el("button", "yehu-draw-cancel", buttons, t.cancel);
        cancel.type = "button";
        var status = el("div", "yehu-draw-status", form, "");

        // The page answers a save by building the map again (stored) or with a refusal (shown here).
        map.__yehuDrawDone = function (error) {
          if (!saveButton.disabled) return;
          saveButton.disabled = false;
          status.textContent = error || "";
        };

        L.DomEvent.on(toggle, "click", function (e) {
          L.DomEvent.preventDefault(e);
          // Folding the panel away leaves the drawing as it is (the map is small); 放弃 discards it.
          form.hidden = !form.hidden;
          L.DomUtil[form.hidden && !state.group ? "removeClass" : "addClass"](toggle, "yehu-on");
        });
        L.DomEvent.on(kind, "change", function () {
          pondRow.hidden = kind.value !== "ponds";
          stop();
          edit.hidden = true;
          start.hidden = false;
        });
        L.DomEvent.on(pond, "change", function () {
          stop();
          edit.hidden = true;
          start.hidden = false;
        });
        L.DomEvent.on(start, "click", function () {
          begin(kind.value, kind.value === "ponds" ? Number(pond.value) : null);
          edit.querySelector(".yehu-draw-hint").textContent = t["hint_" + kind.value];
          status.textContent = "";
          edit.hidden = false;
          start.hidden = true;
        });
        L.DomEvent.on(cancel, "click", function () {
          stop();
          edit.hidden = true;
          start.hidden = false;
          status.textContent = "";
        });
        L.DomEvent.on(saveButton, "click", function () {
          var features = collect();
          if (!features.length) {
            status.textContent = t.nothing;
            return;
          }
          status.textContent = t.saving;
          saveButton.disabled = true;
          save({
            kind: state.kind,
            pond: state.pond,
            features: features,
            provenance: prov.value,
            source: source.value,
            note: note.value,
          });
        });
        return box;
      },
    });
    map.addControl(new Panel());

    function begin(kind, pond) {
      stop();
      state.kind = kind;
      state.pond = pond;
      var group = (state.group = L.featureGroup([], { pmIgnore: false }).addTo(map));
      var fc = opts.layers[kind] || { type: "FeatureCollection", features: [] };
      var features = fc.features.filter(function (f) {
        return kind !== "ponds" || Number(f.properties.pond_id) === pond;
      });
      L.geoJSON({ type: "FeatureCollection", features: features }, {
        pmIgnore: false,
        style: function () { return STYLE; },
        pointToLayer: function (f, at) { return L.circleMarker(at, POINT); },
      }).eachLayer(function (layer) {
        layer._yehuCurrent = true;
        group.addLayer(layer);
      });
      // Every other layer on the map is something to snap to, never something to edit.
      map.eachLayer(function (layer) {
        if (layer.options && layer.options.snapIgnore === undefined && !group.hasLayer(layer)) {
          layer.options.snapIgnore = false;
        }
      });
      map.pm.setGlobalOptions({
        layerGroup: group,
        snappable: true,
        snapDistance: 20,
        allowSelfIntersection: false,
        pathOptions: STYLE,
        templineStyle: { color: "#dc2626" },
        hintlineStyle: { color: "#dc2626", dashArray: "5,5" },
      });
      var points = kind === "sections";
      map.pm.addControls({
        position: "topleft",
        drawMarker: false,
        drawCircleMarker: points,
        drawPolygon: !points,
        drawPolyline: false,
        drawRectangle: false,
        drawCircle: false,
        drawText: false,
        cutPolygon: false,
        rotateMode: false,
        editMode: true,
        dragMode: true,
        removalMode: true,
      });
      map.__yehuEditing = true;
    }

    // An outline drawn anew replaces the current one (a pond has one outline); its vertices
    // can be moved instead with the edit tool. Section points are added to the others.
    map.on("pm:create", function (e) {
      if (!state.group || state.kind === "sections") return;
      state.group.eachLayer(function (layer) {
        if (layer._yehuCurrent && layer !== e.layer) state.group.removeLayer(layer);
      });
    });

    function stop() {
      if (map.pm.globalDrawModeEnabled()) map.pm.disableDraw();
      if (map.pm.globalEditModeEnabled()) map.pm.disableGlobalEditMode();
      if (map.pm.globalDragModeEnabled()) map.pm.disableGlobalDragMode();
      if (map.pm.globalRemovalModeEnabled()) map.pm.disableGlobalRemovalMode();
      map.pm.removeControls();
      if (state.group) map.removeLayer(state.group);
      state.group = null;
      state.kind = state.pond = null;
      map.__yehuEditing = false;
    }

    function collect() {
      if (!state.group) return [];
      if (map.pm.globalDrawModeEnabled()) map.pm.disableDraw();
      if (map.pm.globalEditModeEnabled()) map.pm.disableGlobalEditMode();
      if (map.pm.globalDragModeEnabled()) map.pm.disableGlobalDragMode();
      var out = [];
      state.group.eachLayer(function (layer) {
        if (!map.hasLayer(layer)) return; // taken away with the removal tool
        var f = layer.toGeoJSON(7);
        f.properties = L.extend({}, (layer.feature && layer.feature.properties) || {});
        out.push(f);
      });
      return out;
    }
  }

  window.YehuDraw = { add: add };
})();
