//! Shared set-up: generated lakes with the planted incident, and the engine over them.

use std::path::{Path, PathBuf};

use trawl_gen::{GenConfig, Incident};
use trawl_query::{QueryOptions, lake_session};
use trawl_report::{LakeEngine, Params, Playbook, Report, catalog, run};
use trawl_testkit::TestLake;

/// The repository's playbook folder.
pub fn sql_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../sql")
}

/// A lake generated with the compromised-user incident, and what was planted.
pub struct IncidentLake {
    pub lake: TestLake,
    pub incident: Incident,
}

/// Generates a small trail with the planted incident and ingests it.
pub fn incident_lake() -> IncidentLake {
    let cfg = GenConfig {
        records: 4_000,
        accounts: 2,
        regions: 2,
        days: 2,
        threads: 1,
        ..GenConfig::default()
    };
    let incident =
        trawl_gen::planted_incident(&cfg).expect("the configuration plants the incident");
    IncidentLake {
        lake: trawl_testkit::generated(&cfg),
        incident,
    }
}

/// The engine over the incident lake.
pub async fn engine(lake: &IncidentLake) -> LakeEngine {
    let session = lake_session(lake.lake.files.clone(), &QueryOptions::default())
        .await
        .unwrap();
    LakeEngine::new(session)
}

/// Runs the shipped playbook `name` with `given` parameters.
pub async fn run_playbook(engine: &LakeEngine, name: &str, given: &[(&str, &str)]) -> Report {
    let playbook: Playbook = catalog::resolve(name, &sql_dir()).unwrap();
    let given: Params = given
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    run(&playbook, engine, &given)
        .await
        .unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// The step `id` of `report`.
pub fn step<'r>(report: &'r Report, id: &str) -> &'r trawl_report::StepReport {
    report
        .steps
        .iter()
        .find(|s| s.id == id)
        .unwrap_or_else(|| panic!("no step {id}"))
}

/// The text of every cell of column `name` of a step's result.
pub fn column(report: &Report, id: &str, name: &str) -> Vec<Option<String>> {
    let result = &step(report, id).result;
    let i = trawl_report::table::find_column(result, name)
        .unwrap_or_else(|| panic!("step {id} has no column {name}: {:?}", result.schema()));
    trawl_report::table::cell_texts(result.column(i)).unwrap()
}
