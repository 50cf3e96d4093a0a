//! What each request does, once [`super::admit`] has let it through: the one `match` from a
//! request to the store's work and the reply (the catalogue names which reply each may give).

use super::*;
use crate::catalog::CatalogFile;
use crate::duties::DutyFile;
use crate::lifecycle;
use crate::store::SEARCH_LIMIT;

pub(super) fn run(store: &mut Store, session: &mut Option<SessionUser>, req: Request) -> Result<Reply> {
    let spec = req.spec();
    admit(&spec, session.as_ref())?;
    if spec.writes && !spec.while_damaged {
        store.refuse_if_damaged()?;
    }
    let actor = session.as_ref().map(|u| u.username.clone()).unwrap_or_default();
    Ok(match req {
        Request::HallInfo => Reply::HallInfo(store.hall_info()?),
        Request::Login { username, password } => {
            let user = store.login(&username, &password)?;
            log::info!("login {}", user.username);
            *session = Some(user);
            Reply::Session(session.clone())
        }
        Request::Logout => {
            *session = None;
            Reply::Session(None)
        }
        Request::Whoami => Reply::Session(session.clone()),
        Request::Lifecycle => Reply::Lifecycle(lifecycle::table()),
        Request::Units => Reply::Units(store.units()?),
        Request::CatalogCategories => Reply::Categories(
            store
                .catalog_categories()?
                .into_iter()
                .map(|(category, count)| CategoryCount { category, count })
                .collect(),
        ),
        Request::CatalogList { query, category } => {
            Reply::CatalogItems(store.catalog_items(query.as_deref(), category.as_deref().filter(|c| !c.is_empty()))?)
        }
        Request::CatalogItem { code } => Reply::CatalogItem(Box::new(store.catalog_item(&code, None)?)),
        Request::CatalogVersions => Reply::CatalogVersions(store.catalog_versions()?),
        Request::CatalogImport { text, csv } => {
            let file = if csv { CatalogFile::parse_csv(&text)? } else { CatalogFile::parse_json(&text)? };
            Reply::CatalogImported(store.import_catalog(&file, &actor)?)
        }
        Request::CalendarYears => Reply::CalendarYears(store.calendar_years()?),
        Request::CalendarImport { text } => {
            store.import_calendar(&text, &actor)?;
            Reply::CalendarYears(store.calendar_years()?)
        }
        Request::DueDate { accepted, days } => Reply::DueDate(store.calendar().add_working_days(accepted, days)),
        Request::SearchCases { text } => Reply::Cases(store.search_cases(&text, SEARCH_LIMIT)?),
        Request::ListCases { state, date, limit } => {
            Reply::Cases(store.list_cases(state, date, limit.unwrap_or(200).clamp(1, 1000) as usize)?)
        }
        Request::CaseDetail { number } => Reply::Case(Box::new(store.case_view(&number, require(session)?)?)),
        Request::IntakeOutcomes { item_code, materials } => {
            Reply::Outcomes(store.intake_outcomes(&item_code, &materials)?)
        }
        Request::Intake { mut request } => {
            let user = require(session)?;
            request.clerk = user.username.clone();
            Reply::Case(Box::new(store.intake(&request, user)?))
        }
        Request::Act { number, action, params } => {
            Reply::Case(Box::new(store.act(&number, action, require(session)?, &params)?))
        }
        Request::OpenCasesFor { id_number, item_code } => Reply::Cases(store.open_cases_for(&id_number, &item_code)?),
        Request::SupplyMaterials { number, names } => {
            Reply::Case(Box::new(store.supply_materials(&number, &names, require(session)?)?))
        }
        Request::Queue { unit } => {
            let user = require(session)?;
            let unit = match (user.role, unit) {
                (Role::Officer, Some(u)) if Some(&u) != user.unit.as_ref() => {
                    return Err(HallError::forbidden("经办人只能查看本单位的待办"))
                }
                (_, Some(u)) => u,
                (_, None) => user.unit.clone().ok_or_else(|| HallError::invalid("请选择单位"))?,
            };
            Reply::Cases(store.queue(&unit)?)
        }
        Request::ReadyList => Reply::Cases(store.ready_list()?),
        Request::UrgentCases => Reply::Cases(store.urgent_cases()?),
        Request::LapsedCommitments => Reply::Cases(store.lapsed_commitments()?),
        Request::SupplementWatch => Reply::SupplementWatch(store.supplement_watch(require(session)?)?),
        Request::SweepSupplements => Reply::Numbers(store.sweep_supplement_lapses()?),
        Request::Rate { number, level, comment } => {
            Reply::Rating(store.rate(&number, level, &comment, require(session)?)?)
        }
        Request::Dashboard => Reply::Dashboard(store.dashboard()?),
        Request::Figures { from, to } => Reply::Figures(Box::new(store.figures(from, to)?)),
        Request::FollowUps { open_only } => Reply::FollowUps(store.follow_ups(open_only)?),
        Request::UpdateFollowUp { number, update } => {
            Reply::FollowUp(store.update_follow_up(&number, &update, require(session)?)?)
        }
        Request::RevealId { number, agent } => Reply::IdNumber(store.reveal_id(&number, agent, require(session)?)?),
        Request::Vocabulary => Reply::Vocabulary(Box::new(crate::vocabulary::vocabulary())),
        Request::Lock => {
            if let Some(u) = session.as_mut() {
                u.locked = true;
            }
            Reply::Session(session.clone())
        }
        Request::ChangePassword { old, new } => {
            let user = store.change_password(&actor, &old, &new)?;
            *session = Some(user);
            Reply::Session(session.clone())
        }
        Request::Users => Reply::Users(store.users()?),
        Request::AddUser { user } => {
            store.add_user(&user, &actor)?;
            Reply::Users(store.users()?)
        }
        Request::UpdateUser { user } => {
            store.update_user(&user, &actor)?;
            Reply::Users(store.users()?)
        }
        Request::ResetPassword { username, password } => {
            store.reset_password(&username, &password, &actor)?;
            Reply::Users(store.users()?)
        }
        Request::Settings => Reply::Settings(store.settings()?),
        Request::SaveSettings { settings } => Reply::Settings(store.save_settings(&settings, &actor)?),
        Request::SyncStatus => Reply::SyncStatus(store.sync_status()?),
        Request::AuditVerify => Reply::Audit(store.audit_verify()?),
        Request::Backups => Reply::Backups(store.backups()?),
        Request::MakeBackup => {
            let dest = store
                .path()
                .with_file_name("backups")
                .join(format!("hall-{}-manual.db", store.now().format("%Y%m%d-%H%M%S")));
            store.backup_to(&dest)?;
            let tx_note = format!("手动备份到 {}", dest.display());
            store.note_hall_event(&actor, "backup", &tx_note)?;
            Reply::Backups(store.backups()?)
        }
        Request::RestoreBackup { path, recovery_code } => {
            let code = recovery_code.as_deref().map(|c| crate::store::RecoveryCode::parse(c)).transpose()?;
            Reply::Restored(store.restore_from(std::path::Path::new(&path), code.as_ref(), &actor)?)
        }
        Request::RestoreNewHall { path, recovery_code } => {
            let code = crate::store::RecoveryCode::parse(&recovery_code)?;
            Reply::Restored(store.restore_new_hall(std::path::Path::new(&path), &code)?)
        }
        Request::DataSafety => Reply::DataSafety(store.data_safety()?),
        Request::ShowRecoveryCode => Reply::RecoveryCodeShown(store.show_recovery_code(&actor)?),
        Request::AnswerSheetOffer { printed } => {
            store.answer_sheet_offer(&actor, printed)?;
            Reply::Done
        }
        Request::RotateKey => Reply::KeyRotated(store.rotate_key(&actor)?),
        Request::CheckIntegrity => Reply::Integrity(store.check_integrity(&actor, crate::store::CheckedBy::Admin)?),
        Request::SaveHub { url, token } => {
            store.save_hub(&url, token.as_deref().filter(|t| !t.trim().is_empty()), &actor)?;
            Reply::SyncStatus(store.sync_status()?)
        }
        Request::SaveUnit { unit } => {
            store.save_unit(&unit, &actor)?;
            Reply::Units(store.units()?)
        }
        Request::DutyEntries { list, query } => Reply::DutyEntries(store.duty_entries(list, query.as_deref())?),
        Request::DutyVersions => Reply::DutyVersions(store.duty_versions()?),
        Request::DutyImport { text, csv } => {
            let file = if csv { DutyFile::parse_csv(&text)? } else { DutyFile::parse_json(&text)? };
            Reply::DutyImported(store.import_duties(&file, &actor)?)
        }
        Request::AdmissionCheck { input } => Reply::AdmissionCheck(store.check_admission(&input)?),
        Request::AdmissionRecord { input } => Reply::AdmissionTask(store.record_admission(&input, &actor)?),
        Request::AdmissionFinish { number, note } => {
            Reply::AdmissionTask(store.finish_admission(&number, &note, &actor)?)
        }
        Request::AdmissionTasks { state } => Reply::AdmissionTasks(store.admission_tasks(state, LIST_LIMIT)?),
        Request::ConsultLog { input } => Reply::Consultation(store.log_consultation(&input, &actor)?),
        Request::ConsultClose { number, result } => {
            Reply::Consultation(store.close_callback(&number, &result, &actor)?)
        }
        Request::Consultations { filter, date } => Reply::Consultations(store.consultations(filter, date, LIST_LIMIT)?),
        Request::DemandLog { input } => Reply::Demand(store.log_demand(&input, &actor)?),
        Request::DemandReview { number, adopt, note } => {
            Reply::Demand(store.review_demand(&number, adopt, &note, &actor)?)
        }
        Request::DemandAnswer { number, answer } => Reply::Demand(store.answer_demand(&number, &answer, &actor)?),
        Request::Demands { state } => Reply::Demands(store.demands(state, LIST_LIMIT)?),
        Request::DemandVillages => Reply::Villages(store.demand_villages()?),
        Request::IssueRaise { input } => Reply::Issue(store.raise_issue(&input, &actor)?),
        Request::IssueAnswer { number, answer } => Reply::Issue(store.answer_issue(&number, &answer, &actor)?),
        Request::Issues { open_only } => Reply::Issues(store.issues(open_only, LIST_LIMIT)?),
        Request::HostPairCode => Reply::PairingCode(store.new_pairing_code(&actor)?),
        Request::HostDevices => Reply::Devices(store.devices()?),
        Request::HostRevoke { device } => {
            store.revoke_device(&device, &actor)?;
            Reply::Devices(store.devices()?)
        }
        Request::PairDevice { code, name, kind, serves } => {
            Reply::Paired(store.pair_device(&code, &name, kind, serves.as_deref())?)
        }
        Request::RatingPrompt => Reply::RatingPrompt(store.rating_prompt(require(session)?)?),
        Request::ScreenRate { number, level, reasons, comment } => {
            Reply::Rating(store.screen_rate(&number, level, &reasons, &comment, require(session)?)?)
        }
    })
}

/// The most records a list request returns (newest first).
const LIST_LIMIT: usize = 500;
