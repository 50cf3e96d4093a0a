//! Hostile input against a real hall: a real SQLite file, the app's own request surface
//! (`api::dispatch`) and the store behind it. The inputs are data files under `tests/hostile/`:
//! ID numbers, credit codes, free text, catalog files and calendar files (see each file's header
//! for its format).
//!
//! For every input: either a clear Chinese error (a message with Chinese in it, short, with no
//! control or invisible characters of its own) and the database exactly as it was before — every
//! table's rows and the event log's last id — or the input is stored and read back exactly, as
//! data. Never a panic: each call runs under `catch_unwind` and a panic is reported as a failure
//! naming the input. All failures are collected and reported together.

use std::collections::BTreeMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use chrono::{NaiveDate, NaiveDateTime};
use hall_core::api::{dispatch, Reply, Request};
use hall_core::catalog::{CaseKind, CatalogFile, CatalogItem};
use hall_core::intake::{IntakeOutcome, IntakeRequest, Party, PartyKind};
use hall_core::lifecycle::{Action, Role};
use hall_core::privacy::{mask_address, mask_id};
use hall_core::store::{ActParams, CaseDetail, NewUser, SessionUser};
use hall_core::{validate, HallError, Result, Store};
use rusqlite::types::ValueRef;

const TODAY: &str = "2026-11-22";

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/hostile")
}

fn today() -> NaiveDate {
    TODAY.parse().unwrap()
}

/// What a line of the corpus expects.
#[derive(Debug, Clone)]
enum Expect {
    Ok,
    /// Refused with a message containing this.
    Err(String),
}

struct Line {
    no: usize,
    expect: Expect,
    input: String,
}

/// `EXPECTATION<TAB>JSON string` lines; `#` starts a comment.
fn lines(file: &str) -> Vec<Line> {
    let text = std::fs::read_to_string(corpus().join(file)).unwrap();
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.starts_with('#') && !l.trim().is_empty())
        .map(|(i, l)| {
            let (expect, json) = l.split_once('\t').unwrap_or_else(|| panic!("{file}:{}: no tab", i + 1));
            let expect = match expect {
                "ok" => Expect::Ok,
                e => Expect::Err(e.strip_prefix("err:").unwrap_or_else(|| panic!("{file}:{}: {e}", i + 1)).into()),
            };
            let input: String = serde_json::from_str(json).unwrap_or_else(|e| panic!("{file}:{}: {e}", i + 1));
            Line { no: i + 1, expect, input }
        })
        .collect()
}

/// A short, printable name for an input in a failure report.
fn show(s: &str) -> String {
    format!("{:?}", validate::clip(s, 40))
}

fn is_cjk(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}')
}

/// A clear Chinese error: Chinese words, not a page long, nothing invisible or controlling.
fn chinese(e: &HallError) -> std::result::Result<(), String> {
    let m = &e.message;
    if !m.chars().any(is_cjk) {
        return Err(format!("message without Chinese: {m:?}"));
    }
    if m.chars().count() > 600 {
        return Err(format!("message of {} characters (echoes the input?): {}", m.chars().count(), show(m)));
    }
    if let Some(c) =
        m.chars().find(|c| c.is_control() && *c != '\n' || validate::clip(&c.to_string(), 1) != *c.to_string())
    {
        return Err(format!("message holds U+{:04X}: {}", c as u32, show(m)));
    }
    Ok(())
}

/// Every table's rows (hashed) and the event log's last id: equal before and after a refused
/// input means nothing at all was written.
#[derive(Debug, PartialEq, Eq)]
struct Fingerprint {
    tables: BTreeMap<String, (i64, u64)>,
    last_event: Option<i64>,
}

fn fingerprint(db: &rusqlite::Connection) -> Fingerprint {
    let names: Vec<String> = db
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    let mut tables = BTreeMap::new();
    for t in names {
        let mut st = db.prepare(&format!("SELECT * FROM \"{t}\"")).unwrap();
        let cols = st.column_count();
        let mut rows = st.query([]).unwrap();
        let (mut n, mut h) = (0i64, DefaultHasher::new());
        while let Some(r) = rows.next().unwrap() {
            n += 1;
            for i in 0..cols {
                match r.get_ref(i).unwrap() {
                    ValueRef::Null => 0u8.hash(&mut h),
                    ValueRef::Integer(v) => v.hash(&mut h),
                    ValueRef::Real(v) => v.to_bits().hash(&mut h),
                    ValueRef::Text(v) | ValueRef::Blob(v) => v.hash(&mut h),
                }
            }
        }
        tables.insert(t, (n, h.finish()));
    }
    let last_event = db.query_row("SELECT max(id) FROM events", [], |r| r.get(0)).unwrap();
    Fingerprint { tables, last_event }
}

/// A hall on a real database file, with a clerk, a supervisor and an administrator.
struct Hall {
    _dir: tempfile::TempDir,
    path: PathBuf,
    store: Store,
    db: rusqlite::Connection,
    clerk: Option<SessionUser>,
    director: Option<SessionUser>,
    admin: Option<SessionUser>,
    failures: Vec<String>,
    tried: usize,
}

impl Hall {
    fn new() -> Hall {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("hall.db");
        let mut store = Store::open(&path).unwrap();
        store.set_now(Some(NaiveDateTime::parse_from_str(&format!("{TODAY} 10:00"), "%Y-%m-%d %H:%M").unwrap()));
        store.init("231221104", "测试镇", "test").unwrap();
        store.import_catalog(&CatalogFile::parse_json(hall_core::demo::SAMPLE_CATALOG).unwrap(), "test").unwrap();
        for (username, name, role) in [
            ("h.clerk", "前台甲", Role::Clerk),
            ("h.director", "主任乙", Role::Supervisor),
            ("h.admin", "管理丙", Role::Admin),
        ] {
            let u = NewUser {
                username: username.into(),
                name: name.into(),
                role,
                unit: None,
                password: "Hostile@2026".into(),
                must_change_password: false,
            };
            store.add_user(&u, "test").unwrap();
        }
        let db = hall_core::store::open_keyed(&path, &path, false).unwrap();
        let clerk = Some(store.user("h.clerk").unwrap());
        let director = Some(store.user("h.director").unwrap());
        let admin = Some(store.user("h.admin").unwrap());
        Hall { _dir: dir, path, store, db, clerk, director, admin, failures: vec![], tried: 0 }
    }

    fn fail(&mut self, what: &str, input: &str, why: impl std::fmt::Display) {
        self.failures.push(format!("{what} {}: {why}", show(input)));
    }

    /// Runs `f` as `who`, under `catch_unwind`. A refusal must be Chinese and leave the
    /// database as it was; the reply is returned for the caller's round-trip checks.
    fn call(
        &mut self,
        what: &str,
        input: &str,
        who: Who,
        req: Request,
    ) -> Option<std::result::Result<Reply, HallError>> {
        self.tried += 1;
        let before = fingerprint(&self.db);
        let mut session = match who {
            Who::Clerk => self.clerk.clone(),
            Who::Admin => self.admin.clone(),
        };
        let store = &mut self.store;
        let r = match catch_unwind(AssertUnwindSafe(|| dispatch(store, &mut session, req))) {
            Ok(r) => r,
            Err(p) => {
                let msg = p.downcast_ref::<String>().cloned().or(p.downcast_ref::<&str>().map(|s| s.to_string()));
                self.fail(what, input, format!("PANIC {msg:?}"));
                return None;
            }
        };
        if let Err(e) = &r {
            if let Err(why) = chinese(e) {
                self.fail(what, input, why);
            }
            let after = fingerprint(&self.db);
            if after != before {
                let changed: Vec<&String> =
                    after.tables.iter().filter(|(t, v)| before.tables.get(*t) != Some(v)).map(|(t, _)| t).collect();
                self.fail(what, input, format!("refused ({}) but wrote: {changed:?}", e.message));
            }
        }
        Some(r)
    }

    /// `call` for checks that must agree with the corpus line's expectation.
    fn expect(&mut self, what: &str, line: &Line, who: Who, req: Request) -> Option<Reply> {
        let r = self.call(what, &line.input, who, req)?;
        match (&line.expect, r) {
            (Expect::Ok, Ok(reply)) => Some(reply),
            (Expect::Ok, Err(e)) => {
                self.fail(what, &line.input, format!("line {}: expected to pass, refused: {}", line.no, e.message));
                None
            }
            (Expect::Err(needle), Err(e)) => {
                if !e.message.contains(needle.as_str()) {
                    self.fail(what, &line.input, format!("line {}: message lacks “{needle}”: {}", line.no, e.message));
                }
                None
            }
            (Expect::Err(needle), Ok(_)) => {
                self.fail(what, &line.input, format!("line {}: expected a refusal with “{needle}”, accepted", line.no));
                None
            }
        }
    }

    fn finish(self, what: &str) {
        println!("{what}: {} calls, {} failures", self.tried, self.failures.len());
        // The file opens again: integrity check passes and every stored calendar parses.
        let path = self.path.clone();
        drop(self.store);
        if let Err(e) = Store::open(&path) {
            panic!("{what}: the database does not open again after the corpus: {}", e.message);
        }
        assert!(self.failures.is_empty(), "{what}: {} failures:\n{}", self.failures.len(), self.failures.join("\n"));
    }

    /// An item of the sample catalog of `kind` with all its material names.
    fn item(&self, kind: CaseKind) -> (CatalogItem, Vec<String>) {
        let it =
            self.store.catalog_items(None, None).unwrap().into_iter().map(|v| v.item).find(|i| i.kind == kind).unwrap();
        let names = it.materials.iter().map(|m| m.name.clone()).collect();
        (it, names)
    }

    fn reveal(&mut self, number: &str) -> Result<String> {
        match dispatch(&mut self.store, &mut self.director, Request::RevealId { number: number.into(), agent: false })?
        {
            Reply::IdNumber(id) => Ok(id),
            other => panic!("{other:?}"),
        }
    }
}

#[derive(Clone, Copy)]
enum Who {
    Clerk,
    Admin,
}

fn person(id_number: &str, name: &str, address: &str) -> Party {
    Party {
        kind: PartyKind::Person,
        id_number: id_number.into(),
        name: name.into(),
        phone: "13800138000".into(),
        address: address.into(),
    }
}

fn org(code: &str, name: &str) -> Party {
    Party {
        kind: PartyKind::Org,
        id_number: code.into(),
        name: name.into(),
        phone: "0451-86123456".into(),
        address: String::new(),
    }
}

fn intake(item: &CatalogItem, applicant: Party, outcome: IntakeOutcome, note: &str) -> Request {
    Request::Intake {
        request: Box::new(IntakeRequest {
            item_code: item.code.clone(),
            applicant,
            agent: None,
            materials: vec![],
            clerk: String::new(),
            outcome,
            note: note.into(),
            commitment_due: None,
        }),
    }
}

fn case(reply: Reply) -> CaseDetail {
    match reply {
        Reply::Case(c) => *c,
        other => panic!("not a case: {other:?}"),
    }
}

/// The ID-number and credit-code validators alone and through an intake, against the corpus's
/// expectations; an accepted number is stored normalised and revealed back exactly.
#[test]
fn hostile_id_numbers_and_credit_codes() {
    let mut hall = Hall::new();
    let (item, _) = hall.item(CaseKind::Promised);
    for (file, kind) in [("ids.txt", PartyKind::Person), ("credit_codes.txt", PartyKind::Org)] {
        let corpus = lines(file);
        assert!(corpus.len() >= 30, "{file}: {} lines", corpus.len());
        for line in &corpus {
            let checked = catch_unwind(|| match kind {
                PartyKind::Person => validate::resident_id(&line.input, today()),
                PartyKind::Org => validate::credit_code(&line.input),
            });
            let normalised = match (checked, &line.expect) {
                (Err(_), _) => {
                    hall.fail(file, &line.input, "PANIC in the validator");
                    continue;
                }
                (Ok(Ok(n)), Expect::Ok) => Some(n),
                (Ok(Err(e)), Expect::Err(needle)) => {
                    if !e.message.contains(needle.as_str()) {
                        hall.fail(file, &line.input, format!("line {}: lacks “{needle}”: {}", line.no, e.message));
                    }
                    if let Err(why) = chinese(&e) {
                        hall.fail(file, &line.input, why);
                    }
                    None
                }
                (Ok(r), _) => {
                    hall.fail(file, &line.input, format!("line {}: expected {:?}, got {r:?}", line.no, line.expect));
                    continue;
                }
            };
            let applicant = match kind {
                PartyKind::Person => person(&line.input, "测试甲", ""),
                PartyKind::Org => org(&line.input, "测试有限公司"),
            };
            let what = format!("{file} intake");
            let Some(reply) = hall.expect(&what, line, Who::Clerk, intake(&item, applicant, IntakeOutcome::Log, ""))
            else {
                continue;
            };
            let c = case(reply);
            let n = normalised.unwrap();
            if c.applicant.id_masked != mask_id(&n) {
                hall.fail(&what, &line.input, format!("shown as {} not {}", c.applicant.id_masked, mask_id(&n)));
            }
            match hall.reveal(&c.summary.number) {
                Ok(id) if id == n => {}
                other => hall.fail(&what, &line.input, format!("revealed {other:?}, stored should be {n}")),
            }
            // The ID also works as a search key.
            if let Some(Ok(Reply::Cases(found))) =
                hall.call("search by id", &n, Who::Clerk, Request::SearchCases { text: n.clone() })
            {
                if !found.iter().any(|f| f.number == c.summary.number) {
                    hall.fail("search by id", &n, "the case is not found by its applicant's number");
                }
            }
        }
    }
    hall.finish("ID numbers and credit codes");
}

/// Every free text into every free-text field of the desk, the case page, the settings and the
/// searches. Accepted text comes back exactly (trimmed), as data: the timeline, the case view
/// and the settings return the very characters, `<script>` and `'; DROP TABLE` included.
#[test]
fn hostile_free_text() {
    let mut hall = Hall::new();
    let (item, _) = hall.item(CaseKind::Promised);
    let corpus = lines("texts.txt");
    assert!(corpus.len() >= 80);
    // A logged case per text to withdraw with it as the reason.
    for line in &corpus {
        let text = line.input.as_str();
        let trimmed = text.trim();

        // 1. The applicant's name (the corpus's expectation is for this field).
        if let Some(reply) = hall.expect(
            "name",
            line,
            Who::Clerk,
            intake(&item, person("230102199003078519", text, ""), IntakeOutcome::Log, ""),
        ) {
            let c = case(reply);
            if c.applicant.name != trimmed || c.summary.applicant_name != trimmed {
                hall.fail("name", text, format!("read back as {:?}", show(&c.applicant.name)));
            }
            if !c.events[0].note.contains(trimmed) {
                hall.fail("name", text, format!("the intake event reads {}", show(&c.events[0].note)));
            }
            if let Some(Ok(Reply::Case(again))) = hall.call(
                "name: case_detail",
                text,
                Who::Clerk,
                Request::CaseDetail { number: c.summary.number.clone() },
            ) {
                if again.applicant.name != trimmed {
                    hall.fail("name: case_detail", text, "read back changed");
                }
            }
            // Found again by its name when the search looks at names (non-ASCII text).
            if !trimmed.is_ascii() && !trimmed.chars().any(char::is_whitespace) {
                if let Some(Ok(Reply::Cases(found))) =
                    hall.call("name: search", text, Who::Clerk, Request::SearchCases { text: trimmed.into() })
                {
                    if !found.iter().any(|f| f.number == c.summary.number) {
                        hall.fail("name: search", text, "the case is not found by its applicant's name");
                    }
                }
            }
        }

        // 2. An organisation's name: the same rules as a person's.
        if let Some(reply) = hall.expect(
            "org name",
            line,
            Who::Clerk,
            intake(&item, org("91350100M000100Y43", text), IntakeOutcome::Log, ""),
        ) {
            if case(reply).applicant.name != trimmed {
                hall.fail("org name", text, "read back changed");
            }
        }

        // 3. The address (optional, up to 200): shown masked, from exactly what was stored.
        let id = "11010519491231002X";
        if let Some(Ok(reply)) =
            hall.call("address", text, Who::Clerk, intake(&item, person(id, "测试乙", text), IntakeOutcome::Log, ""))
        {
            let c = case(reply);
            if !trimmed.is_empty() && c.applicant.address_masked != mask_address(trimmed) {
                hall.fail("address", text, format!("shown as {}", show(&c.applicant.address_masked)));
            }
        }

        // 4. The reason of a refusal at the desk (required, up to 1000): the timeline holds it.
        if let Some(Ok(reply)) = hall.call(
            "refusal reason",
            text,
            Who::Clerk,
            intake(&item, person(id, "测试丙", ""), IntakeOutcome::Refuse, text),
        ) {
            let c = case(reply);
            if c.events.last().unwrap().note != trimmed {
                hall.fail("refusal reason", text, format!("timeline reads {}", show(&c.events.last().unwrap().note)));
            }
        }

        // 5. The reason of a withdrawal on the case page.
        let logged = hall
            .store
            .intake(
                &IntakeRequest {
                    item_code: item.code.clone(),
                    applicant: person(id, "测试丁", ""),
                    agent: None,
                    materials: vec![],
                    clerk: "h.clerk".into(),
                    outcome: IntakeOutcome::Log,
                    note: String::new(),
                    commitment_due: None,
                },
                hall.clerk.as_ref().unwrap(),
            )
            .unwrap();
        let number = logged.summary.number.clone();
        if let Some(Ok(reply)) = hall.call(
            "withdrawal reason",
            text,
            Who::Clerk,
            Request::Act {
                number: number.clone(),
                action: Action::Withdraw,
                params: Box::new(ActParams { note: text.into(), ..ActParams::default() }),
            },
        ) {
            let c = case(reply);
            if !c.events.last().unwrap().note.contains(trimmed) {
                hall.fail(
                    "withdrawal reason",
                    text,
                    format!("timeline reads {}", show(&c.events.last().unwrap().note)),
                );
            }
        }

        // 6. Searches, the catalog filter and lookups by a hostile key: answers or Chinese refusals.
        hall.call("search", text, Who::Clerk, Request::SearchCases { text: text.into() });
        hall.call(
            "catalog filter",
            text,
            Who::Clerk,
            Request::CatalogList { query: Some(text.into()), category: Some(text.into()) },
        );
        hall.call(
            "open cases for",
            text,
            Who::Clerk,
            Request::OpenCasesFor { id_number: text.into(), item_code: text.into() },
        );
        hall.call("case number", text, Who::Clerk, Request::CaseDetail { number: text.into() });
        hall.call("catalog item", text, Who::Clerk, Request::CatalogItem { code: text.into() });

        // 7. An item code or a material name that is not in the catalog: always refused.
        let mut req = intake(&item, person(id, "测试戊", ""), IntakeOutcome::Log, "");
        if let Request::Intake { request } = &mut req {
            request.item_code = text.into();
        }
        if let Some(Ok(_)) = hall.call("item code", text, Who::Clerk, req) {
            hall.fail("item code", text, "accepted as an item code");
        }
        let mut req = intake(&item, person(id, "测试戊", ""), IntakeOutcome::Log, "");
        if let Request::Intake { request } = &mut req {
            request.materials = vec![text.into()];
        }
        if let Some(Ok(_)) = hall.call("material", text, Who::Clerk, req) {
            hall.fail("material", text, "accepted as a material name");
        }

        // 8. The hall's address in the settings (printed on every paper).
        let mut settings = hall.store.settings().unwrap();
        settings.hall_address = text.into();
        if let Some(Ok(Reply::Settings(s))) =
            hall.call("settings address", text, Who::Admin, Request::SaveSettings { settings })
        {
            if s.hall_address != trimmed {
                hall.fail("settings address", text, format!("read back as {}", show(&s.hall_address)));
            }
        }
    }
    hall.finish("free text");
}

/// A corpus file's text as the window hands it over (the browser decodes files as UTF-8,
/// replacing what is not).
fn file_text(path: &Path) -> String {
    String::from_utf8_lossy(&std::fs::read(path).unwrap()).into_owned()
}

fn files(dir: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(corpus().join(dir)).unwrap().map(|e| e.unwrap().path()).collect();
    v.sort();
    v
}

fn name_of(p: &Path) -> String {
    p.file_name().unwrap().to_string_lossy().into_owned()
}

/// Every catalog file through both parsers and through the administrator's import. `ok_` files
/// are imported and their items read back equal to the file; `err_` files are refused in Chinese
/// with nothing written.
#[test]
fn hostile_catalog_files() {
    let mut hall = Hall::new();
    let all = files("catalogs");
    assert!(all.len() >= 100, "{} catalog files", all.len());
    for path in &all {
        let name = name_of(path);
        let text = file_text(path);
        let csv = name.ends_with(".csv");
        let ok = name.starts_with("ok_");
        // Both parsers on every file: neither may panic; a refusal is Chinese.
        for (as_csv, parsed) in [
            (false, catch_unwind(|| CatalogFile::parse_json(&text))),
            (true, catch_unwind(|| CatalogFile::parse_csv(&text))),
        ] {
            match parsed {
                Err(_) => hall.fail(&name, "", format!("PANIC in the {} parser", if as_csv { "CSV" } else { "JSON" })),
                Ok(Err(e)) => {
                    if let Err(why) = chinese(&e) {
                        hall.fail(&name, "", why);
                    }
                    if as_csv == csv && ok {
                        hall.fail(&name, "", format!("expected to parse: {}", e.message));
                    }
                }
                Ok(Ok(_)) => {}
            }
        }
        let line =
            Line { no: 0, expect: if ok { Expect::Ok } else { Expect::Err(String::new()) }, input: name.clone() };
        if ok && csv {
            // A CSV carries no version and the window stamps the import time on it, so two
            // quick imports would share one; give each its own as `hallctl --version` does.
            let mut file = CatalogFile::parse_csv(&text).unwrap();
            file.version = format!("csv-{name}");
            let r = catch_unwind(AssertUnwindSafe(|| hall.store.import_catalog(&file, "h.admin")));
            match r {
                Ok(Ok(_)) => {}
                Ok(Err(e)) => hall.fail(&name, "", format!("refused: {}", e.message)),
                Err(_) => hall.fail(&name, "", "PANIC in the import"),
            }
        } else if hall.expect(&name, &line, Who::Admin, Request::CatalogImport { text: text.clone(), csv }).is_none() {
            continue;
        }
        if !ok {
            continue;
        }
        // Read back: the current catalog holds the file's items, exactly.
        let file = if csv { CatalogFile::parse_csv(&text) } else { CatalogFile::parse_json(&text) }.unwrap();
        for want in &file.items {
            match hall.store.catalog_item(&want.code, None) {
                Ok(got) if got.item == *want => {}
                Ok(got) => hall.fail(&name, &want.code, format!("read back as {:?}", got.item)),
                Err(e) => hall.fail(&name, &want.code, format!("not found after import: {}", e.message)),
            }
        }
        let units = hall.store.units().unwrap();
        for u in &file.units {
            if !units.contains(u) {
                hall.fail(&name, &u.code, "unit not read back as imported");
            }
        }
    }
    println!("catalog files: {}", all.len());
    hall.finish("catalog files");
}

/// Every calendar file through the parser and the administrator's import. `ok_` files are
/// imported and kept as published (a byte-order mark dropped); `err_` files are refused in
/// Chinese with nothing written. The database then opens again, parsing every stored year.
#[test]
fn hostile_calendar_files() {
    let mut hall = Hall::new();
    let all = files("calendars");
    assert!(all.len() >= 40, "{} calendar files", all.len());
    for path in &all {
        let name = name_of(path);
        let text = file_text(path);
        let ok = name.starts_with("ok_");
        match catch_unwind(|| hall_core::calendar::CalendarYear::parse_json(&text)) {
            Err(_) => hall.fail(&name, "", "PANIC in the parser"),
            Ok(Err(e)) => {
                if let Err(why) = chinese(&e) {
                    hall.fail(&name, "", why);
                }
            }
            Ok(Ok(_)) => {}
        }
        let line =
            Line { no: 0, expect: if ok { Expect::Ok } else { Expect::Err(String::new()) }, input: name.clone() };
        if hall.expect(&name, &line, Who::Admin, Request::CalendarImport { text: text.clone() }).is_none() {
            continue;
        }
        let year = hall_core::calendar::CalendarYear::parse_json(&text).unwrap();
        let stored = hall.store.calendar_document(year.year).unwrap();
        if stored.as_deref() != Some(text.trim_start_matches('\u{feff}')) {
            hall.fail(&name, "", format!("stored as {:?}", stored.map(|s| validate::clip(&s, 60))));
        }
        if !hall.store.calendar().has_year(year.year) {
            hall.fail(&name, "", "the year is not in the calendar after import");
        }
        for h in &year.holidays {
            if hall.store.calendar().is_working_day(h.from) {
                hall.fail(&name, &h.name, "a holiday is a working day after import");
            }
        }
    }
    hall.finish("calendar files");
}

/// The fuzzers' corpora (`fuzz/corpus/`, kept minimized) replayed on the stable toolchain with
/// the fuzz targets' own checks, so what the fuzzers found stays found in every test run.
#[test]
fn fuzz_corpora_replay() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/corpus");
    let today = today();
    let mut failures = Vec::new();
    let mut n = 0;
    for target in ["resident_id", "credit_code", "catalog_json", "catalog_csv", "calendar_json"] {
        let mut inputs: Vec<PathBuf> =
            std::fs::read_dir(root.join(target)).unwrap().map(|e| e.unwrap().path()).collect();
        inputs.sort();
        assert!(!inputs.is_empty(), "{target}: empty corpus");
        for p in inputs {
            n += 1;
            let data = std::fs::read(&p).unwrap();
            let text = String::from_utf8_lossy(&data).into_owned();
            let r = catch_unwind(|| -> std::result::Result<(), String> {
                let refused = |e: HallError| chinese(&e);
                match target {
                    "resident_id" | "credit_code" => {
                        let Ok(s) = std::str::from_utf8(&data) else { return Ok(()) };
                        let check = |s: &str| {
                            if target == "resident_id" {
                                validate::resident_id(s, today)
                            } else {
                                validate::credit_code(s)
                            }
                        };
                        match check(s) {
                            Ok(v) if v.len() == 18 && v.is_ascii() && check(&v).ok() == Some(v.clone()) => Ok(()),
                            Ok(v) => Err(format!("accepted as {v:?}, which does not validate to itself")),
                            Err(e) => refused(e),
                        }
                    }
                    "catalog_json" => match CatalogFile::parse_json(&text) {
                        Ok(f) => {
                            let again = CatalogFile::parse_json(&serde_json::to_string(&f).unwrap());
                            if again.as_ref().ok() == Some(&f) {
                                Ok(())
                            } else {
                                Err(format!("does not round-trip: {:?}", again.err()))
                            }
                        }
                        Err(e) => refused(e),
                    },
                    "catalog_csv" => match CatalogFile::parse_csv(&text) {
                        Ok(f) => f.check(&[]).map_err(|e| e.message),
                        Err(e) => refused(e),
                    },
                    _ => match hall_core::calendar::CalendarYear::parse_json(&text) {
                        Ok(y) => {
                            let cal = hall_core::calendar::Calendar::new([y.clone()]);
                            let start = NaiveDate::from_ymd_opt(y.year, 1, 1).unwrap();
                            let due = cal.add_working_days(start, 60).date;
                            if cal.working_days_between(start, due).0 == 60 {
                                Ok(())
                            } else {
                                Err("working days do not add up".into())
                            }
                        }
                        Err(e) => refused(e),
                    },
                }
            });
            match r {
                Ok(Ok(())) => {}
                Ok(Err(why)) => failures.push(format!("{target}/{}: {why}", name_of(&p))),
                Err(_) => failures.push(format!("{target}/{}: PANIC", name_of(&p))),
            }
        }
    }
    println!("fuzz corpora: {n} inputs replayed");
    assert!(failures.is_empty(), "{} failures:\n{}", failures.len(), failures.join("\n"));
}
