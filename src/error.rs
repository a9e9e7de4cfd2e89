//! The one error type of the crate.
//!
//! Every fallible function returns [`Result<T>`]. Each variant names what was wrong (the
//! field, the row, the column) and its message says what to do about it, so that a planner
//! reading it in a notebook can fix the input without reading the source. Nothing in the crate
//! panics on user data.

use std::fmt;

/// Result alias used throughout the crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Where in the input a bad value sits: a 0-based row and, when known, the record's id.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Location {
    /// 0-based position of the record in the input (row of the table, feature of the collection).
    pub row: Option<usize>,
    /// The record's id, when it has one.
    pub id: Option<String>,
}

impl Location {
    /// A location at a row only.
    pub fn row(row: usize) -> Self {
        Self { row: Some(row), id: None }
    }

    /// A location at a row whose record has an id.
    pub fn row_id(row: usize, id: impl Into<String>) -> Self {
        Self { row: Some(row), id: Some(id.into()) }
    }

    /// No particular row: the error is about a parameter or the input as a whole.
    pub fn none() -> Self {
        Self::default()
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.row, &self.id) {
            (Some(r), Some(id)) => write!(f, " at row {r} (id '{id}')"),
            (Some(r), None) => write!(f, " at row {r}"),
            (None, Some(id)) => write!(f, " for id '{id}'"),
            (None, None) => Ok(()),
        }
    }
}

/// Everything that can go wrong in villageplan.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A value of the input or a parameter is not acceptable.
    ///
    /// `field` names the column, property or parameter; `at` the row; `reason` says what is
    /// wrong and what to do.
    #[error("invalid `{field}`{at}: {reason}")]
    InvalidInput {
        /// Column, property or parameter name.
        field: String,
        /// Where the bad value is.
        at: Location,
        /// What is wrong and what to do about it.
        reason: String,
    },

    /// A column (CSV, DataFrame) or property (GeoJSON) that was asked for does not exist.
    #[error("column `{column}` not found{context}; available columns: {}. Pass the right name, e.g. `{role}=\"...\"`", .available.join(", "))]
    MissingColumn {
        /// The name that was asked for.
        column: String,
        /// The role it was asked for (`id`, `x`, `population`, ...): the keyword to change.
        role: String,
        /// Where it was looked for (file name), may be empty.
        context: String,
        /// The columns that do exist.
        available: Vec<String>,
    },

    /// A file or text could not be parsed.
    #[error("could not read {what}{}: {reason}", .line.map(|l| format!(" at line {l}")).unwrap_or_default())]
    Parse {
        /// What was being read (a file name or a format).
        what: String,
        /// 1-based line, when known.
        line: Option<usize>,
        /// What is wrong.
        reason: String,
    },

    /// The request cannot be met on this input (for example a coverage target above what every
    /// allowed site together reaches).
    #[error("{reason}")]
    Infeasible {
        /// What cannot be met, with the best that can be achieved.
        reason: String,
        /// The best achievable value of the quantity asked for (e.g. the highest coverage share).
        achievable: f64,
    },

    /// The work was cancelled by the caller (for example Ctrl-C in Python).
    #[error("cancelled by the caller")]
    Cancelled,

    /// An operating-system I/O error (file not found, permission denied, ...).
    #[error("{context}: {source}")]
    Io {
        /// The path or operation that failed.
        context: String,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },

    /// A bug in villageplan itself. Please report it with the input that triggered it.
    #[error(
        "internal error (this is a bug in villageplan {version}; please report it to the villageplan maintainers with this message and the input that caused it): {0}",
        version = env!("CARGO_PKG_VERSION")
    )]
    Internal(String),
}

impl Error {
    /// Shorthand for [`Error::InvalidInput`].
    pub fn invalid(field: impl Into<String>, at: Location, reason: impl Into<String>) -> Self {
        Error::InvalidInput { field: field.into(), at, reason: reason.into() }
    }

    /// Shorthand for an [`Error::InvalidInput`] about a parameter (no row).
    pub fn param(field: impl Into<String>, reason: impl Into<String>) -> Self {
        Error::invalid(field, Location::none(), reason)
    }

    /// Shorthand for [`Error::Io`] with the path or operation that failed.
    pub fn io(context: impl Into<String>, source: std::io::Error) -> Self {
        Error::Io { context: context.into(), source }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_field_row_and_fix() {
        let e = Error::invalid("population", Location::row_id(3, "V4"), "must be >= 0, got -5; fix the value");
        assert_eq!(e.to_string(), "invalid `population` at row 3 (id 'V4'): must be >= 0, got -5; fix the value");
        let e = Error::MissingColumn {
            column: "pop".into(),
            role: "population".into(),
            context: " in villages.csv".into(),
            available: vec!["id".into(), "people".into()],
        };
        let s = e.to_string();
        assert!(s.contains("`pop` not found in villages.csv"), "{s}");
        assert!(s.contains("available columns: id, people"), "{s}");
        assert!(s.contains("population=\"...\""), "{s}");
    }
}
