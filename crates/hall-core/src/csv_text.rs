//! The CSV files the hall hands back to the county (list and catalog exports), written in memory
//! in the same form their readers take.

/// `headers` then `rows`, as UTF-8 CSV text.
pub(crate) fn write<R, F>(headers: &[&str], rows: R) -> String
where
    R: IntoIterator<Item = F>,
    F: IntoIterator,
    F::Item: AsRef<[u8]>,
{
    let mut w = csv::Writer::from_writer(Vec::new());
    let written = w.write_record(headers).and_then(|_| rows.into_iter().try_for_each(|r| w.write_record(r)));
    written.expect("writing CSV into memory does not fail");
    String::from_utf8(w.into_inner().expect("an in-memory writer flushes")).expect("CSV of UTF-8 text is UTF-8")
}
