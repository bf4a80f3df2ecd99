//! A display mounted turned (upright on a stand, upside down under a counter): the setting `rotation`
//! (0, 90, 180 or 270 degrees clockwise) turns the picture and the touch together.
//!
//! Slint's DRM/KMS backend turns only the picture (`SLINT_KMS_ROTATION`): its touch positions are the
//! panel's own, stretched over the turned window, so without more a tap would land elsewhere. The touch
//! is turned by libinput's calibration matrix ([`Rotation::calibration_matrix`]), which a udev rule of
//! the package (`61-ocen-urzad-touch.rules`) asks of `kiosk touch-calibration` for every touchscreen,
//! from the same settings file; the picture is turned by the kiosk setting `SLINT_KMS_ROTATION` for
//! itself at start ([`Rotation::kms_value`]). The matrix is derived from how Slint's software renderer
//! turns the picture, and `tests/displays.rs` checks it by tapping buttons through it.

use serde::Deserialize;

/// How the display is turned, clockwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(try_from = "u16")]
pub enum Rotation {
    #[default]
    None,
    Right,
    UpsideDown,
    Left,
}

impl TryFrom<u16> for Rotation {
    type Error = String;

    fn try_from(degrees: u16) -> Result<Self, Self::Error> {
        match degrees {
            0 => Ok(Rotation::None),
            90 => Ok(Rotation::Right),
            180 => Ok(Rotation::UpsideDown),
            270 => Ok(Rotation::Left),
            other => Err(format!(
                "rotation musi wynosić 0, 90, 180 albo 270 (stopni, zgodnie z ruchem wskazówek zegara), a nie {other}"
            )),
        }
    }
}

impl Rotation {
    /// Degrees clockwise.
    pub fn degrees(self) -> u16 {
        match self {
            Rotation::None => 0,
            Rotation::Right => 90,
            Rotation::UpsideDown => 180,
            Rotation::Left => 270,
        }
    }

    /// The value of `SLINT_KMS_ROTATION` that turns the picture.
    pub fn kms_value(self) -> String {
        self.degrees().to_string()
    }

    /// libinput's calibration matrix `a b c d e f` for the touchscreen: a touch at (u, v) of the panel
    /// (each from 0 to 1, the panel's own axes) is reported at (a·u + b·v + c, d·u + e·v + f) of the turned
    /// window. Turned right, the window's top left is the panel's top right: the window's x runs down the
    /// panel and its y runs from the panel's right edge to its left.
    pub fn calibration_matrix(self) -> [f32; 6] {
        match self {
            Rotation::None => [1.0, 0.0, 0.0, 0.0, 1.0, 0.0],
            Rotation::Right => [0.0, 1.0, 0.0, -1.0, 0.0, 1.0],
            Rotation::UpsideDown => [-1.0, 0.0, 1.0, 0.0, -1.0, 1.0],
            Rotation::Left => [0.0, -1.0, 1.0, 1.0, 0.0, 0.0],
        }
    }

    /// The matrix applied to a touch at (u, v) of the panel, as libinput does.
    pub fn calibrate(self, u: f32, v: f32) -> (f32, f32) {
        let [a, b, c, d, e, f] = self.calibration_matrix();
        (a * u + b * v + c, d * u + e * v + f)
    }

    /// What `kiosk touch-calibration` prints for udev's `IMPORT{program}`.
    pub fn udev_property(self) -> String {
        let m = self.calibration_matrix().map(|x| x.to_string());
        format!("LIBINPUT_CALIBRATION_MATRIX={}", m.join(" "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn degrees_are_read_and_refused_in_polish() {
        for (degrees, rotation) in
            [(0, Rotation::None), (90, Rotation::Right), (180, Rotation::UpsideDown), (270, Rotation::Left)]
        {
            assert_eq!(Rotation::try_from(degrees), Ok(rotation));
            assert_eq!(rotation.degrees(), degrees);
        }
        assert!(Rotation::try_from(45).unwrap_err().contains("0, 90, 180 albo 270"));
        assert_eq!(Rotation::None.udev_property(), "LIBINPUT_CALIBRATION_MATRIX=1 0 0 0 1 0");
        assert_eq!(Rotation::Right.udev_property(), "LIBINPUT_CALIBRATION_MATRIX=0 1 0 -1 0 1");
    }

    #[test]
    fn four_turns_of_the_touch_are_no_turn() {
        // Each matrix maps the panel's corners onto the window's corners (a rotation, not a squeeze).
        for r in [Rotation::Right, Rotation::UpsideDown, Rotation::Left] {
            let corners: Vec<(f32, f32)> =
                [(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0)].iter().map(|&(u, v)| r.calibrate(u, v)).collect();
            for (x, y) in corners {
                assert!((x == 0.0 || x == 1.0) && (y == 0.0 || y == 1.0), "{r:?}: ({x}, {y})");
            }
        }
        // Turned right, the panel's top right corner is the window's top left.
        assert_eq!(Rotation::Right.calibrate(1.0, 0.0), (0.0, 0.0));
        assert_eq!(Rotation::Left.calibrate(0.0, 1.0), (0.0, 0.0));
        assert_eq!(Rotation::UpsideDown.calibrate(1.0, 1.0), (0.0, 0.0));
    }
}
