//! JSON Schemas (draft-07, what yaml-language-server reads) generated from the model types.

use schemars::generate::SchemaSettings;
use schemars::{JsonSchema, Schema};

use crate::model::{BankMeta, GlossaryEntry, Question, Rubric, Source, Tool};

/// Every schema the project ships, as (file name, pretty JSON with a final newline).
pub(crate) fn all() -> Vec<(&'static str, String)> {
    vec![
        ("bank.schema.json", render::<BankMeta>("qbank bank.yaml")),
        ("question.schema.json", render::<Question>("qbank question")),
        (
            "glossary.schema.json",
            render::<Vec<GlossaryEntry>>("qbank glossary"),
        ),
        ("tools.schema.json", render::<Vec<Tool>>("qbank tools")),
        (
            "sources.schema.json",
            render::<Vec<Source>>("qbank literature and citations"),
        ),
        ("rubric.schema.json", render::<Rubric>("qbank rubric")),
    ]
}

fn render<T: JsonSchema>(title: &str) -> String {
    let generator = SchemaSettings::draft07().into_generator();
    let mut schema: Schema = generator.into_root_schema_for::<T>();
    schema.insert("title".to_owned(), title.into());
    let mut out = serde_json::to_string_pretty(&schema).expect("schemas serialize");
    out.push('\n');
    out
}
