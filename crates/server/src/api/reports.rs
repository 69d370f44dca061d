//! The session report: JSON, or CSV for spreadsheets.

use super::{Json, Query};
use crate::access::Need;
use crate::access::guard::perm;
use crate::clock::rfc3339;
use crate::error::{ApiResult, AppError, ErrorCode};
use crate::state::AppState;
use crate::store::sessions::ReportRow;
use assist_proto::transfer::{Direction, Outcome, TransferView};
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use std::collections::HashMap;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Most rows in one report.
pub const MAX_REPORT_ROWS: i64 = 10_000;
/// Most file transfers listed in one report (the sessions' first ones, in order); the CSV counts
/// are over these.
pub const MAX_REPORT_TRANSFERS: i64 = 50_000;

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(session_report))
}

/// The time range and format of the report.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReportQuery {
    /// Sessions created at or after this time (unix ms).
    pub from: Option<i64>,
    /// Sessions created at or before this time (unix ms).
    pub to: Option<i64>,
    /// `json` (default) or `csv`.
    pub format: Option<String>,
}

/// A CSV cell: quoted when needed, and never read as a formula by a spreadsheet.
fn cell(v: &str) -> String {
    let v = if v.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{v}")
    } else {
        v.to_owned()
    };
    if v.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", v.replace('"', "\"\""))
    } else {
        v
    }
}

/// The completed transfers of a row going `direction`.
fn completed(r: &ReportRow, direction: Direction) -> impl Iterator<Item = &TransferView> {
    r.transfers
        .iter()
        .filter(move |t| t.direction == direction && t.outcome == Some(Outcome::Completed))
}

/// The report as CSV text.
pub fn to_csv(rows: &[ReportRow]) -> String {
    let mut out = String::from(
        "id,helper_email,helper_name,sharer_email,sharer_name,device_id,sharer_kind,created_at,started_at,ended_at,duration_secs,mode,outcome,consent,files_to_sharer,files_to_helper,transfer_bytes\r\n",
    );
    for r in rows {
        let opt = |v: &Option<String>| v.clone().unwrap_or_default();
        let time = |v: Option<i64>| v.map(rfc3339).unwrap_or_default();
        let fields = [
            r.id.clone(),
            r.helper_email.clone(),
            r.helper_name.clone(),
            opt(&r.sharer_email),
            opt(&r.sharer_name),
            opt(&r.device_id),
            opt(&r.sharer_kind),
            rfc3339(r.created_at),
            time(r.started_at),
            time(r.ended_at),
            r.duration_secs.map(|d| d.to_string()).unwrap_or_default(),
            opt(&r.mode),
            r.outcome.clone(),
            opt(&r.consent),
            completed(r, Direction::ToSharer).count().to_string(),
            completed(r, Direction::ToHelper).count().to_string(),
            r.transfers
                .iter()
                .filter(|t| t.outcome == Some(Outcome::Completed))
                .map(|t| t.size)
                .sum::<i64>()
                .to_string(),
        ];
        out.push_str(&fields.iter().map(|f| cell(f)).collect::<Vec<_>>().join(","));
        out.push_str("\r\n");
    }
    out
}

#[utoipa::path(get, path = "/api/reports/sessions", tag = "reports", params(ReportQuery),
    responses((status = 200, description = "JSON, or text/csv with `format=csv`",
               content((Vec<ReportRow> = "application/json"), (String = "text/csv"))),
              (status = 400, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody)))]
async fn session_report(
    State(state): State<AppState>,
    _who: Need<perm::ReadReports>,
    Query(q): Query<ReportQuery>,
) -> ApiResult<Response> {
    let from = q.from.unwrap_or(0);
    let to = q.to.unwrap_or(i64::MAX);
    let mut rows = state
        .store
        .session_report(&state.tenant_id, from, to, MAX_REPORT_ROWS)
        .await?;
    let transfers = state
        .store
        .transfers_in_report(&state.tenant_id, from, to, MAX_REPORT_TRANSFERS)
        .await?;
    let mut by_session: HashMap<String, Vec<TransferView>> = HashMap::new();
    for t in transfers {
        by_session.entry(t.session_id.clone()).or_default().push(t);
    }
    for r in &mut rows {
        r.transfers = by_session.remove(&r.id).unwrap_or_default();
    }
    match q.format.as_deref() {
        None | Some("json") => Ok(Json(rows).into_response()),
        Some("csv") => Ok((
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
                (
                    header::CONTENT_DISPOSITION,
                    "attachment; filename=\"sessions.csv\"",
                ),
            ],
            to_csv(&rows),
        )
            .into_response()),
        Some(_) => Err(AppError::bad_request(
            ErrorCode::InvalidFormat,
            "format must be json or csv",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::cell;

    #[test]
    fn csv_cells_are_quoted_and_defused() {
        assert_eq!(cell("plain"), "plain");
        assert_eq!(cell("a,b"), "\"a,b\"");
        assert_eq!(cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(cell("-1"), "'-1");
    }
}
