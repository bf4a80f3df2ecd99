//! Texts of the public pages in Polish, English and Ukrainian. The questionnaire's own texts come from
//! the questionnaire; these are the words around it.

use survey::Lang;

/// Every text a public page shows besides the questionnaire.
pub struct Words {
    pub skip_to_content: &'static str,
    pub language_switch: &'static str,
    pub rate_the_office: &'static str,
    pub home_intro: &'static str,
    pub start_survey: &'static str,
    pub anonymity: &'static str,
    pub takes_minutes: &'static str,
    pub accessibility_statement: &'static str,
    pub required: &'static str,
    pub required_note: &'static str,
    pub submit: &'static str,
    pub errors_heading: &'static str,
    pub other_department: &'static str,
    pub choose_any: &'static str,
    pub max_chars: &'static str,
    pub thanks_heading: &'static str,
    pub thanks_body: &'static str,
    pub thanks_back: &'static str,
    pub honeypot_label: &'static str,
    pub offices_heading: &'static str,
    pub office_contact: &'static str,
    pub opening_hours: &'static str,
    /// The link from the home page to the office's published survey results.
    pub published_results: &'static str,
    pub too_many: &'static str,
    pub form_expired: &'static str,
    pub already_sent: &'static str,
    pub cross_site: &'static str,
    pub bad_form: &'static str,
    pub too_large: &'static str,
    pub not_found: &'static str,
    pub server_error: &'static str,
    /// The server cannot store anything now (its disk is full); the answers are kept on the page.
    pub server_busy: &'static str,
    pub banner_heading: &'static str,
    pub banner_intro: &'static str,
    pub banner_download: &'static str,
    pub banner_snippet: &'static str,
    /// The sentence before the survey's first question and on the thank-you page, followed by the link
    /// to the information clause (RODO).
    pub privacy_intro: &'static str,
    pub privacy_link: &'static str,
    /// The heading of the information clause's page.
    pub privacy_heading: &'static str,
    /// Said above the clause when the page is not in Polish: the clause itself is Polish.
    pub privacy_in_polish: &'static str,
    /// The office's own sites in the home page's footer.
    pub office_website: &'static str,
    pub office_bip: &'static str,
    pub office_epuap: &'static str,
}

pub fn words(lang: Lang) -> &'static Words {
    match lang {
        Lang::Pl => &PL,
        Lang::En => &EN,
        Lang::Uk => &UK,
    }
}

/// The language switch: code, name in its own language.
pub const LANGUAGES: [(Lang, &str); 3] = [(Lang::Pl, "Polski"), (Lang::En, "English"), (Lang::Uk, "Українська")];

static PL: Words = Words {
    skip_to_content: "Przejdź do treści",
    language_switch: "Wybór języka",
    rate_the_office: "Oceń Urząd",
    home_intro: "Prosimy o pomoc w poprawie obsługi: jak ocenia Pan/Pani swoją wizytę w urzędzie?",
    start_survey: "Oceń Urząd – wypełnij ankietę",
    anonymity: "Badanie jest anonimowe – odpowiedzi prezentujemy wyłącznie w zbiorczych zestawieniach.",
    takes_minutes: "Wypełnienie ankiety zajmuje około 3 minut. Obowiązkowe jest tylko pytanie o ogólną ocenę.",
    accessibility_statement: "Deklaracja dostępności",
    required: "wymagane",
    required_note: "Pytania oznaczone słowem „wymagane” wymagają odpowiedzi, pozostałe są dobrowolne.",
    submit: "Wyślij ankietę",
    errors_heading: "Prosimy poprawić zaznaczone odpowiedzi",
    other_department: "Inna",
    choose_any: "Można zaznaczyć kilka odpowiedzi.",
    max_chars: "Najwyżej {max} znaków.",
    thanks_heading: "Dziękujemy!",
    thanks_body: "Dziękujemy za poświęcenie czasu i wypełnienie ankiety. Pana/Pani odpowiedzi pomogą nam poprawić obsługę.",
    thanks_back: "Powrót na stronę urzędu",
    honeypot_label: "Prosimy nie wypełniać tego pola",
    offices_heading: "Wybór urzędu",
    office_contact: "Kontakt",
    opening_hours: "Godziny otwarcia",
    published_results: "Wyniki badania satysfakcji klientów",
    too_many: "Z tego urządzenia wysłano w krótkim czasie zbyt wiele ankiet. Prosimy spróbować ponownie za godzinę. Pana/Pani odpowiedzi są nadal w formularzu.",
    form_expired: "Formularz był otwarty zbyt długo. Pana/Pani odpowiedzi są zachowane – prosimy je sprawdzić i wysłać ponownie.",
    already_sent: "Ta ankieta została już wysłana. Dziękujemy!",
    cross_site: "Ankietę można wysłać tylko z formularza na stronie urzędu.",
    bad_form: "Formularz dotarł niekompletny. Prosimy wypełnić go ponownie.",
    too_large: "Ankieta jest zbyt obszerna, aby ją przyjąć. Prosimy skrócić uwagi i wysłać ankietę ponownie.",
    not_found: "Nie ma takiej strony. Prosimy sprawdzić adres.",
    server_error: "Wystąpił błąd serwera. Ankieta nie została zapisana – prosimy spróbować ponownie za chwilę.",
    server_busy: "Serwer chwilowo nie może zapisywać ankiet. Pana/Pani odpowiedzi są poniżej – prosimy wysłać je ponownie za jakiś czas.",
    banner_heading: "Baner „Oceń Urząd” na stronę urzędu",
    banner_intro: "Umieść baner na stronie głównej urzędu, aby mieszkańcy łatwo trafili do ankiety. Skopiuj kod HTML wybranego rozmiaru i wklej go na stronę albo pobierz obrazek. Baner prowadzi do strony ankiety tego urzędu.",
    banner_download: "Pobierz",
    banner_snippet: "Kod HTML do wklejenia na stronę urzędu",
    privacy_intro: "Administratorem danych jest urząd. Jak przetwarzamy dane osobowe w badaniu, opisuje",
    privacy_link: "klauzula informacyjna (RODO)",
    privacy_heading: "Informacja o przetwarzaniu danych osobowych",
    privacy_in_polish: "",
    office_website: "Strona internetowa urzędu",
    office_bip: "Biuletyn Informacji Publicznej",
    office_epuap: "Skrytka ePUAP",
};

static EN: Words = Words {
    skip_to_content: "Skip to content",
    language_switch: "Language",
    rate_the_office: "Rate the Office",
    home_intro: "Help us improve our service. Tell us how you rate your visit to the office.",
    start_survey: "Rate the Office – fill in the survey",
    anonymity: "The survey is anonymous – answers are only ever shown in aggregate figures.",
    takes_minutes: "The survey takes about 3 minutes. Only the overall rating is required.",
    accessibility_statement: "Accessibility statement",
    required: "required",
    required_note: "Questions marked “required” need an answer; all others are optional.",
    submit: "Send the survey",
    errors_heading: "Please correct the marked answers",
    other_department: "Other",
    choose_any: "You may tick several answers.",
    max_chars: "At most {max} characters.",
    thanks_heading: "Thank you!",
    thanks_body: "Thank you for taking the time to fill in the survey. Your answers will help us improve our service.",
    thanks_back: "Back to the office's page",
    honeypot_label: "Do not fill in this field",
    offices_heading: "Choose an office",
    office_contact: "Contact",
    opening_hours: "Opening hours",
    published_results: "Results of the customer satisfaction survey (in Polish)",
    too_many: "Too many surveys were sent from this device in a short time. Please try again in an hour. Your answers are still in the form.",
    form_expired: "The form was open for too long. Your answers are kept – check them and send again.",
    already_sent: "This survey has already been sent. Thank you!",
    cross_site: "The survey can only be sent from the form on the office's page.",
    bad_form: "The form arrived incomplete. Please fill it in again.",
    too_large: "The survey is too long to accept. Please shorten your comments and send again.",
    not_found: "There is no such page. Please check the address.",
    server_error: "A server error occurred. Your survey was not saved – please try again in a moment.",
    server_busy: "The server cannot save surveys just now. Your answers are below – please send them again later.",
    banner_heading: "The “Oceń Urząd” banner for the office website",
    banner_intro: "Place the banner on the office homepage so residents easily find the survey. Copy the HTML code of the size you want and paste it into the page, or download the image. The banner leads to this office’s survey.",
    banner_download: "Download",
    banner_snippet: "HTML code to paste into the office website",
    privacy_intro: "The office is the controller of personal data. How they are processed in this survey is set out in the",
    privacy_link: "privacy notice (GDPR, in Polish)",
    privacy_heading: "How personal data are processed",
    privacy_in_polish: "The notice below is in Polish, the office’s official language.",
    office_website: "The office’s website",
    office_bip: "Public Information Bulletin (BIP)",
    office_epuap: "ePUAP box",
};

static UK: Words = Words {
    skip_to_content: "Перейти до змісту",
    language_switch: "Вибір мови",
    rate_the_office: "Оцініть установу",
    home_intro: "Допоможіть нам покращити обслуговування. Розкажіть, як Ви оцінюєте свій візит до установи.",
    start_survey: "Оцініть установу – заповніть анкету",
    anonymity: "Опитування анонімне – відповіді представляються лише у зведених даних.",
    takes_minutes: "Заповнення анкети займає близько 3 хвилин. Обов’язковим є лише питання про загальну оцінку.",
    accessibility_statement: "Декларація доступності",
    required: "обов’язково",
    required_note: "Питання з позначкою «обов’язково» потребують відповіді, решта – добровільні.",
    submit: "Надіслати анкету",
    errors_heading: "Будь ласка, виправте позначені відповіді",
    other_department: "Інший",
    choose_any: "Можна позначити кілька відповідей.",
    max_chars: "Щонайбільше {max} символів.",
    thanks_heading: "Дякуємо!",
    thanks_body: "Дякуємо, що знайшли час заповнити анкету. Ваші відповіді допоможуть нам покращити обслуговування.",
    thanks_back: "Повернутися на сторінку установи",
    honeypot_label: "Не заповнюйте це поле",
    offices_heading: "Оберіть установу",
    office_contact: "Контакти",
    opening_hours: "Години роботи",
    published_results: "Результати опитування задоволеності клієнтів (польською мовою)",
    too_many: "З цього пристрою за короткий час надіслано забагато анкет. Спробуйте ще раз за годину. Ваші відповіді залишилися у формі.",
    form_expired: "Форма була відкрита занадто довго. Ваші відповіді збережено – перевірте їх і надішліть ще раз.",
    already_sent: "Цю анкету вже надіслано. Дякуємо!",
    cross_site: "Анкету можна надіслати лише з форми на сторінці установи.",
    bad_form: "Форма надійшла неповною. Будь ласка, заповніть її ще раз.",
    too_large: "Анкета занадто велика, щоб її прийняти. Будь ласка, скоротіть зауваження та надішліть ще раз.",
    not_found: "Такої сторінки немає. Перевірте адресу.",
    server_error: "Сталася помилка сервера. Вашу анкету не збережено – спробуйте ще раз за хвилину.",
    server_busy: "Сервер тимчасово не може зберігати анкети. Ваші відповіді нижче – надішліть їх ще раз пізніше.",
    banner_heading: "Банер «Oceń Urząd» для сайту установи",
    banner_intro: "Розмістіть банер на головній сторінці установи, щоб мешканці легко знайшли анкету. Скопіюйте HTML-код потрібного розміру та вставте його на сторінку або завантажте зображення. Банер веде до анкети цієї установи.",
    banner_download: "Завантажити",
    banner_snippet: "HTML-код для вставлення на сайт установи",
    privacy_intro: "Адміністратором персональних даних є установа. Як вони обробляються в цьому опитуванні, описано в",
    privacy_link: "інформації про обробку персональних даних (RODO, польською мовою)",
    privacy_heading: "Інформація про обробку персональних даних",
    privacy_in_polish: "Текст нижче – польською мовою, офіційною мовою установи.",
    office_website: "Вебсайт установи",
    office_bip: "Бюлетень публічної інформації (BIP)",
    office_epuap: "Скринька ePUAP",
};

#[cfg(test)]
mod tests {
    use super::*;

    /// Residents are addressed formally (Pan/Pani), as the questions are. The banner's texts are for the
    /// office's web editor and are left out.
    #[test]
    fn polish_words_for_residents_are_formal() {
        let informal = [
            "Twoj",
            "twoj",
            "oceniasz",
            "Pomóż",
            "Powiedz",
            "Popraw",
            "Spróbuj",
            "spróbuj",
            "Sprawdź",
            "Wypełnij",
            "wypełniaj",
            "Skróć",
            "wyślij",
            "Wybierz",
            "Wróć",
        ];
        let pl = words(Lang::Pl);
        let for_residents = [
            pl.home_intro,
            pl.start_survey,
            pl.anonymity,
            pl.takes_minutes,
            pl.required_note,
            pl.errors_heading,
            pl.choose_any,
            pl.thanks_body,
            pl.thanks_back,
            pl.honeypot_label,
            pl.offices_heading,
            pl.too_many,
            pl.form_expired,
            pl.already_sent,
            pl.cross_site,
            pl.bad_form,
            pl.too_large,
            pl.not_found,
            pl.server_error,
            pl.server_busy,
            pl.privacy_intro,
        ];
        for text in for_residents {
            for word in informal {
                assert!(!text.contains(word), "„{word}” in „{text}”: address residents as Pan/Pani");
            }
        }
    }
}
