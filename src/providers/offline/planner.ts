import { UsageError } from '../../core/errors';
import { validatePlan, type Plan, type TaskSpec, type TaskSpecInput } from '../../core/plan';
import type { ReplanRequest } from '../../core/provider';
import type { TaskSnapshot } from '../../core/task';
import { ASPECTS, capFacets, completeWithAspects, facetsFromText, questionFacets, type Facet } from './facets';
import { normalizeTerm, searchTerms, tokenize } from './search-terms';

/**
 * At least three facets, at most five: with the analysis that makes four to six subtasks before the
 * synthesis, the 3–6 of seed 000's decomposition however one counts them.
 */
const MIN_FACETS = 3;
const MAX_FACETS = 5;
/** A replan with no instruction adds at most this many facets. */
const MAX_BROADENING_FACETS = 2;
/** A search, the analysis and the synthesis. */
const MIN_TASKS = 3;

/**
 * Seed 000's decomposition, by rules instead of a model: one search per facet of the question, an
 * analysis over all of them, and the synthesis of the report.
 */
export function planResearch(question: string, maxTasks: number): Plan {
  const text = question.trim();
  if (text === '') throw new UsageError('The question is empty: type what you want to find out about the files of this folder.');
  if (maxTasks < MIN_TASKS) throw new Error(tooFewTasksMessage(maxTasks));
  const used = new Set<string>();
  const own = facetsFromText(text, used);
  if (own.length === 0) {
    throw new UsageError(`The question "${text}" has no words to search for: name the thing you want to find (a term, a file, a function).`);
  }
  const maxFacets = Math.min(MAX_FACETS, maxTasks - 2);
  const facets = capFacets(completeWithAspects(questionFacets(own), subjectOf(own), MIN_FACETS), maxFacets);
  const searches = facets.map((facet, i) => searchTask(`search-${i + 1}`, facet, i));
  return validatePlan({ question: text, tasks: [...searches, ...finalTasks('', searches.map((s) => s.id))] }, { maxTasks });
}

/**
 * A new plan for a run under way. Completed tasks stay as they were (their results are kept by id);
 * searches that have not finished stay too, since their facets are still wanted; unfinished
 * analyses and syntheses are dropped, replaced by a fresh pair over all searches, old and new.
 * New facets come from the instruction; with none, the research is broadened.
 */
export function replanResearch(request: ReplanRequest, maxTasks: number): Plan {
  const kept = request.tasks.filter((task) => task.state === 'COMPLETED' || task.spec.kind === 'search');
  const keptIds = new Set(kept.map((task) => task.spec.id));
  const allIds = new Set(request.tasks.map((task) => task.spec.id));
  // An unfinished task may have lost a dependency with the dropped tasks; completed ones keep their spec.
  const keptTasks: TaskSpecInput[] = kept.map((task) =>
    task.state === 'COMPLETED' ? task.spec : { ...task.spec, dependsOn: task.spec.dependsOn.filter((id) => keptIds.has(id)) },
  );
  const keptSearches = kept.map((task) => task.spec).filter((spec) => spec.kind === 'search');
  const used = new Set<string>();
  for (const spec of keptSearches) for (const term of searchTerms(spec.query ?? spec.description)) used.add(term);

  const room = maxTasks - keptTasks.length - 2;
  if (room < 0) throw new Error(tooFewTasksMessage(maxTasks, keptTasks.length));
  const instruction = request.instruction.trim();
  const wanted = instruction === '' ? [] : facetsFromText(instruction, used);
  const facets = (wanted.length > 0 ? wanted : broadeningFacets(request, keptSearches, used)).slice(0, room);

  let next = 1 + Math.max(0, ...[...allIds].map((id) => /^search-(\d+)$/.exec(id)).map((m) => (m ? Number(m[1]) : 0)));
  const newSearches = facets.map((facet, i) => searchTask(`search-${next++}`, facet, i));
  let round = 2;
  while (allIds.has(`analyze-${round}`) || allIds.has(`synthesize-${round}`)) round++;
  // A follow-up's round answers the follow-up from what it finds; the run's evidence has its section already.
  const searchIds = [...(request.followUp && newSearches.length > 0 ? [] : keptSearches.map((spec) => spec.id)), ...newSearches.map((spec) => spec.id)];
  return validatePlan(
    { question: request.question.trim(), tasks: [...keptTasks, ...newSearches, ...finalTasks(`-${round}`, searchIds)] },
    { maxTasks },
  );
}

/**
 * With no instruction, looks wider, in this order: words of the question no facet searched for yet,
 * aspects not searched yet, and the words the passages found so far use most that no query had.
 */
function broadeningFacets(request: ReplanRequest, searches: readonly TaskSpec[], used: Set<string>): Facet[] {
  const facets = facetsFromText(request.question, used).map((facet) => ({ ...facet, label: `More on: ${facet.label}` }));
  const searchedFacets = new Set(searches.map((spec) => spec.facet));
  for (const aspect of ASPECTS) {
    if (facets.length >= MAX_BROADENING_FACETS) break;
    if (searchedFacets.has(aspect.label)) continue;
    if (searches.some((spec) => spec.focus && [...searchTerms(aspect.query)].some((term) => searchTerms(spec.focus!).has(term)))) continue;
    const subject = subjectOf(facetsFromText(request.question, new Set()));
    const taken = new Set([...searchTerms(subject), ...used]);
    const focus = aspect.query.split(' ').filter((word) => ![...searchTerms(word)].some((term) => taken.has(term)));
    if (focus.length > 0) facets.push({ label: aspect.label, query: subject, focus: focus.join(' ') });
  }
  if (facets.length < MAX_BROADENING_FACETS) {
    const related = frequentNewTerms(request.tasks, used);
    if (related.length > 0) facets.push(...facetsFromText(related.join(' '), used).map((f) => ({ ...f, label: 'Related terms found in the passages so far' })));
  }
  return facets.slice(0, MAX_BROADENING_FACETS);
}

/** Terms of the quotes found so far that most passages share and no query searched for. */
function frequentNewTerms(tasks: readonly TaskSnapshot[], used: ReadonlySet<string>, count = 4): string[] {
  const passagesWith = new Map<string, number>();
  for (const task of tasks) {
    for (const finding of task.result?.findings ?? []) {
      const terms = new Set(tokenize(finding.quote).filter((term) => term.length > 2 && !/^\d+$/.test(term)));
      for (const term of terms) if (!used.has(normalizeTerm(term))) passagesWith.set(term, (passagesWith.get(term) ?? 0) + 1);
    }
  }
  return [...passagesWith]
    .filter(([, n]) => n > 1)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, count)
    .map(([term]) => term);
}

/** The question's subject: all of its own words, which every aspect search carries. */
function subjectOf(facets: readonly Facet[]): string {
  return facets.map((facet) => facet.query).join(' ');
}

function searchTask(id: string, facet: Facet, index: number): TaskSpecInput {
  return {
    id,
    kind: 'search',
    description: `Find passages about: ${facet.label}`,
    query: facet.query,
    facet: facet.label,
    ...(facet.focus ? { focus: facet.focus } : {}),
    // Facets taken from the question's own words first; added aspects after them.
    priority: Math.max(1, 7 - index),
  };
}

function finalTasks(suffix: string, searchIds: readonly string[]): TaskSpecInput[] {
  return [
    {
      id: `analyze${suffix}`,
      kind: 'analyze',
      description: 'Compare the passages of all facets: drop duplicates, keep the best few of each, note files several facets found',
      dependsOn: [...searchIds],
    },
    {
      id: `synthesize${suffix}`,
      kind: 'synthesize',
      description: 'Write the extractive report: the selected passages, quoted with links to their lines',
      dependsOn: [`analyze${suffix}`],
    },
  ];
}

function tooFewTasksMessage(maxTasks: number, kept = 0): string {
  return `The offline planner needs room for at least a search, an analysis and a synthesis${kept ? ` beside the ${kept} tasks it keeps` : ''}, but a plan may hold only ${maxTasks} tasks.`;
}
