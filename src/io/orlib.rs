//! Reader for J.E. Beasley's OR-Library p-median instances (`pmed1` … `pmed40`).

use std::path::Path;

use rayon::prelude::*;

use crate::error::{Error, Result};
use crate::solve::CostMatrix;

/// Largest vertex count accepted (the dense n × n matrix of 20,000 vertices takes 3.2 GB).
pub const MAX_VERTICES: usize = 20_000;

/// Below this many vertices Floyd–Warshall runs serially.
const FW_PARALLEL_THRESHOLD: usize = 256;

/// Read an OR-Library p-median file (`pmedN.txt`) into its shortest-path cost matrix and `p`.
///
/// The format is the one of Beasley (1985, "A note on solving large p-median problems", EJOR 21)
/// as distributed in OR-Library (Beasley 1990, JORS 41): a header `n m p` (vertices, edges,
/// medians), then `m` lines `i j c`, an undirected edge between the 1-based vertices `i` and `j`
/// with cost `c`. The matrix starts at `c(i,i) = 0` and `∞` elsewhere; the edges are read in
/// file order and **a later duplicate edge overrides an earlier one** (OR-Library's `pmedinfo`
/// note, credited to Prof. Avella — "first edge wins" gives wrong optima, e.g. 5718 instead of
/// 5819 for pmed1). Floyd–Warshall then turns edge costs into shortest-path distances. Every vertex
/// is both a demand point (weight 1) and a candidate site.
///
/// # Arguments
/// * `path`: the file to read.
///
/// # Returns
/// The n × n shortest-path [`CostMatrix`] and the number of medians `p` from the header.
///
/// # Errors
/// * [`Error::Io`] when the file cannot be read.
/// * [`Error::Parse`] with the 1-based line number for malformed text: see
///   [`read_orlib_pmed_str`].
///
/// # Complexity
/// O(n³) time for a cache-blocked Floyd–Warshall (vectorised row updates; rows split over the
/// rayon pool for n ≥ 256, and the result does not depend on the thread count), O(n²) space.
///
/// # Examples
/// ```no_run
/// use villageplan::io::read_orlib_pmed;
/// let (costs, p) = read_orlib_pmed("tests/data/orlib/pmed1.txt").unwrap();
/// assert_eq!((costs.n_demand(), p), (100, 5));
/// ```
pub fn read_orlib_pmed(path: impl AsRef<Path>) -> Result<(CostMatrix, usize)> {
    let path = path.as_ref();
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path.display().to_string(), e))?;
    read_orlib_pmed_str(&text, &path.display().to_string())
}

/// Parse the text of an OR-Library p-median file; see [`read_orlib_pmed`] for the format.
///
/// # Arguments
/// * `text`: the whole file.
/// * `what`: a name for error messages (usually the file name).
///
/// # Returns
/// The shortest-path [`CostMatrix`] and `p`.
///
/// # Errors
/// [`Error::Parse`] naming `what` and the 1-based line for: an empty text; a header without
/// exactly three non-negative integers, with `n = 0`, `n` above [`MAX_VERTICES`] or `p` outside
/// `1..=n`; an edge line without exactly three tokens; a vertex that is not an integer in
/// `1..=n`; a cost that is not a finite number ≥ 0; fewer or more edge lines than `m`. Blank lines
/// are skipped. Never panics.
///
/// # Complexity
/// O(n³ + m) time, O(n²) space.
///
/// # Examples
/// ```
/// use villageplan::io::read_orlib_pmed_str;
/// // A path 1 - 2 - 3; the edge 1-2 is given twice and the later cost (4) wins.
/// let (c, p) = read_orlib_pmed_str("3 3 1\n1 2 7\n2 3 5\n1 2 4\n", "toy").unwrap();
/// assert_eq!(p, 1);
/// assert_eq!(c.row(0), &[0.0, 4.0, 9.0]);
/// let e = read_orlib_pmed_str("3 1 1\n1 9 2\n", "toy").unwrap_err();
/// assert_eq!(e.to_string(), "could not read toy at line 2: vertex 9 is out of range 1..=3");
/// ```
pub fn read_orlib_pmed_str(text: &str, what: &str) -> Result<(CostMatrix, usize)> {
    let err = |line: usize, reason: String| Error::Parse { what: what.to_string(), line: Some(line), reason };
    let mut lines = text.lines().enumerate().map(|(k, l)| (k + 1, l)).filter(|(_, l)| !l.trim().is_empty());
    let Some((hline, header)) = lines.next() else {
        return Err(Error::Parse { what: what.to_string(), line: None, reason: "the text is empty".into() });
    };
    let tokens: Vec<&str> = header.split_ascii_whitespace().collect();
    if tokens.len() != 3 {
        return Err(err(hline, format!("expected a header `n m p` (3 numbers), found {} tokens", tokens.len())));
    }
    let int = |t: &str, name: &str, line: usize| -> Result<usize> {
        t.parse::<usize>().map_err(|_| err(line, format!("{name} `{t}` is not a non-negative integer")))
    };
    let n = int(tokens[0], "vertex count n", hline)?;
    let m = int(tokens[1], "edge count m", hline)?;
    let p = int(tokens[2], "median count p", hline)?;
    if n == 0 {
        return Err(err(hline, "the vertex count n is 0".into()));
    }
    if n > MAX_VERTICES {
        return Err(err(hline, format!("n = {n} vertices is above the supported {MAX_VERTICES} (dense n × n matrix)")));
    }
    if p == 0 || p > n {
        return Err(err(hline, format!("p = {p} must be in 1..={n}")));
    }
    let mut d = vec![f64::INFINITY; n * n];
    for i in 0..n {
        d[i * n + i] = 0.0;
    }
    let mut read = 0usize;
    for (line, l) in lines {
        if read == m {
            return Err(err(line, format!("more edge lines than the m = {m} of the header")));
        }
        let t: Vec<&str> = l.split_ascii_whitespace().collect();
        if t.len() != 3 {
            return Err(err(line, format!("expected an edge `i j c` (3 numbers), found {} tokens", t.len())));
        }
        let vertex = |s: &str| -> Result<usize> {
            let v = s.parse::<usize>().map_err(|_| err(line, format!("vertex `{s}` is not a positive integer")))?;
            if v == 0 || v > n {
                return Err(err(line, format!("vertex {v} is out of range 1..={n}")));
            }
            Ok(v - 1)
        };
        let (i, j) = (vertex(t[0])?, vertex(t[1])?);
        let c: f64 = t[2].parse().map_err(|_| err(line, format!("cost `{}` is not a number", t[2])))?;
        if !c.is_finite() || c < 0.0 {
            return Err(err(line, format!("cost {c} must be a finite number ≥ 0")));
        }
        if i != j {
            // Later lines override earlier ones (OR-Library convention), so plain assignment.
            d[i * n + j] = c;
            d[j * n + i] = c;
        }
        read += 1;
    }
    if read < m {
        let last = text.lines().count();
        return Err(err(last.max(1), format!("the text ends after {read} of the m = {m} edge lines")));
    }
    floyd_warshall(&mut d, n);
    Ok((CostMatrix::new(d, n, n)?, p))
}

/// Pivots per block of the blocked Floyd–Warshall.
const FW_BLOCK: usize = 64;

/// `row[j] = min(row[j], dik + pivot[j])`, written as a select so that it vectorises.
#[inline]
fn relax(row: &mut [f64], dik: f64, pivot: &[f64]) {
    for (x, &y) in row.iter_mut().zip(pivot) {
        let via = dik + y;
        *x = if via < *x { via } else { *x };
    }
}

/// All-pairs shortest paths in place on a dense row-major n × n matrix (Floyd 1962, Warshall
/// 1962), blocked for the cache in the spirit of Venkataraman, Sahni & Mukhopadhyaya (2003, "A
/// blocked all-pairs shortest-paths algorithm", JEA 8).
///
/// Pivots are taken in blocks of [`FW_BLOCK`]. The block's own rows are first relaxed through its
/// pivots in order (standard Floyd–Warshall on those rows); then every other row is relaxed
/// through the block's pivots while it stays in L1 and the pivot rows stay in L2, so the matrix
/// is streamed n / 64 times instead of n times. Relaxing with pivot rows that already include
/// later pivots of the same block only lowers values to lengths of real paths, so the result is
/// exactly the shortest-path matrix. `min` is exact, so the parallel split over rows gives the
/// same result on any thread count.
fn floyd_warshall(d: &mut [f64], n: usize) {
    let mut pivots = vec![0.0; FW_BLOCK * n];
    for kb in (0..n).step_by(FW_BLOCK) {
        let ke = (kb + FW_BLOCK).min(n);
        // The block's rows through the block's pivots, in order.
        for k in kb..ke {
            let (before, rest) = d.split_at_mut(k * n);
            let (row_k, after) = rest.split_at_mut(n);
            for i in kb..ke {
                let row = match i.cmp(&k) {
                    std::cmp::Ordering::Less => &mut before[i * n..(i + 1) * n],
                    std::cmp::Ordering::Greater => &mut after[(i - k - 1) * n..(i - k) * n],
                    std::cmp::Ordering::Equal => continue,
                };
                let dik = row[k];
                if dik.is_finite() {
                    relax(row, dik, row_k);
                }
            }
        }
        let width = ke - kb;
        pivots[..width * n].copy_from_slice(&d[kb * n..ke * n]);
        let piv = &pivots[..width * n];
        let update = |(i, row): (usize, &mut [f64])| {
            if (kb..ke).contains(&i) {
                return;
            }
            for k in kb..ke {
                let dik = row[k];
                if dik.is_finite() {
                    relax(row, dik, &piv[(k - kb) * n..(k - kb + 1) * n]);
                }
            }
        };
        if n >= FW_PARALLEL_THRESHOLD {
            d.par_chunks_mut(n).enumerate().with_min_len(8).for_each(update);
        } else {
            d.chunks_mut(n).enumerate().for_each(update);
        }
    }
}

/// Parse an OR-Library optimum table such as `pmedopt.txt`: lines `name value`, with an optional
/// header line first.
///
/// # Arguments
/// * `text`: the table.
/// * `what`: a name for error messages.
///
/// # Returns
/// `(name, value)` pairs in file order.
///
/// # Errors
/// [`Error::Parse`] with the line number for a line (other than the first) that is not a name
/// followed by one number.
///
/// # Complexity
/// O(length of the text).
///
/// # Examples
/// ```
/// use villageplan::io::read_orlib_optima_str;
/// let t = read_orlib_optima_str("Data file   Optimal solution value\npmed1 5819\npmed2 4093\n", "pmedopt").unwrap();
/// assert_eq!(t, vec![("pmed1".to_string(), 5819.0), ("pmed2".to_string(), 4093.0)]);
/// ```
pub fn read_orlib_optima_str(text: &str, what: &str) -> Result<Vec<(String, f64)>> {
    let mut out = Vec::new();
    for (k, l) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let t: Vec<&str> = l.split_ascii_whitespace().collect();
        let value = if t.len() == 2 { t[1].parse::<f64>().ok().filter(|v| v.is_finite()) } else { None };
        match value {
            Some(v) => out.push((t[0].to_string(), v)),
            None if out.is_empty() && k == first_nonblank(text) => {} // header
            None => {
                return Err(Error::Parse {
                    what: what.to_string(),
                    line: Some(k + 1),
                    reason: format!("expected `name value`, found `{}`", l.trim()),
                })
            }
        }
    }
    Ok(out)
}

fn first_nonblank(text: &str) -> usize {
    text.lines().position(|l| !l.trim().is_empty()).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_err(text: &str) -> (Option<usize>, String) {
        match read_orlib_pmed_str(text, "t") {
            Err(Error::Parse { line, reason, .. }) => (line, reason),
            other => panic!("expected a parse error, got {other:?}"),
        }
    }

    #[test]
    fn shortest_paths_and_last_duplicate_wins() {
        let (c, p) = read_orlib_pmed_str("4 4 2\n1 2 1\n2 3 1\n3 4 1\n1 2 10\n", "t").unwrap();
        assert_eq!(p, 2);
        assert_eq!(c.row(0), &[0.0, 10.0, 11.0, 12.0]);
        assert_eq!(c.row(3), &[12.0, 2.0, 1.0, 0.0]);
        // Disconnected vertices stay unreachable.
        let (c, _) = read_orlib_pmed_str("3 1 1\n1 2 3\n", "t").unwrap();
        assert_eq!(c.get(0, 2), f64::INFINITY);
        assert_eq!(c.get(2, 2), 0.0);
    }

    #[test]
    fn parallel_floyd_warshall_matches_serial() {
        // A ring of 300 vertices with chords: large enough to take the parallel path.
        let n = 300;
        let mut text = format!("{n} {} 5\n", 2 * n);
        for i in 0..n {
            text += &format!("{} {} {}\n", i + 1, (i + 1) % n + 1, 1 + i % 7);
            text += &format!("{} {} {}\n", i + 1, (i * 37) % n + 1, 5 + i % 11);
        }
        let (c, _) = read_orlib_pmed_str(&text, "ring").unwrap();
        // Bellman–Ford style check: d(0, j) ≤ d(0, i) + w(i, j) for every edge, and symmetric.
        for i in 0..n {
            for j in 0..n {
                assert_eq!(c.get(i, j), c.get(j, i));
                assert!(c.get(0, j) <= c.get(0, i) + c.get(i, j));
            }
        }
    }

    #[test]
    fn malformed_inputs_are_parse_errors_with_lines() {
        assert_eq!(parse_err("").0, None);
        assert_eq!(parse_err("3 1\n").0, Some(1));
        assert!(parse_err("3 x 1\n").1.contains("`x`"));
        assert!(parse_err("0 0 1\n").1.contains("n is 0"));
        assert!(parse_err("3 0 4\n").1.contains("p = 4"));
        assert!(parse_err("3 0 0\n").1.contains("p = 0"));
        assert!(parse_err("99999999 0 1\n").1.contains("above"));
        assert_eq!(
            parse_err("3 2 1\n1 2 3\n\n2 3\n"),
            (Some(4), "expected an edge `i j c` (3 numbers), found 2 tokens".into())
        );
        assert!(parse_err("3 1 1\n1 2 -3\n").1.contains("≥ 0"));
        assert!(parse_err("3 1 1\n1 2 inf\n").1.contains("finite"));
        assert!(parse_err("3 1 1\n1 2 abc\n").1.contains("`abc`"));
        assert!(parse_err("3 1 1\n0 2 1\n").1.contains("out of range"));
        assert!(parse_err("3 1 1\n-1 2 1\n").1.contains("`-1`"));
        assert!(parse_err("3 1 1\n1.5 2 1\n").1.contains("`1.5`"));
        assert_eq!(parse_err("3 2 1\n1 2 1\n").0, Some(2));
        assert_eq!(parse_err("3 1 1\n1 2 1\n2 3 1\n").0, Some(3));
    }

    #[test]
    fn optima_table() {
        let t = read_orlib_optima_str("head er\n\npmed1 5819\npmed2 4093\n", "x").unwrap();
        assert_eq!(t.len(), 2);
        assert!(read_orlib_optima_str("pmed1 5819\nbad line here\n", "x").is_err());
    }
}
