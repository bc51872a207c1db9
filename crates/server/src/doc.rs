//! What the OpenAPI document says about every operation at once: the refusals of the shared extractors
//! (`json::ApiJson`, `json::ApiBytes`, `extract::ApiPath`, `extract::ApiQuery`), declared here from the operation's
//! shape so no route can forget one.

use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::{ContentBuilder, OpenApi, Ref, RefOr, ResponseBuilder};

/// Adds to each operation the error responses its extractors can give and its own annotation does not name:
/// 400 `malformed_json` for a JSON body; 413 `payload_too_large` and 415 `unsupported_media_type` for any body;
/// 422 `invalid_request` for a JSON body or a path or query parameter (a value of the wrong type, a NUL
/// character).
pub fn declare_edge_refusals(doc: &mut OpenApi) {
    for item in doc.paths.paths.values_mut() {
        for op in [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
        ]
        .into_iter()
        .flatten()
        {
            declare(op);
        }
    }
}

fn declare(op: &mut Operation) {
    let json_body = op
        .request_body
        .as_ref()
        .is_some_and(|b| b.content.contains_key("application/json"));
    let any_body = op.request_body.is_some();
    let parameters = op.parameters.as_ref().is_some_and(|ps| {
        ps.iter()
            .any(|p| matches!(p.parameter_in, ParameterIn::Path | ParameterIn::Query))
    });
    let mut add = |status: &str, codes: &str| {
        op.responses
            .responses
            .entry(status.to_string())
            .or_insert_with(|| error_response(codes));
    };
    if json_body {
        add("400", "`malformed_json`");
    }
    if any_body {
        add("413", "`payload_too_large`");
        add("415", "`unsupported_media_type`");
    }
    if json_body || parameters {
        add("422", "`invalid_request`");
    }
}

fn error_response(description: &str) -> RefOr<utoipa::openapi::Response> {
    RefOr::T(
        ResponseBuilder::new()
            .description(description)
            .content(
                "application/json",
                ContentBuilder::new()
                    .schema(Some(Ref::from_schema_name("ErrorBody")))
                    .build(),
            )
            .build(),
    )
}

/// The closed sets of tokens the routes parse request fields with (schema, property, tokens).
fn enums() -> Vec<(&'static str, &'static str, Vec<&'static str>)> {
    use domain::Token;
    fn all<T: Token>() -> Vec<&'static str> {
        T::ALL.iter().map(|t| t.as_str()).collect()
    }
    vec![
        ("UserRequest", "role", all::<domain::UserRole>()),
        ("OrderRequest", "status", messaging::ORDER_STATUSES.to_vec()),
        ("ReportRequest", "category", all::<domain::ReportCategory>()),
        ("SubjectIn", "type", all::<domain::SubjectType>()),
        ("ResolveRequest", "outcome", all::<domain::Outcome>()),
        (
            "ResolveRequest",
            "held_message",
            all::<domain::HeldDecision>(),
        ),
        ("ContactRequestIn", "purpose", all::<domain::Purpose>()),
        ("ContactRequestIn", "channel", all::<domain::Channel>()),
        ("DecisionIn", "decision", vec!["approve", "decline"]),
        ("ScreenRequest", "sender", vec!["buyer", "seller"]),
    ]
}

/// The length limits the use cases check (schema, property, at least, at most characters).
fn lengths() -> Vec<(&'static str, &'static str, usize, usize)> {
    let text = casework::MAX_TEXT_CHARS;
    vec![
        ("UserRequest", "display_name", 1, 100),
        ("UserRequest", "email", 0, 254),
        ("UserRequest", "locale", 0, 35),
        ("ReportRequest", "text", 0, text),
        ("NoteRequest", "text", 1, text),
        ("AppealRequest", "text", 1, text),
        ("ResolveRequest", "reason", 1, text),
        ("ReverseRequest", "reason", 1, text),
    ]
}

/// The shapes the use cases check that a regular expression can say (schema, property, pattern); none of them
/// admits a NUL.
fn patterns() -> Vec<(&'static str, &'static str, &'static str)> {
    const REGION: &str = "^[A-Za-z]{2}$";
    vec![
        ("UserRequest", "country", REGION),
        ("ScreenRequest", "region", REGION),
        // Text that is not only white space.
        (
            "UserRequest",
            "display_name",
            "^[^\\u0000]*[^\\s\\u0000][^\\u0000]*$",
        ),
        ("UserRequest", "locale", "^[A-Za-z0-9_-]*$"),
        (
            "UserRequest",
            "email",
            "^\\s*$|^\\s*[^\\s@\\u0000]+@[^\\s\\u0000]*\\.[^\\s\\u0000]*\\s*$",
        ),
        (
            "UserRequest",
            "phone",
            "^\\s*$|^[ ().-]*\\+([ ().-]*[0-9]){6,15}[ ().-]*$",
        ),
    ]
}

/// Declares on the request schemas the tokens and lengths the server accepts, and on every request string (body
/// fields and path and query parameters) that it may not hold a NUL character.
pub fn declare_constraints(doc: &OpenApi) -> serde_json::Value {
    use serde_json::{Value, json};
    let mut v = match serde_json::to_value(doc) {
        Ok(v) => v,
        Err(e) => {
            tracing::error!(error = %e, "the OpenAPI document could not be written as JSON");
            return Value::Null;
        }
    };
    let requests = request_schemas(&v);
    if let Some(schemas) = v
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    {
        for (name, schema) in schemas.iter_mut() {
            if !requests.contains(name) {
                continue;
            }
            let Some(props) = schema.get_mut("properties").and_then(Value::as_object_mut) else {
                continue;
            };
            for (field, p) in props.iter_mut() {
                let string = is_string(p);
                let nullable = p["type"]
                    .as_array()
                    .is_some_and(|t| t.contains(&json!("null")));
                let Some(p) = p.as_object_mut() else {
                    continue;
                };
                if let Some((_, _, tokens)) = enums()
                    .into_iter()
                    .find(|(s, f, _)| s == name && f == field)
                {
                    let mut values: Vec<Value> = tokens.into_iter().map(Value::from).collect();
                    if nullable {
                        values.push(Value::Null);
                    }
                    p.insert("enum".into(), Value::Array(values));
                } else if let Some((_, _, pattern)) = patterns()
                    .into_iter()
                    .find(|(s, f, _)| s == name && f == field)
                {
                    p.insert("pattern".into(), json!(pattern));
                } else if string {
                    p.insert("pattern".into(), json!(NO_NUL));
                }
                if let Some((_, _, min, max)) = lengths()
                    .into_iter()
                    .find(|(s, f, _, _)| s == name && f == field)
                {
                    p.insert("minLength".into(), json!(min));
                    p.insert("maxLength".into(), json!(max));
                }
            }
        }
    }
    if let Some(paths) = v.get_mut("paths").and_then(Value::as_object_mut) {
        for op in paths
            .values_mut()
            .filter_map(Value::as_object_mut)
            .flat_map(|item| item.values_mut())
        {
            for param in op
                .get_mut("parameters")
                .and_then(Value::as_array_mut)
                .into_iter()
                .flatten()
            {
                if param["in"] != "header"
                    && is_string(&param["schema"])
                    && let Some(schema) = param.get_mut("schema").and_then(Value::as_object_mut)
                {
                    schema.insert("pattern".into(), json!(NO_NUL));
                }
            }
        }
    }
    v
}

/// A regular expression (ECMA 262, as JSON Schema reads it) for text without a NUL character.
const NO_NUL: &str = "^[^\\u0000]*$";

fn is_string(schema: &serde_json::Value) -> bool {
    schema["type"] == "string"
        || schema["type"]
            .as_array()
            .is_some_and(|t| t.iter().any(|x| x == "string"))
}

/// The names of the component schemas a request body refers to, directly or through another's properties.
fn request_schemas(doc: &serde_json::Value) -> Vec<String> {
    fn refs(v: &serde_json::Value, out: &mut Vec<String>) {
        match v {
            serde_json::Value::Object(m) => {
                if let Some(r) = m.get("$ref").and_then(|r| r.as_str())
                    && let Some(name) = r.strip_prefix("#/components/schemas/")
                {
                    out.push(name.to_string());
                }
                m.values().for_each(|x| refs(x, out));
            }
            serde_json::Value::Array(a) => a.iter().for_each(|x| refs(x, out)),
            _ => {}
        }
    }
    let mut names = Vec::new();
    if let Some(paths) = doc["paths"].as_object() {
        for item in paths.values().filter_map(|i| i.as_object()) {
            for op in item.values() {
                refs(&op["requestBody"], &mut names);
            }
        }
    }
    let mut i = 0;
    while i < names.len() {
        let mut more = Vec::new();
        refs(&doc["components"]["schemas"][&names[i]], &mut more);
        for m in more {
            if !names.contains(&m) {
                names.push(m);
            }
        }
        i += 1;
    }
    names
}
