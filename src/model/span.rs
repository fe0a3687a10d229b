//! Source positions carried by model values: `Sp<T>` wraps a value with where it was written.

use std::borrow::Cow;
use std::fmt;

use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Index of a file in a [`crate::model::Sources`] table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub struct FileId(pub u32);

/// A 1-based line and column plus the byte offset of a value in its file.
/// `line == 0` means "unknown position".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub struct Pos {
    pub line: u32,
    pub col: u32,
    pub offset: u32,
}

impl Pos {
    pub const UNKNOWN: Pos = Pos {
        line: 0,
        col: 0,
        offset: 0,
    };

    pub fn new(line: u32, col: u32, offset: u32) -> Pos {
        Pos { line, col, offset }
    }

    pub fn is_known(self) -> bool {
        self.line > 0
    }

    pub(crate) fn from_location(loc: &serde_saphyr::Location) -> Pos {
        if loc.line() == 0 {
            return Pos::UNKNOWN;
        }
        let offset = loc.span().byte_offset().unwrap_or(0);
        Pos {
            line: u32::try_from(loc.line()).unwrap_or(u32::MAX),
            col: u32::try_from(loc.column()).unwrap_or(u32::MAX),
            offset: u32::try_from(offset).unwrap_or(u32::MAX),
        }
    }
}

/// A value with the position it was written at. Serializes and describes itself
/// (JSON Schema) exactly as the inner value; equality ignores the position so that
/// two banks with the same content compare equal wherever their values stand.
#[derive(Clone)]
pub struct Sp<T> {
    pub value: T,
    pub pos: Pos,
}

impl<T> Sp<T> {
    pub fn new(value: T, pos: Pos) -> Sp<T> {
        Sp { value, pos }
    }

    /// A value made by the program (import, scaffolding) with no file position.
    pub fn bare(value: T) -> Sp<T> {
        Sp {
            value,
            pos: Pos::UNKNOWN,
        }
    }
}

impl<T: Default> Default for Sp<T> {
    fn default() -> Self {
        Sp::bare(T::default())
    }
}

impl<T> std::ops::Deref for Sp<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

impl<T: PartialEq> PartialEq for Sp<T> {
    fn eq(&self, other: &Self) -> bool {
        self.value == other.value
    }
}

impl<T: Eq> Eq for Sp<T> {}

impl<T: fmt::Debug> fmt::Debug for Sp<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.value.fmt(f)
    }
}

impl<T: fmt::Display> fmt::Display for Sp<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.value.fmt(f)
    }
}

impl<T: Serialize> Serialize for Sp<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.value.serialize(s)
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Sp<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let spanned = serde_saphyr::Spanned::<T>::deserialize(d)?;
        Ok(Sp {
            value: spanned.value,
            pos: Pos::from_location(&spanned.referenced),
        })
    }
}

impl<T: JsonSchema> JsonSchema for Sp<T> {
    fn schema_name() -> Cow<'static, str> {
        T::schema_name()
    }

    fn schema_id() -> Cow<'static, str> {
        T::schema_id()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        T::json_schema(generator)
    }

    fn inline_schema() -> bool {
        T::inline_schema()
    }
}
