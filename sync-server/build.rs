//! Embeds the user manual (`docs/instrukcja`: chapters, screenshots, the PDF when it has been made) so
//! that the admin panel serves the manual of its own version, from a single binary.

use std::fmt::Write;
use std::path::Path;

fn main() {
    let manual = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/instrukcja");
    println!("cargo:rerun-if-changed={}", manual.display());
    let mut out = String::new();
    let list = |dir: &Path, ext: &str| {
        println!("cargo:rerun-if-changed={}", dir.display());
        let mut files: Vec<_> =
            std::fs::read_dir(dir).map(|d| d.filter_map(Result::ok).map(|e| e.path()).collect()).unwrap_or_default();
        files.retain(|p: &std::path::PathBuf| p.extension().is_some_and(|x| x == ext));
        files.sort();
        files
    };
    out.push_str("/// The chapters: file stem and Markdown.\npub static CHAPTERS: &[(&str, &str)] = &[\n");
    // Polish chapters by their file stem; translations under their language ("en/administrator").
    let english = list(&manual.join("en"), "md").into_iter().map(|p| ("en/".to_owned(), p));
    for (prefix, path) in list(&manual, "md").into_iter().map(|p| (String::new(), p)).chain(english) {
        let stem = format!("{prefix}{}", path.file_stem().and_then(|s| s.to_str()).unwrap_or_default());
        let _ = writeln!(out, "    ({stem:?}, include_str!({:?})),", path.display().to_string());
    }
    out.push_str("];\n/// The pictures: file name and PNG.\npub static IMAGES: &[(&str, &[u8])] = &[\n");
    for path in list(&manual.join("img"), "png") {
        let name = path.file_name().and_then(|s| s.to_str()).unwrap_or_default();
        let _ = writeln!(out, "    ({name:?}, include_bytes!({:?})),", path.display().to_string());
    }
    out.push_str(
        "];\n/// The manual as one PDF, when `scripts/screenshots` has made it.\npub static PDF: Option<&[u8]> = ",
    );
    let pdf = manual.join("instrukcja.pdf");
    println!("cargo:rerun-if-changed={}", pdf.display());
    if pdf.exists() {
        let _ = writeln!(out, "Some(include_bytes!({:?}));", pdf.display().to_string());
    } else {
        out.push_str("None;\n");
    }
    let target = Path::new(&std::env::var("OUT_DIR").unwrap_or_default()).join("manual.rs");
    if let Err(e) = std::fs::write(&target, out) {
        panic!("cannot write {}: {e}", target.display());
    }
}
