//! Conversions between Python values and core types: parameter names, numpy columns and the
//! column dictionaries that the Python package turns into `DataFrame`s.

use std::fmt::Write as _;

use numpy::{PyArray1, PyReadonlyArray1};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

use crate::error::Result;
use crate::model::Crs;

/// The lower-case name of a CRS, as accepted by `crs=`.
pub fn crs_name(crs: Crs) -> &'static str {
    match crs {
        Crs::Geographic => "geographic",
        Crs::Planar => "planar",
    }
}

/// Parse `crs=` text.
///
/// # Errors
/// `InvalidInput` naming `crs` for an unknown name.
pub fn parse_crs(text: &str) -> Result<Crs> {
    Crs::parse(text)
}

/// Copy a 1-D float64 array (any strides) into a vector.
pub fn to_vec(a: &PyReadonlyArray1<'_, f64>) -> Vec<f64> {
    a.as_array().to_vec()
}

/// [`to_vec`] for an optional column.
pub fn opt_vec(a: Option<&PyReadonlyArray1<'_, f64>>) -> Option<Vec<f64>> {
    a.map(to_vec)
}

/// A dictionary of named columns, filled in order: text columns become lists of `str` (or
/// `None`), numeric columns numpy arrays.
pub struct Columns<'py> {
    dict: Bound<'py, PyDict>,
}

impl<'py> Columns<'py> {
    /// An empty dictionary.
    pub fn new(py: Python<'py>) -> Self {
        Self { dict: PyDict::new(py) }
    }

    fn py(&self) -> Python<'py> {
        self.dict.py()
    }

    /// A column of text.
    pub fn text<'a>(self, name: &str, values: impl IntoIterator<Item = &'a str>) -> PyResult<Self> {
        let list = PyList::new(self.py(), values)?;
        self.dict.set_item(name, list)?;
        Ok(self)
    }

    /// A column of text with missing values (`None`).
    pub fn opt_text<'a>(self, name: &str, values: impl IntoIterator<Item = Option<&'a str>>) -> PyResult<Self> {
        let list = PyList::new(self.py(), values)?;
        self.dict.set_item(name, list)?;
        Ok(self)
    }

    /// A column of lists of text (e.g. the member villages of each community).
    pub fn text_lists(self, name: &str, values: Vec<Vec<&str>>) -> PyResult<Self> {
        let list = PyList::new(self.py(), values)?;
        self.dict.set_item(name, list)?;
        Ok(self)
    }

    /// A float64 column (NaN for missing values).
    pub fn f64(self, name: &str, values: Vec<f64>) -> PyResult<Self> {
        self.dict.set_item(name, PyArray1::from_vec(self.py(), values))?;
        Ok(self)
    }

    /// An int64 column.
    pub fn i64(self, name: &str, values: Vec<i64>) -> PyResult<Self> {
        self.dict.set_item(name, PyArray1::from_vec(self.py(), values))?;
        Ok(self)
    }

    /// A bool column.
    pub fn bool(self, name: &str, values: Vec<bool>) -> PyResult<Self> {
        self.dict.set_item(name, PyArray1::from_vec(self.py(), values))?;
        Ok(self)
    }

    /// The finished dictionary.
    pub fn finish(self) -> Bound<'py, PyDict> {
        self.dict
    }
}

/// An index or count as int64 (saturating; counts in this crate are far below `i64::MAX`).
pub fn to_i64(v: usize) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

/// Python's `repr` of a str (single quotes), for `__repr__` texts.
pub fn py_repr(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('\'');
    for ch in s.chars() {
        match ch {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '\n' => out.push_str("\\n"),
            c if c.is_control() && u32::from(c) < 0x100 => {
                let _ = write!(out, "\\x{:02x}", u32::from(c));
            }
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repr_quotes_like_python() {
        assert_eq!(py_repr("Sample County"), "'Sample County'");
        assert_eq!(py_repr("it's\n"), "'it\\'s\\n'");
        assert_eq!(py_repr("诸城市"), "'诸城市'");
    }
}
