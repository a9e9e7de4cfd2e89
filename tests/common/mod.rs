//! Shared helpers of the integration tests.

use villageplan::model::{Crs, Instance, Site, SiteStatus, Village};

/// One random village: x and y (metres from `origin`), population, town number, site kind
/// (0 → `no_space`, 1 → existing, else none; only `with_status`), site cost in 100,000 yuan.
pub type VillageRow = (f64, f64, f64, u8, u8, u32);

/// A planar county from random rows: a site at every village, with its cost and, when
/// `with_status`, some `no_space` and existing sites.
pub fn county_from_rows(rows: &[VillageRow], with_status: bool, origin: (f64, f64)) -> Instance {
    let villages: Vec<Village> = rows
        .iter()
        .enumerate()
        .map(|(i, &(x, y, pop, town, _, _))| {
            Village::new(format!("v{i}"), format!("T{town}"), origin.0 + x, origin.1 + y, pop)
        })
        .collect();
    let sites: Vec<Site> = villages
        .iter()
        .zip(rows)
        .map(|(v, &(_, _, _, _, kind, cost))| {
            let status = match (with_status, kind) {
                (true, 0) => SiteStatus::NoSpace,
                (true, 1) => SiteStatus::Existing,
                _ => SiteStatus::None,
            };
            let mut s = Site::at_village(v, status);
            s.cost = Some(f64::from(cost) * 100_000.0);
            s
        })
        .collect();
    Instance::new(Crs::Planar, villages, Some(sites), None).expect("valid random county")
}
