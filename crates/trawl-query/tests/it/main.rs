//! trawl-query's integration tests: the sqllogictest suite (`tests/slt/*.slt`) and session
//! behaviour (pruning, parameters, errors, output), over a lake ingested from the raw
//! CloudTrail fixture in `tests/fixtures/`.

mod lake;
mod local_reads;
mod session;
mod slt;
