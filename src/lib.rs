//! faqbot: answers questions about the Data Scientist and Machine Learning
//! Engineer careers from a curated FAQ, on Discord and on the command line.
//!
//! The module map and its one dependency rule:
//!
//! - [`kb`]: the FAQ model and its loader (errors name file, line and
//!   column), for a folder or the FAQ embedded at build time.
//! - [`matcher`]: pure retrieval, question → [`matcher::Verdict`].
//! - [`compare`]: the side-by-side comparison and the role profiles.
//! - [`render`]: every string a person reads, as plain data.
//! - [`review`]: the review queue, questions grouped by the matcher's own
//!   ranking (pure; writing an accepted phrasing is behind `bot`).
//! - `cli` and `discord`: the two front ends, with `config` and `logging`;
//!   the only modules that print, read the environment, log above debug or
//!   touch the network.
//! - `store`: usage counts, votes, review texts and per-server settings in
//!   SQLite or PostgreSQL, for the front ends (behind `bot` with them).
//!
//! `kb` ← `matcher`, `compare` ← `render` ← {`cli`, `discord`}: a module
//! uses only those to its left. The front ends are behind the default
//! feature `bot`, so the core builds without serenity, tokio or clap.

#[cfg(feature = "bot")]
pub mod cli;
pub mod compare;
#[cfg(feature = "bot")]
pub mod config;
#[cfg(feature = "bot")]
pub mod discord;
pub mod kb;
#[cfg(feature = "bot")]
pub mod logging;
pub mod matcher;
pub mod render;
pub mod review;
#[cfg(feature = "bot")]
pub mod store;
