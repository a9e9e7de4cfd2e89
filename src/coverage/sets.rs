use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::model::Instance;
use crate::spatial::{Metric, PointIndex};

/// Sites per parallel work item when building coverage.
const CHUNK: usize = 512;

/// Which villages each candidate site reaches within the service radius, with the distances.
///
/// A compressed sparse row (CSR) structure: the villages site `s` covers are
/// `villages[offsets[s]..offsets[s+1]]`, sorted by village index, with the matching distances in
/// metres. Nothing on this path ever holds an n × n matrix: memory is O(sites + covered pairs).
///
/// "Covers" means `distance <= radius`. With `within_town`, a site only covers villages of its own
/// town (communities are formed inside one town or subdistrict).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Coverage {
    radius: f64,
    within_town: bool,
    n_villages: usize,
    offsets: Vec<usize>,
    villages: Vec<u32>,
    distances: Vec<f64>,
}

/// Reject a radius that is not a finite positive number of metres.
///
/// # Errors
/// [`Error::InvalidInput`] naming `radius`.
pub fn check_radius(radius: f64) -> Result<()> {
    if !radius.is_finite() || radius <= 0.0 {
        return Err(Error::param(
            "radius",
            format!("service radius must be a positive number of metres, got {radius}; the usual value is 2000"),
        ));
    }
    Ok(())
}

impl Coverage {
    /// Build the coverage of an instance's sites over its villages with an R-tree.
    ///
    /// Algorithm: bulk-load an rstar R-tree over the village positions, then query it from every
    /// site in parallel (rayon, chunks of 512 sites, results concatenated in site order so the
    /// output does not depend on the thread count). Geographic instances use haversine distances,
    /// planar ones Euclidean (see [`Metric`]).
    ///
    /// # Arguments
    /// * `instance`: the validated villages and sites.
    /// * `radius`: service radius in metres (> 0).
    /// * `within_town`: only pair a site with villages of its own town.
    ///
    /// # Returns
    /// The CSR lists, each sorted by village index.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for a radius that is not a positive finite number.
    ///
    /// # Complexity
    /// O(n log n + m log n + K) time for n villages, m sites and K covered pairs; O(n + m + K)
    /// space. Runs on the rayon pool (`RAYON_NUM_THREADS` sets its size).
    ///
    /// # Examples
    /// ```
    /// use villageplan::model::{Crs, Instance, Village};
    /// use villageplan::coverage::Coverage;
    /// let villages = vec![
    ///     Village::new("a", "T", 0.0, 0.0, 100.0),
    ///     Village::new("b", "T", 1500.0, 0.0, 100.0),
    ///     Village::new("c", "T", 5000.0, 0.0, 100.0),
    /// ];
    /// let inst = Instance::from_villages(Crs::Planar, villages).unwrap();
    /// let cov = Coverage::build(&inst, 2000.0, true).unwrap();
    /// assert_eq!(cov.villages_of(0), &[0, 1]);
    /// assert_eq!(cov.distances_of(1), &[1500.0, 0.0]);
    /// assert_eq!(cov.villages_of(2), &[2]);
    /// ```
    pub fn build(instance: &Instance, radius: f64, within_town: bool) -> Result<Self> {
        check_radius(radius)?;
        let metric = Metric::for_crs(instance.crs());
        let index = PointIndex::new(instance.villages().iter().map(|v| [v.x, v.y]), metric);
        let vt = instance.village_towns();
        let st = instance.site_towns();
        let sites = instance.sites();
        let query = |s: usize, out: &mut Vec<(u32, f64)>| {
            let site = &sites[s];
            index.for_each_within([site.x, site.y], radius, |v, d| {
                if !within_town || vt[v as usize] == st[s] {
                    out.push((v, d));
                }
            });
        };
        Ok(Self::from_query(instance.n_villages(), sites.len(), radius, within_town, query))
    }

    /// Build from a per-site query that pushes `(village, distance)` pairs, in parallel.
    /// The pairs of each site are sorted by village; the caller guarantees `distance <= radius`.
    pub(crate) fn from_query<F>(n_villages: usize, n_sites: usize, radius: f64, within_town: bool, query: F) -> Self
    where
        F: Fn(usize, &mut Vec<(u32, f64)>) + Sync,
    {
        let chunks: Vec<(Vec<usize>, Vec<u32>, Vec<f64>)> = (0..n_sites.div_ceil(CHUNK))
            .into_par_iter()
            .map(|c| {
                let mut lens = Vec::with_capacity(CHUNK);
                let mut vs = Vec::new();
                let mut ds = Vec::new();
                let mut buf = Vec::new();
                for s in c * CHUNK..((c + 1) * CHUNK).min(n_sites) {
                    buf.clear();
                    query(s, &mut buf);
                    buf.sort_unstable_by_key(|a| a.0);
                    lens.push(buf.len());
                    vs.extend(buf.iter().map(|p| p.0));
                    ds.extend(buf.iter().map(|p| p.1));
                }
                (lens, vs, ds)
            })
            .collect();
        let total: usize = chunks.iter().map(|c| c.1.len()).sum();
        let mut offsets = Vec::with_capacity(n_sites + 1);
        offsets.push(0);
        let mut villages = Vec::with_capacity(total);
        let mut distances = Vec::with_capacity(total);
        for (lens, vs, ds) in chunks {
            for l in lens {
                let last = offsets[offsets.len() - 1];
                offsets.push(last + l);
            }
            villages.extend(vs);
            distances.extend(ds);
        }
        Coverage { radius, within_town, n_villages, offsets, villages, distances }
    }

    /// Assemble from CSR arrays the caller has built (each site's villages sorted, distances within
    /// the radius).
    pub(crate) fn from_csr_parts(
        radius: f64,
        within_town: bool,
        n_villages: usize,
        offsets: Vec<usize>,
        villages: Vec<u32>,
        distances: Vec<f64>,
    ) -> Self {
        Coverage { radius, within_town, n_villages, offsets, villages, distances }
    }

    /// Coverage from a dense demand × site cost matrix (row-major, `n_demand * n_sites` values):
    /// site `s` covers row `i` when `costs[i * n_sites + s] <= radius`.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for a matrix of the wrong length, a NaN or negative entry, or a bad
    /// radius. An infinite entry means "unreachable" and is allowed.
    pub fn from_matrix(costs: &[f64], n_demand: usize, n_sites: usize, radius: f64) -> Result<Self> {
        if radius.is_nan() || radius < 0.0 {
            return Err(Error::param("radius", format!("radius must be ≥ 0, got {radius}")));
        }
        check_shape(costs, n_demand, n_sites)?;
        // One row-major pass over blocks of rows: each block checks its entries and keeps the
        // covered ones row by row (the matrix is read once, in memory order; reading it column by
        // column would miss the cache on every entry). The rows' lists, joined in row order, are
        // the village → site view; its transpose is the coverage, each site's villages ascending.
        //
        // The calling thread scans blocks itself from the start, taking them from a shared counter
        // with the pool's threads: a pool thread asleep since the last work takes a fraction of a
        // millisecond to wake, which would otherwise delay the whole scan. One helper fewer than
        // the pool has threads, as the caller is one more: with more threads than cores, a block
        // held by a thread put aside would hold up the end.
        const ROWS_PER_BLOCK: usize = 64;
        let n_blocks = n_demand.div_ceil(ROWS_PER_BLOCK);
        let next = AtomicUsize::new(0);
        let found: Vec<OnceLock<RowBlock>> = (0..n_blocks).map(|_| OnceLock::new()).collect();
        let scan = || loop {
            let b = next.fetch_add(1, Ordering::Relaxed);
            if b >= n_blocks {
                break;
            }
            let rows = b * ROWS_PER_BLOCK..((b + 1) * ROWS_PER_BLOCK).min(n_demand);
            let block = &costs[rows.start * n_sites..rows.end * n_sites];
            let _ = found[b].set(RowBlock::scan(block, rows.start, n_sites, radius));
        };
        rayon::in_place_scope(|scope| {
            let helpers = rayon::current_num_threads() - 1;
            for _ in 0..helpers.min(n_blocks.saturating_sub(1)) {
                scope.spawn(|_| scan());
            }
            scan();
        });
        let blocks: Vec<RowBlock> = found.into_iter().filter_map(OnceLock::into_inner).collect();
        if let Some(k) = blocks.iter().find_map(|b| b.bad) {
            return Err(bad_entry(costs, k, n_sites));
        }
        let mut row_offsets = Vec::with_capacity(n_demand + 1);
        row_offsets.push(0usize);
        let n_pairs: usize = blocks.iter().map(|b| b.sites.len()).sum();
        let mut sites = Vec::with_capacity(n_pairs);
        let mut dists = Vec::with_capacity(n_pairs);
        for b in blocks {
            let base = sites.len();
            row_offsets.extend(b.ends.iter().map(|e| base + e));
            sites.extend(b.sites);
            dists.extend(b.dists);
        }
        Ok(Self::from_csr_parts(radius, false, n_sites, row_offsets, sites, dists).transpose())
    }

    /// Coverage from a sparse demand × site matrix in compressed sparse column form (the layout
    /// of SciPy's `csc_matrix`): column `s` holds rows `indices[indptr[s]..indptr[s + 1]]` with
    /// distances `data[..]`; absent entries are unreachable. Site `s` covers a row when its entry
    /// is `<= radius`. Memory stays O(entries), for cases too large for a dense matrix.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] naming `costs` for an `indptr` of the wrong length or not
    /// non-decreasing, an index out of range or repeated within a column, or a NaN or negative
    /// entry; naming `radius` for a NaN or negative radius.
    pub fn from_csc(
        n_demand: usize,
        n_sites: usize,
        indptr: &[i64],
        indices: &[i64],
        data: &[f64],
        radius: f64,
    ) -> Result<Self> {
        if radius.is_nan() || radius < 0.0 {
            return Err(Error::param("radius", format!("radius must be ≥ 0, got {radius}")));
        }
        if n_demand == 0 || n_sites == 0 {
            return Err(Error::param("costs", "the sparse matrix is empty; give at least one row and one column"));
        }
        let bad = |reason: String| Error::param("costs", reason);
        if indptr.len() != n_sites + 1 || indptr[0] != 0 {
            return Err(bad(format!(
                "indptr must have {} entries starting at 0 (one per site, plus one)",
                n_sites + 1
            )));
        }
        if indices.len() != data.len() || usize::try_from(indptr[n_sites]).ok() != Some(indices.len()) {
            return Err(bad("indptr, indices and data do not agree in length".into()));
        }
        let mut offsets = Vec::with_capacity(n_sites + 1);
        offsets.push(0usize);
        let mut villages = Vec::new();
        let mut distances = Vec::new();
        let mut seen = vec![usize::MAX; n_demand];
        for s in 0..n_sites {
            let (lo, hi) = (indptr[s], indptr[s + 1]);
            if hi < lo {
                return Err(bad(format!("indptr decreases at site {s}")));
            }
            let mut col: Vec<(u32, f64)> = Vec::new();
            for k in lo as usize..hi as usize {
                let i = usize::try_from(indices[k]).ok().filter(|&i| i < n_demand).ok_or_else(|| {
                    bad(format!("row index {} in column {s} is out of range (there are {n_demand} rows)", indices[k]))
                })?;
                if seen[i] == s {
                    return Err(bad(format!("row {i} appears twice in column {s}; sum or drop duplicates first")));
                }
                seen[i] = s;
                let d = data[k];
                if d.is_nan() || d < 0.0 {
                    return Err(Error::invalid(
                        "costs",
                        crate::error::Location::row(i),
                        format!("entry in column {s} is {d}; costs must be ≥ 0"),
                    ));
                }
                if d <= radius {
                    col.push((i as u32, d));
                }
            }
            col.sort_unstable_by_key(|p| p.0);
            villages.extend(col.iter().map(|p| p.0));
            distances.extend(col.iter().map(|p| p.1));
            offsets.push(villages.len());
        }
        Ok(Coverage { radius, within_town: false, n_villages: n_demand, offsets, villages, distances })
    }

    /// Service radius in metres.
    pub fn radius(&self) -> f64 {
        self.radius
    }
    /// Whether sites only cover villages of their own town.
    pub fn within_town(&self) -> bool {
        self.within_town
    }
    /// Number of villages (demand rows).
    pub fn n_villages(&self) -> usize {
        self.n_villages
    }
    /// Number of sites.
    pub fn n_sites(&self) -> usize {
        self.offsets.len() - 1
    }
    /// Number of (site, village) pairs within the radius.
    pub fn n_pairs(&self) -> usize {
        self.villages.len()
    }
    /// Villages covered by site `s`, sorted by index.
    pub fn villages_of(&self, s: usize) -> &[u32] {
        &self.villages[self.offsets[s]..self.offsets[s + 1]]
    }
    /// Distances in metres matching [`villages_of`](Self::villages_of).
    pub fn distances_of(&self, s: usize) -> &[f64] {
        &self.distances[self.offsets[s]..self.offsets[s + 1]]
    }
    /// The raw CSR arrays: offsets (one per site, plus one), village indices and distances in
    /// metres. Site `s` covers `villages[offsets[s]..offsets[s + 1]]`.
    pub fn csr(&self) -> (&[usize], &[u32], &[f64]) {
        (&self.offsets, &self.villages, &self.distances)
    }

    /// `(village, distance)` pairs of site `s`.
    pub fn pairs_of(&self, s: usize) -> impl Iterator<Item = (u32, f64)> + '_ {
        self.villages_of(s).iter().copied().zip(self.distances_of(s).iter().copied())
    }

    /// The village → sites view of the same pairs (each list sorted by site index).
    ///
    /// # Complexity
    /// O(n + m + K) time and space.
    pub fn transpose(&self) -> Coverage {
        let n = self.n_villages;
        let mut counts = vec![0usize; n + 1];
        for &v in &self.villages {
            counts[v as usize + 1] += 1;
        }
        for i in 0..n {
            counts[i + 1] += counts[i];
        }
        let offsets = counts.clone();
        let mut next = counts;
        let mut sites = vec![0u32; self.villages.len()];
        let mut dists = vec![0f64; self.villages.len()];
        for s in 0..self.n_sites() {
            for (v, d) in self.pairs_of(s) {
                let k = next[v as usize];
                sites[k] = s as u32;
                dists[k] = d;
                next[v as usize] += 1;
            }
        }
        Coverage {
            radius: self.radius,
            within_town: self.within_town,
            n_villages: self.n_sites(),
            offsets,
            villages: sites,
            distances: dists,
        }
    }

    /// Which villages at least one of `sites` covers.
    pub fn covered_by(&self, sites: impl IntoIterator<Item = usize>) -> Vec<bool> {
        let mut covered = vec![false; self.n_villages];
        for s in sites {
            for &v in self.villages_of(s) {
                covered[v as usize] = true;
            }
        }
        covered
    }
}

/// Check a dense row-major cost matrix.
///
/// # Errors
/// [`Error::InvalidInput`] for a wrong length, an empty matrix, or a NaN or negative entry.
pub fn check_matrix(costs: &[f64], n_demand: usize, n_sites: usize) -> Result<()> {
    check_shape(costs, n_demand, n_sites)?;
    match costs.iter().position(|c| c.is_nan() || *c < 0.0) {
        Some(k) => Err(bad_entry(costs, k, n_sites)),
        None => Ok(()),
    }
}

/// A non-empty matrix of `n_demand × n_sites` values.
fn check_shape(costs: &[f64], n_demand: usize, n_sites: usize) -> Result<()> {
    if n_demand == 0 || n_sites == 0 {
        return Err(Error::param("costs", "the cost matrix is empty; give at least one row and one column"));
    }
    if costs.len() != n_demand * n_sites {
        return Err(Error::param(
            "costs",
            format!("expected {n_demand} × {n_sites} = {} values, got {}", n_demand * n_sites, costs.len()),
        ));
    }
    Ok(())
}

/// The error for the NaN or negative entry at flat index `k`, naming its row and column.
fn bad_entry(costs: &[f64], k: usize, n_sites: usize) -> Error {
    Error::invalid(
        "costs",
        crate::error::Location::row(k / n_sites),
        format!("entry in column {} is {}; costs must be ≥ 0 (use inf for unreachable)", k % n_sites, costs[k]),
    )
}

/// The covered entries of a block of matrix rows, row by row.
struct RowBlock {
    /// Flat index (in the whole matrix) of the block's first NaN or negative entry.
    bad: Option<usize>,
    /// End of each row's entries in `sites` / `dists`.
    ends: Vec<usize>,
    sites: Vec<u32>,
    dists: Vec<f64>,
}

impl RowBlock {
    /// Scan `block` (whole rows of `n_sites` values, the first being row `first_row`).
    fn scan(block: &[f64], first_row: usize, n_sites: usize, radius: f64) -> RowBlock {
        let mut out = RowBlock { bad: None, ends: Vec::new(), sites: Vec::new(), dists: Vec::new() };
        for (i, row) in block.chunks_exact(n_sites).enumerate() {
            // Lanes of LANES entries, each checked and compared without branches (this vectorises);
            // only the lanes with a covered entry are looked at one by one. Few entries are within
            // the radius, so the scan runs at the speed of memory.
            let mut bad = false;
            let mut keep = |base: usize, lane: &[f64]| {
                let mut hits = 0u32;
                for (k, &d) in lane.iter().enumerate() {
                    bad |= d.is_nan() | (d < 0.0);
                    hits |= u32::from(d <= radius) << k;
                }
                while hits != 0 {
                    let k = hits.trailing_zeros() as usize;
                    hits &= hits - 1;
                    out.sites.push((base + k) as u32);
                    out.dists.push(lane[k]);
                }
            };
            let lanes = row.chunks_exact(LANES);
            let tail = lanes.remainder();
            for (l, lane) in lanes.enumerate() {
                keep(l * LANES, lane);
            }
            keep(n_sites - tail.len(), tail);
            if bad {
                let col = row.iter().position(|&d| d.is_nan() || d < 0.0).unwrap_or(0);
                out.bad = Some((first_row + i) * n_sites + col);
                return out;
            }
            out.ends.push(out.sites.len());
        }
        out
    }
}

/// Entries a matrix scan compares at once (at most 32, the bits of its mask).
const LANES: usize = 8;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Crs, Village};

    fn line() -> Instance {
        let v = (0..10)
            .map(|i| Village::new(format!("v{i}"), if i < 5 { "A" } else { "B" }, i as f64 * 1000.0, 0.0, 1.0))
            .collect();
        Instance::from_villages(Crs::Planar, v).unwrap()
    }

    #[test]
    fn radius_and_town_rules() {
        let inst = line();
        let cov = Coverage::build(&inst, 1000.0, false).unwrap();
        assert_eq!(cov.villages_of(4), &[3, 4, 5]);
        let cov = Coverage::build(&inst, 1000.0, true).unwrap();
        assert_eq!(cov.villages_of(4), &[3, 4]);
        assert_eq!(cov.n_pairs(), 10 + 2 * 8);
        for bad in [0.0, -1.0, f64::NAN, f64::INFINITY] {
            assert!(Coverage::build(&inst, bad, true).unwrap_err().to_string().contains("`radius`"));
        }
    }

    #[test]
    fn transpose_is_an_involution_and_matrix_agrees() {
        let inst = line();
        let cov = Coverage::build(&inst, 2500.0, false).unwrap();
        assert_eq!(cov.transpose().transpose(), cov);
        let n = inst.n_villages();
        let m: Vec<f64> = (0..n * n).map(|k| ((k / n) as f64 - (k % n) as f64).abs() * 1000.0).collect();
        assert_eq!(Coverage::from_matrix(&m, n, n, 2500.0).unwrap(), cov);
        assert!(Coverage::from_matrix(&m[1..], n, n, 1.0).unwrap_err().to_string().contains("expected 10 × 10"));
        // The same matrix in compressed sparse columns (all entries stored) gives the same coverage.
        let indptr: Vec<i64> = (0..=n as i64).map(|s| s * n as i64).collect();
        let indices: Vec<i64> = (0..n * n).map(|k| (k % n) as i64).collect();
        let data: Vec<f64> = (0..n * n).map(|k| m[(k % n) * n + k / n]).collect();
        assert_eq!(Coverage::from_csc(n, n, &indptr, &indices, &data, 2500.0).unwrap(), cov);
        let mut dup = indices.clone();
        dup[1] = 0;
        assert!(Coverage::from_csc(n, n, &indptr, &dup, &data, 2500.0)
            .unwrap_err()
            .to_string()
            .contains("appears twice"));
        assert!(Coverage::from_csc(n, n, &indptr[1..], &indices, &data, 2500.0).is_err());
    }

    #[test]
    fn matrix_blocks_agree_with_a_column_by_column_reading() {
        // 200 rows span several row blocks; a few unreachable (infinite) entries.
        let (n, m) = (200, 37);
        let mut state = 11u64;
        let costs: Vec<f64> = (0..n * m)
            .map(|k| {
                state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                if k % 53 == 0 {
                    f64::INFINITY
                } else {
                    (state >> 40) as f64 / 1000.0
                }
            })
            .collect();
        let radius = 2500.0;
        let cov = Coverage::from_matrix(&costs, n, m, radius).unwrap();
        assert_eq!((cov.n_villages(), cov.n_sites()), (n, m));
        // The same from inside pools of one and of three threads (the caller scans blocks too).
        for threads in [1, 3] {
            let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
            assert_eq!(pool.install(|| Coverage::from_matrix(&costs, n, m, radius).unwrap()), cov);
        }
        for s in 0..m {
            let expected: Vec<(u32, f64)> =
                (0..n).filter(|&i| costs[i * m + s] <= radius).map(|i| (i as u32, costs[i * m + s])).collect();
            assert_eq!(cov.pairs_of(s).collect::<Vec<_>>(), expected, "site {s}");
        }
        // The error names the first bad entry in row-major order, even with later blocks also bad.
        let mut bad = costs.clone();
        bad[150 * m + 4] = -1.0;
        bad[70 * m + 9] = f64::NAN;
        bad[70 * m + 20] = -2.0;
        let e = Coverage::from_matrix(&bad, n, m, radius).unwrap_err();
        assert_eq!(e.to_string(), check_matrix(&bad, n, m).unwrap_err().to_string());
        assert!(e.to_string().contains("row 70") && e.to_string().contains("column 9"), "{e}");
        // A bad entry among the last columns, past the scan's whole lanes.
        bad[30 * m + m - 1] = f64::NAN;
        let e = Coverage::from_matrix(&bad, n, m, radius).unwrap_err();
        assert!(e.to_string().contains("row 30") && e.to_string().contains(&format!("column {}", m - 1)), "{e}");
    }
}
