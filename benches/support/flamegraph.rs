//! A criterion profiler that samples the benchmark with pprof and writes a flamegraph.
//!
//! Criterion calls it only in profiling mode (`cargo bench --bench throughput --
//! --profile-time N`), where it runs each benchmark for N seconds without measuring; the graph
//! goes to `<criterion dir>/<benchmark>/profile/flamegraph.svg`, where `ledger report` links it.
//! pprof's own criterion integration targets an older criterion, hence this small adapter.

use std::fs::{self, File};
use std::path::Path;

use criterion::profiler::Profiler;
use pprof::{ProfilerGuard, ProfilerGuardBuilder};

/// Samples per second: enough for a readable graph in a few seconds of profiling.
const FREQUENCY: i32 = 997;

/// Samples taken inside these libraries are attributed to their caller frames instead; stacks
/// through the signal machinery and the C library add nothing to a kernel's profile.
const BLOCKLIST: &[&str] = &["libc", "libgcc", "pthread", "vdso"];

/// Samples the running benchmark; one profile at a time.
#[derive(Default)]
pub struct Flamegraph {
    running: Option<ProfilerGuard<'static>>,
}

impl Profiler for Flamegraph {
    fn start_profiling(&mut self, benchmark_id: &str, _benchmark_dir: &Path) {
        match ProfilerGuardBuilder::default()
            .frequency(FREQUENCY)
            .blocklist(BLOCKLIST)
            .build()
        {
            Ok(guard) => self.running = Some(guard),
            Err(error) => eprintln!("   flamegraph of {benchmark_id}: cannot start pprof: {error}"),
        }
    }

    fn stop_profiling(&mut self, benchmark_id: &str, benchmark_dir: &Path) {
        let Some(guard) = self.running.take() else {
            return;
        };
        let path = benchmark_dir.join("flamegraph.svg");
        let written = (|| -> Result<(), Box<dyn std::error::Error>> {
            let report = guard.report().build()?;
            fs::create_dir_all(benchmark_dir)?;
            report.flamegraph(File::create(&path)?)?;
            Ok(())
        })();
        match written {
            Ok(()) => eprintln!("   flamegraph of {benchmark_id}: {}", path.display()),
            Err(error) => eprintln!("   flamegraph of {benchmark_id}: not written: {error}"),
        }
    }
}
