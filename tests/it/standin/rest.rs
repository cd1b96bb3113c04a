//! The stand-in's REST half on axum: records every request, validates bodies
//! against Discord's OpenAPI schemas, applies injected faults, and answers the
//! routes the bot uses with payloads that serenity decodes (`strict.rs`) and
//! that match Discord's response schemas (`openapi.rs`), both checked before
//! they leave. Anything else is a recorded 404 with Discord's error shape.
//!
//! Errors mimic Discord's (`{"code", "message"}` with its codes: 10003 unknown
//! channel, 10062 unknown interaction, 40060 already acknowledged, 50035
//! invalid form body), so the bot meets the failures it would meet in
//! production. Handlers never panic: a panic in an axum handler is swallowed,
//! so stand-in faults are stored as problems for the test's waits to raise.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::serve::ListenerExt;
use axum::{Json, Router};
use serde_json::{json, Value};
use serenity::model::id::{ChannelId, GuildId, MessageId};
use tokio::net::TcpListener;

use super::openapi::{self, Verdict};
use super::strict::{self, Answer};
use super::{FaultAction, Recorded, Shared};

/// Serves REST until the stand-in is dropped.
pub async fn serve(listener: TcpListener, shared: Arc<Shared>) {
    // Without TCP_NODELAY each answer waits for the client's delayed ACK.
    let listener = listener.tap_io(|tcp| {
        let _ = tcp.set_nodelay(true);
    });
    let app = Router::new().fallback(handle).with_state(shared);
    let _ = axum::serve(listener, app).await;
}

/// A route's answer before it is checked and sent.
struct Reply {
    status: StatusCode,
    body: Option<Value>,
    /// The serenity type the client decodes the body into, if it does.
    decoded_as: Option<Answer>,
}

impl Reply {
    fn json(body: Value, decoded_as: Answer) -> Self {
        Self {
            status: StatusCode::OK,
            body: Some(body),
            decoded_as: Some(decoded_as),
        }
    }

    fn no_content() -> Self {
        Self {
            status: StatusCode::NO_CONTENT,
            body: None,
            decoded_as: None,
        }
    }

    fn error(status: StatusCode, code: u32, message: &str) -> Self {
        Self {
            status,
            body: Some(json!({"code": code, "message": message})),
            decoded_as: None,
        }
    }

    fn not_found() -> Self {
        Self::error(StatusCode::NOT_FOUND, 0, "404: Not Found")
    }
}

async fn handle(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    bytes: Bytes,
) -> Response {
    // Arrival time, before the (first-use) schema compilation below.
    let at = std::time::Instant::now();
    let full_path = uri.path();
    let known_prefix = full_path.strip_prefix("/api/v10");
    let path = known_prefix.unwrap_or(full_path).to_owned();
    let (body, files) = parse_body(&headers, &bytes);
    let invalid = match known_prefix.map(|p| openapi::validate_request(method.as_str(), p, &body)) {
        Some(Verdict::Invalid(errors)) => Some(errors),
        _ => None,
    };
    let fault = take_fault(&shared, method.as_str(), &path);
    shared.record(Recorded {
        method: method.to_string(),
        path: path.clone(),
        query: uri.query().unwrap_or_default().to_owned(),
        body: body.clone(),
        files,
        at,
        invalid: invalid.clone(),
    });
    match fault {
        Some(FaultAction::Delay(delay)) => tokio::time::sleep(delay).await,
        Some(FaultAction::Status(status)) => return fault_response(status),
        None => {}
    }
    if let Some(errors) = invalid {
        // Discord's answer to a body that fails its schema.
        let reply = json!({"code": 50035, "message": "Invalid Form Body", "errors": errors});
        return (StatusCode::BAD_REQUEST, Json(reply)).into_response();
    }
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    let reply = if known_prefix.is_none() {
        Reply::not_found()
    } else if needs_auth(&segments) && !authorized(&headers) {
        Reply::error(StatusCode::UNAUTHORIZED, 0, "401: Unauthorized")
    } else {
        route(&shared, &method, &segments, &body)
    };
    respond(&shared, &method, &path, reply)
}

/// Checks the answer with serenity's types, then sends it; a stand-in bug
/// becomes a stored problem and a 500 the client sees.
fn respond(shared: &Shared, method: &Method, path: &str, reply: Reply) -> Response {
    if let (Some(kind), Some(body)) = (reply.decoded_as, &reply.body) {
        let decoded = strict::check_answer(kind, body);
        let status = reply.status.as_u16();
        let schema_check = match openapi::validate_response(method.as_str(), path, status, body) {
            Verdict::Invalid(errors) => Err(format!(
                "the stand-in's answer does not match Discord's response schema:\n  {}\n  \
                 answer: {body}",
                errors.join("\n  ")
            )),
            _ => Ok(()),
        };
        if let Err(error) = decoded.and(schema_check) {
            shared.problem(format!("{method} {path}: {error}"));
            let body = json!({"code": 0, "message": "stand-in answer failed its own checks"});
            return (StatusCode::INTERNAL_SERVER_ERROR, Json(body)).into_response();
        }
    }
    match reply.body {
        Some(body) => (reply.status, Json(body)).into_response(),
        None => reply.status.into_response(),
    }
}

fn route(shared: &Shared, method: &Method, segments: &[&str], body: &Value) -> Reply {
    let world = &shared.world;
    let app = world.application_id.to_string();
    match (method.as_str(), segments) {
        ("GET", ["gateway"]) => Reply::json(json!({"url": shared.gateway_url}), Answer::Gateway),
        ("GET", ["gateway", "bot"]) => Reply::json(
            json!({
                "url": shared.gateway_url,
                "shards": shared.options.shards,
                "session_start_limit": {
                    "total": 1000, "remaining": 999, "reset_after": 14_400_000, "max_concurrency": 1,
                },
            }),
            Answer::BotGateway,
        ),
        ("GET", ["users", "@me"]) => Reply::json(world.current_user(), Answer::CurrentUser),
        ("GET", ["oauth2", "applications", "@me"]) => {
            Reply::json(world.application(), Answer::Application)
        }
        ("PUT", ["applications", a, "commands"]) if *a == app => {
            overwrite_commands(shared, None, body)
        }
        ("GET", ["applications", a, "commands"]) if *a == app => list_commands(shared, None),
        ("GET", ["applications", a, "guilds", guild, "commands"]) if *a == app => {
            match guild
                .parse()
                .ok()
                .filter(|g| world.guilds.iter().any(|f| f.id.get() == *g))
            {
                Some(guild) => list_commands(shared, Some(GuildId::new(guild))),
                None => Reply::error(StatusCode::FORBIDDEN, 50001, "Missing Access"),
            }
        }
        ("PUT", ["applications", a, "guilds", guild, "commands"]) if *a == app => {
            match guild
                .parse()
                .ok()
                .filter(|g| world.guilds.iter().any(|f| f.id.get() == *g))
            {
                Some(guild) => overwrite_commands(shared, Some(GuildId::new(guild)), body),
                None => Reply::error(StatusCode::FORBIDDEN, 50001, "Missing Access"),
            }
        }
        ("POST", ["channels", channel, "messages"]) => create_message(shared, channel, body),
        // The stand-in keeps no messages: any deletion succeeds.
        ("DELETE", ["channels", _, "messages", _]) => Reply::no_content(),
        ("POST", ["interactions", id, token, "callback"]) => callback(shared, id, token, body),
        (_, ["webhooks", a, token, "messages", "@original"]) if *a == app => {
            original(shared, method, token, body)
        }
        ("POST", ["webhooks", a, token]) if *a == app => followup(shared, token, body),
        _ => Reply::not_found(),
    }
}

/// The commands registered in one scope (names only: the stand-in keeps
/// no more of them).
fn list_commands(shared: &Shared, guild: Option<GuildId>) -> Reply {
    let state = shared.lock();
    let mut commands: Vec<(&String, u64)> = state
        .commands
        .iter()
        .filter(|((scope, _), _)| *scope == guild)
        .map(|((_, name), id)| (name, *id))
        .collect();
    commands.sort_by_key(|(_, id)| *id);
    let commands = commands
        .into_iter()
        .map(|(name, id)| {
            shared.world.command(
                id,
                guild,
                &json!({"name": name, "description": "a command"}),
            )
        })
        .collect();
    Reply::json(Value::Array(commands), Answer::Commands)
}

fn overwrite_commands(shared: &Shared, guild: Option<GuildId>, body: &Value) -> Reply {
    let requested = body.as_array().cloned().unwrap_or_default();
    let mut state = shared.lock();
    // A bulk overwrite replaces every command of that scope.
    state.commands.retain(|(scope, _), _| *scope != guild);
    let commands: Vec<Value> = requested
        .iter()
        .map(|command| {
            let name = command["name"].as_str().unwrap_or_default().to_owned();
            let id = *state
                .commands
                .entry((guild, name))
                .or_insert_with(|| shared.ids.next());
            shared.world.command(id, guild, command)
        })
        .collect();
    Reply::json(Value::Array(commands), Answer::Commands)
}

fn create_message(shared: &Shared, channel: &str, body: &Value) -> Reply {
    let world = &shared.world;
    let Some(channel) = channel
        .parse::<u64>()
        .ok()
        .filter(|&c| c != 0)
        .map(ChannelId::new)
    else {
        return Reply::error(StatusCode::NOT_FOUND, 10003, "Unknown Channel");
    };
    let known = world.guild_of_channel(channel).is_some()
        || channel == world.dm_channel_id
        || shared.lock().extra_channels.contains(&channel);
    if !known {
        return Reply::error(StatusCode::NOT_FOUND, 10003, "Unknown Channel");
    }
    let id = MessageId::new(shared.ids.next());
    Reply::json(
        world.message_from_request(id, channel, body, json!({})),
        Answer::Message,
    )
}

fn callback(shared: &Shared, id: &str, token: &str, body: &Value) -> Reply {
    let mut state = shared.lock();
    let Some(interaction) = state
        .interactions
        .get_mut(token)
        .filter(|i| i.id.to_string() == id)
    else {
        return Reply::error(StatusCode::NOT_FOUND, 10062, "Unknown interaction");
    };
    if interaction.acknowledged {
        return Reply::error(
            StatusCode::BAD_REQUEST,
            40060,
            "Interaction has already been acknowledged.",
        );
    }
    interaction.acknowledged = true;
    let channel = interaction.channel_id;
    let data = body.get("data").cloned().unwrap_or(json!({}));
    let id = MessageId::new(shared.ids.next());
    let extra = json!({"application_id": shared.world.application_id.to_string(), "webhook_id": shared.world.application_id.to_string(), "type": 20});
    interaction.original = match body["type"].as_u64() {
        // CHANNEL_MESSAGE_WITH_SOURCE: the response is the message.
        // DEFERRED_UPDATE_MESSAGE, UPDATE_MESSAGE: `@original` is then the
        // component's message (the stand-in keeps no messages: a stand-in
        // for it, so an edit of it can be answered).
        Some(4 | 6 | 7) => Some(shared.world.message_from_request(id, channel, &data, extra)),
        // DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE: a "thinking" placeholder
        // (flag LOADING), edited later through `@original`.
        Some(5) => {
            let flags = data["flags"].as_u64().unwrap_or(0) | (1 << 7);
            let placeholder = json!({"flags": flags});
            Some(
                shared
                    .world
                    .message_from_request(id, channel, &placeholder, extra),
            )
        }
        _ => None,
    };
    Reply::no_content()
}

fn original(shared: &Shared, method: &Method, token: &str, body: &Value) -> Reply {
    let mut state = shared.lock();
    let Some(interaction) = state.interactions.get_mut(token) else {
        return Reply::error(StatusCode::NOT_FOUND, 10015, "Unknown Webhook");
    };
    let Some(original) = interaction.original.as_mut() else {
        return Reply::error(StatusCode::NOT_FOUND, 10008, "Unknown Message");
    };
    match method.as_str() {
        "GET" => Reply::json(original.clone(), Answer::Message),
        "PATCH" => {
            for key in ["content", "embeds", "components", "flags"] {
                if let Some(value) = body.get(key).filter(|v| !v.is_null()) {
                    original[key] = value.clone();
                }
            }
            // An edit ends the "thinking" state of a deferred response.
            let flags = original["flags"].as_u64().unwrap_or(0) & !(1 << 7);
            original["flags"] = json!(flags);
            original["edited_timestamp"] = json!(serenity::model::Timestamp::now().to_string());
            Reply::json(original.clone(), Answer::Message)
        }
        "DELETE" => {
            interaction.original = None;
            Reply::no_content()
        }
        _ => Reply::not_found(),
    }
}

fn followup(shared: &Shared, token: &str, body: &Value) -> Reply {
    let state = shared.lock();
    let Some(interaction) = state.interactions.get(token) else {
        return Reply::error(StatusCode::NOT_FOUND, 10015, "Unknown Webhook");
    };
    if !interaction.acknowledged {
        // Discord refuses followups before the initial response.
        return Reply::error(StatusCode::NOT_FOUND, 10015, "Unknown Webhook");
    }
    let channel = interaction.channel_id;
    drop(state);
    let id = MessageId::new(shared.ids.next());
    let app = shared.world.application_id.to_string();
    let extra = json!({"application_id": app, "webhook_id": app});
    Reply::json(
        shared.world.message_from_request(id, channel, body, extra),
        Answer::Message,
    )
}

/// Interaction callbacks and interaction webhooks authenticate by token in the
/// path; every other route needs the bot token.
fn needs_auth(segments: &[&str]) -> bool {
    !matches!(segments.first(), Some(&("interactions" | "webhooks")))
}

fn authorized(headers: &HeaderMap) -> bool {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("Bot ") && v.len() > 4)
}

/// Takes the first injected fault matching this request (counting it down).
fn take_fault(shared: &Shared, method: &str, path: &str) -> Option<FaultAction> {
    let mut state = shared.lock();
    let index = state.faults.iter().position(|f| {
        f.method.as_deref().is_none_or(|m| m == method)
            && path.contains(&f.path_contains)
            && f.remaining != Some(0)
    })?;
    let fault = &mut state.faults[index];
    if let Some(remaining) = fault.remaining.as_mut() {
        *remaining -= 1;
    }
    Some(fault.action)
}

fn fault_response(status: u16) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    if status == StatusCode::TOO_MANY_REQUESTS {
        let body = json!({"message": "You are being rate limited.", "retry_after": 0.05, "global": false, "code": 0});
        let headers = [("retry-after", "1"), ("x-ratelimit-scope", "user")];
        return (status, headers, Json(body)).into_response();
    }
    let message = format!(
        "{}: {}",
        status.as_u16(),
        status.canonical_reason().unwrap_or("Error")
    );
    (status, Json(json!({"code": 0, "message": message}))).into_response()
}

/// The request's JSON body and attachment file names. Multipart requests carry
/// the JSON in their `payload_json` part.
fn parse_body(headers: &HeaderMap, bytes: &Bytes) -> (Value, Vec<String>) {
    if bytes.is_empty() {
        return (Value::Null, Vec::new());
    }
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if let Some(boundary) = content_type.split("boundary=").nth(1) {
        return parse_multipart(boundary.trim_matches('"'), bytes);
    }
    let value = serde_json::from_slice(bytes)
        .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(bytes).into_owned()));
    (value, Vec::new())
}

/// A minimal multipart/form-data reader: enough for serenity's requests (a
/// `payload_json` part and `files[n]` parts with a filename).
fn parse_multipart(boundary: &str, bytes: &Bytes) -> (Value, Vec<String>) {
    let text = String::from_utf8_lossy(bytes);
    let delimiter = format!("--{boundary}");
    let mut body = Value::Null;
    let mut files = Vec::new();
    for part in text.split(delimiter.as_str()) {
        let Some((head, content)) = part.split_once("\r\n\r\n") else {
            continue;
        };
        let content = content.strip_suffix("\r\n").unwrap_or(content);
        if head.contains("name=\"payload_json\"") {
            body = serde_json::from_str(content).unwrap_or(Value::String(content.to_owned()));
        } else if let Some(name) = head.split("filename=\"").nth(1) {
            files.push(name.split('"').next().unwrap_or_default().to_owned());
        }
    }
    (body, files)
}
