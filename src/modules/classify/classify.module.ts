import { Module, type DynamicModule } from '@nestjs/common';
import { AppConfig } from '../../config/config.js';
import { roleModule } from '../../config/role-module.js';
import { Metrics } from '../../metrics/metrics.service.js';
import { MeasuredProvider, WithFallback } from '../../common/with-fallback.js';
import { ClassifyWorker, TOPIC_CLASSIFIER } from './classify.worker.js';
import { HuggingFaceTopicClassifier, LocalTopicClassifier, type TopicClassifier } from './topic-classifier.js';

function topicClassifier(config: AppConfig, metrics: Metrics): TopicClassifier {
  const local = new LocalTopicClassifier();
  if (config.env.CLASSIFIER === 'local') return new MeasuredProvider(metrics, 'classifier', local);
  const remote = new HuggingFaceTopicClassifier({
    token: config.env.HF_TOKEN,
    endpointUrl: config.env.HF_ENDPOINT_URL,
    model: config.env.HF_CLASSIFIER_MODEL,
    timeoutMs: config.env.HF_TIMEOUT_MS,
  });
  return new WithFallback(metrics, 'classifier', remote, local, config.env.HF_RETRIES);
}

@Module({})
export class ClassifyModule {
  static register(config: AppConfig): DynamicModule {
    return roleModule(ClassifyModule, config, {
      providers: [
        { provide: TOPIC_CLASSIFIER, inject: [AppConfig, Metrics], useFactory: topicClassifier },
        ClassifyWorker,
      ],
    });
  }
}
