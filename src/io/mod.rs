//! Reading villages from tables and files, writing plans.
//!
//! Every reader ends in [`VillageColumns::into_instance`], so CSV files, GeoJSON files and Python
//! DataFrames share one set of checks and one set of error messages.

/// Column-wise village data and the builder of an instance from it.
pub mod columns;
/// Capacitated p-median readers (Osman–Christofides, Lorena–Senne).
pub mod cpmp;
/// CSV reader.
pub mod csv;
/// GeoJSON reader and plan writer.
pub mod geojson;
/// OR-Library p-median reader.
pub mod orlib;
/// Road networks from GeoJSON LineStrings and CSV edge lists.
pub mod roads;

pub use self::cpmp::{read_cpmp_lorena, read_cpmp_lorena_str, read_cpmp_osman, read_cpmp_osman_str, CpmpInstance};
pub use self::csv::{read_villages_csv, read_villages_csv_str};
pub use self::geojson::{
    plan_to_geojson, plan_to_geojson_with, read_villages_geojson, read_villages_geojson_str, write_plan_geojson,
    write_plan_geojson_with,
};
pub use columns::{ColumnMap, VillageColumns};
pub use orlib::{read_orlib_optima_str, read_orlib_pmed, read_orlib_pmed_str};
pub use roads::{read_roads_csv, read_roads_csv_str, read_roads_geojson, read_roads_geojson_str, RoadColumns};
