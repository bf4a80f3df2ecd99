//! The information clause (klauzula informacyjna, art. 13 RODO) of an office's survey: the default text
//! made from the office's data, and the short clause printed on the paper questionnaire. The admin may
//! replace the default with their own text (stored per office); what is shown is [`text`].
//!
//! The clause is in Polish, the office's language (ustawa o języku polskim): the web survey links to it
//! with a sentence in the resident's language saying so.

use std::fmt::Write as _;

use crate::store::Office;

/// The clause shown for `office`: the admin's own text, or the default made from the office's data.
pub fn text(office: &Office) -> String {
    match &office.privacy_notice {
        Some(own) if !own.trim().is_empty() => own.clone(),
        _ => default_text(office),
    }
}

/// Joins the non-empty parts with ", ".
fn listed<'a>(parts: impl IntoIterator<Item = &'a str>) -> String {
    parts.into_iter().filter(|p| !p.trim().is_empty()).collect::<Vec<_>>().join(", ")
}

/// The default clause, made from the office's data. Data not yet given is left out of the sentence
/// rather than invented; [`missing_data`] tells the admin what to add.
pub fn default_text(office: &Office) -> String {
    let mut out = String::new();
    let contact = listed([
        office.address.as_str(),
        &prefixed("e-mail: ", &office.email),
        &prefixed("tel. ", &office.phone),
        &prefixed("skrytka ePUAP: ", &office.epuap),
    ]);
    let iod_contact = listed([prefixed("e-mail: ", &office.iod_email).as_str(), &prefixed("tel. ", &office.iod_phone)]);
    let iod = match (office.iod_name.trim(), iod_contact.is_empty()) {
        ("", true) => "Administrator wyznaczył inspektora ochrony danych, z którym można się kontaktować listownie na adres administratora we wszystkich sprawach dotyczących przetwarzania danych osobowych.".to_owned(),
        ("", false) => format!("Administrator wyznaczył inspektora ochrony danych, z którym można się kontaktować we wszystkich sprawach dotyczących przetwarzania danych osobowych: {iod_contact}."),
        (name, true) => format!("Administrator wyznaczył inspektora ochrony danych ({name}), z którym można się kontaktować listownie na adres administratora we wszystkich sprawach dotyczących przetwarzania danych osobowych."),
        (name, false) => format!("Administrator wyznaczył inspektora ochrony danych ({name}), z którym można się kontaktować we wszystkich sprawach dotyczących przetwarzania danych osobowych: {iod_contact}."),
    };
    let _ = writeln!(out, "Klauzula informacyjna – badanie satysfakcji klientów „Oceń Urząd”");
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "Zgodnie z art. 13 ust. 1 i 2 rozporządzenia Parlamentu Europejskiego i Rady (UE) 2016/679 z dnia 27 kwietnia 2016 r. (RODO) informujemy, że:"
    );
    let _ = writeln!(out);
    let points = [
        if contact.is_empty() {
            format!("Administratorem danych osobowych jest {}.", office.name)
        } else {
            format!("Administratorem danych osobowych jest {} ({contact}).", office.name)
        },
        iod,
        "Ankieta jest anonimowa: nie prosimy o imię, nazwisko ani dane kontaktowe, a serwer nie zapisuje adresu IP. Dane osobowe mogą jednak znaleźć się w uwagach wpisanych w polach tekstowych albo wynikać z połączenia odpowiedzi (komórka urzędu, data, metryczka). Przetwarzamy je wyłącznie w celu zbadania satysfakcji klientów i poprawy jakości obsługi w urzędzie.".to_owned(),
        "Podstawą prawną przetwarzania jest art. 6 ust. 1 lit. e RODO – wykonanie zadania realizowanego w interesie publicznym lub w ramach sprawowania władzy publicznej powierzonej administratorowi (zapewnienie sprawnej obsługi mieszkańców).".to_owned(),
        "Odbiorcami danych mogą być wyłącznie podmioty obsługujące system informatyczny urzędu na podstawie umowy powierzenia przetwarzania danych (np. dostawca usług hostingowych) oraz organy uprawnione na podstawie przepisów prawa. Dane nie są przekazywane do państw spoza Europejskiego Obszaru Gospodarczego ani do organizacji międzynarodowych.".to_owned(),
        "Odpowiedzi przechowujemy przez okres niezbędny do sporządzenia raportów z badania, a następnie przez okres wynikający z przepisów o archiwizacji dokumentów (jednolity rzeczowy wykaz akt). Uwagi, które mogłyby wskazywać na konkretną osobę, urząd anonimizuje.".to_owned(),
        "Przysługuje Pani/Panu prawo dostępu do swoich danych, ich sprostowania, usunięcia lub ograniczenia przetwarzania oraz prawo wniesienia sprzeciwu wobec przetwarzania (art. 15–18 i 21 RODO). Ponieważ ankieta jest anonimowa, urząd może nie być w stanie wskazać, które odpowiedzi są Pani/Pana (art. 11 RODO).".to_owned(),
        "Przysługuje Pani/Panu prawo wniesienia skargi do Prezesa Urzędu Ochrony Danych Osobowych (ul. Stawki 2, 00-193 Warszawa), jeżeli uzna Pani/Pan, że przetwarzanie danych narusza przepisy RODO.".to_owned(),
        "Udział w badaniu i podanie danych są dobrowolne. Dane nie służą do zautomatyzowanego podejmowania decyzji, w tym do profilowania.".to_owned(),
    ];
    for (n, point) in points.iter().enumerate() {
        let _ = writeln!(out, "{}. {point}", n + 1);
    }
    if !office.survey_owner_name.trim().is_empty() {
        let _ = writeln!(out);
        let owner = listed([office.survey_owner_name.as_str(), &office.survey_owner_position]);
        let _ = writeln!(out, "Za badanie satysfakcji klientów odpowiada: {owner}.");
    }
    out.trim_end().to_owned()
}

fn prefixed(prefix: &str, value: &str) -> String {
    if value.trim().is_empty() { String::new() } else { format!("{prefix}{}", value.trim()) }
}

/// The office's data the default clause needs and does not have yet, as the panel names them.
pub fn missing_data(office: &Office) -> Vec<&'static str> {
    let mut missing = Vec::new();
    if office.address.trim().is_empty() {
        missing.push("adres urzędu");
    }
    if office.iod_name.trim().is_empty() {
        missing.push("imię i nazwisko inspektora ochrony danych");
    }
    if office.iod_email.trim().is_empty() && office.iod_phone.trim().is_empty() {
        missing.push("e-mail lub telefon inspektora ochrony danych");
    }
    missing
}

/// The short clause printed on the paper questionnaire, pointing to the full text at `url`.
pub fn short_clause(office: &Office, url: &str) -> String {
    format!(
        "Administratorem danych osobowych jest {}. Ankieta jest anonimowa, a udział w niej dobrowolny; odpowiedzi służą wyłącznie badaniu satysfakcji klientów (art. 6 ust. 1 lit. e RODO). Pełna informacja o przetwarzaniu danych (art. 13 RODO), w tym o prawach Pani/Pana i kontakcie z inspektorem ochrony danych: {url}",
        office.name
    )
}

/// The text as paragraphs (separated by blank lines), for a page to show.
pub fn paragraphs(text: &str) -> Vec<String> {
    text.split("\n\n").map(str::trim).filter(|p| !p.is_empty()).map(str::to_owned).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn office() -> Office {
        Office {
            id: 1,
            slug: "ksiazki".into(),
            name: "Urząd Gminy Książki".into(),
            host: None,
            address: "ul. Wiejska 1, 87-222 Książki".into(),
            email: "ug@ksiazki.pl".into(),
            phone: "56 688 00 00".into(),
            embed_origins: String::new(),
            opening_hours: String::new(),
            has_logo: false,
            created_at: "2026-01-01T00:00:00Z".into(),
            website: String::new(),
            bip_url: String::new(),
            epuap: "/UGKsiazki/SkrytkaESP".into(),
            survey_owner_name: "Anna Nowak".into(),
            survey_owner_position: "Sekretarz Gminy".into(),
            iod_name: "Jan Kowalski".into(),
            iod_email: "iod@ksiazki.pl".into(),
            iod_phone: String::new(),
            privacy_notice: None,
        }
    }

    #[test]
    fn the_default_names_the_controller_the_iod_the_basis_and_the_rights() {
        let text = default_text(&office());
        for part in [
            "Administratorem danych osobowych jest Urząd Gminy Książki (ul. Wiejska 1, 87-222 Książki, e-mail: ug@ksiazki.pl, tel. 56 688 00 00, skrytka ePUAP: /UGKsiazki/SkrytkaESP)",
            "inspektora ochrony danych (Jan Kowalski)",
            "e-mail: iod@ksiazki.pl.",
            "art. 6 ust. 1 lit. e RODO",
            "Prezesa Urzędu Ochrony Danych Osobowych",
            "profilowania",
            "Europejskiego Obszaru Gospodarczego",
            "przechowujemy",
            "Za badanie satysfakcji klientów odpowiada: Anna Nowak, Sekretarz Gminy.",
        ] {
            assert!(text.contains(part), "missing {part:?} in\n{text}");
        }
        assert!(missing_data(&office()).is_empty());
    }

    #[test]
    fn data_not_given_is_left_out_and_named_for_the_admin() {
        let bare = Office {
            address: String::new(),
            email: String::new(),
            phone: String::new(),
            epuap: String::new(),
            iod_name: String::new(),
            iod_email: String::new(),
            survey_owner_name: String::new(),
            ..office()
        };
        let text = default_text(&bare);
        assert!(text.contains("Administratorem danych osobowych jest Urząd Gminy Książki.\n"), "{text}");
        assert!(text.contains("listownie na adres administratora"), "{text}");
        assert!(!text.contains("()") && !text.contains("e-mail: ,") && !text.contains("odpowiada"), "{text}");
        assert_eq!(missing_data(&bare).len(), 3);
    }

    #[test]
    fn the_admins_own_text_replaces_the_default_and_an_empty_one_does_not() {
        let own = Office { privacy_notice: Some("Nasza klauzula.".into()), ..office() };
        assert_eq!(text(&own), "Nasza klauzula.");
        let blank = Office { privacy_notice: Some("  \n".into()), ..office() };
        assert_eq!(text(&blank), default_text(&office()));
    }

    #[test]
    fn paragraphs_split_on_blank_lines() {
        assert_eq!(paragraphs("a\nb\n\n\nc\n"), vec!["a\nb".to_owned(), "c".to_owned()]);
    }
}
