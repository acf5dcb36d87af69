//! Safe Rust refuses every mistake of the gallery: each `hazard safe ID` reports a compile
//! error with the expected code or a checked API's refusal. (The mistakes themselves run only
//! under the checkers, in `scripts/soundness.sh`.)

use std::process::Command;

fn hazard(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_hazard"))
        .args(args)
        .output()
        .expect("run the hazard binary")
}

fn ids() -> Vec<String> {
    let out = hazard(&["list"]);
    assert!(out.status.success());
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).expect("list is JSON");
    list.as_array()
        .expect("an array")
        .iter()
        .map(|h| h["id"].as_str().expect("id").to_owned())
        .collect()
}

#[test]
fn the_gallery_has_every_hazard_of_the_issue() {
    let ids = ids();
    for n in 1..=10 {
        let prefix = format!("h{n:02}");
        assert!(
            ids.iter().any(|id| id.starts_with(&prefix)),
            "no hazard {prefix} in {ids:?}"
        );
    }
}

#[test]
fn safe_rust_refuses_every_mistake() {
    for id in ids() {
        let out = hazard(&["safe", &id]);
        let refusal: serde_json::Value =
            serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{id}: {e}"));
        assert_eq!(refusal["refused"], true, "{id}: {refusal}");
        assert!(out.status.success(), "{id}");
        if refusal["how"] == "compile error" {
            assert!(
                refusal["detail"]
                    .as_str()
                    .is_some_and(|d| d.starts_with("error[E")),
                "{id}: {refusal}"
            );
        }
    }
}

#[test]
fn unknown_hazards_and_bad_usage_are_named() {
    let out = hazard(&["run", "h99-nothing"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("no hazard `h99-nothing`") && stderr.contains("h01-"));
    let out = hazard(&[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("usage"));
}
