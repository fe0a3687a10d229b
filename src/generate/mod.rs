//! The generator half: the generation prompt for a rubric, repair prompts from what the
//! gates measured, and the loop (`run`) that sends them to a model (`llm`, the only
//! network part) and checks each reply.

// The loop and its reply cache serve `generate`, which needs `net` to reach a model.
#[cfg_attr(not(feature = "net"), allow(dead_code))]
pub(crate) mod cache;
pub(crate) mod document;
#[cfg(feature = "net")]
pub(crate) mod llm;
pub(crate) mod prompt;
pub(crate) mod repair;
#[cfg_attr(not(feature = "net"), allow(dead_code))]
pub(crate) mod run;
#[cfg_attr(not(feature = "net"), allow(dead_code))]
pub(crate) mod sources;
#[cfg_attr(not(feature = "net"), allow(dead_code))]
pub(crate) mod summary;
