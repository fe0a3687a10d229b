//! Positions in source text, in one place: how a finding's `line`, `col` and `len` map to
//! the bytes of its file, for every output format.
//!
//! The rule (docs/json.md): `line` is 1-based; `col` is 1-based and counts characters
//! (Unicode scalar values) from the start of the line, as rustc and most editors count
//! them, a tab being one character; `len` is the length of the marked text in bytes of
//! UTF-8, and the marked text ends on a character boundary within its line. A line ends
//! at `\n`, and a `\r` before it is not part of it.
//!
//! Producers measure where they can (a parsed value's length, an offset into the file);
//! [`fit`] moves what they give onto the text once, before any format sees it: a column
//! past the end of its line to the line's end, a length that ends inside a character to
//! that character's end, one that runs past its line to the line's end. Renderers then
//! ask [`Lines::resolve`] for the byte range to mark, which is on character boundaries
//! whatever the location holds. [`Resolved::utf16`] gives the UTF-16 columns an editor
//! speaking LSP counts in.

use std::collections::HashMap;
use std::ops::Range;
use std::path::PathBuf;
use std::sync::Arc;

use crate::diagnostic::{Diagnostic, Location};

/// A text with the byte offset of each of its lines, for lookups in constant time.
#[derive(Debug, Clone)]
pub struct Lines<'t> {
    text: &'t str,
    /// Where each line starts: 0, and one past every `\n`.
    starts: Vec<usize>,
}

impl<'t> Lines<'t> {
    pub fn new(text: &'t str) -> Lines<'t> {
        let mut starts = Vec::with_capacity(text.len() / 40 + 1);
        starts.push(0);
        starts.extend(newline_offsets(text).map(|i| i + 1));
        Lines { text, starts }
    }

    /// How many lines the text has (as [`str::lines`] counts them: a final `\n` starts
    /// no line).
    pub fn count(&self) -> usize {
        if self.text.is_empty() || self.text.ends_with('\n') {
            self.starts.len() - 1
        } else {
            self.starts.len()
        }
    }

    /// Line `line` (1-based) without its line end, and the byte offset it starts at.
    pub fn line(&self, line: u32) -> Option<(&'t str, usize)> {
        let i = usize::try_from(line).ok()?.checked_sub(1)?;
        if i >= self.count() {
            return None;
        }
        let start = self.starts[i];
        let end = self.starts.get(i + 1).map_or(self.text.len(), |&s| s - 1);
        let text = &self.text[start..end];
        Some((text.strip_suffix('\r').unwrap_or(text), start))
    }

    /// The 1-based line and character column of byte `offset` (moved back to the start of
    /// the character it falls in; clamped to the end of the text).
    pub fn line_col(&self, offset: usize) -> (u32, u32) {
        let offset = floor_char(self.text, offset);
        let i = self.starts.partition_point(|&s| s <= offset) - 1;
        let start = self.starts[i];
        let col = self.text[start..offset].chars().count() + 1;
        (to_u32(i + 1), to_u32(col))
    }

    /// The byte offset of an LSP position: 0-based `line`, `character` in UTF-16 code
    /// units (moved back to the start of a character it falls inside; clamped to the end of
    /// its line). `None` when the line is past the end of the text.
    pub fn offset_utf16(&self, line: u32, character: u32) -> Option<usize> {
        let i = usize::try_from(line).ok()?;
        let start = *self.starts.get(i)?;
        let end = self.starts.get(i + 1).map_or(self.text.len(), |&s| s - 1);
        let text = &self.text[start..end];
        let text = text.strip_suffix('\r').unwrap_or(text);
        let mut units = 0;
        for (b, c) in text.char_indices() {
            let next = units + c.len_utf16();
            if next > character as usize {
                return Some(start + b);
            }
            units = next;
        }
        Some(start + text.len())
    }

    /// The LSP position of byte `offset`: 0-based line, UTF-16 column.
    pub fn position_utf16(&self, offset: usize) -> (u32, u32) {
        let offset = floor_char(self.text, offset);
        let i = self.starts.partition_point(|&s| s <= offset) - 1;
        let start = self.starts[i];
        let col = self.text[start..offset].encode_utf16().count();
        (to_u32(i), to_u32(col))
    }

    /// Where `loc` stands in this text, on character boundaries; `None` when its line is
    /// unknown or past the end of the text.
    pub fn resolve(&self, loc: &Location) -> Option<Resolved<'t>> {
        if loc.line == 0 {
            return None;
        }
        let (text, line_start) = self.line(loc.line)?;
        let start = byte_of_char(text, loc.col.saturating_sub(1) as usize);
        let end = if loc.len == 0 {
            // No length known: the one character at the column.
            text[start..]
                .chars()
                .next()
                .map_or(start, |c| start + c.len_utf8())
        } else {
            ceil_char(text, start.saturating_add(loc.len as usize).min(text.len()))
        };
        Some(Resolved {
            line: loc.line,
            line_text: text,
            line_start,
            bytes: start..end,
        })
    }
}

/// A location resolved against its line: what renderers mark.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved<'t> {
    /// 1-based line number.
    pub line: u32,
    /// The line's text, without its line end.
    pub line_text: &'t str,
    /// The byte offset of the line in the file.
    pub line_start: usize,
    /// The marked bytes within `line_text`, both ends on character boundaries.
    pub bytes: Range<usize>,
}

impl Resolved<'_> {
    /// The 1-based character column the mark starts at.
    pub fn col(&self) -> u32 {
        to_u32(self.line_text[..self.bytes.start].chars().count() + 1)
    }

    /// The 1-based character column just past the mark.
    pub fn end_col(&self) -> u32 {
        to_u32(self.line_text[..self.bytes.end].chars().count() + 1)
    }

    /// The mark as 0-based UTF-16 code unit offsets within the line, as LSP positions
    /// count them (`character` of a `Position`).
    pub fn utf16(&self) -> Range<u32> {
        let units = |s: &str| to_u32(s.encode_utf16().count());
        let start = units(&self.line_text[..self.bytes.start]);
        start..start + units(&self.line_text[self.bytes.clone()])
    }
}

/// `loc` moved onto `lines` by the rule of this module: its column at most one past the
/// end of its line, its length ending on a character boundary within the line. A
/// location with no line, or a line past the end of the text, is left as it is.
pub fn fit(loc: &mut Location, lines: &Lines<'_>) {
    let Some(r) = lines.resolve(loc) else {
        return;
    };
    if loc.col > 0 {
        loc.col = r.col();
    }
    if loc.len > 0 {
        loc.len = to_u32(r.bytes.len());
    }
}

/// The [`Lines`] of a set of files, built on first use: resolves the locations of many
/// findings against their files with one pass over each file.
pub struct Index<'t> {
    texts: &'t HashMap<PathBuf, Arc<str>>,
    lines: HashMap<&'t PathBuf, Lines<'t>>,
}

impl<'t> Index<'t> {
    pub fn new(texts: &'t HashMap<PathBuf, Arc<str>>) -> Index<'t> {
        Index {
            texts,
            lines: HashMap::new(),
        }
    }

    /// The lines of `file`, when its text is known.
    pub fn lines(&mut self, file: &PathBuf) -> Option<&Lines<'t>> {
        let texts = self.texts;
        let (path, text) = texts.get_key_value(file)?;
        Some(self.lines.entry(path).or_insert_with(|| Lines::new(text)))
    }

    /// [`Lines::resolve`] in `loc`'s file.
    pub fn resolve(&mut self, loc: &Location) -> Option<Resolved<'t>> {
        if loc.line == 0 {
            return None;
        }
        self.lines(&loc.file)?.resolve(loc)
    }

    /// [`fit`] in `loc`'s file.
    pub fn fit(&mut self, loc: &mut Location) {
        if loc.line == 0 {
            return;
        }
        if let Some(lines) = self.lines(&loc.file) {
            fit(loc, lines);
        }
    }
}

/// Every location of `diags` (notes included) fitted to the text of its file in `texts`.
pub(crate) fn fit_all<'a>(
    diags: impl Iterator<Item = &'a mut Diagnostic>,
    texts: &HashMap<PathBuf, Arc<str>>,
) {
    let mut index = Index::new(texts);
    for d in diags {
        if let Some(l) = d.location.as_mut() {
            index.fit(l);
        }
        for n in &mut d.notes {
            if let Some(l) = n.location.as_mut() {
                index.fit(l);
            }
        }
    }
}

fn newline_offsets(text: &str) -> impl Iterator<Item = usize> + '_ {
    text.bytes()
        .enumerate()
        .filter_map(|(i, b)| (b == b'\n').then_some(i))
}

/// The byte offset of character `n` (0-based) of `line`, or its length past the end.
fn byte_of_char(line: &str, n: usize) -> usize {
    line.char_indices().nth(n).map_or(line.len(), |(i, _)| i)
}

/// `i` moved back to the start of the character it falls in.
pub(crate) fn floor_char(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// `i` moved on to the end of the character it falls in.
pub(crate) fn ceil_char(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i += 1;
    }
    i
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_positions_round_trip() {
        // `é` is one UTF-16 unit, `😀` two; `\r\n` ends the first line.
        let text = "aé😀b\r\nxy";
        let lines = Lines::new(text);
        assert_eq!(lines.offset_utf16(0, 0), Some(0));
        assert_eq!(lines.offset_utf16(0, 2), Some(3));
        assert_eq!(
            lines.offset_utf16(0, 3),
            Some(3),
            "inside the surrogate pair"
        );
        assert_eq!(lines.offset_utf16(0, 4), Some(7));
        assert_eq!(lines.offset_utf16(0, 99), Some(8), "clamped before the \\r");
        assert_eq!(lines.offset_utf16(1, 1), Some(11));
        assert_eq!(lines.offset_utf16(2, 0), None);
        assert_eq!(lines.position_utf16(7), (0, 4));
        assert_eq!(lines.position_utf16(11), (1, 1));
    }

    fn loc(line: u32, col: u32, len: u32) -> Location {
        Location {
            file: PathBuf::from("x.md"),
            line,
            col,
            len,
        }
    }

    #[test]
    fn lines_count_as_str_lines_does() {
        for text in ["", "a", "a\n", "a\nb", "a\r\nb\r\n", "\n\n", "✅ x\n中文\n"] {
            let lines = Lines::new(text);
            let expected: Vec<&str> = text.lines().collect();
            assert_eq!(lines.count(), expected.len(), "{text:?}");
            for (i, l) in expected.iter().enumerate() {
                assert_eq!(lines.line(i as u32 + 1).map(|p| p.0), Some(*l), "{text:?}");
            }
            assert_eq!(lines.line(expected.len() as u32 + 1), None);
            assert_eq!(lines.line(0), None);
        }
    }

    #[test]
    fn a_one_byte_length_on_an_emoji_marks_the_whole_character() {
        let lines = Lines::new("✅ **26 Q&As Generated**\n");
        let r = lines.resolve(&loc(1, 1, 1)).unwrap();
        assert_eq!(r.bytes, 0..3);
        assert_eq!((r.col(), r.end_col()), (1, 2));
        // No length: one character.
        assert_eq!(lines.resolve(&loc(1, 1, 0)).unwrap().bytes, 0..3);
    }

    #[test]
    fn columns_count_characters_and_spans_stay_in_their_line() {
        let lines = Lines::new("中国人民银行 (2021)\r\nnext");
        // Column 3 is `人`, bytes 6..9; 4 bytes run into `民`, which is then marked whole.
        let r = lines.resolve(&loc(1, 3, 4)).unwrap();
        assert_eq!(r.bytes, 6..12);
        assert_eq!(r.line_text, "中国人民银行 (2021)");
        // A length past the line's end stops at it (the `\r` is not part of the line).
        let r = lines.resolve(&loc(1, 8, 99)).unwrap();
        assert_eq!(&r.line_text[r.bytes.clone()], "(2021)");
        // A column past the end is the end.
        let r = lines.resolve(&loc(1, 40, 2)).unwrap();
        assert_eq!(r.bytes, r.line_text.len()..r.line_text.len());
        assert!(lines.resolve(&loc(3, 1, 1)).is_none());
        assert!(lines.resolve(&loc(0, 1, 1)).is_none());
    }

    #[test]
    fn utf16_counts_surrogate_pairs() {
        // `🔴` is one character, four bytes, two UTF-16 code units.
        let lines = Lines::new("🔴 Åkerstedt −50%");
        let r = lines.resolve(&loc(1, 3, "Åkerstedt".len() as u32)).unwrap();
        assert_eq!(&r.line_text[r.bytes.clone()], "Åkerstedt");
        assert_eq!(r.col(), 3);
        assert_eq!(r.utf16(), 3..12);
    }

    #[test]
    fn fit_moves_a_location_onto_the_text() {
        let lines = Lines::new("Åkerstedt, T.\n");
        let mut l = loc(1, 1, 1);
        fit(&mut l, &lines);
        assert_eq!((l.col, l.len), (1, 2));
        let mut l = loc(1, 50, 3);
        fit(&mut l, &lines);
        assert_eq!((l.col, l.len), (14, 0));
        // Unknown parts stay unknown.
        let mut l = loc(1, 0, 0);
        fit(&mut l, &lines);
        assert_eq!((l.col, l.len), (0, 0));
        let mut l = loc(9, 4, 2);
        fit(&mut l, &lines);
        assert_eq!((l.line, l.col, l.len), (9, 4, 2));
    }

    #[test]
    fn line_col_counts_characters_and_never_splits_one() {
        let lines = Lines::new("ab\n中文x\n");
        assert_eq!(lines.line_col(0), (1, 1));
        assert_eq!(lines.line_col(3), (2, 1));
        assert_eq!(lines.line_col(6), (2, 2));
        // Inside `文`: its start.
        assert_eq!(lines.line_col(7), (2, 2));
        assert_eq!(lines.line_col(9), (2, 3));
        assert_eq!(lines.line_col(8), (2, 2));
        // Past the final line end: the line after it, as an editor shows it.
        assert_eq!(lines.line_col(99), (3, 1));
    }
}
