//! Reports and cases over the JSON API: a buyer or seller reports something (`reports` scope); investigators'
//! tools read and work the case queue (`investigator` scope). The console pages call the same use cases.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use casework::{
    CaseworkError, HeldDecision, NewReport, Outcome, ReportCategory, Resolve, Subject, SubjectType,
};
use serde::{Deserialize, Serialize};
use store::Scope;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::auth::Caller;
use crate::error::{ApiError, ErrorBody, ErrorCode};
use crate::extract::{ApiPath, ApiQuery};
use crate::json::ApiJson;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(file_report))
        .routes(routes!(list_cases))
        .routes(routes!(get_case))
        .routes(routes!(take_case))
        .routes(routes!(note_case))
        .routes(routes!(resolve_case))
}

impl From<CaseworkError> for ApiError {
    fn from(e: CaseworkError) -> Self {
        let message = e.to_string();
        match e {
            CaseworkError::NotFound { .. } => ApiError::new(ErrorCode::NotFound, message),
            CaseworkError::Invalid(m) => ApiError::new(ErrorCode::InvalidRequest, m),
            CaseworkError::NotAParticipant { .. } => {
                ApiError::new(ErrorCode::NotAParticipant, message)
            }
            CaseworkError::Transition(_) => ApiError::new(ErrorCode::InvalidCaseState, message),
            CaseworkError::Locked(_) => ApiError::new(ErrorCode::CaseLocked, message),
            CaseworkError::Store(e) => ApiError::from(e),
        }
    }
}

pub(crate) fn parse_token<T>(
    value: &str,
    field: &str,
    parse: fn(&str) -> Option<T>,
    choices: String,
) -> Result<T, ApiError> {
    parse(value).ok_or_else(|| {
        ApiError::new(
            ErrorCode::InvalidRequest,
            format!("`{field}` is `{value}`; it must be one of {choices}"),
        )
    })
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubjectIn {
    /// `message`, `conversation`, `order` or `user`.
    #[serde(rename = "type")]
    pub kind: String,
    /// A Marketguard id (message, conversation) or the marketplace's id (order, user).
    pub id: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportRequest {
    pub reporter_id: String,
    pub subject: SubjectIn,
    /// `phone_request`, `off_platform_payment`, `phishing`, `credential_request`, `harassment`, `counterfeit`,
    /// `other`.
    pub category: String,
    /// The reporter's words (at most 4,000 characters; may be empty).
    #[serde(default)]
    pub text: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReportOut {
    pub id: String,
    /// The case the report joined (or opened).
    pub case_id: String,
    /// True when this report opened its case.
    pub opened_case: bool,
}

/// A buyer or seller reports a message, conversation, order or user. Reports about the same subject join one
/// case, routed to a queue by category. An `Idempotency-Key` header makes a retry answer the first response.
/// Needs the `reports` scope.
#[utoipa::path(
    post,
    path = "/v1/reports",
    tag = "cases",
    request_body = ReportRequest,
    params(("Idempotency-Key" = Option<String>, Header, description = "repeat it to retry safely")),
    security(("api_key" = ["reports"])),
    responses(
        (status = 201, description = "filed", body = ReportOut),
        (status = 200, description = "a repeated Idempotency-Key: the first report", body = ReportOut),
        (status = 400, description = "`malformed_json`", body = ErrorBody),
        (status = 401, description = "`missing_api_key`, `unknown_api_key`, `revoked_api_key`", body = ErrorBody),
        (status = 403, description = "`missing_scope`; `not_a_participant`: the reporter is not a party to the subject", body = ErrorBody),
        (status = 404, description = "`not_found`: the reporter or the subject", body = ErrorBody),
        (status = 422, description = "`invalid_request`", body = ErrorBody),
        (status = 429, description = "`rate_limited`", body = ErrorBody),
    )
)]
pub async fn file_report(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    ApiJson(req): ApiJson<ReportRequest>,
) -> Result<Response, ApiError> {
    caller.require(Scope::Reports)?;
    let report = NewReport {
        reporter_id: req.reporter_id,
        subject: Subject {
            kind: parse_token(
                &req.subject.kind,
                "subject.type",
                SubjectType::parse,
                SubjectType::choices(),
            )?,
            id: req.subject.id,
        },
        category: parse_token(
            &req.category,
            "category",
            ReportCategory::parse,
            ReportCategory::choices(),
        )?,
        text: req.text,
        idempotency_key: super::conversations::idempotency_key(&headers)?,
    };
    let filed = state.casework.file_report(&report, state.now()).await?;
    let status = if filed.replayed {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    Ok((
        status,
        Json(ReportOut {
            id: filed.report.id,
            case_id: filed.case_id,
            opened_case: filed.opened,
        }),
    )
        .into_response())
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CaseOut {
    pub id: String,
    pub subject: SubjectOut,
    /// The user the case is about.
    pub user_id: Option<String>,
    pub conversation_id: Option<String>,
    pub order_id: Option<String>,
    /// `report`, `held_message` or `appeal`.
    #[schema(value_type = String)]
    pub source: domain::SourceKind,
    #[schema(value_type = Option<String>)]
    pub category: Option<domain::ReportCategory>,
    pub queue: String,
    /// 1 is the most urgent.
    pub priority: i64,
    /// `open`, `in_review`, `waiting`, `resolved` or `appealed`.
    #[schema(value_type = String)]
    pub state: domain::CaseState,
    pub assignee: Option<String>,
    pub due_at: String,
    #[schema(value_type = Option<String>)]
    pub outcome: Option<domain::Outcome>,
    pub outcome_reason: Option<String>,
    pub resolved_by: Option<String>,
    pub created_at: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SubjectOut {
    #[serde(rename = "type")]
    #[schema(value_type = String)]
    pub kind: domain::SubjectType,
    pub id: String,
}

impl From<casework::CaseRecord> for CaseOut {
    fn from(c: casework::CaseRecord) -> Self {
        CaseOut {
            id: c.id,
            subject: SubjectOut {
                kind: c.subject_type,
                id: c.subject_id,
            },
            user_id: c.user_id,
            conversation_id: c.conversation_id,
            order_id: c.order_id,
            source: c.source,
            category: c.category,
            queue: c.queue,
            priority: c.priority,
            state: c.state,
            assignee: c.assignee,
            due_at: store::format_time(c.due_at),
            outcome: c.outcome,
            outcome_reason: c.outcome_reason,
            resolved_by: c.resolved_by,
            created_at: store::format_time(c.created_at),
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CaseQuery {
    /// Only this queue.
    pub queue: Option<String>,
    /// Only this state; the active states (all but `resolved`) when absent.
    pub state: Option<String>,
    /// Only cases about this user.
    pub user_id: Option<String>,
    /// At most this many (1 to 1000, default 200).
    pub limit: Option<i64>,
}

/// The case queue, most urgent first (priority, then due time). Needs the `investigator` scope.
#[utoipa::path(
    get,
    path = "/v1/cases",
    tag = "cases",
    params(CaseQuery),
    security(("api_key" = ["investigator"])),
    responses(
        (status = 200, body = [CaseOut]),
        (status = 401, description = "`missing_api_key`, `unknown_api_key`, `revoked_api_key`", body = ErrorBody),
        (status = 403, description = "`missing_scope`", body = ErrorBody),
        (status = 422, description = "`invalid_request`", body = ErrorBody),
        (status = 429, description = "`rate_limited`", body = ErrorBody),
    )
)]
pub async fn list_cases(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<CaseQuery>,
) -> Result<Json<Vec<CaseOut>>, ApiError> {
    caller.require(Scope::Investigator)?;
    let states = match q.state {
        Some(s) => vec![parse_token(
            &s,
            "state",
            cases::CaseState::parse,
            cases::CaseState::choices(),
        )?],
        None => Vec::new(),
    };
    let cases = state
        .casework
        .queue(&casework::CaseFilter {
            states,
            queue: q.queue,
            assignee: None,
            user_id: q.user_id,
            limit: q.limit.unwrap_or(200).clamp(1, 1000),
        })
        .await?;
    Ok(Json(cases.into_iter().map(CaseOut::from).collect()))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CaseFileOut {
    pub case: CaseOut,
    pub reports: Vec<ReportItem>,
    pub notes: Vec<NoteItem>,
    /// The case's story in time order (reports, messages with their findings' categories, steps, notes, appeals).
    pub timeline: Vec<TimelineItem>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReportItem {
    pub id: String,
    pub reporter_id: String,
    #[schema(value_type = String)]
    pub category: domain::ReportCategory,
    pub text: String,
    pub created_at: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct NoteItem {
    pub author: String,
    pub text: String,
    pub created_at: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TimelineItem {
    pub at: String,
    pub kind: String,
    pub who: String,
    pub summary: String,
    pub id: String,
}

/// One case with its reports, notes and evidence timeline. Message texts are not included here (the console
/// shows them, masked until an investigator gives a reason). Needs the `investigator` scope.
#[utoipa::path(
    get,
    path = "/v1/cases/{case_id}",
    tag = "cases",
    params(("case_id" = String, Path)),
    security(("api_key" = ["investigator"])),
    responses(
        (status = 200, body = CaseFileOut),
        (status = 401, description = "`missing_api_key`, `unknown_api_key`, `revoked_api_key`", body = ErrorBody),
        (status = 403, description = "`missing_scope`", body = ErrorBody),
        (status = 404, description = "`not_found`", body = ErrorBody),
        (status = 429, description = "`rate_limited`", body = ErrorBody),
    )
)]
pub async fn get_case(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(case_id): ApiPath<String>,
) -> Result<Json<CaseFileOut>, ApiError> {
    caller.require(Scope::Investigator)?;
    let file = state.casework.case_file(&case_id, state.now()).await?;
    Ok(Json(CaseFileOut {
        reports: file
            .reports
            .into_iter()
            .map(|r| ReportItem {
                id: r.id,
                reporter_id: r.reporter_id,
                category: r.category,
                text: r.text,
                created_at: store::format_time(r.created_at),
            })
            .collect(),
        notes: file
            .notes
            .into_iter()
            .map(|n| NoteItem {
                author: n.author,
                text: n.text,
                created_at: store::format_time(n.created_at),
            })
            .collect(),
        timeline: file
            .timeline
            .into_iter()
            .map(|t| TimelineItem {
                at: store::format_time(t.at),
                kind: t.kind.to_string(),
                who: t.who,
                summary: t.summary,
                id: t.id,
            })
            .collect(),
        case: file.case.into(),
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TakeRequest {
    /// The investigator who takes the case (recorded in the audit log).
    pub investigator: String,
}

/// Takes a case: locks it to the investigator and puts it in review. Needs the `investigator` scope.
#[utoipa::path(
    post,
    path = "/v1/cases/{case_id}/take",
    tag = "cases",
    params(("case_id" = String, Path)),
    request_body = TakeRequest,
    security(("api_key" = ["investigator"])),
    responses(
        (status = 200, body = CaseOut),
        (status = 400, description = "`malformed_json`", body = ErrorBody),
        (status = 401, description = "`missing_api_key`, `unknown_api_key`, `revoked_api_key`", body = ErrorBody),
        (status = 403, description = "`missing_scope`", body = ErrorBody),
        (status = 404, description = "`not_found`", body = ErrorBody),
        (status = 409, description = "`case_locked`, `invalid_case_state`", body = ErrorBody),
        (status = 422, description = "`invalid_request`", body = ErrorBody),
        (status = 429, description = "`rate_limited`", body = ErrorBody),
    )
)]
pub async fn take_case(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(case_id): ApiPath<String>,
    ApiJson(req): ApiJson<TakeRequest>,
) -> Result<Json<CaseOut>, ApiError> {
    caller.require(Scope::Investigator)?;
    let who = investigator(&req.investigator)?;
    Ok(Json(
        state
            .casework
            .take(&case_id, who, state.now())
            .await?
            .into(),
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NoteRequest {
    pub investigator: String,
    pub text: String,
}

/// Appends a note to an active case (notes are never edited or deleted). Needs the `investigator` scope.
#[utoipa::path(
    post,
    path = "/v1/cases/{case_id}/notes",
    tag = "cases",
    params(("case_id" = String, Path)),
    request_body = NoteRequest,
    security(("api_key" = ["investigator"])),
    responses(
        (status = 200, body = CaseOut),
        (status = 400, description = "`malformed_json`", body = ErrorBody),
        (status = 401, description = "`missing_api_key`, `unknown_api_key`, `revoked_api_key`", body = ErrorBody),
        (status = 403, description = "`missing_scope`", body = ErrorBody),
        (status = 404, description = "`not_found`", body = ErrorBody),
        (status = 422, description = "`invalid_request`", body = ErrorBody),
        (status = 429, description = "`rate_limited`", body = ErrorBody),
    )
)]
pub async fn note_case(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(case_id): ApiPath<String>,
    ApiJson(req): ApiJson<NoteRequest>,
) -> Result<Json<CaseOut>, ApiError> {
    caller.require(Scope::Investigator)?;
    let who = investigator(&req.investigator)?;
    Ok(Json(
        state
            .casework
            .note(&case_id, who, &req.text, state.now())
            .await?
            .into(),
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResolveRequest {
    pub investigator: String,
    /// `dismiss`, `warn`, `restrict`, `suspend`, `remove` or `reinstate`.
    pub outcome: String,
    pub reason: String,
    /// For a held-message case: `release` (deliver it) or `reject` (never deliver it).
    pub held_message: Option<String>,
}

/// Resolves a case the investigator holds: applies the outcome on the enforcement ladder to the user the case is
/// about, releases or rejects a held message, and notifies the user and the reporters. Needs the `investigator`
/// scope.
#[utoipa::path(
    post,
    path = "/v1/cases/{case_id}/resolve",
    tag = "cases",
    params(("case_id" = String, Path)),
    request_body = ResolveRequest,
    security(("api_key" = ["investigator"])),
    responses(
        (status = 200, body = CaseOut),
        (status = 400, description = "`malformed_json`", body = ErrorBody),
        (status = 401, description = "`missing_api_key`, `unknown_api_key`, `revoked_api_key`", body = ErrorBody),
        (status = 403, description = "`missing_scope`", body = ErrorBody),
        (status = 404, description = "`not_found`", body = ErrorBody),
        (status = 409, description = "`case_locked`, `invalid_case_state`", body = ErrorBody),
        (status = 422, description = "`invalid_request`", body = ErrorBody),
        (status = 429, description = "`rate_limited`", body = ErrorBody),
    )
)]
pub async fn resolve_case(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(case_id): ApiPath<String>,
    ApiJson(req): ApiJson<ResolveRequest>,
) -> Result<Json<CaseOut>, ApiError> {
    caller.require(Scope::Investigator)?;
    let who = investigator(&req.investigator)?;
    let outcome = parse_token(&req.outcome, "outcome", Outcome::parse, Outcome::choices())?;
    let held = match req.held_message.as_deref() {
        None => None,
        Some("release") => Some(HeldDecision::Release),
        Some("reject") => Some(HeldDecision::Reject),
        Some(other) => {
            return Err(ApiError::new(
                ErrorCode::InvalidRequest,
                format!("`held_message` is `{other}`; it must be `release` or `reject`"),
            ));
        }
    };
    let resolve = Resolve {
        outcome,
        reason: &req.reason,
        held,
    };
    Ok(Json(
        state
            .casework
            .resolve(&case_id, who, &resolve, state.now())
            .await?
            .into(),
    ))
}

pub(crate) fn investigator(name: &str) -> Result<&str, ApiError> {
    let name = name.trim();
    if name.is_empty() || name.len() > 100 {
        return Err(ApiError::new(
            ErrorCode::InvalidRequest,
            "`investigator` must name the investigator (1 to 100 characters)",
        ));
    }
    Ok(name)
}
