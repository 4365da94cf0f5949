//! rolecheck's integration tests, one binary with a module per topic: the
//! binary driven as a user would (`cli`, `audit`, `hardening`), the server
//! over HTTP with a bounded load test (`serve`), the report in a real
//! browser (`browser`), the page of `rolecheck serve` in a real browser
//! (`serve_page`), the corpus checks (`corpus`), the shipped
//! model's reproducibility (`model`) and property tests (`properties`).

mod common;

mod audit;
mod browser;
mod cli;
mod corpus;
mod hardening;
mod model;
mod properties;
mod serve;
mod serve_page;
