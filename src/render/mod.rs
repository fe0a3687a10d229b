//! Rendering a bank as documents. `outline` is the document's heading structure and
//! its Contents links, shared by the renderer and by gate 20's link check.

pub mod outline;
