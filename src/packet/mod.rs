//! Interview packets: choosing the questions for a role, a time budget and a difficulty
//! mix (`select`). Rendering the chosen questions as sheets is `render::packet`'s.

pub(crate) mod select;

pub(crate) use select::{Request, Selection, Shortfall};
