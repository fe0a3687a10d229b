//! The document as a flat list of top-level blocks, read from pulldown-cmark's events
//! with their byte offsets: headings, paragraphs, lists (with item ranges), tables (with
//! cell ranges), code blocks (with language and content range), HTML blocks, rules.

use std::ops::Range;

use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag, TagEnd};

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Kind {
    Heading(u8),
    Paragraph,
    List,
    Table,
    Code(String),
    Html,
    Rule,
    /// A block quote (`> ...`), read by the reader it sits in.
    Quote,
    Other,
}

#[derive(Debug, Clone)]
pub(crate) struct Block {
    pub kind: Kind,
    /// The whole block in the document.
    pub range: Range<usize>,
    /// List items (top level only).
    pub items: Vec<Range<usize>>,
    /// Table rows (the header first), each a list of cell ranges.
    pub rows: Vec<Vec<Range<usize>>>,
    /// A code block's content.
    pub inner: Range<usize>,
}

impl Block {
    pub(crate) fn new(kind: Kind, range: Range<usize>) -> Block {
        Block {
            kind,
            inner: range.start..range.start,
            range,
            items: Vec::new(),
            rows: Vec::new(),
        }
    }
}

pub(crate) fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH
}

/// Splits `text` into its top-level blocks.
pub(crate) fn blocks(text: &str) -> Vec<Block> {
    let mut out: Vec<Block> = Vec::new();
    let mut depth = 0usize;
    let mut cur: Option<Block> = None;
    let mut code_start: Option<usize> = None;
    let mut code_end = 0usize;
    for (ev, range) in Parser::new_ext(text, options()).into_offset_iter() {
        let range = range.start.min(text.len())..range.end.min(text.len());
        match ev {
            Event::Start(tag) => {
                if depth == 0 {
                    let kind = match &tag {
                        Tag::Heading { level, .. } => Kind::Heading(*level as u8),
                        Tag::Paragraph => Kind::Paragraph,
                        Tag::List(_) => Kind::List,
                        Tag::Table(_) => Kind::Table,
                        Tag::CodeBlock(CodeBlockKind::Fenced(lang)) => Kind::Code(
                            lang.split_whitespace()
                                .next()
                                .unwrap_or_default()
                                .to_owned(),
                        ),
                        Tag::CodeBlock(CodeBlockKind::Indented) => Kind::Code(String::new()),
                        Tag::HtmlBlock => Kind::Html,
                        Tag::BlockQuote(_) => Kind::Quote,
                        _ => Kind::Other,
                    };
                    cur = Some(Block::new(kind, range.clone()));
                    code_start = None;
                } else if let Some(b) = cur.as_mut() {
                    match &tag {
                        Tag::Item if depth == 1 && b.kind == Kind::List => {
                            b.items.push(range.clone());
                        }
                        Tag::TableHead | Tag::TableRow if depth == 1 => b.rows.push(Vec::new()),
                        Tag::TableCell if depth == 2 => {
                            if let Some(r) = b.rows.last_mut() {
                                r.push(range.clone());
                            }
                        }
                        _ => {}
                    }
                }
                depth += 1;
            }
            Event::End(end) => {
                depth = depth.saturating_sub(1);
                if depth == 0
                    && let Some(mut b) = cur.take()
                {
                    if matches!(end, TagEnd::CodeBlock) {
                        b.inner = match code_start {
                            Some(s) => s..code_end,
                            None => b.range.start..b.range.start,
                        };
                    }
                    out.push(b);
                }
            }
            Event::Text(_) if depth == 1 => {
                if let Some(b) = cur.as_ref()
                    && matches!(b.kind, Kind::Code(_))
                {
                    if code_start.is_none() {
                        code_start = Some(range.start);
                    }
                    code_end = range.end;
                }
            }
            Event::Rule if depth == 0 => out.push(Block::new(Kind::Rule, range)),
            _ if depth == 0 => out.push(Block::new(Kind::Other, range)),
            _ => {}
        }
    }
    out
}
