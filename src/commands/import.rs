//! `leads import FILE|-`: add or update leads from a file, all or nothing.
//!
//! JSON array, NDJSON, an API page (`{"data": [...]}`) and CSV all become JSON objects first and
//! are read as leads by the one deserialiser the API uses, so every format obeys the same rules.

use std::collections::HashMap;
use std::io::Read;
use std::path::Path;

use serde_json::{Map, Value};

use crate::context::Ctx;
use crate::domain::lead::Lead;
use crate::error::{CliError, Exit};
use crate::render::{Format, Report, Style};
use crate::store::{ImportSummary, describe_io};

#[derive(Debug, clap::Args)]
#[command(after_help = CSV_HELP)]
pub struct Args {
    /// The file to read, or - for stdin
    #[arg(value_name = "FILE|-")]
    pub file: String,

    /// The file's format; by default from the extension, else from the content
    #[arg(long, value_enum, default_value_t = InputFormat::Auto)]
    pub format: InputFormat,
}

const CSV_HELP: &str = "CSV: one lead a row, with a header naming the columns (any order; unknown columns are ignored).
  Required: id, service, category, created_at, fee_amount, fee_currency
  Optional: kind, status, expires_at, budget_min, budget_max, budget_currency, city, district,
            postcode, schedule, customer_name, customer_phone, customer_email, message,
            answers (a JSON array of {\"question\", \"answer\"}), decision_action, decided_at,
            reason, note
  Times are RFC 3339 (2026-11-23T08:00:00Z); amounts are integers in minor units (18000 = NT$180.00).";

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum InputFormat {
    Auto,
    /// A JSON array of leads, or an API page {"data": [...]}
    Json,
    /// One JSON lead per line
    Ndjson,
    Csv,
}

pub fn run(ctx: &Ctx, args: Args) -> Result<Exit, CliError> {
    let (name, text) = read_input(&args.file)?;
    let format = match args.format {
        InputFormat::Auto => detect(&args.file, &text),
        f => f,
    };
    let leads = parse(&text, format).map_err(|e| {
        CliError::bad_input(format!("{name}: {e}"))
            .with_hint("nothing was imported; fix the file and run the import again")
    })?;
    let store = ctx.store()?;
    let summary = store.import(&leads, ctx.now())?;
    let mut line = format!(
        "Imported {} lead{} from {name}: {} added, {} updated.",
        leads.len(),
        if leads.len() == 1 { "" } else { "s" },
        summary.added,
        summary.updated
    );
    if summary.kept > 0 {
        line.push_str(&format!(
            " Kept the decision or expiry already recorded for {} of them.",
            summary.kept
        ));
    }
    ctx.out.note(&line);
    if ctx.out.format == Format::Json {
        ctx.out.emit(&summary)?;
    }
    Ok(Exit::Ok)
}

/// Only ever printed as JSON (`--json`); people get the summary line on stderr.
impl Report for ImportSummary {
    fn human(&self, _: &Style) -> String {
        String::new()
    }
}

fn read_input(file: &str) -> Result<(String, String), CliError> {
    let mut bytes = Vec::new();
    let name = if file == "-" {
        std::io::stdin()
            .lock()
            .read_to_end(&mut bytes)
            .map_err(|e| CliError::bad_input(format!("cannot read stdin: {e}")))?;
        "stdin".to_string()
    } else {
        bytes = std::fs::read(file).map_err(|e| {
            CliError::bad_input(format!("cannot read {file}: {}", describe_io(&e)))
                .with_hint("check the path; use - to read from stdin")
        })?;
        file.to_string()
    };
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(CliError::bad_input(format!(
            "{name} is empty: there is nothing to import"
        )));
    }
    let text = String::from_utf8(bytes).map_err(|e| {
        CliError::bad_input(format!(
            "{name} is not UTF-8 text (byte {})",
            e.utf8_error().valid_up_to()
        ))
    })?;
    Ok((name, text))
}

fn detect(file: &str, text: &str) -> InputFormat {
    let ext = Path::new(file)
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    match ext.as_deref() {
        Some("csv") => return InputFormat::Csv,
        Some("ndjson" | "jsonl") => return InputFormat::Ndjson,
        Some("json") => return InputFormat::Json,
        _ => {}
    }
    let trimmed = text.trim_start_matches('\u{feff}').trim_start();
    if trimmed.starts_with('[') {
        InputFormat::Json
    } else if trimmed.starts_with('{') {
        // One object spanning the whole input is an API page (or a single lead); several
        // objects, one per line, are NDJSON.
        if serde_json::from_str::<Value>(trimmed).is_ok() {
            InputFormat::Json
        } else {
            InputFormat::Ndjson
        }
    } else {
        InputFormat::Csv
    }
}

/// Reads every record; the first bad one fails the whole input, naming where it is.
pub fn parse(text: &str, format: InputFormat) -> Result<Vec<Lead>, String> {
    let text = text.trim_start_matches('\u{feff}');
    let records: Vec<(String, Value)> = match format {
        InputFormat::Json | InputFormat::Auto => {
            let value: Value =
                serde_json::from_str(text).map_err(|e| format!("not valid JSON: {e}"))?;
            let items = match value {
                Value::Array(items) => items,
                Value::Object(mut page) if page.contains_key("data") => match page.remove("data") {
                    Some(Value::Array(items)) => items,
                    _ => return Err("`data` must be an array of leads".into()),
                },
                Value::Object(_) => vec![value],
                _ => {
                    return Err(
                        "expected an array of leads, an API page {\"data\": [...]}, or one lead"
                            .into(),
                    );
                }
            };
            items
                .into_iter()
                .enumerate()
                .map(|(i, v)| (format!("record {}", i + 1), v))
                .collect()
        }
        InputFormat::Ndjson => text
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
            .map(|(i, l)| {
                serde_json::from_str(l)
                    .map(|v| (format!("line {}", i + 1), v))
                    .map_err(|e| format!("line {}: not valid JSON: {e}", i + 1))
            })
            .collect::<Result<_, _>>()?,
        InputFormat::Csv => csv_records(text)?,
    };
    // Where each id was first seen: a second record with it is a mistake in the file, which
    // an upsert would otherwise hide by letting the later record win.
    let mut seen: HashMap<String, String> = HashMap::new();
    records
        .into_iter()
        .map(|(at, value)| {
            let record = at;
            let id = value.get("id").and_then(Value::as_str).map(str::to_string);
            let at = match id {
                Some(id) => format!("{record} (id {id:?})"),
                None => record.clone(),
            };
            // The path names the field inside the record: "fee.currency: unknown currency code".
            let lead: Lead = serde_path_to_error::deserialize(value).map_err(|e| {
                let path = e.path().to_string();
                match path.as_str() {
                    "." => format!("{at}: {}", e.inner()),
                    _ => format!("{at}: `{path}`: {}", e.inner()),
                }
            })?;
            lead.validate().map_err(|e| format!("{at}: {e}"))?;
            if let Some(first) = seen.insert(lead.id.clone(), record) {
                return Err(format!(
                    "{at}: the same id as {first}; a file may hold each lead only once"
                ));
            }
            Ok(lead)
        })
        .collect()
}

/// Each CSV row as the JSON object the API would have sent.
fn csv_records(text: &str) -> Result<Vec<(String, Value)>, String> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| format!("cannot read the CSV header: {e}"))?
        .clone();
    for required in [
        "id",
        "service",
        "category",
        "created_at",
        "fee_amount",
        "fee_currency",
    ] {
        if !headers.iter().any(|h| h == required) {
            return Err(format!(
                "the CSV header has no `{required}` column (see `leads import --help` for the columns)"
            ));
        }
    }
    let mut out = Vec::new();
    for (i, row) in reader.records().enumerate() {
        let at = format!("row {}", i + 1);
        let row = row.map_err(|e| format!("{at}: {e}"))?;
        let line = row.position().map_or(0, |p| p.line());
        let at = format!("{at} (line {line})");
        let col = |name: &str| {
            headers
                .iter()
                .position(|h| h == name)
                .and_then(|i| row.get(i))
                .filter(|v| !v.is_empty())
        };
        let text = |name: &str| col(name).map_or(Value::Null, |v| Value::String(v.into()));
        let int = |name: &str| -> Result<Value, String> {
            match col(name) {
                None => Ok(Value::Null),
                Some(v) => v.parse::<i64>().map(Value::from).map_err(|_| {
                    format!("{at}: column {name}: {v:?} is not a whole number of minor units")
                }),
            }
        };
        let mut lead = Map::new();
        for key in [
            "id",
            "kind",
            "status",
            "service",
            "category",
            "created_at",
            "expires_at",
            "schedule",
            "message",
        ] {
            let v = text(key);
            if !v.is_null() {
                lead.insert(key.into(), v);
            }
        }
        lead.insert(
            "fee".into(),
            serde_json::json!({"amount": int("fee_amount")?, "currency": text("fee_currency")}),
        );
        let (bmin, bmax) = (int("budget_min")?, int("budget_max")?);
        if !bmin.is_null() || !bmax.is_null() {
            let currency = col("budget_currency").or(col("fee_currency"));
            lead.insert(
                "budget".into(),
                serde_json::json!({"min": bmin, "max": bmax, "currency": currency}),
            );
        }
        if ["city", "district", "postcode"]
            .iter()
            .any(|c| col(c).is_some())
        {
            lead.insert(
                "location".into(),
                serde_json::json!({"city": text("city"), "district": text("district"), "postcode": text("postcode")}),
            );
        }
        lead.insert(
            "customer".into(),
            serde_json::json!({
                "display_name": col("customer_name").unwrap_or_default(),
                "phone": text("customer_phone"),
                "email": text("customer_email"),
            }),
        );
        if let Some(answers) = col("answers") {
            let parsed: Value = serde_json::from_str(answers)
                .map_err(|e| format!("{at}: column answers is not a JSON array: {e}"))?;
            lead.insert("answers".into(), parsed);
        }
        if let Some(action) = col("decision_action") {
            lead.insert(
                "decision".into(),
                serde_json::json!({
                    "action": action,
                    "decided_at": text("decided_at"),
                    "reason": text("reason"),
                    "note": text("note"),
                }),
            );
        }
        out.push((at, Value::Object(lead)));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ONE: &str = r#"{"id":"a","service":"Cleaning","category":"cleaning","created_at":"2026-11-23T08:00:00Z","fee":{"amount":100,"currency":"TWD"}}"#;

    #[test]
    fn detects_formats_from_content() {
        assert_eq!(detect("-", &format!("[{ONE}]")), InputFormat::Json);
        assert_eq!(
            detect("-", &format!("{{\"data\": [{ONE}]}}")),
            InputFormat::Json
        );
        assert_eq!(detect("-", &format!("{ONE}\n{ONE}\n")), InputFormat::Ndjson);
        assert_eq!(detect("-", "id,service\n"), InputFormat::Csv);
        assert_eq!(detect("x.CSV", "[...]"), InputFormat::Csv);
    }

    #[test]
    fn every_format_yields_the_same_lead() {
        let json = parse(&format!("[{ONE}]"), InputFormat::Json).unwrap();
        let page = parse(
            &format!("{{\"data\": [{ONE}], \"next_cursor\": null}}"),
            InputFormat::Json,
        )
        .unwrap();
        let nd = parse(&format!("{ONE}\n\n"), InputFormat::Ndjson).unwrap();
        let csv = parse(
            "id,service,category,created_at,fee_amount,fee_currency\na,Cleaning,cleaning,2026-11-23T08:00:00Z,100,TWD\n",
            InputFormat::Csv,
        )
        .unwrap();
        assert_eq!(json, page);
        assert_eq!(json, nd);
        assert_eq!(json, csv);
    }

    #[test]
    fn errors_name_the_record_and_the_reason() {
        let bad = ONE.replace("100", "-5");
        let e = parse(&format!("[{ONE}, {bad}]"), InputFormat::Json).unwrap_err();
        assert_eq!(e, "record 2 (id \"a\"): `fee.amount` must not be negative");
        let e = parse(&format!("{ONE}\n{{oops\n"), InputFormat::Ndjson).unwrap_err();
        assert!(e.starts_with("line 2: not valid JSON"), "{e}");
        let e = parse("id,service,category,created_at,fee_amount,fee_currency\na,S,c,2026-11-23T08:00:00Z,1.5,TWD\n", InputFormat::Csv).unwrap_err();
        assert!(e.contains("row 1 (line 2): column fee_amount"), "{e}");
        let e = parse("id,service\n", InputFormat::Csv).unwrap_err();
        assert!(e.contains("no `category` column"), "{e}");
    }
}
