//! The "Informacja o danych" screen's content: the office's information clause (art. 13 RODO) as the last
//! sync brought it (`GET /api/v1/privacy-notice`, kept in the kiosk's database so it shows offline), a
//! short default before the first sync, and the QR code of the clause's web address as a picture.

use slint::{Image, Rgb8Pixel, SharedPixelBuffer};
use survey::wire::PrivacyNotice;

/// Shown until the first sync brings the office's own clause: where the full text is.
pub const DEFAULT_TEXT: &str = "Badanie jest anonimowe: nie zbieramy Pana/Pani imienia, nazwiska ani innych danych, \
które pozwalałyby Pana/Panią rozpoznać. Odpowiedzi prezentujemy wyłącznie w zbiorczych zestawieniach.\n\n\
Pełna informacja o przetwarzaniu danych osobowych (klauzula informacyjna, art. 13 RODO) – kto jest \
administratorem danych, jak skontaktować się z inspektorem ochrony danych i jakie prawa Panu/Pani \
przysługują – jest dostępna w punkcie obsługi klientów Urzędu oraz na stronie internetowej Urzędu.";

/// Seconds without a touch before the screen gives way to the start screen (at least; a longer
/// `idle_seconds` applies): long enough to read the clause, short enough not to leave it for the next
/// visitor.
pub const IDLE_SECONDS: u64 = 120;

/// Pixels per module of the QR code, and the quiet zone around it in modules (the standard asks for 4).
const MODULE_PX: usize = 6;
const QUIET_MODULES: usize = 4;

/// What the screen shows: the clause's text, and its web address when known.
pub fn shown(stored: Option<PrivacyNotice>) -> PrivacyNotice {
    stored.unwrap_or_else(|| PrivacyNotice { text: DEFAULT_TEXT.to_owned(), url: String::new() })
}

/// The QR code of `url` as a black-on-white picture; `None` for no address or one too long to encode.
pub fn qr_image(url: &str) -> Option<Image> {
    if url.is_empty() {
        return None;
    }
    let code = qrcode::QrCode::new(url.as_bytes()).ok()?;
    let modules = code.width();
    let colors = code.to_colors();
    let side = (modules + 2 * QUIET_MODULES) * MODULE_PX;
    let side_u32 = u32::try_from(side).ok()?;
    let mut buffer = SharedPixelBuffer::<Rgb8Pixel>::new(side_u32, side_u32);
    let pixels = buffer.make_mut_slice();
    for (i, pixel) in pixels.iter_mut().enumerate() {
        let (x, y) = (i % side / MODULE_PX, i / side / MODULE_PX);
        let dark = x >= QUIET_MODULES
            && y >= QUIET_MODULES
            && x < QUIET_MODULES + modules
            && y < QUIET_MODULES + modules
            && colors[(y - QUIET_MODULES) * modules + (x - QUIET_MODULES)] == qrcode::Color::Dark;
        let v = if dark { 0 } else { 255 };
        *pixel = Rgb8Pixel { r: v, g: v, b: v };
    }
    Some(Image::from_rgb8(buffer))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn before_the_first_sync_a_polish_default_says_where_the_notice_is() {
        let notice = shown(None);
        assert!(notice.text.contains("klauzula informacyjna") && notice.text.contains("Pana/Pani"));
        assert!(notice.url.is_empty());
        assert!(qr_image(&notice.url).is_none(), "no address, no QR code");
        let stored = PrivacyNotice { text: "Administratorem danych jest…".into(), url: "https://u.example/p".into() };
        assert_eq!(shown(Some(stored.clone())), stored);
    }

    #[test]
    fn the_qr_code_has_a_white_quiet_zone_and_dark_finder_patterns() {
        let image = qr_image("https://ankieta.gmina.pl/urzad/prywatnosc").unwrap();
        let buffer = image.to_rgb8().unwrap();
        let side = buffer.width() as usize;
        assert_eq!(side, buffer.height() as usize);
        assert_eq!(side % MODULE_PX, 0);
        let at = |x: usize, y: usize| buffer.as_slice()[y * side + x].r;
        // The corner is quiet zone; the first module inside it is the top-left finder pattern's dark edge.
        assert_eq!(at(0, 0), 255);
        let first = QUIET_MODULES * MODULE_PX;
        assert_eq!(at(first, first), 0);
        assert_eq!(at(side - 1 - first, first), 0, "top-right finder pattern");
        assert_eq!(at(first, side - 1 - first), 0, "bottom-left finder pattern");
    }
}
