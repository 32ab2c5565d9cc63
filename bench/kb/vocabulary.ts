/**
 * The benchmark corpus's words, most frequent first: English function words, then a handbook's working vocabulary,
 * then made-up terms (product names, jargon) for the long tail. Sampled with a Zipf-Mandelbrot law, so a few terms
 * are in most documents and thousands are in a handful.
 */

/** Deterministic PRNG (mulberry32): the same seed gives the same corpus on every machine. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return function next() {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const STOP_WORDS = (
  'the of and to a in is for that with on as be it this by are or from at an not we you can will have if when ' +
  'should all your our more each which their must any into also than only then there'
).split(' ');

const WORKING = (
  'team service data process customer project release deploy server user access policy review account system ' +
  'request support update change issue report meeting security incident document network backup cluster database ' +
  'query cache latency budget contract vendor invoice payment onboarding training manager engineer product design ' +
  'feature roadmap milestone sprint ticket escalation alert monitoring dashboard metric threshold capacity storage ' +
  'migration schema index replica failover region zone endpoint gateway proxy certificate token password credential ' +
  'permission role audit compliance retention privacy consent export import pipeline build test staging production ' +
  'rollback hotfix version branch commit merge approval checklist runbook playbook oncall rotation handover shift ' +
  'holiday leave expense travel laptop hardware license subscription renewal quota limit usage billing pricing ' +
  'discount partner reseller lead opportunity forecast quarter target revenue margin cost estimate scope risk ' +
  'dependency blocker owner stakeholder sponsor charter objective outcome feedback survey interview hiring candidate ' +
  'offer salary benefit insurance pension payroll tax receipt procurement warehouse shipment delivery inventory ' +
  'supplier order refund complaint warranty repair replacement install configure upgrade patch vulnerability scan ' +
  'firewall encryption key rotation secret vault identity login session timeout retry queue worker job schedule ' +
  'cron batch stream event message topic consumer producer broker kafka redis postgres kubernetes container image ' +
  'registry artifact package library framework api client sdk webhook integration connector plugin extension ' +
  'template workflow automation script terraform ansible helm chart manifest namespace volume snapshot restore ' +
  'recovery disaster continuity outage maintenance window announcement newsletter wiki handbook guideline standard ' +
  'procedure template glossary faq tutorial example reference overview summary appendix decision proposal rfc ' +
  'architecture diagram component module interface boundary contract latency throughput bandwidth packet dns ' +
  'domain subnet vpn tunnel load balancer autoscaling cpu memory disk bottleneck profiling trace span log retention ' +
  'archive compression format json yaml csv schema validation error exception warning notice status health probe ' +
  'readiness liveness sla slo sli uptime availability durability consistency partition quorum leader election ' +
  'office desk meeting room visitor badge parking cafeteria wellness mentoring coaching promotion performance goal ' +
  'quarterly annual weekly daily standup retrospective demo planning estimation velocity backlog epic story task'
)
  .split(/\s+/)
  .filter((w, i, all) => w !== '' && all.indexOf(w) === i);

const ONSETS = ['b', 'br', 'c', 'ch', 'd', 'dr', 'f', 'g', 'gr', 'h', 'k', 'l', 'm', 'n', 'p', 'pl', 'qu', 'r', 's', 'st', 't', 'tr', 'v', 'z'];
const VOWELS = ['a', 'e', 'i', 'o', 'u', 'ai', 'ea', 'io', 'ou'];
const CODAS = ['', '', 'n', 'r', 'l', 'x', 'nd', 'st', 'm', 'k'];

/** `size` distinct words, most frequent first: STOP_WORDS, the working vocabulary, then made-up terms. */
export function vocabulary(size: number, seed: number): string[] {
  const rand = prng(seed);
  const pick = <T>(list: readonly T[]) => list[Math.floor(rand() * list.length)]!;
  const words = [...STOP_WORDS, ...WORKING];
  const seen = new Set(words);
  while (words.length < size) {
    const syllables = 2 + Math.floor(rand() * 2);
    let word = '';
    for (let i = 0; i < syllables; i++) word += pick(ONSETS) + pick(VOWELS) + (i === syllables - 1 ? pick(CODAS) : '');
    if (!seen.has(word)) {
      seen.add(word);
      words.push(word);
    }
  }
  return words.slice(0, size);
}

/**
 * A sampler of ranks 0..n-1 with P(r) ∝ 1/(r + q)^s (Zipf-Mandelbrot), by binary search over the cumulative weights.
 * @example const rank = zipf(4000, 1.05, 2.7); words[rank(prng(1))]
 */
export function zipf(n: number, s: number, q: number): (rand: () => number) => number {
  const cumulative = new Float64Array(n);
  let total = 0;
  for (let r = 0; r < n; r++) {
    total += 1 / (r + 1 + q) ** s;
    cumulative[r] = total;
  }
  return function rank(rand) {
    const x = rand() * total;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cumulative[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}
