//! End-to-end: the shipped playbooks on lakes built by trawl-ingest, queried by trawl-query and
//! trawl-search, rendered, and (when Chromium is installed) opened in a headless browser.

mod browser;
mod playbooks;
mod support;
