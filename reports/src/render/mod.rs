//! Render: the ledger → the pages and plots of the site, as files in memory. Writing them to
//! disk is [`crate::site`]'s job.

pub mod html;
pub mod plots;

mod codegen;
mod family;
mod findings;
mod index;
mod soundness;

use crate::ReportError;
use crate::analyze::Ledger;

/// One file of the site, by path relative to the site root.
pub struct SiteFile {
    /// Path relative to the site root, `/`-separated.
    pub path: String,
    /// Content.
    pub bytes: Vec<u8>,
}

/// The directory, relative to the site root, where a run's raw results are copied.
pub fn raw_dir(run: &str) -> String {
    format!("raw/{}", html::slug(run))
}

/// Where, relative to the site root, the checkers' results are copied.
pub const RAW_SOUNDNESS: &str = "raw/soundness.json";

/// Every page and plot, plus `ledger.json`.
pub fn render(ledger: &Ledger) -> Result<Vec<SiteFile>, ReportError> {
    let names: Vec<String> = ledger
        .families
        .iter()
        .map(|f| f.family.name.clone())
        .collect();
    let mut files = vec![SiteFile {
        path: "index.html".to_owned(),
        bytes: html::page("unsafe-ledger: verdicts", &names, &index::body(ledger)).into_bytes(),
    }];
    files.push(SiteFile {
        path: findings::PAGE.to_owned(),
        bytes: html::page("unsafe-ledger: findings", &names, &findings::body(ledger)).into_bytes(),
    });
    files.push(SiteFile {
        path: soundness::PAGE.to_owned(),
        bytes: html::page("unsafe-ledger: soundness", &names, &soundness::body(ledger))
            .into_bytes(),
    });
    for report in &ledger.families {
        let (body, plots) = family::body(report, ledger.soundness.is_some())?;
        files.push(SiteFile {
            path: html::family_page(&report.family.name),
            bytes: html::page(
                &format!("unsafe-ledger: {}", report.family.name),
                &names,
                &body,
            )
            .into_bytes(),
        });
        files.extend(plots);
    }
    let json = serde_json::to_vec_pretty(ledger).map_err(ReportError::Ledger)?;
    files.push(SiteFile {
        path: "ledger.json".to_owned(),
        bytes: json,
    });
    Ok(files)
}
