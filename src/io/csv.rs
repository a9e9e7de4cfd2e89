use std::path::Path;

use super::columns::{ColumnMap, VillageColumns};
use crate::error::{Error, Location, Result};
use crate::model::{Crs, Instance};

/// Read villages from a CSV file with a header row (UTF-8, comma-separated).
///
/// Every row is a village and also a candidate site (with the row's status, floor area and cost
/// when those columns exist). Columns are found by [`ColumnMap`]. Empty cells are allowed in the
/// optional columns and mean "unknown".
///
/// # Errors
/// * [`Error::Io`] when the file cannot be opened;
/// * [`Error::Parse`] for malformed CSV (a row with the wrong number of fields, invalid UTF-8),
///   naming the line;
/// * [`Error::MissingColumn`] listing the columns that exist;
/// * [`Error::InvalidInput`] for a cell that is not a number, naming column and row, and every
///   check of [`Instance::new`].
pub fn read_villages_csv(path: impl AsRef<Path>, columns: &ColumnMap, crs: Crs) -> Result<Instance> {
    let path = path.as_ref();
    let text = std::fs::read(path).map_err(|e| Error::io(path.display().to_string(), e))?;
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    read_csv_bytes(&text, &name, columns, crs)
}

/// [`read_villages_csv`] on CSV text held in memory; `what` names it in messages.
///
/// # Errors
/// As [`read_villages_csv`].
pub fn read_villages_csv_str(text: &str, what: &str, columns: &ColumnMap, crs: Crs) -> Result<Instance> {
    read_csv_bytes(text.as_bytes(), what, columns, crs)
}

fn read_csv_bytes(bytes: &[u8], what: &str, columns: &ColumnMap, crs: Crs) -> Result<Instance> {
    let parse_err = |e: ::csv::Error| Error::Parse {
        what: if what.is_empty() { "CSV".into() } else { what.to_string() },
        line: e.position().map(|p| p.line() as usize),
        reason: e.to_string(),
    };
    let mut rdr =
        ::csv::ReaderBuilder::new().has_headers(true).flexible(false).trim(::csv::Trim::All).from_reader(bytes);
    let headers: Vec<String> =
        rdr.headers().map_err(parse_err)?.iter().map(|h| h.trim_start_matches('\u{feff}').to_string()).collect();
    if headers.iter().all(|h| h.is_empty()) {
        return Err(Error::Parse {
            what: what.to_string(),
            line: Some(1),
            reason: "the file is empty or has no header row".into(),
        });
    }
    let context = if what.is_empty() { String::new() } else { format!(" in {what}") };
    let idx = columns.resolve(&headers, &context)?;
    let mut cols = VillageColumns::default();
    let mut text_cols: [Option<Vec<String>>; 3] = [None, None, None]; // name, town, status
    let mut num_cols: [Option<Vec<f64>>; 3] = [None, None, None]; // households, floor_area, cost
    for (k, slot) in [4usize, 5, 7].iter().zip(text_cols.iter_mut()) {
        if idx[*k].is_some() {
            *slot = Some(Vec::new());
        }
    }
    for (k, slot) in [6usize, 8, 9].iter().zip(num_cols.iter_mut()) {
        if idx[*k].is_some() {
            *slot = Some(Vec::new());
        }
    }
    for (row, rec) in rdr.records().enumerate() {
        let rec = rec.map_err(parse_err)?;
        let get = |k: usize| idx[k].and_then(|i| rec.get(i)).unwrap_or("");
        let id = get(0).to_string();
        let num = |k: usize, required: bool| -> Result<f64> {
            let (role, _, _, _) = columns.roles()[k];
            let cell = get(k);
            if cell.is_empty() {
                return if required {
                    Err(Error::invalid(
                        role,
                        Location::row_id(row, id.clone()),
                        "value is missing; fill it in or drop the row",
                    ))
                } else {
                    Ok(f64::NAN)
                };
            }
            cell.parse::<f64>().map_err(|_| {
                Error::invalid(
                    role,
                    Location::row_id(row, id.clone()),
                    format!("'{cell}' is not a number; use a plain decimal number"),
                )
            })
        };
        cols.x.push(num(1, true)?);
        cols.y.push(num(2, true)?);
        cols.population.push(num(3, true)?);
        for (k, slot) in [4usize, 5, 7].iter().zip(text_cols.iter_mut()) {
            if let Some(v) = slot {
                v.push(get(*k).to_string());
            }
        }
        for (k, slot) in [6usize, 8, 9].iter().zip(num_cols.iter_mut()) {
            if let Some(v) = slot {
                v.push(num(*k, false)?);
            }
        }
        cols.id.push(id);
    }
    let [name, town, status] = text_cols;
    let [households, floor_area, cost] = num_cols;
    cols.name = name;
    cols.town = town;
    cols.status = status;
    cols.households = households;
    cols.floor_area = floor_area;
    cols.cost = cost;
    cols.into_instance(crs)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::SiteStatus;

    const GOOD: &str = "id,name,town,lon,lat,population,status,cost\nV1,Dongcun,T1,119.0,36.0,1200,new,320000\nV2,Xicun,T1,119.01,36.0,800,,\n";

    #[test]
    fn reads_a_table() {
        let i = read_villages_csv_str(GOOD, "v.csv", &ColumnMap::default(), Crs::Geographic).unwrap();
        assert_eq!(i.n_villages(), 2);
        assert_eq!(i.villages()[0].name, "Dongcun");
        assert_eq!(i.sites()[0].status, SiteStatus::New);
        assert_eq!(i.sites()[1].cost, None);
    }

    #[test]
    fn errors_name_line_column_and_row() {
        let bad = "id,lon,lat,population\nV1,119.0,36.0\n";
        let e = read_villages_csv_str(bad, "v.csv", &ColumnMap::default(), Crs::Geographic).unwrap_err().to_string();
        assert!(e.contains("could not read v.csv at line 2"), "{e}");
        let bad = "id,lon,lat,population\nV1,119.0,36.0,many\n";
        let e = read_villages_csv_str(bad, "v.csv", &ColumnMap::default(), Crs::Geographic).unwrap_err().to_string();
        assert!(e.contains("`population` at row 0 (id 'V1'): 'many' is not a number"), "{e}");
        let e = read_villages_csv_str("", "v.csv", &ColumnMap::default(), Crs::Geographic).unwrap_err().to_string();
        assert!(e.contains("empty"), "{e}");
        let e = read_villages_csv_str("id,lon,lat,population\n", "v.csv", &ColumnMap::default(), Crs::Geographic)
            .unwrap_err()
            .to_string();
        assert!(e.contains("no rows"), "{e}");
        let m = ColumnMap { town: Some("county".into()), ..Default::default() };
        let e = read_villages_csv_str(GOOD, "v.csv", &m, Crs::Geographic).unwrap_err().to_string();
        assert!(e.contains("available columns: id, name, town, lon, lat, population, status, cost"), "{e}");
        let e = read_villages_csv("/nonexistent/v.csv", &ColumnMap::default(), Crs::Geographic).unwrap_err();
        assert!(matches!(e, Error::Io { .. }));
    }
}
