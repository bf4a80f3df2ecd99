// What the tablet asks and in which order, and what it stores: the same rules as the Slint kiosk
// (`kiosk/src/flow.rs`). Smiley mode: the overall rating as faces, then the follow-ups. Full mode: the
// overall rating first, then every question but free text, one a screen. Knows no DOM and no storage.

import { uuid7 } from './uuid7.js';
import { localized, WORDS } from './words.js';

export const DEFAULT_CONFIG = {
  mode: 'smiley',
  faces: 5,
  follow_ups: ['komorka', 'sprawa_zalatwiona'],
  idle_seconds: 45,
  thanks_seconds: 4,
  partial: 'save',
};

export const OTHER_DEPARTMENT = 'inna';

/// The ratings of the faces: with four faces there is no neutral middle.
export function faceRatings(faces) {
  return faces === 4 ? [1, 2, 4, 5] : [1, 2, 3, 4, 5];
}

function questions(q) {
  return q.sections.flatMap((s) => s.questions);
}

export class Flow {
  constructor(config, pkg, office, device) {
    this.config = { ...DEFAULT_CONFIG, ...config };
    this.pkg = pkg;
    this.office = office;
    this.device = device;
    this.lang = 'pl';
    const q = pkg.questionnaire;
    this.byKey = new Map(questions(q).map((x) => [x.key, x]));
    // Free text needs a keyboard: a counter tablet does not ask it.
    const askable = (key) => { const x = this.byKey.get(key); return x && x.kind.type !== 'free_text'; };
    this.steps = this.config.mode === 'full'
      ? questions(q).map((x) => x.key).filter((k) => k !== q.overall_question && askable(k))
      : this.config.follow_ups.filter(askable);
    this.reset();
  }

  reset() {
    this.answers = {};
    this.at = null;
    this.thanks = false;
    this.lang = 'pl';
  }

  inProgress() {
    return Object.keys(this.answers).length > 0 && !this.thanks;
  }

  ratingLabel(n) {
    const label = this.pkg.questionnaire.rating_labels[n - 1];
    return label ? `${n} – ${localized(label, this.lang)}` : String(n);
  }

  choices(key) {
    const q = this.pkg.questionnaire;
    const question = this.byKey.get(key);
    if (!question) return { choices: [], multiple: false };
    const given = this.answers[key];
    const selected = (value) => {
      if (given === undefined) return false;
      if (given === 'not_applicable') return value === 'na';
      if ('rating' in given) return String(given.rating) === value;
      if ('choice' in given) return given.choice === value;
      if ('choices' in given) return given.choices.includes(value);
      return false;
    };
    const choice = (value, label) => ({ value, label, selected: selected(value) });
    const kind = question.kind;
    switch (kind.type) {
      case 'rating': {
        const list = [1, 2, 3, 4, 5].map((n) => choice(String(n), this.ratingLabel(n)));
        if (kind.not_applicable) list.push(choice('na', localized(q.not_applicable_label, this.lang)));
        return { choices: list, multiple: false };
      }
      case 'single_choice':
        return { choices: kind.options.map((o) => choice(o.key, localized(o.label, this.lang))), multiple: false };
      case 'multiple_choice':
        return { choices: kind.options.map((o) => choice(o.key, localized(o.label, this.lang))), multiple: true };
      case 'department': {
        const list = this.pkg.departments.map(([k, name]) => choice(k, name));
        list.push(choice(OTHER_DEPARTMENT, WORDS[this.lang].other));
        return { choices: list, multiple: false };
      }
      default:
        return { choices: [], multiple: false };
    }
  }

  /// What to show now: { kind: 'start' | 'question' | 'thanks', … }.
  screen() {
    if (this.thanks) return { kind: 'thanks' };
    const q = this.pkg.questionnaire;
    if (this.at !== null && this.at < this.steps.length) {
      const key = this.steps[this.at];
      const { choices, multiple } = this.choices(key);
      return {
        kind: 'question',
        key,
        text: localized(this.byKey.get(key)?.text, this.lang),
        choices,
        multiple,
        number: this.at + 2,
        total: this.steps.length + 1,
      };
    }
    return {
      kind: 'start',
      question: localized(this.byKey.get(q.overall_question)?.text, this.lang),
      faces: faceRatings(this.config.faces).map((n) => ({ value: String(n), label: this.ratingLabel(n) })),
    };
  }

  /// A face on the start screen: the overall rating. Returns the response to store when that finished.
  tapFace(rating) {
    if (this.at !== null || this.thanks || !faceRatings(this.config.faces).includes(rating)) return null;
    this.answers[this.pkg.questionnaire.overall_question] = { rating };
    return this.advance(0);
  }

  /// A choice on a question screen: single choices go on at once, multiple ones toggle.
  choose(value) {
    if (this.at === null || this.at >= this.steps.length) return null;
    const key = this.steps[this.at];
    const { multiple } = this.choices(key);
    const kind = this.byKey.get(key)?.kind;
    if (multiple) {
      const chosen = this.answers[key]?.choices ? [...this.answers[key].choices] : [];
      const at = chosen.indexOf(value);
      if (at >= 0) chosen.splice(at, 1); else chosen.push(value);
      if (chosen.length) this.answers[key] = { choices: chosen }; else delete this.answers[key];
      return null;
    }
    if (kind?.type === 'rating') {
      this.answers[key] = value === 'na' ? 'not_applicable' : { rating: Number(value) };
    } else {
      this.answers[key] = { choice: value };
    }
    return this.advance(this.at + 1);
  }

  /// "Dalej" / "Pomijam pytanie".
  skip() {
    if (this.at === null || this.at >= this.steps.length) return null;
    return this.advance(this.at + 1);
  }

  back() {
    this.at = this.at === null || this.at === 0 ? null : this.at - 1;
    if (this.at === null) delete this.answers[this.pkg.questionnaire.overall_question];
  }

  advance(next) {
    if (next < this.steps.length) {
      this.at = next;
      return null;
    }
    this.thanks = true;
    this.at = null;
    return this.response();
  }

  /// The response as the sync API takes it (`survey::Response`): its id made here, now.
  response() {
    const answers = {};
    // Sorted keys: the same answers always make the same JSON, as the kiosk's ordered map does.
    for (const key of Object.keys(this.answers).sort()) answers[key] = this.answers[key];
    return {
      id: uuid7(),
      office: this.office,
      questionnaire_version: this.pkg.questionnaire.version,
      channel: 'kiosk_touch',
      captured_at: new Date().toISOString(),
      device: this.device,
      answers,
    };
  }

  /// No touch for a while: back to the start in Polish; a questionnaire left in the middle is returned
  /// for storing when the settings say so (it always has the overall rating, asked first).
  idle() {
    const partial = this.inProgress() && this.config.partial === 'save' ? this.response() : null;
    this.reset();
    return partial;
  }
}
