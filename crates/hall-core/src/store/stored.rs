//! Reading what the hall stored. Rows are read by column name (the SQL aliases its columns so
//! names stay unambiguous across joins), and a stored key, date or time stamp the hall does not
//! know is an error naming the table, the row and the value: a default would quietly turn a
//! damaged case into a different one.

use std::fmt::Display;

use chrono::{NaiveDate, NaiveDateTime};
use rusqlite::types::Type;
use rusqlite::Row;

use crate::error::{ErrorCode, HallError};

/// The message for a stored value the hall cannot read; logged, since it means the file was
/// changed outside the hall or by a bug.
pub(crate) fn unknown(table: &str, row: impl Display, column: &str, value: &str) -> HallError {
    let value = crate::validate::clip(value, 40);
    log::error!("unknown stored value: {table} row {row} {column} = {value:?}");
    HallError::new(
        ErrorCode::Storage,
        format!("数据库内容有误：{table} 表第 {row} 行的 {column} 为“{value}”，不是已知的值"),
    )
}

/// Carries a [`HallError`] out of a rusqlite row closure; `From<rusqlite::Error>` unwraps it.
pub(crate) fn carry(e: HallError) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(0, Type::Text, Box::new(e))
}

/// One row of one table, for reading its checked columns. `row` is what the message calls the
/// row (its id, or rowid for tables keyed by code).
pub(crate) struct At<'r, 's> {
    r: &'r Row<'s>,
    table: &'static str,
    row: i64,
    prefix: &'static str,
}

impl<'r, 's> At<'r, 's> {
    /// `id_column` is the (aliased) column of `r` holding the row's id.
    pub fn new(r: &'r Row<'s>, table: &'static str, id_column: &str) -> rusqlite::Result<Self> {
        Ok(Self { r, table, row: r.get(id_column)?, prefix: "" })
    }

    /// In a join this table's columns are aliased `{prefix}{column}` (`item_kind`); the message
    /// names the table's own column (`kind`).
    pub fn aliased(self, prefix: &'static str) -> Self {
        Self { prefix, ..self }
    }

    /// The error for `value` read from `column` of this row.
    pub fn unknown(&self, column: &str, value: &str) -> rusqlite::Error {
        carry(unknown(self.table, self.row, column.strip_prefix(self.prefix).unwrap_or(column), value))
    }

    /// A stored key parsed by `parse` (`CaseState::parse`, …); unknown keys are an error.
    pub fn key<T, E>(&self, column: &str, parse: impl FnOnce(&str) -> Result<T, E>) -> rusqlite::Result<T> {
        let s: String = self.r.get(column)?;
        parse(&s).map_err(|_| self.unknown(column, &s))
    }

    /// Like [`At::key`] for a column that may be NULL.
    pub fn key_opt<T, E>(&self, column: &str, parse: impl FnOnce(&str) -> Result<T, E>) -> rusqlite::Result<Option<T>> {
        let s: Option<String> = self.r.get(column)?;
        s.map(|s| parse(&s).map_err(|_| self.unknown(column, &s))).transpose()
    }

    /// A stored key whose parser answers `Option`.
    pub fn known<T>(&self, column: &str, parse: impl FnOnce(&str) -> Option<T>) -> rusqlite::Result<T> {
        self.key(column, |s| parse(s).ok_or(()))
    }

    /// A stored `YYYY-MM-DD` date.
    pub fn date(&self, column: &str) -> rusqlite::Result<NaiveDate> {
        self.key(column, parse_date)
    }

    /// A stored text kept as text in the answer, checked with `check` (a date, a time stamp).
    pub fn checked<T, E>(&self, column: &str, check: impl FnOnce(&str) -> Result<T, E>) -> rusqlite::Result<String> {
        let s: String = self.r.get(column)?;
        check(&s).map_err(|_| self.unknown(column, &s))?;
        Ok(s)
    }

    pub fn checked_opt<T, E>(
        &self,
        column: &str,
        check: impl FnOnce(&str) -> Result<T, E>,
    ) -> rusqlite::Result<Option<String>> {
        let s: Option<String> = self.r.get(column)?;
        if let Some(s) = &s {
            check(s).map_err(|_| self.unknown(column, s))?;
        }
        Ok(s)
    }

    /// A stored date kept as text in the answer, checked that it is one.
    pub fn date_text(&self, column: &str) -> rusqlite::Result<String> {
        self.checked(column, parse_date)
    }

    pub fn date_text_opt(&self, column: &str) -> rusqlite::Result<Option<String>> {
        self.checked_opt(column, parse_date)
    }

    /// A stored time stamp (see [`parse_stamp`]).
    pub fn stamp(&self, column: &str) -> rusqlite::Result<NaiveDateTime> {
        self.key(column, parse_stamp)
    }
}

pub(crate) fn parse_date(s: &str) -> Result<NaiveDate, chrono::ParseError> {
    s.parse::<NaiveDate>()
}

/// The hall writes time stamps as `%Y-%m-%d %H:%M:%S` (`fmt_ts`).
pub(crate) fn parse_stamp(s: &str) -> Result<NaiveDateTime, chrono::ParseError> {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S")
}

/// A key stored under its serde name (`UnitLevel`, `DeliveryMethod`, …), for [`At::key`].
pub(crate) fn serde_key<T: serde::de::DeserializeOwned>(s: &str) -> Result<T, serde_json::Error> {
    serde_json::from_value(serde_json::Value::String(s.to_string()))
}
