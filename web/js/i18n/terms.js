// terms: the words of the plan itself – a goal's area and status, the kinds
// of meeting – that the citizen portal and the caseworker pages say alike.
// i18n/index.js puts them under each site's own texts (useTexts), so that
// both sites name a goal's status with the same word.

export default {
  da: {
    areas: {
      job: 'Job',
      education: 'Uddannelse',
      health: 'Sundhed',
      social: 'Socialt',
      family: 'Familie',
      housing: 'Bolig',
      economy: 'Økonomi',
    },
    goalStatus: {
      proposed: 'Foreslået',
      accepted: 'Aftalt',
      active: 'I gang',
      'on-hold': 'Sat på pause',
      completed: 'Nået',
      cancelled: 'Stoppet',
      rejected: 'Ikke aftalt',
    },
    meetingKinds: {
      network: 'Netværksmøde',
      follow_up: 'Opfølgning',
      followup: 'Opfølgning',
    },
  },
  en: {
    areas: {
      job: 'Work',
      education: 'Education',
      health: 'Health',
      social: 'Social',
      family: 'Family',
      housing: 'Housing',
      economy: 'Money',
    },
    goalStatus: {
      proposed: 'Proposed',
      accepted: 'Agreed',
      active: 'In progress',
      'on-hold': 'On hold',
      completed: 'Reached',
      cancelled: 'Stopped',
      rejected: 'Not agreed',
    },
    meetingKinds: {
      network: 'Network meeting',
      follow_up: 'Follow-up',
      followup: 'Follow-up',
    },
  },
};
