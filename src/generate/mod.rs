//! The generator half: the generation prompt for a rubric, repair prompts from what the
//! gates measured, and the loop that sends them to a model and checks each reply.

pub mod document;
pub mod llm;
pub mod prompt;
pub mod repair;
