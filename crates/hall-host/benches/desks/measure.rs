//! Percentiles, the live feed's delays, and the CPU each part of the process spent.

use std::collections::{BTreeMap, HashMap};
use std::time::Instant;

/// p50, p99 and max of milliseconds (nearest rank).
pub fn percentiles(v: &mut [f64]) -> Option<(f64, f64, f64)> {
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let at = |p: f64| v[((v.len() as f64 * p).ceil() as usize).clamp(1, v.len()) - 1];
    Some((at(0.5), at(0.99), v[v.len() - 1]))
}

/// A write a desk saw confirmed: its kind as the feed names it, the case, when the answer came.
pub struct Written {
    pub client: usize,
    pub kind: &'static str,
    pub number: String,
    pub answered: Instant,
}

/// One notice as a desk's live feed delivered it.
pub struct Heard {
    pub kind: String,
    pub number: Option<String>,
    pub at: Instant,
}

pub struct FeedDelays {
    /// Answer → notice at each other desk, ms (negative: the notice came first).
    pub per_delivery: Vec<f64>,
    /// Answer → notice at the last of the other desks, ms.
    pub last_desk: Vec<f64>,
    pub missing: usize,
    /// `changed` notices (a desk that fell behind the feed is told to reload).
    pub changed: usize,
}

/// Matches every confirmed write with its notice at every other desk: the k-th notice of a
/// kind for a case is the k-th such write (one desk works a case, the writer runs in order).
pub fn feed_delays(written: &[Written], heard: &[Vec<Heard>]) -> FeedDelays {
    let mut arrivals: Vec<HashMap<(&str, &str, usize), Instant>> = Vec::new();
    let mut changed = 0;
    for desk in heard {
        let mut seen: HashMap<(&str, &str), usize> = HashMap::new();
        let mut at = HashMap::new();
        for h in desk {
            if h.kind == "changed" {
                changed += 1;
            }
            if let Some(n) = &h.number {
                let k = seen.entry((h.kind.as_str(), n.as_str())).or_insert(0);
                at.insert((h.kind.as_str(), n.as_str(), *k), h.at);
                *k += 1;
            }
        }
        arrivals.push(at);
    }
    let ms = |a: Instant, b: Instant| {
        if a >= b {
            (a - b).as_secs_f64() * 1000.0
        } else {
            -((b - a).as_secs_f64() * 1000.0)
        }
    };
    let mut count: HashMap<(&str, &str), usize> = HashMap::new();
    let (mut per_delivery, mut last_desk, mut missing) = (Vec::new(), Vec::new(), 0);
    for w in written {
        let k = count.entry((w.kind, w.number.as_str())).or_insert(0);
        let key = (w.kind, w.number.as_str(), *k);
        *k += 1;
        let mut last: Option<f64> = None;
        for (desk, at) in arrivals.iter().enumerate().filter(|(d, _)| *d != w.client) {
            let _ = desk;
            match at.get(&key) {
                Some(t) => {
                    let d = ms(*t, w.answered);
                    per_delivery.push(d);
                    last = Some(last.map_or(d, |l| l.max(d)));
                }
                None => missing += 1,
            }
        }
        last_desk.extend(last);
    }
    FeedDelays { per_delivery, last_desk, missing, changed }
}

/// CPU seconds (user + system) of this process's threads, by thread id, with their names.
pub fn cpu_by_thread() -> BTreeMap<u32, (String, f64)> {
    let mut by = BTreeMap::new();
    let tick = 100.0; // USER_HZ on Linux
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else { return by };
    for t in tasks.flatten() {
        let Some(tid) = t.file_name().to_str().and_then(|n| n.parse::<u32>().ok()) else { continue };
        let stat = std::fs::read_to_string(t.path().join("stat")).unwrap_or_default();
        let Some((head, rest)) = stat.rsplit_once(") ") else { continue };
        let name = head.split_once(" (").map(|(_, n)| n).unwrap_or("?");
        let fields: Vec<&str> = rest.split_whitespace().collect();
        // After the name: state is field 3, utime 14 and stime 15 (1-based over the whole line).
        let cpu = |i: usize| fields.get(i - 3).and_then(|f| f.parse::<f64>().ok()).unwrap_or(0.0);
        by.insert(tid, (name.to_string(), (cpu(14) + cpu(15)) / tick));
    }
    by
}

/// CPU spent between two readings, by thread name without its number (`hall-reader-3` →
/// `hall-reader`); a thread that ended between them is not counted.
pub fn cpu_spent(before: &BTreeMap<u32, (String, f64)>, after: &BTreeMap<u32, (String, f64)>) -> BTreeMap<String, f64> {
    let mut by = BTreeMap::new();
    for (tid, (name, cpu)) in after {
        let was = before.get(tid).map_or(0.0, |(_, c)| *c);
        let group = name.trim_end_matches(|c: char| c.is_ascii_digit() || c == '-').to_string();
        *by.entry(group).or_insert(0.0) += cpu - was;
    }
    by
}

/// CPU seconds of another process (the host, when it runs apart).
pub fn cpu_of(pid: u32) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let (_, rest) = stat.rsplit_once(") ")?;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let cpu = |i: usize| fields.get(i - 3).and_then(|f| f.parse::<f64>().ok()).unwrap_or(0.0);
    Some((cpu(14) + cpu(15)) / 100.0)
}
