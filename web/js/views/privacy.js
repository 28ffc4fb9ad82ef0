// Privatlivserklæring: what Kaptajn stores, why, for how long, who sees
// it, and the citizen's rights. Static text, for everyone.

import { h, fill } from '../dom.js';
import { t } from '../i18n/index.js';
import { backLink, pageHeading } from '../ui.js';

export async function render(view) {
  fill(
    view,
    backLink(),
    pageHeading(t('privacy.heading')),
    ['what', 'why', 'howLong', 'who', 'rights'].map((k) =>
      h('section', { class: 'plan-section' }, h('h2', null, t(`privacy.${k}Heading`)), h('p', null, t(`privacy.${k}`)))),
  );
}
