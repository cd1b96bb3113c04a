//! The stand-in's gateway: a websocket server speaking Discord's gateway
//! protocol v10 in plain JSON text frames. HELLO on connect; IDENTIFY starts a
//! session (READY, then one GUILD_CREATE per guild of that shard); heartbeats
//! are ACKed; RESUME replays what the session missed, then RESUMED. Several
//! connections (shards) at once, each identified by IDENTIFY's `shard`.
//!
//! Each connection is one task that owns its socket and writes only what
//! arrives in its outbox (an mpsc channel): dispatches and fault controls from
//! the test go through the same outbox, so frames leave in sequence order.
//! Sequence numbers and replay history belong to the session, not to the
//! socket, so a RESUME on a new socket continues where the old one stopped.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio::task::AbortHandle;
use tokio_tungstenite::tungstenite::handshake::server::{ErrorResponse, Request, Response};
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::WebSocketStream;

use super::{send_dispatch, strict, GatewayRecord, Outgoing, Session, Shared};

/// How long to keep reading after the stand-in sent a Close frame, so the
/// client's reply is read and the close handshake completes.
const CLOSE_LINGER: Duration = Duration::from_secs(2);

/// Accepts gateway connections until the stand-in is dropped.
pub async fn serve(
    listener: TcpListener,
    shared: Arc<Shared>,
    conn_tasks: Arc<Mutex<Vec<AbortHandle>>>,
) {
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        // Without it a small frame waits for the client's delayed ACK: ~40 ms
        // per dispatch instead of ~1 ms.
        let _ = stream.set_nodelay(true);
        let task = tokio::spawn(connection(stream, Arc::clone(&shared)));
        conn_tasks
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push(task.abort_handle());
    }
}

#[allow(
    clippy::result_large_err,
    reason = "the handshake callback's error type is tungstenite's"
)]
async fn connection(stream: TcpStream, shared: Arc<Shared>) {
    let mut uri = String::new();
    let callback = |request: &Request, response: Response| -> Result<Response, ErrorResponse> {
        uri = request.uri().to_string();
        Ok(response)
    };
    let ws = match tokio_tungstenite::accept_hdr_async(stream, callback).await {
        Ok(ws) => ws,
        Err(e) => {
            shared.problem(format!("gateway handshake failed: {e}"));
            return;
        }
    };
    let (tx, rx) = mpsc::unbounded_channel();
    let conn = {
        let mut state = shared.lock();
        state.next_conn += 1;
        let conn = state.next_conn;
        state.conns.insert(conn, tx.clone());
        conn
    };
    shared.log_gateway(GatewayRecord::Connected { conn, uri });
    Connection {
        conn,
        shared: Arc::clone(&shared),
        tx,
    }
    .run(ws, rx)
    .await;
    {
        let mut state = shared.lock();
        state.conns.remove(&conn);
        for session in state.sessions.values_mut() {
            if session.conn == Some(conn) {
                session.conn = None;
            }
        }
    }
    shared.log_gateway(GatewayRecord::Disconnected { conn });
}

struct Connection {
    conn: u64,
    shared: Arc<Shared>,
    /// This connection's own outbox, for frames it answers with.
    tx: mpsc::UnboundedSender<Outgoing>,
}

impl Connection {
    async fn run(
        &self,
        mut ws: WebSocketStream<TcpStream>,
        mut rx: mpsc::UnboundedReceiver<Outgoing>,
    ) {
        let interval = self.shared.options.heartbeat_interval.as_millis() as u64;
        let hello = json!({"op": 10, "d": {"heartbeat_interval": interval}});
        if ws.send(Message::Text(hello.to_string())).await.is_err() {
            return;
        }
        loop {
            tokio::select! {
                incoming = ws.next() => match incoming {
                    Some(Ok(Message::Text(text))) => self.on_text(&text),
                    Some(Ok(Message::Binary(bytes))) => {
                        self.on_text(&String::from_utf8_lossy(&bytes));
                    }
                    Some(Ok(Message::Close(frame))) => {
                        // Keep reading: tungstenite queued its Close reply and
                        // flushes it on the next read; the stream then ends.
                        let code = frame.map(|f| u16::from(f.code));
                        self.shared.log_gateway(GatewayRecord::ClientClosed { conn: self.conn, code });
                    }
                    Some(Ok(_)) => {}
                    Some(Err(_)) | None => return,
                },
                outgoing = rx.recv() => match outgoing {
                    Some(Outgoing::Frame { text, ready_of }) => {
                        if ws.send(Message::Text(text)).await.is_err() {
                            return;
                        }
                        if let Some(session_id) = ready_of {
                            self.ready_sent(&session_id);
                        }
                    }
                    Some(Outgoing::Close { code, reason }) => {
                        let frame = CloseFrame { code: CloseCode::from(code), reason: reason.into() };
                        let _ = ws.close(Some(frame)).await;
                        linger(&mut ws).await;
                        return;
                    }
                    // Dropping the socket without a Close frame: the client
                    // sees the stream end, as after a network failure.
                    Some(Outgoing::Drop) | None => return,
                },
            }
        }
    }

    fn on_text(&self, text: &str) {
        let Ok(payload) = serde_json::from_str::<Value>(text) else {
            self.shared
                .problem(format!("gateway: the client sent non-JSON text: {text}"));
            return;
        };
        let op = payload["op"].as_u64().unwrap_or(u64::MAX);
        let d = &payload["d"];
        match op {
            1 => self.on_heartbeat(d.as_u64()),
            2 => self.on_identify(d),
            6 => self.on_resume(d),
            _ => self.shared.log_gateway(GatewayRecord::OtherOp {
                conn: self.conn,
                op,
            }),
        }
    }

    fn on_heartbeat(&self, seq: Option<u64>) {
        let ack = {
            let mut state = self.shared.lock();
            for session in state.sessions.values_mut() {
                if session.conn == Some(self.conn) {
                    session.heartbeat_seq = seq;
                }
            }
            state.heartbeat_acks
        };
        self.shared.log_gateway(GatewayRecord::Heartbeat {
            conn: self.conn,
            seq,
        });
        if ack {
            self.send(&json!({"op": 11}));
        }
    }

    fn on_identify(&self, d: &Value) {
        let shard = match d.get("shard").and_then(Value::as_array).map(Vec::as_slice) {
            Some([id, total]) => [
                id.as_u64().unwrap_or(0) as u32,
                total.as_u64().unwrap_or(1) as u32,
            ],
            _ => [0, 1],
        };
        let intents = d["intents"].as_u64().unwrap_or(0);
        self.shared.log_gateway(GatewayRecord::Identify {
            conn: self.conn,
            shard,
            intents,
        });
        if !d["token"].as_str().is_some_and(|t| t.starts_with("Bot ")) {
            // What Discord does with a bad token.
            let close = Outgoing::Close {
                code: 4004,
                reason: "Authentication failed.".into(),
            };
            let _ = self.tx.send(close);
            return;
        }
        let world = &self.shared.world;
        let session_id = format!("standin-session-{}", self.shared.ids.next());
        let mut frames = vec![(
            "READY",
            world.ready(&session_id, &self.shared.gateway_url, shard),
        )];
        frames.extend(
            world
                .guilds_on_shard(shard)
                .map(|g| ("GUILD_CREATE", world.guild_create(g))),
        );
        for (t, d) in &frames {
            if let Err(error) = strict::check_dispatch(t, 1, d) {
                self.shared.problem(error);
                return;
            }
        }
        let mut state = self.shared.lock();
        // A shard re-identifying replaces its old session.
        if let Some(old) = state.shard_sessions.insert(shard[0], session_id.clone()) {
            state.sessions.remove(&old);
        }
        state.sessions.insert(
            session_id.clone(),
            Session {
                id: session_id,
                shard,
                intents,
                seq: 0,
                history: Vec::new(),
                conn: Some(self.conn),
                resumable: true,
                ready_sent: false,
                heartbeat_seq: None,
            },
        );
        for (t, d) in &frames {
            send_dispatch(&mut state, shard[0], t, d);
        }
    }

    fn on_resume(&self, d: &Value) {
        let session_id = d["session_id"].as_str().unwrap_or_default().to_owned();
        let seq = d["seq"].as_u64().unwrap_or(0);
        self.shared.log_gateway(GatewayRecord::Resume {
            conn: self.conn,
            session_id: session_id.clone(),
            seq,
        });
        let resumed = {
            let mut state = self.shared.lock();
            let current = state.sessions.get(&session_id).is_some_and(|s| {
                s.resumable && seq <= s.seq && state.shard_sessions.get(&s.shard[0]) == Some(&s.id)
            });
            if current {
                let session = state.sessions.get_mut(&session_id).expect("checked above");
                session.conn = Some(self.conn);
                let missed: Vec<String> = session
                    .history
                    .iter()
                    .filter(|(s, _)| *s > seq)
                    .map(|(_, text)| text.clone())
                    .collect();
                let shard = session.shard;
                for text in &missed {
                    let _ = self.tx.send(Outgoing::Frame {
                        text: text.clone(),
                        ready_of: None,
                    });
                }
                send_dispatch(&mut state, shard[0], "RESUMED", &json!({}));
                Some((shard, missed.len()))
            } else {
                None
            }
        };
        if let Some((shard, replayed)) = resumed {
            self.shared.log_gateway(GatewayRecord::Resumed {
                conn: self.conn,
                shard,
                replayed,
            });
        } else {
            self.shared.log_gateway(GatewayRecord::ResumeRefused {
                conn: self.conn,
                session_id,
            });
            self.send(&json!({"op": 9, "d": false}));
        }
    }

    fn ready_sent(&self, session_id: &str) {
        let shard = {
            let mut state = self.shared.lock();
            let Some(session) = state.sessions.get_mut(session_id) else {
                return;
            };
            session.ready_sent = true;
            session.shard
        };
        self.shared.log_gateway(GatewayRecord::Ready {
            conn: self.conn,
            shard,
            session_id: session_id.to_owned(),
        });
    }

    fn send(&self, payload: &Value) {
        let _ = self.tx.send(Outgoing::Frame {
            text: payload.to_string(),
            ready_of: None,
        });
    }
}

/// Reads until the peer finishes the close handshake or `CLOSE_LINGER` passes.
async fn linger(ws: &mut WebSocketStream<TcpStream>) {
    let _ = tokio::time::timeout(CLOSE_LINGER, async {
        while let Some(Ok(_)) = ws.next().await {}
    })
    .await;
}
