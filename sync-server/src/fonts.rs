//! The free font embedded where the server draws text itself (banner PNG, PDF printouts): DejaVu Sans, with
//! Polish and Ukrainian glyphs, so output never depends on the fonts of the machine.

/// DejaVu Sans.
pub const REGULAR: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
/// DejaVu Sans Bold.
pub const BOLD: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf");
