//! Road networks from GeoJSON LineStrings and from CSV edge lists.

use std::path::Path;

use serde_json::Value;

use crate::error::{Error, Location, Result};
use crate::model::Crs;
use crate::network::{NetworkOptions, RoadClass, RoadEdge, RoadLine, RoadNetwork, RoadNode};

/// Property names of road features and edge-list columns: the road class, the speed in km/h and
/// the length in metres. Each is optional in the data; a name that is absent from the data is
/// simply not used.
#[derive(Debug, Clone, PartialEq)]
pub struct RoadColumns {
    /// Road class (`county`, `township`, `village`); default `"class"`.
    pub class: String,
    /// Speed in km/h; default `"speed"`.
    pub speed: String,
    /// Length in metres; default `"length"`.
    pub length: String,
    /// Edge list: the column of the first node id; default `"from"`.
    pub from: String,
    /// Edge list: the column of the second node id; default `"to"`.
    pub to: String,
    /// Node table: the id column; default `"id"`.
    pub id: String,
    /// Node table: the x (longitude) column; default `"x"`.
    pub x: String,
    /// Node table: the y (latitude) column; default `"y"`.
    pub y: String,
}

impl Default for RoadColumns {
    fn default() -> Self {
        Self {
            class: "class".into(),
            speed: "speed".into(),
            length: "length".into(),
            from: "from".into(),
            to: "to".into(),
            id: "id".into(),
            x: "x".into(),
            y: "y".into(),
        }
    }
}

/// Read a road network from a GeoJSON FeatureCollection of LineString (or MultiLineString)
/// features. Properties named by `columns` give each road's class, speed and length.
///
/// # Errors
/// [`Error::Io`] when the file cannot be read; as [`read_roads_geojson_str`] otherwise.
pub fn read_roads_geojson(
    path: impl AsRef<Path>,
    crs: Option<Crs>,
    columns: &RoadColumns,
    options: &NetworkOptions,
) -> Result<RoadNetwork> {
    let path = path.as_ref();
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path.display().to_string(), e))?;
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    read_roads_geojson_str(&text, &name, crs, columns, options)
}

/// [`read_roads_geojson`] on text in memory; `what` names it in messages. GeoJSON positions are
/// lon/lat, so `crs` defaults to geographic.
///
/// # Errors
/// [`Error::Parse`] for text that is not a FeatureCollection; [`Error::InvalidInput`] naming the
/// feature for a missing or non-line geometry, a line with fewer than two positions, a bad class,
/// speed or length; and every check of [`RoadNetwork::from_lines`] (an empty collection is an
/// empty network).
pub fn read_roads_geojson_str(
    text: &str,
    what: &str,
    crs: Option<Crs>,
    columns: &RoadColumns,
    options: &NetworkOptions,
) -> Result<RoadNetwork> {
    let what = if what.is_empty() { "roads GeoJSON" } else { what };
    let doc = super::geojson::feature_collection(text, what)?;
    let features = super::geojson::features_of(&doc);
    let mut lines = Vec::with_capacity(features.len());
    for (row, f) in features.iter().enumerate() {
        let at = Location::row(row);
        let props = f.get("properties").and_then(Value::as_object);
        let prop = |name: &str| props.and_then(|p| p.get(name)).filter(|v| !v.is_null());
        let number = |name: &str| -> Result<Option<f64>> {
            match prop(name) {
                None => Ok(None),
                Some(Value::Number(n)) => Ok(n.as_f64()),
                Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
                Some(Value::String(s)) => s
                    .trim()
                    .parse()
                    .map(Some)
                    .map_err(|_| Error::invalid(name, at.clone(), format!("'{s}' is not a number"))),
                Some(other) => Err(Error::invalid(name, at.clone(), format!("{other} is not a number"))),
            }
        };
        let class = match prop(&columns.class) {
            None => None,
            Some(Value::String(s)) => Some(
                RoadClass::parse(s)
                    .map_err(|e| Error::invalid(columns.class.clone(), at.clone(), strip_param(&e.to_string())))?,
            ),
            Some(other) => {
                return Err(Error::invalid(
                    columns.class.clone(),
                    at,
                    format!("{other} is not a road class; use county, township or village"),
                ))
            }
        };
        let speed = number(&columns.speed)?;
        let length = number(&columns.length)?;
        let geometry = f.get("geometry").filter(|g| !g.is_null()).ok_or_else(|| {
            Error::invalid("geometry", at.clone(), "feature has no geometry; every road needs a LineString")
        })?;
        let gtype = geometry.get("type").and_then(Value::as_str).unwrap_or("?");
        let coords = geometry.get("coordinates");
        let parts: Vec<&Value> = match (gtype, coords.and_then(Value::as_array)) {
            ("LineString", Some(_)) => coords.into_iter().collect(),
            ("MultiLineString", Some(parts)) => parts.iter().collect(),
            _ => {
                return Err(Error::invalid(
                    "geometry",
                    at,
                    format!("feature has a {gtype} geometry, but roads must be LineStrings or MultiLineStrings"),
                ))
            }
        };
        let n_parts = parts.len();
        for part in parts {
            let positions = part
                .as_array()
                .ok_or_else(|| Error::invalid("geometry", at.clone(), "a line's coordinates must be an array"))?;
            let mut pts = Vec::with_capacity(positions.len());
            for p in positions {
                let xy = p
                    .as_array()
                    .filter(|c| c.len() >= 2)
                    .and_then(|c| Some([c[0].as_f64()?, c[1].as_f64()?]))
                    .ok_or_else(|| Error::invalid("geometry", at.clone(), "a position must be [x, y] numbers"))?;
                pts.push(xy);
            }
            // A surveyed length belongs to the whole feature; split it by part only when single.
            let length = if n_parts == 1 { length } else { None };
            lines.push((row, RoadLine { coords: pts, length, speed, class }));
        }
    }
    let rows: Vec<usize> = lines.iter().map(|l| l.0).collect();
    let lines: Vec<RoadLine> = lines.into_iter().map(|l| l.1).collect();
    // Errors from the builder name the line; map it back to the feature.
    RoadNetwork::from_lines(crs.unwrap_or(Crs::Geographic), &lines, options).map_err(|e| match e {
        Error::InvalidInput { field, at, reason } => {
            let at = match at.row {
                Some(r) if r < rows.len() => Location::row(rows[r]),
                _ => at,
            };
            Error::InvalidInput { field, at, reason }
        }
        other => other,
    })
}

fn strip_param(text: &str) -> String {
    text.split_once(": ").map_or(text, |(_, rest)| rest).to_string()
}

/// Read a road network from a CSV edge list (`from`, `to`, optional `length` in metres, `speed`
/// in km/h and `class`) and a CSV node table (`id`, `x`, `y`), with column names from `columns`.
///
/// # Errors
/// [`Error::Io`] for unreadable files, [`Error::Parse`] for malformed CSV,
/// [`Error::MissingColumn`] listing the columns that exist, [`Error::InvalidInput`] naming the row
/// for a bad number or class, and every check of [`RoadNetwork::from_edges`].
pub fn read_roads_csv(
    edges: impl AsRef<Path>,
    nodes: impl AsRef<Path>,
    crs: Crs,
    columns: &RoadColumns,
    options: &NetworkOptions,
) -> Result<RoadNetwork> {
    let read = |p: &Path| std::fs::read_to_string(p).map_err(|e| Error::io(p.display().to_string(), e));
    let (e, n) = (edges.as_ref(), nodes.as_ref());
    read_roads_csv_str(&read(e)?, &read(n)?, crs, columns, options)
}

/// [`read_roads_csv`] on text in memory.
///
/// # Errors
/// As [`read_roads_csv`].
pub fn read_roads_csv_str(
    edges: &str,
    nodes: &str,
    crs: Crs,
    columns: &RoadColumns,
    options: &NetworkOptions,
) -> Result<RoadNetwork> {
    let table = |text: &str, what: &str| -> Result<(Vec<String>, Vec<csv::StringRecord>)> {
        let mut rdr = csv::ReaderBuilder::new().trim(csv::Trim::All).from_reader(text.as_bytes());
        let header: Vec<String> = rdr
            .headers()
            .map_err(|e| Error::Parse { what: what.into(), line: Some(1), reason: e.to_string() })?
            .iter()
            .map(str::to_string)
            .collect();
        let mut rows = Vec::new();
        for r in rdr.records() {
            let r = r.map_err(|e| Error::Parse {
                what: what.into(),
                line: e.position().map(|p| p.line() as usize),
                reason: e.to_string(),
            })?;
            rows.push(r);
        }
        Ok((header, rows))
    };
    let col = |header: &[String], name: &str, what: &str, required: bool| -> Result<Option<usize>> {
        match header.iter().position(|h| h == name) {
            Some(i) => Ok(Some(i)),
            None if required => Err(Error::MissingColumn {
                column: name.to_string(),
                role: name.to_string(),
                context: format!(" in the {what}"),
                available: header.to_vec(),
            }),
            None => Ok(None),
        }
    };
    let (nh, nrows) = table(nodes, "road nodes CSV")?;
    let (ni, nx, ny) = (
        col(&nh, &columns.id, "road nodes", true)?,
        col(&nh, &columns.x, "road nodes", true)?,
        col(&nh, &columns.y, "road nodes", true)?,
    );
    let num = |r: &csv::StringRecord, i: usize, name: &str, row: usize| -> Result<Option<f64>> {
        let t = r.get(i).unwrap_or("");
        if t.is_empty() {
            return Ok(None);
        }
        t.parse().map(Some).map_err(|_| Error::invalid(name, Location::row(row), format!("'{t}' is not a number")))
    };
    let mut node_list = Vec::with_capacity(nrows.len());
    for (row, r) in nrows.iter().enumerate() {
        let (Some(i), Some(x), Some(y)) = (ni, nx, ny) else { break };
        let req = |v: Option<f64>, name: &str| {
            v.ok_or_else(|| Error::invalid(name, Location::row(row), "value is missing; every node needs a position"))
        };
        node_list.push(RoadNode {
            id: r.get(i).unwrap_or("").to_string(),
            x: req(num(r, x, &columns.x, row)?, &columns.x)?,
            y: req(num(r, y, &columns.y, row)?, &columns.y)?,
        });
    }
    let (eh, erows) = table(edges, "road edges CSV")?;
    let (ef, et) = (col(&eh, &columns.from, "road edges", true)?, col(&eh, &columns.to, "road edges", true)?);
    let (el, es, ec) = (
        col(&eh, &columns.length, "road edges", false)?,
        col(&eh, &columns.speed, "road edges", false)?,
        col(&eh, &columns.class, "road edges", false)?,
    );
    let mut edge_list = Vec::with_capacity(erows.len());
    for (row, r) in erows.iter().enumerate() {
        let (Some(f), Some(t)) = (ef, et) else { break };
        let class =
            match ec.map(|i| r.get(i).unwrap_or("")) {
                None | Some("") => None,
                Some(text) => Some(RoadClass::parse(text).map_err(|e| {
                    Error::invalid(columns.class.clone(), Location::row(row), strip_param(&e.to_string()))
                })?),
            };
        edge_list.push(RoadEdge {
            from: r.get(f).unwrap_or("").to_string(),
            to: r.get(t).unwrap_or("").to_string(),
            length: match el {
                Some(i) => num(r, i, &columns.length, row)?,
                None => None,
            },
            speed: match es {
                Some(i) => num(r, i, &columns.speed, row)?,
                None => None,
            },
            class,
        });
    }
    RoadNetwork::from_edges(crs, &node_list, &edge_list, options)
}

#[cfg(test)]
mod tests {
    use super::*;

    const FC: &str = r#"{"type":"FeatureCollection","features":[
      {"type":"Feature","geometry":{"type":"LineString","coordinates":[[0,0],[1000,0],[1000,1000]]},"properties":{"class":"county"}},
      {"type":"Feature","geometry":{"type":"MultiLineString","coordinates":[[[1000,1000],[2000,1000]],[[5000,5000],[5000,6000]]]},"properties":{"speed":"15"}}]}"#;

    #[test]
    fn reads_lines_and_multilines() {
        let o = NetworkOptions::default();
        let net = read_roads_geojson_str(FC, "t", Some(Crs::Planar), &RoadColumns::default(), &o).unwrap();
        assert_eq!((net.n_roads(), net.n_components()), (4, 2));
        assert_eq!(net.length_by_class(), [2000.0, 0.0, 2000.0]);
        assert_eq!(net.speed_of(&net.roads()[2]), 15.0);
    }

    #[test]
    fn bad_features_name_the_row() {
        let o = NetworkOptions::default();
        let c = RoadColumns::default();
        let bad = FC.replace("\"LineString\"", "\"Polygon\"");
        let e = read_roads_geojson_str(&bad, "t", Some(Crs::Planar), &c, &o).unwrap_err().to_string();
        assert!(e.contains("Polygon") && e.contains("row 0"), "{e}");
        let bad = FC.replace("\"county\"", "\"highway\"");
        let e = read_roads_geojson_str(&bad, "t", Some(Crs::Planar), &c, &o).unwrap_err().to_string();
        assert!(e.contains("highway") && e.contains("class"), "{e}");
        let e = read_roads_geojson_str(r#"{"type":"FeatureCollection","features":[]}"#, "t", None, &c, &o)
            .unwrap_err()
            .to_string();
        assert!(e.contains("no lines"), "{e}");
        let bad = FC.replace("[[0,0],[1000,0],[1000,1000]]", "[[0,0]]");
        let e = read_roads_geojson_str(&bad, "t", Some(Crs::Planar), &c, &o).unwrap_err().to_string();
        assert!(e.contains("at least 2"), "{e}");
    }

    #[test]
    fn csv_edge_list() {
        let nodes = "id,x,y\na,0,0\nb,1000,0\nc,1000,500\n";
        let edges = "from,to,length,class\na,b,1200,township\nb,c,,\n";
        let o = NetworkOptions::default();
        let c = RoadColumns::default();
        let net = read_roads_csv_str(edges, nodes, Crs::Planar, &c, &o).unwrap();
        assert_eq!(net.total_length(), 1700.0);
        let e = read_roads_csv_str("from,to\na,z\n", nodes, Crs::Planar, &c, &o).unwrap_err().to_string();
        assert!(e.contains("'z'"), "{e}");
        let e = read_roads_csv_str("src,dst\na,b\n", nodes, Crs::Planar, &c, &o).unwrap_err().to_string();
        assert!(e.contains("from") && e.contains("src"), "{e}");
        let e = read_roads_csv_str("from,to,length\na,b,-5\n", nodes, Crs::Planar, &c, &o).unwrap_err().to_string();
        assert!(e.contains("length"), "{e}");
    }
}
