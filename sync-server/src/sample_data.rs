//! `sync-server office sample`: a plausible year of answers for a new office, so that a newcomer sees a
//! full report and dashboard at once. Every channel is there in the proportions an office sees (most by
//! the buttons, then the kiosk's screen, the web and paper), on working days within opening hours (the
//! web also in the evenings and at weekends), with ratings leaning to the good side as real ones do, a
//! slow improvement over the year, timeliness rated a little lower than the rest, some comments and the
//! departments' share of visits.
//!
//! The answers are made from the office's current questionnaire, whatever it holds, and go through the
//! same validation as every other intake (`ingest::Checker`). The random numbers come from a fixed seed,
//! so the same office on the same day gets the same answers (tests count them). An office that has any
//! answer is refused before anything is written: sample data must never mix with real results.

use chrono::{Datelike, Duration, NaiveDate, NaiveTime, TimeZone, Utc, Weekday};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use survey::questionnaire::OTHER_DEPARTMENT;
use survey::{AnswerValue, Answers, Channel, QuestionKind, Questionnaire, RatingPurpose, Response};

use crate::ingest::Checker;
use crate::store::{Incoming, Store, StoreError};

/// The seed of the sample's random numbers: fixed, so that the sample can be counted.
const SEED: u64 = 20_261_201;

/// Departments a new office is given when it has none yet, so that the department question has answers.
const DEPARTMENTS: [(&str, &str); 4] = [
    ("usc", "Urząd Stanu Cywilnego"),
    ("podatki", "Referat Podatków i Opłat"),
    ("gospodarka", "Referat Gospodarki Komunalnej"),
    ("bok", "Biuro Obsługi Klienta"),
];

/// Comments as residents write them, praise and complaints.
const COMMENTS: [&str; 16] = [
    "Bardzo miła obsługa, dziękuję.",
    "Za długo czekałem w kolejce do kasy.",
    "Brakuje miejsc parkingowych przy urzędzie.",
    "Pani w USC wszystko dokładnie wyjaśniła.",
    "Formularze są niezrozumiałe, przydałby się wzór wypełnienia.",
    "Proszę o dłuższe godziny pracy w poniedziałki.",
    "Sprawnie i bez zbędnych formalności.",
    "Strona internetowa jest nieaktualna.",
    "Brak windy dla osób na wózku – musiałam czekać na pomoc.",
    "Wszystko załatwione w jeden dzień, brawo.",
    "Za mało krzeseł w poczekalni.",
    "Oznakowanie pokoi mogłoby być czytelniejsze.",
    "Pracownik był niemiły i nie znał przepisów.",
    "Dziękuję za pomoc przy wypełnianiu wniosku.",
    "Przydałby się automat z numerkami.",
    "Czysto i przyjemnie, obsługa na wysokim poziomie.",
];

/// Why the sample was not made.
#[derive(Debug, thiserror::Error)]
pub enum SampleError {
    #[error(
        "urząd /{slug} ma już odpowiedzi ({count}): przykładowe dane można dodać tylko do nowego urzędu bez żadnych odpowiedzi, żeby nie pomieszały się z prawdziwymi wynikami. Niczego nie zapisano. Utwórz osobny urząd do pokazu (sync-server office create --slug demo --name …)."
    )]
    HasAnswers { slug: String, count: u64 },
    #[error("przykładowa odpowiedź nie przeszła sprawdzenia ankiety: {0}")]
    Invalid(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What the sample holds, for the command to say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Answers per channel, in [`Channel::ALL`] order.
    pub by_channel: Vec<(Channel, u64)>,
    pub comments: u64,
    /// Departments added because the office had none.
    pub departments_added: usize,
}

impl Summary {
    pub fn total(&self) -> u64 {
        self.by_channel.iter().map(|(_, n)| n).sum()
    }
}

/// Fills the office `slug` with a year of answers ending on `last_day` (a local day).
pub fn fill(store: &Store, slug: &str, last_day: NaiveDate) -> Result<Summary, SampleError> {
    let office = store.office(slug)?;
    let count = store.responses_ever(office.id)?;
    if count > 0 {
        return Err(SampleError::HasAnswers { slug: slug.to_owned(), count });
    }
    let mut departments_added = 0;
    if store.departments(slug)?.is_empty() {
        for (key, name) in DEPARTMENTS {
            store.add_department(slug, key, name)?;
            departments_added += 1;
        }
    }
    let departments: Vec<String> = store.departments(slug)?.into_iter().map(|(key, _)| key).collect();
    let questionnaire = store.current_questionnaire(slug)?;
    let from = last_day - Duration::days(364);
    let mut maker = Maker { rng: StdRng::seed_from_u64(SEED), questionnaire: &questionnaire, departments };
    let mut responses = Vec::new();
    let mut serial = 0u32;
    let mut day = from;
    while day <= last_day {
        // 0 on the first day, 1 on the last: the office gets a little better over the year.
        let progress = (day - from).num_days() as f32 / 364.0;
        for channel in Channel::ALL {
            for _ in 0..maker.answers_on(day, channel) {
                let Some(at) = maker.time_on(day, channel) else { continue };
                let mut response = maker.response(slug, channel, at, progress);
                if channel == Channel::Paper {
                    serial += 1;
                    response.paper_serial = Some(format!("{}-{serial:05}", day.year()));
                    // As paper entry stores a typed date: noon of the day.
                    response.captured_at = Utc.from_utc_datetime(&day.and_time(NaiveTime::MIN)) + Duration::hours(12);
                }
                responses.push(response);
            }
        }
        day += Duration::days(1);
    }
    let mut checker = Checker::new(store);
    for r in &responses {
        if let Err(errors) = checker.check(r)? {
            let first = errors.first().map(|e| e.message(survey::Lang::Pl)).unwrap_or_default();
            return Err(SampleError::Invalid(first));
        }
    }
    // One transaction for the whole year: one durable commit instead of thousands.
    let incoming: Vec<Incoming<'_>> = responses.iter().map(Incoming::as_given).collect();
    for outcome in store.record_batch(&incoming)? {
        outcome?;
    }
    let comments =
        responses.iter().filter(|r| r.answers.values().any(|a| matches!(a, AnswerValue::Text(_)))).count() as u64;
    Ok(Summary {
        from,
        to: last_day,
        by_channel: Channel::ALL
            .into_iter()
            .map(|c| (c, responses.iter().filter(|r| r.channel == c).count() as u64))
            .collect(),
        comments,
        departments_added,
    })
}

struct Maker<'q> {
    rng: StdRng,
    questionnaire: &'q Questionnaire,
    departments: Vec<String>,
}

/// Public holidays on fixed dates, when the office is closed (Easter's are left out: a sample need not be
/// exact).
fn holiday(day: NaiveDate) -> bool {
    matches!(
        (day.month(), day.day()),
        (1, 1) | (1, 6) | (5, 1) | (5, 3) | (8, 15) | (11, 1) | (11, 11) | (12, 24) | (12, 25) | (12, 26)
    )
}

/// Opening hours, in minutes after local midnight: longer on Mondays, shorter on Fridays.
fn opening_hours(day: NaiveDate) -> Option<(u32, u32)> {
    if holiday(day) {
        return None;
    }
    match day.weekday() {
        Weekday::Mon => Some((8 * 60, 17 * 60)),
        Weekday::Tue | Weekday::Wed | Weekday::Thu => Some((7 * 60 + 30, 15 * 60 + 30)),
        Weekday::Fri => Some((7 * 60 + 30, 14 * 60)),
        Weekday::Sat | Weekday::Sun => None,
    }
}

impl Maker<'_> {
    /// How many answers a channel gets on a day.
    fn answers_on(&mut self, day: NaiveDate, channel: Channel) -> u32 {
        let open = opening_hours(day).is_some();
        match (channel, open) {
            (Channel::KioskButtons, true) => self.rng.gen_range(3..=11),
            (Channel::KioskTouch, true) => self.rng.gen_range(0..=5),
            (Channel::Web, true) => self.rng.gen_range(0..=3),
            (Channel::Web, false) => self.rng.gen_range(0..=1),
            (Channel::Paper, true) => self.rng.gen_range(0..=2),
            _ => 0,
        }
    }

    /// A moment of the day: within opening hours, busiest in the middle of the morning; the web from 7 to 23.
    fn time_on(&mut self, day: NaiveDate, channel: Channel) -> Option<chrono::DateTime<Utc>> {
        let (start, end) = match channel {
            Channel::Web => (7 * 60, 23 * 60),
            _ => opening_hours(day)?,
        };
        // The mean of two uniform draws: more visits mid-span than at opening and closing.
        let span = f64::from(end - start);
        let minute = start + ((self.rng.gen_range(0.0..span) + self.rng.gen_range(0.0..span)) / 2.0) as u32;
        let local = day.and_time(NaiveTime::from_num_seconds_from_midnight_opt(minute * 60, 0)?);
        Some(crate::local_time::OFFICE_TZ.from_local_datetime(&local).earliest()?.with_timezone(&Utc))
    }

    /// A rating around `mood` (1–5, about half a point either way).
    fn rating(&mut self, mood: f32) -> u8 {
        let noise: f32 = self.rng.gen_range(-1.2..1.2) + self.rng.gen_range(-1.2..1.2);
        (mood + noise / 2.0).round().clamp(1.0, 5.0) as u8
    }

    fn response(&mut self, slug: &str, channel: Channel, at: chrono::DateTime<Utc>, progress: f32) -> Response {
        let questionnaire = self.questionnaire;
        // Each resident's general mood: most are content, a few are not.
        let mood = if self.rng.gen_bool(0.1) { 2.2 } else { 4.0 + 0.35 * progress + self.rng.gen_range(-0.4..0.6) };
        let mut answers = Answers::new();
        answers.insert(questionnaire.overall_question.clone(), AnswerValue::Rating(self.rating(mood)));
        // The buttons ask only the overall question; the screen and paper most, the web nearly all.
        let answer_share = match channel {
            Channel::KioskButtons => 0.0,
            Channel::KioskTouch => 0.6,
            Channel::Web => 0.85,
            Channel::Paper => 0.9,
        };
        let commented = channel != Channel::KioskButtons && self.rng.gen_bool(0.12);
        let mut comment_given = false;
        for (section, question) in questionnaire.questions() {
            if question.key == questionnaire.overall_question || !self.rng.gen_bool(answer_share) {
                continue;
            }
            let answer = match &question.kind {
                QuestionKind::Rating { not_applicable, purpose } => {
                    if *not_applicable && self.rng.gen_bool(0.06) {
                        AnswerValue::NotApplicable
                    } else if *purpose == RatingPurpose::Importance {
                        AnswerValue::Rating(self.rating(4.3))
                    } else {
                        // Waiting and deadlines are what residents rate lowest.
                        let slower = if section.key.as_str() == "terminowosc" { 0.45 } else { 0.0 };
                        AnswerValue::Rating(self.rating(mood - slower))
                    }
                }
                QuestionKind::SingleChoice { options } if !options.is_empty() => {
                    // Earlier options are the commoner ones ("tak" before "nie").
                    let i = self.rng.gen_range(0..options.len()).min(self.rng.gen_range(0..options.len()));
                    AnswerValue::Choice(options[i].key.to_string())
                }
                QuestionKind::MultipleChoice { options } if !options.is_empty() => {
                    let first = self.rng.gen_range(0..options.len());
                    let mut picked = vec![options[first].key.to_string()];
                    let second = self.rng.gen_range(0..options.len());
                    if second != first && self.rng.gen_bool(0.3) {
                        picked.push(options[second].key.to_string());
                    }
                    AnswerValue::Choices(picked)
                }
                QuestionKind::Department => {
                    // The first departments are the busiest; a few visits are to "another".
                    let n = self.departments.len();
                    if n == 0 || self.rng.gen_bool(0.05) {
                        AnswerValue::Choice(OTHER_DEPARTMENT.to_owned())
                    } else {
                        let i = self.rng.gen_range(0..n).min(self.rng.gen_range(0..n));
                        AnswerValue::Choice(self.departments[i].clone())
                    }
                }
                QuestionKind::FreeText { max_chars } if commented && !comment_given => {
                    comment_given = true;
                    let text = COMMENTS[self.rng.gen_range(0..COMMENTS.len())];
                    AnswerValue::Text(text.chars().take(*max_chars as usize).collect())
                }
                _ => continue,
            };
            answers.insert(question.key.clone(), answer);
        }
        let mut random = [0u8; 10];
        self.rng.fill(&mut random);
        let millis = u64::try_from(at.timestamp_millis()).unwrap_or_default();
        Response {
            id: uuid::Builder::from_unix_timestamp_millis(millis, &random).into_uuid(),
            office: slug.to_owned(),
            questionnaire_version: questionnaire.version,
            channel,
            captured_at: at,
            device: matches!(channel, Channel::KioskTouch | Channel::KioskButtons).then(|| "kiosk-parter".to_owned()),
            paper_serial: None,
            answers,
            clock: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offices_open_on_working_days_only() {
        let monday = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
        assert_eq!(opening_hours(monday), Some((480, 1020)));
        assert_eq!(opening_hours(NaiveDate::from_ymd_opt(2026, 12, 5).unwrap()), None, "Saturday");
        assert_eq!(opening_hours(NaiveDate::from_ymd_opt(2026, 11, 11).unwrap()), None, "Independence Day");
    }
}
