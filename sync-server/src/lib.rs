//! The Oceń Urząd server: it hosts the web survey and the admin panel, takes in the kiosks' answers
//! through the sync API, and keeps everything in one SQLite database.
//!
//! `main.rs` only parses the command line and calls [`cli::run`]. [`http::app`] builds the whole router
//! so that tests can call it without a socket.

pub mod alerts;
pub mod cli;
pub mod config;
pub mod documents;
pub mod http;
pub mod ingest;
pub mod input;
pub mod kiosk_pin;
pub mod local_time;
pub mod markup;
pub mod password;
pub mod sample_data;
pub mod serve;
pub mod store;
