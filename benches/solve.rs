use std::time::Instant;
fn main() {
    for k in [40, 38, 35] {
        let t = Instant::now();
        let (c, p) = villageplan::io::read_orlib_pmed(format!("tests/data/orlib/pmed{k}.txt")).unwrap();
        println!("pmed{k} n={} p={p} read {:.3}s", c.n_demand(), t.elapsed().as_secs_f64());
    }
}
