//! The questionnaire offices start with, built from the questionnaires real municipal offices use:
//! A. the visit, B. five rated areas (with importance), C. the overall rating, D. comments, E. metryczka.

use crate::questionnaire::{ChoiceOption, Question, QuestionKey, QuestionKind, Questionnaire, RatingPurpose, Section};
use crate::text::LocalizedText;

/// Key of the overall rating, the question every channel asks.
pub const OVERALL: &str = "ogolna_ocena";
/// Key of "Czy udało się Panu/Pani załatwić sprawę?", used for the share of matters settled.
pub const MATTER_SETTLED: &str = "sprawa_zalatwiona";
/// Key of the department question.
pub const DEPARTMENT: &str = "komorka";
/// Longest comment accepted, in characters: about a page of text.
pub const COMMENT_MAX_CHARS: u32 = 2000;

fn t(pl: &str, en: &str, uk: &str) -> LocalizedText {
    LocalizedText::new(pl, en, uk)
}

/// Keys below are literals checked by this module's tests, so building them cannot fail at run time.
fn key(k: &str) -> QuestionKey {
    QuestionKey::parse(k).unwrap_or_else(|_| unreachable!("default questionnaire key {k} is tested"))
}

fn option(k: &str, label: LocalizedText) -> ChoiceOption {
    ChoiceOption { key: key(k), label }
}

fn single(k: &str, text: LocalizedText, options: Vec<ChoiceOption>) -> Question {
    Question { key: key(k), text, required: false, kind: QuestionKind::SingleChoice { options } }
}

fn rating(k: &str, text: LocalizedText) -> Question {
    Question {
        key: key(k),
        text,
        required: false,
        kind: QuestionKind::Rating { not_applicable: true, purpose: RatingPurpose::Satisfaction },
    }
}

fn importance(area: &str) -> Question {
    Question {
        key: key(&format!("{area}_waznosc")),
        text: t(
            "Jak ważny jest dla Pana/Pani ten obszar?",
            "How important is this area to you?",
            "Наскільки важлива для Вас ця сфера?",
        ),
        required: false,
        kind: QuestionKind::Rating { not_applicable: true, purpose: RatingPurpose::Importance },
    }
}

fn prefer_not_to_say() -> ChoiceOption {
    option("nie_podaje", t("wolę nie podawać", "prefer not to say", "волію не вказувати"))
}

fn rated_area(k: &str, title: LocalizedText, items: Vec<Question>) -> Section {
    let mut questions = items;
    questions.push(importance(k));
    Section {
        key: key(k),
        title,
        intro: Some(t(
            "Zaznacz odpowiednią ocenę: 1 – bardzo słabo, 5 – bardzo dobrze.",
            "Choose a rating: 1 – very poor, 5 – very good.",
            "Оберіть оцінку: 1 – дуже погано, 5 – дуже добре.",
        )),
        questions,
    }
}

/// The default questionnaire, version 1, in Polish with English and Ukrainian translations.
pub fn default_questionnaire() -> Questionnaire {
    Questionnaire {
        version: 1,
        title: t("Badanie satysfakcji klienta", "Client satisfaction survey", "Опитування задоволеності клієнтів"),
        overall_question: key(OVERALL),
        rating_labels: [
            t("bardzo słabo", "very poor", "дуже погано"),
            t("słabo", "poor", "погано"),
            t("dostatecznie", "fair", "задовільно"),
            t("dobrze", "good", "добре"),
            t("bardzo dobrze", "very good", "дуже добре"),
        ],
        not_applicable_label: t(
            "nie dotyczy / nie mam zdania",
            "not applicable / no opinion",
            "не стосується / не маю думки",
        ),
        sections: vec![
            visit(),
            rated_area(
                "wizerunek",
                t("Wizerunek Urzędu", "Image of the office", "Імідж установи"),
                vec![
                    rating("lokalizacja", t("Lokalizacja urzędu", "Location of the office", "Розташування установи")),
                    rating(
                        "oznakowanie",
                        t("Oznakowanie urzędu", "Signage in the office", "Позначення та вказівники в установі"),
                    ),
                    rating(
                        "parking",
                        t(
                            "Dostępność miejsc parkingowych",
                            "Availability of parking spaces",
                            "Наявність місць для паркування",
                        ),
                    ),
                    rating(
                        "strona_internetowa",
                        t(
                            "Strona internetowa urzędu (atrakcyjność, przejrzystość)",
                            "The office's website (appeal, clarity)",
                            "Вебсайт установи (привабливість, зрозумілість)",
                        ),
                    ),
                    rating("czystosc", t("Czystość pomieszczeń", "Cleanliness of the premises", "Чистота приміщень")),
                    rating(
                        "dostosowanie_niepelnosprawni",
                        t(
                            "Dostosowanie urzędu do potrzeb osób z niepełnosprawnościami",
                            "Accessibility of the office for people with disabilities",
                            "Пристосування установи до потреб людей з інвалідністю",
                        ),
                    ),
                ],
            ),
            rated_area(
                "podejscie",
                t(
                    "Indywidualne podejście do klienta",
                    "Individual approach to the client",
                    "Індивідуальний підхід до клієнта",
                ),
                vec![
                    rating(
                        "godziny_przyjec",
                        t("Godziny przyjęć interesantów", "Opening hours for clients", "Години прийому відвідувачів"),
                    ),
                    rating(
                        "czytelnosc_formularzy",
                        t("Czytelność formularzy", "Clarity of forms", "Зрозумілість бланків"),
                    ),
                    rating(
                        "zaangazowanie",
                        t("Zaangażowanie wobec klienta", "Commitment to the client", "Залученість у справу клієнта"),
                    ),
                    rating("szacunek", t("Szacunek wobec klienta", "Respect for the client", "Повага до клієнта")),
                ],
            ),
            rated_area(
                "kompetencje",
                t("Kompetencje urzędników", "Competence of the staff", "Компетентність працівників"),
                vec![
                    rating("wiedza", t("Wiedza merytoryczna", "Expert knowledge", "Фахові знання")),
                    rating(
                        "pelna_informacja",
                        t(
                            "Udzielanie pełnej informacji o sprawie",
                            "Giving full information about the matter",
                            "Надання повної інформації щодо справи",
                        ),
                    ),
                    rating(
                        "rozwiewanie_watpliwosci",
                        t("Rozwiewanie wątpliwości", "Clearing up doubts", "Роз’яснення сумнівів"),
                    ),
                    rating(
                        "zrozumialosc",
                        t(
                            "Zrozumiały sposób wypowiedzi",
                            "Clear, understandable explanations",
                            "Зрозумілий спосіб висловлювання",
                        ),
                    ),
                    rating(
                        "uprzejmosc",
                        t("Uprzejmość i życzliwość", "Courtesy and kindness", "Ввічливість і доброзичливість"),
                    ),
                    rating(
                        "pomoc",
                        t("Pomoc w załatwieniu sprawy", "Help in settling the matter", "Допомога у вирішенні справи"),
                    ),
                ],
            ),
            rated_area(
                "terminowosc",
                t("Terminowość obsługi", "Timeliness of service", "Своєчасність обслуговування"),
                vec![
                    rating(
                        "czas_oczekiwania",
                        t("Czas oczekiwania na obsługę", "Waiting time", "Час очікування на обслуговування"),
                    ),
                    rating(
                        "szybkosc_obslugi",
                        t(
                            "Szybkość obsługi na stanowisku",
                            "Speed of service at the desk",
                            "Швидкість обслуговування на робочому місці",
                        ),
                    ),
                    rating(
                        "informacja_o_terminie",
                        t(
                            "Informacja o terminie załatwienia sprawy",
                            "Information on when the matter will be settled",
                            "Інформація про термін вирішення справи",
                        ),
                    ),
                    rating(
                        "dotrzymanie_terminu",
                        t("Dotrzymanie terminu", "Keeping to the deadline", "Дотримання терміну"),
                    ),
                ],
            ),
            rated_area(
                "rzetelnosc",
                t("Rzetelność obsługi", "Reliability of service", "Сумлінність обслуговування"),
                vec![
                    rating("obiektywizm", t("Obiektywizm", "Objectivity", "Об’єктивність")),
                    rating(
                        "zgodnosc_z_przepisami",
                        t("Zgodność z przepisami", "Compliance with the law", "Відповідність законодавству"),
                    ),
                    rating(
                        "przejrzystosc",
                        t(
                            "Przejrzystość załatwienia sprawy",
                            "Transparency of the handling",
                            "Прозорість вирішення справи",
                        ),
                    ),
                    rating("starannosc", t("Staranność obsługi", "Care and diligence", "Ретельність обслуговування")),
                ],
            ),
            overall(),
            comments(),
            about_you(),
        ],
    }
}

fn visit() -> Section {
    Section {
        key: key("wizyta"),
        title: t("Wizyta", "Your visit", "Ваш візит"),
        intro: None,
        questions: vec![
            Question {
                key: key(DEPARTMENT),
                text: t(
                    "W której komórce Urzędu załatwiał(a) Pan/Pani sprawę?",
                    "In which department of the office did you handle your matter?",
                    "У якому відділі установи Ви вирішували свою справу?",
                ),
                required: false,
                kind: QuestionKind::Department,
            },
            single(
                "czestotliwosc",
                t(
                    "Jak często załatwia Pan/Pani sprawy w Urzędzie?",
                    "How often do you handle matters at the office?",
                    "Як часто Ви вирішуєте справи в установі?",
                ),
                vec![
                    option("pierwszy_raz", t("pierwszy raz", "for the first time", "уперше")),
                    option("kilka_razy_w_roku", t("kilka razy w roku", "a few times a year", "кілька разів на рік")),
                    option(
                        "raz_w_miesiacu",
                        t("raz w miesiącu lub częściej", "once a month or more often", "раз на місяць або частіше"),
                    ),
                ],
            ),
            single(
                MATTER_SETTLED,
                t(
                    "Czy udało się Panu/Pani załatwić sprawę?",
                    "Were you able to settle your matter?",
                    "Чи вдалося Вам вирішити справу?",
                ),
                vec![
                    option("tak", t("tak", "yes", "так")),
                    option("nie", t("nie", "no", "ні")),
                    option("w_toku", t("sprawa w toku", "still in progress", "справа ще розглядається")),
                ],
            ),
            single(
                "wlasciwy_pracownik",
                t(
                    "Czy bez problemu trafił(a) Pan/Pani do właściwego pracownika?",
                    "Did you find the right member of staff without difficulty?",
                    "Чи без проблем Ви знайшли потрібного працівника?",
                ),
                vec![
                    option("tak", t("tak", "yes", "так")),
                    option("raczej_tak", t("raczej tak", "rather yes", "скоріше так")),
                    option("raczej_nie", t("raczej nie", "rather no", "скоріше ні")),
                    option("nie", t("nie", "no", "ні")),
                ],
            ),
        ],
    }
}

fn overall() -> Section {
    Section {
        key: key("ogolna"),
        title: t("Ogólna ocena", "Overall rating", "Загальна оцінка"),
        intro: None,
        questions: vec![Question {
            key: key(OVERALL),
            text: t(
                "Jak ogólnie ocenia Pan/Pani obsługę w Urzędzie?",
                "Overall, how do you rate the service at the office?",
                "Як загалом Ви оцінюєте обслуговування в установі?",
            ),
            required: true,
            kind: QuestionKind::Rating { not_applicable: false, purpose: RatingPurpose::Satisfaction },
        }],
    }
}

fn comments() -> Section {
    let free_text = QuestionKind::FreeText { max_chars: COMMENT_MAX_CHARS };
    Section {
        key: key("uwagi"),
        title: t("Uwagi", "Comments", "Зауваження"),
        intro: Some(t(
            "Prosimy nie wpisywać danych osobowych (imion, nazwisk, numerów spraw).",
            "Please do not enter personal data (names, case numbers).",
            "Будь ласка, не вказуйте персональних даних (імен, прізвищ, номерів справ).",
        )),
        questions: vec![
            Question {
                key: key("co_poprawic"),
                text: t(
                    "Co Pana/Pani zdaniem warto poprawić w Urzędzie?",
                    "What do you think the office should improve?",
                    "Що, на Вашу думку, варто покращити в установі?",
                ),
                required: false,
                kind: free_text.clone(),
            },
            Question {
                key: key("inne_uwagi"),
                text: t("Inne uwagi", "Other comments", "Інші зауваження"),
                required: false,
                kind: free_text,
            },
        ],
    }
}

fn about_you() -> Section {
    Section {
        key: key("metryczka"),
        title: t("Metryczka", "About you", "Відомості про вас"),
        intro: Some(t(
            "Odpowiedzi są dobrowolne i służą wyłącznie zestawieniom zbiorczym.",
            "These answers are optional and used only in aggregate figures.",
            "Відповіді добровільні й використовуються лише у зведених даних.",
        )),
        questions: vec![
            single(
                "plec",
                t("Płeć", "Gender", "Стать"),
                vec![
                    option("kobieta", t("kobieta", "woman", "жінка")),
                    option("mezczyzna", t("mężczyzna", "man", "чоловік")),
                    prefer_not_to_say(),
                ],
            ),
            single(
                "wiek",
                t("Wiek", "Age", "Вік"),
                vec![
                    option("do_25", t("do 25 lat", "up to 25", "до 25 років")),
                    option("od_26_do_35", t("26–35 lat", "26–35", "26–35 років")),
                    option("od_36_do_45", t("36–45 lat", "36–45", "36–45 років")),
                    option("od_46_do_55", t("46–55 lat", "46–55", "46–55 років")),
                    option("od_56_do_69", t("56–69 lat", "56–69", "56–69 років")),
                    option("od_70", t("70 lat i więcej", "70 and over", "70 років і більше")),
                    prefer_not_to_say(),
                ],
            ),
            single(
                "wyksztalcenie",
                t("Wykształcenie", "Education", "Освіта"),
                vec![
                    option("podstawowe", t("podstawowe", "primary", "початкова")),
                    option("zawodowe", t("zasadnicze zawodowe", "vocational", "професійно-технічна")),
                    option("srednie", t("średnie", "secondary", "середня")),
                    option("wyzsze", t("wyższe", "higher", "вища")),
                    prefer_not_to_say(),
                ],
            ),
            single(
                "miejsce_zamieszkania",
                t("Miejsce zamieszkania", "Place of residence", "Місце проживання"),
                vec![
                    option("gmina", t("na terenie gminy", "in the municipality", "на території гміни")),
                    option("poza_gmina", t("poza gminą", "outside the municipality", "поза гміною")),
                    prefer_not_to_say(),
                ],
            ),
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::Lang;

    #[test]
    fn default_questionnaire_is_well_formed() {
        assert_eq!(default_questionnaire().check(), Ok(()));
    }

    #[test]
    fn has_sections_a_to_e_with_five_rated_areas() {
        let q = default_questionnaire();
        let keys: Vec<&str> = q.sections.iter().map(|s| s.key.as_str()).collect();
        assert_eq!(
            keys,
            [
                "wizyta",
                "wizerunek",
                "podejscie",
                "kompetencje",
                "terminowosc",
                "rzetelnosc",
                "ogolna",
                "uwagi",
                "metryczka"
            ]
        );
        let satisfaction_items = q
            .questions()
            .filter(|(_, q)| matches!(q.kind, QuestionKind::Rating { purpose: RatingPurpose::Satisfaction, .. }))
            .count();
        // 6 + 4 + 6 + 4 + 4 items in the five areas, plus the overall rating.
        assert_eq!(satisfaction_items, 25);
    }

    #[test]
    fn only_the_overall_rating_is_required() {
        let q = default_questionnaire();
        let required: Vec<&str> = q.questions().filter(|(_, q)| q.required).map(|(_, q)| q.key.as_str()).collect();
        assert_eq!(required, [OVERALL]);
        assert_eq!(q.overall().map(|o| o.text.get(Lang::Pl)), Some("Jak ogólnie ocenia Pan/Pani obsługę w Urzędzie?"));
    }

    #[test]
    fn every_text_is_translated() {
        let q = default_questionnaire();
        let mut texts: Vec<&LocalizedText> = vec![&q.title, &q.not_applicable_label];
        texts.extend(q.rating_labels.iter());
        for s in &q.sections {
            texts.push(&s.title);
            texts.extend(s.intro.iter());
            for question in &s.questions {
                texts.push(&question.text);
                if let QuestionKind::SingleChoice { options } | QuestionKind::MultipleChoice { options } =
                    &question.kind
                {
                    texts.extend(options.iter().map(|o| &o.label));
                }
            }
        }
        for text in texts {
            assert!(!text.pl.is_empty() && !text.en.is_empty() && !text.uk.is_empty(), "{text:?}");
        }
    }

    #[test]
    fn survives_a_json_round_trip() {
        let q = default_questionnaire();
        let json = serde_json::to_string(&q).unwrap_or_default();
        let back: Questionnaire = serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}: {json}"));
        assert_eq!(back, q);
    }
}
