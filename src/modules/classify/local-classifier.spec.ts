import { readTrainingExamples, type TrainingExample } from '../../news/training-corpus.js';
import { LocalClassifier } from './local-classifier.js';
import { TOPICS, type Topic } from '../../news/topics.js';

// Written for this spec (not taken from the corpus): one unambiguous brief per topic.
const CLEAR_EXAMPLES: Record<Topic, { title: string; body: string }> = {
  politics: {
    title: 'Senate confirms new interior minister after heated vote',
    body: 'Lawmakers voted 61 to 39 to confirm the nominee, ending weeks of debate in parliament. Opposition leaders accused the governing coalition of rushing the vote before the election.',
  },
  business: {
    title: 'Retail chain posts higher quarterly profit as store sales recover',
    body: 'The retailer said revenue rose 8% in the quarter and its chief executive plans to open 20 new stores. Suppliers and shoppers returned after a weak holiday season, the company said.',
  },
  technology: {
    title: 'Software company patches security flaw in smartphone app',
    body: 'The update fixes a vulnerability that let hackers reach user data stored on cloud servers. Engineers urged users to install the new version of the app and enable two-factor authentication.',
  },
  sports: {
    title: 'Striker scores twice as United win derby to go top of the league',
    body: 'The forward scored in each half and the goalkeeper saved a late penalty. The coach praised the team after the match, their fifth straight win of the season.',
  },
  health: {
    title: 'Hospital doctors warn of rising flu admissions',
    body: 'Emergency departments are treating more patients with flu, and nurses say wards are full. Health officials urged older people to get vaccinated before the winter.',
  },
  climate: {
    title: 'Record heatwave linked to climate change as emissions keep rising',
    body: 'Scientists said greenhouse gas emissions from fossil fuels made the heatwave and drought far more likely. Glaciers are melting and sea levels rising as global temperatures climb.',
  },
  science: {
    title: 'Astronomers detect distant planet with new space telescope',
    body: 'Researchers at the observatory found the rocky planet orbiting a nearby star, and published the findings in a journal. Physicists say the data could show how planets form.',
  },
  education: {
    title: 'Teachers strike over school funding and class sizes',
    body: 'Schools closed as teachers walked out, and pupils missed lessons ahead of exams. The union said classrooms are overcrowded and university students joined the protest over tuition fees.',
  },
  entertainment: {
    title: 'Pop star tops charts with new album and announces world tour',
    body: 'The singer\u2019s album debuted at number one and tickets for the concert tour sold out in minutes. Fans queued overnight, and a film about the band premieres at the festival next month.',
  },
  finance: {
    title: 'Central bank raises interest rates as inflation stays high',
    body: 'The bank lifted its benchmark rate a quarter point, and bond yields rose while the currency strengthened. Investors sold shares and the stock market index fell 2% on the decision.',
  },
};

describe('LocalClassifier', () => {
  const examples: TrainingExample[] = readTrainingExamples();

  it('classifies a clear example of each of the ten topics correctly, with a score in (0, 1]', () => {
    const model = LocalClassifier.fromShippedCorpus();
    for (const topic of TOPICS) {
      const { title, body } = CLEAR_EXAMPLES[topic];
      const result = model.classify(title, body);
      expect({ topic, got: result.topic }).toEqual({ topic, got: topic });
      expect(result.score).toBeGreaterThan(0);
      expect(result.score).toBeLessThanOrEqual(1);
    }
  });

  it('reaches at least 0.85 accuracy on a held-out 20% it was not trained on', () => {
    const { train, test } = LocalClassifier.split(examples, 0.2, 42);
    const model = LocalClassifier.train(train);
    const correct = test.filter(
      (example) => model.classify(example.title, example.body).topic === example.topic,
    ).length;
    expect(correct / test.length).toBeGreaterThanOrEqual(0.85);
  });

  it('splits deterministically, stratified by topic, without overlap', () => {
    const first = LocalClassifier.split(examples, 0.2, 42);
    const again = LocalClassifier.split(examples, 0.2, 42);
    const other = LocalClassifier.split(examples, 0.2, 7);
    expect(again).toEqual(first);
    expect(other.test).not.toEqual(first.test);
    expect(first.train.length + first.test.length).toBe(examples.length);
    expect(first.test.filter((example) => first.train.includes(example))).toHaveLength(0);
    for (const topic of TOPICS) {
      const total = examples.filter((example) => example.topic === topic).length;
      expect(first.test.filter((example) => example.topic === topic)).toHaveLength(Math.round(total * 0.2));
    }
  });

  it('gives the same answers in batches and caches the shipped model', () => {
    const model = LocalClassifier.fromShippedCorpus();
    expect(LocalClassifier.fromShippedCorpus()).toBe(model);
    const items = TOPICS.map((topic) => CLEAR_EXAMPLES[topic]);
    expect(model.classifyMany(items)).toEqual(items.map((item) => model.classify(item.title, item.body)));
  });

  it('still answers a valid topic for empty or unknown text', () => {
    const result = LocalClassifier.fromShippedCorpus().classify('', 'zzzz qqqq');
    expect(TOPICS).toContain(result.topic);
    expect(result.score).toBeGreaterThan(0);
    expect(result.score).toBeLessThanOrEqual(1);
  });

  it('refuses to train on nothing', () => {
    expect(() => LocalClassifier.train([])).toThrow('zero examples');
  });
});
