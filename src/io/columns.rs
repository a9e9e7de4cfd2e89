use crate::error::{Error, Location, Result};
use crate::model::{Crs, Instance, Site, SiteStatus, Village};

/// Which input column plays which role.
///
/// `None` means "find it": the reader looks for the usual names (listed on each field). `Some`
/// means "this column, exactly": if it does not exist the reader fails with
/// [`Error::MissingColumn`], listing the columns that do. `id`, `x`, `y` and `population` are
/// required; the others are optional.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ColumnMap {
    /// Village id (`id`, `village_id`, `code`).
    pub id: Option<String>,
    /// Longitude or easting (`x`, `lon`, `lng`, `longitude`, `easting`).
    pub x: Option<String>,
    /// Latitude or northing (`y`, `lat`, `latitude`, `northing`).
    pub y: Option<String>,
    /// Population (`population`, `pop`).
    pub population: Option<String>,
    /// Display name (`name`, `village`, `village_name`).
    pub name: Option<String>,
    /// Town (`town`, `township`, `subdistrict`).
    pub town: Option<String>,
    /// Households (`households`, `hh`).
    pub households: Option<String>,
    /// Site status (`status`): none, existing, rebuild, new, no_space.
    pub status: Option<String>,
    /// Floor area in m² (`floor_area`, `area_m2`).
    pub floor_area: Option<String>,
    /// Cost of opening a centre there, yuan (`cost`).
    pub cost: Option<String>,
}

/// The roles of a [`ColumnMap`]: (role, given name, usual names, required).
pub(crate) type Role<'a> = (&'static str, Option<&'a str>, &'static [&'static str], bool);

impl ColumnMap {
    /// Every role with its given name, fallback names and whether it is required.
    pub(crate) fn roles(&self) -> [Role<'_>; 10] {
        [
            ("id", self.id.as_deref(), &["id", "village_id", "code"], true),
            ("x", self.x.as_deref(), &["x", "lon", "lng", "longitude", "easting"], true),
            ("y", self.y.as_deref(), &["y", "lat", "latitude", "northing"], true),
            ("population", self.population.as_deref(), &["population", "pop"], true),
            ("name", self.name.as_deref(), &["name", "village", "village_name"], false),
            ("town", self.town.as_deref(), &["town", "township", "subdistrict"], false),
            ("households", self.households.as_deref(), &["households", "hh"], false),
            ("status", self.status.as_deref(), &["status"], false),
            ("floor_area", self.floor_area.as_deref(), &["floor_area", "area_m2"], false),
            ("cost", self.cost.as_deref(), &["cost"], false),
        ]
    }

    /// Resolve every role against the available column names (case-insensitive for the usual
    /// names, exact for given names). Returns, per role in declaration order, the
    /// index of the column or `None` for an absent optional role.
    ///
    /// # Errors
    /// [`Error::MissingColumn`] for a given name that does not exist or a required role that
    /// cannot be found; `context` is added to the message (e.g. " in villages.csv").
    pub fn resolve(&self, available: &[String], context: &str) -> Result<Vec<Option<usize>>> {
        self.resolve_except(available, context, &[])
    }

    /// [`resolve`](Self::resolve), leaving out the roles in `skip` (for example `x` and `y` when
    /// positions come from a geometry); those get `None`.
    ///
    /// # Errors
    /// As [`resolve`](Self::resolve).
    pub fn resolve_except(&self, available: &[String], context: &str, skip: &[&str]) -> Result<Vec<Option<usize>>> {
        self.roles()
            .iter()
            .map(|&(role, given, usual, required)| {
                if skip.contains(&role) {
                    return Ok(None);
                }
                let found = match given {
                    Some(name) => available.iter().position(|c| c == name),
                    None => usual.iter().find_map(|u| available.iter().position(|c| c.trim().eq_ignore_ascii_case(u))),
                };
                match (found, given, required) {
                    (Some(i), _, _) => Ok(Some(i)),
                    (None, None, false) => Ok(None),
                    (None, given, _) => Err(Error::MissingColumn {
                        column: given.unwrap_or(usual[0]).to_string(),
                        role: role.to_string(),
                        context: context.to_string(),
                        available: available.to_vec(),
                    }),
                }
            })
            .collect()
    }
}

/// Village data as columns, the common form of every reader's output.
///
/// Numeric optional columns use NaN for "missing": a missing household count becomes
/// population / 2.8, a missing floor area or cost stays unknown. A missing population is an
/// error, not a default.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct VillageColumns {
    /// Village ids.
    pub id: Vec<String>,
    /// Longitude (degrees) or easting (metres).
    pub x: Vec<f64>,
    /// Latitude (degrees) or northing (metres).
    pub y: Vec<f64>,
    /// Population.
    pub population: Vec<f64>,
    /// Names (default: the id).
    pub name: Option<Vec<String>>,
    /// Towns (default: one unnamed town).
    pub town: Option<Vec<String>>,
    /// Households (NaN = population / 2.8).
    pub households: Option<Vec<f64>>,
    /// Site status per village (empty = `none`).
    pub status: Option<Vec<String>>,
    /// Floor area of the village's site, m² (NaN = unknown).
    pub floor_area: Option<Vec<f64>>,
    /// Cost of a centre at the village, yuan (NaN = unknown).
    pub cost: Option<Vec<f64>>,
}

fn opt_num(v: Option<&Vec<f64>>, i: usize) -> Option<f64> {
    v.map(|c| c[i]).filter(|x| !x.is_nan())
}

impl VillageColumns {
    /// Build and validate an instance: one village per row, each village also a candidate site
    /// carrying the row's status, floor area and cost.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] naming the column for columns of different lengths or an unknown
    /// status, and every check of [`Instance::new`].
    pub fn into_instance(self, crs: Crs) -> Result<Instance> {
        let n = self.id.len();
        let lens: [(&str, Option<usize>); 9] = [
            ("x", Some(self.x.len())),
            ("y", Some(self.y.len())),
            ("population", Some(self.population.len())),
            ("name", self.name.as_ref().map(Vec::len)),
            ("town", self.town.as_ref().map(Vec::len)),
            ("households", self.households.as_ref().map(Vec::len)),
            ("status", self.status.as_ref().map(Vec::len)),
            ("floor_area", self.floor_area.as_ref().map(Vec::len)),
            ("cost", self.cost.as_ref().map(Vec::len)),
        ];
        for (col, len) in lens {
            if let Some(len) = len {
                if len != n {
                    return Err(Error::param(
                        col,
                        format!("has {len} values but `id` has {n}; every column needs one value per village"),
                    ));
                }
            }
        }
        let mut villages = Vec::with_capacity(n);
        let mut sites = Vec::with_capacity(n);
        for i in 0..n {
            let v = Village {
                id: self.id[i].clone(),
                name: self.name.as_ref().map_or_else(|| self.id[i].clone(), |c| c[i].clone()),
                town: self.town.as_ref().map_or_else(String::new, |c| c[i].clone()),
                x: self.x[i],
                y: self.y[i],
                population: self.population[i],
                households: opt_num(self.households.as_ref(), i),
            };
            let status = match &self.status {
                Some(c) => SiteStatus::parse(&c[i]).map_err(|e| match e {
                    Error::InvalidInput { field, reason, .. } => {
                        Error::invalid(field, Location::row_id(i, self.id[i].clone()), reason)
                    }
                    other => other,
                })?,
                None => SiteStatus::None,
            };
            let mut site = Site::at_village(&v, status);
            site.floor_area = opt_num(self.floor_area.as_ref(), i);
            site.cost = opt_num(self.cost.as_ref(), i);
            villages.push(v);
            sites.push(site);
        }
        if villages.is_empty() {
            return Err(Error::param("villages", "the input has no rows; give at least one village"));
        }
        Instance::new(crs, villages, Some(sites), None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cols() -> VillageColumns {
        VillageColumns {
            id: vec!["a".into(), "b".into()],
            x: vec![119.0, 119.01],
            y: vec![36.0, 36.0],
            population: vec![100.0, 200.0],
            status: Some(vec!["".into(), "rebuild".into()]),
            cost: Some(vec![f64::NAN, 5.0]),
            ..Default::default()
        }
    }

    #[test]
    fn builds_sites_from_rows() {
        let i = cols().into_instance(Crs::Geographic).unwrap();
        assert_eq!(i.sites()[1].status, SiteStatus::Rebuild);
        assert_eq!(i.sites()[0].cost, None);
        assert_eq!(i.sites()[1].cost, Some(5.0));
        assert_eq!(i.towns().len(), 1);
    }

    #[test]
    fn length_mismatch_and_bad_status() {
        let mut c = cols();
        c.population.pop();
        assert!(c
            .into_instance(Crs::Geographic)
            .unwrap_err()
            .to_string()
            .contains("`population`: has 1 values but `id` has 2"));
        let mut c = cols();
        c.status = Some(vec!["open".into(), "".into()]);
        let e = c.into_instance(Crs::Geographic).unwrap_err().to_string();
        assert!(e.contains("`status` at row 0 (id 'a')"), "{e}");
    }

    #[test]
    fn resolve_finds_usual_names_and_reports_missing() {
        let avail: Vec<String> = ["ID", "Lon", "lat", "pop", "Town"].iter().map(|s| s.to_string()).collect();
        let r = ColumnMap::default().resolve(&avail, "").unwrap();
        assert_eq!(&r[..6], &[Some(0), Some(1), Some(2), Some(3), None, Some(4)]);
        let m = ColumnMap { population: Some("people".into()), ..Default::default() };
        let e = m.resolve(&avail, " in v.csv").unwrap_err().to_string();
        assert!(e.contains("`people` not found in v.csv; available columns: ID, Lon, lat, pop, Town"), "{e}");
    }
}
