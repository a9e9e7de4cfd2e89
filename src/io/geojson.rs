use std::path::Path;

use rayon::prelude::*;
use serde_json::{json, Map, Value};

use super::columns::{ColumnMap, VillageColumns};
use crate::error::{Error, Location, Result};
use crate::model::{Crs, Instance};
use crate::network::{routes, TravelCost};
use crate::plan::{DistanceMetric, Plan};
use crate::spatial::Metric;

/// Read villages from a GeoJSON FeatureCollection of Point features.
///
/// The position comes from each Point; the other roles (id, population, town, ...) from the
/// feature properties, found by [`ColumnMap`] (`x` and `y` are ignored). When no id property is
/// found, the features' own `id` members are used. GeoJSON (RFC 7946) positions are lon/lat
/// degrees, so `crs` defaults to geographic; pass `Some(Crs::Planar)` for a file in projected
/// metres.
///
/// # Errors
/// * [`Error::Io`] when the file cannot be opened;
/// * [`Error::Parse`] for text that is not JSON or not a FeatureCollection;
/// * [`Error::InvalidInput`] for a feature without a geometry or with a non-Point geometry
///   (polygons must be turned into points first), or a property that is not a number;
/// * [`Error::MissingColumn`] listing the properties that exist, and every check of
///   [`Instance::new`].
pub fn read_villages_geojson(path: impl AsRef<Path>, columns: &ColumnMap, crs: Option<Crs>) -> Result<Instance> {
    let path = path.as_ref();
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path.display().to_string(), e))?;
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    read_villages_geojson_str(&text, &name, columns, crs)
}

/// [`read_villages_geojson`] on text held in memory; `what` names it in messages.
///
/// # Errors
/// As [`read_villages_geojson`].
pub fn read_villages_geojson_str(text: &str, what: &str, columns: &ColumnMap, crs: Option<Crs>) -> Result<Instance> {
    let what = if what.is_empty() { "GeoJSON" } else { what };
    let doc = feature_collection(text, what)?;
    let features = features_of(&doc);
    let empty = Map::new();
    let props_of = |f: &Value| f.get("properties").and_then(Value::as_object).unwrap_or(&empty).clone();
    // Every property name, in first-seen order: the "columns" of the file.
    let mut available: Vec<String> = Vec::new();
    for f in features {
        for k in props_of(f).keys() {
            if !available.contains(k) {
                available.push(k.clone());
            }
        }
    }
    let feature_ids = !features.is_empty() && features.iter().all(|f| f.get("id").is_some_and(|v| !v.is_null()));
    let mut map = columns.clone();
    if map.id.is_none()
        && feature_ids
        && ColumnMap::default().resolve_except(&available, "", &["x", "y", "population"]).is_err()
    {
        map.id = Some("\u{0}feature id".into()); // sentinel: use the features' own ids
    }
    let sentinel = map.id.as_deref() == Some("\u{0}feature id");
    let mut avail_plus = available.clone();
    if sentinel {
        avail_plus.push("\u{0}feature id".into());
    }
    let idx = map.resolve_except(&avail_plus, &format!(" in {what} properties"), &["x", "y"])?;
    let key = |k: usize| idx[k].map(|i| avail_plus[i].clone());
    let roles = map.roles();
    let mut cols = VillageColumns::default();
    let (mut name, mut town, mut status) =
        (key(4).map(|_| Vec::new()), key(5).map(|_| Vec::new()), key(7).map(|_| Vec::new()));
    let (mut households, mut floor_area, mut cost) =
        (key(6).map(|_| Vec::new()), key(8).map(|_| Vec::new()), key(9).map(|_| Vec::new()));
    for (row, f) in features.iter().enumerate() {
        let props = props_of(f);
        let text_of = |v: &Value| match v {
            Value::String(s) => s.clone(),
            Value::Null => String::new(),
            other => other.to_string(),
        };
        let id = if sentinel {
            f.get("id").map(text_of).unwrap_or_default()
        } else {
            key(0).and_then(|k| props.get(&k)).map(text_of).unwrap_or_default()
        };
        let at = || Location::row_id(row, id.clone());
        let num = |k: usize, required: bool| -> Result<f64> {
            let v = key(k).and_then(|kk| props.get(&kk).cloned()).unwrap_or(Value::Null);
            match v {
                Value::Number(n) => n.as_f64().ok_or_else(|| Error::invalid(roles[k].0, at(), "number out of range")),
                Value::String(s) if !s.trim().is_empty() => s
                    .trim()
                    .parse::<f64>()
                    .map_err(|_| Error::invalid(roles[k].0, at(), format!("'{s}' is not a number"))),
                _ if required => {
                    Err(Error::invalid(roles[k].0, at(), "value is missing; fill it in or drop the feature"))
                }
                _ => Ok(f64::NAN),
            }
        };
        let geometry = f
            .get("geometry")
            .filter(|g| !g.is_null())
            .ok_or_else(|| Error::invalid("geometry", at(), "feature has no geometry; every village needs a Point"))?;
        let gtype = geometry.get("type").and_then(Value::as_str).unwrap_or("?");
        if gtype != "Point" {
            return Err(Error::invalid(
                "geometry",
                at(),
                format!("feature has a {gtype} geometry, but villages must be Points; convert first, e.g. with GeoPandas `gdf.representative_point()`"),
            ));
        }
        let coords = geometry
            .get("coordinates")
            .and_then(Value::as_array)
            .filter(|c| c.len() >= 2)
            .ok_or_else(|| Error::invalid("geometry", at(), "Point has no [x, y] coordinates"))?;
        let c = |i: usize| {
            coords[i].as_f64().ok_or_else(|| Error::invalid("geometry", at(), "Point coordinates must be numbers"))
        };
        cols.x.push(c(0)?);
        cols.y.push(c(1)?);
        cols.population.push(num(3, true)?);
        for (k, col) in [(4usize, &mut name), (5, &mut town), (7, &mut status)] {
            if let Some(col) = col {
                col.push(key(k).and_then(|kk| props.get(&kk)).map(text_of).unwrap_or_default());
            }
        }
        for (k, col) in [(6usize, &mut households), (8, &mut floor_area), (9, &mut cost)] {
            if let Some(col) = col {
                col.push(num(k, false)?);
            }
        }
        cols.id.push(id);
    }
    cols.name = name;
    cols.town = town;
    cols.status = status;
    cols.households = households;
    cols.floor_area = floor_area;
    cols.cost = cost;
    cols.into_instance(crs.unwrap_or(Crs::Geographic))
}

/// Parse `text` as a GeoJSON FeatureCollection (with a `features` array); `what` names it in
/// messages.
pub(crate) fn feature_collection(text: &str, what: &str) -> Result<Value> {
    let parse = |line: Option<usize>, reason: String| Error::Parse { what: what.to_string(), line, reason };
    let doc: Value = serde_json::from_str(text).map_err(|e| parse(Some(e.line()), e.to_string()))?;
    if doc.get("type").and_then(Value::as_str) != Some("FeatureCollection") {
        return Err(parse(None, "expected a GeoJSON FeatureCollection (\"type\": \"FeatureCollection\")".into()));
    }
    if !doc.get("features").is_some_and(Value::is_array) {
        return Err(parse(None, "the FeatureCollection has no `features` array".into()));
    }
    Ok(doc)
}

/// The features of a collection checked by [`feature_collection`].
pub(crate) fn features_of(doc: &Value) -> &[Value] {
    doc.get("features").and_then(Value::as_array).map_or(&[], Vec::as_slice)
}

fn point(x: f64, y: f64) -> Value {
    json!({"type": "Point", "coordinates": [x, y]})
}

/// The plan as a GeoJSON FeatureCollection: one Point per village (its community, centre and
/// distance) and one Point per centre (its status, cost and community size).
///
/// Properties of a village feature: `kind` = "village", `id`, `name`, `town`, `population`,
/// `households`, `community` (or null), `centre` (site id or null), `distance_m` (or null),
/// `covered`. Of a centre feature: `kind` = "centre", `id` (site id), `village`, `town`,
/// `status`, `cost`, `community`, `n_villages`, `population`, `households`. The collection also
/// carries a `villageplan` member with the plan's radius, target, coverage, cost, status and gap.
/// Positions are written in the county's CRS (lon/lat for geographic counties, as GeoJSON expects).
///
/// # Errors
/// [`Error::Internal`] if serialisation fails.
pub fn plan_to_geojson(plan: &Plan) -> Result<String> {
    plan_to_geojson_with(plan, false)
}

/// [`plan_to_geojson`], and with `routes` one LineString per covered village along the roads to its
/// centre (network plans only): properties `kind` = "route", `village`, `centre`, `metres`,
/// `minutes`. Each route runs from the centre through its snap point and the junctions passed to
/// the village's snap point and the village.
///
/// # Errors
/// [`Error::InvalidInput`] naming `routes` when the plan was not made along roads (or its county
/// has no roads), [`Error::Internal`] if serialisation fails.
pub fn plan_to_geojson_with(plan: &Plan, routes: bool) -> Result<String> {
    let county = &plan.county;
    let villages = county.villages();
    let mut features = Vec::with_capacity(villages.len() + plan.communities.len());
    for a in &plan.assignments {
        let v = &villages[a.village as usize];
        let centre = a.community.map(|k| plan.communities[k as usize].site_id.clone());
        features.push(json!({
            "type": "Feature",
            "geometry": point(v.x, v.y),
            "properties": {
                "kind": "village", "id": v.id, "name": v.name, "town": v.town,
                "population": v.population, "households": v.households_or_default(),
                "community": a.community, "centre": centre, "distance_m": a.distance, "covered": a.covered(),
            }
        }));
    }
    for c in &plan.communities {
        let s = &county.sites()[c.site as usize];
        features.push(json!({
            "type": "Feature",
            "geometry": point(s.x, s.y),
            "properties": {
                "kind": "centre", "id": c.site_id, "village": c.centre_village, "town": c.town,
                "status": c.status.as_str(), "cost": c.cost, "community": c.id,
                "n_villages": c.villages.len(), "population": c.population, "households": c.households,
            }
        }));
    }
    if routes {
        features.extend(route_features(plan)?);
    }
    let network = plan.network.as_ref();
    let doc = json!({
        "type": "FeatureCollection",
        "villageplan": {
            "format_version": plan.format_version,
            "county": county.name(),
            "crs": county.crs(),
            "metric": Metric::for_crs(county.crs()),
            "distance": plan.options.metric.as_str(),
            "minutes": plan.options.minutes,
            "unreachable": plan.unreachable.len(),
            "road_components": network.map(|n| n.components),
            "radius_m": plan.options.radius,
            "target": plan.options.target,
            "by": plan.options.by.as_str(),
            "coverage": plan.coverage,
            "population_coverage": plan.population_coverage,
            "cost": plan.cost,
            "status": plan.solution.status.as_str(),
            "gap": plan.solution.gap,
        },
        "features": features,
    });
    serde_json::to_string(&doc).map_err(|e| Error::Internal(format!("GeoJSON serialisation failed: {e}")))
}

fn route_features(plan: &Plan) -> Result<Vec<Value>> {
    let county = &plan.county;
    let (Some(net), DistanceMetric::Network) = (county.roads(), plan.options.metric) else {
        return Err(Error::param("routes", "routes are drawn for plans made along roads (metric='network') only"));
    };
    let cost = if plan.options.minutes.is_some() { TravelCost::Minutes } else { TravelCost::Metres };
    let villages = county.villages();
    let per_centre: Vec<Vec<Value>> = plan
        .communities
        .par_iter()
        .map(|c| -> Result<Vec<Value>> {
            let rs = routes(county, net, c.site as usize, &c.villages, cost)?;
            Ok(c.villages
                .iter()
                .zip(rs)
                .filter_map(|(&v, r)| {
                    let r = r?;
                    Some(json!({
                        "type": "Feature",
                        "geometry": {"type": "LineString", "coordinates": r.coords},
                        "properties": {
                            "kind": "route", "village": villages[v as usize].id, "centre": c.site_id,
                            "metres": r.metres, "minutes": r.minutes,
                        }
                    }))
                })
                .collect())
        })
        .collect::<Result<_>>()?;
    Ok(per_centre.into_iter().flatten().collect())
}

/// Write [`plan_to_geojson`] to `path`.
///
/// # Errors
/// [`Error::Io`] when the file cannot be written.
pub fn write_plan_geojson(plan: &Plan, path: impl AsRef<Path>) -> Result<()> {
    write_plan_geojson_with(plan, path, false)
}

/// Write [`plan_to_geojson_with`] to `path`.
///
/// # Errors
/// As [`plan_to_geojson_with`]; [`Error::Io`] when the file cannot be written.
pub fn write_plan_geojson_with(plan: &Plan, path: impl AsRef<Path>, routes: bool) -> Result<()> {
    let path = path.as_ref();
    std::fs::write(path, plan_to_geojson_with(plan, routes)?).map_err(|e| Error::io(path.display().to_string(), e))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::{plan, PlanOptions};

    const FC: &str = r#"{"type":"FeatureCollection","features":[
      {"type":"Feature","id":"A","geometry":{"type":"Point","coordinates":[119.0,36.0]},"properties":{"pop":1000,"town":"T"}},
      {"type":"Feature","id":"B","geometry":{"type":"Point","coordinates":[119.01,36.0]},"properties":{"pop":"500","town":"T"}}]}"#;

    #[test]
    fn reads_points_with_feature_ids() {
        let i = read_villages_geojson_str(FC, "v.geojson", &ColumnMap::default(), None).unwrap();
        assert_eq!(i.villages()[1].id, "B");
        assert_eq!(i.villages()[1].population, 500.0);
        assert_eq!(i.crs(), Crs::Geographic);
    }

    #[test]
    fn rejects_polygons_bad_json_and_missing_properties() {
        let poly = FC.replacen(
            r#"{"type":"Point","coordinates":[119.0,36.0]}"#,
            r#"{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}"#,
            1,
        );
        let e = read_villages_geojson_str(&poly, "v.geojson", &ColumnMap::default(), None).unwrap_err().to_string();
        assert!(e.contains("Polygon geometry") && e.contains("row 0 (id 'A')"), "{e}");
        let e =
            read_villages_geojson_str("{\"type\": ", "v.geojson", &ColumnMap::default(), None).unwrap_err().to_string();
        assert!(e.contains("could not read v.geojson at line 1"), "{e}");
        let e = read_villages_geojson_str(r#"{"type":"Feature"}"#, "", &ColumnMap::default(), None)
            .unwrap_err()
            .to_string();
        assert!(e.contains("FeatureCollection"), "{e}");
        let m = ColumnMap { population: Some("people".into()), ..Default::default() };
        let e = read_villages_geojson_str(FC, "v.geojson", &m, None).unwrap_err().to_string();
        assert!(e.contains("available columns: pop, town"), "{e}");
    }

    #[test]
    fn plan_geojson_has_every_village_and_centre() {
        let i = read_villages_geojson_str(FC, "v.geojson", &ColumnMap::default(), None).unwrap();
        let p = plan(&i, &PlanOptions::default().target(1.0)).unwrap();
        let doc: Value = serde_json::from_str(&plan_to_geojson(&p).unwrap()).unwrap();
        let feats = doc["features"].as_array().unwrap();
        assert_eq!(feats.len(), 2 + p.communities.len());
        assert_eq!(feats.iter().filter(|f| f["properties"]["kind"] == "centre").count(), 1);
        assert_eq!(doc["villageplan"]["coverage"], 1.0);
    }
}
