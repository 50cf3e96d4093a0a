//! A write that carries a request id is done once. The desk (or `hallctl --request-id`) picks
//! the id; the answer is committed in the same transaction as the write, so a desk that lost
//! the answer — cable pulled, host killed between commit and reply — asks again and gets the
//! very same answer, and never two cases for one intake. An id used again for a different
//! request is refused.

use sha2::{Digest, Sha256};

use crate::api::{dispatch, Reply, Request};
use crate::error::{ErrorCode, HallError, Result};
use crate::store::{SessionUser, Store};

/// The longest request id accepted (a UUID is 36).
const MAX_ID: usize = 100;

fn fingerprint(req: &Request) -> Result<String> {
    let bytes = serde_json::to_vec(req).map_err(|e| HallError::new(ErrorCode::Internal, e.to_string()))?;
    Ok(Sha256::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect())
}

fn check_id(id: &str) -> Result<()> {
    let ok = !id.is_empty()
        && id.len() <= MAX_ID
        && id.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':'));
    if ok {
        Ok(())
    } else {
        Err(HallError::invalid(format!("请求编号应为 1–{MAX_ID} 个字母、数字或 - _ . :")))
    }
}

/// Runs `req` through [`dispatch`]; with a request id, at most once (a repeat gets the first
/// answer, refusals included).
pub fn dispatch_once(
    store: &mut Store,
    session: &mut Option<SessionUser>,
    request_id: Option<&str>,
    req: Request,
) -> Result<Reply> {
    let Some(id) = request_id else { return dispatch(store, session, req) };
    check_id(id)?;
    let print = fingerprint(&req)?;
    if let Some((kept_print, answer)) = store.kept_answer(id)? {
        if kept_print != print {
            return Err(HallError::conflict(format!("请求编号 {id} 已用于另一项操作，未重复执行")));
        }
        log::info!("request {id} repeated: the kept answer is given");
        return serde_json::from_str::<std::result::Result<Reply, HallError>>(&answer)
            .map_err(|e| HallError::new(ErrorCode::Storage, format!("请求 {id} 的已存应答无法读取：{e}")))?;
    }
    let kind: &'static str = (&req).into();
    store.begin_request_scope()?;
    let answer = dispatch(store, session, req);
    let text = serde_json::to_string(&answer).map_err(|e| HallError::new(ErrorCode::Internal, e.to_string()))?;
    store.end_request_scope(id, &print, kind, &text)?;
    answer
}
