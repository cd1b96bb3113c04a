//! The trap guard: every payload the stand-in sends is first decoded with
//! serenity 0.12.5's own model types, so a payload serenity would drop or fail
//! on becomes a loud test failure naming the serde error, instead of a silent
//! timeout.
//!
//! Why both checks for dispatches: serenity decodes a dispatch through the
//! `Event` enum, whose `#[serde(untagged)] Unknown` variant swallows a known
//! event with a bad `d` (it is then dropped with one debug line). Decoding the
//! typed event struct gives the real serde error; decoding the whole frame as
//! `GatewayEvent` proves serenity routes it to a handler at all.

use serde::de::DeserializeOwned;
use serde_json::{json, Value};
use serenity::model::application::{Command, CurrentApplicationInfo};
use serenity::model::channel::Message;
use serenity::model::event::{
    Event, GatewayEvent, GuildCreateEvent, InteractionCreateEvent, MessageCreateEvent, ReadyEvent,
    ResumedEvent,
};
use serenity::model::gateway::{BotGateway, Gateway};
use serenity::model::user::CurrentUser;

/// Checks that serenity decodes the dispatch `t`/`d` sent with sequence `s` as
/// the event `t` names. `Err` carries the serde error, the event name and the
/// payload.
pub fn check_dispatch(t: &str, s: u64, d: &Value) -> Result<(), String> {
    let typed = match t {
        "READY" => decode::<ReadyEvent>(d),
        "RESUMED" => decode::<ResumedEvent>(d),
        "GUILD_CREATE" => decode::<GuildCreateEvent>(d),
        "MESSAGE_CREATE" => decode::<MessageCreateEvent>(d),
        "INTERACTION_CREATE" => decode::<InteractionCreateEvent>(d),
        // Other events get only the frame check below, which cannot name
        // the missing field: add a typed arm when the stand-in sends one.
        _ => Ok(()),
    };
    typed.map_err(|e| explain(&format!("dispatch {t}"), &e, d))?;
    let frame = json!({"op": 0, "s": s, "t": t, "d": d});
    match serde_json::from_value::<GatewayEvent>(frame) {
        Ok(GatewayEvent::Dispatch(_, Event::Unknown(_))) => Err(explain(
            &format!("dispatch {t}"),
            "serenity decodes it as Event::Unknown, so it would be silently dropped",
            d,
        )),
        Ok(GatewayEvent::Dispatch(..)) => Ok(()),
        Ok(other) => Err(explain(
            &format!("dispatch {t}"),
            &format!("decoded as {other:?}"),
            d,
        )),
        Err(e) => Err(explain(&format!("dispatch {t}"), &e.to_string(), d)),
    }
}

/// A REST answer body serenity will decode, by the type it decodes it into.
#[derive(Clone, Copy, Debug)]
pub enum Answer {
    Gateway,
    BotGateway,
    CurrentUser,
    Application,
    Commands,
    Message,
}

/// Checks that serenity decodes `body` as the REST answer `kind`.
pub fn check_answer(kind: Answer, body: &Value) -> Result<(), String> {
    let result = match kind {
        Answer::Gateway => decode::<Gateway>(body),
        Answer::BotGateway => decode::<BotGateway>(body),
        Answer::CurrentUser => decode::<CurrentUser>(body),
        Answer::Application => decode::<CurrentApplicationInfo>(body),
        Answer::Commands => decode::<Vec<Command>>(body),
        Answer::Message => decode::<Message>(body),
    };
    result.map_err(|e| explain(&format!("REST answer {kind:?}"), &e, body))
}

fn decode<T: DeserializeOwned>(value: &Value) -> Result<(), String> {
    serde_json::from_value::<T>(value.clone())
        .map(drop)
        .map_err(|e| e.to_string())
}

fn explain(what: &str, error: &str, payload: &Value) -> String {
    let pretty = serde_json::to_string_pretty(payload).unwrap_or_default();
    format!(
        "Discord stand-in: serenity 0.12.5 cannot decode the {what} it was about to receive: \
         {error}\npayload: {pretty}"
    )
}
