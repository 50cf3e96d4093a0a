//! The request catalogue: one row per request, the one place that says what a request answers
//! with, who may make it, whether it may run while the screen is locked or before a forced
//! password change, and whether it writes. The gate ([`super::admit`]) reads it; the tests check
//! dispatch against it (`tests.rs`, `day_tests.rs`); the window's types are generated from it
//! (`ui/src/bindings/requestCatalogue.ts`, by the test below), so `call(request)` knows its reply.
//!
//! `writes` is true when the request may change what the store holds: the hall's records, its
//! settings and users, or only its chained event log — an ID reveal, a backup made by hand and
//! a login (its failed-attempt count, its lockout and its event) all write. It stays false for
//! what changes only the session (`Lock`, `Logout`: the session is the caller's, not the
//! hall's), for a backup's file list, and for the gate's own "denied" event, which any refused
//! request leaves. A write is what a desk must never send twice; a read may be repeated at will
//! (the tests check that an answered read leaves the store unchanged).

use strum::IntoEnumIterator;

use super::Access::{self, Anyone, LoggedIn, Roles};
use super::{Request, RequestKind};
use crate::lifecycle::Role;

/// One request's row in the catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RequestSpec {
    /// The request's `type` on the wire, e.g. `search_cases`.
    pub name: &'static str,
    /// The reply types (`Reply`'s `type` on the wire) it may answer with.
    pub reply: &'static [&'static str],
    pub access: Access,
    /// May run while the session's screen is locked (what the lock screen needs).
    pub while_locked: bool,
    /// May run before a forced password change (what the change-password screen needs).
    pub before_password_change: bool,
    /// May change the store (see the module's comment).
    pub writes: bool,
    /// A counter's rating screen may make it (its own two requests, and the words of its idle
    /// screen); a screen's session is refused everything else.
    pub screen: bool,
    /// A write that may still run when the full check found the database damaged and writes
    /// are stopped: signing in and out, checking again, and restoring — the way out.
    pub while_damaged: bool,
}

/// Every request's row, in the order of `Request`'s variants.
pub fn catalogue() -> Vec<RequestSpec> {
    RequestKind::iter().map(RequestKind::spec).collect()
}

impl Request {
    pub fn kind(&self) -> RequestKind {
        self.into()
    }

    /// The request's row in the catalogue.
    pub fn spec(&self) -> RequestSpec {
        self.kind().spec()
    }
}

// Who may call, for the rows. The order of a list is the order its refusal names the roles in.
const ADMIN: &[Role] = &[Role::Admin];
const ADMIN_SUPERVISOR: &[Role] = &[Role::Admin, Role::Supervisor];
const SUPERVISOR: &[Role] = &[Role::Supervisor];
const CLERK: &[Role] = &[Role::Clerk];
const CLERK_OFFICER: &[Role] = &[Role::Clerk, Role::Officer];
const CLERK_SUPERVISOR: &[Role] = &[Role::Clerk, Role::Supervisor];
const OFFICER_SUPERVISOR: &[Role] = &[Role::Officer, Role::Supervisor];

/// A row that leaves the store as it is, neither while locked nor before a password change.
const fn reads(reply: &'static [&'static str], access: Access) -> RequestSpec {
    RequestSpec {
        name: "",
        reply,
        access,
        while_locked: false,
        before_password_change: false,
        writes: false,
        screen: false,
        while_damaged: false,
    }
}

/// A row that may change the store.
const fn writes(reply: &'static [&'static str], access: Access) -> RequestSpec {
    RequestSpec { writes: true, ..reads(reply, access) }
}

impl RequestSpec {
    const fn while_locked(self) -> RequestSpec {
        RequestSpec { while_locked: true, ..self }
    }

    const fn before_password_change(self) -> RequestSpec {
        RequestSpec { before_password_change: true, ..self }
    }

    const fn screen(self) -> RequestSpec {
        RequestSpec { screen: true, ..self }
    }

    const fn while_damaged(self) -> RequestSpec {
        RequestSpec { while_damaged: true, ..self }
    }
}

impl RequestKind {
    /// The catalogue's row for this request. No catch-all arm: a new request has no row, and
    /// does not compile, until it is given one here.
    pub fn spec(self) -> RequestSpec {
        use RequestKind as K;
        let row = match self {
            // The login screen, the lock screen and the change-password screen: the township's
            // name, the session, the lifecycle words and the settings (for the idle lock's time).
            K::HallInfo => reads(&["hall_info"], Anyone).while_locked().before_password_change().screen(),
            // Unlocking is logging in again. A session that must change its password changes
            // it (or logs out) rather than logging in over itself.
            K::Login => writes(&["session"], Anyone).while_locked().while_damaged(),
            K::Logout => reads(&["session"], Anyone).while_locked().before_password_change(),
            K::Whoami => reads(&["session"], Anyone).while_locked().before_password_change(),
            K::Lifecycle => reads(&["lifecycle"], Anyone).while_locked().before_password_change(),
            K::Units => reads(&["units"], LoggedIn),
            K::CatalogCategories => reads(&["categories"], LoggedIn),
            K::CatalogList => reads(&["catalog_items"], LoggedIn),
            K::CatalogItem => reads(&["catalog_item"], LoggedIn),
            K::CatalogVersions => reads(&["catalog_versions"], LoggedIn),
            K::CatalogImport => writes(&["catalog_imported"], Roles(ADMIN)),
            K::CalendarYears => reads(&["calendar_years"], LoggedIn),
            K::CalendarImport => writes(&["calendar_years"], Roles(ADMIN)),
            K::DueDate => reads(&["due_date"], LoggedIn),
            K::SearchCases => reads(&["cases"], LoggedIn),
            K::ListCases => reads(&["cases"], LoggedIn),
            K::CaseDetail => reads(&["case"], LoggedIn),
            // Intake and case steps: the lifecycle table decides by role and state.
            K::Intake => writes(&["case"], LoggedIn),
            K::IntakeOutcomes => reads(&["outcomes"], LoggedIn),
            K::Act => writes(&["case"], LoggedIn),
            K::OpenCasesFor => reads(&["cases"], Roles(CLERK)),
            K::SupplyMaterials => writes(&["case"], Roles(CLERK_OFFICER)),
            K::Queue => reads(&["cases"], Roles(OFFICER_SUPERVISOR)),
            K::ReadyList => reads(&["cases"], Roles(CLERK_SUPERVISOR)),
            K::UrgentCases => reads(&["cases"], Roles(OFFICER_SUPERVISOR)),
            K::LapsedCommitments => reads(&["cases"], Roles(OFFICER_SUPERVISOR)),
            K::SupplementWatch => reads(&["supplement_watch"], Roles(OFFICER_SUPERVISOR)),
            K::SweepSupplements => writes(&["numbers"], Roles(ADMIN_SUPERVISOR)),
            K::Rate => writes(&["rating"], Roles(CLERK_SUPERVISOR)),
            K::Dashboard => reads(&["dashboard"], Roles(SUPERVISOR)),
            K::Figures => reads(&["figures"], Roles(SUPERVISOR)),
            K::FollowUps => reads(&["follow_ups"], Roles(SUPERVISOR)),
            K::UpdateFollowUp => writes(&["follow_up"], Roles(SUPERVISOR)),
            // Every reveal is logged (who saw whose ID number). The officer only for a case
            // they work on (the store checks which).
            K::RevealId => writes(&["id_number"], Roles(OFFICER_SUPERVISOR)),
            K::Vocabulary => reads(&["vocabulary"], LoggedIn).screen(),
            K::Lock => reads(&["session"], LoggedIn).while_locked(),
            K::ChangePassword => writes(&["session"], LoggedIn).before_password_change().while_damaged(),
            K::Users => reads(&["users"], Roles(ADMIN)),
            K::AddUser => writes(&["users"], Roles(ADMIN)),
            K::UpdateUser => writes(&["users"], Roles(ADMIN)),
            K::ResetPassword => writes(&["users"], Roles(ADMIN)),
            K::Settings => reads(&["settings"], LoggedIn).while_locked().before_password_change(),
            K::SaveSettings => writes(&["settings"], Roles(ADMIN)),
            K::SaveUnit => writes(&["units"], Roles(ADMIN)),
            K::AuditVerify => reads(&["audit"], Roles(ADMIN_SUPERVISOR)),
            K::Backups => reads(&["backups"], Roles(ADMIN)),
            // The backup file, and its event in the log.
            K::MakeBackup => writes(&["backups"], Roles(ADMIN)),
            K::RestoreBackup => writes(&["restored"], Roles(ADMIN)).while_damaged(),
            // No one can sign in to a hall not set up yet; the store refuses any other.
            K::RestoreNewHall => writes(&["restored"], Anyone),
            K::DataSafety => reads(&["data_safety"], Roles(ADMIN)),
            K::ShowRecoveryCode => writes(&["recovery_code_shown"], Roles(ADMIN)).while_damaged(),
            K::AnswerSheetOffer => writes(&["done"], Roles(ADMIN)),
            K::RotateKey => writes(&["key_rotated"], Roles(ADMIN)),
            // Its outcome is recorded (and a failure stops writes).
            K::CheckIntegrity => writes(&["integrity"], Roles(ADMIN)).while_damaged(),
            K::SyncStatus => reads(&["sync_status"], LoggedIn),
            K::SaveHub => writes(&["sync_status"], Roles(ADMIN)),
            K::DutyEntries => reads(&["duty_entries"], LoggedIn),
            K::DutyVersions => reads(&["duty_versions"], LoggedIn),
            K::DutyImport => writes(&["duty_imported"], Roles(ADMIN_SUPERVISOR)),
            K::AdmissionCheck => reads(&["admission_check"], Roles(SUPERVISOR)),
            K::AdmissionRecord => writes(&["admission_task"], Roles(SUPERVISOR)),
            K::AdmissionFinish => writes(&["admission_task"], Roles(SUPERVISOR)),
            K::AdmissionTasks => reads(&["admission_tasks"], Roles(SUPERVISOR)),
            K::ConsultLog => writes(&["consultation"], Roles(CLERK_SUPERVISOR)),
            K::ConsultClose => writes(&["consultation"], Roles(CLERK_SUPERVISOR)),
            K::Consultations => reads(&["consultations"], Roles(CLERK_SUPERVISOR)),
            K::DemandLog => writes(&["demand"], Roles(CLERK_SUPERVISOR)),
            K::DemandReview => writes(&["demand"], Roles(SUPERVISOR)),
            K::DemandAnswer => writes(&["demand"], Roles(SUPERVISOR)),
            K::Demands => reads(&["demands"], Roles(CLERK_SUPERVISOR)),
            K::DemandVillages => reads(&["villages"], Roles(CLERK_SUPERVISOR)),
            K::IssueRaise => writes(&["issue"], Roles(SUPERVISOR)),
            K::IssueAnswer => writes(&["issue"], Roles(SUPERVISOR)),
            K::Issues => reads(&["issues"], Roles(SUPERVISOR)),
            // 大厅网络: the administrator's pairing codes, devices and revocations; a device
            // pairs itself with a code before anyone signs in at it (the code is its proof).
            K::HostPairCode => writes(&["pairing_code"], Roles(ADMIN)),
            K::HostDevices => reads(&["devices"], Roles(ADMIN)),
            K::HostRevoke => writes(&["devices"], Roles(ADMIN)),
            K::PairDevice => writes(&["paired"], Anyone),
            // The counter's rating screen (评价器): the case to show, the citizen's rating.
            K::RatingPrompt => reads(&["rating_prompt"], Access::Screen).screen(),
            K::ScreenRate => writes(&["rating"], Access::Screen).screen(),
        };
        RequestSpec { name: self.into(), ..row }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use strum::IntoEnumIterator;

    use super::*;
    use crate::api::ReplyKind;

    /// The catalogue as TypeScript: the reply type of each request, as a type for `call` to
    /// infer its result from and as a value for its check at run time.
    fn typescript() -> String {
        let rows = catalogue();
        let union = |s: &RequestSpec| s.reply.iter().map(|r| format!("\"{r}\"")).collect::<Vec<_>>();
        let mut text = String::from(
            "// Generated by hall-core (api/catalogue.rs, test export_request_catalogue). Do not edit this file manually.\n\
             import type { Request } from \"./Request\";\n\n\
             /** The reply type(s) each request may answer with: `Reply`'s `type`, by `Request`'s `type`. */\n\
             export type ReplyTypeOf = {\n",
        );
        for s in &rows {
            text.push_str(&format!("  {}: {};\n", s.name, union(s).join(" | ")));
        }
        text.push_str(
            "};\n\n\
             /** The same, for the check at run time that a reply is one its request may give. */\n\
             export const REPLY_TYPES: { readonly [K in Request[\"type\"]]: readonly ReplyTypeOf[K][] } = {\n",
        );
        for s in &rows {
            text.push_str(&format!("  {}: [{}],\n", s.name, union(s).join(", ")));
        }
        text.push_str("};\n");
        text
    }

    /// Writes `ui/src/bindings/requestCatalogue.ts` next to the ts-rs bindings (CI fails when
    /// the committed file differs from what this writes).
    #[test]
    fn export_request_catalogue() {
        let dir = std::env::var("TS_RS_EXPORT_DIR")
            .map(std::path::PathBuf::from)
            .unwrap_or_else(|_| std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ui/src/bindings"));
        let text = typescript();
        let path = dir.join("requestCatalogue.ts");
        if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
            std::fs::write(&path, text).unwrap();
        }
    }

    #[test]
    fn every_request_has_one_row_naming_replies_that_exist() {
        let rows = catalogue();
        assert_eq!(rows.len(), RequestKind::iter().count());
        let names: HashSet<&str> = rows.iter().map(|s| s.name).collect();
        assert_eq!(names.len(), rows.len(), "one row per request");
        let replies: HashSet<&'static str> = ReplyKind::iter().map(<&'static str>::from).collect();
        for s in &rows {
            assert!(!s.reply.is_empty(), "{} answers with something", s.name);
            for r in s.reply {
                assert!(replies.contains(r), "{}: no reply is called {r}", s.name);
            }
            if let Access::Roles(roles) = s.access {
                assert!(!roles.is_empty(), "{}: some role may call it", s.name);
            }
        }
        // The request's name is its `type` on the wire.
        let r: Request = serde_json::from_str(r#"{"type":"catalog_list","query":null,"category":null}"#).unwrap();
        assert_eq!(r.spec().name, "catalog_list");
    }

    /// A few rows the hall depends on, read back.
    #[test]
    fn the_lock_screen_and_the_password_screen_ask_for_little() {
        let rows = catalogue();
        let names = |f: fn(&RequestSpec) -> bool| rows.iter().filter(|s| f(s)).map(|s| s.name).collect::<Vec<_>>();
        assert_eq!(
            names(|s| s.while_locked),
            ["hall_info", "login", "logout", "whoami", "lifecycle", "lock", "settings"]
        );
        assert_eq!(
            names(|s| s.before_password_change),
            ["hall_info", "logout", "whoami", "lifecycle", "change_password", "settings"]
        );
        let writes = names(|s| s.writes);
        for w in ["login", "intake", "act", "reveal_id", "make_backup", "restore_backup", "change_password"] {
            assert!(writes.contains(&w), "{w} writes");
        }
        for r in ["lock", "logout", "search_cases", "case_detail", "backups", "audit_verify", "admission_check"] {
            assert!(!writes.contains(&r), "{r} only reads");
        }
    }
}
