// Template engine for the invented Skein corpora: seeded, so regeneration is byte-for-byte reproducible.

export function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const COMMON_POOLS = {
  first: [
    'Amara', 'Liam', 'Sofia', 'Mateo', 'Priya', 'Kenji', 'Olga', 'Tomasz', 'Fatima', 'Daniel', 'Ingrid', 'Kwame',
    'Mei', 'Rafael', 'Aisha', 'Henrik', 'Lucia', 'Omar', 'Chloe', 'Arjun', 'Nadia', 'Samuel', 'Yuki', 'Elena',
    'Tariq', 'Grace', 'Felix', 'Zanele', 'Marco', 'Hannah', 'Diego', 'Leila', 'Oskar', 'Ruth', 'Chidi', 'Isabel',
    'Viktor', 'Noor', 'Patrick', 'Ana', 'Malik', 'Freya', 'Jun', 'Carmen', 'Emeka', 'Astrid', 'Rohan', 'Beatriz',
    'Sione', 'Claire', 'Hamid', 'Julia', 'Tomas', 'Anjali', 'Pedro', 'Ewa', 'Kofi', 'Margot', 'Sanjay', 'Helena',
    'Bongani', 'Aoife', 'Dmitri', 'Lena', 'Ibrahim', 'Rosa', 'Callum', 'Mariam', 'Teodor', 'Imani',
  ],
  last: [
    'Okafor', 'Lindqvist', 'Moreau', 'Haddad', 'Tanaka', 'Kowalski', 'Reyes', 'Brennan', 'Mensah', 'Castellanos',
    'Nakamura', 'Petrova', 'Adeyemi', 'Fischer', "O'Connell", 'Banerjee', 'Alvarez', 'Whitfield', 'Sato', 'Dubois',
    'Mwangi', 'Costa', 'Novak', 'Harrington', 'Iqbal', 'Jensen', 'Rossi', 'Abara', 'Calloway', 'Chen', 'Delgado',
    'Ferreira', 'Gallagher', 'Hoffmann', 'Ivanova', 'Kaplan', 'Lopez', 'Marsh', 'Nguyen', 'Osei', 'Park', 'Quinn',
    'Rahman', 'Sandoval', 'Thornton', 'Varga', 'Walsh', 'Yilmaz', 'Zamora', 'Achebe', 'Bergstrom', 'Cardoso',
    'Dlamini', 'Eriksen', 'Farouk', 'Grimaldi', 'Holt', 'Ibarra', 'Kariuki', 'Lambert', 'Mahlangu', 'Sorensen',
  ],
  city: [
    'Lisbon', 'Nairobi', 'Toronto', 'Osaka', 'Krakow', 'Melbourne', 'Denver', 'Accra', 'Lyon', 'Monterrey',
    'Hamburg', 'Pune', 'Glasgow', 'Valparaiso', 'Cebu', 'Tampere', 'Porto Alegre', 'Leeds', 'Bilbao', 'Halifax',
    'Durban', 'Bergen', 'Adelaide', 'Sacramento', 'Ghent', 'Izmir', 'Kochi', 'Rotterdam', 'Calgary', 'Wellington',
    'Cork', 'Tucson', 'Brno', 'Mombasa', 'Seville', 'Hanoi', 'Curitiba', 'Aarhus', 'Perth', 'Memphis',
  ],
  country: [
    'Portugal', 'Kenya', 'Canada', 'Japan', 'Poland', 'Australia', 'Ghana', 'France', 'Mexico', 'Germany', 'India',
    'Chile', 'the Philippines', 'Finland', 'Brazil', 'Spain', 'South Africa', 'Norway', 'Belgium', 'Turkey',
    'the Netherlands', 'New Zealand', 'Ireland', 'Czechia', 'Vietnam', 'Denmark', 'Indonesia', 'Morocco',
    'Argentina', 'Colombia', 'Nigeria', 'Sweden', 'Peru',
  ],
  weekday: ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'],
  month: ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'],
};

const withCommas = (n) => n.toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');

/** Fills `{...}` placeholders. Values are cached per article by token text, so `{person}` twice is the same person. */
export class Filler {
  constructor(rand, pools) {
    this.rand = rand;
    this.pools = pools;
    this.cache = new Map();
    this.mentioned = new Set();
    this.inTitle = false;
  }

  /** News style: a person's full name on first mention in the body, surname afterwards. */
  startBody() {
    this.mentioned.clear();
  }

  pick(list) {
    return list[Math.floor(this.rand() * list.length)];
  }

  int(lo, hi) {
    return lo + Math.floor(this.rand() * (hi - lo + 1));
  }

  fill(template) {
    return template.replace(/\{([^{}]+)\}/g, (_, raw) => this.resolve(raw));
  }

  resolve(raw) {
    let token = raw;
    let capitalise = false;
    if (token.startsWith('^')) {
      capitalise = true;
      token = token.slice(1);
    }
    let value;
    const personKey = /^person\d*(\.last)?$/.test(token) ? token.replace('.last', '') : null;
    if (personKey) {
      const full = this.cache.get(personKey) ?? this.generate(personKey);
      this.cache.set(personKey, full);
      value = this.mentioned.has(personKey) && !this.inTitle ? full.split(' ').slice(-1)[0] : full;
      if (!this.inTitle) this.mentioned.add(personKey);
    } else if (token.startsWith('~')) {
      value = this.pick(token.slice(1).split('|'));
    } else if (this.cache.has(token)) {
      value = this.cache.get(token);
    } else {
      value = this.generate(token);
      this.cache.set(token, value);
    }
    return capitalise ? value.charAt(0).toUpperCase() + value.slice(1) : value;
  }

  generate(token) {
    const [kind, arg] = token.split(':');
    if (kind === 'int' || kind === 'num' || kind === 'dec') {
      const [lo, hi] = arg.split('-').map(Number);
      if (kind === 'dec') return (lo + this.rand() * (hi - lo)).toFixed(1);
      const n = this.int(lo, hi);
      return kind === 'num' ? withCommas(n) : String(n);
    }
    const poolName = token.replace(/\d+$/, '');
    if (poolName === 'person') {
      const taken = new Set([...this.cache.values()]);
      for (;;) {
        const surname = this.pick(this.pools.last);
        if (![...taken].some((v) => v.endsWith(` ${surname}`))) return `${this.pick(this.pools.first)} ${surname}`;
      }
    }
    const pool = this.pools[poolName];
    if (!pool) throw new Error(`unknown placeholder {${token}}`);
    const taken = new Set([...this.cache.entries()].filter(([k]) => k.replace(/\d+$/, '') === poolName).map(([, v]) => v));
    let v = this.pick(pool);
    for (let i = 0; i < 50 && taken.has(v); i++) v = this.pick(pool);
    return this.fill(v);
  }
}

/**
 * Turns one story archetype into an article: a title, a lead and an ordered random subset of the details.
 * `story.t` = titles, `story.lead` = alternative leads, `story.s` = detail sentences (kept in order).
 * A title or detail prefixed `[n]` only fits lead n (e.g. a "vetoes" headline with the veto lead).
 */
export function writeArticle(story, rand, pools, minSentences, maxSentences, dateline = false) {
  const filler = new Filler(rand, pools);
  const leadIndex = Math.floor(rand() * story.lead.length);
  const fits = (text) => {
    const m = /^\[(\d)\]\s*/.exec(text);
    return m === null || Number(m[1]) === leadIndex;
  };
  const strip = (text) => text.replace(/^\[\d\]\s*/, '');
  const titleTemplate = strip(filler.pick(story.t.filter(fits)));
  const lead = filler.fill(story.lead[leadIndex]);
  const details = story.s.filter(fits).map(strip);
  const wanted = Math.min(details.length, minSentences - 1 + Math.floor(rand() * (maxSentences - minSentences + 1)));
  const indices = details.map((_, i) => i);
  for (let i = indices.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [indices[i], indices[j]] = [indices[j], indices[i]];
  }
  const chosen = indices.slice(0, wanted).sort((a, b) => a - b);
  const body = [lead, ...chosen.map((i) => filler.fill(details[i]))].join(' ');
  // The title is filled last so it can reuse the body's people and places; titles always carry full names.
  filler.inTitle = true;
  let title = filler.fill(titleTemplate);
  if (dateline) {
    const place = filler.cache.get('city') ?? filler.cache.get('country') ?? filler.fill('{country}');
    if (!title.includes(place)) title = `${place.replace(/^the /, (m) => m.charAt(0).toUpperCase() + m.slice(1))}: ${title}`;
  }
  return { title, body };
}
