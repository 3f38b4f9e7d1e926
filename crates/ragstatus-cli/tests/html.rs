//! Opens the HTML report in headless Chromium and checks that it renders without console
//! errors (or any console output: the report has no scripts) and without fetching anything.
//!
//! Without a browser the test says that it skipped, except under `CI=true`, where a missing
//! browser fails it (`scripts/test.sh` installs Debian's `chromium` where it can). Set
//! `RAGSTATUS_CHROMIUM` to use a browser binary elsewhere.

use std::path::{Path, PathBuf};
use std::process::Command;

fn browser() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("RAGSTATUS_CHROMIUM") {
        return Some(PathBuf::from(path));
    }
    let path = std::env::var_os("PATH")?;
    for dir in std::env::split_paths(&path) {
        for name in [
            "chromium",
            "chromium-browser",
            "google-chrome",
            "google-chrome-stable",
        ] {
            let candidate = dir.join(name);
            if candidate.is_file() {
                return Some(candidate);
            }
        }
    }
    None
}

/// The browser, or `None` after saying the test skipped (a failure under CI=true).
fn browser_or_skip(test: &str) -> Option<PathBuf> {
    match browser() {
        Some(b) => Some(b),
        None if std::env::var("CI").is_ok_and(|v| v == "true") => {
            panic!("{test}: no Chromium found and CI=true: install Debian's chromium package")
        }
        None => {
            eprintln!("{test}: SKIPPED: no Chromium found (install Debian's chromium package)");
            None
        }
    }
}

struct Rendered {
    dom: String,
    console: Vec<String>,
}

fn render(browser: &Path, page: &Path, screenshot: Option<&Path>) -> Rendered {
    let profile = tempfile::tempdir().unwrap();
    let mut cmd = Command::new(browser);
    cmd.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--enable-logging=stderr",
        "--v=0",
    ])
    .arg(format!("--user-data-dir={}", profile.path().display()));
    match screenshot {
        Some(png) => {
            cmd.arg(format!("--screenshot={}", png.display()))
                .arg("--window-size=1280,2400");
        }
        None => {
            cmd.arg("--dump-dom");
        }
    }
    let out = cmd
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("run chromium");
    assert!(out.status.success(), "chromium failed: {out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    Rendered {
        dom: String::from_utf8_lossy(&out.stdout).into_owned(),
        console: stderr
            .lines()
            .filter(|l| l.contains(":CONSOLE") || l.contains("Failed to load resource"))
            .map(str::to_string)
            .collect(),
    }
}

#[test]
fn harness_detects_console_errors() {
    let Some(browser) = browser_or_skip("harness_detects_console_errors") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("broken.html");
    std::fs::write(
        &page,
        "<!DOCTYPE html><html><body><p>x</p><script>undefinedFunction();</script></body></html>",
    )
    .unwrap();
    let rendered = render(&browser, &page, None);
    assert!(
        rendered
            .console
            .iter()
            .any(|l| l.contains("undefinedFunction")),
        "the harness did not see the error: {:?}",
        rendered.console
    );
}

#[test]
fn report_renders_in_chromium_without_console_errors() {
    let Some(browser) = browser_or_skip("report_renders_in_chromium_without_console_errors") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("report.html");
    let example = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/council-q3");
    let status = assert_cmd::Command::cargo_bin("ragstatus")
        .unwrap()
        .args(["report", "--format", "html", "--period", "2015/16 Q3"])
        .arg("--definitions")
        .arg(format!("{example}/indicators.toml"))
        .arg("--actuals")
        .arg(format!("{example}/actuals.csv"))
        .arg("--budget")
        .arg(format!("{example}/budget.csv"))
        .args(["--budget-unit", "thousands"])
        .arg("--budget-settings")
        .arg(format!("{example}/budget-settings.toml"))
        .arg("--milestones")
        .arg(format!("{example}/milestones.csv"))
        .arg("--overrides")
        .arg(format!("{example}/overrides.csv"))
        .arg("--output")
        .arg(&page)
        .output()
        .unwrap();
    assert_eq!(status.status.code(), Some(0), "{status:?}");
    let html = std::fs::read_to_string(&page).unwrap();
    // Self-contained: nothing to fetch.
    for external in ["<script", "<link", "src=\"http", "href=\"http", "url("] {
        assert!(!html.contains(external), "the report refers to {external}");
    }

    let rendered = render(&browser, &page, None);
    assert!(
        rendered.console.is_empty(),
        "console output: {:?}",
        rendered.console
    );
    for text in [
        "1. Performance summary",
        "2. Exceptions",
        "3. Indicators",
        "Appendix A. Budget position",
        "Actions and milestones",
        "<svg",
        "✖ Red",
    ] {
        assert!(
            rendered.dom.contains(text),
            "{text:?} not in the rendered page"
        );
    }

    // A screenshot for people to look at (RAGSTATUS_SCREENSHOT=path keeps it).
    if let Some(png) = std::env::var_os("RAGSTATUS_SCREENSHOT") {
        let rendered = render(&browser, &page, Some(Path::new(&png)));
        assert!(rendered.console.is_empty(), "{:?}", rendered.console);
        assert!(Path::new(&png).is_file());
    }
}
