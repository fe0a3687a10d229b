//! Small scalar types with their own parsing rules: calendar dates, year-months, and
//! text that may be written as a number (`volume: 56`).

use std::borrow::Cow;
use std::fmt;

use jiff::civil::Date;
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A calendar day written `YYYY-MM-DD`; impossible dates such as `2026-02-30` are rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Day(pub Date);

impl Day {
    pub fn parse(s: &str) -> Result<Day, String> {
        let bytes = s.as_bytes();
        let shape_ok = bytes.len() == 10
            && bytes[4] == b'-'
            && bytes[7] == b'-'
            && bytes
                .iter()
                .enumerate()
                .all(|(i, b)| i == 4 || i == 7 || b.is_ascii_digit());
        if !shape_ok {
            return Err(format!("`{s}` is not a date in the form YYYY-MM-DD"));
        }
        let year: i16 = s[0..4].parse().map_err(|_| format!("`{s}`: bad year"))?;
        let month: i8 = s[5..7].parse().map_err(|_| format!("`{s}`: bad month"))?;
        let day: i8 = s[8..10].parse().map_err(|_| format!("`{s}`: bad day"))?;
        Date::new(year, month, day)
            .map(Day)
            .map_err(|_| format!("`{s}` is not a real calendar date"))
    }
}

impl fmt::Display for Day {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// A month written `YYYY-MM` (tools' `last_update`), or a partial date `YYYY-MM[-DD]`
/// (sources' `date`). `day` is `None` when only the month was given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PartialDate {
    pub year: i16,
    pub month: i8,
    pub day: Option<i8>,
}

impl PartialDate {
    pub fn parse(s: &str) -> Result<PartialDate, String> {
        if s.len() == 10 {
            let d = Day::parse(s)?;
            return Ok(PartialDate {
                year: d.0.year(),
                month: d.0.month(),
                day: Some(d.0.day()),
            });
        }
        let b = s.as_bytes();
        let shape_ok = b.len() == 7
            && b[4] == b'-'
            && b.iter()
                .enumerate()
                .all(|(i, c)| i == 4 || c.is_ascii_digit());
        if !shape_ok {
            return Err(format!(
                "`{s}` is not a date in the form YYYY-MM or YYYY-MM-DD"
            ));
        }
        let year: i16 = s[0..4].parse().map_err(|_| format!("`{s}`: bad year"))?;
        let month: i8 = s[5..7].parse().map_err(|_| format!("`{s}`: bad month"))?;
        if !(1..=12).contains(&month) {
            return Err(format!("`{s}`: month {month} is not between 01 and 12"));
        }
        Ok(PartialDate {
            year,
            month,
            day: None,
        })
    }

    /// The first day the value can denote (the 1st when only the month is known).
    pub fn first_day(&self) -> Date {
        Date::new(self.year, self.month, self.day.unwrap_or(1)).unwrap_or(Date::MIN)
    }
}

impl fmt::Display for PartialDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.day {
            Some(d) => write!(f, "{:04}-{:02}-{:02}", self.year, self.month, d),
            None => write!(f, "{:04}-{:02}", self.year, self.month),
        }
    }
}

/// A `YYYY-MM` month only (tools' `last_update`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct YearMonth(pub PartialDate);

impl YearMonth {
    pub fn parse(s: &str) -> Result<YearMonth, String> {
        if s.len() != 7 {
            return Err(format!("`{s}` is not a month in the form YYYY-MM"));
        }
        PartialDate::parse(s).map(YearMonth)
    }
}

impl fmt::Display for YearMonth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// Visits a scalar that YAML may have typed as a string, integer or float and hands
/// back its text, so `2026-11-01`, `56` and `"56"` all reach the parser as written.
struct ScalarText;

impl Visitor<'_> for ScalarText {
    type Value = String;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string or a number")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
        Ok(v.to_owned())
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<String, E> {
        Ok(v)
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<String, E> {
        Ok(v.to_string())
    }
}

macro_rules! string_backed {
    ($ty:ident, $parse:path, $format:literal, $pattern:literal, $desc:literal) => {
        impl<'de> Deserialize<'de> for $ty {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = d.deserialize_any(ScalarText)?;
                $parse(s.trim()).map_err(de::Error::custom)
            }
        }

        impl Serialize for $ty {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(self)
            }
        }

        impl JsonSchema for $ty {
            fn schema_name() -> Cow<'static, str> {
                stringify!($ty).into()
            }
            fn json_schema(_: &mut SchemaGenerator) -> Schema {
                json_schema!({
                    "type": "string",
                    "format": $format,
                    "pattern": $pattern,
                    "description": $desc
                })
            }
        }
    };
}

string_backed!(
    Day,
    Day::parse,
    "date",
    "^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
    "A calendar date, YYYY-MM-DD"
);
string_backed!(
    PartialDate,
    PartialDate::parse,
    "partial-date",
    "^[0-9]{4}-[0-9]{2}(-[0-9]{2})?$",
    "A month or a day, YYYY-MM or YYYY-MM-DD"
);
string_backed!(
    YearMonth,
    YearMonth::parse,
    "year-month",
    "^[0-9]{4}-[0-9]{2}$",
    "A month, YYYY-MM"
);

/// Text that authors may write as a bare number (`volume: 56`, `edition: 2`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Text(pub String);

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ScalarText).map(Text)
    }
}

impl Serialize for Text {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0.parse::<u64>() {
            Ok(n) if !self.0.starts_with('0') => s.serialize_u64(n),
            _ => s.serialize_str(&self.0),
        }
    }
}

impl JsonSchema for Text {
    fn schema_name() -> Cow<'static, str> {
        "Text".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({ "type": ["string", "number"] })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_are_checked_against_the_calendar() {
        assert!(Day::parse("2026-11-01").is_ok());
        assert!(Day::parse("2024-02-29").is_ok());
        let err = Day::parse("2026-02-30").unwrap_err();
        assert!(err.contains("not a real calendar date"), "{err}");
        assert!(Day::parse("2026-2-3").is_err());
        assert!(Day::parse("yesterday").is_err());
    }

    #[test]
    fn partial_dates_take_a_month_or_a_day() {
        let m = PartialDate::parse("2025-09").unwrap();
        assert_eq!((m.year, m.month, m.day), (2025, 9, None));
        assert_eq!(m.to_string(), "2025-09");
        assert!(PartialDate::parse("2025-13").is_err());
        assert!(YearMonth::parse("2025-09-01").is_err());
        assert_eq!(
            PartialDate::parse("2024-02-29").unwrap().first_day(),
            Date::new(2024, 2, 29).unwrap()
        );
    }
}
