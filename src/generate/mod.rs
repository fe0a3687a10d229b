//! The generator half: the generation prompt for a rubric, repair prompts from what the
//! gates measured, and the loop (`run`) that sends them to a model (`llm`, the only
//! network part) and checks each reply.

pub(crate) mod cache;
pub(crate) mod document;
pub(crate) mod llm;
pub(crate) mod prompt;
pub(crate) mod repair;
pub(crate) mod run;
