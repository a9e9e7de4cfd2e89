use serde::{Deserialize, Serialize};

use crate::error::{Error, Location, Result};

/// How positions are given.
///
/// * `Geographic`: `x` is longitude and `y` latitude, in decimal degrees (WGS 84). Distances are
///   great-circle distances in metres (geo's haversine on the GRS80 mean radius).
/// * `Planar`: `x` and `y` are metres in a projected CRS (for example a UTM or Gauss–Krüger zone).
///   Distances are Euclidean, in metres.
///
/// One instance uses one of the two; there is no mixing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Crs {
    /// Longitude / latitude in degrees.
    #[default]
    Geographic,
    /// Projected metres.
    Planar,
}

/// Largest planar coordinate magnitude accepted, in metres (well beyond any real projected CRS).
pub const MAX_PLANAR_COORD: f64 = 1.0e8;

impl Crs {
    /// Parse `"geographic"`/`"lonlat"`/`"wgs84"`/`"epsg:4326"` or `"planar"`/`"projected"`/`"metres"`.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] naming `crs` for any other text.
    pub fn parse(text: &str) -> Result<Self> {
        match text.trim().to_ascii_lowercase().as_str() {
            "geographic" | "lonlat" | "latlon" | "wgs84" | "epsg:4326" | "degrees" => Ok(Crs::Geographic),
            "planar" | "projected" | "metres" | "meters" | "metric" => Ok(Crs::Planar),
            other => Err(Error::param(
                "crs",
                format!("unknown value '{other}'; use 'geographic' (lon/lat degrees) or 'planar' (projected metres)"),
            )),
        }
    }

    /// The names of the two coordinate fields, for messages.
    pub fn axis_names(self) -> (&'static str, &'static str) {
        match self {
            Crs::Geographic => ("lon", "lat"),
            Crs::Planar => ("x", "y"),
        }
    }

    /// Check one position; `at` says which record it belongs to.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for a NaN or infinite coordinate, a longitude outside
    /// [-180, 180] or latitude outside [-90, 90] (geographic), or a magnitude above
    /// [`MAX_PLANAR_COORD`] (planar).
    pub fn check_position(self, x: f64, y: f64, at: &Location) -> Result<()> {
        let (xn, yn) = self.axis_names();
        for (name, v) in [(xn, x), (yn, y)] {
            if !v.is_finite() {
                return Err(Error::invalid(
                    name,
                    at.clone(),
                    format!("coordinate is {v}; every position needs finite numbers, so fix or drop that row"),
                ));
            }
        }
        match self {
            Crs::Geographic => {
                if !(-180.0..=180.0).contains(&x) {
                    return Err(Error::invalid(
                        xn,
                        at.clone(),
                        format!(
                            "longitude {} is outside [-180, 180]; if the coordinates are projected metres, pass crs='planar'",
                            short(x)
                        ),
                    ));
                }
                if !(-90.0..=90.0).contains(&y) {
                    return Err(Error::invalid(
                        yn,
                        at.clone(),
                        format!(
                            "latitude {} is outside [-90, 90]; check that x is longitude and y latitude, or pass crs='planar' for projected metres",
                            short(y)
                        ),
                    ));
                }
            }
            Crs::Planar => {
                if x.abs() > MAX_PLANAR_COORD || y.abs() > MAX_PLANAR_COORD {
                    return Err(Error::invalid(
                        if x.abs() > MAX_PLANAR_COORD { xn } else { yn },
                        at.clone(),
                        format!(
                            "coordinate ({}, {}) is beyond ±1e8 m, larger than any projected CRS; check the units",
                            short(x),
                            short(y)
                        ),
                    ));
                }
            }
        }
        Ok(())
    }

    /// Reject planar positions that all look like degrees.
    ///
    /// A real projected layout of more than one village spans hundreds of metres at least; if every
    /// point lies within lon/lat ranges and the whole set spans less than 10 units, the input is
    /// almost surely degrees given as metres, which would put every village within a few metres of
    /// every other.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] naming `crs`.
    pub fn check_planar_not_degrees(self, xs: &[f64], ys: &[f64]) -> Result<()> {
        if self != Crs::Planar || xs.len() < 2 {
            return Ok(());
        }
        let within_degrees = xs.iter().all(|x| x.abs() <= 180.0) && ys.iter().all(|y| y.abs() <= 90.0);
        let span = |v: &[f64]| {
            let (lo, hi) = v.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &a| (lo.min(a), hi.max(a)));
            hi - lo
        };
        if within_degrees && span(xs) < 10.0 && span(ys) < 10.0 {
            return Err(Error::param(
                "crs",
                format!(
                    "crs is 'planar' (metres) but every coordinate looks like degrees (the whole set spans {:.4} × {:.4} units); pass crs='geographic' for lon/lat, or project the data to metres first",
                    span(xs),
                    span(ys)
                ),
            ));
        }
        Ok(())
    }
}

/// A coordinate for a message: as written up to 1e9, in exponent form beyond (so that 1e300 is
/// not printed with 300 digits).
fn short(v: f64) -> String {
    if v.abs() >= 1e9 {
        format!("{v:e}")
    } else {
        format!("{v}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_names() {
        assert_eq!(Crs::parse("EPSG:4326").unwrap(), Crs::Geographic);
        assert_eq!(Crs::parse(" planar ").unwrap(), Crs::Planar);
        assert!(Crs::parse("mercator").unwrap_err().to_string().contains("'geographic'"));
    }

    #[test]
    fn rejects_bad_positions() {
        let at = Location::row(2);
        let e = Crs::Geographic.check_position(f64::NAN, 30.0, &at).unwrap_err().to_string();
        assert!(e.contains("`lon` at row 2") && e.contains("NaN"), "{e}");
        let e = Crs::Geographic.check_position(119.0, 95.0, &at).unwrap_err().to_string();
        assert!(e.contains("`lat`") && e.contains("outside [-90, 90]"), "{e}");
        let e = Crs::Geographic.check_position(500_000.0, 30.0, &at).unwrap_err().to_string();
        assert!(e.contains("crs='planar'"), "{e}");
        let e = Crs::Planar.check_position(1e12, 0.0, &at).unwrap_err().to_string();
        assert!(e.contains("check the units"), "{e}");
        assert!(Crs::Planar.check_position(500_000.0, 4_000_000.0, &at).is_ok());
    }

    #[test]
    fn degrees_as_metres_is_caught() {
        let e = Crs::Planar.check_planar_not_degrees(&[119.1, 119.2], &[36.0, 36.1]).unwrap_err();
        assert!(e.to_string().contains("crs='geographic'"));
        assert!(Crs::Planar.check_planar_not_degrees(&[0.0, 5000.0], &[0.0, 10.0]).is_ok());
        assert!(Crs::Geographic.check_planar_not_degrees(&[119.1, 119.2], &[36.0, 36.1]).is_ok());
    }
}
