//! The JSON report: every step's full result, rows as objects.

use arrow::json::{ArrayWriter, WriterBuilder};
use serde_json::{Map, Value, json};

use crate::error::{Error, Result};
use crate::runner::{Origin, Ran, Report};
use crate::table::column_names;

/// Renders `report` as JSON: the playbook, the resolved parameters, and per step its query,
/// bound parameters, transforms, columns, every row (nulls explicit), chart and finding.
pub fn json(report: &Report) -> Result<Value> {
    let parameters: Vec<Value> = report
        .parameters
        .iter()
        .map(|p| {
            let origin = match &p.origin {
                Origin::Analyst => json!({"kind": "analyst"}),
                Origin::Step { step, column, row } => {
                    json!({"kind": "step", "step": step, "column": column, "row": row})
                }
                Origin::Default => json!({"kind": "default"}),
            };
            json!({"name": p.name, "value": p.value, "origin": origin})
        })
        .collect();
    let mut steps = Vec::new();
    for step in &report.steps {
        let (language, file, query, from) = match &step.ran {
            Ran::Sql { file, text } => (
                "sql",
                Some(file.display().to_string()),
                Some(text.as_str()),
                None,
            ),
            Ran::Search { file, text } => (
                "search",
                Some(file.display().to_string()),
                Some(text.as_str()),
                None,
            ),
            Ran::Step(from) => ("derived", None, None, Some(from.as_str())),
        };
        let mut writer: ArrayWriter<Vec<u8>> = WriterBuilder::new()
            .with_explicit_nulls(true)
            .build(Vec::new());
        writer.write(&step.result).map_err(|source| Error::Arrow {
            step: step.id.clone(),
            source,
        })?;
        writer.finish().map_err(|source| Error::Arrow {
            step: step.id.clone(),
            source,
        })?;
        let bytes = writer.into_inner();
        let rows: Value = if bytes.is_empty() {
            Value::Array(Vec::new())
        } else {
            serde_json::from_slice(&bytes).map_err(|e| Error::Step {
                step: step.id.clone(),
                message: format!("result as JSON: {e}"),
            })?
        };
        let chart = step.chart.as_ref().map(|c| {
            json!({
                "title": c.title,
                "bars": c.bars.iter().map(|b| json!({"label": b.label, "value": b.value})).collect::<Vec<_>>(),
            })
        });
        let mut entry = Map::new();
        entry.insert("id".into(), json!(step.id));
        entry.insert("title".into(), json!(step.title));
        entry.insert("language".into(), json!(language));
        entry.insert("file".into(), json!(file));
        entry.insert("query".into(), json!(query));
        entry.insert("from_step".into(), json!(from));
        entry.insert("params".into(), json!(step.params));
        entry.insert("transforms".into(), json!(step.transforms));
        entry.insert("columns".into(), json!(column_names(&step.result)));
        entry.insert("row_count".into(), json!(step.result.num_rows()));
        entry.insert("rows".into(), rows);
        entry.insert("chart".into(), json!(chart));
        entry.insert("finding".into(), json!(step.finding));
        steps.push(Value::Object(entry));
    }
    Ok(json!({
        "playbook": report.name,
        "title": report.title,
        "description": report.description,
        "parameters": parameters,
        "findings": report.steps.iter().filter_map(|s| s.finding.clone()).collect::<Vec<_>>(),
        "steps": steps,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::tests::sample_report;

    #[test]
    fn holds_every_row_with_explicit_nulls() {
        let v = json(&sample_report()).unwrap();
        let step = &v["steps"][0];
        assert_eq!(step["language"], "sql");
        assert_eq!(step["row_count"], 2);
        assert_eq!(step["rows"][0]["arn"], "arn:aws:iam::1:user/<b>mallory</b>");
        assert_eq!(step["rows"][1]["arn"], Value::Null);
        assert_eq!(step["rows"][0]["total"], 9);
        assert_eq!(step["chart"]["bars"].as_array().unwrap().len(), 2);
        assert_eq!(
            v["findings"][0],
            "Top identity: arn:aws:iam::1:user/<b>mallory</b> (9 failures)"
        );
        assert_eq!(v["parameters"][0]["value"], "x' OR '1'='1");
    }
}
