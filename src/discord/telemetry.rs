//! `FAQBOT_METRICS_ADDR`: Prometheus text at `/metrics` and readiness at
//! `/healthz` (200 once the gateway is ready, 503 before), on a small
//! axum server. Counters are incremented where things happen, through the
//! `metrics` facade; this file installs the recorder, serves it, and counts
//! gateway events.

use std::net::SocketAddr;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context as _, Result};
use axum::http::StatusCode;
use axum::routing::get;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use serenity::all::{Context, Event, RawEventHandler};
use serenity::async_trait;
use tracing::{info, warn};

use super::State;

/// Buckets of `faqbot_match_seconds`: a question takes microseconds to
/// milliseconds (README, Performance).
const MATCH_BUCKETS: &[f64] = &[
    0.000_05, 0.000_1, 0.000_25, 0.000_5, 0.001, 0.002_5, 0.005, 0.01, 0.025, 0.1,
];

/// Counts every gateway dispatch.
pub struct GatewayEvents;

#[async_trait]
impl RawEventHandler for GatewayEvents {
    async fn raw_event(&self, _: Context, _: Event) {
        metrics::counter!("faqbot_gateway_events_total").increment(1);
    }
}

/// Installs the process's recorder (once: a second bot in the same process
/// shares it) and serves it on `addr` until the process ends.
pub async fn serve(addr: SocketAddr, state: Arc<State>) -> Result<tokio::task::JoinHandle<()>> {
    let handle = recorder()?;
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("listening on FAQBOT_METRICS_ADDR={addr}"))?;
    info!(addr = %listener.local_addr().unwrap_or(addr), "serving /metrics and /healthz");
    metrics::gauge!("faqbot_faq_entries").set(state.faq().kb.entries().len() as f64);
    let scrape = handle.clone();
    let app = axum::Router::new()
        .route("/metrics", get(move || std::future::ready(scrape.render())))
        .route(
            "/healthz",
            get(move || {
                let ready = state.ready.load(Ordering::Acquire);
                std::future::ready(if ready {
                    (StatusCode::OK, "ready\n")
                } else {
                    (
                        StatusCode::SERVICE_UNAVAILABLE,
                        "not connected to Discord yet\n",
                    )
                })
            }),
        );
    Ok(tokio::spawn(async move {
        // Histograms are folded in on upkeep; scrapes would otherwise grow
        // the buffers unboundedly between them.
        let upkeep = tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_secs(5));
            loop {
                tick.tick().await;
                handle.run_upkeep();
            }
        });
        if let Err(e) = axum::serve(listener, app).await {
            warn!(error = %e, "the metrics server stopped");
        }
        upkeep.abort();
    }))
}

fn recorder() -> Result<PrometheusHandle> {
    static HANDLE: std::sync::OnceLock<PrometheusHandle> = std::sync::OnceLock::new();
    if let Some(h) = HANDLE.get() {
        return Ok(h.clone());
    }
    let handle = PrometheusBuilder::new()
        .set_buckets_for_metric(Matcher::Full("faqbot_match_seconds".into()), MATCH_BUCKETS)
        .context("the match histogram's buckets")?
        .install_recorder()
        .context("installing the metrics recorder")?;
    Ok(HANDLE.get_or_init(|| handle).clone())
}
