//! Readers for capacitated p-median benchmark instances: Osman & Christofides (OR-Library
//! `pmedcap1`) and Lorena & Senne / Stefanello (`SJC*.dat`, `p3038_*.dat`, TSPLIB-based files).

use std::path::Path;

use crate::error::{Error, Result};
use crate::solve::CostMatrix;

/// Largest point count accepted (the dense n × n matrix of 20,000 points takes 3.2 GB).
pub const MAX_POINTS: usize = 20_000;

/// A capacitated p-median instance: every point is a demand row and a candidate median.
#[derive(Debug, Clone, PartialEq)]
pub struct CpmpInstance {
    /// The n × n distance matrix (floor(Euclidean) for Osman–Christofides, Euclidean for Lorena).
    pub costs: CostMatrix,
    /// Number of medians.
    pub p: usize,
    /// Demand of each point.
    pub demand: Vec<f64>,
    /// Capacity of each point, should it be chosen as a median.
    pub capacity: Vec<f64>,
    /// Best known (optimal) value from the file header, when the format has one.
    pub best_known: Option<f64>,
}

fn read_file(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).map_err(|e| Error::io(path.display().to_string(), e))
}

/// Read an Osman & Christofides capacitated p-median file (one OR-Library `pmedcap1` block).
///
/// Format (Osman & Christofides 1994, "Capacitated clustering problems by hybrid simulated
/// annealing and tabu search", ITOR 1; OR-Library): a line `problem_number best_known_value`, a
/// line `n p Q`, then n lines `id x y demand` with ids 1..n in order. Every point has capacity `Q`.
/// The distance is **floor(Euclidean)**, as in the published optima (e.g. 713 for problem 1).
///
/// # Arguments
/// * `path`: the file to read.
///
/// # Returns
/// A [`CpmpInstance`] with the floor-Euclidean matrix, `p`, the demands, `Q` per point and the
/// best known value of the header.
///
/// # Errors
/// [`Error::Io`] when the file cannot be read; [`Error::Parse`] with the line for malformed text
/// (see [`read_cpmp_osman_str`]).
///
/// # Complexity
/// O(n²) time and space.
///
/// # Examples
/// ```no_run
/// use villageplan::io::read_cpmp_osman;
/// let inst = read_cpmp_osman("tests/data/cpmp/pmedcap1_01.txt").unwrap();
/// assert_eq!((inst.costs.n_demand(), inst.p), (50, 5));
/// ```
pub fn read_cpmp_osman(path: impl AsRef<Path>) -> Result<CpmpInstance> {
    let path = path.as_ref();
    read_cpmp_osman_str(&read_file(path)?, &path.display().to_string())
}

/// Parse the text of an Osman & Christofides block; see [`read_cpmp_osman`] for the format.
///
/// # Arguments
/// * `text`: the whole block (blank lines are skipped; CRLF accepted).
/// * `what`: a name for error messages (usually the file name).
///
/// # Returns
/// The [`CpmpInstance`].
///
/// # Errors
/// [`Error::Parse`] naming `what` and the 1-based line for: an empty text; a header line without
/// two numbers; a size line without three numbers, with `n = 0` or above [`MAX_POINTS`], `p`
/// outside `1..=n` or a negative or non-finite `Q`; a point line without four numbers, an id out
/// of order, a non-finite coordinate or a negative demand; fewer or more point lines than `n`.
///
/// # Complexity
/// O(n²) time and space.
///
/// # Examples
/// ```
/// use villageplan::io::read_cpmp_osman_str;
/// let inst = read_cpmp_osman_str("1 7\n3 1 10\n1 0 0 2\n2 3 4 5\n3 1 1 1\n", "toy").unwrap();
/// assert_eq!(inst.p, 1);
/// assert_eq!(inst.costs.row(0), &[0.0, 5.0, 1.0]); // floor(√2) = 1
/// assert_eq!(inst.capacity, vec![10.0; 3]);
/// assert_eq!(inst.best_known, Some(7.0));
/// let e = read_cpmp_osman_str("1 7\n2 1 10\n1 0 0 2\n", "toy").unwrap_err();
/// assert_eq!(e.to_string(), "could not read toy: expected 2 point lines, found 1");
/// ```
pub fn read_cpmp_osman_str(text: &str, what: &str) -> Result<CpmpInstance> {
    let mut lines = Lines::new(text, what);
    let (hl, head) = lines.next_tokens("a header `problem best_known`")?;
    if head.len() != 2 {
        return Err(
            lines.err(hl, format!("expected a header `problem best_known` (2 numbers), found {} tokens", head.len()))
        );
    }
    let best = lines.num(head[1], "best known value", hl)?;
    let (sl, size) = lines.next_tokens("a line `n p Q`")?;
    if size.len() != 3 {
        return Err(lines.err(sl, format!("expected a line `n p Q` (3 numbers), found {} tokens", size.len())));
    }
    let n = lines.int(size[0], "point count n", sl)?;
    let p = lines.int(size[1], "median count p", sl)?;
    let q = lines.num(size[2], "capacity Q", sl)?;
    lines.check_size(n, p, sl)?;
    if q < 0.0 {
        return Err(lines.err(sl, format!("capacity Q = {q} is negative")));
    }
    let mut xy = Vec::with_capacity(n);
    let mut demand = Vec::with_capacity(n);
    for k in 0..n {
        let Some((l, t)) = lines.next_line() else {
            return Err(lines.end_err(format!("expected {n} point lines, found {k}")));
        };
        if t.len() != 4 {
            return Err(lines.err(l, format!("expected a point `id x y demand` (4 numbers), found {} tokens", t.len())));
        }
        let id = lines.int(t[0], "id", l)?;
        if id != k + 1 {
            return Err(lines.err(l, format!("point id {id} out of order; expected {}", k + 1)));
        }
        xy.push((lines.num(t[1], "x", l)?, lines.num(t[2], "y", l)?));
        demand.push(lines.demand(t[3], l)?);
    }
    if let Some((l, _)) = lines.next_line() {
        return Err(lines.err(l, format!("more point lines than the n = {n} of the header")));
    }
    let costs = euclid(&xy, true)?;
    Ok(CpmpInstance { costs, p, demand, capacity: vec![q; n], best_known: Some(best) })
}

/// Read a Lorena & Senne capacitated p-median file (`SJC1.dat`, `p3038_600.dat`, the TSPLIB-based
/// files of Stefanello et al.).
///
/// Format (Lorena & Senne 2004, "A column generation approach to capacitated p-median
/// problems", Computers & OR 31; Stefanello, de Araújo & Müller 2015, ITOR 22): a line `n p`,
/// then n lines `x y capacity demand`, separated by spaces or tabs, CRLF or LF line ends. The
/// distance is the real Euclidean distance (coordinates in UTM metres for SJC).
///
/// # Arguments
/// * `path`: the file to read.
///
/// # Returns
/// A [`CpmpInstance`] (no best known value).
///
/// # Errors
/// [`Error::Io`] when the file cannot be read; [`Error::Parse`] with the line for malformed text
/// (see [`read_cpmp_lorena_str`]).
///
/// # Complexity
/// O(n²) time and space.
///
/// # Examples
/// ```no_run
/// use villageplan::io::read_cpmp_lorena;
/// let inst = read_cpmp_lorena("../shared/benchmarks/cpmp/lorena_sjc/SJC1.dat").unwrap();
/// assert_eq!((inst.costs.n_demand(), inst.p), (100, 10));
/// ```
pub fn read_cpmp_lorena(path: impl AsRef<Path>) -> Result<CpmpInstance> {
    let path = path.as_ref();
    read_cpmp_lorena_str(&read_file(path)?, &path.display().to_string())
}

/// Parse the text of a Lorena & Senne file; see [`read_cpmp_lorena`] for the format.
///
/// # Arguments
/// * `text`: the whole file (blank lines are skipped).
/// * `what`: a name for error messages.
///
/// # Returns
/// The [`CpmpInstance`].
///
/// # Errors
/// [`Error::Parse`] naming `what` and the 1-based line for: an empty text; a header without two
/// numbers, with `n = 0` or above [`MAX_POINTS`] or `p` outside `1..=n`; a point line without
/// four numbers, a non-finite coordinate, a negative or non-finite capacity or demand; fewer or
/// more point lines than `n`.
///
/// # Complexity
/// O(n²) time and space.
///
/// # Examples
/// ```
/// use villageplan::io::read_cpmp_lorena_str;
/// let inst = read_cpmp_lorena_str("2\t1\t\t\r\n0 0 10 4\r\n3\t4\t10\t6\r\n", "toy").unwrap();
/// assert_eq!(inst.costs.row(0), &[0.0, 5.0]);
/// assert_eq!(inst.demand, vec![4.0, 6.0]);
/// let e = read_cpmp_lorena_str("2 1\n0 0 10\n", "toy").unwrap_err();
/// assert_eq!(
///     e.to_string(),
///     "could not read toy at line 2: expected a point `x y capacity demand` (4 numbers), found 3 tokens"
/// );
/// ```
pub fn read_cpmp_lorena_str(text: &str, what: &str) -> Result<CpmpInstance> {
    let mut lines = Lines::new(text, what);
    let (hl, head) = lines.next_tokens("a header `n p`")?;
    if head.len() != 2 {
        return Err(lines.err(hl, format!("expected a header `n p` (2 numbers), found {} tokens", head.len())));
    }
    let n = lines.int(head[0], "point count n", hl)?;
    let p = lines.int(head[1], "median count p", hl)?;
    lines.check_size(n, p, hl)?;
    let mut xy = Vec::with_capacity(n);
    let mut demand = Vec::with_capacity(n);
    let mut capacity = Vec::with_capacity(n);
    for k in 0..n {
        let Some((l, t)) = lines.next_line() else {
            return Err(lines.end_err(format!("expected {n} point lines, found {k}")));
        };
        if t.len() != 4 {
            return Err(
                lines.err(l, format!("expected a point `x y capacity demand` (4 numbers), found {} tokens", t.len()))
            );
        }
        xy.push((lines.num(t[0], "x", l)?, lines.num(t[1], "y", l)?));
        let cap = lines.num(t[2], "capacity", l)?;
        if cap < 0.0 {
            return Err(lines.err(l, format!("capacity {cap} is negative")));
        }
        capacity.push(cap);
        demand.push(lines.demand(t[3], l)?);
    }
    if let Some((l, _)) = lines.next_line() {
        return Err(lines.err(l, format!("more point lines than the n = {n} of the header")));
    }
    let costs = euclid(&xy, false)?;
    Ok(CpmpInstance { costs, p, demand, capacity, best_known: None })
}

/// Dense Euclidean matrix, floored when `floor`.
fn euclid(xy: &[(f64, f64)], floor: bool) -> Result<CostMatrix> {
    CostMatrix::from_fn(xy.len(), xy.len(), |i, j| {
        let d = (xy[i].0 - xy[j].0).hypot(xy[i].1 - xy[j].1);
        if floor {
            d.floor()
        } else {
            d
        }
    })
}

/// Non-blank lines with their 1-based numbers, split on whitespace.
struct Lines<'a> {
    it: Box<dyn Iterator<Item = (usize, Vec<&'a str>)> + 'a>,
    what: &'a str,
}

impl<'a> Lines<'a> {
    fn new(text: &'a str, what: &'a str) -> Self {
        let it = text
            .lines()
            .enumerate()
            .map(|(k, l)| (k + 1, l.split_ascii_whitespace().collect::<Vec<_>>()))
            .filter(|(_, t)| !t.is_empty());
        Self { it: Box::new(it), what }
    }

    fn next_line(&mut self) -> Option<(usize, Vec<&'a str>)> {
        self.it.next()
    }

    fn next_tokens(&mut self, expected: &str) -> Result<(usize, Vec<&'a str>)> {
        self.it.next().ok_or_else(|| self.end_err(format!("the text ends before {expected}")))
    }

    fn err(&self, line: usize, reason: String) -> Error {
        Error::Parse { what: self.what.to_string(), line: Some(line), reason }
    }

    fn end_err(&self, reason: String) -> Error {
        Error::Parse { what: self.what.to_string(), line: None, reason }
    }

    fn int(&self, t: &str, name: &str, line: usize) -> Result<usize> {
        t.parse::<usize>().map_err(|_| self.err(line, format!("{name} `{t}` is not a non-negative integer")))
    }

    fn num(&self, t: &str, name: &str, line: usize) -> Result<f64> {
        match t.parse::<f64>() {
            Ok(v) if v.is_finite() => Ok(v),
            _ => Err(self.err(line, format!("{name} `{t}` is not a finite number"))),
        }
    }

    fn demand(&self, t: &str, line: usize) -> Result<f64> {
        let d = self.num(t, "demand", line)?;
        if d < 0.0 {
            return Err(self.err(line, format!("demand {d} is negative")));
        }
        Ok(d)
    }

    fn check_size(&self, n: usize, p: usize, line: usize) -> Result<()> {
        if n == 0 {
            return Err(self.err(line, "the point count n is 0".into()));
        }
        if n > MAX_POINTS {
            return Err(
                self.err(line, format!("n = {n} points is above the supported {MAX_POINTS} (dense n × n matrix)"))
            );
        }
        if p == 0 || p > n {
            return Err(self.err(line, format!("p = {p} must be in 1..={n}")));
        }
        Ok(())
    }
}
