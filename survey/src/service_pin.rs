//! The rules of a kiosk's service PIN, the same on the server (panel, command line) and on the kiosk.
//!
//! A PIN of digits is weak however it is chosen: what makes it usable is that each kiosk has its own, that
//! it is kept only as a slow hash, and that the kiosk pauses after a few wrong tries. These rules only keep
//! out the PINs anyone would try first — too short, one digit repeated, a pattern repeated, a run of digits
//! with a fixed step (123456, 654321, 246802: the old shared default 2468 continued) — so that a guess from
//! a short list does not open the service screen.

/// Fewest digits of a PIN.
pub const MIN_DIGITS: usize = 6;
/// Most digits of a PIN (what the kiosk's keypad accepts).
pub const MAX_DIGITS: usize = 12;

/// Why a PIN is refused; the text says it in Polish, for an admin or a technician.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PinProblem {
    /// Something other than the digits 0–9.
    #[error("PIN może składać się tylko z cyfr 0–9.")]
    NotDigits,
    /// Fewer than [`MIN_DIGITS`] or more than [`MAX_DIGITS`] digits.
    #[error("PIN musi mieć od 6 do 12 cyfr.")]
    Length,
    /// One digit or one group of digits repeated (000000, 121212, 24682468).
    #[error(
        "PIN nie może być powtórzeniem tej samej cyfry ani tej samej grupy cyfr (np. 000000, 121212). Wybierz PIN trudny do odgadnięcia."
    )]
    Repeated,
    /// Digits in a run with a fixed step (123456, 654321, 246802).
    #[error(
        "PIN nie może być ciągiem cyfr rosnących lub malejących o stały krok (np. 123456, 654321, 246802). Wybierz PIN trudny do odgadnięcia."
    )]
    Sequence,
}

/// Whether `pin` may be a kiosk's service PIN.
pub fn check(pin: &str) -> Result<(), PinProblem> {
    if !pin.bytes().all(|b| b.is_ascii_digit()) {
        return Err(PinProblem::NotDigits);
    }
    let digits: Vec<u8> = pin.bytes().map(|b| b - b'0').collect();
    if !(MIN_DIGITS..=MAX_DIGITS).contains(&digits.len()) {
        return Err(PinProblem::Length);
    }
    // A period of 1 is one digit repeated; longer ones are a group repeated (the whole PIN must be the
    // group at least twice).
    let repeated = (1..=digits.len() / 2)
        .any(|period| digits.len().is_multiple_of(period) && digits.iter().zip(&digits[period..]).all(|(a, b)| a == b));
    if repeated {
        return Err(PinProblem::Repeated);
    }
    // A fixed step modulo 10 covers 123456, 987654, 890123 and 246802 alike.
    let step = (digits[1] + 10 - digits[0]) % 10;
    if digits.windows(2).all(|w| (w[1] + 10 - w[0]) % 10 == step) {
        return Err(PinProblem::Sequence);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use rstest::rstest;

    use super::*;

    #[rstest]
    #[case("2468", Err(PinProblem::Length))]
    #[case("0000", Err(PinProblem::Length))]
    #[case("1234", Err(PinProblem::Length))]
    #[case("73915", Err(PinProblem::Length))]
    #[case("1234567890123", Err(PinProblem::Length))]
    #[case("", Err(PinProblem::Length))]
    #[case("12 345", Err(PinProblem::NotDigits))]
    #[case("73915a", Err(PinProblem::NotDigits))]
    #[case("７３９１５２", Err(PinProblem::NotDigits))]
    #[case("000000", Err(PinProblem::Repeated))]
    #[case("999999999999", Err(PinProblem::Repeated))]
    #[case("121212", Err(PinProblem::Repeated))]
    #[case("24682468", Err(PinProblem::Repeated))]
    #[case("123123", Err(PinProblem::Repeated))]
    #[case("123456", Err(PinProblem::Sequence))]
    #[case("654321", Err(PinProblem::Sequence))]
    #[case("1234567890", Err(PinProblem::Sequence))]
    #[case("890123", Err(PinProblem::Sequence))]
    #[case("246802", Err(PinProblem::Sequence))]
    #[case("135791", Err(PinProblem::Sequence))]
    #[case("739152", Ok(()))]
    #[case("112358", Ok(()))]
    #[case("123457", Ok(()))]
    #[case("100000", Ok(()))]
    #[case("582914736012", Ok(()))]
    fn rules(#[case] pin: &str, #[case] expected: Result<(), PinProblem>) {
        assert_eq!(check(pin), expected, "{pin}");
    }

    #[test]
    fn every_refusal_says_what_to_do_in_polish() {
        for problem in [PinProblem::NotDigits, PinProblem::Length, PinProblem::Repeated, PinProblem::Sequence] {
            let text = problem.to_string();
            assert!(text.starts_with("PIN "), "{text}");
        }
        assert!(PinProblem::Length.to_string().contains("od 6 do 12 cyfr"));
    }
}
