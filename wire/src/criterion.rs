//! The parts of criterion's output files the report reads, as criterion 0.8 writes them under
//! `<criterion home>/<benchmark directory>/new/`.

use serde::Deserialize;

/// `benchmark.json`: the benchmark's identity.
#[derive(Clone, Debug, Deserialize)]
pub struct BenchmarkFile {
    /// The group, here `family/shape`.
    pub group_id: String,
    /// The function, here the variant.
    pub function_id: Option<String>,
    /// The parameter, here the size label.
    pub value_str: Option<String>,
    /// What one iteration processes, e.g. `{"Bytes": 65536}`.
    pub throughput: Option<serde_json::Value>,
    /// `group/function/value`.
    pub full_id: String,
    /// Where criterion keeps this benchmark, relative to its home.
    pub directory_name: String,
}

/// `sample.json`: the raw measurements.
#[derive(Clone, Debug, Deserialize)]
pub struct SampleFile {
    /// `Linear` or `Flat`.
    pub sampling_mode: String,
    /// Iterations in each sample.
    pub iters: Vec<f64>,
    /// Total nanoseconds of each sample.
    pub times: Vec<f64>,
}

/// What one iteration of a benchmark processes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Amount {
    /// Bytes per iteration.
    Bytes(u64),
    /// Elements (operations, records) per iteration.
    Elements(u64),
}

impl Amount {
    /// The number processed per iteration.
    pub fn count(self) -> u64 {
        match self {
            Self::Bytes(n) | Self::Elements(n) => n,
        }
    }
}

impl BenchmarkFile {
    /// The throughput declaration, if it is one the report understands.
    pub fn amount(&self) -> Option<Amount> {
        let object = self.throughput.as_ref()?.as_object()?;
        let (key, value) = object.iter().next()?;
        let n = value.as_u64()?;
        match key.as_str() {
            "Bytes" | "BytesDecimal" => Some(Amount::Bytes(n)),
            "Elements" => Some(Amount::Elements(n)),
            _ => None,
        }
    }
}

impl SampleFile {
    /// Nanoseconds per iteration of each sample, or why the samples cannot be used.
    pub fn per_iteration_ns(&self) -> Result<Vec<f64>, String> {
        if self.iters.is_empty() {
            return Err("no samples".to_owned());
        }
        if self.iters.len() != self.times.len() {
            return Err(format!(
                "{} iteration counts but {} times",
                self.iters.len(),
                self.times.len()
            ));
        }
        self.iters
            .iter()
            .zip(&self.times)
            .map(|(&iters, &time)| {
                if iters > 0.0 && time.is_finite() && time >= 0.0 {
                    Ok(time / iters)
                } else {
                    Err(format!(
                        "unusable sample: {time} ns over {iters} iterations"
                    ))
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_criterion_files() {
        let bench: BenchmarkFile = serde_json::from_str(
            r#"{"group_id":"text/ascii","function_id":"to_owned_string","value_str":"16B",
                "throughput":{"Bytes":16},"full_id":"text/ascii/to_owned_string/16B",
                "directory_name":"text_ascii/to_owned_string/16B","title":"t"}"#,
        )
        .expect("benchmark.json");
        assert_eq!(bench.amount(), Some(Amount::Bytes(16)));
        let sample: SampleFile = serde_json::from_str(
            r#"{"sampling_mode":"Linear","iters":[2.0,4.0],"times":[10.0,30.0]}"#,
        )
        .expect("sample.json");
        assert_eq!(sample.per_iteration_ns(), Ok(vec![5.0, 7.5]));
    }

    #[test]
    fn rejects_unusable_samples() {
        let empty = SampleFile {
            sampling_mode: "Flat".into(),
            iters: vec![],
            times: vec![],
        };
        assert!(empty.per_iteration_ns().is_err());
        let zero = SampleFile {
            sampling_mode: "Flat".into(),
            iters: vec![0.0],
            times: vec![1.0],
        };
        assert!(zero.per_iteration_ns().is_err());
        let ragged = SampleFile {
            sampling_mode: "Flat".into(),
            iters: vec![1.0, 2.0],
            times: vec![1.0],
        };
        assert!(ragged.per_iteration_ns().is_err());
    }
}
