//! Plausible pinyin place names for the synthetic county: town names from two or three
//! syllables ("Longquan Town") and village names from a surname and a settlement word
//! ("Zhangjiazhuang" 张家庄, "Dongliuzhai" 东刘寨).
//!
//! Every list starts with a consonant after its first syllable, so the joined names read without
//! the apostrophes pinyin would need before a vowel.

use std::collections::HashSet;

use rand::RngExt;
use rand_chacha::ChaCha8Rng;

/// Common Chinese surnames (pinyin), the first part of most village names.
const SURNAMES: [&str; 100] = [
    "Zhang", "Wang", "Li", "Zhao", "Liu", "Chen", "Yang", "Huang", "Zhou", "Wu", "Xu", "Sun", "Ma", "Zhu", "Hu", "Guo",
    "He", "Gao", "Lin", "Luo", "Zheng", "Liang", "Xie", "Song", "Tang", "Han", "Feng", "Deng", "Cao", "Peng", "Zeng",
    "Xiao", "Tian", "Dong", "Pan", "Yuan", "Cai", "Jiang", "Yu", "Du", "Ye", "Cheng", "Wei", "Su", "Ding", "Ren", "Lu",
    "Yao", "Shen", "Zhong", "Cui", "Tan", "Fan", "Jin", "Shi", "Liao", "Jia", "Xia", "Fu", "Fang", "Bai", "Zou",
    "Meng", "Xiong", "Qin", "Qiu", "Hou", "Yin", "Xue", "Yan", "Duan", "Lei", "Long", "Tao", "Mao", "Hao", "Gu",
    "Gong", "Shao", "Wan", "Qian", "Dai", "Mo", "Kong", "Xiang", "Chang", "Niu", "Ge", "Geng", "Guan", "Miao", "Ning",
    "Qi", "Zhai", "Lou", "Bi", "Chu", "Ji", "Mu", "Pang",
];

/// Settlement words that follow the surname: 家庄 jiazhuang, 庄 zhuang, 村 cun, 寨 zhai, 屯 tun, …
const SETTLEMENTS: [&str; 26] = [
    "jiazhuang",
    "jiazhuang",
    "jiazhuang",
    "zhuang",
    "zhuang",
    "jiacun",
    "cun",
    "zhai",
    "jiazhai",
    "tun",
    "jiatun",
    "ying",
    "dian",
    "jiadian",
    "gou",
    "jiagou",
    "wa",
    "jiawa",
    "po",
    "jiapo",
    "ling",
    "qiao",
    "jiaqiao",
    "miao",
    "lou",
    "fang",
];

/// Position words put in front of some village names: 东 Dong, 西 Xi, 南 Nan, 北 Bei, 大 Da, …
const PREFIXES: [&str; 12] = ["Dong", "Xi", "Nan", "Bei", "Da", "Xiao", "Qian", "Hou", "Shang", "Xia", "Xin", "Zhong"];

/// First syllables of town names.
const TOWN_FIRST: [&str; 36] = [
    "Long", "Feng", "Shi", "Huang", "Bai", "Jin", "Xin", "Ping", "Gao", "Tai", "Qing", "He", "Lin", "Shan", "Yang",
    "Jia", "Zhu", "Chang", "Yong", "Fu", "Guang", "Bao", "Xiang", "Wu", "Pan", "Hong", "Sang", "Tao", "Lu", "Mei",
    "Cao", "Xiao", "Dong", "Xi", "Nan", "Bei",
];

/// Second (and third) syllables of town names.
const TOWN_NEXT: [&str; 28] = [
    "shan", "he", "qiao", "tai", "quan", "gou", "ling", "kou", "zhuang", "dian", "ji", "tun", "po", "yuan", "lou",
    "fang", "ying", "wan", "hu", "zhou", "gang", "cheng", "tang", "lin", "ze", "bu", "hai", "mu",
];

/// The county-seat subdistrict (城关街道), always town 0.
pub(crate) const COUNTY_SEAT_TOWN: &str = "Chengguan Subdistrict";

fn pick<'a>(rng: &mut ChaCha8Rng, list: &[&'a str]) -> &'a str {
    list[rng.random_range(0..list.len())]
}

fn capitalize_join(parts: &[&str]) -> String {
    let mut s = String::new();
    for (i, p) in parts.iter().enumerate() {
        if i == 0 {
            s.push_str(p);
        } else {
            s.push_str(&p.to_lowercase());
        }
    }
    s
}

/// `n` unique town names: town 0 is [`COUNTY_SEAT_TOWN`], the others "<Name> Town".
///
/// Tries random two-syllable names, then three-syllable ones, then numbers a two-syllable name,
/// so the result is unique for any `n`.
pub(crate) fn town_names(rng: &mut ChaCha8Rng, n: usize) -> Vec<String> {
    let mut out = Vec::with_capacity(n);
    let mut used: HashSet<String> = HashSet::with_capacity(n);
    if n == 0 {
        return out;
    }
    out.push(COUNTY_SEAT_TOWN.to_string());
    used.insert(COUNTY_SEAT_TOWN.to_string());
    used.insert("Chengguan Town".to_string());
    for _ in 1..n {
        let mut name = None;
        for attempt in 0..40 {
            let a = pick(rng, &TOWN_FIRST);
            let b = pick(rng, &TOWN_NEXT);
            if a.eq_ignore_ascii_case(b) {
                continue;
            }
            let stem =
                if attempt < 10 { capitalize_join(&[a, b]) } else { capitalize_join(&[a, b, pick(rng, &TOWN_NEXT)]) };
            let candidate = format!("{stem} Town");
            if !used.contains(&candidate) {
                name = Some(candidate);
                break;
            }
        }
        let name = name.unwrap_or_else(|| {
            let stem = capitalize_join(&[pick(rng, &TOWN_FIRST), pick(rng, &TOWN_NEXT)]);
            (2..).map(|k| format!("{stem} {k} Town")).find(|c| !used.contains(c)).unwrap_or_default()
        });
        used.insert(name.clone());
        out.push(name);
    }
    out
}

/// One village name for each entry of `town_of` (the town index of each village).
///
/// Names are unique within a town always, and across the county while the name space (about
/// 30,000 combinations) is far from exhausted; otherwise a repeated name gets a number
/// ("Zhangjiazhuang 2") to stay unique within its town.
pub(crate) fn village_names(rng: &mut ChaCha8Rng, town_of: &[u32], n_towns: usize) -> Vec<String> {
    const NAME_SPACE: usize = SURNAMES.len() * 23 * (PREFIXES.len() + 1);
    let mut global: HashSet<String> = HashSet::new();
    let mut per_town: Vec<HashSet<String>> = vec![HashSet::new(); n_towns];
    let mut out = Vec::with_capacity(town_of.len());
    for &t in town_of {
        let t = t as usize;
        let want_global = global.len() < NAME_SPACE / 2;
        let mut chosen = None;
        let mut last = String::new();
        for _ in 0..12 {
            let surname = pick(rng, &SURNAMES);
            let settlement = pick(rng, &SETTLEMENTS);
            let prefix = if rng.random::<f64>() < 0.25 { Some(pick(rng, &PREFIXES)) } else { None };
            let name = if let Some(prefix) = prefix.filter(|&p| p != surname) {
                capitalize_join(&[prefix, surname, settlement])
            } else {
                capitalize_join(&[surname, settlement])
            };
            let free = !per_town[t].contains(&name) && (!want_global || !global.contains(&name));
            if free {
                chosen = Some(name);
                break;
            }
            last = name;
        }
        let name = match chosen {
            Some(n) => n,
            None => (2..).map(|k| format!("{last} {k}")).find(|c| !per_town[t].contains(c)).unwrap_or_default(),
        };
        if want_global {
            global.insert(name.clone());
        }
        per_town[t].insert(name.clone());
        out.push(name);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn syllable_lists_have_no_accidental_duplicates() {
        let s: HashSet<&str> = SURNAMES.iter().copied().collect();
        assert_eq!(s.len(), SURNAMES.len());
        let p: HashSet<&str> = PREFIXES.iter().copied().collect();
        assert_eq!(p.len(), PREFIXES.len());
        let f: HashSet<&str> = TOWN_FIRST.iter().copied().collect();
        assert_eq!(f.len(), TOWN_FIRST.len());
        let n: HashSet<&str> = TOWN_NEXT.iter().copied().collect();
        assert_eq!(n.len(), TOWN_NEXT.len());
    }

    #[test]
    fn names_are_unique_even_when_many() {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let towns = town_names(&mut rng, 3000);
        assert_eq!(towns[0], COUNTY_SEAT_TOWN);
        let set: HashSet<&String> = towns.iter().collect();
        assert_eq!(set.len(), 3000);
        assert!(towns[1..].iter().all(|t| t.ends_with(" Town")));

        let town_of: Vec<u32> = (0..6000u32).map(|i| i / 3000).collect();
        let names = village_names(&mut rng, &town_of, 2);
        for t in 0..2 {
            let set: HashSet<&String> = names[t * 3000..(t + 1) * 3000].iter().collect();
            assert_eq!(set.len(), 3000);
        }
        let small = village_names(&mut rng, &[0; 300], 1);
        assert_eq!(small.iter().collect::<HashSet<_>>().len(), 300);
        assert!(small.iter().all(|n| n.chars().next().is_some_and(|c| c.is_ascii_uppercase())));
    }
}
