//! `--shard K/N`: the K-th of N deterministic shares of the inputs, so a repository that
//! outgrows one CI runner spreads over its CI's own job matrix.

use std::fmt;
use std::str::FromStr;

/// Shard `index` (1-based) of `count`: the inputs at positions `index - 1`,
/// `index - 1 + count`, ... of the sorted input list. Every shard sees the same list, so
/// the shards together hold each input exactly once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    index: usize,
    count: usize,
}

impl Shard {
    pub fn new(index: usize, count: usize) -> Result<Shard, String> {
        if count == 0 || index == 0 || index > count {
            return Err(format!(
                "shard {index}/{count} does not exist: K/N needs 1 <= K <= N"
            ));
        }
        Ok(Shard { index, count })
    }

    /// The first shard also reports the problems not tied to one input.
    pub fn is_first(self) -> bool {
        self.index == 1
    }

    /// This shard's share of `items`, in their order.
    pub fn take<T>(self, items: Vec<T>) -> Vec<T> {
        items
            .into_iter()
            .enumerate()
            .filter(|(i, _)| i % self.count == self.index - 1)
            .map(|(_, t)| t)
            .collect()
    }
}

impl FromStr for Shard {
    type Err = String;

    fn from_str(s: &str) -> Result<Shard, String> {
        let (k, n) = s
            .split_once('/')
            .ok_or_else(|| format!("`{s}` is not K/N (e.g. `2/4`)"))?;
        let num = |x: &str| {
            x.trim()
                .parse::<usize>()
                .map_err(|_| format!("`{s}` is not K/N (e.g. `2/4`)"))
        };
        Shard::new(num(k)?, num(n)?)
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_split_every_item_once_in_order() {
        let items: Vec<u32> = (0..10).collect();
        let mut seen = Vec::new();
        for k in 1..=3 {
            let part = Shard::new(k, 3).unwrap().take(items.clone());
            assert!(part.windows(2).all(|w| w[0] < w[1]));
            seen.extend(part);
        }
        seen.sort();
        assert_eq!(seen, items);
        assert_eq!(Shard::new(2, 3).unwrap().take(items), [1, 4, 7]);
    }

    #[test]
    fn parses_k_of_n() {
        assert_eq!("2/4".parse::<Shard>().unwrap(), Shard::new(2, 4).unwrap());
        assert_eq!("2/4".parse::<Shard>().unwrap().to_string(), "2/4");
        for bad in ["0/4", "5/4", "1/0", "2", "a/b", "-1/3"] {
            assert!(bad.parse::<Shard>().is_err(), "{bad}");
        }
    }
}
