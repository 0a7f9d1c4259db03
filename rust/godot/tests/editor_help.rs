//! Every class, method, property, signal and constant the addon registers carries a `///` doc
//! comment, which `register-docs` turns into the editor's help: one missing is a blank page a
//! game developer hits.

use std::path::Path;

/// The attributes that register something with Godot.
const REGISTERING: [&str; 6] = [
    "#[derive(GodotClass)]",
    "#[func",
    "#[var",
    "#[signal]",
    "#[constant]",
    "#[export",
];

fn sources(dir: &Path, out: &mut Vec<(String, String)>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push((
                path.display().to_string(),
                std::fs::read_to_string(&path).unwrap(),
            ));
        }
    }
}

/// The registered items of `source` with no doc comment above their attributes.
fn undocumented(source: &str) -> Vec<String> {
    let lines: Vec<&str> = source.lines().collect();
    let mut missing = Vec::new();
    for (index, line) in lines.iter().enumerate() {
        let trimmed = line.trim_start();
        if !REGISTERING.iter().any(|a| trimmed.starts_with(a)) {
            continue;
        }
        // Walk up over the item's other attributes to the line before them.
        let mut above = index;
        while above > 0 && lines[above - 1].trim_start().starts_with("#[") {
            above -= 1;
        }
        let documented = above > 0 && lines[above - 1].trim_start().starts_with("///");
        if !documented {
            let item = lines[index..]
                .iter()
                .find(|l| !l.trim_start().starts_with("#["))
                .unwrap_or(line)
                .trim();
            missing.push(format!("line {}: {item}", index + 1));
        }
    }
    missing
}

#[test]
fn every_registered_item_has_editor_help() {
    let mut files = Vec::new();
    sources(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut files,
    );
    let missing: Vec<String> = files
        .iter()
        .flat_map(|(path, source)| {
            undocumented(source)
                .into_iter()
                .map(move |item| format!("{path} {item}"))
        })
        .collect();
    assert!(
        missing.is_empty(),
        "registered without a doc comment:\n{}",
        missing.join("\n")
    );
}

#[test]
fn the_check_finds_what_is_missing() {
    let source = "/// Documented.\n#[func]\nfn a() {}\n\n#[func]\n#[allow(x)]\nfn b() {}\n";
    assert_eq!(undocumented(source), ["line 5: fn b() {}"]);
}
