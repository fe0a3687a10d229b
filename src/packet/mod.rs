//! Interview packets: choosing the questions for a role, a time budget and a difficulty
//! mix (`select`). Rendering the chosen questions as sheets is `render::packet`'s.

pub(crate) mod select;

pub(crate) use select::{Request, Selection, Shortfall};

fn gcd(a: u32, b: u32) -> u32 {
    if b == 0 { a } else { gcd(b, a % b) }
}

/// The rubric's target shares as small whole weights (0.2/0.4/0.4 → 1:2:2).
pub(crate) fn default_mix(bank: &crate::model::Bank) -> [u32; 3] {
    let w = crate::model::Difficulty::ALL
        .map(|d| (bank.rubric.difficulty.share(d) * 100.0).round() as u32);
    let g = w.iter().copied().fold(0, gcd).max(1);
    w.map(|x| x / g)
}
