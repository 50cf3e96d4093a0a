//! Hostile input against a real hall: a real SQLite file, the app's own request surface
//! (`api::dispatch`) and the store behind it. The inputs are data files under `tests/hostile/`:
//! ID numbers, credit codes, free text, catalog files, calendar files and list files (权力清单 /
//! 责任清单 / 职责清单; see each file's header for its format).
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
use hall_core::consult::ConsultInput;
use hall_core::coordination::{IssueAnswer, IssueInput, IssueUrgency};
use hall_core::demands::{DemandInput, DemandKind};
use hall_core::duties::{DutyEntry, DutyFile, DutyList, CSV_HEADERS};
use hall_core::intake::{IntakeOutcome, IntakeRequest, Party, PartyKind};
use hall_core::lifecycle::{Action, Role};
use hall_core::privacy::{mask_address, mask_id};
use hall_core::store::{ActParams, AdmissionInput, CaseDetail, NewUser, SessionUser};
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

/// The line's expectation (written for a person's name: required, at most 100 characters)
/// carried over to a field of at most `max` characters, `required` or not: a blank text passes
/// an optional field and is stored empty, and the text's length decides between `ok` and `过长`.
/// Control and invisible characters are refused in every field, before the length is looked at.
fn in_field(line: &Line, max: usize, required: bool) -> Line {
    let n = line.input.trim().chars().count();
    let expect = match &line.expect {
        Expect::Err(needle) if needle == "不能为空" && !required => Expect::Ok,
        Expect::Err(needle) if needle == "过长" && n <= max => Expect::Ok,
        Expect::Ok if n > max => Expect::Err("过长".into()),
        e => e.clone(),
    };
    Line { no: line.no, expect, input: line.input.clone() }
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

/// A hall on a real database file, with the sample catalog and lists, a clerk, a supervisor and
/// an administrator.
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
        store.import_duties(&DutyFile::parse_json(hall_core::demo::SAMPLE_DUTIES).unwrap(), "test").unwrap();
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
                password: String::from("Hostile@2026").into(),
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
            Who::Director => self.director.clone(),
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

    /// A free text in one field of a record (`limit`: its maximum length and whether it is
    /// required), with the corpus line's expectation carried over to it; accepted text must come
    /// back as the trimmed input in the field `read` takes from the reply (which the store reads
    /// back from the database after writing).
    fn text_in(
        &mut self,
        what: &str,
        line: &Line,
        (max, required): (usize, bool),
        who: Who,
        req: Request,
        read: impl Fn(Reply) -> String,
    ) {
        let line = in_field(line, max, required);
        if let Some(reply) = self.expect(what, &line, who, req) {
            let got = read(reply);
            if got != line.input.trim() {
                self.fail(what, &line.input, format!("line {}: read back as {}", line.no, show(&got)));
            }
        }
    }

    /// A file (`name`: `ok_` or `err_`, `.json` or `.csv`) through both parsers, JSON then CSV:
    /// neither may panic, a refusal is Chinese, and an `ok_` file parses in its own format.
    fn parse_both<T>(&mut self, name: &str, text: &str, parsers: [fn(&str) -> Result<T>; 2]) {
        let own = usize::from(name.ends_with(".csv"));
        for (i, parse) in parsers.into_iter().enumerate() {
            let format = ["JSON", "CSV"][i];
            match catch_unwind(|| parse(text)) {
                Err(_) => self.fail(name, "", format!("PANIC in the {format} parser")),
                Ok(Err(e)) => {
                    if let Err(why) = chinese(&e) {
                        self.fail(name, "", why);
                    }
                    if i == own && name.starts_with("ok_") {
                        self.fail(name, "", format!("expected to parse as {format}: {}", e.message));
                    }
                }
                Ok(Ok(_)) => {}
            }
        }
    }

    /// A list file imported by the administrator through the dispatch. Accepted (`ok`): a new
    /// version whose lists read back equal to the file, entry for entry and in order, with its
    /// units; imported again, it is unchanged and nothing is written. Refused: see `call`.
    fn import_duties(&mut self, name: &str, text: &str, csv: bool, ok: bool) {
        let line = Line { no: 0, expect: if ok { Expect::Ok } else { Expect::Err(String::new()) }, input: name.into() };
        let import = || Request::DutyImport { text: text.into(), csv };
        let Some(reply) = self.expect(name, &line, Who::Admin, import()) else { return };
        let file = if csv { DutyFile::parse_csv(text) } else { DutyFile::parse_json(text) }.unwrap();
        match reply {
            Reply::DutyImported(d) if d.unchanged => self.fail(name, "", "a new version reported as unchanged"),
            Reply::DutyImported(d) if !file.version.is_empty() && d.version.version != file.version => {
                self.fail(name, "", format!("imported as version {}", show(&d.version.version)))
            }
            _ => {}
        }
        for list in DutyList::ALL {
            let want: Vec<&DutyEntry> = file.entries.iter().filter(|e| e.list == list).collect();
            match self.store.duty_entries(list, None) {
                Ok(got) if got.iter().map(|v| &v.entry).eq(want.iter().copied()) => {}
                Ok(got) => {
                    let differs = got.iter().zip(&want).find(|(g, w)| &g.entry != **w).map(|(g, _)| &g.entry.code);
                    let why = format!(
                        "{} entries read back, {} in the file; first differing: {differs:?}",
                        got.len(),
                        want.len()
                    );
                    self.fail(name, list.label(), why)
                }
                Err(e) => self.fail(name, list.label(), format!("not read back: {}", e.message)),
            }
        }
        let units = self.store.units().unwrap();
        for u in &file.units {
            if !units.contains(u) {
                self.fail(name, &u.code, "unit not read back as imported");
            }
        }
        let before = fingerprint(&self.db);
        match catch_unwind(AssertUnwindSafe(|| dispatch(&mut self.store, &mut self.admin.clone(), import()))) {
            Ok(Ok(Reply::DutyImported(d))) if d.unchanged => {}
            Ok(r) => self.fail(name, "", format!("imported again: {r:?}")),
            Err(_) => self.fail(name, "", "PANIC when imported again"),
        }
        if fingerprint(&self.db) != before {
            self.fail(name, "", "imported again unchanged, but wrote");
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
    Director,
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

fn consultation(reply: Reply) -> hall_core::store::Consultation {
    match reply {
        Reply::Consultation(c) => c,
        other => panic!("not a consultation: {other:?}"),
    }
}

fn demand(reply: Reply) -> hall_core::store::Demand {
    match reply {
        Reply::Demand(d) => d,
        other => panic!("not a demand: {other:?}"),
    }
}

fn task(reply: Reply) -> hall_core::store::AdmissionTask {
    match reply {
        Reply::AdmissionTask(t) => t,
        other => panic!("not a 准入 task: {other:?}"),
    }
}

fn issue(reply: Reply) -> hall_core::store::CoordIssue {
    match reply {
        Reply::Issue(i) => i,
        other => panic!("not a 县乡联动 issue: {other:?}"),
    }
}

/// Every free text into every free-text field of the hall's own records — consultations and
/// their call-backs (clerk), demands (clerk) and their review and answer (supervisor), 准入
/// tasks and 县乡联动 issues and answers (supervisor) — one field at a time, the others valid,
/// through the real dispatch. Each field has its own limit: the corpus's expectation is carried
/// over to it (`in_field`). Accepted text reads back exactly (trimmed), `<script>` and
/// `'; DROP TABLE` included; hostile record numbers and list searches are answered or refused
/// in Chinese.
#[test]
fn hostile_free_text_in_records() {
    let mut hall = Hall::new();
    let corpus = lines("texts.txt");
    assert!(corpus.len() >= 80);
    let clerk = hall.clerk.as_ref().unwrap().username.clone();
    let director = hall.director.as_ref().unwrap().username.clone();
    let consult = |topic: &str, answer: &str, citizen_name: &str| ConsultInput {
        topic: topic.into(),
        answer: answer.into(),
        citizen_name: citizen_name.into(),
        phone: "13800138000".into(),
        callback: true,
        ..ConsultInput::default()
    };
    let demand_in = |village: &str, content: &str, citizen_name: &str| DemandInput {
        kind: DemandKind::Demand,
        category: "基础设施".into(),
        village: village.into(),
        content: content.into(),
        citizen_name: citizen_name.into(),
        phone: String::new(),
    };
    let task_in = |title: &str, content: &str, doc_ref: &str| AdmissionInput {
        department: "C-MZJ".into(),
        title: title.into(),
        content: content.into(),
        doc_ref: doc_ref.into(),
        received_on: None,
        entry_code: Some("ZZ-101".into()),
        terms: Default::default(),
        due_on: None,
    };
    let issue_in = |title: &str, location: &str| IssueInput {
        kind: "综合执法".into(),
        title: title.into(),
        location: location.into(),
        urgency: IssueUrgency::Normal,
        department: "C-MZJ".into(),
    };
    let answer_in = |answer: &str| IssueAnswer {
        answer: answer.into(),
        answered_on: None,
        result: "已解决".into(),
        satisfaction: "满意".into(),
    };
    for line in &corpus {
        let text = line.input.as_str();

        // 1. A consultation at the desk: what was asked (200), the answer (2000), who asked (50,
        // optional); then the call back's result (1000) on one that owes a call.
        let log = |c: ConsultInput| Request::ConsultLog { input: Box::new(c) };
        hall.text_in("consultation topic", line, (200, true), Who::Clerk, log(consult(text, "已告知", "")), |r| {
            consultation(r).topic
        });
        hall.text_in("consultation answer", line, (2000, true), Who::Clerk, log(consult("低保", text, "")), |r| {
            consultation(r).answer
        });
        hall.text_in(
            "consultation name",
            line,
            (50, false),
            Who::Clerk,
            log(consult("低保", "已告知", text)),
            |r| consultation(r).citizen_name,
        );
        let owed = hall.store.log_consultation(&consult("低保", "已告知", ""), &clerk).unwrap();
        let close = Request::ConsultClose { number: owed.number, result: text.into() };
        hall.text_in("callback result", line, (1000, true), Who::Clerk, close, |r| consultation(r).result);

        // 2. A demand: its village (50), content (2000) and who raised it (50, optional); the
        // supervisor's review note (1000, optional when adopted) and the answer (2000).
        let log = |d: DemandInput| Request::DemandLog { input: Box::new(d) };
        hall.text_in("demand village", line, (50, true), Who::Clerk, log(demand_in(text, "修路", "")), |r| {
            demand(r).village
        });
        hall.text_in("demand content", line, (2000, true), Who::Clerk, log(demand_in("前进村", text, "")), |r| {
            demand(r).content
        });
        hall.text_in("demand name", line, (50, false), Who::Clerk, log(demand_in("前进村", "修路", text)), |r| {
            demand(r).citizen_name
        });
        let logged = hall.store.log_demand(&demand_in("前进村", "修路", ""), &clerk).unwrap();
        let review = Request::DemandReview { number: logged.number, adopt: true, note: text.into() };
        hall.text_in("demand review note", line, (1000, false), Who::Director, review, |r| demand(r).review_note);
        let logged = hall.store.log_demand(&demand_in("前进村", "修路", ""), &clerk).unwrap();
        hall.store.review_demand(&logged.number, true, "", &director).unwrap();
        let answer = Request::DemandAnswer { number: logged.number, answer: text.into() };
        hall.text_in("demand answer", line, (2000, true), Who::Director, answer, |r| demand(r).answer);

        // 3. A county task at 准入: its title (200), content (4000, optional), 文号 (100, optional).
        let record = |t: AdmissionInput| Request::AdmissionRecord { input: Box::new(t) };
        hall.text_in("准入 title", line, (200, true), Who::Director, record(task_in(text, "", "")), |r| {
            task(r).title
        });
        hall.text_in("准入 content", line, (4000, false), Who::Director, record(task_in("入户", text, "")), |r| {
            task(r).content
        });
        hall.text_in("准入 文号", line, (100, false), Who::Director, record(task_in("入户", "", text)), |r| {
            task(r).doc_ref
        });

        // 4. A 县乡联动 issue: what (1000) and where (200); then the department's answer (2000).
        let raise = |i: IssueInput| Request::IssueRaise { input: Box::new(i) };
        hall.text_in("联动 what", line, (1000, true), Who::Director, raise(issue_in(text, "前进村")), |r| {
            issue(r).title
        });
        hall.text_in("联动 where", line, (200, true), Who::Director, raise(issue_in("占道", text)), |r| {
            issue(r).location
        });
        let raised = hall.store.raise_issue(&issue_in("占道", "前进村"), &director).unwrap();
        let answer = Request::IssueAnswer { number: raised.number, answer: Box::new(answer_in(text)) };
        hall.text_in("联动 answer", line, (2000, true), Who::Director, answer, |r| issue(r).answer);

        // 5. Hostile record numbers, list codes and categories: never found, refused in Chinese;
        // a list search answers or refuses.
        for (what, who, req) in [
            ("callback number", Who::Clerk, Request::ConsultClose { number: text.into(), result: "已回访".into() }),
            ("demand number", Who::Director, Request::DemandAnswer { number: text.into(), answer: "已答复".into() }),
            (
                "issue number",
                Who::Director,
                Request::IssueAnswer { number: text.into(), answer: Box::new(answer_in("已答复")) },
            ),
            ("准入 number", Who::Director, Request::AdmissionFinish { number: text.into(), note: "已完成".into() }),
            (
                "准入 department",
                Who::Director,
                Request::AdmissionCheck {
                    input: Box::new(AdmissionInput { department: text.into(), ..task_in("入户", "", "") }),
                },
            ),
            (
                "联动 department",
                Who::Director,
                Request::IssueRaise {
                    input: Box::new(IssueInput { department: text.into(), ..issue_in("占道", "前进村") }),
                },
            ),
            (
                "demand category",
                Who::Clerk,
                Request::DemandLog {
                    input: Box::new(DemandInput { category: text.into(), ..demand_in("前进村", "修路", "") }),
                },
            ),
        ] {
            if let Some(Ok(_)) = hall.call(what, text, who, req) {
                hall.fail(what, text, "accepted");
            }
        }
        let check = AdmissionInput { entry_code: Some(text.into()), ..task_in("入户", "", "") };
        if let Some(Ok(Reply::AdmissionCheck(c))) =
            hall.call("准入 entry", text, Who::Director, Request::AdmissionCheck { input: Box::new(check) })
        {
            if let Some(e) = c.entry {
                hall.fail("准入 entry", text, format!("matched the entry {}", e.entry.code));
            }
        }
        for list in DutyList::ALL {
            hall.call("list search", text, Who::Clerk, Request::DutyEntries { list, query: Some(text.into()) });
        }
    }
    hall.finish("free text in records");
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
        hall.parse_both(&name, &text, [CatalogFile::parse_json, CatalogFile::parse_csv]);
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

/// Every list file (权力清单 / 责任清单 / 职责清单) through both parsers and through the
/// administrator's import. `ok_` files are imported, read back equal through
/// `Store::duty_entries`, and imported again as unchanged with nothing written (same version,
/// same content); `err_` files are refused in Chinese with nothing written, also when the store
/// finds the fault only while writing the last entry. Then files of 10,000 entries, made here.
#[test]
fn hostile_duty_files() {
    let mut hall = Hall::new();
    let all = files("duties");
    assert!(all.len() >= 60, "{} list files", all.len());
    let opened = hall.store.now();
    for (i, path) in all.iter().enumerate() {
        let name = name_of(path);
        let text = file_text(path);
        hall.parse_both(&name, &text, [DutyFile::parse_json, DutyFile::parse_csv]);
        // A file without a version (every CSV) is stamped with the import's time: a minute each.
        hall.store.set_now(Some(opened + chrono::TimeDelta::minutes(i as i64 + 1)));
        hall.import_duties(&name, &text, name.ends_with(".csv"), name.starts_with("ok_"));
    }

    // 10,000 entries: accepted and read back. Refused whole: the same with the last code a
    // duplicate of the first (found by the parser's check), or with the last entry's department
    // unknown to the hall (found by the store after writing 9,999 entries).
    let json = |last_code: &str, department: &str| {
        let mut entries: Vec<serde_json::Value> = (1..10_000)
            .map(|i| {
                serde_json::json!({"list": "职责清单", "code": format!("G-{i:05}"), "name": format!("生成的职责 {i}"),
                    "basis": "《生成依据》", "side": "乡镇主责", "township_duty": "承担"})
            })
            .collect();
        entries.push(
            serde_json::json!({"list": "职责清单", "code": last_code, "name": "最后一项", "basis": "《生成依据》",
            "side": "部门牵头乡镇配合", "department": department, "township_duty": "配合"}),
        );
        serde_json::json!({"version": format!("hostile-{last_code}-{department}"), "entries": entries}).to_string()
    };
    let csv = |department: &str| {
        let mut text = CSV_HEADERS.join(",");
        for i in 1..10_000 {
            text += &format!(
                "\n权力清单,G-{i:05},\"生成的职责 {i}，含逗号\",,《生成依据》,乡镇主责,,\"承担\n（分两行）\","
            );
        }
        text + &format!("\n权力清单,G-10000,最后一项,,《生成依据》,县级部门,{department},,负责\n")
    };
    for (name, text, csv, ok) in [
        ("10,000 entries", json("G-10000", "C-MZJ"), false, true),
        ("10,000 entries, the last a duplicate", json("G-00001", "C-MZJ"), false, false),
        ("10,000 entries, the last's department unknown", json("G-10000", "C-NOPE"), false, false),
        ("10,000 CSV rows", csv("C-MZJ"), true, true),
        ("10,000 CSV rows, the last's department unknown", csv("C-NOPE"), true, false),
    ] {
        hall.store.set_now(Some(hall.store.now() + chrono::TimeDelta::minutes(1)));
        hall.import_duties(name, &text, csv, ok);
    }
    println!("list files: {} + 5 generated", all.len());
    hall.finish("list files");
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

/// An accepted file read back from its own JSON: the same file, or why not.
fn round_trips<T: serde::Serialize + PartialEq>(
    f: &T,
    parse: fn(&str) -> Result<T>,
) -> std::result::Result<(), String> {
    match parse(&serde_json::to_string(f).unwrap()) {
        Ok(again) if again == *f => Ok(()),
        Ok(_) => Err("does not round-trip: read back different".into()),
        Err(e) => Err(format!("does not round-trip: {}", e.message)),
    }
}

/// The fuzzers' corpora (`fuzz/corpus/`, kept minimized) replayed on the stable toolchain with
/// the fuzz targets' own checks, so what the fuzzers found stays found in every test run.
#[test]
fn fuzz_corpora_replay() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/corpus");
    let today = today();
    let mut failures = Vec::new();
    let mut n = 0;
    let targets =
        ["resident_id", "credit_code", "catalog_json", "catalog_csv", "calendar_json", "duty_json", "duty_csv"];
    for target in targets {
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
                        Ok(f) => round_trips(&f, CatalogFile::parse_json),
                        Err(e) => refused(e),
                    },
                    "catalog_csv" => match CatalogFile::parse_csv(&text) {
                        Ok(f) => f.check(&[]).map_err(|e| e.message),
                        Err(e) => refused(e),
                    },
                    "duty_json" | "duty_csv" => {
                        let parse = if target == "duty_json" { DutyFile::parse_json } else { DutyFile::parse_csv };
                        match parse(&text) {
                            Ok(f) if f.entries.is_empty() => Err("accepted without entries".into()),
                            Ok(f) => {
                                f.check(&[]).map_err(|e| e.message).and_then(|()| round_trips(&f, DutyFile::parse_json))
                            }
                            Err(e) => refused(e),
                        }
                    }
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
