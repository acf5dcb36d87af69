//! Process files read back: the rounds of one process, checked line by line, and each arm's
//! mean time per call in it. The engine's driver reads them between looks and the report reads
//! them for the site, through the same code.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use wire::rounds::{CaseHeader, Line, ProcessHeader, ROUNDS_SCHEMA, Round};

/// One complete process of the verdict protocol.
#[derive(Clone, Debug)]
pub struct ProcessRounds {
    /// The file it was read from.
    pub file: PathBuf,
    /// What the process was asked to do.
    pub header: ProcessHeader,
    /// Every case it measured, with every round.
    pub cases: Vec<CaseRounds>,
}

/// One family at one input, in one process.
#[derive(Clone, Debug)]
pub struct CaseRounds {
    /// The arms and the variants that refused the input.
    pub header: CaseHeader,
    /// The code layout of the process that measured it, when the run named one: processes of
    /// one layout share its placement luck, so intervals count them once
    /// ([`crate::interval::ProcessRatio::over_layouts`]).
    pub layout: Option<String>,
    /// Every round, in order.
    pub rounds: Vec<Round>,
}

impl CaseRounds {
    /// Each arm's mean time per call over the rounds (each round weighs the same).
    pub fn means(&self) -> BTreeMap<String, f64> {
        let mut sums: BTreeMap<String, (f64, usize)> = BTreeMap::new();
        for batch in self.rounds.iter().flat_map(|r| &r.batches) {
            let slot = sums.entry(batch.arm.clone()).or_insert((0.0, 0));
            slot.0 += batch.ns as f64 / batch.calls as f64;
            slot.1 += 1;
        }
        sums.into_iter()
            .map(|(arm, (sum, n))| (arm, sum / n as f64))
            .collect()
    }
}

/// Reads one process file, checked line by line; `known` says whether a case's family and
/// variants are ones the reader can interpret. A file that is malformed, interrupted or
/// inconsistent is refused whole, with why: its rounds are never mixed with anything.
pub fn read_process(
    path: &Path,
    known: &dyn Fn(&CaseHeader) -> bool,
) -> Result<ProcessRounds, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read ({e})"))?;
    let mut header: Option<ProcessHeader> = None;
    let mut cases: Vec<CaseRounds> = Vec::new();
    let mut ended = false;
    for (number, line) in text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let at = number + 1;
        if ended {
            return Err(format!("line {at}: a line after the end line"));
        }
        let line: Line =
            serde_json::from_str(line).map_err(|e| format!("line {at}: malformed ({e})"))?;
        match line {
            Line::Process(h) if header.is_none() => {
                if h.schema != ROUNDS_SCHEMA {
                    return Err(format!(
                        "rounds in format version {}, this build reads version {ROUNDS_SCHEMA}",
                        h.schema
                    ));
                }
                header = Some(h);
            }
            Line::Process(_) => return Err(format!("line {at}: a second process header")),
            _ if header.is_none() => return Err("the first line is not a process header".into()),
            Line::Case(case) => {
                if !known(&case) {
                    return Err(format!(
                        "line {at}: case {}/{} names a family or variant the run's catalog \
                         does not list",
                        case.family, case.input
                    ));
                }
                cases.push(CaseRounds {
                    header: case,
                    layout: header.as_ref().and_then(|h| h.layout.clone()),
                    rounds: Vec::new(),
                });
            }
            Line::Round(round) => {
                let case = cases
                    .last_mut()
                    .filter(|c| c.header.family == round.family && c.header.input == round.input)
                    .ok_or_else(|| format!("line {at}: a round outside its case"))?;
                let arms = &case.header.arms;
                let complete = round.batches.len() == arms.len()
                    && arms
                        .iter()
                        .all(|arm| round.batches.iter().filter(|b| b.arm == arm.name).count() == 1);
                if !complete {
                    return Err(format!(
                        "line {at}: round {} of {}/{} does not time every arm exactly once",
                        round.round, round.family, round.input
                    ));
                }
                if let Some(b) = round.batches.iter().find(|b| b.calls == 0 || b.ns == 0) {
                    return Err(format!(
                        "line {at}: arm {} timed {} calls in {} ns",
                        b.arm, b.calls, b.ns
                    ));
                }
                case.rounds.push(round);
            }
            Line::End(_) => ended = true,
        }
    }
    let header = header.ok_or("empty file")?;
    if !ended {
        return Err("interrupted: no end line".to_owned());
    }
    if let Some(short) = cases.iter().find(|c| c.rounds.len() != header.rounds) {
        return Err(format!(
            "case {}/{} has {} rounds of the {} planned",
            short.header.family,
            short.header.input,
            short.rounds.len(),
            header.rounds
        ));
    }
    Ok(ProcessRounds {
        file: path.to_path_buf(),
        header,
        cases,
    })
}
