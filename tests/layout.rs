//! The dependency rule of `src/lib.rs`, checked on the source tree: each top-level module
//! imports only from the modules below it, so no import circle can come back.
//!
//! Ranks, lowest first: `text`; `settings`; `ingest` and `analyze` (side by side, never
//! importing each other); `store`; `notify`; `digest`; `web`; `service`; `cli`. A file belongs to
//! the module named by its first path component under `src/`.

use std::path::{Path, PathBuf};

fn rank(module: &str) -> Option<u32> {
    Some(match module {
        "text" => 0,
        "settings" => 1,
        "ingest" | "analyze" => 2,
        "store" => 3,
        "notify" => 4,
        "digest" => 5,
        "web" => 6,
        "service" => 7,
        "cli" => 8,
        _ => return None,
    })
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The top-level modules a piece of source names as `crate::x`, including inside
/// `use crate::{x::…, y::…}` groups.
fn imported_modules(source: &str) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    for (n, line) in source.lines().enumerate() {
        let code = line.split("//").next().unwrap_or("");
        let mut rest = code;
        while let Some(at) = rest.find("crate::") {
            rest = &rest[at + "crate::".len()..];
            if let Some(group) = rest.strip_prefix('{') {
                // `use crate::{a::b, c}`: may span lines; read up to the closing brace.
                let start = source.lines().skip(n).collect::<Vec<_>>().join("\n");
                let open = start.find("crate::{").unwrap() + "crate::{".len();
                let mut depth = 1;
                let mut top = String::new();
                for c in start[open..].chars() {
                    match c {
                        '{' => depth += 1,
                        '}' => depth -= 1,
                        _ => {}
                    }
                    if depth == 0 {
                        break;
                    }
                    if depth == 1 {
                        top.push(c);
                    }
                }
                for part in top.split(',') {
                    let name: String = part
                        .trim()
                        .chars()
                        .take_while(|c| c.is_alphanumeric() || *c == '_')
                        .collect();
                    if !name.is_empty() {
                        found.push((n + 1, name));
                    }
                }
                rest = group;
                continue;
            }
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                found.push((n + 1, name));
            }
        }
    }
    found
}

#[test]
fn each_module_imports_only_from_the_modules_below_it() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    let mut checked = 0;
    let mut wrong = Vec::new();
    for file in &files {
        let relative = file.strip_prefix(&src).unwrap();
        let first = relative.components().next().unwrap().as_os_str();
        let module = first.to_str().unwrap().trim_end_matches(".rs");
        let Some(own) = rank(module) else {
            // lib.rs and main.rs sit above everything.
            assert!(
                module == "lib" || module == "main",
                "{} is in no module of the dependency rule: add it to tests/layout.rs and lib.rs",
                relative.display()
            );
            continue;
        };
        let source = std::fs::read_to_string(file).unwrap();
        for (line, imported) in imported_modules(&source) {
            checked += 1;
            if imported == module {
                continue;
            }
            let Some(theirs) = rank(&imported) else {
                wrong.push(format!(
                    "{}:{line}: crate::{imported} is no module of the rule",
                    relative.display()
                ));
                continue;
            };
            if theirs >= own {
                wrong.push(format!(
                    "{}:{line}: {module} imports crate::{imported}, which is not below it",
                    relative.display()
                ));
            }
        }
    }
    assert!(
        checked > 100,
        "only {checked} imports found: is the scan broken?"
    );
    assert!(
        wrong.is_empty(),
        "imports against the rule:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn the_scan_sees_grouped_and_inline_imports() {
    // The rule is only as good as the scan: grouped imports over several lines, inline
    // paths and comments.
    let found = imported_modules(
        "use crate::{\n    store::Store,\n    settings::{a, b},\n};\nlet x = crate::cli::run();\n// crate::digest in a comment\n",
    );
    let names: Vec<&str> = found.iter().map(|(_, n)| n.as_str()).collect();
    assert_eq!(names, ["store", "settings", "cli"]);
}
