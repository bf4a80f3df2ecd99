//! The free font embedded where the server draws text itself (banner PNG, PDF printouts): DejaVu Sans, with
//! Polish and Ukrainian glyphs, so output never depends on the fonts of the machine.

/// DejaVu Sans.
pub const REGULAR: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans.ttf");
/// DejaVu Sans Bold.
pub const BOLD: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans-Bold.ttf");

#[cfg(test)]
mod tests {
    use super::*;

    /// The fonts are a subset (see `assets/fonts/README.md`): every character the product writes must
    /// be in it, or printouts and the kiosk would show empty boxes.
    #[test]
    fn the_subset_covers_every_character_written() {
        let questionnaire = serde_json::to_string(&survey::default_questionnaire::default_questionnaire()).unwrap();
        let mut texts = vec![questionnaire];
        for dir in [
            "templates",
            "templates/admin",
            "../kiosk/ui",
            "../kiosk/lang/en/LC_MESSAGES",
            "../kiosk/lang/uk/LC_MESSAGES",
        ] {
            for entry in std::fs::read_dir(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(dir)).unwrap() {
                let path = entry.unwrap().path();
                if path.is_file() {
                    texts.push(std::fs::read_to_string(path).unwrap());
                }
            }
        }
        for (name, bytes) in [("regular", REGULAR), ("bold", BOLD)] {
            let font = printpdf::ParsedFont::from_bytes(bytes, 0, &mut Vec::new()).unwrap();
            let mut missing: Vec<char> = texts
                .iter()
                .flat_map(|t| t.chars())
                .filter(|c| !c.is_control() && font.lookup_glyph_index(u32::from(*c)).is_none())
                .collect();
            missing.sort_unstable();
            missing.dedup();
            assert!(missing.is_empty(), "{name} lacks {missing:?}");
        }
    }
}
