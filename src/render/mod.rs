//! Rendering a bank as documents: the spec's markdown (`markdown`, with APA references
//! from `apa`), and `outline`, the heading structure and Contents links shared with
//! gate 20's link check.

pub(crate) mod apa;
pub(crate) mod highlight;
pub mod html;
pub mod markdown;
pub(crate) mod packet;
pub mod page;
