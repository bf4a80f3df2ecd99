//! A browser described in a few words ("Firefox, Windows"), kept with each session so that one's sessions
//! can be told apart: login stores it, the sessions page shows it.

/// Longest browser description kept with a session.
pub const BROWSER_MAX_CHARS: usize = 60;

/// The browser and system of a `User-Agent` header in a few words ("Firefox, Windows"): enough to tell
/// one's sessions apart, without keeping the whole header (version numbers and the like).
pub fn describe_browser(user_agent: &str) -> String {
    // Order matters: Edge and Opera also say "Chrome", Chrome also says "Safari".
    const BROWSERS: [(&str, &str); 6] = [
        ("Edg/", "Edge"),
        ("OPR/", "Opera"),
        ("Firefox/", "Firefox"),
        ("Chromium/", "Chromium"),
        ("Chrome/", "Chrome"),
        ("Safari/", "Safari"),
    ];
    const SYSTEMS: [(&str, &str); 7] = [
        ("Android", "Android"),
        ("iPhone", "iPhone"),
        ("iPad", "iPad"),
        ("Windows", "Windows"),
        ("Mac OS X", "macOS"),
        ("CrOS", "ChromeOS"),
        ("Linux", "Linux"),
    ];
    let browser = BROWSERS.iter().find(|(token, _)| user_agent.contains(token)).map(|(_, name)| *name);
    let system = SYSTEMS.iter().find(|(token, _)| user_agent.contains(token)).map(|(_, name)| *name);
    match (browser, system) {
        (Some(b), Some(s)) => format!("{b}, {s}"),
        (Some(one), None) | (None, Some(one)) => one.to_owned(),
        // Something else (a script, a rare browser): its own first words, printable and short.
        (None, None) => {
            let shown: String =
                user_agent.chars().filter(|c| !c.is_control()).take(BROWSER_MAX_CHARS).collect::<String>();
            if shown.trim().is_empty() { "nieznana przeglądarka".to_owned() } else { shown.trim().to_owned() }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::describe_browser;

    #[test]
    fn browsers_are_described_in_a_few_words() {
        let cases = [
            ("Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0", "Firefox, Windows"),
            (
                "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
                "Chrome, Linux",
            ),
            (
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
                "Edge, Windows",
            ),
            (
                "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1",
                "Safari, iPhone",
            ),
            ("curl/8.5.0", "curl/8.5.0"),
            ("", "nieznana przeglądarka"),
        ];
        for (agent, described) in cases {
            assert_eq!(describe_browser(agent), described, "{agent}");
        }
        assert_eq!(describe_browser(&"x".repeat(10_000)).chars().count(), super::BROWSER_MAX_CHARS);
    }
}
