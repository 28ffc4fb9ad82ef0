// The SQL that deletes citizens a test made for itself (enrolled through
// the API or the pages), with every row that refers to them and the plans
// only they had. Shared by the integration and browser tests, so that a
// new table that refers to citizens is added in one place. Audit rows
// stay: the chain is not touched. ids and plans are numbers (checked).

export function forgetCitizensSql(ids, plans) {
  for (const v of [...ids, ...plans]) {
    if (!/^\d+$/.test(String(v))) throw new Error(`not an id: ${v}`);
  }
  if (!ids.length) return '';
  const c = ids.join(',');
  const p = plans.length ? plans.join(',') : '0';
  const onlyTheirs = `plan_id IN (${p}) AND plan_id NOT IN (SELECT plan_id FROM citizens WHERE id NOT IN (${c}))`;
  return `DELETE pc FROM proposal_comments pc JOIN proposals q ON q.id = pc.proposal_id WHERE q.citizen_id IN (${c});
    DELETE FROM proposals WHERE citizen_id IN (${c});
    DELETE FROM meeting_points WHERE citizen_id IN (${c});
    DELETE FROM meeting_responses WHERE citizen_id IN (${c});
    DELETE FROM meetings WHERE citizen_id IN (${c});
    DELETE FROM messages WHERE citizen_id IN (${c});
    DELETE FROM plan_acceptances WHERE citizen_id IN (${c});
    DELETE FROM plan_answers WHERE citizen_id IN (${c});
    DELETE FROM outbox WHERE citizen_id IN (${c});
    DELETE FROM notification_settings WHERE citizen_id IN (${c});
    DELETE FROM sessions WHERE citizen_id IN (${c});
    DELETE FROM consents WHERE citizen_id IN (${c});
    DELETE FROM goal_progress WHERE citizen_id IN (${c}) OR goal_id IN (SELECT id FROM goals WHERE ${onlyTheirs});
    DELETE FROM dreams WHERE citizen_id IN (${c}) OR ${onlyTheirs};
    DELETE FROM goals WHERE ${onlyTheirs} ORDER BY parent_id IS NULL, id DESC;
    DELETE FROM plan_history WHERE ${onlyTheirs};
    DELETE FROM plan_changes WHERE ${onlyTheirs};
    DELETE FROM plan_docs WHERE ${onlyTheirs};
    DELETE FROM citizens WHERE id IN (${c});
    DELETE FROM plans WHERE id IN (${p}) AND id NOT IN (SELECT plan_id FROM citizens)`;
}
