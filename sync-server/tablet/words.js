// The tablet's own words in Polish, English and Ukrainian: everything around the questionnaire. The
// questions, options and rating labels come from the questionnaire the server serves. The service screen
// and pairing are for the office's staff and speak Polish only.

export const LANGS = ['pl', 'en', 'uk'];

export const WORDS = {
  pl: {
    lang_name: 'Polski',
    choose_lang: 'Język',
    text_size: 'Większy tekst',
    text_size_normal: 'Zwykły tekst',
    privacy: 'Informacja o danych',
    anonymous: 'Badanie jest anonimowe – odpowiedzi prezentujemy wyłącznie w zbiorczych zestawieniach.',
    back: 'Wstecz',
    next: 'Dalej',
    skip: 'Pomijam pytanie',
    progress: 'Pytanie',
    thanks_title: 'Dziękujemy!',
    thanks_text: 'Dziękujemy za poświęcenie czasu i wypełnienie ankiety.',
    not_saved_title: 'Nie udało się zapisać odpowiedzi',
    not_saved_text: 'Przepraszamy, Pana/Pani odpowiedź nie została zapisana. Prosimy powiedzieć o tym pracownikowi urzędu.',
    close: 'Zamknij',
    start_again: 'Wróć do początku',
    other: 'Inna',
    faces_label: 'Ocena',
  },
  en: {
    lang_name: 'English',
    choose_lang: 'Language',
    text_size: 'Larger text',
    text_size_normal: 'Normal text',
    privacy: 'About your data',
    anonymous: 'The survey is anonymous – answers are only ever shown as totals.',
    back: 'Back',
    next: 'Next',
    skip: 'Skip this question',
    progress: 'Question',
    thanks_title: 'Thank you!',
    thanks_text: 'Thank you for taking the time to fill in the survey.',
    not_saved_title: 'Your answer could not be saved',
    not_saved_text: 'We are sorry, your answer was not saved. Please tell a member of staff.',
    close: 'Close',
    start_again: 'Back to the start',
    other: 'Other',
    faces_label: 'Rating',
  },
  uk: {
    lang_name: 'Українська',
    choose_lang: 'Мова',
    text_size: 'Більший текст',
    text_size_normal: 'Звичайний текст',
    privacy: 'Інформація про дані',
    anonymous: 'Опитування анонімне – відповіді показуємо лише в узагальненому вигляді.',
    back: 'Назад',
    next: 'Далі',
    skip: 'Пропустити питання',
    progress: 'Питання',
    thanks_title: 'Дякуємо!',
    thanks_text: 'Дякуємо, що знайшли час заповнити анкету.',
    not_saved_title: 'Не вдалося зберегти відповідь',
    not_saved_text: 'Вибачте, вашу відповідь не збережено. Будь ласка, повідомте працівника.',
    close: 'Закрити',
    start_again: 'Повернутися на початок',
    other: 'Інший',
    faces_label: 'Оцінка',
  },
};

/// A text of the questionnaire in `lang`, Polish when it has no translation.
export function localized(text, lang) {
  if (!text) return '';
  return text[lang] || text.pl || '';
}
