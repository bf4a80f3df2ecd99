//! The free font embedded where the server draws text itself (banner PNG, PDF printouts): DejaVu Sans, with
//! Polish and Ukrainian glyphs, so output never depends on the fonts of the machine.

/// DejaVu Sans.
pub const REGULAR: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans.ttf");
/// DejaVu Sans Bold.
pub const BOLD: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans-Bold.ttf");
/// One typographic point in millimetres: text sizes are in points, the pages and charts in mm.
pub const PT: f32 = 0.3528;

/// The glyph widths of the embedded fonts, read once, for measuring text the server lays out itself.
static METRICS: std::sync::LazyLock<[Option<printpdf::ParsedFont>; 2]> = std::sync::LazyLock::new(|| {
    [REGULAR, BOLD].map(|bytes| printpdf::ParsedFont::from_bytes(bytes, 0, &mut Vec::new()))
});

/// The width of `text` in the embedded font at `size` (in the unit of `size`: points give points), from
/// the font's own advance widths. A character the font lacks counts as a wide letter (0.6 em, which is
/// what a missing-glyph box takes), as does every character if the font could not be read.
pub fn text_width(text: &str, size: f32, bold: bool) -> f32 {
    let fallback = 0.6;
    let Some(font) = &METRICS[usize::from(bold)] else {
        return text.chars().count() as f32 * fallback * size;
    };
    let per_em = f32::from(font.units_per_em.max(1));
    let ems: f32 = text
        .chars()
        .map(|c| {
            font.lookup_glyph_index(u32::from(c))
                .and_then(|g| font.get_glyph_width(g))
                .map_or(fallback, |w| f32::from(w) / per_em)
        })
        .sum();
    ems * size
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_are_the_fonts_own() {
        // DejaVu Sans: "i" is narrow, "W" and "m" wide; bold is wider than regular.
        assert!(text_width("iiii", 10.0, false) < text_width("WWWW", 10.0, false) / 2.0);
        assert!(text_width("mmmm", 10.0, true) > text_width("mmmm", 10.0, false));
        // Twice the size, twice the width; nothing is nothing.
        assert!((text_width("Ocena", 20.0, false) - 2.0 * text_width("Ocena", 10.0, false)).abs() < 1e-3);
        assert_eq!(text_width("", 10.0, false), 0.0);
        // Polish letters are in the font (not measured as the fallback box).
        let ascii = text_width("zolc", 10.0, false);
        let polish = text_width("żółć", 10.0, false);
        assert!((polish - ascii).abs() < 0.5, "{ascii} vs {polish}");
    }

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
