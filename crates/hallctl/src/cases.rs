//! `case intake|show|list|act` and `search`: each a request through the gate, as the window's.

use hall_core::api::{Reply, Request};
use hall_core::intake::IntakeRequest;
use hall_core::lifecycle::{Action, CaseState};
use hall_core::store::{ActParams, CaseDetail, CaseSummary, FollowUpUpdate};
use hall_core::HallError;

use crate::cli::ActArgs;
use crate::session::{Gate, Place};
use crate::{print_json, read_input};

fn json_error(e: &serde_json::Error) -> HallError {
    HallError::invalid(format!("操作参数 JSON 有误：{}", hall_core::validate::json_error_zh(e)))
}

/// `case intake`: the acting clerk is `--user`, else the document's `clerk`, signed in either way.
pub fn intake(
    place: Place,
    user: Option<String>,
    request_id: Option<String>,
    input: &str,
    json: bool,
) -> Result<(), HallError> {
    let text = read_input(input)?;
    let req: IntakeRequest = serde_json::from_str(&text).map_err(|e| {
        HallError::invalid(format!(
            "受理文档第 {} 行第 {} 列有误：{}",
            e.line(),
            e.column(),
            hall_core::validate::json_error_zh(&e)
        ))
    })?;
    let clerk = user.or_else(|| Some(req.clerk.trim().to_string()).filter(|c| !c.is_empty()));
    let clerk =
        clerk.ok_or_else(|| HallError::invalid("受理文档缺少 clerk（受理员用户名），或用 --user 指定受理员"))?;
    let mut gate = Gate::open(place, Some(&clerk), json)?.with_request_id(request_id);
    let case = answer!(gate.ask(Request::Intake { request: Box::new(req) })?, Reply::Case);
    print_case(&case, json);
    Ok(())
}

/// `case act`: `--user`, else the `user` of the parameters, else the operator session (whose
/// role the lifecycle table never lets take a clerk's or an officer's step).
pub fn act(
    place: Place,
    user: Option<String>,
    request_id: Option<String>,
    a: ActArgs,
    json: bool,
) -> Result<(), HallError> {
    let mut extra: serde_json::Value = match &a.input {
        None => serde_json::json!({}),
        Some(p) => {
            let text = if p.trim_start().starts_with('{') { p.clone() } else { read_input(p)? };
            serde_json::from_str(&text).map_err(|e| json_error(&e))?
        }
    };
    if !extra.is_object() {
        return Err(HallError::invalid("操作参数 JSON 应为一个对象，如 {\"user\": \"clerk1\"}"));
    }
    for (k, v) in [("note", a.note), ("unit", a.unit)] {
        if let Some(v) = v {
            extra[k] = serde_json::Value::String(v);
        }
    }
    let field = |k: &str| extra.get(k).and_then(|v| v.as_str()).map(str::to_string);
    let user = user.or_else(|| field("user"));
    let number = a.number;
    // Steps around the lifecycle that are not transitions of it have requests of their own.
    let req = match a.action.as_str() {
        "rate" | "评价" => {
            let level = extra
                .get("level")
                .and_then(|v| v.as_u64())
                .ok_or_else(|| HallError::invalid("评价须给出 level（1 非常不满意 … 5 非常满意）"))?;
            let level = u8::try_from(level).unwrap_or(0);
            Request::Rate { number: number.clone(), level, comment: field("comment").unwrap_or_default() }
        }
        "supply_materials" | "补交材料" => {
            let names = serde_json::from_value(extra.get("materials").cloned().unwrap_or_default())
                .map_err(|e| json_error(&e))?;
            Request::SupplyMaterials { number: number.clone(), names }
        }
        "follow_up" | "差评回访" => {
            let update: FollowUpUpdate = serde_json::from_value(extra.clone()).map_err(|e| json_error(&e))?;
            Request::UpdateFollowUp { number: number.clone(), update }
        }
        other => {
            let action = Action::parse(other)?;
            let params: ActParams = serde_json::from_value(extra.clone()).map_err(|e| json_error(&e))?;
            Request::Act { number: number.clone(), action, params: Box::new(params) }
        }
    };
    let mut gate = Gate::open(place, user.as_deref(), json)?.with_request_id(request_id);
    gate.ask(req)?;
    show(&mut gate, number)
}

pub fn show(gate: &mut Gate, number: String) -> Result<(), HallError> {
    let case = answer!(gate.ask(Request::CaseDetail { number })?, Reply::Case);
    print_case(&case, gate.json);
    Ok(())
}

pub fn list(
    gate: &mut Gate,
    state: Option<String>,
    date: Option<chrono::NaiveDate>,
    limit: usize,
) -> Result<(), HallError> {
    let state = state.as_deref().map(CaseState::parse).transpose()?;
    let limit = Some(u32::try_from(limit).unwrap_or(u32::MAX));
    let cases = answer!(gate.ask(Request::ListCases { state, date, limit })?, Reply::Cases);
    print_cases(&cases, gate.json);
    Ok(())
}

/// 补正 past their deadline ended as 视为撤回 where the township's setting says so.
pub fn sweep(gate: &mut Gate) -> Result<(), HallError> {
    let ended = answer!(gate.ask(Request::SweepSupplements)?, Reply::Numbers);
    if gate.json {
        print_json(&serde_json::json!({ "deemed_withdrawn": ended }));
    } else if ended.is_empty() {
        let mode = answer!(gate.ask(Request::Settings)?, Reply::Settings).supplement_lapse;
        println!("没有需要视为撤回的办件（补正逾期处理：{}）", mode.label());
    } else {
        println!("补正逾期视为撤回 {} 件：{}", ended.len(), ended.join("、"));
    }
    Ok(())
}

pub fn search(gate: &mut Gate, text: String) -> Result<(), HallError> {
    let cases = answer!(gate.ask(Request::SearchCases { text })?, Reply::Cases);
    print_cases(&cases, gate.json);
    Ok(())
}

fn print_case(c: &CaseDetail, json: bool) {
    if json {
        print_json(c);
        return;
    }
    let s = &c.summary;
    println!("办件编号：{}", s.number);
    println!("事项：{}（{}，{}）", s.item_name, s.item_code, c.item_kind);
    println!("申请人：{} {}", c.applicant.name, c.applicant.id_masked);
    if let Some(a) = &c.agent {
        println!("代办人：{} {}", a.name, a.id_masked);
    }
    println!("状态：{}", s.state_label);
    println!("承办单位：{}", s.unit_name);
    println!("首问负责人：{}", c.logged_by);
    if let Some(d) = &s.accepted_on {
        println!("受理日期：{d}");
    }
    if let Some(d) = &s.due_date {
        println!("承诺办结日期：{d}");
    }
    if let Some(d) = &c.commitment_due {
        println!("容缺承诺期限：{d}");
    }
    if let Some(w) = &c.calendar_warning {
        eprintln!("{w}");
    }
    let missing: Vec<&str> =
        c.materials.iter().filter(|m| m.required && !m.submitted).map(|m| m.name.as_str()).collect();
    if !missing.is_empty() {
        println!("缺少材料：{}", missing.join("、"));
    }
    println!("办理记录：");
    for e in &c.events {
        let to = e.to_state.map(|s| s.label()).unwrap_or("");
        println!("  {}  {}  {}  {}  {}", e.at, e.action_label, to, e.actor, e.note);
    }
}

fn print_cases(cases: &[CaseSummary], json: bool) {
    if json {
        print_json(&cases);
        return;
    }
    for c in cases {
        println!(
            "{}\t{}\t{}\t{}\t{}\t{}",
            c.number,
            c.state_label,
            c.item_name,
            c.applicant_name,
            c.applicant_id_masked,
            c.due_date.as_deref().unwrap_or("-")
        );
    }
    println!("共 {} 件", cases.len());
}
